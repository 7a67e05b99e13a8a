"""Reading PDFs back: checks shared by the assembly and build tests."""

from __future__ import annotations

import hashlib
import itertools
import re
from typing import Any, Sequence

from pypdf import PageObject, PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject, NullObject

from report.render.html import display_url


def struct_elements(reader: PdfReader) -> dict[int, DictionaryObject]:
    """Every /StructElem object stored in the file, by object number."""
    found = {}
    for idnum in sorted({*reader.xref.get(0, {}), *reader.xref_objStm}):
        obj = reader.get_object(IndirectObject(idnum, 0, reader))
        if isinstance(obj, DictionaryObject) and obj.get("/Type") == "/StructElem":
            found[idnum] = obj
    return found


_OPERATIONS: dict[str, list[tuple[Any, bytes]]] = {}


def page_operations(page: PageObject) -> list[tuple[Any, bytes]]:
    """Return the operations of a page's content, as pypdf parses them.

    pypdf takes a tenth of a second of a core per page of a report, and a facility's PDF is stamped
    from the same chunk streams as its chapter in the report: each stream is parsed once per run, by
    the hash of its bytes (WeasyPrint and the stamp write whole operations in each stream, so the
    streams parsed one by one give the operations of the content they make together).
    """
    contents = page["/Contents"].get_object()
    found: list[tuple[Any, bytes]] = []
    for stream in contents if isinstance(contents, list) else [contents]:
        stream = stream.get_object()
        data = stream.get_data()
        key = hashlib.sha256(data).hexdigest()
        if key not in _OPERATIONS:
            _OPERATIONS[key] = ContentStream(stream, None).operations
        found += _OPERATIONS[key]
    return found


def _page_of(element: DictionaryObject) -> Any:
    while "/Pg" not in element:
        element = element["/P"].get_object()
    return element.raw_get("/Pg")


MARGIN_FOLIO = {"/Type": "/Pagination"}  # re-marked margin box
STAMPED_FOLIO = {"/Type": "/Pagination", "/Subtype": "/Footer"}


def check_structure_tree(reader: PdfReader, expected_artifacts: Sequence[dict[str, str] | None] | None = None) -> None:
    """Every MCID and annotation of every page is in the /Document tree.

    ``expected_artifacts`` has the pagination artifact expected on each page
    (``None``: none); by default every page has its margin-box folio
    re-marked as one.
    """
    tree = reader.root_object["/StructTreeRoot"]
    (document_ref,) = tree["/K"]
    document = document_ref.get_object()
    assert document["/S"] == "/Document"

    # Walk down from /Document: parents are consistent, nothing is shared.
    reachable: dict[int, DictionaryObject] = {}
    stack = [document_ref]
    while stack:
        ref = stack.pop()
        element = ref.get_object()
        assert ref.idnum not in reachable
        reachable[ref.idnum] = element
        for kid in element["/K"] if isinstance(element["/K"], list) else [element["/K"]]:
            if isinstance(kid, IndirectObject) and "/S" in kid.get_object():
                assert kid.get_object().raw_get("/P").idnum == ref.idnum
                stack.append(kid)
    assert set(struct_elements(reader)) == set(reachable)

    # ParentTree: flat /Nums or a tree, keys unique and below the next key.
    parent_tree: dict[int, Any] = {}
    stack = [tree["/ParentTree"]]
    while stack:
        node = stack.pop().get_object()
        stack += node.get("/Kids", [])
        pairs = node.get("/Nums", [])
        for key, value in zip(pairs[0::2], pairs[1::2], strict=True):
            assert key not in parent_tree
            parent_tree[key] = value
    assert tree["/ParentTreeNextKey"] > max(parent_tree)

    seen_keys = set()
    for number, page in enumerate(reader.pages):
        key = page["/StructParents"]
        assert key not in seen_keys
        seen_keys.add(key)
        operations = page_operations(page)
        mcids = [
            operands[1]["/MCID"] for operands, operator in operations if operator == b"BDC" and "/MCID" in operands[1]
        ]
        artifacts = [operands for operands, operator in operations if operator == b"BDC" and operands[0] == "/Artifact"]
        assert mcids and len(mcids) == len(set(mcids))
        # The folio (of the margin box, or stamped) is a pagination artifact.
        expected = MARGIN_FOLIO if expected_artifacts is None else expected_artifacts[number]
        properties = [operands[1] for operands in artifacts]
        if expected is None:
            assert not [found for found in properties if found.get("/Type") == "/Pagination"]
        else:
            assert expected in properties
        parents = parent_tree[key].get_object()
        assert isinstance(parents, ArrayObject)
        assert len(parents) == max(mcids) + 1
        for mcid in mcids:
            element_ref = parents[mcid]
            assert element_ref.idnum in reachable
            element = element_ref.get_object()
            assert _page_of(element) == page.indirect_reference
            kids = element["/K"] if isinstance(element["/K"], list) else [element["/K"]]
            assert mcid in kids
        used = set(mcids)
        assert all(isinstance(parent, NullObject) for mcid, parent in enumerate(parents) if mcid not in used)

        for annotation_ref in page.get("/Annots", []):
            annotation = annotation_ref.get_object()
            key = annotation["/StructParent"]
            assert key not in seen_keys
            seen_keys.add(key)
            link = parent_tree[key].get_object()
            assert link["/S"] == "/Link"
            assert parent_tree[key].idnum in reachable
            objrs = [
                kid.get_object()
                for kid in link["/K"]
                if isinstance(kid, IndirectObject) and kid.get_object().get("/Type") == "/OBJR"
            ]
            # A link that wraps is one /Link holding the annotation of each of its lines.
            (objr,) = [objr for objr in objrs if objr.raw_get("/Obj") == annotation_ref]
            assert objr.raw_get("/Pg") == page.indirect_reference
    assert seen_keys == set(parent_tree)


