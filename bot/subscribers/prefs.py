"""A chat's preferences: the typed, frozen form of the `chats.settings` JSON.

`ChatPrefs.from_json` never fails: unknown or damaged values fall back to the defaults, so a
bad row cannot stop alerts to other chats.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.classifier.gazetteer import SECTORS, fold
from bot.domain import SEVERITIES
from bot.exceptions import ArgError
from bot.present.i18n import normalize_language
from bot.subscribers.text import clean_text

__all__ = [
    "DEFAULT_DIGEST_MINUTE",
    "MAX_KEYWORDS",
    "MAX_KEYWORD_LENGTH",
    "MAX_MUTE",
    "SECTOR_IDS",
    "ChatPrefs",
    "Mode",
    "QuietHours",
    "clock_label",
    "zone_or_none",
]

Mode = Literal["instant", "digest"]
SECTOR_IDS: Final[tuple[str, ...]] = tuple(SECTORS)
MAX_KEYWORDS: Final = 20
MAX_KEYWORD_LENGTH: Final = 40
MAX_MUTE: Final = timedelta(days=7)
DEFAULT_DIGEST_MINUTE: Final = 8 * 60
_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}$")


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily quiet period in the chat's time zone, minutes after midnight; may wrap."""

    start: int
    end: int

    def label(self) -> str:
        """ "23:00–07:00"."""
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
            timezone=zone if isinstance(zone, str) and zone_or_none(zone) else "UTC",
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
        return zone_or_none(self.timezone) or UTC

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


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def clock_label(minutes: int) -> str:
    """Minutes after midnight as "08:00"."""
    return _hhmm(minutes)


def zone_or_none(name: str) -> tzinfo | None:
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
