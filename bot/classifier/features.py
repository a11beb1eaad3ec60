"""The model's features: a registry of small functions, each with its prior weight.

Features are *meaningful* signals (a lexicon group matched, a clock time named, a border village
found, an accused other side, ...), never words: the model only learns how much each kind of
evidence counts. Every feature is one `Feature` in `REGISTRY`: its name, its prior weight (the
trainer's starting point, domain knowledge) and the function that computes it, side by side, so
`FEATURES`, their code and the trainer's priors cannot drift apart. `model` scores them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.classifier.causes import explain_violence
from bot.classifier.dates import bare_months
from bot.classifier.extract import Facts
from bot.classifier.lexicon import Match
from bot.classifier.scope import background_reason, split_sentences
from bot.classifier.types import Location
from bot.domain import ACTOR_SIDE, HEAVY_WEAPONS

__all__ = [
    "FEATURES",
    "PRIOR_INTERCEPT",
    "REGISTRY",
    "Evidence",
    "Feature",
    "FeatureInput",
    "PlaceSets",
    "compute_features",
    "prior_weights",
]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A feature's value and the text that set it.

    `drops`: features this one explains away (only `violence_explained` sets it).
    """

    value: float
    evidence: str
    drops: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlaceSets:
    """Gazetteer ids the features treat apart.

    `border`: places on a border sector (without any, every place in Armenia or Azerbaijan
    counts as one); `contested`: places on the former Karabakh line of contact, which Karabakh
    Armenian forces held until `CONTESTED_UNTIL`: there, a place in Azerbaijan alone does not
    make a report one party's domestic news.
    """

    border: frozenset[str] = frozenset()
    contested: frozenset[str] = frozenset()


# the September 2023 offensive and the dissolution of the Karabakh authorities
CONTESTED_UNTIL = datetime(2023, 10, 1, tzinfo=UTC)


@dataclass(slots=True)
class FeatureInput:
    """What every feature function reads of one item, computed once by `compute_features`."""

    text: str
    title_end: int
    matches: Sequence[Match]
    facts: Facts
    locations: Sequence[Location]
    published: datetime | None
    place_sets: PlaceSets
    signal: list[Match] = field(default_factory=list)
    by_group: dict[str, list[Match]] = field(default_factory=dict)
    groups: set[str] = field(default_factory=set)
    local: list[Location] = field(default_factory=list)  # places in Armenia or Azerbaijan
    border: list[Location] = field(default_factory=list)  # of which on the border, not areas
    sides: list[Match] = field(default_factory=list)  # side-layer matches of the two parties
    ministry: list[Match] = field(default_factory=list)
    parties: set[str] = field(default_factory=set)  # "AM", "AZ": named or placed
    feats: dict[str, Evidence] = field(default_factory=dict)  # the features set so far
    lead_end: int = 0  # where the headline and the first sentence end

    def snippets(self, ms: Sequence[Match], limit: int = 3) -> str:
        """The matched texts, deduplicated, joined with " | "."""
        seen: list[str] = []
        for m in ms:
            s = " ".join(self.text[m.start : m.end].split())
            if s and s not in seen:
                seen.append(s)
            if len(seen) >= limit:
                break
        return " | ".join(seen)

    def group(self, *names: str) -> list[Match]:
        """Signal matches of any of the groups, in text order."""
        found = [m for name in names for m in self.by_group.get(name, ())]
        if len(names) > 1:
            found.sort(key=lambda m: m.start)
        return found


FeatureFn = Callable[[FeatureInput], Evidence | None]


@dataclass(frozen=True, slots=True)
class Feature:
    """One model feature: its name, the trainer's prior weight, what it means, how to compute it."""

    name: str
    prior: float
    doc: str
    compute: FeatureFn
    group: str | None = None  # a lexicon group used as it is (computed in one pass)


REGISTRY: list[Feature] = []
PRIOR_INTERCEPT = -3.0


def _register(name: str, prior: float, doc: str) -> Callable[[FeatureFn], FeatureFn]:
    def wrap(fn: FeatureFn) -> FeatureFn:
        REGISTRY.append(Feature(name, prior, doc, fn))
        return fn

    return wrap


def _group_feature(group: str, prior: float) -> None:
    def compute(inp: FeatureInput) -> Evidence | None:
        ms = inp.by_group.get(group)
        return Evidence(1.0, inp.snippets(ms)) if ms else None

    REGISTRY.append(Feature(group, prior, f"lexicon group `{group}` matched", compute, group))


