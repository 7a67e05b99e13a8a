"""Tests for report.pdf.assemble: real WeasyPrint chunks, merged and read back."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

import pikepdf
import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject
from weasyprint import HTML

from report.pdf.assemble import (
    AssemblyError,
    Part,
    Metadata,
    MissingLinkTarget,
    UnresolvedLinksError,
    assemble,
)

from report.pdf.paginate import describe_links
from report.pdf.tags import declare_languages_and_notes

from .pdfcheck import (
    STAMPED_FOLIO,
    check_structure_tree,
    first_page_actual_texts,
    struct_elements,
    structure_elements_in_order,
)

METADATA = Metadata(
    title="Facilities report 2024",
    author="Research Infrastructure Office",
    subject="Annual report on the facilities",
    keywords=("facilities", "Communities Yes, Cages No", "annual report"),
    lang="en",
    created=datetime(2024, 5, 1, 12, 30, 5, tzinfo=UTC),
)


def render(body: str, *, style: str, first: int, lang: str = "en", margin_folio: bool = True) -> bytes:
    """Render one chunk, its folio in the page margin or (for stamping) none."""
    folio = f"@bottom-center {{ content: counter(page, {style}) }}" if margin_folio else ""
    html = f'''<!doctype html><html lang="{lang}"><head><title>chunk</title>
<meta name="author" content="x"><style>
@page {{ size: A6; margin: 15mm 12mm; {folio} }}
@page :first {{ counter-increment: page {first} }}
body {{ font-size: 10pt }}
h1, h2 {{ font-size: 12pt }}
h1 {{ break-before: page }}
.fn {{ float: footnote }}
</style></head><body>{body}</body></html>'''
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


FRONT = """
<p>Facilities report 2024</p>
<h1 id="contents">Contents</h1>
<ul><li><a href="x-chunk:alpha">Alpha station</a></li>
<li><a href="x-chunk:beta-results">Beta results</a></li></ul>"""
ALPHA = """
<h1 id="alpha">Alpha station</h1>
<p>Alpha runs a telescope<span class="fn">Since 1999.</span>;
see <a href="#alpha-staff">its staff</a> or <a href="https://example.org">the web</a>.</p>
<table><tr><th>Staff</th><td>12</td></tr></table>
<h2 id="alpha-staff" style="break-before: page">Staff</h2><p>Twelve people.</p>"""
BETA = """
<h1 id="beta">Beta lab</h1><p>Beta measures things.</p>
<table><tr><th>Budget</th><td>3 M</td></tr></table>
<h2 id="beta-results">Results</h2><p>Good ones.</p>"""
BACK = """
<h1 id="bibliography">Bibliography</h1><p>Back to <a href="x-chunk:contents">contents</a>.</p>"""


@pytest.fixture(scope="module")
def chunks() -> list[Part]:
    # The chunks are tagged as the pipeline tags them (a footnote is a /Note with an /ID), whether or
    # not a test run earlier in this process already patched WeasyPrint (it stays patched).
    declare_languages_and_notes()
    return [
        Part(render(FRONT, style="lower-roman", first=1), "roman", 1, bookmark="Front matter"),
        Part(render(ALPHA, style="decimal", first=1), "decimal", 1),
        Part(render(BETA, style="decimal", first=3), "decimal", 3),
        Part(render(BACK, style="decimal", first=4), "decimal", 4),
    ]


@pytest.fixture(scope="module")
def merged(chunks: list[Part]) -> bytes:
    return assemble(chunks, METADATA)


@pytest.fixture(scope="module")
def reader(merged: bytes) -> PdfReader:
    return PdfReader(BytesIO(merged), strict=True)


def page_index(reader: PdfReader, reference: Any) -> int:
    return [page.indirect_reference for page in reader.pages].index(reference)


def dest_page(reader: PdfReader, name: str) -> int:
    return reader.get_destination_page_number(reader.named_destinations[name])


def test_pages_labels_and_catalog(reader: PdfReader) -> None:
    assert len(reader.pages) == 6
    assert reader.page_labels == ["i", "ii", "1", "2", "3", "4"]
    catalog = reader.root_object
    assert catalog["/Lang"] == "en"
    assert catalog["/MarkInfo"] == {"/Marked": True}
    assert catalog["/ViewerPreferences"] == {"/DisplayDocTitle": True}
    assert reader.pdf_header == "%PDF-1.7"
    file_id = reader.trailer["/ID"]
    assert len(file_id[0]) == 16 and file_id[0] == file_id[1]


def test_metadata(reader: PdfReader) -> None:
    info = reader.metadata
    assert info is not None
    assert info.title == "Facilities report 2024"
    assert info.author == "Research Infrastructure Office"
    assert info.subject == "Annual report on the facilities"
    # Three keywords, one with a comma of its own: joined by "; ", they do not read as four.
    assert info["/Keywords"] == "facilities; Communities Yes, Cages No; annual report"
    assert info["/CreationDate"] == info["/ModDate"] == "D:20240501123005Z"
    assert info.producer.startswith("WeasyPrint ")
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert xmp.dc_title == {"x-default": "Facilities report 2024"}
    assert xmp.dc_creator == ["Research Infrastructure Office"]
    assert xmp.dc_description == {"x-default": "Annual report on the facilities"}
    assert xmp.dc_language == ["en"]
    assert xmp.pdf_keywords == "facilities; Communities Yes, Cages No; annual report"
    assert xmp.pdf_producer == info.producer
    assert xmp.xmp_create_date == datetime(2024, 5, 1, 12, 30, 5)
    raw = reader.root_object["/Metadata"].get_object().get_data()
    assert re.search(rb'<pdfuaid:part xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">1</pdfuaid:part>', raw)


def test_outline(reader: PdfReader) -> None:
    def flatten(items: list[Any], depth: int = 0) -> list[tuple[int, str, int]]:
        result = []
        for item in items:
            if isinstance(item, list):
                result += flatten(item, depth + 1)
            else:
                result.append((depth, item.title, reader.get_destination_page_number(item)))
        return result

    assert flatten(reader.outline) == [
        (0, "Front matter", 0),
        (1, "Contents", 1),
        (0, "Alpha station", 2),
        (1, "Staff", 3),
        (0, "Beta lab", 4),
        (1, "Results", 4),
        (0, "Bibliography", 5),
    ]
    assert reader.root_object["/Outlines"]["/Count"] == 7


def test_named_destinations_sorted(reader: PdfReader) -> None:
    names = reader.root_object["/Names"]["/Dests"]["/Names"][0::2]
    assert names == sorted(names)
    assert {name: dest_page(reader, name) for name in names} == {
        "alpha": 2,
        "alpha-staff": 3,
        "beta": 4,
        "beta-results": 4,
        "bibliography": 5,
        "contents": 1,
    }


def test_links(reader: PdfReader) -> None:
    links = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            if "/Dest" in annotation:
                links.append((number, str(annotation["/Dest"]), dest_page(reader, annotation["/Dest"])))
            else:
                uri = annotation["/A"]["/URI"]
                assert not uri.startswith("x-chunk:")
                links.append((number, uri, None))
    assert links == [
        (1, "alpha", 2),  # cross-chunk, TOC -> chapter heading
        (1, "beta-results", 4),  # cross-chunk, to a h2 below the h1
        (2, "alpha-staff", 3),  # internal to a chunk
        (2, "https://example.org", None),
        (5, "contents", 1),  # cross-chunk backwards
    ]


def test_structure_tree_covers_every_page(reader: PdfReader) -> None:
    check_structure_tree(reader)
    document = reader.root_object["/StructTreeRoot"]["/K"][0].get_object()
    top = [kid.get_object()["/S"] for kid in document["/K"]]
    assert top[:2] == ["/P", "/H1"]  # the cover line, then the contents


def test_struct_ids_and_fonts_unique(reader: PdfReader) -> None:
    ids = [element["/ID"] for element in struct_elements(reader).values() if "/ID" in element]
    # one th per chapter, and the footnote of the first
    assert len(ids) == 3 and len(set(ids)) == 3 and [i for i in ids if ".note-" in str(i)] == [ids[1]]
    id_tree = reader.root_object["/StructTreeRoot"]["/IDTree"]["/Names"]
    assert sorted(ids) == id_tree[0::2]
    for element in struct_elements(reader).values():
        for header in element.get("/A", {}).get("/Headers", []):
            assert header in ids

    programs: dict[str, bytes] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            for cid_font in font.get_object()["/DescendantFonts"]:
                descriptor = cid_font.get_object()["/FontDescriptor"]
                name = descriptor["/FontName"]
                data = descriptor["/FontFile2"].get_object().get_data()
                assert re.fullmatch(r"/[A-Z]{6}\+DejaVu-\S+", name)
                assert cid_font.get_object()["/BaseFont"] == name
                assert programs.setdefault(name, data) == data


def test_deterministic(chunks: list[Part], merged: bytes) -> None:
    assert assemble(chunks, METADATA) == merged
    other = assemble(chunks, replace(METADATA, title="Other"))
    assert other != merged
    assert PdfReader(BytesIO(other)).trailer["/ID"] != PdfReader(BytesIO(merged)).trailer["/ID"]


def test_missing_cross_chunk_target_is_reported(chunks: list[Part]) -> None:
    broken = Part(
        render(
            '<h1 id="annex">Annex</h1><p><a href="x-chunk:nowhere">x</a> '
            '<a href="x-chunk:alpha">ok</a> <a href="x-chunk:gone%20too">y</a></p>',
            style="decimal",
            first=5,
        ),
        "decimal",
        5,
    )
    with pytest.raises(UnresolvedLinksError) as error:
        assemble([*chunks, broken], METADATA)
    assert error.value.missing == (
        MissingLinkTarget("nowhere", page=7, chunk=4),
        MissingLinkTarget("gone too", page=7, chunk=4),
    )
    assert "'nowhere' (page 7, chunk 4)" in str(error.value)


def test_duplicate_anchor_and_bad_label_are_rejected(chunks: list[Part]) -> None:
    with pytest.raises(AssemblyError, match="'alpha' is defined in chunks 0 and 1"):
        assemble([chunks[1], chunks[1]], METADATA)
    with pytest.raises(AssemblyError, match="first_number"):
        assemble([replace(chunks[1], first_number=0)], METADATA)
    with pytest.raises(AssemblyError, match="no chunks"):
        assemble([], METADATA)


def test_chunk_in_another_language_keeps_it(chunks: list[Part]) -> None:
    french = Part(
        render('<h1 id="annexe">Annexe</h1><p>Bonjour.</p>', style="decimal", first=5, lang="fr"),
        "decimal",
        5,
    )
    reader = PdfReader(BytesIO(assemble([chunks[2], french], METADATA)))
    assert reader.root_object["/Lang"] == "en"
    document = reader.root_object["/StructTreeRoot"]["/K"][0].get_object()
    languages = [kid.get_object().get("/Lang") for kid in document["/K"]]
    # The English chunk has the document's language, the French h1 and p theirs.
    assert set(languages[:-2]) == {None} and languages[-2:] == ["fr", "fr"]
    check_structure_tree(reader)


# -- folio stamping ----------------------------------------------------------


def render_sheet(folios: Sequence[str], size: str = "A6", height: str = "140mm") -> bytes:
    """A folio sheet as the pipeline renders it: untagged, one folio a page."""
    pages = "".join(f'<div class="page"><span>{folio}</span></div>' for folio in folios)
    html = f"""<!doctype html><html lang="en"><head><style>
