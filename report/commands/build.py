"""The `build` verb: gather, then emit `dist/`, reading top to bottom.

    gather: load, validate, catalogs, coverage, the policy    (an error here lays out nothing)
    per language, on its own thread, waiting on the paginator's futures (`_language_pdfs`):
        chapters and back matter (queued first, language after language, longest first)
        → the front matter and the body's folio sheet, side by side, ahead of the queue
        → the facility PDFs, assembled as soon as the body's sheet is laid out
        → the front matter's folio sheet → the full report
    the site (it lists each PDF's size and page count), rendered while the reports assemble
    publish: a new folder swapped into dist/, under the project's build lock

WeasyPrint, Jinja and Babel are imported inside `_build` and `emit`, so that a build with
nothing to do answers from `stamp` without loading them (the import contract allows these
function-level imports here, and only for that).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Literal, Protocol

from .. import cache, project, publish, stamp
from ..findings import Finding, Loc, Policy, count, error, has_errors, warning
from ..publish import Output
from ..render import search

if TYPE_CHECKING:
    from ..content.model import Edition
    from ..pdf.assemble import Metadata, Part
    from ..pdf.paginate import Chunk, Job, Paginator
    from ..render.html import Renderer, TocEntry
    from .gather import Gathered

LEFT_AS_IT_WAS = "build interrupted; dist/ was left as it was"


@dataclass(frozen=True)
class BuildOptions:
    """What `build` is asked: the date, the languages (empty: all), the policy, worker processes."""

    today: dt.date
    languages: tuple[str, ...] = ()
    policy: Policy = Policy()
    jobs: int | None = None


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


def build(
    root: Path, options: BuildOptions, progress: Progress | None = None, waiting: Callable[[str], None] | None = None
) -> Built:
    """Build dist/ for the project under `root` and return how it ended.

    The whole build holds the project's lock (`waiting` hears it when another build has it).
    Ctrl-C stops the workers and deletes the unpublished folder: dist/ stays as it was.
    """
    try:
        with publish.lock(root, waiting or (lambda message: None)):
            publish.recover(root)
            before = publish.current(root)
            try:
                return _build(root, options, progress or _Silent())
            except KeyboardInterrupt:
                if publish.current(root) == before:
                    raise
                return Built("interrupted", summary="build interrupted; dist/ already holds the new build")
    except KeyboardInterrupt:
        return Built("interrupted", summary=LEFT_AS_IT_WAS)


def _build(root: Path, options: BuildOptions, progress: Progress) -> Built:
    """Build and publish, holding the lock."""
    started = time.perf_counter()
    settings = {"lang": sorted(options.languages), "release": options.policy.release, "strict": options.policy.strict}
    record = stamp.unchanged(root, settings)
    if record is not None:
        findings = tuple(Finding.from_dict(f) for f in record["findings"])
        summary = f"dist/ is up to date ({time.perf_counter() - started:.2f}s)"
        return Built("up-to-date", findings, summary, tuple(record.get("coverage", ())))

    from ..i18n.coverage import coverage_table  # Babel: not on the no-op path
    from ..pdf.paginate import Layout, Paginator  # WeasyPrint: not on the no-op path
    from .gather import GatherOptions, gather

    paginator = Paginator(Layout(root, root / project.CACHE_DIR, options.jobs or os.cpu_count() or 1))
    paginator.start()  # the fork server loads WeasyPrint while this process gathers
    gathered = gather(root, GatherOptions(options.today, options.languages, options.policy))
    coverage = tuple(coverage_table(c) for c in gathered.coverage.values())
    if not gathered.ok:
        return _failed(gathered.findings, coverage)
    emitted = emit(root, gathered, paginator, progress)
    findings = tuple(options.policy.apply([*gathered.findings, *emitted.findings]))
    if has_errors(findings) or emitted.outputs is None:
        return _failed(findings, coverage)
    produced = {o.lang for o in emitted.outputs if o.lang}
    assert gathered.edition is not None
    keep = frozenset(gathered.edition.settings.languages) - produced
    result = publish.publish(root, emitted.outputs, keep_languages=keep)
    stamp.save(root, settings, gathered.reads, [f.as_dict() for f in findings], list(coverage))
    kinds = Counter(o.kind for o in emitted.outputs if o.lang)
    summary = (
        f"built {', '.join(sorted(produced))}: {count(kinds['report-pdf'], 'report')},"
        f" {count(kinds['facility-pdf'], 'dossier')}, {count(kinds['page'], 'page')}"
        f" in {time.perf_counter() - started:.1f} s (dist/: {len(result.written)} written,"
        f" {len(result.unchanged)} unchanged, {len(result.removed)} removed;"
        f" chunks: {emitted.rendered} rendered, {emitted.reused} from cache)"
    )
    return Built("built", findings, summary, coverage)


def _failed(findings: tuple[Finding, ...], coverage: tuple[str, ...] = ()) -> Built:
    errors = count(sum(f.level == "error" for f in findings), "error")
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


def emit(root: Path, gathered: Gathered, paginator: Paginator, progress: Progress) -> Emitted:
    """Render, lay out and assemble every language's PDFs, then render the site; return them in memory."""
    from ..render.html import Renderer, environment
    from ..render.site import home_pages, site_pages

    edition = gathered.edition
    assert edition is not None
    cache_dir = root / project.CACHE_DIR
    renderers = {
        lang: Renderer(edition, localizer, environment(root, localizer, cache_dir / "jinja"))
        for lang, localizer in gathered.localizers.items()
    }
    paginator.progress = progress.tick
    with paginator:
        queued = [_queue_body(edition, renderer, paginator) for renderer in renderers.values()]
        progress.add(sum(len(q.chapters) + 1 for q in queued) + 3 * len(queued))  # + front matter, two sheets
        languages = ThreadPoolExecutor(max_workers=len(queued), thread_name_prefix="language")
        try:
            futures = [languages.submit(_language_pdfs, edition, q, paginator, progress, cache_dir) for q in queued]
            laid_out = [future.result() for future in futures]
        finally:
            languages.shutdown(wait=False, cancel_futures=True)  # after Ctrl-C, the paginator cancels what they wait on
        findings = [f for language in laid_out for f in language.findings]
        findings += [f for renderer in renderers.values() for f in renderer.localizer.findings]
        counts = {"rendered": paginator.rendered, "reused": paginator.reused}
        if has_errors(findings):
            return Emitted(None, tuple(findings), **counts)
        # The facility PDFs come first: the site pages that need only them are rendered while the
        # workers are still assembling the reports.
        facility_pdfs, problems = _collect([a for language in laid_out for a in language.facilities], cache_dir)
        site = [] if problems else site_pages(root, edition, renderers, _pdf_info(facility_pdfs), gathered.coverage)
        reports = [language.report for language in laid_out if language.report is not None]
        report_pdfs, more = _collect(reports, cache_dir, paginator.close)
    findings += problems + more
    outputs = None
    if not problems + more:
        pdfs = report_pdfs + facility_pdfs
        outputs = pdfs + site + home_pages(edition, renderers, _pdf_info(pdfs))
        bundles, missing = _search_bundles(outputs, list(renderers), cache_dir)
        outputs += bundles
        findings += missing
    return Emitted(outputs, tuple(findings), **counts)


