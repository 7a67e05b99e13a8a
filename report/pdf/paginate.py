"""Stage 5, paginate: lay out each chunk's HTML with WeasyPrint, in parallel, with a cache.

A chunk (front matter, one chapter, back matter, or a folio sheet) is laid out on its own.
Workers are separate processes that import WeasyPrint and parse the stylesheets once. Each
result is cached under `.cache/chunks/`, keyed by a hash of the chunk's HTML and of everything
else that shapes its layout (its images, the print stylesheets and the fonts and images they
name, WeasyPrint's version, this module and `tags`, which lightens each tagged chunk's structure
tree before it is cached). A cache
entry is used only if its metadata matches and the PDF's own hash checks out; anything else is
ignored and rendered again.

WeasyPrint's log records are captured and returned as findings, classified as WeasyPrint's
`logger` module documents its levels: errors are resources it could not use (a missing anchor
among them), warnings are bad CSS or HTML and other problems it skipped; a font that fails to load
or a character no font can print is an error too, since the PDF would print without it. Records
about the stylesheets point at the stylesheet, with the line and column of the rule, and are the
same finding for every chunk, so they are reported once. WeasyPrint reads only through the
sandbox's URL fetcher (see `sandbox`): every URL it refuses is a `pdf.fetch` error, at the place a
stylesheet names it (which `check` finds too, without fetching: `refused_in_stylesheets`), or else
at the chunk's source.

Each laid-out chunk is checked before it is written (see `verify`): every note printed after its
call, nothing cut off at the page's edge, nothing hidden that says how far to trust the report (a
review mark, an editor's note, the draft band, the name of a person who died in custody), no font
embedded but the faces the print stylesheets declare. A note WeasyPrint lost is repaired there;
what cannot be repaired is an error. A font of the machine is one error per font for the whole
build, not per chunk (`once_per_font`).

A chunk laid out with other stylesheets than the build fingerprinted (a file in layouts/ saved
while the build ran, see `_init_worker`), or with an image other than the one its key hashed (the
bytes the URL fetcher served, against those the gather phase checked: `Job.checked`), is a
`pdf.changed` error, with no PDF and no cache entry: its key would name a layout it was not laid
out with. So is one whose layout read a file the print stylesheets name with other bytes than the
key's (an image WeasyPrint fetches as it lays the chunk out, saved since the worker hashed it).
A chunk whose layout read a file its key does not name at all is laid out but not cached
(`Layout.unkeyed`): the key is derived from what the stylesheets name, not from every file of
layouts/, so that saving the site's stylesheet lays out nothing, and what it misses must not
make a cache entry that outlives a change to that file.

A chunk whose layout takes longer than its time budget (`layout_budget` in report.yaml) is
stopped in its worker and becomes a `pdf.budget` error at its source, with no PDF and no cache
entry.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import hashlib
import heapq
import itertools
import json
import logging
import math
import os
import posixpath
import re
import select
import shutil
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping
from urllib.parse import unquote, urljoin, urlsplit

from .. import cache, project
from ..content.model import DEFAULT_LAYOUT_BUDGET
from ..errors import UsageError
from . import tags, verify
from ..findings import Finding, Loc
from ..sandbox import (
    css_imports,
    CSS_COMMENT,
    CssRef,
    SandboxRefusal,
    admit,
    brief_url,
    css_refs,
    inside,
    local_path,
    readable_folders,
    project_url,
    real_folder,
    sheet_url,
    shown_url,
    shown_urls,
    url_fetcher,
)

CACHE_FORMAT = 4
PACKAGE_HOME = Path(__file__).resolve().parents[2]
"""The folder this `report` package is in: where the fork server imports it from (`Paginator.start`)."""
LAST = (sys.maxsize,)
"""The rank of work queued without one: after every ranked job waiting (`Paginator.lay_out`)."""
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


@dataclass(frozen=True)
class Clip:
    """How a chunk made to clip what does not fit reports it: one finding for all it clips, at `loc`.

    A share card is a box of fixed size: words that do not fit push its foot past the edge,
    where the box clips it. What is clipped (the hashtags, in report.yaml) is not what grew,
    so the chunk says so once, as `code` at `loc` (the facility's name), naming the text
    clipped, instead of a `pdf.overflow` at each region clipped.
    """

    code: str
    loc: Loc
    what: str  # what clips it ('the share image')
    advice: str  # what to do ('shorten the name, …')
    parts: tuple[tuple[str, str, Loc], ...] = ()
    """What may grow and push the rest down: each part's region ('#name'), what it is ('the name')
    and where it is written. The finding is at the part whose lines past its first take the most
    height (`verify.lines`), naming it; at `loc`, with `advice`, if none takes a second line."""


@dataclass(frozen=True)
class Job:
    """One chunk to lay out."""

    key: str
    html: str
    source: str  # project file a finding about this chunk points at
    stylesheet: str  # "print", "folios" or "share"
    tagged: bool = True
    assets: tuple[str, ...] = ()  # project files the HTML refers to (images): they key the cache too
    checked: tuple[str, ...] = ()
    """The SHA-256 of each asset as the gather phase checked it, in order: the key names those bytes,
    and a chunk laid out with others is an error. Empty: each as the build reads it when it is queued."""
    places: tuple[tuple[str, Loc], ...] = ()
    """Where the dossier value a region of the chunk prints is written (`verify.Problem.region`,
    such as '#sample-title', to the name's `Loc`): a finding about that region points there. They
    key the cache too, since the cached findings carry them."""
    clip: Clip | None = None
    """How what the chunk's boxes clip is reported, if not as a `pdf.overflow` per region (it keys the cache too)."""


@dataclass(frozen=True)
class Chunk:
    """A laid-out chunk: its PDF, page count and the findings WeasyPrint reported."""

    key: str
    pdf: bytes
    pages: int
    findings: tuple[Finding, ...]
    cached: bool = False
    seconds: float = 0.0
    """How long laying it out took (`layout_budget` holds a cached chunk to it too)."""


@dataclass
class Layout:
    """What is needed to lay out chunks for one project, plus the cache location."""

    root: Path
    cache_dir: Path | None
    jobs: int
    nice: int = 0
    """How much less of the processors the workers ask for (`os.nice`): the preview's builds give
    way to the browser reloading the page and to the next save's pages."""
    fingerprint: str = field(init=False)
    files: str = field(init=False)
    """`layout_files` as the build found them: the stylesheets, fonts and images its key names."""
    reads: dict[str, str] = field(init=False)
    """The SHA-256 of each of those files, by real path relative to the project (`layout_reads`)."""

    def __post_init__(self) -> None:
        self.files, self.reads = layout_reads(self.root)
        self.fingerprint = layout_fingerprint(self.root, self.files)

    def asset_digests(self, job: Job) -> dict[str, str]:
        """Return the SHA-256 of each of a job's assets as the gather phase checked it (`job.checked`),
        or else as the build reads it now (empty if missing)."""
        if job.checked:
            return dict(zip(job.assets, job.checked, strict=True))
        found = {}
        for asset in job.assets:
            try:
                found[asset] = hashlib.sha256((self.root / asset).read_bytes()).hexdigest()
            except OSError:
                found[asset] = ""
        return found

    def cache_key(self, job: Job, assets: Mapping[str, str] | None = None) -> str:
        """Return the hash that names a job's cache entry, with its assets as `asset_digests()` reads them
        (now, or as `assets` says it read them earlier)."""
        assets = self.asset_digests(job) if assets is None else assets
        digest = hashlib.sha256()
        places = "\n".join(f"{region}\t{loc.path}:{loc.line}:{loc.col}" for region, loc in job.places)
        clip = "" if job.clip is None else repr(job.clip)
        for part in (self.fingerprint, job.stylesheet, str(job.tagged), job.html, places, clip):
            digest.update(part.encode())
            digest.update(b"\0")
        for asset, hexdigest in assets.items():
            digest.update(f"{asset}\0{hexdigest or 'missing'}\0".encode())
        return digest.hexdigest()

    def changed_assets(self, job: Job, assets: Mapping[str, str], served: Mapping[str, str]) -> list[str]:
        """Return the assets a worker read with other bytes than `assets` (the key's) says, in job order.

        `served` is what the worker's URL fetcher served, by real path: an asset it did not serve
        (missing, or refused) was not laid out at all, so it cannot have changed under the key.
        """
        changed = []
        for asset, hexdigest in assets.items():
            read = served.get(str((self.root / asset).resolve()))
            if read is not None and read != hexdigest:
                changed.append(asset)
        return changed

    def unkeyed(self, job: Job, served: Mapping[str, str]) -> tuple[list[str], list[str]]:
        """Return the files besides a job's assets that a worker read (`served`, by real path) with
        other bytes than the key names (the layout is not the key's), and those the key does not
        name at all (relative to the project, sorted).

        The key names the stylesheets and what they name (`reads`) and the job's own assets; a
        chunk is cached only if its layout read nothing else: one that read a file the key does
        not name could be served after that file changed.
        """
        real_root = self.root.resolve()
        assets = {str((self.root / asset).resolve()) for asset in job.assets}
        changed, unnamed = [], []
        for path, hexdigest in sorted(served.items()):
            if path in assets:
                continue  # `changed_assets` holds them to the key
            rel = Path(path).relative_to(real_root).as_posix() if Path(path).is_relative_to(real_root) else path
            if rel not in self.reads:
                unnamed.append(rel)
            elif self.reads[rel] != hexdigest:
                changed.append(rel)
        return changed, unnamed


def layout_fingerprint(root: Path, files: str | None = None) -> str:
    """Return a hash of everything besides the HTML that changes how chunks are laid out.

    That is this module's import closure and the distributions it imports (`cache.fingerprint`:
    WeasyPrint and what it requires, pikepdf for `tags`, the sandbox), and the print stylesheets
    with what they import and name (`layout_files`, or `files` if it is given: their hash, taken before).
    """
    code = f"cache-format {CACHE_FORMAT}\n{cache.fingerprint(__name__)}\n"
    return hashlib.sha256(f"{code}{layout_files(root) if files is None else files}".encode()).hexdigest()


def layout_files(root: Path) -> str:
    """Return a hash of the files a layout reads besides its chunk's HTML and images (`layout_reads`)."""
    return layout_reads(root)[0]


def layout_reads(root: Path) -> tuple[str, dict[str, str]]:
    """Return a hash of what the print stylesheets make a layout read, and the SHA-256 of each file
    they name, by its real path relative to the project.

    That is every URL the print stylesheets are at or name (`_stylesheet_urls`: the stylesheets,
    what they import, the fonts and images of their `url()`s), as the sandbox admits it
    (`sandbox.admit`): a file's bytes, where it is, a file that is not there, or a refusal and
    its reason (which the finding says). Of the fonts, only the faces their `@font-face` rules
    declare are named; the site's own stylesheets, fonts and icons are named by none of them,
    so saving one lays out nothing again. A file the print stylesheets do not name is not
    hashed: a layout that reads one anyway (a chunk's HTML naming a file of layouts/ that is
    not among its `Job.assets`, or a `url()` the stylesheets' parse misses) is laid out but
    never cached (`Layout.unkeyed`), so the cache cannot serve it after that file changes.
    """
    real_root, folders = root.resolve(), readable_folders(root)
    layouts = real_folder(root, "layouts")
    described: dict[str, str] = {}
    reads: dict[str, str] = {}
    for url, loc, ref in _stylesheet_urls(str(root)):
        try:
            path = admit(project_url(url, root), folders)
        except SandboxRefusal as refusal:  # not read: the layout says so where it is named, with why
            described[f"refused\0{loc.path}:{loc.line}:{loc.col}\0{ref}"] = refusal.reason
            continue
        if path is None:
            continue  # a `data:` URL: the stylesheet's own bytes
        rel = path.relative_to(real_root).as_posix()
        try:
            reads[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            described[f"file\0{rel}"] = "missing"
            continue
        # The same bytes in facilities/ are read from another folder: not the same layout.
        described[f"file\0{rel}"] = f"{'inside' if inside(path, layouts) else 'outside'}\0{reads[rel]}"
    digest = hashlib.sha256()
    for name, value in sorted(described.items()):
        digest.update(f"{name}\0{value}\0".encode())
    return digest.hexdigest(), reads


# -- cache ---------------------------------------------------------------------------------------


def cache_get(cache_dir: Path | None, key: str, job: Job, budget: float = math.inf) -> Chunk | None:
    """Return the cached chunk for `key`, or None if it is absent, corrupt or foreign, or if laying it
    out took longer than `budget` seconds: then it is laid out again, as a build of a copy would."""
    entry = cache.get(cache_dir, "chunks", key, magic=b"%PDF-")
    if entry is None:
        return None
    pdf, extra = entry
    try:
        findings = tuple(Finding.from_dict(f) for f in extra["findings"])
        chunk = Chunk(job.key, pdf, int(extra["pages"]), findings, cached=True, seconds=float(extra["seconds"]))
    except (KeyError, TypeError, ValueError):
        return None
    return chunk if chunk.seconds <= budget else None


def cache_put(cache_dir: Path | None, key: str, chunk: Chunk) -> None:
    """Store a laid-out chunk with its page count and findings."""
    extra = {"pages": chunk.pages, "findings": [f.as_dict() for f in chunk.findings], "seconds": chunk.seconds}
    cache.put(cache_dir, "chunks", key, chunk.pdf, extra)


# -- workers -------------------------------------------------------------------------------------


@dataclass
class _Worker:
    """What a worker process (or the fork server) keeps between jobs."""

    weasyprint: Any  # the module, imported in the worker (WeasyPrint ships no type information)
    fonts: Any  # its FontConfiguration
    fetcher: Any  # sandbox.url_fetcher: reads only the project's folders, lists what it refused
    sheets: dict[str, list[Any]]  # the parsed stylesheets by name
    sheet_texts: dict[str, tuple[verify.Sheet, ...]]  # by name: each file it loads, its text and media, as cascaded
    collector: _Collector
    base_url: str
    sheet_records: dict[str, list[Record]]  # what loading each stylesheet logged, located in it
    sheet_urls: dict[str, tuple[Loc, str]]  # each URL the stylesheets name (as WeasyPrint asks for it), where
    init_refused: list[tuple[str, str]]  # and what the sandbox refused while loading them
    families: frozenset[str]  # the font families they declare (`declared_families`): no other may print
    fingerprint: str
    """The layout fingerprint of the stylesheets parsed: of layouts/ as it was read, not as the
    build found it (empty if layouts/ changed while they were being read)."""
    files: str
    """`layout_files` of the stylesheets parsed, as read (empty if they changed as they were read)."""
    sheet_reads: dict[str, str]
    """What the URL fetcher served as the stylesheets were parsed (they and their fonts), by path
    relative to the real project root: every chunk is laid out with them (`_render`)."""
    root: str


_WORKER: _Worker | None = None
_RETIRED: list[_Worker] = []
_TEMPORARY: tuple[int, str] | None = None
"""The temporary folder of this process (its id, its path): see `_own_temporary_folder`."""


def _own_temporary_folder() -> None:
    """Put the temporary files of this process (the fork server, or a worker) in a folder of its
    own, which goes as the process ends.

    WeasyPrint copies the fonts the stylesheets load into a temporary folder, and removes it when
    its `FontConfiguration` is collected, which a worker's never is: a worker ends with
    `os._exit`. A worker that loads the stylesheets itself (one whose stylesheets differ from the
    fork server's, as after a designer's save in the preview) left 1.7 MB in the system's
    temporary folder each time. The fork server removes its folder as it exits; a worker, as its
    pool stops it, as the build it serves ends (`_exit_with`) or as it is terminated
    (`terminate_workers`). Only a process killed outright (`kill -9`) leaves its folder behind.
    """
    global _TEMPORARY
    tempfile.tempdir = None  # the system's, not the folder a worker inherits from the fork server
    _TEMPORARY = (os.getpid(), tempfile.mkdtemp(prefix="first-ten-layout-"))
    tempfile.tempdir = _TEMPORARY[1]


def _remove_temporary_folder() -> None:
    if _TEMPORARY is not None and _TEMPORARY[0] == os.getpid():
        shutil.rmtree(_TEMPORARY[1], ignore_errors=True)


def _terminated(number: int, frame: object) -> None:
    """A worker's SIGTERM: remove its temporary folder, then end as the signal ends a process."""
    _remove_temporary_folder()
    signal.signal(number, signal.SIG_DFL)
    os.kill(os.getpid(), number)


PRELOAD_ENV = "FIRST_TEN_PRELOAD"
WARM_UP_HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>warm-up</title></head><body>
<h1>Warm</h1><p>Serif <em>italic</em> <strong>semibold <em>italic</em></strong>.</p>
<p class="facts">Sans <em>italic</em> <strong>semibold</strong> <b>bold</b>.</p></body></html>"""


class _Collector(logging.Handler):
    """Keeps WeasyPrint's warnings and errors, and the debug records that say which font file a
    face could not load from (logged only while the stylesheets load: see `_load_sheets`)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING or record.msg in FONT_TRIED:
            self.records.append(record)


FONT_FACE = "Font-face %r cannot be loaded"
FONT_TRIED = frozenset({"Failed to load font at %r (%s)", "Failed to load font at %r"})
"""WeasyPrint's debug records of a font file it could not load, just before `FONT_FACE`: they say
which `url()` of which stylesheet the face is about."""
STYLESHEET_FAILED = "Failed to load stylesheet at %s : %s"
"""WeasyPrint's error for an `@import` it could not read: it names the URL and Python's words for
why, not the `@import`."""


def _start_worker(root: str, fingerprint: str, cache_dir: str | None, build: int, nice: int = 0) -> None:
    """Initialise a worker (`_init_worker`) that ends with the build process `build`, however it ends,
    and runs `nice` steps below it (`Layout.nice`).

    The pool's workers wait on a queue whose writing end each of them holds too, so a build
    killed outright (`kill -9`, the out-of-memory killer) would leave them, and the fork server
    that lives as long as they do, waiting forever.
    """
    from multiprocessing import util

    if nice:
        os.nice(nice)
    _own_temporary_folder()
    util.Finalize(None, _remove_temporary_folder, exitpriority=0)  # run as the pool stops the worker
    signal.signal(signal.SIGTERM, _terminated)
    threading.Thread(target=_exit_with, args=(build,), name="build-watch", daemon=True).start()
    _init_worker(root, fingerprint, cache_dir)


def _exit_with(pid: int) -> None:
    """Wait until process `pid` has ended, then end this one."""
    try:
        handle = os.pidfd_open(pid)  # Linux: readable once the process has ended
    except (AttributeError, OSError):
        while _alive(pid):  # elsewhere, ask once a second
            time.sleep(1.0)
    else:
        select.select([handle], [], [])
    _remove_temporary_folder()
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # a process of another user's: it is there
    return True


def _init_worker(root: str, fingerprint: str, cache_dir: str | None = None) -> None:
    """Import WeasyPrint, parse the stylesheets and load the fonts, once per layout fingerprint.

    What loading the stylesheets logged is also kept in `cache_dir`, for `stylesheet_findings`.

    The fork server runs this before it forks any worker (see `_preload`), so workers usually
    inherit all of it and return at once; a worker whose stylesheets differ from the fork
    server's does it again. A worker for another project with the same stylesheets only needs
    its own URL fetcher, which may read that project's files and no other (unless loading the
    stylesheets met a refusal, which would then be the other project's: it starts over).

    `fingerprint` is the build's, taken before the stylesheets were read: a designer may save
    one in between. So the worker hashes the print stylesheets and what they name again before
    and after it reads them (`layout_files`), keeps that (none if they changed as it read), and
    each chunk says which files laid it out (`_render`), and what the URL fetcher served in
    loading the stylesheets and laying the chunk out: one laid out with others than its cache key
    names is never cached (`Paginator._laid_out`). Only the files are compared: the build and its
    workers run the same code.
    """
    global _WORKER
    if _WORKER is not None and _WORKER.fingerprint == fingerprint:
        if _WORKER.root == root:
            return
        if not _WORKER.init_refused:
            _WORKER.root, _WORKER.fetcher, _WORKER.base_url = root, url_fetcher(Path(root)), _base_url(root)
            _WORKER.sheet_urls = _urls_as_fetched(root)  # the same stylesheets, at this project's URLs
            return
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    tags.declare_languages_and_notes()  # `lang` becomes /Lang; a footnote, a /Note
    remember_first_lines()
    remember_note_layouts()
    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    for handler in [h for h in logger.handlers if isinstance(h, _Collector)]:
        logger.removeHandler(handler)
    logger.addHandler(collector)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    fonts = FontConfiguration()
    fetcher = url_fetcher(Path(root))
    before = layout_files(Path(root))
    sheets, sheet_records = _load_sheets(weasyprint, root, fonts, fetcher, collector)
    real_root = Path(root).resolve()
    sheet_reads = {path.relative_to(real_root).as_posix(): hexdigest for path, hexdigest in fetcher.served.items()}
    texts = {name: sheet_texts(root, name) for name in SHEETS}
    files = before if layout_files(Path(root)) == before else ""  # else saved while being read
    parsed = layout_fingerprint(Path(root), files) if files else ""
    if parsed:
        # Kept for `check`, which loads the stylesheets itself without it. A worker that cannot
        # keep it (a full disk) lays out all the same: failing here broke the pool, and the build
        # stopped with an internal error before it could say where the disk refused it.
        with contextlib.suppress(project.DiskFull, project.NotWritable):
            _keep_sheet_findings(Path(cache_dir) if cache_dir else None, parsed, sheet_records)
    if _WORKER is not None:
        # The state replaced here may be the fork server's, inherited: its FontConfiguration
        # deletes its font folder, which the fork server and every later worker share on disk,
        # when it is collected. Keep it alive; a worker ends with os._exit, so it never is.
        _RETIRED.append(_WORKER)
    _WORKER = _Worker(
        weasyprint=weasyprint,
        fonts=fonts,
        fetcher=fetcher,
        sheets=sheets,
        sheet_texts=texts,
        collector=collector,
        base_url=_base_url(root),
        sheet_records=sheet_records,
        sheet_urls=_urls_as_fetched(root),
        init_refused=list(fetcher.refused),
        families=declared_families(Path(root)),
        fingerprint=parsed,
        files=files,
        sheet_reads=sheet_reads,
        root=root,
    )
    # Shaping text with each face once fills the font caches that every chunk would fill again.
    _render(Job("warm-up", WARM_UP_HTML, "", "print"))


def remember_first_lines() -> None:
    """Make WeasyPrint break each run of text into its first line once per document, not at every
    layout of the same box.

    WeasyPrint lays a page's footnote area out again each time a footnote joins it (every note of
    the page, each time), and a block again at each page break it tries, and measures the
    min-content width of the same inline boxes again: in a chapter, two thirds of its calls to
    `split_first_line` (Pango shaping the text, about a third of the chapter's layout) repeat a
    call already made with the same text, style and width (measured: 4,147 calls, 1,517
    different, for Adelanto's). The function depends only on its arguments (Pango shapes the same
    text in the same fonts the same way; its hyphenation dictionaries are cached in the layout
    context), so its answer is remembered for the document being laid out: keyed by the text,
    the style object (kept alive with the answer, so that its id is not reused), the width and
    the flags, and held by the layout context (one per document). Each call gets its own copy of
    the Pango layout holder it returns (drawing reactivates it, and an ellipsis rewrites its text),
    so no two boxes share one. This wraps the name in the two WeasyPrint modules that lay out
    boxes (`layout.inline`, `layout.preferred`); WeasyPrint is pinned to a minor release for it,
    and tests/test_paginate.py checks the signature and that a chunk lays out to the same bytes.
    Calling it again does nothing.
    """
    import copy

    from weasyprint.layout import inline, preferred
    from weasyprint.text import line_break

    if getattr(inline.split_first_line, "remembers_first_lines", False):
        return

    def split_first_line(
        text: str,
        style: Any,
        context: Any,
        max_width: float | None,
        justification_spacing: float,
        is_line_start: bool = True,
        minimum: bool = False,
    ) -> tuple[Any, ...]:
        split = line_break.split_first_line  # looked up at each call, as WeasyPrint's own recursion does
        if context is None:
            return split(text, style, context, max_width, justification_spacing, is_line_start, minimum)
        lines = context.__dict__.setdefault("_first_lines", {})
        key = (text, id(style), max_width, justification_spacing, is_line_start, minimum)
        found = lines.get(key)
        if found is None:  # the style is kept with the answer: while it is, no other style has its id
            found = lines[key] = (
                style,
                split(text, style, context, max_width, justification_spacing, is_line_start, minimum),
            )
        layout, *metrics = found[1]
        return (copy.copy(layout), *metrics)

    split_first_line.remembers_first_lines = True  # type: ignore[attr-defined]
    inline.split_first_line = split_first_line
    preferred.split_first_line = split_first_line


def remember_note_layouts() -> None:
    """Make WeasyPrint lay each footnote out once per place, not each time another joins its page.

    To know how much room a page's notes leave, WeasyPrint lays the page's whole footnote area
    out again each time a note joins it, is moved on or taken back (`_update_footnote_area`),
    then keeps only the area's height: the notes already there are laid out again every time
    (measured on the shipped edition's 22 chapters and back matters: 900 such layouts, 5,685
    notes laid out, 887 of them different; a fifth of the workers' processor time). Each note
    is laid out the same way wherever the area starts, since the area is measured with no page
    bottom and nothing floats beside it. So, within that measuring pass only, a note's layout is
    remembered for the document being laid out: keyed by the note (its style and element, kept
    alive with the answer, so that their ids are not reused), its containing area's width and
    left edge, and every other argument that reaches the layout, and given again as a copy moved
    to where the area puts it this time. A note whose layout touched anything beyond itself (a
    float, an absolute box, another note) or did not end on this page is never remembered; the
    footnote area that is drawn is laid out as WeasyPrint does. This wraps `block_level_layout`
    in the module that lays out blocks' children, and `LayoutContext._update_footnote_area`;
    WeasyPrint is pinned to a minor release for it, and tests/test_paginate.py checks their
    signatures and that documents lay out to the same bytes. Calling it again does nothing.
    """
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox
    from weasyprint.layout import LayoutContext, block

    if getattr(block.block_level_layout, "remembers_notes", False):
        return
    lay_out, measure = block.block_level_layout, LayoutContext._update_footnote_area

    def update_footnote_area(context: Any) -> Any:
        context.__dict__["_measuring_notes"] = True
        try:
            return measure(context)
        finally:
            context.__dict__["_measuring_notes"] = False

    def block_level_layout(
        context: Any,
        box: Any,
        bottom_space: float,
        skip_stack: Any,
        containing_block: Any,
        page_is_empty: bool = True,
        absolute_boxes: list[Any] | None = None,
        fixed_boxes: list[Any] | None = None,
        adjoining_margins: list[float] | None = None,
        first_letter_style: Any = None,
        first_line_style: Any = None,
        discard: bool = False,
        max_lines: int | None = None,
    ) -> tuple[Any, ...]:
        arguments: tuple[Any, ...] = (context, box, bottom_space, skip_stack, containing_block, page_is_empty)
        arguments += (absolute_boxes, fixed_boxes, adjoining_margins, first_letter_style, first_line_style, discard)
        arguments += (max_lines,)
        if not (
            context.__dict__.get("_measuring_notes")
            and type(containing_block) is FootnoteAreaBox
            and skip_stack is None
            and not (absolute_boxes or fixed_boxes or context.excluded_shapes)
        ):
            return lay_out(*arguments)
        key: tuple[Any, ...] = (id(box.style), id(box.element), box.element_tag, type(box), repr(box.margin_top))
        key += (box.position_x,)
        key += (containing_block.width, containing_block.position_x, page_is_empty, tuple(adjoining_margins or ()))
        key += (bottom_space, id(first_letter_style), id(first_line_style), discard, max_lines)
        key += (context.current_page > 1, context.forced_break)
        notes = context.__dict__.setdefault("_note_layouts", {})
        found = notes.get(key)
        if found is None:
            top = box.position_y

            def around() -> tuple[int, ...]:
                return (len(context.excluded_shapes), len(context.broken_out_of_flow), len(context.footnotes))

            before = (*around(), len(context.current_page_footnotes), len(absolute_boxes or ()), len(fixed_boxes or ()))
            laid_out = lay_out(*arguments)
            after = (*around(), len(context.current_page_footnotes), len(absolute_boxes or ()), len(fixed_boxes or ()))
            if before == after and laid_out[0] is not None and laid_out[1] is None:
                kept = (box.style, box.element, first_letter_style, first_line_style)  # their ids key it
                notes[key] = (kept, top, laid_out[0].deepcopy(), laid_out[1:])
            return laid_out
        _, top, note, (resume_at, next_page, margins, collapsing_through, lines) = found
        note = note.deepcopy()
        note.translate(dy=box.position_y - top)
        return (note, resume_at, dict(next_page), list(margins), collapsing_through, lines)

    block_level_layout.remembers_notes = True  # type: ignore[attr-defined]
    block_level_layout.__wrapped__ = lay_out  # type: ignore[attr-defined]
    update_footnote_area.__wrapped__ = measure  # type: ignore[attr-defined]
    block.block_level_layout = block_level_layout
    LayoutContext._update_footnote_area = update_footnote_area


SHEETS = ("print", "folios", "share")
"""The stylesheets a job may ask for (`Job.stylesheet`): `layouts/css/<name>.css`."""


def _load_sheets(
    weasyprint: Any, root: str, fonts: Any, fetcher: Any, collector: _Collector
) -> tuple[dict[str, list[Any]], dict[str, list[Record]]]:
    """Return the parsed stylesheets by name, and what loading each logged (located in its file)."""
    index = _css_index(weasyprint, root)
    sheets: dict[str, list[Any]] = {}
    records: dict[str, list[Record]] = {}
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.DEBUG)  # for FONT_TRIED; laying out logs at WARNING, without the cost of debug records
    try:
        for name in SHEETS:
            sheets[name] = [_stylesheet(weasyprint, sheet_url(f"layouts/css/{name}.css"), fonts, fetcher)]
            records[name] = _stylesheet_records(collector.records, f"layouts/css/{name}.css", index, Path(root))
            collector.records.clear()
    finally:
        logger.setLevel(level)
    return sheets, records


def sheet_texts(root: str, name: str) -> tuple[verify.Sheet, ...]:
    """Return each file (relative to the project) a stylesheet of layouts/css loads, its text and the
    media query list of each `@import` on the way to it, as they cascade (`verify.hidden` and
    `verify.site_hidden` find a rule in them): an imported file where its `@import` is, depth first,
    in the order they are written, and the importing file after what it imports. A file is taken
    at its first `@import`, as `site.bundle` inlines it; one that imports a file on the way to it
    does not take it again."""
    real_root = Path(root).resolve()
    rel = f"layouts/css/{name}.css"
    entry = sheet_url(rel)  # the URL `_stylesheets_read` gives it
    files = {sheet: path for sheet, path, _ in _stylesheets_read(root, [rel])}
    placed = {entry}
    read: list[verify.Sheet] = []

    def follow(sheet: str, conditions: tuple[str, ...]) -> None:
        text = (real_root / files[sheet]).read_text(encoding="utf-8", errors="replace")
        for ref, query in _import_media(text):
            imported = urljoin(sheet, ref)
            if imported in files and imported not in placed:
                placed.add(imported)
                follow(imported, conditions + ((query,) if query else ()))
        read.append((files[sheet], text, conditions))

    if entry in files:
        follow(entry, ())
    return tuple(read)


def _import_media(text: str) -> Iterator[tuple[str, str]]:
    """Yield the file each `@import` of a stylesheet names (`sandbox.css_imports`) and its condition
    ('' if none): its `supports()` and media query list, as written after the address and a `layer`
    (a `supports()` a browser assumes holds and WeasyPrint refuses, as `verify` reads an `@media`)."""
    for rule in css_imports(text):
        if rule.ref:
            yield rule.ref, " ".join(filter(None, (f"supports({rule.supports})" if rule.supports else "", rule.media)))


def stylesheet_findings(root: Path, cache_dir: Path | None, load: bool = True) -> list[Finding]:
    """Return what the sandbox refuses of the print stylesheets and what WeasyPrint says of them
    as it loads them, each at its place there.

    A `pdf.fetch` error for every URL the print stylesheets name that the sandbox would refuse,
    judged here without fetching anything (`refused_in_stylesheets`). Then the `pdf.css` warnings
    (a declaration it skips) and the faces it cannot load, which every chunk's layout reports
    again. The fork server keeps those in the cache as it loads the stylesheets (keyed by the
    layout fingerprint); on a miss, with `load`, they are loaded here, so that `check`, which
    lays nothing out, says what a build will.
    """
    return refused_in_stylesheets(root) + _logged_by_stylesheets(root, cache_dir, load)


def refused_in_stylesheets(root: Path) -> list[Finding]:
    """Return a `pdf.fetch` error at every URL the print stylesheets name that the sandbox refuses.

    The sandbox's own decision (`sandbox.admit`), so a build's worker refuses exactly these when
    it asks for them (`_render`). The site's own stylesheets are `sandbox.asset_findings`' concern.
    """
    folders = readable_folders(root)
    found = []
    for url, loc, ref in _stylesheet_urls(str(root)):
        try:
            admit(project_url(url, root), folders)
        except SandboxRefusal as refusal:
            found.append(_refused(loc, ref, refusal.reason))
    return found


def _refused(loc: Loc, url: str, reason: str, chunk: str = "") -> Finding:
    """Return the `pdf.fetch` error of a URL the sandbox refused: at a stylesheet's `url()`, or in a chunk."""
    return Finding(
        "error",
        "pdf.fetch",
        loc,
        f"{chunk}{': ' if chunk else ''}refused to read '{brief_url(shown_url(url))}': {reason}",
    )


def _logged_by_stylesheets(root: Path, cache_dir: Path | None, load: bool) -> list[Finding]:
    fingerprint = layout_fingerprint(root)
    found = cache.get(cache_dir, "sheets", fingerprint)
    if found is not None:
        try:
            return [Finding.from_dict(entry) for entry in json.loads(found[0])]
        except (ValueError, KeyError, TypeError):
            pass  # not ours: load them again
    if not load or not all((root / "layouts" / "css" / f"{name}.css").is_file() for name in SHEETS):
        return []  # without its stylesheets a project cannot be laid out: the build says so
    known = _SHEET_FINDINGS.get(fingerprint)
    if known is not None:  # the project's cache gets its entry as if they were loaded
        cache.put(cache_dir, "sheets", fingerprint, json.dumps([f.as_dict() for f in known]).encode())
        return list(known)
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    handlers, logger.handlers = logger.handlers, [collector]
    try:
        _, records = _load_sheets(weasyprint, str(root), FontConfiguration(), url_fetcher(root), collector)
    finally:
        logger.handlers = handlers
    if layout_fingerprint(root) != fingerprint:  # saved while being read: kept under no fingerprint, as a worker does
        return _sheet_findings(records)
    findings = _keep_sheet_findings(cache_dir, fingerprint, records)
    here = (str(root.resolve()), root.resolve().as_uri())
    if not any(place in f.message for f in findings for place in here):
        _SHEET_FINDINGS[fingerprint] = tuple(findings)  # what names no project's folder is any project's
        while len(_SHEET_FINDINGS) > 16:
            del _SHEET_FINDINGS[next(iter(_SHEET_FINDINGS))]
    return findings


_SHEET_FINDINGS: dict[str, tuple[Finding, ...]] = {}
"""What loading the print stylesheets logged, by `layout_fingerprint` (the last 16): `check` loads
them in under a second, and the many small projects of the tests have the same layouts."""


def _keep_sheet_findings(cache_dir: Path | None, fingerprint: str, records: dict[str, list[Record]]) -> list[Finding]:
    findings = _sheet_findings(records)
    cache.put(cache_dir, "sheets", fingerprint, json.dumps([f.as_dict() for f in findings]).encode())
    return findings


def _sheet_findings(records: dict[str, list[Record]]) -> list[Finding]:
    """Return the findings of what loading the stylesheets logged, each once."""
    return list(
        dict.fromkeys(
            _located(level, template, message, loc)
            for sheet in records.values()
            for level, template, message, loc in sheet
            if loc is not None  # always, for a stylesheet's records
            and f"{SandboxRefusal.__name__}:" not in message  # `refused_in_stylesheets` says it better
        )
    )


def _stylesheet(weasyprint: Any, url: str, fonts: Any, fetcher: Any) -> Any:
    """Return a parsed stylesheet, read through the sandbox like everything it imports.

    A stylesheet the sandbox refuses (a link out of layouts/) is left empty: the refusal is a
    `pdf.fetch` error where it is named (`refused_in_stylesheets`), so the build stops.
    """
    from weasyprint.urls import URLFetchingError

    try:
        return weasyprint.CSS(url=url, font_config=fonts, url_fetcher=fetcher)
    except URLFetchingError:
        if url not in (refused for refused, _ in fetcher.refused):
            raise
        return weasyprint.CSS(string="", font_config=fonts, url_fetcher=fetcher)


_AT = re.compile(r" at (\d+):(\d+)")
"""Where WeasyPrint says a CSS record is: ' at line:column' in the message."""


@dataclass(frozen=True)
class _CssIndex:
    """Where in `layouts/` a stylesheet record comes from."""

    messages: dict[str, tuple[str, ...]]
    """The stylesheet files (relative to the project) each CSS record message comes from: two files
    with the same mistake at the same line and column give the same message."""
    loads: dict[str, frozenset[str]]
    """The files each print stylesheet (`layouts/css/<name>.css`) loads: itself and what it imports."""
    urls: dict[str, tuple[Loc, str]]
    """Each `url()` and `@import` of the print stylesheets (`_urls_as_fetched`)."""


def _css_index(weasyprint: Any, root: str) -> _CssIndex:
    """Return where each CSS record message of the stylesheets in `layouts/` is, the files each print
    stylesheet loads, and each URL of the print ones.

    WeasyPrint says where in a stylesheet a CSS record is, but not in which file: print.css and
    the files it imports all count from line 1. Each stylesheet the print stylesheets load is
    parsed again on its own (its imports not followed), and gives the messages it alone
    produces. Those alone: the findings are cached with each chunk, under a key that names no
    other stylesheet (`layout_reads`). A file that the sandbox would refuse is not read.
    """
    entries = [f"layouts/css/{name}.css" for name in SHEETS]
    loads = {entry: frozenset(rel for _, rel, _ in _stylesheets_read(root, [entry])) for entry in entries}
    index: dict[str, list[str]] = {}
    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    handlers, logger.handlers = logger.handlers, [collector]
    try:
        real_root = Path(root).resolve()
        for rel in sorted(set().union(*loads.values())):
            collector.records.clear()
            try:
                text = (real_root / rel).read_text(encoding="utf-8", errors="replace")
                weasyprint.CSS(string=text)
            except Exception:  # noqa: BLE001 - a file WeasyPrint cannot parse at all locates nothing
                continue
            for message in dict.fromkeys(record.getMessage() for record in collector.records):
                index.setdefault(message, []).append(rel)
    finally:
        logger.handlers = handlers
    return _CssIndex({message: tuple(files) for message, files in index.items()}, loads, _urls_as_fetched(root))


def _urls_as_fetched(root: str) -> dict[str, tuple[Loc, str]]:
    """Return where the print stylesheets name each URL (the first place, if several do) and what they
    say there, by the URL WeasyPrint asks the URL fetcher for (or says it tried)."""
    from weasyprint.urls import iri_to_uri  # what WeasyPrint does to every URL it resolves

    urls: dict[str, tuple[Loc, str]] = {}
    for url, loc, ref in _stylesheet_urls(root):
        urls.setdefault(iri_to_uri(url), (loc, ref))
    return urls


def _stylesheet_urls(root: str) -> list[tuple[str, Loc, str]]:
    """Return the URL of every print stylesheet (`SHEETS`, at its file) and every URL they and what
    they import name, resolved as WeasyPrint resolves it, with its place and what it says there.

    Imports are followed as WeasyPrint follows them, by URL; a stylesheet the sandbox refuses is
    not read (its `@import` is where that is said).
    """
    entries = [f"layouts/css/{name}.css" for name in SHEETS]
    urls = [(sheet_url(entry), Loc(entry), entry) for entry in entries]
    for sheet, rel, refs in _stylesheets_read(root, entries):
        urls.extend((urljoin(sheet, named.ref), Loc(rel, named.line, named.column), named.ref) for named in refs)
    return urls


def stylesheet_files(root: Path) -> list[str]:
    """Return the print stylesheets and those they import (relative to the project): the files
    `stylesheet_findings` reads and places its findings in."""
    return [rel for _, rel, _ in _stylesheets_read(str(root), [f"layouts/css/{name}.css" for name in SHEETS])]


def _stylesheets_read(root: str, entries: list[str]) -> Iterator[tuple[str, str, tuple[CssRef, ...]]]:
    """Yield the URL, the file (relative to the project) and the URLs named of every stylesheet that
    `entries` load: each entry, then what they import, followed as WeasyPrint follows it, by URL.

    A stylesheet the sandbox refuses is not read (its `@import` is where that is said), nor is
    a missing one (the build says so) or a `data:` one (nothing in a file to point at).
    """
    folders = readable_folders(Path(root))
    real_root = Path(root).resolve()
    waiting = [sheet_url(entry) for entry in entries]
    seen: set[str] = set()
    while waiting:
        sheet = waiting.pop(0)
        if sheet in seen:
            continue
        seen.add(sheet)
        try:
            path = admit(project_url(sheet, real_root), folders)
            if path is None:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except (SandboxRefusal, OSError):
            continue
        refs = css_refs(text)
        yield sheet, path.relative_to(real_root).as_posix(), refs
        waiting.extend(urljoin(sheet, named.ref) for named in refs if named.imported)


_FONT_FACE_RULE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)
_FONT_FAMILY = re.compile(r"font-family\s*:\s*(?:\"([^\"]*)\"|'([^']*)'|([^;}]*))", re.IGNORECASE)


def declared_faces(root: Path) -> tuple[str, ...]:
    """Return the font files (relative to the project) of every `@font-face` rule the print
    stylesheets load, in the order they are named: the faces WeasyPrint adds to the system's.

    A file the sandbox refuses is left out (`refused_in_stylesheets` says so), as is a `data:` one.
    """
    folders, real_root = readable_folders(root), root.resolve()
    faces: dict[str, None] = {}
    for sheet, rule in _font_face_rules(root):
        faces.update(dict.fromkeys(_rule_faces(sheet, rule, folders, real_root)))
    return tuple(faces)


def _rule_faces(sheet: str, rule: str, folders: tuple[Path, ...], real_root: Path) -> Iterator[str]:
    """Yield the font files (relative to the project) an `@font-face` rule names and the sandbox admits."""
    for named in css_refs(rule):
        try:
            path = admit(project_url(urljoin(sheet, named.ref), real_root), folders)
        except SandboxRefusal:
            continue
        if path is not None and path.is_relative_to(real_root):
            yield path.relative_to(real_root).as_posix()


def _family_name(named: re.Match[str]) -> str:
    """Return the family a `font-family` descriptor names, its spaces as one."""
    return " ".join(next(part for part in named.groups() if part is not None).split())


def declared_families(root: Path) -> frozenset[str]:
    """Return the `font-family` names of every `@font-face` rule the print stylesheets load: the
    families a chunk's fonts may come from (`verify.fonts`); any other is a font of the machine."""
    families = set()
    for _, rule in _font_face_rules(root):
        for named in _FONT_FAMILY.finditer(rule):
            families.add(_family_name(named))
    return frozenset(families)


def family_faces(root: Path) -> dict[str, tuple[str, ...]]:
    """Return each family the print stylesheets declare and the font files of its `@font-face`
    rules (relative to the project), as `declared_faces` finds them."""
    folders, real_root = readable_folders(root), root.resolve()
    out: dict[str, dict[str, None]] = {}
    for sheet, rule in _font_face_rules(root):
        named = _FONT_FAMILY.search(rule)
        if named is not None:
            out.setdefault(_family_name(named), {}).update(dict.fromkeys(_rule_faces(sheet, rule, folders, real_root)))
    return {family: tuple(faces) for family, faces in out.items()}


_FONT_DECLARATION = re.compile(r"(?<![\w-])(--[\w-]+|font-family|font)\s*:\s*([^;{}]*)", re.IGNORECASE)
_FONT_SHORTHAND = re.compile(r"(?:^|\s)[\d.]+(?:[a-z]+|%)(?:\s*/\s*[\w.%]+)?\s+(.+)$", re.IGNORECASE | re.DOTALL)
_VAR = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,[^)]*)?\)")


