"""Event dates named in a text ("on September 12", "12 сентября", "սեպտեմբերի 12-ին",
"oktyabrın 3-ü", "12 sentyabr", "on Tuesday", "yesterday"), resolved against the item's
publication date.

Day-and-month dates are read from the word tokens of the normalised text (a day number next to
a month word, optionally a year), which is much faster than a regex per language; weekdays and
"today"/"yesterday" come from the lexicon's "when" layer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from bot.classifier.lexicon import Match
from bot.classifier.normalize import normalize
from bot.classifier.tokens import Tokens

__all__ = ["MONTHS", "DateMention", "bare_months", "find_dates", "resolve"]

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "января", "січня", "հունվարի", "yanvar", "januar", "janvier", "enero"),
    2: ("february", "feb", "февраля", "лютого", "փետրվարի", "fevral", "februar", "février",
        "febrero"),
    3: ("march", "mar", "марта", "березня", "մարտի", "mart", "märz", "mars", "marzo"),
    4: ("april", "apr", "апреля", "квітня", "ապրիլի", "aprel", "avril", "abril"),
    5: ("may", "мая", "травня", "մայիսի", "mai", "mayo"),
    6: ("june", "jun", "июня", "червня", "հունիսի", "iyun", "juni", "juin", "junio"),
    7: ("july", "jul", "июля", "липня", "հուլիսի", "iyul", "juli", "juillet", "julio"),
    8: ("august", "aug", "августа", "серпня", "օգոստոսի", "avqust", "août", "agosto"),
    9: ("september", "sept", "sep", "сентября", "вересня", "սեպտեմբերի", "sentyabr",
        "septembre", "septiembre"),
    10: ("october", "oct", "октября", "жовтня", "հոկտեմբերի", "oktyabr", "oktober", "octobre",
         "octubre"),
    11: ("november", "nov", "ноября", "листопада", "նոյեմբերի", "noyabr", "novembre",
         "noviembre"),
    12: ("december", "dec", "декабря", "грудня", "դեկտեմբերի", "dekabr", "dezember",
         "décembre", "diciembre"),
}  # fmt: skip
MONTHS: dict[str, int] = {
    normalize(name).strip(): month for month, names in _MONTH_NAMES.items() for name in names
}
# Azerbaijani genitive/case forms: "oktyabrın", "aprelin", "sentyabrda"
_AZ_STEMS = tuple(
    (normalize(n).strip(), m)
    for m, names in _MONTH_NAMES.items()
    for n in names
    if n in ("yanvar", "fevral", "mart", "aprel", "iyun", "iyul", "avqust", "sentyabr",
             "oktyabr", "noyabr", "dekabr")
)  # fmt: skip
_ORDINAL = ("st", "nd", "rd", "th")
# Words before a date that make it a deadline or a state reached, not the day of an event.
_DEADLINE = frozenset({"к", "до", "by", "until", "till", "մինչև", "бис", "bis", "jusqu"})
_SKIP = frozenset({"de", "of", "ի", "թ", "the", "il", "ci", "cu", "cı", "cü", "года", "г"})


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date named in the text: day and month (maybe a year), a weekday or a relative day."""

    start: int
    end: int
    day: int | None = None
    month: int | None = None
    year: int | None = None
    weekday: int | None = None
    days_back: int | None = None


def _month(word: str) -> int | None:
    m = MONTHS.get(word)
    if m is not None:
        return m
    for stem, month in _AZ_STEMS:
        if word.startswith(stem) and len(word) - len(stem) <= 3:
            return month
    return None


def _day(word: str) -> int | None:
    # isdecimal, not isdigit: int() rejects superscripts such as "²", which isdigit accepts
    if word.isdecimal() and len(word) <= 2:
        d = int(word)
        return d if 1 <= d <= 31 else None
    if word.endswith(_ORDINAL) and word[:-2].isdecimal() and len(word) <= 4:
        d = int(word[:-2])
        return d if 1 <= d <= 31 else None
    return None


def _year(word: str) -> int | None:
    if len(word) == 4 and word.isdecimal() and word[:2] in ("19", "20"):
        return int(word)
    return None


def _year_near(words: Sequence[str], i: int, step: int) -> tuple[int | None, int]:
    """A year at most two tokens away from `i` in direction `step` (skipping "de", "ի")."""
    j = i + step
    for _ in range(2):
        if not 0 <= j < len(words):
            break
        y = _year(words[j])
        if y is not None:
            return y, j
        if words[j] not in _SKIP:
            break
        j += step
    return None, i


