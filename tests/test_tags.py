"""Tests for report.pdf.tags: a real WeasyPrint chunk, simplified, read back and assembled."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from io import BytesIO
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pypdf import PdfReader
from weasyprint import CSS, HTML

from report.pdf.assemble import Part, assemble
from report.pdf.tags import declare_languages_and_notes, simplify

from .pdfcheck import check_notes, check_structure_tree
from .test_assemble import METADATA

# Inline markup of every kind WeasyPrint wraps (em, strong, links, list labels, table cells),
# and a paragraph long enough to break across the A6 pages, so wrappers sit on both pages.
BODY = """
<h1 id="top">Tags</h1>
<p>Plain text with <em>emphasis</em>, <strong>strong <em>nested</em> words</strong> and
<a href="#later">a link</a>, then <span>a bare span</span>.</p>
<ul><li>First <b>item</b></li><li>Second item</li></ul>
<table><tr><th>Head</th><td>Cell with <em>markup</em></td></tr></table>
<p>{long}</p>
<h2 id="later">Later</h2><p>The end, with <a href="https://example.org">a web link</a>.</p>
""".format(long=" ".join(f"Sentence {n} with <em>emphasis {n}</em> in it." for n in range(60)))


def render() -> bytes:
    html = f"""<!doctype html><html lang="en"><head><title>chunk</title><style>
@page {{ size: A6; margin: 15mm 12mm; @bottom-center {{ content: counter(page) }} }}
body {{ font-size: 10pt }}</style></head><body>{BODY}</body></html>"""
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


@pytest.fixture(scope="module")
def original() -> bytes:
    return render()


@pytest.fixture(scope="module")
def simplified(original: bytes) -> bytes:
    return simplify(original)


def reading_order(data: bytes) -> list[tuple[int, int | str]]:
    """Every marked-content id and annotation in the tree's reading order, with its page number."""
    with pikepdf.Pdf.open(BytesIO(data)) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
        out: list[tuple[int, int | str]] = []
        stack = [(kid, None) for kid in reversed(list(pdf.Root.StructTreeRoot.K))]
        while stack:
            item, page = stack.pop()
            if isinstance(item, int):
                out.append((pages[page.objgen], int(item)))
            elif item.get("/Type") == "/OBJR":
                out.append((pages[item.Pg.objgen], f"annotation {item.Obj.Rect}"))
            else:
                kids = item.get("/K", [])
                page = item.get("/Pg", page)
                stack += [(kid, page) for kid in reversed(list(kids) if isinstance(kids, pikepdf.Array) else [kids])]
        return out


def element_kinds(data: bytes) -> Counter[str]:
    """The kinds of the structure elements the tree reaches (not WeasyPrint's orphaned margin boxes)."""
    with pikepdf.Pdf.open(BytesIO(data)) as pdf:
        kinds: Counter[str] = Counter()
        stack = list(pdf.Root.StructTreeRoot.K)
        while stack:
            element = stack.pop()
            if isinstance(element, pikepdf.Dictionary) and "/S" in element:
                kinds[str(element.S)] += 1
                kids = element.get("/K", [])
                stack += list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        return kinds


def test_wrappers_go_and_meaning_stays(original: bytes, simplified: bytes) -> None:
    before, after = element_kinds(original), element_kinds(simplified)
    assert before["/Span"] > 100  # WeasyPrint's inline boxes: what there is to fold
    assert len(PdfReader(BytesIO(original)).pages) == len(PdfReader(BytesIO(simplified)).pages) == 3
    # Every element that means something is still there, as many of each.
    meaningful = {kind: n for kind, n in before.items() if kind not in ("/Span", "/NonStruct")}
    assert {kind: after[kind] for kind in meaningful} == meaningful
    # None is left: WeasyPrint starts a new paragraph element on each page, so every wrapper
    # is on its parent's page (the ones that are not stay: see the next test).
    assert after["/Span"] + after["/NonStruct"] == 0
    assert sum(after.values()) < sum(before.values()) / 2


