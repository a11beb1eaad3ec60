"""/start and /help."""

from __future__ import annotations

from telegram import Update

from bot.present.i18n import t
from handlers.context import Context, chat_prefs, reply, where

__all__ = ["help_command", "start"]


async def start(update: Update, context: Context) -> None:
    """Say what the bot does and how to subscribe; remember the chat and its language."""
    at = where(update)
    if at is None:
        return
    if at.private:
        await context.services.store.chats.upsert_chat(
            at.chat_id, type_=at.chat_type, title=at.title, language=at.user_language
        )
    lang = (await chat_prefs(context, at)).language
    await reply(update, t(lang, "help") + "\n\n" + t(lang, "start_hint"))


async def help_command(update: Update, context: Context) -> None:
    """List the commands."""
    at = where(update)
    if at is None:
        return
    lang = (await chat_prefs(context, at)).language
    await reply(update, t(lang, "help"))
