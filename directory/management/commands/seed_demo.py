"""`python manage.py seed_demo`: load the fictional demo directory. Safe to run again."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory.demo import load_demo


class Command(BaseCommand):
    help = (
        "Create or update the fictional demo directory and its gazetteer from fixtures/. "
        "Idempotent: running it again leaves the same rows."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixture",
            type=Path,
            default=None,
            help="A demo_directory.json to load instead of the shipped one "
            "(its gazetteer is the demo_gazetteer.csv beside it, if there is one).",
        )

    def handle(self, *args, fixture=None, **options):
        try:
            summary = load_demo(fixture)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(str(summary)))
