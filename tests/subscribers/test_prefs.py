"""Chat preferences and the decisions made from them (pure)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.classifier.gazetteer import fold
from bot.exceptions import ArgError
from bot.subscribers.args import (
    parse_clock,
    parse_keywords,
    parse_language,
    parse_quiet,
    parse_sectors,
    parse_severity,
    parse_timezone,
)
from bot.subscribers.prefs import ChatPrefs, QuietHours
from bot.subscribers.rules import AlertFacts, digest_due, keyword_matches, send_at, wants

NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
LOW_SOTK = AlertFacts("low", ("gegharkunik-kalbajar",), "Fire reported near Sotk\nСотк")
CRITICAL = AlertFacts("critical", ("syunik-lachin",), "Heavy fighting near Tegh")


def test_defaults_want_everything_now() -> None:
    """A new chat gets every incident at once."""
    prefs = ChatPrefs()
    assert wants(prefs, LOW_SOTK, NOON)
    assert send_at(prefs, NOON, "low") == NOON


def test_severity_sectors_keywords_and_mutes() -> None:
    """Each filter drops what it should and keeps the rest."""
    assert not wants(ChatPrefs(min_severity="high"), LOW_SOTK, NOON)
    assert wants(ChatPrefs(min_severity="high"), CRITICAL, NOON)
    assert not wants(ChatPrefs(sectors=frozenset({"syunik-lachin"})), LOW_SOTK, NOON)
    assert not wants(ChatPrefs(exclude=("sotk",)), LOW_SOTK, NOON)
    assert wants(ChatPrefs(include=("СОТК",)), LOW_SOTK, NOON)
    assert not wants(ChatPrefs(include=("drone",)), LOW_SOTK, NOON)
    muted = ChatPrefs().mute(["gegharkunik-kalbajar"], NOON + timedelta(hours=24))
    assert not wants(muted, LOW_SOTK, NOON)
    assert wants(muted, LOW_SOTK, NOON + timedelta(hours=25))


def test_keywords_match_word_starts_only() -> None:
    """"fire" matches "fired" but not "ceasefire"; diacritics and case are folded."""
    assert keyword_matches(["fire"], "Azerbaijani units fired")
    assert not keyword_matches(["fire"], "the ceasefire holds")
    assert keyword_matches(["kelbecer"], "Kəlbəcər rayonu")
    assert not keyword_matches(["   "], "anything")


def test_quiet_hours_hold_alerts_until_morning_in_the_chats_zone() -> None:
    """23-07 in Yerevan (UTC+4): an alert at 01:00 local waits until 07:00 local."""
    prefs = ChatPrefs(quiet=parse_quiet("23-07"), timezone="Asia/Yerevan")
    night = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)  # 01:00 in Yerevan
    assert send_at(prefs, night, "low") == datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    assert send_at(prefs, night, "critical") == night
    held = prefs.with_(critical_through=False)
    assert send_at(held, night, "critical") == datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    assert send_at(prefs, NOON, "low") == NOON


def test_digest_is_due_once_per_day() -> None:
    """A digest at 08:00 UTC is due after 08:00 and not again once sent."""
    prefs = ChatPrefs(mode="digest", digest_minute=8 * 60)
    due = digest_due(prefs, NOON)
    assert due == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    assert digest_due(prefs.with_(digest_last=NOON), NOON) is None
    assert digest_due(ChatPrefs(), NOON) is None


def test_json_round_trip_and_damaged_json() -> None:
    """Prefs survive the JSON column; damaged values fall back to defaults."""
    prefs = ChatPrefs(
        language="hy", min_severity="medium", sectors=frozenset({"tavush-gazakh"}),
        quiet=QuietHours(60, 300), timezone="UTC+04:00", mode="digest", digest_minute=450,
        include=("drone",), exclude=("exercise",), digest_last=NOON,
        muted={"tavush-gazakh": NOON},
    )
    assert ChatPrefs.from_json(prefs.to_json(), "hy") == prefs
    damaged = {"min_severity": "apocalyptic", "sectors": "all", "quiet": [1, 1],
               "timezone": "../../etc/passwd", "mode": 3, "digest_minute": True,
               "include": [1, None, "ok"], "muted": {"nowhere": "x"}}
    restored = ChatPrefs.from_json(damaged, "xx")
    assert restored == ChatPrefs(include=("ok",))


def test_argument_parsers() -> None:
    """Typed arguments in their accepted forms, and ArgError with a usage key otherwise."""
    assert parse_language("RU") == "ru"
    assert parse_language("Հայերեն") == "hy"
    assert parse_severity("3") == "high"
    assert parse_severity("all") is None
    assert parse_sectors(["1", "syunik-lachin"]) == {"tavush-gazakh", "syunik-lachin"}
    assert parse_clock("8") == 480
    assert parse_clock("20h15") == 20 * 60 + 15
    assert parse_quiet("23:30–06:45") == QuietHours(23 * 60 + 30, 6 * 60 + 45)
    assert parse_timezone("utc+4") == "UTC+04:00"
    assert parse_timezone("Asia/Baku") == "Asia/Baku"
    assert parse_keywords(['"heavy', 'fighting"', "drone"]) == ["heavy fighting", "drone"]
    for call, key in (
        (lambda: parse_language("xx"), "usage_lang"),
        (lambda: parse_severity("extreme"), "usage_severity"),
        (lambda: parse_sectors(["99"]), "usage_sectors"),
        (lambda: parse_clock("25:00"), "usage_time"),
        (lambda: parse_quiet("07-07"), "usage_quiet"),
        (lambda: parse_timezone("Mars/Base"), "usage_timezone"),
        (lambda: parse_keywords(["x" * 41]), "filter_too_long"),
    ):
        with pytest.raises(ArgError) as caught:
            call()
        assert caught.value.key == key


hostile = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300
)


@given(hostile)
def test_parsers_never_crash(text: str) -> None:
    """Any text (unicode, HTML, control characters) is parsed or refused with ArgError."""
    for parse in (parse_language, parse_severity, parse_clock, parse_quiet, parse_timezone):
        with contextlib.suppress(ArgError):
            parse(text)
    for parse_list in (parse_sectors, parse_keywords):
        with contextlib.suppress(ArgError):
            parse_list(text.split(" "))


def _matches_by_words(keywords: list[str], text: str) -> bool:
    """The rule, spelt out word by word: a keyword's words but the last are whole words of the
    text in a row, and its last word starts the next word."""
    words = fold(text).split()
    for keyword in keywords:
        needle = fold(keyword).split()
        if not needle:
            continue
        *whole, last = needle
        for start in range(len(words) - len(whole)):
            if words[start : start + len(whole)] == whole and words[
                start + len(whole)
            ].startswith(last):
                return True
    return False


@given(st.lists(st.text(max_size=60), max_size=30), st.text(max_size=2000))
def test_keyword_matching_follows_the_word_rule(keywords: list[str], text: str) -> None:
    """Keyword matching accepts anything and agrees with the word-by-word rule."""
    assert keyword_matches(keywords, text) == _matches_by_words(keywords, text)


@given(st.text(max_size=300), st.data())
def test_a_prefix_of_any_word_matches(text: str, data: st.DataObject) -> None:
    """The start of any word of the text (as folded) is a keyword that matches it."""
    words = fold(text).split()
    if words:
        word = data.draw(st.sampled_from(words))
        prefix = word[: data.draw(st.integers(1, len(word)))]
        assert keyword_matches(["zzzz-not-there", prefix], text)
