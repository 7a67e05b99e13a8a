"""How to cite the report and each chapter: CSL-JSON, BibTeX and RIS files for each language's pages.

CSL-JSON is written with the json module. BibTeX and RIS are small line formats, written here:
no library we looked at fits cleanly (pybtex's writer refuses a value with unbalanced braces
instead of escaping it, bibtexparser's writes a value as it is given; rispy would be a
dependency for a handful of tags), and what they need is escaping, which tests/test_data.py
checks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from ..content.model import Edition, Facility
from ..project import CITE_FORMATS, citation_paths
from ..publish import Output

FORMATS = CITE_FORMATS
MEDIA_TYPES = {
    "csl.json": "application/vnd.citationstyles.csl+json",
    "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
}
"""Each format's media type: CSL-JSON's is registered with IANA; BibTeX's and RIS's are the ones
reference managers and library catalogues send (neither format has a registered one)."""


@dataclass(frozen=True)
class Work:
    """One thing to cite: the report, or a chapter of it."""

    key: str
    title: str
    publisher: str
    issued: dt.date
    lang: str
    url: str | None = None
    container: str | None = None
    """The report's title, when the work is one of its chapters."""
    status: str | None = None
    """A draft's word for itself ("Draft", "Borrador"), in the work's language; None in a release.
    Written where each format keeps a work's status: CSL `status`, BibTeX `note`, RIS `N1`."""
    kind: str = "Report"
    """What the report is, in the work's language ("Report", "Informe"): BibTeX's `type`, which
    biblatex prints as it is (CSL-JSON's `report` and RIS's `RPRT` are codes, the same in every language)."""


def report_work(edition: Edition, lang: str, title: str, kind: str, status: str | None = None) -> Work:
    """Return the report as a work, with its title and `kind` ("Report") in `lang` (and a draft's `status`)."""
    s = edition.settings
    url = f"{s.base_url}{lang}/index.html" if s.base_url else None
    return Work(
        f"first-ten-{s.edition.year}-{lang}", title, s.publisher, s.edition, lang, url, status=status, kind=kind
    )


def chapter_work(edition: Edition, lang: str, title: str, facility: Facility, status: str | None = None) -> Work:
    """Return a facility's chapter as a work within the report titled `title` (and a draft's `status`)."""
    s = edition.settings
    url = f"{s.base_url}{lang}/{facility.id}.html" if s.base_url else None
    key = f"{facility.id}-{s.edition.year}-{lang}"
    return Work(key, facility.name, s.publisher, s.edition, lang, url, container=title, status=status)


def downloads(stem: str, works: tuple[Work, ...], lang: str) -> list[Output]:
    """Return the works as `<lang>/cite/<stem>.csl.json`, `.bib` and `.ris`."""
    writers = {"csl.json": csl_json, "bib": bibtex, "ris": ris}
    paths = zip(citation_paths(lang, stem), FORMATS, strict=True)
    return [Output(path, writers[ext](works), "citation", lang) for path, (ext, _) in paths]


def csl_json(works: tuple[Work, ...]) -> bytes:
    """Return the works as a CSL-JSON array."""
    items = []
    for work in works:
        item: dict[str, object] = {
            "id": work.key,
            "type": "chapter" if work.container else "report",
            "title": work.title,
        }
        if work.container:
            item["container-title"] = work.container
        item |= {
            "author": [{"literal": work.publisher}],
            "publisher": work.publisher,
            "issued": {"date-parts": [[work.issued.year, work.issued.month, work.issued.day]]},
            "language": work.lang,
        }
        if work.status:
            item["status"] = work.status
        if work.url:
            item["URL"] = work.url
        items.append(item)
    return (json.dumps(items, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    # BibTeX, biber and JabRef count every brace, escaped or not: "\{" alone would leave the value
    # open and swallow the rest of the file. The commands print a brace and keep the count even.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_RE = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIAL))


BIBLATEX_LANGUAGES = {
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "ngerman",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hr": "croatian",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ru": "russian",
    "sl": "slovene",
    "sv": "swedish",
}
"""biblatex's `langid` for a language code: a babel/polyglossia language name, as its manual asks
(`es` is none, and biblatex cannot switch to it). biblatex reads `english` as American English. A
language not listed gets no `langid` (its CSL-JSON `language` and RIS `LA` still say it)."""


def bibtex_escape(text: str) -> str:
    """Return text as a BibTeX value: LaTeX's special characters escaped, on one line."""
    return _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group()], " ".join(text.split()))


def bibtex(works: tuple[Work, ...]) -> bytes:
    """Return the works as BibTeX entries (biblatex fields; UTF-8)."""
    entries = []
    for work in works:
        kind = "incollection" if work.container else "report"
        fields = [
            ("author", f"{{{bibtex_escape(work.publisher)}}}"),  # a corporate author: braced, never split
            ("title", f"{{{bibtex_escape(work.title)}}}"),  # braced: keep its capitals
        ]
        if work.container:
            fields.append(("booktitle", f"{{{bibtex_escape(work.container)}}}"))
        else:
            fields.append(("type", f"{{{bibtex_escape(work.kind)}}}"))  # braced: keep its capital
            fields.append(("institution", f"{{{bibtex_escape(work.publisher)}}}"))  # one name, not a list
        fields += [
            ("publisher", f"{{{bibtex_escape(work.publisher)}}}"),  # braced: an "and" in it splits no list
            ("date", work.issued.isoformat()),
            ("year", str(work.issued.year)),
        ]
        if langid := BIBLATEX_LANGUAGES.get(work.lang):
            fields.append(("langid", langid))
        if work.status:
            fields.append(("note", bibtex_escape(work.status)))
        if work.url:
            fields.append(("url", work.url))  # the url field is verbatim: no escaping
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@{kind}{{{work.key},\n{body}\n}}\n")
    return "\n".join(entries).encode("utf-8")


def ris_value(text: str) -> str:
    """Return text as a RIS value: one line (the format ends a value at the line's end)."""
    return " ".join(text.split())


def ris(works: tuple[Work, ...]) -> bytes:
    """Return the works as RIS records (CRLF line ends, as the format asks)."""
    lines = []
    for work in works:
        d = work.issued
        tags = [("TY", "CHAP" if work.container else "RPRT"), ("ID", work.key), ("AU", work.publisher)]
        tags.append(("TI", work.title))
        if work.container:
            tags.append(("T2", work.container))
        tags += [("PB", work.publisher), ("PY", str(d.year)), ("DA", f"{d.year:04d}/{d.month:02d}/{d.day:02d}")]
        tags.append(("LA", work.lang))
        if work.status:
            tags.append(("N1", work.status))
        if work.url:
            tags.append(("UR", work.url))
        tags.append(("ER", ""))
        lines += [f"{tag}  - {ris_value(value)}" for tag, value in tags]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")
