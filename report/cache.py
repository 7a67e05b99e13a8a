"""Content-addressed cache entries under `.cache/`: bytes plus a little JSON metadata.

An entry is used only if its metadata names the same key and format and the bytes still hash
to what was recorded; anything else (missing, truncated, foreign, corrupt) is a miss and gets
rebuilt. Each file is written under a temporary name and renamed, so a crash or a concurrent
build never leaves half an entry.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

FORMAT = 1


def key_of(*parts: bytes | str) -> str:
    """Return the SHA-256 hex digest of the parts, each length-delimited."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def _paths(cache_dir: Path, namespace: str, key: str) -> tuple[Path, Path]:
    folder = cache_dir / namespace / key[:2]
    return folder / f"{key}.bin", folder / f"{key}.json"


def get(cache_dir: Path | None, namespace: str, key: str) -> tuple[bytes, dict[str, Any]] | None:
    """Return (data, metadata) for `key`, or None if there is no trustworthy entry."""
    if cache_dir is None:
        return None
    data_path, meta_path = _paths(cache_dir, namespace, key)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        data = data_path.read_bytes()
    except (OSError, ValueError):
        return None
    if (
        not isinstance(meta, dict)
        or meta.get("format") != FORMAT
        or meta.get("key") != key
        or meta.get("sha256") != hashlib.sha256(data).hexdigest()
    ):
        return None
    return data, meta.get("extra", {})


def put(cache_dir: Path | None, namespace: str, key: str, data: bytes, extra: dict[str, Any] | None = None) -> None:
    """Store `data` and its metadata under `key`."""
    if cache_dir is None:
        return
    data_path, meta_path = _paths(cache_dir, namespace, key)
    data_path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"format": FORMAT, "key": key, "sha256": hashlib.sha256(data).hexdigest(), "extra": extra or {}}
    for path, content in ((data_path, data), (meta_path, json.dumps(meta).encode())):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(content)
        tmp.replace(path)
