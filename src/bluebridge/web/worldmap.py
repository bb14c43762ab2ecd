"""World maps for the portal's dashboards: a choropleth of countries, with optional arcs between
country pairs, drawn as inline SVG like the portal's other charts.

The country shapes are Natural Earth's 1:110m countries as vendored from the npm package
``world-atlas`` (TopoJSON, see scripts/vendor-static.sh). This module decodes the TopoJSON itself,
projects it with the Equal Earth projection (equal-area, so a country's share of the ink matches
its share of the land, which a choropleth needs), cuts the rings that cross the antimeridian
(Fiji, Russia), and keeps one SVG path and one label point per ISO 3166-1 alpha-3 code for the
life of the process. ``world_map`` then shades the countries of a mapping of values into quantile
levels and lays out the arcs; templates/partials/world_map.html draws the result.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import babel
import pycountry
from babel.lists import format_list

from bluebridge.members import reference
from bluebridge.web import i18n
from bluebridge.web.i18n import gettext as _

__all__ = [
    "ATLAS_PATH",
    "MAP_HEIGHT",
    "MAP_WIDTH",
    "PALETTE_STEPS",
    "AtlasFeature",
    "Bucket",
    "MapArc",
    "MapCountry",
    "WorldMap",
    "country_centroid",
    "country_name",
    "decode_arcs",
    "decode_features",
    "mapped_codes",
    "project",
    "split_at_antimeridian",
    "value_levels",
    "world_map",
]

ATLAS_PATH: Final = (
    Path(__file__).resolve().parent / "static" / "vendor" / "world-atlas" / "countries-110m.json"
)

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]  # the exterior ring first, then its holes

#: Features the atlas gives no ISO numeric id. Northern Cyprus and Somaliland are drawn as part
#: of the states the United Nations recognise them in; Kosovo, which has no ISO 3166-1 code, is
#: drawn on its own under the user-assigned code XKX (as the European Commission uses it).
KOSOVO: Final = "XKX"
_UNCODED_FEATURES: Final[Mapping[str, str]] = MappingProxyType(
    {"N. Cyprus": "CYP", "Somaliland": "SOM", "Kosovo": KOSOVO}
)
#: Left off the map: Antarctica would add a ninth to its height, and no police figure.
_LEFT_OUT: Final = frozenset({"ATA"})

# Equal Earth (Šavrič, Jenny and Patterson, 2018).
_A1: Final = 1.340264
_A2: Final = -0.081106
_A3: Final = 0.000893
_A4: Final = 0.003796
_M: Final = math.sqrt(3) / 2

#: The latitudes the map shows: Greenland's north coast to Tierra del Fuego.
NORTH: Final = 84.0
SOUTH: Final = -56.5


def _equal_earth(lon: float, lat: float) -> Point:
    """Equal Earth coordinates of a point in degrees, on the unit sphere, y growing north."""
    lam = math.radians(lon)
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    x = (
        2
        * math.sqrt(3)
        * lam
        * math.cos(theta)
        / (3 * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    )
    return x, y


MAP_WIDTH: Final = 960
_HALF_SPAN: Final = _equal_earth(180.0, 0.0)[0]
_SCALE: Final = MAP_WIDTH / (2 * _HALF_SPAN)
_TOP: Final = _equal_earth(0.0, NORTH)[1]
MAP_HEIGHT: Final = math.ceil(_SCALE * (_TOP - _equal_earth(0.0, SOUTH)[1]))


def project(lon: float, lat: float) -> Point:
    """Where a point (degrees) falls in the map's box of MAP_WIDTH × MAP_HEIGHT, y downwards.
    Latitudes beyond the map's are held at its edge."""
    x, y = _equal_earth(lon, min(NORTH, max(SOUTH, lat)))
    return MAP_WIDTH / 2 + x * _SCALE, (_TOP - y) * _SCALE


# ---------------------------------------------------------------------------- TopoJSON


@dataclass(frozen=True)
class AtlasFeature:
    """One geometry of a TopoJSON object: its id, its name, its polygons in degrees."""

    id: str | None
    name: str
    polygons: tuple[Polygon, ...]