# Lexicon groups used directly as features (value 1 when matched), with their priors (log-odds).
# Evidence of an armed event first, then evidence against: no new event, or not an armed
# Armenia–Azerbaijan event.
_GROUP_PRIORS: dict[str, float] = {
    "fire": 1.5, "combat": 0.7, "kill": 0.5, "wound": 0.5, "no_casualties": 0.3,
    "capture": 0.8, "incursion": 0.8, "damage": 0.3, "enemy": 1.0, "forces": 0.5,
    "position": 0.5, "line": 0.3, "border": 0.3, "village": 0.2, "denial": 0.5, "recency": 0.5,
    "casualty_claim": 0.2, "missing": 0.5, "losses": 0.2, "war": 0.0, "legal": 0.0,
    "monitoring": 0.0, "explosion": -0.3,
    "history": -1.5, "talks": -1.0, "landmine": -2.5, "exchange": -1.5, "humanitarian": -1.0,
    "nonhostile": -2.5, "domestic": -1.5, "foreign_conflict": -1.0, "turkey": -1.0,
    "drills_arms": -1.0, "sports_econ": -1.0, "analysis": -1.0, "rhetoric": -0.3,
    "aggregate": -1.0, "rights_report": -1.5,
    "bereaved": -1.5, "foreign_troops": -1.5, "local_quarrel": -1.5,
}  # fmt: skip
for _group, _prior in _GROUP_PRIORS.items():
    _group_feature(_group, _prior)

_VIOLENCE = frozenset({"fire", "combat", "kill", "wound", "capture", "incursion", "missing"})
_VIOLENCE_GROUPS = _VIOLENCE | {"damage", "losses"}  # scoped to the event in long articles
_CLAUSE = 60  # characters between a fire word and its target
_BACKGROUND = frozenset({"history", "analysis", "talks", "exchange", "humanitarian"})
_TITLE_BACKGROUND = frozenset({"history", "analysis", "talks", "rights_report", "exchange"})
_PARTY = {"armenian": "AM", "karabakh": "AM", "azerbaijani": "AZ"}
_SIDE_PARTY = {"armenian": "AM", "azerbaijani": "AZ"}
_MINISTRY_TAGS = frozenset({"mod", "border", "am_mod", "az_mod", "karabakh"})


@_register("title_violence", 1.0, "fire, fighting, casualties, capture, incursion in the headline")
def _title_violence(inp: FeatureInput) -> Evidence | None:
    ms = [m for m in inp.signal if m.start < inp.title_end and m.group in _VIOLENCE]
    return Evidence(1.0, inp.snippets(ms)) if ms else None


@_register("title_denial", 0.5, "a denial formula in the headline")
def _title_denial(inp: FeatureInput) -> Evidence | None:
    ms = [m for m in inp.signal if m.start < inp.title_end and m.group == "denial"]
    return Evidence(1.0, inp.snippets(ms)) if ms else None


@_register("clock_time", 1.0, 'a clock time ("at 18:10", "around 4 p.m.")')
def _clock_time(inp: FeatureInput) -> Evidence | None:
    return Evidence(1.0, " | ".join(inp.facts.clock[:3])) if inp.facts.clock else None


@_register("event_date", 0.0, 'a dated event ("on September 12", "12 сентября")')
def _event_date(inp: FeatureInput) -> Evidence | None:
    facts = inp.facts
    return Evidence(1.0, facts.date_evidence) if facts.event_date is not None else None


def _aged(inp: FeatureInput, lo: float, hi: float) -> Evidence | None:
    """The event date, if it lies `lo` to `hi` days (inclusive) before publication."""
    if inp.facts.event_date is None or inp.published is None:
        return None
    age = (inp.published - inp.facts.event_date).days
    if not lo <= age <= hi:
        return None
    return Evidence(1.0, f"{inp.facts.date_evidence} ({age} d old)")


@_register("date_recent", 0.8, "the event date is within a week before publication")
def _date_recent(inp: FeatureInput) -> Evidence | None:
    return _aged(inp, -1, 7)


@_register(
    "date_weeks", -1.0,
    "the event date is one to four weeks before publication: past the days in which follow-ups "
    "of an incident come, before the anniversaries (a report or a look back on an event)",
)  # fmt: skip
def _date_weeks(inp: FeatureInput) -> Evidence | None:
    return _aged(inp, 8, 31)


@_register("date_old", -2.5, "the event date is more than a month before publication")
def _date_old(inp: FeatureInput) -> Evidence | None:
    return _aged(inp, 32, math.inf)


