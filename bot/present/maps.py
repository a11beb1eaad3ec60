"""/map image: recent incidents on a map of the border region, as PNG bytes. Pure (no I/O
beyond reading the outline data file that ships with the package).

The outlines (`bot/data/map_outline.json`) are Natural Earth's 1:10m country borders clipped
to the region and simplified, and a hand-drawn Lake Sevan; see that file's "source" and
`scripts/build_map_outline.py`. Nothing is downloaded. Incidents are placed at the gazetteer
coordinates of their most specific place; several incidents at one place make a bigger dot
(a legend says so). The busiest places are labelled, placed by adjustText clear of each
other and of the dots; a label that cannot be placed clear is left out rather than drawn
over another.
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

__all__ = [
    "LabelBox",
    "MapImage",
    "MapPoint",
    "Outline",
    "draw_map",
    "incident_place",
    "load_outline",
    "render_map",
]

_FILL: Final = {"AM": "#f3e3c3", "AZ": "#d8e8d0"}
_NEIGHBOUR: Final = "#ececec"
_WATER: Final = "#a9cfe8"
_SEVERITY_COLOR: Final[dict[str | None, str]] = {
    "critical": "#7a0019", "high": "#d62728", "medium": "#ff7f0e", "low": "#e6c229",
    None: "#666666",
}  # fmt: skip
_KIND_ORDER: Final = {"settlement": 0, "feature": 1, "district": 2, "province": 3}
_MAX_LABELS: Final = 12
_REGION: Final = "#8a7a60"
# The border zone (lon0, lat0, lon1, lat1): tighter than the outline data, so that places and
# labels stay large enough to read when Telegram shows the picture 400 px wide.
_VIEW: Final = (44.2, 38.75, 47.8, 41.35)
# Region names from the gazetteer, at (lon, lat) clear of the border.
_REGIONS: Final = (("am", 44.75, 40.45), ("az", 47.3, 40.75), ("az-nakhchivan", 45.05, 39.3))
# What a reader looks for to find their bearings, also spelled as the gazetteer spells them
# (the headlines and sector labels do the same): Lake Sevan (water colour, slanted) and Karabakh.
_NAMED: Final = (("am-lake-sevan", 45.3, 40.36, "#2f5f7f"), ("az-karabakh", 46.9, 40.0, _REGION))


@dataclass(frozen=True, slots=True)
class MapPoint:
    """One incident at one place."""

    lat: float
    lon: float
    severity: str | None
    place_id: str


@dataclass(frozen=True, slots=True)
class LabelBox:
    """A text drawn on the map and its box in pixels (x0, y0, x1, y1), origin bottom left."""

    text: str
    box: tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class MapImage:
    """The rendered map and the boxes of every text on it (for checking the layout)."""

    png: bytes
    labels: tuple[LabelBox, ...]


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


def _dot_area(count: int) -> float:
    """Marker area (points²) for `count` incidents at a place: the area grows with the count."""
    return 60.0 + 70.0 * math.pow(count - 1, 0.75)


def _name(place_id: str, lang: str) -> str:
    return default_gazetteer().get(place_id).display_name(lang)


def render_map(points: Sequence[MapPoint], lang: str, *, days: int) -> bytes:
    """The map as PNG bytes (1000×800)."""
    return draw_map(points, lang, days=days).png


def draw_map(points: Sequence[MapPoint], lang: str, *, days: int) -> MapImage:
    """The map and where its labels ended up."""
    # matplotlib is imported on first use: it costs ~40 MB and ~0.4 s at start-up.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    outline = load_outline()
    x0, y0, x1, y1 = _view(points, outline.box)
    with RENDER_LOCK:
        # 8×6.4 in at 125 dpi: 1000×800 px with type large enough to read at 400 px wide.
        figure = Figure(figsize=(8, 6.4), dpi=125)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot(1, 1, 1)
        axes.set_facecolor(_WATER)  # the Caspian at the right edge
        axes.set_xlim(x0, x1)
        axes.set_ylim(y0, y1)
        axes.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))
        axes.set_xticks([])
        axes.set_yticks([])
        _draw_land(axes, outline, lang)
        groups: dict[tuple[float, float], list[MapPoint]] = {}
        for point in points:
            groups.setdefault((point.lon, point.lat), []).append(point)
        # Busiest first, then the worst severity: the order in which places get a label.
        ranked = sorted(groups.items(), key=lambda g: (-len(g[1]), -_worst(g[1])))
        drawn = sorted(ranked, key=lambda g: -len(g[1]))  # big dots under small ones
        dots = axes.scatter(
            [lon for (lon, _), _ in drawn], [lat for (_, lat), _ in drawn],
            s=[_dot_area(len(g)) for _, g in drawn],
            c=[_SEVERITY_COLOR[SEVERITIES[_worst(g) - 1] if _worst(g) else None] for _, g in drawn],
            edgecolor="white", linewidth=0.8, alpha=0.9, zorder=5,
        ) if drawn else None
        _legends(axes, lang, max((len(g) for g in groups.values()), default=1))
        axes.set_title(t(lang, "map_title", days=days, n=len(points)), fontsize=14)
        figure.text(0.99, 0.01, t(lang, "map_footer"), ha="right", va="bottom", fontsize=6,
                    color="#777777")
        figure.tight_layout(rect=(0, 0.02, 1, 1))
        labels = [
            (f"{_name(group[0].place_id, lang)} ({len(group)})" if len(group) > 1
             else _name(group[0].place_id, lang), lon, lat)
            for (lon, lat), group in ranked[:_MAX_LABELS]
        ]
        boxes = _place_labels(figure, axes, labels, dots)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return MapImage(buffer.getvalue(), boxes)


def _view(points: Sequence[MapPoint],
          box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The border zone, widened to take in every point (up to the outline data's box)."""
    margin = 0.15
    lons = [p.lon for p in points]
    lats = [p.lat for p in points]
    return (
        max(box[0], min([_VIEW[0], *(x - margin for x in lons)])),
        max(box[1], min([_VIEW[1], *(y - margin for y in lats)])),
        min(box[2], max([_VIEW[2], *(x + margin for x in lons)])),
        min(box[3], max([_VIEW[3], *(y + margin for y in lats)])),
    )


