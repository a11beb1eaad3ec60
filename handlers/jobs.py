"""Named JobQueue jobs of the handlers: "digest" queues the daily digests that are due."""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import CallbackContext

from bot.clock import utcnow
from bot.services import BotData
from bot.subscribers.digest import queue_due_digests

__all__ = ["DIGEST_INTERVAL_SECONDS", "digest_job"]

log = logging.getLogger(__name__)
DIGEST_INTERVAL_SECONDS = 60.0


async def digest_job(context: CallbackContext[Any, Any, Any, BotData]) -> None:
    """Queue every digest whose local time has come (leader only); the sender delivers them."""
    try:
        services = context.bot_data.services
    except RuntimeError:
        return  # the application is still starting
    if not services.is_leader():
        return  # once-only work: the leader replica queues the digests
    # The "deliver" job sends them within a second, under the leader's guard.
    await queue_due_digests(services.store, utcnow())
