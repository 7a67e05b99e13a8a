"""Assemble separately rendered WeasyPrint chunks into one tagged PDF.

Each chunk (front matter, one chapter, back matter) is a complete
``pdf/ua-1`` PDF rendered by WeasyPrint with its own page numbering.
:func:`assemble` concatenates their pages and keeps the whole report tagged:

* pages (content, resources, link annotations) in chunk order;
* one structure tree: a single ``/Document`` element whose kids are every
  chunk's top-level elements, with the ParentTree keys, page
  ``/StructParents`` and annotation ``/StructParent`` offset per chunk;
* the chunks' outlines, named destinations (one sorted name tree) and links;
  ``x-chunk:NAME`` URI links become ``/Dest (NAME)`` links;
* ``/PageLabels`` from each chunk's folio style and first number;
* the Info dictionary and an XMP packet built from :class:`Metadata`;
* folios stamped from a *folio sheet* (see below);
* a deterministic output: same inputs, same bytes, ``/ID`` from its content.

Three repairs make the merged tree consistent where WeasyPrint's chunks are
not, or stop being so once merged:

* WeasyPrint maps the text of page-margin boxes (folios, running heads) to
  structure elements it never links into the tree.  That marked content is
  re-marked ``/Artifact /Pagination`` and the orphaned elements are dropped,
  so every structure element is reachable from ``/Document``.  (The build's
  chunks come from ``tags.simplify``, which has done this once already, and
  chunks made for folio stamping have no margin boxes: nothing to re-mark,
  no content stream rewritten.)
* Table header ``/ID``\\ s are built from object numbers and collide between
  chunks: each is prefixed with ``c<chunk>.`` (with the ``/Headers`` naming
  it) and the merged tree gets the ``/IDTree`` WeasyPrint omits.
* Font subset tags are derived from the font's name, so every chunk's
  different DejaVu subset is called ``ABCDEF+DejaVu-Serif``: tags are
  recomputed from the embedded font program, and byte-identical font
  programs, CMaps and images are stored once.

How: the PDF work is done by pikepdf (qpdf).  Each chunk is opened in
memory and the few objects that change (pages, annotations, table headers,
top-level elements, content streams with orphaned marked content) are edited
there -- the chunk is never written.  Its pages are then appended to the
output, and everything else the output keeps from it (top-level structure
elements, ParentTree values, destinations, outline, role and class maps) is
copied by one ``copy_foreign`` call.  qpdf keeps one map of copied objects
per source PDF, so the pages copied first are what the elements' ``/Pg``,
``OBJR /Obj`` and the destinations then point to.  Copying follows every
reference, ``/P`` included: the top-level elements' ``/P`` is removed before
the copy (or it would pull in the chunk's whole tree, orphans included) and
set to the merged ``/Document`` after.  qpdf writes only the objects
reachable from the catalog, with object streams, and leaves the streams that
were not changed as they were (no recompression).

Folios: chunks carry no page numbers, so a chapter's layout does not depend
on the page it starts on.  A separately rendered, untagged *folio sheet* has
one page per printed folio; :attr:`Part.folios` says which sheet page goes
on which page.  The folios may come in several sheets (the body's, ready
before the front matter is laid out, and the front matter's), whose pages
are then counted on from one sheet to the next.  Each sheet page used
becomes one Form XObject, drawn on its pages inside a ``/Artifact /Pagination /Subtype /Footer`` sequence, after
the page's own content wrapped in ``q``/``Q``.  A draft's sheet pages carry the draft band too: on the
first page, and only there, the sheet page is drawn as tagged content instead, the paragraph that
says in words what the document is (:attr:`Metadata.notice`), so that assistive technology, which
skips artifacts, hears it once.

pikepdf opens PDFs with qpdf's "immediate copy from" setting: stream data
is copied (raw, still compressed) along with the objects, so each chunk is
closed as soon as it is merged, which frees its parsed objects.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO
from typing import Literal
from urllib.parse import unquote

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, NumberTree, Object, Page, Pdf, Stream, String

from .tags import MCID_BDC as _MCID_BDC
from .tags import drop_orphans
from .tags import is_element as _is_element
from .tags import values as _values

__all__ = [
    "AssemblyError",
    "Metadata",
    "Part",
    "MissingLinkTarget",
    "UnresolvedLinksError",
    "assemble",
]

LabelStyle = Literal["decimal", "roman"]

CROSS_CHUNK_SCHEME = "x-chunk:"
_LABEL_STYLES = {"decimal": "/D", "roman": "/r"}
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
_SUBSET_TAG = re.compile(r"/[A-Z]{6}\+")
_FOLIO_ARTIFACT = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC"
_SAME_SIZE = Decimal("0.01")  # points: a folio sheet page fits a report page


@dataclass(frozen=True)
class Part:
    """One separately rendered part of the report.

    ``first_number`` is the printed number of the chunk's first page; with
    ``label_style`` it sets the page labels viewers show.  When ``bookmark``
    is given, the chunk's own bookmarks are nested under one top-level
    outline entry of that title pointing at its first page; chapters, which
    already have an ``h1`` bookmark, should leave it ``None``.

    ``folios`` has one entry per page of the chunk: the 0-based index of the
    folio sheet page stamped on it, or ``None`` for no folio (a cover).  An
    empty tuple stamps nothing.
    """

    pdf: bytes
    label_style: LabelStyle = "decimal"
    first_number: int = 1
    bookmark: str | None = None
    folios: tuple[int | None, ...] = ()


@dataclass(frozen=True)
class Metadata:
    """Document metadata of the assembled report (Info dictionary and XMP).

    ``created`` is used for both the creation and modification dates; a
    naive datetime is taken as UTC.

    ``notice`` is what a draft says it is, in words: the folio sheet page
    stamped on the first page (which holds the draft band) is then not an
    artifact but tagged content, a ``/P`` first in the reading order with
    ``notice`` as its ``/ActualText``.  Its other pages' bands stay artifacts.
    ``notice_lang`` is the notice's language where it is not ``lang`` (a
    translation's notice that fell back to English): the ``/P``'s ``/Lang``.
    """

    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    lang: str
    created: datetime
    creator: str = "report pipeline"
    notice: str = ""
    notice_lang: str = ""


class AssemblyError(ValueError):
    """The chunks cannot be assembled into one consistent document."""


@dataclass(frozen=True)
class MissingLinkTarget:
    """A link whose named destination is in no chunk."""

    name: str
    page: int  # 1-based physical page of the assembled PDF holding the link
    chunk: int  # 0-based index of the chunk holding the link


class UnresolvedLinksError(AssemblyError):
    """Some links (``x-chunk:`` or internal) name a destination no chunk has."""

    def __init__(self, missing: Sequence[MissingLinkTarget]) -> None:
        self.missing = tuple(missing)
        listed = ", ".join(f"{target.name!r} (page {target.page}, chunk {target.chunk})" for target in self.missing)
        super().__init__(f"{len(self.missing)} link(s) to unknown destination(s): {listed}")


def assemble(
    chunks: Sequence[Part],
    metadata: Metadata,
    folio_sheet: bytes | Sequence[bytes] | None = None,
) -> bytes:
    """Return one tagged PDF made of the chunks' pages, in order.

    ``folio_sheet`` is an untagged PDF whose pages (the size of the report's)
    hold the printed page numbers, or several such sheets whose pages are
    counted on from one to the next; :attr:`Part.folios` picks them.

    Raises :class:`UnresolvedLinksError` if a link (typically
    ``x-chunk:NAME``) targets a name no chunk defines, and
    :class:`AssemblyError` for other inconsistencies (untagged or unreadable
    chunk, duplicated anchor, conflicting role maps, bad label number, folios
    not matching the pages or the sheet).
    """
    if not chunks:
        raise AssemblyError("nothing to assemble: no chunks")
    merger = _Merger(metadata, folio_sheet)
    try:
        for index, chunk in enumerate(chunks):
            merger.add_chunk(index, chunk)
        return merger.finish()
    finally:
        merger.close()


# -- one assembly -----------------------------------------------------------


@dataclass
class _Prepared:
    """One chunk, fixed in memory: what the output copies from it."""

    source: Pdf
    pages: list[Page]
    top: list[Object]  # top-level structure elements, /P removed
    parent_tree: list[tuple[int, Object]]  # offset key -> MCID array or element
    dests: list[tuple[str, Object]]
    with_id: list[Object]  # elements with a (renamed) /ID
    outline: Object | None
    role_map: Object
    class_map: Object


@dataclass
class _Link:
    """A link annotation of the output to check, or to turn into a /Dest."""

    annotation: Dictionary
    name: str
    page: int
    chunk: int
    cross_chunk: bool


class _Merger:
    """State of one assembly: the output PDF and what remains to build."""

    def __init__(self, metadata: Metadata, folio_sheet: bytes | Sequence[bytes] | None) -> None:
        self.metadata = metadata
        self.pdf = Pdf.new()
        self.sources: list[Pdf] = []  # open ones, closed by close()
        self.struct_root = self.pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.document = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=self.struct_root))
        self.top_elements: list[Object] = []
        self.parent_tree: list[tuple[int, Object]] = []
        self.next_key = 0
        self.maps: dict[str, dict[str, tuple[Object, bytes]]] = {"/RoleMap": {}, "/ClassMap": {}}
        self.ids: dict[str, Object] = {}
        self.dests: dict[str, tuple[Object, int]] = {}
        self.links: list[_Link] = []
        self.outline: list[Object] = []
        self.labels: list[tuple[int, str, int]] = []
        self.streams: dict[bytes, Object] = {}  # digest -> the one stored copy
        self.tidied: set[tuple[int, int]] = set()  # resources and fonts done
        self.producer = ""
        self.version = "1.7"
        sheets = () if folio_sheet is None else (folio_sheet,) if isinstance(folio_sheet, bytes) else folio_sheet
        self.folio_sheets = tuple(sheets)
        self.sheet: _FolioSheet | None = None

    def open(self, data: bytes, what: str) -> Pdf:
        """Open a chunk or the folio sheet (closed by :meth:`close` at the latest)."""
        try:
            source = Pdf.open(BytesIO(data))
        except (pikepdf.PdfError, pikepdf.PasswordError) as error:
            raise AssemblyError(f"{what}: unreadable PDF ({error})") from error
        self.sources.append(source)
        if source.is_encrypted:
            raise AssemblyError(f"{what}: encrypted PDFs are not supported")
        return source

    def close(self) -> None:
        """Release the output and every source PDF."""
        for source in self.sources:
            source.close()
        self.pdf.close()
        # The folio sheet points back at this merger: without this, the output's objects (over
        # 400 MiB for a 200-facility report) would wait for the cycle collector, and the next
        # report's assembly would be added on top of them.
        self.sheet = None

    # -- one chunk ---------------------------------------------------------

    def add_chunk(self, index: int, chunk: Part) -> None:
        """Merge one chunk: edit it in memory, copy it, then close it."""
        source = self.open(chunk.pdf, f"chunk {index}")
        try:
            self._merge(index, chunk, self._prepare(index, chunk, source))
        finally:
            # Copied stream data is the output's own (pikepdf opens every PDF
            # with qpdf's "immediate copy"): the chunk's objects can go.
            self.sources.remove(source)
            source.close()

    def _prepare(self, index: int, chunk: Part, source: Pdf) -> _Prepared:
        """Check the chunk, fix it in memory and collect what is copied."""
        catalog = source.Root
        tree = catalog.get("/StructTreeRoot")
        if not isinstance(tree, Dictionary):
            raise AssemblyError(f"chunk {index}: not a tagged PDF (no /StructTreeRoot)")
        pages = list(source.pages)
        self._check_chunk(index, chunk, len(pages))
        self.version = max(self.version, source.pdf_version)
        info = source.trailer.get("/Info")
        self.producer = self.producer or str(info.get("/Producer", "") if isinstance(info, Dictionary) else "")

        top = _top_elements(tree)
        walk = _walk(index, top)
        drop_orphans(source, tree, walk.reachable)  # none in a chunk `tags.simplify` has done
        key_offset = self.next_key
        entries, next_key = _read_parent_tree(tree)
        self.next_key += max(next_key, int(tree.get("/ParentTreeNextKey", 0)))
        _prepare_pages(pages, {key for key, _ in entries}, key_offset)
        _rename_ids(index, walk)
        lang = catalog.get("/Lang")
        for element in top:
            del element.P  # or copying it would copy the chunk's whole tree
            if lang is not None and str(lang) != self.metadata.lang and "/Lang" not in element:
                element.Lang = lang
        return _Prepared(
            source=source,
            pages=pages,
            top=top,
            parent_tree=[(key_offset + key, value) for key, value in entries],
            dests=_named_destinations(catalog),
            with_id=walk.with_id,
            outline=catalog.get("/Outlines"),
            role_map=tree.get("/RoleMap", Dictionary()),
            class_map=tree.get("/ClassMap", Dictionary()),
        )

    def _merge(self, index: int, chunk: Part, prepared: _Prepared) -> None:
        """Copy the prepared chunk into the output and register its parts."""
        first_page = len(self.pdf.pages)
        for page in prepared.pages:  # first: what follows points to them
            self.pdf.pages.append(page)
        pages = [self.pdf.pages[number] for number in range(first_page, len(self.pdf.pages))]
        top, values, dests, with_id, outline, role_map, class_map = self.pdf.copy_foreign(
            prepared.source.make_indirect(
                Array(
                    [
                        Array(prepared.top),
                        Array([value for _, value in prepared.parent_tree]),
                        Array([value for _, value in prepared.dests]),
                        Array(prepared.with_id),
                        prepared.outline,
                        prepared.role_map,
                        prepared.class_map,
                    ]
                )
            )
        )
        for element in top:
            element.P = self.document
            self.top_elements.append(element)
        self.parent_tree.extend((key, value) for (key, _), value in zip(prepared.parent_tree, values, strict=True))
        self.ids.update((str(element.ID), element) for element in with_id)
        for (name, _), value in zip(prepared.dests, dests, strict=True):
            if name in self.dests:
                raise AssemblyError(f"anchor {name!r} is defined in chunks {self.dests[name][1]} and {index}")
            self.dests[name] = (value, index)
        self._merge_map(index, "/RoleMap", role_map)
        self._merge_map(index, "/ClassMap", class_map)
        for page in pages:
            self._tidy_resources(page.obj.get("/Resources"))
        self._collect_links(index, first_page, pages)
        self._add_outline(outline, chunk.bookmark, pages)
        self._add_label(first_page, chunk)
        for number, (page, folio) in enumerate(zip(pages, chunk.folios, strict=False), first_page):
            if folio is not None:  # no folios: nothing stamped
                mcid = self._notice(page) if self.metadata.notice and number == 0 else None
                self._folio_sheet(index).stamp(page, folio, mcid)

    def _notice(self, page: Page) -> int:
        """Make the notice the first element of the reading order, on ``page``; return its MCID there."""
        notice = self.pdf.make_indirect(
            Dictionary(
                Type=Name.StructElem,
                S=Name.P,
                P=self.document,
                Pg=page.obj,
                ActualText=String(self.metadata.notice),
            )
        )
        if self.metadata.notice_lang:
            notice.Lang = String(self.metadata.notice_lang)
        self.top_elements.insert(0, notice)
        if "/StructParents" not in page.obj:  # a page with no marked content of its own
            page.obj.StructParents = self.next_key
            self.parent_tree.append((self.next_key, Array()))
            self.next_key += 1
        key = int(page.obj.StructParents)
        position = next(position for position, (found, _) in enumerate(self.parent_tree) if found == key)
        marked = list(self.parent_tree[position][1])
        notice.K = Array([len(marked)])
        self.parent_tree[position] = (key, Array([*marked, notice]))
        return len(marked)

    def _check_chunk(self, index: int, chunk: Part, page_count: int) -> None:
        """Reject bad labels and folios before any work is done."""
        if chunk.label_style not in _LABEL_STYLES:
            raise AssemblyError(f"chunk {index}: unknown label style {chunk.label_style!r}")
        if chunk.first_number < 1:
            raise AssemblyError(f"chunk {index}: first_number must be >= 1, not {chunk.first_number}")
        if chunk.folios and len(chunk.folios) != page_count:
            raise AssemblyError(f"chunk {index}: {len(chunk.folios)} folios for {page_count} pages")
        if index == 0 and self.metadata.notice and (chunk.folios or (None,))[0] is None:
            raise AssemblyError("chunk 0: the notice is the folio sheet page on the first page, which has none")

    def _folio_sheet(self, index: int) -> _FolioSheet:
        """The folio sheets, opened on first use."""
        if self.sheet is None:
            if not self.folio_sheets:
                raise AssemblyError(f"chunk {index} has folios but no folio sheet was given")
            several = len(self.folio_sheets) > 1
            sheets = [
                self.open(data, f"folio sheet {number}" if several else "folio sheet")
                for number, data in enumerate(self.folio_sheets)
            ]
            self.sheet = _FolioSheet(self, sheets)
        return self.sheet

    def _merge_map(self, index: int, name: str, mapping: Object) -> None:
        """Merge a /RoleMap or /ClassMap; the same key must map the same."""
        merged = self.maps[name]
        for key, value in mapping.items():
            unparsed = value.unparse(resolved=True) if isinstance(value, Object) else repr(value).encode()
            if key in merged and merged[key][1] != unparsed:
                raise AssemblyError(
                    f"chunk {index}: {name} maps {key} to {unparsed!r}, another chunk to {merged[key][1]!r}"
                )
            merged[key] = (value, unparsed)

    def _tidy_resources(self, resources: Object | None) -> None:
        """Retag font subsets; store identical font data and images once."""
        if not isinstance(resources, Dictionary) or not self._first_visit(resources):
            return
        for _, font in _category(resources, "/Font"):
            self._tidy_font(font)
        for name, xobject in _category(resources, "/XObject"):
            if xobject.get("/Subtype") == Name.Image:
                self._store_once(xobject, "/SMask")
                self._store_once(resources.XObject, name)
            elif xobject.get("/Subtype") == Name.Form:
                self._tidy_resources(xobject.get("/Resources"))

    def _tidy_font(self, font: Object) -> None:
        """Name a font's subset after its program; store its data once."""
        if not isinstance(font, Dictionary) or not self._first_visit(font):
            return
        fonts = [font, *_values(font.get("/DescendantFonts"))]
        tag = None
        for member in fonts:
            for key in ("/ToUnicode", "/CIDToGIDMap"):
                self._store_once(member, key)
            descriptor = member.get("/FontDescriptor")
            if isinstance(descriptor, Dictionary):
                for key in _FONT_FILES:
                    digest = self._store_once(descriptor, key)
                    tag = tag or digest
                self._store_once(descriptor, "/CIDSet")
        if tag is None:
            return
        new_tag = "/" + "".join(chr(ord("A") + byte % 26) for byte in tag[:6]) + "+"
        for member in fonts:
            holders = [member, member.get("/FontDescriptor")]
            for holder, key in zip(holders, ("/BaseFont", "/FontName"), strict=True):
                if isinstance(holder, Dictionary) and _SUBSET_TAG.match(str(holder.get(key, ""))):
                    holder[key] = Name(new_tag + str(holder[key])[8:])

    def _store_once(self, holder: Object, key: str) -> bytes | None:
        """Point ``holder[key]`` at the first stored identical stream; its digest."""
        stream = holder.get(key)
        if not isinstance(stream, Stream) or not stream.is_indirect:
            return None
        digest = hashlib.sha256(stream.stream_dict.unparse() + b"\0" + stream.read_raw_bytes()).digest()
        stored = self.streams.setdefault(digest, stream)
        if stored.objgen != stream.objgen:
            holder[key] = stored
        return digest

    def _first_visit(self, obj: Object) -> bool:
        """Whether an (indirect) object is seen for the first time."""
        if not obj.is_indirect:
            return True
        if obj.objgen in self.tidied:
            return False
        self.tidied.add(obj.objgen)
        return True

    def _collect_links(self, index: int, first_page: int, pages: list[Page]) -> None:
        """Remember the chunk's x-chunk: and named-destination links."""
        for position, page in enumerate(pages, first_page + 1):
            for annotation in page.obj.get("/Annots", ()):
                if not isinstance(annotation, Dictionary) or annotation.get("/Subtype") != Name.Link:
                    continue
                action = annotation.get("/A")
                uri = action.get("/URI") if isinstance(action, Dictionary) else None
                dest = annotation.get("/Dest")
                if isinstance(uri, String) and str(uri).startswith(CROSS_CHUNK_SCHEME):
                    name = unquote(str(uri)[len(CROSS_CHUNK_SCHEME) :])
                    self.links.append(_Link(annotation, name, position, index, True))
                elif isinstance(dest, String):
                    self.links.append(_Link(annotation, str(dest), position, index, False))

    def _add_outline(self, outline: Object | None, bookmark: str | None, pages: list[Page]) -> None:
        """Append the chunk's top-level outline items, under ``bookmark`` if given."""
        items = _outline_items(outline)
        if bookmark is not None and pages:
            entry = self.pdf.make_indirect(Dictionary(Title=String(bookmark), Dest=Array([pages[0].obj, Name.Fit])))
            if items:
                _link_siblings(entry, items)
                entry.Count = _visible(items)
            items = [entry]
        self.outline.extend(items)

    def _add_label(self, first_page: int, chunk: Part) -> None:
        """Start a page label range, unless the chunk continues the last one."""
        style = _LABEL_STYLES[chunk.label_style]
        if self.labels:
            start, last_style, number = self.labels[-1]
            if last_style == style and number + first_page - start == chunk.first_number:
                return
        self.labels.append((first_page, style, chunk.first_number))

    # -- whole document ----------------------------------------------------

    def finish(self) -> bytes:
        """Build the catalog, trees and metadata; save deterministically."""
        self._resolve_links()
        pdf, root = self.pdf, self.struct_root
        self.document.K = Array(self.top_elements)
        root.K = Array([self.document])
        root.ParentTree = _number_tree(pdf, self.parent_tree)
        root.ParentTreeNextKey = self.next_key
        for name, mapping in self.maps.items():
            if mapping:
                root[name] = Dictionary({key: mapping[key][0] for key in sorted(mapping)})
        if self.ids:
            root.IDTree = _name_tree(pdf, self.ids.items())

        catalog = pdf.Root
        catalog.StructTreeRoot = root
        catalog.MarkInfo = Dictionary(Marked=True)
        catalog.Lang = String(self.metadata.lang)
        catalog.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        catalog.PageLabels = _number_tree(
            pdf,
            ((start, Dictionary(S=Name(style), St=number)) for start, style, number in self.labels),
        )
        if self.dests:
            catalog.Names = Dictionary(
                Dests=_name_tree(pdf, ((name, value) for name, (value, _) in self.dests.items()))
            )
        if self.outline:
            catalog.Outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines))
            _link_siblings(catalog.Outlines, self.outline)
        self._write_metadata()

        output = BytesIO()
        pdf.save(
            output,
            min_version=self.version,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,  # keep streams as they are
            compress_streams=True,  # but compress the ones written here
            fix_metadata_version=False,
            deterministic_id=True,
        )
        return output.getvalue()

    def _resolve_links(self) -> None:
        """Turn x-chunk: URI links into /Dest links; check every target."""
        missing = []
        for link in self.links:
            if link.name not in self.dests:
                missing.append(MissingLinkTarget(link.name, link.page, link.chunk))
            elif link.cross_chunk:
                del link.annotation.A
                link.annotation.Dest = String(link.name)
                if str(link.annotation.get("/Contents", "")).startswith(CROSS_CHUNK_SCHEME):
                    link.annotation.Contents = String(link.name)  # a chunk without descriptions: as its other links
        if missing:
            raise UnresolvedLinksError(missing)

    def _write_metadata(self) -> None:
        """The Info dictionary and the XMP packet derived from it."""
        metadata = self.metadata
        created = metadata.created
        created = created.replace(tzinfo=UTC) if created.tzinfo is None else created.astimezone(UTC)
        date = created.strftime("D:%Y%m%d%H%M%SZ")
        producer = "; ".join(filter(None, (self.producer, f"pikepdf {pikepdf.__version__}")))
        self.pdf.trailer.Info = self.pdf.make_indirect(
            Dictionary(
                Title=String(metadata.title),
                Author=String(metadata.author),
                Subject=String(metadata.subject),
                # "; ": a keyword may hold a comma ("Comunidades Sí, Jaulas No"), which ", " would split.
                Keywords=String("; ".join(metadata.keywords)),
                Creator=String(metadata.creator),
                Producer=String(producer),
                CreationDate=String(date),
                ModDate=String(date),
            )
        )
        with self.pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp.load_from_docinfo(self.pdf.docinfo, raise_failure=True)
            xmp["dc:format"] = "application/pdf"
            xmp["dc:language"] = [metadata.lang]
            xmp["xmp:MetadataDate"] = created
            xmp["pdfuaid:part"] = "1"


