import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commitments.exporters import export_plan
from commitments.importers import import_plan
from commitments.models import Commitment, Movement, Period, QuarterlyStatus, natural_key
from riskreg.shared.models import PendingUpload
from tests.factories import (
    lock,
    make_area,
    make_commitment,
    make_period,
    make_person,
    make_risk,
    make_status,
)

pytestmark = pytest.mark.django_db


def test_refs_sort_naturally():
    assert sorted(["243", "9", "60", "60a"], key=natural_key) == ["9", "60", "60a", "243"]


def test_commitments_list_shows_both_quarters_rag_in_words_and_the_movement(login):
    q2, q3 = make_period("2025/26 Q2"), make_period("2025/26 Q3")
    c = make_commitment(ref="60", text="Campaign for sustained funding")
    make_status(c, q2, "red")
    make_status(c, q3, "red")
    page = login("Viewer").get("/commitments/").content.decode()
    assert "Campaign for sustained funding" in page
    assert page.count('class="rag rag-red">Red<') == 2
    assert "Red for two quarters" in page


def test_commitments_list_filters_newly_red_and_improving(login):
    q2, q3 = make_period("2025/26 Q2"), make_period("2025/26 Q3")
    for ref, before, now in [("1", "green", "red"), ("2", "red", "amber"), ("3", "red", "red")]:
        c = make_commitment(ref=ref, text=f"Deliverable number {ref}")
        make_status(c, q2, before)
        make_status(c, q3, now)
    client = login("Viewer")
    newly = client.get("/commitments/", {"period": q3.pk, "movement": "newly_red"}).content.decode()
    assert "Deliverable number 1" in newly and "Deliverable number 2" not in newly
    assert "Deliverable number 3" not in newly
    improving = client.get("/commitments/", {"movement": "improving"}).content.decode()
    assert "Deliverable number 2" in improving and "Deliverable number 1" not in improving


def select_options(page: str, name: str) -> list[tuple[str, bool]]:
    """The options of the select called `name`: each label, and whether it is chosen."""
    select = page[page.index(f'<select name="{name}"') :]
    select = select[: select.index("</select>")]
    tags = [part.split("</option>")[0].split(">", 1) for part in select.split("<option")[1:]]
    return [(label, " selected" in attributes) for attributes, label in tags]


def options(page: str, name: str) -> list[str]:
    return [label for label, _ in select_options(page, name)]


def chosen(page: str, name: str) -> list[str]:
    return [label for label, selected in select_options(page, name) if selected]


MOVES = [  # last quarter's RAG, this quarter's, and the Movement column's words
    ("green", "red", "Newly red"),
    (None, "red", "Newly red"),
    ("red", "red", "Red for two quarters"),
    ("red", "not_started", "Improving"),
    ("red", "amber", "Improving"),
    ("amber", "green", "Improving"),
    ("green", "amber", "Worsening"),
    ("amber", "not_started", "Changed"),
    ("green", "green", "No change"),
    (None, "green", ""),
]


def test_each_movement_filter_lists_the_rows_whose_movement_column_says_it(login):
    q2, q3 = make_period("2025/26 Q2"), make_period("2025/26 Q3")
    for number, (before, now, _) in enumerate(MOVES, 1):
        commitment = make_commitment(ref=str(number), text=f"Deliverable {number}.")
        if before:
            make_status(commitment, q2, before)
        make_status(commitment, q3, now)
    client = login("Viewer")
    for value, words in Movement.choices:
        page = client.get("/commitments/", {"movement": value}).content.decode()
        listed = {n for n in range(1, len(MOVES) + 1) if f"Deliverable {n}." in page}
        assert listed == {n for n, move in enumerate(MOVES, 1) if move[2] == words}, words
        assert f"{len(listed)} commitment" in page


def test_the_lead_and_owner_filters_offer_only_people_who_lead_or_own_something(login):
    make_period()
    smt, officer, wmp = (make_person(name=n) for n in ("Sam SMT", "Olu Officer", "Wes WMP"))
    make_commitment(ref="1", smt_lead=smt, officer_lead=officer, wmp_lead=wmp)
    owner = make_person(name="Owen Owner")
    make_risk(owner=owner)
    make_person(name="Nina Nobody")
    client = login("Viewer")
    leads = options(client.get("/commitments/").content.decode(), "lead")
    assert leads == ["Any lead", "Olu Officer", "Sam SMT", "Wes WMP"]
    assert options(client.get("/risks/").content.decode(), "owner") == ["Any owner", "Owen Owner"]


