"""The printed page as its designer checks it: what `layouts/css/print.css` sets, laid out by WeasyPrint
in this process with the shipped stylesheet and read back from the PDF (pypdf for lines, PDFium for
the box of each printed character)."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import REPO, pdf_pages

PAGE = """<!DOCTYPE html><html lang="{lang}" data-report-title="First Ten to Communities Not Cages"><head>
<meta charset="utf-8"><title>t</title></head><body><article class="facility" id="x">{body}</article></body></html>"""
WORDS = "The detention center held people for years while the county renewed its contract".split()


def words(count: int) -> str:
    return " ".join(WORDS[i % len(WORDS)] for i in range(count))


def laid_out(body: str, lang: str = "en") -> bytes:
    """Return the PDF of a chunk holding `body`, laid out with the print stylesheet."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = [weasyprint.CSS(filename=str(REPO / "layouts/css/print.css"), font_config=fonts)]
    html = weasyprint.HTML(string=PAGE.format(lang=lang, body=body), base_url=(REPO / "layouts/pdf").as_uri() + "/")
    return html.write_pdf(stylesheets=css, font_config=fonts)


def runs(pdf: bytes) -> list[tuple[int, float, float, str]]:
    """Return each piece of text pypdf reads from a PDF: its page, where it starts (x, y) and its text."""
    found: list[tuple[int, float, float, str]] = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, 1):

        def visit(text: str, cm: list, tm: list, *_: object, number: int = number) -> None:
            if text.strip():
                found.append((number, round(tm[4] * cm[0] + cm[4], 1), round(tm[5] * cm[3] + cm[5], 1), text))

        page.extract_text(visitor_text=visit)
    return found


# -- the review mark -----------------------------------------------------------------------------


def review_mark(lang: str) -> str:
    """Return the review mark as labels.html's `review_mark` prints it in a language, with its space."""
    from report.i18n.catalogs import read_catalog
    from report.i18n.localize import Localizer
    from report.project import catalog_path
    from report.render.html import environment

    catalog = read_catalog(REPO, catalog_path(lang), lang) if lang != "en" else None
    labels = environment(REPO, Localizer(lang, "en", catalog, f"{lang}_US")).get_template("partials/labels.html")
    return str(labels.make_module().review_mark(type("Claim", (), {"review": "needs-review"})()))


@pytest.mark.parametrize(("lang", "mark"), [("en", "[UNDER REVIEW]"), ("es", "[EN REVISIÓN]")])
def test_a_review_mark_at_a_line_end_moves_on_whole(lang: str, mark: str) -> None:
    """The English report printed "…citing overcrowding.²¹ [UNDER" at the end of a line of the Alamance
    chapter and "REVIEW]" alone at the start of the next (and the Spanish "[EN" / "REVISIÓN]"): the
    mark's two words broke apart like any others. A mark is one sign: it prints on one line, and
    when it does not fit at the end of one it moves on whole, with the word before it (a line that
    started with the mark read as if it marked what follows)."""
    body = "".join(f"<p>{words(count)}.{review_mark(lang)}</p>" for count in range(10, 24))
    printed = runs(laid_out(body, lang))
    pieces = [(x, text) for _, x, _, text in printed if "[" in text or "]" in text]
    marks = [(x, text[text.index("[") :].strip()) for x, text in pieces if "[" in text]
    assert [text for _, text in marks] == [mark] * 14
    assert [text for _, text in pieces if "[" not in text] == []  # no "REVIEW]" alone on a line
    left = min(x for _, x, _, _ in runs(laid_out("<p>x</p>", lang)))
    assert not any(x == left for x, _ in marks)  # no line starts with a mark
    moved = [  # a line that goes on from the one before and ends with a mark
        text
        for (*_, before), (_, x, y, text), (_, _, y2, after) in zip(printed, printed[1:], printed[2:], strict=False)
        if before.endswith("\n") and (x, y, after) == (left, y2, mark)
    ]
    assert moved[:1] == ["detention."]  # a mark reached a line end, and took its word to the next line


@pytest.mark.parametrize(("lang", "mark"), [("en", "[UNDER REVIEW]"), ("es", "[EN REVISIÓN]")])
def test_every_review_mark_of_the_shipped_pdfs_prints_on_one_line(shipped: Path, lang: str, mark: str) -> None:
    """The report's and each facility's PDF, as shipped: every mark's opening word is followed by the rest
    of the mark on its line (the English report had "[UNDER" / "REVIEW]" in the Alamance chapter)."""
    opening, marks = mark.split()[0], 0
    for pdf in sorted((shipped / "dist" / lang).glob("*.pdf")):
        text = "\n".join(pdf_pages(pdf))
        assert text.count(opening) == len(re.findall(re.escape(mark), text)), pdf.name
        marks += text.count(opening)
    assert marks > 60  # 30 claims under review, in the report and again in its facility's PDF


