"""The `i18n.glossary` check: a translation keeps the approved renderings of the glossary's terms.

`i18n/<lang>/glossary.csv` is Weblate's CSV glossary; the matching rules, agreed with the
glossary's author, are in docs/architecture.md.
"""

from __future__ import annotations

import collections
import csv
import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..content.model import CITE_RE
from ..content.textfile import byte_loc, read_input, wide_encoding
from ..findings import Finding, Loc, error, warning
from .catalogs import CatalogEntry, ParsedCatalog, brief

COLUMNS = ("source", "target")
_PLACEHOLDER = re.compile(r"%\([^)%]*\)[a-z]")
"""A `%(name)s` placeholder: its name stops at a `%` too, so that a run of `%(` never closed is read
once, not once from each."""
_SPACE = re.compile(r"\s+")
_UNPRINTED = re.compile("[\u00ad\u061c\u200e\u200f\u2066-\u2069]")
"""The invisible characters `text.invisible` allows that change no letter: a soft hyphen (a
hyphenation hint, anywhere), and the direction marks and isolates of right-to-left text. The
page prints "deten\u00adción" as "detención", so it is compared as that. The joiners (U+200C,
U+200D), allowed in right-to-left text too, stay: there they change how the letters join,
as Persian spells with them."""


def glossary_path(lang: str) -> str:
    """Return the project-relative path of a language's glossary."""
    return f"i18n/{lang}/glossary.csv"


@dataclass(frozen=True)
class Term:
    """One English term, its approved renderings and the glossary line of its first row."""

    source: str
    targets: tuple[str, ...]
    line: int

    @functools.cached_property
    def probe(self) -> str:
        """Return what every occurrence of the term contains, lower-cased: the term but its last letter."""
        return self.source[:-1].lower()

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """Return the English occurrences: whole words, a plural or possessive suffix allowed."""
        if self.source != self.source.lower():
            return re.compile(f"(?<!\\w){_word(self.source)}")
        capitalised = _word(self.source[0].upper() + self.source[1:])
        return re.compile(f"(?<!\\w){_word(self.source)}|(?:^|(?<=[.!?] )|(?<=[.!?][\"'] )){capitalised}")

    @functools.cached_property
    def renderings(self) -> re.Pattern[str]:
        """Return any approved rendering: case-insensitive whole words, each allowing +s/+es."""
        alternatives = [" ".join(f"{re.escape(w)}(?:s|es)?" for w in t.split(" ")) for t in self.targets]
        return re.compile(f"(?<!\\w)(?:{'|'.join(alternatives)})(?!\\w)", re.IGNORECASE)


def _word(term: str) -> str:
    """Return a regex for a term ending a word, with "s", "es" ("y": "ies"), then "'s" or "'" allowed."""
    stem, last = re.escape(term[:-1]), term[-1]
    ending = f"(?:{re.escape(last)}(?:s|es)?|ies)" if last == "y" else f"{re.escape(last)}(?:s|es)?"
    return f"{stem}{ending}(?:'s|')?(?!\\w)"


def normalize(text: str) -> str:
    """Return text as the glossary check compares it: no markers, placeholders or soft hyphens
    (`_UNPRINTED`), folded spaces, straight '."""
    text = _PLACEHOLDER.sub(" ", CITE_RE.sub(" ", _UNPRINTED.sub("", text))).replace("’", "'")
    return _SPACE.sub(" ", text).strip()


def read_glossary(root: Path, lang: str) -> tuple[tuple[Term, ...], list[Finding]]:
    """Return a language's glossary terms (none if it has no glossary) and what could not be read."""
    rel = glossary_path(lang)
    try:
        raw, refused = read_input(root, rel, "glossary")  # noted: the no-op stamp depends on it
        if refused is not None:
            return (), [refused]
        if raw is None:
            return (), []
    except OSError as exc:
        return (), [error("i18n.glossary", Loc(rel), f"the glossary cannot be read: {exc}")]
    wide = wide_encoding(raw)
    if wide is not None:  # a spreadsheet's "Unicode text": not a byte of it is read as UTF-8
        return (), [error("i18n.glossary", Loc(rel, 1, 1), f"the glossary is {wide}; save it as CSV UTF-8")]
    try:
        # A spreadsheet's "CSV UTF-8" starts the file with a byte order mark, which Weblate's reader
        # (translate-toolkit's) takes as UTF-8's mark: so is it read here, not as part of "source".
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # at the byte, as for a dossier or a catalog
        message = f"the glossary is not valid UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded; save it as UTF-8"
        return (), [error("i18n.glossary", byte_loc(raw, exc.start, rel), message)]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        return (), [error("i18n.glossary", Loc(rel, 1, 1), _columns_problem(missing, list(reader.fieldnames or ())))]
    terms: dict[str, tuple[list[str], int]] = {}
    findings = []
    try:
        for row in reader:
            source, target = normalize(row["source"] or ""), normalize(row["target"] or "")
            if not source or not target:
                findings.append(error("i18n.glossary", Loc(rel, reader.line_num, 1), "a row without source or target"))
                continue
            terms.setdefault(source, ([], reader.line_num))[0].append(target)
    except csv.Error as exc:
        findings.append(error("i18n.glossary", Loc(rel, reader.line_num, 1), f"the glossary cannot be read: {exc}"))
    return tuple(Term(source, tuple(targets), line) for source, (targets, line) in terms.items()), findings


