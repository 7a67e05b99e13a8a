"""Translation coverage: counts equal to `msgfmt --statistics`, the JSON report and the status page."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from report.i18n.catalogs import briefs_apart, parse_catalog
from report.i18n.coverage import Counts, check_catalog, check_translations, string_column
from report.i18n.localize import Localizer
from report.render.site import status_page_html
from report.content.load import dossier_texts, load_edition, read_dossier

from .conftest import FIXTURES, REPO, make_project, run_cli

SPANISH = REPO / "i18n/es/LC_MESSAGES/messages.po"
HAS_MSGFMT = shutil.which("msgfmt") is not None


def msgfmt_statistics(path: Path) -> tuple[int, int, int]:
    """Return (translated, fuzzy, untranslated) as GNU msgfmt counts them."""
    run = subprocess.run(
        ["msgfmt", "--statistics", "-o", os.devnull, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C", "LANGUAGE": ""},
        check=True,
    )
    last = run.stderr.strip().splitlines()[-1]

    def number(label: str) -> int:
        found = re.search(rf"(\d+) {label}", last)
        return int(found.group(1)) if found else 0

    return number("translated message"), number("fuzzy translation"), number("untranslated message")


def our_statistics(path: Path) -> tuple[int, int, int, int]:
    counts = Counts.of(parse_catalog(path.read_bytes(), "messages.po", "es").entries)
    return counts.translated, counts.fuzzy, counts.untranslated, counts.obsolete


@pytest.mark.skipif(not HAS_MSGFMT, reason="GNU gettext is not installed")
def test_counts_equal_msgfmt_on_the_spanish_catalog(tmp_path: Path) -> None:
    copy = tmp_path / "messages.po"
    shutil.copy(SPANISH, copy)
    ours = our_statistics(copy)
    assert ours[:3] == msgfmt_statistics(copy)
    assert ours[1:] == (0, 0, 0)  # the shipped catalog is complete


@pytest.mark.skipif(not HAS_MSGFMT, reason="GNU gettext is not installed")
def test_counts_equal_msgfmt_with_blanks_fuzzies_and_obsolete_entries(tmp_path: Path) -> None:
    with open(SPANISH, "rb") as handle:
        catalog = read_po(handle, locale="es")
    shipped_obsolete = len(catalog.obsolete)
    messages = [m for m in catalog if m.id]
    plural = [m for m in messages if m.pluralizable]
    assert plural, "the catalog should have plural entries to test"
    for i, message in enumerate(messages):
        if i % 7 == 0:  # blanked: untranslated
            message.string = ("",) * catalog.num_plurals if message.pluralizable else ""
        elif i % 5 == 0:  # fuzzy, some with the previous English
            message.flags.add("fuzzy")
            if i % 2:
                message.previous_id = ["An older English sentence."]
        elif i % 11 == 0:  # fuzzy and blank: msgfmt counts it as untranslated
            message.flags.add("fuzzy")
            message.string = ""
    plural[0].string = ("",) * catalog.num_plurals
    plural[1].flags.add("fuzzy")
    for message in messages[1:4]:  # obsolete entries (#~) are not messages
        catalog.delete(message.id, message.context)
        catalog.obsolete[(message.id, message.context)] = message
    path = tmp_path / "messages.po"
    buffer = io.BytesIO()
    write_po(buffer, catalog, include_previous=True)
    path.write_bytes(buffer.getvalue())

    ours = our_statistics(path)
    assert ours[:3] == msgfmt_statistics(path)
    translated, fuzzy, untranslated, obsolete = ours
    assert fuzzy > 10 and untranslated > 40 and obsolete == shipped_obsolete + 3
    assert translated + fuzzy + untranslated == len(messages) - 3


@pytest.mark.skipif(not HAS_MSGFMT, reason="GNU gettext is not installed")
def test_a_partly_translated_plural_is_untranslated_unlike_msgfmt(tmp_path: Path) -> None:
    """msgfmt looks only at msgstr[0]; the build needs every form, so we count it untranslated."""
    path = tmp_path / "messages.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "%(num)s bed"\nmsgid_plural "%(num)s beds"\nmsgstr[0] "%(num)s cama"\nmsgstr[1] ""\n\n'
        'msgid "%(num)s day"\nmsgid_plural "%(num)s days"\nmsgstr[0] "%(num)s día"\nmsgstr[1] "%(num)s días"\n',
        encoding="utf-8",
    )
    assert msgfmt_statistics(path) == (2, 0, 0)
    assert our_statistics(path) == (1, 0, 1, 0)


def test_previous_english_is_read_back(tmp_path: Path) -> None:
    po = (
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n\n'
        '#, fuzzy\n#| msgid ""\n#| "The old "\n#| "text."\n'
        'msgctxt "x:summary"\nmsgid "The new text."\nmsgstr "El texto."\n'
    )
    (entry,) = parse_catalog(po.encode(), "messages.po", "es").entries
    assert (entry.state, entry.previous, entry.line) == ("fuzzy", "The old text.", 10)


def test_json_has_findings_and_coverage(tmp_path: Path, fixed_today: None) -> None:
    code, out, _ = run_cli("--root", str(make_project(tmp_path, "i18n-untranslated")), "check", "--format", "json")
    data = json.loads(out)
    assert code == 0
    # The entry, and the place in report.yaml whose text the build prints in English because of it.
    assert [(f["path"], f["code"], f["line"]) for f in data["findings"]] == [
        ("i18n/es/LC_MESSAGES/messages.po", "i18n.untranslated", 62),
        ("report.yaml", "i18n.fallback", 23),
    ]
    es = data["coverage"]["es"]
    assert es["catalog"] == "i18n/es/LC_MESSAGES/messages.po"
    assert es["total"] == {
        "translated": 14,
        "fuzzy": 0,
        "untranslated": 1,
        "pending": 0,
        "obsolete": 0,
        "percent": 93.3,
    }
    assert es["report"] == {
        "translated": 6,
        "fuzzy": 0,
        "untranslated": 1,
        "pending": 0,
        "obsolete": 0,
        "percent": 85.7,
    }
    assert (es["pending"], es["run"]) == ([], None)
    assert es["templates"]["translated"] == 0
    assert list(es["facilities"]) == ["sample"]


def test_shipped_catalog_is_consistent_and_grouped_by_chapter() -> None:
    edition, _ = load_edition(REPO, use_cache=False)
    findings, coverage = check_translations(REPO, edition)
    assert [f for f in findings if f.level == "error"] == []
    es = coverage["es"]
    assert es.total.messages > 300
    groups = ["templates", "report", *(f.id for f in edition.facilities), "sources"]
    assert [g.key for g in es.groups] == groups  # the editors' source titles last; state names are templates
    assert {g.key: g.counts.messages for g in es.groups}["sources"] == 7


# -- the status page ---------------------------------------------------------------------------------


class Tables(HTMLParser):
    """Collect every table row as (row attributes, [(cell attributes, cell text)])."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list]] = []
        self.row: list | None = None
        self.cell: list[str] | None = None
        self.lang = ""
        self.captions: list[tuple[str, str]] = []
        self.caption: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang", "")
        elif tag == "table":
            self.tables.append((attrs.get("class", ""), []))
        elif tag == "tr":
            self.row = [attrs, []]
            self.tables[-1][1].append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
            self.row[1].append((attrs, self.cell))
        elif tag == "caption":
            self.caption = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self.caption is not None:
            self.captions.append((self.tables[-1][0], " ".join("".join(self.caption).split())))
            self.caption = None
        elif tag in ("td", "th"):
            self.cell = None
        elif tag == "tr":
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        if self.caption is not None:
            self.caption.append(data)

    def rows(self, table_class: str) -> list[list[str]]:
        return [
            [" ".join(" ".join(cell).split()) for _, cell in cells]
            for cls, rows in self.tables
            if table_class in cls.split()
            for _, cells in rows
        ]


def test_status_page_lists_counts_and_every_pending_entry(tmp_path: Path) -> None:
    root = make_project(tmp_path, "i18n-fuzzy")
    po = root / "i18n/es/LC_MESSAGES/messages.po"
    po.write_text(po.read_text().replace('msgstr "Gracias a todos."', 'msgstr ""'))
    copy_status_layouts(root)
    edition, _ = load_edition(root)
    _, coverage = check_translations(root, edition)

    page = Tables()
    html = status_page_html(root, edition, coverage["es"])
    page.feed(html)

    assert page.lang == "en"
    # A fuzzy entry's "Spanish now" is the English the build prints, not the old translation under it.
    assert (
        '<td data-label="Spanish now"><span lang="en" class="fallback">A man died after weeks without care.</span>\n'
        '            <p class="previous small">The build prints the English; the catalog has:'
        ' <span lang="es">Un hombre murió tras semanas sin atención.</span></p></td>'
    ) in html
    assert page.rows("coverage") == [
        ["Part", "Translated", "Fuzzy", "Untranslated", "Pending", "Obsolete", "Translated %"],
        ["Total", "12", "2", "1", "9", "1", "50.0%"],
        [
            "Templates",
            "0",
            "0",
            "0",
            "9",
            "0",
            "0.0%",
        ],  # the strings of base.html, the draft band and the search box: not in this catalog
        ["Report (report.yaml)", "6", "0", "1", "0", "0", "85.7%"],
        ["Sample Detention Center", "6", "2", "0", "0", "1", "75.0%"],
    ]
    path = "i18n/es/LC_MESSAGES/messages.po"
    assert page.rows("entries") == [
        ["Line", "Where the English is", "State", "English", "Spanish now"],
        ["62", "report.yaml:23", "untranslated", "Thanks to everyone.", "Thanks to everyone."],
        ["Line", "Where the English is", "State", "English", "Spanish now"],
        [
            "70",
            "facilities/sample.yaml:24",
            "fuzzy",
            "ICE stopped using the facility. Previous English: ICE stopped using the center.",
            printed("ICE stopped using the facility.", "ICE dejó de usar el centro."),
        ],
        [
            "96",
            "facilities/sample.yaml:38",
            "fuzzy",
            "A man died after weeks without care.",
            printed("A man died after weeks without care.", "Un hombre murió tras semanas sin atención."),
        ],
    ]
    langs = [
        [attrs.get("lang") for attrs, _ in cells]
        for cls, rows in page.tables
        if "entries" in cls
        for _, cells in rows[1:]
    ]
    assert langs == [[None, None, None, "en", None]] * 3
    # The catalog's path is said once per table, in its caption; on a phone each cell names its column.
    labels = [
        [attrs.get("data-label") for attrs, _ in cells]
        for cls, rows in page.tables
        if "entries" in cls
        for _, cells in rows[1:]
    ]
    assert labels == [["Line", "Where", "State", "English", "Spanish now"]] * 3
    assert [caption for cls, caption in page.captions if "entries" in cls] == [f"In {path}, at these lines"] * 2
    assert [row[:3] for row in page.rows("pending")[1:]] == [
        ["layouts/partials/draft.html:5", "pending", "Draft"],
        [
            "layouts/partials/draft.html:5",
            "pending",
            "Not the released edition: facts and translations may still change.",
        ],
        ["layouts/partials/search.html:7", "pending", "Pages found: %(count)s"],
        ["layouts/partials/search.html:8", "pending", "No page matches this search."],
        ["layouts/partials/search.html:9", "pending", "Search is not available here."],
        ["layouts/partials/search.html:14", "pending", "Search the report"],
        ["layouts/site/base.html:18", "pending", "Skip to content"],
        ["layouts/site/base.html:27", "pending", "Language"],
        ["layouts/site/base.html:46", "pending", "Typeset in IBM Plex, under the SIL Open Font License."],
    ]


