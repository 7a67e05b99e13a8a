"""The map: vendored boundaries, county look-up, Albers USA, and the SVG read back."""

from __future__ import annotations

import importlib.util
import io
import itertools
import json
import math
import re
import shutil
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from fontTools.ttLib import TTFont

from report.content import geo
from report.render import mapsvg
from report.findings import Loc, error

REPO = Path(__file__).resolve().parent.parent
MAP = REPO / "layouts" / "map"
FONT = REPO / "layouts" / "fonts" / "IBMPlexSans-SemiBold.ttf"
SVG = "{http://www.w3.org/2000/svg}"
WORDS = mapsvg.Words("TITLE-WORDS", "DESCRIPTION-WORDS", "LEGEND-OPEN", "LEGEND-ENDED")


@pytest.fixture(scope="module")
def atlas() -> geo.Atlas:
    return geo.load_atlas(MAP / geo.ATLAS_FILE)


@pytest.fixture(scope="module")
def style() -> mapsvg.Style:
    return mapsvg.Style.load(REPO / "layouts" / "css" / "tokens.css", FONT)


def dossiers() -> list[dict]:
    order = yaml.safe_load((REPO / "report.yaml").read_text(encoding="utf-8"))["facilities"]
    return [yaml.safe_load((REPO / "facilities" / f"{fid}.yaml").read_text(encoding="utf-8")) for fid in order]


def shipped_markers(atlas: geo.Atlas, href: bool = True) -> list[mapsvg.Marker]:
    markers = []
    for d in dossiers():
        place = geo.locate(atlas, d["location"]["state"], d["location"]["county"])
        assert isinstance(place, geo.Place), place
        status = "open" if d["status"]["state"] == "open" else "ended"
        markers.append(mapsvg.Marker(d["id"], d["name"], place.point, status, f"{d['id']}.html" if href else None))
    return markers


def bench_markers(atlas: geo.Atlas, n: int = 200) -> list[mapsvg.Marker]:
    """The benchmark's edition: the shipped dossiers cloned under new ids, so twenty share each county."""
    base = shipped_markers(atlas)
    return [
        mapsvg.Marker(f"{m.id}-{i:03d}", m.label, m.point, m.status, f"{m.id}-{i:03d}.html")
        for i, m in ((i, base[i % len(base)]) for i in range(n))
    ]


# --- Vendored data -----------------------------------------------------------------------------


