"""A value far past its limit is reported at once: no test of text reads it once per character.

The fixtures `limit-length-unclosed-rule` and `i18n-markup-long` give the whole findings of such
values; here, the fast patterns are compared with the plain ones they replace (an oracle), and a
value with a finding at every few characters is located in one pass.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from report.content.load import _MARKUP_RE, read_dossier
from report.i18n.catalogs import _BREAKOUT_RE, _TAG_RE

from .conftest import BASE

REL = "facilities/sample.yaml"
PLAIN_MARKUP = re.compile(
    r"</?[A-Za-z][A-Za-z0-9-]*|<!--|@import|\b(?:expression|url)\(|\{[^{}]*:[^{}]*\}", re.IGNORECASE
)
PLAIN_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^<>]*>")
PLAIN_BREAKOUT = re.compile(r"""(["'])|([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=""")
MARKUPISH = st.lists(
    st.sampled_from([*"{}:;<>/=\"' \n-_.9aZé@(", "<a", "</b", "-c", "d=", "{e:", "url(", "<!--"]), max_size=30
).map("".join)


@given(MARKUPISH)
@example("<a-> <a-é> <b-c d='1'>")  # a name ends where a word does: before a last hyphen
@example("9a= -:b = x.y=")  # a name= starts at its first letter, `_` or `:`
@example("{a:b:c} {::")
def test_the_markup_patterns_find_what_the_plain_ones_found(text: str) -> None:
    found, plain = _MARKUP_RE.search(text), PLAIN_MARKUP.search(text)
    assert (found and (found.start(), found.group(0))) == (plain and (plain.start(), plain.group(0)))
    assert [(m.span(), m.groups()) for m in _TAG_RE.finditer(text)] == [
        (m.span(), m.groups()) for m in PLAIN_TAG.finditer(text)
    ]
    assert [(m.end(), m[1], m[2]) for m in _BREAKOUT_RE.finditer(text)] == [
        (m.end(), m[1], m[2]) for m in PLAIN_BREAKOUT.finditer(text)
    ]


@pytest.mark.slow
def test_a_value_of_150_000_malformed_markers_is_located_in_one_pass() -> None:
    """Each finding's place was counted from the top of the file: over half a minute for this value."""
    start = "  The sample facility was cited"
    raw = (BASE / REL).read_text(encoding="utf-8").replace(start, "  " + "[@a- " * 150_000 + start.strip(), 1)
    _, findings = read_dossier(raw.encode(), REL)
    assert str(findings[0]) == (
        f"{REL}:26:10: error: summary is 750,108 characters long, more than the 4,000 a field may have;"
        " shorten it [limit.length]"
    )
    assert {str(f).split(":", 3)[3] for f in findings[1:-1]} == {
        " error: '[@a- ' is not a citation marker: it is never closed; write [@source-id] [cite.malformed]"
    }
    assert [(f.loc.line, f.loc.col) for f in findings[1:]] == [(27, col) for col in range(3, 750_000, 5)]
    assert str(findings[-1]) == (
        f"{REL}:27:749998: error: '[@a- The sample facility was cited for poor medical care ' is not a"
        " citation marker: it is never closed; write [@source-id] [cite.malformed]"
    )


PLAIN_PLACEHOLDER = re.compile(r"%\([^)]*\)[a-z]")
PLAIN_REFERENCE = re.compile(r"\u2068([^\u2069]*)\u2069(?::(\d+))?|(\S+)")


@given(st.lists(st.sampled_from(["%(", ")s", "%(n)d", "a", " ", "%", ")", "s"]), max_size=20).map("".join))
def test_the_glossary_placeholder_pattern_finds_what_the_plain_one_found_where_names_hold_no_percent(
    text: str,
) -> None:
    from report.i18n.glossary import _PLACEHOLDER

    plain = [m.span() for m in PLAIN_PLACEHOLDER.finditer(text)]
    if any("%" in text[start + 2 : end] for start, end in plain):
        assert _PLACEHOLDER.findall("%(a %(b)s") == ["%(b)s"]  # the plain one read '%(a %(b)s' as one
        return
    assert [m.span() for m in _PLACEHOLDER.finditer(text)] == plain


@given(
    st.lists(st.sampled_from(["\u2068", "\u2069", "a b", ":12", " ", "x.html", "\u2068c d\u2069:3"]), max_size=20).map(
        "".join
    )
)
def test_the_reference_pattern_finds_what_the_plain_one_found_where_no_isolate_is_nested(text: str) -> None:
    from report.i18n.pofile import _REFERENCE_RE

    if "\u2068" in "".join(m.group(1) or "" for m in PLAIN_REFERENCE.finditer(text)):
        return  # gettext never nests them: the plain pattern read one isolate across another
    assert [(m.span(), m.groups()) for m in _REFERENCE_RE.finditer(text)] == [
        (m.span(), m.groups()) for m in PLAIN_REFERENCE.finditer(text)
    ]


MONTHISH = st.lists(
    st.sampled_from(["mayo", "May", "sept", "abril", "de", "del", "xyzw", "y", "5", "2019", "1,200", "10:30"])
    | st.sampled_from([" ", "  ", ".", ",", "-", "–", "\n", ":"]),
    max_size=24,
).map("".join)


@given(MONTHISH)
@example("5 de sept. de 2019")  # an abbreviation's period is a gap's
@example("abril y mayo-junio del 2019, mayo")  # a run of names dated by its number
@example("mayo de xyzw 2019")  # two words between: not dated
def test_the_months_that_date_something_are_those_of_the_plain_pattern(text: str) -> None:
    """Each name is judged by the text between it and its neighbours, read once; the plain pattern
    reads whole runs of names and numbers, and keeps the names of those holding a digit."""
    from report.i18n.catalogs import _GAP_RE, _NUMBER_RE, _month_names, _months

    months = _month_names("es")
    assert months is not None
    token = f"(?:{months.pattern.pattern}|{_NUMBER_RE.pattern})"
    plain = re.compile(f"{token}(?:{_GAP_RE.pattern}{token})*")
    dated = [name for run in plain.findall(text) if re.search(r"\d", run) for name in months.pattern.findall(run)]
    assert _months(text, months) == dated


def test_a_value_of_100_000_month_names_is_read_in_one_pass() -> None:
    """A text of names and gaps: each gap is read once, whether it dates a name or not."""
    from report.i18n.catalogs import _month_names, _months

    months = _month_names("es")
    assert months is not None
    assert _months("mayo, " * 100_000 + "2019", months) == ["mayo"] * 100_000
    assert _months("mayo" + " " * 200_000 + "de xyzw 2019", months) == []
