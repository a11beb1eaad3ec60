"""The typed callback context every handler receives, and small helpers they share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackContext, ExtBot

from bot.exceptions import UsageError
from bot.present.formatting import esc
from bot.present.i18n import normalize_language, t
from bot.services import BotData, Services
from bot.subscribers.prefs import ChatPrefs

__all__ = ["Context", "Where", "chat_prefs", "reply", "reply_error", "where"]


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext with typed access to the services."""

    @property
    def services(self) -> Services:
        """The application's services."""
        return self.bot_data.services


@dataclass(frozen=True, slots=True)
class Where:
    """The chat (and forum topic) an update came from, and who sent it."""

    chat_id: int
    thread_id: int  # 0: not in a forum topic
    chat_type: str
    title: str | None
    user_id: int | None
    user_language: str

    @property
    def private(self) -> bool:
        """A one-to-one chat with a user."""
        return self.chat_type == "private"


def where(update: Update) -> Where | None:
    """Where the update came from; None for updates without a chat."""
    chat = update.effective_chat
    if chat is None:
        return None
    message = update.effective_message
    thread = 0
    if message is not None and message.is_topic_message and message.message_thread_id:
        thread = message.message_thread_id
    user = update.effective_user
    return Where(
        chat_id=chat.id,
        thread_id=thread,
        chat_type=chat.type,
        title=chat.title or chat.full_name,
        user_id=user.id if user else None,
        user_language=normalize_language(user.language_code if user else None),
    )


async def chat_prefs(context: Context, at: Where) -> ChatPrefs:
    """The chat's stored preferences, or the defaults in the user's language."""
    prefs = await context.services.store.chats.prefs(at.chat_id)
    return prefs if prefs is not None else ChatPrefs(language=at.user_language)


async def reply(
    update: Update, text: str, *, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Answer in the chat (and forum topic) the update came from, as HTML."""
    message = update.effective_message
    if message is None:
        return
    await message.reply_text(
        text,
        parse_mode=ParseMode.HTML,
        do_quote=False,
        disable_web_page_preview=True,
        reply_markup=markup,
    )


async def reply_error(update: Update, lang: str, error: UsageError) -> None:
    """The text a `UsageError` (a bad argument, a refused URL) names, in the chat's language."""
    values = {k: esc(str(v)) for k, v in error.values.items()}
    await reply(update, t(lang, error.key, **values))
