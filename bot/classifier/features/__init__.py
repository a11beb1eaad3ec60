"""The model's features: a registry of small functions, each with its prior weight.

Features are *meaningful* signals (a lexicon group matched, a clock time named, a border village
found, an accused other side, ...), never words: the model only learns how much each kind of
evidence counts. Every feature is one `Feature` in `REGISTRY`: its name, its prior weight (the
trainer's starting point, domain knowledge) and the function that computes it, side by side, so
`FEATURES`, their code and the trainer's priors cannot drift apart. `model` scores them.

The package, by kind of evidence:

- `base`: `Evidence`, `FeatureInput` (the item as features read it), `Feature` and its
  `feature` decorator, the words several kinds share;
- `groups`: lexicon groups used as they are, with their priors (`GROUP_PRIORS`);
- `fire`: fire and violence (in the headline, with heavy weapons, at positions, denied, counted);
- `timing`: clock times and event dates, and dates, months or years that lie back;
- `parties`: places, the parties named, ministries, accusations, violence without an adversary;
- `background`: violence beside history, talks or a court, or with a non-hostile cause;
- `registry`: the features in their one order (`REGISTRY`) and `compute_features`.
"""

from __future__ import annotations

from bot.classifier.features.base import (
    CONTESTED_UNTIL,
    Evidence,
    Feature,
    FeatureInput,
    PlaceSets,
)
from bot.classifier.features.registry import (
    FEATURES,
    PRIOR_INTERCEPT,
    REGISTRY,
    compute_features,
    prior_weights,
)

__all__ = [
    "CONTESTED_UNTIL",
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