class Text(HTMLParser):
    """Collect the text of a page, and the text of each element with a given class."""

    def __init__(self, wanted: str) -> None:
        super().__init__()
        self.wanted = wanted
        self.words: list[str] = []
        self.found: list[list[str]] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.depth:
            self.depth += 1
        elif self.wanted in (dict(attrs).get("class") or "").split():
            self.depth = 1
            self.found.append([])

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        self.words.append(data)
        if self.depth:
            self.found[-1].append(data)

    def text(self) -> str:
        return " ".join(" ".join(self.words).split())

    def texts(self) -> list[str]:
        return [" ".join(" ".join(parts).split()) for parts in self.found]


STATUS_LAYOUTS = (
    "site/base.html",
    "site/status.html",
    "partials/draft.html",
    "partials/head.html",
    "partials/search.html",
)
"""The layouts the translators' status page renders with."""


def copy_status_layouts(root: Path) -> None:
    """Copy the status page's layouts from the shipped project into a fixture project."""
    for name in STATUS_LAYOUTS:
        (root / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "layouts" / name, root / "layouts" / name)


def status_page(root: Path) -> str:
    copy_status_layouts(root)
    for name in (
        "site/base.html",
        "partials/draft.html",
    ):  # their words as plain strings: this catalog has no template strings
        layout = root / "layouts" / name
        layout.write_text(re.sub(r"\b_\((['\"])", r"(\1", layout.read_text()))
    (root / "layouts/partials/search.html").write_text("")  # not on the status page; its words would be pending
    edition, _ = load_edition(root)
    _, coverage = check_translations(root, edition)
    return status_page_html(root, edition, coverage["es"])


def test_status_page_lists_strings_not_in_the_catalog_yet(tmp_path: Path) -> None:
    """A dossier sentence added and one changed after the catalog was made (issue 15, item 1)."""
    html = status_page(make_project(tmp_path, "i18n-pending"))
    page, text = Tables(), Text("stale")
    page.feed(html)
    text.feed(html)

    assert page.rows("coverage") == [
        ["Part", "Translated", "Fuzzy", "Untranslated", "Pending", "Obsolete", "Translated %"],
        ["Total", "14", "0", "0", "2", "1", "87.5%"],
        ["Templates", "0", "0", "0", "0", "0", "100.0%"],
        ["Report (report.yaml)", "7", "0", "0", "0", "0", "100.0%"],
        ["Sample Detention Center", "7", "0", "0", "2", "1", "77.8%"],
    ]
    assert page.rows("entries") == []
    assert page.rows("pending") == [
        PENDING_HEADER,
        [
            "facilities/sample.yaml:38",
            "pending, new",
            "Inspectors also found grievances that no one had recorded.",
            "Inspectors also found grievances that no one had recorded.",
        ],
        [
            "facilities/sample.yaml:43",
            "pending, other English in the catalog",
            "A man died after weeks without medical care. English in the catalog: A man died after weeks without care.",
            printed("A man died after weeks without medical care.", "Un hombre murió tras semanas sin atención."),
        ],
    ]
    assert text.texts() == [
        "Pending: 2 English strings the build uses are not in i18n/es/LC_MESSAGES/messages.po yet: the Spanish"
        " edition prints them in English. Run ./build.py extract && ./build.py update to add them to"
        " the catalog, then translate them there."
    ]
    assert "14 of 16 messages translated (87.5%), 0 fuzzy, 0 untranslated, 2 pending." in text.text()
    assert "Every message is translated" not in text.text()


def test_a_translation_with_wrong_citation_markers_is_not_counted_translated(tmp_path: Path) -> None:
    """The build prints the English for it (a footnote would be lost): check and the status page say so."""
    root = make_project(tmp_path, "i18n-citations")
    copy_status_layouts(root)
    edition, _ = load_edition(root)
    _, coverage = check_translations(root, edition)
    assert coverage["es"].total.translated < coverage["es"].total.messages
    page = Tables()
    page.feed(status_page_html(root, edition, coverage["es"]))
    assert page.rows("coverage")[1][:4] == ["Total", "13", "0", "2"]
    states = [row[2] for row in page.rows("entries")[1:]]
    assert states == ["untranslated", "untranslated"]


def test_status_page_shows_the_english_the_build_prints_for_a_plural_entry_with_an_empty_form(tmp_path: Path) -> None:
    """Its "Spanish now" showed "%(num)s página", the form the catalog has, while the build prints
    the English for every count ("1,940 pages"): it now shows that English, marked as a fallback."""
    root = make_project(tmp_path, "i18n-plural")
    po = root / "i18n/es/LC_MESSAGES/messages.po"
    forms = 'msgstr[0] "%(num)s página"\nmsgstr[1] "%(num)s páginas"\nmsgstr[2] "%(num)s páginas"\n'
    assert forms in po.read_text()
    po.write_text(po.read_text().replace(forms, 'msgstr[0] "%(num)s página"\nmsgstr[1] ""\n'))
    html = status_page(root)
    page = Tables()
    page.feed(html)
    assert page.rows("entries") == [
        ["Line", "Where the English is", "State", "English", "Spanish now"],
        [
            "133",
            "layouts/page.html:3",
            "untranslated",
            "%(num)s page | %(num)s pages",
            "%(num)s page | %(num)s pages The build prints the English; the catalog has: %(num)s página",
        ],
    ]
    assert '<span lang="en" class="fallback">%(num)s page | %(num)s pages</span>' in html
    assert '<span lang="es">%(num)s página</span>' in html


def test_status_page_names_where_each_listed_entry_is_used_and_the_edition_it_goes_with(tmp_path: Path) -> None:
    """An entry listed by its catalog line alone did not say what prints it (a PDF's back matter, the
    site, several templates), and the page did not say which edition it counted: a page left from
    an earlier build (a failed build publishes nothing) read as the catalog's state now."""
    root = make_project(tmp_path, "i18n-plural")
    po = root / "i18n/es/LC_MESSAGES/messages.po"
    forms = 'msgstr[0] "%(num)s página"\nmsgstr[1] "%(num)s páginas"\nmsgstr[2] "%(num)s páginas"\n'
    po.write_text(po.read_text().replace(forms, 'msgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""\n'))
    (root / "layouts/pdf").mkdir()
    (root / "layouts/pdf/back.html").write_text('<p>\n{{ ngettext("%(num)s page", "%(num)s pages", count) }}</p>\n')
    html = status_page(root)
    page = Tables()
    page.feed(html)
    assert [row[:3] for row in page.rows("entries")] == [
        ["Line", "Where the English is", "State"],
        ["133", "layouts/page.html:3 layouts/pdf/back.html:2", "untranslated"],
    ]
    text = Text("edition")
    text.feed(html)
    assert text.texts() == [
        "This page goes with the draft edition of June 1, 2024: it counts i18n/es/LC_MESSAGES/messages.po as the"
        " build that made this edition read it. ./build.py check counts the catalog as it is now; the next build"
        " updates this page."
    ]
    edition, _ = load_edition(root)
    _, coverage = check_translations(root, edition)
    text = Text("edition")
    text.feed(status_page_html(root, edition, coverage["es"], draft=False))
    assert text.texts()[0].startswith("This page goes with the release edition of June 1, 2024: ")


def test_status_page_says_every_message_is_translated_only_when_it_is(tmp_path: Path) -> None:
    root = make_project(tmp_path, "i18n-pending")
    shutil.copy(FIXTURES / "_base/facilities/sample.yaml", root / "facilities/sample.yaml")  # as the catalog knows it
    text = Text("complete")
    text.feed(status_page(root))
    assert text.texts() == ["Every message is translated."]
    assert "pending" not in text.text().replace("0 pending", "")


PENDING_HEADER = ["Where the English is", "State", "English", "Spanish now"]


def printed(english: str, catalog: str = "") -> str:
    """Return a "Spanish now" cell: the English the build prints, then what the catalog has, if anything."""
    return f"{english} The build prints the English; the catalog has: {catalog}" if catalog else english


