"""Lexicon groups used as features as they are: value 1 when the group matched, the matched
words as evidence. Adding one takes its name and prior in `GROUP_PRIORS`.
"""

from __future__ import annotations

from bot.classifier.features.base import Evidence, Feature, FeatureInput

__all__ = ["GROUP_FEATURES", "GROUP_PRIORS"]

# Lexicon groups used directly as features (value 1 when matched), with their priors (log-odds).
# Evidence of an armed event first, then evidence against: no new event, or not an armed
# Armenia–Azerbaijan event.
GROUP_PRIORS: dict[str, float] = {
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


def _group_feature(group: str, prior: float) -> Feature:
    def compute(inp: FeatureInput) -> Evidence | None:
        ms = inp.by_group.get(group)
        return Evidence(1.0, inp.snippets(ms)) if ms else None

    return Feature(group, prior, f"lexicon group `{group}` matched", compute, group)


GROUP_FEATURES: tuple[Feature, ...] = tuple(
    _group_feature(group, prior) for group, prior in GROUP_PRIORS.items()
)
