"""Review metadata says one thing everywhere, and the advice of each review finding leads somewhere.

The fixtures (tests/fixtures/review-*, figure-unit, cite-weak*) hold the exact findings; these
tests follow the advice those findings give and check that it clears them without another error,
and that the open data calls an accusation what `check` does.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from report.content.load import load_edition
from report.render.data import data_outputs

from .conftest import make_project, replace, run_cli
from .test_fixtures import finding_lines


def _check(root: Path, *args: str) -> list[str]:
    return finding_lines(run_cli("--root", str(root), "check", *args)[1])


def _add_source(root: Path, entry: str) -> None:
    """Append a source entry, written as YAML, to the project's facilities/sources.yaml."""
    sources = root / "facilities" / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8") + entry, encoding="utf-8")


DEVELOPMENTS = """developments:
  - id: 2021-02-contract-notice
    date: 2021-02
    text: The county gave notice that it would end the contract.
    sources: [wiki-sample]
  - id: 2021-03-fraud-finding
    date: 2021-03
    text: Auditors found that the operator had billed for empty beds.
    accusation: true
    sources: [wiki-sample]
campaign:
"""


def test_the_open_data_calls_an_accusation_what_check_does(tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path, "cite-weak")
    replace(root, "facilities/sample.yaml", "campaign:\n", DEVELOPMENTS)
    edition, findings = load_edition(root)
    assert edition is not None, findings
    files = {o.path: o.data for o in data_outputs(edition)}
    rows = list(csv.DictReader(io.StringIO(files["data/events.csv"].decode("utf-8"), newline="")))
    assert [(r["kind"], r["event_id"], r["accusation"]) for r in rows] == [
        ("timeline", "2020-04-inspection", "true"),  # every timeline entry, though no one wrote `accusation: true`
        ("timeline", "2021-04-beatings", "true"),
        ("timeline", "2021-04-death", "true"),
        ("timeline", "2020-04-lockdown", "true"),
        ("development", "2021-02-contract-notice", "false"),
        ("development", "2021-03-fraud-finding", "true"),
    ]
    facility = edition.facilities[0]
    claims = {c.id: c for c in (*facility.timeline, *facility.developments)}
    assert all((r["accusation"] == "true") == claims[r["event_id"]].is_accusation() for r in rows)
    # `check` holds the same: of the two developments citing only a reference work, the accusation is weak.
    weak = [line for line in _check(root) if line.endswith("[cite.weak]")]
    assert [line.split(": ")[0] for line in weak] == [
        "facilities/sample.yaml:22:3",
        "facilities/sample.yaml:30:3",  # a passage of the summary, at its citation
        "facilities/sample.yaml:37:5",
        "facilities/sample.yaml:42:5",
        "facilities/sample.yaml:53:56",  # a passage of the lockdown entry, at its citation
        "facilities/sample.yaml:60:5",
        "facilities/sample.yaml:65:5",
        "facilities/sample.yaml:74:5",
        "facilities/sample.yaml:80:48",  # the campaign's summary, after the claims
    ]
    assert "an accusation rests only on weak sources: 'wiki-sample'" in weak[-2]
    [events] = [r for r in json.loads(files["data/datapackage.json"])["resources"] if r["name"] == "events"]
    fields = events["schema"]["fields"]
    assert next(f["description"] for f in fields if f["name"] == "accusation") == (
        "True when the report treats the entry as an accusation of wrongdoing, as its own checks do: every"
        " timeline entry (documented abuse), and a development its dossier marks 'accusation: true'. Such an"
        " entry needs a source that is not weak (see sources: weak)."
    )


def test_giving_a_figure_its_unit_unblocks_the_release(tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path, "review-list-caveat")
    (finding,) = _check(root, "--release")
    assert (
        finding.endswith("[figure.unit]")
        and "give the unit a cited source states (unit: beds or unit: people)" in finding
    )
    replace(root, "facilities/sample.yaml", "unit: unstated", "unit: beds")
    # the list place is still unconfirmed: it is printed with its caveat, and blocks nothing
    assert _check(root, "--release") == []


