"""Where everything lives in a project, and the record of what the gather phase read.

Every path the tool knows, relative to the project root, is named here once. The gather phase
reads project files through `read` and `listdir`, which note each file's content hash (and
each folder's listing) while `recording()` is active: the build's no-op stamp is made of
exactly what was read, never of a list kept by hand.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import errno
import hashlib
import os
import stat
import threading
from pathlib import Path
from typing import Callable, Iterator

from .errors import UsageError

REPORT_FILE = "report.yaml"
FACILITIES_DIR = "facilities"
SOURCES_FILE = f"{FACILITIES_DIR}/sources.yaml"
IMAGES_DIR = f"{FACILITIES_DIR}/images"
LAYOUTS_DIR = "layouts"
I18N_DIR = "i18n"
TEMPLATE_FILE = f"{I18N_DIR}/messages.pot"
MAPPING_FILE = f"{I18N_DIR}/babel.cfg"
SOURCE_LANGUAGE = "en"
"""The language the dossiers and the templates are written in, and every catalog translates from.
report.yaml's `languages` must list it (the report schema's `contains`), in any place. Here, not in
the content model, so that `stamp` knows it without importing Babel."""
CACHE_DIR = ".cache"
DIST_DIR = "dist"
SITE_IMAGES_DIR = "images"
"""Where the site keeps dossier images, under dist/."""
BUILDS_DIR = ".dist"  # not in .cache/: deleting the cache must not unpublish the edition
LOCK_FILE = f"{CACHE_DIR}/build.lock"
LINKS_FILE = f"{CACHE_DIR}/links.json"
STAMP_FILE = f"{CACHE_DIR}/build-stamp.json"
CRASH_DIR = f"{CACHE_DIR}/crashes"
OWN_FOLDERS = {
    BUILDS_DIR: f"the build deletes and writes in {BUILDS_DIR}/",
    CACHE_DIR: f"every command writes in {CACHE_DIR}/",
}
"""The folders the tool keeps its own files in, and what it does there: none may be a symlink."""


def catalog_path(lang: str) -> str:
    """Return the project-relative path of a language's PO catalog."""
    return f"{I18N_DIR}/{lang}/LC_MESSAGES/messages.po"


# -- what the build publishes, relative to dist/ -------------------------------------------------
# A language's folder holds the report's own outputs and every facility's, named from its id:
# an id that would name one of the report's own is refused (`reserved_id`), and so is one that
# repeats an anchor of the report PDF's front or back matter, where every chapter is an anchor.

HOME_PAGE = "index.html"
STATUS_PAGE = "translation-status.html"
REPORT_CITATION = "report"
"""The stem of the report's own citation files, `<lang>/cite/report.*`."""
CITE_DIR = "cite"
CITE_FORMATS = (("csl.json", "CSL-JSON"), ("bib", "BibTeX"), ("ris", "RIS"))
"""Each citation download's file extension and the name readers know it by."""
MATTER_ANCHORS = frozenset(
    {
        *("cover-tags", "contents", "contents-title", "notice", "notice-title", "introduction"),
        *("introduction-title", "map", "map-title", "support", "support-title", "support-tags"),
        *("acknowledgments", "acknowledgments-title", "bibliography", "bibliography-title", "back-cover-tags"),
    }
)
"""The element ids of the PDF's front and back matter (`layouts/pdf/front.html`, `back.html`) but
the numbered ones (`src-<source>`, `<hashtags>-<n>`): a chapter is `<id>` and `<id>-…`, which
must repeat none (tests/test_outputs.py renders both and keeps this list true)."""
PAGE_ANCHORS = frozenset({"main", "cite-this", "site-search-input", "site-search-results"})
"""The element ids every facility's page has besides its chapter's (`layouts/site/`, `partials/`),
but the numbered notes (`note-<n>`, `ref-<n>`, `NUMBERED_PAGE_ANCHORS`): the chapter's own must
repeat none (tests/test_outputs.py keeps this true)."""
NUMBERED_PAGE_ANCHORS = ("note", "ref")


def report_pdf_path(lang: str) -> str:
    """Return where a language's full report is published, relative to dist/."""
    return f"{lang}/first-ten-{lang}.pdf"


