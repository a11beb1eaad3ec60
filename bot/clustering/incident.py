"""One incident's state inside the clusterer, and how a report changes it.

`IncidentState` is mutable and private to `Clusterer`; `changes` says what a report adds (the
follow-up decision), `absorb` merges its facts: a raised toll replaces the old one, parts and
subtotals are never added, and a death of someone counted as wounded moves them, not adds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from bot.classifier.types import Casualties
from bot.clustering.features import CRITICAL, ReportFeatures
from bot.clustering.types import ActorStatement, CasualtyFigure, IncidentView, Report
from bot.domain import SEVERITIES, Side, Stance

__all__ = ["WAR_REPORTS", "IncidentState", "absorb", "changes"]

WAR_REPORTS: Final = 2  # critical reports that make an incident a war


@dataclass(slots=True)
class IncidentState:
    """Mutable state of one incident inside a `Clusterer`."""

    id: str
    first_published: datetime
    last_published: datetime
    start: datetime
    end: datetime
    last_critical: datetime | None = None
    timeless: bool = False  # opened by a report without any time; takes only such reports
    critical_reports: int = 0
    reports: dict[str, Report] = field(default_factory=dict)
    members: list[ReportFeatures] = field(default_factory=list)  # one per report, same order
    location_ids: dict[str, None] = field(default_factory=dict)  # ordered set
    specific_ids: set[str] = field(default_factory=set)
    areas: dict[str, None] = field(default_factory=dict)
    primary_areas: set[str] = field(default_factory=set)
    primary_points: set[tuple[float, float]] = field(default_factory=set)
    severity: int = 0
    figures: dict[tuple[Side | None, str | None, str | None], list[int | None]] = field(
        default_factory=dict
    )
    claims: dict[str, _Statement] = field(default_factory=dict)
    weapons: dict[str, None] = field(default_factory=dict)
    sources: dict[str, None] = field(default_factory=dict)
    sides: dict[Side, None] = field(default_factory=dict)
    denial_sides: set[Side] = field(default_factory=set)
    followups: int = 0
    reply_worthy: int = 0

    @property
    def war(self) -> bool:
        # Two critical reports make a war: one report's grade (a background toll read as this
        # event's) must not let it swallow every critical report of the next two weeks.
        return self.severity >= CRITICAL and self.critical_reports >= WAR_REPORTS

    def gap(self, time: datetime) -> timedelta:
        """How far a time lies outside the incident's span (zero inside it)."""
        if time < self.start:
            return self.start - time
        if time > self.end:
            return time - self.end
        return timedelta(0)

    def killed_max(self, side: Side | None, kind: str | None) -> int:
        return self._max(side, kind, 0)

    def wounded_max(self, side: Side | None, kind: str | None) -> int:
        return self._max(side, kind, 1)

    def _max(self, side: Side | None, kind: str | None, index: int) -> int:
        # A figure without a side competes with every side's figures.
        values = [
            v[index] or 0
            for (s, k, _), v in self.figures.items()
            if (side is None or s == side or s is None) and (kind is None or k in (kind, None))
        ]
        return max(values, default=0)

    def view(self) -> IncidentView:
        return IncidentView(
            id=self.id,
            first_published=self.first_published,
            last_published=self.last_published,
            event_start=self.start,
            event_end=self.end,
            report_ids=tuple(self.reports),
            location_ids=tuple(self.location_ids),
            sectors=tuple(self.areas),
            severity=SEVERITIES[self.severity - 1] if self.severity else None,
            casualties=tuple(
                CasualtyFigure(side=s, kind=k, claimed_by=c, killed=v[0], wounded=v[1])
                for (s, k, c), v in self.figures.items()
            ),
            claims=tuple(
                ActorStatement(
                    actor=a,
                    stances=tuple(st.stances),
                    accused=tuple(st.accused),
                    actions=tuple(st.actions),
                    place_ids=tuple(st.place_ids),
                )
                for a, st in self.claims.items()
            ),
            weapons=tuple(self.weapons),
            sources=tuple(self.sources),
            sides_heard=tuple(self.sides),
            followups=self.followups,
            reply_worthy=self.reply_worthy,
        )


