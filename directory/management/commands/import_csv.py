"""`python manage.py import_csv FILE`: import a council's open-data directory (CSV).

Rows become organisations, services, locations and phones that land inactive and
unverified: the public sees none of them until a moderator checks each one. The report says
what was imported and, row by row, what needs a person (types guessed from the row's words,
no phone, a postcode not found…). See `directory/open_data.py` for the rules.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory.open_data import OpenDataFileError, OpenDataRefused, import_open_data


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Import a plain CSV directory (name, description, address, postcode, telephone, "
        "website, optional latitude/longitude) as inactive, unverified listings for a "
        "moderator to check. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV file to import.")
        parser.add_argument(
            "--source",
            default=None,
            help="A name for where the data comes from, used in its ids (default: the file's "
            "name). Give two files of the same directory the same source.",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the good rows and report the bad ones, instead of importing none.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything; keep nothing."
        )

    def handle(self, *args, file, source, skip_invalid, dry_run, **options):
        try:
            report = import_open_data(
                file, source=source, skip_invalid=skip_invalid, dry_run=dry_run
            )
        except OpenDataFileError as exc:
            raise CommandError(str(exc)) from None
        except OpenDataRefused as refused:
            bad = refused.report.bad
            raise CommandError(
                f"Nothing was imported: {plural(len(bad), 'line')} of {file.name} "
                f"{'is' if len(bad) == 1 else 'are'} not valid.\n"
                + "\n".join(bad)
                + "\nFix them, or run again with --skip-invalid to import the good rows."
            ) from None

        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {plural(report.imported, 'listing')} from {plural(report.rows, 'row')} "
                f"of {file.name} ({report.with_location:,} on the map)."
            )
        )
        if report.already_imported:
            verb = "was" if report.already_imported == 1 else "were"
            self.stdout.write(
                f"{plural(report.already_imported, 'row')} had been imported before and {verb} "
                "left as they are (a moderator may have checked them since)."
            )
        if report.bad:
            self.stdout.write(
                self.style.WARNING(f"Skipped {plural(len(report.bad), 'bad line')}:\n")
                + "\n".join(report.bad)
            )
        self.stdout.write(
            self.style.WARNING(
                "These listings are INACTIVE and unverified: the public will not see them, or "
                "their contact details, until a moderator checks each one and makes it "
                "active. Open data goes out of date (phone numbers change, services close)."
            )
        )
        to_check = [o for o in report.outcomes if o.needs_a_human and not o.already_imported]
        if to_check:
            self.stdout.write(f"Needs a person ({plural(len(to_check), 'listing')}):")
            for outcome in to_check:
                self.stdout.write(f"  line {outcome.line}: {outcome.name}")
                for item in outcome.needs_a_human:
                    self.stdout.write(f"    - {item}")
