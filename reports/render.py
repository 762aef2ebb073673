"""The paper as HTML, and as PDF through reports.pdf."""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from reports import pdf
from reports.compose import compose

STATIC_ROOTS = [Path(d).resolve() for d in settings.STATICFILES_DIRS]


def static_only_fetcher():
    return pdf.static_only_fetcher(STATIC_ROOTS)


def paper_html(paper, stylesheet: str | None = None) -> str:
    """The paper's HTML; `stylesheet` is a URL for the browser, a file URI for WeasyPrint."""
    context = compose(paper)
    context["stylesheet"] = stylesheet or (STATIC_ROOTS[0] / "css" / "paper.css").as_uri()
    return render_to_string("reports/paper.html", context)


def html_to_pdf(html: str, fetcher=None) -> bytes:
    return pdf.html_to_pdf(html, STATIC_ROOTS, fetcher)


def paper_pdf(paper) -> bytes:
    return html_to_pdf(paper_html(paper))
