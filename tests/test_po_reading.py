"""Reading catalogs: what msgfmt accepts we read, what it calls fatal we report, and no
translation can crash a build.

Fixture folders hold one case each (`po-*`, `i18n-format`); these tests add what a folder cannot
show: the build with a broken translation, msgfmt's verdict on the same files, and round trips.
"""

from __future__ import annotations

import gettext
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from report.content.model import PartialDate, Text
from report.findings import Loc
from report.i18n.catalogs import length_limit, parse_catalog
from report.i18n.extract import babel_catalog, catalog_bytes
from report.i18n.localize import Localizer
from report.i18n import pofile
from report.project import catalog_path
from report.render.html import environment

from .conftest import FIXED_TODAY, REPO, build, make_project, run_cli

SPANISH = catalog_path("es")
SAME_HINT = "; if the English is the translation too, say why in a translator comment `# SAME: …`"
"""What `i18n.untranslated` tells the translator of a copy that may be the right word (`# SAME:`)."""
HEADER = (
    'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
)


def _catalog(body: str) -> Localizer:
    return Localizer("es", "en", parse_catalog((HEADER + body).encode(), SPANISH, "es"), "es_US")


def test_english_copied_into_the_msgstr_is_english_not_a_translation() -> None:
    """Poedit's "copy from source" left in: printed unmarked, it would read as the Spanish while
    coverage counted it translated. Three words or more copied are English: printed as English
    (`lang="en"`) and counted untranslated; a name such as "Rhode Island" may stay as it is."""
    loc = _catalog(
        'msgid "Back to the text"\nmsgstr "Back to the text"\n\n'
        'msgctxt "state"\nmsgid "Rhode Island"\nmsgstr "Rhode Island"\n\n'
        'msgid "%(num)s person held in %(place)s"\nmsgid_plural "%(num)s people held in %(place)s"\n'
        'msgstr[0] "%(num)s person held in %(place)s"\nmsgstr[1] "%(num)s people held in %(place)s"\n\n'
        'msgid "Share the report [@a-b]."\nmsgstr "Share the report [@a-b]."\n\n'
        'msgid "Read the notes"\nmsgstr "Read the notes "\n'
    )
    # Placeholders and citation markers are not words; a trailing space changes nothing.
    assert [e.copied for e in loc.catalog.entries] == [True, False, True, True, True]
    assert [e.counted for e in loc.catalog.entries] == [
        "untranslated",
        "translated",
        "untranslated",
        "untranslated",
        "untranslated",
    ]
    env = environment(REPO, loc)
    assert env.from_string("{{ _('Back to the text') }}|{{ pgettext('state', 'Rhode Island') }}").render() == (
        '<span lang="en" class="fallback">Back to the text</span>|Rhode Island'
    )
    # One finding for one entry: the catalog's, at the msgstr (not the build's fallback too, at its msgid).
    assert loc.findings == []
    from report.i18n.coverage import check_catalog

    assert [str(f) for f in check_catalog(loc.catalog) if "Back to the text" in f.message] == [
        f"{SPANISH}:8:1: warning: not translated: the msgstr of 'Back to the text' is its English, copied"
        " unchanged; the build prints the entry as English: translate it, or leave the msgstr empty"
        f"{SAME_HINT} [i18n.untranslated]"
    ]


def test_a_copy_is_found_in_one_plural_form_and_past_spacing_case_and_quotes() -> None:
    """Poedit copies the English one plural tab at a time; a space added or the quotes changed
    is still the English. A name in title case, kept as it is on purpose, is no copy."""
    loc = _catalog(
        'msgid "a guaranteed minimum of %(num)s detainee"\nmsgid_plural "a guaranteed minimum of %(num)s detainees"\n'
        'msgstr[0] "un mínimo garantizado de %(num)s persona detenida"\n'
        'msgstr[1] "a guaranteed minimum of %(num)s detainees"\n\n'
        'msgid "Not the released edition: facts may change."\nmsgstr "Not the released  edition: facts may change. "\n\n'
        'msgid "He said \\"they left us\\" twice."\nmsgstr "he said “they left us” twice."\n\n'
        'msgctxt "report:keywords"\nmsgid "Communities Not Cages"\nmsgstr "Communities Not Cages"\n'
    )
    assert [e.copied_form for e in loc.catalog.entries] == [1, 0, 0, None]
    assert [e.counted for e in loc.catalog.entries] == ["untranslated"] * 3 + ["translated"]
    from report.i18n.coverage import check_catalog

    assert [(f.loc.line, f.message.split(" is its English")[0]) for f in check_catalog(loc.catalog)] == [
        (10, "not translated: the msgstr[1] of 'a guaranteed minimum of %(num)s detainee'"),
        (13, "not translated: the msgstr of 'Not the released edition: facts may change.'"),
        (16, "not translated: the msgstr of 'He said \"they left us\" twice.'"),
    ]
    env = environment(REPO, loc)
    assert env.from_string(
        "{{ ngettext('a guaranteed minimum of %(num)s detainee', 'a guaranteed minimum of %(num)s detainees', 1) }}"
    ).render() == ('<span lang="en" class="fallback">a guaranteed minimum of 1 detainee</span>')


def test_a_copy_is_found_past_its_final_punctuation() -> None:
    """A pasted English sentence with its final period deleted, or a "?" or "…" added, is still the
    English: printed as English and counted untranslated. Three words or more, as before."""
    english = "Now called the Central Louisiana ICE Processing Center, the facility remains in use."
    loc = _catalog(
        f'msgctxt "a:summary"\nmsgid "{english}"\nmsgstr "{english[:-1]}"\n\n'
        'msgid "Back to the text"\nmsgstr "Back to the text?! …"\n\n'
        'msgid "Read the notes:"\nmsgstr "read the notes;"\n\n'
        'msgctxt "a:heading"\nmsgid "Why?"\nmsgstr "Why"\n\n'
        'msgid "Share the report."\nmsgstr "Comparte el informe"\n'
    )
    assert [e.copied_form for e in loc.catalog.entries] == [0, 0, 0, None, None]
    assert [e.counted for e in loc.catalog.entries] == ["untranslated"] * 3 + ["translated"] * 2
    from report.i18n.coverage import check_catalog

    assert [(f.loc.line, f.message.split(" is its English")[0]) for f in check_catalog(loc.catalog)] == [
        (9, "not translated: the msgstr of 'Now called the Central Louisiana ICE Processing…'"),
        (12, "not translated: the msgstr of 'Back to the text'"),
        (15, "not translated: the msgstr of 'Read the notes:'"),
    ]
    prose = Text(english, "a:summary", "", Loc("facilities/a.yaml", 3, 1))
    assert str(loc.text(prose)) == f'<span lang="en" class="fallback">{english}</span>'


LABELS = {
    "Notes": "Notas",
    "Cite this": "Cómo citar",
    "Open data": "Datos abiertos",
    "Documented abuse": "Abusos documentados",
    "Get involved:": "Participa:",
    "Chapter %(number)s": "Capítulo %(number)s",
}
"""Short template labels of the shipped catalog, with their Spanish."""


def test_a_template_label_copied_is_english_whatever_its_length() -> None:
    """A label of one or two words pasted from the English ("copy from source") is English: the
    Spanish page printed "Notes" and "CHAPTER 1" unmarked, counted translated. A label that is no
    English words to translate stays as it is: capitals ("PDF", "COVID-19"), placeholders alone,
    a state's name (its context says it is a name)."""
    copies = "".join(f'msgid "{english}"\nmsgstr "{english}"\n\n' for english in LABELS)
    kept = (
        'msgid "PDF"\nmsgstr "PDF"\n\n'
        'msgid "COVID-19"\nmsgstr "COVID-19"\n\n'
        'msgid "%(name)s, %(state)s (%(status)s)"\nmsgstr "%(name)s, %(state)s (%(status)s)"\n\n'
        'msgctxt "state"\nmsgid "Texas"\nmsgstr "Texas"\n\n'
        'msgctxt "a:heading"\nmsgid "Notes"\nmsgstr "Notes"\n'
    )
    loc = _catalog(copies + kept)
    assert [e.copied for e in loc.catalog.entries] == [True] * 6 + [False] * 5
    assert [e.counted for e in loc.catalog.entries] == ["untranslated"] * 6 + ["translated"] * 5
    from report.i18n.coverage import check_catalog

    assert [str(f) for f in check_catalog(loc.catalog)] == [
        f"{SPANISH}:{line}:1: warning: not translated: the msgstr of '{english}' is its English, copied unchanged;"
        " the build prints the entry as English: translate it, or leave the msgstr empty"
        f"{SAME_HINT} [i18n.untranslated]"
        for line, english in zip(range(8, 26, 3), LABELS, strict=True)
    ]
    env = environment(REPO, loc)
    assert env.from_string("{{ _('Notes') }}|{{ _('Chapter %(number)s', number=1) }}|{{ _('PDF') }}").render() == (
        '<span lang="en" class="fallback">Notes</span>|<span lang="en" class="fallback">Chapter 1</span>|PDF'
    )


def test_the_shipped_template_strings_kept_in_english_are_no_copies() -> None:
    """Every template string the shipped Spanish catalog keeps as its English is a name, capitals
    or placeholders alone: none is counted untranslated."""
    catalog = parse_catalog((REPO / SPANISH).read_bytes(), SPANISH, "es")
    same = [e for e in catalog.active() if e.group == "templates" and e.strings == e.english]
    assert [(e.context, e.msgid) for e in same if e.context != "state"] == [
        (None, "COVID-19"),
        (None, "%(name)s, %(state)s (%(status)s)"),
    ]
    assert len([e for e in same if e.context == "state"]) == 34  # "Texas", "Rhode Island"; "Luisiana" is translated
    assert [e.msgid for e in same if e.copied] == []


def test_check_reports_the_shipped_labels_copied(tmp_path: Path) -> None:
    """The translator's case: six labels of the shipped catalog set to their English. `check`
    said nothing and counted the templates translated; each is now untranslated, at its msgstr."""
    from .conftest import copy_project, replace

    root = copy_project(tmp_path / "project")
    for english, spanish in LABELS.items():
        replace(root, SPANISH, f'msgid "{english}"\nmsgstr "{spanish}"\n', f'msgid "{english}"\nmsgstr "{english}"\n')
    catalog = parse_catalog((root / SPANISH).read_bytes(), SPANISH, "es")
    lines = {e.msgid: e.string_line(0) for e in catalog.active() if e.msgid in LABELS}
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    assert [line for line in out.splitlines() if "[i18n.untranslated]" in line] == [
        f"{SPANISH}:{lines[english]}:1: warning: not translated: the msgstr of '{english}' is its English, copied"
        " unchanged; the build prints the entry as English: translate it, or leave the msgstr empty"
        f"{SAME_HINT} [i18n.untranslated]"
        for english in sorted(LABELS, key=lines.__getitem__)
    ]
    templates = next(line for line in out.splitlines() if line.startswith("templates "))
    assert templates.split() == ["templates", "240", "0", "6", "0", "0", "97.6%"]


PASTED = (
    "Freedom for Immigrants demanded a just and proper closure of the facility after the city withdrew from its"
    " agreement in 2019."
)
"""A shipped dossier sentence (adelanto's campaign demand), the one its test pastes into the msgstr."""
HALF = PASTED.replace("demanded", "exigió").replace("agreement", "acuerdo")
"""The English pasted in, two words translated: mostly English."""


def test_the_english_pasted_and_two_words_translated_is_no_translation() -> None:
    """A msgstr that is the English with a word or two translated passed as translated: the
    Spanish page printed English sentences, unmarked, and coverage counted them. Most of its
    English words (not names) kept, three or more, in runs, make it a copy: untranslated, at its
    msgstr, printed as English. A translation that keeps names, a title in English, or a word
    both languages share is no copy."""
    from report.i18n.coverage import check_catalog

    loc = _catalog(
        f'msgctxt "a:summary"\nmsgid "{PASTED}"\nmsgstr "{HALF}"\n\n'
        'msgid "Back to the text"\nmsgstr "Volver to the text"\n\n'
        'msgctxt "a:summary"\nmsgid "DWN and the Shut Down Etowah Campaign published the brief \\"Anthology of'
        ' Abuse\\"."\nmsgstr "DWN y la Shut Down Etowah Campaign publicaron el informe \\"Anthology of'
        ' Abuse\\"."\n\n'
        'msgctxt "a:summary"\nmsgid "The federal and local governments agreed."\n'
        'msgstr "Los gobiernos federal y local se pusieron de acuerdo."\n'
    )
    assert [e.copied_form for e in loc.catalog.entries] == [0, 0, None, None]
    assert [e.counted for e in loc.catalog.entries] == ["untranslated"] * 2 + ["translated"] * 2
    assert [str(f) for f in check_catalog(loc.catalog)] == [
        f"{SPANISH}:9:1: warning: not translated: the msgstr of 'Freedom for Immigrants demanded a just and…'"
        " is mostly its English (14 of its 17 English words kept: 'for just and proper closure of the facility…');"
        f" the build prints the entry as English: translate it, or leave the msgstr empty{SAME_HINT}"
        " [i18n.untranslated]",
        f"{SPANISH}:12:1: warning: not translated: the msgstr of 'Back to the text' is mostly its English (3 of its"
        f" 3 English words kept: 'to the text'); the build prints the entry as English: translate it, or leave the"
        f" msgstr empty{SAME_HINT} [i18n.untranslated]",
    ]
    prose = Text(PASTED, "a:summary", "", Loc("facilities/a.yaml", 3, 1))
    assert str(loc.text(prose)) == f'<span lang="en" class="fallback">{PASTED}</span>'
    assert [str(f) for f in loc.findings] == [
        "facilities/a.yaml:3:1: warning: Spanish translation is mostly the English"
        f" ({SPANISH}:8:1): using the English text 'Freedom for Immigrants demanded a just and proper closure…'"
        " [i18n.fallback]"
    ]


