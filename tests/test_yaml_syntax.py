"""What a YAML syntax error says: the line to fix, and what to do there, in a writer's words.

The common cases are fixture folders (`yaml-*`); these are their variants. Each broken text comes
with the text its advice leads to, which must read cleanly.
"""

from __future__ import annotations

import pytest

from report.content.load import read_dossier
from report.content.yamldoc import parse

from .conftest import FIXTURES

CASES = [
    (
        "tags:\n  - A man held\n  for weeks\n",
        "3:3: YAML syntax error: this line continues the item on line 2, so it must be indented more than its dash"
        " (or the whole value put in quotes)",
        "tags:\n  - A man held\n    for weeks\n",
    ),
    (
        "text: see\nhttps://example.org\n",  # the colon of a web address is not a key's
        "2:1: YAML syntax error: this line continues the value of 'text' (line 1), so it must be indented more than"
        " 'text' (or the whole value put in quotes)",
        "text: see\n  https://example.org\n",
    ),
    (
        "deaths:\n  - name:John Doe\n    id: john-doe\n",
        "2:9: YAML syntax error: a space is needed after the colon of 'name:' (write 'name: …'), or YAML does not"
        " read 'name' as a key",
        "deaths:\n  - name: John Doe\n    id: john-doe\n",
    ),
    (
        "deaths:\n  -id: a\n  - id: b\n",
        "2:3: YAML syntax error: a list item needs a space after its dash: write '- id:', not '-id:'",
        "deaths:\n  - id: a\n  - id: b\n",
    ),
    (
        "deaths:\n  - id: a\n  -id: b\n    name: B\n",
        "3:3: YAML syntax error: a list item needs a space after its dash: write '- id:', not '-id:'",
        "deaths:\n  - id: a\n  - id: b\n    name: B\n",
    ),
    (
        "deaths:\n  - id: a\n    name: A\n    text: Nothing of\n    name is known\n",  # 'name' is there already
        "5:5: YAML syntax error: this line continues the value of 'text' (line 4), so it must be indented more than"
        " 'text' (or the whole value put in quotes)",
        "deaths:\n  - id: a\n    name: A\n    text: Nothing of\n      name is known\n",
    ),
    (
        "deaths:\n  - id: a\n    name: A\n    date 2020-01-02\n",
        "4:9: YAML syntax error: a colon and a space are missing after 'date' (write 'date: …'), or YAML does not"
        " read 'date' as a key",
        "deaths:\n  - id: a\n    name: A\n    date: 2020-01-02\n",
    ),
    (
        "name: Sample\nstatus open\n",
        "2:7: YAML syntax error: a colon and a space are missing after 'status' (write 'status: …'), or YAML does"
        " not read 'status' as a key",
        "name: Sample\nstatus: open\n",
    ),
    *(
        (
            f"name: Write to us at\n  {scheme}:x or by phone\n  Note: they answer\n",
            "3:7: YAML syntax error: ': ' inside a value: put the whole value in quotes (\"…\")",
            f'name: "Write to us at\n  {scheme}:x or by phone\n  Note: they answer"\n',
        )
        for scheme in ("mailto", "tel", "doi")
    ),
    (
        "text: Write to\nmailto:info@example.org\n",  # a wrapped line, in its key's column
        "2:1: YAML syntax error: this line continues the value of 'text' (line 1), so it must be indented more than"
        " 'text' (or the whole value put in quotes)",
        "text: Write to\n  mailto:info@example.org\n",
    ),
    (  # a mapping's first key without its colon, comments around it: YAML gives up at the next key
        "location:\n  # City\n  city Exampleville\n  # County\n  county: X\n",
        "3:7: YAML syntax error: a colon and a space are missing after 'city' (write 'city: …'), or YAML does not"
        " read 'city' as a key",
        "location:\n  # City\n  city: Exampleville\n  # County\n  county: X\n",
    ),
    (
        "location:\n  # City\n  city:Exampleville\n  # County\n  county: X\n",
        "3:7: YAML syntax error: a space is needed after the colon of 'city:' (write 'city: …'), or YAML does not"
        " read 'city' as a key",
        "location:\n  # City\n  city: Exampleville\n  # County\n  county: X\n",
    ),
    (
        "name: A\nstatus:\n  # open or closed\n  state open\n  # when\n  date: 2024-01-01\n",
        "4:8: YAML syntax error: a colon and a space are missing after 'state' (write 'state: …'), or YAML does"
        " not read 'state' as a key",
        "name: A\nstatus:\n  # open or closed\n  state: open\n  # when\n  date: 2024-01-01\n",
    ),
    (  # no comment between: YAML reads the next key's line as more of the same value
        "location:\n  address 830 Pinehill Road\n  city: Jena\n",
        "2:10: YAML syntax error: a colon and a space are missing after 'address' (write 'address: …'), or YAML"
        " does not read 'address' as a key",
        "location:\n  address: 830 Pinehill Road\n  city: Jena\n",
    ),
    (  # a misspelt key opens the mapping all the same: no value above it can wrap onto its line
        "location:\n  adress 830 Pinehill Road\n  city: Jena\n",
        "2:9: YAML syntax error: a colon and a space are missing after 'adress' (write 'adress: …'), or YAML"
        " does not read 'adress' as a key",
        "location:\n  adress: 830 Pinehill Road\n  city: Jena\n",
    ),
    (
        "capacity:\n  - id beds-1320\n    count: 1320\n",
        "2:7: YAML syntax error: a colon and a space are missing after 'id' (write 'id: …'), or YAML does not"
        " read 'id' as a key",
        "capacity:\n  - id: beds-1320\n    count: 1320\n",
    ),
    (  # text, where the schema wants text: the colon below is inside it
        "summary:\n  Held for weeks\n  Note: they answer\n",
        "3:7: YAML syntax error: ': ' inside a value: put the whole value in quotes (\"…\")",
        'summary:\n  "Held for weeks\n  Note: they answer"\n',
    ),
    (  # an unquoted hashtag in a flow list: the # starts a comment, and the parser gives up lines below
        'contact: a@example.org\nhashtags: [#FirstTen, "#Other"]\nkeywords:\n  - detention\n  - First Ten\n',
        "2:12: YAML syntax error: YAML reads # here as the start of a comment, so the rest of the line is not"
        ' read: put the value in quotes ("#FirstTen")',
        'contact: a@example.org\nhashtags: ["#FirstTen", "#Other"]\nkeywords:\n  - detention\n  - First Ten\n',
    ),
    (
        "tags: [a, #b]\nname: x\n",
        "1:11: YAML syntax error: YAML reads # here as the start of a comment, so the rest of the line is not"
        ' read: put the value in quotes ("#b")',
        'tags: [a, "#b"]\nname: x\n',
    ),
    (  # the same before a `>-` block: the parser trips on the `>` ("scanning for the next token")
        "status:\n  sources: [#a, b]\nsummary: >-\n  Held for weeks.\n",
        "2:13: YAML syntax error: YAML reads # here as the start of a comment, so the rest of the line is not"
        ' read: put the value in quotes ("#a")',
        'status:\n  sources: ["#a", b]\nsummary: >-\n  Held for weeks.\n',
    ),
    (  # a comment written as one is a comment: the bracket it follows is never closed
        "tags: [a, # the tags\n  b\nname: x\n",
        "1:7: YAML syntax error: this [ is never closed: end the list with ], or put the value in quotes if the"
        " bracket is part of the text",
        "tags: [a, # the tags\n  b]\nname: x\n",
    ),
    (
        "text: `ICE` held him\n",
        '1:7: YAML syntax error: a value cannot start with ` unless it is quoted: put the whole value in quotes ("…")',
        'text: "`ICE` held him"\n',
    ),
    (  # the key that moved left, not the next one, which is in line with the keys before it
        "location:\n  city: Jena\ncounty: LaSalle Parish\n  state: LA\n",
        "3:1: YAML syntax error: 'county' starts in column 1, but the keys around it, 'city' (line 2) and 'state'"
        " (line 4), start in column 3: move it right to column 3",
        "location:\n  city: Jena\n  county: LaSalle Parish\n  state: LA\n",
    ),
    (  # the same in a list item, after a block value
        "timeline:\n  - id: a\n    text: >-\n      Held.\ndate: 2020-04\n    category: other\n",
        "5:1: YAML syntax error: 'date' starts in column 1, but the keys around it, 'text' (line 3) and 'category'"
        " (line 6), start in column 5: move it right to column 5",
        "timeline:\n  - id: a\n    text: >-\n      Held.\n    date: 2020-04\n    category: other\n",
    ),
    (  # a mapping's first key moved left leaves its owner holding nothing
        "location:\ncity: Jena\n  county: LaSalle Parish\n",
        "2:1: YAML syntax error: 'city' starts in column 1, as 'location' above it does, so YAML does not read it as"
        " part of 'location': move it right to column 3, like 'county' (line 3)",
        "location:\n  city: Jena\n  county: LaSalle Parish\n",
    ),
    (
        "text: %50 of them\n",
        '1:7: YAML syntax error: a value cannot start with % unless it is quoted: put the whole value in quotes ("…")',
        'text: "%50 of them"\n',
    ),
    (
        "text: > 50 people were held\nname: y\n",
        '1:7: YAML syntax error: a value cannot start with > unless it is quoted: put the whole value in quotes ("…")',
        'text: "> 50 people were held"\nname: y\n',
    ),
    (
        "text: | the facility\nname: y\n",
        '1:7: YAML syntax error: a value cannot start with | unless it is quoted: put the whole value in quotes ("…")',
        'text: "| the facility"\nname: y\n',
    ),
    (
        "text: [Update] ICE moved them\nname: y\n",
        '1:7: YAML syntax error: a value cannot start with [ unless it is quoted: put the whole value in quotes ("…")',
        'text: "[Update] ICE moved them"\nname: y\n',
    ),
    (
        "text: {Update} ICE moved them\nname: y\n",
        '1:7: YAML syntax error: a value cannot start with { unless it is quoted: put the whole value in quotes ("…")',
        'text: "{Update} ICE moved them"\nname: y\n',
    ),
    (
        "text: *Update* ICE moved them\nname: y\n",
        '1:7: YAML syntax error: a value cannot start with * unless it is quoted: put the whole value in quotes ("…")',
        'text: "*Update* ICE moved them"\nname: y\n',
    ),
    (
        "text: ? Why ICE moved them\nname: y\n",
        '1:7: YAML syntax error: a value cannot start with ? unless it is quoted: put the whole value in quotes ("…")',
        'text: "? Why ICE moved them"\nname: y\n',
    ),
    (
        "text: - ICE moved them\nname: y\n",
        '1:7: YAML syntax error: a value cannot start with - unless it is quoted: put the whole value in quotes ("…")',
        'text: "- ICE moved them"\nname: y\n',
    ),
    (  # in a list, and after a key in a list's item
        "deaths:\n  - > 50 people\n  - y\n",
        '2:5: YAML syntax error: a value cannot start with > unless it is quoted: put the whole value in quotes ("…")',
        'deaths:\n  - "> 50 people"\n  - y\n',
    ),
    (
        "deaths:\n  - text: - ICE moved them\n    name: y\n",
        '2:11: YAML syntax error: a value cannot start with - unless it is quoted: put the whole value in quotes ("…")',
        'deaths:\n  - text: "- ICE moved them"\n    name: y\n',
    ),
    (  # a no-break space pasted after a key's colon: the line is one text, and YAML trips on the next
        "operator:\n  name:\u00a0Fake Corrections\n  kind: private-company\n",
        "2:8: YAML syntax error: a no-break space (U+00A0) after 'name:': type an ordinary space",
        "operator:\n  name: Fake Corrections\n  kind: private-company\n",
    ),
    (  # read as a wrapped line of the value above it
        "timeline:\n  - id: a\n    category:\u00a0conditions\n    text: b\n",
        "3:14: YAML syntax error: a no-break space (U+00A0) after 'category:': type an ordinary space",
        "timeline:\n  - id: a\n    category: conditions\n    text: b\n",
    ),
    (
        "deaths:\n  - id:\u2003a\n    name: b\n",
        "2:8: YAML syntax error: an em space (U+2003) after 'id:': type an ordinary space",
        "deaths:\n  - id: a\n    name: b\n",
    ),
    (  # an @ before an id in a sources list is the inline citation's form: the id goes alone
        "status:\n  sources: [a, @test-2024-01-fake-report]\n",
        "2:16: YAML syntax error: in a sources list, write the id alone, without the @ ('test-2024-01-fake-report'):"
        " an @ before an id is the form of an inline citation in a text, [@test-2024-01-fake-report]",
        "status:\n  sources: [a, test-2024-01-fake-report]\n",
    ),
    (
        "status:\n  sources:\n    - a\n    # the report\n    - @b\n",
        "5:7: YAML syntax error: in a sources list, write the id alone, without the @ ('b'): an @ before an id is"
        " the form of an inline citation in a text, [@b]",
        "status:\n  sources:\n    - a\n    # the report\n    - b\n",
    ),
    (  # `new` writes `timeline: []`; its example entry, uncommented, goes below it
        "id: x\ntimeline: []\n# an example\n  - id: a\n    date: 2020\n",
        "2:11: YAML syntax error: 'timeline' has a value on its own line, [] (an empty list), so YAML cannot read the"
        " list on line 4 as its value: delete '[]' and leave 'timeline:' alone on its line",
        "id: x\ntimeline:\n# an example\n  - id: a\n    date: 2020\n",
    ),
    (  # in the key's column, a list item is the key's value too
        "campaign:\n  organizations: []  # none yet\n  - id: a\n",
        "2:18: YAML syntax error: 'organizations' has a value on its own line, [] (an empty list), so YAML cannot"
        " read the list on line 3 as its value: delete '[]' and leave 'organizations:' alone on its line",
        "campaign:\n  organizations:  # none yet\n  - id: a\n",
    ),
    (  # elsewhere, an @ may belong to the text
        "tags: [@FirstTen]\n",
        '1:8: YAML syntax error: a value cannot start with @ unless it is quoted: put the whole value in quotes ("…")',
        'tags: ["@FirstTen"]\n',
    ),
]


