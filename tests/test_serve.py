"""`serve`: the live preview, run as a writer runs it (a subprocess) on a one-facility project."""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import queue
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable, Iterator

import pytest
from pypdf import PdfReader

from report import project as project_paths
from report import publish, stamp
from report.commands import serve as serve_module
from report.commands.build import BuildOptions, Built, Paged, pages
from report.commands.serve import Preview, PreviewHandler, _Watcher, inject, open_server
from report.findings import Loc, Policy, error, warning
from report.publish import Output

from .conftest import REPO, copy_project, interruptible, kill_group, make_project, run_cli

FACILITY = "lasalle"
SUMMARIES = ("built ", "build failed ", "dist/ is up to date")
SCRIPT_TAG = '<script src="/__preview__/preview.js" data-served="{}"></script>\n</body>'
PAGES = re.compile(r"pages of en, es rendered in \d+\.\d\d s; PDFs updating")
UPDATING_EN = "download>Download this chapter (PDF updating)</a>"
UPDATING_ES = "download>Descarga este capítulo (PDF en actualización)</a>"
SIZED_EN = re.compile(r"download>Download this chapter \(PDF, \d+ KB, \d+ pages\)</a>")


class Serving:
    """A `build.py serve --port 0` process, its address, and its output line by line."""

    def __init__(self, root: Path):
        self.root = root
        self.proc = interruptible(
            [sys.executable, str(REPO / "build.py"), "--root", str(root), "serve", "--port", "0"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        first = self.line(timeout=60)
        match = re.fullmatch(r"serving dist/ at http://127\.0\.0\.1:(\d+)/ \(Ctrl-C to stop\)", first)
        assert match, first
        self.port = int(match[1])
        self.url = f"http://127.0.0.1:{self.port}"

    def _read(self) -> None:
        assert self.proc.stdout is not None
        with self.proc.stdout:
            for line in self.proc.stdout:
                self.lines.put(line.rstrip("\n"))

    def line(self, timeout: float) -> str:
        line = self.lines.get(timeout=timeout)
        self.seen.append(line)
        return line

    def get(self, path: str, host: str | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers={"Host": host} if host else {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def state(self) -> dict:
        return json.loads(self.get("/__preview__/state")[2])

    def wait_until(self, condition: Callable[[dict], bool], timeout: float = 240) -> dict:
        """Wait until the preview's state meets `condition`; return it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.state()
            if condition(state):
                return state
            time.sleep(0.02)
        raise AssertionError(f"the preview never got there; state {self.state()}, output so far: {self.seen}")

    def wait_for_build(self, after: int, timeout: float = 240) -> dict:
        """Wait for the outcome that follows outcome number `after` and ends a save (built, or refused); return it."""
        state = self.wait_until(lambda s: s["generation"] > after and not s["building"], timeout)
        while not self.line(timeout=30).startswith(SUMMARIES):  # the terminal has it all too
            pass
        assert self.seen[-1] == state["summary"]
        return state

    def wait_for_pages(self, after: int, first: str = "", timeout: float = 60) -> dict:
        """Wait until the pages of a save are served (what is served went past `after`), PDFs still to come.

        A save of one dossier, `first`, has its pages shown before the whole site's.
        """
        state = self.wait_until(lambda s: s["served"] > after and s["pages"] and PAGES.fullmatch(s["summary"]), timeout)
        assert state["building"] and state["code"] == 0, state
        said = []
        while not PAGES.fullmatch(said[-1] if said else ""):  # the terminal says so too
            said.append(self.line(timeout=30))
        firsts = [line for line in said if line.startswith("pages of ")][:-1]
        assert [re.sub(r"\d+\.\d\d s", "N s", line) for line in firsts] == (
            [f"pages of {first} rendered in N s; the rest updating"] if first else []
        ), said
        return state

    def stop(self) -> int:
        try:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGINT)
            code = self.proc.wait(timeout=30)
        finally:
            kill_group(self.proc.pid)  # whatever outlived Ctrl-C (or a server that did not stop in time)
        self.reader.join(timeout=30)
        while not self.lines.empty():
            self.line(timeout=0)
        return code


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project", [FACILITY])


@pytest.fixture
def serving(project: Path) -> Iterator[Serving]:
    server = Serving(project)
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def build_held(root: Path) -> Iterator[None]:
    """Hold the project's build lock, as another build would: the preview's build waits, its pages do not."""
    with publish.lock(root, lambda message: None):
        yield


def edit(root: Path, old: str, new: str) -> None:
    """Replace `old` by `new` in the dossier, as most editors save: a temporary file beside it, renamed over it.

    (A save written in place, which the watcher can catch half-written, has its own test.)
    """
    dossier = root / "facilities" / f"{FACILITY}.yaml"
    text = dossier.read_text(encoding="utf-8")
    assert text.count(old) == 1
    temporary = dossier.with_name(f"{dossier.name}___jb_tmp___")  # JetBrains' (a hidden or .tmp one is no input)
    temporary.write_text(text.replace(old, new), encoding="utf-8")
    os.replace(temporary, dossier)


def pdf_text(pdf: bytes) -> str:
    """Return a PDF's text, its words separated by single spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


class Downloads(HTMLParser):
    """The text of each download link and of each table cell in a page."""

    def __init__(self, page: bytes) -> None:
        super().__init__()
        self.links: list[str] = []
        self.cells: list[str] = []
        self._into: list[str] | None = None
        self.feed(page.decode())
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and "download" in dict(attrs):
            self._into = self.links
        elif tag == "td":
            self._into = self.cells
        else:
            return
        self._into.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("a", "td"):
            self._into = None

    def handle_data(self, data: str) -> None:
        if self._into is not None:
            self._into[-1] += data


def test_the_pages_step_renders_the_site_with_every_pdf_updating_and_writes_no_output(project: Path) -> None:
    options = BuildOptions(project_paths.today(), (), Policy())
    paged = pages(project, options)
    assert paged.failed is None and PAGES.fullmatch(paged.summary), paged.summary
    assert {f.level for f in paged.findings} == {"warning"}
    outputs = {o.path: o.data for o in paged.outputs}
    assert {f"{lang}/{name}.html" for lang in ("en", "es") for name in ("index", FACILITY)} <= set(outputs)
    assert not [p for p in outputs if p.endswith(".pdf")]
    assert not os.path.lexists(project / "dist") and not os.path.lexists(project / ".dist")
    home = Downloads(outputs["en/index.html"])
    assert home.links == [
        "Download the full report (PDF updating)",
        "PDF updating",  # the facility's card
        "First Ten to Communities Not Cages",  # the downloads table: its rows name the documents...
        "LaSalle ICE Processing Center",
        "CSL-JSON",  # "Cite this": the report's citation files, which need no PDF
        "BibTeX",
        "RIS",
    ]
    assert home.cells == ["PDF updating", "PDF updating"]  # ...and say no size nor page count
    cite = ["CSL-JSON", "BibTeX", "RIS"]  # "Cite this": the chapter's citation files, which need no PDF
    assert Downloads(outputs[f"en/{FACILITY}.html"]).links == [
        UPDATING_EN.removeprefix("download>").removesuffix("</a>"),
        *cite,
    ]
    assert Downloads(outputs[f"es/{FACILITY}.html"]).links == [
        UPDATING_ES.removeprefix("download>").removesuffix("</a>"),
        *cite,
    ]
    assert "Descarga el informe completo (PDF en actualización)" in Downloads(outputs["es/index.html"]).links

    # A dossier with an error: no pages, and the finding the build would give.
    dossier = project / "facilities" / f"{FACILITY}.yaml"
    dossier.write_text(dossier.read_text(encoding="utf-8") + "bad: [\n", encoding="utf-8")
    paged = pages(project, options)
    assert paged.failed is not None and paged.outputs == ()
    assert paged.summary == paged.failed.summary == "build failed with 1 error: nothing was written to dist/"
    errors = [str(f) for f in paged.findings if f.level == "error"]
    assert len(errors) == 1 and re.fullmatch(
        rf"facilities/{FACILITY}\.yaml:\d+:\d+: error: .+ \[yaml\.syntax\]", errors[0]
    )
    assert not os.path.lexists(project / "dist")


def test_a_save_of_dossiers_alone_renders_their_pages_first_exactly_as_the_whole_site_has_them(
    project: Path,
) -> None:
    options = BuildOptions(project_paths.today(), (), Policy())
    whole = pages(project, options)
    dossier = f"facilities/{FACILITY}.yaml"
    first = pages(project, options, frozenset({dossier}))
    assert first.partial and not whole.partial and first.failed is None
    assert first.summary.startswith(f"pages of {dossier} rendered in ") and first.summary.endswith(
        "; the rest updating"
    )
    mine = {
        o.path for o in whole.outputs if re.fullmatch(rf"(en|es)/({FACILITY}\.html|cite/{FACILITY}\.[\w.]+)", o.path)
    }
    assert {f"en/{FACILITY}.html", f"es/{FACILITY}.html"} < mine
    assert {o.path for o in first.outputs} == mine  # the facility's pages and citation files, nothing else
    same = {o.path: o.data for o in whole.outputs}
    assert all(o.data == same[o.path] for o in first.outputs)
    assert first.findings == whole.findings  # the whole gather phase's, as the build would print them
    # Any other file saved with it (or a file that is no dossier of the edition): the whole site.
    for saved in ({dossier, "report.yaml"}, {"facilities/sources.yaml"}, {"facilities/elsewhere.yaml"}):
        again = pages(project, options, frozenset(saved))
        assert not again.partial and again.outputs == whole.outputs, saved


def test_the_watcher_shows_a_saved_dossiers_pages_then_the_whole_site_then_asks_for_one_build(tmp_path: Path) -> None:
    root = tmp_path
    (root / "facilities").mkdir()
    dossier = root / "facilities" / f"{FACILITY}.yaml"
    dossier.write_text("summary: Saved.\n", encoding="utf-8")
    asked: list[frozenset[str]] = []

    def pages(saved: frozenset[str]) -> Paged:
        asked.append(saved)
        if saved:
            return Paged((Output(f"en/{FACILITY}.html", b"mine", "page", "en"),), (), "first", partial=True)
        return Paged((Output("en/index.html", b"home", "page", "en"),), (), "all")

    shown: list[tuple[str, bool]] = []

    class Spied(Preview):
        def paged(self, paged: Paged, digest: str, dist: str | None, saved: frozenset[str] = frozenset()) -> None:
            shown.append((paged.summary, self.state.building))
            super().paged(paged, digest, dist, saved)

    watcher = _Watcher(root, Spied(), pages, lambda line: None, 0.01)
    saved = frozenset({f"facilities/{FACILITY}.yaml"})
    watcher.show(saved)
    assert asked == [saved, frozenset()] and shown == [("first", False), ("all", True)]
    assert watcher.wanted.is_set()
    assert watcher.preview.state.served == 2  # the open page reloads for each


def test_inject_puts_the_script_before_the_closing_body_tag() -> None:
    tag = b'<script src="/__preview__/preview.js" data-served="7"></script>\n'
    assert inject(b"<html><body><p>x</p></BODY></html>", 7) == b"<html><body><p>x</p>" + tag + b"</BODY></html>"
    assert inject(b"<p>no body</p>", 7) == b"<p>no body</p>" + tag


def test_the_panel_lists_the_findings_of_the_file_just_saved_first() -> None:
    findings = (
        error("cite.unknown", Loc("facilities/adelanto.yaml", 9, 3), "a"),
        warning("review.claim", Loc("facilities/adelanto.yaml", 20, 3), "b"),
        warning("review.claim", Loc("facilities/lasalle.yaml", 5, 3), "c"),
        warning("cite.unused", Loc("facilities/sources.yaml", 7, 5), "d"),
    )
    built = type("Built", (), {"findings": findings, "summary": "build failed"})()
    preview = Preview()
    preview.finished(1, built, frozenset({"facilities/lasalle.yaml"}))  # type: ignore[arg-type]
    assert [f["message"] for f in preview.state.findings] == ["c", "a", "b", "d"]
    preview.finished(1, built)  # type: ignore[arg-type]  # the first build: nothing was saved
    assert [f["message"] for f in preview.state.findings] == ["a", "b", "c", "d"]


def test_pages_are_served_in_front_of_dist_until_their_build_and_only_while_newer() -> None:
    def paged(text: str) -> Paged:
        page = Output("en/x.html", f"<body>{text}</body>".encode(), "page", "en")
        return Paged((page,), (), "pages of en rendered in 0.10 s; PDFs updating")

    def seen(preview: Preview) -> tuple:
        s = preview.state
        return s.generation, s.served, s.pages, s.building, s.code

    built = Built("built", (), "built en")
    failed = Built("failed", (error("yaml.syntax", Loc("facilities/x.yaml", 3, 1), "bad"),), "build failed")
    preview = Preview()
    preview.building()  # the first build, of a project published before: no pages first
    preview.finished(0, built, digest="d0", dist="dist-0")
    assert seen(preview) == (1, 1, False, False, 0) and preview.state.summary == "built en"
    preview = Preview()
    preview.paged(paged("one"), "d1", "dist-a")
    assert seen(preview) == (1, 1, True, True, 0)
    assert preview.page("en/x.html", "dist-a") == (b"<body>one</body>", 1)
    assert preview.page("en/y.html", "dist-a") == (None, 1)  # what they do not hold comes from dist/
    assert preview.page("en/x.html", "dist-b") == (None, 1)  # another build published dist/ since: dist/ wins

    # A save while d1's PDFs are being built: its pages stay in front of d1's build, which is not the latest.
    preview.paged(paged("two"), "d2", "dist-a")
    preview.finished(0, built, digest="d1", dist="dist-c")
    assert seen(preview) == (2, 2, True, True, 0)
    assert preview.page("en/x.html", "dist-c") == (b"<body>two</body>", 2)
    preview.finished(0, built, digest="d2", dist="dist-d")  # d2 is built: dist/ has it all, PDFs too
    assert seen(preview) == (3, 3, False, False, 0) and preview.state.summary == "built en"
    assert preview.page("en/x.html", "dist-d") == (None, 3)

    # A broken save is refused: nothing served changes, and no build follows.
    preview.refused(failed, "d3")
    assert seen(preview) == (4, 3, False, False, 1) and preview.state.summary == "build failed"
    # Pages shown, then their build fails: they go, and the page goes back to the last good build.
    preview.paged(paged("three"), "d4", "dist-d")
    preview.finished(1, failed, digest="d4", dist="dist-d")
    assert seen(preview) == (6, 5, False, False, 1)
    assert preview.page("en/x.html", "dist-d") == (None, 5)
    # Pages shown, a broken save during their build: the build retires its pages, the refusal stands.
    preview.paged(paged("four"), "d5", "dist-d")
    preview.refused(failed, "d6")
    preview.finished(0, built, digest="d5", dist="dist-e")
    assert seen(preview) == (8, 7, False, False, 1) and preview.state.summary == "build failed"
    # Pages shown, a broken save during their build, then their build fails too: the page goes
    # back to the last good build, and the panel says why, after the refusal that stands.
    blocked = Built("failed", (error("pdf.fetch", Loc("report.yaml"), "refused to read"),), "build failed")
    preview.paged(paged("five"), "d7", "dist-e")
    preview.refused(failed, "d8")
    assert seen(preview) == (10, 8, True, True, 1)  # the panel: "This page shows your previous save…"
    preview.finished(1, blocked, digest="d7", dist="dist-e")
    assert seen(preview) == (11, 9, False, False, 1) and preview.state.summary == "build failed"
    assert [f["code"] for f in preview.state.findings] == ["yaml.syntax", "pdf.fetch"]


def test_a_saved_dossiers_pages_go_over_the_pages_served_and_give_way_if_the_rest_is_refused() -> None:
    def paged(partial: bool = False, **pages: str) -> Paged:
        outputs = tuple(Output(f"en/{name}.html", text.encode(), "page", "en") for name, text in pages.items())
        return Paged(outputs, (), "pages", partial=partial)

    def served(preview: Preview, dist: str) -> dict[str, bytes | None]:
        return {name: preview.page(f"en/{name}.html", dist)[0] for name in ("a", "b", "index")}

    failed = Built("failed", (error("template.syntax", Loc("layouts/site/index.html", 3, 1), "bad"),), "build failed")
    preview = Preview()
    preview.paged(paged(a="a1", b="b1", index="i1"), "d1", "dist-a")  # a save's whole site, its build running
    preview.paged(paged(True, b="b2"), "d2", "dist-a")  # the next save's dossier page first: over d1's
    assert served(preview, "dist-a") == {"a": b"a1", "b": b"b2", "index": b"i1"}
    assert (preview.state.served, preview.state.pages) == (2, True)
    preview.paged(paged(True, b="b3"), "d3", "dist-a")  # moved again before the rest: still over d1's
    assert served(preview, "dist-a") == {"a": b"a1", "b": b"b3", "index": b"i1"}
    # The rest of the save is refused: its dossier page goes, and what it covered comes back.
    preview.refused(failed, "d3")
    assert served(preview, "dist-a") == {"a": b"a1", "b": b"b1", "index": b"i1"}
    assert (preview.state.served, preview.state.pages, preview.state.code) == (4, True, 1)
    # A dossier page first, then its whole site: the whole site stands, and a refusal then keeps it.
    preview.paged(paged(True, b="b4"), "d4", "dist-a")
    preview.paged(paged(a="a4", b="b4", index="i4"), "d4", "dist-a")
    preview.refused(failed, "d5")
    assert served(preview, "dist-a") == {"a": b"a4", "b": b"b4", "index": b"i4"}
    # d4's build publishes it while the next save's dossier page is shown; that save is then
    # refused: nothing goes back in front of dist/, which has d4.
    preview.paged(paged(True, a="a6"), "d6", "dist-a")
    preview.finished(0, Built("built", (), "built en"), digest="d4", dist="dist-b")
    assert served(preview, "dist-b") == {"a": b"a6", "b": None, "index": None}
    preview.refused(failed, "d6")
    assert served(preview, "dist-b") == {"a": None, "b": None, "index": None} and not preview.state.pages


def test_a_save_that_changes_what_pages_load_reloads_the_pages_whose_bytes_stay() -> None:
    """A page stays open only if nothing it shows changed: its bytes, and the stylesheets, fonts,
    scripts and images it loads (a designer's save of site.css leaves every page's bytes as they were)."""

    def paged(css: str, image: bytes = b"png", bib: str = "@report{x}", **pages: str) -> Paged:
        outputs = tuple(Output(f"en/{name}.html", text.encode(), "page", "en") for name, text in pages.items())
        others = (
            Output("assets/css/site.css", css.encode(), "asset"),
            Output("images/gate.png", image, "image"),
            Output("en/cite/a.bib", bib.encode(), "citation", "en"),
        )
        return Paged(outputs + others, (), "pages")

    preview = Preview()
    only = (Output("en/a.html", b"a1", "page", "en"),)
    preview.paged(Paged(only, (), "pages", partial=True), "d1", "dist-a")  # a dossier's page over dist/ alone
    preview.paged(paged("p {}", a="a1", b="b1"), "d1", "dist-a")  # then the whole site: what dist/ had stays
    assert preview.state.same == ("/en/a.html",)
    preview.paged(paged("p {}", a="a2", b="b1"), "d2", "dist-a")
    assert preview.state.same == ("/assets/css/site.css", "/en/b.html", "/en/cite/a.bib", "/images/gate.png")
    preview.paged(paged("p { color: red }", a="a2", b="b1"), "d3", "dist-a")  # the stylesheet alone
    assert (preview.state.served, preview.state.same) == (4, ())
    preview.paged(paged("p { color: red }", b"png2", a="a2", b="b1"), "d4", "dist-a")  # the image alone
    assert (preview.state.served, preview.state.same) == (5, ())
    preview.paged(paged("p { color: red }", b"png2", "@report{y}", a="a2", b="b1"), "d5", "dist-a")  # a download
    assert preview.state.same == ("/assets/css/site.css", "/en/a.html", "/en/b.html", "/images/gate.png")


def test_a_page_the_save_removed_is_gone_while_the_whole_site_of_that_save_is_served() -> None:
    def paged(partial: bool = False, **pages: str) -> Paged:
        outputs = tuple(Output(f"en/{name}.html", text.encode(), "page", "en") for name, text in pages.items())
        return Paged(outputs, (), "pages", partial=partial)

    def gone(preview: Preview, dist: str) -> list[str]:
        return [name for name in ("a", "b", "index") if preview.gone(f"en/{name}.html", dist)]

    built = Built("built", (), "built en")
    failed = Built("failed", (error("template.syntax", Loc("layouts/site/index.html", 3, 1), "bad"),), "build failed")
    preview = Preview()
    preview.paged(paged(True, a="a1"), "d1", "dist-a")  # a dossier's page over dist/ alone: the rest is dist/'s
    assert gone(preview, "dist-a") == []
    preview.paged(paged(a="a1", index="i1"), "d1", "dist-a")  # the whole site of a save that removed b
    assert gone(preview, "dist-a") == ["b"]
    assert not preview.gone("en/b-en.pdf", "dist-a")  # only pages: the site's pages are all rendered
    assert gone(preview, "dist-b") == []  # another edition was published since: dist/ is served
    preview.paged(paged(True, a="a2"), "d2", "dist-a")  # the next save's dossier page, over d1's whole site
    assert gone(preview, "dist-a") == ["b"]
    preview.refused(failed, "d2")  # the rest of it refused: d1's whole site comes back
    assert gone(preview, "dist-a") == ["b"]
    preview.paged(paged(True, a="a3"), "d3", "dist-a")
    preview.finished(0, built, digest="d1", dist="dist-b")  # d1 published: d3's dossier page alone is left
    assert gone(preview, "dist-b") == []
    preview.paged(paged(a="a3", b="b3", index="i3"), "d3", "dist-b")  # d3 puts b back
    assert gone(preview, "dist-b") == []
    preview.paged(paged(a="a4"), "d4", "dist-b")
    assert gone(preview, "dist-b") == ["b", "index"]
    preview.finished(0, built, digest="d4", dist="dist-c")  # published: nothing is in front of dist/
    assert gone(preview, "dist-c") == []


def test_a_page_that_is_not_there_is_a_404_that_reloads_when_a_save_makes_it(
    preview_server: tuple[int, Preview], tmp_path: Path
) -> None:
    """Served from dist/, a page the save removed looked current until its build; once the build
    removed it, the stdlib's 404 had no preview script, and the tab never reloaded again."""
    port, preview = preview_server
    (tmp_path / "dist" / "en" / "removed.html").write_text("<html><body><p>Removed by the save</p></body></html>\n")
    host = f"Host: 127.0.0.1:{port}\r\n\r\n"
    tag = b'<script src="/__preview__/preview.js" data-served="1"></script>\n</body>'
    index = Output("en/index.html", b"<html><body><p>Saved a second ago</p></body></html>\n", "page", "en")
    preview.paged(Paged((index,), (), "pages"), "d1", publish.current(tmp_path))  # the whole site: no removed.html
    status, body = ask(port, f"GET /en/removed.html HTTP/1.1\r\n{host}".encode())
    assert status == 404 and b"<h1>No page here</h1>" in body and tag in body
    assert b"Removed by the save" not in body
    assert ask(port, f"GET /big.pdf HTTP/1.1\r\n{host}".encode())[0] == 200  # what is not a page is dist/'s
    status, body = ask(port, f"GET /en/never.html HTTP/1.1\r\n{host}".encode())  # in neither
    assert status == 404 and b"<h1>No page here</h1>" in body and tag in body
    assert ask(port, f"GET /never HTTP/1.1\r\n{host}".encode()) == (
        404,
        b"404 File not found: Nothing matches the given URI\n",
    )
    preview.finished(0, Built("built", (), "built en"), digest="d1", dist=publish.current(tmp_path))
    status, body = ask(port, f"GET /en/removed.html HTTP/1.1\r\n{host}".encode())  # dist/ is served again
    assert status == 200 and b"Removed by the save" in body


def test_a_page_asked_for_before_any_edition_says_none_is_served_yet_and_reloads(tmp_path: Path) -> None:
    """Before the first build published (it failed on the first save's errors), a facility's page
    said "a save removed it, or it was never there", and a language's home page (`/en/`) was the
    stdlib's plain 404: no preview script, so the tab never showed the findings nor reloaded."""
    preview = Preview()
    server = open_server(tmp_path / "dist", 0, preview)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    port = server.server_address[1]
    tag = b'<script src="/__preview__/preview.js" data-served="0"></script>\n</body>'
    try:
        for path in ("/", "/en/", "/en/lasalle.html"):
            status, body = ask(port, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            assert (status, b"<h1>No edition yet</h1>" in body, tag in body) == (404, True, True), path
        (tmp_path / "dist" / "en").mkdir(parents=True)
        (tmp_path / "dist" / "en" / "index.html").write_text("<html><body><p>Published</p></body></html>\n")
        status, body = ask(port, f"GET /es/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        assert (status, b"<h1>No page here</h1>" in body, tag in body) == (404, True, True)
        status, body = ask(port, f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        assert status == 200 and b'<a href="en/">en/</a>' in body  # a folder without a page: the stdlib's listing
    finally:
        server.shutdown()
        server.server_close()


class _Stopped(Exception):
    """Raised in the watcher's thread to end it (it hands any exception to the main thread and stops)."""


def test_a_save_written_in_place_is_shown_once_with_the_hash_of_the_bytes_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor that truncates the file, then writes it: the watcher can find the file empty and
    still, and start rendering; the file is filled as the pages read it. The pages served are the
    full file's, tied to the full file's hash (the one its build is told of), and the save asks for
    one build, not a second one that finds dist/ up to date."""
    root = tmp_path
    dossier = root / "facilities" / f"{FACILITY}.yaml"
    dossier.parent.mkdir()
    dossier.write_text("summary: Before the save.\n", encoding="utf-8")
    before = stamp.content_digest(root)
    reading, written, stop = threading.Event(), threading.Event(), threading.Event()
    rendered: list[bytes] = []  # what each call of `pages` read

    def pages(saved: frozenset[str]) -> Paged:
        if len(rendered) == 1:  # the save has emptied the file; it fills it as the pages read it
            reading.set()
            assert written.wait(10)
        rendered.append(dossier.read_bytes())
        return Paged((Output(f"en/{FACILITY}.html", rendered[-1], "page", "en"),), (), "pages")

    polls: list[tuple] = []  # the signatures the watcher takes once the file is full

    def signature(root: Path) -> tuple[tuple[str, int, int], ...]:
        if stop.is_set():
            raise _Stopped
        found = watched(root)
        if written.is_set():
            polls.append(found)
        return found

    watched = serve_module._signature
    monkeypatch.setattr(serve_module, "_signature", signature)
    shown: list[tuple[str, bytes, frozenset[str]]] = []  # each save's pages served: digest, page, files saved

    class Spied(Preview):
        def paged(self, paged: Paged, digest: str, dist: str | None, saved: frozenset[str] = frozenset()) -> None:
            shown.append((digest, paged.outputs[0].data, saved))
            super().paged(paged, digest, dist, saved)

    asked: list[str] = []  # every build the watcher asks the main thread for

    class Asked(threading.Event):
        def set(self) -> None:
            asked.append(shown[-1][0])
            super().set()

    said: list[str] = []
    watcher = _Watcher(root, Spied(), pages, said.append, 0.01)
    watcher.wanted = Asked()
    watcher.show(frozenset())  # as `serve` starts on a project never built
    watcher.start()
    try:
        with dossier.open("w", encoding="utf-8") as save:  # truncated here...
            assert reading.wait(10)
            save.write("summary: After the save, longer.\n")  # ...and filled as the pages are read
        written.set()
        deadline = time.monotonic() + 10
        while len(polls) < 4 and time.monotonic() < deadline:  # past the settle and any second show
            time.sleep(0.01)
        assert len(polls) >= 4, polls
    finally:
        stop.set()
        watcher.join(10)
    assert not watcher.is_alive() and isinstance(watcher.crash, _Stopped), watcher.crash
    after = stamp.content_digest(root)
    saved = frozenset({f"facilities/{FACILITY}.yaml"})
    assert rendered[-1] == b"summary: After the save, longer.\n"
    assert shown == [(before, b"summary: Before the save.\n", frozenset()), (after, rendered[-1], saved)]
    assert asked == [before, after] and said == ["change detected: rebuilding"]
    assert watcher.saved == saved and watcher.digest == after and polls[-1] == watched(root)


def test_a_temporary_file_renamed_over_the_dossier_as_the_inputs_are_hashed_is_no_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Most editors save by writing a temporary file beside the dossier and renaming it over it:
    the watcher (or a build) can list that file, then find it gone when it reads it. What is hashed
    is the project as it is after the rename, not an error that stops the preview."""
    root = tmp_path
    dossier = root / "facilities" / f"{FACILITY}.yaml"
    dossier.parent.mkdir()
    dossier.write_text("summary: Before the save.\n", encoding="utf-8")
    temporary = dossier.with_name(f"{dossier.name}___jb_tmp___")  # JetBrains' (a hidden or .tmp one is no input)
    temporary.write_text("summary: After the save.\n", encoding="utf-8")
    listings: list[list[Path]] = []

    def listed_then_renamed(root: Path, patterns: tuple[str, ...]) -> list[Path]:
        listings.append(files(root, patterns))
        if temporary.exists():
            os.replace(temporary, dossier)  # the save lands between the listing and the reading
        return listings[-1]

    files = stamp._files
    monkeypatch.setattr(stamp, "_files", listed_then_renamed)
    digest = stamp.content_digest(root)
    monkeypatch.undo()
    assert listings == [[dossier, temporary]]
    assert digest == stamp.content_digest(root) and dossier.read_text(encoding="utf-8") == "summary: After the save.\n"


def test_a_save_shows_its_pages_before_its_pdfs_and_a_broken_save_keeps_the_last_good_build(project: Path) -> None:
    root = project
    page = f"/en/{FACILITY}.html"
    held = contextlib.ExitStack()  # the lock, as another build holds it: the preview's build waits, its pages do not
    held.enter_context(build_held(root))
    serving = Serving(root)
    try:
        # Nothing is published, and the first build waits: its pages come first.
        state = serving.wait_for_pages(0)
        assert not os.path.lexists(root / "dist")
        status, headers, body = serving.get(page)
        assert status == 200 and headers["Cache-Control"] == "no-store"
        assert UPDATING_EN in body.decode() and SCRIPT_TAG.format(state["served"]) in body.decode()
        assert UPDATING_ES in serving.get(f"/es/{FACILITY}.html")[2].decode()
        status, headers, _ = serving.get("/en")  # a folder of the pages: redirected, as for one of dist/
        assert status == 301 and headers["Location"] == "/en/"
        assert UPDATING_EN.replace("this chapter", "the full report") in serving.get("/en/")[2].decode()
        assert serving.get(f"/en/{FACILITY}-en.pdf")[0] == 404  # no PDF before the build
        held.close()
        state = serving.wait_for_build(state["generation"])
        assert state["code"] == 0 and state["summary"].startswith(
            "built en, es (draft): 2 reports, 2 dossiers, 4 pages in "
        ), state
        assert not state["pages"]
        assert state["findings"] and {f["level"] for f in state["findings"]} == {"warning"}
        printed = [line for line in serving.seen if line.endswith("]") and ": warning: " in line]
        assert [f["text"] for f in state["findings"]] == printed  # the page shows them as the terminal does

        # Pages are served with the preview script; the published files never have it.
        status, headers, body = serving.get(page)
        assert status == 200 and headers["Cache-Control"] == "no-store"
        published = (root / "dist" / "en" / f"{FACILITY}.html").read_bytes()
        assert b"__preview__" not in published and SIZED_EN.search(published.decode())
        assert body == inject(published, state["served"])
        assert body.decode().count("__preview__") == 1 and SCRIPT_TAG.format(state["served"]) in body.decode()
        assert serving.get("/en/")[2] == inject((root / "dist" / "en" / "index.html").read_bytes(), state["served"])
        status, headers, script = serving.get("/__preview__/preview.js")
        assert (
            status == 200 and headers["Content-Type"].startswith("text/javascript") and b"location.reload()" in script
        )
        # The translators' status page is beside dist/, not in it: the preview serves it where it
        # would be (its links to the site work), and the panel links to it (preview.js).
        assert not (root / "dist" / "es" / "translation-status.html").exists()
        assert "translation-status" not in (root / "dist" / "manifest.json").read_text(encoding="utf-8")
        assert state["review"] == ["es/translation-status.html"] and b"Translation status (" in script
        status, headers, body = serving.get("/es/translation-status.html")
        review = publish.review_folder(root)
        assert review is not None and status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert body == inject((review / "es" / "translation-status.html").read_bytes(), state["served"])
        assert "<h1>Translation status: Spanish</h1>" in body.decode()
        assert 'href="../assets/css/site.css"' in body.decode()
        assert serving.get("/es/no-such-page.html")[0] == 404
        status, headers, pdf = serving.get(f"/en/{FACILITY}-en.pdf")
        assert status == 200 and headers["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF-")
        # A page that rebinds its own name to 127.0.0.1 is refused, and the refusal prints nothing.
        status, headers, body = serving.get("/__preview__/state", host=f"rebound.example:{serving.port}")
        assert (status, headers["Content-Type"]) == (403, "text/plain; charset=utf-8") and b"findings" not in body

        # A save: its pages are served at once; dist/ is not touched until its build has finished.
        good = os.readlink(root / "dist")
        with build_held(root):
            edit(root, "\nsummary: >-\n", "\nsummary: >-\n  Preview edit one.\n")
            state = serving.wait_for_pages(state["served"], f"facilities/{FACILITY}.yaml")
            body = serving.get(page)[2].decode()
            assert "Preview edit one." in body and UPDATING_EN in body and SCRIPT_TAG.format(state["served"]) in body
            assert UPDATING_ES in serving.get(f"/es/{FACILITY}.html")[2].decode()
            assert os.readlink(root / "dist") == good and sorted(os.listdir(root / ".dist")) == [
                Path(good).name,
                Path(good).name + ".review",
            ]
            assert (root / "dist" / "en" / f"{FACILITY}.html").read_bytes() == published
            assert serving.get(f"/en/{FACILITY}-en.pdf")[2] == pdf  # the last good PDF, until the new one is built
        state = serving.wait_for_build(state["generation"])
        assert state["code"] == 0 and not state["pages"], state
        assert os.readlink(root / "dist") != good
        published = (root / "dist" / "en" / f"{FACILITY}.html").read_bytes()
        assert "Preview edit one." in published.decode() and SIZED_EN.search(published.decode())
        assert serving.get(page)[2] == inject(published, state["served"])
        new_pdf = serving.get(f"/en/{FACILITY}-en.pdf")[2]  # the link now leads to the save's PDF
        assert new_pdf == (root / "dist" / "en" / f"{FACILITY}-en.pdf").read_bytes() != pdf
        assert "Preview edit one." in pdf_text(new_pdf) and "Preview edit one." not in pdf_text(pdf)
        good, served = os.readlink(root / "dist"), state["served"]

        # A broken save: refused at once, its findings in the page's state; nothing served changes.
        edit(root, "Preview edit one.", "Preview edit one.\nbad: [")
        state = serving.wait_for_build(state["generation"])
        assert state["code"] == 1 and state["summary"] == "build failed with 1 error: nothing was written to dist/"
        assert state["served"] == served and not state["pages"]
        errors = [f["text"] for f in state["findings"] if f["level"] == "error"]
        assert len(errors) == 1 and re.fullmatch(
            rf"facilities/{FACILITY}\.yaml:\d+:\d+: error: YAML syntax error: .+ \[yaml\.syntax\]", errors[0]
        ), errors
        assert state["findings"][0]["text"] == errors[0]  # the file just saved comes first
        assert os.readlink(root / "dist") == good
        body = serving.get(page)[2].decode()
        assert "Preview edit one." in body and SCRIPT_TAG.format(served) in body

        # Fixed: its pages, then the build publishes again.
        edit(root, "Preview edit one.\nbad: [", "Preview edit two.")
        state = serving.wait_for_build(state["generation"])
        assert state["code"] == 0 and "Preview edit two." in serving.get(page)[2].decode()
    finally:
        held.close()
        serving.stop()
    assert serving.seen[-1] == "stopped serving after 4 builds", serving.seen
    failed = [line for line in serving.seen if line.startswith("build failed")]
    assert failed == ["build failed with 1 error: nothing was written to dist/"]
    assert serving.seen.count("change detected: rebuilding") == 3
    assert not [line for line in serving.seen if "Traceback" in line or "Exception" in line], serving.seen

    # Started again on the published project: the build comes first (nothing to do), no pages.
    again = Serving(root)
    try:
        state = again.wait_for_build(0)
        assert state["summary"].startswith("dist/ is up to date") and state["code"] == 0, state
        assert (state["generation"], state["served"], state["pages"]) == (1, 1, False)
        assert not [line for line in again.seen if PAGES.fullmatch(line)]
    finally:
        again.stop()


REPLACES_RELEASE = (
    "the preview builds drafts: this build replaces the release edition in dist/"
    " (run ./build.py release to build it again)"
)


def test_a_release_in_dist_is_kept_until_a_save_and_replacing_it_is_said(tmp_path: Path) -> None:
    root = make_project(tmp_path)  # one fact-checked dossier, English only: nothing blocks a release
    shutil.copytree(REPO / "layouts", root / "layouts")
    dossier = root / "facilities" / "sample.yaml"

    def edition() -> str:
        return json.loads((root / "dist" / "manifest.json").read_text(encoding="utf-8"))["edition"]

    code, out, err = run_cli("--root", str(root), "release", "--quiet")
    assert code == 0 and edition() == "release", out + err
    released = (root / "dist" / "manifest.json").read_bytes()
    serving = Serving(root)
    try:
        # Started on the release of these very sources: the preview shows it as it is.
        state = serving.wait_for_build(0)
        assert state["code"] == 0 and state["summary"].startswith("dist/ is up to date"), state
        assert (root / "dist" / "manifest.json").read_bytes() == released
        assert REPLACES_RELEASE not in serving.seen
        # A save is a draft, and the terminal says what it replaces.
        dossier.write_text(dossier.read_text(encoding="utf-8").replace("summary: >-\n", "summary: >-\n  Saved.\n", 1))
        state = serving.wait_for_build(state["generation"])
        assert state["code"] == 0 and state["summary"].startswith("built en (draft): "), state
        assert edition() == "draft" and serving.seen.count(REPLACES_RELEASE) == 1, serving.seen
    finally:
        serving.stop()

    # A release of earlier sources is rebuilt as a draft at once, and the terminal says so.
    code, out, err = run_cli("--root", str(root), "release", "--quiet")
    assert code == 0 and edition() == "release", out + err
    dossier.write_text(dossier.read_text(encoding="utf-8").replace("Saved.", "Saved again.", 1))
    serving = Serving(root)
    try:
        state = serving.wait_for_build(0)
        assert state["code"] == 0 and state["summary"].startswith("built en (draft): "), state
        assert edition() == "draft" and serving.seen.count(REPLACES_RELEASE) == 1, serving.seen
    finally:
        serving.stop()


def test_ctrl_c_stops_serving_with_130_and_an_up_to_date_dist_is_no_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C exited 0, and after "dist/ is up to date" the last line said "stopped serving after 1 build"."""
    import _thread

    from report import cli
    from report.commands import build as build_verb

    def up_to_date(root: Path, args: object, out: io.StringIO, err: io.StringIO, **kwargs: object) -> tuple:
        print("dist/ is up to date (0.01s)", file=out)
        threading.Timer(0.3, _thread.interrupt_main).start()  # Ctrl-C, while the preview waits for a save
        return 0, Built("up-to-date", summary="dist/ is up to date (0.01s)")

    monkeypatch.setattr(cli, "_build", up_to_date)
    monkeypatch.setattr(build_verb, "pages", lambda root, options, saved: Paged((), (), "pages rendered"))
    # A background job of a non-interactive shell (CI's `make test &`) starts with SIGINT ignored,
    # and `interrupt_main` then does nothing: serve waited for ever. Python's own handler, as in a terminal.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    (tmp_path / "report.yaml").write_text("title: x\n", encoding="utf-8")  # a project folder, as the CLI requires
    try:
        code, out, err = run_cli("--root", str(tmp_path), "serve", "--port", "0")
    except KeyboardInterrupt:  # (caught here: it would stop the test session)
        pytest.fail("the Ctrl-C went through serve")
    finally:
        signal.signal(signal.SIGINT, previous)
    assert (code, err) == (130, "")
    assert out.splitlines()[1:] == [
        "pages rendered",
        "dist/ is up to date (0.01s)",
        "stopped serving; nothing was built",
    ]


def test_a_port_in_use_is_a_usage_error(tmp_path: Path) -> None:
    import socket

    (tmp_path / "report.yaml").write_text("title: x\n", encoding="utf-8")  # a project folder, as the CLI requires
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, str(REPO / "build.py"), "--root", str(tmp_path), "serve", "--port", str(port)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 2 and proc.stdout == ""
    assert re.fullmatch(
        rf"build\.py: error: cannot serve on port {port} \(.+\): try another with --port\n", proc.stderr
    )


def test_the_open_page_shows_a_save_before_its_pdfs_and_a_broken_save_over_the_last_good_build(
    serving: Serving, browser
) -> None:
    """In Chromium: the page a writer has open follows their saves, the text first, the PDF links after."""
    root = serving.root
    state = serving.wait_for_build(0)
    page = browser.new_page()
    try:
        page.goto(f"{serving.url}/en/{FACILITY}.html")
        panel = page.locator("#first-ten-preview .panel")
        link = page.locator("p.download a")
        assert re.fullmatch(r"Download this chapter \(PDF, \d+ KB, \d+ pages\)", link.text_content() or "")
        assert "__preview__" not in (root / "dist" / "en" / f"{FACILITY}.html").read_text(encoding="utf-8")
        page.evaluate("window.sameDocument = true")  # gone once the page reloads

        with build_held(root):  # the PDFs wait: the page shows the save all the same
            edit(root, "\nsummary: >-\n", "\nsummary: >-\n  Seen in the browser.\n")
            page.wait_for_function("document.body.innerText.includes('Seen in the browser.')", timeout=60_000)
            assert page.evaluate("window.sameDocument") is None
            assert link.text_content() == "Download this chapter (PDF updating)"
            building = page.locator("#first-ten-preview .panel.building h2")
            building.wait_for(timeout=10_000)
            assert building.inner_text() == "Page updated; rebuilding the PDFs…"
            assert "Seen in the browser." not in (root / "dist" / "en" / f"{FACILITY}.html").read_text(encoding="utf-8")
            page.evaluate("window.sameDocument = true")
        page.wait_for_function("document.querySelector('p.download a')?.textContent.includes(' KB, ')", timeout=240_000)
        assert page.evaluate("window.sameDocument") is None
        assert re.fullmatch(r"Download this chapter \(PDF, \d+ KB, \d+ pages\)", link.text_content() or "")
        assert "Seen in the browser." in page.locator("main").inner_text()
        state = serving.wait_for_build(state["generation"])
        assert "Seen in the browser." in (root / "dist" / "en" / f"{FACILITY}.html").read_text(encoding="utf-8")

        page.evaluate("window.sameDocument = true")
        edit(root, "Seen in the browser.", "Seen in the browser.\nbad: [")
        state = serving.wait_for_build(state["generation"])
        error_line = next(f["text"] for f in state["findings"] if f["level"] == "error")
        failed = page.locator("#first-ten-preview .panel.failed")
        failed.wait_for(timeout=10_000)
        assert failed.get_attribute("role") == "alert"
        assert failed.locator("h2").inner_text() == (
            "Not rebuilt: build failed with 1 error: nothing was written to dist/. This page shows the last good build."
        )
        assert failed.locator("li.error").all_inner_texts() == [error_line]
        assert page.evaluate("window.sameDocument") is True  # the last good page, not reloaded
        assert "Seen in the browser." in page.locator("main").inner_text()

        edit(root, "Seen in the browser.\nbad: [", "Fixed in the browser.")
        page.wait_for_function("document.body.innerText.includes('Fixed in the browser.')", timeout=60_000)
        assert page.evaluate("window.sameDocument") is None
        state = serving.wait_for_build(state["generation"])
        warnings = len(state["findings"])
        summary = panel.locator("summary")  # the warnings stay, folded away
        summary.wait_for(timeout=10_000)
        assert panel.count() == 1 and panel.get_attribute("class") == "panel"
        assert summary.inner_text() == f"{warnings} warnings: {state['summary']}"
    finally:
        page.close()


# The request checks, over real sockets, against the preview's own server (`open_server`) on a
# small dist/ folder: no build needed.


@pytest.fixture
def preview_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, Preview]]:
    monkeypatch.setattr(PreviewHandler, "timeout", 0.5)
    dist = tmp_path / "dist"
    (dist / "en").mkdir(parents=True)
    (dist / "en" / "index.html").write_text("<html><body><p>Unpublished draft</p></body></html>\n")
    (dist / "big.pdf").write_bytes(b"%PDF-" + bytes(BIG))
    preview = Preview()
    server = open_server(dist, 0, preview)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], preview
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def preview_port(preview_server: tuple[int, Preview]) -> int:
    return preview_server[0]


BIG = 16 * 2**20


def ask(port: int, request: bytes) -> tuple[int | None, bytes]:
    """Send raw bytes; return the answer's status (None: no status line) and its body."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    match = re.match(rb"HTTP/1\.[01] (\d{3}) ", head)
    return (int(match[1]), body) if match else (None, answer)


def test_only_requests_for_this_server_are_answered(preview_port: int, capfd: pytest.CaptureFixture[str]) -> None:
    port = preview_port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"LocalHost:{port}"):
        status, body = ask(port, f"GET /en/ HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        assert status == 200 and b"Unpublished draft" in body, host
    refused = (
        f"403 Forbidden: this preview answers only requests for http://127.0.0.1:{port}/,"
        f" http://localhost:{port}/, http://[::1]:{port}/\n"
    ).encode()
    for host in (
        f"rebound.example:{port}",  # DNS rebinding: the attacker's name, resolving to 127.0.0.1
        "rebound.example",
        "127.0.0.1",  # the right name, another port
        f"127.0.0.1:{port + 1}",
        f"127.0.0.1.nip.io:{port}",
        f"localhost.:{port}",
        f"0.0.0.0:{port}",
        f"127.1:{port}",
        f"[::ffff:127.0.0.1]:{port}",
        f"user@127.0.0.1:{port}",
        "",
    ):
        for path in ("/en/", "/__preview__/state", "/__preview__/preview.js", "/big.pdf", "/nothing"):
            assert ask(port, f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()) == (403, refused), host
    status, body = ask(port, f"HEAD /en/ HTTP/1.1\r\nHost: rebound.example:{port}\r\n\r\n".encode())
    assert (status, body) == (403, b"")
    one_host = b"400 Bad Request: a request needs exactly one Host header\n"
    assert ask(port, b"GET /en/ HTTP/1.1\r\n\r\n") == (400, one_host)
    assert ask(port, b"GET /en/ HTTP/1.0\r\n\r\n") == (400, one_host)
    twice = f"Host: 127.0.0.1:{port}\r\nHost: rebound.example:{port}\r\n"
    assert ask(port, f"GET /en/ HTTP/1.1\r\n{twice}\r\n".encode()) == (400, one_host)
    assert capfd.readouterr() == ("", "")


def test_the_pages_of_a_save_come_before_dist_and_follow_the_same_rules(
    preview_server: tuple[int, Preview], tmp_path: Path
) -> None:
    port, preview = preview_server
    host = f"Host: 127.0.0.1:{port}\r\n\r\n"
    pages = (
        Output("en/index.html", b"<html><body><p>Saved a second ago</p></body></html>\n", "page", "en"),
        Output("fr/index.html", b"<html><body><p>A new language</p></body></html>\n", "page", "fr"),
        Output("assets/css/site.css", b"body { color: black }\n", "asset"),
    )
    preview.paged(Paged(pages, (), "pages"), "d1", publish.current(tmp_path))
    tag = b'<script src="/__preview__/preview.js" data-served="1"></script>\n</body>'
    for path in ("/en/", "/en/index.html", "/en/./index.html", "/fr/../en/"):
        status, body = ask(port, f"GET {path} HTTP/1.1\r\n{host}".encode())
        assert status == 200 and b"Saved a second ago" in body and tag in body, path
    assert ask(port, f"GET /assets/css/site.css HTTP/1.1\r\n{host}".encode()) == (200, b"body { color: black }\n")
    assert ask(port, f"GET /fr HTTP/1.1\r\n{host}".encode())[0] == 301
    assert ask(port, f"GET /big.pdf HTTP/1.1\r\n{host}".encode())[0] == 200  # the rest comes from dist/
    refused = ask(port, f"GET /en/ HTTP/1.1\r\nHost: rebound.example:{port}\r\n\r\n".encode())
    assert refused[0] == 403 and b"Saved" not in refused[1]
    # dist/ changed under them (another build published): dist/ is served again
    preview.paged(Paged(pages, (), "pages"), "d2", "another edition")
    status, body = ask(port, f"GET /en/ HTTP/1.1\r\n{host}".encode())
    assert status == 200 and b"Unpublished draft" in body


@pytest.mark.slow
def test_an_open_page_reloads_when_its_own_bytes_change_not_when_other_pages_do(
    preview_server: tuple[int, Preview], tmp_path: Path, browser
) -> None:
    """A save's dossier pages come first, then the whole site: the page open on the dossier does
    not reload again for the whole site if its bytes are the same, and a page they change does."""
    port, preview = preview_server
    dist = publish.current(tmp_path)

    def page(text: str) -> bytes:
        return f"<html><body><p>{text}</p></body></html>\n".encode()

    def show(partial: bool, digest: str, **pages: str) -> None:
        outputs = tuple(Output(f"en/{name}.html", page(text), "page", "en") for name, text in pages.items())
        preview.paged(Paged(outputs, (), "pages", partial=partial), digest, dist)

    show(False, "d1", index="Home one", lasalle="LaSalle one")
    tab = browser.new_page()
    try:
        tab.goto(f"http://127.0.0.1:{port}/en/")
        loaded = "document.querySelector('script[data-served]').dataset.served"
        acknowledged = "n => document.getElementById('first-ten-preview')?.dataset.shown === String(n)"
        assert tab.evaluate(loaded) == "1" and tab.inner_text("p") == "Home one"
        show(True, "d2", lasalle="LaSalle two")  # the saved dossier's page first: the home page's bytes stay
        assert preview.state.same == ("/en/index.html",)
        tab.wait_for_function(acknowledged, arg=2, timeout=10_000)
        assert tab.evaluate(loaded) == "1"  # not reloaded
        show(False, "d2", index="Home two", lasalle="LaSalle two")  # the whole site: the home page changed
        assert preview.state.same == ("/en/lasalle.html",)
        tab.wait_for_function(acknowledged, arg=3, timeout=10_000)
        assert tab.evaluate(loaded) == "3" and tab.inner_text("p") == "Home two"
        tab.goto(f"http://127.0.0.1:{port}/en/lasalle.html")
        show(True, "d3", lasalle="LaSalle three")  # the open page is the one saved: it reloads
        tab.wait_for_function(acknowledged, arg=4, timeout=10_000)
        assert tab.evaluate(loaded) == "4" and tab.inner_text("p") == "LaSalle three"
        show(False, "d3", index="Home two", lasalle="LaSalle three")  # the whole site leaves it as it is
        tab.wait_for_function(acknowledged, arg=5, timeout=10_000)
        assert tab.evaluate(loaded) == "4"
    finally:
        tab.close()


def test_malformed_requests_are_a_quiet_400(preview_port: int, capfd: pytest.CaptureFixture[str]) -> None:
    port = preview_port
    host = f"Host: 127.0.0.1:{port}\r\n\r\n".encode()
    control = b"400 Bad Request: the path holds a control character\n"
    not_utf8 = b"400 Bad Request: the path is not UTF-8\n"
    for line, answer in (
        (b"GET /\x00 HTTP/1.1", control),
        (b"GET /en/\x00index.html HTTP/1.1", control),
        (b"GET /%00 HTTP/1.1", control),
        (b"GET /en/index.html%00.png HTTP/1.1", control),
        (b"GET /en/%0d%0aSet-Cookie:%20x HTTP/1.1", control),
        (b"GET /%ed%a0%80 HTTP/1.1", not_utf8),  # a lone surrogate
        (b"GET /%ff HTTP/1.1", not_utf8),
        (
            f"GET http://127.0.0.1:{port}/en/ HTTP/1.1".encode(),
            b"400 Bad Request: the request must name a path that starts with /\n",
        ),
    ):
        assert ask(port, line + b"\r\n" + host) == (400, answer), line
    assert ask(port, b"GET /en/ HTTQ/1.1\r\n" + host)[1].startswith(b"400 Bad request version")
    assert ask(port, b"\x00\x01\x02\r\n" + host)[1].startswith(b"400 Bad request syntax")
    assert ask(port, b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\x00:" + str(port).encode() + b"\r\n\r\n")[0] == 403
    assert ask(port, b"GET /en/ HTTP/1.1\r\n" + host)[0] == 200  # and the server still answers
    assert capfd.readouterr() == ("", "")


def test_a_name_too_long_for_the_file_system_is_a_quiet_404(
    preview_port: int, capfd: pytest.CaptureFixture[str]
) -> None:
    """A name over 255 bytes, or a path over 4096, makes the system refuse to look it up
    (ENAMETOOLONG): no file has it, so it is a 404, never a traceback and an empty answer."""
    port = preview_port
    host = f"Host: 127.0.0.1:{port}\r\n\r\n".encode()
    missing = b"404 File not found: Nothing matches the given URI\n"
    for path in (
        "/" + "a" * 300,
        "/en/" + "a" * 300 + ".html",
        "/" + "a" * 300 + "/",
        "/" + "/".join(["b" * 200] * 25),
    ):
        assert ask(port, f"GET {path} HTTP/1.1\r\n".encode() + host) == (404, missing), path[:20]
        assert ask(port, f"HEAD {path} HTTP/1.1\r\n".encode() + host) == (404, b""), path[:20]
    assert ask(port, b"GET /en/ HTTP/1.1\r\n" + host)[0] == 200  # and the server still answers
    assert capfd.readouterr() == ("", "")


def test_a_silent_or_slow_client_is_dropped(preview_port: int, capfd: pytest.CaptureFixture[str]) -> None:
    """PreviewHandler.timeout is 0.5 s here: a request must arrive whole within it."""
    port = preview_port

    def dropped_after(trickle: bytes) -> float:
        """Send `trickle` a byte every 0.1 s (nothing if empty) until the server closes; return when it did."""
        start = time.monotonic()
        with socket.create_connection(("127.0.0.1", port), timeout=0.1) as sock:
            sock.sendall(b"GET /en/ HTTP/1.1\r\n")
            while time.monotonic() - start < 5:
                try:
                    if trickle:
                        sock.send(trickle[:1])
                        trickle = trickle[1:] + trickle[:1]
                    if sock.recv(1) == b"":
                        break
                except TimeoutError:
                    continue
                except OSError:  # reset: closed too
                    break
        return time.monotonic() - start

    assert 0.4 < dropped_after(b"") < 2  # idle after the request line
    assert 0.4 < dropped_after(b"X-Slow: a\r\n") < 2  # slowloris: a header byte every 0.1 s, forever
    assert capfd.readouterr() == ("", "")


def test_a_cancelled_or_stalled_download_is_quiet(preview_port: int, capfd: pytest.CaptureFixture[str]) -> None:
    port = preview_port
    request = f"GET /big.pdf HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    # Cancelled: read a little, then reset the connection.
    with socket.socket() as sock:
        sock.connect(("127.0.0.1", port))
        sock.sendall(request)
        assert sock.recv(65536).startswith(b"HTTP/1.0 200 OK")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    # Stalled: stop reading; the server gives up after its timeout, and the rest never comes.
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
        sock.sendall(request)
        time.sleep(1.5)
        sock.settimeout(5)
        received = 0
        try:
            while chunk := sock.recv(65536):
                received += len(chunk)
        except ConnectionResetError:
            pass
    assert 0 < received < BIG
    time.sleep(0.2)  # the handler threads have finished
    assert ask(port, request)[0] == 200
    assert capfd.readouterr() == ("", "")


def test_serve_and_export_agree_whether_dist_is_the_current_release(tmp_path: Path) -> None:
    """`serve` judged a release by the build's stamp alone, `export` by the manifest's content digests
    too: with `.cache/` deleted, export called a release built from the sources as they are current
    while serve took it for stale and replaced it with a draft. Both ask `stamp.dist_changed`."""
    from report.commands.export import export

    from .test_export import publish_edition

    root = tmp_path / "project"
    dossier = root / "facilities" / "winn.yaml"
    dossier.parent.mkdir(parents=True)
    dossier.write_text("name: Winn Correctional Center\n")
    publish_edition(root, "release")
    shutil.rmtree(root / ".cache")
    assert export(root, tmp_path / "site").sources_changed is False
    assert serve_module._current_release(root) is True
    dossier.write_text("name: Winn Correctional Centre\n")
    assert export(root, tmp_path / "site").sources_changed is True
    assert serve_module._current_release(root) is False


def test_the_state_is_answered_when_it_changes_and_a_closed_tab_holds_a_thread_for_a_time(
    preview_server: tuple[int, Preview], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, preview = preview_server
    monkeypatch.setattr(PreviewHandler, "held", 2.0)
    monkeypatch.setattr(PreviewHandler, "most_held", 1)

    def state(query: str) -> tuple[float, dict]:
        started = time.monotonic()
        status, body = ask(port, f"GET /__preview__/state{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        assert status == 200
        return time.monotonic() - started, json.loads(body)

    took, first = state("")  # no version yet: at once
    assert took < 0.5 and (first["version"], first["building"]) == (0, False)
    assert state("?after=-1")[1]["version"] == 0  # not a version: at once
    assert state("?after=7")[1]["version"] == 0  # another version than the current one: at once
    answers: queue.Queue[tuple[float, dict]] = queue.Queue()
    threading.Thread(target=lambda: answers.put(state("?after=0")), daemon=True).start()
    time.sleep(0.3)
    assert answers.empty()  # held: nothing changed
    took, beyond = state("?after=0")  # one is held already (`most_held`): this one is answered at once
    assert took < 0.5 and beyond["version"] == 0
    preview.building()
    took, changed = answers.get(timeout=1)
    assert 0.3 < took < 1.3 and (changed["version"], changed["building"]) == (1, True)
    took, same = state("?after=1")  # nothing changes: answered when its time runs out, unchanged
    assert 1.9 < took < 3 and (same["version"], same["building"]) == (1, True)


def test_the_work_after_a_change_waits_until_the_pages_waiting_then_have_asked_again_or_a_bound() -> None:
    preview = Preview()
    started = time.monotonic()
    preview.caught_up(5)  # no page waits: at once
    assert time.monotonic() - started < 0.5
    versions: queue.Queue[int] = queue.Queue()

    def ask(after: int) -> None:
        threading.Thread(target=lambda: versions.put(preview.wait(after, 10, 4)[1]), daemon=True).start()

    ask(0), ask(0)  # two open pages
    time.sleep(0.2)
    preview.building()  # version 1: both are answered, and owed
    assert (versions.get(timeout=1), versions.get(timeout=1)) == (1, 1)
    done = threading.Event()
    threading.Thread(target=lambda: (preview.caught_up(10), done.set()), daemon=True).start()
    ask(1)  # one page has shown the change
    assert not done.wait(0.3)
    ask(1)  # the other too
    assert done.wait(1)
    preview.building()  # version 2: neither asks again (closed)
    assert (versions.get(timeout=1), versions.get(timeout=1)) == (2, 2)
    started = time.monotonic()
    preview.caught_up(0.3)
    assert 0.25 < time.monotonic() - started < 1


def test_the_watcher_renders_the_rest_of_the_site_once_the_open_pages_have_shown_a_dossiers_pages(
    tmp_path: Path,
) -> None:
    root = tmp_path
    (root / "facilities").mkdir()
    (root / "facilities" / f"{FACILITY}.yaml").write_text("summary: Saved.\n", encoding="utf-8")
    preview = Preview()
    rendered: list[tuple[frozenset[str], int]] = []  # what, and how many pages had asked again by then

    def pages(saved: frozenset[str]) -> Paged:
        rendered.append((saved, len(asked)))
        if saved:
            return Paged((Output(f"en/{FACILITY}.html", b"mine", "page", "en"),), (), "first", partial=True)
        return Paged((Output("en/index.html", b"home", "page", "en"),), (), "all")

    asked: list[int] = []
    threading.Thread(target=lambda: preview.wait(0, 10, 4), daemon=True).start()  # an open page
    time.sleep(0.2)
    watcher = _Watcher(root, preview, pages, lambda line: None, 0.01)
    watcher.catch_up = 10.0
    saved = frozenset({f"facilities/{FACILITY}.yaml"})
    shown = threading.Thread(target=watcher.show, args=(saved,), daemon=True)
    shown.start()
    time.sleep(0.3)
    assert rendered == [(saved, 0)] and preview.state.served == 1  # the first pages, served; the page reloads
    asked.append(1)
    threading.Thread(target=lambda: preview.wait(1, 10, 4), daemon=True).start()  # the reloaded page asks
    shown.join(2)
    assert rendered == [(saved, 0), (frozenset(), 1)] and watcher.wanted.is_set()


def test_the_previews_builds_lay_out_below_the_browser_and_the_next_saves_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from report import cli

    asked: list[int] = []
    monkeypatch.setattr(cli, "serve", lambda root, port, build, pages, say, announce: build(False))
    monkeypatch.setattr(cli, "_build", lambda *args, nice=0, **kwargs: asked.append(nice))
    args = cli.parser().parse_args(["serve"])
    cli.cmd_serve(tmp_path, args, io.StringIO(), io.StringIO())
    assert asked == [cli.SERVE_NICE] and cli.SERVE_NICE == 10
    options = cli._build_options(cli.parser().parse_args(["build"]), cli.SERVE_NICE)
    assert (options.nice, cli._build_options(cli.parser().parse_args(["build"])).nice) == (10, 0)


def test_a_render_the_watcher_discards_is_not_announced(tmp_path: Path) -> None:
    """A save made while a save's pages rendered discards them (they may hold some of each): the
    terminal still printed their "pages of … rendered" line, then the next render's, the same line
    twice for one save, the first of pages never shown. Only what is shown is announced."""
    root = tmp_path
    (root / "facilities").mkdir()
    dossier = root / "facilities" / f"{FACILITY}.yaml"
    dossier.write_text("summary: Saved.\n", encoding="utf-8")
    rendered: list[str] = []

    def pages(saved: frozenset[str]) -> Paged:
        if not rendered:  # a second save lands while the first render runs
            dossier.write_text("summary: Saved again, longer.\n", encoding="utf-8")
        rendered.append(dossier.read_text(encoding="utf-8"))
        return Paged((Output("en/index.html", b"home", "page", "en"),), (), f"render {len(rendered)}")

    announced: list[str] = []
    watcher = _Watcher(root, Preview(), pages, lambda line: None, 0.01, announce=lambda p: announced.append(p.summary))
    watcher.show(frozenset({f"facilities/{FACILITY}.yaml"}))
    assert len(rendered) == 2 and announced == ["render 2"]
    assert watcher.preview.state.served == 1
