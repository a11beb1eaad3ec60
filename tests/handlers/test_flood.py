"""A flood of commands from one chat is throttled without affecting other chats."""

from __future__ import annotations

import asyncio

from tests.handlers.conftest import USER, Bot


async def test_flood_is_throttled_per_chat(bot: Bot) -> None:
    """60 commands at once from one chat: a burst is answered, one warning, then silence;
    another chat is answered at once."""
    for _ in range(60):
        bot.telegram.user_says(USER, "/help")
    other = await bot.ask(USER + 100, "/help")
    assert "Border Watch" in (other.plain_text or "")
    await asyncio.sleep(1.0)
    sent = [m.plain_text or "" for m in bot.telegram.sent(USER)]
    assert 10 <= len(sent) <= 25
    assert sum("Too many commands" in s for s in sent) == 1
    await asyncio.sleep(2.5)
    again = await bot.ask(USER, "/help")
    assert "Border Watch" in (again.plain_text or "")
