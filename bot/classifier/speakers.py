"""Who speaks in a sentence: the actors it names that speak, not those it talks about.

An institution takes its country from a side word beside it ("Armenia's Defence Ministry",
"Минобороны Азербайджана"), or from the language, the attacker named, or the claim it denies.
A party named as "the Armenian side" speaks only with a speech word beside it; a country as
the subject of a speech verb ("Baku also accused") is its government; a third party named
after a side's speaker, and an actor inside what the first speaker says, are talked about.
Pure functions over lexicon matches; `statements` builds sentences and claims on them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.classifier.casualties import OTHER as _OTHER
from bot.classifier.casualties import SIDE_TAG as _SIDE_TAG
from bot.classifier.lexicon import Match, group_pattern
from bot.domain import ACTOR_SIDE, Actor, Side

__all__ = [
    "INST_ACTOR",
    "SPEECH",
    "Context",
    "claim_source_side",
    "country_speaks",
    "named_speakers",
    "opener",
    "speakers_only",
]

_FIXED_ACTORS: dict[str, Actor] = {
    "am_mod": "am_mod",
    "az_mod": "az_mod",
    "am_border": "am_border",
    "az_border": "az_border",
    "am_gov": "am_gov",
    "az_gov": "az_gov",
    "karabakh": "karabakh",
    "third_party": "third_party",
}
INST_ACTOR: dict[tuple[str, str], Actor] = {
    ("armenian", "mod"): "am_mod",
    ("armenian", "border"): "am_border",
    ("armenian", "gov"): "am_gov",
    ("azerbaijani", "mod"): "az_mod",
    ("azerbaijani", "border"): "az_border",
    ("azerbaijani", "gov"): "az_gov",
    ("karabakh", "mod"): "karabakh",
    ("karabakh", "border"): "karabakh",
    ("karabakh", "gov"): "karabakh",
    ("russia", "mod"): "third_party",
    ("russia", "border"): "am_border",  # Russian border guards serve on Armenia's borders
    ("russia", "gov"): "third_party",
}
# A speech verb (the lexicon's `speech` group), for the rules below and `statements`'s
SPEECH = group_pattern("speech", "speech_more")
_LANG_SIDE: dict[str, Side] = {"hy": "armenian", "az": "azerbaijani"}

# Words after a side word that make it the source of a claim ("Baku's claim", "Azerbaijani
# media"), so a denial in the same sentence comes from the other side.
_CLAIM_WORDS = (
    "claim", "claims", "statement", "statements", "report", "reports", "media", "account",
    "accusation", "allegation", "version", "заявлени", "сообщени", "утверждени", "информаци",
    "сми", "обвинени", "верси", "պնդում", "հայտարարությ", "լրատվամիջոց", "տեղեկատվությ",
    "iddia", "melumat", "medi", "kiv", "behanat",
)  # fmt: skip


def _resolve_actor(m: Match, sides: Sequence[Match], norm: str) -> tuple[Actor | None, str]:
    """The actor of an actor-layer match; ("", kind) when the country is still unknown."""
    if m.tag in _FIXED_ACTORS:
        return _FIXED_ACTORS[m.tag], ""
    for s in sides:
        gap_before = m.start - s.end
        gap_after = s.start - m.end
        if 0 <= gap_before <= 3 or _possessor(norm, s, m) or (
            0 <= gap_after <= 5 and norm[m.end : s.start].strip() in ("", "of", "s", "of the", "in")
        ):
            actor = INST_ACTOR.get((s.tag, m.tag))
            if actor is not None:
                return actor, ""
    return None, m.tag


def _possessor(norm: str, side: Match, inst: Match) -> bool:
    """A side's possessive before an institution with a few words of title between: "Karabakh's
    human rights ombudsman", "Azerbaijan's State Border Service"."""
    gap = norm[side.end : inst.start]
    words = gap.split()
    possessive = norm[side.start : side.end].endswith(" s") or words[:1] == ["s"]
    return 0 <= inst.start - side.end <= 24 and possessive and len(words) <= 4


