"""Inline keyboards: alert buttons and the /settings menu, built and read back (pure)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.present.i18n import LANGUAGES, t
from bot.present.keyboards import (
    PAGES,
    AlertPress,
    SettingsPress,
    alert_markup_json,
    apply_press,
    markup_from_json,
    parse_alert_data,
    parse_settings_data,
    settings_markup,
)
from bot.subscribers.prefs import SECTOR_IDS, ChatPrefs

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CHANNEL = -1001234500003
INCIDENT = "inc-20261124-4b227777"


def callback_data(markup_json: str) -> list[str]:
    """Every button's callback data, row by row."""
    rows = json.loads(markup_json)["inline_keyboard"]
    return [button["callback_data"] for row in rows for button in row]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_alert_buttons_round_trip(lang: str) -> None:
    """Details, sources and mute buttons carry the incident id, survive storage as JSON and
    are read back as presses; they are labelled in the chat's language."""
    stored = alert_markup_json(INCIDENT, lang)
    markup = markup_from_json(stored)
    assert markup is not None
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert labels == [t(lang, "btn_details"), t(lang, "btn_sources"), t(lang, "btn_mute")]
    presses = [parse_alert_data(data) for data in callback_data(stored)]
    assert presses == [AlertPress("d", INCIDENT), AlertPress("s", INCIDENT),
                       AlertPress("m", INCIDENT)]
    assert all(len(data.encode()) <= 64 for data in callback_data(stored))


def test_no_mute_button_without_a_sector() -> None:
    """An incident with no sector cannot be muted by sector: no mute button."""
    assert [p.action for p in map(parse_alert_data, callback_data(
        alert_markup_json(INCIDENT, "en", can_mute=False))) if p] == ["d", "s"]


def test_damaged_or_foreign_data_is_refused() -> None:
    """Stored JSON that is damaged yields no keyboard; callback data that is not ours, or is
    malformed, is no press."""
    assert markup_from_json(None) is None
    assert markup_from_json("{not json") is None
    assert markup_from_json('{"inline_keyboard": 5}') is None
    for data in ("", "a:x:inc", "a:d:", "a:d:" + "x" * 65, "b:d:inc", "s:1", "s:x:main",
                 "s:1:nopage"):
        assert parse_alert_data(data) is None
        assert parse_settings_data(data) is None


@pytest.mark.parametrize("page", sorted(PAGES - {"close"}))
def test_every_settings_button_is_a_press_for_its_chat(page: str) -> None:
    """Each button of each page names the chat being configured and a known page, fits
    Telegram's 64 bytes, and every page but the main one has a way back."""
    prefs = ChatPrefs.from_json({}, "ru").with_(include=("drone",), exclude=("exercise",))
    data = callback_data(settings_markup(CHANNEL, prefs, page).to_json())
    presses = [parse_settings_data(d) for d in data]
    assert all(p is not None and p.chat_id == CHANNEL and p.page in PAGES for p in presses)
    assert all(len(d.encode()) <= 64 for d in data)
    assert (f"s:{CHANNEL}:main" in data) == (page != "main")


def test_presses_change_one_setting_and_stay_on_the_page() -> None:
    """Language, severity, sector, quiet hours, delivery mode and keywords each change by a
    press; the page stays open so several sectors can be ticked in a row."""
    prefs = ChatPrefs.from_json({}, "en").with_(include=("drone",), exclude=("exercise",))

    def press(page: str, value: str) -> ChatPrefs:
        changed, shown = apply_press(prefs, SettingsPress(CHANNEL, page, value), NOW)
        assert shown == page
        return changed

    assert press("lang", "hy").language == "hy"
    assert press("sev", "high").min_severity == "high"
    assert press("sec", "1").sectors == {SECTOR_IDS[0]}
    assert press("quiet", "23-07").quiet is not None
    assert press("quiet", "tz=Asia/Baku").timezone == "Asia/Baku"
    assert press("quiet", "crit").critical_through is not prefs.critical_through
    digest = press("mode", "8")
    assert (digest.mode, digest.digest_minute) == ("digest", 480)
    assert press("kw", "rm1").exclude == ()
    assert press("kw", "clear").include == ()


@given(st.sampled_from(sorted(PAGES)), st.text(alphabet="!#$%&*()[]{}<>~ -.,;", max_size=20))
def test_unknown_values_change_nothing(page: str, value: str) -> None:
    """A forged or stale press never fails: a value no page offers leaves the preferences as
    they were and the page as it was."""
    prefs = ChatPrefs.from_json({}, "en").with_(include=("drone",))
    assert apply_press(prefs, SettingsPress(CHANNEL, page, value), NOW) == (prefs, page)
