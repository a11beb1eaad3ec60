"""Word tokens of a normalised text, with offsets that also index the original text."""

from __future__ import annotations

import bisect
import re

__all__ = ["Tokens"]

_TOKEN = re.compile(r"\w+")


class Tokens:
    """The words of a `normalize`d text and where they stand."""

    __slots__ = ("ends", "starts", "words")

    def __init__(self, norm: str) -> None:
        spans = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(norm)]
        self.starts: list[int] = [s for s, _, _ in spans]
        self.ends: list[int] = [e for _, e, _ in spans]
        self.words: list[str] = [w for _, _, w in spans]

    def __len__(self) -> int:
        return len(self.words)

    def index_at(self, offset: int) -> int:
        """Index of the first token that starts at or after `offset`."""
        return bisect.bisect_left(self.starts, offset)

    def index_before(self, offset: int) -> int:
        """Index of the last token that ends at or before `offset` (-1 if none)."""
        return bisect.bisect_right(self.ends, offset) - 1
