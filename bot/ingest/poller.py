"""The poll cycle: due sources -> fetch -> parse -> hand to the intake; source health.

I/O lives here and in what it calls (fetch, the intake, the store); the judgement is in
pure modules (parse, incremental, schedule, the classifier, the clustering). New entries go
to `bot.ingest.intake`, which stores, classifies and clusters them in batches across
sources. One failing source affects only itself: its error is logged once per failure
streak, it backs off exponentially, and the cycle goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from bot.classifier import Classifier
from bot.clock import utcnow
from bot.clustering import Clusterer
from bot.db.store import Store
from bot.db.tables import SourceRow
from bot.domain import Priority
from bot.exceptions import ChannelLayoutError, FeedError, TransientFetchError
from bot.ingest.fetch import FetchResult, fetch_feed
from bot.ingest.incremental import Seen, new_entries
from bot.ingest.intake import Intake
from bot.ingest.parse import FeedEntry
from bot.ingest.schedule import next_slot, retry_delay, success_wait
from bot.ingest.telegram import channel_of, preview_url
from bot.present.formatting import esc
from bot.settings import Settings

__all__ = ["PollOutcome", "Poller"]

log = logging.getLogger(__name__)

SOURCE_DOWN_ALERT = timedelta(hours=3)  # operators hear of an outage this long, once
PARSE_INLINE_BYTES = 64_000  # bodies larger than this are parsed in a worker thread


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
        self._clock = clock  # injectable so a replay of old reports can run in their time
        self._intake = Intake(settings, store, classifier, clusterer, clock=clock)
        self._seen: dict[int, Seen] = {}  # what each source's last ingested body held
        self._states: list[dict[str, Any]] = []  # this cycle's source updates, written at its end
        self._workers = asyncio.Semaphore(max(1, settings.http_max_connections))
        self._hosts: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.last_cycle_at: datetime | None = None
        self.cycles = 0  # poll cycles ended; tests and operators wait on it, not on the clock

    async def seed(self) -> int:
        """Rebuild the clusterer's recent incidents from the database after a start.

        Incident items a crash left stored but unclustered are clustered now, so their
        alerts still go out.
        """
        return await self._intake.seed()

    async def poll_due(self) -> list[PollOutcome]:
        """Poll every source whose time has come, concurrently and politely."""
        now = self._clock()
        rows = await self._store.due_sources(now)
        try:
            outcomes = await asyncio.gather(*(self._poll_guarded(row) for row in rows))
            await self._intake.settle()
        finally:
            # Health and validators of the whole cycle, written once.
            states, self._states = self._states, []
            await self._store.save_poll_states(states)
        self.last_cycle_at = self._clock()
        self.cycles += 1
        self._intake.expire(self.last_cycle_at)
        return list(outcomes)

    async def _poll_guarded(self, row: SourceRow) -> PollOutcome:
        try:
            return await self.poll_source(row)
        except Exception as exc:
            # A bug in handling one source must not stop the others; it is logged in full.
            log.exception("source.crashed source=%s", row.name)
            await self._failed(row, f"internal error: {type(exc).__name__}", None)
            return PollOutcome(row.name, ok=False, error=type(exc).__name__)

    async def poll_source(self, row: SourceRow) -> PollOutcome:
        """Fetch and ingest one source; record its health."""
        try:
            result, entries, seen = await self._fetch_and_parse(row)
        except FeedError as exc:
            exc.source = exc.source or row.name
            retry_after = exc.retry_after if isinstance(exc, TransientFetchError) else None
            # The row is the source: its health record need not repeat the name.
            await self._failed(row, exc.reason, retry_after,
                               at_once=isinstance(exc, ChannelLayoutError))
            return PollOutcome(row.name, ok=False, error=str(exc))
        new, incidents, queued = await self._intake.ingest(row, entries)
        if seen is not None:
            # Only now: a body whose items were not stored must be read again next time.
            self._seen[row.id] = seen
        await self._succeeded(row, result, new)
        if new:
            log.info("source.polled source=%s new=%d incidents=%d queued=%d",
                     row.name, new, incidents, queued)
        return PollOutcome(row.name, ok=True, new_items=new, incidents=incidents, queued=queued)

    async def _fetch_and_parse(
        self, row: SourceRow
    ) -> tuple[FetchResult, list[FeedEntry], Seen | None]:
        """Fetch a source and read the entries worth ingesting; `FeedError` on failure."""
        settings = self._settings
        channel = channel_of(row.url)
        url = preview_url(channel, settings.telegram_web_base_url) if channel else row.url
        # Politeness: one request at a time per server (host and port). The host's turn is
        # taken before a shared slot, so a task waiting for its host holds no slot.
        async with self._hosts[urlsplit(url).netloc.lower()], self._workers:
            result = await fetch_feed(
                self._client, url, source=row.name, etag=row.etag,
                last_modified=row.last_modified, max_bytes=settings.feed_max_bytes,
                deadline=settings.http_timeout_seconds * 2,
            )
            if len(result.body) > PARSE_INLINE_BYTES:
                # Parsing a big body takes a while: in a thread, so commands and other
                # sources are not held up meanwhile.
                entries, seen = await asyncio.to_thread(self._parse, row, result)
            else:
                entries, seen = self._parse(row, result)
        return result, entries, seen

    def _parse(self, row: SourceRow, result: FetchResult) -> tuple[list[FeedEntry], Seen | None]:
        """The entries of a fetched body worth ingesting, and what to remember of the body."""
        if result.not_modified:
            return [], None
        return new_entries(
            result.body, self._seen.get(row.id), url=result.url,
            content_type=result.content_type, channel=channel_of(row.url),
            had_posts=row.items_seen > 0,
        )

    async def _succeeded(self, row: SourceRow, result: FetchResult, new: int) -> None:
        """Record a poll that answered; tell the operators of a long outage's end."""
        interval = row.interval_seconds or self._settings.poll_interval_seconds
        now = self._clock()
        wait = success_wait(interval, None if result.not_modified else result.max_age)
        self._states.append({
            "id": row.id, "etag": result.etag, "last_modified": result.last_modified,
            "last_poll_at": now, "last_success_at": now,
            "next_poll_at": next_slot(row.id, now, wait), "failures": 0, "last_error": None,
            "items_seen": row.items_seen + new,
        })
        if row.failures:
            log.info("source.recovered source=%s after_failures=%d", row.name, row.failures)
            down_since = row.last_success_at or row.created_at
            if now - down_since >= SOURCE_DOWN_ALERT:
                await self._tell_admins(
                    f"source-up:{row.id}:{now:%Y%m%d%H%M}",
                    f"✅ Source back: <b>{esc(row.name)}</b> after {_hours(now - down_since)}.",
                )

    async def _failed(
        self, row: SourceRow, error: str, retry_after: float | None, *, at_once: bool = False
    ) -> None:
        interval = row.interval_seconds or self._settings.poll_interval_seconds
        delay = retry_delay(interval, row.failures, retry_after)
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
        # Tell the operators once per outage, when it first passes SOURCE_DOWN_ALERT; a
        # channel page whose markup changed needs a code change: they hear of it at once
        # (once per outage too: the notice's key names the outage's start).
        down_since = row.last_success_at or row.created_at
        before = (row.last_poll_at or down_since) - down_since
        if at_once:
            await self._tell_admins(
                f"source-layout:{row.id}:{down_since:%Y%m%d%H%M%S}",
                f"⚠️ Source unreadable: <b>{esc(row.name)}</b>\n<code>{esc(error[:300])}</code>",
            )
        elif now - down_since >= SOURCE_DOWN_ALERT > before:
            await self._tell_admins(
                f"source-down:{row.id}:{down_since:%Y%m%d%H%M%S}",
                f"⚠️ Source down for {_hours(now - down_since)}: <b>{esc(row.name)}</b>\n"
                f"<code>{esc(error[:300])}</code>",
            )

    async def _tell_admins(self, key: str, text: str) -> None:
        if self._settings.admin_chat_ids:
            await self._store.outbox.queue_messages(
                self._settings.admin_chat_ids, key=key, text=text, priority=Priority.OPERATOR
            )


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f} h"
