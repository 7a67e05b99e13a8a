"""The `build` verb: gather everything, then emit `dist/`.

    load + validate + catalogs + translation coverage   (gather: an error here writes nothing)
    → render chapter and back-matter HTML for every language
    → paginate them in parallel (each chunk cached)
    → plan the page numbers, render the front matter (its contents need the real page counts)
    → paginate the front matter and the folio sheets
    → assemble each language's report and per-facility PDFs (in the workers as soon as the
      language is laid out, except reports too big to assemble beside the workers)
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

from . import cache, publish, stamp
from .findings import Finding, Loc, error, has_errors

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .localize import Localizer
    from .model import Edition
    from .paginate import Chunk, Paginator
    from .publish import Output
    from .render import Renderer, TocEntry

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
    folios: Chunk | None = None
    back_anchors: dict[str, int] = field(default_factory=dict)
    assemblies: list[Assembly] = field(default_factory=list)


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
    from .cli import INTERRUPTED, LEFT_AS_IT_WAS

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
    from .cli import settle

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
        errors = sum(f.level == "error" for f in findings)
        return _ended(Outcome(1, tuple(findings), f"build failed with {errors} error{'s' * (errors != 1)}:"
                                                  " nothing was written to dist/"), out)
    produced = {o.lang for o in built.outputs if o.lang}
    result = publish.publish(root, built.outputs, keep_languages=frozenset(built.languages) - produced)
    stamp.save(cache_dir, dist, digest, [f.as_dict() for f in findings])
    kinds = Counter(o.kind for o in built.outputs if o.lang)
    summary = (
        f"built {', '.join(sorted(produced))}: {_count(kinds['report-pdf'], 'report')},"
        f" {_count(kinds['facility-pdf'], 'dossier')}, {_count(kinds['page'], 'page')}"
        f" in {time.perf_counter() - started:.1f} s (dist/: {len(result.written)} written,"
        f" {len(result.unchanged)} unchanged, {len(result.removed)} removed;"
        f" chunks: {built.rendered} rendered, {built.reused} from cache)"
    )
    return _ended(Outcome(0, tuple(findings), summary), out)


def _ended(outcome: Outcome, out: TextIO) -> Outcome:
    """Print the findings, their count and the summary line last; return the outcome."""
    from .cli import print_findings

    print_findings(outcome.findings, out)
    print(outcome.summary, file=out, flush=True)
    return outcome


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _finding(data: dict) -> Finding:
    return Finding(data["level"], data["code"], Loc(data["path"], data["line"], data["column"]), data["message"])


def release_codes() -> tuple[str, ...]:
    """Return the warning codes that `--release` turns into errors."""
    from .coverage import RELEASE_CODES as I18N_RELEASE_CODES
    from .validate import RELEASE_CODES

    return (*RELEASE_CODES, *I18N_RELEASE_CODES, "i18n.fallback")


def build_outputs(root: Path, args: argparse.Namespace, err: TextIO, today: dt.date) -> Built:
    """Gather, render, paginate and assemble; return every output in memory, or the findings that stop it."""
    from .check import gather
    from .coverage import check_translations
    from .findings import promote
    from .paginate import Layout, Paginator
    from .render import Renderer, creation_time, environment

    cache_dir = root / CACHE_DIR
    paginator = Paginator(Layout(root, cache_dir, args.jobs or os.cpu_count() or 1))
    paginator.start()  # WeasyPrint loads in the fork server while this process gathers
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
        outputs, problems = _package([a for b in builds for a in b.assemblies], paginator, cache_dir)
    built.findings += problems
    if not problems:
        from .site import site_outputs

        info = {(o.lang, o.facility): (o.path, len(o.data), o.pages) for o in outputs if o.kind.endswith("-pdf")}
        built.outputs = outputs + site_outputs(root, edition, builds, info, gathered)
    return built


def _lay_out(edition: Edition, builds: list[LanguageBuild], paginator: Paginator, progress: Progress,
             findings: list[Finding]) -> None:
    """Lay out every chunk of every language, each as soon as what it depends on is ready.

    Chapters and back matter do not depend on page numbers, so they all start at once, the
    longest first whatever their language: the languages then finish together, and their
    front matters, folio sheets and assemblies, which wait on the rest of their language, run
    side by side instead of one after the other on a half-idle machine. A language's front
    matter needs its chapters' page counts for the contents; its folio sheet needs the front
    matter's.
    """
    from concurrent.futures import FIRST_COMPLETED, Future, wait

    from .paginate import Job
    from .render import folio_sheet_html

    jobs: list[tuple[LanguageBuild, Job]] = []
    for b in builds:
        jobs += [(b, Job(c.key, c.html, f.path, "print", assets=c.assets)) for f, c in
                 ((f, b.renderer.chapter_chunk(f, n)) for n, f in enumerate(edition.facilities, 1))]
        back = b.renderer.back_chunk()
        jobs.append((b, Job(back.key, back.html, "report.yaml", "print")))
    jobs.sort(key=lambda item: -len(item[1].html))
    progress.add(len(jobs) + 2 * len(builds))  # and a front matter and a folio sheet per language
    waiting = {b.lang: len(edition.facilities) + 1 for b in builds}
    pending: dict[Future, LanguageBuild] = {paginator.lay_out(job): b for b, job in jobs}
    while pending:
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            b = pending.pop(future)
            chunk = future.result()
            findings.extend(chunk.findings)
            kind, _, name = chunk.key.split("/", 1)[1].partition("/")
            if kind == "front":
                b.front = chunk
                folios = [p for p in _page_plan(b) if p is not None]
                html = folio_sheet_html(b.renderer.env, b.lang, folios)
                job = Job(f"{b.lang}/folios", html, "layouts/pdf/folios.html", "folios", tagged=False)
                pending[paginator.lay_out(job, urgent=True)] = b
                continue
            if kind == "folios":
                b.folios = chunk
                if not has_errors(findings):
                    b.assemblies = _assemblies(edition, b, paginator.layout.cache_dir)
                    _start_assembly(b.assemblies, paginator)
                continue
            if kind == "chapter":
                b.chapters[name] = chunk
            else:
                b.back = chunk
            waiting[b.lang] -= 1
            if waiting[b.lang] == 0:
                b.back_anchors = _anchor_pages(b.back.pdf)
                front = b.renderer.front_chunk(_toc(edition, b))
                job = Job(front.key, front.html, "report.yaml", "print")
                pending[paginator.lay_out(job, urgent=True)] = b  # the rest of its language waits on it


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
    from .render import TocEntry

    starts = _body_starts(edition, b)
    entries = [
        TocEntry("chapter", f"{f.id}-title", f.name, str(starts[f.id]), number)
        for number, f in enumerate(edition.facilities, 1)
    ]
    for anchor, title in b.renderer.back_toc():
        page = starts[None] + b.back_anchors[f"{anchor}-title"]
        entries.append(TocEntry("back", f"{anchor}-title", title, str(page)))
    return entries


def _page_plan(b: LanguageBuild) -> list[tuple[str, int] | None]:
    """Return every report page's folio (style, number), or None for the two covers."""
    plan: list[tuple[str, int] | None] = [None]
    plan += [("roman", i) for i in range(2, b.front.pages + 1)]
    body = sum(c.pages for c in b.chapters.values()) + b.back.pages
    plan += [("decimal", i) for i in range(1, body + 1)]
    plan[-1] = None
    return plan


