"""The SSRF guard for operator-added sources.

`check_source_url` refuses anything but http(s) URLs whose host resolves only to public
addresses: private, loopback, link-local, multicast, reserved and unspecified addresses are
refused unless the operator set `ALLOW_PRIVATE_SOURCE_URLS`. The host is resolved with
`getaddrinfo` in a worker thread; the resolver is a parameter so tests need no DNS. (The
guard runs when a source is added; the fetcher polls whatever the source row says.)
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from typing import Final
from urllib.parse import urlsplit

from bot.exceptions import UrlRefused

__all__ = ["Resolver", "UrlRefused", "check_source_url", "system_resolver"]

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
    for address in addresses:
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            raise UrlRefused("source_private") from None
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
            raise UrlRefused("source_private")
    return url
