"""The `i18n.glossary` check's matching rules (the fixture i18n-glossary shows the finding line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from report.i18n.glossary import Term, missed_terms, read_glossary

from .conftest import REPO

TERMS = (
    Term("jail", ("cárcel",), 2),
    Term("deputy", ("agente del alguacil",), 3),
    Term("detainee", ("persona detenida",), 4),
    Term("Department of Homeland Security", ("Departamento de Seguridad Nacional", "DHS"), 5),
    Term("Homeland Security", ("Seguridad Nacional",), 6),
    Term("U.S.", ("EE. UU.", "Estados Unidos"), 7),
    Term("sheriff's office", ("oficina del alguacil",), 8),
    Term("detention center", ("centro de detención",), 9),
)


def missed(english: str, spanish: str) -> list[str]:
    return [t.source for t in missed_terms(TERMS, english, spanish)]


@pytest.mark.parametrize(
    ("english", "spanish", "expected"),
    [
        ("The jail was full.", "La prisión estaba llena.", ["jail"]),
        ("The jail was full.", "La cárcel estaba llena.", []),
        ("Jails were full.", "Las cárceles estaban llenas.", []),  # plural both sides, sentence-initial
        ("It held 40 people. Jail staff left.", "Tenía 40 personas. El personal se fue.", ["jail"]),
        ("He was held at Pulaski County Jail.", "Estuvo en la Pulaski County Jail.", []),  # a name, not the term
        ("The jail's doors.", "Las puertas de la CÁRCEL.", []),  # possessive; Spanish case-insensitive
        ("The jail.", "La carcel.", ["jail"]),  # accent-sensitive
        ("Its deputies stopped drivers.", "Los agentes del alguacil paraban a conductores.", []),  # y -> ies, +s
        ("Detainees spoke.", "Las personas detenidas hablaron.", []),
        ("Detainee Allies asked for help.", "Detainee Allies pidió ayuda.", []),  # a name kept in English
        ("The Department of Homeland Security said.", "El DHS dijo.", []),  # the longer term claims its words
        ("Homeland Security said.", "El DHS dijo.", ["Homeland Security"]),
        ("U.S. law", "la ley de EE.\u00a0UU.", []),  # no-break space folded
        ("the u.s. law", "la ley", []),  # a capitalised term matches exactly
        ("The sheriff’s office [@src-1] acted.", "La oficina del alguacil [@src-1] actuó.", []),  # ’ is '
        ("%(num)s detention centers", "%(num)s centros de detención", []),
        ("detention centers [@a]", "centros [@a]", ["detention center"]),
        ("subdetainee", "nada", []),  # whole words only
        ("The jail.", "La cár\u00adcel.", []),  # a soft hyphen, a hyphenation hint, prints nothing
        ("The de\u00adtention center.", "El centro de deten\u00adción.", []),  # in the English too
        ("The jail.", "La car\u00adcel.", ["jail"]),
    ],
)
def test_matching_rules(english: str, spanish: str, expected: list[str]) -> None:
    assert missed(english, spanish) == expected


def test_a_soft_hyphen_in_a_translation_uses_the_term_it_prints() -> None:
    """The README allows a soft hyphen (U+00AD) as a hyphenation hint, and the page and the PDF
    print "detención de inmigrantes" with one in it, yet the check warned that the translation
    used none of the term's renderings. It is removed before comparing, as are the direction
    marks and isolates right-to-left text may hold; what a rendering lacks is still reported."""
    terms, findings = read_glossary(REPO, "es")
    assert findings == []
    english = "The coalition called for an end to immigration detention."
    spanish = "La coalición pidió el fin de la {} de inmigrantes."
    for word in ("detención", "deten\u00adción", "de\u00adten\u00adción", "detención\u200e", "\u2068detención\u2069"):
        assert [t.source for t in missed_terms(terms, english, spanish.format(word))] == [], word
    assert [t.source for t in missed_terms(terms, english, spanish.format("reclusión"))] == ["immigration detention"]


def test_the_spanish_glossary_reads_with_alternatives_grouped() -> None:
    terms, findings = read_glossary(REPO, "es")
    assert findings == []
    by_source = {t.source: t for t in terms}
    assert len(terms) >= 25
    assert by_source["advocate"].targets[:2] == ("personas defensoras", "organizaciones defensoras")
    assert by_source["U.S."].targets == ("EE. UU.", "Estados Unidos")  # the no-break space folded


def test_a_glossary_without_its_columns_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "i18n/es").mkdir(parents=True)
    (tmp_path / "i18n/es/glossary.csv").write_text('"term","translation"\n"jail","cárcel"\n', encoding="utf-8")
    terms, findings = read_glossary(tmp_path, "es")
    assert terms == ()
    assert [str(f) for f in findings] == [
        "i18n/es/glossary.csv:1:1: error: the glossary has no column source, target [i18n.glossary]"
    ]


def test_a_glossary_saved_by_a_spreadsheet_with_a_byte_order_mark_reads_whole(tmp_path: Path) -> None:
    """Excel's "CSV UTF-8" starts the file with a BOM (and ends lines with CRLF), which Weblate reads:
    the first column is "source", not "\ufeffsource" missing its column."""
    (tmp_path / "i18n/es").mkdir(parents=True)
    text = '"source","target","developer_comments"\r\n"jail","cárcel",""\r\n"jail","prisión",""\r\n'
    (tmp_path / "i18n/es/glossary.csv").write_bytes(b"\xef\xbb\xbf" + text.encode())
    terms, findings = read_glossary(tmp_path, "es")
    assert [str(f) for f in findings] == []
    assert terms == (Term("jail", ("cárcel", "prisión"), 2),)


@pytest.mark.parametrize(("separator", "said"), [(";", "';'"), ("\t", "a tab")])
def test_a_glossary_saved_with_another_separator_says_so(tmp_path: Path, separator: str, said: str) -> None:
    """A spreadsheet in a Spanish locale saves CSV with ';': the columns are there, the commas are not."""
    (tmp_path / "i18n/es").mkdir(parents=True)
    rows = [["source", "target", "developer_comments"], ["jail", "cárcel", ""]]
    text = "".join(separator.join(f'"{cell}"' for cell in row) + "\n" for row in rows)
    (tmp_path / "i18n/es/glossary.csv").write_text(text, encoding="utf-8")
    terms, findings = read_glossary(tmp_path, "es")
    assert terms == ()
    assert [str(f) for f in findings] == [
        "i18n/es/glossary.csv:1:1: error: the glossary has no column source, target: its first line separates"
        f" fields with {said}; save it with ',' between fields [i18n.glossary]"
    ]


def test_a_glossary_that_is_not_utf8_is_one_error_at_the_byte(tmp_path: Path) -> None:
    """At its line and column, as a dossier's or a catalog's, not at the file with a byte offset."""
    (tmp_path / "i18n/es").mkdir(parents=True)
    header = '"source","target","developer_comments"\n'.encode()
    (tmp_path / "i18n/es/glossary.csv").write_bytes(header + '"jail","cárcel","'.encode() + b'\xff"\n')
    terms, findings = read_glossary(tmp_path, "es")
    assert terms == ()
    assert [str(f) for f in findings] == [
        "i18n/es/glossary.csv:2:18: error: the glossary is not valid UTF-8: byte 0xff cannot be decoded;"
        " save it as UTF-8 [i18n.glossary]"
    ]


@pytest.mark.parametrize(
    ("codec", "said"),
    [
        ("utf-16", "UTF-16 text, not UTF-8: it starts with a UTF-16 byte order mark"),
        ("utf-16-le", "UTF-16 text (little-endian, without a byte order mark), not UTF-8"),
    ],
)
def test_a_glossary_saved_as_utf16_is_named_so(tmp_path: Path, codec: str, said: str) -> None:
    """A spreadsheet's "Unicode text" was "not valid UTF-8: byte 0xff cannot be decoded", and without
    its mark had no column source, target."""
    (tmp_path / "i18n/es").mkdir(parents=True)
    text = '"source","target","developer_comments"\r\n"jail","c\u00e1rcel",""\r\n'
    (tmp_path / "i18n/es/glossary.csv").write_bytes(text.encode(codec))
    terms, findings = read_glossary(tmp_path, "es")
    assert terms == ()
    assert [str(f) for f in findings] == [
        f"i18n/es/glossary.csv:1:1: error: the glossary is {said}; save it as CSV UTF-8 [i18n.glossary]"
    ]


def test_a_missed_term_is_reported_at_the_msgstr_the_translator_edits(tmp_path: Path) -> None:
    """A long English spans several lines of the catalog: the warning named the msgid's line, eight
    lines above the msgstr where the translator wrote "visitas legales"."""
    from report.i18n.catalogs import parse_catalog
    from report.i18n.glossary import check_glossary
    from report.project import catalog_path

    (tmp_path / "i18n/es").mkdir(parents=True)
    (tmp_path / "i18n/es/glossary.csv").write_text(
        '"source","target","developer_comments"\n"legal visit","visita de abogados",""\n', encoding="utf-8"
    )
    po = (
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgctxt "lasalle:summary"\nmsgid ""\n"People held there waited weeks "\n"for a legal visit."\n'
        'msgstr ""\n"Las personas detenidas esperaban semanas "\n"visitas legales."\n'
    )
    catalog = parse_catalog(po.encode(), catalog_path("es"), "es")
    assert [str(f) for f in check_glossary(tmp_path, "es", catalog)] == [
        f"{catalog_path('es')}:11:1: warning: 'People held there waited weeks for a legal visit.' has the glossary"
        " term 'legal visit' (i18n/es/glossary.csv:2), but its translation uses none of 'visita de abogados'"
        " [i18n.glossary]"
    ]


def test_each_entry_is_matched_against_the_glossary_once_while_neither_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The live preview checks the whole catalog against the glossary on every save, and a save
    changes a few entries, or none: an entry whose English and translation the terms have met
    is not matched again. An edited one is, and says what it misses."""
    from report.i18n import glossary
    from report.i18n.catalogs import parse_catalog
    from report.project import catalog_path

    (tmp_path / "i18n/es").mkdir(parents=True)
    (tmp_path / "i18n/es/glossary.csv").write_text(
        '"source","target","developer_comments"\n"guard","guardia",""\n"detainee","persona detenida",""\n',
        encoding="utf-8",
    )
    header = (
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
    )
    body = 'msgctxt "a:summary"\nmsgid "A guard struck a detainee."\nmsgstr "Un guardia golpeó a una {}."\n'
    matched: list[str] = []
    real_missed = glossary.missed_terms

    def counted(terms: tuple[Term, ...], english: str, translation: str) -> list[Term]:
        matched.append(translation)
        return real_missed(terms, english, translation)

    monkeypatch.setattr(glossary, "missed_terms", counted)
    said = []
    for word in ("presa", "presa", "persona detenida", "presa"):
        catalog = parse_catalog((header + body.format(word)).encode(), catalog_path("es"), "es")
        said.append([f.message.split(", but")[0] for f in glossary.check_glossary(tmp_path, "es", catalog)])
    assert said == [["'A guard struck a detainee.' has the glossary term 'detainee' (i18n/es/glossary.csv:3)"]] * 2 + [
        [],
        ["'A guard struck a detainee.' has the glossary term 'detainee' (i18n/es/glossary.csv:3)"],
    ]
    assert matched == ["Un guardia golpeó a una presa.", "Un guardia golpeó a una persona detenida."]


