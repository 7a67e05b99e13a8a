#!/usr/bin/env python3
"""Speed benchmark: the build against the naive baseline, on the shipped edition and on 200 facilities.

    python bench/run.py [--repeat 3] [--skip-200] [--keep DIR] [--preview-only] [--hostile-only]

The naive baseline is one WeasyPrint pass per language over the full report as a single HTML
document (front matter, every chapter and the back matter, page numbers by CSS counters and
target-counter), one language after the other. Every figure below is a ratio to it, measured in
the same run; times are medians of --repeat runs (the naive baseline and the cold build of the
200-facility edition run once: they take minutes). The 200-facility edition is made in a temporary
folder by cloning the shipped dossiers (and their Spanish translations) under new ids; it is never
committed as content. The live preview is timed in Chromium (the system's, as the tests drive
it): from a save to the open page showing the new sentence, median of 5 saves, each made once
the previous one's PDFs are built; `--preview-only` times only that, on a fresh copy of the
shipped edition (its first build is cold). `check` is timed on the shipped edition with values made
to be slow to read (`measure_hostile`), as a ratio to the plain `check`; `--hostile-only` times only
that. Exits 1 if a target is missed. The package's bytecode is compiled first (`compileall`), as an
installed package's is.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGETS = {
    "cold10": 0.6,
    "noop_seconds": 0.5,
    "edit10": 0.2,
    "edit200": 0.03,
    "rss200": 0.5,
    "rss200_bytes": 1 << 30,
    "check200_seconds": 3.0,
    "preview_seconds": 1.0,
    "hostile": 10.0,
}
EDIT_FILE = "facilities/adelanto.yaml"
PREVIEW_PAGE = "en/adelanto.html"  # the page of EDIT_FILE
PREVIEW_SAVES = 5


@dataclass
class Run:
    seconds: float
    peak_rss: int


PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


class TreeRss:
    """Samples the summed RSS of a process and all its descendants, keeping the peak."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> TreeRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        # Ten samples a second, each one read of /proc/<pid>/stat per process: cheap enough not
        # to take CPU from the build being measured (on 2 cores that would favour the naive
        # baseline, which leaves a core idle).
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(0.1)

    def _sample(self) -> int:
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_bytes()
            except OSError:
                continue
            fields = stat[stat.rindex(b")") + 2 :].split()  # after "pid (comm) "
            pid = int(entry.name)
            children.setdefault(int(fields[1]), []).append(pid)
            rss[pid] = int(fields[21]) * PAGE_SIZE
        total, stack = 0, [self.pid]
        while stack:
            pid = stack.pop()
            total += rss.get(pid, 0)
            stack.extend(children.get(pid, []))
        return total


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, codes: tuple[int, ...] = (0,)) -> Run:
    """Run a command, returning its wall time and the peak RSS of its process tree; it must exit
    with one of `codes`."""
    started = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with TreeRss(process.pid) as sampler:
        out, err = process.communicate()
        seconds = time.perf_counter() - started
    if process.returncode not in codes:
        sys.stderr.write(out.decode() + err.decode())
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    return Run(seconds, sampler.peak)


def build_cmd(project: Path, *extra: str) -> list[str]:
    return [sys.executable, str(REPO / "build.py"), "--root", str(project), "build", "--quiet", *extra]


PROJECT_PARTS = ("report.yaml", "facilities", "layouts", "i18n")


