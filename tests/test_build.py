"""The shipped edition, built once, read back: PDFs with pypdf, HTML with html.parser."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from report import publish
from report.content.load import load_edition
from report.render.html import display_url

from .conftest import pdf_pages
from .pdfcheck import (
    STAMPED_FOLIO,
    check_accessible,
    element_texts,
    first_page_actual_texts,
    structure_elements_in_order,
    unprinted_links,
)

LANGS = ("en", "es")
CHAPTER_LINE = re.compile(r"^\s*(\d+)\s{2,}(.+?)\s{2,}(\d+)\s*$")


@pytest.fixture(scope="module")
def edition(shipped: Path):
    edition, _ = load_edition(shipped)
    assert edition is not None
    return edition


def report_pdf(root: Path, lang: str) -> PdfReader:
    return PdfReader(root / "dist" / lang / f"first-ten-{lang}.pdf")


def outline_titles(reader: PdfReader) -> list[tuple[int, str, int]]:
    """Return (depth, title, 0-based page) for every outline entry, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


LIST_WORDS = {
    "en": "not yet confirmed as named on the 2021 First Ten list",
    "es": "aún no se ha confirmado que figurara en la lista de los Primeros Diez de 2021",
}
"""What the contents' list mark "*" means, as the line under the contents says it and a screen reader
hears it on the site (the mark's `aria-label`)."""
LIST_MARK = re.compile(r" \* \((?:" + "|".join(map(re.escape, LIST_WORDS.values())) + r")\)$")


def bookmark(facility, lang: str) -> str:
    """Return a chapter's bookmark: its name, and for a facility the 2021 list does not confirm, the
    contents' list mark and its words (the outline has no line under it to explain the mark)."""
    confirmed = facility.review.list_membership == "confirmed"
    return facility.name if confirmed else f"{facility.name} * ({LIST_WORDS[lang]})"


def chapter_name(title: str) -> str:
    """Return the heading a top-level bookmark names: its title without a list mark's words."""
    return LIST_MARK.sub("", title)


UNDER_REVIEW = {"en": "[under review]", "es": "[en revisión]"}
EDITORS_NOTE = {
    "en": (
        "Editor's note: No source we have retrieved yet confirms that this facility was named on the 2021 First"
        " Ten list. We are checking it against the original report.",
        "The facts in this chapter are still being checked against their sources.",
    ),
    "es": (
        "Nota editorial: Ninguna de las fuentes que hemos consultado hasta ahora confirma que este centro"
        " figurara en la lista de los Primeros Diez de 2021. Lo estamos cotejando con el informe original.",
        "Todavía estamos verificando los datos de este capítulo con sus fuentes.",
    ),
}
"""The editor's note that heads a chapter under review: on a facility the 2021 list does not confirm,
and on one whose facts are not yet checked (every one in the shipped draft)."""


def editors_note(facility, lang: str) -> str:
    """Return the words a chapter's editor's note starts with (without its list doubt), as metadata gives them."""
    unlisted, facts = EDITORS_NOTE[lang]
    if facility.review.list_membership == "confirmed":
        return f"{unlisted.split(':', 1)[0]}: {facts}"
    return f"{unlisted} {facts}"


