"""`python manage.py export_hsds [--out FILE] [--format json|ndjson]`: every active service as
an Open Referral UK / HSDS 3.0 service record (see DESIGN.md, "HSDS 3.0 mapping").

Both formats stream: services are read a chunk at a time and written as they come, so the
memory used does not grow with the size of the directory. Confidential locations leave with
no address lines and a point rounded to two decimals.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory.hsds import iter_hsds_services


def write_records(records, write, file_format: str) -> int:
    """Write HSDS records, one at a time, as a JSON array or as ndjson; return how many."""
    count = 0
    if file_format == "ndjson":
        for record in records:
            write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
        return count
    write("[")
    for record in records:
        write((",\n" if count else "\n") + json.dumps(record, ensure_ascii=False))
        count += 1
    write("\n]\n" if count else "]\n")
    return count


class Command(BaseCommand):
    help = (
        "Export every active service as an HSDS 3.0 (Open Referral UK) service record, as a "
        "JSON array or ndjson. Confidential addresses are masked."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", type=Path, default=None, help="The file to write (default: standard output)."
        )
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=("json", "ndjson"),
            default="json",
            help="A JSON array (default), or one service per line (ndjson).",
        )

    def handle(self, *args, out=None, file_format="json", **options):
        if out is None:
            write_records(
                iter_hsds_services(), lambda text: self.stdout.write(text, ending=""), file_format
            )
            return
        try:
            with out.open("w", encoding="utf-8") as handle:
                count = write_records(iter_hsds_services(), handle.write, file_format)
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc.strerror or exc}.") from exc
        # To stderr, so that a script reading standard output gets only data.
        self.stderr.write(f"Wrote {count:,} services to {out} ({file_format}).")
