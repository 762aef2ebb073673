"""Request bodies are bounded before anyone reads them; only GET, HEAD and POST are answered."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


def post_claiming(client: Client, url: str, length: int):
    """A multipart POST whose Content-Length says `length` but whose body is tiny: the
    test client refuses to read past the body, so only a refusal before reading passes."""
    return client.post(
        url,
        data=b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(length),
    )


def test_an_unauthenticated_258_mb_post_to_login_is_refused_before_it_is_read():
    response = post_claiming(Client(enforce_csrf_checks=True), reverse("login"), 258 * MB)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")
    assert "This request is too large: riskreg accepts at most 2 MB here." in response.text


def test_every_page_but_the_imports_takes_at_most_2_mb(login):
    client = login("Risk editor")
    assert post_claiming(client, reverse("registers:create"), 2 * MB + 1).status_code == 413
    form = client.post(reverse("registers:create"), {"title": "x" * (MB // 2)})
    assert form.status_code == 200  # read and answered with the form's errors


@pytest.mark.parametrize(
    "role, url",
    [("Plan manager", "commitments:import"), ("Risk editor", "registers:import")],
)
def test_the_import_pages_take_a_ten_mb_workbook_and_refuse_anything_larger(login, role, url):
    client = login(role)
    upload = SimpleUploadedFile("big.xlsx", b"\0" * (10 * MB + 1))
    page = client.post(reverse(url), {"workbook": upload})
    assert page.status_code == 200 and "The file is over 10 MB." in page.text
    assert post_claiming(client, reverse(url), 11 * MB).status_code == 413


@pytest.mark.parametrize("method", ["TRACE", "OPTIONS", "PUT", "DELETE", "PATCH"])
def test_only_get_head_and_post_are_answered(login, method):
    for client in (Client(), login("Viewer")):
        response = client.generic(method, reverse("home"))
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD, POST"
        assert b"riskreg" not in response.content
    assert login("Viewer").head(reverse("home")).status_code == 200


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw_request(port: int, head: bytes) -> bytes:
    """Send `head`, then read whatever the server answers until it closes (at most 10 s)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


@pytest.fixture
def gunicorn():
    """riskreg under gunicorn with the repository's gunicorn.conf.py, as docker-compose runs it."""
    port = free_port()
    env = {**os.environ, "DJANGO_DEBUG": "true", "DJANGO_SETTINGS_MODULE": "riskreg.settings"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "riskreg.wsgi", "-c", "gunicorn.conf.py"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield port
    server.terminate()
    server.wait(10)


def test_under_gunicorn_a_huge_upload_is_answered_413_without_waiting_for_its_body(gunicorn):
    head = (
        b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 270532608\r\n\r\n"
    )
    # None of the 258 MB announced is sent: a server that read the body would wait for it.
    assert raw_request(gunicorn, head).startswith(b"HTTP/1.1 413")


def test_under_gunicorn_oversized_headers_and_trace_are_refused(gunicorn):
    huge_header = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Junk: " + b"j" * 9000 + b"\r\n\r\n"
    assert raw_request(gunicorn, huge_header).startswith(b"HTTP/1.1 431")
    many = b"".join(b"X-H%d: 1\r\n" % n for n in range(60))
    assert raw_request(gunicorn, b"GET / HTTP/1.1\r\n" + many + b"\r\n").startswith(b"HTTP/1.1 431")
    trace = raw_request(gunicorn, b"TRACE /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert trace.startswith(b"HTTP/1.1 405")
