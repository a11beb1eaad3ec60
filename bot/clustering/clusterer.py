"""The clusterer: assigns each report to the best-scoring incident or opens a new one.

The rules are told in the package docstring (`bot.clustering`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Final

from bot.clustering import incident as state
from bot.clustering.areas import GazetteerAreas, near
from bot.clustering.features import CRITICAL, HIGH, ReportFeatures, event_time, report_features
from bot.clustering.followups import (
    DEFAULT_MAX_FOLLOWUPS,
    DEFAULT_MAX_REPLIES,
    REPLY_CHANGES,
    followup_action,
)
from bot.clustering.incident import IncidentState
from bot.clustering.scoring import (
    JOIN_SCORE,
    ONE_DAY,
    other_sides_dead,
    pair_score,
    shares_identity,
    time_score,
)
from bot.clustering.types import (
    AreaLookup,
    Assignment,
    IncidentView,
    Report,
)

__all__ = [
    "DEFAULT_MAX_SPAN",
    "DEFAULT_WAR_GAP",
    "DEFAULT_WINDOW",
    "Clusterer",
    "cluster_batch",
    "default_id",
]


DEFAULT_WINDOW: Final = timedelta(days=3)
DEFAULT_MAX_SPAN: Final = timedelta(days=7)
DEFAULT_WAR_GAP: Final = timedelta(days=14)
_WAR_SCORE: Final = 3.0
_ALONE_GAP: Final = timedelta(days=1.5)
_ALONE: Final = 0.5  # the only incident of the day, for a report that names no place
_ALONE_MAJOR: Final = 1.0  # the same when both are major (high, critical) events
_TIMELESS_EXTRA: Final = 2.0  # content evidence a report without time needs beyond JOIN_SCORE
_DAY_MONTH_EXTRA: Final = 0.5  # the same for one whose text names a day of the incident
_TIMELESS_CANDIDATES: Final = 8  # incidents a report without time is weighed against, at most
_TIMELESS_SAMPLE: Final = 2  # their first and latest reports it is compared with


def default_id(report: Report) -> str:
    """A deterministic id: "inc-<event yyyymmdd>-<8 hex of the first report's id>"."""
    digest = hashlib.sha256(report.item_id.encode("utf-8")).hexdigest()[:8]
    return f"inc-{event_time(report):%Y%m%d}-{digest}"


def cluster_batch(reports: Iterable[Report], *, clusterer: Clusterer | None = None) -> list[str]:
    """Incident ids for a batch, in input order, clustered in publication order.

    Reports without any time (`Report.timeless`) come last, so they can join by content the
    incidents the dated reports made.
    """
    batch = list(reports)
    engine = clusterer if clusterer is not None else Clusterer()
    order = sorted(
        range(len(batch)),
        key=lambda i: (batch[i].timeless, batch[i].published, batch[i].item_id),
    )
    ids: dict[str, str] = {}
    for i in order:
        ids[batch[i].item_id] = engine.add(batch[i]).incident_id
    return [ids[r.item_id] for r in batch]


_SAMPLE_FIRST: Final = 4
_SAMPLE_LAST: Final = 12


class Clusterer:
    """Assigns reports to incidents; holds only recent incidents (see `expire`).

    Not thread-safe; one per pipeline. All state can be rebuilt with `seed`.
    """

    def __init__(
        self,
        *,
        window: timedelta = DEFAULT_WINDOW,
        max_span: timedelta = DEFAULT_MAX_SPAN,
        war_gap: timedelta = DEFAULT_WAR_GAP,
        max_followups: int = DEFAULT_MAX_FOLLOWUPS,
        max_replies: int = DEFAULT_MAX_REPLIES,
        id_factory: Callable[[Report], str] | None = None,
        areas_of: AreaLookup | None = None,
    ) -> None:
        self.window = window
        self.max_span = max_span
        self.war_gap = war_gap
        self.max_followups = max_followups
        self.max_replies = max_replies
        self._id_factory = id_factory or default_id
        self._areas_of = areas_of or GazetteerAreas()
        self._incidents: dict[str, IncidentState] = {}
        self._item_index: dict[str, str] = {}
        # Candidate lookup: incidents by the days their span covers, so a report is scored
        # only against incidents near it in time (wars, which match further out, always).
        self._by_day: dict[int, set[str]] = {}
        self._indexed: dict[str, tuple[int, int]] = {}
        self._wars: set[str] = set()
        self._opened: dict[str, int] = {}  # opening order, for deterministic tie-breaks
        # Incidents by the specific places and names of their reports, for reports without time.
        self._by_content: dict[str, set[str]] = {}
        self._content: dict[str, set[str]] = {}

    # -- public API

    def add(self, report: Report) -> Assignment:
        """Put a report into the best matching incident, or open a new one."""
        known = self._item_index.get(report.item_id)
        if known is not None:
            return Assignment(incident_id=known, created=False, duplicate=True)
        feats = report_features(report, self._areas_of)
        if feats.timeless:
            return self._add_timeless(report, feats)
        candidates = [
            (i, i.gap(feats.time)) for i in self._candidates(feats.time) if not i.timeless
        ]
        near = [i for i, gap in candidates if gap < _ALONE_GAP]
        alone = near[0] if len(near) == 1 else None
        best: IncidentState | None = None
        best_key: tuple[float, datetime] | None = None
        for incident, gap in candidates:
            if gap > self.window and not (incident.war and feats.severity >= CRITICAL):
                continue  # what `_score` would find first: too far, and no war to join
            score = self._score(incident, feats, gap, alone=incident is alone)
            if score is None or score < JOIN_SCORE:
                continue
            key = (score, incident.end)
            if best_key is None or key > best_key:
                best, best_key = incident, key
        if best is None:
            incident = self._open(report, feats)
            return Assignment(incident_id=incident.id, created=True, action="alert")
        return self._join(best, report, feats)

    def _add_timeless(self, report: Report, feats: ReportFeatures) -> Assignment:
        """A report with no time: it joins the incident its content matches best, with more
        evidence than a dated report needs (no time agrees for it), or opens its own.

        Only incidents sharing a specific place or a name with it are weighed (looked up in
        `_by_content`): without time nothing less can reach the score it needs. Topic evidence
        (a place, weapons, stances) is not enough: a name, a number or a figure must be shared,
        or the day and month its text names must be a day of the incident. A day and month
        that is none of the incident's days rules it out.
        """
        shared: Counter[str] = Counter()
        for key in _content_keys(feats):
            shared.update(self._by_content.get(key, ()))
        # the incidents sharing most, a bounded few: a busy batch has hundreds per name or place
        ranked = sorted(shared, key=lambda i: (-shared[i], self._opened[i]))[:_TIMELESS_CANDIDATES]
        best: IncidentState | None = None
        best_margin = 0.0
        for incident_id in sorted(ranked, key=self._opened.__getitem__):
            incident = self._incidents[incident_id]
            if incident.timeless or not _places_compatible(incident, feats):
                continue
            members = incident.members
            if len(members) > 2 * _TIMELESS_SAMPLE:
                members = members[:_TIMELESS_SAMPLE] + members[-_TIMELESS_SAMPLE:]
            day = _day_agreement(incident, feats)
            if day is False:
                continue
            day = day and not incident.war  # a war has a report on nearly every day
            scores = [
                x for m in members
                if (x := pair_score(m, feats)) is not None and (day or shares_identity(m, feats))
            ]  # fmt: skip
            if not scores:
                continue
            # the named day stands for the time a dated report has; the year stays unknown
            need = JOIN_SCORE + (_DAY_MONTH_EXTRA if day else _TIMELESS_EXTRA)
            margin = max(scores) + (time_score(timedelta(0)) if day else 0.0) - need
            if margin >= best_margin:
                best, best_margin = incident, margin + 1e-9  # the first of equal ones
        if best is None:
            incident = self._open(report, feats)
            incident.timeless = True
            return Assignment(incident_id=incident.id, created=True, action="alert")
        return self._join(best, report, feats)

    def _index_content(self, incident_id: str, feats: ReportFeatures) -> None:
        keys = self._content.setdefault(incident_id, set())
        for key in _content_keys(feats) - keys:
            keys.add(key)
            self._by_content.setdefault(key, set()).add(incident_id)

    def _unindex_content(self, incident_id: str) -> None:
        for key in self._content.pop(incident_id, ()):
            bucket = self._by_content.get(key)
            if bucket is not None:
                bucket.discard(incident_id)
                if not bucket:
                    del self._by_content[key]

    def seed(self, incident_id: str, reports: Sequence[Report]) -> None:
        """Restore an incident after a restart from its stored reports.

        The reports join `incident_id` whatever the matching rules say; the follow-up counts are
        recomputed by replaying them in publication order, so the bound carries over a restart.
        Reports already known are skipped.
        """
        ordered = sorted(
            (r for r in reports if r.item_id not in self._item_index),
            key=lambda r: (r.published, r.item_id),
        )
        for report in ordered:
            feats = report_features(report, self._areas_of)
            incident = self._incidents.get(incident_id)
            if incident is None:
                self._open(report, feats, incident_id=incident_id)
            else:
                self._join(incident, report, feats)

    def expire(self, now: datetime) -> tuple[str, ...]:
        """Forget incidents that can no longer take reports at `now`; return their ids."""
        gone = []
        for incident in self._incidents.values():
            keep = self.war_gap if incident.war else self.window
            latest = max(incident.end, incident.last_published)
            if latest + keep < now:
                gone.append(incident.id)
        for incident_id in gone:
            incident = self._incidents.pop(incident_id)
            self._unindex(incident_id)
            self._unindex_content(incident_id)
            self._wars.discard(incident_id)
            self._opened.pop(incident_id, None)
            for item_id in incident.reports:
                self._item_index.pop(item_id, None)
        return tuple(gone)

    @property
    def retention(self) -> timedelta:
        """How long an incident can still take reports after its last one: what to reload."""
        return max(self.window, self.war_gap)

    def incident(self, incident_id: str) -> IncidentView:
        """The merged view of one incident; KeyError when unknown or expired."""
        return self._incidents[incident_id].view()

    def incident_of(self, item_id: str) -> str | None:
        """The incident an item was assigned to, if it is still held."""
        return self._item_index.get(item_id)

    @property
    def incident_ids(self) -> tuple[str, ...]:
        """Ids of the incidents held, oldest first."""
        return tuple(self._incidents)

    def __len__(self) -> int:
        return len(self._incidents)

    # -- internals

    def _candidates(self, time: datetime) -> list[IncidentState]:
        """Incidents that could take a report at `time`, in the order they were opened."""
        first, last = _day(time - self.window), _day(time + self.window)
        ids: set[str] = set()
        for day in range(first, last + 1):
            ids.update(self._by_day.get(day, ()))
        ids.update(self._wars)
        incidents = self._incidents
        return [incidents[i] for i in sorted(ids, key=self._opened.__getitem__)]

    def _index(self, incident: IncidentState) -> None:
        self._opened.setdefault(incident.id, len(self._opened))
        days = (_day(incident.start), _day(incident.end))
        if self._indexed.get(incident.id) != days:
            self._unindex(incident.id)
            for day in range(days[0], days[1] + 1):
                self._by_day.setdefault(day, set()).add(incident.id)
            self._indexed[incident.id] = days
        if incident.war:
            self._wars.add(incident.id)

    def _unindex(self, incident_id: str) -> None:
        days = self._indexed.pop(incident_id, None)
        if days is None:
            return
        for day in range(days[0], days[1] + 1):
            bucket = self._by_day.get(day)
            if bucket is not None:
                bucket.discard(incident_id)
                if not bucket:
                    del self._by_day[day]

    def _join(self, incident: IncidentState, report: Report, feats: ReportFeatures) -> Assignment:
        changes = state.changes(incident, feats, report)
        if changes:
            incident.followups += 1
        if changes & REPLY_CHANGES:
            incident.reply_worthy += 1
        state.absorb(incident, report, feats)
        self._index(incident)
        self._index_content(incident.id, feats)
        self._item_index[report.item_id] = incident.id
        assignment = Assignment(incident_id=incident.id, created=False, changes=changes)
        action = followup_action(
            assignment, incident, max_followups=self.max_followups, max_replies=self.max_replies
        )
        return Assignment(incident_id=incident.id, created=False, changes=changes, action=action)

    def _open(
        self, report: Report, feats: ReportFeatures, *, incident_id: str | None = None
    ) -> IncidentState:
        new_id = incident_id or self._id_factory(report)
        base, n = new_id, 1
        while new_id in self._incidents:
            n += 1
            new_id = f"{base}-{n}"
        incident = IncidentState(
            id=new_id,
            first_published=report.published,
            last_published=report.published,
            start=feats.time,
            end=feats.time,
        )
        state.absorb(incident, report, feats)
        self._incidents[new_id] = incident
        self._index(incident)
        self._index_content(new_id, feats)
        self._item_index[report.item_id] = new_id
        return incident

    def _score(
        self, incident: IncidentState, feats: ReportFeatures, gap: timedelta, *, alone: bool
    ) -> float | None:
        """How strongly a report belongs to an incident; None when it cannot.

        `gap` is `incident.gap(feats.time)`. `alone`: no other incident lies within `_ALONE_GAP`
        of the report. When one of the two names no border place, being the only event of the
        day stands in for place evidence.
        """
        if (
            incident.war
            and incident.last_critical is not None
            and feats.severity >= CRITICAL
            and feats.time >= incident.start - self.window
            and feats.time - incident.last_critical <= self.war_gap
        ):
            return _WAR_SCORE + time_score(gap)
        if gap > self.window:
            return None
        span = max(incident.end, feats.time) - min(incident.start, feats.time)
        if span > self.max_span and not incident.war:
            return None
        war_wide = incident.war and feats.severity >= HIGH
        if not war_wide and not _places_compatible(incident, feats):
            return None
        # a report placed only by a region the war is fought in ("в боях в Карабахе") is of it
        war_wide = war_wide or (incident.war and feats.primary_broad)
        best: float | None = None  # the best pair; the first of equal ones, as max() would
        for member in _sample(incident.members):
            if abs(member.time - feats.time) <= self.window:
                pair = pair_score(member, feats)
                if pair is not None and (best is None or pair > best):
                    best = pair
        score = 0.0 if best is None else best
        if (
            alone
            and (not feats.primary_areas or not incident.primary_areas)
            and not any(other_sides_dead(m, feats) for m in incident.members)
        ):
            score += _ALONE_MAJOR if min(feats.severity, incident.severity) >= HIGH else _ALONE
        return max(score, JOIN_SCORE) if war_wide else score


def _content_keys(feats: ReportFeatures) -> set[str]:
    """The specific places and the names (not numbers) of a report."""
    return {f"p:{i}" for i in feats.specific_ids} | {
        f"t:{t}" for t in feats.tokens if not t.startswith("#")
    }


def _day_agreement(incident: IncidentState, feats: ReportFeatures) -> bool | None:
    """Whether the day and month a report without time names is a day of the incident (within
    a day: "the night of the 18th to the 19th"); None when it names none."""
    if feats.day_month is None:
        return None
    month, day = feats.day_month
    for member in incident.members:
        if member.timeless:
            continue
        try:
            named = member.time.replace(month=month, day=day)
        except ValueError:  # 29 February in another year
            continue
        for year in (-1, 0, 1):  # 31 December and 1 January are a day apart
            try:
                moment = named.replace(year=named.year + year)
            except ValueError:
                continue
            if abs(moment - member.time) <= ONE_DAY + timedelta(hours=12):
                return True
    return False


def _day(moment: datetime) -> int:
    return moment.toordinal()


def _sample(members: list[ReportFeatures]) -> list[ReportFeatures]:
    """The members a new report is compared with: the first reports and the latest ones.

    A busy incident collects hundreds of near-identical reports; comparing with all of them
    costs quadratic time and adds no evidence the first and latest do not already give.
    """
    if len(members) <= _SAMPLE_FIRST + _SAMPLE_LAST:
        return members
    return members[:_SAMPLE_FIRST] + members[-_SAMPLE_LAST:]


def _places_compatible(incident: IncidentState, feats: ReportFeatures) -> bool:
    """False when both name primary places and no sector or neighbourhood joins them."""
    if not feats.primary_areas or not incident.primary_areas:
        return True
    if (
        feats.primary_areas & incident.primary_areas
        or feats.primary_specific & incident.specific_ids
    ):
        return True
    return any(near(a, b) for a in feats.primary_points for b in incident.primary_points)
