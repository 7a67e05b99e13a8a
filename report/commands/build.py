"""The `build` verb: gather everything, then emit `dist/`.

    load + validate + catalogs + translation coverage   (gather: an error here writes nothing)
    → render chapter and back-matter HTML for every language
    → paginate them in parallel (each chunk cached)
    → plan the page numbers, render the front matter (its contents need the real page counts)
      and the body's folio sheet, and paginate both side by side
    → assemble the per-facility PDFs as soon as the body's folio sheet is laid out; paginate the
      front matter's folio sheet, then assemble the report (in the workers, except reports too
      big to assemble beside the workers)
    → render the site (it lists each PDF's size and page count)
    → publish: a new folder (unchanged files hard-linked, the rest written) swapped into dist/
      with one rename, under the project's build lock

Heavy modules are imported inside the functions that need them, so a build with nothing to do
answers from `stamp` without loading WeasyPrint, Jinja or Babel.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import os
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .. import cache, publish, stamp
from ..findings import Finding, Loc, count, error, has_errors

if TYPE_CHECKING:
    from concurrent.futures import Future

    from ..pdf.assemble import Chunk as Part
    from ..pdf.assemble import Metadata
    from ..i18n.localize import Localizer
    from ..content.model import Edition
    from ..pdf.paginate import Chunk, Paginator
    from ..publish import Output
    from ..render.html import Renderer, TocEntry

CACHE_DIR = ".cache"


@dataclass
class LanguageBuild:
    """One language's renderer and laid-out chunks, filled in as the stages run."""

    lang: str
    loc: Localizer
    renderer: Renderer
    chapters: dict[str, Chunk] = field(default_factory=dict)
    back: Chunk | None = None
    front: Chunk | None = None
    folios: Chunk | None = None  # the body's folio sheet: 1, 2, … up to the back cover
    front_folios: Chunk | None = None  # the front matter's: ii, iii, … (None if it has one page)
    back_anchors: dict[str, int] = field(default_factory=dict)
    report: Assembly | None = None
    facilities: list[Assembly] = field(default_factory=list)


@dataclass
class Built:
    """What a build produced: findings, and the outputs unless an error stopped it."""

    findings: list[Finding]
    outputs: list[Output] | None = None
    languages: tuple[str, ...] = ()
    rendered: int = 0
    reused: int = 0


class Progress:
    """Chunks done out of total and a time estimate, on one updating line (plain lines if not a tty)."""

    def __init__(self, stream: TextIO, enabled: bool):
        self.stream = stream
        self.enabled = enabled
        self.total = 0
        self.done = 0
        self.started = time.perf_counter()
        self.tty = enabled and stream.isatty()

    def add(self, count: int) -> None:
        """Announce `count` more chunks."""
        self.total += count

    def tick(self, key: str, cached: bool) -> None:
        """Record one chunk done."""
        self.done += 1
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.started
        remaining = elapsed / self.done * (self.total - self.done)
        line = f"[{self.done}/{self.total}] {key} ({'cached' if cached else 'rendered'}), about {remaining:.0f}s left"
        if self.tty:
            print(f"\r\033[K{line}", end="", file=self.stream, flush=True)
        else:
            print(line, file=self.stream)

    def close(self) -> None:
        """End the progress line."""
        if self.tty:
            print(file=self.stream)


@dataclass(frozen=True)
class Outcome:
    """How a build ended: its exit code, its findings (as printed) and its summary line."""

    code: int
    findings: tuple[Finding, ...] = ()
    summary: str = ""


def run_build(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO, today: dt.date) -> Outcome:
    """Build dist/ for the project under `root`, print the findings and a summary line.

    The whole build holds the project's lock, so a second build waits for this one. Ctrl-C stops
    the workers, deletes the unpublished folder and returns INTERRUPTED; dist/ stays as it was.
    """
    from ..cli import INTERRUPTED, LEFT_AS_IT_WAS

    try:
        with publish.lock(root, err):
            publish.recover(root)
            before = publish.current(root)
            try:
                return _build(root, args, out, err, today)
            except KeyboardInterrupt:
                if publish.current(root) == before:
                    raise
                message = "build interrupted; dist/ already holds the new build"  # Ctrl-C after the swap
    except KeyboardInterrupt:
        message = LEFT_AS_IT_WAS
    print(("\r\033[K" if err.isatty() else "") + message, file=err, flush=True)
    return Outcome(INTERRUPTED, summary=message)


