"""The message catalogs: complete for en, ru, hy, az, and consistent placeholders."""

from __future__ import annotations

import re
import string
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural

from bot.domain import ACTORS
from bot.present import i18n
from bot.present.i18n import (
    LANGUAGES,
    catalog_forms,
    catalog_keys,
    catalog_text,
    join_names,
    month_day,
    normalize_language,
    t,
    tn,
)
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
        english, forms = catalog_text("en", key), catalog_forms(lang, key)
        assert english is not None
        assert forms is not None
        for text in forms:
            assert fields(text) == fields(english), (lang, key)
            filled = text.format(**{name: "x" for name in fields(text)})
            parse_html_entities(filled)  # raises on markup Telegram refuses


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_entries_have_every_form_of_the_language(lang: str) -> None:
    """A plural entry has as many forms as the language's CLDR plural rule, in every catalog,
    and the entries that are plural in English are plural everywhere."""
    expected = get_plural(lang).num_plurals
    for key in catalog_keys("en"):
        english = catalog_forms("en", key)
        forms = catalog_forms(lang, key)
        assert english is not None
        assert forms is not None
        if len(english) > 1:
            assert len(forms) == expected, (lang, key)
        else:
            assert len(forms) == 1, (lang, key)


def test_russian_plural_forms_follow_one_few_many() -> None:
    """Russian counts take one/few/many: 1 and 21 one, 2 few, 5, 11 and 12 many."""
    assert tn("ru", "digest_title", 1).startswith("<b>Дайджест: 1 инцидент ")
    assert tn("ru", "digest_title", 2).startswith("<b>Дайджест: 2 инцидента ")
    assert tn("ru", "digest_title", 5).startswith("<b>Дайджест: 5 инцидентов ")
    assert tn("ru", "digest_title", 21).startswith("<b>Дайджест: 21 инцидент ")
    assert tn("ru", "digest_title", 11).startswith("<b>Дайджест: 11 инцидентов ")
    assert tn("en", "search_results", 1, query="q") == "<b>1 incident</b> for “q”:"
    assert tn("en", "search_results", 2, query="q") == "<b>2 incidents</b> for “q”:"


def test_numbers_dates_and_lists_follow_the_locale() -> None:
    """Numbers, day-month dates and lists use each locale's CLDR patterns."""
    first = datetime(2026, 12, 1, tzinfo=UTC)
    assert month_day(first, "hy") == "դեկտեմբերի 1"
    assert month_day(first, "ru") == "1 декабря"
    assert month_day(first, "az") == "1 dekabr"
    assert tn("ru", "source_failing", 12345) == "12\xa0345 ошибок подряд"
    assert join_names(["Սոթք", "Կութ", "Քարվաճառ"], "hy") == "Սոթք, Կութ և Քարվաճառ"
    assert join_names(["Zod", "Kut"], "az") == "Zod və Kut"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_actor_has_a_subject_form_a_number_and_an_according_to_form(lang: str) -> None:
    """Each actor has the forms the alert sentences need, and its grammatical number is one
    the statement templates know."""
    for actor in ACTORS:
        assert catalog_text(lang, f"actor_{actor}")
        assert catalog_text(lang, f"actor_{actor}_src")
        assert catalog_text(lang, f"form_{actor}") in {"one", "many"}


def test_keys_used_in_code_exist() -> None:
    """Every literal key the code looks up is in the English catalog."""
    keys = catalog_keys("en")
    used: set[str] = set()
    paths = [*HANDLERS.joinpath("handlers").glob("*.py"), *HANDLERS.joinpath("bot").rglob("*.py")]
    for path in paths:
        used |= set(re.findall(r"\btn?\([^,()]+, \"([a-z_]+)\"", path.read_text("utf-8")))
    assert used
    assert used <= keys, sorted(used - keys)


def test_fallback_and_language_codes() -> None:
    """Telegram language codes map to ours; unknown languages get English."""
    assert normalize_language("ru-RU") == "ru"
    assert normalize_language("de") == "en"
    assert t("de", "btn_back") == t("en", "btn_back")
    assert t("hy", "cas_line_nohead", figures="2", according="x") == "2, x"
    assert tn("de", "cas_killed", 2) == tn("en", "cas_killed", 2) == "2 killed"


# Slots that receive names or phrases (places, actors, sides, user text): a case ending glued
# onto one ("{places}-ի", "{max}-ə") is wrong for most values, so templates never do it.
NAME_SLOTS = ("places", "who", "accused", "head", "first", "second", "value", "query",
              "channel", "name", "sectors", "words", "what", "changes", "severity")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_case_ending_is_glued_onto_a_name_slot(lang: str) -> None:
    """No template writes a suffix straight after a slot that receives a name or phrase."""
    glued = re.compile(r"\{(" + "|".join(NAME_SLOTS) + r")\}(-?\w)")
    for key in catalog_keys(lang):
        for text in catalog_forms(lang, key) or ():
            assert not glued.search(text), (lang, key, text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_event_kind_has_a_template_with_and_without_places(lang: str) -> None:
    """Each headline kind has a variant with {places} inside the sentence and one without."""
    for key in catalog_keys("en"):
        if key.startswith("kind_") and not key.endswith("_at"):
            with_places = catalog_text(lang, f"{key}_at")
            assert with_places is not None, key
            assert "{places}" in with_places, key
            assert "{places}" not in (catalog_text(lang, key) or ""), key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_entry_per_key(lang: str) -> None:
    """No message id appears twice in a catalog (a merge that adds a key twice would make one
    translation silently shadow the other)."""
    path = HANDLERS / "bot" / "locale" / lang / "LC_MESSAGES" / "messages.po"
    ids = re.findall(r'^msgid "(.+)"$', path.read_text("utf-8"), flags=re.M)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


_OPENED: list[str] = []
_WATCHING: list[bool] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _WATCHING and event == "open":
        _OPENED.append(str(args[0]))


def test_preload_leaves_no_file_to_read_at_the_first_alert() -> None:
    """After `preload` (run at start-up), rendering text, counts, numbers, lists and dates in
    every language opens no file: nothing is read on the event loop at the first alert."""
    i18n._catalog.cache_clear()
    i18n._translations.cache_clear()
    i18n.preload()
    sys.addaudithook(_audit)  # an audit hook stays for the process: it records only when asked
    moment = datetime(2026, 12, 1, 9, 5, tzinfo=UTC)
    _WATCHING.append(True)
    try:
        for lang in LANGUAGES:
            t(lang, "help")
            tn(lang, "opml_exported", 21)
            i18n.number(12345, lang)
            join_names(["Sotk", "Kut"], lang)
            month_day(moment, lang)
            i18n.day_time(moment, lang)
            i18n.short_date(moment, lang)
    finally:
        _WATCHING.clear()
    assert _OPENED == []
