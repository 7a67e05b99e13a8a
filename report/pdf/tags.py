"""Stage 5, after layout: lighten a chunk's structure tree before it is cached and assembled.

WeasyPrint tags every inline box as a `/Span` element and wraps anonymous boxes in
`/NonStruct`; a chapter of five pages has about a thousand structure elements, two thirds of
them such wrappers. A wrapper with no attributes says nothing to assistive technology
(`/NonStruct` is defined as "read its kids as the parent's", and a bare `/Span` is the same in
practice), but every one of them is an object that each assembly must walk, copy and write:
qpdf holds about 1.5 KB of memory per object, so for a 200-facility report they are most of
the assembly's time and memory.

`simplify` moves a wrapper's kids (marked-content ids, annotation references and elements,
in reading order) into its parent and points the ParentTree at the parent instead. Only
wrappers on the same page as their parent go, so every marked-content id stays a plain
integer kid of an element on its own page (no `/MCR` dictionaries); a wrapper that carries
anything beyond `/Type /S /P /K /Pg` (a language, alternate text, an `/ID`) stays too.
Elements the tree does not reach (WeasyPrint's orphaned margin-box elements: the text of the
running head) are dropped from the ParentTree and their content is re-marked as pagination
artifacts, once here rather than in every assembly that copies the chunk (the assembler would
do the same, for a chunk that has not been through `simplify`).
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any, Iterator

import pikepdf
from pikepdf import Array, Dictionary, NumberTree, Object, Page, Pdf

__all__ = [
    "MCID_BDC",
    "declare_languages_and_notes",
    "drop_orphans",
    "is_element",
    "mark_as_artifacts",
    "simplify",
    "values",
]

WRAPPERS = frozenset({"/Span", "/NonStruct"})
_PLAIN_KEYS = frozenset({"/Type", "/S", "/P", "/K", "/Pg"})
# A marked-content sequence with an MCID, as WeasyPrint writes it:
# "/Span <</MCID 12>> BDC" (any tag, any whitespace).  Content, not file
# structure: the content streams are decoded by qpdf first.
MCID_BDC = re.compile(rb"/[^\s/<>\[\]()]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
_PAGINATION_ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"


def simplify(data: bytes) -> bytes:
    """Return the tagged PDF `data` with its attribute-less wrappers folded into their parents.

    The same bytes come back for an untagged PDF or one with nothing to fold; the output is
    deterministic (same input, same bytes).
    """
    with Pdf.open(BytesIO(data)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if not isinstance(tree, Dictionary):
            return data
        moved: dict[tuple[int, int], Object] = {}  # folded wrapper -> the element that took its kids
        reachable: set[tuple[int, int]] = set()
        stack = [kid for kid in values(tree.get("/K")) if is_element(kid)]
        while stack:
            element = stack.pop()
            reachable.add(element.objgen)
            if "/K" not in element:
                continue
            kids = _fold(element, moved)
            joined = _join_links(kids if kids is not None else values(element.K), moved)
            kids = joined if joined is not None else kids
            if kids is not None:
                element.K = Array(kids)
            stack.extend(kid for kid in (kids if kids is not None else values(element.K)) if is_element(kid))
        if moved and "/ParentTree" in tree:
            _repoint_parent_tree(NumberTree(tree.ParentTree), moved)
        orphaned = drop_orphans(pdf, tree, reachable)
        if not moved and not orphaned:
            return data
        out = BytesIO()
        pdf.save(
            out,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            fix_metadata_version=False,
            deterministic_id=True,
        )
        return out.getvalue()


def _fold(element: Object, moved: dict[tuple[int, int], Object]) -> list[Object] | None:
    """Return `element`'s kids with its foldable wrappers replaced by their own kids, in
    order (recursively), or None if it has none to fold."""
    page = element.get("/Pg")
    if page is None:
        return None
    kids = list(values(element.K))
    if not any(_foldable(kid, page) for kid in kids):
        return None
    out: list[Object] = []
    pending: list[tuple[Object, bool]] = [(kid, False) for kid in reversed(kids)]
    while pending:
        kid, adopted = pending.pop()
        if _foldable(kid, page):
            moved[kid.objgen] = element
            pending.extend((grandkid, True) for grandkid in reversed(list(values(kid.get("/K")))))
            continue
        if adopted and is_element(kid):
            kid.P = element
        out.append(kid)
    return out


def _foldable(kid: Object, page: Object) -> bool:
    """Whether a kid is a wrapper with nothing of its own, on its parent's page."""
    if not is_element(kid) or str(kid.S) not in WRAPPERS or not set(kid.keys()) <= _PLAIN_KEYS:
        return False
    kid_page = kid.get("/Pg")
    return kid_page is not None and kid_page.objgen == page.objgen


