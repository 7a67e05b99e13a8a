"""The open data in dist/data/ and the "Cite this" downloads: exact rows, a valid Data Package, escaping."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from report.content.load import load_edition
from report.content.model import Edition
from report.render.data import LICENSE_NOT_STATED, data_outputs

from .conftest import make_project


def _edition(root: Path) -> Edition:
    edition, findings = load_edition(root)
    assert edition is not None, findings
    return edition


def _files(edition: Edition) -> dict[str, bytes]:
    return {o.path: o.data for o in data_outputs(edition)}


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def _write(files: dict[str, bytes], folder: Path) -> Path:
    for path, data in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    return folder / "data" / "datapackage.json"


def test_each_table_comes_as_csv_and_json_with_the_same_rows(tmp_path: Path) -> None:
    files = _files(_edition(make_project(tmp_path)))
    names = ("facilities", "events", "deaths", "campaign_actions", "campaign_organizations", "sources")
    assert sorted(files) == sorted(
        [f"data/{n}.{ext}" for n in names for ext in ("csv", "json")] + ["data/datapackage.json"]
    )
    for name in names:
        from_json = json.loads(files[f"data/{name}.json"])
        from_csv = _csv_rows(files[f"data/{name}.csv"])
        assert [list(row) for row in from_csv] == [list(row) for row in from_json]
        for row_csv, row_json in zip(from_csv, from_json, strict=True):
            as_text = {
                k: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v) for k, v in row_json.items()
            }
            assert row_csv == as_text


def test_the_deaths_table_of_the_base_project(tmp_path: Path) -> None:
    files = _files(_edition(make_project(tmp_path)))
    assert json.loads(files["data/deaths.json"]) == [
        {
            "facility_id": "sample",
            "death_id": "unnamed-2020",
            "name": None,
            "date": "2020-03-01",
            "date_earliest": "2020-03-01",
            "date_latest": "2020-03-01",
            "date_approximate": False,
            "text": "A man died after weeks without care.",
            "review": None,
            "weak_sources": None,
            "dossier_review": "verified",
            "source_ids": "gov-report-2020",
        }
    ]
    facility = json.loads(files["data/facilities.json"])[0]
    # the summary's inline citations become its source ids, and leave the text
    assert facility["summary"] == "The sample facility was cited for poor medical care and closed a year later."
    assert facility["source_ids"] == "gov-report-2020 news-2021"


def test_review_flags_travel_with_the_rows(tmp_path: Path) -> None:
    root = make_project(tmp_path, "cite-weak")
    dossier = root / "facilities" / "sample.yaml"
    text = dossier.read_text(encoding="utf-8")
    text = text.replace("  status: verified", "  status: unverified")
    dossier.write_text(text, encoding="utf-8")
    files = _files(_edition(root))
    deaths = {row["death_id"]: row for row in _csv_rows(files["data/deaths.csv"])}
    events = {row["event_id"]: row for row in _csv_rows(files["data/events.csv"])}
    flagged = [row for row in [*deaths.values(), *events.values()] if row["review"]]
    assert flagged and all(row["review"] == "needs-review" for row in flagged)
    assert {row["dossier_review"] for row in [*deaths.values(), *events.values()]} == {"unverified"}
    assert any(row["weak_sources"] == "wiki-sample" for row in deaths.values())
    assert "review_note" not in next(iter(deaths.values()))  # the editors' notes stay unpublished
    sources = {row["source_id"]: row for row in _csv_rows(files["data/sources.csv"])}
    assert (sources["wiki-sample"]["weak"], sources["gov-report-2020"]["weak"]) == ("true", "false")


def test_a_claim_marked_for_review_is_flagged_in_its_row(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    dossier = root / "facilities" / "sample.yaml"
    text = dossier.read_text(encoding="utf-8").replace(
        "    text: A man died after weeks without care.\n",
        "    text: A man died after weeks without care.\n    review: needs-review\n    review_note: check the date\n",
    )
    dossier.write_text(text, encoding="utf-8")
    rows = json.loads(_files(_edition(root))["data/deaths.json"])
    assert [(r["death_id"], r["review"]) for r in rows] == [("unnamed-2020", "needs-review")]
    assert "check the date" not in json.dumps(rows)


def test_frictionless_finds_no_error_and_the_license_is_stated(tmp_path: Path) -> None:
    from frictionless import validate

    files = _files(_edition(make_project(tmp_path / "p")))
    report = validate(str(_write(files, tmp_path / "dist")))
    assert report.valid, report.flatten(["title", "message"])
    assert report.stats["errors"] == 0 and report.stats["tasks"] == 12
    package = json.loads(files["data/datapackage.json"])
    assert package["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0 International",
        }
    ]
    assert "English" in package["description"] and LICENSE_NOT_STATED not in package["description"]


def test_without_a_license_the_package_says_so(tmp_path: Path) -> None:
    root = make_project(tmp_path, "data-license-release")
    package = json.loads(_files(_edition(root))["data/datapackage.json"])
    assert "licenses" not in package
    assert package["description"].endswith(LICENSE_NOT_STATED)


def test_the_same_records_give_the_same_bytes(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    assert _files(_edition(root)) == _files(_edition(root))
