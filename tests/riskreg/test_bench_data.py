"""The bench's data: its users get past the second-factor gate, as deployed users do."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@override_settings(MFA_ENFORCED=True)
def test_the_bench_users_open_the_pages_the_bench_measures_with_mfa_enforced():
    call_command("bench_data", commitments=12, risks=2, quarters=2, history=1)
    for username, url in [("bench.all", "/commitments/"), ("bench.lead", "/commitments/mine/")]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        assert client.get(url).status_code == 200, username
