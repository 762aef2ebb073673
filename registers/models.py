import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from commitments.models import Commitment, Period, PeriodRecord, Person, PolicyArea
from riskreg.shared.records import Record, RecordQuerySet
from riskreg.shared.refs import REF_FORMAT, REF_PATTERN, REF_TAKEN, validate_ref
from riskreg.shared.texts import TEXT


class Likelihood(models.IntegerChoices):
    RARE = 1, "Rare"
    UNLIKELY = 2, "Unlikely"
    POSSIBLE = 3, "Possible"
    LIKELY = 4, "Likely"
    ALMOST_CERTAIN = 5, "Almost certain"


class Impact(models.IntegerChoices):
    NEGLIGIBLE = 1, "Negligible"
    MINOR = 2, "Minor"
    MODERATE = 3, "Moderate"
    MAJOR = 4, "Major"
    SEVERE = 5, "Severe"


ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


def band(score: int | None) -> str:
    """Low 1–4, Medium 5–12, High 15–25 (a product of two 1–5 scores is never 13 or 14)."""
    if score is None:
        return ""
    if score <= 4:
        return "Low"
    if score <= 12:
        return "Medium"
    return "High"


def score_of(likelihood: int | None, impact: int | None) -> int | None:
    if likelihood is None or impact is None:
        return None
    return likelihood * impact


class Direction(models.TextChoices):
    NEW = "New"
    INCREASED = "Increased"
    REDUCED = "Reduced"
    NO_CHANGE = "No change"


def direction(score: int, previous_score: int | None) -> str:
    if previous_score is None:
        return Direction.NEW
    if score > previous_score:
        return Direction.INCREASED
    if score < previous_score:
        return Direction.REDUCED
    return Direction.NO_CHANGE


class RiskQuerySet(RecordQuerySet):
    def open(self):
        return self.filter(status=Risk.Status.OPEN)

    def unreviewed_in(self, period):
        """Open risks with no review for `period`."""
        return self.open().exclude(reviews__period=period)

    def check_not_ended(self, pk: int, *, lock: bool = True) -> None:
        """Refuse when the risk has ended; with `lock`, it cannot end until the caller's
        transaction does."""
        risks = self.filter(pk=pk).only("ref", "status")
        risk = (risks.select_for_update() if lock else risks).first()
        if risk is not None:
            risk.check_takes_changes()

    def for_register(self):
        """Risks with everything the register, heat map and paper render, in four queries."""
        reviews = RiskReview.objects.select_related("period").order_by(
            "period__year", "period__number"
        )
        return self.select_related("owner").prefetch_related(
            Prefetch("reviews", queryset=reviews, to_attr="prefetched_reviews")
        )


