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
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Mapping, TypeVar

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
            return pickle.loads(entry[0])
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
    (at the top or inside functions), the non-Python files beside them (scripts) and in the
    data folders below their folders (`report/schemas/`: every closure holds the package's
    `__init__`, so every key covers the schemas), and the versions of the third-party
    distributions those modules import.
    """
    modules, third_party = import_closure(module)
    parts: list[str | bytes] = []
    for name in sorted(modules):
        path = _module_path(name)
        assert path is not None
        parts += [name, path.read_bytes()]
    for folder in sorted({_module_path(name).parent for name in modules}):  # type: ignore[union-attr]
        for data in _data_files(folder):
            parts += [data.relative_to(_PACKAGE_DIR).as_posix(), data.read_bytes()]
    parts += [f"{dist}={version}" for dist, version in distributions(third_party)]
    return key_of(*parts)


def _data_files(folder: Path) -> list[Path]:
    """Return the non-Python files in a module's folder and, recursively, in its data folders.

    A data folder is a subfolder with no Python module in it (a subpackage is covered by its
    own modules when the closure imports them; `__pycache__` is not data).
    """
    files = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix not in (".py", ".pyc"):
            files.append(path)
        elif path.is_dir() and path.name != "__pycache__" and not any(path.rglob("*.py")):
            files += _data_files(path)
    return files


def import_closure(module: str) -> tuple[frozenset[str], frozenset[str]]:
    """Return the package's modules `module` imports, itself included, and the top-level third-party names they import.

    Imports inside functions count (they run when the function does); imports under
    `if TYPE_CHECKING:` do not. A module's parent packages run their own top-level imports first.
    """
    seen: set[tuple[str, bool]] = set()
    third_party: set[str] = set()
    todo = [(module, False)]
    while todo:
        item = todo.pop()
        if item in seen:
            continue
        seen.add(item)
        name, top_only = item
        parts = name.split(".")
        todo += [(".".join(parts[:i]), True) for i in range(1, len(parts))]
        for imported in _imports(name, top_only):
            if imported == PACKAGE or imported.startswith(PACKAGE + "."):
                # A package's own functions (the root's lazy verbs) are never called from inside it.
                path = _module_path(imported)
                todo.append((imported, path is not None and path.name == "__init__.py"))
            else:
                top = imported.split(".")[0]
                if top not in sys.stdlib_module_names and top != "__future__":
                    third_party.add(top)
    return frozenset(name for name, _ in seen), frozenset(third_party)


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
def _imports(name: str, top_only: bool = False) -> tuple[str, ...]:
    """Return the modules `name` imports (absolute; `from x import y` gives x.y too when y is a module)."""
    path = _module_path(name)
    if path is None:
        return ()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: list[str] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child, in_function)
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            in_function = True
        if in_function and top_only:
            return
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.append(target)
            found.extend(
                sub
                for alias in node.names
                if (sub := f"{target}.{alias.name}").startswith(PACKAGE + ".") and _module_path(sub) is not None
            )
        for inner in ast.iter_child_nodes(node):
            visit(inner, in_function)

    visit(ast.parse(path.read_bytes(), str(path)), False)
    return tuple(dict.fromkeys(found))


def distributions(names: frozenset[str]) -> list[tuple[str, str]]:
    """Return (distribution, version) for the distributions providing these top-level import names,
    and for every distribution they require (WeasyPrint's pydyf and fontTools shape a PDF too)."""
    providers = _providers()
    todo = [dist for name in names for dist in providers.get(name, [name])]
    found: dict[str, str] = {}
    while todo:
        dist = todo.pop()
        key = re.sub(r"[-_.]+", "-", dist).lower()
        if key in found:
            continue
        try:
            found[key] = metadata.version(dist)
            requires = metadata.requires(dist) or []
        except metadata.PackageNotFoundError:
            found[key] = "not installed"
            continue
        todo += [m.group(0) for r in requires if "extra ==" not in r and (m := re.match(r"[A-Za-z0-9._-]+", r))]
    return sorted(found.items())


@functools.cache
def _providers() -> Mapping[str, list[str]]:
    return metadata.packages_distributions()
