"""`text.space`: a name or title that starts or ends with white space prints it."""

from __future__ import annotations

import pytest

from report.content.load import read_dossier, read_settings, read_sources

from .conftest import BASE

DOSSIER = (BASE / "facilities" / "sample.yaml").read_text(encoding="utf-8")
SOURCES = (BASE / "facilities" / "sources.yaml").read_text(encoding="utf-8")
SETTINGS = (BASE / "report.yaml").read_text(encoding="utf-8")


def _findings(text: str, rel: str) -> list[str]:
    reader = {"report.yaml": read_settings, "facilities/sources.yaml": read_sources}.get(rel, read_dossier)
    _, findings = reader(text.encode(), rel)
    return [str(f) for f in findings]


@pytest.mark.parametrize(
    ("rel", "old", "new", "expected"),
    [
        (
            "facilities/sources.yaml",
            "title: Inspection of the Sample Facility\n",
            'title: "Inspection of the Sample Facility "\n',
            "facilities/sources.yaml:5:12: error: sources[1].title ends with a space:"
            " 'Inspection of the Sample Facility '; remove it [text.space]",
        ),
        (
            "facilities/sources.yaml",
            "publisher: Office of Inspector General\n",
            'publisher: "\\u00a0Office of Inspector General"\n',
            "facilities/sources.yaml:6:16: error: sources[1].publisher starts with U+00A0 NO-BREAK SPACE:"
            " '\\u00a0Office of Inspector General'; remove it [text.space]",
        ),
        (
            "facilities/sources.yaml",
            "publisher: Office of Inspector General\n",
            'publisher: [Office of Inspector General, "The Daily Example\\t"]\n',
            "facilities/sources.yaml:6:46: error: sources[1].publisher[2] ends with a tab:"
            " 'The Daily Example\\t'; remove it [text.space]",
        ),
        (
            "facilities/sample.yaml",
            "name: Sample Detention Center\n",
            'name: "Sample Detention Center "\n',
            "facilities/sample.yaml:3:7: error: name ends with a space: 'Sample Detention Center '; remove it [text.space]",
        ),
        (
            "facilities/sample.yaml",
            "  city: Sampleton\n",
            '  city: " Sampleton\\u3000"\n',
            "facilities/sample.yaml:5:9: error: location.city starts with a space and ends with U+3000 IDEOGRAPHIC"
            " SPACE: ' Sampleton\\u3000'; remove it [text.space]",
        ),
        (
            "facilities/sample.yaml",
            "  name: Example Corp\n",
            '  name: "Example Corp "\n',
            "facilities/sample.yaml:10:9: error: operator.name ends with a space: 'Example Corp '; remove it"
            " [text.space]",
        ),
        (
            "facilities/sample.yaml",
            "      name: Sample Coalition\n",
            '      name: "Sample Coalition "\n',
            "facilities/sample.yaml:44:13: error: campaign.organizations[1].name ends with a space:"
            " 'Sample Coalition '; remove it [text.space]",
        ),
        (
            "report.yaml",
            "publisher: Test Publisher\n",
            'publisher: "Test Publisher\\t"\n',
            "report.yaml:4:12: error: publisher ends with a tab: 'Test Publisher\\t'; remove it [text.space]",
        ),
    ],
    ids=["source-title", "publisher-nbsp", "publisher-list", "name", "city", "operator", "organization", "report"],
)
def test_a_space_at_either_end_of_a_name_is_an_error_at_the_value(rel: str, old: str, new: str, expected: str) -> None:
    """`title: "Report on conditions "` printed "Report on conditions ." in the bibliography, a
    publisher "Los Angeles Times , June 24" in every note, a facility's name a doubled space in its
    PDF's title: nothing said so."""
    base = {"report.yaml": SETTINGS, "facilities/sources.yaml": SOURCES}.get(rel, DOSSIER)
    text = base.replace(old, new, 1)
    assert text != base
    assert _findings(text, rel) == [expected]


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (
            'name: "   "\n',
            "facilities/sample.yaml:3:7: error: name is empty: it holds only U+0020 SPACE, which prints nothing [schema.empty]",
        ),
        (
            'name: "Sample\\nDetention Center "\n',
            "facilities/sample.yaml:3:7: error: name: 'Sample\\nDetention Center ' is not valid; write the name on"
            " one line, after 'name:' (a | block keeps its line breaks, and a > block its last one) [schema.pattern]",
        ),
    ],
    ids=["only-spaces", "two-lines"],
)
def test_a_name_wrong_otherwise_gets_one_finding(new: str, expected: str) -> None:
    """A name of spaces is empty, and one on two lines is on two lines: not also a space at its end."""
    text = DOSSIER.replace("name: Sample Detention Center\n", new, 1)
    assert _findings(text, "facilities/sample.yaml") == [expected]
