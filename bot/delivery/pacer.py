"""One pace for everything the bot sends: outbox deliveries and replies to commands.

Telegram lets a bot send about 30 messages a second in all. The outbox sender and the
command handlers share that budget through one `Pacer`: a send slot every 1/rate seconds,
given to the waiter with the best priority (`Priority.REPLY`, a person waiting for an answer,
before any alert; then the outbox's own order), first come first served within a priority.

The rate is paced from what Telegram answers rather than held at a fixed margin below the
limit: it starts just under the limit (`START`), a 429 pauses every sender for the
`retry_after` Telegram asks and lowers the rate by `BACKOFF` (never below `FLOOR`), and every
`RECOVER_AFTER` sends without a 429 win back `STEP`, up to one step below the rate that drew
the 429. A server stricter than the documented limit thus costs a handful of 429s, then none.

`ReplyRateLimiter` is python-telegram-bot's hook (`ApplicationBuilder.rate_limiter`): it
paces every message-sending call a handler makes and retries it after a 429, so a burst of
commands gets every reply instead of losing those Telegram refused. The outbox sender paces
its own calls (`outbox_send` marks them) and handles its 429s itself.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
import logging
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, Final

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.domain import Priority

__all__ = [
    "BACKOFF", "FLOOR", "RECOVER_AFTER", "START", "STEP", "Pacer", "ReplyRateLimiter",
    "outbox_send",
]

log = logging.getLogger(__name__)

START: Final = 0.97  # of the configured rate: network jitter must not push a second over
BACKOFF: Final = 0.97
FLOOR: Final = 0.5
STEP: Final = 0.01
RECOVER_AFTER: Final = 300  # sends (about 10 s at 30/s)
MAX_REPLY_ATTEMPTS: Final = 8
# Methods that post or change a message: what Telegram's message limits count.
_PACED_PREFIXES: Final = ("send", "edit", "copy", "forward")

_OUTBOX: contextvars.ContextVar[bool] = contextvars.ContextVar("bw_outbox_send", default=False)


@contextmanager
def outbox_send() -> Iterator[None]:
    """Mark the Bot API calls made inside as already paced by the outbox sender."""
    token = _OUTBOX.set(True)
    try:
        yield
    finally:
        _OUTBOX.reset(token)


class Pacer:
    """Send slots at the allowed rate, by priority; paused and slowed by 429s."""

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = rate
        self.factor = START
        self._ceiling = START  # one step below the last rate that drew a 429
        self._clock = clock
        self._next_at = 0.0
        self._paused_until = 0.0
        self._since_429 = 0
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._releaser: asyncio.Task[None] | None = None
        self.granted = 0
        self.rate_limited = 0

    @property
    def rate(self) -> float:
        """Messages per second granted now."""
        return self.limit * self.factor

    @property
    def paused_until(self) -> float:
        """Monotonic time before which nothing is sent (a 429's retry_after)."""
        return self._paused_until

    async def acquire(self, priority: int) -> None:
        """Wait for a send slot; lower `priority` values are served first."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._order), future))
        if self._releaser is None or self._releaser.done():
            self._releaser = asyncio.create_task(self._release(), name="pacer")
        await future  # a cancelled waiter is skipped by the releaser

    async def _release(self) -> None:
        while self._waiting:
            now = self._clock()
            wait = max(self._next_at, self._paused_until) - now
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            _, _, future = heapq.heappop(self._waiting)
            if future.done():
                continue
            future.set_result(None)
            self.granted += 1
            # Slots keep to their schedule when a wake-up comes a little late (a busy loop),
            # so the average holds; later than that they start afresh, since two sends close
            # together (a catch-up burst) are what draws a 429 from a strict server.
            interval = 1.0 / self.rate
            base = self._next_at if now - self._next_at < interval / 4 else now
            self._next_at = base + interval
            self._since_429 += 1
            if self._since_429 >= RECOVER_AFTER and self.factor < self._ceiling:
                self.factor = min(self._ceiling, self.factor + STEP)
                self._since_429 = 0

    def retry_after(self, seconds: float) -> None:
        """Telegram answered 429: pause everyone for `seconds` and slow down."""
        self.rate_limited += 1
        self._since_429 = 0
        self._paused_until = max(self._paused_until, self._clock() + seconds)
        before = self.factor
        self._ceiling = max(FLOOR, min(self._ceiling, before - STEP))
        self.factor = max(FLOOR, self.factor * BACKOFF)
        log.warning("pacing.rate_limited retry_after=%.1f rate=%.1f->%.1f", seconds,
                    self.limit * before, self.rate)


class ReplyRateLimiter(BaseRateLimiter[None]):
    """python-telegram-bot's rate limiter over a shared `Pacer`: replies wait their turn
    (ahead of alerts) and are sent again after a 429 instead of being lost."""

    def __init__(self, pacer: Pacer, *, max_attempts: int = MAX_REPLY_ATTEMPTS) -> None:
        self.pacer = pacer
        self._max_attempts = max_attempts

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Pace message-sending calls of handlers; pass everything else straight through."""
        if _OUTBOX.get() or not endpoint.lower().startswith(_PACED_PREFIXES):
            return await callback(*args, **kwargs)
        for attempt in range(1, self._max_attempts + 1):
            await self.pacer.acquire(Priority.REPLY)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == self._max_attempts:
                    raise
                self.pacer.retry_after(_seconds(exc.retry_after))
        raise AssertionError("unreachable")  # the loop returns or raises


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
