"""Stage 7, publish: write `dist/` only after everything is built, and only what changed.

Each file is written to a temporary name and renamed, so a reader never sees half a file,
and a file whose bytes did not change is not touched at all. Files the previous build wrote
(listed in its manifest) that this build no longer produces are removed. `dist/manifest.json`
lists every output with its language, kind, page count, size and SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "manifest.json"


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
    """What publishing changed on disk."""

    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]


def manifest_bytes(outputs: list[Output]) -> bytes:
    """Return the manifest for these outputs, sorted by path."""
    entries = [o.entry() for o in sorted(outputs, key=lambda o: o.path)]
    return (json.dumps({"outputs": entries}, indent=2, ensure_ascii=False) + "\n").encode()


def read_manifest(dist: Path) -> dict[str, dict]:
    """Return the previous manifest's entries by path, or nothing if there is none."""
    try:
        data = json.loads((dist / MANIFEST).read_text(encoding="utf-8"))
        return {e["path"]: e for e in data["outputs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def publish(dist: Path, outputs: list[Output], keep_languages: frozenset[str] = frozenset()) -> Published:
    """Write the outputs and the manifest into `dist`; return what changed.

    Files of `keep_languages` (languages not built this time) stay as the last build left them,
    and stay in the manifest.
    """
    previous = read_manifest(dist)
    written, unchanged = [], []
    produced = {o.path for o in outputs}
    kept = [
        Output(path, (dist / path).read_bytes(), entry["kind"], entry["language"], entry["pages"])
        for path, entry in sorted(previous.items())
        if entry.get("language") in keep_languages and path not in produced and (dist / path).is_file()
    ]
    outputs = [*outputs, *kept]
    everything = [*outputs, Output(MANIFEST, manifest_bytes(outputs), "manifest")]
    for output in everything:
        target = dist / output.path
        if _same(target, output.data):
            unchanged.append(output.path)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(output.data)
        tmp.replace(target)
        written.append(output.path)
    current = {o.path for o in everything}
    removed = []
    for path in sorted(set(previous) - current):
        target = dist / path
        if target.is_file():
            target.unlink()
            removed.append(path)
    return Published(tuple(written), tuple(unchanged), tuple(removed))


def _same(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False