def load_script():
    spec = importlib.util.spec_from_file_location("us_atlas", REPO / "scripts" / "us_atlas.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_vendored_files_match_the_committed_checksums(tmp_path, monkeypatch):
    script = load_script()
    assert script.check() == []
    assert sorted(script.expected()) == ["LICENSE", "counties-albers-10m.json"]
    # A changed byte is caught.
    copy = tmp_path / "map"
    shutil.copytree(MAP, copy)
    data = bytearray((copy / "LICENSE").read_bytes())
    data[0] ^= 1
    (copy / "LICENSE").write_bytes(bytes(data))
    monkeypatch.setattr(script, "MAP_DIR", copy)
    monkeypatch.setattr(script, "SUMS", copy / "SHA256SUMS")
    assert script.check() == ["layouts/map/LICENSE: SHA-256 differs from layouts/map/SHA256SUMS"]


def test_state_codes_name_the_atlas_states(atlas):
    assert sorted(fips for fips, _ in geo.STATES.values()) == atlas.state_ids()
    for code, (fips, name) in geo.STATES.items():
        assert atlas.state(fips).name == name, code


def test_names_repeated_in_a_state_are_a_county_and_an_independent_city(atlas):
    # find_county tells them apart by the FIPS rule (cities from 510 up); it must hold for every pair.
    names = Counter((fips[:2], name) for fips, name in atlas.county_names().items())
    repeated = [key for key, count in names.items() if count > 1]
    assert repeated
    for state, name in repeated:
        codes = sorted(int(f[2:]) for f, n in atlas.county_names().items() if f[:2] == state and n == name)
        assert len(codes) == 2 and codes[0] < 510 <= codes[1], (state, name, codes)


# --- Places ------------------------------------------------------------------------------------


def test_every_shipped_dossier_has_a_place_inside_its_county(atlas):
    for d in dossiers():
        loc = d["location"]
        fips = geo.find_county(atlas, loc["state"], loc["county"])
        assert isinstance(fips, str), fips
        assert atlas.county(fips).name == loc["county"].rsplit(" ", 1)[0]
        place = geo.locate(atlas, loc["state"], loc["county"])
        assert place.how == "county" and place.county == fips
        assert atlas.county(fips).contains(place.point)


def test_every_county_anchor_lies_inside_it(atlas):
    outside = 0
    for fips in atlas.county_names():
        region = atlas.county(fips)
        if region.area() == 0:  # reduced to a line at this scale (Lexington, VA; Manassas Park, VA)
            continue
        outside += not region.contains(region.centroid())
        assert region.contains(region.anchor()), fips
    assert outside  # some centroids do fall outside, and the anchor moved them in


def test_a_crescent_gets_a_point_inside():
    ring = ((0, 0), (10, 0), (10, 10), (0, 10), (0, 8), (8, 8), (8, 2), (0, 2))
    region = geo.Region("x", "C", ((tuple(map(lambda p: (float(p[0]), float(p[1])), ring)),),))
    assert not region.contains(region.centroid())
    assert region.contains(region.anchor())


@pytest.mark.parametrize(
    "state, county, message, suggestion",
    [
        (
            "CA",
            "San Bernadino County",
            "no county 'San Bernadino County' in CA; did you mean 'San Bernardino County'?",
            "San Bernardino County",
        ),
        ("LA", "Winn County", "Louisiana has no 'Winn County'; did you mean 'Winn Parish'?", "Winn Parish"),
        ("LA", "Win Parish", "no county 'Win Parish' in LA; did you mean 'Winn Parish'?", "Winn Parish"),
        ("LA", "winn parish", "no county 'winn parish' in LA; did you mean 'Winn Parish'?", "Winn Parish"),
        (
            "GA",
            "Glades County",
            "no county 'Glades County' in GA; did you mean 'Dade County'? ('Glades County' is in FL)",
            "Dade County",
        ),
        ("VA", "Richmond", "'Richmond' is ambiguous in VA: write 'Richmond County' or 'Richmond city'", None),
        (
            "VA",
            "Alexandria County",
            "Virginia has no 'Alexandria County'; did you mean 'Alexandria city'?",
            "Alexandria city",
        ),
        (
            "NM",
            "Dona Ana County",
            "no county 'Dona Ana County' in NM; did you mean 'Doña Ana County'?",
            "Doña Ana County",
        ),
        # A misspelt name with a word the state has no county by: the suggestion takes the state's
        # word, never one check refuses in turn ("LaSalle County", "Wilkinson Parish" in Georgia).
        ("LA", "LaSale County", "no county 'LaSale County' in LA; did you mean 'LaSalle Parish'?", "LaSalle Parish"),
        (
            "GA",
            "Winn Parish",
            "no county 'Winn Parish' in GA; did you mean 'Wilkinson County'? ('Winn Parish' is in LA)",
            "Wilkinson County",
        ),
        (
            "VA",
            "Alexandra County",
            "no county 'Alexandra County' in VA; did you mean 'Alexandria city'?",
            "Alexandria city",
        ),
        # The bare name is ambiguous in Virginia (a county and a city): one with its word.
        ("VA", "Richmnd", "no county 'Richmnd' in VA; did you mean 'Richmond County'?", "Richmond County"),
        # Nothing close: what to write instead, not the bare refusal a writer of an invented name met.
        (
            "GA",
            "Zzzzz County",
            "no county 'Zzzzz County' in GA: write the county the facility is in as the Census Bureau names it,"
            " with its word ('Irwin County', 'LaSalle Parish')",
            None,
        ),
    ],
)
def test_a_county_that_does_not_match_says_what_was_meant(atlas, state, county, message, suggestion):
    found = geo.find_county(atlas, state, county)
    assert found == geo.Unmatched("county", "location.county", message, suggestion)
    if suggestion is not None:  # what the finding suggests, check takes
        assert isinstance(geo.find_county(atlas, state, suggestion), str), suggestion


def test_county_names_the_census_way_are_found(atlas):
    for state, county, name in [
        ("VA", "Richmond city", "51760"),
        ("VA", "Richmond County", "51159"),
        ("LA", "Winn parish", "22127"),
        ("DC", "District of Columbia", "11001"),
        ("NV", "Carson City", "32510"),
        ("AK", "Anchorage Municipality", "02020"),
        ("MO", "St. Louis city", "29510"),
    ]:
        assert geo.find_county(atlas, state, county) == name, county


def test_an_unknown_state_says_what_was_meant(atlas):
    assert geo.find_county(atlas, "California", "San Diego County") == geo.Unmatched(
        "state", "location.state", "unknown state 'California'; did you mean 'CA'?", "CA"
    )
    assert geo.find_county(atlas, "PR", "San Juan Municipio") == geo.Unmatched(
        "state", "location.state", "unknown state 'PR' (the map shows the 50 states and DC, by USPS code)"
    )


def test_a_typo_becomes_a_finding_at_the_dossiers_line(atlas):
    path = "facilities/adelanto.yaml"
    text = (REPO / path).read_text(encoding="utf-8").replace("San Bernardino County", "San Bernadino County")
    root = yaml.compose(text)
    location = next(v for k, v in root.value if k.value == "location")
    county = next(v for k, v in location.value if k.value == "county")
    data = yaml.safe_load(text)["location"]
    found = geo.locate(atlas, data["state"], data["county"])
    assert isinstance(found, geo.Unmatched) and found.field == "county"
    finding = error(found.code, Loc(path, county.start_mark.line + 1, county.start_mark.column + 1), found.message)
    assert str(finding) == (
        "facilities/adelanto.yaml:10:11: error: no county 'San Bernadino County' in CA; "
        "did you mean 'San Bernardino County'? [location.county]"
    )


def sample_counties(atlas):
    sample = json.loads((REPO / "tests" / "data" / "map" / "lonlat-sample.json").read_text(encoding="utf-8"))
    assert sample["us-atlas"] == load_script().VERSION
    for fips, polygons in sorted(sample["counties"].items()):
        yield fips, tuple(tuple(tuple((x, y) for x, y in ring) for ring in poly) for poly in polygons)


def test_albers_usa_puts_counties_where_the_projected_atlas_has_them(atlas):
    # us-atlas projected its Census outlines with d3's geoAlbersUsa: projecting the unprojected
    # outlines of the same counties must land on them, in Alaska and Hawaii too.
    states, worst = set(), 0.0
    for fips, polygons in sample_counties(atlas):
        projected = tuple(tuple(tuple(geo.albers_usa(*p) for p in ring) for ring in poly) for poly in polygons)
        centroid = geo.Region(fips, "", projected).centroid()
        worst = max(worst, math.dist(centroid, atlas.county(fips).centroid()))
        states.add(fips[:2])
    assert {"02", "15"} <= states and len(states) > 20
    assert worst < 0.4  # atlas units, about 1.5 km: the two files are simplified apart


def test_albers_usa_leaves_out_what_is_off_the_map():
    assert geo.albers_usa(0.0, 0.0) is None
    assert geo.albers_usa(2.35, 48.86) is None


def test_coordinates_must_fall_in_the_named_county(atlas):
    fips, polygons = next(
        (f, p)
        for f, p in sample_counties(atlas)
        if f[:2] not in ("02", "15") and atlas.county(f).contains(geo.albers_usa(*_lonlat_centre(p)))
    )
    lonlat = _lonlat_centre(polygons)
    code, name = geo.state_code(fips[:2]), atlas.county(fips).name
    place = geo.locate(atlas, code, f"{name} County", lonlat=lonlat)
    assert place == geo.Place(geo.albers_usa(*lonlat), fips[:2], fips, "coordinates")
    other = next(n for f, n in atlas.counties_in(fips[:2]).items() if f != fips)
    wrong = geo.locate(atlas, code, f"{other} County", lonlat=lonlat)
    assert isinstance(wrong, geo.Unmatched) and wrong.field == "coordinates"
    assert wrong.message.endswith(f"are not in {other} ({code}) but in {name} ({code})")
    assert geo.locate(atlas, code, f"{name} County", lonlat=(2.35, 48.86)).message == (
        "coordinates (lat 48.86, lon 2.35) are outside the 50 states and DC"
    )


def _lonlat_centre(polygons) -> tuple[float, float]:
    ring = max((poly[0] for poly in polygons), key=len)
    return sum(x for x, _ in ring) / len(ring), sum(y for _, y in ring) / len(ring)


# --- The SVG, read back ------------------------------------------------------------------------


class Measure:
    """Text extents from the shipped font, measured here without mapsvg's own code."""

    def __init__(self) -> None:
        font = TTFont(FONT)
        self.units = font["head"].unitsPerEm
        self.advance = {c: font["hmtx"][g][0] for c, g in font.getBestCmap().items()}
        self.ascent, self.descent = font["hhea"].ascent / self.units, -font["hhea"].descent / self.units

    def box(self, text: ElementTree.Element, size: float) -> tuple[float, float, float, float]:
        x, y = float(text.get("x")), float(text.get("y"))
        width = sum(self.advance[ord(c)] for c in text.text) * size / self.units
        return x, y - self.ascent * size, x + width, y + self.descent * size


def read_map(svg: str):
    root = ElementTree.fromstring(svg)
    markers = {}
    for node in root.iter():
        if node.get("class", "").startswith("marker "):
            symbol = next(c for c in node if c.get("class", "").startswith("symbol"))
            markers[node.get("data-id")] = (node, symbol, (float(node.get("data-x")), float(node.get("data-y"))))
    return root, markers


def symbol_box(symbol: ElementTree.Element, point) -> tuple[float, float, float, float]:
    if symbol.tag == SVG + "circle":
        assert (float(symbol.get("cx")), float(symbol.get("cy"))) == point
        r = float(symbol.get("r")) + float(symbol.get("stroke-width")) / 2
    else:
        first = re.match(r"M([-\d.]+) ([-\d.]+)L([-\d.]+) ", symbol.get("d"))
        assert float(first[1]) == point[0]
        r = float(first[3]) - point[0] + float(symbol.get("stroke-width")) / 2
    return point[0] - r, point[1] - r, point[0] + r, point[1] + r


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def crosses(seg, box) -> bool:
    """Return whether a segment passes through a box, sampled finely."""
    (ax, ay), (bx, by) = seg
    steps = max(2, int(math.dist(seg[0], seg[1]) * 4))
    return any(
        box[0] < ax + (bx - ax) * t / steps < box[2] and box[1] < ay + (by - ay) * t / steps < box[3]
        for t in range(steps + 1)
    )


def check_layout(svg: str, atlas: geo.Atlas, markers: list[mapsvg.Marker], places: dict[str, str]) -> dict:
    """Assert what every map must hold; return each marker's label boxes by id."""
    root, found = read_map(svg)
    assert list(found) == [m.id for m in markers]  # one marker per facility, in order
    measure = Measure()
    labels, symbols = {}, {}
    for m in markers:
        node, symbol, point = found[m.id]
        assert point == (round(m.point[0], 1), round(m.point[1], 1))
        assert atlas.county(places[m.id]).contains(point), m.id  # inside its county, as drawn
        assert symbol.tag == (SVG + "circle" if m.status == "open" else SVG + "path")  # shape by status
        symbols[m.id] = symbol_box(symbol, point)
        labels[m.id] = [measure.box(t, float(t.get("font-size"))) for t in label_texts(node)]
        assert labels[m.id], f"{m.id} has no label"
    _, _, width, height = map(float, root.get("viewBox").split())
    boxes = [(mid, b) for mid, bs in labels.items() for b in bs]
    for i, (mid, a) in enumerate(boxes):
        assert 0 <= a[0] and a[2] <= width and 0 <= a[1] and a[3] <= height, mid
        for other, b in boxes[i + 1 :]:
            assert not overlap(a, b), (mid, other)
        for other, s in symbols.items():
            assert not overlap(a, s), (mid, other)
    for leader in root.iter(SVG + "path"):
        if leader.get("class") == "touch-leader":
            continue  # shown on a phone only, where the labels are not: test_on_a_phone_every_marker_...
        if not re.fullmatch(r"M[-\d.]+ [-\d.]+L[-\d.]+ [-\d.]+", leader.get("d")):
            continue
        a, b = [tuple(map(float, p.split())) for p in leader.get("d")[1:].split("L")]
        for mid, box in boxes:
            inner = (box[0] + 0.5, box[1] + 0.5, box[2] - 0.5, box[3] - 0.5)
            assert not crosses((a, b), inner), (leader.get("d"), mid)
        for mid, s in symbols.items():
            if math.dist(a, ((s[0] + s[2]) / 2, (s[1] + s[3]) / 2)) > 2 * mapsvg.SYMBOL_R:
                assert not crosses((a, b), s), (leader.get("d"), mid)
    return labels


def label_texts(marker: ElementTree.Element) -> list[ElementTree.Element]:
    """Return a marker's label lines: its own texts, not its touch target's number."""
    return [t for t in marker if t.tag == SVG + "text"]


def places_of(atlas, markers):
    return {m.id: geo.county_at(atlas, m.point) for m in markers}


def test_the_shipped_facilities_are_labelled_without_overlaps(atlas, style):
    markers = shipped_markers(atlas)
    drawing = mapsvg.draw_map(atlas, markers, WORDS, style)
    assert not drawing.numbered and drawing.key == () and drawing.unplaced == ()
    labels = check_layout(drawing.svg, atlas, markers, places_of(atlas, markers))
    root, found = read_map(drawing.svg)
    # Each label reads as the dossier's name, and the only other words are the ones passed in.
    for m in markers:
        node = found[m.id][0]
        assert " ".join(t.text for t in label_texts(node)) == m.label
        assert node.tag == SVG + "a" and node.get("href") == f"{m.id}.html" and node.get("aria-label") == m.label
    words = [t.text for t in root.iter(SVG + "text") if t not in {x for n, _, _ in found.values() for x in n.iter()}]
    assert words == ["LEGEND-OPEN", "LEGEND-ENDED"]
    assert len(labels) == 10


PHONE_MAP_PX = 278  # the home page's map at a 320 px screen, as Chromium draws it (the browser test below)


def touch_targets(svg: str) -> dict[str, tuple[float, float, float, float]]:
    """Return each marker's touch target as a box in CSS px at the narrowest screen, read from the SVG."""
    _, found = read_map(svg)
    px = PHONE_MAP_PX / 975
    boxes = {}
    for mid, (node, _, _) in found.items():
        (target,) = [e for e in node.iter() if e.get("class") == "touch-target"]
        if target.tag == SVG + "circle":
            x, y, r = (float(target.get(k)) for k in ("cx", "cy", "r"))
        else:
            x, y0, x1 = map(float, re.match(r"M([-\d.]+) ([-\d.]+)L([-\d.]+) ", target.get("d")).groups())
            r = x1 - x
            y = y0 + r
        boxes[mid] = ((x - r) * px, (y - r) * px, (x + r) * px, (y + r) * px)
    return boxes


def test_on_a_phone_every_marker_is_a_24_px_target_apart_from_the_others(atlas, style):
    """WCAG 2.5.8 on a 320 px screen: the markers were 5.6 px discs and 10.6 px diamonds, Winn's and
    LaSalle's 3.9 px apart, one on top of the other. Each is a numbered target at least 24 x 24 CSS px,
    none touching another, none on another facility's marker; the key numbers them in order."""
    markers = shipped_markers(atlas)
    drawing = mapsvg.draw_map(atlas, markers, WORDS, style)
    assert drawing.touch and ElementTree.fromstring(drawing.svg).get("class") == "map touch-map"
    boxes = touch_targets(drawing.svg)
    assert list(boxes) == [m.id for m in markers]
    for mid, b in boxes.items():
        assert b[2] - b[0] >= 24 and b[3] - b[1] >= 24, (mid, b)
        assert 0 <= b[0] and b[2] <= PHONE_MAP_PX, mid  # on the map
    for (a, b), (c, d) in itertools.combinations(boxes.items(), 2):
        assert not overlap(b, d), (a, c)
    px = PHONE_MAP_PX / 975
    for m in markers:
        for mid, b in boxes.items():
            if mid != m.id:
                assert not overlap(b, tuple(v * px for v in mapsvg._around(m.point, mapsvg.SYMBOL_R))), (mid, m.id)
    winn, lasalle = boxes["winn"], boxes["lasalle"]
    assert (
        math.dist(
            ((winn[0] + winn[2]) / 2, (winn[1] + winn[3]) / 2),
            ((lasalle[0] + lasalle[2]) / 2, (lasalle[1] + lasalle[3]) / 2),
        )
        >= 24
    )
    _, found = read_map(drawing.svg)
    numbers = [
        next(e.text for e in node.iter(SVG + "text") if e.get("class") == "touch-number")
        for node, _, _ in found.values()
    ]
    assert numbers == [str(i) for i in range(1, 11)]
    # The target has its marker's shape, as the legend does; the PDF's map, with no links, has none.
    for m in markers:
        (target,) = [e for e in found[m.id][0].iter() if e.get("class") == "touch-target"]
        assert target.tag == (SVG + "circle" if m.status == "open" else SVG + "path"), m.id
    printed = mapsvg.draw_map(atlas, shipped_markers(atlas, href=False), WORDS, style)
    assert not printed.touch and "touch" not in printed.svg


def test_a_map_too_crowded_for_touch_targets_keeps_its_markers(atlas, style):
    drawing = mapsvg.draw_map(atlas, bench_markers(atlas), WORDS, style)
    assert drawing.numbered and not drawing.touch and "touch" not in drawing.svg


def test_the_map_is_named_for_assistive_technology(atlas, style):
    svg = mapsvg.draw_map(atlas, shipped_markers(atlas), WORDS, style, id="where").svg
    root = ElementTree.fromstring(svg)
    assert root.get("role") is None  # it holds links: an img's children would be hidden
    assert root.get("aria-labelledby") == "where-title" and root.get("aria-describedby") == "where-desc"
    assert root.find(SVG + "title").get("id") == "where-title" and root.find(SVG + "title").text == "TITLE-WORDS"
    assert root.find(SVG + "desc").text == "DESCRIPTION-WORDS"
    plain = ElementTree.fromstring(mapsvg.draw_map(atlas, shipped_markers(atlas, href=False), WORDS, style).svg)
    assert plain.get("role") == "img" and not list(plain.iter(SVG + "a"))


def test_colours_and_type_come_from_the_design_tokens(atlas, style):
    svg = mapsvg.draw_map(atlas, shipped_markers(atlas), WORDS, style).svg
    tokens = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-f]+);", (REPO / "layouts/css/tokens.css").read_text()))
    used = set(re.findall(r'(?:fill|stroke)="(#[0-9a-f]+)"', svg)) - {"#fff"}
    assert used <= set(tokens.values())
    # the site's sans list, Serif's faces included for what Sans lacks (ḥ, ṣ: transliterated names)
    assert 'font-family=\'"Plex Sans", "Plex Serif", sans-serif\'' in svg


