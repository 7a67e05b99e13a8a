"""`schema.empty`: a text with no letter or digit outside its citations says nothing."""

from __future__ import annotations

import datetime
import json

import jsonschema
import pytest

from report.content.load import read_dossier, read_settings
from report.content.schema import raw, resolve
from report.findings import says_nothing

from .conftest import BASE

SAMPLE = (BASE / "facilities" / "sample.yaml").read_text(encoding="utf-8")
ROLE = "      role: led the shutdown campaign\n"
HELD = "    text: Inspectors found that medical requests went unanswered.\n"
HINT = (
    "it has no letter or digit but in its citations, so it would print only a note number or marks (a dash, an"
    " ellipsis): write what it says in words"
)


@pytest.mark.parametrize(
    ("old", "new", "field", "shown"),
    [
        (ROLE, '      role: "[@news-2021]"\n', "campaign.organizations[1].role", "[@news-2021]"),
        (HELD, '    text: "..."\n', "timeline[1].text", "..."),
        (HELD, "    text: '\"—\" [@gov-report-2020]'\n", "timeline[1].text", '"—" [@gov-report-2020]'),
        (
            HELD,
            "    text: — [@gov-report-2020] [@news-2021] …\n",
            "timeline[1].text",
            "— [@gov-report-2020] [@news-2021] …",
        ),
    ],
    ids=["citation-only", "ellipsis", "quoted-dash", "marks-and-citations"],
)
def test_a_text_of_only_marks_and_citations_is_empty(old: str, new: str, field: str, shown: str) -> None:
    """`role: "[@id]"`, `note: "..."` and `text: '"—" [@id]'` passed and printed a lone note call,
    "..." or “—”: `schema.empty` refused only white space."""
    text = SAMPLE.replace(old, new, 1)
    assert text != SAMPLE
    number = text.split("\n").index(new.rstrip("\n")) + 1
    _, findings = read_dossier(text.encode(), "facilities/sample.yaml")
    assert [str(f) for f in findings] == [
        f"facilities/sample.yaml:{number}:{new.index(':') + 3}: error: {field} says nothing: '{shown}'; {HINT}"
        " [schema.empty]"
    ]


@pytest.mark.parametrize(
    "new",
    [
        "    text: 4 [@gov-report-2020].\n",
        "    text: É.\n",
        "    text: '[@gov-report-2020] “No.”'\n",
        "    text: Staff said [@bad id] nothing.\n",
    ],
)
def test_a_text_with_a_letter_or_a_digit_outside_its_citations_passes(new: str) -> None:
    text = SAMPLE.replace(HELD, new, 1)
    _, findings = read_dossier(text.encode(), "facilities/sample.yaml")
    assert "schema.empty" not in [f.code for f in findings]


def test_white_space_is_one_finding_that_the_text_is_empty() -> None:
    text = SAMPLE.replace(HELD, '    text: " "\n', 1)
    _, findings = read_dossier(text.encode(), "facilities/sample.yaml")
    assert [(f.code, f.message) for f in findings] == [
        ("schema.empty", "timeline[1].text is empty: it holds only U+0020 SPACE, which prints nothing")
    ]


def test_a_plain_text_of_marks_is_empty_in_report_yaml() -> None:
    settings = (BASE / "report.yaml").read_text(encoding="utf-8")
    assert "\nsubtitle: " in settings
    text = "\n".join('subtitle: "—"' if line.startswith("subtitle: ") else line for line in settings.split("\n"))
    _, findings = read_settings(text.encode(), "report.yaml")
    assert [(f.code, f.message) for f in findings] == [("schema.empty", f"subtitle says nothing: '—'; {HINT}")]


@pytest.mark.parametrize(
    ("value", "valid"),
    [("[@a-b]", False), ('"—" [@a]', False), ("...", False), ("Why", True), ("4 [@a]", True), ("[@a] x", True)],
)
def test_the_editors_schema_refuses_the_same_texts(value: str, valid: bool) -> None:
    """Editors read the defs' `pattern` as ECMA-262, with ASCII letters and digits: for English text the
    same rule as `check`'s."""
    pattern = raw("defs")["$defs"]["prose"]["pattern"]
    assert json.loads(json.dumps(pattern)) == raw("defs")["$defs"]["plain_prose"]["pattern"]
    ascii_only = pattern.replace(r"[^\W_]", "[A-Za-z0-9]")  # what ECMA-262 reads without the u flag
    checker = jsonschema.Draft202012Validator({"type": "string", "pattern": ascii_only})
    assert checker.is_valid(value) is valid


