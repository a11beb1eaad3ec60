"""Who says what in each sentence: speakers, stance (accusation, denial, claim), the side
accused, the act, and the claims of an item.

A sentence's speakers are the actors it names that speak (`speakers`), or, when it names none
but says "it said", the last speaker before it. A speaker accuses when the
sentence names another side as the one acting (see `_stance`), denies when it has a denial
formula, and otherwise only claims. Pure functions over lexicon matches.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.classifier.agents import agent_sides
from bot.classifier.casualties import OTHER as _OTHER
from bot.classifier.casualties import SIDE_TAG as _SIDE_TAG
from bot.classifier.lexicon import Match, group_pattern
from bot.classifier.scope import background_reason
from bot.classifier.speakers import (
    INST_ACTOR,
    SPEECH,
    Context,
    claim_source_side,
    country_speaks,
    named_speakers,
    opener,
    speakers_only,
)
from bot.classifier.types import Claim, Location
from bot.domain import ACTOR_SIDE, Action, Actor, Side, Stance

__all__ = ["Sentence", "claims_of", "place_side", "read_sentences"]

# A sentence that names no speaker but says "it said", "the ministry added", "там заявили",
# "по данным ведомства", or speaks with no subject of its own ("говорится", "bildirilib",
# "նշվում է") speaks for the last speaker named before it; so, in Armenian, which drops the
# subject, does any speech verb ("հայտնել են"). A verb with a subject of its own that is no
# actor ("жители заявили", "kənd sakinləri bildirib") does not.
_CARRIED = re.compile(
    r"\b(?:it|he|she|they|the ministry|the statement|the army|the service|the agency|там|"
    r"в ведомстве|в министерстве|в заявлении|в ответ)\s+(?:\w+\s+)?" + SPEECH
    + r"|" + group_pattern("speech_source")
    + r"\s+(?:the\s+)?(?:ministry|statement|army|service|ведомства|министерства)\b"
    + r"|" + group_pattern("speech_impersonal")
)
_PRO_DROP = frozenset({"hy"})
_SPEECH_RE = re.compile(SPEECH)
_VERB_LAST = frozenset({"hy", "az"})  # languages whose verb ends the clause


def _carried(norm: str, lo: int, hi: int, lang: str) -> bool:
    """Whether a sentence naming no speaker speaks for the last one (see `_CARRIED`)."""
    if lang in _PRO_DROP and _SPEECH_RE.search(norm, lo, hi):
        return True
    return _CARRIED.search(norm, lo, hi) is not None


def _start(m: Match) -> int:
    return m.start


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
class Sentence:
    """One sentence: its speakers, stance, the side accused, the act, its scope."""

    start: int
    end: int
    actors: tuple[Actor, ...]
    where: tuple[int, ...]  # where each actor is named (the sentence start when carried over)
    stance: Stance
    accused: Side | None
    text: str
    background: str = ""  # why the sentence tells background; empty for the event
    outright: bool = False  # the accusation is said in so many words ("accused", "blamed")
    action: Action | None = None
    denies: bool = False  # also denies ("called it a provocation and Baku's claim nonsense")
    # the accusation stands on an act against the speaker's side, not only on words that
    # condemn ("treacherous", "genocide") or an operation named ("Azerbaijan's offensive")
    direct: bool = True
    sentence: tuple[int, int] = (0, 0)  # the whole sentence this clause belongs to


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
    stance_words: Sequence[Match],
    actors: Sequence[Actor],
    armed: bool = False,
    returned: bool = False,
) -> tuple[Stance, Side | None]:
    """What a sentence's speakers do: deny, accuse (whom) or only claim.

    An accusation needs an accused side other than the speaker's: named as the attacker
    ("Azerbaijani forces shelled", "fire from the Armenian side"), named after an accusing
    word ("accused Armenia of", "возложил ответственность на ВС Армении"), or "the enemy".
    Third parties accuse only in so many words. `armed`: the sentence names a weapon, whose
    side is the one acting ("missiles launched from Armenian territory"); `returned`: it
    says the speaker's side returned fire.
    """
    accuse = [m for m in stance_words if m.tag in ("accuse", "condemn")]
    accused: Side | None = None
    if "denial" in groups or (_denies(groups, stance_words) and not accuse):
        source = claim_source_side(sides, norm)  # "denied Azerbaijani reports that ..."
        others = [a for a in agents if a not in (own_side, source)]
        if own_side is not None and others and groups & _VIOLENT:
            # "rejected the accusation and said Azerbaijani troops had opened fire first":
            # both (the denial is kept by `Sentence.denies`)
            return "accusation", others[0]
        return "denial", None
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
    if accused is not None and (groups & _VIOLENT or armed):
        return "accusation", accused
    if accused is None and own_side is not None and returned:
        return "accusation", _OTHER[own_side]  # "our units returned fire": they fired first
    return "claim", accused


def _denies(groups: set[str], stance_words: Sequence[Match]) -> bool:
    return "denial" in groups or any(m.tag == "deny" for m in stance_words)


def _denier(sides: Sequence[Match], signal: Sequence[Match], norm: str, lo: int) -> Side | None:
    """Who denies in a sentence naming no official: a country named before the denial word
    ("Azerbaijan denied", "В Ереване ... назвали не соответствующими действительности"),
    or the other side of the one named as the source of the claim denied."""
    denial = next((m for m in signal if m.group == "denial"), None)
    if denial is None:
        return None
    before = [m for m in sides if m.start < denial.start and m.tag in _SIDE_TAG]
    if before and 0 <= denial.start - before[-1].end <= 12:
        return _SIDE_TAG[before[-1].tag]  # "Баку это отрицает", "Baku denies"
    if before and len(norm[lo : before[0].start].split()) <= 2:
        return _SIDE_TAG[before[0].tag]  # the subject: "Baku denied", "В Ереване ... назвали"
    source = claim_source_side(sides, norm)
    if source is not None:
        return _OTHER[source]  # "the Armenian claim was denied"
    return _SIDE_TAG[before[0].tag] if before else None


@dataclass(frozen=True, slots=True)
class _Parts:
    """One sentence's span and its matches, by layer."""

    lo: int
    hi: int
    signal: list[Match]
    sides: list[Match]
    actors: list[Match]
    scope: list[Match]
    stance: list[Match]
    arms: list[Match]
    acts: list[Match]


