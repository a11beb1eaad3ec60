"""The one error handler: log with the traceback, tell the user, tell the admins."""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.error import TelegramError

from bot.present.formatting import esc
from bot.present.i18n import normalize_language, t
from handlers.context import Context

__all__ = ["on_error"]

log = logging.getLogger(__name__)
_ADMIN_GAP_SECONDS = 300.0


async def on_error(update: object, context: Context) -> None:
    """Handle any exception raised by a handler or job."""
    error = context.error
    log.error("handler.error update=%s", type(update).__name__, exc_info=error)
    if isinstance(update, Update) and update.effective_message is not None:
        user = update.effective_user
        lang = normalize_language(user.language_code if user else None)
        try:
            await update.effective_message.reply_text(t(lang, "error_generic"))
        except TelegramError:
            log.warning("handler.error_reply_failed")
    try:
        services = context.services
    except RuntimeError:
        return
    key = type(error).__name__
    now = time.monotonic()
    # One admin report per kind of error every few minutes, not one per failing update.
    if now - services.error_reports.get(key, -_ADMIN_GAP_SECONDS) < _ADMIN_GAP_SECONDS:
        return
    services.error_reports[key] = now
    admins = services.settings.admin_chat_ids
    for admin in admins:
        try:
            await context.bot.send_message(
                admin, f"⚠️ Border Watch error: <code>{esc(key)}: {esc(str(error))[:500]}</code>",
                parse_mode="HTML",
            )
        except TelegramError:
            log.warning("handler.admin_report_failed admin=%s", admin)
