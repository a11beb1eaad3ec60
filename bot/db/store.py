"""The store: every database read and write the bot makes, as small async methods.

Handlers, the poller and the sender call these; none of them builds SQL of its own. Each
method is one transaction, so a crash leaves the database at a method boundary.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import utcnow
from bot.db.chats import AlertMeta, ChatStore
from bot.db.engine import session_factory
from bot.db.outbox import Outbox, RenderedAlert
from bot.db.tables import Delivery, Incident, Item, SourceRow, Subscription
from bot.domain import DeliveryStatus, Priority, Severity
from bot.ingest.sources import Source

__all__ = ["IncidentRecord", "NewItem", "SourceHealth", "Store"]

log = logging.getLogger(__name__)
_T = TypeVar("_T")
# Bound parameters per IN list: well under SQLite's and PostgreSQL's limits (32,766).
_IN_LIMIT = 2000


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
    forwarded_from: str | None = None  # a channel post reposted from elsewhere


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    """An incident as the pipeline saves it, with the stored item that changed it.

    `view` is the clustering's `IncidentView` as JSON; `version` (the number of reports)
    tells one follow-up of an incident from the next.
    """

    item_id: int
    incident_id: str
    first_published_at: datetime
    last_published_at: datetime
    severity: Severity | None
    headline: str
    sectors: tuple[str, ...]
    view: dict[str, Any]
    priority: int = Priority.UNGRADED
    version: int = 0


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
                            side=src.side,
                            actor=src.actor,
                            interval_seconds=src.interval_seconds,
                            enabled=True,
                            origin="file",
                            failures=0,
                            items_seen=0,
                        )
                    )
                    continue
                row.name, row.lang, row.perspective = src.name, src.lang, src.perspective
                row.side, row.actor = src.side, src.actor
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

    async def unseen(self, entries: Sequence[tuple[int, str, str | None]]) -> list[int]:
        """Indexes of `(source_id, dedupe_key, url_norm)` entries not stored yet.

        An entry is known by its key within its source, or by its URL from any source; of
        several new entries with one URL only the first counts. A poll cycle's entries from
        many sources are checked together, a few statements in all.
        """
        if not entries:
            return []
        by_source: dict[int, list[str]] = {}
        for source_id, key, _ in entries:
            by_source.setdefault(source_id, []).append(key)
        urls = sorted({u for _, _, u in entries if u})
        known_keys: set[tuple[int, str]] = set()
        known_urls: set[str] = set()
        async with self.sessions() as session:
            # Per-source groups ORed together let both databases search the unique index.
            for group in _chunks(list(by_source.items()), _IN_LIMIT, size=lambda g: len(g[1])):
                condition = or_(*(
                    (Item.source_id == source_id) & Item.dedupe_key.in_(keys)
                    for source_id, keys in group
                ))
                rows = await session.execute(
                    select(Item.source_id, Item.dedupe_key).where(condition)
                )
                known_keys.update((s, k) for s, k in rows)
            for part in _chunks(urls, _IN_LIMIT):
                found = await session.scalars(
                    select(Item.url_norm).where(Item.url_norm.in_(part))
                )
                known_urls.update(u for u in found if u)
        fresh: list[int] = []
        batch_urls: set[str] = set()
        for index, (source_id, key, url) in enumerate(entries):
            if (source_id, key) in known_keys or (url and (url in known_urls or url in batch_urls)):
                continue
            if url:
                batch_urls.add(url)
            fresh.append(index)
        return fresh

    async def recent_incident_items(
        self, since: datetime, *, orphans: bool = False
    ) -> list[tuple[Item, SourceRow]]:
        """Incident items seen since `since`, with sources, oldest first.

        Items already attached to an incident seed the clusterer after a start; `orphans`
        gives instead those stored but never clustered (a crash or an error came between).
        """
        attached = Item.incident_id.is_(None) if orphans else Item.incident_id.is_not(None)
        async with self.sessions() as session:
            stmt = (
                select(Item, SourceRow)
                .join(SourceRow, Item.source_id == SourceRow.id)
                .where(Item.is_incident.is_(True), Item.first_seen_at >= since, attached)
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
                # A multi-row INSERT: rows are matched back by key, not by order (ordered
                # RETURNING makes SQLite insert row by row), and NULLs are written rather than
                # omitted (rows with different NULL columns would be split into many INSERTs).
                stmt = insert(Item).returning(Item.id, Item.source_id, Item.dedupe_key)
                result = await session.execute(
                    stmt, [_fields(new) for new in items],
                    execution_options={"render_nulls": True},
                )
                by_key = {(source_id, key): item_id for item_id, source_id, key in result}
                return [by_key[new.source_id, new.dedupe_key] for new in items]
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
        record: IncidentRecord,
        *,
        alert: RenderedAlert | None = None,
        edits: Mapping[str, str] | None = None,
        replies: Mapping[str, str] | None = None,
    ) -> int:
        """Attach an item to its incident, save the incident, and queue messages, atomically.

        `alert` (rendered by the pipeline) queues the first alert to every subscription;
        `edits`/`replies` (texts by language) queue follow-ups to chats whose alert went out
        (or update the text of alerts still pending). Returns the number of deliveries queued.
        """
        now = utcnow()
        queued = 0
        async with self.sessions.begin() as session:
            incident = await session.get(Incident, record.incident_id)
            if incident is None:
                incident = Incident(
                    id=record.incident_id,
                    created_at=now,
                    first_published_at=record.first_published_at,
                    alerted=False,
                    followups=0,
                )
                session.add(incident)
            incident.updated_at = now
            incident.first_published_at = min(
                incident.first_published_at, record.first_published_at
            )
            incident.last_published_at = record.last_published_at
            incident.severity, incident.headline = record.severity, record.headline
            incident.sector_ids = record.sectors
            incident.view = record.view
            await session.flush()
            await session.execute(
                update(Item).where(Item.id == record.item_id).values(incident_id=incident.id)
            )
            if alert is not None and not incident.alerted:
                incident.alerted = True
                meta = AlertMeta(incident.id, record.severity, record.sectors, alert.filter_text)
                queued += await self.outbox.queue_alerts(session, meta, alert, record.priority)
            elif incident.alerted and (edits or replies):
                incident.followups += 1
                queued += await self.outbox.queue_followups(
                    session, incident.id, edits or {}, replies or {}, record.priority,
                    record.version,
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
                    await total(
                        select(func.count(Delivery.id)).where(
                            Delivery.status == DeliveryStatus.PENDING
                        )
                    )
                    or 0
                ),
            }


def _chunks(
    values: list[_T], limit: int, size: Callable[[_T], int] = lambda _: 1
) -> Iterator[list[_T]]:
    """`values` in runs whose sizes add up to about `limit` (bound parameters per statement)."""
    run: list[_T] = []
    total = 0
    for value in values:
        if run and total + size(value) > limit:
            yield run
            run, total = [], 0
        run.append(value)
        total += size(value)
    if run:
        yield run


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
        "forwarded_from": new.forwarded_from,
    }
