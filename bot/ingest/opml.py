"""OPML import and export of the source list.

OPML is parsed with defusedxml (no entity expansion, no external entities) and written with
`xml.etree`, which escapes every attribute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from bot.domain import PERSPECTIVES

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
