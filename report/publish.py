"""Stage 7, publish: swap a complete new edition into `dist/`, or leave it as it was.

This is the one module that knows how `dist/` is laid out on disk; the layout and the swap are
described in docs/architecture.md.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

from .errors import UsageError
from .project import BUILDS_DIR, CACHE_DIR, DIST_DIR, LOCK_FILE, refuse_links, writing

MANIFEST = "manifest.json"
SEAL = "seal"
"""The manifest's own digest (`sealed`): the last thing in it."""
REVIEW_KINDS = frozenset({"status"})
"""Kinds of output for the team, not for readers: written beside the edition, not in it."""
REVIEW_SUFFIX = ".review"
EDITIONS = ("draft", "release")
"""What `"edition"` in the manifest says: a draft (every page marked so) or a release (no mark)."""
_NEW_LINK = ".dist.tmp"  # the symlink being made, beside `dist` so that the rename is atomic
_LEGACY = ".dist.old"  # a pre-symlink `dist/` folder, during the one-time move
OUTPUTS = (DIST_DIR, BUILDS_DIR, CACHE_DIR, _NEW_LINK, _LEGACY)
"""What the build writes in the project, besides `site/` (an export): no export may go into them."""


@dataclass(frozen=True)
class Output:
    """One file of the published edition."""

    path: str  # relative to dist/, with forward slashes
    data: bytes
    kind: str
    lang: str | None = None
    pages: int | None = None
    facility: str | None = None

    def entry(self) -> dict[str, object]:
        """Return this output's manifest entry."""
        return {
            "path": self.path,
            "language": self.lang,
            "kind": self.kind,
            "pages": self.pages,
            "bytes": len(self.data),
            "sha256": hashlib.sha256(self.data).hexdigest(),
        }


@dataclass(frozen=True)
class Published:
    """What publishing changed, compared with the edition it replaced."""

    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]


