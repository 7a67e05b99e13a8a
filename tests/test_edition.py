"""An edition says what it is, everywhere: one date (a build of some languages never keeps others
whose PDFs carry another creation date, since the manifest states one `"created"` for every PDF),
and a draft's site pages say Draft in their metadata as its PDFs' titles do."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from pathlib import Path

import pytest

from report import publish
from report.commands.build import _refuse_dated
from report.errors import UsageError
from report.publish import Output

from .conftest import REPO, make_project, replace

PAGES = {
    "index.html": b"<title>i</title>",
    "en/index.html": b"<title>e</title>",
    "en/first-ten-en.pdf": b"%PDF-1.7 e",
    "es/index.html": b"<title>s</title>",
    "es/first-ten-es.pdf": b"%PDF-1.7 s",
}
CREATED = "2026-11-24T00:00:00Z"  # report.yaml's edition date, no SOURCE_DATE_EPOCH


def edition(root: Path, languages: tuple[str, ...] = ("en", "es")) -> None:
    """Publish an edition of `languages` whose PDFs were created at `CREATED`."""
    outputs = [Output(p, d, "page", p.split("/")[0] if "/" in p else None) for p, d in PAGES.items()]
    publish.publish(root, [o for o in outputs if o.lang is None or o.lang in languages], created=CREATED)


def test_a_language_built_alone_with_another_date_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edition(tmp_path)
    assert publish.read_created(tmp_path / "dist") == CREATED
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796168096")
    with pytest.raises(UsageError) as refused:
        _refuse_dated(tmp_path, ("en",), "2026-12-01T23:34:56Z")
    assert str(refused.value) == (
        "dist/ holds an edition created 2026-11-24T00:00:00Z: en alone, created 2026-12-01T23:34:56Z"
        " (SOURCE_DATE_EPOCH), would leave es created 2026-11-24T00:00:00Z; build every language (leave out --lang)"
    )
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    with pytest.raises(UsageError, match=r"created 2026-11-25T00:00:00Z \(report.yaml's edition date\)"):
        _refuse_dated(tmp_path, ("es",), "2026-11-25T00:00:00Z")


def test_a_language_built_alone_with_the_same_date_or_every_language_is_not_refused(tmp_path: Path) -> None:
    edition(tmp_path)
    _refuse_dated(tmp_path, ("en",), CREATED)  # the same date: es stays as it was, and so does "created"
    _refuse_dated(tmp_path, (), "2026-12-01T23:34:56Z")  # every language: nothing is kept
    _refuse_dated(tmp_path, ("en", "es"), "2026-12-01T23:34:56Z")


def test_a_language_built_alone_where_no_other_was_built_is_not_refused(tmp_path: Path) -> None:
    _refuse_dated(tmp_path, ("en",), CREATED)  # no dist/ yet
    edition(tmp_path, ("en",))
    _refuse_dated(tmp_path, ("en",), "2026-12-01T23:34:56Z")  # nothing of another language to keep


def rendered(tmp_path: Path, draft: bool, review: str = "") -> dict[str, str]:
    """Return every site page of the `_i18n` fixture (English and Spanish, "Draft" translated), by path;
    `review` replaces the sample dossier's fact-checked, confirmed review status."""
    from report.commands.gather import GatherOptions, gather
    from report.render.html import Renderer, environment
    from report.render.site import home_pages, site_pages

    root = make_project(tmp_path / ("draft" if draft else "release"), "_i18n")
    if review:
        replace(root, "facilities/sample.yaml", CHECKED, review)
    shutil.copytree(REPO / "layouts", root / "layouts")
    with open(root / "i18n" / "es" / "LC_MESSAGES" / "messages.po", "a", encoding="utf-8") as po:
        po.write('\nmsgid "Draft"\nmsgstr "Borrador"\n')
    gathered = gather(root, GatherOptions(dt.date(2025, 1, 1), load_stylesheets=False))
    edition = gathered.edition
    assert edition is not None
    renderers = {
        lang: Renderer(edition, loc, environment(root, loc), draft=draft) for lang, loc in gathered.localizers.items()
    }
    pdfs = {
        (lang, key): (f"{lang}/{key or 'report'}-{lang}.pdf", None, None)
        for lang in renderers
        for key in [None, "sample"]
    }
    outputs = site_pages(root, edition, renderers, pdfs, gathered.coverage) + home_pages(edition, renderers, pdfs)
    return {o.path: o.data.decode() for o in outputs if o.path.endswith(".html") and o.kind == "page"}


def titles(page: str) -> list[str]:
    """Return a page's <title>, og:title and twitter:title (its <head>'s, not an SVG's <title>)."""
    head = page.split("</head>", 1)[0]
    found = re.findall(r"<title[^>]*>([^<]*)</title>", head)
    found += re.findall(r'<meta (?:property="og:title"|name="twitter:title") content="([^"]*)"', head)
    return [html.unescape(t) for t in found]


def statuses(page: str) -> list[object]:
    """Return the `creativeWorkStatus` of the JSON-LD's work, the report it is part of and its translations."""
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    works = [ld, *([ld["isPartOf"]] if "isPartOf" in ld else []), *ld.get("workTranslation", [])]
    return [work.get("creativeWorkStatus") for work in works]