def test_setting_the_edition_date_as_advised_clears_date_after_edition(tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path, "review-date-after-edition")
    (finding,) = _check(root)
    assert "set `edition: 2024-06-15` (or later, up to today) in report.yaml" in finding
    replace(root, "report.yaml", 'edition: "2024-06-01"', "edition: 2024-06-15")
    assert _check(root) == []


def test_a_review_note_is_cleared_either_way_its_finding_says(tmp_path: Path, fixed_today: None) -> None:
    marked = make_project(tmp_path / "marked", "review-note")
    replace(
        marked,
        "facilities/sample.yaml",
        "    review_note: The date",
        "    review: needs-review\n    review_note: The date",
    )
    codes = [line.rsplit(" ", 1)[1] for line in _check(marked)]
    assert "[review.note]" not in codes and codes.count("[review.claim]") == 2
    deleted = make_project(tmp_path / "deleted", "review-note")
    replace(
        deleted,
        "facilities/sample.yaml",
        "    review_note: The date is from [@gov-report-2020]; check it against [@coroner-2020].\n",
        "",
    )
    assert [line.rsplit(" ", 1)[1] for line in _check(deleted)] == [
        "[review.claim]",
        "[review.verified]",
        "[cite.unknown]",
        "[cite.unknown]",
    ]


def test_a_source_added_for_an_editors_note_is_named_as_such(tmp_path: Path, fixed_today: None) -> None:
    """Following `cite.unknown` in a note (add the source) leaves a warning that says why it is unused."""
    root = make_project(tmp_path, "review-note")
    _add_source(
        root,
        "  - id: daily-example-print\n    type: news\n    title: Sample facility to close\n"
        "    publisher: The Daily Example (print)\n    date: 2021-03\n    url: https://print.example.com/sample\n",
    )
    lines = [line for line in _check(root) if "daily-example-print" in line]
    assert lines == [
        "facilities/sources.yaml:16:5: warning: source 'daily-example-print' is named only in an editor's note"
        " (facilities/sources.yaml:15:30), which is not printed: cite it in a claim's `sources` or prose, or"
        " delete it if the report does not need it [cite.unused]"
    ]


def test_a_doubt_about_the_list_is_printed_in_the_editors_note_and_its_sources_are_checked(
    tmp_path: Path, fixed_today: None
) -> None:
    """The brief's reason to doubt Pulaski was on the 2021 list was printed nowhere: only an editor's
    `review.note` held it. `review.list_doubt` is prose for readers, printed in the chapter's editor's
    note after the line that says the place on the list is unconfirmed; its citations are checked
    and count as uses of their sources, like any prose."""
    import dataclasses
    import shutil

    from report.content.places import locate_facilities
    from report.i18n.localize import Localizer
    from report.render.html import Renderer, environment

    from .conftest import REPO

    root = make_project(tmp_path)
    replace(
        root,
        "facilities/sample.yaml",
        "  list_membership: confirmed\n",
        "  list_membership: unverified\n"
        "  list_doubt: >-\n"
        "    A 2022 release named two other facilities first [@doubt-2022].\n",
    )
    replace(root, "facilities/sample.yaml", "  status: verified\n", "  status: unverified\n")
    _add_source(
        root,
        "  - id: doubt-2022\n    type: press-release\n    title: Two facilities to close\n"
        "    publisher: Example Network\n    date: 2022-03-25\n    url: https://example.org/2022/03/release\n",
    )
    lines = _check(root)
    assert not [line for line in lines if "[cite." in line], lines  # doubt-2022 is used, and known
    edition, _ = load_edition(root, use_cache=False)
    assert edition is not None
    facility = edition.facilities[0]
    assert facility.review.list_doubt is not None
    assert facility.review.list_doubt.context == "sample:review:list_doubt"
    assert facility.review.list_doubt in list(facility.texts())
    shutil.copytree(REPO / "layouts", root / "layouts", dirs_exist_ok=True)  # the fixture has no map
    places, _ = locate_facilities(root, [facility])
    localizer = Localizer("en", "en", None, "en_US")
    renderer = Renderer(dataclasses.replace(edition, places=places), localizer, environment(root, localizer))
    html = renderer.chapter_chunk(facility, 1).html
    note = html[html.index('<aside class="editorial-note"') : html.index("</aside>")]
    assert "We are checking it against the original report. A 2022 release named two other facilities first" in note
    call = '<span class="fn" data-call="call-{}"><a href="#sample-src-doubt-2022">Example Network, March 25, 2022</a>.</span>'
    assert any(call.format(n) in note for n in range(1, 50)), note  # its note says where its marker is

    replace(root, "facilities/sample.yaml", "[@doubt-2022]", "[@doubt-2023]")
    assert [line for line in _check(root) if "[cite." in line] == [
        "facilities/sample.yaml:60:53: error: unknown source 'doubt-2023'; did you mean 'doubt-2022'? If it is a new"
        " source, add it to facilities/sources.yaml and fill in what the source says: - {id: doubt-2023, type: TODO,"
        " title: TODO, publisher: TODO, date: TODO, url: TODO} [cite.unknown]",
        "facilities/sources.yaml:15:5: warning: source 'doubt-2022' is not cited anywhere [cite.unused]",
    ]


