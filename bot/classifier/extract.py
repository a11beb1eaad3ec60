"""Fact extraction: casualties, weapons, claims, event date and severity, each with its basis.

Everything here is pure: it reads the text, its normalised twin (same offsets) and the lexicon
matches, and returns value objects from `bot.classifier.types`. The text is split into
sentences and each is judged event or background (`scope`); facts come from the event's
sentences only: claims (`statements`), casualty figures (`casualties`, counts read by
`numbers`) and weapons. Severity and the event date are graded here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.classifier.casualties import Said, find_casualties, tells_casualties
from bot.classifier.dates import DateMention, find_dates, resolve
from bot.classifier.held import held_side
from bot.classifier.lexicon import Match
from bot.classifier.numbers import BIRTH_BEFORE
from bot.classifier.scope import split_sentences
from bot.classifier.statements import (
    Sentence,
    claims_of,
    place_side,
    read_sentences,
)
from bot.classifier.tokens import Tokens
from bot.classifier.types import Casualties, Claim, Location
from bot.classifier.voices import casualty_voices
from bot.domain import ACTOR_SIDE, HEAVY_WEAPONS, Actor, Severity, Side

__all__ = [
    "ESCALATIONS",
    "Facts",
    "extract_facts",
    "find_years",
    "grade_severity",
]


# Known large-scale escalations (first day, last day): the four-day war, the 44-day war, the
# September 2022 attack on Armenia and the September 2023 Karabakh offensive. Fire reported on
# these days is graded "critical" even when the item gives no toll.
ESCALATIONS: tuple[tuple[datetime, datetime], ...] = (
    (datetime(2016, 4, 1, tzinfo=UTC), datetime(2016, 4, 5, tzinfo=UTC)),
    (datetime(2020, 9, 27, tzinfo=UTC), datetime(2020, 11, 10, tzinfo=UTC)),
    (datetime(2022, 9, 13, tzinfo=UTC), datetime(2022, 9, 14, tzinfo=UTC)),
    (datetime(2023, 9, 19, tzinfo=UTC), datetime(2023, 9, 20, tzinfo=UTC)),
)

_TOKEN = re.compile(r"\w+")
_CLOCK = re.compile(
    r"(?<![\d.:])(?:[01]?\d|2[0-3])[:.][0-5]\d(?![\d.:])(?:\s*(?:a\.?m\.?|p\.?m\.?))?"
    r"|(?<![\d.:])(?:1[0-2]|0?[1-9])\s*(?:a\.m\.|p\.m\.|am\b|pm\b)",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_CLOCK_HINT = re.compile(r"\d[:.]\d\d|\d\s*[ap]\.?m\b", re.IGNORECASE)
# The lookbehind comes after the digits (same condition: no digit, '.', ',' or ':' before the
# year) so the regex engine can skip ahead to a "1" or "2" instead of trying every position.
_YEAR_RE = re.compile(r"((?:19|20)\d\d)(?<![\d.,:]\d\d\d\d)(?![\d])")


@dataclass(slots=True)
class Facts:
    """What the extractor found; `clock`, `years` and `date_evidence` feed the model."""

    casualties: list[Casualties] = field(default_factory=list)
    weapons: list[str] = field(default_factory=list)
    weapon_evidence: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    event_date: datetime | None = None
    date_evidence: str = ""
    clock: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    year_evidence: list[str] = field(default_factory=list)
    accused: list[Side] = field(default_factory=list)
    unattributed_killed: int = 0  # deaths told whose side is unclear: severity only


def find_years(text: str) -> list[tuple[int, str]]:
    """Four-digit years mentioned in `text`, except birth years and parts of clock times."""
    out: list[tuple[int, str]] = []
    for m in _YEAR_RE.finditer(text):
        before = text[max(0, m.start() - 12) : m.start()].lower()
        words = _TOKEN.findall(before)
        if words and words[-1] in BIRTH_BEFORE:
            continue
        if "since" in words[-3:] or "с" in words[-2:]:
            continue  # "the worst since the 1994 ceasefire": a comparison, not background
        after = text[m.end() : m.end() + 12].lower()
        if re.match(r"[\s-]*(?:թ\.?\s*ծնված|г\.\s*р|года рождения)", after):
            continue
        if re.match(r"\s*\)", after) and re.search(r"\(\s*(?:b\.?\s*)?$", before):
            continue  # "(b. 2002)", "(2002)" after a name
        out.append((int(m.group(1)), text[max(0, m.start() - 20) : m.end() + 5].strip()))
    return out


def _event_weapons(
    facts: Facts, text: str, weapons: Sequence[Match], sentences: Sequence[Sentence]
) -> None:
    """The weapons named in the event's sentences (not those of earlier wars)."""
    spans = [(s.start, s.end) for s in sentences]
    for m, in_event in zip(weapons, _in_spans(weapons, spans), strict=True):
        if in_event and m.tag and m.tag not in facts.weapons:
            facts.weapons.append(m.tag)
            facts.weapon_evidence.append(text[m.start : m.end])


