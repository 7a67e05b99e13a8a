"""The cache holds data, never code: records read back as computed, and anything else is a miss."""

from __future__ import annotations

import collections
import hashlib
import json
import os
import pickle
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from report import cache, project
from report.content.load import load_edition
from report.findings import Finding, Loc, error
from report.i18n.catalogs import read_catalog
from report.i18n.coverage import template_messages

from .conftest import copy_project


class Planted:
    """A pickle that creates a file when it is loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (Path.touch, (self.marker,))


def plant(entry: Path, data: bytes) -> None:
    """Replace a cache entry's data, and record its hash so that only the content can betray it."""
    entry.write_bytes(data)
    meta_path = entry.with_suffix(".json")
    meta = json.loads(meta_path.read_text())
    meta["sha256"] = hashlib.sha256(data).hexdigest()
    meta_path.write_text(json.dumps(meta))


@pytest.mark.slow
def test_records_read_back_from_the_cache_as_they_were_computed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_project(tmp_path / "project")
    cache_dir = root / project.CACHE_DIR

    def everything() -> str:
        edition, findings = load_edition(root)
        catalogs = [read_catalog(root, project.TEMPLATE_FILE, None, cache_dir)]
        catalogs += [read_catalog(root, project.catalog_path(lang), lang, cache_dir) for lang in ("es",)]
        return repr((edition, findings, catalogs, template_messages(root, cache_dir)))

    computed = everything()
    assert {p.name for p in cache_dir.iterdir()} == {"load", "catalogs", "template-strings"}
    stored: list[str] = []
    monkeypatch.setattr(cache, "put", lambda *args, **kwargs: stored.append(args[1]))
    # repr shows types as well as values: a tuple read back as a list, or 34 as 34.0, would differ.
    assert everything() == computed
    assert stored == []


@dataclass(frozen=True)
class Record:
    name: str
    count: int
    where: tuple[Loc, ...]


def compute() -> tuple[Record | None, list[Finding]]:
    return Record("x", 2, (Loc("a.yaml", 1, 2),)), [error("code", Loc("a.yaml", 3, 4), "message")]


def never() -> tuple[Record | None, list[Finding]]:
    pytest.fail("computed again")


@pytest.mark.parametrize(
    "planted",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"[1,", id="truncated-json"),
        pytest.param(b"\xff\xfe", id="not-utf8"),
        pytest.param(b'[["x",[]],[]]', id="missing-field"),
        pytest.param(b'[["x",true,[]],[]]', id="bool-for-int"),
        pytest.param(b'[["x",2,[],1],[]]', id="extra-field"),
        pytest.param(
            b'[null,[["fatal","c",["p",1,1],"m"]]]',
            id="not-a-level",
        ),
        pytest.param(b'[["x",2,[["a.yaml",1]]],[]]', id="short-loc"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="deep"),
    ],
)
def test_an_entry_that_is_not_the_declared_type_is_a_miss(
    tmp_path: Path, planted: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "RECENT", 0)  # every value is read back from the disk
    key = cache.key_of("test")
    cache.put(tmp_path, "records", key, planted)
    assert cache.memoize(tmp_path, "records", key, compute) == compute()
    # ... and the entry written in its place is read back.
    assert cache.memoize(tmp_path, "records", key, never) == compute()


