"""Per-language typography (issue 19): no hyphen inside codes or display type, quotation marks and
titles, a capital at the start of a label, and note calls where each language puts them.

The unit tests call report/render/typography.py on escaped prose; the layout test sets real template and
prose markup with the shipped stylesheet on a narrow page, where every word meets a line end; the
edition tests read the shipped PDFs back with pypdf and parse the site's HTML.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markupsafe import Markup, escape
from pypdf import PdfReader

from report.content.load import load_edition
from report.content.model import Loc, Source, Text
from report.i18n.catalogs import read_catalog
from report.i18n.localize import Localizer
from report.project import catalog_path
from report.render.html import Citer
from report.render.typography import capfirst, ends_a_sentence, place_inline_calls, typeset

from .conftest import REPO, pdf_pages

HYPHEN = "\u2010"  # what WeasyPrint draws at an automatic line-end hyphen
CALL = Markup('<sup class="noteref"><a href="#note-1">1</a></sup>')


def prose(text: str, lang: str = "en", original: str | None = None) -> str:
    return typeset(place_inline_calls(str(escape(text)), lang), original, "en", lang)


# -- no hyphen inside an address, a hashtag, an acronym or display type -------------------------


def test_codes_are_marked_and_entities_are_not_hashtags() -> None:
    html = prose("Write to campaign@detentionwatchnetwork.org with #FirstTen during COVID-19.")
    assert '<span class="address">campaign@detentionwatchnetwork.org</span>' in html
    assert '<span class="nohyphen">#FirstTen</span>' in html
    assert '<span class="nohyphen">COVID-19</span>' in html
    assert prose("a &#34; b") == "a &amp;#34; b"  # an escaped ampersand is text, not an entity
    assert "nohyphen" not in prose("Tom & Jerry; 3 > 2")


def test_a_pasted_run_of_capitals_or_a_huge_hashtag_stays_breakable() -> None:
    """Unbreakable spans never wrap: a 5,000-letter word marked as one would run off the page."""
    assert "nohyphen" not in prose("A" * 5000)
    assert "nohyphen" not in prose("#" + "a" * 5000)
    assert '<span class="nohyphen">NAACP</span>' in prose("NAACP")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_hyphen_inside_addresses_hashtags_acronyms_or_the_cover(tmp_path: Path, lang: str) -> None:
    """Every word of a narrow page meets a line end somewhere, and none is hyphenated there: WeasyPrint
    writes the hyphen it adds into the text (U+2010), so a copied word would keep it."""
    from weasyprint import CSS, HTML

    sentence = prose("Escribe a campaign@detentionwatchnetwork.org con #CommunitiesNotCages durante COVID-19.", lang)
    paragraphs = []
    for shift in range(1, 24):
        filler = "i " * shift
        paragraphs.append(f"<p>{filler}{sentence}</p>")
        paragraphs.append(
            f'<p>{filler}<a href="mailto:campaign@detentionwatchnetwork.org">campaign@detentionwatchnetwork.org</a></p>'
        )
        paragraphs.append(f'<p class="support-tags">{filler}<span class="nohyphen">#CommunitiesNotCages</span></p>')
    cover = '<section class="cover"><p class="cover-subtitle">Diez centros de detención de inmigrantes y las campañas para cerrarlos</p></section>'
    page = f'<html lang="{lang}"><body>{cover}<section>{"".join(paragraphs)}</section><p>informaciones extraordinariamente</p></body></html>'
    narrow = CSS(string="@page { size: 62mm 400mm; margin: 4mm } .cover { height: auto; padding: 2mm }")
    pdf = tmp_path / "narrow.pdf"
    HTML(string=page, base_url=str(REPO / "layouts" / "css") + "/").write_pdf(
        pdf, stylesheets=[REPO / "layouts/css/print.css", narrow]
    )
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert HYPHEN not in text  # nothing hyphenates: a copied word is whole
    assert "informaciones extraordinariamente" in text.replace("\n", " ")
    assert hyphenated_codes(text) == []
    assert "campa" + HYPHEN not in text
    joined = text.replace("\n", "")
    assert joined.count("campaign@detentionwatchnetwork.org") == 2 * 23
    assert joined.count("#CommunitiesNotCages") == 2 * 23 and joined.count("COVID-19") == 23


@pytest.mark.slow
def test_a_source_address_breaks_only_between_its_parts() -> None:
    """The bibliography's addresses broke anywhere (`word-break: break-all`): "Press release. i" at a
    line's end, "ce.gov/news/..." on the next, which reads as the address of another site. An address
    now breaks after a slash or a hyphen, so its site's name is never split; a part wider than the
    column still breaks, and nothing runs past the column."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    shifts = range(0, 60, 2)
    normal = "ice.gov/news/releases/ice-enforcement-and-removal-operations-jena-takes-care-business"
    wide = "health.einnews.com/article/795660604?lcf=PjrBwjrOUXB3U_rznHoJlz5JIWktxdQWuJW7gsAganUjPiBJbJAU-dVPcD"
    entries = "".join(
        f'<li>{"i " * shift}<span class="type">Press release</span>. <a class="url" href="https://www.{url}">{url}</a></li>'
        for shift in shifts
        for url in (normal, wide)
    )
    page = f'<html lang="en"><body><section class="chapter-sources"><ol class="bibliography">{entries}</ol></section></body></html>'
    fonts = FontConfiguration()
    narrow = CSS(string="@page { size: 90mm 2000mm; margin: 4mm }", font_config=fonts)
    document = HTML(string=page, base_url=str(REPO / "layouts" / "css") + "/").render(
        stylesheets=[CSS(filename=str(REPO / "layouts/css/print.css"), font_config=fonts), narrow], font_config=fonts
    )
    (page_box,) = [p._page_box for p in document.pages]
    right = page_box.margin_width() - page_box.margin_right
    lines: dict[int, list[str]] = {}  # each address's pieces, one a line

    def walk(box) -> None:
        if getattr(box, "text", None):
            assert box.position_x + box.width <= right + 0.01, f"{box.text!r} runs past the column"
            if "url" in (box.element.get("class") or "").split():
                lines.setdefault(id(box.element), []).append(box.text)
        for child in getattr(box, "children", None) or ():
            walk(child)

    walk(page_box)
    addresses = list(lines.values())
    assert ["".join(pieces) for pieces in addresses] == [normal, wide] * len(shifts)
    assert all(pieces[0].startswith(("ice.gov/", "health.einnews.com/")) for pieces in addresses)
    normals = addresses[::2]
    assert any(len(pieces) > 1 for pieces in normals)  # the shifts do make it break
    assert all(piece[-1] in "/-" for pieces in normals for piece in pieces[:-1])


