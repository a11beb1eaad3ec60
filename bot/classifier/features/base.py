"""What every feature is made of: its value with evidence (`Evidence`), the item as the
feature functions read it (`FeatureInput`), the `Feature` record that keeps a name, a prior and
the function side by side, and the words of evidence several kinds of feature share.

The features themselves live by kind in the sibling modules; `registry` orders and runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.classifier.extract import Facts
from bot.classifier.lexicon import Match
from bot.classifier.types import Location

__all__ = [
    "CONTESTED_UNTIL",
    "PARTY",
    "Evidence",
    "Feature",
    "FeatureFn",
    "FeatureInput",
    "PlaceSets",
    "feature",
]

# Side-layer tags of the lexicon and the party each names.
PARTY = {"armenian": "AM", "karabakh": "AM", "azerbaijani": "AZ"}
_LEAD_CHARS = 300  # the lead: the headline and the first sentence of a wire report, roughly


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
    _lead_end: int = field(default=0, init=False)  # see `lead_end`

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

    def lead_end(self) -> int:
        """Where the headline and the first sentence end (the lead of a wire report)."""
        if not self._lead_end:
            stop = self.text.find(". ", self.title_end + 2, self.title_end + _LEAD_CHARS)
            self._lead_end = stop if stop > 0 else min(len(self.text), self.title_end + _LEAD_CHARS)
        return self._lead_end


FeatureFn = Callable[[FeatureInput], Evidence | None]


@dataclass(frozen=True, slots=True)
class Feature:
    """One model feature: its name, the trainer's prior weight, what it means, how to compute it."""

    name: str
    prior: float
    doc: str
    compute: FeatureFn
    group: str | None = None  # a lexicon group used as it is (computed in one pass)


def feature(name: str, prior: float, doc: str) -> Callable[[FeatureFn], Feature]:
    """Make the decorated function the `compute` of a `Feature` with this name, prior and doc."""

    def wrap(fn: FeatureFn) -> Feature:
        return Feature(name, prior, doc, fn)

    return wrap
