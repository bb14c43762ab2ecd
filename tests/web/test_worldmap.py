"""The world map of the dashboards: TopoJSON decoding, the Equal Earth projection, the cut at the
antimeridian, one path for every member the atlas draws, quantile levels, arcs between label
points, and the partial rendered as well-formed, titled SVG with its legend and table."""

from __future__ import annotations

import itertools
import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bluebridge.members import reference
from bluebridge.web import i18n, worldmap
from bluebridge.web.worldmap import MAP_HEIGHT, MAP_WIDTH, PALETTE_STEPS

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "src/bluebridge/web/templates"
CSS = REPO / "src/bluebridge/web/static/css/worldmap.css"
SVG = "{http://www.w3.org/2000/svg}"
MACRO = '{% from "partials/world_map.html" import world_map with context %}{{ world_map(m) }}'

# Two unit squares side by side sharing the edge x=1 (arc 0), quantized at 0.5 x 0.25 degrees
# and moved by (10, 20): A is arc 0 then arc 1, B is arc 2 then arc 0 backwards (~0).
TINY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
    "arcs": [
        [[2, 0], [0, 4]],
        [[2, 4], [-2, 0], [0, -4], [2, 0]],
        [[2, 0], [2, 0], [0, 4], [-2, 0]],
    ],
    "objects": {
        "shapes": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "id": "001", "properties": {"name": "A"}},
                {"type": "Polygon", "arcs": [[2, ~0]], "id": "002", "properties": {"name": "B"}},
                {"type": "Point", "coordinates": [3, 3], "id": "003"},
                {
                    "type": "GeometryCollection",
                    "geometries": [
                        {"type": "MultiPolygon", "arcs": [[[0, 1]], [[2, ~0]]], "properties": {}},
                    ],
                },
            ],
        }
    },
}
SQUARE_A = [(11.0, 20.0), (11.0, 21.0), (10.0, 21.0), (10.0, 20.0), (11.0, 20.0)]
SQUARE_B = [(11.0, 20.0), (12.0, 20.0), (12.0, 21.0), (11.0, 21.0), (11.0, 20.0)]


@pytest.fixture(scope="module")
def env() -> jinja2.Environment:
    return i18n.make_jinja_env(TEMPLATES)


def render(env: jinja2.Environment, world: worldmap.WorldMap, lang: str = "en") -> str:
    with i18n.use_language(lang):
        return env.from_string(MACRO).render(m=world, lang=lang, dir=i18n.direction(lang))


def path_points(path: str) -> list[list[tuple[float, float]]]:
    """The rings of a country path as absolute points (M x y, then relative l moves, z)."""
    rings = []
    for subpath in re.findall(r"M[^M]*", path):
        assert subpath.endswith("z"), subpath
        start, _, moves = subpath[1:-1].partition("l")
        x, y = (float(n) for n in re.findall(r"-?\d*\.?\d+", start))
        ring = [(x, y)]
        numbers = [float(n) for n in re.findall(r"-?\d*\.?\d+", moves)]
        assert len(numbers) % 2 == 0
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = round(x + dx, 1), round(y + dy, 1)
            ring.append((x, y))
        rings.append(ring)
    return rings


def shoelace(ring: list[tuple[float, float]]) -> float:
    return (
        abs(
            sum(
                x0 * y1 - x1 * y0
                for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True)
            )
        )
        / 2
    )


# ---------------------------------------------------------------------------- decoding


def test_tiny_topology_decodes_to_known_coordinates() -> None:
    arcs = worldmap.decode_arcs(TINY)
    assert arcs[0] == [(11.0, 20.0), (11.0, 21.0)]
    assert arcs[1] == [(11.0, 21.0), (10.0, 21.0), (10.0, 20.0), (11.0, 20.0)]
    features = worldmap.decode_features(TINY, "shapes")
    assert [(f.id, f.name) for f in features] == [("001", "A"), ("002", "B"), (None, "")]
    a, b, both = features
    assert a.polygons == ([SQUARE_A],)
    assert b.polygons == ([SQUARE_B],)  # arc 0 reversed, its first point not repeated
    assert both.polygons == ([SQUARE_A], [SQUARE_B])


