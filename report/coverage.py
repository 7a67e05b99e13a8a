"""Translation coverage and consistency: what `check` says about each language's catalog.

For every language but the source one, `check_translations` counts translated, fuzzy,
untranslated and obsolete messages (in total, for the templates, for report.yaml and for each
facility, grouped by gettext context) and reports, as findings:

- `i18n.untranslated`, `i18n.fuzzy` (warnings; errors with `--release`): one per catalog entry.
- `i18n.placeholder` (error): `%(name)s` placeholders that do not match the English (Babel's
  `python_format` checker, plus placeholders a translation drops); `i18n.plural` (error): the
  wrong number of plural forms (Babel's `num_plurals` checker).
- `i18n.markup` (error): HTML tags that differ from the English.
- `i18n.citations` (error): `[@id]` markers that differ from the English, like Sphinx's
  `i18n.inconsistent_references`.
- `i18n.stale` (warning; error with `--release`): the catalog and `i18n/messages.pot` disagree
  (run `update`), or the .pot no longer matches the content and templates (run `extract`).

Counts are those of `msgfmt --statistics` (the header and `#~` entries are not messages; an
entry whose first msgstr is empty is untranslated even if fuzzy) with one deliberate
difference: a plural entry with any empty form is untranslated, because the build falls back
to English for it, while msgfmt only looks at the first form.

Parsing a catalog is the slow part, so each parsed catalog (and the template strings of
`layouts/`) is kept under `.cache/i18n/`, keyed by the bytes it was read from. The dossier prose
is compared with the .pot through the loaded edition's texts, without a second extraction.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable

from babel import Locale
from babel.messages.catalog import Catalog, Message, TranslationError
from babel.messages.checkers import num_plurals, python_format
from babel.messages.pofile import PoFileParser

from .extract import previous_msgid
from .findings import Finding, Loc, error, warning
from .localize import TEMPLATE_FILE, catalog_path
from .model import CITE_RE, Edition

RELEASE_CODES = ("i18n.untranslated", "i18n.fuzzy", "i18n.stale")
"""Translation warnings that `--release` turns into errors."""

MAPPING_FILE = "i18n/babel.cfg"
REPORT_PATH = "report.yaml"
CACHE_SUBDIR = "i18n"
TEMPLATES = "templates"
REPORT = "report"
_CONTENT_METHODS = ("first_ten_yaml", "report.extract:extract_yaml")
"""Babel methods that extract content prose: compared through the loaded edition instead."""

_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^<>]*>")
_NAMED_RE = re.compile(r"%\(([^)]+)\)[-#0 +]*\d*(?:\.\d+)?[hlL]?[diouxXeEfFgGcrs]")


# -- records ---------------------------------------------------------------------------------------


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
    previous: str | None = None
    files: tuple[str, ...] = ()
    problems: tuple[tuple[str, str], ...] = ()
    """(code, message) for placeholder, plural, markup and citation mistakes."""

    @property
    def key(self) -> tuple[str | None, str]:
        """Return (context, msgid): how the build looks the message up."""
        return (self.context, self.msgid)

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
    def group(self) -> str:
        """Return 'templates', 'report' or the facility id the message belongs to."""
        if self.context is None:
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
    digest: str
    problems: tuple[tuple[int, str, str], ...] = ()
    """(line, code, message) for what Babel's parser could not take in."""

    def active(self) -> list[CatalogEntry]:
        """Return the entries that are not obsolete."""
        return [e for e in self.entries if not e.obsolete]


@dataclass
class Counts:
    """How many messages are translated, fuzzy, untranslated and obsolete."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0

    @classmethod
    def of(cls, entries: Iterable[CatalogEntry]) -> Counts:
        """Return the counts of these entries."""
        counts = cls()
        for entry in entries:
            counts.add(entry.state)
        return counts

    def add(self, state: str) -> None:
        """Count one more entry in this state."""
        setattr(self, state, getattr(self, state) + 1)

    @property
    def messages(self) -> int:
        """Return the number of active messages (obsolete ones are not messages)."""
        return self.translated + self.fuzzy + self.untranslated

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
            "obsolete": self.obsolete,
            "percent": self.percent,
        }


@dataclass(frozen=True)
class Group:
    """The coverage of one part of the catalog: the templates, report.yaml or a facility."""

    key: str
    title: str
    counts: Counts
    pending: tuple[CatalogEntry, ...]
    """Untranslated and fuzzy entries, in catalog order."""


@dataclass(frozen=True)
class LanguageCoverage:
    """One language's catalog: totals and groups (templates, report, facilities in chapter order)."""

    lang: str
    name: str
    path: str
    total: Counts
    groups: tuple[Group, ...]

    def as_dict(self) -> dict[str, Any]:
        """Return the coverage as JSON-ready data."""
        parts = {g.key: g.counts.as_dict() for g in self.groups}
        return {
            "name": self.name,
            "catalog": self.path,
            "total": self.total.as_dict(),
            TEMPLATES: parts.pop(TEMPLATES, Counts().as_dict()),
            REPORT: parts.pop(REPORT, Counts().as_dict()),
            "facilities": parts,
        }


