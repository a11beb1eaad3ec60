"""/start, /help, and the answer to a command the bot does not know."""

from __future__ import annotations

from telegram import Update

from bot.present.formatting import esc
from bot.present.i18n import t
from handlers.context import Context, chat_prefs, reply, where

__all__ = ["help_command", "start", "unknown_command"]


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


async def unknown_command(update: Update, context: Context) -> None:
    """A short hint and /help for a command the bot does not know.

    In groups only commands addressed to this bot ("/foo@thisbot") get the hint: a bare
    "/foo" there may be meant for another bot.
    """
    at = where(update)
    message = update.effective_message
    if at is None or message is None or not message.text:
        return
    command, _, addressee = message.text.split()[0].partition("@")
    if addressee and addressee.lower() != (context.bot.username or "").lower():
        return
    if not at.private and not addressee:
        return
    lang = (await chat_prefs(context, at)).language
    await reply(update, t(lang, "unknown_command", command=esc(command[:64])))
