"""The committee paper, part by part, from the registers (spec: committee-paper.md).

Each function builds one part and is tested on its own; `compose` puts them in order
and numbers the paragraphs, so an omitted part leaves no gap.
"""

from dataclasses import dataclass, field

from django.conf import settings

from commitments.models import Commitment, Period, QuarterlyStatus, Rag
from commitments.periods import Quarter
from registers.heatmap import heatmap
from registers.models import Risk, direction

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]


def number_word(n: int) -> str:
    """One to nine as words, 10 and above as digits, as the reference paper writes them."""
    return WORDS[n] if 0 <= n < 10 else str(n)


def ordinal(n: int) -> str:
    return ORDINALS[n - 1] if 1 <= n <= 9 else f"{n}th"


def lcfirst(text: str) -> str:
    """'Public trust…' → 'public trust…', but 'VRP funding…' stays as it is."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


@dataclass
class Para:
    text: str = ""
    title: str = ""
    rows: list | None = None  # table rows, for a table paragraph
    columns: list | None = None
    bullets: list | None = None
    number: str = ""


@dataclass
class Section:
    title: str
    paras: list[Para] = field(default_factory=list)
    number: int = 0


@dataclass
class PlanRow:
    ref: str
    rag_before: str
    rag_now: str
    policy_area: str
    text: str
    update: str


def plan_statuses(period: Period, previous: Period | None) -> tuple[dict, dict]:
    """Statuses of P and of the period before it, keyed by commitment, in one query."""
    periods = [period] + ([previous] if previous else [])
    statuses = QuarterlyStatus.objects.filter(period__in=periods).select_related(
        "commitment__policy_area"
    )
    now, before = {}, {}
    for status in statuses:
        (now if status.period_id == period.pk else before)[status.commitment_id] = status
    return now, before


def red_sentence(
    red: int, total: int, red_before: int, month_year: str, previous_label: str
) -> str:
    if red > red_before:
        change = "an increase from"
    elif red < red_before:
        change = "a decrease from"
    else:
        change = "the same as"
    return (
        f"{red} of the {total} individual deliverables in the Plan were marked as being at Red "
        f"status for deliverability in {month_year}, {change} {red_before} in quarter "
        f"{previous_label}."
    )


def plan_row(status: QuarterlyStatus, before: dict) -> PlanRow:
    previous = before.get(status.commitment_id)
    return PlanRow(
        ref=status.commitment.ref,
        rag_before=previous.rag if previous else "",
        rag_now=status.rag,
        policy_area=status.commitment.policy_area.name,
        text=status.commitment.text,
        update=status.update,
    )


def red_table(now: dict, before: dict) -> list[PlanRow]:
    """Red in P and not for resourcing: red in both periods first, then newly red; by ref."""
    rows = [s for s in now.values() if s.rag == Rag.RED and not s.red_for_resourcing]
    rows.sort(
        key=lambda s: (
            not (before.get(s.commitment_id) and before[s.commitment_id].rag == Rag.RED),
            s.commitment.ref_sort,
        )
    )
    return [plan_row(s, before) for s in rows]


def resourcing_list(now: dict) -> list[str]:
    rows = sorted(
        (s for s in now.values() if s.rag == Rag.RED and s.red_for_resourcing),
        key=lambda s: s.commitment.ref_sort,
    )
    return [s.commitment.text for s in rows]


def improving_table(now: dict, before: dict) -> list[PlanRow]:
    improved = [Rag.AMBER, Rag.GREEN, Rag.COMPLETE]
    rows = sorted(
        (
            s
            for s in now.values()
            if s.rag in improved
            and before.get(s.commitment_id)
            and before[s.commitment_id].rag == Rag.RED
        ),
        key=lambda s: s.commitment.ref_sort,
    )
    return [plan_row(s, before) for s in rows]


def resourcing_para(texts: list[str]) -> Para | None:
    if not texts:
        return None
    n = len(texts)
    return Para(
        text=f"In addition to the risks marked red above, {number_word(n)} "
        f"commitment{'s' if n != 1 else ''} {'were' if n != 1 else 'was'} marked red this "
        "quarter as we recognised the need to reallocate workload and ensure that each plan "
        "commitment was adequately resourced:",
        bullets=texts,
    )


def new_risks(risks: list[Risk], quarter: Quarter) -> list[Risk]:
    return [
        r for r in risks if r.reviews_in_order and r.reviews_in_order[0].period.quarter == quarter
    ]


def moved_risks(risks: list[Risk], quarter: Quarter, way: str) -> list[Risk]:
    """Risks whose score in P is higher (or lower) than in the period before P."""
    moved = []
    for risk in risks:
        review = risk.review_in(quarter)
        before = risk.review_in(quarter.previous)
        if review and before and direction(review.score, before.score) == way:
            moved.append(risk)
    return moved


def new_risks_paras(risks: list[Risk], quarter: Quarter) -> list[Para]:
    found = new_risks(risks, quarter)
    if not found:
        return [
            Para(
                "The review of the risk register has identified no new corporate risks "
                "for the OPCC."
            )
        ]
    n = len(found)
    return [
        Para(
            f"The review of the risk register has identified {number_word(n)} new corporate "
            f"risk{'s' if n != 1 else ''} for the OPCC:",
            bullets=[
                f"{r.ref} {r.title} (owner {r.owner}, score {r.review_in(quarter).score})"
                for r in found
            ],
        )
    ]


def proposed_paras(risks: list[Risk], lead_in: str) -> list[Para]:
    proposed = [r for r in risks if r.status == Risk.Status.PROPOSED]
    lead_in = lead_in or "still being considered and evaluated for inclusion"
    if len(proposed) == 1:
        risk = proposed[0]
        return [
            Para(
                f"One new risk is {lead_in}, and that is the risk of {lcfirst(risk.title)}. "
                f"{risk.description}".strip()
            )
        ]
    if proposed:
        return [
            Para(
                f"{number_word(len(proposed)).capitalize()} new risks are {lead_in}:",
                bullets=[
                    f"the risk of {lcfirst(r.title)}. {r.description}".strip() for r in proposed
                ],
            )
        ]
    return []


def moved_paras(risks: list[Risk], quarter: Quarter, way: str) -> list[Para]:
    moved = moved_risks(risks, quarter, way)
    verb = "increased" if way == "Increased" else "reduced"
    if not moved:
        return [Para(f"During the last quarter, no risk scores were {verb}.")]
    if len(moved) == 1:
        opening = (
            f"There is one risk which has {verb} in risk rating since last quarter: "
            f"that {lcfirst(moved[0].title)}."
        )
    else:
        named = ", ".join(
            f"the {ordinal(i)} is that {lcfirst(r.title)}" for i, r in enumerate(moved, 1)
        )
        opening = (
            f"There are {number_word(len(moved))} risks which have {verb} in risk rating "
            f"since last quarter. {named[0].upper()}{named[1:]}."
        )
    return [Para(opening)] + [
        Para(risk.review_in(quarter).commentary or f"{risk.ref} {risk.title}.") for risk in moved
    ]


def ended_paras(risks: list[Risk], quarter: Quarter) -> list[Para]:
    ended = [
        r
        for r in risks
        if r.status in Risk.ENDED
        and r.date_closed
        and quarter.start <= r.date_closed <= quarter.end
    ]
    if not ended:
        return [Para("During the last quarter, no corporate risks were closed or de-escalated.")]
    paras = []
    for risk in ended:
        text = risk.closing_note or f"{risk.ref} {risk.title} was {risk.status.lower()}."
        if risk.status == Risk.Status.CRYSTALLISED:
            text += (
                f" The risk was that “{lcfirst(risk.title)}”. That risk has crystallised and "
                "we are now dealing with it as an issue."
            )
        elif risk.status == Risk.Status.DE_ESCALATED:
            text += (
                f" The risk was that “{lcfirst(risk.title)}” ({risk.ref}); it has been "
                "de-escalated to a team register."
            )
        elif risk.closing_note:
            text += f" The risk was that “{lcfirst(risk.title)}” ({risk.ref}); it is now closed."
        paras.append(Para(text))
    return paras


def appendix(risks: list[Risk], quarter: Quarter) -> dict:
    """The register as at the end of P: risks open then, with scores as reviewed by then."""
    rows = []
    for risk in risks:
        if not risk.in_register_at_end_of(quarter):
            continue
        review = risk.review_as_at(quarter)
        rows.append(
            {
                "risk": risk,
                "status": Risk.Status.OPEN,  # as it stood then, even if it has ended since
                "current": review.score if review else None,
                "current_band": review.band if review else "",
                "direction": risk.direction_in(review.period.quarter) if review else "",
                "review": review,
            }
        )
    return {"rows": rows, "map": heatmap([r["risk"] for r in rows], as_at=quarter)}


def compose(paper) -> dict:
    period = paper.period
    quarter = period.quarter
    now, before = plan_statuses(period, period.previous())
    counts = {
        "red": sum(1 for s in now.values() if s.rag == Rag.RED),
        "total": Commitment.objects.count(),
        "red_before": sum(1 for s in before.values() if s.rag == Rag.RED),
    }
    risks = list(Risk.objects.for_register())
    sections = [
        Section("PURPOSE OF REPORT", [Para(t) for t in paper.paragraphs("purpose")]),
        Section("RISK MANAGEMENT METHODOLOGY", [Para(t) for t in paper.paragraphs("methodology")]),
        Section(
            "RISKS TO THE DELIVERY OF THE POLICE AND CRIME PLAN",
            plan_paras(paper, now, before, counts),
        ),
        Section(
            "NEW CORPORATE RISKS",
            new_risks_paras(risks, quarter) + proposed_paras(risks, paper.proposed_risks_lead_in),
        ),
        Section("INCREASED CORPORATE RISKS", moved_paras(risks, quarter, "Increased")),
        Section("REDUCED CORPORATE RISK SCORES", moved_paras(risks, quarter, "Reduced")),
        Section("CLOSED AND DE-ESCALATED CORPORATE RISKS", ended_paras(risks, quarter)),
        Section("RECOMMENDATION", [Para(t) for t in paper.paragraphs("recommendation")]),
    ]
    number_sections(sections)
    return {
        "paper": paper,
        "period": period,
        "labels": {"before": quarter.previous.label, "now": quarter.label},
        "sections": sections,
        "appendix": appendix(risks, quarter),
        "organisation": settings.RISKREG_ORGANISATION,
        "counts": counts,
    }


def plan_paras(paper, now: dict, before: dict, counts: dict) -> list[Para]:
    """Section 3: the narrative, the 3.4 sentence and table, 3.5, the themes, 3.9."""
    quarter = paper.period.quarter
    month_year = (paper.status_date or quarter.end).strftime("%B %Y")
    sentence = red_sentence(
        counts["red"],
        counts["total"],
        counts["red_before"],
        month_year,
        str(quarter.previous.number),
    )
    plan = [Para(text) for text in paper.paragraphs("plan_introduction")]
    plan.append(
        Para(
            sentence + " Red classification meant that some additional support or action was "
            "needed in order to support delivery of the plan item, not that it could not be "
            "achieved in the end.",
            rows=red_table(now, before),
            columns="Policy Area",
        )
    )
    resourcing = resourcing_para(resourcing_list(now))
    if resourcing:
        plan.append(resourcing)
    plan += [Para(text) for text in paper.paragraphs("themes")]
    improving = improving_table(now, before)
    plan.append(
        Para(
            "In the previous quarter's report, we recorded the following as red, but they are now "
            "downgraded following successful work to improve the expected deliverability of the "
            "promise."
            if improving
            else "No commitments improved from Red this quarter.",
            title="Improving Risks",
            rows=improving or None,
            columns="Title",
        )
    )
    return plan


def number_sections(sections: list[Section]) -> None:
    for number, section in enumerate(sections, 1):
        section.number = number
        for index, para in enumerate(section.paras, 1):
            para.number = f"{number}.{index}"
