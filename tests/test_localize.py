"""Locale and data: numbers and dates in each language's locale, places, source titles, lists."""

from __future__ import annotations

import dataclasses
import functools
import datetime as dt
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from report.content import schema
from report.content.load import load_edition
from report.content.model import DateSpan, PartialDate
from report.content.places import locate_facilities
from report.i18n.catalogs import ParsedCatalog, parse_catalog, read_catalog
from report.i18n.extract import template_catalog
from report.findings import Loc
from report.i18n.coverage import Message
from report.i18n.localize import Localizer
from report.project import catalog_path
from report.content.geo import CENSUS_WORDS, STATES
from report.render.html import Maps, Renderer, environment
from report.render.site import _facility_pages, home_pages

from .conftest import REPO, copy_project, pdf_pages

SPANISH = catalog_path("es")
from .pdfcheck import struct_elements


def test_each_language_formats_in_the_locale_report_yaml_names() -> None:
    edition, _ = load_edition(REPO, use_cache=False)
    assert edition is not None
    assert [(lang.code, lang.locale) for lang in edition.settings.editions] == [("en", "en_US"), ("es", "es_US")]
    spanish = Localizer("es", "en", None, edition.settings.locale("es"))
    assert spanish.number(1940) == "1,940" and spanish.number(13.5) == "13.5"
    assert spanish.iso(dt.date(2026, 11, 24)) == "24 de noviembre de 2026"
    assert spanish.partial_date(PartialDate(2021, 2)) == "febrero de 2021"
    spain = Localizer("es", "en", None, "es_ES")  # what `es` alone gives: not for readers in the US
    assert spain.number(1940) == "1.940" and spain.number(13.5) == "13,5"


THIN = "\u2009"  # CLDR's ranges between spaced dates: 'October 2015 – February 2016'


@pytest.mark.parametrize(
    ("written", "english", "spanish_words"),
    [
        ("2015-10-20/2016", f"October 20, 2015{THIN}–{THIN}2016", f"20 de octubre de 2015{THIN}–{THIN}2016"),
        ("2015-10/2015", f"October 2015{THIN}–{THIN}2015", f"octubre de 2015{THIN}–{THIN}2015"),
        ("2015/2015-03", f"2015{THIN}–{THIN}March 2015", f"2015{THIN}–{THIN}marzo de 2015"),
        (
            "2015-10/2015-11-03",
            f"October 2015{THIN}–{THIN}November 3, 2015",
            f"octubre de 2015{THIN}–{THIN}3 de noviembre de 2015",
        ),
        ("2015/2015", "2015", "2015"),
        ("2015-10/2015-10", "October 2015", "octubre de 2015"),
        # ranges whose ends are as precise as each other, as Babel's intervals print them
        ("2010/2016", "2010–2016", "2010–2016"),
        ("2015-10/2015-11", f"October{THIN}–{THIN}November 2015", "octubre–noviembre de 2015"),
        (
            "2015-11-26/2015-12-09",
            f"Nov 26{THIN}–{THIN}Dec 9, 2015",
            f"26 de noviembre{THIN}–{THIN}9 de diciembre de 2015",
        ),
    ],
)
def test_a_date_range_prints_each_end_as_precisely_as_it_is_written(
    written: str, english: str, spanish_words: str
) -> None:
    start, _, end = written.partition("/")
    span = DateSpan(PartialDate.parse(start), PartialDate.parse(end))
    assert Localizer("en", "en", None, "en_US").span(span) == english
    assert Localizer("es", "en", None, "es_US").span(span) == spanish_words


# -- places: county, state and the city's area in each language ------------------------------------


def spanish() -> Localizer:
    """A new Spanish localizer (its `findings` are its own) over the shipped catalog, read once."""
    return Localizer("es", "en", _shipped_spanish(), "es_US")


@functools.cache
def _shipped_spanish() -> ParsedCatalog:
    catalog = read_catalog(REPO, catalog_path("es"), "es")
    assert catalog is not None
    return catalog


