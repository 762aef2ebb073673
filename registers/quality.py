"""The data quality panel: what needs an editor's attention."""

from registers.models import Risk


def panel(period) -> dict:
    risks = list(Risk.objects.open().for_register().prefetch_related("actions__owner"))
    overdue = [(risk, a) for risk in risks for a in risk.actions.all() if a.is_overdue]
    return {
        "period": period,
        "unreviewed": [r for r in risks if period and r.review_in(period.quarter) is None],
        "overdue_actions": overdue,
        "without_actions": [r for r in risks if not r.actions.all()],
        "above_target": [r for r in risks if r.above_target_for() >= 2],
    }
