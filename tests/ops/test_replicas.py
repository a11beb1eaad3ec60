"""Two replicas of `borderwatch run` on one database: one leader, takeover, nothing lost.

Real processes against the loopback fakes, in webhook mode (how replicas are deployed: a
load balancer spreads Telegram's updates over them). The leader is killed with SIGKILL in the
middle of a broadcast; the survivor must take over, every subscriber must get the alert, and
the only duplicates allowed are the messages that were in flight when the leader died, which
the survivor counts when it re-queues them.
"""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.db.engine import create_engine, migrate
from bot.db.store import Store
from testkit.feed_server import FeedServer, rss
from testkit.harness import TOKEN, free_port, running, settings_for
from testkit.telegram_api import FakeTelegram, command_update

SUBSCRIBERS = 600
FIRST_CHAT = 50_000
SECRET = "replica-secret"
ROOT = Path(__file__).resolve().parents[2]
ASKER = 7


@dataclass
class Replica:
    """One `borderwatch run` process and its ports."""

    name: str
    process: subprocess.Popen[bytes]
    http_port: int
    webhook_port: int
    log: Path

    async def health(self, client: httpx.AsyncClient) -> dict[str, object] | None:
        """The /healthz body, or None while it does not answer."""
        try:
            response = await client.get(f"http://127.0.0.1:{self.http_port}/healthz")
        except httpx.HTTPError:
            return None
        body: dict[str, object] = response.json()
        return body

    async def metric(self, client: httpx.AsyncClient, name: str) -> float:
        """One sample of the replica's /metrics."""
        text = (await client.get(f"http://127.0.0.1:{self.http_port}/metrics")).text
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == name:
                    return float(sample.value)
        raise AssertionError(f"{name} not in /metrics")

    def tail(self) -> str:
        """The end of its log, for a failure message."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-40:])


@pytest.fixture
def replicas() -> Iterator[list[Replica]]:
    """Replicas the test starts; all stopped at the end, whatever happened."""
    started: list[Replica] = []
    yield started
    for replica in started:
        if replica.process.poll() is None:
            replica.process.send_signal(signal.SIGTERM)
    for replica in started:
        try:
            replica.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            replica.process.kill()
            replica.process.wait()


def start_replica(
    name: str, tmp_path: Path, telegram: FakeTelegram, database_url: str, sources: Path
) -> Replica:
    """Start `python -m bot run` with settings for the loopback fakes."""
    http_port, webhook_port = free_port(), free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PTB_TIMEDELTA": "true",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": telegram.base_url,
        "DATABASE_URL": database_url,
        "SOURCES_FILE": str(sources),
        "POLL_INTERVAL_SECONDS": "5",
        "DELIVERY_INTERVAL_SECONDS": "0.2",
        "SEND_RATE_GLOBAL_PER_SECOND": "100",
        "HTTP_TIMEOUT_SECONDS": "2",
        "ALLOW_PRIVATE_SOURCE_URLS": "true",  # the feed server is on loopback
        "TELEGRAM_WEBHOOK_URL": "https://bot.example/hook",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(webhook_port),
        "HTTP_LISTEN": "127.0.0.1",
        "HTTP_PORT": str(http_port),
        "LOG_LEVEL": "INFO",
    }
    log = tmp_path / f"{name}.log"
    out: IO[bytes] = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env,
        stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
    )
    out.close()
    return Replica(name, process, http_port, webhook_port, log)


async def wait_for(what: str, check: object, seconds: float, replicas: list[Replica]) -> None:
    """Poll the async predicate `check` until it holds; fail with the replicas' logs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.1)
    logs = "\n\n".join(f"--- {r.name}\n{r.tail()}" for r in replicas)
    raise AssertionError(f"timed out waiting for {what}\n{logs}")


