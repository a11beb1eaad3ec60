"""The typed callback context every handler receives."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import CallbackContext, ExtBot

from bot.services import BotData, Services

__all__ = ["Context", "reply"]


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext with typed access to the services."""

    @property
    def services(self) -> Services:
        """The application's services."""
        return self.bot_data.services


async def reply(update: Update, text: str) -> None:
    """Answer in the chat (and forum topic) the update came from, as HTML."""
    message = update.effective_message
    if message is None:
        return
    await message.reply_text(
        text, parse_mode=ParseMode.HTML, do_quote=False, disable_web_page_preview=True
    )
