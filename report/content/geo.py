"""Geography for the map: the Census boundaries of us-atlas, county look-up, Albers USA.

The boundaries are `layouts/map/counties-albers-10m.json` from the npm package us-atlas (the
Census Bureau's 2017 cartographic boundaries, already projected by d3-geo's `geoAlbersUsa` with
scale 1300 and translate [487.5, 305] into a 975 x 610 frame, y pointing down). TopoJSON is
decoded here in a few lines rather than with a library: the only Python package for it
(`topojson`) is an encoder that pulls in shapely and numpy.

Everything is in that frame's units. A place comes from a dossier's state and county (the
county's centroid) or from coordinates; what does not match is an `Unmatched` record that the
caller turns into a finding at the dossier's line. Imports nothing of the report.
"""

from __future__ import annotations

import difflib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Literal

Point = tuple[float, float]
Ring = tuple[Point, ...]
Polygon = tuple[Ring, ...]  # the outer ring, then its holes
BBox = tuple[float, float, float, float]  # x0, y0, x1, y1

WIDTH, HEIGHT = 975.0, 610.0
ATLAS_FILE = "counties-albers-10m.json"

# USPS code -> FIPS state code, for the 50 states and DC (the places the Albers USA frame shows).
# Each name is the Census name in the atlas; a test checks every pair against the file.
STATES: dict[str, tuple[str, str]] = {
    "AL": ("01", "Alabama"),
    "AK": ("02", "Alaska"),
    "AZ": ("04", "Arizona"),
    "AR": ("05", "Arkansas"),
    "CA": ("06", "California"),
    "CO": ("08", "Colorado"),
    "CT": ("09", "Connecticut"),
    "DE": ("10", "Delaware"),
    "DC": ("11", "District of Columbia"),
    "FL": ("12", "Florida"),
    "GA": ("13", "Georgia"),
    "HI": ("15", "Hawaii"),
    "ID": ("16", "Idaho"),
    "IL": ("17", "Illinois"),
    "IN": ("18", "Indiana"),
    "IA": ("19", "Iowa"),
    "KS": ("20", "Kansas"),
    "KY": ("21", "Kentucky"),
    "LA": ("22", "Louisiana"),
    "ME": ("23", "Maine"),
    "MD": ("24", "Maryland"),
    "MA": ("25", "Massachusetts"),
    "MI": ("26", "Michigan"),
    "MN": ("27", "Minnesota"),
    "MS": ("28", "Mississippi"),
    "MO": ("29", "Missouri"),
    "MT": ("30", "Montana"),
    "NE": ("31", "Nebraska"),
    "NV": ("32", "Nevada"),
    "NH": ("33", "New Hampshire"),
    "NJ": ("34", "New Jersey"),
    "NM": ("35", "New Mexico"),
    "NY": ("36", "New York"),
    "NC": ("37", "North Carolina"),
    "ND": ("38", "North Dakota"),
    "OH": ("39", "Ohio"),
    "OK": ("40", "Oklahoma"),
    "OR": ("41", "Oregon"),
    "PA": ("42", "Pennsylvania"),
    "RI": ("44", "Rhode Island"),
    "SC": ("45", "South Carolina"),
    "SD": ("46", "South Dakota"),
    "TN": ("47", "Tennessee"),
    "TX": ("48", "Texas"),
    "UT": ("49", "Utah"),
    "VT": ("50", "Vermont"),
    "VA": ("51", "Virginia"),
    "WA": ("53", "Washington"),
    "WV": ("54", "West Virginia"),
    "WI": ("55", "Wisconsin"),
    "WY": ("56", "Wyoming"),
}

# The word after a county's name, as the Census writes it (NAMELSAD). Louisiana has parishes;
# Alaska boroughs, census areas and the like; independent cities (Virginia, Baltimore, St. Louis)
# are "city", lower case. The atlas keeps only the bare name, so the word is checked by state.
CENSUS_WORDS = ("City and Borough", "Census Area", "Municipality", "Borough", "Parish", "County", "city")
_STATE_SUFFIXES = {
    "LA": ("Parish",),
    "AK": ("City and Borough", "Census Area", "Municipality", "Borough"),
}
_DEFAULT_SUFFIXES = ("County", "city")
# FIPS numbers independent cities from 510 up; in this atlas every county name that occurs twice
# in one state is such a city and the county of the same name (a test keeps it so).
_FIRST_CITY_CODE = 510