def place_module(loc: Localizer) -> Any:
    return environment(REPO, loc).get_template("partials/place.html").make_module()


def test_every_state_code_the_schema_allows_has_a_name_in_every_language() -> None:
    allowed = schema.subschema("dossier", ("location", "state"))["enum"]
    assert sorted(allowed) == sorted(STATES)  # the map places each of them
    english = place_module(Localizer("en", "en", None, "en_US")).state_names
    assert {code: str(name) for code, name in english.items()} == {code: name for code, (_, name) in STATES.items()}
    loc = spanish()
    names = place_module(loc).state_names
    assert sorted(names) == sorted(allowed)
    assert loc.findings == []  # no state fell back to English
    assert (names["LA"], names["NC"], names["NM"], names["GA"]) == (
        "Luisiana",
        "Carolina del Norte",
        "Nuevo México",
        "Georgia",
    )


@pytest.mark.parametrize(
    ("census_name", "english", "spanish_words"),
    [
        ("San Bernardino County", "San Bernardino County", "condado de San Bernardino"),
        ("Winn Parish", "Winn Parish", "parroquia de Winn"),
        ("Richmond city", "Richmond city", "ciudad independiente de Richmond"),
        ("Juneau City and Borough", "Juneau City and Borough", "ciudad y distrito de Juneau"),
        ("District of Columbia", "District of Columbia", "District of Columbia"),  # no Census word: a name
    ],
)
def test_a_county_is_said_by_its_census_word_in_each_language(
    census_name: str, english: str, spanish_words: str
) -> None:
    assert str(place_module(Localizer("en", "en", None, "en_US")).county(census_name)) == english
    loc = spanish()
    assert str(place_module(loc).county(census_name)) == spanish_words
    assert loc.findings == []
    assert set(CENSUS_WORDS) == {
        "County",
        "Parish",
        "Borough",
        "Census Area",
        "City and Borough",
        "Municipality",
        "city",
    }


def test_every_census_word_has_a_pattern() -> None:
    loc = spanish()
    module = place_module(loc)
    for word in CENSUS_WORDS:
        said = str(module.county(f"Test {word}"))
        assert said != f"Test {word}" and "Test" in said, word
    assert loc.findings == []


@pytest.mark.parametrize(
    ("census_name", "english", "spanish_words"),
    [
        ("San Bernardino County", "in San Bernardino County", "en el condado de San Bernardino"),
        ("LaSalle Parish", "in LaSalle Parish", "en la parroquia de LaSalle"),
        ("Bethel Census Area", "in Bethel Census Area", "en el área censal de Bethel"),
        ("Juneau City and Borough", "in Juneau City and Borough", "en la ciudad y distrito de Juneau"),
        ("Richmond city", "in Richmond city", "en la ciudad independiente de Richmond"),
        ("District of Columbia", "in District of Columbia", "en District of Columbia"),  # no Census word: a name
    ],
)
def test_in_a_county_is_said_with_the_article_its_census_word_takes(
    census_name: str, english: str, spanish_words: str
) -> None:
    """ "in %(county)s" made "en parroquia de LaSalle": the place line's words, which take no article."""
    assert str(place_module(Localizer("en", "en", None, "en_US")).in_county(census_name)) == english
    loc = spanish()
    module = place_module(loc)
    assert str(module.in_county(census_name)) == spanish_words
    assert all(str(module.in_county(f"Test {word}")).startswith("en ") for word in CENSUS_WORDS)
    assert loc.findings == []


