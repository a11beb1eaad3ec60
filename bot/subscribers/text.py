"""Text from users, made safe to store and compare: printable only, ASCII digits only."""

from __future__ import annotations

import unicodedata

__all__ = ["ascii_int", "clean_text"]


def clean_text(text: str, limit: int = 200) -> str:
    """Printable text only: control and format characters dropped, whitespace collapsed."""
    kept = [
        " " if ch.isspace() else ch
        for ch in text[: limit * 4]
        if ch.isspace() or unicodedata.category(ch)[0] not in {"C"}
    ]
    return " ".join("".join(kept).split())[:limit]


def ascii_int(text: str, max_digits: int = 9) -> int | None:
    """A non-negative integer written in ASCII digits, else None ("¹" and "٣" are not)."""
    if text.isascii() and text.isdigit() and len(text) <= max_digits:
        return int(text)
    return None
