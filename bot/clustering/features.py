"""What matching reads of one report, computed once: time, places, sides, facts, names."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from bot.classifier.dates import MONTHS, find_dates
from bot.classifier.normalize import normalize
from bot.classifier.numbers import NUMBER_WORDS, count_at
from bot.classifier.tokens import Tokens
from bot.classifier.types import Casualties, Location
from bot.clustering.areas import BROAD_KINDS, COARSE_KINDS
from bot.clustering.names import (
    MIN_TOKEN,
    NOISE_STEMS,
    SENTENCE_BREAK_RE,
    STEM,
    TOKEN_RE,
    script_is_caseless,
    skeleton,
)
from bot.clustering.types import AreaLookup, Report
from bot.domain import ACTOR_SIDE, HEAVY_WEAPONS, Side, severity_rank

__all__ = [
    "CRITICAL",
    "HIGH",
    "MAX_BACKDATE",
    "ReportFeatures",
    "day_month",
    "event_time",
    "explicit_date",
    "name_tokens",
    "report_features",
]


# An event date further back than this is a reference to an older event, not this one's date.
MAX_BACKDATE: Final = timedelta(days=10)
CRITICAL: Final = severity_rank("critical")
HIGH: Final = severity_rank("high")


def name_tokens(report: Report) -> frozenset[str]:
    """Name stems and numbers of a report, the way every language writes them."""
    lang = report.classification.lang
    matched = " ".join(loc.matched for loc in report.classification.locations).lower()
    features: set[str] = set()
    for text in (report.title.strip(), report.summary.strip()):
        features.update(_word_counts(text, lang))
        for match in TOKEN_RE.finditer(text):
            token = match.group()
            if token.isdecimal():  # not isdigit(): int() rejects "²"
                value = int(token)
                # a day of a month ("17 ноября", "November 17") is time, compared as time
                if value >= 3 and not 1900 <= value <= 2100 and not _beside_month(text, match):
                    features.add(f"#{value}")
                continue
            first = token[0]
            # no script below U+10A0 (Georgian) is caseless: most tokens skip the name lookup
            if not (first.isupper() or (first >= "\u10a0" and script_is_caseless(first))):
                continue
            start = match.start()
            if start == 0 or SENTENCE_BREAK_RE.search(text[max(0, start - 4) : start]):
                continue  # sentence-initial capitals say nothing about names
            if token.lower() in matched:
                continue  # a place the gazetteer resolved; places are compared by id
            stem = skeleton(token, lang)[:STEM]
            if len(stem) >= MIN_TOKEN and stem not in NOISE_STEMS and stem.isalpha():
                features.add(stem)
    return frozenset(features)


def _word_counts(text: str, lang: str) -> set[str]:
    """Counts written in words ("seven", "семеро", "յոթ", "yeddi") as number tokens ("#7"), so
    "seven killed" and "7 killed" and "семеро погибших" agree; three and more, like digits."""
    norm = normalize(text)
    if not any(word in NUMBER_WORDS for word in norm.split()):
        return set()  # most texts write no count in words: skip the tokenising
    tokens = Tokens(norm)
    found: set[str] = set()
    for i, word in enumerate(tokens.words):
        if word.isdecimal() or word not in NUMBER_WORDS:
            continue
        value = count_at(tokens, i, text, lang)
        if value is not None and value >= 3:
            found.add(f"#{value}")
    return found


_MONTH_STEMS: Final = frozenset(name[:4] for name in MONTHS)
_WORD_RE: Final = re.compile(r"\w+")


def _beside_month(text: str, match: re.Match[str]) -> bool:
    """Whether the word just before or just after a number is a month name."""
    after = _WORD_RE.search(text, match.end(), match.end() + 16)
    before = _WORD_RE.findall(text[max(0, match.start() - 16) : match.start()])
    words = [after.group()] if after else []
    words += before[-1:]
    return any(w.lower()[:4] in _MONTH_STEMS for w in words if not w.isdecimal())


def event_time(report: Report) -> datetime:
    """The event date from the text when plausible, otherwise the publication time."""
    event = report.classification.event_date
    published = report.published
    if (
        event is not None
        and event.tzinfo is not None
        and published.tzinfo is not None
        and published - MAX_BACKDATE <= event <= published + timedelta(days=1)
    ):
        return event
    return published


def explicit_date(report: Report) -> datetime | None:
    event = report.classification.event_date
    return event if event is not None and event_time(report) == event else None


@dataclass(frozen=True, slots=True)
class ReportFeatures:
    """What matching and change detection read of one report, computed once."""

    time: datetime
    timeless: bool  # no time at all: compared on content only (see `Report.timeless`)
    explicit_date: datetime | None
    severity: int
    location_ids: tuple[str, ...]  # border places, in order of mention
    specific_ids: frozenset[str]  # settlements, districts, features
    primary_specific: frozenset[str]
    areas: frozenset[str]  # border sectors
    primary_areas: frozenset[str]
    primary_broad: bool  # placed only by regions or provinces that span several sectors
    primary_points: tuple[tuple[float, float], ...]
    sides: frozenset[Side]  # sides that speak in the report
    denial_sides: frozenset[Side]
    claim_sides: frozenset[Side]  # sides that claim or accuse
    weapons: frozenset[str]
    heavy_weapons: frozenset[str]  # the heavy ones among `weapons`, compared for every pair
    casualties: tuple[Casualties, ...]
    tokens: frozenset[str]
    # (month, day) the text of a report without time names ("18 июня", "Հունիսի 4-ին"), no year
    day_month: tuple[int, int] | None = None


def report_features(report: Report, areas_of: AreaLookup) -> ReportFeatures:
    cls = report.classification
    title = report.title.lower()
    # Only places on the border say where an event was: capitals in datelines ("YEREVAN, ...",
    # "Baku says") and countries do not.
    # The same goes for an all-capital dateline such as "STEPANAKERT, ARTSAKHPRESS —".
    area_cache = {
        loc.id: areas_of(loc)
        for loc in cls.locations
        if loc.kind not in BROAD_KINDS and not (len(loc.matched) > 3 and loc.matched.isupper())
    }
    locations = [loc for loc in cls.locations if area_cache.get(loc.id)]
    in_title = [loc for loc in locations if loc.matched and loc.matched.lower() in title]
    # A headline that names only a region or a province ("gun battle by Karabakh road") is
    # placed by the text's places as well; one naming a village is placed by the headline.
    primary = in_title if any(loc.kind not in COARSE_KINDS for loc in in_title) else locations

    def areas(locs: Iterable[Location]) -> frozenset[str]:
        return frozenset(a for loc in locs for a in area_cache[loc.id])

    def specific(locs: Iterable[Location]) -> frozenset[str]:
        return frozenset(loc.id for loc in locs if loc.kind not in COARSE_KINDS)

    timeless = report.timeless and cls.event_date is None
    official = {ACTOR_SIDE[c.actor] for c in cls.claims if c.actor in ACTOR_SIDE}
    if not official and report.side is not None:
        official = {report.side}  # the source's declared side, not a guess from its name
    return ReportFeatures(
        time=event_time(report),
        timeless=timeless,
        explicit_date=explicit_date(report),
        severity=severity_rank(cls.severity),
        location_ids=tuple(loc.id for loc in locations),
        specific_ids=specific(locations),
        primary_specific=specific(primary),
        areas=areas(locations),
        primary_areas=areas(primary),
        primary_broad=bool(primary)
        and all(loc.kind in COARSE_KINDS and len(area_cache[loc.id]) > 1 for loc in primary),
        primary_points=tuple((loc.lat, loc.lon) for loc in primary if loc.kind not in COARSE_KINDS),
        sides=frozenset(official),
        denial_sides=frozenset(
            ACTOR_SIDE[c.actor]
            for c in cls.claims
            if c.stance == "denial" and c.actor in ACTOR_SIDE
        ),
        claim_sides=frozenset(
            ACTOR_SIDE[c.actor]
            for c in cls.claims
            if c.stance != "denial" and c.actor in ACTOR_SIDE
        ),
        weapons=frozenset(cls.weapons),
        heavy_weapons=frozenset(cls.weapons) & HEAVY_WEAPONS,
        casualties=cls.casualties,
        tokens=name_tokens(report),
        day_month=day_month(f"{report.title}\n{report.summary}") if timeless else None,
    )


def day_month(text: str) -> tuple[int, int] | None:
    """The first day and month the text names, without a year: (month, day), or None."""
    for mention in find_dates(text, Tokens(normalize(text)), ()):
        if mention.day is not None and mention.month is not None:
            return mention.month, mention.day
    return None