def facility_pdf_path(lang: str, facility_id: str) -> str:
    """Return where a facility's PDF in a language is published, relative to dist/."""
    return f"{lang}/{facility_id}-{lang}.pdf"


def facility_page_path(lang: str, facility_id: str) -> str:
    """Return where a facility's page in a language is published, relative to dist/."""
    return f"{lang}/{facility_id}.html"


def share_image_path(lang: str, facility_id: str) -> str:
    """Return where a facility's share image is published, relative to dist/."""
    return f"{lang}/share/{facility_id}.png"


def citation_paths(lang: str, stem: str) -> tuple[str, ...]:
    """Return where the citation files `<lang>/cite/<stem>.*` are published, one per format."""
    return tuple(f"{lang}/{CITE_DIR}/{stem}.{ext}" for ext, _ in CITE_FORMATS)


def report_outputs(lang: str) -> tuple[str, ...]:
    """Return the paths of a language's outputs that are the report's own, relative to dist/."""
    own = (f"{lang}/{HOME_PAGE}", f"{lang}/{STATUS_PAGE}", report_pdf_path(lang))
    return (*own, *citation_paths(lang, REPORT_CITATION))


def facility_outputs(lang: str, facility_id: str) -> tuple[str, ...]:
    """Return the paths of a facility's outputs in a language, relative to dist/."""
    own = (facility_page_path(lang, facility_id), facility_pdf_path(lang, facility_id))
    return (*own, share_image_path(lang, facility_id), *citation_paths(lang, facility_id))


def dossier_path(facility_id: str) -> str:
    """Return where a facility's dossier is: facilities/<id>.yaml."""
    return f"{FACILITIES_DIR}/{facility_id}.yaml"


def is_dossier(path: str) -> bool:
    """Return True if a project path (`dossier_path`'s form) is a dossier's: a .yaml file of
    facilities/ itself, but the sources."""
    return (
        path.startswith(f"{FACILITIES_DIR}/")
        and path.endswith(".yaml")
        and path.count("/") == 1
        and (path != SOURCES_FILE)
    )


def reserved_id(facility_id: str, lang: str) -> str | None:
    """Return what the report already names `facility_id` (a file or an anchor), or None if nothing."""
    if dossier_path(facility_id) == SOURCES_FILE:
        return f"{SOURCES_FILE} is the list of sources"
    taken = sorted(set(facility_outputs(lang, facility_id)) & set(report_outputs(lang)))
    if taken:
        return f"{DIST_DIR}/{taken[0]} is already one of the report's own files"
    anchors = sorted(a for a in MATTER_ANCHORS if a == facility_id or a.startswith(f"{facility_id}-"))
    if anchors:
        return f"'{anchors[0]}' is an anchor of the report PDF's front or back matter"
    anchors = sorted(a for a in PAGE_ANCHORS if a == facility_id or a.startswith(f"{facility_id}-"))
    if anchors:
        return f"'{anchors[0]}' is an anchor of every facility's page"
    if facility_id in NUMBERED_PAGE_ANCHORS:
        return f"'{facility_id}-1', '{facility_id}-2'… are the anchors of a facility page's notes"
    return None


