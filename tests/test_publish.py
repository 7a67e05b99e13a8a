"""Publishing is atomic: dist/ is the old edition or the new one, whatever stops a build and when.

The unit tests publish small in-memory outputs. The others run real builds in a subprocess on a
one-facility project and kill them (SIGKILL to the whole process group, SIGINT as Ctrl-C does),
or hold the build lock while a build starts.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable

import pytest

from report import publish, stamp
from report.errors import UsageError
from report.cli import Progress
from report.publish import Output, Published
from report.commands import build as build_verb
from report.commands.serve import Preview, PreviewHandler

from .conftest import REPO, build, copy_project, interruptible, reaping, run_cli

FACILITY = "lasalle"  # the shortest dossier: the builds below take seconds, not minutes
INTERRUPTED_LINE = "build interrupted; dist/ was left as it was"


def edition(root: Path) -> dict[str, bytes]:
    """Return every file of the published edition by its path under dist/."""
    dist = root / publish.DIST_DIR
    return {p.relative_to(dist).as_posix(): p.read_bytes() for p in sorted(dist.rglob("*")) if p.is_file()}


def build_folders(root: Path) -> list[str]:
    """Return the edition folders under .dist/ (not the review folders beside them)."""
    return [name for name in all_folders(root) if not name.endswith(publish.REVIEW_SUFFIX)]


def all_folders(root: Path) -> list[str]:
    folder = root / publish.BUILDS_DIR
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def published_folder(root: Path) -> str:
    return Path(os.readlink(root / publish.DIST_DIR)).name


# -- publish, in memory -------------------------------------------------------------------------


def outputs(files: dict[str, bytes]) -> list[Output]:
    return [Output(path, data, "page", path.split("/")[0] if "/" in path else None) for path, data in files.items()]


def with_manifest(files: dict[str, bytes]) -> dict[str, bytes]:
    return {**files, publish.MANIFEST: publish.manifest_bytes(outputs(files))}


V1 = {"index.html": b"<p>index</p>", "en/a.html": b"<p>a</p>", "en/a.pdf": b"%PDF a", "es/a.html": b"<p>a es</p>"}


def test_unchanged_files_keep_their_inode_and_mtime(tmp_path: Path) -> None:
    publish.publish(tmp_path, outputs(V1))
    dist = tmp_path / "dist"
    before = {path: (dist / path).stat() for path in V1}
    v2 = {**V1, "en/a.html": b"<p>a, edited</p>"}
    result = publish.publish(tmp_path, outputs(v2))
    assert result == Published(
        written=("en/a.html", "manifest.json"), unchanged=("en/a.pdf", "es/a.html", "index.html"), removed=()
    )
    assert edition(tmp_path) == with_manifest(v2)
    for path in ("en/a.pdf", "es/a.html", "index.html"):
        after = (dist / path).stat()
        assert (after.st_ino, after.st_mtime_ns) == (before[path].st_ino, before[path].st_mtime_ns), path
    assert (dist / "en/a.html").stat().st_ino != before["en/a.html"].st_ino
    assert dist.is_symlink() and build_folders(tmp_path) == [published_folder(tmp_path)]


def test_files_no_longer_produced_are_removed(tmp_path: Path) -> None:
    publish.publish(tmp_path, outputs(V1))
    v2 = {k: v for k, v in V1.items() if k != "en/a.pdf"}
    result = publish.publish(tmp_path, outputs(v2))
    assert result == Published(
        written=("manifest.json",), unchanged=("en/a.html", "es/a.html", "index.html"), removed=("en/a.pdf",)
    )
    assert edition(tmp_path) == with_manifest(v2)
    assert build_folders(tmp_path) == [published_folder(tmp_path)]


def test_a_stray_file_and_an_empty_folder_are_both_counted_as_removed(tmp_path: Path) -> None:
    """After `touch dist/extra.txt; mkdir dist/emptyd` a build said "1 removed" and removed both."""
    publish.publish(tmp_path, outputs(V1))
    (tmp_path / "dist" / "extra.txt").write_bytes(b"")
    (tmp_path / "dist" / "emptyd").mkdir()
    result = publish.publish(tmp_path, outputs(V1))
    assert result == Published(written=(), unchanged=tuple(sorted(with_manifest(V1))), removed=("emptyd/", "extra.txt"))
    assert edition(tmp_path) == with_manifest(V1) and not (tmp_path / "dist" / "emptyd").exists()


def test_publishing_the_same_edition_again_touches_nothing(tmp_path: Path) -> None:
    publish.publish(tmp_path, outputs(V1))
    link = os.readlink(tmp_path / "dist")
    result = publish.publish(tmp_path, outputs(V1))
    assert result == Published(written=(), unchanged=tuple(sorted(with_manifest(V1))), removed=())
    assert os.readlink(tmp_path / "dist") == link


def test_languages_not_built_this_time_are_kept(tmp_path: Path) -> None:
    publish.publish(tmp_path, outputs(V1))
    inode = (tmp_path / "dist/es/a.html").stat().st_ino
    english = {k: v for k, v in V1.items() if not k.startswith("es/")}
    result = publish.publish(tmp_path, outputs({**english, "en/a.html": b"new"}), keep_languages=frozenset({"es"}))
    assert result.removed == () and "es/a.html" in result.unchanged
    assert edition(tmp_path) == with_manifest({**V1, "en/a.html": b"new"})
    assert (tmp_path / "dist/es/a.html").stat().st_ino == inode


STATUS = Output("es/translation-status.html", b"<p>3 fuzzy</p>", "status", "es")


def test_the_languages_kept_from_earlier_content_are_those_the_last_build_saw_other_content_for(
    tmp_path: Path,
) -> None:
    """Each language has its own digest (the shared content and its catalogs): a language is older
    when the one it was built from is not the one the last build saw for it. A manifest written
    before "latest" was recorded falls back to the rule of its time: digests that differ."""
    manifest = tmp_path / publish.MANIFEST
    own = {"en": "a" * 64, "es": "c" * 64}
    manifest.write_bytes(publish.manifest_bytes([], content=own, latest=own))
    assert publish.older_languages(tmp_path) == []
    manifest.write_bytes(publish.manifest_bytes([], content=own, latest={**own, "es": "d" * 64}))
    assert publish.older_languages(tmp_path) == ["es"]
    manifest.write_bytes(publish.manifest_bytes([], content=own, latest={"en": "b" * 64, "es": "d" * 64}))
    assert publish.older_languages(tmp_path) == ["en", "es"]
    manifest.write_bytes(publish.manifest_bytes([], content={"en": "a" * 64, "es": "a" * 64}))
    assert publish.older_languages(tmp_path) == []
    manifest.write_bytes(publish.manifest_bytes([], content=own))
    assert publish.older_languages(tmp_path) == ["en", "es"]


def test_review_pages_go_beside_the_edition_never_in_it(tmp_path: Path) -> None:
    publish.publish(tmp_path, [*outputs(V1), STATUS])
    assert edition(tmp_path) == with_manifest(V1)  # not in dist/, not in its manifest
    review = publish.review_folder(tmp_path)
    assert review == tmp_path / ".dist" / f"{published_folder(tmp_path)}{publish.REVIEW_SUFFIX}"
    assert (review / STATUS.path).read_bytes() == STATUS.data

    # Only the status page changed: a new edition folder all the same, so that the two go together.
    link = os.readlink(tmp_path / "dist")
    newer = Output(STATUS.path, b"<p>2 fuzzy</p>", "status", "es")
    result = publish.publish(tmp_path, [*outputs(V1), newer])
    assert result.written == () and os.readlink(tmp_path / "dist") != link
    assert (publish.review_folder(tmp_path) / STATUS.path).read_bytes() == newer.data  # type: ignore[operator]
    assert all_folders(tmp_path) == [published_folder(tmp_path), f"{published_folder(tmp_path)}.review"]

    # A build of English alone keeps the Spanish status page, as it keeps the Spanish pages.
    english = {k: v for k, v in V1.items() if not k.startswith("es/")}
    publish.publish(tmp_path, outputs({**english, "en/a.html": b"new"}), keep_languages=frozenset({"es"}))
    assert (publish.review_folder(tmp_path) / STATUS.path).read_bytes() == newer.data  # type: ignore[operator]
    # A build with no status page (English only) leaves no review folder.
    publish.publish(tmp_path, outputs(V1))
    assert publish.review_folder(tmp_path) is None and all_folders(tmp_path) == [published_folder(tmp_path)]


def plain_dist(root: Path, files: dict[str, bytes]) -> dict[str, int]:
    """Write `dist/` as builds did before it became a symlink; return each file's inode."""
    for path, data in with_manifest(files).items():
        (root / "dist" / path).parent.mkdir(parents=True, exist_ok=True)
        (root / "dist" / path).write_bytes(data)
    return {path: (root / "dist" / path).stat().st_ino for path in files}


