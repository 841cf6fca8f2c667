"""Which URLs the downloader may fetch: the webhooks' SSRF guard (paperlane.notify.webhooks), applied
to the source's URL when it is saved and again to every request (each redirect hop and each PDF link).
Requests connect through a pinned client (paperlane.notify.egress), which resolves the name once,
checks every address and connects to the one it checked: DNS answers change.

Refused: schemes other than https (plain http only for localhost when loopback is allowed: the local
stack), credentials in the URL, fragments, and hosts that are or resolve to private, loopback,
link-local, reserved or metadata addresses (169.254.169.254, fd00:ec2::254).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from paperlane.fetch.errors import FetchRefused
from paperlane.notify.webhooks import validate_url


def check_url(url: str, *, allow_loopback: bool, resolve: bool = True) -> str:
    """The URL, or FetchRefused saying why it may not be fetched. ``resolve=False``: the shape and IP
    literals only, for a request whose connection checks the name (a pinned client)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise FetchRefused(f"{shown(url)} is not a valid URL.") from None
    if parts.username is not None or parts.password is not None:
        # Said here: the webhooks' wording is about signatures.
        raise FetchRefused("Credentials in the URL are not allowed (user:password@host).")
    try:
        return validate_url(url, allow_loopback=allow_loopback, resolve=resolve)
    except ValueError as exc:
        raise FetchRefused(f"{shown(url)} is refused: {exc}.") from None


def shown(url: str) -> str:
    """A URL as messages show it: without credentials or query (they may hold secrets), at most 200
    characters."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        host = f"[{host}]" if ":" in host else host
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "The URL"
    text = f"{parts.scheme}://{host}{port}{parts.path}" if parts.scheme else url.split("?", 1)[0]
    return text if len(text) <= 200 else text[:197] + "..."
