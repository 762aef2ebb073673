"""Hostile and broken workbooks: each is a problem on its cell or a clear refusal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commitments.importers import import_plan
from commitments.models import Commitment, QuarterlyStatus
from registers.importers import import_risks
from registers.models import Risk
from riskreg.shared.workbooks import WorkbookRefused
from tests.factories import make_period, make_person
from tests.xlsx import (
    PLAN_HEADER,
    STATUS_HEADER,
    plan,
    read_part,
    replace_part,
    rows_xml,
    shared_strings_xml,
    workbook,
)

pytestmark = pytest.mark.django_db

COMMITMENT = ["1", "Partnerships", "Work with partners", "Sam Lead"]


def upload(client, data: bytes, url: str = "/commitments/import/"):
    return client.post(url, {"workbook": SimpleUploadedFile("plan.xlsx", data)})


def test_a_word_in_a_number_cell_is_a_problem_on_its_cell_and_nothing_is_written(login):
    data = plan([['<c r="A2"><v>abc</v></c>', *COMMITMENT[1:]]])
    result = import_plan(data)
    assert result.problems == [
        "Sheet 'Commitments', row 2, column 'Ref': 'abc' is marked as a number but is not one"
    ]
    response = upload(login("Plan manager"), data)
    assert response.status_code == 200
    assert "&#x27;abc&#x27; is marked as a number but is not one" in response.content.decode()
    assert Commitment.objects.count() == 0


def test_a_date_cell_with_a_bad_date_is_a_problem_on_its_cell():
    make_person(name="Owen Owner")
    header = ["Ref", "Title", "Owner", "Status", "Date Identified"]
    risk = ["R1", "A risk", "Owen Owner", "Open", '<c r="E2" t="d"><v>2025-13-45</v></c>']
    result = import_risks(workbook({"Risks": rows_xml([header, risk])}))
    assert result.problems == [
        "Sheet 'Risks', row 2, column 'Date Identified': '2025-13-45' is not a date"
    ]
    assert Risk.objects.count() == 0


def test_a_number_in_a_date_formatted_cell_is_read_as_that_date():
    make_person(name="Owen Owner")
    header = ["Ref", "Title", "Owner", "Status", "Date Identified"]
    risk = ["R1", "A risk", "Owen Owner", "Open", '<c r="E2" s="1"><v>45748</v></c>']
    result = import_risks(workbook({"Risks": rows_xml([header, risk])}))
    assert result.ok, result.problems
    assert str(Risk.objects.get().date_identified) == "2025-04-01"


def test_a_shared_string_that_does_not_exist_is_a_problem_on_its_cell():
    data = plan(
        [[*COMMITMENT[:2], '<c r="C2" t="s"><v>7</v></c>', COMMITMENT[3]]],
        shared_strings=shared_strings_xml(["only one"]),
    )
    assert import_plan(data).problems == [
        "Sheet 'Commitments', row 2, column 'Individual Commitment': "
        "shared string 7 does not exist in this workbook"
    ]


def test_every_kind_of_unreadable_cell_is_named_in_one_import():
    cells = [
        '<c r="A2" t="s"><v>-1</v></c>',
        '<c r="B2" t="b"><v>maybe</v></c>',
        '<c r="C2" t="e"><v>#N/A</v></c>',
        '<c r="D2" t="zz"><v>1</v></c>',
    ]
    problems = import_plan(plan([cells], shared_strings=shared_strings_xml([]))).problems
    assert problems == [
        "Sheet 'Commitments', row 2, column 'Ref': shared string -1 does not exist in this "
        "workbook",
        "Sheet 'Commitments', row 2, column 'Policy Area': 'maybe' is marked as true or false "
        "but is neither",
        "Sheet 'Commitments', row 2, column 'Individual Commitment': the cell holds the error "
        "#N/A: type the value instead",
        "Sheet 'Commitments', row 2, column 'SMT Lead': the cell's type 'zz' is not one a "
        "workbook may use",
    ]


def test_a_sheet_cut_off_inside_an_intact_zip_is_refused_and_nothing_written(login):
    good = plan([COMMITMENT, ["2", "Partnerships", "Another", "Sam Lead"]])
    xml = read_part(good, "xl/worksheets/sheet1.xml")
    cut = replace_part(good, "xl/worksheets/sheet1.xml", xml[: xml.index('<row r="3">') + 20])
    result = import_plan(cut)
    assert len(result.problems) == 1
    assert result.problems[0].startswith(
        "Sheet 'Commitments' is damaged after row 2, so it was not read:"
    )
    page = upload(login("Plan manager"), cut)
    assert page.status_code == 200
    assert "Sheet &#x27;Commitments&#x27; is damaged after row 2" in page.content.decode()
    assert Commitment.objects.count() == 0


def test_rows_past_a_sheets_declared_size_are_read():
    make_period("2025/26 Q3")
    commitments = [[str(n), "Partnerships", f"Commitment {n}", "Sam Lead"] for n in range(1, 41)]
    statuses = [[str(n), "2025/26 Q3", "Red", "", ""] for n in range(1, 41)]
    data = workbook(
        {
            "Commitments": rows_xml([PLAN_HEADER, *commitments], dimension="A1:D2"),
            "Quarterly Status": rows_xml([STATUS_HEADER, *statuses], dimension="A1:E2"),
        }
    )
    result = import_plan(data, dry_run=True)
    assert result.ok, result.problems
    assert result.created == 80
    assert QuarterlyStatus.objects.count() == 0


def test_a_workbook_whose_xml_declares_a_doctype_is_refused_as_unsafe():
    sheet = rows_xml([PLAN_HEADER, COMMITMENT]).replace(
        "<worksheet", '<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet', 1
    )
    with pytest.raises(WorkbookRefused, match="refused as unsafe or damaged"):
        import_plan(workbook({"Commitments": sheet}))