def test_the_spanish_map_description_says_in_the_parish_or_county(tmp_path: Path) -> None:
    """The locator's description (the site's <desc>, the PDF's /Alt) said "…, en parroquia de LaSalle."
    in every chapter; the place line keeps its words without an article."""
    edition, _ = load_edition(REPO, use_cache=False)
    assert edition is not None
    places, _ = locate_facilities(REPO, edition.facilities)
    edition = dataclasses.replace(edition, places=places)
    drawn = Maps(edition)
    drawn.cache_dir = tmp_path  # not the checkout's .cache/
    loc = spanish()
    env = environment(REPO, loc)
    maps = env.get_template("partials/map.html").make_module({"maps": drawn})
    facilities = {f.id: f for f in edition.facilities}
    said = {
        "lasalle": ("Luisiana", "LaSalle ICE Processing Center, en la parroquia de LaSalle."),
        "adelanto": ("California", "Adelanto ICE Processing Center, en el condado de San Bernardino."),
    }
    for facility, (state, where) in said.items():
        text = f"Mapa de Estados Unidos con el estado de {state} sombreado y una marca donde está {where}"
        site = str(maps.locator(facilities[facility], "site"))
        assert re.search(r"<desc id=\"[^\"]+\">([^<]*)</desc>", site)[1] == text  # type: ignore[index]
        pdf = str(maps.locator(facilities[facility], "pdf"))
        assert re.search(r' alt="([^"]*)"', pdf)[1] == text  # type: ignore[index]
    place = env.get_template("partials/place.html").make_module()
    assert str(place.plain(facilities["lasalle"].location)) == "Jena, parroquia de LaSalle, Luisiana"
    assert str(place.plain(facilities["adelanto"].location)) == "Adelanto, condado de San Bernardino, California"
    assert loc.findings == []


def test_a_facility_near_its_city_is_placed_near_it_wherever_the_city_places_it(tmp_path: Path) -> None:
    """The brief places Winn "near Winnfield"; the dossier's `city: Winnfield` printed "Winnfield,
    Louisiana" on the cover and "Winnfield, Winn Parish, Louisiana" in the chapter. `near: true`
    prints "near Winnfield" in every place line; the street address and the map's marker (the
    parish's centre) are as before."""
    edition, _ = load_edition(REPO, use_cache=False)
    assert edition is not None
    winn = next(f for f in edition.facilities if f.id == "winn")
    assert (winn.location.city, winn.location.near, winn.location.address) == (
        "Winnfield",
        True,
        "180 CCA Boulevard, Winnfield, LA",
    )
    lasalle = next(f for f in edition.facilities if f.id == "lasalle")
    assert lasalle.location.near is False
    within = dataclasses.replace(winn.location, near=False)
    said = {
        "en": (
            "near Winnfield, Winn Parish, Louisiana",
            "near Winnfield, Louisiana",
            "Winnfield, Winn Parish, Louisiana",
        ),
        "es": (
            "cerca de Winnfield, parroquia de Winn, Luisiana",
            "cerca de Winnfield, Luisiana",
            "Winnfield, parroquia de Winn, Luisiana",
        ),
    }
    for lang, loc in {"en": Localizer("en", "en", None, "en_US"), "es": spanish()}.items():
        place = place_module(loc)
        line, short, without = said[lang]
        assert (str(place.line(winn.location, "")), str(place.plain(winn.location))) == (line, line)
        assert str(place.short(winn.location, "")) == short
        assert (str(place.line(within, "")), str(place.plain(within))) == (without, without)
        assert loc.findings == []
    # The chapter: its place line, and the facts box's address and place line; the marker is the parish's.
    places, _ = locate_facilities(REPO, edition.facilities)
    edition = dataclasses.replace(edition, places=places)
    assert places["winn"] == locate_facilities(REPO, [dataclasses.replace(winn, location=within)])[0]["winn"]
    number = [f.id for f in edition.facilities].index("winn") + 1
    loc = Localizer("en", "en", None, "en_US")
    renderer = Renderer(edition, loc, environment(REPO, loc))
    renderer.maps.cache_dir = tmp_path  # not the checkout's .cache/
    page = Texts()
    page.feed(renderer.chapter_chunk(winn, number).html)
    # A line of its own starts with a capital: "Near Winnfield" (Spanish "Cerca de Winnfield").
    assert page.by_class["place"][0].startswith("Near Winnfield, Winn Parish, Louisiana")
    assert page.rows["Location"] == ["180 CCA Boulevard, Winnfield, LANear Winnfield, Winn Parish, Louisiana"]
    assert renderer.place(winn) == "near Winnfield, Winn Parish, Louisiana"  # the share image's words