def test_the_period_box_shows_the_period_listed_whatever_the_link_says(login):
    q1, q2, q3 = (make_period(f"2025/26 Q{n}") for n in (1, 2, 3))
    client = login("Viewer")
    # Page 2's link, and any link with no period, lists the current period: the box says so,
    # so the next Filter does not send the first option (an old, locked quarter).
    for url in ("/commitments/?page=2", "/commitments/?rag=red", "/commitments/dashboard/?x=1"):
        assert chosen(client.get(url).content.decode(), "period") == ["2025/26 Q3 (Open)"], url
    # A period written in other digits is the period it means, and is shown as chosen.
    eastern = str(q2.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    page = client.get("/commitments/", {"period": eastern}).content.decode()
    assert chosen(page, "period") == ["2025/26 Q2 (Open)"] and "Q1 and Q2 RAG" in page


def test_a_wrong_filter_is_shown_with_its_error_and_the_others_still_apply(login):
    q2 = make_period("2025/26 Q2")
    make_period("2025/26 Q3")  # the current period
    make_status(make_commitment(ref="1", text="Red in Q2"), q2, "red")
    make_status(make_commitment(ref="2", text="Green in Q2"), q2, "green")
    client = login("Viewer")
    page = client.get("/commitments/", {"period": q2.pk, "rag": "red", "per_page": "50"})
    page = page.content.decode()
    assert "Select a valid choice. 50 is not one of the available choices." in page
    assert chosen(page, "period") == ["2025/26 Q2 (Open)"] and chosen(page, "rag") == ["Red"]
    assert "Red in Q2" in page and "Green in Q2" not in page
    dashboard = client.get("/commitments/dashboard/", {"period": q2.pk, "rag": "purple"})
    assert chosen(dashboard.content.decode(), "period") == ["2025/26 Q2 (Open)"]


def make_plan(n: int, period, lead=None):
    for i in range(n):
        kw = {"smt_lead": lead} if lead else {}
        make_status(make_commitment(ref=str(1000 + i), **kw), period, "amber")


@pytest.mark.parametrize("size", [5, 300])
def test_commitments_list_runs_the_same_queries_for_5_and_300(
    login, size, django_assert_num_queries
):
    make_plan(size, make_period("2025/26 Q3"))
    client = login("Viewer")
    # Session, user, permissions (2), the periods (read once: the filter's choice, the
    # current and the previous one), the filter's policy areas and people, count and page.
    with django_assert_num_queries(9):
        assert client.get("/commitments/").status_code == 200
    with django_assert_num_queries(9):
        assert client.get("/commitments/dashboard/").status_code == 200
    with django_assert_num_queries(8):
        assert client.get("/commitments/1000/").status_code == 200
    with django_assert_num_queries(9):
        assert client.get("/commitments/1000/history/").status_code == 200


@pytest.mark.parametrize("size", [5, 300])
def test_the_grid_runs_the_same_queries_for_5_and_300(login, size, django_assert_num_queries):
    client = login("SMT lead")
    make_plan(size, make_period("2025/26 Q3"), lead=client.user.person)
    with django_assert_num_queries(12):
        assert client.get("/commitments/mine/").status_code == 200


def test_an_smt_lead_cannot_update_someone_elses_commitment(login):
    period = make_period()
    other = make_commitment(ref="77")
    client = login("SMT lead")
    url = f"/commitments/77/status/{period.year}/Q{period.number}/"
    assert client.get(url).status_code == 403
    response = client.post(url, {"rag": "red", "update": "x", "lock_version": 0})
    assert response.status_code == 403
    assert not QuarterlyStatus.objects.filter(commitment=other).exists()


def test_an_smt_lead_updates_their_own_commitment_with_history(login):
    period = make_period()
    client = login("SMT lead")
    make_commitment(ref="5", smt_lead=client.user.person)
    url = f"/commitments/5/status/{period.year}/Q{period.number}/"
    response = client.post(url, {"rag": "red", "update": "Behind plan", "lock_version": 0})
    assert response.status_code == 302
    status = QuarterlyStatus.objects.get(commitment__ref="5")
    assert (status.rag, status.update) == ("red", "Behind plan")
    assert status.history.get().history_user == client.user
    assert "Behind plan" in client.get("/commitments/5/").content.decode()
    assert "2025/26 Q3 status created" in client.get("/commitments/5/history/").content.decode()


def test_a_locked_period_refuses_changes(login):
    period = make_period()
    client = login("Plan manager")
    c = make_commitment(ref="8")
    make_status(c, period, "green")
    lock(period)
    url = f"/commitments/8/status/{period.year}/Q{period.number}/"
    client.post(url, {"rag": "red", "update": "", "lock_version": 1})
    assert QuarterlyStatus.objects.get(commitment=c).rag == "green"


def test_red_for_resourcing_needs_red(login):
    period = make_period()
    client = login("Plan manager")
    make_commitment(ref="9")
    url = f"/commitments/9/status/{period.year}/Q{period.number}/"
    response = client.post(url, {"rag": "green", "red_for_resourcing": "on", "lock_version": 0})
    assert "Red for resourcing is only for a commitment whose RAG is Red." in (
        response.content.decode()
    )
    assert not QuarterlyStatus.objects.exists()


def test_a_second_save_from_the_same_version_is_refused_and_the_first_kept(login):
    period = make_period()
    client = login("Plan manager")
    c = make_commitment(ref="11")
    make_status(c, period, "green")
    url = f"/commitments/11/status/{period.year}/Q{period.number}/"
    assert (
        client.post(url, {"rag": "amber", "update": "first", "lock_version": 1}).status_code == 302
    )
    response = client.post(url, {"rag": "red", "update": "second", "lock_version": 1})
    assert f"was changed by {client.user.get_username()}" in response.content.decode()
    status = QuarterlyStatus.objects.get(commitment=c)
    assert (status.rag, status.update) == ("amber", "first")
    assert status.history.count() == 2


def grid_data(client, commitments, changes: dict) -> dict:
    data = {}
    for c in commitments:
        status = c.statuses.first()
        row = {"rag": status.rag, "update": status.update, "lock_version": status.lock_version}
        row.update(changes.get(c.ref, {}))
        for key, value in row.items():
            data[f"c{c.pk}-{key}"] = value
    return data


def test_the_grid_saves_20_rows_in_one_submit_with_history_only_for_changed_ones(login):
    period = make_period()
    client = login("SMT lead")
    commitments = [make_commitment(ref=str(i), smt_lead=client.user.person) for i in range(1, 31)]
    for c in commitments:
        make_status(c, period, "green", update="on track")
    changes = {str(i): {"rag": "amber", "update": f"slipping {i}"} for i in range(1, 21)}
    response = client.post("/commitments/mine/", grid_data(client, commitments, changes))
    assert response.status_code == 302
    assert QuarterlyStatus.objects.filter(rag="amber").count() == 20
    assert QuarterlyStatus.history.filter(history_type="~").count() == 20
    assert QuarterlyStatus.objects.get(commitment__ref="25").rag == "green"


def test_the_grid_shows_an_error_on_its_row_and_saves_nothing(login):
    period = make_period()
    client = login("SMT lead")
    commitments = [make_commitment(ref=str(i), smt_lead=client.user.person) for i in (1, 2)]
    for c in commitments:
        make_status(c, period, "green")
    changes = {"1": {"rag": "amber"}, "2": {"rag": "green", "red_for_resourcing": "on"}}
    response = client.post("/commitments/mine/", grid_data(client, commitments, changes))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_c{commitments[1].pk}-rag">Commitment 2</a>' in page
    assert QuarterlyStatus.objects.filter(rag="amber").count() == 0


def test_the_dashboard_counts_red_against_the_previous_period(login):
    q2, q3 = make_period("2025/26 Q2"), make_period("2025/26 Q3")
    for i in range(4):
        c = make_commitment()
        make_status(c, q2, "red" if i < 1 else "green")
        make_status(c, q3, "red" if i < 3 else "green")
    page = login("Viewer").get("/commitments/dashboard/").content.decode()
    assert "3 of the 4 individual deliverables are Red in 2025/26 Q3, an increase from 1" in page
    assert "<svg" in page


def plan_workbook(commitments: list[list], statuses: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Commitments"
    sheet.append(["Ref", "Policy Area", "Individual Commitment", "SMT Lead", "Officer Lead"])
    for row in commitments:
        sheet.append(row)
    status = book.create_sheet("Quarterly Status")
    status.append(["Ref", "Quarter", "RAG", "Update", "Red For Resourcing"])
    for row in statuses:
        status.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = plan_workbook(
    [["1", "Partnerships", "Work with partners", "Sam Lead", "Olu Other"]],
    [["1", "2025/26 Q3", "Red", "Behind", "Yes"], ["1", "2025-26 Q2", "green", None, None]],
)


def test_a_bad_workbook_changes_nothing_and_reports_every_bad_cell():
    data = plan_workbook(
        [
            ["1", "Partnerships", "Work with partners", "Sam Lead", None],
            ["2", None, "x", "Sam", None],
        ],
        [["1", "2025/26 Q5", "Rd", None, "Yes"], ["3", "2025/26 Q3", "Red", None, None]],
    )
    result = import_plan(data)
    assert not result.ok
    assert (
        "Sheet 'Commitments', row 3, column 'Policy Area': a value is required" in result.problems
    )
    assert (
        "Sheet 'Quarterly Status', row 2, column 'Quarter': "
        "'2025/26 Q5' has no quarter Q5: use Q1 to Q4." in result.problems
    )
    assert (
        "Sheet 'Quarterly Status', row 2, column 'RAG': 'Rd' is not one of Red, Amber, Green, "
        "Complete, Not started" in result.problems
    )
    assert (
        "Sheet 'Quarterly Status', row 3, column 'Ref': '3' is not a commitment" in result.problems
    )
    assert Commitment.objects.count() == 0


def test_an_unknown_column_and_a_formula_are_refused():
    book = openpyxl.load_workbook(io.BytesIO(GOOD))
    book["Commitments"]["F1"] = "Colour"
    book["Quarterly Status"]["D2"] = "=1+1"
    out = io.BytesIO()
    book.save(out)
    result = import_plan(out.getvalue())
    assert any("column 'Colour': unknown column" in p for p in result.problems)
    assert any("row 2, column 'Update': a formula is not accepted" in p for p in result.problems)


def test_importing_the_same_workbook_twice_writes_no_new_history(django_user_model):
    user = django_user_model.objects.create(username="importer")
    first = import_plan(GOOD, user=user, add_people=True)
    assert first.ok and first.created == 3
    assert QuarterlyStatus.history.first().history_user == user
    count = QuarterlyStatus.history.count() + Commitment.history.count()
    second = import_plan(GOOD, user=user, add_people=True)
    assert (second.created, second.changed, second.unchanged) == (0, 0, 3)
    assert QuarterlyStatus.history.count() + Commitment.history.count() == count


def test_an_imports_history_rows_hold_every_stored_value_and_who_imported(django_user_model):
    user = django_user_model.objects.create(username="importer")
    import_plan(GOOD, user=user, add_people=True)
    for model in (Commitment, QuarterlyStatus):
        fields = [f.attname for f in model.history.model.tracked_fields]
        for obj in model.objects.all():
            row = obj.history.get()
            assert (row.history_type, row.history_user, row.history_change_reason) == (
                "+",
                user,
                "From a workbook import",
            )
            assert [getattr(row, f) for f in fields] == [getattr(obj, f) for f in fields]
            assert model.history.filter(history_date=row.history_date).count() >= 1
    periods = [period.history.get() for period in Period.objects.all()]  # made by the import
    assert {(p.history_user, p.history_change_reason) for p in periods} == {
        (user, "From a workbook import")
    }


def test_a_dry_run_writes_nothing():
    result = import_plan(GOOD, dry_run=True, add_people=True)
    assert result.ok and result.created == 3
    assert Commitment.objects.count() == 0


def test_export_then_import_round_trips():
    import_plan(GOOD, add_people=True)
    exported = export_plan()
    before = list(
        QuarterlyStatus.objects.values_list(
            "commitment__ref", "rag", "update", "red_for_resourcing"
        )
    )
    result = import_plan(exported)
    assert result.ok and result.changed == 0 and result.created == 0
    after = list(
        QuarterlyStatus.objects.values_list(
            "commitment__ref", "rag", "update", "red_for_resourcing"
        )
    )
    assert before == after


def test_an_import_into_a_locked_period_is_refused_whole():
    import_plan(GOOD, add_people=True)
    Period.objects.filter(number=3).update(state=Period.State.LOCKED)
    changed = plan_workbook(
        [["1", "Partnerships", "Work with partners, changed", "Sam Lead", "Olu Other"]],
        [["1", "2025/26 Q3", "Amber", "Better", "No"]],
    )
    result = import_plan(changed)
    assert "2025/26 Q3 is locked" in result.problems[0]
    assert Commitment.objects.get().text == "Work with partners"


def test_the_plan_manager_uploads_sees_a_dry_run_then_confirms(login):
    client = login("Plan manager")
    upload = SimpleUploadedFile("plan.xlsx", GOOD)
    page = client.post("/commitments/import/", {"workbook": upload, "add_people": "on"})
    page = page.content.decode()
    assert "3 would be created" in page
    assert Commitment.objects.count() == 0
    token = PendingUpload.objects.get().token
    response = client.post("/commitments/import/", {"confirm": "1", "upload": token})
    assert response.status_code == 302
    assert Commitment.objects.count() == 1


def test_a_file_that_is_not_a_workbook_is_refused_clearly(login):
    client = login("Plan manager")
    upload = SimpleUploadedFile("plan.xlsx", b"not a zip at all")
    page = client.post("/commitments/import/", {"workbook": upload}).content.decode()
    assert "The file is not an Excel workbook (.xlsx)." in page
    upload = SimpleUploadedFile("plan.csv", b"a,b")
    page = client.post("/commitments/import/", {"workbook": upload}).content.decode()
    assert "Only Excel workbooks (.xlsx) can be imported." in page


def test_an_smt_lead_cannot_import_the_plan(login):
    assert login("SMT lead").get("/commitments/import/").status_code == 403


def test_the_plan_manager_locks_a_period(login):
    period = make_period()
    client = login("Plan manager")
    page = client.get(f"/commitments/periods/{period.year}/Q3/lock/").content.decode()
    assert "0 of 0 commitments are updated for 2025/26 Q3" in page
    client.post(f"/commitments/periods/{period.year}/Q3/lock/", {"lock_version": 1})
    period.refresh_from_db()
    assert period.is_locked
    assert login("SMT lead").post(f"/commitments/periods/{period.year}/Q3/open/").status_code == 403


def test_an_empty_quarterly_status_sheet_imports_the_commitments_alone():
    result = import_plan(
        plan_workbook([["1", "Partnerships", "Work with partners", "Sam", None]], []),
        add_people=True,
    )
    assert result.ok and result.created == 1
    assert Commitment.objects.get().smt_lead.name == "Sam"


def test_a_changed_status_is_updated_with_one_history_row_attributed(django_user_model):
    user = django_user_model.objects.create(username="importer")
    import_plan(GOOD, user=user, add_people=True)
    changed = plan_workbook(
        [["1", "Partnerships", "Work with partners", "Sam Lead", "Olu Other"]],
        [
            ["1", "2025/26 Q3", "Amber", "Recovering", "No"],
            ["1", "2025/26 Q2", "Green", None, None],
        ],
    )
    result = import_plan(changed, user=user)
    assert (result.created, result.changed, result.unchanged) == (0, 1, 2)
    status = QuarterlyStatus.objects.get(period__number=3)
    assert (status.rag, status.update, status.lock_version) == ("amber", "Recovering", 2)
    latest = status.history.first()
    assert latest.history_type == "~" and latest.history_user == user
    assert Commitment.objects.get().ref_sort == natural_key("1")


def test_the_list_pages_by_25_and_can_show_all(login):
    make_plan(30, make_period("2025/26 Q3"))
    client = login("Viewer")
    first = client.get("/commitments/").content.decode()
    assert "Page 1 of 2" in first and "Commitment 1024" in first and "Commitment 1025" not in first
    everything = client.get("/commitments/", {"per_page": 1000}).content.decode()
    assert "Commitment 1029" in everything and "Page 1 of" not in everything


def test_the_period_select_shows_the_period_the_page_is_about(login):
    make_period("2025/26 Q2", state=Period.State.LOCKED)
    q3 = make_period("2025/26 Q3")
    for url in ("/commitments/", "/commitments/dashboard/"):
        page = login("Viewer").get(url).content.decode()
        assert f'<option value="{q3.pk}" selected>2025/26 Q3 (Open)</option>' in page, url


def test_commitments_filter_by_lead_and_policy_area(login):
    period = make_period()
    lead = make_person(name="Dana Director")
    area = make_area("VAWG")
    make_status(make_commitment(ref="1", text="Led by Dana", smt_lead=lead), period)
    make_status(make_commitment(ref="2", text="In VAWG", policy_area=area), period)
    make_status(make_commitment(ref="3", text="Neither of them"), period)
    client = login("Viewer")
    by_lead = client.get("/commitments/", {"lead": lead.pk}).content.decode()
    assert "Led by Dana" in by_lead and "Neither of them" not in by_lead
    assert f'<option value="{lead.pk}" selected>Dana Director</option>' in by_lead
    by_area = client.get("/commitments/", {"policy_area": area.pk}).content.decode()
    assert "In VAWG" in by_area and "Led by Dana" not in by_area
