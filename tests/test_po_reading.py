"""Reading catalogs: what msgfmt accepts we read, what it calls fatal we report, and no
translation can crash a build.

Fixture folders hold one case each (`po-*`, `i18n-format`); these tests add what a folder cannot
show: the build with a broken translation, msgfmt's verdict on the same files, and round trips.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from report.i18n.catalogs import parse_catalog
from report.i18n.localize import Localizer
from report.project import catalog_path
from report.render.html import environment

from .conftest import FIXED_TODAY, REPO, build, make_project, run_cli

SPANISH = catalog_path("es")
HEADER = (
    'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
)


def _catalog(body: str) -> Localizer:
    return Localizer("es", "en", parse_catalog((HEADER + body).encode(), SPANISH, "es"))


# -- `%` in template strings: Jinja's newstyle gettext formats every one of them ----------------

BROKEN = (" 100%", " %(x)s", " al 100% de", " %s", " %(num)")
"""Appended to a translation, each makes `translation % variables` raise or print a dict."""


@pytest.mark.parametrize("tail", BROKEN)
def test_a_broken_format_falls_back_to_english_with_a_finding(tail: str) -> None:
    loc = _catalog(f'msgid "Chapter %(number)s"\nmsgstr "Capítulo %(number)s{tail}"\n')
    env = environment(REPO, loc)
    assert env.from_string("{{ _('Chapter %(number)s', number=3) }}").render() == (
        '<span lang="en" class="fallback">Chapter 3</span>'
    )
    assert [str(f) for f in loc.findings] == [
        f"{SPANISH}:7:1: warning: Spanish translation unusable ({SPANISH}:7:1): "
        "using the English text 'Chapter %(number)s' [i18n.fallback]"
    ]


def test_a_percent_sign_written_double_and_names_the_english_has_are_fine() -> None:
    loc = _catalog(
        'msgid "Done"\nmsgstr "Listo al 100%%"\n\n'
        'msgid "One bed"\nmsgid_plural "%(num)s beds"\nmsgstr[0] "%(num)s cama"\nmsgstr[1] "%(num)s camas"\n\n'
        'msgctxt "a:b"\nmsgid "Half the beds"\nmsgstr "El 50% de las camas"\n'
    )
    assert [e.problems for e in loc.catalog.entries] == [(), (), ()]
    env = environment(REPO, loc)
    assert env.from_string("{{ _('Done') }} {{ ngettext('One bed', '%(num)s beds', 1) }}").render() == (
        "Listo al 100% 1 cama"
    )
    assert loc.findings == []


@pytest.fixture(scope="module")
def percent_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project with the shipped layouts and a Spanish catalog in which every template
    string's translation has a broken placeholder (one of BROKEN in turn)."""
    root = make_project(tmp_path_factory.mktemp("percent"), "_i18n")
    shutil.copytree(REPO / "layouts", root / "layouts")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", FIXED_TODAY)
        for verb in ("extract", "update"):
            code, out, _ = run_cli("--root", str(root), verb)
            assert code == 0, out
    po = root / SPANISH
    with po.open("rb") as handle:
        catalog = read_po(handle)
    broken = 0
    for message in catalog:
        if message.id and message.context is None:
            tail = BROKEN[broken % len(BROKEN)]
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            message.string = ids[0] + tail if len(ids) == 1 else tuple(i + tail for i in ids)
            message.flags.discard("fuzzy")
            broken += 1
    with po.open("wb") as handle:
        write_po(handle, catalog)
    return root


def test_check_refuses_every_broken_format(percent_project: Path, fixed_today: None) -> None:
    code, out, err = run_cli("--root", str(percent_project), "check")
    assert code == 1 and "Traceback" not in out + err
    catalog = parse_catalog((percent_project / SPANISH).read_bytes(), SPANISH, "es")
    lines = {e.line for e in catalog.active() if e.context is None}
    assert len(lines) > 100
    found = [re.match(rf"{SPANISH}:(\d+):1: error: .* \[i18n.placeholder\]$", line) for line in out.splitlines()]
    assert sorted(int(m[1]) for m in found if m) == sorted(lines)


def test_build_stops_at_a_broken_format(percent_project: Path, fixed_today: None) -> None:
    code, out, err = build(percent_project, "--lang", "es")
    assert code == 1 and "Traceback" not in out + err
    catalog = parse_catalog((percent_project / SPANISH).read_bytes(), SPANISH, "es")
    strings = len([e for e in catalog.active() if e.context is None])
    assert out.rstrip().endswith(f"build failed with {strings} errors: nothing was written to dist/")
    assert not (percent_project / "dist").exists()


def test_a_broken_format_past_check_does_not_crash_the_build(
    percent_project: Path, tmp_path: Path, fixed_today: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `check`'s verdict ignored (as `serve` renders whatever was saved last), the localizer
    holds on its own: every template string is printed in English, marked, with a finding."""
    import report.commands.gather

    root = shutil.copytree(percent_project, tmp_path / "project")
    real = report.commands.gather.check_translations

    def lenient(*args, **kwargs):
        findings, coverage = real(*args, **kwargs)
        return [f for f in findings if f.code != "i18n.placeholder"], coverage

    monkeypatch.setattr(report.commands.gather, "check_translations", lenient)
    code, out, err = build(root, "--lang", "es")
    assert code == 0, out + err
    html = (root / "dist" / "es" / "sample.html").read_text(encoding="utf-8")
    assert '<span lang="en" class="fallback">Typeset in IBM Plex, under the SIL Open Font License.</span>' in html
    assert "unusable" in out and "Traceback" not in out + err
    assert not re.search(r"100%|%\(|\{'", html)
