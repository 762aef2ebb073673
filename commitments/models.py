import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from commitments.periods import Quarter
from riskreg.shared.notices import Kind, notice_add
from riskreg.shared.records import Record, RecordQuerySet
from riskreg.shared.refs import REF_FORMAT, REF_PATTERN, REF_TAKEN, validate_ref
from riskreg.shared.texts import TEXT


class PersonQuerySet(models.QuerySet):
    def with_progress(self, period: "Period"):
        """SMT leads with how many commitments they lead (`total`) and how many of those
        have a status for `period` (`updated`), fewest updated first."""
        updated = Q(smt_commitments__statuses__period=period)
        return (
            self.annotate(
                total=models.Count("smt_commitments", distinct=True),
                updated=models.Count("smt_commitments", filter=updated, distinct=True),
            )
            .filter(total__gt=0)
            .order_by(models.F("updated") - models.F("total"), "name")
        )

    def leading_commitments(self):
        """People who lead a commitment, as its SMT, officer or WMP lead: the lead filter's."""
        leads = Q(smt_lead=OuterRef("pk")) | Q(officer_lead=OuterRef("pk"))
        return self.filter(Exists(Commitment.objects.filter(leads | Q(wmp_lead=OuterRef("pk")))))

    def named_like(self, name: str, count: int = 3) -> list[str]:
        """The known names nearest to `name`, for a message about a typo."""
        from difflib import get_close_matches

        return get_close_matches(name, self.values_list("name", flat=True), n=count, cutoff=0.5)


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

    objects = PersonQuerySet.as_manager()

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
        """The latest period opened, locked or not: the quarter everyone is working on, or
        has just finished, until the plan manager opens the next one."""
        return self.last()

    def next_period(self) -> "Period":
        """The period to open next, unsaved: the quarter after the latest (the current
        quarter for the first), its updates due two weeks in."""
        import datetime

        last = self.last()
        quarter = last.quarter.next if last else Quarter.containing(datetime.date.today())
        return Period(year=quarter.year, number=quarter.number, update_deadline=quarter.update_due)

    def open_next(self, *, update_deadline, user) -> "Period":
        """Open the next period (see next_period), telling every lead (a notice)."""
        period = self.next_period()
        period.update_deadline = update_deadline
        period.full_clean()
        period.open(user)
        return period

    def lock_all(self) -> None:
        """Hold every period until the transaction ends, in the order check_open takes
        them: an import that writes statuses and reviews locks periods before anything else,
        as a single save does, so the two never wait on each other in a circle."""
        list(self.select_for_update().order_by("pk").values_list("pk", flat=True))

    def annotate_updates(self):
        """Each period with `updated`, how many commitments have a status for it."""
        return self.annotate(updated=models.Count("statuses"))

    def check_open(self, ids, *, lock: bool = True) -> None:
        """Refuse unless every one of these periods is open; with `lock`, they stay as they
        are (a publish cannot lock them) until the caller's transaction ends."""
        periods = self.filter(pk__in=[pk for pk in ids if pk is not None]).order_by("pk")
        for period in periods.select_for_update() if lock else periods:
            period.check_open()


