"""Who gets an alert (filters, quiet hours, digests), where (topics, channels), and its buttons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from testkit.harness import settled
from tests.handlers.conftest import (
    ADMIN_USER,
    CHANNEL,
    FORUM,
    MEMBER_USER,
    SOTK,
    TEGH,
    USER,
    Bot,
    item,
)

HOUR = timedelta(hours=1)


def alerts(bot: Bot, chat_id: int) -> list[str]:
    """Texts of the alerts a chat received (messages carrying an incident id)."""
    return [
        m.plain_text or "" for m in bot.telegram.sent(chat_id) if "/incident_" in (m.text or "")
    ]


async def test_filters_decide_who_gets_each_alert(bot: Bot) -> None:
    """Severity, sector, keyword, quiet-hour and digest settings each hold back the right alert."""
    chats = {
        "plain": 9001, "high": 9002, "syunik": 9003, "no_sotk": 9004, "only_drone": 9005,
        "quiet": 9006, "digest": 9007,
    }
    hour = datetime.now(UTC).hour
    setup = {
        "high": "/severity high",
        "syunik": "/sectors syunik-lachin",
        "no_sotk": "/filter exclude Сотк",
        "only_drone": "/filter add drone",
        "quiet": f"/quiet {(hour - 1) % 24:02d}-{(hour + 2) % 24:02d} UTC",
        "digest": "/digest 03:00",
    }
    for name, chat in chats.items():
        await bot.ask(chat, "/subscribe")
        if name in setup:
            await bot.ask(chat, setup[name])
    await bot.incidents(item(SOTK, "sotk", 2 * HOUR), item(TEGH, "tegh", HOUR), count=2)
    await bot.telegram.wait_until(lambda f: len(alerts(bot, chats["plain"])) >= 2, 20)
    await settled(bot.app)  # what any chat was going to get has been sent
    got = {name: alerts(bot, chat) for name, chat in chats.items()}
    assert len(got["plain"]) == 2
    assert [("Tegh" in a) for a in got["high"]] == [True]
    assert [("Tegh" in a) for a in got["syunik"]] == [True]
    assert [("Tegh" in a) for a in got["no_sotk"]] == [True]  # excluded by its Russian name
    assert [("Tegh" in a) for a in got["only_drone"]] == [True]
    assert got["quiet"] == []
    assert got["digest"] == []
    pending = await bot.app.bot_data.services.store.outbox.delivery_counts()
    assert pending.get("pending", 0) >= 2  # the quiet chat's alerts wait for the morning


async def test_quiet_hours_let_critical_through_unless_held(bot: Bot) -> None:
    """`/quiet critical off` holds even critical alerts; the setting is shown back."""
    hour = datetime.now(UTC).hour
    await bot.ask(USER, f"/quiet {(hour - 1) % 24:02d}-{(hour + 2) % 24:02d} UTC")
    reply = await bot.ask(USER, "/quiet critical off")
    assert "all alerts wait" in (reply.plain_text or "")
    reply = await bot.ask(USER, "/quiet off")
    assert "Quiet hours are off" in (reply.plain_text or "")


async def test_forum_topic_subscription_gets_alerts_in_its_topic(bot: Bot) -> None:
    """A subscription made in a forum topic belongs to that topic: replies and alerts go there."""
    bot.telegram.register_chat(FORUM, chat_type="supergroup", is_forum=True)
    bot.telegram.set_admins(FORUM, [ADMIN_USER])
    refused = await bot.ask(FORUM, "/subscribe", user_id=MEMBER_USER, message_thread_id=7,
                            is_topic=True)
    assert refused.message_thread_id == 7
    assert "Only the chat's admins" in (refused.plain_text or "")
    done = await bot.ask(FORUM, "/subscribe", user_id=ADMIN_USER, message_thread_id=7,
                         is_topic=True)
    assert "Subscribed this topic" in (done.plain_text or "")
    assert done.message_thread_id == 7
    assert await bot.app.bot_data.services.store.chats.is_subscribed(FORUM, 7)
    assert not await bot.app.bot_data.services.store.chats.is_subscribed(FORUM, 0)
    await bot.incidents(item(TEGH, "tegh", HOUR), count=1)
    await bot.telegram.wait_until(lambda f: bool(alerts(bot, FORUM)), 20)
    alert = next(m for m in bot.telegram.sent(FORUM) if "/incident_" in (m.text or ""))
    assert alert.message_thread_id == 7


async def test_channel_subscribed_from_a_private_chat(bot: Bot) -> None:
    """A channel admin subscribes the channel by name; the bot must be an admin there too."""
    bot.telegram.register_chat(CHANNEL, chat_type="channel", username="bwnews", title="BW News")
    reply = await bot.ask(USER, "/subscribe @bwnews")
    assert "Only an admin of that channel" in (reply.plain_text or "")
    bot.telegram.set_admins(CHANNEL, [USER])
    reply = await bot.ask(USER, "/subscribe @bwnews")
    assert "I am not an admin of that channel" in (reply.plain_text or "")
    bot.telegram.set_admins(CHANNEL, [USER, bot.telegram.bot_id])
    reply = await bot.ask(USER, "/subscribe @bwnews")
    assert "Subscribed the channel BW News" in (reply.plain_text or "")
    reply = await bot.ask(USER, "/subscribe @nosuchchannel")
    assert "can't find that channel" in (reply.plain_text or "")
    reply = await bot.ask(USER, f"/subscribe {USER}")
    assert "not a channel" in (reply.plain_text or "")
    await bot.incidents(item(TEGH, "tegh", HOUR), count=1)
    await bot.telegram.wait_until(lambda f: bool(alerts(bot, CHANNEL)), 20)
    reply = await bot.ask(USER, "/unsubscribe @bwnews")
    assert "Unsubscribed the channel" in (reply.plain_text or "")


async def test_alert_buttons_details_sources_and_mute(bot: Bot) -> None:
    """Details and Sources send the incident's text; Mute holds the sector's next alerts."""
    await bot.ask(USER, "/subscribe")
    await bot.incidents(item(TEGH, "tegh", HOUR), count=1)
    await bot.telegram.wait_until(lambda f: bool(alerts(bot, USER)), 20)
    alert = next(m for m in bot.telegram.sent(USER) if "/incident_" in (m.text or ""))
    incident_id = (alert.text or "").split("/incident_")[1].split()[0].replace("_", "-")
    before = len(bot.telegram.sent(USER))
    await bot.press(USER, alert.message_id, f"a:d:{incident_id}")
    details = (await bot.telegram.wait_for_sent(before + 1, chat_id=USER))[-1]
    assert "Reports" in (details.plain_text or "")
    await bot.press(USER, alert.message_id, f"a:s:{incident_id}")
    sources = (await bot.telegram.wait_for_sent(before + 2, chat_id=USER))[-1]
    assert "Loopback Armenian (Armenian)" in (sources.plain_text or "")
    answer = await bot.press(USER, alert.message_id, f"a:m:{incident_id}")
    assert "Sisian/Goris/Tegh – Lachin" in answer.get("text", "")
    prefs = await bot.app.bot_data.services.store.chats.prefs(USER)
    assert prefs is not None
    assert "syunik-lachin" in prefs.active_mutes(datetime.now(UTC))
    answer = await bot.press(USER, alert.message_id, "a:d:inc-00000000-dead")
    assert bot.telegram.callback_answers


async def test_alert_carries_its_buttons(bot: Bot) -> None:
    """The alert has Details, Sources and Mute buttons in the chat's language."""
    await bot.ask(USER, "/subscribe")
    await bot.ask(USER, "/lang ru")
    await bot.incidents(item(TEGH, "tegh", HOUR), count=1)
    await bot.telegram.wait_until(lambda f: bool(alerts(bot, USER)), 20)
    alert = next(m for m in bot.telegram.sent(USER) if "/incident_" in (m.text or ""))
    labels = [b["text"] for row in (alert.reply_markup or {}).get("inline_keyboard", [])
              for b in row]
    assert labels == ["📄 Подробнее", "📰 Источники", "🔕 Заглушить этот участок на 24 ч"]