class _FolioSheet:
    """The folio sheets' pages, one sequence, made Form XObjects of the output on first use."""

    def __init__(self, merger: _Merger, sheets: Sequence[Pdf]) -> None:
        self.merger, self.sheets = merger, sheets
        self.starts = list(itertools.accumulate((len(sheet.pages) for sheet in sheets), initial=0))
        self.page_count = self.starts[-1]
        self.forms: dict[int, Object] = {}  # sheet page -> Form XObject
        self.tails: dict[int, Object] = {}  # sheet page -> content drawing it
        self.head: Object | None = None  # the shared "q"

    def stamp(self, page: Page, folio: int, mcid: int | None = None) -> None:
        """Draw sheet page ``folio`` on ``page`` as a pagination artifact, or as the content of
        marked-content id ``mcid`` (a paragraph: the notice)."""
        form = self._form(folio)
        if not _same_box(form.BBox, page.mediabox):
            raise AssemblyError(
                f"folio sheet page {folio} is {_size(form.BBox)}, not the size of the page it is stamped on"
                f" ({_size(page.mediabox)}): the folio sheet's page (@page size and .folio-page height in"
                " layouts/css/folios.css) must be the report's (@page size in layouts/css/print.css)"
            )
        name = Name(f"/Folio{folio}")
        if "/Resources" not in page.obj:
            page.obj.Resources = Dictionary()
        resources = page.obj.Resources
        if "/XObject" not in resources:
            resources.XObject = Dictionary()
        # Pages of a chunk share their resources: one name per sheet page.
        existing = resources.XObject.get(name)
        if existing is None:
            resources.XObject[name] = form
        elif existing.objgen != form.objgen:
            raise AssemblyError(f"page resources already use the name {name}")
        contents = page.obj.get("/Contents")
        original = list(contents) if isinstance(contents, Array) else [] if contents is None else [contents]
        tail = self._tail(folio, name) if mcid is None else self._tail_tagged(mcid, name)
        page.obj.Contents = Array([self._head(), *original, tail])

    def _form(self, folio: int) -> Object:
        """The Form XObject of sheet page ``folio``, copied into the output once."""
        if folio not in self.forms:
            if not 0 <= folio < self.page_count:
                sheets = "folio sheets" if len(self.sheets) > 1 else "folio sheet"
                raise AssemblyError(f"folio {folio} is not a page of the {self.page_count}-page {sheets}")
            sheet = bisect.bisect_right(self.starts, folio) - 1
            sheet_page = self.sheets[sheet].pages[folio - self.starts[sheet]]
            local = sheet_page.as_form_xobject()
            local.BBox = sheet_page.mediabox
            if _MCID_BDC.search(local.read_bytes()):
                raise AssemblyError(f"folio sheet page {folio} has tagged content: render the sheet untagged")
            form = self.merger.pdf.copy_foreign(local)
            self.merger._tidy_resources(form.get("/Resources"))
            self.forms[folio] = form
        return self.forms[folio]

    def _head(self) -> Object:
        """The stream saving the graphics state before a page's own content."""
        if self.head is None:
            self.head = self.merger.pdf.make_stream(b"q\n")
        return self.head

    def _tail(self, folio: int, name: Name) -> Object:
        """The stream restoring it, then drawing the folio as an artifact."""
        if folio not in self.tails:
            self.tails[folio] = self.merger.pdf.make_stream(
                b"Q\n%s\nq\n%s Do\nQ\nEMC\n" % (_FOLIO_ARTIFACT, name.unparse())
            )
        return self.tails[folio]

    def _tail_tagged(self, mcid: int, name: Name) -> Object:
        """The stream restoring it, then drawing the folio as marked content ``mcid``."""
        return self.merger.pdf.make_stream(b"Q\n/P <</MCID %d>> BDC\nq\n%s Do\nQ\nEMC\n" % (mcid, name.unparse()))


