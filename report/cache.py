"""Content-addressed cache entries under `.cache/`, and the fingerprints that key them.

An entry is used only if its metadata names the same key and format and the bytes still hash
to what was recorded; anything else (missing, truncated, foreign, corrupt) is a miss and gets
rebuilt. Every key starts with `fingerprint(module)`: the source of the module's import closure
within this package (found by walking the imports, never listed by hand), its data files, and
the versions of the third-party distributions that closure imports.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import pickle
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, TypeVar

from .project import write_atomic

FORMAT = 1
PACKAGE = __name__.rsplit(".", 1)[0]
_PACKAGE_DIR = Path(__file__).parent
T = TypeVar("T")


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
    meta = {"format": FORMAT, "key": key, "sha256": hashlib.sha256(data).hexdigest(), "extra": extra or {}}
    write_atomic(data_path, data)
    write_atomic(meta_path, json.dumps(meta).encode())


def memoize(cache_dir: Path | None, namespace: str, key: str, compute: Callable[[], T]) -> T:
    """Return the value pickled under `key`, or compute, store and return it."""
    entry = get(cache_dir, namespace, key)
    if entry is not None:
        try:
            return pickle.loads(entry[0])  # type: ignore[no-any-return]
        except Exception:  # noqa: BLE001 - an entry pickled by other code: compute again
            pass
    value = compute()
    put(cache_dir, namespace, key, pickle.dumps(value))
    return value


# -- fingerprints ----------------------------------------------------------------------------------


@functools.cache
def fingerprint(module: str) -> str:
    """Return a hash of everything in the code that shapes what `module` computes.

    That is the source of every module of this package the module imports, directly or not
    (at the top or inside functions), the non-Python files beside them (schemas, scripts),
    and the versions of the third-party distributions those modules import.
    """
    modules, third_party = import_closure(module)
    parts: list[str | bytes] = []
    for name in sorted(modules):
        path = _module_path(name)
        assert path is not None
        parts += [name, path.read_bytes()]
    for folder in sorted({_module_path(name).parent for name in modules}):  # type: ignore[union-attr]
        for data in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix not in (".py", ".pyc")):
            parts += [data.relative_to(_PACKAGE_DIR).as_posix(), data.read_bytes()]
    parts += [f"{dist}={version}" for dist, version in distributions(third_party)]
    return key_of(*parts)


def import_closure(module: str) -> tuple[frozenset[str], frozenset[str]]:
    """Return the package's modules `module` imports, itself included, and the top-level third-party names they import."""
    seen: set[str] = set()
    third_party: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for imported in _imports(name):
            if imported == PACKAGE or imported.startswith(PACKAGE + "."):
                todo.append(imported)
            else:
                top = imported.split(".")[0]
                if top not in sys.stdlib_module_names and top != "__future__":
                    third_party.add(top)
    return frozenset(seen), frozenset(third_party)


def _module_path(name: str) -> Path | None:
    parts = name.split(".")[1:]
    if not parts:
        return _PACKAGE_DIR / "__init__.py"
    rel = Path(*parts)
    for candidate in (_PACKAGE_DIR / rel.with_suffix(".py"), _PACKAGE_DIR / rel / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@functools.cache
def _imports(name: str) -> tuple[str, ...]:
    """Return every module `name` imports (absolute names; `from x import y` gives x.y when y is a module)."""
    path = _module_path(name)
    if path is None:
        return ()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.append(target)
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub.startswith(PACKAGE + ".") and _module_path(sub) is not None:
                    found.append(sub)
    # A module's package __init__ runs first when it is imported.
    parts = name.split(".")
    found += [".".join(parts[:i]) for i in range(1, len(parts))]
    return tuple(dict.fromkeys(found))


def distributions(names: frozenset[str]) -> list[tuple[str, str]]:
    """Return (distribution, version) for the installed distributions providing these top-level import names."""
    providers = _providers()
    found = {dist for name in names for dist in providers.get(name, [name])}
    out = []
    for dist in sorted(found):
        try:
            out.append((dist, metadata.version(dist)))
        except metadata.PackageNotFoundError:
            out.append((dist, "unknown"))
    return out


@functools.cache
def _providers() -> dict[str, list[str]]:
    return metadata.packages_distributions()
