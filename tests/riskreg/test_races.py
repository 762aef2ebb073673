"""Two people at once, on PostgreSQL: what a publish, a late form and a first save do when
they overlap. Each runs in threads with their own database connections; SQLite takes one
writer at a time, so these tests need PostgreSQL (as CI has) and skip on SQLite."""

import datetime
import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client

from commitments.models import QuarterlyStatus
from registers.models import RiskReview
from reports import services
from reports.models import Paper
from tests.factories import make_commitment, make_period, make_review, make_risk, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite has one writer"
    ),
]


@pytest.fixture(autouse=True)
def roles():
    """Transactional tests flush the role groups the data migration made."""
    from django.apps import apps

    from riskreg.roles import sync_roles

    sync_roles(apps)


def in_thread(work, results: dict, name: str) -> threading.Thread:
    def run():
        try:
            results[name] = work()
        except Exception as error:  # noqa: BLE001 - the test reads what each thread met
            results[name] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.fixture
def slow_render(monkeypatch):
    """Rendering takes a second longer, so a save can arrive while a paper is published."""
    render = services.paper_pdf

    def slowly(paper):
        time.sleep(1.0)
        return render(paper)

    monkeypatch.setattr(services, "paper_pdf", slowly)


def client_for(*roles, **kw) -> Client:
    client = Client()
    client.user = make_user(*roles, **kw)
    client.force_login(client.user)
    return client


def draft(period) -> Paper:
    paper = Paper.start(period, meeting_date=datetime.date(2026, 3, 26))
    paper.save()
    return paper


def publish_in_thread(paper, results) -> threading.Thread:
    author = client_for("Report author")
    url = f"/papers/{paper.pk}/publish/"
    return in_thread(
        lambda: author.post(url, {"lock_version": paper.lock_version, "despite_gaps": "on"}),
        results,
        "publish",
    )


def test_saving_the_paper_form_while_it_is_published_is_refused(slow_render):
    paper = draft(make_period())
    editor = client_for("Report author")
    form = {"meeting_date": "2026-03-26", "themes": "Saved late", "lock_version": 1}
    results = {}
    publishing = publish_in_thread(paper, results)
    time.sleep(0.4)
    saving = in_thread(lambda: editor.post(f"/papers/{paper.pk}/", form), results, "save")
    publishing.join(), saving.join()
    assert results["publish"].status_code == 302
    assert results["save"].status_code in (200, 403)  # refused, with a page that says why
    paper.refresh_from_db()
    assert paper.is_published and paper.pdf and paper.period.is_locked
    assert paper.themes == ""


def test_a_status_saved_during_a_publish_is_refused_not_left_out_of_the_paper(slow_render):
    period = make_period()
    lead = client_for("SMT lead", first_name="Sam", last_name="Lead")
    commitment = make_commitment(ref="60", smt_lead=lead.user.person)
    paper = draft(period)
    results = {}
    publishing = publish_in_thread(paper, results)
    time.sleep(0.4)
    url = f"/commitments/60/status/{period.year}/Q{period.number}/"
    data = {"rag": "red", "update": "Saved during the publish", "lock_version": 0}
    saving = in_thread(lambda: lead.post(url, data), results, "save")
    publishing.join(), saving.join()
    assert "is locked" in results["save"].content.decode()
    assert not QuarterlyStatus.objects.filter(commitment=commitment).exists()
    paper.refresh_from_db()
    assert paper.is_published


def test_a_review_posted_during_a_publish_is_refused_and_the_paper_matches_the_data(slow_render):
    period = make_period()
    risk = make_risk(ref="OPCC-R01")
    review = make_review(risk, period, 2, 4)
    officer = client_for("Risk editor")
    paper = draft(period)
    results = {}
    publishing = publish_in_thread(paper, results)
    time.sleep(0.4)
    data = {"likelihood": 5, "impact": 4, "commentary": "Up", "lock_version": review.lock_version}
    saving = in_thread(lambda: officer.post("/risks/OPCC-R01/review/", data), results, "save")
    publishing.join(), saving.join()
    assert "is locked" in results["save"].content.decode()
    review.refresh_from_db()
    assert review.score == 8
    paper.refresh_from_db()
    assert paper.is_published


def test_two_first_saves_of_a_status_at_once_keep_one_and_refuse_the_other():
    period = make_period()
    lead = client_for("SMT lead", first_name="Sam", last_name="Lead")
    make_commitment(ref="60", smt_lead=lead.user.person)
    other = client_for("Plan manager", first_name="Priya", last_name="Manager")
    url = f"/commitments/60/status/{period.year}/Q{period.number}/"
    start = threading.Barrier(2)
    results = {}

    def save(client, rag):
        start.wait()
        return client.post(url, {"rag": rag, "update": rag, "lock_version": 0})

    threads = [
        in_thread(lambda: save(lead, "red"), results, "lead"),
        in_thread(lambda: save(other, "green"), results, "other"),
    ]
    for thread in threads:
        thread.join()
    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 302], results  # one saved; the other told, never a 500
    refused = next(r for r in results.values() if r.status_code == 200).content.decode()
    assert "was changed by Priya Manager" in refused or "was changed by Sam Lead" in refused
    assert "so your changes were not saved" in refused
    assert QuarterlyStatus.objects.count() == 1
    assert RiskReview.objects.count() == 0


def test_of_five_narrative_saves_from_the_same_copy_one_is_kept_and_four_are_told():
    paper = draft(make_period())
    start = threading.Barrier(5)
    results = {}

    def save(n):
        editor = client_for("Report author")
        form = {"meeting_date": "2026-03-26", "themes": f"Theme {n}", "lock_version": 1}
        start.wait()
        return editor.post(f"/papers/{paper.pk}/", form)

    threads = [in_thread(lambda n=n: save(n), results, n) for n in range(5)]
    for thread in threads:
        thread.join()
    codes = sorted(response.status_code for response in results.values())
    assert codes == [200, 200, 200, 200, 302], results
    told = [r.content.decode() for r in results.values() if r.status_code == 200]
    assert all("was changed by" in page for page in told)
    paper.refresh_from_db()
    assert paper.themes in {f"Theme {n}" for n in range(5)} and paper.lock_version == 2