XMP_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}


def xmp_identification(reader: PdfReader) -> dict[str, Any]:
    """Return the XMP packet's title, languages and PDF/UA part, parsed as XML."""
    from xml.etree import ElementTree

    packet = reader.root_object["/Metadata"].get_object().get_data()
    tree = ElementTree.fromstring(packet[packet.index(b"<x:xmpmeta") : packet.rindex(b"</x:xmpmeta>") + 12])
    found: dict[str, Any] = {"title": None, "languages": [], "pdfua_part": None}
    for description in tree.iter(f"{{{XMP_NS['rdf']}}}Description"):
        part = description.find("pdfuaid:part", XMP_NS)
        if part is None:
            part = description.get(f"{{{XMP_NS['pdfuaid']}}}part")
        else:
            part = part.text
        found["pdfua_part"] = part or found["pdfua_part"]
        title = description.find("dc:title/rdf:Alt/rdf:li", XMP_NS)
        if title is not None:
            found["title"] = title.text
        found["languages"] += [li.text for li in description.findall("dc:language/rdf:Bag/rdf:li", XMP_NS)]
    return found


def unprinted_links(reader: PdfReader, texts: Sequence[str] | None = None) -> list[tuple[int, str]]:
    """Return (page, address) for each external link whose address its page does not print.

    Paper cannot follow a link: a reader of the printed page has only what it prints. An address
    counts as printed as the templates print one (`display_url`: no scheme, "www." or trailing
    slash), a mail address without "mailto:", wherever it wraps on the page. `texts` is what
    pypdf extracts from each page, when the caller has it already (`conftest.pdf_pages`).
    """
    found = []
    for number, page in enumerate(reader.pages):
        text = re.sub(r"\s+", "", page.extract_text() if texts is None else texts[number])
        for annotation in page.get("/Annots", []):
            action = annotation.get_object().get("/A", {})
            uri = str(action.get("/URI", ""))
            if (
                uri.startswith(("http://", "https://", "mailto:"))
                and display_url(uri.removeprefix("mailto:")) not in text
            ):
                found.append((number, uri))
    return found


def structure_elements_in_order(reader: PdfReader) -> list[DictionaryObject]:
    """Every structure element, in the tree's (reading) order."""
    found: list[DictionaryObject] = []
    stack = list(reversed(reader.root_object["/StructTreeRoot"]["/K"]))
    while stack:
        element = stack.pop().get_object()
        if not isinstance(element, DictionaryObject) or "/S" not in element:
            continue
        found.append(element)
        kids = element.get("/K", [])
        stack += reversed(kids if isinstance(kids, list) else [kids])
    return found


