import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from reports import pdf
from reports.render import STATIC_ROOTS
from riskreg import head_start

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.setattr(head_start, "cores", lambda: 2)
    yield
    head_start.stop()


def imported(module: str) -> bool:
    return module in sys.modules


def test_without_a_head_start_a_call_runs_in_this_process():
    assert head_start.call(os.getpid) == os.getpid()


def test_only_the_paper_command_gets_a_head_start(two_cores):
    head_start.start(["manage.py", "migrate"])
    assert head_start.call(os.getpid) == os.getpid()


def test_on_one_core_there_is_no_head_start(monkeypatch):
    monkeypatch.setattr(head_start, "cores", lambda: 1)
    head_start.start(["manage.py", "committee_report"])
    assert head_start.call(os.getpid) == os.getpid()


def test_the_head_start_imports_weasyprint_and_renders_the_pdf_in_a_second_process(two_cores):
    head_start.start(["manage.py", "committee_report"])
    assert head_start.call(os.getpid) != os.getpid()
    assert head_start.call(imported, "weasyprint")
    document = head_start.call(pdf.html_to_pdf, "<p>Risk Management Update</p>", STATIC_ROOTS)
    assert document.startswith(b"%PDF")


def test_an_error_in_the_head_start_is_raised_in_the_command(two_cores):
    head_start.start(["manage.py", "committee_report"])
    with pytest.raises(ValueError, match="invalid literal"):
        head_start.call(int, "not a number")
    assert head_start.call(int, "12") == 12  # and it goes on serving


def test_ctrl_c_is_left_to_the_command(two_cores):
    head_start.start(["manage.py", "committee_report"])
    helper = head_start.call(os.getpid)
    os.kill(helper, signal.SIGINT)
    assert head_start.call(os.getpid) == helper


def test_if_the_head_start_dies_the_work_is_done_in_this_process(two_cores):
    head_start.start(["manage.py", "committee_report"])
    os.kill(head_start.call(os.getpid), 9)
    assert head_start.call(os.getpid) == os.getpid()


def test_the_head_start_ends_when_stopped_or_when_the_command_process_lets_go(two_cores):
    head_start.start(["manage.py", "committee_report"])
    process = head_start._process
    head_start.stop()
    assert not process.is_alive()
    head_start.start(["manage.py", "committee_report"])
    process = head_start._process
    head_start._connection.close()  # as when the command's process ends
    process.join(timeout=30)
    assert process.exitcode == 0
    head_start._connection = head_start._process = None


def test_the_paper_command_with_its_head_start_fails_cleanly_and_at_once():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "committee_report",
            "--quarter",
            "2025/26 Q5",
            "--output",
            "x.pdf",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "'2025/26 Q5' has no quarter Q5: use Q1 to Q4." in result.stderr
    assert not (ROOT / "x.pdf").exists()
