"""Render: the map of every facility and each facility's locator, for the PDF and the site.

The places come from the gather phase (`Edition.places`); the words from the templates, which
pass them already translated (`layouts/partials/map.html`). The site gets inline SVG, whose
markers are links; the PDF gets the same SVG as an image, which WeasyPrint tags as a figure
with the template's alternative text and draws as vectors.

Every drawing is kept in `.cache/maps/`, keyed by what shapes it (the drawing code, the atlas,
the design tokens and the label font, the markers and the words): every build renders every
chapter's HTML, and without the cache each would decode the atlas and simplify its outlines
again (about a second), and draw 200 locators twice for the bench's edition.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from markupsafe import Markup

from .. import cache, project
from ..content.geo import Atlas
from ..content.model import Claim, Edition, Facility
from ..content.places import ATLAS_PATH, read_atlas
from . import mapsvg

TOKENS = f"{project.LAYOUTS_DIR}/css/tokens.css"
LABEL_FONT = f"{project.LAYOUTS_DIR}/fonts/IBMPlexSans-SemiBold.ttf"
ENDED = frozenset({"closed", "ice-contract-ended"})


@dataclass(frozen=True)
class Figure:
    """A drawn map ready for a template: inline SVG, the same as a data: URL, and the numbered keys."""

    svg: Markup
    numbered: bool = False
    key: tuple[tuple[int, Facility], ...] = ()
    touch: tuple[tuple[int, Facility], ...] = ()  # the phone's touch targets' numbers, when it has them

    @property
    def data_url(self) -> str:
        """Return the SVG as a data: URL, for an <img> the PDF tags as a figure."""
        return "data:image/svg+xml;base64," + base64.b64encode(str(self.svg).encode()).decode("ascii")


Drawn = tuple[str, bool, tuple[tuple[int, str], ...], bool]
"""A drawing as the cache keeps it: the SVG, whether markers are numbered, the key (number, facility id),
and whether each marker has a numbered touch target (numbered in the facilities' order)."""


class Maps:
    """Draws one edition's maps; the atlas and the style are read on first use."""

    def __init__(self, edition: Edition):
        self.edition = edition
        self.cache_dir: Path | None = edition.root / project.CACHE_DIR

    @functools.cached_property
    def inputs(self) -> str:
        """Return the hash of the drawing code and the files a drawing reads."""
        root = self.edition.root
        files = [(root / rel).read_bytes() for rel in (ATLAS_PATH, TOKENS, LABEL_FONT)]
        return cache.key_of(cache.fingerprint(mapsvg.__name__), *(hashlib.sha256(f).digest() for f in files))

    def _drawn(self, what: str, args: tuple, draw: Callable[[], Drawn]) -> Drawn:
        key = cache.key_of(self.inputs, what, repr(args))
        return cache.memoize(self.cache_dir, "maps", key, draw)

    @functools.cached_property
    def atlas(self) -> Atlas:
        return read_atlas(self.edition.root)

    @functools.cached_property
    def style(self) -> mapsvg.Style:
        return _style(self.edition.root)

    def page_href(self, facility: Facility) -> str:
        """Return the link from a site page to a facility's page."""
        return f"{facility.id}.html"

    def status(self, facility: Facility) -> mapsvg.Status:
        """Return the marker a facility gets: a disc where ICE detains people, a diamond where that ended."""
        return "ended" if facility.status.state in ENDED else "open"

    def full(
        self,
        title: str,
        description: str,
        open: str,
        ended: str,
        mark: Callable[[Claim], str] | None = None,
        href: Callable[[Facility], str] | None = None,
        id: str = "map",
        langs: tuple[str, str, str, str] = ("", "", "", ""),
    ) -> Figure:
        """Return the map of every published facility, its markers linked when `href` is given.

        `mark` is the review mark of a claim (labels.html's `review_mark`, empty for a claim not
        under review): a marker whose status has one prints it under its label, as the chapter does.
        `langs` are the title's, the description's and the legend's two entries' languages where
        they are not the page's (English where they fall back), which their elements say.
        """
        facilities = self.edition.facilities
        markers = tuple(
            mapsvg.Marker(
                f.id,
                f.name,
                self.edition.places[f.id].point,
                self.status(f),
                href(f) if href else None,
                note=_plain(mark(f.status)) if mark else "",
            )
            for f in facilities
        )
        words = mapsvg.Words(_plain(title), _plain(description), _plain(open), _plain(ended), *map(str, langs))

        def draw() -> Drawn:
            drawing = mapsvg.draw_map(self.atlas, markers, words, self.style, id=id)
            return drawing.svg, drawing.numbered, drawing.key, drawing.touch

        svg, numbered, numbers, touch = self._drawn("map", (markers, words, id), draw)
        by_id = {f.id: f for f in facilities}
        key = tuple((number, by_id[fid]) for number, fid in numbers)
        return Figure(Markup(svg), numbered, key, tuple(enumerate(facilities, 1)) if touch else ())

    def locator(
        self, facility: Facility, title: str, description: str, id: str = "locator", langs: tuple[str, str] = ("", "")
    ) -> Figure:
        """Return a small map of the country with the facility's state shaded and its marker (`langs` as `full`'s)."""
        place = self.edition.places[facility.id]
        marker = mapsvg.Marker(facility.id, facility.name, place.point, self.status(facility))
        words = mapsvg.Words(
            _plain(title), _plain(description), title_lang=str(langs[0]), description_lang=str(langs[1])
        )

        def draw() -> Drawn:
            return mapsvg.draw_locator(self.atlas, marker, place.state, words, self.style, id=id), False, (), False

        svg, _, _, _ = self._drawn("locator", (marker, place.state, words, id), draw)
        return Figure(Markup(svg))


def _plain(value: str) -> str:
    """Return template output as plain text: a translated string is markup (escaped, maybe a lang span)."""
    return Markup(value).striptags() if isinstance(value, Markup) else str(value)


@functools.lru_cache(maxsize=4)
def _style(root: Path) -> mapsvg.Style:
    return mapsvg.Style.load(root / TOKENS, root / LABEL_FONT)
