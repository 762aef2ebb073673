"""Writes that span several models of the register."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from registers.models import Issue, Risk, RiskReview


def risk_end(
    *,
    risk: Risk,
    outcome: str,
    date_closed: datetime.date,
    closing_note: str,
    user,
    seen_version: int,
) -> Issue | None:
    """Close, de-escalate or crystallise a risk; crystallising opens its one issue."""
    with transaction.atomic():
        risk = Risk.objects.select_for_update().get(pk=risk.pk)
        risk.check_version(seen_version)
        if risk.status in Risk.ENDED:
            raise ValidationError(f"Risk {risk.ref} is already {risk.status.lower()}.")
        risk.status = outcome
        risk.date_closed = date_closed
        risk.closing_note = closing_note
        risk.version += 1
        risk._history_user = user
        risk.save()
        if outcome != Risk.Status.CRYSTALLISED:
            return None
        issue = Issue(risk=risk, owner=risk.owner, description=closing_note, opened_on=date_closed)
        issue._history_user = user
        issue.save()
        return issue


def review_record(
    *, risk: Risk, period, likelihood: int, impact: int, commentary: str, user, seen_version: int
) -> RiskReview | None:
    """This period's review of a risk, created or changed; None when nothing differed."""
    period.check_open()
    with transaction.atomic():
        review = RiskReview.objects.select_for_update().filter(
            risk=risk, period=period
        ).first() or RiskReview(risk=risk, period=period, version=0)
        if review.version != seen_version:
            raise ValidationError(
                f"The {period} review of {risk.ref} was changed by someone else while you were "
                "editing it. Your changes were not saved: look at the new values and try again."
            )
        values = {"likelihood": likelihood, "impact": impact, "commentary": commentary}
        if review.pk and all(getattr(review, k) == v for k, v in values.items()):
            return None
        for field, value in values.items():
            setattr(review, field, value)
        review.reviewed_by = user
        review.version += 1
        review._history_user = user
        review.save()
        return review
