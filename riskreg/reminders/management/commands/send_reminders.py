from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from riskreg.reminders import outbox


class Command(BaseCommand):
    help = (
        "E-mail each person what is theirs and due (one digest a day at most, from "
        "RISKREG_DIGEST_HOUR) and the notices of what happened. Run it daily, or every few "
        "minutes so notices go promptly: nothing is ever sent twice."
    )

    def handle(self, *args, **options):
        if outbox.email_is_off():
            raise CommandError("E-mail is off (EMAIL_URL is not set): nothing was sent.")
        if not settings.RISKREG_SITE_URL:
            raise CommandError("RISKREG_SITE_URL is not set, so e-mails could not link to riskreg.")
        with outbox.one_run_at_a_time() as mine:
            if not mine:
                self.stdout.write("Another send_reminders is running: this one did nothing.")
                return
            outcome = outbox.run(timezone.now())
        self.stdout.write(outcome.report())
        if outcome.failed:
            for line in outcome.failed:
                self.stderr.write(line)
            raise CommandError(
                f"{len(outcome.failed)} e-mails could not be sent; the next run tries them again."
            )
