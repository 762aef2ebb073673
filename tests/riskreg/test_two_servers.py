"""Two app servers on one PostgreSQL, a client alternating between them as a balancer would.

Each server is a gunicorn with its own empty working and temporary directory; all they
share is the test database (and the secret key), as behind a real load balancer.
"""

import datetime
import hashlib
import threading

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from reports.models import Paper
from riskreg.roles import sync_roles
from tests.factories import make_period, make_user
from tests.riskreg.test_uploads import plan_workbook_with_a_change, rag_of_60
from tests.servers import PASSWORD, Browser, Forms, database_url, start_server, stop_server

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("real_password_hashing"),  # the servers hash as deployed
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def servers(django_db_setup, tmp_path_factory):
    if connection.vendor != "postgresql":
        pytest.skip("two app servers share one PostgreSQL: run with DATABASE_URL=postgres://…")
    url, started = database_url(connection.settings_dict), []
    try:
        for name in ("a", "b"):
            started.append(start_server(url, tmp_path_factory.mktemp(f"server-{name}")))
        yield started
    finally:
        for server in started:
            stop_server(server)


@pytest.fixture
def roles(transactional_db):
    sync_roles(apps)  # transactional tests flush the groups the data migration made


def log_in(browser, form_from, post_to, username, password=PASSWORD):
    login = reverse("login")
    fields = Forms(browser.get(form_from, login).text).hidden(action=login)
    return browser.post(post_to, login, {**fields, "login": username, "password": password})


def assert_no_files_left(servers):
    for server in servers:
        assert server.files_written() == [], f"{server.url} kept state on its disk"


def test_logging_in_on_one_server_is_logged_in_on_the_other(servers, roles):
    a, b = servers
    make_user("Viewer", username="vera", first_name="Vera")
    browser = Browser()
    assert log_in(browser, a, b, "vera").status_code == 302
    for server in (a, b):
        assert "Welcome, Vera" in browser.get(server, "/").text
    page = browser.get(a, "/")
    browser.post(b, reverse("logout"), Forms(page.text).hidden(action=reverse("logout")))
    assert browser.get(a, "/").status_code == 302  # logged out everywhere


def test_an_import_dry_run_on_one_server_is_confirmed_on_the_other(servers, roles):
    a, b = servers
    make_user("Plan manager", username="pam")
    data, path = plan_workbook_with_a_change(), "/commitments/import/"
    browser = Browser()
    log_in(browser, a, b, "pam")
    fields = Forms(browser.get(b, path).text).hidden()
    upload = {"workbook": ("plan.xlsx", data, XLSX)}
    page = browser.post(a, path, fields, files=upload).text
    assert "1 would be changed" in page and rag_of_60() == "red"
    confirm = Forms(page).hidden(having="confirm")
    # Confirmed twice at once (a double click reaching both servers): imported once.
    answers = {}
    threads = [
        threading.Thread(target=lambda s=s: answers.update({s.url: browser.post(s, path, confirm)}))
        for s in (b, a)
    ]
    [thread.start() for thread in threads]
    [thread.join() for thread in threads]
    locations = sorted(answer.headers["Location"] for answer in answers.values())
    assert locations == ["/commitments/", path]  # one imported, one told it has gone
    assert rag_of_60() == "green"
    assert_no_files_left(servers)


def test_a_paper_published_on_one_server_is_downloaded_from_the_other(servers, roles):
    a, b = servers
    make_user("Report author", username="cfo")
    paper = Paper.start(make_period(), meeting_date=datetime.date(2026, 3, 26))
    paper.save()
    browser = Browser()
    log_in(browser, b, a, "cfo")
    publish = reverse("reports:publish", args=[paper.pk])
    fields = Forms(browser.get(b, publish).text).hidden(action=publish)
    assert browser.post(a, publish, fields).status_code == 302
    pdf = browser.get(b, reverse("reports:pdf", args=[paper.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    paper.refresh_from_db()
    assert paper.is_published and hashlib.sha256(pdf.content).hexdigest() == paper.sha256
    assert_no_files_left(servers)


def test_five_failed_logins_spread_over_both_servers_lock_the_account(servers, roles):
    a, b = servers
    make_user("Viewer", username="lou")
    browser = Browser()
    answers = [
        log_in(browser, a if i % 2 else b, b if i % 2 else a, "lou", "wrong").status_code
        for i in range(5)
    ]
    assert answers == [200, 200, 200, 200, 429]
    for server in (a, b):  # now even the right password is refused on both
        assert log_in(browser, server, server, "lou").status_code == 429
