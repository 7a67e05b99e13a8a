"""`new`: a dossier skeleton that explains itself, and whose gaps `check` lists one by one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from report.commands.new import MODELINE, name_findings, skeleton
from report.content.load import read_dossier, read_sources

from .conftest import BASE, REPO, copy_project, run_cli

NEW = "example-center"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project", ["lasalle"])


def test_new_writes_a_commented_skeleton_with_an_empty_timeline(project: Path) -> None:
    code, out, err = run_cli("--root", str(project), "new", NEW, "--name", 'Example "Processing" Center')
    assert (code, err) == (0, "")
    assert out == (
        f"wrote facilities/{NEW}.yaml; fill it in, add '{NEW}' to report.yaml, then run:"
        f" ./build.py check facilities/{NEW}.yaml\n"
    )
    text = (project / "facilities" / f"{NEW}.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == MODELINE
    data = yaml.safe_load(text)
    assert data["id"] == NEW and data["name"] == 'Example "Processing" Center'
    assert data["timeline"] == []
    assert data["review"] == {"status": "unverified", "list_membership": "unverified"}
    assert data["location"] == {"city": "TODO", "county": "TODO", "state": "TODO", "sources": []}
    # Every field has a comment right above it that explains it.
    fields = [i for i, line in enumerate(lines) if re.match(r"\s*[a-z_]+:", line)]
    assert len(fields) == 23
    for i in fields:
        assert lines[i - 1].lstrip().startswith("# "), lines[i]
    assert (
        "  # What kind of body the operator is. One of: private-company, sheriff, county, city.\n  kind: TODO\n" in text
    )


def test_every_line_of_the_skeleton_fits_the_width_its_comments_are_wrapped_to() -> None:
    """The head's advice was one line of 164 characters, the rest wrapped at 100: an editor showed it cut off."""
    text = skeleton(NEW, "Example Center")
    assert [line for line in text.splitlines() if len(line) > 100] == []
    assert text.splitlines()[3:7] == [
        "# Replace every TODO with what a published source says, add each source to facilities/sources.yaml",
        "# and list its id under the claim's `sources:`. Leave out what no source gives. `./build.py check`",
        "# lists what is left. The README's field reference lists every field, optional ones too (capacity,",
        "# opened, deaths, developments, campaign organizations, actions and demands, an image).",
    ]


def test_check_lists_what_is_left_to_fill_in(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run_cli("--root", str(project), "new", NEW, "--name", "Example Center")
    assert code == 0
    report = project / "report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace("  - lasalle\n", f"  - lasalle\n  - {NEW}\n"), encoding="utf-8"
    )
    monkeypatch.chdir(project)
    hint = out.rstrip().split("then run: ")[1]  # the command `new` says to run, run as a writer would
    assert hint.startswith("./build.py check ")
    code, out, _ = run_cli(*hint.split()[1:])
    assert code == 1
    mine = [line for line in out.splitlines() if ": error: " in line or ": warning: " in line]
    assert re.fullmatch(
        r"check: 14 errors, 4 warnings \(\d+ warnings in other files not shown; facilities/example-center.yaml not"
        r" checked with the other files until its errors are fixed\).*",
        out.splitlines()[-1],
    )
    todo = "is still TODO: write what a source says [todo]"
    fallback = "Spanish translation missing: using the English text 'TODO' [i18n.fallback]"
    path = f"facilities/{NEW}.yaml"
    assert mine == [
        f"{path}:15:9: error: location.city {todo}",
        f"{path}:18:11: error: location.county {todo}",
        f"{path}:22:10: error: location.state {todo[:-7]}, one of AK, AL, AR, …, WY (51 values) [todo]",
        f"{path}:24:12: error: location cites no source: list at least one source id [cite.missing]",
        f"{path}:28:9: error: operator.name {todo}",
        f"{path}:30:9: error: operator.kind {todo[:-7]}, one of private-company, sheriff, county, city [todo]",
        f"{path}:32:12: error: operator cites no source: list at least one source id [cite.missing]",
        f"{path}:37:10: error: status.state {todo[:-7]}, one of open, closed, ice-contract-ended [todo]",
        f"{path}:39:9: error: status.date {todo[:-7]}, as 2021, 2021-02 or 2021-02-25, or a range like 2015-11-26/2015-12-09 [todo]",
        # Its prose counts for coverage while it does not load (it has none in the catalog yet).
        f"{path}:41:9: warning: {fallback}",
        f"{path}:41:9: warning: i18n/messages.pot is out of date for this file (3 new or changed); fix the errors"
        " in the content and templates first (extract refuses until then), then run: ./build.py extract &&"
        " ./build.py update [i18n.stale]",
        f"{path}:41:9: error: status.text {todo}",
        f"{path}:43:12: error: status cites no source: list at least one source id [cite.missing]",
        f"{path}:45:10: warning: {fallback}",
        f"{path}:45:10: error: summary {todo}",
        f"{path}:48:11: error: timeline needs at least 1 entry [schema.empty]",
        f"{path}:62:12: warning: {fallback}",
        f"{path}:62:12: error: campaign.summary {todo}",
    ]


