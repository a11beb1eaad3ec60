"""Inline keyboards: the buttons under alerts and the /settings menu. Pure builders.

Callback data is short, versionless text under Telegram's 64-byte limit:

- ``a:<action>:<incident id>`` under an alert: ``d`` details, ``s`` sources, ``m`` mute the
  incident's sectors for 24 hours.
- ``s:<chat id>:<page>[:<value>]`` in the settings menu; the chat id names the chat being
  configured (a channel is configured from a private chat), and is checked again on every
  press.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain import SEVERITIES
from bot.exceptions import ArgError
from bot.present.formatting import esc
from bot.present.i18n import LANGUAGE_NAMES, LANGUAGES, t
from bot.present.places import sector_label
from bot.subscribers.args import parse_quiet, parse_severity
from bot.subscribers.prefs import SECTOR_IDS, ChatPrefs, clock_label
from bot.subscribers.text import ascii_int

__all__ = [
    "DIGEST_HOURS",
    "QUIET_PRESETS",
    "TIMEZONES",
    "AlertPress",
    "SettingsPress",
    "alert_markup",
    "alert_markup_json",
    "apply_press",
    "keywords_text",
    "markup_from_json",
    "parse_alert_data",
    "parse_settings_data",
    "settings_markup",
    "settings_text",
]

QUIET_PRESETS: Final = ("22-07", "23-07", "00-08")
DIGEST_HOURS: Final = (7, 8, 12, 18, 21)
# Offered as buttons; any other zone can be typed (/quiet 23-07 Europe/Paris).
TIMEZONES: Final = ("UTC", "Asia/Yerevan", "Asia/Baku", "Europe/Moscow", "Europe/Berlin")
PAGES: Final = frozenset({"main", "lang", "sev", "sec", "quiet", "mode", "kw", "close"})
_ALERT_ACTIONS: Final = frozenset({"d", "s", "m"})


@dataclass(frozen=True, slots=True)
class AlertPress:
    """A press on a button under an alert."""

    action: str  # d, s, m
    incident_id: str


@dataclass(frozen=True, slots=True)
class SettingsPress:
    """A press in the settings menu: which chat, which page, which value (may be empty)."""

    chat_id: int
    page: str
    value: str


def alert_markup(incident_id: str, lang: str, *, can_mute: bool = True) -> InlineKeyboardMarkup:
    """Details, sources and (when the incident has a sector) mute-for-24-hours buttons."""
    row = [
        InlineKeyboardButton(t(lang, "btn_details"), callback_data=f"a:d:{incident_id}"),
        InlineKeyboardButton(t(lang, "btn_sources"), callback_data=f"a:s:{incident_id}"),
    ]
    rows = [row]
    if can_mute:
        rows.append(
            [InlineKeyboardButton(t(lang, "btn_mute"), callback_data=f"a:m:{incident_id}")]
        )
    return InlineKeyboardMarkup(rows)


def alert_markup_json(incident_id: str, lang: str, *, can_mute: bool = True) -> str:
    """`alert_markup` as the JSON the outbox stores with the delivery.

    The pipeline renders it for every language at each incident change, so the JSON is built
    once per language and only the incident id (JSON-escaped) is put in.
    """
    return _alert_markup_template(lang, can_mute).replace(_ID_SLOT, json.dumps(incident_id)[1:-1])


_ID_SLOT: Final = "INCIDENT-ID-SLOT"


@functools.cache
def _alert_markup_template(lang: str, can_mute: bool) -> str:
    return alert_markup(_ID_SLOT, lang, can_mute=can_mute).to_json()


def markup_from_json(data: str | None) -> InlineKeyboardMarkup | None:
    """The inline keyboard stored with a delivery, or None (also for damaged JSON)."""
    if not data:
        return None
    try:
        return InlineKeyboardMarkup.de_json(json.loads(data), None)
    except (ValueError, TypeError, KeyError):
        return None


def parse_alert_data(data: str) -> AlertPress | None:
    """An alert button's callback data, or None when it is not one of ours."""
    parts = data.split(":", 2)
    if len(parts) != 3 or parts[0] != "a" or parts[1] not in _ALERT_ACTIONS:
        return None
    if not parts[2] or len(parts[2]) > 64:
        return None
    return AlertPress(parts[1], parts[2])


def parse_settings_data(data: str) -> SettingsPress | None:
    """A settings button's callback data, or None when it is malformed."""
    parts = data.split(":", 3)
    if len(parts) < 3 or parts[0] != "s" or parts[2] not in PAGES:
        return None
    try:
        chat_id = int(parts[1])
    except ValueError:
        return None
    return SettingsPress(chat_id, parts[2], parts[3] if len(parts) > 3 else "")


