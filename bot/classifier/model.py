"""Scoring: signal-group features combined by a small logistic model with shipped weights.

Features are *meaningful* signals (a lexicon group matched, a clock time named, a border village
found, ...), never words: the model only learns how much each kind of evidence counts. The
weights live in `data/weights.json`, written by `python -m bot.classifier.train`; scoring here
is plain Python, so the run time needs no scikit-learn.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

from bot.classifier.extract import HEAVY_WEAPONS, Facts
from bot.classifier.lexicon import Match
from bot.classifier.types import Location, Signal

__all__ = ["FEATURES", "Evidence", "Model", "compute_features", "load_model"]

# Lexicon groups used directly as features (value 1 when matched).
GROUP_FEATURES = (
    "fire", "combat", "kill", "wound", "no_casualties", "capture", "incursion", "damage",
    "enemy", "forces", "position", "line", "border", "village", "denial", "recency",
    "casualty_claim", "history", "talks", "landmine", "exchange", "humanitarian",
    "nonhostile", "domestic", "foreign_conflict", "turkey", "drills_arms", "sports_econ",
    "analysis", "rhetoric", "monitoring", "aggregate", "war", "legal", "explosion",
    "rights_report", "missing", "losses",
)  # fmt: skip
# Features computed from several signals or from the extracted facts.
DERIVED_FEATURES = (
    "title_violence",  # fire/fighting/casualties/capture/incursion in the headline
    "title_denial",  # a denial formula in the headline
    "clock_time",  # a clock time ("at 18:10", "around 4 p.m.")
    "event_date",  # a dated event ("on September 12", "12 сентября")
    "date_recent",  # that date is within a week before publication
    "date_old",  # the event date is more than a month before publication
    "old_year",  # a year before the publication year (or the 1990s) is named
    "border_place",  # a place in Armenia or Azerbaijan found by the gazetteer
    "no_context",  # neither Armenia, Azerbaijan, Karabakh nor one of their places
    "heavy_weapon",  # artillery, mortars, drones, rockets, tanks, aircraft
    "ministry",  # a defence ministry or border service speaks
    "accusation",  # one side's forces named as the ones firing/advancing
    "violence_attributed",  # violence + (forces | enemy | ministry | positions)
    "denial_specific",  # a denial + the fire/attack/incursion being denied
    "enemy_place",  # "the enemy" + a place, position or village
    "numbered_casualties",  # casualties with a number
    "background_violence",  # violence words only next to history/analysis/talks cues
    "one_sided",  # only one party (by name or place) and no "enemy": domestic news, accidents
    "title_history",  # anniversary/history/analysis/talks cue in the headline
    "violence_explained",  # the violence has a named non-hostile cause (see `_explained`)
)
FEATURES: tuple[str, ...] = GROUP_FEATURES + DERIVED_FEATURES

_VIOLENCE = frozenset({"fire", "combat", "kill", "wound", "capture", "incursion", "missing"})
_BACKGROUND = frozenset({"history", "analysis", "talks", "exchange", "humanitarian"})
_TITLE_BACKGROUND = frozenset({"history", "analysis", "talks", "rights_report", "exchange"})
_PARTY = {"armenian": "AM", "karabakh": "AM", "azerbaijani": "AZ"}
_CASUALTY_DERIVED = (
    "kill", "wound", "missing", "numbered_casualties", "title_violence", "violence_attributed",
)  # fmt: skip
_VIOLENCE_DERIVED = (*_CASUALTY_DERIVED, "fire", "combat", "heavy_weapon")


@dataclass(frozen=True, slots=True)
class Evidence:
    """A feature's value and the text that set it."""

    value: float
    evidence: str


def _snippets(text: str, ms: Sequence[Match], limit: int = 3) -> str:
    seen: list[str] = []
    for m in ms:
        s = " ".join(text[m.start : m.end].split())
        if s and s not in seen:
            seen.append(s)
        if len(seen) >= limit:
            break
    return " | ".join(seen)