# -- the check -------------------------------------------------------------------------------------


def check_translations(
    root: Path, edition: Edition, cache_dir: Path | None = None
) -> tuple[list[Finding], dict[str, LanguageCoverage]]:
    """Return the translation findings and the coverage of every language but the source one.

    A language without a catalog is left out (`gather` reports it as `i18n.missing-catalog`).
    """
    settings = edition.settings
    languages = [lang for lang in settings.languages if lang != settings.source_language]
    if not languages:
        return [], {}
    cache = cache_dir / CACHE_SUBDIR if cache_dir is not None else None
    findings: list[Finding] = []
    template = read_catalog(root, TEMPLATE_FILE, None, cache)
    if template is None:
        findings.append(
            warning("i18n.stale", Loc(TEMPLATE_FILE), f"{TEMPLATE_FILE} not found; run: python build.py extract")
        )
    else:
        findings += check_template(root, edition, template, cache)
    coverage = {}
    for lang in languages:
        catalog = read_catalog(root, catalog_path(lang), lang, cache)
        if catalog is None:
            continue
        findings += check_catalog(catalog)
        if template is not None:
            findings += check_sync(catalog, template)
        coverage[lang] = language_coverage(lang, catalog, edition)
    return findings, coverage


def check_catalog(catalog: ParsedCatalog) -> list[Finding]:
    """Return the untranslated, fuzzy and consistency findings for a language catalog."""
    findings = [error(code, Loc(catalog.path, line, 1), message) for line, code, message in catalog.problems]
    for entry in catalog.active():
        loc = Loc(catalog.path, entry.line, 1)
        state = entry.state
        if state == "untranslated":
            findings.append(warning("i18n.untranslated", loc, f"not translated: '{brief(entry.msgid)}'"))
        elif state == "fuzzy":
            why = " (the English changed since it was translated)" if entry.previous is not None else ""
            findings.append(
                warning(
                    "i18n.fuzzy",
                    loc,
                    f"fuzzy{why}: check the translation of '{brief(entry.msgid)}', then remove the fuzzy flag",
                )
            )
        for code, message in entry.problems:
            findings.append(error(code, loc, message))
    return findings


def check_sync(catalog: ParsedCatalog, template: ParsedCatalog) -> list[Finding]:
    """Return `i18n.stale` findings when a catalog and the .pot hold different messages."""
    wanted = {e.key: e for e in template.active()}
    present = {e.key: e for e in catalog.active()}
    findings = []
    missing = [e for key, e in wanted.items() if key not in present]
    if missing:
        findings.append(
            warning(
                "i18n.stale",
                Loc(catalog.path),
                f"{_count(len(missing), 'message')} of {TEMPLATE_FILE} {'is' if len(missing) == 1 else 'are'}"
                f" not in this catalog (first: '{brief(missing[0].msgid)}'); run: python build.py update",
            )
        )
    extra = [e for key, e in present.items() if key not in wanted]
    if extra:
        more = f" (and {_count(len(extra) - 1, 'more message')})" if len(extra) > 1 else ""
        findings.append(
            warning(
                "i18n.stale",
                Loc(catalog.path, extra[0].line, 1),
                f"'{brief(extra[0].msgid)}'{more} is no longer in {TEMPLATE_FILE}; run: python build.py update",
            )
        )
    return findings