def test_check_counts_a_shipped_sentence_pasted_in_english_untranslated(tmp_path: Path) -> None:
    """The translator's case on the shipped project: adelanto's campaign demand pasted in English,
    two words translated. `check` said nothing and counted adelanto 100% translated; it is now
    untranslated at its msgstr, in the table (which the status page shows) and the JSON."""
    from .conftest import copy_project, replace

    root = copy_project(tmp_path / "project")
    spanish = (
        'Freedom for Immigrants exigió un cierre justo y adecuado del centro después "\n'
        '"de que la ciudad se retirara de su acuerdo en 2019.'
    )
    replace(root, SPANISH, spanish, HALF)
    catalog = parse_catalog((root / SPANISH).read_bytes(), SPANISH, "es")
    line = next(e.string_line(0) for e in catalog.active() if e.msgid == PASTED)
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    assert [x for x in out.splitlines() if "[i18n.untranslated]" in x] == [
        f"{SPANISH}:{line}:1: warning: not translated: the msgstr of 'Freedom for Immigrants demanded a just and…'"
        " is mostly its English (14 of its 17 English words kept: 'for just and proper closure of the"
        " facility…'); the build prints the entry as English: translate it, or leave the msgstr empty"
        f"{SAME_HINT} [i18n.untranslated]"
    ]
    adelanto = next(x for x in out.splitlines() if x.startswith("adelanto "))
    assert adelanto.split()[1:4] == [str(int(adelanto.split()[1])), "0", "1"]


SAME = (
    'msgid "Total"\nmsgstr "Total"\n\n'
    "# SAME: the Spanish word is the English one\n"
    'msgid "Hospital"\nmsgstr "Hospital"\n\n'
    "# SAME:\n"
    'msgid "Error"\nmsgstr "Error"\n\n'
    "# REVIEW: does the campaign print it so?\n"
    "# SAME: the campaign's words, kept as it prints them\n"
    'msgctxt "a:summary"\nmsgid "Shut it down."\nmsgstr "Shut it down."\n'
)
"""Translations that are their English: "Total", "Hospital" and "Error" are Spanish words too."""


def test_a_same_comment_makes_a_translation_that_is_its_english_no_copy() -> None:
    """The copy rule counted "Total" and "Hospital", right in Spanish, untranslated, and a translator
    could not say so: the release was blocked. A `# SAME: why` comment says so, for a label and for
    prose: the entry is translated, printed as it is, and listed for the reviewer. Without it the
    finding tells of the comment; with an empty one, it asks for the reason."""
    from report.i18n.coverage import check_catalog, confirmed_differences

    loc = _catalog(SAME)
    entries = loc.catalog.entries
    assert [(e.same, e.review) for e in entries] == [
        (None, None),
        ("the Spanish word is the English one", None),
        ("", None),
        ("the campaign's words, kept as it prints them", "does the campaign print it so?"),
    ]
    assert [e.counted for e in entries] == ["untranslated", "translated", "untranslated", "translated"]
    text = HEADER + SAME
    total, error, hospital, shut = (_line(text, f'msgstr "{x}') for x in ("Total", "Error", "Hospital", "Shut"))
    review = _line(text, 'msgid "Shut')  # its msgid, where an open question is
    assert [str(f) for f in check_catalog(loc.catalog)] == [
        f"{SPANISH}:{total}:1: warning: not translated: the msgstr of 'Total' is its English, copied unchanged;"
        f" the build prints the entry as English: translate it, or leave the msgstr empty{SAME_HINT} [i18n.untranslated]",
        f"{SPANISH}:{error}:1: warning: not translated: the msgstr of 'Error' is its English, copied unchanged;"
        " the build prints the entry as English: translate it, or leave the msgstr empty; its `# SAME:` comment"
        " gives no reason: say after it why the English is the translation too [i18n.untranslated]",
        f"{SPANISH}:{review}:1: warning: to review: does the campaign print it so? [i18n.review]",
    ]
    env = environment(REPO, loc)
    assert env.from_string("{{ _('Total') }}|{{ _('Hospital') }}|{{ _('Error') }}").render() == (
        '<span lang="en" class="fallback">Total</span>|Hospital|<span lang="en" class="fallback">Error</span>'
    )
    confirmed = confirmed_differences(loc.catalog, {e.key for e in entries})
    assert [(*c.lines(), c.as_dict()) for c in confirmed] == [
        (
            f"{SPANISH}:{hospital}:1: the msgstr of 'Hospital' is its English [i18n.untranslated]",
            "SAME: the Spanish word is the English one",
            {
                "file": SPANISH,
                "line": hospital,
                "column": 1,
                "code": "i18n.untranslated",
                "message": "the msgstr of 'Hospital' is its English",
                "comment": "the Spanish word is the English one",
            },
        ),
        (
            f"{SPANISH}:{shut}:1: the msgstr of 'Shut it down.' is its English [i18n.untranslated]",
            "SAME: the campaign's words, kept as it prints them",
            {
                "file": SPANISH,
                "line": shut,
                "column": 1,
                "code": "i18n.untranslated",
                "message": "the msgstr of 'Shut it down.' is its English",
                "comment": "the campaign's words, kept as it prints them",
            },
        ),
    ]


def test_a_release_is_refused_while_a_same_mark_gives_no_reason(tmp_path: Path, fixed_today: None) -> None:
    """An empty `# SAME:` confirms nothing: `check --release` exits 1 with the copy's error, which asks for the reason."""
    root = make_project(tmp_path, "i18n-same-confirmed")
    po = root / SPANISH
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace("# SAME: the line the translator means to keep in English.\n", "# SAME:\n"), "utf-8")
    line = _line(text, 'msgstr "Share')
    code, out, _ = run_cli("--root", str(root), "check", "--release")
    assert code == 1
    assert [x for x in out.splitlines() if "[i18n.untranslated]" in x] == [
        f"{SPANISH}:{line}:1: error: not translated: the msgstr of 'Share the report.' is"
        " its English, copied unchanged; the build prints the entry as English: translate it, or leave the msgstr"
        " empty; its `# SAME:` comment gives no reason: say after it why the English is the translation too"
        " [i18n.untranslated]"
    ]


# -- `%` in template strings: Jinja's newstyle gettext formats every one of them ----------------

BROKEN = (" 100%", " %(x)s", " al 100% de", " %s", " %(num)")
"""Appended to a translation, each makes `translation % variables` raise or print a dict."""


@pytest.mark.parametrize("tail", BROKEN)
def test_a_broken_format_falls_back_to_english_with_a_finding(tail: str) -> None:
    loc = _catalog(f'msgid "Chapter %(number)s"\nmsgstr "Capítulo %(number)s{tail}"\n')
    env = environment(REPO, loc)
    assert env.from_string("{{ _('Chapter %(number)s', number=3) }}").render() == (
        '<span lang="en" class="fallback">Chapter 3</span>'
    )
    assert [str(f) for f in loc.findings] == [
        f"{SPANISH}:7:1: warning: Spanish translation unusable: "
        "using the English text 'Chapter %(number)s' [i18n.fallback]"
    ]


def test_a_percent_sign_written_double_and_names_the_english_has_are_fine() -> None:
    loc = _catalog(
        'msgid "Done"\nmsgstr "Listo al 100%%"\n\n'
        'msgid "One bed"\nmsgid_plural "%(num)s beds"\nmsgstr[0] "%(num)s cama"\nmsgstr[1] "%(num)s camas"\n\n'
        'msgctxt "a:b"\nmsgid "Half the beds"\nmsgstr "El 50% de las camas"\n'
    )
    assert [e.problems for e in loc.catalog.entries] == [(), (), ()]
    env = environment(REPO, loc)
    assert env.from_string("{{ _('Done') }} {{ ngettext('One bed', '%(num)s beds', 1) }}").render() == (
        "Listo al 100% 1 cama"
    )
    assert loc.findings == []


def test_a_plural_form_that_drops_a_placeholder_is_refused() -> None:
    """msgstr[0], the form for one, may spell the count out ("una cama"); another form that drops
    %(num)s would print "camas" without the number: it is an error at that msgstr[N], and the
    build prints the English for the entry, as for any wrong placeholder."""
    loc = _catalog(
        'msgid "%(num)s bed"\nmsgid_plural "%(num)s beds"\nmsgstr[0] "una cama"\nmsgstr[1] "camas"\n\n'
        'msgid "%(num)s day in %(place)s"\nmsgid_plural "%(num)s days in %(place)s"\n'
        'msgstr[0] "un día"\nmsgstr[1] "%(num)s días en %(place)s"\n\n'
        'msgid "%(num)s week"\nmsgid_plural "%(num)s weeks"\nmsgstr[0] "una semana"\nmsgstr[1] "%(num)s semanas"\n'
    )
    bed, day, week = loc.catalog.entries
    assert bed.problems == (("i18n.placeholder", "the translation of '%(num)s bed' drops %(num)s in msgstr[1]", 10),)
    # msgstr[0] may leave out the count, not the other placeholders.
    assert day.problems == (
        ("i18n.placeholder", "the translation of '%(num)s day in %(place)s' drops %(place)s in msgstr[0]", 14),
    )
    assert week.problems == ()
    assert [e.counted for e in (bed, day, week)] == ["untranslated", "untranslated", "translated"]
    env = environment(REPO, loc)
    template = "{{ ngettext('%(num)s bed', '%(num)s beds', n) }}; {{ ngettext('%(num)s week', '%(num)s weeks', n) }}"
    assert env.from_string(template).render(n=750) == '<span lang="en" class="fallback">750 beds</span>; 750 semanas'
    assert env.from_string(template).render(n=1) == '<span lang="en" class="fallback">1 bed</span>; una semana'


def test_only_the_form_of_the_count_one_alone_may_leave_the_count_out() -> None:
    """French gives msgstr[0] to 0 and 1: "un lit" would be printed for 0 beds. msgfmt -c refuses it too."""
    header = HEADER.replace("Language: es", "Language: fr").replace("plural=(n != 1)", "plural=(n > 1)")
    entry = 'msgid "%(num)s bed"\nmsgid_plural "%(num)s beds"\nmsgstr[0] "un lit"\nmsgstr[1] "%(num)s lits"\n'
    (bed,) = parse_catalog((header + entry).encode(), catalog_path("fr"), "fr").entries
    assert bed.problems == (("i18n.placeholder", "the translation of '%(num)s bed' drops %(num)s in msgstr[0]", 9),)


def test_a_translation_of_only_whitespace_is_refused() -> None:
    """msgfmt counts `msgstr " "` as translated; printed, it would blank the sentence on the site.
    It is an error at that msgstr (msgstr[N]), and the build prints the English instead."""
    loc = _catalog(
        'msgctxt "a:summary"\nmsgid "The facility closed [@a]."\nmsgstr " "\n\n'
        'msgid "Contents"\nmsgstr "\u00a0\\t"\n\n'
        'msgid "%(num)s bed"\nmsgid_plural "%(num)s beds"\nmsgstr[0] "una cama"\nmsgstr[1] "  "\n\n'
        'msgid "Back"\nmsgstr "Volver"\n'
    )
    entries = loc.catalog.entries
    assert [(e.msgid, [(code, line) for code, _, line in e.problems]) for e in entries] == [
        ("The facility closed [@a].", [("i18n.blank", 9)]),  # one mistake, one finding: not the citation too
        ("Contents", [("i18n.blank", 12)]),
        ("%(num)s bed", [("i18n.blank", 17)]),
        ("Back", []),
    ]
    assert entries[2].problems[0][1] == (
        "the translation of '%(num)s bed' is only whitespace in msgstr[1]: write the translation,"
        ' or leave the msgstr empty ("") for the English to be printed'
    )
    assert [e.counted for e in entries] == ["untranslated", "untranslated", "untranslated", "translated"]
    prose = Text("The facility closed [@a].", "a:summary", "", Loc("facilities/a.yaml", 3, 1))
    assert loc.plain(prose) == "The facility closed [@a]."
    env = environment(REPO, loc)
    assert env.from_string(
        "{{ _('Contents') }}|{{ ngettext('%(num)s bed', '%(num)s beds', 2) }}|{{ _('Back') }}"
    ).render() == (
        '<span lang="en" class="fallback">Contents</span>|<span lang="en" class="fallback">2 beds</span>|Volver'
    )


def test_a_reference_to_no_character_a_reader_sees_is_to_be_deleted() -> None:
    """`&#0;` and `&#xD800;` stand for no character (HTML reads them as U+FFFD) and `&#10;` for a
    line break: the advice was to "type the character itself, U+FFFD REPLACEMENT CHARACTER"."""
    loc = _catalog(
        'msgid "Back"\nmsgstr "Volver&#0;"\n\n'
        'msgid "Notes"\nmsgstr "Notas&#xD800;"\n\n'
        'msgid "Sources"\nmsgstr "Fuentes&#10;"\n'
    )
    assert [
        problem[1].rsplit(", which prints as typed: ", 1)[1] for e in loc.catalog.entries for problem in e.problems
    ] == ["it stands for no character a reader sees: delete it"] * 3