@pytest.mark.parametrize(("text", "said", "fixed"), CASES)
def test_a_syntax_error_says_what_to_do_where_and_doing_it_reads(text: str, said: str, fixed: str) -> None:
    doc, findings = parse(text.encode(), "facilities/x.yaml")
    assert doc is None
    assert [f"{f.loc.line}:{f.loc.col}: {f.message}" for f in findings] == [said]
    assert [f.code for f in findings] == ["yaml.syntax"]
    doc, findings = parse(fixed.encode(), "facilities/x.yaml")
    assert doc is not None and findings == []


def test_a_key_is_a_key_of_the_files_own_schema() -> None:
    text = b"sources:\n  - id: a\n    title: T\n    publisher Example Press\n"
    (found,) = parse(text, "facilities/sources.yaml", "sources")[1]
    assert (found.loc.line, found.loc.col) == (4, 14)
    assert found.message == (
        "YAML syntax error: a colon and a space are missing after 'publisher' (write 'publisher: …'), or YAML does"
        " not read 'publisher' as a key"
    )
    (found,) = parse(text, "facilities/x.yaml", "dossier")[1]  # a dossier has no `sources:` list of sources
    assert (found.loc.line, found.loc.col) == (4, 5)
    assert found.message.startswith("YAML syntax error: this line continues the value of 'title' (line 3)")


