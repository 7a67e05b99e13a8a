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

from .conftest import REPO, interruptible, kill_group

pytestmark = pytest.mark.slow

VERBS = ("check", "release", "export", "serve", "new", "extract", "update")
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


def readme_spans(text: str) -> list[str]:
    """Return every line of the README's code blocks (without its comment) and every inline code span."""
    found: list[str] = []
    fences = re.compile(r"^```[a-z]*\n(.*?)^```\n", re.M | re.S)
    for block in fences.findall(text):
        found += [re.sub(r"\s+#.*", "", line).strip() for line in block.splitlines()]
    return found + re.findall(r"`([^`\n]+)`", fences.sub("", text))


def readme_commands(text: str) -> list[str]:
    """Return every command of the README that runs build.py or a verb's make target, in order, once each."""
    wanted = []
    for command in readme_spans(text):
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


NOT_TO_RUN = ("playwright install",)
"""Commands the README names to say that they must not be run."""


def test_a_program_of_the_venv_is_named_by_its_path() -> None:
    """Nothing puts .venv/bin on the PATH: a command the README gives (a program and its arguments)
    that runs one of its programs (`pybabel`, `pytest`, `python`, which Debian does not have) names
    it `.venv/bin/...`, so that it runs as typed."""
    programs = {path.name for path in (Path(sys.prefix) / "bin").iterdir()}
    commands = [s.split() for s in readme_spans((REPO / "README.md").read_text(encoding="utf-8"))]
    bare = [
        " ".join(words)
        for words in commands
        if len(words) > 1 and words[0] in programs and not shutil.which(words[0], path="/usr/bin:/bin")
    ]
    assert [command for command in bare if command not in NOT_TO_RUN] == []
    # tests/test_i18n.py runs the same pybabel extraction, and compares its messages with extract's.
    assert ".venv/bin/pybabel extract -F i18n/babel.cfg -o /tmp/messages.pot ." in [" ".join(c) for c in commands]


def test_make_build_names_python3_venv_before_it_makes_the_venv(tmp_path: Path) -> None:
    """Debian's and Ubuntu's Python makes no venv without `python3-venv`: `make build` says so first."""
    root, stubs = tmp_path / "project", tmp_path / "bin"
    root.mkdir()
    stubs.mkdir()
    shutil.copy2(REPO / "Makefile", root / "Makefile")
    (root / "pyproject.toml").touch()
    # Every other system package is there (stubs), and the user is not root: nothing is installed.
    scripts = {
        "python3": 'case "$*" in *ensurepip*) exit 1;; esac',  # a Python without its venv module's ensurepip
        "ldconfig": "echo libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0",
        "id": "echo 1000",
        "msgfmt": "",
        "chromium": "",
        "java": "",
    }
    for name, script in scripts.items():
        (stubs / name).write_text(f"#!/bin/sh\n{script}\n")
        (stubs / name).chmod(0o755)
    env = {"PATH": f"{stubs}:/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(["make", "build"], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines()[:2] == [
        "Missing system packages: python3-venv",
        "Install them first, for example: sudo apt-get install python3-venv",
    ]
    assert sorted(p.name for p in root.iterdir()) == ["Makefile", "pyproject.toml"]  # no .venv begun
    # A venv that such a Python began and could not finish (a python, no pip) is asked about the same way.
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "python").symlink_to(stubs / "python3")
    done = subprocess.run(["make", "build"], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr.splitlines()[:1]) == (2, ["Missing system packages: python3-venv"])
    shutil.rmtree(root / ".venv")
    # A Python with its venv module (this one) passes the same check.
    done = subprocess.run(["make", "system", f"PYTHON={sys.executable}"], cwd=root, env=env, capture_output=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")


def test_make_gives_build_py_dir_id_and_name_as_typed(tmp_path: Path) -> None:
    """make expands a `$` in a variable's value: `make export DIR='Informe $2026'` exported to "Informe 026"."""
    shutil.copy2(REPO / "Makefile", tmp_path / "Makefile")
    python = tmp_path / "python"  # says what it was given, one argument a line
    python.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    python.chmod(0o755)

    def make(*args: str) -> list[str]:
        options = ["-s", "-o", ".venv/.installed", f"PY={python}"]  # the venv is taken as made
        done = subprocess.run(["make", *options, *args], cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    assert make("export", "DIR=../Informe Año $2026 #1 & 50%") == [
        "build.py",
        "export",
        "../Informe Año $2026 #1 & 50%",
    ]
    assert make("export") == ["build.py", "export"]
    name = "O'Brien $HOME $(x) #1"
    assert make("new", "ID=otay-mesa", f"NAME={name}") == ["build.py", "new", "otay-mesa", "--name", name]


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
    with interruptible(
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
        try:
            while time.monotonic() < deadline and process.poll() is None and not SUMMARY.search("".join(seen)):
                with contextlib.suppress(queue.Empty):
                    seen.append(lines.get(timeout=0.5))
            os.killpg(process.pid, signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
        finally:
            kill_group(process.pid)  # what Ctrl-C left, or what an error on the way did not stop
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
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = readme_commands(readme)
    made = root / "facilities" / "example-county.yaml"
    for command in commands:
        checks_made = "facilities/example-county.yaml" in command and " new " not in f"{command} "
        if checks_made:  # the check the README's step 2 runs on the dossier step 1 wrote
            assert _run('./build.py new example-county --name "Example County Jail"', root, env)[0] == 0
        code, output = _run(command, root, env)
        assert code not in (126, 127), f"{command}\n{output}"
        assert not [s for s in ENVIRONMENT_FAILURES if s in output], f"{command}\n{output}"
        if " new " in f"{command} ":
            assert (code, made.exists()) == (0, True), f"{command}\n{output}"
            made.unlink()  # so that the next commands see the shipped content, which has no error
        elif checks_made:  # it lists what is left to fill in, as the README's example line says
            line = "facilities/example-county.yaml:15:9: error: location.city is still TODO: write what a source says"
            line += " [todo]"
            assert (code, line in output, line in readme) == (1, True, True), f"{command}\n{output}"
            made.unlink()
        elif re.match(r"(\./build\.py|make) release", command):
            # The shipped content is not verified yet: the release stops and prints its checklist.
            # (exit 1; make reports a failed recipe with its own 2)
            assert code == (2 if command.startswith("make") else 1), f"{command}\n{output}"
            assert "Release checklist" in output and "nothing was written to dist/" in output, f"{command}\n{output}"
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


def test_every_finding_code_the_tool_emits_has_a_row_in_the_readme_table() -> None:
    """`todo`, `schema.empty` and four more codes `check` prints were in no row of the table."""
    import re

    emitted = re.compile(
        r'(?:\berror|\bwarning|(?:Finding|Problem)\(\s*"(?:error|warning)"\s*,)\s*\(?\s*"([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*)"'
    )
    codes = {m.group(1) for path in (REPO / "report").rglob("*.py") for m in emitted.finditer(path.read_text())}
    codes |= {
        m.group(1)
        for path in (REPO / "report" / "schemas").glob("*.json")
        for m in re.finditer(r'"x-code":\s*"([^"]+)"', path.read_text())
    }
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ((?:`[a-z][a-z0-9.-]*`(?:, | / )?)+) \|", readme, re.MULTILINE)
    documented = {code for row in rows for code in re.findall(r"`([^`]+)`", row)}
    assert len(codes) > 80 and {"todo", "cite.weak", "site.hidden"} <= codes
    assert sorted(codes - documented) == []
