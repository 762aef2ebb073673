"""The risk workbook written back out, in the shape importers.py reads."""

from registers.importers import ACTION_COLUMNS, CONTROL_COLUMNS, REVIEW_COLUMNS, RISK_COLUMNS
from registers.models import Action, Control, Risk, RiskReview
from riskreg.shared.exports import new_workbook

CHOICES = {
    "Risks": {
        "Category": Risk.Category.values,
        "Status": Risk.Status.values,
        **{column: (1, 5) for column in RISK_COLUMNS[6:10]},
    },
    "Risk Reviews": {"Likelihood": (1, 5), "Impact": (1, 5)},
    "Actions": {"Status": Action.Status.values},
}


def export_risks() -> bytes:
    return new_workbook(
        {
            "Risks": (RISK_COLUMNS, [risk_row(r) for r in Risk.objects.select_related("owner")]),
            "Risk Reviews": (REVIEW_COLUMNS, review_rows()),
            "Controls": (
                CONTROL_COLUMNS,
                [
                    [c.risk.ref, c.description]
                    for c in Control.objects.select_related("risk").order_by("risk__ref", "id")
                ],
            ),
            "Actions": (ACTION_COLUMNS, action_rows()),
        },
        choices=CHOICES,
    )


def risk_row(r: Risk) -> list:
    return [
        r.ref,
        r.title,
        r.description or None,
        r.category or None,
        r.owner.name,
        r.status,
        r.inherent_likelihood,
        r.inherent_impact,
        r.target_likelihood,
        r.target_impact,
        r.date_identified,
        r.date_closed,
        r.closing_note or None,
    ]


def review_rows() -> list[list]:
    reviews = RiskReview.objects.select_related("risk", "period").order_by(
        "risk__ref", "period__year", "period__number"
    )
    return [
        [v.risk.ref, str(v.period), v.likelihood, v.impact, v.commentary or None] for v in reviews
    ]


def action_rows() -> list[list]:
    actions = Action.objects.select_related("risk", "owner").order_by("risk__ref", "id")
    return [
        [a.risk.ref, a.description, a.owner.name if a.owner else None, a.target_date, a.status]
        for a in actions
    ]
