"""The command line refuses what it cannot run as a usage mistake: one line, exit 2, nothing written.

An unknown command, a language report.yaml does not translate, a port or a worker count out of
range: each is said in one line, the way `./build.py --lang sp` is, never as the help of
another command, a catalog for a stray language or an internal error.
"""

from __future__ import annotations

import argparse
import importlib.abc
import io
import runpy
import sys
from pathlib import Path

import pytest

from report.cli import COMMANDS as COMMAND_NAMES
from report.cli import _check_numbers, _show_built, parser
from report.commands.build import Built
from report.findings import Loc, error, warning
from report.errors import EXIT_OK, EXIT_USAGE

from .conftest import REPO, make_project, run_cli

COMMANDS = "(commands: build, check, release, export, extract, update, serve, new)"


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


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ("serve", "--port", "99999"),
            "--port 99999 is out of range: give a port from 1 to 65535, or 0 for any free one",
        ),
        (
            ("serve", "--port", "65536"),
            "--port 65536 is out of range: give a port from 1 to 65535, or 0 for any free one",
        ),
        (("serve", "--port", "-5"), "--port -5 is out of range: give a port from 1 to 65535, or 0 for any free one"),
        (
            ("build", "-j", "0"),
            "--jobs 0 is out of range: give 1 worker process or more, or leave it out for one per core",
        ),
        (("-j", "-1"), "--jobs -1 is out of range: give 1 worker process or more, or leave it out for one per core"),
        (
            ("release", "--jobs", "0"),
            "--jobs 0 is out of range: give 1 worker process or more, or leave it out for one per core",
        ),
    ],
)
def test_a_number_out_of_range_is_a_usage_error(tmp_path: Path, args: tuple[str, ...], said: str) -> None:
    root = make_project(tmp_path, "_i18n")
    before = snapshot(root)
    code, out, err = run_cli("--root", str(root), *args)
    assert (code, out, err) == (EXIT_USAGE, "", f"build.py: error: {said}\n")
    assert snapshot(root) == before and not (root / ".cache").exists()