def test_the_memo_of_matched_entries_keeps_the_catalog_and_a_few_earlier_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The memo grew by one pair of English and translation for each edit a preview session saw, without
    end: it keeps the entries of the catalog last checked and `EARLIER` more, the latest."""
    from report.i18n import glossary
    from report.i18n.catalogs import parse_catalog
    from report.project import catalog_path

    (tmp_path / "i18n/es").mkdir(parents=True)
    (tmp_path / "i18n/es/glossary.csv").write_text(
        '"source","target","developer_comments"\n"guard","guardia",""\n', encoding="utf-8"
    )
    header = (
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgctxt "b:summary"\nmsgid "Nothing changes."\nmsgstr "Nada cambia."\n\n'
    )
    body = 'msgctxt "a:summary"\nmsgid "A guard struck {}."\nmsgstr "Un guardia golpeó a {}."\n'
    monkeypatch.setattr(glossary, "EARLIER", 2, raising=False)
    terms = glossary.read_glossary(tmp_path, "es")[0]
    glossary._missed(terms).clear()
    for n in range(10):
        catalog = parse_catalog((header + body.format(n, n)).encode(), catalog_path("es"), "es")
        assert glossary.check_glossary(tmp_path, "es", catalog) == []
    assert list(glossary._missed(terms)) == [
        ("A guard struck 7.", "Un guardia golpeó a 7."),
        ("A guard struck 8.", "Un guardia golpeó a 8."),
        ("Nothing changes.", "Nada cambia."),  # every check finds it: never the oldest
        ("A guard struck 9.", "Un guardia golpeó a 9."),
    ]
