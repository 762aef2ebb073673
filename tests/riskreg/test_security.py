import io
import time
import zipfile

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from commitments.importers import import_plan
from commitments.models import Commitment
from riskreg.shared.workbooks import WorkbookRefused
from tests.factories import make_user
from tests.riskreg.test_foundation import run_settings

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_content_security_policy_and_the_other_headers(login):
    response = login("Viewer").get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_has_inline_script_or_style():
    from pathlib import Path

    for path in Path(__file__).resolve().parents[2].joinpath("templates").rglob("*.html"):
        text = path.read_text()
        assert "<style" not in text, path
        assert " style=" not in text, path
        assert "<script>" not in text and "onclick" not in text, path


def test_production_settings_use_hsts_for_a_year_and_secure_cookies():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_AGE)"
    )
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="riskreg.settings", DJANGO_SECRET_KEY="x" * 60)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["31536000", "True", "True", "True", "43200"], out.stderr
    assert run_settings({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 60}).returncode == 0


def set_password(username: str, password: str) -> None:
    user = User.objects.get(username=username)
    user.set_password(password)
    user.save()


def test_five_failed_logins_lock_that_username_for_fifteen_minutes(caplog):
    make_user("Viewer", username="victor")
    set_password("victor", "the-right-password")
    client = Client(REMOTE_ADDR="10.1.2.3")
    with caplog.at_level("INFO", logger="riskreg.security"):
        for _ in range(5):
            client.post("/login/", {"login": "victor", "password": "wrong"})
        response = client.post("/login/", {"login": "victor", "password": "the-right-password"})
    assert response.status_code == 429
    assert "locked from your address for 15 minutes" in response.content.decode()
    assert "login failed user=victor address=10.1.2.3" in caplog.text
    # Another address is not locked out.
    other = Client(REMOTE_ADDR="10.9.9.9")
    ok = other.post("/login/", {"login": "victor", "password": "the-right-password"})
    assert ok.status_code == 302


def test_a_successful_login_is_logged_and_gets_a_new_session_key(caplog):
    make_user("Viewer", username="victor")
    set_password("victor", "the-right-password")
    client = Client()
    client.get("/login/")
    client.session.save()
    before = client.session.session_key
    with caplog.at_level("INFO", logger="riskreg.security"):
        client.post("/login/", {"login": "victor", "password": "the-right-password"})
    assert client.session.session_key != before
    assert "login succeeded user=victor address=127.0.0.1" in caplog.text


def age_session(client, **seconds_ago) -> None:
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = int(time.time()) - ago
    session.save()


def test_a_session_ends_after_thirty_minutes_idle(login):
    client = login("Viewer")
    client.get("/")
    age_session(client, last_seen=31 * 60)
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_a_session_ends_twelve_hours_after_login_however_busy(login):
    client = login("Viewer")
    client.get("/")
    age_session(client, login_at=12 * 3600 + 60, last_seen=10)
    assert client.get("/").status_code == 302


def test_a_session_used_within_thirty_minutes_goes_on(login):
    client = login("Viewer")
    client.get("/")
    age_session(client, last_seen=29 * 60)
    assert client.get("/").status_code == 200


def workbook_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "Commitments"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_over_10_mb_is_refused():
    with pytest.raises(WorkbookRefused, match="over 10 MB"):
        import_plan(b"PK" + b"\0" * (10 * 1024 * 1024 + 1))


def test_a_workbook_that_unpacks_to_over_100_mb_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (101 * 1024 * 1024))
    assert len(out.getvalue()) < 10 * 1024 * 1024
    with pytest.raises(WorkbookRefused, match="unpacks to over 100 MB"):
        import_plan(out.getvalue())


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData>
</worksheet>"""


def test_an_xml_bomb_is_refused_and_nothing_is_written(login):
    source = io.BytesIO(workbook_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as bomb:
        for item in original.infolist():
            data = original.read(item.filename)
            bomb.writestr(item, BOMB if item.filename == "xl/worksheets/sheet1.xml" else data)
    client = login("Plan manager")
    upload = SimpleUploadedFile("plan.xlsx", out.getvalue())
    page = client.post("/commitments/import/", {"workbook": upload}).content.decode()
    assert "refused as unsafe or damaged" in page
    assert Commitment.objects.count() == 0


def test_a_sheet_of_a_million_rows_is_refused():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Commitments"
    sheet.append(["Ref", "Policy Area", "Individual Commitment", "SMT Lead"])
    sheet.cell(row=1_000_000, column=1, value="1")
    out = io.BytesIO()
    book.save(out)
    result = import_plan(out.getvalue())
    assert "Sheet 'Commitments' has over 20,000 rows, so it was refused." in result.problems
