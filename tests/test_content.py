"""The shipped content: the ten dossiers, their sources, and what the research brief says of them.

The brief (`../shared/research/first-ten-facts.yaml`) is the only allowed source of facts. A copy
is kept in tests/data so these tests also run where the shared folder is absent; where it is
present, the copy must be identical to it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from report.content.load import load_edition
from report.content.model import CITE_RE
from report.content.validate import check_strength, untracked
from report.content.schema import README_MARKERS, refresh_file, refresh_readme

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


def test_the_contact_address_cites_the_page_that_gives_it(edition, brief: dict, tmp_path: Path) -> None:
    """The brief ties campaign@detentionwatchnetwork.org to DWN's campaign page; report.yaml cites it,
    and a mistyped id there is an unknown citation at its line, like any claim's."""
    given = [
        fact["sources"]
        for group in brief.values()
        if isinstance(group, dict)
        for facts in group.values()
        if isinstance(facts, list)
        for fact in facts
        if isinstance(fact, dict) and edition.settings.contact in str(fact.get("fact", ""))
    ]
    assert given, "the brief should give the contact address"
    assert [c.source_id for c in edition.settings.contact_sources] == given[0]
    project = copy_project(tmp_path / "project")
    report = project / "report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("[dwn-take-action-communitiesnotcages]\n", "[dwn-take-action]\n", 1), "utf-8")
    line = text.split("\ncontact_sources:")[0].count("\n") + 2
    code, out, _ = run_cli("--root", str(project), "check", str(report))
    assert code == 1
    assert f"report.yaml:{line}:19: error: unknown source 'dwn-take-action'" in out


def test_the_ten_facilities_and_not_bristol(edition) -> None:
    assert [f.id for f in edition.facilities] == TEN
    assert not (REPO / "facilities" / "bristol.yaml").exists()


def test_every_source_is_in_the_brief(edition, brief: dict) -> None:
    in_brief = {s["id"]: s for s in brief["sources"]}
    for source in edition.sources.values():
        assert source.id in in_brief, source.id
        assert source.url == untracked(in_brief[source.id]["url"]), source.id  # no newsletter's or ad's tags
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


NUMBER_WORDS = (
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen"
    " eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion"
    " dozen dozens half twice"
).split()
MONTHS = "January February March April May June July August September October November December".split()
_ABBREVIATION = re.compile(r"\b(?:U\.S|Sen|Rep|Dr|Mr|Ms|Mrs|St|Inc|No|Jr|Sr|v|vs|[A-Z])\.$")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*(?: (?:de |van |von )?[A-Z][a-z]+(?:-[A-Z][a-z]+)*)+")


def sentences(value: str) -> list[str]:
    """Split prose into sentences; citation markers after a full stop belong to the sentence before."""
    parts = re.split(r"(?<=[.!?])\s+(?=[\[A-Z\"“‘'(])", " ".join(value.split()))
    out: list[str] = []
    for part in parts:
        leading = re.match(r"(?:\[@[a-z0-9-]+\]\s*)+", part)
        if out and leading:
            out[-1] += " " + leading.group(0).strip()
            part = part[leading.end() :]
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] += " " + part
        elif part:
            out.append(part)
    return out


def needs_citation(sentence: str, names: set[str]) -> list[str]:
    """Return what in a sentence must rest on a source: figures, number words, dates, names.

    A name is any run of two or more capitalized words inside the sentence (so organizations and
    places count too, which only asks for more citations) or a name the dossiers give a person.
    """
    words = re.findall(r"[A-Za-z]+", sentence)
    found = re.findall(r"\d[\d,.]*", sentence)
    found += [w for w in words if w in NUMBER_WORDS or w in MONTHS]
    found += _NAME.findall(sentence) + [name for name in names if name in sentence]
    return found


def test_every_prose_sentence_with_a_number_a_date_or_a_name_cites_a_source(edition) -> None:
    """Claims cite through their `sources`; summaries and report.yaml's paragraphs must cite inline,
    in the sentence that says it (issue 20: the fact-check found an accusation with no citation)."""
    names = {death.name for facility in edition.facilities for death in facility.deaths if death.name}
    texts = [t for facility in edition.facilities for t in (facility.summary, facility.campaign.summary)]
    s = edition.settings
    texts += [p.text for part in (s.introduction, s.support, s.acknowledgments, s.notice) for p in part]
    uncited = []
    checked = 0
    for text in texts:
        for sentence in sentences(text.value):
            what = needs_citation(sentence, names)
            checked += bool(what)
            if what and not CITE_RE.search(sentence):
                uncited.append(f"{text.loc}: {what}: {sentence}")
    assert not uncited, uncited
    assert checked > 50  # the rule sees the sentences it is about (74 today)


