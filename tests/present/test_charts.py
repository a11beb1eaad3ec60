"""The /stats chart: weekly counts (pure) and a valid PNG in every language."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from PIL import Image

from bot.present.charts import IncidentPoint, render_stats, weekly_counts
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
