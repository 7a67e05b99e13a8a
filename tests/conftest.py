"""Shared test helpers: fixture projects and running the command line in-process."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import math
import os
import re
import runpy
import shutil
import signal
import subprocess
import tempfile
import types
from collections.abc import Callable, Iterator
from typing import Any
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import settings
from pypdf import PdfReader

from report.cli import main

# Hypothesis keeps its caches (and under the long profile the examples it found) in `.hypothesis/`
# of the current folder, the checkout, unless told otherwise: it reads this on first use.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "first-ten-hypothesis"))
settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True)
settings.register_profile("long", max_examples=20_000, deadline=None)
# `make test-fast` (the unit tests, in seconds) sets HYPOTHESIS_PROFILE=fast; `make test` and CI run "ci".
settings.register_profile("fast", max_examples=40, deadline=None, derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

MEMORY = Path("/dev/shm")
ROOM = 4 << 30
"""Where the tests' temporary folders go when it is a tmpfs with `ROOM` bytes free (a session
writes about 220 MB in 17,000 files, and pytest keeps the last three sessions)."""


def memory_temp_root(mounts: str, folder: Path = MEMORY, free: int | None = None) -> Path | None:
    """Return `folder` if `/proc/mounts` (`mounts`) says it is a tmpfs with `ROOM` bytes free (`free`,
    else asked of the folder) and it can be written to, else None.

    The checkout's disk is mounted with `discard`: deleting a session's 17,000 files (pytest deletes
    the fourth-last session's folder as each session ends, in the controller, after the last test)
    took 11 to 26 s there, and writing them a good part of the lane's system time. In memory both are
    free of the disk, and the tests' projects are what they were.
    """
    if not any(line.split()[1:3] == [str(folder), "tmpfs"] for line in mounts.splitlines() if line.strip()):
        return None
    if not os.access(folder, os.W_OK | os.X_OK):
        return None
    if free is None:
        stat = os.statvfs(folder)
        free = stat.f_bavail * stat.f_frsize
    return folder if free >= ROOM else None


def _in_memory() -> None:
    """Point pytest's temporary folders at `memory_temp_root` unless the caller chose a root."""
    if "PYTEST_DEBUG_TEMPROOT" in os.environ:
        return
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    root = memory_temp_root(mounts)
    if root is not None:
        # read by tmp_path_factory, once, as it makes the session's folder (in xdist, the controller's)
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(root)


_in_memory()

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
BASE = FIXTURES / "_base"
REPO = TESTS.parent

FIXED_TODAY = "1735689600"  # 2025-01-01, so "the future" does not move under the fixtures


CASE_FILES = ("expected.txt", "coverage.txt", "checklist.txt", "args", "layers", "make.py")
"""Files of a fixture folder that describe the case rather than being part of its project."""


def make_project(tmp_path: Path, case: str | None = None) -> Path:
    """Return a copy of the base fixture project with one case folder laid over it.

    A case folder may name other folders to lay over the base first, one per line, in a
    `layers` file (`_i18n` adds a complete Spanish catalog), and may hold a `make.py` whose
    `make(root)` writes what git cannot carry well: huge, binary or CRLF files.
    """
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    if case:
        folder = FIXTURES / case
        layers = folder / "layers"
        for layer in layers.read_text().split() if layers.exists() else ():
            shutil.copytree(FIXTURES / layer, root, dirs_exist_ok=True)
        shutil.copytree(folder, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*CASE_FILES))
        if (folder / "make.py").exists():
            runpy.run_path(str(folder / "make.py"))["make"](root)
    return root


def replace(root: Path, rel: str, old: str, new: str) -> None:
    """Replace the first `old` in a project file with `new` (for a fixture's make.py); `old` must be there."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{rel} has no {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run the command line in-process and return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin 'today' for date checks."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_TODAY)


def copy_project(dest: Path, facilities: list[str] | None = None) -> Path:
    """Copy the shipped project into `dest`; with `facilities`, publish only those chapters."""
    from bench.run import copy_project as copy_inputs

    copy_inputs(dest)
    if facilities is not None:
        report = dest / "report.yaml"
        text = report.read_text(encoding="utf-8")
        head, rest = text.split("\nfacilities:\n", 1)
        lines = rest.splitlines(keepends=True)
        while lines and lines[0].startswith("  - "):
            lines.pop(0)
        listed = "".join(f"  - {f}\n" for f in facilities)
        report.write_text(f"{head}\nfacilities:\n{listed}{''.join(lines)}", encoding="utf-8")
        for path in (dest / "facilities").glob("*.yaml"):
            if path.stem not in facilities and path.name != "sources.yaml":
                path.unlink()
    return dest


_TEXTS: dict[str, tuple[str, ...]] = {}
_SHARED_TEXTS: list[Path] = []
"""The folder, shared by this run's xdist workers, where `pdf_pages` keeps what it extracted (set by
`_shared_pdf_texts`; empty outside xdist, where one process's memory is the whole run)."""


