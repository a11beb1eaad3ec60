"""The intake: a first poll bigger than a chunk is stored, clustered and counted whole, and a
chunk that fails to store loses nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.classifier import default_classifier
from bot.clustering import Clusterer
from bot.db.store import NewItem, Store
from bot.db.tables import Item
from bot.ingest.fetch import build_http_client
from bot.ingest.intake import CHUNK_ITEMS
from bot.ingest.poller import Poller
from bot.ingest.sources import Source
from bot.settings import load_settings
from testkit.feed_server import FeedServer, rss

ITEMS = CHUNK_ITEMS * 2 + 50
START = datetime.now(UTC) - timedelta(hours=6)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The production HTTP client with short timeouts."""
    async with build_http_client(timeout=1.0, max_connections=4, user_agent="Mozilla/5.0 (t)",
                                 allow_private=True) as c:
        yield c


def big_feed() -> bytes:
    """More items than two chunks; one in ten reports fire near a border village."""
    return rss(*(
        (f"Azerbaijani forces fired at Armenian positions near Sotk, the ministry says ({n})"
         if n % 10 == 0 else f"Wine festival day {n} draws visitors",
         "", f"https://news.example/{n}", START + timedelta(minutes=n))
        for n in range(ITEMS)
    ))


class StoreFailingOnce(Store):
    """The real store, whose `fail_at`-th call of store_items fails (the database hiccups)."""

    def __init__(self, store: Store, fail_at: int) -> None:
        super().__init__(store.engine)
        self.calls = 0
        self.fail_at = fail_at

    async def store_items(self, items: Sequence[NewItem]) -> list[int]:
        self.calls += 1
        if self.calls == self.fail_at:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return await super().store_items(items)


async def poll_big_feed(store: Store, feeds: FeedServer, client: httpx.AsyncClient,
                        using: Store) -> int:
    """Serve the big feed to a new source with one subscriber, poll once; new items counted."""
    await store.chats.upsert_chat(5, type_="private", title=None, language="en")
    await store.chats.subscribe(5)
    feeds.serve("/big.xml", big_feed())
    await store.sync_sources([Source("big", feeds.url("/big.xml"), lang="en")])
    poller = Poller(load_settings(http_timeout_seconds=1.0), using, client,
                    default_classifier(), Clusterer())
    (outcome,) = await poller.poll_due()
    assert outcome.ok
    return outcome.new_items


async def stored(store: Store) -> tuple[int, int, int]:
    """Items stored, distinct links among them, incident reports left out of any incident."""
    async with store.sessions() as session:
        items = await session.scalar(select(func.count(Item.id)))
        links = await session.scalar(select(func.count(func.distinct(Item.url))))
        orphans = await session.scalar(select(func.count(Item.id)).where(
            Item.is_incident.is_(True), Item.incident_id.is_(None)))
    return int(items or 0), int(links or 0), int(orphans or 0)


async def test_first_poll_bigger_than_a_chunk_is_stored_whole(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """Every item of a poll spanning three chunks is stored once and counted; every incident
    report joins an incident, and the incident's alert is queued."""
    assert await poll_big_feed(store, feeds, client, store) == ITEMS
    assert await stored(store) == (ITEMS, ITEMS, 0)
    assert len(await store.latest_incidents()) >= 1
    assert (await store.outbox.delivery_counts()).get("pending", 0) >= 1


async def test_a_chunk_that_fails_to_store_loses_nothing(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """The second chunk's write fails after the first chunk was stored and clustered: the
    source is retried alone and the rest is stored, nothing twice, every report clustered."""
    flaky = StoreFailingOnce(store, fail_at=2)
    await poll_big_feed(store, feeds, client, flaky)
    assert flaky.calls > 2
    assert await stored(store) == (ITEMS, ITEMS, 0)
    assert len(await store.latest_incidents()) >= 1
