"""The parts of a digest, for one recipient: each item links to where it is done, if
their login may do it there, else to where they can read it."""

import datetime

from django.urls import reverse

from commitments.models import Period
from riskreg.reminders.message import Item, Section, absolute, plural

NO_LOGIN = "You have no riskreg login: ask the plan manager for one, or send them your updates."


def when(day: datetime.date, today: datetime.date) -> str:
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


def commitment_section(recipient, rows: list, period: Period, day: datetime.date) -> Section:
    items = []
    for commitment, role in rows:
        can = recipient.user is not None and commitment.can_update_status(recipient.user)
        url = (
            reverse("commitments:status_edit", args=[commitment.ref, period.year, period.number])
            if can
            else reverse("commitments:detail", args=[commitment.ref])
        )
        items.append(
            Item(f"Commitment {commitment.ref}", commitment.text, absolute(url), f"as {role}")
        )
    return Section(
        title=f"Commitments to update for {period}",
        lines=[deadline_line(period, day)] + ([] if recipient.user else [NO_LOGIN]),
        items=items,
        link=(
            ("Update them in one grid", absolute(reverse("commitments:mine") + "?missing=1"))
            if recipient.may("commitments.update_own_status")
            else None
        ),
        summary=f"{plural(len(items), 'commitment')} to update",
    )


def deadline_line(period: Period, day: datetime.date) -> str:
    deadline = period.update_deadline
    if deadline is None:
        return f"Each needs its quarterly status for {period}."
    if period.is_late(day):
        return f"The deadline, {deadline:%-d %B %Y}, has passed: these updates are late."
    return f"Each needs its quarterly status by {deadline:%-d %B %Y} ({when(deadline, day)})."


def risk_section(recipient, risks: list, period: Period) -> Section:
    review = recipient.may("registers.add_riskreview")
    view = "registers:review" if review else "registers:detail"
    items = [Item(risk.ref, risk.title, absolute(reverse(view, args=[risk.ref]))) for risk in risks]
    lines = [f"Each open risk needs its {period} review before the committee paper."]
    if not review:
        lines.append("Give the risk officer your review: likelihood, impact and commentary.")
    return Section(
        title=f"Risks you own to review for {period}",
        lines=lines,
        items=items,
        summary=f"{plural(len(items), 'risk')} to review",
    )


def action_section(recipient, actions: list, day: datetime.date) -> Section:
    edit = recipient.may("registers.change_action")
    overdue = [a for a in actions if a.is_overdue_on(day)]
    soon = [a for a in actions if a not in overdue]
    items = [action_item(a, day, edit, late=True) for a in overdue]
    items += [action_item(a, day, edit, late=False) for a in soon]
    if overdue and soon:
        summary = f"{plural(len(actions), 'action')} overdue or due soon"
    else:
        summary = f"{plural(len(actions), 'action')} {'overdue' if overdue else 'due soon'}"
    return Section(
        title="Actions you own, overdue or due in the next 30 days",
        lines=[]
        if edit
        else ["Tell the risk officer what has been done, or update them yourself."],
        items=items,
        summary=summary,
    )


def action_item(action, day: datetime.date, edit: bool, late: bool) -> Item:
    risk = action.risk.ref
    url = (
        reverse("registers:action_edit", args=[risk, action.pk])
        if edit
        else reverse("registers:detail", args=[risk])
    )
    target = action.target_date
    if late:
        note = f"overdue: was due {target:%-d %B %Y}" if target else "overdue"
    else:
        note = f"due {target:%-d %B %Y} ({when(target, day)})"
    return Item(f"Action on {risk}", action.description, absolute(url), note)
