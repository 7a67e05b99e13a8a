"""Text that prints otherwise than it reads: which characters are refused, and findings that show them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from report.content.load import read_dossier
from report.content.textfile import hidden_characters
from report.findings import Finding, Loc, error, prints_nothing, visible, visible_spaces

from .conftest import FIXTURES, make_project, replace, run_cli

ARABIC = "\u0645\u0631\u0643\u0632"
HEBREW = "\u05de\u05e8\u05db\u05d6"


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("evil", []),
        ("caf\u00e9 \u00a0 so\u00adft hyphen", []),  # accents, a no-break space, a soft hyphen
        ("ev\u202eil", ["\u202e"]),
        ("\u202aa\u202bb\u202cc\u202dd", ["\u202a", "\u202b", "\u202c", "\u202d"]),
        ("a\u200bb\u200b", ["\u200b"]),  # each character once, at its first place
        ("a\u200cb\u200dc", ["\u200c", "\u200d"]),
        ("a \u2066b\u2069 \u2067c\u2069 \u2068d\u2069", ["\u2066", "\u2069", "\u2067", "\u2068"]),
        ("a\u200eb\u200fc\u061cd", ["\u200e", "\u200f", "\u061c"]),
        ("a\u2060b\ufeffc\u2028d\u2029e", ["\u2060", "\ufeff", "\u2028", "\u2029"]),
        ("a\x1b[31mb\x07\x7f\x85", ["\x1b", "\x07", "\x7f", "\x85"]),
        ("flag \U000e0067\U000e0062", ["\U000e0067", "\U000e0062"]),
        # Variation selectors, after an emoji or not: no font of the report has the form they ask for.
        ("Center\ufe0f \u00a9\ufe0e \u2764\ufe0f", ["\ufe0f", "\ufe0e"]),
        ("\u845b\U000e0100 \ufe00", ["\U000e0100", "\ufe00"]),
        (f"{ARABIC}\ufe0f", ["\ufe0f"]),
        ("tab\there\nand a new line", []),
        # Right-to-left text may use isolates, marks and joiners, never an override.
        (f"{ARABIC} \u2066ICE\u2069\u200f \u200c{ARABIC}\u200d", []),
        (f"{HEBREW} \u2067x\u2069 \u2068y\u2069 \u200e", []),
        (f"{HEBREW} \u202eICE\u202c", ["\u202e", "\u202c"]),
        (f"{ARABIC}\u200b", ["\u200b"]),
    ],
)
def test_hidden_characters(text: str, refused: list[str]) -> None:
    found = hidden_characters(text)
    assert [text[index] for index, _ in found] == sorted(refused, key=text.index)
    for index, what in found:
        assert what.startswith(f"U+{ord(text[index]):04X}") and what.endswith(("; delete it", "instead"))


def test_a_finding_shows_hidden_characters_as_escapes() -> None:
    finding = error("code", Loc("facilities/e\u202evil.yaml", 2, 3), "name 'e\u202evil\u200b'\x1b[8m\ttab\nline\r")
    assert str(finding) == (
        "facilities/e\\u202evil.yaml:2:3: error: name 'e\\u202evil\\u200b'\\x1b[8m\\ttab\\nline\\r [code]"
    )
    assert Finding.from_dict(finding.as_dict()) == finding  # escaped once, not again
    assert str(error("code", Loc("a.yaml"), "caf\u00e9, 100\u00a0%, \u05de")) == (
        "a.yaml: error: caf\u00e9, 100\u00a0%, \u05de [code]"
    )


def test_a_joiner_outside_right_to_left_text_is_refused_for_a_true_reason() -> None:
    """The message said a joiner is what "only right-to-left text needs": emoji and Devanagari need one too."""
    assert [what for _, what in hidden_characters("a\u200db\u200cc")] == [
        "U+200D ZERO WIDTH JOINER, which emoji sequences and scripts such as Devanagari need and no font of the"
        " report has; delete it",
        "U+200C ZERO WIDTH NON-JOINER, which scripts such as Devanagari need and no font of the report has; delete it",
    ]
    assert [what for _, what in hidden_characters("a\u200eb")] == [
        "U+200E LEFT-TO-RIGHT MARK, which only right-to-left text needs; delete it"
    ]


def test_a_quoted_id_shows_a_no_break_space_escaped(tmp_path: Path) -> None:
    """A no-break space in a source id was quoted as itself, so the message showed an ordinary space."""
    root = make_project(tmp_path)
    replace(root, "facilities/sample.yaml", "sources: [gov-report-2020]", "sources: [gov-report\u00a02020]")
    replace(root, "facilities/sources.yaml", "id: gov-report-2020", "id: gov-report-2020\u2003")
    _, out, _ = run_cli("--root", str(root), "check")
    assert [line for line in out.splitlines() if "[schema.pattern]" in line] == [
        "facilities/sample.yaml:8:13: error: location.sources[1]: 'gov-report\\u00a02020' is not valid; write the id"
        " of a source in facilities/sources.yaml, like 'dwn-2021-02-25-first-ten-launch', not its URL or title"
        " [schema.pattern]",
        "facilities/sources.yaml:3:9: error: sources[1].id: 'gov-report-2020\\u2003' is not valid; use lower-case"
        " letters, digits and single hyphens: publisher, date, topic, like 'dwn-2021-02-25-first-ten-launch'"
        " [schema.pattern]",
    ]
    assert visible_spaces("a\u00a0b \u202fc\u200b") == "a\\u00a0b \\u202fc\\u200b"
    assert visible("100\u00a0%") == "100\u00a0%"  # prose quoted in a message keeps it as typed


def test_a_quoted_citation_marker_shows_a_no_break_space_as_an_id_does(tmp_path: Path) -> None:
    """The marker was quoted with Python's repr, which writes `\\xa0`; ids are quoted `\\u00a0`."""
    root = make_project(tmp_path)
    replace(root, "facilities/sample.yaml", "[@gov-report-2020]", "[@\u00a0gov-report-2020]")
    _, out, _ = run_cli("--root", str(root), "check")
    assert [line.split(": error: ")[1] for line in out.splitlines() if "[cite.malformed]" in line] == [
        "'[@\\u00a0gov-report-2020]' is not a citation marker: a marker holds the source id and nothing else;"
        " write [@gov-report-2020] [cite.malformed]"
    ]


