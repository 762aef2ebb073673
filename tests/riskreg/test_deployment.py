"""docker-compose describes the real shape: alike app servers, one migration, the jobs."""

import re
from pathlib import Path

import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def app_servers() -> dict:
    return {n: s for n, s in SERVICES.items() if s.get("command", "").startswith("gunicorn")}


def test_docker_compose_runs_two_alike_app_servers_on_loopback_keeping_nothing_on_disk():
    servers = app_servers()
    assert len(servers) >= 2
    environments = [server["environment"] for server in servers.values()]
    assert all(environment == environments[0] for environment in environments)
    for server in servers.values():
        assert "volumes" not in server  # no state on a web container's disk
        assert [port.startswith("127.0.0.1:") for port in server["ports"]] == [True]
        assert server["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "/readyz" in " ".join(server["healthcheck"]["test"])
    ports = [server["ports"][0].split(":")[1] for server in servers.values()]
    assert len(set(ports)) == len(ports)


def test_docker_compose_migrates_once_and_runs_each_job_as_a_service_of_its_own():
    assert SERVICES["migrate"]["command"] == "python manage.py migrate --noinput"
    assert SERVICES["migrate"]["restart"] == "no"
    assert "clear_expired_uploads" in SERVICES["clear-uploads"]["command"]
    assert "send_reminders" in SERVICES["reminders"]["command"]
    backup = SERVICES["backup"]
    assert "pg_dump --format=custom" in backup["command"]
    assert backup["volumes"] == ["backups:/backups"] and "backups" in COMPOSE["volumes"]
    for name, service in SERVICES.items():
        if name not in app_servers():
            assert "ports" not in service, f"{name} should not be reachable from outside"


def test_every_command_docker_compose_runs_exists_or_waits_in_a_profile():
    commands = get_commands()
    for name, service in SERVICES.items():
        for command in re.findall(r"manage\.py (\w+)", service.get("command", "")):
            assert command in commands or "profiles" in service, (name, command)
