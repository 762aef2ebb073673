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
    def keep(cls, *, owner, kind: str, filename: str, data: bytes, add_people: bool):
        """Store the upload, replacing the owner's last one of this kind."""
        upload, _ = cls.objects.update_or_create(
            owner=owner,
            kind=kind,
            defaults={
                "filename": filename,
                "data": data,
                "add_people": add_people,
                "created": timezone.now(),
                "token": uuid.uuid4(),
            },
        )
        return upload
