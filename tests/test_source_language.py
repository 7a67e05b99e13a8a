"""English is the source language wherever report.yaml lists it, and report.yaml must list it.

The templates and the dossiers are written in English. Spanish used to become the source
language when it came first, or alone: the site was English text marked lang="es", or `check`
asked for an English catalog.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from report.commands.build import BuildOptions, pages
from report.content import schema
from report.content.model import SOURCE_LANGUAGE

from .conftest import copy_project, run_cli

ENGLISH, SPANISH = "  - {code: en, locale: en_US}\n", "  - {code: es, locale: es_US}\n"


def test_the_schema_requires_the_source_language() -> None:
    contains = schema.raw("report")["properties"]["languages"]["contains"]
    assert contains["properties"]["code"]["const"] == SOURCE_LANGUAGE


def test_english_is_the_source_language_in_any_place(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project", ["lasalle"])
    report = root / "report.yaml"
    text = report.read_text(encoding="utf-8")
    assert ENGLISH + SPANISH in text
    report.write_text(text.replace(ENGLISH + SPANISH, SPANISH + ENGLISH), encoding="utf-8")

    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0 and "\n0 errors," in out, out

    paged = pages(root, BuildOptions(dt.date.today()))
    assert paged.failed is None, paged.findings
    site = {output.path: output.data.decode() for output in paged.outputs if output.path.endswith(".html")}
    english, spanish = site["en/lasalle.html"], site["es/lasalle.html"]
    assert '<html lang="en"' in english and "Skip to content" in english and "Saltar al contenido" not in english
    assert '<html lang="es"' in spanish and "Saltar al contenido" in spanish and "Skip to content" not in spanish
