"""WeasyPrint's log becomes findings: a missing anchor or font is an error, bad CSS a warning at its stylesheet."""

from __future__ import annotations

import contextlib
import copy
import logging
import multiprocessing
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from report.findings import Policy
from report.pdf import paginate
from report.pdf.paginate import Job, Layout, Paginator, classify, layout_fingerprint, stylesheet_findings

from .conftest import FIXTURES, REPO, build, make_project

pytestmark = pytest.mark.private_chunks("tests the cache, budgets and killed layouts themselves")

PAGE = """<!DOCTYPE html><html lang="en" data-report-title="T"><head><meta charset="utf-8"><title>t</title></head>
<body>{}</body></html>"""


def lay_out(root: Path, *jobs: Job) -> list:
    with Paginator(Layout(root, None, 1)) as paginator:
        return [paginator.lay_out(job).result() for job in jobs]


def test_a_clean_chunk_has_no_findings() -> None:
    (chunk,) = lay_out(
        REPO,
        Job("en/clean", PAGE.format('<h1 id="a">A</h1><p><a href="#a">back</a></p>'), "facilities/x.yaml", "print"),
    )
    assert chunk.pages == 1 and chunk.pdf.startswith(b"%PDF-")
    assert chunk.findings == ()


def test_a_missing_anchor_is_an_error_at_the_dossier() -> None:
    (chunk,) = lay_out(
        REPO, Job("en/chapter/x", PAGE.format('<p><a href="#nowhere">lost</a></p>'), "facilities/x.yaml", "print")
    )
    assert [(f.level, f.code, str(f.loc)) for f in chunk.findings] == [("error", "pdf.anchor", "facilities/x.yaml")]
    assert "No anchor #nowhere" in chunk.findings[0].message


def test_a_font_that_fails_to_load_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(REPO / "layouts", root / "layouts")
    (root / "layouts" / "fonts" / "IBMPlexSerif-Regular.ttf").write_bytes(b"not a font")
    (chunk,) = lay_out(
        root, Job("en/chapter/x", PAGE.format("<p>Text in the serif.</p>"), "facilities/x.yaml", "print")
    )
    # At the face's url() in fonts-print.css (which print.css imports), not the dossier.
    assert [str(f) for f in chunk.findings] == [
        "layouts/css/fonts-print.css:4:84: error: Font-face 'Plex Serif' cannot be loaded:"
        " no font could be read from '../fonts/IBMPlexSerif-Regular.ttf' [pdf.font]"
    ]