@dataclass(frozen=True)
class Region:
    """A state or county: its FIPS code, Census name and polygons in the atlas frame."""

    id: str
    name: str
    polygons: tuple[Polygon, ...]

    @property
    def bbox(self) -> BBox:
        """Return the smallest box around every ring."""
        xs = [x for poly in self.polygons for x, _ in poly[0]]
        ys = [y for poly in self.polygons for _, y in poly[0]]
        return min(xs), min(ys), max(xs), max(ys)

    def area(self) -> float:
        """Return the area, holes taken out."""
        return sum(_polygon_area(poly) for poly in self.polygons)

    def contains(self, p: Point) -> bool:
        """Return whether the point is inside (even-odd rule over every ring, so holes are out)."""
        return _inside(p, [ring for poly in self.polygons for ring in poly])

    def centroid(self) -> Point:
        """Return the area-weighted centroid of all polygons (it may fall outside a crescent)."""
        total, cx, cy = 0.0, 0.0, 0.0
        for poly in self.polygons:
            for i, ring in enumerate(poly):
                a, (rx, ry) = _ring_moments(ring)
                a = abs(a) if i == 0 else -abs(a)
                total += a
                cx += a * rx
                cy += a * ry
        if total == 0:  # a county the 1:10,000,000 outlines reduce to a line (Lexington, VA)
            points = [p for poly in self.polygons for p in poly[0]]
            return sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points)
        return cx / total, cy / total

    def anchor(self) -> Point:
        """Return the centroid if it lies inside, else a point well inside the largest polygon."""
        c = self.centroid()
        if self.contains(c) or self.area() == 0:
            return c
        largest = max(self.polygons, key=_polygon_area)
        return _interior_point(largest, Region(self.id, self.name, (largest,)).centroid()[1])


@dataclass(frozen=True, eq=False)
class Atlas:
    """The decoded boundaries: the nation, states by FIPS, and counties by FIPS (decoded on demand).

    Compared and hashed by identity: one load, one atlas (drawings cache their outlines by it).
    """

    arcs: tuple[Ring, ...]
    objects: dict = field(repr=False)
    width: float = WIDTH
    height: float = HEIGHT
    _regions: dict = field(default_factory=dict, repr=False, compare=False)

    def _collection(self, name: str) -> dict[str, dict]:
        key = ("geometries", name)
        if key not in self._regions:
            self._regions[key] = {g["id"]: g for g in self.objects[name]["geometries"]}
        return self._regions[key]

    def _region(self, name: str, fips: str) -> Region:
        key = (name, fips)
        if key not in self._regions:
            g = self._collection(name)[fips]
            self._regions[key] = Region(fips, g["properties"]["name"], _polygons(self.arcs, g))
        return self._regions[key]

    def state(self, fips: str) -> Region:
        """Return a state (or DC) by its two-digit FIPS code."""
        return self._region("states", fips)

    def county(self, fips: str) -> Region:
        """Return a county (or equivalent) by its five-digit FIPS code."""
        return self._region("counties", fips)

    def nation(self) -> Region:
        """Return the nation's outline."""
        g = self.objects["nation"]["geometries"][0]
        return Region("US", "United States", _polygons(self.arcs, g))

    def state_ids(self) -> list[str]:
        """Return every state's FIPS code, sorted."""
        return sorted(self._collection("states"))

    def counties_in(self, state_fips: str) -> dict[str, str]:
        """Return the Census names of a state's counties by FIPS code."""
        key = ("by-state", None)
        if key not in self._regions:
            by_state: dict[str, dict[str, str]] = {}
            for fips, name in self.county_names().items():
                by_state.setdefault(fips[:2], {})[fips] = name
            self._regions[key] = by_state
        return dict(self._regions[key].get(state_fips, {}))

    def county_names(self) -> dict[str, str]:
        """Return every county's Census name by FIPS code."""
        return {fips: g["properties"]["name"] for fips, g in sorted(self._collection("counties").items())}

    def borders(self, name: str = "states", interior: bool = True) -> list[Ring]:
        """Return each arc of a collection once: the lines shared by two regions, or the outer edge.

        Drawing shared lines once (a TopoJSON mesh) keeps borders the same weight everywhere.
        """
        uses: dict[int, set[str]] = {}
        for g in self.objects[name]["geometries"]:
            for i in _arc_indexes(g["arcs"]):
                uses.setdefault(i if i >= 0 else ~i, set()).add(g.get("id", ""))
        return [self.arcs[i] for i in sorted(uses) if (len(uses[i]) > 1) == interior]


