"""Checks on a laid-out chunk: every note is printed whole after its call, no text runs off its page,
the stylesheet hides nothing that says how far to trust the report, and every font it embeds is
one of the report's own. And the same check on the site's pages, which need no layout (`site_hidden`).

They run in the worker, on the WeasyPrint `Document` it has just laid out (and on the PDF it
writes: `fonts`); a note WeasyPrint lost is repaired (`lay_out`) or reported. The design:
docs/architecture.md.
"""

from __future__ import annotations

import functools
import io
import math
import posixpath
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Callable, Collection, Iterator, Mapping
from urllib.parse import unquote, urlsplit

from ..findings import Level, Loc
from ..sandbox import css_imports

NOTE_CLASS = "fn"
"""The class `render.Citer` gives each print footnote (print.css floats it to the foot of the page)."""

CALL_ATTRIBUTE = "data-call"
"""What `render.Citer` names a print footnote by ('call-3') when it knows where its call is written
(the `[@id]` marker, or the claim's `sources:` item): a problem about the note is in that region."""

REPAIRS = ("break-inside: avoid; orphans: 1000", "break-before: page")
"""What a paragraph that lost a note is given, one more each round, until its notes are printed.

The first keeps it in one piece and asks for more orphans than it has lines: with `orphans: 2`,
WeasyPrint moves the page's earlier notes to the next page to make room for the paragraph's second
line, then moves the paragraph on whole and leaves those notes there, the room they left blank."""

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

TRUSTED = {
    "review-mark": ("the review mark", "the review marks"),
    "editorial-note": ("the editor's note", "the editor's notes"),
    "draft-band": ("the draft band", "the draft band"),
    "death-name": ("the name of a person who died in custody", "the names of the people who died in custody"),
}
"""The classes the templates give what tells a reader how far to trust the report, and what each is
called (one, all): each such element must print its whole text, visibly (`hidden`)."""

_ZERO = re.compile(r"[+-]?0*\.?0+(%|[a-z]+)?")

Sheet = tuple[str, str, tuple[str, ...]]
"""A stylesheet as it cascades: its file, its text, and the media query list of each `@import` on the
way to it, all of which must hold for its rules to apply (`paginate.sheet_texts`)."""


@dataclass(frozen=True)
class Problem:
    """Something missing from, or cut off in, a laid-out chunk (plain data: it leaves the worker)."""

    level: Level
    code: str
    message: str
    region: str = ""  # where in the chunk: an element's '#id', a tag ('<h1>') or 'the running head'
    clipped: str = ""  # what a box clips in that region, as printed ('#FirstTen', 'an image'), when that is the problem
    rule: Loc | None = (
        None  # the stylesheet declaration that causes it, when known: the finding is there, for every chunk
    )


