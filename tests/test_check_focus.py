"""`check FILE...` shows what concerns those files; `--quiet` shows errors and the summary only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import FIXTURES, copy_project, make_project, run_cli

PO = "i18n/es/LC_MESSAGES/messages.po"


@pytest.fixture
def project(tmp_path: Path, fixed_today: None, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The Spanish fixture project with a finding in each file: the dossier, a source it cites,
    a source nobody cites, its catalog entries and report.yaml's."""
    root = make_project(tmp_path, "i18n-fuzzy")
    sources = root / "facilities" / "sources.yaml"
    text = sources.read_text(encoding="utf-8").replace(
        "url: https://news.example.com/2021/03/sample", "url: news.example.com/2021/03/sample"
    )
    text += (
        "  - id: unused-2022\n    type: blog\n    title: Unused\n    publisher: The Daily Example\n"
        "    date: 2022-01\n    url: https://news.example.com/2022/unused\n"
    )
    sources.write_text(text, encoding="utf-8")
    dossier = root / "facilities" / "sample.yaml"
    dossier.write_text(dossier.read_text(encoding="utf-8").replace("status: verified", "status: unverified"))
    po = root / PO
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgctxt "report:subtitle"', '#, fuzzy\nmsgctxt "report:subtitle"'),
        encoding="utf-8",
    )
    monkeypatch.chdir(root)
    return root


SOURCE_URL = (
    "facilities/sources.yaml:14:10: error: sources[2].url: 'news.example.com/2021/03/sample' is not a valid web"
    " address: it is not an http:// or https:// address; write the full address, like https://example.org/page"
    " [schema.pattern]"
)
TYPE_HINT = (
    "news for a story of a newspaper, magazine or broadcaster, government-report for a report of a government"
    " body or inspector general; reference, newsletter and aggregator are weak kinds"
)
SOURCE_TYPE = (
    "facilities/sources.yaml:16:11: error: sources[3].type: 'blog' is not allowed; use one of: government-report,"
    " court-filing, news, ngo-report, press-release, reference, newsletter, aggregator, web-page ({HINT}) [schema.enum]"
).format(HINT=TYPE_HINT)
UNVERIFIED = "facilities/sample.yaml:57:3: warning: 'sample' is not fact-checked (review status 'unverified') [review.unverified]"
FUZZY_REPORT = (
    f"{PO}:32:1: warning: fuzzy: check the translation of 'A tiny project for tests', then remove the fuzzy flag"
    " [i18n.fuzzy]"
)
FUZZY_SAMPLE = [
    f"{PO}:71:1: warning: fuzzy (the English changed since it was translated): check the translation of"
    " 'ICE stopped using the facility.', then remove the fuzzy flag [i18n.fuzzy]",
    f"{PO}:97:1: warning: fuzzy: check the translation of 'A man died after weeks without care.', then remove the"
    " fuzzy flag [i18n.fuzzy]",
]
FALLBACK_SAMPLE = [
    f"facilities/sample.yaml:24:9: warning: Spanish translation fuzzy ({PO}:71:1): using the English text"
    " 'ICE stopped using the facility.' [i18n.fallback]",
    f"facilities/sample.yaml:38:11: warning: Spanish translation fuzzy ({PO}:97:1): using the English text"
    " 'A man died after weeks without care.' [i18n.fallback]",
]
FALLBACK_REPORT = (
    f"report.yaml:3:11: warning: Spanish translation fuzzy ({PO}:32:1): using the English text"
    " 'A tiny project for tests' [i18n.fallback]"
)


def check(*args: str) -> tuple[int, list[str]]:
    """Run `check`; return its exit code and output lines, with the time in the summary left out."""
    code, out, err = run_cli("check", *args)
    assert err == ""
    lines = out.splitlines()
    assert re.fullmatch(r"check: .* \(\d+\.\d s\)", lines[-1])
    return code, [*lines[:-1], re.sub(r" \(\d+\.\d s\)$", "", lines[-1])]


def test_without_files_everything_is_shown(project: Path) -> None:
    code, lines = check()
    assert code == 1
    assert lines[:10] == [
        *FALLBACK_SAMPLE,
        UNVERIFIED,
        SOURCE_URL,
        SOURCE_TYPE,
        FUZZY_REPORT,
        *FUZZY_SAMPLE,
        FALLBACK_REPORT,
        "",
    ]
    assert lines[-1] == "check: 2 errors, 7 warnings; es 80.0% translated"


