"""The facts box says only what the dossier's figures and dates support."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from pathlib import Path

import pytest

from report.commands.gather import GatherOptions, gather
from report.content.load import load_edition
from report.content.model import Edition
from report.content.places import locate_facilities
from report.i18n.catalogs import ParsedCatalog, read_catalog
from report.i18n.localize import Localizer
from report.project import catalog_path
from report.render.html import Renderer, environment

from .conftest import REPO, copy_project


@pytest.mark.slow
def test_the_facts_box_claims_disagreement_and_a_start_of_ice_detention_only_where_true(tmp_path: Path) -> None:
    """The line "Sources give different figures." printed under every facility with two capacity figures,
    though Glades's are a capacity in 2007, one in 2025 and a guaranteed minimum. It now prints
    only where two figures count the same thing at the same date and differ (Adelanto's three
    undated capacities). And a history without a date (Pulaski's) was labelled "ICE detention
    began": it is labelled "History" now."""
    root = copy_project(tmp_path / "project", ["adelanto", "glades", "pulaski"])
    gathered = gather(root, GatherOptions(dt.date(2026, 1, 1)))
    assert gathered.edition is not None
    boxes: dict[tuple[str, str], str] = {}
    for lang, localizer in gathered.localizers.items():
        renderer = Renderer(gathered.edition, localizer, environment(root, localizer))
        for number, facility in enumerate(gathered.edition.facilities, 1):
            html = renderer.chapter_chunk(facility, number).html
            boxes[lang, facility.id] = html[html.index('<section class="facts"') : html.index("</dl>")]

    def labels(box: str) -> list[str]:
        return re.findall(r"<dt>([^<]*)</dt>", box)

    def caveats(box: str) -> list[str]:
        return re.findall(r'<span class="caveat">([^<]*)</span>', box)

    assert {key: caveats(box) for key, box in boxes.items()} == {
        ("en", "adelanto"): ["Sources give different figures."],
        ("en", "glades"): [],
        ("en", "pulaski"): ["Sources give different figures."],
        ("es", "adelanto"): ["Las fuentes dan cifras distintas."],
        ("es", "glades"): [],
        ("es", "pulaski"): ["Las fuentes dan cifras distintas."],
    }
    assert "ICE detention began" in labels(boxes["en", "glades"])
    assert "Inicio de la detención de ICE" in labels(boxes["es", "glades"])
    assert ("History" in labels(boxes["en", "pulaski"]), "ICE detention began" in labels(boxes["en", "pulaski"])) == (
        True,
        False,
    )
    # "Antecedentes", a facility's background; "Historia" read as the discipline (Spanish review es47).
    assert "Antecedentes" in labels(boxes["es", "pulaski"])

    def status(box: str) -> str:
        return re.sub(
            r"<[^>]+>", "", box[box.index("<dt>Status") if "<dt>Status" in box else box.index("<dt>Situación") :]
        )

    # An open facility's date is its latest source's, not when it opened or when people were held:
    # Glades's 'April 10, 2025' is a news article's (fact-checker).
    assert "ICE detains people here (as of April 10, 2025)." in status(boxes["en", "glades"])
    assert "ICE detiene a personas aquí (fecha de los datos: 10 de abril de 2025)." in status(boxes["es", "glades"])
    assert "(as of" not in status(boxes["en", "pulaski"])


@functools.cache
def _repo_edition() -> Edition:
    """The shipped edition with its places, loaded once: the tests only read it (a frozen record)."""
    edition, _ = load_edition(REPO, use_cache=False)
    assert edition is not None
    places, _ = locate_facilities(REPO, edition.facilities)
    return dataclasses.replace(edition, places=places)


@functools.cache
def _shipped_spanish() -> ParsedCatalog | None:
    return read_catalog(REPO, catalog_path("es"), "es")


def _localizers() -> dict[str, Localizer]:
    spanish = Localizer("es", "en", _shipped_spanish(), "es_US")
    return {"en": Localizer("en", "en", None, "en_US"), "es": spanish}


def _figures(edition: Edition, facility_id: str, tmp_path: Path) -> dict[str, list[str]]:
    """Each capacity figure of a chapter's facts box, as plain text without its note call, by language."""
    number, facility = next((n, f) for n, f in enumerate(edition.facilities, 1) if f.id == facility_id)
    said: dict[str, list[str]] = {}
    for lang, loc in _localizers().items():
        renderer = Renderer(edition, loc, environment(REPO, loc))
        renderer.maps.cache_dir = tmp_path  # not the checkout's .cache/
        html = renderer.chapter_chunk(facility, number).html
        figures = re.findall(r'<span class="figure">(.*?)</span>(?:<br>|\s*</dd>)', html, re.S)
        plain = [re.sub(r"<[^>]+>", "", re.sub(r'<span class="fn"[^>]*>.*?</span>', "", f)) for f in figures]
        said[lang] = [" ".join(f.split()) for f in plain]
        assert loc.findings == []
    return said


UNCHECKED_UNIT = {
    "en": "Whether this figure counts beds or people is still being checked.",
    "es": "Todavía se está verificando si esta cifra cuenta camas o personas.",
}


def test_a_figure_without_a_unit_says_its_unit_is_being_checked_only_while_it_is_marked_for_review(
    tmp_path: Path,
) -> None:
    """The sentence was in five dossier notes: signing a figure off (its unit given, its review lines
    deleted) left it printed, saying the unit was still being checked. The template prints it now,
    for a figure with `unit: unstated` marked needs-review, where the notes printed it."""
    edition = _repo_edition()
    assert _figures(edition, "stewart", tmp_path) == {
        "en": [
            f"A capacity of about 2,000: {UNCHECKED_UNIT['en']} [under review]",
            "A capacity of 1,966 (November 2022): The maximum capacity reported by the DHS Inspector General."
            f" {UNCHECKED_UNIT['en']} [under review]",
            "An average of 1,088 people a day (November 2021 – November 2022): Average daily population from"
            " November 2021 to November 2022, as reported by the Inspector General.",
            f"A capacity of 1,752: {UNCHECKED_UNIT['en']} [under review]",
        ],
        "es": [
            f"Una capacidad de aproximadamente 2,000: {UNCHECKED_UNIT['es']} [en revisión]",
            "Una capacidad de 1,966 (noviembre de 2022): La capacidad máxima según la Oficina del Inspector General"
            f" (OIG) del Departamento de Seguridad Nacional (DHS). {UNCHECKED_UNIT['es']} [en revisión]",
            "Un promedio de 1,088 personas al día (noviembre de 2021 – noviembre de 2022): Población diaria promedio"
            " de noviembre de 2021 a noviembre de 2022, según la OIG.",
            f"Una capacidad de 1,752: {UNCHECKED_UNIT['es']} [en revisión]",
        ],
    }
    # The fact-checker signs the figures off as the review notes ask: the unit given, the review lines deleted.
    stewart = next(f for f in edition.facilities if f.id == "stewart")
    signed = tuple(
        dataclasses.replace(c, unit="beds", review=None, review_note=None) if c.unit == "unstated" else c
        for c in stewart.capacity
    )
    facilities = tuple(dataclasses.replace(f, capacity=signed) if f is stewart else f for f in edition.facilities)
    assert _figures(dataclasses.replace(edition, facilities=facilities), "stewart", tmp_path) == {
        "en": [
            "About 2,000 beds",
            "1,966 beds (November 2022): The maximum capacity reported by the DHS Inspector General.",
            "An average of 1,088 people a day (November 2021 – November 2022): Average daily population from"
            " November 2021 to November 2022, as reported by the Inspector General.",
            "1,752 beds",
        ],
        "es": [
            "Aproximadamente 2,000 camas",
            "1,966 camas (noviembre de 2022): La capacidad máxima según la Oficina del Inspector General (OIG) del"
            " Departamento de Seguridad Nacional (DHS).",
            "Un promedio de 1,088 personas al día (noviembre de 2021 – noviembre de 2022): Población diaria promedio"
            " de noviembre de 2021 a noviembre de 2022, según la OIG.",
            "1,752 camas",
        ],
    }
    # No dossier says it itself any more: the template does, where the figure is unchecked.
    for facility in edition.facilities:
        for c in facility.capacity:
            assert c.note is None or UNCHECKED_UNIT["en"].split(" is ")[0] not in c.note.value, (facility.id, c.id)


def test_no_contract_text_repeats_its_kinds_label() -> None:
    """Otay Mesa's facts box said "ICE contracts directly with the private operator. ICE contracts
    directly with CoreCivic.": the label (labels.html's `contract_kinds`), then the dossier's text
    saying it again. The text goes on from the label: it does not open with the label's words."""
    loc = Localizer("en", "en", None, "en_US")
    kinds = environment(REPO, loc).get_template("partials/labels.html").make_module().contract_kinds
    edition = _repo_edition()
    opening = {
        f.id: (" ".join(f.contract.text.value.split()[:2]), " ".join(str(kinds[f.contract.kind]).split()[:2]))
        for f in edition.facilities
        if f.contract is not None and f.contract.text is not None
    }
    assert len(opening) == 8  # the other two dossiers give no contract text
    assert {fid: text for fid, (text, label) in opening.items() if text == label} == {}
    otay = next(f for f in edition.facilities if f.id == "otay-mesa")
    assert otay.contract is not None and otay.contract.text is not None
    assert str(kinds[otay.contract.kind]) == "ICE contracts directly with the private operator"
    assert otay.contract.text.value.startswith("CoreCivic holds the contract [@latimes-2018-06-24-otay-expansion]")


def test_no_status_text_opens_by_saying_its_state_again() -> None:
    """Adelanto's facts box said "Open: ICE detains people here (as of about June 2025). Open. Once
    full intake…", and Stewart's "…Open and run by CoreCivic.": the label (labels.html's
    `status_labels`), then the dossier's text opening with the state's word again."""
    loc = Localizer("en", "en", None, "en_US")
    labels = environment(REPO, loc).get_template("partials/labels.html").make_module().status_labels
    assert [str(labels[state]).split()[0] for state in ("open", "closed")] == ["Open:", "Closed"]
    edition = _repo_edition()
    openings = {f.id: f.status.text.value.split()[0] for f in edition.facilities if f.status.text is not None}
    assert len(openings) == 10
    assert {fid: word for fid, word in openings.items() if word.strip(".,:;").lower() in ("open", "closed")} == {}