def hand_made(page: int, **span: object) -> bytes:
    """A two-page tagged PDF: a /P on page 1 whose second kid is a /Span on page `page` (0-based),
    with `span`'s entries."""
    pdf = pikepdf.Pdf.new()
    for text in (b"BT /P <</MCID 0>> BDC EMC ET", b"BT /Span <</MCID 0>> BDC EMC ET"):
        pdf.add_blank_page(page_size=(100, 100))
        pdf.pages[-1].obj.Contents = pdf.make_stream(text)
    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    document = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=root))
    paragraph = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.P, P=document, Pg=pdf.pages[0].obj)
    )
    wrapper = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem,
            S=pikepdf.Name.Span,
            P=paragraph,
            K=pikepdf.Array([0]),
            Pg=pdf.pages[page].obj,
            **span,
        )
    )
    paragraph.K = pikepdf.Array([0, wrapper])
    document.K, root.K = pikepdf.Array([paragraph]), pikepdf.Array([document])
    root.ParentTree = pikepdf.Dictionary(Nums=pikepdf.Array([0, [paragraph], 1, [wrapper]]))
    for key, each in enumerate(pdf.pages):
        each.obj.StructParents = key
    pdf.Root.StructTreeRoot = root
    out = BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def test_a_wrapper_on_another_page_or_with_attributes_stays() -> None:
    for data in (hand_made(1), hand_made(0, Lang=pikepdf.String("es")), hand_made(0, ActualText=pikepdf.String("x"))):
        assert simplify(data) == data
    folded = simplify(hand_made(0))
    assert element_kinds(folded) == Counter({"/Document": 1, "/P": 1})
    with pikepdf.Pdf.open(BytesIO(folded)) as pdf:
        paragraph = pdf.Root.StructTreeRoot.K[0].K[0]
        assert list(paragraph.K) == [0, 0]
        assert [list(value) for _, value in pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree).items()] == [
            [paragraph],
            [paragraph],
        ]


def test_reading_order_is_unchanged(original: bytes, simplified: bytes) -> None:
    order = reading_order(original)
    assert len(order) > 200 and any(isinstance(item, str) for _, item in order)
    assert reading_order(simplified) == order


def test_the_assembled_chunk_stays_fully_tagged(simplified: bytes) -> None:
    reader = PdfReader(BytesIO(assemble([Part(simplified)], METADATA)), strict=True)
    check_structure_tree(reader)  # every MCID and link of every page, in the tree, on its page


def orphans(data: bytes) -> int:
    """How many ParentTree references name an element the structure tree does not reach."""
    with pikepdf.Pdf.open(BytesIO(data)) as pdf:
        tree = pdf.Root.StructTreeRoot
        reached, stack = set(), list(tree.K)
        while stack:
            element = stack.pop()
            if isinstance(element, pikepdf.Dictionary) and "/S" in element:
                reached.add(element.objgen)
                kids = element.get("/K", [])
                stack += list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        named = []
        for _, value in pikepdf.NumberTree(tree.ParentTree).items():
            named += list(value) if isinstance(value, pikepdf.Array) else [value]
        return sum(isinstance(e, pikepdf.Dictionary) and e.objgen not in reached for e in named)


def contents(data: bytes) -> list[bytes]:
    with pikepdf.Pdf.open(BytesIO(data)) as pdf:
        return [page.obj.Contents.read_bytes() for page in pdf.pages]


def test_margin_box_text_is_an_artifact_once_simplified(original: bytes, simplified: bytes) -> None:
    """WeasyPrint tags the folio of the page margin with elements outside the tree: `simplify`
    re-marks that text as a pagination artifact, so that no assembly has content streams to rewrite."""
    assert orphans(original) == 3  # one folio a page
    assert orphans(simplified) == 0
    assert [page.count(b"/Artifact <</Type /Pagination>> BDC") for page in contents(simplified)] == [1, 1, 1]
    assembled = assemble([Part(simplified)], METADATA)
    assert contents(assembled) == contents(simplified)  # the assembler found nothing to re-mark
    assert contents(assemble([Part(original)], METADATA)) == contents(simplified)  # as it would have


def test_a_page_left_with_no_entry_keeps_its_key_from_the_next_chunk() -> None:
    """A page whose only tagged text is its folio loses its whole ParentTree entry: its key stays
    taken (/ParentTreeNextKey), so the next chunk of an assembly does not get it too."""
    html = """<!doctype html><html lang="en"><head><title>t</title><style>
@page { size: A6; @bottom-center { content: counter(page) } }</style></head>
<body><p>The only page with text.</p><div style="break-before: page"></div></body></html>"""
    chunk = simplify(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))
    with pikepdf.Pdf.open(BytesIO(chunk)) as pdf:
        tree = pdf.Root.StructTreeRoot
        assert [key for key, _ in pikepdf.NumberTree(tree.ParentTree).items()] == [0]
        assert [page.obj.StructParents for page in pdf.pages] == [0, 1]
        assert tree.ParentTreeNextKey == 2
    assembled = assemble([Part(chunk), Part(chunk)], METADATA)
    with pikepdf.Pdf.open(BytesIO(assembled)) as pdf:
        assert [int(page.obj.StructParents) for page in pdf.pages] == [0, 1, 2, 3]  # [0, 1, 1, 2] before
        assert [key for key, _ in pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree).items()] == [0, 2]


