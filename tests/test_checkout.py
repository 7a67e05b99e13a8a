"""The suite's own promise: no test writes into the checkout (tests/conftest.py looks once per session)."""

from __future__ import annotations

from pathlib import Path

from .conftest import checkout_files, written


def test_the_files_written_during_a_session_are_named_but_not_those_of_git_python_or_pytest(tmp_path: Path) -> None:
    for name in ("kept.txt", "changed.txt", "removed.txt", ".git/index", "report/__pycache__/a.pyc"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("a", encoding="utf-8")
    before = checkout_files(tmp_path)
    assert sorted(before) == ["changed.txt", "kept.txt", "removed.txt", "report/"]
    (tmp_path / "changed.txt").write_text("ab", encoding="utf-8")
    (tmp_path / "removed.txt").unlink()
    (tmp_path / ".cache" / "maps").mkdir(parents=True)
    (tmp_path / ".cache" / "maps" / "x.bin").write_bytes(b"")
    for name in (".git/index", "report/__pycache__/a.pyc", ".pytest_cache/v/x", ".venv/bin/x"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("changed", encoding="utf-8")
    for name in ("report/__pycache__/fingerprints.json", "report/x/__pycache__/b.cpython-312.pyc"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("what Python and report/cache.py keep", encoding="utf-8")
    assert written(before, checkout_files(tmp_path)) == [
        ".cache/ (created)",
        ".cache/maps/ (created)",
        ".cache/maps/x.bin (created)",
        "changed.txt (changed)",
        "removed.txt (removed)",
        "report/x/ (created)",
    ]


def test_a_folder_named_like_git_python_or_pytest_below_the_top_and_an_empty_folder_are_named(tmp_path: Path) -> None:
    (tmp_path / "i18n").mkdir()
    before = checkout_files(tmp_path)
    (tmp_path / "i18n" / "newdir").mkdir()
    for name in (
        "facilities/__pycache__/evil.yaml",
        "facilities/__pycache__/fingerprints.json",  # report/cache.py keeps one in report/__pycache__ only
        "facilities/.git/x",
        "facilities/.venv/x",
        "facilities/.pytest_cache/x",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("a", encoding="utf-8")
    assert written(before, checkout_files(tmp_path)) == [
        "facilities/ (created)",
        "facilities/.git/ (created)",
        "facilities/.git/x (created)",
        "facilities/.pytest_cache/ (created)",
        "facilities/.pytest_cache/x (created)",
        "facilities/.venv/ (created)",
        "facilities/.venv/x (created)",
        "facilities/__pycache__/evil.yaml (created)",
        "facilities/__pycache__/fingerprints.json (created)",
        "i18n/newdir/ (created)",
    ]
