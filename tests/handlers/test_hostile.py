"""Every command with missing, wrong, huge or hostile arguments gets an answer, never a crash."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.handlers.conftest import OPERATOR, Bot

COMMANDS = (
    "latest", "incident", "search", "digest", "map", "stats", "sources", "status", "lang",
    "severity", "sectors", "quiet", "filter", "settings", "subscribe", "unsubscribe", "help",
    "start", "addsource", "removesource", "importopml", "admin",
)  # fmt: skip
HOSTILE = (
    "", "<script>alert(1)</script>", "&amp; &lt;b&gt; <b>bold</b> </i>", "\x00\x01\x1b[31m\x7f",
    "‮gnp.exe", "🇦🇲🇦🇿" * 50, "x" * 3000, "-1", "0", "99999999999999999999", "１２", "¹",
    "' OR 1=1 --", '" NEAR(a b) *', "since 9999-99-99", "@", "@" + "a" * 40, "../../etc/passwd",
    "http://169.254.169.254/latest/meta-data", "\n\n\n", "ru ru ru", "23-07 Asia/../../x",
)  # fmt: skip
_chats = itertools.count(70_000)


def ok_reply(bot: Bot, chat_id: int, before: int) -> str:
    """The text of the bot's answer; fails on the generic error reply."""
    answer = bot.telegram.sent(chat_id)[before]
    text = answer.plain_text or ""
    assert "something went wrong" not in text
    return text


@pytest.mark.parametrize("command", COMMANDS)
async def test_hostile_arguments_get_a_clear_answer(bot: Bot, command: str) -> None:
    """Each command answers each hostile argument (usage, refusal or result), escaped."""
    for argument in HOSTILE:
        chat = OPERATOR if command in {"addsource", "removesource", "importopml", "admin"} else (
            next(_chats)
        )
        before = len(bot.telegram.sent(chat))
        bot.telegram.user_says(chat, f"/{command} {argument}".strip())
        await bot.telegram.wait_for_sent(before + 1, timeout=20, chat_id=chat)
        ok_reply(bot, chat, before)
    assert not bot.telegram.errors


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    command=st.sampled_from(COMMANDS[:18]),
    argument=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200),
)
async def test_any_arguments_are_answered(bot: Bot, command: str, argument: str) -> None:
    """Property: any unicode argument to any user command gets an answer that Telegram accepts."""
    chat = next(_chats)
    before = len(bot.telegram.sent(chat))
    bot.telegram.user_says(chat, f"/{command} {argument}")
    await bot.telegram.wait_for_sent(before + 1, timeout=20, chat_id=chat)
    ok_reply(bot, chat, before)
