"""Stage 5, paginate: lay out each chunk's HTML with WeasyPrint, in parallel, with a cache.

A chunk (front matter, one chapter, back matter, or a folio sheet) is laid out on its own.
Workers are separate processes that import WeasyPrint and parse the stylesheets once. Each
result is cached under `.cache/chunks/`, keyed by a hash of the chunk's HTML and of everything
else that shapes its layout (stylesheets, fonts, WeasyPrint's version, this module). A cache
entry is used only if its metadata matches and the PDF's own hash checks out; anything else is
ignored and rendered again.

WeasyPrint's log records are captured per chunk and returned as findings: a missing anchor or
a font that fails to load is an error, not a log line.
"""

from __future__ import annotations

import hashlib
import logging
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Callable, Iterable

from . import cache
from .findings import Finding, Loc

CACHE_FORMAT = 3
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


@dataclass(frozen=True)
class Job:
    """One chunk to lay out."""

    key: str
    html: str
    source: str  # project file a finding about this chunk points at
    stylesheet: str  # "print" or "folios"
    tagged: bool = True


@dataclass(frozen=True)
class Chunk:
    """A laid-out chunk: its PDF, page count and the findings WeasyPrint reported."""

    key: str
    pdf: bytes
    pages: int
    findings: tuple[Finding, ...]
    cached: bool = False


@dataclass
class Layout:
    """What is needed to lay out chunks for one project, plus the cache location."""

    root: Path
    cache_dir: Path | None
    jobs: int
    fingerprint: str = field(init=False)

    def __post_init__(self) -> None:
        self.fingerprint = layout_fingerprint(self.root)

    def cache_key(self, job: Job) -> str:
        """Return the hash that names a job's cache entry."""
        digest = hashlib.sha256()
        for part in (self.fingerprint, job.stylesheet, str(job.tagged), job.html):
            digest.update(part.encode())
            digest.update(b"\0")
        return digest.hexdigest()


