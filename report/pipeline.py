"""The `build` verb: gather everything, then emit `dist/`.

    load + validate + catalogs + translation coverage   (gather: an error here writes nothing)
    → render chapter and back-matter HTML for every language
    → paginate them in parallel (each chunk cached)
    → plan the page numbers, render the front matter (its contents need the real page counts)
    → paginate the front matter and the folio sheets
    → assemble each language's report and per-facility PDFs
    → render the site (it lists each PDF's size and page count)
    → publish dist/ (only files whose bytes changed) and its manifest

Heavy modules are imported inside the functions that need them, so a build with nothing to do
answers from `stamp` without loading WeasyPrint, Jinja or Babel.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import stamp
from .findings import Finding, Loc, error, has_errors

if TYPE_CHECKING:
    from .check import Gathered
    from .localize import Localizer
    from .model import Edition, Facility
    from .paginate import Chunk, Paginator
    from .publish import Output
    from .render import Renderer, TocEntry

DIST_DIR = "dist"
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


def run_build(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO, today: dt.date) -> int:
    """Build dist/ for the project under `root`, print the findings and return the exit code."""
    from .cli import print_findings, settle

    started = time.perf_counter()
    cache_dir, dist = root / CACHE_DIR, root / DIST_DIR
    options = {"lang": sorted(args.lang or []), "release": args.release, "strict": args.strict}
    digest = stamp.inputs_digest(root, options)
    record = stamp.unchanged(root, cache_dir, dist, digest)
    if record is not None:
        print_findings([_finding(f) for f in record["findings"]], out)
        print(f"dist/ is up to date ({time.perf_counter() - started:.2f}s)", file=out)
        return 0

    built = build_outputs(root, args, err, today)
    findings = settle(built.findings, args, release_codes())
    print_findings(findings, out)
    if has_errors(findings) or built.outputs is None:
        print("nothing was written to dist/", file=out)
        return 1
    from .publish import publish

    produced = {o.lang for o in built.outputs if o.lang}
    result = publish(dist, built.outputs, keep_languages=frozenset(built.languages) - produced)
    stamp.save(cache_dir, dist, digest, [f.as_dict() for f in findings])
    print(
        f"dist/: {len(result.written)} written, {len(result.unchanged)} unchanged, {len(result.removed)} removed;"
        f" chunks: {built.rendered} rendered, {built.reused} from cache ({time.perf_counter() - started:.1f}s)",
        file=out,
    )
    return 0


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
    with Paginator(Layout(root, cache_dir, args.jobs or os.cpu_count() or 1), progress.tick) as paginator:
        _paginate_body(edition, builds, paginator, progress, built.findings)
        _paginate_front_and_folios(edition, builds, paginator, built.findings)
        built.rendered, built.reused = paginator.rendered, paginator.reused
    progress.close()
    for b in builds:
        built.findings += b.loc.findings
    if has_errors(built.findings):
        return built
    from .site import site_outputs

    outputs, problems = _package(edition, builds)
    built.findings += problems
    if not problems:
        info = {(o.lang, o.facility): (o.path, len(o.data), o.pages) for o in outputs if o.kind.endswith("-pdf")}
        built.outputs = outputs + site_outputs(root, edition, builds, info, gathered)
    return built


def _paginate_body(edition: Edition, builds: list[LanguageBuild], paginator: Paginator, progress: Progress,
                   findings: list[Finding]) -> None:
    """Lay out every chapter and the back matter: they do not depend on page numbers."""
    from .paginate import Job

    jobs = []
    for b in builds:
        for number, facility in enumerate(edition.facilities, 1):
            chunk = b.renderer.chapter_chunk(facility, number)
            jobs.append(Job(chunk.key, chunk.html, facility.path, "print"))
        back = b.renderer.back_chunk()
        jobs.append(Job(back.key, back.html, "report.yaml", "print"))
    progress.add(len(jobs) + 2 * len(builds))  # and a front matter and a folio sheet per language
    by_lang = {b.lang: b for b in builds}
    for chunk in paginator.submit(jobs):
        findings.extend(chunk.findings)
        lang, kind, name = (chunk.key.split("/") + [""])[:3]
        if kind == "chapter":
            by_lang[lang].chapters[name] = chunk
        else:
            by_lang[lang].back = chunk


def _paginate_front_and_folios(edition: Edition, builds: list[LanguageBuild], paginator: Paginator,
                               findings: list[Finding]) -> None:
    """Lay out the front matter, whose contents need the chapters' page counts, then the folio sheets."""
    from .paginate import Job
    from .render import folio_sheet_html

    by_lang = {b.lang: b for b in builds}
    jobs = []
    for b in builds:
        b.back_anchors = _anchor_pages(b.back.pdf)
        front = b.renderer.front_chunk(_toc(edition, b))
        jobs.append(Job(front.key, front.html, "report.yaml", "print"))
    for chunk in paginator.submit(jobs):
        findings.extend(chunk.findings)
        by_lang[chunk.key.split("/")[0]].front = chunk
    jobs = []
    for b in builds:
        folios = [p for p in _page_plan(b) if p is not None]
        jobs.append(Job(f"{b.lang}/folios", folio_sheet_html(b.renderer.env, b.lang, folios), "layouts/pdf/folios.html", "folios", tagged=False))
    for chunk in paginator.submit(jobs):
        findings.extend(chunk.findings)
        by_lang[chunk.key.split("/")[0]].folios = chunk


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

