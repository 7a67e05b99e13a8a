"""Property tests: whatever bytes reach a reader, it returns records or findings, never an exception.

CI runs each property with the `ci` profile's example count. For a longer search:

    HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_properties.py
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from report.i18n.catalogs import parse_catalog
from report.findings import Finding, Loc
from report.content import schema
from report.content.load import read_dossier, read_settings, read_sources
from report.i18n.localize import Localizer
from report.content.model import CITE_RE, PartialDate, Source, Text, note_groups, note_letters, printed
from report.render.html import Citer
from report.content.yamldoc import parse

from .conftest import BASE, make_project, run_cli
from .conftest import replace as replace_text
from .test_fixtures import finding_lines

REL = "facilities/sample.yaml"
SAMPLE = (BASE / REL).read_bytes()
SAMPLE_DATA = yaml.safe_load(SAMPLE)
YAMLISH = st.text(alphabet=st.sampled_from(list("ab1-:[]{}#&*!|>'\"\\ \n\t,?%@`~.\u00e9\u2028\r\x00")), max_size=200)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from(
        ["2021-02-30", "0000-04-17", "2020-05/2020-01", "undated", "[@news-2021]", "<script>", "../../etc/passwd"]
    ),
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


def assert_findings(findings: list[Finding], rel: str) -> None:
    """Every finding names the file and a real position."""
    for finding in findings:
        assert finding.loc.path == rel
        assert finding.loc.line >= 1 and finding.loc.col >= 1
        assert finding.level in ("error", "warning")
        assert "\n" not in finding.message


# -- the YAML loader ----------------------------------------------------------------------------


@given(st.binary(max_size=400))
def test_parse_any_bytes(raw: bytes) -> None:
    doc, findings = parse(raw, REL)
    assert_findings(findings, REL)
    assert doc is not None or any(f.level == "error" for f in findings)


@given(YAMLISH)
def test_parse_yamlish_text(text: str) -> None:
    doc, findings = parse(text.encode("utf-8", "surrogatepass"), REL)
    assert_findings(findings, REL)


@pytest.mark.slow
@given(st.data())
def test_dossier_with_one_value_replaced(data: st.DataObject) -> None:
    """A valid dossier with any one value (or key) replaced loads, or says why not."""
    dossier = yaml.safe_load(SAMPLE)
    node, path = dossier, []
    while isinstance(node, (dict, list)) and node and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node))))
        path.append(key)
        node = node[key]
    replacement = data.draw(values)
    if not path:
        dossier = replacement
    else:
        parent = dossier
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = replacement
    raw = yaml.safe_dump(dossier, allow_unicode=True).encode()
    facility, findings = read_dossier(raw, REL)
    assert_findings(findings, REL)
    if facility is None:  # (a facility with, say, an id that differs from its file name still loads, to be checked)
        assert any(f.level == "error" for f in findings)


@given(st.binary(max_size=300) | YAMLISH.map(str.encode))
def test_settings_and_sources_any_input(raw: bytes) -> None:
    for reader, rel in ((read_settings, "report.yaml"), (read_sources, "facilities/sources.yaml")):
        _, findings = reader(raw, rel)
        assert_findings(findings, rel)


@given(st.integers(min_value=1, max_value=5000), st.sampled_from(["[", "{a: ", "- "]))
def test_deep_nesting_is_a_finding(depth: int, opener: str) -> None:
    closer = {"[": "]", "{a: ": "}", "- ": ""}[opener]
    text = "x: " + opener * depth + "1" + closer * depth + "\n"
    doc, findings = parse(text.encode(), REL)
    codes = [f.code for f in findings]
    if doc is None:
        assert codes and codes[0] in ("limit.depth", "yaml.syntax")


# -- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "old", "new", "where"),
    [
        (REL, "date: 2020-03-01", "date: 0000-03-01", "37:11"),  # a death
        (REL, "date: 2020-03-01", "date: 2020-03-01/0000", "37:11"),  # the end of a range
        (REL, "date: 2024-05-01", "date: 0000-05-01", "60:9"),  # review.date
        ("facilities/sources.yaml", "date: 2020-05-01", "date: 0000-05-01", "7:11"),
        ("report.yaml", "first_published: 2021-02-25", "first_published: 0000-02-25", "6:18"),
        ("report.yaml", 'edition: "2024-06-01"', 'edition: "0000-06-01"', "5:10"),
    ],
)
def test_a_date_in_year_0000_is_an_impossible_date_at_its_line(
    tmp_path: Path, fixed_today: None, rel: str, old: str, new: str, where: str
) -> None:
    """The calendar has no year 0 (1 BC is followed by AD 1): `check` once crashed making a date of it."""
    root = make_project(tmp_path)
    replace_text(root, rel, old, new)
    code, out, err = run_cli("--root", str(root), "check")
    value = new.split(": ")[1].strip('"')
    assert finding_lines(out) == [
        f"{rel}:{where}: error: impossible date '{value}': year 0 does not exist [date.invalid]"
    ]
    assert code == 1 and err == ""


@pytest.mark.parametrize(
    ("rel", "old", "new", "where", "year"),
    [
        (REL, "date: 2020-03-01", "date: 0019-03-01", "37:11", 19),  # a death
        (REL, "date: 2020-03-01", "date: 0999/2020-03-01", "37:11", 999),  # the start of a range
        (REL, "date: 2020-03-01", "date: 2020-03-01/0202", "37:11", 202),  # the end of a range, not `date.order`
        ("facilities/sources.yaml", "date: 2020-05-01", "date: 0020-05", "7:11", 20),
        ("report.yaml", "first_published: 2021-02-25", "first_published: 0021-02-25", "6:18", 21),
        ("report.yaml", 'edition: "2024-06-01"', 'edition: "0024-06-01"', "5:10", 24),
    ],
)
def test_a_year_before_1000_written_in_four_digits_is_refused_as_the_number_is(
    tmp_path: Path, fixed_today: None, rel: str, old: str, new: str, where: str, year: int
) -> None:
    """The schema's dates start at the year 1000 (`minimum`), which refused `date: 19` but passed
    `date: 0019-03-01`, a string: the PDF printed "March 1, 19", which a reader takes for 2019."""
    root = make_project(tmp_path)
    replace_text(root, rel, old, new)
    code, out, err = run_cli("--root", str(root), "check")
    value = new.split(": ")[1].strip('"')
    assert finding_lines(out) == [
        f"{rel}:{where}: error: date '{value}' is in the year {year}, before 1000, the earliest a date here may be:"
        " write the year's four digits as the source gives them [date.invalid]"
    ]
    assert code == 1 and err == ""


# -- numbers --------------------------------------------------------------------------------------


def _number_nodes(node: object, where: str) -> list[tuple[str, dict]]:
    """Return (where, node) for every node of a schema that accepts a number."""
    found = []
    if isinstance(node, dict):
        types = node.get("type")  # (under "properties", a field may be called "type")
        if {"integer", "number"} & set(types if isinstance(types, list) else [types] if isinstance(types, str) else []):
            found.append((where, node))
        for key, child in node.items():
            found += _number_nodes(child, f"{where}/{key}")
    elif isinstance(node, list):
        for i, child in enumerate(node):
            found += _number_nodes(child, f"{where}/{i}")
    return found


def test_every_number_the_schemas_accept_is_bounded_and_printable() -> None:
    """A number `check` lets through reaches Babel, which formats at most 28 digits: every one is bounded."""
    nodes = [
        (f"{kind}{where}", node) for kind in schema.KINDS for where, node in _number_nodes(schema.inlined(kind), "")
    ]
    assert any(where.endswith("/count") for where, _ in nodes)
    for where, node in nodes:
        highest = node.get("maximum", node.get("exclusiveMaximum"))
        lowest = node.get("minimum", node.get("exclusiveMinimum"))
        assert highest is not None and lowest is not None, f"{where} accepts any number"
        for locale in ("en_US", "es_US", "es_ES"):
            Localizer("en", "en", None, locale).number(highest)
            Localizer("en", "en", None, locale).number(lowest)


# -- prose ----------------------------------------------------------------------------------------

SOURCES = {
    sid: Source(
        sid, "report", f"Title {sid}", (f"Publisher {sid}",), f"https://example.org/{sid}", Loc("s"), None, Loc("s")
    )
    for sid in ("a", "news-2021", "gov-report-2020")
}
prose_text = st.lists(
    st.one_of(
        st.text(max_size=30),
        st.sampled_from(["[@a]", "[@news-2021]", "[@gov-report-2020]", "[@unknown]", "[@", "]", "<b>", "&amp;", " "]),
    ),
    max_size=12,
).map("".join)


class _Elements(HTMLParser):
    """Collects the tags and the text outside the notes (a PDF footnote span, a site note call)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple]] = []
        self.text: list[str] = []
        self.open: list[bool] = []  # for each open element: is it a note?

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, tuple(name for name, _ in attrs)))
        note = (tag, dict(attrs).get("class")) in {("span", "fn"), ("sup", "noteref")}
        self.open.append(note or bool(self.open and self.open[-1]))

    def handle_endtag(self, tag: str) -> None:
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if not (self.open and self.open[-1]):
            self.text.append(data)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(prose_text, st.sampled_from(["pdf", "site"]))