def _worst(group: Sequence[MapPoint]) -> int:
    return max(_rank(p.severity) for p in group)


def _draw_land(axes: Any, outline: Outline, lang: str) -> None:
    """Countries, Lake Sevan, and the names of the regions (fixed, not moved by labels)."""
    from matplotlib.patches import Polygon

    for code, rings in outline.countries.items():
        for ring in rings:
            axes.add_patch(Polygon(ring, closed=True, facecolor=_FILL.get(code, _NEIGHBOUR),
                                   edgecolor="#555555", linewidth=0.8, zorder=1))
    for ring in outline.lakes.values():
        axes.add_patch(Polygon(ring, closed=True, facecolor=_WATER, edgecolor="#6a9fc0",
                               linewidth=0.6, zorder=2))
    regions = [(_name(place_id, lang), lon, lat, _REGION) for place_id, lon, lat in _REGIONS]
    regions += [(_name(place_id, lang), lon, lat, color) for place_id, lon, lat, color in _NAMED]
    for text, lon, lat, color in regions:
        axes.text(lon, lat, text, ha="center", va="center", fontsize=12, color=color,
                  alpha=0.9, zorder=3, style="italic", rotation=-45 if color != _REGION else 0)


def _legends(axes: Any, lang: str, busiest: int) -> None:
    """Colour means severity; dot size means how many incidents at the place."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], marker="o", linestyle="", color=_SEVERITY_COLOR[s], markersize=8,
               label=t(lang, f"severity_{s}"))
        for s in SEVERITIES
    ]
    severity = axes.legend(handles=handles, title=t(lang, "severity"), loc="lower left",
                           fontsize=9, title_fontsize=9, framealpha=0.9)
    severity.set_zorder(10)  # above the dots
    axes.add_artist(severity)
    counts = sorted({1, max(2, busiest // 2), busiest} if busiest > 1 else {1})
    sizes = [
        Line2D([], [], marker="o", linestyle="", color="#888888", markeredgecolor="white",
               markersize=math.sqrt(_dot_area(n)), label=str(n))
        for n in counts
    ]
    axes.legend(handles=sizes, title=t(lang, "map_size"), loc="lower right", fontsize=9,
                title_fontsize=9, framealpha=0.9, labelspacing=1.0,
                borderpad=0.8).set_zorder(10)


def _place_labels(
    figure: Any, axes: Any, labels: Sequence[tuple[str, float, float]], dots: Any
) -> tuple[LabelBox, ...]:
    """Label the busiest places clear of each other, of the dots and of the fixed text.

    adjustText moves the labels apart; a label it could not clear (the region is crowded)
    is dropped rather than drawn over another, busiest places first. Returns every text box
    on the map in pixels (labels, region names, legends) for the caller to check.
    """
    from adjustText import adjust_text

    renderer = figure.canvas.get_renderer()
    texts = [
        axes.text(lon, lat, text, fontsize=11, color="#1a1a1a", zorder=6,
                  bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.75,
                        "edgecolor": "none"})
        for text, lon, lat in labels
    ]
    leaders: list[Any] = []
    if texts:
        _, leaders = adjust_text(
            texts, objects=dots, ax=axes, expand=(1.15, 1.3), ensure_inside_axes=True,
            iter_lim=400, arrowprops={"arrowstyle": "-", "color": "#555555", "lw": 0.6},
        )
    fixed = [a for a in axes.texts if a not in texts]
    fixed += [legend for legend in axes.get_children() if type(legend).__name__ == "Legend"]
    taken = [_box(a.get_window_extent(renderer)) for a in fixed]
    inside = _box(axes.get_window_extent(renderer))
    kept = [LabelBox(_text_of(a), b) for a, b in zip(fixed, taken, strict=True)]
    moved: set[int] = set()
    for text, (_, lon, lat) in zip(texts, labels, strict=True):
        box: tuple[float, float, float, float] | None = _box(text.get_window_extent(renderer))
        if box is not None and not _fits(box, inside, kept):
            # adjustText knows the dots but not the fixed names and legends: try the usual
            # spots beside the dot before giving the label up.
            box = _beside(text, axes, renderer, (lon, lat), inside, kept)
            moved.add(id(text))
        if box is None:
            text.set_visible(False)
        else:
            kept.append(LabelBox(text.get_text(), box))
    for leader in leaders:  # a label given up or set beside its dot needs no leader line
        label = getattr(leader, "arrow_patch", leader).patchA
        if not label.get_visible() or id(label) in moved:
            leader.set_visible(False)
    return tuple(kept)


_BESIDE: Final = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))


def _beside(text: Any, axes: Any, renderer: Any, anchor: tuple[float, float],
            inside: tuple[float, float, float, float],
            kept: Sequence[LabelBox]) -> tuple[float, float, float, float] | None:
    """Put `text` right, left, above, below or diagonal of its dot, at the first spot that
    is clear; its box there, or None."""
    x, y = axes.transData.transform(anchor)
    box = _box(text.get_window_extent(renderer))
    half_w, half_h = (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
    gap = 9.0  # pixels between the dot's centre and the label's edge
    for dx, dy in _BESIDE:
        cx, cy = x + dx * (half_w + gap), y + dy * (half_h + gap)
        candidate = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
        if _fits(candidate, inside, kept):
            text.set_position(axes.transData.inverted().transform((cx, cy)))
            text.set_horizontalalignment("center")
            text.set_verticalalignment("center")
            return _box(text.get_window_extent(renderer))
    return None


def _fits(box: tuple[float, float, float, float], inside: tuple[float, float, float, float],
          kept: Sequence[LabelBox]) -> bool:
    return _contains(inside, box) and not any(_overlap(box, k.box) for k in kept)


def _text_of(artist: Any) -> str:
    """A text's text; a legend's title."""
    return str(artist.get_title().get_text() if hasattr(artist, "get_title")
               else artist.get_text())


def _box(extent: Any) -> tuple[float, float, float, float]:
    return (float(extent.x0), float(extent.y0), float(extent.x1), float(extent.y1))


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _contains(outer: tuple[float, float, float, float],
              inner: tuple[float, float, float, float]) -> bool:
    return (outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2]
            and inner[3] <= outer[3])
