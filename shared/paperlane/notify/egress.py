"""Outbound HTTP to addresses users chose (webhook receivers, download sources): the SSRF guard, and
connections pinned to the address it checked.

Checking a name and then letting the HTTP client resolve it again to connect leaves a window: DNS may
answer a public address to the check and 169.254.169.254 to the connection (DNS rebinding). Here the
client never resolves. ``PinnedBackend``, an httpcore network backend, resolves the host of each new
connection once, refuses it unless every address is allowed, and connects to one of those addresses.
The URL, and so the Host header and TLS (SNI and the certificate check), keep the original name:
httpcore hands the URL's host to ``start_tls`` whatever address the socket reached.

Refused: names that do not resolve, and addresses outside the public internet (private, loopback,
link-local, shared, reserved, multicast; an IPv4-mapped IPv6 address is judged as its IPv4 address).
Loopback is allowed only with ``allow_loopback`` (the local stack). Clients built here never use
proxies from the environment: a proxy would make the connection, to an address we never checked.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import httpcore
import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> every address the name has (raise NameUnresolved when it has none).
Resolver = Callable[[str, int], list[Address]]

# A name with more addresses is tried on its first few only: each try spends the connect timeout.
MAX_ADDRESSES_TRIED = 3


class EgressRefused(Exception):
    """A connection we will not make. ``reason`` says why (without the URL, which may hold tokens)."""

    reason = "the host is refused"

    def __init__(self, host: str) -> None:
        super().__init__(self.reason)
        self.host = host


class AddressRefused(EgressRefused):
    reason = "the host is or resolves to a private, loopback or reserved address"


class NameUnresolved(EgressRefused):
    reason = "the host name does not resolve"


def system_resolver(host: str, port: int) -> list[Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise NameUnresolved(host) from None
    addresses: list[Address] = []
    for info in infos:
        try:
            address = ipaddress.ip_address(str(info[4][0]))
        except ValueError:
            raise AddressRefused(host) from None
        if address not in addresses:
            addresses.append(address)
    return addresses


def ip_literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def address_allowed(address: Address, *, allow_loopback: bool) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if allow_loopback and address.is_loopback:
        return True
    return address.is_global and not address.is_multicast


def checked_addresses(
    host: str, port: int, *, allow_loopback: bool, resolver: Resolver | None = None
) -> list[Address]:
    """The addresses to connect to for ``host``: AddressRefused unless every one is allowed,
    NameUnresolved when there are none."""
    literal = ip_literal(host)
    addresses = [literal] if literal is not None else (resolver or system_resolver)(host, port)
    if not addresses:
        raise NameUnresolved(host)
    if not all(address_allowed(a, allow_loopback=allow_loopback) for a in addresses):
        raise AddressRefused(host)
    return addresses


class PinnedBackend(httpcore.NetworkBackend):
    """Connects to the checked addresses of the URL's host, never to what a second lookup says.

    With ``total_seconds``, a connection also has that long in all, from its first connect to its last
    read (each read and write gets what is left), so a receiver trickling bytes cannot hold us past it.
    """

    def __init__(
        self, *, allow_loopback: bool, resolver: Resolver | None = None, total_seconds: float | None = None
    ) -> None:
        self._allow_loopback = allow_loopback
        self._resolver = resolver
        self._total = total_seconds
        self._tcp = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = checked_addresses(
            host, port, allow_loopback=self._allow_loopback, resolver=self._resolver
        )
        started = time.monotonic()
        deadline = started + self._total if self._total is not None else None
        failure: Exception = httpcore.ConnectTimeout("no time left to connect")
        for address in addresses[:MAX_ADDRESSES_TRIED]:
            left = _left(timeout, deadline)
            if left is not None and left <= 0:
                break
            try:
                stream = self._tcp.connect_tcp(
                    str(address),
                    port,
                    timeout=left,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            return _DeadlineStream(stream, deadline) if deadline is not None else stream
        raise failure

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, deadline: float) -> None:
        self._stream = stream
        self._deadline = deadline

    def _timeout(self, timeout: float | None, error: type[httpcore.TimeoutException]) -> float:
        left = _left(timeout, self._deadline)
        if left is None or left <= 0:
            raise error("the total time allowed ran out")
        return left

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._timeout(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._timeout(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        tls = self._stream.start_tls(
            ssl_context, server_hostname, self._timeout(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(tls, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


def _left(timeout: float | None, deadline: float | None) -> float | None:
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    return left if timeout is None else min(timeout, left)


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport with ``PinnedBackend`` under its connection pool."""

    def __init__(
        self,
        *,
        allow_loopback: bool,
        resolver: Resolver | None = None,
        total_seconds: float | None = None,
        limits: httpx.Limits | None = None,
    ) -> None:
        limits = limits or httpx.Limits()
        super().__init__(trust_env=False, limits=limits)
        # HTTPTransport takes no network backend: rebuild its pool with the same settings and ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PinnedBackend(
                allow_loopback=allow_loopback, resolver=resolver, total_seconds=total_seconds
            ),
        )


def pinned_client(
    *,
    timeout: float,
    allow_loopback: bool,
    resolver: Resolver | None = None,
    total: bool = False,
    headers: Mapping[str, str] | None = None,
) -> httpx.Client:
    """An httpx client whose every connection goes through the SSRF guard to the address it checked:
    no redirects followed (each hop is the caller's to check), no proxies. ``total``: ``timeout``
    bounds each request in all, not each step (one request per connection, then)."""
    transport = PinnedTransport(
        allow_loopback=allow_loopback,
        resolver=resolver,
        total_seconds=timeout if total else None,
        # A deadline belongs to a connection: with one, a connection serves one request.
        limits=httpx.Limits(max_keepalive_connections=0) if total else None,
    )
    return httpx.Client(
        transport=transport, timeout=timeout, follow_redirects=False, trust_env=False, headers=headers
    )
