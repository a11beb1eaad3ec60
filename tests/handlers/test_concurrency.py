"""Updates of different chats run side by side; one chat's updates keep their order."""

from __future__ import annotations

from tests.handlers.conftest import USER, Bot

OTHER = 4343


async def test_one_chats_maps_hold_up_nobody_else(bot: Bot) -> None:
    """Eight `/map 365` from one chat do not make another chat's /help wait for them."""
    for _ in range(8):
        bot.telegram.user_says(USER, "/map 365")
    answer = await bot.ask(OTHER, "/help", timeout=20)
    assert "/subscribe" in (answer.plain_text or "")
    maps_by_then = [m for m in bot.telegram.sent(USER) if m.method == "sendPhoto"]
    assert len(maps_by_then) < 8
    await bot.telegram.wait_for_sent(8, chat_id=USER, timeout=60)


async def test_a_chats_updates_are_answered_in_order(bot: Bot) -> None:
    """/lang ru then /help, sent together, are answered in that order, the help in Russian."""
    bot.telegram.user_says(USER, "/lang ru")
    bot.telegram.user_says(USER, "/help")
    first, second = await bot.telegram.wait_for_sent(2, chat_id=USER, timeout=10)
    assert "Русский" in (first.plain_text or "")
    assert "/subscribe" in (second.plain_text or "")
    assert "подпис" in (second.plain_text or "").lower()
