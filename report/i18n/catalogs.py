"""gettext catalogs: where they live, and reading them into entries with their problems.

The build (`localize`) and `check` (`coverage`) read catalogs through `read_catalog`, so a
catalog is parsed once, by one parser (`pofile`, which `update` reads with too), and cached. Each entry carries what both need: its
strings, fuzzy flag, line, previous English, and the consistency problems found at parse time
(placeholders and plurals with Babel's checkers, HTML tags, `[@id]` citation markers, lengths), each at
the line of the msgstr at fault (of the plural form, for msgstr[N]): where a translator edits it,
often many lines below the msgid. Beside them, what a reviewer must confirm in a translation the
build prints as it is: figures (numbers and month names) other than the English's, and citation
markers in another order; and, where a `FIGURES:` translator comment says why they are right,
what it confirms, for the reviewer who signs off a release to read; as, where a `SAME:` comment
says why a translation is its English ("Total", "Hospital"), that it is no copy.
"""

from __future__ import annotations

import configparser
import difflib
import functools
import io
import os
import re
from collections import Counter
from dataclasses import dataclass, replace
from decimal import Decimal
from gettext import c2py
from pathlib import Path
from email import message_from_string
from typing import Any, Callable, Iterable, Protocol, Sequence, TypeGuard, TypeVar

from babel import Locale, UnknownLocaleError
from babel.dates import get_month_names
from babel.localedata import locale_identifiers
from babel.messages.catalog import PYTHON_FORMAT, Catalog, Message, TranslationError
from babel.messages.checkers import python_format
from babel.messages.plurals import PLURALS, get_plural

from .. import cache
from ..findings import Finding, Loc, count, error, visible
from ..content.load import prose_limit
from ..content.model import (
    BRACKETED_ID_RE,
    CITE_RE,
    MARKER_LIKE_RE,
    SOURCE_LANGUAGE,
    leading_marker,
    marker_hint,
    unbracketed,
)
from ..content.textfile import (
    character_references,
    decode,
    hidden_characters,
    read_input,
    reference_advice,
    wide_encoding,
)
from ..project import MAPPING_FILE, TEMPLATE_FILE, catalog_path  # noqa: F401 - catalog_path: where callers find it
from .pofile import PoMessage, read_po

TEMPLATES = "templates"


def is_prose(context: str | None) -> TypeGuard[str]:
    """Return True for the context of content prose, which names its file and field ('adelanto:summary').

    Template strings have no context, or a plain word that sorts them (`pgettext("state", …)`):
    they are checked as template strings (placeholders, quotes) and grouped with the templates.
    """
    return context is not None and ":" in context


