"""A running bot for handler tests: loopback Bot API, loopback feeds, the test's database.

`bot` starts the real application (handlers, jobs, pipeline, sender) against the fake
Telegram and a feed server; tests talk to it only as users do (`user_says`, `press_button`,
channel posts) and read what it sent. `Bot.ask` sends one message and waits for the reply.
Incidents come from feeds the tests serve, through the real classifier and pipeline.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import BotApp
from bot.settings import Settings
from testkit.feed_server import FeedServer, rss
from testkit.harness import loopback_settings, nothing_due, running, until
from testkit.telegram_api import FakeTelegram, SentMessage

USER = 4242
OPERATOR = 777
GROUP = -1001234500001
FORUM = -1001234500002
CHANNEL = -1001234500003
ADMIN_USER = 5001
MEMBER_USER = 5002

NOW = datetime.now(UTC)

SOTK = (
    "Armenia's Defence Ministry: Azerbaijani forces opened fire on Sotk",
    "Azerbaijani units fired small arms at Armenian positions near Sotk in Gegharkunik this "
    "morning, the Defence Ministry said. No casualties.",
)
TEGH = (
    "Azerbaijani drone strike near Tegh kills two Armenian soldiers",
    "Armenia's Defence Ministry said a drone struck positions near Tegh in Syunik, killing "
    "two servicemen.",
)
KALBAJAR_RU = (
    "Минобороны Азербайджана: армянские силы обстреляли позиции в Кельбаджарском районе",
    "Армянские подразделения открыли огонь из стрелкового оружия по позициям в Кельбаджаре, "
    "сообщило Минобороны Азербайджана.",
)
JERMUK = (
    "Artillery shelling of Jermuk reported",
    "Azerbaijani artillery shelled Jermuk overnight, Armenia's Defence Ministry said; three "
    "soldiers wounded.",
)


def item(text: tuple[str, str], slug: str, age: timedelta) -> tuple[str, str, str, datetime]:
    """An RSS item from a (title, summary) pair, published `age` ago."""
    return (text[0], text[1], f"https://news.example/{slug}", NOW - age)


@dataclass
class Bot:
    """The running application and the fakes around it."""

    app: BotApp
    telegram: FakeTelegram
    feeds: FeedServer
    settings: Settings

    async def ask(
        self, chat_id: int, text: str, timeout: float = 10, **kw: Any  # noqa: ASYNC109
    ) -> SentMessage:
        """Say `text` in `chat_id` and return the bot's next message there."""
        before = len(self.telegram.sent(chat_id))
        self.telegram.user_says(chat_id, text, **kw)
        sent = await self.telegram.wait_for_sent(before + 1, timeout=timeout, chat_id=chat_id)
        return sent[before]

    async def press(self, chat_id: int, message_id: int, data: str, **kw: Any) -> dict[str, Any]:
        """Press a button and return the callback answer."""
        before = len(self.telegram.callback_answers)
        self.telegram.press_button(chat_id, message_id, data, **kw)
        await self.telegram.wait_until(lambda f: len(f.callback_answers) > before, 10)
        return self.telegram.callback_answers[before]

    async def redraw(self, chat_id: int, message_id: int, data: str, **kw: Any) -> Any:
        """Press a settings button and return the edit that redraws the menu."""
        before = len(self.telegram.edits(chat_id, message_id))
        await self.press(chat_id, message_id, data, **kw)
        await self.telegram.wait_until(
            lambda f: len(f.edits(chat_id, message_id)) > before, 10
        )
        return self.telegram.edits(chat_id, message_id)[-1]

    async def incidents(self, *items: tuple[str, str, str, datetime], count: int) -> None:
        """Serve `items` on the feed and wait until `count` incidents are stored."""
        self.feeds.serve("/am.xml", rss(*items))
        services = self.app.bot_data.services

        async def stored() -> bool:
            return (await services.store.counts())["incidents"] >= count

        await until(stored, 25)
        # Alerts for the new incidents go out before the test asks anything, so a command's
        # answer is never confused with an alert arriving at the same time.
        await until(lambda: nothing_due(self.app), 25)


StartBot = Callable[..., Any]


@pytest.fixture
def start_bot(
    tmp_path: Path, telegram: FakeTelegram, feeds: FeedServer, database_url: str
) -> StartBot:
    """A factory: `async with start_bot(**setting_overrides) as bot:`."""
    feeds.serve("/am.xml", rss())
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[sources]]\nname = "Loopback Armenian"\nurl = "{feeds.url("/am.xml")}"\n'
        f'lang = "en"\nperspective = "armenian"\ninterval_seconds = 5\n',
        encoding="utf-8",
    )

    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[Bot]:
        values: dict[str, Any] = {
            "admin_chat_ids": str(OPERATOR),
            "alert_max_age_hours": 24 * 60,
            "allow_private_source_urls": True,  # the feed server is on loopback
        }
        settings = loopback_settings(telegram, database_url, sources, **(values | overrides))
        async with running(settings) as app:
            yield Bot(app, telegram, feeds, settings)

    return start


@pytest.fixture
async def bot(start_bot: StartBot) -> AsyncIterator[Bot]:
    """The running bot with default test settings."""
    async with start_bot() as running_bot:
        yield running_bot
