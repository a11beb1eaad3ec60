"""Public Telegram channels through the poll cycle, served by the loopback feed server:
items, deleted and edited posts, health, a change of markup, attribution and alerts."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, update

from bot.classifier import default_classifier
from bot.clustering import Clusterer, IncidentView
from bot.db.store import Store
from bot.db.tables import Delivery, Incident, Item, SourceRow
from bot.ingest.fetch import build_http_client
from bot.ingest.poller import Poller
from bot.ingest.sources import Source, parse_sources
from bot.settings import load_settings
from testkit.feed_server import FeedServer
from testkit.tme_preview import HTML_CONTENT_TYPE, Post, preview_page

MOD = """
[[sources]]
name = "Ministry of Defence of Armenia (Telegram)"
telegram = "mod_armenia"
lang = "en"
perspective = "official"
side = "armenian"
actor = "am_mod"
"""
NOW = datetime.now(UTC).replace(microsecond=0)
SHELLING = ("On December 2, at around 10:40, units of the Azerbaijani armed forces opened fire "
            "from artillery at Armenian combat positions near Sotk.\nThere are no casualties.")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The production HTTP client with short timeouts."""
    # The t.me stand-in is on loopback: trusted as TELEGRAM_WEB_BASE_URL's host is.
    async with build_http_client(timeout=1.0, max_connections=8, user_agent="Mozilla/5.0 (t)",
                                 trusted_hosts=["127.0.0.1"]) as c:
        yield c


async def channel_poller(store: Store, client: httpx.AsyncClient, feeds: FeedServer,
                         sources: list[Source], **settings: object) -> Poller:
    """A Poller reading channel previews from the loopback server."""
    await store.sync_sources(sources)
    config = load_settings(http_timeout_seconds=1.0, telegram_web_base_url=feeds.base_url,
                           **settings)
    return Poller(config, store, client, default_classifier(), Clusterer())


async def make_due(store: Store) -> None:
    """Make every source due now."""
    async with store.sessions.begin() as session:
        await session.execute(update(SourceRow).values(next_poll_at=None))


async def items(store: Store) -> dict[str, Item]:
    """Stored items by URL."""
    async with store.sessions() as session:
        return {i.url or "": i for i in (await session.scalars(select(Item))).all()}


def serve(feeds: FeedServer, channel: str, posts: list[Post], **kwargs: object) -> None:
    """Serve a channel's preview page at /s/<channel>."""
    feeds.serve(f"/s/{channel}", preview_page(channel, posts), content_type=HTML_CONTENT_TYPE,
                **kwargs)  # type: ignore[arg-type]