def test_citations_next_to_each_other_support_the_same_words(tmp_path: Path, fixed_today: None) -> None:
    """`[@weak] [@strong]`, a space or a line's wrap between them, was two passages: the words had
    only the weak source and `cite.weak` refused correctly sourced text. They are one group; and a
    group with no words before it supports none, so '' is never said to rest on weak sources."""
    root = make_project(tmp_path, "cite-weak")
    weak = "facilities/sample.yaml:53:56"
    assert [line for line in _check(root) if line.startswith(weak)]
    replace(
        root,
        "facilities/sample.yaml",
        "sleeping man [@wiki-sample].",
        "sleeping man [@wiki-sample]\n      [@gov-report-2020].",
    )
    assert [line for line in _check(root) if "[cite.weak]" in line and "sample.yaml:5" in line and ":56:" in line] == []
    replace(root, "facilities/sample.yaml", "      Inspectors reported", "      [@wiki-sample] Inspectors reported")
    assert [line for line in _check(root) if "the words ''" in line] == []


def test_the_words_after_the_last_inline_citation_rest_on_the_note_at_the_end(
    tmp_path: Path, fixed_today: None
) -> None:
    """`cite.weak` judged only the words before each inline citation: "…lockdown [@strong]. Guards
    beat a man." with `sources: [strong, weak]` printed the beating with a note citing the weak
    source alone (an id cited inline gets no note at the end), and no finding said so."""
    root = make_project(tmp_path, "cite-weak")
    replace(root, "facilities/sample.yaml", "a sleeping man [@wiki-sample].", "a sleeping man.")
    replace(
        root,
        "facilities/sample.yaml",
        "    sources: [gov-report-2020]\ndeaths:",
        "    sources: [gov-report-2020, wiki-sample]\ndeaths:",
    )
    assert [line for line in _check(root) if line.startswith("facilities/sample.yaml:5")] == [
        "facilities/sample.yaml:54:32: warning: an accusation (a timeline entry): the words '…have used pepper"
        " spray on a sleeping man.' follow the last inline citation, so they rest only on the note `sources:`"
        " prints at the end of the text (its ids the text does not cite inline): 'wiki-sample' (reference); the"
        " claim's stronger sources are cited for other words; a stronger source in `sources:`, or its [@id] right"
        " after those words, supports them; cite a stronger source; until there is one, a draft may mark the"
        " claim needs-review so that readers see it (a release refuses that mark too) [cite.weak]"
    ]
    # The advice clears it: a strong source in the note at the end, or cited right after the words.
    replace(root, "facilities/sample.yaml", "wiki-sample]\ndeaths:", "wiki-sample, news-2021]\ndeaths:")
    assert [line for line in _check(root) if line.startswith("facilities/sample.yaml:5")] == []
    replace(root, "facilities/sample.yaml", ", news-2021]\ndeaths:", "]\ndeaths:")
    replace(root, "facilities/sample.yaml", "a sleeping man.", "a sleeping man [@news-2021].")
    assert [line for line in _check(root) if line.startswith("facilities/sample.yaml:5")] == []