@pytest.mark.slow
def test_two_hundred_facilities_are_numbered_with_a_key(atlas, style):
    markers = bench_markers(atlas)
    drawing = mapsvg.draw_map(atlas, markers, WORDS, style)
    assert drawing.numbered and drawing.unplaced == ()
    assert drawing.key == tuple((i, m.id) for i, m in enumerate(markers, 1))
    check_layout(drawing.svg, atlas, markers, places_of(atlas, markers))
    _, found = read_map(drawing.svg)
    for number, mid in drawing.key:
        assert [t.text for t in found[mid][0].iter(SVG + "text")] == [str(number)]


def test_more_places_than_labels_switch_to_numbers(atlas, style):
    markers = shipped_markers(atlas)
    assert mapsvg.draw_map(atlas, markers, WORDS, style, max_labels=9).numbered


@pytest.mark.slow
def test_the_same_input_gives_the_same_bytes(atlas, style):
    markers = bench_markers(atlas, 60)
    first = mapsvg.draw_map(atlas, markers, WORDS, style).svg
    fresh = geo.load_atlas(MAP / geo.ATLAS_FILE)
    assert mapsvg.draw_map(fresh, markers, WORDS, style).svg == first
    assert mapsvg.draw_map(fresh, markers, WORDS, style).svg.encode() == first.encode()