def test_a_dossier_shows_the_sources_it_cites_and_its_catalog_entries(project: Path) -> None:
    code, lines = check("facilities/sample.yaml")
    assert code == 1
    assert lines == [
        *FALLBACK_SAMPLE,  # the dossier's prose the build prints in English
        UNVERIFIED,
        SOURCE_URL,  # news-2021, which sample.yaml cites; not unused-2022's error
        *FUZZY_SAMPLE,  # not report.yaml's entry
        "",
        "code               level    count",
        "schema.pattern     error        1",
        "i18n.fallback      warning      2",
        "i18n.fuzzy         warning      2",
        "review.unverified  warning      1",
        "1 error, 5 warnings",
        "",
        "check: 1 error, 5 warnings (1 error and 2 warnings in other files not shown); es 80.0% translated",
    ]


def test_a_dossier_shows_the_mistakes_in_the_translations_of_its_prose(
    tmp_path: Path, fixed_today: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mistake in a translation is reported at its msgstr, lines below the msgid: it still concerns the dossier."""
    monkeypatch.chdir(make_project(tmp_path, "i18n-citations"))
    code, lines = check("facilities/sample.yaml")
    assert code == 1
    assert lines[:5] == [*(FIXTURES / "i18n-citations" / "expected.txt").read_text().splitlines(), ""]
    assert lines[-1] == "check: 2 errors, 2 warnings; es 86.7% translated"


def test_a_file_elsewhere_is_counted_not_shown_and_does_not_fail_the_check(project: Path) -> None:
    code, lines = check(str(project / PO))  # an absolute path works too
    assert code == 0
    assert lines[:4] == [FUZZY_REPORT, *FUZZY_SAMPLE, ""]
    assert "Spanish (es): i18n/es/LC_MESSAGES/messages.po" in lines  # the coverage table of the catalog named
    assert (
        lines[-1]
        == "check: 0 errors, 3 warnings (2 errors and 4 warnings in other files not shown); es 80.0% translated"
    )


def test_quiet_shows_errors_and_the_summary_line(project: Path) -> None:
    assert check("--quiet") == (
        1,
        [SOURCE_URL, SOURCE_TYPE, "check: 2 errors (7 warnings not shown); es 80.0% translated"],
    )
    assert check("-q", "facilities/sample.yaml") == (
        1,
        [
            SOURCE_URL,
            "check: 1 error (5 warnings not shown; 1 error and 2 warnings in other files not shown); es 80.0% translated",
        ],
    )


def test_json_says_how_many_were_not_shown(project: Path) -> None:
    code, out, _ = run_cli("check", "--format", "json", "-q", "facilities/sample.yaml")
    data = json.loads(out)
    assert code == 1
    assert [f["code"] for f in data["findings"]] == ["schema.pattern"]
    assert data["not_shown"] == {"errors": 1, "warnings": 7}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("facilities/nowhere.yaml", "build.py: error: facilities/nowhere.yaml: no such file\n"),
        ("/", "build.py: error: / is not in the project ({root})\n"),
    ],
)
def test_a_file_that_is_not_in_the_project_is_a_usage_error(project: Path, name: str, message: str) -> None:
    assert run_cli("check", name) == (2, "", message.format(root=project))


NOT_READ = (
    "build.py: error: {name} is not a file `check` reads: name a dossier, facilities/sources.yaml, report.yaml,"
    " a catalog, or a template or stylesheet in layouts/, or name none to check them all\n"
)


def test_a_file_check_does_not_read_is_a_usage_error(project: Path) -> None:
    """`check Makefile` said "check: 0 errors (… in other files not shown)" and exited 0: nothing
    about the Makefile was checked."""
    (project / "Makefile").write_text("all:\n\t./build.py\n", encoding="utf-8")
    (project / "docs").mkdir()
    (project / "docs" / "notes.md").write_text("# Notes\n", encoding="utf-8")
    assert run_cli("check", "Makefile") == (2, "", NOT_READ.format(name="Makefile"))
    assert run_cli("check", "facilities/sample.yaml", "./docs/notes.md") == (
        2,
        "",
        NOT_READ.format(name="docs/notes.md"),
    )
    # A stray file in facilities/ is read: `check` says it is ignored, at it.
    (project / "facilities" / "notes.txt").write_text("to do\n", encoding="utf-8")
    code, out, err = run_cli("check", "facilities/notes.txt")
    assert (code, err) == (0, "") and out.startswith(
        "facilities/notes.txt: warning: ignored: dossiers end in .yaml [project.ignored-file]\n"
    )


def test_the_stylesheets_are_files_check_reads(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project", ["lasalle"])
    for sheet in ("layouts/css/print.css", "layouts/css/tokens.css", "layouts/css/site.css"):
        code, out, err = run_cli("--root", str(root), "check", "-q", str(root / sheet))
        assert (code, err) == (0, ""), out + err
        assert re.fullmatch(r"check: 0 errors \(\d+ warnings in other files not shown\).*\n", out), out


def test_build_quiet_shows_errors_and_the_summary_line(project: Path) -> None:
    code, out, err = run_cli("build", "--quiet")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        SOURCE_URL,
        SOURCE_TYPE,
        "build failed with 2 errors: nothing was written to dist/ (7 warnings not shown)",
    ]
    assert not (project / "dist").exists()


def test_sources_named_shows_the_citations_it_breaks_in_other_files(project: Path) -> None:
    """Deleting a source still cited elsewhere is what `check facilities/sources.yaml` must show, and fail on."""
    sources = project / "facilities" / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    start, end = text.index("  - id: gov-report-2020\n"), text.index("  - id: news-2021\n")
    sources.write_text(text[:start] + text[end:], encoding="utf-8")
    code, lines = check("facilities/sources.yaml")
    assert code == 1
    unknown = [line for line in lines if line.endswith("[cite.unknown]")]
    assert [line.split(": ", 1)[0] for line in unknown] == [
        *(f"facilities/sample.yaml:{place}" for place in ("8:13", "12:13", "20:15", "27:55", "34:15", "39:15")),
        "report.yaml:17:43",
    ]
    own = [line for line in lines if line.startswith("facilities/sources.yaml:")]  # six lines up, one item up
    assert own == [
        SOURCE_URL.replace("14:10", "8:10").replace("sources[2]", "sources[1]"),
        SOURCE_TYPE.replace("16:11", "10:11").replace("sources[3]", "sources[2]"),
    ]
    assert UNVERIFIED not in lines  # not the dossier's own
    assert lines[-1].startswith("check: 9 errors, 0 warnings (")


def test_a_dossier_is_not_clean_while_the_sources_cannot_be_read(project: Path) -> None:
    """Without sources.yaml no dossier's citations can be resolved, nor the dossier validated: its errors are in scope.

    An error in another dossier, which does not stop this one being checked, stays out of it.
    """
    sources = project / "facilities" / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace("    publisher: ", "    publisher ", 1), encoding="utf-8")
    (project / "facilities" / "other.yaml").write_text("id: other\nname: [\n", encoding="utf-8")
    code, lines = check("-q", "facilities/sample.yaml")
    assert code == 1
    assert lines == [
        "facilities/sources.yaml:6:14: error: YAML syntax error: a colon and a space are missing after 'publisher'"
        " (write 'publisher: …'), or YAML does not read 'publisher' as a key [yaml.syntax]",
        # other.yaml's error; and what is not yet checked, for want of the sources
        "check: 1 error (1 error in other files not shown; nothing is checked across the files until the errors of"
        " facilities/sources.yaml are fixed)",
    ]


def test_a_dossier_is_not_clean_while_report_yaml_cannot_be_read(project: Path) -> None:
    """Nothing is validated without report.yaml: its errors, and those of sources.yaml, concern every file named."""
    report = project / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("subtitle: ", "subtitle ", 1), encoding="utf-8")
    code, lines = check("-q", "facilities/sample.yaml")
    assert code == 1
    assert lines == [
        SOURCE_URL,
        SOURCE_TYPE,  # a source sample.yaml does not cite: which it cites is not known without the edition
        "report.yaml:3:9: error: YAML syntax error: a colon and a space are missing after 'subtitle'"
        " (write 'subtitle: …'), or YAML does not read 'subtitle' as a key [yaml.syntax]",
        # sources.yaml loads (its broken entries are left out), report.yaml does not
        "check: 3 errors (nothing is checked across the files until the errors of report.yaml are fixed)",
    ]


def test_a_misspelt_source_type_is_not_guessed_into_a_weak_or_wrong_kind(tmp_path: Path, fixed_today: None) -> None:
    """`type: newspaper` got "did you mean 'newsletter'?", a weak kind that prints "Newsletter" in the
    bibliography; `gov-report` got 'ngo-report' (writer). The message lists the kinds and says which are weak."""
    root = make_project(tmp_path)
    for typo in ("newspaper", "gov-report"):
        text = (root / "facilities/sources.yaml").read_text(encoding="utf-8")
        kind = re.search(r"(?m)^    type: (\S+)$", text)
        assert kind is not None
        (root / "facilities/sources.yaml").write_text(
            text[: kind.start(1)] + typo + text[kind.end(1) :], encoding="utf-8"
        )
        code, out, _ = run_cli("--root", str(root), "check")
        (line,) = [line for line in out.splitlines() if "[schema.enum]" in line]
        assert f"'{typo}' is not allowed" in line and "did you mean" not in line and TYPE_HINT in line
        assert code == 1


def test_a_latitude_out_of_range_says_its_range_and_asks_whether_lat_and_lon_are_swapped(
    tmp_path: Path, fixed_today: None
) -> None:
    """`lat: -118.9` got only "is not valid; check the format" (writer)."""
    root = make_project(tmp_path)
    path = root / "facilities/sample.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("  state: CA\n", "  state: CA\n  coordinates: {lat: -118.9, lon: 35.3}\n", 1), encoding="utf-8"
    )
    code, out, _ = run_cli("--root", str(root), "check")
    assert [line for line in out.splitlines() if "coordinates" in line] == [
        "facilities/sample.yaml:8:22: error: location.coordinates.lat: '-118.9' is not valid; a latitude is from -90 to 90"
        " (a US facility's is about 18 to 72, and its longitude is negative): are lat and lon swapped? [schema.pattern]"
    ]
    assert code == 1


def test_a_renamed_dossier_shows_the_list_entry_it_leaves_without_a_file(project: Path) -> None:
    """Renaming sample.yaml left report.yaml naming a file that is gone: the build fails on it, and
    `check` of the renamed dossier said "0 errors" and exited 0, the error counted "in other files"."""
    dossier = project / "facilities" / "sample.yaml"
    text = dossier.read_text(encoding="utf-8").replace("id: sample\n", "id: sample-center\n", 1)
    (project / "facilities" / "sample-center.yaml").write_text(text, encoding="utf-8")
    dossier.unlink()
    code, lines = check("-q", "facilities/sample-center.yaml")
    assert code == 1
    assert lines == [
        SOURCE_URL,  # a source it cites
        "report.yaml:10:14: error: no dossier 'facilities/sample.yaml' for facility 'sample'; did you mean"
        " 'sample-center'? [report.unknown-facility]",
        "check: 2 errors (1 warning not shown; 1 error and 6 warnings in other files not shown); es 80.0% translated"
        " (facilities/sample.yaml as of the last extract)",
    ]


def test_a_dossier_listed_twice_shows_the_repeat(project: Path) -> None:
    """`- sample` twice in report.yaml's facilities fails the build; `check facilities/sample.yaml`
    said "0 errors" and exited 0, the error counted "in other files"."""
    report = project / "report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace("facilities: [sample]", "facilities: [sample, sample]"),
        encoding="utf-8",
    )
    repeat = "report.yaml:10:22: error: facilities lists 'sample' twice (first at column 14) [schema.duplicate-item]"
    code, lines = check("-q", "facilities/sample.yaml")
    assert code == 1
    assert lines == [
        SOURCE_URL,
        repeat,
        "check: 2 errors (5 warnings not shown; 1 error and 2 warnings in other files not shown); es 80.0% translated",
    ]
    code, lines = check("-q", "facilities/sources.yaml")  # not about the sources
    assert repeat not in lines


def test_the_template_named_shows_where_it_lags_the_content(project: Path) -> None:
    """`check i18n/messages.pot` said "0 errors, 0 warnings" while `i18n.stale` said, at the dossier,
    that messages.pot is out of date: the finding about the file named was counted "in other files"."""
    dossier = project / "facilities" / "sample.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("ICE stopped using the facility.", "ICE stopped using the jail."), encoding="utf-8")
    code, lines = check("i18n/messages.pot")
    stale = [line for line in lines if line.endswith("[i18n.stale]")]
    assert code == 0
    assert [line.split(": warning: ")[0] for line in stale] == ["facilities/sample.yaml:24:9"]
    assert "i18n/messages.pot is out of date for this file" in stale[0]
    assert lines[-1].startswith("check: 0 errors, 1 warning (2 errors and ")


def test_strict_and_release_say_how_many_errors_are_warnings_they_count_as_errors(project: Path) -> None:
    """`check --strict` said "9 errors, 0 warnings" and the build "failed with 9 errors", every line
    an error: nothing said that 7 of them are warnings only --strict fails on."""
    assert check("-q", "--strict")[1][-1] == (
        "check: 9 errors (7 warnings counted as errors under --strict); es 80.0% translated"
    )
    code, out, err = run_cli("build", "--quiet", "--strict")
    assert (code, err) == (1, "")
    assert out.splitlines()[-1] == (
        "build failed with 9 errors (7 warnings counted as errors under --strict): nothing was written to dist/"
    )
    assert not (project / "dist").exists()
    (project / "facilities" / "notes.txt").write_text("to do\n", encoding="utf-8")  # not a release code
    assert check("--strict", "--release")[1][-1] == (
        "check: 10 errors, 0 warnings (7 warnings counted as errors under --release, 1 warning counted as an error"
        " under --strict); es 80.0% translated"
    )
    assert check("--release", "facilities/sample.yaml")[1][-1] == (
        "check: 6 errors, 0 warnings (5 warnings counted as errors under --release; 3 errors and 1 warning in other"
        " files not shown); es 80.0% translated"
    )


def test_a_dossier_whose_errors_stop_it_loading_is_said_to_be_checked_alone(project: Path) -> None:
    """A dossier with an error that keeps it from loading (a malformed marker) is not checked with
    the other files: the unknown source it also cites was found only once the marker was fixed,
    while the summary, `--format json` and `build` said nothing of what was still unchecked."""
    dossier = project / "facilities" / "sample.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(
        text.replace("poor medical care [@gov-report-2020]", "poor medical care [@ gov-report-2020]").replace(
            "closed a year later [@news-2021]", "closed a year later [@news-2022]"
        ),
        encoding="utf-8",
    )
    alone = "facilities/sample.yaml not checked with the other files until its errors are fixed"
    code, lines = check("-q", "facilities/sample.yaml")
    assert (code, lines[-1]) == (
        1,
        "check: 1 error (4 warnings not shown; 2 errors and 4 warnings in other files not shown;"
        f" {alone}); es 73.3% translated",
    )
    assert [line for line in lines if "[cite." in line] == [
        "facilities/sample.yaml:27:55: error: '[@ gov-report-2020]' is not a citation marker: a marker holds the"
        " source id and nothing else; write [@gov-report-2020] [cite.malformed]"
    ]
    code, out, _ = run_cli("check", "--format", "json", "facilities/sample.yaml")
    assert json.loads(out)["checked_alone"] == ["facilities/sample.yaml"]
    code, out, err = run_cli("build", "-q")
    assert (code, (out + err).splitlines()[-1]) == (
        1,
        f"build failed with 3 errors ({alone}): nothing was written to dist/ (8 warnings not shown)",
    )
    # As it said: with the marker fixed, the dossier loads, and what only the other files can tell is found.
    dossier.write_text(dossier.read_text(encoding="utf-8").replace("[@ gov-report-2020]", "[@gov-report-2020]"))
    code, lines = check("-q", "facilities/sample.yaml")
    assert code == 1 and "not checked with the other files" not in lines[-1]
    assert [line.split(": error: ")[1][:40] for line in lines if "[cite." in line] == [
        "unknown source 'news-2022': add it to fa"
    ]
    code, out, _ = run_cli("check", "--format", "json", "facilities/sample.yaml")
    assert json.loads(out)["checked_alone"] == []
