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
from bot.classifier.types import Classification
from bot.clock import utcnow
from bot.clustering import Clusterer, Report, in_own_voice
from bot.db.outbox import RenderedAlert
from bot.db.store import IncidentRecord, NewItem, Store
from bot.db.tables import Item, SourceRow
from bot.domain import ACTOR_SIDE, ACTORS, SIDES, Actor, Priority, Side, priority_of
from bot.exceptions import ChannelLayoutError, FeedError, TransientFetchError
from bot.ingest.fetch import FetchResult, fetch_feed
from bot.ingest.parse import FeedEntry, parse_feed, split_feed
from bot.ingest.telegram import channel_of, parse_channel, preview_url
from bot.present.formatting import esc
from bot.present.keyboards import alert_markup_json
from bot.present.summary import LANGUAGES, ReportRef, headline, render_alert, render_followup
from bot.settings import Settings
from bot.subscribers.rules import filter_text

__all__ = ["PollOutcome", "Poller"]

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
SOURCE_DOWN_ALERT = timedelta(hours=3)  # operators hear of an outage this long, once
PARSE_INLINE_BYTES = 64_000  # bodies larger than this are parsed in a worker thread
CLASSIFY_INLINE_ITEMS = 50  # more new items than this are classified in a worker thread


_Counts = tuple[int, int, int]  # new items, incident reports, deliveries queued
# Source columns read back as the domain's words (the sources file validated them).
_SIDES: dict[str, Side] = {side: side for side in SIDES}
_OFFICIAL: dict[str, Actor] = {actor: actor for actor in ACTORS if actor in ACTOR_SIDE}