def test_words_are_escaped(atlas, style):
    hostile = "<script>alert(\"x\")</script> & 'quotes'"
    markers = [mapsvg.Marker("x", hostile, shipped_markers(atlas)[0].point, "open", '"><script>', hostile)]
    svg = mapsvg.draw_map(atlas, markers, mapsvg.Words(hostile, hostile, hostile, hostile), style).svg
    root, found = read_map(svg)
    assert root.find(SVG + "title").text == hostile
    assert found["x"][0].get("href") == '"><script>' and found["x"][0].get("aria-label") == hostile
    assert "<script>" not in svg


def test_the_locator_shades_one_state_and_shows_one_marker(atlas, style):
    marker = shipped_markers(atlas)[0]
    svg = mapsvg.draw_locator(atlas, marker, "06", WORDS, style)
    root, found = read_map(svg)
    assert list(found) == [marker.id] and not list(root.iter(SVG + "text"))
    assert root.get("role") == "img" and root.find(SVG + "title").text == "TITLE-WORDS"
    shaded = [p for p in root.iter(SVG + "path") if p.get("class") == "state-highlight"]
    assert len(shaded) == 1 and len(svg) < 40_000


def test_weasyprint_draws_the_map_with_the_report_fonts(atlas, style):
    from pypdf import PdfReader
    from weasyprint import HTML

    markers = shipped_markers(atlas, href=False)
    svg = mapsvg.draw_map(atlas, markers, WORDS, style).svg
    fonts = (REPO / "layouts" / "css" / "fonts-print.css").as_uri()
    html = f'<html lang="en"><head><link rel="stylesheet" href="{fonts}"></head><body>{svg}</body></html>'
    reader = PdfReader(io.BytesIO(HTML(string=html, base_url=str(REPO / "layouts" / "css") + "/").write_pdf()))
    text = reader.pages[0].extract_text()
    for m in markers:
        assert all(word in text for word in m.label.split()), m.label
    assert "LEGEND-OPEN" in text
    resources = reader.pages[0]["/Resources"]
    names = set()
    for xobject in resources.get("/XObject", {}).values():
        names |= {f.get_object()["/BaseFont"] for f in xobject.get_object()["/Resources"].get("/Font", {}).values()}
    names |= {f.get_object()["/BaseFont"] for f in resources.get("/Font", {}).values()}
    assert any("Plex-Sans-Semi-Bold" in n for n in names), names


