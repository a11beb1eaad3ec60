"""Chats and subscriptions: who gets an alert and when, and what leaving does to the queue."""

from __future__ import annotations

from bot.db.chats import AlertMeta
from bot.db.store import Store
from bot.domain import DeliveryStatus
from bot.subscribers.args import parse_quiet
from bot.subscribers.prefs import ChatPrefs
from tests.db.conftest import NOW

TEGH = AlertMeta("inc-1", "high", ("syunik-lachin",), "Drone strike near Tegh\nТех")


async def chat(store: Store, chat_id: int, **prefs: object) -> None:
    """A subscribed chat with these preferences."""
    await store.chats.upsert_chat(chat_id, type_="private", title=None)
    await store.chats.save_prefs(chat_id, ChatPrefs.from_json({}, "en").with_(**prefs))
    await store.chats.subscribe(chat_id)


async def audience(store: Store, meta: AlertMeta = TEGH) -> dict[int, object]:
    """Chat id -> when its alert may go out."""
    async with store.sessions.begin() as session:
        return {r.chat_id: r.send_at for r in await store.chats.audience(session, meta, NOW)}


async def test_audience_applies_each_chats_filters(store: Store) -> None:
    """Severity, sectors, keywords (matched on the text the pipeline hands down, in any
    script) and digest mode each decide; quiet hours only delay."""
    await chat(store, 1)
    await chat(store, 2, min_severity="critical")
    await chat(store, 3, sectors=frozenset({"tavush-gazakh"}))
    await chat(store, 4, exclude=("тех",))
    await chat(store, 5, include=("drone",))
    await chat(store, 6, mode="digest")
    await chat(store, 7, quiet=parse_quiet("11-13"), critical_through=True)
    got = await audience(store)
    assert sorted(got) == [1, 5, 7]
    assert got[1] == got[5] == NOW
    assert got[7] == NOW.replace(hour=13)  # after its quiet hours (UTC): high is not critical


async def test_inactive_and_unsubscribed_chats_get_nothing(store: Store) -> None:
    """A chat that blocked the bot, or unsubscribed, leaves the audience; what was queued for
    it is cancelled (pending for an unsubscribed topic, pending and sending for a gone chat)."""
    await chat(store, 1)
    await chat(store, 2)
    await store.outbox.queue_messages([1, 2], key="k", text="t")
    assert await store.chats.deactivate_chat(1, "blocked") == 1
    assert await store.chats.unsubscribe(2)
    assert not await store.chats.unsubscribe(2)
    assert not await store.chats.is_subscribed(2)
    assert await audience(store) == {}
    assert await store.outbox.delivery_counts() == {DeliveryStatus.CANCELLED: 2}


async def test_a_chat_keeps_its_chosen_language_and_comes_back(store: Store) -> None:
    """The first user's language is the new chat's; later it is never overwritten; a chat
    heard from again after blocking the bot is active again."""
    await store.chats.upsert_chat(9, type_="private", title=None, language="ru-RU")
    await store.chats.upsert_chat(9, type_="private", title=None, language="az")
    prefs = await store.chats.prefs(9)
    assert prefs is not None
    assert prefs.language == "ru"
    await store.chats.subscribe(9)
    await store.chats.deactivate_chat(9, "blocked")
    assert await store.chats.subscribed_chats() == []
    await store.chats.upsert_chat(9, type_="private", title=None)
    assert await store.chats.subscribed_chats() == [(9, 0)]
    assert await store.chats.prefs(10) is None


async def test_digest_targets_and_statistics(store: Store) -> None:
    """Chats in digest mode are due once their local digest time has passed (not again after
    it was queued); the operator statistics count chats by type, language and mode."""
    await chat(store, 1, mode="digest", digest_minute=6 * 60)
    await chat(store, 2, mode="digest", digest_minute=6 * 60, digest_last=NOW)
    await chat(store, 3)
    await store.chats.subscribe(1, thread_id=44)
    (target,) = await store.chats.digest_targets(NOW)
    assert (target.chat_id, target.threads) == (1, (0, 44))
    assert target.due == NOW.replace(hour=6)  # today 06:00 UTC, the last one that passed
    stats = await store.chats.subscriber_stats()
    assert (stats.chats, stats.active_chats, stats.subscriptions) == (3, 3, 4)
    assert stats.by_mode == {"digest": 2, "instant": 1}
    assert stats.by_type == {"private": 3}