def check_template(root: Path, edition: Edition, template: ParsedCatalog, cache: Path | None = None) -> list[Finding]:
    """Return `i18n.stale` findings, one per file, where the .pot no longer matches the content or templates.

    The current messages are the loaded edition's texts and the template strings of the
    files babel.cfg maps to a non-content extractor. A .pot message is only judged when it
    comes from a file we know the current messages of (report.yaml, a published dossier, a
    template) or from a file that no longer exists.
    """
    current: dict[tuple[str | None, str], Loc] = {}
    for text in edition.settings.texts():
        current.setdefault((text.context, text.value), text.loc)
    for facility in edition.facilities:
        for text in facility.texts():
            current.setdefault((text.context, text.value), text.loc)
    template_strings, layouts = template_messages(root, cache)
    for key, loc in template_strings.items():
        current.setdefault(key, loc)
    known = {REPORT_PATH, *(f.path for f in edition.facilities), *layouts}

    added: dict[str, list[Loc]] = {}
    removed: Counter[str] = Counter()
    in_template = set()
    for entry in template.active():
        in_template.add(entry.key)
        if entry.key in current:
            continue
        judged = [f for f in entry.files if f in known or not (root / f).exists()]
        if judged:
            removed[judged[0]] += 1
    for key, loc in current.items():
        if key not in in_template:
            added.setdefault(loc.path, []).append(loc)

    findings = []
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
                f"{TEMPLATE_FILE} is out of date for this file ({', '.join(parts)}); run: python build.py extract",
            )
        )
    return findings


def language_coverage(lang: str, catalog: ParsedCatalog, edition: Edition) -> LanguageCoverage:
    """Return the counts of a catalog in total and per group, with each group's pending entries."""
    total = Counts()
    counts: dict[str, Counts] = {}
    pending: dict[str, list[CatalogEntry]] = {}
    for entry in catalog.entries:
        state = entry.state
        total.add(state)
        counts.setdefault(entry.group, Counts()).add(state)
        if state in ("untranslated", "fuzzy"):
            pending.setdefault(entry.group, []).append(entry)
    names = {f.id: f.name for f in edition.facilities}
    order = [TEMPLATES, REPORT, *names]
    order += sorted(set(counts) - set(order))
    titles = {TEMPLATES: "Templates", REPORT: "Report (report.yaml)", **names}
    groups = tuple(
        Group(key, titles.get(key, key), counts.get(key, Counts()), tuple(pending.get(key, ()))) for key in order
    )
    return LanguageCoverage(lang, Locale.parse(lang).english_name or lang, catalog.path, total, groups)


def coverage_table(coverage: LanguageCoverage) -> str:
    """Return the coverage of one language as a plain-text table."""
    header = ("part", "translated", "fuzzy", "untranslated", "obsolete", "percent")
    rows = [("total", coverage.total)] + [(g.key, g.counts) for g in coverage.groups]
    width = max(len(name) for name, _ in rows)
    lines = [f"{coverage.name} ({coverage.lang}): {coverage.path}"]
    lines.append(f"{header[0]:<{width}}  " + "  ".join(f"{h:>{max(len(h), 6)}}" for h in header[1:]))
    for name, c in rows:
        cells = (c.translated, c.fuzzy, c.untranslated, c.obsolete, f"{c.percent:.1f}%")
        lines.append(f"{name:<{width}}  " + "  ".join(f"{v:>{max(len(h), 6)}}" for v, h in zip(cells, header[1:])))
    return "\n".join(lines)


# -- reading catalogs --------------------------------------------------------------------------------


def read_catalog(root: Path, rel: str, lang: str | None, cache: Path | None = None) -> ParsedCatalog | None:
    """Return a parsed .po (with `lang`) or .pot file, or None if there is no such file."""
    path = root / rel
    if not path.is_file():
        return None
    raw = path.read_bytes()
    digest = hashlib.sha256(_fingerprint() + rel.encode() + b"\0" + (lang or "").encode() + b"\0" + raw).hexdigest()
    family = "catalog-" + hashlib.sha256(f"{rel}\0{lang}".encode()).hexdigest()[:8]
    cached = cache / f"{family}-{digest[:24]}.pickle" if cache is not None else None
    if cached is not None:
        try:
            parsed = pickle.loads(cached.read_bytes())
            if isinstance(parsed, ParsedCatalog) and parsed.digest == digest:
                return parsed
        except Exception:  # absent, corrupt or foreign: parse the file again
            pass
    parsed = parse_catalog(raw, rel, lang, digest)
    if cached is not None:
        _write_atomic(cached, pickle.dumps(parsed))
    return parsed


