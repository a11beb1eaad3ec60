"""What is new in a fetched body: pure functions, no I/O.

Most polls of a changed feed bring a few new items among many known ones. A source's last
ingested body is remembered as its digest and its items' digests (`Seen`): an identical body
is a 304 too (many feeds send neither ETag nor Last-Modified), and items whose bytes the last
body already had are not parsed again. A channel's preview page changes at every poll (view
counters), so its posts are known by id instead.

New items are parsed in chunks of `PARSE_CHUNK_ITEMS` (`parse.split_feed` cuts a well-formed
feed into items that parse alone exactly as in the whole feed): a first poll of thousands of
items never builds feedparser's structures for all of them at once, which would leave the
garbage collector a long pause to make (it holds every thread, the event loop's included).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from bot.ingest.parse import FeedEntry, FeedLayout, parse_feed, split_feed
from bot.ingest.telegram import parse_channel

__all__ = ["PARSE_CHUNK_ITEMS", "Seen", "digest", "new_entries", "parse_items"]

PARSE_CHUNK_ITEMS = 200


@dataclass(frozen=True, slots=True)
class Seen:
    """What a source's last ingested body held: its digest and its items' digests."""

    body: bytes
    items: frozenset[bytes]


def digest(data: bytes) -> bytes:
    """A short digest of a body or an item's bytes."""
    return hashlib.blake2b(data, digest_size=16).digest()


def new_entries(
    body: bytes, before: Seen | None, *, url: str, content_type: str | None,
    channel: str | None = None, had_posts: bool = False,
) -> tuple[list[FeedEntry], Seen | None]:
    """The entries of `body` not in the body remembered as `before`, and what to remember.

    `channel`: the body is that channel's preview page (`had_posts`: earlier pages had
    posts). None to remember is returned when the body is the one `before` remembers.
    Raises `FeedParseError` for a body that is not a feed (or not a channel page).
    """
    body_digest = digest(body)
    if before is not None and before.body == body_digest:
        return [], None
    known = before.items if before is not None else frozenset()
    if channel is not None:
        page = parse_channel(body, channel=channel, had_posts=had_posts)
        keys = frozenset(e.dedupe_key.encode() for e in page.entries)
        return [e for e in page.entries if e.dedupe_key.encode() not in known], Seen(
            body_digest, keys
        )
    layout = split_feed(body)
    if layout is None:  # not well-formed for the quick reader: feedparser reads it all
        entries = parse_feed(body, url=url, content_type=content_type)
        return entries, Seen(body_digest, frozenset())
    digests = [digest(item) for item in layout.items]
    fresh = [item for item, d in zip(layout.items, digests, strict=True) if d not in known]
    entries = parse_items(layout, fresh, url=url, content_type=content_type) if fresh else []
    return entries, Seen(body_digest, frozenset(digests))


def parse_items(
    layout: FeedLayout, items: Sequence[bytes], *, url: str, content_type: str | None,
    chunk: int = PARSE_CHUNK_ITEMS,
) -> list[FeedEntry]:
    """The entries of `items` (cut from `layout`), parsed `chunk` items at a time.

    The same entries, in the same order, as parsing the feed of all `items` at once: an
    entry whose dedupe key an earlier one had is dropped, as `parse_feed` drops it.
    """
    entries: list[FeedEntry] = []
    keys: set[str] = set()
    for start in range(0, len(items), chunk):
        part = layout.body(items[start : start + chunk])
        for entry in parse_feed(part, url=url, content_type=content_type):
            if entry.dedupe_key not in keys:
                keys.add(entry.dedupe_key)
                entries.append(entry)
    return entries
