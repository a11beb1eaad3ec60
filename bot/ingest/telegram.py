"""Public Telegram channels, read through their web preview: pure functions, no I/O.

A channel's preview (`https://t.me/s/<name>`) is the page anyone sees without an account: the
latest ~20 posts, each a `div.tgme_widget_message` with `data-post="<name>/<id>"`. The markup,
as RSSHub's Telegram route and similar readers rely on it::

    section.tgme_channel_history
      div.tgme_widget_message_wrap
        div.tgme_widget_message[data-post="mod_armenia/1234"]      (+ .service_message)
          div.tgme_widget_message_bubble
            div.tgme_widget_message_forwarded_from                 a repost
              a.tgme_widget_message_forwarded_from_name
            div.tgme_widget_message_grouped_wrap                   an album: one post
            div.tgme_widget_message_text                           the text, or a caption
            span.tgme_widget_message_meta
              span.tgme_widget_message_edited                      "edited"
              a.tgme_widget_message_date[href] > time[datetime]

Posts become `FeedEntry` values like feed items: the post's own link
(`https://t.me/<name>/<id>`), its time, its text with links written out ("label (url)") and
no markup, and who it was forwarded from. The dedupe key is the post's id, so an edited post
is the same item and never alerts again; a post deleted from the channel simply stops
appearing, and its stored item stays. Posts without words (a photo without caption, a
sticker) and service messages (pinned, photo changed) give no entry.

A page that is not a channel preview raises `FeedParseError`, and so does one whose message
blocks no longer read (Telegram changed the markup). A page with a channel header and no
posts is an empty channel; the poller decides whether that is plausible for the source.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.exceptions import ChannelLayoutError, FeedParseError
from bot.ingest.parse import MAX_SUMMARY, MAX_TITLE, FeedEntry, clean_text, normalize_url

__all__ = [
    "CANONICAL_BASE",
    "ChannelPage",
    "channel_name",
    "channel_of",
    "channel_url",
    "parse_channel",
    "preview_url",
]

# Where users open a post, whatever server the bot reads the previews from.
CANONICAL_BASE: Final = "https://t.me"
# Telegram usernames: a letter, then letters, digits and underscores, 5-32 in all (a few
# old ones are shorter, hence 4).
_NAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_HOSTS: Final = frozenset({"t.me", "telegram.me", "www.t.me", "www.telegram.me"})
_RESERVED: Final = frozenset({"s", "c", "joinchat", "addstickers", "share", "proxy", "iv"})
_FUTURE_SLACK: Final = timedelta(hours=26)
_TITLE_CHARS: Final = 200

# The post's own text, not the quoted text of the post it replies to.
_TEXT = (
    ".tgme_widget_message_bubble > .tgme_widget_message_text, "
    ".media_supported_cont > .tgme_widget_message_text"
)


@dataclass(frozen=True, slots=True)
class ChannelPage:
    """What a channel's preview page shows: its title and its readable posts, oldest first."""

    title: str | None
    entries: tuple[FeedEntry, ...]
    blocks: int  # message blocks on the page, readable or not (service messages included)


def channel_name(value: str) -> str | None:
    """The channel's username from `name`, `@name`, `t.me/name` or `https://t.me/s/name`.

    Lower case (usernames are case-insensitive); None when `value` names no public channel
    (an invite link, a private `t.me/c/...` link, another host).
    """
    value = value.strip()
    if value.startswith("@"):
        value = value[1:]
    if _NAME.fullmatch(value):
        return value.lower()
    if "://" not in value:
        value = "https://" + value
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or (parts.hostname or "") not in _HOSTS:
        return None
    if parts.username or parts.password or parts.port not in {None, 80, 443}:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if segments[:1] == ["s"]:
        segments = segments[1:]
    if not segments or segments[0].lower() in _RESERVED or not _NAME.fullmatch(segments[0]):
        return None
    return segments[0].lower()


def channel_url(name: str) -> str:
    """The source URL a channel is stored under: its public preview on t.me."""
    return f"{CANONICAL_BASE}/s/{name}"


def channel_of(url: str) -> str | None:
    """The channel a stored source URL reads, or None for a feed URL."""
    prefix = f"{CANONICAL_BASE}/s/"
    if not url.startswith(prefix):
        return None
    name = url[len(prefix) :]
    return name if _NAME.fullmatch(name) else None