@dataclass
class _Note:
    number: int
    element: Any
    text: str
    call_page: int | None = None
    call_block: Any = None  # the element whose line holds the call
    note_pages: tuple[int, ...] = ()
    printed: str = ""
    call_lines: tuple[tuple[int, int], ...] = ()  # (page, id of the line box) of each line the call prints on
    call_alone: bool = False  # the call starts a line: nothing before it on its line
    call_region: str = ""  # where the call is ('#etowah-2015-11-hunger-strike')
    marker: str = ""  # where the call is written, if the chunk's places may know ('call-3': `CALL_ATTRIBUTE`)

    def broken(self) -> str | None:
        """Return what is wrong with how this note's call prints, or None."""
        if len(self.call_lines) > 1:
            pages = sorted({page + 1 for page, _ in self.call_lines})
            where = f"page {pages[0]}" if len(pages) == 1 else f"pages {pages[0]} and {pages[-1]}"
            return (
                f"its call is broken across {len(self.call_lines)} lines on {where}, not printed whole after its word"
            )
        if self.call_alone and self.call_page is not None:
            return f"its call starts a line on page {self.call_page + 1}, apart from the word it belongs to"
        return None

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
    `render` lays out again). A forced break goes before what must stay with the paragraph
    (`_kept_with`: the heading it follows, its timeline entry's date), not between them. A repair
    that leaves such a heading at the foot of a page, apart from the paragraph (the paragraph, kept
    in one piece, moved on without it), takes the paragraph's next step too. A repaired chunk has
    every note. A heading that still ends a page alone, after a repair or not, is a warning at
    what it heads (`_breaks`).
    """
    notes = [
        _Note(n, element, "".join(element.itertext()), marker=element.get(CALL_ATTRIBUTE) or "")
        for n, element in enumerate(
            (e for e in html.etree_element.iter() if NOTE_CLASS in (e.get("class") or "").split()), 1
        )
    ]
    parents = {child: parent for parent in html.etree_element.iter() for child in parent}
    repaired: dict[Any, int] = {}
    kept: dict[Any, list[Any]] = {}  # a paragraph that lost a note -> what must stay with it
    own: dict[Any, str | None] = {}  # a repaired paragraph -> its style before any repair
    while True:
        document = render()
        _place(document, notes)
        styles, stranded = _breaks(document)
        due = [n.call_block for n in notes if n.lost()]
        kept.update((block, _kept_with(block, parents, styles)) for block in due if block not in kept)
        due += [block for block in repaired if any(id(e) in stranded for e in kept[block][1:])]
        # One step a round for each paragraph, however many of its notes it lost.
        due = [block for block in dict.fromkeys(due) if repaired.get(block, 0) < len(REPAIRS)]
        if not due:
            break
        for block in due:
            step = repaired.get(block, 0)
            own.setdefault(block, block.get("style"))
            target = kept[block][-1] if REPAIRS[step].startswith("break-before") else block
            if target is not block:
                # It starts the page after what is kept with it: kept in one piece, it would leave
                # them behind again whenever they do not fit on one page together.
                _restyle(block, own[block])
            target.set("style", "; ".join(filter(None, (target.get("style"), REPAIRS[step]))))
            repaired[block] = step + 1
    problems = [
        Problem("error", "pdf.footnote", f"note {n.number} ({_excerpt(n.text)!r}) is lost: {problem}")
        for n in notes
        if (problem := n.problem()) is not None
    ]
    problems += [
        Problem("error", "pdf.call", f"note {n.number} ({_excerpt(n.text)!r}): {broken}", n.call_region)
        for n in notes
        if (broken := n.broken()) is not None
    ]
    problems += [
        Problem(
            "warning",
            "pdf.heading",
            f"the heading {_excerpt(''.join(heading.itertext()))!r} ends page {page + 1} alone:"
            f" what it heads ({region}) starts page {page + 2}",
            region,
        )
        for heading, page, region in stranded.values()
    ]
    return document, problems + overflows(document, notes)


def _restyle(element: Any, style: str | None) -> None:
    """Give an element of the chunk's tree back the `style` it had (None: none)."""
    if style is None:
        element.attrib.pop("style", None)
    else:
        element.set("style", style)


_AVOID = frozenset({"avoid", "avoid-page"})


def _kept_with(block: Any, parents: dict[Any, Any], styles: dict[int, Any]) -> list[Any]:
    """Return the paragraph `block` and what a page break before it must take with it, the element
    to break before last.

    A break before the first element in another is one before that other (CSS propagates it), so
    it climbs to the parent; it takes in an element before it that avoids a break after it (a
    heading), one it avoids a break after, and a parent that avoids a break inside (a timeline
    entry, with its date line). It stops at the body's children: the chunk starts a page anyway.
    """
    chain = [block]
    while (parent := parents.get(chain[-1])) is not None and parent.tag != "body":
        target = chain[-1]
        siblings = [c for c in parent if isinstance(c.tag, str) and (c is target or id(c) in styles)]
        index = siblings.index(target)
        before = siblings[index - 1] if index else None
        if ((parent.text if before is None else before.tail) or "").strip():
            break  # text of its own stands before it
        if before is None or _avoids(styles, parent, "break_inside"):
            chain.append(parent)
        elif _avoids(styles, before, "break_after") or _avoids(styles, target, "break_before"):
            chain.append(before)
        else:
            break
    return chain


def _avoids(styles: dict[int, Any], element: Any, side: str) -> bool:
    """Return whether an element's computed style avoids a break on `side` ('break_after', …)."""
    style = styles.get(id(element))
    return style is not None and style[side] in _AVOID


def _breaks(document: Any) -> tuple[dict[int, Any], dict[int, tuple[Any, int, str]]]:
    """Return the computed style of each element that has a box (by id), and each element that avoids
    a break after it (a heading) yet prints the last words of a page but the last and none of the
    next (by id): the element, that page, and where what starts the next page is
    ('#lasalle-2015-10-hunger-strike-hrw').

    Notes, running heads and the margins are not the page's flow: a heading followed by nothing
    but its page's notes ends the page.
    """
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox, MarginBox, ReplacedBox, TextBox

    styles: dict[int, Any] = {}
    flow: list[tuple[list[Any], list[Any]]] = []  # each page's first and last words: their box after its ancestors
    for page in document.pages:
        first: list[Any] = []
        last: list[Any] = []
        for child in page._page_box.children:  # the page's flow, its footnote area, its margin boxes
            if isinstance(child, (FootnoteAreaBox, MarginBox)):
                continue
            for box, ancestors in _walk(child):
                if box.element is not None:
                    styles.setdefault(id(box.element), box.style)
                if isinstance(box, ReplacedBox) or (isinstance(box, TextBox) and box.text.strip()):
                    last = [*ancestors, box]
                    first = first or last
        flow.append((first, last))
    stranded: dict[int, tuple[Any, int, str]] = {}
    for number, ((_, last), (first, _)) in enumerate(zip(flow, flow[1:], strict=False)):
        going_on = {id(b.element) for b in first}
        for depth, box in enumerate(last):
            if (
                first
                and box.element is not None
                and box.style["break_after"] in _AVOID
                and id(box.element) not in going_on
            ):
                around = {id(b.element) for b in last[: depth + 1]}  # the heading and what holds it
                stranded.setdefault(id(box.element), (box.element, number, _next_block(first, around)))
    return styles, stranded


def _next_block(first: list[Any], around: set[int]) -> str:
    """Return what starts a page after a heading: the nearest element with an id around its first
    words (`first`, their box after its ancestors) that does not hold the heading (`around`: the ids
    of the heading's element and of those it is in), else the outermost such element, by its tag
    and first words ("<ol> 'March 3, 2020: Organizers…'"), not the article both are in."""
    after = [b for b in first if b.element is not None and id(b.element) not in around]
    named = [b for b in after if b.element.get("id")]
    if named:
        return f"#{named[-1].element.get('id')}"
    if not after:
        return _anchor(first[:-1], first[-1])
    element = after[0].element
    tag = (after[0].element_tag or "text").split("::")[0]
    return f"<{tag}> {_excerpt(_said(element))!r}"


def fonts(pdf: bytes, families: Collection[str]) -> list[Problem]:
    """Return a `pdf.font` error for each font the PDF embeds whose family is not one of `families`,
    naming the characters it prints (`FELL_BACK`).

    WeasyPrint prints what the declared faces cannot (a family no `@font-face` names, a character
    a declared face lacks) in whatever font fontconfig finds on the machine, and says nothing:
    the PDF would look different on another machine. Each embedded font's descriptor names the
    family it was chosen from (`/FontFamily`) and the face (`/FontName`, after the subset's prefix);
    its `/ToUnicode` map, the characters of the subset: those the chunk prints in it.
    """
    import pikepdf

    machine: dict[str, set[str]] = {}
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for obj in document.objects:
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font":
                continue
            descendants = obj.get("/DescendantFonts")
            if not isinstance(descendants, pikepdf.Array) or not len(descendants):
                continue
            descriptor = descendants[0].get("/FontDescriptor")
            if isinstance(descriptor, pikepdf.Dictionary) and str(descriptor.get("/FontFamily", "")) not in families:
                font = str(descriptor.get("/FontName", "/?"))[1:].split("+", 1)[-1]
                cmap = obj.get("/ToUnicode")
                text = cmap.read_bytes().decode("latin-1") if isinstance(cmap, pikepdf.Stream) else ""
                machine.setdefault(font, set()).update(_mapped(text))
    return [
        Problem(
            "error", "pdf.font", MACHINE_FONT.format(font=font) + (FELL_BACK + described(sorted(chars))) * bool(chars)
        )
        for font, chars in sorted(machine.items())
    ]


FELL_BACK = "; it prints "
"""What follows `MACHINE_FONT` in a `fonts` problem: the characters the chunk prints in that font."""

_HEX = re.compile(r"<([0-9A-Fa-f]+)>")


def _mapped(cmap: str) -> Iterator[str]:
    """Yield the characters a `/ToUnicode` CMap maps glyphs to (each `bfchar`'s and `bfrange`'s)."""
    for block in re.findall(r"beginbf(?:char|range)(.*?)endbf(?:char|range)", cmap, re.DOTALL):
        for line in block.splitlines():
            codes = _HEX.findall(line)
            if len(codes) == 2:  # bfchar: glyph, text
                yield from bytes.fromhex(codes[1]).decode("utf-16-be", errors="replace")
            elif len(codes) == 3:  # bfrange: first, last glyph, text of the first
                first = int(codes[2], 16)
                for code in range(first, first + int(codes[1], 16) - int(codes[0], 16) + 1):
                    yield chr(code) if code < 0x110000 else "\ufffd"


def described(chars: list[str], shown: int = 3) -> str:
    """Return characters as a finding names them: 'ḥ' (U+1E25 LATIN SMALL LETTER H WITH DOT BELOW), …"""
    named = [f"{char!r} (U+{ord(char):04X} {unicodedata.name(char, '')})".replace(" )", ")") for char in chars]
    more = len(named) - shown
    return ", ".join(named[:shown]) + (f" and {more} more" if more > 0 else "")


def fell_back(message: str) -> list[str]:
    """Return the characters a `fonts` problem's message (or its finding's) says the chunk prints in a font of the machine."""
    _, _, chars = message.partition(FELL_BACK)
    return [chr(int(code, 16)) for code in re.findall(r"\(U\+([0-9A-F]{4,6})", chars)]


def machine_font(message: str) -> str | None:
    """Return the font of the machine a `fonts` problem's message (or its finding's) names, else None."""
    found = _MACHINE_FONT.search(message)
    return found[1] if found else None


def _place(document: Any, notes: list[_Note]) -> None:
    """Record where each note's call and text are in the document, and the lines its call prints on."""
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox, LineBox, TextBox

    by_element = {id(n.element): n for n in notes}
    for note in notes:
        note.call_page, note.call_block, note.note_pages, note.printed = None, None, (), ""
        note.call_lines, note.call_alone, note.call_region = (), False, ""
    for number, page in enumerate(document.pages):
        written: set[int] = set()  # the lines that print text before the box at hand
        for box, ancestors in _walk(page._page_box):
            tag = box.element_tag or ""
            lines = [i for i, a in enumerate(ancestors) if isinstance(a, LineBox)]
            line = ancestors[lines[-1]] if lines else None
            if tag.endswith("::footnote-call"):
                called = by_element.get(id(box.element))
                if called is not None and line is not None and isinstance(box, TextBox):
                    # Its digits on two lines read as two notes ("1", "7"); alone at a line's start, a
                    # call reads as belonging to nothing (README: no line break before the call).
                    if (number, id(line)) not in called.call_lines:
                        called.call_lines += ((number, id(line)),)
                    called.call_alone = called.call_alone or id(line) not in written
                    written.add(id(line))
                if called is not None and called.call_page is None:
                    called.call_page = number
                    called.call_region = _anchor(ancestors, box)
                    called.call_block = ancestors[lines[-1] - 1].element if lines else called.element
            elif isinstance(box, TextBox) and box.text.strip() and line is not None:
                written.add(id(line))
            elif isinstance(box, FootnoteAreaBox):
                for footnote in box.children:
                    printed = by_element.get(id(footnote.element))
                    if printed is not None:
                        printed.note_pages += (number,)
                        printed.printed += _text(footnote)


def overflows(document: Any, notes: Collection[_Note] = ()) -> list[Problem]:
    """Return one problem per element whose text or image is cut off or overruns its box (on any page).

    Text or an image that passes the edge of the sheet, or that a box with `overflow: hidden`
    clips, is never printed: an error. A line shortened with `text-overflow: ellipsis` is one too:
    the ellipsis says that something is missing, not what (a name of 4 mm prints as "…"). One that
    only overruns the box it belongs to (a word wider than its column) is printed over its
    neighbours or the margin: a warning. Boxes placed in the margins on purpose (the chapter's
    coloured strip bleeds to the edges, a list's bullets hang outside it) stay inside their own
    box: not a problem.

    The problem is in the region of the element (`_anchor`). A running head's is the part of it
    that ran off (`_margin_region`): the report's title, or the section's or facility's name. A
    note's (one of `notes`, placed) is where its call is written (its `CALL_ATTRIBUTE`), else where
    its call prints, the claim that cites it; the problem names the note, and where it is called, not
    the marker that starts it ('15.').
    """
    from weasyprint.formatting_structure.boxes import (
        BlockContainerBox,
        FootnoteAreaBox,
        MarginBox,
        ReplacedBox,
        TextBox,
    )

    by_element = {id(n.element): n for n in notes}
    # By what it is about (a region, or a note): its level, its message, the pages it is on, the
    # text its boxes clip and its region.
    found: dict[str, tuple[Level, str, set[int], list[str], str]] = {}
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
            clip, past = _clip(extent, ancestors)
            if clip is not None:
                level, edge = "error", "is clipped by its box"
                if clip.style["text_overflow"] == "ellipsis" and isinstance(box, TextBox):
                    edge = "is cut short by its box's ellipsis"
            else:
                past, level, edge = _past(extent, sheet), "error", "runs off the page"
                if not past and not any(a.is_outside_marker for a in ancestors):
                    block = next((a for a in reversed(ancestors) if isinstance(a, BlockContainerBox)), None)
                    if block is not None:
                        column = (block.content_box_x(), extent[1], block.width, extent[3])
                        past, level, edge = _past(extent, column), "warning", "overruns its box"
            if not past:
                continue
            margin = next((a for a in ancestors if isinstance(a, MarginBox)), None)
            in_notes = any(isinstance(a, FootnoteAreaBox) for a in ancestors)  # not a call, whose box is the note's too
            note = next((by_element[id(a.element)] for a in ancestors if id(a.element) in by_element), None)
            note = note if in_notes else None
            if margin is not None:
                region = key = _margin_region(margin)
                said = f"{what} in {region}"
            elif note is not None:
                region, key = note.marker or note.call_region, f"note {note.number}"
                said = f"note {note.number} ({_excerpt(note.text)!r}), called in {note.call_region},"
            else:
                region = key = _anchor(ancestors, box)
                said = f"{what} in {region}"
            if key not in found:
                found[key] = (level, f"{said} {edge} on page {number + 1} ({past})", set(), [], region)
            found[key][2].add(number)
            if clip is not None:
                found[key][3].append(box.text if isinstance(box, TextBox) else "an image")
    problems = []
    for level, message, pages, cut, region in found.values():
        more = len(pages) - 1
        message += f", and on {more} more page{'s' * (more > 1)}" if more else ""
        problems.append(Problem(level, "pdf.overflow", message, region, " ".join(cut)))
    return problems


def lines(document: Any, regions: Collection[str]) -> dict[str, tuple[int, float]]:
    """Return, for each of `regions` ('#name') the document prints, how many lines its element's
    block prints and how much height (CSS px) those past its first take: what it pushes down."""
    from weasyprint.formatting_structure.boxes import LineBox

    heights: dict[str, list[float]] = {}
    for page in document.pages:
        for box, _ in _walk(page._page_box):
            element = box.element
            region = f"#{element.get('id')}" if element is not None and element.get("id") else ""
            if region in regions and not isinstance(box, LineBox):
                heights.setdefault(region, []).extend(
                    child.height for child in getattr(box, "children", ()) if isinstance(child, LineBox)
                )
    return {region: (len(each), sum(each[1:])) for region, each in heights.items() if each}


RUNNING_HEAD = "the running head"
"""The region of the running head that prints the section's or the facility's name (print.css's
`string(running-head)`), where a chapter's is the facility's `name:` (`commands.build._places`)."""


def _margin_region(margin: Any) -> str:
    """Return the region of a page's margin box: `RUNNING_HEAD` for the one that prints the named
    string 'running-head', else the string's words ('the running head's report title' for
    `string(report-title)`), or the margin box's at-rule when it prints no named string."""
    content = margin.style["content"]
    strings = [value[0] for kind, value in content if kind == "string()"] if isinstance(content, tuple) else []
    if not strings:
        return f"the page's {margin.at_keyword} margin"
    if strings[0] == "running-head":
        return RUNNING_HEAD
    return f"the running head's {strings[0].replace('-', ' ')}"


def hidden(html: Any, document: Any, sheets: tuple[Sheet, ...] = ()) -> list[Problem]:
    """Return one problem per element of a `TRUSTED` class whose text the laid-out chunk does not print, visibly.

    Its text (but for notes, which print at the foot of the page) must be printed by boxes of it
    or of what it holds (its `::first-letter` and `::first-line` too), not by generated content
    (`::before`, `::after`), and visibly (`_shows`): not `visibility` other than visible, nor of an
    alpha below `MIN_ALPHA` (its colour's times the opacity of each box around it), nor of a font
    size below `MIN_PRINT_FONT_SIZE`, nor clipped by a box with `overflow: hidden` (with an
    ellipsis or without). An element with `display: none` (or inside one) has no box at all. The
    problem is at the declaration of `sheets` (`Sheet`s, as cascaded) that hides it, when one is
    found: the last that does, of a rule that selects the element (or else its nearest ancestor so
    selected).
    """
    from weasyprint.formatting_structure.boxes import TextBox

    trusted = [w for w in html.wrapper_element.iter_subtree() if any(c in TRUSTED for c in w.classes)]
    if not trusted:
        return []
    owners: dict[int, list[int]] = {}  # id() of an element whose text counts -> the trusted elements it is in
    for index, wrapper in enumerate(trusted):
        for element in _reading(wrapper.etree_element):
            owners.setdefault(id(element), []).append(index)
    printed = [""] * len(trusted)
    cut = [False] * len(trusted)  # a box of its text is clipped by a box around it
    for page in document.pages:
        for box, ancestors in _walk(page._page_box):
            owned = owners.get(id(box.element)) if isinstance(box, TextBox) else None
            if not owned or not _own_text(box):
                continue
            if _shows(box, ancestors):
                for index in owned:
                    printed[index] += box.text
            elif _clip((box.position_x, box.position_y, box.width, box.height), ancestors)[1]:
                for index in owned:
                    cut[index] = True
    rules: list[tuple[Any, Loc]] | None = None
    problems = []
    for wrapper, text, clipped in zip(trusted, printed, cut, strict=True):
        said = _said(wrapper.etree_element)
        if _IGNORED.sub("", said).casefold() in _IGNORED.sub("", text).casefold():
            continue
        rules = _hiding_rules(sheets) if rules is None else rules
        one, all_ = TRUSTED[next(c for c in TRUSTED if c in wrapper.classes)]
        rule = _hiding_rule(wrapper, rules)
        region = _element_anchor(wrapper)
        if rule is None and clipped:
            message = f"a box clips {one} {_excerpt(said)!r} in {region}, which the report must print: it is cut off"
        elif rule is None:
            message = f"the stylesheet hides {one} {_excerpt(said)!r} in {region}, which the report must print"
        else:
            message = f"this rule hides {all_}, which the report must print"
        problems.append(Problem("error", "pdf.hidden", message, region, rule=rule))
    return problems


def _reading(element: Any) -> Iterator[Any]:
    """Yield an element and every element in it whose text is read where it stands: not a note's."""
    yield element
    for child in element:
        if isinstance(child.tag, str) and NOTE_CLASS not in (child.get("class") or "").split():
            yield from _reading(child)


def _said(element: Any) -> str:
    """Return the text of an element, but for its notes' (as `_reading` reads it)."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and NOTE_CLASS not in (child.get("class") or "").split():
            parts.append(_said(child))
        parts.append(child.tail or "")
    return "".join(parts)


_FIRST = re.compile(r"(?:::first-(?:letter|line))+$")
"""What a box's `element_tag` ends with when it holds the first letter or line of an element's text."""


def _own_text(box: Any) -> bool:
    """Return whether a text box prints text of its element: its own, its first letter's or its first
    line's (`p`, `p::first-letter`), not generated content (`p::before`, `p::before::first-letter`)."""
    return "::" not in _FIRST.sub("", box.element_tag or "")


def _shows(box: Any, ancestors: list[Any]) -> bool:
    """Return whether a text box prints its text so it can be read, as the site's check judges
    (`MIN_ALPHA`, `MIN_FONT_SIZE`): visible, its colour's alpha times the opacity of each box around
    it at least `MIN_ALPHA`, its font size at least `MIN_PRINT_FONT_SIZE`, and within the box that
    clips it, if any (`_clip`)."""
    style = box.style
    if style["visibility"] != "visible" or style["font_size"] < MIN_PRINT_FONT_SIZE * 4 / 3:
        return False
    alpha = getattr(style["color"], "alpha", 1)
    for own in {id(b.style): b.style for b in (*ancestors, box)}.values():  # a style shared by two boxes once
        alpha *= own["opacity"]
    if alpha < MIN_ALPHA:
        return False
    return not _clip((box.position_x, box.position_y, box.width, box.height), ancestors)[1]


def _clip(extent: tuple[float, float, float, float], ancestors: list[Any]) -> tuple[Any, str]:
    """Return the nearest of `ancestors` that clips what it holds (`overflow` other than visible),
    or None, and how far `extent` passes its edges ('' if it does not: `_past`)."""
    clip = next((a for a in reversed(ancestors) if a.style["overflow"] != "visible"), None)
    if clip is None:
        return None, ""
    visible = (clip.padding_box_x(), clip.padding_box_y(), clip.padding_width(), clip.padding_height())
    return clip, _past(extent, visible)


def _hides(name: str, value: str) -> bool:
    """Return whether a declaration hides what it applies to (`_shows`' cases, and `display: none`).

    A colour hides if its alpha is below `MIN_ALPHA`, however written (`transparent`, `#0000`,
    `rgb(0 0 0 / 0.02)`, `hsl(… / 0%)`); an opacity if it is below `MIN_ALPHA`, a size if it is
    below `MIN_PRINT_FONT_SIZE` (`0.1pt`; an `em` of a 16px font), or either if it is zero (`_zero`).
    """
    if name in ("opacity", "font-size"):
        value = _unfont(value)  # a `font` shorthand with a `var()` in it (`_FONT`): its size
        evaluated = _evaluate(value, length=name == "font-size")
        least = MIN_ALPHA if name == "opacity" else MIN_PRINT_FONT_SIZE * 4 / 3
        return _zero(value) or (evaluated is not None and evaluated[1] < least)
    if name == "color":
        from tinycss2.color4 import parse_color

        return getattr(parse_color(value), "alpha", 1) < MIN_ALPHA
    return (name, value) in {
        ("display", "none"),
        ("visibility", "hidden"),
        ("visibility", "collapse"),
    }


def _zero(value: str) -> bool:
    """Return whether a number, length or percentage is zero: written so (`0`, `0%`, `0.0pt`), or a
    `calc()` of a product one of whose factors is a literal zero (`calc(0 * 1rem)`)."""
    import tinycss2

    if _ZERO.fullmatch(value):
        return True
    tokens = [t for t in tinycss2.parse_component_value_list(value) if t.type not in ("whitespace", "comment")]
    if len(tokens) != 1 or tokens[0].type != "function" or tokens[0].lower_name != "calc":
        return False
    factors = [t for t in tokens[0].arguments if t.type not in ("whitespace", "comment")]
    if any(t.type == "literal" and t.value != "*" for t in factors):
        return False  # a sum or a quotient: not simply zero
    return any(t.type in ("number", "dimension", "percentage") and t.value == 0 for t in factors)


MIN_ALPHA = 0.2
"""The least opacity, or alpha of a text's colour, that the site's check takes to leave text visible."""

MIN_FONT_SIZE = 8.0
"""The least font size, in CSS pixels, that the site's check takes to leave text visible: 0.5em of 16px."""

MIN_PRINT_FONT_SIZE = 6.0
"""The least font size, in points, that the PDF's check takes to print text visibly: the site's
`MIN_FONT_SIZE` (8px is 6pt). The print stylesheets' smallest text is 6.5pt (a facility PDF's
footer, the notes' calls)."""

_HINTS = {
    "display": "a display keyword other than none (block, inline, flex…)",
    "visibility": "visible",
    "content-visibility": "visible or auto",
    "opacity": f"a number from {MIN_ALPHA} to 1",
    "color": f"a colour with an alpha of at least {MIN_ALPHA} (#333, rgb(0 0 0 / 0.6))",
    "-webkit-text-fill-color": "currentcolor",
    "font-size": "a size of at least 0.5em or 8px",
    "zoom": "a number of at least 0.5",
    "content": "normal",
    "mix-blend-mode": "normal",
    "scale": "none or a number of at least 0.5",
    "-webkit-text-security": "none",
    "font-size-adjust": "none",
    "letter-spacing": "normal or a spacing of at least -0.05em",
    "size-adjust": "a size-adjust of at least 50%",
}
"""What a browser's declaration of each property that can hide text may say instead, for the tool to
tell that it leaves the text visible (`_judge`); `none` for the others."""

_DISPLAY = frozenset(
    "none contents block inline run-in flow flow-root table flex grid ruby math list-item inline-block"
    " inline-table inline-flex inline-grid inline-list-item table-row-group table-header-group"
    " table-footer-group table-row table-cell table-caption ruby-base"
    " ruby-text ruby-base-container ruby-text-container -webkit-box -webkit-inline-box".split()
)

_NO_CONTENT = frozenset({"table-column", "table-column-group"})
"""The display keywords whose box a browser renders none of the content of: they hide it."""

_GLOBAL = frozenset({"inherit", "initial", "unset"})
"""The values every property takes that leave text as visible as the element's parent or the default
(`revert` and `revert-layer` are not among them: they may take back any rule's value)."""


def _judge(name: str, value: str) -> bool | None:
    """Return whether a browser's declaration (resolved: `_resolved`) hides the text it applies to
    (True), leaves it visible (False), or None: the tool cannot tell.

    It leaves the text visible only with a value the tool can read and evaluate: a keyword it
    knows, a number or length (`_evaluate`), also as a `calc()`, `min()`, `max()` or `clamp()`, of
    at least `MIN_ALPHA` (an opacity) or `MIN_FONT_SIZE`, a colour `parse_color` reads with an alpha
    of at least `MIN_ALPHA`, or `none` for a filter, a clip path or a mask. It hides with one that
    is zero or less (`opacity: calc(1 - 1)`, `font-size: min(0px, 1em)`), a colour of alpha zero,
    `display: none`, `visibility: hidden`. Anything else (`filter: opacity(0)`, `color-mix()`, a
    `var()` it cannot resolve, `revert`) it cannot tell.
    """
    value = _unfont(value) if name == "font-size" else value
    if value in _GLOBAL:
        return False
    if name == "display":
        words = value.split()
        if _NO_CONTENT.intersection(words):
            return True
        return "none" in words if words and all(word in _DISPLAY for word in words) else None
    if name == "visibility":
        return {"visible": False, "hidden": True, "collapse": True}.get(value)
    if name == "content-visibility":
        return {"visible": False, "auto": False, "hidden": True}.get(value)
    if name in ("color", "-webkit-text-fill-color"):
        from tinycss2.color4 import parse_color

        colour = parse_color(value) if value else None
        if colour is None or isinstance(colour, str):
            return False if colour == "currentcolor" else None
        return True if colour.alpha <= 0 else False if colour.alpha >= MIN_ALPHA else None
    if name in ("opacity", "zoom", "font-size"):
        if name == "font-size" and value in _FONT_SIZES or name == "zoom" and value in ("normal", "reset"):
            return False
        evaluated = _evaluate(value, length=name == "font-size")
        if evaluated is None:
            return None
        least = {"opacity": MIN_ALPHA, "zoom": 0.5, "font-size": MIN_FONT_SIZE}[name]
        return True if evaluated[1] <= 0 and name != "zoom" else False if evaluated[0] >= least else None
    if name == "content":
        return False if value in ("normal", "none") else None
    if name == "mix-blend-mode":
        return False if value == "normal" else None
    if name == "-webkit-text-security":
        return {"none": False, "disc": True, "circle": True, "square": True}.get(value)
    if name == "font-size-adjust":
        if value in ("none", "from-font"):
            return False
        evaluated = _evaluate(value, length=False)
        return True if evaluated is not None and evaluated[1] <= 0 else None
    if name == "letter-spacing":
        evaluated = None if value == "normal" else _evaluate(value, length=True)
        return False if value == "normal" or evaluated is not None and evaluated[0] >= _LEAST_SPACING else None
    if name == "scale":
        return False if value == "none" else _scale(value)
    if name == "size-adjust":
        evaluated = _evaluate(value, length=False)
        return None if evaluated is None else True if evaluated[1] <= 0 else False if evaluated[0] >= 0.5 else None
    return False if value == "none" else None


_LEAST_SPACING = -0.05 * 16 - 1e-9
"""The least letter spacing, in CSS pixels, that the site's check takes to leave text readable: -0.05em."""


def _scale(value: str) -> bool | None:
    """Return whether a `scale` of one to three numbers or percentages hides (one is zero), leaves the
    text visible (each at least 0.5), or None: the tool cannot tell."""
    import tinycss2

    parts = [t for t in tinycss2.parse_component_value_list(value) if t.type not in ("whitespace", "comment")]
    ranges = [_evaluate(tinycss2.serialize([part]), length=False) for part in parts]
    if not 1 <= len(ranges) <= 3 or any(r is None for r in ranges):
        return None
    if any(r == (0, 0) for r in ranges):
        return True
    return False if all(r is not None and r[0] >= 0.5 for r in ranges) else None


_LENGTHS = {"px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4, "q": 96 / 101.6}
_LENGTHS.update(dict.fromkeys(("em", "rem", "lh", "rlh", "ic", "ric"), 16.0))
_LENGTHS.update(dict.fromkeys(("ex", "rex", "ch", "rch", "cap", "rcap"), 8.0))
"""CSS pixels to a unit; a font's units as of a 16px font (the browser's default)."""

_VIEWPORT = re.compile(r"[sld]?v(?:w|h|i|b|min|max)|(cq(?:w|h|i|b|min|max))")
"""A unit of the viewport (a phone's 320px to a screen's 2560px) or of a container (from nothing)."""

_Range = tuple[float, float, bool]


def _evaluate(value: str, length: bool) -> tuple[float, float] | None:
    """Return the least and the greatest a number (or, if `length`, a length in CSS pixels) may come
    to, or None if the tool cannot evaluate it. A percentage is of a 16px font, or a hundredth of
    a number; the viewport's units may be anything from a phone's to a wide screen's."""
    import tinycss2

    tokens = [t for t in tinycss2.parse_component_value_list(value) if t.type not in ("whitespace", "comment")]
    if len(tokens) != 1:
        return None
    found = _range(tokens, length)
    if found is None or (found[2] != length and not (length and found[:2] == (0, 0))):
        return None
    return found[0], found[1]


def _range(tokens: list[Any], length: bool) -> _Range | None:
    """Return the range of a sum of products (`calc()`'s arguments), or None (`_evaluate`)."""
    terms: list[list[Any]] = [[]]
    signs = [1]
    for token in tokens:
        if token.type in ("whitespace", "comment"):
            continue
        if token.type == "literal" and token.value in ("+", "-") and terms[-1]:
            signs.append(1 if token.value == "+" else -1)
            terms.append([])
        else:
            terms[-1].append(token)
    total: _Range | None = None
    for sign, term in zip(signs, terms, strict=True):
        found = _product(term, length)
        if found is None:
            return None
        low, high, is_length = (found[0], found[1], found[2]) if sign > 0 else (-found[1], -found[0], found[2])
        if total is None:
            total = (low, high, is_length)
        elif total[2] == is_length or (0, 0) in (total[:2], (low, high)):
            total = (total[0] + low, total[1] + high, total[2] or is_length)
        else:
            return None  # a number added to a length
    return total


def _product(tokens: list[Any], length: bool) -> _Range | None:
    """Return the range of a product or quotient of operands, or None."""
    if len(tokens) % 2 == 0:
        return None
    found = _operand(tokens[0], length)
    for operator, token in zip(tokens[1::2], tokens[2::2], strict=True):
        other = _operand(token, length)
        if found is None or other is None or operator.type != "literal" or operator.value not in ("*", "/"):
            return None
        if operator.value == "*" and not (found[2] and other[2]):
            ends = [a * b for a in found[:2] for b in other[:2]]
        elif operator.value == "/" and not other[2] and not other[0] <= 0 <= other[1]:
            ends = [a / b for a in found[:2] for b in other[:2]]
        else:
            return None
        found = (min(ends), max(ends), found[2] or other[2])
    return found


def _operand(token: Any, length: bool) -> _Range | None:
    """Return the range of a number, percentage, length or math function, or None."""
    if token.type == "number":
        return (token.value, token.value, False)
    if token.type == "percentage":
        return (
            (token.value * 0.16, token.value * 0.16, True) if length else (token.value / 100, token.value / 100, False)
        )
    if token.type == "dimension" and length:
        unit = token.lower_unit
        if unit in _LENGTHS:
            return (token.value * _LENGTHS[unit], token.value * _LENGTHS[unit], True)
        viewport = _VIEWPORT.fullmatch(unit)
        if viewport:
            ends = [token.value * (0.0 if viewport[1] else 3.2), token.value * 25.6]
            return (min(ends), max(ends), True)
        return None
    if token.type == "() block":
        return _range(token.content, length)
    if token.type != "function" or token.lower_name not in ("calc", "min", "max", "clamp"):
        return None
    if token.lower_name == "calc":
        return _range(token.arguments, length)
    parts = [_range(part, length) for part in _split_commas(token.arguments)]
    if any(part is None for part in parts) or len({part[2] for part in parts if part}) != 1:
        return None
    ranges = [part for part in parts if part is not None]
    if token.lower_name == "clamp":
        if len(ranges) != 3:
            return None
        least, middle, most = ranges
        return (max(least[0], min(middle[0], most[0])), max(least[1], min(middle[1], most[1])), least[2])
    pick = min if token.lower_name == "min" else max
    return (pick(r[0] for r in ranges), pick(r[1] for r in ranges), ranges[0][2])


def _hiding_rules(sheets: tuple[Sheet, ...]) -> list[tuple[Any, Loc]]:
    """Return the selectors of each rule of `sheets` that hides what it selects, with its (last) hiding declaration.

    Rules WeasyPrint applies in print count (`_style_rules`); other at-rules do not apply to a page's content.
    """
    found = []
    for selectors, declarations, _ in _style_rules(sheets, "print"):
        hiding = [loc for name, value, _, loc in declarations if _hides(name, value)]
        if hiding:
            found.append((selectors, hiding[-1]))
    return found


_BROWSER_BLOCKS = frozenset({"supports", "container", "scope"})
"""At-rules a browser applies to what they hold, assumed to hold (a browser that supports the
feature, a container of any size, an element in the scope): WeasyPrint applies none of them."""


def _style_rules(
    sheets: tuple[Sheet, ...], medium: str, browser: bool = False
) -> list[tuple[list[Any], list[tuple[str, str, bool, Loc]], int | None]]:
    """Return, in cascade order, the selectors of each rule of `sheets` that applies in `medium`
    ('print' or 'screen'), its declarations: (name, value, !important, where), and its layer's
    rank (None: in no layer, which wins over every layer).

    A rule counts in `@media` that applies (`_media_applies`), in `@layer` and nested in another
    rule (its `&` is the rule around it); in a `browser`, also in `@supports`, `@container` and
    `@scope` (`_BROWSER_BLOCKS`). Other at-rules do not apply to a page's content. A sheet counts
    only if each media query list it is imported with applies, as an `@media`'s would.
    """
    import tinycss2

    found: list[tuple[list[Any], list[tuple[str, str, bool, Loc]], str | None]] = []
    layers: list[str] = []
    for path, text, media in sheets:
        if not _sheet_applies(media, medium, browser):
            continue  # imported for another medium (`@import "x.css" print`)
        rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
        _gather_rules(rules, path, medium, browser, None, None, layers, found)
    return [
        (selectors, declarations, None if layer is None else layers.index(layer))
        for selectors, declarations, layer in found
    ]


def _gather_rules(
    rules: list[Any],
    path: str,
    medium: str,
    browser: bool,
    parent: str | None,
    layer: str | None,
    layers: list[str],
    found: list[tuple[list[Any], list[tuple[str, str, bool, Loc]], str | None]],
) -> None:
    """Add to `found` the style rules among `rules` (a sheet's, an at-rule's or a rule's contents) that
    apply, with their layer; `parent` is the selector of the rule they are nested in, if any."""
    import tinycss2

    for rule in rules:
        if rule.type == "at-rule":
            keyword = rule.lower_at_keyword
            inner: str | None = layer
            if keyword == "layer":
                names = ["".join(tinycss2.serialize(part).split()) for part in _split_commas(rule.prelude)]
                names = [f"{layer}.{name}" if layer else name for name in names if name]
                if rule.content is None:
                    for name in names:
                        _add_layer(name, layers)
                    continue
                if len(names) > 1:
                    continue  # a block for two layers is invalid
                inner = names[0] if names else f"{layer + '.' if layer else ''}@anonymous{len(layers)}"
                _add_layer(inner, layers)
            elif rule.content is None or not (
                (keyword == "media" and _media_applies(rule.prelude, medium, browser))
                or (browser and keyword in _BROWSER_BLOCKS)
            ):
                continue
            if parent is None:
                contents = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            else:  # in a rule: its declarations are the rule's
                contents = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
                _add_rule(parent, _declarations(rule.content, path), inner, found, browser)
            _gather_rules(contents, path, medium, browser, parent, inner, layers, found)
        elif rule.type == "qualified-rule":
            selector = _nested_selector(rule.prelude, parent)
            _add_rule(selector, _declarations(rule.content, path), layer, found, browser)
            contents = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
            nested = [r for r in contents if r.type in ("qualified-rule", "at-rule")]
            _gather_rules(nested, path, medium, browser, selector, layer, layers, found)


def _add_rule(
    selector: str,
    declarations: list[tuple[str, str, bool, Loc]],
    layer: str | None,
    found: list[tuple[list[Any], list[tuple[str, str, bool, Loc]], str | None]],
    browser: bool = False,
) -> None:
    """Add a rule to `found`, if it declares what can hide and its selector compiles (bar pseudo-elements
    other than `::first-line` and `::first-letter`, which style the element's own text).

    In a `browser`, each selector of the list counts on its own, `::first-line` and `::first-letter`
    too (they style the element's own text), and one the tool cannot match is not skipped: a
    browser may match it (`:read-only`, `:defined`, `:dir()`, `:hover`). It counts as `_Maybe`,
    which selects whatever it would select without its pseudo-classes (`_broadened`), or anything.
    One that ends in another pseudo-element (`::before`, `::marker`, `::-webkit-scrollbar`) styles
    a box that is not the element's own text: it is skipped, but for those of `_ELEMENT_PSEUDO`.
    """
    import cssselect2
    import tinycss2

    if not declarations:
        return
    if not browser:
        try:
            selectors = [s for s in cssselect2.compile_selector_list(selector) if s.pseudo_element in _TEXT_PSEUDO]
        except cssselect2.SelectorError:
            return  # WeasyPrint skips it too (a pdf.css warning says so)
        if selectors:
            found.append((selectors, declarations, layer))
        return
    chosen: list[Any] = []
    for part in _split_commas(tinycss2.parse_component_value_list(selector)):
        element, before = _pseudo_element(part)
        if element not in _TEXT_PSEUDO and element not in _ELEMENT_PSEUDO:
            continue
        compiled = _compiled(tinycss2.serialize(part))
        if element in _ELEMENT_PSEUDO:  # as a rule for the element it belongs to
            compiled = _Maybe(_compiled(_broadened(before) or "*") or _compiled("*"))
        elif compiled is None or _has_state(part):
            compiled = _Maybe(_compiled(_broadened(part)) or _compiled("*"))
        if _pseudo(compiled) in _TEXT_PSEUDO:
            chosen.append(compiled)
    if chosen:
        found.append((chosen, declarations, layer))


_TEXT_PSEUDO = (None, "first-line", "first-letter")
"""What a browser's rule may style that holds an element's own text: the element, its first line and letter."""

_ELEMENT_PSEUDO = frozenset({"part", "slotted", "highlight"})
"""The pseudo-elements that style an element (of a shadow tree) or a range of text a script chose,
which may be protected text: a rule that ends in one is kept, as one the tool cannot match that
selects the element the pseudo-element belongs to."""

_STATES = frozenset(
    "visited hover active focus focus-within focus-visible target target-within current past future playing"
    " paused seeking buffering stalled muted volume-locked user-valid user-invalid host".split()
)
"""The pseudo-classes of a reader's action or a page's state, which cssselect2 never matches: a browser may."""

_LEGACY_PSEUDO = frozenset({"before", "after", "first-line", "first-letter"})
"""The pseudo-elements that may be written with one colon (`:first-line`)."""


@dataclass(frozen=True)
class _Maybe:
    """A selector the tool cannot match, as one that selects at least as much (`_broadened`)."""

    selector: Any


def _pseudo(selector: Any) -> str | None:
    """Return the pseudo-element a compiled selector (or `_Maybe`) styles, if any."""
    return (selector.selector if isinstance(selector, _Maybe) else selector).pseudo_element


def _compiled(text: str) -> Any:
    """Return the one compiled selector `text` is, or None if cssselect2 cannot compile it."""
    import cssselect2

    try:
        selectors = cssselect2.compile_selector_list(text)
    except cssselect2.SelectorError:
        return None
    return selectors[0] if len(selectors) == 1 else None


def _pseudo_element(tokens: list[Any]) -> tuple[str | None, list[Any]]:
    """Return the name of the pseudo-element a selector styles (the first it names, in lower case:
    'before', '-webkit-scrollbar', 'part'), or None if it styles an element, and the selector
    before it."""
    for index, token in enumerate(tokens[:-1]):
        after = tokens[index + 1]
        if (
            token.type != "literal"
            or token.value != ":"
            or (index and tokens[index - 1].type == "literal" and tokens[index - 1].value == ":")
        ):
            continue
        if after.type == "literal" and after.value == ":" and index + 2 < len(tokens):
            named = tokens[index + 2]
            if named.type in ("ident", "function"):
                return _lower(named), tokens[:index]
        elif after.type == "ident" and _lower(after) in _LEGACY_PSEUDO:
            return _lower(after), tokens[:index]
    return None, tokens


def _has_state(tokens: list[Any]) -> bool:
    """Return whether a selector names a pseudo-class of `_STATES`, anywhere in it."""
    for index, token in enumerate(tokens):
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if token.type == "literal" and token.value == ":" and after is not None:
            if after.type in ("ident", "function") and _lower(after) in _STATES:
                return True
        arguments = getattr(token, "arguments", None) or getattr(token, "content", None)
        if isinstance(arguments, list) and _has_state(arguments):
            return True
    return False


def _lower(token: Any) -> str:
    """Return the name of an ident or function token, in lower case."""
    return str(token.lower_name if token.type == "function" else token.lower_value)


def _broadened(tokens: list[Any]) -> str:
    """Return a selector with each of its pseudo-classes (and what it holds) as `:is(*)`: it selects
    every element the selector may select, and more."""
    import tinycss2

    text = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if token.type == "literal" and token.value == ":" and after is not None:
            if after.type == "literal" and after.value == ":":  # a pseudo-element
                text.append("::")
                index += 2
                continue
            if after.type == "function" or (after.type == "ident" and _lower(after) not in _LEGACY_PSEUDO):
                text.append(":is(*)")
                index += 2
                continue
        text.append(tinycss2.serialize([token]))
        index += 1
    return "".join(text)


def _nested_selector(prelude: list[Any], parent: str | None) -> str:
    """Return the selector of a rule, as it reads on its own: `&` (or, where it has none, an ancestor
    before it) is the selector of the rule it is nested in, if any, as `:is(…)`."""
    import tinycss2

    if parent is None:
        return tinycss2.serialize(prelude)
    around = f":is({parent})"
    selectors = []
    for part in _split_commas(prelude):
        tokens = [t for t in part]
        while tokens and tokens[0].type == "whitespace":
            tokens.pop(0)
        if any(t.type == "literal" and t.value == "&" for t in tokens):
            text = "".join(
                around if t.type == "literal" and t.value == "&" else tinycss2.serialize([t]) for t in tokens
            )
        else:
            text = f"{around} {tinycss2.serialize(tokens)}"
        selectors.append(text.strip())
    return ", ".join(selectors)


def _split_commas(tokens: list[Any]) -> list[list[Any]]:
    """Return the comma-separated parts of a list of tokens."""
    parts: list[list[Any]] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _add_layer(name: str, layers: list[str]) -> None:
    """Add a layer (`a.b`) to `layers`, in the order they cascade: a layer's own rules after its sublayers'."""
    index = None
    full = ""
    for part in name.split("."):
        full = f"{full}.{part}" if full else part
        if full in layers:
            index = layers.index(full)
        elif index is None:
            layers.append(full)
            index = len(layers) - 1
        else:
            layers.insert(index, full)


def _sheet_applies(media: tuple[str, ...], medium: str, browser: bool) -> bool:
    """Return whether a sheet imported under these media query lists (`Sheet`'s third part, one per
    `@import` on the way to it) applies to `medium` (`_media_applies`)."""
    import tinycss2

    return all(_media_applies(tinycss2.parse_component_value_list(query), medium, browser) for query in media)


def _media_applies(prelude: list[Any], medium: str, browser: bool) -> bool:
    """Return whether an `@media` rule's query list applies in `medium` ('print' or 'screen').

    WeasyPrint takes a list of media types only (`all`, `print`; `only` first at most): any
    other query, such as one with a feature (`print and (min-width: 1px)`), drops the whole
    rule. A browser takes each query of the list: an optional `not` or `only`, a media type (none:
    all) and features, each of which is assumed to hold, on a screen (a phone or a desktop) and in
    print (the width of a sheet of paper, which the reader can scale up to twice the size: an A4
    page is then narrower than 40rem). A query with `not` and a feature may hold anywhere.
    """
    parts = _split_commas([t for t in prelude if t.type not in ("whitespace", "comment")])
    if not browser:
        if parts == [[]]:
            return True
        if parts[0] and parts[0][0].type == "ident" and parts[0][0].lower_value == "only":
            parts[0] = parts[0][1:]
        if any(len(part) != 1 or part[0].type != "ident" for part in parts):
            return False
        return any(part[0].lower_value in ("all", medium) for part in parts)
    for query in parts:
        words = [t.lower_value if t.type == "ident" else "(" for t in query]
        negated = words[:1] == ["not"]
        if words[:1] in (["not"], ["only"]):
            words = words[1:]
        kind = words[0] if words and words[0] not in ("(", "and") else "all"
        features = "(" in words
        if (negated and features) or (kind in ("all", medium)) != negated:
            return True
    return False


_INHERITED = (
    "visibility",
    "color",
    "-webkit-text-fill-color",
    "font-size",
    "-webkit-text-security",
    "font-size-adjust",
    "letter-spacing",
)
"""The properties that can hide text which an element inherits: the nearest element that declares one decides."""

_OWN = (
    "display",
    "opacity",
    "content-visibility",
    "filter",
    "-webkit-filter",
    "content",
    "clip-path",
    "-webkit-clip-path",
    "mask",
    "mask-image",
    "mask-border",
    "mask-border-source",
    "-webkit-mask",
    "-webkit-mask-image",
    "-webkit-mask-box-image",
    "-webkit-mask-box-image-source",
    "zoom",
    "mix-blend-mode",
    "scale",
)
"""The properties that can hide text which are not inherited: each element around the text counts.
Of the masks, those that can set an image: the others (`mask-size`, `-webkit-mask-box-image-slice`…)
only place one, and mask nothing without it."""

_HIDING_PROPERTIES = (*_OWN, *_INHERITED)

_ANIMATION = (
    "animation-name",
    "animation-iteration-count",
    "animation-direction",
    "animation-fill-mode",
    "animation-play-state",
    "animation-timeline",
)
"""The longhands of `animation` that decide which @keyframes apply to an element and which of their
keyframes it keeps (`_animated`); the shorthand sets each (the timeline to `auto`)."""


def _declarations(content: Any, path: str) -> list[tuple[str, str, bool, Loc]]:
    """Return the declarations of a rule's (or a `style` attribute's) `content` that can hide what they
    apply to, the custom properties a `var()` of one may take, and those that run an animation
    (`_ANIMATION`, `animation`); the `font` shorthand as the `font-size` it sets (`_font_size`)."""
    import tinycss2

    found = []
    for d in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if d.type != "declaration" or (
            d.lower_name not in (*_HIDING_PROPERTIES, "font", "animation", *_ANIMATION) and d.name[:2] != "--"
        ):
            continue
        name, value = d.lower_name, tinycss2.serialize(d.value).strip()
        if name.startswith("--"):
            name = d.name  # case-sensitive, as is its value (`_resolved`)
        elif "var(" not in value.lower() and name not in ("animation", "animation-name"):  # a name is case-sensitive
            value = value.lower()
        if name == "font":  # a `var()` in it first resolved, then read (`_judge`)
            name, value = "font-size", _FONT + value if "var(" in value.lower() else _font_size(d.value)
        found.append((name, value, d.important, Loc(path, d.source_line, d.source_column)))
    return found


_FONT = "font:"
"""How a `font` shorthand with a `var()` in it stands as a `font-size` value: the size is read once
the `var()` is resolved (`_unfont`)."""


def _unfont(value: str) -> str:
    """Return the size a resolved `font` shorthand sets (`_FONT`: `_font_size`), or a value as it is."""
    import tinycss2

    return _font_size(tinycss2.parse_component_value_list(value[len(_FONT) :])) if value.startswith(_FONT) else value


_FONT_SIZES = frozenset("xx-small x-small small medium large x-large xx-large xxx-large smaller larger".split())


_SYSTEM_FONTS = frozenset("caption icon menu message-box small-caption status-bar".split())


def _font_size(tokens: list[Any]) -> str:
    """Return the size a `font` shorthand sets ('0' of `0/0 a`): the first length, percentage, zero,
    function or size keyword in it; a value every property takes as itself (`inherit`, `revert`,
    read as font-size's); `medium` for a system font (`caption`), which sets no size of ours; else
    the whole value, which `_judge` cannot tell leaves text visible."""
    import tinycss2

    words = [t for t in tokens if t.type not in ("whitespace", "comment")]
    if len(words) == 1 and words[0].type == "ident" and words[0].lower_value in {*_GLOBAL, "revert", "revert-layer"}:
        return str(words[0].lower_value)
    if len(words) == 1 and words[0].type == "ident" and words[0].lower_value in _SYSTEM_FONTS:
        return "medium"
    for token in tokens:
        if token.type == "literal" and token.value == "/":
            break  # the line height and the family follow
        if (
            token.type in ("dimension", "percentage", "function")
            or (token.type == "number" and token.value == 0)
            or (token.type == "ident" and token.lower_value in _FONT_SIZES)
        ):
            return tinycss2.serialize([token]).strip().lower()
    return tinycss2.serialize(tokens).strip().lower()


STYLE_ELEMENT = "<style>"
"""Where `site_hidden` says a `<style>` element of the page declares what hides (a template wrote it)."""

SITE_MEDIA = {"screen": "on the site's pages", "print": "when a reader prints a page of the site"}
"""The media a site page is read in, and how a finding says so."""


LINK_ELEMENT = "<link>"
"""Where `site_hidden` says a page links a stylesheet the tool cannot read (a template wrote it)."""

SCRIPT_ELEMENT = "<script>"
"""Where `site_hidden` says a page runs a script the tool does not read (a template wrote it)."""

KNOWN_SCRIPTS = frozenset({"assets/js/search.js"})
"""The site's own scripts (from layouts/js), which a page may load: the tool does not read them."""

_DATA_SCRIPTS = frozenset({"application/ld+json", "application/json"})
"""The `type`s of a `<script>` a browser keeps as data and never runs."""


def site_address(page: str, ref: str) -> str | None:
    """Return the file of the site (its path under dist/) a relative address on the page at `page`
    names, or None if it names none the tool can read: one with a scheme (`data:`, `https:`), a
    host, a path from the server's root (`/assets/…`: the site may be served from a folder), or one
    that climbs out of the site."""
    split = urlsplit(ref.strip())
    if split.scheme or split.netloc or not split.path or split.path.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(split.path)))
    return None if joined == ".." or joined.startswith("../") else joined


