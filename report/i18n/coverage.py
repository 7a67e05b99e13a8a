"""Translation coverage and consistency: what `check` says about each language's catalog.

For every language but the source one, `check_translations` looks up every string the build
would use (`used_messages`: the texts of report.yaml and of each listed dossier, and the
template strings of `layouts/`, the same messages `extract` writes to the .pot) in the catalog,
and counts them as translated, fuzzy, untranslated or pending (not in the catalog yet: the
build prints them in English until `extract` and `update` bring them in), with the catalog's
obsolete (`#~`) entries beside them, in total, for the templates, for report.yaml and for each
facility. So the percentage is that of what the build prints, whether or not the catalog has
caught up with the content. It reports, as findings:

- `i18n.untranslated`, `i18n.fuzzy` (warnings; errors with `--release`): one per catalog entry
  the build uses, the ones counted (an entry it no longer uses is `i18n.stale`'s, as a
  translated one is).
- `i18n.placeholder` (error): `%(name)s` placeholders that do not match the English (Babel's
  `python_format` checker, plus placeholders a translation drops: only msgstr[0], the form for
  one, may leave out the count `%(num)s`; and in template strings, which Jinja formats, a lone
  `%` or a name the English lacks); `i18n.plural` (error): a translated plural
  entry with other forms than the header's nplurals, as `msgfmt -c` says, or, once at the header's line,
  a Plural-Forms that is not the language's rule (`catalogs._plural_rule_problem`): its plural
  entries then count as untranslated, and the build prints them in English, as they do while a
  header with translated plural entries has no Plural-Forms (an `i18n.header` error).
- `i18n.markup` (error): HTML tags that differ from the English, and quotes or `name=` that a
  template string's translation adds.
- `i18n.citations` (error): `[@id]` markers that differ from the English, like Sphinx's
  `i18n.inconsistent_references`.
- `i18n.blank` (error): a translation (or plural form) that is only whitespace where the
  English is not, like pofilter's `blank` test: msgfmt counts it translated, the page would
  print nothing.
- `i18n.linebreak` (error): a translation (or plural form) that begins or ends with a line
  break (`\n`) unlike the msgid, or the reverse, which msgfmt refuses as fatal.
- `i18n.figures` (warning; error with `--release`): numbers or month names that differ from
  the English's ("casi 1,200" left for "nearly 1,300" when a fuzzy flag is cleared), compared by
  value, so a translation writes them as its language does (`catalogs._figure_problems`).
- `i18n.citation-order` (warning; error with `--release`): the English's `[@id]` markers in
  another order, which would put a figure on the other source's note. A translator comment line
  starting `FIGURES:` (why the translation is right as it is) turns off both for its entry, for
  what it names; what it confirms is listed (`Confirmed`: the coverage table, the JSON, the
  release checklist) for the reviewer who signs off a release to read.
- A translation that is its English copied, or mostly so (the English pasted and a word or two
  translated: `catalogs.kept_english`), is `i18n.untranslated` (`CatalogEntry.copied_form`)
  unless a translator comment line starting `SAME:` says why the English is the translation too
  ("Total", "Hospital"); that, too, is listed in `Confirmed` for the reviewer. A `SAME:` with no
  reason confirms nothing: the entry stays untranslated, and its finding says to give one.
- `i18n.review` (warning; error with `--release`): an open question on a translation, in
  translator comments from a line starting `REVIEW:` (the editor deletes them once settled), or
  on the whole catalog, in the header's; a mark with no text is a question too.
- `i18n.names` (warning; error with `--release`): a proper name the dossiers declare (a facility's,
  a company operator's, a named death's, a campaign organization's: `declared_names`) that a prose
  entry's English has and its translation lacks, misspelled or dropped (`check_names`).
- `i18n.glossary` (warning): the English has a term of `i18n/<lang>/glossary.csv` and the
  translation none of its approved renderings (see `glossary.py` for the matching rules).
- `i18n.invisible` (error): a bidi override, zero-width or other invisible character that the
  translation adds (`textfile.hidden_characters`: the words would print otherwise than they read).
- `i18n.entity` (error): an HTML character reference (`&nbsp;`, `&#160;`, `&#xA0;`) that the
  translation adds: a translation is text, so it would print as typed (`catalogs._reference_problems`).
- `i18n.stale` (warning; error with `--release`): the catalog and `i18n/messages.pot` disagree
  (run `update`), or the .pot no longer matches the content and templates (run `extract`); and,
  instead of the errors above, a mistake in the translation of an entry the build no longer uses.

Untranslated, fuzzy and review findings are at the entry's msgid line; the errors in a
translation, at the first line of the msgstr (msgstr[N]) at fault, which the translator edits.

For the strings in the catalog, the states are those of `msgfmt --statistics` (the header and
`#~` entries are not messages; an entry whose first msgstr is empty is untranslated even if
fuzzy) with deliberate differences, all because the build prints the English for them: a
plural entry with any empty form is untranslated, while msgfmt only looks at the first form;
and so is an entry whose placeholders or citation markers are wrong, that is only whitespace,
that has other plural forms than the header's nplurals, or that is plural in a catalog whose
Plural-Forms is wrong or missing (`CatalogEntry.counted`); the table's note, the JSON and the status page
say how many (`unusable`).
A catalog that cannot be read whole (`i18n.newline`, `i18n.encoding`, a syntax error) counts
what it could not read as pending, where msgfmt may read more of it (CRLF line ends); the
pending note says so.
Catalog entries the build no longer uses (the old English of a changed sentence) are not
counted: `check_sync` and `check_template` report them as `i18n.stale`.

Parsing a catalog is the slow part, so each parsed catalog (and the template strings of
`layouts/`) is kept under `.cache/` (see `catalogs.read_catalog`), keyed by the bytes it was read from. The dossier prose
comes from the loaded edition's texts (`extract_yaml` yields the same `texts()`), without a
second extraction; a listed dossier that did not load, from what its YAML holds
(`load.dossier_texts`).
"""

from __future__ import annotations

import difflib
import io
import os
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Container, Iterable, Mapping

from babel import Locale

from .. import cache, project
from ..project import MAPPING_FILE, REPORT_FILE, SOURCES_FILE, TEMPLATE_FILE, catalog_path, dossier_path
from .catalogs import (
    CONTENT_METHODS,
    FIGURES_MARK,
    SAME_MARK,
    TEMPLATES,
    CatalogEntry,
    ParsedCatalog,
    brief,
    briefs_apart,
    close_entry,
    field_entry,
    fixed_prefix,
    is_prose,
    kept_as_obsolete,
    parse_mapping,
    read_catalog,
    rename_rank,
    restores,
)
from .glossary import check_glossary
from ..findings import Finding, Loc, count, error, visible, warning
from ..content.load import dossier_texts
from ..content.model import Edition, Text
from ..content.textfile import read_input

