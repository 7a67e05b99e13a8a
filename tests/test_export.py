"""`export`: the published edition as a real folder and a zip, without the translators' status page.

The unit tests publish small in-memory editions (`publish.publish`) and export them through the
command line; one test exports a real build of one facility and follows every link of every
page it wrote.
"""

from __future__ import annotations

import errno
import hashlib
import html.parser
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from report import project, publish, stamp
from report.publish import Output

from .conftest import REPO, build, copy_project, run_cli

PAGES = {
    "index.html": b'<!doctype html><title>i</title><a href="en/index.html">English</a> <a href="es/index.html">Espa\xc3\xb1ol</a>',
    "en/index.html": b'<!doctype html><title>e</title><a href="a-en.pdf">PDF</a> <a href="../index.html">Languages</a>',
    "en/a-en.pdf": b"%PDF-1.7 a",
    "es/index.html": b'<!doctype html><title>s</title><a href="../en/index.html">English</a>',
}
STATUS = Output("es/translation-status.html", b"<h1>Translation status: Spanish</h1>", "status", "es")
EPOCH = "1735689600"  # 2025-01-01T00:00:00Z
CREATED = "2024-06-01T12:00:00Z"
LACKS_ES = (
    "dist/ has no es, which its pages link to (a build with --lang left it out); run ./build.py build, then export"
)
CHANGED = "the sources changed since this edition was built (a later build failed or did not run): run ./build.py, then export again"


def publish_edition(
    root: Path, edition: str = "draft", extra: dict[str, bytes] | None = None, created: str = CREATED
) -> None:
    """Publish a small edition as a build does, holding the project's lock (which leaves `.cache/build.lock`)."""
    with publish.lock(root, lambda message: None):
        publish_held(root, edition, extra, created)


def publish_held(
    root: Path, edition: str = "draft", extra: dict[str, bytes] | None = None, created: str = CREATED
) -> None:
    """Publish a small edition, the caller holding the project's lock as the build that publishes it:
    built, as its manifest says, from the project's content as it is now (`current_content`)."""
    pages = {**PAGES, **(extra or {})}
    outputs = [Output(p, d, "page", p.split("/")[0] if "/" in p else None) for p, d in pages.items()]
    publish.publish(root, [*outputs, STATUS], edition=edition, created=created, content=current_content(root))