def test_an_old_reference_without_its_semicolon_is_a_reference() -> None:
    """HTML still reads `&nbsp` and `&#160` without their `;` (and `&nbspUU` as `&nbsp` then "UU"):
    "EE.&nbspUU." printed "&nbsp" while the catalog stayed 100% translated."""
    loc = _catalog(
        'msgid "The U.S."\nmsgstr "EE.&nbspUU."\n\nmsgid "Beds"\nmsgstr "1&#160camas"\n\nmsgid "AT&T"\nmsgstr "AT&T"\n'
    )
    assert [[problem[1].split("'")[3] for problem in e.problems] for e in loc.catalog.entries] == [
        ["&nbsp"],
        ["&#160"],
        [],
    ]


def test_a_character_reference_the_english_lacks_is_refused_and_prints_as_typed() -> None:
    """A translator types "EE.&nbsp;UU." meaning a no-break space: a translation is text, so the
    page and the PDF would show "&nbsp;". It is an `i18n.entity` error at the msgstr naming the
    character to type; like a stray '<' (`i18n.markup`), the entry counts as translated and a
    build that got past `check` prints it as typed. "AT&T", "R&D" and a name HTML does not know
    are no references, nor is one its English has."""
    loc = _catalog(
        'msgctxt "a:summary"\nmsgid "The U.S. government."\nmsgstr "El gobierno de EE.&nbsp;UU."\n\n'
        'msgid "Back"\nmsgstr "Volver &mdash; ya"\n\n'
        'msgid "%(num)s bed"\nmsgid_plural "%(num)s beds"\nmsgstr[0] "%(num)s&#160;cama"\nmsgstr[1] "%(num)s&#xA0;camas"\n\n'
        'msgid "Contents"\nmsgstr "Índice&#x202E;"\n\n'
        'msgid "AT&amp;T and R&D"\nmsgstr "AT&amp;T, AT&T y R&D; I+D"\n'
    )
    entries = loc.catalog.entries
    assert [e.problems for e in entries] == [
        (
            (
                "i18n.entity",
                "the translation of 'The U.S. government.' has the character reference '&nbsp;', which prints as"
                " typed: type the character itself, U+00A0 NO-BREAK SPACE",
                9,
            ),
        ),
        (
            (
                "i18n.entity",
                "the translation of 'Back' has the character reference '&mdash;', which prints as typed: type the"
                " character itself, U+2014 EM DASH",
                12,
            ),
        ),
        (
            (
                "i18n.entity",
                "the translation of '%(num)s bed' in msgstr[0] has the character reference '&#160;', which prints"
                " as typed: type the character itself, U+00A0 NO-BREAK SPACE",
                16,
            ),
            (
                "i18n.entity",
                "the translation of '%(num)s bed' in msgstr[1] has the character reference '&#xA0;', which prints"
                " as typed: type the character itself, U+00A0 NO-BREAK SPACE",
                17,
            ),
        ),
        (
            (
                "i18n.entity",
                "the translation of 'Contents' has the character reference '&#x202E;', which prints as typed: it"
                " stands for U+202E RIGHT-TO-LEFT OVERRIDE, which makes the text print in another order than it"
                " is written here; delete it",
                20,
            ),
        ),
        (),
    ]
    assert [e.counted for e in entries] == ["translated"] * 5
    prose = Text("The U.S. government.", "a:summary", "", Loc("facilities/a.yaml", 3, 1))
    assert (loc.text(prose), loc.language_of(prose)) == ("El gobierno de EE.&amp;nbsp;UU.", "es")
    env = environment(REPO, loc)
    assert env.from_string("{{ _('Back') }}|{{ ngettext('%(num)s bed', '%(num)s beds', 2) }}").render() == (
        "Volver &amp;mdash; ya|2&amp;#xA0;camas"
    )
    assert loc.findings == []


def test_a_translation_longer_than_its_english_may_be_is_refused() -> None:
    """Prose may be as long as its field's English may be (`maxLength`: 4,000 characters for a
    summary, 1,000 for a source's title, 4,000 for a field the schema does not know); a template
    string three times its English and 100 characters more, each plural form against its own
    English. Past that it is a `limit.length` error at the msgstr, and the build prints the English."""
    summary, title, unknown = "x" * 4_001, "y" * 1_001, "z" * 4_000
    loc = _catalog(
        f'msgctxt "a:summary"\nmsgid "The facility closed [@a]."\nmsgstr "{summary}"\n\n'
        f'msgctxt "sources:sources.a-report:title"\nmsgid "A report"\nmsgstr "{title}"\n\n'
        f'msgctxt "a:no-such-field"\nmsgid "Words"\nmsgstr "{unknown}"\n\n'
        f'msgid "Back"\nmsgstr "{"v" * 113}"\n\n'
        f'msgid "Notes"\nmsgstr "{"n" * 115}"\n\n'
        f'msgid "%(num)s bed"\nmsgid_plural "%(num)s beds"\n'
        f'msgstr[0] "%(num)s {"c" * 125}"\nmsgstr[1] "%(num)s {"c" * 129}"\n'
    )
    entries = loc.catalog.entries
    assert [e.problems for e in entries] == [
        (
            (
                "limit.length",
                "the translation of 'The facility closed [@a].' is 4,001 characters long, more than the 4,000"
                " its field may have; shorten it",  # one mistake, one finding: not the citation too
                9,
            ),
        ),
        (
            (
                "limit.length",
                "the translation of 'A report' is 1,001 characters long, more than the 1,000 its field may have;"
                " shorten it",
                13,
            ),
        ),
        (),
        (
            (
                "limit.length",
                "the translation of 'Back' is 113 characters long, more than the 112 it may have (three times"
                " its English, and 100 more); shorten it",
                20,
            ),
        ),
        (),
        (
            (
                "limit.length",
                "the translation of '%(num)s bed' in msgstr[1] is 137 characters long, more than the 136 it may"
                " have (three times its English, and 100 more); shorten it",
                28,
            ),
        ),
    ]
    counted = [e.counted for e in entries]
    assert counted == "untranslated untranslated translated untranslated translated untranslated".split()
    prose = Text("The facility closed [@a].", "a:summary", "", Loc("facilities/a.yaml", 3, 1))
    assert loc.plain(prose) == "The facility closed [@a]."
    env = environment(REPO, loc)
    assert env.from_string(
        "{{ _('Back') }}|{{ _('Notes') }}|{{ ngettext('%(num)s bed', '%(num)s beds', 2) }}"
    ).render() == (
        f'<span lang="en" class="fallback">Back</span>|{"n" * 115}|<span lang="en" class="fallback">2 beds</span>'
    )


def test_a_faithful_translation_of_long_prose_is_not_refused_for_its_length() -> None:
    """Spanish runs up to three times as long as the English here: a 3,500-character summary (its
    field may have 4,000) translated in 5,000 was refused as longer than the English may be."""
    english, spanish = "word " * 700, "palabra " * 625
    assert length_limit("a:summary", english) == 3 * 3_500 + 100
    loc = _catalog(f'msgctxt "a:summary"\nmsgid "{english}"\nmsgstr "{spanish}"\n')
    assert [e.problems for e in loc.catalog.entries] == [()]


def test_build_stops_at_a_translation_longer_than_its_english_may_be(tmp_path: Path, fixed_today: None) -> None:
    """`build` says what `check` says (the i18n-length fixture) and writes nothing."""
    root = make_project(tmp_path, "i18n-length")
    code, out, err = build(root, "--lang", "es")
    assert code == 1 and "Traceback" not in out + err
    assert [line.split(": error: ")[0] for line in out.splitlines() if line.endswith("[limit.length]")] == [
        f"{SPANISH}:78:1",
        f"{SPANISH}:123:1",
        f"{SPANISH}:134:1",
    ]
    assert out.rstrip().endswith("build failed with 3 errors: nothing was written to dist/")
    assert not (root / "dist").exists()


def test_every_shipped_translation_is_well_within_its_length_limit() -> None:
    """A real translation never comes near the limit: the longest is under 40% of it."""
    catalog = parse_catalog((REPO / SPANISH).read_bytes(), SPANISH, "es")
    translated = [e for e in catalog.active() if e.state == "translated"]
    assert len(translated) > 400
    worst = max(
        len(string) / length_limit(entry.context, entry.msgid if form == 0 else entry.plural or entry.msgid)
        for entry in translated
        for form, string in enumerate(entry.strings)
    )
    assert worst < 0.4  # as `length_limit` says


@pytest.fixture(scope="module")
def percent_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project with the shipped layouts and a Spanish catalog in which every template
    string's translation has a broken placeholder (one of BROKEN in turn)."""
    root = make_project(tmp_path_factory.mktemp("percent"), "_i18n")
    shutil.copytree(REPO / "layouts", root / "layouts")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", FIXED_TODAY)
        for verb in ("extract", "update"):
            code, out, _ = run_cli("--root", str(root), verb)
            assert code == 0, out
    po = root / SPANISH
    with po.open("rb") as handle:
        catalog = read_po(handle)
    broken = 0
    for message in catalog:
        if message.id and message.context is None:
            tail = BROKEN[broken % len(BROKEN)]
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            message.string = ids[0] + tail if len(ids) == 1 else tuple(i + tail for i in ids)
            message.flags.discard("fuzzy")
            broken += 1
    with po.open("wb") as handle:
        write_po(handle, catalog)
    return root


@pytest.mark.slow
def test_check_refuses_every_broken_format(percent_project: Path, fixed_today: None) -> None:
    code, out, err = run_cli("--root", str(percent_project), "check")
    assert code == 1 and "Traceback" not in out + err
    catalog = parse_catalog((percent_project / SPANISH).read_bytes(), SPANISH, "es")
    lines = {e.string_lines[0] for e in catalog.active() if e.context is None}  # at the msgstr (msgstr[0])
    assert len(lines) > 100
    found = [re.match(rf"{SPANISH}:(\d+):1: error: .* \[i18n.placeholder\]$", line) for line in out.splitlines()]
    assert sorted(int(m[1]) for m in found if m) == sorted(lines)


def test_build_stops_at_a_broken_format(percent_project: Path, fixed_today: None) -> None:
    code, out, err = build(percent_project, "--lang", "es")
    assert code == 1 and "Traceback" not in out + err
    catalog = parse_catalog((percent_project / SPANISH).read_bytes(), SPANISH, "es")
    strings = len([e for e in catalog.active() if e.context is None])
    assert out.rstrip().endswith(f"build failed with {strings} errors: nothing was written to dist/")
    assert not (percent_project / "dist").exists()


