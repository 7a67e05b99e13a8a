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