@dataclass(frozen=True, slots=True)
class _Seen:
    """What a source's last ingested body held: its digest and its items' digests."""

    body: bytes
    items: frozenset[bytes]


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
        self._seen: dict[int, _Seen] = {}  # what each source's last ingested body held
        self._states: list[dict[str, Any]] = []  # this cycle's source updates, written at its end
        self._workers = asyncio.Semaphore(max(1, settings.http_max_connections))
        self._hosts: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        # Parsed entries wait here for the next ingest batch; one drainer task at a time
        # stores them, so the clusterer and the incident rows change one batch at a time.
        self._waiting: list[tuple[SourceRow, Sequence[FeedEntry], asyncio.Future[_Counts]]] = []
        self._drainer: asyncio.Task[None] | None = None
        self._orphans = False  # a failed batch may have stored items it did not cluster
        self.last_cycle_at: datetime | None = None
        self.cycles = 0  # poll cycles ended; tests and operators wait on it, not on the clock

    async def seed(self) -> int:
        """Rebuild the clusterer's recent incidents from the database after a start.

        Incident items a crash left stored but unclustered are clustered now, so their
        alerts still go out.
        """
        since = self._clock() - self._clusterer.retention
        reports: defaultdict[str, list[Report]] = defaultdict(list)
        for item, source in await self._store.recent_incident_items(since):
            if item.incident_id is None or not item.facts:
                continue
            reports[item.incident_id].append(self._stored_report(item, source))
        for incident_id, group in reports.items():
            self._clusterer.seed(incident_id, group)
        self._orphans = True
        await self._recover_orphans()
        return len(reports)

    async def poll_due(self) -> list[PollOutcome]:
        """Poll every source whose time has come, concurrently and politely."""
        now = self._clock()
        rows = await self._store.due_sources(now)
        try:
            outcomes = await asyncio.gather(*(self._poll_guarded(row) for row in rows))
            if self._drainer is not None:
                await self._drainer  # what the last batch set in motion (a recovery) ends too
        finally:
            # Health and validators of the whole cycle, written once.
            states, self._states = self._states, []
            await self._store.save_poll_states(states)
        self.last_cycle_at = self._clock()
        self.cycles += 1
        self._clusterer.expire(self.last_cycle_at)
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
        settings = self._settings
        interval = row.interval_seconds or settings.poll_interval_seconds
        channel = channel_of(row.url)
        url = preview_url(channel, settings.telegram_web_base_url) if channel else row.url
        # Politeness: one request at a time per server (host and port). The host's turn is
        # taken before a shared slot, so a task waiting for its host holds no slot.
        async with self._hosts[urlsplit(url).netloc.lower()], self._workers:
            try:
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
            except FeedError as exc:
                exc.source = exc.source or row.name
                retry_after = exc.retry_after if isinstance(exc, TransientFetchError) else None
                # The row is the source: its health record need not repeat the name.
                await self._failed(row, exc.reason, retry_after,
                                   at_once=isinstance(exc, ChannelLayoutError))
                return PollOutcome(row.name, ok=False, error=str(exc))
        new, incidents, queued = await self._ingest(row, entries)
        if seen is not None:
            # Only now: a body whose items were not stored must be read again next time.
            self._seen[row.id] = seen
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

    def _parse(self, row: SourceRow, result: FetchResult) -> tuple[list[FeedEntry], _Seen | None]:
        """The entries of a fetched body worth ingesting, and what to remember of the body.

        Most polls of a changed feed bring a few new items among many known ones; items
        whose bytes the last body already had are not parsed again.
        """
        if result.not_modified:
            return [], None
        # Many feeds send neither ETag nor Last-Modified: an identical body is a 304 too.
        digest = _digest(result.body)
        before = self._seen.get(row.id)
        if before is not None and before.body == digest:
            return [], None
        if (channel := channel_of(row.url)) is not None:
            # A preview page changes at every poll (view counters): posts are known by id.
            page = parse_channel(result.body, channel=channel, had_posts=row.items_seen > 0)
            keys = frozenset(e.dedupe_key.encode() for e in page.entries)
            known = before.items if before is not None else frozenset()
            return [e for e in page.entries if e.dedupe_key.encode() not in known], _Seen(
                digest, keys
            )
        layout = split_feed(result.body)
        if layout is None:  # not well-formed for the quick reader: feedparser reads it all
            entries = parse_feed(result.body, url=result.url, content_type=result.content_type)
            return entries, _Seen(digest, frozenset())
        digests = [_digest(item) for item in layout.items]
        known = before.items if before is not None else frozenset()
        fresh = [item for item, d in zip(layout.items, digests, strict=True) if d not in known]
        entries = []
        if fresh:
            body = result.body if len(fresh) == len(digests) else layout.body(fresh)
            entries = parse_feed(body, url=result.url, content_type=result.content_type)
        return entries, _Seen(digest, frozenset(digests))

    async def _ingest(self, row: SourceRow, entries: Sequence[FeedEntry]) -> _Counts:
        """Queue a source's entries for the next batch; wait for its counts."""
        if not entries:
            return 0, 0, 0
        done: asyncio.Future[_Counts] = asyncio.get_running_loop().create_future()
        self._waiting.append((row, entries, done))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain(), name="poller-ingest")
        return await done

    async def _drain(self) -> None:
        """Ingest what has queued up, batch after batch, until nothing waits.

        Sources whose fetch ends while a batch is being stored form the next batch, so a
        busy cycle costs a few database round trips rather than several per source.
        """
        batch: list[tuple[SourceRow, Sequence[FeedEntry], asyncio.Future[_Counts]]] = []
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                outcomes: list[_Counts | Exception]
                try:
                    outcomes = list(
                        await self._ingest_batch([(row, entries) for row, entries, _ in batch])
                    )
                except Exception:
                    log.warning("ingest.batch_failed sources=%d; each is tried alone",
                                len(batch), exc_info=True)
                    # It may have stored items before failing; those are clustered below.
                    self._orphans = True
                    outcomes = [await self._ingest_alone(row, entries) for row, entries, _ in batch]
                for (_, _, done), outcome in zip(batch, outcomes, strict=True):
                    if not done.done():  # its poll was cancelled meanwhile
                        if isinstance(outcome, Exception):
                            done.set_exception(outcome)
                        else:
                            done.set_result(outcome)
                batch = []
                await self._recover_orphans()
        finally:
            # Cancelled (the loop is closing): nobody may wait forever on a batch.
            for _, _, done in [*batch, *self._waiting]:
                done.cancel()
            self._waiting = []

    async def _ingest_alone(
        self, row: SourceRow, entries: Sequence[FeedEntry]
    ) -> _Counts | Exception:
        try:
            return (await self._ingest_batch([(row, entries)]))[0]
        except Exception as exc:
            return exc

    async def _ingest_batch(
        self, batch: Sequence[tuple[SourceRow, Sequence[FeedEntry]]]
    ) -> list[_Counts]:
        """Store the new entries of several sources, cluster the incidents, queue alerts."""
        flat = [(k, row, entry) for k, (row, entries) in enumerate(batch) for entry in entries]
        fresh = await self._store.unseen([(row.id, e.dedupe_key, e.url_norm) for _, row, e in flat])
        counts = [[0, 0, 0] for _ in batch]
        if not fresh:
            return [(0, 0, 0) for _ in batch]
        now = self._clock()
        # Oldest first, across sources: the clusterer sees the reports in time order.
        picked = sorted((flat[i] for i in fresh), key=lambda p: p[2].published or now)
        new_items: list[NewItem] = []
        texts = [
            self._item_text(entry.dedupe_key, entry.title, entry.summary, row, entry.published,
                            entry.url)
            for _, row, entry in picked
        ]
        if len(texts) > CLASSIFY_INLINE_ITEMS:
            # A big first poll (thousands of new items) is seconds of classifying: in a
            # thread, so commands and deliveries go on meanwhile.
            verdicts = await asyncio.to_thread(self._classify_all, texts)
        else:
            verdicts = self._classify_all(texts)
        for (_, row, entry), verdict in zip(picked, verdicts, strict=True):
            new_items.append(
                NewItem(
                    source_id=row.id, dedupe_key=entry.dedupe_key, url=entry.url,
                    url_norm=entry.url_norm, title=entry.title, summary=entry.summary,
                    published_at=entry.published, first_seen_at=now, lang=verdict.lang,
                    is_incident=verdict.incident, score=verdict.score,
                    severity=verdict.severity,
                    facts=verdict.to_json() if verdict.incident else None,
                    forwarded_from=entry.forwarded_from,
                )
            )
        ids = await self._store.store_items(new_items)
        for (k, row, entry), verdict, item_id in zip(picked, verdicts, ids, strict=True):
            if item_id < 0:
                continue  # stored meanwhile by another poll
            counts[k][0] += 1
            if not verdict.incident:
                continue
            counts[k][1] += 1
            report = Report(
                item_id=str(item_id), published=entry.published or now, title=entry.title,
                summary=entry.summary, source=row.name, perspective=row.perspective,
                classification=_voiced(verdict, row, entry.forwarded_from), url=entry.url,
                side=_side_of(row),
            )
            counts[k][2] += await self._cluster(report, item_id, now)
        return [(new, incidents, queued) for new, incidents, queued in counts]

    def _classify_all(self, texts: Sequence[ItemText]) -> list[Classification]:
        return [self._classifier.classify(text) for text in texts]

    async def _cluster(self, report: Report, item_id: int, now: datetime, *,
                       recovered: bool = False) -> int:
        """Put an incident report into its incident; save it and queue what it changes."""
        assignment = self._clusterer.add(report)
        action = assignment.action
        if assignment.duplicate:
            if not recovered:
                return 0
            # Clustered before its incident row was saved: save it now, alert if still due.
            action = "edit"
        view = self._clusterer.incident(assignment.incident_id)
        stored = [
            (item, src)
            for item, src in await self._store.incident_items(assignment.incident_id, limit=40)
            if item.id != item_id
        ]
        record = IncidentRecord(
            item_id=item_id, incident_id=assignment.incident_id,
            first_published_at=view.first_published, last_published_at=view.last_published,
            severity=view.severity, headline=headline(view, "en"), sectors=view.sectors,
            view=view.to_json(), priority=priority_of(view.severity),
            version=len(view.report_ids),
        )
        max_age = timedelta(hours=self._settings.alert_max_age_hours)
        if now - report.published > max_age or action not in {"alert", "edit", "edit_and_reply"}:
            return await self._store.record_incident(record)
        refs = [
            ReportRef(source=src.name, url=item.url, title=item.title,
                      published=item.published_at or item.first_seen_at)
            for item, src in stored
        ]
        refs.append(ReportRef(report.source or "", report.url, report.title, report.published))
        texts = {lang: render_alert(view, refs, lang) for lang in LANGUAGES}
        # An edit carries the alert too: an alert not yet sent for this incident goes out now
        # with all facts (the store queues it only if none went out).
        alert = RenderedAlert(
            texts=texts,
            markups={
                lang: alert_markup_json(record.incident_id, lang, can_mute=bool(view.sectors))
                for lang in LANGUAGES
            },
            filter_text=_filter_text(record.headline, stored, report),
        )
        if action == "alert":
            return await self._store.record_incident(record, alert=alert)
        replies = None
        if action == "edit_and_reply":
            replies = {lang: render_followup(view, assignment.changes, lang) for lang in LANGUAGES}
        return await self._store.record_incident(record, alert=alert, edits=texts,
                                                  replies=replies)

    async def _recover_orphans(self) -> None:
        """Cluster incident items that were stored but never attached to an incident.

        Only after a failed batch (or at start-up, after a crash): otherwise there are none.
        """
        if not self._orphans:
            return
        try:
            since = self._clock() - self._clusterer.retention
            orphans = await self._store.recent_incident_items(since, orphans=True)
            if orphans:
                log.warning("ingest.recovering items=%d", len(orphans))
            now = self._clock()
            for item, source in orphans:
                if item.facts:
                    report = self._stored_report(item, source)
                    await self._cluster(report, item.id, now, recovered=True)
        except Exception:
            log.exception("ingest.recovery_failed; tried again after the next batch")
        else:
            self._orphans = False

    def _stored_report(self, item: Item, source: SourceRow) -> Report:
        classification = self._classifier.classify(
            self._item_text(item.id, item.title, item.summary, source, item.published_at,
                            item.url)
        )
        return Report(
            item_id=str(item.id), published=item.published_at or item.first_seen_at,
            title=item.title, summary=item.summary, source=source.name,
            perspective=source.perspective, url=item.url, side=_side_of(source),
            classification=_voiced(classification, source, item.forwarded_from),
        )

    async def _failed(
        self, row: SourceRow, error: str, retry_after: float | None, *, at_once: bool = False
    ) -> None:
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

    def _item_text(
        self, item_id: int | str, title: str, summary: str, source: SourceRow,
        published: datetime | None, url: str | None,
    ) -> ItemText:
        return ItemText(
            id=str(item_id), title=title, summary=summary, lang=source.lang,
            published=published, url=url, source=source.name,
        )


