"""The `build` verb: gather, then emit `dist/`, reading top to bottom.

An error in the gather phase lays out nothing; each language's PDFs are then laid out and
assembled on its own thread, the site rendered while the reports assemble, and the edition
published. The order of work and the design: docs/architecture.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
import signal
import time
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping, Protocol

from .. import cache, project, publish, stamp
from ..errors import UsageError
from ..findings import Finding, Loc, Policy, count, error, has_errors, promoted, warning
from ..publish import Output
from ..render import search

if TYPE_CHECKING:
    from ..content.model import Edition, Facility, ReportSettings
    from ..pdf.assemble import Metadata, Part
    from ..pdf.paginate import Chunk, Job, Paginator
    from ..render.html import Renderer, TocEntry
    from .gather import Gathered

LEFT_AS_IT_WAS = "build interrupted; dist/ was left as it was"
ALREADY_NEW = "build interrupted; dist/ already holds the new build"


@dataclass(frozen=True)
class BuildOptions:
    """What `build` is asked: the date, the languages (empty: all), the policy, worker processes
    and how far below this process they run (`Layout.nice`)."""

    today: dt.date
    languages: tuple[str, ...] = ()
    policy: Policy = Policy()
    jobs: int | None = None
    nice: int = 0


class Progress(Protocol):
    """Where the build reports chunks: announced (`add`), then each done (`tick`)."""

    def add(self, count: int) -> None: ...

    def tick(self, key: str, cached: bool) -> None: ...


class _Silent:
    def add(self, count: int) -> None:
        pass

    def tick(self, key: str, cached: bool) -> None:
        pass


@dataclass(frozen=True)
class Built:
    """How a build ended: its state, its findings (policy applied), coverage tables and summary line."""

    state: Literal["built", "up-to-date", "failed", "interrupted"]
    findings: tuple[Finding, ...] = ()
    summary: str = ""
    coverage: tuple[str, ...] = ()
    """The translation coverage tables `check` prints, one per language (`coverage.coverage_table`)."""
    gathered: Gathered | None = None
    """The gather phase's record when it stopped the build (`release` makes its checklist from it)."""
    unrecorded: OSError | None = None
    """Why the build could not record itself in .cache/ after dist/ was published (a full disk, a
    refused write): the next build will not know that dist/ is up to date."""


def build(
    root: Path, options: BuildOptions, progress: Progress | None = None, waiting: Callable[[str], None] | None = None
) -> Built:
    """Build dist/ for the project under `root` and return how it ended.

    The whole build holds the project's lock (`waiting` hears it when another build has it).
    Ctrl-C stops the workers and deletes the unpublished folder: dist/ stays as it was.
    """
    before: str | None | object = _UNREAD
    try:
        with publish.lock(root, waiting or (lambda message: None)):
            publish.recover(root)
            before = publish.current(root)
            try:
                return _build(root, options, progress or _Silent())
            except KeyboardInterrupt:
                if publish.current(root) != before:
                    return Built("interrupted", summary=ALREADY_NEW)
                before = _UNREAD  # decided holding the lock: dist/ is as it was
                raise
    except KeyboardInterrupt:
        # Before the lock was held, or as it was let go: after a build that published, dist/ holds
        # the new build (it was said to be "left as it was").
        if before is not _UNREAD and publish.current(root) != before:
            return Built("interrupted", summary=ALREADY_NEW)
        return Built("interrupted", summary=LEFT_AS_IT_WAS)


_UNREAD = object()
"""What `build` knows of dist/ before it holds the lock: nothing it can have changed yet."""


def _build(root: Path, options: BuildOptions, progress: Progress) -> Built:
    """Build and publish, holding the lock."""
    started = time.perf_counter()
    settings = {"lang": sorted(options.languages), "release": options.policy.release, "strict": options.policy.strict}
    record = stamp.unchanged(root, settings)
    if record is not None:
        findings = tuple(Finding.from_dict(f) for f in record["findings"])
        summary = f"dist/ is up to date ({time.perf_counter() - started:.2f}s)"
        summary += _kept(publish.older_languages(root / project.DIST_DIR), root / project.DIST_DIR)
        summary += _missing(publish.missing_languages(root / project.DIST_DIR))
        return Built("up-to-date", findings, summary, tuple(record.get("coverage", ())))

    edition_kind = "release" if options.policy.release else "draft"
    publish.refuse_strangers(root)  # before the build's minutes, not only where it publishes
    _refuse_mixed(root, options.languages, edition_kind)
    # What the build is made from, hashed before it reads any of it: a file saved while it runs is
    # then a change to the next build (and to `export`), never recorded as built.
    emit_digest = stamp.content_digest(root, stamp.EMIT_GLOBS)
    shared = stamp.content_digest(root, stamp.SHARED_GLOBS)
    catalogs = stamp.language_digests(root, shared)
    from ..pdf.paginate import Layout, Paginator  # WeasyPrint: not on the no-op path

    paginator = Paginator(Layout(root, root / project.CACHE_DIR, options.jobs or os.cpu_count() or 1, options.nice))
    paginator.start()  # first: the fork server loads WeasyPrint while this process imports the rest and gathers
    from ..i18n.coverage import coverage_table  # Babel: not on the no-op path
    from .gather import GatherOptions, gather

    gathered = gather(root, GatherOptions(options.today, options.languages, options.policy, load_stylesheets=False))
    coverage = tuple(coverage_table(c) for c in gathered.coverage.values())
    if not gathered.ok:
        return replace(_failed(gathered.findings, coverage, gathered.alone), gathered=gathered)
    assert gathered.edition is not None
    from ..render.html import creation_time  # Jinja: not on the no-op path

    created = creation_time(gathered.edition).strftime("%Y-%m-%dT%H:%M:%SZ")  # the PDFs' creation date
    _refuse_dated(root, options.languages, created)  # before the build's minutes
    try:
        emitted = emit(root, gathered, paginator, progress, draft=edition_kind == "draft")
    except Exception as exc:  # a layout's own mistake, known only as it renders: a finding, not a crash
        failed = _template_failed(root, options, gathered, exc, coverage)
        if failed is None:
            raise  # not a template's: a bug in the tool
        return failed
    findings = tuple(options.policy.apply([*gathered.findings, *emitted.findings]))
    if has_errors(findings) or emitted.outputs is None:
        return _failed(findings, coverage)
    produced = {o.lang for o in emitted.outputs if o.lang}
    keep = frozenset(gathered.edition.settings.languages) - produced
    languages = gathered.edition.settings.languages
    content = {lang: stamp.built_from(shared, catalogs, lang) for lang in languages}
    result = publish.publish(root, emitted.outputs, keep, edition_kind, created, content, languages)
    older = publish.older_languages(root / project.DIST_DIR)
    printed = [f.as_dict() for f in findings]
    try:
        stamp.save(root, settings, gathered.reads, emit_digest, printed, list(coverage))
    except (project.DiskFull, project.NotWritable) as exc:  # dist/ is published: the summary says so, and this
        unrecorded: OSError | None = exc
    else:
        unrecorded = None
    kinds = Counter(o.kind for o in emitted.outputs if o.lang)
    summary = (
        f"built {', '.join(sorted(produced))} ({edition_kind}): {count(kinds['report-pdf'], 'report')},"
        f" {count(kinds['facility-pdf'], 'dossier')}, {count(kinds['page'], 'page')}"
        f" in {time.perf_counter() - started:.1f} s (dist/: {len(result.written)} written,"
        f" {len(result.unchanged)} unchanged, {len(result.removed)} removed;"
        f" chunks: {emitted.rendered} rendered, {emitted.reused} from cache)"
    )
    missing = _missing(publish.missing_languages(root / project.DIST_DIR))
    return Built(
        "built", findings, summary + _kept(older, root / project.DIST_DIR) + missing, coverage, unrecorded=unrecorded
    )