def test_the_sentence_rules_see_numbers_dates_and_names() -> None:
    assert sentences("In 2019 it grew [@a]. Sen. Alex Padilla was refused. It closed.") == [
        "In 2019 it grew [@a].",
        "Sen. Alex Padilla was refused.",
        "It closed.",
    ]
    assert sentences("It closed. [@a] Then it opened.") == ["It closed. [@a]", "Then it opened."]
    assert needs_citation("Sen. Alex Padilla was refused entry.", set()) == ["Alex Padilla"]
    assert needs_citation("The jail held seven men.", set()) == ["seven"]
    assert needs_citation("It closed in March.", set()) == ["March"]
    assert needs_citation("It held 1,200 people.", set()) == ["1,200"]
    assert needs_citation("Guards beat Medina-Martinez.", {"Medina-Martinez"}) == ["Medina-Martinez"]
    assert needs_citation("We thank the journalists who reported it.", set()) == []


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


def test_each_capacity_has_the_unit_the_brief_gives(edition, brief: dict) -> None:
    """A capacity or guaranteed minimum says `beds` or `people` only where the brief's figure does;
    where the brief gives the number alone ("1,160") it is `unstated` and marked for review."""
    people_words = ("detainee", "people", "men", "detained")
    wrong = []
    for facility in edition.facilities:
        entry = next(e for e in brief["facilities"] if e["key"] == facility.id)
        for figure in facility.capacity:
            if figure.unit is None:
                continue
            cited = {c.source_id for c in figure.sources}
            number = f"{figure.count:,}"
            values = [v["value"] for v in entry["capacity"] if cited & set(v["sources"]) and number in v["value"]]
            assert values, f"{facility.id}: {number} is not a capacity the brief gives for these sources"
            beds = any("bed" in v for v in values)
            people = any(w in v for v in values for w in people_words)
            expected = "beds" if beds else "people" if people else "unstated"
            where = f"{facility.path}:{figure.loc.line}: {number} ({values[0]!r})"
            if figure.unit != expected:
                wrong.append(f"{where}: unit {figure.unit}, the brief says {expected}")
            if expected == "unstated" and figure.review is None:
                wrong.append(f"{where}: no unit in the brief, and not marked for review")
    assert not wrong, wrong


def test_every_weakly_sourced_claim_is_marked_under_review_where_readers_see_it(edition) -> None:
    """`cite.weak` finds the deaths and accusations that rest only on Wikipedia, a newsletter or an
    aggregator; each one must print the review mark until a stronger source is found. A summary
    cannot print one, so no words of a summary rest on weak sources alone (Stewart's said a man
    died, on a newsletter's word)."""
    weak = check_strength(edition)
    claims = {claim.loc: claim for facility in edition.facilities for claim in facility.claims()}
    claims |= {  # a weak passage's finding is at its citation
        cite.loc: claim
        for facility in edition.facilities
        for claim in facility.claims()
        for text in claim.texts()
        for cite in text.citations
    }
    assert {f.loc.path for f in weak} >= {
        "facilities/stewart.yaml",
        "facilities/glades.yaml",
        "facilities/lasalle.yaml",
    }  # the rule sees them
    unflagged = [str(f) for f in weak if f.loc not in claims or claims[f.loc].review is None]
    assert not unflagged, unflagged


def test_the_field_reference_refresh_says_what_it_did(tmp_path: Path) -> None:
    """`python -m report.content.schema README.md` printed nothing, whether it changed the file or not."""
    readme = tmp_path / "README.md"
    current = (REPO / "README.md").read_text(encoding="utf-8")
    readme.write_text(current, encoding="utf-8")
    assert refresh_file(readme) == f"{readme}: the field reference already matches report/schemas/"
    start, end = README_MARKERS["dossier"]
    head, rest = current.split(start, 1)
    readme.write_text(head + start + "\nstale\n" + end + rest.split(end, 1)[1], encoding="utf-8")
    assert refresh_file(readme) == f"{readme}: the field reference was refreshed from report/schemas/"
    assert readme.read_text(encoding="utf-8") == current
    readme.write_text("# Notes\n", encoding="utf-8")
    assert refresh_file(readme) == f"{readme}: no field reference to refresh (no <!-- fields:… --> markers)"


def test_the_readme_field_reference_is_the_schemas() -> None:
    """The README says a test fails if its generated field tables are stale: this one."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert refresh_readme(readme) == readme, "run: python -m report.content.schema README.md"
