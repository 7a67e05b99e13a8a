"""The map as SVG: state outlines, a marker per facility by status, labels that never overlap.

`draw_map` draws the whole country with every facility; `draw_locator` a small map of one. Both
take their words already translated (the caller localizes) and the colours and type of
`layouts/css/tokens.css` (see `Style.load`), and return deterministic SVG: the same input gives
the same bytes. Markers differ by shape as well as colour (a filled disc where ICE detains people,
an open diamond where ICE detention has ended) so the map reads in greyscale print.

Labels are placed greedily beside their marker, then further out with a leader line, never on
another label, marker or leader. When there are more places than `max_labels`, or one label finds
no room, every facility gets a number instead and `Drawing.key` says which: the caller prints the
key as a list, which is also the map's text equivalent. Facilities at the same place (two in one
county) share one spot: their markers coincide (a disc inside a diamond when the statuses differ)
and their labels or numbers stack. A map whose markers are links also gives each one a numbered
touch target for a phone (`TOUCH_R`, shown by site.css only there), apart from every other,
when they all find room. Imports only `geo` of the report.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Literal, Sequence
from weakref import WeakKeyDictionary
from xml.sax.saxutils import escape, quoteattr

from ..content.geo import Atlas, Point, Ring

Status = Literal["open", "ended"]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1

DISC_R = 4.5  # the open marker's radius, in atlas units (975 across)
DIAMOND_R = 8.5  # the ended marker's half diagonal: a disc fits inside it
SYMBOL_R = DIAMOND_R + 1.5  # what a label keeps clear of, around any marker
# A phone's touch target, half its width: the map is 278 CSS px wide at the narrowest screen (320
# px), 0.284 px a unit: the target drawn 2 * (46 - 2) units across is 25 px, over the 24 x 24
# WCAG 2.5.8 asks for.
TOUCH_R = 46.0


@dataclass(frozen=True)
class Marker:
    """One facility on the map: where, what it is called there, its status and its link."""

    id: str
    label: str
    point: Point
    status: Status
    href: str | None = None
    name: str | None = None  # the link's accessible name; defaults to the label
    note: str = ""  # a line under the label, and in the link's name: the review mark of a status under review


@dataclass(frozen=True)
class Words:
    """The map's words, already in the reader's language."""

    title: str  # the accessible name
    description: str  # the text alternative: which facilities, in which states
    open: str = ""  # legend: ICE detains people here
    ended: str = ""  # legend: ICE detention has ended
    title_lang: str = ""  # the title's language where it is not the page's: English where it falls back
    description_lang: str = ""  # the description's, likewise
    open_lang: str = ""  # the legend's first entry's, likewise
    ended_lang: str = ""  # the legend's second entry's, likewise


@dataclass(frozen=True)
class Metrics:
    """Advance widths and line extents of one font, to measure labels before drawing them."""

    widths: dict[int, int] = field(repr=False)
    default: int
    units: int
    ascent: float
    descent: float

    @classmethod
    def load(cls, path: str | Path) -> Metrics:
        """Return the metrics of a TrueType file (read with fontTools, which WeasyPrint uses)."""
        return _metrics(str(path))

    def width(self, text: str, size: float) -> float:
        """Return the advance width of a line of text at a size, without kerning (slightly wide)."""
        return sum(self.widths.get(ord(ch), self.default) for ch in text) * size / self.units

    def box(self, text: str, size: float, x: float, y: float, anchor: str = "start") -> Box:
        """Return the line box of text drawn with its baseline at y."""
        w = self.width(text, size)
        x0 = x - w if anchor == "end" else x - w / 2 if anchor == "middle" else x
        return x0, y - self.ascent * size, x0 + w, y + self.descent * size


@lru_cache(maxsize=8)
def _metrics(path: str) -> Metrics:
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

    with TTFont(path, lazy=True) as font:
        hmtx, units = font["hmtx"], font["head"].unitsPerEm
        widths = {code: hmtx[glyph][0] for code, glyph in font.getBestCmap().items()}
        hhea = font["hhea"]
        return Metrics(widths, hmtx[".notdef"][0], units, hhea.ascent / units, -hhea.descent / units)


@dataclass(frozen=True)
class Style:
    """Colours and type from the report's design tokens, and the font that measures labels."""

    colors: dict[str, str]
    font_family: str
    metrics: Metrics
    font_weight: int = 600

    @classmethod
    def load(cls, tokens_css: str | Path, font_file: str | Path, font_weight: int = 600) -> Style:
        """Return the style of `tokens.css` (its `--name: value` colours and `--sans`) and a font file."""
        css = Path(tokens_css).read_text(encoding="utf-8")
        values = dict(re.findall(r"--([\w-]+)\s*:\s*([^;]+);", css))
        colors = {k: v.strip() for k, v in values.items() if re.fullmatch(r"#[0-9a-fA-F]{3,8}", v.strip())}
        return cls(colors, values["sans"].strip(), Metrics.load(font_file), font_weight)

    def color(self, name: str) -> str:
        return self.colors[name]


