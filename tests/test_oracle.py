"""The oracle for the fast path: the chunked, cached, assembled report prints what one plain pass prints.

A two-facility project (the Spanish Adelanto chapter among them: WeasyPrint loses one of its
notes, which `verify` repairs) is built, and its report is compared with one plain WeasyPrint pass
over the same HTML, the naive baseline of `bench/run.py`: the front matter, every chapter and the
back matter as one document. Same page count per chapter, same outline, same words on every page.

The plain pass states in CSS what the chunks imply: each chapter starts a page and numbers its
notes from 1. What can differ by design is left out of the comparison: the folios (stamped after
assembly, counted differently in one document), the contents' page numbers (the same reason) and
the running head of a chapter's first page (a chunk's first page has none, `@page :first`; one
document could drop it only with named pages, which change where WeasyPrint breaks pages), and the
draft band (stamped from the folio sheets with the folios). The back
matter's first page is compared whole: it keeps its running head in both (`@page back-opening`). The
plain pass goes through the same `verify.lay_out` as the workers, so both print every note.
"""

from __future__ import annotations

import itertools

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import build, copy_project
from .test_build import outline_titles as outline

pytestmark = pytest.mark.slow

FACILITIES = ["adelanto", "etowah"]
LANGS = ("en", "es")
ORACLE_CSS = """
article.facility { break-before: page; }
article.facility, section.support { counter-reset: footnote; }
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("oracle"), FACILITIES)
    code, out, err = build(root)
    assert code == 0, out + err
    return root


def plain_pass(project: Path, lang: str) -> PdfReader:
    """Return the report as one plain WeasyPrint pass prints it (the bench's naive baseline)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from bench.run import naive_html
    from report.pdf import verify

    fonts = FontConfiguration()
    css = [
        weasyprint.CSS(filename=str(project / "layouts/css/print.css"), font_config=fonts),
        weasyprint.CSS(string=ORACLE_CSS, font_config=fonts),
    ]
    html = weasyprint.HTML(string=naive_html(project, lang), base_url=str(project / "layouts/pdf") + "/")
    document, _ = verify.lay_out(html, lambda: html.render(stylesheets=css, font_config=fonts))
    return PdfReader(io.BytesIO(document.write_pdf()))


def chunk_starts(entries: list[tuple[int, str, int]], chapters: list[str]) -> list[int]:
    """Return the first page of each chapter and of the back matter (the entry after the last chapter)."""
    top = [(title, page) for level, title, page in entries if level == 0]
    last = max(i for i, (title, _) in enumerate(top) if title in chapters)
    return [page for title, page in top if title in chapters] + [top[last + 1][1]]


def band_words(project: Path, lang: str) -> tuple[str, ...]:
    """Return the words of the draft band in a language, as the folio sheet prints them."""
    from report.commands.gather import GatherOptions, gather
    from report.render.html import environment

    localizer = gather(project, GatherOptions(dt.date.today())).localizers[lang]
    band = environment(project, localizer).get_template("partials/draft.html").module.band()  # type: ignore[attr-defined]
    return tuple(band.striptags().split())


def words(
    reader: PdfReader, index: int, folio: str | None, heads: list[str], front: bool, band: tuple[str, ...] = ()
) -> list[str]:
    """Return the words of a page, without its folio, the draft `band` stamped with it, its running
    head (from the last occurrence of `heads`, the report title's words, if given) and, in the front
    matter, the contents' page numbers."""
    tokens = reader.pages[index].extract_text().split()
    if folio is not None and tokens and tokens[-1] == folio:
        tokens.pop()
    if band and tokens[-len(band) :] == list(band):
        del tokens[-len(band) :]
    found = [i for i in range(len(tokens) - len(heads) + 1) if heads and tokens[i : i + len(heads)] == heads]
    if found:
        tokens = tokens[: found[-1]]
    return [t for t in tokens if not t.isdigit()] if front else tokens


def compare(built: PdfReader, plain: PdfReader, chapters: list[str], title: str, band: tuple[str, ...]) -> list[str]:
    """Return every difference between the built report and the plain pass (none if they agree)."""
    differences = []
    built_outline, plain_outline = outline(built), outline(plain)
    if built_outline != plain_outline:
        differences.append(f"outline: {built_outline} != {plain_outline}")
    starts = chunk_starts(plain_outline, chapters)
    built_starts = chunk_starts(built_outline, chapters)
    for name, (a, b), (c, d) in zip(
        chapters, itertools.pairwise(built_starts), itertools.pairwise(starts), strict=False
    ):
        if b - a != d - c:
            differences.append(f"{name}: {b - a} pages, {d - c} in one pass")
    if len(built.pages) != len(plain.pages):
        differences.append(f"{len(built.pages)} pages, {len(plain.pages)} in one pass")
    labels = built.page_labels
    headless = starts[:-1]  # the chapters' first pages; the back matter's keeps its running head
    for index in range(min(len(built.pages), len(plain.pages))):
        front = index < starts[0]
        mine = words(built, index, labels[index], [], front, band)
        theirs = words(plain, index, None, title.upper().split() if index in headless else [], front)
        if mine != theirs:
            missing = [w for w in theirs if w not in mine][:8]
            extra = [w for w in mine if w not in theirs][:8]
            differences.append(f"page {index + 1} ({labels[index]}): missing {missing}, extra {extra}")
    return differences


@pytest.mark.parametrize("lang", LANGS)
def test_the_build_prints_what_one_plain_pass_prints(project: Path, lang: str) -> None:
    from report.commands.gather import GatherOptions, gather

    edition = gather(project, GatherOptions(dt.date.today())).edition
    assert edition is not None
    chapters = [f.name for f in edition.facilities]
    built = PdfReader(project / "dist" / lang / f"first-ten-{lang}.pdf")
    band = band_words(project, lang)
    assert band[0] in ("Draft", "Borrador")
    title = built.metadata.title.removesuffix(f" · {band[0]}")  # a draft's title says so; its running heads do not
    assert compare(built, plain_pass(project, lang), chapters, title, band) == []