def test_an_entry_without_its_dash_is_one_finding_at_that_line() -> None:
    """Pasted without its `- `, an entry merges into the one above: each of its keys that entry has is
    a duplicate pointing at the entry that is right; the one finding is at the line that lacks the dash."""
    text = b"sources:\n  - id: a\n    title: A\n    id: b\n    title: B\n  - id: c\n    title: C\n"
    doc, findings = parse(text, "facilities/sources.yaml", "sources")
    assert doc is None
    assert [(f.code, f.loc.line, f.loc.col, f.message) for f in findings] == [
        (
            "yaml.duplicate-key",
            4,
            5,
            "'id' again in the entry of line 2: if a new entry starts here, it has no '- ' before its first key,"
            " so YAML merges it into that one (write '- id:', the dash under the dash of line 2); if not, delete"
            " one of the two",
        )
    ]
    fixed = text.replace(b"    id: b", b"  - id: b")
    doc, findings = parse(fixed, "facilities/sources.yaml", "sources")
    assert doc is not None and findings == []
    assert [item["id"] for item in doc.data["sources"]] == ["a", "b", "c"]


def test_a_key_repeated_in_an_entry_but_not_its_first_is_a_duplicate_key() -> None:
    text = b"sources:\n  - id: a\n    title: A\n    title: B\n"
    doc, findings = parse(text, "facilities/sources.yaml", "sources")
    assert doc is not None
    assert [(f.code, f.loc.line, f.loc.col, f.message) for f in findings] == [
        (
            "yaml.duplicate-key",
            4,
            5,
            "duplicate key 'title' (first defined at line 3); YAML would silently keep only the last one",
        )
    ]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "id: x\nname: &Co Fake Corrections\n",
            "2:7: a value cannot start with & unless it is quoted: YAML reads '&Co' as an anchor (a name for the value)"
            ' and does not print it; put the whole value in quotes ("…")',
        ),
        (
            "deaths:\n  - text: &c PLACEHOLDER one\n",
            "2:11: a value cannot start with & unless it is quoted: YAML reads '&c' as an anchor (a name for the value)"
            ' and does not print it; put the whole value in quotes ("…")',
        ),
        (
            "location: &here\n  city: X\n",
            "1:11: YAML reads '&here' as an anchor (a name for the value), which dossiers do not use: delete it (if it"
            ' belongs to a text, put the whole text in quotes, "…")',
        ),
        (
            "tags: &t [a]\n",
            "1:7: YAML reads '&t' as an anchor (a name for the value), which dossiers do not use: delete it (if it"
            ' belongs to a text, put the whole text in quotes, "…")',
        ),
    ],
)
def test_an_anchor_is_refused_where_it_stands_so_no_text_loses_its_first_word(text: str, said: str) -> None:
    """`name: &Co Fake Corrections` printed "Fake Corrections": YAML reads `&Co` as an anchor's name."""
    doc, findings = parse(text.encode(), "facilities/x.yaml")
    assert doc is None
    assert [(f.code, f"{f.loc.line}:{f.loc.col}: {f.message}") for f in findings] == [("yaml.anchor", said)]