def test_simplify_is_deterministic_and_idempotent(original: bytes, simplified: bytes) -> None:
    assert simplify(original) == simplified
    assert simplify(simplified) == simplified  # nothing left to fold: the same bytes


def test_an_untagged_pdf_is_returned_as_it_is() -> None:
    untagged = HTML(string="<p>No tags <em>here</em>.</p>").write_pdf()
    assert simplify(untagged) == untagged


# -- a change of language, declared in the structure tree (issue 19) -----------------------------


def test_the_private_weasyprint_function_declare_languages_and_notes_wraps_has_its_signature() -> None:
    """WeasyPrint is pinned to a minor release because of it: on an upgrade, this says it moved."""
    import inspect

    from weasyprint.pdf import tags as weasyprint_tags

    declare_languages_and_notes()
    wrapped = inspect.getclosurevars(weasyprint_tags._build_box_tree).nonlocals["build"]  # the original
    parameters = ["box", "parent", "pdf", "page_number", "nums", "annotations", "tags"]
    assert list(inspect.signature(wrapped).parameters) == parameters


def languages(data: bytes) -> list[tuple[str, str]]:
    """(kind, /Lang) of every structure element with a language, in reading order."""
    with pikepdf.Pdf.open(BytesIO(data)) as pdf:
        out = []
        stack = list(reversed(list(pdf.Root.StructTreeRoot.K)))
        while stack:
            element = stack.pop()
            if isinstance(element, pikepdf.Dictionary) and "/S" in element:
                if "/Lang" in element:
                    out.append((str(element.S), str(element.Lang)))
                kids = element.get("/K", [])
                stack += reversed(list(kids) if isinstance(kids, pikepdf.Array) else [kids])
        return out


def test_an_element_in_another_language_declares_it_in_the_structure_tree() -> None:
    declare_languages_and_notes()
    declare_languages_and_notes()  # a second call does not wrap twice
    html = """<!doctype html><html lang="es"><head><title>t</title></head><body>
<p>Según el informe <cite lang="en">Shadow Prisons</cite>, publicado por <em>Detention Watch Network</em>.</p>
<p>Una fuente en alemán: <cite lang="de">Winn Correctional Center</cite>.</p></body></html>"""
    data = simplify(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))
    with pikepdf.Pdf.open(BytesIO(data)) as pdf:
        assert str(pdf.Root.Lang) == "es"
    # The wrapper of each title keeps its language through `simplify`; nothing else gets one.
    assert languages(data) == [("/NonStruct", "en"), ("/NonStruct", "de")]


# -- footnotes: their calls apart from the text, and tagged as notes -----------------------------

REPO = Path(__file__).resolve().parent.parent
# Two notes called right after a number, as `render.Citer` writes them, and one after a word.
NOTES = """<article>
<h1>Notes</h1><p>It held about 1,200<span class="fn"><a href="https://example.org/a">Example, 2020</a>.</span>
people in 2011.<span class="fn">Other, 2021.</span> Federal reviews followed<span class="fn">Third, 2022.</span>.</p>
</article>"""


def render_notes(body: str = NOTES, *more: CSS) -> Any:
    """The `body` laid out with the report's own print stylesheet (read from the checkout), then `more`."""
    from weasyprint.text.fonts import FontConfiguration

    declare_languages_and_notes()
    fonts = FontConfiguration()
    css = CSS(filename=str(REPO / "layouts/css/print.css"), font_config=fonts)
    html = f'<!doctype html><html lang="en"><head><title>notes</title></head><body>{body}</body></html>'
    return HTML(string=html, base_url=(REPO / "layouts" / "pdf").as_uri() + "/").render(
        stylesheets=[css, *more], font_config=fonts
    )


@pytest.fixture(scope="module")
def notes_document() -> Any:
    return render_notes()


@pytest.fixture(scope="module")
def notes_chunk(notes_document: Any) -> bytes:
    return simplify(notes_document.write_pdf(pdf_variant="pdf/ua-1"))


