"""What search engines and link previews read: Open Graph and Twitter cards, canonical and
alternate-language links, schema.org JSON-LD (see report.render.site.head and partials/head.html).

The site pages are rendered from a gathered fixture project with made-up PDF sizes, and parsed:
no layout, so these run in a fraction of a second.
"""

from __future__ import annotations

import dataclasses
import itertools
import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from report.commands.gather import GatherOptions, gather
from report.render.html import Renderer, environment
from report.render.site import first_sentence, home_pages, site_pages

from .conftest import REPO, copy_project
from .conftest import make_project as make_fixture

BASE_URL = "https://example.org/first-ten/"


class Head(HTMLParser):
    """A page's <meta> and <link> tags, and the text of its JSON-LD scripts."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str | None]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and (key := found.get("property") or found.get("name")):
            self.meta.setdefault(key, []).append(found["content"] or "")
        elif tag == "link":
            self.links.append(found)
        elif tag == "script" and found == {"type": "module", "src": "../assets/js/search.js"}:
            pass  # the search box's script, from assets/: no inline code
        elif tag == "script":
            assert found == {"type": "application/ld+json"}
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data

    def one(self, key: str) -> str:
        assert len(self.meta.get(key, [])) == 1, (key, self.meta.get(key))
        return self.meta[key][0]

    def rel(self, rel: str) -> dict[str, str | None]:
        return {link.get("hreflang") or rel: link["href"] for link in self.links if link["rel"] == rel}

    def linked_data(self) -> dict:
        assert len(self.scripts) == 1
        return json.loads(self.scripts[0])


def make_project(tmp_path: Path, case: str | None = None) -> Path:
    """Return a fixture project with the shipped layouts."""
    root = make_fixture(tmp_path, case)
    shutil.copytree(REPO / "layouts", root / "layouts")
    return root


def pages(root: Path, hostile: str | None = None) -> dict[str, str]:
    """Return every site page of the project (rendered, not written), by its path under dist/;
    with `hostile`, as its publisher and facility name (which `check` would refuse)."""
    gathered = gather(root, GatherOptions(dt.date(2025, 1, 1)))
    assert gathered.ok, gathered.findings
    edition = gathered.edition
    assert edition is not None
    if hostile:
        settings = dataclasses.replace(edition.settings, publisher=hostile)
        facilities = tuple(dataclasses.replace(f, name=hostile) for f in edition.facilities)
        edition = dataclasses.replace(edition, settings=settings, facilities=facilities)
    renderers = {lang: Renderer(edition, loc, environment(root, loc)) for lang, loc in gathered.localizers.items()}
    info = {(lang, f): (f"{lang}/x.pdf", 1000, 1) for lang in renderers for f in (None, "sample")}
    outputs = site_pages(root, edition, renderers, info, gathered.coverage) + home_pages(edition, renderers, info)
    return {o.path: o.data.decode() for o in outputs if o.path.endswith(".html")}


def with_base_url(root: Path, value: str) -> Path:
    report = root / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8") + f"base_url: {value}\n", encoding="utf-8")
    return root


@pytest.fixture
def plain(tmp_path: Path) -> dict[str, Head]:
    return {path: Head(html) for path, html in pages(make_project(tmp_path, "_i18n")).items()}


@pytest.fixture
def based(tmp_path: Path) -> dict[str, Head]:
    root = with_base_url(make_project(tmp_path, "_i18n"), BASE_URL)
    return {path: Head(html) for path, html in pages(root).items()}


@pytest.mark.slow
def test_every_page_has_open_graph_twitter_and_json_ld(plain: dict[str, Head]) -> None:
    assert set(plain) == {
        "index.html",
        "en/index.html",
        "es/index.html",
        "en/sample.html",
        "es/sample.html",
        "es/translation-status.html",
    }
    for path, head in plain.items():
        for key in ("og:title", "og:description", "og:locale", "og:type", "og:site_name", "twitter:card"):
            assert head.one(key), (path, key)
        assert head.one("twitter:title") == head.one("og:title")
        data = head.linked_data()
        assert data["@context"] == "https://schema.org"
        assert data["datePublished"] == "2024-06-01"
    en, es = plain["en/sample.html"], plain["es/sample.html"]
    assert (en.one("og:locale"), en.meta["og:locale:alternate"]) == ("en_US", ["es_US"])
    assert (es.one("og:locale"), es.meta["og:locale:alternate"]) == ("es_US", ["en_US"])
    assert en.one("og:type") == "article" and plain["en/index.html"].one("og:type") == "website"
    # One sentence of the summary, without its citations, is the description everywhere.
    sentence = "The sample facility was cited for poor medical care and closed a year later."
    assert en.one("og:description") == en.one("description") == en.one("twitter:description") == sentence
    chapter = en.linked_data()
    assert chapter["@type"] == "Chapter" and chapter["inLanguage"] == "en" and chapter["description"] == sentence
    report = chapter["isPartOf"]
    assert report["@type"] == "Report" and report["name"] == "Sample Report"
    assert report["publisher"] == {"@type": "Organization", "name": "Test Publisher", "email": "campaign@example.org"}
    assert es.linked_data()["inLanguage"] == "es" and es.linked_data()["isPartOf"]["name"] != "Sample Report"
    home = plain["index.html"].linked_data()
    assert (home["inLanguage"], [t["inLanguage"] for t in home["workTranslation"]]) == ("en", ["es"])


@pytest.mark.slow
def test_without_a_base_url_no_canonical_alternate_or_image_is_written(plain: dict[str, Head]) -> None:
    for path, head in plain.items():
        assert [link["rel"] for link in head.links] == ["stylesheet", "icon"], path
        assert not {"og:url", "og:image", "twitter:image"} & set(head.meta), path
        assert head.one("twitter:card") == "summary"
        assert "url" not in head.linked_data() and "image" not in head.linked_data()


@pytest.mark.slow
def test_with_a_base_url_canonical_and_alternates_are_absolute(based: dict[str, Head]) -> None:
    index = {"en": f"{BASE_URL}en/index.html", "es": f"{BASE_URL}es/index.html", "x-default": f"{BASE_URL}index.html"}
    assert based["en/index.html"].rel("alternate") == based["es/index.html"].rel("alternate") == index
    assert based["index.html"].rel("alternate") == index
    sample = {"en": f"{BASE_URL}en/sample.html", "es": f"{BASE_URL}es/sample.html"}
    not_found = based.pop("404.html")  # shown at any wrong address: it claims none, and asks not to be indexed
    assert not_found.links == [
        {"rel": "stylesheet", "href": "/first-ten/assets/css/site.css"},
        {"rel": "icon", "href": "/first-ten/assets/icons/favicon.svg", "type": "image/svg+xml"},
    ]
    assert not_found.meta == {"viewport": ["width=device-width, initial-scale=1"], "robots": ["noindex"]}
    assert not_found.scripts == []
    for path, head in based.items():
        assert head.rel("canonical") == {"canonical": BASE_URL + path}
        assert head.one("og:url") == BASE_URL + path
        assert head.linked_data()["url"] == BASE_URL + path
        if path.endswith("sample.html"):
            assert head.rel("alternate") == sample
    assert based["es/translation-status.html"].rel("alternate") == {}  # in English only: no other version
    es = based["es/sample.html"]
    assert es.one("og:image") == es.one("twitter:image") == f"{BASE_URL}es/share/sample.png"
    assert (es.one("og:image:width"), es.one("og:image:height")) == ("1200", "630")
    assert es.one("twitter:card") == "summary_large_image"
    # The card's draft band and hashtags are in its alt text too (the fixture's catalog has no band).
    alt = es.one("og:image:alt")
    assert alt.startswith("Draft. Not the released edition: facts and translations may still change. Sample Detention")
    assert alt.endswith(". #Sample")
    assert es.linked_data()["image"] == f"{BASE_URL}es/share/sample.png"
    assert "og:image" not in based["es/index.html"].meta


@pytest.mark.slow
def test_json_ld_cannot_end_its_script(tmp_path: Path) -> None:
    # `check` refuses code in text (text.markup); the layout must hold even so.
    hostile = "Sample </script><script>alert(1)</script> & 'co' <!-- </SCRIPT "
    for path, html in pages(make_project(tmp_path, "_i18n"), hostile).items():
        head = Head(html)  # asserts every <script> is JSON-LD: none was added
        assert head.linked_data()["publisher"]["name"] == hostile, path
        if path.endswith("sample.html"):
            assert head.linked_data()["name"] == hostile
            assert head.one("og:image:alt" if "og:image:alt" in head.meta else "og:title").startswith(hostile)
        search = html.count('<script type="module" src="../assets/js/search.js"></script>')
        assert html.lower().count("<script") == 1 + search and html.lower().count("</script") == 1 + search, path


@pytest.mark.slow
def test_a_malformed_base_url_is_refused_with_the_hint(tmp_path: Path) -> None:
    from .conftest import run_cli

    for bad in (
        "example.org/first-ten/",
        "https://example.org/first-ten",
        "ftp://example.org/",
        "https://x/a b/",
        "https://example.org//",  # an empty segment: every page's address would hold "//"
        "https://example.org/a//b/",
    ):
        root = with_base_url(make_project(tmp_path / bad.replace("/", "_").replace(" ", "_")), f'"{bad}"')
        code, out, _ = run_cli("--root", str(root), "check", "-q")
        assert code == 1 and "[report.base-url]" in out and "base_url:" in out, (bad, out)
    # A dot segment: every page's canonical link and citation would hold it. `%2E` is a dot to a browser.
    for bad in (
        "https://example.org/ft/../",
        "https://example.org/ft/./",
        "https://example.org/./ft/",
        "https://example.org/ft/%2E%2e/",
    ):
        root = with_base_url(make_project(tmp_path / bad.replace("/", "_").replace("%", "_")), f'"{bad}"')
        line = len((root / "report.yaml").read_text(encoding="utf-8").splitlines())
        code, out, _ = run_cli("--root", str(root), "check", "-q")
        assert (code, out.splitlines()[0]) == (
            1,
            f"report.yaml:{line}:11: error: base_url: '{bad}' is not valid; write the absolute address the site is"
            " published at, ending in '/', like https://example.org/first-ten/ [report.base-url]",
        )


def test_first_sentence() -> None:
    assert first_sentence("One [@a] two. Three.") == "One two."
    assert first_sentence("U.S. Marshals held people there. Then ICE.") == "U.S. Marshals held people there."
    assert first_sentence("¿Por qué? Porque sí.") == "¿Por qué?"
    assert first_sentence("No end") == "No end"


# -- share images: the shipped build ---------------------------------------------------------------


def test_each_facility_has_a_share_image_per_language(shipped: Path) -> None:
    from PIL import Image

    dist = shipped / "dist"
    manifest = {e["path"]: e for e in json.loads((dist / "manifest.json").read_text())["outputs"]}
    facilities = sorted(p.stem for p in (dist / "en").glob("*.html") if p.stem not in ("index",))
    assert len(facilities) == 10
    images = {path: entry for path, entry in manifest.items() if entry["kind"] == "share-image"}
    assert set(images) == {f"{lang}/share/{f}.png" for lang in ("en", "es") for f in facilities}
    for path, entry in images.items():
        with Image.open(dist / path) as image:
            assert (image.format, image.size) == ("PNG", (1200, 630)), path
            # The card's teal ground and the accent bar at its foot (tokens.css), not a blank page;
            # this draft's Draft band along its top edge (tokens.css, --draft).
            assert image.convert("RGB").getpixel((5, 60)) == (0x0F, 0x4C, 0x5C), path
            assert image.convert("RGB").getpixel((600, 625)) == (0xC4, 0x47, 0x0F), path
            assert image.convert("RGB").getpixel((5, 5)) == (0xF2, 0xC1, 0x4E), path
        assert entry["language"] == path.split("/")[0] and entry["pages"] == 1
    # The status words are translated: each language draws its own card.
    for facility in facilities:
        assert images[f"en/share/{facility}.png"]["sha256"] != images[f"es/share/{facility}.png"]["sha256"]


def test_the_share_card_says_the_place_in_its_language(tmp_path: Path) -> None:
    from .conftest import copy_project

    root = copy_project(tmp_path / "p", ["pulaski"])
    gathered = gather(root, GatherOptions(dt.date(2026, 11, 24)))
    assert gathered.edition is not None
    facility = gathered.edition.facilities[0]
    renderers = {
        lang: Renderer(gathered.edition, loc, environment(root, loc)) for lang, loc in gathered.localizers.items()
    }
    cards = {lang: renderer.share_card(facility).html for lang, renderer in renderers.items()}
    assert '<p class="place" id="place">Ullin, Pulaski County, Illinois</p>' in cards["en"]
    assert '<p class="place" id="place">Ullin, condado de Pulaski, Illinois</p>' in cards["es"]
    # Its alt text (og:image:alt, with a base_url) says what it shows, in the same words: the draft
    # band, the list mark and its note (no source confirms Pulaski was on the 2021 list), the hashtags.
    assert facility.review.list_membership != "confirmed"
    assert {lang: renderer.share_alt(facility) for lang, renderer in renderers.items()} == {
        "en": "Draft. Not the released edition: facts and translations may still change."
        " Pulaski County Detention Center*: Ullin, Pulaski County, Illinois. ICE detention has ended."
        " First Ten to Communities Not Cages. * Not yet confirmed as named on the 2021 First Ten list: we are"
        " checking it against the original report. #FirstTen #CommunitiesNotCages",
        "es": "Borrador. No es la edición definitiva: los datos y las traducciones todavía pueden cambiar."
        " Pulaski County Detention Center*: Ullin, condado de Pulaski, Illinois. ICE ya no detiene a personas aquí."
        " Los Primeros Diez de Comunidades Sí, Jaulas No. * Aún no se ha confirmado que figurara en la lista de"
        " los Primeros Diez de 2021: lo estamos cotejando con el informe original. #FirstTen #CommunitiesNotCages",
    }


def test_a_share_card_that_does_not_fit_its_page_is_an_error_at_the_name(tmp_path: Path, fixed_today: None) -> None:
    from .conftest import build

    root = make_project(tmp_path)
    dossier = root / "facilities" / "sample.yaml"
    # Every name the schema allows fits the card (the test below), so a designer makes it overflow:
    # the name's type set larger than the card was drawn for, and a name in half-line words.
    share_css = root / "layouts" / "css" / "share.css"
    share_css.write_text(share_css.read_text() + "\n.card .name.longer { font-size: 96px; }\n")
    long_name = " ".join(["WWWWWWWW"] * 6)
    dossier.write_text(dossier.read_text().replace("name: Sample Detention Center", f"name: {long_name}"))
    code, out, _ = build(root)
    assert code == 1, out
    assert [line for line in out.splitlines() if ": error: " in line] == [
        "facilities/sample.yaml:3:7: error: en/share/sample: the share image takes 2 pages; it must fit one:"
        " shorten the name, or the place or hashtags printed under it [share.size]"
    ]
    assert not (root / "dist").exists()
    # The same card with the shipped name fits, and comes out 1200 x 630.
    dossier.write_text(dossier.read_text().replace(long_name, "Sample Detention Center"))
    code, out, _ = build(root)
    assert code == 0, out
    from PIL import Image

    with Image.open(root / "dist" / "en" / "share" / "sample.png") as image:
        assert image.size == (1200, 630)


def test_words_that_push_the_share_cards_foot_past_it_are_clipped_and_refused(tmp_path: Path) -> None:
    """A name within the schema's length, of the widest capitals in half-line words: the hashtags
    were printed over the card's bottom border, on one page, with no finding. The card clips what
    passes its foot, and the build's check of every laid-out chunk (`verify`) calls that an error."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from report.pdf.verify import overflows

    from .conftest import copy_project

    root = copy_project(tmp_path / "project", ["alamance"])
    gathered = gather(root, GatherOptions(dt.date(2025, 1, 1)))
    assert gathered.edition is not None
    (facility,) = gathered.edition.facilities
    renderer = Renderer(gathered.edition, gathered.localizers["en"], environment(root, gathered.localizers["en"]))
    card = renderer.share_card(dataclasses.replace(facility, name=" ".join(["W" * 12] * 5)))
    fonts = FontConfiguration()
    css = [weasyprint.CSS(filename=str(root / "layouts" / "css" / "share.css"), font_config=fonts)]
    html = weasyprint.HTML(string=card.html, base_url=str(root / "layouts" / "pdf" / "share.html"))
    document = html.render(stylesheets=css, font_config=fonts)
    assert len(document.pages) == 1
    assert [(p.level, p.region, p.message.split(" on page")[0]) for p in overflows(document)] == [
        ("error", "#tags-1", "text '#FirstTen' in #tags-1 is clipped by its box"),
        ("error", "#tags", "text '\\u200b' in #tags is clipped by its box"),
        ("error", "#tags-2", "text '#CommunitiesNotCages' in #tags-2 is clipped by its box"),
    ]


