"""Sentences and their scope: does a sentence tell the reported event or background?

Wire reports mix the event with paragraphs on earlier incidents, past wars and statistics, and
those carry numbers ("6,500 died in the 2020 war", "last week a soldier was killed") that must
never become this event's facts. Rules, in every language the lexicon covers:

- a sentence is split off with `sentencex` (rule-based, made for some 300 languages, including
  Armenian's "։" and Azerbaijani; no model to download);
- it is background when it names an earlier time than the event: a marker of the lexicon's
  "scope" layer (last week, a year ago, previously, the 44-day war, anniversary, in total,
  so far this year), a year before the report's year ("in 2020", "since 1994"), or a month
  that is not the report's (nor the one before it, early in a month): "In August, ...";
- the title is an event sentence unless one of these rules says otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sentencex import get_sentence_boundaries

from bot.classifier.dates import MONTHS
from bot.classifier.lexicon import Match
from bot.classifier.numbers import BIRTH_BEFORE

__all__ = ["Sentence", "background_reason", "split_sentences"]

# sentencex language codes for the languages the bot reads; any other text uses English rules
_SEGMENTER_LANG = frozenset({"en", "ru", "hy", "az", "uk", "de", "fr", "es", "tr", "ka", "ar"})
# Month forms other than the genitive that `dates.MONTHS` knows: "in August", "в августе",
# "օգոստոսին", "avqustda" (normalised, diacritics folded).
_MONTH_FORMS: dict[str, int] = {
    **{w: m for w, m in MONTHS.items() if len(w) > 3 and w not in ("mart", "mars", "mai")},
    "январе": 1, "феврале": 2, "марте": 3, "апреле": 4, "мае": 5, "июне": 6, "июле": 7,
    "августе": 8, "сентябре": 9, "октябре": 10, "ноябре": 11, "декабре": 12,
    "հունվարին": 1, "փետրվարին": 2, "մարտին": 3, "ապրիլին": 4, "մայիսին": 5, "հունիսին": 6,
    "հուլիսին": 7, "օգոստոսին": 8, "սեպտեմբերին": 9, "հոկտեմբերին": 10, "նոյեմբերին": 11,
    "դեկտեմբերին": 12,
    "yanvarda": 1, "fevralda": 2, "martda": 3, "aprelde": 4, "mayda": 5, "iyunda": 6,
    "iyulda": 7, "avqustda": 8, "sentyabrda": 9, "oktyabrda": 10, "noyabrda": 11,
    "dekabrda": 12,
}  # fmt: skip
# A day named in a sentence ("on Friday", "on 3 September") this long before the report's
# publication is an earlier event's day, not this one's.
_EARLIER_DAY = timedelta(days=1)
# how early in a month a report may still tell of the month before as its event ("on 30 August",
# published 2 September)
_MONTH_GRACE_DAYS = 7


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence (or the title): its span and, for background, why."""

    start: int
    end: int
    background: str = ""  # empty: the sentence may tell the event

    @property
    def event(self) -> bool:
        """Whether facts may be taken from this sentence."""
        return not self.background


def split_sentences(text: str, title_end: int, lang: str) -> list[tuple[int, int]]:
    """Sentence spans of `text`: the title (up to `title_end`) first, then the body's."""
    spans: list[tuple[int, int]] = []
    if text[:title_end].strip():
        spans.append((0, title_end))
    body = text[title_end:]
    if not body.strip():
        return spans
    code = lang if lang in _SEGMENTER_LANG else "en"
    for b in get_sentence_boundaries(code, body):
        lo, hi = int(b["start_index"]), int(b["end_index"])
        piece = body[lo:hi]
        stripped = piece.strip()
        if not stripped:
            continue
        lead = len(piece) - len(piece.lstrip())
        spans.append((title_end + lo + lead, title_end + lo + lead + len(stripped)))
    return spans


def background_reason(
    norm: str,
    span: tuple[int, int],
    scope: Sequence[Match],
    published: datetime | None,
    days: Sequence[tuple[int, datetime]] = (),
) -> str:
    """Why the sentence at `span` is background ("" when it may tell the event).

    `scope` are the lexicon's scope-layer matches in the sentence; `days` are the dates named
    in the text (offset, resolved day); dates are judged against `published` (none: only the
    markers count).
    """
    if scope:
        m = scope[0]
        return f"{m.tag}: {norm[m.start : m.end]}"
    if published is None:
        return ""
    lo, hi = span
    floor = published.replace(hour=0, minute=0, second=0, microsecond=0) - _EARLIER_DAY
    for start, day in days:
        if lo <= start < hi and day < floor:
            return f"day: {day:%Y-%m-%d}"
    words = norm[lo:hi].split()
    for i, word in enumerate(words):
        if len(word) == 4 and word.isdecimal() and word[:2] in ("19", "20"):
            if int(word) < published.year and not _is_count(words, i) and not _is_birth(words, i):
                return f"year: {word}"
            continue
        month = _MONTH_FORMS.get(word)
        if month is not None and _earlier_month(month, published):
            return f"month: {word}"
    return ""


def _is_count(words: Sequence[str], i: int) -> bool:
    """'1990 soldiers' is rare but possible: a year is followed by no person noun we know."""
    nxt = words[i + 1] if i + 1 < len(words) else ""
    return nxt in ("people", "soldiers", "человек", "военнослужащих")


_BIRTH_AFTER = ("года рождения", "г р", "թ ծնված", "ծնված", "tevellud", "il tevellud")


def _is_birth(words: Sequence[str], i: int) -> bool:
    """A birth year ("born in 1980", "1980 года рождения", "1980 թ. ծնված") dates a person,
    not the event."""
    before = words[max(0, i - 2) : i]
    after = " ".join(words[i + 1 : i + 4])
    return any(w in BIRTH_BEFORE for w in before) or after.startswith(_BIRTH_AFTER)


def _earlier_month(month: int, published: datetime) -> bool:
    if month == published.month:
        return False
    before = 12 if published.month == 1 else published.month - 1
    return not (month == before and published.day <= _MONTH_GRACE_DAYS)
