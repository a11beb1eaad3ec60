"""/search queries, parsed: words, places and dates. Pure functions.

A query is free text in any of the four languages and scripts. Place names are resolved with
the gazetteer ("Сотк", "Sotk", "Սոթք" all become `am-sotk`), so a search finds the reports
that named the place in any spelling; a province or district also finds the places in it.
Dates: ``since 2022-09-01`` (also "from", "after", "с", "после", "sonra"), ``until
2022-09-30`` ("to", "before", "до", "qədər") and a bare ``2022-09-13`` for that one day.
What remains is split into words for the full-text index (`bot.db.search`); no user text ever
reaches the index's query syntax unquoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from bot.classifier.gazetteer import default_gazetteer
from bot.exceptions import ArgError
from bot.subscribers.text import clean_text

__all__ = ["MAX_TERMS", "SearchQuery", "day_after", "expand_places", "parse_query"]

MAX_TERMS: Final = 8
MAX_QUERY: Final = 300
_SINCE: Final = frozenset({"since", "from", "after", "с", "со", "после", "sonra", "etibarən"})
_UNTIL: Final = frozenset({"until", "till", "to", "before", "до", "по", "qədər", "dək"})
_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_WORD = re.compile(r"[^\W_]+")  # letters and digits: an underscore is no word


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed query: words for the text index, gazetteer ids, a date range (inclusive)."""

    terms: tuple[str, ...] = ()
    place_ids: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None

    @property
    def empty(self) -> bool:
        """Nothing to search for."""
        return not (self.terms or self.place_ids or self.since or self.until)


def parse_query(text: str) -> SearchQuery:
    """Split a query into words, places and dates; `ArgError` for an impossible date."""
    cleaned = clean_text(text, MAX_QUERY)
    words = cleaned.split(" ") if cleaned else []
    since = until = None
    rest: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        lowered = word.lower().rstrip(":")
        following = words[index + 1] if index + 1 < len(words) else ""
        if lowered in _SINCE | _UNTIL and _DATE.match(following):
            day = _date(following)
            if lowered in _SINCE:
                since = day
            else:
                until = day
            index += 2
            continue
        if _DATE.match(word):
            since = until = _date(word)
            index += 1
            continue
        rest.append(word)
        index += 1
    remaining = " ".join(rest)
    place_ids, remaining = _places(remaining)
    terms: list[str] = []
    for match in _WORD.finditer(remaining):
        term = match.group().lower()[:40]
        if len(term) >= 2 and term not in terms:
            terms.append(term)
    if since and until and since > until:
        since, until = until, since
    return SearchQuery(tuple(terms[:MAX_TERMS]), place_ids, since, until)


def expand_places(place_ids: tuple[str, ...]) -> tuple[str, ...]:
    """The ids themselves and, for a province or district, every place in it."""
    gazetteer = default_gazetteer()
    out = list(place_ids)
    for place_id in place_ids:
        if place_id not in gazetteer:
            continue
        place = gazetteer.get(place_id)
        if place.kind not in {"province", "district"}:
            continue
        for other in gazetteer.places:
            if (
                other.country == place.country
                and other.admin == place.admin
                and other.id not in out
            ):
                out.append(other.id)
    return tuple(out)


def _places(text: str) -> tuple[tuple[str, ...], str]:
    """Gazetteer ids named in `text`, and the text with those names blanked out."""
    if not text.strip():
        return (), text
    gazetteer = default_gazetteer()
    ids: list[str] = []
    spans: list[str] = []
    # Typed queries are often all lower case; names that must be capitalised in news text
    # are tried again on the capitalised words. A query is not a sentence: the leading "·"
    # keeps names that news text must not open a sentence with (Russian "Тех", Armenian
    # "Տեղ": Tegh, as headlines and sector labels spell it) findable when typed alone.
    for candidate in (text, " ".join(w[:1].upper() + w[1:] for w in text.split(" "))):
        for location in gazetteer.find(f"· {candidate}"):
            if location.kind in {"country", "region"}:
                continue
            if location.id not in ids:
                ids.append(location.id)
            spans.append(location.matched)
    remaining = text
    for span in spans:
        pattern = re.escape(span)
        remaining = re.sub(pattern, " ", remaining, flags=re.IGNORECASE)
    return tuple(ids), remaining


def _date(text: str) -> date:
    match = _DATE.match(text)
    if match is None:
        raise ArgError("usage_search")
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise ArgError("search_bad_date", value=text) from None


def day_after(day: date) -> date:
    """The next day (an `until` date is inclusive)."""
    return day + timedelta(days=1)