def test_topology_without_transform_is_read_as_it_is() -> None:
    topology = {
        "arcs": [[[0.5, 0.5], [1.5, 0.5], [1.5, 1.5], [0.5, 0.5]]],
        "objects": {"x": {"type": "Polygon", "arcs": [[0]], "id": 7}},
    }
    (feature,) = worldmap.decode_features(topology, "x")
    assert feature.id == "7"
    assert feature.polygons == ([[(0.5, 0.5), (1.5, 0.5), (1.5, 1.5), (0.5, 0.5)]],)


def test_polygon_with_a_hole_keeps_its_rings_in_order() -> None:
    topology = {
        "arcs": [
            [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]],
            [[1, 1], [1, 2], [2, 2], [1, 1]],
        ],
        "objects": {"x": {"type": "Polygon", "arcs": [[0], [~1]]}},
    }
    (feature,) = worldmap.decode_features(topology, "x")
    exterior, hole = feature.polygons[0]
    assert len(exterior) == 5
    assert hole == [(1.0, 1.0), (2.0, 2.0), (1.0, 2.0), (1.0, 1.0)]


@given(
    st.lists(st.tuples(st.integers(0, 99_999), st.integers(0, 99_999)), min_size=2, max_size=40),
    st.floats(0.001, 1.0),
    st.floats(-180, 180),
)
def test_delta_encoded_arcs_decode_to_their_positions(
    positions: list[tuple[int, int]], scale: float, shift: float
) -> None:
    deltas = [list(positions[0])] + [
        [x1 - x0, y1 - y0] for (x0, y0), (x1, y1) in itertools.pairwise(positions)
    ]
    topology = {
        "transform": {"scale": [scale, scale], "translate": [shift, -shift]},
        "arcs": [deltas],
    }
    (arc,) = worldmap.decode_arcs(topology)
    for (qx, qy), (x, y) in zip(positions, arc, strict=True):
        assert x == pytest.approx(qx * scale + shift)
        assert y == pytest.approx(qy * scale - shift)


# ---------------------------------------------------------------------------- projection


def test_projection_centres_the_meeting_of_equator_and_greenwich() -> None:
    x, y = worldmap.project(0, 0)
    assert x == pytest.approx(MAP_WIDTH / 2)
    north_x, north_y = worldmap.project(0, worldmap.NORTH)
    south_x, south_y = worldmap.project(0, worldmap.SOUTH)
    assert north_x == south_x == pytest.approx(MAP_WIDTH / 2)
    assert north_y == pytest.approx(0)
    assert 0 < y < MAP_HEIGHT
    assert south_y == pytest.approx(MAP_HEIGHT, abs=1)
    # The map is cut further from the equator in the north than in the south.
    assert y / MAP_HEIGHT == pytest.approx(0.557, abs=0.01)


def test_projection_spans_the_box_and_keeps_east_right_and_north_up() -> None:
    assert worldmap.project(-180, 0)[0] == pytest.approx(0, abs=1e-9)
    assert worldmap.project(180, 0)[0] == pytest.approx(MAP_WIDTH)
    for lat in range(-90, 91, 5):
        xs = [worldmap.project(lon, lat)[0] for lon in range(-180, 181, 10)]
        assert xs == sorted(xs)
        for lon in range(-180, 181, 10):
            x, y = worldmap.project(lon, lat)
            assert 0 <= x <= MAP_WIDTH + 1e-9
            assert 0 <= y <= MAP_HEIGHT
    ys = [worldmap.project(30, lat)[1] for lat in range(-50, 81, 10)]
    assert ys == sorted(ys, reverse=True)


