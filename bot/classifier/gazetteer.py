"""Gazetteer: the places of the Armenia–Azerbaijan border and how news text spells them.

The data lives in `data/gazetteer.tsv` (one place a row, see the header of that file); this
module loads it once and resolves place names in free text with one Aho–Corasick automaton.

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

Results are deduplicated by id, in order of first appearance. Nothing here does I/O except
reading the data file in `Gazetteer.load`.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import ahocorasick

from bot.classifier import name_rules as rules
from bot.classifier.normalize import complete_table
from bot.classifier.types import Location
from bot.exceptions import GazetteerError

__all__ = [
    "CONTEXT_WINDOW",
    "LANGS",
    "SECTORS",
    "SECTOR_PLACES",
    "Gazetteer",
    "GazetteerError",
    "Place",
    "default_gazetteer",
    "fold",
]

# Border sectors, west to east and north to south. Kept small on purpose: the clustering
# groups incidents by sector, so a sector is "a stretch of front the press reports as one".
# A province or district that spans several sectors gets the one most of its incidents fall in,
# or none when no sector dominates (Syunik). Places far from the border have no sector.
SECTORS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "tavush-gazakh": "Tavush – Gazakh, Aghstafa and Tovuz",
        "chambarak-gadabay": "Chambarak (northern Gegharkunik) – Gadabay and Dashkasan",
        "gegharkunik-kalbajar": "Vardenis and Sotk (Gegharkunik) – Kalbajar",
        "jermuk-kalbajar": "Jermuk (Vayots Dzor) – southern Kalbajar",
        "syunik-lachin": "Sisian, Goris and Tegh (Syunik) – Lachin and the Lachin corridor",
        "syunik-zangilan-gubadli": "Kapan and eastern Syunik – Gubadli and Zangilan",
        "meghri-ordubad": "Kajaran and Meghri (southern Syunik) – Ordubad and Zangilan",
        "vayots-dzor-nakhchivan": "Vayots Dzor – Nakhchivan (Shahbuz, Babek, Julfa)",
        "ararat-nakhchivan": "Ararat province – Nakhchivan (Sadarak, Sharur, Kangarli)",
        "karabakh-north": "Karabakh line of contact, north: Martakert/Aghdara, Talish, Tartar",
        "karabakh-east": "Karabakh line of contact, east: Aghdam, Askeran, Martuni/Khojavend",
        "karabakh-south": "Karabakh line of contact, south: Hadrut, Fuzuli, Jabrayil",
        "karabakh-centre": "Central Karabakh: Stepanakert/Khankendi, Shusha, the corridor road",
    }
)

# The places that name each sector in menus, charts and alerts, so a sector label is spelled
# exactly as the gazetteer spells its places in each language (one spelling per place per
# language): the Armenian side, then the Azerbaijani side; a Karabakh sector (no second side)
# lists its places first and nothing second. `default_gazetteer()` checks every id exists.
SECTOR_PLACES: Final[Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]] = MappingProxyType(
    {
        "tavush-gazakh": (("am-tavush-province",), ("az-gazakh-district", "az-tovuz-district")),
        "chambarak-gadabay": (("am-chambarak",), ("az-gadabay-district", "az-dashkasan-district")),
        "gegharkunik-kalbajar": (("am-vardenis", "am-sotk"), ("az-kalbajar-district",)),
        "jermuk-kalbajar": (("am-jermuk",), ("az-kalbajar-district",)),
        "syunik-lachin": (("am-sisian", "am-goris", "am-tegh"), ("az-lachin-district",)),
        "syunik-zangilan-gubadli": (("am-kapan",), ("az-gubadli-district", "az-zangilan-district")),
        "meghri-ordubad": (("am-kajaran", "am-meghri"), ("az-ordubad-district",)),
        "vayots-dzor-nakhchivan": (("am-vayots-dzor-province",), ("az-nakhchivan",)),
        "ararat-nakhchivan": (("am-ararat-province",), ("az-sadarak-district",)),
        "karabakh-north": (("az-martakert", "az-tartar-district"), ()),
        "karabakh-east": (("az-askeran", "az-aghdam-district"), ()),
        "karabakh-south": (("az-hadrut", "az-fuzuli-district"), ()),
        "karabakh-centre": (("az-khankendi", "az-shusha"), ()),
    }
)

# How far (in characters) a context place may stand from a shared name to select it.
# Feed items are a title and a summary of about 300 characters, so this is "the same item"
# there and "the same paragraph" in longer texts.
CONTEXT_WINDOW: Final = 200

LANGS: Final = ("en", "ru", "hy", "az")  # every place has names in these four

_NAMES_SEP = "|"
_FLAG_CAP, _FLAG_EXACT, _FLAG_PERSON, _FLAG_NOUN, _FLAG_MIDDLE = "^", "=", "@", "~", "!"
_FLAGS = _FLAG_CAP + _FLAG_EXACT + _FLAG_PERSON + _FLAG_NOUN + _FLAG_MIDDLE
# What may stand between a sentence end and the next word ("…said. «Тех").
_SENTENCE_ENDS = frozenset(".!?…:;\n")
_OPENERS = frozenset(" \t\r\"'«»“”„‘’([-–—")


@dataclass(frozen=True, slots=True)
class Place:
    """One place of the gazetteer; `names` maps a language code to its spellings."""

    id: str
    name: str  # canonical English name
    names: Mapping[str, tuple[str, ...]]  # read-only; "en", "ru", "hy", "az" and a few more
    country: str  # "AM" or "AZ"
    admin: str  # province (marz) or district (rayon), canonical English
    kind: str  # country / region / province / district / settlement / feature
    lat: float
    lon: float
    sector: str | None  # a key of SECTORS, or None far from the border

    def __hash__(self) -> int:
        # `names` is a mapping and not hashable; the id identifies a place.
        return hash(self.id)

    def display_name(self, lang: str) -> str:
        """The one spelling shown to readers of `lang`: the first name listed for it in the
        data file (English when the language has none)."""
        return (self.names.get(lang) or self.names.get("en") or (self.name,))[0]

    def location(self, matched: str) -> Location:
        """This place as a `Location`, with the text it was found as."""
        return Location(
            id=self.id,
            name=self.name,
            matched=matched,
            country=self.country,
            admin=self.admin,
            lat=self.lat,
            lon=self.lon,
            kind=self.kind,
        )


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


@dataclass(frozen=True, slots=True)
class _Entry:
    """A parsed data row: the place plus what matching needs and `Place` does not carry."""

    place: Place
    raw_names: tuple[tuple[str, str], ...]  # (language, name with its flag prefixes)
    context: frozenset[str]


@dataclass(slots=True)
class _KeyDraft:
    endings: set[str]
    cap: bool
    middle: bool
    person: bool
    exact: bool
    places: dict[int, frozenset[str]]  # place index -> context ids


class Gazetteer:
    """Places and a matcher for their names; build with `load` or `default_gazetteer()`."""

    __slots__ = ("_automaton", "_by_id", "_places")

    def __init__(self, entries: Sequence[_Entry]) -> None:
        self._places: tuple[Place, ...] = tuple(e.place for e in entries)
        self._by_id: dict[str, Place] = {}
        for place in self._places:
            if place.id in self._by_id:
                raise GazetteerError(f"duplicate place id {place.id!r}")
            self._by_id[place.id] = place
        self._automaton = _build_automaton(entries)

    # -- construction

    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        """Read a gazetteer file; without `path`, the one bundled with the package."""
        if path is None:
            resource = importlib.resources.files("bot.classifier").joinpath("data")
            text = resource.joinpath("gazetteer.tsv").read_text(encoding="utf-8")
            source = "bot/classifier/data/gazetteer.tsv"
            extra = resource.joinpath("country_names.tsv").read_text(encoding="utf-8")
            return cls(_with_names(list(_parse(text, source)), extra))
        text = path.read_text(encoding="utf-8")
        return cls(list(_parse(text, str(path))))

    # -- lookup

    @property
    def places(self) -> tuple[Place, ...]:
        """Every place, in file order."""
        return self._places

    def get(self, place_id: str) -> Place:
        """The place with this id; `KeyError` if there is none."""
        try:
            return self._by_id[place_id]
        except KeyError:
            raise KeyError(f"no place {place_id!r} in the gazetteer") from None

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._by_id

    def __len__(self) -> int:
        return len(self._places)

    @staticmethod
    def sectors() -> Mapping[str, str]:
        """Sector ids with their English names, west to east and north to south."""
        return SECTORS

    def find(self, text: str) -> list[Location]:
        """Places named in `text`, deduplicated by id, in order of first appearance."""
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
        return self._resolve([h for h in chosen if not h[2].stop], text)

    def _resolve(self, hits: list[tuple[int, int, _Key]], text: str) -> list[Location]:
        positions: dict[str, list[int]] = {}
        for start, _end, key in hits:
            positions.setdefault(self._places[key.default].id, []).append(start)
        seen: set[str] = set()
        out: list[Location] = []
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
            place = self._places[index]
            if place.id not in seen:
                seen.add(place.id)
                out.append(place.location(text[start:end]))
        return out


def _opens_sentence(text: str, pos: int) -> bool:
    """Whether the word at `pos` is the first of the text or of a sentence."""
    while pos > 0 and text[pos - 1] in _OPENERS:
        pos -= 1
    return pos == 0 or text[pos - 1] in _SENTENCE_ENDS


def _next_word_capitalised(text: str, pos: int) -> bool:
    """Whether a capitalised word follows `pos` after one space ("Ararat Mirzoyan")."""
    return pos + 1 < len(text) and text[pos] == " " and text[pos + 1].isupper()


@functools.cache
def default_gazetteer() -> Gazetteer:
    """The bundled gazetteer, loaded once per process."""
    gazetteer = Gazetteer.load()
    for sector, (first, second) in SECTOR_PLACES.items():
        missing = [p for p in (*first, *second) if p not in gazetteer]
        if missing:
            raise GazetteerError(f"sector {sector!r} names unknown places {missing}")
    return gazetteer


# ------------------------------------------------------------------------------ data loading

_COLUMNS: Final = (
    "id", "name", "country", "admin", "kind", "lat", "lon", "sector", "context",
    "en", "ru", "hy", "az", "other",
)  # fmt: skip
_KINDS: Final = frozenset({"country", "region", "province", "district", "settlement", "feature"})


def _parse(text: str, source: str) -> Iterator[_Entry]:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None or tuple(header) != _COLUMNS:
        raise GazetteerError(f"{source}: header must be the columns {', '.join(_COLUMNS)}")
    for row in reader:
        if len(row) != len(_COLUMNS):
            raise GazetteerError(f"{source}: {len(row)} columns in row {row[:1]}")
        yield _parse_row(dict(zip(_COLUMNS, row, strict=True)), source)


def _parse_row(row: dict[str, str], source: str) -> _Entry:
    where = f"{source}: {row['id']}"
    raw: list[tuple[str, str]] = []
    for lang in LANGS:
        raw.extend((lang, n.strip()) for n in row[lang].split(_NAMES_SEP) if n.strip())
    for item in row["other"].split(_NAMES_SEP):
        if item.strip():
            lang, sep, name = item.partition(":")
            if not sep or lang.strip() not in rules.LANG_GROUP:
                raise GazetteerError(f"{where}: other names are lang:name, got {item!r}")
            raw.append((lang.strip(), name.strip()))
    names: dict[str, list[str]] = {}
    for lang, name in raw:
        clean = name.lstrip(_FLAGS)
        if clean not in names.setdefault(lang, []):
            names[lang].append(clean)
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except ValueError:
        raise GazetteerError(f"{where}: bad coordinates {row['lat']!r}, {row['lon']!r}") from None
    sector = row["sector"].strip() or None
    if sector is not None and sector not in SECTORS:
        raise GazetteerError(f"{where}: unknown sector {sector!r}")
    if row["kind"] not in _KINDS:
        raise GazetteerError(f"{where}: unknown kind {row['kind']!r}")
    if row["country"] not in ("AM", "AZ"):
        raise GazetteerError(f"{where}: country must be AM or AZ")
    place = Place(
        id=row["id"],
        name=row["name"],
        names=MappingProxyType({k: tuple(v) for k, v in names.items()}),
        country=row["country"],
        admin=row["admin"],
        kind=row["kind"],
        lat=lat,
        lon=lon,
        sector=sector,
    )
    return _Entry(place, tuple(raw), frozenset(row["context"].split()))


def _with_names(entries: list[_Entry], text: str) -> list[_Entry]:
    """`entries` with more names for matching from `country_names.tsv` (id, language, name:
    the countries in every CLDR language, written by `scripts/cldr_country_names.py`)."""
    extra: dict[str, list[tuple[str, str]]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            place_id, lang, name = line.split("\t")
            extra.setdefault(place_id, []).append((lang, name))
    return [replace(e, raw_names=e.raw_names + tuple(extra.get(e.place.id, ()))) for e in entries]


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


def _build_automaton(entries: Sequence[_Entry]) -> Any:
    drafts: dict[str, _KeyDraft] = {}
    for index, entry in enumerate(entries):
        for lang, raw in entry.raw_names:
            flags = raw[: len(raw) - len(raw.lstrip(_FLAGS))]
            name = raw[len(flags) :]
            for key, endings in _spellings(lang, name):
                draft = drafts.setdefault(key, _KeyDraft(set(), False, False, False, False, {}))
                draft.endings |= endings - rules.DERIVED if _FLAG_NOUN in flags else endings
                # A restriction on any spelling of a key restricts the key: safer than not.
                draft.cap |= _FLAG_CAP in flags or _FLAG_MIDDLE in flags
                draft.middle |= _FLAG_MIDDLE in flags
                draft.person |= _FLAG_PERSON in flags
                draft.exact |= _FLAG_EXACT in flags
                draft.places[index] = entry.context
    automaton = ahocorasick.Automaton()
    for key, draft in drafts.items():
        defaults = [i for i, ctx in draft.places.items() if not ctx]
        if len(defaults) != 1:
            ids = sorted(entries[i].place.id for i in draft.places)
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