# -- the map's list ------------------------------------------------------------------------------


def line_chars(pdf: bytes) -> list[list[tuple[str, float, float]]]:
    """Return each line PDFium reads, page after page: its characters, each with the left and right
    edges of its box in points (spaces kept, for where the words part)."""
    import pypdfium2 as pdfium

    found: list[list[tuple[str, float, float]]] = []
    for page in pdfium.PdfDocument(pdf):
        text = page.get_textpage()
        line: list[tuple[str, float, float]] = []
        for index in range(text.count_chars()):
            char = text.get_text_range(index, 1)
            if char in "\r\n":
                found += [line] if line else []
                line = []
            else:
                left, _, right, _ = text.get_charbox(index)
                line.append((char, left, right))
        found += [line] if line else []
    return found


# A word, with the review mark that keeps to it and what follows the mark ("ended [UNDER REVIEW])"),
# or a mark that starts a line: what a line break may not part.
UNBROKEN = re.compile(r"\[[^\]]*\]\S*|[^\s\[]+(?: \[[^\]]*\]\S*)?")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_line_of_the_maps_list_ends_before_its_column_does(lang: str) -> None:
    """The map page's list printed "Stewart Detention Center*," alone on a line, "Georgia (ICE detains
    people here [UNDER REVIEW])" on the next; at another column width, "Etowah" alone, then "County
    Detention Center, Alabama (…)". WeasyPrint measured the text before the review mark with the space
    that ends it, and where only that space crossed the column's edge it broke the text after its first
    word. The mark keeps to the word before it now, with no space at the end of that text, so each line
    takes every word that fits. Each item is laid out at column widths a millimetre apart, where the
    review mark falls at the end of a line: no line leaves room for the next line's first word."""
    from report.i18n.catalogs import read_catalog
    from report.i18n.localize import Localizer
    from report.project import catalog_path
    from report.render.html import environment

    catalog = read_catalog(REPO, catalog_path(lang), lang) if lang != "en" else None
    localizer = Localizer(lang, "en", catalog, f"{lang}_US")
    labels = environment(REPO, localizer).get_template("partials/labels.html").make_module()
    mark = str(labels.review_mark(type("Claim", (), {"review": "needs-review"})()))
    star = str(labels.list_mark(False))
    ended, held = localizer.gettext("ICE detention has ended"), localizer.gettext("ICE detains people here")
    items = [
        f"Etowah County Detention Center, Alabama ({ended}{mark})",
        f"Stewart Detention Center{star}, {localizer.pgettext('state', 'Georgia')} ({held}{mark})",
    ]
    widths = [w / 4 for w in range(4 * 70, 4 * 105)]  # mm, a quarter apart: the real column is 84 mm
    body = "".join(
        f'<ul class="map-list" style="columns: 1; width: {w}mm; list-style: none"><li>{item}</li></ul>'
        for item in items
        for w in widths
    )
    printed = line_chars(laid_out(f'<figure class="map-figure"><figcaption>{body}</figcaption></figure>', lang))
    starts = [i for i, line in enumerate(printed) if "".join(c for c, _, _ in line).startswith(("Etowah", "Stewart"))]
    assert len(starts) == len(items) * len(widths)
    early = []
    for n, (start, end) in enumerate(zip(starts, [*starts[1:], len(printed)], strict=True)):
        left = printed[start][0][1]
        edge = left + (widths[n % len(widths)] - 5) / 25.4 * 72  # the li's padding is 5 mm
        item = [line for line in printed[start:end] if abs(line[0][1] - left) < 1]  # not the running head
        for this, after in itertools.pairwise(item):
            text = "".join(c for c, _, _ in after)
            piece = UNBROKEN.match(text.lstrip())
            assert piece is not None, text
            first = after[len(text) - len(text.lstrip()) : len(text) - len(text.lstrip()) + piece.end()]
            inked = [right for c, _, right in this if not c.isspace()]
            space = 0.25 * 8.4  # a space of the list's 8.4 pt sans, give or take
            if max(inked) + space + (first[-1][2] - first[0][1]) < edge - 0.5:
                early.append((widths[n % len(widths)], "".join(c for c, _, _ in this).strip(), piece[0]))
    assert early == [], early


# -- the facts box -------------------------------------------------------------------------------


def lines(pdf: bytes, page: int = 0) -> list[tuple[str, float, float]]:
    """Return each line PDFium reads on a page: its text, and the left edge of its first character's
    box and the right edge of its last one, in points."""
    import pypdfium2 as pdfium

    text = pdfium.PdfDocument(pdf)[page].get_textpage()
    found: list[tuple[str, float, float]] = []
    line: list[tuple[str, float, float]] = []
    for index in range(text.count_chars()):
        char = text.get_text_range(index, 1)
        if char in "\r\n":
            if line:
                found.append(("".join(c for c, _, _ in line), line[0][1], line[-1][2]))
            line = []
        else:
            left, _, right, _ = text.get_charbox(index)
            line.append((char, left, right))
    if line:
        found.append(("".join(c for c, _, _ in line), line[0][1], line[-1][2]))
    return found