def _button(text: str, chat_id: int, page: str, value: str = "") -> InlineKeyboardButton:
    data = f"s:{chat_id}:{page}" + (f":{value}" if value else "")
    return InlineKeyboardButton(text, callback_data=data)


def _tick(selected: bool, label: str) -> str:
    return f"✅ {label}" if selected else label


_Rows = list[list[InlineKeyboardButton]]


def _language_rows(chat_id: int, prefs: ChatPrefs) -> _Rows:
    return [
        [_button(_tick(code == prefs.language, LANGUAGE_NAMES[code]), chat_id, "lang", code)]
        for code in LANGUAGES
    ]


def _severity_rows(chat_id: int, prefs: ChatPrefs) -> _Rows:
    options: Sequence[str | None] = (None, *SEVERITIES)
    return [
        [
            _button(
                _tick(prefs.min_severity == s, t(prefs.language, f"sev_min_{s or 'all'}")),
                chat_id, "sev", s or "all",
            )
        ]
        for s in options
    ]


def _sector_rows(chat_id: int, prefs: ChatPrefs) -> _Rows:
    lang = prefs.language
    rows = [[_button(_tick(not prefs.sectors, t(lang, "sectors_all")), chat_id, "sec", "all")]]
    for index, sector in enumerate(SECTOR_IDS, start=1):
        label = _tick(sector in prefs.sectors, sector_label(sector, lang))
        rows.append([_button(label, chat_id, "sec", str(index))])
    return rows


def _quiet_rows(chat_id: int, prefs: ChatPrefs) -> _Rows:
    lang = prefs.language
    current = prefs.quiet.label().replace("–", "-").replace(":00", "") if prefs.quiet else ""
    presets = [_button(_tick(current == p, p), chat_id, "quiet", p) for p in QUIET_PRESETS]
    return [
        [_button(_tick(prefs.quiet is None, t(lang, "quiet_off")), chat_id, "quiet", "off")],
        presets,
        [_button(_tick(prefs.timezone == z, z), chat_id, "quiet", f"tz={z}")
         for z in TIMEZONES[:3]],
        [_button(_tick(prefs.timezone == z, z), chat_id, "quiet", f"tz={z}")
         for z in TIMEZONES[3:]],
        [
            _button(
                _tick(prefs.critical_through, t(lang, "quiet_critical_through")),
                chat_id, "quiet", "crit",
            )
        ],
    ]


def _mode_rows(chat_id: int, prefs: ChatPrefs) -> _Rows:
    lang = prefs.language
    rows = [
        [_button(_tick(prefs.mode == "instant", t(lang, "mode_instant")), chat_id, "mode",
                 "instant")]
    ]
    for hour in DIGEST_HOURS:
        selected = prefs.mode == "digest" and prefs.digest_minute == hour * 60
        label = _tick(selected, t(lang, "mode_digest_at", time=clock_label(hour * 60)))
        rows.append([_button(label, chat_id, "mode", str(hour))])
    return rows


def _keyword_rows(chat_id: int, prefs: ChatPrefs) -> _Rows:
    rows = [
        [_button(f"✖ {word}", chat_id, "kw", f"rm{index}")]
        for index, word in enumerate((*prefs.include, *prefs.exclude))
    ]
    if prefs.include or prefs.exclude:
        rows.append([_button(t(prefs.language, "kw_clear"), chat_id, "kw", "clear")])
    return rows


def _main_rows(chat_id: int, prefs: ChatPrefs) -> _Rows:
    lang = prefs.language
    return [
        [_button(t(lang, "btn_language"), chat_id, "lang"),
         _button(t(lang, "btn_severity"), chat_id, "sev")],
        [_button(t(lang, "btn_sectors"), chat_id, "sec"),
         _button(t(lang, "btn_quiet"), chat_id, "quiet")],
        [_button(t(lang, "btn_delivery"), chat_id, "mode"),
         _button(t(lang, "btn_keywords"), chat_id, "kw")],
        [_button(t(lang, "btn_close"), chat_id, "close")],
    ]  # fmt: skip


# Each page's own buttons; every page but the main one ends with a Back button.
_PAGE_ROWS: Final[dict[str, Callable[[int, ChatPrefs], _Rows]]] = {
    "lang": _language_rows,
    "sev": _severity_rows,
    "sec": _sector_rows,
    "quiet": _quiet_rows,
    "mode": _mode_rows,
    "kw": _keyword_rows,
}


def settings_markup(chat_id: int, prefs: ChatPrefs, page: str) -> InlineKeyboardMarkup:
    """The keyboard of one settings page (the main page for any other name)."""
    rows = _PAGE_ROWS.get(page)
    if rows is None:
        return InlineKeyboardMarkup(_main_rows(chat_id, prefs))
    back = [_button(t(prefs.language, "btn_back"), chat_id, "main")]
    return InlineKeyboardMarkup([*rows(chat_id, prefs), back])


