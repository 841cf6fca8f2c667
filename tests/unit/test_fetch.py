"""The downloader's decisions, without AWS: which links are PDFs, which URLs may be fetched, and what a
GET gives back (redirects, caps, types) over a mock transport."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx
import pytest

from paperlane.errors import TooLarge
from paperlane.fetch.download import Downloader
from paperlane.fetch.errors import FetchFailed, FetchRefused
from paperlane.fetch.guard import check_url, shown
from paperlane.fetch.links import pdf_links
from paperlane.fetch.run import source_ids_of
from paperlane.local.schedules import Schedule, Scheduler

PAGE = "https://93.184.215.14/reports/index.html"  # a public address: no DNS needed

# ---------------------------------------------------------------------------- links


def test_pdf_links_resolve_against_the_page_in_order_without_duplicates() -> None:
    html = """<html><body>
      <a href="2026/q1.pdf">Q1</a>
      <a href="https://93.184.215.14/archive/Q2.PDF">Q2, absolute, upper case</a>
      <a href="/top.pdf?download=1">with a query</a>
      <a href="2026/q1.pdf#page=3">the same file, a fragment</a>
      <a href="notes.html">not a PDF</a> <a href="data.csv">nor this</a>
      <a href="mailto:x@example.org?subject=a.pdf">mail</a> <a href="javascript:go('a.pdf')">script</a>
      <a>no href</a> <area href="../map.pdf">
    </body></html>"""
    assert pdf_links(html, PAGE, limit=20) == [
        "https://93.184.215.14/reports/2026/q1.pdf",
        "https://93.184.215.14/archive/Q2.PDF",
        "https://93.184.215.14/top.pdf?download=1",
        "https://93.184.215.14/map.pdf",
    ]


def test_pdf_links_stop_at_the_limit_and_honour_base_href() -> None:
    html = '<base href="https://93.184.215.14/files/">' + "".join(f'<a href="f{i}.pdf">' for i in range(10))
    links = pdf_links(html, PAGE, limit=3)
    assert links == [f"https://93.184.215.14/files/f{i}.pdf" for i in range(3)]


def test_pdf_links_survive_broken_html() -> None:
    html = '<a href="ok.pdf"><div><a href="http://[::1/bad.pdf">broken host</a><a href="two.pdf"'
    assert pdf_links(html, PAGE, limit=5) == ["https://93.184.215.14/reports/ok.pdf"]


# ---------------------------------------------------------------------------- the guard


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://93.184.215.14/a.pdf", "https://"),
        ("file:///etc/passwd", "https://"),
        ("http://93.184.215.14/a.pdf", "use https://"),
        ("https://user:secret@93.184.215.14/a.pdf", "Credentials"),
        ("https://169.254.169.254/latest/meta-data/", "private"),
        ("https://10.0.0.8/a.pdf", "private"),
        ("https://192.168.1.20/a.pdf", "private"),
        ("https://[fe80::1]/a.pdf", "private"),
        ("https://[fd00:ec2::254]/a.pdf", "private"),
        ("http://127.0.0.1:8000/a.pdf", "local stack"),
        ("https://93.184.215.14/a.pdf#page=2", "fragment"),
    ],
)
def test_the_guard_refuses_with_a_reason(url: str, why: str) -> None:
    with pytest.raises(FetchRefused) as refused:
        check_url(url, allow_loopback=False)
    assert refused.value.code == "FETCH_REFUSED"
    assert why in refused.value.message
    assert "secret" not in refused.value.message


def test_the_guard_allows_public_https_and_loopback_only_when_allowed() -> None:
    assert check_url("https://93.184.215.14/a.pdf", allow_loopback=False)
    assert check_url("http://127.0.0.1:8000/a.pdf", allow_loopback=True)
    assert check_url("http://localhost/a.pdf", allow_loopback=True)
    with pytest.raises(FetchRefused):  # loopback is this machine only, not a private network
        check_url("http://10.0.0.8/a.pdf", allow_loopback=True)


def test_urls_in_messages_lose_credentials_and_queries() -> None:
    assert shown("https://u:p@93.184.215.14:8443/a.pdf?token=abc") == "https://93.184.215.14:8443/a.pdf"


# ---------------------------------------------------------------------------- one GET


def _downloader(handler: Callable[[httpx.Request], httpx.Response], *, max_bytes: int = 10_000) -> Downloader:
    client = httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=False)
    return Downloader(max_bytes=max_bytes, timeout_seconds=5, client=client)


PDF = b"%PDF-1.7\n" + b"0" * 200


def test_a_pdf_is_recognised_by_its_type_or_its_magic() -> None:
    typed = _downloader(
        lambda r: httpx.Response(200, content=b"x", headers={"content-type": "application/pdf"})
    )
    assert typed.get("https://93.184.215.14/a.pdf").is_pdf
    octet = _downloader(
        lambda r: httpx.Response(200, content=PDF, headers={"content-type": "application/octet-stream"})
    )
    fetched = octet.get("https://93.184.215.14/get?id=7")
    assert fetched.is_pdf and not fetched.is_html
    assert fetched.filename() == "get.pdf"
    html = _downloader(lambda r: httpx.Response(200, text="<p>hi</p>", headers={"content-type": "text/html"}))
    page = html.get(PAGE)
    assert page.is_html and not page.is_pdf and page.text() == "<p>hi</p>"


def test_the_server_may_name_the_file() -> None:
    named = _downloader(
        lambda r: httpx.Response(
            200, content=PDF, headers={"content-disposition": 'attachment; filename="Budget 2026.pdf"'}
        )
    )
    assert named.get("https://93.184.215.14/download/55").filename() == "Budget 2026.pdf"


def test_redirects_are_followed_a_few_times_each_hop_checked() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old.pdf":
            return httpx.Response(301, headers={"location": "/new.pdf"})
        if request.url.path == "/new.pdf":
            return httpx.Response(200, content=PDF)
        if request.url.path == "/sneaky.pdf":
            return httpx.Response(302, headers={"location": "https://169.254.169.254/latest/meta-data/"})
        return httpx.Response(302, headers={"location": request.url.path + "x"})  # forever

    d = _downloader(handler)
    fetched = d.get("https://93.184.215.14/old.pdf")
    assert fetched.url == "https://93.184.215.14/new.pdf" and fetched.body == PDF
    with pytest.raises(FetchRefused):
        d.get("https://93.184.215.14/sneaky.pdf")
    with pytest.raises(FetchFailed, match="redirects more than 3 times"):
        d.get("https://93.184.215.14/loop")


def test_error_statuses_and_network_failures_are_fetch_failed() -> None:
    with pytest.raises(FetchFailed, match="answered HTTP 404"):
        _downloader(lambda r: httpx.Response(404)).get("https://93.184.215.14/gone.pdf")

    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(FetchFailed, match="did not answer within 5 s"):
        _downloader(timeout).get("https://93.184.215.14/slow.pdf")

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(FetchFailed, match="ConnectError"):
        _downloader(refused).get("https://93.184.215.14/down.pdf")


def test_bodies_over_the_cap_are_too_large_declared_or_not() -> None:
    declared = _downloader(
        lambda r: httpx.Response(200, content=PDF, headers={"content-length": "999999"}), max_bytes=1000
    )
    with pytest.raises(TooLarge) as too_large:
        declared.get("https://93.184.215.14/big.pdf")
    assert too_large.value.code == "TOO_LARGE" and "1000 bytes" in too_large.value.message

    def streamed(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=iter([PDF] * 10))  # chunked: no Content-Length

    with pytest.raises(TooLarge):
        _downloader(streamed, max_bytes=1000).get("https://93.184.215.14/stream.pdf")
    assert len(_downloader(streamed, max_bytes=10_000).get("https://93.184.215.14/s.pdf").body) == 10 * len(
        PDF
    )


def test_the_default_client_connects_where_the_guard_looked(monkeypatch: pytest.MonkeyPatch) -> None:
    """No mock transport: a real server on 127.0.0.1, reached through the pinned connection, whose one
    DNS lookup (a fake resolver here) decides where it goes."""
    import ipaddress
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from paperlane.notify.egress import Address, NameUnresolved

    class Site(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(PDF)))
            self.end_headers()
            self.wfile.write(PDF)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    looked_up: list[str] = []

    def answers(address: str | None) -> Callable[[str, int], list[Address]]:
        def resolve(host: str, port: int) -> list[Address]:
            looked_up.append(host)
            if address is None:
                raise NameUnresolved(host)
            return [ipaddress.ip_address(address)]

        return resolve

    url = f"http://localhost:{server.server_address[1]}/a.pdf"
    try:
        local = Downloader(
            max_bytes=10_000, timeout_seconds=5, allow_loopback=True, resolver=answers("127.0.0.1")
        )
        assert local.get(url).body == PDF and looked_up == ["localhost"]
        # The same name rebound to the metadata service: refused at the connection, never fetched.
        rebound = Downloader(
            max_bytes=10_000, timeout_seconds=5, allow_loopback=True, resolver=answers("169.254.169.254")
        )
        with pytest.raises(FetchRefused, match="private"):
            rebound.get(url)
        gone = Downloader(max_bytes=10_000, timeout_seconds=5, allow_loopback=True, resolver=answers(None))
        with pytest.raises(FetchFailed, match="does not resolve"):
            gone.get(url)
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------------- invocations and schedules


def test_which_sources_an_invocation_asks_for() -> None:
    assert source_ids_of({"source_id": "city"}) == ["city"]
    assert source_ids_of({"source_ids": ["a", "b"]}) == ["a", "b"]
    assert source_ids_of({"detail-type": "Scheduled Event", "detail": {}}) is None
    assert source_ids_of({"source_ids": "a"}) is None


def test_rate_schedules_have_periods_and_cron_ones_do_not_run_locally() -> None:
    def period(expression: str) -> int | None:
        return Schedule("fn", expression, "rule").period_seconds()

    assert period("rate(1 hour)") == 3600
    assert period("rate(15 minutes)") == 900
    assert period("rate(2 days)") == 172800
    assert period("rate(0 minutes)") is None
    assert period("cron(0 6 * * ? *)") is None
    event = Schedule("fn", "rate(1 hour)", "paperlane-local-FetchFunction-schedule").event()
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert source_ids_of(event) is None


def test_the_local_scheduler_fires_every_period_until_stopped() -> None:
    fired: list[str] = []
    twice = threading.Event()

    def fire(schedule: Schedule) -> None:
        fired.append(schedule.function_name)
        if len(fired) >= 2:
            twice.set()

    schedules = [Schedule("fetch", "rate(1 minute)", "r"), Schedule("never", "cron(0 6 * * ? *)", "c")]
    scheduler = Scheduler(
        schedules, fire, period=lambda s: 0.02 if s.expression.startswith("rate") else None
    ).start()
    try:
        assert twice.wait(5)
    finally:
        scheduler.stop()
    count = len(fired)
    assert set(fired) == {"fetch"}
    time.sleep(0.1)
    assert len(fired) == count, "nothing fires after stop"
