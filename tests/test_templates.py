"""A mistake in a template of `layouts/` is the project's, not the tool's: a finding at its line.

A template Jinja cannot compile is a `template.syntax` error of `check` and of the build alike; a
name nothing defines, or an expression that raises (a number plus a string), is known only as the
template is rendered, and is the build's (and the preview's) `template.render` error. Neither is an
internal error, and neither stops `serve`. An exception the tool's own filters raise stays one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from typing import Any
from html.parser import HTMLParser
from pathlib import Path

import pytest

from report.commands.build import BuildOptions, pages
from report.commands.gather import GatherOptions, gather
from report.findings import Loc, error
from report.i18n.localize import Localizer
from report.render import html as render_html, typography
from report.render.html import (
    LAYOUT_NAMES,
    LayoutModule,
    Renderer,
    environment,
    template_error,
    template_findings,
)

from .conftest import FIXTURES, REPO, build, make_project, run_cli
from .test_fixtures import coverage_lines, finding_lines

PARTIAL = "layouts/partials/facility.html"


def with_template_line(tmp_path: Path, line: str) -> tuple[Path, int]:
    """The base fixture project with the shipped layouts, `line` added to a partial; return it and that line's number."""
    root = make_project(tmp_path)
    shutil.copytree(REPO / "layouts", root / "layouts")
    return root, add_template_line(root, line)


def add_template_line(root: Path, line: str) -> int:
    """Write the shipped partial into `root` with `line` added; return that line's number."""
    lines = (REPO / PARTIAL).read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(5, line + "\n")
    (root / PARTIAL).write_text("".join(lines), encoding="utf-8")
    return 6


