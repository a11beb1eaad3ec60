"""The /stats chart: weekly counts (pure) and a valid PNG in every language."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from PIL import Image

from bot.present.charts import (
    OTHER,
    OTHERS,
    TOP_SECTORS,
    IncidentPoint,
    render_stats,
    top_sectors,
    week_label,
    weekly_counts,
)
from bot.present.i18n import LANGUAGES

TODAY = date(2026, 11, 25)  # a Wednesday


def test_weekly_counts_by_sector() -> None:
    """Incidents fall in their Monday-started week; no sector counts as "other"."""
    points = [
        IncidentPoint(datetime(2026, 11, 24, tzinfo=UTC), ("syunik-lachin",)),
        IncidentPoint(datetime(2026, 11, 23, tzinfo=UTC), ("syunik-lachin", "tavush-gazakh")),
        IncidentPoint(datetime(2026, 11, 10, tzinfo=UTC), ()),
        IncidentPoint(datetime(2025, 1, 1, tzinfo=UTC), ("syunik-lachin",)),
    ]
    data = weekly_counts(points, 4, TODAY)
    assert data.weeks[-1] == date(2026, 11, 23)
    assert data.counts["syunik-lachin"] == (0, 0, 0, 2)
    assert data.counts["tavush-gazakh"] == (0, 0, 0, 1)
    assert data.counts["other"] == (0, 1, 0, 0)
    assert list(data.counts) == ["tavush-gazakh", "syunik-lachin", "other"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_chart_is_a_png_of_sensible_size(lang: str) -> None:
    """The chart renders in each language as a 1000×560 PNG."""
    points = [IncidentPoint(datetime(2026, 11, d, tzinfo=UTC), ("syunik-lachin",))
              for d in range(1, 25)]
    png = render_stats(weekly_counts(points, 12, TODAY), lang)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (1000, 560)
    assert 10_000 < len(png) < 500_000


def test_empty_chart() -> None:
    """No incidents still gives a chart saying so."""
    png = render_stats(weekly_counts([], 12, TODAY), "en")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_top_sectors_fold_the_rest_into_other() -> None:
    """The five busiest sectors keep their series; the rest and the sectorless are one."""
    sectors = ["tavush-gazakh", "syunik-lachin", "gegharkunik-kalbajar", "jermuk-kalbajar",
               "syunik-zangilan-gubadli", "meghri-ordubad", "ararat-nakhchivan"]
    points = [IncidentPoint(datetime(2026, 11, 24, tzinfo=UTC), (sector,))
              for number, sector in enumerate(sectors) for _ in range(len(sectors) - number)]
    points.append(IncidentPoint(datetime(2026, 11, 17, tzinfo=UTC), ()))
    data = weekly_counts(points, 2, TODAY)
    shown = top_sectors(data)
    assert list(shown.counts) == [*sectors[:TOP_SECTORS], OTHERS]
    assert shown.counts[OTHERS] == (1, 2 + 1)
    assert shown.total == data.total
    few = top_sectors(weekly_counts(points[:3] + points[-1:], 2, TODAY))
    assert list(few.counts) == ["tavush-gazakh", OTHER]  # only the sectorless: "no sector"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_week_labels_are_plain(lang: str) -> None:
    """A week reads as its Monday's day and month, without a year or stray punctuation."""
    label = week_label(date(2026, 9, 7), lang)
    assert "7" in label
    assert "2026" not in label
    assert "," not in label