@page {{ size: {size}; margin: 0 }}
.page {{ position: relative; height: {height}; break-after: page }}
.page span {{ position: absolute; bottom: 0; left: 0; right: 0; text-align: center }}
</style></head><body>{pages}</body></html>"""
    return HTML(string=html).write_pdf()


SHEET_FOLIOS = ("ii", "1", "2", "3", "4")


@pytest.fixture(scope="module")
def sheet() -> bytes:
    return render_sheet(SHEET_FOLIOS)


@pytest.fixture(scope="module")
def bare_chunks() -> list[Part]:
    """The chunks rendered without folios, with the sheet pages to stamp."""

    def bare(body: str, style: str, first: int) -> bytes:
        return render(body, style=style, first=first, margin_folio=False)

    return [
        Part(bare(FRONT, "lower-roman", 1), "roman", 1, bookmark="Front matter", folios=(None, 0)),
        Part(bare(ALPHA, "decimal", 1), "decimal", 1, folios=(1, 2)),
        Part(bare(BETA, "decimal", 3), "decimal", 3, folios=(3,)),
        Part(bare(BACK, "decimal", 4), "decimal", 4, folios=(4,)),
    ]


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def test_folios_are_stamped_as_artifacts(bare_chunks: list[Part], sheet: bytes) -> None:
    assert len(PdfReader(BytesIO(sheet)).pages) == len(SHEET_FOLIOS)
    stamped = assemble(bare_chunks, METADATA, folio_sheet=sheet)
    unstamped = assemble([replace(chunk, folios=()) for chunk in bare_chunks], METADATA)
    expected = [None, "ii", "1", "2", "3", "4"]
    for text, before, folio in zip(page_texts(stamped), page_texts(unstamped), expected, strict=True):
        if folio is None:  # the cover
            assert text == before
        else:
            assert text.startswith(before) and text[len(before) :].strip() == folio

    reader = PdfReader(BytesIO(stamped), strict=True)
    check_structure_tree(reader, [None if folio is None else STAMPED_FOLIO for folio in expected])
    assert reader.page_labels == ["i", "ii", "1", "2", "3", "4"]
    forms = set()
    for page, folio in zip(reader.pages, expected, strict=True):
        contents = page["/Contents"]
        if folio is None:
            assert not isinstance(contents, ArrayObject)
            continue
        # The page's own content is wrapped in q/Q, then the folio drawn.
        streams = [stream.get_object().get_data() for stream in contents]
        assert streams[0].split() == [b"q"]
        assert re.fullmatch(
            rb"Q /Artifact <</Type /Pagination /Subtype /Footer>> BDC q (/Folio\d+) Do Q EMC",
            b" ".join(streams[-1].split()),
        )
        name = streams[-1].split()[-4].decode()
        form = page["/Resources"]["/XObject"].raw_get(name)
        assert form.get_object()["/Subtype"] == "/Form"
        assert form.get_object()["/BBox"] == page.mediabox
        forms.add(form.idnum)
    assert len(forms) == 5  # one Form XObject per sheet page used
    assert assemble(bare_chunks, METADATA, folio_sheet=sheet) == stamped


def test_sheet_serves_several_outputs(bare_chunks: list[Part], sheet: bytes) -> None:
    """A facility's own PDF stamps its chapter with the report's folios."""
    alpha = bare_chunks[1]
    facility = assemble([alpha], METADATA, folio_sheet=sheet)
    report = assemble(bare_chunks, METADATA, folio_sheet=sheet)
    assert page_texts(facility) == page_texts(report)[2:4]
    same_folio_twice = assemble([replace(alpha, folios=(2, 2))], METADATA, folio_sheet=sheet)
    reader = PdfReader(BytesIO(same_folio_twice))
    assert [text.split()[-1] for text in page_texts(same_folio_twice)] == ["2", "2"]
    assert len({page["/Resources"]["/XObject"].raw_get("/Folio2").idnum for page in reader.pages}) == 1


def test_folios_from_several_sheets_count_on(bare_chunks: list[Part], sheet: bytes) -> None:
    """The body's sheet first, then the front matter's: its pages are numbered after the body's."""
    body, front = render_sheet(SHEET_FOLIOS[1:]), render_sheet(SHEET_FOLIOS[:1])
    chunks = [replace(bare_chunks[0], folios=(None, 4))] + [
        replace(chunk, folios=tuple(folio - 1 for folio in chunk.folios)) for chunk in bare_chunks[1:]
    ]
    assert page_texts(assemble(chunks, METADATA, folio_sheet=[body, front])) == page_texts(
        assemble(bare_chunks, METADATA, folio_sheet=sheet)
    )
    with pytest.raises(AssemblyError, match="folio 5 is not a page of the 5-page folio sheets"):
        assemble([replace(bare_chunks[1], folios=(0, 5))], METADATA, folio_sheet=[body, front])


