"""`make bench`: how fast the app answers, on synthetic directories of 1k, 10k and 100k services.

    python -m bench.run                    (or: python bench/run.py; make bench)
    BENCH_SIZES=1000,10000 BENCH_REQUESTS=100 python -m bench.run

Build each size's directory (or reuse the cached build, see bench/build.py), start a
gunicorn with 2 workers for each on 127.0.0.1 and a free port, check that the framework
floor and the API give the same answer to the local query, warm up, then send the timed
requests from this one process, one at a time, each round taking every scenario of every
size in turn (round-robin), so that a slow spell of the machine falls on all of them alike.
Prints a Markdown table of p50, p95 and p99 with each p50's ratio to the floor's at that
size and to its own at the smallest size, then whether the targets pass. Exits 0 whatever
the numbers (it is a measurement, not a test); 1 only when it could not measure.

Environment: BENCH_SIZES (default 1000,10000,100000), BENCH_REQUESTS (timed requests per
scenario, default 200), BENCH_WARMUP (default 20), BENCH_MAX_SECONDS (time allowed a size
for warm-up and timed requests, default 240, so that a slow app or a busy machine cannot
make the run take much over twelve minutes; at least 30 rounds are timed whatever it says,
and the notes say when a size stopped short).
"""

import contextlib
import http.client
import json
import os
import platform
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

if __package__ in (None, ""):  # run as a file: python bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import build, importing, synthetic

HOST = "127.0.0.1"
WORKERS = 2
REQUEST_TIMEOUT_SECONDS = 30
STARTUP_TIMEOUT_SECONDS = 60
MIN_ROUNDS = 30
TARGET_FLOOR_RATIO = 3.0
TARGET_GROWTH_RATIO = 1.5

# Wednesday 2 December 2026, 7pm: a weekday evening that is a bank holiday nowhere in the UK.
OPEN_AT = "2026-12-02T19:00"
LOCAL_QUERY = {
    "postcode": synthetic.NEIGHBOURHOOD_OUTCODE,
    "radius_km": "10",
    "service_type": "peer_support,talking_therapy",
    "language": "pa",
    "open_at": OPEN_AT,
}
API = "/api/v1/services/"
PATHWAYS = "/api/v1/pathways/"
# A Punjabi speaker near the fixed neighbourhood, at the benchmark's moment.
PATHWAY_REQUEST = {
    "location": {"postcode": LOCAL_QUERY["postcode"]},
    "languages": ["pa", "en"],
    "needs": ["emotional_support", "talking_therapy"],
    "urgency": "soon",
    "at": OPEN_AT,
}
TARGET_PATHWAY_P95_MS = 60
FLOOR = "/bench/floor/"
JSON, HTML = "application/json", "text/html"


@dataclass
class Scenario:
    key: str
    label: str
    path: str
    accept: str
    samples: list[float] = field(default_factory=list)
    errors: int = 0
    body: bytes | None = None  # sent by POST when given


def scenarios(service_slug: str) -> list[Scenario]:
    """The requests timed at every size, in the order of the table."""
    return [
        Scenario("text", "text search", f"{API}?{urlencode({'q': 'peer support'})}", JSON),
        Scenario("local", "local search", f"{API}?{urlencode(LOCAL_QUERY)}", JSON),
        Scenario(
            "national",
            "national text-and-filter search",
            f"{API}?{urlencode({'q': 'counselling', 'need': 'racism_trauma'})}",
            JSON,
        ),
        Scenario("page", "service page", f"/services/{service_slug}/", HTML),
        # Not a target: the same local search from SE15, where at 100k services the synthetic
        # density puts some 5,000 within 10 km (WV1's neighbourhood is kept to 40).
        Scenario(
            "london",
            "local search near SE15 (London density)",
            f"{API}?{urlencode({**LOCAL_QUERY, 'postcode': 'SE15'})}",
            JSON,
        ),
        Scenario(
            "pathway",
            "pathway plan (POST /api/v1/pathways/)",
            PATHWAYS,
            JSON,
            body=json.dumps(PATHWAY_REQUEST).encode(),
        ),
        Scenario("floor", "framework floor (raw SQL)", f"{FLOOR}?{urlencode(LOCAL_QUERY)}", JSON),
    ]