def site_hidden(
    page: bytes, published: Mapping[str, tuple[Sheet, ...]], path: str = "index.html"
) -> list[tuple[str, str, str, Loc | None, str]]:
    """Return (medium, trusted class, the element's anchor, where, doubt) for each element of a
    `TRUSTED` class that the page's stylesheets hide, or may hide, on the site page at `path`, in
    each of `SITE_MEDIA`.

    The page's stylesheets are those it links (`<link rel="stylesheet">`, with its `media`) and its
    `<style>` elements with what they `@import`, in document order (`_page_sheets`); `published`
    gives the sheets (`Sheet`, as they cascade) of each stylesheet the site publishes, by its path
    under dist/. One the page loads from anywhere else (`data:`, another site) the tool cannot read:
    every trusted element of the page is in doubt at `LINK_ELEMENT`; so it is where the page runs a
    script but the site's own (`KNOWN_SCRIPTS`): at `SCRIPT_ELEMENT`. An `@font-face` whose
    `size-adjust` shrinks its glyphs counts for every trusted element (the tool does not match its
    family to theirs).

    Pages are not laid out, so this is the cascade of the properties that can hide text
    (`_HIDING_PROPERTIES`) as a browser applies the rules (`_style_rules`), for each element in it
    that holds its words (`_wording`: not a date or an icon beside them): the declaration that wins for it (by !important, then
    a `style` attribute, layer, specificity and order) and, for those not inherited (`_OWN`), for
    each of its ancestors; those inherited (`_INHERITED`) are decided by the nearest element that
    declares one. A `hidden` attribute hides unless a `display` wins over it (`until-found`
    always), and so does an element a browser does not render the content of (`_html_hides`:
    `<template>`, a closed `<dialog>`, a `popover`…). The winners of each element's `::first-line` and
    `::first-letter` count, and every declaration of a rule whose selector the tool cannot match
    (`_Maybe`), and the keyframes of an animation of the element or one around it (`_animated`).
    Each must be one the tool can tell leaves the text visible (`_judge`): doubt is '' for one
    that hides, else what to write instead. Each such declaration is one answer for the element.
    Where is the declaration, `Loc(STYLE_ELEMENT)` for one of a `<style>` element, or None for a
    `hidden` or `style` attribute or an element that hides.
    """
    text = page.decode("utf-8", errors="replace")
    if not any(name in text for name in TRUSTED):
        return []
    import cssselect2

    tree = _html_tree(text)
    root = cssselect2.ElementWrapper.from_html_root(tree)
    trusted = [w for w in root.iter_subtree() if any(c in TRUSTED for c in w.classes)]
    sheets, unread = _page_sheets(tree, published, path)
    found = []
    for medium in SITE_MEDIA:
        matcher, at = _matcher(sheets, medium), _at_rules(sheets, medium)
        declared: dict[int, _Styles] = {}
        for wrapper in trusted:
            name = next(c for c in TRUSTED if c in wrapper.classes)
            failing: dict[tuple[Loc | None, str], None] = dict.fromkeys([*unread, *at.faces])
            failing.update(
                {
                    (Loc(STYLE_ELEMENT) if where is not None and where.path == STYLE_ELEMENT else where, doubt): None
                    for part in _wording(wrapper)
                    for where, doubt in _site_hiding(part, matcher, at, declared)
                }
            )
            in_order = sorted(
                failing, key=lambda f: (0, "", 0, 0) if f[0] is None else (1, f[0].path, f[0].line, f[0].col)
            )
            found += [(medium, name, _element_anchor(wrapper), where, doubt) for where, doubt in in_order]
    return found


