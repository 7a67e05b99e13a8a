"""The suite's own promise: no test writes into the checkout (tests/conftest.py looks once per session)."""

from __future__ import annotations

from pathlib import Path

from .conftest import checkout_files, written


def test_the_files_written_during_a_session_are_named_but_not_those_of_git_python_or_pytest(tmp_path: Path) -> None:
    for name in ("kept.txt", "changed.txt", "removed.txt", ".git/index", "report/__pycache__/a.pyc"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("a", encoding="utf-8")
    before = checkout_files(tmp_path)
    assert sorted(before) == ["changed.txt", "kept.txt", "removed.txt"]
    (tmp_path / "changed.txt").write_text("ab", encoding="utf-8")
    (tmp_path / "removed.txt").unlink()
    (tmp_path / ".cache" / "maps").mkdir(parents=True)
    (tmp_path / ".cache" / "maps" / "x.bin").write_bytes(b"")
    for name in (".git/index", "report/__pycache__/a.pyc", ".pytest_cache/v/x", ".venv/bin/x"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("changed", encoding="utf-8")
    assert written(before, checkout_files(tmp_path)) == [
        ".cache/maps/x.bin (created)",
        "changed.txt (changed)",
        "removed.txt (removed)",
    ]
