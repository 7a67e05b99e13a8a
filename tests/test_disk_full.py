"""A full disk: every verb says so in one line and exits 1, and leaves nothing partial behind."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from report import cache, project, publish

from .conftest import build, copy_project, run_cli

FULL = "build.py: error: no space left on device while writing "


def _no_space(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _half_then_full(path: Path, data: bytes) -> int:
    """Write half of `data` (as a disk filling up does), then fail."""
    with open(path, "wb") as handle:
        handle.write(data[: len(data) // 2])
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


# -- the write helpers, with the failure injected (no root needed) --------------------------------


def test_write_atomic_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "sub" / "file.txt"
    project.write_atomic(target, b"old")
    monkeypatch.setattr(Path, "write_bytes", _half_then_full)
    with pytest.raises(project.DiskFull) as raised:
        project.write_atomic(target, b"new contents")
    assert raised.value.filename == str(target) and raised.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.txt"]


def test_write_new_leaves_no_file_so_a_retry_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "new.yaml"
    with monkeypatch.context() as patched:
        patched.setattr(Path, "write_bytes", _half_then_full)
        with pytest.raises(project.DiskFull):
            project.write_new(target, b"id: new\n")
    assert list(tmp_path.iterdir()) == []
    project.write_new(target, b"id: new\n")
    assert target.read_bytes() == b"id: new\n"
    with pytest.raises(FileExistsError):
        project.write_new(target, b"other")
    assert target.read_bytes() == b"id: new\n"
    assert list(tmp_path.iterdir()) == [target]


def test_a_cache_entry_is_whole_or_absent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = project.write_atomic
    calls: list[Path] = []

    def data_then_full(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:  # the metadata, after the data
            _no_space()
        real(path, data)

    monkeypatch.setattr(cache, "write_atomic", data_then_full)
    with pytest.raises(OSError):
        cache.put(tmp_path, "chunks", cache.key_of("k"), b"%PDF-1.7")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_publish_names_the_file_and_leaves_dist_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = [publish.Output("en/index.html", b"<p>one</p>", "page", "en")]
    publish.publish(tmp_path, first)
    before = (tmp_path / "dist").resolve()
    monkeypatch.setattr(os, "fsync", _no_space)
    with pytest.raises(project.DiskFull) as raised:
        publish.publish(tmp_path, [publish.Output("en/index.html", b"<p>two</p>", "page", "en")])
    assert raised.value.filename == str(tmp_path / "dist" / "en" / "index.html")
    assert (tmp_path / "dist").resolve() == before
    assert (tmp_path / "dist" / "en" / "index.html").read_bytes() == b"<p>one</p>"
    assert sorted(p.name for p in (tmp_path / ".dist").iterdir()) == [before.name]


def test_the_command_line_says_it_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_project(tmp_path / "project", ["lasalle"])
    monkeypatch.setattr(Path, "write_bytes", _half_then_full)
    code, out, err = run_cli("--root", str(root), "new", "example", "--name", "Example Center")
    assert (code, out, err) == (1, "", f"{FULL}facilities/example.yaml\n")
    assert not (root / "facilities" / "example.yaml").exists()
    code, out, err = run_cli("--root", str(root), "check")
    assert (code, out) == (1, "")
    assert err.startswith(f"{FULL}.cache/load/") and err.count("\n") == 1


# -- a real full disk: a small tmpfs -------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 48 MB tmpfs mounted for the test (it needs root, as CI's container has)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; the injected-failure tests above cover the same writes")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk: Path) -> Path:
    """Fill the disk to the last byte; return the file that holds the space."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as handle:
        for size in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    handle.write(b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    return filler


def snapshot(root: Path) -> dict[str, str]:
    """Return every file under `root` with its hash (the lock file's content says who holds it)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink() and p.name != "build.lock"
    }


def assert_refused(root: Path, result: tuple[int, str, str], writing: str) -> None:
    code, out, err = result
    assert code == 1, out + err
    assert err.count("\n") == 1 and err.startswith(FULL + writing), err
    assert [p for p in root.parent.rglob("*") if p.name.endswith(".tmp")] == []


def test_every_verb_on_a_full_disk(small_disk: Path, tmp_path: Path) -> None:
    root = copy_project(small_disk / "project", ["lasalle"])
    # extract and update have something to write.
    dossier = root / "facilities" / "lasalle.yaml"
    dossier.write_text(dossier.read_text().replace("summary: >-\n  ", "summary: >-\n  New sentence. ", 1))
    filler = fill(small_disk)
    before = snapshot(root)
    for args in [("check",), ("build", "--quiet")]:
        assert_refused(root, run_cli("--root", str(root), *args), ".cache/")
        assert snapshot(root) == before, args

    # With the cache already written (a `.cache` that is a link to another disk is refused: a link
    # committed there would have every command write where it points), each verb gets as far as
    # its own output, and stops there.
    filler.unlink()
    assert run_cli("--root", str(root), "check")[0] == 0
    before = snapshot(root)
    filler = fill(small_disk)
    for args, writing in [
        (("extract",), "i18n/messages.pot"),
        (("new", "example", "--name", "Example Center"), "facilities/example.yaml"),
    ]:
        assert_refused(root, run_cli("--root", str(root), *args), writing)
        assert snapshot(root) == before, args

    filler.unlink()
    assert run_cli("--root", str(root), "extract")[0] == 0
    assert build(root, "--quiet")[0] == 0  # every cache entry the next build needs, then no edition
    os.unlink(root / "dist")
    shutil.rmtree(root / ".dist")
    filler = fill(small_disk)
    before = snapshot(root)
    assert_refused(root, run_cli("--root", str(root), "update"), "i18n/es/LC_MESSAGES/messages.po")
    assert snapshot(root) == before
    assert_refused(root, build(root, "--quiet"), "dist/")
    assert snapshot(root) == before
    assert not os.path.lexists(root / "dist")
    assert not (root / ".dist").exists() or list((root / ".dist").iterdir()) == []

    filler.unlink()
    assert build(root)[0] == 0
    assert run_cli("--root", str(root), "new", "example", "--name", "Example Center")[0] == 0
