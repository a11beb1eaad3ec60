"""Tests for bot.classifier.gazetteer: data quality and name matching."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.classifier.gazetteer import (
    LANGS,
    SECTORS,
    Gazetteer,
    GazetteerError,
    default_gazetteer,
)
from bot.classifier.types import Location
from testkit.corpus import CORPUS_ITEMS, KNOWN_UNRESOLVED, NOT_IN_SCOPE

CORPUS = CORPUS_ITEMS


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    """The bundled gazetteer."""
    return default_gazetteer()


def ids(gaz: Gazetteer, text: str) -> list[str]:
    return [loc.id for loc in gaz.find(text)]


# ------------------------------------------------------------------------------ spellings


@pytest.mark.parametrize(
    ("place_id", "spellings"),
    [
        ("am-sotk", ["Sotk", "Сотк", "Սոթք", "Zod", "SOTK"]),
        (
            "az-kalbajar-district",
            ["Kalbajar", "Kelbajar", "Kəlbəcər", "KƏLBƏCƏR", "Kelbecer", "Кельбаджар",
             "Кялбаджар", "Քարվաճառ", "Karvachar", "კელბაჯარი"],
        ),
        (
            "az-nakhchivan",
            ["Nakhchivan", "Nakhichevan", "Naxçıvan", "Нахичевань", "Նախիջևան", "Նախիջեւան"],
        ),
        ("az-khankendi", ["Stepanakert", "Khankendi", "Xankəndi", "Степанакерт", "Ստեփանակերտ"]),
        ("az-shusha", ["Shusha", "Shushi", "Şuşa", "Шуша", "Շուշի"]),
        ("az-martakert", ["Martakert", "Aghdara", "Ağdərə", "Мартакерт", "Մարտակերտ"]),
        ("az-lachin-district", ["Lachin", "Berdzor", "Laçın", "Лачин", "Բերձոր"]),
        ("az-hadrut", ["Hadrut", "Гадрут", "Հադրութ"]),
        ("am-vardenis", ["Vardenis", "Basarkeçər", "Варденис", "Վարդենիս"]),
        ("am-chambarak", ["Chambarak", "Çəmbərək", "Чамбарак", "Ճամբարակ"]),
        ("am-yerevan", ["Yerevan", "İrəvan", "Ереван", "Երևան", "Երեւան"]),
        ("am-syunik-province", ["Syunik", "Siunik", "Zəngəzur", "Сюник", "Սյունիք"]),
        ("am-gegharkunik-province", ["Gegharkunik", "Göyçə", "Гехаркуник", "Գեղարքունիք"]),
        ("az-gazakh-district", ["Gazakh", "Qazax", "Газах", "Ղազախ"]),
        ("az-tovuz-district", ["Tovuz", "Товуз", "Տովուզ", "تووز"]),
        ("am-nerkin-hand", ["Nerkin Hand", "Nerkin-Hand", "Неркин Ханд", "Ներքին Հանդ"]),
        ("az-karabakh", ["Nagorno-Karabakh", "Artsakh", "Qarabağ", "Арцах", "Արցախ"]),
    ],
)  # fmt: skip
def test_spellings_resolve_to_one_id(gaz: Gazetteer, place_id: str, spellings: list[str]) -> None:
    """Transliterations, scripts and case variants of a name all resolve to the same id."""
    for spelling in spellings:
        assert ids(gaz, f"Reports from {spelling} today") == [place_id], spelling


@pytest.mark.parametrize(
    ("text", "place_id", "matched"),
    [
        ("обстрел в Сотке", "am-sotk", "Сотке"),
        ("направлении Кельбаджарского района", "az-kalbajar-district", "Кельбаджарского"),
        ("в Товузском районе", "az-tovuz-district", "Товузском"),
        ("в Сюникской области", "am-syunik-province", "Сюникской"),
        ("со стороны Нахичевани", "az-nakhchivan", "Нахичевани"),
        ("в Шушинском районе", "az-shusha", "Шушинском"),
        ("Սոթքում հրետակոծություն", "am-sotk", "Սոթքում"),
        ("մոտ Սոթքի", "am-sotk", "Սոթքի"),
        ("հեռացել են Գորիսից", "am-goris", "Գորիսից"),
        ("Տավուշի մարզում", "am-tavush-province", "Տավուշի մարզում"),
        ("Վերին Շորժայում", "am-verin-shorzha", "Վերին Շորժայում"),
        ("mövqelər Kəlbəcərdə", "az-kalbajar-district", "Kəlbəcərdə"),
        ("Tovuzun kəndləri", "az-tovuz-district", "Tovuzun"),
        ("Qazax rayonunun kəndləri", "az-gazakh-district", "Qazax rayonunun"),
        ("Syunik's villages", "am-syunik-province", "Syunik"),
        ("atese Kelbecer'de", "az-kalbajar-district", "Kelbecer"),
    ],
)
def test_inflected_forms(gaz: Gazetteer, text: str, place_id: str, matched: str) -> None:
    """Case endings in Russian, Armenian and Azerbaijani still resolve, quoting the text."""
    [loc] = gaz.find(text)
    assert (loc.id, loc.matched) == (place_id, matched)


@pytest.mark.parametrize(
    "text",
    [
        "A delegation visited Kutaisi and Batumi",  # Kut
        "the Teghut copper mine",  # Tegh
        "в Бердянске и Бердске",  # Берд
        "Radio Azatutyun reported",  # Azat
        "Zara opened a store",  # Zar
        "sınır kapısı kapanı",  # Turkish "kapan" (trap)
        "Тех, кто пострадал, доставили в больницу",  # Russian "тех" (those)
        "Տեղի է ունեցել հանդիպում",  # Armenian "took place"
        "նա տեղում մահացավ",  # Armenian "on the spot"
        "Ararat Mirzoyan met Jeyhun Bayramov",  # a foreign minister, not the province
        "Mount Ararat is visible from the city",  # in Turkey
        "Armenian and Azerbaijani soldiers",  # demonyms are not places
        "азербайджанские и армянские военные",
        "las tropas armenias",
        "Movses Hakobyan, the former chief of staff",  # a general, not the village
        "Aras Agalarov and Emin",  # a person, not the river
    ],
)
def test_no_match_inside_other_words_or_names(gaz: Gazetteer, text: str) -> None:
    """Short names do not match inside longer words, common words or personal names."""
    assert ids(gaz, text) == []


def test_unrelated_news_has_no_locations(gaz: Gazetteer) -> None:
    """Ordinary English and Russian news with no Caucasus places yields no location."""
    english = (
        "The central bank kept interest rates on hold on Thursday, citing stubborn inflation "
        "in services. Markets in London and Frankfurt rose, while oil prices fell after OPEC "
        "signalled higher output. A storm cut power to thousands of homes in Texas; the "
        "governor said crews would work through the weekend. Zara's owner reported record "
        "sales, and a court in Kutaisi adjourned a fraud trial. Tech stocks led the rally as "
        "investors bet on lower rates. Police said those who were injured were taken to "
        "hospital; the fire brigade put out the blaze by noon. The goalkeeper was sent off "
        "in the final minute, and the coach blamed the referee for the berth they lost."
    )
    russian = (
        "Центробанк сохранил ключевую ставку, сославшись на устойчивую инфляцию. Тех, кто "
        "взял ипотеку, это не обрадует. В Бердянске и Кутаиси прошли ярмарки, а в Москве "
        "открылся новый музей. Синоптики обещают дожди; тем временем курс рубля укрепился, "
        "а нефть подешевела. Полиция сообщила, что все пострадавшие доставлены в больницу. "
        "Футбольный клуб проиграл на выезде, тренер покинул пост. Зарплаты выросли на 5%."
    )
    assert gaz.find(english) == []
    assert gaz.find(russian) == []


# ------------------------------------------------------------------------------- resolution


def test_aghdam_is_the_district_unless_tovuz_is_named(gaz: Gazetteer) -> None:
    """Bare Aghdam means the Karabakh district; with Tovuz nearby, the Tovuz village."""
    assert ids(gaz, "Shelling near Aghdam overnight") == ["az-aghdam-district"]
    assert ids(gaz, "Tovuzun Ağdam kəndi atəşə tutulub") == ["az-tovuz-district", "az-aghdam-tovuz"]
    assert ids(gaz, "Агдам Товузского района") == ["az-aghdam-tovuz", "az-tovuz-district"]


def test_martuni_depends_on_context(gaz: Gazetteer) -> None:
    """Martuni is the Karabakh town unless Gegharkunik or Lake Sevan is named nearby."""
    assert ids(gaz, "mine blast near Martuni") == ["az-martuni"]
    assert ids(gaz, "Martuni, Gegharkunik province") == [
        "am-martuni-gegharkunik",
        "am-gegharkunik-province",
    ]


def test_longest_name_wins(gaz: Gazetteer) -> None:
    """A longer name wins over the shorter one inside it (corridor over district)."""
    assert ids(gaz, "traffic on the Lachin corridor") == ["az-lachin-corridor"]
    assert ids(gaz, "блокада Лачинского коридора") == ["az-lachin-corridor"]
    assert ids(gaz, "Lake Sevan and Sevan") == ["am-lake-sevan", "am-sevan"]


def test_results_are_deduplicated_in_order(gaz: Gazetteer) -> None:
    """Each place appears once, in order of first mention, with its first spelling."""
    found = gaz.find("Sotk, then Kapan, then Сотк again and Kelbajar")
    assert [(loc.id, loc.matched) for loc in found] == [
        ("am-sotk", "Sotk"),
        ("am-kapan", "Kapan"),
        ("az-kalbajar-district", "Kelbajar"),
    ]


def test_location_carries_place_fields(gaz: Gazetteer) -> None:
    """A found Location copies id, name, country, admin, kind and coordinates of the place."""
    [loc] = gaz.find("Jermuk")
    place = gaz.get("am-jermuk")
    assert loc == Location(
        id=place.id,
        name=place.name,
        matched="Jermuk",
        country=place.country,
        admin=place.admin,
        lat=place.lat,
        lon=place.lon,
        kind=place.kind,
    )
    assert (loc.country, loc.admin, loc.kind) == ("AM", "Vayots Dzor", "settlement")


def test_empty_text(gaz: Gazetteer) -> None:
    """Empty or placeless text gives an empty list."""
    assert gaz.find("") == []
    assert gaz.find("   ...   ") == []


# ------------------------------------------------------------------------------------ data


def test_ids_unique_and_well_formed(gaz: Gazetteer) -> None:
    """Ids are unique, lower-case slugs prefixed with the country."""
    all_ids = [p.id for p in gaz.places]
    assert len(all_ids) == len(set(all_ids))
    for place in gaz.places:
        assert re.fullmatch(r"(am|az)(-[a-z0-9]+)*", place.id), place.id
        assert place.id == place.country.lower() or place.id.startswith(place.country.lower() + "-")


def test_enough_places_and_coverage_of_kinds(gaz: Gazetteer) -> None:
    """At least 150 places, with all Armenian provinces and the bordering districts."""
    assert len(gaz.places) >= 150
    provinces = {p.id for p in gaz.places if p.kind == "province"}
    assert len(provinces) == 10  # plus Yerevan, a settlement
    for district in (
        "gazakh", "aghstafa", "tovuz", "gadabay", "dashkasan", "kalbajar", "lachin",
        "gubadli", "zangilan", "sadarak", "sharur", "kangarli", "babek", "shahbuz",
        "julfa", "ordubad",
    ):  # fmt: skip
        assert f"az-{district}-district" in gaz


def test_every_place_has_names_in_four_languages(gaz: Gazetteer) -> None:
    """Every place has English, Russian, Armenian and Azerbaijani names in the right script."""
    for place in gaz.places:
        for lang in LANGS:
            assert place.names.get(lang), (place.id, lang)
        assert all(re.search("[\u0531-\u058f]", n) for n in place.names["hy"]), place.id
        assert all(re.search("[\u0400-\u04ff]", n) for n in place.names["ru"]), place.id
        assert all(not re.search("[\u0400-\u04ff\u0531-\u058f]", n) for n in place.names["az"])
        assert all(not re.search("[\u0400-\u04ff\u0531-\u058f]", n) for n in place.names["en"])


def test_every_place_resolves_by_its_own_names(gaz: Gazetteer) -> None:
    """Each place's canonical English name, and each four-language name, finds a place."""
    for place in gaz.places:
        for lang in LANGS:
            for name in place.names[lang]:
                assert gaz.find(f"near {name} today"), (place.id, name)


