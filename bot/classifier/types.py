"""Value types of the classifier's public contract.

Everything here is a frozen, slotted dataclass: the classifier returns them, the clustering
and the formatter read them, and `to_json` gives the shape `borderwatch classify` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.domain import (
    ACTOR_SIDE,
    SEVERITIES,
    Action,
    Actor,
    CasualtyKind,
    Severity,
    Side,
    Stance,
    severity_rank,
)

__all__ = [
    "ACTOR_SIDE",
    "SEVERITIES",
    "Casualties",
    "Claim",
    "Classification",
    "ItemText",
    "Location",
    "Severity",
    "Signal",
    "severity_rank",
]

@dataclass(frozen=True, slots=True)
class ItemText:
    """What the classifier reads of one feed item."""

    id: str
    title: str
    summary: str = ""
    lang: str | None = None  # a hint (feed or source language); detected when None
    published: datetime | None = None  # timezone-aware UTC
    url: str | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        # A naive time is read as UTC rather than failing later in a comparison with the
        # classifier's aware cut-off dates (a library caller may pass one).
        if self.published is not None and self.published.tzinfo is None:
            object.__setattr__(self, "published", self.published.replace(tzinfo=UTC))


@dataclass(frozen=True, slots=True)
class Signal:
    """One piece of evidence behind a decision, for `--explain` and the logs."""

    name: str  # stable identifier, e.g. "violence_verb", "denial", "history_marker"
    weight: float  # contribution to the score (log-odds), negative for evidence against
    evidence: str  # the text that triggered it


@dataclass(frozen=True, slots=True)
class Location:
    """A place resolved against the gazetteer."""

    id: str  # gazetteer id, e.g. "am-sotk"; the same for every spelling
    name: str  # canonical English name
    matched: str  # the text as it stood in the item
    country: str  # "AM" or "AZ"
    admin: str  # province / district, canonical English
    lat: float
    lon: float
    kind: str = "settlement"  # settlement / district / province / region


@dataclass(frozen=True, slots=True)
class Casualties:
    """Casualties as reported, with whose they are and who says so."""

    killed: int | None = None
    wounded: int | None = None
    side: Side | None = None  # whose casualties
    kind: CasualtyKind | None = None
    claimed_by: Actor | None = None
    evidence: str = ""
    # the killed include people an earlier report counted as wounded ("died in hospital")
    died_of_wounds: bool = False


@dataclass(frozen=True, slots=True)
class Claim:
    """A statement attributed to an actor: a claim, a denial or an accusation."""

    actor: Actor
    stance: Stance
    evidence: str  # the sentence or clause it is based on
    accused: Side | None = None  # for accusations: the side accused
    action: Action | None = None  # what the speaker says happened ("shelling"), when it says
    place_ids: tuple[str, ...] = ()  # gazetteer ids of the places its sentence names


@dataclass(frozen=True, slots=True)
class Classification:
    """The classifier's judgement on one item, with the facts it extracted."""

    id: str
    incident: bool
    score: float  # 0..1
    lang: str
    severity: Severity | None = None  # None for non-incidents
    locations: tuple[Location, ...] = ()
    casualties: tuple[Casualties, ...] = ()
    # small_arms, sniper, mortar, artillery, drone, rocket, tank, aircraft
    weapons: tuple[str, ...] = ()
    claims: tuple[Claim, ...] = ()
    signals: tuple[Signal, ...] = field(default=(), compare=False)
    event_date: datetime | None = None  # the event's date when the text names one

    def to_json(self, *, explain: bool = False) -> dict[str, Any]:
        """The JSON object `borderwatch classify` prints (without `incident_id`)."""
        out: dict[str, Any] = {
            "id": self.id,
            "incident": self.incident,
            "score": round(self.score, 4),
            "severity": self.severity,
            "lang": self.lang,
            "locations": [
                {
                    "id": loc.id,
                    "name": loc.name,
                    "matched": loc.matched,
                    "country": loc.country,
                    "admin": loc.admin,
                    "kind": loc.kind,
                    "lat": loc.lat,
                    "lon": loc.lon,
                }
                for loc in self.locations
            ],
            "casualties": [
                {
                    "killed": c.killed,
                    "wounded": c.wounded,
                    "side": c.side,
                    "kind": c.kind,
                    "claimed_by": c.claimed_by,
                }
                for c in self.casualties
            ],
            "weapons": list(self.weapons),
            "claims": [
                {"actor": c.actor, "stance": c.stance, "accused": c.accused} for c in self.claims
            ],
            "event_date": self.event_date.date().isoformat() if self.event_date else None,
        }
        if explain:
            out["signals"] = [
                {"name": s.name, "weight": round(s.weight, 3), "evidence": s.evidence}
                for s in self.signals
            ]
            out["facts_basis"] = {
                "casualties": [c.evidence for c in self.casualties],
                "claims": [c.evidence for c in self.claims],
            }
        return out
