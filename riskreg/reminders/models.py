"""What riskreg e-mails, to whom and when, and what each user chose to receive."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from riskreg.shared.models import Notice

# A notice that cannot be sent is tried on every run for this long, then given up.
NOTICE_RETRY_DAYS = 7


class EmailQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Email.Status.PENDING)

    def digests_owed(self, day: datetime.date):
        """Digests of earlier days still unsent: their people get today's instead."""
        return self.pending().filter(kind=Email.DIGEST, day__lt=day)

    def stale_notices(self, now: datetime.datetime):
        return (
            self.pending()
            .exclude(kind=Email.DIGEST)
            .filter(created__lt=now - datetime.timedelta(days=NOTICE_RETRY_DAYS))
        )


class Email(models.Model):
    """One e-mail to one address: made first (with its whole content), then sent.

    Its `key` is unique: one digest per address per day, one e-mail per notice per
    address. So running send_reminders again, or after a crash, makes nothing twice, and
    sends only what is still pending.
    """

    DIGEST = "digest"
    KINDS = [(DIGEST, "Daily digest"), *Notice.Kind.choices]

    class Status(models.TextChoices):
        PENDING = "pending", "Not sent yet"
        SENT = "sent", "Sent"
        SUPERSEDED = "superseded", "Not sent: a newer digest took its place"
        GIVEN_UP = "given_up", "Not sent: given up"

    key = models.CharField(max_length=300, unique=True)
    kind = models.CharField(max_length=30, choices=KINDS)
    address = models.EmailField()
    person = models.ForeignKey(
        "commitments.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    day = models.DateField(help_text="The day it was made for.")
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField()
    paper = models.ForeignKey(
        "reports.Paper",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A paper whose PDF goes with it (RISKREG_PAPER_ATTACHED).",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["status", "kind"], name="email_status_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.address} ({self.day})"


class DigestRun(models.Model):
    """The day's digests are made: made once, in the transaction that makes them all."""

    day = models.DateField(unique=True)
    made = models.DateTimeField(default=timezone.now)
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Digests of {self.day}: {self.count}"


class EmailChoice(models.Model):
    """What a user chose to receive; a user without one receives everything."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_choice"
    )
    digests = models.BooleanField(
        "reminders",
        default=True,
        help_text="An e-mail on the days something of yours is due: commitments to update, "
        "risks to review, actions due or overdue.",
    )
    notices = models.BooleanField(
        default=True,
        help_text="An e-mail when a risk or action is given to you, a period opens or a "
        "committee paper is published.",
    )
    changed = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"E-mail choices of {self.user}"