@pytest.fixture(scope="module")
def rendering(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project for the tests that only render a chapter: each writes its own line into the
    partial, and the other layouts, compiled once, stay compiled (Jinja compiles only what changed)."""
    root, _ = with_template_line(tmp_path_factory.mktemp("rendering"), "")
    return root


def test_a_template_jinja_cannot_compile_is_an_error_at_its_line_for_check_and_build(
    tmp_path: Path, fixed_today: None
) -> None:
    root, line = with_template_line(tmp_path, "<p>{{ koala </p>")
    expected = f"{PARTIAL}:{line}:1: error: unexpected '/' [template.syntax]"
    code, checked, _ = run_cli("--root", str(root), "check")
    assert code == 1 and expected in finding_lines(checked)
    code, built, err = build(root)
    assert code == 1 and "internal error" not in built + err
    assert [f for f in finding_lines(built) if "[template." in f] == [expected]
    assert not (root / "dist").exists()


def test_a_name_no_one_defines_is_a_build_error_at_its_line_not_a_crash(tmp_path: Path, fixed_today: None) -> None:
    root, line = with_template_line(tmp_path, "<p>{{ koala_value }}</p>")
    code, checked, _ = run_cli("--root", str(root), "check")
    assert code == 0 and "[template." not in checked  # known only as it is rendered
    code, built, err = build(root)
    assert code == 1 and "internal error" not in built + err
    assert [f for f in finding_lines(built) if "[template." in f] == [
        f"{PARTIAL}:{line}:1: error: 'koala_value' is undefined [template.render]"
    ]
    assert not (root / "dist").exists() and not (root / ".cache" / "crashes").exists()


DEATHS = '<p>{{ facility.deaths | length + " deaths" }}</p>'
"""An expression that raises a TypeError as it renders: a number plus a string."""


def render_chapter(root: Path) -> Exception:
    """Render the sample facility's English chapter as the build does; return what it raised."""
    gathered = gather(root, GatherOptions(dt.date(2025, 1, 1), load_stylesheets=False))
    assert gathered.edition is not None
    localizer = gathered.localizers["en"]
    renderer = Renderer(gathered.edition, localizer, environment(root, localizer))
    with pytest.raises(Exception) as raised:
        renderer.chapter_chunk(gathered.edition.facilities[0], 1)
    return raised.value


def test_an_expression_that_raises_as_it_renders_is_the_templates_error_at_its_line(rendering: Path) -> None:
    """Jinja raises it as it is: a TypeError, not a TemplateError. The template's line is in the traceback."""
    root, line = rendering, add_template_line(rendering, DEATHS)
    raised = render_chapter(root)
    assert type(raised) is TypeError
    assert template_error(root, raised) == error(
        "template.render", Loc(PARTIAL, line, 1), "unsupported operand type(s) for +: 'int' and 'str'"
    )


def test_a_bug_in_the_tools_own_filter_is_not_the_templates(rendering: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`capfirst` (report/render/typography.py) raises below the template's frame: a bug in the tool, no finding."""

    def broken(value: object) -> str:
        raise TypeError("a bug in the tool")

    root = rendering
    add_template_line(root, "<p>fine</p>")
    monkeypatch.setattr(typography, "_markup", broken)
    raised = render_chapter(root)
    assert str(raised) == "a bug in the tool"
    assert template_error(root, raised) is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ('format_number("twelve")', "format_number() takes a number, not 'twelve'"),
        ("format_number(true)", "format_number() takes a number, not True"),
        ('long_date("2021-02-25")', "long_date() takes a full date, not '2021-02-25'"),
        ("format_partial_date(2021)", "format_partial_date() takes a date of a dossier, not 2021"),
        ('format_names("GEO Group")', "format_names() takes a list of names, not 'GEO Group'"),
        ("county_parts(7)", "county_parts() takes a county's name, not 7"),
        ('translated("x" * 80)', f"translated() takes prose of a dossier, not {repr('x' * 80)[:57]}..."),
    ],
)
def test_a_value_of_the_wrong_kind_given_to_the_tools_functions_is_the_templates_error(
    rendering: Path, call: str, message: str
) -> None:
    """`{{ format_number("twelve") }}` raised inside Babel, below the template's frame, so the build
    called it a bug in the tool (exit 3); `format_names("GEO Group")` printed "G, E, O, …". The
    value is the template's mistake: a `template.render` error at its line."""
    root, line = rendering, add_template_line(rendering, f"<p>{{{{ {call} }}}}</p>")
    raised = render_chapter(root)
    assert template_error(root, raised) == error("template.render", Loc(PARTIAL, line, 1), message)


@pytest.mark.slow
def test_an_expression_that_raises_is_a_build_and_release_error_not_a_crash(tmp_path: Path, fixed_today: None) -> None:
    root, line = with_template_line(tmp_path, DEATHS)
    code, checked, _ = run_cli("--root", str(root), "check", "--release")
    assert code == 0 and "[template." not in checked  # known only as it is rendered
    expected = f"{PARTIAL}:{line}:1: error: unsupported operand type(s) for +: 'int' and 'str' [template.render]"
    for verb in (("build",), ("release",)):
        code, out, err = run_cli("--root", str(root), *verb)
        assert code == 1 and "internal error" not in out + err
        assert [f for f in finding_lines(out) if "[template." in f] == [expected]
    assert not (root / "dist").exists() and not (root / ".cache" / "crashes").exists()