DIED = "    date: 2020-03-01\n"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            r'"\u0301\u0308\u0301"',
            "deaths[1].name says nothing: it holds only U+0301 COMBINING ACUTE ACCENT and U+0308 COMBINING"
            " DIAERESIS, combining marks with no letter to sit on, so it would print a lone accent; write it in letters",
        ),
        ('"—"', "deaths[1].name says nothing: '—' has no letter or digit; write it in words"),
    ],
    ids=["combining-marks", "a-dash"],
)
def test_a_name_with_no_letter_or_digit_says_nothing(name: str, message: str) -> None:
    """A death's `name: "\\u0301\\u0308\\u0301"` passed `check` and the build, and the PDF printed a lone
    accent where the person's name was: `schema.empty` refused only what prints nothing."""
    text = SAMPLE.replace(DIED, f"{DIED}    name: {name}\n", 1)
    _, findings = read_dossier(text.encode(), "facilities/sample.yaml")
    assert [str(f) for f in findings] == [f"facilities/sample.yaml:38:11: error: {message} [schema.empty]"]


@pytest.mark.parametrize("name", ['"é"', '"E\\u0301"', '"4"', '"李"'])
def test_a_name_with_a_letter_or_a_digit_passes(name: str) -> None:
    text = SAMPLE.replace(DIED, f"{DIED}    name: {name}\n", 1)
    _, findings = read_dossier(text.encode(), "facilities/sample.yaml")
    assert findings == []


@pytest.mark.parametrize(
    ("text", "wordless"),
    [("\u0301\u0308", True), ("\u20dd", True), ("—…", True), ("\u3164", True), ("", False), ("e\u0301", False)],
)
def test_says_nothing_is_no_letter_or_digit(text: str, wordless: bool) -> None:
    assert says_nothing(text) is wordless


def _required_texts(node: object, where: str, base: str) -> list[tuple[str, dict]]:
    """Return every string node of a schema that must say something (`minLength`), with where it is,
    its `$ref` followed (a field that is a `name`)."""
    found = []
    if isinstance(node, dict):
        whole = resolve(node, base)[0]
        if whole.get("type") == "string" and whole.get("minLength", 0) > 0:
            found.append((where, whole))
        for key, value in node.items():
            found += _required_texts(value, f"{where}/{key}", base)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _required_texts(value, f"{where}/{i}", base)
    return found


def test_the_editors_schema_refuses_a_text_of_spaces() -> None:
    """`name: " "` passed editors' schema checks (`minLength: 1` counts the space) while `check`
    refused it as `schema.empty`: every text that must say something has a `pattern` that wants
    a character other than a space, as ECMA-262 reads `\\S` (no-break and em spaces are spaces)."""
    nodes = [
        (f"{kind}{where}", node)
        for kind in ("dossier", "sources", "report", "defs")
        for where, node in _required_texts(raw(kind), "", f"{kind}.schema.json")
    ]
    assert len(nodes) > 15
    accepting = [
        where
        for where, node in nodes
        for blank in (" ", "  ", "\u00a0", "\u2003", "\t")
        if jsonschema.Draft202012Validator({"type": "string", "pattern": node.get("pattern", "")}).is_valid(blank)
    ]
    assert accepting == []
    refusing = [
        where
        for where, node in nodes
        if not jsonschema.Draft202012Validator({"type": "string", "pattern": node.get("pattern", "")}).is_valid("A b")
    ]
    assert refusing == []


def test_a_facility_name_of_spaces_is_refused_by_editors_and_check_says_empty() -> None:
    """The whole dossier as an editor validates it (plain JSON Schema, the shipped files): a name of
    spaces is refused; `check` says what it said, that the name is empty, once."""
    from report.content.schema import registry
    import yaml

    text = SAMPLE.replace("name: Sample Detention Center", 'name: "  "', 1)
    assert text != SAMPLE
    editor = jsonschema.Draft202012Validator(raw("dossier"), registry=registry())

    def refused(yaml_text: str) -> list[list[object]]:
        # PyYAML reads dates as dates, which editors' YAML servers read as text: those are left out.
        found = editor.iter_errors(yaml.safe_load(yaml_text))
        return sorted(list(e.absolute_path) for e in found if not isinstance(e.instance, datetime.date))

    assert refused(SAMPLE) == []
    assert refused(text) == [["name"], ["name"]]  # its own one-line pattern, and `trimmed`'s
    _, findings = read_dossier(text.encode(), "facilities/sample.yaml")
    assert [(f.code, f.message) for f in findings] == [
        ("schema.empty", "name is empty: it holds only U+0020 SPACE, which prints nothing")
    ]