def test_a_missing_font_file_is_one_error_at_its_url_for_every_sheet_that_imports_it(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(REPO / "layouts", root / "layouts")
    (root / "layouts" / "fonts" / "IBMPlexSans-Bold.ttf").rename(root / "layouts" / "fonts" / "Bold.ttf")
    findings = stylesheet_findings(root, None)
    assert [str(f) for f in findings] == [
        "layouts/css/fonts-print.css:11:83: error: Font-face 'Plex Sans' cannot be loaded:"
        " no font could be read from '../fonts/IBMPlexSans-Bold.ttf' [pdf.font]"
    ]
    text = (root / "layouts" / "css" / "fonts-print.css").read_text(encoding="utf-8").splitlines()[10]
    assert text[82:].startswith('url("../fonts/IBMPlexSans-Bold.ttf")')


def test_the_same_css_mistake_at_the_same_place_in_two_stylesheets_is_a_warning_in_each(tmp_path: Path) -> None:
    """WeasyPrint's record says the line and column, not the file: each stylesheet print.css loads
    that gives it has its own finding, and one no print stylesheet loads (draft.css) has none."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "layouts", root / "layouts")
    css = root / "layouts" / "css"
    print_css = (css / "print.css").read_text(encoding="utf-8")
    assert '@import "tokens.css";\n' in print_css
    imports = '@import "tokens.css";\n@import "extra-a.css";\n@import "extra-b.css";\n'
    (css / "print.css").write_text(print_css.replace('@import "tokens.css";\n', imports, 1), encoding="utf-8")
    for name in ("draft.css", "extra-a.css", "extra-b.css"):
        (css / name).write_text(".x { colr: red; }\n", encoding="utf-8")
    assert [str(f) for f in stylesheet_findings(root, None)] == [
        f"layouts/css/extra-{sheet}.css:1:6: warning: Ignored `colr: red`, unknown property. [pdf.css]"
        for sheet in "ab"
    ]


def test_an_import_of_a_missing_stylesheet_is_an_error_at_its_import_in_plain_words(tmp_path: Path) -> None:
    """WeasyPrint's record names the URL and Python's exception, not the `@import`: the finding is
    at the `@import` (in print.css, or in fonts-print.css, which it imports), from `check` and the build alike."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "layouts", root / "layouts")
    css = root / "layouts" / "css"
    for name, line, imported in (("print.css", 7, "missing.css"), ("fonts-print.css", 4, "../pdf/gone.css")):
        lines = (css / name).read_text(encoding="utf-8").splitlines(keepends=True)
        lines.insert(line - 1, f'@import "{imported}";\n')
        (css / name).write_text("".join(lines), encoding="utf-8")
    without = "the PDFs would be laid out without it [pdf.weasyprint]"
    expected = [
        f"layouts/css/fonts-print.css:4:1: error: @import of '../pdf/gone.css', which is not a file in layouts/pdf/: {without}",
        f"layouts/css/print.css:7:1: error: @import of 'missing.css', which is not a file in layouts/css/: {without}",
    ]
    assert [str(f) for f in stylesheet_findings(root, None)] == expected
    (chunk,) = lay_out(root, Job("en/chapter/x", PAGE.format("<p>Text.</p>"), "facilities/x.yaml", "print"))
    assert [str(f) for f in chunk.findings] == expected


def test_an_urgent_job_overtakes_the_queue() -> None:
    done: list[str] = []
    with Paginator(Layout(REPO, None, 1), lambda key, cached: done.append(key)) as paginator:
        jobs = [
            Job(f"en/chapter/{name}", PAGE.format(f"<p>{name}</p>"), "facilities/x.yaml", "print") for name in "abc"
        ]
        futures = [paginator.lay_out(jobs[0]), paginator.lay_out(jobs[1])]
        futures.append(paginator.lay_out(jobs[2], urgent=True))
        assert all(f.result().pages == 1 for f in futures)
    assert done == ["en/chapter/a", "en/chapter/c", "en/chapter/b"]


def test_waiting_jobs_start_by_rank_then_in_the_order_given() -> None:
    """The build queues each chapter as soon as it is rendered; those that wait for a worker start
    language by language, longest first (their rank), and the unranked ones after them."""
    done: list[str] = []
    with Paginator(Layout(REPO, None, 1), lambda key, cached: done.append(key)) as paginator:
        ranks = {"a": (1, 0), "b": None, "c": (1, 0), "d": (0, -5), "e": (0, -9)}
        futures = []
        for name, rank in ranks.items():
            job = Job(f"en/chapter/{name}", PAGE.format(f"<p>{name}</p>"), "facilities/x.yaml", "print")
            futures.append(paginator.lay_out(job) if rank is None else paginator.lay_out(job, rank=rank))
        assert all(f.result().pages == 1 for f in futures)
    # "a" starts at once (the worker is free); then the lowest rank first, "c" before "b".
    assert done == ["en/chapter/a", "en/chapter/e", "en/chapter/d", "en/chapter/c", "en/chapter/b"]


def test_calls_run_in_the_workers_after_the_queued_jobs() -> None:
    with Paginator(Layout(REPO, None, 2)) as paginator:
        assert paginator.call(pow, 2, 10).result() == 1024


def test_a_closed_paginator_takes_no_more_work(tmp_path: Path) -> None:
    """After Ctrl-C, a language's thread still asked for its front matter and assemblies: the
    paginator served the cached chunks (a progress line each) and started a new pool for the rest,
    and the interrupted build waited for it. Now what is asked for after `close` is cancelled."""
    done: list[tuple[str, bool]] = []
    job = Job("en/chapter/x", PAGE.format("<p>Text.</p>"), "facilities/x.yaml", "print")
    paginator = Paginator(Layout(REPO, tmp_path, 1), lambda key, cached: done.append((key, cached)))
    with paginator:
        paginator.lay_out(job).result()
    try:
        cached, called = paginator.lay_out(job), paginator.call(pow, 2, 10)
        assert (cached.cancelled(), called.cancelled(), paginator._pool) == (True, True, None)
        assert done == [("en/chapter/x", False)]  # no progress line for the cached chunk
    finally:
        paginator.close()


def test_ctrl_c_as_a_job_goes_to_the_pool_leaves_the_job_followed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C, held back while a job was handed to the pool, was raised before the job was
    followed: nothing settled its future (a language's thread waited on it for ever, and the
    interrupted build with it), and the pool, counted busy, never took another job."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in the build
    try:
        with Paginator(Layout(REPO, None, 1)) as paginator:
            pool = paginator._executor()
            submitted = []

            def submit(*args: object) -> object:
                submitted.append(pool_submit(*args))
                if len(submitted) == 1:
                    signal.raise_signal(signal.SIGINT)  # Ctrl-C, as the first job goes to a worker
                return submitted[-1]

            pool_submit = pool.submit
            monkeypatch.setattr(pool, "submit", submit)
            with pytest.raises(KeyboardInterrupt):
                paginator.call(pow, 2, 10)
            assert paginator.call(pow, 2, 3).result(timeout=60) == 8
    finally:
        signal.signal(signal.SIGINT, previous)


def _send_half_a_result(ready: int) -> None:
    """In a worker: send the first bytes of a result larger than a pipe holds (a chunk's PDF), say
    so on `ready`, and wait to be stopped, as a worker terminated halfway through sending is."""
    frame = sys._getframe()
    while "result_queue" not in frame.f_locals:  # concurrent.futures' worker loop, which sends the results
        frame = frame.f_back
    results = frame.f_locals["result_queue"]
    os.write(results._writer.fileno(), struct.pack("!i", 1 << 20) + b"\x80" * 100)
    os.write(ready, b"!")
    time.sleep(300)


def test_ctrl_c_as_a_worker_sends_its_chunk_leaves_nothing_waiting(tmp_path: Path) -> None:
    """Ctrl-C during the layout left the build running, silent, once in a few runs (the Ctrl-C test
    in test_publish.py timed out): a worker terminated halfway through sending its chunk (70 kB,
    more than a pipe holds) left the pool's thread reading the rest for ever, and `close` waited
    on that thread. The interrupted paginator now stops at once, the job's future broken."""
    ready, said = os.pipe()
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))  # inherits `said`
    paginator = Paginator(Layout(REPO, tmp_path, 1))
    paginator._pool = pool  # as the first job asked for starts it (a fork server's pool: seconds)
    results = pool._result_queue
    try:
        running = pool.submit(_send_half_a_result, said)
        assert select.select([ready], [], [], 60)[0] and os.read(ready, 1) == b"!"
        closing = threading.Thread(target=paginator.close, kwargs={"stop": True}, daemon=True)
        closing.start()
        closing.join(timeout=30)
        hung = closing.is_alive()
    finally:
        results._writer.close()  # lets the pool's thread go if `close` could not
        os.close(ready)
        os.close(said)
    assert not hung, "close waited for the rest of a result that a terminated worker never sent"
    assert isinstance(running.exception(timeout=30), BrokenProcessPool)


def linked_out(tmp_path: Path, stylesheet: str) -> tuple[Path, Path]:
    """Return a project whose `layouts/css/<stylesheet>` is a symlink to a file outside it, and that file."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "layouts", root / "layouts")
    outside = tmp_path / stylesheet
    shutil.move(root / "layouts" / "css" / stylesheet, outside)
    (root / "layouts" / "css" / stylesheet).symlink_to(outside)
    return root, outside


def test_when_a_worker_dies_every_job_waiting_fails_and_none_hangs(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    shutil.copytree(REPO / "layouts", root / "layouts")
    with Paginator(Layout(root, None, 1)) as paginator:
        dying = paginator.call(os._exit, 1)
        waiting = [
            paginator.lay_out(Job(f"chunk/{n}", PAGE.format(f"<p>{n}</p>"), "report.yaml", "print")) for n in range(3)
        ]
        for future in (dying, *waiting):
            assert isinstance(future.exception(timeout=30), BrokenProcessPool)


def test_a_stylesheet_linked_from_outside_layouts_is_refused(tmp_path: Path) -> None:
    """At the `@import` that names it, as `check` says (folios.css and share.css import it too: the first place)."""
    root, outside = linked_out(tmp_path, "tokens.css")
    (chunk,) = lay_out(root, Job("en/chapter/x", PAGE.format("<p>Text.</p>"), "facilities/x.yaml", "print"))
    refused = f"refused to read 'tokens.css': it resolves to '{outside}', outside layouts/ and facilities/ [pdf.fetch]"
    assert [str(f) for f in chunk.findings if f.code != "pdf.font"] == [f"layouts/css/print.css:6:1: error: {refused}"]
    # Without tokens.css no family is named: the text prints in the machine's font, which pdf.font says.
    assert [f.code for f in chunk.findings] == ["pdf.fetch", "pdf.font"]
    assert [str(f) for f in stylesheet_findings(root, None)] == [
        f"layouts/css/{name}: error: {refused}" for name in ("print.css:6:1", "folios.css:3:1", "share.css:4:1")
    ]


def test_a_url_a_print_stylesheet_names_is_refused_at_its_place_as_check_says_it(tmp_path: Path) -> None:
    """Every chapter that uses the rule of tests/fixtures/fetch-print-css meets the same finding,
    the one `check` prints, so the build prints it once; a URL of the chunk's own HTML is still
    at the chunk's source."""
    root = make_project(tmp_path, "fetch-print-css")
    strip = '<header class="chapter-strip"><p class="kicker">Chapter</p></header>'
    image = '<img src="https://example.org/y.png" alt="">'
    chunks = lay_out(
        root,
        Job("en/chapter/a", PAGE.format(strip), "facilities/a.yaml", "print"),
        Job("en/chapter/b", PAGE.format(strip + image), "facilities/b.yaml", "print"),
    )
    found = [str(f) for chunk in chunks for f in chunk.findings]
    remote = "the renderer reads only files under layouts/ and facilities/ and data: URLs, not 'https:' URLs"
    (expected,) = (FIXTURES / "fetch-print-css" / "expected.txt").read_text().splitlines()
    assert found == [
        expected,
        f"facilities/b.yaml: error: en/chapter/b: refused to read 'https://example.org/y.png': {remote} [pdf.fetch]",
        expected,
    ]
    assert [str(f) for f in Policy().apply(f for chunk in chunks for f in chunk.findings)].count(expected) == 1
    assert [str(f) for f in stylesheet_findings(root, None)] == [expected]


