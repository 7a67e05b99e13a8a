"""Shared test helpers: fixture projects and running the command line in-process."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from report.cli import main

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
BASE = FIXTURES / "_base"
REPO = TESTS.parent

FIXED_TODAY = "1735689600"  # 2025-01-01, so "the future" does not move under the fixtures


def make_project(tmp_path: Path, case: str | None = None) -> Path:
    """Return a copy of the base fixture project with one case folder laid over it."""
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    if case:
        shutil.copytree(FIXTURES / case, root, dirs_exist_ok=True)
    return root


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run the command line in-process and return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin 'today' for date checks."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_TODAY)


def copy_project(dest: Path, facilities: list[str] | None = None) -> Path:
    """Copy the shipped project into `dest`; with `facilities`, publish only those chapters."""
    from bench.run import copy_project as copy_inputs

    copy_inputs(dest)
    if facilities is not None:
        report = dest / "report.yaml"
        text = report.read_text(encoding="utf-8")
        head, rest = text.split("\nfacilities:\n", 1)
        lines = rest.splitlines(keepends=True)
        while lines and lines[0].startswith("  - "):
            lines.pop(0)
        listed = "".join(f"  - {f}\n" for f in facilities)
        report.write_text(f"{head}\nfacilities:\n{listed}{''.join(lines)}", encoding="utf-8")
        for path in (dest / "facilities").glob("*.yaml"):
            if path.stem not in facilities and path.name != "sources.yaml":
                path.unlink()
    return dest


def build(root: Path, *args: str) -> tuple[int, str, str]:
    """Run `build --quiet` on a project in-process; return (code, stdout, stderr)."""
    return run_cli("--root", str(root), "build", "--quiet", *args)


@pytest.fixture(scope="session")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project, built once for the whole session."""
    root = copy_project(tmp_path_factory.mktemp("shipped"))
    code, out, err = build(root)
    assert code == 0, out + err
    return root