def font_lists(root: Path) -> tuple[tuple[tuple[str, ...], Loc], ...]:
    """Return each `font-family` list the print stylesheets set (in a `font-family` or `font`
    declaration, through the custom properties they name), and where the list is written.

    WeasyPrint draws a character the first family's faces lack in the next family of the list
    that has it, and one no listed family has in a font of the machine: a list prints what the
    faces of its declared families have, together. A list at a custom property (`--sans`) is
    located there, where a family is added to it.
    """
    real_root = root.resolve()
    properties: dict[str, list[tuple[str, Loc]]] = {}
    used: list[tuple[str, Loc]] = []
    for _, rel, _ in _stylesheets_read(str(root), [f"layouts/css/{name}.css" for name in SHEETS]):
        text = (real_root / rel).read_text(encoding="utf-8", errors="replace")
        text = CSS_COMMENT.sub(lambda comment: re.sub(r"[^\n]", " ", comment[0]), text)
        text = _FONT_FACE_RULE.sub(lambda rule: re.sub(r"[^\n]", " ", rule[0]), text)
        for found in _FONT_DECLARATION.finditer(text):
            name, value = found[1].lower(), found[2].strip()
            before = text[: found.start(1)]
            loc = Loc(rel, before.count("\n") + 1, found.start(1) - before.rfind("\n"))
            if name.startswith("--"):
                properties.setdefault(found[1], []).append((value, loc))
                continue
            if name == "font":
                shorthand = _FONT_SHORTHAND.search(value)
                if shorthand is None:
                    continue
                value = shorthand[1]
            used.append((value, loc))
    lists: dict[tuple[str, ...], Loc] = {}
    for value, loc in used:
        named = _VAR.search(value)
        options = [(value, loc)] if named is None else properties.get(named[1], [])
        for option, at in options:
            if _VAR.search(option):
                continue  # a property of a property: none of ours
            families = tuple(" ".join(part.strip().strip("\"'").split()) for part in option.split(","))
            lists.setdefault(tuple(f for f in families if f), at)
    return tuple(lists.items())