SELECTOR = (
    "a variation selector (it asks for an emoji's or an ideograph's form of the character before it, which no"
    " font of the report has); delete it"
)


def test_variation_selectors_are_refused_and_quoted_as_escapes(tmp_path: Path) -> None:
    """U+FE0F in a name and U+E0100 in a text passed `check --release`, U+FE0F in a Spanish translation
    too; and the `i18n.fallback` finding and the pending list quoted the English's selector as itself."""
    root = make_project(tmp_path)
    shutil.copytree(FIXTURES / "_i18n", root, dirs_exist_ok=True)
    replace(root, "facilities/sample.yaml", "name: Sample Detention Center", "name: Sample\ufe0f Detention Center")
    replace(root, "facilities/sample.yaml", "text: ICE stopped using", "text: ICE stopped\U000e0100 using")
    po = "i18n/es/LC_MESSAGES/messages.po"
    replace(root, po, 'msgstr "La coalición celebró una vigilia', 'msgstr "La coalición\ufe0f celebró una vigilia')
    code, out, _ = run_cli("--root", str(root), "check", "--release")
    assert code == 1
    assert [line for line in out.splitlines() if "invisible]" in line or "fallback]" in line or "stopped" in line] == [
        f"facilities/sample.yaml:3:13: error: name contains U+FE0F VARIATION SELECTOR-16, {SELECTOR} [text.invisible]",
        "facilities/sample.yaml:24:9: error: Spanish translation out of date (the catalog has a translation of"
        " earlier English): using the English text 'ICE stopped\\U000e0100 using the facility.' [i18n.fallback]",
        f"facilities/sample.yaml:24:20: error: status.text contains U+E0100 VARIATION SELECTOR-17, {SELECTOR}"
        " [text.invisible]",
        f"{po}:113:1: error: the translation of 'The coalition held a vigil outside the facility.' contains"
        f" U+FE0F VARIATION SELECTOR-16, {SELECTOR} [i18n.invisible]",
        "  sample: facilities/sample.yaml:24 (other English in the catalog: 'ICE stopped using the facility.')"
        " 'ICE stopped\\U000e0100 using the facility.'",  # the pending list, not a finding
    ]


