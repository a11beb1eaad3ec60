"""A flood of commands from one chat is throttled without affecting other chats."""

from __future__ import annotations

from testkit.harness import until
from tests.handlers.conftest import USER, Bot


async def test_flood_is_throttled_per_chat(bot: Bot) -> None:
    """60 commands at once from one chat: a burst is answered, one warning, then silence;
    another chat is answered at once, and the flooding chat again once its bucket refills."""
    for _ in range(60):
        bot.telegram.user_says(USER, "/help")
    other = await bot.ask(USER + 100, "/help")
    assert "Border Watch" in (other.plain_text or "")

    def texts() -> list[str]:
        return [m.plain_text or "" for m in bot.telegram.sent(USER)]

    async def flood_handled() -> bool:
        # Every update was taken, and the warning (sent after the burst's answers) is out.
        return not bot.telegram.pending_updates() and any("Too many" in s for s in texts())

    await until(flood_handled, 10)
    sent = texts()
    assert 10 <= len(sent) <= 25
    assert sum("Too many commands" in s for s in sent) == 1

    async def answered_again() -> bool:
        # While the bucket is empty a command is dropped without a word; once a token is
        # back (one a second) the next one is answered.
        before = len(bot.telegram.sent(USER))
        bot.telegram.user_says(USER, "/help")
        try:
            await bot.telegram.wait_for_sent(before + 1, timeout=0.5, chat_id=USER)
        except AssertionError:
            return False
        return True

    await until(answered_again, 10)
    after = texts()[len(sent):]
    assert after
    assert all("Border Watch" in s for s in after)  # answers only: no second warning
