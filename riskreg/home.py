"""Home: what needs each person, by the roles they hold, with links straight to the work."""

from django.utils import timezone

from commitments.models import Commitment, Period, Person, QuarterlyStatus
from registers.models import Action, Risk
from reports.models import Paper

DUE_SOON_DAYS = 30


def needs(user) -> dict:
    period = Period.objects.current()
    today = timezone.localdate()
    context = {"period": period, "today": today}
    person = getattr(user, "person", None)
    if period and person and user.has_perm("commitments.update_own_status"):
        progress = lead_progress(person, period, today)
        if progress["total"] or not user.is_superuser:  # an administrator leads nothing
            context["lead"] = progress
    if period and user.has_perm("registers.add_riskreview"):
        context["risks"] = risk_work(period, today)
    if period and user.has_perm("commitments.lock_period"):
        context["plan"] = plan_progress(period, today)
    if period and user.has_perm("reports.change_paper"):
        context["paper"] = paper_state(period)
    context["published"] = Paper.objects.published().select_related("period").defer("pdf").first()
    return context


def lead_progress(person, period: Period, today) -> dict:
    led = Commitment.objects.led_by(person)
    total = led.count()
    missing = led.awaiting_update(period).count()
    return {
        "total": total,
        "updated": total - missing,
        "missing": missing,
        "late": missing and period.is_late(today),
    }


def risk_work(period: Period, today) -> dict:
    return {
        "unreviewed": list(Risk.objects.unreviewed_in(period).select_related("owner")),
        "overdue": list(Action.objects.overdue(today).select_related("risk", "owner")),
        "due_soon": list(
            Action.objects.due_within(today, DUE_SOON_DAYS).select_related("risk", "owner")
        ),
    }


def plan_progress(period: Period, today) -> dict:
    total = Commitment.objects.count()
    updated = QuarterlyStatus.objects.filter(period=period).count()
    return {
        "total": total,
        "updated": updated,
        "leads": [p for p in Person.objects.with_progress(period) if p.updated < p.total],
        "late": updated < total and period.is_late(today),
    }


def paper_state(period: Period) -> dict:
    paper = Paper.objects.filter(period=period).defer("pdf").order_by("-version").first()
    return {
        "paper": paper,
        "statuses_missing": Commitment.objects.awaiting_update(period).count(),
        "reviews_missing": Risk.objects.unreviewed_in(period).count(),
    }