async def test_leader_killed_mid_broadcast_survivor_finishes_it(
    tmp_path: Path, telegram: FakeTelegram, feeds: FeedServer, database_url: str,
    replicas: list[Replica],
) -> None:
    """One replica leads; after a SIGKILL mid-broadcast the other takes over within seconds,
    every subscriber gets the alert, and duplicates never exceed the in-flight count the
    survivor re-queued. The follower answers commands meanwhile."""
    telegram.latency = 0.03  # a network round trip, so a broadcast takes seconds
    engine = create_engine(database_url)
    await migrate(engine)
    store = Store(engine)
    chats = list(range(FIRST_CHAT, FIRST_CHAT + SUBSCRIBERS))
    for chat in chats:
        await store.chats.upsert_chat(chat, type_="private", title=None)
        await store.chats.subscribe(chat)
    await store.close()
    feeds.serve("/am.xml", rss(), etag=True)
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[sources]]\nname = "Loopback Armenian"\nurl = "{feeds.url("/am.xml")}"\n'
        f'lang = "en"\nperspective = "armenian"\ninterval_seconds = 5\n',
        encoding="utf-8",
    )
    replicas.append(start_replica("one", tmp_path, telegram, database_url, sources))
    replicas.append(start_replica("two", tmp_path, telegram, database_url, sources))

    async with httpx.AsyncClient(timeout=5) as client:
        roles: dict[str, str] = {}

        async def both_up() -> bool:
            for replica in replicas:
                body = await replica.health(client)
                if body is None:
                    return False
                roles[replica.name] = str(body["role"])
            return sorted(roles.values()) == ["follower", "leader"]

        await wait_for("one leader and one follower", both_up, 60, replicas)
        leader = next(r for r in replicas if roles[r.name] == "leader")
        survivor = next(r for r in replicas if r is not leader)

        # The follower answers commands that reach it (once its webhook listens).
        async def follower_answers() -> bool:
            try:
                reply = await client.post(
                    f"http://127.0.0.1:{survivor.webhook_port}/hook",
                    json=command_update(1, "/help", chat_id=ASKER),
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
            except httpx.ConnectError:
                return False
            return reply.status_code == 200

        await wait_for("the follower's webhook", follower_answers, 30, replicas)
        await telegram.wait_for_sent(1, timeout=10, chat_id=ASKER)

        now = datetime.now(UTC)
        feeds.serve("/am.xml", rss((
            "Armenia's Defence Ministry: Azerbaijani forces opened fire on Sotk",
            "Azerbaijani units fired small arms at Armenian positions near Sotk in "
            "Gegharkunik this morning, the Defence Ministry said. No casualties.",
            "https://news.example/am/2026/sotk-fire", now - timedelta(minutes=20),
        )), etag=True)

        def delivered() -> collections.Counter[int]:
            return collections.Counter(
                m.chat_id for m in telegram.sent()
                if FIRST_CHAT <= m.chat_id < FIRST_CHAT + SUBSCRIBERS
            )

        async def broadcast_under_way() -> bool:
            return len(delivered()) >= SUBSCRIBERS // 4

        await wait_for("the broadcast to start", broadcast_under_way, 60, replicas)
        leader.process.kill()  # SIGKILL: no clean shutdown, the lock goes with the connection
        leader.process.wait()
        killed_at = time.monotonic()
        assert len(delivered()) < SUBSCRIBERS, "broadcast finished before the kill: slow it down"

        async def took_over() -> bool:
            body = await survivor.health(client)
            return body is not None and body["role"] == "leader"

        await wait_for("the survivor to lead", took_over, 30, [survivor])
        takeover = time.monotonic() - killed_at

        async def everyone_served() -> bool:
            return len(delivered()) == SUBSCRIBERS

        await wait_for("every subscriber to get the alert", everyone_served, 90, [survivor])
        outbox = Store(create_engine(database_url))

        async def nothing_in_flight() -> bool:
            # Once no row is pending or being sent, no duplicate can still be coming.
            counts = await outbox.outbox.delivery_counts()
            return not counts.get("pending") and not counts.get("sending")

        try:
            await wait_for("the outbox to drain", nothing_in_flight, 30, [survivor])
        finally:
            await outbox.close()
        counts = delivered()
        duplicates = sum(n - 1 for n in counts.values())
        requeued = await survivor.metric(client, "borderwatch_inflight_requeued_total")

    assert set(counts) == set(chats)
    assert duplicates <= requeued, (duplicates, requeued)
    assert takeover < 20, takeover
    assert not telegram.errors


async def test_polling_mode_only_the_leader_fetches_updates(
    tmp_path: Path, telegram: FakeTelegram, feeds: FeedServer, database_url: str
) -> None:
    """In polling mode a follower stops fetching updates (Telegram serves one getUpdates
    client) and starts when it takes over; commands are answered throughout."""

    feeds.serve("/am.xml", rss())
    feeds.serve("/broken.xml", rss())
    settings = settings_for(tmp_path, telegram, feeds, database_url)
    async with running(settings) as first:
        second_cm = running(settings)
        second = await second_cm.__aenter__()
        try:
            assert first.bot_data.services.is_leader()
            assert not second.bot_data.services.is_leader()
            assert first.updater is not None
            assert second.updater is not None

            async def follower_stopped_polling() -> bool:
                return not second.updater.running  # type: ignore[union-attr]

            await wait_for("the follower to stop polling", follower_stopped_polling, 10, [])
            assert first.updater.running
            telegram.user_says(ASKER, "/help")
            await telegram.wait_for_sent(1, timeout=10, chat_id=ASKER)
        except BaseException:
            await second_cm.__aexit__(None, None, None)
            raise
    # The first replica stopped and released leadership: the second takes over.
    try:
        async def second_leads_and_polls() -> bool:
            return second.bot_data.services.is_leader() and bool(
                second.updater and second.updater.running)

        await wait_for("the second replica to take over", second_leads_and_polls, 15, [])
        telegram.user_says(ASKER, "/help")
        await telegram.wait_for_sent(2, timeout=10, chat_id=ASKER)
    finally:
        await second_cm.__aexit__(None, None, None)