def test_coordinates_in_region(gaz: Gazetteer) -> None:
    """Border places lie in the western box; the rest at least inside Armenia/Azerbaijan."""
    for place in gaz.places:
        assert 38.3 <= place.lat <= 41.95, place.id
        assert 43.4 <= place.lon <= 50.6, place.id
        if place.sector is not None:
            assert place.lat <= 41.4, place.id
            assert place.lon <= 47.9, place.id


def test_sectors_are_known_and_used(gaz: Gazetteer) -> None:
    """Every sector named by a place exists, every sector has places, and the set is small."""
    used = {p.sector for p in gaz.places if p.sector}
    assert used == set(gaz.sectors()) == set(SECTORS)
    assert 10 <= len(SECTORS) <= 14
    assert gaz.get("am-yerevan").sector is None
    assert gaz.get("az-baku").sector is None
    assert gaz.get("am-sotk").sector == "gegharkunik-kalbajar"


def test_get_unknown_id_raises_key_error(gaz: Gazetteer) -> None:
    """get() raises KeyError for an unknown id."""
    with pytest.raises(KeyError):
        gaz.get("am-atlantis")


def test_default_gazetteer_is_cached() -> None:
    """default_gazetteer() loads once and returns the same instance."""
    assert default_gazetteer() is default_gazetteer()


