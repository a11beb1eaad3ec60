"""The buttons under an alert: details, sources, mute this sector for 24 hours."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update

from bot.db.tables import utcnow
from bot.present.i18n import day_time, t
from bot.present.incidents import incident_detail, incident_sources
from bot.present.keyboards import parse_alert_data
from bot.present.places import sector_label
from handlers.access import can_manage
from handlers.context import Context, chat_prefs, where

__all__ = ["MUTE_FOR", "on_alert_button"]

MUTE_FOR = timedelta(hours=24)


async def on_alert_button(update: Update, context: Context) -> None:
    """Answer a press under an alert: send details or sources, or mute the sectors."""
    query = update.callback_query
    at = where(update)
    if query is None or at is None:
        return
    press = parse_alert_data(query.data or "")
    prefs = await chat_prefs(context, at)
    lang = prefs.language
    store = context.services.store
    if press is None:
        await query.answer()
        return
    if press.action in {"d", "s"}:
        render = incident_detail if press.action == "d" else incident_sources
        text = await render(store, press.incident_id, lang)
        await query.answer()
        message = query.message
        if text is None or message is None:
            return
        await context.bot.send_message(
            at.chat_id, text, parse_mode="HTML", disable_web_page_preview=True,
            message_thread_id=at.thread_id or None,
            reply_to_message_id=message.message_id if message.is_accessible else None,
            allow_sending_without_reply=True,
        )
        return
    if not await can_manage(update, context, at):
        await query.answer(t(lang, "admins_only_short"), show_alert=True)
        return
    row = await store.incident(press.incident_id)
    sectors = tuple(s for s in (row.sectors.split(",") if row else ()) if s)
    if not sectors:
        await query.answer(t(lang, "mute_nothing"), show_alert=True)
        return
    until = utcnow() + MUTE_FOR
    await store.chats.save_prefs(at.chat_id, prefs.mute(sectors, until), type_=at.chat_type,
                                 title=at.title)
    names = ", ".join(sector_label(s, lang) for s in sectors)
    text = t(lang, "muted", sectors=names, until=f"{day_time(until, lang)} UTC")
    await query.answer(text[:200], show_alert=True)
