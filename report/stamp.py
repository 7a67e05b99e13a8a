"""The no-op check: is `dist/` exactly what a build of the current inputs would publish?

A successful build leaves a stamp in `.cache/`: what shaped its result (the code fingerprint
of the build's import closure with the versions of the distributions it imports, the content
hash of every file the gather phase read and every folder it listed, the layouts and images the
emit phase reads as they were before the build read them, the options and SOURCE_DATE_EPOCH),
the findings and coverage tables it printed, and the hash of its manifest and of each review page (`publish.review_folder`). The
next build answers "up to date" only if all of it still holds, every file in `dist/` has the
manifest's content, with no file more or less, and the review pages are those it wrote.
Kept free of heavy imports, so that such a build finishes in a fraction of a second.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Mapping

from . import cache, project, publish
from .cache import code_signature

BUILD_MODULE = "report.commands.build"
EMIT_GLOBS = (f"{project.LAYOUTS_DIR}/**/*", f"{project.IMAGES_DIR}/**/*")
"""What the emit phase reads besides what gather read: templates, stylesheets, fonts, images."""
WATCHED_GLOBS = (
    project.REPORT_FILE,
    f"{project.FACILITIES_DIR}/**/*",
    f"{project.LAYOUTS_DIR}/**/*",
    f"{project.I18N_DIR}/**/*",
)
"""What `serve` watches for saves."""
SHARED_GLOBS = (
    project.REPORT_FILE,
    f"{project.FACILITIES_DIR}/**/*",
    f"{project.LAYOUTS_DIR}/**/*",
)
"""The content every language is built from (the catalogs are each language's own: `language_digests`)."""


def _files(root: Path, patterns: tuple[str, ...]) -> list[Path]:
    paths: set[Path] = set()
    for pattern in patterns:
        paths.update(p for p in root.glob(pattern) if p.is_file() and not project.is_leftover(p.name))
    return sorted(paths)


def watched_files(root: Path) -> list[Path]:
    """Return the project files a writer, translator or designer edits, sorted."""
    return _files(root, WATCHED_GLOBS)


def content_digest(root: Path, patterns: tuple[str, ...] = WATCHED_GLOBS) -> str:
    """Return a hash of the names, bytes and real places of the files matching `patterns`.

    Where a file really is counts, not only what it holds: the same bytes behind a link out of the
    project are refused (`sandbox`), so replacing a file by such a link must not read as no change.
    A file gone between the listing and the reading is not there (whoever watches sees it go).
    """
    digest = hashlib.sha256()
    home = root.resolve()
    for path in _files(root, patterns):
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # renamed or deleted since the listing (an editor's temporary file): not there
            continue
        real = path.resolve()
        where = real.relative_to(home).as_posix() if real.is_relative_to(home) else str(real)
        digest.update(f"{path.relative_to(root).as_posix()}\0{where}\0".encode() + data + b"\0")
    return digest.hexdigest()


def language_digests(root: Path, shared: str) -> dict[str, str]:
    """Return, by folder of i18n/, a digest of the content that language is built from: the shared
    content's digest `shared` and its catalog (`project.catalog_path`), the one file of the folder
    the build reads (its glossary is `check`'s alone; an editor's swap file is nobody's)."""
    folder = root / project.I18N_DIR
    names = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    own = {name: content_digest(root, (glob.escape(project.catalog_path(name)),)) for name in names}
    return {name: hashlib.sha256(f"{shared}\0{digest}".encode()).hexdigest() for name, digest in own.items()}


def _settings(options: Mapping[str, Any]) -> str:
    return json.dumps({**options, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "")}, sort_keys=True)