def _kept(older: list[str], dist: Path) -> str:
    """Return what the summary adds about the languages kept from a build of earlier content, if
    any, and the language links between pages of `dist/` that lead nowhere for it."""
    if not older:
        return ""
    said = f"; {', '.join(older)} kept from a build of earlier content"
    if unmatched := publish.unmatched_pages(dist):
        page, counterpart = unmatched[0]
        more = f" and {count(len(unmatched) - 1, 'more link')}" if len(unmatched) > 1 else ""
        said += f" (links lead nowhere: {page} to {counterpart}{more})"
    return said + ": build every language before you export"


def _missing(languages: list[str]) -> str:
    """Return what the summary adds about the report's languages dist/ holds nothing of, if any."""
    if not languages:
        return ""
    it = "it" if len(languages) == 1 else "them"
    return (
        f"; dist/ has no {', '.join(languages)}: links to {it} lead nowhere until you build every language"
        " (leave out --lang)"
    )


@dataclass(frozen=True)
class Paged:
    """The site rendered from the gather phase alone: its pages and assets (no PDF), or why not.

    `failed` is what the build would say about the same files when the gather phase (or the
    rendering) found an error: the build itself need not run.
    """

    outputs: tuple[Output, ...]
    findings: tuple[Finding, ...]
    summary: str
    failed: Built | None = None
    partial: bool = False  # only the saved dossiers' pages: the rest of the site is still to render


def pages(root: Path, options: BuildOptions, saved: frozenset[str] = frozenset()) -> Paged:
    """Gather, then render the HTML site without laying out a PDF: its download links say "PDF updating".

    If every file in `saved` (project-relative) is a dossier of the edition, only those
    facilities' pages are rendered (`partial`), exactly as the whole site would have them: the
    preview shows them first, then asks for the rest. The findings are the whole gather phase's.

    Writes nothing but the caches the gather phase keeps (parsed catalogs, compiled templates),
    and takes no lock: `serve` shows these pages before the build (which holds the lock) has
    published the edition they belong to.
    """
    started = time.perf_counter()
    from ..i18n.coverage import coverage_table  # Babel
    from ..render.site import facility_pages, home_pages, site_pages  # Jinja
    from .gather import GatherOptions, gather

    gathered = gather(root, GatherOptions(options.today, options.languages, options.policy, load_stylesheets=False))
    coverage = tuple(coverage_table(c) for c in gathered.coverage.values())
    if not gathered.ok:
        failed = _failed(gathered.findings, coverage)
        return Paged((), failed.findings, failed.summary, failed)
    edition = gathered.edition
    assert edition is not None
    renderers = _renderers(root, gathered, draft=not options.policy.release)
    updating: dict[tuple[str | None, str | None], tuple[str, int | None, int | None]] = {}
    for lang in renderers:
        updating[(lang, None)] = (project.report_pdf_path(lang), None, None)
        updating |= {(lang, f.id): (project.facility_pdf_path(lang, f.id), None, None) for f in edition.facilities}
    dossiers = {f.path: f.id for f in edition.facilities}
    first = frozenset(dossiers[path] for path in saved if path in dossiers) if saved <= dossiers.keys() else None
    try:
        if first:
            outputs = facility_pages(root, edition, renderers, updating, first)
        else:
            outputs = site_pages(root, edition, renderers, updating, gathered.coverage)
            outputs += home_pages(edition, renderers, updating)
    except Exception as exc:  # as the build says it
        rendering = _template_failed(root, options, gathered, exc, coverage)
        if rendering is None:
            raise
        return Paged((), rendering.findings, rendering.summary, rendering)
    localized = [f for renderer in renderers.values() for f in renderer.localizer.findings]
    findings = tuple(options.policy.apply([*gathered.findings, *localized]))
    if has_errors(findings):
        failed = _failed(findings, coverage)
        return Paged((), findings, failed.summary, failed)
    seconds = f"{time.perf_counter() - started:.2f} s"
    if first:
        names = ", ".join(f.path for f in edition.facilities if f.id in first)
        return Paged(
            tuple(outputs), findings, f"pages of {names} rendered in {seconds}; the rest updating", partial=True
        )
    return Paged(tuple(outputs), findings, f"pages of {', '.join(renderers)} rendered in {seconds}; PDFs updating")


