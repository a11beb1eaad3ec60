"""Data-quality report for bot/classifier/data/gazetteer.tsv; exits 1 when a check fails.

Run from the repository root: `.venv/bin/python scripts/check_gazetteer.py [corpus.jsonl]`.

Checks: names in the four languages, coordinates inside Armenia/Azerbaijan, border villages
within NEIGHBOUR_KM of the neighbours listed below, spellings shared by several places, corpus
coverage (every corpus location that lies in Armenia or Azerbaijan must resolve), and timing.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections import Counter
from pathlib import Path

from bot.classifier.gazetteer import LANGS, Gazetteer, fold
from testkit.corpus import CORPUS_ITEMS
from testkit.corpus import NOT_IN_SCOPE as FOREIGN_OR_NOT_A_PLACE

NEIGHBOUR_KM = 12.0

# Border villages and the places they face or adjoin (GeoNames-located ones first where we
# have one). Every pair must lie within NEIGHBOUR_KM.
NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "am-chinari": ("am-berd", "am-movses", "am-aygepar", "az-aghdam-tovuz"),
    "am-aygepar": ("am-paravakar", "am-nerkin-karmiraghbyur", "az-aghdam-tovuz"),
    "am-nerkin-karmiraghbyur": ("am-paravakar", "am-berd"),
    "am-verin-karmiraghbyur": ("am-paravakar", "am-berd"),
    "am-varagavan": ("am-artsvaberd", "am-movses"),
    "az-aghdam-tovuz": ("az-dondar-gushchu", "am-movses"),
    "az-alibeyli": ("az-dondar-gushchu", "am-movses"),
    "az-kokhanabi": ("az-dondar-gushchu", "am-movses"),
    "az-garalar": ("am-artsvaberd", "am-movses"),
    "az-munjuglu": ("am-artsvaberd", "am-movses"),
    "az-aghbulag": ("am-artsvaberd",),
    "az-gosha": ("am-movses", "am-artsvaberd"),
    "az-asrik-jirdakhan": ("am-artsvaberd", "az-chatakh"),
    "am-koghb": ("am-noyemberyan", "am-berdavan"),
    "am-koti": ("am-noyemberyan", "am-voskevan"),
    "am-baghanis": ("am-voskevan", "az-baghanis-ayrum"),
    "am-voskepar": ("am-voskevan", "az-ashagi-askipara", "az-yukhari-askipara"),
    "am-kirants": ("am-voskevan", "az-kheyrimli", "am-sarigyugh"),
    "am-berkaber": ("am-sarigyugh", "az-gizilhajili"),
    "az-baghanis-ayrum": ("am-voskevan",),
    "az-bala-jafarli": ("am-berdavan", "am-voskevan"),
    "az-khanliglar": ("am-voskevan", "am-sarigyugh"),
    "az-gushchu-ayrym": ("am-sarigyugh", "am-berkaber"),
    "az-dash-salahli": ("az-khanliglar",),
    "am-artsvashen": ("am-vahan",),
    "am-artanish": ("am-nerkin-shorzha",),
    "am-shorzha": ("am-verin-shorzha", "am-nerkin-shorzha"),
    "am-verin-shorzha": ("am-nerkin-shorzha",),
    "am-sotk": ("am-vardenis", "am-kut", "am-norabak", "az-zivel"),
    "am-kut": ("am-geghamasar", "am-norabak", "am-sotk"),
    "am-norabak": ("am-geghamasar", "am-vardenis"),
    "am-azat": ("am-geghamasar", "am-vardenis"),
    "am-akhpradzor": ("am-vardenis",),
    "az-zivel": ("am-sotk",),
    "az-zeylik": ("am-kut", "am-sotk"),
    "az-yukhari-ayrym": ("am-sotk", "az-zeylik"),
    "am-sisian": ("am-brnakot", "am-angeghakot"),
    "am-aghitu": ("am-sisian",),
    "am-noravan": ("am-sisian",),
    "am-sev-lich": ("am-ishkhanasar", "am-shaghat"),
    "am-ishkhanasar": ("am-sev-lich", "am-angeghakot"),
    "am-digh": ("am-goris", "am-khndzoresk"),
    "am-kornidzor": ("am-tegh", "az-lachin-district"),
    "am-khnatsakh": ("am-khndzoresk", "am-tegh"),
    "am-vorotan": ("am-khndzoresk", "am-akhlatyan"),
    "am-akhlatyan": ("am-khndzoresk", "am-vorotan"),
    "am-shurnukh": ("am-shinuhayr", "am-khndzoresk"),
    "az-zabukh": ("az-lachin-district", "am-tegh"),
    "az-sus": ("az-lachin-district",),
    "az-ahmadli-lachin": ("am-noravan",),
    "am-davit-bek": ("am-kapan",),
    "am-srashen": ("am-kapan", "am-nerkin-hand"),
    "am-nerkin-hand": ("am-srashen", "am-davit-bek"),
    "am-shikahogh": ("am-nerkin-hand",),
    "am-agarak": ("am-meghri",),
    "am-yeraskh": ("am-armash", "az-sadarak-district", "am-surenavan"),
    "am-tigranashen": ("am-zangakatun", "am-paruyr-sevak"),
    "am-paruyr-sevak": ("am-zangakatun",),
    "am-yelpin": ("am-areni",),
    "am-khachik": ("am-areni", "am-yelpin"),
    "am-akhurik": ("am-gyumri",),
    "az-khtsaberd": ("az-hadrut",),
    "az-hin-tagher": ("az-hadrut", "az-khtsaberd"),
    "az-yukhari-veysalli": ("az-fuzuli-district", "az-hadrut"),
    "az-yukhari-yaglivand": ("az-fuzuli-district",),
    "az-lele-tepe": ("az-fuzuli-district", "az-hadrut"),
    "az-mehdili": ("az-jabrayil-district",),
    "az-aliaghali": ("az-aghdam-district",),
    "az-yusifjanli": ("az-aghdam-district",),
    "az-shikhlar": ("az-aghdam-district",),
    "az-gengerli": ("az-aghdam-district",),
    "az-hajigervend": ("az-aghdam-district", "az-askeran"),
    "az-sghnakh": ("az-askeran",),
    "az-nor-shen": ("az-martuni",),
    "az-taghavard": ("az-karmir-shuka",),
    "az-talish": ("az-madagiz", "az-seysulan"),
    "az-madagiz": ("az-martakert",),
    "az-seysulan": ("az-talish",),
    "az-lisagor": ("az-shusha",),
    "az-mets-shen": ("az-shusha", "az-hin-shen"),
    "az-berdadzor": ("az-shusha",),
    "az-heydarabad": ("az-sadarak-district",),
}



def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def main(argv: list[str]) -> int:
    """Print the report; return the number of failed checks (capped at 1)."""
    corpus = Path(argv[1]) if len(argv) > 1 else CORPUS_ITEMS
    started = time.perf_counter()
    gaz = Gazetteer.load()
    load_ms = (time.perf_counter() - started) * 1000
    failures: list[str] = []

    places = gaz.places
    print(f"{len(places)} places, loaded in {load_ms:.1f} ms")
    for label, counter in (
        ("country", Counter(p.country for p in places)),
        ("kind", Counter(p.kind for p in places)),
        ("sector", Counter(p.sector or "-" for p in places)),
    ):
        print(f"  by {label}: " + ", ".join(f"{k} {v}" for k, v in sorted(counter.items())))

    for place in places:
        missing = [lang for lang in LANGS if not place.names.get(lang)]
        if missing:
            failures.append(f"{place.id}: no names in {missing}")
        if not (38.3 <= place.lat <= 41.95 and 43.4 <= place.lon <= 50.6):
            failures.append(f"{place.id}: coordinates outside Armenia/Azerbaijan")

    for pid, neighbours in NEIGHBOURS.items():
        a = gaz.get(pid)
        for nid in neighbours:
            b = gaz.get(nid)
            km = distance_km(a.lat, a.lon, b.lat, b.lon)
            if km > NEIGHBOUR_KM:
                failures.append(f"{pid} is {km:.1f} km from its neighbour {nid}")

    spellings: dict[str, set[str]] = {}
    for place in places:
        for names in place.names.values():
            for name in names:
                spellings.setdefault(" ".join(fold(name).split()), set()).add(place.id)
    shared = {k: sorted(v) for k, v in spellings.items() if len(v) > 1}
    print(f"spellings shared by several places ({len(shared)}):")
    for key, ids in sorted(shared.items()):
        print(f"  {key!r}: {', '.join(ids)}")

    if corpus.exists():
        items = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
        mentions = Counter(n for item in items for n in item.get("locations") or [])
        in_scope = {n: c for n, c in mentions.items() if n not in FOREIGN_OR_NOT_A_PLACE}
        # Mid-sentence, as names stand in items (a few flags reject a sentence opener).
        unresolved = sorted(n for n in in_scope if not gaz.find(f"near {n}"))
        print(
            f"corpus: {len(mentions)} distinct location strings, {len(in_scope)} in Armenia or "
            f"Azerbaijan, {len(in_scope) - len(unresolved)} resolve "
            f"({sum(in_scope.values())} mentions, "
            f"{sum(c for n, c in in_scope.items() if n not in unresolved)} resolve)"
        )
        print(f"  unresolved: {unresolved}")
        texts = [f"{item['title']}. {item.get('summary') or ''}" for item in items]
        rounds = 50
        started = time.perf_counter()
        for _ in range(rounds):
            for text in texts:
                gaz.find(text)
        per_item = (time.perf_counter() - started) / (rounds * len(texts)) * 1e6
        mean_len = sum(map(len, texts)) / len(texts)
        print(f"find: {per_item:.1f} µs per corpus item (mean {mean_len:.0f} characters)")

    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