@pytest.mark.slow
def test_a_clipped_share_card_is_one_error_at_the_name(tmp_path: Path) -> None:
    """The card clips what its name pushes past its foot, usually the hashtags: that was a
    `pdf.overflow` error at each hashtag's item in report.yaml (and one at the dossier, for the
    space between them), blaming what did not grow. It is one `share.size` error per card, at the
    name, which grew, saying what was clipped and what to do; no card is published. The shipped name's
    card gives no finding."""
    from .conftest import build

    root = copy_project(tmp_path / "project", ["alamance"])
    dossier = root / "facilities" / "alamance.yaml"
    shipped_text = dossier.read_text(encoding="utf-8")
    assert shipped_text.splitlines()[2] == "name: Alamance County Detention Center"  # line 3, the value at column 7
    dossier.write_text(
        shipped_text.replace("name: Alamance County Detention Center", "name: " + " ".join(["W" * 12] * 5))
    )
    code, out, _ = build(root)
    assert code == 1, out
    advice = "which it clips: the name takes 5 lines of it: shorten it"
    assert [line for line in out.splitlines() if ": error: " in line or "[pdf.overflow]" in line] == [
        "facilities/alamance.yaml:3:7: error: en/share/alamance: the share image has no room for"
        f" '#FirstTen #CommunitiesNotCages', {advice} [share.size]",
        "facilities/alamance.yaml:3:7: error: es/share/alamance: the share image has no room for"
        f" '* Aún no se ha confirmado que figurara en la lista de los P…', {advice} [share.size]",
    ], out
    assert not (root / "dist").exists()
    dossier.write_text(shipped_text)
    code, out, _ = build(root)
    assert code == 0, out
    assert "[share.size]" not in out and "[pdf.overflow]" not in out, out
    assert {p.name for p in (root / "dist" / "en" / "share").iterdir()} == {"alamance.png"}
    assert {p.name for p in (root / "dist" / "es" / "share").iterdir()} == {"alamance.png"}


