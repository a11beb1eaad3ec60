"""A chat's preferences and the decisions made from them: pure functions, no I/O.

`ChatPrefs` is the typed, frozen form of the `chats.settings` JSON (plus `chats.language`).
`ChatPrefs.from_json` never fails: unknown or damaged values fall back to the defaults, so a
bad row cannot stop alerts to other chats. The decisions:

- `wants(prefs, alert, now)`: does the chat want this incident at all (minimum severity,
  sectors, muted sectors, keyword filters)?
- `send_at(prefs, now, severity)`: when the alert may be sent (the end of quiet hours, unless
  it is critical and critical alerts are let through).
- `digest_due(prefs, now)`: the moment of the digest that is due now, if any.

Keyword filters are matched without regular expressions: keywords and text are folded the way
the gazetteer folds names (case, Latin diacritics, punctuation) and a keyword matches where a
word of the text starts with it. Matching is linear in the text, whatever a user types.

The argument parsers (`parse_quiet`, `parse_clock`, `parse_keywords` ...) raise `ArgError`
with a catalog key for the usage reply; they accept any string without failing otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.classifier.gazetteer import SECTORS, fold
from bot.classifier.types import SEVERITIES, severity_rank
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, normalize_language

__all__ = [
    "MAX_KEYWORDS",
    "MAX_KEYWORD_LENGTH",
    "SECTOR_IDS",
    "AlertFacts",
    "ArgError",
    "ChatPrefs",
    "Mode",
    "QuietHours",
    "ascii_int",
    "clean_text",
    "clock_label",
    "digest_due",
    "in_quiet_hours",
    "keyword_matches",
    "parse_clock",
    "parse_keywords",
    "parse_language",
    "parse_quiet",
    "parse_sectors",
    "parse_severity",
    "parse_timezone",
    "send_at",
    "wants",
]

Mode = Literal["instant", "digest"]
SECTOR_IDS: Final[tuple[str, ...]] = tuple(SECTORS)
MAX_KEYWORDS: Final = 20
MAX_KEYWORD_LENGTH: Final = 40
MAX_MUTE: Final = timedelta(days=7)
DEFAULT_DIGEST_MINUTE: Final = 8 * 60
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.I)
_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}$")
_CLOCK = re.compile(r"^([0-9]{1,2})(?:[:.h]([0-9]{2}))?$")


class ArgError(ValueError):
    """A command argument is wrong; `key` names the catalog text that explains it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily quiet period in the chat's time zone, minutes after midnight; may wrap."""

    start: int
    end: int

    def label(self) -> str:
        """"23:00–07:00"."""
        return f"{_hhmm(self.start)}–{_hhmm(self.end)}"


