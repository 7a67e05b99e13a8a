"""Full-text search for the site: one Pagefind bundle per language, made from that language's pages.

Pagefind's indexer (the binary the `pagefind_bin` wheel ships; nothing is fetched) reads the
pages of one language, written to a temporary folder, and its bundle becomes `<lang>/pagefind/`
in the edition, listed in the manifest like every other output. A bundle holds one language, so
a Spanish page searches Spanish pages only, and a build of one language leaves the other's
bundle as it was. Only what the page's search box loads is kept: the box is ours
(layouts/partials/search.html, layouts/js/search.js), so Pagefind's own interfaces are left out.

What is indexed is said here, once: each page's `<main>`, less the links that lead elsewhere
(breadcrumbs, downloads, pager, note numbers and back links). A bundle is cached under the hash
of the indexer, these settings and the pages, so a build that changed no page of a language
does not run the indexer again.
"""

from __future__ import annotations

import functools
import hashlib
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .. import cache
from ..publish import Output

BUNDLE = "pagefind"
ROOT_SELECTOR = "main"
EXCLUDE_SELECTORS = (
    ".breadcrumbs",
    ".kicker",
    ".download",
    ".button",
    ".pager",
    ".noteref",
    ".backref",
    ".card-download",
    ".downloads",
)
"""What in `<main>` is not indexed: ways to other pages and files, the chapter kicker (the report's title,
on every chapter), note numbers and back links."""
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.", "playground/")
"""Bundle files the search box never loads: Pagefind's own interfaces and its playground."""
TIMEOUT = 120  # seconds: the indexer takes well under one for a language's pages


@dataclass(frozen=True)
class Indexed:
    """A language's search bundle (its outputs), or why there is none."""

    outputs: tuple[Output, ...] = ()
    problem: str | None = None


def executable() -> Path | None:
    """Return the Pagefind indexer the `pagefind[bin]` dependency installed, or None if it is not there."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]

        path = Path(get_executable())
    except (ImportError, OSError, RuntimeError):
        return None
    return path if path.is_file() else None


def _digest(indexer: Path) -> str:
    """Return the SHA-256 of the indexer binary (about 10 MB), read once per version of the file."""
    stat = indexer.stat()
    return _digest_of(indexer, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _digest_of(indexer: Path, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(indexer.read_bytes()).hexdigest()


def _arguments(site: Path) -> list[str]:
    arguments = ["--site", str(site), "--output-subdir", BUNDLE, "--root-selector", ROOT_SELECTOR, "--keep-index-url"]
    for selector in EXCLUDE_SELECTORS:
        arguments += ["--exclude-selectors", selector]
    return [*arguments, "--silent"]


class _Failed(Exception):
    """The indexer did not make a bundle (nothing is cached then)."""


def search_bundle(lang: str, pages: Iterable[Output], indexer: Path, cache_dir: Path | None) -> Indexed:
    """Return the search bundle of one language's pages (`<lang>/<name>.html` outputs), from the cache if there."""
    prefix = f"{lang}/"
    chosen = sorted((p for p in pages if p.path.startswith(prefix)), key=lambda p: p.path)
    key_parts: list[bytes | str] = [cache.fingerprint(__name__), _digest(indexer), repr(_arguments(Path()))]
    for page in chosen:
        key_parts += [page.path, page.data]
    try:
        files = cache.memoize(cache_dir, "search", cache.key_of(*key_parts), _index, chosen, prefix, indexer)
    except _Failed as exc:
        return Indexed(problem=str(exc))
    return Indexed(
        tuple(Output(f"{prefix}{BUNDLE}/{name}", data, "search-index", lang) for name, data in files.items())
    )


def _index(pages: list[Output], prefix: str, indexer: Path) -> dict[str, bytes]:
    """Run the indexer over the pages, written to a temporary folder; return the bundle's files by name."""
    with tempfile.TemporaryDirectory(prefix="first-ten-search-") as tmp:
        site = Path(tmp)
        for page in pages:
            (site / page.path.removeprefix(prefix)).write_bytes(page.data)
        try:
            run = subprocess.run(
                [str(indexer), *_arguments(site)], capture_output=True, text=True, timeout=TIMEOUT, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise _Failed(f"the Pagefind indexer did not run: {exc}") from None
        if run.returncode != 0:
            said = (run.stderr or run.stdout).strip().splitlines()
            raise _Failed(f"the Pagefind indexer failed: {said[-1] if said else f'exit code {run.returncode}'}")
        bundle = site / BUNDLE
        return {
            name: path.read_bytes()
            for path in sorted(bundle.rglob("*"))
            if path.is_file() and not (name := path.relative_to(bundle).as_posix()).startswith(UNUSED)
        }