def _font_face_rules(root: Path) -> Iterator[tuple[str, str]]:
    """Yield the URL of each stylesheet the print stylesheets load and the text of each `@font-face` rule in it."""
    real_root = root.resolve()
    for sheet, rel, _ in _stylesheets_read(str(root), [f"layouts/css/{name}.css" for name in SHEETS]):
        text = CSS_COMMENT.sub(" ", (real_root / rel).read_text(encoding="utf-8", errors="replace"))
        for rule in _FONT_FACE_RULE.finditer(text):
            yield sheet, rule[0]


Record = tuple[str, str, str, Loc | None]
"""A WeasyPrint log record: its level name, message template and message, and the place in a
stylesheet it is about (None if it is about the chunk)."""


def _record(record: logging.LogRecord, loc: Loc | None = None) -> Record:
    return record.levelname, str(record.msg), shown_urls(record.getMessage()), loc


def _stylesheet_records(records: Iterable[logging.LogRecord], entry: str, index: _CssIndex, root: Path) -> list[Record]:
    """Return the records logged while loading a stylesheet, each at the file, line and column it
    comes from; at the stylesheet loaded (`entry`) when the index does not know the message (a
    file that could not be read): no line is better than a wrong one.

    A face that could not be loaded is at the `url()` of the font file WeasyPrint tried first
    (one stylesheet imported by several is then one finding, not one per importer), and an
    `@import` of a file that is not there at that `@import` (`_missing_import`).
    """
    out: list[Record] = []
    tried: list[str] = []
    for record in records:
        if record.msg in FONT_TRIED:
            tried.append(str(record.args[0]) if isinstance(record.args, tuple) and record.args else "")
            continue
        message = record.getMessage()
        if record.msg == FONT_FACE:
            place = next((index.urls[url] for url in tried if url in index.urls), None)
            tried = []
            if place is not None:
                loc, ref = place
                out.append((record.levelname, FONT_FACE, f"{message}: no font could be read from '{ref}'", loc))
                continue
        missing = _missing_import(record, index, root) if record.msg == STYLESHEET_FAILED else None
        if missing is not None:
            out.append((record.levelname, STYLESHEET_FAILED, *missing))
            continue
        at = _AT.search(message) if "at %d:%d" in str(record.msg) and message in index.messages else None
        if at is None:
            out.append(_record(record, Loc(entry)))
            continue
        # At each file this stylesheet loads that gives the message: WeasyPrint logs it once for
        # each of them, in words that do not say which (the findings' de-duplication folds the rest).
        files = index.messages[message]
        loaded = [rel for rel in files if rel in index.loads.get(entry, ())] or files[:1]
        out.extend(_record(record, Loc(rel, int(at[1]), int(at[2]))) for rel in loaded)
    return out


