"""Place and sector names as readers see them: one spelling per place per language.

The gazetteer is the single source. A place is shown by its first name in the reader's
language (`Place.display_name`), and a sector label is built from the gazetteer names of the
places that define it (`SECTOR_PLACES`), so the headline, the sector menus, the chart legend,
the mute notice and the map all spell Kalbajar the same way ("Քարվաճառ" everywhere in
Armenian). Names stay in the nominative: the templates that hold them are written so that no
case ending is needed ("Сотк, Кут и Кельбаджар: …"), and nothing is glued onto a name here.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.classifier.gazetteer import SECTOR_PLACES, default_gazetteer
from bot.present.i18n import t

__all__ = ["MAX_PLACES", "incident_places", "place_name", "sector_label"]

MAX_PLACES = 3
# Most specific first; countries never name where an incident happened ("near Armenia").
_ORDER = {"settlement": 0, "feature": 1, "district": 2, "province": 3, "region": 4}


def place_name(place_id: str, lang: str) -> str | None:
    """The place's one spelling in `lang`, or None for an id the gazetteer does not know."""
    gazetteer = default_gazetteer()
    return gazetteer.get(place_id).display_name(lang) if place_id in gazetteer else None


def incident_places(location_ids: Iterable[str], lang: str, limit: int = MAX_PLACES) -> list[str]:
    """Names of an incident's most specific places in `lang`, settlements first; regions
    only when nothing finer is known, countries never."""
    gazetteer = default_gazetteer()
    places = [gazetteer.get(p) for p in location_ids if p in gazetteer]
    places = [p for p in places if p.kind in _ORDER]
    places.sort(key=lambda p: _ORDER[p.kind])
    specific = [p for p in places if p.kind != "region"] or places
    # A province or district adds nothing beside a village in it ("near Sotk", not "near
    # Sotk and Gegharkunik").
    within = {p.admin for p in specific if p.kind in {"settlement", "feature"}}
    shown = [
        p for p in specific if p.kind in {"settlement", "feature"} or p.admin not in within
    ]
    return list(dict.fromkeys(p.display_name(lang) for p in shown))[:limit]


def sector_label(sector: str, lang: str) -> str:
    """A border sector's label in `lang` from its places: "Варденис/Сотк – Кельбаджар"."""
    if sector not in SECTOR_PLACES:
        return t(lang, "sector_other")
    first, second = SECTOR_PLACES[sector]
    left = "/".join(filter(None, (place_name(p, lang) for p in first)))
    if not second:
        return t(lang, "sector_line_of_contact", places=left)
    right = "/".join(filter(None, (place_name(p, lang) for p in second)))
    return t(lang, "sector_between", first=left, second=right)