def _kept_languages(dist: Path, languages: tuple[str, ...]) -> list[str]:
    """Return the languages of the edition in `dist` that a build of `languages` alone would keep."""
    kept = {str(e.get("language")) for e in publish.read_manifest(dist).values() if e.get("language")}
    return sorted(kept - set(languages))


def _refuse_mixed(root: Path, languages: tuple[str, ...], edition: str) -> None:
    """Raise UsageError if building only `languages` would keep other languages of another kind of edition."""
    dist = root / project.DIST_DIR
    previous = publish.read_edition(dist)
    if not languages or previous in (None, edition):
        return
    if others := _kept_languages(dist, languages):
        raise UsageError(
            f"dist/ holds a {previous} edition: a {edition} of {', '.join(languages)} alone would leave"
            f" {', '.join(others)} a {previous}; build every language (leave out --lang)"
        )


def _refuse_dated(root: Path, languages: tuple[str, ...], created: str) -> None:
    """Raise UsageError if building only `languages`, with the PDFs created at `created`, would keep
    other languages whose PDFs carry another date: the manifest states one "created" for them all."""
    dist = root / project.DIST_DIR
    previous = publish.read_created(dist)
    if not languages or previous in (None, created):
        return
    if others := _kept_languages(dist, languages):
        why = "SOURCE_DATE_EPOCH" if project.source_date() else "report.yaml's edition date"
        raise UsageError(
            f"dist/ holds an edition created {previous}: {', '.join(languages)} alone, created {created} ({why}),"
            f" would leave {', '.join(others)} created {previous}; build every language (leave out --lang)"
        )


def _template_failed(
    root: Path, options: BuildOptions, gathered: Gathered, exc: Exception, coverage: tuple[str, ...]
) -> Built | None:
    """Return the failure a template that failed as it rendered makes: its error at its line, after the
    gather phase's; None if no template is at fault (`template_error`)."""
    from ..render.html import template_error  # Jinja

    found = template_error(root, exc)
    if found is None:
        return None
    return _failed(tuple(options.policy.apply([*gathered.findings, found])), coverage)


def _failed(findings: tuple[Finding, ...], coverage: tuple[str, ...] = (), alone: tuple[str, ...] = ()) -> Built:
    from .gather import alone_note

    errors = count(sum(f.level == "error" for f in findings), "error")
    notes = [note for note in (promoted(findings), alone_note(alone)) if note]
    if notes:
        errors += f" ({'; '.join(notes)})"
    return Built("failed", findings, f"build failed with {errors}: nothing was written to dist/", coverage)


# -- emit ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Emitted:
    """What the emit phase made: every output (None if a finding stopped it), its findings, chunk counts."""

    outputs: list[Output] | None
    findings: tuple[Finding, ...]
    rendered: int = 0
    reused: int = 0


@dataclass(frozen=True)
class Queued:
    """A language's body, queued for layout: each chapter's future (in chapter order) and the back matter's."""

    renderer: Renderer
    chapters: tuple[Future, ...]
    back: Future


@dataclass(frozen=True)
class Body:
    """A language's laid-out body: chapters in order, the back matter, and the printed number of each start."""

    chapters: tuple[Chunk, ...]
    back: Chunk
    starts: tuple[int, ...]  # each chapter's first printed page
    back_start: int

    @property
    def pages(self) -> int:
        return sum(c.pages for c in self.chapters) + self.back.pages


@dataclass(frozen=True)
class LanguagePdfs:
    """A language's PDF assemblies (started, or found in the cache) and the findings of its chunks."""

    lang: str
    findings: tuple[Finding, ...]
    facilities: tuple[Assembly, ...] = ()
    report: Assembly | None = None


def emit(root: Path, gathered: Gathered, paginator: Paginator, progress: Progress, draft: bool = True) -> Emitted:
    """Render, lay out and assemble every language's PDFs, then render the site; return them in memory.

    A draft has a band on every page: in the site's templates, and on each PDF page from the folio
    sheets, so that the chunks (and their cache entries) are the same in a draft and a release.
    """
    from ..pdf.glyphs import located_fallbacks
    from ..pdf.paginate import once_per_font
    from ..render.data import data_outputs
    from ..render.html import compile_layouts
    from ..render.site import site_pages

    edition = gathered.edition
    assert edition is not None
    cache_dir = root / project.CACHE_DIR
    renderers = _renderers(root, gathered, draft)
    paginator.progress = progress.tick
    paginator.budget = edition.settings.layout_budget
    with paginator:
        # Each language's chapters and back matter, front matter, three folio sheets and share cards.
        progress.add(len(renderers) * (len(edition.facilities) + 5 + len(edition.facilities)))
        queued = _queue_bodies(edition, renderers, paginator, gathered.reads)
        # One thread per language, started before the share cards are rendered and queued, and one
        # that turns the cards into images as they come in (while the workers lay out the last
        # language's front matter).
        threads = ThreadPoolExecutor(max_workers=len(queued) + 1, thread_name_prefix="language")
        try:
            futures = [threads.submit(_language_pdfs, edition, q, paginator, progress, cache_dir) for q in queued]
            cards = [
                _queue_share_card(renderer, f, paginator) for renderer in renderers.values() for f in edition.facilities
            ]
            images = threads.submit(_share_images, cards, cache_dir)
            compile_layouts(next(iter(renderers.values())).env)  # for the site, while this process waits
            laid_out = [future.result() for future in futures]
            shares, share_findings = images.result()
        finally:
            threads.shutdown(wait=False, cancel_futures=True)  # after Ctrl-C, the paginator cancels what they wait on
        laid_out_findings = [f for language in laid_out for f in language.findings] + share_findings
        findings = once_per_font(located_fallbacks(root, laid_out_findings, cache_dir))
        findings += [f for renderer in renderers.values() for f in renderer.localizer.findings]
        counts = {"rendered": paginator.rendered, "reused": paginator.reused}
        if has_errors(findings):
            return Emitted(None, tuple(findings), **counts)
        # The facility PDFs come first: the site pages that need only them are rendered while the
        # reports are still being assembled.
        facility_pdfs, problems = _collect([a for language in laid_out for a in language.facilities], cache_dir)
        reports = [language.report for language in laid_out if language.report is not None]
        with _Apart(reports, paginator) as apart:  # reports too big for a worker, assembled beside the site
            if problems:
                findings += problems + _collect(apart.reports, cache_dir)[1]
                return Emitted(None, tuple(findings), **counts)
            outputs = facility_pdfs + shares + data_outputs(edition)
            outputs += site_pages(root, edition, renderers, _pdf_info(facility_pdfs), gathered.coverage)
            hidden = SiteHidden(root, cache_dir, paginator)
            hidden.ask(outputs)  # the workers check these pages while this process finishes the rest
            finished, more = _finish_languages(edition, renderers, apart.reports, outputs, cache_dir)
            hidden.ask(finished)
            on_site = hidden.findings(finished)
    more += _unchecked_images(gathered, finished) + on_site
    findings += more
    return Emitted(None if has_errors(more) else finished, tuple(findings), **counts)


