import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from pypdf import PdfReader

from commitments.models import Period
from registers.models import Risk
from reports.models import Paper
from reports.render import html_to_pdf, paper_html, static_only_fetcher
from riskreg import demo
from tests.factories import (
    make_commitment,
    make_period,
    make_published_paper,
    make_review,
    make_risk,
    make_status,
    make_user,
)

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def demo_paper():
    demo.load("a-demo-password")
    return Paper.objects.get(period__year=2025, period__number=3)


def squash(text: str) -> str:
    return " ".join(text.split())


def test_the_demo_paper_pdf_carries_the_reference_counts_refs_and_phrases(demo_paper):
    pdf = html_to_pdf(paper_html(demo_paper))
    assert pdf.startswith(b"%PDF")
    text = squash(pdf_text(pdf))
    for phrase in [
        "OPCC RISK MANAGEMENT UPDATE",
        "JOINT AUDIT COMMITTEE",
        "26 MARCH 2026",
        "Agenda Item 12",
        "3.4 20 of the 356 individual deliverables in the Plan were marked as being at Red status "
        "for deliverability in February 2026, an increase from 10 in quarter 2.",
        "3.5 In addition to the risks marked red above, eight commitments were marked red",
        "Appropriate support for leavers and the families of officers and staff.",
        "3.9 Improving Risks",
        "4.1 The review of the risk register has identified no new corporate risks for the OPCC.",
        "4.2 One new risk is still being considered and evaluated for inclusion, and that is the "
        "risk of funding cuts to partners",
        "5.1 There are two risks which have increased in risk rating since last quarter.",
        "6.1 During the last quarter, no risk scores were reduced.",
        "That risk has crystallised and we are now dealing with it as an issue.",
        "8.1 The Committee note the contents of the report and appendices.",
        "Name: Jane Heppel",
        "Title: Chief Finance Officer",
        "Office of the Police and Crime Commissioner",
        "Page 1 of",
        "OPCC-R01 Public trust and confidence in Policing",  # the appendix's ref on one line
    ]:
        assert phrase in text, phrase


def test_the_demo_paper_has_the_reference_tables_in_order(demo_paper):
    from reports.compose import compose

    parts = compose(demo_paper)
    plan = parts["sections"][2].paras
    red = next(p for p in plan if p.number == "3.4")
    # The rule (committee-paper.md): red in both quarters first, then newly red, by ref in each.
    assert [r.ref for r in red.rows] == [
        "60",
        "96",
        "103",
        "243",
        "307",
        "184",
        "198",
        "217",
        "218",
        "224",
        "324",
        "330",
    ]
    assert len(next(p for p in plan if p.number == "3.5").bullets) == 8
    improving = next(p for p in plan if p.number == "3.9")
    assert [r.ref for r in improving.rows] == ["36", "75", "101", "164", "314"]
    assert parts["counts"] == {"red": 20, "total": 356, "red_before": 10}


def publish(client, paper):
    paper.refresh_from_db()
    return client.post(f"/papers/{paper.pk}/publish/", {"lock_version": paper.lock_version})


def test_publishing_stores_the_final_paper_its_hash_and_locks_the_period(login, demo_paper):
    client = login("Report author")
    assert "Draft, version 1" in squash(pdf_text(html_to_pdf(paper_html(demo_paper))))
    assert publish(client, demo_paper).status_code == 302
    demo_paper.refresh_from_db()
    assert demo_paper.is_published and demo_paper.published_by == client.user
    assert Period.objects.get(pk=demo_paper.period_id).is_locked
    first = client.get(f"/papers/{demo_paper.pk}/pdf/").content
    assert hashlib.sha256(first).hexdigest() == demo_paper.sha256
    text = squash(pdf_text(first))
    assert "Draft" not in text and "26 MARCH 2026" in text  # the final paper, as published
    # A later register change leaves the published paper byte-identical.
    risk = Risk.objects.get(ref="OPCC-R05")
    risk.title = "Something else entirely"
    risk.save()
    make_commitment(ref="9999", text="A commitment added after publishing")
    viewer = Client()
    viewer.force_login(make_user("Viewer"))
    assert viewer.get(f"/papers/{demo_paper.pk}/pdf/").content == first
    # …and it cannot be edited or published again.
    edit = client.get(f"/papers/{demo_paper.pk}/")
    assert edit.status_code == 403 and "Start version 2" in edit.content.decode()
    publish(client, demo_paper)
    assert client.get(f"/papers/{demo_paper.pk}/pdf/").content == first


def test_a_paper_without_a_meeting_date_is_not_published(login, demo_paper):
    demo_paper.meeting_date = None
    demo_paper.save()
    client = login("Report author")
    page = client.post(
        f"/papers/{demo_paper.pk}/publish/", {"lock_version": demo_paper.lock_version}, follow=True
    ).content.decode()
    assert "has no meeting date: give the date of the committee meeting" in page
    demo_paper.refresh_from_db()
    assert not demo_paper.is_published and not demo_paper.period.is_locked


def test_a_correction_is_a_new_version_and_the_old_one_is_kept(login, demo_paper):
    client = login("Report author")
    publish(client, demo_paper)
    client.post("/papers/new/", {"period": demo_paper.period_id})
    versions = list(Paper.objects.filter(period=demo_paper.period).values_list("version", "status"))
    assert sorted(versions) == [(1, "Published"), (2, "Draft")]
    correction = Paper.objects.get(version=2)
    assert correction.themes == demo_paper.themes  # narrative carried over


