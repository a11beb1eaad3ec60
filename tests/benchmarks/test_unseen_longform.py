"""The unseen long articles (`benchmarks/data/unseen_longform.jsonl`) parse, follow the
format of `../shared/corpus/longform.jsonl`, and every gold is self-consistent with its text.

The set is held out from the fact extractor: these tests read only the data, never the
extractor, so a failure here is a defect of the gold, not of the product.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.domain import SIDES, WEAPONS

PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "unseen_longform.jsonl"
LANGS = ("en", "ru", "hy", "az")
FIELDS = {
    "id", "lang", "title", "summary", "published", "url", "label", "incident_key", "gold",
    "expected_alert", "source_note",
}
GOLD_FIELDS = {"casualties", "claims", "weapons", "places", "background_numbers", "event_date"}
VICTIM_SIDES = (*SIDES, "other")
CLAIMANTS = (*SIDES, "third", "unknown")
SPEAKERS = (*SIDES, "third")
STANCES = ("accuses", "denies", "reports")
# How the small figures of the gold are written out in words (stems: Russian and Armenian
# numerals inflect, "четверо" / "четырёх", "երկու" / "երկուսը").
NUMBER_WORDS: dict[str, dict[int, tuple[str, ...]]] = {
    "en": {2: ("two",), 3: ("three",), 4: ("four",), 5: ("five",), 6: ("six",),
           7: ("seven",), 10: ("ten",), 11: ("eleven",)},
    "ru": {2: ("два", "двое", "двух"), 3: ("три", "трое", "трёх"),
           4: ("четыре", "четверо", "четырёх"), 5: ("пять", "пятеро"),
           6: ("шесть", "шестеро"), 7: ("семь", "семеро")},
    "hy": {2: ("երկու",), 3: ("երեք",), 4: ("չորս",), 5: ("հինգ",), 6: ("վեց",)},
    "az": {2: ("iki",), 3: ("üç",), 4: ("dörd",), 5: ("beş",), 6: ("altı",)},
}  # fmt: skip


def _rows() -> list[dict[str, Any]]:
    with PATH.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


ROWS = _rows()


def _written(number: int, text: str, lang: str) -> bool:
    """Whether `number` occurs in `text` in digits (any thousands separator) or in words."""
    digits = f"{number:,}".replace(",", r"[\s,.\u00a0]?")
    if re.search(rf"(?<![\d.,]){digits}(?![\d])", text):
        return True
    words = NUMBER_WORDS[lang].get(number, ())
    return any(re.search(rf"(?<!\w){w}", text, re.IGNORECASE) for w in words)


def test_file_parses_with_the_corpus_fields() -> None:
    """24 articles, U01…U24, six per language, each with exactly the longform corpus fields."""
    assert [r["id"] for r in ROWS] == [f"U{n:02d}" for n in range(1, 25)]
    assert Counter(r["lang"] for r in ROWS) == dict.fromkeys(LANGS, 6)
    for row in ROWS:
        assert set(row) == FIELDS, row["id"]
        assert set(row["gold"]) == GOLD_FIELDS, row["id"]
        datetime.fromisoformat(row["published"])
        date.fromisoformat(row["gold"]["event_date"])
        for name in ("title", "expected_alert", "source_note"):
            assert row[name].strip(), (row["id"], name)


def test_mix_of_incidents_and_hard_negatives() -> None:
    """Sixteen incidents and eight negatives (two per language); negatives carry no gold facts."""
    labels = Counter((r["lang"], r["label"]) for r in ROWS)
    for lang in LANGS:
        assert labels[(lang, "incident")] == 4, lang
        assert labels[(lang, "not_incident")] == 2, lang
    for row in ROWS:
        gold = row["gold"]
        if row["label"] == "incident":
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-[a-z0-9-]+", row["incident_key"]), row["id"]
        else:
            assert row["incident_key"] is None, row["id"]
            for name in ("casualties", "claims", "weapons"):
                assert gold[name] == [], (row["id"], name)


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_length_is_that_of_a_long_article(row: dict[str, Any]) -> None:
    """Each article is 250–600 words, in paragraphs separated by a blank line."""
    assert 250 <= len(row["summary"].split()) <= 600
    assert row["summary"].count("\n\n") >= 3


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_sides_stances_and_weapons_are_valid(row: dict[str, Any]) -> None:
    """Every side, claimant, stance and weapon is one of the vocabulary's words; an accusation
    names the other side."""
    gold = row["gold"]
    for c in gold["casualties"]:
        assert set(c) == {"side", "killed", "wounded", "claimed_by_side"}
        assert c["side"] in VICTIM_SIDES
        assert c["claimed_by_side"] in CLAIMANTS
        for name in ("killed", "wounded"):
            assert c[name] is None or (isinstance(c[name], int) and c[name] >= 0)
    for claim in gold["claims"]:
        assert set(claim) == {"side", "stance", "accused"}
        assert claim["side"] in SPEAKERS
        assert claim["stance"] in STANCES
        if claim["stance"] == "accuses":
            assert claim["accused"] in SIDES
            assert claim["accused"] != claim["side"]
        elif claim["stance"] == "denies":
            assert claim["accused"] is None
    assert set(gold["weapons"]) <= set(WEAPONS)
    assert len(set(gold["weapons"])) == len(gold["weapons"])


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_gold_numbers_and_places_occur_in_the_text(row: dict[str, Any]) -> None:
    """Every gold casualty figure is written in the article (a lone death may go without a
    numeral) and in the expected alert; every background number and place is in the text."""
    text = f"{row['title']}\n{row['summary']}"
    gold = row["gold"]
    for c in gold["casualties"]:
        for name in ("killed", "wounded"):
            value = c[name]
            if value is None or value == 1:
                continue
            assert _written(value, text, row["lang"]), (name, value)
            assert re.search(rf"(?<!\d){value}(?!\d)", row["expected_alert"]), (name, value)
    for written in gold["background_numbers"]:
        assert written in row["summary"], written
    for place in gold["places"]:
        assert place in text, place


def test_written_numbers_are_recognised() -> None:
    """The checker itself: separators and inflected words count, a longer number does not."""
    assert _written(6500, "more than 6 500 people", "ru")
    assert _written(6500, "more than 6,500 people", "en")
    assert _written(4, "Четверо военнослужащих", "ru")
    assert not _written(50, "killed 500 people", "en")
    assert not _written(7, "seventy", "az")