class _ClassTexts(HTMLParser):
    """The text of every element of one class in a page."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.texts: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._depth:
            self._depth += 1
        elif self.name in (dict(attrs).get("class") or "").split():
            self._depth = 1
            self.texts.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.texts[-1] += data


def texts_of_class(page: Path, name: str) -> list[str]:
    """Return the text of each element of class `name` in an HTML page, its runs of spaces made one."""
    parser = _ClassTexts(name)
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return [" ".join(text.split()) for text in parser.texts]


def pdf_pages(pdf: Path | bytes) -> tuple[str, ...]:
    """Return the text pypdf extracts from each page of a PDF (a file, or its bytes).

    pypdf takes several seconds of a core over a report, and many tests read the same shipped PDFs:
    each version of a file (by the hash of its bytes) is read once per run. Under pytest-xdist the
    first worker that needs it extracts it and leaves the text in the workers' shared folder; the
    other waits for it (a lock per file) and reads it there.
    """
    data = pdf if isinstance(pdf, bytes) else pdf.read_bytes()
    key = hashlib.sha256(data).hexdigest()
    if key not in _TEXTS:
        _TEXTS[key] = _shared_extract(key, data) if _SHARED_TEXTS else _extract(data)
    return _TEXTS[key]


def _extract(data: bytes) -> tuple[str, ...]:
    return tuple(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _shared_extract(key: str, data: bytes) -> tuple[str, ...]:
    """Return a PDF's page texts from the workers' shared folder, extracting and leaving them there first if need be."""
    folder = _SHARED_TEXTS[0]
    kept = folder / f"{key}.json"
    with open(folder / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not kept.exists():  # written whole, then renamed: a file there is complete
            texts = _extract(data)
            partial = folder / f"{key}.json.partial"
            partial.write_text(json.dumps(texts), encoding="utf-8")
            partial.replace(kept)
            return texts
    return tuple(json.loads(kept.read_text(encoding="utf-8")))


@pytest.fixture(scope="session", autouse=True)
def _shared_pdf_texts(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Under pytest-xdist, point `pdf_pages` at a folder all of this run's workers share."""
    if os.environ.get("PYTEST_XDIST_WORKER") is not None:
        folder = tmp_path_factory.getbasetemp().parent / "pdf-texts"  # this run's own, as `shipped`'s
        folder.mkdir(exist_ok=True)
        _SHARED_TEXTS[:] = [folder]


@pytest.fixture(scope="session", autouse=True)
def _subprocess_temporary_folder() -> Iterator[None]:
    """Give the processes the tests start (builds, their fork servers and workers, the browser) a
    temporary folder of this run's, removed as it ends: a build a test kills outright (kill -9)
    leaves there what its workers had copied (WeasyPrint's fonts, 1.7 MB each). In the system's
    temporary folder, not pytest's: a fork server's socket goes in it, and its path may have
    only about 100 characters."""
    folder = tempfile.mkdtemp(prefix="first-ten-tests-")
    previous = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = folder
    try:
        yield
    finally:
        if previous is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = previous
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def short_temporary() -> Iterator[Path]:
    """A folder for a test to give a process as its TMPDIR: short, as a fork server's socket needs."""
    folder = Path(tempfile.mkdtemp(prefix="t-", dir=os.environ.get("TMPDIR")))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


_SHARED_CHUNKS: list[Path] = []
"""The chunk store this run's tests share (set by `_shared_chunk_store`; the project's `.cache/` is
the store's folder, `chunks/` in it): what one test's build laid out, another's takes from there."""
_PRIVATE_CHUNKS: list[str] = []
"""The reason the running test keeps its chunks to its own project (`private_chunks` marker), if it does."""


def _sharing(cache_dir: Path | None) -> Path | None:
    return _SHARED_CHUNKS[0] if _SHARED_CHUNKS and not _PRIVATE_CHUNKS and cache_dir is not None else None


