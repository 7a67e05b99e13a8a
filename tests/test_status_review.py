"""A status under review carries its review mark wherever the status is printed, and a facility
the 2021 list is not confirmed to name carries the list mark wherever it is listed.

The chapter prints "[under review]" after a status its dossier marks `review: needs-review`
(labels.html's `review_mark`); the home page's cards, the map (its markers, its text equivalent
and the PDF's list under it) and the share card must say the same, by the same macro. The share
card also carries the index cards' list mark, and a draft's card the PDF pages' draft band.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from report.commands.gather import GatherOptions, gather
from report.content.load import load_edition
from report.content.model import ClaimReview, Edition, Facility
from report.content.places import locate_facilities
from report.i18n.catalogs import read_catalog
from report.i18n.localize import Localizer
from report.project import catalog_path
from report.render.html import Maps, Renderer, environment
from report.render.site import home_pages

from .conftest import REPO, build, copy_project, pdf_pages, texts_of_class

SVG = "{http://www.w3.org/2000/svg}"
EN_NOTE = "* Not yet confirmed as named on the 2021 First Ten list: we are checking it against the original report."
ES_NOTE = (
    "* Aún no se ha confirmado que figurara en la lista de los Primeros Diez de 2021: lo estamos cotejando con el"
    " informe original."
)


def _marked(facility: Facility, review: bool, listed: bool) -> Facility:
    """Return the facility with its status under review or not, and its place on the 2021 list confirmed or not."""
    status = dataclasses.replace(facility.status, review=ClaimReview(facility.status.loc) if review else None)
    membership = "confirmed" if listed else "unverified"
    return dataclasses.replace(
        facility, status=status, review=dataclasses.replace(facility.review, list_membership=membership)
    )


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Edition, dict]:
    """Three shipped chapters, their review marks set here: Etowah's status under review and its
    list place confirmed, Pulaski's status checked and its list place not, Stewart's neither."""
    root = copy_project(tmp_path_factory.mktemp("review"), ["etowah", "pulaski", "stewart"])
    gathered = gather(root, GatherOptions(dt.date(2026, 1, 1)))
    assert gathered.edition is not None
    marks = {"etowah": (True, True), "pulaski": (False, False), "stewart": (True, False)}
    facilities = tuple(_marked(f, *marks[f.id]) for f in gathered.edition.facilities)
    assert [f.id for f in facilities] == ["etowah", "pulaski", "stewart"]
    return root, dataclasses.replace(gathered.edition, facilities=facilities), dict(gathered.localizers)


def _renderers(root: Path, edition: Edition, localizers: dict, draft: bool = True) -> dict[str, Renderer]:
    return {lang: Renderer(edition, loc, environment(root, loc), draft=draft) for lang, loc in localizers.items()}


def _texts(tmp_path: Path, html: str, name: str) -> list[str]:
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    return texts_of_class(page, name)


@pytest.mark.slow
def test_the_home_page_cards_and_map_mark_a_status_under_review(edition, tmp_path: Path) -> None:
    root, ed, localizers = edition
    renderers = _renderers(root, ed, localizers)
    info = {(lang, f): (f"{lang}/x.pdf", 1000, 1) for lang in renderers for f in (None, "etowah", "pulaski", "stewart")}
    pages = {o.path: o.data.decode() for o in home_pages(ed, renderers, info) if o.path.endswith("index.html")}
    expected = {
        "en": (
            [
                "ICE detention has ended [under review]",
                "ICE detention has ended",
                "Open: ICE detains people here [under review]",
            ],
            "A map of the United States with 3 detention centers, listed below.",  # the cards mark each
            "[under review]",
        ),
        "es": (
            [
                "ICE ya no detiene a personas aquí [en revisión]",
                "ICE ya no detiene a personas aquí",
                "Abierto: ICE detiene a personas aquí [en revisión]",
            ],
            "Mapa de Estados Unidos con 3 centros de detención, que se enumeran a continuación.",
            "[en revisión]",
        ),
    }
    for lang, (cards, description, mark) in expected.items():
        html = pages[f"{lang}/index.html"]
        assert _texts(tmp_path, html, "card-status") == cards
        svg = re.search(r'<svg [^>]*id="where-map".*?</svg>', html, re.S)
        assert svg is not None
        map_root = ElementTree.fromstring(svg[0])
        assert map_root.find(SVG + "desc").text == description
        markers = {a.get("data-id"): a for a in map_root.iter(SVG + "a")}
        labels = {mid: [t.text for t in a.findall(SVG + "text")] for mid, a in markers.items()}  # not its number
        # The mark is a line of its own under the name, and part of the link's name; no mark where the status is checked.
        assert {mid: (a.get("aria-label"), labels[mid][-1]) for mid, a in markers.items()} == {
            "etowah": (f"Etowah County Detention Center {mark}", mark),
            "pulaski": ("Pulaski County Detention Center", "Detention Center"),
            "stewart": (f"Stewart Detention Center {mark}", mark),
        }
        assert all(" ".join(labels[mid]) == a.get("aria-label") for mid, a in markers.items())


@pytest.mark.slow
def test_the_pdf_map_list_marks_a_status_under_review(edition, tmp_path: Path) -> None:
    root, ed, localizers = edition
    front = _renderers(root, ed, localizers)["en"].front_chunk([]).html
    assert _texts(tmp_path, front, "map-list") == [
        "Etowah County Detention Center, Alabama (ICE detention has ended [under review])"
        " Pulaski County Detention Center*, Illinois (ICE detention has ended)"
        " Stewart Detention Center*, Georgia (ICE detains people here [under review])"
    ]
    assert front.count('<span class="marked"> <span class="review-mark">[under review]</span></span>)</li>') == 2
    # The list marks what the cover marks, and its note says why under it (the cover is pages away).
    figure = front[front.index('<figure class="map-figure">') : front.index("</figure>", front.index('"map-figure"'))]
    assert _texts(tmp_path, figure, "list-note") == [EN_NOTE]


@pytest.mark.slow
def test_the_share_card_carries_the_index_cards_marks_and_a_drafts_band(edition, tmp_path: Path) -> None:
    root, ed, localizers = edition
    expected = {
        "en": {
            "etowah": ("Etowah County Detention Center", "ICE detention has ended [under review]", []),
            "pulaski": ("Pulaski County Detention Center*", "ICE detention has ended", [EN_NOTE]),
            "stewart": ("Stewart Detention Center*", "Open: ICE detains people here [under review]", [EN_NOTE]),
        },
        "es": {
            "etowah": ("Etowah County Detention Center", "ICE ya no detiene a personas aquí [en revisión]", []),
            "pulaski": ("Pulaski County Detention Center*", "ICE ya no detiene a personas aquí", [ES_NOTE]),
            "stewart": ("Stewart Detention Center*", "Abierto: ICE detiene a personas aquí [en revisión]", [ES_NOTE]),
        },
    }
    bands = {
        "en": "Draft Not the released edition: facts and translations may still change.",
        "es": "Borrador No es la edición definitiva: los datos y las traducciones todavía pueden cambiar.",
    }
    for draft in (True, False):
        for lang, renderer in _renderers(root, ed, localizers, draft).items():
            for facility in ed.facilities:
                html = renderer.share_card(facility).html
                name, status, note = expected[lang][facility.id]
                found = [_texts(tmp_path, html, c) for c in ("name", "status", "list-note", "draft-band")]
                assert found == [[name], [status], note, [bands[lang]] if draft else []], (lang, facility.id, draft)
    # The alt text says what the card shows, marks, note and hashtags included, and the band of a draft.
    renderer = _renderers(root, ed, localizers, draft=False)["en"]
    tags = "#FirstTen #CommunitiesNotCages"
    assert [renderer.share_alt(f) for f in ed.facilities] == [
        "Etowah County Detention Center: Gadsden, Etowah County, Alabama. ICE detention has ended [under review]."
        f" First Ten to Communities Not Cages. {tags}",
        "Pulaski County Detention Center*: Ullin, Pulaski County, Illinois. ICE detention has ended."
        f" First Ten to Communities Not Cages. {EN_NOTE} {tags}",
        "Stewart Detention Center*: Lumpkin, Stewart County, Georgia. Open: ICE detains people here [under review]."
        f" First Ten to Communities Not Cages. {EN_NOTE} {tags}",
    ]
    drafted = _renderers(root, ed, localizers)["en"]
    band = "Draft. Not the released edition: facts and translations may still change."
    assert [drafted.share_alt(f) for f in ed.facilities] == [f"{band} {renderer.share_alt(f)}" for f in ed.facilities]


@pytest.mark.slow
def test_the_laid_out_share_card_prints_the_marks_and_the_band(edition) -> None:
    """Laid out here, in this process, as the build lays it out (one small page): the marks and
    the band are drawn on the card, not only written in its HTML."""
    import weasyprint

    root, ed, localizers = edition
    stewart = ed.facilities[2]
    card = _renderers(root, ed, localizers)["es"].share_card(stewart)
    html = weasyprint.HTML(string=card.html, base_url=str(root / "layouts" / "pdf" / "share.html"))
    pdf = html.write_pdf(stylesheets=[weasyprint.CSS(filename=str(root / "layouts" / "css" / "share.css"))])
    (page,) = pdf_pages(pdf)
    # The band is positioned: drawn after the flow, which ends with the foot (the note above the hashtags).
    assert " ".join(page.split()) == (
        "LOS PRIMEROS DIEZ DE COMUNIDADES SÍ, JAULAS NO Stewart Detention Center*"
        " Lumpkin, condado de Stewart, Georgia Abierto: ICE detiene a personas aquí [EN REVISIÓN]"
        f" {ES_NOTE} #FirstTen #CommunitiesNotCages"
        " Borrador No es la edición definitiva: los datos y las traducciones todavía pueden cambiar."
    )


@pytest.mark.slow
def test_the_built_report_marks_a_status_under_review_on_its_map_page(tmp_path: Path) -> None:
    """The full report's 'Where the facilities are', read back with pypdf: Etowah's status, which
    its dossier marks for review, with the mark; Pulaski's, checked, without."""
    root = copy_project(tmp_path / "p", ["etowah", "pulaski"])
    etowah = (root / "facilities" / "etowah.yaml").read_text(encoding="utf-8")
    pulaski = (root / "facilities" / "pulaski.yaml").read_text(encoding="utf-8")
    assert "  state: ice-contract-ended\n  date: 2022\n" in etowah
    status = etowah.split("\nstatus:\n", 1)[1].split("\nsummary:", 1)[0]
    assert "\n  review: needs-review\n" in status
    assert "review: needs-review" not in pulaski.split("\nstatus:\n", 1)[1].split("\nsummary:", 1)[0]
    code, out, err = build(root, "--quiet")
    assert code == 0, out + err
    for lang, mark in (("en", "[UNDER REVIEW]"), ("es", "[EN REVISIÓN]")):
        # Runs of spaces made one, and a word hyphenated at a line end (WeasyPrint draws U+2010) made whole.
        pdf = root / "dist" / lang / f"first-ten-{lang}.pdf"
        pages = [" ".join(page.split()).replace("\u2010 ", "") for page in pdf_pages(pdf)]
        ended = "ICE detention has ended" if lang == "en" else "ICE ya no detiene a personas aquí"
        # Pulaski's place on the 2021 list is unverified: the list marks it as the cover does, and says why.
        # (pypdf reads the mark's margin as a space: "Center *,".)
        (page,) = [p for p in pages if f"Pulaski County Detention Center *, Illinois ({ended})" in p]
        assert f"Etowah County Detention Center, Alabama ({ended} {mark})" in page, page
        assert page.count(mark) == 1
        assert page.count(EN_NOTE if lang == "en" else ES_NOTE) == 1, page
        cards = texts_of_class(root / "dist" / lang / "index.html", "card-status")
        assert cards == [f"{ended} {mark.lower()}", ended]


