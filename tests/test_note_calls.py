"""Note calls as a reader meets them, and the back matter's running head: what a proofreader found
in built PDFs, read back from a real build of a two-facility project (Etowah and Irwin, given the
prose that showed each defect) with pypdf, and in the site's HTML.

- A call at a line end printed its first digit there and the rest on the next line: "officials¹"
  then "⁷", read as notes 1 and 7 (print.css: a call never breaks).
- A claim's note right after its prose's last inline call printed "consent.¹⁸¹⁹", read as note
  1819, or dropped its call alone to the next line: it now prints "consent.¹⁸,¹⁹" (before the
  period in Spanish: "consent¹⁸,¹⁹."), in the PDF and on the site.
- "How to support the campaign", the first page of the back matter, printed no running head.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import build, copy_project, pdf_pages, replace

pytestmark = pytest.mark.slow

ETOWAH = (
    " ICE announced on March 25, 2022, that it would stop holding people at the jail as soon as possible, and"
    " detainees were moved out, first to Louisiana according to county officials [@dwn-2022-03-25-etowah]. DWN"
    " counted Etowah as the second First Ten facility ICE would leave [@dwn-2022-03-25-etowah]."
)
"""Appended to the entry `2015-11-hunger-strike`: in Spanish (an English fallback) its call 17 ends a line."""
IRWIN = (
    " Three years later, Georgia groups filed a complaint with the DHS Inspector General drawing on the account of"
    " nurse Dawn Wooten [@dwn-2021-04-29-irwin-women]. It alleged that gynecological procedures were performed"
    " without informed consent [@actionnetwork-2020-09-shut-down-irwin]."
)
"""Appended to the entry `2017-05-imprisoned-justice`, whose `sources:` list another source too."""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("calls") / "project", ["etowah", "irwin"])
    replace(root, "facilities/etowah.yaml", "became necessary.\n", f"became necessary.{ETOWAH}\n")
    replace(root, "facilities/irwin.yaml", "      water.\n", f"      water.{IRWIN}\n")
    code, out, err = build(root)
    assert code == 0, out + err
    assert "[pdf." not in out, out  # no note lost, no call broken (`pdf.call`)
    return root


def text(root: Path, name: str) -> str:
    return "\n".join(pdf_pages(root / "dist" / name))


def test_a_call_at_a_line_end_prints_whole_after_its_word(project: Path) -> None:
    assert "officials\u202f17. DWN counted" in text(project, "es/etowah-es.pdf")
    assert "officials.\u202f17 DWN counted" in text(project, "en/etowah-en.pdf")


def test_two_calls_side_by_side_print_with_a_comma_between_them(project: Path) -> None:
    assert "informed consent.\u202f18,\u202f19\n" in text(project, "en/irwin-en.pdf")
    assert "informed consent\u202f18,\u202f19.\n" in text(project, "es/irwin-es.pdf")
    assert "would leave\u202f18,\u202f19.\n" in text(project, "es/etowah-es.pdf")
    site = {lang: (project / "dist" / lang / "irwin.html").read_text(encoding="utf-8") for lang in ("en", "es")}
    calls = (
        '<sup class="noteref"><a href="#note-18" id="ref-18" role="doc-noteref">18</a></sup>'
        '<sup class="noteref">,<a href="#note-19" id="ref-19" role="doc-noteref">19</a></sup>'
    )
    assert f"informed consent.{calls}" in site["en"]
    assert f"informed consent{calls}.</span>" in site["es"]  # an English fallback in the Spanish page


def test_the_back_matters_first_page_has_its_running_head(project: Path) -> None:
    for lang, title, head in (
        ("en", "How to support the campaign", "FIRST TEN TO COMMUNITIES NOT CAGES"),
        ("es", "Cómo apoyar la campaña", "LOS PRIMEROS DIEZ DE COMUNIDADES SÍ, JAULAS NO"),
    ):
        pages = pdf_pages(project / "dist" / lang / f"first-ten-{lang}.pdf")
        (first,) = [page for page in pages if page.startswith(f"{title}\n")]
        assert f"\n{head} {title}\n" in first
        # A chapter's first page still has none: its coloured strip is there.
        chapter = pdf_pages(project / "dist" / lang / f"etowah-{lang}.pdf")
        assert f"{head} Etowah County Detention Center" not in chapter[0]
        assert f"{head} Etowah County Detention Center" in chapter[1]