# --- In the report and on the site -------------------------------------------------------------


def _svgs(html: str) -> dict[str, str]:
    """Return every inline <svg> of a page by id."""
    return {m[1]: m[0] for m in re.finditer(r'<svg [^>]*\bid="([^"]+)"[^>]*>.*?</svg>', html, re.S)}


def _image_svgs(html: str) -> dict[str, str]:
    """Return the SVG of every data: URL image of a PDF chunk's HTML, by its alternative text."""
    import base64
    import html as htmllib

    found = {}
    for m in re.finditer(r'<img class="map" src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]*)">', html):
        found[htmllib.unescape(m[2])] = base64.b64decode(m[1]).decode()
    return found


def _edition_markers(atlas, edition, href: bool) -> tuple[list[mapsvg.Marker], dict[str, str]]:
    markers, places = [], {}
    for f in edition.facilities:
        place = edition.places[f.id]
        status = "open" if f.status.state == "open" else "ended"
        markers.append(mapsvg.Marker(f.id, f.name, place.point, status, f"{f.id}.html" if href else None))
        places[f.id] = place.county
    return markers, places


_POINTER = {
    "en": "A map of the United States with 10 detention centers, listed below.",
    "es": "Mapa de Estados Unidos con 10 centros de detención, que se enumeran a continuación.",
}
"""The full map's text equivalent: the facilities are listed after it, in the PDF and on the site."""


def _caption(html: str) -> str:
    """Return the text of the PDF map's caption, its runs of spaces made one."""
    import html as htmllib

    caption = re.search(r'<figure class="map-figure">.*?<figcaption>(.*?)</figcaption>', html, re.S)
    assert caption is not None
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", "", caption[1].replace("</li>", " "))).split())


def test_the_full_map_points_to_its_list_instead_of_reading_it_out(gathered) -> None:
    """The PDF's /Alt and the site's <desc> listed all 10 facilities (900 characters) right before the
    caption or the cards that list them again: a screen reader read the list twice."""
    from report.render.html import Renderer, environment
    from report.render.site import home_pages

    edition = gathered.edition
    ids = [None, *(f.id for f in edition.facilities)]
    for lang, localizer in gathered.localizers.items():
        renderer = Renderer(edition, localizer, environment(edition.root, localizer))
        front = renderer.front_chunk([]).html
        [alt] = _image_svgs(front)
        caption = _caption(front)
        info = {(lang, i): (f"{lang}/{i}.pdf", 1000, 1) for i in ids}
        [home] = [
            o.data.decode() for o in home_pages(edition, {lang: renderer}, info) if o.path == f"{lang}/index.html"
        ]
        desc = ElementTree.fromstring(_svgs(home)["where-map"]).find(SVG + "desc").text
        cards = home[home.index('<ol class="cards">') :]
        assert (alt, desc) == (_POINTER[lang], _POINTER[lang])
        for f in edition.facilities:  # said once: in the list after the map, not in its text equivalent
            assert f.name not in alt and f.name not in desc
            assert f.name in caption and f.name in cards


@pytest.fixture(scope="module")
def gathered(tmp_path_factory: pytest.TempPathFactory):
    """The gather phase over a copy of the shipped project (it keeps what it read in the copy's `.cache/`)."""
    import datetime as dt

    from report.commands.gather import GatherOptions, gather

    from .conftest import copy_project

    result = gather(copy_project(tmp_path_factory.mktemp("shipped")), GatherOptions(dt.date(2026, 1, 1)))
    assert result.edition is not None and set(result.edition.places) >= {f.id for f in result.edition.facilities}
    return result


