"""Content-addressed cache entries under `.cache/`, and the fingerprints that key them.

An entry is used only if its metadata names the same key and format and the bytes still hash
to what was recorded; anything else (missing, truncated, foreign, corrupt) is a miss and gets
rebuilt. Entries are data, never code: laid-out PDFs, and records stored as JSON and read back
into the type the computing function declares (`memoize`), so a file planted in `.cache/` can
at worst be a miss. Every key starts with `fingerprint(module)`: the source of the module's import closure
within this package (found by walking the imports, never listed by hand), its data files, and
the versions of the third-party distributions that closure imports.
"""

from __future__ import annotations

import ast
import base64
import collections.abc
import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import re
import sys
import threading
import types
import typing
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Literal, Mapping, TypeVar, Union

from .project import write_atomic

FORMAT = 2
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


def get(cache_dir: Path | None, namespace: str, key: str, magic: bytes = b"") -> tuple[bytes, dict[str, Any]] | None:
    """Return (data, metadata) for `key`, or None if there is no trustworthy entry or its data does not start with `magic`."""
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
        or not data.startswith(magic)
    ):
        return None
    return data, meta.get("extra", {})


def put(cache_dir: Path | None, namespace: str, key: str, data: bytes, extra: dict[str, Any] | None = None) -> None:
    """Store `data` and its metadata under `key`."""
    if cache_dir is None:
        return
    data_path, meta_path = _paths(cache_dir, namespace, key)
    if any(folder.is_symlink() for folder in data_path.parents if cache_dir in (folder, *folder.parents)):
        return  # a link planted in the cache would take the entry out of it: store nothing (a miss next time)
    meta = {"format": FORMAT, "key": key, "sha256": hashlib.sha256(data).hexdigest(), "extra": extra or {}}
    write_atomic(data_path, data)
    try:
        write_atomic(meta_path, json.dumps(meta).encode())
    except BaseException:
        data_path.unlink(missing_ok=True)
        raise


def memoize(cache_dir: Path | None, namespace: str, key: str, compute: Callable[..., T], *args: Any) -> T:
    """Return `compute(*args)`, read back from the JSON stored under `key` when there is an entry.

    The entry is read into the type `compute`'s return annotation names; one that does not fit
    it (foreign, from older code, planted) is a miss. The last `RECENT` values are also kept in
    memory, shared, so that a long-lived process (the live preview, which gathers on every save)
    does not read and decode the unchanged dossiers and catalogs again each time: a value is a
    frozen record, and whoever gets one never changes it. One is used only while its entry is
    still on disk: deleting `.cache/` means computing everything again, in every process.
    """
    if cache_dir is None:
        return compute(*args)
    value = recall(cache_dir, namespace, key, compute)
    if value is MISS:
        value = compute(*args)
        put(cache_dir, namespace, key, _encoded(value))
        _remember((str(cache_dir), namespace, key), value)
    return typing.cast(T, value)


def recall(cache_dir: Path | None, namespace: str, key: str, compute: Callable[..., T]) -> T | object:
    """Return what `memoize` would return for `key` without computing it, or `MISS` if it would
    have to: a caller may then compute it elsewhere (the layout workers), memoized there."""
    if cache_dir is None:
        return MISS
    slot = (str(cache_dir), namespace, key)
    with _recent_lock:
        remembered = _recent.get(slot, MISS)
        if remembered is not MISS:
            _recent.move_to_end(slot)
    if remembered is not MISS and _paths(cache_dir, namespace, key)[1].exists():
        return remembered
    entry = get(cache_dir, namespace, key)
    if entry is None:
        return MISS
    try:
        value = _decoder(_returns(compute))(json.loads(entry[0]))
    except (ValueError, TypeError, KeyError, RecursionError):
        return MISS
    _remember(slot, value)
    return value


def _remember(slot: tuple[str, str, str], value: Any) -> None:
    with _recent_lock:
        _recent[slot] = value
        while len(_recent) > RECENT:
            _recent.popitem(last=False)


MISS = object()
"""What `recall` returns for a key with no usable entry."""
RECENT = 128
_recent: collections.OrderedDict[tuple[str, str, str], Any] = collections.OrderedDict()
_recent_lock = threading.Lock()
SHARED = 128
_shared: collections.OrderedDict[tuple[str, str], Any] = collections.OrderedDict()


def _encoded(value: Any) -> bytes:
    return json.dumps(to_data(value), ensure_ascii=False, separators=(",", ":")).encode()


def memoize_shared(cache_dir: Path | None, namespace: str, key: str, compute: Callable[..., T], *args: Any) -> T:
    """Return `compute(*args)` as `memoize` does, for a value of its key alone (of the bytes of the
    files it is computed from, not of the project that has them): the last `SHARED` are kept in
    memory for every project, and a project without the entry gets it from there. Reading the fonts'
    characters or extracting the templates' strings takes a good part of a second, reading a dossier
    or a catalog a tenth, and the many small projects of the tests have the same fonts, layouts,
    dossiers and catalogs."""
    slot = (namespace, key)
    with _recent_lock:
        known = _shared.get(slot, _shared)
    if known is _shared:
        known = memoize(cache_dir, namespace, key, compute, *args)
    elif cache_dir is not None and not _paths(cache_dir, namespace, key)[1].exists():
        put(cache_dir, namespace, key, _encoded(known))
    with _recent_lock:
        _shared[slot] = known
        _shared.move_to_end(slot)
        while len(_shared) > SHARED:
            _shared.popitem(last=False)
    return known


@functools.lru_cache(maxsize=64)
def _returns(function: Callable) -> Any:
    return typing.get_type_hints(function)["return"]