def test_bad_folios_are_rejected(bare_chunks: list[Part], sheet: bytes) -> None:
    alpha = bare_chunks[1]
    with pytest.raises(AssemblyError, match="chunk 0: 1 folios for 2 pages"):
        assemble([replace(alpha, folios=(1,))], METADATA, folio_sheet=sheet)
    with pytest.raises(AssemblyError, match="no folio sheet"):
        assemble([alpha], METADATA)
    with pytest.raises(AssemblyError, match="folio 5 is not a page of the 5-page folio sheet"):
        assemble([replace(alpha, folios=(1, 5))], METADATA, folio_sheet=sheet)
    with pytest.raises(AssemblyError, match="tagged content"):
        assemble([alpha], METADATA, folio_sheet=alpha.pdf)


def test_a_folio_sheet_of_another_size_names_the_stylesheets_to_change(bare_chunks: list[Part]) -> None:
    """An A4 print.css met folios.css's letter sheet: the refusal says which two files must agree."""
    with pytest.raises(AssemblyError) as refused:
        assemble([bare_chunks[1]], METADATA, folio_sheet=render_sheet(SHEET_FOLIOS, "A5", "200mm"))
    assert str(refused.value) == (
        "folio sheet page 1 is 148.0 x 210.0 mm, not the size of the page it is stamped on (105.0 x 148.0 mm):"
        " the folio sheet's page (@page size and .folio-page height in layouts/css/folios.css) must be the"
        " report's (@page size in layouts/css/print.css)"
    )


