import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from riskreg.roles import ROLES
from tests.riskreg.test_identity_pages import IDENTITY_PUBLIC

ROOT = Path(__file__).resolve().parents[2]


def run_settings(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "riskreg.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off():
    result = run_settings({"DJANGO_DEBUG": "false"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_settings_start_with_a_secret_key_and_debug_off():
    result = run_settings({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 60})
    assert result.returncode == 0, result.stderr


def test_a_bad_boolean_is_a_clear_start_up_error():
    result = run_settings({"DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def all_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin" or pattern.pattern.regex.groupindex:
                continue  # the admin; allauth's second-factor keys (test_identity_*)
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from all_url_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if isinstance(pattern.pattern, RegexPattern) and pattern.pattern.regex.groupindex:
                continue  # allauth's links from e-mails and providers (test_identity_*)
            yield f"{namespace}{pattern.name}", pattern


SAMPLE_KWARGS = {"ref": "60", "year": 2025, "number": 3, "pk": 1}
PUBLIC = {"login", "healthz", "readyz", *IDENTITY_PUBLIC}


@pytest.mark.django_db
def test_every_url_redirects_an_anonymous_user_to_login(client):
    from django.urls import reverse

    checked = 0
    for name, pattern in all_url_names():
        if name in PUBLIC:
            continue
        kwargs = {k: SAMPLE_KWARGS[k] for k in pattern.pattern.converters}
        url = reverse(name, kwargs=kwargs)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (name, method, response.status_code)
            assert response.url.startswith("/login/"), (name, response.url)
        checked += 1
    assert checked >= 30


@pytest.mark.django_db
def test_the_five_roles_exist_with_their_permissions_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    smt = Group.objects.get(name="SMT lead")
    assert smt.permissions.filter(codename="update_own_status").exists()
    assert not smt.permissions.filter(codename="change_risk").exists()
    assert (
        Group.objects.get(name="Report author")
        .permissions.filter(codename="publish_paper")
        .exists()
    )


@pytest.mark.django_db
def test_a_page_with_no_data_of_its_own_reads_the_session_the_user_and_their_permissions(
    login, django_assert_num_queries
):
    client = login("SMT lead", "Viewer")
    with django_assert_num_queries(4):  # session, user, their permissions, their groups'
        assert client.get("/about/").status_code == 200


@pytest.mark.django_db
def test_home_page_shows_the_users_name_and_roles(login):
    client = login("SMT lead", "Viewer", first_name="Sam", last_name="Lead")
    page = client.get("/").content.decode()
    assert "Welcome, Sam Lead" in page
    assert "SMT lead" in page and "Viewer" in page
    assert "Risk register" in page  # the viewer role may read the register
    assert "Committee papers" in page


@pytest.mark.django_db
def test_navigation_shows_only_what_the_role_allows(login):
    page = login("Viewer").get("/").content.decode()
    assert "Periods" not in page
    assert "My commitments" not in page


@pytest.mark.django_db
def test_logging_in_through_the_form_and_out_by_post(client):
    from tests.factories import make_user

    make_user("Viewer", username="victor")
    from django.contrib.auth.models import User

    user = User.objects.get(username="victor")
    user.set_password("a-long-test-password")
    user.save()
    response = client.post("/login/", {"login": "victor", "password": "a-long-test-password"})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_docker_compose_sets_only_variables_settings_read():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    settings_text = (ROOT / "riskreg" / "settings.py").read_text()
    variables = compose["services"]["web"]["environment"]
    assert "DJANGO_SECRET_KEY" in variables and "DATABASE_URL" in variables
    for name in variables:
        assert f'"{name}"' in settings_text, f"{name} is set by docker-compose but never read"


def test_readme_documents_every_environment_variable_settings_read():
    import re

    settings_text = (ROOT / "riskreg" / "settings.py").read_text()
    readme = (ROOT / "README.md").read_text()
    names = set(re.findall(r'env_\w+\("([A-Z_]+)"', settings_text))
    names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', settings_text))
    assert "DJANGO_SECRET_KEY" in names
    for name in names:
        assert name in readme, f"{name} is missing from the README's configuration table"


@pytest.mark.django_db
def test_load_demo_refuses_to_run_with_debug_off():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="refuses to run with DJANGO_DEBUG off"):
        call_command("load_demo")
    from django.contrib.auth.models import User

    assert not User.objects.exists()


@pytest.mark.django_db
def test_load_demo_gives_each_role_a_user_and_if_empty_leaves_them_alone(capsys):
    from django.contrib.auth.models import User
    from django.core.management import call_command

    call_command("load_demo", force=True, password="first-password")
    assert "Every demo user's password is: first-password" in capsys.readouterr().out
    roles = {u.username: set(u.groups.values_list("name", flat=True)) for u in User.objects.all()}
    assert roles["smt.lead"] == {"SMT lead"} and roles["cfo"] >= {"Report author"}
    assert User.objects.get(username="admin").is_superuser
    call_command("load_demo", force=True, if_empty=True, password="second-password")
    assert "already loaded" in capsys.readouterr().out
    assert User.objects.get(username="viewer").check_password("first-password")


@pytest.mark.django_db
def test_the_admin_works_for_a_superuser_on_every_model(client):
    from django.contrib import admin
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("root", password="x" * 20))
    assert client.get("/admin/").status_code == 200
    for model in admin.site._registry:
        opts = model._meta
        url = f"/admin/{opts.app_label}/{opts.model_name}/"
        assert client.get(url).status_code == 200, url
        assert client.get(url + "add/").status_code in (200, 403), url


@pytest.mark.django_db
def test_the_admin_refuses_to_change_a_status_in_a_locked_period(client):
    from django.contrib.auth.models import User

    from tests.factories import lock, make_commitment, make_period, make_status

    status = make_status(make_commitment(), make_period(), "green")
    lock(status.period)
    client.force_login(User.objects.create_superuser("root", password="x" * 20))
    url = f"/admin/commitments/quarterlystatus/{status.pk}/change/"
    response = client.post(
        url,
        {
            "rag": "red",
            "update": "",
            "commitment": status.commitment_id,
            "period": status.period_id,
            "lock_version": status.lock_version,
        },
    )
    assert response.status_code == 403
    status.refresh_from_db()
    assert status.rag == "green"


@pytest.mark.django_db
def test_an_admin_edit_takes_part_in_optimistic_locking(client):
    from django.contrib.auth.models import User

    from riskreg.shared.records import StaleEdit
    from tests.factories import make_commitment, make_period, make_status

    status = make_status(make_commitment(), make_period(), "green")
    seen = status.lock_version
    client.force_login(User.objects.create_superuser("root", password="x" * 20))
    url = f"/admin/commitments/quarterlystatus/{status.pk}/change/"
    form = {"commitment": status.commitment_id, "period": status.period_id, "update": ""}
    assert f'name="lock_version" value="{seen}"' in client.get(url).content.decode()

    # A form opened before someone else's save is refused, and changes nothing.
    stale = client.post(url, {**form, "rag": "amber", "lock_version": seen - 1}, follow=True)
    assert "was changed by" in stale.content.decode()
    status.refresh_from_db()
    assert status.rag == "green" and status.lock_version == seen

    # A current one saves and moves the version on ...
    assert client.post(url, {**form, "rag": "red", "lock_version": seen}).status_code == 302
    status.refresh_from_db()
    assert status.rag == "red" and status.lock_version == seen + 1

    # ... so an update begun in riskreg before the admin's save is refused.
    status.rag, status.lock_version = "green", seen
    with pytest.raises(StaleEdit, match="Ada|root"):
        status.save()