async def subscribed_channel_with_alert(bot: Bot) -> tuple[int, str]:
    """A channel USER administers, subscribed, with one alert in it: (message id, incident)."""
    bot.telegram.register_chat(CHANNEL, chat_type="channel", username="bwnews", title="BW News")
    bot.telegram.set_admins(CHANNEL, [USER, bot.telegram.bot_id])
    await bot.ask(USER, "/subscribe @bwnews")
    await bot.incidents(item(TEGH, "tegh", HOUR), count=1)
    await bot.telegram.wait_until(lambda f: bool(alerts(bot, CHANNEL)), 20)
    alert = next(m for m in bot.telegram.sent(CHANNEL) if "/incident_" in (m.text or ""))
    incident_id = (alert.text or "").split("/incident_")[1].split()[0].replace("_", "-")
    return alert.message_id, incident_id


async def test_channel_readers_cannot_change_the_channel(bot: Bot) -> None:
    """A reader's Mute, and forged language or mode presses, are refused in a channel."""
    message_id, incident_id = await subscribed_channel_with_alert(bot)
    chats = bot.app.bot_data.services.store.chats
    before = await chats.prefs(CHANNEL)
    for data in (f"a:m:{incident_id}", f"s:{CHANNEL}:lang:ru", f"s:{CHANNEL}:mode:instant"):
        answer = await bot.press(CHANNEL, message_id, data, user_id=MEMBER_USER)
        assert "admins" in answer.get("text", ""), data
    assert await chats.prefs(CHANNEL) == before
    lookups = [c for c in bot.telegram.calls("getChatMember")
               if int(c["user_id"]) == MEMBER_USER]
    assert len(lookups) == 1  # remembered for a minute: one lookup for three presses
    answer = await bot.press(CHANNEL, message_id, f"a:m:{incident_id}", user_id=USER)
    assert "Sisian/Goris/Tegh – Lachin" in answer.get("text", "")


async def test_channel_details_go_to_the_presser_not_the_channel(bot: Bot) -> None:
    """Details and Sources pressed in a channel arrive in the presser's private chat; a reader
    the bot may not write to is told how; the channel gets no post."""
    message_id, incident_id = await subscribed_channel_with_alert(bot)
    in_channel = len(bot.telegram.sent(CHANNEL))
    before = len(bot.telegram.sent(USER))
    answer = await bot.press(CHANNEL, message_id, f"a:d:{incident_id}", user_id=USER)
    assert "private chat" in answer.get("text", "")
    details = (await bot.telegram.wait_for_sent(before + 1, chat_id=USER))[-1]
    assert "Reports" in (details.plain_text or "")
    bot.telegram.block_chat(MEMBER_USER)
    answer = await bot.press(CHANNEL, message_id, f"a:s:{incident_id}", user_id=MEMBER_USER)
    assert "press Start" in answer.get("text", "")
    assert answer.get("show_alert")
    assert len(bot.telegram.sent(CHANNEL)) == in_channel
