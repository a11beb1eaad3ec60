"""A fake Telegram Bot API server on loopback, for tests and benchmarks.

`FakeTelegram` speaks the Bot API's HTTP protocol: ``POST|GET {base}/bot{TOKEN}/{method}`` with
the parameters as a JSON body, form-urlencoded or multipart (what python-telegram-bot sends), and
replies ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description": ...,
"parameters": {...}}`` with the HTTP status equal to ``error_code``, as Telegram does. The
objects it returns (messages, chats, members, updates) carry every field PTB's ``de_json``
requires.

It runs in a background thread (stdlib ``ThreadingHTTPServer``), so it works while the test's
asyncio loop runs in the main thread. Point a PTB bot at it with::

    with FakeTelegram() as tg:
        app = ApplicationBuilder().token(tg.token).base_url(tg.base_url).build()
        tg.user_says(42, "/start")
        ...
        sent = await tg.wait_for_sent(1)

What it checks like Telegram does, so that tests prove the bot's output is acceptable:

- HTML parse mode is parsed the way TDLib parses it (see `parse_html_entities`). A bare ``<``,
  an unsupported tag (``<img>``, ``<br>``, ``<p>``), an unbalanced tag or a ``span`` without
  ``class="tg-spoiler"`` is a 400 "can't parse entities" error; this is how a test proves that
  feed text was escaped. (`html.parser` is not used: it accepts a bare ``<`` and unknown tags,
  which Telegram rejects, so it would let unescaped text through.)
- Text longer than 4096 UTF-16 code units after entity parsing (1024 for captions) is rejected,
  measured as Telegram does (an emoji counts two, markup nothing);
  callback data over 64 bytes and non-HTTP button URLs are rejected; links with a
  ``javascript:`` href are dropped from the entities, as Telegram drops them.
- Editing a message with identical content is "message is not modified".
- Optional rate limits (sliding windows: global per second, per chat per second, per group per
  minute, paid broadcasts) answer 429 with ``parameters.retry_after``.

Faults are injected per chat (`block_chat`, `chat_not_found`, `migrate`) or per method
(`fail_next`, `drop_next`, `delay_next`). Everything is thread-safe.
"""

from __future__ import annotations

import asyncio
import collections
import email.parser
import email.policy
import itertools
import json
import math
import re
import threading
import time
import traceback
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

from ._loopback import LoopbackServer, QuietHandler

__all__ = [
    "DEFAULT_TOKEN",
    "MAX_CAPTION_LENGTH",
    "MAX_MESSAGE_LENGTH",
    "ApiError",
    "EditRecord",
    "FakeStats",
    "FakeTelegram",
    "RecordedRequest",
    "SentMessage",
    "Upload",
    "command_update",
    "parse_html_entities",
    "parse_markdown_v2",
]

DEFAULT_TOKEN = "123456789:AAFakeTokenForBorderWatchTests_0123456"
MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
DEFAULT_GROUP_USER_ID = 424242

JSONDict = dict[str, Any]

# Keys whose form-encoded values are integers, booleans or JSON documents. PTB sends every
# non-string value JSON-encoded inside a form field; plain JSON bodies need no coercion.
_INT_KEYS = frozenset(
    {
        "chat_id", "message_id", "offset", "limit", "timeout", "reply_to_message_id",
        "message_thread_id", "user_id", "from_chat_id", "cache_time", "max_connections",
    }
)  # fmt: skip
_BOOL_KEYS = frozenset(
    {
        "disable_notification", "protect_content", "allow_paid_broadcast", "show_alert",
        "drop_pending_updates", "allow_sending_without_reply", "disable_web_page_preview",
        "only_if_banned", "for_channels", "has_spoiler", "show_caption_above_media",
    }
)  # fmt: skip
_JSON_KEYS = frozenset(
    {
        "reply_markup", "entities", "caption_entities", "link_preview_options",
        "reply_parameters", "commands", "scope", "menu_button", "allowed_updates", "media",
        "reaction", "rights",
    }
)  # fmt: skip