# -- reading and preparing one chunk ----------------------------------------


@dataclass
class _Walk:
    """What a walk down a chunk's structure tree finds."""

    reachable: set[tuple[int, int]] = field(default_factory=set)
    with_id: list[Object] = field(default_factory=list)  # elements with an /ID
    with_headers: list[Object] = field(default_factory=list)  # attributes with /Headers


def _top_elements(tree: Object) -> list[Object]:
    """The chunk's top-level elements: its /Document element's kids."""
    top: list[Object] = []
    for kid in _values(tree.get("/K")):
        if isinstance(kid, Dictionary) and kid.get("/S") == Name.Document:
            top.extend(kid for kid in _values(kid.get("/K")) if _is_element(kid))
        elif _is_element(kid):
            top.append(kid)
    return top


def _walk(index: int, top: list[Object]) -> _Walk:
    """Structure elements reachable from the top ones, checking their /P.

    A kid whose /P is not the element listing it would make ``copy_foreign``
    follow /P elsewhere in the chunk's tree.  (About 70,000 elements for 200
    chapters, a third of WeasyPrint's once ``report.tags`` has folded the
    wrappers: each pikepdf call counts, and ``in`` is cheaper than ``get``.)
    """
    walk = _Walk()
    reachable = walk.reachable
    stack: list[tuple[Object, tuple[int, int] | None]] = [(element, None) for element in top]
    while stack:
        element, parent = stack.pop()
        objgen = element.objgen
        if objgen in reachable or objgen[0] == 0:
            raise AssemblyError(f"chunk {index}: structure element {objgen} is shared or direct")
        if parent is not None and ("/P" not in element or element.P.objgen != parent):
            raise AssemblyError(f"chunk {index}: structure element {objgen} has a wrong /P")
        reachable.add(objgen)
        if "/ID" in element:
            walk.with_id.append(element)
        if "/A" in element:
            for attributes in _values(element.A):
                if isinstance(attributes, Dictionary) and "/Headers" in attributes:
                    walk.with_headers.append(attributes)
        if "/K" not in element:
            continue
        kids = element.K
        for kid in kids if isinstance(kids, Array) else (kids,):
            if type(kid) is not int and isinstance(kid, Dictionary) and "/S" in kid:
                stack.append((kid, objgen))
    return walk