async def test_channel_posts_become_items(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """The fixture channel gives one item per post with words, each with its t.me link; the
    source is healthy and the request went to the configured base URL."""
    feeds.serve_file("/s/mod_armenia", "tme_mod_armenia.html")
    poller = await channel_poller(store, client, feeds, parse_sources(MOD))
    (outcome,) = await poller.poll_due()
    assert outcome.ok, outcome.error
    assert outcome.new_items == 6
    stored = await items(store)
    assert sorted(stored) == [f"https://t.me/mod_armenia/{n}"
                              for n in (1001, 1002, 1005, 1006, 1009, 1010)]
    assert stored["https://t.me/mod_armenia/1005"].forwarded_from == "Armenpress"
    assert stored["https://t.me/mod_armenia/1001"].forwarded_from is None
    (row,) = await store.all_sources()
    assert row.url == "https://t.me/s/mod_armenia"
    assert (row.failures, row.side, row.actor) == (0, "armenian", "am_mod")
    assert feeds.hits("/s/mod_armenia") == 1


async def test_deleted_posts_stay_and_edited_posts_are_not_new(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """A post gone from the page stays stored; an edited post is the same item, unchanged;
    only the new post is new."""
    serve(feeds, "chan_news", [Post(1, "Road opens in Goris.", NOW),
                               Post(2, "Wine festival in Areni.", NOW)])
    poller = await channel_poller(store, client, feeds, [
        Source("News channel", "https://t.me/s/chan_news")])
    (first,) = await poller.poll_due()
    assert first.new_items == 2
    serve(feeds, "chan_news", [Post(2, "Wine festival in Areni postponed.", NOW, edited=True),
                               Post(3, "School rebuilt in Tegh.", NOW)])
    await make_due(store)
    (second,) = await poller.poll_due()
    assert second.new_items == 1
    stored = await items(store)
    assert sorted(stored) == [f"https://t.me/chan_news/{n}" for n in (1, 2, 3)]
    assert stored["https://t.me/chan_news/2"].summary == "Wine festival in Areni."


async def test_conditional_requests_and_unchanged_pages(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """When the server gives an ETag the next poll is conditional; a 304 stores nothing."""
    serve(feeds, "chan_news", [Post(1, "Road opens in Goris.", NOW)], etag=True)
    poller = await channel_poller(store, client, feeds, [
        Source("News channel", "https://t.me/s/chan_news")])
    await poller.poll_due()
    await make_due(store)
    (second,) = await poller.poll_due()
    assert second.ok
    assert second.new_items == 0
    assert feeds.requests("/s/chan_news")[-1].header("if-none-match")


async def test_empty_channel_is_healthy(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """A channel that has posted nothing is a healthy source with no items."""
    feeds.serve_file("/s/bw_empty_channel", "tme_empty_channel.html")
    poller = await channel_poller(store, client, feeds, [
        Source("Empty", "https://t.me/s/bw_empty_channel")])
    (outcome,) = await poller.poll_due()
    assert outcome.ok
    assert outcome.new_items == 0


@pytest.mark.parametrize("layout", ["tme_changed_layout.html", "tme_empty_channel.html"])
async def test_markup_change_marks_unhealthy_tells_operators_once_and_backs_off(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer, layout: str
) -> None:
    """A page without posts where there were posts: the source fails, the operators get one
    notice at once (not after hours), each poll fetches once and the next poll backs off."""
    feeds.serve_file("/s/mod_armenia", "tme_mod_armenia.html")
    poller = await channel_poller(store, client, feeds, parse_sources(MOD), admin_chat_ids="77")
    (good,) = await poller.poll_due()
    assert good.ok
    feeds.serve_file("/s/mod_armenia", layout)
    gaps = []
    for poll in range(3):
        await make_due(store)
        before = datetime.now(UTC)
        (outcome,) = await poller.poll_due()
        assert not outcome.ok
        assert "markup" in (outcome.error or "")
        assert feeds.hits("/s/mod_armenia") == poll + 2  # one fetch per poll: no loop
        (row,) = await store.all_sources()
        assert row.next_poll_at is not None
        gaps.append((row.next_poll_at - before).total_seconds())
    assert gaps[0] < gaps[1] < gaps[2]
    assert row.failures == 3
    async with store.sessions() as session:
        notices = (await session.scalars(select(Delivery.text))).all()
    assert len(notices) == 1
    assert "Ministry of Defence of Armenia (Telegram)" in notices[0]
    assert "markup" in notices[0]


async def test_official_post_is_the_ministrys_claim(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """The ministry's own post about shelling (no speaker named in it) alerts as Armenia's
    Defence Ministry's accusation, linked to the post."""
    await store.chats.upsert_chat(5, type_="private", title=None, language="en")
    await store.chats.subscribe(5)
    serve(feeds, "mod_armenia", [Post(41, SHELLING, NOW - timedelta(minutes=5))])
    poller = await channel_poller(store, client, feeds, parse_sources(MOD))
    (outcome,) = await poller.poll_due()
    assert (outcome.new_items, outcome.incidents, outcome.queued) == (1, 1, 1)
    (incident,) = await store.latest_incidents()
    view = IncidentView.from_json(incident.view)
    assert {c.actor for c in view.claims} == {"am_mod"}
    assert view.sides_heard == ("armenian",)
    async with store.sessions() as session:
        (alert,) = (await session.scalars(select(Delivery.text))).all()
    # the act and the place the post names ("opened fire from artillery ... near Sotk")
    said = "Armenia's Defence Ministry says Azerbaijani forces shelled positions near Sotk"
    assert said in html.unescape(alert)
    assert "https://t.me/mod_armenia/41" in alert


async def test_forwarded_post_keeps_the_text_speaker(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """A ministry channel's repost of an outlet is the outlet's report, not the ministry's
    claim, also when the clustering is rebuilt after a restart."""
    serve(feeds, "mod_armenia", [Post(42, SHELLING, NOW, forwarded_from="Some outlet")])
    poller = await channel_poller(store, client, feeds, parse_sources(MOD))
    (outcome,) = await poller.poll_due()
    assert outcome.incidents == 1
    (incident,) = await store.latest_incidents()
    view = IncidentView.from_json(incident.view)
    assert "am_mod" not in {c.actor for c in view.claims}
    clusterer = Clusterer()
    restarted = Poller(load_settings(), store, client, default_classifier(), clusterer)
    assert await restarted.seed() == 1
    async with store.sessions() as session:
        incident_id = await session.scalar(select(Incident.id))
    assert incident_id is not None
    assert "am_mod" not in {c.actor for c in clusterer.incident(incident_id).claims}


async def test_markup_change_after_an_outage_is_still_told_at_once(
    store: Store, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    """A channel that first answers 503 and then a page without posts: the operators hear of
    the markup at once, once, even though the failure streak began with the outage."""
    feeds.serve_file("/s/mod_armenia", "tme_mod_armenia.html")
    poller = await channel_poller(store, client, feeds, parse_sources(MOD), admin_chat_ids="77")
    await poller.poll_due()
    feeds.status("/s/mod_armenia", 503)
    await make_due(store)
    (down,) = await poller.poll_due()
    assert not down.ok
    feeds.serve_file("/s/mod_armenia", "tme_changed_layout.html")
    for _ in range(2):
        await make_due(store)
        (outcome,) = await poller.poll_due()
        assert "markup" in (outcome.error or "")
    async with store.sessions() as session:
        notices = (await session.scalars(select(Delivery.text))).all()
    assert len(notices) == 1
    assert "markup" in notices[0]
