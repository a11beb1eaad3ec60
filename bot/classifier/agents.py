"""Who acts in a sentence: the sides named as the ones firing, attacking or crossing.

A side acts when it is the subject of an act ("Azerbaijani units opened fire", "Azerbaijan
launched intensive shelling"), where fire came from ("fire from the Armenian side", "missiles
launched from Armenian territory", "выстрел с азербайджанской стороны", "erməni tərəfindən"), or
whose operation it is ("as a result of the Azerbaijani operation"). A side named as the victim
("Armenian positions came under fire") or as where something is ("in Gegharkunik province of
Armenia") does not act, nor does a side beside a truce ("прекращение огня"). Pure functions over
lexicon matches; `statements` reads stances on them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.classifier.casualties import SIDE_TAG as _SIDE_TAG
from bot.classifier.lexicon import Match
from bot.classifier.speakers import SPEECH
from bot.domain import Side

__all__ = ["agent_sides"]


# After a side's name, the place or people that are hit, not the ones firing.
_VICTIM_NOUN = re.compile(
    r"\s*(?:s\s+)?(?:positions?|territory|villages?|settlements?|civilians?|homes?|border|side s|"
    r"позици\w*|территори\w*|сел\w*|населенн\w*|мирн\w*|դիրք\w*|տարածք\w*|գյուղ\w*|"
    r"movqe\w*|erazi\w*|kend\w*)\b"
)
_BY_SIDE = re.compile(r"(?:from|by|со стороны|from the direction of)(?: the)?\s*$")
_FROM_BEFORE = re.compile(r"(?:\bfrom|с территории|с позиций)\s+(?:the\s+)?(?:territory of\s+)?$")
_FROM_AFTER = re.compile(r"\s*(?:s\s+)?(?:erazisinden|movqelerinden|տարածքից|դիրքերից)")
_SIDE_BY = re.compile(r"^\s*(?:s )?(?:tərəfindən|terefinden|կողմից|стороной)")


# "прекращение огня", "cease-fire": a truce, not fire
_CEASE = re.compile(r"(?:\bcease|прекращени\w*|прекрат\w*)\s+$")
# A country named as where something is: "области Армении", "province of Armenia", "in Armenia"
_PLACE_OF = re.compile(
    r"(?:\b(?:province|region|district|territory|in|inside)(?: of)?|област\w*|район\w*|"
    r"\bв|\bна территории|marz\w*)\s+$"
)
_VIOLENT = frozenset({"fire", "combat", "kill", "wound", "damage"})
_SPEECH_RE = re.compile(SPEECH)
_SPEAKS_NEXT = re.compile(r"\s+(?:s\s+)?(?:press service\s+|spokes\w+\s+)?" + SPEECH)
_SIDE_WORD = re.compile(r"\s*(?:side|сторон\w*)\b")
_OPERATION_GAP = 20  # "Azerbaijan's military operation", "Azərbaycanın hərbi əməliyyatları"


def _operates(s: Match, anchors: Sequence[Match], norm: str) -> bool:
    """A side whose operation or offensive it is ("as a result of the Azerbaijani operation",
    "в результате азербайджанской агрессии"): that side acts."""
    for a in anchors:
        if a.group == "act_operation" and 0 <= a.start - s.end <= _OPERATION_GAP:
            gap = norm[s.end : a.start].split()
            if len(gap) <= 2 and not any(
                w in ("and", "и", "և", "ve", "against", "против") for w in gap
            ):
                return True
    return False


def _acts(s: Match, anchors: Sequence[Match], norm: str, armed: bool = False) -> bool:
    """A side named as the subject of an act ("Azerbaijan launched intensive shelling"), as
    where fire came from ("fire from the Armenian side", "erməni tərəfindən", "missiles
    launched from Armenian territory", "выстрел с азербайджанской стороны"), or as the one
    whose operation it is. `armed`: the sentence names a weapon."""
    if _operates(s, anchors, norm):
        return True
    if _PLACE_OF.search(norm, max(0, s.start - 16), s.start) and not _FROM_BEFORE.search(
        norm, max(0, s.start - 30), s.start
    ):
        return False  # "in the Gegharkunik province of Armenia a shootout": where, not who
    for a in anchors:
        if a.group not in ("fire", "incursion"):
            continue
        gap = norm[s.end : a.start]
        words = gap.split()
        if any(w in ("and", "и", "և", "ve", "or", "called", "urged") for w in words):
            continue
        if _SPEECH_RE.search(gap):
            continue  # "the Karabakh army says Azerbaijani tanks fired": it tells, others act
        if 0 <= a.start - s.end <= 48 and len(words) <= 4 and not _VICTIM_NOUN.match(gap):
            return True  # "Azerbaijan launched shelling", "Armenian units opened fire"
        if 0 <= s.start - a.end <= 40 and _BY_SIDE.search(norm, a.end, s.start):
            return True
    fire = armed or any(a.group == "fire" for a in anchors)
    if fire and norm.endswith(" с ", 0, s.start) and _SIDE_WORD.match(norm, s.end):
        return True  # "выстрел с азербайджанской стороны"
    if fire and _FROM_BEFORE.search(norm, max(0, s.start - 30), s.start):
        return True  # "launched from Armenian territory", "с территории Армении"
    if fire and _FROM_AFTER.match(norm, s.end):
        return True  # "Ermənistan ərazisindən", "Ադրբեջանի տարածքից"
    return bool(_SIDE_BY.match(norm, s.end))


def _wields(s: Match, arms: Sequence[Match], signal: Sequence[Match], norm: str) -> bool:
    """A side's weapon in a violent sentence: "an Azerbaijani drone struck", "killed by an
    Azerbaijani sniper", "азербайджанский беспилотник нанес удар"."""
    if not any(m.group in _VIOLENT for m in signal):
        return False
    return any(
        0 <= w.start - s.end <= 3 and norm[s.end : w.start].strip() in ("", "s") for w in arms
    )


def agent_sides(
    sides: Sequence[Match], signal: Sequence[Match], norm: str, arms: Sequence[Match] = ()
) -> list[Side]:
    """Sides named as the ones acting: "Azerbaijani units", "ВС Азербайджана", "Armenian fire",
    "an Azerbaijani drone".

    `sides` and `signal` are the side and signal (and act-layer) matches of one sentence;
    `arms` its weapon matches.
    """
    armed = bool(arms)
    anchors = [
        m
        for m in signal
        if m.group in ("forces", "fire", "combat", "incursion", "act_operation")
        and not (m.group == "fire" and _CEASE.search(norm, max(0, m.start - 24), m.start))
    ]
    hurt = [m.start for m in signal if m.group in ("kill", "wound")]
    # "Armenian forces were killed": forces that suffer are victims, not agents; "the Karabakh
    # army says": forces that speak tell of the act, they are not said to do it
    anchors = [
        a
        for a in anchors
        if a.group != "forces"
        or not (any(0 <= h - a.end <= 24 for h in hurt) or _SPEAKS_NEXT.match(norm, a.end))
    ]
    out: list[Side] = []
    for s in sides:
        side = _SIDE_TAG.get(s.tag)
        if side is None:
            continue
        if (_acts(s, anchors, norm, armed) or _wields(s, arms, signal, norm)) and side not in out:
            out.append(side)
            continue
        for a in anchors:
            before = 0 <= a.start - s.end <= 3  # "Azerbaijani forces", "Armenian fire"
            after = a.group == "forces" and 0 <= s.start - a.end <= 4  # "ВС Азербайджана"
            if (before or after) and side not in out:
                # "Armenian positions came under fire": a victim, not an agent
                gap = norm[s.end : a.start] if before else norm[a.end : s.start]
                if gap.strip() in ("", "s", "of", "of the"):
                    out.append(side)
    return out