def test_a_broken_format_past_check_does_not_crash_the_build(
    percent_project: Path, tmp_path: Path, fixed_today: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `check`'s verdict ignored (as `serve` renders whatever was saved last), the localizer
    holds on its own: every template string is printed in English, marked, with a finding."""
    import report.commands.gather

    root = shutil.copytree(percent_project, tmp_path / "project")
    real = report.commands.gather.check_translations

    def lenient(*args, **kwargs):
        findings, coverage = real(*args, **kwargs)
        return [f for f in findings if f.code != "i18n.placeholder"], coverage

    monkeypatch.setattr(report.commands.gather, "check_translations", lenient)
    code, out, err = build(root, "--lang", "es")
    assert code == 0, out + err
    html = (root / "dist" / "es" / "sample.html").read_text(encoding="utf-8")
    assert '<span lang="en" class="fallback">Typeset in IBM Plex, under the SIL Open Font License.</span>' in html
    assert "unusable" in out and "Traceback" not in out + err
    assert not re.search(r"100%|%\(|\{'", html)


# -- the reader: what msgfmt accepts is read, what it calls fatal is reported ---------------------


def _read(body: str) -> tuple[list[tuple], list[tuple[int, int, str]]]:
    po = pofile.read_po(HEADER + body)
    messages = [(m.context, m.msgid, m.plural, m.strings, m.obsolete) for m in po.messages if m.msgid]
    return messages, [(line, col, code) for line, col, code, _ in po.problems]


@pytest.mark.parametrize(
    "body",
    [
        'msgid\t"a"\nmsgstr\t"b"\n',
        'msgid"a"\nmsgstr"b"\n',
        '   msgid "a"\n\tmsgstr "b"\n',
        'msgid "" "a"\nmsgstr "" "b"\n',
        'msgid ""\n"a"\nmsgstr ""\n\n"b"\n',  # a blank line ends nothing
        'msgid "a"\nmsgstr "b" # a comment after a string\n',
    ],
    ids=["tab", "no-space", "indented", "two-strings-a-line", "blank-line", "trailing-comment"],
)
def test_whitespace_between_tokens_is_free_as_in_msgfmt(body: str) -> None:
    assert _read(body) == ([(None, "a", None, ("b",), False)], [])


def test_plural_forms_with_spaces_in_the_index() -> None:
    body = 'msgid "a"\nmsgid_plural "as"\nmsgstr [0] "b"\nmsgstr[ 1 ] "bs"\n'
    assert _read(body) == ([(None, "a", "as", ("b", "bs"), False)], [])


@pytest.mark.parametrize(
    ("escaped", "text"),
    [
        ("\\101\\x41", "AA"),
        ("\\303\\251 and \\xc3\\xa9", "é and é"),  # escaped UTF-8 makes characters once joined
        ('"\\303" "\\251"', "é"),  # even across strings
        ("\\1011", "A1"),  # three octal digits at most
        ("\\x4142", "B"),  # every hex digit, the low eight bits kept
        ('\\a\\b\\f\\v\\r\\t\\n\\\\\\"', '\a\b\f\v\r\t\n\\"'),
    ],
)
def test_escapes_are_decoded_as_msgfmt_decodes_them(escaped: str, text: str) -> None:
    quoted = escaped if escaped.startswith('"') else f'"{escaped}"'
    assert _read(f'msgid "a"\nmsgstr {quoted}\n') == ([(None, "a", None, (text,), False)], [])


@pytest.mark.parametrize(
    ("body", "problems"),
    [
        ('msgid "a"\nmsgstr "\\q"\n', [(8, 9, "i18n.syntax")]),
        ('msgid "a"\nmsgstr "\\8"\n', [(8, 9, "i18n.syntax")]),
        ('msgid "a"\nmsgstr "\\xg"\n', [(8, 9, "i18n.syntax")]),
        ('msgid "a"\nmsgstr "x\\0y"\n', [(8, 8, "i18n.encoding")]),
        ('msgid "a"\nmsgstr "\\303"\n', [(8, 8, "i18n.encoding")]),
        ('msgid "a"\nmsgstr "\\001"\n', [(8, 8, "i18n.encoding")]),
        ('msgid "a"\n\nmsgid "b"\nmsgstr "c"\n', [(7, 1, "i18n.syntax")]),
        ('msgid "a"\n# c\nmsgstr "b"\n', [(7, 1, "i18n.syntax"), (9, 1, "i18n.syntax")]),
        ('msgid "a"\nmsgid_plural "as"\nmsgstr[1] "bs"\nmsgstr[0] "b"\n', [(9, 1, "i18n.syntax")]),
        ('msgid "a"\nmsgid_plural "as"\nmsgstr "b"\n', [(9, 1, "i18n.syntax")]),
        ('#~ msgid "a"\nmsgstr "b"\n', [(8, 1, "i18n.syntax")]),
        ('#| msgid "x"\n#, fuzzy\nmsgid "a"\nmsgstr "b"\n', [(8, 1, "i18n.syntax")]),
        ('domain "x"\nmsgid "a"\nmsgstr "b"\n', [(7, 1, "i18n.syntax")]),
        ('msgid "a"\nmsgstr "b"c"\n', [(8, 11, "i18n.syntax")]),
    ],
    ids=[
        "unknown-escape",
        "not-octal",
        "hex-without-digits",
        "nul",
        "not-utf8",
        "control-character",
        "no-msgstr",
        "comment-inside",
        "plural-order",
        "plural-without-index",
        "some-lines-obsolete",
        "comment-after-previous",
        "domain",
        "unescaped-quote",
    ],
)
def test_what_msgfmt_refuses_is_a_problem_at_its_place(body: str, problems: list, tmp_path: Path) -> None:
    assert _read(body)[1] == problems
    (tmp_path / "x.po").write_text(HEADER + body, encoding="utf-8")
    refused = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", "x.po"], cwd=tmp_path, capture_output=True).returncode
    # msgfmt reads a NUL escape as the end of the string and copies bytes that are not UTF-8.
    assert refused == (problems[0][2] != "i18n.encoding")


_REFUSED = " (msgfmt refuses the catalog)"


@pytest.mark.parametrize(
    ("body", "found"),
    [
        (
            'msgid "a\\n"\nmsgstr "b"\n',
            [(8, "the translation of 'a': its English ends with a line break (\\n) and it does not" + _REFUSED)],
        ),
        (
            'msgid "a"\nmsgstr ""\n"\\n"\n"b"\n',
            [(8, "the translation of 'a': it begins with a line break (\\n) and its English does not" + _REFUSED)],
        ),
        (
            'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] "\\nbs\\n"\n',
            [
                (
                    10,
                    "the translation of 'a' in msgstr[1]: it begins with a line break (\\n) and its English does"
                    " not; it ends with a line break (\\n) and its English does not" + _REFUSED,
                )
            ],
        ),
        ('msgid "\\na\\nb\\n"\nmsgstr "\\nc d\\n"\n', []),
    ],
    ids=["dropped-at-the-end", "added-at-the-start", "plural-form", "same-edges"],
)
def test_a_line_break_added_or_dropped_at_either_end_is_refused_as_msgfmt_does(
    body: str, found: list, tmp_path: Path
) -> None:
    """msgfmt calls it fatal ("'msgid' and 'msgstr' entries do not both end with '\\n'"): `check`
    reports it at the msgstr. A line break inside the text is free, and the words print all the same."""
    parsed = parse_catalog((HEADER + body).encode(), SPANISH, "es")
    assert [(line, message) for e in parsed.entries for _, message, line in e.problems] == found
    assert [code for e in parsed.entries for code, _, _ in e.problems] == ["i18n.linebreak"] * len(found)
    assert all(e.counted == "translated" for e in parsed.entries)
    (tmp_path / "x.po").write_text(HEADER + body, encoding="utf-8")
    refused = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", "x.po"], cwd=tmp_path, capture_output=True).returncode
    assert refused == bool(found)


def test_a_duplicate_is_reported_at_the_second_and_the_first_is_read() -> None:
    body = (
        'msgctxt "k"\nmsgid "a"\nmsgstr "b"\n\nmsgctxt "k"\nmsgid "a"\nmsgstr "newer"\n\n#~ msgid "c"\n#~ msgstr "d"\n'
    )
    po = pofile.read_po(HEADER + body)
    assert [m.strings for m in po.messages if m.msgid] == [("b",), ("d",)]
    assert po.problems == (
        (
            12,
            1,
            "i18n.duplicate",
            "the same msgctxt 'k' and msgid as the entry at line 8, which is the one read:"
            " keep one of them (msgfmt refuses the file)",
        ),
    )


def test_previous_english_and_comments_are_read_as_written() -> None:
    body = (
        "# A note\n#\n# A note\n#, fuzzy\n"
        '#| msgid ""\n#| "for tests\\n"\n#| "for tests"\nmsgid "a"\nmsgstr "b"\n\n'
        '#, fuzzy\n#~| msgctxt "k"\n#~| msgid "old"\n#~ msgctxt "k"\n#~ msgid "gone"\n#~ msgstr "ido"\n'
    )
    po = pofile.read_po(HEADER + body)
    active, obsolete = [m for m in po.messages if m.msgid]
    assert (active.comments, active.flags, active.previous_msgid) == (
        ("A note", "", "A note"),
        ("fuzzy",),
        "for tests\nfor tests",
    )
    assert (obsolete.obsolete, obsolete.flags, obsolete.previous_context, obsolete.previous_msgid) == (
        True,
        ("fuzzy",),
        "k",
        "old",
    )
    assert po.problems == ()


def test_a_broken_entry_is_left_out_and_reading_goes_on() -> None:
    parsed = parse_catalog((HEADER + 'msgid "a"\nmsgstr "b\n\nmsgid "c"\nmsgstr "d"\n').encode(), SPANISH, "es")
    assert [(line, col, code) for line, col, code, _ in parsed.problems] == [(8, 8, "i18n.syntax")]
    assert [e.msgid for e in parsed.entries] == ["c"]


def test_a_stray_line_after_a_whole_entry_leaves_it_whole() -> None:
    parsed = parse_catalog(
        (HEADER + 'msgid "a"\nmsgstr "b"\nstray words\nmsgid "c"\nmsgstr "d"\n').encode(), SPANISH, "es"
    )
    assert [(line, col, code) for line, col, code, _ in parsed.problems] == [(9, 1, "i18n.syntax")]
    assert [e.msgid for e in parsed.entries] == ["a", "c"]


def test_a_header_babel_cannot_apply_is_a_problem_at_the_header() -> None:
    header = HEADER.replace("nplurals=2; plural=(n != 1);", "nplurals=x; plural=(n != 1);")
    parsed = parse_catalog((header + 'msgid "a"\nmsgstr "b"\n').encode(), SPANISH, "es")
    assert [(line, code) for line, _, code, _ in parsed.problems] == [(1, "i18n.header")]


@pytest.mark.parametrize(
    ("forms", "rule", "at", "message"),
    [
        (
            3,
            "nplurals=2; plural=(n != 1);",
            "msgstr[2]",
            "has 3 plural forms where the header's Plural-Forms has nplurals=2 (msgfmt refuses the catalog):"
            " delete msgstr[2], or write 'Plural-Forms: nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0"
            " ? 1 : 2);' at line 5, which has the 3 forms every plural entry has",
        ),
        (
            2,
            "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);",
            "msgstr[1]",
            "has 2 plural forms where the header's Plural-Forms has nplurals=3 (msgfmt refuses the catalog):"
            " add msgstr[2], or write 'Plural-Forms: nplurals=2; plural=(n != 1);' at line 5, which has the 2"
            " forms every plural entry has",
        ),
    ],
    ids=["more", "fewer"],
)
def test_other_plural_forms_than_the_headers_nplurals_is_an_error_at_the_entry(
    forms: int, rule: str, at: str, message: str
) -> None:
    """msgfmt -c refuses a translated plural entry with more or fewer forms than nplurals (fatal).
    It was cut or padded with an empty form, and reported as 'not translated', or not at all;
    now it is an error at the entry, the English is printed for it, and the header that fits
    every entry is offered; an untranslated or fuzzy entry is not compiled, so not checked."""
    strings = "".join(f'msgstr[{n}] "b{n}"\n' for n in range(forms))
    empty = "".join(f'msgstr[{n}] ""\n' for n in range(forms))
    body = f'msgid "a"\nmsgid_plural "as"\n{strings}\nmsgid "c"\nmsgid_plural "cs"\n{empty}\n'
    body += f'#, fuzzy\nmsgid "d"\nmsgid_plural "ds"\n{strings}'
    text = HEADER.replace("nplurals=2; plural=(n != 1);", rule) + body
    from report.i18n.coverage import check_catalog

    parsed = parse_catalog(text.encode(), SPANISH, "es")
    assert [str(f) for f in check_catalog(parsed) if f.level == "error"] == [
        f"{SPANISH}:{_line(text, at)}:1: error: the translation of 'a' {message} [i18n.plural]"
    ]
    assert parsed.entries[0].strings == tuple(f"b{n}" for n in range(forms))  # neither cut nor padded
    assert parsed.entries[0].counted == "untranslated"
    fixed = text.replace(rule, message.split("write 'Plural-Forms: ")[1].split("'")[0])
    assert [f for f in check_catalog(parse_catalog(fixed.encode(), SPANISH, "es")) if f.level == "error"] == []


def test_a_wrong_header_field_is_at_its_line() -> None:
    """A wrong Language or charset was reported at the header's msgid, lines above the field to
    edit; a Plural-Forms error already named its own line."""
    text = "\n\n" + HEADER.replace("Language: es", "Language: fr").replace("charset=UTF-8", "charset=latin-1")
    parsed = parse_catalog(text.encode(), SPANISH, "es")
    assert [(line, code, message) for line, _, code, message in parsed.problems] == [
        (6, "i18n.header", "the header says charset=latin-1; catalogs are UTF-8, so say charset=UTF-8"),
        (5, "i18n.header", "the header says Language: fr, but this is the catalog for 'es'"),
    ]


@pytest.mark.parametrize("language", ["es_US", "es-US", "es_MX"])
def test_a_region_of_the_catalogs_language_is_its_language(language: str) -> None:
    """Poedit writes `Language: es_US` for "Spanish (United States)", the locale report.yaml gives
    Spanish: it was an error, though nothing reads the region (the plural rule is the header's
    Plural-Forms, dates and numbers follow report.yaml's locale)."""
    parsed = parse_catalog((HEADER.replace("Language: es", f"Language: {language}")).encode(), SPANISH, "es")
    assert parsed.problems == ()


@pytest.mark.parametrize(
    ("lang", "rule"),
    [
        ("es", "nplurals=2; plural=(n != 1);"),  # the shipped catalog's: GNU gettext's, Poedit's
        ("es", "nplurals=2; plural=n!=1;"),
        ("es", "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);"),  # CLDR's, Babel's
        ("fr", "nplurals=2; plural=(n > 1);"),
        (
            "ru",
            "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
        ),
        ("ja", "nplurals=1; plural=0;"),
    ],
)
def test_a_plural_rule_that_gives_the_languages_forms_is_accepted(lang: str, rule: str) -> None:
    """The language's rule (CLDR's, from Babel), written any way, or without the forms no count
    below 100,000 takes: Spanish's form for a million, Russian's for fractions."""
    header = HEADER.replace("Language: es", f"Language: {lang}").replace("nplurals=2; plural=(n != 1);", rule)
    parsed = parse_catalog((header + 'msgid "a"\nmsgstr "b"\n').encode(), catalog_path(lang), lang)
    assert parsed.problems == ()


PLURAL_BODY = (
    'msgid "Done"\nmsgstr "Listo"\n\n'
    'msgid "%(num)s detainee"\nmsgid_plural "%(num)s detainees"\n'
    'msgstr[0] "%(num)s persona detenida"\nmsgstr[1] "%(num)s personas detenidas"\n'
)
BABEL_ES = "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);"


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        ("nplurals=2; plural=(n == 1);", "for n = 0 it picks msgstr[0], where Spanish takes msgstr[1]"),
        (
            "nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);",
            "for n = 2 it picks msgstr[1], where Spanish takes msgstr[2]",
        ),
        ("nplurals=1; plural=0;", "it has nplurals=1, Spanish 3 (2 for the counts below 100,000)"),
        (
            "nplurals=2; plural=(n == 1 || n == 1000) ? 0 : 1;",
            "for n = 1000 it picks msgstr[0], where Spanish takes msgstr[1]",
        ),
    ],
    ids=["inverted", "a-form-for-two", "one-form", "wrong-from-1000"],
)
def test_a_plural_rule_that_is_not_the_languages_is_one_error_at_its_line(rule: str, why: str) -> None:
    """msgfmt -c cannot know the language's rule; the build can. A wrong Plural-Forms printed
    "750 persona detenida", or made every plural entry "not translated" without a word on the
    header. Now it is one error, at the header's Plural-Forms line, saying what to write; the
    plural entries keep their forms, and the build prints them in English until it is fixed."""
    text = HEADER.replace("nplurals=2; plural=(n != 1);", rule) + PLURAL_BODY
    loc = Localizer("es", "en", parse_catalog(text.encode(), SPANISH, "es"), "es_US")
    assert loc.catalog is not None
    from report.i18n.coverage import check_catalog

    assert [str(f) for f in check_catalog(loc.catalog)] == [
        f"{SPANISH}:5:1: error: Plural-Forms '{rule}' is not the plural rule of Spanish: {why}; write"
        " 'Plural-Forms: nplurals=2; plural=(n != 1);' (CLDR's rule without msgstr[1], which no count"
        " below 100,000 takes; 2 forms, as the 1 translated plural message of this catalog has); until then the build"
        " prints plural messages in English [i18n.plural]"
    ]
    _assert_plurals_print_in_english(loc)


