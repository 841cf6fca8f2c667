"""The SSRF guard and pinned connections (paperlane.notify.egress), against servers on 127.0.0.1 and
fake resolvers: names that exist only here resolve to whatever each test says."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from paperlane.notify.egress import (
    Address,
    AddressRefused,
    NameUnresolved,
    address_allowed,
    checked_addresses,
    pinned_client,
)
from paperlane.notify.webhooks import validate_url

NAME = "receiver.paperlane.test"  # resolves nowhere but through the fake resolvers below


def resolving_to(*answers: str, calls: list[str] | None = None) -> Callable[[str, int], list[Address]]:
    def resolve(host: str, port: int) -> list[Address]:
        if calls is not None:
            calls.append(host)
        if not answers:
            raise NameUnresolved(host)
        return [ipaddress.ip_address(a) for a in answers]

    return resolve


class _Echo(BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:
        _Echo.seen.append({"path": self.path, "host": self.headers["Host"]})
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def echo() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Echo.seen.clear()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def raw() -> Iterator[tuple[int, list[bytes], Callable[[socket.socket], None]]]:
    """A TCP server that hands each connection to ``behaviour`` (set by the test) and keeps its bytes."""
    listener = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []
    behaviour: list[Callable[[socket.socket], None]] = [lambda conn: None]
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=_handle, args=(conn,), daemon=True).start()

    def _handle(conn: socket.socket) -> None:
        conn.settimeout(0.2)
        with contextlib.suppress(OSError):
            received.append(conn.recv(65536))
        behaviour[0](conn)
        stop.wait(5)
        conn.close()

    threading.Thread(target=serve, daemon=True).start()

    def set_behaviour(fn: Callable[[socket.socket], None]) -> None:
        behaviour[0] = fn

    try:
        yield listener.getsockname()[1], received, set_behaviour  # type: ignore[misc]
    finally:
        stop.set()
        listener.close()


# ---------------------------------------------------------------------------- which addresses


@pytest.mark.parametrize(
    "address",
    [
        *("169.254.169.254", "10.0.0.1", "192.168.1.1", "172.16.0.1", "100.64.0.1", "0.0.0.0", "224.0.0.1"),
        *("fd00:ec2::254", "fe80::1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "::", "127.0.0.1", "::1"),
    ],
)
def test_addresses_outside_the_public_internet_are_refused(address: str) -> None:
    assert not address_allowed(ipaddress.ip_address(address), allow_loopback=False)


def test_loopback_only_when_allowed_and_public_addresses_always() -> None:
    assert address_allowed(ipaddress.ip_address("127.0.0.1"), allow_loopback=True)
    assert address_allowed(ipaddress.ip_address("::1"), allow_loopback=True)
    assert not address_allowed(ipaddress.ip_address("10.0.0.1"), allow_loopback=True)
    assert address_allowed(ipaddress.ip_address("93.184.215.14"), allow_loopback=False)
    assert address_allowed(
        ipaddress.ip_address("2606:2800:21f:cb07:6820:80da:af6b:8b2c"), allow_loopback=False
    )


def test_one_private_answer_among_public_ones_refuses_the_name() -> None:
    with pytest.raises(AddressRefused):
        checked_addresses(NAME, 443, allow_loopback=False, resolver=resolving_to("93.184.215.14", "10.1.2.3"))
    assert checked_addresses(NAME, 443, allow_loopback=False, resolver=resolving_to("93.184.215.14")) == [
        ipaddress.ip_address("93.184.215.14")
    ]


# ---------------------------------------------------------------------------- at registration


def test_a_name_that_resolves_to_the_metadata_service_is_refused() -> None:
    with pytest.raises(ValueError, match="resolves to a private"):
        validate_url(f"https://{NAME}/hook", resolver=resolving_to("169.254.169.254"))


def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(ValueError, match="does not resolve"):
        validate_url(f"https://{NAME}/hook", resolver=resolving_to())


def test_the_system_resolver_refuses_what_it_cannot_resolve() -> None:
    with pytest.raises(ValueError, match="does not resolve"):
        validate_url("https://no-such-host.invalid/hook")  # .invalid never resolves (RFC 6761)


def test_without_resolving_only_the_shape_and_ip_literals_are_checked() -> None:
    assert validate_url(f"https://{NAME}/hook", resolve=False, resolver=resolving_to())
    with pytest.raises(ValueError, match="private"):
        validate_url("https://169.254.169.254/latest/meta-data", resolve=False)


# ---------------------------------------------------------------------------- at connection


def test_the_connection_goes_to_the_checked_address_with_the_original_host(echo: int) -> None:
    calls: list[str] = []
    with pinned_client(timeout=5, allow_loopback=True, resolver=resolving_to("127.0.0.1", calls=calls)) as c:
        response = c.get(f"http://{NAME}:{echo}/pinned?x=1")
    assert response.status_code == 200 and response.text == "ok"
    # The name exists nowhere else: the request reached the server through the address checked.
    assert _Echo.seen == [{"path": "/pinned?x=1", "host": f"{NAME}:{echo}"}]
    assert calls == [NAME], "one lookup, by the guard; none by the HTTP client"


def test_a_rebinding_answer_at_connection_time_is_refused_before_connecting(echo: int) -> None:
    # Registration saw a public address; the connection's own lookup now says loopback.
    assert validate_url(f"https://{NAME}/hook", resolver=resolving_to("93.184.215.14"))
    with (
        pinned_client(timeout=5, allow_loopback=False, resolver=resolving_to("127.0.0.1")) as c,
        pytest.raises(AddressRefused),
    ):
        c.get(f"http://{NAME}:{echo}/rebound")
    assert _Echo.seen == []


def test_metadata_and_unresolvable_names_are_refused_at_connection(echo: int) -> None:
    metadata = pinned_client(timeout=5, allow_loopback=True, resolver=resolving_to("169.254.169.254"))
    with metadata, pytest.raises(AddressRefused):
        metadata.get(f"http://{NAME}:{echo}/")
    nowhere = pinned_client(timeout=5, allow_loopback=True, resolver=resolving_to())
    with nowhere, pytest.raises(NameUnresolved):
        nowhere.get(f"http://{NAME}:{echo}/")
    literal = pinned_client(timeout=5, allow_loopback=False)
    with literal, pytest.raises(AddressRefused):
        literal.get(f"http://127.0.0.1:{echo}/")  # an IP literal is checked too
    assert _Echo.seen == []


def test_tls_names_the_original_host_while_connecting_to_the_checked_address(raw: Any) -> None:
    port, received, _ = raw
    client = pinned_client(timeout=1, allow_loopback=True, resolver=resolving_to("127.0.0.1"))
    with client, pytest.raises(httpx.HTTPError):  # the server never completes the handshake
        client.get(f"https://{NAME}:{port}/")
    hello = b"".join(received)
    assert hello[:1] == b"\x16", "a TLS ClientHello reached the pinned address"
    assert NAME.encode() in hello, "SNI carries the original name (so does the certificate check)"


def test_proxies_from_the_environment_are_ignored(echo: int, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    with pinned_client(timeout=5, allow_loopback=True, resolver=resolving_to("127.0.0.1")) as c:
        assert c.get(f"http://{NAME}:{echo}/direct").status_code == 200


def test_with_total_the_timeout_bounds_a_silent_or_trickling_receiver(raw: Any) -> None:
    port, _, behave = raw
    with pinned_client(timeout=0.5, allow_loopback=True, total=True) as c:
        started = time.monotonic()
        with pytest.raises(httpx.TimeoutException):
            c.get(f"http://127.0.0.1:{port}/silent")
        assert time.monotonic() - started < 2

        def trickle(conn: socket.socket) -> None:
            # A status line, then a header byte every 0.1 s: each read is quick, the whole never ends.
            try:
                conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                for _ in range(100):
                    conn.sendall(b"a")
                    time.sleep(0.1)
            except OSError:
                pass

        behave(trickle)
        started = time.monotonic()
        with pytest.raises(httpx.TimeoutException):
            c.get(f"http://127.0.0.1:{port}/trickle")
        assert time.monotonic() - started < 2
