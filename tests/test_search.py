"""Site search: one Pagefind bundle per language (report/render/search.py), cached by its pages.

These run the real indexer (the `pagefind[bin]` wheel) over tiny pages and read its bundle
back: the entry file names the languages, and each fragment (gzipped JSON) holds the text
Pagefind indexed for a page. tests/test_browser.py searches the shipped site in Chromium.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from report.commands import build as build_command
from report.publish import Output
from report.render import search

pytestmark = pytest.mark.slow  # the indexer is a subprocess

PAGE = (
    '<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head><body>'
    '<header>Headerword</header><main><nav class="breadcrumbs">Breadcrumbword</nav><h1>{title}</h1>'
    '<p>{text}<sup class="noteref"><a href="#note-1">1</a></sup></p>'
    '<p class="download"><a class="button" href="x.pdf">Downloadword</a></p>'
    '<ol><li id="note-1">Human Rights Watch <a class="backref" href="#ref-1">Backlinkword</a></li></ol>'
    "</main><footer>Footerword</footer></body></html>"
)


def _page(lang: str, name: str, title: str, text: str) -> Output:
    return Output(f"{lang}/{name}.html", PAGE.format(lang=lang, title=title, text=text).encode(), "page", lang)


PAGES = [
    _page("en", "adelanto", "Adelanto ICE Processing Center", "A detention center in California."),
    _page("es", "adelanto", "Adelanto ICE Processing Center", "Un centro de detención en California."),
    _page("es", "index", "Los Primeros Diez", "Diez centros de detención."),
]


@pytest.fixture(scope="module")
def indexer() -> Path:
    found = search.executable()
    assert found is not None, "pagefind[bin] is a dependency: `make build` installs it"
    return found


def _fragments(outputs: tuple[Output, ...]) -> dict[str, str]:
    """Return what Pagefind indexed, by page URL."""
    found = {}
    for output in outputs:
        if "/fragment/" in output.path:
            data = json.loads(gzip.decompress(output.data).removeprefix(b"pagefind_dcd"))
            found[data["url"]] = data["content"]
    return found


def test_each_language_gets_its_own_bundle_of_its_own_pages(indexer: Path, tmp_path: Path) -> None:
    for lang, pages in (("en", {"/adelanto.html"}), ("es", {"/adelanto.html", "/index.html"})):
        indexed = search.search_bundle(lang, PAGES, indexer, tmp_path)
        assert indexed.problem is None
        paths = {o.path for o in indexed.outputs}
        assert {f"{lang}/pagefind/pagefind.js", f"{lang}/pagefind/pagefind-entry.json"} <= paths
        assert all(o.kind == "search-index" and o.lang == lang for o in indexed.outputs)
        assert not [p for p in paths if p.removeprefix(f"{lang}/pagefind/").startswith(search.UNUSED)]
        entry = json.loads(next(o.data for o in indexed.outputs if o.path.endswith("pagefind-entry.json")))
        assert set(entry["languages"]) == {lang}
        assert set(_fragments(indexed.outputs)) == pages


def test_the_main_content_is_indexed_without_the_ways_out(indexer: Path) -> None:
    content = _fragments(search.search_bundle("en", PAGES, indexer, None).outputs)["/adelanto.html"]
    assert "A detention center in California." in content and "Human Rights Watch" in content
    for left_out in ("Headerword", "Footerword", "Breadcrumbword", "Downloadword", "Backlinkword"):
        assert left_out not in content, content


def test_the_same_pages_give_the_same_bundle_without_running_the_indexer_again(
    indexer: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = search.search_bundle("es", PAGES, indexer, tmp_path)
    english = search.search_bundle("en", PAGES, indexer, tmp_path)
    fresh = search.search_bundle("es", PAGES, indexer, None)
    assert fresh.outputs == first.outputs  # deterministic

    def no_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the indexer ran for pages it had indexed")

    monkeypatch.setattr(subprocess, "run", no_run)
    assert search.search_bundle("es", PAGES, indexer, tmp_path).outputs == first.outputs
    edited = [*PAGES[:2], _page("es", "index", "Los Primeros Diez", "Nueve centros.")]
    with pytest.raises(AssertionError, match="the indexer ran"):
        search.search_bundle("es", edited, indexer, tmp_path)
    assert search.search_bundle("en", edited, indexer, tmp_path).outputs == english.outputs  # no English page changed


def test_a_failing_indexer_is_an_error_and_a_missing_one_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: no HTML' >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setattr(search, "executable", lambda: broken)
    bundles, findings = build_command._search_bundle("en", PAGES, broken, tmp_path / "cache")
    assert bundles == []
    assert [str(f) for f in findings] == [
        "pyproject.toml: error: en: the Pagefind indexer failed: Error: no HTML [site.search]"
    ]
    assert not list((tmp_path / "cache").rglob("*.bin")), "a failed run was cached"

    monkeypatch.setattr(search, "executable", lambda: None)
    indexer, findings = build_command._indexer()
    assert indexer is None
    assert [str(f) for f in findings] == [
        "pyproject.toml: warning: the Pagefind indexer is missing (run `make build` to install pagefind[bin]):"
        " the site has no search [site.search]"
    ]


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BLOCKS = {
    *("address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "figcaption"),
    *("figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav"),
    *("ol", "p", "section", "summary", "table", "td", "th", "tr", "ul"),
}
"""Elements a browser lays out apart from the text around them: a word never runs across one."""
UNSEEN = {"script", "style", "svg", "template"}  # the locator map's SVG is described for screen readers, not read


class _ShownText(HTMLParser):
    """The text of a page's `<main>` as a reader sees it, less what search.EXCLUDE_SELECTORS leaves out."""

    def __init__(self, excluded: set[str]) -> None:
        super().__init__()
        self.excluded = excluded
        self.text: list[str] = []
        self._open: list[bool] = []  # for each open element inside <main>: is its text left out?

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self._open = [False]
        elif self._open:
            if tag in BLOCKS:
                self.text.append("\n")
            if tag not in VOID:
                classes = set((dict(attrs).get("class") or "").split())
                self._open.append(
                    self._open[-1] or tag in UNSEEN or "hidden" in dict(attrs) or bool(classes & self.excluded)
                )

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag not in VOID:
            self._open.pop()
            if tag in BLOCKS:
                self.text.append("\n")

    def handle_data(self, data: str) -> None:
        if self._open and not self._open[-1]:
            self.text.append(data)