def decode_arcs(topology: Mapping[str, Any]) -> list[list[Point]]:
    """The arcs of a topology as positions in degrees: quantized arcs (those of a topology with a
    ``transform``) are delta-encoded integers, summed then scaled and translated."""
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    if transform is None:
        for arc in topology["arcs"]:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
        return arcs
    (kx, ky), (dx, dy) = transform["scale"], transform["translate"]
    for arc in topology["arcs"]:
        x = y = 0
        points: list[Point] = []
        for position in arc:
            x += position[0]
            y += position[1]
            points.append((x * kx + dx, y * ky + dy))
        arcs.append(points)
    return arcs


def _ring(arcs: Sequence[Sequence[Point]], indices: Iterable[int]) -> Ring:
    """A ring stitched from arcs; ``~i`` is arc ``i`` reversed, and each arc after the first
    starts where the previous one ended, so its first position is not repeated."""
    ring: Ring = []
    for index in indices:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def _geometries(geometry: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    if geometry.get("type") == "GeometryCollection":
        for member in geometry.get("geometries", ()):
            yield from _geometries(member)
    else:
        yield geometry


def decode_features(topology: Mapping[str, Any], object_name: str) -> list[AtlasFeature]:
    """The polygons and multipolygons of one object of a topology; other geometry types (points,
    lines, null geometries) are skipped, as no country is one."""
    arcs = decode_arcs(topology)
    features = []
    for geometry in _geometries(topology["objects"][object_name]):
        kind = geometry.get("type")
        if kind == "Polygon":
            parts = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            parts = geometry["arcs"]
        else:
            continue
        polygons = tuple([_ring(arcs, ring) for ring in part] for part in parts)
        raw_id = geometry.get("id")
        name = str((geometry.get("properties") or {}).get("name", ""))
        features.append(AtlasFeature(None if raw_id is None else str(raw_id), name, polygons))
    return features


# ---------------------------------------------------------------------------- the antimeridian


def _unwrapped(ring: Ring) -> Ring:
    """The ring with its longitudes made continuous: a step of more than 180° is a crossing of
    the antimeridian, so the rest of the ring is shifted by 360° to follow on."""
    out = [ring[0]]
    shift = 0.0
    for (lon0, _lat0), (lon, lat) in itertools.pairwise(ring):
        if lon - lon0 > 180:
            shift -= 360
        elif lon - lon0 < -180:
            shift += 360
        out.append((lon + shift, lat))
    return out


def _clipped(ring: Ring, edge: float, *, west: bool) -> Ring:
    """The part of a closed ring west (or east) of the meridian ``edge`` (Sutherland-Hodgman
    against one line: a concave ring cut several times keeps zero-width joins along the line)."""
    out: Ring = []
    for a, b in itertools.pairwise(ring):
        a_in = a[0] <= edge if west else a[0] >= edge
        b_in = b[0] <= edge if west else b[0] >= edge
        if a_in:
            out.append(a)
        if a_in != b_in:
            t = (edge - a[0]) / (b[0] - a[0])
            out.append((edge, a[1] + t * (b[1] - a[1])))
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def _split_ring(ring: Ring) -> list[Ring]:
    """A ring cut at the antimeridian into the pieces on either side of it, each within ±180°.

    A ring around a pole (only Antarctica's, which the map leaves out) does not close once
    unwrapped and is returned as it is."""
    if len(ring) < 4:
        return []
    unwrapped = _unwrapped(ring)
    if unwrapped[-1] != unwrapped[0]:
        return [ring]
    low = min(lon for lon, _lat in unwrapped)
    high = max(lon for lon, _lat in unwrapped)
    if low >= -180 and high <= 180:
        return [unwrapped]
    edge = 180.0 if high > 180 else -180.0
    near = _clipped(unwrapped, edge, west=edge > 0)
    far = [(lon - 2 * edge, lat) for lon, lat in _clipped(unwrapped, edge, west=edge < 0)]
    return [piece for piece in (near, far) if len(piece) >= 4]


def _inside(point: Point, ring: Ring) -> bool:
    """Whether a point lies inside a ring (even-odd rule)."""
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def split_at_antimeridian(polygon: Polygon) -> list[Polygon]:
    """A polygon cut at the antimeridian; each hole goes with the piece it lies in."""
    pieces: list[Polygon] = [[exterior] for exterior in _split_ring(polygon[0])]
    for hole in polygon[1:]:
        for part in _split_ring(hole):
            home = next((p for p in pieces if _inside(part[0], p[0])), None)
            if home is not None:
                home.append(part)
    return pieces


# ---------------------------------------------------------------------------- SVG paths


def _along_edges(ring: Ring) -> Iterable[Point]:
    """The ring's points, with points added every degree where it runs along the antimeridian
    (the cut), which is a curve in the projection."""
    for a, b in itertools.pairwise(ring):
        yield a
        if abs(a[0]) == 180 and b[0] == a[0]:
            steps = int(abs(b[1] - a[1]))
            for step in range(1, steps):
                yield a[0], a[1] + (b[1] - a[1]) * step / steps
    yield ring[-1]


def _tenths(ring: Ring) -> list[tuple[int, int]]:
    """A ring projected and rounded to tenths of a map unit, repeated points dropped, open."""
    points: list[tuple[int, int]] = []
    for lon, lat in _along_edges(ring):
        x, y = project(lon, lat)
        point = (round(x * 10), round(y * 10))
        if not points or point != points[-1]:
            points.append(point)
    if len(points) > 1 and points[-1] == points[0]:
        points.pop()
    return points


def _number(tenths: int) -> str:
    """A coordinate in tenths written as short as SVG allows: 12, 1.5, .5, -.5."""
    sign = "-" if tenths < 0 else ""
    units, tenth = divmod(abs(tenths), 10)
    if not tenth:
        return f"{sign}{units}"
    return f"{sign}{units or ''}.{tenth}"


def _numbers(values: Iterable[int]) -> str:
    out: list[str] = []
    for value in values:
        text = _number(value)
        if out and not text.startswith("-"):
            out.append(" ")
        out.append(text)
    return "".join(out)


def _ring_path(points: Sequence[tuple[int, int]]) -> str:
    """One closed subpath in relative moves: a tenth of a map unit, computed from the rounded
    points so that no rounding error adds up along the ring."""
    (x0, y0), rest = points[0], points[1:]
    moves: list[int] = []
    previous = points[0]
    for x, y in rest:
        moves += (x - previous[0], y - previous[1])
        previous = (x, y)
    return f"M{_numbers((x0, y0))}l{_numbers(moves)}z"


def _area_and_centroid(points: Sequence[tuple[int, int]]) -> tuple[float, Point]:
    """The unsigned area and the centroid of a ring (shoelace formula), in map units."""
    twice_area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, [*points[1:], points[0]], strict=True):
        cross = x0 * y1 - x1 * y0
        twice_area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if not twice_area:
        xs, ys = zip(*points, strict=True)
        return 0.0, (sum(xs) / len(xs) / 10, sum(ys) / len(ys) / 10)
    return abs(twice_area) / 200, (cx / (3 * twice_area) / 10, cy / (3 * twice_area) / 10)


