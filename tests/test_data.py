"""The open data in dist/data/ and the "Cite this" downloads: exact rows, a valid Data Package, escaping."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from report.commands.build import BuildOptions, pages
from report.content.load import load_edition
from report.content.model import Edition
from report.render import cite
from report.render.data import LICENSE_NOT_STATED, data_outputs

from .conftest import copy_project, make_project, replace


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
    names = (
        "facilities",
        "figures",
        "events",
        "deaths",
        "campaign_actions",
        "campaign_demands",
        "campaign_organizations",
        "sources",
    )
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


def test_the_deaths_table_says_the_timeline_reports_deaths_too(tmp_path: Path) -> None:
    """deaths.csv was described as "Deaths in custody the report documents": a timeline entry of
    category death-in-custody (LaSalle's three deaths in 2016) is a row of events only, so a reader
    who counted the deaths table counted too few."""
    root = make_project(tmp_path)
    dossier = root / "facilities" / "sample.yaml"
    text = dossier.read_text(encoding="utf-8")
    old = "deaths:\n"
    entry = (
        "  - id: 2019-two-deaths\n    date: 2019\n    category: death-in-custody\n"
        "    text: Two men died at the facility that year.\n    sources: [gov-report-2020]\n"
    )
    dossier.write_text(text.replace(old, entry + old), encoding="utf-8")
    files = _files(_edition(root))
    events = [(r["event_id"], r["category"]) for r in _csv_rows(files["data/events.csv"])]
    assert events == [("2020-04-inspection", "inspection-finding"), ("2019-two-deaths", "death-in-custody")]
    assert [r["death_id"] for r in _csv_rows(files["data/deaths.csv"])] == ["unnamed-2020"]
    resources = {r["name"]: r for r in json.loads(files["data/datapackage.json"])["resources"]}
    assert resources["deaths"]["description"] == (
        "The entries of each chapter's 'Deaths in custody' section, by facility: one row per entry, which"
        " may tell of more than one death. The timeline reports deaths too (see events, category"
        " 'death-in-custody'); count both before saying how many deaths the report documents."
    )
    fields = {f["name"]: f["description"] for f in resources["events"]["schema"]["fields"]}
    assert fields["date_earliest"] == (
        "The first day the date as written can mean; with date_approximate, the event may fall before it."
    )


def test_the_status_date_says_what_it_means_and_whether_it_is_approximate(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    before = _files(_edition(root))
    dossier = root / "facilities" / "sample.yaml"
    text = dossier.read_text(encoding="utf-8")
    old = "  state: ice-contract-ended\n  date: 2021-03\n"
    assert old in text
    dossier.write_text(text.replace(old, "  state: open\n  date: 2024-05\n  approximate: true\n"), encoding="utf-8")
    after = _files(_edition(root))
    status = ("status", "status_date", "status_date_approximate")
    # the report prints "Open: ICE detains people here (about May 2024)": the table says "about" too
    assert [{k: row[k] for k in status} for row in json.loads(after["data/facilities.json"])] == [
        {"status": "open", "status_date": "2024-05", "status_date_approximate": True}
    ]
    assert [{k: row[k] for k in status} for row in _csv_rows(after["data/facilities.csv"])] == [
        {"status": "open", "status_date": "2024-05", "status_date_approximate": "true"}
    ]
    assert [{k: row[k] for k in status} for row in json.loads(before["data/facilities.json"])] == [
        {"status": "ice-contract-ended", "status_date": "2021-03", "status_date_approximate": False}
    ]
    [facilities] = [r for r in json.loads(after["data/datapackage.json"])["resources"] if r["name"] == "facilities"]
    fields = [f for f in facilities["schema"]["fields"] if f["name"].startswith("status")]
    assert fields == [
        {"name": "status", "type": "string", "description": "The facility's status at this edition."},
        {
            "name": "status_date",
            "type": "string",
            "description": "For 'open', the date of the latest source: ICE held people here as of that date, which"
            " is not when detention began; otherwise ('closed', 'ice-contract-ended') when ICE detention here"
            " ended. As precise as its source: YYYY, YYYY-MM or YYYY-MM-DD, or a range start/end.",
        },
        {
            "name": "status_date_approximate",
            "type": "boolean",
            "description": "True when the source gives the status date as approximate.",
        },
        {
            "name": "status_text",
            "type": "string",
            "description": "What the report says of the status (English), without citation markers.",
        },
    ]


FACTS = """capacity:
  - id: beds
    count: 1200
    qualifier: about
    measure: capacity
    unit: beds
    as_of: 2020-05
    sources: [gov-report-2020]
  - id: beds-1160
    count: 1160
    measure: capacity
    unit: unstated
    note: The figure a news report gave [@news-2021].
    review: needs-review
    review_note: does it count beds?
    sources: [gov-report-2020]
  - id: adp-900
    count: 900
    measure: average-daily-population
    as_of: 2019
    sources: [gov-report-2020]
contract:
  kind: private-direct
  sources: [gov-report-2020]
opened:
  date: 2011-06
  text: ICE began holding people here.
  review: needs-review
  sources: [news-2021]
"""


def test_the_facts_box_figures_opening_and_contract_are_in_the_data(tmp_path: Path) -> None:
    """The facts box prints capacity figures, the opening date and the contract, each with its review
    mark: the open data left all three out, and its facilities row said nothing of an opening under review."""
    root = make_project(tmp_path)
    dossier = root / "facilities" / "sample.yaml"
    text = dossier.read_text(encoding="utf-8")
    old = text[text.index("capacity:\n") : text.index("status:\n")]
    dossier.write_text(text.replace(old, FACTS), encoding="utf-8")
    files = _files(_edition(root))
    flags = {"weak_sources": None, "dossier_review": "verified"}
    assert json.loads(files["data/figures.json"]) == [
        {"facility_id": "sample", "figure_id": "beds", "measure": "capacity", "count": 1200, "qualifier": "about"}
        | {"unit": "beds", "as_of": "2020-05", "note": None, "review": None}
        | flags
        | {"source_ids": "gov-report-2020"},
        {"facility_id": "sample", "figure_id": "beds-1160", "measure": "capacity", "count": 1160, "qualifier": None}
        | {"unit": "unstated", "as_of": None, "note": "The figure a news report gave."}
        | {"review": "needs-review"}
        | flags
        | {"source_ids": "gov-report-2020 news-2021"},
        {"facility_id": "sample", "figure_id": "adp-900", "measure": "average-daily-population", "count": 900}
        | {"qualifier": None, "unit": None, "as_of": "2019", "note": None, "review": None}
        | flags
        | {"source_ids": "gov-report-2020"},
    ]
    assert "does it count beds" not in files["data/figures.csv"].decode("utf-8")
    [facility] = _csv_rows(files["data/facilities.csv"])
    assert {k: facility[k] for k in ("opened", "opened_approximate", "contract", "review", "review_claims")} == {
        "opened": "2011-06",
        "opened_approximate": "false",
        "contract": "private-direct",
        "review": "needs-review",
        "review_claims": "opened",
    }
    assert facility["source_ids"] == "gov-report-2020 news-2021"
    package = json.loads(files["data/datapackage.json"])
    [figures] = [r for r in package["resources"] if r["name"] == "figures"]
    assert [(f["name"], f["type"]) for f in figures["schema"]["fields"]][:8] == [
        ("facility_id", "string"),
        ("figure_id", "string"),
        ("measure", "string"),
        ("count", "integer"),
        ("qualifier", "string"),
        ("unit", "string"),
        ("as_of", "string"),
        ("note", "string"),
    ]
    assert figures["schema"]["primaryKey"] == ["facility_id", "figure_id"]


def test_the_facts_boxs_prose_and_the_campaign_summary_are_in_the_facilities_row(tmp_path: Path) -> None:
    """Each chapter prints what it says of the operator, the contract, the opening and the status
    beside them, the area after the city, the facility's web site and the campaign's summary: the
    facilities row had none of them, and a source the campaign summary alone cites was in
    sources.csv with no row citing it."""
    root = make_project(tmp_path)
    dossier = root / "facilities" / "sample.yaml"
    text = dossier.read_text(encoding="utf-8")
    for old, new in (
        ("  state: CA\n", "  state: CA\n  area: North Sampleton area\n"),
        ("  kind: private-company\n", "  kind: private-company\n  text: It runs two other jails [@news-2021].\n"),
        (
            "status:\n",
            "contract:\n  kind: private-direct\n  text: >-\n    The contract began in 2011\n    [@gov-report-2020].\n  sources: [gov-report-2020]\nstatus:\n",
        ),
        (
            "campaign:\n  summary: Local groups campaigned for closure [@news-2021].\n",
            "campaign:\n  summary: Local groups campaigned for closure [@news-2021] [@blog-2022].\n",
        ),
        ("review:\n  status:", "website: https://example.com/sample\nreview:\n  status:"),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    dossier.write_text(text, encoding="utf-8")
    with (root / "facilities" / "sources.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "  - id: blog-2022\n    type: news\n    title: Campaign wins\n    publisher: Example Blog\n"
            "    date: 2022-01\n    url: https://blog.example.com/wins\n"
        )
    files = _files(_edition(root))
    [row] = json.loads(files["data/facilities.json"])
    assert {k: row[k] for k in row if k.endswith(("_text", "summary")) or k in ("area", "website", "source_ids")} == {
        "area": "North Sampleton area",
        "website": "https://example.com/sample",
        "operator_text": "It runs two other jails.",
        "status_text": "ICE stopped using the facility.",
        "opened_text": None,
        "contract_text": "The contract began in 2011.",
        "summary": "The sample facility was cited for poor medical care and closed a year later.",
        "campaign_summary": "Local groups campaigned for closure.",
        "source_ids": "gov-report-2020 news-2021 blog-2022",
    }
    [from_csv] = _csv_rows(files["data/facilities.csv"])
    assert (from_csv["opened_text"], from_csv["campaign_summary"]) == ("", "Local groups campaigned for closure.")
    cited = {
        i
        for name in files
        if name.endswith(".json")
        for r in json.loads(files[name])
        if isinstance(r, dict)
        for i in (r.get("source_ids") or "").split()
    }
    assert {r["source_id"] for r in json.loads(files["data/sources.json"])} == cited


def test_each_text_is_spaced_as_printed(tmp_path: Path) -> None:
    """A name or title with a tab, a line break or two spaces in it prints with one space, as HTML
    and CSS print it, but the tables kept them (a two-line title cell, a name no filter finds);
    and prose lost its no-break spaces, which print, and a space before its punctuation that the
    writer typed."""
    root = make_project(tmp_path)
    dossier = root / "facilities" / "sample.yaml"
    text = dossier.read_text(encoding="utf-8")
    for old, new in (
        ("name: Sample Detention Center\n", 'name: "Sample  Detention\\tCenter"\n'),
        (
            "    text: Inspectors found that medical requests went unanswered.\n",
            '    text: "Inspectors found\\u00a0200 requests unanswered : none was read [@gov-report-2020] ."\n',
        ),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    dossier.write_text(text, encoding="utf-8")
    replace(
        root,
        "facilities/sources.yaml",
        "title: Inspection of the Sample Facility",
        'title: "Inspection of the\\nSample   Facility"',
    )
    files = _files(_edition(root))
    [facility] = _csv_rows(files["data/facilities.csv"])
    assert facility["name"] == "Sample Detention Center"
    [event] = json.loads(files["data/events.json"])
    assert event["text"] == "Inspectors found\u00a0200 requests unanswered : none was read ."
    titles = [r["title"] for r in _csv_rows(files["data/sources.csv"])]
    assert titles == ["Inspection of the Sample Facility", "Sample facility to close"]
    assert [r["title"] for r in json.loads(files["data/sources.json"])] == titles


def test_the_facilities_row_says_which_of_its_claims_is_under_review(tmp_path: Path) -> None:
    """A row whose operator is under review said only review: needs-review, beside a status the
    site prints without its mark: a reader took the status for the doubtful value."""
    root = make_project(tmp_path)
    dossier = root / "facilities" / "sample.yaml"
    text = dossier.read_text(encoding="utf-8")
    old = "  kind: private-company\n"
    assert old in text
    dossier.write_text(text.replace(old, old + "  review: needs-review\n"), encoding="utf-8")
    [facility] = json.loads(_files(_edition(root))["data/facilities.json"])
    assert (facility["review"], facility["review_claims"], facility["status"]) == (
        "needs-review",
        "operator",
        "ice-contract-ended",
    )
    [before] = json.loads(_files(_edition(make_project(tmp_path / "b")))["data/facilities.json"])
    assert (before["review"], before["review_claims"]) == (None, None)


def test_each_campaign_demand_is_a_row_with_its_sources(tmp_path: Path) -> None:
    """The report prints each campaign's demands with their notes; the open data had none."""
    root = make_project(tmp_path, "cite-weak")
    dossier = root / "facilities" / "sample.yaml"
    text = dossier.read_text(encoding="utf-8")
    old = "      text: Close the facility and release everyone held there.\n      sources: [news-2021]\n"
    assert old in text
    dossier.write_text(text.replace(old, old.replace("news-2021]", "news-2021, wiki-sample]")), encoding="utf-8")
    files = _files(_edition(root))
    assert json.loads(files["data/campaign_demands.json"]) == [
        {
            "facility_id": "sample",
            "demand_id": "close",
            "text": "Close the facility and release everyone held there.",
            "review": None,
            "weak_sources": "wiki-sample",
            "dossier_review": "verified",
            "source_ids": "news-2021 wiki-sample",
        }
    ]
    [demands] = [r for r in json.loads(files["data/datapackage.json"])["resources"] if r["name"] == "campaign_demands"]
    assert demands["schema"]["primaryKey"] == ["facility_id", "demand_id"]
    assert demands["schema"]["foreignKeys"] == [
        {"fields": "facility_id", "reference": {"resource": "facilities", "fields": "facility_id"}}
    ]


def test_the_sources_table_says_what_a_title_is(tmp_path: Path) -> None:
    """A descriptive title is the editors' words, and an inferred one was read from the URL: the
    package called every title "as published", and named only exact and descriptive titles."""
    package = json.loads(_files(_edition(make_project(tmp_path)))["data/datapackage.json"])
    [sources] = [r for r in package["resources"] if r["name"] == "sources"]
    fields = {f["name"]: f["description"] for f in sources["schema"]["fields"]}
    assert fields["title"] == (
        "The title as published, in the source's language; with title_status 'descriptive', the editors' own"
        " description of the item (English)."
    )
    assert fields["title_status"] == (
        "How the title was captured: 'exact'; 'inferred' (read from the URL); 'descriptive' (the headline was"
        " not captured, and the title describes the item); 'truncated' (the headline retrieved was cut off)."
    )


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


@pytest.mark.slow
def test_frictionless_finds_no_error_and_the_license_is_stated(tmp_path: Path) -> None:
    from frictionless import validate

    files = _files(_edition(make_project(tmp_path / "p")))
    report = validate(str(_write(files, tmp_path / "dist")))
    assert report.valid, report.flatten(["title", "message"])
    assert report.stats["errors"] == 0 and report.stats["tasks"] == 16
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


# -- citations -------------------------------------------------------------------------------------

TRICKY = cite.Work(
    "tricky-2024-en",
    "Braces {like} these & 100% of $5 #1_x ~^\\",
    "Smith & Sons",
    dt.date(2024, 6, 1),
    "en",
    "https://example.org/a_b%20c/",
    container="The {Big}\n  Report",
)


def test_bibtex_escapes_latex_specials_and_keeps_the_url_verbatim() -> None:
    assert cite.bibtex((TRICKY,)).decode() == (
        "@incollection{tricky-2024-en,\n"
        "  author = {{Smith \\& Sons}},\n"
        "  title = {{Braces \\textbraceleft{}like\\textbraceright{} these \\& 100\\% of \\$5 \\#1\\_x"
        " \\textasciitilde{}\\textasciicircum{}\\textbackslash{}}},\n"
        "  booktitle = {{The \\textbraceleft{}Big\\textbraceright{} Report}},\n"
        "  publisher = {{Smith \\& Sons}},\n"
        "  date = {2024-06-01},\n"
        "  year = {2024},\n"
        "  langid = {english},\n"
        "  url = {https://example.org/a_b%20c/}\n"
        "}\n"
    )


def _bibtex_entries(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """Return each entry of a .bib file as BibTeX itself reads it: a braced value ends at the brace
    that closes it, counting every brace, a backslash before it or not; an unclosed one fails."""
    entries = []
    at = 0
    while (start := text.find("@", at)) >= 0:
        head = re.compile(r"@(\w+)\{([^,\s]+),").match(text, start)
        assert head, text[start:]
        fields: dict[str, str] = {}
        at = head.end()
        while field := re.compile(r"\s*(\w+) = \{").match(text, at):
            depth, i = 1, field.end()
            while depth:
                assert i < len(text), f"the value of {field.group(1)} is never closed"
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                i += 1
            fields[field.group(1)] = text[field.end() : i - 1]
            at = i + 1 if text[i : i + 1] == "," else i
        closing = re.compile(r"\s*\}\n").match(text, at)
        assert closing, text[at:]
        entries.append((head.group(1), head.group(2), fields))
        at = closing.end()
    return entries


def test_a_lone_brace_leaves_no_bibtex_entry_open() -> None:
    """A title with one brace was written `\\{`, which BibTeX, biber and JabRef count as a brace all
    the same: the value never closed and took the rest of the file with it. The other fields of the
    source are all there, and a publisher with "and" in it is one name, not a list of two."""
    work = cite.Work(
        "x-2024-es", "Ala {Este", "Reid and Company", dt.date(2024, 6, 1), "es", container="Informe } final"
    )
    text = cite.bibtex((work, cite.Work("r-2024-es", "Informe", "Reid and Company", dt.date(2024, 6, 1), "es")))
    assert [(kind, key) for kind, key, _ in _bibtex_entries(text.decode())] == [
        ("incollection", "x-2024-es"),
        ("report", "r-2024-es"),
    ]
    chapter, report = (fields for _, _, fields in _bibtex_entries(text.decode()))
    assert chapter == {
        "author": "{Reid and Company}",
        "title": "{Ala \\textbraceleft{}Este}",
        "booktitle": "{Informe \\textbraceright{} final}",
        "publisher": "{Reid and Company}",
        "date": "2024-06-01",
        "year": "2024",
        "langid": "spanish",
    }
    assert (report["institution"], report["publisher"]) == ("{Reid and Company}", "{Reid and Company}")


def test_biblatex_langid_is_a_language_name_babel_knows() -> None:
    """`langid = {es}` is no babel or polyglossia language, which biblatex's manual asks for: it
    cannot switch to Spanish for the entry. A language biblatex has no name for gets no langid."""
    works = [cite.Work(f"k-{lang}", "T", "P", dt.date(2024, 6, 1), lang) for lang in ("en", "es", "qu")]
    langids = [fields.get("langid") for _, _, fields in _bibtex_entries(cite.bibtex(tuple(works)).decode())]
    assert langids == ["english", "spanish", None]


def test_a_report_citation_says_what_the_report_is_in_its_own_language(tmp_path: Path) -> None:
    """The Spanish BibTeX of the report said `type = {Report}`, in English, beside `langid = {spanish}`:
    biblatex and a reference manager print the type as it is. It is the catalog's word now."""
    root = copy_project(tmp_path / "project", ["adelanto"])
    edition, _ = load_edition(root)
    assert edition is not None
    paged = pages(root, BuildOptions(today=edition.settings.edition))
    assert paged.failed is None
    files = {output.path: output.data.decode() for output in paged.outputs if output.path.endswith(".bib")}
    types = {
        (path, key): fields.get("type")
        for path, text in sorted(files.items())
        for kind, key, fields in _bibtex_entries(text)
        if kind == "report"
    }
    assert set(types.values()) == {"{Report}", "{Informe}"}
    assert all(value == ("{Informe}" if path.startswith("es/") else "{Report}") for (path, _), value in types.items())


def test_ris_keeps_each_value_on_its_line() -> None:
    assert cite.ris((TRICKY,)).decode().split("\r\n") == [
        "TY  - CHAP",
        "ID  - tricky-2024-en",
        "AU  - Smith & Sons",
        "TI  - Braces {like} these & 100% of $5 #1_x ~^\\",
        "T2  - The {Big} Report",
        "PB  - Smith & Sons",
        "PY  - 2024",
        "DA  - 2024/06/01",
        "LA  - en",
        "UR  - https://example.org/a_b%20c/",
        "ER  - ",
        "",
    ]


def test_csl_json_round_trips_the_title() -> None:
    [item] = json.loads(cite.csl_json((TRICKY,)))
    assert item["title"] == TRICKY.title
    assert (item["type"], item["container-title"], item["issued"]) == (
        "chapter",
        TRICKY.container,
        {"date-parts": [[2024, 6, 1]]},
    )


# -- the built site (the shipped project, built once per session) ----------------------------------


class _Sections(HTMLParser):
    """Collects the text and the links of one page's <section> with a given class."""

    def __init__(self, cls: str) -> None:
        super().__init__(convert_charrefs=True)
        self.cls, self.depth, self.text, self.links = cls, 0, "", []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if self.depth:
            self.depth += tag == "section"
            if tag == "a":
                self.links.append(a["href"] or "")
        elif tag == "section" and a.get("class") == self.cls:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "section":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text += data


def _section(path: Path, cls: str) -> _Sections:
    parser = _Sections(cls)
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_the_shipped_data_adelanto_deaths_and_a_valid_package(shipped: Path) -> None:
    from frictionless import validate

    data = shipped / "dist" / "data"
    deaths = [r for r in _csv_rows((data / "deaths.csv").read_bytes()) if r["facility_id"] == "adelanto"]
    assert [(r["death_id"], r["name"], r["date"], r["source_ids"]) for r in deaths] == [
        ("morales-ramos", "Raul Ernesto Morales-Ramos", "2015-04-06", "hrw-2017-05-08-systemic-indifference"),
        ("ibarra-bucio", "José Ibarra Bucio", "", "guardian-2019-05-14-adelanto"),
    ]
    assert validate(str(data / "datapackage.json")).valid
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert "licenses" not in package and package["description"].endswith(LICENSE_NOT_STATED)
    manifest = json.loads((shipped / "dist" / "manifest.json").read_text(encoding="utf-8"))
    listed = {e["path"]: e["kind"] for e in manifest["outputs"]}
    assert listed["data/deaths.csv"] == "data" and listed["en/cite/adelanto.bib"] == "citation"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_each_index_links_the_data_and_cites_the_report(shipped: Path, lang: str) -> None:
    index = shipped / "dist" / lang / "index.html"
    data = _section(index, "open-data")
    assert "../data/datapackage.json" in data.links and "../data/deaths.csv" in data.links
    cited = _section(index, "cite")
    assert cited.links == ["cite/report.csl.json", "cite/report.bib", "cite/report.ris"]
    for link in cited.links:
        assert (index.parent / link).is_file()
    if lang == "es":
        assert "Datos abiertos" in data.text and "Cómo citar" in cited.text
    assert "Detention Watch Network" in cited.text


def test_a_facility_page_cites_its_chapter_and_the_report(shipped: Path) -> None:
    page = shipped / "dist" / "en" / "adelanto.html"
    cited = _section(page, "cite")
    assert "“Adelanto ICE Processing Center.” In First Ten to Communities Not Cages." in " ".join(cited.text.split())
    assert cited.links == ["cite/adelanto.csl.json", "cite/adelanto.bib", "cite/adelanto.ris"]
    items = json.loads((page.parent / "cite" / "adelanto.csl.json").read_text(encoding="utf-8"))
    assert [(i["type"], i["title"]) for i in items] == [
        ("chapter", "Adelanto ICE Processing Center"),
        ("report", "First Ten to Communities Not Cages"),
    ]
    assert all("URL" not in i for i in items)  # report.yaml sets no base_url


def test_with_a_base_url_citations_give_each_page_address(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    with (root / "report.yaml").open("a", encoding="utf-8") as f:
        f.write("base_url: https://example.org/first-ten/\n")
    edition = _edition(root)
    assert edition.settings.base_url == "https://example.org/first-ten/"
    facility = edition.facilities[0]
    works = (
        cite.chapter_work(edition, "es", "Informe", facility),
        cite.report_work(edition, "es", "Informe", "Informe"),
    )
    assert [w.url for w in works] == [
        "https://example.org/first-ten/es/sample.html",
        "https://example.org/first-ten/es/index.html",
    ]
    assert [item["URL"] for item in json.loads(cite.csl_json(works))] == [w.url for w in works]
    assert "UR  - https://example.org/first-ten/es/sample.html\r\n" in cite.ris(works).decode()
    assert json.loads(_files(edition)["data/datapackage.json"])["homepage"] == "https://example.org/first-ten/"


def test_the_sources_table_holds_the_sources_the_report_cites(tmp_path: Path) -> None:
    root = make_project(tmp_path, "cite-unused")
    edition = _edition(root)
    assert set(edition.sources) - {"gov-report-2020", "news-2021"}  # the case adds a source nobody cites
    rows = json.loads(_files(edition)["data/sources.json"])
    assert [row["source_id"] for row in rows] == ["gov-report-2020", "news-2021"]


def test_the_bibliography_lists_the_sources_the_open_data_lists(tmp_path: Path) -> None:
    """The back matter's Sources listed every entry of sources.yaml, so the PDF named sources the
    open data beside it (and every note) left out. It lists the cited ones now, and an uncited
    source of the same publisher and date no longer gives a cited one a letter ('2020b')."""
    from report.commands.gather import GatherOptions, gather
    from report.render.html import Renderer, environment

    from .conftest import REPO

    root = make_project(tmp_path, "cite-unused")
    with (root / "facilities" / "sources.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "  - id: gov-draft-2020\n    type: government-report\n    title: A draft nobody cites\n"
            "    publisher: Office of Inspector General\n    date: 2020-05-01\n"
            "    url: https://example.gov/reports/sample-2020-draft\n"
        )
    shutil.copytree(REPO / "layouts", root / "layouts")
    gathered = gather(root, GatherOptions(dt.date(2025, 1, 1), load_stylesheets=False))
    assert gathered.edition is not None
    renderer = Renderer(gathered.edition, gathered.localizers["en"], environment(root, gathered.localizers["en"]))
    back = renderer.back_chunk().html
    listed = re.findall(r'<li id="src-([^"]+)">', back)
    assert listed == ["gov-report-2020", "news-2021"]
    assert [row["source_id"] for row in json.loads(_files(gathered.edition)["data/sources.json"])] == listed
    entry = " ".join(re.sub(r"<[^>]+>", "", back[back.index('<li id="src-gov-report-2020">') :]).split())
    assert entry.startswith("Office of Inspector General. Inspection of the Sample Facility. May 1, 2020. ")
    front = " ".join(re.sub(r"<[^>]+>", "", renderer.front_chunk([]).html).split())
    assert re.findall(r"Office of Inspector General, May 1, 2020\w*", front) == [
        "Office of Inspector General, May 1, 2020"
    ]


def _cite_outputs(tmp_path: Path, draft: bool) -> dict[str, str]:
    """Render the base project's pages and citation files in English and Spanish, as a draft or a release."""
    from report.commands.gather import GatherOptions, gather
    from report.render.html import Renderer, environment
    from report.render.site import facility_pages, home_pages

    from .conftest import REPO

    root = make_project(tmp_path, "_i18n")
    shutil.copytree(REPO / "layouts", root / "layouts")
    shipped = (REPO / "i18n/es/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    entries = re.findall(
        r'(?<=\n\n)((?:#.*\n)*msgid "(?:%\(publisher\)s\. .*|Draft)"\nmsgstr .*\n(?:".*"\n)*)', shipped
    )
    assert len(entries) == 5  # "Draft", and the chapter's and the report's citation, of a draft and of a release
    with (root / "i18n/es/LC_MESSAGES/messages.po").open("a", encoding="utf-8") as po:
        po.write("\n" + "\n".join(entries))
    gathered = gather(root, GatherOptions(dt.date(2025, 1, 1), load_stylesheets=False))
    edition = gathered.edition
    assert edition is not None and sorted(gathered.localizers) == ["en", "es"]
    renderers = {
        lang: Renderer(edition, loc, environment(root, loc), draft=draft) for lang, loc in gathered.localizers.items()
    }
    pdfs = {
        (lang, key): (f"{lang}/{key or 'report'}.pdf", None, None) for lang in renderers for key in (None, "sample")
    }
    outputs = facility_pages(root, edition, renderers, pdfs, frozenset({"sample"})) + home_pages(
        edition, renderers, pdfs
    )
    return {o.path: o.data.decode() for o in outputs if "/cite/" in o.path or o.path.endswith(".html")}


def _cite_section(page: str) -> list[str]:
    section = page[page.index('<section class="cite"') : page.index("</section>", page.index('<section class="cite"'))]
    return [
        " ".join(re.sub(r"<[^>]+>", "", p).split()) for p in re.findall(r'<p class="citation">(.*?)</p>', section, re.S)
    ]


def test_a_drafts_citations_say_it_is_a_draft(tmp_path: Path) -> None:
    """A draft's "Cite this" and its .bib, .ris and .csl.json said word for word what the release
    will say, though every page carries the draft band. They say it is a draft now."""
    files = _cite_outputs(tmp_path, draft=True)
    assert _cite_section(files["es/sample.html"]) == [
        "Test Publisher. “Sample Detention Center”. En Informe de muestra. Borrador de la edición del 1 de junio de 2024.",
        "Test Publisher. Informe de muestra. Borrador de la edición del 1 de junio de 2024.",
    ]
    assert _cite_section(files["en/index.html"]) == ["Test Publisher. Sample Report. Draft edition of June 1, 2024."]
    assert [item["status"] for item in json.loads(files["es/cite/sample.csl.json"])] == ["Borrador", "Borrador"]
    assert files["en/cite/report.bib"].endswith("  langid = {english},\n  note = {Draft}\n}\n")
    assert files["es/cite/sample.ris"].split("\r\n").count("N1  - Borrador") == 2


def test_a_releases_citations_are_as_they_were(tmp_path: Path) -> None:
    files = _cite_outputs(tmp_path, draft=False)
    assert _cite_section(files["es/sample.html"]) == [
        "Test Publisher. “Sample Detention Center”. En Informe de muestra. Edición del 1 de junio de 2024.",
        "Test Publisher. Informe de muestra. Edición del 1 de junio de 2024.",
    ]
    assert _cite_section(files["en/index.html"]) == ["Test Publisher. Sample Report. Edition of June 1, 2024."]
    assert all("status" not in item for item in json.loads(files["es/cite/sample.csl.json"]))
    assert "note" not in files["en/cite/report.bib"] and "N1  -" not in files["es/cite/sample.ris"]


def test_each_citation_link_names_its_files_media_type(tmp_path: Path) -> None:
    """The "Cite this" links gave no media type: a browser or a host that goes by the link learned
    nothing of what a .ris or .bib file is. Each now gives its format's."""

    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.found: list[tuple[str | None, str | None, bool]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if tag == "a" and "/cite/" in f"/{a.get('href')}":
                self.found.append((a.get("href"), a.get("type"), "download" in a))

    files = _cite_outputs(tmp_path, draft=False)
    for page, stem in (("es/sample.html", "sample"), ("en/index.html", "report")):
        links = Links()
        links.feed(files[page])
        assert links.found == [
            (f"cite/{stem}.csl.json", "application/vnd.citationstyles.csl+json", True),
            (f"cite/{stem}.bib", "application/x-bibtex", True),
            (f"cite/{stem}.ris", "application/x-research-info-systems", True),
        ]
