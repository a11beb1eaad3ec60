"""Interface text in the four languages of the region (en, ru, hy, az), from gettext catalogs.

The catalogs are `bot/locale/<lang>/LC_MESSAGES/messages.po`, edited by hand (or with any PO
editor). They are read once per process with Babel and compiled in memory into
`gettext.GNUTranslations`, so there is no build step and no `.mo` file to keep in sync.

Message ids are stable keys ("kind_drone", "usage_latest"), not English sentences: the English
text lives in the `en` catalog like every other language, and a key missing from a catalog
falls back to English (a test fails when any catalog misses a key or a placeholder).
`t(lang, key, **values)` fills `{name}` placeholders with `str.format`; values are plain text
and callers escape them for HTML. Dates are formatted by Babel's CLDR data.
"""

from __future__ import annotations

import functools
import gettext
import importlib.resources
import io
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

__all__ = [
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "catalog_keys",
    "catalog_text",
    "has_key",
    "month_day",
    "normalize_language",
    "short_date",
    "t",
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
def _catalog(lang: str) -> dict[str, str]:
    """The message ids and texts of one catalog (untranslated entries left out)."""
    catalog = read_po(io.BytesIO(_po_text(lang)), locale=lang, domain=DOMAIN)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and isinstance(message.id, str) and message.string
    }


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


def has_key(key: str) -> bool:
    """Whether the English catalog defines `key`."""
    return key in _catalog("en")


def catalog_keys(lang: str) -> frozenset[str]:
    """The message ids translated in `lang`'s catalog (for the completeness test)."""
    return frozenset(_catalog(lang))


def catalog_text(lang: str, key: str) -> str | None:
    """The raw template of `key` in `lang`, or None when the catalog lacks it."""
    return _catalog(lang).get(key)


def month_day(moment: datetime, lang: str) -> str:
    """"24 November" in the reader's language (CLDR data via Babel)."""
    return format_date(moment.date(), format="d MMMM", locale=normalize_language(lang))


def short_date(moment: datetime, lang: str) -> str:
    """"24 Nov 2026" in the reader's language."""
    return format_date(moment.date(), format="medium", locale=normalize_language(lang))
