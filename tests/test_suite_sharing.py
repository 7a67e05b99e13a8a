"""The suite's own economies (tests/conftest.py): work two xdist workers would each do is done once."""

from __future__ import annotations

import hashlib
import io
import json
import os
import types
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from report.findings import Finding, Loc
from report.pdf.paginate import Chunk

from . import conftest


def two_page_pdf() -> bytes:
    """A PDF whose two pages print a line each, in a standard font (pypdf extracts it)."""
    writer = PdfWriter()
    for words in (b"Communities not cages", b"First ten"):
        page = writer.add_blank_page(300, 100)
        font = {NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1")}
        font[NameObject("/BaseFont")] = NameObject("/Helvetica")
        fonts = DictionaryObject({NameObject("/F1"): DictionaryObject(font)})
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
        stream = DecodedStreamObject()
        stream.set_data(b"BT /F1 12 Tf 20 50 Td (" + words + b") Tj ET")
        page.replace_contents(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_pdf_one_worker_read_is_read_by_the_other_from_the_shared_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = two_page_pdf()
    key = hashlib.sha256(data).hexdigest()
    monkeypatch.setattr(conftest, "_TEXTS", {})  # this process has read nothing yet
    monkeypatch.setattr(conftest, "_SHARED_TEXTS", [tmp_path])
    assert conftest.pdf_pages(data) == ("Communities not cages", "First ten")
    assert json.loads((tmp_path / f"{key}.json").read_text(encoding="utf-8")) == ["Communities not cages", "First ten"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{key}.json", f"{key}.lock"]  # no partial file left

    def extract(data: bytes) -> tuple[str, ...]:
        raise AssertionError("extracted again")

    monkeypatch.setattr(conftest, "_TEXTS", {})  # the other worker
    monkeypatch.setattr(conftest, "_extract", extract)
    assert conftest.pdf_pages(data) == ("Communities not cages", "First ten")


MOUNTS = (
    "/dev/vda / ext4 rw,relatime,discard 0 0\n"
    "tmpfs /dev/shm tmpfs rw,relatime,size=24683784k 0 0\n"
    "tmpfs /run tmpfs rw,nosuid 0 0\n"
)


def test_the_temporary_folders_go_to_a_tmpfs_with_room(tmp_path: Path) -> None:
    shm = Path("/dev/shm")
    plenty, little = conftest.ROOM, conftest.ROOM - 1
    assert conftest.memory_temp_root(MOUNTS, shm, free=plenty) == shm
    assert conftest.memory_temp_root(MOUNTS, shm, free=little) is None  # a container's 64 MB /dev/shm
    assert conftest.memory_temp_root(MOUNTS.replace("/dev/shm tmpfs", "/dev/shm ext4"), shm, free=plenty) is None
    assert conftest.memory_temp_root("/dev/vda / ext4 rw 0 0\n", shm, free=plenty) is None
    assert conftest.memory_temp_root(MOUNTS, tmp_path, free=plenty) is None  # not a mount point


def test_this_sessions_temporary_folders_are_in_memory_when_the_machine_has_room(tmp_path: Path) -> None:
    root = conftest.memory_temp_root(Path("/proc/mounts").read_text(encoding="utf-8"))
    chosen = os.environ.get("PYTEST_DEBUG_TEMPROOT")
    if root is None or chosen not in (None, str(root)):
        pytest.skip("no tmpfs with room here, or the caller chose the temporary root")
    assert tmp_path.resolve().is_relative_to(root.resolve())


KEY = "ab" + "0" * 62
JOB = types.SimpleNamespace(key="en/chapter/etowah")


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The run's chunk store, here an empty folder of this test's own, shared by no other test."""
    monkeypatch.setattr(conftest, "_SHARED_CHUNKS", [tmp_path / "store"])
    monkeypatch.setattr(conftest, "_PRIVATE_CHUNKS", [])
    return tmp_path / "store"


def chunk(findings: tuple[Finding, ...] = ()) -> Chunk:
    return Chunk("en/chapter/etowah", b"%PDF-1.7 laid out", 3, findings, seconds=0.8)


def test_a_chunk_one_project_laid_out_is_another_projects_from_the_store_and_then_its_own(
    tmp_path: Path, store: Path
) -> None:
    get = conftest._CACHE_GET[0]  # paginate's own
    a, b = tmp_path / "a" / ".cache", tmp_path / "b" / ".cache"
    conftest.shared_cache_put(a, KEY, chunk())
    assert get(a, KEY, JOB) == get(store, KEY, JOB) == replace(chunk(), cached=True)
    assert get(b, KEY, JOB) is None
    assert conftest.shared_cache_get(b, KEY, JOB) == replace(chunk(), cached=True)
    assert get(b, KEY, JOB) == replace(chunk(), cached=True)  # in b's cache as its own layout would leave it
    assert conftest.shared_cache_get(b, KEY, JOB, budget=0.5) is None  # held to the budget as its own entry is


def test_a_test_that_keeps_its_chunks_private_neither_reads_nor_fills_the_store(tmp_path: Path, store: Path) -> None:
    a, b = tmp_path / "a" / ".cache", tmp_path / "b" / ".cache"
    conftest.shared_cache_put(a, KEY, chunk())
    conftest._PRIVATE_CHUNKS[:] = ["counts its layouts"]
    assert conftest.shared_cache_get(b, KEY, JOB) is None
    conftest.shared_cache_put(b, "cd" + "0" * 62, chunk())
    assert sorted(p.name for p in store.rglob("*.bin")) == [f"{KEY}.bin"]
    assert conftest.shared_cache_get(a, KEY, JOB) == replace(chunk(), cached=True)  # its own cache, as ever


def test_a_chunk_whose_findings_name_its_projects_folder_is_not_shared(tmp_path: Path, store: Path) -> None:
    a = tmp_path / "a" / ".cache"
    said = f"en/chapter/etowah: refused to read 'file://{tmp_path / 'a'}/secret.txt': outside the project"
    conftest.shared_cache_put(a, KEY, chunk((Finding("error", "pdf.fetch", Loc("layouts/pdf/chapter.html"), said),)))
    assert conftest._CACHE_GET[0](a, KEY, JOB) is not None and not store.exists()
    conftest.shared_cache_put(a, KEY, chunk((Finding("warning", "pdf.css", Loc("layouts/css/print.css", 3), "x"),)))
    assert [p.name for p in store.rglob("*.bin")] == [f"{KEY}.bin"]
