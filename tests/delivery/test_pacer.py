"""The shared pace: priorities, 429s and recovery, and replies under a burst of commands."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.delivery.pacer import BACKOFF, RECOVER_AFTER, START, STEP, Pacer
from bot.domain import Priority
from testkit.feed_server import FeedServer, rss
from testkit.harness import TOKEN, running, settings_for
from testkit.telegram_api import FakeTelegram


async def test_a_reply_goes_before_the_broadcasts_tail() -> None:
    """With alerts queued for slots, a reply waiting later is served next. The pacer's clock
    is the test's: each slot opens when the test moves it, so a busy machine changes nothing."""
    clock = [100.0]
    pacer = Pacer(50.0, clock=lambda: clock[0])
    order: list[str] = []
    grew = asyncio.Event()

    async def take(name: str, priority: int) -> None:
        await pacer.acquire(priority)
        order.append(name)
        grew.set()

    async def granted(count: int) -> None:
        async with asyncio.timeout(5):
            while len(order) < count:
                await grew.wait()
                grew.clear()

    broadcast = [asyncio.create_task(take(f"alert{n}", Priority.LOW)) for n in range(6)]
    await granted(1)  # the first slot is free at once; the next opens when the clock moves
    clock[0] += 1.0
    await granted(2)
    reply = asyncio.create_task(take("reply", Priority.REPLY))
    while not reply.done() or not all(task.done() for task in broadcast):
        clock[0] += 1.0
        await granted(len(order) + 1)
    assert order == ["alert0", "alert1", "reply", "alert2", "alert3", "alert4", "alert5"]


async def test_a_429_pauses_slows_and_is_won_back() -> None:
    """A 429 pauses every sender for retry_after and lowers the rate; quiet sending
    restores it step by step, up to one step below the rate that drew the 429."""
    clock = [100.0]
    pacer = Pacer(30.0, clock=lambda: clock[0])
    assert pacer.rate == pytest.approx(30.0 * START)
    pacer.retry_after(2.0)
    assert pacer.paused_until == 102.0
    assert pacer.rate == pytest.approx(30.0 * START * BACKOFF)
    fast = Pacer(10_000.0)
    fast.retry_after(0.0)
    lowered = fast.factor
    for _ in range(RECOVER_AFTER):
        await fast.acquire(Priority.LOW)
    assert fast.factor > lowered
    for _ in range(8 * RECOVER_AFTER):
        await fast.acquire(Priority.LOW)
    assert fast.factor == pytest.approx(START - STEP)  # not back to the rate that drew it


async def test_every_reply_arrives_under_a_burst_of_commands(
    tmp_path: Path, feeds: FeedServer, database_url: str
) -> None:
    """Sixty chats send /subscribe at once to a Bot API that enforces 30 messages a second:
    every one gets its reply (none lost to a 429), with no 429 in steady state."""
    feeds.serve("/am.xml", rss())
    feeds.serve("/broken.xml", rss())
    with FakeTelegram(token=TOKEN, enforce_limits=True) as telegram:
        settings = settings_for(tmp_path, telegram, feeds, database_url)
        async with running(settings):
            chats = range(7001, 7061)
            for chat in chats:
                telegram.user_says(chat, "/subscribe")
            await telegram.wait_until(
                lambda fake: all(fake.sent(chat) for chat in chats), timeout=30
            )
            assert all("Subscribed" in (telegram.sent(c)[0].plain_text or "") for c in chats)
            assert telegram.stats.rejected_429 <= 1