class BenchError(RuntimeError):
    """The benchmark could not measure (not: the app was slow)."""


# --------------------------------------------------------------------------- HTTP


def fetch(
    port: int, path: str, accept: str = JSON, body: bytes | None = None
) -> tuple[int, bytes, float]:
    """(status, body, seconds) for one GET to 127.0.0.1, timed from connect to the last byte.

    gunicorn's sync workers close the connection after each response, so each request opens
    its own (as the floor's do too).
    """
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_SECONDS)
    try:
        if body is None:
            connection.request("GET", path, headers={"Accept": accept})
        else:
            headers = {"Accept": accept, "Content-Type": "application/json"}
            connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response.status, body, time.perf_counter() - started


def fetch_json(port: int, path: str) -> dict:
    status, body, _seconds = fetch(port, path)
    if status != 200:
        raise BenchError(f"GET {path} answered {status}: {body[:500]!r}")
    return json.loads(body)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving one synthetic directory, for the length of a `with` block."""

    def __init__(self, database: Path, log: Path):
        self.database = database
        self.log = log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        (build.DATA_DIR / "static").mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "BENCH_DATABASE": str(self.database),
        }
        command = [
            sys.executable, "-m", "gunicorn", "navigator.wsgi:application",
            "--workers", str(WORKERS), "--bind", f"{HOST}:{self.port}",
            "--chdir", str(build.REPO), "--log-level", "warning", "--error-logfile", "-",
        ]  # fmt: skip
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command, cwd=build.REPO, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited at start:\n{self._log_tail()}")
            try:
                status, _body, _seconds = fetch(self.port, "/api/v1/languages/")
            except OSError:
                time.sleep(0.1)
                continue
            if status == 200:
                return
            raise BenchError(f"gunicorn answered {status} at start:\n{self._log_tail()}")
        raise BenchError(f"gunicorn did not answer in {STARTUP_TIMEOUT_SECONDS} s.")

    def _log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])

    def __exit__(self, *exc_info) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


# --------------------------------------------------------------------------- measuring


@dataclass
class SizeResult:
    size: int
    scenarios: list[Scenario]
    local_ids: list[str]
    local_count: int
    nearby: int
    truncated: bool
    load: tuple[float, float]  # load average (1 min) before and after


def check_floor(port: int) -> dict:
    """The API's answer to the local query, after checking the floor gives the same one."""
    api = fetch_json(port, f"{API}?{urlencode(LOCAL_QUERY)}")
    floor = fetch_json(port, f"{FLOOR}?{urlencode(LOCAL_QUERY)}")
    api_answer = (api["count"], [(r["id"], r["distance_km"]) for r in api["results"]])
    floor_answer = (floor["count"], [(r["id"], r["distance_km"]) for r in floor["results"]])
    if api_answer != floor_answer:
        raise BenchError(
            "The floor does not answer the local query as the API does, so it is no floor.\n"
            f"  API:   {api_answer}\n  floor: {floor_answer}"
        )
    if not api["results"] or api["results"][0]["distance_km"] is None:
        raise BenchError("The local query found no service near WV1; the build is wrong.")
    return api