def _unchecked_images(gathered: Gathered, outputs: list[Output]) -> list[Finding]:
    """Return a `pdf.changed` error for each dossier image the site would publish with other bytes than
    the gather phase checked (`Gathered.reads`), or not at all: a file saved after `check` read it."""
    assert gathered.edition is not None
    published = {o.path: o.data for o in outputs if o.kind == "image"}
    found = []
    for src in sorted({f.image.src for f in gathered.edition.facilities if f.image is not None}):
        data, rel = published.get(f"{project.SITE_IMAGES_DIR}/{src}"), f"{project.IMAGES_DIR}/{src}"
        if data is None or hashlib.sha256(data).hexdigest() != gathered.reads.get(rel):
            message = (
                "this image changed after the build checked it, and the site would publish an image nobody checked"
            )
            found.append(error("pdf.changed", Loc(rel), f"{message}: build again"))
    return found


class SiteHidden:
    """The `site.hidden` errors of the site's pages: at each declaration of the stylesheets a page
    loads that hides a review mark, an editor's note, the draft band or the name of a person who
    died in custody on it, on a screen or when a reader prints the page (`verify.site_hidden`), or
    that the tool cannot tell leaves it visible (saying what to write instead), once per
    declaration, with the first element it hides and how many more pages it hides one on. The
    stylesheets a page may link are those of layouts/css the site publishes
    (`sandbox.asset_paths`), each with its imports.

    Each page's answer is kept in the cache, keyed by the page and every stylesheet it may link:
    an edit asks again only of the pages it changed. A build asks the layout workers (`ask`) as
    soon as it has rendered a page, while it renders the rest and publishes the reports: a cold
    build's 24 pages took 0.6 s of its last second, with the workers idle. A page not asked, or
    whose question the paginator cancelled (it was closed), is answered here.
    """

    def __init__(self, root: Path, cache_dir: Path, paginator: Paginator | None = None):
        from ..pdf import verify
        from ..pdf.paginate import sheet_texts
        from ..render.site import asset_address
        from ..sandbox import asset_paths

        self.cache_dir, self.paginator = cache_dir, paginator
        self.published = {
            asset_address(path): sheet_texts(str(root), path.stem)
            for path in asset_paths(root)
            if path.suffix == ".css"
        }
        self.code = cache.fingerprint(verify.__name__)
        self.texts = [
            part
            for name, sheets in sorted(self.published.items())
            for path, text, media in sheets
            for part in (name, path, text, repr(media))
        ]
        self.asked: dict[tuple[str, bytes], Future] = {}

    def _question(self, page: Output) -> tuple[Any, ...]:
        from ..pdf import verify

        key = cache.key_of(self.code, page.path, page.data, *self.texts)
        return (self.cache_dir, "site-hidden", key, verify.site_hidden, page.data, self.published, page.path)

    def ask(self, outputs: list[Output]) -> None:
        """Hand the site pages among `outputs` that the cache has no answer for to the layout workers.

        A page answered in the cache is not asked: its answer is read here, once, and a build whose
        chunks all come from the cache starts no worker for it (one whose disk is full would fail to
        start, and the build could not get as far as saying where the disk refused it).
        """
        if self.paginator is None:
            return
        for page in outputs:
            if page.path.endswith(".html") and (page.path, page.data) not in self.asked:
                question = self._question(page)
                known = cache.recall(*question[:4])
                if known is cache.MISS:
                    self.asked[(page.path, page.data)] = self.paginator.call(cache.memoize, *question)
                else:
                    answered: Future = Future()
                    answered.set_result(known)
                    self.asked[(page.path, page.data)] = answered

    def _answer(self, page: Output) -> Answers:
        asked = self.asked.get((page.path, page.data))
        if asked is None or asked.cancelled():
            return cache.memoize(*self._question(page))
        return asked.result()

    def findings(self, outputs: list[Output]) -> list[Finding]:
        """Return the errors of the site pages among `outputs`, in their order."""
        from ..pdf import verify

        # (class, where, what to write instead) -> media, page -> first anchor
        hidden: dict[tuple[str, Loc | None, str], tuple[set[str], dict[str, str]]] = {}
        for page in outputs:
            if page.path.endswith(".html"):
                for medium, name, anchor, where, doubt in self._answer(page):
                    media, places = hidden.setdefault((name, where, doubt), (set(), {}))
                    media.add(medium)
                    places.setdefault(page.path, anchor)
        by_template = {
            verify.STYLE_ELEMENT: "a <style> element of a template",
            verify.LINK_ELEMENT: "a stylesheet a template links or imports",
            verify.SCRIPT_ELEMENT: "a script of a template",
        }
        found = []
        for (name, where, doubt), (media, places) in hidden.items():
            one, all_ = verify.TRUSTED[name]
            when = verify.SITE_MEDIA["screen" if "screen" in media else "print"]
            first, more = next(iter(places.items())), len(places) - 1
            pages = " ".join(first) + (f", and on {more} more page{'s' * (more > 1)}" if more else "")
            if where is None or where.path in by_template:
                by = "a template's HTML (an element or attribute)" if where is None else by_template[where.path]
                if doubt:
                    message = f"the tool cannot tell that {by} leaves {one} visible {when} ({pages}): {doubt}"
                else:
                    message = f"{by} hides {one} {when} ({pages}), which readers must see"
                found.append(error("site.hidden", Loc(project.LAYOUTS_DIR), message))
            elif doubt:
                message = f"the tool cannot tell that this declaration leaves {all_} visible {when} ({pages}): {doubt}"
                found.append(error("site.hidden", where, message))
            else:
                message = f"this rule hides {all_} {when} ({pages}), which readers must see"
                found.append(error("site.hidden", where, message))
        return found