def _parts(
    spans: list[tuple[int, int]], signal: list[Match], by_layer: dict[str, list[Match]]
) -> list[_Parts]:
    layers = ("side", "actor", "scope", "stance", "weapon", "act")
    per = [_per_span(signal, spans), *(_per_span(by_layer.get(n, []), spans) for n in layers)]
    return [_Parts(lo, hi, *row) for (lo, hi), *row in zip(spans, *per, strict=True)]


def _agents(p: _Parts, norm: str) -> list[Side]:
    return agent_sides(p.sides, sorted([*p.signal, *p.acts], key=_start), norm, p.arms)


def _named(
    p: _Parts, norm: str, lang: str, agents: list[Side], place_side: Side | None
) -> tuple[list[Actor], list[int]]:
    """The speakers a sentence names: actors, a country speaking, a country denying."""
    groups = {m.group for m in p.signal}
    denial = "denial" in groups
    context = Context(norm, lang, p.sides, agents, "enemy" in groups, denial, place_side, p.hi)
    actors, where = named_speakers(p.actors, context)
    # a country speaking beside a named actor ("Baku denies it and says the peacekeepers' cars
    # pass"): in order, then those talked about are dropped
    countries = country_speaks(p.sides, norm, (p.lo, p.hi), not actors and lang in _VERB_LAST)
    for actor, at in zip(*countries, strict=True):
        # ("Минобороны Азербайджана утверждает": the country is the named ministry's)
        if ACTOR_SIDE.get(actor) not in {ACTOR_SIDE.get(a) for a in actors}:
            i = bisect_right(where, at)
            actors.insert(i, actor)
            where.insert(i, at)
    actors, where = speakers_only(actors, where, norm, p.hi, opener(p.actors, context))
    if not actors and denial:
        denier = _denier(p.sides, p.signal, norm, p.lo)
        if denier is not None:  # "Армения свою причастность отрицает": its government
            actors, where = [INST_ACTOR[(denier, "gov")]], [p.lo]
    return actors, where