def find_dates(text: str, tokens: Tokens, when: Sequence[Match]) -> list[DateMention]:
    """Date mentions in order of appearance. `tokens` are those of `normalize(text)`."""
    found: list[DateMention] = []
    words = tokens.words
    n = len(words)
    for i, w in enumerate(words):
        if not w[0].isdigit():
            continue
        day = _day(w)
        if day is None:
            continue
        e = tokens.ends[i]
        if e < len(text) and text[e] == ":":
            continue  # a clock time
        nxt = i + 1
        if nxt < n and words[nxt] == "de":
            nxt += 1
        month = _month(words[nxt]) if nxt < n else None
        if month is not None and i > 0 and words[i - 1] in _DEADLINE:
            continue  # "к 17 ноября", "by 17 November": a state by then, not an event that day
        if month is not None:  # "12 September 2022", "12 сентября", "12 de julio de 2020"
            year, last = _year_near(words, nxt, +1)
            found.append(DateMention(tokens.starts[i], tokens.ends[max(nxt, last)],
                                     day=day, month=month, year=year))  # fmt: skip
            continue
        month = _month(words[i - 1]) if i > 0 else None
        if month is not None and i > 1 and words[i - 2] in _DEADLINE:
            continue  # "by November 17", "until September 30"
        if month is not None:  # "September 12, 2022", "սեպտեմբերի 12", "oktyabrın 3"
            year, last = _year_near(words, i, +1)
            first = i - 1
            if year is None:  # Armenian/Azerbaijani put the year first: "2022-ի սեպտեմբերի 13"
                year, first_y = _year_near(words, i - 1, -1)
                first = min(first, first_y)
            found.append(DateMention(tokens.starts[first], tokens.ends[max(i, last)],
                                     day=day, month=month, year=year))  # fmt: skip
    for m in when:
        kind, _, value = m.tag.partition(":")
        if kind == "wd":
            found.append(DateMention(m.start, m.end, weekday=int(value)))
        elif kind == "back":
            found.append(DateMention(m.start, m.end, days_back=int(value)))
    found.sort(key=lambda d: d.start)
    return found


def resolve(mention: DateMention, published: datetime | None) -> datetime | None:
    """The calendar date (UTC midnight) of `mention`, reading it relative to `published`."""
    pub = published.astimezone(UTC).date() if published is not None else None
    if mention.days_back is not None or mention.weekday is not None:
        if pub is None:
            return None
        if mention.days_back is not None:
            d = pub - timedelta(days=mention.days_back)
        else:
            d = pub - timedelta(days=(pub.weekday() - (mention.weekday or 0)) % 7)
        return datetime(d.year, d.month, d.day, tzinfo=UTC)
    if mention.day is None or mention.month is None:
        return None
    year = mention.year
    if year is None:
        if pub is None:
            return None
        year = pub.year
        try:
            candidate = datetime(year, mention.month, mention.day, tzinfo=UTC)
        except ValueError:
            return None
        if candidate.date() > pub + timedelta(days=2):  # a date after publication: last year's
            year -= 1
    try:
        return datetime(year, mention.month, mention.day, tzinfo=UTC)
    except ValueError:
        return None


# Month words that are also common words or abbreviations ("may", "mars", "mar") are left out;
# Cyrillic genitives lose their ending, so "в сентябре" and "ноябрьский" are found too.
_MONTH_OF: Final = {
    (n[:-1] if n[-1] in "яа" and len(n) > 5 else n): m
    for m, names in _MONTH_NAMES.items()
    for n in names
    if len(n) >= 4 and n not in ("mars", "mart", "sept", "марта", "мая")
}
_AZ_MONTHS: Final = frozenset(
    ("yanvar", "fevral", "aprel", "iyun", "iyul", "avqust", "sentyabr", "oktyabr", "noyabr",
     "dekabr")
)  # fmt: skip


# Latin-script names whole ("Juniper" is not June), inflected ones with up to five more letters.
_WHOLE_ONLY: Final = frozenset(
    n for n in _MONTH_OF if (n.isascii() or any(c in n for c in "ûéä")) and n not in _AZ_MONTHS
)
_STEM_LENGTHS: Final = tuple(sorted({len(n) for n in _MONTH_OF}, reverse=True))
_PREFIX3: Final = frozenset(n[:3] for n in _MONTH_OF)
_WORD: Final = re.compile(r"\w+")
_NUMBER_NEAR: Final = re.compile(r"\d")


def bare_months(text: str) -> list[tuple[int, str]]:
    """Months named without a day ("the September attack", "в сентябре"): (month, text)."""
    out: list[tuple[int, str]] = []
    for m in _WORD.finditer(text):
        word = m.group().lower()
        if word[:3] not in _PREFIX3:  # most words: one set lookup
            continue
        for length in _STEM_LENGTHS:
            stem = word[:length]
            month = _MONTH_OF.get(stem)
            if month is None or len(stem) < length:
                continue
            extra = len(word) - length
            if (extra and stem in _WHOLE_ONLY) or extra > 5:
                continue
            if not _NUMBER_NEAR.search(text, max(0, m.start() - 4), m.end() + 5):
                out.append((month, m.group()))
            break
    return out