def _missing_import(record: logging.LogRecord, index: _CssIndex, root: Path) -> tuple[str, Loc] | None:
    """Return what to say of an `@import` of a file that is not there, and where the print
    stylesheets import it, for WeasyPrint's record that it could not load a stylesheet; None for
    another failure (a refusal, which `pdf.fetch` says at the same place)."""
    url = str(record.args[0]) if isinstance(record.args, tuple) and record.args else ""
    place = index.urls.get(url)
    if place is None or not url.startswith("file:") or f"{SandboxRefusal.__name__}:" in record.getMessage():
        return None
    if local_path(project_url(url, root)).is_file():
        return None  # there, but unreadable: WeasyPrint's words say why
    loc, ref = place
    folder = posixpath.normpath(
        posixpath.join(posixpath.dirname(loc.path), posixpath.dirname(unquote(urlsplit(ref).path)))
    )
    return (
        f"@import of '{brief_url(ref)}', which is not a file in {folder}/: the PDFs would be laid out without it",
        loc,
    )


def _base_url(root: str) -> str:
    """Return the URL chunk HTML is resolved against: `layouts/pdf/`, where its templates are, by
    the URL that names it wherever the project is (`PROJECT_URL`, which the fetcher reads in `root`)."""
    return sheet_url(f"{project.LAYOUTS_DIR}/pdf/")