def _page_sheets(
    tree: ET.Element, published: Mapping[str, tuple[Sheet, ...]], path: str
) -> tuple[tuple[Sheet, ...], list[tuple[Loc, str]]]:
    """Return the sheets a page's stylesheets give, in cascade order (see `site_hidden`), and a
    doubt for each stylesheet it loads that the tool cannot read and each script it runs."""
    sheets: list[Sheet] = []
    unread: dict[tuple[Loc, str], None] = {}

    def load(ref: str, conditions: tuple[str, ...]) -> None:
        linked = published.get(site_address(path, ref) or "")
        if linked is None:
            why = f"it loads a stylesheet the tool cannot read ({_excerpt(ref)}); link one of layouts/css instead"
            unread[Loc(LINK_ELEMENT), why] = None
        else:
            sheets.extend((file, text, conditions + media) for file, text, media in linked)

    for element in tree.iter():
        media = (element.get("media") or "",)
        if element.tag == "link" and "stylesheet" in (element.get("rel") or "").lower().split():
            load(element.get("href") or "", media)
        elif element.tag == "style":
            style = element.text or ""
            for rule in css_imports(style):
                if rule.ref and not rule.ignored:
                    condition = " ".join(
                        filter(None, (f"supports({rule.supports})" if rule.supports else "", rule.media))
                    )
                    load(rule.ref, media + ((condition,) if condition else ()))
            sheets.append((STYLE_ELEMENT, style, media))
        elif element.tag == "script" and (element.get("type") or "").strip().lower() not in _DATA_SCRIPTS:
            src = element.get("src")
            if src is None or (element.text or "").strip() or site_address(path, src) not in KNOWN_SCRIPTS:
                why = f"the tool does not read scripts; remove it (the site's own: {', '.join(sorted(KNOWN_SCRIPTS))})"
                unread[Loc(SCRIPT_ELEMENT), f"it runs a script ({_excerpt(src or element.text or '')}), and {why}"] = (
                    None
                )
        if any(name.lower().startswith("on") for name in element.attrib):
            why = "and the tool does not read scripts; remove the attribute"
            unread[Loc(SCRIPT_ELEMENT), f"an event attribute on <{element.tag}> runs a script, {why}"] = None
    return tuple(sheets), list(unread)


