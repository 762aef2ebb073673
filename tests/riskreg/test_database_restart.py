"""A PostgreSQL restart under an app server: no request fails once the database is back."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from tests.servers import (
    PASSWORD,
    Browser,
    Forms,
    ThrowawayPostgres,
    manage,
    start_server,
    stop_server,
)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the restart is of a PostgreSQL: run with DATABASE_URL=postgres://…")
    postgres = ThrowawayPostgres().start()
    yield postgres
    postgres.remove()


def statuses_at_once(browser, server, path: str, clients: int = 4, each: int = 8) -> list:
    """Several clients at once, so that every gunicorn worker serves some of them."""
    answers = []

    def client():
        answers.extend(browser.get(server, path).status_code for _ in range(each))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    [thread.start() for thread in threads]
    [thread.join() for thread in threads]
    return answers


def test_after_a_postgresql_restart_no_request_fails_and_readiness_follows_it(postgres, tmp_path):
    manage(postgres.url, "migrate", "--noinput")
    manage(postgres.url, "createsuperuser", "--noinput", "--username", "ops", "--email", "o@x.uk")
    server = start_server(postgres.url, tmp_path / "server", DATABASE_CONN_MAX_AGE="600")
    try:
        browser, login = Browser(), reverse("login")
        fields = Forms(browser.get(server, login).text).hidden(action=login)
        browser.post(server, login, {**fields, "login": "ops", "password": PASSWORD})
        assert set(statuses_at_once(browser, server, "/about/")) == {200}  # connections kept
        postgres.restart()  # every kept connection is now dead
        assert statuses_at_once(browser, server, "/about/") == [200] * 32
        postgres.stop()
        assert browser.get(server, "/healthz").status_code == 200
        assert browser.get(server, "/readyz").status_code == 503
        postgres.start()
        assert browser.get(server, "/readyz").status_code == 200
        assert browser.get(server, "/about/").status_code == 200
    finally:
        stop_server(server)