def claim_source_side(sides: Sequence[Match], norm: str) -> Side | None:
    """A side named as the source of the claim being denied ("Baku's claim")."""
    for s in sides:
        if s.tag not in _SIDE_TAG:
            continue
        after = norm[s.end : s.end + 24].split()
        if after and after[0] == "s":
            after = after[1:]
        if any(w.startswith(_CLAIM_WORDS) for w in after[:2]):
            return _SIDE_TAG[s.tag]
        before = norm[max(0, s.start - 30) : s.start].split()
        if before and any(w.startswith(_CLAIM_WORDS) for w in before[-2:]):
            return _SIDE_TAG[s.tag]
    return None


@dataclass(frozen=True, slots=True)
class Context:
    """What resolving a sentence's unnamed institution ("the ministry") may go by."""

    norm: str
    lang: str
    sides: Sequence[Match]
    agents: Sequence[Side]
    enemy: bool
    denial: bool
    place_side: Side | None
    end: int  # where the sentence ends


# "The Armenian side", "азербайджанская сторона", "Azərbaycan tərəfi", "հայկական կողմը" name a
# party, which speaks only when a speech word stands beside it ("the Armenian side said",
# "по данным армянской стороны", "Azərbaycan tərəfinin məlumatına görə"); otherwise it is
# usually the one accused ("atəşkəsi Azərbaycan tərəfi pozub": the Azerbaijani side broke the
# ceasefire), and its figures must not go to it.
_SIDE_PHRASE = re.compile(r"\b(?:side|сторон\w*|t[əe]r[əe]f\w*|կողմ\w*)")
# (not after "was", "were": "the Azerbaijani side was told to leave" is spoken to)
_SPEECH_AFTER = re.compile(
    r"\W*(?:(?!was\b|were\b|been\b)\w+\W+){0,4}?(?:" + SPEECH + r"|(?:"
    + "|".join(_CLAIM_WORDS) + r")\w*)"
)
_SOURCE = group_pattern("speech_source")
_SPEECH_BEFORE = re.compile(_SOURCE + r"\s+(?:the\s+)?$")


def _speaks(am: Match, norm: str, end: int) -> bool:
    """Whether an actor named as a party ("the Armenian side") is the one speaking (a speech
    word after it, before the sentence's `end`, or "according to" before it)."""
    if not _SIDE_PHRASE.search(norm, am.start, am.end):
        return True
    if _SPEECH_AFTER.match(norm, am.end, min(end, am.end + 48)):
        return True
    return _SPEECH_BEFORE.search(norm, max(0, am.start - 30), am.start) is not None


# A country or its capital as the subject of a speech verb: "Baku also accused", "Yerevan
# denied", "Азербайджан заявил", "Ermənistan bildirib" (the government speaks).
_COUNTRY_SPEAKS = re.compile(
    r"\s+(?:(?:also|then|again|later|in turn|has|had|have|в свою очередь|же|также|это|вновь|снова|"
    r"isə|da|də)"
    r"\s+)?" + SPEECH
)


# In Armenian and Azerbaijani the verb ends the clause: a sentence opening with a country
# ("İrəvan, öz növbəsində, Azərbaycanı ... ittiham edir") and ending with a speech verb has
# that country as its speaker.
_VERB_LAST = re.compile(SPEECH + r"(?:\s+\w+){0,2}\W*$")


# A side named by an adjective ("Azerbaijani", "армянская", "ադրբեջանական") is no subject of
# a speech verb: "Azerbaijani reports" are reports, "Baku reports" speaks.
_ADJECTIVE = re.compile(r"(?:ian|ani|ск\w*|ական\w*)$")