def test_the_map_list_and_description_mark_the_facilities_the_2021_list_is_not_confirmed_to_name(
    tmp_path: Path,
) -> None:
    """The cover, the contents and the site's cards put the list mark on the seven facilities whose
    place on the 2021 list is unverified; the map's list under the PDF's map and its text equivalent
    (the PDF's alt text, the site's <desc>) named all ten without it. They mark the same seven now,
    with the cover's note after them."""
    edition, _ = load_edition(REPO, use_cache=False)
    assert edition is not None
    places, _ = locate_facilities(REPO, edition.facilities)
    edition = dataclasses.replace(edition, places=places)
    unconfirmed = [f.name for f in edition.facilities if f.review.list_membership != "confirmed"]
    assert len(unconfirmed) == 7
    drawn = Maps(edition)
    drawn.cache_dir = tmp_path  # not the checkout's .cache/
    spanish = Localizer("es", "en", read_catalog(REPO, catalog_path("es"), "es"), "es_US")
    for loc, note in ((Localizer("en", "en", None, "en_US"), EN_NOTE), (spanish, ES_NOTE)):
        maps = environment(REPO, loc).get_template("partials/map.html").make_module({"maps": drawn})
        pdf = str(maps.where(edition.facilities, "pdf"))
        items = _texts(tmp_path, pdf.replace("<li>", '<li class="item">'), "item")
        assert [item.split(", ")[0] for item in items] == [
            f.name + ("*" if f.name in unconfirmed else "") for f in edition.facilities
        ]
        assert _texts(tmp_path, pdf, "list-note") == [note]
        # The full text equivalent is for a map no list follows: the PDF's caption and the home page's
        # cards list them, and their maps' text equivalents point there.
        alt = re.search(r' alt="([^"]*)"', pdf)
        listed = re.search(r'<desc id="[^"]+">([^<]*)</desc>', str(maps.where(edition.facilities, "site")))
        site = re.search(r'<desc id="[^"]+">([^<]*)</desc>', str(maps.where(edition.facilities, "site", listed=False)))
        assert alt is not None and listed is not None and site is not None
        assert (
            alt[1]
            == listed[1]
            == loc.ngettext(
                "A map of the United States with %(num)s detention center, listed below.",
                "A map of the United States with %(num)s detention centers, listed below.",
                10,
            )
            % {"num": "10"}
        )
        assert site[1].endswith(". " + note)
        assert [name for name in (f.name for f in edition.facilities) if f"{name}*, " in site[1]] == unconfirmed
        assert loc.findings == []
