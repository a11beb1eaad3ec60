"""Where reports are: border sectors of gazetteer places, and distances between places."""

from __future__ import annotations

import functools
import math
from typing import Final

from bot.classifier.gazetteer import SECTORS
from bot.classifier.types import Location

__all__ = [
    "BROAD_KINDS",
    "COARSE_KINDS",
    "NEIGHBOUR_KM",
    "REGION_SECTORS",
    "GazetteerAreas",
    "Point",
    "any_near",
    "near",
]


NEIGHBOUR_KM: Final = 25.0
BROAD_KINDS: Final = frozenset({"country"})  # says nothing about where on the border
COARSE_KINDS: Final = frozenset({"region", "country", "province"})
_WIDE_KINDS: Final = frozenset({"district", "province"})


# The sectors each region of the gazetteer borders (see `gazetteer.SECTORS`): a region has no
# sector of its own, and its districts are not filed under it.
REGION_SECTORS: Final[dict[str, frozenset[str]]] = {
    "az-nakhchivan": frozenset({"vayots-dzor-nakhchivan", "ararat-nakhchivan", "meghri-ordubad"}),
    "az-karabakh": frozenset(
        {"karabakh-north", "karabakh-east", "karabakh-south", "karabakh-centre"}
    ),
    "az-east-zangezur": frozenset(
        {"syunik-lachin", "syunik-zangilan-gubadli", "meghri-ordubad", "karabakh-south"}
    ),
}


class GazetteerAreas:
    """Border sectors of locations, from the gazetteer (loaded on first use).

    A place with a sector is in that sector. A region, province, district or settlement without
    one (Nakhchivan, Karabakh, Syunik span several) touches every sector that holds a place of
    its region or province: "on the Nakhchivan border" is not Aghdam. Countries say nothing.
    A place the gazetteer does not know gets its country and province.
    """

    def __init__(self) -> None:
        self._by_admin: dict[tuple[str, str], frozenset[str]] | None = None

    def __call__(self, location: Location) -> frozenset[str]:
        """The sectors of one location."""
        from bot.classifier.gazetteer import default_gazetteer

        if location.kind in BROAD_KINDS:
            return frozenset()
        if location.id in REGION_SECTORS:
            return REGION_SECTORS[location.id]
        gazetteer = default_gazetteer()
        if location.id not in gazetteer:
            return frozenset({f"{location.country}:{location.admin}".lower()})
        place = gazetteer.get(location.id)
        if place.sector and place.kind in _WIDE_KINDS:
            # a district or province named in several sectors' names touches each of them:
            # Kalbajar district faces both Sotk (Gegharkunik) and Jermuk (Vayots Dzor)
            slug = place.admin.lower().replace(" ", "-")
            return frozenset({place.sector, *(s for s in SECTORS if slug in s)})
        if place.sector:
            return frozenset({place.sector})
        if self._by_admin is None:
            by_admin: dict[tuple[str, str], set[str]] = {}
            for other in gazetteer.places:
                if other.sector:
                    by_admin.setdefault((other.country, other.admin), set()).add(other.sector)
            self._by_admin = {key: frozenset(value) for key, value in by_admin.items()}
        return self._by_admin.get((place.country, place.admin), frozenset())


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


Point = tuple[float, float]


@functools.lru_cache(maxsize=1 << 16)
def near(a: Point, b: Point) -> bool:
    """Whether two points lie within `NEIGHBOUR_KM`.

    Cached: the points are gazetteer places, a few hundred, while a batch compares them
    hundreds of thousands of times.
    """
    return _km(a, b) <= NEIGHBOUR_KM


@functools.lru_cache(maxsize=1 << 16)
def any_near(a: tuple[Point, ...], b: tuple[Point, ...]) -> bool:
    """Whether a point of `a` lies within `NEIGHBOUR_KM` of a point of `b` (cached likewise)."""
    return any(near(p, q) for p in a for q in b)
