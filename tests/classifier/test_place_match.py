"""Tests for bot.classifier.place_match: the name matcher on its own, without the data file."""

from __future__ import annotations

import pytest

from bot.classifier.place_match import NameMatcher, PlaceNames
from bot.exceptions import GazetteerError

_PLACES = [
    PlaceNames("tovuz", (("en", "Tovuz"), ("az", "Tovuz")), frozenset()),
    PlaceNames("aghdam-district", (("en", "Aghdam"),), frozenset()),
    PlaceNames("aghdam-village", (("en", "Aghdam"),), frozenset({"tovuz"})),
    PlaceNames("ararat", (("en", "@Ararat"),), frozenset()),
]


def test_find_answers_place_indexes_and_the_text_as_written() -> None:
    """Hits are (place index, start, end) in order of first appearance, one per place, and the
    span covers the name with its ending as the text writes it."""
    text = "Shelling near Aghdam; later Tovuzun kəndləri and Aghdam again."
    hits = NameMatcher(_PLACES).find(text)
    # "Aghdam" near Tovuz is the Tovuz village, within the context window
    assert [(i, text[s:e]) for i, s, e in hits] == [(2, "Aghdam"), (0, "Tovuzun")]


def test_a_shared_spelling_without_context_is_the_default_place() -> None:
    """Without a context place nearby, a shared spelling means the place with empty context."""
    assert [i for i, _s, _e in NameMatcher(_PLACES).find("Fire near Aghdam.")] == [1]


def test_flags_restrict_a_name() -> None:
    """`@`: a name that is also a first name does not match before a capitalised word."""
    matcher = NameMatcher(_PLACES)
    assert matcher.find("Ararat Mirzoyan said") == []
    assert [i for i, _s, _e in matcher.find("in Ararat province")] == [3]


def test_a_shared_spelling_needs_exactly_one_default() -> None:
    """Two places with one spelling and no context to tell them apart are refused."""
    twins = [
        PlaceNames("a", (("en", "Samename"),), frozenset()),
        PlaceNames("b", (("en", "Samename"),), frozenset()),
    ]
    with pytest.raises(GazetteerError, match="exactly one needs an empty context"):
        NameMatcher(twins)