def hyphenated_codes(text: str) -> list[str]:
    """Return the addresses, hashtags and acronyms that a line-end hyphen splits in `text`."""
    found = []
    for before, after in re.findall(rf"(\S+){HYPHEN}\n(\S+)", text):
        if "@" in before + after or "#" in before or re.match(r"[A-Z]{2,}", before):
            found.append(f"{before}{HYPHEN}{after}")
    return found


def report_text(root: Path, lang: str) -> str:
    return "\n".join(pdf_pages(root / "dist" / lang / f"first-ten-{lang}.pdf"))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_report_hyphenates_nothing_neither_a_word_nor_an_address_hashtag_acronym_or_the_cover(
    shipped: Path, lang: str
) -> None:
    text = report_text(shipped, lang)
    assert HYPHEN not in text  # no hyphen added at a line end: copied text and screen readers get whole words
    assert hyphenated_codes(text) == []
    cover = pdf_pages(shipped / "dist" / lang / f"first-ten-{lang}.pdf")[0]
    assert HYPHEN not in cover
    assert "campaign@detentionwatchnetwork.org" in text


# -- quotation marks and titles of works --------------------------------------------------------


def test_quotes_become_q_and_titles_become_cite_within_them() -> None:
    html = prose(
        'The sheriff\'s "bombshell" and the "Shadow Prisons" study; "CoreCivic\'s Decades of Abuse: Otay Mesa".'
    )
    assert "<q>bombshell</q>" in html
    assert "<q><cite>Shadow Prisons</cite></q>" in html
    assert "<q><cite>CoreCivic’s Decades of Abuse: Otay Mesa</cite></q>" in html
    assert "sheriff’s" in html and "&#34;" not in html and "&#39;" not in html
    assert "<q>ticking bomb</q>" in prose('a "ticking bomb"')
    assert '<q><span class="nohyphen">ICE</span></q>' in prose('"ICE"')
    assert "<q>Bombshell</q>" in prose('"Bombshell"')  # one word is a quoted word, not a title
    assert prose('an "unpaired quote') == "an &#34;unpaired quote"
    assert prose('<img src="x.png"> 5" x 7"') == "&lt;img src=&#34;x.png&#34;&gt; 5&#34; x 7&#34;"  # not a quotation


