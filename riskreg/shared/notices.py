"""Notices by e-mail, as the apps record them: the place where a thing happens calls
notice_add() inside the transaction that makes the change, and riskreg.reminders sends
the e-mails later (manage.py send_reminders). Nothing is sent from a request."""

from riskreg.shared.models import Notice

Kind = Notice.Kind


def notice_add(kind: str, *, actor=None, **ids: int) -> Notice:
    """Record that `kind` happened to the objects whose ids are given (risk=…, person=…)."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return Notice.objects.create(kind=kind, actor=actor, data=ids)


def owner_notice_add(record, *, actor=None) -> Notice | None:
    """A risk or action now belongs to its owner: tell them (not when there is none)."""
    if record.owner_id is None:
        return None
    kind = {"risk": Kind.RISK_ASSIGNED, "action": Kind.ACTION_ASSIGNED}[record._meta.model_name]
    return notice_add(
        kind, actor=actor, **{record._meta.model_name: record.pk, "person": record.owner_id}
    )