def test_a_quote_of_catalog_or_dossier_text_escapes_what_hides() -> None:
    """`brief` made a line separator the space it is not, and left a variation selector as itself."""
    from report.i18n.catalogs import brief

    assert visible("a\ufe0fb\U000e0100c\ufe0e") == "a\\ufe0fb\\U000e0100c\\ufe0e"
    assert brief(" one\n\ttwo\u2028three\rfour\u00a0five\ufe0f ") == "one two\\u2028three\\rfour five\\ufe0f"
    assert brief("e\u202evil " * 10, 20) == "e\\u202evil e\\u202evil e\\u202evil…"  # cut as written, then escaped


def test_the_release_checklist_quotes_a_note_with_escapes() -> None:
    """An editor's note is dossier text, printed by the checklist outside any finding."""
    from report.commands.release import Checklist, Claim, Dossier, format_checklist

    loc = Loc("facilities/a.yaml", 9, 5)
    checklist = Checklist(
        dossiers=(Dossier("a", loc, "draft", "confirmed", "call DWN\u202e first\ufe0f", True),),
        claims=(Claim(loc, "is the count\u2028right?"),),
    )
    lines = format_checklist(checklist, None).splitlines()
    assert [line for line in lines if "DWN" in line or "count" in line] == [
        "        note: call DWN\\u202e first\\ufe0f",
        "  [ ] facilities/a.yaml:9:5: is the count\\u2028right?",
    ]


@pytest.mark.parametrize(
    ("text", "blank"),
    [
        (" ", True),
        ("\u00a0\u2003\u3000\t\n", True),  # Unicode White_Space: no-break, em and ideographic spaces
        ("\u200b", True),  # a zero-width space (also `text.invisible`)
        ("\u00ad\u2060\ufeff", True),  # soft hyphen, word joiner, byte order mark: format characters
        ("\u3164\u2800", True),  # the Hangul filler and the blank Braille pattern print as nothing
        ("", False),  # empty is `minLength`'s own
        (" a ", False),
        ("\u00a0-", False),
        ("·", False),
    ],
)
def test_prints_nothing_is_white_space_and_what_prints_no_glyph(text: str, blank: bool) -> None:
    """The text `schema.empty` refuses as it refuses "": a value a reader would see as nothing."""
    assert prints_nothing(text) is blank


def test_an_unknown_key_shows_a_no_break_space_escaped() -> None:
    """`category\u00a0: conditions` printed "unknown key 'category '", the no-break space as a plain space."""
    raw = (FIXTURES / "_base/facilities/sample.yaml").read_text()
    assert "  category: inspection-finding" in raw
    for typed, shown in (("category\u00a0", "category\\u00a0"), ("cate\u200bgory", "cate\\u200bgory")):
        _, findings = read_dossier(
            raw.replace("  category: inspection-finding", f"  {typed}: inspection-finding", 1).encode(),
            "facilities/sample.yaml",
        )
        assert [(f.code, f.loc.line, f.loc.col, f.message) for f in findings] == [
            ("schema.unknown-key", 32, 5, f"unknown key '{shown}' in timeline[1]; did you mean 'category'?")
        ]
