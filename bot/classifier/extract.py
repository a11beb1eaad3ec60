"""Fact extraction: casualties, weapons, claims, event date and severity, each with its basis.

Everything here is pure: it reads the text, its normalised twin (same offsets) and the lexicon
matches, and returns value objects from `bot.classifier.types`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from bot.classifier.casualties import OTHER as _OTHER
from bot.classifier.casualties import SIDE_TAG as _SIDE_TAG
from bot.classifier.casualties import Said, find_casualties
from bot.classifier.dates import DateMention, find_dates, resolve
from bot.classifier.lexicon import Match
from bot.classifier.numbers import BIRTH_BEFORE
from bot.classifier.scope import background_reason, split_sentences
from bot.classifier.tokens import Tokens
from bot.classifier.types import Casualties, Claim, Location
from bot.domain import ACTOR_SIDE, HEAVY_WEAPONS, Action, Actor, Severity, Side, Stance

__all__ = [
    "ESCALATIONS",
    "HEAVY_WEAPONS",
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
_INST_ACTOR: dict[tuple[str, str], Actor] = {
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
_LANG_SIDE: dict[str, Side] = {"hy": "armenian", "az": "azerbaijani"}

_TOKEN = re.compile(r"\w+")
# A sentence that names no speaker but says "it said", "the ministry added", "заявили в
# ведомстве", "հայտնել են", "bildirib" speaks for the last speaker named before it.
_SPEECH = re.compile(
    r"\b(?:(?:it|he|she|they|the ministry|the statement|the army|the service|the agency)\s+"
    r"(?:\w+\s+)?(?:said|says|added|adds|stated|confirmed|reported|noted|claimed|insisted|"
    r"announced|accused|denied|blamed)|according to the (?:ministry|statement|army|service)|"
    r"говорится|добави\w*|отмети\w*|уточни\w*|подчеркну\w*|сообщили в|заявили в|"
    r"в ведомстве|в заявлении|по данным ведомства|"
    r"հավելել|նշել|հայտնել|շեշտել|ընդգծել|bildirilib|qeyd olunub|vurgulanib|elave edilib)\b"
)
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
# Words after a side word that make it the source of a claim ("Baku's claim", "Azerbaijani
# media"), so a denial in the same sentence comes from the other side.
_CLAIM_WORDS = (
    "claim", "claims", "statement", "statements", "report", "reports", "media", "account",
    "accusation", "allegation", "version", "заявлени", "сообщени", "утверждени", "информаци",
    "сми", "обвинени", "верси", "պնդում", "հայտարարությ", "լրատվամիջոց", "տեղեկատվությ",
    "iddia", "melumat", "medi", "kiv", "behanat",
)  # fmt: skip


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


def _per_span(matches: Sequence[Match], spans: Sequence[tuple[int, int]]) -> list[list[Match]]:
    """The matches starting in each span, in their order, for all spans in one pass.

    `spans` are ordered and disjoint (as `split_sentences` returns them), so a match can only
    belong to the last span starting at or before it.
    """
    starts = [lo for lo, _ in spans]
    out: list[list[Match]] = [[] for _ in spans]
    for m in matches:
        i = bisect_right(starts, m.start) - 1
        if i >= 0 and m.start < spans[i][1]:
            out[i].append(m)
    return out


@dataclass(frozen=True, slots=True)
class _Sentence:
    start: int
    end: int
    actors: tuple[Actor, ...]
    where: tuple[int, ...]  # where each actor is named (the sentence start when carried over)
    stance: Literal["claim", "denial", "accusation"]
    accused: Side | None
    text: str
    background: str = ""  # why the sentence tells background; empty for the event
    outright: bool = False  # the accusation is said in so many words ("accused", "blamed")
    action: Action | None = None


# After a side's name, the place or people that are hit, not the ones firing.
_VICTIM_NOUN = re.compile(
    r"\s*(?:s\s+)?(?:positions?|territory|villages?|settlements?|civilians?|homes?|border|side s|"
    r"позици\w*|территори\w*|сел\w*|населенн\w*|мирн\w*|դիրք\w*|տարածք\w*|գյուղ\w*|"
    r"movqe\w*|erazi\w*|kend\w*)\b"
)
_BY_SIDE = re.compile(r"(?:from|by|со стороны|from the direction of)(?: the)?\s*$")
_SIDE_BY = re.compile(r"^\s*(?:s )?(?:tərəfindən|terefinden|կողմից|стороной)")


def _acts(s: Match, anchors: Sequence[Match], norm: str) -> bool:
    """A side named as the subject of an act ("Azerbaijan launched intensive shelling") or as
    where fire came from ("fire from the Armenian side", "erməni tərəfindən")."""
    for a in anchors:
        if a.group not in ("fire", "incursion"):
            continue
        gap = norm[s.end : a.start]
        words = gap.split()
        if any(w in ("and", "и", "և", "ve", "or", "called", "urged") for w in words):
            continue
        if 0 <= a.start - s.end <= 40 and len(words) <= 3 and not _VICTIM_NOUN.match(gap):
            return True  # "Azerbaijan launched shelling", "Armenian units opened fire"
        if 0 <= s.start - a.end <= 40 and _BY_SIDE.search(norm, a.end, s.start):
            return True
    return bool(_SIDE_BY.match(norm, s.end))


def _agent_sides(sides: Sequence[Match], signal: Sequence[Match], norm: str) -> list[Side]:
    """Sides named as the ones acting: "Azerbaijani units", "ВС Азербайджана", "Armenian fire".

    `sides` and `signal` are the side and signal matches of one sentence.
    """
    anchors = [m for m in signal if m.group in ("forces", "fire", "combat", "incursion")]
    out: list[Side] = []
    for s in sides:
        side = _SIDE_TAG.get(s.tag)
        if side is None:
            continue
        if _acts(s, anchors, norm) and side not in out:
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


_VIOLENT = frozenset({"fire", "combat", "incursion", "capture", "kill", "wound"})
_HEAVY_FIRE = frozenset({"artillery", "mortar", "rocket", "tank"})
_SHELLING = ("shell", "bombard", "barrage", "обстрел", "артобстрел", "հրետակոծ", "artilleriya")


def _action(norm: str, signal: Sequence[Match], weapons: Sequence[Match]) -> Action | None:
    """What a sentence says happened, most specific first: drones, shelling, an incursion,
    a capture, fighting (an attack), fire."""
    groups = {m.group for m in signal}
    tags = {m.tag for m in weapons}
    if "drone" in tags and groups & {"fire", "combat", "kill", "wound", "damage"}:
        return "drone"
    if tags & _HEAVY_FIRE and groups & {"fire", "combat", "kill", "wound", "damage"}:
        return "shelling"
    if any(m.group == "fire" and norm.startswith(_SHELLING, m.start) for m in signal):
        return "shelling"  # "intensive shelling", "обстрел", "հրետակոծություն"
    if "incursion" in groups:
        return "incursion"
    if "capture" in groups:
        return "capture"
    if "combat" in groups:
        return "attack"
    if "fire" in groups:
        return "fire"
    return None


def _stance(
    norm: str,
    span: tuple[int, int],
    groups: set[str],
    agents: Sequence[Side],
    own_side: Side | None,
    sides: Sequence[Match],
    accuse: Sequence[Match],
    actors: Sequence[Actor],
) -> tuple[Stance, Side | None]:
    """What a sentence's speakers do: deny, accuse (whom) or only claim.

    An accusation needs an accused side other than the speaker's: named as the attacker
    ("Azerbaijani forces shelled", "fire from the Armenian side"), named after an accusing
    word ("accused Armenia of", "возложил ответственность на ВС Армении"), or "the enemy".
    Third parties accuse only in so many words.
    """
    if "denial" in groups:
        return "denial", None
    accused: Side | None = None
    if accuse:
        after = [
            _SIDE_TAG[m.tag]
            for m in sides
            if m.tag in _SIDE_TAG and accuse[0].start <= m.start < accuse[0].end + 80
        ]
        accused = next((a for a in after if a != own_side), None)
        if accused is None and own_side is not None and ("enemy" in groups or not after):
            accused = _OTHER[own_side]
        if accused is not None:
            return "accusation", accused
    if own_side is None and actors and all(a == "third_party" for a in actors):
        return "claim", None
    others = [a for a in agents if a != own_side]
    if others:
        accused = others[0]
    elif "enemy" in groups and own_side is not None:
        accused = _OTHER[own_side]
    if accused is not None and groups & _VIOLENT:
        return "accusation", accused
    return "claim", accused


def _resolve_actor(m: Match, sides: Sequence[Match], norm: str) -> tuple[Actor | None, str]:
    """The actor of an actor-layer match; ("", kind) when the country is still unknown."""
    if m.tag in _FIXED_ACTORS:
        return _FIXED_ACTORS[m.tag], ""
    for s in sides:
        gap_before = m.start - s.end
        gap_after = s.start - m.end
        if 0 <= gap_before <= 3 or (
            0 <= gap_after <= 5 and norm[m.end : s.start].strip() in ("", "of", "s", "of the")
        ):
            actor = _INST_ACTOR.get((s.tag, m.tag))
            if actor is not None:
                return actor, ""
    return None, m.tag


def _denier(
    sides: Sequence[Match], signal: Sequence[Match], norm: str, lo: int
) -> Side | None:
    """Who denies in a sentence naming no official: a country named before the denial word
    ("Azerbaijan denied", "В Ереване ... назвали не соответствующими действительности"),
    or the other side of the one named as the source of the claim denied."""
    denial = next((m for m in signal if m.group == "denial"), None)
    if denial is None:
        return None
    before = [m for m in sides if m.start < denial.start and m.tag in _SIDE_TAG]
    if before and len(norm[lo : before[0].start].split()) <= 2:
        return _SIDE_TAG[before[0].tag]  # the subject: "Baku denied", "В Ереване ... назвали"
    source = _claim_source_side(sides, norm)
    if source is not None:
        return _OTHER[source]  # "the Armenian claim was denied"
    return _SIDE_TAG[before[0].tag] if before else None


def _claim_source_side(sides: Sequence[Match], norm: str) -> Side | None:
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


def _sentences(
    text: str,
    norm: str,
    spans: list[tuple[int, int]],
    signal: list[Match],
    by_layer: dict[str, list[Match]],
    lang: str,
    scope: tuple[datetime | None, list[tuple[int, datetime]]],
    place_side: Side | None = None,
) -> list[_Sentence]:
    out: list[_Sentence] = []
    signal_in = _per_span(signal, spans)
    sides_in = _per_span(by_layer.get("side", []), spans)
    actors_in = _per_span(by_layer.get("actor", []), spans)
    scope_in = _per_span(by_layer.get("scope", []), spans)
    stances_in = _per_span(by_layer.get("stance", []), spans)
    arms_in = _per_span(by_layer.get("weapon", []), spans)
    speaker: tuple[Actor, ...] = ()
    for (lo, hi), in_sig, sides, actor_matches, marks, stance_in, arms in zip(
        spans, signal_in, sides_in, actors_in, scope_in, stances_in, arms_in, strict=True
    ):
        groups = {m.group for m in in_sig}
        agents = _agent_sides(sides, in_sig, norm)
        enemy = "enemy" in groups
        denial = "denial" in groups
        actors: list[Actor] = []
        where: list[int] = []
        for am in actor_matches:
            actor, kind = _resolve_actor(am, sides, norm)
            if actor is None:
                own: Side | None = _LANG_SIDE.get(lang)
                if own is None and enemy and not denial:
                    own = place_side  # "the enemy fired at positions near <our village>"
                if own is None and denial:
                    source = _claim_source_side(sides, norm)
                    if source is not None:
                        own = _OTHER[source]
                    elif len(agents) == 1:
                        own = agents[0]
                if own is None and agents and not denial:
                    own = _OTHER[agents[0]]
                if own is None:
                    continue
                actor = _INST_ACTOR[(own, kind)]
            if actor not in actors:
                actors.append(actor)
                where.append(am.start)
        if actors:
            speaker = tuple(actors)
        elif speaker and not actor_matches and _SPEECH.search(norm, lo, hi):
            actors = list(speaker)  # "it said", "the ministry added"
            where = [lo] * len(actors)
        elif denial and not actor_matches:
            denier = _denier(sides, in_sig, norm, lo)
            if denier is not None:  # "Армения свою причастность отрицает": its government
                actors, where = [_INST_ACTOR[(denier, "gov")]], [lo]
        own_side = next((ACTOR_SIDE[a] for a in actors if a in ACTOR_SIDE), None)
        stance, accused = _stance(
            norm, (lo, hi), groups, agents, own_side, sides, stance_in, actors
        )
        background = background_reason(norm, (lo, hi), marks, scope[0], scope[1])
        out.append(
            _Sentence(
                lo,
                hi,
                tuple(actors),
                tuple(where),
                stance,
                accused,
                " ".join(text[lo:hi].split()),
                background,
                bool(stance_in),
                _action(norm, in_sig, arms),
            )
        )
    return out


def _event_weapons(
    facts: Facts, text: str, weapons: Sequence[Match], sentences: Sequence[_Sentence]
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


def _places_in(text: str, s: _Sentence, locations: Sequence[Location]) -> tuple[str, ...]:
    """Ids of the places named in a sentence (as the gazetteer matched them in the item)."""
    return tuple(
        loc.id for loc in locations if loc.matched and text.find(loc.matched, s.start, s.end) >= 0
    )


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
    casualty_words = any(m.group in ("kill", "wound", "losses") for m in signal)
    # word tokens serve head counts and day numbers only; skip them when neither can occur
    tokens = Tokens(norm if casualty_words or _DIGIT.search(text) else "")
    mentions = find_dates(text, tokens, by_layer.get("when", []))

    countries = {loc.country for loc in locations if loc.kind in ("settlement", "district")}
    place_side: Side | None = None
    if countries == {"AM"}:
        place_side = "armenian"
    elif countries == {"AZ"}:
        place_side = "azerbaijani"
    days = [(d.start, day) for d in mentions if (day := resolve(d, published)) is not None]
    all_sentences = _sentences(
        text, norm, spans, signal, by_layer, lang, (published, days), place_side
    )
    sentences = [s for s in all_sentences if not s.background]
    _event_weapons(facts, text, by_layer.get("weapon", []), sentences)
    for s in sentences:
        facts.accused.extend(
            a for a in ([s.accused] if s.accused else []) if a not in facts.accused
        )
    seen: set[tuple[str, str, str | None]] = set()
    for s in sentences:
        for actor in s.actors:
            if actor == "third_party" and s.stance == "accusation" and not s.outright:
                continue  # a mediator or a mission names no culprit unless it says so
            key = (actor, s.stance, s.accused)
            if key in seen:
                continue
            seen.add(key)
            facts.claims.append(
                Claim(
                    actor=actor,
                    stance=s.stance,
                    evidence=s.text[:300],
                    accused=s.accused,
                    action=s.action,
                    place_ids=_places_in(text, s, locations),
                )
            )
    # who speaks for a figure in a sentence naming no one: the item's speaker when all its
    # speakers are of one side, else only "media" (no side's name on a figure it may not give)
    speaking = {ACTOR_SIDE.get(c.actor) for c in facts.claims}
    default_actor: Actor = facts.claims[0].actor if len(speaking) == 1 else "media"
    if not facts.claims:
        violent = [s for s in sentences if s.stance != "claim" or s.accused]
        if violent or any(m.group in ("fire", "kill", "wound", "capture") for m in signal):
            first = violent[0] if violent else sentences[0] if sentences else None
            if first is not None:
                facts.claims.append(
                    Claim(
                        actor="media",
                        stance=first.stance,
                        evidence=first.text[:300],
                        accused=first.accused,
                    )
                )

    if casualty_words:
        said = [
            Said(s.start, s.end, tuple(zip(s.where, s.actors, strict=True)), not s.background)
            for s in all_sentences
        ]
        facts.casualties, facts.unattributed_killed = find_casualties(
            text, norm, tokens, by_layer, said, lang, default_actor
        )
    facts.event_date, facts.date_evidence = _event_date(text, mentions, published, spans, signal)
    if _CLOCK_HINT.search(text):
        facts.clock = [m.group() for m in _CLOCK.finditer(text)]
    for year, ev in find_years(text):
        facts.years.append(year)
        facts.year_evidence.append(ev)
    return facts


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
