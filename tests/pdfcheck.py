"""Reading PDFs back: checks shared by the assembly and build tests."""

from __future__ import annotations

from typing import Any, Sequence

from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject, NullObject


def struct_elements(reader: PdfReader) -> dict[int, DictionaryObject]:
    """Every /StructElem object stored in the file, by object number."""
    found = {}
    for idnum in sorted({*reader.xref.get(0, {}), *reader.xref_objStm}):
        obj = reader.get_object(IndirectObject(idnum, 0, reader))
        if isinstance(obj, DictionaryObject) and obj.get("/Type") == "/StructElem":
            found[idnum] = obj
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
        for key, value in zip(pairs[0::2], pairs[1::2]):
            assert key not in parent_tree
            parent_tree[key] = value
    assert tree["/ParentTreeNextKey"] > max(parent_tree)

    seen_keys = set()
    for number, page in enumerate(reader.pages):
        key = page["/StructParents"]
        assert key not in seen_keys
        seen_keys.add(key)
        operations = ContentStream(page["/Contents"].get_object(), reader).operations
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
            assert [objr.raw_get("/Obj") for objr in objrs] == [annotation_ref]
            assert objrs[0].raw_get("/Pg") == page.indirect_reference
    assert seen_keys == set(parent_tree)
