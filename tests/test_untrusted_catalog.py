"""A catalog is untrusted input: no translation can add an attribute, an element, a style or a script.

Three layers, each tested on its own:
- every value a layout puts in an attribute goes through the `text` filter (a scan of every
  template in layouts/, and a render of the real layouts whose template strings are all markup);
- a translated template string is markup only where its English is, with the same tags (the
  localizer), so a `<script>` in the words of a plain string is printed, never run;
- `check` refuses a translation that adds quotes, attributes or tags (the i18n-breakout-* fixtures).

Then the whole: a Spanish edition built, past `check`, from a catalog whose every template string
tries to break out, read back as HTML and PDF, and loaded in Chromium.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from babel.messages.pofile import read_po, write_po
from jinja2 import nodes
from markupsafe import Markup
from PIL import Image

from report.i18n.catalogs import CatalogEntry, ParsedCatalog, is_prose, parse_catalog
from report.i18n.localize import Localizer
from report.render.html import attribute_text, environment

from .conftest import FIXED_TODAY, REPO, build, make_project, run_cli

# -- the layouts: every attribute value is text --------------------------------------------------

_JINJA = re.compile(r"\{\{[-+]?(?P<expr>.*?)[-+]?\}\}|\{%[-+]?\s*(?P<block>\w+).*?[-+]?%\}|\{#.*?#\}", re.DOTALL)
_RAW_TEXT = ("script", "style")
_BLOCKS_IN_TAGS = ("if", "elif", "else", "endif", "for", "endfor")
"""Block tags that may sit inside an HTML tag: they only choose which attributes are written."""


@dataclass
class _Html:
    """Where a template is, in HTML terms, after the text read so far (a small tokenizer)."""

    state: str = "text"  # text, comment, raw, tag, value-dq, value-sq, value-bare
    tag: str = ""
    attribute: str = ""

    def feed(self, data: str) -> None:
        i = 0
        while i < len(data):
            c = data[i]
            if self.state == "text":
                if data.startswith("<!--", i):
                    self.state, i = "comment", i + 4
                    continue
                m = re.match(r"<(/?)([A-Za-z][A-Za-z0-9-]*)", data[i:])
                if m:
                    self.state, self.tag, self.attribute = "tag", ("/" if m[1] else "") + m[2].lower(), ""
                    i += m.end()
                    continue
            elif self.state == "comment":
                if data.startswith("-->", i):
                    self.state, i = "text", i + 3
                    continue
            elif self.state == "raw":
                if data[i:].lower().startswith(f"</{self.tag}"):
                    self.state = "text"
                    continue
            elif self.state == "tag":
                if c == ">":
                    self.state = "raw" if self.tag in _RAW_TEXT else "text"
                elif c == "=":
                    quote = re.match(r"\s*(['\"]?)", data[i + 1 :])
                    self.state = {'"': "value-dq", "'": "value-sq", "": "value-bare"}[quote[1]]
                    i += 1 + quote.end()
                    continue
                else:
                    m = re.match(r"[^\s\"'>/=]+", data[i:])
                    if m:
                        self.attribute = m[0].lower()
                        i += m.end()
                        continue
            elif self.state == "value-dq" and c == '"' or self.state == "value-sq" and c == "'":
                self.state = "tag"
            elif self.state == "value-bare" and (c.isspace() or c == ">"):
                self.state = "tag"
                continue
            i += 1


@dataclass(frozen=True)
class Interpolation:
    path: str
    line: int
    where: str  # "text", or "attribute NAME", or another HTML state
    expression: str
    problem: str | None


def _filtered_by(expression: str, env: jinja2.Environment) -> str | None:
    """Return the name of the filter applied last to the whole expression, if one is."""
    body = env.parse("{{" + expression + "}}").body
    node = body[0].nodes[0] if len(body) == 1 and isinstance(body[0], nodes.Output) else None
    return node.name if isinstance(node, nodes.Filter) else None


def scan(path: str, source: str, env: jinja2.Environment) -> tuple[list[Interpolation], str]:
    """Return every `{{ … }}` of a template with where it lands in the HTML and what is wrong with
    it, and the HTML state at the end of the template (which must be 'text')."""
    html, found, pos = _Html(), [], 0
    for m in _JINJA.finditer(source):
        html.feed(source[pos : m.start()])
        pos = m.end()
        line = source.count("\n", 0, m.start()) + 1
        in_tag = html.state not in ("text", "comment")
        if m["block"] is not None and in_tag and m["block"] not in _BLOCKS_IN_TAGS:
            found.append(Interpolation(path, line, html.state, m[0], f"'{{% {m['block']} %}}' inside a tag"))
        if m["expr"] is None:
            continue
        expression = m["expr"].strip()
        problem = None
        where = html.state
        if html.state in ("value-dq", "value-sq"):
            where = f"attribute {html.attribute}"
            last = _filtered_by(expression, env)
            if html.attribute.startswith("on"):
                problem = "an event handler attribute takes no value from a template"
            elif html.attribute == "style" and last != "int":
                problem = "a style attribute takes only numbers: end the expression with '| int'"
            elif last not in ("text", "int"):
                problem = "an attribute value must end with '| text' (or '| int' for a number)"
        elif html.state == "raw":
            # Jinja's tojson escapes '<', '>', '&' and "'": JSON that no value can end the <script> of.
            if not (html.tag == "script" and _filtered_by(expression, env) == "tojson"):
                problem = f"nothing is interpolated inside <{html.tag}> (but JSON, through '| tojson', in <script>)"
        elif html.state not in ("text", "comment"):  # autoescape holds there: '<' and '>' are escaped
            problem = f"interpolated in a tag but outside a quoted attribute value ({html.state})"
        found.append(Interpolation(path, line, where, expression, problem))
    html.feed(source[pos:])
    return found, html.state


def layout_templates() -> list[Path]:
    return sorted(p for p in (REPO / "layouts").rglob("*.html"))


@pytest.fixture(scope="module")
def jinja() -> jinja2.Environment:
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    env.filters["text"] = attribute_text
    return env


def test_every_attribute_value_in_the_layouts_goes_through_the_text_filter(jinja: jinja2.Environment) -> None:
    everything = []
    for path in layout_templates():
        rel = path.relative_to(REPO).as_posix()
        found, end = scan(rel, path.read_text(encoding="utf-8"), jinja)
        assert end == "text", f"{rel}: the scan ends inside '{end}': the scanner misread the file"
        everything += found
    problems = [
        f"{i.path}:{i.line}: {{{{ {i.expression} }}}} in {i.where}: {i.problem}" for i in everything if i.problem
    ]
    assert problems == []
    in_attributes = [i for i in everything if i.where.startswith("attribute ")]
    # The scan sees what it must: the attributes of every kind, and the translated labels among
    # them at their fourteen places (six as `_(…)`, one of them the downloads table's "%(document)s, PDF",
    # two the marks a facility's editor's note gives its search results, in data- attributes Pagefind
    # reads, one the list mark's words a PDF chapter's heading gives its bookmark, in a data- attribute
    # print.css reads; the rest by the name a template gives a label to ask its language, `language_of`;
    # three are the search box's messages, in data- attributes its script reads).
    assert len(in_attributes) > 80
    assert {i.where for i in in_attributes} >= {
        "attribute aria-label",
        "attribute href",
        "attribute id",
        "attribute content",
        "attribute lang",
        "attribute style",
        "attribute alt",
    }
    labels = [i for i in in_attributes if i.expression.startswith("_(") or i.expression in _NAMED_LABELS]
    assert len({(i.path, i.line) for i in labels}) == 14


_NAMED_LABELS = {"back | text", "label | text", "found | text", "nothing | text", "unavailable | text"}
"""What the layouts call a translated label they put in an attribute once its language is known."""


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        (
            """<a aria-label="{{ _('Back to the text') }}">""",
            "an attribute value must end with '| text' (or '| int' for a number)",
        ),
        (
            """<a aria-label="{{ _('Back') | e }}">""",
            "an attribute value must end with '| text' (or '| int' for a number)",
        ),
        (
            """<a title='{{ x if y else z | text }}'>""",
            "an attribute value must end with '| text' (or '| int' for a number)",
        ),
        ("""<a title="x{{ a ~ b | text }}">""", "an attribute value must end with '| text' (or '| int' for a number)"),
        ("""<a href={{ url | text }}>""", "interpolated in a tag but outside a quoted attribute value (value-bare)"),
        ("""<a {{ attributes }}>""", "interpolated in a tag but outside a quoted attribute value (tag)"),
        ("""<b class="x" onclick="go({{ n | int }})">""", "an event handler attribute takes no value from a template"),
        (
            """<p style="color: {{ colour | text }}">""",
            "a style attribute takes only numbers: end the expression with '| int'",
        ),
        (
            """<style>p { color: {{ colour }} }</style>""",
            "nothing is interpolated inside <style> (but JSON, through '| tojson', in <script>)",
        ),
        (
            """<script>{{ data }}</script>""",
            "nothing is interpolated inside <script> (but JSON, through '| tojson', in <script>)",
        ),
        ("""<script type="application/ld+json">{{ data | tojson }}</script>""", None),
        ("""<p{% include "x.html" %}>""", "'{% include %}' inside a tag"),
    ],
)
def test_the_scan_finds_an_attribute_value_that_is_not_text(
    jinja: jinja2.Environment, template: str, problem: str
) -> None:
    found, _ = scan("t.html", template, jinja)
    assert [i.problem for i in found if i.problem] == ([problem] if problem else [])


def test_the_scan_accepts_text_values_and_text_content(jinja: jinja2.Environment) -> None:
    template = """<!-- <a title="{{ x }}"> --><cite{% if s.lang %} lang="{{ s.lang | text }}"{% endif %}>{{ s.title }}</cite>