_HIDING_ELEMENTS = frozenset(
    "template noscript canvas object iframe video audio embed datalist select script style title head"
    " noembed noframes rp".split()
)
"""The elements a browser renders none of the content of (or, `<noscript>`, not where scripts run)."""


def _html_hides(wrapper: Any) -> bool:
    """Return whether an element is hidden by what it is or where it stands, whatever the stylesheets
    say: one of `_HIDING_ELEMENTS`, a `<dialog>` that is not open, a `popover` (shown only when
    opened), a `hidden="until-found"` (hidden by its `content-visibility`, whatever its display),
    what is in a closed `<details>` but its summary, or a child of a shadow root's host (a
    declarative `<template shadowrootmode>` beside it: the shadow tree shows instead)."""
    element = wrapper.etree_element
    hidden = element.get("hidden")
    if (
        element.tag in _HIDING_ELEMENTS
        or (element.tag == "dialog" and element.get("open") is None)
        or element.get("popover") is not None
        or (hidden is not None and hidden.strip().lower() == "until-found")
    ):
        return True
    parent = wrapper.parent.etree_element if wrapper.parent is not None else None
    if parent is None:
        return False
    if parent.tag == "details" and parent.get("open") is None:
        summary = next((child for child in parent if child.tag == "summary"), None)
        if element is not summary:
            return True
    return any(
        child is not element
        and child.tag == "template"
        and (child.get("shadowrootmode") is not None or child.get("shadowroot") is not None)
        for child in parent
    )