@pytest.mark.parametrize("args", [["serve", "--port", "0"], ["serve", "--port", "65535"], ["build", "-j", "1"]])
def test_the_numbers_in_range_are_taken(args: list[str]) -> None:
    _check_numbers(parser().parse_args(args))  # raises nothing: port 0 is any free port (the first line names it)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("status", "--help"), f"unknown command 'status' {COMMANDS}"),
        (("status",), f"unknown command 'status' {COMMANDS}"),
        (("status", "--lang", "es"), f"unknown command 'status' {COMMANDS}"),
        (("chek",), f"unknown command 'chek': did you mean 'check'? {COMMANDS}"),
        (("biuld", "--help"), f"unknown command 'biuld': did you mean 'build'? {COMMANDS}"),
    ],
)
def test_an_unknown_command_is_refused_with_the_list_of_commands(
    tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    root = make_project(tmp_path, "_i18n")
    code, out, err = run_cli("--root", str(root), *args)
    assert (code, out, err) == (EXIT_USAGE, "", f"build.py: error: {said}\n")
    assert not (root / ".cache").exists()


@pytest.mark.parametrize("args", [("--root",), ("--root", "--lang", "es"), ("--root", ""), ("--root=",)])
def test_root_without_a_folder_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)  # it once took the `build` put after it for the folder, and crashed in ./build/
    code, out, err = run_cli(*args)
    assert (code, out, err) == (
        EXIT_USAGE,
        "",
        "build.py: error: --root needs a folder: write the project's folder after it (--root path/to/project)\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_help_and_the_default_command_still_work() -> None:
    code, out, err = run_cli("--help")
    assert (code, err) == (EXIT_OK, "") and out.startswith("usage: build.py [-h] [--root ROOT] command ...\n")
    code, out, err = run_cli("check", "--help")
    assert (code, err) == (EXIT_OK, "") and out.startswith("usage: build.py check [-h]")
    code, out, err = run_cli("--quiet", "--help")  # options first: `build`'s own
    assert (code, err) == (EXIT_OK, "") and out.startswith("usage: build.py build [-h]")


def test_a_root_that_is_no_folder_is_a_usage_error(tmp_path: Path) -> None:
    """`--root /nonexistent` said "report.yaml not found" (exit 1), and made the folder for its cache."""
    missing = tmp_path / "nowhere"
    assert run_cli("--root", str(missing), "check") == (
        EXIT_USAGE,
        "",
        f"build.py: error: --root {missing}: no such folder\n",
    )
    assert not missing.exists()
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert run_cli("--root", str(tmp_path / "file")) == (
        EXIT_USAGE,
        "",
        f"build.py: error: --root {tmp_path / 'file'}: not a folder\n",
    )


@pytest.mark.parametrize(
    "verb", [("check",), ("build",), ("release",), ("export",), ("extract",), ("new", "x", "--name", "X")]
)
def test_a_root_that_is_no_project_is_a_usage_error_and_gets_nothing_written(
    tmp_path: Path, verb: tuple[str, ...]
) -> None:
    """`--root /etc build` (or ~, a wrong folder) made .cache/build.lock there, and `new` a facilities/
    folder holding the dossier, outside any project; check said "report.yaml not found" (exit 1)."""
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert run_cli("--root", str(folder), *verb) == (
        EXIT_USAGE,
        "",
        f"build.py: error: --root {folder}: not the report's project folder (it holds neither report.yaml nor"
        " facilities/): name the project's folder\n",
    )
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


class _Interrupted(importlib.abc.MetaPathFinder):
    """Ctrl-C, as it arrives while a module is being imported."""

    def __init__(self, name: str) -> None:
        self.name = name

    def find_spec(self, fullname: str, path: object, target: object = None) -> None:
        if fullname == self.name:
            raise KeyboardInterrupt


@pytest.mark.parametrize("module", ["report.cli", "report.commands.export"])
def test_ctrl_c_while_the_command_line_loads_is_one_line_and_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], module: str
) -> None:
    """build.py guarded `from report import main` only: a Ctrl-C while `main` imported report.cli printed a
    19-line traceback."""
    for name in [m for m in sys.modules if m == module or m == "report.cli"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [_Interrupted(module), *sys.meta_path])
    monkeypatch.setattr("os.execv", lambda *args: (_ for _ in ()).throw(OSError()))  # run here, not in .venv's
    monkeypatch.setattr(sys, "argv", ["build.py", "check"])
    try:
        runpy.run_path(str(REPO / "build.py"), run_name="__main__")
    except SystemExit as stopped:
        assert stopped.code == 130
    except KeyboardInterrupt:  # (caught here: it would stop the test session)
        pytest.fail("the Ctrl-C went through build.py, as a traceback")
    else:
        pytest.fail("build.py did not exit")
    assert capsys.readouterr() == ("", "interrupted\n")


def test_build_py_names_every_command() -> None:
    doc = (REPO / "build.py").read_text(encoding="utf-8").split('"""')[1]
    assert f"`./build.py [{'|'.join(COMMAND_NAMES)}]`" in doc


def test_a_quiet_summary_says_what_it_left_out_in_one_pair_of_parentheses() -> None:
    """`build -q` printed "dist/ is up to date (0.19s) (53 warnings not shown)"."""
    hidden = (warning("a.b", Loc("report.yaml", 1, 1), "one"), warning("a.b", Loc("report.yaml", 2, 1), "two"))
    said = []
    for summary, findings in [
        ("dist/ is up to date (0.19s)", hidden),
        ("built en (draft): 1 report in 3.1 s (dist/: 1 written, 0 unchanged, 0 removed)", hidden[:1]),
        (
            "build failed with 1 error: nothing was written to dist/",
            (error("a.b", Loc("report.yaml", 3, 1), "bad"), *hidden),
        ),
        ("dist/ is up to date (0.19s)", ()),
    ]:
        out = io.StringIO()
        _show_built(REPO, Built("built", findings, summary), argparse.Namespace(quiet=True), out, io.StringIO())
        said.append(out.getvalue())
    assert said == [
        "dist/ is up to date (0.19s; 2 warnings not shown)\n",
        "built en (draft): 1 report in 3.1 s (dist/: 1 written, 0 unchanged, 0 removed; 1 warning not shown)\n",
        "report.yaml:3:1: error: bad [a.b]\nbuild failed with 1 error: nothing was written to dist/ (2 warnings not shown)\n",
        "dist/ is up to date (0.19s)\n",
    ]