def test_a_viewer_sees_only_published_papers_and_cannot_download_a_draft(login, demo_paper):
    client = login("Viewer")
    assert "2025/26 Q3 version 1" not in client.get("/papers/").content.decode()
    assert client.get(f"/papers/{demo_paper.pk}/pdf/").status_code == 403
    assert client.post(f"/papers/{demo_paper.pk}/publish/").status_code == 403


def test_a_hostile_title_is_escaped_and_nothing_is_fetched():
    q2, q3 = make_period("2025/26 Q2"), make_period("2025/26 Q3")
    hostile = '<img src="http://example.com/x">'
    risk = make_risk(title=hostile)
    make_review(risk, q2, 2, 2), make_review(risk, q3, 4, 4, commentary="<script>alert(1)</script>")
    commitment = make_commitment(
        ref="1", text='<link rel=stylesheet href="http://example.com/s.css">'
    )
    make_status(
        commitment, q3, "red", update="<style>@import url(http://example.com/a.css)</style>"
    )
    paper = Paper.start(q3)
    html = paper_html(paper)
    assert "&lt;img src=&quot;http://example.com/x&quot;&gt;" in html
    assert "<img" not in html and "<script>" not in html
    fetcher = static_only_fetcher()
    pdf = html_to_pdf(html, fetcher=fetcher)
    assert fetcher.refused == []
    # Table cells wrap long words, so compare without white space.
    assert "".join(hostile.split()) in "".join(pdf_text(pdf).split())


def test_the_fetcher_refuses_anything_outside_static():
    fetcher = static_only_fetcher()
    html = '<html lang="en-GB"><title>t</title><img src="http://example.com/x.png"><img src="file:///etc/passwd"></html>'
    html_to_pdf(html, fetcher=fetcher)
    assert fetcher.refused == ["http://example.com/x.png", "file:///etc/passwd"]


@pytest.mark.parametrize("size", [5, 300])
def test_the_paper_preview_queries_do_not_grow_with_commitments(
    login, size, django_assert_num_queries
):
    q2, q3 = make_period("2025/26 Q2"), make_period("2025/26 Q3")
    for i in range(size):
        c = make_commitment(ref=str(i + 1))
        make_status(c, q2, "red" if i % 3 == 0 else "green")
        make_status(c, q3, "red" if i % 2 == 0 else "amber")
        make_review(make_risk(), q3)
    paper = Paper.start(q3)
    paper.save()
    client = login("Report author")
    with django_assert_num_queries(10):
        assert client.get(f"/papers/{paper.pk}/preview/").status_code == 200


def test_the_committee_report_command_writes_pdf_and_html(tmp_path, demo_paper):
    from django.core.management import call_command

    out, html = tmp_path / "paper.pdf", tmp_path / "paper.html"
    call_command(
        "committee_report",
        quarter="2025-26 Q3",
        output=out,
        html=html,
        meeting_date="2026-03-26",
        agenda_item="12",
    )
    assert "20 of the 356" in squash(pdf_text(out.read_bytes()))
    assert '<html lang="en-GB">' in html.read_text()
    assert "20 of the 356" in html.read_text()


def test_the_committee_report_command_rejects_a_bad_quarter(tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="has no quarter Q5"):
        call_command("committee_report", quarter="2025/26 Q5", output=tmp_path / "x.pdf")


def test_a_draft_is_rendered_again_only_when_its_paper_would_change(login, demo_paper, monkeypatch):
    from reports import views

    renders = []
    real = views.html_to_pdf
    monkeypatch.setattr(views, "html_to_pdf", lambda html: renders.append(1) or real(html))
    client = login("Report author")
    url = f"/papers/{demo_paper.pk}/pdf/"
    first = client.get(url).content
    assert client.get(url).content == first and len(renders) == 1  # kept, not rendered again
    demo_paper.refresh_from_db()
    demo_paper.themes = "A theme written after the first download."
    demo_paper.save()
    assert b"%PDF" in client.get(url).content[:8] and len(renders) == 2
    publish(client, demo_paper)
    assert client.get(url).content == bytes(Paper.objects.get(pk=demo_paper.pk).pdf)


def test_the_papers_list_offers_the_next_version_of_the_latest_published_paper(login):
    client = login("Report author")
    first = make_published_paper(client.user)
    page = client.get("/papers/").content.decode()
    assert page.count("Start version 2") == 1 and "Start version 3" not in page
    client.post("/papers/new/", {"period": first.period_id})
    page = client.get("/papers/").content.decode()
    assert "Start version" not in page  # version 2 is the latest now, and a draft
    assert Paper.objects.filter(period=first.period, version=2).exists()
    assert "Start version" not in login("Viewer").get("/papers/").content.decode()


def test_a_period_has_one_draft_at_a_time_from_the_page_and_from_the_model(login, demo_paper):
    client = login("Report author")
    response = client.post("/papers/new/", {"period": demo_paper.period_id}, follow=True)
    assert f"{demo_paper} is still a draft: edit it, or publish it" in response.content.decode()
    assert Paper.objects.filter(period=demo_paper.period).count() == 1
    with pytest.raises(ValidationError, match="is still a draft"):
        Paper.start(demo_paper.period).save()