# --------------------------------------------------------------------------- loading files

HEADER = "id\tname\tcountry\tadmin\tkind\tlat\tlon\tsector\tcontext\ten\tru\thy\taz\tother\n"


def test_load_from_path(tmp_path: Path) -> None:
    """A gazetteer loads from a given file, with comments and extra-language names."""
    path = tmp_path / "g.tsv"
    path.write_text(
        "# comment\n" + HEADER + "am-x\tX-ville\tAM\tTavush\tsettlement\t41\t45\ttavush-gazakh"
        "\t\tXville\tИксвиль\tԻքսվիլ\tİksvil\tde:Iksdorf\n",
        encoding="utf-8",
    )
    gaz = Gazetteer.load(path)
    assert [p.id for p in gaz.places] == ["am-x"]
    assert gaz.get("am-x").names["de"] == ("Iksdorf",)
    assert ids(gaz, "nach Iksdorf") == ["am-x"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("am-x\tX\tAM\tT\tsettlement\tnorth\t45\t\t\tX\tИ\tԻ\tX\t", "coordinates"),
        ("am-x\tX\tAM\tT\tsettlement\t41\t45\tnowhere\t\tX\tИ\tԻ\tX\t", "sector"),
        ("am-x\tX\tAM\tT\tvillage\t41\t45\t\t\tX\tИ\tԻ\tX\t", "kind"),
        ("am-x\tX\tGE\tT\tsettlement\t41\t45\t\t\tX\tИ\tԻ\tX\t", "country"),
        ("am-x\tX\tAM\tT\tsettlement\t41\t45\t\t\tX\tИ\tԻ\tX\tIksdorf", "lang:name"),
        ("am-x\tX\tAM\tT\tsettlement\t41\t45", "columns"),
    ],
)
def test_malformed_rows_are_rejected(tmp_path: Path, row: str, message: str) -> None:
    """Bad coordinates, sectors, kinds, countries or column counts raise GazetteerError."""
    path = tmp_path / "g.tsv"
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=message):
        Gazetteer.load(path)


