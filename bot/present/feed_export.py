"""The open incident feed: merged, attributed incidents as Atom (RFC 4287) and JSON Feed 1.1.

Newsrooms and feed readers follow the same incidents the bot alerts on, without Telegram.
Rendering is pure (`atom_feed`, `json_feed` take `PublicIncident` values); `load_incidents`
is the one database read. Atom is built with `xml.etree.ElementTree`, which escapes every
text and attribute, so feed text (titles, outlet names) cannot break the document.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from bot import __version__
from bot.db.store import Store
from bot.present.formatting import html_to_text
from bot.present.incidents import stored_view
from bot.present.summary import ReportRef, render_alert

__all__ = [
    "ATOM_TYPE",
    "FEED_TITLE",
    "JSON_FEED_TYPE",
    "PublicIncident",
    "atom_feed",
    "json_feed",
    "load_incidents",
]

ATOM_TYPE = "application/atom+xml; charset=utf-8"
JSON_FEED_TYPE = "application/feed+json; charset=utf-8"
FEED_TITLE = "Border Watch: armed incidents on the Armenia–Azerbaijan border"
FEED_SUBTITLE = (
    "Reports of one event from many outlets and languages merged into one incident, "
    "each claim attributed to its source. Not confirmed independently."
)
_ATOM_NS = "http://www.w3.org/2005/Atom"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ID_PREFIX = "urn:borderwatch:incident:"
_SEVERITY_SCHEME = "urn:borderwatch:severity"
_SECTOR_SCHEME = "urn:borderwatch:sector"


@dataclass(frozen=True, slots=True)
class PublicIncident:
    """One incident as the feeds publish it."""

    id: str
    title: str
    html: str  # the alert's text (Telegram HTML: b, i, a), one line per statement
    published: datetime
    updated: datetime
    severity: str | None
    sectors: tuple[str, ...]
    reports: tuple[ReportRef, ...]

    @property
    def text(self) -> str:
        """The summary as plain text."""
        return html_to_text(self.html)

    @property
    def url(self) -> str | None:
        """The first report's link: where a reader can start."""
        return next((r.url for r in self.reports if r.url), None)


async def load_incidents(store: Store, limit: int = 50, lang: str = "en") -> list[PublicIncident]:
    """The most recent incidents with their reports, newest first."""
    out = []
    for row in await store.latest_incidents(limit):
        refs = tuple(
            ReportRef(source=src.name, url=item.url, title=item.title,
                      published=item.published_at or item.first_seen_at)
            for item, src in await store.incident_items(row.id)
        )
        view = stored_view(row)
        lines = render_alert(view, refs, lang).split("\n")
        # The last line is the Telegram command to open the incident: meaningless in a feed.
        body = "\n".join(line for line in lines if not line.startswith("/incident_"))
        out.append(
            PublicIncident(
                id=row.id,
                title=row.headline,
                html=body,
                published=row.first_published_at,
                updated=max(row.updated_at, row.last_published_at),
                severity=row.severity,
                sectors=row.sector_ids,
                reports=refs,
            )
        )
    return out


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _feed_updated(incidents: Sequence[PublicIncident], now: datetime) -> datetime:
    return max((i.updated for i in incidents), default=now)


def atom_feed(
    incidents: Sequence[PublicIncident],
    *,
    self_url: str,
    json_url: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """An Atom 1.0 document (UTF-8 bytes) for `incidents`."""
    ET.register_namespace("", _ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{_ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{_ATOM_NS}}}feed", {_XML_LANG: "en"})
    sub(feed, "id", "urn:borderwatch:incidents")
    sub(feed, "title", FEED_TITLE)
    sub(feed, "subtitle", FEED_SUBTITLE)
    sub(feed, "updated", _stamp(_feed_updated(incidents, now or datetime.now(UTC))))
    sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    if json_url:
        sub(feed, "link", rel="alternate", href=json_url, type="application/feed+json")
    author = sub(feed, "author")
    sub(author, "name", "Border Watch")
    sub(feed, "generator", "Border Watch", version=__version__)
    for incident in incidents:
        entry = sub(feed, "entry")
        sub(entry, "id", _ID_PREFIX + incident.id)
        sub(entry, "title", incident.title)
        sub(entry, "published", _stamp(incident.published))
        sub(entry, "updated", _stamp(incident.updated))
        sub(entry, "summary", incident.text, type="text")
        sub(entry, "content", incident.html.replace("\n", "<br/>\n"), type="html")
        if incident.url:
            sub(entry, "link", rel="alternate", href=incident.url, type="text/html")
        seen: set[str] = set()
        for report in incident.reports:
            if report.url and report.url not in seen:
                seen.add(report.url)
                sub(entry, "link", rel="related", href=report.url, title=report.source)
        if incident.severity:
            sub(entry, "category", term=incident.severity, scheme=_SEVERITY_SCHEME)
        for sector in incident.sectors:
            sub(entry, "category", term=sector, scheme=_SECTOR_SCHEME)
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


def json_feed(
    incidents: Sequence[PublicIncident],
    *,
    self_url: str,
    home_url: str | None = None,
) -> bytes:
    """A JSON Feed 1.1 document (UTF-8 bytes); `_borderwatch` carries the structured facts."""
    items: list[dict[str, Any]] = []
    for incident in incidents:
        item: dict[str, Any] = {
            "id": _ID_PREFIX + incident.id,
            "title": incident.title,
            "content_html": incident.html.replace("\n", "<br>\n"),
            "content_text": incident.text,
            "date_published": _stamp(incident.published),
            "date_modified": _stamp(incident.updated),
            "tags": [t for t in (incident.severity, *incident.sectors) if t],
            "_borderwatch": {
                "incident_id": incident.id,
                "severity": incident.severity,
                "sectors": list(incident.sectors),
                "reports": [
                    {
                        "source": r.source,
                        "url": r.url,
                        "title": r.title,
                        "published": _stamp(r.published) if r.published else None,
                    }
                    for r in incident.reports
                ],
            },
        }
        if incident.url:
            item["url"] = incident.url
        items.append(item)
    document: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": FEED_TITLE,
        "description": FEED_SUBTITLE,
        "feed_url": self_url,
        "language": "en",
        "authors": [{"name": "Border Watch"}],
        "items": items,
    }
    if home_url:
        document["home_page_url"] = home_url
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
