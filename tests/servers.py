"""Real app servers for tests: gunicorn processes as a deployment runs them."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
# Every server behind one balancer shares the secret key: sessions and CSRF depend on it.
PASSWORD = "not-used-in-tests"  # what tests.factories.make_user gives everyone
SECRET_KEY = "one-secret-for-every-app-server-" + "k" * 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """The URL of a Django PostgreSQL database (the test database, say) for DATABASE_URL."""
    user, password = (
        quote(settings_dict["USER"], safe=""),
        quote(settings_dict["PASSWORD"], safe=""),
    )
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{settings_dict['NAME']}"


COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "var", "db.sqlite3", "__pycache__", "*_cache", "*.egg-info", "tests"
)


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    home: Path
    code: Path

    def files_written(self) -> list[str]:
        """What the server left on its disk: in its home, or beside its copy of the code."""
        written = [str(path) for path in self.home.rglob("*")]
        now = {str(path.relative_to(self.code)) for path in self.code.rglob("*")}
        return written + sorted(now - self.shipped)

    def __post_init__(self):
        self.shipped = {str(path.relative_to(self.code)) for path in self.code.rglob("*")}


def start_server(database: str, where: Path, **environment: str) -> Server:
    """gunicorn with two workers, as on a machine of its own: its own copy of the code, an
    empty working and temporary directory, and nothing shared but `database`."""
    home, code, log = where / "home", where / "code", where / "gunicorn.log"
    home.mkdir(parents=True)
    shutil.copytree(ROOT, code, ignore=COPY_IGNORE)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RISKREG_"))}
    env |= {
        "DATABASE_URL": database,
        "DJANGO_DEBUG": "true",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "TMPDIR": str(home),
        "PYTHONPATH": str(code),
        "PYTHONDONTWRITEBYTECODE": "1",
        **environment,
    }
    args = [str(GUNICORN), "riskreg.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    process = subprocess.Popen(
        [*args, "--timeout", "120"],
        cwd=home,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    server = Server(process, f"http://127.0.0.1:{port}", home, code)
    try:
        wait_until_live(server, log)
    except BaseException:
        stop_server(server)  # one that never answered must not outlive the test
        raise
    return server


def wait_until_live(server: Server, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn ended: {log.read_text()}")
        try:
            if requests.get(server.url + "/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or its workers still starting
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer in {seconds} s: {log.read_text()}")


def operator_env(database: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RISKREG_"))}
    return env | {"DATABASE_URL": database, "DJANGO_DEBUG": "true"}


def manage(database: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """A manage.py command against `database`, as an operator runs it."""
    env = operator_env(database) | {"DJANGO_SUPERUSER_PASSWORD": PASSWORD}
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if check and done.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} failed: {done.stdout}{done.stderr}")
    return done


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


class Forms(HTMLParser):
    """The forms of a page: each one's action and hidden inputs, as a browser sends them."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self.open = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}})
            self.open = True
        elif tag == "input" and self.open and attrs.get("type") == "hidden" and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.open = False

    def hidden(self, *, action: str | None = None, having: str | None = None) -> dict:
        for form in self.forms:
            if (action is None or form["action"] == action) and (
                having is None or having in form["fields"]
            ):
                return dict(form["fields"])
        raise AssertionError(f"no form with action={action!r} having={having!r}")


class Browser:
    """One person's browser: one cookie jar, each request sent to the server it names."""

    def __init__(self):
        self.session = requests.Session()

    def get(self, server: Server, path: str) -> requests.Response:
        return self.session.get(server.url + path, allow_redirects=False, timeout=120)

    def post(self, server: Server, path: str, data: dict, files=None) -> requests.Response:
        return self.session.post(
            server.url + path, data=data, files=files, allow_redirects=False, timeout=120
        )


PG_BIN = Path("/usr/lib/postgresql/15/bin")


class ThrowawayPostgres:
    """A PostgreSQL of a test's own, to stop and restart: never the machine's cluster.

    initdb into a temporary directory, on a free port, with its socket in that directory.
    As root it runs as the postgres user (initdb refuses root).
    """

    def __init__(self):
        # Not under pytest's tmp_path: the postgres user may not enter root's folders.
        self.dir, self.port = Path(tempfile.mkdtemp(prefix="riskreg-pg-")), free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.run(PG_BIN / "initdb", "-D", self.dir / "data", "--auth=trust", "-U", "postgres")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, *args) -> None:
        command = [str(arg) for arg in args]
        if os.geteuid() == 0:
            command = ["su", "postgres", "-c", " ".join(f"'{arg}'" for arg in command)]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)} failed: {done.stdout}{done.stderr}")

    def pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        data, log = self.dir / "data", self.dir / "postgres.log"
        self.run(PG_BIN / "pg_ctl", "-D", data, "-l", log, "-w", "-o", options, *args)

    def start(self) -> "ThrowawayPostgres":
        self.pg_ctl("start")
        return self

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast")

    def restart(self) -> None:
        """Stop (ending every connection) and start again; back when this returns."""
        self.pg_ctl("restart", "-m", "fast")

    def remove(self) -> None:
        with contextlib.suppress(RuntimeError):  # already stopped
            self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