def _columns_problem(missing: list[str], names: list[str]) -> str:
    """Return what a glossary whose first line lacks the `missing` columns should say: where a
    spreadsheet saved it with another separator (';' in a Spanish or French locale, a tab), that."""
    problem = f"the glossary has no column {', '.join(missing)}"
    if len(names) == 1:
        separator = next((s for s in (";", "\t", "|") if s in names[0]), None)
        if separator is not None:
            shown = "a tab" if separator == "\t" else f"'{separator}'"
            return f"{problem}: its first line separates fields with {shown}; save it with ',' between fields"
    return problem


def missed_terms(terms: tuple[Term, ...], english: str, translation: str) -> list[Term]:
    """Return the terms in the English whose translation uses none of their renderings."""
    english, translation = normalize(english), normalize(translation)
    lowered = english.lower()
    taken: list[tuple[int, int]] = []
    found = []
    present = [term for term in terms if term.probe in lowered]  # cheap: most entries hold few of the terms
    for term in sorted(present, key=lambda t: -len(t.source)):  # a longer term claims its words first
        spans = [m.span() for m in term.pattern.finditer(english)]
        free = [s for s in spans if not any(s[0] < end and start < s[1] for start, end in taken)]
        taken += free
        # A lowercase term capitalised in a name kept in English ("Detainee Allies" in both) is
        # the name, which the glossary keeps as it is.
        words = [english[start:] for start, _ in free]
        if free and not all(w[:1].isupper() and _kept(w, translation) for w in words):
            found.append(term)
    found.sort(key=lambda t: t.line)
    return [term for term in found if not term.renderings.search(translation)]


def _kept(english: str, translation: str) -> bool:
    """Return True if the capitalised words starting `english` recur in the translation, as a name."""
    name = re.match(r"[A-Z][\w'-]*(?: [A-Z][\w'-]*)+", english)
    return name is not None and re.search(f"(?<!\\w){re.escape(name.group(0))}(?!\\w)", translation) is not None


def check_glossary(root: Path, lang: str, catalog: ParsedCatalog) -> list[Finding]:
    """Return an `i18n.glossary` warning per translated entry and glossary term it does not follow."""
    terms, findings = read_glossary(root, lang)
    if not terms:
        return findings
    rel = glossary_path(lang)
    missed, checked = _missed(terms), 0
    for entry in catalog.active():
        if entry.counted != "translated":
            continue
        checked += 1
        pair = (_english(entry), " | ".join(entry.strings))
        found = missed.pop(pair, None)  # put back last: the entries of this catalog are the latest
        missed[pair] = found if found is not None else missed_terms(terms, *pair)
        for term in missed[pair]:
            renderings = ", ".join(f"'{t}'" for t in term.targets)
            findings.append(
                warning(
                    "i18n.glossary",
                    Loc(catalog.path, entry.string_line(0), 1),  # no form has a rendering: msgstr[0] is at fault
                    f"'{brief(entry.msgid)}' has the glossary term '{term.source}' ({rel}:{term.line}),"
                    f" but its translation uses none of {renderings}",
                )
            )
    while len(missed) > checked + EARLIER:  # the oldest first: never one of this catalog's
        missed.popitem(last=False)
    return findings


EARLIER = 256
"""How many pairs of an English and a translation that the catalog no longer has `_missed` keeps
beside its entries': a preview session's edits, one pair each, undone or not, which grew the memo
without end. An edit undone within them is not matched again."""


@functools.lru_cache(maxsize=4)
def _missed(terms: tuple[Term, ...]) -> collections.OrderedDict[tuple[str, str], list[Term]]:
    """Return the terms each English and translation miss (`missed_terms`), as found so far with
    these terms, the latest last: the live preview checks every entry of the catalog on each save,
    and a save changes a few of them, or none. `check_glossary` keeps the last catalog's entries
    and `EARLIER` more."""
    return collections.OrderedDict()


def _english(entry: CatalogEntry) -> str:
    return entry.msgid if entry.plural is None else f"{entry.msgid} | {entry.plural}"