def _read_parent_tree(tree: Object) -> tuple[list[tuple[int, Object]], int]:
    """ParentTree entries, and the key after the last."""
    if "/ParentTree" not in tree:
        return [], 0
    entries = list(NumberTree(tree.ParentTree).items())
    return entries, max((key + 1 for key, _ in entries), default=0)


def _prepare_pages(pages: list[Page], kept_keys: set[int], key_offset: int) -> None:
    """Offset the pages' and annotations' keys."""
    for page in pages:
        key = page.obj.get("/StructParents")
        if key is not None:
            page.obj.StructParents = key_offset + key
        for annotation in page.obj.get("/Annots", ()):
            key = annotation.get("/StructParent")
            if key is None:
                continue
            if key in kept_keys:
                annotation.StructParent = key_offset + key
            else:  # no ParentTree entry: its element is gone (`drop_orphans` unlinks those it drops)
                del annotation.StructParent


def _rename_ids(index: int, walk: _Walk) -> None:
    """Prefix element /IDs with the chunk (and the /Headers naming them)."""
    renamed = {}
    for element in walk.with_id:
        new = String(f"c{index}.{element.ID}")
        renamed[str(element.ID)] = new
        element.ID = new
    for attributes in walk.with_headers:
        attributes.Headers = Array([renamed.get(str(header), header) for header in _values(attributes.Headers)])