def test_a_footnote_call_is_apart_from_the_number_it_follows(notes_chunk: bytes) -> None:
    """Copied text and text extraction got "1,2001" (1,200 and note 1): the call now starts
    with a narrow no-break space."""
    text = PdfReader(BytesIO(notes_chunk)).pages[0].extract_text()
    assert text.startswith(
        "Notes\nIt held about 1,200\u202f1 people in 2011.\u202f2 Federal reviews followed\u202f3.\n"
    ), text
    if shutil.which("pdftotext"):
        extracted = subprocess.run(
            ["pdftotext", "-", "-"], input=notes_chunk, capture_output=True, check=True
        ).stdout.decode()
        assert "It held about 1,200 1 people in 2011. 2 Federal reviews followed 3." in extracted, extracted


def test_the_space_before_a_footnote_call_moves_nothing(notes_document: Any) -> None:
    """Every glyph prints where it did without the space, to a thousandth of a pixel (HarfBuzz
    rounds advances): the call's number ends where it ended, every other text box is where it
    was, on its line."""
    from weasyprint.formatting_structure.boxes import TextBox

    from report.pdf.verify import _walk

    def texts(document: Any) -> list[tuple[str, float, float, float]]:
        """(text, right edge, top, left edge of any text but a call's) of every text box, in order."""
        found = []
        for box, ancestors in _walk(document.pages[0]._page_box):
            if isinstance(box, TextBox):
                call = any((a.element_tag or "").endswith("::footnote-call") for a in ancestors)
                found.append((box.text, box.position_x + box.width, box.position_y, 0.0 if call else box.position_x))
        return found

    without = CSS(string=".fn::footnote-call { content: counter(footnote); margin-left: 0 }")
    bare = render_notes(NOTES, without)
    spaced, unspaced = texts(notes_document), texts(bare)
    assert [text for text, *_ in spaced if text.startswith("\u202f")] == ["\u202f1", "\u202f2", "\u202f3"]
    assert [text.removeprefix("\u202f") for text, *_ in spaced] == [text for text, *_ in unspaced]
    assert [place for _, *place in spaced] == [pytest.approx(place, abs=1e-3) for _, *place in unspaced]


@pytest.mark.slow  # it lays out twenty paragraphs
def test_no_line_starts_with_a_footnote_call() -> None:
    """The space allows no break before the call. (Without it, WeasyPrint broke before a call
    after a comma or a full stop: "27" began the line after "Otay Mesa,".)"""
    from weasyprint.formatting_structure.boxes import LineBox

    from report.pdf.verify import _walk

    text = 'Act at Otay Mesa,<span class="fn">A.</span> since 2011.<span class="fn">B.</span> (2019)<span class="fn">C.</span> 1,200<span class="fn">D.</span> more'
    document = render_notes("".join(f'<p style="width: {width / 2}mm">{text}</p>' for width in range(40, 100, 3)))
    starts = []
    for page in document.pages:
        for line, _ in _walk(page._page_box):
            if isinstance(line, LineBox):
                first = line
                while getattr(first, "children", None) and not (first.element_tag or "").endswith("::footnote-call"):
                    first = first.children[0]
                starts.append((first.element_tag or "").endswith("::footnote-call"))
    assert len(starts) > 50 and not any(starts)


def test_every_footnote_is_a_note_with_its_own_id_and_its_call_a_reference(notes_chunk: bytes) -> None:
    """WeasyPrint tagged a page's notes as one untagged /NonStruct after its text; PDF/UA asks for
    a /Note with an /ID each, unique in the whole report (the assembler merges chunks)."""
    assembled = assemble([Part(notes_chunk), Part(notes_chunk)], METADATA)
    reader = PdfReader(BytesIO(assembled))
    assert check_notes(reader) == 6
    check_structure_tree(reader, [None, None])  # no running head: the fixture sets no title to show
    with pikepdf.Pdf.open(BytesIO(assembled)) as pdf:
        document = pdf.Root.StructTreeRoot.K[0]
        assert [str(top.S) for top in document.K] == ["/Art", "/NonStruct"] * 2
        area = document.K[1]
        assert [str(note.S) for note in area.K] == ["/Note"] * 3
        ids = [str(note.ID) for top in document.K[1::2] for note in top.K]
        assert [i.split(".")[0] for i in ids] == ["c0"] * 3 + ["c1"] * 3
        assert len(set(ids)) == 6
        # Each note holds its marker and text, in reading order; each call is one /Reference.
        paragraph = document.K[0].K[1]
        calls = [kid for kid in paragraph.K if isinstance(kid, pikepdf.Dictionary)]
        assert [str(call.S) for call in calls] == ["/Reference"] * 3
    assert reading_order(assembled)[: len(reading_order(notes_chunk))] == reading_order(notes_chunk)