@pytest.mark.slow
def test_gather_places_every_facility_in_its_dossiers_county(atlas, gathered):
    for f in gathered.edition.facilities:
        place = gathered.edition.places[f.id]
        assert geo.find_county(atlas, f.location.state, f.location.county) == place.county
        assert atlas.county(place.county).contains(place.point) and place.how == "county"
    assert not [x for x in gathered.findings if x.code.startswith("location.")]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_pdf_map_page_reads_back(atlas, gathered, lang):
    """The front matter's map: an image (a tagged figure) whose SVG holds every facility in its county."""
    from report.render.html import Renderer, environment

    renderer = Renderer(
        gathered.edition, gathered.localizers[lang], environment(gathered.edition.root, gathered.localizers[lang])
    )
    html = renderer.front_chunk([]).html
    assert re.search(
        r'<li class="toc-front"><a href="#map">[^<]+</a><span class="toc-page" data-target="#map"></span></li>', html
    )
    (alt, svg), *others = _image_svgs(html).items()
    assert not others
    markers, places = _edition_markers(atlas, gathered.edition, href=False)
    labels = check_layout(svg, atlas, markers, places)
    assert len(labels) == len(markers) == 10
    words = gathered.localizers[lang]
    assert alt == _POINTER[lang]  # the caption lists them
    caption = _caption(html)
    for f in gathered.edition.facilities:  # each facility with its list mark and state, in the page's language
        state = words.pgettext("state", geo.STATES[f.location.state][1])
        mark = "" if f.review.list_membership == "confirmed" else "*"  # the cover's mark: not yet confirmed
        assert f"{f.name}{mark}, {state} (" in caption, (f.name, mark, state)
    note = words.gettext(
        "Not yet confirmed as named on the 2021 First Ten list: we are checking it against the original report."
    )
    unconfirmed = [f for f in gathered.edition.facilities if f.review.list_membership != "confirmed"]
    assert len(unconfirmed) == caption.count("*, ") == 7  # no other name marked
    assert caption.endswith(f") * {note}")  # the list's note follows the list
    chapter = renderer.chapter_chunk(gathered.edition.facilities[0], 1).html
    (alt, svg), *others = _image_svgs(chapter).items()
    root, found = read_map(svg)
    assert list(found) == ["adelanto"] and not others and words.pgettext("state", "California") in alt
    assert atlas.county(places["adelanto"]).contains(found["adelanto"][2])


def test_the_site_maps_read_back(atlas, gathered, shipped):
    """Each language's home page: the map inline, one linked marker a facility, in its county, labels apart."""
    markers, places = _edition_markers(atlas, gathered.edition, href=True)
    for lang in ("en", "es"):
        html = (shipped / "dist" / lang / "index.html").read_text(encoding="utf-8")
        svg = _svgs(html)["where-map"]
        check_layout(svg, atlas, markers, places)
        root, found = read_map(svg)
        assert root.get("role") is None and root.find(SVG + "title").text
        for f in gathered.edition.facilities:
            node = found[f.id][0]
            assert node.tag == SVG + "a" and node.get("href") == f"{f.id}.html"
            assert (shipped / "dist" / lang / node.get("href")).is_file()
        assert root.find(SVG + "desc").text == _POINTER[lang]  # the cards list them
        page = (shipped / "dist" / lang / "winn.html").read_text(encoding="utf-8")
        locator = _svgs(page)["winn-locator"]
        _, found = read_map(locator)
        assert list(found) == ["winn"] and atlas.county(places["winn"]).contains(found["winn"][2])


def test_the_pdf_map_is_a_figure_in_the_outline_and_the_contents(gathered, shipped):
    from pypdf import PdfReader

    from .pdfcheck import structure_elements_in_order

    facilities = gathered.edition.facilities
    for lang in ("en", "es"):
        words = gathered.localizers[lang]
        title, intro = words.gettext("Where the facilities are"), words.gettext("Introduction")
        reader = PdfReader(shipped / "dist" / lang / f"first-ten-{lang}.pdf")
        outline = [item for item in reader.outline if not isinstance(item, list)]
        names = [item.title for item in outline]
        assert names[names.index(intro) + 1] == title  # right after the introduction
        page = reader.get_destination_page_number(outline[names.index(title)])
        assert title in reader.pages[1].extract_text()  # the contents
        text = reader.pages[page].extract_text()
        assert all(f.name.split()[0] in text for f in facilities)  # vector labels, not a picture
        alts = [str(e.get("/Alt", "")) for e in structure_elements_in_order(reader) if e["/S"] == "/Figure"]
        assert alts.count(_POINTER[lang]) == 1, alts  # the caption lists the facilities
        locators = [a for a in alts if sum(f.name in a for f in facilities) == 1]
        assert len(locators) == len(facilities)  # one in each chapter's facts box


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_facts_box_holds_its_locator(gathered, lang):
    """The locator floats beside the facts box's last rows and inside it. (When each row was a
    flex box, the map hung below the box's bottom edge, over the text that follows.)"""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from report.pdf.verify import _walk
    from report.render.html import Renderer, environment

    words = gathered.localizers[lang]
    renderer = Renderer(gathered.edition, words, environment(gathered.edition.root, words))
    irwin = next(f for f in gathered.edition.facilities if f.id == "irwin")
    html = renderer.chapter_chunk(irwin, 1).html
    fonts = FontConfiguration()
    css = [weasyprint.CSS(filename=str(REPO / "layouts/css/print.css"), font_config=fonts)]
    page = (
        weasyprint.HTML(string=html, base_url=(REPO / "layouts" / "pdf").as_uri() + "/")
        .render(stylesheets=css, font_config=fonts)
        .pages[0]
    )

    def box(tag: str, name: str):
        """The outermost box of the <tag class="name"> on the page."""
        return next(
            b
            for b, _ in _walk(page._page_box)
            if b.element_tag == tag and name in (b.element.get("class") or "").split()
        )

    facts, locator = box("section", "facts"), box("figure", "locator")
    assert facts.border_box_y() < locator.border_box_y()
    assert locator.border_box_y() + locator.border_height() <= facts.border_box_y() + facts.border_height()
    assert locator.border_box_x() + locator.border_width() <= facts.border_box_x() + facts.border_width()


