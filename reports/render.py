"""The paper as HTML, and as a tagged PDF that fetches nothing from outside static/."""

from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.template.loader import render_to_string

from reports.compose import compose

STATIC_ROOTS = [Path(d).resolve() for d in settings.STATICFILES_DIRS]


class RefusedFetch(ValueError):
    pass


def static_only_fetcher():
    """A WeasyPrint fetcher that reads files under static/ and refuses every other URL.

    Refused URLs are kept on `.refused`, so tests can show nothing was fetched.
    """
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"file"}, allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if url.startswith("file://"):
                path = Path(unquote(url.removeprefix("file://").split("?")[0])).resolve()
                if any(path.is_relative_to(root) for root in STATIC_ROOTS) and path.is_file():
                    return super().fetch(url, headers)
            self.refused.append(url)
            raise RefusedFetch(f"riskreg fetches nothing outside static/ for a paper: {url}")

    return StaticOnlyFetcher()


def paper_html(paper, stylesheet: str | None = None, back_url: str | None = None) -> str:
    """The paper's HTML; `stylesheet` is a URL for the browser, a file URI for WeasyPrint.

    `back_url`, for the browser's preview only, is where its "Back to the paper" link goes.
    """
    context = compose(paper)
    context["stylesheet"] = stylesheet or (STATIC_ROOTS[0] / "css" / "paper.css").as_uri()
    context["back_url"] = back_url
    return render_to_string("reports/paper.html", context)


def html_to_pdf(html: str, fetcher=None) -> bytes:
    """A tagged PDF (PDF/UA-1); relative URLs are read from static/."""
    from weasyprint import HTML  # imported here: it is slow to import and only papers need it

    fetcher = static_only_fetcher() if fetcher is None else fetcher
    base = STATIC_ROOTS[0].as_uri() + "/"
    return HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1")


def paper_pdf(paper) -> bytes:
    return html_to_pdf(paper_html(paper))
