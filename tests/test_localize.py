"""Locale and data: numbers and dates in each language's locale, places, source titles, lists."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from report.content import schema
from report.content.load import load_edition
from report.content.model import PartialDate
from report.i18n.catalogs import read_catalog
from report.i18n.localize import Localizer
from report.project import catalog_path
from report.render.geo import CENSUS_WORDS, STATES
from report.render.html import environment

from .conftest import REPO


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


# -- places: county, state and the city's area in each language ------------------------------------


def spanish() -> Localizer:
    catalog = read_catalog(REPO, catalog_path("es"), "es")
    return Localizer("es", "en", catalog, "es_US")


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


def pdf_text(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages))


def without_noteref(text: str) -> str:
    """Return an element's text without the site's note number at its end."""
    return re.sub(r"\d+$", "", text)


SPANISH_PLACES = {
    "adelanto": "Adelanto, condado de San Bernardino, California",
    "alamance": "Graham, condado de Alamance, Carolina del Norte",
    "lasalle": "Jena, parroquia de LaSalle, Luisiana",
    "otay-mesa": "San Diego (zona de Otay Mesa), condado de San Diego, California",
    "winn": "Winnfield, parroquia de Winn, Luisiana",
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