def _stance_of(
    p: _Parts, norm: str, agents: list[Side], actors: list[Actor]
) -> tuple[Stance, Side | None, bool]:
    """A clause's stance and accused side (`_stance`), and whether the accusation is direct:
    it stands without words that only condemn and without an operation named."""
    groups = {m.group for m in p.signal}
    own_side = next((ACTOR_SIDE[a] for a in actors if a in ACTOR_SIDE), None)
    armed = bool(p.arms)
    span = (p.lo, p.hi)
    sides, back = p.sides, any(m.tag == "return" for m in p.acts)
    stance, accused = _stance(
        norm, span, groups, agents, own_side, sides, p.stance, actors, armed, back
    )
    direct = stance != "accusation" or _stance(
        norm, span, groups, agent_sides(p.sides, p.signal, norm, p.arms),
        own_side, p.sides, [m for m in p.stance if m.tag != "condemn"], actors, armed, back,
    )[0] == "accusation"  # fmt: skip
    return stance, accused, direct


def read_sentences(
    text: str,
    norm: str,
    spans: list[tuple[int, int]],
    signal: list[Match],
    by_layer: dict[str, list[Match]],
    lang: str,
    scope: tuple[datetime | None, list[tuple[int, datetime]]],
    place_side: Side | None = None,
) -> list[Sentence]:
    """Each sentence's speakers, stance, accused side, act and scope (`scope` is the item's
    publication time and the days it names, offset and date)."""
    out: list[Sentence] = []
    speaker: tuple[Actor, ...] = ()
    # scope is judged on whole sentences ("In May 2018 ...; Baku then accused"), speakers and
    # stance on clauses ("Yerevan calls it a blockade; Baku denies it")
    scopes = _per_span(by_layer.get("scope", []), spans)
    reasons = [
        background_reason(norm, span, marks, scope[0], scope[1])
        for span, marks in zip(spans, scopes, strict=True)
    ]
    clauses, parents = _clauses(text, spans)
    split = len(clauses) > len(spans)
    whole = _parts(spans, signal, by_layer) if split else []
    for p, parent in zip(_parts(clauses, signal, by_layer), parents, strict=True):
        lo, hi = p.lo, p.hi
        groups = {m.group for m in p.signal}
        agents = _agents(p, norm)
        # an unnamed institution takes its side from the whole sentence's attacker
        # ("Azerbaijan launches offensive; ombudsman says 25 dead")
        context_agents = agents or (_agents(whole[parent], norm) if split else [])
        actors, where = _named(p, norm, lang, context_agents, place_side)
        if actors:
            speaker = tuple(actors)
        elif speaker and _carried(norm, lo, hi, lang):
            actors, where = list(speaker), [lo] * len(speaker)  # "it said", "the ministry added"
        stance, accused, direct = _stance_of(p, norm, agents, actors)
        if not actors and stance == "accusation" and _goes_on(speaker, accused):
            actors, where = list(speaker), [lo] * len(speaker)
        out.append(
            Sentence(
                lo,
                hi,
                tuple(actors),
                tuple(where),
                stance,
                accused,
                " ".join(text[lo:hi].split()),
                reasons[parent],
                any(m.tag == "accuse" for m in p.stance),
                _action(norm, p.signal, p.arms),
                _denies(groups, p.stance),
                direct,
                spans[parent],
            )
        )
    return out


_CLAUSE_BREAK = re.compile(r";\s+")
_CLAUSE_WORDS = 4  # a clause shorter than this is a list item ("Sotk; Kut; Jermuk")