@dataclass(frozen=True)
class Drawing:
    """A drawn map: its SVG, and the numbered key when numbers stand in for labels."""

    svg: str
    numbered: bool
    key: tuple[tuple[int, str], ...] = ()  # (number, marker id), in the markers' order
    unplaced: tuple[str, ...] = ()  # markers whose label or number found no room (still in the key)
    touch: bool = False  # every marker has its numbered touch target (numbered in the markers' order)


# --- The full map ------------------------------------------------------------------------------


def draw_map(
    atlas: Atlas,
    markers: Sequence[Marker],
    words: Words,
    style: Style,
    *,
    id: str = "map",
    label_size: float = 15.0,
    max_labels: int = 24,
    detail: float = 0.3,
) -> Drawing:
    """Return the map of every facility, with a legend, labelled or numbered.

    `label_size` is in atlas units: the map prints about 0.5 pt a unit on a letter page, so 15
    is about 7.5 pt. `detail` is the simplification tolerance of the outlines, in atlas units.
    """
    ids = [m.id for m in markers]
    if len(set(ids)) != len(ids):
        raise ValueError("marker ids must be unique")
    legend, legend_h = _legend(words, style, label_size, atlas.width, atlas.height)
    bounds = (2.0, 2.0, atlas.width - 2, atlas.height - 2)
    sites = _sites(markers)
    placement = None
    if len(sites) <= max_labels:
        placement = _place(
            sites,
            {m.id: _label_lines(m.label, style, label_size) + ([m.note] if m.note else []) for m in markers},
            style,
            label_size,
            bounds,
        )
        if placement.unplaced:
            placement = None
    numbered = placement is None
    numbers = {m.id: i for i, m in enumerate(markers, 1)}
    if numbered:
        size = label_size * 0.85
        placement = _place(sites, {m.id: [str(numbers[m.id])] for m in markers}, style, size, bounds, numbers=True)
    assert placement is not None
    interactive = any(m.href for m in markers)
    badges = _touch_targets(markers, (0.0, 0.0, atlas.width, atlas.height)) if interactive and not numbered else None
    out = _open_svg(
        id, words, (atlas.width, atlas.height + legend_h), interactive=interactive, touch=badges is not None
    )
    out += _land(atlas, style, detail)
    out.append(f'<g class="leaders" fill="none" stroke="{style.color("muted")}" stroke-width="0.8">')
    out += [f'<path d="M{_n(a[0])} {_n(a[1])}L{_n(b[0])} {_n(b[1])}"/>' for a, b in placement.leaders]
    out.append("</g>")
    out.append(
        f'<g class="markers" font-family={quoteattr(style.font_family)} font-weight="{style.font_weight}" '
        f'fill="{style.color("ink")}">'
    )
    for m in markers:
        badge = (numbers[m.id], badges[m.id]) if badges else None
        out += _marker(m, style, placement.texts.get(m.id, ()), placement.size, badge=badge)
    out.append("</g>")
    out += legend
    out.append("</svg>")
    key = tuple((numbers[m.id], m.id) for m in markers) if numbered else ()
    return Drawing("\n".join(out) + "\n", numbered, key, tuple(placement.unplaced), touch=badges is not None)


