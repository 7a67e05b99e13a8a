"""Share images: a one-page PDF (laid out like every chunk) rasterized to a PNG with PDFium.

WeasyPrint draws only PDFs; pypdfium2 (PDFium's Python binding, the renderer of Chromium's PDF
viewer) turns the page into pixels and Pillow writes the PNG, so the card uses the PDF's own
fonts and layout. The PNG is cached under `.cache/share/`, keyed by this module's fingerprint
and the PDF's bytes, like every other output.
"""

from __future__ import annotations

import hashlib
from io import BytesIO
from pathlib import Path

import PIL.Image
import pypdfium2

from .. import cache

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
"""The eight bytes every PNG file starts with."""

POINTS_PER_PX = 0.75
"""A CSS pixel is 0.75 PDF points: a page laid out 1200 px wide is 900 pt wide."""


def rasterize(pdf: bytes) -> tuple[bytes, tuple[int, int]]:
    """Return a one-page PDF as PNG bytes at one pixel per CSS pixel, and the image's (width, height)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        image: PIL.Image.Image = page.render(scale=1 / POINTS_PER_PX).to_pil()  # Pillow writes the PNG
        page.close()
    finally:
        document.close()
    out = BytesIO()
    image.convert("RGB").save(out, "PNG")  # optimize=True: 3 % smaller, 3 times slower (measured)
    return out.getvalue(), image.size


def cached_png(cache_dir: Path | None, pdf: bytes) -> tuple[bytes, tuple[int, int]]:
    """Return `rasterize(pdf)`, from the cache when it has it."""
    key = cache.key_of(cache.fingerprint(__name__), hashlib.sha256(pdf).hexdigest())
    found = cache.get(cache_dir, "share", key, magic=PNG_SIGNATURE)  # anything else there is a miss
    if found is not None:
        try:
            width, height = found[1]["size"]
            return found[0], (int(width), int(height))
        except (KeyError, TypeError, ValueError):  # metadata that is not ours: a miss
            pass
    png, size = rasterize(pdf)
    cache.put(cache_dir, "share", key, png, {"size": list(size)})
    return png, size
