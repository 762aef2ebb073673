import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery, Value
from simple_history.models import HistoricalRecords

from commitments.periods import Quarter


class Person(models.Model):
    class Organisation(models.TextChoices):
        OPCC = "OPCC", "OPCC"
        WMP = "WMP", "West Midlands Police"
        PARTNER = "Partner", "Partner"

    name = models.CharField(max_length=200, unique=True)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(
        max_length=20, choices=Organisation.choices, default=Organisation.OPCC
    )
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name


class PeriodQuerySet(models.QuerySet):
    def get_for(self, quarter: Quarter) -> "Period":
        return self.get(year=quarter.year, number=quarter.number)

    def for_quarter(self, quarter: Quarter) -> "Period | None":
        return self.filter(year=quarter.year, number=quarter.number).first()

    def current(self) -> "Period | None":
        """The latest open period, or the latest of all when every one is locked."""
        return self.filter(state=Period.State.OPEN).last() or self.last()


class Period(models.Model):
    """A reporting quarter that statuses and reviews are recorded against."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        LOCKED = "locked", "Locked"

    year = models.PositiveSmallIntegerField(help_text="The year the financial year starts.")
    number = models.PositiveSmallIntegerField("quarter")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    history = HistoricalRecords()

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="one_period_per_quarter"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=4), name="quarter_1_to_4"
            ),
        ]
        permissions = [("lock_period", "Can open and lock reporting periods")]

    def __str__(self) -> str:
        return str(self.quarter)

    @property
    def quarter(self) -> Quarter:
        return Quarter(self.year, self.number)

    @property
    def label(self) -> str:
        return self.quarter.label

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.LOCKED

    def previous(self) -> "Period | None":
        return Period.objects.for_quarter(self.quarter.previous)

    def check_open(self) -> None:
        if self.is_locked:
            raise ValidationError(
                f"{self} is locked: its statuses and reviews can no longer change."
            )


class PolicyArea(models.Model):
    name = models.CharField(max_length=200, unique=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


def natural_key(ref: str) -> str:
    """'9' < '60' < '243' < '243a': digits are padded so text order is natural order."""
    return re.sub(r"\d+", lambda m: m[0].zfill(8), ref.strip().lower())


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    COMPLETE = "complete", "Complete"
    NOT_STARTED = "not_started", "Not started"


class CommitmentQuerySet(models.QuerySet):
    def for_listing(self):
        """What the lists show; a commitment's own page and the export add the WMP lead."""
        return self.select_related("policy_area", "smt_lead", "officer_lead")

    def with_rags(self, period: "Period", previous: "Period | None"):
        """Annotate rag_now / rag_before (None where no status) in the same query."""
        # order_by(): the default ordering would join periods into every subquery.
        statuses = QuarterlyStatus.objects.filter(commitment=OuterRef("pk")).order_by()
        before = (
            Subquery(statuses.filter(period=previous).values("rag")[:1])
            if previous
            else Value(None, output_field=models.CharField())
        )
        return self.annotate(
            rag_now=Subquery(statuses.filter(period=period).values("rag")[:1]),
            rag_before=before,
        )

    def led_by(self, person):
        return self.filter(Q(smt_lead=person) | Q(officer_lead=person))


class Commitment(models.Model):
    ref = models.CharField(max_length=20, unique=True)
    ref_sort = models.CharField(max_length=100, editable=False, db_index=True)
    policy_area = models.ForeignKey(
        PolicyArea, on_delete=models.PROTECT, related_name="commitments"
    )
    text = models.TextField("individual commitment")
    smt_lead = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="smt_commitments", verbose_name="SMT lead"
    )
    officer_lead = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="officer_commitments"
    )
    wmp_lead = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wmp_commitments",
        verbose_name="WMP lead",
    )
    timescale = models.CharField(max_length=100, blank=True)
    history = HistoricalRecords(excluded_fields=["ref_sort"])

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["ref_sort"]

    def __str__(self) -> str:
        return f"{self.ref}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        # Derived from ref, so kept in step here rather than by every caller.
        self.ref_sort = natural_key(self.ref)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "ref_sort"}
        super().save(*args, **kwargs)

    @property
    def movement(self) -> str:
        """From with_rags' annotations."""
        return movement(getattr(self, "rag_before", None), getattr(self, "rag_now", None))

    def is_led_by(self, user) -> bool:
        person = getattr(user, "person", None)
        return person is not None and person.pk in (self.smt_lead_id, self.officer_lead_id)

    def can_update_status(self, user) -> bool:
        if user.has_perm("commitments.change_quarterlystatus"):
            return True
        return user.has_perm("commitments.update_own_status") and self.is_led_by(user)