def preview_url(name: str, base: str) -> str:
    """The URL to fetch a channel's preview from (`base` is the TELEGRAM_WEB_BASE_URL)."""
    return f"{base.rstrip('/')}/s/{name}"


def parse_channel(
    body: bytes, *, channel: str, had_posts: bool = False, now: datetime | None = None
) -> ChannelPage:
    """Read a channel's preview page; `FeedParseError` when it is not one or no longer reads.

    `had_posts`: earlier pages of this channel had posts. Then a page without any message
    block is taken for a change of markup (`ChannelLayoutError`), not for an empty channel.
    """
    now = now or datetime.now(UTC)
    if not body.strip():
        raise FeedParseError("empty body")
    tree = LexborHTMLParser(body.decode("utf-8", errors="replace"))
    blocks = tree.css(".tgme_widget_message[data-post]")
    history = tree.css_first(".tgme_channel_history")
    header = tree.css_first(".tgme_channel_info_header_title")
    if not blocks and had_posts:
        raise ChannelLayoutError(
            "the preview page shows no posts where it had them: its markup changed, or the "
            "channel's public preview was turned off"
        )
    if not blocks and history is None:
        # t.me answers a channel without a public preview with its plain landing page.
        raise FeedParseError(
            "no channel preview on the page: the channel has none, or its markup changed"
        )
    entries: dict[int, FeedEntry] = {}
    readable = 0
    for block in blocks:
        post = _post_id(block, channel)
        if post is None:
            continue
        readable += 1
        entry = _entry(block, channel, post, now)
        if entry is not None:
            entries.setdefault(post, entry)
    if blocks and not readable:
        raise ChannelLayoutError(
            f"{len(blocks)} message blocks but no readable post: the preview's markup changed"
        )
    title = clean_text(header.text(), limit=MAX_TITLE) if header is not None else None
    ordered = tuple(entries[post] for post in sorted(entries))
    return ChannelPage(title or None, ordered, len(blocks))


def _post_id(block: LexborNode, channel: str) -> int | None:
    owner, _, number = (block.attributes.get("data-post") or "").partition("/")
    if owner.lower() != channel or not number.isascii() or not number.isdigit():
        return None
    return int(number)


def _entry(block: LexborNode, channel: str, post: int, now: datetime) -> FeedEntry | None:
    """One post as an entry; None for a service message or a post without words."""
    classes = (block.attributes.get("class") or "").split()
    if "service_message" in classes:
        return None
    node = block.css_first(_TEXT)
    text = _plain(node) if node is not None else ""
    lines = [line for line in text.split("\n") if line.strip()]
    summary = clean_text(" ".join(lines), limit=MAX_SUMMARY)
    if not summary:
        return None
    title = clean_text(lines[0], limit=_TITLE_CHARS) or summary[:_TITLE_CHARS]
    forwarded = block.css_first(".tgme_widget_message_forwarded_from_name")
    origin = clean_text(forwarded.text(), limit=200) if forwarded is not None else ""
    url = f"{CANONICAL_BASE}/{channel}/{post}"
    return FeedEntry(
        dedupe_key=hashlib.sha256(f"tg\x1f{channel}\x1f{post}".encode()).hexdigest()[:40],
        title=title,
        summary=summary,
        url=url,
        url_norm=normalize_url(url),
        published=_published(block, now),
        guid=f"{channel}/{post}",
        forwarded_from=origin or None,
    )


def _plain(node: LexborNode) -> str:
    """The text of a post with line breaks kept and links written out after their label."""
    node = node.clone()
    for br in node.css("br"):
        br.replace_with("\n")
    for anchor in node.css("a"):
        label = anchor.text()
        href = (anchor.attributes.get("href") or "").strip()
        if anchor.attributes.get("onclick") is not None:
            href = href.replace("&amp;", "&")  # t.me escapes '&' twice in such links
        shown = label
        external = href.startswith(("http://", "https://"))
        if external and href.rstrip("/") != label.strip().rstrip("/"):
            shown = f"{label} ({href})" if label.strip() else href
        anchor.replace_with(shown)
    return node.text(deep=True)


def _published(block: LexborNode, now: datetime) -> datetime | None:
    stamp = block.css_first(".tgme_widget_message_date time[datetime]") or block.css_first(
        "time[datetime]"
    )
    raw = (stamp.attributes.get("datetime") or "") if stamp is not None else ""
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if value > now + _FUTURE_SLACK or value.year < 2013:  # Telegram channels began in 2015
        return None
    return value
