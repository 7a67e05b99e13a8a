"""The `export` verb: the published edition as a real folder and a zip, for a static host.

Deterministic, atomic, safe, consistent, own, whole and honest: what each means is in
docs/architecture.md.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import re
import shutil
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .. import publish, stamp
from ..errors import UsageError
from ..project import BUILDS_DIR, FACILITIES_DIR, I18N_DIR, LAYOUTS_DIR, writing

DEFAULT_FOLDER = "site"
STORED = (".pdf", ".woff2", ".png", ".jpg", ".jpeg", ".webp", ".zip")
"""Files already compressed: stored in the zip as they are, not deflated again."""
_FOREIGN = "is not from an earlier export"
_NOTHING = "nothing to export: dist/ holds no edition yet; run ./build.py first"
_PAGES_FILES = (".git", ".nojekyll", "CNAME")
"""What a checkout of the branch GitHub Pages serves holds besides the site."""
_EARLIEST = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)  # the first time a zip entry can hold
_LATEST = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.timezone.utc)  # and the last


@dataclass(frozen=True)
class Exported:
    """What `export` wrote: the folder, the zip, the number of files and their bytes, the edition's kind."""

    folder: Path
    archive: Path
    files: int
    size: int
    edition: str
    sources_changed: bool | None
    """The project's sources differ from those that built the edition (a later build failed or did
    not run, or it came from another project); None if neither the manifest nor a stamp tells."""


def export(root: Path, target: Path | None, waiting: Callable[[str], None] | None = None) -> Exported:
    """Copy the published edition into the folder `target` (default: site/ in the project) and into `target`.zip."""
    folder = (target if target is not None else root / DEFAULT_FOLDER).absolute()
    with publish.lock(root, waiting or (lambda message: None)):  # first: a wait can be as long as a build
        archive = _refuse(root, folder)
        elsewhere = publish.foreign_dist(root)
        if elsewhere is not None:  # only the edition folder the build made is copied, never a link out of it
            raise UsageError(
                f"dist/ is not an edition the build made (a symbolic link to {elsewhere}, not into"
                f" {BUILDS_DIR}/): run ./build.py to rebuild dist/"
            )
        dist = publish.edition_folder(root)
        manifest_data = publish.own_file(dist, publish.MANIFEST) if dist is not None else None
        if dist is None or manifest_data is None:
            raise UsageError(_NOTHING)
        try:
            manifest = json.loads(manifest_data)
            entries = manifest["outputs"]
        except (ValueError, KeyError, TypeError):
            raise UsageError(_NOTHING) from None
        if publish.manifest_hashes(manifest_data) is None or not publish.sealed(manifest_data):  # edited by hand
            raise UsageError(
                f"dist/{publish.MANIFEST} is not a manifest the build wrote: run ./build.py to rebuild dist/"
            )
        # Rebuilt as the edition it is: a draft's advice would replace a release with a draft.
        rebuild = "./build.py release" if manifest.get("edition") == "release" else "./build.py build"
        older = publish.older_languages(dist)
        if older:  # `build --lang` kept a language built from earlier content
            were, them = ("was", "it") if len(older) == 1 else ("were", "them")
            raise UsageError(
                f"dist/ is not one edition: {', '.join(older)} {were} built from earlier content than the rest"
                f" (a build with --lang kept {them} as {them} {were}); run {rebuild}, then export"
            )
        missing = publish.missing_languages(dist)
        if missing:  # `build --lang` on a project never built in the others: its language links lead nowhere
            them = "it" if len(missing) == 1 else "them"
            raise UsageError(
                f"dist/ has no {', '.join(missing)}, which its pages link to (a build with --lang left {them} out);"
                f" run {rebuild}, then export"
            )
        files = {publish.MANIFEST: manifest_data}
        for entry in entries:
            path = entry["path"]
            data = publish.own_file(dist, path)  # a plain file of the edition folder: never through a link
            if data is None or hashlib.sha256(data).hexdigest() != entry["sha256"]:
                raise UsageError(f"dist/{path} is not the file its manifest lists: run ./build.py to rebuild dist/")
            files[path] = data
        changed = stamp.dist_changed(root, dist, manifest_data)
        when = _timestamp(manifest)
        _clean(folder)
        staged_folder, staged_zip = _new(folder), _new(archive)
        # Both are written whole before either takes its name: a failure (a full disk, a folder not
        # the user's, said as a build says it) leaves the earlier export, and no temporary.
        try:
            with writing(folder, stand_in=staged_folder):
                _write_folder(staged_folder, files, _kept_times(folder, files))
            with writing(archive, stand_in=staged_zip):
                _write_zip(staged_zip, files, when)
            with writing(archive, stand_in=staged_zip):
                staged_zip.replace(archive)
            with writing(folder, stand_in=staged_folder):
                _swap_folder(staged_folder, folder)
        finally:
            _discard(staged_folder)
            _discard(staged_zip)
    edition = str(manifest.get("edition", "draft"))
    return Exported(folder, archive, len(files), sum(len(d) for d in files.values()), edition, changed)