def source_date() -> dt.datetime | None:
    """Return the time SOURCE_DATE_EPOCH sets (reproducible builds), or None when it is not set.

    The value is whole seconds since 1970-01-01 UTC, as `date +%s` prints it; anything else (a
    fraction, a word, a time past the year 9999) is a UsageError, which the command line says in
    one line before any verb starts.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        if not epoch.isascii() or not epoch.isdigit():
            raise ValueError(epoch)
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"SOURCE_DATE_EPOCH={epoch!r} is not a time: set it to whole seconds since 1970-01-01 UTC"
            " (as `date +%s` prints them, up to the year 9999), or unset it"
        ) from None


def refuse_links(root: Path) -> None:
    """Raise UsageError if a folder of `OWN_FOLDERS` is a symbolic link or a file, before anything is written or deleted.

    A link there (which `git add -A` stages: `.gitignore`'s `/.dist/` matches folders only) would
    have the tool delete and write wherever it points, outside the project.
    """
    for name, does in OWN_FOLDERS.items():
        path = root / name
        if path.is_symlink():
            raise UsageError(
                f"'{name}' is a symbolic link (to {os.readlink(path)}): {does}, so it refuses a link; delete it"
            )
        if path.exists() and not path.is_dir():
            raise UsageError(f"'{name}' is a file, not a folder: {does}; delete it (the tool makes the folder)")


def today() -> dt.date:
    """Return today's date, or the date of SOURCE_DATE_EPOCH when it is set."""
    pinned = source_date()
    return pinned.date() if pinned else dt.date.today()


class DiskFull(OSError):
    """The disk (or the user's quota) filled up while writing `filename`; nothing partial was left."""


class NotWritable(OSError):
    """Writing `filename` was refused: its folder or the file is not the user's to write (a build once
    run with sudo, `chattr +i`), or the disk is mounted read-only. Nothing partial was left."""


NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
REFUSED = (errno.EACCES, errno.EPERM, errno.EROFS)
"""What the system says when the user may not write there: the user's to fix, not a bug in the tool."""


@contextlib.contextmanager
def writing(path: Path, stand_in: Path | None = None) -> Iterator[None]:
    """Run a block that writes `path`: a full disk in it raises `DiskFull` naming `path`; a refused
    write raises `NotWritable` naming the file the system refused (`path` for its `stand_in`, the
    temporary file it is written under)."""
    try:
        yield
    except (DiskFull, NotWritable):
        raise
    except OSError as exc:
        if exc.errno in NO_SPACE:
            raise DiskFull(exc.errno, os.strerror(exc.errno), str(path)) from exc
        if exc.errno in REFUSED:
            refused = exc.filename if isinstance(exc.filename, str) else str(path)
            if stand_in is not None and refused == str(stand_in):
                refused = str(path)
            raise NotWritable(exc.errno, os.strerror(exc.errno), refused) from exc
        raise


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` under a temporary name, then rename: a reader sees the old or the new file."""
    _write_whole(path, data, os.replace)


def write_new(path: Path, data: bytes) -> None:
    """Create `path` holding `data`, whole or not at all; FileExistsError if it exists."""
    _write_whole(path, data, _link_new)


def _write_whole(path: Path, data: bytes, move: Callable[[Path, Path], None]) -> None:
    """Write a temporary file beside `path`, then `move` it there; the temporary file never stays behind.

    The temporary name is this thread's own, not only this process's: the live preview renders a
    save's pages on one thread while its build runs on another, and both store the same cache
    entries. With one name per process, one thread's rename took the file the other was still
    writing (a torn entry), and the other's rename then found no file (a traceback).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_native_id()}.tmp")
    try:
        with writing(path, stand_in=tmp):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            move(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _link_new(tmp: Path, path: Path) -> None:
    """Give the finished file its name only if the name is free (a hard link never replaces)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: claim the name, then fill it in one rename
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        os.replace(tmp, path)


# -- what the gather phase read ------------------------------------------------------------------

ABSENT = "absent"
"""The recorded hash of a file that was looked for and not found."""

_reads: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("reads", default=None)


@contextlib.contextmanager
def recording() -> Iterator[dict[str, str]]:
    """Record, for the block, every project file read (`path` -> sha256) and folder listed (`path/` -> hash)."""
    reads: dict[str, str] = {}
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)


def _note(key: str, digest: str) -> None:
    reads = _reads.get()
    if reads is not None:
        reads[key] = digest


class Refused(Exception):
    """A project file the gather phase does not read, and why: `code` and `message` for a finding at the file."""

    def __init__(self, rel: str, code: str, message: str):
        super().__init__(message)
        self.rel = rel
        self.code = code
        self.message = message


class TooLarge(Exception):
    """A project file larger than the limit its reader gave: `size` bytes (by its file system entry)."""

    def __init__(self, rel: str, size: int, limit: int):
        super().__init__(f"{rel} is {size} bytes, more than {limit}")
        self.rel = rel
        self.size = size
        self.limit = limit


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_a_file(rel: str, mode: int) -> Refused:
    what = next((what for test, what in _KINDS if test(mode)), "not a regular file")
    return Refused(rel, "input.not-file", f"file is {what}, not a regular file: put the file itself here")


def link_loop(path: Path) -> bool:
    """Return True if following `path`'s symbolic links never ends (a link that leads back to itself).

    `Path.resolve()` raises RuntimeError on such a path on Python 3.11 (OSError on 3.13): ask first.
    """
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


LOOP = "is a symbolic link loop (following its links leads back to them, never to a file)"


def _open(root: Path, rel: str) -> tuple[int, int]:
    """Return an open descriptor on a project file and its size; raise FileNotFoundError, or Refused.

    The one rule of what the gather phase reads: a regular file whose real path (after `..` and
    symlinks are followed) is inside the real project root. A file linked from outside is not the
    project's: nobody reviewing the project sees it. Anything but a regular file (a device, which
    never ends, a FIFO, which blocks) is never opened for reading.
    """
    path = root / rel
    if link_loop(path):
        raise Refused(rel, "project.missing-file", f"file {LOOP}: put the file itself here")
    real = path.resolve()
    if not real.is_relative_to(root.resolve()):
        raise Refused(
            rel,
            "input.outside",
            f"file resolves to '{real}', outside the project: copy the file here instead of linking to it",
        )
    mode = real.stat().st_mode  # FileNotFoundError for a missing file or a dangling link
    if not stat.S_ISREG(mode):
        raise _not_a_file(rel, mode)
    fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # replaced since the stat above
        os.close(fd)
        raise _not_a_file(rel, info.st_mode)
    return fd, info.st_size


def read(root: Path, rel: str, limit: int) -> bytes:
    """Return a project file's bytes, noting their hash; never reads more than `limit` + 1 bytes.

    Raises FileNotFoundError (noted absent), Refused for a file outside the project or not a
    regular file (see `_open`), and TooLarge for one larger than `limit` bytes.
    """
    try:
        fd, size = _open(root, rel)
    except FileNotFoundError:
        _note(rel, ABSENT)
        raise
    except Refused as refused:
        _note(rel, f"refused {refused.code}")
        raise
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if max(size, len(data)) > limit:
        _note(rel, f"too large {max(size, len(data))}")
        raise TooLarge(rel, max(size, len(data)), limit)
    _note(rel, hashlib.sha256(data).hexdigest())
    return data


def _digest(root: Path, rel: str) -> str:
    """Return what `read` notes for a file: its bytes' hash (read in chunks), absent, or why it is refused."""
    try:
        fd, _size = _open(root, rel)
    except Refused as refused:
        return f"refused {refused.code}"
    except OSError:
        return ABSENT
    with os.fdopen(fd, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def note(root: Path, rel: str) -> None:
    """Note a project file that something else reads (a library, an existence test): its hash, or absent."""
    if _reads.get() is not None:
        _note(rel, _digest(root, rel))


_LEFTOVER_SUFFIXES = (".swp", ".swo", ".swx", ".bak", ".orig", ".tmp")
_LEFTOVER_NAMES = frozenset({"4913", "Thumbs.db", "desktop.ini"})


def is_leftover(name: str) -> bool:
    """Return True if a file of this name is an editor's or a system's, not the project's: hidden
    (`.site.css.swp`, `.DS_Store`, LibreOffice's `.~lock.…#`), a backup (`site.css~`, `.bak`,
    `.orig`), Emacs's autosave (`#site.css#`), Vim's swap files and its write test (`4913`), a
    temporary file, Windows's thumbnails. A Vim swap file holds the whole text being edited, with
    the user's and the machine's names: never published, never a save to rebuild for."""
    return (
        name.startswith(".")
        or name.endswith("~")
        or (name.startswith("#") and name.endswith("#"))
        or name.lower().endswith(_LEFTOVER_SUFFIXES)
        or name in _LEFTOVER_NAMES
    )


def listdir(root: Path, rel: str) -> list[str]:
    """Return the sorted names in a project folder (none if it is missing), noting the listing."""
    folder = root / rel
    names = sorted(os.listdir(folder)) if folder.is_dir() else []
    _note(f"{rel}/", hashlib.sha256("\0".join(names).encode()).hexdigest() if folder.is_dir() else ABSENT)
    return names


def current_digest(root: Path, key: str) -> str:
    """Return what `read`, `note` or `listdir` would note for `key` now (a folder's key ends in '/')."""
    if key.endswith("/"):
        folder = root / key[:-1]
        return hashlib.sha256("\0".join(sorted(os.listdir(folder))).encode()).hexdigest() if folder.is_dir() else ABSENT
    return _digest(root, key)