def measure(
    sizes: list[int], requests: int, warmup: int, budget_seconds: float
) -> list[SizeResult]:
    """Every size at once: a gunicorn for each, and the timed requests interleaved, each round
    taking every scenario of every size in turn. This machine's speed drifts by a third over
    minutes; timed one after another, the sizes met different spells of it, which the
    100k ÷ 1k ratios then reported as the app's growth."""
    with contextlib.ExitStack() as stack:
        servers = {
            size: stack.enter_context(
                Server(build.database_path(size), build.DATA_DIR / f"gunicorn-{size}.log")
            )
            for size in sizes
        }
        local = {size: check_floor(server.port) for size, server in servers.items()}
        timed = {size: scenarios(local[size]["results"][0]["slug"]) for size in sizes}
        for size, server in servers.items():
            for scenario in timed[size]:
                status, body, _seconds = fetch(
                    server.port, scenario.path, scenario.accept, scenario.body
                )
                if status != 200:
                    raise BenchError(f"GET {scenario.path} answered {status}: {body[:300]!r}")
        load_before = os.getloadavg()[0]
        # The budget covers warm-up and timing alike; MIN_ROUNDS are timed whatever it says.
        deadline = time.monotonic() + budget_seconds * len(sizes)
        for _ in range(warmup):
            if time.monotonic() > deadline:
                break
            for size, server in servers.items():
                for scenario in timed[size]:
                    fetch(server.port, scenario.path, scenario.accept, scenario.body)
        truncated = False
        for round_number in range(requests):
            if round_number >= MIN_ROUNDS and time.monotonic() > deadline:
                truncated = True
                break
            for size, server in servers.items():
                for scenario in timed[size]:
                    status, _body, seconds = fetch(
                        server.port, scenario.path, scenario.accept, scenario.body
                    )
                    if status == 200:
                        scenario.samples.append(seconds * 1000)
                    else:
                        scenario.errors += 1
        load_after = os.getloadavg()[0]
    return [
        SizeResult(
            size=size,
            scenarios=timed[size],
            local_ids=[result["id"] for result in local[size]["results"]],
            local_count=local[size]["count"],
            nearby=sum(1 for result in local[size]["results"] if result["distance_km"] is not None),
            truncated=truncated,
            load=(load_before, load_after),
        )
        for size in sizes
    ]


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """(p50, p95, p99) in the samples' unit."""
    if len(samples) < 2:
        value = samples[0] if samples else float("nan")
        return value, value, value
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


# --------------------------------------------------------------------------- reporting


def size_label(size: int) -> str:
    if size % 1000 == 0:
        return f"{size // 1000}k"
    return f"{size:,}"


def _ratio(value: float) -> str:
    return f"{value:.2f}×"