def _build(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO, today: dt.date) -> Outcome:
    """Build and publish (holding the lock), print the findings and a summary line."""
    from ..cli import settle

    started = time.perf_counter()
    cache_dir, dist = root / CACHE_DIR, root / publish.DIST_DIR
    options = {"lang": sorted(args.lang or []), "release": args.release, "strict": args.strict}
    digest = stamp.inputs_digest(root, options)
    record = stamp.unchanged(root, cache_dir, dist, digest)
    if record is not None:
        findings = tuple(_finding(f) for f in record["findings"])
        return _ended(Outcome(0, findings, f"dist/ is up to date ({time.perf_counter() - started:.2f}s)"), out)

    built = build_outputs(root, args, err, today)
    findings = settle(built.findings, args, release_codes())
    if has_errors(findings) or built.outputs is None:
        errors = count(sum(f.level == "error" for f in findings), "error")
        return _ended(Outcome(1, tuple(findings), f"build failed with {errors}: nothing was written to dist/"), out)
    produced = {o.lang for o in built.outputs if o.lang}
    result = publish.publish(root, built.outputs, keep_languages=frozenset(built.languages) - produced)
    stamp.save(cache_dir, dist, digest, [f.as_dict() for f in findings])
    kinds = Counter(o.kind for o in built.outputs if o.lang)
    summary = (
        f"built {', '.join(sorted(produced))}: {count(kinds['report-pdf'], 'report')},"
        f" {count(kinds['facility-pdf'], 'dossier')}, {count(kinds['page'], 'page')}"
        f" in {time.perf_counter() - started:.1f} s (dist/: {len(result.written)} written,"
        f" {len(result.unchanged)} unchanged, {len(result.removed)} removed;"
        f" chunks: {built.rendered} rendered, {built.reused} from cache)"
    )
    return _ended(Outcome(0, tuple(findings), summary), out)


def _ended(outcome: Outcome, out: TextIO) -> Outcome:
    """Print the findings, their count and the summary line last; return the outcome."""
    from ..cli import print_findings

    print_findings(outcome.findings, out)
    print(outcome.summary, file=out, flush=True)
    return outcome


def _finding(data: dict) -> Finding:
    return Finding(data["level"], data["code"], Loc(data["path"], data["line"], data["column"]), data["message"])


def release_codes() -> tuple[str, ...]:
    """Return the warning codes that `--release` turns into errors."""
    from ..i18n.coverage import RELEASE_CODES as I18N_RELEASE_CODES
    from ..content.validate import RELEASE_CODES

    return (*RELEASE_CODES, *I18N_RELEASE_CODES, "i18n.fallback")


def build_outputs(root: Path, args: argparse.Namespace, err: TextIO, today: dt.date) -> Built:
    """Gather, render, paginate and assemble; return every output in memory, or the findings that stop it."""
    from ..pdf.paginate import Layout, Paginator

    cache_dir = root / CACHE_DIR
    paginator = Paginator(Layout(root, cache_dir, args.jobs or os.cpu_count() or 1))
    # WeasyPrint loads in the fork server while this process gathers. The workers wait for it,
    # so it starts before anything else, even before the modules the gathering needs are imported.
    paginator.start()

    from .gather import gather
    from ..i18n.coverage import check_translations
    from ..findings import promote
    from ..render.html import Renderer, creation_time, environment

    gathered = gather(root, today, args.lang, release=args.release)
    built = Built(list(gathered.findings))
    if gathered.edition is None:
        return built
    edition = gathered.edition
    built.languages = edition.settings.languages
    found, gathered.coverage = check_translations(root, edition, cache_dir)
    built.findings += found
    if has_errors(built.findings) or (args.release and has_errors(promote(built.findings, release_codes()))):
        return built

    created = creation_time(edition, os.environ.get("SOURCE_DATE_EPOCH")).strftime("%Y-%m-%dT%H:%M:%SZ")
    builds = []
    for lang in gathered.languages:
        loc = gathered.localizers[lang]
        env = environment(root, loc, cache_dir / "jinja")
        builds.append(LanguageBuild(lang, loc, Renderer(edition, loc, env, created)))

    progress = Progress(err, enabled=not args.quiet)
    paginator.progress = progress.tick
    with paginator:
        _lay_out(edition, builds, paginator, progress, built.findings)
        built.rendered, built.reused = paginator.rendered, paginator.reused
        progress.close()
        for b in builds:
            built.findings += b.loc.findings
        if has_errors(built.findings):
            return built
        # The facility PDFs are done first: the site pages that need only them are rendered while
        # the workers are still assembling the reports.
        facilities = [a for b in builds for a in b.facilities]
        facility_pdfs, problems = _package(facilities, paginator, cache_dir, close=False)
        site = []
        if not problems:
            from ..render.site import site_outputs

            site = site_outputs(root, edition, builds, _pdf_info(facility_pdfs), gathered)
        reports, more = _package([b.report for b in builds], paginator, cache_dir)
    problems += more
    built.findings += problems
    if not problems:
        from ..render.site import home_pages

        pdfs = reports + facility_pdfs
        built.outputs = pdfs + site + home_pages(edition, builds, _pdf_info(pdfs))
    return built