def _filter_text(title: str, stored: Sequence[tuple[Item, SourceRow]], report: Report) -> str:
    """What keyword filters match: the headline, every report's text and places."""
    texts: list[str] = []
    place_ids: list[str] = []
    for item, _ in stored:
        texts += [item.title, item.summary]
        place_ids += [
            loc["id"] for loc in (item.facts or {}).get("locations") or []
            if isinstance(loc, dict) and isinstance(loc.get("id"), str)
        ]
    texts += [report.title, report.summary]
    place_ids += [loc.id for loc in report.classification.locations]
    return filter_text(title, texts, place_ids)


def _side_of(source: SourceRow) -> Side | None:
    """The side a source speaks from: declared in the sources file, or its perspective."""
    return _SIDES.get(source.side or "") or _SIDES.get(source.perspective or "")


def _voiced(
    verdict: Classification, source: SourceRow, forwarded_from: str | None
) -> Classification:
    """An official body's own post is its own claim; its reposts are not."""
    actor = _OFFICIAL.get(source.actor or "")
    if actor is None or forwarded_from:
        return verdict
    return in_own_voice(verdict, actor)


def next_slot(source_id: int, now: datetime, interval: float) -> datetime:
    """The next poll time for a source: `interval` from now, moved to the source's own phase.

    Each source has a fixed phase within its interval (from its id), so hundreds of sources
    are spread evenly over the interval instead of all polling in the same second.
    """
    phase = (source_id * 0.6180339887) % 1.0 * interval  # golden-ratio spacing of the ids
    earliest = now.timestamp() + interval * 0.5
    cycles = math.ceil((earliest - phase) / interval)
    return datetime.fromtimestamp(cycles * interval + phase, UTC)


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f} h"
