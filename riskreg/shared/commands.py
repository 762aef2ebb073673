"""What the import and export commands of both registers share."""

from pathlib import Path

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from riskreg.shared.workbooks import WorkbookRefused


class ImportCommand(BaseCommand):
    # Start-up time matters for scripted imports; `manage.py check` covers these.
    requires_system_checks = []

    importer = None  # importer(data, user=, dry_run=) -> ImportResult, set by subclasses

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")
        parser.add_argument("--user", help="The user the history records (default: 'system').")
        parser.add_argument(
            "--add-people",
            action="store_true",
            help="Add the people the workbook names who are not known yet (a first import "
            "into an empty database needs it); without it an unknown name is an error.",
        )

    def handle(self, *args, file, dry_run, user, add_people, **options):
        if not file.is_file():
            raise CommandError(f"{file} does not exist.")
        if user:
            acting = User.objects.filter(username=user).first()
            if acting is None:
                raise CommandError(f"There is no user called {user}.")
        else:
            acting, _ = User.objects.get_or_create(
                username="system", defaults={"first_name": "System", "is_active": False}
            )
        try:
            result = self.importer(
                file.read_bytes(), user=acting, dry_run=dry_run, add_people=add_people
            )
        except WorkbookRefused as refusal:
            raise CommandError(str(refusal)) from None
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(f"Nothing was imported: {len(result.problems)} problem(s).")
        self.stdout.write(("Dry run: " if dry_run else "Imported. ") + result.summary())
        for name in result.new_people:
            self.stdout.write(f"New person: {name}")
        for change in result.changes:
            self.stdout.write(f"Changed: {change}")


class ExportCommand(BaseCommand):
    requires_system_checks = []

    exporter = None

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        file.write_bytes(self.exporter())
        self.stdout.write(f"Wrote {file}")
