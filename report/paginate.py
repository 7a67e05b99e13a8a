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
import json
import logging
import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .findings import Finding, Loc

CACHE_FORMAT = 2
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


def _cache_paths(cache_dir: Path, key: str) -> tuple[Path, Path]:
    folder = cache_dir / "chunks" / key[:2]
    return folder / f"{key}.pdf", folder / f"{key}.json"


def cache_get(cache_dir: Path | None, key: str, job: Job) -> Chunk | None:
    """Return the cached chunk for `key`, or None if it is absent, corrupt or foreign."""
    if cache_dir is None:
        return None
    pdf_path, meta_path = _cache_paths(cache_dir, key)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        pdf = pdf_path.read_bytes()
        if (
            meta.get("format") != CACHE_FORMAT
            or meta.get("key") != key
            or meta.get("sha256") != hashlib.sha256(pdf).hexdigest()
            or not pdf.startswith(b"%PDF-")
        ):
            return None
        findings = tuple(
            Finding(f["level"], f["code"], Loc(f["path"], f["line"], f["column"]), f["message"])
            for f in meta["findings"]
        )
        return Chunk(job.key, pdf, int(meta["pages"]), findings, cached=True)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def cache_put(cache_dir: Path | None, key: str, chunk: Chunk) -> None:
    """Store a chunk, writing each file atomically so a crash never leaves half an entry."""
    if cache_dir is None:
        return
    pdf_path, meta_path = _cache_paths(cache_dir, key)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "format": CACHE_FORMAT,
        "key": key,
        "sha256": hashlib.sha256(chunk.pdf).hexdigest(),
        "pages": chunk.pages,
        "findings": [f.as_dict() for f in chunk.findings],
    }
    for path, data in ((pdf_path, chunk.pdf), (meta_path, json.dumps(meta).encode())):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)


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
    """Lays out jobs, from the cache when possible, in a pool of worker processes."""

    def __init__(self, layout: Layout, progress: Callable[[str, bool], None] | None = None):
        self.layout = layout
        self.progress = progress or (lambda key, cached: None)
        self._pool: ProcessPoolExecutor | None = None
        self.rendered = 0
        self.reused = 0

    def __enter__(self) -> Paginator:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing

            # Fork after importing WeasyPrint here, so workers start with it loaded.
            import weasyprint  # noqa: F401

            self._pool = ProcessPoolExecutor(
                max_workers=self.layout.jobs,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_init_worker,
                initargs=(str(self.layout.root),),
            )
        return self._pool

    def submit(self, jobs: Iterable[Job]) -> Iterator[Chunk]:
        """Yield every job's chunk as soon as it is ready: cached ones first."""
        pending: dict[Future, tuple[Job, str]] = {}
        for job in jobs:
            key = self.layout.cache_key(job)
            cached = cache_get(self.layout.cache_dir, key, job)
            if cached is not None:
                self.reused += 1
                self.progress(job.key, True)
                yield cached
            else:
                pending[self._executor().submit(_render, job)] = (job, key)
        from concurrent.futures import as_completed

        for future in as_completed(pending):
            job, key = pending[future]
            pdf, pages, records = future.result()
            chunk = Chunk(job.key, pdf, pages, _findings(job, records))
            cache_put(self.layout.cache_dir, key, chunk)
            self.rendered += 1
            self.progress(job.key, False)
            yield chunk