def layout_fingerprint(root: Path) -> str:
    """Return a hash of everything besides the HTML that changes how chunks are laid out."""
    digest = hashlib.sha256(f"cache-format {CACHE_FORMAT}\n".encode())
    for package in ("weasyprint", "pydyf", "fonttools"):
        digest.update(f"{package} {version(package)}\n".encode())
    digest.update(Path(__file__).read_bytes())
    for folder in ("layouts/css", "layouts/fonts"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# -- cache ---------------------------------------------------------------------------------------


def cache_get(cache_dir: Path | None, key: str, job: Job) -> Chunk | None:
    """Return the cached chunk for `key`, or None if it is absent, corrupt or foreign."""
    entry = cache.get(cache_dir, "chunks", key)
    if entry is None:
        return None
    pdf, extra = entry
    try:
        findings = tuple(
            Finding(f["level"], f["code"], Loc(f["path"], f["line"], f["column"]), f["message"])
            for f in extra["findings"]
        )
        return Chunk(job.key, pdf, int(extra["pages"]), findings, cached=True)
    except (KeyError, TypeError, ValueError):
        return None


def cache_put(cache_dir: Path | None, key: str, chunk: Chunk) -> None:
    """Store a laid-out chunk with its page count and findings."""
    extra = {"pages": chunk.pages, "findings": [f.as_dict() for f in chunk.findings]}
    cache.put(cache_dir, "chunks", key, chunk.pdf, extra)


# -- workers -------------------------------------------------------------------------------------

_WORKER: dict[str, object] = {}


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _init_worker(root: str) -> None:
    """Import WeasyPrint and parse the stylesheets once per worker process."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    fonts = FontConfiguration()
    fetcher = weasyprint.URLFetcher(allowed_protocols=["file"])
    css_dir = Path(root) / "layouts" / "css"
    sheets = {
        name: [weasyprint.CSS(filename=str(css_dir / f"{name}.css"), font_config=fonts, url_fetcher=fetcher)]
        for name in ("print", "folios")
    }
    _WORKER.update(
        weasyprint=weasyprint,
        fonts=fonts,
        fetcher=fetcher,
        sheets=sheets,
        collector=collector,
        base_url=(Path(root) / "layouts" / "pdf").as_uri() + "/",
        init_records=list(collector.records),
    )
    collector.records.clear()


def _render(job: Job) -> tuple[bytes, int, list[tuple[str, str]]]:
    """Lay out one job in a worker; return its PDF, page count and (level, message) log records."""
    weasyprint = _WORKER["weasyprint"]
    collector: _Collector = _WORKER["collector"]  # type: ignore[assignment]
    collector.records.clear()
    html = weasyprint.HTML(string=job.html, base_url=_WORKER["base_url"], url_fetcher=_WORKER["fetcher"])
    document = html.render(stylesheets=_WORKER["sheets"][job.stylesheet], font_config=_WORKER["fonts"])
    options = dict(PDF_OPTIONS) if job.tagged else {}
    pdf = document.write_pdf(pdf_identifier=hashlib.md5(job.html.encode()).hexdigest().encode(), **options)
    records = [*_WORKER["init_records"], *collector.records]  # type: ignore[misc]
    return pdf, len(document.pages), [(r.levelname, r.getMessage()) for r in records]


def _findings(job: Job, records: Iterable[tuple[str, str]]) -> tuple[Finding, ...]:
    out = []
    for level, message in records:
        lowered = message.lower()
        fatal = level in ("ERROR", "CRITICAL") or "font" in lowered or "no anchor" in lowered
        code = "pdf.font" if "font" in lowered else "pdf.anchor" if "anchor" in lowered else "pdf.weasyprint"
        out.append(Finding("error" if fatal else "warning", code, Loc(job.source), f"{job.key}: {message}"))
    return tuple(dict.fromkeys(out))


# -- the stage -----------------------------------------------------------------------------------


class Paginator:
    """Lays out jobs, from the cache when possible, in a pool of worker processes.

    Workers come from a fork server that has imported WeasyPrint once, so they share none of
    this process's memory. The pool also runs other picklable work (`run`), such as assembling
    the per-facility PDFs.
    """

    def __init__(self, layout: Layout, progress: Callable[[str, bool], None] | None = None):
        self.layout = layout
        self.progress = progress or (lambda key, cached: None)
        self._pool: ProcessPoolExecutor | None = None
        self.rendered = 0
        self.reused = 0

    def __enter__(self) -> Paginator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (and give their memory back)."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing

            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["weasyprint", "report.paginate", "report.assemble"])
            self._pool = ProcessPoolExecutor(
                max_workers=self.layout.jobs,
                mp_context=context,
                initializer=_init_worker,
                initargs=(str(self.layout.root),),
            )
        return self._pool

    def run(self, function: Callable, calls: list[tuple]) -> list:
        """Return `function(*args)` for each args tuple, computed in the worker pool, in order."""
        if len(calls) <= 1:
            return [function(*args) for args in calls]
        futures = [self._executor().submit(function, *args) for args in calls]
        return [future.result() for future in futures]

    def lay_out(self, job: Job) -> Future:
        """Return a future of the job's chunk: already done if the cache has it."""
        key = self.layout.cache_key(job)
        cached = cache_get(self.layout.cache_dir, key, job)
        if cached is not None:
            self.reused += 1
            self.progress(job.key, True)
            done: Future = Future()
            done.set_result(cached)
            return done
        rendering = self._executor().submit(_render, job)
        result: Future = Future()

        def finish(future: Future) -> None:
            try:
                pdf, pages, records = future.result()
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the result
                result.set_exception(exc)
                return
            chunk = Chunk(job.key, pdf, pages, _findings(job, records))
            cache_put(self.layout.cache_dir, key, chunk)
            self.rendered += 1
            self.progress(job.key, False)
            result.set_result(chunk)

        rendering.add_done_callback(finish)
        return result