def test_the_words_after_the_last_inline_citation_with_no_note_at_the_end_are_uncited(
    tmp_path: Path, fixed_today: None
) -> None:
    """The rule on the words after the last inline citation applied only when `sources:` lists an
    id the text does not cite inline: with every id cited inline no note prints at the end, and
    "…a sleeping man [@gov-report-2020]. Guards beat him the night before." printed the beating
    with no citation at all, and no finding said so (while a weak note there was `cite.weak`)."""
    root = make_project(tmp_path, "cite-weak")
    replace(
        root,
        "facilities/sample.yaml",
        "a sleeping man [@wiki-sample].",
        "a sleeping man [@gov-report-2020]. Guards beat him the night\n      before.",
    )
    assert [line for line in _check(root) if line.startswith("facilities/sample.yaml:5")] == [
        "facilities/sample.yaml:53:56: warning: an accusation (a timeline entry): the words 'Guards beat him the"
        " night before.' after the last citation have no note: cite their source right after them ([@id])"
        " [cite.weak]"
    ]
    assert [line for line in _check(root, "--release") if "night before" in line] == [
        "facilities/sample.yaml:53:56: error: an accusation (a timeline entry): the words 'Guards beat him the"
        " night before.' after the last citation have no note: cite their source right after them ([@id])"
        " [cite.weak]"
    ]
    # The advice clears it: the source right after the words, or one `sources:` prints at the end.
    replace(root, "facilities/sample.yaml", "      before.", "      before [@news-2021].")
    assert [line for line in _check(root) if line.startswith("facilities/sample.yaml:5")] == []
    replace(root, "facilities/sample.yaml", "      before [@news-2021].", "      before.")
    replace(
        root,
        "facilities/sample.yaml",
        "    sources: [gov-report-2020]\ndeaths:",
        "    sources: [gov-report-2020, news-2021]\ndeaths:",
    )
    assert [line for line in _check(root) if line.startswith("facilities/sample.yaml:5")] == []


def test_report_prose_resting_only_on_weak_sources_is_cite_weak(tmp_path: Path, fixed_today: None) -> None:
    """The summary rule skipped report.yaml's prose: "Guards there beat a man to death [@wiki-sample]."
    in the introduction printed, with no review mark, on an encyclopedia's word, and no finding
    said so. Every passage of report.yaml's prose whose citations are all weak is `cite.weak`."""
    root = make_project(tmp_path, "cite-weak")
    replace(
        root,
        "report.yaml",
        "    text: The sample facility held people [@gov-report-2020].\n",
        "    text: >-\n      The sample facility held people [@gov-report-2020]. Guards there beat a man\n"
        "      to death [@wiki-sample].\n",
    )
    replace(
        root, "report.yaml", "    text: Thanks to everyone.\n", "    text: Thanks to the coalition [@digest-2021].\n"
    )
    assert [line for line in _check(root) if line.startswith("report.yaml")] == [
        "report.yaml:17:16: warning: report.yaml's prose prints no review mark, and the words 'Guards there beat a"
        " man to death' rest only on weak sources: 'wiki-sample' (reference); cite a stronger source right after"
        " them, or leave them to a dossier's timeline or facts box, where a claim can be marked needs-review"
        " [cite.weak]",
        "report.yaml:23:35: warning: report.yaml's prose prints no review mark, and the words 'Thanks to the"
        " coalition' rest only on weak sources: 'digest-2021' (aggregator); cite a stronger source right after"
        " them, or leave them to a dossier's timeline or facts box, where a claim can be marked needs-review"
        " [cite.weak]",
    ]
    # The advice clears it: a strong source next to the weak one.
    replace(root, "report.yaml", "to death [@wiki-sample].", "to death [@wiki-sample][@news-2021].")
    replace(root, "report.yaml", "coalition [@digest-2021].", "coalition [@news-2021].")
    assert [line for line in _check(root) if line.startswith("report.yaml")] == []