REPORT = "report"
SOURCES = "sources"
CATCH_UP = "./build.py extract && ./build.py update"
"""What brings pending strings into the catalogs, in the README's words."""
KEPT = "kept as obsolete: update restores it"
"""A pending string whose own entry the catalog keeps as obsolete (`#~`): `update` says "restored"."""
RESTORED = "a fuzzy entry was translated from it: update restores it"
"""A pending string whose field's fuzzy entry has other English but a translation made from the
content's (`#| msgid`: an edit undone before the translator saw it): `update` says "restored"."""
CLOSE = "close to {english} in the catalog: update gives it that translation, fuzzy"
"""A pending template string whose English is close to a translated entry's that the catalog
keeps as obsolete or `update` makes so (a changed template string): `update` says "changed"."""
OTHER_ENGLISH = "other English in the catalog"
"""A pending string whose field's entry holds other English: not necessarily an earlier English
of the content (a translator may have edited the msgid), so it is not called the previous one."""
REFUSES = "fix the errors in the content and templates first (extract refuses until then), then run"
"""The advice instead of "run" while `extract` would refuse."""


# -- records ---------------------------------------------------------------------------------------


@dataclass
class Counts:
    """How many messages are translated, fuzzy, untranslated, pending (not in the catalog) and obsolete."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0
    pending: int = 0

    @classmethod
    def of(cls, entries: Iterable[CatalogEntry]) -> Counts:
        """Return the counts of these entries."""
        counts = cls()
        for entry in entries:
            counts.add(entry.counted)
        return counts

    def add(self, state: str) -> None:
        """Count one more entry in this state."""
        setattr(self, state, getattr(self, state) + 1)

    @property
    def messages(self) -> int:
        """Return the number of messages the build uses (obsolete ones are not messages; pending ones are)."""
        return self.translated + self.fuzzy + self.untranslated + self.pending

    @property
    def percent(self) -> float:
        """Return the share translated, to a tenth; only a complete catalog shows 100."""
        if not self.messages:
            return 100.0
        share = round(self.translated * 100 / self.messages, 1)
        return 99.9 if share == 100.0 and self.translated < self.messages else share

    def as_dict(self) -> dict[str, int | float]:
        """Return the counts as JSON-ready data."""
        return {
            "translated": self.translated,
            "fuzzy": self.fuzzy,
            "untranslated": self.untranslated,
            "pending": self.pending,
            "obsolete": self.obsolete,
            "percent": self.percent,
        }


@dataclass(frozen=True)
class Message:
    """A string the build uses: its gettext key, its English and where that English is."""

    context: str | None
    msgid: str
    plural: str | None
    loc: Loc
    also: tuple[Loc, ...] = ()
    """The other places the same English is (a template string several templates use): with `loc`,
    the `#:` references `extract` writes for it."""

    @property
    def places(self) -> dict[str, set[int | None]]:
        """Return the lines the English is at, by file, as `#:` references name them."""
        places: dict[str, set[int | None]] = {}
        for loc in (self.loc, *self.also):
            places.setdefault(loc.path, set()).add(loc.line or None)
        return places

    @property
    def key(self) -> tuple[str | None, str]:
        """Return (context, msgid): how the build looks the message up."""
        return (self.context, self.msgid)

    @property
    def english(self) -> tuple[str, ...]:
        """Return its English: (msgid,), or (msgid, msgid_plural)."""
        return (self.msgid,) if self.plural is None else (self.msgid, self.plural)

    @property
    def group(self) -> str:
        """Return 'templates', 'report' or the facility id the message belongs to."""
        return self.context.split(":", 1)[0] if self.context is not None and is_prose(self.context) else TEMPLATES


@dataclass(frozen=True)
class Pending:
    """A string the build uses that the catalog does not have yet: the build prints it in English."""

    message: Message
    previous: CatalogEntry | None = None
    """The entry whose translation `update` will give it: (`kept`) its own, kept as obsolete, as
    it was; else, fuzzy, the same field's with other English, or (`moved`) the same English's
    under another context (a renamed id or file), or (`copied`) one the build still uses (the
    English copied to another field), or (`close`) for a template string one with English close
    to its; as it was if `restored` (that translation was made from this context and English)."""
    moved: bool = False
    copied: bool = False
    kept: bool = False
    restored: bool = False
    close: bool = False

    @property
    def kind(self) -> str:
        """Return what `update` will do with it, for scripts: 'kept', 'restored', 'moved',
        'copied', 'close', 'other-english', 'new' (a new field), or '' (a new template string)."""
        if self.kept:
            return "kept"
        if self.restored:
            return "restored"
        if self.moved:
            return "moved"
        if self.copied:
            return "copied"
        if self.close:
            return "close"
        if self.previous is not None:
            return "other-english"
        return "new" if is_prose(self.message.context) else ""

    @property
    def change(self) -> str:
        """Return 'kept as obsolete…' (`update` restores its entry), 'moved from <context>' (its
        English is translated under another context, which the build no longer uses), 'copied
        from <context>' (one it still uses), 'a fuzzy entry was translated from it…'
        (`update` restores that entry), 'close to other English…' (a template string `update`
        matches to a close one), 'other English in the catalog' (the field's entry has English
        that is not the content's: an earlier English, or a hand edit, which cannot be told
        apart), 'new' (a new field), or '' for a new template string."""
        kind = self.kind
        if kind in ("moved", "copied") and self.previous is not None:
            return f"{kind} from {self.previous.context}"
        labels = {"kept": KEPT, "restored": RESTORED, "close": CLOSE.format(english="other English")}
        labels["other-english"] = OTHER_ENGLISH
        return labels.get(kind, kind)

    @property
    def from_context(self) -> str | None:
        """Return the context of the entry whose translation `update` will give it, if not its own."""
        previous = self.previous
        return previous.context if previous is not None and previous.context != self.message.context else None

    @property
    def from_english(self) -> str | None:
        """Return the English of the entry whose translation `update` will give it, if not its own:
        its plural English where only that differs (`msgid_plural` edited)."""
        previous = self.previous
        if previous is None:
            return None
        if previous.msgid != self.message.msgid:
            return previous.msgid
        return previous.plural if previous.plural != self.message.plural else None


@dataclass(frozen=True)
class Group:
    """The coverage of one part of the report: the templates, report.yaml or a facility."""

    key: str
    title: str
    counts: Counts
    todo: tuple[CatalogEntry, ...]
    """Untranslated and fuzzy entries, in catalog order."""
    pending: tuple[Pending, ...] = ()
    """Strings not in the catalog yet, in file order."""


SAME_CODE = "i18n.untranslated"
"""What a translation that is its English is, but where a `SAME:` comment says why (`Confirmed`)."""


@dataclass(frozen=True)
class Confirmed:
    """A difference from the English that a `FIGURES:` translator comment confirms, or a translation
    that is its English that a `SAME:` one does: the build prints the translation as it is, and no
    finding says so, so the reviewer who signs off a release reads each one beside the English (the
    translator whose figures or copy were flagged may have written the comment)."""

    loc: Loc
    """The msgstr (msgstr[N]) that differs."""
    code: str
    """The finding it would be without the comment: `i18n.figures` or `i18n.citation-order`, or
    `i18n.untranslated` (`SAME_CODE`)."""
    differs: str
    """What differs, as that finding says it: the English's figures and the translation's (or that it is its English)."""
    comment: str
    """The comment's words."""

    @property
    def mark(self) -> str:
        """Return the mark of the comment that confirms it: `SAME:` for a translation that is its English, else `FIGURES:`."""
        return SAME_MARK if self.code == SAME_CODE else FIGURES_MARK

    def lines(self) -> tuple[str, str]:
        """Return it as two lines of text: where and what differs, then the comment."""
        return f"{self.loc}: {visible(self.differs)} [{self.code}]", f"{self.mark} {visible(self.comment)}"

    def as_dict(self) -> dict[str, Any]:
        """Return it as JSON-ready data."""
        return {
            "file": self.loc.path,
            "line": self.loc.line,
            "column": self.loc.col,
            "code": self.code,
            "message": visible(self.differs),
            "comment": visible(self.comment),
        }


