"""What a workbook may cost: hostile shapes against the targets, and a real plan.

    .venv/bin/python bench/workbooks.py     # alone: SQLite in a temporary folder
    make bench                              # also prints this table, on PostgreSQL

Each workbook is imported (a dry run; the real plan for real) by a fresh process, as a
gunicorn worker would: the table shows its wall time and peak resident memory, Django's
start-up included, against the targets of 10 s and 300 MB.
"""

import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.xlsx import (  # noqa: E402
    MAIN,
    PLAN_HEADER,
    column_letter,
    plan,
    read_part,
    replace_part,
    rows_xml,
    sheet_xml,
    workbook,
    zipped,
)

MAX_SECONDS = 10
MAX_MB = 300
PYTHON = sys.executable


def tiny_shared_strings() -> bytes:
    """The issue's workbook: 5.46 million one-letter texts, 235 KB zipped, 99 MB unpacked."""
    count = 5_460_000
    strings = f'<sst xmlns="{MAIN}" count="{count}">' + "<si><t>x</t></si>" * count + "</sst>"
    return plan([["1", "Area", "Text", "Lead"]], shared_strings=strings)


def one_huge_shared_string() -> bytes:
    strings = f'<sst xmlns="{MAIN}"><si><t>{"x" * 95_000_000}</t></si></sst>'
    return plan([["1", "Area", "Text", "Lead"]], shared_strings=strings)


def many_texts_of_excels_longest() -> bytes:
    long = "<si><t>" + "y" * 32_000 + "</t></si>"
    return plan([["1", "Area", "Text", "Lead"]], shared_strings=f"<sst>{long * 3000}</sst>")


def a_million_empty_rows() -> bytes:
    rows = "".join(f'<row r="{n}"/>' for n in range(2, 1_048_577))
    return workbook({"Commitments": sheet_xml("<row r='1'/>" + rows)})


def the_largest_sheet_it_reads() -> bytes:
    """20,000 rows × 5 columns of statuses: every cell read, every row checked."""
    statuses = [[str(n), "2025/26 Q3", "Red", "An update " * 10, "No"] for n in range(19_999)]
    return plan([["1", "Area", "Text", "Lead"]], statuses)


def one_row_of_every_column() -> bytes:
    cells = "".join(f"<c><v>{n}</v></c>" for n in range(16_384))
    return workbook({"Commitments": sheet_xml(f'<row r="1">{cells}</row>')})


def half_a_million_styled_empty_cells() -> bytes:
    rows = []
    for n in range(1, 20_000):
        cells = "".join(f'<c r="{column_letter(c)}{n}" s="1"/>' for c in range(26))
        rows.append(f'<row r="{n}">{cells}</row>')
    return workbook({"Commitments": sheet_xml("".join(rows))})


def millions_of_unknown_elements() -> bytes:
    return workbook({"Commitments": sheet_xml("<x/>" * 20_000_000)})


def nested_a_million_deep() -> bytes:
    return workbook({"Commitments": sheet_xml("<x>" * 1_000_000 + "</x>" * 1_000_000)})


def one_giant_attribute() -> bytes:
    return workbook({"Commitments": sheet_xml(f'<row r="1" x="{"a" * 95_000_000}"/>')})


def one_giant_comment() -> bytes:
    return workbook({"Commitments": sheet_xml(f"<!--{'c' * 95_000_000}-->")})


def one_giant_inline_cell() -> bytes:
    cell = f'<c r="A2" t="inlineStr"><is><t>{"z" * 95_000_000}</t></is></c>'
    return workbook({"Commitments": rows_xml([PLAN_HEADER, [cell, "Area", "Text", "Lead"]])})


def a_huge_declared_size() -> bytes:
    sheet = rows_xml([PLAN_HEADER, ["1", "Area", "Text", "Lead"]], "A1:XFD1048576")
    return workbook({"Commitments": sheet})


def the_most_zip_entries_10_mb_holds() -> bytes:
    parts = {f"{n:x}": b"" for n in range(115_000)}
    with zipfile.ZipFile(io.BytesIO(plan([["1", "Area", "Text", "Lead"]]))) as archive:
        parts.update({name: archive.read(name) for name in archive.namelist()})
    return zipped(parts)


def twenty_thousand_bad_rows() -> bytes:
    """Every cell of 20,000 rows a problem: the list of problems stays bounded."""
    cell = '<c t="s"><v>99</v></c>'
    statuses = [[cell] * 5 for _ in range(19_999)]
    return plan([["1", "Area", "Text", "Lead"]], statuses, shared_strings="<sst/>")


def a_million_cell_styles() -> bytes:
    xfs = '<xf numFmtId="164"/>' * 1_000_000
    styles = (
        f'<styleSheet xmlns="{MAIN}"><numFmts><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
        f"</numFmts><cellXfs>{xfs}</cellXfs></styleSheet>"
    )
    return plan([["1", "Area", "Text", "Lead"]], styles=styles)


def a_million_relationships() -> bytes:
    data = plan([["1", "Area", "Text", "Lead"]])
    rels = read_part(data, "xl/_rels/workbook.xml.rels")
    junk = "".join(f'<Relationship Id="j{n}" Type="x/junk" Target="j{n}"/>' for n in range(10**6))
    return replace_part(
        data,
        "xl/_rels/workbook.xml.rels",
        rels.replace("</Relationships>", junk + "</Relationships>"),
    )


def a_million_sheets() -> bytes:
    data = plan([["1", "Area", "Text", "Lead"]])
    book = read_part(data, "xl/workbook.xml")
    junk = "".join(f'<sheet name="S{n}" sheetId="{n}" r:id="rId1"/>' for n in range(10**6))
    return replace_part(data, "xl/workbook.xml", book.replace("</sheets>", junk + "</sheets>"))