def _join_links(kids: list[Object], moved: dict[tuple[int, int], Object]) -> list[Object] | None:
    """Return `kids` with each run of adjacent `/Link` elements that are one link joined into the
    first, or None if there is none.

    WeasyPrint makes a `/Link` element (with its own annotation) for each line a link's text
    prints on: a web address that wraps over three lines was three links to a screen reader's
    list of links. One link is one element whose kids are the annotations of every line (PDF/UA
    allows several `/OBJR`); each line keeps its annotation, with the same description.
    """
    out: list[Object] = []
    for kid in kids:
        if out and _same_link(out[-1], kid):
            first = out[-1]
            taken = values(kid.K)
            for grandkid in taken:
                if is_element(grandkid):
                    grandkid.P = first
            first.K = Array([*values(first.K), *taken])
            moved[kid.objgen] = first
            continue
        out.append(kid)
    return out if len(out) < len(kids) else None


def _same_link(first: Object, second: Object) -> bool:
    """Whether two structure elements are lines of one link: `/Link`s on one page, with the same
    attributes and annotations that go to the same place."""
    if not (is_element(first) and is_element(second)) or first.S != "/Link" or second.S != "/Link":
        return False
    if "/Pg" not in first or "/Pg" not in second or first.Pg.objgen != second.Pg.objgen:
        return False
    own = [
        {key: element[key].unparse(resolved=True) for key in element.keys() if key not in _PLAIN_KEYS}
        for element in (first, second)
    ]
    targets = [_link_target(first), _link_target(second)]
    return own[0] == own[1] and targets[0] is not None and targets[0] == targets[1]


def _link_target(link: Object) -> bytes | None:
    """Where a `/Link` element's first annotation goes (its action or destination, written out)."""
    for kid in values(link.get("/K")):
        if isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR":
            annotation = kid.Obj
            target = annotation.get("/A", annotation.get("/Dest"))
            return None if target is None else target.unparse(resolved=True)
    return None


def _repoint_parent_tree(parent_tree: NumberTree, moved: dict[tuple[int, int], Object]) -> None:
    """Point every ParentTree entry that names a folded wrapper at the element that took its kids."""
    for key, value in list(parent_tree.items()):
        if isinstance(value, Array):
            parents = list(value)
            if any(isinstance(parent, Dictionary) and parent.objgen in moved for parent in parents):
                parent_tree[key] = Array(
                    [
                        moved.get(parent.objgen, parent) if isinstance(parent, Dictionary) else parent
                        for parent in parents
                    ]
                )
        elif isinstance(value, Dictionary) and value.objgen in moved:
            parent_tree[key] = moved[value.objgen]


def drop_orphans(pdf: Pdf, tree: Dictionary, reachable: set[tuple[int, int]]) -> bool:
    """Drop the ParentTree's references to elements outside `reachable`, re-marking their content
    as pagination artifacts (and unlinking annotations whose element goes); return whether there
    were any.

    The tree's next key stays where it was (`/ParentTreeNextKey`, which WeasyPrint does not
    write): a page left with no entry keeps a key that an assembly gives no other page.
    """
    if "/ParentTree" not in tree:
        return False
    parent_tree = NumberTree(tree.ParentTree)
    pages: dict[int, Page] | None = None
    dropped: set[int] = set()  # keys of annotations whose element is gone
    found, next_key = False, 0
    for key, value in list(parent_tree.items()):
        next_key = max(next_key, key + 1)
        if isinstance(value, Array):  # a page: MCID -> element
            parents: list[Object | None] = list(value)
            lost = {
                n
                for n, parent in enumerate(parents)
                if isinstance(parent, Dictionary) and parent.objgen not in reachable
            }
            if not lost:
                continue
            found = True
            if pages is None:
                pages = {int(page.obj.StructParents): page for page in pdf.pages if "/StructParents" in page.obj}
            if key in pages:
                mark_as_artifacts(pages[key], lost)
            parents = [None if n in lost else parent for n, parent in enumerate(parents)]
            while parents and parents[-1] is None:
                parents.pop()
            if parents:
                parent_tree[key] = Array(parents)
            else:
                del parent_tree[key]
        elif isinstance(value, Dictionary) and value.objgen not in reachable:
            found = True
            dropped.add(key)
            del parent_tree[key]
    for page in pdf.pages if dropped else ():
        for annotation in page.obj.get("/Annots", ()):
            if annotation.get("/StructParent") in dropped:
                del annotation.StructParent
    if found:
        tree.ParentTreeNextKey = max(next_key, int(tree.get("/ParentTreeNextKey", 0)))
    return found