def test_a_facts_box_label_keeps_a_gutter_before_its_value() -> None:
    """The Spanish facts boxes printed "Inicio de la detención" up to the edge of the labels' column, a
    hair from the value beside it ("detención2011."): the column had no gutter, and only labels
    narrower than it kept one. Every label's line now ends 1.5 mm short of the values' column, and
    the English labels still print on one line."""
    labels = ["Inicio de la detención de ICE", "ICE detention began", "También conocido como", "Operador"]
    body = "".join(f"<div><dt>{label}</dt><dd>2011. {words(30)}.</dd></div>" for label in labels)
    printed = lines(laid_out(f'<section class="facts"><dl>{body}</dl></section>', "es"))
    values = min(left for text, left, _ in printed if text.startswith("2011."))
    label_lines = [(text.strip(), right) for text, left, right in printed if text.strip() and left < values - 20]
    assert {text for text, _ in label_lines} >= {"Operador", "ICE detention began"}
    assert [text for text, right in label_lines if values - right < 1.5 / 25.4 * 72] == []


# -- the report's bibliography -------------------------------------------------------------------


def test_the_bibliographys_second_column_keeps_its_numbers_clear_of_the_first() -> None:
    """The report's two-column bibliography printed the second column's numbers in the gap between
    the columns, outside markers as wide as "115. ": from its hundredth source on, a line of the first
    column that filled it ("…ICE Limit Usage") ended a millimetre from the next number ("118.").
    Each item now keeps its number inside its own column, and the columns stay 3 mm apart."""
    import pypdfium2 as pdfium

    url = "abcdefghij" * 8  # an address breaks anywhere: its lines fill the column to its edge
    items = "".join(
        f'<li><span class="publisher">Publisher</span>. {words(3)}. <span class="url">example.org/{url}</span></li>'
        for _ in range(130)
    )
    pdf = laid_out(f'<section class="bibliography-section"><ol class="bibliography">{items}</ol></section>')
    middle = 306  # points: the middle of a letter page
    gutters = []
    for page in range(len(pdfium.PdfDocument(pdf))):
        printed = lines(pdf, page)
        first = max(right for _, left, right in printed if left < middle - 30 and right < middle + 10)
        numbers = [(text.split(".")[0], left) for text, left, _ in printed if left > middle - 30 and text[:1].isdigit()]
        gutters += [(number, round((left - first) / 72 * 25.4, 1)) for number, left in numbers]
    assert any(len(number) == 3 for number, _ in gutters)  # numbers as wide as the report's
    assert [(number, gutter) for number, gutter in gutters if gutter < 3] == []


@pytest.mark.slow  # seconds of layout, in this process
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_cover_of_a_forty_facility_edition_fits_its_page(tmp_path: Path, lang: str) -> None:
    """The cover lists every facility with its place. At 40 (DWN's list may grow; bench/run.py clones
    the dossiers so) the list ran onto a second teal page, pushing the contents to page 3. The shipped
    front matter is laid out with its 10 facilities listed four times: the cover's last line (its
    hashtags) must be on page 1, and the contents must open page 2."""
    import dataclasses
    import datetime as dt

    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from report.commands.gather import GatherOptions, gather
    from report.render.html import Renderer, environment

    from .conftest import copy_project

    root = copy_project(tmp_path / "project")
    gathered = gather(root, GatherOptions(dt.date(2026, 1, 1)))
    assert gathered.edition is not None
    shipped = gathered.edition
    copies = [dataclasses.replace(f, id=f"{f.id}-copy{k}") for k in range(1, 4) for f in shipped.facilities]
    places = {**shipped.places, **{c.id: shipped.places[c.id.rsplit("-copy", 1)[0]] for c in copies}}
    edition = dataclasses.replace(shipped, facilities=(*shipped.facilities, *copies), places=places)
    localizer = gathered.localizers[lang]
    chunk = Renderer(edition, localizer, environment(root, localizer)).front_chunk([])
    html = weasyprint.HTML(string=chunk.html, base_url=(root / "layouts/pdf/front.html").as_uri())
    fonts = FontConfiguration()
    css = weasyprint.CSS(filename=str(root / "layouts/css/print.css"), font_config=fonts)
    pdf = html.write_pdf(stylesheets=[css], font_config=fonts)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    cover = pages[0]
    assert cover.count(edition.facilities[-1].name) == 4 and "#FirstTen" in cover, cover
    assert "#FirstTen" not in pages[1] and pages[1].startswith(localizer.gettext("Contents")), pages[1]
