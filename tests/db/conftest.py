"""Fixtures of the storage tests: a stored feed item to hang incidents on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from bot.db.store import IncidentRecord, NewItem, Store
from bot.ingest.sources import Source

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
RecordFor = Callable[..., Awaitable[IncidentRecord]]


@pytest.fixture
def record_for(store: Store) -> RecordFor:
    """`await record_for(incident_id, **fields)`: store a new item and return the record
    that attaches it to the incident (high severity, Syunik, version = its number)."""
    counter = iter(range(1, 1_000_000))

    async def make(incident_id: str, **fields: object) -> IncidentRecord:
        if not await store.all_sources():
            await store.sync_sources([Source("Outlet", "https://outlet.example/rss")])
        source = (await store.all_sources())[0]
        number = next(counter)
        (item_id,) = await store.store_items([NewItem(
            source_id=source.id, dedupe_key=f"k{number}", url=None, url_norm=None,
            title=f"Report {number}", summary="", published_at=NOW, first_seen_at=NOW,
            lang="en", is_incident=True, score=1.0, severity="high", facts=None,
        )])
        values: dict[str, object] = {
            "item_id": item_id, "incident_id": incident_id, "first_published_at": NOW,
            "last_published_at": NOW, "severity": "high", "headline": "Drone strike near Tegh",
            "sectors": ("syunik-lachin",), "view": {}, "priority": 20, "version": number,
        }
        return IncidentRecord(**(values | fields))  # type: ignore[arg-type]

    return make
