"""The gettext workflow end to end: extraction, update, fallbacks, release, a third language."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from pypdf import PdfReader

from report.i18n import extract as extract_module
from report.i18n.extract import _STAMP_RE, babel_catalog, catalog_bytes, previous_context, template_catalog
from report.content.load import load_edition
from report.render.site import first_sentence

from .conftest import REPO, build, copy_project, make_project, pdf_pages, run_cli
from .test_tags import languages

CITE_OR_PLACEHOLDER = re.compile(r"\[@[a-z0-9-]+\]|%\([a-z_]+\)s")


def read_catalog(path: Path):
    return babel_catalog(path.read_bytes().decode("utf-8"), None)


def messages(catalog) -> dict:
    return {
        (m.context, m.id if isinstance(m.id, str) else tuple(m.id)): (sorted(m.locations), list(m.auto_comments))
        for m in catalog
        if m.id
    }


def test_pybabel_extract_gives_the_same_messages(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "p")
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "i18n/babel.cfg", "-o", str(tmp_path / "plain.pot"), "."],
        cwd=root,
        check=True,
        capture_output=True,
    )
    plain = read_catalog(tmp_path / "plain.pot")
    ours = template_catalog(root, "test")
    written = read_po(io.BytesIO(catalog_bytes(ours)))  # compare both as they are written to disk
    assert messages(plain) == messages(written)
    # Content messages carry a field context, a file:line reference and a translator comment.
    adelanto = [m for m in ours if m.context and m.context.startswith("adelanto:timeline.")]
    assert adelanto and all(m.locations[0][0] == "facilities/adelanto.yaml" and m.auto_comments for m in adelanto)
    # Names, URLs, ids and the titles sources give themselves are never extracted; the titles
    # the editors wrote (title_status: descriptive) are, and nothing else of sources.yaml.
    ids = {m.id for m in ours}
    assert "Adelanto ICE Processing Center" not in ids
    assert not [i for i in ids if isinstance(i, str) and i.startswith("http")]
    edition, _ = load_edition(root, use_cache=False)
    described = {f"sources:sources.{s.id}:title" for s in edition.sources.values() if s.title_status == "descriptive"}
    assert len(described) == 7
    assert {m.context for m in ours if m.context and m.context.startswith("sources:")} == described


def test_extract_does_not_rewrite_the_template_for_a_new_timestamp(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "p")
    pot = root / "i18n" / "messages.pot"
    before = pot.read_bytes()
    code, out, _ = run_cli("--root", str(root), "extract")
    assert code == 0 and "unchanged" in out
    assert pot.read_bytes() == before


def edit_timeline_sentence(root: Path) -> tuple[str, str, str]:
    """Change one English sentence; return its context, old and new text."""
    path = root / "facilities" / "adelanto.yaml"
    text = path.read_text()
    old = "Coverage of the First Ten launch reported that, between 2010 and 2016,"
    new = "Reporting on the First Ten launch said that, between 2010 and 2016,"
    assert old in text
    path.write_text(text.replace(old, new))
    return "adelanto:timeline.2010-2016-abuse-complaints:text", old, new


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str, str, str]:
    """A project where one sentence changed after translation, extracted and updated."""
    root = copy_project(tmp_path_factory.mktemp("changed"), ["adelanto"])
    catalog = read_catalog(root / "i18n/es/LC_MESSAGES/messages.po")
    context, old, new = edit_timeline_sentence(root)
    spanish = next(m.string for m in catalog if m.context == context)
    for command in ("extract", "update", "update"):  # a second update must keep the previous msgid
        code, out, _ = run_cli("--root", str(root), command)
        assert code == 0, out
    return root, context, old, new, spanish


def test_update_makes_exactly_the_changed_entry_fuzzy(changed) -> None:
    root, context, old, new, spanish = changed
    po = root / "i18n/es/LC_MESSAGES/messages.po"
    catalog = read_catalog(po)
    fuzzy = [m for m in catalog if m.id and m.fuzzy]
    assert [m.context for m in fuzzy] == [context]
    entry = fuzzy[0]
    assert entry.id.startswith(new)
    assert entry.previous_id[0].startswith(old)
    assert entry.string == spanish  # the old translation stays, for the translator to revise
    text = po.read_text()
    assert (
        '#| msgid ""\n#| "Coverage of the First Ten launch' in text
        or '#| msgid "Coverage of the First Ten launch' in text
    )
    assert "# | msgid" not in text


def test_update_before_extract_says_the_template_is_behind_the_content(tmp_path: Path) -> None:
    """A writer's edits since the last `extract` are not in messages.pot, so `update` alone brings
    none of them in: it said "0 new, 0 changed" and nothing more, an all-clear `check` contradicts."""
    root = make_project(tmp_path, "i18n-pending")  # a sentence added and one changed since the catalog
    code, out, _ = run_cli("--root", str(root), "update")
    assert (code, out.splitlines()[1:]) == (
        0,
        [
            "i18n/messages.pot is behind the content and templates (2 strings new or changed, 1 removed),"
            " so this update did not bring those changes into the catalogs;"
            " run: ./build.py extract && ./build.py update"
        ],
    )
    assert out.startswith("i18n/es/LC_MESSAGES/messages.po ")
    code, out, _ = run_cli("--root", str(root), "extract")
    assert code == 0, out
    code, out, _ = run_cli("--root", str(root), "update")
    assert (code, out) == (0, "i18n/es/LC_MESSAGES/messages.po written: 1 new, 1 changed (now fuzzy), 0 obsolete\n")


def test_a_catalog_saved_while_update_merges_it_keeps_the_save(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A translator's save between `update` reading the catalog and writing it was lost: update
    wrote its merge of the catalog as it had read it over the save, and said "written"."""
    root = copy_project(tmp_path / "p", ["adelanto"])
    context, _old, _new = edit_timeline_sentence(root)
    code, out, _ = run_cli("--root", str(root), "extract")
    assert code == 0, out
    po = root / SPANISH
    saved = po.read_bytes().replace(b"# Spanish translations", b"# A translator's save.\n# Spanish translations", 1)
    assert saved != po.read_bytes()
    real = extract_module.update_catalog

    def merged_then_saved(template, catalog):  # noqa: ANN001, ANN202 - Babel's catalogs
        counts = real(template, catalog)
        po.write_bytes(saved)  # the translator saves as update merges
        return counts

    with monkeypatch.context() as patched:
        patched.setattr(extract_module, "update_catalog", merged_then_saved)
        code, out, _ = run_cli("--root", str(root), "update")
    assert (code, out) == (
        1,
        f"{SPANISH} not written: it was saved while update ran, and that save is kept; run ./build.py update again\n",
    )
    assert po.read_bytes() == saved
    code, out, _ = run_cli("--root", str(root), "update")  # again: the save is merged, not lost
    assert code == 0 and out.startswith(f"{SPANISH} written: 0 new, 1 changed (now fuzzy), "), out
    assert b"# A translator's save." in po.read_bytes() and entry(po, context).fuzzy


