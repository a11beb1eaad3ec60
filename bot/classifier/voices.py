"""Who speaks for a casualty count in a sentence whose speaker the claims' reading left unnamed.

The claims (`statements`, `speakers`) name institutions ("Armenia's Defence Ministry") and a
few fixed phrases. A casualty figure also has a voice in sentences they leave without one;
rules, for the casualty reader only (a claim is never made from them):

- an official named by side, not by office: "a Karabakh official said", "officials in Baku
  said", "власти Карабаха сообщили", "rəsmi Bakı bildirib", "Ադրբեջանի իշխանությունները
  հայտնել են": that side's government (Karabakh's authorities for Karabakh), when a speech
  verb follows in the sentence or "according to" stands before ("по данным МИД и
  Генеральной прокуратуры Азербайджана");
- "its"/"their" before an institution opening the sentence ("Its Foreign Ministry said",
  "Их министерство обороны сообщило"): the institution of the side that spoke last;
- "the region's ombudsman said" in an item naming Karabakh: Karabakh's authorities (the one
  region of this conflict with officials of its own);
- "the ministry" named alone and speaking ("Nazirlik bildirib ki", "Министерство
  сообщило"): the last speaker;
- an office opening the sentence without a country ("The Prosecutor General's Office said")
  right after a sentence whose speaker is of one side: that side's (wire copy goes on with
  the same country's officials).

Pure functions over lexicon matches.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from bot.classifier.lexicon import Match
from bot.classifier.speakers import INST_ACTOR
from bot.classifier.victims import SIDE_TAG, SPEECH_VERB
from bot.domain import ACTOR_SIDE, Actor

__all__ = ["casualty_voices"]

# An office named without its country ("official", "authorities", "ombudsman").
_OFFICIAL = (
    r"(?:officials?|authorities|ombudsman|spokes(?:man|woman|person)|prosecutors?|"
    r"власт\w*|официальн\w*|чиновник\w*|омбудсмен\w*|прокуратур\w*|"
    r"պաշտոնյա\w*|իշխանություն\w*|օմբուդսմեն\w*|դատախազ\w*|"
    r"resmi\w*|hakimiyyet\w*|ombudsman\w*|prokuror\w*)"
)
# "<side> official", "Karabakh's human rights ombudsman" (a side, up to three words, the office)
_OFFICE_AFTER = re.compile(r"(?:\s+s)?(?:\s+\w+){0,3}?\s+" + _OFFICIAL + r"\b")
# "officials in Baku", "власти Карабаха", "rəsmi Bakı" (the office just before the side)
_OFFICE_BEFORE = re.compile(r"\b" + _OFFICIAL + r"(?:\s+(?:in|of|в))?\s+$")
# "According to" before the office: it speaks for what follows.
_ACCORDING = re.compile(
    r"(?:\baccording to|по данным|по информации|по словам|по сообщению)\s+(?:\w+\s+){0,4}$"
)
# A sentence opening with "its"/"their" before the institution that speaks.
_ITS = re.compile(r"\W*(?:its|their|его|их|իր|նրա|onun|onlarin)\s+(?:\w+\s+){0,2}$")


class _Sentence(Protocol):
    """A sentence as `statements.read_sentences` gives it (the fields read here)."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def actors(self) -> tuple[Actor, ...]: ...

    @property
    def where(self) -> tuple[int, ...]: ...


def casualty_voices(
    sentences: Sequence[_Sentence],
    texts: tuple[str, str],
    by_layer: dict[str, list[Match]],
    lang: str,
) -> list[tuple[tuple[int, Actor], ...]]:
    """For each sentence, its speakers (where named, actor) for the casualty reader: those the
    claims found, else one of the voices of the module rules. `texts`: the text and its
    normalised twin (same offsets)."""
    text, norm = texts
    sides = by_layer.get("side", [])
    institutions = [m for m in by_layer.get("actor", []) if m.tag in ("mod", "border", "gov")]
    out: list[tuple[tuple[int, Actor], ...]] = []
    last: Actor | None = None  # the last sided speaker
    just_before: Actor | None = None  # the sided speaker of the sentence just before
    karabakh = any(m.tag == "karabakh" for m in sides)
    for s in sentences:
        named = tuple(zip(s.where, s.actors, strict=True))
        if not named:
            in_sent = [m for m in sides if s.start <= m.start < s.end]
            span = (s.start, s.end)
            voice = _official(text, norm, in_sent, span) or _regions(norm, span, karabakh)
            if voice is None and last is not None:
                voice = (
                    _its(norm, institutions, span, last)
                    or _according(norm, sides, span, last)
                    or _the_ministry(norm, span, last)
                )
            if voice is None:
                voice = _lang_office(norm, lang, span)
            if voice is None and just_before is not None:
                voice = _the_office(norm, institutions, span, just_before)
            named = (voice,) if voice is not None else ()
        out.append(named)
        sided = [a for _, a in named if a in ACTOR_SIDE]
        last = sided[0] if sided else last
        just_before = sided[0] if sided else None
    return out


# A sentence opening with "according to the statement" naming no source: the last speaker's.
_ACCORDING_BARE = re.compile(
    r"\W*(?:according to (?:the |its )?(?:\w+ )?(?:statement|information|report|data)|"
    r"согласно (?:этому |этим )?(?:заявлению|сообщению|данным)|по (?:этим |имеющимся )?данным|"
    r"(?:aciqlanan |verilen )?melumat(?:a|ina) gore|beyanat(?:a|ina) gore|"
    r"հաղորդագրության համաձայն)\b"
)


