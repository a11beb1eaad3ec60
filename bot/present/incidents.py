"""Incident queries for the handlers: stored incidents rendered for a reader.

The `*_text` and `*_lines` functions that take rows are pure; the async ones read the store
and render. Everything is HTML with feed text escaped, in the reader's language.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.clustering import IncidentView
from bot.db.search import SearchHit
from bot.db.store import SourceHealth, Store
from bot.db.tables import Incident
from bot.domain import PERSPECTIVES
from bot.present.formatting import TELEGRAM_LIMIT, esc, link, shorten_html, visible_length
from bot.present.i18n import day_time, month_day, t, tn
from bot.present.summary import SEVERITY_ICON, ReportRef, command_id, headline, render_incident
from bot.subscribers.prefs import ChatPrefs
from bot.subscribers.rules import AlertFacts, filter_text, wants

__all__ = [
    "alert_facts",
    "command_id",
    "incident_detail",
    "incident_line",
    "incident_sources",
    "latest_lines",
    "safe_view",
    "search_text",
    "sources_text",
    "split_message",
    "stored_view",
    "wanted",
]

log = logging.getLogger(__name__)


def stored_view(row: Incident) -> IncidentView:
    """The incident view saved with the row."""
    return IncidentView.from_json(row.view)


def safe_view(row: Incident) -> IncidentView | None:
    """The stored view, or None when the stored JSON is unreadable (logged)."""
    try:
        return stored_view(row)
    except (KeyError, TypeError, ValueError):
        log.warning("incidents.bad_view id=%s", row.id)
        return None


def _headline(row: Incident, lang: str) -> str:
    view = safe_view(row)
    return headline(view, lang) if view is not None else row.headline


def incident_line(row: Incident, lang: str) -> str:
    """One line for lists: icon, the local date (once), headline in `lang`, the tappable id."""
    icon = SEVERITY_ICON.get(row.severity, "⚪")
    view = safe_view(row)
    if view is None:
        when, what = month_day(row.last_published_at, lang), row.headline
    else:
        when, what = month_day(view.event_start, lang), headline(view, lang, dated=False)
    return f"{icon} {esc(when)} · {esc(what)} · /incident_{command_id(row.id)}"


async def latest_lines(store: Store, count: int, lang: str) -> list[str]:
    """One line per recent incident, newest first."""
    return [incident_line(row, lang) for row in await store.latest_incidents(count)]


async def _refs(store: Store, incident_id: str) -> list[tuple[ReportRef, str | None]]:
    return [
        (
            ReportRef(source=src.name, url=item.url, title=item.title,
                      published=item.published_at or item.first_seen_at),
            src.perspective,
        )
        for item, src in await store.incident_items(incident_id)
    ]


async def incident_detail(store: Store, incident_id: str, lang: str) -> str | None:
    """The full incident (summary, claims, timeline), or None when unknown."""
    row = await store.incident(incident_id)
    if row is None:
        return None
    view = safe_view(row)
    refs = [ref for ref, _ in await _refs(store, incident_id)]
    if view is None:
        return esc(row.headline)
    return render_incident(view, refs, lang)


async def incident_sources(store: Store, incident_id: str, lang: str) -> list[str] | None:
    """Every report of the incident (several of one outlet each on its own line) with its
    outlet's perspective: as many messages as it takes, none dropped."""
    row = await store.incident(incident_id)
    if row is None:
        return None
    lines = [f"<b>{esc(t(lang, 'sources'))}</b> · {esc(_headline(row, lang))}"]
    for ref, perspective in await _refs(store, incident_id):
        side = t(lang, f"perspective_{perspective}") if perspective in PERSPECTIVES else ""
        when = f", {day_time(ref.published, lang)} UTC" if ref.published else ""
        label = f" ({esc(side)})" if side else ""
        lines.append(f"• {link(ref.url, ref.source)}{label}{esc(when)} · {esc(ref.title)}")
    return split_message("\n".join(lines))


def search_text(hits: Sequence[SearchHit], lang: str, query: str) -> str:
    """Search results, or a "nothing found" hint."""
    if not hits:
        return t(lang, "search_none", query=esc(query))
    lines = [tn(lang, "search_results", len(hits), query=esc(query))]
    lines += [incident_line(hit.incident, lang) for hit in hits]
    return "\n".join(lines)


def sources_text(health: Sequence[SourceHealth], lang: str, now: datetime) -> list[str]:
    """/sources: each source with its perspective and health; split into messages."""
    lines = [t(lang, "sources_title", n=len(health))]
    for source in sorted(health, key=lambda h: h.name.lower()):
        if source.failures:
            state = tn(lang, "source_failing", source.failures)
            icon = "⚠️"
        elif source.last_success_at is None:
            state, icon = t(lang, "source_not_polled"), "⏳"
        else:
            minutes = int((now - source.last_success_at).total_seconds() // 60)
            state, icon = t(lang, "source_ok", minutes=max(0, minutes)), "✅"
        side = (
            t(lang, f"perspective_{source.perspective}")
            if source.perspective in PERSPECTIVES
            else t(lang, "perspective_unknown")
        )
        lines.append(f"{icon} {link(source.url, source.name)} · {esc(side)} · {esc(state)}")
    return split_message("\n".join(lines))


def alert_facts(row: Incident) -> AlertFacts:
    """What a chat's filters look at, for a stored incident (digests)."""
    view = safe_view(row)
    text = filter_text(row.headline, (), view.location_ids if view else ())
    return AlertFacts(row.severity, row.sector_ids, text)


def wanted(rows: Sequence[Incident], prefs: ChatPrefs, now: datetime | None = None) -> list[
    Incident
]:
    """The incidents among `rows` that pass the chat's filters."""
    moment = now or datetime.now(UTC)
    return [row for row in rows if wants(prefs, alert_facts(row), moment)]


def split_message(text: str, limit: int = TELEGRAM_LIMIT - 96) -> list[str]:
    """Split HTML at line breaks into messages under Telegram's limit (lines stay whole).

    Sizes are what Telegram counts: UTF-16 units of the text without markup (an emoji
    counts two, a tag nothing). Only a single line longer than a message is shortened.
    """
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        width = visible_length(line)
        if width > limit:
            line = shorten_html(line, limit // 2)
            width = visible_length(line)
        if current and size + width + 1 > limit:
            parts.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += width + 1
    if current:
        parts.append("\n".join(current))
    return parts or [""]
