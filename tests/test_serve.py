"""`serve`: the live preview, run as a writer runs it (a subprocess) on a one-facility project."""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from report.commands.serve import Preview, PreviewHandler, inject, open_server
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
    # A page that rebinds its own name to 127.0.0.1 is refused, and the refusal prints nothing.
    status, headers, body = serving.get("/__preview__/state", host=f"rebound.example:{serving.port}")
    assert (status, headers["Content-Type"]) == (403, "text/plain; charset=utf-8") and b"findings" not in body

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
    assert not [line for line in serving.seen if "Traceback" in line or "Exception" in line], serving.seen


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


# The request checks, over real sockets, against the preview's own server (`open_server`) on a
# small dist/ folder: no build needed.


@pytest.fixture
def preview_port(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setattr(PreviewHandler, "timeout", 0.5)
    dist = tmp_path / "dist"
    (dist / "en").mkdir(parents=True)
    (dist / "en" / "index.html").write_text("<html><body><p>Unpublished draft</p></body></html>\n")
    (dist / "big.pdf").write_bytes(b"%PDF-" + bytes(BIG))
    server = open_server(dist, 0, Preview())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


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