# -- packaging -----------------------------------------------------------------------------------

# Assembling a full report takes about 32 times its chunks' bytes in memory (measured: 430 MiB
# for the 14 MB of a 200-facility edition). A report that fits the budget is assembled in a
# worker as soon as its language is laid out; a bigger one waits until the workers are gone.
ASSEMBLY_MEMORY_FACTOR = 32
WORKER_ASSEMBLY_BUDGET = 128 * 2**20


@dataclass
class Assembly:
    """One PDF to assemble from chunks: from the cache, from a worker, or in this process."""

    target: Output
    chunks: list
    metadata: object
    sheet: bytes
    key: str
    cached: bytes | None = None
    future: Future | None = None


def _assemblies(edition: Edition, b: LanguageBuild, cache_dir: Path) -> list[Assembly]:
    """Return a language's full report and per-facility PDFs, each found in the cache if there."""
    from .assemble import Chunk, Metadata
    from .publish import Output
    from .render import creation_time

    created = creation_time(edition, os.environ.get("SOURCE_DATE_EPOCH"))
    plan = _page_plan(b)
    sheet_index, k = [], 0
    for entry in plan:
        sheet_index.append(None if entry is None else k)
        k += entry is not None
    starts = _body_starts(edition, b)
    page = b.front.pages
    report = [Chunk(b.front.pdf, "roman", 1, folios=tuple(sheet_index[:page]))]
    title = b.loc.plain(edition.settings.title)
    keywords = tuple(b.loc.plain(k) for k in edition.settings.keywords)
    requests = []
    for facility in edition.facilities:
        laid_out = b.chapters[facility.id]
        chunk = Chunk(laid_out.pdf, "decimal", starts[facility.id], folios=tuple(sheet_index[page : page + laid_out.pages]))
        report.append(chunk)
        meta = Metadata(f"{facility.name} · {title}", edition.settings.publisher,
                        b.renderer.facility_description(facility), keywords, b.lang, created)
        target = Output(f"{b.lang}/{facility.id}-{b.lang}.pdf", b"", "facility-pdf", b.lang, laid_out.pages, facility.id)
        requests.append((target, [chunk], meta))
        page += laid_out.pages
    report.append(Chunk(b.back.pdf, "decimal", starts[None], folios=tuple(sheet_index[page:])))
    meta = Metadata(title, edition.settings.publisher, b.loc.plain(edition.settings.subtitle), keywords, b.lang, created)
    target = Output(f"{b.lang}/first-ten-{b.lang}.pdf", b"", "report-pdf", b.lang, len(plan))
    requests.insert(0, (target, report, meta))
    out = []
    for target, chunks, meta in requests:
        key = _assembly_key(chunks, meta, b.folios.pdf)
        found = cache.get(cache_dir, "assembled", key)
        out.append(Assembly(target, chunks, meta, b.folios.pdf, key, found[0] if found else None))
    return out