def compute_features(
    text: str,
    title_end: int,
    matches: Sequence[Match],
    facts: Facts,
    locations: Sequence[Location],
    published: datetime | None,
    border_ids: frozenset[str] = frozenset(),
) -> dict[str, Evidence]:
    """Feature values with their evidence; absent features are 0.

    `border_ids` are the gazetteer ids of places on a border sector; without them every place
    in Armenia or Azerbaijan counts as a border place.
    """
    signal = [m for m in matches if m.layer == "signal"]
    by_group: dict[str, list[Match]] = {}
    for m in signal:
        by_group.setdefault(m.group, []).append(m)
    feats: dict[str, Evidence] = {}
    for g in GROUP_FEATURES:
        ms = by_group.get(g)
        if ms:
            feats[g] = Evidence(1.0, _snippets(text, ms))
    groups = set(by_group)

    title_v = [m for m in signal if m.start < title_end and m.group in _VIOLENCE]
    if title_v:
        feats["title_violence"] = Evidence(1.0, _snippets(text, title_v))
    title_d = [m for m in signal if m.start < title_end and m.group == "denial"]
    if title_d:
        feats["title_denial"] = Evidence(1.0, _snippets(text, title_d))
    if facts.clock:
        feats["clock_time"] = Evidence(1.0, " | ".join(facts.clock[:3]))
    if facts.event_date is not None:
        feats["event_date"] = Evidence(1.0, facts.date_evidence)
        if published is not None:
            age = (published - facts.event_date).days
            if -1 <= age <= 7:
                feats["date_recent"] = Evidence(1.0, f"{facts.date_evidence} ({age} d old)")
            elif age > 31:
                feats["date_old"] = Evidence(1.0, f"{facts.date_evidence} ({age} d old)")
    old = [
        ev
        for y, ev in zip(facts.years, facts.year_evidence, strict=True)
        if (published is not None and y < published.year) or y < 2000
    ]
    if old:
        feats["old_year"] = Evidence(1.0, " | ".join(old[:2]))
    local = [loc for loc in locations if loc.country in ("AM", "AZ")]
    border = [
        loc
        for loc in local
        if (loc.id in border_ids if border_ids else True) and loc.kind not in ("country", "region")
    ]
    if border:
        feats["border_place"] = Evidence(1.0, " | ".join(loc.matched for loc in border[:4]))
    sides = [m for m in matches if m.layer == "side" and m.tag in _PARTY]
    if not sides and not local:
        feats["no_context"] = Evidence(1.0, "no mention of Armenia, Azerbaijan or Karabakh")
    heavy = [
        ev for w, ev in zip(facts.weapons, facts.weapon_evidence, strict=True) if w in HEAVY_WEAPONS
    ]
    if heavy:
        feats["heavy_weapon"] = Evidence(1.0, " | ".join(heavy[:3]))
    ministry = [
        m
        for m in matches
        if m.layer == "actor" and (m.tag in ("mod", "border", "am_mod", "az_mod", "karabakh"))
    ]
    if ministry:
        feats["ministry"] = Evidence(1.0, _snippets(text, ministry))
    accusations = [c for c in facts.claims if c.stance == "accusation"]
    if accusations:
        feats["accusation"] = Evidence(1.0, accusations[0].evidence[:160])
    violence = [m for m in signal if m.group in _VIOLENCE]
    anchor = [m for m in signal if m.group in ("forces", "enemy", "position")] + ministry
    if violence and anchor:
        feats["violence_attributed"] = Evidence(
            1.0, _snippets(text, violence[:2]) + " + " + _snippets(text, anchor[:2])
        )
    denied = [m for m in signal if m.group in ("fire", "combat", "incursion", "capture")]
    if "denial" in groups and denied:
        feats["denial_specific"] = Evidence(
            1.0, _snippets(text, by_group["denial"][:1]) + " + " + _snippets(text, denied[:2])
        )
    places = [m for m in signal if m.group in ("position", "village", "line", "border")]
    if "enemy" in groups and (places or local):
        ev = _snippets(text, places[:1]) if places else local[0].matched
        feats["enemy_place"] = Evidence(1.0, _snippets(text, by_group["enemy"][:1]) + " + " + ev)
    numbered = [c for c in facts.casualties if c.killed or c.wounded]
    if numbered:
        feats["numbered_casualties"] = Evidence(1.0, numbered[0].evidence[:160])
    if violence and groups & _BACKGROUND and not ("clock_time" in feats or "date_recent" in feats):
        bg = [m for m in signal if m.group in _BACKGROUND]
        feats["background_violence"] = Evidence(
            1.0, _snippets(text, violence[:1]) + " + " + _snippets(text, bg[:2])
        )
    parties = {_PARTY[m.tag] for m in sides if m.tag in _PARTY}
    parties |= {loc.country for loc in local if loc.kind not in ("country", "region")}
    if len(parties) == 1 and "enemy" not in groups and not facts.accused:
        only = next(iter(parties))
        named = [m for m in sides if _PARTY.get(m.tag) == only][:2]
        ev = _snippets(text, named) if named else " | ".join(loc.matched for loc in local[:2])
        feats["one_sided"] = Evidence(1.0, f"only {only} named, no adversary: {ev}")
    title_bg = [m for m in signal if m.start < title_end and m.group in _TITLE_BACKGROUND]
    if title_bg:
        feats["title_history"] = Evidence(1.0, _snippets(text, title_bg))
    explained = _explained(groups, feats, bool(border), bool(sides))
    if explained is not None:
        reason, dropped = explained
        for name in dropped:
            feats.pop(name, None)
        feats["violence_explained"] = Evidence(1.0, reason)
    return feats


