"""The SSRF guard: feeds are fetched from public addresses only.

`check_source_url` refuses, when a source is added, anything but http(s) URLs whose host
resolves only to public addresses: private, loopback, link-local, multicast, reserved and
unspecified addresses are refused unless the operator set `ALLOW_PRIVATE_SOURCE_URLS`, and so
are IPv6 addresses that embed such an IPv4 address (IPv4-mapped and -compatible, 6to4,
Teredo, NAT64). `GuardedBackend` applies the same rule to every connection the fetcher opens:
it resolves the host itself and connects to an address it checked, so a redirect to a private
address and DNS rebinding (public when the source was added, private at poll time) are refused
too. The host is resolved with `getaddrinfo` in a worker thread; the resolver is a parameter
so tests need no DNS.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import Final
from urllib.parse import urlsplit

import httpcore

from bot.exceptions import UrlRefused

__all__ = [
    "GuardedBackend",
    "Resolver",
    "UrlRefused",
    "check_source_url",
    "is_public_address",
    "system_resolver",
]

MAX_URL: Final = 2000
Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses, from `getaddrinfo` in a worker thread."""
    infos = await asyncio.to_thread(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def check_source_url(
    url: str, *, allow_private: bool, resolve: Resolver = system_resolver
) -> str:
    """The URL, cleaned, when it may be added as a source; `UrlRefused` otherwise."""
    url = url.strip()
    if not url or len(url) > MAX_URL or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise UrlRefused("source_bad_url")
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UrlRefused("source_bad_url") from None
    if parts.scheme not in {"http", "https"}:
        raise UrlRefused("source_bad_scheme")
    host = parts.hostname
    if not host or parts.username or parts.password:
        raise UrlRefused("source_bad_url")
    if allow_private:
        return url
    try:
        addresses = await resolve(host, port)
    except (OSError, UnicodeError):
        raise UrlRefused("source_unresolvable") from None
    if not addresses:
        raise UrlRefused("source_unresolvable")
    if not all(is_public_address(address) for address in addresses):
        raise UrlRefused("source_private")
    return url


_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries, by every standard embedding."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if ip in _IPV4_COMPATIBLE or any(ip in net for net in _NAT64):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def is_public_address(address: str) -> bool:
    """Whether a connection to `address` (an IP literal) reaches the public internet only."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        candidates.extend(_embedded_ipv4(ip))
    return all(
        c.is_global and not (c.is_multicast or c.is_reserved or c.is_unspecified)
        for c in candidates
    )


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to public addresses it resolved itself.

    httpcore hands the backend the host name of each connection (the first request and every
    redirect hop alike); resolving here and connecting to the checked address leaves no gap
    between the check and the connection for DNS rebinding to use. TLS still verifies the
    certificate against the host name, which httpcore passes separately.
    """

    def __init__(
        self, *, allow_private: bool = False, resolve: Resolver = system_resolver,
        inner: httpcore.AsyncNetworkBackend | None = None, trusted: Iterable[str] = (),
    ) -> None:
        self._allow_private = allow_private
        # Hosts the operator configured (TELEGRAM_WEB_BASE_URL's, for channel previews): a
        # self-hosted stand-in on a private address is theirs to choose.
        self._trusted = frozenset(host.lower() for host in trusted)
        self._resolve = resolve
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first public address of `host`; `UrlRefused` when it has none."""
        if self._allow_private or host.lower() in self._trusted:
            addresses = [host]
        else:
            try:
                resolved = await self._resolve(host, port)
            except (OSError, UnicodeError) as exc:
                raise httpcore.ConnectError(f"cannot resolve the host: {exc}") from None
            addresses = list(dict.fromkeys(resolved))
            if not addresses or not all(is_public_address(a) for a in addresses):
                # One private address among public ones is refused too: rebinding resolvers
                # answer with both.
                raise UrlRefused("source_private")
        error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Unix sockets are local by definition: never for feeds."""
        raise UrlRefused("source_private")

    async def sleep(self, seconds: float) -> None:
        """As the inner backend sleeps."""
        await self._inner.sleep(seconds)