def _start_assembly(assemblies: list[Assembly], paginator: Paginator) -> None:
    """Send what the workers may assemble now to the pool (after the layout jobs queued)."""
    for a in assemblies:
        small = sum(len(c.pdf) for c in a.chunks) * ASSEMBLY_MEMORY_FACTOR <= WORKER_ASSEMBLY_BUDGET
        if a.cached is None and (a.target.kind == "facility-pdf" or small):
            a.future = paginator.call(assemble_or_explain, a.chunks, a.metadata, a.sheet)


def _package(assemblies: list[Assembly], paginator: Paginator, cache_dir: Path) -> tuple[list[Output], list[Finding]]:
    """Return every assembled PDF, or the assembly problems.

    Each assembly is cached by the hash of its inputs: an edit re-assembles the reports and only
    the edited chapter's PDFs.
    """
    results = {id(a): a.future.result() for a in assemblies if a.future is not None}
    paginator.close()  # the big reports left are assembled one at a time, with the workers gone
    outputs, problems = [], []
    for a in assemblies:
        if a.cached is not None:
            outputs.append(replace(a.target, data=a.cached))
            continue
        pdf, problem = results.get(id(a)) or assemble_or_explain(a.chunks, a.metadata, a.sheet)
        if problem:
            problems.append(error("pdf.assemble", Loc("report.yaml"), f"{a.target.path}: {problem}"))
            continue
        cache.put(cache_dir, "assembled", a.key, pdf)
        outputs.append(replace(a.target, data=pdf))
    return outputs, problems


def assemble_or_explain(chunks: list, metadata: object, sheet: bytes) -> tuple[bytes, str | None]:
    """Assemble (in a worker); return the PDF, or why it could not be assembled."""
    from .assemble import AssemblyError, assemble

    try:
        return assemble(chunks, metadata, folio_sheet=sheet), None
    except AssemblyError as exc:
        return b"", str(exc)


def _assembly_key(chunks: list, metadata: object, sheet: bytes) -> str:
    parts: list[bytes | str] = [_assembly_fingerprint(), repr(metadata), hashlib.sha256(sheet).hexdigest()]
    for chunk in chunks:
        parts += [hashlib.sha256(chunk.pdf).hexdigest(), chunk.label_style, str(chunk.first_number), repr(chunk.folios)]
    return cache.key_of(*parts)


@functools.cache
def _assembly_fingerprint() -> str:
    from importlib.metadata import version

    return cache.key_of(Path(__file__).with_name("assemble.py").read_bytes(), version("pikepdf"))


__all__ = ["build_outputs", "release_codes", "run_build"]
