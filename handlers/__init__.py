"""Telegram command handlers: one module per group of commands, all thin.

Each callback parses its arguments, calls a service and replies; `register` wires them up
(with the per-chat flood control in front and the digest job), `set_commands` publishes the
command menu in each language.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.present.i18n import LANGUAGES, t
from handlers import admin, alerts, errors, images, jobs, queries, settings, start, subscription
from handlers.throttle import Throttle

__all__ = ["ADMIN_COMMANDS", "COMMANDS", "register", "set_commands"]

log = logging.getLogger(__name__)

# Menu order; descriptions are the catalog's "cmd_<name>" in each language.
COMMANDS: Final[tuple[str, ...]] = (
    "start", "subscribe", "unsubscribe", "settings", "latest", "search", "incident", "digest",
    "map", "stats", "sources", "lang", "severity", "sectors", "quiet", "filter", "status",
    "help",
)  # fmt: skip
ADMIN_COMMANDS: Final[tuple[str, ...]] = (
    "admin", "addsource", "removesource", "exportopml", "importopml",
)  # fmt: skip

_HANDLERS: Final[dict[str, Any]] = {
    "start": start.start,
    "help": start.help_command,
    "subscribe": subscription.subscribe,
    "unsubscribe": subscription.unsubscribe,
    "settings": settings.settings_command,
    "lang": settings.lang_command,
    "language": settings.lang_command,
    "severity": settings.severity_command,
    "sectors": settings.sectors_command,
    "quiet": settings.quiet_command,
    "filter": settings.filter_command,
    "latest": queries.latest,
    "incident": queries.incident,
    "search": queries.search,
    "digest": queries.digest,
    "sources": queries.sources,
    "status": queries.status,
    "stats": images.stats,
    "map": images.map_command,
    "admin": admin.admin_stats,
    "addsource": admin.add_source,
    "removesource": admin.remove_source,
    "exportopml": admin.export_opml,
    "importopml": admin.import_opml,
}


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add every handler, the flood control, the digest job and the error handler."""
    application.add_handler(TypeHandler(Update, Throttle()), group=-1)
    for name, callback in _HANDLERS.items():
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(
        MessageHandler(filters.Regex(r"^/incident_inc_[0-9]{8}_[0-9a-f]{4,16}(@\w+)?$"),
                       queries.incident)
    )
    # An OPML file sent with "/importopml" as its caption (commands in captions are not
    # commands to CommandHandler).
    application.add_handler(
        MessageHandler(
            filters.Document.ALL & filters.CaptionRegex(r"^/importopml(@\w+)?(\s|$)"),
            admin.import_opml,
        )
    )
    application.add_handler(CallbackQueryHandler(settings.on_settings_button, pattern=r"^s:"))
    application.add_handler(CallbackQueryHandler(alerts.on_alert_button, pattern=r"^a:"))
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, queries.text_search
        )
    )
    # Last in its group: only a command no handler above took gets here.
    application.add_handler(MessageHandler(filters.COMMAND, start.unknown_command))
    application.add_error_handler(errors.on_error)
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            jobs.digest_job, interval=jobs.DIGEST_INTERVAL_SECONDS, first=5.0, name="digest",
            job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": 300},
        )


def _menu(lang: str, names: tuple[str, ...]) -> list[BotCommand]:
    return [BotCommand(name, t(lang, f"cmd_{name}")[:256]) for name in names]


async def set_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Publish the command menu in every language; failures are logged, never fatal."""
    bot = application.bot
    menus: list[tuple[str | None, list[BotCommand], Any]] = [(None, _menu("en", COMMANDS), None)]
    menus += [(lang, _menu(lang, COMMANDS), None) for lang in LANGUAGES]
    try:
        operators = application.bot_data.services.settings.admin_chat_ids
    except (AttributeError, RuntimeError):
        operators = ()
    for chat_id in operators:
        menus.append((None, _menu("en", COMMANDS + ADMIN_COMMANDS), BotCommandScopeChat(chat_id)))
    for language, commands, scope in menus:
        try:
            await bot.set_my_commands(commands, scope=scope, language_code=language)
        except TelegramError as exc:
            # A menu is a convenience; the bot works without it.
            log.warning("app.set_commands_failed lang=%s error=%s", language, exc)