def test_a_hashtag_too_wide_for_the_pdf_is_an_error_at_its_line_and_the_share_image_wraps_it(
    tmp_path: Path, fixed_today: None
) -> None:
    """Within the schema's length, a hashtag of the widest capital runs off the PDF's cover, its
    'how to support' page and its back cover, which print each hashtag whole: `pdf.overflow` at
    that hashtag's own item of the `hashtags:` list, not at the list, the file or the dossiers.
    The share image breaks it over lines instead: no finding, and the card still fits its one page."""
    from report.content import schema

    from .conftest import build

    root = make_project(tmp_path)
    tag = "#" + "W" * 44
    assert len(tag) <= schema.keyword("report", ("hashtags", 0), "maxLength")
    settings = root / "report.yaml"
    settings.write_text(settings.read_text().replace('["#Sample"]', f'["#Sample", "{tag}"]'))
    code, out, _ = build(root)
    assert code == 1
    text = f"text '{tag[:39]}…'"
    assert settings.read_text().splitlines()[9].index(f'"{tag}"') == 22  # the second item: column 23
    assert [line for line in out.splitlines() if line.endswith("[pdf.overflow]")] == [
        f"report.yaml:10:23: error: en/back: {text} in #back-cover-tags-2 runs off the page on page 4"
        " (5.7 mm past the right edge) [pdf.overflow]",
        f"report.yaml:10:23: error: en/back: {text} in #support-tags-2 runs off the page on page 1"
        " (3.7 mm past the right edge) [pdf.overflow]",
        f"report.yaml:10:23: warning: en/front: {text} in #cover-tags-2 overruns its box on page 1"
        " (12.4 mm past the right edge) [pdf.overflow]",
    ], out
    assert "2 errors, 1 warning" in out
    # The share card, laid out here: the hashtag broken over lines, nothing cut off, one page.
    import weasyprint

    from report.pdf.verify import overflows

    gathered = gather(root, GatherOptions(dt.date(2025, 1, 1)))
    assert gathered.edition is not None and gathered.edition.settings.hashtags[-1] == tag
    localizer = gathered.localizers["en"]
    renderer = Renderer(gathered.edition, localizer, environment(root, localizer))
    card = renderer.share_card(gathered.edition.facilities[0])
    html = weasyprint.HTML(string=card.html, base_url=str(REPO / "layouts" / "pdf" / "share.html"))
    document = html.render(stylesheets=[weasyprint.CSS(filename=str(REPO / "layouts" / "css" / "share.css"))])
    assert (len(document.pages), overflows(document)) == (1, [])
    lines = {box.position_y for box in _text_boxes(document) if "WW" in box.text}
    assert len(lines) == 2, lines


