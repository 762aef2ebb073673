"""Liveness (/healthz) and readiness (/readyz): cheap, unauthenticated, deaf to cookies."""

import pytest
import requests
from django.db.migrations.recorder import MigrationRecorder

from tests.servers import free_port, start_server, stop_server


@pytest.mark.django_db
def test_healthz_says_ok_without_the_database_or_a_cookie_even_for_a_logged_in_user(
    login, django_assert_num_queries
):
    client = login("Viewer")
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
    assert not response.cookies  # the session is neither read nor renewed
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_is_ready_after_one_look_at_the_migrations(login, django_assert_max_num_queries):
    client = login("Viewer")
    with django_assert_max_num_queries(2):  # is there a migrations table, and what it holds
        response = client.get("/readyz")
    assert response.status_code == 200 and response.content == b"ready"
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_answers_503_while_a_migration_is_not_applied(client):
    MigrationRecorder.Migration.objects.filter(app="shared").latest("id").delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"not ready: 1 migrations not applied"


@pytest.mark.django_db
def test_the_probes_answer_a_balancer_by_address_over_http(client, settings):
    settings.ALLOWED_HOSTS = ["riskreg.example"]
    settings.SECURE_SSL_REDIRECT = True
    for path in ("/healthz", "/readyz"):
        assert client.get(path, HTTP_HOST="10.0.3.7:8000").status_code == 200
    assert client.get("/login/", HTTP_HOST="10.0.3.7:8000").status_code == 400


def test_with_the_database_unreachable_healthz_is_ok_and_readyz_503_even_with_a_cookie(
    tmp_path,
):
    closed = f"postgres://riskreg:riskreg@127.0.0.1:{free_port()}/riskreg"
    server = start_server(closed, tmp_path)
    try:
        cookies = {"sessionid": "an-old-session-from-before-the-outage"}
        page = requests.get(server.url + "/about/", cookies=cookies, timeout=30)
        assert page.status_code == 500  # the database really is out of reach
        live = requests.get(server.url + "/healthz", cookies=cookies, timeout=30)
        assert (live.status_code, live.text) == (200, "ok")
        ready = requests.get(server.url + "/readyz", cookies=cookies, timeout=30)
        assert (ready.status_code, ready.text) == (503, "not ready: the database does not answer")
    finally:
        stop_server(server)