STATUS_ENTRY = (
    'msgctxt "sample:status:text"\nmsgid "ICE stopped using the facility."\nmsgstr "ICE dejó de usar el centro."\n'
)


def complete_project(tmp_path: Path) -> Path:
    """Return a project whose Spanish catalog has every string the build uses, translated."""
    root = make_project(tmp_path, "i18n-pending")
    shutil.copy(FIXTURES / "_base/facilities/sample.yaml", root / "facilities/sample.yaml")  # as the catalog knows it
    return root


def as_obsolete(entry: str) -> str:
    """Return a catalog entry as msgmerge keeps it obsolete: `#~ ` lines, `#~|` previous ones, flags as they are."""
    return "".join(
        f"{line}\n" if line.startswith("#,") else f"#~{line[1:]}\n" if line.startswith("#|") else f"#~ {line}\n"
        for line in entry.splitlines()
    )


def with_status_entry(root: Path, entry: str, obsolete: str = "") -> Path:
    """Put `entry` where the Spanish catalog has the field's translated entry, and the entry `obsolete`,
    as `#~`, at its end; return the catalog's path."""
    po = root / "i18n/es/LC_MESSAGES/messages.po"
    text = po.read_text()
    assert STATUS_ENTRY in text
    po.write_text(text.replace(STATUS_ENTRY, entry) + (f"\n{as_obsolete(obsolete)}" if obsolete else ""))
    return po


def pending_rows(root: Path) -> list[list[str]]:
    page = Tables()
    page.feed(status_page(root))
    return page.rows("pending")


RESTORED_ONE = "0 new, 0 changed (now fuzzy), 0 obsolete, 1 restored"
FUZZY_ONE = "0 new, 1 changed (now fuzzy), 0 obsolete"


def updated(root: Path, summary: str, extract: bool = False) -> str | None:
    """Run `update` (after `extract`, if asked), check that it says `summary`, and return the Spanish
    catalog it wrote: what check foresaw is what update does. None where msgcat is not installed."""
    if not shutil.which("msgcat"):
        return None
    if extract:
        assert run_cli("--root", str(root), "extract")[0] == 0
    code, out, _ = run_cli("--root", str(root), "update")
    assert code == 0 and summary in out, out
    return (root / "i18n/es/LC_MESSAGES/messages.po").read_text()


def test_a_string_kept_as_obsolete_is_pending_to_restore_not_new(tmp_path: Path, fixed_today: None) -> None:
    """A translated entry a translator turned into `#~` (as msgmerge does when its English leaves the
    template): `update` restores it, so it is not new, and its translation is shown."""
    root = complete_project(tmp_path)
    with_status_entry(root, "", obsolete=STATUS_ENTRY)

    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    assert coverage_of(out)[-3:] == [
        "pending: 1 English string the build uses is not in i18n/es/LC_MESSAGES/messages.po yet"
        " (1 kept there as obsolete: update restores it): the Spanish edition prints it in English",
        "  sample: facilities/sample.yaml:24 (kept as obsolete: update restores it) 'ICE stopped using the facility.'",
        "run: ./build.py extract && ./build.py update",
    ]
    assert [line for line in out.splitlines() if line.endswith("[i18n.fallback]")] == [
        "facilities/sample.yaml:24:9: warning: Spanish translation not in use (kept as obsolete: update restores"
        " it): using the English text 'ICE stopped using the facility.' [i18n.fallback]"
    ]
    assert pending_rows(root) == [
        PENDING_HEADER,
        [
            "facilities/sample.yaml:24",
            "pending, kept as obsolete: update restores it",
            "ICE stopped using the facility.",
            printed("ICE stopped using the facility.", "ICE dejó de usar el centro."),
        ],
    ]
    if (catalog := updated(root, RESTORED_ONE)) is not None:
        assert STATUS_ENTRY in catalog


def test_a_hand_edited_msgid_is_english_in_the_catalog_not_the_previous_english(
    tmp_path: Path, fixed_today: None
) -> None:
    """The catalog's entry for the field holds English the content never had: check and the status
    page show it as what the catalog holds, not as the content's previous English."""
    root = complete_project(tmp_path)
    with_status_entry(root, STATUS_ENTRY.replace("the facility.", "the facility in 2021."))

    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    assert coverage_of(out)[-2:] == [
        "  sample: facilities/sample.yaml:24 (other English in the catalog: 'ICE stopped using the facility in 2021.')"
        " 'ICE stopped using the facility.'",
        "run: ./build.py extract && ./build.py update",
    ]
    assert pending_rows(root) == [
        PENDING_HEADER,
        [
            "facilities/sample.yaml:24",
            "pending, other English in the catalog",
            "ICE stopped using the facility. English in the catalog: ICE stopped using the facility in 2021.",
            printed("ICE stopped using the facility.", "ICE dejó de usar el centro."),
        ],
    ]


def test_an_edit_past_the_quoted_start_is_quoted_where_the_two_english_texts_differ(
    tmp_path: Path, fixed_today: None
) -> None:
    """Both quotes were the first 60 characters, the same twice, when the edit came after them; and
    the English fallback said "missing" though the catalog has a translation of the earlier English."""
    root = complete_project(tmp_path)
    dossier = root / "facilities/sample.yaml"
    text = dossier.read_text(encoding="utf-8")
    assert "and closed a year later [@news-2021]." in text
    dossier.write_text(text.replace("closed a year later", "closed two years later"), encoding="utf-8")

    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    assert coverage_of(out)[-2:] == [
        "  sample: facilities/sample.yaml:26 (other English in the catalog: '…[@gov-report-2020] and closed a"
        " year later [@news-2021].') '…[@gov-report-2020] and closed two years later [@news-2021].'",
        "run: ./build.py extract && ./build.py update",
    ]
    assert [line for line in out.splitlines() if line.endswith("[i18n.fallback]")] == [
        "facilities/sample.yaml:26:10: warning: Spanish translation out of date (the catalog has a translation of"
        " earlier English): using the English text 'The sample facility was cited for poor medical care…'"
        " [i18n.fallback]"
    ]


@pytest.mark.parametrize(
    ("first", "second", "quoted"),
    [
        ("Short and alike.", "Short and not alike.", ("Short and alike.", "Short and not alike.")),
        (  # the difference inside what `brief` keeps: its quotes show it
            "The county voted in 2021 to end the contract with ICE at its jail, after a long campaign.",
            "The county voted in 2020 to end the contract with ICE at its jail, after a long campaign.",
            ("The county voted in 2021 to end the contract…", "The county voted in 2020 to end the contract…"),
        ),
        (  # past it: both cut at the start, from the same word
            "The county voted in 2021 to end the contract with ICE at its jail, after a long campaign.",
            "The county voted in 2021 to end the contract with ICE at its prison, after a long campaign.",
            ("…with ICE at its jail, after a long campaign.", "…with ICE at its prison, after a long campaign."),
        ),
        (  # past it, and longer than `brief` keeps: cut on each side
            "The county voted in 2021 to end the contract with ICE at its jail, after a long campaign for its end.",
            "The county voted in 2021 to end the contract with ICE at its prison, after a long campaign for its end.",
            ("…with ICE at its jail, after a long campaign for…", "…with ICE at its prison, after a long campaign…"),
        ),
    ],
)
def test_two_english_texts_are_quoted_where_they_first_differ(first: str, second: str, quoted: tuple) -> None:
    assert briefs_apart(first, second, 50) == quoted


OLD_STATUS = 'msgctxt "sample:status:text"\nmsgid "ICE stopped using it."\nmsgstr "ICE dejó de usarlo."\n'


def test_a_field_whose_old_entry_is_obsolete_is_pending_with_its_translation_not_new(
    tmp_path: Path, fixed_today: None
) -> None:
    """A field deleted (its entry made `#~`), then put back with other English: `update` gives it
    that entry's translation, fuzzy, as it does for a changed sentence, so it is not new."""
    root = complete_project(tmp_path)
    with_status_entry(root, "", obsolete=OLD_STATUS)

    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    assert coverage_of(out)[-3:] == [
        "pending: 1 English string the build uses is not in i18n/es/LC_MESSAGES/messages.po yet:"
        " the Spanish edition prints it in English",
        "  sample: facilities/sample.yaml:24 (other English in the catalog: 'ICE stopped using it.')"
        " 'ICE stopped using the facility.'",
        "run: ./build.py extract && ./build.py update",
    ]
    assert pending_rows(root) == [
        PENDING_HEADER,
        [
            "facilities/sample.yaml:24",
            "pending, other English in the catalog",
            "ICE stopped using the facility. English in the catalog: ICE stopped using it.",
            printed("ICE stopped using the facility.", "ICE dejó de usarlo."),
        ],
    ]
    if (catalog := updated(root, FUZZY_ONE)) is not None:
        assert (
            '#, fuzzy\n#| msgid "ICE stopped using it."\nmsgctxt "sample:status:text"\n'
            'msgid "ICE stopped using the facility."\nmsgstr "ICE dejó de usarlo."\n'
        ) in catalog
        assert '#~ msgid "ICE stopped using it."' not in catalog


