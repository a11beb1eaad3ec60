"""Features of time: a clock time or an event date that makes a report today's news, and an
event date, a month or a year that lies back before publication (a look back, not an event).
"""

from __future__ import annotations

import math

from bot.classifier.dates import bare_months
from bot.classifier.features.base import Evidence, FeatureInput, feature

__all__ = [
    "clock_time",
    "date_old",
    "date_recent",
    "date_weeks",
    "event_date",
    "month_before",
    "old_year",
]


def _aged(inp: FeatureInput, lo: float, hi: float) -> Evidence | None:
    """The event date, if it lies `lo` to `hi` days (inclusive) before publication."""
    if inp.facts.event_date is None or inp.published is None:
        return None
    age = (inp.published - inp.facts.event_date).days
    if not lo <= age <= hi:
        return None
    return Evidence(1.0, f"{inp.facts.date_evidence} ({age} d old)")


@feature("clock_time", 1.0, 'a clock time ("at 18:10", "around 4 p.m.")')
def clock_time(inp: FeatureInput) -> Evidence | None:
    return Evidence(1.0, " | ".join(inp.facts.clock[:3])) if inp.facts.clock else None


@feature("event_date", 0.0, 'a dated event ("on September 12", "12 сентября")')
def event_date(inp: FeatureInput) -> Evidence | None:
    facts = inp.facts
    return Evidence(1.0, facts.date_evidence) if facts.event_date is not None else None


@feature("date_recent", 0.8, "the event date is within a week before publication")
def date_recent(inp: FeatureInput) -> Evidence | None:
    return _aged(inp, -1, 7)


@feature(
    "date_weeks", -1.0,
    "the event date is one to four weeks before publication: past the days in which follow-ups "
    "of an incident come, before the anniversaries (a report or a look back on an event)",
)  # fmt: skip
def date_weeks(inp: FeatureInput) -> Evidence | None:
    return _aged(inp, 8, 31)


@feature("date_old", -2.5, "the event date is more than a month before publication")
def date_old(inp: FeatureInput) -> Evidence | None:
    return _aged(inp, 32, math.inf)


@feature(
    "month_before", -1.0,
    'a month named without a day in the headline or lead, one to six months before '
    'publication ("the September attack" in October): a look back, not today\'s event',
)  # fmt: skip
def month_before(inp: FeatureInput) -> Evidence | None:
    if inp.published is None:
        return None
    for month, said in bare_months(inp.text[: inp.lead_end()]):
        if 1 <= (inp.published.month - month) % 12 <= 6:
            return Evidence(1.0, f"{said} (published {inp.published:%B})")
    return None


@feature("old_year", -0.8, "a year before the publication year (or before 2000) is named")
def old_year(inp: FeatureInput) -> Evidence | None:
    facts, published = inp.facts, inp.published
    old = [
        ev
        for y, ev in zip(facts.years, facts.year_evidence, strict=True)
        if (published is not None and y < published.year) or y < 2000
    ]
    return Evidence(1.0, " | ".join(old[:2])) if old else None
