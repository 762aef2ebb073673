"""Each part of the paper on small data built in the test."""

import datetime

import pytest

from commitments.periods import Quarter
from registers.models import Risk
from reports.compose import (
    compose,
    ended_paras,
    improving_table,
    moved_paras,
    new_risks_paras,
    number_word,
    plan_statuses,
    proposed_paras,
    red_sentence,
    red_table,
    resourcing_para,
)
from reports.models import Paper
from tests.factories import make_commitment, make_period, make_review, make_risk, make_status

pytestmark = pytest.mark.django_db
Q3 = Quarter(2025, 3)


def test_number_words_one_to_nine_then_digits():
    assert [number_word(n) for n in (1, 2, 8, 9, 10, 20)] == [
        "one",
        "two",
        "eight",
        "nine",
        "10",
        "20",
    ]


@pytest.mark.parametrize(
    "red, before, phrase",
    [(20, 10, "an increase from 10"), (5, 10, "a decrease from 10"), (10, 10, "the same as 10")],
)
def test_the_red_sentence_says_how_red_moved(red, before, phrase):
    sentence = red_sentence(red, 356, before, "February 2026", "2")
    assert sentence == (
        f"{red} of the 356 individual deliverables in the Plan were marked as being at Red status "
        f"for deliverability in February 2026, {phrase} in quarter 2."
    )


def test_the_red_table_lists_red_in_both_first_then_newly_red_by_ref_without_resourcing():
    q2, q3 = make_period("2025/26 Q2"), make_period("2025/26 Q3")
    rows = {
        "243": ("red", "red"),
        "60": ("red", "red"),
        "9": ("green", "red"),
        "184": ("amber", "red"),
        "5": ("green", "red"),
        "36": ("red", "green"),
    }
    for ref, (before, now) in rows.items():
        c = make_commitment(ref=ref)
        make_status(c, q2, before)
        make_status(c, q3, now, red_for_resourcing=ref == "5")
    now, before = plan_statuses(q3, q2)
    assert [r.ref for r in red_table(now, before)] == ["60", "243", "9", "184"]
    assert [r.ref for r in improving_table(now, before)] == ["36"]


def test_the_red_table_across_a_year_boundary_compares_with_the_previous_q4():
    q4, q1 = make_period("2025/26 Q4"), make_period("2026/27 Q1")
    assert q1.previous() == q4
    c = make_commitment(ref="1")
    make_status(c, q4, "red")
    make_status(c, q1, "red")
    now, before = plan_statuses(q1, q1.previous())
    assert red_table(now, before)[0].rag_before == "red"


def test_resourcing_is_omitted_when_none_and_counted_in_words():
    assert resourcing_para([]) is None
    para = resourcing_para(["a", "b", "c"])
    assert para.text.startswith("In addition to the risks marked red above, three commitments were")
    assert para.bullets == ["a", "b", "c"]


def test_no_new_increased_reduced_or_closed_risks_have_their_own_wording():
    risks = []
    assert new_risks_paras(risks, Q3)[0].text == (
        "The review of the risk register has identified no new corporate risks for the OPCC."
    )
    assert (
        moved_paras(risks, Q3, "Increased")[0].text
        == "During the last quarter, no risk scores were increased."
    )
    assert (
        moved_paras(risks, Q3, "Reduced")[0].text
        == "During the last quarter, no risk scores were reduced."
    )
    assert ended_paras(risks, Q3)[0].text == (
        "During the last quarter, no corporate risks were closed or de-escalated."
    )
    assert proposed_paras(risks, "") == []


def test_increased_risks_are_named_in_order_then_explained():
    q2, q3 = make_period("2025/26 Q2"), make_period("2025/26 Q3")
    first, second = make_risk(title="Public trust falls"), make_risk(title="Reform is missed")
    for risk, text in ((first, "Trust commentary"), (second, "Reform commentary")):
        make_review(risk, q2, 3, 3)
        make_review(risk, q3, 4, 3, commentary=text)
    risks = list(Risk.objects.for_register())
    paras = moved_paras(risks, Q3, "Increased")
    assert paras[0].text == (
        "There are two risks which have increased in risk rating since last quarter. The first is "
        "that public trust falls, the second is that reform is missed."
    )
    assert [p.text for p in paras[1:]] == ["Trust commentary", "Reform commentary"]
    assert moved_paras(risks, Q3, "Reduced")[0].text.endswith("no risk scores were reduced.")


def test_a_new_risk_is_one_first_reviewed_this_quarter():
    q2, q3 = make_period("2025/26 Q2"), make_period("2025/26 Q3")
    old, new = make_risk(), make_risk(title="Cyber attack")
    make_review(old, q2), make_review(old, q3), make_review(new, q3, 4, 4)
    text = new_risks_paras(list(Risk.objects.for_register()), Q3)[0]
    assert "identified one new corporate risk" in text.text
    assert "Cyber attack" in text.bullets[0] and "score 16" in text.bullets[0]


def test_a_proposed_risk_is_described_in_one_paragraph():
    make_risk(status="Proposed", title="Funding cuts to partners", description="We watch them.")
    paras = proposed_paras(list(Risk.objects.for_register()), "still being considered")
    assert paras[0].text == (
        "One new risk is still being considered, and that is the risk of funding cuts to partners. "
        "We watch them."
    )


def test_a_crystallised_risk_says_it_is_now_an_issue_and_only_in_its_quarter():
    make_risk(
        status="Crystallised",
        title="VRP funding was cut",
        closing_note="Funding fell.",
        date_closed=datetime.date(2025, 12, 18),
    )
    risks = list(Risk.objects.for_register())
    text = ended_paras(risks, Q3)[0].text
    assert text.startswith("Funding fell.")
    assert "That risk has crystallised and we are now dealing with it as an issue." in text
    assert "no corporate risks were closed" in ended_paras(risks, Quarter(2025, 4))[0].text


def test_paragraph_numbers_leave_no_gap_when_a_part_is_omitted():
    period = make_period("2025/26 Q3")
    paper = Paper.start(period)
    paper.plan_introduction = "One\nTwo"
    paper.themes = "Theme"
    sections = compose(paper)["sections"]
    plan = sections[2]
    # No resourcing bullet list: the theme follows 3.3 directly.
    assert [p.number for p in plan.paras] == ["3.1", "3.2", "3.3", "3.4", "3.5"]
    assert plan.paras[3].text == "Theme"
    assert plan.paras[4].title == "Improving Risks"
    assert plan.paras[4].text == "No commitments improved from Red this quarter."
