"""One test per private method of Babel's PO parser that `i18n.catalogs._Parser` overrides or uses.

Babel is pinned to a minor release (pyproject.toml) because of them. On an upgrade, these say
which override broke: each names the private method it depends on.
"""

from __future__ import annotations

import inspect

import pytest
from babel.messages.pofile import PoFileParser

from report.i18n.catalogs import _Parser, parse_catalog

HEADER = 'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'


@pytest.mark.parametrize(
    ("name", "parameters"),
    [
        ("_process_message_line", ["self", "lineno", "line", "obsolete"]),
        ("_finish_current_message", ["self"]),
        ("_add_message", ["self"]),
        ("_invalid_pofile", ["self", "line", "lineno", "msg"]),
        ("_reset_message_state", ["self"]),
    ],
)
def test_the_private_methods_we_rely_on_have_their_signatures(name: str, parameters: list[str]) -> None:
    assert list(inspect.signature(getattr(PoFileParser, name)).parameters) == parameters
    assert issubclass(_Parser, PoFileParser)


def test_process_message_line_reports_a_broken_line_and_drops_its_entry() -> None:
    parsed = parse_catalog((HEADER + 'msgid "a"\nmsgstr "b\n\nmsgid "c"\nmsgstr "d"\n').encode(), "x.po", "es")
    assert [(line, code) for line, _, code, _ in parsed.problems] == [(8, "i18n.syntax")]
    assert [e.msgid for e in parsed.entries] == ["c"]  # _finish_current_message dropped "a" (_reset_message_state)


def test_add_message_reports_a_header_babel_cannot_apply() -> None:
    header = HEADER.replace("nplurals=2; plural=(n != 1);", "nplurals=x; plural=(n != 1);")
    parsed = parse_catalog((header + 'msgid "a"\nmsgstr "b"\n').encode(), "x.po", "es")
    assert any(code == "i18n.header" and line == 1 for line, _, code, _ in parsed.problems), parsed.problems


def test_invalid_pofile_turns_too_many_plural_forms_into_a_finding() -> None:
    text = HEADER + 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] "bs"\nmsgstr[2] "bss"\n'
    parsed = parse_catalog(text.encode(), "x.po", "es")
    assert [code for _, _, code, _ in parsed.problems] == ["i18n.plural"]


def test_the_header_line_is_recorded_through_add_message() -> None:
    parser_problems = parse_catalog(
        ("\n\n" + HEADER.replace("Language: es", "Language: fr")).encode(), "x.po", "es"
    ).problems
    assert [(line, code) for line, _, code, _ in parser_problems] == [(3, "i18n.header")]
