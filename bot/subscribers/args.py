"""Command arguments: each parser takes any string and returns a value or raises `ArgError`
with a catalog key for the usage reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.classifier.gazetteer import SECTORS, fold
from bot.domain import SEVERITIES
from bot.exceptions import ArgError
from bot.present.i18n import LANGUAGE_NAMES, LANGUAGES
from bot.subscribers.prefs import (
    MAX_KEYWORD_LENGTH,
    MAX_KEYWORDS,
    SECTOR_IDS,
    QuietHours,
    zone_or_none,
)
from bot.subscribers.text import ascii_int, clean_text

__all__ = [
    "parse_clock",
    "parse_keywords",
    "parse_language",
    "parse_quiet",
    "parse_sectors",
    "parse_severity",
    "parse_timezone",
]

_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.I)
_CLOCK = re.compile(r"^([0-9]{1,2})(?:[:.h]([0-9]{2}))?$")


def parse_language(arg: str) -> str:
    """ "ru", "RU", "ru-RU", "Русский" -> "ru"."""
    value = clean_text(arg, 40).lower()
    for code, name in LANGUAGE_NAMES.items():
        if value in {code, name.lower()}:
            return code
    code = value.split("-")[0].split("_")[0]
    if code in LANGUAGES:
        return code
    raise ArgError("usage_lang")


def parse_severity(arg: str) -> str | None:
    """ "all" (None), "low", "medium", "high" or "critical"; also 1-4."""
    value = clean_text(arg, 20).lower()
    if value in {"all", "any", "0", "off", "none"}:
        return None
    number = ascii_int(value)
    if number is not None and 1 <= number <= len(SEVERITIES):
        return SEVERITIES[number - 1]
    if value in SEVERITIES:
        return value
    raise ArgError("usage_severity")


def parse_sectors(args: Iterable[str]) -> frozenset[str]:
    """Sector ids or their numbers in the /sectors list; "all" for every sector."""
    chosen: set[str] = set()
    for raw in args:
        value = clean_text(raw, 40).lower().strip(",")
        if not value:
            continue
        if value in {"all", "any"}:
            return frozenset()
        number = ascii_int(value)
        if number is not None and 1 <= number <= len(SECTOR_IDS):
            chosen.add(SECTOR_IDS[number - 1])
        elif value in SECTORS:
            chosen.add(value)
        else:
            raise ArgError("usage_sectors")
    if not chosen:
        raise ArgError("usage_sectors")
    return frozenset(chosen)


def parse_clock(arg: str) -> int:
    """ "08:00", "8", "8.30", "20h15" -> minutes after midnight."""
    match = _CLOCK.match(clean_text(arg, 10))
    if match is None:
        raise ArgError("usage_time")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour == 24 and minute == 0:
        hour = 0
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ArgError("usage_time")
    return hour * 60 + minute


def parse_quiet(arg: str) -> QuietHours:
    """ "23-07", "23:30-06:45" -> quiet hours."""
    value = clean_text(arg, 20).replace("–", "-").replace("—", "-")
    start, sep, end = value.partition("-")
    if not sep:
        raise ArgError("usage_quiet")
    try:
        quiet = QuietHours(parse_clock(start), parse_clock(end))
    except ArgError:
        raise ArgError("usage_quiet") from None
    if quiet.start == quiet.end:
        raise ArgError("usage_quiet")
    return quiet


def parse_timezone(arg: str) -> str:
    """An IANA zone ("Asia/Yerevan") or an offset ("UTC+4", "+04:00"); canonical text."""
    value = clean_text(arg, 40)
    offset = _OFFSET.match(value)
    if offset:
        sign, hours, minutes = offset.group(1), int(offset.group(2)), int(offset.group(3) or 0)
        if hours > 14 or minutes >= 60:
            raise ArgError("usage_timezone")
        return f"UTC{sign}{hours:02d}:{minutes:02d}"
    if value.upper() in {"UTC", "GMT", "Z"}:
        return "UTC"
    if zone_or_none(value) is None:
        raise ArgError("usage_timezone")
    return value


def parse_keywords(args: Iterable[str]) -> list[str]:
    """Keywords from command arguments: printable, at most `MAX_KEYWORD_LENGTH` each.

    Words are kept as typed (for display); a quoted phrase stays one keyword.
    """
    text = clean_text(" ".join(args), 400)
    words: list[str] = []
    for quoted, bare in re.findall(r'"([^"]*)"|(\S+)', text):
        word = (quoted or bare).strip()
        if not fold(word).strip():
            continue
        if len(word) > MAX_KEYWORD_LENGTH:
            raise ArgError("filter_too_long", n=MAX_KEYWORD_LENGTH)
        words.append(word)
    if not words:
        raise ArgError("usage_filter")
    if len(words) > MAX_KEYWORDS:
        raise ArgError("filter_too_many", n=MAX_KEYWORDS)
    return words