def draw_locator(
    atlas: Atlas,
    marker: Marker,
    state: str,
    words: Words,
    style: Style,
    *,
    id: str = "locator",
    detail: float = 2.0,
) -> str:
    """Return a small map of the country with one state (FIPS code) shaded and one marker."""
    out = _open_svg(id, words, (atlas.width, atlas.height), interactive=False)
    out += _land(atlas, style, detail, highlight=state)
    big = Marker(marker.id, "", marker.point, marker.status)
    out.append('<g class="markers">')
    out += _marker(big, style, (), 0, scale=2.2)
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


# --- Layout ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Site:
    """Markers that share one label: a place, or in numbered maps places whose markers touch."""

    point: Point  # where the label's leader starts
    markers: tuple[Marker, ...]
    reach: float = 0.0  # how far the farthest marker lies from `point`


@dataclass
class _Placement:
    size: float
    texts: dict[str, list[tuple[str, float, float]]] = field(default_factory=dict)  # id -> (text, x, baseline)
    leaders: list[tuple[Point, Point]] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)


def _sites(markers: Sequence[Marker]) -> list[_Site]:
    """Return the distinct places, each with its markers, in the order they first appear."""
    sites: dict[tuple[int, int], list[Marker]] = {}
    for m in markers:
        sites.setdefault((round(m.point[0] * 10), round(m.point[1] * 10)), []).append(m)
    return [_Site(ms[0].point, tuple(ms)) for ms in sites.values()]


def _clusters(sites: list[_Site], distance: float = 2 * SYMBOL_R) -> list[_Site]:
    """Return the sites merged where their markers touch, each group at most `distance` across."""
    groups: list[list[_Site]] = []
    for site in sites:
        for group in groups:
            if all(math.dist(site.point, other.point) <= distance for other in group):
                group.append(site)
                break
        else:
            groups.append([site])
    merged = []
    for group in groups:
        xs, ys = [g.point[0] for g in group], [g.point[1] for g in group]
        centre = (sum(xs) / len(xs), sum(ys) / len(ys))
        reach = max(math.dist(centre, g.point) for g in group)
        merged.append(_Site(centre, tuple(m for g in group for m in g.markers), reach))
    return merged


def _label_lines(label: str, style: Style, size: float, max_width: float = 190.0) -> list[str]:
    """Return a label as one line, or two balanced lines when it is wider than `max_width`."""
    words = label.split()
    if len(words) < 2 or style.metrics.width(label, size) <= max_width:
        return [label]
    splits: list[tuple[str, str]] = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]

    def widest(split: tuple[str, str]) -> float:
        return max(style.metrics.width(split[0], size), style.metrics.width(split[1], size))

    first, second = min(splits, key=widest)
    return [first, second]


def _block(site: _Site, lines: dict[str, list[str]], style: Style, size: float, per_row: int):
    """Return a site's label block: its width, height and each marker's lines relative to the block.

    Labels stack one line under another; numbers (`per_row` > 0) go side by side, a few to a row.
    """
    lead = size * (style.metrics.ascent + style.metrics.descent) + 0.5  # line boxes apart after rounding
    rows: list[list[tuple[str, str, float]]] = []  # (marker id, text, width)
    if per_row:
        items = [(m.id, lines[m.id][0], style.metrics.width(lines[m.id][0], size)) for m in site.markers]
        rows = [items[i : i + per_row] for i in range(0, len(items), per_row)]
    else:
        for m in site.markers:
            rows += [[(m.id, text, style.metrics.width(text, size))] for text in lines[m.id]]
    gap = size * 0.45
    width = max(sum(w for _, _, w in row) + gap * (len(row) - 1) for row in rows)
    placed: list[tuple[str, str, float, float]] = []  # marker id, text, dx, baseline dy
    for r, row in enumerate(rows):
        x = 0.0
        for mid, text, w in row:
            placed.append((mid, text, x, r * lead + style.metrics.ascent * size))
            x += w + gap
    return width, len(rows) * lead, placed


_DISTANCES = (26, 38, 54, 74, 98, 128, 165, 210, 265, 330, 410)