_WORD = re.compile(r"\w")
"""A letter or a digit: text that says something, not a separator alone (` · `)."""


def _wording(wrapper: Any) -> list[Any]:
    """Return the elements of a trusted element whose own text must stay visible: each in it with text
    of its own, but for a `<time>` (a date) or an `aria-hidden` element (an icon, a separator) and
    what they hold, unless the rest holds no word; the element itself if none holds text."""
    held = [p for p in wrapper.iter_subtree() if (p.etree_element.text or "").strip()]
    words = [p for p in held if not _beside(p, wrapper)]
    if not any(_WORD.search(p.etree_element.text) for p in words):
        words = held  # a date or an icon alone: it is what the element says
    return words or [wrapper]


def _beside(element: Any, wrapper: Any) -> bool:
    """Return whether an element in a trusted element is, or is in, a `<time>` or an `aria-hidden` one."""
    while element is not wrapper:
        if element.local_name == "time" or element.etree_element.get("aria-hidden") == "true":
            return True
        element = element.parent
    return False


@functools.lru_cache(maxsize=8)
def _matcher(sheets: tuple[Sheet, ...], medium: str) -> Any:
    """Return a cssselect2 matcher whose payloads are each rule's order, layer and declarations, and
    whether its selector is one the tool matches (not `_Maybe`)."""
    import cssselect2

    matcher = cssselect2.Matcher()
    for order, (selectors, declarations, layer) in enumerate(_style_rules(sheets, medium, browser=True)):
        for selector in selectors:
            if isinstance(selector, _Maybe):
                matcher.add_selector(selector.selector, (order, layer, declarations, False))
            else:
                matcher.add_selector(selector, (order, layer, declarations, True))
    return matcher


