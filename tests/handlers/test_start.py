"""/start, /help and unknown commands."""

from __future__ import annotations

from tests.handlers.conftest import GROUP, USER, Bot


async def test_an_unknown_command_gets_a_hint(bot: Bot) -> None:
    """/foo in a private chat is answered with a short hint naming /help."""
    reply = await bot.ask(USER, "/foo")
    assert "Unknown command /foo" in (reply.plain_text or "")
    assert "/help" in (reply.plain_text or "")
    reply = await bot.ask(USER, "/foo", language_code="ru")
    assert "/help" in (reply.plain_text or "")


async def test_unknown_commands_in_groups_only_when_addressed(bot: Bot) -> None:
    """In a group a bare /foo may be for another bot and gets nothing; /foo@thisbot gets the
    hint."""
    bot.telegram.user_says(GROUP, "/foo")
    bot.telegram.user_says(GROUP, "/foo@some_other_bot")
    reply = await bot.ask(GROUP, "/help")
    assert "Border Watch" in (reply.plain_text or "")
    assert len(bot.telegram.sent(GROUP)) == 1
    username = bot.app.bot.username
    reply = await bot.ask(GROUP, f"/foo@{username}")
    assert "Unknown command /foo" in (reply.plain_text or "")
