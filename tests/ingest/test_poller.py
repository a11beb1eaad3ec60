"""The poll cycle against the loopback feed server: quirky feeds, hostile feeds, backoff."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from bot.classifier import Classification, Classifier, ItemText, default_classifier
from bot.clustering import Clusterer
from bot.db.store import IncidentRecord, NewItem, Store
from bot.db.tables import Item, SourceRow
from bot.ingest.fetch import build_http_client
from bot.ingest.poller import Poller
from bot.ingest.schedule import next_slot
from bot.ingest.sources import Source
from bot.settings import load_settings
from testkit.feed_server import FeedServer, rss

GOOD = {
    "armenpress": "armenpress_en.xml",
    "newsam-ru": "newsam_ru_cp1251.xml",
    "koi8": "koi8r_ru.xml",
    "qafqazinfo": "qafqazinfo_az.xml",
    "azertag": "azertag_az.xml",
    "apa": "apa_az.xml",
    "modern": "modern_az.xml",
    "haqqin": "haqqin_ru.xml",
    "hetq": "hetq_hy.xml",
    "civilnet": "civilnet_atom_en.xml",
    "hostile": "hostile_markup_en.xml",
    "nodate": "no_pubdate_en.xml",
    "conflict1": "charset_conflict_header_right.xml",
    "conflict2": "charset_conflict_declaration_right.xml",
}
BAD = ["html", "homepage", "loop", "e500", "huge", "bomb", "empty", "tiny", "gone", "laughs",
       "drip"]


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The production HTTP client with short timeouts."""
    async with build_http_client(timeout=1.0, max_connections=8, user_agent="Mozilla/5.0 (t)",
                                 allow_private=True) as c:
        yield c


def serve_all(feeds: FeedServer) -> list[Source]:
    """Good fixtures and one source per fault; returns the sources."""
    for name, fixture in GOOD.items():
        feeds.serve_file(f"/{name}.xml", fixture)
    feeds.html_page("/html.xml")
    feeds.serve_file("/homepage.xml", "site_homepage.html")
    feeds.redirect_loop("/loop.xml")
    feeds.status("/e500.xml", 500)
    feeds.huge("/huge.xml", 20_000_000, declare_length=False)
    feeds.gzip_bomb("/bomb.xml", 64 * 1024 * 1024)
    feeds.empty("/empty.xml")
    feeds.serve_file("/tiny.xml", "rferl_11_bytes.xml")
    feeds.status("/gone.xml", 404)
    feeds.serve_file("/laughs.xml", "billion_laughs.xml")
    feeds.slow_drip("/drip.xml", bytes_per_second=20)
    return [Source(name, feeds.url(f"/{name}.xml"), interval_seconds=60)
            for name in [*GOOD, *BAD]]


async def poller_for(store: Store, client: httpx.AsyncClient, sources: list[Source]) -> Poller:
    """A Poller over `sources` with test settings."""
    await store.sync_sources(sources)
    settings = load_settings(feed_max_bytes=1_000_000, http_timeout_seconds=1.0,
                             http_max_connections=8)
    return Poller(settings, store, client, default_classifier(), Clusterer())


async def make_due(store: Store) -> None:
    """Make every source due now."""
    async with store.sessions.begin() as session:
        await session.execute(update(SourceRow).values(next_poll_at=None))