def copy_project(dest: Path) -> Path:
    """Copy the shipped edition's inputs (not its cache or outputs) into `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_PARTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        else:
            shutil.copy2(source, dest / name)
    return dest


def make_project(dest: Path, copies: int) -> Path:
    """Copy the shipped edition into `dest`, cloned `copies` times under new ids."""
    copy_project(dest)
    if copies > 1:
        _clone(dest, copies)
    return dest


def _clone(root: Path, copies: int) -> None:
    from babel.messages.pofile import read_po, write_po

    report = (root / "report.yaml").read_text()
    ids = re.search(r"^facilities:\n((?:  - .*\n)+)", report, re.M).group(1)
    originals = [line.strip()[2:] for line in ids.splitlines()]
    order = []
    for k in range(copies):
        for fid in originals:
            new = fid if k == 0 else f"{fid}-copy{k:02d}"
            order.append(new)
            if k:
                text = (root / f"facilities/{fid}.yaml").read_text()
                text = re.sub(r"^id: .*$", f"id: {new}", text, count=1, flags=re.M)
                (root / f"facilities/{new}.yaml").write_text(text)
    report = report.replace(ids, "".join(f"  - {fid}\n" for fid in order))
    (root / "report.yaml").write_text(report)
    subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--root", str(root), "extract"], check=True, capture_output=True
    )
    for po_path in (root / "i18n").glob("*/LC_MESSAGES/messages.po"):
        with open(po_path, "rb") as handle:
            catalog = read_po(handle)
        for message in list(catalog):
            if not message.context or message.context.split(":", 1)[0] not in originals:
                continue
            fid, rest = message.context.split(":", 1)
            for k in range(1, copies):
                catalog.add(message.id, message.string, list(message.locations), context=f"{fid}-copy{k:02d}:{rest}")
        with open(po_path, "wb") as handle:
            write_po(handle, catalog, width=76)
    subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--root", str(root), "update"], check=True, capture_output=True
    )


def naive_html(project: Path, lang: str) -> str:
    """Return the full report as one HTML document, as a single-pass renderer would take it."""
    from report.commands.gather import GatherOptions, gather
    from report.render.html import Renderer, TocEntry, environment

    gathered = gather(project, GatherOptions(time_today()))
    edition = gathered.edition
    loc = gathered.localizers[lang]
    renderer = Renderer(edition, loc, environment(project, loc))
    toc = [TocEntry("chapter", f"{f.id}-title", f.name, "", n) for n, f in enumerate(edition.facilities, 1)]
    toc += [TocEntry("back", f"{anchor}-title", title, "") for anchor, title in renderer.back_toc()]  # as the build's
    parts = [renderer.front_chunk(toc).html]
    parts += [renderer.chapter_chunk(f, n).html for n, f in enumerate(edition.facilities, 1)]
    parts.append(renderer.back_chunk().html)
    bodies = [re.search(r"<body[^>]*>(.*)</body>", html, re.S).group(1) for html in parts]
    head = re.search(r"^(.*?<body[^>]*>)", parts[0], re.S).group(1)
    html = head + "\n".join(bodies) + "</body></html>"
    # One document: links are plain anchors and page numbers come from CSS counters.
    html = html.replace('href="x-chunk:', 'href="#')
    html = re.sub(r'<span class="toc-page">[^<]*</span>', "", html)
    return html


NAIVE_CSS = """
@page { @bottom-center { content: counter(page); font: 600 8pt/1 var(--sans); color: var(--muted); } }
@page cover { @bottom-center { content: none; } }
@page back-cover { @bottom-center { content: none; } }
.toc-chapter a::after, .toc-back a::after { content: target-counter(attr(href), page); float: right; }
"""


def naive_run(project: Path, languages: list[str]) -> Run:
    """Time the naive baseline in a fresh process: one WeasyPrint pass per language, in turn."""
    script = f"""
import sys, weasyprint
from weasyprint.text.fonts import FontConfiguration
sys.path.insert(0, {str(REPO)!r})
from pathlib import Path
from bench.run import naive_html, NAIVE_CSS
project = Path({str(project)!r})
# With a font configuration, as WeasyPrint's documentation asks for @font-face: the report's own
# IBM Plex faces are loaded and embedded, so the naive pass prints the same report as the build.
fonts = FontConfiguration()
css = [weasyprint.CSS(filename=str(project / 'layouts/css/print.css'), font_config=fonts),
       weasyprint.CSS(string=NAIVE_CSS, font_config=fonts)]
for lang in {languages!r}:
    html = naive_html(project, lang)
    pdf = weasyprint.HTML(string=html, base_url=str(project / 'layouts/pdf') + '/').write_pdf(
        stylesheets=css, font_config=fonts, pdf_variant='pdf/ua-1')  # in memory: nothing left in /tmp
