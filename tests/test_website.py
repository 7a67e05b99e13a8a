"""An optional dossier field is schema, model and template only: `website`, read and printed."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from report.content.load import read_dossier
from report.i18n.localize import Localizer
from report.render.html import Renderer, environment

from .conftest import BASE, REPO, make_project


def test_a_website_is_read_and_shown_under_the_location(tmp_path: Path) -> None:
    raw = (BASE / "facilities" / "sample.yaml").read_bytes()
    raw = raw.replace(b"\nname: ", b"\nwebsite: https://www.example.org/center/\nname: ", 1)
    facility, findings = read_dossier(raw, "facilities/sample.yaml")
    assert findings == [] and facility is not None
    assert facility.website == "https://www.example.org/center/"
    from report.content.load import load_edition
    from report.content.places import locate_facilities

    root = make_project(tmp_path)
    shutil.copytree(REPO / "layouts", root / "layouts")  # the fixture has no map: the shipped one places it
    edition, _ = load_edition(root, use_cache=False)
    assert edition is not None
    places, _ = locate_facilities(root, [facility])
    edition = dataclasses.replace(edition, places=places)
    localizer = Localizer("en", "en", None, "en_US")
    renderer = Renderer(edition, localizer, environment(root, localizer))
    html = renderer.chapter_chunk(facility, 1).html
    assert '<a href="https://www.example.org/center/">example.org/center</a>' in html


def test_a_malformed_website_is_a_finding_with_the_hint(tmp_path: Path) -> None:
    raw = (BASE / "facilities" / "sample.yaml").read_bytes()
    raw = raw.replace(b"\nname: ", b"\nwebsite: www.example.org\nname: ", 1)
    _, findings = read_dossier(raw, "facilities/sample.yaml")
    assert [(f.code, f.message) for f in findings] == [
        (
            "schema.pattern",
            "website: 'www.example.org' is not a valid web address: it is not an http:// or https:// address;"
            " write the full address, like https://example.org/page",
        )
    ]
