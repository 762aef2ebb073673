"""Hostile text in every free-text field is shown as text on every page and in the PDF."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from commitments.models import Person, PolicyArea
from registers.models import Action, Control, Issue
from reports.models import Paper
from reports.render import html_to_pdf, paper_html, static_only_fetcher
from tests.factories import (
    make_commitment,
    make_period,
    make_review,
    make_risk,
    make_status,
    make_user,
)
from tests.riskreg.test_foundation import all_url_names
from tests.riskreg.test_permissions import ROLES

PAYLOAD = '<script>alert(1)</script>"onmouseover="alert(2)" x=\'url(http://example.com/x.css)\''
RAW = ["<script>alert(1)", '"onmouseover="alert(2)"', "x='url(http://example.com"]


@pytest.fixture
def hostile(db):
    q2, q3 = make_period("2025/26 Q2"), make_period("2025/26 Q3")
    owner = Person.objects.create(name="Owner " + PAYLOAD, job_title=PAYLOAD)
    area = PolicyArea.objects.create(name="Area " + PAYLOAD)
    commitment = make_commitment(
        ref="60", text=PAYLOAD, timescale=PAYLOAD, policy_area=area, smt_lead=owner
    )
    make_status(commitment, q2, "red", update=PAYLOAD)
    make_status(commitment, q3, "amber", update=PAYLOAD + " now")
    risk = make_risk(
        ref="R1",
        title=PAYLOAD,
        description=PAYLOAD,
        cause=PAYLOAD,
        consequence=PAYLOAD,
        owner=owner,
    )
    risk.commitments.add(commitment)
    make_review(risk, q2, 2, 2, commentary=PAYLOAD)
    make_review(risk, q3, 4, 4, commentary=PAYLOAD + " again")
    make_risk(ref="R2", title=PAYLOAD, description=PAYLOAD, status="Proposed", owner=owner)
    control = Control.objects.create(risk=risk, description=PAYLOAD)
    Issue.objects.create(risk=risk, owner=owner, description=PAYLOAD, resolution=PAYLOAD)
    action = Action.objects.create(risk=risk, description=PAYLOAD, owner=owner)
    paper = Paper.start(q3)
    for field in Paper.NARRATIVE_FIELDS + ["contact_name", "contact_title", "agenda_item"]:
        setattr(paper, field, PAYLOAD[:20] if field == "agenda_item" else PAYLOAD)
    paper.save()
    kwargs = {"ref": "60", "year": 2025, "number": 3, "pk": paper.pk}
    return paper, control, action, kwargs


def test_every_page_shows_hostile_text_as_text(hostile):
    paper, control, action, kwargs = hostile
    client = Client()
    client.force_login(make_user(*ROLES, first_name=PAYLOAD))
    pages = 0
    for name, pattern in all_url_names():
        values = {k: kwargs[k] for k in pattern.pattern.converters}
        if name.startswith("registers:") and "ref" in values:
            values["ref"] = "R1"
            if "pk" in values:
                values["pk"] = control.pk if "control" in name else action.pk
        response = client.get(reverse(name, kwargs=values))
        if response.status_code != 200 or "html" not in response["Content-Type"]:
            continue
        page = response.content.decode()
        for raw in RAW:
            assert raw not in page, (name, raw)
        pages += 1
    assert pages >= 26


def test_the_pdf_prints_hostile_text_as_text_and_fetches_nothing(hostile):
    paper = hostile[0]
    fetcher = static_only_fetcher()
    pdf = html_to_pdf(paper_html(paper), fetcher=fetcher)
    assert fetcher.refused == []
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "<script>alert(1)</script>" in text
    assert "url(http://example.com/x.css)" in text