def _in_spans(matches: Sequence[Match], spans: Sequence[tuple[int, int]]) -> list[bool]:
    """For each match, whether it starts inside one of the ordered, disjoint `spans`."""
    starts = [lo for lo, _ in spans]
    out = []
    for m in matches:
        i = bisect_right(starts, m.start) - 1
        out.append(i >= 0 and m.start < spans[i][1])
    return out


def _event_date(
    text: str,
    mentions: Sequence[DateMention],
    published: datetime | None,
    spans: list[tuple[int, int]],
    signal: list[Match],
) -> tuple[datetime | None, str]:
    if not mentions:
        return None, ""
    violent = [
        m.start
        for m in signal
        if m.group in ("fire", "combat", "kill", "wound", "capture", "incursion", "denial")
    ]

    def in_violent_sentence(start: int) -> bool:
        for lo, hi in spans:
            if lo <= start < hi:
                return any(lo <= v < hi for v in violent)
        return False

    ordered = sorted(mentions, key=lambda d: (not in_violent_sentence(d.start), d.start))
    for mention in ordered:
        day = resolve(mention, published)
        if day is not None:
            if published is not None and day > published + timedelta(days=2):
                continue
            return day, text[mention.start : mention.end]
    return None, ""


def extract_facts(
    text: str,
    norm: str,
    title_end: int,
    matches: Sequence[Match],
    lang: str,
    published: datetime | None,
    locations: Sequence[Location] = (),
) -> Facts:
    """All facts of one item. `text[:title_end]` is the title; `norm` is `normalize(text)`;
    `locations` (from the gazetteer) tell whose positions a terse "enemy fire" line is about."""
    facts = Facts()
    by_layer: dict[str, list[Match]] = {}
    for m in matches:
        by_layer.setdefault(m.layer, []).append(m)
    signal = by_layer.get("signal", [])
    spans = split_sentences(text, title_end, lang)
    casualty_words = tells_casualties(norm, signal)
    # word tokens serve head counts and day numbers only; skip them when neither can occur
    tokens = Tokens(norm if casualty_words or _DIGIT.search(text) else "")
    mentions = find_dates(text, tokens, by_layer.get("when", []))

    days = [(d.start, day) for d in mentions if (day := resolve(d, published)) is not None]
    all_sentences = read_sentences(
        text, norm, spans, signal, by_layer, lang, (published, days), place_side(locations)
    )
    sentences = [s for s in all_sentences if not s.background]
    _event_weapons(facts, text, by_layer.get("weapon", []), sentences)
    for s in sentences:
        if s.accused and s.accused not in facts.accused:
            facts.accused.append(s.accused)
    facts.claims = claims_of(sentences, signal, text, locations)
    # who speaks for a figure in a sentence naming no one: the item's speaker when all its
    # speakers are of one side, else only "media" (no side's name on a figure it may not give).
    # A side that only denies (a ministry saying none of its people took part) reports no
    # losses of its own: it speaks for no figure.
    speaking = {ACTOR_SIDE[c.actor] for c in facts.claims if c.actor in ACTOR_SIDE}
    sided = [c.actor for c in facts.claims if c.actor in ACTOR_SIDE and c.stance != "denial"]
    default_actor: Actor = sided[0] if len(speaking) == 1 and sided else "media"

    if casualty_words:
        said = _said(all_sentences, (text, norm), by_layer, lang, locations)
        accusing = _accusing(facts.claims, sentences)
        facts.casualties, facts.unattributed_killed = find_casualties(
            text, norm, tokens, by_layer, said, lang, default_actor, accusing
        )
    facts.event_date, facts.date_evidence = _event_date(text, mentions, published, spans, signal)
    if _CLOCK_HINT.search(text):
        facts.clock = [m.group() for m in _CLOCK.finditer(text)]
    for year, ev in find_years(text):
        facts.years.append(year)
        facts.year_evidence.append(ev)
    return facts