def test_projection_is_equal_earth() -> None:
    # The equator is 2.05 times as long as the central meridian (Šavrič et al., 2018).
    x_edge, _ = worldmap._equal_earth(180, 0)
    _, y_pole = worldmap._equal_earth(0, 90)
    assert (2 * x_edge) / (2 * y_pole) == pytest.approx(2.05, abs=0.01)

    # Equal area: a 10° cell near the pole covers the map in proportion to its area on Earth.
    def cell(lat: float) -> float:
        edge = (
            [(lon, lat) for lon in range(0, 11)]
            + [(10, lat + k / 10) for k in range(1, 100)]
            + [(lon, lat + 10) for lon in range(10, -1, -1)]
            + [(0, lat + 10 - k / 10) for k in range(1, 100)]
        )
        return shoelace([worldmap.project(lon, la) for lon, la in edge])

    on_earth = (math.sin(math.radians(70)) - math.sin(math.radians(60))) / math.sin(
        math.radians(10)
    )
    assert cell(60) / cell(0) == pytest.approx(on_earth, rel=1e-3)


# ---------------------------------------------------------------------------- the antimeridian


def test_a_ring_across_the_antimeridian_is_cut_in_two() -> None:
    square = [(170.0, 10.0), (-170.0, 10.0), (-170.0, 20.0), (170.0, 20.0), (170.0, 10.0)]
    pieces = worldmap.split_at_antimeridian([square])
    assert len(pieces) == 2
    west, east = (piece[0] for piece in pieces)
    assert {lon for lon, _ in west} == {170.0, 180.0}
    assert {lon for lon, _ in east} == {-180.0, -170.0}
    assert shoelace(west) == pytest.approx(100)
    assert shoelace(east) == pytest.approx(100)


def test_a_hole_goes_with_the_piece_it_lies_in() -> None:
    exterior = [(170.0, 0.0), (-170.0, 0.0), (-170.0, 20.0), (170.0, 20.0), (170.0, 0.0)]
    hole = [(-178.0, 5.0), (-175.0, 5.0), (-175.0, 8.0), (-178.0, 5.0)]
    pieces = worldmap.split_at_antimeridian([exterior, hole])
    assert [len(piece) for piece in pieces] == [1, 2]
    assert pieces[1][1] == hole


def test_a_ring_away_from_the_antimeridian_is_left_alone() -> None:
    ring = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]
    assert worldmap.split_at_antimeridian([ring]) == [[ring]]


@pytest.mark.parametrize("code", ["FJI", "RUS", "USA", "NZL"])
def test_no_ring_runs_across_the_whole_map(code: str) -> None:
    """A ring left uncut draws a band from one edge of the map to the other."""
    world = worldmap.world_map("m", "t", {})
    (country,) = (c for c in world.countries if c.code == code)
    for ring in path_points(country.path):
        xs = [x for x, _ in ring]
        assert max(xs) - min(xs) < MAP_WIDTH / 2, code


# ---------------------------------------------------------------------------- the atlas


def test_every_member_in_the_atlas_gets_a_path() -> None:
    topology = json.loads(worldmap.ATLAS_PATH.read_text(encoding="utf-8"))
    atlas_ids = {g.get("id") for g in topology["objects"]["countries"]["geometries"]}
    members = [m for m in reference.member_countries() if m.numeric in atlas_ids]
    assert len(members) >= 160
    world = worldmap.world_map("m", "t", {})
    paths = {c.code: c.path for c in world.countries}
    for member in members:
        assert paths.get(member.alpha3, "").startswith("M"), member.alpha3


def test_every_path_lies_in_the_box() -> None:
    world = worldmap.world_map("m", "t", {})
    for country in world.countries:
        for ring in path_points(country.path):
            assert len(ring) >= 3
            for x, y in ring:
                assert -0.05 <= x <= MAP_WIDTH + 0.05, country.code
                assert -0.05 <= y <= MAP_HEIGHT + 0.05, country.code


def test_features_without_an_id() -> None:
    codes = worldmap.mapped_codes()
    assert "XKX" in codes  # Kosovo, on its own
    assert worldmap.country_name("XKX", "fr") == "Kosovo"
    world = worldmap.world_map("m", "t", {})
    paths = {c.code: c.path for c in world.countries}
    # Northern Cyprus and Somaliland are drawn with Cyprus and Somalia.
    assert paths["CYP"].count("M") >= 2
    assert paths["SOM"].count("M") >= 2
    assert "ATA" not in codes
    assert all(len(code) == 3 for code in codes)


