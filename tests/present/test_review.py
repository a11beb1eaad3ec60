"""The review set (testkit/review.py): the kept file is current, and every rendered screen in
every language is free of the faults a native reader flagged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.classifier.gazetteer import SECTOR_PLACES, default_gazetteer
from bot.present.i18n import LANGUAGES
from bot.subscribers.digest import render_digest
from testkit.review import Section, plain_text, render_review, samples, sections

REVIEW_FILE = Path(__file__).resolve().parents[2] / "docs" / "review" / "rendered.md"
SECTIONS = sections()
ARMENIAN = "\u0531-\u0556\u0561-\u0587"
# An Armenian word (lower-case letter) joined by a hyphen to a case ending or article:
# "Քարվաճառ-ի", "Սևանա լիճ-ի". Abbreviations ("ԶԼՄ-ները") and Latin or digits ("OPML-ով",
# "08:00-ին") take the hyphen by Armenian spelling rules and are not matched.
GLUED_ENDING = re.compile(
    r"[\u0561-\u0587]-(?:ի|ն|ը|ում|ից|ով|ին|ու|ները|ների|ներին|երը|երի)(?![\u0561-\u0587])"
)
MIXED_SCRIPT = re.compile(rf"[{ARMENIAN}][A-Za-z]|[A-Za-z][{ARMENIAN}]")
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
EMPTY_BRACKETS = re.compile(r"\(\s*[,;·]?\s*\)|\(\s*,|,\s*\)|\[\s*\]")
# Two colons in one clause ("Digest: incidents in the last 24 hours: 1"); clock times and a
# clause break (". ; ·") in between do not count.
DOUBLED_COLON = re.compile(r":\s[^;.·։\n]*:\s")


def by_lang(lang: str) -> list[Section]:
    """The sections of one language."""
    return [s for s in SECTIONS if s.lang == lang]


def test_kept_review_file_is_current() -> None:
    """docs/review/rendered.md is what scripts/render_review.py renders now (CI checks it too)."""
    assert REVIEW_FILE.read_text(encoding="utf-8") == render_review()


def test_review_covers_every_language_alert_kind_and_menu() -> None:
    """Each language has the fixed alerts, the follow-up, the digest and every settings page."""
    for lang in LANGUAGES:
        titles = {s.title for s in by_lang(lang)}
        for name in ("claim", "denial; an accusation naming no act", "no town found", "follow-up",
                     "casualties without side or kind", "counter-claim, several places"):
            assert f"Alert: {name}" in titles, (lang, name)
        assert "Digest" in titles
        for page in ("main", "lang", "sev", "sec", "quiet", "mode", "kw"):
            assert f"Settings (defaults): {page}" in titles, (lang, page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_placeholder_empty_bracket_or_doubled_colon(lang: str) -> None:
    """No "{name}" left unfilled, no "(, )" or "()", no "x: y: z" in any screen."""
    for section in by_lang(lang):
        for line in section.text.splitlines():
            where = (section.title, line)
            assert not PLACEHOLDER.search(line), where
            assert not EMPTY_BRACKETS.search(line), where
            assert not DOUBLED_COLON.search(re.sub(r"\d:\d", "", line)), where
            assert "None" not in line, where


def test_missing_facts_leave_no_unknown_side() -> None:
    """A casualty figure without side or kind reads as a plain figure, with no blank slot
    and no "unknown"; a figure two claimants gave is one line naming both."""
    for lang in LANGUAGES:
        text = "\n".join(s.text for s in by_lang(lang) if s.title.startswith("Alert"))
        assert "unknown" not in text.lower()
        assert "неизвест" not in text
    english = {s.title: s.text for s in by_lang("en")}
    two = english["Alert: casualties with side and kind, two claimants of one figure"]
    assert two.count("1 killed") == 1
    assert "according to Armenia's Defence Ministry and the media" in two
    bare = english["Alert: casualties without side or kind"]
    assert "• 2 wounded, according to the media" in bare


def test_armenian_words_are_all_armenian_and_take_no_hyphenated_endings() -> None:
    """No Latin letter inside an Armenian word, no "Քարվաճառ-ի" anywhere in Armenian."""
    for section in by_lang("hy"):
        assert not MIXED_SCRIPT.search(section.text), section.title
        assert not GLUED_ENDING.search(section.text), section.title


def test_glued_ending_check_catches_the_reported_faults() -> None:
    """The checks above do fire on the faults the review found (so they can fail)."""
    assert GLUED_ENDING.search("Սոթք, Կութ, Քարվաճառ-ի մոտ")
    assert GLUED_ENDING.search("Սևանա լիճ-ի մոտ")
    assert not GLUED_ENDING.search("ըստ ԶԼՄ-ների, OPML-ով, 08:00-ին, հայ-ադրբեջանական")
    assert MIXED_SCRIPT.search("Հաղoրդվում")  # a Latin "o"
    assert DOUBLED_COLON.search("Дайджест: инцидентов за последние 24 часа: 1")
    assert EMPTY_BRACKETS.search("раненых: 1 (, )")


def test_russian_digest_counts_take_one_few_many() -> None:
    """The Russian digest title agrees with 1, 2, 5 and 21 incidents."""
    rows = [_row for _row in _rows()]
    expected = {1: "1 инцидент за", 2: "2 инцидента за", 5: "5 инцидентов за",
                21: "21 инцидент за"}
    for count, words in expected.items():
        picked = (rows * 3)[:count]
        assert words in plain_text(render_digest(picked, "ru")), count


def _rows() -> list[object]:
    from testkit.review import _row

    return [_row(s.view) for s in samples() if not s.changes]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_places_are_spelled_as_in_the_gazetteer(lang: str) -> None:
    """Every place the screens name is written with the gazetteer's first name in that
    language, and no other spelling of it appears (headlines, sector labels, lists)."""
    gazetteer = default_gazetteer()
    ids = {p for s in samples() for p in s.view.location_ids}
    ids |= {p for first, second in SECTOR_PLACES.values() for p in (*first, *second)}
    shown = {place.display_name(lang) for place in gazetteer.places}
    text = "\n".join(s.text for s in by_lang(lang))
    for place_id in sorted(ids):
        place = gazetteer.get(place_id)
        if place.kind == "country":
            continue
        for other in place.names.get(lang, ())[1:]:
            if other in shown:
                continue  # another place's own name ("Агдам" the village and the district)
            assert not re.search(rf"(?<!\w){re.escape(other)}(?!\w)", text), (place_id, other)
    sector_screen = next(s.text for s in by_lang(lang) if s.title.endswith(": sec"))
    for first, second in SECTOR_PLACES.values():
        for place_id in (*first, *second):
            assert gazetteer.get(place_id).display_name(lang) in sector_screen, place_id
    for section in by_lang(lang):
        if section.title.startswith("Alert") and section.place_ids not in {(), ("am", "az")}:
            names = [gazetteer.get(p).display_name(lang) for p in section.place_ids]
            assert any(name in section.text for name in names), section.title