def _words(text: str) -> set[str]:
    return {word.lower() for word in re.findall(r"\w+", text)}


def test_every_word_indexed_is_a_word_the_page_shows_and_back(shipped: Path) -> None:
    """Pagefind joins the text of two elements with no space between them ("Also known asICDC"): the
    word the page shows is then not in the index, and a result's excerpt shows a word the page does
    not have. Every page's indexed words are the words its `<main>` shows, outside what is excluded."""
    assert all(re.fullmatch(r"\.[\w-]+", selector) for selector in search.EXCLUDE_SELECTORS)  # classes: read below
    excluded = {selector.removeprefix(".") for selector in search.EXCLUDE_SELECTORS}
    dist = shipped / "dist"
    pages, wrong = [], {}
    for fragment in sorted(dist.glob("*/pagefind/fragment/*.pf_fragment")):
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        page = f"{fragment.relative_to(dist).parts[0]}{data['url']}"
        shown = _ShownText(excluded)
        shown.feed((dist / page).read_text(encoding="utf-8"))
        indexed, seen = _words(data["content"]), _words("".join(shown.text))
        pages.append(page)
        if indexed != seen:
            wrong[page] = {"indexed, not shown": sorted(indexed - seen), "shown, not indexed": sorted(seen - indexed)}
    assert len(pages) == len(set(pages)) >= 22, pages  # every facility page and front page, in both languages
    assert wrong == {}


REVIEW_MARK = {"en": "[under review]", "es": "[en revisión]"}
LIST_LABEL = {
    "en": "not yet confirmed as named on the 2021 First Ten list",
    "es": "aún no se ha confirmado que figurara en la lista de los Primeros Diez de 2021",
}


def test_a_facility_under_review_keeps_its_marks_in_the_search_results(shipped: Path) -> None:
    """A search result shows a page's title and an excerpt, which need not reach the editor's note:
    a facility not yet fact-checked, or not confirmed on the 2021 list, carries what its card and
    chapter say in its Pagefind metadata, which layouts/js/search.js prints beside the title."""
    dist = shipped / "dist"
    dossiers = {p.stem: p.read_text(encoding="utf-8") for p in (shipped / "facilities").glob("*.yaml")}
    seen = set()
    for fragment in sorted(dist.glob("*/pagefind/fragment/*.pf_fragment")):
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        lang, name = fragment.relative_to(dist).parts[0], data["url"].strip("/").removesuffix(".html")
        meta = {key: value for key, value in data["meta"].items() if key in ("review", "list")}
        if name == "index":
            assert meta == {}, (lang, meta)
            continue
        dossier = dossiers[name]
        unlisted = "list_membership: unverified" in dossier
        unchecked = re.search(r"^review:\n  status: verified$", dossier, re.M) is None
        expected = {"review": REVIEW_MARK[lang]} if unlisted or unchecked else {}
        if unlisted:
            expected["list"] = LIST_LABEL[lang]
        assert meta == expected, (lang, name)
        seen.add((lang, name, unlisted))
    assert {(lang, "alamance", True) for lang in REVIEW_MARK} <= seen  # an unlisted one, in both languages
    assert {(lang, "adelanto", False) for lang in REVIEW_MARK} <= seen  # a listed one, not fact-checked
