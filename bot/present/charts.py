"""/stats chart: incidents per week by border sector, as PNG bytes. Pure (no I/O).

The busiest few sectors get a colour each and the rest are one grey "other" series: a dozen
near-identical colours cannot be told apart, least of all on a phone.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no global figure state,
no display). The DejaVu Sans font that ships with matplotlib covers Latin, Cyrillic and
Armenian, so labels in all four languages render. matplotlib is not thread-safe, so every
render holds `RENDER_LOCK` (callers run renders in a worker thread).
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from babel.dates import format_skeleton

from bot.present.i18n import normalize_language, t
from bot.present.places import sector_label
from bot.subscribers.prefs import SECTOR_IDS

__all__ = [
    "OTHER",
    "OTHERS",
    "RENDER_LOCK",
    "TOP_SECTORS",
    "IncidentPoint",
    "WeeklyCounts",
    "render_stats",
    "top_sectors",
    "week_label",
    "weekly_counts",
]

RENDER_LOCK: Final = threading.Lock()
OTHER: Final = "other"
"""Incidents without a border sector."""
OTHERS: Final = "others"
"""On the chart: the sectors past the busiest few, together with those without a sector."""
TOP_SECTORS: Final = 5
# Okabe & Ito's palette for categories, told apart with every common colour-vision
# deficiency (Okabe & Ito, "Color Universal Design", 2008); its yellow is left out for
# being faint on white. "Other" is grey, apart from every sector.
_COLORS: Final = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
_OTHER_COLOR: Final = "#B0B0B0"


@dataclass(frozen=True, slots=True)
class IncidentPoint:
    """An incident as the chart counts it: when, and in which sectors."""

    when: datetime
    sectors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WeeklyCounts:
    """Incidents per week (weeks start on Monday) for each sector with any."""

    weeks: tuple[date, ...]
    counts: dict[str, tuple[int, ...]]

    @property
    def total(self) -> int:
        """Incidents counted (an incident in two sectors counts in each)."""
        return sum(sum(c) for c in self.counts.values())


def weekly_counts(points: Sequence[IncidentPoint], weeks: int, today: date) -> WeeklyCounts:
    """Count incidents per week and sector over the `weeks` weeks up to `today`."""
    this_monday = today - timedelta(days=today.weekday())
    starts = tuple(this_monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks))
    index = {start: i for i, start in enumerate(starts)}
    counts: dict[str, list[int]] = {}
    for point in points:
        day = point.when.date()
        week = index.get(day - timedelta(days=day.weekday()))
        if week is None:
            continue
        for sector in point.sectors or (OTHER,):
            key = sector if sector in SECTOR_IDS else OTHER
            counts.setdefault(key, [0] * weeks)[week] += 1
    ordered = [s for s in (*SECTOR_IDS, OTHER) if s in counts]
    return WeeklyCounts(starts, {s: tuple(counts[s]) for s in ordered})


def top_sectors(data: WeeklyCounts, keep: int = TOP_SECTORS) -> WeeklyCounts:
    """The `keep` busiest sectors of `data` and one "other" series for the rest (and for
    incidents without a sector), so that a reader can tell every colour apart."""
    totals = {s: sum(c) for s, c in data.counts.items() if s != OTHER}
    busiest = sorted(totals, key=lambda s: (-totals[s], s))[:keep]
    rest = [s for s in data.counts if s not in busiest]
    counts = {s: data.counts[s] for s in busiest}
    if rest:
        counts[OTHER if rest == [OTHER] else OTHERS] = tuple(
            sum(column) for column in zip(*(data.counts[s] for s in rest), strict=True)
        )
    return WeeklyCounts(data.weeks, counts)


def week_label(day: date, lang: str) -> str:
    """A week's Monday as a plain tick label: "Sep 7", "7 сент."."""
    return format_skeleton("MMMd", day, locale=normalize_language(lang))


def render_stats(data: WeeklyCounts, lang: str) -> bytes:
    """A stacked bar chart of the busiest sectors of `data` as PNG bytes (1000×560)."""
    # matplotlib is imported on first use: it costs ~40 MB and ~0.4 s at start-up.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    shown = top_sectors(data)
    with RENDER_LOCK:
        # 8×4.48 in at 125 dpi: 1000×560 px with type large enough to read at 400 px wide.
        figure = Figure(figsize=(8, 4.48), dpi=125)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot(1, 1, 1)
        positions = list(range(len(shown.weeks)))
        bottom = [0] * len(shown.weeks)
        for number, (sector, counts) in enumerate(shown.counts.items()):
            label = t(lang, "chart_other") if sector == OTHERS else sector_label(sector, lang)
            color = _OTHER_COLOR if sector in (OTHER, OTHERS) else _COLORS[number % len(_COLORS)]
            axes.bar(positions, counts, bottom=bottom, label=label, color=color,
                     width=0.8, edgecolor="white", linewidth=0.5)
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
        step = max(1, math.ceil(len(positions) / 12))
        axes.set_xticks(positions[::step])
        axes.set_xticklabels([week_label(d, lang) for d in shown.weeks[::step]], fontsize=9)
        axes.tick_params(axis="y", labelsize=9)
        axes.set_ylabel(t(lang, "chart_incidents"), fontsize=10)
        axes.set_title(t(lang, "chart_title", weeks=len(shown.weeks)), fontsize=12)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(axis="y", alpha=0.3)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        if shown.counts:
            # Below the bars (in stacking order, column by column): the plot keeps the full
            # width, which matters most when the picture is shown small.
            axes.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=3,
                        frameon=False, handlelength=1.2, columnspacing=1.2)
        else:
            axes.text(0.5, 0.5, t(lang, "chart_empty"), transform=axes.transAxes,
                      ha="center", va="center", color="#666666", fontsize=11)
            axes.set_ylim(0, 1)
        figure.text(0.99, 0.01, t(lang, "chart_footer"), ha="right", va="bottom",
                    fontsize=6, color="#777777")
        figure.tight_layout(rect=(0, 0.03, 1, 1))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
