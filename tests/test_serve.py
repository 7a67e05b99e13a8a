"""`serve`: the live preview, run as a writer runs it (a subprocess) on a one-facility project."""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from report.commands.serve import Preview, inject
from report.findings import Loc, error, warning

from .conftest import REPO, copy_project

FACILITY = "lasalle"
SUMMARIES = ("built ", "build failed ", "dist/ is up to date")
SCRIPT_TAG = '<script src="/__preview__/preview.js" data-generation="{}"></script>\n</body>'


class Serving:
    """A `build.py serve --port 0` process, its address, and its output line by line."""

    def __init__(self, root: Path):
        self.root = root
        self.proc = subprocess.Popen(
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

    def get(self, path: str) -> tuple[int, http.client.HTTPMessage, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def state(self) -> dict:
        return json.loads(self.get("/__preview__/state")[2])

    def wait_for_build(self, generation: int, timeout: float = 240) -> dict:
        """Wait until build number `generation` has finished; return the preview's state."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.state()
            if state["generation"] >= generation and not state["building"]:
                assert state["generation"] == generation, state
                while not self.line(timeout=30).startswith(SUMMARIES):  # the terminal has it all too
                    pass
                assert self.seen[-1] == state["summary"]
                return state
            time.sleep(0.05)
        raise AssertionError(f"build {generation} did not finish; output so far: {self.seen}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
        code = self.proc.wait(timeout=30)
        self.reader.join(timeout=30)
        while not self.lines.empty():
            self.line(timeout=0)
        return code


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[Serving]:
    root = copy_project(tmp_path / "project", [FACILITY])
    server = Serving(root)
    try:
        yield server
    finally:
        server.stop()


def edit(root: Path, old: str, new: str) -> None:
    """Replace `old` by `new` in the dossier, as an editor's save does."""
    dossier = root / "facilities" / f"{FACILITY}.yaml"
    text = dossier.read_text(encoding="utf-8")
    assert text.count(old) == 1
    dossier.write_text(text.replace(old, new), encoding="utf-8")


def test_inject_puts_the_script_before_the_closing_body_tag() -> None:
    tag = b'<script src="/__preview__/preview.js" data-generation="7"></script>\n'
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


def test_preview_rebuilds_on_save_and_keeps_the_last_good_build_on_a_broken_save(serving: Serving) -> None:
    root = serving.root
    state = serving.wait_for_build(1)
    assert state["code"] == 0 and state["summary"].startswith("built en, es: 2 reports, 2 dossiers, 4 pages in "), state
    assert state["findings"] and {f["level"] for f in state["findings"]} == {"warning"}
    printed = [line for line in serving.seen if line.endswith("]") and ": warning: " in line]
    assert [f["text"] for f in state["findings"]] == printed  # the page shows them as the terminal does

    # Pages are served with the preview script; the published files never have it.
    page = f"/en/{FACILITY}.html"
    status, headers, body = serving.get(page)
    assert status == 200 and headers["Cache-Control"] == "no-store"
    published = (root / "dist" / "en" / f"{FACILITY}.html").read_bytes()
    assert b"__preview__" not in published
    assert body == inject(published, 1)
    assert body.decode().count("__preview__") == 1 and SCRIPT_TAG.format(1) in body.decode()
    assert serving.get("/en/")[2] == inject((root / "dist" / "en" / "index.html").read_bytes(), 1)
    status, headers, script = serving.get("/__preview__/preview.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript") and b"location.reload()" in script
    status, headers, pdf = serving.get(f"/en/{FACILITY}-en.pdf")
    assert status == 200 and headers["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF-")

    # A save is rebuilt, and the page has the new sentence.
    edit(root, "\nsummary: >-\n", "\nsummary: >-\n  Preview edit one.\n")
    state = serving.wait_for_build(2)
    assert state["code"] == 0, state
    assert "Preview edit one." in serving.get(page)[2].decode()
    good = os.readlink(root / "dist")

    # A broken save: the findings reach the page's state, dist/ keeps the last good build.
    edit(root, "Preview edit one.", "Preview edit one.\nbad: [")
    state = serving.wait_for_build(3)
    assert state["code"] == 1 and state["summary"] == "build failed with 1 error: nothing was written to dist/"
    errors = [f["text"] for f in state["findings"] if f["level"] == "error"]
    assert len(errors) == 1 and re.fullmatch(
        rf"facilities/{FACILITY}\.yaml:\d+:\d+: error: YAML syntax error: .+ \[yaml\.syntax\]", errors[0]
    ), errors
    assert os.readlink(root / "dist") == good
    body = serving.get(page)[2].decode()
    assert "Preview edit one." in body and SCRIPT_TAG.format(3) in body

    # Fixed: the next build publishes again.
    edit(root, "Preview edit one.\nbad: [", "Preview edit two.")
    state = serving.wait_for_build(4)
    assert state["code"] == 0 and "Preview edit two." in serving.get(page)[2].decode()

    assert serving.stop() == 0
    assert serving.seen[-1] == "stopped serving after 4 builds", serving.seen
    failed = [line for line in serving.seen if line.startswith("build failed")]
    assert failed == ["build failed with 1 error: nothing was written to dist/"]
    assert serving.seen.count("change detected: rebuilding") == 3


def test_a_port_in_use_is_a_usage_error(tmp_path: Path) -> None:
    import socket

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


def test_the_open_page_reloads_after_a_save_and_shows_a_broken_save_over_the_last_good_build(
    serving: Serving, browser
) -> None:
    """In Chromium: the page a writer has open follows their saves."""
    root = serving.root
    serving.wait_for_build(1)
    page = browser.new_page()
    try:
        page.goto(f"{serving.url}/en/{FACILITY}.html")
        panel = page.locator("#first-ten-preview .panel")
        assert "__preview__" not in (root / "dist" / "en" / f"{FACILITY}.html").read_text(encoding="utf-8")
        page.evaluate("window.sameDocument = true")  # gone once the page reloads

        edit(root, "\nsummary: >-\n", "\nsummary: >-\n  Seen in the browser.\n")
        page.wait_for_function("document.body.innerText.includes('Seen in the browser.')", timeout=120_000)
        assert page.evaluate("window.sameDocument") is None
        serving.wait_for_build(2)

        edit(root, "Seen in the browser.", "Seen in the browser.\nbad: [")
        state = serving.wait_for_build(3)
        error_line = next(f["text"] for f in state["findings"] if f["level"] == "error")
        failed = page.locator("#first-ten-preview .panel.failed")
        failed.wait_for(timeout=10_000)
        assert failed.get_attribute("role") == "alert"
        assert failed.locator("h2").inner_text() == (
            "Not rebuilt: build failed with 1 error: nothing was written to dist/. This page shows the last good build."
        )
        assert failed.locator("li.error").all_inner_texts() == [error_line]
        page.evaluate("window.sameDocument = true")
        assert "Seen in the browser." in page.locator("main").inner_text()

        edit(root, "Seen in the browser.\nbad: [", "Fixed in the browser.")
        page.wait_for_function("document.body.innerText.includes('Fixed in the browser.')", timeout=120_000)
        assert page.evaluate("window.sameDocument") is None
        state = serving.wait_for_build(4)
        warnings = len(state["findings"])
        summary = panel.locator("summary")  # the warnings stay, folded away
        summary.wait_for(timeout=10_000)
        assert panel.count() == 1 and panel.get_attribute("class") == "panel"
        assert summary.inner_text() == f"{warnings} warnings: {state['summary']}"
    finally:
        page.close()