class Period(Record):
    """A reporting quarter that statuses and reviews are recorded against."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        LOCKED = "locked", "Locked"

    year = models.PositiveSmallIntegerField(help_text="The year the financial year starts.")
    number = models.PositiveSmallIntegerField("quarter")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    update_deadline = models.DateField(
        null=True,
        blank=True,
        help_text="When leads should have updated their commitments for this period.",
    )
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

    def check_rules(self, *, deleting: bool = False, lock: bool = True) -> None:
        """A period is its quarter: once saved, its year and number stay (changed, they would
        move every status, review and paper of it to another quarter). Periods follow one
        another: a new one after the current is the next quarter, with an update deadline,
        and only the latest is deleted. A deadline, once given, is moved, never cleared."""
        if deleting:
            latest = Period.objects.current()
            if latest and self.quarter < latest.quarter:
                raise ValidationError(
                    f"Only the latest period, {latest}, can be deleted: deleting {self} "
                    "would leave a gap between quarters."
                )
            return
        if self.pk is None:
            self.check_follows(Period.objects.current())
            return
        stored = Period.objects.filter(pk=self.pk)
        stored = stored.select_for_update() if lock else stored
        before = stored.values_list("year", "number", "update_deadline").first()
        if before is None:
            return
        if before[:2] != (self.year, self.number):
            raise ValidationError(
                f"{Quarter(*before[:2])} cannot become another quarter: a period's quarter "
                "never changes. Open the period you need instead."
            )
        if before[2] is not None and self.update_deadline is None:
            raise ValidationError(
                f"{self}'s update deadline can be moved but not cleared: leads are late, and "
                "reminded, by it."
            )

    def check_follows(self, latest: "Period | None") -> None:
        if latest is None or self.quarter < latest.quarter:
            return  # the first period, or one of a new installation's history
        if self.quarter != latest.quarter.next:
            raise ValidationError(
                f"The next period to open is {latest.quarter.next}, not {self.quarter}: "
                "periods are opened one quarter at a time."
            )
        if self.update_deadline is None:
            raise ValidationError(
                f"{self} opens with an update deadline: leads are late, and reminded, by it."
            )

    def check_open(self) -> None:
        if self.is_locked:
            raise ValidationError(
                f"{self} is locked: its statuses and reviews can no longer change."
            )

    def open(self, user) -> None:
        """Save a new period, open, and tell every lead it is (a notice, sent later)."""
        self._history_user = user
        with transaction.atomic():
            self.save()
            notice_add(Kind.PERIOD_OPENED, actor=user, period=self.pk)

    def clean(self):
        if self.year is None or self.number is None:
            return
        if self.update_deadline and self.update_deadline < self.quarter.start:
            raise ValidationError(
                {
                    "update_deadline": f"{self} starts on {self.quarter.start:%-d %B %Y}: "
                    "its updates cannot be due before then."
                }
            )

    def is_late(self, today) -> bool:
        """Past its update deadline while still open: missing updates are late."""
        return (
            not self.is_locked and self.update_deadline is not None and today > self.update_deadline
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


class CommitmentQuerySet(RecordQuerySet):
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

    def awaiting_update(self, period: "Period"):
        """Commitments with no status yet for `period`."""
        return self.exclude(statuses__period=period)


class Commitment(Record):
    ref = models.CharField(
        max_length=20, unique=True, validators=[validate_ref], help_text=REF_FORMAT
    )
    ref_sort = models.CharField(max_length=100, editable=False, db_index=True)
    policy_area = models.ForeignKey(
        PolicyArea, on_delete=models.PROTECT, related_name="commitments"
    )
    text = models.TextField("individual commitment", validators=TEXT)
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
        constraints = [
            models.CheckConstraint(
                condition=Q(ref__regex=REF_PATTERN),
                name="commitment_ref_format",
                violation_error_message=REF_FORMAT,
            ),
            models.UniqueConstraint(
                Lower("ref"),
                name="commitment_ref_whatever_its_case",
                violation_error_message=REF_TAKEN,
            ),
        ]

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


RED_FOR_RESOURCING = "Red for resourcing is only for a commitment whose RAG is Red."


def resourcing_problem(rag: str, red_for_resourcing: bool) -> str:
    """Red for resourcing is a kind of Red: '' when the pair is allowed."""
    return RED_FOR_RESOURCING if red_for_resourcing and rag != Rag.RED else ""


class PeriodRecord(Record):
    """A record of one reporting period (a quarterly status, a risk review): it is added,
    changed and deleted only while its period is open, in every door."""

    class Meta:
        abstract = True

    def check_rules(self, *, deleting: bool = False, lock: bool = True) -> None:
        super().check_rules(deleting=deleting, lock=lock)
        stored = type(self)._default_manager.filter(pk=self.pk).values_list("period_id")
        periods = {self.period_id, *(row[0] for row in stored)} if self.pk else {self.period_id}
        Period.objects.check_open(periods, lock=lock)


class QuarterlyStatusQuerySet(RecordQuerySet):
    def with_last_save(self):
        """Each status with when it was last saved (`saved_at`) and by whom (`saved_by_id`)."""
        last = QuarterlyStatus.history.filter(id=OuterRef("pk")).order_by("-history_date")
        return self.annotate(
            saved_at=Subquery(last.values("history_date")[:1]),
            saved_by_id=Subquery(last.values("history_user_id")[:1]),
        )


class QuarterlyStatus(PeriodRecord):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="statuses")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="statuses")
    rag = models.CharField("RAG", max_length=12, choices=Rag.choices)
    update = models.TextField(blank=True, validators=TEXT)
    red_for_resourcing = models.BooleanField(
        default=False,
        help_text="Red because workload is being reallocated, not because delivery is in doubt.",
    )
    history = HistoricalRecords()

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
                violation_error_message=RED_FOR_RESOURCING,
            ),
        ]
        permissions = [("update_own_status", "Can update statuses of commitments they lead")]

    def __str__(self) -> str:
        return f"of commitment {self.commitment.ref} for {self.period}"

    def clean(self):
        problem = resourcing_problem(self.rag, self.red_for_resourcing)
        if problem:
            raise ValidationError({"red_for_resourcing": problem})


class Movement(models.TextChoices):
    """How a commitment's RAG moved between two periods: the list's column and its filter."""

    NEWLY_RED = "newly_red", "Newly red"
    RED_TWICE = "red_twice", "Red for two quarters"
    IMPROVING = "improving", "Improving"
    WORSENING = "worsening", "Worsening"
    CHANGED = "changed", "Changed"
    NO_CHANGE = "no_change", "No change"


def movement(previous_rag: str | None, rag: str | None) -> str:
    """How a commitment's RAG moved between two periods, in the users' words (Movement)."""
    if rag is None:
        return ""
    if rag == Rag.RED:
        return (Movement.RED_TWICE if previous_rag == Rag.RED else Movement.NEWLY_RED).label
    if previous_rag == Rag.RED:
        return Movement.IMPROVING.label
    if previous_rag == Rag.AMBER and rag in (Rag.GREEN, Rag.COMPLETE):
        return Movement.IMPROVING.label
    if previous_rag == Rag.GREEN and rag == Rag.AMBER:
        return Movement.WORSENING.label
    if previous_rag is None:
        return ""
    return (Movement.NO_CHANGE if previous_rag == rag else Movement.CHANGED).label
