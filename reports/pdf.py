"""HTML to PDF with WeasyPrint, fetching nothing from outside static/.

Nothing here imports Django, so riskreg.head_start's process can render a paper while
the command's own process is still starting Django.
"""

from pathlib import Path
from urllib.parse import unquote


class RefusedFetch(ValueError):
    pass


def static_only_fetcher(roots: list[Path]):
    """A WeasyPrint fetcher that reads files under `roots` and refuses every other URL.

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
                if any(path.is_relative_to(root) for root in roots) and path.is_file():
                    return super().fetch(url, headers)
            self.refused.append(url)
            raise RefusedFetch(f"riskreg fetches nothing outside static/ for a paper: {url}")

    return StaticOnlyFetcher()


def html_to_pdf(html: str, roots: list[Path], fetcher=None) -> bytes:
    """A tagged PDF (PDF/UA-1); relative URLs are read from the first of `roots`."""
    from weasyprint import HTML  # imported here: it is slow to import and only papers need it

    fetcher = static_only_fetcher(roots) if fetcher is None else fetcher
    base = roots[0].as_uri() + "/"
    return HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1")
