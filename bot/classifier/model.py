"""Scoring: the registered features (`features`) combined by a small logistic model with shipped
weights.

The weights live in `data/weights.json`, written by `python -m bot.classifier.train`; scoring
here is plain Python, so the run time needs no scikit-learn.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from bot.classifier.features import FEATURES, Evidence
from bot.classifier.types import Signal

__all__ = ["Model", "load_model"]


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