def _according(
    norm: str, sides: Sequence[Match], span: tuple[int, int], last: Actor
) -> tuple[int, Actor] | None:
    """'According to the statement, ...' (no source named in it): the last speaker's voice."""
    lo, hi = span
    m = _ACCORDING_BARE.match(norm, lo, hi)
    if m is None or any(m.start() <= s.start < m.end() + 30 for s in sides):
        return None
    return lo, last


# "The ministry" named alone opening a sentence: the ministry spoken of before.
_THE_MINISTRY = re.compile(
    r"\W*(?:the (?:ministry|army|department)|министерство|ведомство|в министерстве|"
    r"в ведомстве|nazirlik|nazirliyin|նախարարությունը|նախարարության|գերատեսչությունը)\b"
)


def _the_ministry(norm: str, span: tuple[int, int], last: Actor) -> tuple[int, Actor] | None:
    """'Nazirlik bildirib ki, ...', 'Министерство сообщило, что ...' (the ministry named
    alone, speaking): the last speaker's voice."""
    lo, hi = span
    m = _THE_MINISTRY.match(norm, lo, hi)
    if m is None:
        return None
    if SPEECH_VERB.search(norm, m.end(), min(hi, m.end() + 40)) or _OFFICE_SAYS.match(
        norm, m.end(), hi
    ):
        return lo, last
    return None


# In Armenian and Azerbaijani reports an office named without a country is the language's
# side's ("Baş Prokurorluq məlumat yayıb", "Գլխավոր դատախազությունը հայտնել է").
_LANG_GOV: dict[str, Actor] = {"hy": "am_gov", "az": "az_gov"}
_OFFICE = re.compile(_OFFICIAL + r"|dovlet tehlukesizlik xidmet\w*|ազգային անվտանգության ծառայ\w*")


def _lang_office(norm: str, lang: str, span: tuple[int, int]) -> tuple[int, Actor] | None:
    """An office without a country speaking in an Armenian or Azerbaijani report."""
    actor = _LANG_GOV.get(lang)
    if actor is None:
        return None
    lo, hi = span
    m = _OFFICE.search(norm, lo, hi)
    if m is None:
        return None
    if SPEECH_VERB.search(norm, m.end(), hi) or _OFFICE_SAYS.match(norm, m.end(), hi):
        return m.start(), actor
    return None


# "Dövlət Təhlükəsizlik Xidmətinin məlumatına görə" (according to the State Security Service)
_OFFICE_SAYS = re.compile(r"\w*\s+(?:melumatina gore|տվյալներով|հաղորդմամբ)")


# "The region's human rights ombudsman said": in this conflict the one region with officials
# of its own is Karabakh.
_REGION_S = re.compile(r"\bthe region s\s+(?:\w+\s+){0,3}?" + _OFFICIAL + r"\b")


def _regions(norm: str, span: tuple[int, int], karabakh: bool) -> tuple[int, Actor] | None:
    """'The region's ombudsman said' in an item naming Karabakh: Karabakh's authorities."""
    if not karabakh:
        return None
    lo, hi = span
    m = _REGION_S.search(norm, lo, hi)
    if m is not None and SPEECH_VERB.search(norm, m.end(), hi):
        return m.start(), "karabakh"
    return None


# An office opening the sentence with no country: "The Prosecutor General's Office said".
_THE_OFFICE = re.compile(r"\W*the\s+(?:\w+\s+){0,3}?" + _OFFICIAL + r"\b")


def _the_office(
    norm: str, institutions: Sequence[Match], span: tuple[int, int], before: Actor
) -> tuple[int, Actor] | None:
    """'The Prosecutor General's Office said ...' right after a sentence whose speaker is of
    one side: an office of that side (wire copy goes on with the same country's officials)."""
    lo, hi = span
    m = _THE_OFFICE.match(norm, lo, hi)
    inst = [i for i in institutions if lo <= i.start < lo + 40]
    if m is None and not (inst and re.fullmatch(r"\W*the\s+", norm[lo : inst[0].start])):
        return None
    end = m.end() if m is not None else inst[0].end
    if not SPEECH_VERB.search(norm, end, min(hi, end + 40)):
        return None
    return lo, INST_ACTOR[("karabakh" if before == "karabakh" else ACTOR_SIDE[before], "gov")]


def _official(
    text: str, norm: str, sides: Sequence[Match], span: tuple[int, int]
) -> tuple[int, Actor] | None:
    """An official of one side named by that side and speaking in the sentence at `span`."""
    lo, hi = span
    for s in sides:
        if s.tag not in SIDE_TAG:
            continue
        after = _OFFICE_AFTER.match(norm, s.end, min(hi, s.end + 48))
        before = _OFFICE_BEFORE.search(norm, max(lo, s.start - 24), s.start)
        if after is not None and any(c in text[s.end : after.end()] for c in ",;:.()"):
            after = None  # "Azerbaijani positions near Kalbajar, officials said": not theirs
        if after is None and before is None:
            continue
        said_from = after.end() if after is not None else s.end
        office = before.start() if before is not None else s.start
        according = _ACCORDING.search(norm, max(lo, office - 60), office) is not None
        if according or SPEECH_VERB.search(norm, said_from, hi):
            return s.start, INST_ACTOR[(s.tag, "gov")]
    return None


def _its(
    norm: str, institutions: Sequence[Match], span: tuple[int, int], last: Actor
) -> tuple[int, Actor] | None:
    """'Its Foreign Ministry said ...' opening the sentence: that institution of the side of
    the last speaker."""
    lo, hi = span
    side = ACTOR_SIDE[last]
    tag = "karabakh" if last == "karabakh" else side
    for m in institutions:
        opens = lo <= m.start < min(hi, lo + 40) and _ITS.fullmatch(norm, lo, m.start)
        if opens and SPEECH_VERB.search(norm, m.end, hi):
            return m.start, INST_ACTOR[(tag, m.tag)]
    return None
