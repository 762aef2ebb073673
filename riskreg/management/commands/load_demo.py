from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from riskreg import demo


class Command(BaseCommand):
    help = "Load demo users, plan, register and paper (the reference JAC paper of March 2026)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default="riskreg-demo", help="Password for every demo user."
        )
        parser.add_argument("--force", action="store_true", help="Run even with debug off.")

    def handle(self, *args, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo adds users with a known password, so it refuses to run with "
                "DJANGO_DEBUG off. Use --force if you really mean it."
            )
        usernames = demo.load(password)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Log in at http://127.0.0.1:8000/ as any of: {', '.join(usernames)}")
        self.stdout.write(f"Every demo user's password is: {password}")