_SEND_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument"})
_EDIT_METHODS = frozenset({"editmessagetext", "editmessagereplymarkup"})
# Methods Telegram refuses with 403 once the user blocked the bot.
_BLOCKABLE_PREFIXES = ("send", "edit", "copy", "forward", "pin")
_NOOP_METHODS = frozenset(
    {
        "sendchataction", "setmydescription", "setmyshortdescription", "setmyname",
        "setmydefaultadministratorrights", "pinchatmessage", "unpinchatmessage",
        "unpinallchatmessages", "leavechat", "setmessagereaction",
    }
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Records


class RecordedRequest(NamedTuple):
    """One request that reached the fake with the right token: ``(method, params)``.

    ``method`` is spelled as the client sent it; uploaded files appear in ``params`` as
    `Upload` values.
    """

    method: str
    params: JSONDict


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        """Length of the uploaded bytes."""
        return len(self.data)


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message the bot sent successfully (sendMessage, sendPhoto, sendDocument).

    ``text`` is the raw text or caption as sent (with markup); ``plain_text`` and ``entities``
    are what Telegram made of it. ``photo_size`` is the uploaded photo's byte length, or None
    when the photo was given by file_id or URL (then ``photo`` holds that string).
    """

    method: str
    chat_id: int
    message_id: int
    text: str | None
    parse_mode: str | None
    reply_markup: JSONDict | None
    reply_to_message_id: int | None
    message_thread_id: int | None
    link_preview_options: JSONDict | None
    disable_notification: bool
    allow_paid_broadcast: bool
    plain_text: str | None
    entities: tuple[JSONDict, ...]
    photo: str | None
    photo_size: int | None
    document_name: str | None
    at: float
    params: JSONDict = field(repr=False)


@dataclass(frozen=True, slots=True)
class EditRecord:
    """A successful editMessageText / editMessageReplyMarkup."""

    method: str
    chat_id: int | None
    message_id: int | None
    inline_message_id: str | None
    text: str | None
    parse_mode: str | None
    reply_markup: JSONDict | None
    plain_text: str | None
    at: float


@dataclass(frozen=True, slots=True)
class FakeStats:
    """Counters of sending traffic (a snapshot; `FakeTelegram.stats` builds a new one)."""

    sent: int
    rejected_429: int
    per_chat: Mapping[int, int]
    peak_per_second: int
    """Most sends accepted within any one-second sliding window."""
    requests: int


class ApiError(Exception):
    """A Bot API error reply: HTTP status, description and optional parameters."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        """The JSON body Telegram sends for this error."""
        body: JSONDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


# --------------------------------------------------------------------------------------------
# Entity parsing (HTML as TDLib does it, MarkdownV2 approximately)

_HTML_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
        "code", "pre", "blockquote", "tg-emoji",
    }
)  # fmt: skip
_TAG_ENTITY = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "span": "spoiler", "tg-spoiler": "spoiler", "code": "code",
    "pre": "pre", "blockquote": "blockquote", "a": "text_link", "tg-emoji": "custom_emoji",
}  # fmt: skip
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_VALID_URL = re.compile(r"^(?:https?://|tg://)[^\s]+$|^[a-z0-9.-]+\.[a-z]{2,}(?:/\S*)?$", re.I)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode an HTML entity at ``text[pos] == '&'`` the way TDLib does (';' optional)."""
    end = pos + 1
    if end < len(text) and text[end] == "#":
        end += 1
        hexa = end < len(text) and text[end] in "xX"
        if hexa:
            end += 1
        start = end
        digits = "0123456789abcdefABCDEF" if hexa else "0123456789"
        while end < len(text) and text[end] in digits:
            end += 1
        if end == start:
            return None
        code = int(text[start:end], 16 if hexa else 10)
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        while end < len(text) and text[end].isascii() and text[end].isalpha():
            end += 1
        name = text[pos + 1 : end]
        if name not in _NAMED_ENTITIES:
            return None
        char = _NAMED_ENTITIES[name]
    if end < len(text) and text[end] == ";":
        end += 1
    return char, end


def parse_html_entities(text: str) -> tuple[str, list[JSONDict]]:
    """Parse Bot API HTML like Telegram (TDLib's ``parse_html``): plain text and entities.

    Raises `ApiError` 400 "can't parse entities: ..." with TDLib's wording and UTF-8 byte
    offsets. Unknown named entities (``&nbsp;``) and a bare ``&`` stay literal, as in Telegram.
    Entity offsets and lengths are in UTF-16 code units.
    """

    def fail(detail: str) -> ApiError:
        return _bad_request(f"can't parse entities: {detail}")

    def byte_offset(index: int) -> int:
        return len(text[:index].encode("utf-8"))

    out: list[str] = []
    utf16 = 0
    stack: list[tuple[str, str, int, int]] = []  # tag, argument, utf16 start, start index
    entities: list[JSONDict] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "&":
            decoded = _decode_entity(text, i)
            if decoded is not None:
                out.append(decoded[0])
                utf16 += _utf16_len(decoded[0])
                i = decoded[1]
                continue
        if c != "<":
            out.append(c)
            utf16 += 2 if ord(c) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":
            if not stack:
                raise fail(f"Unexpected end tag at byte offset {byte_offset(begin)}")
            i += 1
            name_start = i
            while i < n and not text[i].isspace() and text[i] != ">":
                i += 1
            end_name = text[name_start:i].lower()
            while i < n and text[i].isspace():
                i += 1
            if i >= n or text[i] != ">":
                raise fail(f"Unclosed end tag at byte offset {byte_offset(begin)}")
            i += 1
            tag, argument, start16, _ = stack.pop()
            if end_name and end_name != tag:
                raise fail(
                    f'Unmatched end tag at byte offset {byte_offset(begin)}, expected "</{tag}>",'
                    f' found "</{end_name}>"'
                )
            length = utf16 - start16
            if tag == "code" and argument and stack and stack[-1][0] == "pre":
                # <pre><code class="language-x">: one pre entity with a language, as Telegram
                stack[-1] = ("pre", argument, stack[-1][2], stack[-1][3])
                continue
            if length > 0:
                entity = _html_entity(tag, argument, start16, length, "".join(out))
                if entity is not None:
                    entities.append(entity)
            continue
        name_start = i
        while i < n and not text[i].isspace() and text[i] != ">":
            i += 1
        if i >= n:
            raise fail(f"Unclosed start tag at byte offset {byte_offset(begin)}")
        tag = text[name_start:i].lower()
        if tag not in _HTML_TAGS:
            raise fail(f'Unsupported start tag "{tag}" at byte offset {byte_offset(begin)}')
        argument = ""
        while True:
            while i < n and text[i].isspace():
                i += 1
            if i >= n:
                raise fail(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            if text[i] == ">":
                i += 1
                break
            attr_start = i
            while i < n and not text[i].isspace() and text[i] not in "=>":
                i += 1
            attr = text[attr_start:i].lower()
            if not attr:
                raise fail(
                    f'Empty attribute name in the tag "{tag}" at byte offset {byte_offset(begin)}'
                )
            while i < n and text[i].isspace():
                i += 1
            if i >= n or text[i] != "=":
                if tag == "blockquote" and attr == "expandable":
                    argument = "expandable"
                    continue
                raise fail(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {byte_offset(begin)}'
                )
            i += 1
            while i < n and text[i].isspace():
                i += 1
            if i >= n:
                raise fail(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            if text[i] in "'\"":
                quote = text[i]
                i += 1
                value_chars: list[str] = []
                while i < n and text[i] != quote:
                    if text[i] == "&":
                        decoded = _decode_entity(text, i)
                        if decoded is not None:
                            value_chars.append(decoded[0])
                            i = decoded[1]
                            continue
                    value_chars.append(text[i])
                    i += 1
                if i < n:
                    i += 1
                value = "".join(value_chars)
            else:
                token_start = i
                while i < n and (text[i].isalnum() or text[i] in ".-"):
                    i += 1
                value = text[token_start:i].lower()
                if i < n and not text[i].isspace() and text[i] != ">":
                    raise fail(
                        f"Unexpected end of name token at byte offset {byte_offset(token_start)}"
                    )
            if tag == "a" and attr == "href":
                argument = value
            elif tag == "code" and attr == "class" and value.startswith("language-"):
                argument = value[len("language-") :]
            elif tag == "span" and attr == "class" and value.startswith("tg-"):
                argument = value[len("tg-") :]
            elif tag == "tg-emoji" and attr == "emoji-id":
                argument = value
        if tag == "span" and argument != "spoiler":
            raise fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(begin)}'
            )
        stack.append((tag, argument, utf16, len(out)))
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _html_entity(
    tag: str, argument: str, offset: int, length: int, text_so_far: str
) -> JSONDict | None:
    kind = _TAG_ENTITY[tag]
    entity: JSONDict = {"type": kind, "offset": offset, "length": length}
    if tag == "a":
        url = argument or _tail_utf16(text_so_far, length)
        if not _VALID_URL.match(url):
            return None  # Telegram silently drops links it cannot use (javascript:, relative)
        entity["url"] = url
    elif tag == "pre" and argument:
        entity["language"] = argument
    elif tag == "blockquote" and argument == "expandable":
        entity["type"] = "expandable_blockquote"
    elif tag == "tg-emoji":
        if not argument.isdigit():
            raise _bad_request("can't parse entities: Custom emoji entity must contain a tag")
        entity["custom_emoji_id"] = argument
    return entity


def _tail_utf16(text: str, length: int) -> str:
    encoded = text.encode("utf-16-le")
    return encoded[len(encoded) - 2 * length :].decode("utf-16-le")


_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def parse_markdown_v2(text: str) -> tuple[str, list[JSONDict]]:
    """Check MarkdownV2 roughly like Telegram and return the plain text (entities not built).

    Catches the mistakes that matter in practice: a reserved character (``.``, ``-``, ``!``,
    ``(`` ...) not escaped with ``\\``, and an entity that is never closed.
    """

    def fail(detail: str) -> ApiError:
        return _bad_request(f"can't parse entities: {detail}")

    def byte_offset(index: int) -> int:
        return len(text[:index].encode("utf-8"))

    out: list[str] = []
    stack: list[tuple[str, int]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        top = stack[-1][0] if stack else None
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.append(text[i + 1])
            i += 2
            continue
        if top in ("`", "```"):
            if text.startswith(top, i):
                stack.pop()
                i += len(top)
            else:
                out.append(c)
                i += 1
            continue
        if top == "](":
            if c == ")":
                stack.pop()
            i += 1
            continue
        if c not in _MDV2_RESERVED:
            out.append(c)
            i += 1
            continue
        at_line_start = i == 0 or text[i - 1] == "\n"
        if text.startswith("```", i):
            stack.append(("```", i))
            i += 3
            continue
        delimiter = None
        for candidate in ("__", "||", "_", "*", "~", "`"):
            if text.startswith(candidate, i):
                delimiter = candidate
                break
        if delimiter is not None:
            if top == delimiter:
                stack.pop()
            else:
                stack.append((delimiter, i))
            i += len(delimiter)
            continue
        if c == "[":
            stack.append(("[", i))
            i += 1
            continue
        if c == "]" and top == "[" and text.startswith("](", i):
            stack.pop()
            stack.append(("](", i))
            i += 2
            continue
        if c == ">" and at_line_start:
            i += 1
            continue
        raise fail(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")
    if stack:
        raise fail(
            f"Can't find end of the entity starting at byte offset {byte_offset(stack[-1][1])}"
        )
    return "".join(out), []


def _parse_text(text: str, parse_mode: str | None) -> tuple[str, list[JSONDict]]:
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html_entities(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode in ("", "markdown"):
        return text, []
    raise _bad_request("unsupported parse_mode")


# --------------------------------------------------------------------------------------------
# Rate limits


class _SlidingWindow:
    """At most ``limit`` events within any ``span`` seconds (strict; no burst allowance)."""

    __slots__ = ("events", "limit", "span")

    def __init__(self, limit: int | None, span: float) -> None:
        self.limit = limit
        self.span = span
        self.events: collections.deque[float] = collections.deque()

    def trim(self, now: float) -> None:
        while self.events and self.events[0] <= now - self.span:
            self.events.popleft()

    def retry_after(self, now: float) -> int | None:
        """Seconds to wait if one more event now would exceed the limit, else None."""
        self.trim(now)
        if self.limit is None or len(self.events) < self.limit:
            return None
        return max(1, math.ceil(self.events[0] + self.span - now))

    def record(self, now: float) -> None:
        self.events.append(now)


class _TokenBucket:
    """``limit`` tokens refilled evenly over ``span`` seconds: bursts up to ``limit`` pass.

    The same model as aiolimiter's leaky bucket behind PTB's ``AIORateLimiter``.
    """

    __slots__ = ("last", "limit", "rate", "tokens")

    def __init__(self, limit: int | None, span: float) -> None:
        self.limit = limit
        self.rate = (limit or 0) / span
        self.tokens = float(limit or 0)
        self.last: float | None = None

    def retry_after(self, now: float) -> int | None:
        """Seconds until a token is available, or None if one is available now."""
        if self.limit is None:
            return None
        if self.last is not None:
            self.tokens = min(float(self.limit), self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1.0 - _BUCKET_SLACK:
            return None
        return max(1, math.ceil((1.0 - _BUCKET_SLACK - self.tokens) / self.rate))

    def record(self, now: float) -> None:
        self.tokens -= 1.0


# Connection set-up delays the first request of a burst more than later ones, so the server
# sees less time elapsed than the client did: forgive one request (about 33 ms at 30/s).
_BUCKET_SLACK = 1.0
_Limiter = _SlidingWindow | _TokenBucket


class _RateLimits:
    """Telegram's broadcast limits, as strict sliding windows or as token buckets."""

    def __init__(
        self,
        enforce: bool,
        algorithm: str,
        global_per_second: int | None,
        per_chat_per_second: int | None,
        per_group_per_minute: int | None,
        paid_per_second: int | None,
    ) -> None:
        if algorithm not in ("sliding_window", "token_bucket"):
            raise ValueError("limit_algorithm must be 'sliding_window' or 'token_bucket'")
        self.enforce = enforce
        self.kind: type[_SlidingWindow] | type[_TokenBucket] = (
            _SlidingWindow if algorithm == "sliding_window" else _TokenBucket
        )
        self.global_window: _Limiter = self.kind(global_per_second, 1.0)
        self.paid_window: _Limiter = self.kind(paid_per_second, 1.0)
        self.all_window = _SlidingWindow(None, 1.0)  # measures peak_per_second
        self.per_chat_per_second = per_chat_per_second
        self.per_group_per_minute = per_group_per_minute
        self.chat_windows: dict[int, _Limiter] = {}
        self.group_windows: dict[int, _Limiter] = {}
        self.peak = 0

    def admit(self, chat_id: int, is_group: bool, paid: bool, now: float) -> int | None:
        """Record one send, or return the retry_after seconds if it must be refused."""
        chat = self.chat_windows.get(chat_id)
        if chat is None:
            chat = self.chat_windows[chat_id] = self.kind(self.per_chat_per_second, 1.0)
        windows = [self.paid_window if paid else self.global_window, chat]
        if is_group:
            group = self.group_windows.get(chat_id)
            if group is None:
                group = self.group_windows[chat_id] = self.kind(self.per_group_per_minute, 60.0)
            windows.append(group)
        if self.enforce:
            waits = [w for w in (win.retry_after(now) for win in windows) if w is not None]
            if waits:
                return max(waits)
        for window in windows:
            window.record(now)
        self.all_window.trim(now)
        self.all_window.record(now)
        self.peak = max(self.peak, len(self.all_window.events))
        return None


@dataclass(slots=True)
class _Fault:
    kind: str  # "error", "drop" or "delay"
    count: int
    error: ApiError | None = None
    seconds: float = 0.0
    after_processing: bool = False


# --------------------------------------------------------------------------------------------
# The fake


class FakeTelegram:
    """A loopback Bot API server with recorded traffic, scripted updates and injected faults.

    Use as a context manager or call `start` / `stop`. All public methods are thread-safe and
    may be called while a bot is talking to the server.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "borderwatch_test_bot",
        bot_first_name: str = "Border Watch (test)",
        enforce_limits: bool = False,
        limit_algorithm: str = "sliding_window",
        global_per_second: int | None = 30,
        per_chat_per_second: int | None = 1,
        per_group_per_minute: int | None = 20,
        paid_per_second: int | None = 1000,
        latency: float = 0.0,
        strict_chats: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Configure the fake; nothing listens until `start`.

        ``enforce_limits`` turns on 429 answers. ``limit_algorithm`` is ``"sliding_window"``
        (strict: never more than N in any window) or ``"token_bucket"`` (bursts up to N, then
        N per window; this is how PTB's ``AIORateLimiter`` paces, and closer to Telegram's
        observed tolerance). A limit of None switches that limit off. ``allow_paid_broadcast``
        sends count against ``paid_per_second`` instead of ``global_per_second``.
        ``latency`` delays every reply (seconds) to imitate a network round trip.
        ``strict_chats`` makes unknown chats "chat not found" instead of inventing them.
        ``clock`` (seconds, monotonic) is what the rate limits count time by; a test that
        checks the limits themselves passes one it moves by hand, so a busy machine's
        scheduling cannot refill a bucket between two requests.
        """
        bot_id, sep, _ = token.partition(":")
        if not sep or not bot_id.isdigit():
            raise ValueError("token must look like '<digits>:<secret>'")
        self.token = token
        self.bot_user: JSONDict = {
            "id": int(bot_id),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.latency = latency
        self.strict_chats = strict_chats
        self._clock = clock
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._limits = _RateLimits(
            enforce_limits,
            limit_algorithm,
            global_per_second,
            per_chat_per_second,
            per_group_per_minute,
            paid_per_second,
        )
        self._server: LoopbackServer | None = None
        self._stopping = threading.Event()
        self._init_world()

    def _init_world(self) -> None:
        """The fake's world, empty: no updates, messages, chats, faults or records yet."""
        self._update_ids = itertools.count(100_000_001)
        self._callback_ids = itertools.count(7_000_000_000_001)
        self._updates: list[JSONDict] = []
        self._poll_generation = 0
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._last_message_id: dict[int, int] = {}
        self._chats: dict[int, JSONDict] = {}
        self._admins: dict[int, tuple[list[int], int | None]] = {}
        self._callbacks: set[str] = set()
        self._sent: list[SentMessage] = []
        self._edits: list[EditRecord] = []
        self._deleted: list[tuple[int, int]] = []
        self._callback_answers: list[JSONDict] = []
        self._requests: list[RecordedRequest] = []
        self._faults: dict[str, collections.deque[_Fault]] = collections.defaultdict(
            collections.deque
        )
        self._files: dict[str, bytes] = {}  # file_id -> bytes users uploaded
        self._blocked: dict[int, str] = {}
        self._missing: set[int] = set()
        self._migrated: dict[int, int] = {}
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._menu_buttons: dict[int | None, JSONDict] = {}
        self._webhook: JSONDict = {"url": ""}
        self._rejected_429 = 0
        self._per_chat: collections.Counter[int] = collections.Counter()
        self.errors: list[str] = []
        """Tracebacks of exceptions inside the fake itself (a bug in the fake, not the bot)."""

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> FakeTelegram:
        """Start listening on an ephemeral loopback port; returns self."""
        if self._server is not None:
            raise RuntimeError("FakeTelegram already started")
        self._server = LoopbackServer(_BotApiHandler, self)
        self._server.start("fake-telegram")
        return self

    def stop(self) -> None:
        """Stop the server, ending pending long polls; idempotent."""
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
        if self._server is not None:
            self._server.stop()

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        if exc_type is None and self.errors:
            raise RuntimeError("FakeTelegram crashed while serving:\n" + "\n".join(self.errors))

    @property
    def port(self) -> int:
        """The loopback port."""
        if self._server is None:
            raise RuntimeError("FakeTelegram not started")
        return self._server.port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:{port}/bot``: give it to PTB's ``base_url`` (PTB adds the token)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """``http://127.0.0.1:{port}/file/bot`` for PTB's ``base_file_url`` (see getFile)."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def api_url(self) -> str:
        """The full method prefix including the token, for raw HTTP clients."""
        return f"{self.base_url}{self.token}"

    @property
    def bot_id(self) -> int:
        """The bot's user id (the token's numeric part)."""
        return int(self.bot_user["id"])

    # ---------------------------------------------------------------- scripted updates

    def register_chat(
        self,
        chat_id: int,
        *,
        chat_type: str | None = None,
        title: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
        is_forum: bool | None = None,
    ) -> JSONDict:
        """Create or update a chat; returns its Chat object. Types default from the id's sign."""
        with self._lock:
            chat = dict(self._chat(chat_id, create=True))
            if chat_type is not None and chat_type != chat["type"]:
                chat = _default_chat(chat_id, chat_type)
            for key, value in (
                ("title", title),
                ("username", username),
                ("first_name", first_name),
                ("is_forum", is_forum),
            ):
                if value is not None:
                    chat[key] = value
            self._chats[chat_id] = chat
            return dict(chat)

    def user_says(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str | None = None,
        username: str | None = None,
        first_name: str = "Ani",
        language_code: str | None = "en",
        message_thread_id: int | None = None,
        is_topic: bool = False,
        reply_to_message_id: int | None = None,
    ) -> JSONDict:
        """Queue a ``message`` update from a user; ``/commands`` get bot_command entities.

        ``chat_type`` defaults to the known chat's type, else to what the id suggests
        (positive: private, ``-100…``: supergroup, other negative: group). In a private chat
        the user id defaults to the chat id, elsewhere to a fixed test user.
        Returns the Update (its ``["message"]["message_id"]`` is the new message's id).
        """
        with self._lock:
            chat = self._ensure_chat(chat_id, chat_type, is_forum=True if is_topic else None)
            uid = (
                user_id
                if user_id is not None
                else (chat_id if chat["type"] == "private" else DEFAULT_GROUP_USER_ID)
            )
            message = self._new_message(
                chat_id, sender=_user(uid, first_name, username, language_code)
            )
            message["text"] = text
            entities = _command_entities(text)
            if entities:
                message["entities"] = entities
            if message_thread_id is not None:
                message["message_thread_id"] = message_thread_id
                if is_topic:
                    message["is_topic_message"] = True
            if reply_to_message_id is not None:
                replied = self._messages.get((chat_id, reply_to_message_id))
                if replied is not None:
                    message["reply_to_message"] = _shallow(replied)
            self._store(message)
            return self._enqueue({"message": message})

    def user_sends_document(
        self,
        chat_id: int,
        data: bytes,
        *,
        file_name: str,
        caption: str | None = None,
        mime_type: str = "application/octet-stream",
        user_id: int | None = None,
        chat_type: str | None = None,
    ) -> JSONDict:
        """Queue a message carrying a document (downloadable through getFile); returns it."""
        with self._lock:
            chat = self._ensure_chat(chat_id, chat_type, is_forum=None)
            uid = user_id if user_id is not None else (
                chat_id if chat["type"] == "private" else DEFAULT_GROUP_USER_ID
            )
            message = self._new_message(chat_id, sender=_user(uid, "Ani", None, "en"))
            file_id = f"doc-{len(self._files) + 1}-{chat_id}"
            self._files[file_id] = bytes(data)
            message["document"] = {
                "file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name,
                "mime_type": mime_type, "file_size": len(data),
            }
            if caption is not None:
                message["caption"] = caption
                entities = _command_entities(caption)
                if entities:
                    message["caption_entities"] = entities
            self._store(message)
            return self._enqueue({"message": message})

    def add_channel_post(
        self,
        chat_id: int,
        text: str,
        *,
        username: str | None = None,
        title: str | None = None,
    ) -> JSONDict:
        """Queue a ``channel_post`` update in a channel (created if unknown); returns it."""
        with self._lock:
            chat = self._ensure_chat(chat_id, "channel")
            if username is not None or title is not None:
                chat = self.register_chat(chat_id, username=username, title=title)
            message = self._new_message(chat_id, sender=None)
            message["sender_chat"] = dict(chat)
            message["text"] = text
            self._store(message)
            return self._enqueue({"channel_post": message})

    def press_button(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        user_id: int | None = None,
        username: str | None = None,
        first_name: str = "Ani",
        language_code: str | None = "en",
    ) -> JSONDict:
        """Queue a ``callback_query`` for a button under a message; returns the Update.

        If the message is unknown (deleted, or sent before a restart) the query carries an
        inaccessible message (``date`` 0), as Telegram does.
        """
        with self._lock:
            chat = self._chat(chat_id, create=True)
            uid = (
                user_id
                if user_id is not None
                else (chat_id if chat["type"] == "private" else DEFAULT_GROUP_USER_ID)
            )
            stored = self._messages.get((chat_id, message_id))
            message = (
                _shallow(stored)
                if stored is not None
                else {"chat": dict(chat), "message_id": message_id, "date": 0}
            )
            query_id = str(next(self._callback_ids))
            self._callbacks.add(query_id)
            query = {
                "id": query_id,
                "from": _user(uid, first_name, username, language_code),
                "message": message,
                "chat_instance": str(abs(chat_id) * 7 + 13),
                "data": data,
            }
            return self._enqueue({"callback_query": query})

    def bot_status_changed(
        self,
        chat_id: int,
        new_status: str,
        *,
        old_status: str = "member",
        user_id: int | None = None,
        chat_type: str | None = None,
    ) -> JSONDict:
        """Queue a ``my_chat_member`` update (e.g. ``"kicked"`` when a user blocks the bot)."""
        with self._lock:
            chat = (
                self._ensure_chat(chat_id, chat_type)
                if chat_type
                else self._chat(chat_id, create=True)
            )
            uid = (
                user_id
                if user_id is not None
                else (chat_id if chat["type"] == "private" else DEFAULT_GROUP_USER_ID)
            )
            bot = dict(self.bot_user)
            update = {
                "chat": dict(chat),
                "from": _user(uid, "Ani", None, "en"),
                "date": int(time.time()),
                "old_chat_member": _member(bot, old_status),
                "new_chat_member": _member(bot, new_status),
            }
            return self._enqueue({"my_chat_member": update})

    def pending_updates(self) -> list[JSONDict]:
        """Updates queued and not yet confirmed by an offset."""
        with self._lock:
            return [dict(u) for u in self._updates]

    # ---------------------------------------------------------------- fault injection

    def block_chat(
        self, chat_id: int, description: str = "Forbidden: bot was blocked by the user"
    ) -> None:
        """Answer 403 to sends and edits for this chat (e.g. "user is deactivated")."""
        with self._lock:
            self._blocked[chat_id] = description

    def unblock_chat(self, chat_id: int) -> None:
        """Undo `block_chat`."""
        with self._lock:
            self._blocked.pop(chat_id, None)

    def chat_not_found(self, chat_id: int) -> None:
        """Answer 400 "chat not found" to every method addressing this chat."""
        with self._lock:
            self._missing.add(chat_id)

    def migrate(self, chat_id: int, new_chat_id: int) -> None:
        """Make a group "upgraded to a supergroup": 400 with ``migrate_to_chat_id``."""
        with self._lock:
            self._migrated[chat_id] = new_chat_id
            self._ensure_chat(new_chat_id, "supergroup")

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        retry_after: int | None = None,
        count: int = 1,
        *,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` with this error (``"*"``: any method)."""
        parameters: JSONDict = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        error = ApiError(status, description, parameters or None)
        self._add_fault(method, _Fault("error", count, error=error))

    def drop_next(self, method: str, count: int = 1, *, after_processing: bool = False) -> None:
        """Close the connection without a reply to the next ``count`` calls of ``method``.

        With ``after_processing`` the call takes effect first (the message is sent) and only
        the reply is lost, as when a timeout hits after Telegram accepted a message.
        """
        self._add_fault(method, _Fault("drop", count, after_processing=after_processing))

    def delay_next(self, method: str, seconds: float, count: int = 1) -> None:
        """Hold the reply to the next ``count`` calls of ``method`` (to provoke client timeouts)."""
        self._add_fault(method, _Fault("delay", count, seconds=seconds))

    def set_admins(
        self, chat_id: int, user_ids: Iterable[int], *, creator_id: int | None = None
    ) -> None:
        """Set who getChatMember / getChatAdministrators report as administrators (and owner)."""
        with self._lock:
            self._chat(chat_id, create=True)
            self._admins[chat_id] = (list(user_ids), creator_id)

    def _add_fault(self, method: str, fault: _Fault) -> None:
        if fault.count < 1:
            raise ValueError("count must be >= 1")
        with self._lock:
            self._faults[method.lower()].append(fault)

    # ---------------------------------------------------------------- inspection

    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        """Messages sent successfully, oldest first, optionally for one chat."""
        with self._lock:
            return [m for m in self._sent if chat_id is None or m.chat_id == chat_id]

    def edits(self, chat_id: int | None = None, message_id: int | None = None) -> list[EditRecord]:
        """Successful edits, oldest first, optionally filtered."""
        with self._lock:
            return [
                e
                for e in self._edits
                if (chat_id is None or e.chat_id == chat_id)
                and (message_id is None or e.message_id == message_id)
            ]

    @property
    def deleted(self) -> list[tuple[int, int]]:
        """``(chat_id, message_id)`` of messages deleted by the bot."""
        with self._lock:
            return list(self._deleted)

    @property
    def callback_answers(self) -> list[JSONDict]:
        """Parameters of every successful answerCallbackQuery."""
        with self._lock:
            return [dict(a) for a in self._callback_answers]

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request with the right token, as ``(method, params)``, oldest first."""
        with self._lock:
            return list(self._requests)

    def calls(self, method: str) -> list[JSONDict]:
        """Parameters of every call of ``method`` (case-insensitive), oldest first."""
        wanted = method.lower()
        with self._lock:
            return [r.params for r in self._requests if r.method.lower() == wanted]

    def commands(self, scope_type: str = "default", language_code: str = "") -> list[JSONDict]:
        """Commands last set with setMyCommands for a scope (by type) and language."""
        with self._lock:
            for (scope, lang), cmds in self._commands.items():
                if json.loads(scope).get("type") == scope_type and lang == language_code:
                    return [dict(c) for c in cmds]
            return []

    def message(self, chat_id: int, message_id: int) -> JSONDict | None:
        """The current state of a stored message (after edits), or None."""
        with self._lock:
            stored = self._messages.get((chat_id, message_id))
            return _shallow(stored) if stored is not None else None

    @property
    def stats(self) -> FakeStats:
        """A snapshot of sending counters."""
        with self._lock:
            return FakeStats(
                sent=len(self._sent),
                rejected_429=self._rejected_429,
                per_chat=dict(self._per_chat),
                peak_per_second=self._limits.peak,
                requests=len(self._requests),
            )

    def clear_records(self) -> None:
        """Forget recorded requests, sends, edits, deletions and counters (not chats/messages)."""
        with self._lock:
            self._sent.clear()
            self._edits.clear()
            self._deleted.clear()
            self._callback_answers.clear()
            self._requests.clear()
            self._rejected_429 = 0
            self._per_chat.clear()

    def await_sent(
        self, n: int, timeout: float = 5.0, *, chat_id: int | None = None
    ) -> list[SentMessage]:
        """Block the calling thread until ``n`` messages were sent; for non-async tests.

        Raises AssertionError listing what was sent if the deadline passes.
        """
        with self._cond:
            ok = self._cond.wait_for(lambda: len(self.sent(chat_id)) >= n, timeout)
            if not ok:
                raise AssertionError(self._timeout_message(n, chat_id, timeout))
            return self.sent(chat_id)

    async def wait_for_sent(
        self,
        n: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline argument is the point of it
        *,
        chat_id: int | None = None,
    ) -> list[SentMessage]:
        """Wait without blocking the event loop until ``n`` messages were sent; return them.

        Raises AssertionError listing what was sent if the deadline passes.
        """
        await self.wait_until(
            lambda fake: len(fake.sent(chat_id)) >= n,
            timeout,
            describe=lambda: self._timeout_message(n, chat_id, timeout),
        )
        return self.sent(chat_id)

    async def wait_until(
        self,
        predicate: Callable[[FakeTelegram], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        describe: Callable[[], str] | None = None,
        interval: float = 0.01,
    ) -> None:
        """Poll ``predicate(self)`` with ``asyncio.sleep`` until true; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while not predicate(self):
            if time.monotonic() >= deadline:
                raise AssertionError(
                    describe() if describe else f"condition not met within {timeout}s"
                )
            await asyncio.sleep(interval)

    async def wait_for_request(
        self,
        method: str,
        n: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[JSONDict]:
        """Wait until ``method`` was called ``n`` times; return the calls' parameters."""
        await self.wait_until(
            lambda fake: len(fake.calls(method)) >= n,
            timeout,
            describe=lambda: (
                f"{method} called {len(self.calls(method))} times, wanted {n}; "
                f"methods seen: {[r.method for r in self.requests]}"
            ),
        )
        return self.calls(method)

    def _timeout_message(self, n: int, chat_id: int | None, timeout: float) -> str:
        got = self.sent(chat_id)
        where = "" if chat_id is None else f" to chat {chat_id}"
        lines = [f"expected {n} sent messages{where} within {timeout}s, got {len(got)}:"]
        lines += [f"  {m.chat_id}: {(m.text or '')[:120]!r}" for m in got]
        attempts = sum(1 for r in self.requests if r.method.lower() in _SEND_METHODS)
        lines.append(f"send attempts (including refused ones): {attempts}")
        return "\n".join(lines)

    # ---------------------------------------------------------------- request handling

    def _handle(
        self, path: str, content_type: str, body: bytes
    ) -> tuple[int, JSONDict, _Fault | None]:
        """Answer one HTTP request: (status, JSON payload, a drop/delay fault to apply)."""
        split = urlsplit(path)
        match = re.fullmatch(r"/bot([^/]*)/([A-Za-z0-9_]+)/?", split.path)
        if match is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}, None
        token, method = match.groups()
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}, None
        try:
            params = _parse_params(split.query, content_type, body)
        except (ValueError, UnicodeDecodeError) as exc:
            return 400, _bad_request(f"can't parse request: {exc}").payload(), None
        key = method.lower()
        with self._cond:
            self._requests.append(RecordedRequest(method, params))
            fault = self._take_fault(key)
            self._cond.notify_all()
        if fault is not None and fault.kind == "error" and fault.error is not None:
            return fault.error.code, fault.error.payload(), None
        if fault is not None and fault.kind == "drop" and not fault.after_processing:
            return 0, {}, fault
        handler = getattr(self, f"_m_{key}", None)
        try:
            if handler is not None:
                result = handler(params)
            elif key in _NOOP_METHODS:
                self._check_chat(key, params)
                result = True
            else:
                raise ApiError(404, "Not Found: method not found")
        except ApiError as exc:
            return exc.code, exc.payload(), fault
        except Exception:
            self.errors.append(traceback.format_exc())
            error = ApiError(
                500, "Internal Server Error: the fake crashed (see FakeTelegram.errors)"
            )
            return 500, error.payload(), fault
        return 200, {"ok": True, "result": result}, fault

    def _take_fault(self, key: str) -> _Fault | None:
        for name in (key, "*"):
            queue = self._faults.get(name)
            if queue:
                fault = queue[0]
                fault.count -= 1
                if fault.count <= 0:
                    queue.popleft()
                return fault
        return None

    # ---------------------------------------------------------------- state helpers (locked)

    def _chat(self, chat_id: int, *, create: bool) -> JSONDict:
        chat = self._chats.get(chat_id)
        if chat is None:
            if not create and self.strict_chats:
                raise _bad_request("chat not found")
            chat = _default_chat(chat_id, None)
            self._chats[chat_id] = chat
        return chat

    def _ensure_chat(self, chat_id: int, chat_type: str | None, **extra: Any) -> JSONDict:
        chat = self._chats.get(chat_id)
        if chat is None or (chat_type is not None and chat["type"] != chat_type):
            chat = _default_chat(chat_id, chat_type)
        for key, value in extra.items():
            if value is not None:
                chat[key] = value
        self._chats[chat_id] = chat
        return chat

    def _resolve_chat_id(self, value: Any) -> int:
        if isinstance(value, bool) or value is None or value == "":
            raise _bad_request("chat_id is empty")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.startswith("@"):
            for chat_id, chat in self._chats.items():
                if chat.get("username", "").lower() == value[1:].lower():
                    return chat_id
        raise _bad_request("chat not found")

    def _check_chat(self, key: str, params: JSONDict) -> int | None:
        """Resolve chat_id and apply per-chat faults; None when the method has no chat."""
        if "chat_id" not in params:
            return None
        chat_id = self._resolve_chat_id(params["chat_id"])
        with self._lock:
            if chat_id in self._missing:
                raise _bad_request("chat not found")
            if chat_id in self._migrated:
                raise ApiError(
                    400,
                    "Bad Request: group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": self._migrated[chat_id]},
                )
            if chat_id in self._blocked and key.startswith(_BLOCKABLE_PREFIXES):
                raise ApiError(403, self._blocked[chat_id])
            self._chat(chat_id, create=False)
        return chat_id

    def _new_message(self, chat_id: int, *, sender: JSONDict | None) -> JSONDict:
        message_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = message_id
        message: JSONDict = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": dict(self._chat(chat_id, create=True)),
        }
        if sender is not None:
            message["from"] = sender
        return message

    def _store(self, message: JSONDict) -> None:
        self._messages[(message["chat"]["id"], message["message_id"])] = message

    def _enqueue(self, payload: JSONDict) -> JSONDict:
        with self._cond:
            update = {"update_id": next(self._update_ids), **payload}
            self._updates.append(update)
            self._cond.notify_all()
            return update

    def _admit_send(self, chat_id: int, paid: bool) -> None:
        chat = self._chat(chat_id, create=True)
        retry = self._limits.admit(
            chat_id, chat["type"] in ("group", "supergroup"), paid, self._clock()
        )
        if retry is not None:
            self._rejected_429 += 1
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})

    # ---------------------------------------------------------------- Bot API methods

    def _m_getfile(self, params: JSONDict) -> JSONDict:
        file_id = str(params.get("file_id", ""))
        if file_id not in self._files:
            raise _bad_request("invalid file_id")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}",
                "file_size": len(self._files[file_id]), "file_path": f"documents/{file_id}"}

    def file_bytes(self, path: str) -> bytes | None:
        """The bytes behind a file URL path (``/file/bot<token>/documents/<id>``), if any."""
        prefix = f"/file/bot{self.token}/documents/"
        path = unquote(path)  # clients may percent-encode the token's colon
        if not path.startswith(prefix):
            return None
        with self._lock:
            return self._files.get(path[len(prefix):])

    def _m_getme(self, params: JSONDict) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_getupdates(self, params: JSONDict) -> list[JSONDict]:
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates") or None
        deadline = time.monotonic() + timeout
        with self._cond:
            if self._webhook["url"]:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            elif offset < 0:
                self._updates = self._updates[offset:]
            self._poll_generation += 1
            generation = self._poll_generation
            self._cond.notify_all()
            while True:
                ready = [
                    u
                    for u in self._updates
                    if allowed is None or any(kind in u for kind in allowed)
                ]
                if ready or self._stopping.is_set():
                    return ready[:limit]
                if self._poll_generation != generation:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that "
                        "only one bot instance is running",
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                self._cond.wait(min(remaining, 0.25))

    def _m_setwebhook(self, params: JSONDict) -> bool:
        url = str(params.get("url") or "")
        with self._lock:
            self._webhook = {"url": url, "allowed_updates": params.get("allowed_updates")}
            if params.get("drop_pending_updates"):
                self._updates.clear()
        return True

    def _m_deletewebhook(self, params: JSONDict) -> bool:
        with self._lock:
            self._webhook = {"url": ""}
            if params.get("drop_pending_updates"):
                self._updates.clear()
        return True

    def _m_getwebhookinfo(self, params: JSONDict) -> JSONDict:
        with self._lock:
            info: JSONDict = {
                "url": self._webhook["url"],
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            if self._webhook.get("allowed_updates"):
                info["allowed_updates"] = self._webhook["allowed_updates"]
            return info

    def _m_setmycommands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad_request("commands must be a list of at most 100 BotCommand")
        for command in commands:
            name = str(command.get("command", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise _bad_request("command description is empty or too long")
        with self._lock:
            self._commands[_scope_key(params)] = [dict(c) for c in commands]
        return True

    def _m_deletemycommands(self, params: JSONDict) -> bool:
        with self._lock:
            self._commands.pop(_scope_key(params), None)
        return True

    def _m_getmycommands(self, params: JSONDict) -> list[JSONDict]:
        with self._lock:
            return [dict(c) for c in self._commands.get(_scope_key(params), [])]

    def _m_setchatmenubutton(self, params: JSONDict) -> bool:
        chat_id = self._check_chat("setchatmenubutton", params)
        with self._lock:
            self._menu_buttons[chat_id] = params.get("menu_button") or {"type": "default"}
        return True

    def _m_getchatmenubutton(self, params: JSONDict) -> JSONDict:
        chat_id = self._check_chat("getchatmenubutton", params)
        with self._lock:
            return dict(self._menu_buttons.get(chat_id) or {"type": "commands"})

    def _m_close(self, params: JSONDict) -> bool:
        return True

    def _m_logout(self, params: JSONDict) -> bool:
        return True

    def _m_sendmessage(self, params: JSONDict) -> JSONDict:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _bad_request("message text is empty")
        plain, entities = self._entities(params, text, "entities")
        if not plain.strip():
            raise _bad_request("message text is empty")
        if _utf16_len(plain) > MAX_MESSAGE_LENGTH:
            raise _bad_request("message is too long")
        return self._send("sendMessage", params, plain, entities, {"text": plain})

    def _m_sendphoto(self, params: JSONDict) -> JSONDict:
        photo = params.get("photo")
        if photo is None or photo == "":
            raise _bad_request("there is no photo in the request")
        media: JSONDict = {
            "photo": [
                _photo_size(photo, 90, 60, 1_500),
                _photo_size(photo, 1280, 853, photo.size if isinstance(photo, Upload) else 90_000),
            ]
        }
        return self._send_media("sendPhoto", params, media)

    def _m_senddocument(self, params: JSONDict) -> JSONDict:
        document = params.get("document")
        if document is None or document == "":
            raise _bad_request("there is no document in the request")
        name = document.filename if isinstance(document, Upload) else "document"
        media: JSONDict = {
            "document": {
                "file_id": _file_id(document),
                "file_unique_id": _file_id(document)[:16],
                "file_name": name,
                "mime_type": (
                    document.content_type
                    if isinstance(document, Upload)
                    else "application/octet-stream"
                ),
                "file_size": document.size if isinstance(document, Upload) else 1024,
            }
        }
        return self._send_media("sendDocument", params, media)

    def _send_media(self, method: str, params: JSONDict, media: JSONDict) -> JSONDict:
        caption = params.get("caption")
        plain: str = ""
        entities: list[JSONDict] = []
        if isinstance(caption, str) and caption:
            plain, entities = self._entities(params, caption, "caption_entities")
            if _utf16_len(plain) > MAX_CAPTION_LENGTH:
                raise _bad_request("message caption is too long")
            media["caption"] = plain
        return self._send(
            method, params, plain or None, entities, media, entity_key="caption_entities"
        )

    def _entities(
        self, params: JSONDict, text: str, entities_key: str
    ) -> tuple[str, list[JSONDict]]:
        given = params.get(entities_key)
        if isinstance(given, list):
            return text, [dict(e) for e in given]
        return _parse_text(text, params.get("parse_mode"))

    def _send(
        self,
        method: str,
        params: JSONDict,
        plain: str | None,
        entities: list[JSONDict],
        content: JSONDict,
        *,
        entity_key: str = "entities",
    ) -> JSONDict:
        key = method.lower()
        chat_id = self._check_chat(key, params)
        if chat_id is None:
            raise _bad_request("chat_id is empty")
        markup = params.get("reply_markup")
        _validate_markup(markup)
        reply_params = params.get("reply_parameters") or {}
        reply_to = params.get("reply_to_message_id") or reply_params.get("message_id")
        allow_without = bool(
            params.get("allow_sending_without_reply")
            or reply_params.get("allow_sending_without_reply")
        )
        thread_id = params.get("message_thread_id")
        paid = bool(params.get("allow_paid_broadcast"))
        with self._cond:
            replied = self._messages.get((chat_id, int(reply_to))) if reply_to else None
            if reply_to and replied is None and not allow_without:
                raise _bad_request("message to be replied not found")
            self._admit_send(chat_id, paid)
            sender = (
                None
                if self._chat(chat_id, create=True)["type"] == "channel"
                else dict(self.bot_user)
            )
            message = self._new_message(chat_id, sender=sender)
            if sender is None:
                message["sender_chat"] = dict(message["chat"])
            message.update(content)
            if entities:
                message[entity_key] = entities
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                message["reply_markup"] = markup
            if replied is not None:
                message["reply_to_message"] = _shallow(replied)
            if thread_id is not None and message["chat"].get("is_forum"):
                message["message_thread_id"] = int(thread_id)
                message["is_topic_message"] = True
            if isinstance(params.get("link_preview_options"), dict):
                message["link_preview_options"] = params["link_preview_options"]
            self._store(message)
            photo = params.get("photo")
            document = params.get("document")
            record = SentMessage(
                method=method,
                chat_id=chat_id,
                message_id=message["message_id"],
                text=params.get("text") if key == "sendmessage" else params.get("caption"),
                parse_mode=params.get("parse_mode"),
                reply_markup=markup if isinstance(markup, dict) else None,
                reply_to_message_id=int(reply_to) if reply_to else None,
                message_thread_id=int(thread_id) if thread_id is not None else None,
                link_preview_options=params.get("link_preview_options"),
                disable_notification=bool(params.get("disable_notification")),
                allow_paid_broadcast=paid,
                plain_text=plain,
                entities=tuple(entities),
                photo=photo if isinstance(photo, str) else None,
                photo_size=photo.size if isinstance(photo, Upload) else None,
                document_name=document.filename if isinstance(document, Upload) else None,
                at=time.monotonic(),
                params=params,
            )
            self._sent.append(record)
            self._per_chat[chat_id] += 1
            self._cond.notify_all()
            return _shallow(message)

    def _edit_target(self, key: str, params: JSONDict) -> tuple[int | None, JSONDict | None]:
        if params.get("inline_message_id"):
            return None, None
        chat_id = self._check_chat(key, params)
        message_id = params.get("message_id")
        if chat_id is None or message_id is None:
            raise _bad_request("message identifier is not specified")
        with self._lock:
            message = self._messages.get((chat_id, int(message_id)))
            if message is None:
                raise _bad_request("message to edit not found")
            if message.get("from", {}).get("id") != self.bot_id and "sender_chat" not in message:
                raise _bad_request("message can't be edited")
            return chat_id, message

    def _m_editmessagetext(self, params: JSONDict) -> JSONDict | bool:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _bad_request("message text is empty")
        plain, entities = self._entities(params, text, "entities")
        if _utf16_len(plain) > MAX_MESSAGE_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG")
        markup = params.get("reply_markup")
        _validate_markup(markup)
        chat_id, message = self._edit_target("editmessagetext", params)
        return self._apply_edit(
            "editMessageText", params, chat_id, message, plain, entities, markup, text=True
        )

    def _m_editmessagereplymarkup(self, params: JSONDict) -> JSONDict | bool:
        markup = params.get("reply_markup")
        _validate_markup(markup)
        chat_id, message = self._edit_target("editmessagereplymarkup", params)
        return self._apply_edit(
            "editMessageReplyMarkup", params, chat_id, message, None, [], markup, text=False
        )

    def _apply_edit(
        self,
        method: str,
        params: JSONDict,
        chat_id: int | None,
        message: JSONDict | None,
        plain: str | None,
        entities: list[JSONDict],
        markup: Any,
        *,
        text: bool,
    ) -> JSONDict | bool:
        inline_markup = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
        with self._cond:
            if message is not None:
                new_text = plain if text else message.get("text")
                new_entities = entities if text else message.get("entities", [])
                same = (
                    new_text == message.get("text")
                    and (new_entities or []) == message.get("entities", [])
                    and _markup_rows(inline_markup) == _markup_rows(message.get("reply_markup"))
                )
                if same:
                    raise _bad_request(
                        "message is not modified: specified new message content and reply "
                        "markup are exactly the same as a current content and reply markup "
                        "of the message"
                    )
                if text:
                    message["text"] = plain
                    if entities:
                        message["entities"] = entities
                    else:
                        message.pop("entities", None)
                if inline_markup is not None and _markup_rows(inline_markup):
                    message["reply_markup"] = inline_markup
                else:
                    message.pop("reply_markup", None)
                message["edit_date"] = int(time.time())
            self._edits.append(
                EditRecord(
                    method=method,
                    chat_id=chat_id,
                    message_id=int(params["message_id"]) if message is not None else None,
                    inline_message_id=params.get("inline_message_id"),
                    text=params.get("text"),
                    parse_mode=params.get("parse_mode"),
                    reply_markup=markup if isinstance(markup, dict) else None,
                    plain_text=plain,
                    at=time.monotonic(),
                )
            )
            self._cond.notify_all()
            return _shallow(message) if message is not None else True

    def _m_deletemessage(self, params: JSONDict) -> bool:
        chat_id = self._check_chat("deletemessage", params)
        message_id = params.get("message_id")
        if chat_id is None or message_id is None:
            raise _bad_request("message identifier is not specified")
        with self._cond:
            if self._messages.pop((chat_id, int(message_id)), None) is None:
                raise _bad_request("message to delete not found")
            self._deleted.append((chat_id, int(message_id)))
            self._cond.notify_all()
        return True

    def _m_answercallbackquery(self, params: JSONDict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        with self._cond:
            if query_id not in self._callbacks:
                raise _bad_request(
                    "query is too old and response timeout expired or query ID is invalid"
                )
            text = params.get("text")
            if isinstance(text, str) and len(text) > 200:
                raise _bad_request("MESSAGE_TOO_LONG")
            self._callback_answers.append(dict(params))
            self._cond.notify_all()
        return True

    def _m_getchat(self, params: JSONDict) -> JSONDict:
        chat_id = self._check_chat("getchat", params)
        if chat_id is None:
            raise _bad_request("chat_id is empty")
        with self._lock:
            chat = dict(self._chat(chat_id, create=True))
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _m_getchatmember(self, params: JSONDict) -> JSONDict:
        chat_id = self._check_chat("getchatmember", params)
        if chat_id is None:
            raise _bad_request("chat_id is empty")
        user_id = params.get("user_id")
        if not isinstance(user_id, int):
            raise _bad_request("invalid user_id specified")
        with self._lock:
            chat = self._chat(chat_id, create=True)
            admins, creator = self._admins.get(chat_id, ([], None))
        user = dict(self.bot_user) if user_id == self.bot_id else _user(user_id, "Ani", None, None)
        if chat["type"] != "private" and user_id == creator:
            return _member(user, "creator")
        if chat["type"] != "private" and user_id in admins:
            return _member(user, "administrator")
        return _member(user, "member")

    def _m_getchatadministrators(self, params: JSONDict) -> list[JSONDict]:
        chat_id = self._check_chat("getchatadministrators", params)
        if chat_id is None:
            raise _bad_request("chat_id is empty")
        with self._lock:
            chat = self._chat(chat_id, create=True)
            admins, creator = self._admins.get(chat_id, ([], None))
        if chat["type"] == "private":
            raise _bad_request("there are no administrators in the private chat")
        members = []
        if creator is not None:
            members.append(_member(_user(creator, "Owner", None, None), "creator"))
        for uid in admins:
            if uid != creator:
                user = (
                    dict(self.bot_user) if uid == self.bot_id else _user(uid, "Admin", None, None)
                )
                members.append(_member(user, "administrator"))
        return members


# --------------------------------------------------------------------------------------------
# Object builders and parsing helpers


def _default_chat(chat_id: int, chat_type: str | None) -> JSONDict:
    if chat_type is None:
        if chat_id > 0:
            chat_type = "private"
        elif str(chat_id).startswith("-100"):
            chat_type = "supergroup"
        else:
            chat_type = "group"
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": "Ani", "username": f"user{chat_id}"}
    chat: JSONDict = {"id": chat_id, "type": chat_type, "title": f"Test {chat_type} {chat_id}"}
    if chat_type == "channel":
        chat["username"] = f"channel{abs(chat_id)}"
    return chat


def _user(
    user_id: int, first_name: str, username: str | None, language_code: str | None
) -> JSONDict:
    user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


_ADMIN_RIGHTS = (
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
    "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
    "can_delete_stories", "can_pin_messages",
)  # fmt: skip


def _member(user: JSONDict, status: str) -> JSONDict:
    member: JSONDict = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update({right: True for right in _ADMIN_RIGHTS})
        member.update({"can_be_edited": False, "is_anonymous": False, "can_promote_members": False})
    elif status == "kicked":
        member["until_date"] = 0
    return member


def command_update(update_id: int, text: str, chat_id: int) -> JSONDict:
    """A Bot API update carrying `text` from a user's private chat, as a webhook receives it
    (commands get their bot_command entities)."""
    message: JSONDict = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private", "first_name": "Ani"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Ani", "language_code": "en"},
        "text": text,
    }
    entities = _command_entities(text)
    if entities:
        message["entities"] = entities
    return {"update_id": update_id, "message": message}


def _command_entities(text: str) -> list[JSONDict]:
    entities = []
    for match in re.finditer(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?", text):
        offset = _utf16_len(text[: match.start()])
        entities.append(
            {"type": "bot_command", "offset": offset, "length": _utf16_len(match.group())}
        )
    return entities


def _shallow(message: JSONDict) -> JSONDict:
    """A copy safe to serialise: nested replies are not nested again."""
    copy = dict(message)
    if "reply_to_message" in copy:
        inner = dict(copy["reply_to_message"])
        inner.pop("reply_to_message", None)
        copy["reply_to_message"] = inner
    return copy


def _scope_key(params: JSONDict) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")


def _file_id(value: Any) -> str:
    seed = value.size if isinstance(value, Upload) else zlib.crc32(str(value).encode())
    return f"AgACAgIAAxkBAAI{seed:012d}fake"


def _photo_size(photo: Any, width: int, height: int, size: int) -> JSONDict:
    file_id = _file_id(photo) + f"_{width}"
    return {
        "file_id": file_id,
        "file_unique_id": file_id[-16:],
        "width": width,
        "height": height,
        "file_size": size,
    }


def _markup_rows(markup: Any) -> list[Any]:
    if isinstance(markup, dict):
        return list(markup.get("inline_keyboard") or [])
    return []


def _validate_markup(markup: Any) -> None:
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            if not str(button.get("text", "")).strip():
                raise _bad_request("BUTTON_TEXT_INVALID")
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not 1 <= size <= 64:
                    raise _bad_request("BUTTON_DATA_INVALID")
            if "url" in button:
                url = str(button["url"])
                if not re.match(r"^(https?|tg)://\S+$", url, re.I):
                    raise _bad_request(
                        f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL"
                    )


def _coerce(key: str, value: str) -> Any:
    if key in _INT_KEYS and re.fullmatch(r"-?\d+", value):
        return int(value)
    if key in _BOOL_KEYS and value in ("true", "false", "True", "False"):
        return value.lower() == "true"
    if key in _JSON_KEYS and value[:1] in ("{", "["):
        return json.loads(value)
    return value


def _parse_params(query: str, content_type: str, body: bytes) -> JSONDict:
    params: JSONDict = {k: _coerce(k, v) for k, v in parse_qsl(query, keep_blank_values=True)}
    mime = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return params
    if mime == "application/json":
        data = json.loads(body.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("JSON body must be an object")
        for key, value in data.items():
            params[key] = _coerce(key, value) if isinstance(value, str) else value
    elif mime == "application/x-www-form-urlencoded":
        for key, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
            params[key] = _coerce(key, value)
    elif mime == "multipart/form-data":
        fields, files = _parse_multipart(content_type, body)
        for key, value in fields.items():
            params[key] = _coerce(key, value)
        for key, upload in files.items():
            params[key] = upload
        for key, value in list(params.items()):  # resolve attach://name references
            if isinstance(value, str) and value.startswith("attach://"):
                params[key] = files.get(value[len("attach://") :], value)
    else:
        raise ValueError(f"unsupported Content-Type {mime!r}")
    return params


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, Upload]]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise ValueError("malformed multipart body")
    fields: dict[str, str] = {}
    files: dict[str, Upload] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            fields[name] = data.decode("utf-8")
        else:
            files[name] = Upload(filename, part.get_content_type(), data)
    return fields, files


class _BotApiHandler(QuietHandler):
    """HTTP front of `FakeTelegram`: parse, delegate, serialise."""

    def do_POST(self) -> None:
        """Handle a Bot API call."""
        self._dispatch()

    def do_GET(self) -> None:
        """Handle a Bot API call with query-string parameters, or a file download."""
        if self.path.startswith("/file/bot"):
            fake: FakeTelegram = self.server.owner
            data = fake.file_bytes(self.path)
            if data is None:
                self.send_bytes(404, b'{"ok":false,"error_code":404,"description":"Not Found"}',
                                "application/json")
            else:
                self.send_bytes(200, data, "application/octet-stream")
            return
        self._dispatch()

    def _dispatch(self) -> None:
        fake: FakeTelegram = self.server.owner
        body = self.read_body()
        status, payload, fault = fake._handle(self.path, self.headers.get("Content-Type", ""), body)
        delay = fake.latency + (fault.seconds if fault is not None and fault.kind == "delay" else 0)
        if delay and fake._stopping.wait(delay):
            self.close_connection = True
            return
        if fault is not None and fault.kind == "drop":
            self.close_connection = True  # no reply at all: the client sees a disconnect
            return
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_bytes(status, data, "application/json")
