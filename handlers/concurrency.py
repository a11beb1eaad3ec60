"""Updates processed concurrently across chats, one at a time within a chat.

python-telegram-bot processes one update at a time unless told otherwise: eight `/map 365`
from one user held up every other chat's `/help` by seconds. `PerChatUpdateProcessor` runs
updates of different chats side by side (up to `max_concurrent_updates`), keeps each chat's
updates in the order they came (a `/lang ru` before a `/help` is answered in Russian), and
lets at most `heavy_slots` image renderings (`/map`, `/stats`: matplotlib in a worker process,
CPU-bound) run at once in the whole bot, so one chat's flood costs the others a share of a
core, not the event loop. The per-chat flood control (`handlers.throttle`) still drops a
chat's excess.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, Final

from telegram import Update
from telegram.ext import BaseUpdateProcessor

__all__ = ["HEAVY_COMMANDS", "PerChatUpdateProcessor"]

HEAVY_COMMANDS: Final = frozenset({"map", "stats"})


def _chat_of(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


def _is_heavy(update: object) -> bool:
    if not isinstance(update, Update) or update.effective_message is None:
        return False
    text = update.effective_message.text or ""
    if not text.startswith("/"):
        return False
    command = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""
    return command in HEAVY_COMMANDS


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across chats, in order within one, with a global cap on image work."""

    def __init__(self, max_concurrent_updates: int = 64, *, heavy_slots: int = 1) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}
        self._heavy = asyncio.Semaphore(heavy_slots)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update's handlers after the same chat's earlier updates."""
        chat = _chat_of(update)
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._users[chat] = self._users.get(chat, 0) + 1
        try:
            async with lock:
                if _is_heavy(update):
                    async with self._heavy:
                        await coroutine
                else:
                    await coroutine
        finally:
            self._users[chat] -= 1
            if not self._users[chat]:  # forget idle chats: the map stays as small as the load
                del self._users[chat]
                del self._locks[chat]

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""