def test_a_template_saved_while_extract_runs_keeps_the_save(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`extract` wrote over a save of messages.pot made after it read the file, as `update` did a catalog."""
    root = copy_project(tmp_path / "p", ["adelanto"])
    edit_timeline_sentence(root)
    pot = root / "i18n/messages.pot"
    saved = b"# A save.\n" + pot.read_bytes()
    real = extract_module.template_catalog

    def extracted_then_saved(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - Babel's catalog
        catalog = real(*args, **kwargs)
        pot.write_bytes(saved)
        return catalog

    with monkeypatch.context() as patched:
        patched.setattr(extract_module, "template_catalog", extracted_then_saved)
        code, out, _ = run_cli("--root", str(root), "extract")
    assert (code, out) == (
        1,
        "i18n/messages.pot not written: it was saved while extract ran, and that save is kept;"
        " run ./build.py extract again\n",
    )
    assert pot.read_bytes() == saved


def extract_and_update(root: Path) -> str:
    """Run extract then update; return update's line for the Spanish catalog."""
    for command in ("extract", "update"):
        code, out, _ = run_cli("--root", str(root), command)
        assert code == 0, out
    return out.strip()


def entry(po: Path, context: str):
    return next(m for m in read_catalog(po) if m.context == context)


SPANISH = "i18n/es/LC_MESSAGES/messages.po"


def unstamped(catalog: bytes) -> bytes:
    """A catalog without its POT-Creation-Date: each extract that changes the messages dates the .pot anew,
    and update copies the date, as msgmerge does (the catalog is otherwise the same)."""
    return _STAMP_RE.sub(b"", catalog)


def adelanto_alone(tmp_path: Path) -> Path:
    """The project with Adelanto's chapter alone, its catalog updated for it (the other chapters' entries obsolete)."""
    root = copy_project(tmp_path / "p", ["adelanto"])
    extract_and_update(root)
    return root


@pytest.mark.slow
def test_a_second_edit_before_review_keeps_the_english_the_translation_was_made_from(tmp_path: Path) -> None:
    root = adelanto_alone(tmp_path)
    po = root / SPANISH
    context, old, new = edit_timeline_sentence(root)
    spanish = entry(po, context).string
    extract_and_update(root)
    path = root / "facilities" / "adelanto.yaml"
    path.write_text(path.read_text().replace(new, "Reports on the First Ten launch said that, between 2010 and 2016,"))
    assert extract_and_update(root) == f"{SPANISH} written: 0 new, 1 changed (now fuzzy), 0 obsolete"
    fuzzy = entry(po, context)
    assert fuzzy.fuzzy and fuzzy.id.startswith("Reports on") and fuzzy.string == spanish
    # What the translation says is the first English, not the second edit's: msgmerge --previous keeps it too.
    assert fuzzy.previous_id[0].startswith(old)


@pytest.mark.slow
def test_an_edit_undone_before_review_leaves_the_catalog_as_it_was(tmp_path: Path) -> None:
    root = adelanto_alone(tmp_path)
    po = root / SPANISH
    before = po.read_bytes()
    context, old, new = edit_timeline_sentence(root)
    assert extract_and_update(root).endswith("1 changed (now fuzzy), 0 obsolete")
    path = root / "facilities" / "adelanto.yaml"
    path.write_text(path.read_text().replace(new, old))
    assert extract_and_update(root) == f"{SPANISH} written: 0 new, 0 changed (now fuzzy), 0 obsolete, 1 restored"
    assert unstamped(po.read_bytes()) == unstamped(before)


@pytest.mark.slow
def test_a_sentence_deleted_and_put_back_is_translated_as_before(tmp_path: Path) -> None:
    root = adelanto_alone(tmp_path)
    po = root / SPANISH
    before = po.read_bytes()
    path = root / "facilities" / "adelanto.yaml"
    text = path.read_text()
    item = re.search(r"  - id: 2010-2016-abuse-complaints\n.*?(?=  - id: )", text, re.S)
    assert item is not None
    path.write_text(text.replace(item.group(0), ""))
    assert extract_and_update(root) == f"{SPANISH} written: 0 new, 0 changed (now fuzzy), 1 obsolete"
    assert '#~ msgctxt "adelanto:timeline.2010-2016-abuse-complaints:text"' in po.read_text()
    # "obsolete" counts what this update made obsolete: nothing more the second time.
    assert extract_and_update(root) == f"{SPANISH} unchanged: 0 new, 0 changed (now fuzzy), 0 obsolete"
    path.write_text(text)
    assert extract_and_update(root) == f"{SPANISH} written: 0 new, 0 changed (now fuzzy), 0 obsolete, 1 restored"
    assert unstamped(po.read_bytes()) == unstamped(before)  # translated, not fuzzy: its English is the same as before


@pytest.mark.slow
def test_an_untranslated_entry_whose_english_goes_is_dropped_and_not_counted(tmp_path: Path) -> None:
    root = adelanto_alone(tmp_path)
    po = root / SPANISH
    context = "adelanto:timeline.2010-2016-abuse-complaints:text"
    catalog = read_catalog(po)
    catalog.locale = None
    next(m for m in catalog if m.context == context).string = ""
    po.write_bytes(catalog_bytes(catalog))
    path = root / "facilities" / "adelanto.yaml"
    path.write_text(re.sub(r"  - id: 2010-2016-abuse-complaints\n.*?(?=  - id: )", "", path.read_text(), flags=re.S))
    assert extract_and_update(root) == f"{SPANISH} written: 0 new, 0 changed (now fuzzy), 0 obsolete"
    assert context not in po.read_text()


@pytest.mark.slow
def test_a_changed_entry_keeps_its_translator_comment(tmp_path: Path) -> None:
    root = adelanto_alone(tmp_path)
    po = root / SPANISH
    context, old, new = edit_timeline_sentence(root)
    catalog = read_catalog(po)
    next(m for m in catalog if m.context == context).user_comments = ["ask the editors about 2016"]
    po.write_bytes(catalog_bytes(catalog))
    extract_and_update(root)
    changed = entry(po, context)
    assert changed.fuzzy and changed.user_comments == ["ask the editors about 2016"]


@pytest.mark.slow
def test_an_edit_of_spacing_alone_leaves_the_translation_current(tmp_path: Path) -> None:
    """HTML and the PDFs print a run of spaces and line breaks as one space: a double space, or a
    literal block (`|`) for a folded one, changes nothing printed, nor the English to translate."""
    root = adelanto_alone(tmp_path)
    path = root / "facilities" / "adelanto.yaml"
    text = path.read_text()
    spaced = text.replace("Coverage of the First Ten launch", "Coverage of the  First Ten launch", 1).replace(
        "    text: >-\n      Coverage", "    text: |\n      Coverage", 1
    )
    assert spaced.count("  First Ten") == 1 and "text: |" in spaced
    path.write_text(spaced)
    code, out, _ = run_cli("--root", str(root), "check")
    assert "es 100.0% translated" in out and "[i18n.stale]" not in out and "[i18n.fallback]" not in out
    assert extract_and_update(root) == f"{SPANISH} unchanged: 0 new, 0 changed (now fuzzy), 0 obsolete"


@pytest.mark.slow
def test_a_translation_moves_with_its_english_and_comes_in_fuzzy(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "p", ["adelanto"])
    extract_and_update(root)
    po = root / SPANISH
    first, second = (
        "adelanto:timeline.2010-2016-abuse-complaints:text",
        "adelanto:timeline.2018-09-oig-management-alert:text",
    )
    spanish = {context: entry(po, context).string for context in (first, second)}
    path = root / "facilities" / "adelanto.yaml"
    text = path.read_text()
    # Swap two timeline ids: their texts now sit under each other's context.
    text = (
        text.replace("id: 2010-2016-abuse-complaints", "id: tmp-swap")
        .replace("id: 2018-09-oig-management-alert", "id: 2010-2016-abuse-complaints")
        .replace("id: tmp-swap", "id: 2018-09-oig-management-alert")
    )
    path.write_text(text)
    assert extract_and_update(root) == (
        f"{SPANISH} written: 0 new, 0 changed (now fuzzy), 2 carried over from another context (now fuzzy), 0 obsolete"
    )
    for context, other in ((first, second), (second, first)):
        moved = entry(po, context)
        # The translation of this English, from the other id, fuzzy: never silently reused.
        assert moved.fuzzy and moved.string == spanish[other] and moved.previous_id == [moved.id]
        assert previous_context(moved) == other


def rename_pulaski(root: Path, old: str, new: str) -> None:
    """Rename Pulaski's dossier, its id and its entry in report.yaml, as a writer would."""
    path = root / "facilities" / f"{old}.yaml"
    text = path.read_text()
    assert f"\nid: {old}\n" in f"\n{text}"
    (root / "facilities" / f"{new}.yaml").write_text(text.replace(f"id: {old}\n", f"id: {new}\n", 1))
    path.unlink()
    report = root / "report.yaml"
    report.write_text(report.read_text().replace(f"  - {old}\n", f"  - {new}\n"))


def test_a_renamed_dossier_keeps_its_translations_fuzzy_and_a_rename_back_restores_them(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "p", ["adelanto", "pulaski"])
    extract_and_update(root)
    po = root / SPANISH
    before = po.read_bytes()
    spanish = {m.context: m.string for m in read_catalog(po) if m.context and m.context.startswith("pulaski:")}
    assert len(spanish) == 18 and all(spanish.values())
    rename_pulaski(root, "pulaski", "pulaski-county")
    assert extract_and_update(root) == (
        f"{SPANISH} written: 0 new, 0 changed (now fuzzy), 18 carried over from another context (now fuzzy), 0 obsolete"
    )
    renamed = {m.context: m for m in read_catalog(po) if m.context and m.context.startswith("pulaski-county:")}
    assert sorted(renamed) == sorted(context.replace("pulaski:", "pulaski-county:") for context in spanish)
    for context, message in renamed.items():
        old = context.replace("pulaski-county:", "pulaski:")
        assert message.fuzzy and message.string == spanish[old]
        assert (previous_context(message), message.previous_id) == (old, [message.id])
    assert not [m for m in read_catalog(po).obsolete.values() if "pulaski:" in (m.context or "")]
    text = po.read_text()
    assert '#| msgctxt "pulaski:summary"\n#| msgid ' in text
    assert catalog_bytes(babel_catalog(text, "es")) == po.read_bytes()  # #| msgctxt read and written back
    assert extract_and_update(root) == f"{SPANISH} unchanged: 0 new, 0 changed (now fuzzy), 0 obsolete"
    msgfmt = subprocess.run(
        ["msgfmt", "-c", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C"},
    )
    assert (msgfmt.returncode, msgfmt.stderr.split(", ")[1:]) == (0, ["18 fuzzy translations.\n"])
    code, out, _ = run_cli("--root", str(root), "check")
    assert "\npulaski-county           0      18             0        0         0     0.0%\n" in out
    assert "\npulaski " not in out
    # An unrelated edit rewrites the catalog: the renamed entries keep where their translation came from.
    edit_timeline_sentence(root)
    assert extract_and_update(root) == f"{SPANISH} written: 0 new, 1 changed (now fuzzy), 0 obsolete"
    assert po.read_text().count('#| msgctxt "pulaski:') == 17 and po.read_text().count('"pulaski:') == 18
    # Renamed back before the translator's review: translated again, as they were.
    rename_pulaski(root, "pulaski-county", "pulaski")
    edit_timeline_sentence_back(root)
    assert extract_and_update(root) == f"{SPANISH} written: 0 new, 0 changed (now fuzzy), 0 obsolete, 19 restored"
    assert unstamped(po.read_bytes()) == unstamped(before)


@pytest.mark.slow
def test_a_renamed_dossier_s_fuzzy_entries_say_where_they_moved_from(tmp_path: Path) -> None:
    """Its English did not change: `check` and the status page name the previous context instead."""
    from report.i18n.coverage import check_translations
    from report.render.site import status_page_html

    from .test_coverage import Tables

    root = copy_project(tmp_path / "p", ["pulaski"])
    extract_and_update(root)
    rename_pulaski(root, "pulaski", "pulaski-county")
    extract_and_update(root)
    code, out, _ = run_cli("--root", str(root), "check")
    fuzzy = [line for line in out.splitlines() if line.endswith("[i18n.fuzzy]")]
    assert len(fuzzy) == 18 and "English changed" not in out
    summary = entry(root / SPANISH, "pulaski-county:summary")
    assert re.search(
        rf"^{SPANISH}:\d+:1: warning: fuzzy \(moved from 'pulaski:summary'; the English is the same\): "
        rf"check the translation of '{re.escape(summary.id[:20])}.*', then remove the fuzzy flag \[i18n\.fuzzy\]$",
        out,
        re.M,
    )
    edition, _ = load_edition(root)
    _, coverage = check_translations(root, edition)
    page = Tables()
    page.feed(status_page_html(root, edition, coverage["es"]))
    rows = page.rows("entries")[1:]
    assert len(rows) == 18 and not [row for row in rows if "Previous English" in row[3]]
    first = next(row for row in rows if row[3].startswith(summary.id[:40]))
    assert first[1].startswith("facilities/pulaski-county.yaml:")  # where the renamed file has it
    assert first[3].endswith("Translated under pulaski:summary")
    assert first[4] == f"{summary.id} The build prints the English; the catalog has: {summary.string}"


def edit_timeline_sentence_back(root: Path) -> None:
    path = root / "facilities" / "adelanto.yaml"
    path.write_text(
        path.read_text().replace(
            "Reporting on the First Ten launch said that, between 2010 and 2016,",
            "Coverage of the First Ten launch reported that, between 2010 and 2016,",
        )
    )


@pytest.mark.slow
def test_a_renamed_id_whose_entry_was_obsolete_is_restored(tmp_path: Path) -> None:
    """An id renamed to one whose entry went obsolete earlier takes that entry back as it was."""
    root = adelanto_alone(tmp_path)
    po = root / SPANISH
    before = po.read_bytes()
    path = root / "facilities" / "adelanto.yaml"
    text = path.read_text()
    renamed = text.replace("id: 2018-09-oig-management-alert", "id: 2018-09-alert")
    path.write_text(renamed)
    assert extract_and_update(root) == (
        f"{SPANISH} written: 0 new, 0 changed (now fuzzy), 1 carried over from another context (now fuzzy), 0 obsolete"
    )
    moved = entry(po, "adelanto:timeline.2018-09-alert:text")
    assert moved.fuzzy and previous_context(moved) == "adelanto:timeline.2018-09-oig-management-alert:text"
    path.write_text(text)
    assert extract_and_update(root) == f"{SPANISH} written: 0 new, 0 changed (now fuzzy), 0 obsolete, 1 restored"
    assert unstamped(po.read_bytes()) == unstamped(before)


@pytest.mark.slow
def test_a_renamed_id_takes_its_own_translation_not_another_with_the_same_english(tmp_path: Path) -> None:
    """Two of Winn's organizations' roles, and the introduction's heading and a keyword of
    report.yaml, say the same: a renamed id takes the translation of the entry it was renamed
    from, the one this merge would otherwise make obsolete, and nothing goes to `#~`. (Stewart's
    and LaSalle's capacity notes said the same until the unit's sentence left them.)"""
    root = copy_project(tmp_path / "p", ["winn"])
    extract_and_update(root)
    po = root / SPANISH
    stewart = "winn:campaign.organizations.aclu-louisiana:role"
    lasalle = "winn:campaign.organizations.immigration-services-louisiana:role"
    assert entry(po, stewart).id == entry(po, lasalle).id
    catalog = read_catalog(po)
    own = next(m for m in catalog if m.context == stewart)
    own.string = "STEWART: " + own.string
    po.write_bytes(catalog_bytes(catalog))
    heading = "report:introduction.launch:heading"
    english = entry(po, heading).id
    assert [m.context for m in read_catalog(po) if m.id == english] == ["report:keywords", heading]
    replace_in(root / "facilities/winn.yaml", "id: aclu-louisiana\n", "id: aclu-louisiana-x\n")
    replace_in(root / "report.yaml", "id: launch\n", "id: launch-2018\n")
    assert extract_and_update(root) == (
        f"{SPANISH} written: 0 new, 0 changed (now fuzzy), 3 carried over from another context (now fuzzy), 0 obsolete"
    )
    moved = entry(po, "winn:campaign.organizations.aclu-louisiana-x:role")
    assert moved.fuzzy and moved.string == own.string and previous_context(moved) == stewart
    assert previous_context(entry(po, "report:introduction.launch-2018:heading")) == heading
    assert previous_context(entry(po, "report:introduction.launch-2018:text")) == "report:introduction.launch:text"
    kept = [m.context for m in read_catalog(po).obsolete.values() if m.context.startswith(("winn:", "report:"))]
    assert kept == [] and not entry(po, lasalle).fuzzy


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_spanish_build_falls_back_to_marked_english_and_says_so(changed) -> None:
    root, context, old, new, spanish = changed
    code, out, _ = build(root, "--lang", "es")
    assert code == 0, out
    html = (root / "dist/es/adelanto.html").read_text()
    assert f'<span lang="en" class="fallback">{new}' in html
    assert spanish[:40] not in html
    source_line = next(
        i
        for i, line in enumerate((root / "facilities/adelanto.yaml").read_text().splitlines(), 1)
        if "Reporting on the First Ten" in line
    )
    assert re.search(
        rf"facilities/adelanto\.yaml:{source_line - 1}:\d+: warning: Spanish translation fuzzy \(i18n/es/LC_MESSAGES/messages\.po:\d+:\d+\): using the English text",
        out,
    )
    assert re.search(r"i18n/es/LC_MESSAGES/messages\.po:\d+:\d+: warning: .*\[i18n\.fuzzy\]", out)


def test_release_refuses_a_language_with_fuzzy_entries(changed, tmp_path: Path) -> None:
    root, *_ = changed
    code, out, _ = build(root, "--release")
    assert code == 1
    assert "error: " in out and "[i18n.fuzzy]" in out
    assert "nothing was written to dist/" in out


def english_prose(catalog, min_words: int) -> list[str]:
    texts = []
    for m in catalog:
        if not m.id or not isinstance(m.id, str):
            continue
        words = typographic(CITE_OR_PLACEHOLDER.sub(" ", m.id)).split()
        if len(words) >= min_words:
            texts.append(" ".join(words[:min_words]))
    return texts


def typographic(text: str) -> str:
    """Return text without quotation marks and with plain apostrophes, as printed prose compares."""
    return re.sub('["“”«»]', "", text.replace("’", "'"))


def pdf_words(path: Path) -> str:
    text = "\n".join(pdf_pages(path))
    text = re.sub(r"-\n", "", text)  # words hyphenated across lines
    return " ".join(typographic(text).split())


def proper_names(root: Path) -> list[str]:
    """Return what the Spanish edition keeps in English: source titles, publishers and names."""
    edition, _ = load_edition(root)
    names = [s.title for s in edition.sources.values()] + [s.publisher for s in edition.sources.values()]
    for facility in edition.facilities:
        names += [facility.name, *facility.other_names, *(o.name for o in facility.campaign.organizations)]
    return names


def test_spanish_pdfs_contain_no_english_prose(shipped: Path) -> None:
    catalog = read_catalog(REPO / "i18n/messages.pot")
    kept = proper_names(shipped)
    spanish = pdf_words(shipped / "dist/es/first-ten-es.pdf")
    english = pdf_words(shipped / "dist/en/first-ten-en.pdf")
    content = [m for m in catalog if m.context]
    templates = [m for m in catalog if not m.context]
    checked = 0
    for phrase in english_prose(content, 6) + english_prose(templates, 3):
        if phrase in english and not any(phrase in name for name in kept):
            checked += 1
            assert phrase not in spanish
    assert checked > 250


_ACCENTED = str.maketrans("AEIOU", "ÁÉÍÓÚ")


def fill_pseudo(path: Path) -> None:
    """Translate every entry with a recognizable pseudo-language that keeps markers and placeholders:
    the English in capitals, its vowels accented (the English in capitals alone is the English kept,
    which `check` counts untranslated)."""
    with open(path, "rb") as handle:
        catalog = read_po(handle)

    def pseudo(text: str) -> str:
        parts = CITE_OR_PLACEHOLDER.split(text)
        keep = CITE_OR_PLACEHOLDER.findall(text)
        out = [f"«{part.upper().translate(_ACCENTED)}»" if part.strip() else part for part in parts]
        return "".join(a + b for a, b in zip(out, keep + [""], strict=True))

    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, str):
            message.string = pseudo(message.id)
        else:
            # Every plural form the language has (French has three since CLDR 47, in Babel 2.19).
            message.string = tuple(pseudo(message.id[min(n, 1)]) for n in range(catalog.num_plurals))
        message.flags.discard("fuzzy")
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)
    path.write_bytes(buffer.getvalue())


