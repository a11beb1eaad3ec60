"""The /map image: bundled outline data, a PNG of the stated size, labels that never overlap."""

from __future__ import annotations

import io
import itertools

import pytest
from PIL import Image

from bot.classifier.gazetteer import default_gazetteer
from bot.present.i18n import LANGUAGES, t
from bot.present.maps import (
    LabelBox,
    MapPoint,
    draw_map,
    incident_place,
    load_outline,
    render_map,
)

WIDTH, HEIGHT = 1000, 800


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


def _crowded() -> list[MapPoint]:
    """Every border settlement of the gazetteer, the busiest with most incidents."""
    places = [p for p in default_gazetteer().places if p.kind == "settlement" and p.sector]
    points = []
    for number, place in enumerate(places):
        severity = ("low", "medium", "high", "critical")[number % 4]
        points += [MapPoint(place.lat, place.lon, severity, place.id)] * (1 + number % 5)
    return points


def _assert_clear(labels: tuple[LabelBox, ...]) -> None:
    for label in labels:
        x0, y0, x1, y1 = label.box
        assert 0 <= x0 < x1 <= WIDTH, label
        assert 0 <= y0 < y1 <= HEIGHT, label
    for a, b in itertools.combinations(labels, 2):
        overlap = (a.box[0] < b.box[2] and b.box[0] < a.box[2]
                   and a.box[1] < b.box[3] and b.box[1] < a.box[3])
        assert not overlap, (a, b)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_map_png_has_its_size_and_clear_labels(lang: str) -> None:
    """The map is a 1000×800 PNG in each language; no two texts on it (place labels, region
    names, legends) overlap; Lake Sevan and Karabakh are named and the legend says that a
    dot's size is a count."""
    points = [MapPoint(39.558, 46.477, "high", "am-tegh")] * 3 + [
        MapPoint(40.217, 45.837, "low", "am-sotk")
    ]
    image = draw_map(points, lang, days=30)
    with Image.open(io.BytesIO(image.png)) as png:
        assert png.format == "PNG"
        assert png.size == (WIDTH, HEIGHT)
    texts = [label.text for label in image.labels]
    tegh = default_gazetteer().get("am-tegh").names[lang][0].lstrip("^!=@~")
    assert f"{tegh} (3)" in texts
    assert default_gazetteer().get("am-lake-sevan").display_name(lang) in texts
    assert default_gazetteer().get("az-karabakh").display_name(lang) in texts
    assert t(lang, "map_size") in texts
    _assert_clear(image.labels)


def test_a_crowded_map_labels_the_busiest_places_without_overlap() -> None:
    """With every border village on the map, labels still never overlap, the busiest places
    get one, and each label is tall enough to read when the picture is shown 400 px wide."""
    points = _crowded()
    image = draw_map(points, "en", days=30)
    _assert_clear(image.labels)
    places = [label for label in image.labels if label.text.endswith("(5)")]
    assert len(places) >= 5
    for label in places:
        assert label.box[3] - label.box[1] >= 15  # pixels: 6 or more at 400 px wide


def test_render_map_is_the_drawn_png() -> None:
    """render_map returns the PNG bytes that draw_map makes; an empty map renders too."""
    png = render_map([], "en", days=7)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert draw_map([], "en", days=7).png == png


def test_a_place_outside_the_border_zone_widens_the_view() -> None:
    """An incident in Gyumri, west of the usual view, is still on the map and labelled."""
    gyumri = default_gazetteer().get("am-gyumri")
    image = draw_map([MapPoint(gyumri.lat, gyumri.lon, "low", "am-gyumri")] * 2, "en", days=30)
    assert "Gyumri (2)" in [label.text for label in image.labels]
    _assert_clear(image.labels)