def _candidates(p: Point, w: float, h: float, reach: float = 0.0) -> Iterable[tuple[Box, Point | None]]:
    """Yield label boxes around a point, nearest first: beside it, then out on a leader line."""
    x, y = p
    s = SYMBOL_R + 1 + reach
    yield (x + s, y - h / 2, x + s + w, y + h / 2), None  # right
    yield (x - s - w, y - h / 2, x - s, y + h / 2), None  # left
    yield (x - w / 2, y - s - h, x + w / 2, y - s), None  # above
    yield (x - w / 2, y + s, x + w / 2, y + s + h), None  # below
    d = s * 0.75
    yield (x + d, y - d - h, x + d + w, y - d), None  # above right
    yield (x + d, y + d, x + d + w, y + d + h), None  # below right
    yield (x - d - w, y - d - h, x - d, y - d), None  # above left
    yield (x - d - w, y + d, x - d, y + d + h), None  # below left
    for base in _DISTANCES:
        dist = base + reach
        for k in range(19):  # 0, 10, -10, 20, -20... degrees from east, and the same from west
            a = math.radians((k + 1) // 2 * (10 if k % 2 else -10))
            for angle in (a, math.pi - a):
                ux, uy = math.cos(angle), math.sin(angle)
                qx, qy = x + dist * ux, y + dist * uy
                if ux > 0.25:
                    box = (qx, qy - h / 2, qx + w, qy + h / 2)
                elif ux < -0.25:
                    box = (qx - w, qy - h / 2, qx, qy + h / 2)
                elif uy < 0:
                    box = (qx - w / 2, qy - h, qx + w / 2, qy)
                else:
                    box = (qx - w / 2, qy, qx + w / 2, qy + h)
                yield box, (qx, qy)


class _Grid:
    """Boxes filed by the cells of a coarse grid, so a look-up reads only its neighbourhood."""

    def __init__(self, cell: float = 32.0) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[tuple[Box, int]]] = {}

    def _keys(self, box: Box) -> Iterable[tuple[int, int]]:
        c = self.cell
        for i in range(math.floor(box[0] / c), math.floor(box[2] / c) + 1):
            for j in range(math.floor(box[1] / c), math.floor(box[3] / c) + 1):
                yield i, j

    def add(self, box: Box, tag: int = -1) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append((box, tag))

    def overlaps(self, box: Box) -> bool:
        return any(_overlap(box, b) for key in self._keys(box) for b, _ in self.cells.get(key, ()))

    def crossed_by(self, seg: tuple[Point, Point], ignore: int) -> bool:
        (ax, ay), (bx, by) = seg
        near = (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))
        return any(tag != ignore and _hits(seg, b) for key in self._keys(near) for b, tag in self.cells.get(key, ()))


def _place(
    sites: list[_Site],
    lines: dict[str, list[str]],
    style: Style,
    size: float,
    bounds: Box,
    numbers: bool = False,
) -> _Placement:
    """Return label positions that overlap no other label, marker or leader line.

    The most crowded places choose first (ties keep the caller's order); if some find no room,
    the layout starts over with those first, a few times, and keeps the best attempt.
    """
    if numbers:
        sites = _clusters(sites)
    crowd = [sum(1 for o in sites if math.dist(o.point, s.point) < 150) for s in sites]
    order = sorted(range(len(sites)), key=lambda i: -crowd[i])
    best: _Placement | None = None
    strict = True
    for _ in range(5):
        result, failed = _attempt(sites, order, lines, style, size, bounds, numbers, strict)
        if not failed:
            return result
        if best is not None and len(result.unplaced) >= len(best.unplaced):
            if not strict:
                break
            strict = False  # no better: let a leader cross another leader rather than leave a place bare
        if best is None or len(result.unplaced) < len(best.unplaced):
            best = result
        order = failed + [i for i in order if i not in failed]
    assert best is not None  # the first attempt either returned or became `best`
    return best


def _attempt(sites, order, lines, style, size, bounds, numbers, strict) -> tuple[_Placement, list[int]]:
    result = _Placement(size)
    pad = size * 0.15
    grids = _Grid(), _Grid(), _Grid()  # markers, labels, leaders
    for i, site in enumerate(sites):
        for m in site.markers:
            grids[0].add(_around(m.point, SYMBOL_R), i)
    failed = []
    for i in order:
        site = sites[i]
        # Numbers try a block five wide, then one row, then narrow columns.
        shapes = (5, 10, 3, 20) if numbers and len(site.markers) > 1 else (1,) if numbers else (0,)
        for per_row in shapes:
            block = _block(site, lines, style, size, per_row)
            if _place_site(i, site, block, pad, bounds, grids, result, strict):
                break
        else:
            failed.append(i)
            result.unplaced += [m.id for m in site.markers]
    return result, failed