def test_a_title_kept_in_english_is_tagged_english_and_spanish_sets_it_in_italics_alone() -> None:
    """The Spanish printed «*Shadow Prisons*», quotation marks and italics together, which the RAE
    rules out (a title of a work in italics), while its bibliography printed *Shadow Prisons*. A
    title the English quoted and the Spanish keeps word for word is now a `<cite lang="en">` with no
    `<q>`; a quotation, or Title Case words of the translation's own (a slogan), stay quoted."""
    english = 'The "Shadow Prisons" study and the "ticking bomb".'
    html = prose('El estudio "Shadow Prisons" y la "bomba de tiempo".', "es", english)
    assert html == 'El estudio <cite lang="en">Shadow Prisons</cite> y la <q>bomba de tiempo</q>.'
    assert "<q><cite>Prisiones en la Sombra</cite></q>" in prose('"Prisiones en la Sombra"', "es", english)
    assert "<q><cite>Shadow Prisons</cite></q>" in prose('"Shadow Prisons"', "es")  # no English to keep it from
    assert prose('The "Shadow Prisons" study.', "en") == "The <q><cite>Shadow Prisons</cite></q> study."


def test_a_quoted_title_keeps_its_quotation_marks() -> None:
    """`The report, "Cruel And Unusual Conditions At The Facility", said` lost its quotation marks:
    Title Case made it a `<cite>` (italics, no marks), a guess the writer never sees, and a quoted
    headline or slogan in Title Case read as the writer's own words. The marks stay; the title is
    a `<cite>` within them."""
    html = prose('The report, "Cruel And Unusual Conditions At The Facility", said so.')
    assert html == "The report, <q><cite>Cruel And Unusual Conditions At The Facility</cite></q>, said so."


@pytest.mark.parametrize(("lang", "quoted"), [("en", "“bombshell”"), ("es", "«bombazo»")])
def test_quotes_are_typographic_and_titles_italic(shipped: Path, lang: str, quoted: str) -> None:
    pdf = PdfReader(shipped / "dist" / lang / f"etowah-{lang}.pdf")
    fonts: dict[str, set[str]] = {}

    def visit(text, cm, tm, font, size) -> None:
        if font is not None:
            fonts.setdefault(text.strip(), set()).add(str(font.get("/BaseFont")))

    text = "\n".join(page.extract_text(visitor_text=visit) for page in pdf.pages)
    assert quoted in text
    assert '"' not in report_text(shipped, lang)
    # English keeps the writer's quotation marks around a title; Spanish sets it in italics alone (RAE).
    assert ("“Shadow Prisons”" if lang == "en" else "El estudio Shadow Prisons del") in text
    assert "«Shadow Prisons»" not in text and "«Anthology of Abuse" not in text
    assert all(name.endswith("-Italic") for name in fonts["Shadow Prisons"])
    html = (shipped / "dist" / lang / "etowah.html").read_text()
    cite = "<q><cite>Shadow Prisons</cite></q>" if lang == "en" else ' <cite lang="en">Shadow Prisons</cite> '
    assert cite in html


def test_an_editors_description_is_not_set_as_a_title(shipped: Path) -> None:
    edition, _ = load_edition(shipped)
    described = next(s for s in edition.sources.values() if s.title_status == "descriptive")
    title = re.escape(str(escape(described.title)))
    for lang in ("en", "es"):  # in Spanish the description is translated (the editors' words): never a <cite>
        html = "".join(page.read_text() for page in (shipped / "dist" / lang).glob("*.html"))
        assert not re.search(rf"<cite[^>]*>{title}</cite>", html)
    english = "".join(page.read_text() for page in (shipped / "dist" / "en").glob("*.html"))
    assert re.search(rf'<span class="title"[^>]*>{title}</span>', english)


# -- a capital at the start of a label or a field -----------------------------------------------


def test_capfirst_capitalizes_the_first_letter_only() -> None:
    assert capfirst(Markup('<time datetime="2023-03">marzo de 2023</time>')) == Markup(
        '<time datetime="2023-03">Marzo de 2023</time>'
    )
    assert capfirst("aprox. enero de <2025>") == Markup("Aprox. enero de &lt;2025&gt;")
    assert capfirst(Markup("25 de mayo")) == Markup("25 de mayo")
    assert capfirst(Markup("ñandú")) == Markup("Ñandú")