def to_data(value: Any) -> Any:
    """Return `value` (frozen records, tuples, sets, mappings, dates, scalars) as JSON-ready data."""
    kind: Any = type(value)
    if kind in _SCALARS:
        return value
    if kind is tuple or kind is list:
        return [to_data(item) for item in value]
    names = _field_names(kind)
    if names is not None:
        return [to_data(getattr(value, name)) for name in names]
    if isinstance(value, (set, frozenset)):
        return sorted(to_data(item) for item in value)
    if isinstance(value, Mapping):
        return [[to_data(k), to_data(v)] for k, v in value.items()]
    if kind is dt.date:
        return value.isoformat()
    if kind is bytes:
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"the cache stores no {kind.__name__}")


_SCALARS = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    return tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None


def _only(*kinds: type) -> Callable[[Any], Any]:
    """Return a reader that takes data JSON read as one of `kinds` (a bool is not an int here)."""

    def read(data: Any) -> Any:
        if type(data) in kinds:
            return data
        raise TypeError(f"expected {' or '.join(k.__name__ for k in kinds)}, found {type(data).__name__}")

    return read


_list, _str = _only(list), _only(str)


@functools.cache
def _decoder(typ: Any) -> Callable[[Any], Any]:
    """Return the function that reads JSON data back into type `typ` (built once per type).

    Raises TypeError for a type the cache cannot hold: a mistake in the code, not in an entry.
    """
    origin, args = typing.get_origin(typ), typing.get_args(typ)
    if typ in (type(None), str, int, bool):
        return _only(typ)
    if typ is float:
        return _only(float, int)
    if typ is dt.date:
        return lambda data: dt.date.fromisoformat(_str(data))
    if typ is bytes:
        return lambda data: base64.b64decode(_str(data), validate=True)
    if origin is Literal:

        def literal(data: Any) -> Any:
            if data not in args or type(data) not in {type(a) for a in args}:
                raise ValueError(f"{data!r} is not one of {args}")
            return data

        return literal
    if origin in (Union, types.UnionType):
        alternatives = [_decoder(a) for a in args if a is not type(None)]
        optional = len(alternatives) < len(args)
        if optional and len(alternatives) == 1:
            only = alternatives[0]
            return lambda data: None if data is None else only(data)

        def union(data: Any) -> Any:
            if optional and data is None:
                return None
            for alternative in alternatives:
                try:
                    return alternative(data)
                except (TypeError, ValueError, KeyError):
                    continue
            raise TypeError(f"no alternative of {typ} fits")

        return union
    if isinstance(typ, type) and dataclasses.is_dataclass(typ):
        hints = typing.get_type_hints(typ)
        fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(typ)]

        def record(data: Any) -> Any:  # by keyword: a field may be keyword-only (Claim.accusation)
            return typ(**{name: read(d) for (name, read), d in zip(fields, _list(data), strict=True)})

        return record
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _decoder(args[0])
        return lambda data: tuple(item(d) for d in _list(data))
    if origin is tuple:
        items = [_decoder(a) for a in args]

        def fixed(data: Any) -> tuple:
            return tuple(read(d) for read, d in zip(items, _list(data), strict=True))

        return fixed
    if origin in (list, set, frozenset):
        item = _decoder(args[0])
        return lambda data: origin(item(d) for d in _list(data))
    if origin in (dict, collections.abc.Mapping):
        read_key, read_value = _decoder(args[0]), _decoder(args[1])

        def mapping(data: Any) -> dict:
            pairs = [_list(pair) for pair in _list(data)]
            if any(len(pair) != 2 for pair in pairs):
                raise ValueError("expected [key, value] pairs")
            return {read_key(k): read_value(v) for k, v in pairs}

        return mapping
    raise TypeError(f"the cache cannot hold {typ}")


# -- fingerprints ----------------------------------------------------------------------------------


@functools.cache
def fingerprint(module: str) -> str:
    """Return a hash of everything in the code that shapes what `module` computes.

    That is the source of every module of this package the module imports, directly or not
    (at the top or inside functions), the non-Python files beside them (scripts) and in the
    data folders below their folders (`report/schemas/`: every closure holds the package's
    `__init__`, so every key covers the schemas), and the versions of the third-party
    distributions those modules import.

    Walking the imports and the installed distributions takes a third of a second, before any
    layout can start; so, as Python keeps bytecode beside its source, the results are kept in
    the package's `__pycache__/`, for the code whose `code_signature` they were computed under.
    """
    signature = code_signature()
    known = _remembered(signature)
    if module not in known:
        known[module] = _fingerprint(module)
        with contextlib.suppress(OSError):  # a read-only installation computes them each time
            write_atomic(_MEMO, json.dumps({"signature": signature, "fingerprints": known}, sort_keys=True).encode())
    return known[module]


_MEMO = _PACKAGE_DIR / "__pycache__" / "fingerprints.json"


def _remembered(signature: str) -> dict[str, str]:
    """Return the fingerprints kept for the code with this signature (none for other code, or a bad file)."""
    try:
        memo = json.loads(_MEMO.read_bytes())
        known = memo["fingerprints"]
        if memo["signature"] == signature and all(
            isinstance(k, str) and isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v) for k, v in known.items()
        ):
            return dict(known)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return {}


@functools.cache
def code_signature() -> str:
    """Return a cheap signature of the installed code: the package's files (size, mtime) and the
    distributions on sys.path (their dist-info names carry their versions)."""
    parts = []
    for path in sorted(_PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            info = path.stat()
            parts.append(f"{path.relative_to(_PACKAGE_DIR)}:{info.st_size}:{info.st_mtime_ns}")
    for entry in sys.path:
        if os.path.isdir(entry):
            parts += sorted(name for name in os.listdir(entry) if name.endswith((".dist-info", ".egg-info")))
    return key_of(*parts)


def _fingerprint(module: str) -> str:
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