def test_the_recent_values_are_kept_in_memory_while_their_entries_are_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long-lived process (the live preview) does not decode the same entry on every save; deleting .cache/ still means computing again."""
    monkeypatch.setattr(cache, "RECENT", 2)
    computed: list[str] = []

    def counted() -> tuple[Record | None, list[Finding]]:
        computed.append("first")
        return compute()

    first = cache.memoize(tmp_path, "records", cache.key_of("first"), counted)
    assert cache.memoize(tmp_path, "records", cache.key_of("first"), never) is first  # not decoded again
    cache.memoize(tmp_path, "records", cache.key_of("second"), compute)
    cache.memoize(tmp_path, "records", cache.key_of("third"), compute)  # the first leaves the memory
    again = cache.memoize(tmp_path, "records", cache.key_of("first"), never)
    assert again == first and again is not first  # decoded from its entry on disk
    shutil.rmtree(tmp_path / "records")
    assert cache.memoize(tmp_path, "records", cache.key_of("first"), counted) == first
    assert computed == ["first", "first"]  # the entry was deleted: computed again, not taken from memory


def test_a_planted_pickle_is_not_loaded(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    key = cache.key_of("test")
    cache.put(tmp_path, "records", key, pickle.dumps(Planted(marker)))
    assert cache.memoize(tmp_path, "records", key, compute) == compute()
    assert not marker.exists()


def test_a_pdf_entry_must_be_a_pdf(tmp_path: Path) -> None:
    key = cache.key_of("test")
    cache.put(tmp_path, "chunks", key, b"%PDF-1.7 ...")
    assert cache.get(tmp_path, "chunks", key, magic=b"%PDF-") is not None
    cache.put(tmp_path, "chunks", key, pickle.dumps(Planted(tmp_path / "pwned")))
    assert cache.get(tmp_path, "chunks", key, magic=b"%PDF-") is None


def test_an_entry_is_never_written_through_a_link_planted_in_the_cache(tmp_path: Path) -> None:
    """`.cache/pdf -> ../victim`: storing an entry wrote it, and the folder for it, in ../victim."""
    cache_dir, victim = tmp_path / ".cache", tmp_path / "victim"
    victim.mkdir()
    cache_dir.mkdir()
    (cache_dir / "pdf").symlink_to("../victim")
    key = cache.key_of("entry")
    cache.put(cache_dir, "pdf", key, b"%PDF-")
    assert list(victim.iterdir()) == []
    assert cache.get(cache_dir, "pdf", key) is None
    cache.put(cache_dir, "other", key, b"%PDF-")  # a real folder: stored as ever
    assert cache.get(cache_dir, "other", key) == (b"%PDF-", {})


def test_two_threads_storing_one_entry_at_once_both_store_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The live preview stores a save's entries on its watcher's thread while its build stores the
    same ones on the main thread. Both wrote one temporary file per process: the first rename took
    the file the other thread had just written, and the other's rename found none (a traceback)."""
    cache_dir, key = tmp_path / ".cache", cache.key_of("entry")
    data_path = cache_dir / "load" / key[:2] / f"{key}.bin"
    second_wrote, first_moved = threading.Event(), threading.Event()
    real_replace = os.replace

    def replace(src: Any, dst: Any) -> None:  # the first thread renames only once the second wrote its file
        if Path(dst) != data_path:
            real_replace(src, dst)
        elif threading.current_thread().name == "first":
            assert second_wrote.wait(10)
            real_replace(src, dst)
            first_moved.set()
        else:
            second_wrote.set()
            assert first_moved.wait(10)
            real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    failed: list[BaseException] = []

    def store(data: bytes) -> None:
        try:
            cache.put(cache_dir, "load", key, data)
        except BaseException as exc:  # noqa: BLE001 - the test reports it below
            failed.append(exc)

    first = threading.Thread(target=store, args=(b"{}",), name="first")
    first.start()
    while not any(p.suffix == ".tmp" for p in data_path.parent.glob("*")) and first.is_alive():
        time.sleep(0.01)  # the first thread's temporary file is written: now the second writes its own
    second = threading.Thread(target=store, args=(b"{}",), name="second")
    second.start()
    first.join(20)
    second.join(20)
    assert failed == []
    assert cache.get(cache_dir, "load", key) == (b"{}", {})
    assert sorted(p.name for p in data_path.parent.iterdir()) == [f"{key}.bin", f"{key}.json"]


def _tiny_layouts(root: Path) -> Path:
    """Give a project print stylesheets with one declaration WeasyPrint skips, and one template."""
    css = root / "layouts" / "css"
    css.mkdir(parents=True)
    for name in ("print", "folios", "share"):
        (css / f"{name}.css").write_text("p { colr: red }\n" if name == "print" else "p { color: red }\n")
    (root / "layouts" / "page.html").write_text("<p>{{ _('Hello') }}</p>\n")
    (root / "i18n").mkdir()
    (root / "i18n" / "babel.cfg").write_text("[jinja2: layouts/**.html]\n")
    return root


