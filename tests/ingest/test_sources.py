"""The sources file: format, validation and the bundled list."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.exceptions import ConfigError
from bot.ingest.sources import load_sources, parse_sources


def test_bundled_list_is_valid_and_broad() -> None:
    """The bundled list has at least 25 feeds covering both countries and outside outlets."""
    sources = load_sources()
    assert len(sources) >= 25
    perspectives = Counter(s.perspective for s in sources)
    assert perspectives["armenian"] >= 5
    assert perspectives["azerbaijani"] >= 5
    assert perspectives["international"] + perspectives["independent"] >= 4
    langs = Counter(s.lang for s in sources)
    assert {"en", "ru", "hy", "az"} <= set(langs)


def test_minimal_and_full_tables() -> None:
    """name and url are required; lang, perspective and interval_seconds are optional."""
    sources = parse_sources(
        """
        [[sources]]
        name = "A"
        url = "https://a.example/rss"

        [[sources]]
        name = "B"
        url = "http://b.example/feed"
        lang = "ru"
        perspective = "independent"
        interval_seconds = 600
        """
    )
    assert [s.name for s in sources] == ["A", "B"]
    assert sources[1].interval_seconds == 600
    assert sources[1].lang == "ru"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[[sources]]\nname='A'\nurl='ftp://x/feed'", "http"),
        ("[[sources]]\nurl='https://x/feed'", "name"),
        ("[[sources]]\nname='A'\nurl='https://x/f'\ninterval_seconds=1", "interval_seconds"),
        ("[[sources]]\nname='A'\nurl='https://x/f'\nperspective='pro'", "perspective"),
        ("[[sources]]\nname='A'\nurl='https://x/f'\ncolour='red'", "unknown"),
        ("[[sources]]\nname='A'\nurl='https://x/f'\n[[sources]]\nname='B'\nurl='https://x/f'",
         "duplicate"),
        ("sources = 3", "at least one"),
        ("[[sources]\nname=", "TOML"),
    ],
)
def test_bad_files_are_rejected_clearly(text: str, fragment: str) -> None:
    """Every mistake raises ConfigError saying what is wrong."""
    with pytest.raises(ConfigError, match=fragment):
        parse_sources(text)


def test_every_problem_is_reported_one_line_each() -> None:
    """A file with several mistakes names them all, one line per problem, in file order."""
    text = (
        "[[sources]]\nname='A'\nurl='ftp://x/a'\ninterval_seconds=1\n"
        "[[sources]]\nname='B'\nurl='https://x/b'\n"
        "[[sources]]\nname='C'\nurl='https://x/b'\n"
        "[[sources]]\nurl='https://x/d'\nperspective='pro'\n"
    )
    with pytest.raises(ConfigError) as raised:
        parse_sources(text, origin="s.toml")
    lines = str(raised.value).splitlines()
    assert lines == [
        "s.toml: [[sources]] #1 (A): 'url' must be an http(s) URL",
        "s.toml: [[sources]] #1 (A): 'interval_seconds' must be an integer >= 5",
        "s.toml: [[sources]] #3 (C): duplicate url https://x/b",
        "s.toml: [[sources]] #4: 'name' must be a non-empty string",
        "s.toml: [[sources]] #4: 'perspective' must be one of "
        "['aggregator', 'armenian', 'azerbaijani', 'independent', 'international', 'official', "
        "'russian']",
    ]