@dataclass(frozen=True, slots=True)
class _Whole:
    """A whole sentence made of its clauses: where, who speaks in it, whom it accuses."""

    start: int
    end: int
    actors: tuple[Actor, ...]
    where: tuple[int, ...]
    accused: Side | None
    background: bool


def _said(
    sentences: Sequence[Sentence],
    texts: tuple[str, str],
    by_layer: dict[str, list[Match]],
    lang: str,
    locations: Sequence[Location],
) -> list[Said]:
    """Whole sentences for the casualty reader, each with the speakers of all its clauses (and
    the voices `voices` reads where they name none), the side the sentence before accuses and
    the side whose never-contested territory its places are on."""
    by_span: dict[tuple[int, int], list[Sentence]] = {}
    for s in sentences:
        by_span.setdefault(s.sentence, []).append(s)
    wholes = [
        _Whole(
            lo,
            hi,
            tuple(a for c in clauses for a in c.actors),
            tuple(w for c in clauses for w in c.where),
            next((c.accused for c in clauses if c.accused), None),
            bool(clauses[0].background),
        )
        for (lo, hi), clauses in by_span.items()
    ]
    voices = casualty_voices(wholes, texts, by_layer, lang)
    accused_before = [None, *(w.accused for w in wholes[:-1])]
    return [
        Said(w.start, w.end, voice, not w.background, prior, held_side(texts[0], w, locations))
        for w, voice, prior in zip(wholes, voices, accused_before, strict=True)
    ]


def _accusing(claims: Sequence[Claim], sentences: Sequence[Sentence]) -> frozenset[Side]:
    """The sides on record in the item accusing the other: a side reporting an attack on
    itself. Only their voice gives a figure its side when the figure's words name none (a
    local shooting, an air crash or a mine accident has no accuser). An accusation that only
    condemns ("a war crime") or names an operation tells no attack on the speaker's people."""
    indirect = {s.text[:300] for s in sentences if not s.direct}
    return frozenset(
        ACTOR_SIDE[c.actor]
        for c in claims
        if c.actor in ACTOR_SIDE and c.stance == "accusation" and c.evidence not in indirect
    )


def _total_killed(casualties: Sequence[Casualties]) -> int:
    per_side: dict[str | None, int] = {}
    for c in casualties:
        if c.killed:
            per_side[c.side] = max(per_side.get(c.side, 0), c.killed)
    unknown = per_side.pop(None, 0)
    return max(sum(per_side.values()), unknown)


def grade_severity(
    facts: Facts,
    groups: set[str],
    published: datetime | None,
) -> tuple[Severity, str]:
    """Severity of an incident and the reason, from the facts and the war/no-casualty cues."""
    killed = max(_total_killed(facts.casualties), facts.unattributed_killed)
    wounded = sum(c.wounded or 0 for c in facts.casualties)
    when = facts.event_date or published
    in_escalation = when is not None and any(lo <= when <= hi for lo, hi in ESCALATIONS)
    heavy = [w for w in facts.weapons if w in HEAVY_WEAPONS]
    violent = bool(groups & {"fire", "combat", "kill", "wound"})
    if killed >= 25 or ("war" in groups and killed >= 10):
        return "critical", f"{killed} killed"
    if in_escalation and violent:
        return "critical", f"during a known large-scale escalation ({when:%Y-%m-%d})"
    if "war" in groups and heavy and violent and ("kill" in groups or "wound" in groups):
        return "critical", "war-scale fighting with heavy weapons"
    if killed >= 2:
        return "high", f"{killed} killed"
    if heavy and violent:
        return "high", "heavy weapons: " + ", ".join(heavy)
    if killed == 1:
        return "medium", "one killed"
    if wounded:
        return "medium", f"{wounded} wounded"
    if "capture" in groups:
        return "medium", "capture or detention"
    if "damage" in groups and "civil_property" in groups:
        return "medium", "damage to civilian property"
    if (
        ("wound" in groups or "kill" in groups)
        and "no_casualties" not in groups
        and "denial" not in groups
    ):
        return "medium", "casualties reported"
    return "low", "fire or incursion without casualties"
