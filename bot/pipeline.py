"""The poll cycle: due sources -> fetch -> parse -> dedupe -> classify -> cluster -> outbox.

I/O lives here and in what it calls (fetch, store); the judgement is in pure modules
(parse, classifier, clustering, summary). One failing source affects only itself: its error
is logged once per failure streak, it backs off exponentially, and the cycle goes on.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from bot.classifier import Classifier, ItemText
from bot.clustering import Clusterer, Report
from bot.db.store import NewItem, Store
from bot.db.tables import SourceRow, utcnow
from bot.exceptions import FeedError, TransientFetchError
from bot.fetch import fetch_feed
from bot.formatting import esc
from bot.parse import FeedEntry, parse_feed
from bot.settings import Settings
from bot.summary import LANGUAGES, ReportRef, headline, render_alert, render_followup

__all__ = ["PollOutcome", "Poller"]

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
SOURCE_DOWN_ALERT = timedelta(hours=3)  # operators hear of an outage this long, once
PRIORITY = {"critical": 10, "high": 20, "medium": 40, "low": 60, None: 80}


@dataclass(frozen=True, slots=True)
class PollOutcome:
    """What one source's poll did."""

    source: str
    ok: bool
    new_items: int = 0
    incidents: int = 0
    queued: int = 0
    error: str | None = None