"""
    return timed([sys.executable, "-c", script], REPO)


def time_today():
    import datetime as dt

    return dt.date.today()


def median_run(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), max(r.peak_rss for r in runs))


def edit_sentence(project: Path, round_: int, word: str = "Edit") -> str:
    """Change one sentence in one dossier, differently each round; return the sentence added."""
    path = project / EDIT_FILE
    text = path.read_text()
    text = (
        re.sub(r"(summary: >-\n\s+)", rf"\g<1>{word} {round_}. ", text, count=1)
        if round_ == 0
        else re.sub(rf"{word} \d+\. ", f"{word} {round_}. ", text, count=1)
    )
    path.write_text(text)
    return f"{word} {round_}."


def measure_preview(project: Path, saves: int = PREVIEW_SAVES) -> list[float]:
    """Return the seconds from each of `saves` saves to the open page showing the new sentence, in Chromium.

    `./build.py serve` runs as a writer runs it; each save is made once the previous one's
    PDFs are built (the page reloads again then), so every save finds the preview idle.
    """
    from tests.browser import chromium

    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "--root", str(project), "serve", "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        # A benchmark started in the background (`... &` in a script) ignores SIGINT, and so would
        # the preview, which then never hears the Ctrl-C that stops it below.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
    if not match:
        process.kill()
        raise SystemExit(f"serve did not start: {first}{process.stdout.read()}")
    url = f"http://127.0.0.1:{match[1]}"
    threading.Thread(target=process.stdout.read, daemon=True).start()  # drain: its warnings fill the pipe

    def state() -> dict:
        with urllib.request.urlopen(f"{url}/__preview__/state", timeout=30) as response:
            return json.load(response)

    def pdfs_built(after: int) -> dict:
        while True:
            now = state()
            if now["generation"] > after and not now["building"] and not now["pages"]:
                if now["code"] != 0:
                    raise SystemExit(f"the preview's build failed: {now['summary']}")
                return now
            time.sleep(0.05)

    seconds = []
    try:
        print("  10 facilities: preview, first build…", flush=True)
        done = pdfs_built(0)
        with chromium() as browser:
            page = browser.new_page()
            page.goto(f"{url}/{PREVIEW_PAGE}")
            for round_ in range(saves):
                time.sleep(0.5)  # the page has reloaded after the last build
                started = time.perf_counter()
                sentence = edit_sentence(project, round_, "Preview")
                page.wait_for_function(f"document.body.innerText.includes({sentence!r})", timeout=120_000)
                seconds.append(time.perf_counter() - started)
                print(f"  10 facilities: preview, save {round_ + 1}/{saves}: {seconds[-1]:.2f} s", flush=True)
                done = pdfs_built(done["generation"])
            page.close()
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)
    return seconds


HOSTILE_SUMMARIES = {
    "facilities/winn.yaml": "{" + ":" * 200_000,  # a CSS rule never closed: once minutes to say so
    "facilities/alamance.yaml": "[@a- " * 150_000,  # a marker never closed, 150,000 times over
}
HOSTILE_ENTRY = (
    "#: " + "\u2068a " * 50_000 + "\n"
    'msgctxt "bench:hostile"\nmsgid "immigration detention"\nmsgstr "<' + "a-" * 50_000 + "%(" * 50_000 + '"\n'
)
"""A catalog entry whose references are isolates never closed and whose translation is one long tag
name, then `%(` never closed, for the glossary's term: each once read from every start."""


def measure_hostile(repeat: int, keep: Path | None) -> tuple[Run, Run]:
    """Return `check` on the shipped edition, and on it with values made to be slow to read: each
    far past its length limit, each once read in time that grows with its length squared (minutes,
    over a hundred times the plain `check`). No content hangs `check`: it says what is wrong in time
    that grows with the length, here mostly printing 150,000 findings (the target is 10 times)."""
    base = Path(tempfile.mkdtemp(prefix="bench-hostile-", dir=keep))
    project = copy_project(base / "project")
    check = [sys.executable, str(REPO / "build.py"), "--root", str(project), "check", "--quiet"]
    timed(check, REPO)  # warm the caches, as the other `check` row is
    plain = median_run([timed(check, REPO) for _ in range(repeat)])
    for rel, value in HOSTILE_SUMMARIES.items():
        path = project / rel
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\nsummary: >-\n(?:  .*\n)+", f"\nsummary: '{value}'\n", text, count=1), "utf-8")
    with (project / "i18n" / "es" / "LC_MESSAGES" / "messages.po").open("a", encoding="utf-8") as catalog:
        catalog.write("\n" + HOSTILE_ENTRY)
    print("  hostile values: check…", flush=True)
    hostile = median_run([timed(check, REPO, codes=(1,)) for _ in range(repeat)])
    if keep is None:
        shutil.rmtree(base, ignore_errors=True)
    return plain, hostile


