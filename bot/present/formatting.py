"""Telegram HTML building blocks: escaping, links and safe shortening. Pure functions.

All feed text is untrusted: it goes through `esc` (or `link`) and never into markup raw.
Telegram counts the length of the text after entity parsing, so shortening measures that
and never cuts inside a tag or an entity.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

__all__ = [
    "TELEGRAM_LIMIT",
    "esc",
    "html_to_text",
    "link",
    "shorten_html",
    "visible_length",
]

TELEGRAM_LIMIT = 4096
_TAG = re.compile(r"<[^>]*>")
_TOKEN = re.compile(r"(<[^>]*>|&[#\w]+;|[^<&]+|[<&])")
_OPEN = re.compile(r"<([a-z-]+)(?:\s[^>]*)?>", re.I)
_CLOSE = re.compile(r"</([a-z-]+)\s*>", re.I)
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)
_MARKUP = re.compile(r"<[^>]+>")


def esc(text: str | None) -> str:
    """Escape text for Telegram HTML (quotes too, so it is safe inside attributes)."""
    return html.escape(text or "", quote=True)


def html_to_text(markup: str) -> str:
    """Telegram HTML as plain text (the console, a feed's text field); links show their URL."""
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", markup)
    return html.unescape(_MARKUP.sub("", text))


def link(url: str | None, label: str) -> str:
    """`<a href>` for http(s) URLs; anything else yields the escaped label alone."""
    label_html = esc(label)
    if not url:
        return label_html
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return label_html
    return f'<a href="{esc(url)}">{label_html}</a>'


def _units(text: str) -> int:
    # Telegram measures messages in UTF-16 code units: an emoji flag counts 4.
    return len(text.encode("utf-16-le")) // 2


def visible_length(markup: str) -> int:
    """Length of the text Telegram shows (tags removed, entities decoded), in UTF-16 units."""
    return _units(html.unescape(_TAG.sub("", markup)))


def shorten_html(markup: str, limit: int = TELEGRAM_LIMIT) -> str:
    """Cut `markup` to at most `limit` visible characters, closing any open tags.

    Cuts between tokens (never inside a tag or an entity), prefers a line break or a word
    boundary, and ends with an ellipsis.
    """
    if visible_length(markup) <= limit:
        return markup
    budget = limit - 1  # room for the ellipsis
    out: list[str] = []
    stack: list[str] = []
    used = 0
    for token in _TOKEN.findall(markup):
        if token.startswith("<") and len(token) > 1:
            if close := _CLOSE.fullmatch(token):
                if stack and stack[-1] == close.group(1).lower():
                    stack.pop()
                    out.append(token)
            elif opened := _OPEN.fullmatch(token):
                stack.append(opened.group(1).lower())
                out.append(token)
            continue
        text = html.unescape(token)
        if used + _units(text) <= budget:
            out.append(token)
            used += _units(text)
            continue
        room = budget - used
        if room > 0 and not token.startswith("&"):
            piece = text[:room]
            while _units(piece) > room:
                piece = piece[:-1]
            if " " in piece[room // 2 :]:
                piece = piece.rsplit(" ", 1)[0]
            out.append(esc(piece))
        break
    out.append("…")
    out.extend(f"</{tag}>" for tag in reversed(stack))
    return "".join(out)
