"""send_reminders' work: make the e-mails that are due, then send every one not yet sent.

Never twice: every e-mail is a row with a unique key, made before anything is sent, and
marked sent as soon as the mail server has taken it. A run after a crash makes nothing
new and sends only what is still pending. The one e-mail a crash can leave in doubt (taken
by the server, not yet marked) goes again with the same Message-ID.
Never lost: notices wait in their outbox until their e-mails are made; an e-mail the
server refuses stays pending and is tried on every run (a digest until the next day's
takes its place, a notice for NOTICE_RETRY_DAYS days).
"""

import contextlib
import datetime
import logging
import smtplib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.utils import timezone

from riskreg.reminders.digest import Workload
from riskreg.reminders.models import DigestRun, Email
from riskreg.reminders.notices import email_of, notice_emails
from riskreg.shared.models import Notice

log = logging.getLogger("riskreg.reminders")
LOCK_ID = 7_151_515  # PostgreSQL advisory lock: one send_reminders at a time


def is_connection_error(error: Exception) -> bool:
    """The mail server is down or went away (stop the run), rather than refusing one
    e-mail (go on). SMTPException is an OSError too, so the order matters."""
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


@dataclass
class Outcome:
    notices: int = 0
    digests: int = 0
    sent: int = 0
    failed: list[str] = field(default_factory=list)
    given_up: int = 0

    def report(self) -> str:
        return (
            f"Made {self.digests} digests and {self.notices} notice e-mails; sent {self.sent}; "
            f"{len(self.failed)} could not be sent; {self.given_up} given up."
        )


def email_is_off() -> bool:
    return settings.EMAIL_BACKEND == "django.core.mail.backends.dummy.EmailBackend"


@contextlib.contextmanager
def one_run_at_a_time():
    """True when this run may go on; False while another holds the lock (PostgreSQL)."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_ID])
        mine = cursor.fetchone()[0]
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])


def run(now: datetime.datetime) -> Outcome:
    outcome = Outcome()
    today = timezone.localdate(now)
    outcome.notices = make_notice_emails(now, today)
    if timezone.localtime(now).hour >= settings.DIGEST_HOUR:
        outcome.digests = make_digests(now, today)
    outcome.given_up = Email.objects.stale_notices(now).update(status=Email.Status.GIVEN_UP)
    send_pending(today, outcome)
    return outcome


def make_notice_emails(now: datetime.datetime, today: datetime.date) -> int:
    with transaction.atomic():
        notices = list(
            Notice.objects.select_for_update(of=("self",))
            .filter(handled__isnull=True)
            .select_related("actor")
        )
        emails = Email.objects.bulk_create(notice_emails(notices, today), ignore_conflicts=True)
        Notice.objects.filter(pk__in=[n.pk for n in notices]).update(handled=now)
    return len(emails)


def make_digests(now: datetime.datetime, today: datetime.date) -> int:
    """Today's digests, once: all of them, with the day marked made, or none."""
    with transaction.atomic():
        if DigestRun.objects.select_for_update().filter(day=today).exists():
            return 0
        owed = Email.objects.digests_owed(today)
        owed_to = {address.lower() for address in owed.values_list("address", flat=True)}
        owed.update(status=Email.Status.SUPERSEDED)
        work = Workload.load(today)
        emails = []
        for address, recipient in work.people.items():
            message = recipient.wants("digests") and work.digest(
                recipient, today, owed=address in owed_to
            )
            if message:
                emails.append(digest_email(address, recipient, message, today, now))
        Email.objects.bulk_create(emails, ignore_conflicts=True)
        DigestRun.objects.create(day=today, made=now, count=len(emails))
    return len(emails)


def digest_email(address, recipient, message, today, now) -> Email:
    key = f"digest:{today.isoformat()}:{address}"
    return email_of(key, recipient, message, Email.DIGEST, today, created=now)


def send_pending(today: datetime.date, outcome: Outcome) -> None:
    """Send what is pending over one connection; a refused address does not stop the rest,
    a mail server that fails stops the run (what is left is tried next time)."""
    pending = Email.objects.pending().exclude(kind=Email.DIGEST, day__lt=today)
    backend = get_connection()
    try:
        for email in pending.select_related("paper").order_by("pk"):
            try:
                backend.send_messages([message_of(email)])
            except Exception as error:
                failed(email, error, outcome)
                if is_connection_error(error):
                    break
            else:
                email.status, email.sent_at = Email.Status.SENT, timezone.now()
                email.attempts += 1
                email.save(update_fields=["status", "sent_at", "attempts"])
                outcome.sent += 1
    finally:
        backend.close()


def failed(email: Email, error: Exception, outcome: Outcome) -> None:
    email.attempts += 1
    email.last_error = f"{timezone.now():%Y-%m-%d %H:%M} {type(error).__name__}: {error}"[:1000]
    email.save(update_fields=["attempts", "last_error"])
    outcome.failed.append(f"{email} : {email.last_error}")
    log.warning("e-mail %s (%s) to %s not sent: %s", email.pk, email.kind, email.address, error)


def message_of(email: Email) -> EmailMultiAlternatives:
    host = urlsplit(settings.RISKREG_SITE_URL).hostname or "localhost"
    message = EmailMultiAlternatives(
        email.subject,
        email.text,
        settings.DEFAULT_FROM_EMAIL,
        [email.address],
        headers={
            # The same on every try, so a repeat after a crash is one message, not two.
            "Message-ID": f"<riskreg.{email.pk}@{host}>",
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",  # no out-of-office replies from Exchange
        },
    )
    message.attach_alternative(email.html, "text/html")
    if email.paper_id:
        message.attach(email.paper.filename, bytes(email.paper.pdf), "application/pdf")
    return message