@_register(
    "month_before", -1.0,
    'a month named without a day in the headline or lead, one to six months before '
    'publication ("the September attack" in October): a look back, not today\'s event',
)  # fmt: skip
def _month_before(inp: FeatureInput) -> Evidence | None:
    if inp.published is None:
        return None
    for month, said in bare_months(inp.text[: _lead_end(inp)]):
        if 1 <= (inp.published.month - month) % 12 <= 6:
            return Evidence(1.0, f"{said} (published {inp.published:%B})")
    return None


@_register("old_year", -0.8, "a year before the publication year (or before 2000) is named")
def _old_year(inp: FeatureInput) -> Evidence | None:
    facts, published = inp.facts, inp.published
    old = [
        ev
        for y, ev in zip(facts.years, facts.year_evidence, strict=True)
        if (published is not None and y < published.year) or y < 2000
    ]
    return Evidence(1.0, " | ".join(old[:2])) if old else None


@_register("border_place", 0.8, "a place on the border found by the gazetteer, in any script")
def _border_place(inp: FeatureInput) -> Evidence | None:
    return Evidence(1.0, " | ".join(loc.matched for loc in inp.border[:4])) if inp.border else None


@_register("no_context", -2.0, "neither Armenia, Azerbaijan, Karabakh nor one of their places")
def _no_context(inp: FeatureInput) -> Evidence | None:
    if inp.sides or inp.local:
        return None
    return Evidence(1.0, "no mention of Armenia, Azerbaijan or Karabakh")


@_register("heavy_weapon", 0.5, "artillery, mortars, drones, rockets, tanks, aircraft")
def _heavy_weapon(inp: FeatureInput) -> Evidence | None:
    facts = inp.facts
    heavy = [
        ev for w, ev in zip(facts.weapons, facts.weapon_evidence, strict=True) if w in HEAVY_WEAPONS
    ]
    return Evidence(1.0, " | ".join(heavy[:3])) if heavy else None


@_register("ministry", 0.8, "a defence ministry or border service speaks")
def _ministry(inp: FeatureInput) -> Evidence | None:
    return Evidence(1.0, inp.snippets(inp.ministry)) if inp.ministry else None


@_register("accusation", 0.8, "one side's forces named as the ones firing or advancing")
def _accusation(inp: FeatureInput) -> Evidence | None:
    accusations = [c for c in inp.facts.claims if c.stance == "accusation"]
    return Evidence(1.0, accusations[0].evidence[:160]) if accusations else None


@_register("accused_other_side", 1.0, "an official of one party accuses the other party")
def _accused_other_side(inp: FeatureInput) -> Evidence | None:
    for c in inp.facts.claims:
        side = ACTOR_SIDE.get(c.actor)
        if c.stance == "accusation" and c.accused is not None and side not in (None, c.accused):
            return Evidence(1.0, f"{c.actor} accuses {c.accused}: {c.evidence[:140]}")
    return None


@_register("fire_at_position", 1.0, "fire or an attack aimed at positions, posts or a village")
def _fire_at_position(inp: FeatureInput) -> Evidence | None:
    fire = inp.group("fire")
    target = inp.group("position", "village")
    if not fire or not target:
        return None
    # the same clause, roughly: "fired at our positions", "обстреляли позиции у села"
    near = [(f, t) for f in fire for t in target if abs(f.start - t.start) <= _CLAUSE]
    if not near:
        return None
    f, t = near[0]
    return Evidence(1.0, inp.snippets([f, t]))


@_register("both_parties", 0.5, "Armenia and Azerbaijan both named (by name or by a place)")
def _both_parties(inp: FeatureInput) -> Evidence | None:
    return Evidence(1.0, "Armenian and Azerbaijani sides named") if len(inp.parties) >= 2 else None


@_register("violence_attributed", 1.0, "violence + forces, the enemy, a ministry or positions")
def _violence_attributed(inp: FeatureInput) -> Evidence | None:
    violence = inp.group(*_VIOLENCE)
    anchor = inp.group("forces", "enemy", "position") + inp.ministry
    if not violence or not anchor:
        return None
    return Evidence(1.0, inp.snippets(violence[:2]) + " + " + inp.snippets(anchor[:2]))


@_register("denial_specific", 1.5, "a denial + the fire, attack or incursion being denied")
def _denial_specific(inp: FeatureInput) -> Evidence | None:
    denied = inp.group("fire", "combat", "incursion", "capture")
    if "denial" not in inp.groups or not denied:
        return None
    return Evidence(
        1.0, inp.snippets(inp.by_group["denial"][:1]) + " + " + inp.snippets(denied[:2])
    )


@_register("enemy_place", 1.0, '"the enemy" + a place, position or village')
def _enemy_place(inp: FeatureInput) -> Evidence | None:
    places = inp.group("position", "village", "line", "border")
    if "enemy" not in inp.groups or not (places or inp.local):
        return None
    ev = inp.snippets(places[:1]) if places else inp.local[0].matched
    return Evidence(1.0, inp.snippets(inp.by_group["enemy"][:1]) + " + " + ev)


