"""Console mode: the real application, with the terminal standing in for Telegram.

`ConsoleRequest` is a python-telegram-bot request backend (the same seam as its HTTPX one):
Bot API calls are answered locally, `getUpdates` returns the lines typed on standard input as
messages from one private chat, and sent or edited messages print to standard output. So
console mode runs the same pipeline, handlers, outbox and sender as a Telegram bot, and shows
what a Telegram user would see:

- inline keyboards print as numbered choices; typing the number (or `/press N`) presses that
  button of the last keyboard shown, as a `callback_query` update;
- photos and documents are written under `files_dir` (`./data/console/`) and their path and
  caption printed;
- a reply names the message it answers ("reply to #7 …"), as Telegram shows the quote.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final, TextIO

from telegram.request import BaseRequest, RequestData

from bot.present.formatting import html_to_text

__all__ = [
    "CONSOLE_CHAT_ID",
    "CONSOLE_FILES",
    "CONSOLE_LOG",
    "CONSOLE_TOKEN",
    "ConsoleIO",
    "ConsoleRequest",
]

log = logging.getLogger(__name__)

# Never sent anywhere; PTB only wants a token-shaped string.
CONSOLE_TOKEN = "1:console-mode-no-token"  # noqa: S105
CONSOLE_CHAT_ID = 1
CONSOLE_FILES: Final = Path("data") / "console"
CONSOLE_LOG: Final = Path("data") / "console.log"
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
_PRESS = re.compile(r"^(?:/press(?:@\w+)?\s+)?([0-9]{1,3})$")
_REMEMBERED = 500  # sent messages kept for "reply to #N" lines


@dataclass(frozen=True, slots=True)
class _Button:
    text: str
    data: str | None
    url: str | None


def _buttons(markup: Any) -> list[list[_Button]]:
    """The rows of an inline keyboard (a dict, or its JSON as PTB may pass it)."""
    if isinstance(markup, str):
        try:
            markup = json.loads(markup)
        except ValueError:
            return []
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or []
    return [
        [_Button(str(b.get("text", "")), b.get("callback_data"), b.get("url")) for b in row]
        for row in rows
        if isinstance(row, list)
    ]


def _keyboard_text(rows: Sequence[Sequence[_Button]]) -> str:
    """Numbered choices, one keyboard row per line: "[1] Language   [2] Severity"."""
    number = itertools.count(1)
    lines = []
    for row in rows:
        cells = []
        for button in row:
            label = f"[{next(number)}] {button.text}"
            cells.append(f"{label} ({button.url})" if button.url else label)
        lines.append("   ".join(cells))
    return "\n".join(lines)


class ConsoleIO:
    """Standard input as a queue of updates, standard output as the chat."""

    def __init__(
        self,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        *,
        files_dir: Path = CONSOLE_FILES,
        log_path: Path | None = None,
    ) -> None:
        self._stdin = stdin or sys.stdin
        self._stdout = stdout or sys.stdout
        self.files_dir = files_dir
        self.log_path = log_path
        self.subscribed = False
        self.sources_total = 0
        self._lines: asyncio.Queue[str] | None = None
        self._thread: threading.Thread | None = None
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._lock = threading.Lock()
        # The last keyboard shown: (message id, its text, its buttons in order).
        self._keyboard: tuple[int, str, list[_Button]] | None = None
        self._sent: OrderedDict[int, str] = OrderedDict()
        self._summarised = False
        self._polled: dict[str, bool] = {}
        self._first_poll = 0.0

    def start(self) -> None:
        """Start reading standard input (once) and print the banner."""
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
        self.write(self.banner())

    def banner(self) -> str:
        """What console mode is, what this chat gets, where the log and files go."""
        lines = ["Border Watch console mode: this terminal is a private Telegram chat."]
        if self.subscribed:
            lines.append("This chat is subscribed: new alerts appear here as they come "
                         "(/unsubscribe to stop).")
        lines.append("Type /help, /latest, /settings, /map, /status. Buttons show as [1], [2]…: "
                     "type the number (or /press N) to press one.")
        if self.log_path is not None:
            lines.append(f"Log: {self.log_path}")
        lines.append(f"Pictures and files: {self.files_dir}/")
        return "\n".join(lines)

    def record_polls(self, results: Sequence[tuple[str, bool]]) -> None:
        """Note polled sources (name, reachable); once all `sources_total` have been tried
        (or a minute has passed), print one summary line in place of the log's warnings."""
        if self._summarised or not results:
            return
        self._polled.update(results)
        now = time.monotonic()
        self._first_poll = self._first_poll or now
        if len(self._polled) < self.sources_total and now - self._first_poll < 60:
            return
        self._summarised = True
        tried = len(self._polled)
        reachable = sum(self._polled.values())
        if reachable == 0:
            line = f"{tried} sources, 0 reachable: offline?"
        elif reachable < tried:
            line = f"{tried} sources, {reachable} reachable, {tried - reachable} failing: /status"
        else:
            line = f"{tried} sources, all reachable"
        where = f" (details in {self.log_path})" if self.log_path and reachable < tried else ""
        self.write(f"· {line}{where}")

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
        updates = [self._update(line) for line in lines if line.strip()]
        return [u for u in updates if u is not None]

    def _update(self, line: str) -> dict[str, Any] | None:
        text = line.strip()
        press = _PRESS.match(text)
        if press is not None:
            # A bare number is always a press: as a search it would find nothing.
            return self._press(int(press.group(1)))
        if text.startswith("/press"):
            self.write("· Usage: /press N, where N is the number of a button shown above.")
            return None
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

    def _press(self, number: int) -> dict[str, Any] | None:
        """A press of button `number` of the last keyboard, as a callback query."""
        if self._keyboard is None:
            self.write("· No buttons to press: none has been shown yet.")
            return None
        message_id, text, buttons = self._keyboard
        if not 1 <= number <= len(buttons):
            self.write(f"· No button {number}: choose 1 to {len(buttons)}.")
            return None
        button = buttons[number - 1]
        if button.data is None:
            self.write(f"· [{number}] {button.text} opens {button.url}")
            return None
        self.write(f"· pressed [{number}] {button.text}")
        message = {"message_id": message_id, "date": int(time.time()), "chat": _CHAT,
                   "from": _BOT, "text": text}
        query = {"id": str(next(self._update_ids)), "from": _USER, "message": message,
                 "chat_instance": "console", "data": button.data}
        return {"update_id": next(self._update_ids), "callback_query": query}

    def show(self, label: str, params: dict[str, Any], message_id: int, body: str) -> None:
        """Print a sent or edited message: header, body, its buttons; remember it."""
        header = f"{label} #{message_id}"
        chat = params.get("chat_id")
        if chat is not None and int(chat) != CONSOLE_CHAT_ID:
            header += f" to chat {chat}"
        target = _reply_target(params)
        if target is not None:
            quoted = self._sent.get(target)
            header += f", reply to #{target}" + (f" “{quoted}”" if quoted else "")
        rows = _buttons(params.get("reply_markup"))
        block = f"\n── {header} ──\n{body}"
        if rows:
            block += "\n" + _keyboard_text(rows)
            self._keyboard = (message_id, body, [b for row in rows for b in row])
        elif self._keyboard is not None and self._keyboard[0] == message_id:
            self._keyboard = None  # an edit that took the buttons away
        self.write(block)
        first = body.strip().splitlines()[0] if body.strip() else ""
        self._sent[message_id] = first[:60] + ("…" if len(first) > 60 else "")
        while len(self._sent) > _REMEMBERED:
            self._sent.popitem(last=False)

    def save_file(self, kind: str, message_id: int, upload: tuple[Any, ...] | None) -> Path | None:
        """Write an uploaded photo or document under `files_dir`; its path."""
        if upload is None:
            return None
        content = upload[1]
        data = content if isinstance(content, bytes) else _read(content)
        name = Path(str(upload[0] or kind))
        # PTB names a bytes upload after its guessed MIME type ("application.octet-stream"):
        # the picture's own first bytes say better what it is.
        suffix = _sniff(data) or (name.suffix if kind == "document" else "") or ".bin"
        stem = name.stem if kind == "document" and name.suffix else kind
        path = self.files_dir / f"{message_id:04d}-{stem}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def next_message_id(self) -> int:
        """A fresh message id."""
        return next(self._message_ids)


