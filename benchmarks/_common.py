"""Shared set-up for the benchmarks: a database with many subscribers and one queued alert."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bot.db.engine import create_engine, migrate
from bot.db.outbox import RenderedAlert
from bot.db.store import IncidentRecord, Store
from bot.db.tables import Chat, Item, SourceRow, Subscription
from bot.present.keyboards import alert_markup_json

ROOT = Path(__file__).resolve().parent.parent

__all__ = [
    "INCIDENT_ID", "ROOT", "help_waits", "open_store", "queue_alert_to", "subscribe_many",
]

INCIDENT_ID = "inc-20261124-bench001"


async def open_store(url: str) -> Store:
    """A migrated store at `url`."""
    engine = create_engine(url)
    await migrate(engine)
    return Store(engine)


async def subscribe_many(store: Store, chat_ids: list[int]) -> None:
    """Create active chats and their subscriptions in bulk."""
    now = datetime.now(UTC)
    async with store.sessions.begin() as session:
        for start in range(0, len(chat_ids), 5000):
            part = chat_ids[start : start + 5000]
            await session.execute(
                insert(Chat),
                [{"id": c, "type": "private" if c > 0 else "supergroup", "title": None,
                  "language": "en", "active": True, "settings": {}, "created_at": now}
                 for c in part],
            )
            await session.execute(
                insert(Subscription),
                [{"chat_id": c, "thread_id": 0, "created_at": now} for c in part],
            )


async def queue_alert_to(store: Store, text: str = "<b>Benchmark alert</b>") -> int:
    """Record one incident and queue its alert to every subscriber; returns rows queued."""
    now = datetime.now(UTC)
    async with store.sessions.begin() as session:
        source = SourceRow(name="bench", url="https://bench.example/rss", enabled=True,
                           origin="file", failures=0, items_seen=0)
        session.add(source)
        await session.flush()
        item = Item(source_id=source.id, dedupe_key="bench", title="t", summary="",
                    first_seen_at=now, is_incident=True, score=1.0)
        session.add(item)
        await session.flush()
        item_id = item.id
    record = IncidentRecord(
        item_id=item_id, incident_id=INCIDENT_ID, first_published_at=now, last_published_at=now,
        severity="high", headline="bench", sectors=(), view={}, priority=100,
    )
    # The keyboard the pipeline renders for an alert with no sector (as a real alert has).
    alert = RenderedAlert(
        {"en": text}, {"en": alert_markup_json(INCIDENT_ID, "en", can_mute=False)}, "bench"
    )
    return await store.record_incident(record, alert=alert)


async def help_waits(fake: Any, chats: Iterable[int], gap: float) -> list[float]:
    """Each chat in turn sends /help to the running bot; seconds until each answer arrived."""
    waits: list[float] = []
    for chat in chats:
        asked = time.monotonic()
        fake.user_says(chat, "/help")
        await fake.wait_until(lambda f, c=chat: bool(f.sent(c)), timeout=30, interval=0.001)
        waits.append(fake.sent(chat)[0].at - asked)
        await asyncio.sleep(gap)
    return waits