@_register("numbered_casualties", 0.5, "casualties with a number")
def _numbered_casualties(inp: FeatureInput) -> Evidence | None:
    numbered = [c for c in inp.facts.casualties if c.killed or c.wounded]
    return Evidence(1.0, numbered[0].evidence[:160]) if numbered else None


@_register("background_violence", -1.0, "violence words only beside history, analysis, talks")
def _background_violence(inp: FeatureInput) -> Evidence | None:
    violence = inp.group(*_VIOLENCE)
    if not violence or not inp.groups & _BACKGROUND:
        return None
    if "clock_time" in inp.feats or "date_recent" in inp.feats:
        return None
    bg = inp.group(*_BACKGROUND)
    return Evidence(1.0, inp.snippets(violence[:1]) + " + " + inp.snippets(bg[:2]))


@_register("one_sided", -1.0, "one party only and no enemy: domestic news, crime, accidents")
def _one_sided(inp: FeatureInput) -> Evidence | None:
    if len(inp.parties) != 1 or "enemy" in inp.groups or inp.facts.accused:
        return None
    only = next(iter(inp.parties))
    named = [m for m in inp.sides if _PARTY.get(m.tag) == only][:2]
    ev = inp.snippets(named) if named else " | ".join(loc.matched for loc in inp.local[:2])
    return Evidence(1.0, f"only {only} named, no adversary: {ev}")


@_register(
    "violence_no_adversary", -1.0,
    "violence at a place of one party, no other side, enemy or accused named (shootings, crime)",
)  # fmt: skip
def _violence_no_adversary(inp: FeatureInput) -> Evidence | None:
    if "one_sided" not in inp.feats or not inp.local:
        return None
    violence = inp.group("fire", "kill", "wound")
    if not violence or "position" in inp.groups or inp.ministry:
        return None
    return Evidence(1.0, inp.snippets(violence[:2]) + " at " + inp.local[0].matched)


_LEAD_CHARS = 300  # the lead: the headline and the first sentence of a wire report, roughly


def _lead_end(inp: FeatureInput) -> int:
    if not inp.lead_end:
        stop = inp.text.find(". ", inp.title_end + 2, inp.title_end + _LEAD_CHARS)
        inp.lead_end = stop if stop > 0 else min(len(inp.text), inp.title_end + _LEAD_CHARS)
    return inp.lead_end


@_register(
    "lead_no_adversary", -0.5,
    "violence in the headline or lead, which names neither an enemy, a border or line, a "
    "position, nor both parties: a shooting, a crime or an accident inside one country",
)  # fmt: skip
def _lead_no_adversary(inp: FeatureInput) -> Evidence | None:
    end = _lead_end(inp)
    lead = [m for m in inp.signal if m.start < end]
    violence = [m for m in lead if m.group in _VIOLENCE]
    if not violence or any(m.group in ("enemy", "border", "line", "position") for m in lead):
        return None
    parties = {_PARTY[m.tag] for m in inp.sides if m.start < end}
    if len(parties) >= 2 or inp.facts.accused:
        return None
    return Evidence(1.0, inp.snippets(violence[:2]) + " (lead names no adversary)")


@_register("quiet_headline", -0.5, "the headline names no violence, denial, enemy or capture")
def _quiet_headline(inp: FeatureInput) -> Evidence | None:
    loud = _VIOLENCE | {"enemy", "denial", "damage"}
    if any(m.start < inp.title_end and m.group in loud for m in inp.signal):
        return None
    return Evidence(1.0, "headline: " + inp.text[: min(inp.title_end, 80)])


@_register(
    "title_court", -1.0,
    "a court, trial, hearing or verdict in the headline: proceedings about acts of the past",
)  # fmt: skip
def _title_court(inp: FeatureInput) -> Evidence | None:
    ms = [m for m in inp.signal if m.start < inp.title_end and m.group == "court"]
    return Evidence(1.0, inp.snippets(ms)) if ms else None


@_register("title_history", -1.0, "an anniversary, history, analysis or talks cue in the headline")
def _title_history(inp: FeatureInput) -> Evidence | None:
    ms = [m for m in inp.signal if m.start < inp.title_end and m.group in _TITLE_BACKGROUND]
    return Evidence(1.0, inp.snippets(ms)) if ms else None