def apply_press(prefs: ChatPrefs, press: SettingsPress, now: datetime) -> tuple[ChatPrefs, str]:
    """The preferences after a settings press, and the page to show next.

    A press without a value opens its page; a value changes the setting and stays on the
    page (so several sectors can be ticked in a row). Unknown values change nothing.
    """
    page, value = press.page, press.value
    if not value or page in {"main", "close"}:
        return prefs, page
    if page == "lang" and value in LANGUAGES:
        return prefs.with_(language=value), page
    if page == "sev":
        try:
            return prefs.with_(min_severity=parse_severity(value)), page
        except ArgError:
            return prefs, page
    if page == "sec":
        if value == "all":
            return prefs.with_(sectors=frozenset()), page
        number = ascii_int(value)
        if number is not None and 1 <= number <= len(SECTOR_IDS):
            return prefs.toggle_sector(SECTOR_IDS[number - 1]), page
        return prefs, page
    if page == "quiet":
        return _apply_quiet(prefs, value), page
    if page == "mode":
        if value == "instant":
            return prefs.with_(mode="instant"), page
        hour = ascii_int(value)
        if hour is not None and hour in DIGEST_HOURS:
            return prefs.with_(mode="digest", digest_minute=hour * 60, digest_last=now), page
        return prefs, page
    if page == "kw":
        if value == "clear":
            return prefs.with_(include=(), exclude=()), page
        words = (*prefs.include, *prefs.exclude)
        index = ascii_int(value[2:]) if value.startswith("rm") else None
        if index is not None and index < len(words):
            return prefs.remove_keyword(words[index]), page
    return prefs, page


def _apply_quiet(prefs: ChatPrefs, value: str) -> ChatPrefs:
    if value == "off":
        return prefs.with_(quiet=None)
    if value == "crit":
        return prefs.with_(critical_through=not prefs.critical_through)
    if value.startswith("tz=") and value[3:] in TIMEZONES:
        return prefs.with_(timezone=value[3:])
    if value in QUIET_PRESETS:
        return prefs.with_(quiet=parse_quiet(value))
    return prefs


def settings_text(prefs: ChatPrefs, title: str, page: str, now: datetime) -> str:
    """The settings message (HTML): a summary of every setting and the page's prompt."""
    lang = prefs.language
    lines = [t(lang, "settings_title", chat=esc(title)), ""]
    severity = t(lang, f"sev_min_{prefs.min_severity or 'all'}")
    sectors = (
        ", ".join(sector_label(s, lang) for s in SECTOR_IDS if s in prefs.sectors)
        if prefs.sectors
        else t(lang, "sectors_all")
    )
    if prefs.quiet:
        quiet = t(
            lang,
            "settings_quiet_on" if prefs.critical_through else "settings_quiet_on_held",
            hours=prefs.quiet.label(),
            tz=esc(prefs.timezone),
        )
    else:
        quiet = t(lang, "quiet_off")
    mode = (
        t(lang, "mode_digest_at", time=clock_label(prefs.digest_minute))
        + f" ({esc(prefs.timezone)})"
        if prefs.mode == "digest"
        else t(lang, "mode_instant")
    )
    summary = (
        ("btn_language", LANGUAGE_NAMES[lang]),
        ("btn_severity", severity),
        ("btn_sectors", sectors),
        ("btn_quiet", quiet),
        ("btn_delivery", mode),
        ("btn_keywords", keywords_text(prefs)),
    )
    lines += [t(lang, "label_value", label=t(lang, key), value=value) for key, value in summary]
    mutes = prefs.active_mutes(now)
    if mutes:
        muted = ", ".join(
            f"{sector_label(s, lang)} ({until:%H:%M} UTC)" for s, until in sorted(mutes.items())
        )
        lines.append(t(lang, "settings_muted", sectors=muted))
    prompt = f"settings_prompt_{page}" if page in PAGES - {"close"} else "settings_prompt_main"
    lines += ["", f"<i>{t(lang, prompt)}</i>"]
    return "\n".join(lines)


def keywords_text(prefs: ChatPrefs) -> str:
    """The keyword filters, escaped, or "none" in the chat's language."""
    lang = prefs.language
    parts = []
    if prefs.include:
        parts.append(t(lang, "kw_include", words=esc(", ".join(prefs.include))))
    if prefs.exclude:
        parts.append(t(lang, "kw_exclude", words=esc(", ".join(prefs.exclude))))
    return "; ".join(parts) if parts else t(lang, "kw_none")
