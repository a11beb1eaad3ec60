"""Feed bytes to normalised entries: pure functions, no I/O.

feedparser does the parsing (RSS 0.9x/1.0/2.0, Atom, encodings, CDATA, relative links);
this module turns its output into `FeedEntry` values the rest of the bot can trust: plain
text without HTML, titles without control characters, UTC dates (or None), absolute
http(s) links only, and a stable per-source dedupe key even for feeds that repeat one guid
on every item.
"""

from __future__ import annotations

import calendar
import email.utils
import hashlib
import html
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from xml.parsers import expat

import feedparser
import nh3

from bot.exceptions import FeedParseError

__all__ = [
    "FeedEntry",
    "FeedLayout",
    "clean_text",
    "declares_entities",
    "normalize_url",
    "parse_feed",
    "split_feed",
]

MAX_TITLE = 500
MAX_SUMMARY = 2000
# Dates further ahead than this are a feed's clock or time-zone bug, not news from the future.
_FUTURE_SLACK = timedelta(hours=26)
# C0/C1 controls, the bidi marks and overrides that can make a title display as something
# else (the Arabic letter mark U+061C among them), and invisible joiners (word joiner U+2060,
# the byte order mark U+FEFF used as a zero-width no-break space).
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069"
    r"\ufeff]"
)
_SPACES = re.compile(r"\s+")
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|yclid|mc_cid|mc_eid|ref|from|_ga)$", re.I)
_HTMLISH = re.compile(rb"^\s*(<!doctype\s+html|<html)", re.I)
_ITEMS = frozenset({"item", "entry"})  # RSS 0.9x/1.0/2.0 and Atom
_GUIDS = frozenset({"guid", "id"})
_END_TAG = re.compile(rb"</([^\s>]+)\s*>")
# "<!ENTITY" in every encoding feedparser reads a document in: ASCII-compatible ones, UTF-16
# and UTF-32 either way round, and EBCDIC. A feed has no use for declared entities, and an
# expanding one ("billion laughs": one 10 KB entity referenced 20,000 times) costs seconds
# and gigabytes inside the parser, beyond any byte cap on the body.
_ENTITY_DECLARATIONS = tuple(
    "<!ENTITY".encode(codec)
    for codec in ("ascii", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp037")
)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One normalised feed entry."""

    dedupe_key: str  # stable within its source
    title: str
    summary: str
    url: str | None  # absolute http(s) or None
    url_norm: str | None  # for cross-source deduplication
    published: datetime | None  # UTC; None when the feed gives no usable date
    guid: str | None
    forwarded_from: str | None = None  # a channel post reposted from elsewhere: whose it was


@dataclass(frozen=True, slots=True)
class FeedLayout:
    """A well-formed feed cut into the bytes of its items, to parse some of them alone."""

    head: bytes  # everything before the first item
    items: tuple[bytes, ...]
    tail: bytes  # everything after the last item

    def body(self, items: Sequence[bytes]) -> bytes:
        """The feed with only `items`: same channel, same encoding, still well-formed."""
        return self.head + b"".join(items) + self.tail


def split_feed(body: bytes) -> FeedLayout | None:
    """Cut a feed into items with expat, or None to leave it to feedparser whole.

    None for what expat cannot read (malformed XML; multi-byte encodings other than UTF-8,
    while single-byte ones such as windows-1251 it reads), for UTF-16, for documents that
    declare entities, for feeds without items or with anything but white space between
    items, and for feeds that repeat a guid: `parse_feed` keys such items by link, which it
    can decide only seeing them all. Otherwise an item parsed alone gets the entry, dedupe
    key included, that it gets in the whole feed. The cut is exact: an item's bytes run from
    its start tag to its end tag.
    """
    if declares_entities(body) or body[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in body[:4]:
        return None
    cutter = _ItemCutter(body)
    try:
        cutter.parser.Parse(body, True)
    except (expat.ExpatError, ValueError, LookupError):
        return None  # LookupError: a declared encoding Python does not know; feedparser copes
    spans = cutter.spans
    if not spans or any(count > 1 for count in cutter.guids.values()):
        return None
    if any(body[a:b].strip() for (_, a), (b, _) in pairwise(spans)):
        return None  # channel elements between items (a link that bases relative ones)
    return FeedLayout(
        head=body[: spans[0][0]],
        items=tuple(body[a:b] for a, b in spans),
        tail=body[spans[-1][1] :],
    )


class _ItemCutter:
    """expat handlers noting each item's byte span and counting the items' guids."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.spans: list[tuple[int, int]] = []
        self.guids: Counter[str] = Counter()
        self.depth = self.item_depth = self.item_start = 0
        self.guid: list[str] | None = None  # the text of the guid being read

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        local = name.rpartition(":")[2]
        if not self.item_depth:
            # rss > channel > item, rdf:RDF > item, feed > entry
            if local in _ITEMS and self.depth <= 3:
                self.item_depth, self.item_start = self.depth, self.parser.CurrentByteIndex
        elif self.depth == self.item_depth + 1 and local in _GUIDS:
            self.guid = []

    def end(self, name: str) -> None:
        if self.guid is not None and self.depth == self.item_depth + 1:
            if text := "".join(self.guid).strip():
                self.guids[text] += 1
            self.guid = None
        elif self.item_depth and self.depth == self.item_depth:
            end_tag = _END_TAG.match(self.body, self.parser.CurrentByteIndex)
            if end_tag is None or end_tag[1] != name.encode():
                raise ValueError("an empty item element")  # <item/>: no end tag to cut at
            self.spans.append((self.item_start, end_tag.end()))
            self.item_depth = 0
        self.depth -= 1

    def text(self, data: str) -> None:
        if self.guid is not None:
            self.guid.append(data)


def declares_entities(body: bytes) -> bool:
    """Whether the document declares XML entities (which `parse_feed` refuses)."""
    return any(marker in body for marker in _ENTITY_DECLARATIONS)


def clean_text(raw: str | None, *, limit: int) -> str:
    """HTML to one line of plain text, entities decoded, control characters removed."""
    if not raw:
        return ""
    # nh3 drops every tag (and <script>/<style> with their content) and keeps the text.
    text = nh3.clean(raw, tags=set())
    # Entities can arrive escaped twice (`&amp;nbsp;` inside CDATA): decode until stable.
    for _ in range(3):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    if len(text) > limit:
        cut = text[:limit].rsplit(" ", 1)[0]
        text = (cut or text[:limit]) + "…"
    return text


def normalize_url(url: str | None) -> str | None:
    """A canonical form for comparing links across sources (not for display)."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.").removeprefix("m.")
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
               if not _TRACKING.match(k))
    )
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/") or "/"
    port = f":{parts.port}" if parts.port and parts.port not in {80, 443} else ""
    return urlunsplit(("https", host + port, path, query, ""))


def _absolute_link(link: str | None, base: str) -> str | None:
    if not link:
        return None
    link = link.strip()
    if link.startswith("//"):
        link = "https:" + link
    absolute = urljoin(base, link)
    parts = urlsplit(absolute)
    # Only web links survive: javascript:, data:, mailto: and friends are dropped.
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    return absolute


def _raw_date(text: str) -> datetime | None:
    """Dates feedparser gave up on, such as RFC 822 without a zone (read as UTC)."""
    try:
        value = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _entry_date(entry: Any, now: datetime) -> datetime | None:
    value: datetime | None = None
    for key in ("published", "updated", "created"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            try:
                value = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
            except (OverflowError, ValueError, OSError):
                continue
        elif isinstance(entry.get(key), str):
            value = _raw_date(entry[key])
        if value is not None:
            break
    if value is None or value > now + _FUTURE_SLACK or value.year < 1990:
        return None
    return value


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:40]


def parse_feed(
    body: bytes,
    *,
    url: str,
    content_type: str | None = None,
    now: datetime | None = None,
) -> list[FeedEntry]:
    """Parse a feed body fetched from `url`.

    Raises `FeedParseError` for what is not a feed: an empty body, an HTML page (a
    Cloudflare challenge answers 200 with HTML), or XML so broken that nothing was read.
    """
    now = now or datetime.now(UTC)
    _refuse_non_feed(body)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo") and not parsed.get("version"):
            reason = parsed.get("bozo_exception")
            raise FeedParseError(f"not a feed: {type(reason).__name__}: {reason}"[:300])
        if not parsed.get("version"):
            raise FeedParseError("no feed found in the body")
        return []
    base = urljoin(url, parsed.get("feed", {}).get("link") or url)
    guids = Counter(e.get("id") for e in entries if e.get("id"))
    out: list[FeedEntry] = []
    seen: set[str] = set()
    for entry in entries:
        item = _entry(entry, base=base, guids=guids, now=now)
        if item is not None and item.dedupe_key not in seen:
            seen.add(item.dedupe_key)
            out.append(item)
    return out


def _refuse_non_feed(body: bytes) -> None:
    """`FeedParseError` for an empty body, an HTML page or a document declaring entities."""
    if not body.strip():
        raise FeedParseError("empty body")
    if _HTMLISH.match(body[:512]):
        raise FeedParseError("HTML page instead of a feed")
    if declares_entities(body):
        raise FeedParseError("refused: the document declares XML entities (entity expansion)")


def _entry(entry: Any, *, base: str, guids: Counter[Any], now: datetime) -> FeedEntry | None:
    """One feedparser entry as a `FeedEntry`; None when it has neither title nor text."""
    title = clean_text(entry.get("title"), limit=MAX_TITLE)
    summary_raw = entry.get("summary") or ""
    if not summary_raw and entry.get("content"):
        summary_raw = entry["content"][0].get("value", "")
    summary = clean_text(summary_raw, limit=MAX_SUMMARY)
    if not title and not summary:
        return None
    if not title:
        title = summary[:120]
    link = _absolute_link(entry.get("link"), base)
    guid = entry.get("id") or None
    # A guid repeated on several items (one site puts the same one on all) identifies
    # nothing; fall back to the link, then to the text.
    unique = guid if guid and guids[guid] == 1 else None
    if unique:
        key = _digest("guid", unique)
    elif link:
        key = _digest("link", normalize_url(link) or link)
    else:
        key = _digest("text", title, summary[:200])
    return FeedEntry(
        dedupe_key=key,
        title=title,
        summary=summary,
        url=link,
        url_norm=normalize_url(link),
        published=_entry_date(entry, now),
        guid=unique,
    )
