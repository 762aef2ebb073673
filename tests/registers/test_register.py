import datetime
import io
from importlib import import_module

import openpyxl
import pytest
from django.apps import apps as django_apps
from simple_history.utils import bulk_update_with_history

from commitments.models import Period
from registers.exporters import export_risks
from registers.importers import import_risks
from registers.models import Issue, Risk, RiskReview, band
from tests.factories import (
    make_area,
    make_commitment,
    make_period,
    make_review,
    make_risk,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_bands_are_low_medium_and_high():
    assert [band(s) for s in (1, 4, 5, 12, 15, 25)] == [
        "Low",
        "Low",
        "Medium",
        "Medium",
        "High",
        "High",
    ]


@pytest.fixture
def quarters():
    return [make_period(f"2025/26 Q{n}") for n in (1, 2, 3)]


def test_direction_of_travel_for_each_case(quarters):
    q1, q2, q3 = quarters
    new, up, down, same, gap = (make_risk() for _ in range(5))
    make_review(new, q3, 3, 3)
    make_review(up, q2, 3, 3), make_review(up, q3, 4, 3)
    make_review(down, q2, 3, 3), make_review(down, q3, 2, 3)
    make_review(same, q2, 3, 3), make_review(same, q3, 3, 3)
    make_review(gap, q1, 2, 2), make_review(gap, q3, 2, 3)  # no Q2 review: compare with Q1
    quarter = q3.quarter
    assert new.direction_in(quarter) == "New"
    assert up.direction_in(quarter) == "Increased"
    assert down.direction_in(quarter) == "Reduced"
    assert same.direction_in(quarter) == "No change"
    assert gap.direction_in(quarter) == "Increased"
    assert up.current_score == 12 and up.current_band == "Medium"


def test_the_register_shows_scores_bands_and_direction_in_words(login, quarters):
    risk = make_risk(title="Public trust diminishes", inherent_likelihood=4, inherent_impact=4)
    make_review(risk, quarters[1], 3, 4), make_review(risk, quarters[2], 4, 4)
    page = login("Viewer").get("/risks/").content.decode()
    assert "Public trust diminishes" in page
    assert "16 High" in page and "Increased" in page


@pytest.mark.parametrize("size", [5, 300])
def test_register_heat_map_and_risk_page_queries_do_not_grow(
    login, quarters, size, django_assert_num_queries
):
    for _ in range(size):
        risk = make_risk()
        for quarter in quarters:
            make_review(risk, quarter, 3, 4)
    client = login("Viewer")
    bounds = {
        "/risks/": 7,
        "/risks/heat-map/": 6,
        f"/risks/{risk.ref}/": 10,
        f"/risks/{risk.ref}/history/": 11,
        "/risks/data-quality/": 8,
    }
    for url, bound in bounds.items():
        with django_assert_num_queries(bound):
            assert client.get(url).status_code == 200


def test_the_heat_map_counts_current_scores_and_links_to_the_register(login, quarters):
    for _ in range(3):
        make_review(make_risk(status="Open"), quarters[2], 4, 5)
    page = login("Viewer").get("/risks/heat-map/").content.decode()
    assert "3 risks with likelihood Likely and impact Severe: score 20, High" in page
    assert 'href="/risks/?status=Open&amp;likelihood=4&amp;impact=5"' in page
    filtered = login("Viewer").get("/risks/?status=Open&likelihood=4&impact=5").content.decode()
    assert "3 risks." in filtered


def test_a_viewer_cannot_edit(login, quarters):
    risk = make_risk()
    client = login("Viewer")
    assert client.get(f"/risks/{risk.ref}/edit/").status_code == 403
    assert (
        client.post(f"/risks/{risk.ref}/review/", {"likelihood": 5, "impact": 5}).status_code == 403
    )
    assert client.post("/risks/new/", {"ref": "X"}).status_code == 403
    assert not RiskReview.objects.exists()


def risk_form(risk, **changes):
    data = {
        "ref": risk.ref,
        "title": risk.title,
        "owner": risk.owner_id,
        "treatment": "Treat",
        "status": risk.status,
        "lock_version": risk.lock_version,
    }
    data.update(changes)
    return data


def test_two_concurrent_edits_of_a_risk_cannot_overwrite_each_other(login):
    risk = make_risk(title="Original")
    client = login("Risk editor")
    first = risk_form(risk, title="First editor's title")
    second = risk_form(risk, title="Second editor's title")
    assert client.post(f"/risks/{risk.ref}/edit/", first).status_code == 302
    response = client.post(f"/risks/{risk.ref}/edit/", second)
    page = response.content.decode()
    assert f"was changed by {client.user.get_username()}" in page and "(risk)" in page
    risk.refresh_from_db()
    assert risk.title == "First editor's title"


def history_text(page: str) -> str:
    """The change history as a screen reader reads it: text only, spaces collapsed."""
    from django.utils.html import strip_tags

    return " ".join(strip_tags(page[page.index("<h1") :]).split())


def test_a_long_change_history_shows_fifty_changes_a_page_newest_first(login):
    risk = make_risk(title="Title 0")
    for number in range(1, 60):
        risk.title = f"Title {number}"
        risk.save()
    client = login("Viewer")
    first = client.get(f"/risks/{risk.ref}/history/").content.decode()
    assert "Changes 1 to 50 of 60, newest first." in first and "Page 1 of 2" in first
    assert 'href="?page=2"' in first
    text = history_text(first)
    assert text.index("to Title 59") < text.index("from Title 9 → to Title 10")
    assert "Risk created" not in text and "to Title 9 " not in text
    second = history_text(client.get(f"/risks/{risk.ref}/history/?page=2").content.decode())
    assert "from Title 8 → to Title 9" in second and "Risk created Ref" in second
    # A page number past the end shows the last page rather than an error.
    assert "Risk created" in client.get(f"/risks/{risk.ref}/history/?page=99").content.decode()


def test_the_history_shows_dates_and_times_as_people_write_them(login, quarters):
    risk = make_risk(date_identified=datetime.date(2025, 4, 1))
    client = login("Risk editor", first_name="Rhea", last_name="Officer")
    client.post(
        f"/risks/{risk.ref}/review/",
        {"likelihood": 4, "impact": 3, "commentary": "", "lock_version": 0},
    )
    history = history_text(client.get(f"/risks/{risk.ref}/history/").content.decode())
    assert "Risk created Ref: " in history and "Date identified: 1 Apr 2025" in history
    assert "Reviewed at: " in history and "+00:00" not in history
    assert "Reviewed by: Rhea Officer" in history


def test_the_history_shows_one_row_a_save_with_each_field_from_old_to_new(login, quarters):
    risk = make_risk(title="Old title", inherent_likelihood=3, inherent_impact=2)
    client = login("Risk editor")
    form = client.get(f"/risks/{risk.ref}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(title="New title", inherent_likelihood=4, lock_version=risk.lock_version)
    data["policy_areas"], data["commitments"] = [], []
    assert client.post(f"/risks/{risk.ref}/edit/", data).status_code == 302
    page = client.get(f"/risks/{risk.ref}/history/").content.decode()
    assert page.count("<tr>", page.index("<h1")) == 1 + 2  # header, edit, creation
    history = history_text(page)
    assert (
        "Risk Risk: from Old title → to New title "
        "Inherent likelihood: from Possible → to Likely" in history
    )


def test_the_history_shows_a_deleted_control_and_leaves_out_changes_no_one_can_see(login, quarters):
    risk = make_risk()
    control = risk.controls.create(description="Quarterly review at the SMT meeting")
    at = datetime.datetime(2026, 1, 5, 10, 30, tzinfo=datetime.UTC)
    review = make_review(risk, quarters[2], 3, 3, reviewed_at=at)
    review.reviewed_at = at + datetime.timedelta(seconds=20)
    review.save()  # the same minute, so the same on screen
    control.delete()
    history = history_text(login("Viewer").get(f"/risks/{risk.ref}/history/").content.decode())
    assert history.startswith("Change history") and "Control deleted" in history
    assert history.count("2025/26 Q3 review") == 1  # created; the later save changed nothing seen


def test_an_officer_reviews_a_risk_and_the_history_shows_it(login, quarters):
    risk = make_risk()
    make_review(risk, quarters[1], 2, 3)
    client = login("Risk editor")
    response = client.post(
        f"/risks/{risk.ref}/review/",
        {
            "likelihood": 4,
            "impact": 3,
            "commentary": "Worse",
            "lock_version": 0,
        },
    )
    assert response.status_code == 302
    review = RiskReview.objects.get(risk=risk, period=quarters[2])
    assert review.score == 12 and review.reviewed_by == client.user
    page = client.get(f"/risks/{risk.ref}/").content.decode()
    assert "Increased" in page
    assert "2025/26 Q3 review created" in client.get(f"/risks/{risk.ref}/history/").content.decode()


def test_reviews_in_a_locked_period_cannot_change(login, quarters):
    risk = make_risk()
    for period in quarters:
        period.state = Period.State.LOCKED
        period.save()
    client = login("Risk editor")
    response = client.post(
        f"/risks/{risk.ref}/review/", {"likelihood": 4, "impact": 3, "lock_version": 0}
    )
    assert response.status_code == 302
    assert not RiskReview.objects.exists()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="is locked"):
        RiskReview(risk=risk, period=quarters[2], likelihood=4, impact=3).save()


def test_crystallising_creates_exactly_one_issue(login):
    risk = make_risk()
    client = login("Risk editor")
    data = {
        "outcome": "Crystallised",
        "date_closed": "2025-12-18",
        "closing_note": "It happened",
        "lock_version": risk.lock_version,
        "confirmed": "1",
    }
    assert client.post(f"/risks/{risk.ref}/end/", data).status_code == 302
    client.post(f"/risks/{risk.ref}/end/", data)
    risk.refresh_from_db()
    assert risk.status == "Crystallised"
    assert Issue.objects.filter(risk=risk).count() == 1
    assert Issue.objects.get().description == "It happened"


def test_closing_a_risk_needs_a_note(login):
    risk = make_risk()
    client = login("Risk editor")
    response = client.post(
        f"/risks/{risk.ref}/end/", {"outcome": "Closed", "date_closed": "2025-12-18"}
    )
    assert response.status_code == 200
    risk.refresh_from_db()
    assert risk.status == "Open"


def test_a_proposed_risk_is_accepted_into_the_register(login):
    risk = make_risk(status="Proposed")
    login("Risk editor").post(f"/risks/{risk.ref}/accept/", {"lock_version": risk.lock_version})
    risk.refresh_from_db()
    assert risk.status == "Open"


def test_the_data_quality_panel_lists_what_needs_attention(login, quarters):
    stale = make_risk(title="Never reviewed this quarter", target_likelihood=1, target_impact=2)
    make_review(stale, quarters[0], 4, 4), make_review(stale, quarters[1], 4, 4)
    stale.actions.create(description="Chase it", target_date=datetime.date(2020, 1, 1))
    page = login("Viewer").get("/risks/data-quality/").content.decode()
    assert page.count("Never reviewed this quarter") == 2  # unreviewed, above target
    assert "Chase it" in page


def risk_workbook(risks: list[list], reviews: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Risks"
    sheet.append(["Ref", "Title", "Owner", "Status", "Date Closed", "Inherent Likelihood"])
    for row in risks:
        sheet.append(row)
    review = book.create_sheet("Risk Reviews")
    review.append(["Ref", "Quarter", "Likelihood", "Impact", "Commentary"])
    for row in reviews:
        review.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_bad_risk_workbook_changes_nothing_and_names_every_bad_cell():
    data = risk_workbook(
        [["R1", "Trust falls", "Jane", "Open", None, 9], ["R2", "Ends", "Jane", "Closed", None, 2]],
        [["R1", "2025/26 Q3", 6, 3, None], ["R9", "2025/26 Q3", 3, 3, None]],
    )
    result = import_risks(data)
    assert result.problems == [
        "Sheet 'Risks', row 2, column 'Inherent Likelihood': '9' is not a score from 1 to 5",
        "Sheet 'Risks', row 3, column 'Date Closed': required when the status is Closed",
        "Sheet 'Risk Reviews', row 2, column 'Likelihood': '6' is not a score from 1 to 5",
        "Sheet 'Risk Reviews', row 3, column 'Ref': 'R9' is not a risk",
    ]
    assert not Risk.objects.exists()


def test_risk_export_then_import_round_trips_and_writes_no_history():
    data = risk_workbook(
        [["R1", "Trust falls", "Jane", "Open", None, 4]],
        [["R1", "2025/26 Q2", 3, 3, "Steady"], ["R1", "2025/26 Q3", 4, 3, "Worse"]],
    )
    make_period("2025/26 Q2"), make_period("2025/26 Q3")
    assert import_risks(data, add_people=True).ok
    history = Risk.history.count() + RiskReview.history.count()
    result = import_risks(export_risks())
    assert result.ok and (result.created, result.changed) == (0, 0)
    assert Risk.history.count() + RiskReview.history.count() == history
    assert Risk.objects.get().current_score == 12


def test_an_imported_change_keeps_the_risks_links_in_its_history(login):
    make_period("2025/26 Q3")
    user = make_user("Risk editor", username="importer")
    assert import_risks(
        risk_workbook([["R1", "Trust falls", "Jane", "Open", None, 4]], []),
        user=user,
        add_people=True,
    ).ok
    risk = Risk.objects.get()
    area, commitment = make_area("Safer streets"), make_commitment(ref="60")
    risk.policy_areas.add(area)
    risk.commitments.add(commitment)
    workbook = risk_workbook([["R1", "Trust falls fast", "Jane", "Open", None, 4]], [])
    assert import_risks(workbook, user=user).changed == 1
    imported = risk.history.first()
    assert (imported.history_type, imported.history_user, imported.title) == (
        "~",
        user,
        "Trust falls fast",
    )
    assert [link.policyarea for link in imported.policy_areas.all()] == [area]
    assert [link.commitment for link in imported.commitments.all()] == [commitment]
    assert imported.history_change_reason == "From a workbook import"
    # Found by its own date, as Django stores it (SQLite keeps dates as text).
    assert Risk.history.filter(history_date=imported.history_date).get() == imported
    page = login("Viewer").get(f"/risks/{risk.ref}/history/").content.decode()
    imported_save = history_text(page).split(" importer Risk ")[1].split(" system ")[0]
    assert imported_save.startswith(
        "From a workbook import Risk: from Trust falls → to Trust falls fast"
    )
    assert "Policy areas" not in imported_save and "Commitments" not in imported_save


def test_an_earlier_releases_import_rows_get_the_risks_links(login):
    migration = import_module("registers.migrations.0006_imports_keep_links")
    risk = make_risk(title="Trust falls")
    area, other = make_area("Safer streets"), make_risk(title="Unlinked")
    risk.policy_areas.add(area)
    risk.title = other.title = "Changed by an import"
    bulk_update_with_history([risk, other], Risk, ["title"])  # how imports wrote history
    old = risk.history.first()
    assert not old.policy_areas.exists()
    risk.policy_areas.clear()  # a change of links alone: its row keeps none
    migration.give_links(django_apps, None)
    assert [link.policyarea for link in old.policy_areas.all()] == [area]
    assert not risk.history.first().policy_areas.exists()
    assert not other.history.first().policy_areas.exists()
    page = history_text(login("Viewer").get(f"/risks/{risk.ref}/history/").content.decode())
    assert page.count("Policy areas:") == 2  # added, then cleared; no false removal between


def test_a_risks_history_names_a_linked_commitment_deleted_since(login):
    risk, commitment = make_risk(), make_commitment(ref="60")
    risk.commitments.add(commitment)
    commitment.delete()
    page = history_text(login("Viewer").get(f"/risks/{risk.ref}/history/").content.decode())
    assert "Commitments: from — → to a deleted commitment" in page and "None" not in page


def test_two_reviewers_from_the_same_version_cannot_overwrite_each_other(login, quarters):
    risk = make_risk()
    client = login("Risk editor")
    first = {"likelihood": 4, "impact": 3, "commentary": "first", "lock_version": 0}
    second = {"likelihood": 2, "impact": 2, "commentary": "second", "lock_version": 0}
    assert client.post(f"/risks/{risk.ref}/review/", first).status_code == 302
    response = client.post(f"/risks/{risk.ref}/review/", second)
    assert f"was changed by {client.user.get_username()}" in response.content.decode()
    review = RiskReview.objects.get(risk=risk, period=quarters[2])
    assert (review.likelihood, review.commentary) == (4, "first")
    assert review.history.count() == 1


def test_the_register_shows_open_risks_by_default_and_filters_by_band_and_sorts(login, quarters):
    low = make_risk(title="A low risk", category="People")
    high = make_risk(title="A high risk", category="Financial")
    make_risk(title="A closed risk", status="Closed", date_closed=datetime.date(2025, 5, 1))
    make_review(low, quarters[2], 1, 2), make_review(high, quarters[2], 5, 5)
    client = login("Viewer")
    page = client.get("/risks/").content.decode()
    assert "A low risk" in page and "A high risk" in page and "A closed risk" not in page
    high_only = client.get("/risks/", {"status": "Open", "band": "High"}).content.decode()
    assert "A high risk" in high_only and "A low risk" not in high_only
    people = client.get("/risks/", {"status": "Open", "category": "People"}).content.decode()
    assert "A low risk" in people and "A high risk" not in people
    ordered = client.get("/risks/", {"status": "Open", "sort": "-score"}).content.decode()
    assert ordered.index("A high risk") < ordered.index("A low risk")
    closed = client.get("/risks/", {"status": "Closed"}).content.decode()
    assert "A closed risk" in closed


def test_a_register_link_without_a_status_lists_open_risks_and_sorts_the_unscored_last(
    login, quarters
):
    scored = make_risk(title="A scored risk")
    make_review(scored, quarters[2], 2, 2)
    make_risk(title="A risk never scored")
    make_risk(title="A proposed risk", status="Proposed")
    make_risk(title="A closed risk", status="Closed", date_closed=datetime.date(2025, 5, 1))
    client = login("Viewer")
    for sort in ("score", "-score"):
        page = client.get("/risks/", {"sort": sort}).content.decode()
        assert "A closed risk" not in page and "A proposed risk" not in page
        assert page.index("A scored risk") < page.index("A risk never scored"), sort
        assert '<option value="Open" selected>' in page
    every = client.get("/risks/", {"status": "", "band": "Purple"}).content.decode()
    assert "A closed risk" in every and "Select a valid choice" in every
    wrong = client.get("/risks/", {"status": "Gone"}).content.decode()
    assert "A closed risk" not in wrong and "A scored risk" in wrong
    missing = client.get("/risks/", {"status": "", "review": "missing"}).content.decode()
    assert "A risk never scored" in missing and "A proposed risk" not in missing


def test_a_risk_editor_resolves_the_issue_a_risk_crystallised_into(login):
    risk = make_risk(ref="VRP")
    client = login("Risk editor")
    client.post(
        f"/risks/{risk.ref}/end/",
        {
            "outcome": "Crystallised",
            "date_closed": "2025-12-18",
            "closing_note": "Funding cut",
            "lock_version": risk.lock_version,
            "confirmed": "1",
        },
    )
    assert "Funding cut" in client.get("/risks/issues/").content.decode()
    issue = Issue.objects.get(risk=risk)
    response = client.post(
        f"/risks/{risk.ref}/issue/",
        {
            "owner": issue.owner_id,
            "description": issue.description,
            "status": "Resolved",
            "resolution": "New funding agreed",
            "lock_version": issue.lock_version,
        },
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.status, issue.resolution) == ("Resolved", "New funding agreed")
    assert issue.history.first().history_user == client.user
    assert login("Viewer").post(f"/risks/{risk.ref}/issue/", {"status": "Open"}).status_code == 403
