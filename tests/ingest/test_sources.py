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


def test_telegram_sources_side_and_actor() -> None:
    """A channel is stored under its preview URL; side and actor say who speaks: defaults
    from the perspective, the side's officials, or nobody for a side-less official body."""
    ministry, outlet, officials, mission = parse_sources(
        """
        [[sources]]
        name = "MoD"
        telegram = "https://t.me/MoD_Armenia"
        perspective = "official"
        actor = "am_mod"

        [[sources]]
        name = "Outlet"
        telegram = "@some_outlet"
        perspective = "azerbaijani"

        [[sources]]
        name = "Officials"
        url = "https://gov.example/rss"
        perspective = "official"
        side = "azerbaijani"

        [[sources]]
        name = "Mission"
        telegram = "eu_mission_x"
        perspective = "official"
        """
    )
    assert (ministry.url, ministry.channel) == ("https://t.me/s/mod_armenia", "mod_armenia")
    assert (ministry.side, ministry.actor) == ("armenian", "am_mod")
    assert (outlet.side, outlet.actor, outlet.channel) == ("azerbaijani", None, "some_outlet")
    assert (officials.side, officials.actor, officials.channel) == ("azerbaijani", "az_gov", None)
    assert (mission.side, mission.actor) == (None, None)


@pytest.mark.parametrize(
    ("table", "fragment"),
    [
        ("telegram='x_chan_a'\nurl='https://x/f'", "either 'url' or 'telegram'"),
        ("telegram='https://t.me/joinchat/abc'", "public channel"),
        ("telegram=5", "public channel"),
        ("telegram='x_chan_a'\nperspective='official'\nside='russian'", "'side' must be one of"),
        ("telegram='x_chan_a'\nperspective='official'\nactor='media'", "'actor' must be one of"),
        ("telegram='x_chan_a'\nperspective='official'\nside='azerbaijani'\nactor='am_mod'",
         "speaks for the armenian side"),
        ("telegram='x_chan_a'\nperspective='armenian'\nside='azerbaijani'", "contradicts"),
        ("telegram='x_chan_a'\nperspective='armenian'\nactor='am_mod'", "official' only"),
        ("telegram='x_chan_a'\nperspective='independent'\nside='armenian'", "go with"),
        ("telegram='x_chan_a'\nside='armenian'", "go with"),
    ],
)
def test_bad_channel_tables_are_rejected(table: str, fragment: str) -> None:
    """Wrong telegram, side and actor values are refused, saying which key is wrong."""
    with pytest.raises(ConfigError, match=fragment):
        parse_sources(f"[[sources]]\nname='A'\n{table}")


def test_every_problem_is_reported_one_line_each() -> None:
    """A file with several mistakes names each of them, one line per problem."""
    with pytest.raises(ConfigError) as caught:
        parse_sources(
            "[[sources]]\nname='A'\ntelegram='x_chan_a'\nperspective='official'\nside='x'\n"
            "[[sources]]\nname='B'\nurl='ftp://x'\n"
            "[[sources]]\nname='C'\ntelegram='x_chan_a'\n"
            "[[sources]]\nname='D'\ntelegram='x_chan_a'\n"
        )
    lines = str(caught.value).splitlines()
    assert len(lines) == 3
    assert "#1 (A)" in lines[0]
    assert "'side'" in lines[0]
    assert "#2 (B)" in lines[1]
    assert "#4 (D): duplicate url https://t.me/s/x_chan_a" in lines[2]


def test_bundled_channels_are_marked() -> None:
    """The bundled list reads channels of reporters of both sides and independent ones; the
    official sources it has speak as their bodies, and every official one has a side."""
    sources = load_sources()
    channels = [s for s in sources if s.channel]
    assert {"armenian", "azerbaijani", "independent"} <= {s.perspective for s in channels}
    official = [s for s in sources if s.perspective == "official"]
    assert official
    assert all(s.side is not None and s.actor is not None for s in official)
    assert {s.actor for s in official} == {"az_mod"}