def _search_bundles(outputs: list[Output], languages: list[str], cache_dir: Path) -> tuple[list[Output], list[Finding]]:
    """Return each built language's search bundle, made once every page is written (in memory)."""

    indexer = search.executable()
    if indexer is None:
        message = "the Pagefind indexer is missing (run `make build` to install pagefind[bin]): the site has no search"
        return [], [warning("site.search", Loc("pyproject.toml"), message)]
    pages = [o for o in outputs if o.kind == "page" and o.lang]
    bundles: list[Output] = []
    problems: list[Finding] = []
    for lang in languages:
        indexed = search.search_bundle(lang, pages, indexer, cache_dir)
        bundles += indexed.outputs
        if indexed.problem:
            problems.append(error("site.search", Loc("pyproject.toml"), f"{lang}: {indexed.problem}"))
    return bundles, problems


def _queue_body(edition: Edition, renderer: Renderer, paginator: Paginator) -> Queued:
    """Queue a language's chapters and back matter, longest first; return their futures in chapter order."""
    from ..pdf.paginate import Job

    jobs = []
    for number, facility in enumerate(edition.facilities, 1):
        chunk = renderer.chapter_chunk(facility, number)
        jobs.append(Job(chunk.key, chunk.html, facility.path, "print", assets=chunk.assets))
    back = renderer.back_chunk()
    jobs.append(Job(back.key, back.html, project.REPORT_FILE, "print"))
    futures = {job: paginator.lay_out(job) for job in sorted(jobs, key=lambda job: -len(job.html))}
    laid_out = [futures[job] for job in jobs]
    return Queued(renderer, tuple(laid_out[:-1]), laid_out[-1])


def _language_pdfs(
    edition: Edition, queued: Queued, paginator: Paginator, progress: Progress, cache_dir: Path
) -> LanguagePdfs:
    """Lay out one language's front matter and folio sheets once its body is laid out; start its assemblies.

    Runs on its own thread: each step waits for what it needs, so the first language's front
    matter, sheets and assemblies overtake the next language's queued chapters.
    """
    renderer = queued.renderer
    body = _body(edition, [future.result() for future in queued.chapters], queued.back.result())
    findings = [f for chunk in (*body.chapters, body.back) for f in chunk.findings]
    back_anchors = _anchor_pages(body.back.pdf)  # now, while the workers lay out the front matter
    front = renderer.front_chunk(_toc(edition, renderer, body, back_anchors))
    front_future = paginator.lay_out(_job(front.key, front.html, project.REPORT_FILE), urgent=True)
    sheet = paginator.lay_out(_sheet(renderer, "folios", _body_folios(body)), urgent=True).result()
    findings += sheet.findings
    facilities: tuple[Assembly, ...] = ()
    if not has_errors(findings):  # the facility PDFs need only the body's sheet
        facilities = tuple(_facility_assemblies(edition, renderer, body, sheet, paginator, cache_dir))
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