EMPTY = (1, 1, "i18n.syntax", "the catalog is empty; run './build.py update' to fill it")
"""The problem of a catalog with nothing in it, which `update` fills like a missing one."""
UNREADABLE = (
    "i18n.syntax",
    "i18n.encoding",
    "i18n.bom",
    "i18n.newline",
    "limit.size",
    "input.outside",
    "input.not-file",
)
"""Problem codes after which a catalog's entries are not the whole file."""
REVIEW_MARK = "REVIEW:"
"""Starts the translator comment lines of a question an editor must settle (`i18n.review`)."""
FIGURES_MARK = "FIGURES:"
"""Starts a translator comment line saying why a translation's figures and order of notes are
right as they are: its entry has no doubts (`i18n.figures`, `i18n.citation-order`)."""
SAME_MARK = "SAME:"
"""Starts a translator comment line saying why a translation is its English, the word being the
same in both languages ("Total", "Hospital"): it is no copy (`CatalogEntry.copied_form`)."""
MARKS = (REVIEW_MARK, FIGURES_MARK, SAME_MARK)
"""The marks that start a paragraph of translator comments, each to the next mark (`_marked`)."""
UNUSABLE = ("i18n.placeholder", "i18n.citations", "i18n.blank", "i18n.plural", "limit.length")
"""Problem codes of a translation the build does not print (it falls back to the English)."""
COPIED_WORDS = 3
"""A translation of prose identical to its English with this many words or more is a copy, not a translation."""
MOSTLY_KEPT = 0.5
"""A translation that keeps more than this share of its English's words (not names), and at least
`COPIED_WORDS` of them, in runs of two or more, is the English pasted and only partly translated."""
NAME_CONTEXTS = ("state",)
"""Contexts of template strings that are proper names (`pgettext("state", "Texas")`): kept as
they are, they are no copy."""
_NOT_WORDS_RE = re.compile(r"%\([^)]*\)[a-z]|\[@[^\]]*\]|<[^>]*>")  # placeholders, citation markers, tags
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_QUOTES = str.maketrans(
    {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2018": "'", "\u2019": "'"}
)
_FINAL_PUNCTUATION = ".!?:;\u2026 "
"""What may end a copy that its English does not end with (spaces between them too): ". . ." or "?!"."""


def _plain(text: str) -> str:
    """Return `text` as a copy of it is compared: spacing, letter case, the style of quotes and its
    final punctuation (`. ! ? : ; …`, one or several: the period deleted from a pasted sentence) aside."""
    return " ".join(text.translate(_QUOTES).split()).casefold().rstrip(_FINAL_PUNCTUATION)


def _wordy(english: str, context: str | None) -> bool:
    """Return True if `english`, kept as it is in a translation, is English words left untranslated.

    In prose, `COPIED_WORDS` words or more not all in title case: a dossier names places and
    groups ("Rhode Island", "Communities Not Cages", the campaign's, kept as it is on purpose).
    A template string is a label the templates wrap around them: one word is enough ("Notes",
    "Chapter %(number)s"), unless every word is in capitals ("PDF", "ICE", "COVID-19") or its
    context says it is a name (`NAME_CONTEXTS`: "Texas"). Placeholders, citation markers and
    tags are no words ("%(name)s, %(state)s" is none).
    """
    words = _WORD_RE.findall(_NOT_WORDS_RE.sub(" ", english))
    if is_prose(context):
        return len(words) >= COPIED_WORDS and not all(word[0].isupper() for word in words)
    return context not in NAME_CONTEXTS and not all(word.isupper() for word in words)


def kept_english(string: str, english: str) -> tuple[tuple[str, ...], int]:
    """Return the words of `english` that `string` keeps, in the same order, in runs of two words or
    more, and how many words `english` has, leaving out names: words with a capital ("Detention
    Watch Network", "ICE") and what is no word (placeholders, citation markers, tags, numbers).

    A name runs into its small words ("Freedom for Immigrants"), which count; a word a translation
    shares by chance ("local", "federal") stands alone, which does not.
    """
    source = _WORD_RE.findall(_NOT_WORDS_RE.sub(" ", english))
    target = [word.casefold() for word in _WORD_RE.findall(_NOT_WORDS_RE.sub(" ", string.translate(_QUOTES)))]
    common = [i for i, word in enumerate(source) if not word[0].isupper()]
    matcher = difflib.SequenceMatcher(None, [word.casefold() for word in source], target, autojunk=False)
    runs = {
        i for block in matcher.get_matching_blocks() if block.size >= 2 for i in range(block.a, block.a + block.size)
    }
    return tuple(source[i] for i in common if i in runs), len(common)


def _mostly_english(string: str, english: str) -> bool:
    """Return True if `string` keeps most of the words of `english` (`kept_english`, `MOSTLY_KEPT`)."""
    kept, of = kept_english(string, english)
    return len(kept) >= COPIED_WORDS and len(kept) > MOSTLY_KEPT * of


_TAG_RE = re.compile(r"<(/?)(?>([A-Za-z][A-Za-z0-9-]*)\b)[^<>]*>")
"""A tag: its name is the longest that ends a word, kept (`(?>…)`) once found.

Trying each shorter name again meant reading the rest of an unclosed `<a-a-a…` once per hyphen:
minutes on a long translation. Whether the rest (`[^<>]*>`) matches does not depend on where the
name ends, so keeping the first end found changes no match.
"""
_ATTRIBUTE_RE = re.compile(r"""([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_BREAKOUT_RE = re.compile(r"""(["'])|(?<![-A-Za-z0-9_:.])[-0-9.]*+([A-Za-z_:][-A-Za-z0-9_:.]*+)\s*=""")
"""A quote, or a `name=`: the name from the first letter (or `_`, `:`) of its run of name characters.

Read once per run: a search from each letter of a long word, each backing off letter by letter,
took minutes on one word of 100,000 letters.
"""
_WORDS = ("title", "alt", "aria-label")
"""Attributes whose values are words a translator translates."""
_Found = tuple[str, str, int]
"""(code, message, form): a problem of a translation and the index of its msgstr at fault (0 for msgstr)."""


def rename_rank(new: str | None, old: str | None, gone: bool) -> tuple[bool, bool, int]:
    """Return how unlikely the entry of context `old` is to be where a new entry of context `new`
    with the same English came from (lowest first): not `gone` (its context is no longer used,
    as a renamed id's or file's is), then not of the same part (facility, report, templates), then
    fewer leading characters shared. `update` takes the lowest, and coverage foresees it so."""
    new, old = new or "", old or ""
    same_part = new.split(":", 1)[0] == old.split(":", 1)[0]
    return (not gone, not same_part, -len(os.path.commonprefix([new, old])))


class _Contextual(Protocol):
    @property
    def context(self) -> str | None: ...


_Entry = TypeVar("_Entry", bound=_Contextual)


def kept_as_obsolete(
    obsolete: Iterable[_Entry],
    context: str | None,
    english: Sequence[str],
    english_of: Callable[[_Entry], Sequence[str]],
) -> _Entry | None:
    """Return the obsolete entry that `update` restores as it was ("restored") for a message of this
    context and English (msgid, then msgid_plural if any): the first with both the same,
    translated or not. `update` asks it of Babel's messages, and coverage foresees it so."""
    wanted = tuple(english)
    return next((e for e in obsolete if e.context == context and tuple(english_of(e)) == wanted), None)


def field_entry(leaving: Iterable[_Entry], context: str, translated: Callable[[_Entry], bool]) -> _Entry | None:
    """Return the entry whose translation `update` gives a message of this field (a prose context)
    that neither its own obsolete entry nor a translation of its English supplies: the last of
    `leaving` (the catalog's obsolete entries, then those the merge makes obsolete, each in the
    catalog's order) with this context, if it is `translated`; None if the message comes in
    untranslated ("new"). `restores` says whether that translation comes back as it was or fuzzy.
    `update` asks it of Babel's messages, and coverage foresees it so."""
    found = None
    for entry in leaving:
        if entry.context == context:
            found = entry
    return found if found is not None and translated(found) else None


def close_entry(
    leaving: Iterable[_Entry],
    context: str | None,
    english: Sequence[str],
    english_of: Callable[[_Entry], Sequence[str]],
    translated: Callable[[_Entry], bool],
) -> _Entry | None:
    """Return the entry whose translation `update` gives a template string (not a plural one) of
    this context and English that neither its own obsolete entry nor a translation of its English
    supplies: of `leaving` (the catalog's obsolete entries and those the merge makes obsolete) with
    this context and no plural, the one whose English difflib finds closest, as msgmerge's fuzzy
    matching would, if it is `translated`; None if the message comes in untranslated ("new").
    `update` asks it of Babel's messages, and coverage foresees it so."""
    candidates = {}
    for entry in leaving:
        own = tuple(english_of(entry))
        if entry.context == context and len(own) == 1:
            candidates[own[0]] = entry
    if len(english) != 1 or not candidates:
        return None
    match = difflib.get_close_matches(english[0], list(candidates), n=1, cutoff=0.75)
    found = candidates[match[0]] if match else None
    return found if found is not None and translated(found) else None


def restores(made_from: tuple[str | None, Sequence[str]], context: str | None, english: Sequence[str]) -> bool:
    """Return True if a translation made from `made_from` (a context and English: a fuzzy entry's
    `#|` ones, else its own) comes back as it was, not fuzzy, for a message of this context and
    English: an edit or a rename undone before the translator saw it ("restored"). `update` asks
    it of the entry it takes, and coverage foresees it so."""
    return made_from[0] == context and tuple(made_from[1]) == tuple(english)


@dataclass(frozen=True)
class CatalogEntry:
    """One message of a .po or .pot file, reduced to what the checks and the status page need."""

    context: str | None
    msgid: str
    plural: str | None
    strings: tuple[str, ...]
    fuzzy: bool
    obsolete: bool
    line: int
    """The line of its msgid: where untranslated and fuzzy entries are reported."""
    string_lines: tuple[int, ...] = ()
    """The line of each msgstr (msgstr[N]): where problems of the translation are reported."""
    previous: str | None = None
    """The English a fuzzy entry's translation was made from (`#| msgid`)."""
    previous_context: str | None = None
    """The context a fuzzy entry's translation was made under (`#| msgctxt`): a renamed id's or file's."""
    references: tuple[tuple[str, int | None], ...] = ()
    """The `#:` (file, line) references: where the English is, as the .pot last saw it."""
    problems: tuple[tuple[str, str, int], ...] = ()
    """(code, message, line) for placeholder, plural, markup and citation mistakes, at the msgstr at fault."""
    doubts: tuple[tuple[str, str, int], ...] = ()
    """(code, message, line) for what a reviewer must confirm in a translation without problems, at
    the msgstr at fault: figures other than the English's (`i18n.figures`), citation markers in
    another order (`i18n.citation-order`). The build prints it as it is: they are warnings, not `UNUSABLE`.
    None where a translator comment line starting `FIGURES:` says why it is right as it is."""
    confirmed: tuple[tuple[str, str, int], ...] = ()
    """(code, message, line) for each difference from the English that its `FIGURES:` comment
    confirms: no doubt, but listed for the reviewer who signs off a release (`coverage`)."""
    confirmation: str | None = None
    """The words of its `FIGURES:` translator comment, which a reviewer reads beside `confirmed`."""
    same: str | None = None
    """The words of its `SAME:` translator comment: why its translation is its English, which is
    then no copy; a reviewer reads them beside it ("" for a mark with no reason, which confirms nothing)."""
    review: str | None = None
    """An editor's open question on the translation: translator comments from `# REVIEW:` on
    ("" for a mark with no text, which is still a question left open)."""
    wrong_plural_rule: bool = False
    """True for a plural entry of a catalog whose Plural-Forms is not its language's rule (an
    `i18n.plural` error at the header), or that has translated plural entries and no Plural-Forms
    (an `i18n.header` error): which form a count takes is not known, so it is unusable."""

    @property
    def key(self) -> tuple[str | None, str]:
        """Return (context, msgid): how the build looks the message up."""
        return (self.context, self.msgid)

    @property
    def english(self) -> tuple[str, ...]:
        """Return its English: (msgid,), or (msgid, msgid_plural)."""
        return (self.msgid,) if self.plural is None else (self.msgid, self.plural)

    @property
    def state(self) -> str:
        """Return 'obsolete', 'untranslated', 'fuzzy' or 'translated'."""
        if self.obsolete:
            return "obsolete"
        if not self.strings or not self.strings[0]:
            return "untranslated"
        if self.fuzzy:
            return "fuzzy"
        return "translated" if all(self.strings) else "untranslated"

    @property
    def unusable(self) -> bool:
        """Return True if the translation cannot be printed as it is.

        Its placeholders are wrong (Jinja would raise or print them wrong), its citation
        markers differ from the English (it would drop or change a footnote), a form is only
        whitespace (it would print nothing), it is longer than its English may be (it would
        swell every page that prints it), or it is a plural entry and the header's
        Plural-Forms is wrong (it could print "750 persona"): the build prints the English
        instead, so coverage counts it as untranslated.
        """
        return self.wrong_plural_rule or self.copied or any(code in UNUSABLE for code, _, _ in self.problems)

    @property
    def copied(self) -> bool:
        """Return True if a form of its translation is that form's English (`copied_form`)."""
        return self.copied_form is not None

    @property
    def copied_form(self) -> int | None:
        """Return the first form (msgstr[N]) of its translation that is its English (`identical_form`),
        or None, as for every form where a `SAME:` comment says why (`same`)."""
        return None if self.same else self.identical_form

    @functools.cached_property  # asked of every entry by coverage, the glossary and the localizer, each gather
    def identical_form(self) -> int | None:
        """Return the first form (msgstr[N]) of its translation that is its English, or mostly so
        (`kept_english`: the English pasted and a word or two translated), or None.

        The English pasted in (Poedit's "copy from source", one plural tab at a time) would print
        as if it were the translation, unmarked, while coverage counted it translated: it is
        English, so the build prints the entry as English (`lang="en"`) and coverage counts it
        untranslated (`counted`). The same is the same but for spacing, letter case, the style of
        quotes and the final punctuation (a space added, or the final period deleted, to get past
        the check). A form is a copy only where its English says something in words (`_wordy`), and
        a translator who means it says why in a `SAME:` comment (`copied_form`).
        """
        if self.state != "translated":
            return None
        english = self.english
        for form, string in enumerate(self.strings):
            source = english[min(form, len(english) - 1)]
            if string and _wordy(source, self.context):
                if _plain(string) == _plain(source) or _mostly_english(string, source):
                    return form
        return None

    def partly_copied(self, form: int) -> tuple[tuple[str, ...], int] | None:
        """Return, for msgstr[form] that is mostly its English but not all of it (`identical_form`),
        the English words it keeps and how many its English has (`kept_english`); None for a whole copy."""
        english = self.english[min(form, len(self.english) - 1)]
        if _plain(self.strings[form]) == _plain(english):
            return None
        return kept_english(self.strings[form], english)

    def copy_said(self, form: int) -> str:
        """Return what msgstr[form], a copy of its English (`identical_form`), is, as findings say it."""
        partly = self.partly_copied(form)
        if partly is None:
            return "its English, copied unchanged"
        kept, of = partly
        return f"mostly its English ({len(kept)} of its {of} English words kept: '{brief(' '.join(kept))}')"

    @property
    def counted(self) -> str:
        """Return the state coverage counts: 'untranslated' for a translation the build cannot use."""
        state = self.state
        return "untranslated" if state == "translated" and self.unusable else state

    def string_line(self, form: int) -> int:
        """Return the line of msgstr[form] (of the last msgstr the file has, or the msgid, if it has none)."""
        lines = self.string_lines
        return lines[min(form, len(lines) - 1)] if lines else self.line

    @property
    def moved_from(self) -> str | None:
        """Return the other context its translation was made under (a renamed id or file), if any."""
        return self.previous_context if self.previous_context not in (None, self.context) else None

    @property
    def made_from(self) -> tuple[str | None, tuple[str, ...]]:
        """Return the context and English its translation was made from: a fuzzy entry's previous
        ones (`#| msgctxt`, `#| msgid`), else its own. (Only `#| msgid` is kept: a plural entry's
        previous English is taken as that alone.)"""
        if self.fuzzy and self.previous is not None:
            return self.previous_context or self.context, (self.previous,)
        return self.context, self.english

    @property
    def english_changed(self) -> bool:
        """Return True if its translation was made from other English (`#| msgid` differs)."""
        return self.previous is not None and self.previous != self.msgid

    @property
    def files(self) -> tuple[str, ...]:
        """Return the files its references name, each once, in order."""
        return tuple(dict.fromkeys(path for path, _ in self.references))

    @property
    def group(self) -> str:
        """Return 'templates', 'report', 'sources' or the facility id the message belongs to."""
        if self.context is None or not is_prose(self.context):
            return TEMPLATES
        return self.context.split(":", 1)[0]

    @property
    def translation(self) -> str:
        """Return the current translation, plural forms joined by ' | '."""
        return " | ".join(s for s in self.strings if s)


@dataclass(frozen=True)
class ParsedCatalog:
    """A .po or .pot file: its project-relative path and its entries (active, then obsolete)."""

    path: str
    entries: tuple[CatalogEntry, ...]
    problems: tuple[tuple[int, int, str, str], ...] = ()
    """(line, column, code, message) for what Babel's parser could not take in."""
    plural_expr: str = "(n != 1)"
    num_plurals: int = 2
    header_review: tuple[int, str] | None = None
    """(line, note) of an open question in the header's translator comments (`# REVIEW:`), on the
    whole catalog: the line is the header's msgid, as an entry's question is at its msgid."""

    @property
    def unreadable(self) -> bool:
        """Return True if the parser had to skip part of the file, so its entries are incomplete."""
        return any(code in UNREADABLE for _, _, code, _ in self.problems)

    def active(self) -> list[CatalogEntry]:
        """Return the entries that are not obsolete."""
        return [e for e in self.entries if not e.obsolete]


CONTENT_METHODS = ("first_ten_yaml", "report.i18n.extract:extract_yaml")
"""Babel methods that extract content prose (the entry point `first_ten_yaml`, and its full name)."""
METHODS = ("jinja2", *CONTENT_METHODS, "ignore")
"""The extraction methods babel.cfg may name: Jinja's for the templates, this project's for the
content, and Babel's `ignore` (files to leave out). Babel imports any other name holding `.` or
`:` (from the project root too, which `./build.py` puts on `sys.path`) and calls it: content would
run code; and it has no method by any other name."""
DATA_OPTIONS = (
    *("keywords", "add_comments"),  # Babel's own: which calls and which comments are extracted
    *("encoding", "silent", "trimmed", "newstyle_gettext"),  # the rest: what jinja2.ext.babel_extract reads
    *("block_start_string", "block_end_string", "variable_start_string", "variable_end_string"),
    *("comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix"),
    *("trim_blocks", "lstrip_blocks", "keep_trailing_newline"),
)
"""The options a babel.cfg section may set: data the extractors read (words, switches, delimiters,
an encoding). Any other is refused: Jinja's extractor imports every module `extensions` names and
runs it, and no extractor here reads another."""


def parse_mapping(root: Path, raw: bytes) -> tuple[tuple[Any, Any] | None, list[Finding]]:
    """Return babel.cfg's (method map, options map) as `pybabel extract` reads them, without the
    sections this tool refuses, and the errors that refuse them; or None and the `i18n.extract`
    error that says why Babel cannot read it (at its line when the parser names one).

    A section is refused, at its line, when its method is not one of `METHODS` (`i18n.extract`:
    Babel would import it), or when its pattern reaches outside the project (`input.outside`:
    `..`, an absolute path, or a folder that resolves out of it), so nothing outside is walked. An
    option that is not one of `DATA_OPTIONS` (`extensions`: Jinja would import it), or an
    `encoding` Python cannot decode with, is refused at its line (`i18n.extract`) and left out.
    `check` and `extract` both ask here, so a broken mapping is the same findings in both, never a
    crash, and `extract` writes nothing while there are any.
    """
    from babel.messages.frontend import parse_mapping_cfg

    wide = wide_encoding(raw)
    if wide is not None:
        return None, [error("i18n.extract", Loc(MAPPING_FILE, 1, 1), f"{MAPPING_FILE} is {wide}; save it as UTF-8")]
    try:
        text = raw.decode("utf-8")
        method_map, options_map = parse_mapping_cfg(io.StringIO(text), MAPPING_FILE)
        headers = _section_headers(text)
    except (configparser.Error, UnicodeDecodeError, ValueError) as exc:
        line = getattr(exc, "lineno", None) or next((n for n, _ in getattr(exc, "errors", ())), 0)
        message = f"{MAPPING_FILE} cannot be read: {str(exc).splitlines()[0]}"
        return None, [error("i18n.extract", Loc(MAPPING_FILE, line, 1 if line else 0), message)]
    if len(headers) != len(method_map):  # not expected: Babel makes one entry per section
        headers = [(0, "")] * len(method_map)
    kept, options, findings = [], {}, []
    for (pattern, method), header in zip(method_map, headers, strict=True):
        problem = _section_problem(root, pattern, method, *header)
        if problem is None:
            kept.append((pattern, method))
            options[pattern], refused = _data_options(text, header[0], options_map.get(pattern, {}))
            findings += [f for f in refused if f not in findings]  # one of [DEFAULT]'s is every section's
        else:
            findings.append(problem)
    return (kept, options), findings


def _data_options(text: str, line: int, options: dict[str, Any]) -> tuple[dict[str, Any], list[Finding]]:
    """Return a section's options (its header at `line`) without those refused, and the errors that refuse them."""
    kept, findings = {}, []
    for name, value in options.items():
        number = _option_line(text, line, name)
        at = Loc(MAPPING_FILE, number, 1 if number else 0)
        if name not in DATA_OPTIONS:
            why = "Jinja would import and run the modules it names" if name == "extensions" else "no extractor reads it"
            message = f"option '{name}' is not one babel.cfg may set: {why} (options: {', '.join(DATA_OPTIONS)})"
            findings.append(error("i18n.extract", at, message))
            continue
        if name == "encoding":
            try:
                io.TextIOWrapper(io.BytesIO(), encoding=value)  # what `bytes.decode` takes: no 'rot13', 'hex'
            except (LookupError, ValueError):  # ValueError: a NUL in the name
                message = (
                    f"encoding '{value}' is not a text encoding Python knows: write utf-8, the templates' encoding"
                )
                findings.append(error("i18n.extract", at, message))
                continue
        kept[name] = value
    return kept, findings


def _option_line(text: str, section: int, name: str) -> int:
    """Return the line of option `name` in the babel.cfg section whose header is at line `section`,
    else in `[DEFAULT]`, whose options every section has (0 if not found)."""
    parser = configparser.RawConfigParser()
    lines = text.split("\n")  # configparser's lines: split at \n alone
    starts = [n for n, line in enumerate(lines, start=1) if parser.SECTCRE.match(line.strip())]
    default = [n for n in starts if lines[n - 1].strip() == f"[{parser.default_section}]"]
    for start in [section] * bool(section) + default[:1]:
        end = next((n for n in starts if n > start), len(lines) + 1)
        for number in range(start + 1, end):
            line = lines[number - 1]
            if line[:1].isspace() or line.strip().startswith(("#", ";")):
                continue  # a value's continuation, or a comment
            match = parser.OPTCRE.match(line)
            if match and parser.optionxform(match.group("option").strip()) == name:
                return number
    return 0


def _section_headers(text: str) -> list[tuple[int, str]]:
    """Return the line number and text of each babel.cfg section but `[extractors]`, in the order
    of Babel's method map (0 and '' for one not found)."""
    parser = configparser.RawConfigParser()
    parser.read_string(text, MAPPING_FILE)
    first: dict[str, tuple[int, str]] = {}
    for number, line in enumerate(text.split("\n"), start=1):  # configparser's lines: split at \n alone
        match = parser.SECTCRE.match(line.strip())
        if match:
            first.setdefault(match.group("header"), (number, line))
    return [first.get(section, (0, "")) for section in parser.sections() if section != "extractors"]


def _section_problem(root: Path, pattern: str, method: str, line: int, header: str) -> Finding | None:
    """Return the error that refuses one babel.cfg section (method, pattern), or None."""

    def at(part: str) -> Loc:
        return Loc(MAPPING_FILE, line, (header.find(part) + 1 or 1) if line else 0)

    if method not in METHODS:
        why = "Babel would import and run it" if "." in method or ":" in method else "Babel has no such method"
        return error(
            "i18n.extract",
            at(method),
            f"extraction method '{method}' is not one this project provides ({', '.join(METHODS)}): {why}",
        )
    if pattern.startswith("/") or ".." in pattern.split("/"):
        return error(
            "input.outside",
            at(pattern),
            f"pattern '{pattern}' reaches outside the project: name the project's own files by their"
            " path in it (layouts/**.html)",
        )
    folder = fixed_prefix(pattern)
    try:
        real = (root / folder).resolve()
    except (OSError, RuntimeError):  # a link loop: walking it lists nothing
        return None
    if not real.is_relative_to(root.resolve()):
        return error(
            "input.outside",
            at(pattern),
            f"pattern '{pattern}' is in '{folder}', which resolves to '{real}', outside the project:"
            " copy the files here instead of linking to them",
        )
    return None


def fixed_prefix(pattern: str) -> str:
    """Return the folder part of a glob pattern before its first wildcard ('' for the root)."""
    head = re.split(r"[*?\[]", pattern, maxsplit=1)[0]
    return head.rsplit("/", 1)[0] if "/" in head else ""


def read_catalog(root: Path, rel: str, lang: str | None, cache_dir: Path | None = None) -> ParsedCatalog | None:
    """Return a parsed .po (with `lang`) or .pot file, or None if there is no such file.

    Parsing is the slow part of reading a catalog, so the result is cached under
    `.cache/catalogs/`, keyed by the file's bytes and this module's import closure, and in this
    process for every project with the same file (`cache.memoize_shared`).
    """
    raw, refused = read_input(root, rel, "catalog")
    if refused is not None:
        return ParsedCatalog(rel, (), ((1, 1, refused.code, refused.message),))
    if raw is None:
        return None
    key = cache.key_of(cache.fingerprint(__name__), rel, lang or "", raw)
    return cache.memoize_shared(cache_dir, "catalogs", key, parse_catalog, raw, rel, lang)


def parse_catalog(raw: bytes, rel: str, lang: str | None) -> ParsedCatalog:
    """Return the entries of a .po or .pot file given as bytes, with their consistency problems.

    A catalog that is not UTF-8 text, is empty, or whose header cannot be read gives a problem
    instead of an exception; a broken Plural-Forms falls back to the language's own rule. A
    Plural-Forms that is not the language's rule (`_plural_rule_problem`) is one problem at its
    line: the plural entries are then left with the forms they have and marked unusable
    (`CatalogEntry.wrong_plural_rule`), instead of each being cut or padded to a wrong nplurals.
    So are they when the header has no Plural-Forms and msgfmt would compile one of them (one
    `i18n.header` problem at the header), not measured against a rule the file does not have.
    """
    text, refused = decode(raw, rel, "i18n")
    if text is None:
        return ParsedCatalog(rel, (), tuple((f.loc.line, f.loc.col, f.code, f.message) for f in refused))
    if not text.strip():
        return ParsedCatalog(rel, (), (EMPTY,))
    po = read_po(text)
    catalog = Catalog(locale=lang)  # Babel's: the header's plural rule, charset and language
    problems = list(po.problems)
    header = po.header
    if header is not None:
        try:
            catalog.mime_headers = message_from_string(header.strings[0]).items()
        except ValueError as exc:
            problems.append((header.line, 1, "i18n.header", f"the header cannot be read: {exc}"))
    plurals = [m for m in po.messages if m.msgid and m.plural is not None and not m.obsolete]
    # The forms of the translations msgfmt would compile: an empty entry has the forms `update`
    # gave it from the header, which say nothing of the rule the translator wrote to.
    translated = [m for m in plurals if "fuzzy" not in m.flags and m.strings and m.strings[0]]
    forms = Counter(len(m.strings) for m in translated)
    compiled = bool(translated)
    if lang:
        plural_expr, header_problems, rule_ok = _header_problems(catalog, header, lang, text, forms, compiled)
    else:
        plural_expr, header_problems, rule_ok = "0", [], True
    rule = _fitting_rule(lang, forms) if lang and len(forms) == 1 else None
    # Every plural entry has the forms of this rule: offered at each entry, with the line to write it at.
    fitting = (rule, _field_line(text, header, "Plural-Forms")) if rule and header is not None else None
    entries = []
    for message in po.messages:
        if not message.msgid:
            continue
        entries.append(_entry(message, catalog if lang and not message.obsolete else None, rule_ok, fitting, lang))
    entries.sort(key=lambda entry: entry.obsolete)  # active, then obsolete, each in file order
    review = _review(header.comments) if header is not None else None
    asked = (header.line, review) if header is not None and review is not None else None
    if not lang:
        return ParsedCatalog(rel, tuple(entries), tuple(problems), "0", 1, asked)
    return ParsedCatalog(rel, tuple(entries), (*problems, *header_problems), plural_expr, catalog.num_plurals, asked)


def _header_problems(
    catalog: Catalog, header: PoMessage | None, lang: str, text: str, forms: Counter[int], compiled: bool
) -> tuple[str, list[tuple[int, int, str, str]], bool]:
    """Return the plural rule to use, what is wrong with a .po file's header (`text`), and whether
    the plural entries may use the rule, given how many plural entries have each number of forms
    (`forms`) and whether msgfmt would compile any of them (`compiled`: translated, not fuzzy)."""
    if header is None:
        return (
            catalog.plural_expr,
            [(1, 1, "i18n.header", "the catalog has no header (msgid \"\"); run './build.py update'")],
            True,
        )
    line = header.line
    problems = []
    if catalog.charset.lower().replace("-", "") != "utf8":
        problems.append(
            (
                _field_line(text, header, "Content-Type"),
                1,
                "i18n.header",
                f"the header says charset={catalog.charset}; catalogs are UTF-8, so say charset=UTF-8",
            )
        )
    declared = getattr(catalog, "locale_identifier", None) or str(catalog.locale or "")
    # A region of the language is its language: Poedit writes es_US for "Spanish (United States)",
    # the locale report.yaml may give it. Nothing reads the region: the catalog is the language's
    # (i18n/<code>/), its plural rule is its Plural-Forms, and dates and numbers follow report.yaml.
    same_language = catalog.locale is not None and catalog.locale.language == lang
    if declared and declared != lang and not same_language:
        problems.append(
            (
                _field_line(text, header, "Language"),
                1,
                "i18n.header",
                f"the header says Language: {declared}, but this is the catalog for '{lang}'",
            )
        )
    plural_expr = catalog.plural_expr
    try:
        c2py(plural_expr)
    except (ValueError, SyntaxError) as exc:
        plural_expr = Catalog(locale=lang).plural_expr
        problems.append(
            (
                _field_line(text, header, "Plural-Forms"),
                1,
                "i18n.header",
                f"Plural-Forms 'plural={catalog.plural_expr}' is not a valid rule ({exc})",
            )
        )
    else:
        if any(name.lower() == "plural-forms" for name in _fields(header)):
            wrong = _plural_rule_problem(catalog, lang, forms)
            if wrong is not None:
                problems.append((_field_line(text, header, "Plural-Forms"), 1, "i18n.plural", wrong))
                return plural_expr, problems, False
        elif compiled:
            # Babel would take the rule of the header's Language (Spanish's nplurals=3) without a
            # word, where msgfmt refuses the catalog: the header is wrong, not each plural entry.
            problems.append((line, 1, "i18n.header", _missing_rule_problem(lang, forms, _header_end(text, header))))
            return plural_expr, problems, False
    return plural_expr, problems, True


def _fields(header: PoMessage) -> list[str]:
    """Return the names of a header's fields, as written."""
    return message_from_string(header.strings[0]).keys() if header.strings else []


PLURAL_COUNTS = range(100_000)
"""The counts over which a header's plural rule must agree with the language's: every figure a
facility could print (the largest hold a few thousand people), short of the millions that
CLDR gives some languages a form of their own for."""


@functools.cache
def _language_rules(lang: str) -> dict[int, tuple[tuple[int, ...], str | None]]:
    """Return, per nplurals a header may have for `lang`, the form each count of `PLURAL_COUNTS`
    takes and the Plural-Forms to write for it (None if Babel has no such rule written).

    The language's rule is Babel's (`get_plural`, from CLDR). That rule without the forms no
    such count takes (the others renumbered in order) is accepted too: Babel's Spanish rule has
    a form for a million ("1 millón de personas", nplurals=3), and `nplurals=2; plural=(n != 1);`
    (GNU gettext's, msginit's and Poedit's) is that rule without it; Russian's form for fractions
    likewise. Its Plural-Forms is the first rule of Babel's table that picks those forms.
    """
    expected = get_plural(lang)
    rule = c2py(expected.plural_expr)
    wanted = tuple(rule(n) for n in PLURAL_COUNTS)
    used = sorted(set(wanted))
    rules: dict[int, tuple[tuple[int, ...], str | None]] = {expected.num_plurals: (wanted, str(expected))}
    if len(used) != expected.num_plurals:
        renumbered = tuple(used.index(form) for form in wanted)
        same = (str(get_plural(code)) for code in sorted(PLURALS) if PLURALS[code][0] == len(used))
        rules[len(used)] = (renumbered, next((forms for forms in same if _picks(forms, renumbered)), None))
    return rules


def _picks(plural_forms: str, wanted: tuple[int, ...]) -> bool:
    """Return True if a Plural-Forms picks the `wanted` form for every count of `PLURAL_COUNTS`."""
    rule = c2py(plural_forms.split("plural=", 1)[1].rstrip(";"))
    return all(rule(n) == form for n, form in zip(PLURAL_COUNTS, wanted, strict=True))


def _fitting_rule(lang: str, forms: Counter[int]) -> str | None:
    """Return the Plural-Forms of the language's rule with the number of forms most translated plural
    entries have (`forms`: how many entries have each number), or None if no such rule is written."""
    rules = _language_rules(lang)
    fitting = [count for count, _ in forms.most_common() if rules.get(count, ((), None))[1] is not None]
    return rules[fitting[0]][1] if fitting else None


def _plural_rule_problem(catalog: Catalog, lang: str, forms: Counter[int]) -> str | None:
    """Return why the header's Plural-Forms does not give the forms of the language's rule, or None.

    A rule is compared by the form it picks for every count in `PLURAL_COUNTS`, so the same rule
    written otherwise passes (see `_language_rules` for the rules accepted). Another rule
    (`plural=(n == 1)`, or nplurals=3 with a form for n = 2) would print "750 persona detenida",
    or leave every plural entry untranslated. The rule the message says to write is the one
    with the forms the catalog's plural entries have (`forms`), so that writing it is the whole
    fix; CLDR's if they have none or the forms of no rule.
    """
    why = _rule_mismatch(lang, catalog.num_plurals, catalog.plural_expr)
    if why is None:
        return None
    fitting, whose = _rule_to_write(lang, forms)
    name = Locale.parse(lang).english_name or lang
    return (
        f"Plural-Forms '{catalog.plural_forms}' is not the plural rule of {name}: {why}; write"
        f" 'Plural-Forms: {fitting}' ({whose}); until then the build prints plural messages in English"
    )


@functools.cache
def _rule_mismatch(lang: str, nplurals: int, plural_expr: str) -> str | None:
    """Return how a header's rule (`nplurals`, `plural_expr`) differs from the language's, or None.

    Comparing takes a tenth of a second (every count of `PLURAL_COUNTS`); a process that reads
    the same header again, as the preview and the tests do, compares it once.
    """
    expected = get_plural(lang)
    rules = _language_rules(lang)
    name = Locale.parse(lang).english_name or lang
    want = rules.get(nplurals)
    if want is None:
        why = f"it has nplurals={nplurals}, {name} {expected.num_plurals}"
        reduced = [count for count in rules if count != expected.num_plurals]
        if reduced:
            why += f" ({reduced[0]} for the counts below {len(PLURAL_COUNTS):,})"
        return why
    header = c2py(plural_expr)
    for n, form in zip(PLURAL_COUNTS, want[0], strict=True):
        try:
            got = header(n)
        except ArithmeticError as exc:  # a rule like 'n % 0'
            return f"for n = {n} it fails: {exc}"
        if got != form:
            return f"for n = {n} it picks msgstr[{got}], where {name} takes msgstr[{form}]"
    return None


def _missing_rule_problem(lang: str, forms: Counter[int], end: int) -> str:
    """Return what to write in a header with no Plural-Forms, whose last line is `end`."""
    fitting, whose = _rule_to_write(lang, forms)
    return (
        "the header has no Plural-Forms, which the catalog's translated plural messages need (msgfmt"
        f' refuses the catalog): add the line "Plural-Forms: {fitting}\\n" after line {end} ({whose});'
        " until then the build prints plural messages in English"
    )


def _rule_to_write(lang: str, forms: Counter[int]) -> tuple[str, str]:
    """Return the Plural-Forms a header should have, and whose rule it is: the language's rule
    with the forms most of the catalog's plural entries have (`forms`), so that writing it is the
    whole fix; CLDR's if they have none or the forms of no rule."""
    expected = get_plural(lang)
    rules = _language_rules(lang)
    fitting = _fitting_rule(lang, forms) or str(expected)
    nplurals = int(fitting.split(";", 1)[0].split("=", 1)[1])
    if fitting == str(expected):
        whose = "CLDR's rule, from Babel"
    else:
        dropped = [form for form in range(expected.num_plurals) if form not in rules[expected.num_plurals][0]]
        whose = (
            f"CLDR's rule without msgstr[{'], msgstr['.join(map(str, dropped))}], which no count below"
            f" {len(PLURAL_COUNTS):,} takes"
        )
    if forms.get(nplurals):
        have, total = forms[nplurals], sum(forms.values())
        which = (
            f"the {count(total, 'translated plural message')}"
            if have == total
            else f"{have} of the {count(total, 'translated plural message')}"
        )
        whose += f"; {nplurals} forms, as {which} of this catalog {'has' if have == 1 else 'have'}"
    return fitting, whose


def _field_line(text: str, header: PoMessage, field: str) -> int:
    """Return the line of the header's `field:` (the header's line if it cannot be found).

    A field starts a header string or follows a `\\n` escape in one (`"Plural-Forms: …\\n"`).
    """
    start = header.string_lines[0] if header.string_lines else header.line
    starts = re.compile(rf'(?:"|\\n){re.escape(field)}\s*:', re.IGNORECASE)
    lines = text.split("\n")
    for number in range(start, len(lines) + 1):
        line = lines[number - 1].strip()
        if number > start and not line.startswith('"'):
            break
        if starts.search(line):
            return number
    return header.line


def _header_end(text: str, header: PoMessage) -> int:
    """Return the last line of the header's msgstr: where a field it lacks can be added."""
    end = header.string_lines[-1] if header.string_lines else header.line
    lines = text.split("\n")
    while end < len(lines) and lines[end].strip().startswith('"'):
        end += 1
    return end


def _entry(
    message: PoMessage,
    catalog: Catalog | None,
    rule_ok: bool = True,
    fitting: tuple[str, int] | None = None,
    lang: str | None = None,
) -> CatalogEntry:
    """Return a message as an entry, with the problems of its translation if `catalog` is given
    (a language's; `rule_ok` False if its Plural-Forms is not the language's rule; `fitting`, the
    language's Plural-Forms with the forms every plural entry has, and the header line to write it
    at), and, if the translation has none, its doubts (`lang`: the catalog's language, whose month
    names it may write)."""
    entry = CatalogEntry(
        context=message.context,
        msgid=message.msgid,
        plural=message.plural,
        strings=message.strings,
        fuzzy="fuzzy" in message.flags,
        obsolete=message.obsolete,
        line=message.line,
        string_lines=message.string_lines,
        previous=message.previous_msgid,
        previous_context=message.previous_context,
        references=message.references,
        review=_review(message.comments),
        same=_marked(message.comments, SAME_MARK),
        wrong_plural_rule=catalog is not None and not rule_ok and message.plural is not None,
    )
    if catalog is None:
        return entry
    forms = _forms_problems(entry, catalog.num_plurals, fitting) if rule_ok else []
    if entry.state != "translated":
        return replace(entry, problems=tuple((code, text, entry.string_line(form)) for code, text, form in forms))
    blank = _blank_problems(entry)
    if blank:  # every other check would find the English's words, tags and markers missing too
        return replace(entry, problems=tuple((code, text, entry.string_line(form)) for code, text, form in blank))
    length = _length_problems(entry)
    if length:  # refused whole: the checks below would only take as long as it is long to say more
        return replace(entry, problems=tuple((code, text, entry.string_line(form)) for code, text, form in length))
    placeholders = _babel_problems(catalog, entry)
    # A dropped placeholder inside an attribute changes the tag too: one mistake, one finding.
    markup = [] if placeholders else _markup_problems(entry)
    found = [
        *forms,
        *placeholders,
        *markup,
        *_breakout_problems(entry),
        *_citation_problems(entry),
        *_hidden_problems(entry),
        *_reference_problems(entry),
        *_linebreak_problems(entry),
    ]
    if found:  # one mistake, one finding: its figures are for a reviewer once the translation is corrected
        return replace(entry, problems=tuple((code, text, entry.string_line(form)) for code, text, form in found))
    confirmed = _confirmation(message.comments)
    figures, figures_confirmed = _figure_problems(entry, lang, confirmed)
    order, order_confirmed = _order_problems(entry, confirmed)
    return replace(
        entry,
        doubts=tuple((code, text, entry.string_line(form)) for code, text, form in [*figures, *order]),
        confirmed=tuple(
            (code, text, entry.string_line(form)) for code, text, form in [*figures_confirmed, *order_confirmed]
        ),
        confirmation=" ".join(confirmed.split()).removeprefix(FIGURES_MARK).strip() if confirmed else None,
    )


def _forms_problems(entry: CatalogEntry, nplurals: int, fitting: tuple[str, int] | None) -> list[_Found]:
    """Return a problem if a translated plural entry has more or fewer msgstr[N] than the header's nplurals.

    msgfmt -c refuses such a catalog (fatal: "nplurals = 3... but some messages have only 2
    plural forms"); it checks the entries it would compile, neither fuzzy nor with an empty
    msgstr[0], and so does this. The build prints the English for it (`UNUSABLE`): a count could
    take a form it lacks. When every plural entry has the same forms and the language has a rule
    with that many (`fitting`), the message offers that header too.
    """
    have = len(entry.strings)
    if entry.plural is None or entry.fuzzy or not entry.strings[0] or have == nplurals:
        return []
    if have < nplurals:
        form, fix = have - 1, "add " + ", ".join(f"msgstr[{n}]" for n in range(have, nplurals))
    else:
        form, fix = nplurals, "delete " + ", ".join(f"msgstr[{n}]" for n in range(nplurals, have))
    rule, line = fitting or ("", 0)
    if rule and int(rule.split(";", 1)[0].split("=", 1)[1]) == have:
        fix += f", or write 'Plural-Forms: {rule}' at line {line}, which has the {have} forms every plural entry has"
    return [
        (
            "i18n.plural",
            f"the translation of '{brief(entry.msgid)}' has {have} plural forms where the header's Plural-Forms"
            f" has nplurals={nplurals} (msgfmt refuses the catalog): {fix}",
            form,
        )
    ]


def _blank_problems(entry: CatalogEntry) -> list[_Found]:
    """Return a problem for each form of a translation that is only whitespace where its English is not.

    msgfmt counts `msgstr " "` as translated, and the build would print the blank; an empty
    msgstr is what leaves a message untranslated (printed in English).
    """
    return [
        (
            "i18n.blank",
            f"the translation of '{brief(entry.msgid)}' is only whitespace"
            f"{f' in msgstr[{form}]' if entry.plural is not None else ''}: write the translation,"
            ' or leave the msgstr empty ("") for the English to be printed',
            form,
        )
        for form, (source, string) in enumerate(zip(_sources(entry), entry.strings, strict=True))
        if not string.strip() and source.strip()
    ]


def length_limit(context: str | None, english: str) -> int:
    """Return the most characters a translation of `english` may have: three times its English
    and 100 characters more, and for prose at least what its field's English may have (the
    `maxLength` that `limit.length` holds a dossier to), so that a faithful translation of a
    long paragraph is never refused for being longer than the English may be.

    Spanish runs longer than English, short labels most; but over the shipped catalog no
    translation reaches three times its English (the most is 2.5 times: '%(name)s city' in 32
    characters for 13), and none 40% of this limit. A longer one is no translation: one of
    550 KB for the notes' back-link aria-label made every Spanish facility page 20 MB.
    """
    relative = 3 * len(english) + 100
    return max(prose_limit(context), relative) if is_prose(context) else relative


def _length_problems(entry: CatalogEntry) -> list[_Found]:
    """Return a problem for each form of a translation longer than `length_limit`; the build
    prints the English instead (`UNUSABLE`)."""
    found = []
    for form, (source, string) in enumerate(zip(_sources(entry), entry.strings, strict=True)):
        limit = length_limit(entry.context, source)
        if len(string) > limit and string not in entry.strings[:form]:  # a form repeated is one mistake
            where = f" in msgstr[{form}]" if entry.plural is not None else ""
            why = (
                "its field may have"
                if is_prose(entry.context)
                else "it may have (three times its English, and 100 more)"
            )
            found.append(
                (
                    "limit.length",
                    f"the translation of '{brief(entry.msgid)}'{where} is {len(string):,} characters long,"
                    f" more than the {limit:,} {why}; shorten it",
                    form,
                )
            )
    return found


def _linebreak_problems(entry: CatalogEntry) -> list[_Found]:
    """Return a problem for each form that begins or ends with a line break (\\n) unlike the msgid.

    msgfmt refuses such a catalog ("'msgid' and 'msgstr' entries do not both end with '\\n'"),
    comparing every form with the msgid, and so does this. The words still print (a page
    collapses the line break), so the entry stays usable.
    """
    found = []
    for form, string in enumerate(entry.strings):
        parts = []
        for edge, has in (("begin", str.startswith), ("end", str.endswith)):
            if has(entry.msgid, "\n") and not has(string, "\n"):
                parts.append(f"its English {edge}s with a line break (\\n) and it does not")
            elif has(string, "\n") and not has(entry.msgid, "\n"):
                parts.append(f"it {edge}s with a line break (\\n) and its English does not")
        if parts:
            where = f" in msgstr[{form}]" if entry.plural is not None else ""
            found.append(
                (
                    "i18n.linebreak",
                    f"the translation of '{brief(entry.msgid)}'{where}: {'; '.join(parts)} (msgfmt refuses the catalog)",
                    form,
                )
            )
    return found


def _confirmation(comments: Sequence[str]) -> str:
    """Return a reviewer's confirmation in translator comments: its `FIGURES:` paragraphs
    (`_marked`), after the mark ('' if there is none)."""
    words = _marked(comments, FIGURES_MARK)
    return "" if words is None else f"{FIGURES_MARK} {words}".strip()


def _review(comments: Sequence[str]) -> str | None:
    """Return the review note in translator comments: its `REVIEW:` paragraphs (`_marked`); "" for a
    mark with no text, None without a mark."""
    return _marked(comments, REVIEW_MARK)


def _marked(comments: Sequence[str], mark: str) -> str | None:
    """Return the words of the translator comment paragraphs starting `mark`, each from a line
    starting it to a line starting a mark (`MARKS`: a question, a confirmation) or the last line,
    the marks left out, spacing folded; "" for marks with no words, None without one.

    Every paragraph counts: two `FIGURES:` lines, one per figure, confirm both."""
    words: list[str] = []
    found = inside = False
    for comment in comments:
        line = comment.strip()
        starts = next((m for m in MARKS if line.startswith(m)), None)
        if starts is not None:
            inside = starts == mark
            found = found or inside
            line = line.removeprefix(starts)
        if inside:
            words.append(line)
    return " ".join(" ".join(words).split()) if found else None


def _sources(entry: CatalogEntry) -> list[str]:
    """Return the English of each translated form: the msgid for msgstr[0], msgid_plural for the others."""
    return [entry.msgid] + [entry.plural or entry.msgid] * (len(entry.strings) - 1)


def _babel_problems(catalog: Catalog, entry: CatalogEntry) -> list[_Found]:
    if is_prose(entry.context):
        return []  # prose is never %-formatted: a '%' in it is a percent sign
    problems: list[_Found] = []
    formats = _format_problem(entry)
    if formats is None:
        # Babel's checker compares the kinds and types of placeholders (with the flag, which
        # extraction sets only when the English has a placeholder: all are formatted), form by
        # form against its English as it does for a plural message, to say which form is wrong.
        pairs = list(enumerate(zip(_sources(entry), entry.strings, strict=True)))
        if entry.plural is not None and len(entry.strings) == 1:
            pairs.append((0, (entry.plural, entry.strings[0])))  # one form for every count, as Babel checks it
        for form, (source, string) in pairs:
            try:
                python_format(catalog, Message(source, string, flags=["python-format"]))
            except TranslationError as exc:
                formats = (form, str(exc))
                break
    if formats is not None:
        form, why = formats
        problems.append(("i18n.placeholder", f"{why} in the translation of '{brief(entry.msgid)}'", form))
    if not problems:
        problems += _dropped_problems(entry, _only_one(catalog.plural_expr))
    return problems


@functools.cache
def _only_one(plural_expr: str) -> bool:
    """Return True if a plural rule gives msgstr[0] to the count 1 alone (of `PLURAL_COUNTS`)."""
    try:
        rule = c2py(plural_expr)
        return [n for n in PLURAL_COUNTS if rule(n) == 0] == [1]
    except (ValueError, ArithmeticError):  # a broken rule: reported at the header
        return False


def _dropped_problems(entry: CatalogEntry, only_one: bool) -> list[_Found]:
    """Return a problem for each form of a template string's translation that drops a placeholder of its English.

    Babel's checker lets a translation leave a named placeholder out; the build would print it
    without the value ("un mínimo garantizado de personas detenidas", the 750 lost). Only
    msgstr[0] of a plural entry may leave out the count `%(num)s` ("una cama"), and only where
    it is the form of the count 1 alone (`only_one`: Spanish's and English's, not French's,
    which 0 takes too, nor Russian's, which 21 and 31 take); every other form keeps every
    placeholder of msgid_plural, as msgfmt -c asks.
    """
    found = []
    sources = _sources(entry)
    single = entry.plural is not None and len(entry.strings) == 1
    if single:
        sources = [entry.plural or entry.msgid]
    for form, (source, string) in enumerate(zip(sources, entry.strings, strict=True)):
        dropped = set(_names(source)) - set(_names(string))
        if entry.plural is not None and form == 0 and not single and only_one:
            dropped.discard("num")
        if dropped:
            names = ", ".join(f"%({name})s" for name in sorted(dropped))
            where = f" in msgstr[{form}]" if entry.plural is not None else ""
            found.append(("i18n.placeholder", f"the translation of '{brief(entry.msgid)}' drops {names}{where}", form))
    return found


def _hidden_problems(entry: CatalogEntry) -> list[_Found]:
    """Return a problem for each bidi override or invisible character a translation has and its English lacks."""
    english = entry.msgid + (entry.plural or "")
    return [
        ("i18n.invisible", f"the translation of '{brief(entry.msgid)}' contains {what}", form)
        for form, string in enumerate(entry.strings)
        if string not in entry.strings[:form]  # a form repeated is one mistake
        for index, what in hidden_characters(string)
        if string[index] not in english
    ]


def _reference_problems(entry: CatalogEntry) -> list[_Found]:
    """Return a problem for each character reference (`&nbsp;`, `&#160;`) a translation has and its English lacks.

    A translation is text, not HTML: prose always, a template string unless its English is markup
    and it has no problem. So "EE.&nbsp;UU." prints as typed, "&nbsp;" on the page and in the
    PDF, where the translator meant a no-break space. The catalog is UTF-8: the message names the
    character to type instead (by `html.unescape`, as a browser reads the reference), or, for
    one `i18n.invisible` refuses, says to delete it. "AT&T" or "R&D" is no reference, nor is a
    name HTML does not know (`&D;`); `&nbsp` without its `;` is one (`character_references`).
    """
    english = {ref for _, ref in character_references(f"{entry.msgid}\n{entry.plural or ''}")}
    found: dict[str, int] = {}
    for form, string in enumerate(entry.strings):
        for _, reference in character_references(string):
            if reference not in english:
                found.setdefault(reference, form)  # one reference, one mistake: at its first form
    problems = []
    for reference, form in found.items():
        fix = reference_advice(reference)
        where = f" in msgstr[{form}]" if entry.plural is not None else ""
        problems.append(
            (
                "i18n.entity",
                f"the translation of '{brief(entry.msgid)}'{where} has the character reference '{reference}',"
                f" which prints as typed: {fix}",
                form,
            )
        )
    return problems


def _format_problem(entry: CatalogEntry) -> tuple[int, str] | None:
    """Return the first form of a template string's translation that would fail or misprint as a
    format string, and why.

    Jinja's newstyle gettext applies `translation % variables` to every template string, with
    the variables the English names (and `num` for a count), so a lone '%', a name the English
    lacks or a positional placeholder raises or prints a dict in the middle of a build.
    """
    names = set(_names(entry.msgid) + _names(entry.plural or ""))
    if entry.plural is not None:
        names.add("num")  # ngettext passes the count as `num`, used in the English or not
    for form, string in enumerate(entry.strings):
        placeholders, lone = _placeholders(string)
        if lone is not None:
            return form, f"a lone '%' (character {lone + 1}; write '%%' for a percent sign)"
        for name, text in placeholders:
            if name is None:
                return (
                    form,
                    f"positional placeholder '{text}' where the English has {'named ones' if names else 'none'}",
                )
            if name not in names:
                return form, f"unknown named placeholder {name!r}"
    return None


def _placeholders(text: str) -> tuple[list[tuple[str | None, str]], int | None]:
    """Return the placeholders of a %-format string (name or None, as written), without '%%',
    and the index of the first '%' that starts none, or None.

    A '*' width or precision takes a positional value, so it counts as positional.
    """
    found: list[tuple[str | None, str]] = []
    start = 0
    while (index := text.find("%", start)) != -1:
        match = PYTHON_FORMAT.match(text, index)
        if match is None:
            return found, index
        name, spec, conversion = match.groups()
        if conversion != "%" or name is not None:
            found.append((None if "*" in spec else name, match.group(0)))
        start = match.end()
    return found, None


def _names(text: str) -> list[str]:
    """Return the names of a %-format string's named placeholders."""
    return [name for name, _ in _placeholders(text)[0] if name is not None]


def _markup_problems(entry: CatalogEntry) -> list[_Found]:
    return [
        ("i18n.markup", f"HTML tags differ from the English '{brief(entry.msgid)}': {difference}", form)
        for form, difference in _differences(entry, _markup)
    ]


def _markup(text: str) -> list[str]:
    """Return the tags of a message, and a '<' for each that opens no tag.

    Template strings are trusted markup once translated, so a translation must keep the English
    tags with the same attributes and values; only the words of `title`, `alt` and `aria-label`
    may change. A stray '<' counts too: printed raw, it could open a tag of its own.
    """
    tags = [_tag(m) for m in _TAG_RE.finditer(text)]
    return tags + ["<"] * (text.count("<") - len(tags))


def _breakout_problems(entry: CatalogEntry) -> list[_Found]:
    """Return a problem for each form of a template string that adds quotes or `name=` the English lacks.

    Outside tags such a translation is harmless only as long as no template puts it in an
    attribute unescaped; it would end the attribute and add others (`onfocus`, `style`). Prose is
    exempt: it is escaped text wherever it goes, and Spanish prose quotes titles the English does not.
    """
    if is_prose(entry.context):
        return []
    found: dict[str, int] = {}
    for form, (source, string) in enumerate(zip(_sources(entry), entry.strings, strict=True)):
        extra = Counter(_breakouts(string)) - Counter(_breakouts(source))
        if extra:
            items = [f"{count} × {item}" if count > 1 else item for item, count in extra.items()]
            message = (
                f"the translation adds quotes or attributes the English '{brief(entry.msgid)}' lacks: "
                f"{', '.join(items)} (for quotations use “ ” or « »)"
            )
            found.setdefault(message, form)
    return [("i18n.markup", message, form) for message, form in found.items()]


def _breakouts(text: str) -> list[str]:
    """Return the quotes and `name=` of a message outside its tags, which `_markup` compares."""
    words = _TAG_RE.sub(" ", text)
    return [m[1] or f"{m[2]}=" for m in _BREAKOUT_RE.finditer(words)]


def _citation_problems(entry: CatalogEntry) -> list[_Found]:
    """Return a problem per form whose citation markers differ from the English's.

    Whole markers, and anything else that opens like one ('[@Id]', '[@a; @b]'): printed as text.
    A malformed one the English lacks is named with what to write (`marker_hint`, as
    `cite.malformed` says in a dossier): an unclosed '[@id' would otherwise read as a long
    "extra" marker running to the next bracket. So is an id the English cites written without its
    brackets, or with others ('@a', '(@a', '(@a)', '[a]'), which would print as text: a translator
    who drops them is told to write '[@a]', not only that it is missing.
    """
    cited = {m[1] for m in CITE_RE.finditer(" ".join(_sources(entry)))}

    def markers(text: str) -> list[str]:
        wrong = [m for m in (*BRACKETED_ID_RE.finditer(text), *unbracketed(text)) if not CITE_RE.fullmatch(m[0])]
        return MARKER_LIKE_RE.findall(text) + [m[0] for m in sorted(wrong, key=lambda m: m.start()) if m[1] in cited]

    found = []
    for form, difference in _differences(entry, markers):
        english = markers(" ".join(_sources(entry)))
        malformed = [
            marker
            for marker in dict.fromkeys(markers(entry.strings[form]))
            if not CITE_RE.fullmatch(marker) and marker not in english
        ]
        if malformed:
            difference = "; ".join(
                f"{_shown(marker)!r} is not a citation marker: {marker_hint(marker)}" for marker in malformed
            )
        found.append(
            ("i18n.citations", f"citation markers differ from the English '{brief(entry.msgid)}': {difference}", form)
        )
    differing = {form for *_, form in found}
    for form, (string, source) in enumerate(zip(entry.strings, _sources(entry), strict=True)):
        leading = leading_marker(string) if form not in differing else None
        if leading is not None and leading_marker(source) is None:  # a dossier's own is `cite.leading`
            found.append(
                (
                    "i18n.citations",
                    f"the translation of '{brief(entry.msgid)}' opens with '{leading[0]}', before any word it"
                    " could support: its note call would print first, alone; move it after the words its source"
                    " supports",
                    form,
                )
            )
    return found


def _shown(marker: str) -> str:
    """Return a malformed marker as the message quotes it: an unclosed one up to the end of its id."""
    if marker.endswith("]") or not marker.startswith("["):
        return marker
    return re.match(r"\[\s*@[\w-]*", marker)[0]  # type: ignore[index]


def _differences(entry: CatalogEntry, items: Any) -> list[tuple[int, str]]:
    """Return, per translated form that differs, its index and 'missing …; extra …' between English
    and translation (a difference repeated in a later form is given once, at the first)."""
    found: dict[str, int] = {}
    for form, (source, string) in enumerate(zip(_sources(entry), entry.strings, strict=True)):
        want, have = Counter(items(source)), Counter(items(string))
        if want == have:
            continue
        parts = []
        if want - have:
            parts.append("missing " + ", ".join((want - have).elements()))
        if have - want:
            parts.append("extra " + ", ".join((have - want).elements()))
        found.setdefault("; ".join(parts), form)
    return [(form, difference) for difference, form in found.items()]


_URL_RE = re.compile(r"""(?<![\w.+-])(?:https?://|www\.)[^\s<>"']*+""")
"""A web address: its digits name a page, not a figure."""
_NUMBER_RE = re.compile(r"\d+(?:[.,\u00a0\u202f]\d+|['\u2019]\d{3}(?!\d)|:\d\d(?!\d))*")
"""Digits, and the digits that a thousands separator, a decimal point or a time's colon (before
exactly two digits) joins to them (`_numbers`). An apostrophe separates thousands only (before
exactly three digits): Swiss style, 1'200 (CLDR's group symbol of `de_CH`, `fr_CH`, `it_CH`)."""
_GROUP_RE = re.compile(r"([.,:'\u2019\u00a0\u202f]?)(\d+)")
_GAP_RE = re.compile(r"[.,]?(?:\s*[-\u2010-\u2015]\s*|\s+(?:[^\W\d_]{1,3}\s+)?)")
"""What may stand between a month name and the number or month name it is dated by, in any
language: a dash, or spaces with at most one short word ("de", "del", "of", "to", "y"), after a
comma or period or not ("May 20", "20 de mayo", "March, 2020", "Sept. 5", "May to June 2019",
"mayo–junio")."""


def _figure_problems(entry: CatalogEntry, lang: str | None, confirmed: str = "") -> tuple[list[_Found], list[_Found]]:
    """Return a problem per form whose numbers or month names differ from its English's, and the
    differences a `FIGURES:` comment confirms, said the same way.

    A writer changes "nearly 1,200" to "nearly 1,300"; `update` makes the entry fuzzy, and a
    translator who clears the flag without reading leaves "casi 1,200" in print. Numbers are
    compared by value, so a translation may write them as its language does (1,200 = 1.200 =
    1 200 with a no-break space; 1.5 = 1,5; 10:30 = 10.30); a month by its number, each text's
    name as its language's CLDR data writes it (`_MonthNames`), where it dates something, by the
    same rule in both, or where it is named alone and can be nothing else (`_months`): a name that
    may be a month (English "May", a capitalized Spanish "Julio") counts for no difference, but
    can stand for the other text's month of that number. Numbers written as words, and the order
    of figures, are not compared. A `FIGURES:` translator comment (`confirmed`) that names a figure as one text writes
    it (`_named_figures`) confirms that difference, and no other: a figure the English changes
    later is found again.
    """
    found: dict[str, int] = {}
    named_found: dict[str, int] = {}
    english_months = _month_names(SOURCE_LANGUAGE)
    months = _month_names(lang) if lang else None
    named = _named_figures(confirmed, english_months, months)
    for form, (source, string) in enumerate(zip(_sources(entry), entry.strings, strict=True)):
        (want, want_maybe), (have, have_maybe) = _figures(source, english_months), _figures(string, months)
        if months is None:  # no month names to read the translation's with: compare the numbers alone
            want, want_maybe = [(key, written) for key, written in want if not isinstance(key, str)], []
        missing = _unmatched(_unmatched(want, have), have_maybe)
        extra = _unmatched(_unmatched(have, want), want_maybe)
        unnamed = ([f for f in missing if f[1] not in named], [f for f in extra if f[1] not in named])
        if any(unnamed):
            why = " (the FIGURES: comment does not name them)" if confirmed else ""
            found.setdefault(_differ(entry, *unnamed) + why, form)
        named_ones = ([f for f in missing if f[1] in named], [f for f in extra if f[1] in named])
        if any(named_ones):
            named_found.setdefault(_differ(entry, *named_ones), form)
    return (
        [("i18n.figures", message, form) for message, form in found.items()],
        [("i18n.figures", message, form) for message, form in named_found.items()],
    )


def _differ(entry: CatalogEntry, missing: list[_Figure], extra: list[_Figure]) -> str:
    """Return what differs from the English: "numbers differ from the English '…': missing 15; extra 14"."""
    kinds = {"month names" if isinstance(key, str) else "numbers" for key, _ in missing + extra}
    what = " and ".join(sorted(kinds, reverse=True))  # numbers first
    parts = [
        f"{name} {' and '.join(w for _, w in items)}"  # "1, 200" would read as one number
        for name, items in (("missing", missing), ("extra", extra))
        if items
    ]
    return f"{what} differ from the English '{brief(entry.msgid)}': {'; '.join(parts)}"


_Figure = tuple[Decimal | str, str]
"""A figure of a text: its value (a number, or 'month N') and how the text writes it."""


def _figures(text: str, months: _MonthNames | None) -> tuple[list[_Figure], list[_Figure]]:
    """Return the numbers of a text, then its month names that are months (`_months`), each as
    written; and the month names that may be months, which stand for another text's, no more.

    Digits that print no figure are left out: in citation markers, `%(name)s` placeholders,
    HTML tags and URLs. A name's digits count (COVID-19, OIG-19-47): a translation keeps them.
    """
    for pattern in (MARKER_LIKE_RE, _TAG_RE, _URL_RE):
        text = pattern.sub(" ", text)
    text = PYTHON_FORMAT.sub(lambda m: " " if m[1] is not None else m[0], text)
    found: list[_Figure] = [figure for run in _NUMBER_RE.finditer(text) for figure in _numbers(run[0])]
    maybe: list[_Figure] = []
    if months is not None:
        for start, name, dated in _month_runs(text, months):
            certain = dated or _alone(text, start, name, months)
            (found if certain else maybe).append((f"month {months.number[name]}", name))
    return found, maybe


def _months(text: str, months: _MonthNames) -> list[str]:
    """Return the month names of a text that date something, in order, as written (a final period left out).

    A name dates something next to a number, or next to a name that does, with only a `_GAP_RE`
    between: "May 20", "20 May", "Sept. 5, 2019", "since March, 2020", "From May to June 2019";
    "20 de mayo", "mayo del 2019", "de abril a junio de 2019". English and translation are read
    by this one rule, so that a difference is one of the text. A name that dates nothing is a
    month where it is named alone as only a month is (`_alone`): "in November", "en noviembre".
    """
    return [name for _, name, dated in _month_runs(text, months) if dated]


def _month_runs(text: str, months: _MonthNames) -> list[tuple[int, str, bool]]:
    """Return (start, name as written, whether it dates something) for each month name of a text, in order."""
    names: list[tuple[int, int, str | None]] = [(m.start(), m.end(), m[0]) for m in months.pattern.finditer(text)]
    if not names:
        return []
    items = sorted(names + [(m.start(), m.end(), None) for m in _NUMBER_RE.finditer(text)])
    found: list[tuple[int, str, bool]] = []
    run: list[tuple[int, str]] = []
    dated, end = False, -1
    for start, stop, name in items:
        if end >= 0 and not _GAP_RE.fullmatch(text, end, start):
            found += [(at, written, dated) for at, written in run]
            run, dated = [], False
        if name is None:
            dated = True
        else:
            run.append((start, name))
        end = stop
    return found + [(at, written, dated) for at, written in run]


def _alone(text: str, start: int, name: str, months: _MonthNames) -> bool:
    """Return True if a month name that dates nothing is a month all the same (`_MonthNames.alone`).

    In English a capitalized full name ("in November"), but "May" (a verb, a name) and "March" at
    the start of a sentence (a verb), and an abbreviation with its period ("Nov."); in Spanish and
    other languages a full name as CLDR writes it mid-sentence ("en noviembre"): a capitalized
    Spanish "Julio" may be a person's name, or any month at a sentence's start, and counts alone
    for no difference (`_figures`).
    """
    if name in months.alone:
        return name not in months.not_first or not _starts_sentence(text, start)
    return name in months.with_period and text.startswith(".", start + len(name))


def _starts_sentence(text: str, start: int) -> bool:
    """Return True if the word at `start` begins the text or follows a sentence's end (quotes and brackets aside)."""
    head = text[max(0, start - 40) : start].rstrip().rstrip('"“‘([').rstrip()
    if not head:
        return start <= 40
    return head.rstrip('"”’)]').endswith((".", "!", "?"))


def _numbers(run: str) -> list[_Figure]:
    """Return the numbers a run of digits and separators writes, by value.

    A separator followed by exactly three digits is a thousands separator, any other '.' or ','
    the decimal point (a second one starts another number, as in 1.5.2), and so is a time's ':'
    (10:30 is 10.30, 9:00 is 9); a no-break space separates thousands or nothing, and a plain
    space never joins digits ("May 20, 2019" is 20 and 2019).
    """
    found: list[_Figure] = []
    start, digits, point = 0, "", False
    for group in _GROUP_RE.finditer(run):
        separator, more = group.groups()
        if separator and len(more) == 3 and not point:
            digits += more
        elif separator in (".", ",", ":") and not point:
            digits, point = f"{digits}.{more}", True
        else:
            if digits:
                found.append((Decimal(digits), run[start : group.start()]))
            start, digits, point = group.start(2), more, False
    found.append((Decimal(digits), run[start:]))
    return found


def _unmatched(items: list[_Figure], others: list[_Figure]) -> list[_Figure]:
    """Return the figures of `items` that `others` lacks, in order (a value twice needs it twice)."""
    left = Counter(key for key, _ in others)
    unmatched = []
    for key, written in items:
        if left[key]:
            left[key] -= 1
        else:
            unmatched.append((key, written))
    return unmatched


@dataclass(frozen=True)
class _MonthNames:
    """A language's month names, wide and abbreviated, and how to find them in a text."""

    pattern: re.Pattern[str]
    """Any of the names, as a whole word."""
    number: dict[str, int]
    """The month each name (as CLDR writes it, or capitalized; without a final period) is."""
    alone: frozenset[str] = frozenset()
    """The names that are months where they date nothing: the full names as CLDR writes them,
    but those `_AMBIGUOUS` says may be other words."""
    not_first: frozenset[str] = frozenset()
    """Names of `alone` that are no month at the start of a sentence (English "March", a verb)."""
    with_period: frozenset[str] = frozenset()
    """Abbreviations that are months alone when their period follows (English "Nov.")."""


_AMBIGUOUS: dict[str, tuple[frozenset[str], frozenset[str], bool]] = {
    "en": (frozenset({"May"}), frozenset({"March"}), True),
}
"""Per language: the full names never months alone (other words, as "May" is), those no month at
a sentence's start, and whether an abbreviation with its period is a month alone."""


@functools.cache
def _month_names(lang: str) -> _MonthNames | None:
    """Return the month names of a language as CLDR gives them (Babel's locale data), or None if
    Babel does not know the language.

    The wide and abbreviated names of the language in each region CLDR has (in its script): a
    writer's "Sept." is en-GB's abbreviation, where en-US has "Sep"; "setiembre" is Peru's.
    A name counts as CLDR writes it or capitalized, at the start of a sentence ("Mayo de
    2019 …"), with or without a final period ("sept." and "sept"); where it dates something
    only (`_months`).
    """
    try:
        locale = Locale.parse(lang)
    except (ValueError, UnknownLocaleError):
        return None
    same_language = sorted(name for name in locale_identifiers() if name.split("_", 1)[0] == locale.language)
    regions = [locale] + [
        other
        for other in map(Locale.parse, same_language)
        if other.script == locale.script and str(other) != str(locale)
    ]
    number: dict[str, int] = {}
    wide: set[str] = set()
    short: set[str] = set()
    for region in regions:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for month, written in get_month_names(width, context, region).items():
                    name = written.removesuffix(".")
                    if context == "format":  # as a sentence writes it (CLDR's stand-alone may be capitalized)
                        (wide if width == "wide" else short).add(name)
                    for form in (name, name[:1].upper() + name[1:]):
                        number.setdefault(form, month)
    never, not_first, abbreviations = _AMBIGUOUS.get(locale.language, (frozenset(), frozenset(), False))
    names = "|".join(map(re.escape, sorted(number, key=len, reverse=True)))
    return _MonthNames(
        re.compile(rf"(?<!\w)(?:{names})(?!\w)"),
        number,
        alone=frozenset(wide - never),
        not_first=not_first,
        with_period=frozenset(short - wide - never) if abbreviations else frozenset(),
    )


def _named_figures(confirmed: str, english: _MonthNames | None, months: _MonthNames | None) -> frozenset[str]:
    """Return the figures a `FIGURES:` comment names, each as written: read as `_figures` reads the
    English and the translation, the month names of both languages, the `@id`s it names left out.

    So "2:15 p.m. as 14:15" names the times 2:15 and 14:15, and neither 14 nor 15, as "14:15"
    in a translation is one figure; a source's digits (`@gov-report-2020`) name no year.
    """
    if not confirmed:
        return frozenset()
    text = _SOURCE_NAME_RE.sub(" ", confirmed)
    return frozenset(written for table in (english, months) for _, written in _figures(text, table)[0])


_SOURCE_NAME_RE = re.compile(r"@[a-z0-9]+(?:-[a-z0-9]+)*")
"""A source a `FIGURES:` comment names (`@id`), as an `[@id]` marker writes it."""


def _names_source(marker: str, confirmed: str) -> bool:
    """Return True if a `FIGURES:` comment names the source of a marker (`@id`), as a whole id."""
    return any(name == marker for name in _SOURCE_NAME_RE.findall(confirmed))


def _order_problems(entry: CatalogEntry, confirmed: str = "") -> tuple[list[_Found], list[_Found]]:
    """Return a problem per form whose citation markers are the English's in another order, and
    the orders a `FIGURES:` comment confirms, said the same way.

    Each marker is a note, numbered in order: swapped, the notes put each figure on the other
    source ("77 complaints" on WGCU's report). A sentence recast may move them rightly, which a
    reviewer confirms with a `FIGURES:` comment naming each source it cites (`@id`); the build
    prints the translation as it is.
    """
    found: dict[str, int] = {}
    named_found: dict[str, int] = {}
    for form, (source, string) in enumerate(zip(_sources(entry), entry.strings, strict=True)):
        want, have = MARKER_LIKE_RE.findall(source), MARKER_LIKE_RE.findall(string)
        if want == have or Counter(want) != Counter(have):
            continue
        unnamed = [i for i in dict.fromkeys(marker.strip("[]") for marker in have) if not _names_source(i, confirmed)]
        message = (
            f"citation markers are in another order than in the English '{brief(entry.msgid)}':"
            f" the English cites {' then '.join(want)}; the translation {' then '.join(have)}"
        )
        if unnamed:
            why = f" (the FIGURES: comment does not name {', '.join(unnamed)})" if confirmed else ""
            found.setdefault(message + why, form)
        else:
            named_found.setdefault(message, form)
    return (
        [("i18n.citation-order", message, form) for message, form in found.items()],
        [("i18n.citation-order", message, form) for message, form in named_found.items()],
    )


def _tag(match: re.Match[str]) -> str:
    """Return a tag in a canonical form: its name, then its attributes sorted, translatable values
    elided (`<a href="%(url)s" title="…">`); `<br/>` is `<br>`."""
    closing, name = match.groups()
    attributes = "".join(
        sorted(
            f' {attribute.lower()}="{"…" if attribute.lower() in _WORDS else value.strip(chr(34) + chr(39))}"'
            for attribute, value in _ATTRIBUTE_RE.findall(match.group(0)[len(name) + 1 + len(closing) :])
        )
    )
    return f"<{closing}{name.lower()}{attributes}>"


def brief(text: str, limit: int = 50) -> str:
    """Return text on one line, shortened to `limit` characters with an ellipsis, what prints
    otherwise than it reads escaped (`findings.visible`): it quotes catalog and dossier text.

    Spaces, tabs and line breaks are one space; a line separator (U+2028) or another hidden
    character is shown as its escape, never as the space it would be made into.
    """
    text = " ".join(word for word in _PLAIN_SPACES.split(text) if word)
    if len(text) > limit:
        cut = text[: limit - 1]
        if " " in cut[limit // 2 :]:
            cut = cut.rsplit(" ", 1)[0]  # end on a whole word when one is near
        text = cut.rstrip(" ,;:") + "…"
    return visible(text)


def briefs_apart(first: str, second: str, limit: int = 50) -> tuple[str, str]:
    """Return two texts as `brief` quotes them, each shortened around where they first differ when
    that is past what `brief` keeps ('…the county's board voted to…'), so that the quotes show the change.

    Both excerpts start at the same word, about a third of `limit` before the first difference,
    with an ellipsis on each side that was cut.
    """
    one, two = (" ".join(word for word in _PLAIN_SPACES.split(text) if word) for text in (first, second))
    quoted = brief(one, limit), brief(two, limit)
    if quoted[0] != quoted[1] or one == two:
        return quoted
    at = len(os.path.commonprefix([one, two]))
    start = max(0, at - limit // 3)
    before, after = one.rfind(" ", 0, start) + 1, one.find(" ", start) + 1
    if at - before <= limit // 2:  # start on a whole word: one that starts near, else the next one
        start = before
    elif 0 < after <= at:
        start = after
    if start == 0:
        return quoted
    return "…" + brief(one[start:], limit - 1), "…" + brief(two[start:], limit - 1)


_PLAIN_SPACES = re.compile(r"[^\S\x0b-\x0d\x1c-\x1f\x85\u2028\u2029]+")
"""Whitespace but the controls and separators `findings.visible` escapes (a carriage return, U+2028…)."""