def _pdf_info(outputs: list[Output]) -> dict[tuple[str | None, str | None], tuple[str, int, int]]:
    """Return each PDF's path, size and page count by (language, facility id; None for the report)."""
    return {(o.lang, o.facility): (o.path, len(o.data), o.pages) for o in outputs if o.kind.endswith("-pdf")}


def _lay_out(edition: Edition, builds: list[LanguageBuild], paginator: Paginator, progress: Progress,
             findings: list[Finding]) -> None:
    """Lay out every chunk of every language, each as soon as what it depends on is ready.

    Chapters and back matter do not depend on page numbers, so they are all queued at once, one
    language after the other, each language's longest first. Once a language's body is laid
    out, its front matter (the contents need the body's page counts) and the body's folio sheet
    start ahead of the queue; the per-facility PDFs need only the body's sheet, so they are
    assembled while the front matter is still being laid out, and the report once the front
    matter's own folio sheet is laid out (its roman numbers depend on its page count). So the
    first language's front matter, sheets and assemblies run while the workers are still busy
    with the next language's chapters, and its facility PDFs fill the gap left when the last
    chapters end unevenly: only the last language's work waits at the end, and it runs on both
    workers.
    """
    from concurrent.futures import FIRST_COMPLETED, Future, wait

    from ..pdf.paginate import Job
    from ..render.html import folio_sheet_html

    jobs: list[tuple[LanguageBuild, Job]] = []
    for b in builds:
        body = [Job(c.key, c.html, f.path, "print", assets=c.assets) for f, c in
                ((f, b.renderer.chapter_chunk(f, n)) for n, f in enumerate(edition.facilities, 1))]
        back = b.renderer.back_chunk()
        body.append(Job(back.key, back.html, "report.yaml", "print"))
        jobs += [(b, job) for job in sorted(body, key=lambda job: -len(job.html))]
    progress.add(len(jobs) + 3 * len(builds))  # and a front matter and two folio sheets per language
    waiting = {b.lang: len(edition.facilities) + 1 for b in builds}
    pending: dict[Future, LanguageBuild] = {paginator.lay_out(job): b for b, job in jobs}

    def lay_out_sheet(b: LanguageBuild, name: str, folios: list[tuple[str, int]]) -> None:
        html = folio_sheet_html(b.renderer.env, b.lang, folios)
        job = Job(f"{b.lang}/{name}", html, "layouts/pdf/folios.html", "folios", tagged=False)
        pending[paginator.lay_out(job, urgent=True)] = b

    def assemble(assemblies: list[Assembly], urgent: bool) -> None:
        if not has_errors(findings):
            _start_assembly(assemblies, paginator, urgent)

    while pending:
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            b = pending.pop(future)
            chunk = future.result()
            findings.extend(chunk.findings)
            kind, _, name = chunk.key.split("/", 1)[1].partition("/")
            if kind == "chapter":
                b.chapters[name] = chunk
            elif kind == "back":
                b.back = chunk
                b.back_anchors = _anchor_pages(chunk.pdf)  # now, while the workers are busy
            elif kind == "folios":
                b.folios = chunk
                b.facilities = _facility_assemblies(edition, b, paginator.layout.cache_dir)
                assemble(b.facilities, urgent=False)
            elif kind == "front":
                b.front = chunk
                if chunk.pages > 1:
                    lay_out_sheet(b, "front-folios", _front_folios(b))
                else:
                    progress.add(-1)  # no front matter folios: the cover is its only page
            elif kind == "front-folios":
                b.front_folios = chunk
            if kind in ("chapter", "back"):
                waiting[b.lang] -= 1
                if waiting[b.lang] == 0:
                    front = b.renderer.front_chunk(_toc(edition, b))
                    job = Job(front.key, front.html, "report.yaml", "print")
                    pending[paginator.lay_out(job, urgent=True)] = b  # the report waits on it
                    lay_out_sheet(b, "folios", _body_folios(b))
            elif b.report is None and b.folios and b.front and (b.front_folios or b.front.pages == 1):
                b.report = _report_assembly(edition, b, paginator.layout.cache_dir)
                assemble([b.report], urgent=True)  # the longest assembly, and the last to start


