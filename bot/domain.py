"""The words of the domain, each defined once: sides, actors, stances, severities, weapons,
outlet perspectives, delivery kinds and statuses, and send priorities.

A leaf module (it imports nothing from `bot`), so the pure classifier, the clustering, the
store and the presentation layer can all speak the same vocabulary. The catalog keys and the
lexicon groups that render or recognise these words live elsewhere; a test checks that every
value here has them.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum, StrEnum
from types import MappingProxyType
from typing import Final, Literal, get_args

__all__ = [
    "ACTIONS",
    "ACTORS",
    "ACTOR_SIDE",
    "CASUALTY_KINDS",
    "DELIVERY_KINDS",
    "DELIVERY_STATUSES",
    "HEAVY_WEAPONS",
    "OPEN_STATUSES",
    "PERSPECTIVES",
    "SEVERITIES",
    "SIDES",
    "STANCES",
    "WEAPONS",
    "Action",
    "Actor",
    "CasualtyKind",
    "DeliveryKind",
    "DeliveryStatus",
    "Perspective",
    "Priority",
    "Severity",
    "Side",
    "Stance",
    "Weapon",
    "priority_of",
    "severity_rank",
]

Severity = Literal["low", "medium", "high", "critical"]
SEVERITIES: Final[tuple[Severity, ...]] = get_args(Severity)

Side = Literal["armenian", "azerbaijani"]
SIDES: Final[tuple[Side, ...]] = get_args(Side)

# Who made a claim. Stable identifiers: the formatter turns them into
# "Armenia's MoD", "Azerbaijan's MoD", ... in the reader's language.
Actor = Literal[
    "am_mod",  # Armenia's Ministry of Defence
    "az_mod",  # Azerbaijan's Ministry of Defence
    "am_border",  # Armenia's border guards (incl. Russian border guards in Armenia)
    "az_border",  # Azerbaijan's State Border Service
    "am_gov",  # other Armenian officials (PM, MFA, ombudsman, local heads)
    "az_gov",  # other Azerbaijani officials
    "karabakh",  # Karabakh Armenian authorities (until 2023)
    "third_party",  # Russia, peacekeepers, EU mission, OSCE, ...
    "media",  # the outlet itself, no official source named
]
ACTORS: Final[tuple[Actor, ...]] = get_args(Actor)

# Whose side each official actor speaks for (third parties and the media speak for neither).
ACTOR_SIDE: Final[Mapping[str, Side]] = MappingProxyType(
    {
        "am_mod": "armenian",
        "am_border": "armenian",
        "am_gov": "armenian",
        "karabakh": "armenian",
        "az_mod": "azerbaijani",
        "az_border": "azerbaijani",
        "az_gov": "azerbaijani",
    }
)

Stance = Literal["claim", "denial", "accusation"]
STANCES: Final[tuple[Stance, ...]] = get_args(Stance)

# What a side says the other did, as an alert sentence names it ("shelled positions").
Action = Literal["fire", "shelling", "drone", "incursion", "attack", "capture"]
ACTIONS: Final[tuple[Action, ...]] = get_args(Action)

CasualtyKind = Literal["servicemen", "civilians"]
CASUALTY_KINDS: Final[tuple[CasualtyKind, ...]] = get_args(CasualtyKind)

Weapon = Literal[
    "small_arms",
    "sniper",
    "grenade_launcher",
    "mortar",
    "artillery",
    "rocket",
    "drone",
    "tank",
    "aircraft",
    "landmine",
]
WEAPONS: Final[tuple[Weapon, ...]] = get_args(Weapon)
HEAVY_WEAPONS: Final[frozenset[str]] = frozenset(
    {"mortar", "artillery", "drone", "rocket", "tank", "aircraft"}
)

# An outlet's point of view, as the sources file names it.
Perspective = Literal[
    "armenian", "azerbaijani", "independent", "international", "official", "russian", "aggregator"
]
PERSPECTIVES: Final[tuple[Perspective, ...]] = get_args(Perspective)


class DeliveryKind(StrEnum):
    """What an outbox row does in its chat (stored as the value in `deliveries.kind`)."""

    ALERT = "alert"  # the first message about an incident
    EDIT = "edit"  # new facts written into the alert already sent
    REPLY = "reply"  # a reply to the alert: new deaths or a higher severity
    MESSAGE = "message"  # a plain message: a digest or an operator notice


DELIVERY_KINDS: Final[tuple[DeliveryKind, ...]] = tuple(DeliveryKind)


class DeliveryStatus(StrEnum):
    """Where an outbox row is: pending -> sending -> sent | failed; cancelled when its chat
    left or unsubscribed (stored as the value in `deliveries.status`)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


DELIVERY_STATUSES: Final[tuple[DeliveryStatus, ...]] = tuple(DeliveryStatus)
OPEN_STATUSES: Final[tuple[DeliveryStatus, ...]] = (
    DeliveryStatus.PENDING, DeliveryStatus.SENDING,
)


class Priority(IntEnum):
    """Send order in the outbox (and in the shared pace of all sends): lower goes first."""

    REPLY = 0  # an answer to a person's command: never behind a broadcast's tail
    CRITICAL = 10
    HIGH = 20
    OPERATOR = 50  # notices to operators (a source down for hours)
    MEDIUM = 40
    LOW = 60
    UNGRADED = 80
    DIGEST = 90  # a chat's daily digest, after every alert


_SEVERITY_PRIORITY: Final[Mapping[str | None, Priority]] = MappingProxyType(
    {
        "critical": Priority.CRITICAL,
        "high": Priority.HIGH,
        "medium": Priority.MEDIUM,
        "low": Priority.LOW,
        None: Priority.UNGRADED,
    }
)


def priority_of(severity: str | None) -> Priority:
    """The outbox priority of an alert of this severity (ungraded for anything unknown)."""
    return _SEVERITY_PRIORITY.get(severity, Priority.UNGRADED)


def severity_rank(severity: Severity | None) -> int:
    """0 for none, 1..4 for low..critical; for comparisons."""
    return 0 if severity is None else SEVERITIES.index(severity) + 1