@pytest.mark.slow
def test_each_printed_hashtag_is_a_region_at_its_own_item_of_the_list(tmp_path: Path) -> None:
    """Each hashtag the cover, the 'how to support' page, the back cover and the share card print
    has its own id, and a finding about that region (`pdf.overflow`) points at the hashtag's item
    in report.yaml, not at the `hashtags:` list."""
    import re

    from report.commands.build import _places
    from report.findings import Loc

    root = make_project(tmp_path)
    settings_file = root / "report.yaml"
    text = settings_file.read_text(encoding="utf-8")
    settings_file.write_text(text.replace('hashtags: ["#Sample"]', 'hashtags:\n  - "#Sample"\n  - "#Second"'))
    gathered = gather(root, GatherOptions(dt.date(2025, 1, 1)))
    assert gathered.ok and gathered.edition is not None, gathered.findings
    edition, facility = gathered.edition, gathered.edition.facilities[0]
    renderer = Renderer(edition, gathered.localizers["en"], environment(root, gathered.localizers["en"]))
    html = "".join(
        chunk.html for chunk in (renderer.front_chunk([]), renderer.back_chunk(), renderer.share_card(facility))
    )
    places = dict(_places(edition.settings, facility))
    items = {"#Sample": Loc("report.yaml", 11, 5), "#Second": Loc("report.yaml", 12, 5)}
    printed = re.findall(r'<span[^>]* id="([a-z-]+-[0-9]+)">(#[A-Za-z]+)</span>', html)
    assert sorted(printed) == sorted(
        (f"{region}-{n}", tag)
        for region in ("cover-tags", "support-tags", "back-cover-tags", "tags")
        for n, tag in enumerate(items, 1)
    )
    assert all(places[f"#{region}"] == items[tag] for region, tag in printed)


