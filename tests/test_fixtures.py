"""Each folder in tests/fixtures/ is one kind of mistake laid over a valid base project.

`check` must report exactly the lines in the folder's expected.txt, and exit 1 if any of them
is an error. A folder may hold `args` with extra options for `check`, and `coverage.txt` with
the translation coverage tables `check` prints after the findings.
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
    return lines[ends[-1] + 2 :] if ends else []


def test_base_project_is_clean(tmp_path: Path, fixed_today: None) -> None:
    code, out, _ = run_cli("--root", str(make_project(tmp_path)), "check")
    assert finding_lines(out) == []
    assert out.strip().endswith("0 errors, 0 warnings")
    assert code == 0


@pytest.mark.parametrize("case", CASES)
def test_fixture_findings(case: str, tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path, case)
    args_file = FIXTURES / case / "args"
    extra = args_file.read_text().split() if args_file.exists() else []
    expected = (FIXTURES / case / "expected.txt").read_text().splitlines()
    assert expected, f"{case}/expected.txt must list at least one finding"
    code, out, _ = run_cli("--root", str(root), "check", *extra)
    assert finding_lines(out) == expected
    assert code == (1 if any(": error: " in line for line in expected) else 0)
    coverage = FIXTURES / case / "coverage.txt"
    if coverage.exists():
        assert coverage_lines(out) == coverage.read_text().splitlines()


def test_json_format(tmp_path: Path, fixed_today: None) -> None:
    import json

    code, out, _ = run_cli("--root", str(make_project(tmp_path, "cite-unknown")), "check", "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert [(f["code"], f["line"], f["column"]) for f in data["findings"]] == [
        ("cite.unknown", 27, 27),
        ("cite.unknown", 33, 15),
    ]


def test_usage_error_exits_2() -> None:
    code, _, err = run_cli("check", "--format", "yaml")
    assert code == 2
    assert "invalid choice" in err