Answers = list[tuple[str, str, str, "Loc | None", str]]
"""`verify.site_hidden`'s answers for one page: (medium, trusted class, anchor, where, doubt)."""


def _finish_languages(
    edition: Edition, renderers: dict[str, Renderer], reports: list[Assembly], outputs: list[Output], cache_dir: Path
) -> tuple[list[Output], list[Finding]]:
    """Return the outputs with each language's report, home page and search bundle, and their findings.

    The reports come in language order. As each is assembled, its language's home page (which
    gives the report's size) is rendered, and then its search bundle is made on a thread while the
    next report is awaited.
    """
    from ..render.site import home_pages

    outputs = list(outputs)
    indexer, findings = _indexer()
    indexing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search")
    try:
        searches = []
        for report in reports:
            lang = report.target.lang
            assert lang is not None
            pdfs, problems = _collect([report], cache_dir)
            findings += problems
            if problems:
                continue
            outputs += pdfs
            outputs += home_pages(edition, {lang: renderers[lang]}, _pdf_info(outputs))
            if indexer is not None:
                pages = [o for o in outputs if o.kind == "page" and o.lang == lang]
                searches.append(indexing.submit(_search_bundle, lang, pages, indexer, cache_dir))
        for searched in searches:
            bundle, problems = searched.result()
            outputs += bundle
            findings += problems
    finally:
        indexing.shutdown(wait=False, cancel_futures=True)
    return outputs, findings


def _indexer() -> tuple[Path | None, list[Finding]]:
    """Return the Pagefind indexer, or None and the warning that the site has no search."""
    indexer = search.executable()
    if indexer is not None:
        return indexer, []
    message = "the Pagefind indexer is missing (run `make build` to install pagefind[bin]): the site has no search"
    return None, [warning("site.search", Loc("pyproject.toml"), message)]


def _search_bundle(
    lang: str, pages: list[Output], indexer: Path, cache_dir: Path
) -> tuple[list[Output], list[Finding]]:
    """Return a language's search bundle, made from all its pages (in memory), or why there is none."""
    indexed = search.search_bundle(lang, pages, indexer, cache_dir)
    if indexed.problem:
        return [], [error("site.search", Loc("pyproject.toml"), f"{lang}: {indexed.problem}")]
    return list(indexed.outputs), []


def _renderers(root: Path, gathered: Gathered, draft: bool) -> dict[str, Renderer]:
    """Return a renderer per language gathered; a draft's pages carry the Draft band."""
    from ..render.html import Renderer, environment

    edition = gathered.edition
    assert edition is not None
    return {
        lang: Renderer(edition, localizer, environment(root, localizer), draft=draft)
        for lang, localizer in gathered.localizers.items()
    }


def _queue_bodies(
    edition: Edition, renderers: dict[str, Renderer], paginator: Paginator, checked: Mapping[str, str]
) -> list[Queued]:
    """Queue every language's chapters and back matter, each as soon as it is rendered; return
    each language's futures, in chapter order.

    The chapters are rendered facility by facility, in every language, so that an edited chapter
    starts at once wherever it is in the report. Waiting ones start language by language, longest
    first (`rank`). A chapter is laid out with its image as the gather phase checked it (`checked`,
    each file's hash by project path), or fails.
    """
    from ..pdf.paginate import Job

    chapters: dict[str, list[Future]] = {lang: [] for lang in renderers}
    ranks = {lang: index for index, lang in enumerate(renderers)}

    def queue(lang: str, job: Job) -> Future:
        return paginator.lay_out(job, rank=(ranks[lang], -len(job.html)))

    for number, facility in enumerate(edition.facilities, 1):
        for lang, renderer in renderers.items():
            chunk = renderer.chapter_chunk(facility, number)
            places = _places(edition.settings, renderer.localizer.where(edition.settings.title), facility) + chunk.calls
            hashes = tuple(checked.get(asset, "") for asset in chunk.assets)
            job = Job(chunk.key, chunk.html, facility.path, "print", assets=chunk.assets, checked=hashes, places=places)
            chapters[lang].append(queue(lang, job))
    queued = []
    for lang, renderer in renderers.items():
        back = renderer.back_chunk()
        queued.append(
            Queued(
                renderer,
                tuple(chapters[lang]),
                queue(
                    lang,
                    Job(back.key, back.html, project.REPORT_FILE, "print", places=_title_places(renderer) + back.calls),
                ),
            )
        )
    return queued


def _places(settings: ReportSettings, title: Loc, facility: Facility | None = None) -> tuple[tuple[str, Loc], ...]:
    """Return the regions of a chunk that print a value of report.yaml or of a facility's dossier, with
    where the value is written.

    Each hashtag, at its own item of the list: the cover's, the 'how to support' page's and the
    back cover's (`#cover-tags-<n>`, `#support-tags-<n>`, `#back-cover-tags-<n>`: pdf/front.html,
    pdf/back.html) and the share card's (`#tags-<n>`, pdf/share.html), the n-th hashtag printed.
    The report's title, at `title` (where the chunk's language's words for it are: report.yaml's
    `title:`, or its translation): the running head's left half (print.css's `string(report-title)`)
    and the share card's top line (`#report-title`). A facility's name: its chapter's heading
    (`#<id>-title`, partials/facility.html) and the running head's other half (the heading's
    `string-set`, print.css), and the share card's heading (`#name`); each timeline entry, death and
    development (`#<id>-<entry id>`), at the entry: where a note it calls is found when the chunk does
    not say where the note's call is written (`ChunkHtml.calls`, which a chunk's places add). A
    region a chunk does not have is never found in it.
    """
    tags = ("#cover-tags", "#support-tags", "#back-cover-tags", "#tags")
    hashtags = enumerate(settings.located_hashtags, 1)
    places = tuple((f"{region}-{n}", loc) for n, (_, loc) in hashtags for region in tags)
    places += ((TITLE_HEAD, title), ("#report-title", title))
    if facility is not None:
        names = (f"#{facility.id}-title", "the running head", "#name")
        places += tuple((region, facility.name_loc) for region in names)
        entries = [(e.id, e.loc) for e in facility.timeline] + [(d.id, d.loc) for d in facility.deaths]
        entries += [(d.id, d.loc) for d in facility.developments]
        places += tuple((f"#{facility.id}-{entry}", loc) for entry, loc in entries)
    return places