def _preload() -> None:
    """In the fork server: initialise the worker state the build asked for, if it did."""
    global _WORKER
    request = os.environ.get(PRELOAD_ENV)
    if request:
        root, fingerprint, cache_dir = json.loads(request)
        _own_temporary_folder()
        atexit.register(_remove_temporary_folder)  # the fork server ends with SystemExit
        try:
            _init_worker(root, fingerprint, cache_dir)
        except Exception:  # noqa: BLE001 - each worker then tries again and reports the problem
            _WORKER = None
        # What the workers inherit lives as long as they do: keep the collector from scanning it
        # (and from touching its pages, which then stay shared with the fork server).
        gc.collect()
        gc.freeze()


Refused = tuple[str, str, "tuple[Loc, str] | None"]
"""A URL the sandbox refused, why, and where a stylesheet names it (None if the chunk's HTML does)."""
Rendered = tuple[
    bytes, int, list[Record], list[Refused], list[verify.Problem], str, dict[str, str], dict[str, tuple[int, float]]
]


def _render(job: Job) -> Rendered:
    """Lay out one job in a worker; return its PDF, page count, log records, every URL the sandbox
    refused (`Refused`), what the laid-out chunk lost, cut off or printed in a font of the machine
    (see `verify`), the hash of the
    stylesheets, fonts and images it was laid out with (`_Worker.files`), and the SHA-256 of each
    file the fetcher read for it, by real path: the stylesheets and fonts as they were parsed,
    and the images its HTML and the stylesheets made it read (`Layout.unkeyed` holds them to the key)."""
    with _collector_paused():
        return _render_job(job)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Keep Python's cyclic garbage collector from running while a job is laid out and written.

    Laying a chunk out allocates boxes, styles and PDF objects by the hundred thousand, and
    nearly all of them live until the chunk is written: the collector's young-generation passes
    (about 2,700 of them over the 50 chunks of the shipped edition, 2.0 to 2.5 s of the workers'
    processor time of 35 to 40 s, measured with `gc.callbacks`) scan objects that are not garbage
    yet. Paused, what the job leaves is freed by the passes after it (1.1 s in all, 53 passes; the
    peak memory the same). A job stopped over its budget resumes it too.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _render_job(job: Job) -> Rendered:
    worker = _WORKER
    assert worker is not None, "a job reached a worker that was not initialised"
    collector, fetcher = worker.collector, worker.fetcher
    collector.records.clear()
    fetcher.refused.clear()
    fetcher.served.clear()
    html = worker.weasyprint.HTML(string=job.html, base_url=worker.base_url, url_fetcher=fetcher)
    sheets, fonts = worker.sheets[job.stylesheet], worker.fonts
    document, problems = verify.lay_out(html, lambda: html.render(stylesheets=sheets, font_config=fonts))
    problems += verify.hidden(html, document, worker.sheet_texts[job.stylesheet])
    options: dict[str, Any] = {**PDF_OPTIONS, "finisher": describe_links(html.etree_element)} if job.tagged else {}
    pdf = document.write_pdf(pdf_identifier=hashlib.md5(job.html.encode()).hexdigest().encode(), **options)
    problems += verify.fonts(pdf, worker.families)
    if job.tagged:
        pdf = tags.simplify(pdf)  # once here, then cached: every assembly walks a third of the elements
    records = [*worker.sheet_records[job.stylesheet], *map(_record, collector.records)]
    refused = [(url, reason, worker.sheet_urls.get(url)) for url, reason in [*worker.init_refused, *fetcher.refused]]
    real_root = Path(worker.root).resolve()  # a worker may lay out another project with the same stylesheets
    served = {str(real_root / rel): hexdigest for rel, hexdigest in worker.sheet_reads.items()}
    served.update((str(path), hexdigest) for path, hexdigest in fetcher.served.items())
    parts = verify.lines(document, [region for region, _, _ in job.clip.parts]) if job.clip else {}
    return pdf, len(document.pages), records, refused, problems, worker.files, served, parts


