"""What clustering takes and gives: reports in; assignments and merged incident views out.

`IncidentView` has a JSON form, stored with each incident row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal, cast, get_args

from bot.classifier.types import Classification, Location
from bot.domain import Severity, Side, Stance

__all__ = [
    "CHANGES",
    "ActorStatement",
    "AreaLookup",
    "Assignment",
    "CasualtyFigure",
    "Change",
    "FollowupAction",
    "IncidentView",
    "Report",
]


Change = Literal[
    "other_side_statement",
    "casualties",
    "new_deaths",
    "new_place",
    "severity_up",
    "new_weapon",
    "denial",
]
CHANGES: Final[tuple[Change, ...]] = get_args(Change)
FollowupAction = Literal["alert", "edit", "edit_and_reply", "attach"]


@dataclass(frozen=True, slots=True)
class Report:
    """One classified incident item, as the clustering sees it."""

    item_id: str
    published: datetime  # UTC aware; the pipeline passes first-seen time when the feed gives none
    title: str
    summary: str
    source: str | None
    perspective: str | None  # the outlet's point of view, as the sources file names it
    classification: Classification
    url: str | None = None
    side: Side | None = None  # the side the source speaks from, as the sources file declares
    # No publication time and no event date in the text (a batch item): matched on content
    # only, never on the time of the batch; `published` is then only a label.
    timeless: bool = False


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where `Clusterer.add` put a report and what the report adds to its incident."""

    incident_id: str
    created: bool
    changes: frozenset[str] = frozenset()  # values of `Change`; empty: nothing new
    action: FollowupAction = "attach"  # `followup_action` with the clusterer's bounds applied
    duplicate: bool = False  # the item was already assigned; nothing changed


@dataclass(frozen=True, slots=True)
class CasualtyFigure:
    """The highest figures one claimant gave for one side and kind."""

    side: Side | None
    kind: str | None
    claimed_by: str | None
    killed: int | None
    wounded: int | None


@dataclass(frozen=True, slots=True)
class ActorStatement:
    """What one actor said about the incident: its stances and whom it accused."""

    actor: str
    stances: tuple[Stance, ...]
    accused: tuple[Side, ...]
    actions: tuple[str, ...] = ()  # values of `domain.Action`: what it says the accused did
    place_ids: tuple[str, ...] = ()  # the places its statements name


@dataclass(frozen=True, slots=True)
class IncidentView:
    """The merged view of one incident, for the formatter and the follow-up decision."""

    id: str
    first_published: datetime
    last_published: datetime
    event_start: datetime
    event_end: datetime
    report_ids: tuple[str, ...]
    location_ids: tuple[str, ...]
    sectors: tuple[str, ...]
    severity: Severity | None
    casualties: tuple[CasualtyFigure, ...]
    claims: tuple[ActorStatement, ...]
    weapons: tuple[str, ...]
    sources: tuple[str, ...]
    sides_heard: tuple[Side, ...]
    followups: int  # reports that added something after the first one, the latest included
    reply_worthy: int  # of which raised the severity or the deaths

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of the view (datetimes as ISO 8601 strings)."""
        return {
            "id": self.id,
            "first_published": self.first_published.isoformat(),
            "last_published": self.last_published.isoformat(),
            "event_start": self.event_start.isoformat(),
            "event_end": self.event_end.isoformat(),
            "report_ids": list(self.report_ids),
            "location_ids": list(self.location_ids),
            "sectors": list(self.sectors),
            "severity": self.severity,
            "casualties": [
                {
                    "side": c.side,
                    "kind": c.kind,
                    "claimed_by": c.claimed_by,
                    "killed": c.killed,
                    "wounded": c.wounded,
                }
                for c in self.casualties
            ],
            "claims": [
                {
                    "actor": c.actor,
                    "stances": list(c.stances),
                    "accused": list(c.accused),
                    "actions": list(c.actions),
                    "place_ids": list(c.place_ids),
                }
                for c in self.claims
            ],
            "weapons": list(self.weapons),
            "sources": list(self.sources),
            "sides_heard": list(self.sides_heard),
            "followups": self.followups,
            "reply_worthy": self.reply_worthy,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> IncidentView:
        """The view back from `to_json` output (as stored with the incident row)."""
        return cls(
            id=str(data["id"]),
            first_published=datetime.fromisoformat(data["first_published"]),
            last_published=datetime.fromisoformat(data["last_published"]),
            event_start=datetime.fromisoformat(data["event_start"]),
            event_end=datetime.fromisoformat(data["event_end"]),
            report_ids=tuple(data["report_ids"]),
            location_ids=tuple(data["location_ids"]),
            sectors=tuple(data["sectors"]),
            severity=cast("Severity | None", data["severity"]),
            casualties=tuple(
                CasualtyFigure(
                    side=cast("Side | None", c["side"]),
                    kind=c["kind"],
                    claimed_by=c["claimed_by"],
                    killed=c["killed"],
                    wounded=c["wounded"],
                )
                for c in data["casualties"]
            ),
            claims=tuple(
                ActorStatement(
                    actor=str(c["actor"]),
                    stances=tuple(cast("list[Stance]", c["stances"])),
                    accused=tuple(cast("list[Side]", c["accused"])),
                    actions=tuple(c.get("actions", ())),
                    place_ids=tuple(c.get("place_ids", ())),
                )
                for c in data["claims"]
            ),
            weapons=tuple(data["weapons"]),
            sources=tuple(data["sources"]),
            sides_heard=tuple(cast("list[Side]", data["sides_heard"])),
            followups=int(data["followups"]),
            reply_worthy=int(data["reply_worthy"]),
        )


AreaLookup = Callable[[Location], frozenset[str]]
"""The border sectors a location lies in or touches; empty when it says nothing about a sector."""