def test_prose_escapes_text_and_turns_citations_into_notes(value: str, mode: str) -> None:
    assume("\r" not in value)  # HTML parsers normalise carriage returns
    citer = Citer(SOURCES, mode, lambda s: f"#src-{s.id}", Localizer("en", "en", None, "en_US"))
    html = citer.prose(Text(value, "ctx", "", Loc(REL, 1, 1)))
    assert isinstance(html, Markup)
    parser = _Elements()
    parser.feed(str(html))
    parser.close()
    notes = {
        "pdf": {("span", ("class",)), ("a", ("href",))},
        "site": {("sup", ("class",)), ("a", ("href", "id", "role"))},
    }
    typography = {("q", ()), ("cite", ()), ("span", ("class",))}  # report/render/typography.py
    assert set(parser.tags) <= notes[mode] | typography
    # Outside the notes, the text reads as written, less its citation markers and the space before them.
    # (An unknown id prints nothing: `check` refuses it before any build.) Typography only turns
    # paired straight quotes into <q> or <cite> and apostrophes into ’, and moves a punctuation
    # mark across the notes, which leaves the text outside them as it was (but for the period
    # of "U.S. [@a].", which the abbreviation's period absorbs).
    expected = re.sub(rf"\s*(?:{CITE_RE.pattern}\s*)+", lambda m: " " if m.group(0).endswith(" ") else "", value)

    def plain(text: str) -> str:
        return re.sub(r"\.\.+", ".", text.replace('"', "").replace("’", "'"))

    assert plain("".join(parser.text)) == plain(expected)