def test_the_rule_the_message_offers_fits_the_translated_plural_messages_not_the_empty_ones() -> None:
    """Empty plural entries have the forms `update` gave them from an earlier header: they say
    nothing of the rule the translations were written to. Three empty entries of 3 forms made the
    advice "nplurals=3 ... as 3 of the 4 plural messages have", which turned the one translated
    entry, of 2 forms, into an error of its own."""
    empty = "".join(
        f'msgid "%(num)s {word}"\nmsgid_plural "%(num)s {word}s"\nmsgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""\n\n'
        for word in ("bed", "room", "cell")
    )
    text = HEADER.replace("nplurals=2; plural=(n != 1);", "nplurals=2; plural=(n == 1);") + empty + PLURAL_BODY
    from report.i18n.coverage import check_catalog

    assert [
        f.message for f in check_catalog(parse_catalog(text.encode(), SPANISH, "es")) if f.code == "i18n.plural"
    ] == [
        "Plural-Forms 'nplurals=2; plural=(n == 1);' is not the plural rule of Spanish: for n = 0 it picks"
        " msgstr[0], where Spanish takes msgstr[1]; write 'Plural-Forms: nplurals=2; plural=(n != 1);' (CLDR's rule"
        " without msgstr[1], which no count below 100,000 takes; 2 forms, as the 1 translated plural message of this"
        " catalog has); until then the build prints plural messages in English"
    ]


def _assert_plurals_print_in_english(loc: Localizer) -> None:
    """Assert that PLURAL_BODY's plural entry keeps its forms, counts as untranslated and prints in
    English, while its other entry is translated."""
    assert loc.catalog is not None
    done, detainees = loc.catalog.entries
    assert detainees.strings == ("%(num)s persona detenida", "%(num)s personas detenidas")  # neither cut nor padded
    assert [(e.state, e.counted) for e in (done, detainees)] == [("translated",) * 2, ("translated", "untranslated")]
    env = environment(REPO, loc)
    assert env.from_string(
        "{{ _('Done') }}: {{ ngettext('%(num)s detainee', '%(num)s detainees', 750) }}"
    ).render() == ('Listo: <span lang="en" class="fallback">750 detainees</span>')


NO_PLURAL_FORMS = HEADER.replace('"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n', "")


def test_a_header_without_plural_forms_is_one_error_at_the_header(tmp_path: Path) -> None:
    """Poedit or a hand edit can drop the Plural-Forms line. Babel then took Spanish's own rule
    (nplurals=3) without a word, and each plural entry was an error saying the header's
    Plural-Forms has nplurals=3, where the header has none. Now it is one `i18n.header` error at
    the header, as msgfmt -c refuses such a catalog, with the line to add; the plural entries
    print in English (and count as untranslated) until it is there."""
    from report.i18n.coverage import check_catalog

    text = NO_PLURAL_FORMS + PLURAL_BODY
    (tmp_path / "x.po").write_text(text, encoding="utf-8")
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", "x.po"], cwd=tmp_path, capture_output=True).returncode
    loc = Localizer("es", "en", parse_catalog(text.encode(), SPANISH, "es"), "es_US")
    assert loc.catalog is not None
    assert [str(f) for f in check_catalog(loc.catalog)] == [
        f"{SPANISH}:1:1: error: the header has no Plural-Forms, which the catalog's translated plural messages"
        ' need (msgfmt refuses the catalog): add the line "Plural-Forms: nplurals=2; plural=(n != 1);\\n" after'
        " line 4 (CLDR's rule without msgstr[1], which no count below 100,000 takes; 2 forms, as the 1 translated plural"
        " message of this catalog has); until then the build prints plural messages in English [i18n.header]"
    ]
    _assert_plurals_print_in_english(loc)
    lines = text.split("\n")
    lines.insert(4, '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"')  # as the message says, after line 4
    fixed = "\n".join(lines)
    assert check_catalog(parse_catalog(fixed.encode(), SPANISH, "es")) == []
    (tmp_path / "x.po").write_text(fixed, encoding="utf-8")
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", "x.po"], cwd=tmp_path).returncode == 0


def test_a_header_without_plural_forms_is_fine_while_no_plural_message_is_translated(tmp_path: Path) -> None:
    """msgfmt -c asks for Plural-Forms only once a plural message is translated (neither empty nor
    fuzzy), and so does `check`: before that, no rule decides anything the build prints."""
    from report.i18n.coverage import check_catalog

    text = (
        NO_PLURAL_FORMS + 'msgid "%(num)s detainee"\nmsgid_plural "%(num)s detainees"\nmsgstr[0] ""\nmsgstr[1] ""\n\n'
        '#, fuzzy\nmsgid "%(num)s bed"\nmsgid_plural "%(num)s beds"\nmsgstr[0] "%(num)s cama"\nmsgstr[1] "%(num)s camas"\n'
    )
    (tmp_path / "x.po").write_text(text, encoding="utf-8")
    assert (
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", "x.po"], cwd=tmp_path, capture_output=True).returncode == 0
    )
    assert [str(f) for f in check_catalog(parse_catalog(text.encode(), SPANISH, "es"))] == [
        f"{SPANISH}:6:1: warning: not translated: '%(num)s detainee' [i18n.untranslated]",
        f"{SPANISH}:12:1: warning: fuzzy: check the translation of '%(num)s bed', then remove the fuzzy flag [i18n.fuzzy]",
    ]