def unchanged(root: Path, options: Mapping[str, Any]) -> dict | None:
    """Return the last build's record if nothing that shaped it changed and dist/ holds exactly its output."""
    try:
        record = json.loads((root / project.STAMP_FILE).read_text(encoding="utf-8"))
        if not isinstance(record, dict) or record.get("settings") != _settings(options):
            return None
        if record.get("signature") != code_signature() and record.get("code") != cache.fingerprint(BUILD_MODULE):
            return None
        if not _same_sources(root, record):
            return None
        if record.get("review") != _review_pages(root):
            return None
        return record if _dist_matches(root / project.DIST_DIR, record.get("manifest")) else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def sources_changed(root: Path, manifest: bytes) -> bool | None:
    """Return whether the sources differ from those of the build that published `manifest`.

    None if no stamp records that build: `.cache/` was deleted, or the build stopped between
    publishing and saving its stamp (then the stamp is an earlier build's, not dist/'s).
    """
    try:
        record = json.loads((root / project.STAMP_FILE).read_text(encoding="utf-8"))
        if record["manifest"] != hashlib.sha256(manifest).hexdigest():
            return None
        return not _same_sources(root, record)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def built_from(shared: str, catalogs: Mapping[str, str], lang: str) -> str:
    """Return the digest of the content a language is built from, out of the shared content's digest
    `shared` and `language_digests`: the shared content alone for the source language, and with its
    catalog for any other (the shared content alone if it has none)."""
    return shared if lang == project.SOURCE_LANGUAGE else catalogs.get(lang, shared)


def content_changed(root: Path, recorded: Mapping[str, str]) -> bool | None:
    """Return whether the content of any language differs from what a manifest says it was built
    from (`recorded`, its `"content"`), computed as the build computes it (`built_from`), or None if
    it records none. Needs no stamp: `.cache/` may be gone, or `dist/` copied from another project."""
    if not recorded:
        return None
    shared = content_digest(root, SHARED_GLOBS)
    catalogs = language_digests(root, shared)
    return any(digest != built_from(shared, catalogs, lang) for lang, digest in recorded.items())


def dist_changed(root: Path, dist: Path, manifest: bytes) -> bool | None:
    """Return whether the sources differ from those the edition in `dist` (whose manifest is `manifest`) was built
    from, or None if nothing tells: what `export` says of the edition, and whether `serve` keeps a release.

    The manifest's content digests answer without `.cache/` (deleted, or a `dist/` copied from
    another project); the stamp of the build that published it also knows the code's other inputs.
    """
    content = content_changed(root, publish.language_content(dist))
    if content:
        return True
    recorded = sources_changed(root, manifest)
    return recorded if content is None else recorded is True


def _same_sources(root: Path, record: dict) -> bool:
    """Return True if every file the recorded build read, and every file its emit phase reads, is as it was."""
    if any(project.current_digest(root, key) != digest for key, digest in record["reads"].items()):
        return False
    return bool(record.get("emit") == content_digest(root, EMIT_GLOBS))


def _dist_matches(dist: Path, manifest_hash: str | None) -> bool:
    """Return True if dist/ holds the files of its manifest, each with its content, and nothing else."""
    raw = (dist / "manifest.json").read_bytes()
    if hashlib.sha256(raw).hexdigest() != manifest_hash:
        return False
    entries = {e["path"]: e["sha256"] for e in json.loads(raw)["outputs"]}
    if publish.contents(dist) != set(entries) | {"manifest.json"}:
        return False
    return all(hashlib.sha256((dist / path).read_bytes()).hexdigest() == sha for path, sha in entries.items())


def _review_pages(root: Path) -> dict[str, str]:
    """Return the hash of each page in the review folder that goes with dist/ (none if it has none)."""
    folder = publish.review_folder(root)
    if folder is None:
        return {}
    pages = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in pages}


def save(
    root: Path,
    options: Mapping[str, Any],
    reads: Mapping[str, str],
    emit: str,
    findings: list[dict],
    coverage: list[str],
) -> None:
    """Record a successful build (with what it printed) so that an identical rebuild can be skipped.

    `emit` is `content_digest(root, EMIT_GLOBS)` taken before the build read those files, as
    `reads` are hashed as they are read: a file saved while the build ran then differs from what
    is recorded, and the next build does not call dist/ up to date.
    """
    record = {
        "settings": _settings(options),
        "signature": code_signature(),
        "code": cache.fingerprint(BUILD_MODULE),
        "reads": dict(sorted(reads.items())),
        "emit": emit,
        "manifest": hashlib.sha256((root / project.DIST_DIR / "manifest.json").read_bytes()).hexdigest(),
        "review": _review_pages(root),
        "findings": findings,
        "coverage": coverage,
    }
    project.write_atomic(root / project.STAMP_FILE, json.dumps(record).encode())