def _named_destinations(catalog: Object) -> list[tuple[str, Object]]:
    """The chunk's /Names /Dests entries, in tree order."""
    names = catalog.get("/Names")
    if not isinstance(names, Dictionary) or "/Dests" not in names:
        return []
    return list(NameTree(names.Dests).items())


# -- helpers ----------------------------------------------------------------


def _category(resources: Object, category: str) -> Iterator[tuple[str, Object]]:
    """The named resources of one category (/Font, /XObject) of a resource dictionary."""
    named = resources.get(category)
    return iter(list(named.items())) if isinstance(named, Dictionary) else iter(())


def _outline_items(outline: Object | None) -> list[Object]:
    """The top-level items of an outline (copied into the output)."""
    items: list[Object] = []
    item = outline.get("/First") if isinstance(outline, Dictionary) else None
    seen = set()
    while isinstance(item, Dictionary) and item.objgen not in seen:
        seen.add(item.objgen)
        items.append(item)
        item = item.get("/Next")
    return items


def _link_siblings(parent: Object, items: list[Object]) -> None:
    """Make ``items`` the children of outline item (or root) ``parent``."""
    for position, item in enumerate(items):
        item.Parent = parent
        for key, sibling in (("/Prev", position - 1), ("/Next", position + 1)):
            if 0 <= sibling < len(items):
                item[key] = items[sibling]
            elif key in item:
                del item[key]
    parent.First, parent.Last = items[0], items[-1]
    parent.Count = _visible(items)


