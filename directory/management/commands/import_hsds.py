"""`python manage.py import_hsds FILE [--dry-run] [--skip-invalid]`: read HSDS 3.0 services.

Reads a JSON array of services, an HSDS page (`{"contents": [...]}`) or ndjson. Services,
organisations and locations are upserted by their HSDS `id`, so importing the same file
twice changes nothing. Terms of our vocabulary are matched by (taxonomy, code); other terms
are kept as attributes and exported again. Every record is checked; without
`--skip-invalid`, one bad record means nothing is written (one transaction) and the command
fails, listing every bad record with the path of what is wrong.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from directory.hsds import HsdsFileError, ImportRefused, import_hsds

MAX_NOTES_SHOWN = 200


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Import HSDS 3.0 / Open Referral UK services from a JSON array, an HSDS page or "
        "ndjson. Safe to run again: records are matched by id."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The HSDS file to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and write everything, then roll it back: nothing is kept.",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the good records and report the bad ones, instead of importing none.",
        )
        parser.add_argument(
            "--batch-size",
            type=positive_int,
            default=1000,
            help="Services written per batch (default 1000).",
        )

    def handle(self, *args, file, dry_run, skip_invalid, batch_size, **options):
        self.stdout.write(f"Importing {file.name}{' (dry run)' if dry_run else ''}.")
        try:
            report = import_hsds(
                file,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                batch_size=batch_size,
                progress=self.progress,
            )
        except HsdsFileError as exc:
            raise CommandError(str(exc)) from None
        except ImportRefused as refused:
            report = refused.report
            self.write_notes(report)
            raise CommandError(
                f"Nothing was written: {plural(len(report.bad), 'problem')} in "
                f"{plural(report.records, 'record')}.\n"
                + "\n".join(report.bad)
                + "\nFix them, or run again with --skip-invalid to import the good records."
            ) from None
        except DatabaseError as exc:
            # Our checks should catch everything first; if the database still refuses, say so
            # plainly (nothing was written: it is one transaction).
            raise CommandError(
                f"Nothing was written: the database refused the import: {exc}"
            ) from None
        self.write_notes(report)
        if report.bad:
            self.stdout.write(
                self.style.WARNING(
                    f"Skipped {plural(len(report.bad), 'problem')} (--skip-invalid):\n"
                    + "\n".join(report.bad)
                )
            )
        verb = "Would import" if report.dry_run else "Imported"
        summary = (
            f"{verb} {plural(report.services_written, 'service')} "
            f"({report.services_created:,} new, {report.services_updated:,} updated) from "
            f"{plural(report.records, 'record')}; wrote "
            f"{plural(report.organizations_written, 'organisation')} and "
            f"{plural(report.locations_written, 'location')} that were new or changed."
        )
        if report.kept_attributes:
            summary += (
                f" Kept {plural(report.kept_attributes, 'attribute')} our vocabulary has no "
                "term for; they are exported again as they came."
            )
        if report.languages_added:
            summary += f" Added languages: {', '.join(report.languages_added)}."
        if report.dry_run:
            summary += " Dry run: nothing was kept."
        self.stdout.write(self.style.SUCCESS(summary))

    def progress(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def write_notes(self, report) -> None:
        if not report.notes:
            return
        shown = report.notes[:MAX_NOTES_SHOWN]
        self.stdout.write(f"Notes ({plural(len(report.notes), 'thing')} left out or adjusted):")
        for note in shown:
            self.stdout.write(f"  {note}")
        if len(report.notes) > len(shown):
            self.stdout.write(f"  … and {len(report.notes) - len(shown):,} more.")