def _package(edition: Edition, builds: list[LanguageBuild]) -> tuple[list[Output], list[Finding]]:
    """Return each language's full report and per-facility PDFs, or the assembly problem."""
    from .assemble import AssemblyError, Chunk, Metadata, assemble
    from .publish import Output
    from .render import creation_time

    outputs: list[Output] = []
    created = creation_time(edition, os.environ.get("SOURCE_DATE_EPOCH"))
    for b in builds:
        plan = _page_plan(b)
        sheet_index, k = [], 0
        for entry in plan:
            sheet_index.append(None if entry is None else k)
            k += entry is not None
        starts = _body_starts(edition, b)
        page = b.front.pages
        report = [Chunk(b.front.pdf, "roman", 1, folios=tuple(sheet_index[:page]))]
        chapters: list[tuple[Facility, Chunk]] = []
        for facility in edition.facilities:
            laid_out = b.chapters[facility.id]
            chunk = Chunk(laid_out.pdf, "decimal", starts[facility.id], folios=tuple(sheet_index[page : page + laid_out.pages]))
            report.append(chunk)
            chapters.append((facility, chunk))
            page += laid_out.pages
        report.append(Chunk(b.back.pdf, "decimal", starts[None], folios=tuple(sheet_index[page:])))
        title = b.loc.plain(edition.settings.title)
        keywords = tuple(b.loc.plain(k) for k in edition.settings.keywords)
        meta = Metadata(title, edition.settings.publisher, b.loc.plain(edition.settings.subtitle), keywords, b.lang, created)
        try:
            pdf = assemble(report, meta, folio_sheet=b.folios.pdf)
            outputs.append(Output(f"{b.lang}/first-ten-{b.lang}.pdf", pdf, "report-pdf", b.lang, len(plan)))
            for facility, chunk in chapters:
                facility_meta = Metadata(
                    f"{facility.name} · {title}", edition.settings.publisher,
                    b.renderer.facility_description(facility), keywords, b.lang, created,
                )
                pdf = assemble([chunk], facility_meta, folio_sheet=b.folios.pdf)
                outputs.append(Output(f"{b.lang}/{facility.id}-{b.lang}.pdf", pdf, "facility-pdf", b.lang, len(chunk.folios), facility.id))
        except AssemblyError as exc:
            return outputs, [error("pdf.assemble", Loc("report.yaml"), f"{b.lang}: {exc}")]
    return outputs, []


__all__ = ["build_outputs", "release_codes", "run_build"]
