from django.core.management.base import BaseCommand

from riskreg.shared.models import PendingUpload


class Command(BaseCommand):
    help = "Delete workbooks uploaded for a dry run and never confirmed in time (for cron)."

    def handle(self, *args, **options):
        deleted, _ = PendingUpload.objects.expired().delete()
        self.stdout.write(f"Deleted {deleted} expired pending upload{'s' * (deleted != 1)}.")
