"""My commitments: a lead's commitments for the current period, a row each, saved at once.

Each row shows last quarter's RAG and update beside this quarter's form, and when the row
was last saved and by whom. Only the rows the lead changed are checked and saved; a row
left alone stays as it was (without a status, in a period just opened).
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commitments.forms import StatusForm
from commitments.models import Commitment, Period, QuarterlyStatus
from riskreg.shared.records import StaleEdit


@dataclass
class Row:
    commitment: Commitment
    form: StatusForm
    status: QuarterlyStatus | None
    previous: QuarterlyStatus | None
    saved_by: str = ""


def rows_for(person, period: Period, data=None, *, only_missing: bool = False) -> list[Row]:
    commitments = Commitment.objects.for_listing().led_by(person)
    if only_missing:
        commitments = commitments.awaiting_update(period)
    commitments = list(commitments)
    previous = period.previous()
    statuses = {
        (s.commitment_id, s.period_id): s
        for s in QuarterlyStatus.objects.filter(
            period__in=[p for p in (period, previous) if p], commitment__in=commitments
        ).with_last_save()
    }
    names = saver_names(s.saved_by_id for s in statuses.values())
    rows = []
    for commitment in commitments:
        status = statuses.get((commitment.pk, period.pk))
        form = StatusForm(
            data, commitment=commitment, period=period, status=status, prefix=f"c{commitment.pk}"
        )
        before = statuses.get((commitment.pk, previous.pk)) if previous else None
        saved_by = names.get(status.saved_by_id, "") if status else ""
        rows.append(Row(commitment, form, status, before, saved_by))
    return rows


def saver_names(ids) -> dict:
    users = get_user_model().objects.filter(pk__in={i for i in ids if i})
    return {user.pk: user.get_full_name() or user.get_username() for user in users}


def save(rows: list[Row]) -> int | None:
    """Save every changed row, or none of them: None when a row needs attention."""
    changed = [row.form for row in rows if row.form.has_changed()]
    if not all(form.is_valid() for form in changed):
        return None
    form = None
    try:
        with transaction.atomic():
            for form in changed:
                form.save()
    except ValidationError as error:
        form.add_error(None, error)
        if isinstance(error, StaleEdit):
            form.carry_current_version()
        return None
    return len(changed)


def untouched_as_they_were(rows: list[Row]) -> list[Row]:
    """After a save that needs attention, rows the lead left alone show as they were, with
    no error of their own: only what they changed is checked."""
    for row in rows:
        if not row.form.has_changed():
            row.form = StatusForm(
                commitment=row.commitment,
                period=row.form.instance.period,
                status=row.status,
                prefix=row.form.prefix,
            )
    return rows


def saved_message(saved: int, period: Period) -> str:
    if not saved:
        return "Nothing had changed, so nothing was saved."
    return f"Saved {saved} of your commitments for {period}."


def context(rows: list[Row], period: Period, person, *, only_missing: bool) -> dict:
    total = Commitment.objects.led_by(person).count()
    missing = Commitment.objects.led_by(person).awaiting_update(period).count()
    return {
        "person": person,
        "period": period,
        "previous": period.previous(),
        "rows": rows,
        "error_rows": [row for row in rows if row.form.errors],
        "total": total,
        "updated": total - missing,
        "missing": missing,
        "late": missing and period.is_late(timezone.localdate()),
        "only_missing": only_missing,
    }