def changes(incident: IncidentState, feats: ReportFeatures, report: Report) -> frozenset[str]:
    """What a report adds to an incident, before it is absorbed."""
    out: set[str] = set()
    cls = report.classification
    if incident.sides and feats.sides - set(incident.sides):
        out.add("other_side_statement")
    if feats.denial_sides - incident.denial_sides:
        out.add("denial")
    for c in cls.casualties:
        if c.killed and c.killed > incident.killed_max(c.side, c.kind):
            out.update(("casualties", "new_deaths"))
        if c.wounded and c.wounded > incident.wounded_max(c.side, c.kind):
            out.add("casualties")
    if feats.primary_specific - incident.specific_ids and incident.location_ids:
        out.add("new_place")
    if feats.severity > incident.severity:
        out.add("severity_up")
    if feats.weapons - set(incident.weapons):
        out.add("new_weapon")
    return frozenset(out)


def absorb(incident: IncidentState, report: Report, feats: ReportFeatures) -> None:
    """Add a report's facts to an incident."""
    cls = report.classification
    incident.reports[report.item_id] = report
    incident.first_published = min(incident.first_published, report.published)
    incident.last_published = max(incident.last_published, report.published)
    if not feats.timeless:  # a report without time says nothing of when the incident was
        incident.start = min(incident.start, feats.time)
        incident.end = max(incident.end, feats.time)
    if feats.severity >= CRITICAL and not feats.timeless:
        incident.critical_reports += 1
        last = incident.last_critical
        incident.last_critical = feats.time if last is None else max(last, feats.time)
    incident.members.append(feats)
    for location_id in feats.location_ids:
        incident.location_ids.setdefault(location_id)
    incident.specific_ids |= feats.specific_ids
    for area in sorted(feats.areas):
        incident.areas.setdefault(area)
    incident.primary_areas |= feats.primary_areas
    incident.primary_points.update(feats.primary_points)
    incident.severity = max(incident.severity, feats.severity)
    for c in cls.casualties:
        _absorb_figure(incident, c)
    for claim in cls.claims:
        statement = incident.claims.setdefault(claim.actor, _Statement())
        statement.stances.setdefault(claim.stance)
        if claim.accused is not None:
            statement.accused.setdefault(claim.accused)
        if claim.action is not None and claim.stance == "accusation":
            statement.actions.setdefault(claim.action)
        for place_id in claim.place_ids:
            statement.place_ids.setdefault(place_id)
    for weapon in cls.weapons:
        incident.weapons.setdefault(weapon)
    if report.source:
        incident.sources.setdefault(report.source)
    for side in sorted(feats.sides):
        incident.sides.setdefault(side)
    incident.denial_sides |= feats.denial_sides


def _absorb_figure(incident: IncidentState, c: Casualties) -> None:
    """Merge one report's figure: a raised toll replaces the old one (the highest stands: a
    later, lower count is a subtotal or a part, never added), and deaths of people counted as
    wounded before ("died in hospital") move them from the wounded to the killed."""
    key = (c.side, c.kind, c.claimed_by)
    old = incident.figures.get(key, [None, None])
    killed, wounded = _max_opt(old[0], c.killed), _max_opt(old[1], c.wounded)
    if c.died_of_wounds and c.killed and wounded:
        newly_dead = c.killed - (old[0] or 0)
        if newly_dead > 0 and c.wounded is None:
            wounded = max(wounded - newly_dead, 0) or None
    incident.figures[key] = [killed, wounded]


@dataclass(slots=True)
class _Statement:
    """What one actor said across the incident's reports (ordered sets)."""

    stances: dict[Stance, None] = field(default_factory=dict)
    accused: dict[Side, None] = field(default_factory=dict)
    actions: dict[str, None] = field(default_factory=dict)
    place_ids: dict[str, None] = field(default_factory=dict)


def _max_opt(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)
