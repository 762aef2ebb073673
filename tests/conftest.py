import pytest

from tests.factories import make_user

pytest_plugins = ["tests.identity_fixtures"]


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Django's PBKDF2 costs 0.18 s a password here, paid by every user a test makes (about
    three minutes of `make test`); the tests check who may sign in, not the hash's strength."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def real_password_hashing():
    """Django's own hashers, for users that a server in another process must sign in."""
    from django.conf import global_settings
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
        yield


@pytest.fixture
def login(client):
    """login("SMT lead") → a client logged in as a new user with that role."""

    def log_in(*roles, **kw):
        user = make_user(*roles, **kw)
        client.force_login(user)
        client.user = user
        return client

    return log_in