def _refuse(root: Path, folder: Path) -> Path:
    """Raise UsageError for targets that are not an export's own: the project, its outputs, anything but an earlier export;
    else return the zip's path, beside `folder`.

    Both the folder and the zip are checked before anything is written, so a refusal writes nothing.
    The project and its folders first: `/`, which holds it, has no name to put a zip's beside.
    """
    real, project = folder.resolve(), root.resolve()
    if real == project or real in project.parents:
        raise UsageError(f"cannot export into {folder}: it holds the project; name a folder of its own, like site/")
    if any(real == place or place in real.parents for place in (project / n for n in publish.OUTPUTS)):
        raise UsageError(f"cannot export into {folder}: it is part of the build's own output; name another folder")
    inputs = (project / n for n in (FACILITIES_DIR, LAYOUTS_DIR, I18N_DIR))
    if any(real == place or place in real.parents for place in inputs):
        raise UsageError(
            f"cannot export into {folder}: the build reads that folder, so the export would become part of the"
            " report's sources; name a folder of its own, like site/"
        )
    archive = folder.with_name(folder.name + ".zip")
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise UsageError(f"cannot export into {folder}: it exists and is not a folder")
    if folder.is_dir():
        stranger = _stranger(sorted(publish.contents(folder)), lambda path: publish.plain_bytes(folder / path))
        if stranger is not None:
            path, why = stranger
            hint = "name an empty or new folder"
            if path.rstrip("/") in _PAGES_FILES:
                hint = "export into a folder of its own, then copy it into the Pages checkout"
                hint += ' (see "Publish the site" in the README)'
            raise UsageError(f"cannot export into {folder}: {path} {why}; {hint}")
    if archive.is_symlink() or (archive.exists() and not archive.is_file()):
        raise UsageError(f"cannot export into {archive}: it exists and is not a file; move it or name another folder")
    if archive.exists():
        try:
            with zipfile.ZipFile(archive) as zipped:
                stranger = _stranger(sorted(zipped.namelist()), zipped.read)
        except (OSError, EOFError, ValueError, RuntimeError, NotImplementedError, zipfile.BadZipFile, zlib.error):
            raise UsageError(
                f"cannot export into {archive}: it is not the zip of an earlier export; move it or name another folder"
            ) from None
        if stranger is not None:
            path, why = stranger
            raise UsageError(f"cannot export into {archive}: {path} in it {why}; move it or name another folder")
    return archive


def _stranger(paths: list[str], read: Callable[[str], bytes]) -> tuple[str, str] | None:
    """Return the first of `paths` (sorted, marked as by `publish.contents`) that no export wrote, and why, or None.

    An earlier export is this tool's manifest and the files it lists, each with the content it
    lists, and nothing else: that alone may be deleted. A file missing from it does not matter.
    """
    found = publish.stranger(paths, read)
    if found is None:
        return None
    path, changed = found
    return path, "was changed since it was exported" if changed else _FOREIGN


