"""Telegram command handlers: one module per group of commands, all thin.

Each callback parses its arguments, calls a service and replies; `register` wires them up.
"""

from __future__ import annotations

import logging

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler

from handlers import errors, queries, start, subscription

__all__ = ["COMMANDS", "register", "set_commands"]

log = logging.getLogger(__name__)

# (command, description) in menu order; the same list feeds setMyCommands.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "What this bot does"),
    ("subscribe", "Get alerts in this chat"),
    ("unsubscribe", "Stop alerts in this chat"),
    ("latest", "Most recent incidents"),
    ("incident", "One incident in full: /incident <id>"),
    ("status", "Sources and their health"),
    ("help", "Commands and how to use them"),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add every handler and the error handler to `application`."""
    application.add_handler(CommandHandler("start", start.start))
    application.add_handler(CommandHandler("help", start.help_command))
    application.add_handler(CommandHandler("subscribe", subscription.subscribe))
    application.add_handler(CommandHandler("unsubscribe", subscription.unsubscribe))
    application.add_handler(CommandHandler("latest", queries.latest))
    application.add_handler(CommandHandler("incident", queries.incident))
    application.add_handler(CommandHandler("status", queries.status))
    application.add_error_handler(errors.on_error)


async def set_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Publish the command menu; a failure is logged, never fatal."""
    try:
        await application.bot.set_my_commands(
            [BotCommand(name, description) for name, description in COMMANDS]
        )
    except TelegramError as exc:
        # A menu is a convenience; the bot works without it.
        log.warning("app.set_commands_failed error=%s", exc)
