"""make bench: what riskreg costs beyond WeasyPrint and Django, on realistic volume.

Runs on PostgreSQL (started by .ci/postgres, as root) and prints one table. Every figure
is a median of several runs; every speed figure is also a ratio to its floor, measured
in the same run.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import workbooks

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RUNS = 5
WRK_RUNS = 3
PORT = 8765
DB = "postgres://riskreg:riskreg@127.0.0.1:5432/{}"
WORK = Path(tempfile.mkdtemp(prefix="riskreg-bench-"))
ENV = {
    **os.environ,
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    "DJANGO_STATIC_ROOT": str(WORK / "static"),
    "DATABASE_URL": DB.format("riskreg_bench"),
}


def run(*args: str, env: dict | None = None, quiet: bool = True) -> str:
    out = subprocess.run(
        args,
        cwd=ROOT,
        env=env or ENV,
        check=True,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if quiet else None,
    )
    return out.stdout


def manage(*args: str, env: dict | None = None) -> str:
    return run(PYTHON, "manage.py", *args, env=env)


def psql(sql: str) -> None:
    run("su", "postgres", "-c", f'psql -q -c "{sql}"')


def fresh_database(name: str, template: str = "template1") -> None:
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(f"CREATE DATABASE {name} OWNER riskreg TEMPLATE {template}")


def timed(args: list[str], env: dict | None = None) -> tuple[float, int]:
    """Wall seconds and peak resident memory (MB) of a process: its own or its largest child's."""
    start = time.perf_counter()
    process = subprocess.Popen(
        args, cwd=ROOT, env=env or ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(args)} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss // 1024


def median_of(
    args: list[str], env: dict | None = None, before=None, runs: int = RUNS
) -> tuple[float, int]:
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        seconds, peak = timed(args, env)
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def pages(commitments: int) -> dict:
    manage("bench_data", "--commitments", str(commitments))
    return json.loads(run(PYTHON, "bench/pages.py"))


def paper(quarter: str) -> dict:
    pdf, html = WORK / "paper.pdf", WORK / "paper.html"
    command = [
        PYTHON,
        "manage.py",
        "committee_report",
        "--quarter",
        quarter,
        "--output",
        str(pdf),
        "--html",
        str(html),
    ]
    whole, peak = median_of(command)
    # On one core there is no head start: Django and WeasyPrint share one process.
    _, one_core_peak = median_of(["taskset", "-c", "0", *command], runs=1)
    floor_code = (
        "import sys; from weasyprint import HTML; "
        "HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], pdf_variant='pdf/ua-1')"
    )
    floor, floor_peak = median_of([PYTHON, "-c", floor_code, str(html), str(WORK / "floor.pdf")])
    from pypdf import PdfReader

    return {
        "whole": whole,
        "peak": peak,
        "one_core_peak": one_core_peak,
        "floor": floor,
        "floor_peak": floor_peak,
        "pages": len(PdfReader(pdf).pages),
    }


def django_startup() -> float:
    """Django's own start-up with riskreg's settings: in both commands, in neither floor."""
    env = {**ENV, "DJANGO_SETTINGS_MODULE": "riskreg.settings"}
    return median_of([PYTHON, "-c", "import django; django.setup()"], env=env)[0]


def workbook_import() -> dict:
    workbook = WORK / "plan.xlsx"
    manage("export_plan", str(workbook))
    fresh_database("riskreg_bench_empty")
    empty = {**ENV, "DATABASE_URL": DB.format("riskreg_bench_empty")}
    manage("migrate", "--noinput", env=empty)
    target = {**ENV, "DATABASE_URL": DB.format("riskreg_bench_import")}
    whole, peak = median_of(
        [PYTHON, "manage.py", "import_plan", str(workbook)],
        env=target,
        before=lambda: fresh_database("riskreg_bench_import", "riskreg_bench_empty"),
    )
    floor_code = (
        "import sys, openpyxl; book = openpyxl.load_workbook(sys.argv[1], read_only=True); "
        "[list(sheet.iter_rows(values_only=True)) for sheet in book]"
    )
    floor, _ = median_of([PYTHON, "-c", floor_code, str(workbook)])
    return {"whole": whole, "peak": peak, "floor": floor}


def session_cookie() -> str:
    code = (
        "from django.contrib.auth.models import User; from django.test import Client; "
        "c = Client(); c.force_login(User.objects.get(username='bench.all')); "
        "print(c.cookies['sessionid'].value)"
    )
    return manage("shell", "-c", code).strip().splitlines()[-1]