def test_a_hashtag_as_long_as_the_schema_allows_fits_the_pdf_and_the_share_image(tmp_path: Path) -> None:
    """The hashtag's `maxLength` is what a line holds of ordinary words (its `x-length-hint`): a
    hashtag of capitalized words as long as the schema allows, beside the shipped ones, runs off
    neither the cover, the back matter nor the share image, in either language."""
    import weasyprint

    from report.content import schema
    from report.pdf.verify import overflows

    from .conftest import copy_project

    root = copy_project(tmp_path / "project")
    limit = schema.keyword("report", ("hashtags", 0), "maxLength")
    tag = "#CommunitiesNotCagesShutDownEveryDetentionCenterNowFreeThemAll"[:limit]
    gathered = gather(root, GatherOptions(dt.date(2025, 1, 1)))
    assert gathered.edition is not None
    settings = dataclasses.replace(gathered.edition.settings, hashtags=(*gathered.edition.settings.hashtags, tag))
    edition = dataclasses.replace(gathered.edition, settings=settings)
    sheets = {
        name: [weasyprint.CSS(filename=str(root / "layouts" / "css" / f"{name}.css"))] for name in ("print", "share")
    }
    assert len(gathered.localizers) == 2
    for lang, localizer in gathered.localizers.items():
        renderer = Renderer(edition, localizer, environment(root, localizer))
        chunks = (("front", renderer.front_chunk([]), "print"), ("back", renderer.back_chunk(), "print"))
        for name, chunk, sheet in (*chunks, ("share", renderer.share_card(edition.facilities[0]), "share")):
            html = weasyprint.HTML(string=chunk.html, base_url=str(root / "layouts" / "pdf" / f"{name}.html"))
            document = html.render(stylesheets=sheets[sheet])
            assert overflows(document) == [], (lang, name)
            assert tag in "".join(box.text for box in _text_boxes(document)), (lang, name)


