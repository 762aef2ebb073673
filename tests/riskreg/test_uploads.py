"""Pending uploads: the workbook waits in the database between dry run and confirmation."""

import datetime
import functools

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from commitments.exporters import export_plan
from commitments.models import Period, QuarterlyStatus
from registers.exporters import export_risks
from riskreg.shared.models import PendingUpload
from tests.factories import make_commitment, make_period, make_status

pytestmark = pytest.mark.django_db
PLAN = "/commitments/import/"


def plan_workbook_with_a_change() -> bytes:
    """A plan workbook that turns one Red status back to Green."""
    status = make_status(make_commitment(ref="60"), make_period(), "green")
    data = export_plan()
    status.rag = "red"
    status.save()
    return data


def rag_of_60() -> str:
    return QuarterlyStatus.objects.get(commitment__ref="60").rag


def dry_run(client, data: bytes, **extra) -> str:
    upload = SimpleUploadedFile("plan.xlsx", data)
    return client.post(PLAN, {"workbook": upload, **extra}).content.decode()


def confirm(client, upload: PendingUpload):
    return client.post(PLAN, {"confirm": "1", "upload": str(upload.token)})


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_dry_run_keeps_the_workbook_in_the_database_for_its_owner(login):
    client = login("Plan manager")
    data = plan_workbook_with_a_change()
    page = dry_run(client, data)
    assert "1 would be changed" in page
    upload = PendingUpload.objects.get()
    assert bytes(upload.data) == data and upload.filename == "plan.xlsx"
    assert upload.owner == client.user and upload.kind == "commitments.importers.import_plan"
    assert str(upload.token) in page  # the confirm button names this dry run
    response = confirm(client, upload)
    assert response.status_code == 302 and rag_of_60() == "green"
    assert not PendingUpload.objects.exists()


def test_a_second_dry_run_replaces_the_first_and_the_first_cannot_be_confirmed(login):
    client = login("Plan manager")
    data = plan_workbook_with_a_change()
    dry_run(client, data)
    first = PendingUpload.objects.get()
    dry_run(client, data)
    second = PendingUpload.objects.get()
    assert second.token != first.token
    response = confirm(client, first)
    assert messages_of(response) == ["That upload has expired: please upload the workbook again."]
    assert rag_of_60() == "red"
    assert PendingUpload.objects.get() == second


def test_another_user_cannot_confirm_someone_elses_upload(client, login):
    data = plan_workbook_with_a_change()
    owner = login("Plan manager")
    dry_run(owner, data)
    upload = PendingUpload.objects.get()
    other = login("Plan manager")  # the same test client, now logged in as someone else
    response = confirm(other, upload)
    assert messages_of(response) == ["That upload has expired: please upload the workbook again."]
    assert rag_of_60() == "red"
    assert PendingUpload.objects.get() == upload


def test_an_expired_upload_cannot_be_confirmed_and_the_next_upload_deletes_it(login, settings):
    settings.PENDING_UPLOAD_MINUTES = 60
    client = login("Plan manager")
    data = plan_workbook_with_a_change()
    dry_run(client, data)
    upload = PendingUpload.objects.get()
    upload.created = timezone.now() - datetime.timedelta(minutes=61)
    upload.save()
    assert messages_of(confirm(client, upload))[0].startswith("That upload has expired")
    assert rag_of_60() == "red"
    dry_run(login("Plan manager"), data)  # anyone's upload clears what has expired
    assert list(PendingUpload.objects.values_list("owner", flat=True)) == [client.user.pk]
    assert PendingUpload.objects.get().token != upload.token


def test_clear_expired_uploads_deletes_only_the_expired_ones(login, settings, capsys):
    settings.PENDING_UPLOAD_MINUTES = 60
    data = plan_workbook_with_a_change()
    dry_run(login("Plan manager"), data)
    dry_run(login("Plan manager"), data)
    old = PendingUpload.objects.first()
    old.created = timezone.now() - datetime.timedelta(hours=2)
    old.save()
    call_command("clear_expired_uploads")
    assert "Deleted 1 expired pending upload." in capsys.readouterr().out
    assert list(PendingUpload.objects.all()) == [PendingUpload.objects.exclude(pk=old.pk).get()]


def test_logging_out_deletes_the_users_pending_uploads(login):
    client = login("Plan manager", "Risk editor")
    dry_run(client, plan_workbook_with_a_change())
    client.post("/risks/import/", {"workbook": SimpleUploadedFile("r.xlsx", export_risks())})
    assert PendingUpload.objects.filter(owner=client.user).count() == 2  # one of each kind
    client.post("/logout/")
    assert not PendingUpload.objects.exists()


def test_a_confirm_that_fails_keeps_the_upload_and_shows_the_problems(login):
    client = login("Plan manager")
    dry_run(client, plan_workbook_with_a_change())
    upload = PendingUpload.objects.get()
    Period.objects.update(state=Period.State.LOCKED)  # someone locks the quarter meanwhile
    page = confirm(client, upload).content.decode()
    assert "The workbook was not imported: 1 problem" in page
    assert "2025/26 Q3 is locked" in page
    assert "Confirm the import again" in page and str(upload.token) in page
    assert PendingUpload.objects.get() == upload and rag_of_60() == "red"
    Period.objects.update(state=Period.State.OPEN)  # put right, the same upload goes in
    assert confirm(client, upload).status_code == 302
    assert rag_of_60() == "green" and not PendingUpload.objects.exists()


def test_the_add_people_choice_reaches_the_importer_at_dry_run_and_at_confirm(login, monkeypatch):
    from commitments import views

    calls = []

    @functools.wraps(views.import_plan)
    def recording(data, **kw):
        calls.append((kw["dry_run"], kw["add_people"]))
        return real(data, **kw)

    real = views.import_plan
    monkeypatch.setattr(views, "import_plan", recording)
    client = login("Plan manager")
    data = plan_workbook_with_a_change()
    page = dry_run(client, data, add_people="on")
    assert "Add new people: anyone it names who is not in riskreg yet" not in page
    assert "It names no one who is not in riskreg already." in page
    assert PendingUpload.objects.get().add_people is True
    confirm(client, PendingUpload.objects.get())
    assert calls == [(True, True), (False, True)]
    dry_run(client, data)
    assert calls[-1] == (True, False) and PendingUpload.objects.get().add_people is False


def test_the_upload_form_offers_to_add_people(login):
    page = login("Plan manager").get(PLAN).content.decode()
    assert 'type="checkbox" name="add_people"' in page
    assert "Add new people: anyone it names who is not in riskreg yet" in page