STARTS_OVER = """
import sys
from pathlib import Path

from report.pdf import paginate
from report.pdf.paginate import Job, Layout, Paginator


def fork_servers_font_folder():
    # In a worker: the folder of the fork server's FontConfiguration (a worker whose stylesheets
    # differ from the fork server's keeps the state it replaced in `_RETIRED`).
    state = paginate._RETIRED[0] if paginate._RETIRED else paginate._WORKER
    return str(state.fonts._folder)


if __name__ == "__main__":
    shipped, other, html = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    job = Job("en/chapter/x", html, "facilities/x.yaml", "print")
    with Paginator(Layout(shipped, None, 1)) as paginator:  # a new process: its fork server loads these
        assert paginator.lay_out(job).result().findings == ()
        shared = Path(paginator.call(fork_servers_font_folder).result())
    with Paginator(Layout(other, None, 1)) as paginator:  # its worker loads its own
        assert paginator.lay_out(job).result().findings == ()
    # Fontconfig rescans font folders now and then: a deleted one takes the faces with it.
    print("kept" if shared.is_dir() and any(shared.iterdir()) else "deleted")
"""


def test_a_worker_that_starts_over_leaves_the_fork_servers_fonts_alone(tmp_path: Path) -> None:
    """In a process of its own: this one's fork server was started for whichever project a test
    laid out first, maybe one whose stylesheets it could not load (then it has no fonts)."""
    other = tmp_path / "project"
    shutil.copytree(REPO / "layouts", other / "layouts")
    with (other / "layouts" / "css" / "print.css").open("a") as css:
        css.write("\n/* another layout: its workers load their own fonts */\n")
    script = tmp_path / "starts_over.py"
    script.write_text(STARTS_OVER, encoding="utf-8")
    html = PAGE.format("<p>Serif <em>italic</em>.</p>")
    run = subprocess.run(
        [sys.executable, str(script), str(REPO), str(other), html],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    assert (run.returncode, run.stdout, run.stderr) == (0, "kept\n", "")  # the fork server's folder, with its fonts


def test_a_print_stylesheet_linked_from_outside_layouts_is_refused_not_read(tmp_path: Path) -> None:
    root, outside = linked_out(tmp_path, "print.css")
    (chunk,) = lay_out(root, Job("en/chapter/x", PAGE.format("<p>Text.</p>"), "facilities/x.yaml", "print"))
    (fetch,) = [f for f in chunk.findings if f.code == "pdf.fetch"]  # the fallback font may add pdf.font
    assert str(fetch) == (
        "layouts/css/print.css: error: refused to read 'layouts/css/print.css':"
        f" it resolves to '{outside}', outside layouts/ and facilities/ [pdf.fetch]"
    )
    assert [f for f in stylesheet_findings(root, None) if f.code == "pdf.fetch"] == [fetch]  # `check` says it too


def test_a_layout_over_its_budget_is_an_error_and_the_worker_goes_on(tmp_path: Path) -> None:
    """A tiny budget instead of a slow chunk: no timed test. The one worker stops the layout,
    reports it, caches nothing, and lays out the same job again with a normal budget."""
    job = Job("en/chapter/x", PAGE.format("<p>A paragraph.</p>" * 200), "facilities/x.yaml", "print")
    with Paginator(Layout(REPO, tmp_path, 1)) as paginator:
        paginator.budget = 0.001
        over = paginator.lay_out(job).result()
        assert not list((tmp_path / "chunks").rglob("*.bin"))
        paginator.budget = 120
        again = paginator.lay_out(job).result()
    assert (over.pdf, over.pages) == (b"", 0)
    assert [(f.level, f.code, str(f)) for f in over.findings] == [
        (
            "error",
            "pdf.budget",
            "facilities/x.yaml: error: en/chapter/x: laying it out took longer than 0.001 s (layout_budget in"
            " report.yaml); shorten its longest paragraphs and lists, or raise the budget [pdf.budget]",
        )
    ]
    assert again.pdf.startswith(b"%PDF-") and again.pages >= 2 and again.findings == () and not again.cached


def test_a_chunk_laid_out_with_other_stylesheets_than_the_builds_key_is_an_error_and_not_cached(
    tmp_path: Path,
) -> None:
    """What a stylesheet saved between the build's fingerprint and the workers' reading of layouts/
    does, without a race: the build's fingerprint is not that of the files the workers parse."""
    job = Job("en/chapter/x", PAGE.format("<p>A paragraph.</p>"), "facilities/x.yaml", "print")
    layout = Layout(REPO, tmp_path, 1)
    layout.files = "0" * 64  # layouts/ as the build hashed it, before the save
    with Paginator(layout) as paginator:
        chunk = paginator.lay_out(job).result()
    assert (chunk.pdf, chunk.pages, chunk.cached) == (b"", 0, False)
    assert [str(f) for f in chunk.findings] == [
        "layouts: error: a file changed while the build was laying out the PDFs, which would mix two layouts:"
        " build again [pdf.changed]"
    ]
    assert not list((tmp_path / "chunks").rglob("*.bin"))


def test_stylesheets_saved_while_a_worker_reads_them_match_no_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save between the worker's two fingerprints of layouts/: its sheets are no layout's, not the build's."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "layouts", root / "layouts")
    fingerprint, files = layout_fingerprint(root), paginate.layout_files(root)
    load = paginate._load_sheets

    def load_then_save(*args: object) -> object:
        loaded = load(*args)  # type: ignore[arg-type]
        with (root / "layouts" / "css" / "tokens.css").open("a") as css:
            css.write("\n:root { --teal: #8f4c5c; }\n")
        return loaded

    logger = logging.getLogger("weasyprint")  # which a worker's set-up takes over: put back after the test
    for name in ("handlers", "level", "propagate"):
        monkeypatch.setattr(logger, name, copy.copy(getattr(logger, name)))
    monkeypatch.setattr(paginate, "_WORKER", None)  # this process's own, put back after the test
    monkeypatch.setattr(paginate, "_load_sheets", load_then_save)
    paginate._init_worker(str(root), fingerprint)
    *_, sheets, _served, _parts = paginate._render(
        Job("en/chapter/x", PAGE.format("<p>Text.</p>"), "facilities/x.yaml", "print")
    )
    assert sheets == "" != files


def test_a_worker_that_cannot_keep_the_stylesheets_findings_on_a_full_disk_still_lays_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker keeps what loading the stylesheets logged in .cache/sheets/ for `check`; on a full
    disk that raised in its set-up, the pool broke, and the build said "internal error
    (BrokenProcessPool) ... a bug in the tool" rather than where the disk refused it."""
    from report import project

    root = tmp_path / "project"
    shutil.copytree(REPO / "layouts", root / "layouts")

    def full(*args: object, **kwargs: object) -> None:
        raise project.DiskFull(28, "No space left on device", str(root / ".cache" / "sheets"))

    logger = logging.getLogger("weasyprint")  # which a worker's set-up takes over: put back after the test
    for name in ("handlers", "level", "propagate"):
        monkeypatch.setattr(logger, name, copy.copy(getattr(logger, name)))
    monkeypatch.setattr(paginate, "_WORKER", None)  # this process's own, put back after the test
    monkeypatch.setattr(paginate.cache, "put", full)
    paginate._init_worker(str(root), layout_fingerprint(root), str(root / ".cache"))
    _pdf, pages, *_ = paginate._render(Job("en/chapter/x", PAGE.format("<p>Text.</p>"), "facilities/x.yaml", "print"))
    assert pages == 1
    assert not (root / ".cache").exists()


def test_the_layout_fingerprint_covers_a_stylesheet_imported_from_another_folder(tmp_path: Path) -> None:
    """print.css may import a file of layouts/pdf/: editing it must lay the chunks out again, and
    editing one no print stylesheet imports must not."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "layouts", root / "layouts")
    extra = root / "layouts" / "pdf" / "extra.css"
    extra.write_text(".x { color: red; }\n", encoding="utf-8")
    before = layout_fingerprint(root)
    extra.write_text(".x { color: blue; }\n", encoding="utf-8")
    assert layout_fingerprint(root) == before  # imported by none
    print_css = root / "layouts" / "css" / "print.css"
    text = print_css.read_text(encoding="utf-8")
    print_css.write_text(
        text.replace('@import "tokens.css";\n', '@import "tokens.css";\n@import "../pdf/extra.css";\n')
    )
    imported = layout_fingerprint(root)
    assert imported != before
    extra.write_text(".x { color: green; }\n", encoding="utf-8")
    assert layout_fingerprint(root) != imported


def _png(path: Path, size: tuple[int, int]) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (200, 40, 40)).save(path, "PNG")


def _image_widths(pdf: bytes) -> list[int]:
    """Return the width of each image in a PDF (a page's own, or a background's pattern), in object order."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [
            int(obj.Width)
            for obj in document.objects
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == pikepdf.Name.Image
        ]


