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
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import workbooks

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.servers' throwaway PostgreSQL
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
    """The paper as a web worker makes it (warm), and the command's whole process."""
    warm = json.loads(run(PYTHON, "bench/warm.py", "paper", quarter))
    pdf = WORK / "paper.pdf"
    command = [PYTHON, "manage.py", "committee_report", "--quarter", quarter, "--output", str(pdf)]
    whole, peak = median_of(command)
    from pypdf import PdfReader

    return {**warm, "command": whole, "peak": peak, "pages": len(PdfReader(pdf).pages)}


def django_startup() -> float:
    """Django's own start-up with riskreg's settings: in both commands, in neither floor."""
    env = {**ENV, "DJANGO_SETTINGS_MODULE": "riskreg.settings"}
    return median_of([PYTHON, "-c", "import django; django.setup()"], env=env)[0]


def workbook_import() -> dict:
    """The import's confirm step in a warm worker, and the whole command."""
    workbook = WORK / "plan.xlsx"
    manage("export_plan", str(workbook))
    fresh_database("riskreg_bench_empty")
    empty = {**ENV, "DATABASE_URL": DB.format("riskreg_bench_empty")}
    manage("migrate", "--noinput", env=empty)
    target = {**ENV, "DATABASE_URL": DB.format("riskreg_bench_import")}
    fresh_database("riskreg_bench_import", "riskreg_bench_empty")
    warm = json.loads(run(PYTHON, "bench/warm.py", "import", str(workbook), env=target))
    command, peak = median_of(
        [PYTHON, "manage.py", "import_plan", "--add-people", str(workbook)],
        env=target,
        before=lambda: fresh_database("riskreg_bench_import", "riskreg_bench_empty"),
    )
    return {**warm, "command": command, "peak": peak}


def session_cookie(env: dict | None = None) -> str:
    code = (
        "from django.contrib.auth.models import User; from django.test import Client; "
        "c = Client(); c.force_login(User.objects.get(username='bench.all')); "
        "print(c.cookies['sessionid'].value)"
    )
    return manage("shell", "-c", code, env=env).strip().splitlines()[-1]


def gunicorn(env: dict | None = None, quiet: bool = False) -> subprocess.Popen:
    """The app as served: gunicorn with two sync workers; answering when this returns."""
    command = [str(Path(PYTHON).parent / "gunicorn"), "riskreg.wsgi", "--workers", "2"]
    command += ["--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"]
    stderr = subprocess.DEVNULL if quiet else None  # quiet: the 500s it is meant to cause
    server = subprocess.Popen(command, cwd=ROOT, env=env or ENV, stderr=stderr)
    time.sleep(3)
    return server


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
    server = gunicorn()
    try:
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


def load(url: str, cookie: str, clients: int, stop: threading.Event) -> tuple[list, list]:
    """Clients requesting `url` until `stop`: each request's start time and status."""
    requests = []

    def client():
        while not stop.is_set():
            started = time.monotonic()
            ask = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
            try:
                with urllib.request.urlopen(ask, timeout=30) as answer:
                    requests.append((started, answer.status))
            except urllib.error.HTTPError as error:
                requests.append((started, error.code))
            except OSError:
                requests.append((started, 0))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    [thread.start() for thread in threads]
    return requests, threads


def database_restart() -> dict:
    """A PostgreSQL of its own restarted (fast) under load from 8 clients on 2 workers."""
    from tests.servers import ThrowawayPostgres

    postgres = ThrowawayPostgres().start()
    env = {**ENV, "DATABASE_URL": postgres.url, "DATABASE_CONN_MAX_AGE": "600"}
    try:
        manage("migrate", "--noinput", env=env)
        manage("bench_data", "--commitments", "36", "--history", "0", env=env)
        server, stop = gunicorn(env, quiet=True), threading.Event()
        requests, clients = load(f"http://127.0.0.1:{PORT}/about/", session_cookie(env), 8, stop)
        time.sleep(3)
        down = time.monotonic()
        postgres.restart()
        back = time.monotonic()
        time.sleep(3)
        stop.set()
        [client.join() for client in clients]
        server.terminate()
        server.wait()
    finally:
        postgres.remove()
    failed = [started for started, status in requests if status != 200]
    return {
        "requests": len(requests),
        "during": sum(started < back for started in failed),
        "after": sum(started >= back for started in failed),
        "seconds": back - down,
    }