def _text_boxes(document: Any) -> list[Any]:
    """Return every text box of a laid-out document, in order."""
    from weasyprint.formatting_structure.boxes import TextBox

    found, stack = [], [page._page_box for page in document.pages]
    while stack:
        box = stack.pop()
        if isinstance(box, TextBox):
            found.append(box)
        stack.extend(reversed(getattr(box, "children", [])))
    return found


def test_a_name_run_together_wraps_wherever_it_is_printed(tmp_path: Path, fixed_today: None) -> None:
    """The chapter's heading and running head, the cover and contents, and the share image break a
    word wider than their line rather than let it run off the page (a pdf.overflow error)."""
    from PIL import Image

    from .conftest import build, pdf_pages

    root = make_project(tmp_path)
    dossier = root / "facilities" / "sample.yaml"
    name = "Examplecountyregionalimmigrationprocessingcenterandjailannex Jail"
    text = dossier.read_text().replace("name: Sample Detention Center", f"name: {name}")
    dossier.write_text(text.replace("    text: A man died", "    text: " + "A man died. " * 300 + "A man died"))
    code, out, _ = build(root)
    assert code == 0, out
    assert "pdf.overflow" not in out
    chapter = pdf_pages(root / "dist" / "en" / "sample-en.pdf")
    assert len(chapter) > 1  # so the name is in the running head too
    word = name.split()[0]
    for number, page in enumerate(chapter, 1):
        assert word in "".join(page.split()), number  # whole, over lines of its own
    report = [page.replace(" ", "").replace("\n", "") for page in pdf_pages(root / "dist" / "en" / "first-ten-en.pdf")]
    assert word in report[0] and word in report[1]  # the cover and the contents
    with Image.open(root / "dist" / "en" / "share" / "sample.png") as image:
        assert image.size == (1200, 630)


