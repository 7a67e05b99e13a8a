"""Rebuilds do only what an edit requires, and the output does not depend on the cache."""

from __future__ import annotations

import json
import pickle
import re
import shutil
from pathlib import Path

import pytest

from .conftest import build, copy_project, run_cli
from .test_cache import Planted, plant

pytestmark = pytest.mark.private_chunks("counts the chunks each build lays out, and plants and corrupts cache entries")

FACILITIES = ["adelanto", "etowah"]


def rendered_chunks(progress: str) -> set[str]:
    """Return the keys of the chunks a build laid out (not taken from the cache)."""
    return set(re.findall(r"\] (\S+) \(rendered\)", progress))


def outputs(root: Path) -> dict[str, str]:
    manifest = json.loads((root / "dist" / "manifest.json").read_text())
    return {entry["path"]: entry["sha256"] for entry in manifest["outputs"]}


def pages(root: Path) -> dict[str, int]:
    manifest = json.loads((root / "dist" / "manifest.json").read_text())
    return {entry["path"]: entry["pages"] for entry in manifest["outputs"] if entry.get("pages")}


def mtimes(root: Path) -> dict[str, int]:
    dist = root / "dist"
    return {p.relative_to(dist).as_posix(): p.stat().st_mtime_ns for p in dist.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("incremental"), FACILITIES)
    code, out, err = run_cli("--root", str(root), "build")
    assert code == 0, out + err
    assert rendered_chunks(err) == {
        "en/front",
        "en/back",
        "en/folios",
        "en/front-folios",
        "en/standalone-folios",
        "es/front",
        "es/back",
        "es/folios",
        "es/front-folios",
        "es/standalone-folios",
        "en/chapter/adelanto",
        "en/chapter/etowah",
        "es/chapter/adelanto",
        "es/chapter/etowah",
        "en/share/adelanto",
        "en/share/etowah",
        "es/share/adelanto",
        "es/share/etowah",
    }
    return root


def test_nothing_changed_means_nothing_rebuilt(project: Path) -> None:
    before = mtimes(project)
    code, out, err = run_cli("--root", str(project), "build")
    assert code == 0
    assert "dist/ is up to date" in out
    assert rendered_chunks(err) == set()
    assert mtimes(project) == before


def test_an_edit_to_the_site_stylesheet_lays_out_no_chunk(project: Path) -> None:
    """The web editor's site.css is named by no print stylesheet: the PDFs come from the cache,
    and the site publishes the new rule."""
    site_css = project / "layouts" / "css" / "site.css"
    site_css.write_text(site_css.read_text(encoding="utf-8") + "\n.campaign-banner { color: #8f4c5c; }\n", "utf-8")
    code, out, err = run_cli("--root", str(project), "build")
    assert code == 0, out + err
    assert rendered_chunks(err) == set()
    assert re.search(r" chunks: 0 rendered, \d+ from cache\)", out)
    published = (project / "dist" / "assets" / "css" / "site.css").read_text(encoding="utf-8")
    assert ".campaign-banner { color: #8f4c5c; }" in published


def test_an_edit_to_the_favicon_lays_out_no_chunk(project: Path) -> None:
    """No print stylesheet names the site's icon: the PDFs come from the cache, the site has the new icon."""
    icon = project / "layouts" / "icons" / "favicon.svg"
    edited = icon.read_text(encoding="utf-8").replace('fill="#0f4c5c"', 'fill="#8f4c5c"', 1)
    assert 'fill="#8f4c5c"' in edited
    icon.write_text(edited, encoding="utf-8")
    code, out, err = run_cli("--root", str(project), "build")
    assert code == 0, out + err
    assert rendered_chunks(err) == set()
    assert re.search(r" chunks: 0 rendered, \d+ from cache\)", out)
    assert (project / "dist" / "assets" / "icons" / "favicon.svg").read_text(encoding="utf-8") == edited


def test_an_edit_rerenders_only_its_chunk_in_each_language(project: Path) -> None:
    before_hashes, before_times, before_pages = outputs(project), mtimes(project), pages(project)
    dossier = project / "facilities" / "etowah.yaml"
    text = dossier.read_text()
    dossier.write_text(text.replace("summary: >-\n  ", "summary: >-\n  Edited for the test. ", 1))
    code, out, err = run_cli("--root", str(project), "build")
    assert code == 0, out
    # The chapter, in each language; and where the chapter's page count changed (the Spanish page
    # shows the new sentence in English), that language's contents and folio sheet, whose page
    # numbers follow it. Nothing else.
    moved = {
        lang
        for lang in ("en", "es")
        if pages(project)[f"{lang}/etowah-{lang}.pdf"] != before_pages[f"{lang}/etowah-{lang}.pdf"]
    }
    # The facility PDFs' own folio sheet has as many pages as the longest chapter: it follows that.
    longest = {
        lang
        for lang in ("en", "es")
        if max(
            n for p, n in pages(project).items() if p.startswith(f"{lang}/") and not p.startswith(f"{lang}/first-ten")
        )
        != max(n for p, n in before_pages.items() if p.startswith(f"{lang}/") and not p.startswith(f"{lang}/first-ten"))
    }
    # Not its share card: the summary is not on it.
    assert rendered_chunks(err) == {"en/chapter/etowah", "es/chapter/etowah"} | {
        f"{lang}/{chunk}" for lang in moved for chunk in ("front", "folios")
    } | {f"{lang}/standalone-folios" for lang in longest}
    after_hashes, after_times = outputs(project), mtimes(project)
    changed = {path for path in after_hashes if after_hashes[path] != before_hashes.get(path)}
    assert {"en/etowah.html", "es/etowah.html", "en/etowah-en.pdf", "es/etowah-es.pdf"} <= changed
    assert not any("adelanto" in path for path in changed)
    # The open data follows the edit (the summary is a column of facilities), and lays out nothing.
    assert {"data/facilities.csv", "data/facilities.json"} <= changed and "data/events.csv" not in changed
    # Files whose bytes did not change are not written again.
    untouched = {path for path in after_hashes if path not in changed}
    assert untouched and all(after_times[path] == before_times[path] for path in untouched)
    # The Spanish page shows the new English sentence, marked, and the build says so.
    spanish = (project / "dist" / "es" / "etowah.html").read_text()
    assert '<span lang="en" class="fallback">Edited for the test.' in spanish
    out_of_date = r"Spanish translation out of date \(the catalog has a translation of earlier English\)"
    assert re.search(rf"facilities/etowah\.yaml:\d+:\d+: warning: {out_of_date}.*\[i18n\.fallback\]", out)


