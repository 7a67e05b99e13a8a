"""What the report says about review and the 2021 list is what the dossier says, in every output.

A dossier can be fact-checked (`review.status: verified`) before any source confirms that its
facility was on DWN's 2021 First Ten list: the chapter must still say so, in the full report, the
facility's own PDF and its page, in every language.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from .conftest import REPO, build, copy_project, pdf_pages, texts_of_class

LIST_CAVEAT = (
    "No source we have retrieved yet confirms that this facility was named on the 2021 First Ten list."
    " We are checking it against the original report."
)
pytestmark = pytest.mark.slow  # it builds

UNCHECKED = "The facts in this chapter are still being checked against their sources."


def _spanish(english: str) -> str:
    with open(REPO / "i18n" / "es" / "LC_MESSAGES" / "messages.po", "rb") as po:
        translated = read_po(po).get(english)
    assert translated is not None and translated.string, english
    return str(translated.string)


HYPHEN = "\u2010"  # what WeasyPrint draws at an automatic line-end hyphen


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def verified_unlisted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped Pulaski chapter alone, its dossier marked verified while its list place stays unverified."""
    root = copy_project(tmp_path_factory.mktemp("caveat"), ["pulaski"])
    dossier = root / "facilities" / "pulaski.yaml"
    text = dossier.read_text(encoding="utf-8")
    old = "review:\n  status: unverified\n  list_membership: unverified\n"
    assert old in text
    dossier.write_text(
        text.replace(
            old,
            "review:\n  status: verified\n  list_membership: unverified\n  reviewer: A. Editor\n  date: 2026-11-01\n",
        ),
        encoding="utf-8",
    )
    code, out, err = build(root, "--quiet")
    assert code == 0, out + err
    return root


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_verified_dossier_keeps_the_list_caveat_in_its_pdfs_and_page(verified_unlisted: Path, lang: str) -> None:
    caveat, unchecked = (LIST_CAVEAT, UNCHECKED) if lang == "en" else (_spanish(LIST_CAVEAT), _spanish(UNCHECKED))
    dist = verified_unlisted / "dist" / lang
    for pdf in (dist / f"pulaski-{lang}.pdf", dist / f"first-ten-{lang}.pdf"):
        pages = [_flat(page).replace(HYPHEN + " ", "") for page in pdf_pages(pdf)]  # words hyphenated at a line end
        # The cover and contents explain the list mark; the chapter itself must say it in full.
        assert [i for i, page in enumerate(pages) if caveat in page], f"{pdf.name}: no list caveat"
        assert not [page for page in pages if unchecked in page], f"{pdf.name}: a checked chapter called unchecked"
    (note,) = texts_of_class(dist / "pulaski.html", "editorial-note")
    # Then the reason the brief gives to doubt it (Pulaski's `review.list_doubt`), with its notes.
    doubt = "There is also a reason to doubt it:" if lang == "en" else "Además, hay un motivo para dudarlo:"
    assert note.startswith(f"{_flat(_spanish(EDITOR)) if lang == 'es' else EDITOR} {caveat} {doubt}"), note


EDITOR = "Editor's note:"