def load_atlas(path: str | Path) -> Atlas:
    """Return the atlas decoded from a us-atlas TopoJSON file in Albers USA units."""
    return decode(json.loads(Path(path).read_text(encoding="utf-8")))


def decode(topology: dict) -> Atlas:
    """Return the atlas of a parsed TopoJSON topology: arcs dequantized, geometries kept for look-up."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for position in arc:  # quantized, each position a delta from the one before
            x += position[0]
            y += position[1]
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(tuple(points))
    return Atlas(tuple(arcs), topology["objects"])


# --- Places ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a marker goes, in atlas units, and which state and county it is in."""

    point: Point
    state: str  # FIPS
    county: str  # FIPS
    how: Literal["county", "coordinates"]


@dataclass(frozen=True)
class Unmatched:
    """A state, county or coordinates that do not fit the atlas: one finding for the caller.

    `field` is the dossier key under `location` the finding belongs at; `code` its finding code.
    """

    field: Literal["state", "county", "coordinates"]
    code: str
    message: str
    suggestion: str | None = None


def locate(
    atlas: Atlas,
    state: str,
    county: str,
    *,
    lonlat: Point | None = None,
    xy: Point | None = None,
) -> Place | Unmatched:
    """Return where a facility goes: its coordinates if given, else its county's anchor point.

    `lonlat` is (longitude, latitude) in degrees; `xy` a point already in atlas units. Either
    must fall in the named county (within `_SLACK` units, for the 1:10,000,000 outlines).
    """
    found = find_county(atlas, state, county)
    if isinstance(found, Unmatched):
        return found
    region = atlas.county(found)
    if lonlat is None and xy is None:
        return Place(region.anchor(), found[:2], found, "county")
    if xy is None:
        assert lonlat is not None
        xy = albers_usa(*lonlat)
        if xy is None:
            return Unmatched(
                "coordinates", "location.coordinates", f"coordinates {_lonlat(lonlat)} are outside the 50 states and DC"
            )
    if region.contains(xy) or _distance_to(xy, region) <= _SLACK:
        return Place(xy, found[:2], found, "coordinates")
    given = _lonlat(lonlat) if lonlat is not None else f"({xy[0]:g}, {xy[1]:g})"
    where = county_at(atlas, xy)
    elsewhere = f" but in {_county_label(atlas, where)}" if where else ""
    return Unmatched(
        "coordinates",
        "location.coordinates",
        f"coordinates {given} are not in {_county_label(atlas, found)}{elsewhere}",
    )


_SLACK = 1.5  # atlas units, about 6 km: the outlines are simplified


def find_county(atlas: Atlas, state: str, county: str) -> str | Unmatched:
    """Return the FIPS code of the county a dossier names ("Winn Parish", LA), or why not."""
    if state not in STATES:
        return _unknown_state(state)
    names = atlas.counties_in(STATES[state][0])
    core, suffix = county_parts(county)
    matches = [fips for fips, name in names.items() if name == core]
    if not matches:
        return _unknown_county(atlas, state, county, core, suffix, names)
    allowed = _STATE_SUFFIXES.get(state, _DEFAULT_SUFFIXES)
    if suffix is None:  # "District of Columbia", "Carson City", or the bare name
        if len(matches) == 1:
            return matches[0]
        return Unmatched(
            "county", "location.county", f"'{county}' is ambiguous in {state}: write '{core} County' or '{core} city'"
        )
    if suffix not in allowed:  # the right name with the wrong word: "Winn County" in Louisiana
        if len(allowed) == 1:
            right = f"{core} {allowed[0]}"
            return Unmatched(
                "county", "location.county", f"{STATES[state][1]} has no '{county}'; did you mean '{right}'?", right
            )
        return Unmatched(
            "county",
            "location.county",
            f"{STATES[state][1]} has no '{county}': write '{core}' and the Census word ({', '.join(allowed)})",
        )
    if allowed is _DEFAULT_SUFFIXES:  # a county or the independent city of the same name
        kind = [fips for fips in matches if (int(fips[2:]) >= _FIRST_CITY_CODE) == (suffix == "city")]
        if not kind:
            right = f"{core} {'County' if suffix == 'city' else 'city'}"
            return Unmatched(
                "county", "location.county", f"{STATES[state][1]} has no '{county}'; did you mean '{right}'?", right
            )
        matches = kind
    return matches[0]


