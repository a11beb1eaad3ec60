"""Whose territory a sentence's places are on, when that territory never changed hands.

Civilians killed in a town are that town's side's, as long as the town has been held by one
side all along: a town in Armenia, Ganja, Tovuz. Not the Karabakh region and the districts
around it (held by Armenian forces from the 1990s to 2020 or 2023), nor the exclaves and
border villages that changed hands. Used by `victims` (and `extract`, which marks each
sentence).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.classifier.types import Location
from bot.domain import Side

__all__ = ["held_side"]


# Places whose side is not told by the country they lie in: the Karabakh region and the
# districts around it (held by Armenian forces from the 1990s to 2020 or 2023), the exclaves
# held by the other side since the 1990s (Artsvashen, Karki/Tigranashen, the Gazakh
# villages), and the Nakhchivan and Gazakh border villages that changed hands. Civilians in
# any other place are its country's.
_CHANGED_HANDS_ADMIN = frozenset(
    {
        "Karabakh", "Khankendi", "Khojavend", "Khojaly", "Shusha", "Aghdara", "Aghdam",
        "Tartar", "Goranboy", "Kalbajar", "Lachin", "Gubadli", "Zangilan", "Jabrayil",
        "Fuzuli", "East Zangezur", "Gazakh", "Sadarak", "Kangarli",
    }
)  # fmt: skip
_CHANGED_HANDS_IDS = frozenset({"am-artsvashen", "am-tigranashen"})
_COUNTRY_SIDE: dict[str, Side] = {"AM": "armenian", "AZ": "azerbaijani"}


class _Sentence(Protocol):
    """A sentence: where it starts and ends in the text."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def held_side(text: str, sent: _Sentence, locations: Sequence[Location]) -> Side | None:
    """The side on whose territory all the settlements and districts the sentence names lie,
    when none of them changed hands; None when it names none, or places of both sides."""
    sides: set[Side] = set()
    for loc in locations:
        if loc.kind not in ("settlement", "district") or not loc.matched:
            continue
        if text.find(loc.matched, sent.start, sent.end) < 0:
            continue
        if loc.admin in _CHANGED_HANDS_ADMIN or loc.id in _CHANGED_HANDS_IDS:
            return None
        side = _COUNTRY_SIDE.get(loc.country)
        if side is None:
            return None
        sides.add(side)
    return sides.pop() if len(sides) == 1 else None