@pytest.mark.slow
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [("Wikipedia",), ("The Gadsden Times",), ("The Gadsden  Times",), ("A and B",), ("A y B",), ("A", "B")]
            ),
            st.sampled_from([None, PartialDate(2022), PartialDate(2022, 3, 25)]),
            st.booleans(),
            st.sampled_from(["B", "a", "A", "Key dates"]),
        ),
        max_size=40,
    ),
    st.sampled_from(["en", "es"]),
)
def test_no_two_sources_print_the_same_note(drawn: list, lang: str) -> None:
    """Sources sharing a publisher and a date get letters after it, in title order: every note differs
    as printed (HTML collapses `The Gadsden  Times`; `A and B` prints as `[A, B]` does in English)."""
    sources = [
        Source(
            f"s{i}",
            "news",
            title,
            publisher,
            f"https://example.org/{i}",
            Loc("s"),
            date,
            Loc("s"),
            date_approximate=about,
        )
        for i, (publisher, date, about, title) in enumerate(drawn)
    ]
    letters = note_letters(sources, ("en_US", "es_US"))
    sources = [replace(s, note_letter=letters.get(s.id, "")) for s in sources]
    citer = Citer(
        {s.id: s for s in sources},
        "pdf",
        lambda s: "#",
        Localizer(lang, "en", None, {"en": "en_US", "es": "es_US"}[lang]),
    )
    notes = [printed(citer.short(s)) for s in sources]
    assert len(set(notes)) == len(notes)
    for group in note_groups(sources, ("en_US", "es_US")):
        members = sorted(group, key=lambda s: (s.title.casefold(), s.id))
        if len(members) == 1:
            assert members[0].note_letter == ""
        else:  # a, b, … z, then aa, ab…
            assert [s.note_letter for s in members[:26]] == [chr(ord("a") + i) for i in range(min(len(members), 26))]
            assert [s.note_letter for s in members[26:28]] == ["aa", "ab"][: len(members) - 26]