def _msgstr_emptied(root: Path, msgid: str, msgstr: str) -> None:
    """Empty one Spanish translation, as a translator who has not done it yet leaves it."""
    from .conftest import replace

    replace(root, "i18n/es/LC_MESSAGES/messages.po", f"{msgid}\nmsgstr {msgstr}\n", f'{msgid}\nmsgstr ""\n')


@pytest.mark.slow
def test_map_words_that_fall_back_say_they_are_english(tmp_path):
    """The Spanish site's map (title and legend) and locator, and the PDF's locator and draft notice,
    with their words untranslated: each text printed in English carries lang="en" (/Lang en in the
    PDF); the page's own don't."""
    import datetime as dt

    import pikepdf
    import weasyprint

    from report.commands.build import _metadata
    from report.commands.gather import GatherOptions, gather
    from report.pdf.tags import declare_languages_and_notes, simplify
    from report.render.html import Renderer, environment
    from report.render.site import facility_pages, home_pages

    from .conftest import copy_project

    root = copy_project(tmp_path / "project", ["adelanto"])
    _msgstr_emptied(root, 'msgid "Where the facilities are"', '"Dónde están los centros"')
    _msgstr_emptied(
        root,
        'msgid ""\n"A map of the United States with %(state)s shaded and a mark where %(name)s "\n"is, %(in_county)s."',
        '""\n"Mapa de Estados Unidos con el estado de %(state)s sombreado y una marca "\n"donde está %(name)s, %(in_county)s."',
    )
    _msgstr_emptied(root, 'msgid "ICE detention has ended"', '"ICE ya no detiene a personas aquí"')
    _msgstr_emptied(root, 'msgid "Draft"', '"Borrador"')
    _msgstr_emptied(
        root,
        'msgid "Not the released edition: facts and translations may still change."',
        '""\n"No es la edición definitiva: los datos y las traducciones todavía pueden "\n"cambiar."',
    )
    gathered = gather(root, GatherOptions(dt.date(2026, 1, 1)))
    assert gathered.edition is not None
    renderers = {
        lang: Renderer(gathered.edition, loc, environment(root, loc)) for lang, loc in gathered.localizers.items()
    }
    info = {(lang, f): (f"{lang}/x.pdf", 1000, 1) for lang in renderers for f in (None, "adelanto")}
    pages = {o.path: o.data.decode() for o in home_pages(gathered.edition, renderers, info)}
    pages |= {
        o.path: o.data.decode()
        for o in facility_pages(root, gathered.edition, renderers, info, frozenset({"adelanto"}))
    }

    def langs(page: str, id: str) -> dict[str, str | None]:
        svg = ElementTree.fromstring(_svgs(pages[page])[id])
        return {e.tag.removeprefix(SVG): e.get("lang") for e in (svg.find(SVG + "title"), svg.find(SVG + "desc"))}

    assert langs("es/index.html", "where-map") == {"title": "en", "desc": None}
    assert langs("es/adelanto.html", "adelanto-locator") == {"title": None, "desc": "en"}
    assert langs("en/index.html", "where-map") == {"title": None, "desc": None}
    assert langs("en/adelanto.html", "adelanto-locator") == {"title": None, "desc": None}

    def legend(page: str) -> list[tuple[str | None, str | None]]:
        svg = ElementTree.fromstring(_svgs(pages[page])["where-map"])
        return [(e.text, e.get("lang")) for e in svg.iterfind(f"{SVG}g[@class='legend']/{SVG}text")]

    assert legend("es/index.html") == [("ICE detiene a personas aquí", None), ("ICE detention has ended", "en")]
    assert legend("en/index.html") == [("ICE detains people here", None), ("ICE detention has ended", None)]

    spanish = renderers["es"]
    chapter = spanish.chapter_chunk(gathered.edition.facilities[0], 1).html
    assert re.findall(r'<img class="map" src="[^"]+" alt="([^"]+)" lang="([^"]+)">', chapter) == [
        (
            "A map of the United States with California shaded and a mark where Adelanto ICE Processing Center"
            " is, en el condado de San Bernardino.",  # the county in the page's words, as the fallback gets them
            "en",
        )
    ]
    declare_languages_and_notes()
    css = [weasyprint.CSS(filename=str(REPO / "layouts/css/print.css"))]
    html = weasyprint.HTML(string=chapter, base_url=(REPO / "layouts" / "pdf").as_uri() + "/")
    with pikepdf.Pdf.open(io.BytesIO(simplify(html.write_pdf(stylesheets=css, pdf_variant="pdf/ua-1")))) as pdf:
        stack, figures = list(pdf.Root.StructTreeRoot.K), []
        while stack:
            element = stack.pop()
            if isinstance(element, pikepdf.Dictionary) and "/S" in element:
                if element.S == "/Figure":
                    figures.append((str(element.get("/Alt")), str(element.get("/Lang"))))
                kids = element.get("/K", [])
                stack += list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    assert [lang for alt, lang in figures if alt.startswith("A map of the United States")] == ["en"]
    assert (spanish.draft_words()[1], spanish.draft_language()) == (
        "Draft. Not the released edition: facts and translations may still change.",
        "en",
    )
    assert renderers["en"].draft_language() == "en"
    assert [_metadata(gathered.edition, r, "T", "S").notice_lang for r in renderers.values()] == ["", "en"]


