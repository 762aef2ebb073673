"""What a user waits for in a warm web worker (run by bench/run.py), as JSON.

paper QUARTER: compose + render of the paper against WeasyPrint alone rendering the same
HTML, both in this one process, after a first run of each to warm them up.
import FILE: the import's confirm step (check and write, rolled back each time) against
openpyxl's read of the same file, in this one process.
"""

import gc
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskreg.settings")
django.setup()

import openpyxl  # noqa: E402
from django.db import transaction  # noqa: E402

from commitments.importers import import_plan  # noqa: E402
from commitments.models import Period  # noqa: E402
from commitments.periods import Quarter  # noqa: E402
from reports.models import Paper  # noqa: E402
from reports.render import html_to_pdf, paper_html  # noqa: E402

RUNS = 7


def medians(whole, floor, runs: int = RUNS) -> dict:
    """Median seconds of each, run in turns, so a change in the machine's speed touches
    both alike; each runs once first to warm up (imports, templates, fonts, connections),
    and each run starts after a collection, so neither pays for the other's garbage."""
    whole(), floor()
    times = {"whole": [], "floor": []}
    for _ in range(runs):
        for name, work in (("whole", whole), ("floor", floor)):
            gc.collect()
            started = time.perf_counter()
            work()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(seconds) for name, seconds in times.items()}


def paper(quarter: str) -> dict:
    period = Period.objects.get_for(Quarter.parse(quarter))
    draft = period.papers.order_by("-version").first() or Paper.start(period)
    html = paper_html(draft)
    return medians(lambda: html_to_pdf(paper_html(draft)), lambda: html_to_pdf(html))


def confirm(data: bytes) -> None:
    with transaction.atomic():
        result = import_plan(data, dry_run=False, add_people=True)
        assert result.ok, result.problems[:3]
        transaction.set_rollback(True)


def read(data: bytes) -> None:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    for sheet in book:
        list(sheet.iter_rows(values_only=True))


def workbook(path: str) -> dict:
    data = Path(path).read_bytes()
    return medians(lambda: confirm(data), lambda: read(data))


if __name__ == "__main__":
    what, argument = sys.argv[1], sys.argv[2]
    print(json.dumps(paper(argument) if what == "paper" else workbook(argument)))