def test_a_notice_is_the_first_pages_band_as_content(bare_chunks: list[Part]) -> None:
    """A draft's notice: the sheet page on the first page (its band) is tagged content, first in the
    reading order, with the notice as its words; every other page's stamp stays an artifact."""
    sheet = render_sheet((*SHEET_FOLIOS, "Draft"))  # sheet page 5: the band alone, for the cover
    chunks = [replace(bare_chunks[0], folios=(5, 0)), *bare_chunks[1:]]
    notice = "Draft. Not the released edition."
    draft = assemble(chunks, replace(METADATA, notice=notice), folio_sheet=sheet)
    plain = assemble(chunks, METADATA, folio_sheet=sheet)
    assert page_texts(draft) == page_texts(plain)  # the same pages, drawn the same
    assert page_texts(draft)[0].split()[-1] == "Draft"

    reader = PdfReader(BytesIO(draft), strict=True)
    check_structure_tree(reader, [None] + [STAMPED_FOLIO] * 5)
    assert first_page_actual_texts(reader) == [notice]
    document, first, *_ = structure_elements_in_order(reader)
    assert (document["/S"], first["/S"], first["/ActualText"]) == ("/Document", "/P", notice)
    assert re.fullmatch(
        rb"Q /P <</MCID (\d+)>> BDC q /Folio5 Do Q EMC",
        b" ".join(reader.pages[0]["/Contents"][-1].get_object().get_data().split()),
    )
    unmarked = PdfReader(BytesIO(plain), strict=True)
    check_structure_tree(unmarked, [STAMPED_FOLIO] * 6)
    assert first_page_actual_texts(unmarked) == []
    with pikepdf.open(BytesIO(draft)) as reopened:
        assert reopened.check_pdf_syntax() == []

    with pytest.raises(AssemblyError, match="chunk 0: the notice is the folio sheet page on the first page"):
        assemble(bare_chunks, replace(METADATA, notice=notice), folio_sheet=sheet)