def measure_edition(copies: int, repeat: int, keep: Path | None) -> dict[str, Run]:
    base = Path(tempfile.mkdtemp(prefix=f"bench{copies}-", dir=keep))
    project = make_project(base / "project", copies)
    languages = ["en", "es"]
    results: dict[str, Run] = {}
    print(f"  {copies * 10} facilities: naive baseline…", flush=True)
    slow = repeat if copies == 1 else 1  # the naive and cold 200-facility builds take minutes each
    results["naive"] = median_run([naive_run(project, languages) for _ in range(slow)])
    cold = []
    for _ in range(slow):
        shutil.rmtree(project / ".cache", ignore_errors=True)  # with it the published folders
        (project / "dist").unlink(missing_ok=True)  # the symlink to them
        print(f"  {copies * 10} facilities: cold build…", flush=True)
        cold.append(timed(build_cmd(project), REPO))
    results["cold"] = median_run(cold)
    results["noop"] = median_run([timed(build_cmd(project), REPO) for _ in range(repeat)])
    edits = []
    for round_ in range(repeat):
        edit_sentence(project, round_)
        print(f"  {copies * 10} facilities: rebuild after an edit ({round_ + 1}/{repeat})…", flush=True)
        edits.append(timed(build_cmd(project), REPO))
    results["edit"] = median_run(edits)
    results["check"] = median_run(
        [timed([sys.executable, str(REPO / "build.py"), "--root", str(project), "check"], REPO) for _ in range(repeat)]
    )
    if copies == 1:
        results["preview"] = Run(statistics.median(measure_preview(project)), 0)
    if keep is None:
        shutil.rmtree(base, ignore_errors=True)
    return results


