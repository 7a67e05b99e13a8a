"""Each folder in tests/fixtures/ is one kind of mistake laid over a valid base project.

`check` must report exactly the lines in the folder's expected.txt, and exit 1 if any of them
is an error, without a traceback. A folder may hold `args` with extra options for `check`,
`coverage.txt` with the translation coverage tables `check` prints after the findings,
`checklist.txt` with what `release` prints (the release checklist), and `layers` and `make.py`
to build its project (see `conftest.make_project`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import FIXTURES, make_project, run_cli

CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("_"))


def finding_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": error: " in line or ": warning: " in line]


def coverage_lines(output: str) -> list[str]:
    """Return what `check` prints after the 'N errors, M warnings' line, without the blank first line."""
    lines = output.splitlines()
    ends = [i for i, line in enumerate(lines) if re.fullmatch(r"\d+ errors?, \d+ warnings?", line)]
    translated = r"; \w+ \d+\.\d% translated( \((not counting \S+|\S+ as of the last extract)\))*"
    promoted = r"\d+ warnings? counted as (an error|errors) under --(strict|release)"
    alone = r"(\S+ not checked with the other files until (its|their) errors are fixed|nothing is checked across the files until the errors of .+ are fixed)"
    notes = rf"( \(({promoted}|{alone}|{promoted}; {alone})\))?"
    assert re.fullmatch(rf"check: \d+ errors?, \d+ warnings?{notes}({translated})* \(\d+\.\d s\)", lines[-1])
    return lines[ends[-1] + 2 : -2] if ends else []


def test_base_project_is_clean(tmp_path: Path, fixed_today: None) -> None:
    code, out, _ = run_cli("--root", str(make_project(tmp_path)), "check")
    assert finding_lines(out) == []
    assert re.fullmatch(r"check: 0 errors, 0 warnings \(\d+\.\d s\)", out.splitlines()[-1])
    assert code == 0


@pytest.mark.parametrize("case", CASES)
def test_fixture_findings(case: str, tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path, case)
    args_file = FIXTURES / case / "args"
    extra = args_file.read_text().split() if args_file.exists() else []
    expected = (FIXTURES / case / "expected.txt").read_text().splitlines()
    assert expected, f"{case}/expected.txt must list at least one finding"
    code, out, err = run_cli("--root", str(root), "check", *extra)
    assert "Traceback" not in out + err
    assert finding_lines(out) == expected
    assert code == (1 if any(": error: " in line for line in expected) else 0)
    coverage = FIXTURES / case / "coverage.txt"
    if coverage.exists():
        assert coverage_lines(out) == coverage.read_text().splitlines()


CHECKLISTS = [case for case in CASES if (FIXTURES / case / "checklist.txt").exists()]


@pytest.mark.parametrize("case", CHECKLISTS)
def test_release_checklist(case: str, tmp_path: Path, fixed_today: None) -> None:
    """`release` prints exactly the checklist of what blocks the release, lays out nothing, exits 1."""
    root = make_project(tmp_path, case)
    code, out, err = run_cli("--root", str(root), "release")
    assert out == (FIXTURES / case / "checklist.txt").read_text()
    assert code == 1
    assert err == ""  # no progress: nothing was laid out
    assert not (root / "dist").exists()


def test_json_format(tmp_path: Path, fixed_today: None) -> None:
    import json

    code, out, _ = run_cli("--root", str(make_project(tmp_path, "cite-unknown")), "check", "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert [(f["code"], f["line"], f["column"]) for f in data["findings"]] == [
        ("cite.unknown", 28, 27),
        ("cite.unknown", 34, 15),
    ]


def test_usage_error_exits_2() -> None:
    code, _, err = run_cli("check", "--format", "yaml")
    assert code == 2
    assert "invalid choice" in err


@pytest.mark.parametrize("epoch", ["abc", "1795000000.5", "99999999999999", "-5", " 12"])
def test_a_malformed_source_date_epoch_is_a_usage_error(
    epoch: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SOURCE_DATE_EPOCH that is not whole seconds crashed every verb: 'internal error
    (ValueError...)... a bug in the tool', exit 3. It is one line saying what to set, exit 2."""
    root = make_project(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    for verb in ("check", "release", "export"):
        code, out, err = run_cli("--root", str(root), verb)
        assert (code, out, err) == (
            2,
            "",
            f"build.py: error: SOURCE_DATE_EPOCH={epoch!r} is not a time: set it to whole seconds since"
            " 1970-01-01 UTC (as `date +%s` prints them, up to the year 9999), or unset it\n",
        )


@pytest.mark.parametrize(
    "case",
    [
        "huge-file",
        "yaml-alias-bomb",
        "deep-nesting",
        "html-script",
        "po-header-nplurals",
        "image-too-large",
        "image-location",
    ],
)
def test_build_refuses_bad_input(case: str, tmp_path: Path, fixed_today: None) -> None:
    """`build` stops at the same findings as `check` and writes nothing."""
    root = make_project(tmp_path, case)
    code, out, err = run_cli("--root", str(root), "build", "--quiet")
    assert code == 1
    assert finding_lines(out) == (FIXTURES / case / "expected.txt").read_text().splitlines()
    assert out.rstrip().endswith("nothing was written to dist/")
    assert "Traceback" not in out + err
    assert not (root / "dist").exists()


@pytest.mark.parametrize("case", ["po-unclosed-quote", "po-header-charset", "po-not-utf8", "po-header-plural-forms"])
def test_update_leaves_broken_catalogs_alone(case: str, tmp_path: Path, fixed_today: None) -> None:
    """`update` would rewrite a catalog from what it could read: with a broken one it refuses."""
    root = make_project(tmp_path, case)
    po = root / "i18n" / "es" / "LC_MESSAGES" / "messages.po"
    before = po.read_bytes()
    code, out, _ = run_cli("--root", str(root), "update")
    assert code == 1
    expected = (FIXTURES / case / "expected.txt").read_text().splitlines()
    # What blocks `update` is the catalog; the English that `check` says the build would print is not its concern.
    assert finding_lines(out) == [line for line in expected if not line.endswith("[i18n.fallback]")]
    assert out.rstrip().endswith("fix these errors first: no catalog was changed")
    assert po.read_bytes() == before


def test_update_fills_an_empty_catalog(tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path, "po-empty")
    code, out, _ = run_cli("--root", str(root), "update")
    assert code == 0, out
    code, out, _ = run_cli("--root", str(root), "check")
    assert "[i18n.syntax]" not in out
    assert out.count("[i18n.untranslated]") == 15
