"""Stage 3, localize: gettext catalogs, Babel formatting, and English fallbacks that are reported.

One `Localizer` per language serves both the dossier prose (looked up by gettext context and
English text) and the template strings (installed into Jinja's i18n extension). A string that
is missing or fuzzy in the catalog falls back to English, is marked `lang="en"` in the output,
and is reported as an `i18n.fallback` finding at the place a translator or writer can act on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from .findings import Finding, Loc, warning
from .model import DateSpan, PartialDate, Text

I18N_DIR = "i18n"
TEMPLATE_FILE = f"{I18N_DIR}/messages.pot"
CACHE_VERSION = 1


def catalog_path(lang: str) -> str:
    """Return the project-relative path of a language's PO catalog."""
    return f"{I18N_DIR}/{lang}/LC_MESSAGES/messages.po"


@dataclass(frozen=True)
class Entry:
    """One catalog entry, reduced to what a build needs."""

    string: str | tuple[str, ...]
    fuzzy: bool
    loc: Loc

    @property
    def usable(self) -> bool:
        """Return True if the translation is complete and not fuzzy."""
        strings = self.string if isinstance(self.string, tuple) else (self.string,)
        return not self.fuzzy and all(strings)


@dataclass(frozen=True)
class Messages:
    """A compiled catalog: entries by (context, msgid) plus the plural rule."""

    lang: str
    entries: dict[tuple[str | None, str], Entry]
    plural_expr: str
    num_plurals: int
    digest: str


def compile_catalog(root: Path, lang: str, cache_dir: Path | None = None) -> Messages | None:
    """Return the compiled catalog for `lang`, or None if it has no catalog file.

    Compiled catalogs are kept under `.cache/` keyed by the PO file's hash, so a build that
    did not touch the translations does not parse them again.
    """
    rel = catalog_path(lang)
    path = root / rel
    if not path.is_file():
        return None
    raw = path.read_bytes()
    digest = hashlib.sha256(raw + f"v{CACHE_VERSION}".encode()).hexdigest()
    cached = cache_dir / f"catalog-{lang}-{digest[:20]}.pickle" if cache_dir else None
    if cached and cached.is_file():
        try:
            messages = pickle.loads(cached.read_bytes())
            if isinstance(messages, Messages) and messages.digest == digest:
                return messages
        except Exception:  # a corrupt cache entry is rebuilt, never trusted
            pass
    catalog = read_po(io.BytesIO(raw), locale=lang)
    entries = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        string = message.string if isinstance(message.string, str) else tuple(message.string)
        entries[(message.context, key)] = Entry(string, message.fuzzy, Loc(rel, message.lineno or 0, 1))
    messages = Messages(lang, entries, catalog.plural_expr, catalog.num_plurals, digest)
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(messages))
        tmp.replace(cached)
    return messages


@dataclass
class Localizer:
    """Translations and formats for one language, recording every fallback to English."""

    lang: str
    source_lang: str
    messages: Messages | None
    template_locs: dict[tuple[str | None, str], Loc] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    locale: Locale = field(init=False)

    def __post_init__(self) -> None:
        self.locale = Locale.parse(self.lang)
        self._plural = _plural_function(self.messages.plural_expr) if self.messages else None

    @property
    def is_source(self) -> bool:
        """Return True for the language the content is written in."""
        return self.lang == self.source_lang

    # -- lookups --------------------------------------------------------------------------------

    def _lookup(self, context: str | None, msgid: str) -> Entry | None:
        if self.messages is None:
            return None
        return self.messages.entries.get((context, msgid))

    def _fallback(self, loc: Loc, msgid: str, entry: Entry | None) -> None:
        state = "fuzzy" if entry is not None and entry.fuzzy else "missing"
        where = "" if entry is None else f" ({entry.loc})"
        name = self.locale.english_name
        self.findings.append(
            warning(
                "i18n.fallback",
                loc,
                f"{name} translation {state}{where}: using the English text '{_short(msgid)}'",
            )
        )

    def text(self, text: Text) -> Markup:
        """Return dossier prose in this language as HTML-safe markup, English marked if it falls back."""
        if self.is_source:
            return escape(text.value)
        entry = self._lookup(text.context, text.value)
        if entry is not None and entry.usable:
            return escape(entry.string)
        self._fallback(text.loc, text.value, entry)
        return Markup('<span lang="{}" class="fallback">{}</span>').format(self.source_lang, text.value)

    def plain(self, text: Text) -> str:
        """Return dossier prose in this language as plain text (for metadata), falling back to English."""
        if self.is_source:
            return text.value
        entry = self._lookup(text.context, text.value)
        return entry.string if entry is not None and entry.usable else text.value  # type: ignore[return-value]

    def _template(self, context: str | None, msgid: str, plural: str | None = None, n: int = 1) -> Markup | str:
        default = msgid if plural is None or n == 1 else plural
        if self.is_source:
            return default
        entry = self._lookup(context, msgid)
        if entry is not None and entry.usable:
            if isinstance(entry.string, tuple):
                index = self._plural(n) if self._plural else 0
                return entry.string[min(index, len(entry.string) - 1)]
            return entry.string
        self._fallback(self.template_locs.get((context, msgid), Loc(TEMPLATE_FILE)), msgid, entry)
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

    def partial_date(self, date: PartialDate) -> str:
        """Return a date at the precision it is known: '25 de febrero de 2021', 'febrero de 2021', '2021'."""
        if date.precision == "day":
            return format_date(date.earliest(), "long", locale=self.locale)
        if date.precision == "month":
            return format_skeleton("yMMMM", date.earliest(), locale=self.locale)
        return str(date.year)

    def span(self, span: DateSpan) -> str:
        """Return a date or a date range, in words."""
        if span.end is None:
            return self.partial_date(span.start)
        precision = min(span.start.precision, span.end.precision, key=("year", "month", "day").index)
        if precision == "year":
            return f"{span.start.year}–{span.end.year}"
        skeleton = "yMMMMd" if precision == "day" else "yMMMM"
        return format_interval(span.start.earliest(), span.end.earliest(), skeleton, locale=self.locale)

    def iso(self, date: dt.date) -> str:
        """Return a full date in this locale's long format."""
        return format_date(date, "long", locale=self.locale)


class _EnglishFallback(str):
    """A template string that fell back to English; templates mark it with `lang`."""

    def __html__(self) -> str:
        return f'<span lang="en" class="fallback">{escape(str(self))}</span>'


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plural_function(expr: str) -> Any:
    """Return a function n -> plural form index for a gettext plural expression."""
    from gettext import c2py

    return c2py(expr)
