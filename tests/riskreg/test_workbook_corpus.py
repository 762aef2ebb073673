"""Hundreds of mutated workbooks through both importers: each imports or is refused with
problems on its cells, never raises anything else, never writes part of itself, and never
costs more memory than a budget."""

import io
import re
import tracemalloc
import zipfile
from xml.sax.saxutils import escape

import pytest
from django.apps import apps
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from commitments.importers import COMMITMENT_COLUMNS, STATUS_COLUMNS, import_plan
from registers.importers import (
    ACTION_COLUMNS,
    CONTROL_COLUMNS,
    REVIEW_COLUMNS,
    RISK_COLUMNS,
    import_risks,
)
from riskreg.shared.workbooks import MORE_PROBLEMS, WorkbookRefused
from tests.factories import make_period, make_person
from tests.xlsx import column_letter, sheet_xml, workbook, zipped

pytestmark = pytest.mark.django_db

MEMORY_BUDGET = 64 * 1024 * 1024  # bytes Python may allocate for one small workbook
# On a cell (or a row), or on a whole sheet that could not be read.
A_PROBLEM = re.compile(
    r"Sheet '[^']+'(, row \d+(, column '.*')?: .+| is missing\.| is empty: .+| is damaged.+"
    r"| has over .+)",
    re.DOTALL,
)

# Row n of a good workbook; its Ref is n (or Rn).
GOOD_ROWS = {
    "Commitments": ["{n}", "Partnerships", "Work with partners", "Sam Lead", "", "", "Ongoing"],
    "Quarterly Status": ["{n}", "2025/26 Q3", "Red", "Behind", "Yes"],
    "Risks": ["R{n}", "A risk", "", "Financial", "Owen Owner", "Open", 3, 4, 2, 2, "", "", ""],
    "Risk Reviews": ["R{n}", "2025/26 Q3", 3, 4, "Steady"],
    "Controls": ["R{n}", "A control"],
    "Actions": ["R{n}", "An action", "Owen Owner", "2026-03-31", "On track"],
}
SHEETS = {
    import_plan: {"Commitments": COMMITMENT_COLUMNS, "Quarterly Status": STATUS_COLUMNS},
    import_risks: {
        "Risks": RISK_COLUMNS,
        "Risk Reviews": REVIEW_COLUMNS,
        "Controls": CONTROL_COLUMNS,
        "Actions": ACTION_COLUMNS,
    },
}
# Values each column could take in a good workbook, so that some imports succeed.
PLAUSIBLE = [
    "1",
    "R1",
    "60a",
    "Partnerships",
    "Sam Lead",
    "Owen Owner",
    "2025/26 Q3",
    "2025/26 Q5",
    "Red",
    "green",
    "Open",
    "Closed",
    "Yes",
    "No",
    "3",
    "7",
    "2025-04-01",
    "Work with partners",
]
# Texts longer than a column holds (a ref of 21 characters, a title of 501) must be a
# problem on their cell, refused by the model field's own validators before PostgreSQL.
texts = st.one_of(
    st.sampled_from(PLAUSIBLE),
    st.text(max_size=30),
    st.sampled_from(["x" * 21, "A" * 501, "PT/1", "a b", "-1", "é"]),
)
short_texts = st.text(max_size=10)
numbers = st.one_of(
    st.integers(-(10**18), 10**18).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: f"{f:.6g}"),
    st.sampled_from(["1e999", "45748", "-1", "2958466", "0.5", " 3 ", "1_000", "0x10"]),
    texts,
)
dates = st.datetimes().map(lambda d: d.replace(microsecond=0).isoformat())


def cell(template: str, *texts: str) -> str:
    """A cell whose reference is filled in later (`{r}`), its texts escaped for XML."""
    return template.format("{r}", *(escape(t) for t in texts))


cells = st.one_of(
    texts.map(lambda t: cell('<c r="{}" t="inlineStr"><is><t>{}</t></is></c>', t)),
    st.tuples(short_texts, short_texts).map(
        lambda ts: cell(
            '<c r="{}" t="inlineStr"><is><r><t>{}</t></r><r><t>{}</t></r>'
            "<rPh><t>reading</t></rPh></is></c>",
            *ts,
        )
    ),
    numbers.map(lambda n: cell('<c r="{}"><v>{}</v></c>', n)),
    numbers.map(lambda n: cell('<c r="{}" s="1"><v>{}</v></c>', n)),
    st.one_of(st.integers(-2, 12).map(str), texts).map(
        lambda i: cell('<c r="{}" t="s"><v>{}</v></c>', i)
    ),
    st.sampled_from(["0", "1", "true", "maybe", ""]).map(
        lambda b: cell('<c r="{}" t="b"><v>{}</v></c>', b)
    ),
    st.one_of(dates, texts).map(lambda d: cell('<c r="{}" t="d"><v>{}</v></c>', d)),
    st.sampled_from(["#N/A", "#DIV/0!", "#REF!"]).map(
        lambda e: cell('<c r="{}" t="e"><v>{}</v></c>', e)
    ),
    texts.map(lambda t: cell('<c r="{}" t="str"><v>{}</v></c>', t)),
    st.just('<c r="{r}"><f>SUM(A1:A2)</f><v>3</v></c>'),
    st.text("abcxyz", min_size=1, max_size=4).map(
        lambda t: cell('<c r="{}" t="{}"><v>1</v></c>', t)
    ),
    st.sampled_from(['<c r="{r}"/>', '<c r="{r}" s="1"/>', '<c r="{r}" s="99"><v>4</v></c>']),
    st.sampled_from(['<c t="inlineStr"><is><t>no reference</t></is></c>', '<c r="ZZZZ9"/>']),
    st.just('<c r="{r}" t="inlineStr"><is><t>' + "x" * 33_000 + "</t></is></c>"),
)