def test_a_value_that_starts_with_an_asterisk_is_text_to_quote() -> None:
    doc, findings = parse(b"id: x\nname: *Fake\n", "facilities/x.yaml")
    assert doc is None
    assert [(f.code, f.loc.line, f.loc.col, f.message) for f in findings] == [
        (
            "yaml.alias",
            2,
            7,
            "a value cannot start with * unless it is quoted: YAML reads '*Fake' as an alias (a copy of a value named"
            ' elsewhere), which dossiers do not use; put the whole value in quotes ("…")',
        )
    ]
    doc, findings = parse(b'id: x\nname: "*Fake"\n', "facilities/x.yaml")
    assert doc is not None and findings == [] and doc.data["name"] == "*Fake"


@pytest.mark.parametrize("text", ["deaths:\n  - text: ! the facility\n", "deaths:\n  - text: !\n"])
def test_a_value_that_starts_with_a_bare_exclamation_mark_is_text_to_quote(text: str) -> None:
    """`text: ! the facility` printed "the facility": YAML reads a bare `!` as a tag and drops it."""
    doc, findings = parse(text.encode(), "facilities/x.yaml")
    assert doc is None
    assert [(f.code, f.loc.line, f.loc.col, f.message) for f in findings] == [
        (
            "yaml.tag",
            2,
            11,
            "a value cannot start with ! unless it is quoted: YAML reads '!' as a tag and does not print it; put the"
            ' whole value in quotes ("…")',
        )
    ]
    doc, findings = parse(b'deaths:\n  - text: "! the facility"\n', "facilities/x.yaml")
    assert doc is not None and findings == [] and doc.data["deaths"][0]["text"] == "! the facility"