HOSTILE = [
    ("5.46 million tiny shared strings (the issue's)", tiny_shared_strings),
    ("one 95 MB shared string", one_huge_shared_string),
    ("3,000 texts of 32,000 characters", many_texts_of_excels_longest),
    ("a million empty rows", a_million_empty_rows),
    ("20,000 rows × 5 columns, all read", the_largest_sheet_it_reads),
    ("one row of 16,384 columns", one_row_of_every_column),
    ("half a million styled empty cells", half_a_million_styled_empty_cells),
    ("20 million unknown XML elements", millions_of_unknown_elements),
    ("XML nested a million deep", nested_a_million_deep),
    ("one 95 MB attribute", one_giant_attribute),
    ("one 95 MB comment", one_giant_comment),
    ("one 95 MB cell of inline text", one_giant_inline_cell),
    ("declared size A1:XFD1048576", a_huge_declared_size),
    ("115,000 zip entries", the_most_zip_entries_10_mb_holds),
    ("20,000 rows, every cell unreadable", twenty_thousand_bad_rows),
    ("a million cell styles", a_million_cell_styles),
    ("a million relationships", a_million_relationships),
    ("a million sheets", a_million_sheets),
]


def import_one(kind: str, path: str, dry_run: bool) -> None:
    """In the child process: import one file as the web page would, and say what happened."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskreg.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User

    from commitments.importers import import_plan
    from registers.importers import import_risks
    from riskreg.shared.workbooks import WorkbookRefused

    importer = import_plan if kind == "plan" else import_risks
    user, _ = User.objects.get_or_create(username="bench.importer")
    try:
        result = importer(Path(path).read_bytes(), user=user, dry_run=dry_run, add_people=True)
    except WorkbookRefused as refusal:
        outcome = f"refused: {refusal}"
    else:
        outcome = (
            f"imported: {result.summary()}"
            if result.ok
            else (f"{len(result.problems)} problems: {result.problems[0]}")
        )
    # This process's own peak: the rusage of a child counts its parent's memory at fork.
    status = Path("/proc/self/status").read_text().splitlines()
    peak_kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    print(f"{int(peak_kb) // 1024} {outcome}")


def measure(path: Path, env: dict, dry_run: bool = True) -> tuple[float, int, str]:
    """Wall seconds, peak resident MB and outcome of importing `path` in a new process."""
    args = [PYTHON, __file__, "--import", "plan", str(path), "dry" if dry_run else "real"]
    start = time.perf_counter()
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        return seconds, 0, f"CRASHED: {err.strip().splitlines()[-1] if err.strip() else ''}"
    peak, outcome = out.strip().split(" ", 1)
    return seconds, int(peak), outcome


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def real_plan(work: Path, env: dict) -> Path:
    """A 356 × 6 plan as riskreg exports it, from the benchmark data."""
    source = {**env, "DATABASE_URL": f"sqlite:///{work / 'source.sqlite3'}"}
    manage(source, "migrate", "--noinput")
    manage(source, "bench_data", "--commitments", "356", "--history", "0")
    path = work / "plan-356x6.xlsx"
    manage(source, "export_plan", str(path))
    return path


def table(env: dict | None = None) -> list[tuple[str, float, int, str]]:
    """Every shape measured: (name, seconds, MB, outcome), the real plan last."""
    work = Path(tempfile.mkdtemp(prefix="riskreg-workbooks-"))
    env = dict(env or os.environ)
    env.setdefault("DJANGO_DEBUG", "true")
    if "DATABASE_URL" not in env:
        env["DATABASE_URL"] = f"sqlite:///{work / 'empty.sqlite3'}"
        manage(env, "migrate", "--noinput")
    results = []
    try:
        for name, build in HOSTILE:
            path = work / "hostile.xlsx"
            path.write_bytes(build())  # built here, so the parent stays small
            zipped_kb = path.stat().st_size // 1024
            results.append((f"{name} ({zipped_kb:,} KB)", *measure(path, env)))
        results.append(("real plan, 356 × 6, imported", *measure(real_plan(work, env), env, False)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def report(results: list[tuple[str, float, int, str]]) -> bool:
    """Print the table; True when every workbook met the targets."""
    width = max(len(name) for name, *_ in results)
    print(f"{'workbook'.ljust(width)} | time    | peak RSS | outcome")
    print("-" * width + "-+---------+----------+--------")
    for name, seconds, mb, outcome in results:
        print(f"{name.ljust(width)} | {seconds:5.2f} s | {mb:5d} MB | {outcome[:110]}")
    worst_time = max(results, key=lambda r: r[1])
    worst_memory = max(results, key=lambda r: r[2])
    met = worst_time[1] <= MAX_SECONDS and worst_memory[2] <= MAX_MB
    met = met and not any(r[3].startswith("CRASHED") for r in results)
    met = met and results[-1][3].startswith("imported")
    print(
        f"\nWorst time {worst_time[1]:.2f} s ({worst_time[0]}); worst peak RSS "
        f"{worst_memory[2]} MB ({worst_memory[0]}). Targets: ≤ {MAX_SECONDS} s, ≤ {MAX_MB} MB, "
        f"no crash, the real plan imports: {'met' if met else 'NOT MET'}."
    )
    return met


if __name__ == "__main__":
    if sys.argv[1:2] == ["--import"]:
        import_one(sys.argv[2], sys.argv[3], sys.argv[4] == "dry")
    else:
        sys.exit(0 if report(table()) else 1)
