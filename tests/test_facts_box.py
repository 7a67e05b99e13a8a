"""The facts box says only what the dossier's figures and dates support."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from report.commands.gather import GatherOptions, gather
from report.render.html import Renderer, environment

from .conftest import copy_project


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
    assert "Historia" in labels(boxes["es", "pulaski"])

    def status(box: str) -> str:
        return re.sub(
            r"<[^>]+>", "", box[box.index("<dt>Status") if "<dt>Status" in box else box.index("<dt>Situación") :]
        )

    # An open facility's date is its latest source's, not when it opened or when people were held:
    # Glades's 'April 10, 2025' is a news article's (fact-checker).
    assert "ICE detains people here (as of April 10, 2025)." in status(boxes["en", "glades"])
    assert "ICE detiene a personas aquí (según datos de 10 de abril de 2025)." in status(boxes["es", "glades"])
    assert "(as of" not in status(boxes["en", "pulaski"])