async def test_hostile_feeds_affect_only_themselves(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Each faulty feed fails on its own, logged once per streak; the good ones are read."""
    poller = await poller_for(store, client, serve_all(feeds))
    caplog.set_level(logging.DEBUG, logger="bot.ingest.poller")
    outcomes = {o.source: o for o in await poller.poll_due()}
    assert {n for n, o in outcomes.items() if o.ok} >= set(GOOD)
    for name in ["html", "homepage", "loop", "e500", "huge", "bomb", "empty", "tiny", "gone",
                 "laughs", "drip"]:
        assert not outcomes[name].ok, name
    # The two charset-conflict fixtures carry the same stories: the second is deduplicated.
    empty = {n for n, o in outcomes.items() if n in GOOD and o.new_items == 0}
    assert empty <= {"conflict1", "conflict2"}
    assert len(empty) <= 1
    await make_due(store)
    await poller.poll_due()
    warnings = [r.getMessage() for r in caplog.records
                if r.levelno == logging.WARNING and "source.failing" in r.getMessage()]
    failing = [n for n, o in outcomes.items() if not o.ok]
    for name in failing:
        assert sum(f"source={name} " in w for w in warnings) == 1, name
    health = {h.name: h for h in await store.source_health()}
    assert health["e500"].failures == 2
    assert health["armenpress"].failures == 0


async def test_second_poll_sends_conditional_get_and_stores_nothing_new(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """Replaying the same feed stores nothing twice; an ETag turns the next poll into a 304."""
    feeds.serve_file("/a.xml", "armenpress_en.xml", etag=True)
    poller = await poller_for(store, client, [Source("a", feeds.url("/a.xml"))])
    (first,) = await poller.poll_due()
    assert first.new_items > 0
    await make_due(store)
    (second,) = await poller.poll_due()
    assert second.ok
    assert second.new_items == 0
    assert feeds.requests("/a.xml")[-1].header("if-none-match")
    async with store.sessions() as session:
        assert await session.scalar(select(func.count(Item.id))) == first.new_items


async def test_same_story_in_two_feeds_stored_once(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """An item whose link another source already gave is not stored again."""
    feeds.serve_file("/a.xml", "armenpress_en.xml")
    feeds.serve_file("/b.xml", "armenpress_en.xml")
    poller = await poller_for(
        store, client, [Source("a", feeds.url("/a.xml")), Source("b", feeds.url("/b.xml"))]
    )
    outcomes = {o.source: o for o in await poller.poll_due()}
    assert outcomes["a"].new_items + outcomes["b"].new_items == max(
        outcomes["a"].new_items, outcomes["b"].new_items
    )


async def test_backoff_grows_and_recovers(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """Failures push the next poll out exponentially; a success resets the streak."""
    feeds.status("/f.xml", 503, retry_after=1)
    poller = await poller_for(store, client, [Source("f", feeds.url("/f.xml"),
                                                     interval_seconds=60)])
    gaps = []
    for _ in range(3):
        await make_due(store)
        before = datetime.now(UTC)
        await poller.poll_due()
        (row,) = await store.all_sources()
        assert row.next_poll_at is not None
        gaps.append((row.next_poll_at - before).total_seconds())
    assert gaps[0] < gaps[1] < gaps[2]
    feeds.serve_file("/f.xml", "armenpress_en.xml")
    await make_due(store)
    (outcome,) = await poller.poll_due()
    assert outcome.ok
    (row,) = await store.all_sources()
    assert row.failures == 0


async def test_long_outage_tells_admins_once(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """A source down for hours queues one notice to the admins, not one per poll."""
    feeds.status("/d.xml", 500)
    await store.sync_sources([Source("d", feeds.url("/d.xml"))])
    settings = load_settings(admin_chat_ids="77", http_timeout_seconds=1.0)
    poller = Poller(settings, store, client, default_classifier(), Clusterer())
    async with store.sessions.begin() as session:
        long_ago = datetime.now(UTC) - timedelta(hours=5)
        await session.execute(update(SourceRow).values(created_at=long_ago))
    for _ in range(3):
        await make_due(store)
        await poller.poll_due()
    counts = await store.outbox.delivery_counts()
    assert counts == {"pending": 1}


START = datetime.now(UTC) - timedelta(hours=1)


def story(n: int, title: str) -> tuple[str, str, str, datetime]:
    """Feed item `n` for `rss`: its own link (the guid too) and a date fixed across bodies."""
    return title, "", f"https://news.example/{n}", START + timedelta(minutes=n)


INCIDENT = "Armenia's Defence Ministry says Azerbaijani forces fired at positions near Sotk"


class FlakyStore(Store):
    """The real store over the same database, whose named methods fail the given times."""

    def __init__(self, store: Store, **failures: int) -> None:
        super().__init__(store.engine)
        self.failures = failures

    def _trip(self, name: str) -> None:
        if self.failures.get(name, 0) > 0:
            self.failures[name] -= 1
            raise OperationalError("INSERT", {}, Exception("database is locked"))

    async def store_items(self, items: Sequence[NewItem]) -> list[int]:
        self._trip("store_items")
        return await super().store_items(items)

    async def record_incident(self, record: IncidentRecord, **messages: Any) -> int:
        self._trip("record_incident")
        return await super().record_incident(record, **messages)

    async def recent_incident_items(
        self, since: datetime, *, orphans: bool = False
    ) -> list[tuple[Item, SourceRow]]:
        self._trip("recent_incident_items")
        return await super().recent_incident_items(since, orphans=orphans)


class PickyClassifier(Classifier):
    """The real classifier, which crashes on one title (a bug that one entry triggers)."""

    def classify(self, item: ItemText) -> Classification:
        if "BOOM" in item.title:
            raise RuntimeError("classifier bug")
        return super().classify(item)


def plain_poller(store: Store, client: httpx.AsyncClient,
                 classifier: Classifier | None = None) -> Poller:
    """A Poller over the sources already in `store`."""
    return Poller(load_settings(http_timeout_seconds=1.0), store, client,
                  classifier or default_classifier(), Clusterer())


async def subscriber_and_incident_feed(store: Store, feeds: FeedServer) -> None:
    """Chat 5 subscribed, and one source whose feed reports a border incident."""
    await store.chats.upsert_chat(5, type_="private", title=None, language="en")
    await store.chats.subscribe(5)
    feeds.serve("/a.xml", rss(story(7, INCIDENT)))
    await store.sync_sources([Source("a", feeds.url("/a.xml"), lang="en")])


async def items_titles(store: Store) -> list[str]:
    async with store.sessions() as session:
        return sorted((await session.scalars(select(Item.title))).all())


async def test_changed_feed_stores_its_new_item_only(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """A feed that gains an item stores that one; an old item edited in place is not doubled."""
    feeds.serve("/a.xml", rss(story(2, "Budget debate"), story(1, "Wine festival opens")))
    poller = await poller_for(store, client, [Source("a", feeds.url("/a.xml"))])
    (first,) = await poller.poll_due()
    assert first.new_items == 2
    feeds.serve("/a.xml", rss(story(3, "New road opens"), story(2, "Budget debate"),
                              story(1, "Wine festival opens, updated")))
    await make_due(store)
    (second,) = await poller.poll_due()
    assert second.new_items == 1
    assert await items_titles(store) == ["Budget debate", "New road opens", "Wine festival opens"]


async def test_body_whose_items_were_not_stored_is_read_again(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """A failed write does not make the same body look already read on the next poll."""
    feeds.serve("/a.xml", rss(story(2, "Budget debate"), story(1, "Wine festival opens")))
    await store.sync_sources([Source("a", feeds.url("/a.xml"))])
    flaky = FlakyStore(store, store_items=2)  # the batch, then the source alone
    poller = plain_poller(flaky, client)
    (first,) = await poller.poll_due()
    assert not first.ok
    assert "internal error" in (await store.all_sources())[0].last_error
    await make_due(store)
    (second,) = await poller.poll_due()
    assert second.ok
    assert second.new_items == 2


async def test_entry_that_crashes_ingest_fails_only_its_source(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """Sources ingested together: one whose entry trips a bug fails alone; the rest are stored."""
    feeds.serve("/bad.xml", rss(story(5, "BOOM goes the parser"), story(4, "Exhibition opens")))
    sources = [Source("bad", feeds.url("/bad.xml"))]
    for n in range(6):
        feeds.serve(f"/ok{n}.xml", rss(story(n + 10, f"Road {n} opens")))
        sources.append(Source(f"ok{n}", feeds.url(f"/ok{n}.xml")))
    await store.sync_sources(sources)
    poller = plain_poller(store, client, PickyClassifier.load())
    outcomes = {o.source: o for o in await poller.poll_due()}
    assert not outcomes.pop("bad").ok
    assert all(o.ok and o.new_items == 1 for o in outcomes.values())
    assert await items_titles(store) == sorted(f"Road {n} opens" for n in range(6))


async def test_incident_stored_but_not_clustered_still_alerts(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """An error between storing a report and saving its incident: the alert still goes out."""
    await subscriber_and_incident_feed(store, feeds)
    flaky = FlakyStore(store, record_incident=1)
    poller = plain_poller(flaky, client)
    (outcome,) = await poller.poll_due()
    assert outcome.ok
    assert await store.recent_incident_items(datetime.now(UTC) - timedelta(days=1),
                                             orphans=True) == []
    assert len(await store.latest_incidents()) == 1
    assert await store.outbox.delivery_counts() == {"pending": 1}


async def test_start_up_clusters_what_a_crash_left_unclustered(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """Killed after storing an incident report: the next start alerts on it."""
    await subscriber_and_incident_feed(store, feeds)
    # The process "dies" at the incident write, leaving the report stored alone.
    crashing = FlakyStore(store, record_incident=1, recent_incident_items=1)
    poller = plain_poller(crashing, client)
    await poller.poll_due()
    assert await store.outbox.delivery_counts() == {}
    restarted = plain_poller(store, client)
    await restarted.seed()
    assert await store.outbox.delivery_counts() == {"pending": 1}


def test_sources_spread_over_the_interval() -> None:
    """Next poll times keep each source on its own phase, spread over the interval."""
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    slots = sorted((next_slot(i, now, 300) - now).total_seconds() for i in range(1, 301))
    assert all(150 <= s <= 450 for s in slots)
    buckets = {int(s // 30) for s in slots}
    assert len(buckets) >= 9  # spread over the whole interval, not bunched


async def test_entity_expansion_feed_marks_its_source_unhealthy(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """A feed expanding one 10 KB entity 20,000 times is refused and its source shows why."""
    body = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e "{"x" * 10_000}">]>'
            '<rss version="2.0"><channel><title>T</title><item><title>a</title>'
            f'<description>{"&e;" * 20_000}</description><link>https://x/1</link></item>'
            "</channel></rss>").encode()
    feeds.serve("/lol.xml", body)
    poller = await poller_for(store, client, [Source("lol", feeds.url("/lol.xml"))])
    (outcome,) = await poller.poll_due()
    assert not outcome.ok
    (health,) = await store.source_health()
    assert health.failures == 1
    assert "declares XML entities" in (health.last_error or "")