@pytest.mark.parametrize(
    ("lang", "starts"),
    [
        ("es", ["Marzo de 2023: ", "Aprox. enero de 2025: ", "Sin fecha-a. Obra de referencia."]),
        ("en", ["March 2023: ", "About January 2025: ", "Undated-a. Reference."]),
    ],
)
def test_labels_and_bibliography_fields_start_with_a_capital(shipped: Path, lang: str, starts: list[str]) -> None:
    text = " ".join(report_text(shipped, lang).split())
    for start in starts:
        assert start in text
    for page in (shipped / "dist" / lang).glob("*.html"):
        # a death's line names the person first: its date follows, mid-line (the test below)
        html = re.sub(r'<p class="death-name">.*?</p>', "", page.read_text())
        for label in re.findall(r'<time datetime="[^"]+">([^<]+)</time>', html):
            assert not label[0].islower(), (page.name, label)


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        ("es", ["Roberto Medina-Martinez · marzo de 2009", "Nombre no divulgado · aprox. octubre de 2019"]),
        ("en", ["Roberto Medina-Martinez · March 2009", "Name not reported · about October 2019"]),
    ],
)
def test_a_date_after_the_name_on_a_deaths_line_is_not_capitalized(shipped: Path, lang: str, lines: list[str]) -> None:
    """The date follows the name and a middle dot, mid-line: a Spanish month stays lowercase there
    ("Marzo" and "Aprox." read as if a new sentence began), in the PDF and on the site."""
    text = " ".join(report_text(shipped, lang).split())
    site = " ".join(
        re.sub(r"<[^>]+>", "", line)
        for page in (shipped / "dist" / lang).glob("*.html")
        for line in re.findall(r'<p class="death-name">.*?</p>', page.read_text())
    )
    for line in lines:
        assert line in text
        assert line in site


# -- note calls where each language puts them ---------------------------------------------------


def test_english_calls_follow_the_punctuation_spanish_calls_precede_it() -> None:
    assert place_inline_calls("built [@a]. Then [@b] [@c], and [@d];", "en") == "built.[@a] Then,[@b] [@c] and;[@d]"
    assert place_inline_calls("held for the U.S. [@a]. Then", "en") == "held for the U.S.[@a] Then"
    assert place_inline_calls("Es así. [@a] Luego, [@b] y", "es") == "Es así[@a]. Luego[@b], y"
    # the period of "EE. UU." is the abbreviation's; the end of an entity is not a semicolon
    assert place_inline_calls("de EE.\u00a0UU. [@a]", "es") == "de EE.\u00a0UU. [@a]"
    assert place_inline_calls("el &#34;bombazo&#34; [@a].", "es") == "el &#34;bombazo&#34; [@a]."


def test_noted_puts_a_template_call_before_a_spanish_period() -> None:
    def noted(text: object, call: Markup, lang: str) -> Markup:
        return _citer("pdf", lang).noted(text, call)

    assert noted(Markup("con ICE."), CALL, "es") == Markup("con ICE") + CALL + "."
    assert noted(Markup("with ICE."), CALL, "en") == Markup("with ICE.") + CALL
    assert noted(Markup("de EE.\u00a0UU."), CALL, "es") == Markup("de EE.\u00a0UU.") + CALL
    assert noted(Markup('<span lang="en">Text.</span>'), CALL, "es") == Markup('<span lang="en">Text') + CALL + Markup(
        ".</span>"
    )
    assert noted(Markup("750 camas (2024):"), CALL, "es") == Markup("750 camas (2024)") + CALL + ":"
    assert noted(Markup("750 beds (2024):"), CALL, "en") == Markup("750 beds (2024):") + CALL
    assert noted(Markup("el &#34;bombazo&#34;"), CALL, "es") == Markup("el &#34;bombazo&#34;") + CALL
    assert noted(Markup("sin llamada."), Markup(""), "es") == Markup("sin llamada.")
    assert noted("Ana & Bea.", CALL, "es") == Markup("Ana &amp; Bea") + CALL + "."


NOTE_SOURCES = {
    sid: Source(sid, "report", f"Title {sid}", (sid.upper(),), f"https://example.org/{sid}", Loc("s"), None, Loc("s"))
    for sid in ("a", "b")
}
FN_A = '<span class="fn"><a href="#src-a">A, undated</a>.</span>'
FN_B = '<span class="fn fn-next"><a href="#src-b">B, undated</a>.</span>'  # print.css: a comma before its number


def _citer(mode: str, lang: str) -> Citer:
    return Citer(NOTE_SOURCES, mode, lambda s: f"#src-{s.id}", Localizer(lang, "en", None, f"{lang}_US"))


SUP = '<sup class="noteref">{comma}<a href="#note-{0}" id="ref-{0}" role="doc-noteref">{0}</a></sup>'