def _visible(items: list[Object]) -> int:
    """Outline items shown when ``items``' parent is open."""
    return sum(1 + max(0, int(item.get("/Count", 0))) for item in items)


def _number_tree(pdf: Pdf, entries: Iterable[tuple[int, Object]]) -> Object:
    """A number tree of the entries (qpdf splits it into kids when large)."""
    tree = NumberTree.new(pdf)
    for key, value in sorted(entries, key=lambda entry: entry[0]):
        tree[key] = value
    return tree.obj


def _name_tree(pdf: Pdf, entries: Iterable[tuple[str, Object]]) -> Object:
    """A name tree of the entries, sorted."""
    tree = NameTree.new(pdf)
    for key, value in sorted(entries, key=lambda entry: entry[0]):
        tree[key] = value
    return tree.obj


def _size(box: Object) -> str:
    """A rectangle's size in millimetres ('215.9 x 279.4 mm')."""
    x0, y0, x1, y1 = (float(v) for v in box)
    return f"{abs(x1 - x0) * 25.4 / 72:.1f} x {abs(y1 - y0) * 25.4 / 72:.1f} mm"


def _same_box(first: Object, second: Object) -> bool:
    """Whether two rectangles are the same, to a hundredth of a point."""
    return all(abs(Decimal(str(a)) - Decimal(str(b))) <= _SAME_SIZE for a, b in zip(first, second, strict=True))