def test_a_draft_page_says_draft_in_its_title_and_linked_data_as_its_pdfs_do(tmp_path: Path) -> None:
    pages = rendered(tmp_path, draft=True)
    assert {path: titles(page) for path, page in pages.items()} == {
        "index.html": ["Sample Report · Draft"] * 3,
        "en/index.html": ["Sample Report · Draft"] * 3,
        "es/index.html": ["Informe de muestra · Borrador"] * 3,
        "en/sample.html": ["Sample Detention Center · Sample Report · Draft"] * 3,
        "es/sample.html": ["Sample Detention Center · Informe de muestra · Borrador"] * 3,
    }
    assert {path: statuses(page) for path, page in pages.items()} == {
        "index.html": ["Draft", "Draft"],  # the report, and its Spanish translation
        "en/index.html": ["Draft"],
        "es/index.html": ["Draft"],
        "en/sample.html": ["Draft", "Draft"],  # the chapter, and the report it is part of
        "es/sample.html": ["Draft", "Draft"],
    }


def test_a_release_page_says_neither(tmp_path: Path) -> None:
    pages = rendered(tmp_path, draft=False)
    assert {path: titles(page) for path, page in pages.items()} == {
        "index.html": ["Sample Report"] * 3,
        "en/index.html": ["Sample Report"] * 3,
        "es/index.html": ["Informe de muestra"] * 3,
        "en/sample.html": ["Sample Detention Center · Sample Report"] * 3,
        "es/sample.html": ["Sample Detention Center · Informe de muestra"] * 3,
    }
    assert {path: statuses(page) for path, page in pages.items()} == {
        "index.html": [None, None],
        "en/index.html": [None],
        "es/index.html": [None],
        "en/sample.html": [None, None],
        "es/sample.html": [None, None],
    }


CHECKED = "  status: verified\n  list_membership: confirmed\n  reviewer: A. Editor\n  date: 2024-05-01\n"
UNLISTED = "  status: unverified\n  list_membership: unverified\n"
UNCHECKED = "  status: needs-review\n  list_membership: confirmed\n"
NOTE = {
    UNLISTED: "Editor's note: No source we have retrieved yet confirms that this facility was named on the 2021 First"
    " Ten list. We are checking it against the original report. The facts in this chapter are still being checked"
    " against their sources.",
    UNCHECKED: "Editor's note: The facts in this chapter are still being checked against their sources.",
}
SUMMARY = {"en": "The sample facility was cited for poor medical care and closed a year later."}


def descriptions(page: str) -> list[tuple[str, str | None]]:
    """Return a page's meta description, og:description and twitter:description, each with its `lang`
    if it has one, and its JSON-LD's description (its "@language" if it is a value object)."""
    head = page.split("</head>", 1)[0]
    found: list[tuple[str, str | None]] = [
        (html.unescape(content), lang or None)
        for content, lang in re.findall(
            r'<meta (?:name="description"|property="og:description"|name="twitter:description")'
            r' content="([^"]*)"(?: lang="([^"]*)")?>',
            head,
        )
    ]
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', head, re.S).group(1))
    value = ld["description"]
    found.append((value["@value"], value["@language"]) if isinstance(value, dict) else (value, None))
    return found


@pytest.mark.parametrize("review", [UNLISTED, UNCHECKED], ids=["unlisted", "unchecked"])
def test_a_facility_page_under_review_says_so_in_its_title_and_description(tmp_path: Path, review: str) -> None:
    """A link preview or a search engine reads a page's head alone: a chapter under review carries the
    review mark after its name in its titles, as search results print it, and its descriptions start
    with its editor's note, in words (the fixture's Spanish catalog lacks them: English, marked so)."""
    pages = rendered(tmp_path, draft=True, review=review)
    assert titles(pages["en/sample.html"]) == ["Sample Detention Center [under review] · Sample Report · Draft"] * 3
    assert (
        titles(pages["es/sample.html"])
        == ["Sample Detention Center [under review] · Informe de muestra · Borrador"] * 3
    )
    assert descriptions(pages["en/sample.html"]) == [(f"{NOTE[review]} {SUMMARY['en']}", None)] * 4
    spanish = descriptions(pages["es/sample.html"])
    summary = spanish[0][0].removeprefix(NOTE[review] + " ")
    assert summary != spanish[0][0] and summary and not summary.startswith("Editor")
    # It says it is English where most of its words are the English note's (the long one), and is the
    # page's language, saying nothing, where most are the Spanish summary's.
    assert spanish == [(f"{NOTE[review]} {summary}", {UNLISTED: "en", UNCHECKED: None}[review])] * 4


def test_a_checked_facility_page_describes_it_by_its_summary_alone(tmp_path: Path) -> None:
    pages = rendered(tmp_path, draft=True)
    assert descriptions(pages["en/sample.html"]) == [(SUMMARY["en"], None)] * 4


def test_a_released_page_of_a_checked_but_unconfirmed_facility_keeps_its_note_in_its_head(tmp_path: Path) -> None:
    """A release admits a fact-checked dossier whose place on the 2021 list is unconfirmed, with its
    editor's note: its titles and descriptions say so as a draft's do, only the list's sentence."""
    listed = "  status: verified\n  list_membership: unverified\n  reviewer: A. Editor\n  date: 2024-05-01\n"
    pages = rendered(tmp_path, draft=False, review=listed)
    assert titles(pages["en/sample.html"]) == ["Sample Detention Center [under review] · Sample Report"] * 3
    note = NOTE[UNLISTED].removesuffix(" The facts in this chapter are still being checked against their sources.")
    assert descriptions(pages["en/sample.html"]) == [(f"{note} {SUMMARY['en']}", None)] * 4