def test_a_third_language_is_a_catalog_plus_one_line(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "p", ["etowah"])
    report = root / "report.yaml"
    spanish = "  - {code: es, locale: es_US}\n"
    report.write_text(report.read_text().replace(spanish, spanish + "  - {code: fr, locale: fr_FR}\n"))
    for command in ("extract", "update"):
        assert run_cli("--root", str(root), command)[0] == 0
    catalog = root / "i18n/fr/LC_MESSAGES/messages.po"
    assert catalog.is_file()
    fill_pseudo(catalog)
    # The title not translated yet, as a new language starts: printed in English, and said to be.
    blank_translations(catalog, {"report:title"})
    code, out, _ = build(root, "--lang", "fr")
    assert code == 0, out
    assert [line for line in out.splitlines() if "[i18n.fallback]" in line] == [
        "report.yaml:2:8: warning: French translation missing (i18n/fr/LC_MESSAGES/messages.po:27:1): using the "
        "English text 'First Ten to Communities Not Cages' [i18n.fallback]"
    ]
    page = (root / "dist/fr/etowah.html").read_text()
    assert '<html lang="fr">' in page
    assert "«DÓCÚMÉNTÉD ÁBÚSÉ»" in page
    assert "25 mars 2022" in page  # Babel's French long date
    title = '<span lang="en" class="fallback">First Ten to Communities Not Cages</span>'
    assert f'<a class="site-title" href="index.html">{title}</a>' in page
    assert f"· {title}</p>" in page  # the chapter's kicker
    home = (root / "dist/fr/index.html").read_text()
    assert f"<h1>{title}</h1>" in home
    assert re.findall(r'<a id="download-report"[^>]*>', home) == [
        '<a id="download-report" href="first-ten-fr.pdf" aria-label="First Ten to Communities Not Cages«, PDF»"'
        ' lang="en" download>'
    ]
    reader = PdfReader(root / "dist/fr/etowah-fr.pdf")
    assert reader.root_object["/Lang"] == "fr"
    # The kicker's title is the one English span of the chapter (a source's title is a NonStruct).
    assert [kind for kind in languages((root / "dist/fr/etowah-fr.pdf").read_bytes()) if kind[0] == "/Span"] == [
        ("/Span", "en")
    ]
    chooser = (root / "dist/index.html").read_text()
    assert 'href="fr/index.html"' in chooser and "Français" in chooser