def _place_site(
    i, site, block, pad, bounds, grids: tuple[_Grid, _Grid, _Grid], result: _Placement, strict: bool
) -> bool:
    """Place one label block at the first free candidate; return whether there was one."""
    markers, labels, leaders = grids
    width, height, items = block
    for box, elbow in _candidates(site.point, width, height, site.reach):
        padded = (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)
        if not _within(padded, bounds) or any(g.overlaps(padded) for g in grids):
            continue
        leader = None
        if elbow is not None:
            leader = (_toward(site.point, elbow, SYMBOL_R - 1 + site.reach), _edge(elbow, box))
            if markers.crossed_by(leader, ignore=i) or labels.crossed_by(leader, ignore=-2):
                continue
            if strict and (leaders.crossed_by(leader, ignore=-2) or any(_cross(leader, o) for o in result.leaders)):
                continue
        labels.add(padded)
        result.boxes.append(padded)
        if leader:
            result.leaders.append(leader)
            for b in _segment_boxes(leader):  # later labels keep off this leader
                leaders.add(b)
        for mid, text, dx, dy in items:
            result.texts.setdefault(mid, []).append((text, box[0] + dx, box[1] + dy))
        return True
    return False


def _around(p: Point, r: float) -> Box:
    return p[0] - r, p[1] - r, p[0] + r, p[1] + r


def _within(b: Box, bounds: Box) -> bool:
    return b[0] >= bounds[0] and b[1] >= bounds[1] and b[2] <= bounds[2] and b[3] <= bounds[3]


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _toward(p: Point, q: Point, r: float) -> Point:
    d = math.dist(p, q) or 1.0
    return p[0] + (q[0] - p[0]) * r / d, p[1] + (q[1] - p[1]) * r / d


def _edge(q: Point, box: Box) -> Point:
    """Return the point of the box's edge nearest to q (where the leader meets the label)."""
    return min(max(q[0], box[0]), box[2]), min(max(q[1], box[1]), box[3])


def _segment_boxes(seg: tuple[Point, Point], step: float = 6.0) -> list[Box]:
    """Return small boxes along a leader, so later labels keep off it."""
    (ax, ay), (bx, by) = seg
    n = max(1, int(math.dist(seg[0], seg[1]) / step))
    return [_around((ax + (bx - ax) * t / n, ay + (by - ay) * t / n), 1.2) for t in range(n + 1)]


