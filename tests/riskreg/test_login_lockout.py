"""Login lockout behind the TLS proxy: by username and the client's own address."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import make_user
from tests.riskreg.test_foundation import run_settings

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
PASSWORD = "the-right-password"


@pytest.fixture
def behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    user = make_user("Viewer", username="victor")
    user.set_password(PASSWORD)
    user.save()


def through_the_proxy(client_address: str, **headers) -> Client:
    """A browser at `client_address`, reaching riskreg through the proxy."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address, **headers)


def log_in(client: Client, password: str):
    return client.post(reverse("login"), {"login": "victor", "password": password})


def test_five_failures_behind_the_proxy_lock_that_client_and_not_everyone(behind_the_proxy):
    attacker = through_the_proxy("203.0.113.5")
    for _ in range(5):
        log_in(attacker, "wrong")
    assert log_in(attacker, PASSWORD).status_code == 429
    colleague = through_the_proxy("198.51.100.7")
    assert log_in(colleague, PASSWORD).status_code == 302


def test_an_address_the_client_wrote_into_the_header_is_not_believed(behind_the_proxy):
    # The proxy appends the address it saw; what the client sent stands to its left.
    for n in range(5):
        log_in(through_the_proxy(f"192.0.2.{n}, 203.0.113.5"), "wrong")
    assert log_in(through_the_proxy("192.0.2.99, 203.0.113.5"), PASSWORD).status_code == 429
    assert log_in(through_the_proxy("203.0.113.6"), PASSWORD).status_code == 302


def test_a_client_that_bypasses_the_proxy_cannot_choose_its_address(behind_the_proxy):
    for n in range(5):
        log_in(Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"), "wrong")
    direct = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert log_in(direct, PASSWORD).status_code == 429


def test_one_username_guessed_from_many_addresses_is_locked_at_the_higher_limit(
    behind_the_proxy, settings
):
    settings.RISKREG_USERNAME_FAILURE_LIMIT = 12
    for n in range(11):  # eleven addresses, one guess each: none is locked
        log_in(through_the_proxy(f"192.0.2.{n}"), "wrong")
    assert log_in(through_the_proxy("198.51.100.1"), PASSWORD).status_code == 302
    log_in(through_the_proxy("192.0.2.11"), "wrong")  # the twelfth
    page = log_in(through_the_proxy("198.51.100.2"), PASSWORD)
    assert page.status_code == 429
    assert "locked from every address for 15 minutes" in page.content.decode()


def test_authenticate_itself_locks_by_username_and_the_address_behind_the_proxy(
    behind_the_proxy,
):
    """The lockout lives in the authentication backend, whatever login view calls it."""

    def request_from(address: str):
        return RequestFactory().post("/anywhere/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)

    for _ in range(5):
        assert authenticate(request_from("203.0.113.5"), username="victor", password="x") is None
    locked = authenticate(request_from("203.0.113.5"), username="victor", password=PASSWORD)
    assert locked is None
    other = authenticate(request_from("198.51.100.7"), username="victor", password=PASSWORD)
    assert other == User.objects.get(username="victor")


def test_the_security_log_names_the_clients_address_not_the_proxys(behind_the_proxy, caplog, login):
    with caplog.at_level("INFO", logger="riskreg.security"):
        log_in(through_the_proxy("203.0.113.5"), "wrong")
        log_in(through_the_proxy("203.0.113.5"), PASSWORD)
        viewer = login("Viewer")
        viewer.defaults.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.3")
        viewer.get(reverse("commitments:import"))
    assert "login failed user=victor address=203.0.113.5" in caplog.text
    assert "login succeeded user=victor address=203.0.113.5" in caplog.text
    assert "permission denied" in caplog.text and "address=198.51.100.3 " in caplog.text
    assert PROXY not in caplog.text


def test_forwarded_https_is_believed_only_from_the_proxy(behind_the_proxy, settings):
    settings.SECURE_SSL_REDIRECT = True
    direct = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https")
    assert direct.get(reverse("login")).status_code == 301
    proxied = through_the_proxy("203.0.113.9", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.get(reverse("login")).status_code == 200


def test_behind_a_proxy_riskreg_refuses_to_start_without_knowing_the_proxys_address():
    env = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 60, "DJANGO_BEHIND_PROXY": "true"}
    result = run_settings(env)
    assert result.returncode != 0
    assert "DJANGO_BEHIND_PROXY=true needs DJANGO_TRUSTED_PROXIES" in result.stderr
    bad = run_settings({**env, "DJANGO_TRUSTED_PROXIES": "10.0.0.2,proxy.local"})
    assert "DJANGO_TRUSTED_PROXIES: 'proxy.local' is not an IP address" in bad.stderr
    good = run_settings({**env, "DJANGO_TRUSTED_PROXIES": "10.0.0.2, 172.16.0.0/12"})
    assert good.returncode == 0, good.stderr


def test_changing_the_case_of_a_username_does_not_escape_the_lockout(behind_the_proxy):
    attacker = through_the_proxy("203.0.113.5")
    for name in ("victor", "VICTOR", "Victor", "vIctor", "viCtor"):
        attacker.post(reverse("login"), {"login": name, "password": "wrong"})
    for name in ("victor", "VICTOR", "victoR"):
        response = attacker.post(reverse("login"), {"login": name, "password": PASSWORD})
        assert response.status_code == 429, name
