"""Evidence that two reports tell of one event: places, time, facts and names of a pair."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from bot.clustering.areas import any_near
from bot.clustering.features import CRITICAL, HIGH, ReportFeatures

__all__ = [
    "JOIN_SCORE",
    "ONE_DAY",
    "other_sides_dead",
    "pair_score",
    "shares_identity",
    "time_score",
]


JOIN_SCORE: Final = 2.0

_PLACE_SAME: Final = 2.5  # a primary place of one is a place of the other
_PLACE_NEAR: Final = 1.5  # same sector, or primary places within NEIGHBOUR_KM
# A sector shared only because one report names a region or province spanning several ("on
# the Nakhchivan border" and Yeraskh): compatible, but it says little about which event, unless
# both reports are critical (an offensive along a whole front is placed by its region).
_PLACE_BROAD: Final = 0.5
_MAJOR_TAIL: Final = 0.5  # time evidence, within the window, between two major reports
_TOKEN: Final = 1.0  # a shared name (a killed or captured person, an operation) or number
_TOKENS_MAX: Final = 2.0  # one shared name and the same day join: names cross outlets
_SAME_DATE: Final = 0.5

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
    timeless = member.timeless or feats.timeless
    time = 0.0 if timeless else time_score(abs(member.time - feats.time))
    if member.severity >= HIGH and feats.severity >= HIGH and not timeless:
        time = max(time, _MAJOR_TAIL)  # heavy clashes go on, and are reported, for days
    score = place + time
    # This runs for every pair of a batch (over a million for 20,000 undated items): the terms
    # below are tested cheaply first and skipped when they would add nothing.
    if member.casualties and feats.casualties:
        score += _casualty_score(member, feats)
        if place == _PLACE_NEAR and other_sides_dead(member, feats):
            score -= 1.0  # one side's dead here, the other side's there, only the sector shared
    if not member.heavy_weapons.isdisjoint(feats.heavy_weapons):
        score += 0.5
    if _denies(feats, member) or _denies(member, feats):
        score += 1.0
    if not member.tokens.isdisjoint(feats.tokens):
        score += min(_TOKENS_MAX, _TOKEN * len(member.tokens & feats.tokens))
    if member.explicit_date is not None and feats.explicit_date is not None:
        apart = abs(member.explicit_date - feats.explicit_date)
        if apart > ONE_DAY:
            score -= 2.0
        elif apart < ONE_DAY:
            score += _SAME_DATE  # both texts give the same event day
    return score


def shares_identity(member: ReportFeatures, feats: ReportFeatures) -> bool:
    """Whether two reports share what names one event rather than one kind of event: a name or
    a number, or the same casualty figure. Places, weapons and stances are topic evidence."""
    if not member.tokens.isdisjoint(feats.tokens):
        return True
    return bool(member.casualties and feats.casualties and _casualty_score(member, feats))


def _dead_sides(feats: ReportFeatures) -> frozenset[str]:
    return frozenset(c.side for c in feats.casualties if c.killed and c.side is not None)


def other_sides_dead(member: ReportFeatures, feats: ReportFeatures) -> bool:
    """Each report counts dead of one side only, and not the same side."""
    a, b = _dead_sides(member), _dead_sides(feats)
    return len(a) == 1 and len(b) == 1 and a != b


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
        if (
            feats.primary_broad == member.primary_broad
            or min(feats.severity, member.severity) >= CRITICAL
        ):
            return _PLACE_NEAR
        return _PLACE_BROAD
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
