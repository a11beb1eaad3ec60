"""The sources file: a TOML list of `[[sources]]` tables.

    [[sources]]
    name = "Armenpress (en)"
    url = "https://armenpress.am/en/rss/articles"
    lang = "en"                      # optional: hint for the classifier
    perspective = "armenian"         # optional: armenian / azerbaijani / independent / ...
    interval_seconds = 600           # optional: overrides POLL_INTERVAL_SECONDS

    [[sources]]
    name = "Ministry of Defence of Armenia (Telegram)"
    telegram = "mod_armenia"         # a public channel instead of a feed url
    perspective = "official"         # the party itself ...
    side = "armenian"                # ... of this side (optional; armenian / azerbaijani)
    actor = "am_mod"                 # optional: which body speaks (am_mod, az_border, ...)

A source has either `url` or `telegram`. A channel is stored under the URL of its public
preview (`https://t.me/s/<name>`), so it is unique, listed and removed like a feed.

`side` is the side a source speaks from. For `perspective = "armenian"` or `"azerbaijani"`
it is that perspective (a contradicting `side` is an error); for `"official"` it says whose
official body the source is, and its posts are that party's own claims. `actor` names the body
(it defaults to the side's "officials", am_gov / az_gov) and must be of that side. Every
problem in a file is reported, one line each.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from bot.domain import ACTOR_SIDE, PERSPECTIVES, SIDES, Actor, Side
from bot.exceptions import ConfigError
from bot.ingest.telegram import channel_name, channel_of, channel_url

__all__ = ["PERSPECTIVES", "Source", "bundled_sources_path", "load_sources", "parse_sources"]

_KEYS = frozenset(
    {"name", "url", "telegram", "lang", "perspective", "side", "actor", "interval_seconds"}
)
# The official body a side speaks through when the file names none.
_DEFAULT_ACTOR: dict[Side, Actor] = {"armenian": "am_gov", "azerbaijani": "az_gov"}


@dataclass(frozen=True, slots=True)
class Source:
    """One feed or public channel to poll."""

    name: str
    url: str  # a feed URL, or https://t.me/s/<name> for a channel
    lang: str | None = None
    perspective: str | None = None
    interval_seconds: int | None = None
    side: Side | None = None  # the side it speaks from (see the module docstring)
    actor: Actor | None = None  # set for official sources of a side only

    @property
    def channel(self) -> str | None:
        """The Telegram channel this source reads, or None for a feed."""
        return channel_of(self.url)


def bundled_sources_path() -> Path:
    """The default list that ships with the package."""
    return Path(str(resources.files("bot") / "data" / "sources.toml"))


def load_sources(path: Path | None = None) -> list[Source]:
    """Read and validate a sources file (the bundled one when `path` is None)."""
    path = path or bundled_sources_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"SOURCES_FILE: cannot read {path}: {exc.strerror}") from None
    return parse_sources(text, origin=str(path))


def parse_sources(text: str, *, origin: str = "<sources>") -> list[Source]:
    """Parse TOML text into sources; `ConfigError` lists every problem, one line each."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    tables = data.get("sources")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{origin}: expected at least one [[sources]] table")
    sources: list[Source] = []
    problems: list[str] = []
    seen_urls: set[str] = set()
    seen_names: set[str] = set()
    for number, table in enumerate(tables, start=1):
        where = f"{origin}: [[sources]] #{number}"
        if not isinstance(table, dict):
            problems.append(f"{where}: must be a table")
            continue
        errors: list[str] = []
        source = _source(table, errors)
        label = f"{where} ({table['name']})" if isinstance(table.get("name"), str) else where
        problems.extend(f"{label}: {error}" for error in errors)
        if source is None:
            continue
        if source.url in seen_urls:
            problems.append(f"{label}: duplicate url {source.url}")
        if source.name in seen_names:
            problems.append(f"{where}: duplicate name {source.name!r}")
        seen_urls.add(source.url)
        seen_names.add(source.name)
        sources.append(source)
    if problems:
        raise ConfigError("\n".join(problems))
    return sources


def _source(table: dict[str, Any], errors: list[str]) -> Source | None:
    """One table as a source; its problems are appended to `errors` (then None)."""
    unknown = set(table) - _KEYS
    if unknown:
        errors.append(f"unknown keys {sorted(unknown)}")
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.append("'name' must be a non-empty string")
    url = _address(table, errors)
    lang = table.get("lang")
    if lang is not None and (not isinstance(lang, str) or not 2 <= len(lang) <= 8):
        errors.append("'lang' must be a language code like 'en'")
    perspective = table.get("perspective")
    if perspective is not None and perspective not in PERSPECTIVES:
        errors.append(f"'perspective' must be one of {sorted(PERSPECTIVES)}")
    side, actor = _voice(perspective, table.get("side"), table.get("actor"), errors)
    interval = table.get("interval_seconds")
    if interval is not None and (
        not isinstance(interval, int) or isinstance(interval, bool) or interval < 5
    ):
        errors.append("'interval_seconds' must be an integer >= 5")
    if errors or not isinstance(name, str) or url is None:
        return None
    return Source(name.strip(), url, lang, perspective, interval, side, actor)


def _address(table: dict[str, Any], errors: list[str]) -> str | None:
    """The source's URL: the feed's, or the channel's preview for `telegram`."""
    url, telegram = table.get("url"), table.get("telegram")
    if url is not None and telegram is not None:
        errors.append("give either 'url' or 'telegram', not both")
        return None
    if telegram is not None:
        name = channel_name(telegram) if isinstance(telegram, str) else None
        if name is None:
            errors.append(
                "'telegram' must be a public channel's username, like 'mod_armenia' or "
                "'https://t.me/mod_armenia'"
            )
            return None
        return channel_url(name)
    if not isinstance(url, str) or urlsplit(url).scheme not in {"http", "https"}:
        errors.append("'url' must be an http(s) URL (or give 'telegram' for a channel)")
        return None
    if not urlsplit(url).netloc:
        errors.append("'url' has no host")
        return None
    return url


def _voice(
    perspective: object, side: object, actor: object, errors: list[str]
) -> tuple[Side | None, Actor | None]:
    """The side a source speaks from and, for an official source, the body that speaks."""
    if side is not None and side not in SIDES:
        errors.append(f"'side' must be one of {sorted(SIDES)}")
        return None, None
    if actor is not None and actor not in ACTOR_SIDE:
        errors.append(f"'actor' must be one of {sorted(ACTOR_SIDE)}")
        return None, None
    declared = side
    if perspective in SIDES:
        if declared is not None and declared != perspective:
            errors.append(f"'side' {declared!r} contradicts 'perspective' {perspective!r}")
        if actor is not None:
            errors.append("'actor' is for perspective = 'official' only")
        return perspective, None
    if perspective != "official":
        if declared is not None or actor is not None:
            errors.append(
                "'side' and 'actor' go with perspective 'official', 'armenian' or 'azerbaijani'"
            )
        return None, None
    if actor is not None:
        actor_side = ACTOR_SIDE[str(actor)]
        if declared is not None and declared != actor_side:
            errors.append(f"'actor' {actor!r} speaks for the {actor_side} side, not {declared!r}")
        return actor_side, cast("Actor", actor)
    if declared is None:
        return None, None  # an official body of neither side (or not said): no attribution
    return declared, _DEFAULT_ACTOR[declared]