def test_shipped_spanish_catalog_is_complete() -> None:
    result = subprocess.run(
        ["msgfmt", "-c", "--statistics", "-o", "/dev/null", str(REPO / "i18n/es/LC_MESSAGES/messages.po")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages\.\n", result.stderr), result.stderr


@pytest.mark.slow
def test_an_image_alt_that_falls_back_to_english_says_it_is_english(tmp_path: Path) -> None:
    """An attribute cannot hold the fallback's `<span lang="en">`: the image itself carries `lang`, so
    that a Spanish screen reader does not read the English alt text in a Spanish voice."""
    import datetime as dt
    import shutil

    from PIL import Image

    from report.commands.gather import GatherOptions, gather
    from report.render.html import Renderer, environment
    from report.render.site import facility_pages

    from .conftest import make_project

    root = make_project(tmp_path, "_i18n")
    (root / "facilities" / "images").mkdir()
    Image.new("RGB", (40, 30), (196, 71, 15)).save(root / "facilities" / "images" / "gate.png")
    replace_in(
        root / "facilities/sample.yaml",
        "review:\n",
        "image:\n  src: gate.png\n  alt: The front gate\n  credit: A. B.\nreview:\n",
    )
    shutil.rmtree(root / "layouts", ignore_errors=True)
    shutil.copytree(REPO / "layouts", root / "layouts")
    gathered = gather(root, GatherOptions(dt.date(2025, 1, 1), load_stylesheets=False))
    edition = gathered.edition
    assert edition is not None and sorted(gathered.localizers) == ["en", "es"]
    renderers = {lang: Renderer(edition, loc, environment(root, loc)) for lang, loc in gathered.localizers.items()}
    pdfs = {(lang, "sample"): (f"{lang}/sample-{lang}.pdf", None, None) for lang in renderers}
    outputs = facility_pages(root, edition, renderers, pdfs, frozenset({"sample"}))
    pages = {o.path: o.data.decode() for o in outputs if o.path.endswith(".html")}
    images = {path: re.findall(r"<img [^>]*>", html) for path, html in pages.items() if path.endswith(".html")}
    assert images == {
        "en/sample.html": ['<img src="../images/gate.png" alt="The front gate">'],
        "es/sample.html": ['<img src="../images/gate.png" alt="The front gate" lang="en">'],
    }


def site_pages(root: Path, langs: tuple[str, ...] = ("es",), pdf: tuple[int, int] | None = None) -> dict[str, str]:
    """Render a project's facility pages and home pages in memory, every PDF of `pdf`'s (size,
    pages), or 'updating'."""
    import datetime as dt

    from report.commands.gather import GatherOptions, gather
    from report.render.html import Renderer, environment
    from report.render.site import facility_pages, home_pages

    gathered = gather(root, GatherOptions(dt.date.today(), load_stylesheets=False))
    edition = gathered.edition
    assert edition is not None and gathered.ok, [str(f) for f in gathered.findings]
    renderers = {lang: Renderer(edition, loc, environment(root, loc)) for lang, loc in gathered.localizers.items()}
    renderers = {lang: renderers[lang] for lang in langs}
    ids = [f.id for f in edition.facilities]
    size, pages = pdf or (None, None)
    pdfs = {
        (lang, key): (f"{lang}/{key or 'report'}-{lang}.pdf", size, pages) for lang in langs for key in [None, *ids]
    }
    outputs = facility_pages(root, edition, renderers, pdfs, frozenset(ids)) + home_pages(edition, renderers, pdfs)
    return {o.path: o.data.decode() for o in outputs if o.path.endswith(".html")}


def blank_translations(po: Path, keys: set[str]) -> None:
    """Empty the msgstr of these entries (a template string by its English, prose by its context),
    as a translator who has not got to them yet leaves them."""
    with open(po, "rb") as handle:
        catalog = read_po(handle)
    found = [m for m in catalog if (m.context or m.id) in keys]
    assert sorted(m.context or m.id for m in found) == sorted(keys)
    for message in found:
        message.string = ""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)
    po.write_bytes(buffer.getvalue())


def _start_tags(html: str, pattern: str) -> list[str]:
    return re.findall(rf"<{pattern}[^>]*>", html)


def test_an_attribute_that_falls_back_to_english_marks_its_element_english(tmp_path: Path) -> None:
    """An attribute cannot hold the fallback's `<span lang="en">`: the element that carries an English
    aria-label, meta content or search message says it is English (`lang`, or `data-…-lang` for the
    script), and a nav's own links say Spanish again; a translated attribute adds nothing."""
    root = copy_project(tmp_path / "p", ["etowah", "glades"])
    blanked = {"Back to note %(num)s in the text", "Breadcrumbs", "Language", "No page matches this search."}
    blanked |= {"etowah:summary", "report:title"}
    blank_translations(root / SPANISH, blanked)
    pages = site_pages(root)
    etowah, glades, home = pages["es/etowah.html"], pages["es/glades.html"], pages["es/index.html"]
    for page in (etowah, home):
        backrefs = _start_tags(page, r'a class="backref"')
        assert backrefs and set(re.sub(r"(?:(?<=ref-)|(?<=note ))\d+", "N", a) for a in backrefs) == {
            '<a class="backref" href="#ref-N" aria-label="Back to note N in the text" lang="en">'
        }
    assert _start_tags(etowah, "nav ") == [
        '<nav class="languages" aria-label="Language" lang="en">',
        '<nav class="breadcrumbs" aria-label="Breadcrumbs" lang="en">',
        '<nav class="pager" aria-label="Capítulos">',
    ]
    assert _start_tags(etowah, r'a href="index\.html"') == ['<a href="index.html" lang="es">']
    assert '<span aria-current="page" lang="es">' in etowah
    assert _start_tags(etowah, r'a rel="next"') == ['<a rel="next" href="glades.html">']
    assert re.findall(r"data-(?:found|none|unavailable)(?:-lang)?=\"[^\"]*\"", etowah) == [
        'data-found="Páginas encontradas: {count}"',
        'data-none="No page matches this search."',
        'data-none-lang="en"',
        'data-unavailable="La búsqueda no está disponible aquí."',
    ]

    def head(page: str, names: str) -> list[str]:
        """The page's <title> tag if `names` has "title", and its <meta> tags of those names."""
        tags = re.findall(
            rf'<(?:meta (?:name|property)="(?:{names})"|(?:{names})(?=[ >]))[^>]*>', page.split("</head>")[0]
        )
        return [re.sub(r'content="[^"]*"', 'content="…"', tag) for tag in tags]

    described = "description|og:description|twitter:description"
    assert head(etowah, described) == [
        '<meta name="description" content="…" lang="en">',
        '<meta property="og:description" content="…" lang="en">',
        '<meta name="twitter:description" content="…" lang="en">',
    ]
    assert head(glades, described) == [
        '<meta name="description" content="…">',
        '<meta property="og:description" content="…">',
        '<meta name="twitter:description" content="…">',
    ]
    titled = "title|og:title|og:site_name|twitter:title"
    assert (
        head(home, titled)
        == head(glades, titled)
        == [
            '<title lang="en">',
            '<meta property="og:title" content="…" lang="en">',
            '<meta property="og:site_name" content="…" lang="en">',
            '<meta name="twitter:title" content="…" lang="en">',
        ]
    )


def _linked_data(page: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found is not None
    return json.loads(found[1])


def test_json_ld_marks_an_english_fallback_as_english(tmp_path: Path) -> None:
    """The `<meta>` description of a Spanish page whose summary is untranslated said `lang="en"`,
    but its JSON-LD gave the English text under "inLanguage": "es". A text in another language than
    the page's is a JSON-LD value object that names its language; a translated one stays a string."""
    root = copy_project(tmp_path / "p", ["etowah", "glades"])
    blank_translations(root / SPANISH, {"etowah:summary", "report:subtitle"})
    pages = site_pages(root)
    etowah, glades, home = (_linked_data(pages[f"es/{name}.html"]) for name in ("etowah", "glades", "index"))
    english = load_edition(root, use_cache=False)[0]
    assert english is not None
    summary = english.facility("etowah").summary.value
    assert etowah["inLanguage"] == "es"
    # The editor's note comes first (translated), then the summary's English: the description is
    # labelled with the language most of its words are in.
    note = "Nota editorial: Todavía estamos verificando los datos de este capítulo con sus fuentes."
    assert etowah["description"] == {"@value": f"{note} {first_sentence(summary)}", "@language": "en"}
    meta = re.search(r'<meta name="description" content="([^"]*)">', pages["es/glades.html"])
    assert meta is not None and glades["description"] == unescape(meta[1])  # Spanish, a plain string
    assert glades["description"].startswith("Nota editorial: Ninguna de las fuentes que hemos consultado")
    assert "La ACLU of Florida ha documentado" in glades["description"]
    subtitle = {"@value": english.settings.subtitle.value, "@language": "en"}
    assert home["alternativeHeadline"] == etowah["isPartOf"]["alternativeHeadline"] == subtitle
    site_name = re.search(r'<meta property="og:site_name" content="([^"]*)">', pages["es/index.html"])
    assert site_name is not None and home["name"] == etowah["isPartOf"]["name"] == unescape(site_name[1])
    assert home["name"] != english.settings.title.value  # the title is translated: a plain string


def test_the_language_chooser_marks_a_title_it_prints_in_english(tmp_path: Path) -> None:
    """The language chooser (dist/index.html) prints each language's title and subtitle in that
    language's `<li lang>`: one its catalog has not translated yet prints in English, and says so,
    as the JSON-LD beside it does; a translated one adds nothing."""
    import datetime as dt

    from report.commands.gather import GatherOptions, gather
    from report.render.html import Renderer, environment
    from report.render.site import site_pages as all_site_pages

    root = copy_project(tmp_path / "p", ["etowah"])
    blank_translations(root / SPANISH, {"report:subtitle"})
    gathered = gather(root, GatherOptions(dt.date.today(), load_stylesheets=False))
    edition = gathered.edition
    assert edition is not None and gathered.ok, [str(f) for f in gathered.findings]
    renderers = {lang: Renderer(edition, loc, environment(root, loc)) for lang, loc in gathered.localizers.items()}
    pdfs = {
        (lang, key): (f"{lang}/{key or 'report'}-{lang}.pdf", None, None)
        for lang in renderers
        for key in [None, "etowah"]
    }
    outputs = all_site_pages(root, edition, renderers, pdfs, gathered.coverage)
    chooser = next(o.data.decode() for o in outputs if o.path == "index.html")
    items = dict(re.findall(r'<li lang="(\w+)">(.*?)</li>', chooser, re.S))
    assert sorted(items) == ["en", "es"]
    spans = {
        lang: re.findall(r'<span class="choice-(title|subtitle)"([^>]*)>([^<]*)</span>', item)
        for lang, item in items.items()
    }
    subtitle = edition.settings.subtitle.value
    assert spans["en"] == [("title", "", edition.settings.title.value), ("subtitle", "", subtitle)]
    (title, title_attrs, spanish_title), second = spans["es"]
    assert (title, title_attrs) == ("title", "") and spanish_title != edition.settings.title.value
    assert second == ("subtitle", ' lang="en"', subtitle)


def test_the_language_chooser_skips_to_content_in_every_language(tmp_path: Path) -> None:
    """The chooser offers English and Español, but its skip link said "Skip to content" alone: it says
    it in each language, each marked, in one link (one stop of the keyboard before the content)."""
    import datetime as dt

    from report.commands.gather import GatherOptions, gather
    from report.render.html import Renderer, environment
    from report.render.site import site_pages as all_site_pages

    root = copy_project(tmp_path / "p", ["etowah"])
    gathered = gather(root, GatherOptions(dt.date.today(), load_stylesheets=False))
    edition = gathered.edition
    assert edition is not None and gathered.ok, [str(f) for f in gathered.findings]
    renderers = {lang: Renderer(edition, loc, environment(root, loc)) for lang, loc in gathered.localizers.items()}
    pdfs = {
        (lang, key): (f"{lang}/{key or 'report'}-{lang}.pdf", 1000, 1) for lang in renderers for key in [None, "etowah"]
    }
    outputs = all_site_pages(root, edition, renderers, pdfs, gathered.coverage)
    chooser = next(o.data.decode() for o in outputs if o.path == "index.html")
    assert re.findall(r'<a class="skip-link"[^>]*>.*?</a>', chooser, re.S) == [
        '<a class="skip-link" href="#main"><span lang="en">Skip to content</span>'
        '<span class="sep" aria-hidden="true"> · </span><span lang="es">Saltar al contenido</span></a>'
    ]


def test_the_language_chooser_is_the_same_bytes_whichever_languages_are_built(tmp_path: Path) -> None:
    """dist/index.html was rendered with the first language built: `build --lang es` wrote it with
    the Spanish environment, so its English <head> meta tags gained `lang="en"` and the page differed
    from a full build's of the same tree. It is the source language's page, whichever are built,
    and its <title> is in that language alone."""
    import datetime as dt

    from report.commands.gather import GatherOptions, gather
    from report.render.html import Renderer, environment
    from report.render.site import site_pages as all_site_pages

    root = copy_project(tmp_path / "p", ["etowah"])
    gathered = gather(root, GatherOptions(dt.date.today(), load_stylesheets=False))
    edition = gathered.edition
    assert edition is not None and gathered.ok, [str(f) for f in gathered.findings]
    every = {lang: Renderer(edition, loc, environment(root, loc)) for lang, loc in gathered.localizers.items()}
    pdfs = {
        (lang, key): (f"{lang}/{key or 'report'}-{lang}.pdf", 1000, 1) for lang in every for key in [None, "etowah"]
    }

    def chooser(langs: tuple[str, ...]) -> str:
        renderers = {lang: every[lang] for lang in langs}
        outputs = all_site_pages(root, edition, renderers, pdfs, gathered.coverage)
        return next(o.data.decode() for o in outputs if o.path == "index.html")

    full = chooser(("en", "es"))
    # the <title> is in the page's language alone: "… · Los Primeros Diez …" was Spanish marked English;
    # a draft's (the renderers') ends with the draft band's word in that language, not "Borrador"
    assert re.findall(r"<title>([^<]*)</title>", full) == [f"{edition.settings.title.value} · Draft"]
    assert chooser(("es",)) == chooser(("en",)) == chooser(("es", "en")) == full
    assert re.findall(r'<meta (?:property|name)="(?:og|twitter):\w+"[^>]* lang="\w+"', full) == []


def test_a_wrong_address_gets_a_page_in_every_language_only_where_the_site_knows_its_address(tmp_path: Path) -> None:
    """A wrong address showed the server's bare English error. With report.yaml's base_url the site
    has a 404.html in both languages, whose links and stylesheet start from the site's path (a host
    shows it at any depth, where a relative link would be wrong); without it, no such page."""
    import datetime as dt

    from report.commands.gather import GatherOptions, gather
    from report.render.html import Renderer, environment
    from report.render.site import site_pages as all_site_pages

    root = copy_project(tmp_path / "p", ["etowah"])

    def pages() -> dict[str, str]:
        gathered = gather(root, GatherOptions(dt.date.today(), load_stylesheets=False))
        edition = gathered.edition
        assert edition is not None and gathered.ok, [str(f) for f in gathered.findings]
        renderers = {lang: Renderer(edition, loc, environment(root, loc)) for lang, loc in gathered.localizers.items()}
        pdfs = {(lang, key): (f"{lang}/x.pdf", 1000, 1) for lang in renderers for key in [None, "etowah"]}
        outputs = all_site_pages(root, edition, renderers, pdfs, gathered.coverage)
        return {o.path: o.data.decode() for o in outputs if o.kind == "page" and o.lang is None}

    assert sorted(pages()) == ["index.html"]
    report = root / "report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8") + "base_url: https://example.org/first-ten/\n", encoding="utf-8"
    )
    found = pages()
    assert sorted(found) == ["404.html", "index.html"]
    page = found["404.html"]
    assert re.findall(r'(?:href|lang)="([^"]*)"', page) == [
        "en",
        "/first-ten/assets/css/site.css",
        "/first-ten/assets/icons/favicon.svg",
        "en",
        "es",
        "en",
        "/first-ten/en/index.html",
        "en",
        "es",
        "/first-ten/es/index.html",
        "es",
    ]
    assert re.search(r"<title>([^<]*)</title>", page)[1] == "Page not found · First Ten to Communities Not Cages"  # type: ignore[index]
    words = re.findall(r'<span (?:lang="\w+"|class="choice-(?:subtitle|language)")>([^<]*)</span>', page)
    assert words == [
        "Page not found",
        "Página no encontrada",
        "There is no page at this address: it may have moved, or the address may be mistyped.",
        "Go to the home page →",
        "No hay ninguna página en esta dirección: puede que se haya movido o que la dirección esté mal escrita.",
        "Ir a la página de inicio →",
    ]


