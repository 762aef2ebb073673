import pytest

from tests.factories import make_user

pytest_plugins = ["tests.identity_fixtures"]


@pytest.fixture
def login(client):
    """login("SMT lead") → a client logged in as a new user with that role."""

    def log_in(*roles, **kw):
        user = make_user(*roles, **kw)
        client.force_login(user)
        client.user = user
        return client

    return log_in