def test_the_site_stylesheet_and_icons_do_not_key_the_layout_and_what_the_print_stylesheets_name_does(
    tmp_path: Path,
) -> None:
    """The web editor's site.css and the favicon lay out no chunk; an image a stylesheet print.css
    imports names in a `url()` does, as the stylesheets do, and a chunk that uses it is cached."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "layouts", root / "layouts")
    layouts = root / "layouts"
    _png(layouts / "icons" / "mark.png", (3, 2))
    (layouts / "pdf" / "marks.css").write_text('.mark { background: url("../icons/mark.png") }\n', encoding="utf-8")
    print_css = layouts / "css" / "print.css"
    text = print_css.read_text(encoding="utf-8")
    print_css.write_text(
        text.replace('@import "tokens.css";\n', '@import "tokens.css";\n@import "../pdf/marks.css";\n')
    )
    before = layout_fingerprint(root)
    with (layouts / "css" / "site.css").open("a", encoding="utf-8") as css:
        css.write("\n.campaign-banner { color: #8f4c5c; }\n")
    (layouts / "icons" / "favicon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n', encoding="utf-8")
    assert layout_fingerprint(root) == before
    job = Job("en/chapter/x", PAGE.format('<p class="mark">Marked.</p>'), "facilities/x.yaml", "print")
    cache_dir = tmp_path / "cache"
    with Paginator(Layout(root, cache_dir, 1)) as paginator:
        first = paginator.lay_out(job).result()
        assert paginator.lay_out(job).result().cached  # all it read is in its key
    assert first.findings == () and _image_widths(first.pdf) == [3]
    _png(layouts / "icons" / "mark.png", (5, 2))
    assert layout_fingerprint(root) != before
    with Paginator(Layout(root, cache_dir, 1)) as paginator:
        again = paginator.lay_out(job).result()
    assert not again.cached and _image_widths(again.pdf) == [5]


def test_a_stylesheets_image_saved_after_the_workers_read_the_stylesheets_is_an_error_and_not_cached(
    tmp_path: Path,
) -> None:
    """WeasyPrint reads a `url()` image as it lays out a chunk that uses it, after the worker
    hashed layouts/: other bytes than the key's are a `pdf.changed` error, never a cache entry
    (which a later build would serve once the image is put back)."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "layouts", root / "layouts")
    layouts = root / "layouts"
    _png(layouts / "icons" / "mark.png", (3, 2))
    print_css = layouts / "css" / "print.css"
    with print_css.open("a", encoding="utf-8") as css:
        css.write('\n.mark { background: url("../icons/mark.png") }\n')
    cache_dir = tmp_path / "cache"
    with Paginator(Layout(root, cache_dir, 1)) as paginator:
        plain = paginator.lay_out(Job("en/chapter/a", PAGE.format("<p>Plain.</p>"), "facilities/a.yaml", "print"))
        assert plain.result().findings == ()
        _png(layouts / "icons" / "mark.png", (5, 2))  # saved while the build runs
        job = Job("en/chapter/b", PAGE.format('<p class="mark">Marked.</p>'), "facilities/b.yaml", "print")
        chunk = paginator.lay_out(job).result()
    assert (chunk.pdf, chunk.pages, chunk.cached) == (b"", 0, False)
    assert [str(f) for f in chunk.findings] == [
        "layouts: error: a file changed while the build was laying out the PDFs, which would mix two layouts:"
        " build again [pdf.changed]"
    ]
    assert len(list((cache_dir / "chunks").rglob("*.bin"))) == 1  # the plain chunk's