class Poller:
    """Polls due sources and turns new items into incidents and queued alerts."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        client: httpx.AsyncClient,
        classifier: Classifier,
        clusterer: Clusterer,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._settings = settings
        self._store = store
        self._client = client
        self._classifier = classifier
        self._clusterer = clusterer
        self._clock = clock  # injectable so a replay of old reports can run in their time
        self._bodies: dict[int, bytes] = {}  # digest of each source's last body
        self._states: list[dict[str, Any]] = []  # this cycle's source updates, written at its end
        self._workers = asyncio.Semaphore(max(1, settings.http_max_connections))
        self._hosts: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._ingest = asyncio.Lock()  # the clusterer and the incident rows change one at a time
        self.last_cycle_at: datetime | None = None

    async def seed(self) -> int:
        """Rebuild the clusterer's recent incidents from the database after a start."""
        since = self._clock() - self._clusterer.retention
        reports: defaultdict[str, list[Report]] = defaultdict(list)
        for item, source in await self._store.recent_incident_items(since):
            if item.incident_id is None or not item.facts:
                continue
            classification = self._classifier.classify(self._item_text(item.id, item.title,
                                                                       item.summary, source,
                                                                       item.published_at,
                                                                       item.url))
            reports[item.incident_id].append(
                Report(
                    item_id=str(item.id),
                    published=item.published_at or item.first_seen_at,
                    title=item.title,
                    summary=item.summary,
                    source=source.name,
                    perspective=source.perspective,
                    classification=classification,
                )
            )
        for incident_id, group in reports.items():
            self._clusterer.seed(incident_id, group)
        return len(reports)

    async def poll_due(self) -> list[PollOutcome]:
        """Poll every source whose time has come, concurrently and politely."""
        now = self._clock()
        rows = await self._store.due_sources(now)
        try:
            outcomes = await asyncio.gather(*(self._poll_guarded(row) for row in rows))
        finally:
            # Health and validators of the whole cycle, written once.
            states, self._states = self._states, []
            await self._store.save_poll_states(states)
        self.last_cycle_at = self._clock()
        self._clusterer.expire(self.last_cycle_at)
        return list(outcomes)

    async def _poll_guarded(self, row: SourceRow) -> PollOutcome:
        # Politeness: one request at a time per server (host and port).
        host = urlsplit(row.url).netloc.lower()
        # Host first: a task waiting for its host must not hold one of the shared slots.
        async with self._hosts[host], self._workers:
            try:
                return await self.poll_source(row)
            except Exception as exc:
                # A bug in handling one source must not stop the others; it is logged in full.
                log.exception("source.crashed source=%s", row.name)
                await self._failed(row, f"internal error: {type(exc).__name__}", None)
                return PollOutcome(row.name, ok=False, error=type(exc).__name__)

    async def poll_source(self, row: SourceRow) -> PollOutcome:
        """Fetch and ingest one source; record its health."""
        settings = self._settings
        interval = row.interval_seconds or settings.poll_interval_seconds
        try:
            result = await fetch_feed(
                self._client, row.url, source=row.name, etag=row.etag,
                last_modified=row.last_modified, max_bytes=settings.feed_max_bytes,
                deadline=settings.http_timeout_seconds * 2,
            )
            # Many feeds send neither ETag nor Last-Modified: an identical body is a 304 too.
            digest = hashlib.blake2b(result.body, digest_size=16).digest()
            unchanged = result.not_modified or self._bodies.get(row.id) == digest
            entries = (
                [] if unchanged
                else parse_feed(result.body, url=result.url, content_type=result.content_type)
            )
            if not result.not_modified:
                self._bodies[row.id] = digest
        except FeedError as exc:
            exc.source = exc.source or row.name
            retry_after = exc.retry_after if isinstance(exc, TransientFetchError) else None
            await self._failed(row, str(exc), retry_after)
            return PollOutcome(row.name, ok=False, error=str(exc))
        new, incidents, queued = await self._ingest_entries(row, entries)
        now = self._clock()
        wait = float(interval)
        if result.max_age and not result.not_modified:
            # Cache-Control asks us to come back later than our interval: honour it, bounded.
            wait = max(wait, min(float(result.max_age), interval * 4.0))
        ended = row.failures
        self._states.append({
            "id": row.id, "etag": result.etag, "last_modified": result.last_modified,
            "last_poll_at": now, "last_success_at": now,
            "next_poll_at": next_slot(row.id, now, wait), "failures": 0, "last_error": None,
            "items_seen": row.items_seen + new,
        })
        if ended:
            log.info("source.recovered source=%s after_failures=%d", row.name, ended)
            down_since = row.last_success_at or row.created_at
            if now - down_since >= SOURCE_DOWN_ALERT:
                await self._tell_admins(
                    f"source-up:{row.id}:{now:%Y%m%d%H%M}",
                    f"✅ Source back: <b>{esc(row.name)}</b> after {_hours(now - down_since)}.",
                )
        if new:
            log.info("source.polled source=%s new=%d incidents=%d queued=%d",
                     row.name, new, incidents, queued)
        return PollOutcome(row.name, ok=True, new_items=new, incidents=incidents, queued=queued)

    async def _failed(self, row: SourceRow, error: str, retry_after: float | None) -> None:
        interval = row.interval_seconds or self._settings.poll_interval_seconds
        delay = timedelta(seconds=interval * 2 ** min(row.failures, 10))
        delay = min(delay, MAX_BACKOFF)
        if retry_after:
            delay = max(delay, timedelta(seconds=min(retry_after, MAX_BACKOFF.total_seconds())))
        now = self._clock()
        streak = row.failures + 1
        self._states.append({
            "id": row.id, "last_poll_at": now, "next_poll_at": now + delay,
            "failures": streak, "last_error": error[:1000],
        })
        if streak == 1:
            log.warning("source.failing source=%s error=%s retry_in=%ds", row.name, error,
                        delay.total_seconds())
        else:
            log.debug("source.still_failing source=%s streak=%d error=%s", row.name, streak, error)
        # Tell the operators once per outage, when it first passes SOURCE_DOWN_ALERT.
        down_since = row.last_success_at or row.created_at
        before = (row.last_poll_at or down_since) - down_since
        if now - down_since >= SOURCE_DOWN_ALERT > before:
            await self._tell_admins(
                f"source-down:{row.id}:{down_since:%Y%m%d%H%M%S}",
                f"⚠️ Source down for {_hours(now - down_since)}: <b>{esc(row.name)}</b>\n"
                f"<code>{esc(error[:300])}</code>",
            )

    async def _tell_admins(self, key: str, text: str) -> None:
        if self._settings.admin_chat_ids:
            await self._store.outbox.queue_messages(
                self._settings.admin_chat_ids, key=key, text=text, priority=50
            )

    def _item_text(
        self, item_id: int | str, title: str, summary: str, source: SourceRow,
        published: datetime | None, url: str | None,
    ) -> ItemText:
        return ItemText(
            id=str(item_id), title=title, summary=summary, lang=source.lang,
            published=published, url=url, source=source.name,
        )

    async def _ingest_entries(
        self, row: SourceRow, entries: Sequence[FeedEntry]
    ) -> tuple[int, int, int]:
        fresh = await self._store.unseen(row.id, [(e.dedupe_key, e.url_norm) for e in entries])
        if not fresh:
            return 0, 0, 0
        now = self._clock()
        max_age = timedelta(hours=self._settings.alert_max_age_hours)
        batch = sorted((entries[i] for i in fresh), key=lambda e: e.published or now)
        new_items: list[NewItem] = []
        verdicts = []
        for entry in batch:
            verdict = self._classifier.classify(
                self._item_text(entry.dedupe_key, entry.title, entry.summary, row,
                                entry.published, entry.url)
            )
            verdicts.append(verdict)
            new_items.append(
                NewItem(
                    source_id=row.id, dedupe_key=entry.dedupe_key, url=entry.url,
                    url_norm=entry.url_norm, title=entry.title, summary=entry.summary,
                    published_at=entry.published, first_seen_at=now, lang=verdict.lang,
                    is_incident=verdict.incident, score=verdict.score,
                    severity=verdict.severity,
                    facts=verdict.to_json() if verdict.incident else None,
                )
            )
        async with self._ingest:
            ids = await self._store.store_items(new_items)
            incidents = queued = 0
            for entry, verdict, item_id in zip(batch, verdicts, ids, strict=True):
                if item_id < 0 or not verdict.incident:
                    continue
                incidents += 1
                published = entry.published or now
                report = Report(
                    item_id=str(item_id), published=published, title=entry.title,
                    summary=entry.summary, source=row.name, perspective=row.perspective,
                    classification=verdict,
                )
                assignment = self._clusterer.add(report)
                if assignment.duplicate:
                    continue
                view = self._clusterer.incident(assignment.incident_id)
                action = assignment.action
                reports = await self._store.incident_items(assignment.incident_id, limit=40)
                refs = [
                    ReportRef(source=src.name, url=item.url, title=item.title,
                              published=item.published_at or item.first_seen_at)
                    for item, src in reports
                ]
                refs.append(ReportRef(row.name, entry.url, entry.title, published))
                fresh_enough = now - published <= max_age
                alert = edit = reply = None
                if fresh_enough and action == "alert":
                    alert = {lang: render_alert(view, refs, lang) for lang in LANGUAGES}
                elif fresh_enough and action in {"edit", "edit_and_reply"}:
                    edit = {lang: render_alert(view, refs, lang) for lang in LANGUAGES}
                    # An alert not yet sent for this incident goes out now with all facts.
                    alert = edit
                    if action == "edit_and_reply":
                        reply = {lang: render_followup(view, assignment.changes, lang)
                                 for lang in LANGUAGES}
                queued += await self._store.record_incident(
                    item_id=item_id, incident_id=assignment.incident_id,
                    first_published_at=view.first_published, last_published_at=view.last_published,
                    severity=view.severity, headline=headline(view, "en"),
                    sectors=",".join(view.sectors), view=view.to_json(),
                    alert_texts=alert, edit_texts=edit, reply_texts=reply,
                    priority=PRIORITY.get(view.severity, 80), version=len(view.report_ids),
                )
        return len(ids), incidents, queued


def next_slot(source_id: int, now: datetime, interval: float) -> datetime:
    """The next poll time for a source: `interval` from now, moved to the source's own phase.

    Each source has a fixed phase within its interval (from its id), so hundreds of sources
    are spread evenly over the interval instead of all polling in the same second.
    """
    phase = (source_id * 0.6180339887) % 1.0 * interval  # golden-ratio spacing of the ids
    earliest = now.timestamp() + interval * 0.5
    cycles = math.ceil((earliest - phase) / interval)
    return datetime.fromtimestamp(cycles * interval + phase, UTC)


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f} h"
