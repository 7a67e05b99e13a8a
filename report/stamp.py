"""The no-op check: has anything that affects `dist/` changed since the last successful build?

Kept free of heavy imports so that a build with nothing to do finishes in a fraction of a
second: it hashes the input files, compares with the stamp the last build left in `.cache/`,
and checks that every file of the last manifest is still in `dist/` with its size.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib.metadata import version
from pathlib import Path

STAMP_FILE = "build-stamp.json"
INPUT_GLOBS = (
    "report.yaml",
    "facilities/**/*",
    "layouts/**/*",
    "i18n/**/*.po",
    "i18n/babel.cfg",
    "pyproject.toml",
)
PACKAGES = ("weasyprint", "pydyf", "fonttools", "pypdf", "pikepdf", "jinja2", "babel", "pyyaml", "jsonschema")


def input_files(root: Path) -> list[Path]:
    """Return the project's input files (content, layouts, catalogs, settings), sorted."""
    paths: set[Path] = set()
    for pattern in INPUT_GLOBS:
        paths.update(p for p in root.glob(pattern) if p.is_file())
    return sorted(paths)


def inputs_digest(root: Path, options: dict[str, object]) -> str:
    """Return a hash of every input file, the package code, dependency versions and build options."""
    digest = hashlib.sha256()
    paths = set(input_files(root))
    package = Path(__file__).parent
    paths.update(p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".json"))
    for path in sorted(paths):
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else f"package/{path.relative_to(package).as_posix()}"
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    for package_name in PACKAGES:
        digest.update(f"{package_name}={version(package_name)}\n".encode())
    digest.update(json.dumps(options, sort_keys=True).encode())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    return digest.hexdigest()


def unchanged(root: Path, cache_dir: Path, dist: Path, digest: str) -> dict | None:
    """Return the last build's record if `digest` matches it and dist/ is intact, else None."""
    try:
        record = json.loads((cache_dir / STAMP_FILE).read_text(encoding="utf-8"))
        manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("digest") != digest or record.get("manifest") != hashlib.sha256(
        json.dumps(manifest, sort_keys=True).encode()
    ).hexdigest():
        return None
    for entry in manifest.get("outputs", ()):
        try:
            if (dist / entry["path"]).stat().st_size != entry["bytes"]:
                return None
        except (OSError, KeyError, TypeError):
            return None
    return record


def save(cache_dir: Path, dist: Path, digest: str, findings: list[dict]) -> None:
    """Record a successful build so an identical rebuild can be skipped."""
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    record = {
        "digest": digest,
        "manifest": hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest(),
        "findings": findings,
    }
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cache_dir / f".{STAMP_FILE}.tmp"
    tmp.write_text(json.dumps(record), encoding="utf-8")
    tmp.replace(cache_dir / STAMP_FILE)