def test_a_chunk_whose_layout_reads_a_file_its_key_does_not_name_is_not_served_after_it_changes(
    tmp_path: Path,
) -> None:
    """The key names the print stylesheets, what they name, and the job's assets. A chunk whose
    HTML names another file (here an image it does not list in `Job.assets`) is laid out, but not
    cached: after that file changes, the next build lays it out with the new bytes."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "layouts", root / "layouts")
    image = root / "facilities" / "images" / "b.png"
    _png(image, (3, 2))
    job = Job(
        "en/chapter/x",
        PAGE.format('<img src="../../facilities/images/b.png" alt="A red square.">'),
        "facilities/x.yaml",
        "print",
    )
    cache_dir = tmp_path / "cache"
    with Paginator(Layout(root, cache_dir, 1)) as paginator:
        first = paginator.lay_out(job).result()
    assert first.findings == () and _image_widths(first.pdf) == [3]
    _png(image, (5, 2))
    with Paginator(Layout(root, cache_dir, 1)) as paginator:
        again = paginator.lay_out(job).result()
    assert not again.cached and _image_widths(again.pdf) == [5]
    assert not list((cache_dir / "chunks").rglob("*.bin"))
    listed = Job(job.key, job.html, job.source, job.stylesheet, assets=("facilities/images/b.png",))
    with Paginator(Layout(root, cache_dir, 1)) as paginator:
        assert not paginator.lay_out(listed).result().cached
        assert paginator.lay_out(listed).result().cached  # listed, it is in the key


def test_the_layout_fingerprint_covers_the_fonts_the_print_stylesheets_declare_and_no_other(tmp_path: Path) -> None:
    """The site's WOFF2 faces lay out no chunk: saving one must not lay out every chunk again. A
    face the print stylesheets declare (a TrueType one, or a WOFF2 once they name it) must."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "layouts", root / "layouts")
    fonts = root / "layouts" / "fonts"
    before = layout_fingerprint(root)
    woff2 = fonts / "IBMPlexSans-Bold.woff2"
    woff2.write_bytes(woff2.read_bytes() + b"\0")
    assert layout_fingerprint(root) == before
    ttf = fonts / "IBMPlexSans-Bold.ttf"
    ttf.write_bytes(ttf.read_bytes() + b"\0")
    declared = layout_fingerprint(root)
    assert declared != before
    css = root / "layouts" / "css" / "fonts-print.css"
    css.write_text(css.read_text(encoding="utf-8").replace("IBMPlexSans-Bold.ttf", "IBMPlexSans-Bold.woff2"), "utf-8")
    assert paginate.declared_faces(root)[-1] == "layouts/fonts/IBMPlexSans-Bold.woff2"
    named = layout_fingerprint(root)
    woff2.write_bytes(woff2.read_bytes() + b"\0")
    assert named != declared and layout_fingerprint(root) != named


def test_a_cached_chunk_is_held_to_a_lowered_budget(tmp_path: Path) -> None:
    """Lowering layout_budget must not pass a chunk from the cache that a build of a copy would refuse."""
    job = Job("en/chapter/x", PAGE.format("<p>A paragraph.</p>" * 200), "facilities/x.yaml", "print")
    with Paginator(Layout(REPO, tmp_path, 1)) as paginator:
        first = paginator.lay_out(job).result()
        assert first.seconds > 0.001 and not first.cached
        assert paginator.lay_out(job).result().cached  # the same budget: from the cache
        paginator.budget = 0.001  # below the first layout's time, and below any layout's on a busy machine
        lowered = paginator.lay_out(job).result()
    assert not lowered.cached and [f.code for f in lowered.findings] == ["pdf.budget"]


def test_a_build_with_a_chunk_over_budget_fails_with_a_finding_naming_it(tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path)
    shutil.copytree(REPO / "layouts", root / "layouts")
    with (root / "report.yaml").open("a", encoding="utf-8") as report:
        report.write("layout_budget: 0.001\n")
    code, out, err = build(root)
    assert "Traceback" not in out + err
    assert [line for line in out.splitlines() if "error:" in line] == [
        f"{source}: error: en/{key}: laying it out took longer than 0.001 s (layout_budget in report.yaml);"
        " shorten its longest paragraphs and lists, or raise the budget [pdf.budget]"
        for source, key in (
            ("facilities/sample.yaml", "chapter/sample"),
            ("facilities/sample.yaml", "share/sample"),
            ("report.yaml", "back"),
        )
    ]
    assert out.rstrip().endswith("build failed with 3 errors: nothing was written to dist/")
    assert code == 1
    assert not (root / "dist").exists()


def test_the_workers_run_this_package_whatever_folder_the_build_starts_in(tmp_path: Path, fixed_today: None) -> None:
    """A `report` package in the working directory is not what the fork server (and every worker) imports."""
    root = make_project(tmp_path)
    shutil.copytree(REPO / "layouts", root / "layouts")
    elsewhere = tmp_path / "elsewhere"
    decoy = elsewhere / "report" / "pdf"
    decoy.mkdir(parents=True)
    for module in (decoy.parent / "__init__.py", decoy / "__init__.py", decoy / "paginate.py"):
        module.write_text("", encoding="utf-8")  # a `report` package whose paginate lays out nothing
    run = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--root", str(root), "build"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert (root / "dist" / "en" / "sample-en.pdf").read_bytes().startswith(b"%PDF-")


def _descendants(pid: int) -> set[int]:
    """Return the processes below `pid` (from /proc: their parents)."""
    parents = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            ppid = next(line for line in status.read_text().splitlines() if line.startswith("PPid:"))
        except (OSError, StopIteration):
            continue  # ended meanwhile
        parents[int(status.parent.name)] = int(ppid.split()[1])
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        children = {child for child, of in parents.items() if of == parent}
        todo += children - found
        found |= children
    return found