def _unknown_county(
    atlas: Atlas, state: str, county: str, core: str, suffix: str | None, names: dict[str, str]
) -> Unmatched:
    close = difflib.get_close_matches(core, sorted(set(names.values())), n=1, cutoff=0.6)
    elsewhere = sorted(code for code, (fips, _) in STATES.items() if core in atlas.counties_in(fips).values())
    hint = f" ('{county}' is in {', '.join(elsewhere[:3])})" if elsewhere else ""
    suggestion = _accepted_name(atlas, state, close[0], suffix) if close else None
    if suggestion:
        return Unmatched(
            "county",
            "location.county",
            f"no county '{county}' in {state}; did you mean '{suggestion}'?{hint}",
            suggestion,
        )
    return Unmatched(
        "county",
        "location.county",
        f"no county '{county}' in {state}{hint}: write the county the facility is in as the Census Bureau"
        " names it, with its word ('Irwin County', 'LaSalle Parish')",
    )


def _accepted_name(atlas: Atlas, state: str, core: str, suffix: str | None) -> str | None:
    """Return a name of the county `core` (a name in `state`) that `find_county` takes, or None.

    The writer's Census word first, else the bare name they wrote; then the state's own word ("Winn
    Parish" for "Winnn County" in Louisiana; a county or an independent city, as its FIPS code says,
    elsewhere), then the bare name. Never a name `check` would refuse in turn ("Wilkinson Parish" in
    Georgia, the bare "Richmond" in Virginia, where it is ambiguous); Alaska's word is not guessed.
    """
    allowed = _STATE_SUFFIXES.get(state, _DEFAULT_SUFFIXES)
    words = [suffix] + (list(allowed) if len(allowed) == 1 or allowed is _DEFAULT_SUFFIXES else []) + [None]
    for word in dict.fromkeys(words):
        name = f"{core} {word}" if word else core
        # `core` is a name of the state's, so find_county looks for no suggestion in turn
        if county_parts(name)[0] == core and isinstance(find_county(atlas, state, name), str):
            return name
    return None


def county_at(atlas: Atlas, p: Point) -> str | None:
    """Return the FIPS code of the county containing a point, if any."""
    for fips in atlas.county_names():
        region = atlas.county(fips)
        x0, y0, x1, y1 = region.bbox
        if x0 <= p[0] <= x1 and y0 <= p[1] <= y1 and region.contains(p):
            return fips
    return None


def state_code(fips: str) -> str:
    """Return the USPS code of a state's FIPS code."""
    return next(code for code, (f, _) in STATES.items() if f == fips)


def _county_label(atlas: Atlas, fips: str) -> str:
    return f"{atlas.county(fips).name} ({state_code(fips[:2])})"


