"""/settings and the typed settings commands, in private chats, groups and channels."""

from __future__ import annotations

from tests.handlers.conftest import ADMIN_USER, CHANNEL, GROUP, MEMBER_USER, USER, Bot


def buttons(markup: dict | None) -> dict[str, str]:
    """Button text -> callback data of an inline keyboard."""
    rows = (markup or {}).get("inline_keyboard") or []
    return {b["text"]: b.get("callback_data", "") for row in rows for b in row}


async def test_settings_keyboard_changes_language_without_typing(bot: Bot) -> None:
    """/settings opens a keyboard; Language → Русский switches the chat to Russian."""
    menu = await bot.ask(USER, "/settings")
    assert "Settings" in (menu.plain_text or "")
    main = buttons(menu.reply_markup)
    assert set(main) >= {"🌐 Language", "⚠️ Severity", "📍 Sectors", "🌙 Quiet hours",
                         "📬 Delivery", "🔤 Keywords"}
    page = await bot.redraw(USER, menu.message_id, main["🌐 Language"])
    choice = buttons(page.reply_markup)
    assert "Русский" in choice
    redrawn = await bot.redraw(USER, menu.message_id, choice["Русский"])
    assert bot.telegram.callback_answers[-1].get("text") == "Сохранено"
    assert "Настройки" in (redrawn.plain_text or "")
    reply = await bot.ask(USER, "/latest lots")
    assert "Использование" in (reply.plain_text or "")


async def test_settings_pages_set_severity_sectors_quiet_delivery(bot: Bot) -> None:
    """Every page of the keyboard changes its setting, shown in the summary."""
    menu = await bot.ask(USER, "/settings")
    main = buttons(menu.reply_markup)

    async def choose(page: str, label: str) -> str:
        options = buttons((await bot.redraw(USER, menu.message_id, main[page])).reply_markup)
        data = next(v for k, v in options.items() if label in k)
        return (await bot.redraw(USER, menu.message_id, data)).plain_text or ""

    assert "Severity: high and above" in await choose("⚠️ Severity", "high and above")
    text = await choose("📍 Sectors", "Vardenis/Sotk")
    assert "Sectors: Vardenis/Sotk – Kalbajar" in text
    assert "Quiet hours: 23:00–07:00 (UTC)" in await choose("🌙 Quiet hours", "23-07")
    assert "daily digest at 08:00" in await choose("📬 Delivery", "08:00")
    prefs = await bot.app.bot_data.services.store.chats.prefs(USER)
    assert prefs is not None
    assert prefs.min_severity == "high"
    assert prefs.sectors == {"gegharkunik-kalbajar"}
    assert prefs.mode == "digest"


async def test_typed_commands_set_every_setting(bot: Bot) -> None:
    """/lang, /severity, /sectors, /quiet, /digest and /filter set what they say."""
    assert "high and above" in ((await bot.ask(USER, "/severity high")).plain_text or "")
    assert "Tavush" in ((await bot.ask(USER, "/sectors 1 3")).plain_text or "")
    quiet = await bot.ask(USER, "/quiet 23-07 Asia/Yerevan")
    assert "23:00–07:00 (Asia/Yerevan)" in (quiet.plain_text or "")
    assert "08:00" in ((await bot.ask(USER, "/digest 08:00")).plain_text or "")
    filtered = await bot.ask(USER, '/filter add drone "heavy fighting"')
    assert "drone, heavy fighting" in (filtered.plain_text or "")
    assert "без слов учения" not in (filtered.plain_text or "")
    assert "Язык: Русский" in ((await bot.ask(USER, "/lang ru")).plain_text or "")
    excluded = await bot.ask(USER, "/filter exclude учения")
    assert "без слов учения" in (excluded.plain_text or "")
    prefs = await bot.app.bot_data.services.store.chats.prefs(USER)
    assert prefs is not None
    assert prefs.language == "ru"
    assert prefs.timezone == "Asia/Yerevan"
    assert prefs.include == ("drone", "heavy fighting")
    assert prefs.exclude == ("учения",)


async def test_wrong_arguments_get_usage_in_the_chats_language(bot: Bot) -> None:
    """Bad arguments to each settings command get its usage text, in Armenian after /lang hy."""
    await bot.ask(USER, "/lang hy")
    for command in ("/severity extreme", "/sectors 99", "/quiet 25-07", "/quiet 23-07 Mars/Base",
                    "/digest 8pm", "/filter frobnicate", "/lang xx", "/sectors nowhere"):
        reply = await bot.ask(USER, command)
        assert "Օգտագործում" in (reply.plain_text or "") or "Անհայտ" in (
            reply.plain_text or ""
        ), command


async def test_group_settings_only_for_admins(bot: Bot) -> None:
    """In a group a non-admin is refused; an admin opens and uses the keyboard."""
    bot.telegram.set_admins(GROUP, [ADMIN_USER])
    refused = await bot.ask(GROUP, "/settings", user_id=MEMBER_USER)
    assert "Only the chat's admins" in (refused.plain_text or "")
    refused = await bot.ask(GROUP, "/severity high", user_id=MEMBER_USER)
    assert "Only the chat's admins" in (refused.plain_text or "")
    menu = await bot.ask(GROUP, "/settings", user_id=ADMIN_USER)
    data = buttons(menu.reply_markup)["⚠️ Severity"]
    answer = await bot.press(GROUP, menu.message_id, data, user_id=MEMBER_USER)
    assert answer.get("show_alert") is True
    assert "admins" in answer.get("text", "")
    page = await bot.redraw(GROUP, menu.message_id, data, user_id=ADMIN_USER)
    assert "critical only" in str(page.reply_markup)


async def test_channel_settings_from_a_private_chat(bot: Bot) -> None:
    """/settings @channel in a private chat configures the channel, if the user administers it."""
    bot.telegram.register_chat(CHANNEL, chat_type="channel", username="bwchannel", title="BW")
    refused = await bot.ask(USER, "/settings @bwchannel")
    assert "Only an admin of that channel" in (refused.plain_text or "")
    bot.telegram.set_admins(CHANNEL, [USER, bot.telegram.bot_id])
    menu = await bot.ask(USER, "/settings @bwchannel")
    assert "BW" in (menu.plain_text or "")
    page = await bot.redraw(USER, menu.message_id, buttons(menu.reply_markup)["🌐 Language"])
    await bot.redraw(USER, menu.message_id, buttons(page.reply_markup)["Azərbaycanca"])
    prefs = await bot.app.bot_data.services.store.chats.prefs(CHANNEL)
    assert prefs is not None
    assert prefs.language == "az"