class Texts(HTMLParser):
    """The text of every element with a class, by class, and of each <dd> by its <dt>'s text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.by_class: dict[str, list[str]] = {}
        self.rows: dict[str, list[str]] = {}
        self.open: list[tuple[str, str | None]] = []
        self.buffers: list[list[str]] = []
        self.last_dt = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "meta", "link", "input"):
            return
        self.open.append((tag, dict(attrs).get("class")))
        self.buffers.append([])

    def handle_endtag(self, tag: str) -> None:
        if not self.open or tag in ("br", "img", "meta", "link", "input"):
            return
        (name, cls), words = self.open.pop(), self.buffers.pop()
        text = " ".join("".join(words).split())
        if self.buffers:
            self.buffers[-1].append("".join(words))
        for one in (cls or "").split():
            self.by_class.setdefault(one, []).append(text)
        if name == "dt":
            self.last_dt = text
        elif name == "dd":
            self.rows.setdefault(self.last_dt, []).append(text)

    def handle_data(self, data: str) -> None:
        if self.buffers:
            self.buffers[-1].append(data)


def texts(path: Path) -> Texts:
    parser = Texts()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def pdf_text(path: Path, join_hyphens: bool = False) -> str:
    """Return a PDF's text, white space made single; with `join_hyphens`, words split at a line end joined."""
    text = "\n".join(pdf_pages(path))
    if join_hyphens:
        text = re.sub(r"-\n", "", text)
    return re.sub(r"\s+", " ", text)


def without_noteref(text: str) -> str:
    """Return an element's text without the site's note number at its end."""
    return re.sub(r"\d+$", "", text)


SPANISH_PLACES = {
    "adelanto": "Adelanto, condado de San Bernardino, California",
    "alamance": "Graham, condado de Alamance, Carolina del Norte",
    "lasalle": "Jena, parroquia de LaSalle, Luisiana",
    "otay-mesa": "San Diego (zona de Otay Mesa), condado de San Diego, California",
    "winn": "Cerca de Winnfield, parroquia de Winn, Luisiana",  # near it (`near: true`), a line of its own
}


def test_spanish_place_lines_say_county_parish_and_state_in_spanish(shipped: Path) -> None:
    report = pdf_text(shipped / "dist" / "es" / "first-ten-es.pdf")
    for facility, line in SPANISH_PLACES.items():
        assert line in report, line
        page = texts(shipped / "dist" / "es" / f"{facility}.html")
        assert [without_noteref(t) for t in page.by_class["place"]] == [line]  # the chapter header
        assert page.rows["Ubicación"][0].endswith(line)  # after the street address, if any
    assert not re.search(r"\b(County|Parish), [A-Z]{2}\b", report)
    assert "Otay Mesa area" not in report
    home = texts(shipped / "dist" / "es" / "index.html")
    assert "San Diego (zona de Otay Mesa), California" in home.by_class["card-place"]
    assert "Gadsden, Alabama" in home.by_class["card-place"]
    english = texts(shipped / "dist" / "en" / "otay-mesa.html")
    assert [without_noteref(t) for t in english.by_class["place"]] == [
        "San Diego (Otay Mesa area), San Diego County, California"
    ]


# -- sources: editors' titles translated, original titles tagged, joint publishers listed ----------


DESCRIPTIVE = {
    "aclunc-2022-03-25-alamance",
    "advocate-2022-03-winn",
    "dwn-node-323-etowah-joint",
    "gadsdentimes-2010-12-14-etowah",
    "indyweek-alamance-ice-ended",
    "marketscreener-2024-geo-adelanto",
    "nijc-2021-pulaski-55-orgs",
}