def describe_links(root: Any) -> Callable[[Any, Any], None]:
    """Return a WeasyPrint finisher that describes each link of the document rooted at `root` in its own words.

    WeasyPrint 70 gives a tagged PDF's link annotation its target as /Contents, the description
    assistive technology reads for it: "adelanto-title", "notice", a bare URL, never words. The
    finisher (`write_pdf`'s public hook, run before the PDF is written) sets it to what the link
    says, in the chunk's language: its `aria-label` if it has one (a link that prints only a
    symbol), else its text as printed (a contents entry's heading, a note's source, an address).
    A box inside the link (an English fallback's `<span lang>` in a heading) has an annotation of
    its own, which takes its `<a>`'s words. Each annotation is found through the box WeasyPrint
    made it for (`Box.link_annotation`, set as it writes the pages); WeasyPrint is pinned to a
    minor release for it, and tests/test_assemble.py reads the result back.
    """
    words: dict[Any, str] = {}  # an element in a link (the <a> too) -> its words
    for link in root.iter():
        if link.get("href") is None:
            continue
        said = " ".join((link.get("aria-label") or "".join(link.itertext())).split())
        if said:
            words.update((element, said) for element in link.iter())

    def finish(document: Any, pdf: Any) -> None:
        import pydyf

        for page in document.pages:
            for _, _, _, box in page.links:
                said = words.get(box.element)
                if box.link_annotation is not None and said is not None:
                    box.link_annotation["Contents"] = pydyf.String(said)

    return finish


