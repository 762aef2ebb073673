"""Hostile and broken workbooks: each is a problem on its cell or a clear refusal."""

import io
import os
import subprocess
import sys
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commitments.importers import import_plan
from commitments.models import Commitment, QuarterlyStatus
from registers.importers import import_risks
from registers.models import Risk
from riskreg.shared import xlsx
from riskreg.shared.workbooks import WorkbookRefused
from tests.factories import make_period, make_person
from tests.xlsx import (
    MAIN,
    PLAN_HEADER,
    STATUS_HEADER,
    plan,
    read_part,
    replace_part,
    rows_xml,
    shared_strings_xml,
    sheet_xml,
    workbook,
    zipped,
)

pytestmark = pytest.mark.django_db

COMMITMENT = ["1", "Partnerships", "Work with partners", "Sam Lead"]


def upload(client, data: bytes, url: str = "/commitments/import/"):
    return client.post(url, {"workbook": SimpleUploadedFile("plan.xlsx", data)})


def test_a_word_in_a_number_cell_is_a_problem_on_its_cell_and_nothing_is_written(login):
    data = plan([['<c r="A2"><v>abc</v></c>', *COMMITMENT[1:]]])
    result = import_plan(data, add_people=True)
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
    result = import_risks(workbook({"Risks": rows_xml([header, risk])}), add_people=True)
    assert result.problems == [
        "Sheet 'Risks', row 2, column 'Date Identified': '2025-13-45' is not a date"
    ]
    assert Risk.objects.count() == 0


def test_a_number_in_a_date_formatted_cell_is_read_as_that_date():
    make_person(name="Owen Owner")
    header = ["Ref", "Title", "Owner", "Status", "Date Identified"]
    risk = ["R1", "A risk", "Owen Owner", "Open", '<c r="E2" s="1"><v>45748</v></c>']
    result = import_risks(workbook({"Risks": rows_xml([header, risk])}), add_people=True)
    assert result.ok, result.problems
    assert str(Risk.objects.get().date_identified) == "2025-04-01"