@pytest.mark.slow
def test_extract_yields_the_editors_titles_and_no_title_a_source_gives_itself(tmp_path: Path) -> None:
    catalog = template_catalog(REPO, "test")
    titles = {m.context: m for m in catalog if m.context and m.context.startswith("sources:")}
    assert set(titles) == {f"sources:sources.{source_id}:title" for source_id in DESCRIPTIVE}
    marketscreener = titles["sources:sources.marketscreener-2024-geo-adelanto:title"]
    assert marketscreener.id == "GEO Group funding extension for Adelanto ICE Processing Center contract"
    assert marketscreener.auto_comments[0].startswith("Bibliography: source, title (the editors' description")
    assert [path for path, _ in marketscreener.locations] == ["facilities/sources.yaml"]
    from_sources = {m.context for m in catalog if any(path == "facilities/sources.yaml" for path, _ in m.locations)}
    assert from_sources == set(titles)  # no title a source gives itself, no publisher, no note


def test_joint_publishers_are_listed_as_each_language_lists_names() -> None:
    edition, _ = load_edition(REPO, use_cache=False)
    assert edition is not None
    joint = {s.id: s.publisher for s in edition.sources.values() if len(s.publisher) > 1}
    assert joint == {
        "dwn-etowah-anthology-2021": ("Detention Watch Network", "Shut Down Etowah Campaign"),
        "imprisoned-justice-2017": ("Penn State Law Center for Immigrants' Rights Clinic", "Project South"),
        "newsbreak-2021-05-20-irwin-release": (
            "Project South",
            "Georgia Detention Watch",
            "Georgia Latino Alliance for Human Rights",
            "South Georgia Immigrant Support Network",
            "Detention Watch Network",
        ),
    }
    joined = {name for s in edition.sources.values() for name in s.publisher if " and " in name}
    assert joined == {"U.S. Immigration and Customs Enforcement"}  # a name, not two publishers
    names = joint["newsbreak-2021-05-20-irwin-release"][-2:]
    assert Localizer("es", "en", None, "es_US").names(names) == (
        "South Georgia Immigrant Support Network y Detention Watch Network"
    )
    assert Localizer("en", "en", None, "en_US").names(names) == (
        "South Georgia Immigrant Support Network and Detention Watch Network"
    )


def test_a_template_string_with_a_context_keeps_its_placeholders() -> None:
    """pgettext("county", …) is a template string: a translation that drops %(name)s is an error."""
    header = b'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\nLanguage: es\\n"\n\n'
    entries = (
        b'#, python-format\nmsgctxt "county"\nmsgid "%(name)s County"\nmsgstr "condado"\n\n'
        b'msgctxt "adelanto:summary"\nmsgid "A 100% rise"\nmsgstr "Un aumento del 100%"\n'
    )
    parsed = parse_catalog(header + entries, "i18n/es/LC_MESSAGES/messages.po", "es")
    assert [(e.msgid, [code for code, *_ in e.problems]) for e in parsed.entries] == [
        ("%(name)s County", ["i18n.placeholder"]),
        ("A 100% rise", []),  # prose is never %-formatted
    ]
    assert [e.group for e in parsed.entries] == ["templates", "adelanto"]


def test_a_template_string_listed_at_its_entry_is_not_a_second_finding_there() -> None:
    """A template string's fallback is at its catalog entry, where `check` already lists it as
    untranslated or fuzzy: rendering (like `foresee`) records nothing more, and says 'fuzzy' only
    of an entry msgfmt counts as fuzzy."""
    header = b'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\nLanguage: es\\n"\n\n'
    entries = (
        b'#, fuzzy\nmsgid "Contents"\nmsgstr ""\n\n'
        b'msgid "Cover"\nmsgstr ""\n\n'
        b'#, fuzzy\nmsgid "Language"\nmsgstr "Idioma"\n\n'
        b'#, fuzzy\nmsgctxt "report:title"\nmsgid "Sample Report"\nmsgstr ""\n'
    )
    loc = Localizer("es", "en", parse_catalog(header + entries, "messages.po", "es"), "es_US")
    assert [loc.gettext(msgid) for msgid in ("Contents", "Cover", "Language")] == ["Contents", "Cover", "Language"]
    assert loc.findings == []
    assert [str(f) for f in loc.foresee([Message(None, "Contents", None, Loc("layouts/page.html", 1, 1))])] == []
    title = Message("report:title", "Sample Report", None, Loc("report.yaml", 2, 8))
    assert [str(f) for f in loc.foresee([title])] == [
        "report.yaml:2:8: warning: Spanish translation missing (messages.po:17:1): using the English text"
        " 'Sample Report' [i18n.fallback]"
    ]