@pytest.mark.parametrize("obsolete", [False, True], ids=["fuzzy", "fuzzy-obsolete"])
def test_english_back_to_what_a_fuzzy_entry_was_translated_from_is_pending_to_restore(
    tmp_path: Path, fixed_today: None, obsolete: bool
) -> None:
    """The field's fuzzy entry (active, or kept as `#~`) was translated from the content's English
    (`#| msgid`), which came back: `update` restores that translation, not fuzzy, so it has no
    other English to review."""
    root = complete_project(tmp_path)
    fuzzy = '#, fuzzy\n#| msgid "ICE stopped using the facility."\n' + STATUS_ENTRY.replace(
        "the facility.", "the facility in 2021."
    )
    with_status_entry(root, "", obsolete=fuzzy) if obsolete else with_status_entry(root, fuzzy)

    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    # Not "missing": the catalog translates this very English, as the pending note says.
    assert [line for line in out.splitlines() if line.endswith("[i18n.fallback]")] == [
        "facilities/sample.yaml:24:9: warning: Spanish translation not in use (a fuzzy entry was translated from"
        " it: update restores it): using the English text 'ICE stopped using the facility.' [i18n.fallback]"
    ]
    assert coverage_of(out)[-3:] == [
        "pending: 1 English string the build uses is not in i18n/es/LC_MESSAGES/messages.po yet"
        " (1 that a fuzzy entry was translated from: update restores it): the Spanish edition prints it in English",
        "  sample: facilities/sample.yaml:24 (a fuzzy entry was translated from it: update restores it)"
        " 'ICE stopped using the facility.'",
        "run: ./build.py extract && ./build.py update",
    ]
    assert pending_rows(root) == [
        PENDING_HEADER,
        [
            "facilities/sample.yaml:24",
            "pending, a fuzzy entry was translated from it: update restores it",
            "ICE stopped using the facility. English in the catalog: ICE stopped using the facility in 2021.",
            printed("ICE stopped using the facility.", "ICE dejó de usar el centro."),
        ],
    ]
    if (catalog := updated(root, RESTORED_ONE)) is not None:
        assert STATUS_ENTRY in catalog and "fuzzy" not in catalog


def test_a_rename_undone_before_review_is_pending_to_restore_not_moved(tmp_path: Path, fixed_today: None) -> None:
    """A file renamed, `extract` and `update` run, then the name put back: the fuzzy entry of the
    other context was translated under this one (`#| msgctxt`) from this English, so `update`
    restores it as it was, and check, the JSON and the status page say so, not "moved from"."""
    root = complete_project(tmp_path)
    renamed = STATUS_ENTRY.replace('msgctxt "sample:', 'msgctxt "samples:')
    with_status_entry(
        root,
        '#, fuzzy\n#| msgctxt "sample:status:text"\n#| msgid "ICE stopped using the facility."\n' + renamed,
    )

    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    assert coverage_of(out)[-3:] == [
        "pending: 1 English string the build uses is not in i18n/es/LC_MESSAGES/messages.po yet"
        " (1 that a fuzzy entry was translated from: update restores it): the Spanish edition prints it in English",
        "  sample: facilities/sample.yaml:24 (a fuzzy entry was translated from it: update restores it)"
        " 'ICE stopped using the facility.'",
        "run: ./build.py extract && ./build.py update",
    ]
    code, out, _ = run_cli("--root", str(root), "check", "--format", "json")
    [pending] = json.loads(out)["coverage"]["es"]["pending"]
    assert {key: pending[key] for key in ("change", "from_context", "from_english", "moved_from")} == {
        "change": "restored",
        "from_context": "samples:status:text",
        "from_english": None,
        "moved_from": None,
    }
    assert pending_rows(root) == [
        PENDING_HEADER,
        [
            "facilities/sample.yaml:24",
            "pending, a fuzzy entry was translated from it: update restores it",
            "ICE stopped using the facility.",
            printed("ICE stopped using the facility.", "ICE dejó de usar el centro."),
        ],
    ]
    if (catalog := updated(root, RESTORED_ONE)) is not None:
        assert STATUS_ENTRY in catalog and "fuzzy" not in catalog and "samples:" not in catalog


def test_a_template_string_close_to_other_english_is_pending_with_that_translation_not_new(
    tmp_path: Path, fixed_today: None
) -> None:
    """A template string reworded: `update` gives it the translation of the closest English the
    catalog leaves behind (difflib, as msgmerge's fuzzy matching), fuzzy, so it is not new."""
    root = complete_project(tmp_path)
    (root / "layouts").mkdir()
    (root / "layouts/page.html").write_text('<p>{{ _("Skip to the list of sources") }}</p>\n')
    po = root / "i18n/es/LC_MESSAGES/messages.po"
    po.write_text(po.read_text() + '\n#: layouts/page.html:1\nmsgid "Skip to the sources"\nmsgstr "Ir a las fuentes"\n')

    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    assert coverage_of(out)[-2:] == [
        "  templates: layouts/page.html:1 (close to 'Skip to the sources' in the catalog: update gives it that"
        " translation, fuzzy) 'Skip to the list of sources'",
        "run: ./build.py extract && ./build.py update",
    ]
    # Not "missing", at column 1: the catalog has the earlier English's translation, as for a dossier's
    # changed sentence, and the string starts at column 9.
    assert [line for line in out.splitlines() if line.startswith("layouts/")] == [
        "layouts/page.html:1:9: warning: Spanish translation out of date (the catalog has a translation of earlier"
        " English): using the English text 'Skip to the list of sources' [i18n.fallback]",
        "layouts/page.html:1:9: warning: i18n/messages.pot is out of date for this file (1 new or changed); run:"
        " ./build.py extract && ./build.py update [i18n.stale]",
    ]
    code, out, _ = run_cli("--root", str(root), "check", "--format", "json")
    [pending] = json.loads(out)["coverage"]["es"]["pending"]
    assert {key: pending[key] for key in ("change", "from_context", "from_english", "moved_from")} == {
        "change": "close",
        "from_context": None,
        "from_english": "Skip to the sources",
        "moved_from": None,
    }
    assert pending_rows(root) == [
        PENDING_HEADER,
        [
            "layouts/page.html:1",
            "pending, close to other English in the catalog: update gives it that translation, fuzzy",
            "Skip to the list of sources English in the catalog: Skip to the sources",
            printed("Skip to the list of sources", "Ir a las fuentes"),
        ],
    ]
    if (catalog := updated(root, FUZZY_ONE, extract=True)) is not None:
        assert (
            '#: layouts/page.html:1\n#, fuzzy\n#| msgid "Skip to the sources"\n'
            'msgid "Skip to the list of sources"\nmsgstr "Ir a las fuentes"\n'
        ) in catalog


def test_the_json_says_what_update_does_with_each_pending_string(tmp_path: Path, fixed_today: None) -> None:
    """`change` tells scripts the labels apart, with the entry's other context or English, if any."""
    root = make_project(tmp_path, "i18n-pending")
    with_status_entry(root, "", obsolete=STATUS_ENTRY)
    (root / "layouts").mkdir()
    (root / "layouts/page.html").write_text('<p>{{ _("Skip to the sources") }}</p>\n')
    code, out, _ = run_cli("--root", str(root), "check", "--format", "json")
    assert code == 0
    pending = json.loads(out)["coverage"]["es"]["pending"]
    assert [(p["file"], p["change"], p["from_context"], p["from_english"], p["moved_from"]) for p in pending] == [
        ("layouts/page.html", "", None, None, None),
        ("facilities/sample.yaml", "kept", None, None, None),
        ("facilities/sample.yaml", "new", None, None, None),
        ("facilities/sample.yaml", "other-english", None, "A man died after weeks without care.", None),
    ]


@pytest.mark.skipif(not HAS_MSGFMT, reason="GNU gettext is not installed")
def test_pending_strings_leave_the_msgfmt_counts_of_the_rest(tmp_path: Path) -> None:
    """msgfmt counts the catalog: the strings the build uses that are in it, plus the old English of
    the changed sentence, which the build no longer uses; the pending ones are what it lacks."""
    root = make_project(tmp_path, "i18n-pending")
    edition, _ = load_edition(root)
    _, coverage = check_translations(root, edition)
    total = coverage["es"].total
    assert (total.translated, total.fuzzy, total.untranslated, total.pending) == (14, 0, 0, 2)
    po = root / "i18n/es/LC_MESSAGES/messages.po"
    assert msgfmt_statistics(po) == (total.translated + 1, total.fuzzy, total.untranslated)
    with open(po, "rb") as handle:
        catalog = read_po(handle, locale="es")
    catalog.delete("A man died after weeks without care.", "sample:deaths.unnamed-2020:text")
    buffer = io.BytesIO()
    write_po(buffer, catalog)
    po.write_bytes(buffer.getvalue())
    assert msgfmt_statistics(po) == (total.translated, total.fuzzy, total.untranslated)


@pytest.mark.skipif(not HAS_MSGFMT, reason="GNU gettext is not installed")
def test_a_fuzzy_entry_without_a_translation_counts_once_as_untranslated_like_msgfmt(tmp_path: Path) -> None:
    """msgfmt --statistics counts a fuzzy entry whose msgstr is empty as untranslated, not fuzzy:
    so do the totals, and `check` lists it once (the fixture's expected.txt)."""
    root = make_project(tmp_path, "i18n-fuzzy-empty")
    edition, _ = load_edition(root)
    _, coverage = check_translations(root, edition)
    total = coverage["es"].total
    assert (total.translated, total.fuzzy, total.untranslated, total.pending) == (16, 0, 2, 0)
    assert msgfmt_statistics(root / "i18n/es/LC_MESSAGES/messages.po") == (16, 0, 2)


def test_a_changed_template_string_makes_the_pot_stale(tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path, "i18n-untranslated")
    (root / "layouts").mkdir()
    (root / "layouts/page.html").write_text('<p>{{ _("Skip to the sources") }}</p>\n')
    pot = root / "i18n/messages.pot"
    pot.write_text(
        pot.read_text() + '\n#: facilities/gone.yaml:3\nmsgctxt "gone:summary"\nmsgid "Removed."\nmsgstr ""\n'
    )
    code, out, _ = run_cli("--root", str(root), "check")
    stale = [line for line in out.splitlines() if line.endswith("[i18n.stale]")]
    assert stale == [
        "facilities/gone.yaml: warning: i18n/messages.pot is out of date for this file (1 removed);"
        " run: ./build.py extract && ./build.py update [i18n.stale]",
        "i18n/es/LC_MESSAGES/messages.po: warning: 1 message of i18n/messages.pot is not in this catalog"
        " (first: 'Removed.'); run: ./build.py update [i18n.stale]",
        "layouts/page.html:1:9: warning: i18n/messages.pot is out of date for this file (1 new or changed);"
        " run: ./build.py extract && ./build.py update [i18n.stale]",
    ]
    assert code == 0