def _job(key: str, html: str, source: str, stylesheet: str = "print", tagged: bool = True) -> Job:
    from ..pdf.paginate import Job

    return Job(key, html, source, stylesheet, tagged=tagged)


def _sheet(renderer: Renderer, name: str, folios: list[tuple[str, int]]) -> Job:
    """Return the job of a folio sheet: one untagged page per printed page number."""
    return _job(
        f"{renderer.lang}/{name}", renderer.folio_sheet(folios), "layouts/pdf/folios.html", "folios", tagged=False
    )


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


def _body_folios(body: Body) -> list[tuple[str, int]]:
    """Return the pages of the body's folio sheet: 1 up to the page before the back cover."""
    return [("decimal", number) for number in range(1, body.pages)]


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


def _body_parts(edition: Edition, body: Body) -> tuple[list[Part], Part]:
    """Return each chapter's part and the back matter's, numbered and stamped from the body's sheet.

    Body page n gets sheet page n - 1, the back cover none. The body's sheet comes first in the
    report too, so a chapter is stamped the same in the report and in its facility's PDF.
    """
    from ..pdf.assemble import Part

    back_cover = body.back_start + body.back.pages - 1

    def part(laid_out: Chunk, first: int) -> Part:
        pages = range(first, first + laid_out.pages)
        return Part(laid_out.pdf, "decimal", first, folios=tuple(None if n == back_cover else n - 1 for n in pages))

    chapters = [part(c, start) for c, start in zip(body.chapters, body.starts, strict=True)]
    return chapters, part(body.back, body.back_start)


def _metadata(edition: Edition, renderer: Renderer, title: str, subject: str) -> Metadata:
    from ..pdf.assemble import Metadata
    from ..render.html import creation_time

    keywords = tuple(renderer.localizer.plain(k) for k in edition.settings.keywords)
    return Metadata(title, edition.settings.publisher, subject, keywords, renderer.lang, creation_time(edition))


def _facility_assemblies(
    edition: Edition, renderer: Renderer, body: Body, sheet: Chunk, paginator: Paginator, cache_dir: Path
) -> list[Assembly]:
    """Return a language's per-facility PDFs (they need only the body's sheet), started in the workers."""
    chapters, _ = _body_parts(edition, body)
    lang, title = renderer.lang, renderer.report_title
    out = []
    for facility, part, chunk in zip(edition.facilities, chapters, body.chapters, strict=True):
        meta = _metadata(edition, renderer, f"{facility.name} · {title}", renderer.facility_description(facility))
        target = Output(f"{lang}/{facility.id}-{lang}.pdf", b"", "facility-pdf", lang, chunk.pages, facility.id)
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

    chapters, back = _body_parts(edition, body)
    offset = len(_body_folios(body))
    front_part = Part(front.pdf, "roman", 1, folios=(None, *range(offset, offset + front.pages - 1)))
    sheets = (sheet.pdf,) + ((front_sheet.pdf,) if front_sheet else ())
    meta = _metadata(edition, renderer, renderer.report_title, renderer.localizer.plain(edition.settings.subtitle))
    lang = renderer.lang
    target = Output(f"{lang}/first-ten-{lang}.pdf", b"", "report-pdf", lang, front.pages + body.pages)
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
    found = cache.get(cache_dir, "assembled", key)
    if found is not None:
        return Assembly(target, parts, metadata, sheets, key, cached=found[0])
    small = sum(len(p.pdf) for p in parts) * ASSEMBLY_MEMORY_FACTOR <= WORKER_ASSEMBLY_BUDGET
    future = None
    if target.kind == "facility-pdf" or small:
        future = paginator.call(assemble_or_explain, parts, metadata, sheets, urgent=urgent)
    return Assembly(target, parts, metadata, sheets, key, future=future)


def _collect(
    assemblies: list[Assembly], cache_dir: Path, then: Callable[[], None] | None = None
) -> tuple[list[Output], list[Finding]]:
    """Return every assembled PDF, or the assembly problems.

    Each assembly is cached by the hash of its inputs: an edit re-assembles the reports and only
    the edited chapter's PDFs. `then` runs once the workers' assemblies are in (the build stops
    the workers there), before the big reports left are assembled here, one at a time.
    """
    results = {id(a): a.future.result() for a in assemblies if a.future is not None}
    if then is not None:
        then()
    outputs, problems = [], []
    for a in assemblies:
        if a.cached is not None:
            outputs.append(replace(a.target, data=a.cached))
            continue
        pdf, problem = results.get(id(a)) or assemble_or_explain(a.parts, a.metadata, a.sheets)
        if problem:
            problems.append(error("pdf.assemble", Loc(project.REPORT_FILE), f"{a.target.path}: {problem}"))
            continue
        cache.put(cache_dir, "assembled", a.key, pdf)
        outputs.append(replace(a.target, data=pdf))
    return outputs, problems


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