# -- page plan -----------------------------------------------------------------------------------


def _body_starts(edition: Edition, b: LanguageBuild) -> dict[str | None, int]:
    """Return the printed number of each chapter's first page (None: the back matter's)."""
    starts: dict[str | None, int] = {}
    page = 1
    for facility in edition.facilities:
        starts[facility.id] = page
        page += b.chapters[facility.id].pages
    starts[None] = page
    return starts


def _anchor_pages(pdf: bytes) -> dict[str, int]:
    """Return the 0-based page of every named destination in a chunk PDF."""
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    return {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}


def _toc(edition: Edition, b: LanguageBuild) -> list[TocEntry]:
    from ..render.html import TocEntry

    starts = _body_starts(edition, b)
    entries = [
        TocEntry("chapter", f"{f.id}-title", f.name, str(starts[f.id]), number)
        for number, f in enumerate(edition.facilities, 1)
    ]
    for anchor, title in b.renderer.back_toc():
        page = starts[None] + b.back_anchors[f"{anchor}-title"]
        entries.append(TocEntry("back", f"{anchor}-title", title, str(page)))
    return entries


def _body_folios(b: LanguageBuild) -> list[tuple[str, int]]:
    """Return the pages of the body's folio sheet: 1 up to the page before the back cover."""
    body = sum(c.pages for c in b.chapters.values()) + b.back.pages
    return [("decimal", number) for number in range(1, body)]


def _front_folios(b: LanguageBuild) -> list[tuple[str, int]]:
    """Return the pages of the front matter's folio sheet: ii up to its last page (the cover has none)."""
    return [("roman", number) for number in range(2, b.front.pages + 1)]


# -- packaging -----------------------------------------------------------------------------------

# Assembling a full report takes about 22 times its chunks' bytes in memory (measured: 250 MiB
# for the 11.4 MB of a 200-facility edition's chunks, once `tags.simplify` has folded their
# wrappers). A report that fits the budget is assembled in a worker as soon as its language is
# laid out; a bigger one waits until the workers are gone.
ASSEMBLY_MEMORY_FACTOR = 22
WORKER_ASSEMBLY_BUDGET = 128 * 2**20


@dataclass
class Assembly:
    """One PDF to assemble from chunks: from the cache, from a worker, or in this process."""

    target: Output
    chunks: list
    metadata: object
    sheets: tuple[bytes, ...]
    key: str
    cached: bytes | None = None
    future: Future | None = None


def _body_chunks(edition: Edition, b: LanguageBuild) -> tuple[list[Part], Part]:
    """Return each chapter's part and the back matter's, numbered and stamped from the body's sheet.

    Body page n gets sheet page n - 1, the back cover none. The body's sheet comes first in the
    report too, so a chapter is stamped the same in the report and in its facility's PDF.
    """
    from ..pdf.assemble import Chunk as Part

    starts = _body_starts(edition, b)
    back_cover = starts[None] + b.back.pages - 1

    def part(laid_out: Chunk, first: int) -> Part:
        pages = range(first, first + laid_out.pages)
        return Part(laid_out.pdf, "decimal", first, folios=tuple(None if n == back_cover else n - 1 for n in pages))

    return [part(b.chapters[f.id], starts[f.id]) for f in edition.facilities], part(b.back, starts[None])


def _metadata(edition: Edition, b: LanguageBuild, title: str, subject: str) -> Metadata:
    """Return the metadata of one of a language's PDFs."""
    from ..pdf.assemble import Metadata
    from ..render.html import creation_time

    created = creation_time(edition, os.environ.get("SOURCE_DATE_EPOCH"))
    keywords = tuple(b.loc.plain(k) for k in edition.settings.keywords)
    return Metadata(title, edition.settings.publisher, subject, keywords, b.lang, created)


def _facility_assemblies(edition: Edition, b: LanguageBuild, cache_dir: Path) -> list[Assembly]:
    """Return a language's per-facility PDFs (they need only the body's sheet), each found in the cache if there."""
    from ..publish import Output

    chapters, _ = _body_chunks(edition, b)
    title = b.loc.plain(edition.settings.title)
    out = []
    for facility, chunk in zip(edition.facilities, chapters):
        meta = _metadata(edition, b, f"{facility.name} · {title}", b.renderer.facility_description(facility))
        pages = b.chapters[facility.id].pages
        target = Output(f"{b.lang}/{facility.id}-{b.lang}.pdf", b"", "facility-pdf", b.lang, pages, facility.id)
        out.append(_assembly(target, [chunk], meta, (b.folios.pdf,), cache_dir))
    return out


