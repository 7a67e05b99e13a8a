"""The suite's own economies (tests/conftest.py): work two xdist workers would each do is done once."""

from __future__ import annotations

import hashlib
import io
import json
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