def _check(body: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Return a catalog of HEADER and body, and what `check` says of it: (line, column, code) in order."""
    from report.i18n.coverage import check_catalog

    text = HEADER + body
    findings = check_catalog(parse_catalog(text.encode(), SPANISH, "es"))
    return text, sorted((f.loc.line, f.loc.col, f.code) for f in findings)


def _line(text: str, start: str) -> int:
    """Return the number of the first line of text that starts with `start`."""
    return next(number for number, line in enumerate(text.split("\n"), 1) if line.startswith(start))


def test_a_mistake_in_a_translation_is_reported_at_its_msgstr() -> None:
    """Translators edit the msgstr, often many lines below the msgid: a mistake in a translation is
    reported at its first line, and at the plural form at fault; untranslated and fuzzy entries
    stay at their msgid, which is how a PO editor finds them."""
    text, found = _check(
        '#. A comment\n#: facilities/a.yaml:3\nmsgctxt "a:summary"\nmsgid ""\n"A long sentence [@a]\\n"\n'
        '"over two lines."\nmsgstr ""\n"Una frase larga [@b]\\n"\n"en dos líneas."\n\n'
        '#, python-format\nmsgid "%(num)s bed"\nmsgid_plural "%(num)s beds"\n'
        'msgstr[0] "%(num)s cama"\nmsgstr[1] "%(num)s camas %(x)s"\n\n'
        'msgid "Share <b>it</b>"\nmsgstr "Compartir"\n\n'
        'msgid "Untranslated"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Fuzzy"\nmsgstr "Difuso"\n'
    )
    assert found == [
        (_line(text, '"Una frase') - 1, 1, "i18n.citations"),  # msgstr ""
        (_line(text, "msgstr[1]"), 1, "i18n.placeholder"),
        (_line(text, 'msgstr "Compartir"'), 1, "i18n.markup"),
        (_line(text, 'msgid "Untranslated"'), 1, "i18n.untranslated"),
        (_line(text, 'msgid "Fuzzy"'), 1, "i18n.fuzzy"),
    ]


# -- agreement with msgfmt on generated catalogs ---------------------------------------------------

_PIECES = ["a", "b c", "é", "%", "[@x]", "\\n", "\\t", '\\"', "\\\\", "\\101", "\\x41;", "\\303\\251", "\\a"]
_BROKEN = ["\\q", "\\x", '"', "\\8"]
"""Escapes msgfmt refuses, and an unescaped quote."""

_texts = st.lists(st.sampled_from(_PIECES), max_size=4).map(lambda pieces: "x" + "".join(pieces) + "x")
"""(msgfmt also refuses a plural entry whose forms begin or end with \\n unlike its msgid.)"""
_entries = st.fixed_dictionaries(
    {
        "context": st.none() | st.sampled_from(["k", "j"]),
        "msgid": st.sampled_from(["one", "two", "thr\\x65e"]),
        "plural": st.none() | st.just("ones"),
        "strings": st.lists(_texts, min_size=2, max_size=2),
        "obsolete": st.booleans(),
        "fuzzy": st.booleans(),
        "previous": st.none() | _texts,
        "comment": st.sampled_from(["", "# note\n", "#\n# note\n# note\n", "#. extracted\n#: a.yaml:1 b.html\n"]),
        "space": st.sampled_from([" ", "\t", "", "  \t"]),
        "split": st.booleans(),
        "broken": st.none() | st.tuples(st.sampled_from(_BROKEN), st.integers(0, 3)),
        "no_msgstr": st.integers(0, 30).map(lambda n: n == 0),
    }
)


def _po(entry: dict) -> str:
    """Write one entry as a tool might: any whitespace after keywords, strings split or not, `#~`."""
    mark = "#~ " if entry["obsolete"] else ""
    space = entry["space"]

    def field(keyword: str, text: str) -> str:
        if entry["split"] and len(text) > 1:
            return f'{mark}{keyword}{space}""\n{mark}"{text[:1]}"\n{mark}"{text[1:]}"\n'
        return f'{mark}{keyword}{space}"{text}"\n'

    out = entry["comment"] + ("#, fuzzy\n" if entry["fuzzy"] else "")
    if entry["previous"] is not None:
        out += f'{"#~| " if entry["obsolete"] else "#| "}msgid "{entry["previous"]}"\n'
    if entry["context"] is not None:
        out += field("msgctxt", entry["context"])
    out += field("msgid", entry["msgid"])
    if not entry["no_msgstr"]:
        if entry["plural"] is None:
            out += field("msgstr", entry["strings"][0])
        else:
            out += field("msgid_plural", entry["plural"])
            out += "".join(field(f"msgstr[{n}]", text) for n, text in enumerate(entry["strings"]))
    if entry["broken"] is not None:
        bad, at = entry["broken"]
        lines = out.rstrip("\n").split("\n")
        line = lines[at % len(lines)]
        if line.rstrip().endswith('"'):
            lines[at % len(lines)] = line.rstrip()[:-1] + bad + '"'
        out = "\n".join(lines) + "\n"
    return out + "\n"


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_entries, min_size=1, max_size=5))
def test_the_reader_agrees_with_msgfmt(tmp_path: Path, entries: list[dict]) -> None:
    """msgfmt refuses a file exactly when the reader reports a syntax error or a duplicate, and
    otherwise the .mo it writes holds the translations the reader read."""
    text = HEADER + "".join(_po(entry) for entry in entries)
    (tmp_path / "x.po").write_text(text, encoding="utf-8")
    msgfmt = subprocess.run(["msgfmt", "-o", "x.mo", "x.po"], cwd=tmp_path, capture_output=True, text=True)
    po = pofile.read_po(text)
    assert (msgfmt.returncode != 0) == bool(po.problems), (text, msgfmt.stderr, po.problems)
    if msgfmt.returncode:
        return
    with open(tmp_path / "x.mo", "rb") as handle:
        mo = gettext.GNUTranslations(handle)
    for message in po.messages:
        if not message.msgid or message.obsolete or "fuzzy" in message.flags:
            continue
        if message.plural is None:
            got: tuple[str, ...] = (
                mo.pgettext(message.context, message.msgid) if message.context else mo.gettext(message.msgid),
            )
        elif message.context:
            got = tuple(mo.npgettext(message.context, message.msgid, message.plural, n) for n in (1, 2))
        else:
            got = tuple(mo.ngettext(message.msgid, message.plural, n) for n in (1, 2))
        assert got == message.strings, text


# -- writing back: `update` keeps what it read ------------------------------------------------------


def test_update_keeps_the_previous_english_of_obsolete_entries(tmp_path: Path, fixed_today: None) -> None:
    """A catalog `msgmerge --previous` wrote (a fuzzy entry gone obsolete keeps `#~| msgid`, and a
    `#|` with two equal lines) is read whole, left as it is, and kept when a message changes."""
    root = make_project(tmp_path, "po-obsolete-previous")
    po = root / SPANISH
    before = po.read_bytes()
    assert b'#, fuzzy\n#~| msgid "An entry the writers wrote."\n#~ msgctxt' in before
    assert b'#| "for tests\\n"\n#| "for tests"\n' in before
    code, out, _ = run_cli("--root", str(root), "update")
    assert (code, out) == (0, f"{SPANISH} unchanged: 0 new, 0 changed (now fuzzy), 0 obsolete\n")
    assert po.read_bytes() == before
    report = root / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("Sample Report", "Sample Report, revised"))
    for verb in ("extract", "update"):
        code, out, _ = run_cli("--root", str(root), verb)
        assert code == 0, out
    after = po.read_bytes()
    assert b'#, fuzzy\n#| msgid "Sample Report"\nmsgctxt "report:title"\nmsgid "Sample Report, revised"\n' in after
    for kept in (
        b'#, fuzzy\n#~| msgid "An entry the writers wrote."\n#~ msgctxt',
        b'#| "for tests\\n"\n#| "for tests"\n',
    ):
        assert kept in after


def test_comments_are_written_back_as_they_were_read() -> None:
    text = (
        HEADER
        + '# A note\n#\n# A note\nmsgid "a"\nmsgstr "b\\a"\n\n#, fuzzy\n#~| msgid "old"\n#~ msgid "gone"\n#~ msgstr "ido"\n'
    )
    written = catalog_bytes(babel_catalog(text, "es"))
    assert b'# A note\n#\n# A note\nmsgid "a"\nmsgstr "b\\a"\n' in written
    assert b'#, fuzzy\n#~| msgid "old"\n#~ msgid "gone"\n#~ msgstr "ido"\n' in written
    again, read = (pofile.read_po(po).messages[1:] for po in (written.decode(), text))
    assert [replace(m, line=0, string_lines=()) for m in again] == [replace(m, line=0, string_lines=()) for m in read]


def test_the_previous_context_msgmerge_writes_is_written_back() -> None:
    """`#| msgctxt` (the context a fuzzy entry's translation was made under, which msgmerge
    writes even when it is the entry's own) is kept, in current and obsolete entries alike."""
    current = '#, fuzzy\n#| msgctxt "k"\n#| msgid "old"\nmsgctxt "k"\nmsgid "new"\nmsgstr "nuevo"\n'
    obsolete = '#, fuzzy\n#~| msgctxt "j"\n#~| msgid "old"\n#~ msgctxt "k"\n#~ msgid "gone"\n#~ msgstr "ido"\n'
    written = catalog_bytes(babel_catalog(HEADER + current + "\n" + obsolete, "es")).decode()
    assert written.endswith(f"\n\n{current}\n{obsolete}")


@pytest.mark.parametrize("case", ["po-duplicate", "po-bad-escape"])
def test_update_leaves_a_catalog_it_cannot_read_whole_alone(case: str, tmp_path: Path, fixed_today: None) -> None:
    """Babel's catalog keeps one entry per msgctxt+msgid, and a broken entry is left out: `update`
    would write the file back without them, so it refuses."""
    root = make_project(tmp_path, case)
    po = root / SPANISH
    before = po.read_bytes()
    code, out, _ = run_cli("--root", str(root), "update")
    assert code == 1
    assert out.rstrip().endswith("fix these errors first: no catalog was changed")
    assert po.read_bytes() == before


def test_a_translation_with_a_marker_that_is_not_whole_is_refused() -> None:
    """'[@A]' or '[@a; @b]' in a translation would print as text on the Spanish pages."""
    loc = _catalog('msgctxt "a:summary"\nmsgid "It closed [@a]."\nmsgstr "Cerró [@a] [@A] [@a; @b]."\n')
    (entry,) = loc.catalog.entries
    assert [(code, message) for code, message, _ in entry.problems] == [
        (
            "i18n.citations",
            "citation markers differ from the English 'It closed [@a].': '[@A]' is not a citation marker:"
            " source ids are lowercase; write [@a]; '[@a; @b]' is not a citation marker: each marker names"
            " one source; write [@a][@b]",
        )
    ]
    assert entry.counted == "untranslated"


def test_an_unclosed_marker_in_a_translation_is_said_to_be_never_closed() -> None:
    """'[@a' was reported as an "extra" marker running on to the next bracket, the sentence with
    it; it is named up to its id, with the hint `cite.malformed` gives in a dossier."""
    loc = _catalog(
        'msgctxt "a:summary"\nmsgid "It closed [@a]. It held 1,200 people."\nmsgstr "Cerró [@a. Retenía a 1,200."\n'
    )
    (entry,) = loc.catalog.entries
    assert [(code, message) for code, message, _ in entry.problems] == [
        (
            "i18n.citations",
            "citation markers differ from the English 'It closed [@a]. It held 1,200 people.':"
            " '[@a' is not a citation marker: it is never closed; write [@source-id]",
        )
    ]


@pytest.mark.parametrize(
    ("msgstr", "marker"),
    [
        ("Cerró @a.", "@a"),
        ("Cerró (@a.", "(@a"),
        ("Cerró [a].", "[a]"),
        ("Cerró [@a] (@a).", "(@a)"),
        ("Cerró [@a], dijo @a.", "@a"),
    ],
)
def test_a_translation_that_drops_a_markers_brackets_is_told_to_write_them(msgstr: str, marker: str) -> None:
    """A translator who writes '@a' (or '(@a', '[a]') for '[@a]' gets a printed '@a' and no note: the
    message says what to write, as `cite.malformed` does in a dossier, not just "missing [@a]"."""
    loc = _catalog(f'msgctxt "a:summary"\nmsgid "It closed [@a]."\nmsgstr "{msgstr}"\n')
    (entry,) = loc.catalog.entries
    assert [(code, message) for code, message, _ in entry.problems] == [
        (
            "i18n.citations",
            f"citation markers differ from the English 'It closed [@a].': '{marker}' is not a citation marker:"
            " write [@a] for its note",
        )
    ]


@pytest.mark.parametrize("msgstr", ["[@a] Se cerró.", "— [@a] Se cerró.", "«[@a] Se cerró.»"])
def test_a_translation_that_opens_with_its_citation_is_an_error(msgstr: str) -> None:
    """A dossier's text that opens with its marker is `cite.leading`; a translation that moves the
    marker there passed `check`, then failed the build at the chapter (`pdf.call`: the call
    starts a line, apart from any word) with no word of what to do. The catalog check says it."""
    loc = _catalog(f'msgctxt "a:summary"\nmsgid "It closed [@a]."\nmsgstr "{msgstr}"\n')
    (entry,) = loc.catalog.entries
    assert [(code, message) for code, message, _ in entry.problems] == [
        (
            "i18n.citations",
            "the translation of 'It closed [@a].' opens with '[@a]', before any word it could support: its"
            " note call would print first, alone; move it after the words its source supports",
        )
    ]
    assert (
        not _catalog('msgctxt "a:summary"\nmsgid "It closed [@a]."\nmsgstr "Se cerró [@a]."\n')
        .catalog.entries[0]
        .problems
    )


def test_an_address_or_a_handle_in_a_translation_is_no_citation() -> None:
    """Only an '@' before an id the English cites, as a whole word, is a marker without its brackets."""
    loc = _catalog(
        'msgctxt "a:summary"\nmsgid "Write to press@a.org [@a]."\n'
        'msgstr "Escriba a prensa@a.org o a @a.org, https://x.example/@a y @ab [@a]."\n'
    )
    (entry,) = loc.catalog.entries
    assert entry.problems == ()


def test_update_keeps_plural_forms_other_than_nplurals_as_msgmerge_does() -> None:
    """Babel's update cut a plural entry with other forms than the header's nplurals, made it
    fuzzy and padded it with an empty msgstr[2], while its summary said "0 changed (now fuzzy)".
    msgmerge leaves it as it is (check reports it, i18n.plural) and gives a new plural entry
    nplurals forms; so does update now."""
    from report.i18n.extract import update_catalog

    rule = "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);"
    kept = 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] "bs"\n'
    new = 'msgid "c"\nmsgid_plural "cs"\nmsgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""\n'
    template = babel_catalog(HEADER + 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] ""\nmsgstr[1] ""\n\n' + new, None)
    catalog = babel_catalog(HEADER.replace("nplurals=2; plural=(n != 1);", rule) + kept, "es")
    stats = update_catalog(template, catalog)
    assert stats == {"new": 1, "changed": 0, "carried": 0, "obsolete": 0, "restored": 0}
    assert catalog_bytes(catalog).decode().endswith(f"\n\n{kept}\n{new}")


def test_obsolete_entries_lose_their_extracted_comments_and_references_as_msgmerge_does() -> None:
    """An obsolete entry kept its `#.` and `#:` lines ('#: facilities/adelanto.yaml:129', a line
    another entry now has); msgmerge drops them, both from an entry it makes obsolete and from
    one that already was, and keeps its translator comments and flags."""
    from report.i18n.extract import update_catalog

    gone = '# A note\n#. Extracted\n#: facilities/a.yaml:129\n#, fuzzy\nmsgid "gone"\nmsgstr "ido"\n'
    old = '#. Old\n#: facilities/a.yaml:3\n#~ msgid "old"\n#~ msgstr "viejo"\n'
    catalog = babel_catalog(HEADER + gone + "\n" + old, "es")
    update_catalog(babel_catalog(HEADER, None), catalog)
    written = catalog_bytes(catalog).decode()
    entries = [e.strip() for e in written.split("\n\n")[1:]]
    assert entries == ['# A note\n#, fuzzy\n#~ msgid "gone"\n#~ msgstr "ido"', '#~ msgid "old"\n#~ msgstr "viejo"']
    msgmerge = shutil.which("msgmerge")
    if msgmerge is not None:  # the same as GNU gettext's, where it is installed
        with tempfile.TemporaryDirectory() as folder:
            po, pot = Path(folder, "es.po"), Path(folder, "messages.pot")
            po.write_text(HEADER + gone + "\n" + old, encoding="utf-8")
            pot.write_text(HEADER, encoding="utf-8")
            merged = subprocess.run([msgmerge, "-q", "-o", "-", str(po), str(pot)], capture_output=True, text=True)
            assert [e.strip() for e in merged.stdout.split("\n\n")[1:]] == entries


@pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU gettext is not installed")
def test_obsolete_entries_keep_the_catalogs_order_as_msgmerge_writes_them(tmp_path: Path) -> None:
    """update wrote the entries that were obsolete first and those it made obsolete after them;
    msgmerge writes both in the order the catalog had them. The whole merge is msgmerge's."""
    from report.i18n.extract import update_catalog

    po = HEADER + "\n".join(
        [
            '# kept for reference\n#. An extracted comment\n#: facilities/a.yaml:3\nmsgid "Alpha"\nmsgstr "Alfa"\n',
            '#, fuzzy\n#~| msgid "Old zulu"\n#~ msgctxt "a:summary"\n#~ msgid "Zulu"\n#~ msgstr "Zulú"\n',
            'msgid "Bravo"\nmsgstr "Bravo es"\n',
            'msgid "Charlie"\nmsgstr ""\n',  # untranslated: dropped, not kept obsolete
            '#~ msgid "Able"\n#~ msgstr "Hábil"\n',
            '#, fuzzy\n#| msgid "Delta one"\nmsgid "Delta two"\nmsgstr "Delta uno"\n',
            'msgid "Echo"\nmsgstr "Eco"\n',
        ]
    )
    pot = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    pot += 'msgid "Echo"\nmsgstr ""\n\nmsgid "Bravo"\nmsgstr ""\n\nmsgid "Foxtrot"\nmsgstr ""\n'
    (tmp_path / "es.po").write_text(po, encoding="utf-8")
    (tmp_path / "messages.pot").write_text(pot, encoding="utf-8")
    merged = subprocess.run(
        ["msgmerge", "--previous", "-q", "-o", "-", "es.po", "messages.pot"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"LC_ALL": "C"},
        check=True,
    ).stdout
    catalog = babel_catalog(po, "es")
    update_catalog(babel_catalog(pot, None), catalog)
    ours = catalog_bytes(catalog).decode()
    assert ours.split("\n\n")[1:] == merged.split("\n\n")[1:]
    assert [line for line in ours.splitlines() if line.startswith("#~ msgid")] == [
        '#~ msgid "Alpha"',
        '#~ msgid "Zulu"',
        '#~ msgid "Able"',
        '#~ msgid "Delta two"',
    ]


# -- figures and the order of citations: what a reviewer confirms in a translation the build prints --


def _doubts(body: str, used: set[tuple[str | None, str]] | None = None) -> tuple[str, list[str]]:
    """Return a catalog of HEADER and body, and the `i18n.figures` and `i18n.citation-order` findings of `check`."""
    from report.i18n.coverage import check_catalog

    text = HEADER + body
    findings = check_catalog(parse_catalog(text.encode(), SPANISH, "es"), used)
    return text, [str(f) for f in findings if f.code in ("i18n.figures", "i18n.citation-order")]


LASALLE = (
    '#| msgctxt "lasalle:summary"\n#| msgid "In 2025 it held nearly 1,200 people on an average day [@wwno]."\n'
    'msgctxt "lasalle:summary"\nmsgid "In 2025 it held nearly 1,300 people on an average day [@wwno]."\n'
    'msgstr ""\n"En 2025 retenía a casi 1,200 personas en un día promedio "\n"[@wwno]."\n'
)
"""A writer changed 1,200 to 1,300; `update` made the entry fuzzy; a translator cleared the flag alone."""


def test_a_figure_the_english_changed_is_found_once_the_fuzzy_flag_is_cleared() -> None:
    text, found = _doubts(LASALLE)
    line = _line(text, '"En 2025') - 1  # msgstr ""
    assert found == [
        f"{SPANISH}:{line}:1: warning: numbers differ from the English"
        " 'In 2025 it held nearly 1,300 people on an…': missing 1,300; extra 1,200 [i18n.figures]"
    ]


def test_a_fuzzy_untranslated_or_unused_entry_has_no_figures_to_confirm() -> None:
    """A fuzzy entry is `i18n.fuzzy`'s, an untranslated one prints the English, one the build no
    longer uses prints nowhere, and one with an error is corrected first (`i18n.citations` here)."""
    assert _doubts("#, fuzzy\n" + LASALLE)[1] == []
    assert _doubts('msgctxt "a:summary"\nmsgid "It held 1,300 people."\nmsgstr ""\n')[1] == []
    assert _doubts(LASALLE, used=set())[1] == []
    wrong_markers = 'msgctxt "a:summary"\nmsgid "It held 1,300 [@a]."\nmsgstr "Retenía a 1,200 [@b]."\n'
    assert _doubts(wrong_markers)[1] == []


def test_a_date_the_translator_changed_is_found() -> None:
    english = "On May 20, 2021, DWN and its partners announced the closure [@a]."
    text, found = _doubts(
        f'msgctxt "report:introduction.wins:text"\nmsgid "{english}"\n'
        'msgstr "El 21 de mayo de 2021, DWN y sus aliadas anunciaron el cierre [@a]."\n\n'
        f'msgctxt "report:introduction.month:text"\nmsgid "{english}"\n'
        'msgstr "El 20 de junio de 2021, DWN y sus aliadas anunciaron el cierre [@a]."\n'
    )
    day, month = _line(text, 'msgstr "El 21'), _line(text, 'msgstr "El 20')
    assert found == [
        f"{SPANISH}:{day}:1: warning: numbers differ from the English"
        " 'On May 20, 2021, DWN and its partners announced…': missing 20; extra 21 [i18n.figures]",
        f"{SPANISH}:{month}:1: warning: month names differ from the English"
        " 'On May 20, 2021, DWN and its partners announced…': missing May; extra junio [i18n.figures]",
    ]


def test_citation_markers_swapped_are_found() -> None:
    """Each marker is a note: swapped, Spanish note N puts the 77 complaints on WGCU's report."""
    text, found = _doubts(
        'msgctxt "glades:timeline.2022-complaint-counts:text"\nmsgid ""\n'
        '"Truthout cited 77 civil rights complaints since 2017 [@truthout-2022-glades], "\n'
        '"while WGCU reported at least 96 complaints [@wgcu-2022-03-25-glades]."\nmsgstr ""\n'
        '"Truthout citó 77 quejas de derechos civiles desde 2017 [@wgcu-2022-03-25-glades], "\n'
        '"mientras que WGCU informó de al menos 96 quejas [@truthout-2022-glades]."\n'
    )
    line = _line(text, '"Truthout citó') - 1  # msgstr ""
    assert found == [
        f"{SPANISH}:{line}:1: warning: citation markers are in another order than in the English"
        " 'Truthout cited 77 civil rights complaints since…': the English cites [@truthout-2022-glades]"
        " then [@wgcu-2022-03-25-glades]; the translation [@wgcu-2022-03-25-glades] then"
        " [@truthout-2022-glades] [i18n.citation-order]"
    ]


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        ("It held 1,200 people.", "Retenía a 1,200 personas."),
        ("It held 1,200 people.", "Retenía a 1.200 personas."),
        ("It held 1,200 people.", "Retenía a 1\u00a0200 personas."),
        ("It held 1,200 people.", "Retenía a 1\u202f200 personas."),
        ("It held 1,200 people.", "Retenía a 1200 personas."),
        ("It held 1,200 people.", "Retenía a 1'200 personas."),  # Swiss style (de_CH, fr_CH, it_CH)
        ("It held 1,200 people.", "Retenía a 1\u2019200 personas."),
        ("He was 5'10\" tall in 1990's photos.", "Medía 5'10\" en fotos de 1990's."),
        ("It held 1,200.5 beds.", "Tenía 1.200,5 camas."),
        ("A rise of 1.5 times.", "Un aumento de 1,5 veces."),
        ("On May 20, 2019, it closed.", "El 20 de mayo de 2019, cerró."),
        ("In May 2019 it closed.", "En mayo de 2019 cerró."),
        ("It closed in May 2019.", "Mayo de 2019: cerró."),
        ("It opened 20 May 2019.", "Abrió el 20 de mayo de 2019."),
        ("In May and June 2019.", "En mayo y junio de 2019."),
        ("In 2019, 300 people may be moved.", "En 2019, 300 personas podrían ser trasladadas."),
        ("May they stay? In 2019, 300 did.", "¿Pueden quedarse? En 2019, 300 lo hicieron."),
        ("Visas (H-2A) after COVID-19 [@a-2019].", "Visas (H-2A) después del COVID-19 [@a-2019]."),
        ("It closed in May 2019.", "Cerró en mayo del 2019."),
        ("It has been closed since March, 2020.", "Está cerrado desde marzo de 2020."),
        ("It closed Sept. 5, 2019.", "Cerró el 5 de septiembre de 2019."),
        ("It closed on 5 Sep 2019.", "Cerró el 5 sep. 2019."),
        ("Visits end at 10:30 a.m.", "Las visitas terminan a las 10.30 a. m."),
        ("Visits end at 9 a.m.", "Las visitas terminan a las 9:00 a. m."),
        ("From May to June 2019.", "De mayo a junio de 2019."),
        ("In January, February and March 2020.", "En enero, febrero y marzo de 2020."),
        ("In May–June 2019.", "En mayo-junio de 2019."),
        # Months named alone: as months where nothing else could be meant, else standing for the other's.
        ("It ended in November, citing overcrowding.", "Terminó en noviembre, alegando hacinamiento."),
        ("It ended in Nov. after a vote.", "Terminó en noviembre tras una votación."),
        ("Vigils were held in May.", "Hubo vigilias en mayo."),
        ("March brought protests.", "En marzo hubo protestas."),
        ("In July, Julio Pérez spoke.", "En julio, Julio Pérez habló."),
        ("November was hard.", "Noviembre fue duro."),
        ("Protesters march in the rain; they may return.", "Los manifestantes marchan bajo la lluvia."),
    ],
)
def test_figures_written_as_spanish_writes_them_are_the_same(english: str, spanish: str) -> None:
    """Numbers by value (a separator before exactly three digits separates thousands, another is the
    decimal point; a time's colon is one too), months by number, wide or abbreviated, where they
    date something: next to a number or to such a month, with at most a short word ("de", "del",
    "of", "to", "y") and a comma or period between, or a dash, in English as in Spanish. So "may",
    the verb, is no month."""
    assert _doubts(f'msgctxt "a:summary"\nmsgid "{english}"\nmsgstr "{spanish}"\n')[1] == []


