"""A key indented into the wrong mapping: one finding where it stands, saying which way to move it."""

from __future__ import annotations

import pytest

from report.content.load import read_dossier

from .conftest import BASE

SAMPLE = (BASE / "facilities" / "sample.yaml").read_text(encoding="utf-8")
SUMMARY = (
    "summary: >-\n"
    "  The sample facility was cited for poor medical care [@gov-report-2020]\n"
    "  and closed a year later [@news-2021].\n"
)
HELD = "    text: Inspectors found that medical requests went unanswered.\n"


def _findings(old: str, new: str) -> list[str]:
    assert old in SAMPLE
    _, findings = read_dossier(SAMPLE.replace(old, new, 1).encode(), "facilities/sample.yaml")
    return [str(f) for f in findings]


def test_a_top_level_key_indented_under_the_mapping_above_is_to_move_left() -> None:
    """`  summary:` under `status:` gave "the file is missing the required key 'summary'" at the `id:`
    line and "unknown key 'summary' in status; allowed keys: …"."""
    indented = "".join(f"  {line}\n" for line in SUMMARY.splitlines())
    assert _findings(SUMMARY, indented) == [
        "facilities/sample.yaml:26:3: error: 'summary' is indented as if it were part of 'status': move it left to"
        " column 1 [schema.unknown-key]"
    ]


def test_an_unknown_key_no_other_mapping_allows_is_unknown() -> None:
    assert _findings(HELD, HELD + "    role: inspector\n") == [
        "facilities/sample.yaml:34:5: error: unknown key 'role' in timeline[1]; allowed keys:"
        " approximate, category, date, id, review, review_note, sources, text [schema.unknown-key]"
    ]


def test_a_timeline_entrys_sources_in_column_1_is_to_move_right() -> None:
    """A timeline entry's `sources:` dedented to column 1 gave "timeline[1] cites no source" and
    "unknown key 'sources'; allowed keys: …"."""
    sources = "    sources: [gov-report-2020]\n"
    assert _findings(HELD + sources, HELD + sources.lstrip(" ")) == [
        "facilities/sample.yaml:34:1: error: 'sources' is indented as if it were a key of the file itself, not of"
        " 'timeline[1]' above it: move it right to column 5, in line with 'id' [schema.unknown-key]"
    ]


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            "  text: ICE stopped using the facility.\n  sources: [news-2021]\n",
            "  text: ICE stopped using the facility.\nsources: [news-2021]\n",
            "25:1: error: 'sources' is indented as if it were a key of the file itself, not of 'status' above it:"
            " move it right to column 3, in line with 'state'",
        ),
        (
            "      role: led the shutdown campaign\n      sources: [news-2021]\n",
            "      role: led the shutdown campaign\n      sources: [news-2021]\n      website: https://example.org/\n",
            "47:7: error: 'website' is indented as if it were part of 'campaign.organizations[1]': move it left to"
            " column 1",
        ),
    ],
    ids=["status-sources-left", "website-under-an-organization"],
)
def test_a_misplaced_key_says_which_way(old: str, new: str, said: str) -> None:
    assert _findings(old, new) == [f"facilities/sample.yaml:{said} [schema.unknown-key]"]