def confirmed_note(confirmed: tuple[Confirmed, ...]) -> str:
    """Return one sentence saying how many `Confirmed` differences (and translations that are their
    English) there are and what to do with them (the coverage table's)."""
    same = sum(c.mark == SAME_MARK for c in confirmed)
    differences = len(confirmed) - same
    what = [f"{count(differences, 'difference')} from the English"] * bool(differences)
    what += [f"{count(same, 'translation')} identical to {'its' if same == 1 else 'their'} English"] * bool(same)
    marks = " or ".join(f"`# {mark}`" for mark, n in ((FIGURES_MARK, differences), (SAME_MARK, same)) if n)
    they = "it is" if len(confirmed) == 1 else "they are"
    return (
        f"{' and '.join(what)} that the build prints as {they}, since a {marks} translator comment says why:"
        " read each beside the English before a release"
    )


def confirmed_items(confirmed: tuple[Confirmed, ...], each: bool = False) -> str:
    """Return what `Confirmed` items there are, by the comment that confirms them, for the release
    checklist: "2 differences a `# FIGURES:` comment confirms" (with `each`, "each difference …"),
    "1 identical translation a `# SAME:` comment confirms", or both joined by "and"."""
    same = sum(c.mark == SAME_MARK for c in confirmed)
    differences = len(confirmed) - same
    parts = [
        ("each difference" if each else count(differences, "difference")) + " a `# FIGURES:` comment confirms"
    ] * bool(differences)
    parts += [
        ("each identical translation" if each else count(same, "identical translation"))
        + " a `# SAME:` comment confirms"
    ] * bool(same)
    return " and ".join(parts)


