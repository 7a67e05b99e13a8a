"""Draft and release editions: a band on every page of a draft (PDF and site), none in a release,
and `dist/manifest.json` says which one `dist/` holds."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import REPO, build, make_project, pdf_pages, run_cli, texts_of_class
from .pdfcheck import STAMPED_FOLIO, check_accessible, first_page_actual_texts

BAND = {
    "en": "Draft Not the released edition: facts and translations may still change.",
    "es": "Borrador No es la edición definitiva: los datos y las traducciones todavía pueden cambiar.",
}
"""The band's words as pypdf reads them off a page, and as the site shows them (from the catalogs)."""
NOTICE = {
    "en": "Draft. Not the released edition: facts and translations may still change.",
    "es": "Borrador. No es la edición definitiva: los datos y las traducciones todavía pueden cambiar.",
}
"""The band's words as assistive technology reads them on a draft PDF's first page."""


def bands(path: Path) -> list[str]:
    return texts_of_class(path, "draft-band")


def manifest(root: Path) -> dict:
    return json.loads((root / "dist" / "manifest.json").read_text(encoding="utf-8"))


def page_texts(path: Path) -> list[str]:
    return [" ".join(page.split()) for page in pdf_pages(path)]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project (one fact-checked dossier, English only: nothing blocks a release), with the layouts."""
    root = make_project(tmp_path_factory.mktemp("release"))
    shutil.copytree(REPO / "layouts", root / "layouts")
    return root


@pytest.mark.private_chunks("counts the chunks the release lays out again")
def test_a_draft_has_the_band_on_every_page_and_a_release_none(project: Path) -> None:
    code, out, err = build(project, "--quiet")
    assert code == 0, out + err
    assert "built en (draft): " in out
    draft = manifest(project)
    assert draft["edition"] == "draft"
    pdfs = [e for e in draft["outputs"] if e["kind"].endswith("-pdf")]
    pages = [e for e in draft["outputs"] if e["kind"] == "page"]
    assert {e["kind"] for e in pdfs} == {"report-pdf", "facility-pdf"} and len(pages) == 3
    drafted = {}
    for entry in pdfs:
        texts = page_texts(project / "dist" / entry["path"])
        assert len(texts) == entry["pages"]
        for number, text in enumerate(texts, 1):  # the covers too
            assert BAND["en"] in text, f"{entry['path']} page {number}: {text[-200:]!r}"
        drafted[entry["path"]] = texts
        reader = PdfReader(project / "dist" / entry["path"])
        assert reader.metadata.title.endswith(" · Draft")
        # The band is an artifact, which screen readers skip, but on the first page: the notice.
        check_accessible(reader, "en", reader.metadata.title, [None] + [STAMPED_FOLIO] * (len(texts) - 1))
        assert first_page_actual_texts(reader) == [NOTICE["en"]]
    for entry in pages:
        assert bands(project / "dist" / entry["path"]) == (["Draft"] if entry["path"] == "index.html" else [BAND["en"]])

    code, out, err = run_cli("--root", str(project), "release", "--quiet")
    assert code == 0, out + err
    # Only the folio sheets (the report's two, the facility PDFs' own) and the share card (a
    # draft's has the Draft band) are laid out again: the chunks (chapter, front, back) are the
    # same in a draft and a release.
    assert "built en (release): " in out and "chunks: 4 rendered, 3 from cache" in out, out
    released = manifest(project)
    assert released["edition"] == "release"

    # The same files, but for the search index's files, which Pagefind names by their content:
    # a draft's pages say "Draft edition of" in their citations, a release's do not.
    def files(edition: dict) -> list[str]:
        named = (re.sub(r"(/pagefind/.*_)[0-9a-f]{6,}(\.pf_\w+)$", r"\1…\2", e["path"]) for e in edition["outputs"])
        return sorted(named)

    assert files(released) == files(draft)
    for entry in pdfs:
        texts = page_texts(project / "dist" / entry["path"])
        assert [text for text in texts if "Draft" in text] == []
        reader = PdfReader(project / "dist" / entry["path"])
        assert "Draft" not in reader.metadata.title and first_page_actual_texts(reader) == []
        covers = (0, len(texts) - 1) if entry["kind"] == "report-pdf" else ()
        check_accessible(
            reader, "en", reader.metadata.title, [None if i in covers else STAMPED_FOLIO for i in range(len(texts))]
        )
        assert texts == [text.replace(BAND["en"], "").replace("  ", " ").strip() for text in drafted[entry["path"]]]
    for entry in pages:
        assert bands(project / "dist" / entry["path"]) == []

    # A plain build after it is a draft again, which says what it replaced: once.
    replaced = "build: this draft replaced the release dist/ held (./build.py release makes one again)"
    code, out, err = build(project, "--quiet")
    assert (code, out.splitlines()[-1], manifest(project)["edition"]) == (0, replaced, "draft"), out + err
    code, out, err = build(project, "--quiet")
    assert code == 0 and replaced not in out and "dist/ is up to date" in out, out + err


def test_the_spanish_band_comes_from_the_catalog(shipped: Path) -> None:
    assert manifest(shipped)["edition"] == "draft"
    for name in ("first-ten-es.pdf", "lasalle-es.pdf"):
        texts = page_texts(shipped / "dist" / "es" / name)
        assert all(BAND["es"] in text for text in texts), name
        assert not any(BAND["en"] in text for text in texts)
        reader = PdfReader(shipped / "dist" / "es" / name)
        assert first_page_actual_texts(reader) == [NOTICE["es"]] and reader.metadata.title.endswith(" · Borrador")
    assert bands(shipped / "dist" / "es" / "lasalle.html") == [BAND["es"]]
    assert bands(shipped / "dist" / "en" / "index.html") == [BAND["en"]]
    assert bands(shipped / "dist" / "index.html") == ["Draft · Borrador"]


def test_a_release_of_one_language_never_mixes_with_a_draft(shipped: Path) -> None:
    before = (shipped / "dist" / "manifest.json").read_bytes()
    code, out, err = run_cli("--root", str(shipped), "build", "--release", "--lang", "es")
    assert code == 2
    assert err == (
        "build.py: error: dist/ holds a draft edition: a release of es alone would leave en a draft;"
        " build every language (leave out --lang)\n"
    )
    assert (shipped / "dist" / "manifest.json").read_bytes() == before