def test_every_output_is_in_the_manifest(shipped: Path, edition) -> None:
    dist = shipped / "dist"
    manifest = json.loads((dist / "manifest.json").read_text())["outputs"]
    on_disk = sorted(
        p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file() and p.name != "manifest.json"
    )
    assert [entry["path"] for entry in manifest] == on_disk
    ids = [f.id for f in edition.facilities]
    expected = {"index.html"}
    for lang in LANGS:
        expected |= {f"{lang}/index.html", f"{lang}/first-ten-{lang}.pdf"}
        expected |= {f"{lang}/{i}.html" for i in ids} | {f"{lang}/{i}-{lang}.pdf" for i in ids}
    assert expected <= set(on_disk)
    # The translators' status page is beside the edition, not in it.
    assert "es/translation-status.html" not in on_disk
    review = publish.review_folder(shipped)
    assert review is not None and (review / "es" / "translation-status.html").is_file()
    for entry in manifest:
        data = (dist / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        if entry["path"].endswith(".pdf"):
            assert entry["pages"] == len(PdfReader(dist / entry["path"]).pages)
            assert entry["language"] == entry["path"].split("/")[0]
            assert entry["kind"] == ("report-pdf" if "first-ten-" in entry["path"] else "facility-pdf")


@pytest.mark.parametrize("lang", LANGS)
def test_report_metadata_and_language(shipped: Path, lang: str) -> None:
    reader = report_pdf(shipped, lang)
    info = reader.metadata
    assert reader.root_object["/Lang"] == lang
    assert reader.root_object["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a PDF boolean
    assert info["/Title"] == f"{TITLES[lang]} · {DRAFT[lang]}"  # a draft says so in the window's title
    assert info["/Author"] == "Detention Watch Network"
    assert info["/Subject"].startswith(
        {"en": "Ten immigration detention centers", "es": "Diez centros de detención"}[lang]
    )
    assert "Communities Not Cages" in info["/Keywords"] or "Comunidades" in info["/Keywords"]
    assert info["/CreationDate"] == "D:20261124000000Z"  # the edition date from report.yaml
    xmp = reader.root_object["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in xmp and (f'xml:lang="{lang}"' in xmp or f"<rdf:li>{lang}</rdf:li>" in xmp)


TITLES = {"en": "First Ten to Communities Not Cages", "es": "Los Primeros Diez de Comunidades Sí, Jaulas No"}
DRAFT = {"en": "Draft", "es": "Borrador"}
NOTICE = {
    "en": "Draft. Not the released edition: facts and translations may still change.",
    "es": "Borrador. No es la edición definitiva: los datos y las traducciones todavía pueden cambiar.",
}
"""What a draft PDF says it is to assistive technology, once, on its first page."""


@pytest.mark.parametrize("lang", LANGS)  # one language each: the two workers read them side by side
def test_every_pdf_is_accessible(shipped: Path, edition, lang: str) -> None:
    """Every PDF the build publishes meets the PDF/UA-1 checks it claims in its XMP; a draft's says
    it is one in its title and, first in its reading order, on its first page."""
    manifest = json.loads((shipped / "dist" / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    facilities = {f.id: f for f in edition.facilities}
    pdfs = [entry for entry in manifest if entry["path"].endswith(".pdf")]
    assert len(pdfs) == len(LANGS) * (1 + len(edition.facilities))
    assert {entry["language"] for entry in pdfs} == set(LANGS)
    notes: dict[tuple[str, str], int] = {}  # (language, kind) -> footnotes tagged as notes
    for entry in (entry for entry in pdfs if entry["language"] == lang):
        reader = PdfReader(shipped / "dist" / entry["path"])
        count = len(reader.pages)
        if entry["kind"] == "report-pdf":
            title = f"{TITLES[lang]} · {DRAFT[lang]}"
        else:
            # Every chapter of the shipped draft is under review, and its title says so.
            name = facilities[entry["path"].split("/")[1].removesuffix(f"-{lang}.pdf")].name
            title = f"{name} {UNDER_REVIEW[lang]} · {TITLES[lang]} · {DRAFT[lang]}"
        # A draft stamps the draft band on every page, the covers too (a release, nothing:
        # tests/test_release.py): an artifact, but for the first page's, which is the notice.
        key = (lang, entry["kind"])
        found = check_accessible(reader, lang, title, [None] + [STAMPED_FOLIO] * (count - 1))
        assert found > 0, f"{entry['path']}: no footnote is a /Note"  # every chapter cites its sources
        notes[key] = notes.get(key, 0) + found
        assert first_page_actual_texts(reader) == [NOTICE[lang]], entry["path"]
        assert structure_elements_in_order(reader)[1]["/ActualText"] == NOTICE[lang]
    # The report holds every chapter's notes, and those of its front and back matter.
    assert notes[lang, "report-pdf"] >= notes[lang, "facility-pdf"], notes


@pytest.mark.parametrize("lang", LANGS)
def test_outline_has_chapters_and_sections(shipped: Path, edition, lang: str) -> None:
    reader = report_pdf(shipped, lang)
    entries = outline_titles(reader)
    top = [title for depth, title, _ in entries if depth == 0]
    chapters = [bookmark(f, lang) for f in edition.facilities]
    front = {
        "en": ["Contents", "About this edition", "Introduction", "Where the facilities are"],
        "es": ["Índice", "Sobre esta edición", "Introducción", "Dónde están los centros"],
    }[lang]
    back = {
        "en": ["How to support the campaign", "Acknowledgments", "Sources"],
        "es": ["Cómo apoyar la campaña", "Agradecimientos", "Fuentes"],
    }[lang]
    # A facility the 2021 list does not confirm is marked as in the contents, and in words.
    assert top == front + chapters + back
    assert sum(LIST_WORDS[lang] in title for title in top) == 7
    adelanto = [title for depth, title, _ in entries if depth == 1][:7]
    assert (
        adelanto
        == {
            "en": [
                "At a glance",
                "Why it must close",
                "Documented abuse",
                "Deaths in custody",
                "Contract and status history",
                "The campaign to shut it down",
                "Sources",
            ],
            "es": [
                "En resumen",
                "Por qué debe cerrar",
                "Abusos documentados",
                "Muertes bajo custodia",
                "Historial del contrato y de la situación",
                "La campaña para cerrarlo",
                "Fuentes",
            ],
        }[lang]
    )


@pytest.mark.parametrize("lang", LANGS)
def test_fonts_are_plex_embedded_and_subset(shipped: Path, lang: str) -> None:
    reader = report_pdf(shipped, lang)
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        assert re.fullmatch(r"/[A-Z]{6}\+Plex-(Sans|Serif)(-[A-Za-z-]+)?", name), name
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, name


@pytest.mark.parametrize("lang", LANGS)
def test_toc_page_numbers_are_where_the_chapters_start(shipped: Path, edition, lang: str) -> None:
    reader = report_pdf(shipped, lang)
    labels = reader.page_labels
    toc = reader.pages[1].extract_text(extraction_mode="layout")
    printed = {}
    for line in toc.splitlines():
        match = CHAPTER_LINE.match(line)
        if match:
            # a '*' marks a facility the 2021 list does not confirm (see the test below)
            printed[match.group(2).removesuffix("*").strip()] = match.group(3)
    assert list(printed) == [f.name for f in edition.facilities]
    for name, number in printed.items():
        index = labels.index(number)
        text = pdf_pages(shipped / "dist" / lang / f"first-ten-{lang}.pdf")[index]
        assert name in text
        # The stamped folio on that page prints the same number.
        assert text.rstrip().splitlines()[-1].strip() == number
    # The outline's chapter entries point at the same pages.
    starts = {chapter_name(title): page for depth, title, page in outline_titles(reader) if depth == 0}
    assert {name: labels[starts[name]] for name in printed} == printed


@pytest.mark.parametrize("lang", LANGS)
def test_each_contents_entry_reads_its_number_title_and_then_its_page(shipped: Path, edition, lang: str) -> None:
    """The page number floats right, but is read last: "2, Alamance County Detention Center, *, 6",
    never "6, 2, Alamance…"."""
    reader = report_pdf(shipped, lang)
    labels = reader.page_labels
    contents = reader.pages[1].indirect_reference
    (listed,) = [e for e in structure_elements_in_order(reader) if e["/S"] == "/L" and e.raw_get("/Pg") == contents]
    pages: dict[int, dict[int, str]] = {}
    entries = [element_texts(reader, item.get_object(), pages) for item in listed["/K"]]
    # The outline's top-level entries after its first (the contents) are what the contents list.
    listed_top = [(chapter_name(title), labels[page]) for depth, title, page in outline_titles(reader) if depth == 0][
        1:
    ]
    names = [f.name for f in edition.facilities]
    assert len(entries) == len(listed_top)
    for entry, (title, label) in zip(entries, listed_top, strict=True):
        number = [str(names.index(title) + 1)] if title in names else []
        mark = entry[len(number) + 1 : -1]
        assert entry == [*number, title, *mark, label]
        assert mark in ([], ["*"])
    assert entries[3][:2] == ["1", names[0]]


@pytest.mark.parametrize("lang", LANGS)
def test_each_contents_entry_is_a_link_to_what_it_lists(shipped: Path, lang: str) -> None:
    """Each entry's title is a link to the page the outline gives, described by that title, and its
    /Link tag holds the annotation: an entry laid out as a flex item had none (WeasyPrint 70 draws
    no annotation for an <a> a flex container blockifies), so the contents led nowhere."""
    reader = report_pdf(shipped, lang)
    contents = reader.pages[1]
    found = [
        (
            str(annotation["/Contents"]),
            reader.get_destination_page_number(reader.named_destinations[annotation["/Dest"]]),
        )
        for annotation in (ref.get_object() for ref in contents.get("/Annots", []))
    ]
    # A bookmark names an unconfirmed chapter with the list mark and its words; its link, the name it prints.
    assert (
        found == [(LIST_MARK.sub("", title), page) for depth, title, page in outline_titles(reader) if depth == 0][1:]
    )
    links = [
        element
        for element in structure_elements_in_order(reader)
        if element["/S"] == "/Link" and element.raw_get("/Pg") == contents.indirect_reference
    ]
    held = [kid.get_object().raw_get("/Obj") for link in links for kid in link["/K"] if isinstance(kid, IndirectObject)]
    assert len(links) == len(found) and held == list(contents["/Annots"])


FACTS = {
    "en": ["Operator", "Capacity", "ICE detention began", "Status", "Location", "Also known as"],
    "es": ["Operador", "Capacidad", "Inicio de la detención de ICE", "Situación", "Ubicación", "También conocido como"],
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_facts_box_is_a_list_of_labelled_items(shipped: Path, lang: str) -> None:
    """The facts box (a <dl>) is an /L whose each /LI is a label (/Lbl, the term) and its value
    (/LBody): WeasyPrint tagged each <div> of the <dl> a /Div (no kid of an /L) holding the term and
    the value as two list items of their own, so a screen reader heard twelve unlabelled items."""
    reader = PdfReader(shipped / "dist" / lang / f"lasalle-{lang}.pdf")
    pages: dict[int, dict[int, str]] = {}
    elements = structure_elements_in_order(reader)
    heading = next(n for n, e in enumerate(elements) if e["/S"] == "/H2")  # "At a glance", first
    facts = next(e for e in elements[heading:] if e["/S"] == "/L")
    items = [kid.get_object() for kid in facts["/K"]]
    assert [item["/S"] for item in items] == ["/LI"] * len(FACTS[lang])
    assert [[kid.get_object()["/S"] for kid in item["/K"]] for item in items] == [["/Lbl", "/LBody"]] * len(items)
    labels = [" ".join(element_texts(reader, item["/K"][0].get_object(), pages)) for item in items]
    assert labels == FACTS[lang]
    assert element_texts(reader, items[0]["/K"][1].get_object(), pages)[0] == "The GEO Group"  # the operator


@pytest.mark.parametrize("lang", LANGS)
def test_a_web_address_that_wraps_is_one_link(shipped: Path, lang: str) -> None:
    """A link whose address wraps over several lines is one /Link tag holding an annotation per line,
    and reads the whole address: WeasyPrint tags each line a link of its own, so a screen reader's
    list of links gave "ajc.com/", then "news/state--regional-govt--politics/…" as two more."""
    reader = report_pdf(shipped, lang)
    pages: dict[int, dict[int, str]] = {}
    wrapped = 0
    for element in structure_elements_in_order(reader):
        if element["/S"] != "/Link":
            continue
        annotations = [
            kid.get_object()["/Obj"].get_object() for kid in element["/K"] if isinstance(kid, IndirectObject)
        ]
        uri = str(annotations[0].get("/A", {}).get("/URI", "")) if annotations else ""
        if not uri.startswith(("http://", "https://", "mailto:")):
            continue
        address = display_url(uri.removeprefix("mailto:"))
        text = "".join("".join(element_texts(reader, element, pages)).split())
        # It prints the whole address, or another text (an organization's name), never a piece of it.
        assert text == address or text not in address, (text, address)
        assert {str(annotation["/Contents"]) for annotation in annotations} == {str(annotations[0]["/Contents"])}
        wrapped += len(annotations) > 1
    assert wrapped > 20


@pytest.mark.parametrize("lang", LANGS)
def test_copied_contents_give_each_entry_with_its_page(shipped: Path, edition, lang: str) -> None:
    """Copied, or read by a tool that ignores the tags (pypdf, `pdftotext -raw`), the contents are
    the heading, then one line per entry ending with its page number: the page numbers floated,
    and a float prints before its page's other text, so every number came before the first title."""
    reader = report_pdf(shipped, lang)
    labels = reader.page_labels
    lines = [" ".join(line.split()) for line in reader.pages[1].extract_text().splitlines()]
    names = [f.name for f in edition.facilities]
    top = [(chapter_name(title), labels[page]) for depth, title, page in outline_titles(reader) if depth == 0]
    expected = [top[0][0]]  # the contents' own heading, then what they list
    for title, label in top[1:]:
        number = f"{names.index(title) + 1} " if title in names else ""
        expected.append(f"{number}{title}{' *' if lines.count(f'{number}{title} * {label}') else ''} {label}")
    assert lines[: len(expected)] == expected


@pytest.mark.parametrize("lang", LANGS)
def test_page_labels_follow_the_printed_folios(shipped: Path, lang: str) -> None:
    reader = report_pdf(shipped, lang)
    labels = reader.page_labels
    assert labels[:5] == ["i", "ii", "iii", "iv", "v"]  # covers, contents, notice, introduction, map
    assert labels[5] == "1"
    assert labels[-1] == str(len(labels) - 5)
    pages = pdf_pages(shipped / "dist" / lang / f"first-ten-{lang}.pdf")
    for index in (1, 4, 5, 10, len(labels) - 2):
        assert pages[index].rstrip().splitlines()[-1].strip() == labels[index]
    assert labels[0] not in pages[0].split()  # the covers carry no folio


@pytest.mark.parametrize("lang", LANGS)
def test_internal_links_resolve_and_external_ones_print_their_address_in_the_report(shipped: Path, lang: str) -> None:
    reader = report_pdf(shipped, lang)
    names = reader.named_destinations
    links = 0
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            if "/Dest" in annotation:
                links += 1
                assert str(annotation["/Dest"]) in names
            else:
                uri = annotation["/A"]["/URI"]
                assert not uri.startswith("x-chunk:"), uri
    assert links > 100
    # On paper a link is only what it prints: each external one prints its address on its page
    # (an organization's name printed alone was lost).
    assert unprinted_links(reader, pdf_pages(shipped / "dist" / lang / f"first-ten-{lang}.pdf")) == []


SUBJECTS = {
    "en": "Documented abuse at {name} and the campaign to shut it down",
    "es": "Abusos documentados en {name} y la campaña para cerrarlo",
}

SOURCE_LINES = {
    "en": "From the report First Ten to Communities Not Cages · Detention Watch Network · edition of November 24, 2026",
    "es": "Del informe Los Primeros Diez de Comunidades Sí, Jaulas No · Detention Watch Network"
    " · edición del 24 de noviembre de 2026",
}


@pytest.mark.parametrize("lang", LANGS)
def test_facility_pdfs_are_the_chapters_and_stand_alone(shipped: Path, edition, lang: str) -> None:
    report = report_pdf(shipped, lang)
    starts = {title: page for depth, title, page in outline_titles(report) if depth == 0}
    for facility in edition.facilities:
        reader = PdfReader(shipped / "dist" / lang / f"{facility.id}-{lang}.pdf")
        info = reader.metadata
        # Under review, as every chapter of the shipped draft is: its title and subject say so.
        assert info["/Title"] == f"{facility.name} {UNDER_REVIEW[lang]} · {TITLES[lang]} · {DRAFT[lang]}"
        assert info["/Subject"] == f"{editors_note(facility, lang)} {SUBJECTS[lang].format(name=facility.name)}"
        assert reader.root_object["/Lang"] == lang
        outline = outline_titles(reader)
        assert outline[0] == (0, bookmark(facility, lang), 0)
        # Its own page numbers, from 1, never the report's; each footer names the report,
        # publisher and edition it comes from.
        assert reader.page_labels == [str(n) for n in range(1, len(reader.pages) + 1)]
        start = starts[bookmark(facility, lang)]
        report_pages = pdf_pages(shipped / "dist" / lang / f"first-ten-{lang}.pdf")
        pages = pdf_pages(shipped / "dist" / lang / f"{facility.id}-{lang}.pdf")
        for i, page in enumerate(pages):
            *text, folio, source = page.rstrip().splitlines()
            assert (folio.strip(), source.strip()) == (str(i + 1), SOURCE_LINES[lang])
            # The same pages as in the report, but for the footer.
            assert text == report_pages[start + i].rstrip().splitlines()[:-1]
        sources_heading = {"en": "Sources", "es": "Fuentes"}[lang]
        assert any(title == sources_heading for _, title, _ in outline)
        # Its tags, like the report's, are checked in test_every_pdf_is_accessible.
        # Its note calls and sources still resolve inside the PDF.
        names, links = reader.named_destinations, 0
        for page in reader.pages:
            for annotation in page.get("/Annots", []):
                annotation = annotation.get_object()
                if "/Dest" in annotation:
                    links += 1
                    assert str(annotation["/Dest"]) in names
                else:
                    assert not annotation["/A"]["/URI"].startswith("x-chunk:")
        assert links > 5
        assert unprinted_links(reader, pages) == []


# -- the site --------------------------------------------------------------------------------------


class Page(HTMLParser):
    """Collects what the link and accessibility tests need from one HTML file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[str] = []
        self.lang: str | None = None
        self.first_link: str | None = None
        self.noterefs: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []  # each script's attributes and text
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if "id" in a:
            assert a["id"] not in self.ids, f"duplicate id {a['id']}"
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
            if self.first_link is None:
                self.first_link = a["href"]
            if a.get("role") == "doc-noteref":
                self.noterefs.append(a["href"])
        if tag in ("link", "img", "script", "source", "iframe") and (a.get("href") or a.get("src")):
            self.resources.append(a.get("href") or a.get("src"))
        if tag == "script":
            self.scripts.append((a, ""))
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def html_files(root: Path) -> list[Path]:
    return sorted((root / "dist").rglob("*.html"))


def test_every_internal_link_and_citation_resolves(shipped: Path) -> None:
    dist = shipped / "dist"
    pages = {path: parse(path) for path in html_files(shipped)}
    checked = 0
    for path, page in pages.items():
        for href in page.links:
            scheme = urlsplit(href).scheme
            if scheme in ("http", "https", "mailto"):
                continue
            target, fragment = urldefrag(href)
            target_path = (path.parent / target).resolve() if target else path
            assert target_path.is_file(), f"{path.relative_to(dist)}: broken link {href}"
            if fragment:
                ids = pages[target_path].ids if target_path in pages else set()
                assert fragment in ids, f"{path.relative_to(dist)}: no #{fragment} in {target or 'this page'}"
            checked += 1
        for ref in page.noterefs:
            assert ref.startswith("#note-") and ref[1:] in page.ids
    assert checked > 500


def test_pages_declare_language_skip_link_and_no_external_requests(shipped: Path) -> None:
    for path in html_files(shipped):
        page = parse(path)
        rel = path.relative_to(shipped / "dist").as_posix()
        lang = rel.split("/")[0] if "/" in rel else "en"
        if rel.endswith("translation-status.html"):
            lang = "en"  # written for translators, in the source language, about another one
        assert page.lang == lang, rel
        assert page.first_link == "#main", rel
        assert "main" in page.ids
        # No code in the page and none from elsewhere: the JSON-LD (data, never run) and, on the
        # language pages, the search box's module from assets/, empty.
        kinds = [
            "json-ld"
            if attrs == {"type": "application/ld+json"} and text.strip()
            else "search"
            if attrs == {"type": "module", "src": "../assets/js/search.js"} and not text
            else f"unexpected {attrs} {text[:60]!r}"
            for attrs, text in page.scripts
        ]
        searchable = "/" in rel and not rel.endswith("translation-status.html")
        assert kinds == ["json-ld"] + ["search"] * searchable, rel
        for resource in page.resources:
            assert not urlsplit(resource).scheme, f"{rel} loads {resource}"
    for sheet in (shipped / "dist" / "assets" / "css").glob("*.css"):
        assert "http" not in re.sub(r"/\*.*?\*/", "", sheet.read_text(), flags=re.S), sheet.name


def test_the_site_ships_web_fonts_and_no_print_assets(shipped: Path) -> None:
    assets = shipped / "dist" / "assets"
    assert sorted(p.name for p in (assets / "css").iterdir()) == ["site.css"]  # fonts.css and tokens.css inlined
    fonts = sorted(p.suffix for p in (assets / "fonts").iterdir())
    assert fonts == [".txt"] + [".woff2"] * 8  # the licence and the eight faces; no TrueType
    faces = re.findall(r'url\("\.\./fonts/([^"]+)"\)', (assets / "css" / "site.css").read_text())
    assert len(faces) == 8 and all((assets / "fonts" / face).is_file() for face in faces)


def test_each_page_links_to_itself_in_the_other_language(shipped: Path, edition) -> None:
    for lang, other in (("en", "es"), ("es", "en")):
        for name in ["index"] + [f.id for f in edition.facilities]:
            page = parse(shipped / "dist" / lang / f"{name}.html")
            assert f"../{other}/{name}.html" in page.links


def test_downloads_list_size_and_pages(shipped: Path, edition) -> None:
    manifest = {e["path"]: e for e in json.loads((shipped / "dist" / "manifest.json").read_text())["outputs"]}
    text = (shipped / "dist" / "en" / "index.html").read_text()
    report = manifest["en/first-ten-en.pdf"]
    assert f"{report['pages']} pages" in text
    for facility in edition.facilities:
        entry = manifest[f"en/{facility.id}-en.pdf"]
        row = re.search(
            rf'<a id="download-{facility.id}" href="{facility.id}-en.pdf" aria-label="{re.escape(facility.name)}, PDF"'
            rf" download>{re.escape(facility.name)}</a></th><td>(\d+)</td><td>([^<]+)</td>",
            text,
        )
        assert row is not None, facility.id
        assert int(row.group(1)) == entry["pages"]
        assert row.group(2).endswith(" KB")


def pdf_text(path: Path) -> str:
    """Return a PDF's text with runs of white space made one space."""
    return re.sub(r"\s+", " ", " ".join(pdf_pages(path)))


def test_spanish_dates_and_numbers_come_from_babel_in_us_spanish(shipped: Path) -> None:
    """report.yaml names es_US for Spanish: the readers are in the US, where "1,940" is written, not "1.940"."""
    text = (shipped / "dist" / "es" / "adelanto.html").read_text()
    assert "25 de febrero de 2021" in text
    assert "1,940 camas" in text and "1.940" not in text
    report = pdf_text(shipped / "dist" / "es" / "first-ten-es.pdf")
    for figure in ("1,940 camas", "1,320 camas", "1,600 camas"):  # capacity rows: Adelanto, LaSalle, Winn
        assert figure in report, figure
        assert figure.replace(",", ".") not in report, figure
    assert "24 de noviembre de 2026" in report  # the edition date on the cover
    english = (shipped / "dist" / "en" / "adelanto.html").read_text()
    assert "February 25, 2021" in english and "1,940 beds" in english


@pytest.mark.parametrize(("lang", "about"), [("en", "about 2025"), ("es", "aprox. 2025")])
def test_a_footnote_keeps_about_for_an_approximate_date(shipped: Path, lang: str, about: str) -> None:
    """Detention Kills is dated "2025 (approx.)": its notes must say so, as its source entry does."""
    text = pdf_text(shipped / "dist" / lang / f"stewart-{lang}.pdf")
    assert f"Detention Kills, {about}." in text
    assert "Detention Kills, 2025" not in text
    site = (shipped / "dist" / lang / "stewart.html").read_text()
    assert f">Detention Kills, {about}</a>" in site
    assert ">Detention Kills, 2025</a>" not in site


def _capacity_cases() -> list[tuple[str, str | None, str | None]]:
    """Every (measure, unit, qualifier) a dossier may write, read from the schema."""
    from report.content import schema

    node = schema.subschema("dossier", ("capacity", 0))
    assert node is not None
    measures = node["properties"]["measure"]["enum"]
    with_unit = node["if"]["properties"]["measure"]["enum"]
    units = node["properties"]["unit"]["enum"]
    qualifiers = [None, *node["properties"]["qualifier"]["enum"]]
    return [(m, u, q) for m in measures for u in (units if m in with_unit else [None]) for q in qualifiers]


@pytest.mark.parametrize(
    ("lang", "bed", "people"), [("en", "bed", ("people", "detainee")), ("es", "cama", ("persona",))]
)
def test_a_capacity_prints_the_unit_its_sources_give_and_no_other(lang: str, bed: str, people: tuple) -> None:
    """'beds' only for a figure counted in beds; no unit at all for one whose sources give none."""
    from types import SimpleNamespace

    from report.i18n.catalogs import parse_catalog
    from report.i18n.localize import Localizer
    from report.render.html import environment

    from .conftest import REPO

    po = "i18n/es/LC_MESSAGES/messages.po"
    catalog = parse_catalog((REPO / po).read_bytes(), po, "es") if lang == "es" else None
    localizer = Localizer(lang, "en", catalog, {"en": "en_US", "es": "es_US"}[lang])
    labels = environment(REPO, localizer).get_template("partials/labels.html").make_module()
    number = localizer.number(1160)
    for measure, unit, qualifier in _capacity_cases():
        figure = SimpleNamespace(count=1160, measure=measure, unit=unit, qualifier=qualifier)
        phrase = str(labels.capacity_phrase(figure))
        case = (measure, unit, qualifier, phrase)
        assert number in phrase, case
        assert (bed in phrase) == (unit == "beds"), case
        if unit == "unstated":
            assert not any(word in phrase for word in people), case
        elif unit == "people":
            assert any(word in phrase for word in people), case
    assert localizer.findings == []  # every phrase is translated: no English fallback


@pytest.mark.parametrize(
    ("lang", "printed", "not_printed"),
    [
        # a figure starting its row of the facts box takes a capital ("A capacity…")
        ("en", ["A capacity of 1,160", "A guaranteed minimum of 750 detainees"], ["1,160 beds", "750 beds"]),
        (
            "es",
            ["Una capacidad de 1,160", "Un mínimo garantizado de 750 personas detenidas"],
            ["1,160 camas", "750 camas"],
        ),
    ],
)
def test_figures_without_a_unit_in_the_brief_print_none(
    shipped: Path, lang: str, printed: list, not_printed: list
) -> None:
    """LaSalle's 1,160 has no unit in the brief, Otay Mesa's minimum is 750 detainees (issue 20)."""
    text = ""
    for facility in ("lasalle", "otay-mesa"):
        text += pdf_text(shipped / "dist" / lang / f"{facility}-{lang}.pdf")
    for phrase in printed:
        assert phrase in text
    for phrase in not_printed:
        assert phrase not in text


SHARED_NOTES = {
    # Sources with one publisher and one date: each note and bibliography entry carries the letter
    # that tells them apart, in the order of their titles (issue 20). Wikipedia has seven undated
    # articles, lettered a to g across the report; Adelanto cites the first and the fifth.
    "en": [
        ("etowah", "The Gadsden Times, March 25, 2022", {"a": "'Bombshell'", "b": "Key dates in the ICE-Etowah"}),
        ("adelanto", "Wikipedia, undated", {"-a": "Adelanto Detention Center", "-e": "List of immigrant detention"}),
    ],
    "es": [
        ("etowah", "The Gadsden Times, 25 de marzo de 2022", {"a": "'Bombshell'", "b": "Key dates in the ICE-Etowah"}),
        ("adelanto", "Wikipedia, sin fecha", {"-a": "Adelanto Detention Center", "-e": "List of immigrant detention"}),
    ],
}


@pytest.mark.parametrize("lang", LANGS)
def test_notes_of_sources_with_one_publisher_and_date_are_told_apart_in_the_pdfs(shipped: Path, lang: str) -> None:
    report = pdf_text(shipped / "dist" / lang / f"first-ten-{lang}.pdf")
    for facility, note, titles in SHARED_NOTES[lang]:
        chapter = pdf_text(shipped / "dist" / lang / f"{facility}-{lang}.pdf")
        date = note.split(", ", 1)[1]
        for text in (chapter, report):
            for letter, title in titles.items():
                assert f"{note}{letter}." in text or f"{note}{letter};" in text  # the footnote
                # the bibliography entry: its title, then the date (a field: capitalized) with the same letter
                assert re.search(
                    re.escape(title)
                    + r"(?:(?!Gadsden Times|Wikipedia).){0,160}?\. "
                    + re.escape(date[:1].upper() + date[1:] + letter)
                    + r"\.",
                    text,
                )
            assert not re.search(re.escape(note) + r"[.;]", text), "a note without its letter"


@pytest.mark.parametrize("lang", LANGS)
def test_notes_of_sources_with_one_publisher_and_date_are_told_apart_on_the_site(shipped: Path, lang: str) -> None:
    for facility, note, titles in SHARED_NOTES[lang]:
        page = (shipped / "dist" / lang / f"{facility}.html").read_text(encoding="utf-8")
        shown: dict[str, set[str]] = {}
        for item in re.findall(r'<li id="note-\d+">(.*?)</li>', page, re.S):
            for target, label in re.findall(r'<a href="#src-([a-z0-9-]+)">([^<]*)</a>', item):
                shown.setdefault(target, set()).add(label)
        assert all(len(labels) == 1 for labels in shown.values())  # a source's notes all read the same
        labels = [next(iter(labels)) for labels in shown.values()]
        assert len(labels) == len(set(labels)), "two sources print the same note"
        assert {f"{note}{letter}" for letter in titles} <= set(labels)


LIST_NOTE = {
    "en": "* Not yet confirmed as named on the 2021 First Ten list: we are checking it against the original report.",
    "es": "* Aún no se ha confirmado que figurara en la lista de los Primeros Diez de 2021: lo estamos cotejando"
    " con el informe original.",
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_cover_and_contents_mark_the_facilities_the_list_does_not_confirm(
    shipped: Path, edition, lang: str
) -> None:
    """Only three of the ten are confirmed on DWN's 2021 list: the cover and the contents say which (issue 20)."""
    reader = PdfReader(shipped / "dist" / lang / f"first-ten-{lang}.pdf")
    cover, contents = (re.sub(r"\s+", " ", reader.pages[i].extract_text()) for i in (0, 1))
    for page in (cover, contents):
        assert LIST_NOTE[lang] in page
        for facility in edition.facilities:
            marked = f"{facility.name} *" in page
            assert facility.name in page
            assert marked == (facility.review.list_membership != "confirmed"), facility.id
    assert sum(f.review.list_membership == "confirmed" for f in edition.facilities) == 3


@pytest.mark.parametrize("lang", LANGS)
def test_the_site_index_marks_the_facilities_the_list_does_not_confirm(shipped: Path, edition, lang: str) -> None:
    class Cards(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.cards: dict[str, bool] = {}  # card heading's link -> has the mark
            self.heading: str | None = None
            self.notes: list[str] = []
            self.in_note = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if tag == "h3":
                self.heading = ""
            elif tag == "a" and self.heading == "":
                self.heading = a["href"]
                self.cards[self.heading] = False
            elif tag == "span" and a.get("class") == "list-mark" and self.heading:
                self.cards[self.heading] = True
            elif tag == "p" and a.get("class") == "list-note":
                self.in_note = True
                self.notes.append("")

        def handle_endtag(self, tag: str) -> None:
            if tag == "h3":
                self.heading = None
            elif tag == "p":
                self.in_note = False

        def handle_data(self, data: str) -> None:
            if self.in_note:
                self.notes[-1] += data

    page = Cards()
    page.feed((shipped / "dist" / lang / "index.html").read_text(encoding="utf-8"))
    expected = {f"{f.id}.html": f.review.list_membership != "confirmed" for f in edition.facilities}
    assert {href: marked for href, marked in page.cards.items() if href in expected} == expected
    assert page.notes == [LIST_NOTE[lang]]