def test_a_template_strings_plural_english_changed_makes_the_pot_and_catalog_stale(
    tmp_path: Path, fixed_today: None
) -> None:
    """The key is the msgid, but the English is the plural's too: "room for %(num)s people" edited
    to "space for …" was 'up to date' for check (no i18n.stale) while `extract` rewrote the .pot,
    and after it, while `update` had that entry to merge."""
    root = make_project(tmp_path, "i18n-untranslated")
    (root / "layouts").mkdir()
    call = 'ngettext("room for %(num)s person", "{plural}", n, num=n)'
    page = root / "layouts/page.html"
    page.write_text("<p>{{ " + call.format(plural="space for %(num)s people") + " }}</p>\n")
    entry = (
        '\n#: layouts/page.html:1\n#, python-format\nmsgid "room for %(num)s person"\n'
        'msgid_plural "room for %(num)s people"\nmsgstr[0] "{one}"\nmsgstr[1] "{other}"\n'
    )
    pot, po = root / "i18n/messages.pot", root / "i18n/es/LC_MESSAGES/messages.po"
    pot.write_text(pot.read_text() + entry.format(one="", other=""))
    spanish = entry.format(one="capacidad para %(num)s persona", other="capacidad para %(num)s personas")
    po.write_text(po.read_text() + spanish)
    code, out, _ = run_cli("--root", str(root), "check")
    assert [line for line in stale_of(out) if "layouts" in line] == [
        "layouts/page.html:1:16: warning: i18n/messages.pot is out of date for this file (1 new or changed, 1 removed);"
        " run: ./build.py extract && ./build.py update [i18n.stale]",
    ]
    # The entry translates the plural English it was made from: the build printed "personas" for
    # "space for … people" and coverage counted it translated. It prints the English, and says so.
    catalog = parse_catalog(po.read_bytes(), "i18n/es/LC_MESSAGES/messages.po", "es")
    spanish = Localizer("es", "en", catalog, "es_US")
    printed = spanish.ngettext("room for %(num)s person", "space for %(num)s people", 2)
    assert (printed, type(printed).__name__) == ("space for %(num)s people", "_EnglishFallback")
    assert [line for line in out.splitlines() if "[i18n.fallback]" in line and "room for" in line] == [
        "layouts/page.html:1:16: warning: Spanish translation out of date (the catalog has a translation of earlier"
        " English): using the English text 'room for %(num)s person' [i18n.fallback]"
    ]
    table = coverage_of(out)
    assert table[3].split() == ["templates", "0", "0", "0", "1", "0", "0.0%"]
    assert (
        "  templates: layouts/page.html:1 (close to 'room for %(num)s people' in the catalog: update gives it that"
        " translation, fuzzy) 'space for %(num)s people'"
    ) in table
    # The .pot extracted again (its entry as `extract` writes it), the catalog not yet updated.
    pot.write_text(
        pot.read_text().replace('msgid_plural "room for %(num)s people"', 'msgid_plural "space for %(num)s people"')
    )
    code, out, _ = run_cli("--root", str(root), "check")
    line = po.read_text().splitlines().index('msgid "room for %(num)s person"') + 1
    assert [line for line in stale_of(out) if "room for" in line or "space for" in line] == [
        "i18n/es/LC_MESSAGES/messages.po: warning: 1 message of i18n/messages.pot is not in this catalog"
        " (first: 'space for %(num)s people'); run: ./build.py update [i18n.stale]",
        f"i18n/es/LC_MESSAGES/messages.po:{line}:1: warning: 'room for %(num)s people' is no longer in"
        " i18n/messages.pot; run: ./build.py update [i18n.stale]",
    ]


def coverage_of(out: str) -> list[str]:
    """Return the coverage table a `check` or `build` printed, from its header line to its last row or note."""
    lines = out.splitlines()
    start = lines.index("Spanish (es): i18n/es/LC_MESSAGES/messages.po")
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


AS_OF_EXTRACT = (
    "counted as of the last extract: the strings of {path}, which cannot be read, as i18n/messages.pot has them"
    " (an edit made since is not counted)"
)
REFUSES = "fix the errors in the content and templates first (extract refuses until then), then run:"
EDITED = "The sample facility was cited for poor care"
"""The fixture dossier's summary, edited since the last extract (it was "poor medical care")."""


def edited_sample(tmp_path: Path) -> tuple[Path, str]:
    """Return a project whose valid dossier has one sentence edited since the last extract, and its text."""
    root = make_project(tmp_path, "i18n-dossier-error")
    path = root / "facilities" / "sample.yaml"
    text = path.read_text(encoding="utf-8").replace("2020-13-01", "2020-03-01")
    text = text.replace("The sample facility was cited for poor medical care", EDITED)
    path.write_text(text, encoding="utf-8")
    return root, text


def stale_of(out: str) -> list[str]:
    """Return the `i18n.stale` findings a `check` printed."""
    return [line for line in out.splitlines() if line.endswith("[i18n.stale]")]


