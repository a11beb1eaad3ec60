"""The store: every database read and write the bot makes, as small async methods.

Handlers, the poller and the sender call these; none of them builds SQL of its own. Each
method is one transaction, so a crash leaves the database at a method boundary.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.chats import AlertMeta, ChatStore
from bot.db.engine import session_factory
from bot.db.outbox import Outbox
from bot.db.tables import Delivery, Incident, Item, SourceRow, Subscription, utcnow
from bot.sources import Source

__all__ = ["NewItem", "SourceHealth", "Store"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NewItem:
    """An item to store, with the classifier's verdict."""

    source_id: int
    dedupe_key: str
    url: str | None
    url_norm: str | None
    title: str
    summary: str
    published_at: datetime | None
    first_seen_at: datetime
    lang: str | None
    is_incident: bool
    score: float
    severity: str | None
    facts: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """A source's state for /status and /sources."""

    name: str
    url: str
    perspective: str | None
    enabled: bool
    failures: int
    last_poll_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    items_seen: int


class Store:
    """Async data access over one engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions: async_sessionmaker[AsyncSession] = session_factory(engine)
        self.chats = ChatStore(self.sessions)
        self.outbox = Outbox(self.sessions, self.chats)

    async def close(self) -> None:
        """Dispose of the engine's pool."""
        await self.engine.dispose()

    # -- sources -----------------------------------------------------------------------

    async def sync_sources(self, sources: Sequence[Source]) -> None:
        """Make the sources table match the sources file (admin-added sources stay)."""
        for attempt in range(5):
            try:
                await self._sync_sources(sources)
                return
            except IntegrityError:
                # Another replica starting at the same moment inserted the same source first.
                if attempt == 4:
                    raise
                log.info("sources.sync_retry attempt=%d", attempt + 1)
                await asyncio.sleep(0.2 * (attempt + 1))

    async def _sync_sources(self, sources: Sequence[Source]) -> None:
        async with self.sessions.begin() as session:
            rows = {r.url: r for r in (await session.scalars(select(SourceRow))).all()}
            by_name = {r.name: r for r in rows.values()}
            wanted = {s.url for s in sources}
            for src in sources:
                row = rows.get(src.url)
                if row is None and src.name in by_name and by_name[src.name].url not in wanted:
                    row = by_name[src.name]  # same outlet, URL changed in the file
                    row.url = src.url
                    row.etag = row.last_modified = None
                if row is None:
                    if src.name in by_name:
                        continue  # name taken by another URL; parse_sources forbids this in a file
                    session.add(
                        SourceRow(
                            name=src.name,
                            url=src.url,
                            lang=src.lang,
                            perspective=src.perspective,
                            interval_seconds=src.interval_seconds,
                            enabled=True,
                            origin="file",
                            failures=0,
                            items_seen=0,
                        )
                    )
                    continue
                row.name, row.lang, row.perspective = src.name, src.lang, src.perspective
                row.interval_seconds, row.enabled = src.interval_seconds, True
            for url, row in rows.items():
                if url not in wanted and row.origin == "file":
                    row.enabled = False

    async def due_sources(self, now: datetime, limit: int = 1000) -> list[SourceRow]:
        """Enabled sources whose next poll time has come, most overdue first."""
        async with self.sessions() as session:
            stmt = (
                select(SourceRow)
                .where(
                    SourceRow.enabled.is_(True),
                    or_(SourceRow.next_poll_at.is_(None), SourceRow.next_poll_at <= now),
                )
                .order_by(SourceRow.next_poll_at.is_not(None), SourceRow.next_poll_at)
                .limit(limit)
            )
            return list((await session.scalars(stmt)).all())

    async def all_sources(self) -> list[SourceRow]:
        """Every source row, enabled or not."""
        async with self.sessions() as session:
            return list((await session.scalars(select(SourceRow).order_by(SourceRow.name))).all())

    async def save_poll_states(self, states: Sequence[dict[str, Any]]) -> None:
        """Write the outcome of a poll cycle's sources in one transaction.

        Each dict holds the source's `id` and the columns to set; dicts with the same keys are
        written as one executemany. One transaction per cycle instead of one per source.
        """
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for state in states:
            groups.setdefault(tuple(sorted(state)), []).append(state)
        if not groups:
            return
        async with self.sessions.begin() as session:
            for rows in groups.values():
                await session.execute(update(SourceRow), rows)

    async def source_health(self) -> list[SourceHealth]:
        """Health of every enabled source, worst first."""
        async with self.sessions() as session:
            rows = (
                await session.scalars(
                    select(SourceRow)
                    .where(SourceRow.enabled.is_(True))
                    .order_by(SourceRow.failures.desc(), SourceRow.name)
                )
            ).all()
        return [
            SourceHealth(
                r.name,
                r.url,
                r.perspective,
                r.enabled,
                r.failures,
                r.last_poll_at,
                r.last_success_at,
                r.last_error,
                r.items_seen,
            )
            for r in rows
        ]

    # -- items ---------------------------------------------------------------------------

    async def unseen(self, source_id: int, entries: Sequence[tuple[str, str | None]]) -> list[int]:
        """Indexes of `(dedupe_key, url_norm)` pairs not stored yet (by key, or by URL anywhere)."""
        if not entries:
            return []
        keys = [k for k, _ in entries]
        urls = [u for _, u in entries if u]
        async with self.sessions() as session:
            known_keys = set(
                (
                    await session.scalars(
                        select(Item.dedupe_key).where(
                            Item.source_id == source_id, Item.dedupe_key.in_(keys)
                        )
                    )
                ).all()
            )
            known_urls: set[str | None] = set()
            if urls:
                known_urls = set(
                    (
                        await session.scalars(select(Item.url_norm).where(Item.url_norm.in_(urls)))
                    ).all()
                )
        fresh: list[int] = []
        batch_urls: set[str] = set()
        for index, (key, url) in enumerate(entries):
            if key in known_keys or (url and (url in known_urls or url in batch_urls)):
                continue
            if url:
                batch_urls.add(url)
            fresh.append(index)
        return fresh

    async def recent_incident_items(self, since: datetime) -> list[tuple[Item, SourceRow]]:
        """Incident items seen since `since`, with sources, oldest first (seeds clustering)."""
        async with self.sessions() as session:
            stmt = (
                select(Item, SourceRow)
                .join(SourceRow, Item.source_id == SourceRow.id)
                .where(
                    Item.is_incident.is_(True),
                    Item.first_seen_at >= since,
                    Item.incident_id.is_not(None),
                )
                .order_by(Item.first_seen_at, Item.id)
            )
            return [(i, s) for i, s in (await session.execute(stmt)).all()]

    async def store_items(self, items: Sequence[NewItem]) -> list[int]:
        """Insert items; one a concurrent poll stored first is skipped (-1). Returns ids."""
        if not items:
            return []
        try:
            # One statement for the batch; only a rare duplicate falls back to one each.
            async with self.sessions.begin() as session:
                stmt = insert(Item).returning(Item.id, sort_by_parameter_order=True)
                result = await session.execute(stmt, [_fields(new) for new in items])
                return list(result.scalars())
        except IntegrityError:
            log.debug("items.batch_conflict size=%d", len(items))
        ids: list[int] = []
        for new in items:
            try:
                async with self.sessions.begin() as session:
                    row = Item(**_fields(new))
                    session.add(row)
                    await session.flush()
                    ids.append(row.id)
            except IntegrityError:
                log.debug("items.duplicate key=%s", new.dedupe_key)
                ids.append(-1)
        return ids

    # -- incidents and the outbox ----------------------------------------------------------

    async def record_incident(
        self,
        *,
        item_id: int,
        incident_id: str,
        first_published_at: datetime,
        last_published_at: datetime,
        severity: str | None,
        headline: str,
        sectors: str,
        view: dict[str, Any],
        alert_texts: dict[str, str] | None = None,
        edit_texts: dict[str, str] | None = None,
        reply_texts: dict[str, str] | None = None,
        priority: int = 100,
        version: int = 0,
    ) -> int:
        """Attach an item to its incident, save the incident, and queue messages, atomically.

        `alert_texts` (by language) queues the first alert to every subscription;
        `edit_texts`/`reply_texts` queue follow-ups to chats whose alert went out (or update the
        text of alerts still pending). Returns the number of deliveries queued.
        """
        now = utcnow()
        queued = 0
        async with self.sessions.begin() as session:
            incident = await session.get(Incident, incident_id)
            if incident is None:
                incident = Incident(
                    id=incident_id,
                    created_at=now,
                    first_published_at=first_published_at,
                    alerted=False,
                    followups=0,
                )
                session.add(incident)
            incident.updated_at = now
            incident.first_published_at = min(incident.first_published_at, first_published_at)
            incident.last_published_at = last_published_at
            incident.severity, incident.headline, incident.sectors = severity, headline, sectors
            incident.view = view
            await session.flush()
            await session.execute(
                update(Item).where(Item.id == item_id).values(incident_id=incident_id)
            )
            if alert_texts and not incident.alerted:
                incident.alerted = True
                queued += await self.outbox.queue_alerts(
                    session,
                    AlertMeta(
                        incident_id, severity, tuple(s for s in sectors.split(",") if s), headline
                    ),
                    alert_texts,
                    priority,
                )
            elif incident.alerted and (edit_texts or reply_texts):
                incident.followups += 1
                queued += await self.outbox.queue_followups(
                    session, incident_id, edit_texts or {}, reply_texts or {}, priority, version
                )
        return queued

    async def latest_incidents(self, limit: int = 5) -> list[Incident]:
        """The most recent incidents, newest first."""
        async with self.sessions() as session:
            stmt = select(Incident).order_by(Incident.last_published_at.desc()).limit(limit)
            return list((await session.scalars(stmt)).all())

    async def incident(self, incident_id: str) -> Incident | None:
        """One incident by id."""
        async with self.sessions() as session:
            return await session.get(Incident, incident_id)

    async def incident_items(
        self, incident_id: str, limit: int | None = None
    ) -> list[tuple[Item, SourceRow]]:
        """The reports of an incident with their sources, in publication order (the first
        `limit` when given: an alert lists a handful of sources, not a busy day's hundreds)."""
        async with self.sessions() as session:
            stmt = (
                select(Item, SourceRow)
                .join(SourceRow, Item.source_id == SourceRow.id)
                .where(Item.incident_id == incident_id)
                .order_by(func.coalesce(Item.published_at, Item.first_seen_at), Item.id)
                .limit(limit)
            )
            return [(i, s) for i, s in (await session.execute(stmt)).all()]

    async def counts(self) -> dict[str, int]:
        """Totals for /status."""
        async with self.sessions() as session:

            def total(stmt: Any) -> Any:
                return session.scalar(stmt)

            return {
                "subscriptions": int(await total(select(func.count(Subscription.id))) or 0),
                "items": int(await total(select(func.count(Item.id))) or 0),
                "incidents": int(await total(select(func.count(Incident.id))) or 0),
                "pending": int(
                    await total(select(func.count(Delivery.id)).where(Delivery.status == "pending"))
                    or 0
                ),
            }


def _fields(new: NewItem) -> dict[str, Any]:
    return {
        "source_id": new.source_id,
        "dedupe_key": new.dedupe_key,
        "url": new.url,
        "url_norm": new.url_norm,
        "title": new.title,
        "summary": new.summary,
        "published_at": new.published_at,
        "first_seen_at": new.first_seen_at,
        "lang": new.lang,
        "is_incident": new.is_incident,
        "score": new.score,
        "severity": new.severity,
        "facts": new.facts,
    }