@pytest.mark.parametrize(
    ("mode", "lang", "expected"),
    [
        ("pdf", "en", f"informed consent.{FN_A}{FN_B}"),
        (
            "pdf",
            "es",
            f'<span lang="en" class="fallback">informed consent{FN_A}{FN_B}.</span>'.replace(
                "undated", '<span lang="en" class="fallback">undated</span>'
            ),
        ),
        ("site", "en", "informed consent." + SUP.format(1, comma="") + SUP.format(2, comma=",")),
        (
            "site",
            "es",
            '<span lang="en" class="fallback">informed consent'
            + SUP.format(1, comma="")
            + SUP.format(2, comma=",")
            + ".</span>",
        ),
    ],
)
def test_a_claims_call_right_after_an_inline_call_starts_with_a_comma(mode: str, lang: str, expected: str) -> None:
    """ "…consent.¹⁸,¹⁹", not "…consent.¹⁸¹⁹", which reads as note 1819 (Irwin's "Imprisoned Justice"
    entry: its prose ends with an inline citation, and its `sources:` list another)."""
    citer = _citer(mode, lang)
    text = citer.prose(Text("informed consent [@a].", "ctx", "", Loc("facilities/x.yaml", 1, 1)))
    assert citer.noted(text, citer.ids(["b"])) == Markup(expected)
    # Apart from another call, a call is as it was.
    alone = citer.noted(Markup("No call."), citer.ids(["b"]))
    assert "fn-next" not in alone and '">,<a' not in alone


def test_a_footnotes_words_that_fall_back_to_english_are_marked_english() -> None:
    """`Citer.short` formatted "about %(date)s" and added to "undated" as plain strings: a Spanish
    PDF whose catalog lacks them printed "about 2021" and "undated" in its footnotes with no
    `lang="en"`, where every other fallback has one (the site's notes, `partials/source.html`)."""
    from report.content.model import PartialDate

    def source(sid: str, date: PartialDate | None, about: bool = False) -> Source:
        return Source(
            sid, "report", "T", ("A & B",), "https://example.org/", Loc("s"), date, Loc("s"), date_approximate=about
        )

    sources = {
        "undated": source("undated", None),
        "year": source("year", PartialDate(2021), about=True),
        "month": source("month", PartialDate(2023, 3), about=True),
        "exact": source("exact", PartialDate(2023, 3)),
    }
    spanish = read_catalog(REPO, catalog_path("es"), "es")
    for catalog, expected in (
        (
            None,
            {
                "undated": '<span lang="en" class="fallback">undated</span>',
                "year": '<span lang="en" class="fallback">about 2021</span>',
                "month": '<span lang="en" class="fallback">about </span>marzo de 2023',
                "exact": "marzo de 2023",
            },
        ),
        (
            spanish,
            {"undated": "sin fecha", "year": "aprox. 2021", "month": "aprox. marzo de 2023", "exact": "marzo de 2023"},
        ),
    ):
        citer = Citer(sources, "pdf", lambda s: f"#src-{s.id}", Localizer("es", "en", catalog, "es_US"))
        for sid, when in expected.items():
            assert citer.ids([sid]) == Markup(f'<span class="fn"><a href="#src-{sid}">A &amp; B, {when}</a>.</span>'), (
                sid
            )


def test_a_title_that_ends_a_sentence_is_known() -> None:
    assert [ends_a_sentence(t) for t in ("Fighting Back.", "at Otay Mesa!", "\u201cWhy?\u201d", "Why?'", "Title")] == [
        True,
        True,
        True,
        True,
        False,
    ]
    assert not ends_a_sentence("Immigrants: 2022")
    assert ends_a_sentence(Markup('<span lang="en">Done!</span>'))


def test_note_calls_follow_each_languages_rule(shipped: Path) -> None:
    """Spanish: before the punctuation ("ICE¹⁷."); English: after it ("ICE.¹⁷")."""
    edition, _ = load_edition(shipped)
    names = {name for s in edition.sources.values() for name in s.publisher}
    spanish, english = report_text(shipped, "es"), report_text(shipped, "en")
    # A call starts with a narrow no-break space (print.css), which a name's digits ("daily8") lack.
    after = re.compile(r"([^\W\d_]+)[»”)]?\.\u202f?(\d{1,3})(?=\s|$)")
    before = re.compile(r"([^\W\d_]+)[»”)]?\u202f?(\d{1,3})\.(?=\s|$)")
    assert {word for word, _ in after.findall(spanish)} <= {"UU"}  # "EE. UU." keeps its period
    assert len(before.findall(spanish)) > 200
    assert {word + digits for word, digits in before.findall(english)} <= names  # "daily8." is a name
    assert len(after.findall(english)) > 200
    for lang, wrong in (("es", r"(?<!UU)\.<sup class=\"noteref\">"), ("en", r"</sup>[.,;:]")):
        for page in (shipped / "dist" / lang).glob("*.html"):
            html = re.sub(r"</?span[^>]*>", "", page.read_text())
            assert not re.search(wrong, html), page.name
