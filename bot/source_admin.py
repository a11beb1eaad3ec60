"""Operator source management: URL checks (the SSRF guard) and OPML import and export.

`check_source_url` refuses anything but http(s) URLs whose host resolves only to public
addresses: private, loopback, link-local, multicast, reserved and unspecified addresses are
refused unless the operator set `ALLOW_PRIVATE_SOURCE_URLS`. The host is resolved with
`getaddrinfo` in a worker thread; the resolver is a parameter so tests need no DNS. (The
guard runs when a source is added; the fetcher polls whatever the source row says.)

OPML is parsed with defusedxml (no entity expansion, no external entities) and written with
`xml.etree`, which escapes every attribute.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from bot.sources import PERSPECTIVES

__all__ = [
    "MAX_OPML_BYTES",
    "OpmlEntry",
    "Resolver",
    "UrlRefused",
    "check_source_url",
    "parse_opml",
    "render_opml",
    "system_resolver",
]

MAX_OPML_BYTES: Final = 1_000_000
MAX_URL: Final = 2000
Resolver = Callable[[str, int], Awaitable[list[str]]]


class UrlRefused(ValueError):
    """A source URL the guard refuses; `key` names the catalog text saying why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True, slots=True)
class OpmlEntry:
    """One feed of an OPML file."""

    name: str
    url: str
    lang: str | None = None
    perspective: str | None = None


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


def parse_opml(data: bytes | str) -> list[OpmlEntry]:
    """The feeds of an OPML document (outlines with an xmlUrl), in document order."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_OPML_BYTES:
        raise ValueError("OPML document too large")
    try:
        root = SafeET.fromstring(raw)
    except (ET.ParseError, DefusedXmlException) as exc:
        raise ValueError(f"not a valid OPML document: {exc}") from None
    if root.tag.lower() != "opml":
        raise ValueError("not an OPML document")
    entries: list[OpmlEntry] = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue
        name = (outline.get("title") or outline.get("text") or url).strip()[:200]
        lang = outline.get("language") or None
        perspective = outline.get("category") or outline.get("perspective") or None
        entries.append(
            OpmlEntry(
                name=name,
                url=url,
                lang=lang[:8] if lang else None,
                perspective=perspective if perspective in PERSPECTIVES else None,
            )
        )
    return entries


def render_opml(entries: Sequence[OpmlEntry], title: str = "Border Watch sources") -> bytes:
    """An OPML 2.0 document listing `entries`."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for entry in entries:
        attrs = {"type": "rss", "text": entry.name, "title": entry.name, "xmlUrl": entry.url}
        if entry.lang:
            attrs["language"] = entry.lang
        if entry.perspective:
            attrs["category"] = entry.perspective
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document
