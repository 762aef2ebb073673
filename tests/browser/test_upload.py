"""The import form as a browser fills it: a file input, a checkbox, and a confirmation."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def plan_manager(live_server, transactional_db):
    from django.apps import apps

    from riskreg.roles import sync_roles
    from tests.factories import make_user

    sync_roles(apps)  # transactional tests flush the groups the data migration made
    user = make_user("Plan manager", username="plan.manager")
    user.set_password(PASSWORD)
    user.save()
    return live_server.url


def test_a_plan_manager_ticks_add_people_checks_the_workbook_and_confirms_it(
    plan_manager, page, tmp_path
):
    from riskreg.shared.models import PendingUpload
    from tests.riskreg.test_uploads import plan_workbook_with_a_change, rag_of_60

    workbook = tmp_path / "plan.xlsx"
    workbook.write_bytes(plan_workbook_with_a_change())
    log_in(page, plan_manager, "plan.manager")
    page.goto(f"{plan_manager}/commitments/import/")
    page.get_by_label("Workbook*", exact=True).set_input_files(workbook)
    page.get_by_label("Add new people: anyone it names who is not in riskreg yet").check()
    page.get_by_role("button", name="Check the workbook").click()
    expect(page.get_by_text("0 would be created, 1 would be changed")).to_be_visible()
    expect(page.get_by_text("It names no one who is not in riskreg already.")).to_be_visible()
    upload = PendingUpload.objects.get()
    assert upload.add_people is True and upload.filename == "plan.xlsx"
    page.once("dialog", lambda dialog: dialog.accept())  # "Import this workbook now?"
    page.get_by_role("button", name="Confirm the import").click()
    page.wait_for_url(f"{plan_manager}/commitments/")
    expect(page.get_by_text("Imported. 0 were created, 1 was changed")).to_be_visible()
    assert rag_of_60() == "green" and not PendingUpload.objects.exists()