def manifest_bytes(
    outputs: list[Output],
    edition: str = "draft",
    created: str | None = None,
    content: Mapping[str, str] | None = None,
    languages: Sequence[str] = (),
    latest: Mapping[str, str] | None = None,
) -> bytes:
    """Return the manifest for these outputs, sorted by path: which kind of edition, made when,
    the languages its pages link to (`languages`), from which content each language was built
    (`content`), the content the build that wrote it saw for each (`latest`), and every file."""
    assert edition in EDITIONS, edition
    entries = [o.entry() for o in sorted(outputs, key=lambda o: o.path)]
    data: dict[str, object] = {"edition": edition}
    if created:
        data["created"] = created
    if languages:
        data["languages"] = list(languages)
    if content:
        data["content"] = dict(sorted(content.items()))
    if latest:
        data["latest"] = dict(sorted(latest.items()))
    data["outputs"] = entries
    data[SEAL] = _seal(data)
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def _seal(manifest: Mapping[str, object]) -> str:
    """Return the SHA-256 of everything a manifest says but its seal, in one canonical form: a
    manifest whose edition, date, content or files were edited by hand no longer matches it."""
    said = {key: value for key, value in manifest.items() if key != SEAL}
    return hashlib.sha256(
        json.dumps(said, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


def sealed(data: bytes) -> bool:
    """Return True if `data` is a manifest with its seal as `manifest_bytes` wrote it: nothing in it was edited since."""
    try:
        manifest = json.loads(data)
    except ValueError:
        return False
    return isinstance(manifest, dict) and manifest.get(SEAL) == _seal(manifest)


def language_content(dist: Path, key: str = "content") -> dict[str, str]:
    """Return, by language, the digest of the content `dist/` was built from (`stamp.SHARED_GLOBS`
    and the language's own catalogs, `stamp.language_digests`), or with `key="latest"` the one the
    build that published it saw."""
    try:
        content = json.loads((dist / MANIFEST).read_text(encoding="utf-8")).get(key, {})
    except (OSError, ValueError, AttributeError):
        return {}
    return {str(k): str(v) for k, v in content.items()} if isinstance(content, dict) else {}


def older_languages(dist: Path) -> list[str]:
    """Return the languages of `dist/` built from other content than the last build saw for them,
    sorted: `build --lang` kept them as a build of earlier content made them. A manifest without
    `"latest"` (written before it was recorded) names every language if their digests differ."""
    content, latest = language_content(dist), language_content(dist, "latest")
    if not latest:
        return sorted(content) if len(set(content.values())) > 1 else []
    return sorted(lang for lang, digest in content.items() if latest.get(lang) != digest)


def missing_languages(dist: Path) -> list[str]:
    """Return the languages the pages of `dist/` link to that it holds no file of, in the report's
    order: `build --lang` on a project never built in the others. Empty for a manifest without
    `"languages"` (written before they were recorded), or with languages that are not a list of
    strings (no manifest `manifest_bytes` wrote: `manifest_hashes` refuses it)."""
    try:
        data = json.loads((dist / MANIFEST).read_text(encoding="utf-8"))
        languages, entries = _languages(data) or [], data["outputs"]
        held = {e.get("language") for e in entries}
        return [lang for lang in languages if lang not in held]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []


def unmatched_pages(dist: Path) -> list[tuple[str, str]]:
    """Return (page, counterpart) for each page of `dist/` whose version in another language it
    holds files of is not there, sorted: every page's language links go to the same name in each
    other language, so after `build --lang` with a facility added or removed these lead nowhere.
    Empty for a manifest it cannot read (as `missing_languages`)."""
    try:
        data = json.loads((dist / MANIFEST).read_text(encoding="utf-8"))
        entries = data["outputs"]
        pages = {e["path"] for e in entries if e.get("kind") == "page" and e.get("language")}
        held = {e.get("language") for e in entries} & set(_languages(data) or [])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []
    unmatched = []
    for page in sorted(pages):
        lang, _, name = page.partition("/")
        unmatched += [(page, f"{other}/{name}") for other in sorted(held - {lang}) if f"{other}/{name}" not in pages]
    return unmatched


def _languages(manifest: dict) -> list[str] | None:
    """Return a manifest's `"languages"` (none if it has none), or None if they are not a list of
    strings as `manifest_bytes` writes them."""
    languages = manifest.get("languages", [])
    return languages if isinstance(languages, list) and all(isinstance(x, str) for x in languages) else None


_MANIFEST_KEYS = json.loads(
    manifest_bytes([], created="-", content={"-": "-"}, languages=["-"], latest={"-": "-"})
).keys()
_ENTRY_KEYS = Output("", b"", "").entry().keys()


def manifest_hashes(data: bytes) -> dict[str, str] | None:
    """Return the SHA-256 of each path `data` lists if it is a manifest `manifest_bytes` wrote, else None
    (also if its seal no longer matches it; one from before the seal is still accepted: `sealed`)."""
    try:
        manifest = json.loads(data)
    except ValueError:
        return None
    if not isinstance(manifest, dict) or not {"edition", "outputs"} <= manifest.keys() <= _MANIFEST_KEYS:
        return None
    if SEAL in manifest and not sealed(data):  # edited since (one written before the seal has none)
        return None
    entries = manifest["outputs"]
    if manifest["edition"] not in EDITIONS or not isinstance(entries, list) or _languages(manifest) is None:
        return None
    if not all(isinstance(e, dict) and e.keys() == _ENTRY_KEYS for e in entries):
        return None
    if not all(isinstance(e["path"], str) and isinstance(e["sha256"], str) for e in entries):
        return None
    return {e["path"]: e["sha256"] for e in entries}


def read_edition(dist: Path) -> str | None:
    """Return the kind of edition `dist/` holds ("draft" or "release"), or None if there is none."""
    try:
        edition = json.loads((dist / MANIFEST).read_text(encoding="utf-8")).get("edition", "draft")
    except (OSError, ValueError, AttributeError):
        return None
    return edition if edition in EDITIONS else None


def read_created(dist: Path) -> str | None:
    """Return when the PDFs of the edition in `dist/` were created (its manifest's `"created"`), or
    None if it has no manifest or the manifest does not say."""
    try:
        created = json.loads((dist / MANIFEST).read_text(encoding="utf-8")).get("created")
    except (OSError, ValueError, AttributeError):
        return None
    return created if isinstance(created, str) else None


def read_manifest(dist: Path) -> dict[str, dict]:
    """Return the previous manifest's entries by path, or nothing if there is none."""
    try:
        data = json.loads((dist / MANIFEST).read_text(encoding="utf-8"))
        return {e["path"]: e for e in data["outputs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


@contextlib.contextmanager
def lock(root: Path, waiting: Callable[[str], None]) -> Iterator[None]:
    """Hold the project's build lock for the block, first waiting (telling `waiting`) while another build has it.

    The lock is an flock on `.cache/build.lock`, so the kernel releases it when its holder exits
    or is killed; the file's content only tells a waiting build who has it. A `.cache` or `.dist`
    that is a symlink is a UsageError, before anything is written (`project.refuse_links`).
    """
    refuse_links(root)
    path = root / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():
        path.unlink()  # the lock's own name: opening a link there would truncate whatever it points to
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            waiting(f"another build (pid {holder}) is running in this project; waiting for it to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        with contextlib.suppress(OSError):  # only tells a waiting build who holds the lock: not worth failing over
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the lock


def recover(root: Path) -> None:
    """Clean up after killed builds: put a half-moved old `dist/` back, delete unpublished folders.

    Call it holding the lock. A `.dist` that is a symlink is a UsageError: nothing is deleted through it.
    """
    refuse_links(root)
    dist, legacy = root / DIST_DIR, root / _LEGACY
    if legacy.is_dir() and not legacy.is_symlink():
        if os.path.lexists(dist):
            shutil.rmtree(legacy)  # killed after the new edition was published
        else:
            legacy.rename(dist)  # killed between the two renames: the old edition goes back
    (root / _NEW_LINK).unlink(missing_ok=True)
    current = _published_folder(root)
    keep = () if current is None else (current, f"{current}{REVIEW_SUFFIX}")
    builds = root / BUILDS_DIR
    for entry in sorted(builds.iterdir()) if builds.is_dir() else ():
        if entry.name not in keep:
            _remove(entry)


def review_folder(root: Path) -> Path | None:
    """Return the folder of the team's pages that go with the published edition, or None if there is none."""
    name = _published_folder(root)
    folder = None if name is None else root / BUILDS_DIR / f"{name}{REVIEW_SUFFIX}"
    return folder if folder is not None and folder.is_dir() and not folder.is_symlink() else None


def current(root: Path) -> str | None:
    """Return what `dist` is now (where its symlink points, or a folder's inode), or None if it is missing."""
    dist = root / DIST_DIR
    if dist.is_symlink():
        return os.readlink(dist)
    with contextlib.suppress(OSError):
        return f"folder {dist.stat().st_ino}"
    return None


class SamePath(Exception):
    """Two outputs of one build have the same path: publishing both would silently keep only one."""


def _refuse_same_paths(outputs: list[Output]) -> None:
    """Raise SamePath if two outputs would be published at one path (`check` refuses the ids that would)."""
    seen: dict[str, Output] = {}
    for output in outputs:
        first = seen.setdefault(output.path, output)
        if first is not output:
            raise SamePath(
                f"two outputs would be published at dist/{output.path} ({first.kind} and {output.kind}):"
                " one would overwrite the other"
            )


def publish(
    root: Path,
    outputs: list[Output],
    keep_languages: frozenset[str] = frozenset(),
    edition: str = "draft",
    created: str | None = None,
    content: Mapping[str, str] | None = None,
    languages: Sequence[str] = (),
) -> Published:
    """Publish the outputs and their manifest as the new `dist/` (a draft or a release); return what changed.

    Outputs of the `REVIEW_KINDS` go to the review folder beside it. Files of `keep_languages`
    (languages not built this time) stay as the last build left them, and stay in the manifest
    (the build makes sure they are the same kind of edition); their review pages stay too. `content`
    is, by language of the report, the digest of the content this build found: the manifest records
    it as `"latest"`, and as `"content"` for the languages built (a kept one keeps its own there:
    `older_languages`), and the report's `languages`, which every page links to, built or not
    (`missing_languages`).
    Call it holding the lock. If it is interrupted before the swap, the new folder is deleted and
    `dist/` stays as it was.
    """
    refuse_links(root)
    refuse_strangers(root)
    _refuse_same_paths(outputs)
    dist = root / DIST_DIR
    review = {o.path: o.data for o in outputs if o.kind in REVIEW_KINDS}
    outputs = [o for o in outputs if o.kind not in REVIEW_KINDS]
    old_review = review_folder(root)
    old_pages = _own_files(old_review) if old_review is not None else {}
    for path, data in old_pages.items():
        if path not in review and path.split("/", 1)[0] in keep_languages:
            review[path] = data
    # Only the tool's own edition folder is read: a `dist` that leads anywhere else keeps nothing.
    old = edition_folder(root)
    previous = read_manifest(old) if old is not None else {}
    produced = {o.path for o in outputs}
    present = _files(old) if old is not None else set()
    kept = [
        Output(path, own, entry["kind"], entry["language"], entry["pages"])
        for path, entry in sorted(previous.items())
        if old is not None
        and entry.get("language") in keep_languages
        and path not in produced
        and (own := own_file(old, path)) is not None  # not '../x', nor a link out, nor a folder
    ]
    outputs = [*outputs, *kept]
    built_from = {
        lang: digest
        for lang, digest in (language_content(old) if old is not None else {}).items()
        if lang in keep_languages
    }
    built_from |= (
        {o.lang: content[o.lang] for o in outputs if o.lang and o.lang not in keep_languages} if content else {}
    )
    manifest = Output(MANIFEST, manifest_bytes(outputs, edition, created, built_from, languages, content), "manifest")
    everything = sorted([*outputs, manifest], key=lambda o: o.path)
    same = {o.path for o in everything if old is not None and _same(old, o.path, o.data)}
    written = tuple(o.path for o in everything if o.path not in same)
    # A stray file too, not only the manifest's, and an empty folder or a link to one (`contents`' 'path/').
    strays = {path for path in contents(old) if path.endswith("/")} if old is not None else set()
    removed = tuple(sorted(present - {o.path for o in everything} | strays))
    result = Published(written, tuple(o.path for o in everything if o.path in same), removed)
    if (
        not written
        and _published_folder(root) is not None
        and old is not None
        and contents(old) == same
        and old_pages == review
    ):
        return result  # the edition in dist/ is already this one, file for file, and so are its review pages

    builds = root / BUILDS_DIR
    folder = builds / f"{time.time_ns():x}-{os.getpid()}"  # unique: one build at a time holds the lock
    try:
        with writing(dist):  # a full disk is a DiskFull naming the file, or dist/ itself
            builds.mkdir(parents=True, exist_ok=True)
            folder.mkdir()
            for output in everything:
                target = folder / output.path
                with writing(dist / output.path):
                    target.parent.mkdir(parents=True, exist_ok=True)
                    if old is not None and output.path in same:
                        _link(old / output.path, target)
                    else:
                        with open(target, "wb") as f:
                            f.write(output.data)
                            os.fsync(f.fileno())
            pages = builds / f"{folder.name}{REVIEW_SUFFIX}"
            for path, data in sorted(review.items()):
                target = pages / path
                with writing(pages / path):
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with open(target, "wb") as f:
                        f.write(data)
                        os.fsync(f.fileno())
            for tree in (folder, pages):
                for directory, _, _ in os.walk(tree, topdown=False):
                    _sync(Path(directory))
            _sync(builds)
            _swap(root, folder)
    except BaseException:
        recover(root)  # deletes the new folder unless it got published; puts a half-moved old dist/ back
        raise
    recover(root)  # deletes the folder `dist` named until now
    return result


def _swap(root: Path, folder: Path) -> None:
    """Point `dist` at `folder` with one atomic rename (after moving an old plain `dist/` aside)."""
    dist, link = root / DIST_DIR, root / _NEW_LINK
    link.unlink(missing_ok=True)
    link.symlink_to(Path(BUILDS_DIR) / folder.name)  # relative: the project can be moved or copied
    if dist.is_dir() and not dist.is_symlink():
        dist.rename(root / _LEGACY)  # the one-time move of a pre-symlink dist/ (docs/architecture.md, publish.py)
    os.replace(link, dist)
    _sync(root)


def _published_folder(root: Path) -> str | None:
    """Return the name of the build folder `dist` points at, or None if `dist` is not such a symlink."""
    dist = root / DIST_DIR
    if not dist.is_symlink():
        return None
    target = Path(os.readlink(dist))
    return target.name if target.parent == Path(BUILDS_DIR) and target.name != ".." else None


def edition_folder(root: Path) -> Path | None:
    """Return the folder the published edition is in if the tool made it: the folder of `.dist/` that
    the `dist` symlink names, or a plain `dist/` folder (from before the symlink); None if there is
    none, or if `dist` leads anywhere else (`foreign_dist`)."""
    dist = root / DIST_DIR
    if not dist.is_symlink():
        return dist if dist.is_dir() else None
    name = _published_folder(root)
    folder = None if name is None else root / BUILDS_DIR / name
    return folder if folder is not None and folder.is_dir() and not folder.is_symlink() else None


def foreign_dist(root: Path) -> str | None:
    """Return where `dist` leads if it is a symbolic link the tool did not make (to anything but a
    folder of `.dist/`, or a link there), else None: one to a build folder deleted since is no edition."""
    dist = root / DIST_DIR
    if not dist.is_symlink():
        return None
    name = _published_folder(root)
    folder = None if name is None else root / BUILDS_DIR / name
    if folder is not None and not folder.is_symlink() and (folder.is_dir() or not os.path.lexists(folder)):
        return None
    return os.readlink(dist)


def own_file(folder: Path, path: str) -> bytes | None:
    """Return the bytes of the regular file at `path` (forward slashes) under `folder`, or None if
    there is none, or if the way to it leaves `folder` ('..') or passes a symbolic link: an edition
    holds plain files only, so nothing is ever read through a link out of it."""
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    here = folder
    try:
        for part in parts:
            here = here / part
            mode = os.lstat(here).st_mode
            if stat.S_ISLNK(mode):
                return None
        if not stat.S_ISREG(mode):
            return None
        fd = os.open(here, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with open(fd, "rb") as handle:
        return handle.read()


def _own_files(folder: Path) -> dict[str, bytes]:
    """Return every regular file under `folder` (`own_file`) by its relative path, sorted."""
    found = ((path, own_file(folder, path)) for path in sorted(_files(folder)))
    return {path: data for path, data in found if data is not None}


def _files(folder: Path) -> set[str]:
    """Return the relative paths of every file under `folder`."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir()}


def contents(folder: Path) -> set[str]:
    """Return the relative path of every file under `folder`, as `_files` does, and mark what else is
    there: a link as 'path@', an empty folder or a link to a folder as 'path/'.

    A published edition holds plain files only, so any marked entry differs from every manifest.
    """
    found: set[str] = set()
    for directory, folders, files in os.walk(folder):
        here = Path(directory)
        rel = here.relative_to(folder)
        found.update((rel / name).as_posix() + ("@" if (here / name).is_symlink() else "") for name in files)
        found.update((rel / name).as_posix() + "/" for name in folders if (here / name).is_symlink())
        if not folders and not files and here != folder:
            found.add(rel.as_posix() + "/")
    return found


def stranger(paths: list[str], read: Callable[[str], bytes]) -> tuple[str, bool] | None:
    """Return the first of `paths` (sorted, marked as by `contents`) that the tool did not write, or
    None: a folder or a zip it wrote holds its manifest and the files it lists, each with the content
    it lists, and nothing else (a file missing from it does not matter). With the path, whether it is
    one the manifest lists but with other content (changed since), rather than one it does not list;
    a manifest the tool did not write is itself the stranger."""
    listed = manifest_hashes(read(MANIFEST)) if MANIFEST in paths else {}
    if listed is None:
        return MANIFEST, False
    for path in paths:
        if path == MANIFEST:
            continue
        if path not in listed:
            parts = path.rstrip("@/").split("/")
            for depth in range(1, len(parts)):  # name the folder the tool did not write, not its first file
                folder = "/".join(parts[:depth]) + "/"
                if not any(p.startswith(folder) for p in listed):
                    return folder, False
            return path.rstrip("@"), False
        if hashlib.sha256(read(path)).hexdigest() != listed[path]:
            return path, True
    return None


def plain_bytes(path: Path) -> bytes:
    """Return the bytes of a plain file, or none for anything else (a pipe would block the read)."""
    return path.read_bytes() if path.is_file() else b""


def refuse_strangers(root: Path) -> None:
    """Raise UsageError if `dist` holds anything the build did not write, which publishing would
    delete: a file of that name, or a plain `dist/` folder (from before the symlink, or the user's)
    with a file its manifest does not list or lists with other content. A symbolic link there is
    replaced, never followed: what it leads to stays as it is."""
    dist = root / DIST_DIR
    if dist.is_symlink() or not os.path.lexists(dist):
        return
    if not dist.is_dir():
        raise UsageError(
            "dist is a file the build did not write: the build puts a link to the edition in its place and"
            " would delete it; move it away (rename it), then build again"
        )
    found = stranger(sorted(contents(dist)), lambda path: plain_bytes(dist / path))
    if found is not None:
        path, changed = found
        why = "was changed since the build wrote it" if changed else "is not a file the build wrote"
        raise UsageError(
            f"dist/ is a folder with files the build did not write ({path} {why}): the build puts a link to the"
            " edition in its place and would delete them; move it away (rename it), then build again"
        )


def _same(folder: Path, path: str, data: bytes) -> bool:
    """Return whether `folder` holds `data` at `path` as a file of its own (`own_file`), not through a link."""
    try:
        if os.lstat(folder / path).st_size != len(data):
            return False
    except OSError:
        return False
    return own_file(folder, path) == data


def _link(source: Path, target: Path) -> None:
    """Hard-link an unchanged file into the new folder (copy it, mtime and all, where links fail)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
        with open(target, "rb") as f:
            os.fsync(f.fileno())


def _sync(directory: Path) -> None:
    """Flush a directory's entries to disk, so that a crash cannot publish names without their files."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
