"""The send/skip rules: who wants an incident, and when it may go out. Pure, no I/O.

- `wants(prefs, alert, now)`: does the chat want this incident at all (minimum severity,
  sectors, muted sectors, keyword filters)?
- `send_at(prefs, now, severity)`: when the alert may be sent (the end of quiet hours, unless
  it is critical and critical alerts are let through).
- `digest_due(prefs, now)`: the moment of the digest that is due now, if any.
- `filter_text(headline, texts, place_ids)`: what keyword filters match for an incident.

Keyword filters are matched without regular expressions: keywords and text are folded the way
the gazetteer folds names (case, Latin diacritics, punctuation) and a keyword matches where a
word of the text starts with it. Matching is linear in the text, whatever a user types.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.classifier.gazetteer import default_gazetteer, fold
from bot.domain import SEVERITIES, severity_rank
from bot.subscribers.prefs import ChatPrefs

__all__ = [
    "AlertFacts",
    "digest_due",
    "filter_text",
    "in_quiet_hours",
    "keyword_matches",
    "send_at",
    "wants",
]


@dataclass(frozen=True, slots=True)
class AlertFacts:
    """What the decisions look at: the incident's severity, sectors and searchable text."""

    severity: str | None
    sectors: tuple[str, ...]
    text: str


def filter_text(headline: str, texts: Iterable[str], place_ids: Iterable[str]) -> str:
    """What keyword filters match for an incident: its headline, its reports' text, and the
    names of its places in every language the gazetteer has (a filter in any script finds
    the place)."""
    gazetteer = default_gazetteer()
    parts = [headline, *texts]
    for place_id in place_ids:
        if place_id in gazetteer:
            for names in gazetteer.get(place_id).names.values():
                parts.extend(names)
    return "\n".join(p for p in parts if p)


def wants(prefs: ChatPrefs, alert: AlertFacts, now: datetime) -> bool:
    """Whether the chat wants this incident (severity, sectors, mutes, keyword filters)."""
    if prefs.min_severity and _rank(alert.severity) < _rank(prefs.min_severity):
        return False
    if prefs.sectors and not prefs.sectors.intersection(alert.sectors):
        return False
    mutes = prefs.active_mutes(now)
    if mutes and alert.sectors and all(s in mutes for s in alert.sectors):
        return False
    if prefs.exclude and keyword_matches(prefs.exclude, alert.text):
        return False
    return not prefs.include or keyword_matches(prefs.include, alert.text)


def _rank(severity: str | None) -> int:
    """0 for none (or unknown), 1..4 for low..critical."""
    return severity_rank(severity) if severity in SEVERITIES else 0


def in_quiet_hours(prefs: ChatPrefs, now: datetime) -> bool:
    """Whether `now` falls in the chat's quiet hours."""
    if prefs.quiet is None:
        return False
    local = now.astimezone(prefs.zone)
    minute = local.hour * 60 + local.minute
    start, end = prefs.quiet.start, prefs.quiet.end
    if start == end:
        return False
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


def send_at(prefs: ChatPrefs, now: datetime, severity: str | None) -> datetime:
    """When an alert may go out: now, or the end of the quiet hours it falls in."""
    if prefs.quiet is None or not in_quiet_hours(prefs, now):
        return now
    if severity == "critical" and prefs.critical_through:
        return now
    local = now.astimezone(prefs.zone)
    end = prefs.quiet.end
    candidate = _local_moment(local.date(), end, prefs.zone)
    if candidate <= now:
        candidate = _local_moment(local.date() + timedelta(days=1), end, prefs.zone)
    return candidate.astimezone(UTC)


def digest_due(prefs: ChatPrefs, now: datetime) -> datetime | None:
    """The digest moment that has come and was not sent yet (UTC), or None."""
    if prefs.mode != "digest":
        return None
    local = now.astimezone(prefs.zone)
    moment = _local_moment(local.date(), prefs.digest_minute, prefs.zone)
    if moment > now:
        moment = _local_moment(local.date() - timedelta(days=1), prefs.digest_minute, prefs.zone)
    if prefs.digest_last is not None and prefs.digest_last >= moment:
        return None
    return moment.astimezone(UTC)


def keyword_matches(keywords: Iterable[str], text: str) -> bool:
    """Whether a word of `text` starts with any keyword (folded; no regular expressions)."""
    haystack = " " + " ".join(fold(text).split()) + " "
    for word in keywords:
        needle = " ".join(fold(word).split())
        if needle and f" {needle}" in haystack:
            return True
    return False


def _local_moment(day: date, minute: int, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
