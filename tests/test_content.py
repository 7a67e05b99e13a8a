"""The shipped content: the ten dossiers, their sources, and what the research brief says of them.

The brief (`../shared/research/first-ten-facts.yaml`) is the only allowed source of facts. A copy
is kept in tests/data so these tests also run where the shared folder is absent; where it is
present, the copy must be identical to it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from report.content.load import load_edition
from report.content.schema import refresh_readme

from .conftest import REPO, copy_project, run_cli

SHARED_BRIEF = REPO.parent.parent / "shared" / "research" / "first-ten-facts.yaml"
VENDORED_BRIEF = REPO / "tests" / "data" / "first-ten-facts.yaml"
TEN = ["adelanto", "alamance", "etowah", "glades", "irwin", "lasalle", "otay-mesa", "pulaski", "stewart", "winn"]


@pytest.fixture(scope="module")
def brief() -> dict:
    if SHARED_BRIEF.is_file():
        assert SHARED_BRIEF.read_bytes() == VENDORED_BRIEF.read_bytes(), "tests/data copy of the brief is stale"
    return yaml.safe_load(VENDORED_BRIEF.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def edition():
    edition, findings = load_edition(REPO, use_cache=False)
    assert edition is not None, findings
    return edition


def test_the_shipped_project_checks_without_errors(tmp_path: Path) -> None:
    code, out, _ = run_cli(
        "--root", str(copy_project(tmp_path / "project")), "check"
    )  # never write .cache/ into the checkout
    assert code == 0, out
    assert "\n0 errors," in out


def test_the_ten_facilities_and_not_bristol(edition) -> None:
    assert [f.id for f in edition.facilities] == TEN
    assert not (REPO / "facilities" / "bristol.yaml").exists()


def test_every_source_is_in_the_brief(edition, brief: dict) -> None:
    in_brief = {s["id"]: s for s in brief["sources"]}
    for source in edition.sources.values():
        assert source.id in in_brief, source.id
        assert source.url == in_brief[source.id]["url"], source.id
    lead_only = {"legalclarity-adelanto", "jailexchange-tri-county"}
    assert not lead_only & set(edition.sources)


def test_list_membership_follows_the_brief(edition, brief: dict) -> None:
    verification = brief["campaign"]["list_verification"]
    confirmed = set(verification["confirmed_by_sources"])
    for facility in edition.facilities:
        expected = "confirmed" if facility.id in confirmed else "unverified"
        assert facility.review.list_membership == expected, facility.id
        assert facility.review.status != "verified", facility.id  # no editor has checked them yet
    assert set(verification["unverified_candidates"]) == set(TEN) - confirmed


def test_every_claim_cites_a_source_of_the_brief_for_that_facility(edition, brief: dict) -> None:
    """Each dossier cites only sources the brief attaches to that facility or to the campaign."""
    by_facility: dict[str, set[str]] = {}

    def collect(node: object, into: set[str]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("sources", "status_summary_sources") and isinstance(value, list):
                    into.update(value)
                else:
                    collect(value, into)
        elif isinstance(node, list):
            for item in node:
                collect(item, into)

    campaign: set[str] = set()
    collect(brief["campaign"], campaign)
    for entry in brief["facilities"]:
        collect(entry, by_facility.setdefault(entry["key"], set()))
    for facility in edition.facilities:
        allowed = by_facility[facility.id] | campaign
        for claim in facility.claims():
            assert claim.sources, f"{facility.id}: a claim without sources at line {claim.loc.line}"
        cited = facility.cited_ids()
        assert cited <= allowed, (
            f"{facility.id} cites sources the brief does not attach to it: {sorted(cited - allowed)}"
        )


def test_the_contact_address_is_cited_to_the_brief_fact_that_gives_it(edition, brief: dict) -> None:
    """The address printed on every chapter and the back cover is the one DWN's campaign page gives."""
    contact = edition.settings.contact
    facts = [f for f in brief["campaign"]["what_dwn_asked"] if contact in f["fact"]]
    assert facts, f"the brief gives no fact with {contact}"
    backing = {s for f in facts for s in f["sources"]}
    paragraphs = [p for p in edition.settings.support if contact in p.text.value]
    assert paragraphs, "no support paragraph gives the contact address"
    for paragraph in paragraphs:
        cited = {c.source_id for c in paragraph.text.citations}
        assert cited & backing, f"report.yaml:{paragraph.text.loc.line}: {contact} is not cited to {sorted(backing)}"


def test_a_count_printed_in_beds_is_in_beds_in_the_brief_or_under_review(edition, brief: dict) -> None:
    """The templates print `beds` and `guaranteed-minimum` figures as beds. Where the brief's figure
    has no unit ("1,160") or another one ("750 detainees"), readers must see the review mark."""
    unflagged = []
    for facility in edition.facilities:
        entry = next(e for e in brief["facilities"] if e["key"] == facility.id)
        for figure in facility.capacity:
            if figure.measure not in ("beds", "guaranteed-minimum"):
                continue
            cited = {c.source_id for c in figure.sources}
            number = f"{figure.count:,}"
            values = [v["value"] for v in entry["capacity"] if cited & set(v["sources"]) and number in v["value"]]
            assert values, f"{facility.id}: {number} is not a capacity the brief gives for these sources"
            if not any("bed" in v for v in values) and figure.review is None:
                unflagged.append(f"{facility.path}:{figure.loc.line}: {number} ({values[0]!r})")
    assert not unflagged, unflagged


def test_the_readme_field_reference_is_the_schemas() -> None:
    """The README says a test fails if its generated field tables are stale: this one."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert refresh_readme(readme) == readme, "run: python -m report.content.schema README.md"
