"""The registry of the model's features in their one order, and `compute_features`, which runs
it over one item.

Order matters: features are computed in registry order and a feature may read those set
before it (`FeatureInput.feats`: `background_violence` reads the time features,
`violence_no_adversary` reads `one_sided`, `violence_explained` reads most of them, so it comes
last). The order is also the column order of the trainer and of `data/weights.json`: a new
feature goes where what it reads is already set, usually at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.classifier.extract import Facts
from bot.classifier.features import background, fire, parties, timing
from bot.classifier.features.base import (
    CONTESTED_UNTIL,
    PARTY,
    Evidence,
    Feature,
    FeatureInput,
    PlaceSets,
)
from bot.classifier.features.fire import VIOLENCE
from bot.classifier.features.groups import GROUP_FEATURES, GROUP_PRIORS
from bot.classifier.lexicon import Match
from bot.classifier.scope import background_reason, split_sentences
from bot.classifier.types import Location

__all__ = ["FEATURES", "PRIOR_INTERCEPT", "REGISTRY", "compute_features", "prior_weights"]

PRIOR_INTERCEPT = -3.0

# The lexicon groups used as they are (evidence of an armed event first, then evidence
# against), then the features computed from them, the facts and the places.
REGISTRY: tuple[Feature, ...] = (
    *GROUP_FEATURES,
    fire.title_violence,
    fire.title_denial,
    timing.clock_time,
    timing.event_date,
    timing.date_recent,
    timing.date_weeks,
    timing.date_old,
    timing.month_before,
    timing.old_year,
    parties.border_place,
    parties.no_context,
    fire.heavy_weapon,
    parties.ministry,
    parties.accusation,
    parties.accused_other_side,
    fire.fire_at_position,
    parties.both_parties,
    fire.violence_attributed,
    fire.denial_specific,
    fire.enemy_place,
    fire.numbered_casualties,
    background.background_violence,
    parties.one_sided,
    parties.violence_no_adversary,
    parties.lead_no_adversary,
    fire.quiet_headline,
    background.title_court,
    background.title_history,
    background.violence_explained,
)

FEATURES: tuple[str, ...] = tuple(f.name for f in REGISTRY)
_DERIVED: tuple[Feature, ...] = tuple(f for f in REGISTRY if f.group is None)

_VIOLENCE_GROUPS = VIOLENCE | {"damage", "losses"}  # scoped to the event in long articles
_SIDE_PARTY = {"armenian": "AM", "azerbaijani": "AZ"}
_MINISTRY_TAGS = frozenset({"mod", "border", "am_mod", "az_mod", "karabakh"})


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
    inp = _feature_input(
        text, title_end, matches, facts, locations, published, place_sets or PlaceSets(), lang, norm
    )
    feats = inp.feats
    # The group features in one pass over the groups found (the same as their `compute`, a
    # third of the features' cost), then the others in registry order.
    for name, ms in inp.by_group.items():
        if name in GROUP_PRIORS:
            feats[name] = Evidence(1.0, inp.snippets(ms))
    for feature in _DERIVED:
        ev = feature.compute(inp)
        if ev is not None:
            feats[feature.name] = ev
    for ev in list(feats.values()):
        for name in ev.drops:
            feats.pop(name, None)
    return feats


def _feature_input(
    text: str, title_end: int, matches: Sequence[Match], facts: Facts,
    locations: Sequence[Location], published: datetime | None, sets: PlaceSets, lang: str,
    norm: str | None,
) -> FeatureInput:  # fmt: skip
    """What the feature functions read of one item, computed once: the signal matches by group
    (scoped to the event in a long article), the places, the parties and the ministries."""
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
    inp.sides = [m for m in matches if m.layer == "side" and m.tag in PARTY]
    inp.ministry = [m for m in matches if m.layer == "actor" and m.tag in _MINISTRY_TAGS]
    inp.parties = {PARTY[m.tag] for m in inp.sides}
    # a place names its country's party; so does the country's name, in any language CLDR
    # knows (the side layer's party words cover only the languages the lexicon has)
    inp.parties |= {loc.country for loc in inp.local if loc.kind != "region"}
    inp.parties |= {_SIDE_PARTY[s] for s in facts.accused if s in _SIDE_PARTY}
    if (published is None or published < CONTESTED_UNTIL) and any(
        loc.id in sets.contested for loc in inp.local
    ):
        inp.parties |= {"AM", "AZ"}  # the line of contact had two sides
    return inp