def table(results: list[SizeResult]) -> list[str]:
    smallest = results[0]
    base = {s.key: percentiles(s.samples)[0] for s in smallest.scenarios}
    lines = [
        "| size | scenario | p50 ms | p95 ms | p99 ms | p50 ÷ floor "
        f"| p50 ÷ {size_label(smallest.size)} |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        floor_p50 = percentiles(next(s for s in result.scenarios if s.key == "floor").samples)[0]
        for scenario in result.scenarios:
            p50, p95, p99 = percentiles(scenario.samples)
            growth = "—" if result is smallest else _ratio(p50 / base[scenario.key])
            lines.append(
                f"| {size_label(result.size)} | {scenario.label} | {p50:.1f} | {p95:.1f} | "
                f"{p99:.1f} | {_ratio(p50 / floor_p50)} | {growth} |"
            )
    return lines


def verdicts(results: list[SizeResult]) -> list[str]:
    by_size = {result.size: result for result in results}

    def p50(size: int, key: str) -> float:
        return percentiles(next(s for s in by_size[size].scenarios if s.key == key).samples)[0]

    lines = []
    largest, smallest = max(by_size), min(by_size)
    if 100_000 in by_size:
        ratio = p50(100_000, "local") / p50(100_000, "floor")
        verdict = "PASS" if ratio <= TARGET_FLOOR_RATIO else "FAIL"
        lines.append(
            f"{verdict}: local search at 100k is {ratio:.2f}× the floor's p50 "
            f"({p50(100_000, 'local'):.1f} ms against {p50(100_000, 'floor'):.1f} ms; "
            f"target ≤ {TARGET_FLOOR_RATIO:g}×)."
        )
    else:
        ratio = p50(largest, "local") / p50(largest, "floor")
        lines.append(
            f"NOT MEASURED: local search ≤ {TARGET_FLOOR_RATIO:g}× the floor at 100k (100k not in "
            f"BENCH_SIZES; at {size_label(largest)} it is {ratio:.2f}×)."
        )
    if 100_000 in by_size:
        pathway = next(s for s in by_size[100_000].scenarios if s.key == "pathway")
        p95 = percentiles(pathway.samples)[1]
        verdict = "PASS" if p95 <= TARGET_PATHWAY_P95_MS else "FAIL"
        lines.append(
            f"{verdict}: the pathway plan's p95 at 100k is {p95:.1f} ms "
            f"(target ≤ {TARGET_PATHWAY_P95_MS} ms)."
        )
    if 100_000 in by_size and 1000 in by_size:
        ratio = p50(100_000, "local") / p50(1000, "local")
        verdict = "PASS" if ratio <= TARGET_GROWTH_RATIO else "FAIL"
        lines.append(
            f"{verdict}: local search at 100k is {ratio:.2f}× its p50 at 1k "
            f"({p50(100_000, 'local'):.1f} ms against {p50(1000, 'local'):.1f} ms, the same "
            f"services nearby; target ≤ {TARGET_GROWTH_RATIO:g}×)."
        )
    elif largest != smallest:
        ratio = p50(largest, "local") / p50(smallest, "local")
        lines.append(
            f"NOT MEASURED: local search at 100k ≤ {TARGET_GROWTH_RATIO:g}× at 1k (at "
            f"{size_label(largest)} it is {ratio:.2f}× {size_label(smallest)})."
        )
    return lines


def notes(results: list[SizeResult], builds: dict[int, dict], requests: int, warmup: int):
    first = results[0]
    same = all(result.local_ids == first.local_ids for result in results)
    yield (
        f"The local query (WV1, 10 km, peer support or talking therapy, Punjabi, open "
        f"{OPEN_AT}) finds {first.local_count} services at every size, {first.nearby} within "
        f"10 km and {first.local_count - first.nearby} national "
        f"({'the same ones, id for id' if same else 'NOT the same ones: the build is wrong'}), "
        "and the floor gives the API's answer."
    )
    built = []
    for size, info in sorted(builds.items()):
        how = "cached" if info["cached"] else "built now"
        built.append(f"{size_label(size)} in {info['seconds']:.0f} s ({how})")
    yield (f"Directories from {builds[first.size]['source']}; build times: {', '.join(built)}.")
    timed = {result.size: min(len(s.samples) for s in result.scenarios) for result in results}
    short = [f"{size_label(size)}: {count}" for size, count in timed.items() if count < requests]
    errors = [
        f"{size_label(result.size)} {scenario.label}: {scenario.errors}"
        for result in results
        for scenario in result.scenarios
        if scenario.errors
    ]
    yield (
        f"{requests} timed requests per row after {warmup} warm-up rounds, one client, one "
        "request at a time, every scenario of every size in turn; a gunicorn for each size, "
        f"{WORKERS} sync workers, DEBUG off, "
        f"SQLite {sqlite3.sqlite_version}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs."
        + (f" Stopped early by BENCH_MAX_SECONDS: {', '.join(short)}." if short else "")
        + (f" Non-200 answers: {', '.join(errors)}." if errors else "")
    )
    before, after = first.load
    yield f"Load average (1 min) before → after the timing: {before:.1f} → {after:.1f}."


def main() -> int:
    sizes = [int(size) for size in os.environ.get("BENCH_SIZES", "1000,10000,100000").split(",")]
    requests = int(os.environ.get("BENCH_REQUESTS", "200"))
    warmup = int(os.environ.get("BENCH_WARMUP", "20"))
    budget = float(os.environ.get("BENCH_MAX_SECONDS", "240"))
    sizes = sorted(set(sizes))
    try:
        builds = {size: build.ensure_built(size) for size in sizes}
        print(
            f"Measuring {', '.join(size_label(size) for size in sizes)} together …",
            file=sys.stderr,
            flush=True,
        )
        results = measure(sizes, requests, warmup, budget)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    print()
    print("\n".join(table(results)))
    print()
    for line in notes(results, builds, requests, warmup):
        print(f"- {line}")
    print()
    print("\n".join(verdicts(results)))
    if os.environ.get("BENCH_IMPORT", "1") != "0":
        try:
            imported = importing.measure_import(max(sizes))
        except (RuntimeError, subprocess.CalledProcessError) as error:
            print(f"bench: the import could not be measured: {error}", file=sys.stderr)
            return 1
        print()
        print(f"### Importing HSDS ({importing.build_label(max(sizes))} services)")
        print()
        print("\n".join(importing.report(imported)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