@pytest.mark.slow
def test_a_bug_in_the_tools_own_filter_stays_a_crash(
    tmp_path: Path, fixed_today: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(value: object) -> str:
        raise TypeError("a bug in the tool")

    root, _ = with_template_line(tmp_path, "<p>fine</p>")
    monkeypatch.setattr(typography, "_markup", broken)
    code, out, err = build(root)
    assert code == 3 and "[template." not in out
    assert "internal error (TypeError: a bug in the tool): this is a bug in the tool" in err
    assert not (root / "dist").exists()


@pytest.mark.slow
def test_the_previews_page_step_says_it_too(tmp_path: Path, fixed_today: None) -> None:
    """`serve` renders the pages before the build: the same error, where it used to stop the server."""
    root, line = with_template_line(tmp_path, "<p>{{ koala_value }}</p>")
    paged = pages(root, BuildOptions(today=dt.date(2025, 1, 1)))
    assert paged.failed is not None and paged.outputs == ()
    assert [str(f) for f in paged.findings if f.code.startswith("template.")] == [
        f"{PARTIAL}:{line}:1: error: 'koala_value' is undefined [template.render]"
    ]


@pytest.mark.slow
def test_check_compiles_a_template_again_once_it_changes(tmp_path: Path, fixed_today: None) -> None:
    """What compiling found is kept in .cache/, by the templates' bytes: an edit is seen at once."""
    root, line = with_template_line(tmp_path, "<p>fine</p>")
    assert run_cli("--root", str(root), "check")[0] == 0
    assert (root / ".cache" / "templates").is_dir()
    path = root / PARTIAL
    path.write_text(path.read_text(encoding="utf-8").replace("<p>fine</p>", "<p>{{ koala </p>"), encoding="utf-8")
    code, checked, _ = run_cli("--root", str(root), "check")
    assert code == 1 and f"{PARTIAL}:{line}:1: error: unexpected '/' [template.syntax]" in finding_lines(checked)


def test_extract_refuses_while_a_template_cannot_be_parsed(tmp_path: Path, fixed_today: None) -> None:
    """Babel's Jinja extractor skips a template it cannot parse: the .pot would lose its strings,
    and `update` would then make their translations obsolete. `extract` says why and writes nothing."""
    root = make_project(tmp_path, "template-syntax")
    pot = root / "i18n" / "messages.pot"
    before = pot.read_bytes()
    code, out, _ = run_cli("--root", str(root), "extract")
    assert code == 1
    assert finding_lines(out) == ["layouts/page.html:1:1: error: unexpected '/' [template.syntax]"]
    assert out.rstrip().endswith("fix these errors first: no catalog was written")
    assert pot.read_bytes() == before


def test_a_template_that_is_not_utf8_is_a_finding_not_a_crash(tmp_path: Path, fixed_today: None) -> None:
    """Reading its strings for coverage raised; now it is the template.syntax case: the .pot's strings count."""
    root = make_project(tmp_path, "template-syntax")
    page = root / "layouts" / "page.html"
    page.write_bytes(page.read_bytes().replace(b") </p>", b") }}</p>", 1) + "<p>café</p>\n".encode("latin-1"))
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1
    assert finding_lines(out) == [
        "i18n/es/LC_MESSAGES/messages.po:123:1: warning: not translated: 'Download the report (%(size)s)' [i18n.untranslated]",
        "layouts/page.html: error: not UTF-8 text: save it as UTF-8 [template.syntax]",
    ]
    assert coverage_lines(out) == (FIXTURES / "template-syntax" / "coverage.txt").read_text().splitlines()
    code, out, _ = run_cli("--root", str(root), "extract")
    assert (code, finding_lines(out)) == (
        1,
        ["layouts/page.html: error: not UTF-8 text: save it as UTF-8 [template.syntax]"],
    )


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_source_title_that_ends_a_sentence_gets_no_second_period(lang: str) -> None:
    """The sources list printed "Immigrants Are Fighting Back.. About 2022" and "Take action to save
    lives at Otay Mesa!. About 2020": the entry put a period after every title."""
    from report.content.model import PartialDate, Source

    env = environment(REPO, Localizer(lang, "en", None, f"{lang}_US"))
    entry = env.get_template("partials/source.html").make_module().entry

    def title_line(title: str, status: str = "exact") -> str:
        source = Source("x", "news", title, ("DWN",), "https://example.org/x", Loc("s"), PartialDate(2020), Loc("s"))
        return str(entry(dataclasses.replace(source, title_status=status))).splitlines()[1]

    attr = "" if lang == "en" else ' lang="en"'
    assert title_line("Take action to save lives at Otay Mesa!") == (
        f'<cite class="title"{attr}>Take action to save lives at Otay Mesa!</cite>'
    )
    assert (
        title_line("Immigrants Are Fighting Back.") == f'<cite class="title"{attr}>Immigrants Are Fighting Back.</cite>'
    )
    assert title_line("He asked, \u201cWhy?\u201d") == f'<cite class="title"{attr}>He asked, \u201cWhy?\u201d</cite>'
    assert title_line("Plain title") == f'<cite class="title"{attr}>Plain title</cite>.'
    # A note in brackets after the title still ends with its period.
    assert title_line("Fighting Back.", "truncated").endswith("].")


def test_the_list_mark_says_what_it_means_not_star() -> None:
    """A facility whose place on the 2021 list is unconfirmed is marked "*", which a screen reader said
    as "star", tied to nothing: the mark is an image named by its meaning, in the page's language
    (English marked where it falls back); in the line that explains it, the mark says nothing."""
    from report.i18n.catalogs import read_catalog
    from report.project import catalog_path

    spanish = read_catalog(REPO, catalog_path("es"), "es")
    localizers = {
        "en": Localizer("en", "en", None, "en_US"),
        "es": Localizer("es", "en", spanish, "es_US"),
        "es-fallback": Localizer("es", "en", None, "es_US"),
    }
    said = {
        "en": 'aria-label="not yet confirmed as named on the 2021 First Ten list"',
        "es": 'aria-label="aún no se ha confirmado que figurara en la lista de los Primeros Diez de 2021"',
        "es-fallback": 'aria-label="not yet confirmed as named on the 2021 First Ten list" lang="en"',
    }
    for name, localizer in localizers.items():
        labels = environment(REPO, localizer).get_template("partials/labels.html").make_module()
        assert str(labels.list_mark(True)) == ""
        assert str(labels.list_mark(False)) == f'<span class="list-mark" role="img" {said[name]}>*</span>', name
        facility = type("F", (), {"review": type("R", (), {"list_membership": "unverified"})()})()
        note = str(labels.list_note([facility]))
        assert note.startswith('\n<p class="list-note"><span class="list-mark" aria-hidden="true">*</span> '), name


def test_a_layout_compiled_for_another_project_is_not_compiled_again_and_raises_at_this_projects_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compiled layouts are kept by name and source, whatever the project (Jinja's own key is the
    file's path: each of the tests' small projects compiled every layout again). The same layouts
    in a second project are not compiled again, an edited one is, and what a shared one raises as
    it renders is at its line in this project's file, not in the project it was compiled for."""
    import jinja2

    from report.render import html

    monkeypatch.setattr(html, "_COMPILED", html._CompiledInMemory())
    monkeypatch.setattr(html, "_SYNTAX", {})  # `check` compiles every layout, whatever ran before
    compiled: list[str | None] = []
    compile_ = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: str, name: str | None = None, *args: object) -> object:
        compiled.append(name)
        return compile_(self, source, name, *args)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    (first, line), (second, _) = (with_template_line(tmp_path / name, DEATHS) for name in ("a", "b"))
    render_chapter(first)
    assert PARTIAL.removeprefix("layouts/") in compiled
    compiled.clear()
    raised = render_chapter(second)
    assert compiled == []
    assert template_error(second, raised) == error(
        "template.render", Loc(PARTIAL, line, 1), "unsupported operand type(s) for +: 'int' and 'str'"
    )
    assert template_error(first, raised) is None  # the first project's file is not where it was raised
    add_template_line(second, DEATHS.replace("<p>", "<p class=edited>"))
    render_chapter(second)
    assert compiled == [PARTIAL.removeprefix("layouts/")]