def test_shapes_are_decoded_once() -> None:
    assert worldmap._shapes() is worldmap._shapes()
    assert worldmap._shapes.cache_info().currsize == 1


def test_label_point_is_on_the_largest_polygon() -> None:
    # Mainland France, not French Guiana; the contiguous United States, not Alaska.
    fx, fy = worldmap.country_centroid("FRA") or (0, 0)
    assert worldmap.project(-5, 51)[0] < fx < worldmap.project(8, 51)[0]
    assert worldmap.project(0, 51)[1] < fy < worldmap.project(0, 43)[1]
    ux, uy = worldmap.country_centroid("USA") or (0, 0)
    assert worldmap.project(-105, 30)[0] < ux < worldmap.project(-90, 30)[0]
    assert worldmap.project(-100, 45)[1] < uy < worldmap.project(-100, 33)[1]
    assert worldmap.country_centroid("MLT") is None  # too small for 1:110m


def test_label_point_leaves_the_holes_out() -> None:
    exterior = [(0.0, 0.0), (20.0, 0.0), (20.0, 20.0), (0.0, 20.0), (0.0, 0.0)]
    hole = [(10.0, 1.0), (10.0, 19.0), (19.0, 19.0), (19.0, 1.0), (10.0, 1.0)]
    whole = worldmap._shape("XXX", "x", [[exterior]])
    holed = worldmap._shape("XXX", "x", [[exterior, hole]])
    assert whole is not None
    assert holed is not None
    assert whole.centroid[0] == pytest.approx(worldmap.project(10, 10)[0], abs=0.2)
    # What is left of the square lies mostly in its western half: its centroid is near 6.9°E.
    assert holed.centroid[0] == pytest.approx(worldmap.project(6.94, 10)[0], abs=0.5)
    assert holed.path.count("M") == 2


def test_names_come_from_the_members_then_the_cldr() -> None:
    assert worldmap.country_name("FRA", "ar") == reference.member_by_alpha3("FRA").name("ar")
    assert worldmap.country_name("TWN", "en") == "Taiwan"
    assert worldmap.country_name("GRL", "es") == "Groenlandia"


# ---------------------------------------------------------------------------- levels


def test_levels_of_nothing() -> None:
    assert worldmap.value_levels({}) == ({}, [])


def test_levels_of_one_value_and_of_equal_values() -> None:
    steps, buckets = worldmap.value_levels({"FRA": 3.0})
    assert steps == {"FRA": PALETTE_STEPS}
    assert buckets == [worldmap.Bucket(PALETTE_STEPS, 3.0, 3.0)]
    steps, buckets = worldmap.value_levels({"FRA": 5.0, "DEU": 5.0, "ITA": 5.0})
    assert set(steps.values()) == {PALETTE_STEPS}
    assert buckets == [worldmap.Bucket(PALETTE_STEPS, 5.0, 5.0)]


def test_zeros_have_a_level_of_their_own() -> None:
    steps, buckets = worldmap.value_levels({"FRA": 0.0, "DEU": 0.0})
    assert steps == {"FRA": 0, "DEU": 0}
    assert buckets == [worldmap.Bucket(0, 0.0, 0.0)]
    steps, buckets = worldmap.value_levels({"FRA": 0.0, "DEU": 10.0, "ITA": 1000.0})
    assert steps == {"FRA": 0, "DEU": 1, "ITA": PALETTE_STEPS}
    assert [b.level for b in buckets] == [0, 1, PALETTE_STEPS]


def test_levels_are_quantiles_spread_over_the_palette() -> None:
    # Skewed: ten countries from 1 to 10^9; five levels of two countries each.
    values = {f"C{n:02}": 10.0**n for n in range(10)}
    steps, buckets = worldmap.value_levels(values, levels=5)
    assert [steps[f"C{n:02}"] for n in range(10)] == [1, 1, 3, 3, 4, 4, 6, 6, 7, 7]
    assert [(b.low, b.high) for b in buckets] == [
        (1.0, 10.0),
        (100.0, 1000.0),
        (1e4, 1e5),
        (1e6, 1e7),
        (1e8, 1e9),
    ]
    steps, _ = worldmap.value_levels(values, levels=PALETTE_STEPS)
    assert sorted(set(steps.values())) == list(range(1, PALETTE_STEPS + 1))


