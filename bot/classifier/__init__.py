"""Incident classifier: is a feed item a new Armenia–Azerbaijan border incident, and what facts
does it report?

    from bot.classifier import ItemText, classify
    result = classify(ItemText(id="x", title="...", summary="..."))
    result.incident, result.severity, result.signals

How it decides (details in the modules):

- `lang` detects the language (script checks first, py3langid when they are not decisive);
- `normalize` + `lexicon` find multilingual signal groups (fire, casualties, "the enemy",
  denial formulas, recency; history, talks, landmines, other wars, ...) in one Aho-Corasick
  pass; the gazetteer resolves places;
- `extract` turns matches into facts (casualties, weapons, claims, event date, severity);
- `model` scores meaningful features with shipped logistic weights (`data/weights.json`,
  reproduced by `python -m bot.classifier.train`); every feature becomes a `Signal` with its
  weight and the text that triggered it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Protocol

from bot.classifier.extract import extract_facts, grade_severity
from bot.classifier.lang import LanguageDetector, is_az_cyrillic
from bot.classifier.lexicon import Lexicon, Match, load_lexicon
from bot.classifier.model import Evidence, Model, compute_features, load_model
from bot.classifier.normalize import normalize
from bot.classifier.types import (
    SEVERITIES,
    Casualties,
    Claim,
    Classification,
    ItemText,
    Location,
    Severity,
    Signal,
    severity_rank,
)

__all__ = [
    "SEVERITIES",
    "Analysis",
    "Casualties",
    "Claim",
    "Classification",
    "Classifier",
    "ItemText",
    "Location",
    "PlaceFinder",
    "Severity",
    "Signal",
    "classify",
    "default_classifier",
    "severity_rank",
]

_SEPARATOR = " \n "  # between title and summary: a sentence break for the extractor


class PlaceFinder(Protocol):
    """What the classifier needs of the gazetteer."""

    def find(self, text: str) -> list[Location]:
        """Places named in `text`, deduplicated, in order of first appearance."""
        ...


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the classifier computed for one item; `Classifier.analyse` returns it.

    The benchmark and the trainer read the features; the rest of the bot needs only the
    `Classification`.
    """

    classification: Classification
    features: dict[str, Evidence]
    matches: tuple[Match, ...]
    severity_reason: str


class Classifier:
    """Loads the shipped resources once; `classify` is pure and does no I/O."""

    __slots__ = ("_border_ids", "_detector", "_lexicon", "_model", "_places")

    def __init__(
        self,
        lexicon: Lexicon,
        model: Model,
        places: PlaceFinder,
        detector: LanguageDetector | None = None,
        border_ids: frozenset[str] = frozenset(),
    ) -> None:
        self._lexicon = lexicon
        self._model = model
        self._places = places
        self._detector = detector or LanguageDetector()
        self._border_ids = border_ids

    @classmethod
    def load(cls) -> Classifier:
        """The classifier with the shipped lexicon, weights and gazetteer."""
        from bot.classifier.gazetteer import default_gazetteer

        gaz = default_gazetteer()
        border = frozenset(p.id for p in gaz.places if p.sector is not None)
        return cls(load_lexicon(), load_model(), gaz, border_ids=border)

    @property
    def model(self) -> Model:
        """The scoring model (weights, threshold)."""
        return self._model

    def with_model(self, model: Model) -> Classifier:
        """The same classifier scoring with other weights (training and benchmarks)."""
        return Classifier(self._lexicon, model, self._places, self._detector, self._border_ids)

    def classify(self, item: ItemText) -> Classification:
        """Decide whether `item` reports a new border incident and extract its facts."""
        return self.analyse(item).classification

    def analyse(self, item: ItemText) -> Analysis:
        """`classify`, keeping the features and lexicon matches behind the decision."""
        title = " ".join(item.title.split())
        summary = " ".join(item.summary.split())
        text = f"{title}{_SEPARATOR}{summary}" if summary else title
        title_end = len(title)
        lang = self._detector.detect(text, item.lang)
        norm = normalize(text, az_cyrillic=lang == "az" and is_az_cyrillic(text))
        matches = self._lexicon.find(norm)
        locations = self._places.find(text)
        facts = extract_facts(text, norm, title_end, matches, lang, item.published, locations)
        feats = compute_features(
            text, title_end, matches, facts, locations, item.published, self._border_ids
        )
        score, signals = self._model.score(feats)
        incident = score >= self._model.threshold
        severity: Severity | None = None
        reason = ""
        if incident:
            groups = {m.group for m in matches if m.layer in ("signal", "detail")}
            severity, reason = grade_severity(facts, groups, item.published)
            signals.append(Signal(f"severity_{severity}", 0.0, reason))
        result = Classification(
            id=item.id,
            incident=incident,
            score=score,
            lang=lang,
            severity=severity,
            locations=tuple(locations),
            casualties=tuple(facts.casualties),
            weapons=tuple(facts.weapons),
            claims=tuple(facts.claims),
            signals=tuple(signals),
            event_date=facts.event_date,
        )
        return Analysis(result, feats, tuple(matches), reason)


@functools.cache
def default_classifier() -> Classifier:
    """The shared classifier with the shipped resources, loaded on first use."""
    return Classifier.load()


def classify(item: ItemText) -> Classification:
    """Classify one item with `default_classifier()`."""
    return default_classifier().classify(item)