def _report_assembly(edition: Edition, b: LanguageBuild, cache_dir: Path) -> Assembly:
    """Return a language's full report, found in the cache if there.

    Its folios come from the body's sheet, then the front matter's: front page n (from ii) gets
    the pages after the body's.
    """
    from ..pdf.assemble import Chunk as Part
    from ..publish import Output

    chapters, back = _body_chunks(edition, b)
    offset = len(_body_folios(b))
    front = Part(b.front.pdf, "roman", 1, folios=(None, *range(offset, offset + b.front.pages - 1)))
    sheets = (b.folios.pdf,) + ((b.front_folios.pdf,) if b.front_folios else ())
    meta = _metadata(edition, b, b.loc.plain(edition.settings.title), b.loc.plain(edition.settings.subtitle))
    pages = b.front.pages + sum(c.pages for c in b.chapters.values()) + b.back.pages
    target = Output(f"{b.lang}/first-ten-{b.lang}.pdf", b"", "report-pdf", b.lang, pages)
    return _assembly(target, [front, *chapters, back], meta, sheets, cache_dir)


def _assembly(target: Output, chunks: list, metadata: object, sheets: tuple[bytes, ...], cache_dir: Path) -> Assembly:
    """Return an assembly, found in the cache if there."""
    key = _assembly_key(chunks, metadata, sheets)
    found = cache.get(cache_dir, "assembled", key)
    return Assembly(target, chunks, metadata, sheets, key, found[0] if found else None)


def _start_assembly(assemblies: list[Assembly], paginator: Paginator, urgent: bool = False) -> None:
    """Send what the workers may assemble now to the pool (after the layout jobs queued, unless urgent)."""
    for a in assemblies:
        small = sum(len(c.pdf) for c in a.chunks) * ASSEMBLY_MEMORY_FACTOR <= WORKER_ASSEMBLY_BUDGET
        if a.cached is None and (a.target.kind == "facility-pdf" or small):
            a.future = paginator.call(assemble_or_explain, a.chunks, a.metadata, a.sheets, urgent=urgent)


def _package(assemblies: list[Assembly], paginator: Paginator, cache_dir: Path,
             close: bool = True) -> tuple[list[Output], list[Finding]]:
    """Return every assembled PDF, or the assembly problems.

    Each assembly is cached by the hash of its inputs: an edit re-assembles the reports and only
    the edited chapter's PDFs. With `close`, the workers are stopped once their assemblies are
    in: the big reports left are then assembled here, one at a time, with the workers gone.
    """
    results = {id(a): a.future.result() for a in assemblies if a.future is not None}
    if close:
        paginator.close()
    outputs, problems = [], []
    for a in assemblies:
        if a.cached is not None:
            outputs.append(replace(a.target, data=a.cached))
            continue
        pdf, problem = results.get(id(a)) or assemble_or_explain(a.chunks, a.metadata, a.sheets)
        if problem:
            problems.append(error("pdf.assemble", Loc("report.yaml"), f"{a.target.path}: {problem}"))
            continue
        cache.put(cache_dir, "assembled", a.key, pdf)
        outputs.append(replace(a.target, data=pdf))
    return outputs, problems


def assemble_or_explain(chunks: list, metadata: object, sheets: tuple[bytes, ...]) -> tuple[bytes, str | None]:
    """Assemble (in a worker); return the PDF, or why it could not be assembled."""
    from ..pdf.assemble import AssemblyError, assemble

    try:
        return assemble(chunks, metadata, folio_sheet=sheets), None
    except AssemblyError as exc:
        return b"", str(exc)


def _assembly_key(chunks: list, metadata: object, sheets: tuple[bytes, ...]) -> str:
    parts: list[bytes | str] = [_assembly_fingerprint(), repr(metadata)]
    parts += [hashlib.sha256(sheet).hexdigest() for sheet in sheets]
    for chunk in chunks:
        parts += [hashlib.sha256(chunk.pdf).hexdigest(), chunk.label_style, str(chunk.first_number), repr(chunk.folios)]
    return cache.key_of(*parts)


@functools.cache
def _assembly_fingerprint() -> str:
    from importlib.metadata import version

    return cache.key_of((Path(__file__).parent.parent / "pdf" / "assemble.py").read_bytes(), version("pikepdf"))


__all__ = ["build_outputs", "release_codes", "run_build"]