def _write_atomic(path: Path, data: bytes) -> None:
    """Write a cache file atomically and remove older versions of it (same name up to the last '-')."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    family = path.name.rsplit("-", 1)[0]
    for old in path.parent.glob(f"{family}-*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)


def parse_catalog(raw: bytes, rel: str, lang: str | None, digest: str = "") -> ParsedCatalog:
    """Return the entries of a .po or .pot file given as bytes, with their consistency problems."""
    catalog = Catalog(locale=lang)
    parser = _Parser(catalog, ignore_obsolete=False, abort_invalid=False)
    parser.parse(io.BytesIO(raw))
    entries = []
    for message in catalog:
        if not message.id:
            continue
        entries.append(_entry(message, catalog if lang else None, obsolete=False))
    for message in catalog.obsolete.values():
        entries.append(_entry(message, None, obsolete=True))
    return ParsedCatalog(rel, tuple(entries), digest, tuple(parser.problems))


class _Parser(PoFileParser):
    """Babel's PO parser, recording what it would print as a warning against the entry's line."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.problems: list[tuple[int, str, str]] = []

    def _invalid_pofile(self, line: str, lineno: int, msg: str) -> None:
        if "more translations than num_plurals" in msg:
            problem = (
                "i18n.plural",
                f"more plural forms than the header's Plural-Forms allows (nplurals={self.catalog.num_plurals})",
            )
        else:
            problem = ("i18n.syntax", f"the catalog does not parse here: {msg}")
        self.problems.append((lineno + 1, *problem))


def _entry(message: Message, catalog: Catalog | None, obsolete: bool) -> CatalogEntry:
    ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
    strings = (message.string,) if isinstance(message.string, str) else tuple(message.string or ())
    entry = CatalogEntry(
        context=message.context,
        msgid=ids[0],
        plural=ids[1] if len(ids) > 1 else None,
        strings=tuple(s or "" for s in strings),
        fuzzy=message.fuzzy,
        obsolete=obsolete,
        line=message.lineno or 0,
        previous=previous_msgid(message.user_comments),
        files=tuple(dict.fromkeys(path for path, _ in message.locations)),
    )
    if catalog is None or entry.state != "translated":
        return entry
    problems = [*_babel_problems(catalog, message, entry), *_markup_problems(entry), *_citation_problems(entry)]
    return replace(entry, problems=tuple(problems))


def _babel_problems(catalog: Catalog, message: Message, entry: CatalogEntry) -> list[tuple[str, str]]:
    if entry.context is not None:
        return []  # prose is never %-formatted: a '%' in it is a percent sign
    problems = []
    for code, checker in (("i18n.placeholder", python_format), ("i18n.plural", num_plurals)):
        try:
            checker(catalog, message)
        except TranslationError as exc:
            problems.append((code, f"{exc} in the translation of '{brief(entry.msgid)}'"))
    if entry.plural is None and not problems:
        dropped = sorted(set(_NAMED_RE.findall(entry.msgid)) - set(_NAMED_RE.findall(entry.strings[0])))
        if dropped:
            names = ", ".join(f"%({name})s" for name in dropped)
            problems.append(("i18n.placeholder", f"the translation of '{brief(entry.msgid)}' drops {names}"))
    return problems


def _markup_problems(entry: CatalogEntry) -> list[tuple[str, str]]:
    return [
        ("i18n.markup", f"HTML tags differ from the English '{brief(entry.msgid)}': {difference}")
        for difference in _differences(entry, lambda text: [_tag(m) for m in _TAG_RE.finditer(text)])
    ]


def _citation_problems(entry: CatalogEntry) -> list[tuple[str, str]]:
    return [
        ("i18n.citations", f"citation markers differ from the English '{brief(entry.msgid)}': {difference}")
        for difference in _differences(entry, lambda text: [f"[@{m}]" for m in CITE_RE.findall(text)])
    ]


def _differences(entry: CatalogEntry, items: Any) -> list[str]:
    """Return, per translated form that differs, 'missing …; extra …' between English and translation."""
    sources = [entry.msgid] + [entry.plural or entry.msgid] * (len(entry.strings) - 1)
    found = []
    for source, string in zip(sources, entry.strings):
        want, have = Counter(items(source)), Counter(items(string))
        if want == have:
            continue
        parts = []
        if want - have:
            parts.append("missing " + ", ".join((want - have).elements()))
        if have - want:
            parts.append("extra " + ", ".join((have - want).elements()))
        found.append("; ".join(parts))
    return list(dict.fromkeys(found))


def _tag(match: re.Match[str]) -> str:
    """Return a tag reduced to its name ('<a>', '</a>'): attributes may be translated, `<br/>` is `<br>`."""
    closing, name = match.groups()
    return f"<{closing}{name.lower()}>"


# -- template strings ------------------------------------------------------------------------------