@dataclass(frozen=True, slots=True)
class ChatPrefs:
    """Everything a chat chose; the defaults are what a new chat gets."""

    language: str = "en"
    min_severity: str | None = None  # None: every incident
    sectors: frozenset[str] = frozenset()  # empty: every sector
    quiet: QuietHours | None = None
    timezone: str = "UTC"
    critical_through: bool = True  # critical alerts ignore quiet hours
    mode: Mode = "instant"
    digest_minute: int = DEFAULT_DIGEST_MINUTE  # local time of the daily digest
    include: tuple[str, ...] = ()  # an alert must match one of these (when any)
    exclude: tuple[str, ...] = ()  # an alert matching one of these is dropped
    muted: Mapping[str, datetime] = field(default_factory=dict)  # sector -> until
    digest_last: datetime | None = None  # when the last digest was queued

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None, language: str | None = None) -> ChatPrefs:
        """Prefs from the stored JSON; anything unreadable falls back to its default."""
        raw = dict(data or {})
        severity = raw.get("min_severity")
        sectors = raw.get("sectors")
        quiet = raw.get("quiet")
        mode = raw.get("mode")
        muted: dict[str, datetime] = {}
        if isinstance(raw.get("muted"), dict):
            for sector, until in raw["muted"].items():
                moment = _parse_moment(until)
                if sector in SECTORS and moment is not None:
                    muted[sector] = moment
        zone = raw.get("timezone")
        minute = raw.get("digest_minute")
        return cls(
            language=normalize_language(language),
            min_severity=severity if severity in SEVERITIES else None,
            sectors=frozenset(s for s in sectors if s in SECTORS)
            if isinstance(sectors, list)
            else frozenset(),
            quiet=_quiet_from_json(quiet),
            timezone=zone if isinstance(zone, str) and _zone_or_none(zone) else "UTC",
            critical_through=raw.get("critical_through", True) is not False,
            mode="digest" if mode == "digest" else "instant",
            digest_minute=minute
            if isinstance(minute, int) and not isinstance(minute, bool) and 0 <= minute < 1440
            else DEFAULT_DIGEST_MINUTE,
            include=_words_from_json(raw.get("include")),
            exclude=_words_from_json(raw.get("exclude")),
            muted=muted,
            digest_last=_parse_moment(raw.get("digest_last")),
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON stored in `chats.settings` (the language lives in its own column)."""
        return {
            "min_severity": self.min_severity,
            "sectors": sorted(self.sectors),
            "quiet": [self.quiet.start, self.quiet.end] if self.quiet else None,
            "timezone": self.timezone,
            "critical_through": self.critical_through,
            "mode": self.mode,
            "digest_minute": self.digest_minute,
            "include": list(self.include),
            "exclude": list(self.exclude),
            "muted": {s: until.isoformat() for s, until in sorted(self.muted.items())},
            "digest_last": self.digest_last.isoformat() if self.digest_last else None,
        }

    @property
    def zone(self) -> tzinfo:
        """The chat's time zone."""
        return _zone_or_none(self.timezone) or UTC

    def with_(self, **changes: Any) -> ChatPrefs:
        """A copy with `changes` applied."""
        return replace(self, **changes)

    def toggle_sector(self, sector: str) -> ChatPrefs:
        """Add or remove one sector; removing the last one means every sector again."""
        if sector not in SECTORS:
            return self
        return replace(self, sectors=self.sectors ^ {sector})

    def mute(self, sectors: Iterable[str], until: datetime) -> ChatPrefs:
        """Mute `sectors` until `until` (at most a week ahead of now is the caller's job)."""
        muted = dict(self.muted)
        for sector in sectors:
            if sector in SECTORS:
                muted[sector] = max(until, muted.get(sector, until))
        return replace(self, muted=muted)

    def active_mutes(self, now: datetime) -> dict[str, datetime]:
        """Mutes still running at `now`."""
        return {s: until for s, until in self.muted.items() if until > now}

    def add_keywords(self, words: Iterable[str], *, exclude: bool = False) -> ChatPrefs:
        """Add include (or exclude) keywords, keeping at most `MAX_KEYWORDS` in all."""
        current = list(self.exclude if exclude else self.include)
        for word in words:
            if word not in current:
                current.append(word)
        room = MAX_KEYWORDS - len(self.include if exclude else self.exclude)
        if len(current) > room:
            raise ArgError("filter_too_many", n=MAX_KEYWORDS)
        if exclude:
            return replace(self, exclude=tuple(current))
        return replace(self, include=tuple(current))

    def remove_keyword(self, word: str) -> ChatPrefs:
        """Drop a keyword from both lists."""
        key = fold(word).strip()
        return replace(
            self,
            include=tuple(w for w in self.include if fold(w).strip() != key),
            exclude=tuple(w for w in self.exclude if fold(w).strip() != key),
        )


@dataclass(frozen=True, slots=True)
class AlertFacts:
    """What the decisions look at: the incident's severity, sectors and searchable text."""

    severity: str | None
    sectors: tuple[str, ...]
    text: str


# ------------------------------------------------------------------------------- decisions


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


# ----------------------------------------------------------------------------- arguments


def clean_text(text: str, limit: int = 200) -> str:
    """Printable text only: control and format characters dropped, whitespace collapsed."""
    kept = [
        " " if ch.isspace() else ch
        for ch in text[: limit * 4]
        if ch.isspace() or unicodedata.category(ch)[0] not in {"C"}
    ]
    return " ".join("".join(kept).split())[:limit]


def parse_language(arg: str) -> str:
    """"ru", "RU", "ru-RU", "Русский" -> "ru"."""
    value = clean_text(arg, 40).lower()
    for code, name in LANGUAGE_NAMES.items():
        if value in {code, name.lower()}:
            return code
    code = value.split("-")[0].split("_")[0]
    if code in LANGUAGES:
        return code
    raise ArgError("usage_lang")


def parse_severity(arg: str) -> str | None:
    """"all" (None), "low", "medium", "high" or "critical"; also 1-4."""
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
    """"08:00", "8", "8.30", "20h15" -> minutes after midnight."""
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
    """"23-07", "23:30-06:45" -> quiet hours."""
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
    if _zone_or_none(value) is None:
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


# ------------------------------------------------------------------------------- helpers


def ascii_int(text: str, max_digits: int = 9) -> int | None:
    """A non-negative integer written in ASCII digits, else None ("¹" and "٣" are not)."""
    if text.isascii() and text.isdigit() and len(text) <= max_digits:
        return int(text)
    return None


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def clock_label(minutes: int) -> str:
    """Minutes after midnight as "08:00"."""
    return _hhmm(minutes)


def _zone_or_none(name: str) -> tzinfo | None:
    offset = re.fullmatch(r"UTC([+-])(\d{2}):(\d{2})", name)
    if offset:
        delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3)))
        return timezone(-delta if offset.group(1) == "-" else delta)
    if name == "UTC":
        return UTC
    if not _ZONE_NAME.match(name) or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _local_moment(day: date, minute: int, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)


def _parse_moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _quiet_from_json(value: Any) -> QuietHours | None:
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 1440 for v in value)
        and value[0] != value[1]
    ):
        return QuietHours(value[0], value[1])
    return None


def _words_from_json(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    words = [clean_text(w, MAX_KEYWORD_LENGTH) for w in value if isinstance(w, str)]
    return tuple(w for w in words if w)[:MAX_KEYWORDS]
