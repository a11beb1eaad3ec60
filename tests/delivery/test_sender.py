"""The sender against the loopback Bot API: pacing, faults, and never twice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from telegram import Bot

from bot.clock import utcnow
from bot.db.outbox import RenderedAlert
from bot.db.store import IncidentRecord, Store
from bot.delivery.sender import Pacing, Sender
from testkit.harness import TOKEN
from testkit.telegram_api import FakeTelegram

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    """A PTB Bot talking to the loopback fake."""
    async with Bot(TOKEN, base_url=telegram.base_url) as b:
        yield b


async def queue_alert(store: Store, chats: list[int], text: str = "<b>Alert</b>") -> int:
    """Subscribe `chats` and queue one incident alert to all of them."""
    for chat in chats:
        await store.chats.upsert_chat(chat, type_="private" if chat > 0 else "group", title=None)
        await store.chats.subscribe(chat)
    async with store.sessions.begin() as session:
        from bot.db.tables import Item, SourceRow

        source = SourceRow(name="s", url="https://s.example/rss", enabled=True, origin="file",
                           failures=0, items_seen=0)
        session.add(source)
        await session.flush()
        item = Item(source_id=source.id, dedupe_key="k", title="t", summary="",
                    first_seen_at=NOW, is_incident=True, score=1.0)
        session.add(item)
        await session.flush()
        item_id = item.id
    record = IncidentRecord(
        item_id=item_id, incident_id="inc-20261124-abcd1234", first_published_at=NOW,
        last_published_at=NOW, severity="low", headline="h", sectors=(), view={},
        priority=100,
    )
    return await store.record_incident(record, alert=RenderedAlert({"en": text}, {}, "h"))


async def test_each_subscriber_once(store: Store, bot: Bot, telegram: FakeTelegram) -> None:
    """Every subscriber gets the alert once, however often the sender runs."""
    assert await queue_alert(store, [11, 12, 13]) == 3
    sender = Sender(bot, store, Pacing(global_per_second=200))
    await sender.drain(max_seconds=5)
    await sender.drain(max_seconds=1)
    assert sorted(m.chat_id for m in telegram.sent()) == [11, 12, 13]
    assert (await store.outbox.delivery_counts()) == {"sent": 3}


async def test_blocked_chat_deactivated_others_served(
    store: Store, bot: Bot, telegram: FakeTelegram
) -> None:
    """403 deactivates that chat only; 'chat not found' too."""
    telegram.block_chat(21)
    telegram.chat_not_found(22)
    await queue_alert(store, [21, 22, 23])
    sender = Sender(bot, store, Pacing(global_per_second=200))
    await sender.drain(max_seconds=5)
    assert [m.chat_id for m in telegram.sent()] == [23]
    assert sender.stats.chats_deactivated == 2
    assert await store.chats.subscribed_chats() == [(23, 0)]


async def test_retry_after_pauses_and_loses_nothing(
    store: Store, bot: Bot, telegram: FakeTelegram
) -> None:
    """A 429 pauses sending for retry_after and the message still arrives."""
    telegram.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await queue_alert(store, [31, 32])
    sender = Sender(bot, store, Pacing(global_per_second=200))
    await sender.drain(max_seconds=5)
    await sender.drain(max_seconds=5)
    assert sorted(m.chat_id for m in telegram.sent()) == [31, 32]
    assert sender.stats.rate_limited == 1


async def test_migrated_group_moves(store: Store, bot: Bot, telegram: FakeTelegram) -> None:
    """A group upgraded to a supergroup gets the alert at its new id."""
    telegram.migrate(-41, -1000000000041)
    await queue_alert(store, [-41])
    sender = Sender(bot, store, Pacing(global_per_second=200))
    await sender.drain(max_seconds=5)
    assert [m.chat_id for m in telegram.sent()] == [-1000000000041]
    assert await store.chats.subscribed_chats() == [(-1000000000041, 0)]


async def test_network_error_retried(store: Store, bot: Bot, telegram: FakeTelegram) -> None:
    """A 5xx is retried with backoff rather than dropped."""
    telegram.fail_next("sendMessage", 502, "Bad Gateway")
    await queue_alert(store, [51])
    sender = Sender(bot, store, Pacing(global_per_second=200))
    await sender.drain(max_seconds=2)
    assert telegram.sent() == []
    assert sender.stats.retried == 1
    assert (await store.outbox.delivery_counts()) == {"pending": 1}


async def test_inflight_requeued_after_crash(
    store: Store, bot: Bot, telegram: FakeTelegram
) -> None:
    """Rows a crash left in `sending` are sent after a restart, and counted."""
    await queue_alert(store, [61, 62])
    claimed = await store.outbox.claim_due(datetime.now(UTC), 10)
    assert len(claimed) == 2  # now "sending", as if the process died here
    assert await store.outbox.requeue_inflight() == 2
    await Sender(bot, store, Pacing(global_per_second=200)).drain(max_seconds=5)
    assert sorted(m.chat_id for m in telegram.sent()) == [61, 62]


async def test_unsubscribe_cancels_pending(store: Store, bot: Bot, telegram: FakeTelegram) -> None:
    """An alert queued for a chat that unsubscribes before it goes out is not sent."""
    await queue_alert(store, [71, 72])
    await store.chats.unsubscribe(71)
    await Sender(bot, store, Pacing(global_per_second=200)).drain(max_seconds=5)
    assert [m.chat_id for m in telegram.sent()] == [72]


def test_pacing_gaps() -> None:
    """Private chats get a 1 s gap, groups 3 s (20/min); paid broadcast raises the rate."""
    pacing = Pacing()
    assert pacing.chat_gap(5) == 1.0
    assert pacing.chat_gap(-100) == 3.0
    assert pacing.rate == 30
    assert Pacing(paid_broadcast=True).rate == 1000


async def test_migration_onto_a_subscribed_supergroup_merges(
    store: Store, bot: Bot, telegram: FakeTelegram
) -> None:
    """The old group's alert meets a supergroup that is already subscribed: one message,
    one subscription, nothing left in flight, the old row cancelled (not re-sent)."""
    new = -1000000000041
    telegram.migrate(-41, new)
    await queue_alert(store, [-41, new])
    sender = Sender(bot, store, Pacing(global_per_second=200, per_group_per_minute=600))
    await sender.drain(max_seconds=5)
    await sender.drain(max_seconds=2)
    assert [m.chat_id for m in telegram.sent()] == [new]
    assert await store.chats.subscribed_chats() == [(new, 0)]
    assert await store.outbox.delivery_counts() == {"sent": 1, "cancelled": 1}
    assert await store.outbox.requeue_inflight() == 0


async def test_migration_leaves_failed_rows_failed(
    store: Store, bot: Bot, telegram: FakeTelegram
) -> None:
    """Only open deliveries move with a migrated group; a failed one stays failed."""
    await queue_alert(store, [-42])
    (row,) = await store.outbox.claim_due(utcnow(), 10)
    await store.outbox.mark_failed(row.id, "given up")
    await store.chats.migrate_chat(-42, -1000000000042)
    assert await store.outbox.delivery_counts() == {"failed": 1}


async def test_one_unexpected_error_holds_up_nobody(
    store: Store, bot: Bot, telegram: FakeTelegram
) -> None:
    """A database error while handling one chat's send leaves the others sent and recorded,
    and nothing in flight to be sent again at the next start."""
    if store.engine.dialect.name != "sqlite":
        pytest.skip("the fault is an SQLite trigger")
    async with store.engine.begin() as conn:
        await conn.execute(text(
            "CREATE TRIGGER fault BEFORE UPDATE ON subscriptions "
            "BEGIN SELECT RAISE(ABORT, 'database fault'); END"
        ))
    telegram.migrate(-71, -1000000000071)
    await queue_alert(store, [61, 62, 63, -71])
    sender = Sender(bot, store, Pacing(global_per_second=200))
    await sender.drain(max_seconds=3)
    assert sorted(m.chat_id for m in telegram.sent()) == [61, 62, 63]
    assert await store.outbox.delivery_counts() == {"sent": 3, "pending": 1}
    assert await store.outbox.requeue_inflight() == 0
