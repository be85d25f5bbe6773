"""How long `import_hsds` takes to read a whole national directory into an empty database.

The file is the synthetic directory of `size` services exported by the app's own
`export_hsds --format ndjson` (cached in bench/.data beside the build it came from). The
target is a fresh SQLite database, migrated first; only the import itself is timed, as a
separate process, with its wall time, its CPU time (user + system, from the kernel) and its
peak memory. Then the run checks that every exported service arrived.
"""

import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass

from bench import build

TARGET_SECONDS = 300  # issue 5: 100k services in under five minutes on this machine


@dataclass
class ImportResult:
    size: int
    records: int
    file_mb: float
    wall_seconds: float
    cpu_seconds: float
    peak_mb: float
    imported: int


def _env(database) -> dict:
    settings = {"BENCH_DATABASE": str(database), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    return {**os.environ, **settings}


def _manage(database, *args) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=build.REPO,
        env=_env(database),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def exported_file(size: int):
    """The ndjson export of the synthetic directory, made again when the build is newer."""
    source = build.database_path(size)
    path = build.DATA_DIR / f"hsds-{size}.ndjson"
    if not path.exists() or path.stat().st_mtime < source.stat().st_mtime:
        print(f"Exporting {size:,} services as HSDS ndjson …", file=sys.stderr, flush=True)
        scratch = path.with_suffix(".writing")
        _manage(source, "export_hsds", "--format", "ndjson", "--out", str(scratch))
        os.replace(scratch, path)
    return path


def measure_import(size: int) -> ImportResult:
    source = exported_file(size)
    with source.open("rb") as lines:
        records = sum(1 for _ in lines)
    target = build.DATA_DIR / f"import-{size}.sqlite3"
    target.unlink(missing_ok=True)
    _manage(target, "migrate", "--no-input")
    print(f"Importing {records:,} services …", file=sys.stderr, flush=True)
    log = build.DATA_DIR / f"import-{size}.log"
    with log.open("w") as output:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "manage.py", "import_hsds", str(source)],
            cwd=build.REPO,
            env=_env(target),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        # wait4 gives this child's own CPU time and peak memory, whatever else runs.
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    if child.returncode != 0:
        raise RuntimeError(f"import_hsds failed; see {log}:\n{log.read_text()[-2000:]}")
    with sqlite3.connect(f"file:{target}?mode=ro", uri=True) as connection:
        (imported,) = connection.execute("SELECT count(*) FROM directory_service").fetchone()
    target.unlink(missing_ok=True)
    return ImportResult(
        size=size,
        records=records,
        file_mb=source.stat().st_size / 1e6,
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        # ru_maxrss is in kilobytes on Linux.
        peak_mb=usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 2**20,
        imported=imported,
    )


def report(result: ImportResult) -> list[str]:
    verdict = "PASS" if result.wall_seconds < TARGET_SECONDS else "FAIL"
    complete = "all of them" if result.imported == result.records else f"only {result.imported:,}"
    return [
        "| services | file | wall | CPU | peak memory |",
        "|---:|---:|---:|---:|---:|",
        f"| {result.records:,} | {result.file_mb:,.0f} MB | {result.wall_seconds:.0f} s "
        f"| {result.cpu_seconds:.0f} s | {result.peak_mb:,.0f} MB |",
        "",
        f"- `import_hsds` of the synthetic {build_label(result.size)} directory's own export "
        f"(ndjson) into an empty, migrated SQLite database; {complete} arrived. Load average "
        f"(1 min) afterwards: {os.getloadavg()[0]:.1f}.",
        "",
        f"{verdict}: importing {result.records:,} services took {result.wall_seconds:.0f} s "
        f"(target under {TARGET_SECONDS} s).",
    ]


def build_label(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 else str(size)
