"""Prometheus metrics: one registry per application, never the global one.

Two kinds of figures: counters the poll job bumps as it goes (`record_polls`), and figures
gathered from the services at scrape time (`refresh` reads the store and the sender's
`SenderStats`; a custom collector turns that snapshot into metric families). Several
applications (tests, replicas in one process) each keep their own `Metrics`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

from bot.db.store import Store
from bot.delivery.sender import SenderStats
from bot.domain import DeliveryStatus
from bot.ingest.poller import PollOutcome

__all__ = ["CONTENT_TYPE", "Metrics", "Snapshot"]

CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass(slots=True)
class Snapshot:
    """What a scrape reports that lives elsewhere: the database and the sender."""

    leader: bool = False
    last_poll_age: float | None = None
    totals: dict[str, int] = field(default_factory=dict)
    outbox: dict[str, int] = field(default_factory=dict)
    source_failures: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    retried: int = 0
    failed: int = 0
    rate_limited: int = 0
    chats_deactivated: int = 0
    inflight_requeued: int = 0


class _SnapshotCollector(Collector):
    """Metric families from the latest `Snapshot`."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def collect(self) -> Iterator[Metric]:
        snap = self._metrics.snapshot
        yield _gauge("borderwatch_leader", "1 on the replica that polls and sends, else 0",
                     1.0 if snap.leader else 0.0)
        yield _gauge("borderwatch_last_poll_age_seconds", "Seconds since the last poll cycle",
                     math.nan if snap.last_poll_age is None else snap.last_poll_age)
        deliveries = CounterMetricFamily(
            "borderwatch_deliveries", "Messages this process sent, retried, or gave up on",
            labels=["outcome"],
        )
        for outcome, value in (("sent", snap.sent), ("retried", snap.retried),
                               ("failed", snap.failed), ("rate_limited", snap.rate_limited)):
            deliveries.add_metric([outcome], value)
        yield deliveries
        yield _counter("borderwatch_chats_deactivated", "Chats that blocked or removed the bot",
                       snap.chats_deactivated)
        yield _counter("borderwatch_inflight_requeued",
                       "Deliveries re-queued after a crash or takeover (possible duplicates)",
                       snap.inflight_requeued)
        yield _gauge("borderwatch_queue_depth", "Deliveries waiting to be sent",
                     snap.outbox.get(DeliveryStatus.PENDING, 0))
        outbox = GaugeMetricFamily("borderwatch_outbox_deliveries",
                                   "Deliveries in the database by status", labels=["status"])
        for status, count in sorted(snap.outbox.items()):
            outbox.add_metric([status], count)
        yield outbox
        for name, help_text in (("items", "Feed items stored"), ("incidents", "Incidents"),
                                ("subscriptions", "Subscribed chats and topics")):
            yield _gauge(f"borderwatch_{name}", help_text, snap.totals.get(name, 0))
        streak = GaugeMetricFamily("borderwatch_source_failure_streak",
                                   "Consecutive failed polls of a source", labels=["source"])
        for source, failures in sorted(snap.source_failures.items()):
            streak.add_metric([source], failures)
        yield streak


def _gauge(name: str, help_text: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, help_text, value=value)


def _counter(name: str, help_text: str, value: float) -> CounterMetricFamily:
    return CounterMetricFamily(name, help_text, value=value)


class Metrics:
    """The application's registry, its counters and the scrape-time snapshot."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.polls = Counter(
            "borderwatch_source_polls", "Feed polls by source and outcome (ok / failure)",
            ["source", "outcome"], registry=self.registry,
        )
        self.new_items = Counter(
            "borderwatch_new_items", "New feed items stored", registry=self.registry
        )
        self.new_incident_items = Counter(
            "borderwatch_new_incident_items", "New items classified as incident reports",
            registry=self.registry,
        )
        self.queued = Counter(
            "borderwatch_queued", "Deliveries queued by the poller", registry=self.registry
        )
        self.poll_cycles = Counter(
            "borderwatch_poll_cycles", "Poll cycles run", registry=self.registry
        )
        self.send_latency = Histogram(
            "borderwatch_send_latency_seconds", "Bot API round trip of a sent message",
            buckets=LATENCY_BUCKETS, registry=self.registry,
        )
        self.snapshot = Snapshot()
        self.inflight_requeued = 0
        """Deliveries this process re-queued after a crash or takeover (`requeued`)."""
        self._latencies_seen = 0
        self.registry.register(_SnapshotCollector(self))

    def requeued(self, count: int) -> None:
        """Count deliveries found in flight and re-queued (they may arrive twice)."""
        self.inflight_requeued += count

    def record_polls(self, outcomes: Sequence[PollOutcome]) -> None:
        """Count one poll cycle's outcomes."""
        self.poll_cycles.inc()
        for outcome in outcomes:
            self.polls.labels(outcome.source, "ok" if outcome.ok else "failure").inc()
            self.new_items.inc(outcome.new_items)
            self.new_incident_items.inc(outcome.incidents)
            self.queued.inc(outcome.queued)

    async def refresh(
        self,
        store: Store,
        stats: SenderStats,
        *,
        leader: bool,
        last_poll_age: float | None,
    ) -> None:
        """Gather the scrape-time figures (three small queries)."""
        totals = await store.counts()
        outbox = await store.outbox.delivery_counts()
        failures = {h.name: h.failures for h in await store.source_health()}
        self._observe_latencies(stats)
        self.snapshot = Snapshot(
            leader=leader, last_poll_age=last_poll_age, totals=totals, outbox=outbox,
            source_failures=failures, sent=stats.sent, retried=stats.retried,
            failed=stats.failed, rate_limited=stats.rate_limited,
            chats_deactivated=stats.chats_deactivated, inflight_requeued=self.inflight_requeued,
        )

    def _observe_latencies(self, stats: SenderStats) -> None:
        # The sender appends one latency per sent message and trims the list's head, so the
        # newest `sent - seen` entries (at most the list's length) are the unobserved ones.
        fresh = min(stats.sent - self._latencies_seen, len(stats.latencies))
        if fresh > 0:
            for value in stats.latencies[-fresh:]:
                self.send_latency.observe(value)
        self._latencies_seen = stats.sent

    def render(self) -> bytes:
        """The text exposition format of everything registered."""
        return generate_latest(self.registry)