TITLE_HEAD = "the running head's report title"
"""The region of the running head that prints the report's title (`verify.overflows`, `_margin_region`)."""


def _title_places(renderer: Renderer) -> tuple[tuple[str, Loc], ...]:
    """Return the places of a chunk of the front or back matter in `renderer`'s language (`_places`)."""
    settings = renderer.edition.settings
    return _places(settings, renderer.localizer.where(settings.title))


@dataclass(frozen=True)
class ShareCard:
    """A facility's share card in one language, queued for layout."""

    lang: str
    facility: str
    name_loc: Loc  # the facility's name, where a card that takes a second page is reported
    chunk: Future


def _queue_share_card(renderer: Renderer, facility: Facility, paginator: Paginator) -> ShareCard:
    """Queue the one-page PDF of a facility's share image, after the language's body.

    The card clips what does not fit (layouts/css/share.css): words the report's title, the name,
    place and status push past its foot. What is clipped is usually the hashtags, but what grew is
    what takes more lines than it should, so all of it is one `share.size` error at whichever of
    the title, name, place and hashtags takes the most height past its first line (`Clip.parts`),
    saying what was clipped; at the name if none takes a second line.
    """
    from ..pdf.paginate import Clip, Job

    card = renderer.share_card(facility)
    settings = renderer.edition.settings
    title = renderer.localizer.where(settings.title)
    advice = "shorten the name, or the place or the hashtags (in report.yaml) printed under it"
    tags = settings.located_hashtags[0][1] if settings.located_hashtags else settings.loc
    parts = (
        ("#report-title", "the report's title", title),
        ("#name", "the name", facility.name_loc),
        ("#place", "the place", facility.location.loc),
        ("#tags", "the hashtags", tags),
    )
    job = Job(
        card.key,
        card.html,
        facility.path,
        "share",
        tagged=False,
        places=_places(settings, title, facility),
        clip=Clip("share.size", facility.name_loc, "the share image", advice, parts),
    )
    return ShareCard(renderer.lang, facility.id, facility.name_loc, paginator.lay_out(job))


def _share_images(cards: list[ShareCard], cache_dir: Path) -> tuple[list[Output], list[Finding]]:
    """Return each laid-out share card as a PNG (rasterized, or from the cache), and the cards' findings.

    A card must fit its one page: a name too long for it is an error, not a clipped image
    (what the card clips is already that error, `_queue_share_card`).
    """
    from ..pdf.raster import cached_png
    from ..render.site import SHARE_SIZE

    outputs, findings = [], []
    for card in cards:
        chunk = card.chunk.result()
        findings += chunk.findings
        if has_errors(chunk.findings):  # not laid out (over its time budget, say): that finding says so
            continue
        if chunk.pages != 1:
            message = f"{chunk.key}: the share image takes {chunk.pages} pages; it must fit one: shorten the name, or the place or hashtags printed under it"
            findings.append(error("share.size", card.name_loc, message))
            continue
        png, size = cached_png(cache_dir, chunk.pdf)
        if size != SHARE_SIZE:
            findings.append(error("share.size", card.name_loc, f"{chunk.key}: {size[0]} x {size[1]} px"))
            continue
        outputs.append(
            Output(project.share_image_path(card.lang, card.facility), png, "share-image", card.lang, 1, card.facility)
        )
    return outputs, findings


def _language_pdfs(
    edition: Edition, queued: Queued, paginator: Paginator, progress: Progress, cache_dir: Path
) -> LanguagePdfs:
    """Lay out one language's front matter and folio sheets once its body is laid out; start its assemblies.

    Runs on its own thread: each step waits for what it needs, so the first language's front
    matter, sheets and assemblies overtake the next language's queued chapters.
    """
    renderer = queued.renderer
    back = queued.back.result()  # usually before the chapters: an edit lays out chapters, seldom the back matter
    back_anchors = _anchor_pages(back.pdf) if back.pdf else {}  # while the workers lay out what is left
    chapters = [future.result() for future in queued.chapters]
    findings = [f for chunk in (*chapters, back) for f in chunk.findings]
    if not all(chunk.pdf for chunk in (*chapters, back)):  # one ran over its layout budget: no page plan
        return LanguagePdfs(renderer.lang, tuple(findings), (), None)
    body = _body(edition, chapters, back)
    front = renderer.front_chunk(_toc(edition, renderer, body, back_anchors))
    front_job = _job(front.key, front.html, project.REPORT_FILE, places=_title_places(renderer) + front.calls)
    front_future = paginator.lay_out(front_job, urgent=True)
    sheet_future = paginator.lay_out(_sheet(renderer, "folios", _body_folios(body, renderer.draft)), urgent=True)
    standalone_folios = [("decimal", n) for n in range(1, max(c.pages for c in body.chapters) + 1)]
    standalone = paginator.lay_out(
        _sheet(renderer, "standalone-folios", standalone_folios, standalone=True), urgent=True
    ).result()
    sheet = sheet_future.result()
    findings += sheet.findings + standalone.findings
    facilities: tuple[Assembly, ...] = ()
    if not has_errors(findings):  # the facility PDFs need only their own sheet
        facilities = tuple(_facility_assemblies(edition, renderer, body, standalone, paginator, cache_dir))
    front_chunk = front_future.result()
    findings += front_chunk.findings
    front_sheet = None
    if front_chunk.pages > 1:  # the cover has no folio: a one-page front matter needs no sheet
        front_folios = [("roman", number) for number in range(2, front_chunk.pages + 1)]
        front_sheet = paginator.lay_out(_sheet(renderer, "front-folios", front_folios), urgent=True).result()
        findings += front_sheet.findings
    else:
        progress.add(-1)
    report = None
    if not has_errors(findings):
        report = _report_assembly(edition, renderer, body, front_chunk, sheet, front_sheet, paginator, cache_dir)
    return LanguagePdfs(renderer.lang, tuple(findings), facilities, report)


