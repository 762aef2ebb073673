import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class PendingUploadQuerySet(models.QuerySet):
    def expired(self):
        return self.filter(created__lt=PendingUpload.expires_before())

    def live(self):
        return self.filter(created__gte=PendingUpload.expires_before())


class PendingUpload(models.Model):
    """A workbook between its dry run and its confirmation.

    Kept in the database, which every app server already shares, so a confirm may reach
    any server. One per user and kind of import: a new dry run replaces the last.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_uploads"
    )
    kind = models.CharField(max_length=100, help_text="The importer the workbook is for.")
    # New at each dry run: the confirm button names the dry run its user saw.
    token = models.UUIDField(default=uuid.uuid4)
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    add_people = models.BooleanField(default=False)
    # The version of every stored record the dry run read: the confirm imports only if
    # none of them has been saved since, so it never undoes a save the dry run did not see.
    versions = models.JSONField(default=dict)
    created = models.DateTimeField(default=timezone.now)

    objects = PendingUploadQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind"], name="one_pending_upload_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.filename} for {self.kind}, uploaded by {self.owner}"

    @staticmethod
    def expires_before() -> datetime.datetime:
        return timezone.now() - datetime.timedelta(minutes=settings.PENDING_UPLOAD_MINUTES)

    @classmethod
    def keep(
        cls, *, owner, kind: str, filename: str, data: bytes, add_people: bool, versions: dict
    ):
        """Store the upload, replacing the owner's last one of this kind."""
        upload, _ = cls.objects.update_or_create(
            owner=owner,
            kind=kind,
            defaults={
                "filename": filename,
                "data": data,
                "add_people": add_people,
                "versions": versions,
                "created": timezone.now(),
                "token": uuid.uuid4(),
            },
        )
        return upload


class Notice(models.Model):
    """Something happened that people are told of by e-mail: the outbox of notices.

    Recorded by notice_add() in the transaction that makes the change, so a notice exists
    exactly when its change does. riskreg.reminders turns each into e-mails once
    (`handled`), and sends those until they are sent.
    """

    class Kind(models.TextChoices):
        RISK_ASSIGNED = "risk_assigned", "A risk is assigned to someone"
        ACTION_ASSIGNED = "action_assigned", "An action is assigned to someone"
        PAPER_PUBLISHED = "paper_published", "A committee paper is published"
        PERIOD_OPENED = "period_opened", "A period is opened for updates"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    data = models.JSONField(default=dict, help_text="The ids of what it is about.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who made the change.",
    )
    created = models.DateTimeField(default=timezone.now)
    handled = models.DateTimeField(
        null=True, blank=True, help_text="When its e-mails were made; empty until then."
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created:%Y-%m-%d %H:%M})"