def _read(handle: IO[bytes]) -> bytes:
    return handle.read()


def _sniff(data: bytes) -> str | None:
    """The file suffix of an image from its magic bytes."""
    for magic, suffix in ((b"\x89PNG\r\n\x1a\n", ".png"), (b"\xff\xd8\xff", ".jpg"),
                          (b"GIF8", ".gif")):
        if data.startswith(magic):
            return suffix
    return None


def _reply_target(params: dict[str, Any]) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, str):
        try:
            reply = json.loads(reply)
        except ValueError:
            reply = None
    if isinstance(reply, dict) and reply.get("message_id"):
        return int(reply["message_id"])
    target = params.get("reply_to_message_id")
    return int(target) if target else None


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
        files = request_data.multipart_data if request_data and request_data.contains_files \
            else {}
        result = await self._answer(name, params, files)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    async def _answer(self, name: str, params: dict[str, Any], files: dict[str, Any]) -> Any:
        if name == "getMe":
            return _BOT
        if name == "getUpdates":
            timeout = float(params.get("timeout") or 0)
            return await self._io.updates(params.get("offset"), timeout)
        if name in {"sendMessage", "editMessageText"}:
            text = html_to_text(str(params.get("text", "")))
            edited = name == "editMessageText"
            message_id = int(params.get("message_id") or 0) if edited else 0
            message_id = message_id or self._io.next_message_id()
            self._io.show("edited" if edited else "message", params, message_id, text)
            return self._message(params, message_id, text=text)
        if name in {"sendPhoto", "sendDocument"}:
            kind = "photo" if name == "sendPhoto" else "document"
            message_id = self._io.next_message_id()
            path = self._io.save_file(kind, message_id, files.get(kind))
            caption = html_to_text(str(params.get("caption", "")))
            body = f"{kind} saved to {path}" if path else f"{kind} (sent by reference)"
            self._io.show(kind, params, message_id, body + (f"\n{caption}" if caption else ""))
            return self._message(params, message_id, caption=caption)
        if name == "answerCallbackQuery":
            if params.get("text"):
                self._io.write(f"· {params['text']}")
            return True
        if name in {"getChatMember"}:
            return {"status": "creator", "user": _USER, "is_anonymous": False}
        if name == "getChat":
            return _CHAT | {"accent_color_id": 0, "max_reaction_count": 0}
        if name == "getMyCommands":
            return []
        if name == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True

    @staticmethod
    def _message(params: dict[str, Any], message_id: int, **content: str) -> dict[str, Any]:
        chat = dict(_CHAT, id=int(params.get("chat_id") or CONSOLE_CHAT_ID))
        return {"message_id": message_id, "date": int(time.time()), "chat": chat, "from": _BOT,
                **content}
