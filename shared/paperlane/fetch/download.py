"""One guarded GET: every hop checked by the SSRF guard, a timeout, a size cap, a few redirects.

Connections go through a pinned client (paperlane.notify.egress): each host is resolved once, every
address checked, and the connection made to the address checked, so DNS rebinding gets nowhere.

Redirects are followed by hand, at most ``MAX_REDIRECTS``, so that each target is checked before it is
requested (httpx's own following would let a 302 to 169.254.169.254 through). Bodies are read in
chunks and abandoned past ``max_bytes`` (``TOO_LARGE``), whatever ``Content-Length`` claimed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from paperlane import __version__
from paperlane.errors import TooLarge
from paperlane.fetch.errors import FetchFailed, FetchRefused
from paperlane.fetch.guard import check_url, shown
from paperlane.notify.egress import EgressRefused, NameUnresolved, Resolver, pinned_client

MAX_REDIRECTS = 3
PDF_MAGIC = b"%PDF-"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_DISPOSITION_NAME = re.compile(r"""filename\*?=(?:UTF-8'')?"?([^";]+)"?""", re.IGNORECASE)


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects: what relative links resolve against
    content_type: str  # lowercase, without parameters; "" when the server sent none
    body: bytes
    charset: str | None = None
    disposition: str = ""

    @property
    def is_pdf(self) -> bool:
        # The header says so, or the file does (PDF readers accept the magic within the first 1 KiB).
        return self.content_type in _PDF_TYPES or PDF_MAGIC in self.body[:1024]

    @property
    def is_html(self) -> bool:
        if self.content_type in _HTML_TYPES:
            return True
        head = self.body[:1024].lstrip().lower()
        return not self.content_type and (head.startswith(b"<!doctype html") or head.startswith(b"<html"))

    def text(self) -> str:
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:  # a charset Python does not know
            return self.body.decode("utf-8", errors="replace")

    def filename(self) -> str:
        """The name the server gives the file (Content-Disposition), else the URL's last path segment."""
        named = _DISPOSITION_NAME.search(self.disposition)
        name = unquote(named.group(1)) if named else unquote(urlsplit(self.url).path.rsplit("/", 1)[-1])
        return name if name.lower().endswith(".pdf") else f"{name or 'document'}.pdf"


class Downloader:
    def __init__(
        self,
        *,
        max_bytes: int,
        timeout_seconds: float,
        allow_loopback: bool = False,
        resolver: Resolver | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self._max_bytes = max_bytes
        self._timeout = timeout_seconds
        self._allow_loopback = allow_loopback
        # Pinned: no automatic redirects (each hop is checked here), no proxies from the environment,
        # and each connection made to the address the guard checked. ``client`` is for tests (a mock
        # transport); it would connect unguarded.
        self._http = client or pinned_client(
            timeout=timeout_seconds,
            allow_loopback=allow_loopback,
            resolver=resolver,
            headers={"User-Agent": f"Paperlane-Downloader/{__version__}"},
        )

    def get(self, url: str) -> Fetched:
        """GET ``url``: FetchRefused, FetchFailed or TooLarge when it cannot be had."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            # The shape here; the name is resolved and checked by the connection itself.
            check_url(current, allow_loopback=self._allow_loopback, resolve=False)
            try:
                with self._http.stream("GET", current) as response:
                    location = response.headers.get("location")
                    if response.status_code in _REDIRECTS and location:
                        current = urljoin(current, location.strip())
                        continue
                    if not 200 <= response.status_code < 300:
                        raise FetchFailed(f"{shown(current)} answered HTTP {response.status_code}.")
                    body = self._read(response, current)
                    content_type = response.headers.get("content-type", "")
                    return Fetched(
                        url=current,
                        content_type=content_type.split(";", 1)[0].strip().lower(),
                        body=body,
                        charset=response.charset_encoding,
                        disposition=response.headers.get("content-disposition", ""),
                    )
            except NameUnresolved as refused:  # DNS may answer on the next run
                raise FetchFailed(f"{shown(current)} could not be fetched: {refused.reason}.") from None
            except EgressRefused as refused:
                raise FetchRefused(f"{shown(current)} is refused: {refused.reason}.") from None
            except httpx.TimeoutException:
                raise FetchFailed(f"{shown(current)} did not answer within {self._timeout:g} s.") from None
            except httpx.HTTPError as exc:
                raise FetchFailed(f"{shown(current)} could not be fetched ({type(exc).__name__}).") from None
        raise FetchFailed(f"{shown(url)} redirects more than {MAX_REDIRECTS} times.")

    def _read(self, response: httpx.Response, url: str) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise self._too_large(url)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self._max_bytes:
                raise self._too_large(url)
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, url: str) -> TooLarge:
        return TooLarge(f"{shown(url)} is larger than MAX_FILE_BYTES ({self._max_bytes} bytes).")

    def close(self) -> None:
        self._http.close()
