"""The README's commands work as written, in a shell where no virtual environment is active.

Every command in the README's code blocks, tables and prose that runs `./build.py` or a `make`
target of a verb is run verbatim with `bash -c`, in a clean environment (`env -i`, no
VIRTUAL_ENV, PATH of a stock Debian user), on a copy of the project whose `.venv` is the one
the tests run in. A command may fail for a content reason (`new` refusing an id that exists);
none may fail because of the environment: a missing module, a missing command, a traceback.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow

VERBS = ("check", "serve", "new", "extract", "update")
"""The `make` targets that run a verb of build.py (`make build` and `make test` would recurse)."""

ENVIRONMENT_FAILURES = (
    "ModuleNotFoundError",
    "No module named",
    "command not found",
    "No such file or directory",
    "Permission denied",
    "Traceback",
    "internal error",
    "run `make build` first",
    "Missing system packages",
)
SUMMARY = re.compile(r"^(built |dist/ is up to date|build failed)", re.M)


def readme_commands(text: str) -> list[str]:
    """Return every command of the README that runs build.py or a verb's make target, in order, once each."""
    found: list[str] = []
    fences = re.compile(r"^```[a-z]*\n(.*?)^```\n", re.M | re.S)
    for block in fences.findall(text):
        found += [re.sub(r"\s+#.*", "", line).strip() for line in block.splitlines()]
    found += re.findall(r"`([^`\n]+)`", fences.sub("", text))
    wanted = []
    for command in found:
        target = re.match(r"make (\S+)", command)
        if (command.startswith("./build.py") or (target and target[1] in VERBS)) and command not in wanted:
            wanted.append(command)
    return wanted


def test_readme_names_every_verb_in_a_form_that_works() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    commands = readme_commands(text)
    for verb in VERBS:
        assert any(c.startswith(f"./build.py {verb}") for c in commands), verb
        assert any(c.startswith(f"make {verb}") for c in commands), verb
    spans = re.findall(r"`([^`\n]+)`", text) + re.findall(r"^```[a-z]*\n(.*?)^```\n", text, re.M | re.S)
    assert not [s for s in spans if re.search(r"\bpython3? build\.py|\.venv/bin/python build\.py", s)]


def test_hints_name_a_command_that_works() -> None:
    """What the tool prints (findings, `new`, the status page) says `./build.py`, never `python build.py`."""
    sources = [*REPO.joinpath("report").rglob("*.py"), *REPO.joinpath("report").rglob("*.js")]
    sources += [*REPO.joinpath("layouts").rglob("*.html"), REPO / "i18n" / "babel.cfg"]
    wrong = [
        f"{path.relative_to(REPO)}: {line.strip()}"
        for path in sources
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"\bpython3? build\.py|(?<![./\w])build\.py (check|extract|update|new|serve)\b", line)
    ]
    assert wrong == []


def _project(tmp_path: Path, shipped: Path) -> Path:
    """A copy of the built shipped project (with its cache: builds are quick) that uses the tests' .venv."""
    root = tmp_path / "project"
    shutil.copytree(shipped, root, symlinks=True)  # dist is a relative symlink into .dist/
    for name in ("build.py", "Makefile", "README.md", "pyproject.toml"):
        shutil.copy2(REPO / name, root / name)
    shutil.copytree(REPO / "report", root / "report", ignore=shutil.ignore_patterns("__pycache__"))
    venv = Path(sys.prefix)
    assert venv != Path(sys.base_prefix) and (venv / ".installed").exists(), "run the tests in the venv make made"
    (root / ".venv").symlink_to(venv)
    os.utime(root / "pyproject.toml", (0, 0))  # older than .venv/.installed: make never reinstalls
    return root


def _run(command: str, root: Path, env: dict[str, str]) -> tuple[int, str]:
    if "serve" not in command:
        done = subprocess.run(["bash", "-c", command], cwd=root, env=env, capture_output=True, text=True, timeout=600)
        return done.returncode, done.stdout + done.stderr
    # `serve` runs until Ctrl-C: wait for its first build's summary, then interrupt it.
    with subprocess.Popen(
        ["bash", "-c", command],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as process:
        stdout = process.stdout
        assert stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True)
        reader.start()
        seen = []
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and process.poll() is None and not SUMMARY.search("".join(seen)):
            with contextlib.suppress(queue.Empty):
                seen.append(lines.get(timeout=0.5))
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        reader.join(timeout=30)
        while not lines.empty():
            seen.append(lines.get())
        output = "".join(seen)
        assert SUMMARY.search(output), output
        return process.returncode, output


def test_readme_commands_run_as_written(tmp_path: Path, shipped: Path) -> None:
    root = _project(tmp_path, shipped)
    (tmp_path / "home").mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")}
    commands = readme_commands((REPO / "README.md").read_text(encoding="utf-8"))
    made = root / "facilities" / "example-county.yaml"
    for command in commands:
        code, output = _run(command, root, env)
        assert code not in (126, 127), f"{command}\n{output}"
        assert not [s for s in ENVIRONMENT_FAILURES if s in output], f"{command}\n{output}"
        if " new " in f"{command} ":
            assert (code, made.exists()) == (0, True), f"{command}\n{output}"
            made.unlink()  # so that the next commands see the shipped content, which has no error
        elif "serve" not in command:
            assert code == 0, f"{command}\n{output}"


def test_without_a_venv_it_says_to_run_make_build(tmp_path: Path) -> None:
    """Before `make build` there is no .venv: one line says what to do, never a traceback."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "tests" / "fixtures" / "_base", root)
    shutil.copy2(REPO / "build.py", root / "build.py")
    shutil.copytree(REPO / "report", root / "report", ignore=shutil.ignore_patterns("__pycache__"))
    python = Path(sys.base_prefix) / "bin" / "python3"  # -S: no site-packages, so none of the dependencies
    done = subprocess.run([python, "-S", "build.py", "check"], cwd=root, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert re.fullmatch(
        r"build\.py: error: the Python module '\w+' is not installed; run `make build` first"
        r" \(it sets up \.venv, which \./build\.py then uses by itself\)\n",
        done.stderr,
    )