class Risk(Record):
    class Category(models.TextChoices):
        STRATEGIC = "Strategic"
        FINANCIAL = "Financial"
        OPERATIONAL = "Operational"
        GOVERNANCE = "Governance and Compliance"
        REPUTATIONAL = "Reputational"
        PEOPLE = "People"
        INFORMATION = "Information and Technology"
        PARTNERSHIP = "Partnership"

    class Treatment(models.TextChoices):
        TREAT = "Treat"
        TOLERATE = "Tolerate"
        TRANSFER = "Transfer"
        TERMINATE = "Terminate"

    class Status(models.TextChoices):
        PROPOSED = "Proposed"
        OPEN = "Open"
        CLOSED = "Closed"
        DE_ESCALATED = "De-escalated", "De-escalated"
        CRYSTALLISED = "Crystallised"

    ENDED = (Status.CLOSED, Status.DE_ESCALATED, Status.CRYSTALLISED)

    ref = models.CharField(
        max_length=20, unique=True, validators=[validate_ref], help_text=REF_FORMAT
    )
    title = models.CharField("risk", max_length=500, help_text="The risk statement.")
    description = models.TextField(blank=True, validators=TEXT)
    cause = models.TextField(blank=True, validators=TEXT)
    consequence = models.TextField(blank=True, validators=TEXT)
    category = models.CharField(max_length=40, choices=Category.choices, blank=True)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="risks")
    treatment = models.CharField(max_length=20, choices=Treatment.choices, default=Treatment.TREAT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    date_identified = models.DateField(null=True, blank=True)
    date_closed = models.DateField(null=True, blank=True)
    closing_note = models.TextField(blank=True, validators=TEXT)
    inherent_likelihood = models.PositiveSmallIntegerField(
        choices=Likelihood.choices, null=True, blank=True, validators=ONE_TO_FIVE
    )
    inherent_impact = models.PositiveSmallIntegerField(
        choices=Impact.choices, null=True, blank=True, validators=ONE_TO_FIVE
    )
    target_likelihood = models.PositiveSmallIntegerField(
        choices=Likelihood.choices, null=True, blank=True, validators=ONE_TO_FIVE
    )
    target_impact = models.PositiveSmallIntegerField(
        choices=Impact.choices, null=True, blank=True, validators=ONE_TO_FIVE
    )
    policy_areas = models.ManyToManyField(PolicyArea, blank=True, related_name="risks")
    commitments = models.ManyToManyField(Commitment, blank=True, related_name="risks")
    history = HistoricalRecords(m2m_fields=[policy_areas, commitments])

    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["ref"]
        # Missing is null, never a sentinel; a score given is 1 to 5.
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{name}__isnull": True})
                | Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                name=f"risk_{name}_1_to_5",
            )
            for name in (
                "inherent_likelihood",
                "inherent_impact",
                "target_likelihood",
                "target_impact",
            )
        ] + [
            models.CheckConstraint(
                condition=Q(ref__regex=REF_PATTERN),
                name="risk_ref_format",
                violation_error_message=REF_FORMAT,
            ),
            models.UniqueConstraint(
                Lower("ref"), name="risk_ref_whatever_its_case", violation_error_message=REF_TAKEN
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    def clean(self):
        if self.status in self.ENDED and not self.date_closed:
            raise ValidationError(
                {"date_closed": f"A {self.status.lower()} risk needs the date it ended."}
            )

    @property
    def inherent_score(self) -> int | None:
        return score_of(self.inherent_likelihood, self.inherent_impact)

    @property
    def target_score(self) -> int | None:
        return score_of(self.target_likelihood, self.target_impact)

    @property
    def inherent_band(self) -> str:
        return band(self.inherent_score)

    @property
    def target_band(self) -> str:
        return band(self.target_score)

    @property
    def reviews_in_order(self) -> list["RiskReview"]:
        if hasattr(self, "prefetched_reviews"):  # from RiskQuerySet.for_register
            return self.prefetched_reviews
        return list(
            self.reviews.select_related("period").order_by("period__year", "period__number")
        )

    def review_as_at(self, quarter) -> "RiskReview | None":
        """The latest review in `quarter` or before it (None: never reviewed by then)."""
        found = None
        for review in self.reviews_in_order:
            if review.period.quarter <= quarter:
                found = review
        return found

    def review_in(self, quarter) -> "RiskReview | None":
        review = self.review_as_at(quarter)
        return review if review and review.period.quarter == quarter else None

    def previous_review(self, review: "RiskReview") -> "RiskReview | None":
        """The latest review before `review`, however many periods earlier."""
        earlier = [r for r in self.reviews_in_order if r.period.quarter < review.period.quarter]
        return earlier[-1] if earlier else None

    def direction_in(self, quarter) -> str:
        """Direction of travel of the review in `quarter`: '' when not reviewed then."""
        review = self.review_in(quarter)
        if review is None:
            return ""
        previous = self.previous_review(review)
        return direction(review.score, previous.score if previous else None)

    @property
    def latest_review(self) -> "RiskReview | None":
        reviews = self.reviews_in_order
        return reviews[-1] if reviews else None

    @property
    def current_score(self) -> int | None:
        review = self.latest_review
        return review.score if review else None

    @property
    def current_band(self) -> str:
        return band(self.current_score)

    @property
    def current_direction(self) -> str:
        review = self.latest_review
        return self.direction_in(review.period.quarter) if review else ""

    def above_target_for(self) -> int:
        """How many of the latest reviews in a row score above the target."""
        if self.target_score is None:
            return 0
        count = 0
        for review in reversed(self.reviews_in_order):
            if review.score <= self.target_score:
                break
            count += 1
        return count

    @property
    def has_ended(self) -> bool:
        return self.status in self.ENDED

    def check_rules(self, *, deleting: bool = False, lock: bool = True) -> None:
        super().check_rules(deleting=deleting, lock=lock)
        stored = Risk.objects.filter(pk=self.pk).values(*self.REGISTER_FIELDS).first() or {}
        has_issue = Issue.objects.filter(risk_id=self.pk).exists()
        self.check_status_change(stored.get("status"), has_issue=has_issue)
        self.check_locked_registers(stored, lock=lock)

    REGISTER_FIELDS = ["status", "date_identified", "date_closed"]

    def check_locked_registers(self, stored: dict, *, lock: bool) -> None:
        """What a locked quarter's register held does not change: a save that would put the
        risk into it, or take it out, by its status, date identified or date closed (see
        in_register_at_end_of), is refused. `stored`: the saved REGISTER_FIELDS, or {}."""
        before = Risk(**stored) if stored else None
        locked = Period.objects.filter(state=Period.State.LOCKED).order_by("pk")  # lock order
        for period in locked.select_for_update() if lock else locked:
            was = before is not None and before.in_register_at_end_of(period.quarter)
            if was != self.in_register_at_end_of(period.quarter):
                change = "take it out of" if was else "put it in"
                raise ValidationError(
                    f"Risk {self.ref}: this change would {change} the register at the end of "
                    f"{period}, which is locked, and a locked quarter's register does not "
                    "change. Check its status, date identified and date closed.",
                    code=self.register_field_changed(stored),  # an import's column
                )

    def register_field_changed(self, stored: dict) -> str:
        if not stored:
            return "date_identified"  # a new risk: when it was identified decides
        dates_first = ["date_closed", "date_identified", "status"]
        return next((f for f in dates_first if stored.get(f) != getattr(self, f)), "status")

    def check_status_change(self, stored: str | None, *, has_issue: bool) -> None:
        """An ended risk is not reopened, and a risk crystallises only with its issue (the
        Close, de-escalate or crystallise page opens it). `stored`: the status saved now."""
        if stored in self.ENDED and self.status != stored:
            raise ValidationError(
                f"Risk {self.ref} is {stored.lower()}: it is not reopened. Raise a new risk "
                "if it comes back."
            )
        if self.status == self.Status.CRYSTALLISED and stored != self.status and not has_issue:
            raise ValidationError(
                f"Risk {self.ref} crystallises through its Close, de-escalate or crystallise "
                "page, which opens its issue."
            )

    def in_register_at_end_of(self, quarter) -> bool:
        """Whether the risk was in the register when `quarter` ended: accepted, identified by
        then, and not yet ended (a risk ended later was still open then)."""
        if self.status == self.Status.PROPOSED:
            return False
        if self.date_identified and self.date_identified > quarter.end:
            return False
        return not (self.has_ended and self.date_closed and self.date_closed <= quarter.end)

    def check_takes_changes(self) -> None:
        """An ended risk is kept as it was when it ended."""
        if self.has_ended:
            raise ValidationError(
                f"Risk {self.ref} is {self.status.lower()}: its reviews, controls and actions "
                "are kept as they were and no longer change."
            )

    def accept(self, *, seen_version: int) -> None:
        """A proposed risk joins the register."""
        if self.status != self.Status.PROPOSED:
            raise ValidationError(
                f"Risk {self.ref} is not proposed, so there is nothing to accept."
            )
        self.lock_version = seen_version
        self.status = self.Status.OPEN
        self.save(update_fields=["status"])


class RiskPart(Record):
    """Part of a risk's record (a review, a control, an action): it changes only while the
    risk is proposed or open. An ended risk is kept as it was when it ended."""

    class Meta:
        abstract = True

    def check_rules(self, *, deleting: bool = False, lock: bool = True) -> None:
        super().check_rules(deleting=deleting, lock=lock)
        Risk.objects.check_not_ended(self.risk_id, lock=lock)


class RiskReview(RiskPart, PeriodRecord):
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    period = models.ForeignKey(
        "commitments.Period", on_delete=models.PROTECT, related_name="reviews"
    )
    likelihood = models.PositiveSmallIntegerField(
        choices=Likelihood.choices, validators=ONE_TO_FIVE
    )
    impact = models.PositiveSmallIntegerField(choices=Impact.choices, validators=ONE_TO_FIVE)
    commentary = models.TextField(blank=True, validators=TEXT)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["risk", "period__year", "period__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["risk", "period"], name="one_review_per_risk_per_period"
            ),
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5), name="review_likelihood_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(impact__gte=1, impact__lte=5), name="review_impact_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"of {self.risk.ref} for {self.period}"

    def clean(self):
        """A score that moves is explained: the commentary is printed in the paper."""
        if self.commentary.strip() or self.risk_id is None or self.period_id is None:
            return
        earlier = (
            RiskReview.objects.filter(risk_id=self.risk_id)
            .exclude(pk=self.pk)
            .filter(
                Q(period__year__lt=self.period.year)
                | Q(period__year=self.period.year, period__number__lt=self.period.number)
            )
            .order_by("-period__year", "-period__number")
            .first()
        )
        if earlier is not None and earlier.score != self.score:
            way = "up" if self.score > earlier.score else "down"
            raise ValidationError(
                {
                    "commentary": f"The score goes {way} from {earlier.score} to {self.score}: "
                    "say why. This commentary is printed in the committee paper."
                }
            )

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def band(self) -> str:
        return band(self.score)


class Control(RiskPart):
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="controls")
    description = models.TextField("control", validators=TEXT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description[:80]


class ActionQuerySet(RecordQuerySet):
    def live(self):
        """Actions not complete, of risks still in the register."""
        return self.exclude(status=Action.Status.COMPLETE).exclude(risk__status__in=Risk.ENDED)

    def overdue(self, today):
        return self.live().filter(Q(status=Action.Status.OVERDUE) | Q(target_date__lt=today))

    def due_within(self, today, days: int):
        """Due from today to `days` days ahead, and not overdue."""
        end = today + datetime.timedelta(days=days)
        return (
            self.live()
            .exclude(status=Action.Status.OVERDUE)
            .filter(target_date__gte=today, target_date__lte=end)
        )


class Action(RiskPart):
    class Status(models.TextChoices):
        NOT_STARTED = "Not started", "Not started"
        ON_TRACK = "On track", "On track"
        OVERDUE = "Overdue"
        COMPLETE = "Complete"

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField("action", validators=TEXT)
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    history = HistoricalRecords()

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["target_date", "id"]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    def is_overdue_on(self, day: datetime.date) -> bool:
        """As ActionQuerySet.overdue(day) finds it, for one action in hand."""
        if self.status == self.Status.COMPLETE:
            return False
        if self.status == self.Status.OVERDUE:
            return True
        return self.target_date is not None and self.target_date < day

    def is_due_within(self, day: datetime.date, days: int) -> bool:
        """As ActionQuerySet.due_within(day, days) finds it, for one action in hand."""
        if self.status == self.Status.COMPLETE or self.is_overdue_on(day):
            return False
        return self.target_date is not None and 0 <= (self.target_date - day).days <= days


class Issue(Record):
    class Status(models.TextChoices):
        OPEN = "Open"
        RESOLVED = "Resolved"

    risk = models.OneToOneField(Risk, on_delete=models.PROTECT, related_name="issue")
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="issues")
    description = models.TextField(validators=TEXT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(blank=True, validators=TEXT)
    opened_on = models.DateField(default=timezone.localdate)
    history = HistoricalRecords()

    def clean(self):
        if self.status == self.Status.RESOLVED and not self.resolution.strip():
            raise ValidationError({"resolution": "Say how the issue was resolved."})

    def __str__(self) -> str:
        return f"Issue from {self.risk.ref}"