def _name_tree(node: Any) -> dict[str, Any]:
    """The entries of a name tree (its /Names, and its /Kids' in turn), each value as stored."""
    found: dict[str, Any] = {}
    stack = [node]
    while stack:
        node = stack.pop().get_object()
        stack += node.get("/Kids", [])
        names = node.raw_get("/Names") if "/Names" in node else []
        for name, value in zip(names[0::2], names[1::2], strict=True):
            assert str(name) not in found
            found[str(name)] = value
    return found


def check_notes(reader: PdfReader) -> int:
    """Every footnote is a /Note with its own /ID, named by the /IDTree; return how many there are.

    Each footnote call is a /Reference in the text: there are as many notes. WeasyPrint puts each
    page's footnotes in one top-level /NonStruct (the footnote area): nothing beside them there.
    """
    tree = reader.root_object["/StructTreeRoot"]
    (document,) = tree["/K"]
    for top in document.get_object()["/K"]:
        kids = top.get_object()["/K"]
        kinds = [kid.get_object().get("/S") if isinstance(kid, IndirectObject) else kid for kid in kids]
        if "/Note" in kinds:
            assert set(kinds) == {"/Note"}, f"a footnote area holds {kinds}, not only notes"
    elements = structure_elements_in_order(reader)
    notes = [element for element in elements if element["/S"] == "/Note"]
    calls = [element for element in elements if element["/S"] == "/Reference"]
    assert len(notes) == len(calls), f"{len(calls)} footnote calls, {len(notes)} notes"
    ids = [str(note.get("/ID", "")) for note in notes]
    assert all(ids), "a note without an /ID"
    assert len(set(ids)) == len(ids), "two notes with the same /ID"
    named = _name_tree(tree["/IDTree"]) if notes else {}
    for note, name in zip(notes, ids, strict=True):
        assert named[name].get_object() is note, f"the /IDTree does not name note {name}"
        assert note["/K"], "an empty note"
    return len(notes)


def first_page_actual_texts(reader: PdfReader) -> list[str]:
    """Return, in reading order, the /ActualText of the structure elements (reachable from the tree's
    root) whose marked content is on the first page and inside no artifact: the words assistive
    technology reads there in place of the glyphs, such as a draft's notice."""
    page = reader.pages[0]
    content: set[int] = set()
    inside: list[bool] = []  # for each open marked-content sequence: whether it is in an artifact
    for operands, operator in page_operations(page):
        if operator in (b"BMC", b"BDC"):
            inside.append(bool(inside and inside[-1]) or operands[0] == "/Artifact")
            properties = operands[1] if operator == b"BDC" else None
            if not inside[-1] and isinstance(properties, DictionaryObject) and "/MCID" in properties:
                content.add(properties["/MCID"])
        elif operator == b"EMC":
            inside.pop()
    found = []
    for element in structure_elements_in_order(reader):
        kids = element.get("/K", [])
        on_page = element.raw_get("/Pg") == page.indirect_reference if "/Pg" in element else False
        if (
            "/ActualText" in element
            and on_page
            and any(kid in content for kid in _values(kids) if type(kid) is not IndirectObject)
        ):
            found.append(str(element["/ActualText"]))
    return found


def _values(kids: Any) -> list[Any]:
    return list(kids) if isinstance(kids, list) else [kids]


def marked_content_texts(page: PageObject) -> dict[int, str]:
    """Return the text each marked-content sequence of a page prints, by its MCID, as pypdf
    extracts it (WeasyPrint opens and closes a text object inside each sequence)."""
    found: dict[int, str] = {}
    open_mcids: list[int | None] = []  # for each open sequence: its MCID, or its parent's

    def operator(name: bytes, operands: list[Any], *_: Any) -> None:
        if name in (b"BMC", b"BDC"):
            properties = operands[1] if name == b"BDC" else None
            if isinstance(properties, DictionaryObject) and "/MCID" in properties:
                open_mcids.append(int(properties["/MCID"]))
            else:
                open_mcids.append(open_mcids[-1] if open_mcids else None)
        elif name == b"EMC":
            open_mcids.pop()

    def text(printed: str, *_: Any) -> None:
        if open_mcids and open_mcids[-1] is not None:
            found[open_mcids[-1]] = found.get(open_mcids[-1], "") + printed

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return found


