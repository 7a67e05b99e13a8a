"""The command line refuses what it cannot run as a usage mistake: one line, exit 2, nothing written.

A language report.yaml does not translate is said in one line, the way `./build.py --lang sp`
is, never as a catalog for a stray language or an internal error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from report.errors import EXIT_USAGE

from .conftest import make_project, run_cli


def snapshot(root: Path) -> dict[str, bytes]:
    """Return every file of the project but the tool's own cache, with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.relative_to(root).parts[0] != ".cache"
    }


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("sp", "language sp is not in report.yaml (languages: en, es)"),
        ("Spanish", "language Spanish is not in report.yaml (languages: en, es)"),
        ("fr", "language fr is not in report.yaml (languages: en, es)"),
        ("", "language '' is not in report.yaml (languages: en, es)"),
        ("es/../x", "language es/../x is not in report.yaml (languages: en, es)"),
        ("../../x", "language ../../x is not in report.yaml (languages: en, es)"),
        ("en", "language en is the one the content is written in: it has no catalog (languages with a catalog: es)"),
    ],
)
def test_update_refuses_a_language_without_a_catalog_and_writes_nothing(tmp_path: Path, lang: str, said: str) -> None:
    root = make_project(tmp_path, "_i18n")
    before = snapshot(root)
    code, out, err = run_cli("--root", str(root), "update", "--lang", "es", "--lang", lang)
    assert (code, out, err) == (EXIT_USAGE, "", f"build.py: error: {said}\n")
    assert snapshot(root) == before
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("lang", ["", "sp"])
def test_build_refuses_a_language_not_in_report_yaml(tmp_path: Path, lang: str) -> None:
    root = make_project(tmp_path, "_i18n")
    before = snapshot(root)
    code, out, err = run_cli("--root", str(root), "build", "--lang", lang)
    shown = lang or "''"
    assert (code, out, err) == (
        EXIT_USAGE,
        "",
        f"build.py: error: language {shown} is not in report.yaml (languages: en, es)\n",
    )
    assert snapshot(root) == before
