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
from markupsafe import escape
from pypdf import PdfReader

from report.render.typography import typeset

from .conftest import REPO

HYPHEN = "\u2010"  # what WeasyPrint draws at an automatic line-end hyphen


def prose(text: str, lang: str = "en") -> str:
    return typeset(str(escape(text)))


# -- no hyphen inside an address, a hashtag, an acronym or display type -------------------------


def test_codes_are_marked_and_entities_are_not_hashtags() -> None:
    html = prose("Write to campaign@detentionwatchnetwork.org with #FirstTen during COVID-19.")
    assert '<span class="address">campaign@detentionwatchnetwork.org</span>' in html
    assert '<span class="nohyphen">#FirstTen</span>' in html
    assert '<span class="nohyphen">COVID-19</span>' in html
    assert prose("a &#34; b") == "a &amp;#34; b"  # an escaped ampersand is text, not an entity
    assert "nohyphen" not in prose("Tom & Jerry; 3 > 2")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_hyphen_inside_addresses_hashtags_acronyms_or_the_cover(tmp_path: Path, lang: str) -> None:
    """Every word of a narrow page meets a line end somewhere; only running text may hyphenate."""
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
    assert re.search(rf"(informa|extraordina)\w*{HYPHEN}\n", text)  # running text does hyphenate
    assert hyphenated_codes(text) == []
    assert "campa" + HYPHEN not in text
    joined = text.replace("\n", "")
    assert joined.count("campaign@detentionwatchnetwork.org") == 2 * 23
    assert joined.count("#CommunitiesNotCages") == 2 * 23 and joined.count("COVID-19") == 23


def hyphenated_codes(text: str) -> list[str]:
    """Return the addresses, hashtags and acronyms that a line-end hyphen splits in `text`."""
    found = []
    for before, after in re.findall(rf"(\S+){HYPHEN}\n(\S+)", text):
        if "@" in before + after or "#" in before or re.match(r"[A-Z]{2,}", before):
            found.append(f"{before}{HYPHEN}{after}")
    return found


def report_text(root: Path, lang: str) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(root / "dist" / lang / f"first-ten-{lang}.pdf").pages)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_report_hyphenates_no_address_hashtag_acronym_or_cover(shipped: Path, lang: str) -> None:
    text = report_text(shipped, lang)
    assert HYPHEN + "\n" in text  # running text does hyphenate
    assert hyphenated_codes(text) == []
    cover = PdfReader(shipped / "dist" / lang / f"first-ten-{lang}.pdf").pages[0].extract_text()
    assert HYPHEN not in cover
    assert "campaign@detentionwatchnetwork.org" in text