def test_ties_share_a_level_and_levels_follow_values() -> None:
    values = {"A": 1.0, "B": 1.0, "C": 1.0, "D": 1.0, "E": 2.0, "F": 3.0, "G": 50.0}
    steps, buckets = worldmap.value_levels(values, levels=3)
    # A tie ranks where it starts: the four 1s are the lowest third, not the middle one.
    assert [steps[c] for c in "ABCDEFG"] == [1, 1, 1, 1, 4, 7, 7]
    assert buckets == [
        worldmap.Bucket(1, 1.0, 1.0),
        worldmap.Bucket(4, 2.0, 2.0),
        worldmap.Bucket(7, 3.0, 50.0),
    ]


@pytest.mark.parametrize("levels", [0, PALETTE_STEPS + 1])
def test_levels_outside_the_palette_are_refused(levels: int) -> None:
    with pytest.raises(ValueError, match="levels"):
        worldmap.value_levels({"FRA": 1.0}, levels)


# ---------------------------------------------------------------------------- the map


def test_unknown_codes_are_ignored() -> None:
    world = worldmap.world_map("m", "t", {"ZZZ": 5.0, "fra": 2.0, "": 1.0, "NLD": math.nan})
    assert [c.code for c in world.top] == ["FRA"]
    assert world.total == 1
    france = next(c for c in world.countries if c.code == "FRA")
    assert france.value == 2.0
    assert france.level == PALETTE_STEPS
    assert france.label == "France: 2"
    netherlands = next(c for c in world.countries if c.code == "NLD")
    assert netherlands.value is None
    assert netherlands.label == "Netherlands"


def test_values_labels_and_the_table() -> None:
    values = {"FRA": 1500.0, "DEU": 20.0, "SGP": 9000.0, "BRA": 0.0}
    world = worldmap.world_map(
        "m",
        "t",
        values,
        labels={"DEU": "Germany: 3 payments"},
        format_value=lambda v: f"€{v:,.0f}",
        top=3,
    )
    assert [c.code for c in world.top] == ["SGP", "FRA", "DEU"]
    assert world.top[0].path == ""  # Singapore is too small for the map, not for the table
    assert world.unmapped == "Singapore"
    assert world.total == 4
    by_code = {c.code: c for c in world.countries}
    assert by_code["DEU"].label == "Germany: 3 payments"
    assert by_code["FRA"].label == "France: €1,500"
    assert by_code["BRA"].level == 0
    assert by_code["BRA"].value == 0.0
    assert world.legend[0] == (0, "€0")
    assert world.legend[-1] == (PALETTE_STEPS, "€9,000")


def test_arcs_run_between_label_points() -> None:
    world = worldmap.world_map(
        "m",
        "t",
        {},
        arcs=[
            ("NGA", "USA", 10.0, "Nigeria to the United States"),
            ("USA", "NGA", 2.5, ""),
            ("FRA", "FRA", 1.0, "itself"),
            ("FRA", "ZZZ", 1.0, "nowhere"),
            ("GBR", "SGP", 5.0, ""),
        ],
    )
    assert [(a.source, a.target) for a in world.arcs] == [
        ("NGA", "USA"),
        ("GBR", "SGP"),
        ("USA", "NGA"),
    ]
    for arc in world.arcs[::2]:
        numbers = [float(n) for n in re.findall(r"-?\d*\.?\d+", arc.path)]
        assert arc.path.startswith("M")
        assert "Q" in arc.path
        assert tuple(numbers[:2]) == worldmap.country_centroid(arc.source)
        assert tuple(numbers[-2:]) == worldmap.country_centroid(arc.target)
        for x, y in zip(numbers[::2], numbers[1::2], strict=True):
            assert 0 <= x <= MAP_WIDTH
            assert 0 <= y <= MAP_HEIGHT
    there, back = world.arcs[0], world.arcs[2]

    def bend(arc: worldmap.MapArc) -> float:
        """How far the control point lies below (south of) the middle of the chord."""
        _x0, y0, _cx, cy, _x1, y1 = (float(n) for n in re.findall(r"-?\d*\.?\d+", arc.path))
        return cy - (y0 + y1) / 2

    # Each bends to its own left: westwards to the south, eastwards to the north.
    assert bend(there) > 20
    assert bend(back) < -20
    assert there.width == 5.0
    assert back.width == pytest.approx(3.0)
    assert there.label == "Nigeria to the United States"
    assert back.label == "United States to Nigeria: 2.5"  # written when none is given
    assert world.arcs[1].path == ""  # Singapore is not drawn; the arc stays in the table