def test_the_example_entry_uncommented_as_its_comment_says_leads_to_findings_that_say_what_to_do(
    project: Path,
) -> None:
    """Uncommented under `timeline: []`, the example entry was "indented differently from the keys
    above it: 'id' starts in column 3, 'timeline' in column 1", whose advice (column 1) broke it
    again; and its text, date and category, kept as they were, were published without a finding."""
    code, _, _ = run_cli("--root", str(project), "new", NEW, "--name", "Example Center")
    assert code == 0
    path = project / "facilities" / f"{NEW}.yaml"
    text = path.read_text(encoding="utf-8")
    assert "# Replace the [] above with one entry per documented event, in date order, like this one: delete\n" in text
    # "delete the first # of each of its lines"
    entry = re.sub(r"(?m)^#(   - id: |     (?:date|category|text|sources): )", r"\1", text)
    assert entry.count("\n   - id: 2019-05-inspection ") == 1 and entry.count("\n     text: TODO\n") == 1
    path.write_text(entry, encoding="utf-8")
    code, out, _ = run_cli("--root", str(project), "check", str(path))
    line = entry.splitlines().index("timeline: []") + 1
    assert [row for row in out.splitlines() if ": error: " in row] == [
        f"facilities/{NEW}.yaml:{line}:11: error: YAML syntax error: 'timeline' has a value on its own line, []"
        f" (an empty list), so YAML cannot read the list on line {line + 4} as its value: delete '[]' and leave"
        " 'timeline:' alone on its line [yaml.syntax]"
    ]
    path.write_text(entry.replace("\ntimeline: []\n", "\ntimeline:\n"), encoding="utf-8")  # as it says
    code, out, _ = run_cli("--root", str(project), "check", str(path))
    todo = "is still TODO: write what a source says [todo]"
    timeline = range(line, line + 10)
    assert [
        row for row in out.splitlines() if any(row.startswith(f"facilities/{NEW}.yaml:{n}:") for n in timeline)
    ] == [
        f"facilities/{NEW}.yaml:{line + 5}:12: error: timeline[1].date {todo[:-7]}, as 2021, 2021-02 or 2021-02-25,"
        " or a range like 2015-11-26/2015-12-09 [todo]",
        f"facilities/{NEW}.yaml:{line + 6}:16: error: timeline[1].category {todo[:-7]}, one of medical-neglect,"
        " death-in-custody, use-of-force, solitary-confinement, sexual-abuse, covid-19, retaliation, conditions,"
        " inspection-finding, legal-action, other [todo]",
        f"facilities/{NEW}.yaml:{line + 7}:12: error: timeline[1].text {todo}",
    ]


def test_the_readme_step_after_new_runs_the_check_new_says_to_run(project: Path) -> None:
    """The README's step 2 said `./build.py check`, whose first screen is the other chapters' warnings."""
    code, out, _ = run_cli("--root", str(project), "new", "example-county", "--name", "Example County Jail")
    assert code == 0
    hint = out.rstrip().split("then run: ")[1]
    assert hint == "./build.py check facilities/example-county.yaml"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## For writers: adding a facility\n", 1)[1].split("\n## ", 1)[0]
    assert '\n1. `./build.py new example-county --name "Example County Jail"` writes' in section
    assert f"\n2. `{hint}` (the command `new` prints) lists what is left," in section


@pytest.mark.parametrize("bad", ["Otay Mesa", "otay--mesa", "otay-", "otay_mesa", "../otay", "OTAY"])
def test_new_refuses_ids_that_are_not_slugs(project: Path, bad: str) -> None:
    before = sorted(p.name for p in (project / "facilities").iterdir())
    code, out, err = run_cli("--root", str(project), "new", bad, "--name", "X")
    assert (code, out) == (2, "")
    assert err == (
        f"build.py: error: '{bad}' is not a valid facility id: use lower-case letters, digits and"
        " single hyphens, like 'otay-mesa'\n"
    )
    assert sorted(p.name for p in (project / "facilities").iterdir()) == before