def _names_its_project(cache_dir: Path, chunk: Any) -> bool:
    """Whether a chunk's findings name the folder of the project that laid it out (a URL the sandbox
    refused, a font WeasyPrint could not load): the key does not cover the folder, so another
    project would be told of this one's."""
    said = json.dumps([f.as_dict() for f in chunk.findings])
    root = cache_dir.parent
    return any(str(folder) in said for folder in {root, root.resolve()})


def shared_cache_get(cache_dir: Path | None, key: str, job: Any, budget: float = math.inf) -> Any:
    """`paginate.cache_get`, then the run's store: a chunk found there is also put in the project's
    cache, which then holds what the project's own layout of it would have left."""
    chunk = _CACHE_GET[0](cache_dir, key, job, budget)
    store = _sharing(cache_dir)
    if chunk is None and store is not None:
        chunk = _CACHE_GET[0](store, key, job, budget)
        if chunk is not None:
            _CACHE_PUT[0](cache_dir, key, chunk)
    return chunk


def shared_cache_put(cache_dir: Path | None, key: str, chunk: Any) -> None:
    """`paginate.cache_put`, and into the run's store unless the chunk's findings name its project."""
    _CACHE_PUT[0](cache_dir, key, chunk)
    store = _sharing(cache_dir)
    if store is not None and cache_dir is not None and not _names_its_project(cache_dir, chunk):
        _CACHE_PUT[0](store, key, chunk)


_CACHE_GET: list[Callable[..., Any]] = []
_CACHE_PUT: list[Callable[..., None]] = []
"""`paginate.cache_get` and `cache_put` themselves, while `_shared_chunk_store` has put the above in their place."""


@pytest.fixture(scope="session", autouse=True)
def _shared_chunk_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Give the builds the tests run in-process one chunk store for the whole run (under pytest-xdist,
    the workers' shared temporary folder): the same chunk (the same HTML, stylesheets, fonts, code,
    the whole of `Layout.cache_key`) is laid out once, not once per copy of a project. A hit is the
    chunk the layout would produce, by the key's construction; entries are written whole, then
    renamed (`cache.put`), and one whose bytes do not hash to its record is a miss, so workers that
    write the same entry at once are safe. Builds in a subprocess keep their project's own cache."""
    from report.pdf import paginate

    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        store = tmp_path_factory.mktemp("chunk-store")
    else:
        store = tmp_path_factory.getbasetemp().parent / "chunk-store"  # this run's own, as `shipped`'s
        store.mkdir(exist_ok=True)
    _CACHE_GET[:], _CACHE_PUT[:] = [paginate.cache_get], [paginate.cache_put]
    _SHARED_CHUNKS[:] = [store]
    paginate.cache_get, paginate.cache_put = shared_cache_get, shared_cache_put  # type: ignore[assignment]
    try:
        yield
    finally:
        paginate.cache_get, paginate.cache_put = _CACHE_GET[0], _CACHE_PUT[0]  # type: ignore[assignment]
        _SHARED_CHUNKS.clear()


def build(root: Path, *args: str) -> tuple[int, str, str]:
    """Run `build` on a project in-process; return (code, stdout with every finding, stderr with the progress)."""
    return run_cli("--root", str(root), "build", *args)


def kill_group(group: int) -> None:
    """Kill whatever still runs in a process group a test started (`start_new_session=True`): a
    build and its workers, its fork server."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)


def stop_process(proc: subprocess.Popen, group: bool = True) -> None:
    """Kill what is left of a process a test started, and reap it: its whole process group if
    `group` (it was started in a session of its own), else the process alone. A test that failed
    between starting `build.py` and waiting for it left the build running (found an hour later)."""
    if group:
        kill_group(proc.pid)
    elif proc.poll() is None:
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=30)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def interruptible(args: list[str], **options: Any) -> subprocess.Popen:
    """Start a process that takes Ctrl-C, as one started from a terminal does.

    A background job of a non-interactive shell (`make test &`, a script's loop) starts with SIGINT
    ignored, and Python then leaves it ignored in every process it starts: the Ctrl-C tests' builds
    ignored the SIGINT sent to them and ran on, past the tests' timeout under load.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # exec makes it SIG_DFL in the child
    try:
        return subprocess.Popen(args, **options)
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def reaping() -> Iterator[Callable[..., subprocess.Popen]]:
    """Yield `register(proc, group=True)`, which returns `proc`; on leaving, however the test left
    (an assertion failed mid-way), every process registered is stopped (`stop_process`)."""
    started: list[tuple[subprocess.Popen, bool]] = []

    def register(proc: subprocess.Popen, group: bool = True) -> subprocess.Popen:
        started.append((proc, group))
        return proc

    try:
        yield register
    finally:
        for proc, group in started:
            stop_process(proc, group)


@pytest.fixture
def reap() -> Iterator[Callable[..., subprocess.Popen]]:
    """`reap(proc)`: the process (and its group, unless `group=False`) is killed when the test ends."""
    with reaping() as register:
        yield register


@pytest.fixture(scope="session")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project, built once for the whole session, which tests only read.

    Under pytest-xdist every worker is a session of its own: the first that needs the project
    builds it in the folder the workers' temporary folders share, and the others wait for it (a
    build takes every core, so two at once take as long as one after the other). A worker whose
    build fails leaves it unmarked, so the next one builds again and fails with its own output.
    """
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return _built(tmp_path_factory.mktemp("shipped"))
    shared = tmp_path_factory.getbasetemp().parent  # this run's own, one folder per worker in it
    with open(shared / "shipped.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        root, built = shared / "shipped", shared / "shipped.built"
        if not built.exists():
            shutil.rmtree(root, ignore_errors=True)  # what a worker whose build failed left
            _built(root)
            built.touch()
    return root


def _built(root: Path) -> Path:
    copy_project(root)
    code, out, err = build(root)
    assert code == 0, out + err
    return root


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, launched once for the session (see tests/browser.py)."""
    from .browser import chromium

    with chromium() as launched:
        yield launched