def good_cell(value) -> str:
    if isinstance(value, int):
        return f'<c r="{{r}}"><v>{value}</v></c>'
    return cell('<c r="{}" t="inlineStr"><is><t>{}</t></is></c>', value)


@st.composite
def sheets(draw, name: str, columns: list[str]) -> str:
    """The sheet's own header and good rows with a few cells spoilt, or anything at all."""
    if draw(st.sampled_from([True, True, False])):
        header = columns
        rows = []
        for n in range(1, draw(st.integers(1, 4)) + 1):
            row = [good_cell(v.format(n=n) if isinstance(v, str) else v) for v in GOOD_ROWS[name]]
            for _ in range(draw(st.sampled_from([0, 0, 0, 0, 0, 1, 2]))):
                row[draw(st.integers(0, len(row) - 1))] = draw(cells)
            rows.append(row)
    else:
        header = draw(st.lists(st.sampled_from([*columns, "Colour", " ref ", ""]), max_size=9))
        rows = draw(st.lists(st.lists(cells, max_size=len(header) + 2), max_size=6))
    rows.insert(0, [good_cell(h) for h in header])
    xml_rows = []
    for number, row in enumerate(rows, start=1):
        row_cells = "".join(
            c.replace("{r}", f"{column_letter(i)}{number}") for i, c in enumerate(row)
        )
        xml_rows.append(f'<row r="{number}">{row_cells}</row>')
    dimension = draw(st.sampled_from(["A1:A1", "A1:E2", "A1:XFD1048576", "Z9:A1", "?", ""]))
    return sheet_xml("".join(xml_rows), escape(dimension))


shared_strings = st.one_of(
    st.none(),
    st.none(),
    st.none(),
    st.lists(texts, max_size=12).map(
        lambda items: "<sst>" + "".join(f"<si><t>{escape(t)}</t></si>" for t in items) + "</sst>"
    ),
    st.just("<sst><si><r><t>a</t></r><r><t>b</t></r></si><si/><si><t>y</t></si></sst>"),
    st.just("<sst><si><t>" + "y" * 33_000 + "</t></si></sst>"),
)


@st.composite
def workbooks(draw) -> tuple:
    importer = draw(st.sampled_from([import_plan, import_risks]))
    main, *others = SHEETS[importer]
    names = [main] + draw(st.lists(st.sampled_from(others), unique=True))
    parts = {name: draw(sheets(name, SHEETS[importer][name])) for name in names}
    data = workbook(parts, shared_strings=draw(shared_strings))
    return importer, draw(mutated(data)), draw(st.booleans())


@st.composite
def mutated(draw, data: bytes) -> bytes:
    """The workbook as it is, or cut short, or with a part cut, flipped or left out."""
    how = draw(st.sampled_from(["none"] * 6 + ["cut zip", "cut part", "flip", "drop"]))
    if how == "cut zip":
        return data[: draw(st.integers(0, len(data) - 1))]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    name = draw(st.sampled_from(sorted(parts)))
    if how == "cut part":
        parts[name] = parts[name][: draw(st.integers(0, len(parts[name])))]
    elif how == "flip" and parts[name]:
        at = draw(st.integers(0, len(parts[name]) - 1))
        parts[name] = parts[name][:at] + bytes([parts[name][at] ^ 0x55]) + parts[name][at + 1 :]
    elif how == "drop":
        del parts[name]
    return zipped(parts)


def row_counts() -> dict[str, int]:
    """Rows of every table the importers could write, history included."""
    return {
        model._meta.label: model._default_manager.count()
        for app in ("commitments", "registers")
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture
def people_and_a_period():
    make_person(name="Sam Lead")
    make_person(name="Owen Owner")
    make_period("2025/26 Q3")


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=workbooks())
def test_every_mutated_workbook_imports_or_is_refused_cell_by_cell_and_never_half_written(
    people_and_a_period, case
):
    importer, data, dry_run = case
    before = row_counts()
    tracemalloc.start()
    try:
        result = importer(data, dry_run=dry_run, add_people=True)
        event("imported" if result.ok else "problems")
    except WorkbookRefused as refusal:
        result, problems = None, [str(refusal)]
        event("refused")
    else:
        problems = result.problems
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < MEMORY_BUDGET
    if result is None or not result.ok or dry_run:
        assert row_counts() == before, problems
    if result is not None:
        for problem in result.problems:
            assert problem == MORE_PROBLEMS or A_PROBLEM.fullmatch(problem), problem