def test_summary_and_introduction_words_no_citation_covers_are_cite_weak(tmp_path: Path, fixed_today: None) -> None:
    """A summary ending "…closed a year later [@news-2021]. Guards there beat two men to death in
    2019.", `campaign.summary: Guards killed three people there.` and an introduction ending so
    printed an accusation with no source and no review mark, and `check --release` said nothing,
    while the same words followed by a weak source's [@id] were an error. Words that no citation
    covers are `cite.weak`, as a claim's after its last citation are; the notice, support and
    acknowledgments speak of the report itself (the base's "Share the report.", "Thanks to
    everyone."), and are left alone."""
    root = make_project(tmp_path)
    replace(
        root,
        "facilities/sample.yaml",
        "year later [@news-2021].\n",
        "year later [@news-2021]. Guards there\n  beat two men to death in 2019.\n",
    )
    replace(
        root,
        "facilities/sample.yaml",
        "  summary: Local groups campaigned for closure [@news-2021].\n",
        "  summary: Guards killed three people there.\n",
    )
    replace(
        root,
        "report.yaml",
        "held people [@gov-report-2020].\n",
        "held people [@gov-report-2020]. Guards killed a man there.\n",
    )
    replace(
        root,
        "report.yaml",
        "    text: Thanks to everyone.\n",
        "    text: Thanks to everyone [@news-2021]. This edition is a draft.\n",
    )
    summary = "a summary prints no review mark, and the words"
    timeline = (
        "cite their source right after them ([@id]), or leave them to the timeline or the facts box, where a"
        " claim can be marked needs-review [cite.weak]"
    )
    assert _check(root, "--release") == [
        f"facilities/sample.yaml:28:27: error: {summary} '…there beat two men to death in 2019.' after the last"
        f" citation have no note: {timeline}",
        f"facilities/sample.yaml:42:12: error: {summary} 'Guards killed three people there.' cite no source, so they"
        f" have no note: {timeline}",
        "report.yaml:15:43: error: report.yaml's prose prints no review mark, and the words 'Guards killed a man"
        " there.' after the last citation have no note: cite their source right after them ([@id]), or leave them"
        " to a dossier's timeline or facts box, where a claim can be marked needs-review [cite.weak]",
    ]
    # The advice clears it: the words' source right after them.
    replace(root, "facilities/sample.yaml", "death in 2019.\n", "death in 2019 [@gov-report-2020].\n")
    replace(root, "facilities/sample.yaml", "three people there.\n", "three people there [@gov-report-2020].\n")
    replace(root, "report.yaml", "a man there.\n", "a man there [@gov-report-2020].\n")
    assert _check(root, "--release") == []


def test_a_doubt_about_a_confirmed_place_on_the_list_is_an_error(tmp_path: Path, fixed_today: None) -> None:
    """The editor's note prints `list_doubt` only while the list membership is unverified: with
    `confirmed`, the writer's prose was dropped without a word while a translation was asked for."""
    root = make_project(tmp_path)
    replace(
        root,
        "facilities/sample.yaml",
        "  list_membership: confirmed\n",
        "  list_membership: confirmed\n  list_doubt: >-\n    A 2022 release named two other facilities first [@news-2021].\n",
    )
    assert [line for line in _check(root) if "review.doubt" in line] == [
        "facilities/sample.yaml:59:15: error: list_doubt is printed only while list_membership is 'unverified': with"
        " 'confirmed', no reader sees it; delete it, or set list_membership: unverified while the doubt stands"
        " [review.doubt]"
    ]
