"""Stage 3, localize: gettext catalogs, Babel formatting, and English fallbacks that are reported.

One `Localizer` per language serves both the dossier prose (looked up by gettext context and
English text) and the template strings (installed into Jinja's i18n extension). A string that
is missing or fuzzy in the catalog falls back to English, is marked `lang="en"` in the output,
and is reported as an `i18n.fallback` finding at the place a translator or writer can act on.
The gather phase foresees these findings for every string the build uses (`Localizer.foresee`),
so `check` prints them too, before anything is rendered.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from gettext import c2py
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence, TypeGuard

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from babel.lists import format_list
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from ..project import TEMPLATE_FILE, catalog_path
from .catalogs import CatalogEntry, ParsedCatalog, brief, is_prose, read_catalog
from .coverage import KEPT, RESTORED, Message, Pending
from ..findings import Finding, Loc, warning
from ..content.model import DateSpan, PartialDate, ReportSettings, Text


@dataclass
class Localizer:
    """Translations and formats for one language, recording every fallback to English."""

    lang: str
    source_lang: str
    catalog: ParsedCatalog | None
    formats: str
    """The CLDR locale of numbers and dates (`es_US`), from the language's `locale` in report.yaml."""
    findings: list[Finding] = field(default_factory=list)
    locale: Locale = field(init=False)

    def __post_init__(self) -> None:
        self.locale = Locale.parse(self.formats)
        entries = self.catalog.active() if self.catalog else ()
        self._entries = {(entry.context, entry.msgid): entry for entry in entries}
        self._plural = c2py(self.catalog.plural_expr) if self.catalog else None
        # Where each template string's English is (`foresee`'s messages): a string the catalog
        # does not have yet is reported there, where it is, as rendering it reports it again.
        self._places: dict[tuple[str | None, str], Loc] = {}
        # The strings the catalog lacks but has a translation for (`foresee`'s `earlier`), as
        # coverage has them pending: out of date rather than missing, or waiting for `update`.
        self._earlier: dict[tuple[str | None, str], Pending] = {}
        # Babel formats: a report prints the same dates and publishers in note after note.
        self._dates: dict[PartialDate, str] = {}
        self._names: dict[tuple[str, ...], str] = {}

    @property
    def is_source(self) -> bool:
        """Return True for the language the content is written in."""
        return self.lang == self.source_lang

    # -- lookups --------------------------------------------------------------------------------

    def _lookup(self, context: str | None, msgid: str, plural: str | None = None) -> CatalogEntry | None:
        """Return the entry that translates this English, or None: an entry whose plural English is
        other (`msgid_plural` edited in a template, not yet extracted and merged) translates other
        words, and `update` will make it fuzzy."""
        entry = self._entries.get((context, msgid))
        return entry if entry is not None and entry.plural == plural else None

    def _usable(self, entry: CatalogEntry | None) -> TypeGuard[CatalogEntry]:
        # A placeholder mistake would raise in Jinja's `translation % variables`, or print wrong.
        return entry is not None and entry.state == "translated" and not entry.unusable

    def _fallback(self, loc: Loc, key: tuple[str | None, str], entry: CatalogEntry | None) -> Finding:
        """Return the `i18n.fallback` warning for a string (its context and English) printed in English at `loc`."""
        msgid = key[1]
        pending = self._earlier.get(key) if entry is None else None
        kind = pending.kind if pending is not None else None
        if kind in ("restored", "kept"):  # a translation of this very English, which `update` brings back
            state = f"not in use ({RESTORED if kind == 'restored' else KEPT})"
        elif pending is not None and kind in ("moved", "copied"):  # this English's, under another context
            here = " here" if kind == "copied" else ""  # the other field still prints it
            state = f"not in use{here} ({pending.change}: update gives it that translation, fuzzy)"
        elif kind in ("other-english", "close"):  # the field's, or for a template string the closest
            state = "out of date (the catalog has a translation of earlier English)"
        elif entry is not None and entry.copied_form is not None:
            partly = entry.partly_copied(entry.copied_form) is not None
            state = "is mostly the English" if partly else "is the English copied unchanged"
        elif entry is not None and entry.state == "translated":
            state = "unusable"
        else:  # as msgfmt counts it: a fuzzy entry without a translation is untranslated
            state = "fuzzy" if entry is not None and entry.state == "fuzzy" else "missing"
        where = self._entry_loc(entry)
        also = f" ({where})" if entry is not None and where != loc else ""
        name = Locale.parse(self.lang).english_name
        return warning(
            "i18n.fallback", loc, f"{name} translation {state}{also}: using the English text '{brief(msgid, 60)}'"
        )

    def _entry_loc(self, entry: CatalogEntry | None, key: tuple[str | None, str] | None = None) -> Loc:
        """Return where to report a template string's fallback: its entry; for one the catalog does
        not have yet, the template's line `foresee` was given for `key`, else the catalog."""
        if self.catalog is None:
            return Loc(TEMPLATE_FILE)
        if entry is not None:
            return Loc(self.catalog.path, entry.line, 1)
        return self._places.get(key, Loc(self.catalog.path)) if key is not None else Loc(self.catalog.path)

    def foresee(
        self, messages: Iterable[Message], earlier: Mapping[tuple[str | None, str], Pending] | None = None
    ) -> list[Finding]:
        """Return the `i18n.fallback` warnings that rendering these messages will record.

        The gather phase calls this with every string the build uses (`coverage.used_messages`),
        so `check` prints what `build` prints: the same lookup decides, and the same warning is
        made at the same place (`text` and `_template` below record it again while rendering,
        which the findings' de-duplication folds into this one). `earlier` gives, for those the
        catalog lacks that it has a translation for, coverage's `Pending`, whose `kind` the warning
        says as the pending note does: "other-english" (the field's entry has other English) or
        "close" (a reworded template string: the closest English the catalog leaves behind), out of
        date, not missing; "restored" or "kept" (a fuzzy or obsolete entry translates this very
        English), not in use, and that `update` restores it; "moved" or "copied" (this English is
        translated under another context), not in use, from where, and that `update` gives it
        that translation, fuzzy.
        """
        if self.is_source:
            return []
        self._earlier = dict(earlier or {})
        found = []
        for message in messages:
            entry = self._lookup(message.context, message.msgid, message.plural)
            prose = is_prose(message.context)
            if not prose:
                self._places[message.key] = message.loc
            if self._usable(entry) or (not prose and _listed(entry)):
                continue
            loc = message.loc if prose else self._entry_loc(entry, message.key)
            found.append(self._fallback(loc, message.key, entry))
        return found

    def text(self, text: Text) -> Markup:
        """Return dossier prose in this language as HTML-safe markup, English marked if it falls back."""
        if self.is_source:
            return escape(text.value)
        entry = self._lookup(text.context, text.value)
        if self._usable(entry):
            return escape(entry.strings[0])
        self.findings.append(self._fallback(text.loc, (text.context, text.value), entry))
        return Markup('<span lang="{}" class="fallback">{}</span>').format(self.source_lang, text.value)

    def where(self, text: Text) -> Loc:
        """Return where the words this language prints for dossier prose are written: its
        translation's `msgstr` in the catalog, else (English, or the English fallback) the prose's place."""
        entry = None if self.is_source else self._lookup(text.context, text.value)
        if self.catalog is not None and self._usable(entry):
            return Loc(self.catalog.path, entry.string_lines[0] if entry.string_lines else entry.line, 1)
        return text.loc

    def language_of(self, text: Text | str) -> str:
        """Return the language dossier prose or a rendered template string prints in: this one, or
        English where it falls back (an attribute cannot hold the fallback's span: its element says it)."""
        if self.is_source:
            return self.lang
        if not isinstance(text, Text):
            # Jinja's gettext hands templates the fallback as its markup: English if most of its words
            # are in it. A value filled into the English (`fill`) is this language's, outside the span:
            # "A map … with California shaded … , en el condado de San Bernardino" is English to read.
            html = text.__html__() if hasattr(text, "__html__") else escape(text)
            english = sum(len(_WORDS.findall(Markup(m[0]).striptags())) for m in _FALLBACK_SPAN.finditer(html))
            rest = len(_WORDS.findall(Markup(_FALLBACK_SPAN.sub("", html)).striptags()))
            return self.source_lang if english > rest else self.lang
        return self.lang if self._usable(self._lookup(text.context, text.value)) else self.source_lang

    def plain(self, text: Text) -> str:
        """Return dossier prose in this language as plain text (for metadata), falling back to English."""
        if self.is_source:
            return text.value
        entry = self._lookup(text.context, text.value)
        return entry.strings[0] if self._usable(entry) else text.value

    def marked(self, text: Text) -> str:
        """Return dossier prose in this language as plain text that, put into a template, says it is
        English where it falls back: the report's title, printed as text and in attributes alike."""
        plain = self.plain(text)
        return _EnglishFallback(plain) if self.language_of(text) != self.lang else plain

    def _template(self, context: str | None, msgid: str, plural: str | None = None, n: int = 1) -> Markup | str:
        default = msgid if plural is None or n == 1 else plural
        if self.is_source:
            return default
        entry = self._lookup(context, msgid, plural)
        if self._usable(entry):
            string = entry.strings[0]
            if entry.plural is not None:
                index = self._plural(n) if self._plural else 0
                string = entry.strings[min(index, len(entry.strings) - 1)]
            # A catalog is untrusted input: its words are markup only where the English is markup
            # and `check` found the tags the same; anything else is text, escaped by the templates.
            markup = "<" in msgid + (plural or "") and not entry.problems
            return string if markup else _Text(string)
        if not _listed(entry):
            self.findings.append(self._fallback(self._entry_loc(entry, (context, msgid)), (context, msgid), entry))
        return _EnglishFallback(default)

    def gettext(self, message: str) -> str:
        """Return a template string in this language."""
        return self._template(None, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Return a template string with a count, in the plural form this language needs."""
        return self._template(None, singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        """Return a template string that has a context."""
        return self._template(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        """Return a template string with a context and a count."""
        return self._template(context, singular, plural, n)

    # -- formats --------------------------------------------------------------------------------

    def number(self, value: int | float) -> str:
        """Return a number in this locale's CLDR format."""
        return format_decimal(value, locale=self.locale)

    def names(self, names: Sequence[str]) -> str:
        """Return names joined as this locale lists them: 'A, B and C', 'A, B y C'."""
        key = tuple(names)
        if key not in self._names:
            self._names[key] = format_list(list(key), locale=self.locale)
        return self._names[key]

    def partial_date(self, date: PartialDate) -> str:
        """Return a date at the precision it is known: '25 de febrero de 2021', 'febrero de 2021', '2021'."""
        if date not in self._dates:
            if date.precision == "day":
                self._dates[date] = format_date(date.earliest(), "long", locale=self.locale)
            elif date.precision == "month":
                self._dates[date] = format_skeleton("yMMMM", date.earliest(), locale=self.locale)
            else:
                self._dates[date] = str(date.year)
        return self._dates[date]

    def span(self, span: DateSpan) -> str:
        """Return a date or a date range, in words."""
        if span.end is None or span.end == span.start:  # `2015/2015` is one year, printed once
            return self.partial_date(span.start)
        precision = span.start.precision
        if span.end.precision != precision:
            # Each end as precise as the writer wrote it ('October 20, 2015 – 2016'), joined as
            # Babel joins two dates it has no interval pattern for, unspaced if neither end has a space.
            start, end = self.partial_date(span.start), self.partial_date(span.end)
            if " " not in start + end:
                return f"{start}–{end}"
            return self.locale.interval_formats[None].replace("{0}", start).replace("{1}", end)
        if precision == "year":
            return f"{span.start.year}–{span.end.year}"
        skeleton = "yMMMMd" if precision == "day" else "yMMMM"
        return format_interval(span.start.earliest(), span.end.earliest(), skeleton, locale=self.locale)

    def iso(self, date: dt.date) -> str:
        """Return a full date in this locale's long format."""
        return format_date(date, "long", locale=self.locale)


def read_localizer(root: Path, settings: ReportSettings, lang: str, cache_dir: Path | None = None) -> Localizer:
    """Return the localizer of `lang`, with its catalog read from `i18n/`: none for the source
    language, nor for a language whose catalog is missing (everything then falls back to English)."""
    source = settings.source_language
    catalog = None if lang == source else read_catalog(root, catalog_path(lang), lang, cache_dir)
    return Localizer(lang, source, catalog, settings.locale(lang))


def _listed(entry: CatalogEntry | None) -> bool:
    """Return True for an entry `check` lists at its own line as untranslated or fuzzy (a copy of
    its English is untranslated: `CatalogEntry.copied`).

    A template string's fallback would be a second finding at that same line, saying the same:
    the entry's finding says it once (prose falls back at its dossier line, which it names).
    """
    return entry is not None and (entry.state in ("untranslated", "fuzzy") or entry.copied)


class _Text(str):
    """A translated template string that templates escape: text, never markup."""

    def __html__(self) -> str:
        return escape(str(self))


_FALLBACK_SPAN = re.compile(r'<span lang="[^"]+" class="fallback">[^<]*</span>')
"""A string printed in English where it falls back (`text`, `_EnglishFallback`): its words are escaped text."""


class _EnglishFallback(str):
    """A template string that fell back to English; templates mark it with `lang`."""

    def __html__(self) -> str:
        return f'<span lang="en" class="fallback">{escape(str(self))}</span>'


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
"""A template string's named placeholder (`%(date)s`)."""


def fill(string: object, variables: Mapping[str, Any]) -> Markup:
    """Return a template string, as gettext returned it, with its placeholders filled, as Jinja's
    newstyle gettext fills them (`Markup(string) % variables`).

    In an English fallback a value with a letter in it is left outside the `lang="en"` span: it is
    in this language, which formatted it ("as of %(date)s" printed `as of marzo de 2023`, the
    Spanish date declared English). A number stays inside: it is no word of either language.
    """
    if not isinstance(string, _EnglishFallback) or not any(
        _LETTER.search(Markup(escape(value)).striptags()) for value in variables.values()
    ):
        return Markup(string) % variables
    out: list[str] = []
    english: list[str] = []

    def flush() -> None:
        if "".join(english):
            out.append(f'<span lang="en" class="fallback">{"".join(english)}</span>')
        english.clear()

    parts = _PLACEHOLDER.split(str(string))
    for i, part in enumerate(parts):
        if i % 2 == 0:
            english.append(str(escape(part.replace("%%", "%"))))
            continue
        value = str(Markup("%s") % (variables[part],))
        if _LETTER.search(Markup(value).striptags()):
            flush()
            out.append(value)
        else:
            english.append(value)
    flush()
    return Markup("".join(out))


_LETTER = re.compile(r"[^\W\d_]")
_WORDS = re.compile(r"[^\W\d_]+")
"""A word, as `language_of` counts them: letters (a number is no word of either language)."""


def cldr_text(locale: str) -> str:
    """Return the characters a locale's CLDR data can put into the printed text: its month names
    in long dates, month-year dates and ranges, the words and signs of those formats, its numbers
    and its lists, as `Localizer` formats them. The fonts must draw them as they draw the writers'
    text (`glyphs`)."""
    months = [dt.date(2021, month, 28) for month in range(1, 13)]
    parts = [format_date(day, "long", locale=locale) for day in months]
    parts += [format_skeleton("yMMMM", day, locale=locale) for day in months]
    parts += [format_interval(months[0], months[1], skeleton, locale=locale) for skeleton in ("yMMMMd", "yMMMM")]
    parts += [format_interval(months[0], months[0].replace(day=1), "yMMMMd", locale=locale)]
    parts += [Locale.parse(locale).interval_formats[None], format_decimal(-1234567.89, locale=locale)]
    parts += [format_list(["a", "b", "c"], locale=locale)]
    return "".join(sorted(set("".join(parts))))