def test_a_month_changed_in_a_range_is_found() -> None:
    """A month joined to a dated one ("May to June 2019") dates something too: changed, it is found."""
    text, found = _doubts(
        'msgctxt "a:summary"\nmsgid "From May to June 2019 it held 300 people."\n'
        'msgstr "De abril a junio de 2019 retuvo a 300 personas."\n'
    )
    line = _line(text, 'msgstr "De abril')
    assert found == [
        f"{SPANISH}:{line}:1: warning: month names differ from the English"
        " 'From May to June 2019 it held 300 people.': missing May; extra abril [i18n.figures]"
    ]


@pytest.mark.parametrize(
    ("english", "spanish", "difference"),
    [
        (  # Alamance's status, as a fact-checker found it passing
            "INDY Week reported that Sheriff Terry Johnson ended the jail's agreement with ICE in November, citing"
            " overcrowding.",
            "INDY Week informó que el alguacil Terry Johnson puso fin al acuerdo de la cárcel con ICE en octubre,"
            " alegando hacinamiento.",
            "'INDY Week reported that Sheriff Terry Johnson…': missing November; extra octubre",
        ),
        (
            "It ended in Sept. after a vote.",
            "Terminó en agosto tras una votación.",
            "'It ended in Sept. after a vote.': missing Sept; extra agosto",
        ),
        ("Vigils were held in May.", "Hubo vigilias en junio.", "'Vigils were held in May.': extra junio"),
        (
            "The county voted in June.",
            "El condado votó en 2021.",
            "'The county voted in June.': missing June; extra 2021",
        ),
    ],
)
def test_a_month_named_alone_and_changed_is_found(english: str, spanish: str, difference: str) -> None:
    """A month that dates nothing was not compared: "in November" as "en octubre" passed. A full
    name as the language writes it mid-sentence is a month alone (English's capitalized, but "May"
    and a sentence's first "March"; an abbreviation with its period); one that may be another word
    stands for the other text's month, so "in May" as "en junio" is found by the "junio"."""
    text, found = _doubts(f'msgctxt "a:summary"\nmsgid "{english}"\nmsgstr "{spanish}"\n')
    kinds = "numbers and month names" if "2021" in spanish else "month names"
    line = _line(text, f'msgstr "{spanish[:5]}')
    assert found == [f"{SPANISH}:{line}:1: warning: {kinds} differ from the English {difference} [i18n.figures]"]


CONFIRMED = (
    "# FIGURES: 21, not 20: the Spanish source counts from the closure order, a day later;\n"
    "# it cites @b, then @a, in the order its sentence names them.\n"
    'msgctxt "a:summary"\nmsgid "On May 20, 2021, it closed [@a] [@b]."\n'
    'msgstr "El 21 de mayo de 2021 cerró [@b] [@a]."\n'
)
"""A translation whose figures and order of notes a reviewer confirmed as right as they are."""


def test_a_figures_comment_confirms_the_figures_and_the_order_of_notes() -> None:
    """A translator comment `FIGURES: why` turns off both doubts of its entry, and only of its entry."""
    unconfirmed = CONFIRMED.split("\n", 1)[1].replace('"a:summary"', '"b:summary"')
    text, found = _doubts(CONFIRMED + "\n" + unconfirmed)
    line = _line(text, 'msgctxt "b:summary"') + 2  # its msgstr
    english = "'On May 20, 2021, it closed [@a] [@b].'"
    assert found == [
        f"{SPANISH}:{line}:1: warning: numbers differ from the English {english}: missing 20; extra 21 [i18n.figures]",
        f"{SPANISH}:{line}:1: warning: citation markers are in another order than in the English {english}:"
        " the English cites [@a] then [@b]; the translation [@b] then [@a] [i18n.citation-order]",
    ]


def test_a_figures_comment_confirms_only_the_figures_it_names() -> None:
    """A confirmation outlives an English that changes later: a figure it does not name is found again,
    and so is an order of notes whose every source it does not name."""
    changed = CONFIRMED.replace("it closed [@a] [@b].", "it closed 300 beds [@a] [@b] [@c].").replace(
        "cerró [@b] [@a].", "cerró 200 camas [@b] [@a] [@c]."
    )
    text, found = _doubts(changed)
    line = _line(text, 'msgstr "El')
    english = "'On May 20, 2021, it closed 300 beds [@a] [@b]…'"
    assert found == [
        f"{SPANISH}:{line}:1: warning: numbers differ from the English {english}: missing 300; extra 200"
        " (the FIGURES: comment does not name them) [i18n.figures]",
        f"{SPANISH}:{line}:1: warning: citation markers are in another order than in the English {english}:"
        " the English cites [@a] then [@b] then [@c]; the translation [@b] then [@a] then [@c]"
        " (the FIGURES: comment does not name @c) [i18n.citation-order]",
    ]


DEATH = (
    'msgctxt "a:deaths.d.text"\nmsgid "He died after 15 months in custody."\n'
    'msgstr "Murió tras 14 meses bajo custodia."\n'
)
"""A death whose months a translation changed, 15 to 14."""


@pytest.mark.parametrize(
    ("comment", "unnamed"),
    [
        ("the Spanish writes 2:15 p.m. as 14:15.", "missing 15; extra 14"),  # a time, one figure
        ("14:15 and 2:15, 15.5 and 14,5 are other figures.", "missing 15; extra 14"),
        ("the Spanish source says 14 meses.", "missing 15"),
        ("15, not 14: the Spanish source counts from the transfer.", ""),
        ("15 months; 14 meses from the transfer, as @gov-report-2014 says.", ""),
        ("the source @ice-15, @dhs-14 says so.", "missing 15; extra 14"),  # an id's digits name no figure
    ],
)
def test_a_figures_comment_names_a_figure_as_the_check_reads_it(comment: str, unnamed: str) -> None:
    """ "2:15 p.m. as 14:15" named 15 and 14: it confirmed a death's 15 months changed to 14. A
    comment is read as the English and the translation are: 14:15 is one figure, not 14 and 15."""
    text, found = _doubts(f"# FIGURES: {comment}\n{DEATH}")
    line = _line(text, 'msgstr "Murió')
    english = "'He died after 15 months in custody.'"
    assert found == (
        [
            f"{SPANISH}:{line}:1: warning: numbers differ from the English {english}: {unnamed}"
            " (the FIGURES: comment does not name them) [i18n.figures]"
        ]
        if unnamed
        else []
    )