def test_shared_spelling_needs_one_default(tmp_path: Path) -> None:
    """Two places sharing a spelling without a context rule are rejected."""
    path = tmp_path / "g.tsv"
    row = "\tX\tAM\tT\tsettlement\t41\t45\t\t\tSameName\tИ{0}\tԻ{0}\tX{0}\t\n"
    path.write_text(HEADER + "am-a" + row.format("а") + "am-b" + row.format("б"), "utf-8")
    with pytest.raises(GazetteerError, match="samename"):
        Gazetteer.load(path)


# ---------------------------------------------------------------------------------- corpus


@pytest.mark.skipif(not CORPUS.exists(), reason="development corpus not present")
def test_corpus_locations_resolve(gaz: Gazetteer) -> None:
    """Every corpus location in Armenia or Azerbaijan resolves (but for known gaps)."""
    names = {
        name
        for line in CORPUS.read_text(encoding="utf-8").splitlines()
        for name in json.loads(line).get("locations") or []
    }
    # Mid-sentence, as the names stand in the items (a few flags reject sentence openers).
    unresolved = {n for n in names - NOT_IN_SCOPE if not gaz.find(f"near {n}")}
    assert unresolved <= KNOWN_UNRESOLVED


def test_country_names_file_matches_babels_cldr_data() -> None:
    """`data/country_names.tsv` is what `scripts/cldr_country_names.py` writes from Babel's
    CLDR data (so nobody edits it by hand and a Babel upgrade is noticed)."""
    script = Path(__file__).resolve().parents[2] / "scripts" / "cldr_country_names.py"
    done = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    "text",
    [
        "Αρμενία και Αζερμπαϊτζάν",  # Greek
        "Armenia i Azerbejdżan",  # Polish
        "Örményország és Azerbajdzsán",  # Hungarian
        "Armênia e Azerbaijão",  # Portuguese
    ],
)
def test_both_countries_are_found_in_languages_without_a_column(text: str) -> None:
    """Armenia and Azerbaijan are found in languages the gazetteer has no column for, from
    CLDR's names, so a report in any of them names its parties."""
    gaz = default_gazetteer()
    assert {loc.id for loc in gaz.find(text)} == {"am", "az"}