def _running(pid: int) -> bool:
    """Whether a process exists and has not ended: one that ended and that no parent has waited for
    yet (a zombie, whose parent was the build) holds nothing but its number until its new parent,
    the init process or a subreaper, waits for it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return not re.search(r"^State:\s+Z", status, re.MULTILINE)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads processes from /proc")
def test_a_build_killed_outright_leaves_no_process_behind(
    tmp_path: Path, fixed_today: None, short_temporary: Path
) -> None:
    """kill -9 (or the out-of-memory killer) gives the build no chance to stop its workers: they
    stop themselves, and with them the fork server and the resource tracker, each removing its
    temporary folder."""
    root = make_project(tmp_path)
    shutil.copytree(REPO / "layouts", root / "layouts")
    temporary = short_temporary
    build = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "--root", str(root), "build"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TMPDIR": str(temporary)},
    )
    left: set[int] = set()
    try:
        chunks = root / ".cache" / "chunks"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and build.poll() is None and not any(chunks.glob("*")):
            time.sleep(0.05)  # until a worker has laid out a chunk
        left = _descendants(build.pid)
        assert build.poll() is None and any(_descendants(pid) for pid in left), "no worker was running"
        build.kill()
        build.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_running(pid) for pid in left):
            time.sleep(0.1)
        assert not [pid for pid in left if _running(pid)]
        # The build's own folder of multiprocessing (its fork server's socket, no bytes) stays:
        # kill -9 gives the build no chance. What the workers and the fork server copied goes.
        assert [path.name for path in temporary.iterdir() if not path.name.startswith("pymp-")] == []
    finally:
        build.kill()
        for pid in left:  # what a failure leaves behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


WORKERS_WITH_THEIR_OWN_STYLESHEETS = """
import os, sys, time
from pathlib import Path
from report.pdf.paginate import Layout, Paginator

root, temporary = Path(sys.argv[1]), Path(sys.argv[2])
css = root / "layouts" / "css" / "print.css"
with Paginator(Layout(root, None, 2)) as paginator:  # the fork server loads these stylesheets
    paginator.call(os.getpid).result()
for stop in (False, True):
    css.write_text(css.read_text(encoding="utf-8") + "\\n/* saved */\\n", encoding="utf-8")
    paginator = Paginator(Layout(root, None, 2))  # its two workers load the saved ones themselves
    running = [paginator.call(time.sleep, 30 if stop else 0.5) for _ in range(2)]
    while len(list(temporary.iterdir())) < 3:  # the fork server's folder and each worker's
        time.sleep(0.05)
    time.sleep(1.0)  # each worker loads the stylesheets and their fonts
    if not stop:
        for future in running:
            future.result()
    paginator.close(stop=stop)  # with `stop`, the workers are terminated halfway through a job
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads processes from /proc")
def test_workers_that_load_the_stylesheets_themselves_leave_no_temporary_files(
    tmp_path: Path, short_temporary: Path
) -> None:
    """WeasyPrint copies the fonts into a temporary folder that a worker never removed (it ends
    with os._exit): 1.7 MB left in /tmp by each worker after each designer's save in the preview."""
    root = make_project(tmp_path)
    shutil.copytree(REPO / "layouts", root / "layouts")
    temporary = short_temporary
    process = subprocess.Popen(
        [sys.executable, "-c", WORKERS_WITH_THEIR_OWN_STYLESHEETS, str(root), str(temporary)],
        cwd=REPO,
        env={**os.environ, "TMPDIR": str(temporary)},
        start_new_session=True,
    )
    try:
        assert process.wait(timeout=120) == 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_running(pid) for pid in _group(process.pid)):
            time.sleep(0.1)  # the fork server ends after the process that started it
        assert not _group(process.pid)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    assert sorted(path.name for path in temporary.iterdir()) == []