def main() -> None:
    started = time.perf_counter()
    run("bash", ".ci/postgres")
    fresh_database("riskreg_bench")
    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput")
    small = pages(36)
    large = pages(356)
    reminders = json.loads(run(PYTHON, "bench/reminders.py"))
    report = paper(large["busiest"])
    imported = workbook_import()
    startup = django_startup()
    rates = throughput()
    restart = database_restart()
    fresh_database("riskreg_bench_workbooks", "riskreg_bench_empty")
    hostile = workbooks.table({**ENV, "DATABASE_URL": DB.format("riskreg_bench_workbooks")})
    print_table(small["pages"], large["pages"], large["busiest"], report, imported, rates, restart)
    print(f"\nDjango start-up alone (python -c 'django.setup()'): {startup:.2f} s.")
    print_reminders(reminders)
    print("\nWhat a workbook may cost (bench/workbooks.py), each imported by a new process:\n")
    workbooks.report(hostile)
    print(f"\n{os.cpu_count()} cores; bench took {time.perf_counter() - started:.0f} s.")


def print_reminders(figures: dict) -> None:
    """bench/reminders.py: a reminder day's first run of send_reminders, then a second."""
    print(
        f"\nsend_reminders over the bench data, to a real SMTP server: {figures['digests']} "
        f"digests and {figures['notices']} notices ({figures['received']} received) in "
        f"{figures['seconds']:.2f} s and {figures['queries']} queries ({figures['sent']} of "
        f"them marking an e-mail sent); run again the same day: {figures['again_sent']} sent, "
        f"{figures['again_seconds'] * 1000:.0f} ms, {figures['again_queries']} queries."
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def print_table(small, large, quarter, report, imported, rates, restart) -> None:
    rows = [("measure", "value", "floor", "ratio", "target", "")]
    rows += paper_rows(quarter, report)
    rows += page_rows(small, large)
    rows += throughput_rows(rates)
    rows += import_rows(imported)
    rows.append(
        (
            "requests that fail during a PostgreSQL restart",
            f"{restart['during']} of {restart['requests']} while it restarted "
            f"({restart['seconds']:.1f} s), {restart['after']} after it was back",
            "",
            "",
            "0 after it is back",
            verdict(restart["after"] == 0),
        )
    )
    widths = [max(len(str(row[i])) for row in rows) for i in range(6)]
    for index, row in enumerate(rows):
        print(" | ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("-+-".join("-" * width for width in widths))


def paper_rows(quarter: str, report: dict) -> list[tuple]:
    ratio = report["whole"] / report["floor"]
    return [
        (
            f"paper {quarter} in a warm worker: compose + render ({report['pages']} pages)",
            f"{report['whole']:.2f} s",
            f"{report['floor']:.2f} s (WeasyPrint alone, same HTML)",
            f"{ratio:.2f}",
            "≤ 1.10",
            verdict(ratio <= 1.10),
        ),
        ("paper command, whole process", f"{report['command']:.2f} s", "", "", "", "information"),
        (
            "paper command peak memory",
            f"{report['peak']} MB",
            "",
            "",
            "≤ 400 MB",
            verdict(report["peak"] <= 400),
        ),
    ]


def page_rows(small: dict, large: dict) -> list[tuple]:
    rows = []
    for name in large:
        queries = large[name]["queries"]
        same = small[name]["queries"] == queries
        rows.append(
            (
                f"page: {name}",
                f"{large[name]['ms']:.1f} ms",
                f"{small[name]['ms']:.1f} ms at 36",
                "",
                "≤ 13 queries, same at 36 and 356",
                f"{queries} / {small[name]['queries']} queries: " + verdict(same and queries <= 13),
            )
        )
    return rows


def throughput_rows(rates: dict) -> list[tuple]:
    floor = rates["trivial view"]["rate"]
    rows = []
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
    return rows


def import_rows(imported: dict) -> list[tuple]:
    ratio = imported["whole"] / imported["floor"]
    return [
        (
            "import 356 × 6 plan in a warm worker: confirm",
            f"{imported['whole']:.2f} s",
            f"{imported['floor']:.2f} s (openpyxl read)",
            f"{ratio:.2f}",
            "≤ 2",
            verdict(ratio <= 2),
        ),
        (
            "import command, whole process",
            f"{imported['command']:.2f} s",
            "",
            "",
            "",
            f"information; {imported['peak']} MB",
        ),
    ]


if __name__ == "__main__":
    main()