@_register("violence_explained", -1.0, "the violence has a named non-hostile cause")
def _violence_explained(inp: FeatureInput) -> Evidence | None:
    end = _lead_end(inp)
    lead = {m.group for m in inp.signal if m.start < end}
    explained = explain_violence(inp.groups, inp.feats, bool(inp.border), bool(inp.sides), lead)
    if explained is None:
        return None
    reason, dropped = explained
    return Evidence(1.0, reason, drops=dropped)


FEATURES: tuple[str, ...] = tuple(f.name for f in REGISTRY)
_DERIVED: tuple[Feature, ...] = tuple(f for f in REGISTRY if f.group is None)


def prior_weights() -> dict[str, float]:
    """The trainer's starting weight of every feature, from the registry."""
    return {f.name: f.prior for f in REGISTRY}


# A text this long is an article, not a feed item: its later paragraphs tell background.
_LONG_TEXT = 900


def _event_spans(
    text: str, norm: str, title_end: int, lang: str, matches: Sequence[Match],
    published: datetime | None,
) -> list[tuple[int, int]]:  # fmt: skip
    """The spans of a long article that may tell its event: the headline, the first sentence
    and every later sentence that names no earlier time (`scope.background_reason`)."""
    spans = split_sentences(text, title_end, lang)
    scope = [m for m in matches if m.layer == "scope"]
    out: list[tuple[int, int]] = []
    for i, span in enumerate(spans):
        inside = [m for m in scope if span[0] <= m.start < span[1]]
        if i < 2 or not background_reason(norm, span, inside, published):
            out.append(span)
    return out


def _in_event(matches: Sequence[Match], spans: Sequence[tuple[int, int]]) -> list[Match]:
    return [m for m in matches if any(lo <= m.start < hi for lo, hi in spans)]


def compute_features(
    text: str,
    title_end: int,
    matches: Sequence[Match],
    facts: Facts,
    locations: Sequence[Location],
    published: datetime | None,
    place_sets: PlaceSets | None = None,
    lang: str = "en",
    norm: str | None = None,
) -> dict[str, Evidence]:
    """Feature values with their evidence, registry order; absent features are 0.

    `place_sets`: see `PlaceSets`. A feature that explains the violence
    away (`Evidence.drops`) removes the features it names. In a long article (`norm` given),
    violence and the parties count only where the event may be told (`_event_spans`): the
    killed of the 2020 war in its background paragraphs are not evidence of today's event.
    """
    sets = place_sets or PlaceSets()
    inp = FeatureInput(text, title_end, matches, facts, locations, published, sets)
    inp.signal = [m for m in matches if m.layer == "signal"]
    if norm is not None and len(text) > _LONG_TEXT:
        spans = _event_spans(text, norm, title_end, lang, matches, published)
        told = set(_in_event(inp.signal, spans))
        inp.signal = [m for m in inp.signal if m.group not in _VIOLENCE_GROUPS or m in told]
        sides = set(_in_event([m for m in matches if m.layer == "side"], spans))
        matches = [m for m in matches if m.layer != "side" or m in sides]
    for m in inp.signal:
        inp.by_group.setdefault(m.group, []).append(m)
    inp.groups = set(inp.by_group)
    inp.local = [loc for loc in locations if loc.country in ("AM", "AZ")]
    inp.border = [
        loc
        for loc in inp.local
        if (not sets.border or loc.id in sets.border) and loc.kind not in ("country", "region")
    ]
    inp.sides = [m for m in matches if m.layer == "side" and m.tag in _PARTY]
    inp.ministry = [m for m in matches if m.layer == "actor" and m.tag in _MINISTRY_TAGS]
    inp.parties = {_PARTY[m.tag] for m in inp.sides}
    # a place names its country's party; so does the country's name, in any language CLDR
    # knows (the side layer's party words cover only the languages the lexicon has)
    inp.parties |= {loc.country for loc in inp.local if loc.kind != "region"}
    inp.parties |= {_SIDE_PARTY[s] for s in facts.accused if s in _SIDE_PARTY}
    if (published is None or published < CONTESTED_UNTIL) and any(
        loc.id in sets.contested for loc in inp.local
    ):
        inp.parties |= {"AM", "AZ"}  # the line of contact had two sides
    feats = inp.feats
    # The group features in one pass over the groups found (the same as their `compute`, a
    # third of the features' cost), then the others in registry order.
    for name, ms in inp.by_group.items():
        if name in _GROUP_PRIORS:
            feats[name] = Evidence(1.0, inp.snippets(ms))
    for feature in _DERIVED:
        ev = feature.compute(inp)
        if ev is not None:
            feats[feature.name] = ev
    for ev in list(feats.values()):
        for name in ev.drops:
            feats.pop(name, None)
    return feats
