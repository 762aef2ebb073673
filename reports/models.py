import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from riskreg.shared.records import Record, RecordQuerySet
from riskreg.shared.texts import NARRATIVE

NARRATIVE_DEFAULTS = {
    "purpose": (
        "To provide members of the committee with oversight of the risk register for the "
        "Police and Crime Commissioner."
    ),
    "methodology": (
        "The Committee is aware the PCC's risk register is based on the risks associated with "
        "the functions of the PCC and the risks associated with the delivery of the police and "
        "crime plan, which are referred to as topical risks.\n"
        "The current OPCC risk register is attached as an Appendix."
    ),
    "plan_introduction": "",
    "themes": "",
    "proposed_risks_lead_in": "still being considered and evaluated for inclusion",
    "recommendation": "The Committee note the contents of the report and appendices.",
}


class PaperQuerySet(RecordQuerySet):
    def published(self):
        return self.filter(status=Paper.Status.PUBLISHED)


class Paper(Record):
    """The quarterly OPCC Risk Management Update for one period (a new version per correction)."""

    class Status(models.TextChoices):
        DRAFT = "Draft"
        PUBLISHED = "Published"

    NARRATIVE_FIELDS = list(NARRATIVE_DEFAULTS)

    period = models.ForeignKey(
        "commitments.Period", on_delete=models.PROTECT, related_name="papers"
    )
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    meeting_date = models.DateField(null=True, blank=True)
    agenda_item = models.CharField(max_length=20, blank=True)
    status_date = models.DateField(
        null=True,
        blank=True,
        help_text="When the RAG assessment was made; the paper prints its month and year.",
    )
    purpose = models.TextField(
        blank=True, validators=NARRATIVE, help_text="Section 1: one paragraph per line."
    )
    methodology = models.TextField(
        blank=True, validators=NARRATIVE, help_text="Section 2: one paragraph per line."
    )
    plan_introduction = models.TextField(
        "plan introduction",
        blank=True,
        validators=NARRATIVE,
        help_text="Paragraphs 3.1 to 3.3: one per line.",
    )
    themes = models.TextField(
        blank=True, validators=NARRATIVE, help_text="Themes after 3.5: one paragraph per line."
    )
    proposed_risks_lead_in = models.CharField(
        "lead-in to proposed risks",
        max_length=300,
        blank=True,
        default=NARRATIVE_DEFAULTS["proposed_risks_lead_in"],
        help_text='Completes 4.2\'s "One new risk is …, and that is the risk of …".',
    )
    recommendation = models.TextField(
        blank=True, default=NARRATIVE_DEFAULTS["recommendation"], validators=NARRATIVE
    )
    contact_name = models.CharField("contact officer's name", max_length=200, blank=True)
    contact_title = models.CharField("contact officer's title", max_length=200, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["pdf"])

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["-period__year", "-period__number", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "version"], name="one_paper_version_per_period"
            ),
            models.CheckConstraint(
                condition=Q(status="Draft") | (Q(pdf__isnull=False) & ~Q(sha256="")),
                name="published_paper_has_pdf",
            ),
        ]
        permissions = [("publish_paper", "Can publish the committee paper")]

    def __str__(self) -> str:
        return f"Risk Management Update {self.period} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def filename(self) -> str:
        quarter = str(self.period).replace("/", "-").replace(" ", "-")
        return f"opcc-risk-management-update-{quarter}-v{self.version}.pdf"

    def paragraphs(self, field: str) -> list[str]:
        return [line.strip() for line in getattr(self, field).splitlines() if line.strip()]

    def check_rules(self, *, deleting: bool = False, lock: bool = True) -> None:
        """A published paper is a public record: it never changes and is never deleted. A
        period has one draft at a time: a new version is started once the last is published."""
        super().check_rules(deleting=deleting, lock=lock)
        if self.pk is None:
            draft = Paper.objects.filter(period=self.period, status=self.Status.DRAFT).first()
            if draft:
                raise ValidationError(
                    f"{draft} is still a draft: edit it, or publish it before starting another."
                )
            return
        stored = Paper.objects.filter(pk=self.pk)
        status = (stored.select_for_update() if lock else stored).values_list("status").first()
        if status and status[0] == self.Status.PUBLISHED:
            raise ValidationError(
                f"{self} is published and never changes: to correct it, start version "
                f"{self.version + 1} of the {self.period} paper."
            )

    def gaps(self) -> list[str]:
        """What the registers still lack for this paper's period, in words."""
        from commitments.models import Commitment
        from registers.models import Risk

        total = Commitment.objects.count()
        missing = Commitment.objects.awaiting_update(self.period).count()
        unreviewed = Risk.objects.unreviewed_in(self.period).count()
        gaps = []
        if missing:
            gaps.append(
                f"{missing} of {total} commitment{'s' if total != 1 else ''} "
                f"{'has' if missing == 1 else 'have'} no {self.period} status"
            )
        if unreviewed:
            gaps.append(
                f"{unreviewed} open risk{'s' if unreviewed != 1 else ''} "
                f"{'is' if unreviewed == 1 else 'are'} not reviewed for {self.period}"
            )
        return gaps

    def check_publishable(self, *, despite_gaps: bool = False) -> None:
        if self.is_published:
            raise ValidationError(f"{self} is already published.")
        if self.meeting_date is None:
            raise ValidationError(
                f"{self} has no meeting date: give the date of the committee meeting, then publish."
            )
        gaps = self.gaps()
        if gaps and not despite_gaps:
            raise ValidationError(
                f"{self} was not published: {'; '.join(gaps)}. Tick the box to publish it "
                "all the same, or wait for the updates."
            )

    def mark_published(self, user, when, *, despite_gaps: bool = False) -> None:
        """Published by `user` at `when`: set before rendering, so the PDF is the final paper."""
        self.check_publishable(despite_gaps=despite_gaps)
        self.status = self.Status.PUBLISHED
        self.published_by = user
        self.published_at = when

    def freeze(self, pdf: bytes) -> None:
        self.pdf = pdf
        self.sha256 = hashlib.sha256(pdf).hexdigest()

    @property
    def is_intact(self) -> bool:
        """Whether the stored PDF still has the SHA-256 taken when it was published."""
        return hashlib.sha256(bytes(self.pdf or b"")).hexdigest() == self.sha256

    @classmethod
    def start(cls, period, *, meeting_date: datetime.date | None = None) -> "Paper":
        """A new draft for `period`, its narrative taken from the latest earlier paper."""
        last = cls.objects.order_by("-period__year", "-period__number", "-version").first()
        same_period = cls.objects.filter(period=period).order_by("-version").first()
        paper = cls(period=period, version=same_period.version + 1 if same_period else 1)
        source = same_period or last
        for field, default in NARRATIVE_DEFAULTS.items():
            setattr(paper, field, default)
        if source:
            for field in [*cls.NARRATIVE_FIELDS, "contact_name", "contact_title", "agenda_item"]:
                setattr(paper, field, getattr(source, field))
            if same_period:
                paper.meeting_date = same_period.meeting_date
                paper.status_date = same_period.status_date
        paper.meeting_date = meeting_date or paper.meeting_date
        return paper


class DraftRendering(models.Model):
    """The last PDF rendered of a draft, kept while its composed HTML is unchanged, so a
    draft downloaded again is not rendered again. Not a record: never shown in history."""

    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, related_name="rendering")
    fingerprint = models.CharField(max_length=64)
    pdf = models.BinaryField()

    def __str__(self) -> str:
        return f"Draft rendering of {self.paper}"
