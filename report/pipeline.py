"""The `build` verb: gather everything, then emit `dist/`.

    load + validate + catalogs          (gather: nothing is written if this finds an error)
    → render chapter and back-matter HTML for every language
    → paginate them in parallel (cached per chunk)
    → plan page numbers, render the front matter (its contents need the real page counts)
    → paginate the folio sheets, assemble the reports and the per-facility PDFs
    → render the site pages (they list each PDF's size and page count)
    → publish dist/ (only files whose bytes changed) and the manifest
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import TextIO

from . import stamp
from .findings import Finding, Loc, error, has_errors

DIST_DIR = "dist"
CACHE_DIR = ".cache"


@dataclass
class LanguageBuild:
    """Everything built for one language, filled in as the stages run."""

    lang: str
    loc: object
    renderer: object
    chapters: dict[str, object] = field(default_factory=dict)  # facility id -> paginate.Chunk
    back: object = None
    front: object = None
    folios: object = None
    back_anchors: dict[str, int] = field(default_factory=dict)


class Progress:
    """Chunks done out of total, with a time estimate, on one updating line (or plain lines)."""

    def __init__(self, stream: TextIO, enabled: bool):
        self.stream = stream
        self.enabled = enabled
        self.total = 0
        self.done = 0
        self.started = time.perf_counter()
        self.tty = enabled and stream.isatty()

    def add(self, count: int) -> None:
        self.total += count

    def tick(self, key: str, cached: bool) -> None:
        self.done += 1
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.started
        remaining = elapsed / self.done * (self.total - self.done) if self.done else 0
        how = "cached" if cached else "rendered"
        line = f"[{self.done}/{self.total}] {key} ({how}), about {remaining:.0f}s left"
        if self.tty:
            print(f"\r\033[K{line}", end="", file=self.stream, flush=True)
        else:
            print(line, file=self.stream)

    def close(self) -> None:
        if self.tty:
            print(file=self.stream)


def run_build(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO, today: dt.date) -> int:
    """Build dist/ for the project under `root` and return the exit code."""
    from .cli import print_findings, settle

    started = time.perf_counter()
    cache_dir = root / CACHE_DIR
    dist = root / DIST_DIR
    options = {"lang": sorted(args.lang or []), "release": args.release, "strict": args.strict}
    digest = stamp.inputs_digest(root, options)
    record = stamp.unchanged(root, cache_dir, dist, digest)
    if record is not None:
        findings = [Finding(f["level"], f["code"], Loc(f["path"], f["line"], f["column"]), f["message"]) for f in record["findings"]]
        print_findings(findings, out)
        print(f"dist/ is up to date ({time.perf_counter() - started:.2f}s)", file=out)
        return 0

    findings, outputs, counts = _build(root, args, err, today)
    findings = settle(findings, args, _release_codes())
    print_findings(findings, out)
    if has_errors(findings) or outputs is None:
        print("nothing was written to dist/", file=out)
        return 1
    from .publish import publish

    result = publish(dist, outputs)
    stamp.save(cache_dir, dist, digest, [f.as_dict() for f in findings])
    seconds = time.perf_counter() - started
    print(
        f"dist/: {len(result.written)} written, {len(result.unchanged)} unchanged, {len(result.removed)} removed;"
        f" chunks: {counts['rendered']} rendered, {counts['reused']} from cache ({seconds:.1f}s)",
        file=out,
    )
    return 0


def _release_codes() -> tuple[str, ...]:
    from .coverage import RELEASE_CODES as I18N_RELEASE_CODES
    from .validate import RELEASE_CODES

    return (*RELEASE_CODES, *I18N_RELEASE_CODES, "i18n.fallback")


def _build(root: Path, args: argparse.Namespace, err: TextIO, today: dt.date):
    from .check import gather

    cache_dir = root / CACHE_DIR
    gathered = gather(root, today, args.lang, release=args.release)
    findings = list(gathered.findings)
    if gathered.edition is None:
        return findings, None, {}
    edition = gathered.edition
    from .coverage import check_translations

    found, coverage = check_translations(root, edition, cache_dir)
    findings += found
    gathered.coverage = coverage
    if has_errors(findings) or (args.release and has_errors(_promote_release(findings))):
        return findings, None, {}

    from .paginate import Job, Layout, Paginator
    from .render import Renderer, created_stamp, environment

    created = created_stamp(edition, os.environ.get("SOURCE_DATE_EPOCH"))
    builds = []
    for lang in gathered.languages:
        loc = gathered.localizers[lang]
        env = environment(root, loc, cache_dir / "jinja")
        builds.append(LanguageBuild(lang, loc, Renderer(edition, loc, env, created)))

    progress = Progress(err, enabled=not getattr(args, "quiet", False))
    layout = Layout(root, cache_dir, args.jobs or os.cpu_count() or 1)
    by_lang = {b.lang: b for b in builds}
    with Paginator(layout, progress.tick) as paginator:
        # Chapters and back matter do not depend on page numbers: lay them all out at once.
        jobs = []
        for b in builds:
            for number, facility in enumerate(edition.facilities, 1):
                chunk = b.renderer.chapter_chunk(facility, number)
                jobs.append(Job(chunk.key, chunk.html, facility.path, "print"))
            back = b.renderer.back_chunk()
            jobs.append(Job(back.key, back.html, "report.yaml", "print"))
        progress.add(len(jobs) + 2 * len(builds))
        for chunk in paginator.submit(jobs):
            findings.extend(chunk.findings)
            lang, _, rest = chunk.key.partition("/")
            b = by_lang[lang]
            kind, _, name = rest.partition("/")
            if kind == "chapter":
                b.chapters[name] = chunk
            else:
                b.back = chunk
        # Now the page counts are known: the contents can be written and the folios drawn.
        front_jobs = []
        for b in builds:
            b.back_anchors = _anchor_pages(b.back.pdf)
            front = b.renderer.front_chunk(_toc(edition, b))
            front_jobs.append(Job(front.key, front.html, "report.yaml", "print"))
        for chunk in paginator.submit(front_jobs):
            findings.extend(chunk.findings)
            by_lang[chunk.key.partition('/')[0]].front = chunk
        folio_jobs = [Job(f"{b.lang}/folios", _folio_html(b, edition), "layouts/pdf/folios.html", "folios", tagged=False) for b in builds]
        for chunk in paginator.submit(folio_jobs):
            findings.extend(chunk.findings)
            by_lang[chunk.key.partition('/')[0]].folios = chunk
        counts = {"rendered": paginator.rendered, "reused": paginator.reused}
    progress.close()
    for b in builds:
        findings.extend(b.loc.findings)
    if has_errors(findings):
        return findings, None, counts
    try:
        outputs = _package(root, edition, builds, gathered)
    except _AssemblyFailure as failure:
        return [*findings, *failure.findings], None, counts
    return findings, outputs, counts


def _promote_release(findings: list[Finding]) -> list[Finding]:
    from .findings import promote

    return promote(findings, _release_codes())


# -- page plan -----------------------------------------------------------------------------------


def _body_starts(edition, b: LanguageBuild) -> dict[str, int]:
    """Return the printed page number each chapter starts on (the body is numbered from 1)."""
    starts, page = {}, 1
    for facility in edition.facilities:
        starts[facility.id] = page
        page += b.chapters[facility.id].pages
    starts["__back__"] = page
    return starts


def _anchor_pages(pdf: bytes) -> dict[str, int]:
    """Return the 0-based page index of every named destination in a chunk PDF."""
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    return {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}


def _toc(edition, b: LanguageBuild):
    from .render import TocEntry

    starts = _body_starts(edition, b)
    entries = [
        TocEntry("chapter", f"{f.id}-title", f.name, str(starts[f.id]), number)
        for number, f in enumerate(edition.facilities, 1)
    ]
    for anchor, title in b.renderer.back_toc():
        page = starts["__back__"] + b.back_anchors.get(f"{anchor}-title", b.back_anchors.get(anchor, 0))
        entries.append(TocEntry("back", f"{anchor}-title", title, str(page)))
    return entries


def _page_plan(edition, b: LanguageBuild) -> list[tuple[str, int] | None]:
    """Return, for every page of the full report, its folio (style, number) or None for covers."""
    plan: list[tuple[str, int] | None] = [None]  # the cover
    plan += [("roman", i) for i in range(2, b.front.pages + 1)]
    body = sum(c.pages for c in b.chapters.values()) + b.back.pages
    plan += [("decimal", i) for i in range(1, body + 1)]
    plan[-1] = None  # the back cover
    return plan


def _folio_html(b: LanguageBuild, edition) -> str:
    from .render import folio_sheet_html

    folios = [p for p in _page_plan(edition, b) if p is not None]
    return folio_sheet_html(b.renderer.env, b.lang, folios)


# -- packaging -----------------------------------------------------------------------------------


class _AssemblyFailure(Exception):
    def __init__(self, findings: list[Finding]):
        super().__init__(findings[0].message if findings else "assembly failed")
        self.findings = findings


def _package(root: Path, edition, builds: list[LanguageBuild], gathered) -> list:
    from .assemble import AssemblyError, Chunk, Metadata, assemble
    from .publish import Output
    from .site import site_outputs

    outputs: list[Output] = []
    pdf_info: dict[tuple[str, str | None], tuple[str, int, int]] = {}
    created = _created_datetime(edition)
    for b in builds:
        plan = _page_plan(edition, b)
        sheet_index: list[int | None] = []
        k = 0
        for entry in plan:
            sheet_index.append(None if entry is None else k)
            k += entry is not None
        front_pages = b.front.pages
        report_chunks = [Chunk(b.front.pdf, "roman", 1, folios=tuple(sheet_index[:front_pages]))]
        page = front_pages
        chapter_spans = {}
        starts = _body_starts(edition, b)
        for facility in edition.facilities:
            c = b.chapters[facility.id]
            folios = tuple(sheet_index[page : page + c.pages])
            chapter_spans[facility.id] = (page, folios)
            report_chunks.append(Chunk(c.pdf, "decimal", starts[facility.id], folios=folios))
            page += c.pages
        report_chunks.append(Chunk(b.back.pdf, "decimal", starts["__back__"], folios=tuple(sheet_index[page:])))
        title = b.loc.plain(edition.settings.title)
        meta = Metadata(
            title=title,
            author=edition.settings.publisher,
            subject=b.loc.plain(edition.settings.subtitle),
            keywords=tuple(b.loc.plain(k) for k in edition.settings.keywords),
            lang=b.lang,
            created=created,
        )
        try:
            report_pdf = assemble(report_chunks, meta, folio_sheet=b.folios.pdf)
        except AssemblyError as exc:
            raise _AssemblyFailure([error("pdf.assemble", Loc("report.yaml"), f"{b.lang} report: {exc}")]) from exc
        path = f"{b.lang}/first-ten-{b.lang}.pdf"
        pages = len(plan)
        outputs.append(Output(path, report_pdf, "report-pdf", b.lang, pages))
        pdf_info[(b.lang, None)] = (path, len(report_pdf), pages)
        for number, facility in enumerate(edition.facilities, 1):
            c = b.chapters[facility.id]
            _, folios = chapter_spans[facility.id]
            facility_meta = Metadata(
                title=f"{facility.name} · {title}",
                author=edition.settings.publisher,
                subject=b.renderer.facility_description(facility),
                keywords=meta.keywords,
                lang=b.lang,
                created=created,
            )
            try:
                pdf = assemble([Chunk(c.pdf, "decimal", starts[facility.id], folios=folios)], facility_meta, folio_sheet=b.folios.pdf)
            except AssemblyError as exc:
                raise _AssemblyFailure([error("pdf.assemble", Loc(facility.path), f"{b.lang} {facility.id}: {exc}")]) from exc
            path = f"{b.lang}/{facility.id}-{b.lang}.pdf"
            outputs.append(Output(path, pdf, "facility-pdf", b.lang, c.pages))
            pdf_info[(b.lang, facility.id)] = (path, len(pdf), c.pages)
    outputs.extend(site_outputs(root, edition, builds, pdf_info, gathered))
    return outputs


def _created_datetime(edition) -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.combine(edition.settings.edition, dt.time(0, 0), dt.timezone.utc)


__all__ = ["run_build"]
_ = sys
