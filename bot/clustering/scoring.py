"""Evidence that two reports tell of one event: places, time, facts and names of a pair."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from bot.clustering.areas import any_near
from bot.clustering.features import HIGH, ReportFeatures

__all__ = ["JOIN_SCORE", "ONE_DAY", "pair_score", "time_score"]


JOIN_SCORE: Final = 2.0

_PLACE_SAME: Final = 2.5  # a primary place of one is a place of the other
_PLACE_NEAR: Final = 1.5  # same sector, or primary places within NEIGHBOUR_KM
_MAJOR_TAIL: Final = 0.5  # time evidence, within the window, between two major reports

# Time thresholds as timedeltas: comparing timedeltas is exact and cheaper than float days.
ONE_DAY: Final = timedelta(days=1)
_TWO_DAYS: Final = timedelta(days=2)


def time_score(gap: timedelta) -> float:
    if gap < ONE_DAY:
        return 1.0
    if gap < _TWO_DAYS:
        return 0.5
    return 0.0


def pair_score(member: ReportFeatures, feats: ReportFeatures) -> float | None:
    """Evidence that a report tells of the same event as one report of an incident."""
    place = _place_score(member, feats)
    if place is None:
        return None
    time = time_score(abs(member.time - feats.time))
    if member.severity >= HIGH and feats.severity >= HIGH:
        time = max(time, _MAJOR_TAIL)  # heavy clashes go on, and are reported, for days
    score = place + time
    # This runs for every pair of a batch (over a million for 20,000 undated items): the terms
    # below are tested cheaply first and skipped when they would add nothing.
    if member.casualties and feats.casualties:
        score += _casualty_score(member, feats)
    if not member.heavy_weapons.isdisjoint(feats.heavy_weapons):
        score += 0.5
    if _denies(feats, member) or _denies(member, feats):
        score += 1.0
    if not member.tokens.isdisjoint(feats.tokens):
        score += min(1.5, 0.75 * len(member.tokens & feats.tokens))
    if (
        member.explicit_date is not None
        and feats.explicit_date is not None
        and abs(member.explicit_date - feats.explicit_date) > ONE_DAY
    ):
        score -= 2.0
    return score


def _place_score(member: ReportFeatures, feats: ReportFeatures) -> float | None:
    """Place evidence of a pair; None when both name primary places that cannot agree."""
    # isdisjoint: the same test as a non-empty intersection, without building the set
    if not (
        feats.primary_specific.isdisjoint(member.specific_ids)
        and member.primary_specific.isdisjoint(feats.specific_ids)
    ):
        return _PLACE_SAME
    if not feats.primary_areas or not member.primary_areas:
        return 0.0
    if not feats.primary_areas.isdisjoint(member.primary_areas):
        return _PLACE_NEAR
    if any_near(feats.primary_points, member.primary_points):
        return _PLACE_NEAR
    return None


def _denies(denier: ReportFeatures, claimant: ReportFeatures) -> bool:
    """Whether one report denies what the other side claimed or accused in the other."""
    # "a denying side differs from a claiming side", without the pairwise loop: false only when
    # either set is empty or both hold the same single side
    denial, claim = denier.denial_sides, claimant.claim_sides
    return bool(denial) and bool(claim) and (len(denial) > 1 or denial != claim)


def _casualty_score(member: ReportFeatures, feats: ReportFeatures) -> float:
    """The same killed or wounded figure for the same side: strong when it is not a lone death."""
    score = 0.0
    for c in feats.casualties:
        for m in member.casualties:
            if c.side is not None and m.side is not None and c.side != m.side:
                continue
            if c.killed and m.killed == c.killed:
                score = max(score, 1.0 if c.killed >= 2 else 0.5)
            if c.wounded and m.wounded == c.wounded:
                score = max(score, 0.5)
    return score
