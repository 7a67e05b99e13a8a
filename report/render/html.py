"""Stage 4, render: the edition and a localizer in, HTML out (PDF chunks and site pages).

Templates live in `layouts/`. This module only prepares what they need: localized prose with
its citations (footnotes for print, numbered notes for the site), dates and numbers in the
language's format, and the page plan for the table of contents.

Every value from a dossier or report.yaml reaches the HTML escaped: autoescape is on for every
template whatever its name, prose is escaped by the localizer before citations are added, and
every value a template puts in an attribute goes through the `text` filter (`attribute_text`), so
it is escaped plain text even when it is markup, like a translated template string.
No content and no catalog can add an element, an attribute, a style or a script.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence
from urllib.parse import quote

import jinja2
import jinja2.bccache
import jinja2.nodes
from markupsafe import Markup, escape

from ..i18n.localize import Localizer, fill
from ..content.model import CITE_RE, Citation, Claim, DateSpan, Edition, Facility, PartialDate, Source, Text
from .. import cache, project
from ..findings import Finding, Loc, error
from ..project import IMAGES_DIR, SITE_IMAGES_DIR, source_date
from ..content.geo import county_parts
from ..content.textfile import read_input
from .maps import Maps
from .typography import around_call, capfirst, ends_a_sentence, place_inline_calls, typeset

_CITE_RUN = re.compile(r"\s*((?:\[@[a-z0-9]+(?:-[a-z0-9]+)*\]\s*)+)")
"""A run of adjacent inline citations, with the space before it: they become one note."""
_CLOSING_TAG = re.compile(r"</[a-z]+>$")


@dataclass(frozen=True)
class TocEntry:
    """A line of the table of contents that points into another chunk."""

    kind: str  # "chapter" or "back"
    anchor: str
    title: str
    folio: str
    number: int | None = None


@dataclass(frozen=True)
class ChunkHtml:
    """The HTML of one PDF chunk, ready for WeasyPrint."""

    key: str
    lang: str
    kind: str  # "front", "chapter" or "back"
    facility_id: str | None
    title: str
    html: str
    assets: tuple[str, ...] = ()  # project files the HTML refers to (the dossier image)
    calls: tuple[tuple[str, Loc], ...] = ()
    """Where each note call is written (the `[@id]` marker, or the claim's first `sources:` item), by
    the `data-call` its note carries ('call-3'): a finding about the note points there."""


@dataclass
class Note:
    number: int
    sources: list[Source]


@dataclass
class Citer:
    """Turns cited source ids into footnotes (print) or numbered notes (site), in order."""

    sources: dict[str, Source]
    mode: str
    href: Callable[[Source], str]
    localizer: Localizer
    used: dict[str, Source] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    following: dict[str, Markup] = field(default_factory=dict)
    """Each call made, and how it prints right after another call: the second of "¹⁸,¹⁹"."""
    calls: list[tuple[str, Loc]] = field(default_factory=list)
    """Where each print note whose call's place is known is written, by its `data-call` (`ChunkHtml.calls`)."""

    def ids(self, ids: Iterable[str], at: Loc | None = None) -> Markup:
        """Return the citation markup for these source ids, or nothing if there are none; a print
        note called `at` a known place carries it (`data-call`, `calls`)."""
        cited = [self.sources[i] for i in dict.fromkeys(ids) if i in self.sources]
        if not cited:
            return Markup("")
        for source in cited:
            self.used.setdefault(source.id, source)
        if self.mode == "site":
            note = Note(len(self.notes) + 1, cited)
            self.notes.append(note)
            link = Markup('<a href="#note-{0}" id="ref-{0}" role="doc-noteref">{0}</a>').format(note.number)
            call = Markup('<sup class="noteref">{}</sup>').format(link)
            self.following[call] = Markup('<sup class="noteref">,{}</sup>').format(link)
            return call
        parts = Markup("; ").join(Markup('<a href="{}">{}</a>').format(self.href(s), self.short(s)) for s in cited)
        marked = Markup("")
        if at is not None:
            self.calls.append((f"call-{len(self.calls) + 1}", at))
            marked = Markup(' data-call="{}"').format(self.calls[-1][0])
        call = Markup('<span class="fn"{}>{}.</span>').format(marked, parts)
        # print.css prints its call with a comma before the number (`.fn-next::footnote-call`).
        self.following[call] = Markup('<span class="fn fn-next"{}>{}.</span>').format(marked, parts)
        return call

    def short(self, source: Source) -> Markup:
        """Return 'Publisher, date' for a footnote; an approximate date keeps its 'about', and the
        date its letter when other sources share publisher and date ('2022a', 'undated-a')."""
        # As the site's notes print it (partials/source.html): a word that falls back to English
        # keeps its `lang="en"` span, which a `%` or `+` on the string gettext returns would drop.
        if source.date is None:
            when = escape(self.localizer.gettext("undated")) + (f"-{source.note_letter}" if source.note_letter else "")
        elif source.date_approximate:
            when = fill(self.localizer.gettext("about %(date)s"), {"date": self.localizer.partial_date(source.date)})
        else:
            when = escape(self.localizer.partial_date(source.date))
        if source.date is not None:
            when += source.note_letter
        return Markup("{}, {}").format(self.localizer.names(source.publisher), when)

    def claim(self, claim: Claim) -> Markup:
        """Return the citation for a claim's `sources`, leaving out ids its prose cites inline."""
        inline = {c.source_id for text in claim.texts() for c in text.citations}
        listed = [c for c in claim.sources if c.source_id not in inline]
        return self.ids(
            (c.source_id for c in listed), next((c.loc for c in listed if c.source_id in self.sources), None)
        )

    def noted(self, text: object, call: object) -> Markup:
        """Return `text` with a claim's note call where the language puts it, with a comma before
        it if it follows another call (prose that ends with an inline citation): two calls side by
        side would read as one number ("¹⁸¹⁹")."""
        prose, made = escape(text), escape(call)
        if not made:
            return prose
        head, tail = around_call(prose, self.localizer.lang)
        before = str(head)
        while True:  # the prose's last call may be inside elements that close after it (an English fallback)
            if any(before.endswith(earlier) for earlier in self.following):
                made = self.following.get(made, made)
                break
            closed = _CLOSING_TAG.search(before)
            if closed is None:
                break
            before = before[: closed.start()]
        return head + made + tail

    def prose(self, text: Text | None) -> Markup:
        """Return localized prose, typeset for its language, with each inline `[@id]` replaced by its citation."""
        if text is None:
            return Markup("")
        original = None if self.localizer.is_source else text.value
        localized = place_inline_calls(str(self.localizer.text(text)), self.localizer.lang)
        localized = typeset(localized, original, self.localizer.source_lang, self.localizer.lang)

        # Each run's note is called at its first marker of a known source: in a translation, the
        # same source's marker in the dossier, in order.
        unused = list(text.citations)

        def note(run: re.Match[str]) -> str:
            trailing = " " if run.group(0).endswith(" ") else ""
            ids = CITE_RE.findall(run.group(1))
            marked = [unused.pop(i) for i in (_first(unused, sid) for sid in ids) if i is not None]
            at = next((c.loc for c in marked if c.source_id in self.sources), None)
            return str(self.ids(ids, at)) + trailing

        return Markup(_CITE_RUN.sub(note, localized))


def _first(citations: list[Citation], source_id: str) -> int | None:
    """Return the index of the first of `citations` of `source_id`, else None."""
    return next((i for i, c in enumerate(citations) if c.source_id == source_id), None)


class _CompiledInMemory(jinja2.BytecodeCache):
    """Compiled layouts kept in this process's memory, never on disk (`.cache/` holds data, never
    code), by each template's name and the checksum of its source: an edited layout is compiled
    again. Every environment here is configured alike (see `environment`), so one language's
    compiled layouts serve the next, a preview's next save reuses them all, and so does another
    project with the same layouts (Jinja's own key is the name and the file's path: each of the
    tests' many small projects compiled every layout again). The code keeps the path it was
    compiled from, which Jinja takes for the template's file (`template_error` finds the line
    there): one served to another file is given that file's path."""

    def __init__(self) -> None:
        self._compiled: dict[tuple[str, str], types.CodeType] = {}

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> jinja2.bccache.Bucket:
        bucket = jinja2.bccache.Bucket(environment, self.get_cache_key(name), self.get_source_checksum(source))
        found = self._compiled.get((bucket.key, bucket.checksum))
        if found is not None:
            bucket.code = _compiled_from(found, filename or found.co_filename)
        return bucket

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.code is not None:
            self._compiled[bucket.key, bucket.checksum] = bucket.code


def _compiled_from(code: types.CodeType, filename: str) -> types.CodeType:
    """Return compiled code, and the code of each function in it, as compiled from `filename`."""
    if code.co_filename == filename:
        return code
    consts = tuple(_compiled_from(c, filename) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


_COMPILED = _CompiledInMemory()


def compile_layouts(env: jinja2.Environment) -> None:
    """Compile every layout not compiled yet into the shared cache (`_CompiledInMemory`).

    The build calls it while the workers lay out the chapters and this process only waits, so that
    rendering the site, after the layout, compiles nothing: every environment finds them here. The gather phase has compiled each one already (and stopped
    the build on a `template.syntax` error), or found that outcome in the cache.
    """
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)


def _gettext_callables(localizer: Localizer) -> dict[str, Callable[..., Markup]]:
    """Return Jinja's newstyle gettext functions, filling placeholders with `localize.fill`: as
    Jinja's own do (`Markup(string) % variables`), but a word filled into an English fallback is
    left outside its `lang="en"` span (the Spanish date in a fuzzy "as of %(date)s"). The
    parameters start with `__`, as Jinja's do, so that no placeholder's name is taken."""

    @jinja2.pass_context
    def gettext(__context: jinja2.runtime.Context, __string: str, **variables: Any) -> Markup:
        return fill(__context.call(localizer.gettext, __string), variables)

    @jinja2.pass_context
    def ngettext(
        __context: jinja2.runtime.Context, __singular: str, __plural: str, __n: int, **variables: Any
    ) -> Markup:
        variables.setdefault("num", __n)
        return fill(__context.call(localizer.ngettext, __singular, __plural, __n), variables)

    @jinja2.pass_context
    def pgettext(__context: jinja2.runtime.Context, __ctx: str, __string: str, **variables: Any) -> Markup:
        variables.setdefault("context", __ctx)
        return fill(__context.call(localizer.pgettext, __ctx, __string), variables)

    @jinja2.pass_context
    def npgettext(
        __context: jinja2.runtime.Context, __ctx: str, __singular: str, __plural: str, __n: int, **variables: Any
    ) -> Markup:
        variables.setdefault("context", __ctx)
        variables.setdefault("num", __n)
        return fill(__context.call(localizer.npgettext, __ctx, __singular, __plural, __n), variables)

    return {"gettext": gettext, "ngettext": ngettext, "pgettext": pgettext, "npgettext": npgettext}


def chronological(items: Iterable[Any]) -> list[Any]:
    """Return dated entries (`date`, a DateSpan or None) in date order, the undated last in their
    dossier's order: deaths in custody print so, as the timeline does, whatever order the YAML has."""
    return sorted(items, key=lambda item: (item.date is None, item.date.sort_key() if item.date else ()))


def environment(root: Path, localizer: Localizer) -> jinja2.Environment:
    """Return a Jinja environment for `layouts/` with gettext installed for one language.

    Autoescape is on for every template, not only for names ending in .html: a layout that
    someone names otherwise must not turn dossier text into markup. Compiled layouts are shared
    in memory only (`_CompiledInMemory`): Jinja's file cache would read marshalled code back from
    disk, and `.cache/` holds data, never code.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root / project.LAYOUTS_DIR)),
        bytecode_cache=_COMPILED,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        localizer.gettext, localizer.ngettext, newstyle=True, pgettext=localizer.pgettext, npgettext=localizer.npgettext
    )
    env.globals.update(_gettext_callables(localizer))
    env.filters["chronological"] = chronological
    env.filters["display_url"] = display_url
    env.filters["capfirst"] = capfirst
    env.filters["text"] = attribute_text
    env.tests["ending_a_sentence"] = ends_a_sentence
    env.globals.update(
        language_of=localizer.language_of,  # prose's language: English where it falls back, for `lang`
        language=localizer.lang,  # the page's language: what needs no lang attribute
    )
    typed: dict[str, tuple[type | tuple[type, ...], str, Callable[..., Any]]] = {
        "format_span": (DateSpan, "a date or a date range", localizer.span),  # in words
        "format_partial_date": (PartialDate, "a date of a dossier", localizer.partial_date),  # as precise as known
        "format_number": ((int, float, Decimal), "a number", localizer.number),
        "long_date": (dt.date, "a full date", localizer.iso),
        "plain": (Text, "prose of a dossier", lambda text: localizer.text(text).striptags()),  # for an attribute
        "county_parts": (str, "a county's name", county_parts),  # ("Winn", "Parish"): the name and its Census word
        "format_names": ((list, tuple), "a list of names", localizer.names),  # joint publishers: "A, B y C"
        "translated": (Text, "prose of a dossier", localizer.text),  # in this language, English marked if it falls back
    }
    env.globals.update({name: _taking(name, *spec) for name, spec in typed.items()})
    return env


def _taking(name: str, kind: type | tuple[type, ...], what: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Return `function` as the templates call it: a first argument that is not a `kind` is the
    template's mistake (`{{ format_number("twelve") }}`), a `jinja2.TemplateRuntimeError` that
    `template_error` reports at the template's line, not an exception raised deep in Babel, which
    reads as a bug in the tool. An undefined name is passed on: it fails as Jinja says it does."""

    def checked(value: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (kind, jinja2.Undefined)):
            shown = repr(value) if len(repr(value)) <= 60 else f"{repr(value)[:57]}..."
            raise jinja2.TemplateRuntimeError(f"{name}() takes {what}, not {shown}")
        return function(value, *args, **kwargs)

    return checked


def template_findings(root: Path, localizer: Localizer, cache_dir: Path | None = None) -> list[Finding]:
    """Return a `template.syntax` error, at its line, for each template in `layouts/` that Jinja
    cannot compile (an unclosed tag, an unknown filter): `check` says it as the build would.

    Compiling every template takes a fifth of a second, so the outcome is kept in `cache_dir`,
    keyed by the templates' names and bytes and this module's import closure, and in this process
    by the same key (`_SYNTAX`): the outcome is the same for any project whose layouts have those
    names and bytes, as the many small projects of the tests do. A name a template uses but
    nothing defines is known only when it is rendered: the build reports it (`template_error`).
    A template that compiles but lacks a name the code takes from it (`LAYOUT_NAMES`) is a
    `template.macro` error (`_missing_names`).
    """
    env = environment(root, localizer)
    refused: list[Finding] = []
    blobs = {}
    for name in sorted(env.list_templates(extensions=["html"])):
        raw, refusal = read_input(root, f"{project.LAYOUTS_DIR}/{name}", "template")
        if refusal is not None:
            refused.append(refusal)  # never handed to Jinja, which would read it
        elif raw is not None:
            blobs[name] = raw
    key = cache.key_of(cache.fingerprint(__name__), *(part for n, raw in blobs.items() for part in (n, raw)))

    # Compiled from the bytes the key names, not the files as they are by then: a template saved
    # in between was compiled and its outcome kept under the key of the bytes before the save.
    read = jinja2.FunctionLoader(lambda name: blobs[name].decode("utf-8") if name in blobs else None)
    checking = env.overlay(loader=jinja2.ChoiceLoader([read, env.loader] if env.loader else [read]))

    def compiled() -> list[Finding]:
        found = []
        for name in blobs:
            try:
                checking.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                found.append(error("template.syntax", _template_loc(exc.name or name, exc.lineno), exc.message or ""))
            except UnicodeDecodeError:
                found.append(error("template.syntax", _template_loc(name, None), "not UTF-8 text: save it as UTF-8"))
        return found + _missing_names(env, blobs, {finding.loc.path for finding in found})

    known = _SYNTAX.get(key)

    def remembered() -> list[Finding]:
        return list(known or ())

    # The project's cache gets its entry either way: the outcome is the same for the same key.
    found = _SYNTAX[key] = tuple(cache.memoize(cache_dir, "templates", key, compiled if known is None else remembered))
    while len(_SYNTAX) > 16:
        del _SYNTAX[next(iter(_SYNTAX))]
    return refused + list(found)


_SYNTAX: dict[str, tuple[Finding, ...]] = {}
"""What compiling the layouts found (and the names they lack), by `template_findings`'s key (the names and bytes): the last 16."""


def template_error(root: Path, exc: Exception) -> Finding | None:
    """Return the error a template raised as it was rendered, at its line in its file in
    `layouts/` (`'name' is undefined`, or the TypeError of `{{ deaths | length + " deaths" }}`):
    the project's own template, not the tool, is at fault. Return None for an exception that is not
    Jinja's and that no template's expression raised: one the tool's own code (a filter or global
    of `report/`) raised below the template's last frame is a bug in the tool."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.name:
        return error("template.syntax", _template_loc(exc.name, exc.lineno), exc.message or "")
    layouts = (root / project.LAYOUTS_DIR).resolve()
    package = Path(__file__).resolve().parent.parent
    where, tool = None, False
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(layouts):
            where, tool = _template_loc(path.relative_to(layouts).as_posix(), frame.lineno), False
        elif path.is_relative_to(package):
            tool = True
    if isinstance(exc, jinja2.TemplateError):
        return error("template.render", where or Loc(project.LAYOUTS_DIR), f"{exc.message or type(exc).__name__}")
    if where is None or tool:
        return None
    return error("template.render", where, str(exc) or type(exc).__name__)


@dataclass(frozen=True)
class LayoutName:
    """A name the code takes from a template module of `layouts/`: a macro it calls or a variable
    (`{% set %}`) it reads, and what for, in a writer's words."""

    name: str
    kind: str  # "macro" or "variable"
    use: str


LAYOUT_NAMES: dict[str, tuple[LayoutName, ...]] = {
    "partials/chooser.html": (
        LayoutName("heading", "macro", "the language chooser's heading"),
        LayoutName("draft", "macro", "the language chooser's title in a draft"),
        LayoutName("skip", "macro", "the language chooser's skip link"),
    ),
    "partials/not_found.html": (
        LayoutName("heading", "macro", "the heading of the page not found (404.html)"),
        LayoutName("text", "macro", "the text of the page not found (404.html)"),
        LayoutName("home", "macro", "the link home of the page not found (404.html)"),
    ),
    "partials/labels.html": (
        LayoutName("facility_description", "macro", "each facility's one-line description in its metadata"),
        LayoutName("editors_note", "macro", "the start of each facility page's and PDF's description"),
        LayoutName("facility_mark", "macro", "the review mark in each facility page's and PDF's title"),
        LayoutName("status_labels", "variable", "each facility's status on its share image"),
        LayoutName("list_mark", "macro", "the alt text of each facility's share image"),
        LayoutName("review_mark", "macro", "the alt text of each facility's share image"),
        LayoutName("list_note", "macro", "the alt text of each facility's share image"),
        LayoutName("back_matter_title", "macro", "the back matter's titles in the PDF's contents"),
        LayoutName("report_kind", "macro", "what the report is, in its BibTeX citation's `type`"),
    ),
    "partials/place.html": (LayoutName("plain", "macro", "where each facility is, on its share image"),),
    "partials/draft.html": (
        LayoutName("word", "macro", "the titles of a draft"),
        LayoutName("words", "macro", "the draft band's words in metadata and alt text"),
    ),
}
"""The templates' contract with the code: the names it takes from each template's module, all
through `LayoutModule`, and that `template_findings` finds defined before anything is laid out."""


class LayoutModule:
    """One template of `layouts/` made a module, of which the code takes only the names `LAYOUT_NAMES` lists."""

    def __init__(self, env: jinja2.Environment, template: str):
        self.template = template
        self._names = {n.name for n in LAYOUT_NAMES[template]}
        self._module = env.get_template(template).make_module()

    def __getitem__(self, name: str) -> Any:
        """Return a macro or variable of the template: one `LAYOUT_NAMES` lists for it, so `check` knows of it."""
        if name not in self._names:
            raise KeyError(f"{name!r} of {self.template} is not in LAYOUT_NAMES: add it there")
        return getattr(self._module, name)


def _missing_names(env: jinja2.Environment, blobs: Mapping[str, bytes], reported: set[str]) -> list[Finding]:
    """Return a `template.macro` error, at the template's file, for each name of `LAYOUT_NAMES` that
    its template in `layouts/` (`blobs`: the templates' bytes, by name) does not define: the build
    would fail as it called the macro.

    The names a template defines are read from its parsed source, not by rendering it. A template
    that is absent, or that compiling already reported (a path in `reported`), is left to that report.
    """
    found = []
    for template, wanted in LAYOUT_NAMES.items():
        raw = blobs.get(template)
        if raw is None or f"{project.LAYOUTS_DIR}/{template}" in reported:
            continue
        defined = _defined_names(env.parse(raw.decode("utf-8"), template).body)
        for want in wanted:
            if want.name not in defined:
                how = "calls" if want.kind == "macro" else "reads ({% set %})"
                message = (
                    f"this template defines no {want.kind} '{want.name}', which the build {how} for {want.use}:"
                    " add it (see the shipped layouts)"
                )
                found.append(error("template.macro", _template_loc(template, None), message))
    return found


def _defined_names(body: Iterable[jinja2.nodes.Node]) -> set[str]:
    """Return the names a template's module exports: its top-level macros, `set`s and imports."""
    names: set[str] = set()
    for node in body:
        if isinstance(node, jinja2.nodes.Macro):
            names.add(node.name)
        elif isinstance(node, (jinja2.nodes.Assign, jinja2.nodes.AssignBlock, jinja2.nodes.Import)):
            target = node.target
            if isinstance(target, str):
                names.add(target)
            else:
                names.update(
                    n.name for n in [target, *target.find_all(jinja2.nodes.Name)] if isinstance(n, jinja2.nodes.Name)
                )
        elif isinstance(node, jinja2.nodes.FromImport):
            names.update(n if isinstance(n, str) else n[1] for n in node.names)
        elif isinstance(node, jinja2.nodes.If):  # an `if` at the top keeps its `set`s at the top
            names |= _defined_names([*node.body, *node.elif_, *node.else_])
    return names


def _template_loc(name: str, line: int | None) -> Loc:
    return Loc(f"{project.LAYOUTS_DIR}/{name}", line or 0, 1 if line else 0)  # Jinja gives no column


def attribute_text(value: Any) -> Markup:
    """Return a value as escaped plain text, for an attribute: markup keeps only its words.

    Autoescape trusts markup, and a translated template string is markup: inside `title="…"` its
    quotes would end the attribute and add others (`onfocus`, `style`). Here nothing is trusted.
    """
    if hasattr(value, "__html__"):
        value = Markup(value.__html__()).striptags()
    return escape(str(value))


def display_url(url: str) -> str:
    """Return a URL as printed: without the scheme, 'www.' or a trailing slash."""
    text = re.sub(r"^https?://(www\.)?", "", url)
    return text.rstrip("/")


def creation_time(edition: Edition) -> dt.datetime:
    """Return the documents' creation time: SOURCE_DATE_EPOCH if set, else the edition date."""
    return source_date() or dt.datetime.combine(edition.settings.edition, dt.time(0, 0), dt.timezone.utc)


def draft_title(title: str, word: str) -> str:
    """Return a title as a draft's ends, "… · Draft" (`word`, the draft band's first word in the
    title's language), or as it is in a release, where `word` is empty: PDFs and site pages alike."""
    return f"{title} · {word}" if word else title


class Renderer:
    """Renders one language's PDF chunks and site pages."""

    def __init__(self, edition: Edition, localizer: Localizer, env: jinja2.Environment, *, draft: bool = True):
        self.edition = edition
        self.draft = draft
        """A draft edition: a band on every site page and PDF page (the PDF's from the folio sheet)."""
        self.localizer = localizer
        self.lang = localizer.lang
        self.env = env
        self.created = creation_time(edition).strftime("%Y-%m-%dT%H:%M:%SZ")
        s = edition.settings
        self.report_title = localizer.marked(s.title)
        """The title in this language; in a template, English marked `lang="en"` where it falls back."""
        self.keywords = [localizer.plain(k) for k in s.keywords]
        self.labels = LayoutModule(env, "partials/labels.html")
        self.places = LayoutModule(env, "partials/place.html")
        self.maps = Maps(edition)

    def citer(self, mode: str, href: Callable[[Source], str]) -> Citer:
        """Return a citer for one page or chunk: print footnotes or the site's numbered notes."""
        return Citer(dict(self.edition.sources), mode, href, self.localizer)

    def common(self, citer: Citer) -> dict[str, Any]:
        """Return the template context every page and chunk of this language shares."""
        s = self.edition.settings
        return {
            "lang": self.localizer.lang,
            "settings": s,
            "report_title": self.report_title,
            "publisher": s.publisher,
            "contact": s.contact,
            "keywords": self.keywords,
            "created": self.created,
            "draft": self.draft,  # only the site's templates show it: a chunk is the same in both editions
            "prose": citer.prose,  # localized prose with its citations
            "cite": citer.claim,
            "noted": citer.noted,  # a claim's note call where the language puts it
            "notes": lambda: citer.notes,
            "sources_used": lambda: list(citer.used.values()),
            "maps": self.maps,
        }

    def chapter_context(self, facility: Facility, number: int, mode: str) -> tuple[dict[str, Any], Citer]:
        """Return the template context for a facility chapter, in print or site mode, and its citer."""
        if mode == "pdf":
            citer = self.citer(mode, lambda src: f"#{facility.id}-src-{src.id}")
            anchor = lambda src: f"{facility.id}-src-{src.id}"  # noqa: E731
        else:
            citer = self.citer(mode, lambda src: f"#src-{src.id}")
            anchor = lambda src: f"src-{src.id}"  # noqa: E731
        context = self.common(citer) | {
            "facility": facility,
            "chapter_no": number,
            "mode": mode,
            "source_anchor": anchor,
            "image_src": image_src(facility, mode),
        }
        return context, citer

    def chapter_chunk(self, facility: Facility, number: int) -> ChunkHtml:
        """Return the PDF chunk for one facility chapter."""
        context, citer = self.chapter_context(facility, number, "pdf")
        html = self.env.get_template("pdf/chapter.html").render(
            context
            | {
                "doc_title": f"{facility.name} · {self.report_title}",
                "description": self.facility_description(facility),
                "body_class": "chunk-chapter",
            }
        )
        assets = (f"{IMAGES_DIR}/{facility.image.src}",) if facility.image else ()
        key = f"{self.localizer.lang}/chapter/{facility.id}"
        calls = tuple(citer.calls)
        return ChunkHtml(key, self.localizer.lang, "chapter", facility.id, facility.name, html, assets, calls)

    def facility_description(self, facility: Facility) -> str:
        """Return the one-line description of a facility's chapter, as plain text for metadata."""
        # The macro's output is markup (the name escaped, an English fallback in a span): metadata
        # and attributes need the text, which templates then escape once.
        return self.labels["facility_description"](facility.name).striptags()

    def editors_note(self, facility: Facility) -> tuple[str, str]:
        """Return the editor's note of a chapter under review as plain text ("Editor's note: No source
        …", without the list doubt, which cites) and the language it prints in; ("", this language)
        for a chapter without one. A facility page's and PDF's description start with it."""
        note = self.labels["editors_note"](facility)
        return Markup(note).striptags(), self.localizer.language_of(note)

    def facility_title(self, facility: Facility) -> str:
        """Return a facility's name as its page's and its PDF's titles give it, as plain text: with the
        review mark while its chapter is under review ("Glades County Detention Center [under review]")."""
        mark = Markup(self.labels["facility_mark"](facility)).striptags()
        return f"{facility.name} {mark}" if mark else facility.name

    def status_label(self, facility: Facility) -> str:
        """Return a facility's status in words, as plain text ("Closed")."""
        return Markup(self.labels["status_labels"][facility.status.state]).striptags()

    def share_alt(self, facility: Facility) -> str:
        """Return what a facility's share image shows, as plain text (its alt text): the card's marks, its
        draft band in a draft, and its hashtags."""
        # The card's own macros (layouts/pdf/share.html), so the alt text and the image say the same.
        labels = self.labels
        name = Markup(facility.name + labels["list_mark"](facility.review.list_membership == "confirmed")).striptags()
        status = labels["status_labels"][facility.status.state] + labels["review_mark"](facility.status)
        status = Markup(status).striptags()
        note = Markup(labels["list_note"]([facility])).striptags()
        band = self.draft_words()[1]
        parts = [band] * self.draft + [f"{name}: {self.place(facility)}. {status}. {self.report_title}."]
        return " ".join([*parts, *[note] * bool(note), *self.edition.settings.hashtags])

    def draft_words(self) -> tuple[str, str]:
        """Return what the draft band says, as plain text: its first word ("Draft") and all its words
        ("Draft. Not the released edition: …"); both empty in a release (layouts/partials/draft.html)."""
        if not self.draft:
            return "", ""
        draft = LayoutModule(self.env, "partials/draft.html")
        return Markup(draft["word"]()).striptags(), Markup(draft["words"]()).striptags()

    def report_kind(self) -> str:
        """Return what the report is ("Report"), as plain text in this language: its citation's type."""
        return Markup(self.labels["report_kind"]()).striptags()

    def draft_title(self, title: str) -> str:
        """Return `title` marked as a draft's ("… · Draft", `draft_title`), or as it is in a release."""
        return draft_title(title, self.draft_words()[0])

    def draft_language(self) -> str:
        """Return the language the draft band's words print in: this one, or English where they fall back."""
        return self.localizer.language_of(LayoutModule(self.env, "partials/draft.html")["words"]())

    def place(self, facility: Facility) -> str:
        """Return where a facility is, in this language's words, as plain text: 'Ullin, condado de Pulaski, Illinois'."""
        return Markup(self.places["plain"](facility.location)).striptags()

    def share_card(self, facility: Facility) -> ChunkHtml:
        """Return the one-page PDF chunk of a facility's share image (layouts/pdf/share.html)."""
        html = self.env.get_template("pdf/share.html").render(
            lang=self.lang,
            facility=facility,
            report_title=self.report_title,
            place=self.place(facility),
            status=self.status_label(facility),
            hashtags=self.edition.settings.hashtags,
            draft=self.draft,
        )
        key = f"{self.lang}/share/{facility.id}"
        return ChunkHtml(key, self.lang, "share", facility.id, facility.name, html)

    def front_chunk(self, toc: Sequence[TocEntry]) -> ChunkHtml:
        """Return the PDF chunk with the cover, contents, notice and introduction."""
        citer = self.citer("pdf", lambda src: f"x-chunk:src-{src.id}")
        html = self.env.get_template("pdf/front.html").render(
            self.common(citer)
            | {
                "doc_title": self.report_title,
                "description": self.localizer.plain(self.edition.settings.subtitle),
                "body_class": "chunk-front",
                "facilities": self.edition.facilities,
                "toc": toc,
                "source_anchor": lambda src: f"src-{src.id}",
            }
        )
        lang = self.localizer.lang
        return ChunkHtml(f"{lang}/front", lang, "front", None, self.report_title, html, calls=tuple(citer.calls))

    def back_chunk(self) -> ChunkHtml:
        """Return the PDF chunk with how to support, acknowledgments, the sources the edition cites and the back cover."""
        citer = self.citer("pdf", lambda src: f"#src-{src.id}")
        cited = self.edition.cited_ids()
        html = self.env.get_template("pdf/back.html").render(
            self.common(citer)
            | {
                "doc_title": self.report_title,
                "description": self.localizer.plain(self.edition.settings.subtitle),
                "body_class": "chunk-back",
                "all_sources": bibliography_order(s for s in self.edition.sources.values() if s.id in cited),
                "source_anchor": lambda src: f"src-{src.id}",
            }
        )
        lang = self.localizer.lang
        return ChunkHtml(f"{lang}/back", lang, "back", None, self.report_title, html, calls=tuple(citer.calls))

    def back_toc(self) -> list[tuple[str, str]]:
        """Return (anchor, title) for the back matter's TOC entries."""
        # Kept as markup: a title that fell back to English carries its lang span into the TOC.
        anchors = ("support", "acknowledgments", "bibliography")
        return [(anchor, Markup(self.labels["back_matter_title"](anchor))) for anchor in anchors]

    def folio_sheet(self, folios: Sequence[tuple[str, int]], standalone: bool = False) -> str:
        """Return the HTML of a folio sheet: one page per (style, number), each with the draft band of a draft.

        A page of style "band" holds only the band (for the covers, which have no folio). A
        `standalone` sheet (a facility's own PDF) also names the report, publisher and edition.
        """
        s = self.edition.settings
        return self.env.get_template("pdf/folios.html").render(
            lang=self.lang,
            draft=self.draft,
            folios=[{"style": style, "number": number} for style, number in folios],
            standalone=standalone,
            report_title=self.report_title,
            publisher=s.publisher,
            settings=s,
        )


def image_src(facility: Facility, mode: str) -> str | None:
    """Return the URL of a facility's image: in the project for the PDF, beside the pages on the site."""
    if facility.image is None:
        return None
    name = quote(facility.image.src)
    if mode == "pdf":
        return f"../../{IMAGES_DIR}/{name}"  # chunk HTML is resolved against layouts/pdf/
    return f"../{SITE_IMAGES_DIR}/{name}"


def bibliography_order(sources: Iterable[Source]) -> list[Source]:
    """Return sources ordered for the bibliography: by publisher, then date, then title."""

    def key(source: Source) -> tuple:
        date = source.date.earliest() if source.date else dt.date.min
        return (" ".join(source.publisher).casefold(), date, source.title.casefold(), source.id)

    return sorted(sources, key=key)


__all__ = [
    "ChunkHtml",
    "Citer",
    "Renderer",
    "TocEntry",
    "compile_layouts",
    "environment",
    "escape",
    "LAYOUT_NAMES",
    "LayoutModule",
    "template_error",
    "template_findings",
]
