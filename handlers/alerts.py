"""The buttons under an alert: details, sources, mute this sector for 24 hours.

In a channel, Details and Sources go to the presser in a private chat (a channel's readers
must not make the bot post into it); Mute, like every change, needs a chat admin.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import CallbackQuery, Chat, Update
from telegram.error import TelegramError

from bot.clock import utcnow
from bot.present.i18n import day_time, t
from bot.present.incidents import incident_detail, incident_sources
from bot.present.keyboards import parse_alert_data
from bot.present.places import sector_label
from handlers.access import can_manage
from handlers.context import Context, Where, chat_prefs, where

__all__ = ["MUTE_FOR", "on_alert_button"]

log = logging.getLogger(__name__)

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
        if press.action == "d":
            detail = await incident_detail(store, press.incident_id, lang)
            texts = None if detail is None else [detail]
        else:
            texts = await incident_sources(store, press.incident_id, lang)
        message = query.message
        if not texts or message is None:
            await query.answer()
            return
        if at.chat_type == Chat.CHANNEL:
            await _to_presser(query, context, at, texts, lang)
            return
        await query.answer()
        for text in texts:
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
    sectors = row.sector_ids if row else ()
    if not sectors:
        await query.answer(t(lang, "mute_nothing"), show_alert=True)
        return
    until = utcnow() + MUTE_FOR
    await store.chats.save_prefs(at.chat_id, prefs.mute(sectors, until), type_=at.chat_type,
                                 title=at.title)
    names = ", ".join(sector_label(s, lang) for s in sectors)
    text = t(lang, "muted", sectors=names, until=f"{day_time(until, lang)} UTC")
    await query.answer(text[:200], show_alert=True)


async def _to_presser(
    query: CallbackQuery, context: Context, at: Where, texts: list[str], lang: str
) -> None:
    """Send details to whoever pressed, privately; tell them how when the bot may not."""
    sent = False
    if at.user_id is not None:
        try:
            for text in texts:
                await context.bot.send_message(
                    at.user_id, text, parse_mode="HTML", disable_web_page_preview=True
                )
            sent = True
        except TelegramError as exc:
            # The user never started the bot, or blocked it: no private message is allowed.
            log.info("alerts.private_details_failed user=%s error=%s", at.user_id, exc)
    if sent:
        await query.answer(t(lang, "details_sent_private")[:200])
    else:
        await query.answer(t(lang, "details_start_private")[:200], show_alert=True)
