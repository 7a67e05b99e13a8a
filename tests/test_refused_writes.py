"""A write the system refuses (a folder a build run with sudo left to root, `chattr +i`, a read-only
disk): every verb says which file in one line and what to do, exits 1, and never calls it a bug.

Root ignores file modes, so the refusal is injected where the tool writes; the command line's
output and exit code are the real ones."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from report import project, publish

from .conftest import build, copy_project, make_project, run_cli
from .test_export import publish_edition

ADVICE = (
    "; make sure that you own it and the folder it is in, and may write there (was the build once run with"
    " sudo? then give the project's files back to your user with sudo chown -R)"
)


def _patch(monkeypatch: pytest.MonkeyPatch, method: str, code: int, folder: str) -> None:
    """Have the Path method `method` refuse (errno `code`) the paths in a folder named `folder`,
    and do what it does for any other."""
    real = getattr(Path, method)

    def refusing(self: Path, *args: object, **kwargs: object) -> object:
        if self.parent.name == folder:
            raise PermissionError(code, os.strerror(code), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, method, refusing)


def test_new_in_a_folder_not_the_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path)
    _patch(monkeypatch, "write_bytes", errno.EPERM, "facilities")  # the temporary file, in facilities/
    code, out, err = run_cli("--root", str(root), "new", "foo-bar", "--name", "Foo Bar Jail")
    assert (code, out, err) == (
        1,
        "",
        f"build.py: error: cannot write facilities/foo-bar.yaml: operation not permitted{ADVICE}\n",
    )
    assert not (root / "facilities" / "foo-bar.yaml").exists()
    assert not (root / ".cache" / "crashes").exists()


def test_a_read_only_disk_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path)
    _patch(monkeypatch, "write_bytes", errno.EROFS, "facilities")
    code, out, err = run_cli("--root", str(root), "new", "foo-bar", "--name", "Foo Bar Jail")
    assert (code, out, err) == (
        1,
        "",
        "build.py: error: cannot write facilities/foo-bar.yaml: read-only file system; the disk it is on is"
        " mounted read-only; work in a copy of the project on a disk you can write to\n",
    )


def test_publish_refused_names_the_folder_and_leaves_dist_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish.publish(tmp_path, [publish.Output("en/index.html", b"<p>one</p>", "page", "en")])
    before = (tmp_path / "dist").resolve()
    _patch(monkeypatch, "mkdir", errno.EACCES, ".dist")  # the new edition's folder in .dist/
    with pytest.raises(project.NotWritable) as raised:
        publish.publish(tmp_path, [publish.Output("en/index.html", b"<p>two</p>", "page", "en")])
    assert raised.value.errno == errno.EACCES
    assert Path(raised.value.filename).parent == tmp_path / ".dist"
    assert (tmp_path / "dist").resolve() == before
    assert (tmp_path / "dist" / "en" / "index.html").read_bytes() == b"<p>one</p>"
    assert sorted(p.name for p in (tmp_path / ".dist").iterdir()) == [before.name]


def test_export_into_a_folder_not_the_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "project"
    publish_edition(root)
    _patch(monkeypatch, "mkdir", errno.EACCES, "out")  # the hidden folder the export is written in first
    code, out, err = run_cli("--root", str(root), "export", str(tmp_path / "out" / "www"))
    assert (code, out, err) == (1, "", f"build.py: error: cannot write {tmp_path}/out/www: permission denied{ADVICE}\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_build_refused_at_publishing_or_at_recording_says_which(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_project(tmp_path / "project", ["lasalle"])
    assert build(root, "--quiet")[0] == 0
    before = (root / "dist").resolve()
    dossier = root / "facilities" / "lasalle.yaml"
    dossier.write_text(dossier.read_text().replace("summary: >-\n  ", "summary: >-\n  New sentence. ", 1))

    with monkeypatch.context() as patched:  # `chattr +i .dist`: the new edition's folder cannot be made
        _patch(patched, "mkdir", errno.EPERM, ".dist")
        code, out, err = build(root, "--quiet")
    assert code == 1 and out == ""
    assert err.startswith("build.py: error: cannot write .dist/") and err.count("\n") == 1
    assert err.endswith(f": operation not permitted{ADVICE}\n"), err
    assert (root / "dist").resolve() == before
    assert not (root / ".cache" / "crashes").exists()

    with monkeypatch.context() as patched:  # `chattr +i .cache`: the stamp, written after dist/ is published
        _patch(patched, "write_bytes", errno.EPERM, ".cache")
        code, out, err = build(root, "--quiet")
    assert code == 1
    assert out.startswith("built en, es (draft): ") and out.count("\n") == 1, out
    assert err == (
        "build.py: error: cannot write .cache/build-stamp.json: operation not permitted; dist/ was published,"
        " but the build could not record it, so the next build will not know that dist/ is up to date and will"
        f" build it again{ADVICE}\n"
    )
    assert (root / "dist").resolve() != before
    assert "New sentence." in (root / "dist" / "en" / "lasalle.html").read_text()
    assert not (root / ".cache" / "crashes").exists()