def _unknown_state(state: str) -> Unmatched:
    by_name = {name.lower(): code for code, (_, name) in STATES.items()}
    if state.lower() in by_name:
        code = by_name[state.lower()]
        return Unmatched("state", "location.state", f"unknown state '{state}'; did you mean '{code}'?", code)
    close = difflib.get_close_matches(state, list(STATES), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else " (the map shows the 50 states and DC, by USPS code)"
    return Unmatched("state", "location.state", f"unknown state '{state}'{hint}", close[0] if close else None)


def county_parts(county: str) -> tuple[str, str | None]:
    """Return a county's bare name and the Census word after it: ("Winn", "Parish"), ("Carson City", None).

    "city" counts only in lower case: "Carson City" is a name. The templates use the two parts
    to say the county in each language ("parroquia de Winn"), the map to find it in the atlas.
    """
    county = " ".join(county.split())
    for suffix in CENSUS_WORDS:
        if county.endswith(" " + suffix) or suffix != "city" and county.lower().endswith(" " + suffix.lower()):
            return county[: -len(suffix) - 1], suffix
    return county, None


def _lonlat(lonlat: Point) -> str:
    lon, lat = lonlat
    return f"(lat {lat:g}, lon {lon:g})"


# --- Albers USA --------------------------------------------------------------------------------
# d3-geo's geoAlbersUsa, as us-atlas used it (scale 1300, translate [487.5, 305]): three conic
# equal-area projections, each with the clip box that decides which one a point belongs to.


def _conic_equal_area(phi0: float, phi1: float):
    s0 = math.sin(math.radians(phi0))
    n = (s0 + math.sin(math.radians(phi1))) / 2
    c = 1 + s0 * (2 * n - s0)
    r0 = math.sqrt(c) / n

    def raw(lam: float, phi: float) -> Point:
        r = math.sqrt(c - 2 * n * math.sin(phi)) / n
        return r * math.sin(lam * n), r0 - r * math.cos(lam * n)

    return raw


def _projection(parallels: tuple[float, float], rotate: float, center: Point, k: float, translate: Point):
    raw = _conic_equal_area(*parallels)
    cx, cy = raw(math.radians(center[0]), math.radians(center[1]))
    dx, dy = translate[0] - k * cx, translate[1] + k * cy

    def project(lon: float, lat: float) -> Point:
        lam = math.radians(lon + rotate)
        if lam > math.pi:
            lam -= 2 * math.pi
        elif lam < -math.pi:
            lam += 2 * math.pi
        x, y = raw(lam, math.radians(lat))
        return dx + k * x, dy - k * y

    return project


def _albers_usa(k: float = 1300.0, x: float = 487.5, y: float = 305.0):
    e = 1e-6
    parts = (
        (
            _projection((29.5, 45.5), 96, (-0.6, 38.7), k, (x, y)),
            (x - 0.455 * k, y - 0.238 * k, x + 0.455 * k, y + 0.238 * k),
        ),
        (
            _projection((55, 65), 154, (-2, 58.5), 0.35 * k, (x - 0.307 * k, y + 0.201 * k)),
            (x - 0.425 * k + e, y + 0.120 * k + e, x - 0.214 * k - e, y + 0.234 * k - e),
        ),
        (
            _projection((8, 18), 157, (-3, 19.9), k, (x - 0.205 * k, y + 0.212 * k)),
            (x - 0.214 * k + e, y + 0.166 * k + e, x - 0.115 * k - e, y + 0.234 * k - e),
        ),
    )

    def project(lon: float, lat: float) -> Point | None:
        for part, (x0, y0, x1, y1) in parts:
            px, py = part(lon, lat)
            if x0 <= px <= x1 and y0 <= py <= y1:
                return px, py
        return None

    return project


albers_usa = _albers_usa()
albers_usa.__doc__ = "Return (x, y) in atlas units for a longitude and latitude, or None if off the map."


# --- Plane geometry ----------------------------------------------------------------------------


def _arc_indexes(arcs) -> Iterable[int]:
    for item in arcs:
        if isinstance(item, int):
            yield item
        else:
            yield from _arc_indexes(item)


def _ring(arcs: tuple[Ring, ...], indexes: list[int]) -> Ring:
    points: list[Point] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc[1:] if points else arc)  # consecutive arcs share their joining point
    return tuple(points)


def _polygons(arcs: tuple[Ring, ...], geometry: dict) -> tuple[Polygon, ...]:
    if geometry["type"] == "Polygon":
        return (tuple(_ring(arcs, r) for r in geometry["arcs"]),)
    if geometry["type"] == "MultiPolygon":
        return tuple(tuple(_ring(arcs, r) for r in poly) for poly in geometry["arcs"])
    return ()


def _ring_moments(ring: Ring) -> tuple[float, Point]:
    """Return a ring's signed area and its centroid."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    a /= 2
    if a == 0:
        return 0.0, ring[0]
    return a, (cx / (6 * a), cy / (6 * a))


def _polygon_area(poly: Polygon) -> float:
    return abs(_ring_moments(poly[0])[0]) - sum(abs(_ring_moments(r)[0]) for r in poly[1:])


def _inside(p: Point, rings: Iterable[Ring]) -> bool:
    x, y = p
    inside = False
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def _interior_point(poly: Polygon, y: float) -> Point:
    """Return the middle of the widest span of the polygon along a horizontal line near `y`."""
    ys = [py for _, py in poly[0]]
    if not min(ys) < y < max(ys):
        y = (min(ys) + max(ys)) / 2
    crossings = sorted(
        x0 + (y - y0) * (x1 - x0) / (y1 - y0)
        for ring in poly
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)
        if (y0 > y) != (y1 > y)
    )
    spans = list(zip(crossings[::2], crossings[1::2], strict=False))
    a, b = max(spans, key=lambda s: s[1] - s[0])
    return (a + b) / 2, y


def _distance_to(p: Point, region: Region) -> float:
    """Return the distance from a point to a region's nearest edge."""
    best = math.inf
    for poly in region.polygons:
        for ring in poly:
            for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
                best = min(best, _segment_distance(p, a, b))
    return best


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)