@pytest.mark.parametrize("facility_id", ["404", "null", "yes", "true", "on"])
def test_an_id_yaml_would_read_as_something_else_is_written_in_quotes(project: Path, facility_id: str) -> None:
    """`new 404 --name "X Jail"` said "--name is refused … id: expected text, got a number": the name was
    fine, and the writer could not quote a file `new` had not written. The id is written quoted."""
    code, out, err = run_cli("--root", str(project), "new", facility_id, "--name", "X Jail")
    assert (code, err) == (0, "")
    assert out == (
        f'wrote facilities/{facility_id}.yaml; fill it in, add "{facility_id}", in quotes, to report.yaml, then run:'
        f" ./build.py check facilities/{facility_id}.yaml\n"
    )
    text = (project / "facilities" / f"{facility_id}.yaml").read_text(encoding="utf-8")
    assert f'\nid: "{facility_id}"\n' in text and yaml.safe_load(text)["id"] == facility_id
    assert name_findings(text, f"facilities/{facility_id}.yaml") == []  # no error up to the name's line


def test_new_refuses_an_id_too_long_for_a_file_name(project: Path) -> None:
    """A 300-character id crashed `new` (OSError: File name too long); the schema's limit is 64 characters."""
    before = sorted(p.name for p in (project / "facilities").iterdir())
    for length in (65, 300):
        code, out, err = run_cli("--root", str(project), "new", "a" * length, "--name", "X")
        assert (code, out) == (2, "")
        assert err == (
            "build.py: error: a facility id may be at most 64 characters long, since it names files and web"
            f" addresses; this one has {length}\n"
        )
    assert sorted(p.name for p in (project / "facilities").iterdir()) == before
    code, _, err = run_cli("--root", str(project), "new", "a" * 64, "--name", "X")
    assert (code, err) == (0, "")


def test_new_never_overwrites_a_dossier(project: Path) -> None:
    dossier = project / "facilities" / "lasalle.yaml"
    before = dossier.read_bytes()
    code, out, err = run_cli("--root", str(project), "new", "lasalle", "--name", "LaSalle")
    assert (code, out, err) == (2, "", "build.py: error: facilities/lasalle.yaml already exists\n")
    assert dossier.read_bytes() == before


_REFUSED = "build.py: error: --name is refused, as `check` would refuse it in the dossier: "


@pytest.mark.parametrize(
    ("name", "why"),
    [
        (
            '"><script>alert(1)</script>',
            "text contains code ('<script'); write plain text: HTML, CSS and scripts are printed as they are, never run",
        ),
        (
            "Bad\u202eName",
            "name contains U+202E RIGHT-TO-LEFT OVERRIDE, which makes the text print in another order than it is"
            " written here; delete it",
        ),
        (
            "Casa\u200dPedro",
            "name contains U+200D ZERO WIDTH JOINER, which emoji sequences and scripts such as Devanagari need and"
            " no font of the report has; delete it",
        ),
        (
            "A" * 5000,
            "name is 5,000 characters long, more than the 90 a field may have (the share image prints a name over"
            " 40 characters in smaller type, and one over 64 smaller still); shorten it",
        ),
    ],
)
def test_new_refuses_a_name_that_check_would_refuse(project: Path, name: str, why: str) -> None:
    """`new` wrote such names and exited 0; `check` then refused the file it wrote."""
    before = sorted(p.name for p in (project / "facilities").iterdir())
    code, out, err = run_cli("--root", str(project), "new", NEW, "--name", name)
    assert (code, out, err) == (2, "", _REFUSED + why + "\n")
    assert sorted(p.name for p in (project / "facilities").iterdir()) == before
    # The same words `check` says at the name's line of the dossier `new` would have written.
    path = project / "facilities" / f"{NEW}.yaml"
    lines = skeleton(NEW, name).splitlines()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, out, _ = run_cli("--root", str(project), "check", str(path))
    name_line = next(i for i, line in enumerate(lines, 1) if line.startswith("name:"))
    said = [line for line in out.splitlines() if f": error: {why} [" in line]
    assert len(said) == 1 and said[0].startswith(f"facilities/{NEW}.yaml:{name_line}:"), out


