"""Render the README's example images (docs/images/*.png) from sample incidents.

The incidents are made up for illustration (one per border settlement of the gazetteer,
spread over twelve weeks); the rendering is the bot's own (`bot.present.maps`,
`bot.present.charts`).

    .venv/bin/python scripts/readme_images.py
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.classifier.gazetteer import default_gazetteer
from bot.present.charts import IncidentPoint, render_stats, weekly_counts
from bot.present.maps import MapPoint, render_map

OUT = Path(__file__).resolve().parent.parent / "docs" / "images"


def main() -> None:
    rng = random.Random(7)
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    places = [p for p in default_gazetteer().places if p.kind == "settlement" and p.sector]
    severities = ["low"] * 6 + ["medium"] * 3 + ["high"] * 2 + ["critical"]
    stats, points = [], []
    for _ in range(140):
        place = rng.choice(places)
        when = now - timedelta(days=rng.random() * 84)
        severity = rng.choice(severities)
        stats.append(IncidentPoint(when, (place.sector,) if place.sector else ()))
        if now - when <= timedelta(days=30):
            points.append(MapPoint(place.lat, place.lon, severity, place.id))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "stats.png").write_bytes(render_stats(weekly_counts(stats, 12, now.date()), "en"))
    (OUT / "map.png").write_bytes(render_map(points, "en", days=30))


if __name__ == "__main__":
    main()