def _timestamp(manifest: dict) -> dt.datetime:
    """Return the time every zip entry gets: the edition's creation time (the PDFs' creation date,
    SOURCE_DATE_EPOCH's if it was set for the build), within the years a zip entry can hold (1980
    to 2107). Export's own environment plays no part: the same edition gives the same zip."""
    try:
        pinned = dt.datetime.fromisoformat(str(manifest["created"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        pinned = _EARLIEST
    if pinned.tzinfo is None:
        pinned = pinned.replace(tzinfo=dt.timezone.utc)
    return min(max(pinned.astimezone(dt.timezone.utc), _EARLIEST), _LATEST)


def _kept_times(folder: Path, files: dict[str, bytes]) -> dict[str, int]:
    """Return, by path, the modification time (ns) of each file of an earlier export in `folder`
    that has the same bytes as now: it keeps it, and every other file gets the time of this export.

    So an upload that compares sizes and times (`rsync -a`, `aws s3 sync`) sends each changed file,
    even one of the same size, and only those. `_refuse` has made sure the folder is an export's.
    """
    if not folder.is_dir():
        return {}
    kept: dict[str, int] = {}
    for path, data in files.items():
        if publish.own_file(folder, path) == data:
            kept[path] = os.lstat(folder / path).st_mtime_ns
    return kept


def _clean(folder: Path) -> None:
    """Delete what an interrupted export left beside `folder`: only its own temporary names,
    `.<name>.<pid>.new` / `.old` and `.<name>.zip.<pid>.new`, never another hidden file."""
    for leftover in sorted(folder.parent.glob(f".{glob.escape(folder.name)}.*")):
        if not re.fullmatch(rf"\.{re.escape(folder.name)}(\.zip)?\.[0-9]+\.(new|old)", leftover.name):
            continue
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def _new(path: Path) -> Path:
    """Return the hidden name beside `path` that it is written under before it is renamed into place."""
    return path.with_name(f".{path.name}.{os.getpid()}.new")


def _write_folder(temporary: Path, files: dict[str, bytes], kept: dict[str, int]) -> None:
    """Write the files into the hidden folder `temporary`, synced to disk; a file of `kept` gets its
    time back, any other keeps the time it was written."""
    temporary.mkdir(parents=True)
    for path in sorted(files):
        target = temporary / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(files[path])
            os.fsync(handle.fileno())
        target.chmod(0o644)
        if path in kept:
            os.utime(target, ns=(kept[path], kept[path]))
    for directory, _, _ in os.walk(temporary):
        Path(directory).chmod(0o755)


def _swap_folder(temporary: Path, folder: Path) -> None:
    """Rename the written folder `temporary` into place, replacing an earlier export at `folder`."""
    old = folder.with_name(f".{folder.name}.{os.getpid()}.old")
    if folder.exists():
        folder.rename(old)  # `folder` is absent from here to the next rename: never half-written
    temporary.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def _discard(temporary: Path) -> None:
    """Delete a hidden temporary of this export (a folder or a zip) if it is still there."""
    if temporary.is_dir() and not temporary.is_symlink():
        shutil.rmtree(temporary, ignore_errors=True)
    else:
        temporary.unlink(missing_ok=True)


def _write_zip(temporary: Path, files: dict[str, bytes], when: dt.datetime) -> None:
    """Write the files into the hidden zip `temporary`, entries sorted with fixed times and permissions, synced to disk."""
    stamp = when.timetuple()[:6]
    with zipfile.ZipFile(temporary, "w") as zipped:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.create_system = 3  # Unix, whatever the system writing it: the permissions below
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_STORED if path.endswith(STORED) else zipfile.ZIP_DEFLATED
            zipped.writestr(info, files[path], compresslevel=9 if info.compress_type == zipfile.ZIP_DEFLATED else None)
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
