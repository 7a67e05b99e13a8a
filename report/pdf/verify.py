"""Checks on a laid-out chunk: every note is printed whole after its call, no text runs off its
page, and every font it embeds is one of the report's own.

They run in the worker, on the WeasyPrint `Document` it has just laid out (and on the PDF it
writes: `fonts`); a note WeasyPrint lost is repaired (`lay_out`) or reported. The design:
docs/architecture.md.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Collection, Iterator

from ..findings import Level

NOTE_CLASS = "fn"
"""The class `render.Citer` gives each print footnote (print.css floats it to the foot of the page)."""

REPAIRS = ("break-inside: avoid", "break-before: page")
"""What a paragraph that lost a note is given, one more each round, until its notes are printed."""

TOLERANCE = 1.0
"""CSS pixels (0.75 pt) a box may stick out of its area before it counts: rounding, not overflow."""

MACHINE_FONT = (
    "the PDF would print in {font!r}, a font of this machine, not one of layouts/fonts: a font-family in the"
    " print stylesheets names no face they declare (@font-face), or a declared face lacks a character of"
    " this chunk's text"
)
"""What `fonts` says of a font the PDF embeds whose family no `@font-face` of the print stylesheets declares."""

_MACHINE_FONT = re.compile(r"(?:^|: )the PDF would print in '([^']+)', a font of this machine")

_IGNORED = re.compile(r"[\s\u00ad\u2010]")
"""Spaces, soft hyphens and the hyphens WeasyPrint adds at line breaks: not part of what a note says."""


@dataclass(frozen=True)
class Problem:
    """Something missing from, or cut off in, a laid-out chunk (plain data: it leaves the worker)."""

    level: Level
    code: str
    message: str
    region: str = ""  # where in the chunk: an element's '#id', a tag ('<h1>') or 'the running head'
    clipped: str = ""  # what a box clips in that region, as printed ('#FirstTen', 'an image'), when that is the problem


@dataclass
class _Note:
    number: int
    element: Any
    text: str
    call_page: int | None = None
    call_block: Any = None  # the element whose line holds the call
    note_pages: tuple[int, ...] = ()
    printed: str = ""

    def lost(self) -> bool:
        return self.call_page is not None and not self.note_pages

    def problem(self) -> str | None:
        """Return what is wrong with this note, or None."""
        if self.call_page is None:
            return "its call is not printed"
        if not self.note_pages:
            return f"its text is not printed (the call is on page {self.call_page + 1})"
        if self.note_pages[0] < self.call_page:
            return f"its text is on page {self.note_pages[0] + 1}, before its call on page {self.call_page + 1}"
        if _IGNORED.sub("", self.printed) != _IGNORED.sub("", self.text):
            return f"its text is cut: {_excerpt(self.printed)!r} is printed"
        return None


def lay_out(html: Any, render: Callable[[], Any]) -> tuple[Any, list[Problem]]:
    """Return the document `render()` lays out for `html` (repaired if it lost a note) and its problems.

    A note lost at a page break is repaired by laying the chunk out again with the paragraph that
    holds its call given the next of `REPAIRS` (a `style` on that element of `html`'s tree, which
    `render` lays out again). A repaired chunk has no problem to report: it has every note.
    """
    notes = [
        _Note(n, element, "".join(element.itertext()))
        for n, element in enumerate(
            (e for e in html.etree_element.iter() if NOTE_CLASS in (e.get("class") or "").split()), 1
        )
    ]
    repaired: dict[Any, int] = {}
    while True:
        document = render()
        _place(document, notes)
        lost = [n for n in notes if n.lost() and repaired.get(n.call_block, 0) < len(REPAIRS)]
        if not lost:
            break
        # One step a round for each paragraph, however many of its notes it lost.
        for block in dict.fromkeys(note.call_block for note in lost):
            step = repaired.get(block, 0)
            block.set("style", "; ".join(filter(None, (block.get("style"), REPAIRS[step]))))
            repaired[block] = step + 1
    problems = [
        Problem("error", "pdf.footnote", f"note {n.number} ({_excerpt(n.text)!r}) is lost: {problem}")
        for n in notes
        if (problem := n.problem()) is not None
    ]
    return document, problems + overflows(document)


def fonts(pdf: bytes, families: Collection[str]) -> list[Problem]:
    """Return a `pdf.font` error for each font the PDF embeds whose family is not one of `families`.

    WeasyPrint prints what the declared faces cannot (a family no `@font-face` names, a character
    a declared face lacks) in whatever font fontconfig finds on the machine, and says nothing:
    the PDF would look different on another machine. Each embedded font's descriptor names the
    family it was chosen from (`/FontFamily`) and the face (`/FontName`, after the subset's prefix).
    """
    import pikepdf

    machine: set[str] = set()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                if str(obj.get("/FontFamily", "")) not in families:
                    machine.add(str(obj.get("/FontName", "/?"))[1:].split("+", 1)[-1])
    return [Problem("error", "pdf.font", MACHINE_FONT.format(font=font)) for font in sorted(machine)]


def machine_font(message: str) -> str | None:
    """Return the font of the machine a `fonts` problem's message (or its finding's) names, else None."""
    found = _MACHINE_FONT.search(message)
    return found[1] if found else None


def _place(document: Any, notes: list[_Note]) -> None:
    """Record where each note's call and text are in the document."""
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox, LineBox

    by_element = {id(n.element): n for n in notes}
    for note in notes:
        note.call_page, note.call_block, note.note_pages, note.printed = None, None, (), ""
    for number, page in enumerate(document.pages):
        for box, ancestors in _walk(page._page_box):
            tag = box.element_tag or ""
            if tag.endswith("::footnote-call"):
                called = by_element.get(id(box.element))
                if called is not None and called.call_page is None:
                    called.call_page = number
                    lines = [i for i, a in enumerate(ancestors) if isinstance(a, LineBox)]
                    called.call_block = ancestors[lines[-1] - 1].element if lines else called.element
            elif isinstance(box, FootnoteAreaBox):
                for footnote in box.children:
                    printed = by_element.get(id(footnote.element))
                    if printed is not None:
                        printed.note_pages += (number,)
                        printed.printed += _text(footnote)


