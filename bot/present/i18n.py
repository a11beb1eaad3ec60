"""Interface text in the four languages of the region (en, ru, hy, az), from gettext catalogs.

The catalogs are `bot/locale/<lang>/LC_MESSAGES/messages.po`, edited by hand (or with any PO
editor). They are read once per process with Babel and compiled in memory into
`gettext.GNUTranslations`, so there is no build step and no `.mo` file to keep in sync.

Message ids are stable keys ("kind_drone", "usage_latest"), not English sentences: the English
text lives in the `en` catalog like every other language, and a key missing from a catalog
falls back to English (a test fails when any catalog misses a key or a placeholder).
`t(lang, key, **values)` fills `{name}` placeholders with `str.format`; values are plain text
and callers escape them for HTML.

Counts go through `tn(lang, key, n, **values)`: the catalog entry has plural forms
(`msgid_plural`, `msgstr[0]`…) chosen by the catalog's own `Plural-Forms` rule (Russian
one/few/many; Armenian and Azerbaijani per CLDR, which put the noun in the singular after a
numeral anyway), and `{n}` is written in the locale's digits grouping. Dates, numbers and
lists ("Sotk, Kut and Kalbajar") come from Babel's CLDR data for the reader's locale, so
Armenian reads "դեկտեմբերի 1" and Russian "1 декабря". Templates carry their own separators:
code never glues ": " or a case ending onto a filled-in value.
"""

from __future__ import annotations

import functools
import gettext
import importlib.resources
import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

__all__ = [
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "catalog_forms",
    "catalog_keys",
    "catalog_text",
    "day_time",
    "has_key",
    "join_names",
    "month_day",
    "normalize_language",
    "number",
    "preload",
    "short_date",
    "t",
    "tn",
]

LANGUAGES: tuple[str, ...] = ("en", "ru", "hy", "az")
# Each language in its own name, for the language picker.
LANGUAGE_NAMES: Mapping[str, str] = MappingProxyType(
    {"en": "English", "ru": "Русский", "hy": "Հայերեն", "az": "Azərbaycanca"}
)
DOMAIN = "messages"


def _po_text(lang: str) -> bytes:
    resource = importlib.resources.files("bot").joinpath("locale", lang, "LC_MESSAGES")
    return resource.joinpath(f"{DOMAIN}.po").read_bytes()


@functools.cache
def _catalog(lang: str) -> dict[str, tuple[str, ...]]:
    """Each message id of one catalog with its text, or its plural forms in order
    (untranslated entries left out)."""
    catalog = read_po(io.BytesIO(_po_text(lang)), locale=lang, domain=DOMAIN)
    out: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        string = message.string or ""
        forms = (string,) if isinstance(string, str) else tuple(string)
        if all(forms):
            out[str(key)] = tuple(str(form) for form in forms)
    return out


@functools.cache
def _translations(lang: str) -> gettext.NullTranslations:
    """A GNUTranslations compiled in memory from the language's .po file."""
    catalog = read_po(io.BytesIO(_po_text(lang)), locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def normalize_language(code: str | None) -> str:
    """A Telegram language code ("ru-RU", "hy") to one of ours; English otherwise."""
    base = (code or "en").split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else "en"


def t(lang: str, key: str, **values: object) -> str:
    """The text for `key` in `lang` (English when missing), with `values` filled in."""
    lang = lang if lang in LANGUAGES else "en"
    template = _translations(lang).gettext(key)
    if template == key and lang != "en":
        template = _translations("en").gettext(key)
    return template.format(**values) if values else template


def tn(lang: str, key: str, n: int, **values: object) -> str:
    """The plural form of `key` for the count `n` in `lang` (English when missing), with
    `{n}` written in the locale's number format and `values` filled in."""
    lang = lang if lang in LANGUAGES else "en"
    template = _translations(lang).ngettext(key, key, n)
    if template == key and lang != "en":
        template = _translations("en").ngettext(key, key, n)
    return template.format(n=number(n, lang), **values)


def number(n: int, lang: str) -> str:
    """`n` in the locale's digits and grouping ("12 345" in Russian and Armenian)."""
    return format_decimal(n, locale=normalize_language(lang))


def join_names(names: Sequence[str], lang: str) -> str:
    """A list in the language's own way: "Sotk, Kut and Kalbajar", "Сотк, Кут и Кельбаджар"."""
    if not names:
        return ""
    return format_list(list(names), style="standard", locale=normalize_language(lang))


def has_key(key: str) -> bool:
    """Whether the English catalog defines `key`."""
    return key in _catalog("en")


def catalog_keys(lang: str) -> frozenset[str]:
    """The message ids translated in `lang`'s catalog (for the completeness test)."""
    return frozenset(_catalog(lang))


def catalog_text(lang: str, key: str) -> str | None:
    """The raw template of `key` in `lang` (its first form for a plural entry), or None."""
    forms = _catalog(lang).get(key)
    return forms[0] if forms else None


def catalog_forms(lang: str, key: str) -> tuple[str, ...] | None:
    """Every form of `key` in `lang`: one for a plain entry, one per plural form otherwise."""
    return _catalog(lang).get(key)


def month_day(moment: datetime, lang: str) -> str:
    """The day and month in the locale's own order: "1 декабря", "դեկտեմբերի 1", "1 dekabr"."""
    return format_skeleton("MMMMd", moment.date(), locale=normalize_language(lang))


def day_time(moment: datetime, lang: str) -> str:
    """Day, month and clock time joined the locale's way: "1 декабря, 09:05"."""
    code = normalize_language(lang)
    day = format_skeleton("MMMMd", moment.date(), locale=code)
    clock = format_time(moment.time(), format="short", locale=code)
    return str(Locale.parse(code).datetime_formats["medium"]).format(clock, day)


def short_date(moment: datetime, lang: str) -> str:
    """"24 Nov 2026" in the reader's language."""
    return format_date(moment.date(), format="medium", locale=normalize_language(lang))


def preload() -> None:
    """Read every catalog and every language's locale data now (at start-up).

    Otherwise each is read on first use, tens of milliseconds each on the event loop,
    in the middle of rendering the first alert after a start.
    """
    moment = datetime(2026, 1, 1, 9, 5)
    for lang in LANGUAGES:
        _catalog(lang)
        _translations(lang)
        number(12345, lang)
        join_names(["a", "b", "c"], lang)
        day_time(moment, lang)
        short_date(moment, lang)