def current_content(root: Path) -> dict[str, str]:
    """Return the digest of each language's content as a build of the project now records it."""
    shared = stamp.content_digest(root, stamp.SHARED_GLOBS)
    catalogs = stamp.language_digests(root, shared)
    return {lang: stamp.built_from(shared, catalogs, lang) for lang in ("en", "es")}


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Links(html.parser.HTMLParser):
    """The href and src of every element of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [value for name, value in attrs if name in ("href", "src") and value]


def links(page: bytes) -> list[str]:
    parser = Links()
    parser.feed(page.decode("utf-8"))
    return parser.links


def test_export_writes_the_edition_as_a_folder_and_a_zip_without_the_status_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = tmp_path / "project"
    publish_edition(root)
    monkeypatch.chdir(root)
    before = time.time() - 1  # a file system's times may be as coarse as a second
    code, out, err = run_cli("export")
    manifest = (root / "dist" / "manifest.json").read_bytes()
    size = sum(map(len, PAGES.values())) + len(manifest)
    assert (code, err) == (0, "")
    assert out == (
        f"exported the draft edition (5 files, {size / 1_000_000:.1f} MB) to site/ and site.zip:"
        " every page says Draft; for the release, run ./build.py release, then export again\n"
    )
    site = root / "site"
    assert not site.is_symlink() and tree(site) == {**PAGES, "manifest.json": manifest}
    assert "translation-status" not in manifest.decode()  # nor in the manifest the host gets
    with zipfile.ZipFile(root / "site.zip") as zipped:
        assert zipped.namelist() == sorted([*PAGES, "manifest.json"])  # the folder's contents, no "site/" prefix
        assert {name: zipped.read(name) for name in zipped.namelist()} == tree(site)
        assert {info.date_time for info in zipped.infolist()} == {(2024, 6, 1, 12, 0, 0)}  # the manifest's "created"
        assert {info.external_attr >> 16 for info in zipped.infolist()} == {0o100644}
        assert zipped.getinfo("en/a-en.pdf").compress_type == zipfile.ZIP_STORED
    assert min(p.stat().st_mtime for p in site.rglob("*")) >= before  # the folder's files: the export's time
    # The pages' links lead to files of the export.
    for path in ("index.html", "en/index.html", "es/index.html"):
        for link in links((site / path).read_bytes()):
            assert ((site / path).parent / link).resolve().is_file(), (path, link)


def test_export_is_byte_for_byte_the_same_and_replaces_an_earlier_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path / "project"
    target = tmp_path / "out" / "www"
    publish_edition(root, edition="release", extra={"en/stale.html": b"a page the next edition no longer has"})
    assert run_cli("--root", str(root), "export", str(target))[0] == 0
    assert "en/stale.html" in tree(target)
    publish_edition(root, edition="release")
    code, out, _ = run_cli("--root", str(root), "export", str(target))
    assert code == 0 and out.startswith("exported the release edition (5 files, ") and "Draft" not in out
    assert "en/stale.html" not in tree(target)
    first = (tmp_path / "out" / "www.zip").read_bytes()
    (tmp_path / "out" / ".www.keep").write_bytes(b"not ours")  # a hidden file that is not an export's leftover
    (tmp_path / "out" / ".www.123.new").mkdir()  # what an export killed midway leaves
    assert run_cli("--root", str(root), "export", str(target))[0] == 0
    assert (tmp_path / "out" / "www.zip").read_bytes() == first
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256((tmp_path / "out" / "www.zip").read_bytes()).hexdigest()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".www.keep", "www", "www.zip"]
    with zipfile.ZipFile(io.BytesIO(first)) as zipped:
        assert {info.date_time for info in zipped.infolist()} == {(2024, 6, 1, 12, 0, 0)}  # the manifest's "created"


@pytest.mark.parametrize(
    ("created", "stamp"),
    [("2200-01-01T00:00:00Z", (2107, 12, 31, 23, 59, 58)), ("1970-01-01T00:00:00Z", (1980, 1, 1, 0, 0, 0))],
)
def test_export_dates_its_files_within_the_years_a_zip_can_hold(
    tmp_path: Path, created: str, stamp: tuple[int, ...]
) -> None:
    """An edition built with SOURCE_DATE_EPOCH in 2200 crashed export (struct.error: a zip entry
    holds years 1980 to 2107) after the folder was written, leaving no zip and a
    `.www.zip.<pid>.new` beside it. The entries take the nearest time a zip can hold."""
    root = tmp_path / "project"
    target = tmp_path / "out" / "www"
    publish_edition(root, edition="release", created=created)
    assert run_cli("--root", str(root), "export", str(target))[0] == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["www", "www.zip"]
    with zipfile.ZipFile(tmp_path / "out" / "www.zip") as zipped:
        assert {info.date_time for info in zipped.infolist()} == {stamp}


def _disk_full(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("full", ["folder", "zip"])
def test_export_on_a_full_disk_leaves_the_earlier_export_whole_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, full: str
) -> None:
    """A full disk as the zip was written left the new folder beside the earlier export's zip (two
    editions under one export), and one at either left its hidden temporary (`.www.<pid>.new`,
    `.www.zip.<pid>.new`), holding the space it had taken. Both are written before either takes
    its name, and a failure deletes them."""
    root = tmp_path / "project"
    out = tmp_path / "out"
    target = out / "www"
    publish_edition(root)
    assert run_cli("--root", str(root), "export", str(target))[0] == 0
    folder, archive = tree(target), (out / "www.zip").read_bytes()
    publish_edition(root, extra={"en/new.html": b"a page of the next edition"})
    with monkeypatch.context() as patched:
        if full == "folder":
            patched.setattr(os, "fsync", _disk_full)
        else:
            patched.setattr(zipfile.ZipFile, "writestr", _disk_full)
        code, printed, err = run_cli("--root", str(root), "export", str(target))
    written = target if full == "folder" else out / "www.zip"
    assert (code, printed, err) == (1, "", f"build.py: error: no space left on device while writing {written}\n")
    assert sorted(p.name for p in out.iterdir()) == ["www", "www.zip"]
    assert tree(target) == folder and (out / "www.zip").read_bytes() == archive
    assert run_cli("--root", str(root), "export", str(target))[0] == 0  # the disk has room again
    assert "en/new.html" in tree(target)
    with zipfile.ZipFile(out / "www.zip") as zipped:
        assert "en/new.html" in zipped.namelist()


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (".", "cannot export into {project}: it holds the project; name a folder of its own, like site/"),
        ("/", "cannot export into /: it holds the project; name a folder of its own, like site/"),
        ("dist", "cannot export into {project}/dist: it is part of the build's own output; name another folder"),
        (
            "notes",
            "cannot export into {project}/notes: todo.txt is not from an earlier export; name an empty or new folder",
        ),
        (
            ".dist.tmp",
            "cannot export into {project}/.dist.tmp: it is part of the build's own output; name another folder",
        ),
        *(
            (
                folder,
                f"cannot export into {{project}}/{folder}: the build reads that folder, so the export would become"
                " part of the report's sources; name a folder of its own, like site/",
            )
            for folder in ("facilities/out", "layouts/www", "i18n/site")
        ),
    ],
)
def test_export_refuses_a_folder_it_would_damage(tmp_path: Path, where: str, message: str) -> None:
    root = tmp_path / "project"
    publish_edition(root)
    (root / "notes").mkdir()
    (root / "notes" / "todo.txt").write_text("mine")
    before = tree(root)
    code, out, err = run_cli("--root", str(root), "export", str(root / where))
    assert (code, out) == (2, "")
    assert err.strip().endswith(message.format(project=root)), err
    assert tree(root) == before and not (root / "site").exists()


def test_export_refuses_a_dist_that_is_not_its_manifest(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()  # (a --root that does not exist is refused before any verb runs)
    (root / "report.yaml").write_text("title: x\n", encoding="utf-8")  # (and one that is no project)
    code, _, err = run_cli("--root", str(root), "export")
    assert code == 2 and err.strip().endswith("nothing to export: dist/ holds no edition yet; run ./build.py first")
    publish_edition(root)
    (root / "dist" / "en" / "index.html").write_bytes(b"edited by hand")
    code, _, err = run_cli("--root", str(root), "export")
    assert code == 2 and err.strip().endswith(
        "dist/en/index.html is not the file its manifest lists: run ./build.py to rebuild dist/"
    )
    assert not (root / "site").exists() and not (root / "site.zip").exists()


SECRET = b"someone else's file"


def test_export_copies_only_the_edition_folder_the_build_made_never_through_a_link(tmp_path: Path) -> None:
    """`dist -> evil`, with a manifest listing `en/secret.txt`, a link to a file outside the project,
    and its SHA-256: export put that file in site/ and site.zip. It copies only plain files of the
    `.dist/` folder the build made, and names a `dist` that leads anywhere else."""
    root = tmp_path / "project"
    outside = tmp_path / "secret.txt"
    outside.write_bytes(SECRET)
    pages = {**PAGES, "en/secret.txt": SECRET}
    outputs = [Output(p, d, "page", p.split("/")[0] if "/" in p else None) for p, d in pages.items()]
    (root / "evil" / "en").mkdir(parents=True)
    (root / "report.yaml").write_text("title: x\n", encoding="utf-8")  # a project's folder
    for path, data in pages.items():
        (root / "evil" / path).parent.mkdir(parents=True, exist_ok=True)
        (root / "evil" / path).write_bytes(data)
    (root / "evil" / "en" / "secret.txt").unlink()
    (root / "evil" / "en" / "secret.txt").symlink_to(outside)
    (root / "evil" / publish.MANIFEST).write_bytes(publish.manifest_bytes(outputs))
    (root / "dist").symlink_to("evil")
    code, out, err = run_cli("--root", str(root), "export")
    assert (code, out, err) == (
        2,
        "",
        "build.py: error: dist/ is not an edition the build made (a symbolic link to evil, not into .dist/):"
        " run ./build.py to rebuild dist/\n",
    )
    assert not (root / "site").exists() and not (root / "site.zip").exists()
    (root / "dist").unlink()
    publish.publish(root, outputs)  # the build's own edition, then its file swapped for the link
    secret = root / "dist" / "en" / "secret.txt"
    secret.unlink()
    secret.symlink_to(outside)
    code, out, err = run_cli("--root", str(root), "export")
    assert (code, out, err) == (
        2,
        "",
        "build.py: error: dist/en/secret.txt is not the file its manifest lists: run ./build.py to rebuild dist/\n",
    )
    assert not (root / "site").exists() and not (root / "site.zip").exists()


@pytest.mark.slow  # it starts export in a process of its own
def test_export_waits_for_a_build_then_judges_its_target_and_dist_as_they_are(
    tmp_path: Path, reap: Callable[..., subprocess.Popen]
) -> None:
    """A build holds the lock while export starts: export waits, and checks nothing until the build is done.

    The wait lasts as long as the build; what the folder and dist/ hold by its end is what is judged.
    """
    root = tmp_path / "project"
    target = tmp_path / "www"
    publish_edition(root)
    assert export_into(root, target)[0] == 0  # an earlier export: export may replace it
    exporting = [sys.executable, str(REPO / "build.py"), "--root", str(root), "export", str(target)]
    waiting = f"another build (pid {os.getpid()}) is running in this project; waiting for it to finish\n"

    with publish.lock(root, lambda message: None):  # a build runs
        proc = reap(
            subprocess.Popen(exporting, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
            group=False,
        )
        assert proc.stderr is not None and proc.stderr.readline() == waiting
        (target / "notes.txt").write_text("mine")  # put in the folder while the build runs
        publish_held(root, edition="release")  # what the build publishes
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out) == (2, "")
    assert err == (
        f"build.py: error: cannot export into {target}: notes.txt is not from an earlier export;"
        " name an empty or new folder\n"
    )
    assert (target / "notes.txt").read_text() == "mine" and b"release" not in (target / "manifest.json").read_bytes()

    (target / "notes.txt").unlink()
    with publish.lock(root, lambda message: None):
        proc = reap(
            subprocess.Popen(exporting, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
            group=False,
        )
        assert proc.stderr is not None and proc.stderr.readline() == waiting
        publish_held(root, edition="release", extra={"en/new.html": b"a page the build added"})
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (0, "") and out.startswith("exported the release edition (6 files, "), out
    assert tree(target) == {
        **PAGES,
        "en/new.html": b"a page the build added",
        "manifest.json": (root / "dist" / "manifest.json").read_bytes(),
    }


def test_export_of_a_real_build_has_every_page_and_no_status_page(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project", ["lasalle"])
    code, out, err = build(root)
    assert code == 0, out + err
    review = publish.review_folder(root)
    assert review is not None and (review / "es" / "translation-status.html").is_file()
    code, out, err = run_cli("--root", str(root), "export")
    assert code == 0, out + err
    site = root / "site"
    manifest = json.loads((site / "manifest.json").read_bytes())
    assert manifest["edition"] == "draft"
    assert sorted(tree(site)) == sorted([*(e["path"] for e in manifest["outputs"]), "manifest.json"])
    pages = sorted(p for p in site.rglob("*.html"))
    assert {p.relative_to(site).as_posix() for p in pages} >= {"index.html", "en/index.html", "es/index.html"}
    assert not any(p.name == "translation-status.html" for p in site.rglob("*"))
    for page in pages:
        for link in links(page.read_bytes()):
            if "://" in link or link.startswith(("#", "mailto:")):
                continue
            target = (page.parent / link.split("#", 1)[0]).resolve()
            assert target.is_file() or (target / "index.html").is_file(), (page.relative_to(site), link)
            assert "translation-status" not in link
    with zipfile.ZipFile(root / "site.zip") as zipped:
        assert {name: zipped.read(name) for name in zipped.namelist()} == tree(site)
    assert os.path.getsize(root / "site.zip") > 100_000  # the PDFs, not a link
    assert CHANGED not in out
    # Without .cache/, the manifest's content digests tell the same: the sources are those of the edition.
    shutil.rmtree(root / ".cache")
    code, out, err = run_cli("--root", str(root), "export")
    assert code == 0 and len(out.splitlines()) == 1, out + err
    # A build that fails leaves dist/ as it was: export still exports it, and says the sources changed since.
    dossier = root / "facilities" / "lasalle.yaml"
    dossier.write_text(dossier.read_text(encoding="utf-8").replace("date: 2007-10-22", "date: 2007-02-30"))
    code, out, err = build(root)
    assert code == 1 and "2007-02-30" in out, out + err
    code, out, err = run_cli("--root", str(root), "export")
    assert code == 0 and out.splitlines()[1:] == [CHANGED], out + err
    assert sorted(tree(site)) == sorted([*(e["path"] for e in manifest["outputs"]), "manifest.json"])
    shutil.rmtree(root / ".cache")  # and so they do once the cache is gone
    code, out, err = run_cli("--root", str(root), "export")
    assert code == 0 and out.splitlines()[1:] == [CHANGED], out + err


def export_into(root: Path, target: Path) -> tuple[int, str, str]:
    return run_cli("--root", str(root), "export", str(target))


@pytest.mark.parametrize(
    ("mine", "message"),
    [
        (  # a web app's public/ folder: a manifest.json of its own, its sources beside it
            {"manifest.json": b'{"name": "App", "icons": []}', "index.html": b"<div id=app>", "src/app.js": b"app()"},
            "manifest.json is not from an earlier export; name an empty or new folder",
        ),
        (
            {"src/app.js": b"app()", "index.html": b"<div id=app>"},
            "index.html is not from an earlier export; name an empty or new folder",
        ),
        (  # an earlier export, and a file of mine put in it since
            {"EXPORT": b"", "notes/todo.txt": b"mine"},
            "notes/ is not from an earlier export; name an empty or new folder",
        ),
        (  # an earlier export with a page edited by hand since
            {"EXPORT": b"", "en/index.html": b"edited by hand"},
            "en/index.html was changed since it was exported; name an empty or new folder",
        ),
        (  # the branch GitHub Pages serves, checked out where the export was
            {"EXPORT": b"", ".git/HEAD": b"ref: refs/heads/gh-pages", ".nojekyll": b"", "CNAME": b"example.org"},
            ".git/ is not from an earlier export; export into a folder of its own, then copy it into the Pages"
            ' checkout (see "Publish the site" in the README)',
        ),
    ],
)
def test_export_replaces_only_an_earlier_export_and_refuses_anything_else(
    tmp_path: Path, mine: dict[str, bytes], message: str
) -> None:
    root = tmp_path / "project"
    publish_edition(root)
    target = tmp_path / "out" / "public"
    if mine.pop("EXPORT", None) is not None:
        assert export_into(root, target)[0] == 0
        (tmp_path / "out" / "public.zip").unlink()
    for path, data in mine.items():
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        (target / path).write_bytes(data)
    before = tree(tmp_path / "out")
    code, out, err = export_into(root, target)
    assert (code, out) == (2, "")
    assert err.strip().endswith(f"cannot export into {target}: {message}"), err
    assert tree(tmp_path / "out") == before and sorted(os.listdir(tmp_path / "out")) == ["public"]


@pytest.mark.parametrize(
    ("zip_is", "message"),
    [
        ("folder", "it exists and is not a file; move it or name another folder"),
        ("text", "it is not the zip of an earlier export; move it or name another folder"),
        ("zip", "notes.txt in it is not from an earlier export; move it or name another folder"),
        ("export+", "notes.txt in it is not from an earlier export; move it or name another folder"),
    ],
)
def test_export_replaces_only_an_earlier_exports_zip_and_checks_it_before_writing(
    tmp_path: Path, zip_is: str, message: str
) -> None:
    root = tmp_path / "project"
    publish_edition(root)
    target, archive = tmp_path / "out" / "www", tmp_path / "out" / "www.zip"
    archive.parent.mkdir()
    if zip_is == "folder":
        (archive / "inside").mkdir(parents=True)
    elif zip_is == "text":
        archive.write_bytes(b"my notes, not a zip")
    elif zip_is == "zip":
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("notes.txt", "mine")
    else:  # an earlier export's zip with a file of mine added
        assert export_into(root, target)[0] == 0
        with zipfile.ZipFile(archive, "a") as zipped:
            zipped.writestr("notes.txt", "mine")
    before = tree(tmp_path / "out")
    listing = sorted(os.listdir(tmp_path / "out"))
    code, out, err = export_into(root, target)
    assert (code, out) == (2, "")
    assert err.strip().endswith(f"cannot export into {archive}: {message}"), err
    assert tree(tmp_path / "out") == before and sorted(os.listdir(tmp_path / "out")) == listing  # nor a leftover


def test_export_says_when_the_sources_changed_since_the_edition_was_built(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "facilities").mkdir(parents=True)
    (root / "facilities" / "a.yaml").write_text("name: A\n")
    publish_edition(root)
    reads = {key: project.current_digest(root, key) for key in ("facilities/a.yaml", "facilities/")}
    emit = stamp.content_digest(root, stamp.EMIT_GLOBS)
    stamp.save(root, {}, reads, emit, [], [])  # what a build that published this edition records
    code, out, _ = run_cli("--root", str(root), "export")
    assert code == 0 and len(out.splitlines()) == 1, out
    (root / "facilities" / "a.yaml").write_text("name: A\ndate: 2025-02-30\n")
    code, out, _ = run_cli("--root", str(root), "export")
    assert code == 0 and out.splitlines()[1:] == [CHANGED], out
    (root / "facilities" / "a.yaml").write_text("name: A\n")
    (root / "layouts").mkdir()
    (root / "layouts" / "site.css").write_text("body {}")  # what the emit phase reads counts too
    code, out, _ = run_cli("--root", str(root), "export")
    assert code == 0 and out.splitlines()[1:] == [CHANGED], out


def test_export_of_a_release_whose_sources_changed_says_to_build_the_release_again(tmp_path: Path) -> None:
    """`./build.py` would replace the release in dist/ with a draft: the advice names `release`."""
    root = tmp_path / "project"
    (root / "facilities").mkdir(parents=True)
    (root / "facilities" / "a.yaml").write_text("name: A\n")
    publish_edition(root, "release")
    reads = {key: project.current_digest(root, key) for key in ("facilities/a.yaml", "facilities/")}
    stamp.save(root, {}, reads, stamp.content_digest(root, stamp.EMIT_GLOBS), [], [])
    (root / "facilities" / "a.yaml").write_text("name: B\n")
    code, out, _ = run_cli("--root", str(root), "export")
    assert code == 0 and out.splitlines()[1:] == [CHANGED.replace("./build.py,", "./build.py release,")], out


UNKNOWN = (
    "cannot tell whether the sources changed since this edition was built (its manifest records no content"
    " and .cache/ holds no record of its build): run ./build.py, then export again to be sure"
)


def test_export_says_the_sources_changed_without_the_cache_from_the_manifests_content(tmp_path: Path) -> None:
    """With `.cache/` deleted, an edited dossier (Winn Correctional Center → Centre) exported in
    silence: with no stamp, export read "cannot tell" as "unchanged". The manifest's content digests
    tell, computed from the sources as the build computes them; the catalogs count for their language."""
    root = tmp_path / "project"
    dossier = root / "facilities" / "winn.yaml"
    dossier.parent.mkdir(parents=True)
    dossier.write_text("name: Winn Correctional Center\n")
    publish_edition(root)
    shutil.rmtree(root / ".cache")
    code, out, _ = run_cli("--root", str(root), "export")
    assert code == 0 and len(out.splitlines()) == 1, out
    dossier.write_text("name: Winn Correctional Centre\n")
    code, out, _ = run_cli("--root", str(root), "export")
    assert code == 0 and out.splitlines()[1:] == [CHANGED], out
    dossier.write_text("name: Winn Correctional Center\n")
    assert len(run_cli("--root", str(root), "export")[1].splitlines()) == 1
    catalog = root / project.catalog_path("es")
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid "Center"\nmsgstr "Centro"\n')  # Spanish is built from it: not what es was built from
    code, out, _ = run_cli("--root", str(root), "export")
    assert code == 0 and out.splitlines()[1:] == [CHANGED], out


def test_export_says_a_dist_from_another_project_was_not_built_from_its_sources(tmp_path: Path) -> None:
    other, root = tmp_path / "other", tmp_path / "project"
    for where, name in ((other, "Otay Mesa"), (root, "Winn")):
        (where / "facilities").mkdir(parents=True)
        (where / "facilities" / "a.yaml").write_text(f"name: {name}\n")
    publish_edition(other)
    shutil.copytree(other / "dist", root / "dist")  # `cp -rL`: a plain folder, as before the symlink
    code, out, err = run_cli("--root", str(root), "export")
    assert (code, err) == (0, "") and out.splitlines()[1:] == [CHANGED], out


def test_export_says_when_it_cannot_tell_whether_the_sources_changed(tmp_path: Path) -> None:
    """Unknown is never "unchanged": a manifest that records no content, and no stamp of its build."""
    root = tmp_path / "project"
    outputs = [Output(p, d, "page", p.split("/")[0] if "/" in p else None) for p, d in PAGES.items()]
    publish.publish(root, outputs)
    code, out, _ = run_cli("--root", str(root), "export")
    assert code == 0 and out.splitlines()[1:] == [UNKNOWN], out


def test_export_refuses_a_manifest_edited_by_hand(tmp_path: Path) -> None:
    """`sed 's/"edition": "draft"/"edition": "release"/'` on a draft's manifest exported "the release
    edition", every page saying Draft. Its seal no longer matches: refused, naming the file; so is
    an edited date, and a manifest without a seal."""
    root = tmp_path / "project"
    publish_edition(root)
    manifest = root / "dist" / publish.MANIFEST
    written = manifest.read_bytes()
    refused = "build.py: error: dist/manifest.json is not a manifest the build wrote: run ./build.py to rebuild dist/\n"
    for edited in (
        written.replace(b'"edition": "draft"', b'"edition": "release"'),
        written.replace(CREATED.encode(), b"2030-01-01T00:00:00Z"),
        re.sub(rb',\n  "seal": "[0-9a-f]+"', b"", written),
    ):
        assert edited != written
        manifest.write_bytes(edited)
        assert run_cli("--root", str(root), "export", str(tmp_path / "out")) == (2, "", refused)
        assert not (tmp_path / "out").exists() and not (tmp_path / "out.zip").exists()
    manifest.write_bytes(written)
    assert run_cli("--root", str(root), "export", str(tmp_path / "out"))[0] == 0


def test_export_dates_the_zip_by_the_edition_not_by_its_own_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SOURCE_DATE_EPOCH set for export alone dated the entries 2026-12-01 while the edition (its
    PDFs, its manifest) says 2026-11-24: the same edition gave another zip."""
    root = tmp_path / "project"
    publish_edition(root, created="2026-11-24T00:00:00Z")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert run_cli("--root", str(root), "export", str(tmp_path / "a"))[0] == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796168096")
    assert run_cli("--root", str(root), "export", str(tmp_path / "b"))[0] == 0
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "b.zip") as zipped:
        assert {info.date_time for info in zipped.infolist()} == {(2026, 11, 24, 0, 0, 0)}


