"""Running the real application inside a test, as `Application.run_polling` would, and
waiting on what it does (never on the clock: a timeout is the only use of time).

`settings_for` points a bot at the loopback fakes; `running` starts it; `settled` waits until
poll cycles have ended and the outbox has nothing due; `refetched` until a feed was fetched
again and what that fetch queued went out.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.app import BotApp, build_application, webhook_options
from bot.clock import utcnow
from bot.db.tables import Delivery
from bot.domain import OPEN_STATUSES
from bot.settings import Settings, load_settings
from testkit.feed_server import FeedServer
from testkit.telegram_api import FakeTelegram

__all__ = [
    "TOKEN",
    "USER",
    "free_port",
    "loopback_settings",
    "nothing_due",
    "refetched",
    "running",
    "settings_for",
    "settled",
    "until",
]

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
"""The bot token the tests' settings carry (the fake Bot API accepts any)."""
USER = 4242
"""The private chat the end-to-end tests talk from."""


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def settings_for(
    tmp_path: Path, telegram: FakeTelegram, feeds: FeedServer, database_url: str,
    **overrides: Any,
) -> Settings:
    """Settings pointing at the loopback servers and the test's database: two sources
    (`/am.xml`, `/broken.xml`) polled every 5 s."""
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[sources]]\nname = "Loopback Armenian"\nurl = "{feeds.url("/am.xml")}"\n'
        f'lang = "en"\nperspective = "armenian"\ninterval_seconds = 5\n\n'
        f'[[sources]]\nname = "Loopback Broken"\nurl = "{feeds.url("/broken.xml")}"\n'
        f'interval_seconds = 5\n',
        encoding="utf-8",
    )
    return loopback_settings(telegram, database_url, sources, **overrides)


def loopback_settings(
    telegram: FakeTelegram, database_url: str, sources: Path, **overrides: Any
) -> Settings:
    """Settings for a bot on the fake Bot API and the test's database, reading `sources`:
    polls every 5 s (a poll tick of 1 s), drains the outbox every 0.2 s, and fetches from
    loopback (private addresses allowed; a test of the guard turns that off)."""
    values: dict[str, Any] = {
        "telegram_bot_token": TOKEN,
        "telegram_api_base_url": telegram.base_url,
        "database_url": database_url,
        "sources_file": sources,
        "poll_interval_seconds": 5,
        "delivery_interval_seconds": 0.2,
        "http_timeout_seconds": 2,
        "allow_private_source_urls": True,  # the fakes are on loopback (the SSRF guard)
    }
    return load_settings(**(values | overrides))


async def until(check: Callable[[], Awaitable[bool]], timeout: float) -> None:  # noqa: ASYNC109
    """Wait for an async condition."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.1)


async def nothing_due(app: BotApp) -> bool:
    """Whether the outbox holds nothing the sender should be sending now (rows held back
    for later, by quiet hours or a retry, do not count)."""
    store = app.bot_data.services.store
    async with store.sessions() as session:
        due = await session.scalar(
            select(func.count(Delivery.id)).where(
                Delivery.status.in_(OPEN_STATUSES), Delivery.next_attempt_at <= utcnow()
            )
        )
    return not due


async def settled(app: BotApp, *, cycles: int = 1, timeout: float = 20) -> None:  # noqa: ASYNC109
    """Wait until `cycles` more poll cycles have ended and nothing is due in the outbox:
    whatever those cycles found has been sent (a duplicate would have shown up by then)."""
    poller = app.bot_data.services.poller
    target = poller.cycles + cycles

    async def done() -> bool:
        return poller.cycles >= target and await nothing_due(app)

    await until(done, timeout)


async def refetched(
    app: BotApp, feeds: FeedServer, path: str, *, timeout: float = 20  # noqa: ASYNC109
) -> None:
    """Wait until the bot fetched the feed at `path` again and what it found went out."""
    before = feeds.hits(path)

    async def fetched() -> bool:
        return feeds.hits(path) > before

    await until(fetched, timeout)
    await settled(app, timeout=timeout)


@asynccontextmanager
async def running(
    settings: Settings, *, poll_interval: float = 0.02, poll_timeout: int = 1
) -> AsyncIterator[BotApp]:
    """Start the application as `borderwatch run` does (a webhook when the settings name
    one, else polling for updates); stop it afterwards."""
    app = build_application(settings)
    async with app:
        assert app.post_init is not None
        assert app.post_shutdown is not None
        await app.post_init(app)
        assert app.updater is not None
        if settings.telegram_webhook_url:
            await app.updater.start_webhook(**webhook_options(settings))
        else:
            await app.updater.start_polling(poll_interval=poll_interval, timeout=poll_timeout)
        await app.start()
        try:
            yield app
        finally:
            # The leader job may restart polling until the application stops: stop again then.
            if app.updater.running:
                await app.updater.stop()
            await app.stop()
            if app.updater.running:
                await app.updater.stop()
    await app.post_shutdown(app)