def element_texts(reader: PdfReader, element: DictionaryObject, pages: dict[int, dict[int, str]]) -> list[str]:
    """Return the texts a structure element's marked content prints, in the tree's (reading)
    order, each with its white space made one space, the empty ones left out. ``pages`` keeps each
    page's `marked_content_texts` by page index, read when first needed."""
    numbers = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    found: list[str] = []

    def walk(element: DictionaryObject, page: int) -> None:
        for kid in _values(element.get("/K", [])):
            kid_page = page
            if isinstance(kid, (IndirectObject, DictionaryObject)):
                kid = kid.get_object()
                if "/Pg" in kid:
                    kid_page = numbers[kid.raw_get("/Pg").idnum]
                if "/S" in kid:
                    walk(kid, kid_page)
                    continue
                if kid.get("/Type") != "/MCR":
                    continue  # an annotation (/OBJR): it prints nothing of its own
                kid = kid["/MCID"]
            if kid_page not in pages:
                pages[kid_page] = marked_content_texts(reader.pages[kid_page])
            text = " ".join(pages[kid_page].get(int(kid), "").split())
            if text:
                found.append(text)

    walk(element, numbers[_page_of(element).idnum])
    return found


def check_top_headings(reader: PdfReader) -> None:
    """The heading of each top-level bookmark (printed on its page) is an /H1, so that heading
    navigation puts what follows it where the bookmarks do: beside the chapters, never inside the
    one before it."""
    numbers = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    # A chapter the 2021 list does not confirm is bookmarked with the list mark and its words after
    # its heading's text: "Glades County Detention Center * (not yet confirmed as …)".
    top = {
        (reader.get_destination_page_number(item), re.sub(r" \* \([^()]*\)$", "", str(item.title)))
        for item in reader.outline
        if not isinstance(item, list)
    }
    bookmarked = {page for page, _ in top}
    pages: dict[int, dict[int, str]] = {}
    found = {}
    for element in structure_elements_in_order(reader):
        # Only a heading on a bookmarked page can be a bookmark's: the others' texts are not read.
        if re.fullmatch(r"/H[1-6]", element["/S"]) and (page := numbers[_page_of(element).idnum]) in bookmarked:
            key = (page, " ".join(element_texts(reader, element, pages)))
            if key in top:
                found[key] = element["/S"]
    assert found == dict.fromkeys(top, "/H1"), f"a top-level bookmark's heading is not an /H1: {found}"


def check_accessible(
    reader: PdfReader, lang: str, title: str, expected_artifacts: Sequence[dict[str, str] | None] | None = None
) -> int:
    """The PDF/UA-1 requirements a machine can check, read back from the file.

    Tagged (/MarkInfo), every page's marked content and annotation in the structure tree, the
    document language, the title shown in the window (/DisplayDocTitle) and in the XMP packet
    with the PDF/UA identification, headings that never skip a level, figures and links with an
    alternative description (a link's in words, never the name of a destination), a tab order that
    follows the structure, only embedded fonts, the heading of every top-level bookmark an /H1
    (`check_top_headings`), and every footnote a /Note with its own /ID
    (`check_notes`). Return how many footnotes there are.
    """
    catalog = reader.root_object
    assert catalog["/MarkInfo"] == {"/Marked": True}
    assert catalog["/Lang"] == lang
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 - a PDF boolean
    assert reader.metadata["/Title"] == title
    xmp = xmp_identification(reader)
    assert xmp == {"title": title, "languages": [lang], "pdfua_part": "1"}, xmp
    check_structure_tree(reader, expected_artifacts)
    notes = check_notes(reader)

    levels = []
    for element in structure_elements_in_order(reader):
        kind = element["/S"]
        if re.fullmatch(r"/H[1-6]", kind):
            levels.append(int(kind[2]))
        if kind == "/Figure":
            assert str(element.get("/Alt", "")).strip(), "a figure without alternative text"
    assert levels and levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), f"a heading skips a level: {levels}"
    check_top_headings(reader)

    destinations = set(reader.named_destinations)
    for page in reader.pages:
        annotations = page.get("/Annots", [])
        if annotations:
            assert page["/Tabs"] == "/S"
        for annotation in annotations:
            annotation = annotation.get_object()
            if annotation["/Subtype"] == "/Link":
                description = str(annotation.get("/Contents", "")).strip()
                assert description, "a link without a description"
                # A destination's name ("adelanto-title") is no description a listener understands.
                assert description not in destinations, f"a link described by its target's name: {description!r}"
        resources = page["/Resources"].get_object()
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for face in descendants:
                descriptor = face["/FontDescriptor"].get_object()
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), face["/BaseFont"]
    return notes
