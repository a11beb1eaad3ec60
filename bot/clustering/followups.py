"""The follow-up policy: what a report that joins an incident does in Telegram."""

from __future__ import annotations

from typing import Final, Protocol

from bot.clustering.types import Assignment, FollowupAction

__all__ = [
    "DEFAULT_MAX_FOLLOWUPS",
    "DEFAULT_MAX_REPLIES",
    "REPLY_CHANGES",
    "FollowupCounts",
    "followup_action",
]


# Changes worth a short reply under the edited alert, not only an edit.
REPLY_CHANGES: Final[frozenset[str]] = frozenset({"severity_up", "new_deaths"})
DEFAULT_MAX_FOLLOWUPS: Final = 5
DEFAULT_MAX_REPLIES: Final = 2


class FollowupCounts(Protocol):
    """What `followup_action` reads of an incident, taken right after the report was added."""

    @property
    def followups(self) -> int: ...

    @property
    def reply_worthy(self) -> int: ...


def followup_action(
    assignment: Assignment,
    incident: FollowupCounts,
    *,
    max_followups: int = DEFAULT_MAX_FOLLOWUPS,
    max_replies: int = DEFAULT_MAX_REPLIES,
) -> FollowupAction:
    """What to do in Telegram for an assignment, given its incident's view right after `add`.

    "alert" for a new incident; "attach" (silently, as a further source) when the report adds
    nothing or is past the incident's `max_followups`-th follow-up; "edit_and_reply" when it
    raises the severity or the deaths and is among the first `max_replies` such reports; "edit"
    otherwise. `Clusterer.add` puts the same answer, with its own bounds, in `Assignment.action`.
    """
    if assignment.created:
        return "alert"
    if assignment.duplicate or not assignment.changes or incident.followups > max_followups:
        return "attach"
    if assignment.changes & REPLY_CHANGES and incident.reply_worthy <= max_replies:
        return "edit_and_reply"
    return "edit"
