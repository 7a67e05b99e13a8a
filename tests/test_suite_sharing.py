"""The suite's own economies (tests/conftest.py): work two xdist workers would each do is done once."""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

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
