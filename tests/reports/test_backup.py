"""Backups: make backup, pg_restore into a new database, migrate, verify_papers."""

import datetime
import subprocess

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from reports.models import Paper
from tests.factories import make_period, make_user
from tests.servers import ROOT, database_url, manage, operator_env

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 64  # every byte value, as a real PDF has


def publish(quarter: str, pdf: bytes = PDF) -> Paper:
    paper = Paper.start(make_period(quarter), meeting_date=datetime.date(2026, 3, 26))
    paper.save()
    paper.mark_published(make_user("Report author"), timezone.now())
    paper.freeze(pdf)
    paper.save()
    return paper


def tamper(cursor, paper: Paper) -> None:
    """A change made outside riskreg, as a bad restore or a stray UPDATE would make it."""
    cursor.execute("UPDATE reports_paper SET pdf = %s WHERE id = %s", [PDF[:-1] + b"!", paper.pk])


@pytest.mark.django_db
def test_verify_papers_passes_intact_papers_and_names_a_tampered_one(capsys):
    publish("2025/26 Q2")
    changed = publish("2025/26 Q3")
    Paper.start(make_period("2025/26 Q4")).save()  # a draft has nothing to check
    call_command("verify_papers")
    assert "2 published papers checked: every PDF matches." in capsys.readouterr().out
    with connection.cursor() as cursor:
        tamper(cursor, changed)
    with pytest.raises(CommandError, match="1 of 2 published papers do not match"):
        call_command("verify_papers")
    named = capsys.readouterr().err
    assert f"Risk Management Update 2025/26 Q3 v1 (id {changed.pk}," in named
    assert "2025/26 Q2" not in named


@pytest.fixture
def new_database():
    """An empty database beside the test database, dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("make backup runs pg_dump: run with DATABASE_URL=postgres://…")
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = database_url(connection.settings_dict)
    with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
        yield admin.rsplit("/", 1)[0] + f"/{name}"
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_new_database_keeps_every_paper_intact(tmp_path, new_database):
    paper = publish("2025/26 Q3")
    env = operator_env(database_url(connection.settings_dict))
    made = subprocess.run(
        ["make", "-s", "backup", f"BACKUP_DIR={tmp_path}"],
        cwd=ROOT,
        env=env,
        text=True,
        capture_output=True,
        check=True,
    )
    [backup] = tmp_path.iterdir()
    assert made.stdout.strip() == str(backup) and backup.name.startswith("riskreg-")
    # The README's restore drill, step by step.
    restore = ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction"]
    subprocess.run([*restore, f"--dbname={new_database}", str(backup)], check=True)
    assert "No migrations to apply." in manage(new_database, "migrate", "--noinput").stdout
    verified = manage(new_database, "verify_papers")
    assert "1 published paper checked: every PDF matches." in verified.stdout
    with psycopg.connect(new_database.replace("postgres://", "postgresql://")) as db:
        tamper(db.cursor(), paper)
    refused = manage(new_database, "verify_papers", check=False)
    assert refused.returncode == 1
    assert "Risk Management Update 2025/26 Q3 v1" in refused.stderr