def _overlapping_text(document: Any) -> list[tuple[str, str]]:
    """Return the pairs of text runs a laid-out page prints over each other (the foot over the status)."""
    from weasyprint.formatting_structure.boxes import InlineBox, LineBox, TextBox

    from report.pdf.verify import _walk

    runs = [  # each run of text with its element (the lines of one paragraph may touch) and its extent
        (
            box.text,
            id(next(a for a in reversed(ancestors) if not isinstance(a, (LineBox, InlineBox)))),
            box.position_x,
            box.position_y,
            box.position_x + box.width,
            box.position_y + box.height,
        )
        for page in document.pages
        for box, ancestors in _walk(page._page_box)
        if isinstance(box, TextBox) and box.text.strip()
    ]
    return [
        (a[0], b[0])
        for i, a in enumerate(runs)
        for b in runs[i + 1 :]
        if a[1] != b[1] and min(a[4], b[4]) - max(a[2], b[2]) > 1 and min(a[5], b[5]) - max(a[3], b[3]) > 1
    ]


def test_a_name_as_long_as_the_schema_allows_fits_the_share_image(tmp_path: Path) -> None:
    """The name's `maxLength` is what the share image holds (its `x-length-hint`): a name of capitalized
    words with W and M in them, as long as the schema allows, or as each smaller size of the name
    allows, fits every shipped facility's card, in every language and status, with no text printed
    over other text (the foot used to be positioned over the status line). Laid out here, in this
    process (each card is one small page)."""
    import weasyprint

    from report.content import schema
    from report.pdf.verify import overflows

    from .conftest import copy_project

    root = copy_project(tmp_path / "project")
    limit = schema.keyword("dossier", ("name",), "maxLength")
    words = "CENTRAL LOUISIANA ICE PROCESSING CENTER MOSHANNON VALLEY WOMEN'S DETENTION FACILITY WARWICK " * 2
    # The longest name of each size (layouts/pdf/share.html): 68 px up to 40 characters, 54 px up to 64.
    names = [words[:length].strip() for length in (40, 64, limit)]
    gathered = gather(root, GatherOptions(dt.date(2025, 1, 1)))
    assert gathered.edition is not None
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()  # the report's own faces (@font-face), as the build lays the card out
    css = [weasyprint.CSS(filename=str(root / "layouts" / "css" / "share.css"), font_config=fonts)]
    states = schema.keyword("dossier", ("status", "state"), "enum")
    assert len(gathered.localizers) == 2 and len(states) == 3
    for lang, localizer in gathered.localizers.items():
        renderer = Renderer(gathered.edition, localizer, environment(root, localizer))
        for facility in gathered.edition.facilities:
            for state, name in itertools.product(states, names):
                status = dataclasses.replace(facility.status, state=state)
                card = renderer.share_card(dataclasses.replace(facility, name=name, status=status))
                html = weasyprint.HTML(string=card.html, base_url=str(root / "layouts" / "pdf" / "share.html"))
                document = html.render(stylesheets=css, font_config=fonts)
                assert (len(document.pages), overflows(document)) == (1, []), (lang, facility.id, state, name)
                assert _overlapping_text(document) == [], (lang, facility.id, state, name)


