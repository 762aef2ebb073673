from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from riskreg import demo


class Command(BaseCommand):
    help = "Load demo users, plan, register and paper (the reference JAC paper of March 2026)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default="riskreg-demo", help="Password for every demo user."
        )
        parser.add_argument("--force", action="store_true", help="Run even with debug off.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the demo users exist."
        )

    def handle(self, *args, password, force, if_empty, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo adds users with a known password, so it refuses to run with "
                "DJANGO_DEBUG off. Use --force if you really mean it."
            )
        usernames = [username for username, *_ in demo.USERS]
        if if_empty and User.objects.filter(username__in=usernames).exists():
            self.stdout.write("Demo data is already loaded; its passwords are as first printed.")
        else:
            demo.load(password)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
            self.stdout.write(f"Every demo user's password is: {password}")
        self.stdout.write(f"Log in at http://127.0.0.1:8000/ as any of: {', '.join(usernames)}")
        if not settings.MFA_ENFORCED:
            self.stdout.write("No second factor is asked for while RISKREG_MFA_ENFORCED is off.")
