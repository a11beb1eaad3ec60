"""Place and sector names: one spelling per place per language, from the gazetteer alone."""

from __future__ import annotations

import pytest

from bot.classifier.gazetteer import SECTOR_PLACES, SECTORS, default_gazetteer
from bot.present.i18n import LANGUAGES
from bot.present.places import incident_places, place_name, sector_label
from bot.present.search import parse_query


def test_every_sector_names_places_of_the_gazetteer() -> None:
    """Each sector has its places, and each of them is in the gazetteer in that sector's area."""
    gazetteer = default_gazetteer()
    assert set(SECTOR_PLACES) == set(SECTORS)
    for first, second in SECTOR_PLACES.values():
        assert first
        for place_id in (*first, *second):
            assert place_id in gazetteer


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sector_labels_use_the_gazetteer_spelling(lang: str) -> None:
    """A sector label is made of the places' display names: the headline's spelling."""
    gazetteer = default_gazetteer()
    for sector, (first, second) in SECTOR_PLACES.items():
        label = sector_label(sector, lang)
        for place_id in (*first, *second):
            assert gazetteer.get(place_id).display_name(lang) in label, (sector, place_id)
    assert sector_label("gegharkunik-kalbajar", "hy") == "Վարդենիս/Սոթք – Քարվաճառ"
    assert sector_label("chambarak-gadabay", "ru") == "Чамбарак – Гедабек/Дашкесан"
    assert sector_label("vayots-dzor-nakhchivan", "ru") == "Вайоц Дзор – Нахичевань"
    assert sector_label("syunik-lachin", "az") == "Qarakilsə/Gorus/Tex – Laçın"
    assert sector_label("nowhere", lang) == sector_label("other", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_finds_each_place_by_the_name_the_bot_shows(lang: str) -> None:
    """Typing the name an alert or a sector label shows finds that place (search and
    headline share the spelling); regions are searched as words, by design of search."""
    gazetteer = default_gazetteer()
    for first, second in SECTOR_PLACES.values():
        for place_id in (*first, *second):
            if gazetteer.get(place_id).kind == "region":
                continue
            shown = place_name(place_id, lang)
            assert shown is not None
            assert place_id in parse_query(shown).place_ids, (place_id, shown)


def test_headline_places_are_specific_and_never_countries() -> None:
    """Villages come first, the province around a named village is dropped, and a country
    alone names no place (no "near Armenia, Azerbaijan")."""
    ids = ["am-gegharkunik-province", "am-sotk", "az-kalbajar-district"]
    assert incident_places(ids, "en") == ["Sotk", "Kalbajar"]
    assert incident_places(["am", "az"], "ru") == []
    assert incident_places(["az-karabakh", "az"], "hy") == ["Լեռնային Ղարաբաղ"]
    assert incident_places(["am-sotk", "unknown-id"], "az") == ["Zod"]