def test_a_shared_string_that_does_not_exist_is_a_problem_on_its_cell():
    data = plan(
        [[*COMMITMENT[:2], '<c r="C2" t="s"><v>7</v></c>', COMMITMENT[3]]],
        shared_strings=shared_strings_xml(["only one"]),
    )
    assert import_plan(data, add_people=True).problems == [
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
    problems = import_plan(
        plan([cells], shared_strings=shared_strings_xml([])), add_people=True
    ).problems
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
    result = import_plan(cut, add_people=True)
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
    result = import_plan(data, dry_run=True, add_people=True)
    assert result.ok, result.problems
    assert result.created == 80
    assert QuarterlyStatus.objects.count() == 0


def test_a_workbook_whose_xml_declares_a_doctype_is_refused_as_unsafe():
    sheet = rows_xml([PLAN_HEADER, COMMITMENT]).replace(
        "<worksheet", '<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet', 1
    )
    with pytest.raises(WorkbookRefused, match="refused as unsafe or damaged"):
        import_plan(workbook({"Commitments": sheet}), add_people=True)


def test_cells_without_a_reference_follow_the_cell_before_them_even_an_empty_one():
    row = [
        '<c r="A2" t="inlineStr"><is><t>1</t></is></c><c s="1"/>'
        '<c t="inlineStr"><is><t>Work with partners</t></is></c>'
        '<c t="inlineStr"><is><t>Sam Lead</t></is></c>'
    ]
    assert import_plan(plan([row]), add_people=True).problems == [
        "Sheet 'Commitments', row 2, column 'Policy Area': a value is required"
    ]


def test_a_header_cell_that_cannot_be_read_is_named_by_its_column_letter():
    data = plan([COMMITMENT], shared_strings=shared_strings_xml([]))
    data = replace_part(
        data,
        "xl/worksheets/sheet1.xml",
        read_part(data, "xl/worksheets/sheet1.xml").replace(
            '<c r="B1" t="inlineStr"><is><t>Policy Area</t></is></c>',
            '<c r="B1" t="s"><v>3</v></c>',
        ),
    )
    problems = import_plan(data, add_people=True).problems
    assert (
        "Sheet 'Commitments', row 1, column 'B': shared string 3 does not exist in this workbook"
        in problems
    )


@pytest.mark.parametrize(
    "limit, sheet, message",
    [
        ("cells", rows_xml([PLAN_HEADER, COMMITMENT, COMMITMENT]), "over 10 cells"),
        ("elements", rows_xml([PLAN_HEADER, COMMITMENT, COMMITMENT]), "over 10 XML elements"),
        ("text", rows_xml([PLAN_HEADER, ["x" * 11]]), "over 10 characters of text"),
        ("bytes", rows_xml([PLAN_HEADER]), "over 10 bytes of XML"),
    ],
)
def test_a_workbook_that_costs_more_than_a_limit_is_refused_saying_which(
    monkeypatch, limit, sheet, message
):
    monkeypatch.setitem(xlsx.LIMITS, limit, (10, xlsx.LIMITS[limit][1]))
    with pytest.raises(WorkbookRefused, match=message):
        import_plan(workbook({"Commitments": sheet}), add_people=True)
    assert Commitment.objects.count() == 0


@pytest.mark.parametrize(
    "limit, what",
    [
        ("MAX_SHEETS", "sheets"),
        ("MAX_RELATIONSHIPS", "relationships between its parts"),
        ("MAX_STYLES", "cell styles"),
    ],
)
def test_a_workbook_of_too_many_sheets_relationships_or_styles_is_refused(monkeypatch, limit, what):
    monkeypatch.setattr(xlsx, limit, 2)
    sheets = {"Commitments": rows_xml([PLAN_HEADER]), "A": rows_xml([]), "B": rows_xml([])}
    styles = f'<styleSheet xmlns="{MAIN}"><cellXfs>{"<xf/>" * 3}</cellXfs></styleSheet>'
    data = workbook(sheets, styles=styles)
    with pytest.raises(WorkbookRefused, match=f"has over 2 {what}, so it was refused"):
        import_plan(data, add_people=True)


def test_more_shared_strings_than_the_limit_are_refused_before_any_row_is_read(monkeypatch):
    monkeypatch.setitem(xlsx.LIMITS, "strings", (3, "different texts"))
    data = plan([COMMITMENT], shared_strings=shared_strings_xml(["a", "b", "c", "d"]))
    with pytest.raises(WorkbookRefused, match="holds over 3 different texts"):
        import_plan(data, add_people=True)


def test_a_text_longer_than_excel_allows_is_a_problem_on_its_cell():
    data = plan([["x" * 32_768, *COMMITMENT[1:]]])
    assert import_plan(data, add_people=True).problems == [
        "Sheet 'Commitments', row 2, column 'Ref': the cell holds over 32,767 characters, "
        "more than Excel allows"
    ]


def test_a_value_past_the_columns_riskreg_reads_refuses_the_sheet():
    data = plan([[*COMMITMENT, *[None] * 196, "far away"]])
    assert import_plan(data, add_people=True).problems == [
        "Sheet 'Commitments', row 2: column GS holds a value, past the 200 columns riskreg "
        "reads, so it was not read."
    ]


@pytest.mark.parametrize(
    "sheet_data, why",
    [
        ("<x>" * 60 + "</x>" * 60, "its XML nests over 50 elements deep"),
        (f'<row r="1" junk="{"j" * 1_200_000}"/>', "one piece of its XML runs on for over 1 MB"),
        ('<row r="2"/><row r="1"/>', "the next row is numbered '1', out of order"),
        ('<row r="1"><c r="A7"><v>1</v></c></row>', "'A7' is not a cell of this row"),
    ],
)
def test_a_sheet_whose_xml_cannot_be_trusted_is_one_problem_and_nothing_is_written(sheet_data, why):
    problems = import_plan(
        workbook({"Commitments": sheet_xml(sheet_data)}), add_people=True
    ).problems
    assert len(problems) == 1 and why in problems[0], problems
    assert Commitment.objects.count() == 0


def test_a_zip_cut_short_is_not_a_workbook():
    with pytest.raises(WorkbookRefused, match="not an Excel workbook"):
        import_plan(plan([COMMITMENT])[:-30], add_people=True)


def test_a_sheet_part_that_is_not_in_the_zip_is_one_problem():
    data = plan([COMMITMENT])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {n: archive.read(n) for n in archive.namelist() if "sheet1" not in n}
    problems = import_plan(zipped(parts), add_people=True).problems
    assert len(problems) == 1 and problems[0].startswith("Sheet 'Commitments' is damaged")


def test_more_problems_than_a_page_can_show_end_with_one_line_saying_so():
    rows = [['<c t="s"><v>9</v></c>'] * 4 for _ in range(200)]
    problems = import_plan(
        plan(rows, shared_strings=shared_strings_xml([])), add_people=True
    ).problems
    assert len(problems) == 501
    assert problems[-1].startswith("Over 500 problems were found")


def test_the_issues_workbook_of_five_million_tiny_texts_is_refused_in_seconds_within_300_mb(
    tmp_path,
):
    count = 5_460_000
    strings = f'<sst xmlns="{MAIN}">' + "<si><t>x</t></si>" * count + "</sst>"
    path = tmp_path / "strings.xlsx"
    path.write_bytes(plan([COMMITMENT], shared_strings=strings))
    assert path.stat().st_size < 300 * 1024
    code = (
        "import sys, pathlib, django; django.setup()\n"
        "from riskreg.shared.workbooks import open_workbook, WorkbookRefused\n"
        "try:\n"
        "    open_workbook(pathlib.Path(sys.argv[1]).read_bytes())\n"
        "except WorkbookRefused as refusal:\n"
        "    print(refusal)\n"
        "status = pathlib.Path('/proc/self/status').read_text().splitlines()\n"
        "print(next(int(s.split()[1]) // 1024 for s in status if s.startswith('VmHWM:')))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "riskreg.settings", "DJANGO_DEBUG": "true"}
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    refusal, peak_mb = out.stdout.strip().splitlines()
    assert "holds over 200,000 different texts" in refusal, out.stderr
    assert seconds < 10 and int(peak_mb) < 300