def test_the_wrong_address_page_has_its_title_in_the_source_language_wherever_it_is_listed(tmp_path: Path) -> None:
    """The 404 page took its <title> from the first language of report.yaml's list: with Spanish
    listed first, a page whose <html lang> is English had a Spanish title. The README says it is in
    the source language alone, as the language chooser's is, wherever English is listed."""
    import datetime as dt

    from report.commands.gather import GatherOptions, gather
    from report.render.html import Renderer, environment
    from report.render.site import site_pages as all_site_pages

    root = copy_project(tmp_path / "p", ["etowah"])
    report = root / "report.yaml"
    text = report.read_text(encoding="utf-8")
    english, spanish = "  - {code: en, locale: en_US}\n", "  - {code: es, locale: es_US}\n"
    assert english + spanish in text
    report.write_text(
        text.replace(english + spanish, spanish + english) + "base_url: https://example.org/first-ten/\n",
        encoding="utf-8",
    )
    gathered = gather(root, GatherOptions(dt.date.today(), load_stylesheets=False))
    edition = gathered.edition
    assert edition is not None and gathered.ok, [str(f) for f in gathered.findings]
    assert edition.settings.languages == ("es", "en")
    renderers = {lang: Renderer(edition, loc, environment(root, loc)) for lang, loc in gathered.localizers.items()}
    pdfs = {(lang, key): (f"{lang}/x.pdf", 1000, 1) for lang in renderers for key in [None, "etowah"]}
    outputs = all_site_pages(root, edition, renderers, pdfs, gathered.coverage)
    page = next(o.data.decode() for o in outputs if o.path == "404.html")
    assert re.search(r'<html lang="(\w+)">', page)[1] == "en"  # type: ignore[index]
    assert re.findall(r"<title>([^<]*)</title>", page) == ["Page not found · First Ten to Communities Not Cages"]
    # the heading still offers every language, in the list's order
    assert re.findall(r'<h1 class="chooser-heading"><span lang="(\w+)">', page) == ["es"]