def test_a_no_break_space_after_a_key_is_found_where_the_yaml_reads_anyway() -> None:
    """`summary:\u00a0…` under `campaign:` is no key: YAML reads it as the text of `campaign`, which the
    schema then called a text where a mapping belongs, showing the no-break space as a space."""
    text = "campaign:\n  summary:\u00a0Local groups campaigned\nname: x\n"
    doc, findings = parse(text.encode(), "facilities/x.yaml")
    assert doc is None
    assert [(f.code, f.loc.line, f.loc.col, f.message) for f in findings] == [
        ("yaml.syntax", 2, 11, "YAML syntax error: a no-break space (U+00A0) after 'summary:': type an ordinary space")
    ]
    doc, findings = parse(text.replace("\u00a0", " ").encode(), "facilities/x.yaml")
    assert doc is not None and findings == [] and doc.data["campaign"] == {"summary": "Local groups campaigned"}
    for text in ("text: see the note:\u00a0it says", 'name: "summary:\u00a0x"', "text: >-\n  Note:\u00a0it says\n"):
        doc, findings = parse(text.encode(), "facilities/x.yaml")  # text, not a key
        assert doc is not None and findings == []


def test_an_id_quoted_with_its_at_in_a_sources_list_says_to_drop_the_at() -> None:
    """Quoted as the syntax error used to advise, `["@id"]` was "not valid; write the id of a source…"."""
    raw = (FIXTURES / "_base/facilities/sample.yaml").read_text()
    assert raw.count("sources: [gov-report-2020]") > 1
    _, findings = read_dossier(
        raw.replace("sources: [gov-report-2020]", 'sources: ["@gov-report-2020"]', 1).encode(), "facilities/sample.yaml"
    )
    assert [(f.code, f.loc.line, f.loc.col, f.message) for f in findings] == [
        (
            "schema.pattern",
            8,
            13,
            "location.sources[1]: '@gov-report-2020' is not valid; in a sources list, write the id alone, without"
            " the @ ('gov-report-2020'): an @ before an id is the form of an inline citation in a text,"
            " [@gov-report-2020]",
        )
    ]
