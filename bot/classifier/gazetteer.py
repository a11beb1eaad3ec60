"""Gazetteer: the places of the Armenia–Azerbaijan border, their sectors, and the index that
resolves their names in text.

The data lives in `data/gazetteer.tsv` (one place a row, see the header of that file); this
module loads it once (checking every row), keeps the places by id and hands their names to
`place_match`, whose docstring states the matching rules (folding, endings, flags, stop
phrases, shared names). `fold` and `CONTEXT_WINDOW` are re-exported from there.

Nothing here does I/O except reading the data files in `Gazetteer.load`.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Final

from bot.classifier import name_rules as rules
from bot.classifier.place_match import CONTEXT_WINDOW, FLAGS, NameMatcher, PlaceNames, fold
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

LANGS: Final = ("en", "ru", "hy", "az")  # every place has names in these four

_NAMES_SEP = "|"


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


@dataclass(frozen=True, slots=True)
class _Entry:
    """A parsed data row: the place plus what matching needs and `Place` does not carry."""

    place: Place
    names: PlaceNames


class Gazetteer:
    """Places and a matcher for their names; build with `load` or `default_gazetteer()`."""

    __slots__ = ("_by_id", "_matcher", "_places")

    def __init__(self, entries: Sequence[_Entry]) -> None:
        self._places: tuple[Place, ...] = tuple(e.place for e in entries)
        self._by_id: dict[str, Place] = {}
        for place in self._places:
            if place.id in self._by_id:
                raise GazetteerError(f"duplicate place id {place.id!r}")
            self._by_id[place.id] = place
        self._matcher = NameMatcher([e.names for e in entries])

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
        places = self._places
        return [places[i].location(text[start:end]) for i, start, end in self._matcher.find(text)]


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
        clean = name.lstrip(FLAGS)
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
    return _Entry(place, PlaceNames(place.id, tuple(raw), frozenset(row["context"].split())))


def _with_names(entries: list[_Entry], text: str) -> list[_Entry]:
    """`entries` with more names for matching from `country_names.tsv` (id, language, name:
    the countries in every CLDR language, written by `scripts/cldr_country_names.py`)."""
    extra: dict[str, list[tuple[str, str]]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            place_id, lang, name = line.split("\t")
            extra.setdefault(place_id, []).append((lang, name))
    out: list[_Entry] = []
    for e in entries:
        more = tuple(extra.get(e.place.id, ()))
        out.append(replace(e, names=replace(e.names, raw_names=e.names.raw_names + more)))
    return out
