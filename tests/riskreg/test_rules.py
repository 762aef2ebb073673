"""Each rule of issue 12 from every door: the browser's forms, the admin and its history
pages, imports, commands and services. Two-people-at-once tests are in test_races.py."""

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from commitments.importers import import_plan
from commitments.models import Commitment, Period, QuarterlyStatus
from registers.importers import import_risks
from registers.models import Action, Control, Risk, RiskReview
from reports.models import Paper
from reports.services import paper_publish
from riskreg.shared.records import StaleEdit
from tests.commitments.test_plan import plan_workbook
from tests.factories import (
    lock,
    make_commitment,
    make_period,
    make_published_paper,
    make_review,
    make_risk,
    make_status,
    make_user,
)
from tests.registers.test_register import risk_workbook

pytestmark = pytest.mark.django_db


def superuser_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x" * 20))
    return client


def view_only_staff_client() -> Client:
    user = make_user(username="auditor", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client = Client()
    client.force_login(user)
    return client


def history_url(obj, record) -> str:
    meta = obj._meta
    return f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/history/{record.history_id}/"


def published_paper(user) -> Paper:
    period = make_period()
    make_status(make_commitment(), period, "red")
    return make_published_paper(user, period)


# 1. The admin's history pages show, never revert.


@pytest.mark.parametrize("client_for", [superuser_client, view_only_staff_client])
def test_a_history_page_cannot_unpublish_a_paper(client_for):
    client = client_for()
    paper = published_paper(make_user())
    draft = paper.history.earliest("history_date")  # the draft it was before publishing
    assert client.get(history_url(paper, draft)).status_code == 200  # it can be read
    response = client.post(history_url(paper, draft), {"status": "Draft", "lock_version": 1})
    assert response.status_code == 403
    paper.refresh_from_db()
    assert paper.is_published and paper.pdf and paper.sha256


@pytest.mark.parametrize("client_for", [superuser_client, view_only_staff_client])
def test_a_history_page_cannot_reopen_a_period_or_rescore_a_locked_review(client_for):
    client = client_for()
    period = make_period()
    review = make_review(make_risk(), period, 2, 2)
    review.likelihood = 4
    review.save()
    lock(period)
    opened = period.history.earliest("history_date")
    assert client.post(history_url(period, opened), {"state": "open"}).status_code == 403
    period.refresh_from_db()
    assert period.is_locked
    first = review.history.earliest("history_date")
    data = {"likelihood": 2, "impact": 2, "lock_version": review.lock_version}
    assert client.post(history_url(review, first), data).status_code == 403
    review.refresh_from_db()
    assert review.likelihood == 4


def test_every_tracked_model_in_the_admin_refuses_a_revert():
    from django.contrib import admin

    from riskreg.shared.admin import HistoryAdmin

    tracked = [
        model for model in admin.site._registry if hasattr(model, "history") and model is not User
    ]
    assert len(tracked) >= 8
    for model in tracked:
        assert isinstance(admin.site._registry[model], HistoryAdmin), model


# 2-3. A published paper never changes; publishing locks first.


def test_a_published_paper_refuses_every_save_and_delete():
    paper = published_paper(make_user())
    paper.themes = "Rewritten after publishing"
    with pytest.raises(ValidationError, match="is published and never changes"):
        paper.save()
    with pytest.raises(ValidationError, match="is published and never changes"):
        Paper.objects.filter(pk=paper.pk).delete()
    assert Paper.objects.get(pk=paper.pk).themes == ""


def test_the_admin_cannot_change_or_delete_a_published_paper():
    client = superuser_client()
    paper = published_paper(make_user())
    url = f"/admin/reports/paper/{paper.pk}/"
    response = client.post(f"{url}change/", {"themes": "x", "lock_version": paper.lock_version})
    assert response.status_code == 403
    assert client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    changelist = client.post(
        "/admin/reports/paper/",
        {"action": "delete_selected", "_selected_action": [paper.pk], "post": "yes"},
    )
    assert changelist.status_code == 403
    assert Paper.objects.filter(pk=paper.pk, status="Published").exists()


def test_the_paper_form_of_a_paper_published_meanwhile_is_refused(login):
    client = login("Report author")
    period = make_period()
    paper = Paper.start(period, meeting_date=datetime.date(2026, 3, 26))
    paper.save()
    form = {"meeting_date": "2026-03-26", "themes": "Late edit", "lock_version": 1}
    paper_publish(paper=paper, user=client.user, seen_version=1)
    response = client.post(f"/papers/{paper.pk}/", form)
    assert response.status_code == 403  # the published page, with "Start version 2"
    paper.refresh_from_db()
    assert paper.is_published and paper.themes == ""


def test_a_paper_saved_after_the_publish_page_was_loaded_is_not_published_unseen(login):
    client = login("Report author")
    paper = Paper.start(make_period(), meeting_date=datetime.date(2026, 3, 26))
    paper.save()
    seen = paper.lock_version
    paper.themes = "Changed by a colleague"
    paper.save()
    page = client.post(f"/papers/{paper.pk}/publish/", {"lock_version": seen}, follow=True)
    assert "was changed by" in page.content.decode()
    paper.refresh_from_db()
    assert not paper.is_published and not paper.period.is_locked


# 4. A locked period refuses changes to its statuses and reviews, from every door.


@pytest.fixture
def locked():
    period = make_period("2025/26 Q2")
    risk = make_risk()
    review = make_review(risk, period, 3, 3)
    status = make_status(make_commitment(ref="60"), period, "green")
    lock(period)
    return {"period": period, "risk": risk, "review": review, "status": status}


def test_a_locked_period_refuses_model_saves_and_deletes(locked):
    review, status = locked["review"], locked["status"]
    for change in (
        lambda: RiskReview(
            risk=make_risk(), period=locked["period"], likelihood=1, impact=1
        ).save(),
        lambda: setattr(review, "likelihood", 5) or review.save(),
        review.delete,
        lambda: RiskReview.objects.filter(pk=review.pk).delete(),
        lambda: setattr(status, "rag", "red") or status.save(),
        status.delete,
        lambda: QuarterlyStatus.objects.all().delete(),
        lambda: Commitment.objects.all().delete(),  # would cascade to the locked status
    ):
        with pytest.raises(ValidationError, match="is locked"):
            change()
    assert RiskReview.objects.get().likelihood == 3 and QuarterlyStatus.objects.get().rag == "green"


def test_a_locked_period_refuses_admin_add_change_and_delete_of_reviews(locked):
    client = superuser_client()
    review = locked["review"]
    add = client.post(
        "/admin/registers/riskreview/add/",
        {
            "risk": make_risk(date_identified=datetime.date(2026, 1, 1)).pk,  # after Q2
            "period": locked["period"].pk,
            "likelihood": 1,
            "impact": 1,
            "reviewed_at_0": "2026-01-01",
            "reviewed_at_1": "10:00",
            "lock_version": 0,
        },
        follow=True,
    )
    assert "is locked" in add.content.decode()
    url = f"/admin/registers/riskreview/{review.pk}/"
    assert client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    bulk = client.post(
        "/admin/registers/riskreview/",
        {"action": "delete_selected", "_selected_action": [review.pk], "post": "yes"},
    )
    assert bulk.status_code == 403
    assert RiskReview.objects.count() == 1


def test_a_locked_period_refuses_a_risk_import_and_a_command_import(locked, tmp_path):
    workbook = risk_workbook(
        [[locked["risk"].ref, "A risk", locked["risk"].owner.name, "Open"]],
        [[locked["risk"].ref, "2025/26 Q2", 5, 5, "Rescored"]],
    )
    result = import_risks(workbook)
    assert (
        "Sheet 'Risk Reviews', row 2, column 'Quarter': 2025/26 Q2 is locked"
        in (result.problems[0])
    )
    path = tmp_path / "risks.xlsx"
    path.write_bytes(workbook)
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_risks", str(path))
    assert RiskReview.objects.get().likelihood == 3


# 5. Periods are the plan manager's.


def test_a_risk_import_never_creates_a_period():
    make_period("2025/26 Q3")
    risk = make_risk(ref="R1")
    result = import_risks(
        risk_workbook(
            [["R1", "A risk", risk.owner.name, "Open"]],
            [["R1", "2097/98 Q4", 3, 3, ""], ["R1", "2001/02 Q1", 3, 3, ""]],
        )
    )
    assert not result.ok
    assert any(
        "row 2, column 'Quarter': there is no period 2097/98 Q4" in p for p in result.problems
    )
    assert any(
        "row 3, column 'Quarter': there is no period 2001/02 Q1" in p for p in result.problems
    )
    assert list(Period.objects.values_list("year", flat=True)) == [2025]
    assert str(Period.objects.current()) == "2025/26 Q3"


def test_only_a_plan_manager_opens_a_period(login):
    make_period("2025/26 Q3")
    for role in ("Risk editor", "SMT lead", "Report author", "Viewer"):
        assert login(role).post("/commitments/periods/add/", {}).status_code == 403
    assert Period.objects.count() == 1
    client = login("Plan manager")
    data = {"update_deadline": "2026-01-15", "quarter": "2025/26 Q4", "lock_version": 0}
    response = client.post("/commitments/periods/add/", data)
    assert response.status_code == 302
    period = Period.objects.last()
    assert str(period) == "2025/26 Q4" and period.update_deadline == datetime.date(2026, 1, 15)


# 6. One optimistic locking for every record: missing or stale is refused, nothing lost.


@pytest.mark.parametrize(
    "role, url, data",
    [
        ("Risk editor", "/risks/R1/edit/", {"ref": "R1", "title": "x", "treatment": "Treat"}),
        ("Risk editor", "/risks/R1/review/", {"likelihood": 4, "impact": 4}),
        ("Risk editor", "/risks/R1/controls/add/", {"description": "A control"}),
        ("Risk editor", "/risks/R1/actions/add/", {"description": "An action"}),
        ("Plan manager", "/commitments/60/status/2025/Q3/", {"rag": "red"}),
        ("Plan manager", "/commitments/60/edit/", {"ref": "60", "text": "x"}),
    ],
)
def test_a_form_without_its_lock_version_is_refused_with_a_message(login, role, url, data):
    period = make_period("2025/26 Q3")
    risk = make_risk(ref="R1")
    commitment = make_commitment(ref="60")
    data = {**data, "owner": risk.owner_id}
    data.update(policy_area=commitment.policy_area_id, smt_lead=commitment.smt_lead_id)
    response = login(role).post(url, data)
    assert response.status_code == 200
    assert "This form is out of date: reload the page" in response.content.decode()
    assert not RiskReview.objects.exists() and not QuarterlyStatus.objects.exists()
    assert not Control.objects.exists() and not Action.objects.exists()
    assert Risk.objects.get().title == "Risk R1" and Commitment.objects.get().text != "x"
    assert period.is_locked is False


def test_ending_or_accepting_a_risk_without_its_lock_version_is_refused(login):
    risk = make_risk(status="Proposed")
    client = login("Risk editor")
    end = {"outcome": "Closed", "date_closed": "2025-12-18", "closing_note": "Done"}
    page = client.post(f"/risks/{risk.ref}/end/", {**end, "confirmed": "1"}).content.decode()
    assert "This form is out of date" in page
    client.post(f"/risks/{risk.ref}/accept/", {})
    risk.refresh_from_db()
    assert risk.status == "Proposed"


def test_a_stale_accept_and_a_stale_end_are_refused_naming_who_changed_the_risk(login):
    risk = make_risk(status="Proposed")
    seen = risk.lock_version
    editor = make_user("Risk editor", first_name="Rhea", last_name="Officer")
    risk.title = "Changed by Rhea"
    risk._history_user = editor
    risk.save()
    client = login("Risk editor")
    page = client.post(f"/risks/{risk.ref}/accept/", {"lock_version": seen}, follow=True)
    assert "was changed by Rhea Officer" in page.content.decode()
    end = {"outcome": "Closed", "date_closed": "2025-12-18", "closing_note": "x", "confirmed": "1"}
    page = client.post(f"/risks/{risk.ref}/end/", {**end, "lock_version": seen})
    assert (
        "was changed by Rhea Officer" in page.content.decode() and "(risk)" in page.content.decode()
    )
    risk.refresh_from_db()
    assert risk.status == "Proposed"


def test_a_stale_save_names_who_changed_what_and_keeps_their_change():
    status = make_status(make_commitment(ref="60"), make_period(), "green")
    seen = status.lock_version
    status.rag, status._history_user = "amber", make_user(first_name="Olu", last_name="Other")
    status.save()
    late = QuarterlyStatus.objects.get(pk=status.pk)
    late.rag, late.lock_version = "red", seen
    with pytest.raises(StaleEdit) as refused:
        late.save()
    message = refused.value.messages[0]
    assert "Quarterly status of commitment 60 for 2025/26 Q3 was changed by Olu Other" in message
    assert "(RAG)" in message and "your changes were not saved" in message
    assert QuarterlyStatus.objects.get().rag == "amber"


# 7. History records links.


def test_the_history_shows_which_commitments_and_policy_areas_a_risk_threatens(login):
    risk = make_risk()
    sixty = make_commitment(ref="60", text="Youth services")
    client = login("Risk editor")
    data = {
        "ref": risk.ref,
        "title": risk.title,
        "owner": risk.owner_id,
        "treatment": "Treat",
        "status": "Open",
        "commitments": [sixty.pk],
        "lock_version": risk.lock_version,
    }
    assert client.post(f"/risks/{risk.ref}/edit/", data).status_code == 302
    page = client.get(f"/risks/{risk.ref}/history/").content.decode()
    assert "Commitments" in page and "60: Youth services" in page


# 8. An ended risk is kept as it was.


def test_an_ended_risk_takes_no_new_review_control_or_action_from_any_door(login):
    period = make_period()
    risk = make_risk(ref="R1")
    control = risk.controls.create(description="A control")
    risk.status, risk.date_closed = "Closed", datetime.date(2025, 12, 1)
    risk.save()
    with pytest.raises(ValidationError, match="is closed"):
        Control.objects.create(risk=risk, description="Another")
    with pytest.raises(ValidationError, match="is closed"):
        control.delete()
    client = login("Risk editor")
    assert client.get("/risks/R1/review/").status_code == 302
    data = {"description": "x", "status": "Not started", "lock_version": 0}
    page = client.post("/risks/R1/actions/add/", data, follow=True)
    assert "Risk R1 is closed" in page.content.decode()
    result = import_risks(risk_workbook([["R1", "A risk", risk.owner.name, "Closed"]], []))
    assert not result.ok  # no date closed in this workbook
    workbook = risk_workbook([], [["R1", str(period), 3, 3, ""]])
    assert "Risk R1 is closed" in " ".join(import_risks(workbook).problems)
    assert not RiskReview.objects.exists() and risk.controls.count() == 1


# What the attack of 26 November found.


def test_a_periods_quarter_never_changes_from_the_model_or_the_admin():
    period = lock(make_period("2025/26 Q3"))
    period.year = 2031
    with pytest.raises(ValidationError, match="a period's quarter never changes"):
        period.save()
    client = superuser_client()
    url = f"/admin/commitments/period/{period.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="year"' not in page and 'name="number"' not in page  # shown, not editable
    client.post(url, {"year": 2031, "number": 4, "state": "locked", "lock_version": 1})
    assert str(Period.objects.get(pk=period.pk)) == "2025/26 Q3"


def test_a_stale_or_impossible_period_in_the_admin_is_a_message_not_a_500():
    period = make_period("2025/26 Q3")
    period.save()  # lock_version 2: a form posting 1 is stale
    client = superuser_client()
    url = f"/admin/commitments/period/{period.pk}/change/"
    posted = {"state": "locked", "update_deadline": "2025-10-15", "lock_version": 1}
    stale = client.post(url, posted, follow=True)
    assert stale.status_code == 200 and "while you were editing it" in stale.content.decode()
    assert Period.objects.get(pk=period.pk).state == "open"
    add = client.post(
        "/admin/commitments/period/add/",
        {"year": 2099, "number": 1, "state": "open", "lock_version": 0},
        follow=True,
    )
    assert add.status_code == 200 and "2099 is not a year riskreg keeps" in add.content.decode()
    assert Period.objects.count() == 1


@pytest.mark.parametrize("version", ["abc", "1.5", "9" * 30, "-1", ""])
def test_a_posted_version_that_is_no_version_is_told_to_reload(login, version):
    period = make_period("2025/26 Q3")
    risk = make_risk(status="Proposed")
    paper = Paper.start(period, meeting_date=datetime.date(2026, 3, 26))
    paper.save()
    for role, url in [
        ("Plan manager", "/commitments/periods/2025/Q3/lock/"),
        ("Risk editor", f"/risks/{risk.ref}/accept/"),
        ("Report author", f"/papers/{paper.pk}/publish/"),
    ]:
        response = login(role).post(url, {"lock_version": version}, follow=True)
        assert response.status_code == 200, url
        assert "This form is out of date: reload the page" in response.content.decode(), url
    assert Period.objects.get().state == "open" and Risk.objects.get().status == "Proposed"
    assert not Paper.objects.get().is_published


def test_a_refused_ref_on_an_edit_form_redraws_the_page_with_the_stored_ref(login):
    commitment = make_commitment(ref="60")
    data = {
        "ref": "PT/1",
        "policy_area": commitment.policy_area_id,
        "text": "Changed",
        "smt_lead": commitment.smt_lead_id,
        "lock_version": commitment.lock_version,
    }
    response = login("Plan manager").post("/commitments/60/edit/", data)
    assert response.status_code == 200
    assert 'href="/commitments/60/"' in response.content.decode()
    assert Commitment.objects.get().ref == "60"
    risk = make_risk(ref="R1")
    data = {"ref": "PT/1", "title": "Changed", "category": risk.category, "owner": risk.owner_id}
    data.update(treatment=risk.treatment, status=risk.status, lock_version=risk.lock_version)
    response = login("Risk editor").post("/risks/R1/edit/", data)
    assert response.status_code == 200 and 'href="/risks/R1/"' in response.content.decode()
    assert Risk.objects.get().ref == "R1"


@pytest.mark.parametrize("value", ["99999999999999999999", "9223372036854775808", "x"])
def test_a_number_too_big_for_an_id_in_a_choice_of_many_is_refused_on_the_form(login, value):
    risk = make_risk(ref="R1")
    data = {
        "ref": "R1",
        "title": "Changed",
        "category": risk.category,
        "owner": risk.owner_id,
        "treatment": risk.treatment,
        "status": risk.status,
        "commitments": [value],
        "lock_version": risk.lock_version,
    }
    response = login("Risk editor").post("/risks/R1/edit/", data)
    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode()
    admin = superuser_client().post(f"/admin/registers/risk/{risk.pk}/change/", data)
    assert admin.status_code == 200
    assert Risk.objects.get().title == "Risk R1"


def test_a_plan_import_adds_past_periods_but_never_one_after_the_current():
    make_period("2025/26 Q2")
    commitments = [["1", "Partnerships", "Work with partners", "Sam Lead", None]]
    rows = [["1", "2026/27 Q1", "Red", "x", "No"], ["1", "2024/25 Q4", "Green", None, "No"]]
    result = import_plan(plan_workbook(commitments, rows), add_people=True)
    assert result.problems == [
        "Sheet 'Quarterly Status', row 2, column 'Quarter': 2026/27 Q1 is after the current "
        "period, 2025/26 Q2: open it from Periods, with its update deadline, then import its "
        "statuses."
    ]
    assert [str(p) for p in Period.objects.all()] == ["2025/26 Q2"]
    del rows[0]
    assert import_plan(plan_workbook(commitments, rows), add_people=True).ok
    assert [str(p) for p in Period.objects.all()] == ["2024/25 Q4", "2025/26 Q2"]


def test_a_new_period_after_the_current_is_the_next_quarter_from_every_door():
    make_period("2025/26 Q2")
    with pytest.raises(ValidationError, match="The next period to open is 2025/26 Q3"):
        Period(year=2026, number=1).save()
    add = superuser_client().post(
        "/admin/commitments/period/add/",
        {"year": 2026, "number": 1, "state": "open", "lock_version": 0},
        follow=True,
    )
    assert "The next period to open is 2025/26 Q3" in add.content.decode()
    assert [str(p) for p in Period.objects.all()] == ["2025/26 Q2"]
    Period(year=2025, number=3, update_deadline=datetime.date(2025, 10, 15)).save()
    Period(year=2024, number=1).save()  # history: any earlier quarter, its deadline long gone
    assert Period.objects.count() == 3


def test_a_locked_quarters_register_does_not_change_from_any_door(login):
    q1 = make_period("2025/26 Q1")
    make_period("2025/26 Q2")
    identified = datetime.date(2025, 4, 1)
    risk = make_risk(ref="R1", date_identified=identified)
    make_risk(ref="R3", status="Proposed", date_identified=identified)
    lock(q1)
    risk.status, risk.date_closed, risk.closing_note = "Closed", datetime.date(2025, 4, 2), "x"
    with pytest.raises(ValidationError, match="would take it out of the register at the end"):
        risk.save()
    end = {"outcome": "Closed", "date_closed": "2025-04-02", "closing_note": "Done"}
    end.update(lock_version=Risk.objects.get(ref="R1").lock_version, confirmed="1")
    page = login("Risk editor").post("/risks/R1/end/", end).content.decode()
    assert "this change would take it out of the register at the end of 2025/26 Q1" in page
    owner = Risk.objects.get(ref="R1").owner.name
    result = import_risks(risk_workbook([["R1", "Risk R1", owner, "Closed", "2025-04-02"]], []))
    assert result.problems == [
        "Sheet 'Risks', row 2, column 'Date Closed': Risk R1: this change would take it out of "
        "the register at the end of 2025/26 Q1, which is locked, and a locked quarter's "
        "register does not change. Check its status, date identified and date closed."
    ]
    # Back to proposed, or a new risk with no date identified, would move Q1's register too.
    risk = Risk.objects.get(ref="R1")
    risk.status = "Proposed"
    with pytest.raises(ValidationError, match="would take it out of the register"):
        risk.save()
    with pytest.raises(ValidationError, match="would put it in the register at the end of"):
        make_risk(ref="R2")
    today = timezone.localdate().isoformat()
    assert f'value="{today}"' in login("Risk editor").get("/risks/new/").content.decode()
    proposed = Risk.objects.get(ref="R3")
    with pytest.raises(ValidationError, match="would put it in the register"):
        proposed.accept(seen_version=proposed.lock_version)
    proposed.refresh_from_db()
    proposed.date_identified = datetime.date(2025, 8, 1)  # not in Q1's register either way
    proposed.save()
    proposed.accept(seen_version=proposed.lock_version)
    end["date_closed"] = "2025-07-02"  # in the open quarter: closed
    assert login("Risk editor").post("/risks/R1/end/", end).status_code == 302
    assert Risk.objects.get(ref="R1").status == "Closed"


def test_a_ref_is_the_same_whatever_its_case_from_every_door(login):
    risk = make_risk(ref="OPCC-R01")
    data = {"ref": "opcc-r01", "title": "Again", "category": risk.category}
    data.update(owner=risk.owner_id, treatment=risk.treatment, status="Open")
    page = login("Risk editor").post("/risks/new/", data).content.decode()
    assert "That ref is taken, perhaps written with other capitals" in page
    owner = risk.owner.name
    rows = [["opcc-r01", "Again", owner, "Open"], ["R2", "New", owner, "Open"]]
    rows.append(["r2", "Newer", owner, "Open"])
    assert import_risks(risk_workbook(rows, []), add_people=True).problems == [
        "Sheet 'Risks', row 2, column 'Ref': 'opcc-r01' is OPCC-R01 with other capitals: a ref "
        "is the same whatever its case, so write OPCC-R01",
        "Sheet 'Risks', row 4, column 'Ref': 'r2' is R2 with other capitals: a ref is the same "
        "whatever its case, so write R2",
    ]
    make_commitment(ref="12a")
    plan = plan_workbook([["12A", "Partnerships", "Work", "Sam Lead", None]], [])
    problems = import_plan(plan, add_people=True).problems
    assert problems == [
        "Sheet 'Commitments', row 2, column 'Ref': '12A' is 12a with other capitals: a ref is "
        "the same whatever its case, so write 12a"
    ]
    assert Risk.objects.count() == 1 and Commitment.objects.count() == 1


def test_a_deadline_is_given_to_the_next_period_and_never_cleared_from_any_door():
    q2 = make_period("2025/26 Q2")
    with pytest.raises(ValidationError, match="2025/26 Q3 opens with an update deadline"):
        Period(year=2025, number=3).save()
    client = superuser_client()
    add = client.post(
        "/admin/commitments/period/add/",
        {"year": 2025, "number": 3, "state": "open", "lock_version": 0},
        follow=True,
    )
    assert "2025/26 Q3 opens with an update deadline" in add.content.decode()
    client.post(
        f"/admin/commitments/period/{q2.pk}/change/",
        {"state": "open", "update_deadline": "", "lock_version": q2.lock_version},
    )
    assert Period.objects.get().update_deadline == q2.update_deadline


def test_only_the_latest_period_is_deleted_so_no_quarter_is_skipped():
    q2, q3 = make_period("2025/26 Q2"), make_period("2025/26 Q3")
    with pytest.raises(ValidationError, match="Only the latest period, 2025/26 Q3, can be"):
        q2.delete()
    page = superuser_client().post(
        f"/admin/commitments/period/{q2.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert page.status_code in (200, 403) and Period.objects.count() == 2
    q3.delete()
    assert [str(p) for p in Period.objects.all()] == ["2025/26 Q2"]
