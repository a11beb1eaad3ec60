"""/map image: recent incidents on a map of the border region, as PNG bytes. Pure (no I/O
beyond reading the outline data file that ships with the package).

The outlines (`bot/data/map_outline.json`) are Natural Earth's 1:10m country borders clipped
to the region and simplified, and a hand-drawn Lake Sevan; see that file's "source" and
`scripts/build_map_outline.py`. Nothing is downloaded. Incidents are placed at the gazetteer
coordinates of their most specific place; several incidents at one place make a bigger dot.
"""

from __future__ import annotations

import functools
import importlib.resources
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from bot.classifier.gazetteer import default_gazetteer
from bot.domain import SEVERITIES
from bot.present.charts import RENDER_LOCK
from bot.present.i18n import t

__all__ = ["MapPoint", "Outline", "incident_place", "load_outline", "render_map"]

_FILL: Final = {"AM": "#f3e3c3", "AZ": "#d8e8d0"}
_NEIGHBOUR: Final = "#ececec"
_WATER: Final = "#a9cfe8"
_SEVERITY_COLOR: Final[dict[str | None, str]] = {
    "critical": "#7a0019", "high": "#d62728", "medium": "#ff7f0e", "low": "#e6c229",
    None: "#666666",
}  # fmt: skip
_KIND_ORDER: Final = {"settlement": 0, "feature": 1, "district": 2, "province": 3}
_MAX_LABELS: Final = 10


@dataclass(frozen=True, slots=True)
class MapPoint:
    """One incident at one place."""

    lat: float
    lon: float
    severity: str | None
    place_id: str


@dataclass(frozen=True, slots=True)
class Outline:
    """Country rings and lakes, as lists of (lon, lat)."""

    box: tuple[float, float, float, float]
    countries: dict[str, list[list[tuple[float, float]]]]
    lakes: dict[str, list[tuple[float, float]]]
    source: str


@functools.cache
def load_outline() -> Outline:
    """The bundled outline data, read once per process."""
    raw: dict[str, Any] = json.loads(
        importlib.resources.files("bot").joinpath("data", "map_outline.json").read_text("utf-8")
    )
    return Outline(
        box=(float(raw["box"][0]), float(raw["box"][1]), float(raw["box"][2]),
             float(raw["box"][3])),
        countries={
            code: [[(float(x), float(y)) for x, y in ring] for ring in rings]
            for code, rings in raw["countries"].items()
        },
        lakes={
            name: [(float(x), float(y)) for x, y in ring] for name, ring in raw["lakes"].items()
        },
        source=str(raw["source"]),
    )


def incident_place(location_ids: Sequence[str]) -> tuple[str, float, float] | None:
    """The incident's most specific gazetteer place with coordinates: (id, lat, lon)."""
    gazetteer = default_gazetteer()
    places = [gazetteer.get(p) for p in location_ids if p in gazetteer]
    places = [p for p in places if p.kind in _KIND_ORDER]
    if not places:
        return None
    best = min(places, key=lambda p: _KIND_ORDER[p.kind])
    return best.id, best.lat, best.lon


def _rank(severity: str | None) -> int:
    return SEVERITIES.index(severity) + 1 if severity in SEVERITIES else 0


def render_map(points: Sequence[MapPoint], lang: str, *, days: int) -> bytes:
    """The map as PNG bytes (about 1000×800)."""
    # matplotlib is imported on first use: it costs ~40 MB and ~0.4 s at start-up.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Polygon
    outline = load_outline()
    x0, y0, x1, y1 = outline.box
    gazetteer = default_gazetteer()
    with RENDER_LOCK:
        figure = Figure(figsize=(10, 8), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot(1, 1, 1)
        axes.set_facecolor(_WATER)  # the Caspian at the right edge
        for code, rings in outline.countries.items():
            for ring in rings:
                axes.add_patch(Polygon(ring, closed=True, facecolor=_FILL.get(code, _NEIGHBOUR),
                                       edgecolor="#555555", linewidth=0.8, zorder=1))
        for ring in outline.lakes.values():
            axes.add_patch(Polygon(ring, closed=True, facecolor=_WATER, edgecolor="#6a9fc0",
                                   linewidth=0.6, zorder=2))
        for place_id, lon, lat in (("am", 44.55, 40.55), ("az", 47.6, 40.55),
                                   ("az-nakhchivan", 45.25, 39.25)):
            axes.text(lon, lat, gazetteer.get(place_id).display_name(lang), ha="center",
                      va="center", fontsize=12, color="#8a7a60", alpha=0.8, zorder=3,
                      style="italic")
        groups: dict[tuple[float, float], list[MapPoint]] = {}
        for point in points:
            groups.setdefault((point.lon, point.lat), []).append(point)
        for (lon, lat), group in sorted(groups.items(), key=lambda g: len(g[1])):
            worst = max(group, key=lambda p: _rank(p.severity)).severity
            axes.scatter([lon], [lat], s=40 + 35 * math.sqrt(len(group) - 1) * 4,
                         color=_SEVERITY_COLOR.get(worst, "#666666"), edgecolor="white",
                         linewidth=0.8, alpha=0.85, zorder=5)
        busiest = sorted(groups.items(), key=lambda g: -len(g[1]))[:_MAX_LABELS]
        for (lon, lat), group in busiest:
            place = gazetteer.get(group[0].place_id)
            name = place.display_name(lang)
            label = f"{name} ({len(group)})" if len(group) > 1 else name
            axes.annotate(label, (lon, lat), xytext=(6, 4), textcoords="offset points",
                          fontsize=8, zorder=6, color="#222222")
        handles = [
            Line2D([], [], marker="o", linestyle="", color=_SEVERITY_COLOR[s], markersize=8,
                   label=t(lang, f"severity_{s}"))
            for s in SEVERITIES
        ]
        axes.legend(handles=handles, title=t(lang, "severity"), loc="lower left", fontsize=8,
                    title_fontsize=8, framealpha=0.9)
        axes.set_xlim(x0, x1)
        axes.set_ylim(y0, y1)
        axes.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))
        axes.set_xticks([])
        axes.set_yticks([])
        axes.set_title(t(lang, "map_title", days=days, n=len(points)))
        figure.text(0.99, 0.01, t(lang, "map_footer"), ha="right", va="bottom", fontsize=7,
                    color="#777777")
        figure.tight_layout(rect=(0, 0.025, 1, 1))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
