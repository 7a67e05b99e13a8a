"""Stage 1, load: read report.yaml, the sources and every dossier into an `Edition`.

Nothing here stops at the first problem. Each file is parsed with positions, validated against
its JSON Schema, and turned into frozen records; every problem becomes a `Finding` at the line
and column of the YAML node that caused it. A file with schema errors yields no record, so the
later stages only ever see well-formed data; the one exception is a list that gives an item twice,
whose record keeps the first, so that one repeat does not stop the checks of the whole edition.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import re
import string
import types
import typing
import unicodedata
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from jsonschema import ValidationError

from .. import cache, project
from ..findings import Finding, Loc, error, prints_nothing, visible_spaces, warning
from ..project import FACILITIES_DIR, REPORT_FILE, SOURCES_FILE
from . import model, schema
from .model import (
    BRACKETED_ID_RE,
    CITE_RE,
    MARKER_LIKE_RE,
    Bracketed,
    Citation,
    ClaimReview,
    Note,
    DateSpan,
    Edition,
    Facility,
    PartialDate,
    ReportSettings,
    Source,
    Text,
)
from .textfile import character_references, hidden_characters, read_input, reference_advice
from .yamldoc import YamlDoc, cut_short, did_you_mean, parse
from .yamlerrors import sources_at


_DATE_RE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
_JSON_TYPES = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}


def load_edition(root: Path, use_cache: bool = True) -> tuple[Edition | None, list[Finding]]:
    """Return the edition under `root` and every finding met while reading it.

    With `use_cache`, each file's records and findings are kept in `.cache/load/`, keyed by the
    file's bytes and the loader's own code, so unchanged files are not parsed again; and in this
    process, for every project (`cache.memoize_shared`): the record is of the bytes and name alone.
    """
    findings: list[Finding] = []
    cache_dir = root / project.CACHE_DIR if use_cache else None
    settings = _read(root, REPORT_FILE, "report", read_settings, findings, cache_dir)
    sources = _read(root, SOURCES_FILE, "sources", read_sources, findings, cache_dir)
    dossiers: dict[str, Facility] = {}
    present: set[str] = set()
    misspelt: dict[str, str] = {}  # a dossier's id -> the file that would be it but for its ending ('winn.yml')
    for name in project.listdir(root, FACILITIES_DIR):
        path = root / FACILITIES_DIR / name
        rel = f"{FACILITIES_DIR}/{name}"
        if rel == SOURCES_FILE or project.is_leftover(name) or (path.is_dir() and path.suffix != ".yaml"):
            continue  # an editor's swap or backup file is nobody's dossier; a folder named like one is not
            # skipped: reading it says what it is (input.not-file)
        if path.suffix != ".yaml":
            advice = ""
            if path.suffix.lower() in (".yml", ".yaml"):
                misspelt.setdefault(path.stem, rel)
                advice = f"; rename it to {path.stem}.yaml"
            findings.append(warning("project.ignored-file", Loc(rel), f"ignored: dossiers end in .yaml{advice}"))
            continue
        present.add(path.stem)
        facility = _read(root, rel, "dossier", read_dossier, findings, cache_dir)
        if facility is not None:  # by its file's name: report.yaml lists files (an id.mismatch is not published)
            dossiers[path.stem] = facility
    if settings is None or sources is None:
        return None, findings
    listed = set()
    # A dossier renamed (winn.yaml to winn-center.yaml) is one the list does not name yet: it is the
    # likelier meaning than a listed one with a similar name ('irwin').
    unnamed = sorted(present - {facility_id for facility_id, _ in settings.facility_order})
    ids = (schema.subschema("dossier", ("id",)) or {}).get("pattern", "")
    for facility_id, loc in settings.facility_order:
        listed.add(facility_id)
        taken = project.reserved_id(facility_id, model.SOURCE_LANGUAGE)
        if facility_id not in present and taken is not None:
            # `sources` names facilities/sources.yaml, which is there: "no dossier" would be false.
            findings.append(error("id.reserved", loc, reserved_message(facility_id, taken)))
        elif facility_id not in present:
            # Only a file name that is an id is one the list can name: `LaSalle.yaml` is to be renamed.
            valid = [stem for stem in unnamed if re.fullmatch(ids, stem)]
            meant = did_you_mean(facility_id, valid, cutoff=0.5) or did_you_mean(
                facility_id, sorted(stem for stem in present if re.fullmatch(ids, stem))
            )
            misnamed = sorted(stem for stem in unnamed if not re.fullmatch(ids, stem) and stem.lower() == facility_id)
            if misnamed and not meant:
                meant = f"; rename '{FACILITIES_DIR}/{misnamed[0]}.yaml' to '{FACILITIES_DIR}/{facility_id}.yaml'"
            if facility_id in misspelt:  # the file is there, with another ending: that is the mistake
                meant = f"; {misspelt[facility_id]} is there: rename it to .yaml"
            findings.append(
                error(
                    "report.unknown-facility",
                    loc,
                    f"no dossier '{FACILITIES_DIR}/{facility_id}.yaml' for facility '{facility_id}'" + meant,
                )
            )
    for facility_id in sorted(present - listed):
        findings.append(
            warning(
                "report.unlisted-facility",
                Loc(f"{FACILITIES_DIR}/{facility_id}.yaml", 1, 1),
                f"'{facility_id}' is not in the facilities list of {REPORT_FILE}, so it is not published",
            )
        )
    ordered = tuple(dossiers[f] for f, _ in settings.facility_order if f in dossiers)
    unlisted = tuple(dossiers[f] for f in sorted(set(dossiers) - listed))
    edition = Edition(root, settings, sources.sources, ordered, sources.broken, sources.lines, unlisted)
    return _lettered(edition), findings


def unloaded_settings(root: Path) -> tuple[str, ...]:
    """Return which of report.yaml and facilities/sources.yaml give no record (`load_edition` gave
    no edition): their errors stop them loading (read again from the cache `load_edition` filled)."""
    readers = ((REPORT_FILE, "report", read_settings), (SOURCES_FILE, "sources", read_sources))
    cache_dir = root / project.CACHE_DIR
    return tuple(rel for rel, kind, reader in readers if _read(root, rel, kind, reader, [], cache_dir) is None)


def _lettered(edition: Edition) -> Edition:
    """Return the edition with each cited source's note letter ('2022a'), given among the sources it cites.

    The letters tell apart the sources the notes and the bibliography print; a source nothing
    cites is printed nowhere, so it takes no letter and moves no other source's.
    """
    cited = edition.cited_ids()
    locales = [language.locale for language in edition.settings.editions]
    letters = model.note_letters((s for s in edition.sources.values() if s.id in cited), model.known_locales(locales))
    sources = {i: dataclasses.replace(s, note_letter=letters.get(i, "")) for i, s in edition.sources.items()}
    return dataclasses.replace(edition, sources=sources)


def _read(root: Path, rel: str, kind: str, reader: Callable, findings: list[Finding], cache_dir: Path | None) -> Any:
    """Return the record `reader` makes of a file of `kind`, from the cache when the bytes are known."""
    raw, refused = read_input(root, rel, kind)
    if refused is not None:
        findings.append(refused)
        return None
    if raw is None:
        findings.append(error("project.missing-file", Loc(rel), f"{rel} not found"))
        return None
    key = cache.key_of(cache.fingerprint(__name__), rel, raw)
    record, found = cache.memoize_shared(cache_dir, "load", key, reader, raw, rel)
    findings.extend(found)
    return record


def read_dossier(raw: bytes, rel: str) -> tuple[Facility | None, list[Finding]]:
    """Return the facility in one dossier file, or None, and the findings."""
    doc, findings = _validated(raw, rel, "dossier")
    if doc is None:
        return None, findings
    stem = Path(rel).stem
    data = doc.data
    if data["id"] != stem:
        findings.append(
            error(
                "id.mismatch",
                doc.loc(("id",)),
                f"id '{data['id']}' does not match the file name '{Path(rel).name}'; rename the file or change the id"
                if re.fullmatch((schema.subschema("dossier", ("id",)) or {}).get("pattern", ""), stem)
                else f"id '{data['id']}' does not match the file name '{Path(rel).name}'; rename the file"
                f" '{data['id']}.yaml' (a file name is an id: lower-case letters, digits and single hyphens)",
            )
        )
    taken = project.reserved_id(data["id"], model.SOURCE_LANGUAGE)  # named alike in every language's folder
    if taken is not None:
        findings.append(error("id.reserved", doc.loc(("id",)), reserved_message(data["id"], taken)))
    return _RecordBuilder(doc, "dossier", stem, data["name"], findings).record(Facility, ()), findings


def dossier_texts(raw: bytes, rel: str) -> tuple[Text, ...] | None:
    """Return the prose of a dossier as far as its YAML reads, whatever its schema and date errors
    (None if it does not parse into a mapping): the `texts()` its `Facility` would have.

    A dossier with such errors yields no record, but translation coverage still counts its
    strings: every `x-translatable` value that is text, with the context and place the record
    would give it, in file order.
    """
    doc, _findings = parse(raw, rel, "dossier")
    if doc is None or not isinstance(doc.data, dict):
        return None
    builder = _RecordBuilder(doc, "dossier", Path(rel).stem, str(doc.data.get("name")), [])
    paths = [path for path, _value in _strings(doc.data, ()) if schema.is_translatable("dossier", path)]
    return tuple(sorted((builder.text(path) for path in paths), key=lambda t: (t.loc.line, t.loc.col)))


def reserved_message(facility_id: str, taken: str) -> str:
    """Return what `check` says of a facility id the report uses for something else (`project.reserved_id`)."""
    return f"id '{facility_id}' is a name the report uses for something else ({taken}): choose another id"


@dataclasses.dataclass(frozen=True)
class Sources:
    """The well-formed sources by id, in file order, and the ids of entries too broken to load."""

    sources: dict[str, Source]
    broken: frozenset[str] = frozenset()
    lines: tuple[tuple[str, int, int], ...] = ()
    """(id, first line, last line) of every entry with an id, broken ones included."""


def read_sources(raw: bytes, rel: str) -> tuple[Sources | None, list[Finding]]:
    """Return the well-formed sources by id, in file order, or None, and the findings.

    A source with schema errors is left out, so the others can still be checked.
    """
    doc, findings = parse(raw, rel, "sources")
    if doc is None:
        return None, findings
    findings.extend(_schema_findings(doc, "sources"))
    findings = _but_comments_after_dates(doc, "sources", findings)
    findings = _comments_in_prose(doc, "sources", findings)
    findings.extend(_date_findings(doc, "sources", findings))
    findings.extend(_markup_findings(doc))
    findings.extend(_entity_findings(doc, "sources"))
    findings.extend(_marker_findings(doc, "sources"))
    findings.extend(_hidden_findings(doc))
    items = doc.data.get("sources") if isinstance(doc.data, dict) else None
    if not isinstance(items, list):
        return None, findings
    bad = {f.loc for f in findings if f.level == "error"}  # a warning does not make a source unusable
    builder = _RecordBuilder(doc, "sources", "sources", "Bibliography", findings)
    sources: dict[str, Source] = {}
    broken: set[str] = set()
    lines = []
    for i, item in enumerate(items):
        path = ("sources", i)
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            start, text = doc.source(path)
            lines.append((item["id"], doc.loc_at(start).line, doc.loc_at(start + len(text)).line))
        if not isinstance(item, dict) or any(_within(doc, path, loc) for loc in bad):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                broken.add(item["id"])
            continue
        source = builder.record(Source, path)
        if source.id in sources:
            first = sources[source.id].loc.line
            findings.append(
                error(
                    "cite.duplicate-id",
                    doc.loc(path + ("id",)),
                    f"source id '{source.id}' is defined twice (first at line {first})",
                )
            )
            continue
        sources[source.id] = source
    return Sources(sources, frozenset(broken), tuple(lines)), findings


def read_settings(raw: bytes, rel: str) -> tuple[ReportSettings | None, list[Finding]]:
    """Return the report settings, or None, and the findings."""
    doc, findings = _validated(raw, rel, "report")
    if doc is None:
        return None, findings
    settings = _RecordBuilder(doc, "report", "report", "Report", findings).record(ReportSettings, ())
    findings += _language_findings(settings)
    if _blocking(findings):
        return None, findings
    return settings, findings


def _language_findings(settings: ReportSettings) -> list[Finding]:
    """Return a finding for a language listed twice, and for a locale Babel lacks or of another language."""
    out: list[Finding] = []
    seen: dict[str, int] = {}
    for language in settings.editions:
        if language.code in seen:
            out.append(
                error(
                    "report.duplicate-language",
                    language.code_loc,
                    f"language '{language.code}' is already listed (line {seen[language.code]})",
                )
            )
            continue
        seen[language.code] = language.code_loc.line
        try:
            code = Locale.parse(language.code)
        except (ValueError, UnknownLocaleError):
            out.append(error("report.locale", language.code_loc, f"Babel has no language '{language.code}'"))
            continue
        likely = str(get_global("likely_subtags").get(code.language, f"{code.language}_US")).split("_")
        example = f"{likely[0]}_{likely[-1]}"
        try:
            locale = Locale.parse(language.locale)
        except (ValueError, UnknownLocaleError):
            out.append(
                error(
                    "report.locale",
                    language.locale_loc,
                    f"Babel has no locale '{language.locale}'; use '{code.language}_' and a region it knows,"
                    f" like '{example}'",
                )
            )
            continue
        if locale.language != code.language:
            out.append(
                error(
                    "report.locale",
                    language.locale_loc,
                    f"'{language.locale}' is not a locale of '{language.code}', so its numbers and dates would"
                    f" follow another language; use '{code.language}_' and the readers' region, like '{example}'",
                )
            )
        elif code.character_order == "right-to-left":
            # The layouts set no `dir` and mirror nothing: the pages and PDFs would run left to right.
            out.append(
                error(
                    "report.locale",
                    language.code_loc,
                    f"'{language.code}' is written right to left, and the site and PDF layouts are left to right"
                    ' only (no dir="rtl", no mirrored pages); leave it out of languages until they support it',
                )
            )
    return out


def _blocking(findings: list[Finding]) -> bool:
    """Return True if an error leaves a file unfit for records.

    A list item given twice does not: the builder keeps the first, so the rest of the edition
    is still checked.
    """
    return any(f.level == "error" and f.code != "schema.duplicate-item" for f in findings)


def _within(doc: YamlDoc, path: tuple[Any, ...], loc: Loc) -> bool:
    """Return True if `loc` falls inside the YAML node at `path`."""
    start, text = doc.source(path)
    first, last = doc.loc_at(start), doc.loc_at(start + len(text))
    return loc.path == doc.path and (first.line, first.col) <= (loc.line, loc.col) <= (last.line, last.col)


TODO = "TODO"
"""The placeholder `new` writes where only a source can give the value; `check` lists each one."""
_TODO_RE = re.compile(rf"\b{TODO}\b")
"""The placeholder as a word anywhere in a value: `TODO (check)`, `TODO CHECK` and `TODO A fictional…`
are still placeholders, and would be published as they are. The Spanish "todo" is a word, not a placeholder."""


def _in_english(kind: str, data: Any, path: tuple[Any, ...]) -> bool:
    """Return True if the value at `path` is written in English, as everything the editors write is.
    A source's title as published is in the source's `lang` (a descriptive title is the editors' own)."""
    if kind != "sources" or path[-1:] != ("title",) or len(path) != 3:
        return True
    entry = _at(data, path[:-1])
    return not isinstance(entry, dict) or entry.get("lang", "en") == "en" or entry.get("title_status") == "descriptive"


def _is_todo(kind: str, data: Any, path: tuple[Any, ...], value: str) -> bool:
    """Return True if `value` holds the TODO placeholder: the word TODO, in capitals, anywhere in a text
    in English. In a web address only the whole value is one (`…/2021/03/TODO-list` is a page's
    path), and in a text in another language TODO is a word (`Adelanto: TODO lo que hay que saber`,
    a Spanish headline), unless it is all the text says."""
    if not _TODO_RE.search(value):
        return False
    if schema.keyword(kind, path, "x-url"):
        return value.strip() == TODO
    return _in_english(kind, data, path) or not any(c.isalpha() for c in _TODO_RE.sub("", value))


def _todo_form(kind: str, path: tuple[Any, ...]) -> str:
    """Return what a TODO field's value must look like, for its message: the values its schema
    allows (`enum`), or a date's forms (its `x-hint`); nothing for free text."""
    allowed = schema.keyword(kind, path, "enum")
    if allowed:
        shown = allowed if len(allowed) <= 12 else [*allowed[:3], "…", allowed[-1]]
        return f", one of {', '.join(map(str, shown))}" + (f" ({len(allowed)} values)" if len(allowed) > 12 else "")
    hint = schema.keyword(kind, path, "x-hint") if schema.keyword(kind, path, "x-date") else None
    return f", as {hint.removeprefix('write ')}" if hint else ""


def _schema_findings(doc: YamlDoc, kind: str) -> list[Finding]:
    """Return a `todo` error for each value that holds the TODO placeholder, and the schema's findings
    about the other values."""
    todo = [path for path, value in _strings(doc.data, ()) if _is_todo(kind, doc.data, path, value)]
    findings = [
        error(
            "todo",
            doc.loc(path),
            f"{_field_name(path)} is still TODO: write what a source says{_todo_form(kind, path)}",
        )
        for path in todo
    ]
    # A date the calendar does not have is the calendar check's (`_date_findings`), which says
    # which part does not exist; the schema's `x-calendar` pattern refuses it in editors.
    errors = [err for err in schema.validator(kind).iter_errors(doc.data) if not _calendar_only(err)]
    # The web address an editor refuses by its `pattern` gets `url_problem`'s finding, which says
    # what is wrong. A URL with a form of its own (`base_url`) that breaks it gets one finding, its form's hint.
    url_form = schema.raw("defs")["$defs"]["url"]["pattern"]
    urled = {tuple(err.absolute_path) for err in errors if err.validator == "x-url"}
    errors = [
        err
        for err in errors
        if not (err.validator == "pattern" and err.validator_value == url_form and tuple(err.absolute_path) in urled)
    ]
    patterned = {tuple(err.absolute_path) for err in errors if err.validator == "pattern"}
    # A text that is empty, or prints nothing, says nothing either: one finding, that it is empty.
    short = {tuple(err.absolute_path) for err in errors if err.validator == "minLength"}
    # A key indented into the mapping beside the one it belongs to is one finding, where it stands:
    # not also a key missing from the mapping it belongs to.
    moved = frozenset(
        (found[0], key)
        for err in errors
        if err.validator == "additionalProperties" and isinstance(err.instance, dict)
        for key in err.instance
        if (found := _misplaced(doc, kind, tuple(err.absolute_path), key)) is not None
    )
    for err in errors:
        path = tuple(err.absolute_path)
        if path in todo or (err.validator == "x-url" and path in patterned):  # a TODO is not yet wrong
            continue
        if err.validator == "pattern" and path in short:
            continue
        findings.extend(schema_findings(doc, kind, err, moved))
    return findings


def _calendar_only(err: ValidationError) -> bool:
    """Return True for a schema error that only says a date is not in the calendar (`x-calendar`):
    its own, or a `oneOf` (a source's date, or `undated`) whose date branch fails only so."""
    if isinstance(err.schema, Mapping) and err.schema.get("x-calendar"):
        return True
    if err.validator != "oneOf":
        return False
    branches: dict[Any, list[ValidationError]] = {}
    for sub in err.context or ():
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    return any(all(_calendar_only(sub) for sub in subs) for subs in branches.values())


def _validated(raw: bytes, rel: str, kind: str) -> tuple[YamlDoc | None, list[Finding]]:
    doc, findings = parse(raw, rel, kind)
    if doc is None:
        return None, findings
    if not isinstance(doc.data, dict):
        findings.append(error("schema.type", doc.loc(()), f"{rel} must be a mapping of keys to values"))
        return None, findings
    findings.extend(_schema_findings(doc, kind))
    findings = _but_comments_after_dates(doc, kind, findings)
    findings = _comments_in_prose(doc, kind, findings)
    findings.extend(_date_findings(doc, kind, findings))
    findings.extend(_markup_findings(doc))
    findings.extend(_entity_findings(doc, kind))
    findings.extend(_marker_findings(doc, kind))
    findings.extend(_hidden_findings(doc))
    if _blocking(findings):
        return None, findings
    return doc, findings


_MARKUP_RE = re.compile(
    r"</?[A-Za-z][A-Za-z0-9-]*|<!--|@import|\b(?:expression|url)\(|\{[^{}:]*:[^{}]*\}",
    re.IGNORECASE,
)
"""HTML tags and comments, and CSS or script: never part of a dossier's plain text.

CSS's `url(` and `expression(` are functions only with the parenthesis right after the name:
"its URL (since removed)" and "freedom of expression (see …)" are English. A rule's braces are
matched up to its first colon, then to the brace: the same rules as with `[^{}]*:` but in one
pass, since `[^{}]*:[^{}]*` tries every colon of an unclosed `{::::…` and took minutes on a long one.
"""


def _markup_findings(doc: YamlDoc) -> list[Finding]:
    """Return a finding for each text value that holds HTML, CSS or script code.

    The templates escape every value, so such code would only ever be printed, never run; but
    it is pasted or hostile, not something a reader should see.
    """
    out = []
    for path, value in _strings(doc.data, ()):
        found = _MARKUP_RE.search(value)
        if found is None:
            continue
        start, source = doc.source(path)
        in_source = _MARKUP_RE.search(source)
        loc = doc.loc_at(start + in_source.start()) if in_source else doc.loc(path)
        out.append(
            error(
                "text.markup",
                loc,
                f"text contains code ('{found.group(0)}'); write plain text:"
                " HTML, CSS and scripts are printed as they are, never run",
            )
        )
    return out


def _entity_findings(doc: YamlDoc, kind: str) -> list[Finding]:
    """Return a `text.entity` error for each HTML character reference (`&nbsp;`, `&amp;`, `&#8212;`)
    in a printed text, saying what to type instead.

    The values are text, never HTML: the templates escape them, so `&nbsp;` prints as typed in
    the PDF and on the site. The rule is the translations' (`i18n.entity`), one pattern for both
    (`textfile.character_references`): "Smith & Co" and "AT&T" hold none. An address (`x-url`)
    is no text, and an editor's note (`x-unprinted`) is never printed.
    """
    out = []
    for path, value in _strings(doc.data, ()):
        if "&" not in value or schema.unknown_key(kind, path):
            continue
        if schema.keyword(kind, path, "x-url") or schema.keyword(kind, path, "x-unprinted"):
            continue
        for reference in dict.fromkeys(found for _, found in character_references(value)):
            start, source = doc.source(path)
            at = source.find(reference)
            loc = doc.loc_at(start + at) if at >= 0 else doc.loc(path)
            out.append(
                error(
                    "text.entity",
                    loc,
                    f"{_field_name(path)} has the character reference '{reference}', which prints as typed:"
                    f" {reference_advice(reference)}",
                )
            )
    return out


def _marker_findings(doc: YamlDoc, kind: str) -> list[Finding]:
    """Return a `cite.malformed` error for each `[@...` that is not a whole `[@source-id]` marker,
    and for each whole one in a field that is not prose (its schema has no `x-max-citations`),
    saying where to cite instead (its `x-cite-instead`, if the schema says).

    Only a whole marker in prose becomes a footnote; anything else that opens like one would be
    printed as it is, and the claim would go out without its source.
    """
    out = []
    for path, value in _strings(doc.data, ()):
        if schema.unknown_key(kind, path):
            continue  # not a field: its key is reported unknown, and it is never printed
        if schema.keyword(kind, path, "type") in ("object", "array"):
            continue  # not text where a mapping or list belongs (`campaign:` then `summary A…`): schema.type says so
        after, located = 0, None
        if "[" in value and CITE_RE.findall(value) != CITE_RE.findall(doc.source(path)[1]):
            out.append(
                error(
                    "cite.malformed",
                    doc.loc(path),
                    "a citation marker here is written with a YAML escape (such as \\x5B for '['), so the"
                    " notes would not follow it: write each [@source-id] as plain characters",
                )
            )
            continue
        for found in MARKER_LIKE_RE.finditer(value):
            marker = found.group(0)
            if CITE_RE.fullmatch(marker):
                if schema.keyword(kind, path, "x-max-citations") is not None:
                    continue
                instead = schema.keyword(kind, path, "x-cite-instead") or "cite in the prose or in its `sources`"
                hint = f"this field is printed as written, with no notes; {instead}"
            else:
                hint = model.marker_hint(marker)
            located = located or doc.source(path)  # only for a value that has a marker, once
            start, source = located
            at = source.find(marker, after)
            after = at + 1 if at >= 0 else after
            loc = doc.loc_at(start + at) if at >= 0 else doc.loc(path)
            out.append(error("cite.malformed", loc, f"'{visible_spaces(marker)}' is not a citation marker: {hint}"))
    return out


def _hidden_findings(doc: YamlDoc) -> list[Finding]:
    """Return a finding for each bidi override, zero-width or other invisible character in a text value.

    They make the PDF and the site print something other than what the YAML reads (see
    `textfile.hidden_characters`); the finding points at the character when it is written as
    itself, at the value when it is written as an escape.
    """
    out = []
    for path, value in _strings(doc.data, ()):
        for index, what in hidden_characters(value):
            start, source = doc.source(path)
            at = source.find(value[index])
            loc = doc.loc_at(start + at) if at >= 0 else doc.loc(path)
            out.append(error("text.invisible", loc, f"{_field_name(path)} contains {what}"))
    return out


def located_characters(raw: bytes, rel: str, kind: str, wanted: Callable[[str], bool]) -> list[tuple[str, str, Loc]]:
    """Return (character, field, where) for the first of each `wanted` character in each printed
    value of a YAML file of `kind` (not one the schema marks `x-unprinted`, an editor's note).

    Located as `_hidden_findings` locates a character: at itself when it is written as itself,
    at the value when it is written as an escape. Keys and comments are never printed, and are
    not looked at. A file that does not parse gives nothing: its syntax error says why.
    """
    doc, _ = parse(raw, rel, kind)
    if doc is None:
        return []
    out = []
    for path, value in _strings(doc.data, ()):
        if not any(map(wanted, value)) or schema.keyword(kind, path, "x-unprinted"):
            continue
        for char in dict.fromkeys(c for c in value if wanted(c)):
            start, source = doc.source(path)
            at = source.find(char)
            out.append((char, _field_name(path), doc.loc_at(start + at) if at >= 0 else doc.loc(path)))
    return out


def _strings(value: Any, path: tuple[Any, ...]) -> Iterable[tuple[tuple[Any, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _strings(child, path + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _strings(child, path + (i,))


def _but_comments_after_dates(doc: YamlDoc, kind: str, findings: list[Finding]) -> list[Finding]:
    """Return the findings but the parser's `yaml.comment` warnings right after a date, wherever
    the schema expects one (`date: 2025-03 #approx`): that comment cuts off nothing the writer
    meant to print, as after a number (which the parser leaves alone)."""
    dated = {doc.loc(path).line for path, _ in schema.dates(kind, doc.data)}
    return [f for f in findings if not (f.code == "yaml.comment" and f.loc.line in dated)]


_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)]*\Z")
"""The end of a sentence: its stop, and any closing quotes or bracket after it."""


def _comments_in_prose(doc: YamlDoc, kind: str, findings: list[Finding]) -> list[Finding]:
    """Return the findings and a `yaml.comment` finding for each comment that cuts a text short.

    After an unquoted text, ` # ` ends the value: `name: Sample Processing Center # 2 West Wing`
    prints "Sample Processing Center", `held in pod # 4 for 30 days [@id].` "held in pod". In any
    field it is an error when the comment holds a citation marker (its note, or the writer's belief
    in one, is silently lost), the parser's warning of `#4` included; a warning when what follows
    `# ` is not a letter (a digit, a hyphen, a bracket, a quote, a sign: `# 2 West Wing`, `# -Lopez`,
    `# (West Wing)`, `# №2`, `# “Free them”`, the value's own words more likely than a note), or, in
    the writer's prose, when it cuts a sentence (`note: The # of people ICE could hold.` prints "The":
    `_cut_mid_sentence`), and the text it leaves does not end a sentence. Any other comment that
    starts with a word (`# keep it short`, `# TODO: …`) is a note: left alone. So is any comment after a whole value of a field that could
    not hold the comment's words too (`state: GA  # 2 hours from Atlanta`, `date: 2025-03 #approx`):
    it cuts nothing, and quoting would make the value one the field refuses; one that holds a
    citation marker is still an error, whose advice is to put the note on a line of its own.
    """
    out = list(findings)
    dated = {path for path, _ in schema.dates(kind, doc.data)}
    for path, value in _strings(doc.data, ()):
        cut = doc.comment_after(path)
        if cut is None:
            continue
        loc, comment, wrapped = cut
        markers = MARKER_LIKE_RE.findall(comment)
        whole = path in dated or _whole(kind, path, value, comment)
        continued = comment[1:2] in (" ", "\t") and (
            not comment[1:].lstrip()[:1].isalpha() or _cut_mid_sentence(kind, path, value, comment)
        )
        # a `#4` the parser has reported, a note, a note after a whole sentence or a whole value
        kept = not markers and (not continued or whole or _SENTENCE_END.search(value) is not None)
        if whole or not kept:  # the parser's own warning says too little, or nothing is cut
            out = [f for f in out if not (f.code == "yaml.comment" and f.loc == loc)]
        if kept:
            continue
        lost = f", with its citation {markers[0]}" if len(markers) == 1 else f", with {len(markers)} citations"
        quote = '; if the # belongs to the text, quote the whole value ("…"), or use a block value (>-)'
        out.append(
            (error if markers else warning)(
                "yaml.comment",
                loc,
                f"{cut_short(value, comment, wrapped)}{lost if markers else ''}{'' if whole else quote}"
                + ("; a note that cites a source goes on a line of its own" if markers else ""),
            )
        )
    return out


_CANNOT_END = frozenset(
    {"a", "an", "the", "and", "or", "nor", "of", "than", "its", "their", "our", "your", "my", "every"}
)
"""Words no English sentence or phrase ends with: an article, a conjunction, `of`, a determiner."""


def _cut_mid_sentence(kind: str, path: tuple[Any, ...], value: str, comment: str) -> bool:
    """Return True if a comment that starts with a word cuts a text of the writer's (`x-translatable`)
    in the middle of a sentence: `note: The # of people ICE could hold.` prints "The".

    The text ends with a word no text ends with (`The`, `of`, `and`, `its`); or, in a field of
    sentences (not `x-phrase`: a heading, a role, a keyword need not end with a stop), it does not
    end with a sentence stop: every such text does, so one without it is a sentence the comment cut
    (`text: Inspectors found that medical requests went # unanswered, per the report` prints
    "Inspectors found that medical requests went"). A note after a whole heading or role
    (`heading: Why it matters  # keep it short`) or after a whole sentence is left alone.
    """
    node = schema.subschema(kind, path) or {}
    if not node.get("x-translatable"):
        return False
    words = value.split()
    last = words[-1] if words else ""
    if last in _CANNOT_END or (len(words) == 1 and last.lower() in _CANNOT_END):
        return True
    if node.get("x-phrase"):
        return False
    return not _ends_sentence(value)


_TRAILING_MARKERS = re.compile(r"(?:\s*\[@[^\]]*\])+\s*\Z")


def _ends_sentence(value: str) -> bool:
    """Return True if `value` ends with a sentence stop, before any citation markers after it."""
    return _SENTENCE_END.search(_TRAILING_MARKERS.sub("", value.rstrip())) is not None


def _whole(kind: str, path: tuple[Any, ...], value: str, comment: str) -> bool:
    """Return True if `value` is one its field accepts, and would refuse with the comment's words:
    one of its `enum` values, or text its `pattern` matches (an id, a code) but not with them."""
    node = schema.subschema(kind, path)
    if not node:
        return False
    if "enum" in node:
        return value in node["enum"]
    pattern = node.get("pattern")
    return (
        isinstance(pattern, str)
        and schema.matches(pattern, value)
        and not schema.matches(pattern, f"{value} {comment}")
    )


def _date_findings(doc: YamlDoc, kind: str, found: list[Finding]) -> list[Finding]:
    """Return a finding for every date the calendar does not have, wherever the schema expects one,
    and for every date before the year the schema's `minimum` sets for a date written as a number
    (`date: 19` is refused): `0019-12-06` would print "December 6, 19", which reads as 2019.

    A value with an error in `found` is left alone: the schema has refused its form (a range where
    only one date may be, `2022/2021` in a source's `date`), and that one finding says what to write.
    """
    out: list[Finding] = []
    refused = {f.loc for f in found if f.level == "error"}
    first_year = schema.raw("defs")["$defs"]["date"]["minimum"]  # of a date written as a number: `date: 2019`
    for path, value in schema.dates(kind, doc.data):
        if doc.loc(path) in refused:
            continue
        parsed: list[PartialDate] = []
        for part in str(value).split("/"):
            if part == "undated" or not _DATE_RE.fullmatch(part):
                break  # the schema has already reported the form
            try:
                parsed.append(PartialDate.parse(part))
            except ValueError as exc:
                out.append(error("date.invalid", doc.loc(path), f"impossible date '{value}': {exc}"))
                break
        else:
            early = [part for part in parsed if part.year < first_year]
            if early:
                out.append(
                    error(
                        "date.invalid",
                        doc.loc(path),
                        f"date '{value}' is in the year {early[0].year}, before {first_year}, the earliest a date"
                        f" here may be: write the year's four digits as the source gives them",
                    )
                )
            elif len(parsed) == 2 and parsed[1].latest() < parsed[0].earliest():
                out.append(error("date.order", doc.loc(path), f"date range '{value}' ends before it starts"))
    return out


def _says_something(node: Mapping[str, Any]) -> bool:
    """Return True for a schema node of a text that must say something (`minLength`), or a `oneOf` with one."""
    if isinstance(node.get("minLength"), int) and node["minLength"] > 0:
        return True
    return any(isinstance(b, Mapping) and _says_something(b) for b in node.get("oneOf", ()))


def _empty(field: str, loc: Loc, text: str) -> Finding:
    """Return the `schema.empty` error of a text that is empty or prints nothing, naming what it holds."""
    if not text:
        return error("schema.empty", loc, f"{field} is empty")
    held = [_character_name(c) for c in dict.fromkeys(text)]
    listed = " and ".join(filter(None, (", ".join(held[:-1]), held[-1])))
    verb = "prints" if len(held) == 1 else "print"
    return error("schema.empty", loc, f"{field} is empty: it holds only {listed}, which {verb} nothing")


def schema_findings(
    doc: YamlDoc, kind: str, err: ValidationError, moved: frozenset[tuple[tuple[Any, ...], str]] = frozenset()
) -> list[Finding]:
    """Translate one JSON Schema error into findings a writer can act on, at the value's line.

    The keywords our schemas use get their own wording; any other keyword jsonschema knows
    (a schema tightened later with `maxLength`, `format`, `propertyNames`…) gets a
    `schema.invalid` finding in jsonschema's own words, never an exception. A required key in
    `moved` (the mapping's path, the key) is there, indented into another mapping (`_misplaced`):
    its `schema.unknown-key` finding says where to move it, and it is not said to be missing.
    """
    path = tuple(err.absolute_path)
    field = _field_name(path)
    keyword = err.validator
    keyword_value: Any = err.validator_value  # jsonschema types these as possibly unset: a raised error has them
    described: Mapping[str, Any] = err.schema if isinstance(err.schema, Mapping) else {}
    if keyword == "additionalProperties" and isinstance(err.instance, dict):
        allowed = sorted(described.get("properties", {}))
        out = []
        for key in sorted(set(err.instance) - set(allowed), key=str):
            if (found := _misplaced(doc, kind, path, key)) is not None:
                out.append(error("schema.unknown-key", doc.key_loc(path + (key,)), found[1]))
                continue
            where = f" in {_field_name(path)}" if path else ""
            out.append(
                error(
                    "schema.unknown-key",
                    doc.key_loc(path + (key,)),
                    f"unknown key '{visible_spaces(str(key))}'{where}"  # `category\u00a0:` shows its no-break space
                    + (did_you_mean(key, allowed) or f"; allowed keys: {', '.join(allowed)}"),
                )
            )
        if out:
            return out
    if keyword == "required" and isinstance(err.instance, dict):
        out = []
        # An `if`/`then` names required keys without the properties: take them from the node itself.
        known = described.get("properties") or (schema.subschema(kind, path) or {}).get("properties", {})
        unknown = [k for k in err.instance if k not in known]
        for key in keyword_value:
            if key in err.instance or difflib.get_close_matches(key, unknown, n=1, cutoff=0.6):
                continue  # the unknown-key finding already says "did you mean"
            if (path, key) in moved:
                continue  # the unknown-key finding says where it is, and where to move it
            if key == "sources":
                inline = _inline_ids(kind, path, err.instance)
                out.append(
                    error(
                        "cite.missing",
                        doc.loc(path),
                        f"{field} has no `sources:` list: every claim needs one, even when its text cites inline;"
                        f" add one with the ids it cites, sources: [{', '.join(inline)}]"
                        if inline
                        else f"{field} cites no source: add 'sources' with at least one source id",
                    )
                )
            else:
                out.append(error("schema.required", doc.loc(path), f"{field} is missing the required key '{key}'"))
        return out
    if keyword == "minItems" and path and path[-1] == "sources":
        claim = path[:-1]
        inline = _inline_ids(kind, claim, _at(doc.data, claim))
        return [
            error(
                "cite.missing",
                doc.loc(path),
                f"{_field_name(claim)} has an empty `sources:` list: every claim lists at least one source, even"
                f" when its text cites inline; list the ids it cites, sources: [{', '.join(inline)}]"
                if inline
                else f"{_field_name(claim)} cites no source: list at least one source id",
            )
        ]
    loc = doc.loc(path)
    if keyword == "oneOf" and (spaced := _spaced(err.context)) is not None:
        return schema_findings(doc, kind, spaced)  # a publisher's name, or one name of its list
    if keyword == "pattern" and described.get("x-code") == "text.space" and isinstance(err.instance, str):
        own = (schema.subschema(kind, path) or {}).get("pattern")
        if isinstance(own, str) and own != keyword_value and not schema.matches(own, err.instance):
            return []  # the field's own pattern says what is wrong (a name on two lines)
        if prints_nothing(err.instance):
            return [_empty(field, loc, err.instance)]
        return [
            error(
                "text.space",
                loc,
                f"{field} {_edges(err.instance)}: '{visible_spaces(err.instance)}'; remove it",
            )
        ]
    if keyword == "type":
        expected = keyword_value if isinstance(keyword_value, list) else [keyword_value]
        wanted = " or ".join(_JSON_TYPES.get(str(t), str(t)) for t in expected)
        got = _json_type(err.instance)
        hinted, why = _unquoted(doc, path, err.instance) if "string" in expected else (None, "")
        if expected == ["boolean"] and isinstance(err.instance, str) and err.instance.lower() in _WORDS_OF_YES_OR_NO:
            why = f"; write {_WORDS_OF_YES_OR_NO[err.instance.lower()]}"
        return [error("schema.type", hinted or loc, f"{field}: expected {wanted}, got {got}{why}")]
    if keyword == "enum":
        options = [str(v) for v in keyword_value]
        return [
            error(
                "schema.enum",
                loc,
                f"{field}: '{visible_spaces(str(err.instance))}' is not allowed; use one of: {', '.join(options)}"
                + (f" ({described['x-hint']})" if "x-hint" in described else did_you_mean(str(err.instance), options)),
            )
        ]
    if keyword == "contains":
        hint = described.get("x-hint") or "an item the list must have is missing"
        return [error(described.get("x-code", "schema.invalid"), doc.key_loc(path), f"{field}: {hint}")]
    if keyword == "x-url":
        code = described.get("x-code", "schema.pattern")
        return [error(code, loc, f"{field}: '{err.instance}' is not a valid web address: {err.message}")]
    if keyword in ("pattern", "oneOf") and isinstance(err.instance, str) and prints_nothing(err.instance):
        # A text of spaces where one must say something: the schema's `\S` (or a `oneOf` of such
        # texts, a publisher's name or list) refuses it in editors; `check` says it is empty.
        if _says_something(described):
            return [_empty(field, loc, err.instance)]
    if keyword in ("pattern", "oneOf", "minimum", "maximum", "exclusiveMinimum"):
        node = schema.subschema(kind, path) or {}
        code = node.get("x-code") or ("date.invalid" if node.get("x-date") else "schema.pattern")
        shown = visible_spaces(
            f"[{', '.join(map(str, err.instance))}]" if isinstance(err.instance, list) else str(err.instance)
        )
        hint = node.get("x-hint") or "check the format"
        if path[-2:-1] == ("sources",) and isinstance(err.instance, str) and err.instance.startswith("@"):
            hint = sources_at(err.instance[1:])  # `sources: ["@id"]`, quoted as a syntax error said to
        if code == "schema.empty" and keyword == "pattern":
            return [error(code, loc, f"{field} says nothing: '{shown}'; {hint}")]
        if node.get("x-file-name") and isinstance(err.instance, str):
            hint += _renamed(err.instance, node.get("pattern"))
        return [error(code, loc, f"{field}: '{shown}' is not valid; {hint}")]
    if keyword == "minLength" and isinstance(err.instance, str) and err.instance and not prints_nothing(err.instance):
        return [error("schema.empty", loc, f"{field} says nothing: {_wordless(err.instance)}")]
    if keyword == "minLength" and isinstance(err.instance, str):
        return [_empty(field, loc, err.instance)]
    if keyword == "maxLength" and isinstance(err.instance, str):
        return [
            error(
                "limit.length",
                loc,
                f"{field} is {len(err.instance):,} characters long, more than the {keyword_value:,} a field may have"
                + (f" ({described['x-length-hint']})" if "x-length-hint" in described else "")
                + "; shorten it",
            )
        ]
    if keyword == "maxItems" and isinstance(err.instance, list) and path and path[-1] == "sources":
        return [
            error(
                "limit.citations",
                loc,
                f"{_field_name(path[:-1])} lists {len(err.instance):,} sources, more than the {keyword_value:,}"
                " one claim may cite; keep the ones that support it best",
            )
        ]
    if keyword == "maxItems" and isinstance(err.instance, list):
        return [
            error(
                "limit.items",
                loc,
                f"{field} has {len(err.instance):,} entries, more than the {keyword_value:,} a list may have",
            )
        ]
    if keyword == "x-max-citations" and isinstance(err.instance, str):
        start, source = doc.source(path)
        past = [m.start() for m in CITE_RE.finditer(source)][keyword_value:]
        count = sum(1 for _ in CITE_RE.finditer(err.instance))
        return [
            error(
                "limit.citations",
                doc.loc_at(start + past[0]) if past else loc,
                f"{field} has {count:,} citations, more than the {keyword_value:,} one paragraph may have"
                " (each is a footnote to lay out); cite fewer sources or split the paragraph",
            )
        ]
    if keyword == "uniqueItems" and isinstance(err.instance, list):
        return [_repeated(doc, path, err.instance)]
    if keyword == "minItems":
        count = keyword_value
        return [error("schema.empty", loc, f"{field} needs at least {count} {'entry' if count == 1 else 'entries'}")]
    return [error("schema.invalid", loc, f"{field}: {' '.join(str(err.message).split())}")]


def _misplaced(doc: YamlDoc, kind: str, path: tuple[Any, ...], key: Any) -> tuple[tuple[Any, ...], str] | None:
    """Return the path of the mapping an unknown `key` of the mapping at `path` belongs to, and what
    to do, if its indentation put it in the wrong one: a mapping that allows the key and lacks it.

    Indented too far, a key joins the mapping above it (`  summary:` under `status:`): the mapping
    that holds that one is the nearest that allows it. Indented too little, it leaves the mapping
    it ends (a timeline entry's `sources:` in column 1): the deepest of the mappings that end
    right above it, the last of each one's values, is the one that allows it.
    """
    at = doc.key_loc(path + (key,))
    for depth in range(len(path) - 1, -1, -1):  # too far right: an enclosing mapping
        outer = path[:depth]
        held = _at(doc.data, outer)
        if isinstance(held, dict) and held and _allows(kind, outer, key, held):
            column = doc.key_loc(outer + (next(iter(held)),)).col
            if column < at.col:
                return outer, (
                    f"'{key}' is indented as if it were part of '{_field_name(path)}': move it left to column {column}"
                    + (f", in line with the keys of '{_field_name(outer)}'" if outer else "")
                )
    mapping = _at(doc.data, path)
    keys = list(mapping)
    target, inner = None, path
    if keys.index(key) > 0:  # too far left: a mapping that ends right above it
        inner, held = path + (keys[keys.index(key) - 1],), mapping[keys[keys.index(key) - 1]]
        while True:
            if isinstance(held, list) and held:
                inner, held = inner + (len(held) - 1,), held[-1]
            if not isinstance(held, dict) or not held:
                break
            if _allows(kind, inner, key, held) and doc.key_loc(inner + (next(iter(held)),)).col > at.col:
                target = inner
            last = list(held)[-1]
            inner, held = inner + (last,), held[last]
    if target is None:
        return None
    first = next(iter(_at(doc.data, target)))
    column = doc.key_loc(target + (first,)).col
    where = f"'{_field_name(path)}'" if path else "the file itself"
    return target, (
        f"'{key}' is indented as if it were a key of {where}, not of '{_field_name(target)}' above it:"
        f" move it right to column {column}, in line with '{first}'"
    )


def _allows(kind: str, path: tuple[Any, ...], key: Any, mapping: dict) -> bool:
    """Return True if the schema allows `key` in the mapping at `path`, which does not have it."""
    return key not in mapping and key in (schema.subschema(kind, path) or {}).get("properties", {})


def _wordless(text: str) -> str:
    """Say what a text with no letter or digit holds, and what to write: marks with no letter to sit
    on are named (quoted, a lone accent would sit on the quote), anything else quoted."""
    if all(unicodedata.category(c).startswith("M") or prints_nothing(c) for c in text):
        held = [_character_name(c) for c in dict.fromkeys(text) if not c.isspace()]
        listed = " and ".join(filter(None, (", ".join(held[:-1]), held[-1])))
        marks = "a combining mark" if len(held) == 1 else "combining marks"
        return (
            f"it holds only {listed}, {marks} with no letter to sit on, so it would print a lone accent;"
            " write it in letters"
        )
    return f"'{visible_spaces(text)}' has no letter or digit; write it in words"


def _spaced(errors: Iterable[ValidationError]) -> ValidationError | None:
    """Return the `text.space` error among a `oneOf`'s branch errors, if one of them is one."""
    for err in errors:
        if err.validator == "pattern" and isinstance(err.schema, Mapping) and err.schema.get("x-code") == "text.space":
            return err
        if (found := _spaced(err.context)) is not None:
            return found
    return None


def _edges(text: str) -> str:
    """Return what `text` starts or ends with that is white space: 'ends with a space', 'starts with a tab'."""
    said = []
    for verb, run in (("starts", text[: len(text) - len(text.lstrip())]), ("ends", text[len(text.rstrip()) :])):
        if run:
            first = run[0]
            what = {" ": "a space", "\t": "a tab", "\n": "a line break"}.get(first) or _character_name(first)
            said.append(f"{verb} with {what}")
    return " and ".join(said)


def _character_name(char: str) -> str:
    """Return a character as `U+00A0 NO-BREAK SPACE` (a control, which has no name, as `U+0009`)."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def _renamed(name: str, pattern: Any) -> str:
    """Return the name to give a file whose capitals or spaces alone break `pattern` ('IMG_1234.JPG'), else ''.

    Said whether or not such a file exists: a dossier's findings are cached by its bytes alone.
    """
    lower = re.sub(r"\s+", "-", name.strip().lower())
    if lower == name or not isinstance(pattern, str) or not schema.matches(pattern, lower):
        return ""
    return f"; write '{lower}' here and name the file so"


def _repeated(doc: YamlDoc, path: tuple[Any, ...], items: list[Any]) -> Finding:
    """Return the `schema.duplicate-item` error at the first item that repeats an earlier one, naming both."""
    again = next((i for i, item in enumerate(items) if item in items[:i]), 0)
    first, here = doc.loc(path + (items.index(items[again]),)), doc.loc(path + (again,))
    item = items[again]
    if isinstance(item, dict):  # an entry is named by its id or code, where it has one
        item = item.get("id", item.get("code", item))
    shown = f"'{item}'" if isinstance(item, (str, int, float)) else "the same entry"
    where = f"line {first.line}" if first.line != here.line else f"column {first.col}"
    return error("schema.duplicate-item", here, f"{_field_name(path)} lists {shown} twice (first at {where})")


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    """Return the value at `path` in the parsed document (a schema error's path is always there)."""
    for part in path:
        data = data[part]
    return data


def _inline_ids(kind: str, path: tuple[Any, ...], claim: Any) -> list[str]:
    """Return the ids a claim's prose cites inline as `[@id]`, once each, in order: what its
    `sources:` list must give (an inline citation places a listed source's note; it does not
    replace the list, which the schema requires of every claim)."""
    if not isinstance(claim, dict):
        return []
    ids: dict[str, None] = {}
    for key, value in claim.items():
        if isinstance(value, str) and schema.is_translatable(kind, path + (key,)):
            ids.update(dict.fromkeys(CITE_RE.findall(value)))
    return list(ids)


def _field_name(path: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in path:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{part + 1}]"]
        else:
            parts.append(str(part))
    return ".".join(parts) or "the file"


def _unquoted(doc: YamlDoc, path: tuple[Any, ...], value: Any) -> tuple[Loc | None, str]:
    """Return where to point, and what to add to "expected text", when YAML read an unquoted text
    as something else: true/false (`city: No`), a number (`title: 1984`), or a comment that left
    nothing (`summary: #FreeThemAll Neighbors…`)."""
    start, source = doc.source(path)
    if isinstance(value, bool):
        return None, f': YAML reads true and false as true/false unless quoted; write "{source}"'
    if isinstance(value, (int, float)):
        return None, f': YAML reads {source} as a number unless quoted; write "{source}"'
    if value is not None or source:  # `null` and `~` are nothing as written
        return None, ""
    line_end = doc.text.find("\n", start)
    rest = doc.text[start : line_end if line_end >= 0 else len(doc.text)]
    comment = rest.lstrip(" \t")
    if comment[:1] != "#" or comment[1:2] in ("", " ", "\t"):  # `key: # a note`: nothing was written
        return None, ""
    return (
        doc.loc_at(start + len(rest) - len(comment)),
        ": the value starts with '#', which YAML reads as a comment; put the whole value in quotes (\"…\")",
    )


_WORDS_OF_YES_OR_NO = {"yes": "true", "on": "true", "no": "false", "off": "false"}
"""What YAML 1.1 read as true/false; YAML 1.2, the editors' and ours, reads them as text."""


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "nothing"
    return f"text '{value}'"


@functools.cache
def prose_limit(context: str) -> int:
    """Return the most characters the text of a translation context ('adelanto:summary') may have:
    its field's `maxLength`, or the largest any prose field has if the context names no field.

    The context is read back as `_RecordBuilder.context` writes it: after the file's prefix, the
    keys down to the field, where a list's item is named by its id, or not at all if it has none.
    An item's id that is also a field's name could be either, so every reading is followed and
    the longest limit is taken.
    """
    prefix, _, rest = context.partition(":")
    kind = prefix if prefix in ("report", "sources") else "dossier"
    nodes = [schema.resolve(schema.raw(kind), f"{kind}.schema.json")]
    for name in re.split(r"[.:]", rest):
        following = []
        for node, base in nodes:
            parents = [(node, base)]
            if isinstance(node.get("items"), dict):
                item = schema.resolve(node["items"], base)
                parents.append(item)
                if "id" in item[0].get("properties", {}):
                    following.append(item)  # the name is the item's id
            for parent, where in parents:
                child = parent.get("properties", {}).get(name)
                if isinstance(child, dict):
                    following.append(schema.resolve(child, where))
        nodes = following
    limits = [
        found["maxLength"]
        for node, base in nodes
        for found in (node, schema.resolve(node["items"], base)[0] if isinstance(node.get("items"), dict) else {})
        if isinstance(found.get("maxLength"), int)
    ]
    return max(limits, default=_largest_prose_limit())


@functools.cache
def _largest_prose_limit() -> int:
    """Return the largest `maxLength` of a field the schemas mark `x-translatable`."""

    def limits(node: Any) -> Iterable[int]:
        if isinstance(node, dict):
            if node.get("x-translatable") and isinstance(node.get("maxLength"), int):
                yield node["maxLength"]
            for value in node.values():
                yield from limits(value)
        elif isinstance(node, list):
            for value in node:
                yield from limits(value)

    return max(limit for kind in schema.KINDS for limit in limits(schema.inlined(kind)))


class _RecordBuilder:
    """Turns schema-valid located data into frozen records by walking the record types.

    A record field is filled from the YAML key of the same name, by its type: text and numbers
    as they are, `Text` as located prose with its translation context and translator comment,
    `DateSpan` and `PartialDate` parsed, `tuple[Citation, ...]` from a list of source ids,
    nested records and tuples of records recursively. A few fields are not keys: `loc` (where
    the record is), `<key>_loc` (where a key's value is), `path` (the file), a claim's
    `review` (from `review` and `review_note`). A field's metadata may name its key (`key`)
    or, for a fixed tuple, the keys it is made of (`keys`). So an optional dossier field is a
    line in the schema, one in the model and its place in a template.
    """

    def __init__(self, doc: YamlDoc, kind: str, prefix: str, title: str, findings: list[Finding]):
        self.doc = doc
        self.kind = kind
        self.prefix = prefix
        self.title = title
        self.findings = findings

    def get(self, path: tuple[Any, ...]) -> Any:
        value: Any = self.doc.data
        for part in path:
            if isinstance(value, dict):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return None
        return value

    def record(self, cls: type, path: tuple[Any, ...]) -> Any:
        """Return a `cls` record built from the mapping at `path`."""
        values: dict[str, Any] = {}
        hints = _hints(cls)
        mapping = self.get(path) or {}
        for f in dataclasses.fields(cls):
            key = f.metadata.get("key", f.name)
            typ = hints[f.name]
            if f.name == "loc":
                values[f.name] = self.doc.loc(path)
            elif f.name == "path" and typ is str:
                values[f.name] = self.doc.path
            elif f.name.endswith("_loc") and f.name not in mapping:
                values[f.name] = self.doc.loc(path + (f.name.removesuffix("_loc"),))
            elif (_optional(typ) or typ) is ClaimReview:
                values[f.name] = self.claim_review(path)
            elif f.metadata.get("repeats"):  # every item, a repeat too, where it is written
                items = self.get(path + (key,))
                items = items if isinstance(items, list) else []
                values[f.name] = tuple((item, self.doc.loc(path + (key, i))) for i, item in enumerate(items))
            elif "keys" in f.metadata:
                found = self.get(path + (key,))
                values[f.name] = tuple(found[k] for k in f.metadata["keys"]) if found is not None else None
            else:
                value = self.value(typ, path + (key,))
                required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
                if value is not None or required:
                    values[f.name] = value
        return cls(**values)

    def value(self, typ: Any, path: tuple[Any, ...]) -> Any:
        """Return the value at `path` as type `typ` (None if the key is absent)."""
        raw = self.get(path)
        typ = _optional(typ) or typ
        if raw is None:
            return () if _item_type(typ) is not None else None
        if typ is Text:
            return self.text(path)
        if typ is Note:
            return self.note(path)
        if typ is DateSpan:
            return self.span(path)
        if typ is PartialDate:
            return None if raw == "undated" else PartialDate.parse(str(raw))
        if typ is dt.date:
            return PartialDate.parse(str(raw)).earliest()
        item = _item_type(typ)
        if item is str and isinstance(raw, str):  # one name where a list is allowed: `publisher`
            return (raw,)
        if item is not None:
            unique = schema.keyword(self.kind, path, "uniqueItems")  # a repeated item is reported: keep the first
            indexes = [i for i in range(len(raw)) if not (unique and raw[i] in raw[:i])]
        if item is Citation:
            return tuple(Citation(raw[i], self.doc.loc(path + (i,))) for i in indexes)
        if typing.get_origin(item) is tuple:  # (value, where it is): the report's facility order
            return tuple((raw[i], self.doc.loc(path + (i,))) for i in indexes)
        if item is not None:
            if dataclasses.is_dataclass(item):
                self.item_ids(path)
            return tuple(self.value(item, path + (i,)) for i in indexes)
        if dataclasses.is_dataclass(typ):
            return self.record(typ, path)  # type: ignore[arg-type]
        return bool(raw) if typ is bool else raw

    # -- located values -----------------------------------------------------------------------

    def span(self, path: tuple[Any, ...]) -> DateSpan:
        # The schema and `_date_findings` have already accepted the form and the calendar date.
        first, _, second = str(self.get(path)).partition("/")
        end = PartialDate.parse(second) if second else None
        approximate = bool(self.get(path[:-1] + ("approximate",)))
        return DateSpan(PartialDate.parse(first), end, approximate, self.doc.loc(path))

    def claim_review(self, path: tuple[Any, ...]) -> ClaimReview | None:
        if self.get(path + ("review",)) is None:
            return None
        return ClaimReview(self.doc.loc(path + ("review",)))

    def citations(self, path: tuple[Any, ...]) -> tuple[Citation, ...]:
        """Return the `[@id]` markers in the value at `path`, each at its own line and column."""
        start, raw = self.doc.source(path)
        return tuple(Citation(m.group(1), self.doc.loc_at(start + m.start())) for m in CITE_RE.finditer(raw))

    def note(self, path: tuple[Any, ...]) -> Note:
        """Return an editor's note at `path`, as written, with the sources it names."""
        return Note(str(self.get(path)), self.doc.loc(path), self.citations(path))

    def text(self, path: tuple[Any, ...]) -> Text:
        """Return the prose at `path`, its runs of spaces, tabs and line breaks made one space, as
        every page and PDF prints them: an edit of its spacing alone (a double space, `|` for
        `>-`) changes nothing printed, so it must not send the translation back to English."""
        value = self.get(path)
        if isinstance(value, str):
            value = model.printed(value)
        start, raw = self.doc.source(path)
        found = [m for m in BRACKETED_ID_RE.finditer(raw) if not CITE_RE.fullmatch(m.group(0))]
        found += model.unbracketed(raw)
        bracketed = tuple(
            Bracketed(m.group(0), m.group(1), self.doc.loc_at(start + m.start()))
            for m in sorted(found, key=lambda m: m.start())
        )
        return Text(
            value, self.context(path), self.comment(path, value), self.doc.loc(path), self.citations(path), bracketed
        )

    def context(self, path: tuple[Any, ...]) -> str:
        """Return the gettext context: stable when list items are reordered, because ids are used."""
        parts: list[str] = []
        for i, part in enumerate(path):
            if isinstance(part, int):
                item = self.get(path[: i + 1])
                if isinstance(item, dict) and "id" in item:
                    parts.append(str(item["id"]))
            else:
                parts.append(str(part))
        container, field = parts[:-1], parts[-1]
        return f"{self.prefix}:{'.'.join(container)}:{field}" if container else f"{self.prefix}:{field}"

    def comment(self, path: tuple[Any, ...], value: str) -> str:
        """Return the translator comment: what the field is, from the schema's `x-label` and `x-detail`."""
        names = [p for p in path if isinstance(p, str)]
        containers = [path[: i + 1] for i, p in enumerate(path) if isinstance(p, str)][:-1]
        labels = (schema.keyword(self.kind, prefix, "x-label") for prefix in reversed(containers))
        label = next((found for found in labels if found), None)
        what = label or " ".join(n.replace("_", " ") for n in names[:-1]) or names[-1].replace("_", " ")
        if label or len(names) > 1:
            what += f", {names[-1].replace('_', ' ')}"
        detail = schema.keyword(self.kind, path, "x-detail")
        if detail:
            what += f" ({_Detail().format(detail, **(self.get(path[:-1]) or {}))})"
        note = f"{self.title}: {what}."
        if CITE_RE.search(value):
            note += " Keep each [@source-id] citation marker exactly as it is."
        return note

    def item_ids(self, path: tuple[Any, ...]) -> None:
        seen: dict[str, int] = {}
        for i, item in enumerate(self.get(path) or []):
            item_id = item.get("id") if isinstance(item, dict) else None
            if item_id is None:
                continue
            if item_id in seen:
                self.findings.append(
                    error(
                        "id.duplicate",
                        self.doc.loc(path + (i, "id")),
                        f"{_field_name(path)} already has an entry with id '{item_id}' (line {seen[item_id]});"
                        " ids must be unique because translations are keyed by them",
                    )
                )
            else:
                seen[item_id] = self.doc.loc(path + (i, "id")).line


class _Detail(string.Formatter):
    """Formats `x-detail`: a sibling value as written, or '<key> not reported' when it is absent."""

    def get_value(self, key: Any, args: Any, kwargs: Any) -> Any:
        return kwargs.get(key, f"{key} not reported")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


def _optional(typ: Any) -> Any:
    """Return T for `T | None`, else None."""
    if isinstance(typ, types.UnionType) or typing.get_origin(typ) is typing.Union:
        args = [a for a in typing.get_args(typ) if a is not type(None)]
        return args[0] if len(args) == 1 else None
    return None


def _item_type(typ: Any) -> Any:
    """Return T for `tuple[T, ...]`, else None."""
    args = typing.get_args(typ) if typing.get_origin(typ) is tuple else ()
    return args[0] if len(args) == 2 and args[1] is Ellipsis else None
