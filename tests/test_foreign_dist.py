"""What a user keeps where `dist` goes (a file, a folder of their own) is never deleted: the build
refuses it with exit 2 before it builds anything, and publishing refuses it too."""

from __future__ import annotations

from pathlib import Path

import pytest

from report import publish
from report.errors import UsageError

from .conftest import make_project, run_cli

A_FILE = (
    "build.py: error: dist is a file the build did not write: the build puts a link to the edition in its place"
    " and would delete it; move it away (rename it), then build again\n"
)


def a_folder(what: str) -> str:
    return (
        f"build.py: error: dist/ is a folder with files the build did not write ({what}): the build puts a link"
        " to the edition in its place and would delete them; move it away (rename it), then build again\n"
    )


def test_a_file_named_dist_is_refused_and_kept(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "dist").write_text("my notes")
    assert run_cli("--root", str(root), "build", "-q") == (2, "", A_FILE)
    assert (root / "dist").read_text() == "my notes"
    with pytest.raises(UsageError):  # what every verb that publishes (serve's too) goes through
        publish.publish(root, [publish.Output("en/index.html", b"<p>one</p>", "page", "en")])
    assert (root / "dist").read_text() == "my notes" and not (root / ".dist").exists()


def test_a_dist_folder_of_the_users_is_refused_and_kept(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "dist").mkdir()
    (root / "dist" / "CNAME").write_text("example.org\n")
    (root / "dist" / "notes.txt").write_text("hi\n")
    assert run_cli("--root", str(root), "build", "-q") == (2, "", a_folder("CNAME is not a file the build wrote"))
    with pytest.raises(UsageError):
        publish.publish(root, [publish.Output("en/index.html", b"<p>one</p>", "page", "en")])
    assert sorted(p.name for p in (root / "dist").iterdir()) == ["CNAME", "notes.txt"]


def test_an_old_plain_dist_is_replaced_only_if_the_build_wrote_all_of_it(tmp_path: Path) -> None:
    """A `dist/` folder from before the symlink holds a manifest and the files it lists: publishing
    replaces it; a file added to it, or one edited since, is refused."""
    root = make_project(tmp_path)
    page = publish.Output("en/index.html", b"<p>old</p>", "page", "en")
    (root / "dist" / "en").mkdir(parents=True)
    (root / "dist" / "en" / "index.html").write_bytes(page.data)
    (root / "dist" / publish.MANIFEST).write_bytes(publish.manifest_bytes([page]))
    (root / "dist" / "en" / "index.html").write_bytes(b"<p>edited</p>")
    assert run_cli("--root", str(root), "build", "-q") == (
        2,
        "",
        a_folder("en/index.html was changed since the build wrote it"),
    )
    (root / "dist" / "en" / "index.html").write_bytes(page.data)
    (root / "dist" / "en" / "mine.html").write_bytes(b"mine")
    assert run_cli("--root", str(root), "build", "-q")[2] == a_folder("en/mine.html is not a file the build wrote")
    (root / "dist" / "en" / "mine.html").unlink()
    publish.publish(root, [publish.Output("en/index.html", b"<p>new</p>", "page", "en")])
    assert (root / "dist").is_symlink() and (root / "dist" / "en" / "index.html").read_bytes() == b"<p>new</p>"