def _clauses(
    text: str, spans: Sequence[tuple[int, int]]
) -> tuple[list[tuple[int, int]], list[int]]:
    """Each sentence cut at its semicolons into clauses that each have words enough to say
    something (so "Yerevan calls it a blockade; Baku denies it" has two speakers), with the
    index of the sentence each clause belongs to."""
    clauses: list[tuple[int, int]] = []
    parents: list[int] = []
    for i, (lo, hi) in enumerate(spans):
        start = lo
        for m in _CLAUSE_BREAK.finditer(text, lo, hi):
            head, tail = text[start : m.start()], text[m.end() : hi]
            if len(head.split()) >= _CLAUSE_WORDS and len(tail.split()) >= _CLAUSE_WORDS:
                clauses.append((start, m.start() + 1))
                parents.append(i)
                start = m.end()
        clauses.append((start, hi))
        parents.append(i)
    return clauses, parents


def _goes_on(speaker: tuple[Actor, ...], accused: Side | None) -> bool:
    """Whether an accusation naming no speaker goes on with the last speaker's account: that
    speaker is of one side, and the side accused is the other."""
    sides = {ACTOR_SIDE[a] for a in speaker if a in ACTOR_SIDE}
    return len(sides) == 1 and accused is not None and accused not in sides


def _places_in(text: str, s: Sentence, locations: Sequence[Location]) -> tuple[str, ...]:
    """Ids of the places named in a sentence (as the gazetteer matched them in the item)."""
    return tuple(
        loc.id for loc in locations if loc.matched and text.find(loc.matched, s.start, s.end) >= 0
    )


def place_side(locations: Sequence[Location]) -> Side | None:
    """The side whose settlements and districts alone the item names, if only one's."""
    countries = {loc.country for loc in locations if loc.kind in ("settlement", "district")}
    if countries == {"AM"}:
        return "armenian"
    if countries == {"AZ"}:
        return "azerbaijani"
    return None


def claims_of(
    sentences: Sequence[Sentence],
    signal: Sequence[Match],
    text: str,
    locations: Sequence[Location],
) -> list[Claim]:
    """One claim per (actor, stance, accused) from the event's sentences; an item that names
    no speaker but tells violence is the outlet's own claim ("media")."""
    claims: list[Claim] = []
    seen: set[tuple[str, str, str | None]] = set()
    # a sentence that accuses or denies without naming who says so speaks for the item's
    # speaker when only one side's speak in it ("Azerbaijani units opened fire at our
    # positions near Sotk. ..., the ministry said"), else for the outlet
    sided = [a for s in sentences for a in s.actors if a in ACTOR_SIDE]
    item_voice: Actor = sided[0] if len({ACTOR_SIDE[a] for a in sided}) == 1 else "media"
    for s in sentences:
        stances: list[tuple[Stance, Side | None]] = [(s.stance, s.accused)]
        if s.denies and s.stance == "accusation":
            stances.append(("denial", None))
        own = s.stance != "claim" and s.accused != ACTOR_SIDE.get(item_voice)
        speakers = s.actors or ((item_voice,) if own and sided else ())
        for actor in speakers:
            for stance, accused in stances:
                if actor == "third_party" and stance == "accusation" and not s.outright:
                    continue  # a mediator or a mission names no culprit unless it says so
                key = (actor, stance, accused)
                if key in seen:
                    continue
                seen.add(key)
                claims.append(
                    Claim(
                        actor=actor,
                        stance=stance,
                        evidence=s.text[:300],
                        accused=accused,
                        action=s.action,
                        place_ids=_places_in(text, s, locations),
                    )
                )
    if claims:
        return claims
    # the outlet itself accuses or reports, never denies
    violent = [s for s in sentences if s.stance == "accusation" or s.accused]
    if violent or any(m.group in ("fire", "kill", "wound", "capture") for m in signal):
        first = violent[0] if violent else sentences[0] if sentences else None
        if first is not None:
            claims.append(
                Claim(actor="media", stance=first.stance, evidence=first.text[:300],
                      accused=first.accused, action=first.action,
                      place_ids=_places_in(text, first, locations))
            )  # fmt: skip
    return claims