def test_a_template_string_not_in_the_catalog_yet_is_reported_at_the_template_line() -> None:
    """A string changed in a template ("At a glance, briefly") has no entry until `extract` and
    `update`: its fallback was at the catalog with no line (JSON line 0). It is at the template's
    line, where the string is, from `check` (`foresee`) and from rendering alike, so the build
    says it once."""
    header = b'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\nLanguage: es\\n"\n\n'
    loc = Localizer("es", "en", parse_catalog(header + b'msgid "Notes"\nmsgstr "Notas"\n', SPANISH, "es"), "es_US")
    place = Loc("layouts/partials/facility.html", 43, 1)
    foreseen = loc.foresee([Message(None, "At a glance, briefly", None, place)])
    assert [str(f) for f in foreseen] == [
        "layouts/partials/facility.html:43:1: warning: Spanish translation missing: using the English text"
        " 'At a glance, briefly' [i18n.fallback]"
    ]
    assert loc.gettext("At a glance, briefly") == "At a glance, briefly"
    assert loc.findings == foreseen


class Cites(HTMLParser):
    """Every source title of a page (`class="title"`: a <cite>, or a <span> for a description):
    (lang attribute or None, text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cites: list[tuple[str | None, str]] = []
        self._open: str | None | bool = False
        self._tag = ""
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "title" in (found.get("class") or "").split():
            self._open, self._tag, self._text = found.get("lang"), tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._tag and self._open is not False:
            self.cites.append((self._open if isinstance(self._open, str) else None, "".join(self._text)))
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open is not False:
            self._text.append(data)


def cites(path: Path) -> dict[str, str | None]:
    parser = Cites()
    parser.feed(path.read_text(encoding="utf-8"))
    return dict((text, lang) for lang, text in parser.cites)


def test_spanish_bibliography_translates_descriptions_and_tags_original_titles(shipped: Path) -> None:
    edition, _ = load_edition(shipped, use_cache=False)
    assert edition is not None
    spanish = cites(shipped / "dist" / "es" / "index.html") | cites(shipped / "dist" / "es" / "winn.html")
    for facility in edition.facilities:
        spanish |= cites(shipped / "dist" / "es" / f"{facility.id}.html")
    english = cites(shipped / "dist" / "en" / "winn.html") | cites(shipped / "dist" / "en" / "adelanto.html")
    described = "Prórroga de la financiación del contrato de GEO Group para el Adelanto ICE Processing Center"
    assert spanish[described] is None  # the editors' words, in the page's language: not German, not English
    assert "GEO Group funding extension for Adelanto ICE Processing Center contract" not in spanish
    assert english["GEO Group funding extension for Adelanto ICE Processing Center contract"] is None
    for source in edition.sources.values():
        if source.title_status != "descriptive" and source.title in spanish:
            assert spanish[source.title] == (source.lang or "en"), source.id
    assert english["Winn Correctional Center"] == "de"  # the German Wikipedia mirror keeps its language
    assert english["ICE to scale back use of Winn Correctional Center and other facilities"] is None
    assert (
        english["ICE to Reduce Guaranteed Minimum Number of Beds at Winn Correction Center"] is None
    )  # on an English page

    report = pdf_text(shipped / "dist" / "es" / "first-ten-es.pdf", join_hyphens=True)
    assert described in report
    assert (
        "55 organizaciones piden la liberación de las personas detenidas en la cárcel del condado de Pulaski" in report
    )
    assert "Detention Watch Network y Shut Down Etowah Campaign" in report
    assert "South Georgia Immigrant Support Network y Detention Watch Network" in report
    assert "Penn State Law Center for Immigrants' Rights Clinic y Project South" in report
    assert "Network and Shut Down Etowah" not in report and "Clinic and Project South" not in report

    tagged = Counter(
        str(e["/Lang"])
        for e in struct_elements(PdfReader(shipped / "dist/es/first-ten-es.pdf")).values()
        if "/Lang" in e
    )
    assert tagged["en"] > 150 and tagged["de"] == 2  # each English title, in the notes and the bibliography
    tagged_en = Counter(
        str(e["/Lang"])
        for e in struct_elements(PdfReader(shipped / "dist/en/first-ten-en.pdf")).values()
        if "/Lang" in e
    )
    assert tagged_en == Counter({"de": 2})


# -- plurals on the site's download links -----------------------------------------------------------


WORDS = {"en": ("en_US", "page", "pages"), "es": ("es_US", "página", "páginas")}


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_download_links_say_page_or_pages_by_the_count(lang: str, tmp_path: Path) -> None:
    locale, page, pages = WORDS[lang]
    root = copy_project(tmp_path / "project")  # the renderer keeps the maps it draws in the project's .cache/
    edition, _ = load_edition(root, use_cache=False)
    assert edition is not None
    places, _ = locate_facilities(root, edition.facilities)  # as the gather phase places them on the map
    edition = dataclasses.replace(edition, places=places)
    catalog = read_catalog(root, catalog_path(lang), lang) if lang != "en" else None
    loc = Localizer(lang, "en", catalog, locale)
    renderer = Renderer(edition, loc, environment(root, loc))
    first, second = edition.facilities[0].id, edition.facilities[1].id
    counts = {first: 1, None: 1200}  # a one-page chapter, a long report; the others have two pages
    pdf_info = {(lang, f.id): (f"{lang}/{f.id}.pdf", 5000, counts.get(f.id, 2)) for f in edition.facilities}
    pdf_info[(lang, None)] = (f"{lang}/report.pdf", 5_000_000, counts[None])
    home = home_pages(edition, {lang: renderer}, pdf_info)[0].data.decode()
    cards = texts_of(home, "card-download")
    assert cards[:2] == [f"PDF, 5 KB, 1 {page}", f"PDF, 5 KB, 2 {pages}"]
    assert texts_of(home, "button")[0].endswith(f"(PDF, 5.0 MB, 1,200 {pages})")
    chapters = {o.path: o.data.decode() for o in _facility_pages(edition, lang, renderer, [lang], pdf_info)}
    assert texts_of(chapters[f"{lang}/{first}.html"], "button")[0].endswith(f"(PDF, 5 KB, 1 {page})")
    assert texts_of(chapters[f"{lang}/{second}.html"], "button")[0].endswith(f"(PDF, 5 KB, 2 {pages})")
    assert loc.findings == []


def texts_of(html: str, cls: str) -> list[str]:
    parser = Texts()
    parser.feed(html)
    return parser.by_class[cls]


def test_where_the_words_printed_for_prose_are_written_is_its_translation_or_the_english() -> None:
    """A layout finding about the report's title printed in Spanish (one too long for the running
    head) is at the translation the Spanish edition prints, not at report.yaml's English."""
    from report.content.model import Text

    title = Text("First Ten to Communities Not Cages", "report:title", "", Loc("report.yaml", 2, 8))
    where = spanish().where(title)
    lines = (REPO / where.path).read_text(encoding="utf-8").splitlines()
    assert (where.path, where.col) == ("i18n/es/LC_MESSAGES/messages.po", 1)
    assert lines[where.line - 3 : where.line] == [
        'msgctxt "report:title"',
        'msgid "First Ten to Communities Not Cages"',
        'msgstr "Los Primeros Diez de Comunidades Sí, Jaulas No"',
    ]
    assert Localizer("en", "en", None, "en_US").where(title) == title.loc
    untranslated = dataclasses.replace(title, value="A title nobody translated")
    assert spanish().where(untranslated) == title.loc