_Declared = dict[str, tuple[str, "Loc | None"]]


@dataclass(frozen=True)
class _Styles:
    """What the cascade gives an element: the value and place of each declaration that wins for it
    (`own`) and for its `::first-line` and `::first-letter` (`pseudo`), and every declaration of a
    rule whose selector the tool cannot match (`maybe`: pseudo-element, name, value, where)."""

    own: _Declared
    pseudo: dict[str, _Declared]
    maybe: list[tuple[str | None, str, str, Loc]]


_ON_TEXT = tuple(name for name in _HIDING_PROPERTIES if name not in ("display", "content-visibility", "content"))
"""The properties that can hide text which `::first-line` and `::first-letter` take."""

_PASSED_ON = {"inherit", "unset"}
"""The values of an inherited property that leave it to the parent."""


def _site_hiding(
    wrapper: Any, matcher: Any, at: _AtRules, declared: dict[int, _Styles]
) -> list[tuple[Loc | None, str]]:
    """Return each declaration that hides an element's text, or may (see `site_hidden`): where it is,
    and when the tool cannot tell, what to write instead ('' when it hides); each once."""
    chain = []
    while wrapper is not None:
        chain.append(wrapper)
        wrapper = wrapper.parent
    styles = [_winners(w, matcher, declared) for w in chain]
    values = [dict(style.own) for style in styles]
    failing: dict[tuple[Loc | None, str], None] = {}
    for index in reversed(range(len(chain))):  # an animation may take a custom property from around it
        held, doubted = _animated(values[index], values[index:], at)
        values[index].update((name, (value, loc)) for name, value, loc in held)
        failing.update(dict.fromkeys(doubted))

    def judged(name: str, value: str, index: int) -> bool | None:
        return _judge(name, _resolved(value, values[index:], registered=at.registered))

    for index, (w, style) in enumerate(zip(chain, styles, strict=True)):
        winners = values[index]
        if ("display" not in winners and w.etree_element.get("hidden") is not None) or _html_hides(w):
            failing[None, ""] = None
        # content-visibility is a browser's, not WeasyPrint's: it skips the element's contents, which its own text is.
        for name in _OWN:
            if name in winners and (verdict := judged(name, winners[name][0], index)) is not False:
                failing[winners[name][1], "" if verdict else _instead(name)] = None
        for pseudo in style.pseudo.values():
            for name, (value, loc) in pseudo.items():
                if name in _ON_TEXT and (verdict := judged(name, value, index)) is not False:
                    failing[loc, "" if verdict else _instead(name)] = None
        for pseudo_element, name, value, loc in style.maybe:
            if name in ("animation", *_ANIMATION) and pseudo_element is None:
                # As if the rule applied: what its animation keeps, and what the tool cannot judge.
                own = {k: v for k, v in winners.items() if name != "animation" or k not in _ANIMATION}
                held, doubted = _animated({**own, name: (value, loc)}, [own, *values[index + 1 :]], at)
                failing.update(dict.fromkeys(doubted))
                for kept, kept_value, kept_loc in held:
                    if kept in _HIDING_PROPERTIES and (verdict := judged(kept, kept_value, index)) is not False:
                        failing[kept_loc, "" if verdict else _instead(kept)] = None
            elif name in (_ON_TEXT if pseudo_element else _HIDING_PROPERTIES):
                verdict = judged(name, value, index)
                if verdict is not False:  # a value it cannot judge is refused whatever the selector: say that
                    unmatched = f"it cannot match the selector; write one it can, or {_HINTS.get(name, 'none')}"
                    failing[loc, unmatched if verdict else _instead(name)] = None
    for name in _INHERITED:
        passed_on = _PASSED_ON | ({"currentcolor"} if name == "color" else set())
        nearest = next(
            (
                index
                for index, winners in enumerate(values)
                if name in winners
                and _unfont(_resolved(winners[name][0], values[index:], registered=at.registered)) not in passed_on
            ),
            None,
        )
        if nearest is not None and (verdict := judged(name, values[nearest][name][0], nearest)) is not False:
            failing[values[nearest][name][1], "" if verdict else _instead(name)] = None
    return list(failing)


def _instead(name: str) -> str:
    """Return what the tool asks a declaration of `name` it cannot judge to say instead."""
    return f"write {_HINTS.get(name, 'none')} instead"


@dataclass(frozen=True)
class _AtRules:
    """What the at-rules of a site's stylesheets give the cascade: each `@keyframes`' keyframes by
    name (their offsets, from 0 to 1, None if the tool cannot read them, and declarations), and each
    custom property an `@property` registers (its initial value, None if none, and whether it inherits)."""

    keyframes: dict[str, list[tuple[tuple[float, ...] | None, list[tuple[str, str, bool, Loc]]]]]
    registered: dict[str, tuple[str | None, bool]]
    faces: dict[tuple[Loc, str], None]
    """Each `@font-face` `size-adjust` that shrinks a face's glyphs, or may: where, and '' or what
    to write instead (`_judge`)."""


@functools.lru_cache(maxsize=8)
def _at_rules(sheets: tuple[Sheet, ...], medium: str) -> _AtRules:
    """Return the `@keyframes` and `@property` rules of `sheets` a browser applies in `medium`: in a
    sheet, `@media`, `@layer` or `_BROWSER_BLOCKS` that applies (as `_style_rules` reads them). Every
    `@keyframes` of a name counts (the tool does not rank them)."""
    import tinycss2

    found = _AtRules({}, {}, {})
    for path, text, media in sheets:
        if not _sheet_applies(media, medium, True):
            continue
        pending = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
        while pending:
            rule = pending.pop(0)
            if rule.type != "at-rule" or rule.content is None:
                continue
            keyword = rule.lower_at_keyword
            named = [t for t in rule.prelude if t.type not in ("whitespace", "comment")]
            if (
                keyword in ("keyframes", "-webkit-keyframes")
                and len(named) == 1
                and named[0].type in ("ident", "string")
            ):
                blocks = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
                found.keyframes.setdefault(named[0].value, []).extend(
                    (_offsets(block.prelude), [d for d in _declarations(block.content, path) if not d[2]])
                    for block in blocks
                    if block.type == "qualified-rule"
                )
            elif keyword == "font-face":
                for d in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
                    if d.type == "declaration" and d.lower_name == "size-adjust":
                        verdict = _judge("size-adjust", tinycss2.serialize(d.value).strip().lower())
                        if verdict is not False:
                            where = Loc(path, d.source_line, d.source_column)
                            found.faces[where, "" if verdict else _instead("size-adjust")] = None
            elif keyword == "property" and len(named) == 1 and named[0].type == "ident":
                descriptors = {
                    d.lower_name: [t for t in d.value if t.type not in ("whitespace", "comment")]
                    for d in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
                    if d.type == "declaration"
                }
                syntax, inherits = descriptors.get("syntax"), descriptors.get("inherits")
                if syntax and inherits and (initial := descriptors.get("initial-value")) is not None:
                    universal = syntax[0].type == "string" and syntax[0].value.strip() == "*"
                    value = None if universal else tinycss2.serialize(initial).strip()
                    found.registered[named[0].value] = (value, _lower(inherits[0]) == "true")
                elif syntax and inherits and syntax[0].type == "string" and syntax[0].value.strip() == "*":
                    found.registered[named[0].value] = (None, _lower(inherits[0]) == "true")
            elif (
                keyword == "layer"
                or (keyword == "media" and _media_applies(rule.prelude, medium, True))
                or keyword in _BROWSER_BLOCKS
            ):
                pending[:0] = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
    return found


def _offsets(prelude: list[Any]) -> tuple[float, ...] | None:
    """Return the offsets a keyframe's selector names (`from, 50%`: 0 and 0.5), or None if the tool
    cannot read one (a timeline range: `entry 0%`)."""
    offsets = []
    for part in _split_commas(prelude):
        words = [t for t in part if t.type not in ("whitespace", "comment")]
        if len(words) != 1:
            return None
        if words[0].type == "percentage":
            offsets.append(words[0].value / 100)
        elif words[0].type == "ident" and words[0].lower_value in ("from", "to"):
            offsets.append(float(words[0].lower_value == "to"))
        else:
            return None
    return tuple(offsets)


_ANIMATION_WORDS = {
    "animation-direction": frozenset("normal reverse alternate alternate-reverse".split()),
    "animation-fill-mode": frozenset("none forwards backwards both".split()),
    "animation-play-state": frozenset("running paused".split()),
    "animation-timing-function": frozenset("linear ease ease-in ease-out ease-in-out step-start step-end".split()),
}
"""The keywords of each longhand the `animation` shorthand may hold, in the order it takes them."""

_ANIMATION_DEFAULTS = {
    "animation-name": "none",
    "animation-iteration-count": "1",
    "animation-direction": "normal",
    "animation-fill-mode": "none",
    "animation-play-state": "running",
    "animation-timeline": "auto",
}