LOST_OUTPUT = {
    FONT_FACE: "pdf.font",
    '.notdef glyph rendered for Unicode string unsupported by fonts: "%s" (U+%04X)': "pdf.font",
}
"""WeasyPrint warnings (by message template) that mean the PDF prints without something: errors here."""

NO_ANCHOR = "No anchor #%s for internal URI reference"


def classify(level: str, template: str) -> tuple[str, str]:
    """Return the (level, code) of a WeasyPrint log record, from its level and message template.

    WeasyPrint's `logger` module documents its levels: errors for resources it could not use,
    warnings for bad HTML or CSS syntax and other problems it skipped. A warning that means text
    or a face is missing from the PDF is an error here; a CSS record (it says where: 'at %d:%d') is
    a `pdf.css` warning.
    """
    if template in LOST_OUTPUT:
        return "error", LOST_OUTPUT[template]
    if level in ("ERROR", "CRITICAL"):
        return "error", "pdf.anchor" if template == NO_ANCHOR else "pdf.weasyprint"
    return "warning", "pdf.css" if "at %d:%d" in template else "pdf.weasyprint"


class _OverBudget(BaseException):
    """Raised in a worker when a job's layout outlives its budget; a BaseException, so that no
    `except Exception` in WeasyPrint swallows it."""


def _render_within(job: Job, budget: float) -> tuple[Rendered, float] | None:
    """Lay out one job as `_render` does and say how long it took, or return None if that takes
    longer than `budget` seconds.

    A worker runs jobs on its main thread, so a one-shot SIGALRM timer can interrupt the layout
    wherever it is; the worker stays usable for the next job (`_render` resets what it uses).
    """

    def expire(signum: int, frame: object) -> None:
        raise _OverBudget

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, budget)
        started = time.monotonic()
        try:
            return _render(job), time.monotonic() - started
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)  # one-shot: if it fired already, it is caught below
    except _OverBudget:
        return None
    finally:
        signal.signal(signal.SIGALRM, previous)


def _over_budget(job: Job, budget: float) -> Finding:
    return Finding(
        "error",
        "pdf.budget",
        Loc(job.source),
        f"{job.key}: laying it out took longer than {budget:g} s (layout_budget in report.yaml);"
        " shorten its longest paragraphs and lists, or raise the budget",
    )


LAYOUTS_CHANGED = Finding(
    "error",
    "pdf.changed",
    Loc("layouts"),
    "a file changed while the build was laying out the PDFs, which would mix two layouts: build again",
)
"""What a chunk laid out with other stylesheets than its cache key says is: no PDF, no cache entry."""


def _asset_changed(job: Job, asset: str) -> Finding:
    """What a chunk laid out with another image than its cache key says is: no PDF, no cache entry."""
    return Finding(
        "error",
        "pdf.changed",
        Loc(asset),
        f"{job.key}: this image changed after the build checked it, and the pages that show it would print"
        " an image nobody checked: build again",
    )


def _located(level: str, template: str, message: str, loc: Loc) -> Finding:
    """Return the finding of a record about a stylesheet: at its place there, which its message no longer says."""
    level, code = classify(level, template)
    message = _AT.sub("", message, count=1) if loc.line else message
    return Finding(level, code, loc, message)  # type: ignore[arg-type]


def _findings(
    job: Job,
    records: Iterable[Record],
    refused: Iterable[Refused] = (),
    problems: Iterable[verify.Problem] = (),
    parts: Mapping[str, tuple[int, float]] | None = None,
) -> tuple[Finding, ...]:
    """Return a job's findings: one `pdf.fetch` error per refused URL, WeasyPrint's log records,
    then what `verify` found in the laid-out chunk (at the stylesheet rule that causes it, if it
    says which, else at the dossier value it is about, where the job's `places` say which that is;
    all it found clipped as one finding, if the job says how: `Clip`, at the part of it that grew
    most, by the lines and height `parts` gives each, else at the clip's place).

    WeasyPrint also logs each refusal ("Failed to load image at …: SandboxRefusal: …"); those
    records are left out, since the `pdf.fetch` finding already says it better. A refused URL a
    stylesheet names, and a record about a stylesheet, are located there and do not name the
    chunk: the same finding for every chunk (and from `check`), which the build reports once.
    """
    out = [
        _refused(Loc(job.source), url, reason, job.key) if place is None else _refused(place[0], place[1], reason)
        for url, reason, place in refused
    ]
    for level, template, message, loc in records:
        if f"{SandboxRefusal.__name__}:" in message:
            continue
        if loc is None:
            level, code = classify(level, template)
            out.append(Finding(level, code, Loc(job.source), f"{job.key}: {message}"))  # type: ignore[arg-type]
        else:
            out.append(_located(level, template, message, loc))
    places = dict(job.places)
    problems = list(problems)
    clipped = [p for p in problems if p.clipped] if job.clip is not None else []
    for problem in problems:
        if problem.rule is not None:  # the same finding for every chunk the rule hides something in
            out.append(Finding(problem.level, problem.code, problem.rule, problem.message))
        elif problem not in clipped:
            loc = places.get(problem.region, Loc(job.source))
            out.append(Finding(problem.level, problem.code, loc, f"{job.key}: {problem.message}"))
    if job.clip is not None and clipped:
        clip = job.clip
        message = f"{job.key}: {clip.what} has no room for {verify.clipped(clipped)!r}, which it clips: "
        grown = [(parts[region], what, loc) for region, what, loc in clip.parts if parts and region in parts]
        (count, height), what, loc = max(grown, key=lambda part: part[0][1], default=((1, 0.0), "", clip.loc))
        if height > 0:
            out.append(Finding("error", clip.code, loc, f"{message}{what} takes {count} lines of it: shorten it"))
        else:
            out.append(Finding("error", clip.code, clip.loc, message + clip.advice))
    return tuple(dict.fromkeys(out))


def once_per_font(findings: Iterable[Finding]) -> list[Finding]:
    """Return the findings with each font of the machine that chunks embed (`verify.fonts`) reported
    once: at the first chunk that embeds it, saying how many more do (once at each value, where located)."""
    out: list[Finding] = []
    first: dict[str, int] = {}  # font -> its finding's index in `out`
    more: dict[str, set[Finding]] = {}
    for finding in findings:
        font = verify.machine_font(finding.message) if finding.code == "pdf.font" else None
        if font is not None and finding.loc.line:  # at a value (`glyphs.located_fallbacks`): once there
            font = f"{font} at {finding.loc}"
        if font is None:
            out.append(finding)
        elif font not in first:
            first[font], more[font] = len(out), {finding}
            out.append(finding)
        else:
            more[font].add(finding)
    for font, index in first.items():
        if len(more[font]) > 1:
            others = len(more[font]) - 1
            message = f"{out[index].message} (and {others} more chunk{'s' * (others > 1)})"
            out[index] = Finding(out[index].level, out[index].code, out[index].loc, message)
    return out


# -- the stage -----------------------------------------------------------------------------------