@pytest.mark.parametrize(
    ("old", "new", "refuses"),
    [
        pytest.param("    date: 2020-03-01\n", "    date: 2021-02-30\n", True, id="impossible-date"),
        pytest.param("    count: 1200\n", "    count: many\n", True, id="wrong-type"),
        pytest.param("  county: Kern County\n", "  # county: Kern County\n", True, id="missing-required"),
        pytest.param(
            "  reviewer: A. Editor\n", "  reviewer: A. Editor\n  status: verified\n", True, id="duplicate-key"
        ),
        pytest.param(
            "    as_of: 2020-05\n    sources: [gov-report-2020]\n",
            "    sources: [gov-report-2020]\n  - {id: beds, count: 900, measure: capacity, unit: beds, sources: [news-2021]}\n",
            True,
            id="duplicate-id",
        ),
        pytest.param("  sources: [news-2021]\nsummary", "  sources: [news-2022]\nsummary", False, id="unknown-source"),
    ],
)
def test_a_dossier_with_errors_is_counted_from_what_can_be_read(
    old: str, new: str, refuses: bool, tmp_path: Path, fixed_today: None
) -> None:
    """A sentence edited since the last extract stays pending, and messages.pot stale, whatever error
    the dossier has besides: check, its JSON and the build's table say what they said before it."""
    root, text = edited_sample(tmp_path)
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0 and re.search(r"; es 86\.7% translated \(\d+\.\d s\)$", out.rstrip()), out
    stale = (
        "facilities/sample.yaml:26:10: warning: i18n/messages.pot is out of date for this file"
        " (1 new or changed, 1 removed); {run} ./build.py extract && ./build.py update [i18n.stale]"
    )
    assert stale_of(out) == [stale.format(run="run:")]
    table = coverage_of(out)
    assert table[2:4] == [
        "total              13       0             1        1         1    86.7%",
        "templates           0       0             0        0         0   100.0%",
    ]
    assert table[5:8] == [
        "sample              6       0             1        1         1    75.0%",
        "pending: 1 English string the build uses is not in i18n/es/LC_MESSAGES/messages.po yet: the Spanish"
        " edition prints it in English",
        "  sample: facilities/sample.yaml:26 (other English in the catalog: 'The sample facility was cited for poor"
        " medical care…') 'The sample facility was cited for poor care…'",
    ]
    _, data, _ = run_cli("--root", str(root), "check", "--format", "json")
    coverage = json.loads(data)["coverage"]["es"]

    assert old in text
    (root / "facilities" / "sample.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1 and re.search(r"^facilities/sample\.yaml:\d+:\d+: error: ", out, re.M), out
    assert re.search(r"; es 86\.7% translated \(\d+\.\d s\)$", out.rstrip()), out
    assert stale_of(out) == [stale.format(run=REFUSES if refuses else "run:")]
    advice = f"{REFUSES if refuses else 'run:'} ./build.py extract && ./build.py update"
    assert coverage_of(out) == [*table[:-1], advice]
    _, data, _ = run_cli("--root", str(root), "check", "--format", "json")
    assert json.loads(data)["coverage"]["es"] == coverage
    code, built, _ = run_cli("--root", str(root), "build")
    assert code == 1 and coverage_of(built) == coverage_of(out)


@pytest.mark.parametrize(
    "breakage",
    [
        pytest.param(lambda text: text.replace("\n  date: 2021-03", "\n\tdate: 2021-03", 1), id="tab"),
        pytest.param(lambda text: "\ufeff" + text, id="bom"),
        pytest.param(lambda text: text.replace("name: Sample", "name: 'Sample", 1), id="unclosed-quote"),
    ],
)
def test_a_dossier_that_cannot_be_read_counts_with_the_pot_strings_and_says_so(
    breakage, tmp_path: Path, fixed_today: None
) -> None:
    """Its strings are those messages.pot has for it, as of the last extract: its untranslated one
    is still counted, and `check`, its JSON and `build` say that an edit made since is not."""
    root = make_project(tmp_path, "i18n-dossier-error")
    path = root / "facilities" / "sample.yaml"
    valid = path.read_text(encoding="utf-8").replace("2020-13-01", "2020-03-01")
    path.write_text(valid, encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0 and re.search(r"; es 93\.3% translated \(\d+\.\d s\)$", out.rstrip())
    expected = coverage_of(out)
    assert expected == (FIXTURES / "i18n-dossier-error" / "coverage.txt").read_text().splitlines()
    path.write_text(breakage(valid), encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1 and re.search(r"^facilities/sample\.yaml:\d+:\d+: error: ", out, re.M), out
    assert coverage_of(out) == [*expected, AS_OF_EXTRACT.format(path="facilities/sample.yaml")]
    assert re.search(
        r"; es 93\.3% translated \(facilities/sample\.yaml as of the last extract\) \(\d+\.\d s\)$", out.rstrip()
    )
    assert "[i18n.stale]" not in out
    code, built, _ = run_cli("--root", str(root), "build")
    assert code == 1 and coverage_of(built) == coverage_of(out)
    code, out, _ = run_cli("--root", str(root), "check", "--format", "json")
    es = json.loads(out)["coverage"]["es"]
    assert (es["total"]["percent"], es["left_out"], es["as_of_extract"]) == (93.3, [], ["facilities/sample.yaml"])


def test_the_prose_read_from_a_dossier_is_what_its_record_gives() -> None:
    """`dossier_texts`, which counts a dossier that does not load, gives every loaded dossier's texts,
    with their contexts, comments and places: the shipped ones and every fixture's."""
    dossiers = [p for p in (REPO / "facilities").glob("*.yaml") if p.name != "sources.yaml"]
    dossiers += [p for p in FIXTURES.glob("*/facilities/*.yaml") if p.name != "sources.yaml"]
    loaded = 0
    for path in sorted(dossiers):
        rel = f"facilities/{path.name}"
        facility, _findings = read_dossier(path.read_bytes(), rel)
        if facility is not None:
            assert dossier_texts(path.read_bytes(), rel) == tuple(facility.texts()), path
            loaded += 1
    assert loaded > 20


def test_a_real_dossier_edited_then_broken_keeps_its_pending_sentence(tmp_path: Path) -> None:
    """The tester's case: LaSalle's summary edited, then an impossible date. The coverage stays 99.8%
    with the .pot stale; broken so that it cannot be read, it says it counts LaSalle as of the last
    extract, and the status page no longer says every message is translated."""
    from .conftest import copy_project

    root = copy_project(tmp_path / "p")
    dossier = root / "facilities" / "lasalle.yaml"
    lines = dossier.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[71] == "  Run by The GEO Group as an ICE detention center in Jena, Louisiana, the\n"
    assert lines[81] == "    date: 2015-10/2015-11\n"
    lines[71] = "  Run by The GEO Group as an immigration detention center in Jena, Louisiana, the\n"
    dossier.write_text("".join(lines), encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0 and re.search(r"; es 99\.8% translated \(\d+\.\d s\)$", out.rstrip()), out
    stale = (
        "facilities/lasalle.yaml:71:10: warning: i18n/messages.pot is out of date for this file"
        " (1 new or changed, 1 removed); {run} ./build.py extract && ./build.py update [i18n.stale]"
    )
    assert stale_of(out) == [stale.format(run="run:")]
    row = "lasalle            11       0             0        1         0    91.7%"
    assert row in coverage_of(out)

    lines[81] = "    date: 2021-02-30\n"
    dossier.write_text("".join(lines), encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1 and "facilities/lasalle.yaml:82:11: error: impossible date '2021-02-30'" in out
    assert re.search(r"; es 99\.8% translated \(\d+\.\d s\)$", out.rstrip()), out
    assert stale_of(out) == [stale.format(run=REFUSES)]
    assert row in coverage_of(out)

    lines[83] = "\tdate: 2021-02-30\n"
    dossier.write_text("".join(lines), encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1 and "[i18n.stale]" not in out
    assert coverage_of(out)[-1] == AS_OF_EXTRACT.format(path="facilities/lasalle.yaml")
    assert re.search(
        r"; es 100\.0% translated \(facilities/lasalle\.yaml as of the last extract\) \(\d+\.\d s\)$",
        out.rstrip(),
    ), out
    edition, _ = load_edition(root)
    _, coverage = check_translations(root, edition)
    text = Text("stale")
    text.feed(status_page_html(root, edition, coverage["es"]))
    assert text.texts() == [  # `Text` joins the text around each <code> with a space
        "Counted as of the last extract: the strings of facilities/lasalle.yaml , which cannot be read,"
        " as i18n/messages.pot has them (an edit made since is not counted)."
    ]
    assert "Every message is translated." not in text.text()


def test_a_broken_dossier_the_pot_has_no_strings_for_is_not_counted_and_the_coverage_says_so(
    tmp_path: Path, fixed_today: None
) -> None:
    root = make_project(tmp_path, "i18n-untranslated")
    (root / "facilities" / "other.yaml").write_text("id: other\nname: Other\n\tsummary: x\n", encoding="utf-8")
    report = root / "report.yaml"
    report.write_text(report.read_text().replace("facilities: [sample]", "facilities: [sample, other]"))
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1
    assert coverage_of(out)[-1] == (
        "not counted: the strings of facilities/other.yaml, which cannot be read and i18n/messages.pot does not have"
    )
    assert re.search(r"; es 93\.3% translated \(not counting facilities/other\.yaml\) \(\d+\.\d s\)$", out.rstrip())
    code, built, _ = run_cli("--root", str(root), "build")
    assert code == 1 and coverage_of(built) == coverage_of(out)
    code, out, _ = run_cli("--root", str(root), "check", "--format", "json")
    assert json.loads(out)["coverage"]["es"]["left_out"] == ["facilities/other.yaml"]
    text = Text("stale")
    text.feed(status_page(root))
    assert text.texts() == [  # `Text` joins the text around each <code> with a space
        "Not counted: the strings of facilities/other.yaml , which cannot be read and i18n/messages.pot does not have."
    ]


def test_the_table_says_how_many_untranslated_entries_msgfmt_counts_as_translated(tmp_path: Path) -> None:
    """Two translations with wrong citation markers count as untranslated (the build prints the
    English), where msgfmt --statistics counts them translated: the table says so under it, and
    a catalog with CRLF line ends, which msgfmt reads, says its pending strings are what it could
    not read."""
    root = make_project(tmp_path, "i18n-citations")
    _, out, _ = run_cli("--root", str(root), "check")
    note = (
        "untranslated: 2 of them msgfmt counts as translated (a plural form empty, the English copied"
        " unchanged, or a translation the build cannot print: see the findings above); the build prints them"
        " in English"
    )
    assert note in out.splitlines()
    po = root / "i18n/es/LC_MESSAGES/messages.po"
    po.write_bytes(po.read_bytes().replace(b"\n", b"\r\n"))
    _, out, _ = run_cli("--root", str(root), "check")
    assert note not in out.splitlines()
    assert "cannot be read at all, so none is there as far as it can be read (they are not listed one by one)" in out
    # not one line per string of the project, each called "(new)" though the catalog has it (translator)
    assert [line for line in out.splitlines() if "(new" in line] == []
    assert "fix the errors in i18n/es/LC_MESSAGES/messages.po first" in out.splitlines()


def test_the_json_and_the_status_page_say_how_many_untranslated_entries_msgfmt_counts_as_translated(
    tmp_path: Path, fixed_today: None
) -> None:
    """One plural entry with 3 forms where the header says nplurals=2: msgfmt counts it translated,
    the table untranslated, and the JSON and the status page say so with the table's number."""
    root = make_project(tmp_path, "i18n-plural")
    _, out, _ = run_cli("--root", str(root), "check", "--format", "json")
    es = json.loads(out)["coverage"]["es"]
    assert (es["total"]["untranslated"], es["unusable"]) == (1, 1)
    note = Text("unusable")
    note.feed(status_page(root))
    assert note.texts() == [
        "Untranslated: 1 of them msgfmt counts as translated (a plural form empty, the English copied"
        " unchanged, or a translation the build cannot print: ./build.py check says why); the build prints it"
        " in English."
    ]
    fine = make_project(tmp_path / "fine", "i18n-untranslated")  # its one untranslated entry is empty
    _, out, _ = run_cli("--root", str(fine), "check", "--format", "json")
    assert json.loads(out)["coverage"]["es"]["unusable"] == 0
    note = Text("unusable")
    note.feed(status_page(fine))
    assert note.texts() == []


@pytest.mark.slow
def test_a_listed_dossier_deleted_or_renamed_counts_with_the_pot_strings(tmp_path: Path) -> None:
    """Its row and strings stay (as for a dossier with an error), the file renamed is not published
    so it is neither pending nor a fallback, and no advice says to run a command that refuses."""
    from .conftest import copy_project

    root = copy_project(tmp_path / "p")
    code, out, _ = run_cli("--root", str(root), "check")
    expected = coverage_of(out)
    assert code == 0 and "\nlasalle            12       0             0        0         0   100.0%\n" in out
    dossier = root / "facilities" / "lasalle.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.rename(root / "facilities" / "la-salle.yaml")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1 and coverage_of(out) == [*expected, AS_OF_EXTRACT.format(path="facilities/lasalle.yaml")], out
    assert "[i18n.fallback]" not in out and "[i18n.stale]" not in out and "la-salle " not in out
    assert "facilities/la-salle.yaml:1:1: warning: 'la-salle' is not in the facilities list" in out
    (root / "facilities" / "la-salle.yaml").unlink()
    code, out, _ = run_cli("--root", str(root), "check")
    as_of = [*expected, AS_OF_EXTRACT.format(path="facilities/lasalle.yaml")]
    assert code == 1 and coverage_of(out) == as_of and "[i18n.stale]" not in out
    errors = [line for line in out.splitlines() if ": error: " in line]
    assert errors == [
        "report.yaml:16:5: error: no dossier 'facilities/lasalle.yaml' for facility 'lasalle' [report.unknown-facility]"
    ]
    # A stale .pot while extract would refuse: the advice says to fix the errors first.
    adelanto = root / "facilities" / "adelanto.yaml"
    adelanto.write_text(
        adelanto.read_text().replace("Coverage of the First Ten launch reported that", "Reporting said that", 1)
    )
    code, out, _ = run_cli("--root", str(root), "check")
    first = "fix the errors in the content and templates first (extract refuses until then), then run:"
    assert re.search(
        rf"^facilities/adelanto\.yaml:\d+:\d+: warning: i18n/messages\.pot is out of date for this file "
        rf"\(1 new or changed, 1 removed\); {re.escape(first)} \./build\.py extract && \./build\.py update \[i18n\.stale\]$",
        out,
        re.M,
    ), out
    assert coverage_of(out)[-2:] == [
        f"{first} ./build.py extract && ./build.py update",
        AS_OF_EXTRACT.format(path="facilities/lasalle.yaml"),
    ]
    assert run_cli("--root", str(root), "extract")[0] == 1
    dossier.write_text(text, encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check")
    assert coverage_of(out)[-1] == "run: ./build.py extract && ./build.py update" and first not in out
    assert run_cli("--root", str(root), "extract")[0] == 0


@pytest.mark.slow
def test_a_renamed_id_is_pending_as_moved_with_the_translation_update_will_give(tmp_path: Path) -> None:
    """Not "(new)" with nothing in "Spanish now": check, the JSON and the status page name the
    context `update` takes the translation from, and `update` then does take it from there."""
    from report.i18n.extract import babel_catalog, previous_context

    from .conftest import copy_project

    root = copy_project(tmp_path / "p")
    stewart = root / "facilities" / "stewart.yaml"
    stewart.write_text(stewart.read_text().replace("  - id: beds-1966\n", "  - id: beds-1966x\n", 1))
    old, new = "stewart:capacity.beds-1966:note", "stewart:capacity.beds-1966x:note"
    code, out, _ = run_cli("--root", str(root), "check")
    table = coverage_of(out)
    assert table[-3:] == [
        "pending: 1 English string the build uses is not in i18n/es/LC_MESSAGES/messages.po yet (1 moved from"
        " another context: update gives it that translation, fuzzy): the Spanish edition prints it in English",
        f"  stewart: facilities/stewart.yaml:43 (moved from {old}) 'The maximum capacity reported by the DHS"
        " Inspector General.'",
        "run: ./build.py extract && ./build.py update",
    ]
    code, out, _ = run_cli("--root", str(root), "check", "--format", "json")
    [pending] = json.loads(out)["coverage"]["es"]["pending"]
    assert (pending["part"], pending["line"], pending["moved_from"]) == ("stewart", 43, old)
    assert (pending["change"], pending["from_context"], pending["from_english"]) == ("moved", old, None)
    edition, _ = load_edition(root)
    _, coverage = check_translations(root, edition)
    page = Tables()
    page.feed(status_page_html(root, edition, coverage["es"]))
    po = root / "i18n/es/LC_MESSAGES/messages.po"
    spanish = next(m.string for m in babel_catalog(po.read_text(), "es") if m.context == old)
    assert page.rows("pending") == [
        PENDING_HEADER,
        [
            "facilities/stewart.yaml:43",
            f"pending, moved from {old}",
            "The maximum capacity reported by the DHS Inspector General.",
            printed("The maximum capacity reported by the DHS Inspector General.", spanish),
        ],
    ]
    for command in ("extract", "update"):
        assert run_cli("--root", str(root), command)[0] == 0
    moved = next(m for m in babel_catalog(po.read_text(), "es") if m.context == new)
    assert (moved.string, previous_context(moved)) == (spanish, old)


DEATH_ENTRY = (
    'msgctxt "sample:deaths.unnamed-2020:text"\nmsgid "A man died after weeks without care."\n'
    'msgstr "Un hombre murió tras semanas sin atención."\n'
)
DEATH_ITEM = (
    "deaths:\n  - id: unnamed-2020\n    date: 2020-03-01\n    text: A man died after weeks without care.\n"
    "    sources: [gov-report-2020]\n"
)


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(DEATH_ENTRY, id="translated"),
        pytest.param(DEATH_ENTRY.split('msgstr "')[0] + 'msgstr ""\n', id="untranslated"),
        pytest.param("#, fuzzy\n" + DEATH_ENTRY, id="fuzzy"),
        pytest.param("# REVIEW: is 'tras' right?\n" + DEATH_ENTRY, id="review"),
    ],
)
def test_an_entry_the_build_no_longer_uses_is_stale_whatever_its_state(
    tmp_path: Path, fixed_today: None, entry: str
) -> None:
    """A writer deletes an item whose translation was not done. `check` and `release` said "100.0%
    translated, 0 untranslated (1 to do)" and listed the entry as not translated (an error under
    --release) for a sentence the report no longer prints, where a translated one got no finding
    of its own. Now the entries the build no longer uses are all alike: the .pot is stale for the
    dossier (`extract && update` drops the entry, or keeps it obsolete), and nothing is left to
    do in the catalog but bring its `#:` references up to date (the deletion moved the lines after
    it), as the counts and that one warning say."""
    root = complete_project(tmp_path)
    po = root / "i18n/es/LC_MESSAGES/messages.po"
    text = po.read_text(encoding="utf-8")
    assert DEATH_ENTRY in text
    po.write_text(text.replace(DEATH_ENTRY, entry), encoding="utf-8")
    dossier = root / "facilities/sample.yaml"
    text = dossier.read_text(encoding="utf-8")
    assert DEATH_ITEM in text
    dossier.write_text(text.replace(DEATH_ITEM, ""), encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check", "--format", "json")
    data = json.loads(out)
    assert code == 0
    moved = (
        po.read_text(encoding="utf-8").splitlines().index('msgid "Local groups campaigned for closure [@news-2021]."')
    )
    assert [(f["path"], f["line"], f["code"], f["message"]) for f in data["findings"]] == [
        (
            "facilities/sample.yaml",
            0,
            "i18n.stale",
            "i18n/messages.pot is out of date for this file (1 removed); run: ./build.py extract && ./build.py update",
        ),
        (
            CATALOG,
            moved + 1,
            "i18n.stale",
            "the `#:` references of 4 messages are out of date (first: 'Local groups campaigned for closure"
            " [@news-2021].': #: facilities/sample.yaml:41, the English is at facilities/sample.yaml:36), so a PO"
            " editor shows the wrong source lines; run: ./build.py extract && ./build.py update",
        ),
    ]
    assert data["coverage"]["es"]["total"] == {
        "translated": 14,
        "fuzzy": 0,
        "untranslated": 0,
        "pending": 0,
        "obsolete": 1,
        "percent": 100.0,
    }
    code, out, _ = run_cli("--root", str(root), "release")
    assert code == 1
    assert (
        "Translators: Spanish (es): 100.0% translated, 0 fuzzy, 0 untranslated, 0 pending (1 to do)\n"
        f"  [ ] i18n/es/LC_MESSAGES/messages.po:{moved + 1}:1: the `#:` references of 4 messages are out of date"
    ) in out
    assert out.splitlines()[-1] == "release: 2 items to do (2 translations): nothing was written to dist/"


PO_HEADER = (
    'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
)
CATALOG = "i18n/es/LC_MESSAGES/messages.po"
CATCH_UP = "run: ./build.py extract && ./build.py update (they drop the entry or keep it obsolete, or give its translation to the new English as a fuzzy entry, this mistake included: correct it there)"


@pytest.mark.parametrize(
    ("entry", "key", "code", "mistake"),
    [
        pytest.param(
            'msgctxt "sample:deaths.unnamed-2020:text"\nmsgid "A man died after weeks without care."\n'
            'msgstr "Un hombre murió tras semanas sin atención [@news-2021]."\n',
            ("sample:deaths.unnamed-2020:text", "A man died after weeks without care."),
            "i18n.citations",
            "citation markers differ from the English 'A man died after weeks without care.': extra [@news-2021]",
            id="citation",
        ),
        pytest.param(
            'msgid "Download the report (%(size)s)"\nmsgstr "Descargar el informe (%(tamaño)s)"\n',
            (None, "Download the report (%(size)s)"),
            "i18n.placeholder",
            "unknown named placeholder 'tamaño' in the translation of 'Download the report (%(size)s)'",
            id="placeholder",
        ),
    ],
)
def test_a_mistake_in_an_entry_the_build_no_longer_uses_is_stale_not_an_error(
    entry: str, key: tuple[str | None, str], code: str, mistake: str
) -> None:
    """A writer edits or deletes a sentence whose translation has a broken placeholder or marker.
    `check` called it an error ("msgfmt reads them all"), so the build stopped over a sentence it
    no longer prints, though it compiles no .mo and ships no catalog. Now the mistake of an entry
    the build no longer uses is `i18n.stale`, a warning at the msgstr, saying what clears it; an
    entry the build uses keeps its error."""
    text = PO_HEADER + entry
    catalog = parse_catalog(text.encode(), CATALOG, "es")
    line = text.count("\n", 0, text.rindex("\nmsgstr ")) + 2  # the msgstr's, where the mistake is
    assert [str(f) for f in check_catalog(catalog, used=set())] == [
        f"{CATALOG}:{line}:1: warning: entry no longer used (nothing prints it): {mistake}; {CATCH_UP} [i18n.stale]"
    ]
    assert [str(f) for f in check_catalog(catalog, used=set(), extract_refuses=True)] == [
        f"{CATALOG}:{line}:1: warning: entry no longer used (nothing prints it): {mistake}; fix the errors in the"
        " content and templates first (extract refuses until then), then "
        f"{CATCH_UP} [i18n.stale]"
    ]
    assert [str(f) for f in check_catalog(catalog, used={key})] == [f"{CATALOG}:{line}:1: error: {mistake} [{code}]"]


@pytest.mark.parametrize(
    ("line", "msgid", "column"),
    [
        ('  "open": _("Open: ICE detains people here"),', "Open: ICE detains people here", 13),
        ('{{ pgettext("state", "Alabama") }}', "Alabama", 22),  # the English, not the context
        ("<p title=\"Contents\">{{ _('Contents') }}</p>", "Contents", 26),  # not the attribute's
        ('{{ _("Say \\"hi\\"") }}', 'Say "hi"', 6),  # unescaped as Jinja reads it
        ("  {%- trans num=n %}{{ num }} bed{% endtrans %}", "%(num)s bed", 3),  # a block: its tag
        ("{{ _(", "Contents", 1),  # the string on a later line: the line's start
    ],
)
def test_a_template_strings_column_is_where_its_english_starts(line: str, msgid: str, column: int) -> None:
    assert string_column(line, msgid) == column


def test_an_entry_moved_to_another_context_is_not_called_missing(tmp_path: Path, fixed_today: None) -> None:
    """An entry cut from one dossier and pasted into another (or its id renamed) comes under a new
    context: the warning said "Spanish translation missing" though the catalog translates its
    English, and only the pending note under the table said "moved from"; it says so too."""
    root = complete_project(tmp_path)
    dossier = root / "facilities/sample.yaml"
    text = dossier.read_text()
    assert "  - id: 2020-04-inspection\n" in text
    dossier.write_text(text.replace("  - id: 2020-04-inspection\n", "  - id: 2020-04-inspection-moved\n", 1))
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    old = "sample:timeline.2020-04-inspection:text"
    assert coverage_of(out)[-2] == (
        f"  sample: facilities/sample.yaml:33 (moved from {old}) 'Inspectors found that medical requests went"
        " unanswered.'"
    )
    assert [line for line in out.splitlines() if line.endswith("[i18n.fallback]")] == [
        f"facilities/sample.yaml:33:11: warning: Spanish translation not in use (moved from {old}: update gives it"
        " that translation, fuzzy): using the English text 'Inspectors found that medical requests went"
        " unanswered.' [i18n.fallback]"
    ]


def test_a_sentence_copied_to_another_field_is_pending_as_copied_not_moved(tmp_path: Path, fixed_today: None) -> None:
    """A writer copies a translated sentence into a new timeline entry: its English is translated
    under the other field, which the build still prints. check said "moved from" it; it was copied."""
    root = complete_project(tmp_path)
    dossier = root / "facilities/sample.yaml"
    entry = "  - id: 2020-04-inspection\n"
    copy = "  - id: 2021-03-end\n    date: 2021-03\n    category: inspection-finding\n"
    copy += "    text: ICE stopped using the facility.\n    sources: [news-2021]\n"
    dossier.write_text(dossier.read_text().replace(entry, copy + entry, 1))
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    assert coverage_of(out)[-3:] == [
        "pending: 1 English string the build uses is not in i18n/es/LC_MESSAGES/messages.po yet"
        " (1 copied from another context: update gives it that translation, fuzzy): the Spanish edition prints it"
        " in English",
        "  sample: facilities/sample.yaml:33 (copied from sample:status:text) 'ICE stopped using the facility.'",
        "run: ./build.py extract && ./build.py update",
    ]
    assert [line for line in out.splitlines() if line.endswith("[i18n.fallback]")] == [
        "facilities/sample.yaml:33:11: warning: Spanish translation not in use here (copied from sample:status:text:"
        " update gives it that translation, fuzzy): using the English text 'ICE stopped using the facility.'"
        " [i18n.fallback]"
    ]
    code, out, _ = run_cli("--root", str(root), "check", "--format", "json")
    [pending] = json.loads(out)["coverage"]["es"]["pending"]
    assert {key: pending[key] for key in ("change", "from_context", "from_english", "moved_from")} == {
        "change": "copied",
        "from_context": "sample:status:text",
        "from_english": None,
        "moved_from": None,
    }
    assert pending_rows(root)[1][:2] == ["facilities/sample.yaml:33", "pending, copied from sample:status:text"]
    if updated(root, "1 carried over from another context", extract=True) is not None:
        code, out, _ = run_cli("--root", str(root), "check")
        assert "fuzzy (copied from 'sample:status:text'; the English is the same)" in out, out


NAMES = ("José Ibarra Bucio", "Freedom for Immigrants", "Medina-Martinez", "Ibarra Bucio", "GEO Group", "Bucio")
"""Names as `declared_names` gives them (longest first): a death's with its surnames, an
organization's, a company operator's without its "The"."""
NAMED = (
    'msgctxt "s:deaths.m:text"\nmsgid "Medina-Martinez died in custody."\nmsgstr "Medina Martínez murió bajo custodia."\n\n'
    'msgctxt "a:campaign.demands.d:text"\nmsgid "Freedom for Immigrants demanded its closure."\n'
    'msgstr "La organización exigió su cierre."\n\n'
    'msgctxt "a:deaths.i:text"\nmsgid "José Ibarra Bucio, 27, died."\nmsgstr "José Ibarra Búcio, de 27 años, murió."\n\n'
    'msgctxt "a:operator:text"\nmsgid "The GEO Group runs it; Ibarra Bucio died there."\n'
    'msgstr "GEO Group lo administra; Ibarra Bucio murió allí."\n\n'
    'msgid "Freedom for Immigrants"\nmsgstr "Libertad para los inmigrantes"\n'
)


def test_a_name_the_translation_misspells_or_drops_is_found_at_its_msgstr() -> None:
    """A death's name misspelled in the Spanish, or a campaign organization dropped, passed `check`:
    names are facts. Each declared name the English has and the translation lacks is an
    `i18n.names` warning at the msgstr, naming a close run of words as a likely misspelling; a full
    name missing is one finding, not one per surname in it; a template string is not prose."""
    from report.i18n.coverage import check_names

    text = PO_HEADER + NAMED
    catalog = parse_catalog(text.encode(), CATALOG, "es")
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if line.startswith("msgstr")]
    fact = "; a name is a fact: write it as the English does [i18n.names]"
    assert [str(f) for f in check_names(catalog, NAMES)] == [
        f"{CATALOG}:{lines[1]}:1: warning: the msgstr of 'Medina-Martinez died in custody.' lacks the name"
        f" 'Medina-Martinez' (it has 'Medina Martínez': misspelled?){fact}",
        f"{CATALOG}:{lines[2]}:1: warning: the msgstr of 'Freedom for Immigrants demanded its closure.' lacks"
        f" the name 'Freedom for Immigrants'{fact}",
        f"{CATALOG}:{lines[3]}:1: warning: the msgstr of 'José Ibarra Bucio, 27, died.' lacks the name"
        f" 'José Ibarra Bucio' (it has 'José Ibarra Búcio': misspelled?){fact}",
    ]
    assert check_names(catalog, NAMES, used=set()) == []  # an entry the build no longer uses prints nowhere


def test_check_finds_a_death_misspelled_in_the_shipped_catalog(tmp_path: Path) -> None:
    """The translator's case on the shipped project: Stewart's death in custody with the hyphen of
    "Medina-Martinez" dropped in the Spanish. `check` said nothing; the name, declared by the
    dossier, is now found missing at the msgstr. The shipped catalog has no such finding."""
    from .conftest import copy_project, replace

    root = copy_project(tmp_path / "project")
    replace(root, CATALOG, '"Medina-Martinez murió bajo custodia;', '"Medina Martinez murió bajo custodia;')
    line = next(
        e.string_line(0)
        for e in parse_catalog((root / CATALOG).read_bytes(), CATALOG, "es").active()
        if e.context == "stewart:deaths.medina-martinez:text"
    )
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    assert [x for x in out.splitlines() if "[i18n.names]" in x] == [
        f"{CATALOG}:{line}:1: warning: the msgstr of 'Medina-Martinez died in custody; his death was…'"
        " lacks the name 'Medina-Martinez' (it has 'Medina Martinez': misspelled?); a name is a fact: write it"
        " as the English does [i18n.names]"
    ]


def test_references_to_lines_that_moved_are_one_warning_per_catalog(tmp_path: Path, fixed_today: None) -> None:
    """A writer adds lines at the top of a dossier and nobody runs extract and update: every `#:`
    reference to the dossier names a line its English is no longer at, and a PO editor shows the
    translator the wrong source line as the string's context. `check` said nothing. It says so
    once per catalog, at the first such entry; a reference without a line
    (`msgcat --add-location=file`) or an entry without references (`--no-location`) says nothing
    false and is not reported; `extract` and `update` bring the references up to date."""
    root = complete_project(tmp_path)
    po = root / "i18n/es/LC_MESSAGES/messages.po"

    def stale() -> list[tuple[str, int, int, str]]:
        code, out, _ = run_cli("--root", str(root), "check", "--format", "json")
        assert code == 0
        return [
            (f["path"], f["line"], f["column"], f["message"])
            for f in json.loads(out)["findings"]
            if f["code"] == "i18n.stale"
        ]

    assert stale() == []
    dossier = root / "facilities/sample.yaml"
    head, rest = dossier.read_text(encoding="utf-8").split("\n", 1)
    dossier.write_text(f"{head}\n# Checked against the 2021 report.\n# Second note.\n{rest}", encoding="utf-8")
    text = po.read_text(encoding="utf-8")
    first = text.splitlines().index('msgid "ICE stopped using the facility."') + 1
    assert stale() == [
        (
            CATALOG,
            first,
            1,
            "the `#:` references of 8 messages are out of date (first: 'ICE stopped using the facility.':"
            " #: facilities/sample.yaml:24, the English is at facilities/sample.yaml:26), so a PO editor shows the"
            " wrong source lines; run: ./build.py extract && ./build.py update",
        )
    ]
    po.write_text(re.sub(r"^(#: facilities/sample\.yaml):\d+$", r"\1", text, flags=re.MULTILINE), encoding="utf-8")
    assert stale() == []
    po.write_text(re.sub(r"^#: facilities/sample\.yaml:\d+\n", "", text, flags=re.MULTILINE), encoding="utf-8")
    assert stale() == []
    po.write_text(text, encoding="utf-8")
    catalog = updated(root, "messages.po written: 0 new, 0 changed (now fuzzy), 0 obsolete", extract=True)
    if catalog is not None:
        assert "#: facilities/sample.yaml:26\n" in catalog
        assert stale() == []
