"""Language detection: scripts, distinctive letters, hints."""

from __future__ import annotations

import pytest

from bot.classifier.lang import LanguageDetector, is_az_cyrillic


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    """One detector for the module (py3langid loads once)."""
    return LanguageDetector()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Shots were fired at a border post near the village overnight, officials said.", "en"),
        ("Ночью у пограничного села были слышны выстрелы, сообщили местные власти.", "ru"),
        ("Գիշերը սահմանամերձ գյուղի մոտ կրակոցներ են լսվել, հայտնում են իշխանությունները։", "hy"),
        ("Gecə sərhədyanı kəndin yaxınlığında atəş səsləri eşidilib, rəsmilər bildirib.", "az"),
        ("Вночі біля прикордонного села було чути постріли, повідомила влада.", "uk"),
        ("In der Nacht fielen an der Grenze Schüsse, teilten die Behörden mit.", "de"),
        ("Des tirs ont été entendus cette nuit près de la frontière, selon les autorités.", "fr"),
    ],
)
def test_detects_language(detector: LanguageDetector, text: str, lang: str) -> None:
    """Each of the four main languages (and a few others) is recognised without a hint."""
    assert detector.detect(text) == lang


def test_azerbaijani_cyrillic(detector: LanguageDetector) -> None:
    """Azerbaijani in the Cyrillic alphabet of older outlets is az, not ru."""
    text = "Дүшмән Газах рајонунун кәндләрини атәшә тутуб, Мүдафиә Назирлији билдириб."
    assert is_az_cyrillic(text)
    assert detector.detect(text) == "az"


def test_russian_is_not_azerbaijani_cyrillic() -> None:
    """Plain Russian carries none of the Azerbaijani Cyrillic letters."""
    assert not is_az_cyrillic("Противник обстрелял позиции у села Барекамаван.")


def test_hint_used_when_script_agrees(detector: LanguageDetector) -> None:
    """A Latin-script hint decides among Latin languages (a feed declared Spanish stays es)."""
    assert detector.detect("Disparos en la frontera", hint="es") == "es"


def test_script_overrides_wrong_hint(detector: LanguageDetector) -> None:
    """A hint contradicting the script is ignored: Armenian text is hy even if the feed says en."""
    assert detector.detect("Սահմանին կրակոցներ են հնչել", hint="en") == "hy"
    assert detector.detect("На границе стреляли", hint="en-US") == "ru"


def test_azerbaijani_letter_beats_hint(detector: LanguageDetector) -> None:
    """The letter ə marks Azerbaijani even when a feed hints Turkish."""
    assert detector.detect("Sərhəddə atışma olub", hint="tr") == "az"