def _group(group: int) -> list[int]:
    """Return the running processes of a process group (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group and fields[0] != "Z":
                found.append(int(stat.parent.name))
    return found


def test_a_temporary_folder_too_long_for_the_fork_servers_socket_is_a_usage_error(
    tmp_path: Path, short_temporary: Path
) -> None:
    """multiprocessing starts its fork server through a socket in the temporary folder, whose path
    the system limits (108 bytes on Linux): under a long TMPDIR the build said it had met a bug in
    the tool (exit 3). The user can fix it, so it is a usage error that says how."""
    root = make_project(tmp_path)
    shutil.copytree(REPO / "layouts", root / "layouts")
    long = short_temporary / ("x" * 90)
    long.mkdir()
    run = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--root", str(root), "build"],
        capture_output=True,
        text=True,
        env={**os.environ, "TMPDIR": str(long)},
        check=False,
    )
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == (
        f"build.py: error: the temporary folder {long} has too long a path for the socket the layout workers"
        " are started through (the system allows about 100 characters, with the socket's own name);"
        " set TMPDIR to a shorter folder, such as TMPDIR=/tmp\n"
    )
    assert not (root / "dist").exists()


# -- WeasyPrint's records, classified by what they mean --------------------------------------------


@pytest.mark.parametrize(
    ("level", "template", "expected"),
    [
        ("WARNING", "Ignored `%s: %s` at %d:%d, %s.", ("warning", "pdf.css")),  # `font-smooth` too: bad CSS is skipped
        ("WARNING", "Parse error at %d:%d: %s", ("warning", "pdf.css")),
        ("WARNING", "Font-face %r cannot be loaded", ("error", "pdf.font")),  # the PDF would print in another face
        (
            "WARNING",
            '.notdef glyph rendered for Unicode string unsupported by fonts: "%s" (U+%04X)',
            ("error", "pdf.font"),
        ),
        ("WARNING", "This row has more columns than the table, ignored %d cells", ("warning", "pdf.weasyprint")),
        ("ERROR", "No anchor #%s for internal URI reference", ("error", "pdf.anchor")),
        ("ERROR", "Failed to load image at %r: %s", ("error", "pdf.weasyprint")),
    ],
)
def test_records_are_classified_by_their_level_and_template(
    level: str, template: str, expected: tuple[str, str]
) -> None:
    assert classify(level, template) == expected


def test_a_bad_css_declaration_is_one_warning_at_its_line_in_its_stylesheet(tmp_path: Path) -> None:
    """Not one finding per chunk against the dossiers, and not an error because the property says "font"."""
    root = make_project(tmp_path)
    shutil.copytree(REPO / "layouts", root / "layouts")
    lines = {}
    for name, rule in (("print.css", ".facts { font-smooth: auto; }"), ("tokens.css", ".x { colour: red; }")):
        path = root / "layouts" / "css" / name
        text = path.read_text(encoding="utf-8").rstrip("\n") + "\n"
        path.write_text(f"{text}{rule}\n", encoding="utf-8")
        lines[name] = text.count("\n") + 1
    code, out, err = build(root)
    assert [line for line in out.splitlines() if "[pdf." in line] == [
        f"layouts/css/print.css:{lines['print.css']}:10: warning: Ignored `font-smooth: auto`, unknown property. [pdf.css]",
        f"layouts/css/tokens.css:{lines['tokens.css']}:6: warning: Ignored `colour: red`, unknown property. [pdf.css]",
    ]
    assert code == 0, out + err


def _sheets(root: Path, files: dict[str, str]) -> None:
    (root / "layouts" / "css").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / "layouts" / "css" / name).write_text(text, encoding="utf-8")


def test_sheet_texts_are_in_cascade_order_each_import_where_it_is(tmp_path: Path) -> None:
    """Siblings came out backwards (`[a1, b, a, tokens, fonts, site]`): the order read, reversed. An
    imported sheet cascades where its `@import` is, depth first, the importing sheet after its imports."""
    _sheets(
        tmp_path,
        {
            "site.css": '@import "fonts.css";\n@import "tokens.css";\n@import "a.css";\n@import url(b.css) print;\np {}\n',
            "fonts.css": "",
            "tokens.css": '@import "a.css";\n',  # a.css cascades at its first @import, once
            "a.css": '@import "a1.css" screen;\n',
            "a1.css": '@import "a.css";\n',  # a sheet on the way to it is not taken again
            "b.css": "",
            "print.css": '@import "a.css";\n@import "b.css";\n',
        },
    )
    assert [(path, media) for path, _, media in paginate.sheet_texts(str(tmp_path), "site")] == [
        ("layouts/css/fonts.css", ()),
        ("layouts/css/a1.css", ("screen",)),
        ("layouts/css/a.css", ()),
        ("layouts/css/tokens.css", ()),
        ("layouts/css/b.css", ("print",)),
        ("layouts/css/site.css", ()),
    ]
    assert [path for path, _, _ in paginate.sheet_texts(str(tmp_path), "print")] == [
        "layouts/css/a1.css",
        "layouts/css/a.css",
        "layouts/css/b.css",
        "layouts/css/print.css",
    ]


def test_the_pdfs_hiding_rule_is_the_later_sibling_that_wins(tmp_path: Path) -> None:
    """`pdf.hidden` names the last rule that hides an element, as cascaded: with siblings backwards it
    named the sheet that loses."""
    from report.findings import Loc
    from report.pdf import verify

    hiding = ".review-mark { display: none }\n"
    _sheets(tmp_path, {"print.css": '@import "a.css";\n@import "b.css";\n', "a.css": hiding, "b.css": hiding})
    rules = verify._hiding_rules(paginate.sheet_texts(str(tmp_path), "print"))
    assert [loc for _, loc in rules] == [Loc("layouts/css/a.css", 1, 16), Loc("layouts/css/b.css", 1, 16)]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("block", "none", ["layouts/css/b.css:1:17"]),  # b.css comes later and wins: the notes are hidden
        ("none", "block", []),  # a.css hides them, but b.css, later, shows them
    ],
)
def test_site_hidden_judges_sibling_imports_in_the_order_a_browser_applies_them(
    tmp_path: Path, a: str, b: str, expected: list[str]
) -> None:
    """The build let `b.css`'s `display: none` through and refused `a.css`'s, which b.css overrides."""
    from report.commands.build import SiteHidden
    from report.publish import Output

    page = (
        '<!DOCTYPE html><html lang="en"><head><link rel="stylesheet" href="../assets/css/site.css"></head>'
        '<body><main><aside class="editorial-note" role="note">'
        "<p>Editor's note.</p></aside></main></body></html>"
    )
    _sheets(
        tmp_path,
        {
            "site.css": '@import "a.css";\n@import "b.css";\n',
            "a.css": f".editorial-note{{display:{a}}}\n",
            "b.css": f".editorial-note{{display:{b}}}\n",
        },
    )
    found = SiteHidden(tmp_path, tmp_path / ".cache").findings([Output("en/a.html", page.encode(), "page")])
    assert [f"{f.loc.path}:{f.loc.line}:{f.loc.col}" for f in found] == expected
    assert all(f.code == "site.hidden" and f.level == "error" for f in found)


def test_site_pages_asked_of_a_closed_paginator_are_answered_by_the_build_itself(tmp_path: Path) -> None:
    """The build asks the layout workers what a site page hides; a paginator already closed (the
    reports too big for a worker stopped it) cancels the question, and the page is answered here,
    with the same finding, not a CancelledError."""
    from concurrent.futures import Future

    from report.commands.build import SiteHidden
    from report.publish import Output

    class Closed:
        def call(self, function: object, *args: object) -> Future:
            cancelled: Future = Future()
            cancelled.cancel()
            return cancelled

    page = (
        '<!DOCTYPE html><html lang="en"><head><link rel="stylesheet" href="../assets/css/site.css"></head>'
        '<body><main><aside class="editorial-note" role="note"><p>A note.</p></aside></main></body></html>'
    )
    _sheets(tmp_path, {"site.css": ".editorial-note { display: none }\n"})
    pages = [Output("en/a.html", page.encode(), "page")]
    hidden = SiteHidden(tmp_path, tmp_path / ".cache", Closed())  # type: ignore[arg-type]
    hidden.ask(pages)
    assert [f"{f.loc.path}:{f.loc.line}:{f.loc.col} {f.code}" for f in hidden.findings(pages)] == [
        "layouts/css/site.css:1:19 site.hidden"
    ]


def test_a_site_page_the_cache_has_answered_is_not_asked_of_the_workers(tmp_path: Path) -> None:
    """A build whose chunks all came from the cache started the layout workers anyway, to ask them
    what its unchanged pages hide: on a full disk they could not start, and the build stopped with
    an internal error before it could say the disk refused dist/ (tests/test_disk_full.py)."""
    from concurrent.futures import Future

    from report.commands.build import SiteHidden
    from report.publish import Output

    class Workers:
        def __init__(self) -> None:
            self.asked: list[str] = []

        def call(self, function: Any, *args: Any) -> Future:
            self.asked.append(args[-1])
            done: Future = Future()
            done.set_result(function(*args))
            return done

    page = (
        '<!DOCTYPE html><html lang="en"><head><link rel="stylesheet" href="../assets/css/site.css"></head>'
        '<body><main><aside class="editorial-note" role="note"><p>A note.</p></aside></main></body></html>'
    )
    _sheets(tmp_path, {"site.css": ".editorial-note { display: none }\n"})
    pages = [Output("en/a.html", page.encode(), "page"), Output("en/b.html", page.encode() + b"\n", "page")]
    first, second = Workers(), Workers()
    found = []
    for workers in (first, second):
        hidden = SiteHidden(tmp_path, tmp_path / ".cache", workers)  # type: ignore[arg-type]
        hidden.ask(pages)
        found.append([str(finding) for finding in hidden.findings(pages)])
    assert first.asked == ["en/a.html", "en/b.html"] and second.asked == []
    assert found[0] == found[1] and len(found[0]) == 1


# -- each run of text broken into its first line once per document ------------------------------

FOOTNOTES_HTML = (
    """<!doctype html><html lang="en"><head><title>t</title><style>
