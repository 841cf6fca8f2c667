"""The PDF links of an HTML page: ``<a href>`` (and ``<area href>``) whose path ends in ``.pdf``."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if not href:
            return
        if tag == "base" and self.base is None:
            self.base = href.strip()
        elif tag in ("a", "area"):
            self.hrefs.append(href.strip())


def is_pdf_link(url: str) -> bool:
    """Whether a (resolved) URL names a PDF: its path ends in .pdf, whatever the case; query ignored."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.path.lower().endswith(".pdf")


def pdf_links(html: str, page_url: str, *, limit: int) -> list[str]:
    """Absolute URLs of the PDFs a page links, in page order, without duplicates, at most ``limit``.

    Relative links resolve against the page's URL (or its ``<base href>``); fragments are dropped, so
    ``a.pdf#page=2`` and ``a.pdf`` are one file. Links that are not http(s) (mailto:, javascript:) are
    ignored; whether the rest may be fetched is the guard's business, at download time.
    """
    parser = _Anchors()
    parser.feed(html)
    parser.close()
    base = urljoin(page_url, parser.base) if parser.base else page_url
    found: list[str] = []
    seen: set[str] = set()
    for href in parser.hrefs:
        try:
            url = urldefrag(urljoin(base, href)).url
        except ValueError:  # e.g. a malformed IPv6 host
            continue
        if url in seen or not is_pdf_link(url):
            continue
        seen.add(url)
        found.append(url)
        if len(found) >= limit:
            break
    return found