@pytest.mark.slow
def test_building_one_language_after_a_full_build_writes_the_same_chooser_and_manifest(tmp_path: Path) -> None:
    """`build --lang es` after a full build of the same tree rewrote dist/index.html (its meta tags
    gained `lang="en"`) and so manifest.json, said nothing, and then called dist/ up to date."""
    root = copy_project(tmp_path / "p", ["etowah"])
    code, out, err = build(root)
    assert code == 0, out + err
    full = {name: (root / "dist" / name).read_bytes() for name in ("index.html", "manifest.json")}
    code, out, err = build(root, "--lang", "es")
    assert code == 0 and out.rstrip().splitlines()[-1].startswith("built es (draft): "), out + err
    assert {name: (root / "dist" / name).read_bytes() for name in full} == full


def test_a_date_range_claims_no_single_machine_readable_date(tmp_path: Path) -> None:
    """`<time datetime="2010">2010–2016</time>` told machines the range was the year 2010: a range
    is a span with no datetime, its words the same; a single date keeps its <time>."""
    pages = site_pages(copy_project(tmp_path / "p", ["adelanto"]), ("en", "es"))
    for lang in ("en", "es"):
        page = pages[f"{lang}/adelanto.html"]
        entry = re.search(
            r'<li class="event [^"]*" id="adelanto-2010-2016-abuse-complaints">\s*<p class="event-meta">(.*?) <span',
            page,
        )
        assert entry is not None and entry[1] == '<span class="dates">2010–2016</span>'
        dated = re.findall(r'<time datetime="([^"]*)">([^<]*)</time>', page)
        assert dated and all(re.fullmatch(r"\d{4}(-\d\d){0,2}", value) for value, _ in dated)
        assert not [words for _, words in dated if "–" in words or " al " in words]