def test_a_plain_dist_folder_is_replaced_by_the_symlink(tmp_path: Path) -> None:
    inodes = plain_dist(tmp_path, V1)
    v2 = {**V1, "en/a.html": b"<p>a, edited</p>"}
    result = publish.publish(tmp_path, outputs(v2))
    assert result.written == ("en/a.html", "manifest.json")
    assert (tmp_path / "dist").is_symlink() and edition(tmp_path) == with_manifest(v2)
    assert (tmp_path / "dist/index.html").stat().st_ino == inodes["index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist", "dist"]


def test_a_kill_between_the_two_renames_of_the_first_publish_is_undone(tmp_path: Path) -> None:
    inodes = plain_dist(tmp_path, V1)
    (tmp_path / "dist").rename(tmp_path / ".dist.old")  # what the first publish does, killed right after
    (tmp_path / ".dist/unpublished").mkdir(parents=True)
    publish.recover(tmp_path)
    assert not (tmp_path / "dist").is_symlink() and edition(tmp_path) == with_manifest(V1)
    assert (tmp_path / "dist/index.html").stat().st_ino == inodes["index.html"]
    assert build_folders(tmp_path) == [] and not (tmp_path / ".dist.old").exists()


def test_an_interrupted_publish_leaves_dist_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    publish.publish(tmp_path, outputs(V1))
    link = os.readlink(tmp_path / "dist")
    linked = []

    def interrupted(source: Path, target: Path) -> None:
        linked.append(target)
        if len(linked) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(publish, "_link", interrupted)
    with pytest.raises(KeyboardInterrupt):
        publish.publish(tmp_path, outputs({**V1, "en/a.html": b"edited"}))
    assert len(linked) == 2
    assert os.readlink(tmp_path / "dist") == link and edition(tmp_path) == with_manifest(V1)
    assert build_folders(tmp_path) == [Path(link).name]