def wrk(url: str, cookie: str) -> dict:
    """One 15-second wrk run: requests a second, and errors of any kind."""
    out = run("wrk", "-t2", "-c16", "-d15s", "-H", f"Cookie: sessionid={cookie}", url)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = (int(bad[1]) if bad else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return {"rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]), "errors": errors}


def throughput() -> dict:
    if not shutil.which("wrk"):
        run("apt-get", "update", "-qq")
        run("apt-get", "install", "-y", "-qq", "wrk")
    cookie = session_cookie()
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "riskreg.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
    )
    try:
        time.sleep(3)
        base = f"http://127.0.0.1:{PORT}"
        endpoints = [
            ("trivial view", "/about/"),
            ("commitments list", "/commitments/"),
            ("plan dashboard", "/commitments/dashboard/"),
        ]
        runs = {name: [] for name, _ in endpoints}
        # Round-robin, so a change in the machine's speed touches every endpoint alike.
        for _ in range(WRK_RUNS):
            for name, path in endpoints:
                runs[name].append(wrk(base + path, cookie))
        return {
            name: {
                "rate": statistics.median(r["rate"] for r in results),
                "errors": sum(r["errors"] for r in results),
            }
            for name, results in runs.items()
        }
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    started = time.perf_counter()
    run("bash", ".ci/postgres")
    fresh_database("riskreg_bench")
    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput")
    small = pages(36)
    large = pages(356)
    report = paper(large["busiest"])
    imported = workbook_import()
    startup = django_startup()
    rates = throughput()
    fresh_database("riskreg_bench_workbooks", "riskreg_bench_empty")
    hostile = workbooks.table({**ENV, "DATABASE_URL": DB.format("riskreg_bench_workbooks")})
    print_table(small["pages"], large["pages"], large["busiest"], report, imported, rates)
    print(
        f"\nDjango start-up alone (python -c 'django.setup()'): {startup:.2f} s; the import "
        f"spends {imported['whole'] - imported['floor'] - startup:.2f} s beyond start-up and "
        "the read, checking rows and writing them with their history."
    )
    print("\nWhat a workbook may cost (bench/workbooks.py), each imported by a new process:\n")
    workbooks.report(hostile)
    print(f"\n{os.cpu_count()} cores; bench took {time.perf_counter() - started:.0f} s.")


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def print_table(small, large, quarter, report, imported, rates) -> None:
    rows = [("measure", "value", "floor", "ratio", "target", "")]
    ratio = report["whole"] / report["floor"]
    rows.append(
        (
            f"paper {quarter}, whole command ({report['pages']} pages)",
            f"{report['whole']:.2f} s",
            f"{report['floor']:.2f} s (WeasyPrint alone)",
            f"{ratio:.2f}",
            "≤ 1.15",
            verdict(ratio <= 1.15),
        )
    )
    rows.append(
        (
            "paper peak memory",
            f"{report['peak']} MB × 2 processes; {report['one_core_peak']} MB on 1 core",
            f"{report['floor_peak']} MB",
            "",
            "≤ 400 MB",
            verdict(max(2 * report["peak"], report["one_core_peak"]) <= 400),
        )
    )
    for name in large:
        same = small[name]["queries"] == large[name]["queries"]
        rows.append(
            (
                f"page: {name}",
                f"{large[name]['ms']:.1f} ms",
                f"{small[name]['ms']:.1f} ms at 36",
                "",
                "≤ 12 queries, same at 36 and 356",
                f"{large[name]['queries']} / {small[name]['queries']} queries: "
                + verdict(same and large[name]["queries"] <= 12),
            )
        )
    floor = rates["trivial view"]["rate"]
    for name, result in rates.items():
        r = result["rate"] / floor
        target = "≥ 0.3" if name == "commitments list" else ""
        ok = (r >= 0.3 if target else True) and result["errors"] == 0
        rows.append(
            (
                f"throughput: {name}",
                f"{result['rate']:.0f} req/s",
                f"{floor:.0f} req/s (trivial view)",
                f"{r:.2f}",
                target + " no errors",
                f"{result['errors']} errors: " + verdict(ok),
            )
        )
    ratio = imported["whole"] / imported["floor"]
    rows.append(
        (
            "import 356 × 6 plan workbook",
            f"{imported['whole']:.2f} s",
            f"{imported['floor']:.2f} s (openpyxl read)",
            f"{ratio:.2f}",
            "≤ 2",
            verdict(ratio <= 2),
        )
    )
    widths = [max(len(str(row[i])) for row in rows) for i in range(6)]
    for index, row in enumerate(rows):
        print(" | ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("-+-".join("-" * width for width in widths))


if __name__ == "__main__":
    main()
