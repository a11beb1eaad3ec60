"""The message catalogs: complete for en, ru, hy, az, and consistent placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.present.i18n import LANGUAGES, catalog_keys, catalog_text, normalize_language, t
from testkit.telegram_api import parse_html_entities

HANDLERS = Path(__file__).resolve().parents[2]


def fields(template: str) -> set[str]:
    """The {placeholders} of a template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalog_has_every_key(lang: str) -> None:
    """No key is missing or empty in any language, and no language has extra keys."""
    assert catalog_keys(lang) == catalog_keys("en")


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_placeholders_and_markup_match_english(lang: str) -> None:
    """Each translation has the English placeholders, and its HTML is valid for Telegram."""
    for key in catalog_keys("en"):
        english, text = catalog_text("en", key), catalog_text(lang, key)
        assert english is not None
        assert text is not None
        assert fields(text) == fields(english), (lang, key)
        filled = text.format(**{name: "x" for name in fields(text)})
        parse_html_entities(filled)  # raises on markup Telegram refuses


def test_keys_used_in_code_exist() -> None:
    """Every literal key the code looks up is in the English catalog."""
    keys = catalog_keys("en")
    used: set[str] = set()
    paths = [*HANDLERS.joinpath("handlers").glob("*.py"), *HANDLERS.joinpath("bot").rglob("*.py")]
    for path in paths:
        used |= set(re.findall(r"\bt\([^,()]+, \"([a-z_]+)\"", path.read_text("utf-8")))
    assert used
    assert used <= keys, sorted(used - keys)


def test_fallback_and_language_codes() -> None:
    """Telegram language codes map to ours; unknown languages get English."""
    assert normalize_language("ru-RU") == "ru"
    assert normalize_language("de") == "en"
    assert t("de", "btn_back") == t("en", "btn_back")
    assert t("hy", "killed", n=2) == "զոհեր՝ 2"