def test_a_corrupt_or_planted_cache_entry_is_a_miss(project: Path, tmp_path: Path) -> None:
    before = outputs(project)
    marker = tmp_path / "pwned"
    planted = pickle.dumps(Planted(marker))

    def spoil() -> set[str]:
        """Truncate half the chunks; plant a pickle with a matching hash in every other entry and the stamp."""
        cache = project / ".cache"
        for i, entry in enumerate(sorted(cache.rglob("*.bin"))):
            if entry.parent.parent.name == "chunks" and i % 2:
                entry.write_bytes(entry.read_bytes()[:100])  # the recorded hash no longer matches
            else:
                plant(entry, planted)
        (cache / "build-stamp.json").write_bytes(planted)
        return {p.relative_to(cache).parts[0] for p in cache.rglob("*") if p.is_file()}

    # Everything the tool keeps in .cache/ (a new kind of entry must be planted here too).
    kinds = {
        "load",
        "catalogs",
        "template-strings",
        "templates",
        "chunks",
        "assembled",
        "places",
        "maps",
        "share",
        "search",
        "glyphs",
        "cldr",
        "site-hidden",
    }
    kinds |= {"build-stamp.json", "build.lock"}
    # The fork server keeps what loading the stylesheets logged ("sheets") when it loads them; one
    # already running for the same stylesheets, from an earlier test in this process, does not.
    assert kinds <= spoil() <= kinds | {"sheets"}
    code, out, err = run_cli("--root", str(project), "check")
    assert code == 0, out + err
    spoil()
    (project / "dist" / "en" / "index.html").unlink()
    code, out, err = run_cli("--root", str(project), "build")
    assert code == 0, out
    assert len(rendered_chunks(err)) == 18  # 5 per language, a chapter and a share card per facility
    assert outputs(project) == before
    assert not marker.exists()


def test_a_clean_build_elsewhere_is_byte_identical(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    shutil.copytree(project, other, ignore=shutil.ignore_patterns(".cache", "dist"))
    code, out, err = build(other)
    assert code == 0, out + err
    assert outputs(other) == outputs(project)


def test_reports_too_big_for_a_worker_are_assembled_apart_and_the_same(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no report small enough for a worker (as in a 200-facility edition), both reports are
    assembled in a process of their own while the site renders, and come out byte for byte the same."""
    from report.commands import build as build_module

    apart: list[int] = []
    enter = build_module._Apart.__enter__

    def counted(self):  # type: ignore[no-untyped-def]
        apart.append(len(self.big))
        return enter(self)

    monkeypatch.setattr(build_module._Apart, "__enter__", counted)
    monkeypatch.setattr(build_module, "WORKER_ASSEMBLY_BUDGET", 0)
    other = tmp_path / "apart"
    shutil.copytree(project, other, ignore=shutil.ignore_patterns(".cache", "dist"))
    code, out, err = build(other)
    assert code == 0, out + err
    assert apart == [2]  # both languages' reports
    assert outputs(other) == outputs(project)


def test_progress_shows_done_and_total_and_guesses_no_time(tmp_path: Path) -> None:
    """The line said "about 58s left" on a build that took 2.4 s (every chunk from the cache): it
    divided the time since the start, the gather phase's too, by the chunks done. It says what is
    so, the chunks done and how (the summary line gives the time)."""
    root = copy_project(tmp_path / "p", ["etowah"])
    for how in ("rendered", "cached"):
        # The second build lays out nothing (every chunk is in .cache/), but writes dist/ again.
        (root / "dist").unlink(missing_ok=True)  # a link into .dist/, where each edition is written
        shutil.rmtree(root / ".dist", ignore_errors=True)
        code, out, err = run_cli("--root", str(root), "build", "--lang", "en")
        assert code == 0, out
        lines = [line for line in err.splitlines() if line.startswith("[")]
        assert re.fullmatch(rf"\[1/7\] \S+ \({how}\)", lines[0]), lines
        assert all(re.fullmatch(r"\[\d/7\] \S+ \((rendered|cached)\)", line) for line in lines), lines
        assert lines[-1].startswith("[7/7] ")
