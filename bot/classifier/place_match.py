"""Finding place names in free text: folding, the flags and endings of a name, one
Aho–Corasick automaton over every spelling, and the rules that choose among its hits.

`gazetteer` loads the places and their names and asks this module where they are named; the
matcher knows names, flags and context ids, not places, and answers with place indexes.

Matching rules, in the order they are applied:

1. **Folding.** Text and names are folded one character for one character (so offsets in the
   folded text are offsets in the original and `Location.matched` quotes the item): lower case,
   Latin diacritics stripped (Azerbaijani ə ı ş ç ğ ö ü and Turkish İ included, so "Kəlbəcər",
   "KƏLBƏCƏR" and "Kelbecer" meet), Russian ё → е, hyphens and punctuation → space. The
   Armenian ligature "և" stays one character; every Armenian name written with "և" or "եւ" is
   registered in both spellings instead, so "Երևան" and "Երեւան" both resolve.
2. **Word starts only.** A name matches only where a word begins.
3. **Endings.** After the name the rest of the word must be an inflectional ending allowed for
   the language the name belongs to: Russian case endings and "-ский" adjectives ("Кельбаджарского",
   "Товузском"), Armenian case endings ("Սոթքում", "Գորիսից"), Azerbaijani case endings
   ("Kəlbəcərdə", "Tovuzun"), English/German "s". Names shorter than four letters take only a
   few endings, so "Kut" never matches "Kutaisi" and "Tegh" never matches "Teghut".
   Russian names ending in -а/-я/-ь are also matched on their stem ("Шуша" → "Шуши", "Шушинский").
4. **Flags** on a name in the data file (prefix characters):
   ``^`` must be capitalised in the text (Turkish "kapan" is "trap", "Lori" a first name);
   ``!`` capitalised and not the first word of a sentence (Russian "Тех" is also "those" and
   Armenian "Տեղ" is "place", so "Тех, кто…" must not match); ``=`` no endings at all;
   ``@`` not when the next word is capitalised, for names that are also first names
   ("Ararat Mirzoyan", "Movses Hakobyan"); ``~`` inflection only, no derived adjectives or
   demonyms, so "азербайджанские военные" and "azərbaycanlı" do not name the country
   (English "Azerbaijani" never matches anyway: English names take no ending but "s").
5. **Stop phrases** (`name_rules.STOP_PHRASES`) such as "Mount Ararat" or Armenian "տեղի է" ("took
   place") win over the names they contain and produce no location.
6. **Longest match wins** where matches overlap ("Lachin corridor" over "Lachin").
7. **Shared names.** When several places share a spelling, the data file marks one as the
   default and gives the others a `context`: ids of places whose mention within
   `CONTEXT_WINDOW` characters selects them. "Aghdam" is the Aghdam district in Karabakh unless
   Tovuz is named nearby ("Tovuzun Ağdam kəndi"), then it is Aghdam village in Tovuz; "Martuni"
   is the Karabakh town unless Gegharkunik is named nearby.
8. **District centres.** The bare name of an Azerbaijani district centre ("Kalbajar", "Lachin",
   "Tovuz") resolves to the district: news uses it for the whole area and a border sector, not
   for the town. Bare "Ararat" and "Armavir" resolve to the Armenian provinces likewise.

Results are deduplicated by place, in order of first appearance. Nothing here does I/O.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

import ahocorasick

from bot.classifier import name_rules as rules
from bot.classifier.normalize import complete_table
from bot.exceptions import GazetteerError

__all__ = ["CONTEXT_WINDOW", "FLAGS", "NameMatcher", "PlaceNames", "fold"]

# How far (in characters) a context place may stand from a shared name to select it.
# Feed items are a title and a summary of about 300 characters, so this is "the same item"
# there and "the same paragraph" in longer texts.
CONTEXT_WINDOW: Final = 200

_FLAG_CAP, _FLAG_EXACT, _FLAG_PERSON, _FLAG_NOUN, _FLAG_MIDDLE = "^", "=", "@", "~", "!"
FLAGS: Final = _FLAG_CAP + _FLAG_EXACT + _FLAG_PERSON + _FLAG_NOUN + _FLAG_MIDDLE
# What may stand between a sentence end and the next word ("…said. «Тех").
_SENTENCE_ENDS = frozenset(".!?…:;\n")
_OPENERS = frozenset(" \t\r\"'«»“”„‘’([-–—")


@dataclass(frozen=True, slots=True)
class PlaceNames:
    """What matching needs of one place: its id, its names as written in the data file
    ((language, name with its flag prefixes)) and the ids whose nearby mention selects it
    where it shares a spelling (empty for the default place of a spelling)."""

    id: str
    raw_names: tuple[tuple[str, str], ...]
    context: frozenset[str]


# ----------------------------------------------------------------------------------- folding

# Punctuation becomes a space, so it ends words and "Nerkin-Hand" equals "Nerkin Hand".
_PUNCT = (
    ".,;:!?()[]{}<>\"'`«»“”„‘’‚‹›—–-‐‑‒―/\\|…·•*_+=~^@#$%&"
    "՝։՛՜՞՚՟"  # Armenian punctuation
    "،؛؟"  # Arabic punctuation
    "\t\n\r\u00a0\u2009\u202f\u200b"
)
# Letters without a canonical decomposition that still need folding.
_SPECIAL = {
    "ə": "e", "ı": "i", "ø": "o", "ł": "l", "đ": "d", "ß": "s", "ё": "е", "ʼ": " ", "ʻ": " ",
}  # fmt: skip


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    # Latin-1 Supplement, Latin Extended-A/B and Latin Extended Additional: strip the marks.
    for cp in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = unicodedata.normalize("NFD", ch)[0]
        if base != ch and base.isascii() and base.isalpha():
            table[cp] = base.lower()
    for src, dst in _SPECIAL.items():
        table[ord(src)] = dst
    for ch in _PUNCT:
        table[ord(ch)] = " "
    return table


_FOLD: Final = complete_table(_build_fold_table())
# Upper-case letters whose lower() has another length ("İ".lower() is "i̇").
_PRE_LOWER: Final = str.maketrans({"İ": "I"})


def fold(text: str) -> str:
    """Fold case, Latin diacritics and punctuation; the result has the length of `text`."""
    # only "İ" needs the table, and is rare
    lowered = (text.translate(_PRE_LOWER) if "İ" in text else text).lower()
    if len(lowered) != len(text):  # a rare letter whose lower case is longer
        lowered = "".join(c if len(c) == 1 else c[0] for c in (ch.lower() for ch in text))
    return lowered.translate(_FOLD)


# ---------------------------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class _Key:
    """What one folded spelling stands for in the automaton."""

    length: int
    endings: frozenset[str]
    cap: bool  # must be capitalised in the text
    middle: bool  # must not open a sentence
    person: bool  # rejected before a capitalised word (also a first name)
    stop: bool  # a stop phrase: wins an overlap, yields nothing
    default: int  # index of the place this spelling means by default (-1 for stop phrases)
    # (place index, ids whose nearby mention selects it) for places sharing the spelling
    alternates: tuple[tuple[int, frozenset[str]], ...] = ()


@dataclass(slots=True)
class _KeyDraft:
    endings: set[str]
    cap: bool
    middle: bool
    person: bool
    exact: bool
    places: dict[int, frozenset[str]]  # place index -> context ids


class NameMatcher:
    """The automaton over every spelling of `places`; `find` says where they are named."""

    __slots__ = ("_automaton", "_ids")

    def __init__(self, places: Sequence[PlaceNames]) -> None:
        self._ids: tuple[str, ...] = tuple(p.id for p in places)
        self._automaton = _build_automaton(places)

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """(place index, start, end) of the places named in `text`, one per place, in order of
        first appearance; `text[start:end]` is the name as written, with its ending."""
        folded = fold(text)
        # (start, end, key); end is exclusive and includes the ending.
        hits: list[tuple[int, int, _Key]] = []
        for last, key in self._automaton.iter(folded):
            start = last + 1 - key.length
            if start > 0 and folded[start - 1].isalnum():
                continue  # not at a word start
            end = last + 1
            if key.stop:
                while end < len(folded) and folded[end].isalpha():
                    end += 1
                hits.append((start, end, key))
                continue
            stop = end
            while stop < len(folded) and folded[stop].isalpha():
                stop += 1
            if folded[end:stop] not in key.endings:
                continue
            if key.cap and not text[start].isupper():
                continue
            if key.person and _next_word_capitalised(text, stop):
                continue
            if key.middle and _opens_sentence(text, start):
                continue
            hits.append((start, stop, key))
        if not hits:
            return []
        # Leftmost, then longest, wins; overlapped hits are dropped.
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        chosen: list[tuple[int, int, _Key]] = []
        edge = -1
        for hit in hits:
            if hit[0] >= edge:
                chosen.append(hit)
                edge = hit[1]
        return self._resolve([h for h in chosen if not h[2].stop])

    def _resolve(self, hits: list[tuple[int, int, _Key]]) -> list[tuple[int, int, int]]:
        positions: dict[str, list[int]] = {}
        for start, _end, key in hits:
            positions.setdefault(self._ids[key.default], []).append(start)
        seen: set[int] = set()
        out: list[tuple[int, int, int]] = []
        for start, end, key in hits:
            index = key.default
            for alt, context in key.alternates:
                if any(
                    abs(pos - start) <= CONTEXT_WINDOW
                    for ctx in context
                    for pos in positions.get(ctx, ())
                ):
                    index = alt
                    break
            if index not in seen:
                seen.add(index)
                out.append((index, start, end))
        return out


def _opens_sentence(text: str, pos: int) -> bool:
    """Whether the word at `pos` is the first of the text or of a sentence."""
    while pos > 0 and text[pos - 1] in _OPENERS:
        pos -= 1
    return pos == 0 or text[pos - 1] in _SENTENCE_ENDS


def _next_word_capitalised(text: str, pos: int) -> bool:
    """Whether a capitalised word follows `pos` after one space ("Ararat Mirzoyan")."""
    return pos + 1 < len(text) and text[pos] == " " and text[pos + 1].isupper()


def _spellings(lang: str, name: str) -> Iterator[tuple[str, frozenset[str]]]:
    """Folded keys for one name with the endings each allows (a language without rules of
    its own takes English's: the name, or the name + "s")."""
    group = rules.LANG_GROUP.get(lang, "en")
    variants = {name}
    if group == "hy":  # the ligature "և" and "եւ" are the same letters
        variants |= {name.replace("և", "եւ"), name.replace("եւ", "և")}
    for variant in variants:
        key = " ".join(fold(variant).split())
        letters = sum(ch.isalpha() for ch in key.rsplit(" ", 1)[-1])
        endings = rules.ENDINGS[group] if letters >= rules.MIN_STEM else rules.SHORT_ENDINGS[group]
        yield key, endings
        if group == "ru" and key[-1] in rules.RU_STEM_ENDINGS and letters >= rules.MIN_STEM:
            yield key[:-1], rules.RU_STEM_ENDINGS[key[-1]]
        elif group == "ka" and key.endswith("ი") and letters >= rules.MIN_STEM:
            yield key[:-1], rules.KA_STEM_ENDINGS


def _build_automaton(places: Sequence[PlaceNames]) -> Any:
    drafts: dict[str, _KeyDraft] = {}
    for index, place in enumerate(places):
        for lang, raw in place.raw_names:
            flags = raw[: len(raw) - len(raw.lstrip(FLAGS))]
            name = raw[len(flags) :]
            for key, endings in _spellings(lang, name):
                draft = drafts.setdefault(key, _KeyDraft(set(), False, False, False, False, {}))
                draft.endings |= endings - rules.DERIVED if _FLAG_NOUN in flags else endings
                # A restriction on any spelling of a key restricts the key: safer than not.
                draft.cap |= _FLAG_CAP in flags or _FLAG_MIDDLE in flags
                draft.middle |= _FLAG_MIDDLE in flags
                draft.person |= _FLAG_PERSON in flags
                draft.exact |= _FLAG_EXACT in flags
                draft.places[index] = place.context
    automaton = ahocorasick.Automaton()
    for key, draft in drafts.items():
        defaults = [i for i, ctx in draft.places.items() if not ctx]
        if len(defaults) != 1:
            ids = sorted(places[i].id for i in draft.places)
            raise GazetteerError(
                f"spelling {key!r} is shared by {ids}: exactly one needs an empty context"
            )
        alternates = tuple((i, ctx) for i, ctx in draft.places.items() if ctx)
        automaton.add_word(
            key,
            _Key(
                length=len(key),
                endings=frozenset({""}) if draft.exact else frozenset(draft.endings),
                cap=draft.cap,
                middle=draft.middle,
                person=draft.person,
                stop=False,
                default=defaults[0],
                alternates=alternates,
            ),
        )
    for phrase in rules.STOP_PHRASES:
        key = " ".join(fold(phrase).split())
        automaton.add_word(key, _Key(len(key), frozenset(), False, False, False, True, -1))
    automaton.make_automaton()
    return automaton