@dataclass(frozen=True)
class _Shape:
    code: str
    atlas_name: str
    path: str
    centroid: Point  # of the largest polygon, area-weighted, holes taken out


def _shape(code: str, atlas_name: str, polygons: Iterable[Polygon]) -> _Shape | None:
    subpaths: list[str] = []
    best_area, best_centroid = -1.0, (0.0, 0.0)
    for polygon in polygons:
        for piece in split_at_antimeridian(polygon):
            area = 0.0
            weighted_x = weighted_y = 0.0
            for index, ring in enumerate(piece):
                points = _tenths(ring)
                if len(points) < 3:
                    continue
                subpaths.append(_ring_path(points))
                ring_area, (x, y) = _area_and_centroid(points)
                sign = 1 if index == 0 else -1  # holes are taken out
                area += sign * ring_area
                weighted_x += sign * ring_area * x
                weighted_y += sign * ring_area * y
            if area > best_area and area > 0:
                best_area, best_centroid = area, (weighted_x / area, weighted_y / area)
    if not subpaths:
        return None
    centroid = (round(best_centroid[0], 1), round(best_centroid[1], 1))
    return _Shape(code=code, atlas_name=atlas_name, path="".join(subpaths), centroid=centroid)


def _feature_code(feature: AtlasFeature) -> str | None:
    if feature.id is None:
        return _UNCODED_FEATURES.get(feature.name)
    try:
        return reference.resolve_country_code(feature.id).alpha3
    except reference.UnknownCountryCode:
        return None