# ---------------------------------------------------------------------------- the partial


def _payments_map() -> worldmap.WorldMap:
    values = {
        m.alpha3: float((i * 7919) % 100_003) for i, m in enumerate(reference.member_countries())
    }
    return worldmap.world_map(
        "map-payments",
        "Payments by country",
        values,
        arcs=[
            ("NGA", "USA", 5e6, ""),
            ("CHN", "BRA", 2e6, "China → Brazil"),
            ("FJI", "NZL", 1e5, ""),
        ],
    )


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_partial_is_well_formed_svg_with_titles(env: jinja2.Environment, lang: str) -> None:
    world = _payments_map()
    html = render(env, world, lang)
    # The whole figure is well-formed XML (our own output, so the stdlib parser will do).
    figure = ET.fromstring(html)  # noqa: S314
    assert figure.tag == "figure"
    svg = figure.find(f"{SVG}svg")
    assert svg is not None
    assert svg.get("role") == "img"
    title = svg.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Payments by country"
    assert svg.get("aria-labelledby") == title.get("id")
    countries = svg.findall(f"{SVG}g[@class='wm-countries']/{SVG}path")
    assert len(countries) == len(world.countries)
    for path in countries:
        tooltip = path.find(f"{SVG}title")
        assert tooltip is not None
        assert tooltip.text
        assert re.fullmatch(r"wm-country wm-(none|l[0-7])", path.get("class", ""))
    arcs = svg.findall(f"{SVG}g[@class='wm-arcs']/{SVG}path")
    assert len(arcs) == 3
    assert "China → Brazil" in [arc.findtext(f"{SVG}title") for arc in arcs]
    assert "style=" not in html
    assert "<script" not in html  # the CSP allows neither
    legend = figure.find("ul[@class='wm-legend']")
    assert legend is not None
    assert len(legend) == len(world.legend) + 2  # no data, arcs
    rows = figure.findall("details/table/tbody/tr")
    assert len(rows) == len(world.top) + len(world.top_arcs)


def test_partial_speaks_the_page_language(env: jinja2.Environment) -> None:
    world = worldmap.world_map("m", "t", {"FRA": 1234.5}, lang="ar")
    html = render(env, world, "ar")
    assert "فرنسا" in html
    assert i18n.format_number(1234.5, "ar") in html


def test_partial_of_an_empty_map(env: jinja2.Environment) -> None:
    html = render(env, worldmap.world_map("m", "Nothing yet", {}))
    figure = ET.fromstring(html)  # noqa: S314
    assert figure.find("details") is None
    assert figure.find(f"{SVG}svg/{SVG}defs") is None  # no arrowhead without arcs


def test_rendered_map_stays_small(env: jinja2.Environment) -> None:
    html = render(env, _payments_map())
    svg = html[html.index("<svg") : html.index("</svg>") + len("</svg>")]
    assert len(svg.encode()) < 150_000
    assert len(html.encode()) < 160_000


def test_every_class_the_partial_uses_has_a_colour() -> None:
    css = CSS.read_text(encoding="utf-8")
    for name in ["wm-none", *(f"wm-l{n}" for n in range(PALETTE_STEPS + 1))]:
        assert re.search(rf"\.{name} \{{ --wm-fill: #[0-9a-f]{{6}}; \}}", css), name
