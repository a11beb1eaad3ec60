"""Head counts: thousands separators, number words in four languages, and what is no count."""

from __future__ import annotations

import pytest

from bot.classifier.normalize import normalize
from bot.classifier.numbers import count_at
from bot.classifier.tokens import Tokens


def _counts(text: str, lang: str = "en") -> list[int]:
    tokens = Tokens(normalize(text))
    found = (count_at(tokens, i, text, lang) for i in range(len(tokens)))
    return [v for v in found if v is not None]


@pytest.mark.parametrize("text", ["6,500 people died", "6 500 человек", "6.500 nəfər"])
def test_thousands_separators_read_whole(text: str) -> None:
    """'6,500', '6 500' and '6.500' are 6500, never 500 or 6."""
    assert _counts(text) == [6500]


@pytest.mark.parametrize(
    "text",
    ["BM-21 Grad rockets", "a Mi-24 helicopter", "T-72 tanks", "the 44-day war",
     "the six-week war", "82-mm mortars", "at 00:05", "in 2020", "a 19-year-old soldier"],
)
def test_model_names_times_years_ages_are_no_counts(text: str) -> None:
    """Model designations, compounds, clock times, years and ages give no head count."""
    assert [v for v in _counts(text) if v != 1] == []


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("семеро военнослужащих", "ru", 7), ("երկու զինծառայող", "hy", 2),
     ("iki hərbçi", "az", 2), ("three soldiers", "en", 3)],
)
def test_number_words_in_four_languages(text: str, lang: str, value: int) -> None:
    """Number words of en/ru/hy/az are counts."""
    assert _counts(text, lang) == [value]