def _explained(
    groups: set[str], feats: Mapping[str, Evidence], local_place: bool, named_party: bool
) -> tuple[str, tuple[str, ...]] | None:
    """Violence whose cause the text names and which is not enemy action, if so.

    The policy's hard negatives (a soldier killed by an old mine or a blizzard, live-fire
    drills, a patrol that saw no incidents, a village shooting between neighbours, another
    country's war) carry the same words as an attack; each of the many violence features
    would otherwise outweigh the one feature naming the cause. Then those features are
    dropped and the cause is a feature.
    """
    # "Fire" alone may be a shot in an accident; aimed at a position, or by an accused side
    # or an enemy, it is not.
    hostile = "enemy" in groups or (
        "fire" in groups and ("accusation" in feats or "position" in groups)
    )
    if groups & {"nonhostile", "landmine"} and not hostile:
        return "deaths or wounds from a mine, an accident or the weather", _CASUALTY_DERIVED
    if (
        "drills_arms" in groups
        and not groups & {"enemy", "kill", "wound", "damage"}
        and not ("accusation" in feats and "position" in groups)  # fired *at positions*
    ):
        return "firing in drills", _VIOLENCE_DERIVED
    if (
        "calm" in groups
        and not groups & {"enemy", "kill", "wound", "capture", "damage"}
        and "accusation" not in feats
    ):
        return "a report that nothing happened", _VIOLENCE_DERIVED
    if (
        "foreign_conflict" in groups
        and not local_place
        and "enemy" not in groups
        and "accusation" not in feats
        and not (named_party and "position" in groups)  # fire at Armenian/Azerbaijani posts
    ):
        return "violence in another conflict", _VIOLENCE_DERIVED
    if (
        "domestic" in groups
        and not groups & {"forces", "enemy"}
        and "ministry" not in feats
        and "accusation" not in feats
    ):
        return "a crime or police matter, no armed forces named", _VIOLENCE_DERIVED
    return None


@dataclass(frozen=True, slots=True)
class Model:
    """Logistic scoring over named features."""

    weights: Mapping[str, float]
    intercept: float
    threshold: float
    meta: Mapping[str, Any]

    def score(self, feats: Mapping[str, Evidence]) -> tuple[float, list[Signal]]:
        """Probability of "incident" and the signals that made it, strongest first."""
        signals = [Signal("prior", self.intercept, "model intercept (base rate of incidents)")]
        z = self.intercept
        for name, ev in feats.items():
            w = self.weights.get(name, 0.0) * ev.value
            z += w
            signals.append(Signal(name, w, ev.evidence or name))
        signals[1:] = sorted(signals[1:], key=lambda s: -abs(s.weight))
        prob = 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0
        return prob, signals

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of `data/weights.json`."""
        return {
            "features": list(FEATURES),
            "weights": {k: round(v, 6) for k, v in self.weights.items()},
            "intercept": round(self.intercept, 6),
            "threshold": self.threshold,
            "meta": dict(self.meta),
        }


def load_model(text: str | None = None) -> Model:
    """Load `data/weights.json` (or the JSON given as `text`)."""
    if text is None:
        text = resources.files("bot.classifier").joinpath("data/weights.json").read_text("utf-8")
    data = json.loads(text)
    return Model(
        weights={str(k): float(v) for k, v in data["weights"].items()},
        intercept=float(data["intercept"]),
        threshold=float(data["threshold"]),
        meta=dict(data.get("meta", {})),
    )