@lru_cache(maxsize=1)
def _shapes() -> Mapping[str, _Shape]:
    """The atlas's countries by alpha-3 code, decoded and projected once per process."""
    with ATLAS_PATH.open("rb") as atlas:
        topology = json.load(atlas)
    polygons: dict[str, list[Polygon]] = {}
    names: dict[str, str] = {}
    for feature in decode_features(topology, "countries"):
        code = _feature_code(feature)
        if code is None or code in _LEFT_OUT:
            continue
        polygons.setdefault(code, []).extend(feature.polygons)
        if feature.id is not None or code not in names:  # the state's own name, not N. Cyprus
            names[code] = feature.name
    shapes = {}
    for code in sorted(polygons):
        shape = _shape(code, names[code], polygons[code])
        if shape is not None:
            shapes[code] = shape
    return MappingProxyType(shapes)


def mapped_codes() -> frozenset[str]:
    """The alpha-3 codes of the countries the map draws."""
    return frozenset(_shapes())


def country_centroid(code: str) -> Point | None:
    """The label point of a country on the map: the area-weighted centroid of its largest
    polygon (mainland France rather than French Guiana), or None when it is not drawn."""
    shape = _shapes().get(code)
    return None if shape is None else shape.centroid


@cache
def _map_outline() -> str:
    """The edge of the map: the antimeridian on both sides, the cut latitudes top and bottom."""
    lats = [SOUTH, *range(math.ceil(SOUTH), math.floor(NORTH) + 1), NORTH]
    edge = [project(-180.0, lat) for lat in lats] + [project(180.0, lat) for lat in lats[::-1]]
    return _ring_path([(round(x * 10), round(y * 10)) for x, y in edge])


# ---------------------------------------------------------------------------- names


@cache
def _territories(lang: str) -> Mapping[str, str]:
    names: Mapping[str, str] = babel.Locale.parse(lang).territories
    return names


def _is_country(code: str) -> bool:
    return code in _shapes() or code == KOSOVO or pycountry.countries.get(alpha_3=code) is not None


def country_name(code: str, lang: str) -> str:
    """A country's name in ``lang``: a member's from the members module, any other's from the
    Unicode CLDR (through Babel), else the atlas's English name, else the code itself."""
    try:
        return reference.member_by_alpha3(code).name(lang)
    except KeyError:
        pass
    country = pycountry.countries.get(alpha_3=code)
    alpha2 = "XK" if code == KOSOVO else (str(country.alpha_2) if country is not None else "")
    name = _territories(lang).get(alpha2) if alpha2 else None
    if name:
        return name
    shape = _shapes().get(code)
    return shape.atlas_name if shape is not None else code


# ---------------------------------------------------------------------------- levels

#: Palette steps in worldmap.css (``wm-l1`` … ``wm-l7``); ``wm-l0`` is zero.
PALETTE_STEPS: Final = 7


@dataclass(frozen=True)
class Bucket:
    """One level of the legend: the palette step and the lowest and highest value in it."""

    level: int
    low: float
    high: float


