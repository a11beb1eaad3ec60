"""Console mode: the real application, with the terminal standing in for Telegram.

`ConsoleRequest` is a python-telegram-bot request backend (the same seam as its HTTPX one):
Bot API calls are answered locally, `getUpdates` returns the lines typed on standard input as
messages from one private chat, and `sendMessage`/`editMessageText` print to standard output.
So console mode runs the same pipeline, handlers, outbox and sender as a Telegram bot.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import sys
import threading
import time
from typing import Any, TextIO

from telegram.request import BaseRequest, RequestData

from bot.present.formatting import html_to_text

__all__ = ["CONSOLE_CHAT_ID", "CONSOLE_TOKEN", "ConsoleIO", "ConsoleRequest"]

log = logging.getLogger(__name__)

# Never sent anywhere; PTB only wants a token-shaped string.
CONSOLE_TOKEN = "1:console-mode-no-token"  # noqa: S105
CONSOLE_CHAT_ID = 1
_BOT = {
    "id": 1,
    "is_bot": True,
    "first_name": "Border Watch",
    "username": "borderwatch_console_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
_USER = {"id": CONSOLE_CHAT_ID, "is_bot": False, "first_name": "Console", "language_code": "en"}
_CHAT = {"id": CONSOLE_CHAT_ID, "type": "private", "first_name": "Console"}


class ConsoleIO:
    """Standard input as a queue of updates, standard output as the chat."""

    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None) -> None:
        self._stdin = stdin or sys.stdin
        self._stdout = stdout or sys.stdout
        self._lines: asyncio.Queue[str] | None = None
        self._thread: threading.Thread | None = None
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start reading standard input (once)."""
        if self._lines is not None:
            return
        loop = asyncio.get_running_loop()
        self._lines = asyncio.Queue()
        queue = self._lines

        def reader() -> None:
            for line in self._stdin:
                loop.call_soon_threadsafe(queue.put_nowait, line.rstrip("\n"))
            log.info("console.stdin_closed")

        self._thread = threading.Thread(target=reader, name="console-stdin", daemon=True)
        self._thread.start()
        self.write("Border Watch console mode: type /help, /subscribe, /latest, /status.")

    def write(self, text: str) -> None:
        """Print a block to the terminal."""
        with self._lock:
            self._stdout.write(text.rstrip("\n") + "\n")
            self._stdout.flush()

    async def updates(self, offset: int | None, wait: float) -> list[dict[str, Any]]:
        """Lines typed since the last call, as Telegram updates (waits up to `wait` seconds)."""
        if self._lines is None:
            self.start()
        assert self._lines is not None
        lines: list[str] = []
        try:
            lines.append(await asyncio.wait_for(self._lines.get(), timeout=max(wait, 0.05)))
        except TimeoutError:
            return []
        while not self._lines.empty():
            lines.append(self._lines.get_nowait())
        return [self._update(line) for line in lines if line.strip()]

    def _update(self, line: str) -> dict[str, Any]:
        text = line.strip()
        message: dict[str, Any] = {
            "message_id": self.next_message_id(),
            "date": int(time.time()),
            "chat": _CHAT,
            "from": _USER,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {"update_id": next(self._update_ids), "message": message}

    def next_message_id(self) -> int:
        """A fresh message id."""
        return next(self._message_ids)


class ConsoleRequest(BaseRequest):
    """Answers Bot API calls from the terminal instead of the network."""

    def __init__(self, io: ConsoleIO) -> None:
        self._io = io

    @property
    def read_timeout(self) -> float | None:
        """No network, no read timeout of our own."""
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Answer one Bot API method locally."""
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        result = await self._answer(name, params)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    async def _answer(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return _BOT
        if name == "getUpdates":
            timeout = float(params.get("timeout") or 0)
            return await self._io.updates(params.get("offset"), timeout)
        if name in {"sendMessage", "editMessageText"}:
            text = str(params.get("text", ""))
            label = "edited" if name == "editMessageText" else "message"
            self._io.write(f"\n── {label} to chat {params.get('chat_id')} ──\n{html_to_text(text)}")
            message_id = params.get("message_id") or self._io.next_message_id()
            chat = dict(_CHAT, id=int(params.get("chat_id") or CONSOLE_CHAT_ID))
            return {"message_id": int(message_id), "date": int(time.time()), "chat": chat,
                    "text": html_to_text(text), "from": _BOT}
        if name in {"sendPhoto", "sendDocument"}:
            kind = "photo" if name == "sendPhoto" else "file"
            self._io.write(f"\n── {kind} to chat {params.get('chat_id')} (not shown in console) ──")
            return {"message_id": self._io.next_message_id(), "date": int(time.time()),
                    "chat": _CHAT, "from": _BOT}
        if name in {"getChatMember"}:
            return {"status": "creator", "user": _USER, "is_anonymous": False}
        if name == "getChat":
            return _CHAT | {"accent_color_id": 0, "max_reaction_count": 0}
        if name == "getMyCommands":
            return []
        if name == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True