def test_a_notice_in_another_language_than_the_documents_declares_it(bare_chunks: list[Part]) -> None:
    """A Spanish draft whose notice fell back to English: its /P says /Lang en; one in Spanish says nothing."""
    sheet = render_sheet((*SHEET_FOLIOS, "Draft"))
    chunks = [replace(bare_chunks[0], folios=(5, 0)), *bare_chunks[1:]]
    notice = "Draft. Not the released edition."
    spanish = replace(METADATA, lang="es", notice=notice)
    for metadata, lang in ((replace(spanish, notice_lang="en"), "en"), (spanish, None)):
        reader = PdfReader(BytesIO(assemble(chunks, metadata, folio_sheet=sheet)), strict=True)
        _, first, *_ = structure_elements_in_order(reader)
        assert (first["/S"], first["/ActualText"], first.get("/Lang")) == ("/P", notice, lang)
        assert reader.trailer["/Root"]["/Lang"] == "es"


def test_a_notice_on_a_page_with_no_marked_content(sheet: bytes) -> None:
    """A first page without a ParentTree entry of its own (no /StructParents) gets one for the notice."""
    pdf = render('<div style="break-after: page"></div><p>Text</p>', style="decimal", first=1, margin_folio=False)
    with pikepdf.open(BytesIO(pdf)) as chunk:
        tree = chunk.Root.StructTreeRoot
        assert chunk.pages[0].obj.StructParents == 0 and list(pikepdf.NumberTree(tree.ParentTree)[0]) == []
        del chunk.pages[0].obj.StructParents
        tree.ParentTree = chunk.make_indirect(
            pikepdf.Dictionary(Nums=pikepdf.Array([1, pikepdf.NumberTree(tree.ParentTree)[1]]))
        )
        output = BytesIO()
        chunk.save(output)
    notice = "Draft. Not the released edition."
    draft = assemble([Part(output.getvalue(), folios=(0, 1))], replace(METADATA, notice=notice), folio_sheet=sheet)
    reader = PdfReader(BytesIO(draft), strict=True)
    check_structure_tree(reader, [None, STAMPED_FOLIO])
    assert first_page_actual_texts(reader) == [notice]


