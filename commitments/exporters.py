"""The plan workbook written back out, in the shape importers.py reads."""

from commitments.importers import COMMITMENT_COLUMNS, RAG_WORDS, STATUS_COLUMNS
from commitments.models import Commitment, QuarterlyStatus
from riskreg.shared.exports import new_workbook


def export_plan() -> bytes:
    commitments = Commitment.objects.for_listing().select_related("wmp_lead")
    statuses = QuarterlyStatus.objects.select_related("commitment", "period").order_by(
        "commitment__ref_sort", "period__year", "period__number"
    )
    return new_workbook(
        {
            "Commitments": (
                COMMITMENT_COLUMNS,
                [
                    [
                        c.ref,
                        c.policy_area.name,
                        c.text,
                        c.smt_lead.name,
                        c.officer_lead.name if c.officer_lead else None,
                        c.wmp_lead.name if c.wmp_lead else None,
                        c.timescale or None,
                    ]
                    for c in commitments
                ],
            ),
            "Quarterly Status": (
                STATUS_COLUMNS,
                [
                    [
                        s.commitment.ref,
                        str(s.period),
                        s.get_rag_display(),
                        s.update or None,
                        "Yes" if s.red_for_resourcing else "No",
                    ]
                    for s in statuses
                ],
            ),
        },
        choices={"Quarterly Status": {"RAG": RAG_WORDS, "Red For Resourcing": ["Yes", "No"]}},
    )
