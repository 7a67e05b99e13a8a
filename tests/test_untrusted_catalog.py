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
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes
from markupsafe import Markup

from report.catalogs import CatalogEntry, ParsedCatalog, parse_catalog
from report.localize import Localizer
from report.render import attribute_text, environment

from .conftest import REPO

# -- the layouts: every attribute value is text --------------------------------------------------

_JINJA = re.compile(r"\{\{[-+]?(?P<expr>.*?)[-+]?\}\}|\{%[-+]?\s*(?P<block>\w+).*?[-+]?%\}|\{#.*?#\}", re.S)
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
            problem = f"nothing is interpolated inside <{html.tag}>"
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
    problems = [f"{i.path}:{i.line}: {{{{ {i.expression} }}}} in {i.where}: {i.problem}" for i in everything if i.problem]
    assert problems == []
    in_attributes = [i for i in everything if i.where.startswith("attribute ")]
    # The scan sees what it must: the attributes of every kind, the six translated labels among them.
    assert len(in_attributes) > 80
    assert {i.where for i in in_attributes} >= {"attribute aria-label", "attribute href", "attribute id", "attribute content", "attribute lang", "attribute style", "attribute alt"}
    assert len({i.expression for i in in_attributes if i.expression.startswith("_(")}) == 6


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("""<a aria-label="{{ _('Back to the text') }}">""", "an attribute value must end with '| text' (or '| int' for a number)"),
        ("""<a aria-label="{{ _('Back') | e }}">""", "an attribute value must end with '| text' (or '| int' for a number)"),
        ("""<a title='{{ x if y else z | text }}'>""", "an attribute value must end with '| text' (or '| int' for a number)"),
        ("""<a title="x{{ a ~ b | text }}">""", "an attribute value must end with '| text' (or '| int' for a number)"),
        ("""<a href={{ url | text }}>""", "interpolated in a tag but outside a quoted attribute value (value-bare)"),
        ("""<a {{ attributes }}>""", "interpolated in a tag but outside a quoted attribute value (tag)"),
        ("""<b class="x" onclick="go({{ n | int }})">""", "an event handler attribute takes no value from a template"),
        ("""<p style="color: {{ colour | text }}">""", "a style attribute takes only numbers: end the expression with '| int'"),
        ("""<style>p { color: {{ colour }} }</style>""", "nothing is interpolated inside <style>"),
        ("""<p{% include "x.html" %}>""", "'{% include %}' inside a tag"),
    ],
)
def test_the_scan_finds_an_attribute_value_that_is_not_text(jinja: jinja2.Environment, template: str, problem: str) -> None:
    found, _ = scan("t.html", template, jinja)
    assert [i.problem for i in found if i.problem] == [problem]


def test_the_scan_accepts_text_values_and_text_content(jinja: jinja2.Environment) -> None:
    template = """<!-- <a title="{{ x }}"> --><cite{% if s.lang %} lang="{{ s.lang | text }}"{% endif %}>{{ s.title }}</cite>
<span style="counter-reset: folio {{ n | int }}" title='{{ _("a") | text }}'>{{ _("b") }}</span><script></script>"""
    found, end = scan("t.html", template, jinja)
    assert end == "text"
    assert [(i.where, i.problem) for i in found] == [
        ("comment", None), ("attribute lang", None), ("text", None), ("attribute style", None), ("attribute title", None), ("text", None)
    ]


def test_the_text_filter_makes_markup_plain_escaped_text() -> None:
    assert attribute_text(Markup('Volver" onfocus="alert(1)" autofocus=""')) == "Volver&#34; onfocus=&#34;alert(1)&#34; autofocus=&#34;&#34;"
    assert attribute_text(Markup('<span lang="en" class="fallback">Back to the text</span>')) == "Back to the text"
    assert attribute_text(Markup("Lee &lt;b&gt; <b>aquí</b>")) == "Lee &lt;b&gt; aquí"
    assert attribute_text('x" y=\'z\' <b>') == "x&#34; y=&#39;z&#39; &lt;b&gt;"
    assert attribute_text(12) == "12"
    assert isinstance(attribute_text("x"), Markup)


# -- the localizer: a translation is markup only where its English is ----------------------------


def _localizer(*entries: tuple[str, str]) -> Localizer:
    catalog = ParsedCatalog(
        "i18n/es/LC_MESSAGES/messages.po",
        tuple(CatalogEntry(None, msgid, None, (msgstr,), False, False, line) for line, (msgid, msgstr) in enumerate(entries, 1)),
    )
    return Localizer("es", "en", catalog)


def test_the_translation_of_a_plain_template_string_is_text() -> None:
    loc = _localizer(("Back to the text", 'Volver" onfocus="x()"<script>x()</script>'))
    env = environment(REPO, loc)
    html = env.from_string("""<p>{{ _("Back to the text") }}</p><a aria-label="{{ _("Back to the text") }}">""").render()
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
    env = environment(REPO, Localizer("es", "en", same))
    assert env.from_string("{{ _(m, url='#s') }}").render(m=english) == 'Lee las <a href="#s">fuentes</a>.'
    added = parse_catalog(
        b'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\nLanguage: es\\n"\n\n'
        b'#, python-format\nmsgid "Read the <a href=\\"%(url)s\\">sources</a>."\n'
        b'msgstr "Lee las <a href=\\"%(url)s\\" onclick=\\"x()\\">fuentes</a>."\n',
        "i18n/es/LC_MESSAGES/messages.po",
        "es",
    )
    assert [code for code, _ in added.entries[0].problems] == ["i18n.markup"]
    env = environment(REPO, Localizer("es", "en", added))
    assert env.from_string("{{ _(m, url='#s') }}").render(m=english) == (
        "Lee las &lt;a href=&#34;#s&#34; onclick=&#34;x()&#34;&gt;fuentes&lt;/a&gt;."
    )