class _LinkNames(HTMLParser):
    """Each link's accessible name as the markup gives it: its `aria-labelledby` elements' text,
    joined by spaces, or else its `aria-label`, or else its own text; and the text of every element
    with an id."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, str] = {}
        self.links: list[tuple[str, str | None, str | None, str]] = []  # (href, aria-labelledby, aria-label, id)
        self._open: list[tuple[str, str | None]] = []  # (tag, id) of the elements read into

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("br", "img", "input", "meta", "link"):
            return
        self._open.append((tag, found.get("id")))
        if found.get("id"):
            self.texts[found["id"] or ""] = ""
        if tag == "a":
            key = f"link-{len(self.links)}"
            labelledby, label = found.get("aria-labelledby"), found.get("aria-label")
            self.links.append((found.get("href") or "", labelledby, label, found.get("id") or key))
            self.texts.setdefault(found.get("id") or key, "")
            self._open[-1] = (tag, found.get("id") or key)

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        for _, id in self._open:
            if id:
                self.texts[id] += data

    def names(self) -> list[tuple[str, str]]:
        def name(labelledby: str | None, label: str | None, own: str) -> str:
            if label and not labelledby:
                return " ".join(label.split())
            parts = labelledby.split() if labelledby else [own]
            return " ".join(" ".join(self.texts[part].split()) for part in parts)

        return [(href, name(labelledby, label, own)) for href, labelledby, label, own in self.links]


def test_each_card_download_link_names_its_facility(tmp_path: Path) -> None:
    """Two cards' links were both named "PDF, 88 KB, 4 pages": a list of links could not tell
    them apart. Each is now named by its card's heading, then its own words, in both languages."""
    pages = site_pages(copy_project(tmp_path / "p", ["etowah", "glades"]), ("en", "es"), pdf=(88_000, 4))
    expected = {
        "en": [
            ("etowah-en.pdf", "Etowah County Detention Center PDF, 88 KB, 4 pages"),
            ("glades-en.pdf", "Glades County Detention Center PDF, 88 KB, 4 pages"),
        ],
        "es": [
            ("etowah-es.pdf", "Etowah County Detention Center PDF, 88 KB, 4 páginas"),
            ("glades-es.pdf", "Glades County Detention Center PDF, 88 KB, 4 páginas"),
        ],
    }
    for lang, links in expected.items():
        cards = pages[f"{lang}/index.html"].split('<ol class="cards">', 1)[1].split("</ol>", 1)[0]
        parser = _LinkNames()
        parser.feed(cards)
        assert [(href, name) for href, name in parser.names() if href.endswith(".pdf")] == links


def test_each_downloads_table_link_is_named_by_its_document_and_pdf_alone(tmp_path: Path) -> None:
    """A row's link was named "Adelanto ICE Processing Center PDF, 99 KB, 5 pages" (its card's link's
    words), then a screen reader read the row's cells, 5 and 99 KB, again. Each is now named by its
    document and "PDF" alone, still not as the link to the facility's page (or home) is named."""
    pages = site_pages(copy_project(tmp_path / "p", ["etowah", "glades"]), ("en", "es"), pdf=(88_000, 4))
    expected = {
        "en": [
            ("download-report", "report-en.pdf", "First Ten to Communities Not Cages, PDF"),
            ("download-etowah", "etowah-en.pdf", "Etowah County Detention Center, PDF"),
            ("download-glades", "glades-en.pdf", "Glades County Detention Center, PDF"),
        ],
        "es": [
            ("download-report", "report-es.pdf", "Los Primeros Diez de Comunidades Sí, Jaulas No, en PDF"),
            ("download-etowah", "etowah-es.pdf", "Etowah County Detention Center, en PDF"),
            ("download-glades", "glades-es.pdf", "Glades County Detention Center, en PDF"),
        ],
    }
    for lang, rows in expected.items():
        page = pages[f"{lang}/index.html"]
        parser = _LinkNames()  # the whole page: an aria-labelledby may name an element outside the table
        parser.feed(page)
        named = [(own, href, name) for (href, _, _, own), (_, name) in zip(parser.links, parser.names(), strict=True)]
        found = [(own, href, name) for own, href, name in named if own.startswith("download-")]
        assert found == rows
        assert [name for _, _, name in found if re.search(r"KB|\b4\b|pages|páginas", name)] == []
        to_pages = {name for _, href, name in named if not href.endswith(".pdf")}
        assert {name for _, _, name in found} & to_pages == set()
        table = page.split('<table class="downloads">', 1)[1].split("</table>", 1)[0]
        cells = re.findall(
            r'<th scope="row"><a id="download-\w+"[^>]*>[^<]*</a></th><td>([^<]*)</td><td>([^<]*)</td>', table
        )
        assert cells == [("4", "88 KB")] * 3  # the row's cells still say the pages and the size


