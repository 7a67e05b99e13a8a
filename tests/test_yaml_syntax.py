"""What a YAML syntax error says: the line to fix, and what to do there, in a writer's words.

The common cases are fixture folders (`yaml-*`); these are their variants. Each broken text comes
with the text its advice leads to, which must read cleanly.
"""

from __future__ import annotations

import pytest

from report.content.yamldoc import parse

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