def test_an_interrupted_first_publish_puts_the_plain_folder_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain_dist(tmp_path, V1)

    def interrupted(source: str, target: str) -> None:
        assert not (tmp_path / "dist").exists()  # moved aside: the one-time window
        raise KeyboardInterrupt

    monkeypatch.setattr(publish.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        publish.publish(tmp_path, outputs({**V1, "en/a.html": b"edited"}))
    monkeypatch.undo()
    assert not (tmp_path / "dist").is_symlink() and edition(tmp_path) == with_manifest(V1)
    assert build_folders(tmp_path) == [] and sorted(p.name for p in tmp_path.iterdir()) == [".dist", "dist"]


def test_serve_answers_from_the_edition_published_last(tmp_path: Path) -> None:
    import functools
    import http.server

    publish.publish(tmp_path, outputs(V1))
    handler = functools.partial(PreviewHandler, directory=str(tmp_path / "dist"), preview=Preview())
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def get(path: str) -> bytes:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        try:
            connection.request("GET", path)
            return connection.getresponse().read()
        finally:
            connection.close()

    try:
        assert get("/en/a.pdf") == b"%PDF a"
        publish.publish(tmp_path, outputs({**V1, "en/a.pdf": b"%PDF a, edited"}))
        assert get("/en/a.pdf") == b"%PDF a, edited"
    finally:
        server.shutdown()
        server.server_close()


def test_the_lock_names_its_holder_while_held(tmp_path: Path) -> None:
    with publish.lock(tmp_path, lambda message: None):
        assert (tmp_path / publish.LOCK_FILE).read_text() == f"{os.getpid()}\n"
    assert (tmp_path / publish.LOCK_FILE).read_text() == ""


def victim_folder(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """Return a project folder and, beside it, a folder of someone else's files, and what they hold."""
    root, victim = tmp_path / "project", tmp_path / "victim"
    (victim / "sub").mkdir(parents=True)
    (victim / "a.txt").write_bytes(b"x")
    (victim / "sub/b.txt").write_bytes(b"y")
    root.mkdir()
    (root / "report.yaml").write_text("title: x\n", encoding="utf-8")  # a project's folder, as the CLI requires
    return root, victim, files_in(victim)


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else b"/" for p in folder.rglob("*")}


@pytest.mark.parametrize(
    ("name", "does"),
    [(".dist", "the build deletes and writes in .dist/"), (".cache", "every command writes in .cache/")],
)
def test_a_folder_of_the_tools_own_that_is_a_link_is_refused_and_what_it_points_to_survives(
    tmp_path: Path, name: str, does: str
) -> None:
    """A committed `.dist -> ../victim` had the build delete everything in ../victim (`recover`) and
    write the new edition there; a `.cache` link had every command write its cache and lock there."""
    root, victim, before = victim_folder(tmp_path)
    (root / name).symlink_to("../victim")
    refused = f"'{name}' is a symbolic link (to ../victim): {does}, so it refuses a link; delete it"
    with pytest.raises(UsageError) as raised:
        publish.recover(root)
    assert str(raised.value) == refused
    with pytest.raises(UsageError), publish.lock(root, lambda message: None):
        pass
    with pytest.raises(UsageError):
        publish.publish(root, outputs(V1))
    for verb in ("build", "check", "extract", "export"):
        assert run_cli("--root", str(root), verb) == (2, "", f"build.py: error: {refused}\n")
    assert files_in(victim) == before
    assert sorted(p.name for p in root.iterdir()) == sorted([name, "report.yaml"])


def test_a_dist_link_out_of_the_project_is_replaced_never_followed(tmp_path: Path) -> None:
    """`dist` is the tool's own symlink: one pointing elsewhere is swapped like any, its target left alone."""
    root, victim, before = victim_folder(tmp_path)
    (root / "dist").symlink_to("../victim")
    publish.publish(root, outputs(V1))
    assert os.readlink(root / "dist") == f".dist/{published_folder(root)}"
    assert edition(root) == with_manifest(V1) and files_in(victim) == before


def test_a_lock_file_that_is_a_link_is_replaced_never_written_through(tmp_path: Path) -> None:
    """`.cache/build.lock -> ../../victim/a.txt`: taking the lock emptied a.txt."""
    root, victim, before = victim_folder(tmp_path)
    (root / ".cache").mkdir()
    (root / publish.LOCK_FILE).symlink_to("../../victim/a.txt")
    with publish.lock(root, lambda message: None):
        assert not (root / publish.LOCK_FILE).is_symlink()
        assert (root / publish.LOCK_FILE).read_text() == f"{os.getpid()}\n"
    assert files_in(victim) == before


def test_a_manifest_path_out_of_dist_is_never_kept(tmp_path: Path) -> None:
    """A committed plain `dist/` whose manifest listed `es/../../../../y`: `--lang en` read the file
    there and copied it into the new edition's folder at that path, outside the project."""
    root = tmp_path / "a/project"
    plain_dist(root, V1)
    (tmp_path / "y").write_bytes(b"planted")  # dist/es/../../../../y
    manifest = json.loads((root / "dist/manifest.json").read_bytes())
    manifest["outputs"].append({**manifest["outputs"][0], "path": "es/../../../../y", "language": "es"})
    del manifest[publish.SEAL]  # a manifest from before the seal: what its paths lead to is still never kept
    (root / "dist/manifest.json").write_text(json.dumps(manifest))
    english = {k: v for k, v in V1.items() if not k.startswith("es/")}
    publish.publish(root, outputs(english), keep_languages=frozenset({"es"}))
    assert not (tmp_path / "a/y").exists()  # .dist/<build>/es/../../../../y
    assert edition(root) == with_manifest(V1)


SECRET = b"someone else's file"


def plant_edition(root: Path, how: str) -> Path:
    """Put an edition whose English is `en/secret.txt`, a link to a file outside the project, where
    `dist` leads, planted `how`; return that file."""
    outside = root.parent / "secret.txt"
    outside.write_bytes(SECRET)
    files = {"index.html": b"<p>index</p>", "en/secret.txt": SECRET}
    if how == "dist is a link to a folder of the project's":
        folder = root / "evil"
        (root / "dist").symlink_to("evil")
    elif how == "dist is a link to .dist/..":
        folder = root
        (root / ".dist").mkdir()
        (root / "dist").symlink_to(".dist/..")
    else:  # a link in the edition folder the build made: to the file, or to a folder holding it
        publish.publish(root, outputs(files))
        folder = root / "dist"
        shutil.rmtree(folder / "en")
        if how == "a file of the tool's edition is a link out":
            (folder / "en").mkdir()
        else:
            (root / "elsewhere").mkdir()
            (folder / "en").symlink_to("../../elsewhere")
    (folder / "en").mkdir(parents=True, exist_ok=True)
    (folder / "en" / "secret.txt").symlink_to(outside)
    manifest = publish.manifest_bytes(outputs(files), content={"en": "a" * 64}, languages=["en", "es"])
    (folder / publish.MANIFEST).write_bytes(manifest)
    return outside


@pytest.mark.parametrize(
    "how",
    [
        "dist is a link to a folder of the project's",
        "dist is a link to .dist/..",
        "a file of the tool's edition is a link out",
        "a folder of the tool's edition is a link",
    ],
)
def test_a_file_linked_from_outside_the_tools_edition_folder_is_never_kept(tmp_path: Path, how: str) -> None:
    """`dist -> evil`, `evil/en/secret.txt -> /outside`, and a manifest naming it as English: `--lang es`
    kept it (its bytes, or a hard link to the outside file itself), and export published it. Only a
    plain file of the `.dist/` folder the build made is kept; from anything else, nothing is, and
    dist/ then lacks English as after any build of one language (`missing_languages`)."""
    root = tmp_path / "project"
    root.mkdir()
    outside = plant_edition(root, how)
    spanish = {"index.html": b"<p>index</p>", "es/a.html": b"<p>a es</p>"}
    publish.publish(
        root, outputs(spanish), frozenset({"en"}), content={"en": "a" * 64, "es": "b" * 64}, languages=("en", "es")
    )
    assert os.readlink(root / "dist") == f".dist/{published_folder(root)}"
    assert sorted(edition(root)) == ["es/a.html", "index.html", "manifest.json"]
    assert publish.missing_languages(root / "dist") == ["en"]
    assert outside.read_bytes() == SECRET and outside.stat().st_nlink == 1  # never hard-linked into .dist/
    assert not any(p.is_file() and p.read_bytes() == SECRET for p in (root / ".dist").rglob("*"))


# -- real builds, stopped --------------------------------------------------------------------------


def edit(root: Path, text: str) -> None:
    """Put `text` at the start of the facility's summary (or replace what the last edit put there)."""
    dossier = root / "facilities" / f"{FACILITY}.yaml"
    source = dossier.read_text(encoding="utf-8")
    source, count = re.subn(r"(summary: >-\n\s+)(Edit \d+\. )?", rf"\g<1>{text} ", source, count=1)
    assert count == 1
    dossier.write_text(source, encoding="utf-8")


def test_a_process_the_tests_start_takes_ctrl_c_when_they_ignore_it() -> None:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as in a background job
    try:
        asks = "import signal; print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)"
        proc = interruptible([sys.executable, "-c", asks], stdout=subprocess.PIPE, text=True)
        out, _ = proc.communicate(timeout=60)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert out == "True\n"


def start_build(root: Path, *args: str) -> subprocess.Popen:
    """Start `build.py build` in its own process group (so that it can be killed with its workers)."""
    return interruptible(
        [sys.executable, str(REPO / "build.py"), "--root", str(root), "build", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def live_members(group: int) -> list[int]:
    """Return the processes of a process group that still run (zombies are dead already)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] not in "ZX":
                found.append(int(entry.name))
    return found


def wait_until_gone(group: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while live_members(group) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert live_members(group) == [], f"processes of the build outlived it: {live_members(group)}"


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen, interval: float = 0.0002) -> bool:
    """Poll `condition` until it holds (True) or the build has exited (False)."""
    while not condition():
        if proc.poll() is not None:
            return False
        time.sleep(interval)
    return True


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-facility project, built once (by a subprocess, like the builds it is compared with)."""
    root = copy_project(tmp_path_factory.mktemp("publish") / "project", [FACILITY])
    edit(root, "Edit 0.")
    with reaping() as reap:
        proc = reap(start_build(root, "--quiet"))
        out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, out + err
    return root


def clone(built: Path, dest: Path) -> Path:
    shutil.copytree(built, dest, symlinks=True)  # dist is a relative symlink: it works in the copy
    return dest


def fork_server_started(group: int) -> bool:
    """Return whether multiprocessing's fork server runs in the build's process group."""
    for pid in live_members(group):
        with contextlib.suppress(OSError):
            if b"from multiprocessing.forkserver import main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return True
    return False


def test_progress_prints_nothing_once_closed() -> None:
    """After Ctrl-C, a language thread may finish a cached chunk while the CLI prints its last
    line: that line must stay the last (the Ctrl-C test below saw a tick after it)."""
    stream = io.StringIO()
    progress = Progress(stream, enabled=True)
    progress.add(2)
    progress.tick("en/chapter-1", cached=True)
    progress.close()
    progress.tick("en/folios", cached=True)
    assert stream.getvalue().splitlines() == ["[1/2] en/chapter-1 (cached)"]


SLEEPER = (
    "import subprocess, sys, time; child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)']);"
    " print(child.pid, flush=True); time.sleep(300)"
)
"""A process that starts a worker, says its pid, and runs for five minutes: a build, as a test sees it."""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_a_test_that_fails_mid_way_leaves_no_process_behind() -> None:
    """The Ctrl-C test below started `build.py`, an assertion failed before it ended, and the build
    (with its workers) was found running an hour later. A test registers what it starts (`reap`):
    however it ends, the process group is killed."""
    with pytest.raises(AssertionError, match="fails mid-way"):
        with reaping() as reap:
            proc = reap(
                subprocess.Popen(
                    [sys.executable, "-c", SLEEPER], stdout=subprocess.PIPE, text=True, start_new_session=True
                )
            )
            assert proc.stdout is not None
            worker = int(proc.stdout.readline())
            assert worker in live_members(proc.pid)  # the worker runs in the build's group
            raise AssertionError("the test fails mid-way")
    wait_until_gone(proc.pid, timeout=5)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("moment", ["start-up", "layout"])
def test_ctrl_c_stops_the_build_and_leaves_dist_as_it_was(
    built: Path, tmp_path: Path, moment: str, reap: Callable[..., subprocess.Popen]
) -> None:
    root = clone(built, tmp_path / "project")
    old, folders = edition(root), build_folders(root)
    edit(root, "Edit 1.")
    proc = reap(start_build(root))  # with a progress line for each chunk; killed if an assertion fails
    assert proc.stderr is not None
    progress = []
    if moment == "start-up":  # the fork server is loading WeasyPrint
        assert wait_for(lambda: fork_server_started(proc.pid), proc, interval=0.01)
        time.sleep(0.2)
    else:
        while not progress or "(rendered)" not in progress[-1]:  # the workers have laid out a chapter
            progress.append(proc.stderr.readline())
            assert progress[-1], progress
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    assert err.splitlines()[-1] == INTERRUPTED_LINE and err.count(INTERRUPTED_LINE) == 1
    assert "Traceback" not in err and "Error" not in err, err
    wait_until_gone(proc.pid)
    assert edition(root) == old
    assert build_folders(root) == folders  # the unpublished folder was deleted


def test_a_second_build_waits_for_the_first(built: Path, reap: Callable[..., subprocess.Popen]) -> None:
    with publish.lock(built, lambda message: None):
        proc = reap(start_build(built, "--quiet"))
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert line == f"another build (pid {os.getpid()}) is running in this project; waiting for it to finish\n"
        time.sleep(1.0)
        assert proc.poll() is None  # still waiting
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, out + err
    # --quiet: the summary line only, which says that warnings were left out
    assert err == "" and re.fullmatch(r"dist/ is up to date \(\d+\.\d\ds; \d+ warnings not shown\)\n", out), out + err


def test_serve_builds_under_the_lock_too(built: Path, reap: Callable[..., subprocess.Popen]) -> None:
    with publish.lock(built, lambda message: None):
        proc = reap(
            interruptible(
                [sys.executable, str(REPO / "build.py"), "--root", str(built), "serve", "--port", "0"],
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,
            )
        )
        assert proc.stderr is not None and proc.stdout is not None
        line = proc.stderr.readline()
        assert line == f"another build (pid {os.getpid()}) is running in this project; waiting for it to finish\n"
    lines = [proc.stdout.readline()]  # the server answers at once; its first build waited for the lock
    assert lines[0].startswith("serving dist/ at http://127.0.0.1:"), lines
    while not lines[-1].startswith("dist/ is up to date"):
        lines.append(proc.stdout.readline())
        assert lines[-1], lines
    port = int(lines[0].split(":")[2].split("/")[0])
    while True:  # the build has printed its summary; wait until it has returned too
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/__preview__/state") as response:
            if json.loads(response.read())["generation"] == 1:
                break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err  # Ctrl-C, as the README says
    assert (out, err) == ("stopped serving; nothing was built\n", "")  # dist/ was up to date


def save_state(root: Path, dest: Path) -> None:
    """Copy what a build may change: `.cache/`, the published folders and the `dist` symlink."""
    for name in (".cache", publish.BUILDS_DIR):
        shutil.copytree(root / name, dest / name, symlinks=True)
    os.symlink(os.readlink(root / "dist"), dest / "dist")


def restore_state(saved: Path, root: Path) -> None:
    for name in (".cache", publish.BUILDS_DIR):
        shutil.rmtree(root / name)
    for name in ("dist", ".dist.tmp", ".dist.old"):
        if (root / name).is_symlink() or (root / name).is_file():
            (root / name).unlink()
        elif (root / name).is_dir():
            shutil.rmtree(root / name)
    for name in (".cache", publish.BUILDS_DIR):
        shutil.copytree(saved / name, root / name, symlinks=True)
    os.symlink(os.readlink(saved / "dist"), root / "dist")


def keep_leftovers(saved: Path, root: Path, leftovers: Path) -> int:
    """Copy into `leftovers` every file a killed build added to `.cache/` or `.dist/` or changed; return how many."""
    count = 0
    for path in [
        *sorted((root / ".cache").rglob("*")),
        *sorted((root / publish.BUILDS_DIR).rglob("*")),
        root / ".dist.tmp",
    ]:
        if not os.path.lexists(path):
            continue
        if path.is_dir() and not path.is_symlink():
            continue
        relative = path.relative_to(root)
        before = saved / relative
        if before.exists() and not path.is_symlink() and before.read_bytes() == path.read_bytes():
            continue
        (leftovers / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, leftovers / relative, follow_symlinks=False)
        count += 1
    return count


def test_a_build_killed_at_any_point_leaves_the_old_or_the_new_edition(
    built: Path, tmp_path: Path, reap: Callable[..., subprocess.Popen]
) -> None:
    root = clone(built, tmp_path / "project")
    saved = tmp_path / "saved"
    save_state(root, saved)
    old, old_link = edition(root), os.readlink(root / "dist")

    # The reference: the same edit, built to the end and timed.
    edit(root, "Edit 2.")
    started = time.perf_counter()
    proc = reap(start_build(root, "--quiet"))
    out, err = proc.communicate(timeout=300)
    reference = time.perf_counter() - started
    assert proc.returncode == 0, out + err
    new = edition(root)
    changed = {path for path in new if old.get(path) != new[path]}
    assert {"en/lasalle.html", "es/lasalle.html", "en/lasalle-en.pdf", "manifest.json"} <= changed
    assert len(changed) < len(new)
    # What the reference laid out and assembled: the builds killed in the publish step start from
    # the old state with these in the cache, and reach that step in half the time.
    laid_out = tmp_path / "laid-out"
    for name in ("chunks", "assembled"):
        shutil.copytree(root / ".cache" / name, laid_out / name)

    # Kill points: fractions of the reference build's time, from start-up to the end (two in
    # the last fifth: assembly, site, publish), then events of the publish step itself, which
    # lasts a few milliseconds: the new folder appearing (and 2 ms later), the symlink swapped.
    fractions = [0.02, 0.15, 0.35, 0.55, 0.75, 0.88, 0.96]
    events = [("staging", 0.0), ("staging", 0.002), ("swapped", 0.0)]

    def staging() -> bool:
        return len(build_folders(root)) > 1

    def swapped() -> bool:
        return os.readlink(root / "dist") != old_link

    leftovers = tmp_path / "leftovers"
    outcomes = []

    def kill(kind: str, delay: float) -> tuple[int, float]:
        """Start the edited build from the old state, kill it; return its exit code and how long it ran."""
        restore_state(saved, root)
        if kind != "time":
            shutil.copytree(laid_out, root / ".cache", dirs_exist_ok=True)
        started = time.perf_counter()
        proc = reap(start_build(root, "--quiet"))
        seen = True
        if kind == "time":
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=delay)  # returns early only if the build is done
        else:
            seen = wait_for(staging if kind == "staging" else swapped, proc)
            time.sleep(delay)
        ran = time.perf_counter() - started
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
        wait_until_gone(proc.pid)
        now = edition(root)
        assert now in (old, new), f"killed at {kind} {delay:.3f}s: dist/ is neither the old edition nor the new one"
        outcomes.append((kind, round(delay, 3), seen, proc.returncode, "old" if now == old else "new"))
        keep_leftovers(saved, root, leftovers)
        return proc.returncode, ran

    for fraction in fractions:
        code, ran = kill("time", fraction * reference)
        if code == 0:  # the machine got faster than during the reference: time it again from this run
            reference = ran
            kill("time", fraction * reference)
    for kind, delay in events:
        kill(kind, delay)

    killed = [o for o in outcomes if o[3] == -signal.SIGKILL]
    publishing = [o for o in killed if o[0] != "time" and o[2]]
    assert {o[4] for o in killed} == {"old", "new"}, outcomes  # kills landed before and after the swap
    assert len(killed) >= len(fractions) + len(events) - 1 and len(publishing) >= 2, outcomes

    # What every killed build left in the cache (entries, temporary files, unpublished folders),
    # all at once on top of the old state: a normal build still makes exactly the new edition.
    restore_state(saved, root)
    shutil.copytree(leftovers, root, symlinks=True, dirs_exist_ok=True)
    assert len(build_folders(root)) > 1
    proc = reap(start_build(root, "--quiet"))
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, out + err
    assert "waiting" not in err  # the killed builds' locks died with them
    assert edition(root) == new
    assert all_folders(root) == [published_folder(root), f"{published_folder(root)}{publish.REVIEW_SUFFIX}"]
    assert not (root / ".dist.tmp").exists() and not (root / ".dist.old").exists()


def test_a_layout_saved_while_the_build_runs_is_not_recorded_as_built(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A designer's save in layouts/ after the build read it (what `serve` sees): the stamp and the
    manifest describe what the build read, so neither the next build nor `export` calls it current."""
    root = clone(built, tmp_path / "project")
    edit(root, "Edit 8.")
    tokens = root / "layouts" / "css" / "tokens.css"
    emit = build_verb.emit

    def emit_then_save(*args: Any, **kwargs: Any) -> build_verb.Emitted:
        emitted = emit(*args, **kwargs)
        tokens.write_text(tokens.read_text(encoding="utf-8") + "\n/* saved */\n", encoding="utf-8")
        return emitted

    monkeypatch.setattr(build_verb, "emit", emit_then_save)
    code, out, err = build(root)
    assert code == 0 and out.rstrip().splitlines()[-1].startswith("built en, es (draft)"), out + err
    assert stamp.unchanged(root, {"lang": [], "release": False, "strict": False}) is None
    assert stamp.sources_changed(root, (root / "dist" / "manifest.json").read_bytes()) is True
    built_from = publish.language_content(root / "dist")
    assert publish.language_content(root / "dist", "latest") == built_from and set(built_from) == {"en", "es"}
    shared = stamp.content_digest(root, stamp.SHARED_GLOBS)
    assert built_from["en"] != shared and built_from["es"] != stamp.language_digests(root, shared)["es"]
    code, out, _ = run_cli("--root", str(root), "export")
    assert code == 0 and out.splitlines()[1:] == [
        "the sources changed since this edition was built (a later build failed or did not run):"
        " run ./build.py, then export again"
    ], out


def test_a_language_built_alone_after_an_edit_is_named_as_the_other_content_it_keeps(
    built: Path, tmp_path: Path
) -> None:
    """`build --lang es` after an edit keeps English as an earlier build left it: dist/ then mixes
    two versions of the content, and the build says so (and export refuses it, tests/test_export.py)."""
    root = clone(built, tmp_path / "project")
    content = publish.language_content(root / "dist")
    assert set(content) == {"en", "es"} and publish.language_content(root / "dist", "latest") == content
    assert publish.older_languages(root / "dist") == []
    edit(root, "Edit 7.")
    code, out, _ = build(root, "--lang", "es")
    assert code == 0 and out.rstrip().endswith(
        "; en kept from a build of earlier content: build every language before you export"
    )
    mixed, latest = publish.language_content(root / "dist"), publish.language_content(root / "dist", "latest")
    assert mixed["en"] == content["en"] != latest["en"] and content["es"] != mixed["es"] == latest["es"]
    assert publish.older_languages(root / "dist") == ["en"]
    code, out, _ = build(root, "--lang", "es")  # nothing to build, and English is still the earlier content's
    assert code == 0 and re.fullmatch(
        r"dist/ is up to date \(\d+\.\d\ds\); en kept from a build of earlier content:"
        r" build every language before you export",
        out.rstrip().splitlines()[-1],
    ), out
    code, out, _ = build(root)
    assert code == 0 and "kept from a build" not in out
    assert publish.language_content(root / "dist") == publish.language_content(root / "dist", "latest") == latest
    assert publish.older_languages(root / "dist") == []


@pytest.mark.slow
def test_a_language_built_alone_after_a_facility_left_names_the_link_that_leads_nowhere(tmp_path: Path) -> None:
    """A facility taken out of the report, then `build --lang en`: the Spanish pages are kept, and
    es/etowah.html's language link goes to en/etowah.html, which the build removed. The summary
    said only that es was kept; it names that link too (the first of them, and how many more)."""
    root = copy_project(tmp_path / "project", [FACILITY, "etowah"])
    code, out, err = build(root)
    assert code == 0, out + err
    report = root / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("  - etowah\n", ""), encoding="utf-8")
    (root / "facilities" / "etowah.yaml").unlink()
    code, out, err = build(root, "--lang", "en")
    assert code == 0, out + err
    dist = root / "dist"
    links = re.findall(
        r'<a [^>]*hreflang="en"[^>]*href="([^"]+)"', (dist / "es" / "etowah.html").read_text(encoding="utf-8")
    )
    links += re.findall(
        r'<a [^>]*href="([^"]+)"[^>]*hreflang="en"', (dist / "es" / "etowah.html").read_text(encoding="utf-8")
    )
    assert "../en/etowah.html" in links and not (dist / "en" / "etowah.html").exists()
    assert publish.unmatched_pages(dist) == [("es/etowah.html", "en/etowah.html")]
    assert out.rstrip().endswith(
        "; es kept from a build of earlier content (links lead nowhere: es/etowah.html to en/etowah.html):"
        " build every language before you export"
    ), out
    code, out, _ = build(root)
    assert code == 0 and "kept from" not in out and publish.unmatched_pages(dist) == []


@pytest.mark.slow
def test_a_catalog_edited_then_another_language_built_alone_is_named_as_kept_and_not_exported(
    built: Path, tmp_path: Path
) -> None:
    """A translator's save in the Spanish catalog, then `build --lang en`: the language chooser,
    which every build writes, shows the new Spanish title while es/ keeps the old one. The build
    names es as kept from earlier content, says it again while up to date, export refuses it and
    writes nothing, and a build of every language makes it one edition again."""
    root = clone(built, tmp_path / "project")
    catalog = root / "i18n" / "es" / "LC_MESSAGES" / "messages.po"
    old, new = "Los Primeros Diez de Comunidades Sí, Jaulas No", "Los Primeros Diez: Comunidades Sí, Jaulas No"
    source = catalog.read_text(encoding="utf-8")
    assert source.count(f'\nmsgstr "{old}"\n') == 1
    catalog.write_text(source.replace(f'\nmsgstr "{old}"\n', f'\nmsgstr "{new}"\n'), encoding="utf-8")
    kept = "; es kept from a build of earlier content: build every language before you export"
    code, out, _ = build(root, "--lang", "en")
    last = out.rstrip().splitlines()[-1]
    assert code == 0 and last.startswith("built en (draft): ") and last.endswith(kept), out
    dist = root / "dist"
    assert new in (dist / "index.html").read_text(encoding="utf-8")
    assert old in (dist / "es" / "index.html").read_text(encoding="utf-8")
    assert publish.older_languages(dist) == ["es"]
    code, out, _ = build(root, "--lang", "en")  # nothing to build; Spanish is still the earlier catalog's
    assert code == 0 and re.fullmatch(
        r"dist/ is up to date \(\d+\.\d\ds\)" + re.escape(kept), out.rstrip().splitlines()[-1]
    ), out
    code, out, err = run_cli("--root", str(root), "export", str(tmp_path / "out"))
    assert (code, out, err) == (
        2,
        "",
        "build.py: error: dist/ is not one edition: es was built from earlier content than the rest"
        " (a build with --lang kept it as it was); run ./build.py build, then export\n",
    )
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.zip").exists()
    code, out, _ = build(root)
    assert code == 0 and out.rstrip().splitlines()[-1].startswith("built en, es (draft): ") and "kept from" not in out
    assert new in (dist / "es" / "index.html").read_text(encoding="utf-8") and publish.older_languages(dist) == []
    code, out, err = run_cli("--root", str(root), "export", str(tmp_path / "out"))
    assert code == 0 and out.startswith("exported the draft edition ("), out + err


def test_a_language_is_built_from_its_catalog_not_its_glossary_or_a_stray_file(tmp_path: Path) -> None:
    """Only the catalog of i18n/<lang>/ shapes a language's pages: a glossary save (check's alone) or
    an editor's swap file must not name the language as kept from earlier content."""
    catalog = tmp_path / "i18n" / "es" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    before = stamp.language_digests(tmp_path, "a" * 64)
    (tmp_path / "i18n" / "es" / "glossary.csv").write_text("en,es\njail,cárcel\n", encoding="utf-8")
    (catalog.parent / ".messages.po.swp").write_bytes(b"\0swap")
    assert stamp.language_digests(tmp_path, "a" * 64) == before
    catalog.write_text('msgid ""\nmsgstr ""\n\nmsgid "Jail"\nmsgstr "Cárcel"\n', encoding="utf-8")
    after = stamp.language_digests(tmp_path, "a" * 64)
    assert set(after) == {"es"} and after != before
    assert stamp.language_digests(tmp_path, "b" * 64) != after  # the shared content counts too


def test_the_readme_says_a_language_is_built_from_its_catalog_not_its_glossary() -> None:
    """The README said each language's manifest `content` digest covers "its own i18n/<lang>/:
    catalog, glossary"; `language_digests` hashes the catalog alone (the test above), since the
    glossary changes no output: a glossary edit must not make a language look built from other content."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index('"content" (by language,')
    said = " ".join(readme[start : readme.index('"latest"', start)].split())
    assert said == (
        '"content" (by language, a digest of the report.yaml, facilities/ and layouts/ it was built from, and of'
        " its catalog, i18n/<lang>/LC_MESSAGES/messages.po, not of its glossary, which only check reads),"
    )


def test_a_file_where_the_tool_keeps_a_folder_is_a_usage_error_not_a_bug(tmp_path: Path) -> None:
    """`echo x > .cache` made every command exit 3, "a bug in the tool", with its traceback in /tmp (new developer)."""
    root = tmp_path / "p"
    root.mkdir()
    (root / "report.yaml").write_text("title: x\n", encoding="utf-8")  # a project's folder, as the CLI requires
    (root / ".cache").write_text("x", encoding="utf-8")
    refused = "'.cache' is a file, not a folder: every command writes in .cache/; delete it (the tool makes the folder)"
    for verb in ("build", "check"):
        assert run_cli("--root", str(root), verb) == (2, "", f"build.py: error: {refused}\n")
    assert (root / ".cache").read_text(encoding="utf-8") == "x"


def test_ctrl_c_as_the_lock_is_let_go_after_publishing_says_dist_holds_the_new_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C after the build published, as it lets go of the lock: dist/ holds the new build, and
    the build said "dist/ was left as it was". Before it held the lock, that is still what it says."""
    editions = iter(["old", "new"])
    monkeypatch.setattr(publish, "current", lambda root: next(editions))
    monkeypatch.setattr(publish, "recover", lambda root: None)
    published = build_verb.Built("built", summary="built en, es")
    monkeypatch.setattr(build_verb, "_build", lambda root, options, progress: published)

    @contextlib.contextmanager
    def lock(root: Path, waiting: Callable[[str], None]):
        yield
        raise KeyboardInterrupt  # as the lock's file is closed

    monkeypatch.setattr(publish, "lock", lock)
    options = build_verb.BuildOptions(dt_today())
    assert build_verb.build(tmp_path, options).summary == build_verb.ALREADY_NEW

    @contextlib.contextmanager
    def waiting(root: Path, waiting: Callable[[str], None]):
        raise KeyboardInterrupt  # while another build holds the lock
        yield

    monkeypatch.setattr(publish, "lock", waiting)
    assert build_verb.build(tmp_path, options).summary == build_verb.LEFT_AS_IT_WAS


def test_ctrl_c_while_the_summary_of_a_published_build_is_printed_says_dist_holds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build ended and published; Ctrl-C as the command line prints its summary said "dist/ was
    left as it was". A build that published nothing still says that."""
    from report import cli

    (tmp_path / "report.yaml").write_text("title: x\n", encoding="utf-8")
    for state, said in (("built", build_verb.ALREADY_NEW), ("failed", build_verb.LEFT_AS_IT_WAS)):
        monkeypatch.setattr(build_verb, "build", lambda *args, state=state, **kwargs: build_verb.Built(state))

        def show(*args: Any, **kwargs: Any) -> Any:
            raise KeyboardInterrupt

        monkeypatch.setattr(cli, "_show_built", show)
        assert run_cli("--root", str(tmp_path), "build") == (130, "", f"{said}\n"), state


def dt_today() -> Any:
    import datetime as dt

    return dt.date(2025, 1, 1)
