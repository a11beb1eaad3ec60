"""OPML import and export of the source list.

The export is for operators: a backup to import into another Border Watch, and a list to
open in an ordinary feed reader. Feeds are `type="rss"` outlines with their `xmlUrl`. A
public Telegram channel has no feed a reader could subscribe to (the bot reads its web
preview page, `https://t.me/s/<name>`, which is HTML), so it is written as a `type="link"`
outline to the channel (`url="https://t.me/<name>"`), as OPML 2.0 writes links: feed
readers import only outlines with an `xmlUrl` and pass over these, while `/importopml`
reads them back as channels. A comment in the document says so.

OPML is parsed with defusedxml (no entity expansion, no external entities) and written with
`xml.etree`, which escapes every attribute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from bot.domain import PERSPECTIVES
from bot.ingest.telegram import CANONICAL_BASE, channel_name, channel_of

__all__ = ["MAX_OPML_BYTES", "OpmlEntry", "parse_opml", "render_opml"]

MAX_OPML_BYTES: Final = 1_000_000


@dataclass(frozen=True, slots=True)
class OpmlEntry:
    """One feed of an OPML file."""

    name: str
    url: str
    lang: str | None = None
    perspective: str | None = None


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
        url = _source_url(outline)
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


def _source_url(outline: ET.Element) -> str | None:
    """A feed outline's `xmlUrl`, or the link of a Telegram channel's link outline."""
    url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
    if url:
        return url
    link = (outline.get("url") or "").strip()
    if (
        (outline.get("type") or "").lower() == "link"
        and urlsplit(link).scheme in {"http", "https"}
        and channel_name(link) is not None
    ):
        return link
    return None


def render_opml(entries: Sequence[OpmlEntry], title: str = "Border Watch sources") -> bytes:
    """An OPML 2.0 document listing `entries`: feeds to subscribe to, channels as links."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    if any(channel_of(entry.url) for entry in entries):
        body.append(ET.Comment(
            " Telegram channels have no RSS feed: they are listed as links (type=\"link\"),"
            " which feed readers pass over. Border Watch reads their public web preview, and"
            " /importopml adds them back as channels. "
        ))
    for entry in entries:
        attrs = {"type": "rss", "text": entry.name, "title": entry.name, "xmlUrl": entry.url}
        if (channel := channel_of(entry.url)) is not None:
            attrs = {"type": "link", "text": entry.name, "title": entry.name,
                     "url": f"{CANONICAL_BASE}/{channel}"}
        if entry.lang:
            attrs["language"] = entry.lang
        if entry.perspective:
            attrs["category"] = entry.perspective
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document
