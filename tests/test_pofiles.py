"""Catalogs are written as GNU gettext writes them, and rewritten only when their messages change.

So a save by msgcat, msgmerge, Poedit or Weblate (which wrap as gettext does) and the next
`extract` and `update` leave no diff between them.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Message

from report.errors import EXIT_USAGE, UsageError
from report.i18n.extract import (
    _STAMP_RE,
    GETTEXT_HEADER_ORDER,
    GettextCatalog,
    babel_catalog,
    catalog_bytes,
    write_if_changed,
)

from .conftest import REPO, copy_project, make_project, run_cli

TEMPLATE = "i18n/messages.pot"
SPANISH = "i18n/es/LC_MESSAGES/messages.po"
LONG = (
    "Detention Watch Network launched Communities Not Cages on October 24, 2018, as a national "
    "campaign [@dwn-2018-10-24-cnc-launch][@dwn-2021-02-25-first-ten-launch]; see "
    "https://www.detentionwatchnetwork.org/pressroom/reports/2021/first-ten-communities-not-cages."
)

# With two equal lines once wrapped (Babel's reader used to drop the second).
PREVIOUS = "The old English\nover two lines\nover two lines\n" + " ".join(f"then word{n}" for n in range(30))


def msgcat(data: bytes, *options: str) -> bytes:
    return subprocess.run(["msgcat", *options, "-"], input=data, capture_output=True, check=True).stdout


def parse(data: bytes) -> GettextCatalog:
    return babel_catalog(data.decode("utf-8"), "es")


def sample() -> GettextCatalog:
    """A catalog with what wraps differently in Babel and gettext: long prose, URLs, newlines, `#|`, `#~`."""
    catalog = GettextCatalog(locale="es", project="Sample", version="1", charset="utf-8")
    catalog.add(LONG, LONG.replace("launched", "lanzó"), [("facilities/a.yaml", 3)], context="a:summary")
    catalog.add('Two\nlines and a "quote" and a tab\t.', "Dos\nlíneas", context="a:note")
    fuzzy = Message("The new English " * 8, "La traducción anterior", flags=["fuzzy"], context="a:changed")
    fuzzy.previous_id = [PREVIOUS]
    catalog[fuzzy.id] = fuzzy
    catalog.obsolete["gone"] = Message("gone " * 20, "ido " * 20, context="a:gone")
    return catalog


def test_catalog_bytes_are_what_msgcat_writes() -> None:
    written = catalog_bytes(sample())
    assert msgcat(written) == written
    assert max(len(line) for line in written.decode().splitlines()) <= 79  # gettext's width
    assert b'#| msgid ""\n#| "The old English\\n"\n' in written
    assert b'#~ msgctxt "a:gone"\n' in written
    # Read back, nothing is lost: the previous English, the obsolete entry, escapes.
    again = parse(written)
    assert next(m for m in again if m.context == "a:changed").previous_id == [PREVIOUS]
    assert next(m for m in again if m.context == "a:note").id == 'Two\nlines and a "quote" and a tab\t.'
    assert [m.id for m in again.obsolete.values()] == ["gone " * 20]
    assert catalog_bytes(again) == written


def test_the_header_is_gettexts_and_keeps_an_editors_fields() -> None:
    written = catalog_bytes(sample())
    header = written.decode().split("\n\n")[0].splitlines()
    fields = [line.split(":")[0].strip('"') for line in header if line.startswith('"')]
    known = [field for field in fields if field.lower() in GETTEXT_HEADER_ORDER]
    assert known == sorted(known, key=lambda field: GETTEXT_HEADER_ORDER.index(field.lower()))
    assert fields[:7] == [
        "Project-Id-Version",
        "Report-Msgid-Bugs-To",
        "POT-Creation-Date",
        "PO-Revision-Date",
        "Last-Translator",
        "Language-Team",
        "Language",
    ]
    assert b'"Content-Type: text/plain; charset=UTF-8\\n"' in written
    # Poedit and Weblate add fields Babel has no attribute for: an update keeps them, in place.
    saved = written.replace(b'"Generated-By:', b'"X-Generator: Poedit 3.4.2\\n"\n"Generated-By:')
    saved = saved.replace(b"Last-Translator: FULL NAME <EMAIL@ADDRESS>", b"Last-Translator: Ana <ana@example.org>")
    assert catalog_bytes(parse(saved)) == saved


def test_an_unchanged_catalog_in_another_wrapping_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "messages.po"
    written = catalog_bytes(sample())
    unwrapped = msgcat(written, "--no-wrap")  # Poedit's "preserve formatting" of such a file
    assert unwrapped != written
    path.write_bytes(unwrapped)
    os.utime(path, ns=(1, 1))
    assert not write_if_changed(tmp_path, path.name, written, _STAMP_RE, path.read_bytes())
    assert path.read_bytes() == unwrapped and path.stat().st_mtime_ns == 1
    # A new timestamp alone is not a change either; a changed message is, and then it is gettext's form.
    later = written.replace(b"POT-Creation-Date: ", b"POT-Creation-Date: 1")
    assert not write_if_changed(tmp_path, path.name, later, _STAMP_RE, path.read_bytes())
    changed = written.replace("lanzó".encode(), "puso en marcha".encode())
    assert write_if_changed(tmp_path, path.name, changed, _STAMP_RE, path.read_bytes())
    assert path.read_bytes() == changed


def test_without_gettext_extract_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path, "_i18n")
    before = (root / TEMPLATE).read_bytes()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(UsageError, match="GNU gettext's msgcat, which is not installed"):
        catalog_bytes(sample())
    code, _, err = run_cli("--root", str(root), "extract")
    assert code == EXIT_USAGE
    assert "msgcat, which is not installed (run: make system)" in err and "Traceback" not in err
    assert (root / TEMPLATE).read_bytes() == before


def test_the_shipped_catalogs_are_what_msgcat_writes() -> None:
    for rel in (TEMPLATE, SPANISH):
        data = (REPO / rel).read_bytes()
        assert msgcat(data) == data, f"{rel} is not in GNU gettext's format: run extract and update"


def git(root: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "core.autocrlf=false", *args]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def committed(tmp_path: Path) -> Path:
    """The shipped project in a git repository of its own (tests never write into the checkout)."""
    root = copy_project(tmp_path / "project")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "shipped")
    return root


def extract_and_update(root: Path) -> list[str]:
    lines = []
    for verb in ("extract", "update"):
        code, out, err = run_cli("--root", str(root), verb)
        assert code == 0, out + err
        lines += out.splitlines()
    return lines


@pytest.mark.slow
@pytest.mark.parametrize(
    "resave",
    [
        ["msgcat", "-o", SPANISH, SPANISH],
        ["msgmerge", "--quiet", "--previous", "--update", "--backup=none", SPANISH, TEMPLATE],
    ],
    ids=["msgcat", "msgmerge"],
)
def test_a_gettext_resave_then_extract_and_update_leave_no_diff(committed: Path, resave: list[str]) -> None:
    subprocess.run(["msgcat", "-o", TEMPLATE, TEMPLATE], cwd=committed, check=True)
    subprocess.run(resave, cwd=committed, check=True)
    mtimes = {rel: (committed / rel).stat().st_mtime_ns for rel in (TEMPLATE, SPANISH)}
    lines = extract_and_update(committed)
    assert lines == [f"{TEMPLATE} unchanged", f"{SPANISH} unchanged: 0 new, 0 changed (now fuzzy), 0 obsolete"]
    assert git(committed, "diff", "--stat") == ""
    assert {rel: (committed / rel).stat().st_mtime_ns for rel in mtimes} == mtimes


@pytest.mark.slow
def test_an_unwrapped_save_is_read_and_kept_until_a_message_changes(committed: Path) -> None:
    po = committed / SPANISH
    subprocess.run(["msgcat", "--no-wrap", "-o", SPANISH, SPANISH], cwd=committed, check=True)
    unwrapped = po.read_bytes()
    code, out, err = run_cli("--root", str(committed), "check")
    assert code == 0, out + err
    # No finding but the title's open question (i18n.review), which an unwrapped save keeps.
    found = [line for line in out.splitlines() if line.startswith(f"{SPANISH}:")]
    assert [line.rsplit(" ", 1)[-1] for line in found] == ["[i18n.review]"], out
    assert "es 100.0% translated" in out
    assert extract_and_update(committed)[1].startswith(f"{SPANISH} unchanged")
    assert po.read_bytes() == unwrapped
    # A changed English sentence: now the catalog is written, in gettext's default form.
    report = committed / "report.yaml"
    report.write_text(report.read_text().replace("subtitle: Ten immigration", "subtitle: Ten US immigration"))
    assert extract_and_update(committed)[1] == f"{SPANISH} written: 0 new, 1 changed (now fuzzy), 0 obsolete"
    written = po.read_bytes()
    assert msgcat(written) == written
    # Against the shipped file: the changed entry and the template's date, nothing rewrapped.
    diff = git(committed, "diff", "-U0", "--", SPANISH).splitlines()
    changes = [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert [line for line in changes if "POT-Creation-Date" not in line] == [
        "+#, fuzzy",
        '+#| msgid ""',
        '+#| "Ten immigration detention centers and the campaigns to shut them down"',
        '-msgid "Ten immigration detention centers and the campaigns to shut them down"',
        '+msgid ""',
        '+"Ten US immigration detention centers and the campaigns to shut them down"',
    ]


def test_prose_with_a_percent_sign_is_not_flagged_python_format(tmp_path: Path) -> None:
    """Babel flags any English its PYTHON_FORMAT matches (`25% of` reads as `% o`), and msgfmt -c,
    Poedit and Weblate then refuse a translation without the `%`; prose is never %-formatted."""
    root = make_project(tmp_path, "_i18n")
    dossier = root / "facilities/sample.yaml"
    dossier.write_text(dossier.read_text().replace("found that medical", "found that 25% of medical"))
    po = root / SPANISH
    # A stale flag on an entry the edit does not touch goes too.
    po.write_text(po.read_text().replace('msgctxt "sample:summary"', '#, python-format\nmsgctxt "sample:summary"'))
    assert run_cli("--root", str(root), "extract")[0] == 0
    assert run_cli("--root", str(root), "update")[0] == 0
    context = "sample:timeline.2020-04-inspection:text"
    english = "Inspectors found that 25% of medical requests went unanswered."
    for rel in (TEMPLATE, SPANISH):
        text = (root / rel).read_text()
        entry = next(block for block in text.split("\n\n") if f'msgctxt "{context}"' in block)
        assert entry.splitlines()[2] == ("#, fuzzy" if rel == SPANISH else f'msgctxt "{context}"'), entry
        assert "python-format" not in text, rel
    text = po.read_text()
    entry = next(block for block in text.split("\n\n") if f'msgctxt "{context}"' in block)
    translated = (
        f'msgctxt "{context}"\nmsgid "{english}"\n'
        'msgstr "Los inspectores constataron que el 25 por ciento de las solicitudes médicas quedaban sin respuesta."'
    )
    po.write_text(text.replace(entry, translated))
    result = subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(po)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr  # before: "number of format specifications … does not match"