def template_messages(root: Path, cache: Path | None = None) -> tuple[dict[tuple[str | None, str], Loc], set[str]]:
    """Return the template strings (as babel.cfg maps `layouts/`), keyed like catalog entries, and their files."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract

    sources = _template_sources(root)
    files = {rel for rel, _method, _options in sources}
    hasher = hashlib.sha256(_fingerprint())
    blobs = []
    for rel, method, options in sources:
        data = (root / rel).read_bytes()
        blobs.append(data)
        hasher.update(f"{rel}\0{method}\0{sorted(options.items())}\0".encode() + hashlib.sha256(data).digest())
    cached = cache / f"templates-{hasher.hexdigest()[:24]}.pickle" if cache is not None else None
    if cached is not None:
        try:
            return pickle.loads(cached.read_bytes()), files
        except Exception:  # absent or corrupt: extract again
            pass
    messages: dict[tuple[str | None, str], Loc] = {}
    for (rel, method, options), data in zip(sources, blobs):
        for lineno, message, _comments, context in extract(method, io.BytesIO(data), DEFAULT_KEYWORDS, (), options):
            msgid = message if isinstance(message, str) else message[0]
            messages.setdefault((context, msgid), Loc(rel, lineno, 1))
    if cached is not None:
        _write_atomic(cached, pickle.dumps(messages))
    return messages, files


def _template_sources(root: Path) -> list[tuple[str, str, dict[str, str]]]:
    """Return (path, method, options) for every file babel.cfg maps to a non-content extractor."""
    from babel.messages.frontend import parse_mapping_cfg
    from babel.util import pathmatch

    cfg = root / MAPPING_FILE
    if not cfg.is_file():
        return []
    with open(cfg, encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, MAPPING_FILE)
    wanted = [(pattern, method) for pattern, method in method_map if method not in _CONTENT_METHODS]
    found = []
    seen: set[str] = set()
    for top in sorted({_fixed_prefix(pattern) for pattern, _ in wanted}):
        for dirpath, dirnames, filenames in os.walk(root / top):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
            for name in sorted(filenames):
                rel = Path(dirpath, name).relative_to(root).as_posix()
                if rel in seen:
                    continue
                seen.add(rel)
                for pattern, method in method_map:
                    if pathmatch(pattern, rel):
                        if method not in _CONTENT_METHODS:
                            found.append((rel, method, dict(options_map.get(pattern, {}))))
                        break
    return found


def _fixed_prefix(pattern: str) -> str:
    """Return the folder part of a glob pattern before its first wildcard ('' for the root)."""
    head = re.split(r"[*?\[]", pattern, maxsplit=1)[0]
    return head.rsplit("/", 1)[0] if "/" in head else ""


# -- helpers ---------------------------------------------------------------------------------------


def brief(text: str, limit: int = 50) -> str:
    """Return text on one line, shortened to `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]  # end on a whole word when one is near
    return cut.rstrip(" ,;:") + "…"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


_FINGERPRINT: list[bytes] = []


def _fingerprint() -> bytes:
    """Return a hash of this module's code, so cached results die with the code that made them."""
    if not _FINGERPRINT:
        _FINGERPRINT.append(hashlib.sha256(Path(__file__).read_bytes()).digest())
    return _FINGERPRINT[0]


# -- the translator status page ----------------------------------------------------------------------


def status_page_html(root: Path, edition: Edition, coverage: LanguageCoverage) -> str:
    """Return the HTML of `dist/<lang>/translation-status.html` for one language.

    Needs the project root (for `layouts/site/status.html` and `layouts/site/base.html`), the
    loaded edition (report title, publisher, contact, hashtags) and that language's
    `LanguageCoverage` from `check_translations`. The page sits beside `dist/<lang>/index.html`
    (its links are relative to that folder). Its chrome is in the source language, for the
    translators who read the English: the page adds no strings to the catalogs it reports on.
    """
    from .localize import Localizer
    from .render import environment

    source = edition.settings.source_language
    env = environment(root, Localizer(source, source, None))
    loc = Localizer(source, source, None)
    title = loc.plain(edition.settings.title)
    return env.get_template("site/status.html").render(
        lang=source,
        page_title=f"Translation status: {coverage.name} · {title}",
        description=f"What is left to translate into {coverage.name}",
        root="../",
        home="index.html",
        alternates=[],
        body_class="translation-status",
        report_title=title,
        publisher=edition.settings.publisher,
        contact=edition.settings.contact,
        hashtags=edition.settings.hashtags,
        coverage=coverage,
        target_lang=coverage.lang,
    )


__all__ = [
    "RELEASE_CODES",
    "CatalogEntry",
    "Counts",
    "Group",
    "LanguageCoverage",
    "ParsedCatalog",
    "check_translations",
    "coverage_table",
    "read_catalog",
    "status_page_html",
]