def mark_as_artifacts(page: Page, mcids: set[int]) -> None:
    """Re-mark the page's marked-content sequences `mcids` as pagination artifacts."""

    def replace(match: re.Match[bytes]) -> bytes:
        return _PAGINATION_ARTIFACT if int(match.group(1)) in mcids else match.group(0)

    for stream in values(page.obj.get("/Contents")):
        data = stream.read_bytes()
        marked = MCID_BDC.sub(replace, data)
        if marked != data:
            stream.write(marked)  # compressed again when saved


def values(obj: Object | None) -> list[Object]:
    """The items of an array, a single object as one item, nothing for None (also used by `assemble`)."""
    if obj is None:
        return []
    return list(obj) if isinstance(obj, Array) else [obj]


def is_element(obj: object) -> bool:
    """Whether a /K item is a structure element (not an MCID, MCR or OBJR)."""
    return isinstance(obj, Dictionary) and "/S" in obj


def declare_languages_and_notes() -> None:
    """Make WeasyPrint declare an HTML element's `lang`, and its footnotes, in the structure tree.

    WeasyPrint 70 writes only the document's language (the catalog's /Lang, from `<html lang>`),
    so an English title in the Spanish report (`<cite lang="en">`) was read by screen readers
    with Spanish rules, and PDF/UA asks for every change of language to be declared. It tags a
    footnote as a `/Span` in an untagged `/NonStruct` (the page's footnote area), where PDF/UA
    asks for a `/Note` with an `/ID`, and its call as a bare wrapper that `simplify` folds into
    the sentence. This wraps `weasyprint.pdf.tags._build_box_tree`, the private function that
    makes each box's structure element (its recursion looks the name up in its module, so every
    level goes through the wrapper), and sets /Lang on what it makes for a box whose element has
    `lang`; a footnote (a child of a footnote area box) becomes a `/Note` whose `/ID` is its
    object number, unique in the chunk (the assembler prefixes every /ID with its chunk), and a
    footnote call becomes a `/Reference`, which `simplify` keeps. A definition list's entry
    (`<div>` around a `<dt>` and its `<dd>`, as the facts box writes them) becomes an `/LI` of
    the list whose `/Lbl` is the term and `/LBody` its definition: WeasyPrint made the `<div>` a
    `/Div` (not allowed in an `/L`) holding the term and the definition as two list items, so a
    screen reader announced sixteen items, not eight labelled ones. WeasyPrint is pinned to a
    minor release for it; tests/test_tags.py checks the signature and the result. Calling it
    again does nothing.
    """
    import pydyf
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox
    from weasyprint.pdf import tags as weasyprint_tags

    build = weasyprint_tags._build_box_tree
    if getattr(build, "declares_languages_and_notes", False):
        return
    footnotes: set[int] = set()  # the boxes of the footnote area being tagged (ids, alive meanwhile)

    def build_box_tree(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        element = getattr(box, "element", None)
        tag = getattr(box, "element_tag", None)
        own = tag not in ("html", "body")  # <html lang> is the catalog's /Lang
        lang = element.get("lang") if element is not None and own else None
        note = id(box) in footnotes
        call = tag is not None and tag.endswith("::footnote-call")
        area = isinstance(box, FootnoteAreaBox)
        # A definition list's entry: <div><dt>…</dt><dd>…</dd></div> in a <dl>.
        kind = str(parent["S"]) if parent is not None and "S" in parent else None
        entry = tag == "div" and kind == "/L"
        term = tag in ("dt", "dd") and kind == "/Div"  # WeasyPrint wraps it in an /LI
        term_body = tag in ("dt", "dd") and kind == "/LI"  # the /LBody inside that /LI
        if area:
            footnotes.update(id(child) for child in box.children)
        try:
            for made in build(box, parent, *args):
                if lang and "Lang" not in made:
                    made["Lang"] = pydyf.String(lang)
                if note:
                    made["S"] = "/Note"
                    made["ID"] = pydyf.String(f"note-{made.number}")
                elif call:
                    made["S"] = "/Reference"
                elif entry:
                    made["S"] = "/LI"
                elif term:
                    made["S"] = "/Lbl" if tag == "dt" else "/LBody"
                elif term_body:
                    made["S"] = "/NonStruct"  # `simplify` folds it into the /Lbl or /LBody
                yield made
        finally:
            if area:
                footnotes.difference_update(id(child) for child in box.children)

    build_box_tree.declares_languages_and_notes = True  # type: ignore[attr-defined]
    weasyprint_tags._build_box_tree = build_box_tree