def test_each_figures_line_confirms_what_it_names() -> None:
    """The README writes one `# FIGURES:` line per figure, but only the last line was read: the
    figures the first named were found again. Each line's are confirmed."""
    comments = "# FIGURES: 15 months in the English;\n# FIGURES: 14 meses in the Spanish source.\n"
    text, found = _doubts(comments + DEATH)
    assert found == []
    entry = parse_catalog(text.encode(), SPANISH, "es").entries[0]
    assert entry.confirmation == "15 months in the English; 14 meses in the Spanish source."


def test_a_figures_comment_is_no_finding() -> None:
    """Nor part of the review note of its entry: that note runs from `REVIEW:` to a `FIGURES:` line."""
    from report.i18n.coverage import check_catalog

    body = "# REVIEW: is 'cerró' the word DWN uses?\n" + CONFIRMED
    findings = check_catalog(parse_catalog((HEADER + body).encode(), SPANISH, "es"))
    line = _line(HEADER + body, 'msgid "On')
    assert [str(f) for f in findings] == [
        f"{SPANISH}:{line}:1: warning: to review: is 'cerró' the word DWN uses? [i18n.review]"
    ]


ON, AT_HEADER = 'msgid "On', 'msgid ""'
EMPTY_MARK = "to review: a `# REVIEW:` mark on {} with no text; say after it what to check, or delete the line"


@pytest.mark.parametrize(
    ("header", "entry", "expected"),
    [
        ("", "# REVIEW:\n", [(ON, EMPTY_MARK.format("the entry"))]),
        ("", "# REVIEW:  \n#\n", [(ON, EMPTY_MARK.format("the entry"))]),
        ("# REVIEW: is the team's name right?\n", "", [(AT_HEADER, "to review: is the team's name right?")]),
        ("# Spanish translations.\n# REVIEW:\n", "", [(AT_HEADER, EMPTY_MARK.format("the catalog"))]),
    ],
    ids=["empty", "blank-lines", "header", "header-empty"],
)
def test_a_review_mark_without_text_or_in_the_header_is_a_finding(
    header: str, entry: str, expected: list[tuple[str, str]]
) -> None:
    """A `# REVIEW:` line with no text, or one in the header's translator comment, gave no
    `i18n.review`, so a release went ahead with the question open. A mark is a question left
    open, with or without its words: the finding says so, at the entry's (or the header's) msgid."""
    from report.i18n.coverage import check_catalog

    text = header + HEADER + entry + CONFIRMED
    findings = check_catalog(parse_catalog(text.encode(), SPANISH, "es"))
    assert [str(f) for f in findings] == [
        f"{SPANISH}:{_line(text, start)}:1: warning: {message} [i18n.review]" for start, message in expected
    ]


def test_a_release_is_refused_while_a_review_mark_without_text_is_in_the_catalog(
    tmp_path: Path, fixed_today: None
) -> None:
    """The same in a project: `check --release` exits 1 with the mark's error, as for a mark with words."""
    root = make_project(tmp_path, "i18n-review-release")
    po = root / SPANISH
    text = po.read_text(encoding="utf-8")
    question = '# REVIEW: confirm "de muestra" with the publisher,\n#   then delete these lines.\n'
    assert text.count(question) == 1
    text = text.replace(question, "# REVIEW:\n")
    po.write_text(text, encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check", "--release")
    mark = _line(text, "# REVIEW:")
    line = next(n for n, x in enumerate(text.split("\n"), 1) if n > mark and x.startswith('msgid "'))  # its entry's
    assert code == 1
    assert [x for x in out.splitlines() if "[i18n." in x] == [
        f"{SPANISH}:{line}:1: error: {EMPTY_MARK.format('the entry')} [i18n.review]"
    ]


def test_update_keeps_a_figures_comment(tmp_path: Path, fixed_today: None) -> None:
    """`update` writes translator comments back as they were, so a confirmation outlives it, and a
    release goes ahead with the translations it confirms."""
    root = make_project(tmp_path, "i18n-figures-release")
    assert run_cli("--root", str(root), "update")[0] == 0  # wraps the lines the fixture changed as gettext does
    po = root / SPANISH
    text = po.read_text(encoding="utf-8")
    for entry in ("#. Sample Detention Center: summary.", "#. Sample Detention Center: death in custody"):
        assert text.count(entry) == 1
        confirmed = "# FIGURES: marzo de 2020, from the source; it cites @news-2021, then @gov-report-2020.\n"
        text = text.replace(entry, confirmed + entry)
    po.write_text(text, encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "update")
    assert (code, out) == (0, f"{SPANISH} unchanged: 0 new, 0 changed (now fuzzy), 0 obsolete\n")
    assert po.read_text(encoding="utf-8") == text
    code, out, _ = run_cli("--root", str(root), "check", "--release")
    assert code == 0, out
    assert out.startswith("0 errors, 0 warnings\n")  # no finding
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("confirmed: "))
    order, figures = 79, 96  # each msgstr's line: the fixture's, each entry a comment line longer
    comment = "      FIGURES: marzo de 2020, from the source; it cites @news-2021, then @gov-report-2020."
    assert lines[start : start + 5] == [  # what the reviewer who signs off the release reads
        "confirmed: 2 differences from the English that the build prints as they are, since a `# FIGURES:`"
        " translator comment says why: read each beside the English before a release:",
        f"  {SPANISH}:{order}:1: citation markers are in another order than in the English 'The sample facility"
        " was cited for poor medical…': the English cites [@gov-report-2020] then [@news-2021]; the translation"
        " [@news-2021] then [@gov-report-2020] [i18n.citation-order]",
        comment,
        f"  {SPANISH}:{figures}:1: numbers and month names differ from the English 'A man died after weeks"
        " without care.': extra 2020 and marzo [i18n.figures]",
        comment,
    ]


def test_update_keeps_a_same_comment(tmp_path: Path, fixed_today: None) -> None:
    """`update` writes a `# SAME:` comment back as it was, as it keeps `# FIGURES:`: the entry stays
    translated, and its confirmation listed."""
    root = make_project(tmp_path, "i18n-same-confirmed")
    assert run_cli("--root", str(root), "update")[0] == 0  # wraps the lines the fixture changed as gettext does
    po = root / SPANISH
    text = po.read_text(encoding="utf-8")
    assert text.count("# SAME: the line the translator means to keep in English.\n") == 1
    code, out, _ = run_cli("--root", str(root), "update")
    assert (code, out) == (0, f"{SPANISH} unchanged: 0 new, 0 changed (now fuzzy), 0 obsolete\n")
    assert po.read_text(encoding="utf-8") == text
    code, out, _ = run_cli("--root", str(root), "check", "--format", "json")
    assert [c["comment"] for c in json.loads(out)["coverage"]["es"]["confirmed"]] == [
        "the line the translator means to keep in English.",
        "marzo de 2020, the date of the death the entry is about.",
    ]


def test_a_figures_comment_is_listed_for_the_reviewer(tmp_path: Path, fixed_today: None) -> None:
    """A `FIGURES:` comment silenced `i18n.figures` and `i18n.citation-order`, and neither `check`
    nor `release` said so: the translator whose figures were flagged could write it unread. Each
    difference it confirms is listed, with the English's and the translation's figures and the
    comment's words: in the coverage table, the JSON (here) and the release checklist."""
    root = make_project(tmp_path, "i18n-figures-confirmed")
    code, out, _ = run_cli("--root", str(root), "check", "--release", "--format", "json")
    assert code == 1  # the order of notes, which no comment confirms
    assert json.loads(out)["coverage"]["es"]["confirmed"] == [
        {
            "file": SPANISH,
            "line": 95,
            "column": 1,
            "code": "i18n.figures",
            "message": "numbers and month names differ from the English 'A man died after weeks without care.':"
            " extra 2020 and marzo",
            "comment": "marzo de 2020, the date of the death the entry is about.",
        }
    ]
    code, out, _ = run_cli(
        "--root", str(make_project(tmp_path / "plain", "i18n-figures-release")), "check", "--format", "json"
    )
    assert json.loads(out)["coverage"]["es"]["confirmed"] == []


def test_digits_that_print_no_figure_are_left_out() -> None:
    """Citation markers, placeholders, HTML tags and URLs hold digits that are no figure."""
    assert (
        _doubts(
            'msgid "<a href=\\"https://example.org/2019/1\\">%(count)s reports</a> (www.example.org/7), H-2A"\n'
            'msgstr "<a href=\\"https://example.org/2019/1\\">%(count)s informes</a> (www.example.org/8), H-2A"\n'
        )[1]
        == []
    )


def test_the_digits_of_a_name_count() -> None:
    """A name's digits are figures too: "COVID-era" is no "COVID-19", and a report number changed is another report."""
    text, found = _doubts(
        'msgctxt "a:summary"\nmsgid "The COVID-era ban (OIG-19-47)."\nmsgstr "La prohibición del COVID-19 (OIG-19-48)."\n'
    )
    line = _line(text, 'msgstr "La')
    assert found == [
        f"{SPANISH}:{line}:1: warning: numbers differ from the English"
        " 'The COVID-era ban (OIG-19-47).': missing 47; extra 19 and 48 [i18n.figures]"
    ]


def test_a_plain_space_never_joins_digits() -> None:
    """ "May 20, 2019" is 20 and 2019: so is "1 200" with a plain space 1 and 200, where a no-break
    space would join them."""
    text, found = _doubts('msgctxt "a:summary"\nmsgid "It held 1,200 people."\nmsgstr "Retenía a 1 200 personas."\n')
    line = _line(text, 'msgstr "Retenía')
    assert found == [
        f"{SPANISH}:{line}:1: warning: numbers differ from the English"
        " 'It held 1,200 people.': missing 1,200; extra 1 and 200 [i18n.figures]"
    ]


def test_the_shipped_catalogs_have_no_figure_or_citation_order_to_confirm() -> None:
    catalogs = sorted(REPO.glob("i18n/*/LC_MESSAGES/messages.po"))
    assert catalogs
    for path in catalogs:
        lang = path.parent.parent.name
        parsed = parse_catalog(path.read_bytes(), str(path.relative_to(REPO)), lang)
        assert [doubt for entry in parsed.entries for doubt in entry.doubts] == []


def test_a_translation_with_figures_to_confirm_is_printed_as_it_is() -> None:
    """The doubts are warnings: the build prints the translation (markup included), counts it
    translated, and falls back to no English."""
    loc = _catalog(LASALLE + '\nmsgid "<b>%(num)s</b> in May 2019"\nmsgstr "<b>%(num)s</b> en junio de 2019"\n')
    entries = loc.catalog.entries
    assert [(e.problems, [code for code, _, _ in e.doubts], e.counted) for e in entries] == [
        ((), ["i18n.figures"], "translated"),
        ((), ["i18n.figures"], "translated"),
    ]
    prose = Text(entries[0].msgid, "lasalle:summary", "", Loc("facilities/lasalle.yaml", 78, 3))
    assert loc.plain(prose) == "En 2025 retenía a casi 1,200 personas en un día promedio [@wwno]."
    env = environment(REPO, loc)
    assert env.from_string("{{ _('<b>%(num)s</b> in May 2019', num=3) }}").render() == "<b>3</b> en junio de 2019"
    assert loc.findings == []


def test_a_date_filled_into_an_english_fallback_is_not_marked_english() -> None:
    """A fuzzy "as of %(date)s" printed `<span lang="en" class="fallback">as of marzo de 2023</span>`:
    the date, formatted in Spanish, was declared English (a screen reader read "marzo" with English
    rules). The English words alone are marked: a word filled in is this language's, which formatted
    it. Formatting the date in English instead would need the string's language before its values,
    which Jinja computes first; and the English words are the fallback, not the date."""
    loc = _catalog(
        '#, fuzzy, python-format\nmsgid "as of %(date)s"\nmsgstr "según datos de %(date)s"\n\n'
        '#, fuzzy, python-format\nmsgid "Back to note %(num)s in the text"\nmsgstr "Volver a la nota %(num)s"\n'
    )
    env = environment(REPO, loc)
    date = loc.partial_date(PartialDate.parse("2023-03"))
    as_of = env.from_string("{{ _('as of %(date)s', date=date) }}").render(date=date)
    assert as_of == '<span lang="en" class="fallback">as of </span>marzo de 2023'
    back = env.from_string("{% set b = _('Back to note %(num)s in the text', num=3) %}{{ language_of(b) }}|{{ b }}")
    # A number is no word of either language: it stays within the English.
    assert (
        back.render(language_of=loc.language_of)
        == 'en|<span lang="en" class="fallback">Back to note 3 in the text</span>'
    )


def test_whether_a_translation_is_its_english_is_worked_out_once_per_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Coverage, the glossary and the localizer each ask every entry whether it is a copy (`copied`,
    `counted`, `unusable`): five comparisons of every form with its English on each gather, the
    costliest part of `check`'s. An entry is frozen: its answer is worked out once."""
    from report.i18n import catalogs

    loc = _catalog(
        'msgid "Back to the text"\nmsgstr "back to the text."\n\nmsgid "Share the report."\nmsgstr "Comparte"\n'
    )
    compared: list[str] = []
    real_plain = catalogs._plain
    monkeypatch.setattr(catalogs, "_plain", lambda text: compared.append(text) or real_plain(text))
    for _ in range(3):
        assert [(e.copied, e.counted, e.unusable) for e in loc.catalog.entries] == [
            (True, "untranslated", True),
            (False, "translated", False),
        ]
    assert compared == ["back to the text.", "Back to the text", "Comparte", "Share the report."]