def _animated(
    own: _Declared, values: list[dict[str, Any]], at: _AtRules
) -> tuple[list[tuple[str, str, Loc]], list[tuple[Loc, str]]]:
    """Return the declarations of the keyframes the animations an element's winners (`own`) run keep
    once they end (a fill mode `forwards` or `both`: the keyframe at the end), which then win for
    it, and each keyframe declaration that hides its text or may: where, and '' or what to write
    instead (`_judge`).

    A keyframe that hides while the animation runs is not one of them (a fade-in), unless the
    animation never ends or stops (`infinite`, `paused`, a scroll timeline, an iteration count it
    cannot read: every keyframe counts as kept), or the tool cannot read its offset. Any keyframe
    declaration the tool cannot judge is one. A name it cannot resolve may be any `@keyframes`.
    """
    lists = _animation_lists(own, values, at.registered)
    kept: list[tuple[str, str, Loc]] = []
    doubted: dict[tuple[Loc, str], None] = {}
    for index, name in enumerate(lists["animation-name"]):
        if name == "none":
            continue

        def longhand(key: str, index: int = index) -> str | None:
            return lists[key][index % len(lists[key])]

        held = _held(*(longhand(key) for key in _ANIMATION[1:]))
        blocks = at.keyframes.get(name, []) if name is not None else [b for bs in at.keyframes.values() for b in bs]
        for offsets, declarations in blocks:
            ends = held is not None and offsets is not None and bool(held.intersection(offsets))
            always = held is None or offsets is None
            for prop, value, _, loc in declarations:
                if ends:
                    kept.append((prop, value, loc))
                elif prop in _HIDING_PROPERTIES:
                    verdict = _judge(prop, _resolved(value, values, registered=at.registered))
                    if verdict is None or (verdict and always):
                        doubted[loc, "" if verdict else _instead(prop)] = None
    return kept, list(doubted)


def _animation_lists(
    own: _Declared, values: list[dict[str, Any]], registered: dict[str, tuple[str | None, bool]]
) -> dict[str, list[str | None]]:
    """Return each of `_ANIMATION` an element's winners set, as the list of its values (a name in its
    case, a keyword in lower case; None where the tool cannot read one)."""
    import tinycss2

    lists: dict[str, list[str | None]] = {key: [value] for key, value in _ANIMATION_DEFAULTS.items()}
    if "animation" in own:
        resolved = _resolved(own["animation"][0], values, registered=registered, lower=False)
        parts = _split_commas(tinycss2.parse_component_value_list(resolved)) if resolved else [None]
        items = [_animation_item(part) if part is not None else None for part in parts]
        for key in _ANIMATION:
            default = _ANIMATION_DEFAULTS[key]
            lists[key] = [None if item is None else item.get(key, default) for item in items]
    for key in _ANIMATION:
        if key in own:
            resolved = _resolved(own[key][0], values, registered=registered, lower=key != "animation-name")
            parts = _split_commas(tinycss2.parse_component_value_list(resolved)) if resolved else [[]]
            lists[key] = [_animation_word(part, key) for part in parts]
    return lists


def _animation_word(tokens: list[Any], key: str) -> str | None:
    """Return one value of an animation longhand's list: a name as written, else lower case; None if
    the tool cannot read it."""
    import tinycss2

    words = [t for t in tokens if t.type not in ("whitespace", "comment")]
    if key == "animation-name":
        return str(words[0].value) if len(words) == 1 and words[0].type in ("ident", "string") else None
    return tinycss2.serialize(words).strip().lower() or None


def _animation_item(tokens: list[Any]) -> dict[str, str | None] | None:
    """Return the longhands one animation of the `animation` shorthand sets, or None if the tool
    cannot read it."""
    item: dict[str, str | None] = {}
    for token in tokens:
        if token.type in ("whitespace", "comment") or (token.type == "dimension" and token.lower_unit in ("s", "ms")):
            continue  # a duration or a delay
        if token.type == "function" and token.lower_name in ("cubic-bezier", "steps", "linear"):
            key = "animation-timing-function"
        elif token.type == "number" or token.type == "ident" and token.lower_value == "infinite":
            key = "animation-iteration-count"
        elif token.type == "ident":
            key = next(
                (k for k, words in _ANIMATION_WORDS.items() if token.lower_value in words and k not in item),
                "animation-name",
            )
        elif token.type == "string":
            key = "animation-name"
        else:
            return None
        if key in item:
            return None
        item[key] = str(token.value) if key == "animation-name" else _animation_word([token], key)
    return item


def _held(
    count: str | None, direction: str | None, fill: str | None, state: str | None, timeline: str | None
) -> set[float] | None:
    """Return the offsets of the keyframes an animation keeps once it ends, or None if it may stay at
    any (it never ends, is paused, follows a scroll, or the tool cannot read how it runs)."""
    if count is None or direction is None or fill is None or state != "running" or timeline != "auto":
        return None
    try:
        iterations = float(count)
    except ValueError:
        return None  # `infinite`, or what the tool cannot read
    if iterations < 0 or not iterations.is_integer():
        return None
    if fill not in ("forwards", "both"):
        return set()
    last = max(int(iterations) - 1, 0)  # the iteration it ends in: at its end, or at its start if none runs
    backwards = {"normal": False, "reverse": True, "alternate": last % 2 == 1, "alternate-reverse": last % 2 == 0}
    if direction not in backwards:
        return None
    at_end = float(iterations > 0)
    return {1 - at_end if backwards[direction] else at_end}


_VAR = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,((?:[^()]|\([^()]*\))*))?\)", re.IGNORECASE)
"""A `var()`, with its fallback if any (which may hold one level of brackets: `rgb(0 0 0 / 0)`, `var(--y)`)."""


def _resolved(
    value: str,
    values: list[dict[str, Any]],
    depth: int = 0,
    registered: dict[str, tuple[str | None, bool]] | None = None,
    lower: bool = True,
) -> str:
    """Return a value with each `var(--x, fallback)` in it replaced by the custom property's value
    where it is declared nearest (`values`: the winners of the element, then of each ancestor: it
    inherits), else the initial value an `@property` gives it (`registered`: one registered as not
    inheriting is the element's own), else its fallback, in lower case (unless not `lower`); '' if
    one cannot be resolved (no guess: `_judge` cannot tell)."""
    unresolved = False
    registered = registered or {}

    def substitute(match: re.Match[str]) -> str:
        nonlocal unresolved
        name, fallback = match[1], match[2]
        initial, inherits = registered.get(name, (None, True))
        nearest = next((index for index, winners in enumerate(values) if name in winners), None)
        if not inherits and nearest:
            nearest = None  # declared on an element around it only
        found = ""
        if depth < 4 and nearest is not None:
            found = _resolved(values[nearest][name][0], values[nearest:], depth + 1, registered, lower)
        elif depth < 4 and initial is not None:
            found = _resolved(initial, values, depth + 1, registered, lower)
        elif depth < 4 and fallback is not None:
            found = _resolved(fallback.strip(), values, depth + 1, registered, lower)
        unresolved = unresolved or not found
        return found

    resolved = _VAR.sub(substitute, value).strip()
    resolved = resolved.lower() if lower else resolved
    return "" if unresolved or "var(" in resolved.lower() else resolved


def _winners(wrapper: Any, matcher: Any, declared: dict[int, _Styles]) -> _Styles:
    """Return the value and place of each hiding property that wins for an element and for its
    `::first-line` and `::first-letter`, and the declarations that may apply (kept in `declared`)."""
    import tinycss2

    key = id(wrapper.etree_element)
    if key in declared:
        return declared[key]
    ranked: dict[str | None, dict[str, tuple[tuple[Any, ...], str, Loc | None]]] = {}
    candidates: list[tuple[str | None, tuple[Any, ...], str, str, Loc | None]] = []
    maybe: list[tuple[str | None, str, str, Loc]] = []
    for specificity, _, pseudo, (order, layer, declarations, certain) in matcher.match(wrapper):
        for name, value, important, loc in declarations:
            if certain:
                rank = (important, 0, _layer_rank(layer, important), specificity, order)
                candidates.append((pseudo, rank, name, value, loc))
            else:
                maybe.append((pseudo, name, value, loc))
    style = wrapper.etree_element.get("style")
    if style:
        tokens = tinycss2.parse_component_value_list(style)
        candidates += [
            (None, (important, 1), name, value, None) for name, value, important, _ in _declarations(tokens, "")
        ]
    for position, (pseudo, rank, name, value, loc) in enumerate(candidates):
        winners = ranked.setdefault(pseudo, {})
        if name not in winners or (*rank, position) >= winners[name][0]:
            winners[name] = ((*rank, position), value, loc)
    for winners in ranked.values():
        if "animation" in winners:  # the shorthand sets each longhand it comes after
            for name in [n for n in _ANIMATION if n in winners and winners[n][0] < winners["animation"][0]]:
                del winners[name]
    found = {pseudo: {name: (value, loc) for name, (_, value, loc) in w.items()} for pseudo, w in ranked.items()}
    own = found.pop(None, {})
    declared[key] = _Styles(own, {pseudo: w for pseudo, w in found.items() if pseudo is not None}, maybe)
    return declared[key]


def _layer_rank(layer: int | None, important: bool) -> float:
    """Return how a rule's layer ranks in the cascade: a rule in no layer wins over every layer,
    a later layer over an earlier one; for an !important declaration, the other way round."""
    rank = math.inf if layer is None else layer
    return -rank if important else rank


_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


class _Tree(HTMLParser):
    """Builds the element tree of a page the templates wrote (well formed: no tag to infer). An
    element's `text` is all the text directly in it, wherever it stands among its children."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[ET.Element] = []
        self.root: ET.Element | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = ET.Element(tag, {name: value or "" for name, value in attrs})
        if self.open:
            self.open[-1].append(element)
        elif self.root is None:
            self.root = element
        if tag not in _VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.open:  # where it is does not matter here, only which element holds text of its own
            self.open[-1].text = (self.open[-1].text or "") + data

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                break


def _html_tree(text: str) -> ET.Element:
    """Return the root (`<html>`) of a page's element tree."""
    tree = _Tree()
    tree.feed(text)
    tree.close()
    return tree.root if tree.root is not None else ET.Element("html")


def _hiding_rule(wrapper: Any, rules: list[tuple[Any, Loc]]) -> Loc | None:
    """Return where the last of `rules` that selects the element, or else its nearest ancestor, hides it."""
    while wrapper is not None:
        matched = [loc for selectors, loc in rules if any(s.test(wrapper) for s in selectors)]
        if matched:
            return matched[-1]
        wrapper = wrapper.parent
    return None


def _element_anchor(wrapper: Any) -> str:
    """Return the nearest element with an id around an element ('#sample-2019-death'), else its tag."""
    tag = wrapper.local_name
    while wrapper is not None:
        if wrapper.id:
            return f"#{wrapper.id}"
        wrapper = wrapper.parent
    return f"<{tag}>"


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