@dataclass(frozen=True)
class LanguageCoverage:
    """One language's catalog: totals and groups (templates, report, facilities in chapter order)."""

    lang: str
    name: str
    path: str
    total: Counts
    groups: tuple[Group, ...]
    readable: bool = True
    """False if the catalog does not parse whole: then "pending" may be an entry it could not read."""
    used: tuple[Message, ...] = ()
    """Every string the build uses, in the order counted (`Localizer.foresee` reads it)."""
    left_out: tuple[str, ...] = ()
    """Files that cannot be read and whose strings the .pot does not have: not counted."""
    as_of_extract: tuple[str, ...] = ()
    """Files that cannot be read, counted with the strings the .pot has for them: an edit made
    since the last `extract` is not counted."""
    unusable: int = 0
    """Untranslated entries that msgfmt counts as translated (`CatalogEntry.counted`): the build prints them in English."""
    extract_refuses: bool = False
    """True while a file `extract` reads has an error: it refuses to run until they are fixed."""
    confirmed: tuple[Confirmed, ...] = ()
    """The differences from the English that `FIGURES:` comments confirm, in catalog order."""

    @property
    def complete(self) -> bool:
        """Return True if the build prints every string in this language: none fuzzy, untranslated or
        pending, and no file whose strings cannot be read (left out, or counted as of the last extract)."""
        return self.total.translated == self.total.messages and not self.left_out and not self.as_of_extract

    @property
    def caveats(self) -> str:
        """Return what its percentage does not count as it should, for after it: ' (not counting
        facilities/x.yaml)', ' (facilities/x.yaml as of the last extract)', or ''."""
        return "".join(f" (not counting {path})" for path in self.left_out) + "".join(
            f" ({path} as of the last extract)" for path in self.as_of_extract
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the coverage as JSON-ready data."""
        parts = {g.key: g.counts.as_dict() for g in self.groups}
        return {
            "name": self.name,
            "catalog": self.path,
            "total": self.total.as_dict(),
            "unusable": self.unusable,
            TEMPLATES: parts.pop(TEMPLATES, Counts().as_dict()),
            REPORT: parts.pop(REPORT, Counts().as_dict()),
            SOURCES: parts.pop(SOURCES, Counts().as_dict()),
            "facilities": parts,
            "pending": [
                {
                    "part": g.key,
                    "file": p.message.loc.path,
                    "line": p.message.loc.line,
                    "column": p.message.loc.col,
                    "english": p.message.msgid,
                    "change": p.kind,
                    "from_context": p.from_context,
                    "from_english": p.from_english,
                    "moved_from": p.previous.context if p.moved and p.previous is not None else None,
                }
                for g in self.groups
                for p in g.pending
            ],
            "run": CATCH_UP if self.total.pending else None,
            "left_out": list(self.left_out),
            "as_of_extract": list(self.as_of_extract),
            "confirmed": [c.as_dict() for c in self.confirmed],
        }


# -- the check -------------------------------------------------------------------------------------


def check_translations(
    root: Path, edition: Edition, cache_dir: Path | None = None, extract_refuses: bool = False
) -> tuple[list[Finding], dict[str, LanguageCoverage]]:
    """Return the translation findings and the coverage of every language but the source one.

    A language without a catalog is left out (`gather` reports it as `i18n.missing-catalog`).
    babel.cfg is judged even with no other language, since `extract` refuses what it finds.
    With `extract_refuses` (a dossier, report.yaml or a template has an error), advice to run
    `extract` says to fix the errors first.
    """
    mapping, refused = read_input(root, MAPPING_FILE, "mapping")  # as `extract` reads it, whatever the languages
    findings: list[Finding] = [refused] if refused is not None else []
    if mapping is not None:
        findings += parse_mapping(root, mapping)[1]
    settings = edition.settings
    languages = [lang for lang in settings.languages if lang != settings.source_language]
    if not languages:
        return findings, {}
    template = read_catalog(root, TEMPLATE_FILE, None, cache_dir)
    used, read, left_out, as_of_extract = used_messages(root, edition, cache_dir, template)
    if template is None:
        findings.append(
            warning("i18n.stale", Loc(TEMPLATE_FILE), f"{TEMPLATE_FILE} not found; run: ./build.py extract")
        )
    else:
        findings += problem_findings(template)
        if not template.unreadable:
            findings += check_template(root, edition, template, used, read, extract_refuses)
    coverage = {}
    for lang in languages:
        catalog = read_catalog(root, catalog_path(lang), lang, cache_dir)
        if catalog is None:
            continue
        findings += check_catalog(catalog, used, extract_refuses)
        findings += check_names(catalog, declared_names(edition), used)
        findings += check_glossary(root, lang, catalog)
        if template is not None and not template.unreadable and not catalog.unreadable:
            findings += check_sync(catalog, template)
        if not catalog.unreadable:
            findings += check_references(catalog, used, {*left_out, *as_of_extract}, extract_refuses)
        coverage[lang] = replace(
            language_coverage(lang, catalog, edition, used),
            left_out=left_out,
            as_of_extract=as_of_extract,
            extract_refuses=extract_refuses,
        )
    return findings, coverage


def check_catalog(
    catalog: ParsedCatalog, used: Container[tuple[str | None, str]] | None = None, extract_refuses: bool = False
) -> list[Finding]:
    """Return the untranslated, fuzzy and consistency findings for a language catalog.

    They are for the entries the build uses (`used`, the keys coverage counts; every active entry
    if None). An entry it no longer uses (its English edited or deleted since `update`) prints
    nowhere and reaches no reader or tool: the build reads the .po itself and looks up only what
    it prints, compiles no `.mo`, and neither `dist/` nor an export holds a catalog. Translated or
    not, with an open question or not, such an entry is `i18n.stale`'s (`check_template`,
    `check_sync`: `extract` and `update` drop it, or keep it obsolete), and so is a mistake in its
    translation (`unused_findings`): a warning, not an error that would stop the build over a
    sentence it no longer prints. With `extract_refuses`, their advice says to fix the errors first.
    Its doubts (figures, the order of citations) are not reported: only a reader could be misled by them.
    """
    findings = problem_findings(catalog)
    if catalog.header_review is not None:
        line, note = catalog.header_review
        findings.append(warning("i18n.review", Loc(catalog.path, line, 1), review_message(note, "the catalog")))
    contexts = {entry.context for entry in catalog.active()}
    for entry in catalog.active():
        if used is not None and entry.key not in used:
            findings += unused_findings(catalog, entry, extract_refuses)
            continue
        loc = Loc(catalog.path, entry.line, 1)
        if entry.state == "untranslated":
            # msgfmt counts a fuzzy entry without a translation as untranslated: nothing to check.
            flag = (
                " (the fuzzy flag can go: there is no translation to check)"
                if entry.fuzzy and not any(entry.strings)
                else ""
            )
            findings.append(warning("i18n.untranslated", loc, f"not translated: '{brief(entry.msgid)}'{flag}"))
        elif entry.state == "fuzzy":
            why = fuzzy_reason(entry, copied=entry.moved_from in contexts)
            findings.append(
                warning(
                    "i18n.fuzzy",
                    loc,
                    f"fuzzy{why}: check the translation of '{brief(entry.msgid)}', then remove the fuzzy flag",
                )
            )
        elif entry.copied_form is not None:
            form = entry.copied_form
            which = f"msgstr[{form}]" if entry.plural is not None else "msgstr"
            findings.append(
                warning(
                    "i18n.untranslated",
                    Loc(catalog.path, entry.string_line(form), 1),
                    f"not translated: the {which} of '{brief(entry.msgid)}' is {entry.copy_said(form)};"
                    " the build prints the entry as English: translate it, or leave the msgstr empty"
                    + (
                        "; its `# SAME:` comment gives no reason: say after it why the English is the translation too"
                        if entry.same is not None
                        else "; if the English is the translation too, say why in a translator comment `# SAME: …`"
                    ),
                )
            )
        for code, message, line in entry.problems:
            findings.append(error(code, Loc(catalog.path, line, 1), message))
        if entry.review is not None:
            findings.append(warning("i18n.review", loc, review_message(entry.review, "the entry")))
        for code, message, line in entry.doubts:
            findings.append(warning(code, Loc(catalog.path, line, 1), message))
    return findings


def unused_findings(catalog: ParsedCatalog, entry: CatalogEntry, extract_refuses: bool = False) -> list[Finding]:
    """Return an `i18n.stale` warning for each mistake in the translation of an entry the build no longer uses."""
    run = REFUSES if extract_refuses else "run"
    return [
        warning(
            "i18n.stale",
            Loc(catalog.path, line, 1),
            f"entry no longer used (nothing prints it): {message}; {run}: {CATCH_UP}"
            " (they drop the entry or keep it obsolete, or give its translation to the new English as a fuzzy"
            " entry, this mistake included: correct it there)",
        )
        for _code, message, line in entry.problems
    ]


NAMED_OPERATORS = ("private-company",)
"""Operator kinds whose name is a proper name a translation keeps ("CoreCivic"); a sheriff's office
or a county is described, and translated ("la oficina del alguacil", "el condado de Pulaski")."""


def declared_names(edition: Edition) -> tuple[str, ...]:
    """Return the proper names the dossiers declare, which a translation keeps as they are (the
    glossary: names stay in English): each facility's name, a company operator's
    (`NAMED_OPERATORS`), each named death's and each campaign organization's, a leading "The"
    aside ("the GEO Group" mid-sentence), each once, longest first. A death's name comes with the
    runs of words that end it, its surname as prose writes it ("Medina-Martinez")."""
    names: list[str] = []
    for facility in edition.facilities:
        names.append(facility.name)
        if facility.operator.kind in NAMED_OPERATORS:
            names.append(facility.operator.name)
        for death in facility.deaths:
            # After its first mention, prose calls a person by the surname: "Ibarra Bucio", "Medina-Martinez".
            words = (death.name or "").split()
            names += [" ".join(words[start:]) for start in range(len(words))]
        names += [organization.name for organization in facility.campaign.organizations]
    bare = (re.sub(r"^The\s+", "", name.strip()) for name in names)
    return tuple(sorted({name for name in bare if name}, key=lambda name: (-len(name), name)))


def check_names(
    catalog: ParsedCatalog, names: Iterable[str], used: Container[tuple[str | None, str]] | None = None
) -> list[Finding]:
    """Return an `i18n.names` warning for each declared name (`declared_names`) that the English of
    a prose entry the build prints has and its translation lacks, at the msgstr at fault.

    A name is a fact: a death's name misspelled, or a campaign organization dropped, printed wrong
    while every other check passed. As `[@id]` markers are, a name is compared whole, as written
    (letter case and accents too); a run of words of the translation close to it is named, as a
    likely misspelling.
    """
    patterns = [(name, re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")) for name in names]
    findings = []
    for entry in catalog.active():
        if not is_prose(entry.context) or entry.counted != "translated" or (used is not None and entry.key not in used):
            continue
        for form, string in enumerate(entry.strings):
            english = entry.english[min(form, len(entry.english) - 1)]
            for name, pattern in patterns:
                found = pattern.search(english)
                # Longest first: the surname in a full name is that name's, compared once, with it.
                english = pattern.sub(lambda m: " " * len(m[0]), english)
                if found and not pattern.search(string):
                    which = f"msgstr[{form}]" if entry.plural is not None else "msgstr"
                    close = _closest(name, string)
                    has = f" (it has {close!r}: misspelled?)" if close else ""
                    findings.append(
                        warning(
                            "i18n.names",
                            Loc(catalog.path, entry.string_line(form), 1),
                            f"the {which} of '{brief(entry.msgid)}' lacks the name {name!r}{has}; a name is a"
                            " fact: write it as the English does",
                        )
                    )
    return findings


def _closest(name: str, text: str) -> str | None:
    """Return the run of words of `text` closest to `name`, if close enough to be it misspelled: of
    as many words as `name`, or one more or fewer (a hyphen dropped: "Medina Martinez")."""
    words = text.split()
    size = len(name.split())
    runs = [
        " ".join(words[i : i + n]).strip(".,;:()[]\"'\u201c\u201d\u00ab\u00bb")
        for n in range(max(1, size - 1), size + 2)
        for i in range(len(words) - n + 1)
    ]
    match = difflib.get_close_matches(name, runs, n=1, cutoff=0.75)
    return match[0] if match else None


def fuzzy_reason(entry: CatalogEntry, copied: bool = False) -> str:
    """Return why a fuzzy entry is fuzzy, as far as its `#|` lines say, in parentheses ('' if they say
    nothing): 'copied from' where the catalog still has an entry of that other context."""
    moved = f"{'copied' if copied else 'moved'} from '{entry.moved_from}'" if entry.moved_from else ""
    if moved and entry.english_changed:
        return f" ({moved}, and the English changed since it was translated)"
    if moved:
        return f" ({moved}; the English is the same)"
    return " (the English changed since it was translated)" if entry.english_changed else ""


def review_message(note: str, what: str) -> str:
    """Return what an `i18n.review` finding says of a `# REVIEW:` question on `what` (the entry, the catalog)."""
    if note:
        return f"to review: {note}"
    return f"to review: a `# REVIEW:` mark on {what} with no text; say after it what to check, or delete the line"


def problem_findings(catalog: ParsedCatalog) -> list[Finding]:
    """Return what the parser could not take in, as errors at their lines."""
    return [error(code, Loc(catalog.path, line, col), message) for line, col, code, message in catalog.problems]


def check_sync(catalog: ParsedCatalog, template: ParsedCatalog) -> list[Finding]:
    """Return `i18n.stale` findings when a catalog and the .pot hold different messages."""
    wanted = {e.key: e for e in template.active()}
    present = {e.key: e for e in catalog.active()}
    findings = []
    # An entry whose plural English differs (msgid_plural changed) is the template's, still to merge.
    missing = [e for key, e in wanted.items() if key not in present or present[key].english != e.english]
    if missing:
        findings.append(
            warning(
                "i18n.stale",
                Loc(catalog.path),
                f"{count(len(missing), 'message')} of {TEMPLATE_FILE} {'is' if len(missing) == 1 else 'are'}"
                f" not in this catalog (first: '{brief(_differing(missing[0], present))}'); run: ./build.py update",
            )
        )
    extra = [e for key, e in present.items() if key not in wanted or wanted[key].english != e.english]
    if extra:
        more = f" (and {count(len(extra) - 1, 'more message')})" if len(extra) > 1 else ""
        findings.append(
            warning(
                "i18n.stale",
                Loc(catalog.path, extra[0].line, 1),
                f"'{brief(_differing(extra[0], wanted))}'{more} is no longer in {TEMPLATE_FILE}; run: ./build.py update",
            )
        )
    return findings


def check_references(
    catalog: ParsedCatalog,
    used: Mapping[tuple[str | None, str], Message],
    unread: Container[str] = (),
    extract_refuses: bool = False,
) -> list[Finding]:
    """Return one `i18n.stale` warning if the `#:` references of the catalog's entries name other
    lines than those their English is at now (a dossier or template edited, its lines moved):
    a PO editor shows the translator those lines as the string's context.

    Only entries whose English the build uses unchanged are judged (the others are `check_sync`'s
    and `check_template`'s), and not in the files whose strings cannot be read now (`unread`). An
    entry without references (saved by `msgcat --no-location`) says nothing false, and is not judged;
    a reference without a line (`--add-location=file`) names its file alone, and is true if the
    English is in that file.
    """
    stale = []
    for entry in catalog.active():
        message = used.get(entry.key)
        if message is None or message.english != entry.english or not entry.references:
            continue
        now = {path: lines for path, lines in message.places.items() if path not in unread}
        said: dict[str, set[int | None]] = {}
        for path, line in entry.references:
            if path not in unread:
                said.setdefault(path, set()).add(line)
        if said.keys() != now.keys() or any(said[path] not in (now[path], {None}) for path in said):
            stale.append((entry, message))
    if not stale:
        return []
    entry, message = stale[0]
    named = " ".join(f"{path}:{line}" if line else path for path, line in entry.references)
    places = message.places.items()
    actual = ", ".join(f"{path}:{line}" for path, lines in places for line in sorted(lines, key=lambda n: n or 0))
    run = REFUSES if extract_refuses else "run"
    return [
        warning(
            "i18n.stale",
            Loc(catalog.path, entry.line, 1),
            f"the `#:` references of {count(len(stale), 'message')} are out of date (first: '{brief(entry.msgid)}':"
            f" #: {named}, the English is at {actual}), so a PO editor shows the"
            f" wrong source lines; {run}: {CATCH_UP}",
        )
    ]


def _differing(entry: CatalogEntry, other: Mapping[tuple[str | None, str], CatalogEntry]) -> str:
    """Return the English of `entry` that `other` lacks: its plural where only that differs."""
    same = other.get(entry.key)
    return entry.plural if same is not None and entry.plural is not None else entry.msgid


def used_messages(
    root: Path, edition: Edition, cache_dir: Path | None = None, template: ParsedCatalog | None = None
) -> tuple[dict[tuple[str | None, str], Message], set[str], tuple[str, ...], tuple[str, ...]]:
    """Return every string the build uses, keyed like catalog entries, the files whose strings
    were read besides report.yaml, the sources and the loaded dossiers, the files whose strings
    are left out, and those counted with the strings the .pot has for them.

    These are the messages `extract` writes to the .pot for the published edition: the texts of
    report.yaml and of each dossier in chapter order (the `texts()` that `extract_yaml` yields)
    and the template strings of the files babel.cfg maps to a non-content extractor (Babel's own
    `extract`). The first place a message occurs is its location.

    A dossier report.yaml lists that does not load (a schema, date or load error) is counted
    from what can be read: its prose as far as its YAML parses (`load.dossier_texts`), so its
    breakage changes neither the counts nor `check_template`'s findings. A file whose strings
    cannot be read yields none, and `extract` refuses to run until it is fixed: a template Jinja
    cannot parse (a `template.syntax` error), or a listed dossier that is not YAML or not there
    (deleted, or renamed without report.yaml: a `report.unknown-facility` error). Its strings
    are those the .pot (`template`) has for it, at their `#:` places (the extractor names each
    dossier's entries by its file), as of the last `extract`: an edit made since then cannot be
    counted, and the coverage says so. Where the .pot has none for it (it is missing or
    unreadable, or the file is new since the last `extract`), the file is left out, and the
    coverage says so.
    """
    used: dict[tuple[str | None, str], Message] = {}
    for text in edition.settings.texts():
        _use(used, Message(text.context, text.value, None, text.loc))
    texts, read, unread_dossiers = chapter_texts(root, edition)
    for text in texts:
        _use(used, Message(text.context, text.value, None, text.loc))
    for source in edition.sources.values():
        for text in source.texts():
            _use(used, Message(text.context, text.value, None, text.loc))
    strings = template_messages(root, cache_dir)
    for message in strings.messages.values():
        for loc in (message.loc, *message.also):
            _use(used, replace(message, loc=loc, also=()))
    unread = [*strings.unread, *unread_dossiers]
    supplied = set()
    if unread and template is not None and not template.unreadable:
        for entry in template.active():
            place = next(((path, line) for path, line in entry.references if path in unread), None)
            if place is not None:
                path, line = place
                supplied.add(path)
                loc = Loc(path, line or 0, 1 if line else 0)
                used.setdefault(entry.key, Message(entry.context, entry.msgid, entry.plural, loc))
    return (
        used,
        read | set(strings.files),
        tuple(path for path in unread if path not in supplied),
        tuple(path for path in unread if path in supplied),
    )


def _use(used: dict[tuple[str | None, str], Message], message: Message) -> None:
    """Add a string the build uses, or, where it is already there, one more place its English is."""
    first = used.get(message.key)
    if first is None:
        used[message.key] = message
    elif message.loc != first.loc and message.loc not in first.also:
        used[message.key] = replace(first, also=(*first.also, message.loc))


def chapter_texts(root: Path, edition: Edition) -> tuple[list[Text], set[str], list[str]]:
    """Return the prose of the dossiers report.yaml lists, in chapter order, the listed dossiers
    that did not load but were read, and those whose strings cannot be read.

    A loaded dossier gives its record's texts; one that did not load (a load, schema or date
    error), the prose its YAML holds (`load.dossier_texts`). One that is not YAML, or not there
    (deleted, or renamed without report.yaml), cannot be read.
    """
    loaded = {facility.path: facility for facility in edition.facilities}
    texts: list[Text] = []
    read: set[str] = set()
    unread: list[str] = []
    for facility_id, _loc in edition.settings.facility_order:
        path = dossier_path(facility_id)
        if path in loaded:
            texts.extend(loaded[path].texts())
            continue
        raw, _refused = read_input(root, path, "dossier")  # `load_edition` reported why it did not load
        found = dossier_texts(raw, path) if raw is not None else None
        if found is None:
            unread.append(path)
        else:
            texts.extend(found)
            read.add(path)
    return texts, read, unread


def template_lag(
    root: Path,
    edition: Edition,
    template: ParsedCatalog,
    used: Mapping[tuple[str | None, str], Message],
    read: set[str],
) -> tuple[dict[str, list[Loc]], Counter[str]]:
    """Return, by file, where the strings the build uses that the .pot lacks are (new or changed
    since the last `extract`), and how many of its messages the build no longer uses (removed).

    A .pot message is only judged when it comes from a file we know the current messages of
    (report.yaml, a published dossier, a template, a listed dossier read despite its errors:
    `read`) or from a file that no longer exists. `check_template` says it per file; `update`,
    which merges the .pot as it is, says it in total.
    """
    known = {REPORT_FILE, SOURCES_FILE, *(f.path for f in edition.facilities), *read}
    added: dict[str, list[Loc]] = {}
    removed: Counter[str] = Counter()
    # Messages are their English, the plural's too: a template string whose msgid_plural alone
    # changed is one the .pot has another English for (`extract` rewrites it; `update` makes it fuzzy).
    in_template = set()
    for entry in template.active():
        in_template.add((entry.key, entry.english))
        message = used.get(entry.key)
        if message is not None and message.english == entry.english:
            continue
        judged = [f for f in entry.files if f in known or project.current_digest(root, f) == project.ABSENT]
        if judged:
            removed[judged[0]] += 1
    for key, message in used.items():
        if (key, message.english) not in in_template:
            added.setdefault(message.loc.path, []).append(message.loc)
    return added, removed


def check_template(
    root: Path,
    edition: Edition,
    template: ParsedCatalog,
    used: Mapping[tuple[str | None, str], Message],
    read: set[str],
    extract_refuses: bool = False,
) -> list[Finding]:
    """Return `i18n.stale` findings, one per file, where the .pot no longer matches the content or templates."""
    added, removed = template_lag(root, edition, template, used, read)
    findings = []
    run = REFUSES if extract_refuses else "run"
    for path in sorted(set(added) | set(removed)):
        new = sorted(added.get(path, []))
        parts = []
        if new:
            parts.append(f"{len(new)} new or changed")
        if removed[path]:
            parts.append(f"{removed[path]} removed")
        where = Loc(path, new[0].line, new[0].col or 1) if new else Loc(path)
        findings.append(
            warning(
                "i18n.stale",
                where,
                f"{TEMPLATE_FILE} is out of date for this file ({', '.join(parts)}); {run}: {CATCH_UP}",
            )
        )
    return findings


def language_coverage(
    lang: str, catalog: ParsedCatalog, edition: Edition, used: Mapping[tuple[str | None, str], Message]
) -> LanguageCoverage:
    """Return the state of every string the build uses in one catalog, in total and per group.

    A string the catalog lacks is pending; each group lists its untranslated and fuzzy entries
    (in catalog order) and its pending strings (in file order). The catalog's obsolete entries
    are counted in their group; its active entries that the build no longer uses are not counted.
    """
    entries = {entry.key: entry for entry in catalog.active()}
    # A renamed id or file keeps its English: `update` carries the translation over, choosing as it does.
    by_english: dict[tuple[str, str | None], list[CatalogEntry]] = {}
    for e in catalog.entries:
        if e.msgid and any(e.strings):
            by_english.setdefault((e.msgid, e.plural), []).append(e)
    obsolete = [e for e in catalog.entries if e.obsolete]
    # A changed sentence keeps its context (the field): `update` takes its old entry, obsolete
    # already or made so, as `field_entry` says.
    leaving = [*obsolete, *(e for e in catalog.active() if e.key not in used)]
    taken: set[int] = set()
    total = Counts()
    counts: dict[str, Counts] = {}
    todo: dict[str, list[CatalogEntry]] = {}
    pending: dict[str, list[Pending]] = {}
    unusable = 0
    for key, message in used.items():
        group = message.group
        entry = entries.get(key)
        if entry is not None and entry.english != message.english:
            # Its plural English alone was edited (`msgid_plural`): the entry translates other
            # words, which the build does not print; `update` makes it fuzzy.
            state = "pending"
            pending.setdefault(group, []).append(Pending(message, entry, close=True))
        elif entry is None:
            state = "pending"
            same = by_english.get((message.msgid, message.plural), [])
            kept = kept_as_obsolete(obsolete, message.context, message.english, lambda e: e.english)
            if kept is not None:  # `update` restores it as it was, before any other match
                pending.setdefault(group, []).append(Pending(message, kept, kept=True))
            elif same:
                chosen = min(
                    same,
                    key=lambda e: (
                        id(e) in taken,
                        *rename_rank(message.context, e.context, not e.obsolete and e.key not in used),
                    ),
                )
                taken.add(id(chosen))
                # A rename undone before the translator saw it: `update` restores the entry as it was.
                restored = restores(chosen.made_from, message.context, message.english)
                copied = (
                    not restored and not chosen.obsolete and chosen.key in used
                )  # its English is still printed there
                pending.setdefault(group, []).append(
                    Pending(message, chosen, moved=not (restored or copied), copied=copied, restored=restored)
                )
            else:
                if is_prose(message.context):
                    previous = field_entry(leaving, message.context, lambda e: any(e.strings))
                else:  # a changed template string: `update` takes the closest English
                    previous = close_entry(
                        leaving, message.context, message.english, lambda e: e.english, lambda e: any(e.strings)
                    )
                restored = previous is not None and restores(previous.made_from, message.context, message.english)
                close = previous is not None and not restored and not is_prose(message.context)
                pending.setdefault(group, []).append(Pending(message, previous, restored=restored, close=close))
        else:
            state = entry.counted
            if state == "untranslated" and not entry.fuzzy and entry.strings and entry.strings[0]:
                unusable += 1  # msgfmt --statistics looks at msgstr[0] only, and not at its consistency
            if state in ("untranslated", "fuzzy"):
                todo.setdefault(group, []).append(entry)
        total.add(state)
        counts.setdefault(group, Counts()).add(state)
    for entry in catalog.entries:
        if entry.obsolete:
            total.add("obsolete")
            counts.setdefault(entry.group, Counts()).add("obsolete")
    names = {f.id: f.name for f in edition.facilities}
    # In chapter order, a dossier that could not be loaded too (its strings are the .pot's).
    chapters = [key for key, _loc in edition.settings.facility_order if key in names or key in counts]
    order = [TEMPLATES, REPORT, *dict.fromkeys([*chapters, *names]), *([SOURCES] if SOURCES in counts else [])]
    order += sorted(set(counts) - set(order))
    titles = {TEMPLATES: "Templates", REPORT: "Report (report.yaml)", **names, SOURCES: f"Sources ({SOURCES_FILE})"}
    groups = tuple(
        Group(
            key,
            titles.get(key, key),
            counts.get(key, Counts()),
            tuple(sorted(todo.get(key, ()), key=lambda e: e.line)),
            tuple(
                sorted(pending.get(key, ()), key=lambda p: (p.message.loc.path, p.message.loc.line, p.message.loc.col))
            ),
        )
        for key in order
    )
    name = Locale.parse(lang).english_name or lang
    return LanguageCoverage(
        lang,
        name,
        catalog.path,
        total,
        groups,
        readable=not catalog.unreadable,
        used=tuple(used.values()),
        unusable=unusable,
        confirmed=confirmed_differences(catalog, used),
    )


def confirmed_differences(catalog: ParsedCatalog, used: Container[tuple[str | None, str]]) -> tuple[Confirmed, ...]:
    """Return what the `FIGURES:` and `SAME:` comments of the entries the build uses confirm, in catalog order."""
    return tuple(
        confirmed
        for entry in catalog.active()
        if entry.key in used
        for confirmed in (
            *(
                Confirmed(Loc(catalog.path, line, 1), code, message, entry.confirmation or "")
                for code, message, line in entry.confirmed
            ),
            *_same(catalog, entry),
        )
    )


def _same(catalog: ParsedCatalog, entry: CatalogEntry) -> tuple[Confirmed, ...]:
    """Return, for a translation the build prints that is its English, the `SAME:` comment's confirmation (or nothing)."""
    form = entry.identical_form
    if not entry.same or form is None or entry.counted != "translated":
        return ()
    which = f"msgstr[{form}]" if entry.plural is not None else "msgstr"
    mostly = "mostly " if entry.partly_copied(form) is not None else ""
    message = f"the {which} of '{brief(entry.msgid)}' is {mostly}its English"
    return (Confirmed(Loc(catalog.path, entry.string_line(form), 1), SAME_CODE, message, entry.same),)


def coverage_table(coverage: LanguageCoverage) -> str:
    """Return the coverage of one language as a plain-text table, then its pending strings."""
    header = ("part", "translated", "fuzzy", "untranslated", "pending", "obsolete", "percent")
    rows = [("total", coverage.total)] + [(g.key, g.counts) for g in coverage.groups]
    width = max(len(name) for name, _ in rows)
    lines = [f"{coverage.name} ({coverage.lang}): {coverage.path}"]
    lines.append(f"{header[0]:<{width}}  " + "  ".join(f"{h:>{max(len(h), 6)}}" for h in header[1:]))
    for name, c in rows:
        cells = (c.translated, c.fuzzy, c.untranslated, c.pending, c.obsolete, f"{c.percent:.1f}%")
        lines.append(
            f"{name:<{width}}  " + "  ".join(f"{v:>{max(len(h), 6)}}" for v, h in zip(cells, header[1:], strict=True))
        )
    if coverage.unusable:
        lines.append(
            f"untranslated: {coverage.unusable} of them msgfmt counts as translated (a plural form empty, the"
            " English copied unchanged, or a translation the build cannot print: see the findings above); the"
            " build prints them in English"
        )
    nothing_read = not coverage.readable and not (
        coverage.total.translated or coverage.total.fuzzy or coverage.total.untranslated
    )
    if coverage.total.pending:
        lines.append(f"pending: {pending_note(coverage)}")
        for group in () if nothing_read else coverage.groups:  # every string: a list would only bury the error
            for item in group.pending:
                message = item.message
                how = item.change or ("new" if coverage.readable else "new, or in an entry that cannot be read")
                english = brief(message.msgid, 60)
                if item.kind == "close" and item.previous is not None:
                    other = brief(item.previous.msgid, 60)
                    if item.previous.msgid == message.msgid:  # its plural English alone was edited
                        other, english = briefs_apart(item.previous.plural or "", message.plural or "", 60)
                    how = CLOSE.format(english=f"'{other}'")
                elif how == OTHER_ENGLISH and item.previous is not None:
                    other, english = briefs_apart(item.previous.msgid, message.msgid, 60)  # quotes that show the edit
                    how += f": '{other}'"
                lines.append(f"  {group.key}: {message.loc.path}:{message.loc.line} ({how}) '{english}'")
        if not coverage.readable:
            lines.append(f"fix the errors in {coverage.path} first")
        else:
            lines.append(f"{REFUSES if coverage.extract_refuses else 'run'}: {CATCH_UP}")
    if coverage.confirmed:
        lines.append(f"confirmed: {confirmed_note(coverage.confirmed)}:")
        for confirmed in coverage.confirmed:
            where, comment = confirmed.lines()
            lines += [f"  {where}", f"      {comment}"]
    for path in coverage.left_out:
        lines.append(f"not counted: the strings of {path}, which cannot be read and {TEMPLATE_FILE} does not have")
    for path in coverage.as_of_extract:
        lines.append(
            f"counted as of the last extract: the strings of {path}, which cannot be read, as {TEMPLATE_FILE} has"
            " them (an edit made since is not counted)"
        )
    return "\n".join(lines)


def pending_note(coverage: LanguageCoverage) -> str:
    """Return one sentence saying how many strings the build uses that the catalog lacks."""
    many = coverage.total.pending
    strings = f"{count(many, 'English string')} the build uses {'is' if many == 1 else 'are'} not in {coverage.path}"
    if not coverage.readable and not (coverage.total.translated or coverage.total.fuzzy or coverage.total.untranslated):
        return f"{count(many, 'English string')} the build uses: {coverage.path} cannot be read at all, so none is there as far as it can be read (they are not listed one by one)"
    if not coverage.readable:
        return f"{strings} as far as it could be read (an entry it cannot read counts as pending, where msgfmt may read it)"
    moved = sum(1 for group in coverage.groups for item in group.pending if item.moved)
    copied = sum(1 for group in coverage.groups for item in group.pending if item.copied)
    kept = sum(1 for group in coverage.groups for item in group.pending if item.kept)
    restored = sum(1 for group in coverage.groups for item in group.pending if item.restored)
    notes = [f"{kept} kept there as obsolete: update restores {'it' if kept == 1 else 'them'}"] if kept else []
    if restored:
        notes.append(
            f"{restored} that a fuzzy entry was translated from: update restores {'it' if restored == 1 else 'them'}"
        )
    for carried, how in ((moved, "moved from"), (copied, "copied from")):
        if carried:
            them = "it" if carried == 1 else "them"
            notes.append(f"{carried} {how} another context: update gives {them} that translation, fuzzy")
    also = f" ({'; '.join(notes)})" if notes else ""
    return f"{strings} yet{also}: the {coverage.name} edition prints {'it' if many == 1 else 'them'} in English"


# -- template strings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateStrings:
    """The template strings of `layouts/` (as babel.cfg maps it), keyed like catalog entries, and their files."""

    messages: dict[tuple[str | None, str], Message]
    files: tuple[str, ...]
    unread: tuple[str, ...] = ()
    """The files Jinja cannot parse, or that are not UTF-8 text: Babel's extraction yields none of their strings."""


def template_messages(root: Path, cache_dir: Path | None = None) -> TemplateStrings:
    """Return the template strings (as babel.cfg maps `layouts/`) and the files they come from."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract
    from jinja2 import TemplateSyntaxError

    sources = _template_sources(root)
    blobs = [read_input(root, rel, "template")[0] for rel, _method, _options in sources]  # None: refused
    described = (f"{rel}\0{method}\0{sorted(options.items())}" for rel, method, options in sources)
    key = cache.key_of(cache.fingerprint(__name__), *described, *(b"\0unread" if b is None else b for b in blobs))

    def extracted() -> TemplateStrings:
        messages: dict[tuple[str | None, str], Message] = {}
        unread = []
        for (rel, method, options), data in zip(sources, blobs, strict=True):
            # Jinja's extractor is silent by default: a template it cannot parse yields nothing.
            loud = {**options, "silent": "false"}
            if data is None:
                unread.append(rel)  # `template_findings` says why, at the file
                continue
            try:
                found = list(extract(method, io.BytesIO(data), DEFAULT_KEYWORDS, (), loud))
            except (TemplateSyntaxError, UnicodeDecodeError):
                unread.append(rel)  # `template_findings` says why, at its line
                continue
            lines = data.decode("utf-8", "replace").splitlines()
            for lineno, message, _comments, context in found:
                msgid, plural = (message, None) if isinstance(message, str) else (message[0], message[1])
                loc = Loc(rel, lineno, string_column(lines[lineno - 1] if 0 < lineno <= len(lines) else "", msgid))
                _use(messages, Message(context, msgid, plural, loc))
        files = tuple(rel for rel, _method, _options in sources)
        return TemplateStrings(messages, files, tuple(unread))

    return cache.memoize_shared(cache_dir, "template-strings", key, extracted)


_ARGUMENT = re.compile(r"""[(,]\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")
"""A string literal passed to a call (`_("…")`, `pgettext("state", "…")`), as Jinja's lexer reads one."""
_TRANS = re.compile(r"\{%[-+]?\s*trans\b")


def string_column(line: str, msgid: str) -> int:
    """Return the 1-based column where a template string's English starts on its line (Babel gives
    the line alone): its string literal in a gettext call, else its `{% trans %}` tag, else 1."""
    for match in _ARGUMENT.finditer(line):
        literal = match.group(1)
        try:  # unescaped as Jinja's lexer does
            value = literal[1:-1].encode("ascii", "backslashreplace").decode("unicode-escape")
        except UnicodeDecodeError:
            continue
        if value == msgid:
            return match.start(1) + 1
    trans = _TRANS.search(line)
    return trans.start() + 1 if trans else 1


def _template_sources(root: Path) -> list[tuple[str, str, dict[str, str]]]:
    """Return (path, method, options) for every file babel.cfg maps to a non-content extractor."""
    from babel.util import pathmatch

    try:
        raw, _refused = read_input(root, MAPPING_FILE, "mapping")  # refused: `check_translations` says why
    except OSError:
        return []
    parsed, _problems = parse_mapping(root, raw or b"")  # without the sections refused: `check_translations` says why
    if parsed is None:
        return []
    method_map, options_map = parsed
    wanted = [(pattern, method) for pattern, method in method_map if method not in CONTENT_METHODS]
    found = []
    seen: set[str] = set()
    for top in sorted({fixed_prefix(pattern) for pattern, _ in wanted}):
        for dirpath, dirnames, filenames in os.walk(root / top):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
            for name in sorted(filenames):
                rel = Path(dirpath, name).relative_to(root).as_posix()
                if rel in seen:
                    continue
                seen.add(rel)
                for pattern, method in method_map:
                    if pathmatch(pattern, rel):
                        if method not in (*CONTENT_METHODS, "ignore"):
                            found.append((rel, method, dict(options_map.get(pattern, {}))))
                        break  # the first section that matches a file is the one Babel uses
    return found


__all__ = [
    "CATCH_UP",
    "Counts",
    "Group",
    "LanguageCoverage",
    "Message",
    "Pending",
    "check_translations",
    "coverage_table",
]