def _hits(seg: tuple[Point, Point], box: Box) -> bool:
    """Return whether a segment passes through a box (Liang-Barsky clipping)."""
    (x0, y0), (x1, y1) = seg
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - box[0]), (dx, box[2] - x0), (-dy, y0 - box[1]), (dy, box[3] - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def _cross(a: tuple[Point, Point], b: tuple[Point, Point]) -> bool:
    def side(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return (side(*a, b[0]) * side(*a, b[1]) < 0) and (side(*b, a[0]) * side(*b, a[1]) < 0)


def _touch_targets(markers: Sequence[Marker], bounds: Box, r: float = TOUCH_R) -> dict[str, Point] | None:
    """Return the centre of each marker's touch target on a phone, or None when one finds no room.

    On a phone the labels are hidden and a marker is a few pixels wide, two in one parish on top
    of each other: each facility gets a numbered target `2 * r` across, on its marker where that
    is free, else out on a leader, never on another target, another marker or another leader.
    The most crowded places choose first; a few retries put the ones that found no room first.
    """
    points = {m.id: m.point for m in markers}
    crowd = {m.id: sum(1 for o in markers if math.dist(o.point, m.point) < 4 * r) for m in markers}
    order = sorted(points, key=lambda mid: -crowd[mid])
    for _ in range(5):
        placed, failed = _touch_attempt(order, points, bounds, r)
        if not failed:
            return placed
        order = failed + [mid for mid in order if mid not in failed]
    return None


def _touch_attempt(order, points, bounds, r) -> tuple[dict[str, Point], list[str]]:
    placed: dict[str, Point] = {}
    leaders: list[tuple[Point, Point]] = []
    failed = []
    gap = 2.0  # between two targets, so that neither edge touches the other
    for mid in order:
        p = points[mid]
        for c in _touch_candidates(p, r):
            if not (bounds[0] + r <= c[0] <= bounds[2] - r and bounds[1] + r <= c[1] <= bounds[3] - r):
                continue
            if any(_box_gap(c, q, r) < gap for q in placed.values()):
                continue
            if any(other != mid and math.dist(c, q) < r + SYMBOL_R for other, q in points.items()):
                continue  # it would hide another facility's marker
            leader = (p, c)
            if c != p and (
                any(_seg_dist(leader, q) < r + 1 for q in placed.values())
                or any(_seg_dist(leader, q) < SYMBOL_R for other, q in points.items() if other != mid)
                or any(_cross(leader, o) for o in leaders)
            ):
                continue
            if any(_seg_dist(o, c) < r + 1 for o in leaders):
                continue
            placed[mid] = c
            if c != p:
                leaders.append(leader)
            break
        else:
            failed.append(mid)
    return placed, failed


def _touch_candidates(p: Point, r: float) -> Iterable[Point]:
    """Yield target centres for a marker: on it, then on rings further out, every 15 degrees."""
    yield p
    for dist in (2.2 * r, 3 * r, 4 * r, 5 * r, 6.5 * r):
        for k in range(24):
            a = math.radians((k + 1) // 2 * (15 if k % 2 else -15))  # east first, then either side
            yield p[0] + dist * math.cos(a), p[1] + dist * math.sin(a)


def _box_gap(a: Point, b: Point, r: float) -> float:
    """Return how far apart two square targets `2 * r` across are (negative when they overlap)."""
    return max(abs(a[0] - b[0]), abs(a[1] - b[1])) - 2 * r


def _seg_dist(seg: tuple[Point, Point], q: Point) -> float:
    """Return the distance from a point to a segment."""
    (ax, ay), (bx, by) = seg
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if not length else max(0.0, min(1.0, ((q[0] - ax) * dx + (q[1] - ay) * dy) / length))
    return math.dist(q, (ax + t * dx, ay + t * dy))


# --- SVG ---------------------------------------------------------------------------------------


def _n(v: float) -> str:
    """Return a coordinate with one decimal, without a trailing '.0' (the same value, the same text)."""
    s = f"{round(v, 1):.1f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def _open_svg(id: str, words: Words, size: tuple[float, float], interactive: bool, touch: bool = False) -> list[str]:
    # With links inside, the map keeps the svg's own role (graphics-document, which HTML's
    # validators accept and whose children stay exposed): role="img" would hide the links
    # from assistive technology (an image's children are presentational), and the Nu
    # checker refuses role="group" on <svg>.
    role = "" if interactive else ' role="img"'
    classes = "map touch-map" if touch else "map"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{id}" class="{classes}" viewBox="0 0 {_n(size[0])} {_n(size[1])}"'
        f'{role} aria-labelledby="{id}-title" aria-describedby="{id}-desc">',
        f'<title id="{id}-title"{_lang(words.title_lang)}>{escape(words.title)}</title>',
        f'<desc id="{id}-desc"{_lang(words.description_lang)}>{escape(words.description)}</desc>',
    ]


def _lang(lang: str) -> str:
    """Return the lang attribute of a text in another language than the page's, or nothing."""
    return f' lang="{escape(lang)}"' if lang else ""


_OUTLINES: WeakKeyDictionary[Atlas, dict[float, tuple[str, str]]] = WeakKeyDictionary()


def _outlines(atlas: Atlas, detail: float) -> tuple[str, str]:
    """Return the path data of the nation and of the borders between states, computed once per detail."""
    done = _OUTLINES.setdefault(atlas, {})
    if detail not in done:
        nation = [ring for poly in atlas.nation().polygons for ring in poly]
        done[detail] = _path(nation, detail, True), _path(atlas.borders("states"), detail, False)
    return done[detail]


def _land(atlas: Atlas, style: Style, detail: float, highlight: str | None = None) -> list[str]:
    # The coast is drawn with the land: the borders between states never run along it.
    nation, borders = _outlines(atlas, detail)
    out = [
        f'<path class="land" fill="{style.color("paper")}" stroke="{style.color("muted")}" stroke-width="1" '
        f'stroke-linejoin="round" d="{nation}"/>',
        f'<path class="state-borders" fill="none" stroke="{style.color("rule")}" stroke-width="0.8" '
        f'stroke-linejoin="round" d="{borders}"/>',
    ]
    if highlight:
        rings = [ring for poly in atlas.state(highlight).polygons for ring in poly]
        out.append(
            f'<path class="state-highlight" fill="{style.color("teal-light")}" stroke="{style.color("teal")}" '
            f'stroke-width="{_n(detail * 1.5 + 0.5)}" stroke-linejoin="round" d="{_path(rings, detail, True)}"/>'
        )
    return out


def _path(lines: Iterable[Ring], tolerance: float, closed: bool) -> str:
    """Return SVG path data for lines, simplified, in relative steps of a tenth of a unit."""
    parts = []
    for line in lines:
        if closed and tolerance and _diagonal(line) < tolerance * 2:
            continue  # an islet smaller than the detail kept
        points = _simplify(line, tolerance)
        if len(points) < 2:
            continue
        q = [(round(x * 10), round(y * 10)) for x, y in points]
        q = [b for a, b in zip([None, *q], q, strict=False) if a != b]  # repeats rounding makes
        if len(q) < 2:
            continue
        out = [f"M{_n(q[0][0] / 10)} {_n(q[0][1] / 10)}l"]
        for i, ((x0, y0), (x1, y1)) in enumerate(itertools.pairwise(q)):
            dx, dy = _n((x1 - x0) / 10), _n((y1 - y0) / 10)
            # Relative steps after one `l`; a minus sign separates two numbers by itself.
            out.append(f"{'' if i == 0 or dx.startswith('-') else ' '}{dx}{dy if dy.startswith('-') else ' ' + dy}")
        if closed:
            out.append("z")
        parts.append("".join(out))
    return "".join(parts)


def _diagonal(points: Ring) -> float:
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return math.hypot(max(xs) - min(xs), max(ys) - min(ys))


def _simplify(points: Ring, tolerance: float) -> Ring:
    """Return the points Douglas-Peucker keeps within `tolerance` (the ends always stay)."""
    if len(points) < 3 or tolerance <= 0:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        best, index = 0.0, 0
        for i in range(first + 1, last):
            px, py = points[i]
            d = abs(dy * (px - ax) - dx * (py - ay)) / length if length else math.hypot(px - ax, py - ay)
            if d > best:
                best, index = d, i
        if best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return tuple(p for p, k in zip(points, keep, strict=True) if k)


def _symbol(status: Status, p: Point, style: Style, scale: float = 1.0) -> str:
    x, y = p
    if status == "open":
        return (
            f'<circle class="symbol open" cx="{_n(x)}" cy="{_n(y)}" r="{_n(DISC_R * scale)}" '
            f'fill="{style.color("accent")}" stroke="#fff" stroke-width="{_n(scale)}"/>'
        )
    r = DIAMOND_R * scale
    return (
        f'<path class="symbol ended" d="M{_n(x)} {_n(y - r)}L{_n(x + r)} {_n(y)}L{_n(x)} {_n(y + r)}'
        f'L{_n(x - r)} {_n(y)}z" fill="none" stroke="{style.color("teal")}" stroke-width="{_n(2.2 * scale)}" '
        f'stroke-linejoin="miter"/>'
    )


def _marker(
    m: Marker,
    style: Style,
    texts: Sequence[tuple[str, float, float]],
    size: float,
    scale: float = 1.0,
    badge: tuple[int, Point] | None = None,
) -> list[str]:
    data = f'data-id={quoteattr(m.id)} data-x="{_n(m.point[0])}" data-y="{_n(m.point[1])}"'
    if m.href:
        name = " ".join(filter(None, (m.name or m.label, m.note)))
        head = f'<a class="marker {m.status}" href={quoteattr(m.href)} aria-label={quoteattr(name)} {data}>'
        tail = "</a>"
    else:
        head, tail = f'<g class="marker {m.status}" {data}>', "</g>"
    out = [head, _symbol(m.status, m.point, style, scale)]
    for t, x, y in texts:
        # A light box under the words keeps borders from running through them (WeasyPrint
        # draws no `paint-order` halo).
        x0, y0, x1, y1 = style.metrics.box(t, size, x, y)
        out.append(
            f'<rect class="halo" x="{_n(x0 - 1)}" y="{_n(y0)}" width="{_n(x1 - x0 + 2)}" height="{_n(y1 - y0)}" '
            f'fill="{style.color("paper")}" fill-opacity="0.85" rx="2"/>'
        )
        out.append(f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}">{escape(t)}</text>')
    if badge:
        out += _badge(m, badge[0], badge[1], style)
    out.append(tail)
    return out


def _badge(m: Marker, number: int, c: Point, style: Style, r: float = TOUCH_R) -> list[str]:
    """Return a marker's touch target, shown on a phone only (site.css): its number in its status's shape.

    The shape and colours are the legend's, so the target says the status as the marker does; a
    leader joins it to the marker when it could not sit on it.
    """
    out = ['<g class="touch">']
    if c != m.point:
        out.append(
            f'<path class="touch-leader" d="M{_n(m.point[0])} {_n(m.point[1])}L{_n(c[0])} {_n(c[1])}" '
            f'stroke="{style.color("ink")}" stroke-width="3"/>'
        )
    x, y = c
    if m.status == "open":
        out.append(
            f'<circle class="touch-target" cx="{_n(x)}" cy="{_n(y)}" r="{_n(r - 2)}" '
            f'fill="{style.color("accent-dark")}" stroke="#fff" stroke-width="4"/>'
        )
        ink = "#fff"
    else:
        d = r - 2
        out.append(
            f'<path class="touch-target" d="M{_n(x)} {_n(y - d)}L{_n(x + d)} {_n(y)}L{_n(x)} {_n(y + d)}L{_n(x - d)} {_n(y)}z" '
            f'fill="#fff" stroke="{style.color("teal")}" stroke-width="6" stroke-linejoin="miter"/>'
        )
        ink = style.color("ink")
    size = r * 0.9
    out.append(
        f'<text class="touch-number" x="{_n(x)}" y="{_n(y + size * 0.36)}" font-size="{_n(size)}" '
        f'text-anchor="middle" fill="{ink}">{number}</text>'
    )
    out.append("</g>")
    return out


def _legend(words: Words, style: Style, size: float, width: float, top: float) -> tuple[list[str], float]:
    """Return the legend below the map (a row, or one entry a line if the row is too wide) and its height."""
    both: tuple[tuple[Status, str, str], ...] = (
        ("open", words.open, words.open_lang),
        ("ended", words.ended, words.ended_lang),
    )
    entries = [(s, t, lang) for s, t, lang in both if t]
    if not entries:
        return [], 0.0
    m = style.metrics
    line = size * (m.ascent + m.descent)
    gap, sym = size * 1.6, DIAMOND_R * 2 + size * 0.4
    row = sum(sym + m.width(t, size) for _, t, _ in entries) + gap * (len(entries) - 1)
    stacked = row > width - 8
    out = [
        f'<g class="legend" font-family={quoteattr(style.font_family)} font-weight="400" '
        f'fill="{style.color("ink")}" font-size="{_n(size)}">'
    ]
    x, y = 4.0, top + 6 + line / 2
    for status, text, lang in entries:
        out.append(_symbol(status, (x + DIAMOND_R, y), style))
        baseline = y + size * 0.35  # about half the cap height: the text centres on the symbol
        out.append(f'<text x="{_n(x + sym)}" y="{_n(baseline)}"{_lang(lang)}>{escape(text)}</text>')
        if stacked:
            y += line + 4
        else:
            x += sym + m.width(text, size) + gap
    out.append("</g>")
    height = (y - top + line / 2 + 4) if stacked else (line + 14)
    return out, math.ceil(height)