def value_levels(
    values: Mapping[str, float], levels: int = 5
) -> tuple[dict[str, int], list[Bucket]]:
    """The palette step of each value and the legend's buckets, lowest first.

    Amounts and counts by country are skewed (a few countries carry most of it), so the levels
    are quantiles: countries ranked by value fall into ``levels`` groups of about the same size,
    ties always in the same group, which keeps every colour in use and the small countries
    apart. The buckets used are spread over the palette, the highest always the darkest. Zero
    and below share level 0, apart from the quantiles, because "none" is not "a little".
    """
    if not 1 <= levels <= PALETTE_STEPS:
        raise ValueError(f"levels must be between 1 and {PALETTE_STEPS}, not {levels}")
    steps = {code: 0 for code, value in values.items() if value <= 0}
    buckets = []
    if steps:
        low = min(values[code] for code in steps)
        buckets.append(Bucket(0, low, 0.0))
    ranked = sorted((value, code) for code, value in values.items() if value > 0)
    distinct = len({value for value, _code in ranked})
    groups = min(levels, distinct)
    if not groups:
        return steps, buckets
    group_of: dict[float, int] = {}
    for rank, (value, _code) in enumerate(ranked):
        group_of.setdefault(value, rank * groups // len(ranked))
    used = sorted(set(group_of.values()))
    last = len(used) - 1

    def step(group: int) -> int:
        index = used.index(group)
        if not last:
            return PALETTE_STEPS
        return 1 + math.floor(index * (PALETTE_STEPS - 1) / last + 0.5)

    for group in used:
        members = [value for value in group_of if group_of[value] == group]
        buckets.append(Bucket(step(group), min(members), max(members)))
    for value, code in ranked:
        steps[code] = step(group_of[value])
    return steps, buckets


# ---------------------------------------------------------------------------- the map


@dataclass(frozen=True)
class MapCountry:
    """A country on the map (or, with an empty path, one too small for it that has a value)."""

    code: str
    name: str
    path: str
    value: float | None
    level: int  # 0 for zero or no value (see value), else the palette step 1-7
    label: str  # the tooltip
    value_text: str = ""


@dataclass(frozen=True)
class MapArc:
    """A curve from one country's label point to another's (empty path: an end is not drawn)."""

    source: str
    target: str
    path: str
    weight: float
    label: str  # the tooltip
    width: float = 1.0
    source_name: str = ""
    target_name: str = ""
    value_text: str = ""


@dataclass(frozen=True)
class WorldMap:
    """A map ready for templates/partials/world_map.html, in one language."""

    map_id: str
    title: str
    width: int
    height: int
    countries: list[MapCountry]
    arcs: list[MapArc]  # heaviest first
    legend: list[tuple[int, str]]  # (palette step, range), lowest first
    top: list[MapCountry]  # the countries with the highest values, highest first (the table)
    top_arcs: list[MapArc] = field(default_factory=list)  # the heaviest arcs (the table)
    total: int = 0  # how many countries have a value
    unmapped: str = ""  # the countries with a value that the map is too coarse to draw
    outline: str = ""
    value_title: str = ""  # the table's heading for the values


_ARC_BEND: Final = 0.2  # the control point's offset, as a share of the arc's length
_ARC_MAX_WIDTH: Final = 5.0


def _arc_path(start: Point, end: Point) -> str:
    """A quadratic curve bending to the left of its way, so that A to B and B to A part."""
    (x0, y0), (x1, y1) = start, end
    cx = (x0 + x1) / 2 + _ARC_BEND * (y1 - y0)
    cy = (y0 + y1) / 2 - _ARC_BEND * (x1 - x0)
    cx = min(float(MAP_WIDTH), max(0.0, cx))  # the curve stays in the hull of its points
    cy = min(float(MAP_HEIGHT), max(0.0, cy))
    coordinates = (round(v * 10) for v in (x0, y0, cx, cy, x1, y1))
    numbers = [_number(v) for v in coordinates]
    return "M{} {}Q{} {} {} {}".format(*numbers)


def _code(code: str) -> str:
    return code.strip().upper()


def world_map(
    map_id: str,
    title: str,
    values: Mapping[str, float],
    *,
    labels: Mapping[str, str] | None = None,
    arcs: Sequence[tuple[str, str, float, str]] = (),
    levels: int = 5,
    format_value: Callable[[float], str] | None = None,
    lang: str = i18n.SOURCE_LANGUAGE,
    top: int = 10,
    value_title: str = "",
) -> WorldMap:
    """A world map of ``values`` by alpha-3 code, shaded in ``levels`` quantile levels.

    Codes that are no country are ignored; countries the map cannot draw (the smallest states)
    still count in the levels and the table. ``labels`` replaces a country's tooltip (else its
    name and value); ``arcs`` are (source, target, weight, tooltip) between two countries, drawn
    thicker for more weight, with a tooltip written for them when it is empty. Names and
    tooltips are in ``lang``; ``format_value`` defaults to the number in ``lang``.
    """
    text_of = format_value or (lambda value: i18n.format_number(value, lang))
    shapes = _shapes()
    known: dict[str, float] = {}
    for raw_code, raw_value in values.items():
        code, value = _code(raw_code), float(raw_value)
        if _is_country(code) and math.isfinite(value):
            known[code] = value
    steps, buckets = value_levels(known, levels)
    tooltips = {_code(code): text for code, text in (labels or {}).items()}

    def country(code: str, path: str) -> MapCountry:
        name = country_name(code, lang)
        value = known.get(code)
        text = text_of(value) if value is not None else ""
        label = tooltips.get(code) or (
            _("%(name)s: %(value)s") % {"name": name, "value": text} if value is not None else name
        )
        return MapCountry(code, name, path, value, steps.get(code, 0), label, text)

    with i18n.use_language(lang):
        countries = [country(code, shape.path) for code, shape in shapes.items()]
        drawn = {c.code: c for c in countries}
        ranked = sorted(known, key=lambda code: (-known[code], code))
        top_countries = [drawn.get(code) or country(code, "") for code in ranked[:top]]
        drawn_arcs = _arcs(arcs, text_of, lang)
    too_small = [country_name(code, lang) for code in ranked if code not in shapes]

    legend = []
    for bucket in buckets:
        low, high = text_of(bucket.low), text_of(bucket.high)
        legend.append((bucket.level, low if low == high else f"{low} – {high}"))

    return WorldMap(
        map_id=map_id,
        title=title,
        width=MAP_WIDTH,
        height=MAP_HEIGHT,
        countries=countries,
        arcs=drawn_arcs,
        legend=legend,
        top=top_countries,
        top_arcs=drawn_arcs[:top],
        total=len(known),
        unmapped=format_list(too_small, locale=lang) if too_small else "",
        outline=_map_outline(),
        value_title=value_title,
    )


def _arcs(
    pairs: Sequence[tuple[str, str, float, str]], text_of: Callable[[float], str], lang: str
) -> list[MapArc]:
    """The arcs between two known countries, heaviest first; an end the map does not draw
    leaves the path empty (the arc is still in the table)."""
    kept = []
    for raw_source, raw_target, raw_weight, label in pairs:
        source, target, weight = _code(raw_source), _code(raw_target), float(raw_weight)
        known = _is_country(source) and _is_country(target)
        if known and source != target and math.isfinite(weight):
            kept.append((source, target, weight, label))
    heaviest = max((weight for _s, _t, weight, _l in kept), default=0.0)
    arcs = []
    for source, target, weight, label in sorted(kept, key=lambda arc: -arc[2]):
        start, end = country_centroid(source), country_centroid(target)
        share = weight / heaviest if heaviest > 0 and weight > 0 else 0.0
        names = {"source": country_name(source, lang), "target": country_name(target, lang)}
        text = text_of(weight)
        arcs.append(
            MapArc(
                source=source,
                target=target,
                path=_arc_path(start, end) if start and end else "",
                weight=weight,
                label=label or _("%(source)s to %(target)s: %(value)s") % {**names, "value": text},
                width=round(1 + (_ARC_MAX_WIDTH - 1) * math.sqrt(share), 1),
                source_name=names["source"],
                target_name=names["target"],
                value_text=text,
            )
        )
    return arcs