def test_the_phone_key_marks_what_the_desktop_labels_mark(tmp_path: Path) -> None:
    """On a phone the labels are hidden and the numbered key names the facilities: it named them
    alone, without the review mark a desktop label carries beside a status under review."""
    import datetime as dt
    import html

    from report.commands.gather import GatherOptions, gather
    from report.render.html import Renderer, environment
    from report.render.site import home_pages

    from .conftest import copy_project

    root = copy_project(tmp_path / "p")
    gathered = gather(root, GatherOptions(dt.date.today(), load_stylesheets=False))
    edition = gathered.edition
    assert edition is not None
    ids = [f.id for f in edition.facilities]
    for lang, mark in (("en", "[under review]"), ("es", "[en revisión]")):
        localizer = gathered.localizers[lang]
        renderers = {lang: Renderer(edition, localizer, environment(root, localizer))}
        pdfs = {(lang, key): (f"{lang}/{key or 'report'}-{lang}.pdf", 1000, 1) for key in [None, *ids]}
        page = next(o for o in home_pages(edition, renderers, pdfs) if o.path == f"{lang}/index.html").data.decode()
        key = re.search(r'<ol class="map-key touch-key">(.*?)</ol>', page, re.S)
        assert key is not None
        items = [
            " ".join(html.unescape(re.sub(r"<[^>]+>", "", li)).split())
            for li in re.findall(r"<li[^>]*>(.*?)</li>", key[1], re.S)
        ]
        labels = {
            node.get("data-id"): " ".join(
                "".join(t.itertext()) for t in node.iter(SVG + "text") if t.get("class") != "touch-number"
            )
            for node, _, _ in read_map(re.search(r"<svg [^>]*id=\"where-map\".*?</svg>", page, re.S)[0])[1].values()
        }
        assert items == [f.name + (f" {mark}" if f.status.review else "") for f in edition.facilities]
        assert [mark in labels[f.id] for f in edition.facilities] == [mark in item for item in items]
        assert sum(mark in item for item in items) == 3


MAP_PROBE = """() => {
  const figure = document.querySelector('.map-figure').getBoundingClientRect();
  const map = document.querySelector('.map-figure svg.map').getBoundingClientRect();
  const shown = e => e.getClientRects().length > 0;
  return {
    map: [Math.round(map.left), Math.round(map.right)],
    figure: [Math.round(figure.left), Math.round(figure.right)],
    page: document.documentElement.scrollWidth,
    inside: [...document.querySelectorAll('.map-figure a.marker .symbol')].map(s => {
      const r = s.getBoundingClientRect();
      return r.width > 0 && r.left >= figure.left && r.right <= figure.right;
    }),
    labels: [...document.querySelectorAll('.map-figure .marker > text')].filter(shown).length,
    targets: [...document.querySelectorAll('.map-figure a.marker')].map(a => {
      const r = a.querySelector('.touch-target').getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return [a.dataset.id, Math.min(r.width, r.height), hit && hit.closest('a') ? hit.closest('a').dataset.id : null];
    }),
    key: [...document.querySelectorAll('.touch-key li')].filter(shown).map(li => li.value + ' ' + li.textContent),
    legend: [...document.querySelectorAll('.map-legend li')].filter(shown).map(li => li.textContent.trim()),
    svgLegend: [...document.querySelectorAll('.map-figure svg.map .legend')].filter(shown).length,
  };
}"""


@pytest.mark.slow
def test_the_home_page_map_is_whole_at_a_phone_width_and_labelled_on_a_desktop(tmp_path: Path, browser) -> None:
    """At 390 px the map was 678 px wide in a 348 px box that scrolled sideways with no sign of it:
    2 of the 10 facilities showed. It is drawn at the box's width: every marker inside it, the labels
    (5 px there) and the drawing's legend hidden, the legend in the page's type under it; at 1280 px
    the map is as before, labelled, with its own legend."""
    import datetime as dt

    from report.commands.gather import GatherOptions, gather
    from report.render.html import Renderer, environment
    from report.render.site import _assets, home_pages

    from .browser import serve
    from .conftest import copy_project

    root = copy_project(tmp_path / "p")
    gathered = gather(root, GatherOptions(dt.date.today(), load_stylesheets=False))
    edition = gathered.edition
    assert edition is not None and gathered.ok, [str(f) for f in gathered.findings]
    localizer = gathered.localizers["en"]
    renderers = {"en": Renderer(edition, localizer, environment(root, localizer))}
    ids = [f.id for f in edition.facilities]
    pdfs = {("en", key): (f"en/{key or 'report'}-en.pdf", 1000, 1) for key in [None, *ids]}
    site = tmp_path / "site"
    for output in [*_assets(root), *home_pages(edition, renderers, pdfs)]:
        (site / output.path).parent.mkdir(parents=True, exist_ok=True)
        (site / output.path).write_bytes(output.data)
    seen = {}
    with serve(site) as base:
        for width in (320, 390, 1280):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(base + "en/index.html")
            page.locator("svg.map").scroll_into_view_if_needed()
            seen[width] = page.evaluate(MAP_PROBE)
            page.close()
    legend = ["ICE detains people here", "ICE detention has ended"]
    # At 320 px each marker is its numbered target, at least 24 px, and a tap on its centre opens
    # it (Winn's and LaSalle's were 5.6 px, 3.9 px apart); the key under the map numbers them.
    narrowest = seen[320]
    assert narrowest["map"] == [21, 299] and narrowest["map"][1] - narrowest["map"][0] == PHONE_MAP_PX, narrowest
    assert [(fid, hit) for fid, _, hit in narrowest["targets"]] == [(f, f) for f in ids], narrowest["targets"]
    assert all(size >= 24 for _, size, _ in narrowest["targets"]), narrowest["targets"]
    marks = [" [under review]" if f.status.review else "" for f in edition.facilities]
    assert narrowest["key"] == [
        f"{i} {f.name}{mark}" for i, (f, mark) in enumerate(zip(edition.facilities, marks, strict=True), 1)
    ]
    assert marks.count(" [under review]") == 3  # as the desktop labels mark them
    assert [size for _, size, _ in seen[1280]["targets"]] == [0] * 10 and seen[1280]["key"] == []
    phone, desktop = seen[390], seen[1280]
    assert (phone["map"], phone["figure"], phone["page"]) == ([21, 369], [21, 369], 390), phone
    assert phone["inside"] == [True] * 10 and (phone["labels"], phone["legend"], phone["svgLegend"]) == (0, legend, 0)
    assert (desktop["map"], desktop["figure"], desktop["page"]) == ([23, 1258], [23, 1258], 1280), desktop
    assert desktop["inside"] == [True] * 10 and (desktop["labels"], desktop["legend"], desktop["svgLegend"]) == (
        21,
        [],
        1,
    )