def test_new_refuses_a_name_whose_bytes_are_not_utf8(project: Path) -> None:
    """`new x --name $'Adel\\xffanto'` (a Latin-1 terminal) was an internal error, exit 3: Python
    keeps the byte 0xff of the argument as U+DCFF, which the name's check could not encode."""
    before = sorted(p.name for p in (project / "facilities").iterdir())
    code, out, err = run_cli(
        "--root", str(project), "new", NEW, "--name", b"Adel\xffanto".decode("utf-8", "surrogateescape")
    )
    assert (code, out, err) == (
        2,
        "",
        "build.py: error: --name is not UTF-8 text (byte 0xff is no character): type it in a terminal set to UTF-8\n",
    )
    assert sorted(p.name for p in (project / "facilities").iterdir()) == before
    assert not (project / ".cache" / "crashes").exists()


SAMPLE = (BASE / "facilities" / "sample.yaml").read_text(encoding="utf-8")


def test_a_placeholder_with_more_words_is_still_a_todo() -> None:
    """`city: TODO (check)` and prose starting `TODO A fictional…` were published as they are: only
    a value that was exactly TODO was reported."""
    raw = (
        SAMPLE.replace("  city: Sampleton\n", "  city: TODO (check)\n", 1)
        .replace("  text: ICE stopped using the facility.\n", "  text: ICE stopped using it (date TODO).\n", 1)
        .replace("summary: >-\n  The sample", "summary: >-\n  TODO A fictional sample", 1)
        .replace("  name: Example Corp\n", "  name: Todo Example Corp, todo\n", 1)  # not the placeholder
    )
    _, findings = read_dossier(raw.encode(), "facilities/sample.yaml")
    todo = "is still TODO: write what a source says"
    assert [(f.level, f.code, f.loc.line, f.loc.col, f.message) for f in findings] == [
        ("error", "todo", 5, 9, f"location.city {todo}"),
        ("error", "todo", 24, 9, f"status.text {todo}"),
        ("error", "todo", 26, 10, f"summary {todo}"),
    ]


def test_a_placeholder_in_capitals_is_still_a_todo() -> None:
    """`city: TODO CHECK` and `address: "TODO: CONFIRM ADDRESS"` gave no finding, and would be printed
    in the PDFs, the site and the open data: a value all in capitals was taken for a Spanish headline.
    TODO is a placeholder in any text in English, whatever its case."""
    raw = SAMPLE.replace("  city: Sampleton\n", '  address: "TODO: CONFIRM ADDRESS"\n  city: TODO CHECK\n', 1)
    _, findings = read_dossier(raw.encode(), "facilities/sample.yaml")
    todo = "is still TODO: write what a source says"
    assert [(f.level, f.code, f.loc.line, f.loc.col, f.message) for f in findings] == [
        ("error", "todo", 5, 12, f"location.address {todo}"),
        ("error", "todo", 6, 9, f"location.city {todo}"),
    ]


def test_todo_is_a_word_only_in_the_title_of_a_source_in_another_language() -> None:
    """A Spanish headline as published, `Adelanto: TODO lo que hay que saber del centro` ("all there is
    to know"), was "still TODO", an error no edit could clear. In the title of a source whose `lang`
    is not English TODO is a word, unless it is all the title says; an English title, and a
    descriptive one (the editors' English), are still checked."""
    sources = (BASE / "facilities" / "sources.yaml").read_text(encoding="utf-8")
    headline = "title: 'Adelanto: TODO lo que hay que saber del centro'"
    raw = sources.replace("title: Sample facility to close", f"{headline}\n    lang: es", 1)
    assert read_sources(raw.encode(), "facilities/sources.yaml")[1] == []
    raw = sources.replace("title: Sample facility to close", headline, 1).replace(
        "title: Inspection of the Sample Facility", "title: TODO\n    lang: es", 1
    )
    _, findings = read_sources(raw.encode(), "facilities/sources.yaml")
    todo = "is still TODO: write what a source says"
    assert [(f.level, f.code, f.loc.line, f.loc.col, f.message) for f in findings] == [
        ("error", "todo", 5, 12, f"sources[1].title {todo}"),
        ("error", "todo", 12, 12, f"sources[2].title {todo}"),
    ]
    raw = sources.replace(
        "title: Sample facility to close", f"{headline}\n    title_status: descriptive\n    lang: es", 1
    )
    _, findings = read_sources(raw.encode(), "facilities/sources.yaml")
    assert [(f.code, f.loc.line, f.message) for f in findings] == [("todo", 11, f"sources[2].title {todo}")]


