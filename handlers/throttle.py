"""Flood control: a token bucket per chat, checked before any handler runs.

A chat that sends commands (or presses buttons) faster than `rate` per second beyond a burst
of `burst` is told once to slow down, and its further updates are dropped until its bucket
refills; other chats are not affected. Operator chats are not throttled. The state belongs
to the `Throttle` object that `handlers.register` creates for its application.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.present.i18n import normalize_language, t
from handlers.context import Context

__all__ = ["Bucket", "Throttle"]

log = logging.getLogger(__name__)
_MAX_CHATS = 10_000


@dataclass(slots=True)
class Bucket:
    """Tokens left for one chat, when they were counted, and whether it was warned."""

    tokens: float
    at: float
    warned: bool = False


class Throttle:
    """Per-chat token buckets; call it as a PTB callback in an early handler group."""

    def __init__(
        self,
        rate: float = 1.0,
        burst: int = 15,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: dict[int, Bucket] = {}

    def allow(self, chat_id: int) -> tuple[bool, bool]:
        """(allowed, warn): take a token for the chat; warn once per flood."""
        now = self._clock()
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            if len(self._buckets) >= _MAX_CHATS:
                self._forget_idle(now)
            bucket = self._buckets[chat_id] = Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return True, False
        warn = not bucket.warned
        bucket.warned = True
        return False, warn

    def _forget_idle(self, now: float) -> None:
        full = [
            chat for chat, b in self._buckets.items()
            if b.tokens + (now - b.at) * self.rate >= self.burst
        ]  # fmt: skip
        for chat in full or list(self._buckets)[: len(self._buckets) // 2]:
            del self._buckets[chat]

    async def __call__(self, update: Update, context: Context) -> None:
        """Drop the update (stop all handlers) when its chat is flooding."""
        chat = update.effective_chat
        if chat is None or not (update.message or update.callback_query):
            return
        try:
            if chat.id in context.services.settings.admin_chat_ids:
                return  # operators are trusted (bulk source work)
        except RuntimeError:
            pass  # not initialised yet: throttle like anyone
        allowed, warn = self.allow(chat.id)
        if allowed:
            return
        log.info("throttle.dropped chat=%s", chat.id)
        if warn and update.effective_message is not None and update.message is not None:
            user = update.effective_user
            lang = normalize_language(user.language_code if user else None)
            try:
                await update.effective_message.reply_text(t(lang, "throttled"))
            except TelegramError as exc:
                log.info("throttle.warn_failed chat=%s error=%s", chat.id, exc)
        raise ApplicationHandlerStop
