"""The /map image: bundled outline data and a valid PNG with incidents placed."""

from __future__ import annotations

import io

from PIL import Image

from bot.present.maps import MapPoint, incident_place, load_outline, render_map


def test_outline_ships_with_the_package_and_cites_its_source() -> None:
    """Armenia, Azerbaijan (with Nakhchivan) and Lake Sevan are in the bundled data."""
    outline = load_outline()
    assert "Natural Earth" in outline.source
    assert {"AM", "AZ", "GE", "IR", "TR"} <= set(outline.countries)
    nakhchivan = [ring for ring in outline.countries["AZ"]
                  if all(44.7 < x < 46.3 and 38.8 < y < 39.8 for x, y in ring)]
    assert nakhchivan, "the Nakhchivan exclave"
    assert len(outline.lakes["sevan"]) > 8


def test_incident_place_prefers_the_most_specific() -> None:
    """A village wins over its province and country."""
    place = incident_place(["am", "am-syunik-province", "am-tegh"])
    assert place is not None
    assert place[0] == "am-tegh"
    assert incident_place(["am"]) is None


def test_map_png() -> None:
    """The map is a PNG of about 1000×800 in each language."""
    points = [MapPoint(39.558, 46.477, "high", "am-tegh")] * 3 + [
        MapPoint(40.217, 45.837, "low", "am-sotk")
    ]
    for lang in ("en", "hy"):
        png = render_map(points, lang, days=30)
        with Image.open(io.BytesIO(png)) as image:
            assert image.format == "PNG"
            assert 800 <= image.size[0] <= 1200
            assert 600 <= image.size[1] <= 1000
        assert 20_000 < len(png) < 1_500_000