@pytest.mark.parametrize(
    ("template", "shipped", "edited", "expected"),
    [
        (
            "partials/chooser.html",
            "macro skip()",
            "macro skip_link()",
            "defines no macro 'skip', which the build calls for the language chooser's skip link",
        ),
        (
            "partials/labels.html",
            "set status_labels =",
            "set status_words =",
            "defines no variable 'status_labels', which the build reads ({% set %}) for each facility's status"
            " on its share image",
        ),
    ],
)
def test_a_layout_without_a_name_the_build_takes_is_an_error_of_check_and_build_not_a_crash(
    tmp_path: Path, fixed_today: None, template: str, shipped: str, edited: str, expected: str
) -> None:
    """An older copy of the layouts, or a renamed macro: `check` passed it, then the build crashed
    (exit 3) as "a bug in the tool" at site.py's `words.skip()`."""
    root, _ = with_template_line(tmp_path, "")
    path = root / "layouts" / template
    text = path.read_text(encoding="utf-8")
    assert text.count(shipped) == 1
    path.write_text(text.replace(shipped, edited), encoding="utf-8")
    line = f"layouts/{template}: error: this template {expected}: add it (see the shipped layouts) [template.macro]"
    code, checked, _ = run_cli("--root", str(root), "check")
    assert code == 1 and [f for f in finding_lines(checked) if "[template." in f] == [line]
    code, built, err = build(root)
    assert code == 1 and [f for f in finding_lines(built) if "[template." in f] == [line]
    assert "internal error" not in built + err and "Traceback" not in built + err
    assert not (root / "dist").exists() and not (root / ".cache" / "crashes").exists()


