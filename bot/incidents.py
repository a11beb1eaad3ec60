"""Incident queries for the handlers: stored incidents rendered for a reader."""

from __future__ import annotations

from bot.clustering import IncidentView
from bot.db.store import Store
from bot.db.tables import Incident
from bot.formatting import esc
from bot.summary import SEVERITY_ICON, ReportRef, render_incident

__all__ = ["command_id", "incident_detail", "latest_lines", "stored_view"]


def command_id(incident_id: str) -> str:
    """The id as a tappable Telegram command suffix."""
    return incident_id.replace("-", "_")


def stored_view(row: Incident) -> IncidentView:
    """The incident view saved with the row."""
    return IncidentView.from_json(row.view)


async def latest_lines(store: Store, count: int, lang: str) -> list[str]:
    """One line per recent incident, newest first."""
    lines = []
    for row in await store.latest_incidents(count):
        icon = SEVERITY_ICON.get(row.severity, "⚪")
        when = row.last_published_at.strftime("%Y-%m-%d")
        lines.append(f"{icon} {esc(when)} · {esc(row.headline)} · /incident_{command_id(row.id)}")
    return lines


async def incident_detail(store: Store, incident_id: str, lang: str) -> str | None:
    """The full incident (summary, claims, timeline), or None when unknown."""
    row = await store.incident(incident_id)
    if row is None:
        return None
    refs = [
        ReportRef(source=src.name, url=item.url, title=item.title,
                  published=item.published_at or item.first_seen_at)
        for item, src in await store.incident_items(incident_id)
    ]
    return render_incident(stored_view(row), refs, lang)