def country_speaks(
    sides: Sequence[Match], norm: str, span: tuple[int, int], verb_last: bool = True
) -> tuple[list[Actor], list[int]]:
    """A country speaking ("Baku also accused Armenian forces of shelling", "İrəvan ...
    ittiham edir"): that country's government, once. `verb_last`: a sentence opening with a
    country and ending with a speech verb counts (Armenian and Azerbaijani word order, in a
    sentence that names no other speaker)."""
    lo, hi = span
    for s in sides:
        side = _SIDE_TAG.get(s.tag)
        if side is None:
            continue
        # "Baku denied" (not "Azerbaijani reports that": an adjective is no subject), "по
        # версии Баку", "по данным армянской стороны"
        subject = not _ADJECTIVE.search(norm, s.start, s.end)
        if (subject and _COUNTRY_SPEAKS.match(norm, s.end, hi)) or _SPEECH_BEFORE.search(
            norm, max(lo, s.start - 30), s.start
        ):
            return [INST_ACTOR[(s.tag, "gov")]], [s.start]
        opening = not norm[lo : s.start].strip()
        if verb_last and opening and _VERB_LAST.search(norm, s.end, hi):
            return [INST_ACTOR[(s.tag, "gov")]], [s.start]
    return [], []


# What a speaker says begins after "that", "что", "որ", "ki" (or a colon).
_THAT = re.compile(r"\b(?:that|что|будто|որ|ki)\b|:")


def speakers_only(
    actors: list[Actor], where: list[int], norm: str, end: int, opener: int | None = None
) -> tuple[list[Actor], list[int]]:
    """Drop actors that are talked about, not speaking: a third party named after a side's
    speaker ("Armenia's Foreign Ministry accused Azerbaijan of aggression in the Russian
    peacekeepers' zone"), and an actor named inside what the first speaker says ("the
    spokesman said that Aliyev ...") unless a speech word follows it ("..., while Baku said").
    `opener`: where the sentence's first speaking institution is named, when its country is
    unknown ("Foreign Ministry spokesman X wrote that Azerbaijan's leader ...")."""
    unnamed = opener is not None and (not where or opener < min(where))
    if len(actors) < 2 and not unnamed:
        return actors, where
    first = min(range(len(actors)), key=lambda i: where[i]) if actors else -1
    start = opener if unnamed and opener is not None else where[first]
    sided = [w for a, w in zip(actors, where, strict=True) if a in ACTOR_SIDE]
    # what the first speaker says starts after its speech verb ("the ministry said the
    # operation ...") or after "that"
    verb = _SPEECH_AFTER.match(norm, start, min(end, start + 60))
    that = verb if verb is not None else _THAT.search(norm, start, end)
    keep_a: list[Actor] = []
    keep_w: list[int] = []
    for i, (actor, at) in enumerate(zip(actors, where, strict=True)):
        if i != first or unnamed:
            if actor == "third_party" and sided and min(sided) < at:
                continue
            reported = that is not None and that.end() <= at
            if reported and not _SPEECH_AFTER.match(norm, at, min(end, at + 60)):
                continue
        keep_a.append(actor)
        keep_w.append(at)
    return keep_a, keep_w


def opener(actor_matches: Sequence[Match], c: Context) -> int | None:
    """Where the sentence's first speaking actor is named (see `speakers_only`)."""
    return next((am.start for am in actor_matches if _speaks(am, c.norm, c.end)), None)


def named_speakers(
    actor_matches: Sequence[Match], c: Context
) -> tuple[list[Actor], list[int]]:
    """The actors a sentence names, and where: an institution without its country takes the
    language's side, the side of "our" villages under "enemy" fire, the side opposite the
    claim it denies or the attacker it names. A party named without a speech word beside it
    is no speaker (`_speaks`)."""
    actors: list[Actor] = []
    where: list[int] = []
    for am in actor_matches:
        if not _speaks(am, c.norm, c.end):
            continue
        actor, kind = _resolve_actor(am, c.sides, c.norm)
        if actor is None:
            own: Side | None = _LANG_SIDE.get(c.lang)
            if own is None and c.enemy and not c.denial:
                own = c.place_side  # "the enemy fired at positions near <our village>"
            if own is None and c.denial:
                source = claim_source_side(c.sides, c.norm)
                if source is not None:
                    own = _OTHER[source]
                elif len(c.agents) == 1:
                    own = c.agents[0]
            if own is None and c.agents and not c.denial:
                own = _OTHER[c.agents[0]]
            if own is None:
                continue
            actor = INST_ACTOR[(own, kind)]
        if actor not in actors:
            actors.append(actor)
            where.append(am.start)
    return actors, where
