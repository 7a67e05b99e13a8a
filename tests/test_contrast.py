"""Every text the PDF prints stands out from what it is printed on (WCAG 1.4.3, contrast minimum).

The shipped chapters are laid out with the shipped stylesheets, as the build does, and each text
box WeasyPrint made is read back: its colour against the nearest background behind it (a box's,
else the page's, else the white of the paper). Text under 18 pt, or under 14 pt when bold, must
reach 4.5:1; larger text 3:1. The site's hovered and focused links are read from its stylesheet,
each against the backgrounds it sits on.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from report.commands.gather import GatherOptions, gather
from report.render.html import Renderer, environment

from .conftest import REPO, copy_project

WHITE = (1.0, 1.0, 1.0)
PT = 4 / 3  # CSS pixels in a point


def _luminance(rgb: tuple[float, float, float]) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """Return the WCAG contrast ratio of two sRGB colours, channels from 0 to 1."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def _rgb(color) -> tuple[float, float, float]:
    red, green, blue = color.to("srgb").coordinates
    return (red, green, blue)


def _texts(box, behind: tuple[float, float, float]):
    """Yield (text, colour, background, size in pt, weight) for each text box under `box`."""
    background = box.style["background_color"]
    if background.alpha == 1:
        behind = _rgb(background)
    text = getattr(box, "text", None)
    if text and text.strip():
        yield text.strip(), _rgb(box.style["color"]), behind, box.style["font_size"] / PT, box.style["font_weight"]
    for child in getattr(box, "children", ()):
        yield from _texts(child, behind)


def test_contrast_is_computed_the_wcag_way() -> None:
    assert contrast((0, 0, 0), WHITE) == pytest.approx(21)
    accent, paper = (0xC4 / 255, 0x47 / 255, 0x0F / 255), (0xF6 / 255, 0xF1 / 255, 0xE7 / 255)
    assert contrast(accent, paper) == pytest.approx(4.38, abs=0.01)


@pytest.mark.slow
def test_every_text_the_pdf_prints_has_enough_contrast(tmp_path: Path) -> None:
    """Adelanto's chapter has an editorial note, a status and a note under review; Etowah's, deaths
    in custody; the front and back chunks, the covers on teal pages."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    root = copy_project(tmp_path / "project", ["adelanto", "etowah"])
    gathered = gather(root, GatherOptions(dt.date(2026, 1, 1)))
    assert gathered.edition is not None
    localizer = gathered.localizers["en"]
    renderer = Renderer(gathered.edition, localizer, environment(root, localizer))
    chunks = [renderer.chapter_chunk(f, n).html for n, f in enumerate(gathered.edition.facilities, 1)]
    chunks += [renderer.front_chunk([]).html, renderer.back_chunk().html]
    fonts = FontConfiguration()
    css = [weasyprint.CSS(filename=str(REPO / "layouts/css/print.css"), font_config=fonts)]
    seen, low = set(), set()
    for chunk in chunks:
        html = weasyprint.HTML(string=chunk, base_url=(REPO / "layouts" / "pdf").as_uri() + "/")
        for page in html.render(stylesheets=css, font_config=fonts).pages:
            for text, color, behind, size, weight in _texts(page._page_box, WHITE):
                large = size >= 18 or (size >= 14 and weight >= 700)
                ratio = contrast(color, behind)
                seen.add((_hex(color), _hex(behind)))
                if ratio < (3 if large else 4.5):
                    low.add(f"{_hex(color)} on {_hex(behind)} ({ratio:.2f}:1) at {size:g}pt: {text[:40]!r}")
    assert sorted(low) == [], "\n".join(sorted(low))
    # the small accent texts on tinted boxes are in the layout: a status, a review mark and a note call
    # on the facts box's paper, a death's category on its light accent
    assert {("#9e3a0c", "#f6f1e7"), ("#9e3a0c", "#fbe4d6")} <= seen


def _site_rules() -> list[tuple[str, dict[str, str]]]:
    """Return (selector, {property: value}) for each plain rule of the site's stylesheet, tokens resolved."""
    import tinycss2

    tokens: dict[str, str] = {}
    rules: list[tuple[str, dict[str, str]]] = []
    for name in ("tokens.css", "site.css"):
        sheet = tinycss2.parse_stylesheet((REPO / "layouts" / "css" / name).read_text(), True, True)
        for rule in sheet:
            if rule.type != "qualified-rule":
                continue  # @media print and the like: not what a screen shows
            selector = tinycss2.serialize(rule.prelude).strip()
            declarations = tinycss2.parse_declaration_list(rule.content, True, True)
            values = {d.name: tinycss2.serialize(d.value).strip() for d in declarations if d.type == "declaration"}
            if selector == ":root":
                tokens |= {k: v for k, v in values.items() if k.startswith("--")}
            rules.append((selector, values))
    resolve = re.compile(r"var\((--[\w-]+)\)")
    return [(s, {k: resolve.sub(lambda m: tokens[m[1]], v) for k, v in d.items()}) for s, d in rules]


def _hex_rgb(value: str) -> tuple[float, float, float]:
    digits = re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value.split()[0])
    assert digits, value
    six = digits[1] if len(digits[1]) == 6 else "".join(c * 2 for c in digits[1])
    return (int(six[0:2], 16) / 255, int(six[2:4], 16) / 255, int(six[4:6], 16) / 255)


LINK_SURFACES = {
    "a:hover, a:focus": (
        "html",
        ".card",
        ".facility-list",
        ".facts",
        ".editorial-note",
        ".notes li:target, .bibliography li:target",
    ),
    ".site-title:hover, .site-title:focus": (".site-header",),
    ".button:hover, .button:focus": (".button:hover, .button:focus",),  # its own
    ".skip-link:focus": (".skip-link",),
    ".site-search-results a:hover, .site-search-results a:focus": (".site-search-panel",),
}
"""For each rule that colours a hovered or focused link, the rules whose backgrounds it sits on."""


def test_a_hovered_or_focused_link_keeps_its_contrast_on_every_background_it_sits_on() -> None:
    """WCAG 1.4.3: the pointer or the keyboard on a link must not fade it (the accent was 4.38:1 on paper)."""
    rules = _site_rules()
    backgrounds = {s: d["background"] for s, d in rules if "background" in d}
    colored = {s: d["color"] for s, d in rules if re.search(r":(hover|focus)\b", s) and "color" in d}
    assert sorted(colored) == sorted(LINK_SURFACES)  # a new rule says what it sits on
    low = [
        f"{selector} {color} on {surface} {backgrounds[surface]}: {contrast(_hex_rgb(color), _hex_rgb(backgrounds[surface])):.2f}:1"
        for selector, color in colored.items()
        for surface in LINK_SURFACES[selector]
        if contrast(_hex_rgb(color), _hex_rgb(backgrounds[surface])) < 4.5
    ]
    assert low == []