PREVIEW_ROW = "preview save-to-page, 10 facilities (s)"
HOSTILE_ROW = "check, hostile values, 10 facilities (ratio)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-200", action="store_true", help="only the shipped edition")
    parser.add_argument("--keep", type=Path, default=None, help="keep the temporary projects under this folder")
    parser.add_argument("--preview-only", action="store_true", help="only the live preview's save-to-page time")
    parser.add_argument("--hostile-only", action="store_true", help="only `check` on values made to be slow to read")
    args = parser.parse_args()
    # The tool as installed: its bytecode compiled, as pip compiles a package it installs (an
    # editable install does not). Without it, under PYTHONDONTWRITEBYTECODE, every process the bench
    # starts (and every layout worker) compiled each module edited since the last compile: with 21
    # modules stale the cold build took 36.48 s (0.782x) and the no-op 0.42 s; with none, in the next
    # run, 30.99 s (0.639x) and 0.27 s.
    compileall.compile_dir(REPO / "report", quiet=1)
    rows = []
    ok = True
    if args.hostile_only:
        plain, hostile = measure_hostile(args.repeat, args.keep)
        ratio = hostile.seconds / plain.seconds
        print(
            f"{HOSTILE_ROW:<44} {ratio:9.3f} {plain.seconds:8.2f}  <= {TARGETS['hostile']}x check{'':11} "
            f"{'ok' if ratio <= TARGETS['hostile'] else 'MISSED'}"
        )
        print(f"  check {plain.seconds:.2f} s, with hostile values {hostile.seconds:.2f} s")
        return 0 if ratio <= TARGETS["hostile"] else 1
    if args.preview_only:
        print(f"benchmark on {os.cpu_count()} cores: the live preview, median of {PREVIEW_SAVES} saves", flush=True)
        base = Path(tempfile.mkdtemp(prefix="bench-preview-", dir=args.keep))
        latencies = measure_preview(make_project(base / "project", 1))
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
        value = statistics.median(latencies)
        passed = value <= TARGETS["preview_seconds"]
        print()
        print(f"{'measure':<44} {'value':>9} {'naive':>8}  {'target':<22} result")
        target = f"<= {TARGETS['preview_seconds']} s"
        print(f"{PREVIEW_ROW:<44} {value:9.3f} {'':8}  {target:<22} {'ok' if passed else 'MISSED'}")
        print(f"  each save (s): {', '.join(f'{s:.2f}' for s in latencies)}")
        return 0 if passed else 1
    print(f"benchmark on {os.cpu_count()} cores, median of {args.repeat}", flush=True)
    ten = measure_edition(1, args.repeat, args.keep)
    plain, hostile = measure_hostile(args.repeat, args.keep)
    two = None if args.skip_200 else measure_edition(20, args.repeat, args.keep)

    def row(name: str, value: float, baseline: float | None, target: str, passed: bool) -> None:
        nonlocal ok
        ok &= passed
        base = f"{baseline:8.2f}" if baseline is not None else " " * 8
        rows.append(f"{name:<44} {value:9.3f} {base}  {target:<22} {'ok' if passed else 'MISSED'}")

    n10 = ten["naive"].seconds
    row(
        "cold full build, 10 facilities (ratio)",
        ten["cold"].seconds / n10,
        n10,
        f"<= {TARGETS['cold10']}x naive",
        ten["cold"].seconds / n10 <= TARGETS["cold10"],
    )
    row(
        "no-op rebuild, 10 facilities (s)",
        ten["noop"].seconds,
        None,
        f"<= {TARGETS['noop_seconds']} s",
        ten["noop"].seconds <= TARGETS["noop_seconds"],
    )
    row(
        "edit one sentence, 10 facilities (ratio)",
        ten["edit"].seconds / n10,
        n10,
        f"<= {TARGETS['edit10']}x naive",
        ten["edit"].seconds / n10 <= TARGETS["edit10"],
    )
    row(
        PREVIEW_ROW,
        ten["preview"].seconds,
        None,
        f"<= {TARGETS['preview_seconds']} s",
        ten["preview"].seconds <= TARGETS["preview_seconds"],
    )
    row(
        HOSTILE_ROW,
        hostile.seconds / plain.seconds,
        plain.seconds,
        f"<= {TARGETS['hostile']}x check",
        hostile.seconds / plain.seconds <= TARGETS["hostile"],
    )
    if two is not None:
        n200 = two["naive"].seconds
        row(
            "edit one sentence, 200 facilities (ratio)",
            two["edit"].seconds / n200,
            n200,
            f"<= {TARGETS['edit200']}x naive",
            two["edit"].seconds / n200 <= TARGETS["edit200"],
        )
        peak = max(two["cold"].peak_rss, two["edit"].peak_rss)
        rss_ratio = peak / two["naive"].peak_rss
        row(
            "peak RSS, 200 facilities (ratio)",
            rss_ratio,
            two["naive"].peak_rss / 2**20,
            f"<= {TARGETS['rss200']}x naive, < 1 GiB",
            rss_ratio <= TARGETS["rss200"] and peak < TARGETS["rss200_bytes"],
        )
        row(
            "check offline, 200 facilities (s)",
            two["check"].seconds,
            None,
            f"<= {TARGETS['check200_seconds']} s",
            two["check"].seconds <= TARGETS["check200_seconds"],
        )
    print()
    print(f"{'measure':<44} {'value':>9} {'naive':>8}  {'target':<22} result")
    for line in rows:
        print(line)
    print()
    print("absolute figures (median seconds; peak RSS of the process tree in MiB):")
    for label, results in (("10 facilities", ten), ("200 facilities", two)):
        if results is None:
            continue
        for key, run in results.items():
            rss = f"  {run.peak_rss / 2**20:8.0f} MiB" if run.peak_rss else ""  # the preview's is not sampled
            print(f"  {label:<15} {key:<7} {run.seconds:8.2f} s{rss}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