@pytest.mark.slow
def test_a_long_report_title_is_an_error_at_the_title_not_at_the_name(tmp_path: Path) -> None:
    """A report title of 575 characters (within the schema's 1,000) runs the running head off the
    page and pushes the share card's foot past it: each was blamed on the facility's `name:` (the
    running head's text 'FIRST TEN TO…', the card's 'shorten the name'). They are at report.yaml's
    `title:`, the running head's part that ran off named, the card's finding naming the title."""
    from .conftest import build

    root = copy_project(tmp_path / "project", ["pulaski"])
    report = root / "report.yaml"
    title = " ".join(["First Ten to Communities Not Cages"] * 17)[:575].strip()
    report.write_text(
        report.read_text(encoding="utf-8").replace("title: First Ten to Communities Not Cages\n", f"title: {title}\n")
    )
    code, out, _ = build(root)
    assert code == 1, out
    errors = [line for line in out.splitlines() if ": error: " in line]
    head = "text 'FIRST TEN TO COMMUNITIES NOT CAGES FIRS…' in the running head's report title runs off the page"
    assert [re.sub(r"on page .*\[", "[", line) for line in errors] == [
        f"report.yaml:2:8: error: {lang}/{chunk}: {head} [pdf.overflow]"
        for lang in ("en", "es")
        for chunk in ("back", "chapter/pulaski", "front")
    ] + [
        f"report.yaml:2:8: error: {lang}/share/pulaski: the share image has no room for '{place}', which it clips:"
        " the report's title takes 10 lines of it: shorten it [share.size]"
        for lang, place in (("en", "Ullin, Pulaski County, Illinois"), ("es", "Ullin, condado de Pulaski, Illinois"))
    ], out