def test_export_gives_a_changed_file_a_new_time_and_keeps_the_time_of_the_others(tmp_path: Path) -> None:
    """Every file got the edition's date, so `rsync -a` (size and time) skipped a changed file of the
    same size, and the host kept the old page. A file with other bytes than the earlier export's
    gets the export's time; one with the same bytes keeps its time, so it is not sent again."""
    root, target = tmp_path / "project", tmp_path / "www"
    publish_edition(root)
    assert export_into(root, target)[0] == 0
    long_ago = 1_000_000_000_000_000_000  # 2001, in ns: an upload made then
    for path in target.rglob("*"):
        os.utime(path, ns=(long_ago, long_ago))
    page = PAGES["en/index.html"].replace(b"Languages", b"Languagez")  # the same size
    publish_edition(root, extra={"en/index.html": page})
    assert export_into(root, target)[0] == 0
    times = {p.relative_to(target).as_posix(): p.stat().st_mtime_ns for p in target.rglob("*") if p.is_file()}
    assert (target / "en/index.html").read_bytes() == page
    assert {path for path, ns in times.items() if ns != long_ago} == {"en/index.html", "manifest.json"}
    assert times["en/index.html"] > long_ago


def test_the_readmes_upload_commands_compare_content_not_times() -> None:
    """An rsync that compares sizes and times alone skips a changed file of the same size."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"`(rsync [^`]*)`", readme.replace("\n     ", " "))
    uploads = [c for c in commands if "site/" in c]
    assert len(uploads) == 2, commands
    assert all(" --checksum " in c for c in uploads), uploads


def test_export_refuses_an_edition_whose_languages_come_from_different_content(tmp_path: Path) -> None:
    """After an edit, `build --lang es` keeps English as the earlier content made it: not one edition to publish."""
    root = tmp_path / "project"
    outputs = [Output(p, d, "page", p.split("/")[0] if "/" in p else None) for p, d in PAGES.items()]
    publish.publish(root, outputs, content={"en": "a" * 64, "es": "a" * 64})
    assert run_cli("--root", str(root), "export")[0] == 0
    edited = [o for o in outputs if o.lang == "es" and o.path != "es/index.html"]
    publish.publish(
        root,
        [*edited, Output("es/index.html", b"<title>nuevo</title>", "page", "es")],
        frozenset({"en"}),
        content={"en": "b" * 64, "es": "b" * 64},
    )
    assert publish.language_content(root / "dist") == {"en": "a" * 64, "es": "b" * 64}
    assert publish.older_languages(root / "dist") == ["en"]
    code, _, err = run_cli("--root", str(root), "export", str(tmp_path / "out"))
    assert code == 2 and err.strip().endswith(
        "dist/ is not one edition: en was built from earlier content than the rest"
        " (a build with --lang kept it as it was); run ./build.py build, then export"
    )
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.zip").exists()


def test_export_refuses_an_edition_whose_kept_language_was_built_from_an_earlier_catalog(tmp_path: Path) -> None:
    """Each language is built from the shared content and its own catalogs, so a whole edition's
    languages have digests of their own. After a translator's save, `build --lang en` keeps Spanish
    as the earlier catalog made it (English's content did not change): not one edition to publish,
    until a build of every language, whose export replaces the earlier one."""
    root, out = tmp_path / "project", tmp_path / "out"
    outputs = [Output(p, d, "page", p.split("/")[0] if "/" in p else None) for p, d in PAGES.items()]
    publish.publish(root, outputs, content={"en": "a" * 64, "es": "c" * 64})
    assert publish.older_languages(root / "dist") == []
    assert run_cli("--root", str(root), "export", str(out))[0] == 0
    exported = tree(out)
    english = [o for o in outputs if o.lang != "es"]
    publish.publish(root, english, frozenset({"es"}), content={"en": "a" * 64, "es": "d" * 64})
    assert publish.language_content(root / "dist") == {"en": "a" * 64, "es": "c" * 64}
    assert publish.language_content(root / "dist", "latest") == {"en": "a" * 64, "es": "d" * 64}
    assert publish.older_languages(root / "dist") == ["es"]
    code, stdout, err = run_cli("--root", str(root), "export", str(out))
    assert (code, stdout, err) == (
        2,
        "",
        "build.py: error: dist/ is not one edition: es was built from earlier content than the rest"
        " (a build with --lang kept it as it was); run ./build.py build, then export\n",
    )
    assert tree(out) == exported
    spanish = [o for o in outputs if o.lang == "es" and o.path != "es/index.html"]
    publish.publish(
        root,
        [*english, *spanish, Output("es/index.html", b"<title>nuevo</title>", "page", "es")],
        content={"en": "a" * 64, "es": "d" * 64},
    )
    assert publish.older_languages(root / "dist") == []
    code, stdout, err = run_cli("--root", str(root), "export", str(out))
    assert code == 0 and stdout.startswith("exported the draft edition (5 files, "), stdout + err
    assert tree(out)["es/index.html"] == b"<title>nuevo</title>"


def test_export_refuses_an_edition_without_a_language_its_pages_link_to(tmp_path: Path) -> None:
    """`build --lang en` on a project never built in Spanish: the language chooser and every page
    link to es/, which dist/ does not hold. Export refuses it, writing nothing, until a whole build."""
    root = tmp_path / "project"
    outputs = [Output(p, d, "page", p.split("/")[0] if "/" in p else None) for p, d in PAGES.items()]
    english = [o for o in outputs if o.lang != "es"]
    publish.publish(root, english, frozenset({"es"}), languages=("en", "es"))
    assert json.loads((root / "dist" / "manifest.json").read_bytes())["languages"] == ["en", "es"]
    assert publish.missing_languages(root / "dist") == ["es"]
    code, out, err = run_cli("--root", str(root), "export", str(tmp_path / "out"))
    assert (code, out, err) == (2, "", f"build.py: error: {LACKS_ES}\n")
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.zip").exists()
    publish.publish(root, outputs, languages=("en", "es"))
    assert publish.missing_languages(root / "dist") == []
    code, out, err = run_cli("--root", str(root), "export", str(tmp_path / "out"))
    assert code == 0 and out.startswith("exported the draft edition (5 files, "), out + err
    assert "es/index.html" in tree(tmp_path / "out")


@pytest.mark.parametrize(("edition", "rebuild"), [("draft", "./build.py build"), ("release", "./build.py release")])
def test_export_refusing_an_edition_of_mixed_or_missing_languages_advises_a_build_of_its_kind(
    tmp_path: Path, edition: str, rebuild: str
) -> None:
    """Refusing a release that `build --release --lang` left without a language, or with one kept
    from earlier content, export said "run ./build.py build, then export": that build makes a
    draft, which export then publishes with a Draft band on every page. The advice now names the
    command that rebuilds the edition dist/ holds, every language at once: `release` for a release."""
    root = tmp_path / "project"
    outputs = [Output(p, d, "page", p.split("/")[0] if "/" in p else None) for p, d in PAGES.items()]
    english = [o for o in outputs if o.lang != "es"]
    publish.publish(root, english, frozenset({"es"}), edition=edition, languages=("en", "es"))
    code, out, err = run_cli("--root", str(root), "export", str(tmp_path / "out"))
    assert (code, out, err) == (2, "", f"build.py: error: {LACKS_ES.replace('./build.py build', rebuild)}\n")
    publish.publish(root, outputs, edition=edition, content={"en": "a" * 64, "es": "a" * 64})
    publish.publish(root, english, frozenset({"es"}), edition=edition, content={"en": "a" * 64, "es": "b" * 64})
    assert publish.older_languages(root / "dist") == ["es"]
    code, out, err = run_cli("--root", str(root), "export", str(tmp_path / "out"))
    assert (code, out, err) == (
        2,
        "",
        "build.py: error: dist/ is not one edition: es was built from earlier content than the rest"
        f" (a build with --lang kept it as it was); run {rebuild}, then export\n",
    )
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.zip").exists()


@pytest.mark.parametrize("languages", ["es", [["en"]], ["en", 1], None])
def test_export_refuses_a_manifest_whose_languages_are_not_a_list_of_names(tmp_path: Path, languages: object) -> None:
    """A hand-edited `"languages"`: "es" was read letter by letter ("dist/ has no e, s"), and
    [["en"]] raised a TypeError that let the export go ahead. Neither is a manifest the build wrote."""
    root = tmp_path / "project"
    outputs = [Output(p, d, "page", p.split("/")[0] if "/" in p else None) for p, d in PAGES.items()]
    publish.publish(root, outputs, languages=("en", "es"))
    manifest = root / "dist" / "manifest.json"
    edited = {**json.loads(manifest.read_bytes()), "languages": languages}
    del edited[publish.SEAL]  # as if from before the seal, which would refuse it anyway: the languages refuse it
    manifest.write_text(json.dumps(edited), encoding="utf-8")
    assert publish.manifest_hashes(manifest.read_bytes()) is None
    assert publish.missing_languages(root / "dist") == []
    code, out, err = run_cli("--root", str(root), "export", str(tmp_path / "out"))
    assert (code, out, err) == (
        2,
        "",
        "build.py: error: dist/manifest.json is not a manifest the build wrote: run ./build.py to rebuild dist/\n",
    )
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.zip").exists()


@pytest.mark.slow
def test_a_build_of_one_language_names_the_one_dist_lacks_and_export_refuses_it(tmp_path: Path) -> None:
    """A fresh project built with `--lang en` alone: its pages link to es/, which dist/ lacks. The
    build says so (and says it again while up to date), export refuses it, and a build of every
    language builds Spanish (not "up to date") and makes it exportable."""
    root = copy_project(tmp_path / "project", ["lasalle"])
    lacks = "; dist/ has no es: links to it lead nowhere until you build every language (leave out --lang)"
    code, out, err = build(root, "--lang", "en")
    summary = out.rstrip().splitlines()[-1]
    assert (
        code == 0
        and summary.startswith("built en (draft): 1 report, 1 dossier, ")
        and summary.endswith(" from cache)" + lacks)
    ), out + err
    assert 'href="../es/lasalle.html"' in (root / "dist" / "en" / "lasalle.html").read_text(encoding="utf-8")
    assert not (root / "dist" / "es").exists()
    code, out, _ = build(root, "--lang", "en")
    assert code == 0 and re.fullmatch(
        r"dist/ is up to date \(\d+\.\d\ds\)" + re.escape(lacks), out.rstrip().splitlines()[-1]
    ), out
    code, out, err = run_cli("--root", str(root), "export")
    assert (code, out, err) == (2, "", f"build.py: error: {LACKS_ES}\n")
    assert not (root / "site").exists() and not (root / "site.zip").exists()
    code, out, err = build(root)
    summary = out.rstrip().splitlines()[-1]
    assert code == 0 and summary.startswith("built en, es (draft): 2 reports, 2 dossiers, ") and "has no" not in out
    assert (root / "dist" / "es" / "lasalle.html").is_file()
    code, out, err = run_cli("--root", str(root), "export")
    assert code == 0 and out.startswith("exported the draft edition ("), out + err
    assert (root / "site" / "es" / "lasalle.html").is_file()