<span style="counter-reset: folio {{ n | int }}" title='{{ _("a") | text }}'>{{ _("b") }}</span><script></script>"""
    found, end = scan("t.html", template, jinja)
    assert end == "text"
    assert [(i.where, i.problem) for i in found] == [
        ("comment", None),
        ("attribute lang", None),
        ("text", None),
        ("attribute style", None),
        ("attribute title", None),
        ("text", None),
    ]


def test_the_text_filter_makes_markup_plain_escaped_text() -> None:
    assert (
        attribute_text(Markup('Volver" onfocus="alert(1)" autofocus=""'))
        == "Volver&#34; onfocus=&#34;alert(1)&#34; autofocus=&#34;&#34;"
    )
    assert attribute_text(Markup('<span lang="en" class="fallback">Back to the text</span>')) == "Back to the text"
    assert attribute_text(Markup("Lee &lt;b&gt; <b>aquí</b>")) == "Lee &lt;b&gt; aquí"
    assert attribute_text("x\" y='z' <b>") == "x&#34; y=&#39;z&#39; &lt;b&gt;"
    assert attribute_text(12) == "12"
    assert isinstance(attribute_text("x"), Markup)


# -- the localizer: a translation is markup only where its English is ----------------------------


def _localizer(*entries: tuple[str, str]) -> Localizer:
    catalog = ParsedCatalog(
        "i18n/es/LC_MESSAGES/messages.po",
        tuple(
            CatalogEntry(None, msgid, None, (msgstr,), False, False, line)
            for line, (msgid, msgstr) in enumerate(entries, 1)
        ),
    )
    return Localizer("es", "en", catalog, "es_US")


def test_the_translation_of_a_plain_template_string_is_text() -> None:
    loc = _localizer(("Back to the text", 'Volver" onfocus="x()"<script>x()</script>'))
    env = environment(REPO, loc)
    html = env.from_string(
        """<p>{{ _("Back to the text") }}</p><a aria-label="{{ _("Back to the text") }}">"""
    ).render()
    assert html == (
        "<p>Volver&#34; onfocus=&#34;x()&#34;&lt;script&gt;x()&lt;/script&gt;</p>"
        '<a aria-label="Volver&#34; onfocus=&#34;x()&#34;&lt;script&gt;x()&lt;/script&gt;">'
    )
    # In Python it is the words themselves: footnotes and PDF metadata are built from them.
    assert f"{loc.gettext('Back to the text')}" == 'Volver" onfocus="x()"<script>x()</script>'


def test_the_translation_of_markup_is_markup_only_with_the_english_tags() -> None:
    english = 'Read the <a href="%(url)s">sources</a>.'
    same = parse_catalog(
        b'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\nLanguage: es\\n"\n\n'
        b'#, python-format\nmsgid "Read the <a href=\\"%(url)s\\">sources</a>."\nmsgstr "Lee las <a href=\\"%(url)s\\">fuentes</a>."\n',
        "i18n/es/LC_MESSAGES/messages.po",
        "es",
    )
    env = environment(REPO, Localizer("es", "en", same, "es_US"))
    assert env.from_string("{{ _(m, url='#s') }}").render(m=english) == 'Lee las <a href="#s">fuentes</a>.'
    added = parse_catalog(
        b'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\nLanguage: es\\n"\n\n'
        b'#, python-format\nmsgid "Read the <a href=\\"%(url)s\\">sources</a>."\n'
        b'msgstr "Lee las <a href=\\"%(url)s\\" onclick=\\"x()\\">fuentes</a>."\n',
        "i18n/es/LC_MESSAGES/messages.po",
        "es",
    )
    assert [code for code, *_ in added.entries[0].problems] == ["i18n.markup"]
    env = environment(REPO, Localizer("es", "en", added, "es_US"))
    assert env.from_string("{{ _(m, url='#s') }}").render(m=english) == (
        "Lee las &lt;a href=&#34;#s&#34; onclick=&#34;x()&#34;&gt;fuentes&lt;/a&gt;."
    )


# -- a Spanish edition built from a hostile catalog, past `check` --------------------------------

SHORT_PAYLOAD = '"><script>window.__pwned=4</script>'
PAYLOAD = (
    '" onfocus="window.__pwned=1;alert(1)" autofocus="" style="display:none" '
    'x=\'<script>window.__pwned=2;alert(2)</script><details open ontoggle="window.__pwned=3;alert(3)"></details>'
)
"""Added to every template string's translation: it ends a "…" or '…' attribute, adds an event
handler with autofocus so that it fires alone, a style, a script, and an element whose handler
fires as it is parsed."""
ALT = "The front gate"
ALT_ES = "La puerta" + PAYLOAD
SUPPORT_ES = "Comparte el informe.<script>window.__pwned=4;alert(4)</script>"
LABELS = ("Language", "Breadcrumbs", "Chapters", "Cover", "Back cover")
BACK = "Back to note {} in the text"
"""The aria-label of each note's link back to its call, by its number."""