def overflows(document: Any) -> list[Problem]:
    """Return one problem per element whose text or image is cut off or overruns its box (on any page).

    Text or an image that passes the edge of the sheet, or that a box with `overflow: hidden`
    clips without an ellipsis, is never printed: an error. One that only overruns the box it
    belongs to (a word wider than its column) is printed over its neighbours or the margin: a
    warning. A line shortened with `text-overflow: ellipsis` says so with its ellipsis, and boxes
    placed in the margins on purpose (the chapter's coloured strip bleeds to the edges, a list's
    bullets hang outside it) stay inside their own box: neither is a problem.
    """
    from weasyprint.formatting_structure.boxes import BlockContainerBox, MarginBox, ReplacedBox, TextBox

    # By region: its level, its message, the pages it is on and the text its boxes clip.
    found: dict[str, tuple[Level, str, set[int], list[str]]] = {}
    for number, page in enumerate(document.pages):
        page_box = page._page_box
        sheet = (0.0, 0.0, page_box.margin_width(), page_box.margin_height())
        for box, ancestors in _walk(page_box):
            if isinstance(box, TextBox) and box.text.strip():
                extent = (box.position_x, box.position_y, box.width, box.height)
                what = f"text {_excerpt(box.text)!r}"
            elif isinstance(box, ReplacedBox):
                extent = (box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height())
                what = "an image"
            else:
                continue
            level: Level
            clip = next((a for a in reversed(ancestors) if a.style["overflow"] != "visible"), None)
            if clip is not None:
                visible = (clip.padding_box_x(), clip.padding_box_y(), clip.padding_width(), clip.padding_height())
                past, level, edge = _past(extent, visible), "error", "is clipped by its box"
                if past and clip.style["text_overflow"] == "ellipsis":
                    continue  # shortened, with an ellipsis to say so
            else:
                past, level, edge = _past(extent, sheet), "error", "runs off the page"
                if not past and not any(a.is_outside_marker for a in ancestors):
                    block = next((a for a in reversed(ancestors) if isinstance(a, BlockContainerBox)), None)
                    if block is not None:
                        column = (block.content_box_x(), extent[1], block.width, extent[3])
                        past, level, edge = _past(extent, column), "warning", "overruns its box"
            if not past:
                continue
            region = "the running head" if any(isinstance(a, MarginBox) for a in ancestors) else _anchor(ancestors, box)
            if region not in found:
                found[region] = (level, f"{what} in {region} {edge} on page {number + 1} ({past})", set(), [])
            found[region][2].add(number)
            if clip is not None:
                found[region][3].append(box.text if isinstance(box, TextBox) else "an image")
    problems = []
    for region, (level, message, pages, cut) in found.items():
        more = len(pages) - 1
        message += f", and on {more} more page{'s' * (more > 1)}" if more else ""
        problems.append(Problem(level, "pdf.overflow", message, region, " ".join(cut)))
    return problems


def clipped(problems: list[Problem]) -> str:
    """Return, briefly, the text the problems' boxes clip, in the order printed ('#FirstTen #CommunitiesNotCages').

    Characters that print nothing (soft hyphens, the zero-width space WeasyPrint adds to a space
    under `word-spacing`, as between the share card's hashtags) are left out: the words are what
    a reader misses.
    """
    text = " ".join(problem.clipped for problem in problems if problem.clipped)
    return _excerpt("".join(c for c in text if unicodedata.category(c) != "Cf"), 60)


def _past(extent: tuple[float, float, float, float], area: tuple[float, float, float, float]) -> str:
    """Return how far a box passes an area's edges ('12.3 mm past the right edge'), or ''."""
    x, y, w, h = extent
    left, top, width, height = area
    over = {
        "left": left - x,
        "right": (x + w) - (left + width),
        "top": top - y,
        "bottom": (y + h) - (top + height),
    }
    worst = max(over, key=over.__getitem__)
    if over[worst] <= TOLERANCE:
        return ""
    return f"{over[worst] * 25.4 / 96:.1f} mm past the {worst} edge"


def _anchor(ancestors: list[Any], box: Any) -> str:
    """Return the nearest element with an id around a box ('#adelanto-campaign'), else its tag."""
    for candidate in reversed([*ancestors, box]):
        element = candidate.element
        if element is not None and element.get("id"):
            return f"#{element.get('id')}"
    return f"<{(box.element_tag or 'text').split('::')[0]}>"


def _walk(box: Any, ancestors: list[Any] | None = None) -> Iterator[tuple[Any, list[Any]]]:
    """Yield every box under `box` (itself first) with the list of its ancestors."""
    ancestors = [] if ancestors is None else ancestors
    yield box, ancestors
    children = getattr(box, "children", None)
    if children:
        ancestors.append(box)
        for child in children:
            yield from _walk(child, ancestors)
        ancestors.pop()


def _text(footnote: Any) -> str:
    """Return the text a footnote box prints, without its marker ('32. ')."""
    from weasyprint.formatting_structure.boxes import TextBox

    return "".join(
        box.text
        for box, ancestors in _walk(footnote)
        if isinstance(box, TextBox) and not any((a.element_tag or "").endswith("::footnote-marker") for a in ancestors)
    )


def _excerpt(text: str, length: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
