"""Writes that span several models of the register."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from registers.models import Issue, Risk


def risk_end(
    *,
    risk: Risk,
    outcome: str,
    date_closed: datetime.date,
    closing_note: str,
    seen_version: int,
) -> Issue | None:
    """Close, de-escalate or crystallise a risk; crystallising opens its one issue."""
    with transaction.atomic():
        risk = Risk.objects.select_for_update().get(pk=risk.pk)
        if risk.has_ended:
            raise ValidationError(f"Risk {risk.ref} is already {risk.status.lower()}.")
        risk.lock_version = seen_version
        issue = None
        if outcome == Risk.Status.CRYSTALLISED:  # the issue first: a risk crystallises with it
            issue = Issue(risk=risk, owner=risk.owner, description=closing_note)
            issue.opened_on = date_closed
            issue.save()
        risk.status = outcome
        risk.date_closed = date_closed
        risk.closing_note = closing_note
        risk.full_clean()
        risk.save()
        return issue