def test_todo_in_a_web_address_or_a_headline_in_capitals_is_no_placeholder() -> None:
    """A page whose address holds TODO (`…/2021/03/TODO-list`) and a Spanish headline in capitals
    (`TODO SOBRE EL CIERRE DE LA PRISIÓN`, "all about the closing") were "still TODO", errors no
    edit could clear. A web address is a placeholder only when it is TODO and nothing else; the
    title of a source in another language only when TODO is all it says."""
    raw = (
        (BASE / "facilities" / "sources.yaml")
        .read_text(encoding="utf-8")
        .replace("https://news.example.com/2021/03/sample", "https://news.example.com/2021/03/TODO-list", 1)
        .replace("title: Sample facility to close", "title: TODO SOBRE EL CIERRE DE LA PRISIÓN\n    lang: es", 1)
    )
    sources, findings = read_sources(raw.encode(), "facilities/sources.yaml")
    assert sources is not None
    assert findings == []
    raw = (
        (BASE / "facilities" / "sources.yaml")
        .read_text(encoding="utf-8")
        .replace("https://news.example.com/2021/03/sample", "TODO", 1)
        .replace("title: Sample facility to close", "title: TODO", 1)
        .replace("publisher: The Daily Example", "publisher: TODO (check)", 1)
        .replace("title: Inspection of the Sample Facility", "title: TODO A FICTIONAL report", 1)
    )
    _, findings = read_sources(raw.encode(), "facilities/sources.yaml")
    todo = "is still TODO: write what a source says"
    assert [(f.level, f.code, f.loc.line, f.loc.col, f.message) for f in findings] == [
        ("error", "todo", 5, 12, f"sources[1].title {todo}"),
        ("error", "todo", 11, 12, f"sources[2].title {todo}"),
        ("error", "todo", 12, 16, f"sources[2].publisher {todo}"),
        ("error", "todo", 14, 10, f"sources[2].url {todo}"),
    ]


def test_a_second_facility_of_an_existing_name_is_a_warning_at_its_name(project: Path) -> None:
    """A dossier with the name of a facility the report has (`new` writes it, a copy keeps it) gave no
    finding: two chapters, map markers and search results of one name, which no reader can tell apart."""
    lasalle = (project / "facilities" / "lasalle.yaml").read_text(encoding="utf-8")
    (project / "facilities" / f"{NEW}.yaml").write_text(
        lasalle.replace("\nid: lasalle\n", f"\nid: {NEW}\n").replace(
            "\nname: LaSalle ICE Processing Center\n", "\nname: LaSalle  ice Processing Center\n"
        ),
        encoding="utf-8",
    )
    report = project / "report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace("  - lasalle\n", f"  - lasalle\n  - {NEW}\n"), encoding="utf-8"
    )
    _, out, _ = run_cli("--root", str(project), "check", str(project / "facilities" / f"{NEW}.yaml"))
    assert [row for row in out.splitlines() if "[name." in row] == [
        f"facilities/{NEW}.yaml:3:7: warning: 'LaSalle  ice Processing Center' is also the name of facility"
        " 'lasalle' (facilities/lasalle.yaml:3), and the contents, the map and the search cannot tell them apart:"
        " if it is the same facility, add to that dossier instead; if they are two, give each its full official"
        " name [name.duplicate]"
    ]


def test_new_says_at_once_that_a_facility_of_the_report_has_its_name(project: Path) -> None:
    """`new` wrote a dossier of an existing facility's name without a word: `check` says so only once
    every TODO is filled in and the id is listed, after the work. The warning `check` will give is
    printed as the file is written (it is written: two facilities may share a name)."""
    code, out, err = run_cli("--root", str(project), "new", NEW, "--name", "LASALLE ICE  Processing Center")
    assert code == 0 and out.startswith(f"wrote facilities/{NEW}.yaml;")
    assert err == (
        f"facilities/{NEW}.yaml:11:7: warning: 'LASALLE ICE  Processing Center' is also the name of facility"
        " 'lasalle' (facilities/lasalle.yaml:3), and the contents, the map and the search cannot tell them apart:"
        f" if it is the same facility, add to that dossier instead (and delete facilities/{NEW}.yaml); if they are"
        " two, give each its full official name [name.duplicate]\n"
    )
    code, _, err = run_cli("--root", str(project), "new", "other-center", "--name", "LaSalle Annex")
    assert (code, err) == (0, "")
