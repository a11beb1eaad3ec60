"""The sources file: a TOML list of `[[sources]]` tables.

    [[sources]]
    name = "Armenpress (en)"
    url = "https://armenpress.am/en/rss/articles"
    lang = "en"                      # optional: hint for the classifier
    perspective = "armenian"         # optional: armenian / azerbaijani / independent / ...
    interval_seconds = 600           # optional: overrides POLL_INTERVAL_SECONDS
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from bot.domain import PERSPECTIVES
from bot.exceptions import ConfigError

__all__ = ["PERSPECTIVES", "Source", "bundled_sources_path", "load_sources", "parse_sources"]

_KEYS = frozenset({"name", "url", "lang", "perspective", "interval_seconds"})


@dataclass(frozen=True, slots=True)
class Source:
    """One feed to poll."""

    name: str
    url: str
    lang: str | None = None
    perspective: str | None = None
    interval_seconds: int | None = None


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
    """Parse TOML text into sources; every problem is reported with its table number."""
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
        found = _table_problems(table, where)
        name, url = table.get("name"), table.get("url")
        if isinstance(url, str) and url in seen_urls:
            found.append(f"{where} ({name}): duplicate url {url}")
        if isinstance(name, str) and name in seen_names:
            found.append(f"{where}: duplicate name {name!r}")
        if found or not isinstance(name, str) or not isinstance(url, str):
            problems.extend(found)
            continue
        seen_urls.add(url)
        seen_names.add(name)
        sources.append(Source(name.strip(), url, table.get("lang"), table.get("perspective"),
                              table.get("interval_seconds")))
    if problems:
        # Every problem at once, one per line: an operator fixes the file in one go.
        raise ConfigError("\n".join(problems))
    return sources


def _table_problems(table: dict[str, object], where: str) -> list[str]:
    """What is wrong with one [[sources]] table, one line per problem."""
    problems: list[str] = []
    unknown = set(table) - _KEYS
    if unknown:
        problems.append(f"{where}: unknown keys {sorted(unknown)}")
    name, url = table.get("name"), table.get("url")
    named = where
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}: 'name' must be a non-empty string")
    else:
        named = f"{where} ({name})"
    if not isinstance(url, str) or urlsplit(url).scheme not in {"http", "https"}:
        problems.append(f"{named}: 'url' must be an http(s) URL")
    elif not urlsplit(url).netloc:
        problems.append(f"{named}: 'url' has no host")
    lang = table.get("lang")
    if lang is not None and (not isinstance(lang, str) or not 2 <= len(lang) <= 8):
        problems.append(f"{named}: 'lang' must be a language code like 'en'")
    perspective = table.get("perspective")
    if perspective is not None and perspective not in PERSPECTIVES:
        problems.append(
            f"{named}: 'perspective' must be one of {sorted(PERSPECTIVES)}"
        )
    interval = table.get("interval_seconds")
    if interval is not None and (
        not isinstance(interval, int) or isinstance(interval, bool) or interval < 5
    ):
        problems.append(f"{named}: 'interval_seconds' must be an integer >= 5")
    return problems