# -- catalogs ---------------------------------------------------------------------------------------


@given(st.binary(max_size=400))
def test_catalog_any_bytes(raw: bytes) -> None:
    parsed = parse_catalog(raw, "i18n/es/LC_MESSAGES/messages.po", "es")
    for line, col, code, message in parsed.problems:
        assert line >= 1 and col >= 1 and code and "\n" not in message


po_lines = st.lists(
    st.sampled_from(
        [
            'msgid ""',
            'msgstr ""',
            '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
            '"Plural-Forms: nplurals=x;\\n"',
            '"Content-Type: text/plain; charset=nonsense\\n"',
            '"Language: pt\\n"',
            'msgctxt "c"',
            'msgid "a"',
            'msgid_plural "as"',
            'msgstr "b"',
            'msgstr[0] "b"',
            'msgstr[7] "b"',
            'msgstr[x] "b"',
            '"continued"',
            '"open',
            "#, fuzzy",
            '#| msgid "old"',
            '#~ msgid "gone"',
            '#~ msgstr "ido"',
            "#: file.yaml:x",
            "garbage",
            "",
        ]
    ),
    max_size=20,
).map("\n".join)


@given(po_lines)
def test_catalog_po_like_lines(text: str) -> None:
    parsed = parse_catalog(text.encode(), "i18n/es/LC_MESSAGES/messages.po", "es")
    Localizer("es", "en", parsed, "es_US")  # the build compiles the plural rule: it must be a valid one
    for line, col, _code, _message in parsed.problems:
        assert 1 <= line <= text.count("\n") + 1 and col >= 1


# Any text a translator can type: no control characters (the reader refuses those) but tabs and newlines.
message_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n"), min_size=1, max_size=40
)


@pytest.mark.slow
@given(st.dictionaries(st.tuples(st.none() | st.sampled_from(["a", "b:c"]), message_text), message_text, max_size=8))
def test_catalog_reads_back_what_babel_writes(messages: dict) -> None:
    """Every catalog Babel (and so Poedit's format) writes, with any text, reads back whole and clean."""
    catalog = Catalog(locale="es", charset="utf-8")
    for (context, msgid), msgstr in messages.items():
        catalog.add(msgid, msgstr, context=context)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)
    parsed = parse_catalog(buffer.getvalue(), "i18n/es/LC_MESSAGES/messages.po", "es")
    assert parsed.problems == ()
    assert {(e.context, e.msgid): e.strings[0] for e in parsed.entries} == messages


def test_the_first_publication_is_one_date_not_a_range(tmp_path: Path, fixed_today: None) -> None:
    """A report is first published once: `first_published: 2021/2022` passed, and the cover printed
    "First published: 2021–2022"."""
    root = make_project(tmp_path)
    replace_text(root, "report.yaml", "first_published: 2021-02-25", "first_published: 2021/2022")
    code, out, err = run_cli("--root", str(root), "check")
    assert finding_lines(out) == [
        "report.yaml:6:18: error: first_published: '2021/2022' is not valid; write one date, 2021, 2021-02 or"
        " 2021-02-25 [date.invalid]"
    ]
    assert code == 1 and err == ""
