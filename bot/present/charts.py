"""/stats chart: incidents per week by border sector, as PNG bytes. Pure (no I/O).

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no global figure state,
no display). The DejaVu Sans font that ships with matplotlib covers Latin, Cyrillic and
Armenian, so labels in all four languages render. matplotlib is not thread-safe, so every
render holds `RENDER_LOCK` (callers run renders in a worker thread).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from bot.present.i18n import short_date, t
from bot.present.places import sector_label
from bot.subscribers.prefs import SECTOR_IDS

__all__ = ["RENDER_LOCK", "IncidentPoint", "WeeklyCounts", "render_stats", "weekly_counts"]

RENDER_LOCK: Final = threading.Lock()
OTHER: Final = "other"
_COLORS: Final = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#aaaaaa",
)  # fmt: skip


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


def render_stats(data: WeeklyCounts, lang: str) -> bytes:
    """A stacked bar chart of `data` as PNG bytes (1000×560)."""
    # matplotlib is imported on first use: it costs ~40 MB and ~0.4 s at start-up.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator
    with RENDER_LOCK:
        figure = Figure(figsize=(10, 5.6), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot(1, 1, 1)
        positions = list(range(len(data.weeks)))
        bottom = [0] * len(data.weeks)
        for number, (sector, counts) in enumerate(data.counts.items()):
            label = sector_label(sector, lang)
            axes.bar(positions, counts, bottom=bottom, label=label,
                     color=_COLORS[number % len(_COLORS)], width=0.8)
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
        step = max(1, len(positions) // 12)
        axes.set_xticks(positions[::step])
        axes.set_xticklabels([short_date(_noon(d), lang) for d in data.weeks[::step]],
                             rotation=30, ha="right", fontsize=8)
        axes.set_ylabel(t(lang, "chart_incidents"))
        axes.set_title(t(lang, "chart_title", weeks=len(data.weeks)))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(axis="y", alpha=0.3)
        if data.counts:
            axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        else:
            axes.text(0.5, 0.5, t(lang, "chart_empty"), transform=axes.transAxes,
                      ha="center", va="center", color="#666666")
            axes.set_ylim(0, 1)
        figure.text(0.99, 0.01, t(lang, "chart_footer"), ha="right", va="bottom",
                    fontsize=7, color="#777777")
        figure.tight_layout(rect=(0, 0.03, 1, 1))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12)