@page { size: 300px 400px; margin: 20px }
.note { float: footnote }
</style></head><body>
<p>A paragraph that runs over several lines of text, each of them broken where the width ends.
"""
    + "".join(
        f'Sentence {n} cites a source.<span class="note">Source {n}, a note long enough to take a line.</span> '
        for n in range(1, 9)
    )
    + "</p></body></html>"
)


def test_the_private_weasyprint_function_remember_first_lines_wraps_has_its_signature() -> None:
    """WeasyPrint is pinned to a minor release because of it: on an upgrade, this says it moved."""
    import inspect

    from weasyprint.layout import inline, preferred
    from weasyprint.text import line_break

    paginate.remember_first_lines()
    parameters = ["text", "style", "context", "max_width", "justification_spacing", "is_line_start", "minimum"]
    assert list(inspect.signature(line_break.split_first_line).parameters) == parameters
    assert inline.split_first_line is preferred.split_first_line
    assert getattr(inline.split_first_line, "remembers_first_lines", False)


def test_the_private_weasyprint_functions_remember_note_layouts_wraps_have_their_signatures() -> None:
    """WeasyPrint is pinned to a minor release because of them too: on an upgrade, this says they moved."""
    import inspect

    from weasyprint.layout import LayoutContext, block

    paginate.remember_note_layouts()
    wrapped = block.block_level_layout.__wrapped__
    parameters = ["context", "box", "bottom_space", "skip_stack", "containing_block", "page_is_empty"]
    parameters += ["absolute_boxes", "fixed_boxes", "adjoining_margins", "first_letter_style", "first_line_style"]
    parameters += ["discard", "max_lines"]
    assert list(inspect.signature(wrapped).parameters) == parameters
    assert list(inspect.signature(block.block_level_layout).parameters) == parameters
    assert list(inspect.signature(block.block_level_layout_switch).parameters) == parameters
    assert list(inspect.signature(LayoutContext._update_footnote_area.__wrapped__).parameters) == ["self"]
    assert getattr(block.block_level_layout, "remembers_notes", False)


def test_a_document_breaks_each_run_of_text_once_and_lays_out_to_the_same_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A footnote joining the page lays the footnote area out again, notes and all: each of
    their lines is broken once, and the PDF is the same as when every layout breaks it again."""
    from weasyprint import HTML
    from weasyprint.layout import inline, preferred
    from weasyprint.text import line_break

    paginate.remember_first_lines()
    paginate.remember_note_layouts()  # as in every worker (and in this process once a test has started one here)
    original, calls = line_break.split_first_line, []

    def counted(*args: object, **flags: object) -> object:
        calls.append(args)
        return original(*args, **flags)

    monkeypatch.setattr(line_break, "split_first_line", counted)
    remembered = HTML(string=FOOTNOTES_HTML).write_pdf(pdf_identifier=b"same")
    once = len(calls)
    calls.clear()
    monkeypatch.setattr(inline, "split_first_line", counted)  # every layout breaks its lines again
    monkeypatch.setattr(preferred, "split_first_line", counted)
    again = HTML(string=FOOTNOTES_HTML).write_pdf(pdf_identifier=b"same")
    assert remembered == again
    assert (once, len(calls)) == (38, 85)  # distinct breaks, and all the layouts asked for


def test_a_page_lays_each_of_its_notes_out_once_and_to_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each note joining the page lays the footnote area out again, with the notes already there:
    each of those is laid out once, and the PDF is the same as when the area lays them all out again."""
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox
    from weasyprint.layout import LayoutContext, block

    paginate.remember_first_lines()
    paginate.remember_note_layouts()
    switch, notes = block.block_level_layout_switch, []

    def counted(context: object, box: object, bottom: float, skip: object, containing: object, *rest: object) -> object:
        if type(containing) is FootnoteAreaBox:
            notes.append(box)
        return switch(context, box, bottom, skip, containing, *rest)

    monkeypatch.setattr(block, "block_level_layout_switch", counted)
    remembered = HTML(string=FOOTNOTES_HTML).write_pdf(pdf_identifier=b"same")
    once = len(notes)
    notes.clear()
    monkeypatch.setattr(block, "block_level_layout", block.block_level_layout.__wrapped__)
    monkeypatch.setattr(LayoutContext, "_update_footnote_area", LayoutContext._update_footnote_area.__wrapped__)
    again = HTML(string=FOOTNOTES_HTML).write_pdf(pdf_identifier=b"same")
    assert remembered == again
    assert (once, len(notes)) == (16, 28)  # notes laid out, in the measuring and the drawn areas


# -- what a job costs besides its layout -----------------------------------------------------------


def test_a_job_is_laid_out_with_the_garbage_collector_paused_and_resumed_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The collector's passes during a layout scan objects that are not garbage yet: it is off
    while the job runs, and on again after it, however the job ends (here, stopped mid-layout)."""
    import gc
    from types import SimpleNamespace

    class Stopped(Exception):
        pass

    seen: list[bool] = []

    def lay_out(html: object, render: object) -> None:
        seen.append(gc.isenabled())
        raise Stopped

    empty = SimpleNamespace(records=[], refused=[], served={})
    worker = SimpleNamespace(
        collector=empty,
        fetcher=empty,
        weasyprint=SimpleNamespace(HTML=lambda **_: None),
        sheets={"print": []},
        fonts=None,
        base_url="",
    )
    monkeypatch.setattr(paginate, "_WORKER", worker)
    monkeypatch.setattr(paginate.verify, "lay_out", lay_out)
    assert gc.isenabled()
    with pytest.raises(Stopped):
        paginate._render(Job("en/chapter/x", "<p>x</p>", "facilities/x.yaml", "print"))
    assert (seen, gc.isenabled()) == ([False], True)