def test_a_layout_that_cannot_compile_is_not_also_said_to_lack_its_macros(tmp_path: Path, fixed_today: None) -> None:
    """An unknown filter: Jinja parses the template, then refuses to compile it. One finding says so."""
    root, _ = with_template_line(tmp_path, "")
    (root / "layouts/partials/chooser.html").write_text("{{ 1 | koala }}\n", encoding="utf-8")
    code, checked, _ = run_cli("--root", str(root), "check")
    assert code == 1
    assert [f for f in finding_lines(checked) if "[template." in f] == [
        "layouts/partials/chooser.html:1:1: error: No filter named 'koala'. [template.syntax]"
    ]


def test_the_shipped_layouts_define_every_name_the_build_takes() -> None:
    localizer = Localizer("en", "en", None, "en_US")
    assert template_findings(REPO, localizer) == []
    env = environment(REPO, localizer)
    for template, names in LAYOUT_NAMES.items():  # what the source defines is what the module has
        module = LayoutModule(env, template)
        assert [n.name for n in names if module[n.name] is None] == []
        assert {n.kind for n in names} <= {"macro", "variable"}


def test_the_names_a_layout_defines_are_read_from_its_source(tmp_path: Path) -> None:
    """Every top-level way of defining a name counts; a macro nested in another, or one only called, does not."""
    (tmp_path / "layouts/partials").mkdir(parents=True)
    (tmp_path / "layouts/partials/chooser.html").write_text(
        "{% if true %}{% macro heading() %}{% macro skip() %}{% endmacro %}{% endmacro %}{% endif %}"
        "{% from 'partials/other.html' import draft as x %}{{ skip() }}",
        encoding="utf-8",
    )
    (tmp_path / "layouts/partials/labels.html").write_text(
        "{% set status_labels, back_matter_title = 1, 2 %}{% set list_mark %}*{% endset %}"
        "{% import 'partials/other.html' as review_mark %}"
        "{% from 'partials/other.html' import facility_description, list_note, report_kind %}"
        "{% from 'partials/other.html' import editors_note, facility_mark %}",
        encoding="utf-8",
    )
    found = template_findings(tmp_path, Localizer("en", "en", None, "en_US"))
    assert [(f.loc.path, f.message.split(",")[0]) for f in found] == [
        ("layouts/partials/chooser.html", "this template defines no macro 'draft'"),
        ("layouts/partials/chooser.html", "this template defines no macro 'skip'"),
    ]
    assert {f.code for f in found} == {"template.macro"} and {f.loc.line for f in found} == {0}