class StaleEdit(ValidationError):
    """Somebody else saved the same record after this form was opened."""


class QuarterlyStatusQuerySet(models.QuerySet):
    def record(
        self,
        *,
        commitment,
        period,
        rag,
        update="",
        red_for_resourcing=False,
        seen_version=0,
        user=None,
    ) -> "QuarterlyStatus | None":
        """Save a commitment's status for a period if it changed (see save_for_period)."""
        return save_for_period(
            self,
            parent={"commitment": commitment},
            period=period,
            values={"rag": rag, "update": update, "red_for_resourcing": red_for_resourcing},
            seen_version=seen_version,
            user=user,
            what=f"The {period} status of commitment {commitment.ref}",
        )


def save_for_period(
    queryset,
    *,
    parent: dict,
    period: "Period",
    values: dict,
    seen_version: int,
    user,
    what: str,
    stamp: dict | None = None,
):
    """Create or change the one record of `parent` in an open `period` (a status, a review).

    Optimistic locking: refused with StaleEdit when someone saved it after `seen_version`
    (0 for "it did not exist yet"). Returns None, writing nothing, when no value differs.
    `stamp` (who reviewed, say) is written with a change but does not make one.
    """
    period.check_open()
    with transaction.atomic():
        record = queryset.select_for_update().filter(period=period, **parent).first()
        record = record or queryset.model(period=period, version=0, **parent)
        if record.version != seen_version:
            raise StaleEdit(
                f"{what} was changed by someone else while you were editing it. Your changes "
                "were not saved: look at the new values and make your change again."
            )
        if record.pk and all(getattr(record, k) == v for k, v in values.items()):
            return None
        for field, value in {**values, **(stamp or {})}.items():
            setattr(record, field, value)
        record.version += 1
        record.full_clean(exclude=[*parent, "period"], validate_constraints=False)
        if user is not None:
            record._history_user = user
        record.save()
        return record


class QuarterlyStatus(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="statuses")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="statuses")
    rag = models.CharField("RAG", max_length=12, choices=Rag.choices)
    update = models.TextField(blank=True)
    red_for_resourcing = models.BooleanField(
        default=False,
        help_text="Red because workload is being reallocated, not because delivery is in doubt.",
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = QuarterlyStatusQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "quarterly statuses"
        ordering = ["period__year", "period__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "period"], name="one_status_per_commitment_per_period"
            ),
            models.CheckConstraint(
                condition=Q(red_for_resourcing=False) | Q(rag="red"),
                name="red_for_resourcing_only_when_red",
                violation_error_message="Red for resourcing can only be Yes when the RAG is Red.",
            ),
        ]
        permissions = [("update_own_status", "Can update statuses of commitments they lead")]

    def __str__(self) -> str:
        return f"{self.commitment.ref} {self.period}: {self.get_rag_display()}"

    def clean(self):
        if self.period_id and self.period.is_locked:
            raise ValidationError(f"{self.period} is locked: its statuses can no longer change.")
        if self.red_for_resourcing and self.rag != Rag.RED:
            raise ValidationError(
                {"red_for_resourcing": "Red for resourcing can only be Yes when the RAG is Red."}
            )


def movement(previous_rag: str | None, rag: str | None) -> str:
    """How a commitment's RAG moved between two periods, in the users' words."""
    if rag is None:
        return ""
    if rag == Rag.RED:
        return "Red for two quarters" if previous_rag == Rag.RED else "Newly red"
    if previous_rag == Rag.RED:
        return "Improving"
    if previous_rag == Rag.AMBER and rag in (Rag.GREEN, Rag.COMPLETE):
        return "Improving"
    if previous_rag == Rag.GREEN and rag == Rag.AMBER:
        return "Worsening"
    return "No change" if previous_rag else ""
