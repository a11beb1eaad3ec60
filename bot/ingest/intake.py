"""New entries -> stored items -> incidents -> queued alerts, in batches across sources.

The poller hands each source's new entries here; they wait for the next batch, and one
drainer task stores batch after batch, so the clusterer and the incident rows change one
batch at a time (one writer). A batch is one `unseen` lookup, then chunks in publication
order: classify (in a thread when large), store, cluster. Chunks keep a big first poll
(thousands of items) from holding the event loop: each chunk's SQL and its garbage are small.

A batch that fails is retried source by source, so one bad entry fails only its source;
incident items it stored but did not cluster ("orphans") are clustered after it, and at
start-up after a crash.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot.classifier import Classifier, ItemText
from bot.classifier.types import Classification
from bot.clustering import Clusterer, Report, in_own_voice
from bot.db.outbox import RenderedAlert
from bot.db.store import IncidentRecord, NewItem, Store
from bot.db.tables import Item, SourceRow
from bot.domain import ACTOR_SIDE, ACTORS, SIDES, Actor, Side, priority_of
from bot.ingest.parse import FeedEntry
from bot.present.keyboards import alert_markup_json
from bot.present.summary import LANGUAGES, ReportRef, headline, render_alert, render_followup
from bot.settings import Settings
from bot.subscribers.rules import filter_text

__all__ = ["CHUNK_ITEMS", "CLASSIFY_INLINE_ITEMS", "Counts", "Intake"]

log = logging.getLogger(__name__)

CLASSIFY_INLINE_ITEMS = 50  # more new items than this are classified in a worker thread
CHUNK_ITEMS = 200  # new items classified, stored and clustered together

Counts = tuple[int, int, int]  # new items, incident reports, deliveries queued
_Waiting = tuple[SourceRow, Sequence[FeedEntry], asyncio.Future[Counts]]
# Source columns read back as the domain's words (the sources file validated them).
_SIDES: dict[str, Side] = {side: side for side in SIDES}
_OFFICIAL: dict[str, Actor] = {actor: actor for actor in ACTORS if actor in ACTOR_SIDE}


class Intake:
    """Stores new entries in batches, classifies them and hands incidents to the clusterer."""

    def __init__(
        self, settings: Settings, store: Store, classifier: Classifier, clusterer: Clusterer,
        *, clock: Callable[[], datetime],
    ) -> None:
        self._settings = settings
        self._store = store
        self._classifier = classifier
        self._clusterer = clusterer
        self._clock = clock
        self._waiting: list[_Waiting] = []
        self._drainer: asyncio.Task[None] | None = None
        self._orphans = False  # a failed batch may have stored items it did not cluster
        self._warm = False  # the classifier has answered once (its models are loaded)

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

    async def ingest(self, row: SourceRow, entries: Sequence[FeedEntry]) -> Counts:
        """Queue a source's entries for the next batch; wait for its counts."""
        if not entries:
            return 0, 0, 0
        done: asyncio.Future[Counts] = asyncio.get_running_loop().create_future()
        self._waiting.append((row, entries, done))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain(), name="poller-ingest")
        return await done

    async def settle(self) -> None:
        """Wait until what the last batch set in motion (a recovery) has ended too."""
        if self._drainer is not None:
            await self._drainer

    def expire(self, now: datetime) -> None:
        """Forget incidents too old to gain reports (end of a poll cycle)."""
        self._clusterer.expire(now)

    async def _drain(self) -> None:
        """Ingest what has queued up, batch after batch, until nothing waits.

        Sources whose fetch ends while a batch is being stored form the next batch, so a
        busy cycle costs a few database round trips rather than several per source.
        """
        batch: list[_Waiting] = []
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                outcomes: list[Counts | Exception]
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
    ) -> Counts | Exception:
        try:
            return (await self._ingest_batch([(row, entries)]))[0]
        except Exception as exc:
            return exc

    async def _ingest_batch(
        self, batch: Sequence[tuple[SourceRow, Sequence[FeedEntry]]]
    ) -> list[Counts]:
        """Store the new entries of several sources, cluster the incidents, queue alerts."""
        flat = [(k, row, entry) for k, (row, entries) in enumerate(batch) for entry in entries]
        fresh = await self._store.unseen([(row.id, e.dedupe_key, e.url_norm) for _, row, e in flat])
        counts = [[0, 0, 0] for _ in batch]
        now = self._clock()
        # Oldest first, across sources: the clusterer sees the reports in time order.
        picked = sorted((flat[i] for i in fresh), key=lambda p: p[2].published or now)
        for start in range(0, len(picked), CHUNK_ITEMS):
            await self._ingest_chunk(picked[start : start + CHUNK_ITEMS], counts, now)
        return [(new, incidents, queued) for new, incidents, queued in counts]

    async def _ingest_chunk(
        self, chunk: Sequence[tuple[int, SourceRow, FeedEntry]], counts: list[list[int]],
        now: datetime,
    ) -> None:
        """Classify, store and cluster a chunk of a batch; add to each source's `counts`."""
        texts = [
            self._item_text(entry.dedupe_key, entry.title, entry.summary, row, entry.published,
                            entry.url)
            for _, row, entry in chunk
        ]
        if len(texts) > CLASSIFY_INLINE_ITEMS or not self._warm:
            # A chunk of a big poll, or the classifier's first call (it loads its models, a
            # second or more): in a thread, so commands, deliveries and other sources' fetches
            # (whose deadlines run meanwhile) go on.
            verdicts = await asyncio.to_thread(self._classify_all, texts)
            self._warm = True
        else:
            verdicts = self._classify_all(texts)
        ids = await self._store.store_items([
            _new_item(row, entry, verdict, now)
            for (_, row, entry), verdict in zip(chunk, verdicts, strict=True)
        ])
        for (k, row, entry), verdict, item_id in zip(chunk, verdicts, ids, strict=True):
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

    def _item_text(
        self, item_id: int | str, title: str, summary: str, source: SourceRow,
        published: datetime | None, url: str | None,
    ) -> ItemText:
        return ItemText(
            id=str(item_id), title=title, summary=summary, lang=source.lang,
            published=published, url=url, source=source.name,
        )


def _new_item(row: SourceRow, entry: FeedEntry, verdict: Classification, now: datetime) -> NewItem:
    """The row to store for a new entry, with the classifier's verdict."""
    return NewItem(
        source_id=row.id, dedupe_key=entry.dedupe_key, url=entry.url,
        url_norm=entry.url_norm, title=entry.title, summary=entry.summary,
        published_at=entry.published, first_seen_at=now, lang=verdict.lang,
        is_incident=verdict.incident, score=verdict.score,
        severity=verdict.severity,
        facts=verdict.to_json() if verdict.incident else None,
        forwarded_from=entry.forwarded_from,
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