class Paginator:
    """Lays out jobs, from the cache when possible, in a pool of worker processes.

    Workers come from a fork server that has imported WeasyPrint, parsed the stylesheets and
    loaded the fonts once, so they start at once and share none of this process's memory.
    Jobs wait in a queue of our own and go to the pool only as workers free up, so an urgent
    job (a front matter that the rest of its language waits on) overtakes the queue. The pool
    also runs other picklable work (`call`), such as assembling PDFs.
    """

    def __init__(self, layout: Layout, progress: Callable[[str, bool], None] | None = None):
        self.layout = layout
        self.progress = progress or (lambda key, cached: None)
        self._pool: ProcessPoolExecutor | None = None
        self._queue: list[tuple[int, tuple[int, ...], int, Callable, tuple, Callable, Future]] = []
        self._running = 0
        self._closed = False  # by `close`: no more work is taken, and no pool started again
        self._lock = threading.Lock()
        self._starting = threading.Lock()
        self.rendered = 0
        self.reused = 0
        self.budget: float = DEFAULT_LAYOUT_BUDGET  # seconds one job's layout may take

    def __enter__(self) -> Paginator:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.close(stop=kind is not None)

    def start(self) -> None:
        """Start the fork server now, so it loads WeasyPrint while this process does other work."""
        import multiprocessing
        from multiprocessing import forkserver, resource_tracker

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["report.pdf.paginate", "report.pdf.assemble", "report.pdf.tags"])
        # The fork server is `python -c ...`: its working directory comes first on its sys.path, and
        # multiprocessing does not give it this process's sys.path before it imports the modules
        # preloaded, which every worker inherits. A `report` package in the working directory, or
        # the one a shared virtual environment points at, would then lay out every chunk while
        # the cache keys describe this one. The fork server imports this package instead.
        saved = {name: os.environ.get(name) for name in (PRELOAD_ENV, "PYTHONPATH", "PYTHONSAFEPATH")}
        cache_dir = str(self.layout.cache_dir) if self.layout.cache_dir else None
        os.environ[PRELOAD_ENV] = json.dumps([str(self.layout.root), self.layout.fingerprint, cache_dir])
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (str(PACKAGE_HOME), saved["PYTHONPATH"])))
        os.environ["PYTHONSAFEPATH"] = "1"
        # Ctrl-C in a terminal reaches every process of the build, and a worker that took it would
        # print a traceback halfway through a job. Blocked here, SIGINT stays blocked in the fork
        # server (the mask survives exec) and in every worker it forks; this process gets it once
        # unblocked, and stops the workers itself (`close`). The resource tracker, which the fork
        # server would start first, unblocks SIGINT after starting itself: started now, it is
        # left alone below.
        resource_tracker.ensure_running()
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            with _interrupts_deferred():
                forkserver.ensure_running()
        except OSError as exc:
            if "AF_UNIX path too long" not in str(exc):
                raise
            raise UsageError(
                f"the temporary folder {tempfile.gettempdir()} has too long a path for the socket the layout"
                " workers are started through (the system allows about 100 characters, with the socket's"
                " own name); set TMPDIR to a shorter folder, such as TMPDIR=/tmp"
            ) from None
        finally:
            for name, value in saved.items():
                if value is None:
                    del os.environ[name]
                else:
                    os.environ[name] = value
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def close(self, stop: bool = False) -> None:
        """Stop the workers (and give their memory back); jobs still queued are cancelled, and so
        is any job asked for from now on (its future is cancelled: no pool is started again).

        With `stop` (the build failed or was interrupted) the jobs running are not waited for:
        their workers are terminated. After Ctrl-C, each language's thread may still be asking
        for its front matter and assemblies: served (from the cache, or by a new pool), it went
        on with the build while the interrupted process waited for it to end.
        """
        with self._lock:
            self._closed = True
            queued, self._queue = self._queue, []
        for *_, result in queued:
            result.cancel()
        with self._starting:  # a pool being started by another thread is stopped too
            pool, self._pool = self._pool, None
        if pool is not None:
            if stop:
                terminate_workers(pool)
            pool.shutdown(cancel_futures=True)

    def _executor(self) -> ProcessPoolExecutor:
        with self._starting:  # each language's thread may be the first to need it
            if self._closed:  # a job taken from the queue as `close` emptied it
                raise CancelledError("the paginator is closed")
            if self._pool is None:
                self._pool = self._new_pool()
            return self._pool

    def _new_pool(self) -> ProcessPoolExecutor:
        import multiprocessing

        self.start()
        return ProcessPoolExecutor(
            max_workers=self.layout.jobs,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=_start_worker,
            initargs=(
                str(self.layout.root),
                self.layout.fingerprint,
                str(self.layout.cache_dir) if self.layout.cache_dir else None,
                os.getpid(),
                self.layout.nice,
            ),
        )

    def call(self, function: Callable, *args: Any, urgent: bool = False) -> Future:
        """Return a future of `function(*args)`, run in a worker after the jobs already queued
        (unless urgent: then the next to start)."""
        result: Future = Future()
        self._enqueue(urgent, LAST, function, args, lambda value: value, result)
        return result

    def lay_out(self, job: Job, urgent: bool = False, rank: tuple[int, ...] = LAST) -> Future:
        """Return a future of the job's chunk: already done if the cache has it.

        Jobs start when a worker is free: an urgent job first, then by `rank` (lowest first), then
        in the order given.
        """
        assets = self.layout.asset_digests(job)
        key = self.layout.cache_key(job, assets)
        result: Future = Future()
        cached = cache_get(self.layout.cache_dir, key, job, self.budget)
        if cached is not None:
            with self._lock:
                if self._closed:
                    result.cancel()
                    return result
                self.reused += 1
            self.progress(job.key, True)
            result.set_result(cached)
            return result
        laid_out = functools.partial(self._laid_out, job, key, assets, self.budget)
        self._enqueue(urgent, rank, _render_within, (job, self.budget), laid_out, result)
        return result

    def _laid_out(
        self, job: Job, key: str, assets: Mapping[str, str], budget: float, timed: tuple[Rendered, float] | None
    ) -> Chunk:
        changed = [] if timed is None else self.layout.changed_assets(job, assets, timed[0][6])
        read, unnamed = ([], []) if timed is None else self.layout.unkeyed(job, timed[0][6])
        if timed is None:  # over budget: no PDF, and nothing cached, so a larger budget retries it
            chunk = Chunk(job.key, b"", 0, (_over_budget(job, budget),))
        elif timed[0][5] != self.layout.files or read:  # laid out with other stylesheets than `key` says
            chunk = Chunk(job.key, b"", 0, (LAYOUTS_CHANGED,))
        elif changed:  # or with other images
            chunk = Chunk(job.key, b"", 0, tuple(_asset_changed(job, asset) for asset in changed))
        else:
            (pdf, pages, records, refused, problems, _, _, parts), seconds = timed
            chunk = Chunk(job.key, pdf, pages, _findings(job, records, refused, problems, parts), seconds=seconds)
            if not unnamed:  # else `key` does not name all it was laid out with: a later build lays it out again
                cache_put(self.layout.cache_dir, key, chunk)
        with self._lock:
            self.rendered += 1
        self.progress(job.key, False)
        return chunk

    def _enqueue(
        self, urgent: bool, rank: tuple[int, ...], function: Callable, args: tuple, then: Callable, result: Future
    ) -> None:
        with self._lock:
            if self._closed:
                result.cancel()
                return
            heapq.heappush(self._queue, (0 if urgent else 1, rank, next(_ORDER), function, args, then, result))
        self._dispatch()

    def _dispatch(self) -> None:
        """Hand queued work to the pool while a worker is free (urgent work at once)."""
        while True:
            with self._lock:
                if not self._queue or (self._running >= self.layout.jobs and self._queue[0][0] > 0):
                    return  # an urgent job goes to the pool at once: the next free worker takes it
                *_, function, args, then, result = heapq.heappop(self._queue)
                self._running += 1
            # Ctrl-C is delivered once the job is followed (or has failed), never between: raised
            # after the submit, it left a job running that nothing would settle `result` of, and
            # a language's thread waited on it for ever.
            with _interrupts_deferred():
                try:
                    running = self._executor().submit(function, *args)
                except Exception as exc:  # noqa: BLE001 - the pool broke (a worker died), or was closed: nothing will run it
                    with self._lock:
                        self._running -= 1
                    result.set_exception(exc)  # whoever waits on it learns why, rather than waiting for ever
                    continue
                running.add_done_callback(functools.partial(self._finish, then, result))

    def _finish(self, then: Callable, result: Future, running: Future) -> None:
        """Settle `result` from the job `running` ran, once the next job has gone to the pool.

        Run by the pool's thread, or by the thread that submitted `running` if it was already
        done: in the main thread, Ctrl-C may arrive here, and is raised again (after `result` is
        settled), not handed to whoever waits on the result.
        """
        with self._lock:
            self._running -= 1
        try:
            self._dispatch()
        finally:
            try:
                value = then(running.result())
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the result
                result.set_exception(exc)
                if isinstance(exc, KeyboardInterrupt):
                    raise  # the main thread's Ctrl-C, not the job's
            else:
                result.set_result(value)


def terminate_workers(pool: ProcessPoolExecutor) -> None:
    """Stop a pool's worker processes at once, without waiting for the jobs they are running.

    A worker stopped halfway through sending its result (a chunk's PDF is larger than a pipe
    holds) leaves the pool's thread reading the rest for ever: this process holds the other end
    of the results pipe, so no end of file comes, and `shutdown` (or Python, as it exits) waited
    on that thread. Ctrl-C during the layout then left the build running, silent. This process's
    end is closed here: once the workers are gone, the thread reads the end of the file and
    breaks the pool, as it does when a worker dies between two results.
    """
    results = getattr(pool, "_result_queue", None)  # before 3.14's `terminate_workers` lets go of it
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
    else:
        for process in list((pool._processes or {}).values()):
            process.terminate()
    writer = getattr(results, "_writer", None)
    if writer is not None:
        writer.close()  # the workers' ends close as they die; nothing in this process writes there


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C back until the block is done, then deliver it.

    Starting the fork server or a worker takes a few steps (a worker waits while the fork server
    is still loading WeasyPrint); interrupted halfway, it leaves a process the pool does not know
    of, which cannot be stopped and later prints a traceback about the pool's vanished queues.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # Python runs signal handlers in the main thread only
        return
    caught: list[tuple] = []
    previous = signal.signal(signal.SIGINT, lambda *received: caught.append(received))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and callable(previous):
            previous(*caught[0])


_ORDER = itertools.count()
_preload()