def test_links_say_what_they_print() -> None:
    """A link's description (/Contents) is its words, as the chunk laid out by `_render` gives them:
    its aria-label, else its text, whatever element in it made the annotation; never a target name."""

    def described(body: str) -> bytes:
        html = HTML(
            string=f'<!doctype html><html lang="en"><head><title>chunk</title></head><body>{body}</body></html>'
        )
        return html.write_pdf(pdf_variant="pdf/ua-1", finisher=describe_links(html.etree_element))

    front = described(
        '<h1 id="contents">Contents</h1><p><a href="x-chunk:gamma">The <i lang="fr">Gamma</i> station</a></p>'
    )
    gamma = described(
        '<h1 id="gamma">Gamma station</h1><p>See <a href="#gamma">its\n  name</a> or'
        ' <a href="https://example.org/gamma">example.org/gamma</a>.'
        ' <a href="x-chunk:contents" aria-label="Back to the contents">↩</a></p>'
    )
    reader = PdfReader(BytesIO(assemble([Part(front), Part(gamma)], METADATA)))
    links = []
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            target = str(annotation["/Dest"]) if "/Dest" in annotation else str(annotation["/A"]["/URI"])
            links.append((target, str(annotation["/Contents"])))
    assert links == [
        ("gamma", "The Gamma station"),  # the link's own box
        ("gamma", "The Gamma station"),  # the <i> inside it: an annotation of its own
        ("gamma", "its name"),
        ("https://example.org/gamma", "example.org/gamma"),
        ("contents", "Back to the contents"),
    ]


def with_role_map(pdf: bytes, **roles: str) -> bytes:
    """The chunk with a /RoleMap in its structure tree (WeasyPrint writes none)."""
    with pikepdf.open(BytesIO(pdf)) as chunk:
        chunk.Root.StructTreeRoot.RoleMap = pikepdf.Dictionary(
            {f"/{role}": pikepdf.Name(f"/{standard}") for role, standard in roles.items()}
        )
        output = BytesIO()
        chunk.save(output)
    return output.getvalue()


def test_role_maps_are_merged(chunks: list[Part]) -> None:
    alpha = replace(chunks[1], pdf=with_role_map(chunks[1].pdf, Note="P", Aside="Div"))
    beta = replace(chunks[2], pdf=with_role_map(chunks[2].pdf, Note="P"))
    reader = PdfReader(BytesIO(assemble([alpha, beta], METADATA)))
    assert reader.root_object["/StructTreeRoot"]["/RoleMap"] == {"/Aside": "/Div", "/Note": "/P"}
    conflicting = replace(beta, pdf=with_role_map(chunks[2].pdf, Note="Span"))
    with pytest.raises(AssemblyError, match="chunk 1: /RoleMap maps /Note"):
        assemble([alpha, conflicting], METADATA)


def test_qpdf_finds_no_problems(merged: bytes, bare_chunks: list[Part], sheet: bytes) -> None:
    """qpdf's own syntax check finds nothing to report in an assembled file."""
    for pdf in (merged, assemble(bare_chunks, METADATA, folio_sheet=sheet)):
        with pikepdf.open(BytesIO(pdf)) as reopened:
            assert reopened.check_pdf_syntax() == []