def test_the_code_takes_only_the_names_the_contract_lists() -> None:
    labels = LayoutModule(environment(REPO, Localizer("en", "en", None, "en_US")), "partials/labels.html")
    with pytest.raises(KeyError, match="'capacity_phrase' of partials/labels.html is not in LAYOUT_NAMES"):
        labels["capacity_phrase"]


def test_deaths_print_in_date_order_the_undated_last_whatever_the_yaml_order(tmp_path: Path, fixed_today: None) -> None:
    """A reader, and a fact-checker, reads the deaths in custody as a chronology, as the timeline is."""
    root, _ = with_template_line(tmp_path, "")
    dossier = root / "facilities" / "sample.yaml"
    deaths = (
        "deaths:\n"
        "  - id: undated-first\n    text: A man died; the source gives no date.\n    sources: [gov-report-2020]\n"
        "  - id: unnamed-2020\n    date: 2020-03-01\n    text: A man died after weeks without care.\n"
        "    sources: [gov-report-2020]\n"
        "  - id: undated-second\n    text: A woman died; the source gives no date.\n    sources: [gov-report-2020]\n"
        "  - id: may-2019\n    date: 2019-05\n    text: A woman died in her cell.\n    sources: [gov-report-2020]\n"
    )
    text = dossier.read_text()
    start, end = text.index("deaths:\n"), text.index("campaign:\n")
    dossier.write_text(text[:start] + deaths + text[end:])
    gathered = gather(root, GatherOptions(dt.date(2025, 1, 1), load_stylesheets=False))
    assert gathered.edition is not None and gathered.ok
    localizer = gathered.localizers["en"]
    renderer = Renderer(gathered.edition, localizer, environment(root, localizer))
    html = renderer.chapter_chunk(gathered.edition.facilities[0], 1).html
    parser = _ListIds()
    parser.feed(html)
    deaths_ids = {"sample-undated-first", "sample-unnamed-2020", "sample-undated-second", "sample-may-2019"}
    assert [found for found in parser.ids if found in deaths_ids] == [
        "sample-may-2019",
        "sample-unnamed-2020",
        "sample-undated-first",
        "sample-undated-second",
    ]


class _ListIds(HTMLParser):
    """The id of every list item of a page, in the order it prints."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs).get("id")
        if tag == "li" and found:
            self.ids.append(found)


def test_a_template_saved_while_check_compiles_it_is_not_kept_under_the_bytes_before(tmp_path: Path) -> None:
    """`check` keyed the templates' outcome by their bytes, then had Jinja read them again from disk
    to compile them: a save in between (a syntax error fixed) was kept under the key of the bytes
    before it, and once the save was undone `check` said the broken template compiled."""
    (tmp_path / "layouts").mkdir()
    page = tmp_path / "layouts/page.html"
    broken = "<p>{% if x %}</p>\n"
    page.write_text(broken, encoding="utf-8")
    localizer = Localizer("en", "en", None, "en_US")
    read_input = render_html.read_input

    def read_then_saved(root: Path, rel: str, kind: str) -> Any:
        found = read_input(root, rel, kind)
        page.write_text("<p>{% if x %}{% endif %}</p>\n", encoding="utf-8")  # the writer fixes it
        return found

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(render_html, "read_input", read_then_saved)
        first = template_findings(tmp_path, localizer, tmp_path / ".cache")
    page.write_text(broken, encoding="utf-8")  # and undoes the fix
    again = template_findings(tmp_path, localizer, tmp_path / ".cache")
    assert [(f.code, f.loc.path, f.loc.line) for f in again] == [("template.syntax", "layouts/page.html", 1)]
    assert first == again  # the outcome of the bytes it keyed, read before the save