def _job(
    key: str,
    html: str,
    source: str,
    stylesheet: str = "print",
    tagged: bool = True,
    places: tuple[tuple[str, Loc], ...] = (),
) -> Job:
    from ..pdf.paginate import Job

    return Job(key, html, source, stylesheet, tagged=tagged, places=places)


def _sheet(renderer: Renderer, name: str, folios: list[tuple[str, int]], standalone: bool = False) -> Job:
    """Return the job of a folio sheet: one untagged page per printed page number."""
    html = renderer.folio_sheet(folios, standalone)
    return _job(f"{renderer.lang}/{name}", html, "layouts/pdf/folios.html", "folios", tagged=False)


# -- page plan -------------------------------------------------------------------------------------


def _body(edition: Edition, chapters: list[Chunk], back: Chunk) -> Body:
    """Return the laid-out body with the printed number each chapter (and the back matter) starts on."""
    starts, page = [], 1
    for chapter in chapters:
        starts.append(page)
        page += chapter.pages
    return Body(tuple(chapters), back, tuple(starts), page)


def _anchor_pages(pdf: bytes) -> dict[str, int]:
    """Return the 0-based page of every named destination in a chunk PDF."""
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    pages = {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
    return {name: page for name, page in pages.items() if page is not None}  # None: a page not in this PDF


def _toc(edition: Edition, renderer: Renderer, body: Body, back_anchors: dict[str, int]) -> list[TocEntry]:
    from ..render.html import TocEntry

    entries = [
        TocEntry("chapter", f"{f.id}-title", f.name, str(start), number)
        for number, (f, start) in enumerate(zip(edition.facilities, body.starts, strict=True), 1)
    ]
    for anchor, title in renderer.back_toc():
        entries.append(
            TocEntry("back", f"{anchor}-title", title, str(body.back_start + back_anchors[f"{anchor}-title"]))
        )
    return entries


def _body_folios(body: Body, draft: bool) -> list[tuple[str, int]]:
    """Return the pages of the body's folio sheet: 1 up to the page before the back cover, then in a
    draft a page with the band alone, for the covers (`_band`)."""
    return [("decimal", number) for number in range(1, body.pages)] + ([("band", 0)] if draft else [])


def _band(body: Body, draft: bool) -> int | None:
    """Return the body sheet's page that a cover gets: the band alone in a draft, nothing in a release."""
    return len(_body_folios(body, draft)) - 1 if draft else None


# -- assembly --------------------------------------------------------------------------------------

# Assembling a full report takes about 22 times its chunks' bytes in memory (measured: 250 MiB
# for the 11.4 MB of a 200-facility edition's chunks, once `tags.simplify` has folded their
# wrappers). A report that fits the budget is assembled in a worker as soon as its language is
# laid out; a bigger one waits until the workers are gone.
ASSEMBLY_MEMORY_FACTOR = 22
WORKER_ASSEMBLY_BUDGET = 128 * 2**20


@dataclass(frozen=True)
class Assembly:
    """One PDF to assemble from parts: found in the cache, running in a worker, or left for this process."""

    target: Output
    parts: tuple[Part, ...]
    metadata: Metadata
    sheets: tuple[bytes, ...]
    key: str
    cached: bytes | None = None
    future: Future | None = None


def _body_parts(edition: Edition, body: Body, draft: bool) -> tuple[list[Part], Part]:
    """Return each chapter's part and the back matter's, numbered and stamped from the body's sheet.

    Body page n gets sheet page n - 1, the back cover the band alone in a draft (else nothing).
    """
    from ..pdf.assemble import Part

    back_cover = body.back_start + body.back.pages - 1

    def part(laid_out: Chunk, first: int) -> Part:
        pages = range(first, first + laid_out.pages)
        folios = tuple(_band(body, draft) if n == back_cover else n - 1 for n in pages)
        return Part(laid_out.pdf, "decimal", first, folios=folios)

    chapters = [part(c, start) for c, start in zip(body.chapters, body.starts, strict=True)]
    return chapters, part(body.back, body.back_start)


def _metadata(edition: Edition, renderer: Renderer, title: str, subject: str) -> Metadata:
    """Return a PDF's metadata; a draft's title ends with "· Draft" (shown in the window), and the
    band on its first page says the whole notice to assistive technology, which skips the others."""
    from ..pdf.assemble import Metadata
    from ..render.html import creation_time

    keywords = tuple(renderer.localizer.plain(k) for k in edition.settings.keywords)
    notice = renderer.draft_words()[1]
    title = renderer.draft_title(title)
    created = creation_time(edition)
    notice_lang = renderer.draft_language() if notice else renderer.lang
    return Metadata(
        title,
        edition.settings.publisher,
        subject,
        keywords,
        renderer.lang,
        created,
        notice=notice,
        notice_lang="" if notice_lang == renderer.lang else notice_lang,
    )


def _facility_assemblies(
    edition: Edition, renderer: Renderer, body: Body, sheet: Chunk, paginator: Paginator, cache_dir: Path
) -> list[Assembly]:
    """Return a language's per-facility PDFs, started in the workers.

    Each stands alone: its pages are numbered from 1 (the chapter chunk carries no folio, so the
    same layout serves the report and this PDF) from the language's standalone sheet, whose
    footer names the report, publisher and edition.
    """
    from ..pdf.assemble import Part

    lang, title = renderer.lang, renderer.report_title
    out = []
    for facility, chunk in zip(edition.facilities, body.chapters, strict=True):
        part = Part(chunk.pdf, "decimal", 1, folios=tuple(range(chunk.pages)))
        # Its title and subject say the chapter is under review, as its page's title and description do.
        note = renderer.editors_note(facility)[0]
        subject = " ".join(filter(None, (note, renderer.facility_description(facility))))
        meta = _metadata(edition, renderer, f"{renderer.facility_title(facility)} · {title}", subject)
        target = Output(
            project.facility_pdf_path(lang, facility.id), b"", "facility-pdf", lang, chunk.pages, facility.id
        )
        out.append(_assembly(target, (part,), meta, (sheet.pdf,), paginator, cache_dir, urgent=False))
    return out


def _report_assembly(
    edition: Edition,
    renderer: Renderer,
    body: Body,
    front: Chunk,
    sheet: Chunk,
    front_sheet: Chunk | None,
    paginator: Paginator,
    cache_dir: Path,
) -> Assembly:
    """Return a language's full report, started in a worker (the longest assembly, and the last to start).

    Its folios come from the body's sheet, then the front matter's: front page n (from ii) gets
    the pages after the body's.
    """
    from ..pdf.assemble import Part

    draft = renderer.draft
    chapters, back = _body_parts(edition, body, draft)
    offset = len(_body_folios(body, draft))
    front_part = Part(front.pdf, "roman", 1, folios=(_band(body, draft), *range(offset, offset + front.pages - 1)))
    sheets = (sheet.pdf,) + ((front_sheet.pdf,) if front_sheet else ())
    meta = _metadata(edition, renderer, renderer.report_title, renderer.localizer.plain(edition.settings.subtitle))
    lang = renderer.lang
    target = Output(project.report_pdf_path(lang), b"", "report-pdf", lang, front.pages + body.pages)
    return _assembly(target, (front_part, *chapters, back), meta, sheets, paginator, cache_dir, urgent=True)


def _assembly(
    target: Output,
    parts: tuple[Part, ...],
    metadata: Metadata,
    sheets: tuple[bytes, ...],
    paginator: Paginator,
    cache_dir: Path,
    urgent: bool,
) -> Assembly:
    """Return an assembly: from the cache if there, else sent to a worker when it fits the memory budget."""
    parts_key: list[bytes | str] = [cache.fingerprint("report.pdf.assemble"), repr(metadata)]
    parts_key += [hashlib.sha256(sheet).hexdigest() for sheet in sheets]
    for part in parts:
        parts_key += [hashlib.sha256(part.pdf).hexdigest(), part.label_style, str(part.first_number), repr(part.folios)]
    key = cache.key_of(*parts_key)
    found = cache.get(cache_dir, "assembled", key, magic=b"%PDF-")
    if found is not None:
        return Assembly(target, parts, metadata, sheets, key, cached=found[0])
    small = sum(len(p.pdf) for p in parts) * ASSEMBLY_MEMORY_FACTOR <= WORKER_ASSEMBLY_BUDGET
    future = None
    if target.kind == "facility-pdf" or small:
        future = paginator.call(assemble_or_explain, parts, metadata, sheets, urgent=urgent)
    return Assembly(target, parts, metadata, sheets, key, future=future)


def _collect(assemblies: list[Assembly], cache_dir: Path) -> tuple[list[Output], list[Finding]]:
    """Return every assembled PDF (waiting for those being assembled), or the assembly problems.

    Each assembly is cached by the hash of its inputs: an edit re-assembles the reports and only
    the edited chapter's PDFs.
    """
    outputs, problems = [], []
    for a in assemblies:
        if a.cached is not None:
            outputs.append(replace(a.target, data=a.cached))
            continue
        assert a.future is not None, f"{a.target.path}: neither cached nor being assembled"
        pdf, problem = a.future.result()
        if problem:
            problems.append(error("pdf.assemble", Loc(project.REPORT_FILE), f"{a.target.path}: {problem}"))
            continue
        cache.put(cache_dir, "assembled", a.key, pdf)
        outputs.append(replace(a.target, data=pdf))
    return outputs, problems


class _Apart:
    """Assembles the reports too big for a worker's memory budget in one process of their own,
    one after the other, while this process renders the site.

    The layout workers are stopped first (their memory is the budget's reason), and the process
    is spawned, not forked from the fork server, so that it holds only what an assembly needs.
    `reports` are the reports given, each big one now with the future of its assembly there.
    On the way out the process is stopped, whatever happened; Ctrl-C reaches only this process,
    which stops it.
    """

    def __init__(self, reports: list[Assembly], paginator: Paginator):
        self.reports = reports
        self.big = [a for a in reports if a.cached is None and a.future is None]
        self.paginator = paginator
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Apart:
        if not self.big:
            return self
        for a in self.reports:  # the workers' own assemblies first: then they can go
            if a.future is not None:
                a.future.exception()
        self.paginator.close()
        self.pool = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_interrupts
        )
        started = {id(a): self.pool.submit(assemble_or_explain, a.parts, a.metadata, a.sheets) for a in self.big}
        self.reports = [replace(a, future=started[id(a)]) if id(a) in started else a for a in self.reports]
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if self.pool is None:
            return
        if kind is not None:
            from ..pdf.paginate import terminate_workers  # WeasyPrint's module: not on the no-op path

            terminate_workers(self.pool)
        self.pool.shutdown(cancel_futures=True)


def _ignore_interrupts() -> None:
    """In the assembling process: Ctrl-C is the build's to handle (it stops this process)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def assemble_or_explain(
    parts: tuple[Part, ...], metadata: Metadata, sheets: tuple[bytes, ...]
) -> tuple[bytes, str | None]:
    """Assemble (in a worker); return the PDF, or why it could not be assembled."""
    from ..pdf.assemble import AssemblyError, assemble

    try:
        return assemble(parts, metadata, folio_sheet=sheets), None
    except AssemblyError as exc:
        return b"", str(exc)


def _pdf_info(outputs: list[Output]) -> dict[tuple[str | None, str | None], tuple[str, int, int]]:
    """Return each PDF's path, size and page count by (language, facility id; None for the report)."""
    return {(o.lang, o.facility): (o.path, len(o.data), o.pages or 0) for o in outputs if o.kind.endswith("-pdf")}