SLOW_MODULES = {
    "test_build",
    "test_browser",
    "test_incremental",
    "test_publish",
    "test_serve",
    "test_paginate",
    "test_release",
}
SLOW_CALLS = (
    "build(",
    "subprocess",
    "Paginator(",
    "in_workers(",
    "shipped",
    "Serving(",
    "check_links(",
    "probe",
    "copy_project(",
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """Hold the unit tests to the fast lane's promise: one that lays out in worker processes (a
    build, a Paginator), in its own code or in a fixture it needs, fails and says to mark it slow."""
    from report.pdf.paginate import Paginator

    private = item.get_closest_marker("private_chunks")
    if private is not None:
        _PRIVATE_CHUNKS[:] = [private.args[0] if private.args else item.nodeid]
    try:
        yield from _laid_out_only_if_slow(item, Paginator)
    finally:
        _PRIVATE_CHUNKS.clear()


def _laid_out_only_if_slow(item: pytest.Item, Paginator: Any) -> Iterator[None]:
    if item.get_closest_marker("slow") is not None:
        yield
        return

    def refuse(self: Paginator) -> None:
        raise AssertionError(
            f"{item.nodeid} lays out in worker processes: it is slow (SLOW_CALLS in tests/conftest.py)"
        )

    new_pool = Paginator._new_pool
    Paginator._new_pool = refuse  # type: ignore[method-assign]
    try:
        yield
    finally:
        Paginator._new_pool = new_pool  # type: ignore[method-assign]


def _source(function: Callable[..., object]) -> str:
    """Return a test function's source as `inspect.getsource` does, its decorators included.

    `inspect.getsource` tokenizes each function to find where it ends: about a quarter of collection. Here
    the function's lines are sliced from its module's text (read once, by linecache) from its code's
    first line (the first decorator's) to the last line any code in it spans, its nested functions
    and lambdas included. A Hypothesis test's code is a wrapper Hypothesis compiled: the test's own
    is its `inner_test`'s.
    """
    import inspect
    import linecache

    function = inspect.unwrap(function)
    code = getattr(getattr(function, "hypothesis", None), "inner_test", function).__code__
    codes, last = [code], code.co_firstlineno
    while codes:
        each = codes.pop()
        codes.extend(const for const in each.co_consts if isinstance(const, types.CodeType))
        last = max([last, *(end for _, end, _, _ in each.co_positions() if end is not None)])
    return "".join(linecache.getlines(code.co_filename)[code.co_firstlineno - 1 : last])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark as slow (left out by `make test-fast`) every test that builds, lays out in workers,
    starts a process or a server, waits on the network, or works on a copy of the shipped project:
    what is left are the unit tests. The test's own source and the names of the fixtures it needs
    decide; `pytest_runtest_protocol` catches a layout this reading missed."""
    import functools

    source_of = functools.cache(_source)  # once per function, not once per parameter set
    for item in items:
        function = getattr(item, "function", None)
        module = item.module.__name__.rsplit(".", 1)[-1] if getattr(item, "module", None) else ""
        source = source_of(function) if function is not None else ""
        fixtures = set(getattr(item, "fixturenames", ()))
        if (
            module in SLOW_MODULES
            or any(call in source for call in SLOW_CALLS)
            or fixtures
            & {"shipped", "built", "built_en", "project", "serving", "browser", "hostile", "hostile_build", "changed"}
        ):
            item.add_marker(pytest.mark.slow)
    _heaviest_files_first(items)


LONGEST_FILES = (
    "test_verify",
    "test_browser",
    "test_build",
    "test_incremental",
    "test_share",
    "test_publish",
    "test_trust",
    "test_i18n",
    "test_serve",
    "test_readme",
    "test_oracle",
    "test_note_calls",
    "test_paginate",
    "test_status_review",
    "test_po_reading",
    "test_export",
    "test_sandbox",
)
"""The test files that take longest, longest first (a `--durations=0` run of the whole suite with
`-n 3` on 2026-12-07, on a loaded host: test_verify's tests took 370 s in all, the shipped build
included, test_sandbox's 44 s; the files after it 41 s or less)."""


def _heaviest_files_first(items: list[pytest.Item]) -> None:
    """Run the longest test files (`LONGEST_FILES`) first, each file's tests as they were, and the
    others after them in their order: `make test` hands each file whole to one worker (`--dist
    loadscope`) in this order, so the short files fill in at the end, rather than one long file
    starting last while the other worker sits idle. Every worker collects the same order, as xdist
    requires; a file missing from the list only runs later."""
    rank = {f"tests/{name}.py": i for i, name in enumerate(LONGEST_FILES)}
    first: dict[str, int] = {}
    for item in items:
        first.setdefault(item.nodeid.split("::", 1)[0], len(first))
    items.sort(key=lambda item: (rank.get(path := item.nodeid.split("::", 1)[0], len(rank)), first[path]))


NOT_CHECKED = frozenset({".venv", ".git", ".pytest_cache"})
"""Folders at the top of the checkout the tests may write into: the environment's, git's and pytest's own."""

KEPT_IN_PYCACHE = frozenset({"report/__pycache__/fingerprints.json"})
"""The files besides Python's bytecode that may change in a `__pycache__` folder: `report/cache.py`'s memo."""

_CHECKOUT = pytest.StashKey[dict[str, tuple[int, int]]]()


def checkout_files(root: Path) -> dict[str, tuple[int, int]]:
    """Return every file under `root` with its mtime (ns) and size, and every folder (its path ending
    in `/`, with `(0, 0)`: what a folder holds is checked file by file), but the NOT_CHECKED folders
    at the top, `__pycache__` folders themselves and the bytecode and KEPT_IN_PYCACHE files in them."""
    files: dict[str, tuple[int, int]] = {}
    top = os.path.join(root, "")
    folders = [top]
    while folders:  # over strings, not Paths: the walk runs twice a session over a checkout with its caches
        folder = folders.pop()
        pycache = folder.endswith("/__pycache__")
        with os.scandir(folder) as entries:
            for entry in entries:
                if folder == top and entry.name in NOT_CHECKED:
                    continue
                path = entry.path[len(top) :]
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                    if entry.name != "__pycache__":  # Python makes one beside any module it imports
                        files[path + "/"] = (0, 0)
                elif not (pycache and (_PYC_RE.search(entry.name) or path in KEPT_IN_PYCACHE)):
                    stat = entry.stat(follow_symlinks=False)
                    files[path] = (stat.st_mtime_ns, stat.st_size)
    return files


_PYC_RE = re.compile(r"\.pyc(\.\d+)?$")
"""Bytecode, and the name importlib writes it under before renaming it (`x.pyc.<id>`)."""


def written(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    """Return each file or folder created, changed or removed between two `checkout_files`, sorted, saying which."""
    return [
        f"{path} ({'created' if path not in before else 'removed' if path not in after else 'changed'})"
        for path in sorted(before.keys() | after.keys())
        if before.get(path) != after.get(path)
    ]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Note the checkout's files, once: in the controller under pytest-xdist, whose workers run the tests."""
    if not hasattr(session.config, "workerinput"):
        session.config.stash[_CHECKOUT] = checkout_files(REPO)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Fail the session if any test wrote into the checkout: tests work on copies in their tmp_path."""
    before = session.config.stash.get(_CHECKOUT, None)
    if before is None:
        return
    found = written(before, checkout_files(REPO))
    if not found:
        return
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("=", f"the tests wrote {len(found)} files into the checkout", red=True)
        reporter.write_line("Tests must work on a copy (make_project, copy_project) in their tmp_path:")
        for line in found:
            reporter.write_line(f"  {line}")