def test_each_download_on_the_home_page_names_what_it_opens(tmp_path: Path) -> None:
    """Six links named "CSV" and six "JSON" led to different tables, and each PDF in the downloads
    table was named by its facility alone, as the link to the facility's page is. Each is now named
    by its row's words, then its own: no two links of a home page share a name but not a target.
    The notes' 15 links back to their calls were all "Back to the text": each names its note now."""
    pages = site_pages(copy_project(tmp_path / "p", ["etowah", "glades"]), ("en", "es"), pdf=(88_000, 4))
    names = {}
    for lang in ("en", "es"):
        parser = _LinkNames()
        parser.feed(pages[f"{lang}/index.html"])
        names[lang] = parser.names()
        targets: dict[str, set[str]] = {}
        for href, name in names[lang]:
            targets.setdefault(name, set()).add(href)
        assert {name: hrefs for name, hrefs in targets.items() if len(hrefs) > 1} == {}
    backs = [(href, name) for href, name in names["es"] if href.startswith("#ref-")]
    assert backs[:2] == [("#ref-1", "Volver a la nota 1 en el texto"), ("#ref-2", "Volver a la nota 2 en el texto")]
    # the hero's button, the cards' links, then the downloads table's
    assert [(href, name) for href, name in names["en"] if href.endswith(".pdf")] == [
        ("report-en.pdf", "Download the full report (PDF, 88 KB, 4 pages)"),
        ("etowah-en.pdf", "Etowah County Detention Center PDF, 88 KB, 4 pages"),
        ("glades-en.pdf", "Glades County Detention Center PDF, 88 KB, 4 pages"),
        ("report-en.pdf", "First Ten to Communities Not Cages, PDF"),
        ("etowah-en.pdf", "Etowah County Detention Center, PDF"),
        ("glades-en.pdf", "Glades County Detention Center, PDF"),
    ]
    data = [(href.rsplit("/", 1)[-1], name) for href, name in names["es"] if href.startswith("../data/")]
    assert data == [
        ("facilities.csv", "Centros de detención CSV"),
        ("facilities.json", "Centros de detención JSON"),
        ("figures.csv", "Cifras de capacidad y población CSV"),
        ("figures.json", "Cifras de capacidad y población JSON"),
        ("events.csv", "Hechos con fecha CSV"),
        ("events.json", "Hechos con fecha JSON"),
        ("deaths.csv", "Muertes bajo custodia CSV"),
        ("deaths.json", "Muertes bajo custodia JSON"),
        ("campaign_actions.csv", "Acciones de la campaña CSV"),
        ("campaign_actions.json", "Acciones de la campaña JSON"),
        ("campaign_demands.csv", "Exigencias de la campaña CSV"),
        ("campaign_demands.json", "Exigencias de la campaña JSON"),
        ("campaign_organizations.csv", "Organizaciones de la campaña CSV"),
        ("campaign_organizations.json", "Organizaciones de la campaña JSON"),
        ("sources.csv", "Fuentes CSV"),
        ("sources.json", "Fuentes JSON"),
        ("datapackage.json", "datapackage.json"),
    ]


PLURAL_HEADER = (
    'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
)


def test_a_plural_whose_msgid_plural_changed_keeps_its_translation_fuzzy() -> None:
    """msgmerge matches an entry by context and msgid: a template string whose plural English
    alone changed ("room for %(num)s people" to "space for …"), or that became plural or singular,
    keeps its translation, fuzzy, with its previous English (`#| msgid`, `#| msgid_plural`);
    undone, it is restored. It was dropped: the entry came in empty, counted "new", and the
    translation was in the catalog no more, not even as obsolete."""
    from report.i18n.extract import update_catalog

    po = PLURAL_HEADER + (
        '#, python-format\nmsgid "room for %(num)s person"\nmsgid_plural "room for %(num)s people"\n'
        'msgstr[0] "capacidad para %(num)s persona"\nmsgstr[1] "capacidad para %(num)s personas"\n\n'
        'msgid "Note"\nmsgstr "Nota"\n\n'
        'msgid "%(num)s page"\nmsgid_plural "%(num)s pages"\nmsgstr[0] "%(num)s página"\nmsgstr[1] "%(num)s páginas"\n'
    )
    pot = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, python-format\nmsgid "room for %(num)s person"\nmsgid_plural "space for %(num)s people"\n'
        'msgstr[0] ""\nmsgstr[1] ""\n\n'
        'msgid "Note"\nmsgid_plural "Notes"\nmsgstr[0] ""\nmsgstr[1] ""\n\n'
        'msgid "%(num)s page"\nmsgstr ""\n'
    )
    catalog = babel_catalog(po, "es")
    counts = update_catalog(babel_catalog(pot, None), catalog)
    assert counts == {"new": 0, "changed": 3, "carried": 0, "obsolete": 0, "restored": 0}
    written = catalog_bytes(catalog).decode()
    assert (
        '#, fuzzy, python-format\n#| msgid "room for %(num)s person"\n#| msgid_plural "room for %(num)s people"\n'
        'msgid "room for %(num)s person"\nmsgid_plural "space for %(num)s people"\n'
        'msgstr[0] "capacidad para %(num)s persona"\nmsgstr[1] "capacidad para %(num)s personas"\n'
    ) in written
    # As msgmerge gives them: a singular translation in every form; a plural one's first form.
    assert (
        '#, fuzzy\n#| msgid "Note"\nmsgid "Note"\nmsgid_plural "Notes"\nmsgstr[0] "Nota"\nmsgstr[1] "Nota"\n' in written
    )
    assert (
        '#, fuzzy, python-format\n#| msgid "%(num)s page"\n#| msgid_plural "%(num)s pages"\nmsgid "%(num)s page"\n'
        'msgstr "%(num)s página"\n'
    ) in written
    # The edits undone before the translator saw them: the plural English's is as it was; a translation
    # whose forms were reshaped is still to check ("%(num)s página" in both forms), fuzzy, as msgmerge has it.
    again = babel_catalog(written, "es")
    undone = update_catalog(babel_catalog(re.sub(r"msgstr(\[\d\])? .*", r'msgstr\1 ""', po), None), again)
    assert undone == {"new": 0, "changed": 2, "carried": 0, "obsolete": 0, "restored": 1}
    rewritten = catalog_bytes(again).decode()
    assert po.split("\n\n")[1] + "\n" in rewritten  # "room for …": translated, as it was
    assert (
        '#, fuzzy, python-format\n#| msgid "%(num)s page"\n#| msgid_plural "%(num)s pages"\nmsgid "%(num)s page"\n'
        'msgid_plural "%(num)s pages"\n'
        'msgstr[0] "%(num)s página"\nmsgstr[1] "%(num)s página"\n'
    ) in rewritten


# A Spanish reviewer's pass over entries written after the Spanish review (es47): each row is
# the entry, a phrase the correction put there, and the phrase a US Spanish reader stumbled on.
SPANISH_REVIEW_ES47 = [
    # "El contrato lo tiene CoreCivic … y garantiza": CoreCivic, not the contract, "guaranteed";
    # "el pago de 750 personas" is paying the people, not paying for them.
    ("otay-mesa:contract:text", "CoreCivic es la titular del contrato", "y garantiza el pago de"),
    ("irwin:contract:text", "LaSalle Corrections es la titular del contrato", "El contrato lo tiene"),
    # "una prórroga del contrato de última hora": a last-minute contract, not a last-minute extension.
    (
        "otay-mesa:developments.2021-04-contract-extension:text",
        "prórroga de última hora del contrato",
        "contrato de última hora",
    ),
    # "Administrado … como centro de detención …, el centro ha sido": "centro" twice in one clause.
    ("lasalle:summary", "Este centro de detención de ICE en Jena, Luisiana, administrado por", "Luisiana, el centro"),
    (
        "irwin:timeline.2017-05-imprisoned-justice:text",
        "falta de atención prenatal y de agua potable",
        "y falta de agua",
    ),
    # "Quien publica el informe": the back matter's "entidad editora" for the publisher.
    (None, "La entidad editora del informe", "Quien publica"),
    # "su estado y su situación" read as "status" twice: the state is the US state.
    (None, "con el estado donde está cada uno y su situación", "su estado y su situación"),
]


@pytest.mark.parametrize(("context", "fixed", "stumbled"), SPANISH_REVIEW_ES47)
def test_the_spanish_review_corrections_stay_made(context: str | None, fixed: str, stumbled: str) -> None:
    catalog = read_catalog(REPO / "i18n/es/LC_MESSAGES/messages.po")
    entries = [m for m in catalog if m.id and m.context == context and fixed in str(m.string)]
    assert len(entries) == 1, (context, fixed)
    assert stumbled not in entries[0].string