def _backs(labels: set[str | None], payload: str) -> set[str | None]:
    """Return the notes' back-link labels a page should have, numbered 1 to as many as `labels` has."""
    count = sum(1 for label in labels if label and label.startswith("Back to note "))
    assert count > 0
    return {BACK.format(n) + payload for n in range(1, count + 1)}


def _without_length_guard(env: pytest.MonkeyPatch) -> None:
    """Let the localizer print a translation longer than its English may be (`limit.length`): the
    payload makes a short label's too long, and what is tested here is what the layouts do with it."""
    import report.i18n.catalogs

    unusable = tuple(code for code in report.i18n.catalogs.UNUSABLE if code != "limit.length")
    env.setattr(report.i18n.catalogs, "UNUSABLE", unusable)


_SVG_PLACED = frozenset({"rect", "text"})
"""SVG elements whose `x` is their position (report/render/mapsvg.py), not an attribute a catalog added."""


class Tags(HTMLParser):
    """Every start tag of an HTML page with its attributes, and its text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def added(self, injected: tuple[str, ...] = ()) -> list[tuple[str, str]]:
        """Return (tag, attribute) for every attribute no layout writes and a catalog could add,
        leaving out the elements named in `injected`."""
        return [
            (tag, name)
            for tag, attrs in self.tags
            if tag not in injected
            for name in attrs
            if name.startswith("on") or name in ("autofocus", "style", "x")
            if not (tag in _SVG_PLACED and name == "x")  # the map's labels: where mapsvg draws them
        ]

    def labels(self) -> set[str | None]:
        return {attrs["aria-label"] for _, attrs in self.tags if "aria-label" in attrs}


@pytest.fixture(scope="module")
def hostile_catalog(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, list[str]]:
    """The fixture project with the shipped layouts, a dossier image, and a Spanish catalog whose
    every template string (and two prose strings) tries to break out; return the project, and
    what `check` said (exit code, findings)."""
    root = make_project(tmp_path_factory.mktemp("catalog"), "_i18n")
    shutil.copytree(REPO / "layouts", root / "layouts")
    (root / "facilities" / "images").mkdir()
    Image.new("RGB", (40, 30), (196, 71, 15)).save(root / "facilities" / "images" / "gate.png")
    dossier = root / "facilities" / "sample.yaml"
    text = dossier.read_text(encoding="utf-8")
    assert text.count("review:\n") == 1
    dossier.write_text(
        text.replace("review:\n", f"image:\n  src: gate.png\n  alt: {ALT}\n  credit: A. Photographer\nreview:\n")
    )
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", FIXED_TODAY)
        for verb in ("extract", "update"):
            code, out, _ = run_cli("--root", str(root), verb)
            assert code == 0, out
    po = root / "i18n" / "es" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        if not is_prose(message.context):  # a template string, with or without a context ("state")
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            # The share image prints the place line (a county and a state) beside the status: a
            # shorter payload there keeps the card on its one page (a longer one is a true
            # `share.size` error, and this build must publish to be inspected).
            payload = SHORT_PAYLOAD if message.context in ("state", "county") else PAYLOAD
            message.string = ids[0] + payload if len(ids) == 1 else tuple(i + payload for i in ids)
            message.flags.discard("fuzzy")
            # The English with the payload added is mostly its English, which the build prints as the
            # English (`i18n.untranslated`): the hostile translator says it is meant, to be printed.
            message.user_comments = ["SAME: the English with markup added is the translation here"]
        elif message.id == ALT:
            message.string = ALT_ES
        elif message.id == "Share the report.":
            message.string = SUPPORT_ES
    with po.open("wb") as handle:
        write_po(handle, catalog)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", FIXED_TODAY)
        code, out, _ = run_cli("--root", str(root), "check")
    return root, code, [line for line in out.splitlines() if ": error: " in line or ": warning: " in line]


def _template_lines(root: Path) -> set[int]:
    """Return the msgstr line (msgstr[0]) of every template string (no context, or a one-word one like "state")."""
    from report.project import catalog_path

    catalog = parse_catalog((root / catalog_path("es")).read_bytes(), catalog_path("es"), "es")
    return {e.string_lines[0] for e in catalog.active() if not is_prose(e.context)}


def test_check_refuses_every_hostile_translation(hostile_catalog) -> None:
    root, code, findings = hostile_catalog
    assert code == 1
    lines = _template_lines(root)
    assert len(lines) > 100  # every template string of the shipped layouts
    refused = [
        re.match(r"i18n/es/LC_MESSAGES/messages.po:(\d+):1: error: (.*) \[(i18n.markup|limit.length)\]$", f)
        for f in findings
        if ": error: " in f
    ]
    assert all(refused), findings
    by_line: dict[int, list[tuple[str, str]]] = {}
    for m in refused:
        by_line.setdefault(int(m[1]), []).append((m[3], m[2]))
    # Each template string is refused for what it adds outside tags and for the tags it adds, or,
    # where the payload makes it longer than its English may be (a short label's), for that alone.
    kinds = Counter(tuple(code for code, _ in by_line[line]) for line in lines)
    assert set(kinds) == {("i18n.markup", "i18n.markup"), ("limit.length",)}
    assert min(kinds.values()) > 50
    # Of the prose, only the '<script>' (prose is escaped text, so its quotes are harmless).
    prose = [
        message for line in by_line if line not in lines for code, message in by_line[line] if code != "limit.length"
    ]
    assert sorted(prose) == [
        "HTML tags differ from the English 'Share the report.': extra <script>, </script>",
        (
            "HTML tags differ from the English 'The front gate': extra <script>, </script>, "
            '<details ontoggle="window.__pwned=3;alert(3)" open="">, </details>'
        ),
    ]
    messages = [f.split(": ", 1)[1] for f in findings]
    assert (
        "error: the translation adds quotes or attributes the English '%(publisher)s. %(report)s. Edition of"
        " %(date)s.' lacks: 7 × \", onfocus=, 2 × window.__pwned=, autofocus=, style=, x=, ' (for quotations use"
        " “ ” or « ») [i18n.markup]"
    ) in messages
    assert (
        f"error: the translation of 'Back to note %(num)s in the text' is {32 + len(PAYLOAD)} characters long, more"
        " than the 196"
        " it may have (three times its English, and 100 more); shorten it [limit.length]"
    ) in messages


@pytest.fixture(scope="module")
def hostile_build(hostile_catalog) -> Path:
    """The Spanish edition built from the hostile catalog, with `check`'s verdict on it ignored:
    the templates and the localizer must hold on their own (even printing the translations too
    long to print, which the payload makes of the short labels')."""
    import report.commands.gather

    root, *_ = hostile_catalog
    real = report.commands.gather.check_translations

    def lenient(*args, **kwargs):
        findings, coverage = real(*args, **kwargs)
        return [f for f in findings if f.code not in ("i18n.markup", "limit.length")], coverage

    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", FIXED_TODAY)
        env.setattr(report.commands.gather, "check_translations", lenient)
        _without_length_guard(env)
        code, out, err = build(root, "--lang", "es")
    assert code == 0, out + err
    # The edition with the translators' status page (beside dist/, not in it) where the preview serves it.
    from report import publish

    review = publish.review_folder(root)
    assert review is not None
    folder = root / "preview"
    shutil.copytree((root / "dist").resolve(), folder)
    shutil.copytree(review, folder, dirs_exist_ok=True)
    return folder


def _pages(dist: Path) -> dict[str, str]:
    pages = {p.relative_to(dist).as_posix(): p.read_text(encoding="utf-8") for p in sorted(dist.rglob("*.html"))}
    assert set(pages) == {"index.html", "es/index.html", "es/sample.html", "es/translation-status.html"}
    return pages


def test_a_hostile_catalog_adds_no_attribute_element_or_script_to_the_site(hostile_build: Path) -> None:
    for name, html in _pages(hostile_build).items():
        page = Tags(html)
        assert page.added() == [], name
        forbidden = ("style", "details", "iframe", "object", "embed", "foreignobject", "use", "image")
        assert [tag for tag, _ in page.tags if tag in forbidden] == [], name
        # The scripts: the page's JSON-LD (data), and the search box's own, from assets/ (partials/search.html).
        scripts = [attrs for tag, attrs in page.tags if tag == "script"]
        assert [s for s in scripts if s != {"type": "module", "src": "../assets/js/search.js"}] == [
            {"type": "application/ld+json"}
        ], name
        assert len(scripts) <= 2, name
        # The only SVGs are the map the layouts draw (report/render/mapsvg.py), on the home page and in
        # the facts, and the two symbols of the home page's phone legend (partials/map.html).
        svgs = [(attrs.get("id"), attrs.get("class")) for tag, attrs in page.tags if tag == "svg"]
        legend = [(None, "legend-symbol")] * 2
        maps = {
            "es/index.html": [("where-map", "map touch-map"), *legend],
            "es/sample.html": [("sample-locator", "map")],
        }
        assert svgs == maps.get(name, []), name
        assert [attrs["src"] for tag, attrs in page.tags if tag == "img"] == (
            ["../images/gate.png"] if name == "es/sample.html" else []
        ), name
    # The words are all there, as text: in the attributes they were meant for, and on the page.
    sample = Tags(_pages(hostile_build)["es/sample.html"])
    labels = sample.labels()
    assert labels == {label + PAYLOAD for label in ("Language", "Breadcrumbs", "Chapters")} | _backs(labels, PAYLOAD)
    assert [attrs["alt"] for tag, attrs in sample.tags if tag == "img"] == [ALT_ES]
    assert "Notes" + PAYLOAD in sample.text
    home = Tags(_pages(hostile_build)["es/index.html"])
    assert SUPPORT_ES in "".join(home.text)


def test_a_hostile_catalog_hides_nothing_in_the_pdf(hostile_build: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(hostile_build / "es" / "first-ten-es.pdf")
    cover = reader.pages[0].extract_text()
    assert "Informe de muestra" in cover and "Sample Detention Center" in cover
    text = "".join(page.extract_text() for page in reader.pages)
    assert "window.__pwned=2" in text  # the script is printed, as the words it is
    assert "Comparte el informe.<script>window.__pwned=4;alert(4)</script>" in text.replace("\n", "")


def test_no_script_from_a_hostile_catalog_runs_in_chromium(hostile_build: Path, browser) -> None:
    from .browser import serve

    context = browser.new_context()
    context.set_default_timeout(10_000)
    try:
        with serve(hostile_build) as base:
            for name in _pages(hostile_build):
                page = context.new_page()
                dialogs: list[str] = []
                page.on("dialog", lambda dialog, seen=dialogs: (seen.append(dialog.message), dialog.dismiss()))
                page.goto(base + name)
                page.wait_for_load_state("load")
                for _ in range(12):  # walk the focus through the page: an onfocus anywhere would fire
                    page.keyboard.press("Tab")
                page.mouse.move(200, 200)
                if page.locator("#site-search-input").is_visible():  # the search box shows its messages
                    for query in ("Sample", "zzzqqq"):
                        page.locator("#site-search-input").fill(query)
                        page.wait_for_selector(".site-search-panel:not([hidden])")
                        page.wait_for_timeout(300)
                assert page.evaluate("typeof window.__pwned") == "undefined", name
                assert dialogs == [], name
                assert (
                    page.evaluate(
                        "document.querySelectorAll('[onfocus],[ontoggle],[autofocus],[style],details,"
                        'script:not([type="application/ld+json"]):not([src="../assets/js/search.js"])\').length'
                    )
                    == 0
                ), name
                page.close()
    finally:
        context.close()


@pytest.mark.slow
def test_the_layouts_keep_even_markup_translations_out_of_attributes(
    hostile_catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the localizer's guards off, every hostile translation is markup (and none is too long
    to print): scripts do reach the text of the pages, but the `text` filter still keeps every
    attribute as the layouts wrote it."""
    import datetime as dt

    import report.i18n.localize
    from report.commands.gather import GatherOptions, gather
    from report.render.html import Renderer
    from report.render.site import _facility_pages, home_pages

    monkeypatch.setattr(report.i18n.localize, "_Text", str)
    _without_length_guard(monkeypatch)
    root, *_ = hostile_catalog
    gathered = gather(root, GatherOptions(dt.date(2025, 1, 1), ("es",)))
    edition, loc = gathered.edition, gathered.localizers["es"]
    assert edition is not None
    renderer = Renderer(edition, loc, environment(root, loc))
    facility = edition.facilities[0]
    pdf_info = {("es", None): ("es/r.pdf", 2000, 9), ("es", facility.id): ("es/f.pdf", 1000, 3)}
    pages = {
        "front": renderer.front_chunk([]).html,
        "chapter": renderer.chapter_chunk(facility, 1).html,
        "back": renderer.back_chunk().html,
        **{
            o.path: o.data.decode()
            for o in _facility_pages(edition, "es", renderer, ["en", "es"], pdf_info)
            + home_pages(edition, {"es": renderer}, pdf_info)
        },
    }
    scripts = 0
    for name, html in pages.items():
        page = Tags(html)
        assert page.added(injected=("details",)) == [], name
        scripts += sum(tag == "script" for tag, _ in page.tags)
    assert scripts > 20  # the guard is off: the translations printed as text are markup here
    # Markup in an attribute keeps its words: the tags go, the quotes and the rest are text.
    words = {label: Markup(label + PAYLOAD).striptags() for label in LABELS}
    assert (
        words["Cover"]
        == """Cover" onfocus="window.__pwned=1;alert(1)" autofocus="" style="display:none" x='window.__pwned=2;alert(2)"""
    )
    assert Tags(pages["front"]).labels() == {words["Cover"]}
    assert Tags(pages["back"]).labels() == {words["Back cover"]}
    labels = Tags(pages["es/sample.html"]).labels()
    back = Markup("BACK" + PAYLOAD).striptags().removeprefix("BACK")
    assert labels == {words[label] for label in ("Language", "Breadcrumbs", "Chapters")} | _backs(labels, back)