def test_two_projects_with_the_same_layouts_load_their_stylesheets_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check` loaded the print stylesheets again for every project without the entry in its
    `.cache/` (most of a second): the many small projects of the tests. What loading logs is kept in
    the process by the layout's fingerprint, and each project's cache still gets its entry."""
    from report.pdf import paginate

    monkeypatch.setattr(paginate, "_SHEET_FINDINGS", {}, raising=False)
    loaded: list[str] = []
    load_sheets = paginate._load_sheets
    monkeypatch.setattr(paginate, "_load_sheets", lambda *args: loaded.append(args[1]) or load_sheets(*args))
    first, second = (_tiny_layouts(tmp_path / name) for name in ("a", "b"))
    found = [paginate.stylesheet_findings(root, root / project.CACHE_DIR) for root in (first, second)]
    assert [str(f) for f in found[0]] == [
        "layouts/css/print.css:1:5: warning: Ignored `colr: red `, unknown property. [pdf.css]"
    ]
    assert found[1] == found[0]
    assert loaded == [str(first)]
    assert (
        [p.name for p in (second / project.CACHE_DIR / "sheets").rglob("*.bin")]
        == [p.name for p in (first / project.CACHE_DIR / "sheets").rglob("*.bin")]
        != []
    )


def test_two_projects_with_the_same_templates_extract_their_strings_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Extracting the template strings took most of a second for every project without the entry
    in its `.cache/`; now once in the process for the same files, and each project's cache gets its entry."""
    import babel.messages.extract

    monkeypatch.setattr(cache, "_shared", collections.OrderedDict())
    extracted: list[int] = []
    extract = babel.messages.extract.extract
    monkeypatch.setattr(babel.messages.extract, "extract", lambda *a, **k: extracted.append(1) or extract(*a, **k))
    first, second = (_tiny_layouts(tmp_path / name) for name in ("a", "b"))
    found = [template_messages(root, root / project.CACHE_DIR) for root in (first, second)]
    assert [(m.msgid, str(m.loc)) for m in found[0].messages.values()] == [("Hello", "layouts/page.html:1:9")]
    assert found[1] == found[0]
    assert extracted == [1]
    assert (
        [p.name for p in (second / project.CACHE_DIR / "template-strings").rglob("*.bin")]
        == [p.name for p in (first / project.CACHE_DIR / "template-strings").rglob("*.bin")]
        != []
    )


def test_two_projects_with_the_same_fonts_read_their_characters_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the print faces' character maps took a third of a second for every project without
    the entry in its `.cache/`; now once in the process for the same bytes, and each project's cache gets its entry."""
    from report.pdf import glyphs

    from .conftest import REPO

    monkeypatch.setattr(cache, "_shared", collections.OrderedDict())
    read: list[int] = []
    coverage = glyphs._coverage

    def counted(fonts: tuple[bytes, ...]) -> str:
        read.append(len(fonts))
        return coverage(fonts)

    monkeypatch.setattr(glyphs, "_coverage", counted)
    face = "layouts/fonts/IBMPlexSans-Regular.ttf"
    for name in ("a", "b"):
        (tmp_path / name / "layouts" / "fonts").mkdir(parents=True)
        shutil.copy(REPO / face, tmp_path / name / face)
    found = [glyphs._face_coverage(tmp_path / name, [face], tmp_path / name / ".cache")[face] for name in ("a", "b")]
    assert found[1] == found[0] and "A" in found[0] and "\u4e2d" not in found[0]
    assert read == [1]
    assert (
        [p.name for p in (tmp_path / "b" / ".cache" / "glyphs").rglob("*.bin")]
        == [p.name for p in (tmp_path / "a" / ".cache" / "glyphs").rglob("*.bin")]
        != []
    )


def test_two_projects_with_the_same_files_read_each_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a dossier or a catalog (parsing its YAML or PO, checking it) was done again for every
    project without the entry in its `.cache/`, as in each of the tests' many small projects; now once
    in the process for the same bytes, and each project's cache gets its entry. An edited file is read again."""
    import functools

    from report.content import load
    from report.i18n import catalogs

    from .conftest import FIXTURES, make_project

    monkeypatch.setattr(cache, "_shared", collections.OrderedDict())
    read: list[str] = []

    def counted(function: Any) -> Any:
        @functools.wraps(function)
        def reading(raw: bytes, rel: str, *args: Any) -> Any:
            read.append(rel)
            return function(raw, rel, *args)

        return reading

    for name in ("read_settings", "read_sources", "read_dossier"):
        monkeypatch.setattr(load, name, counted(getattr(load, name)))
    monkeypatch.setattr(catalogs, "parse_catalog", counted(catalogs.parse_catalog))
    roots = [make_project(tmp_path / name) for name in ("a", "b")]
    for root in roots:
        shutil.copytree(FIXTURES / "_i18n", root, dirs_exist_ok=True)
    po = project.catalog_path("es")
    found = [(load_edition(root), read_catalog(root, po, "es", root / project.CACHE_DIR)) for root in roots]
    assert found[0][1] == found[1][1] and found[0][0][1] == found[1][0][1] == []
    assert sorted(read) == ["facilities/sample.yaml", "facilities/sources.yaml", po, "report.yaml"]
    entries = [sorted(p.name for p in (root / project.CACHE_DIR).rglob("*.bin")) for root in roots]
    assert entries[0] == entries[1] and len(entries[0]) == 4
    dossier = roots[1] / "facilities" / "sample.yaml"
    dossier.write_text(dossier.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    read.clear()
    load_edition(roots[1])
    assert read == ["facilities/sample.yaml"]


def test_stylesheets_saved_while_check_loads_them_are_kept_under_no_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check` fingerprinted the print stylesheets, then loaded them: a designer's save in between
    had what the saved sheets logged kept under the fingerprint of those before it. Once the save
    was undone, `check` said the stylesheets had no warning, and `check --strict` passed."""
    from report.pdf import paginate

    monkeypatch.setattr(paginate, "_SHEET_FINDINGS", {}, raising=False)
    root = _tiny_layouts(tmp_path / "p")
    sheet, typo = root / "layouts" / "css" / "print.css", "p { colr: red }\n"
    load_sheets = paginate._load_sheets

    def saved_while_loaded(*args: Any) -> Any:
        sheet.write_text("p { color: red }\n")  # the designer fixes the typo as check loads the sheets
        return load_sheets(*args)

    with monkeypatch.context() as patched:
        patched.setattr(paginate, "_load_sheets", saved_while_loaded)
        assert paginate.stylesheet_findings(root, root / project.CACHE_DIR) == []  # what it loaded
    sheet.write_text(typo)  # and undoes it
    found = paginate.stylesheet_findings(root, root / project.CACHE_DIR)
    assert [str(f) for f in found] == [
        "layouts/css/print.css:1:5: warning: Ignored `colr: red `, unknown property. [pdf.css]"
    ]
