"""The `serve` verb: a live preview of dist/ that rebuilds on save and reloads the open page.

- The server looks each request's path up under `dist/` when it comes, so it follows the symlink
  that every publish swaps (see `publish`): a file comes from the old edition or the new one.
- HTML pages are served with one extra line, a `<script>` for `preview.js`, added to the
  response only: the files in `dist/` are never changed, so what is published has no preview script.
- The script polls `/__preview__/state` (the last build's generation, exit code, summary and
  findings). A successful build reloads the page; a failed one leaves the page as it is (the
  last good build, which is still what `dist/` holds) and shows the findings over it.
- Watching is a stat of the input files every `poll` seconds (cheap, and it sees saves by any
  editor, on any file system); a change is rebuilt once the files have been still for one poll
  and their content hash differs from the last build's. Rebuilds take the build lock like any
  build.
- Only a local browser is answered. A request must name this server in its `Host:` header
  (`127.0.0.1`, `localhost` or `[::1]`, with the served port): a web page that rebinds its own
  name to 127.0.0.1 (DNS rebinding) is refused, so it cannot read unpublished pages or the
  build's findings. A refusal is a plain-text 403 (the answer of webpack-dev-server, Vite and
  Rails to the same check); a missing or repeated `Host:`, a path with a control character or
  bytes that are not UTF-8, or anything else malformed is a 400. A request must arrive whole
  within `PreviewHandler.timeout` seconds and a client that stops reading an answer for as long
  is dropped; a client that goes away is not an error. None of these print anything.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .. import stamp
from ..errors import UsageError
from ..findings import count
from ..project import DIST_DIR

PREFIX = "/__preview__/"
SCRIPT = Path(__file__).with_name("preview.js")

if TYPE_CHECKING:
    from .build import Built


@dataclass(frozen=True)
class State:
    """What the open pages are told: the last finished build, and whether another is running."""

    generation: int = 0
    building: bool = False
    code: int | None = None
    summary: str = ""
    findings: tuple[dict, ...] = field(default=())

    def as_json(self) -> bytes:
        return json.dumps(
            {
                "generation": self.generation,
                "building": self.building,
                "code": self.code,
                "summary": self.summary,
                "findings": list(self.findings),
            },
            ensure_ascii=False,
        ).encode()


class Preview:
    """The preview's state, shared by the build loop (writer) and the server's threads (readers)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = State()

    @property
    def state(self) -> State:
        with self._lock:
            return self._state

    def building(self) -> None:
        with self._lock:
            self._state = replace(self._state, building=True)

    def finished(self, code: int, built: Built, saved: frozenset[str] = frozenset()) -> None:
        """Publish a finished build; the findings in the files just saved (project-relative) come first."""
        first = sorted(built.findings, key=lambda f: f.loc.path not in saved)  # stable: file order otherwise
        findings = tuple({**f.as_dict(), "text": str(f)} for f in first)
        with self._lock:
            self._state = State(self._state.generation + 1, False, code, built.summary, findings)


def serve(
    root: Path, port: int, build: Callable[[], tuple[int, Built]], say: Callable[[str], None], poll: float = 0.25
) -> bool:
    """Serve dist/, build, then rebuild on every change until Ctrl-C; return True if a build was interrupted.

    `build` builds and returns the exit code the terminal shows with it; `say` tells the writer
    what the preview does.
    """
    preview = Preview()
    try:
        server = open_server(root / DIST_DIR, port, preview)
    except OSError as exc:
        raise UsageError(f"cannot serve on port {port} ({exc.strerror}): try another with --port") from None
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    builds = 0
    try:
        say(f"serving dist/ at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)")
        seen = _signature(root)
        last = stamp.content_digest(root)  # before the build: an edit made during it is rebuilt too
        saved: frozenset[str] = frozenset()
        while True:
            preview.building()
            code, built = build()
            builds += 1
            if built.state == "interrupted":
                return True
            preview.finished(code, built, saved)
            while True:  # wait for a change, then for the files to be still
                time.sleep(poll)
                current = _signature(root)
                if current == seen:
                    continue
                while (settled := _signature(root)) != current:
                    current = settled
                    time.sleep(poll)
                saved = frozenset(Path(p).relative_to(root).as_posix() for p, *_ in set(current) - set(seen))
                seen = current
                digest = stamp.content_digest(root)
                if digest != last:
                    last = digest
                    say("change detected: rebuilding")
                    break
    except KeyboardInterrupt:
        return False
    finally:
        server.shutdown()
        server.server_close()
        say(f"stopped serving after {count(builds, 'build')}")


def open_server(directory: Path, port: int, preview: Preview) -> http.server.ThreadingHTTPServer:
    """Return the preview's server for `directory` on 127.0.0.1:`port` (0: any free port), not yet serving."""
    handler = functools.partial(PreviewHandler, directory=str(directory), preview=preview)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Return the name, modification time and size of every input file."""
    found = []
    for path in stamp.watched_files(root):
        try:
            info = path.stat()
        except OSError:  # deleted between the listing and the stat: the next poll sees it
            continue
        found.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(found)


def inject(page: bytes, generation: int) -> bytes:
    """Return an HTML page with the preview script added before its closing `</body>`."""
    tag = f'<script src="{PREFIX}preview.js" data-generation="{generation}"></script>\n'.encode()
    end = page.lower().rfind(b"</body>")
    return page + tag if end < 0 else page[:end] + tag + page[end:]


_WAITING = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Preview</title></head>
<body><main><h1>No edition yet</h1><p>The first build has not finished, or it failed:
the findings are shown here and in the terminal. This page reloads when a build succeeds.</p></main>
</body></html>
"""


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Files from dist/, each page with the preview script; the preview's state and script.

    The request checks (`parse_request`, `_refusal`), the time limits (`setup`, `_Head`) and the
    quiet end of a connection the client dropped (`handle`) are the only additions to the
    standard library's file server besides `send_head`. It speaks HTTP/1.0 (the stdlib's
    default): one request per connection.
    """

    timeout = 10.0  # seconds: for the whole request to arrive, and for each write of the answer
    error_content_type = "text/plain; charset=utf-8"
    error_message_format = "%(code)d %(message)s: %(explain)s\n"
    LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")

    def __init__(self, *args: object, preview: Preview, **kwargs: object) -> None:
        self.preview = preview
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # handles the request

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # the stdlib's reader, replaced by one with a deadline for the whole head
        self.rfile = io.BufferedReader(_Head(self.connection, time.monotonic() + self.timeout))

    def handle(self) -> None:
        try:
            super().handle()
        except ConnectionError:  # the client cancelled a download or went away: nothing to say
            self.close_connection = True

    def parse_request(self) -> bool:
        try:
            if not super().parse_request():
                return False
        finally:
            self.connection.settimeout(self.timeout)  # the head is read: the answer's writes get the usual timeout
        refusal = self._refusal()
        if refusal is not None:
            self.send_error(*refusal)
            return False
        return True

    def _refusal(self) -> tuple[int, str, str] | None:
        """Return why this request is not answered (status, reason, explanation), or None."""
        port = self.connection.getsockname()[1]  # the served port
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:
            return 400, "Bad Request", "a request needs exactly one Host header"
        allowed = {f"{name}:{port}" for name in self.LOCAL_NAMES} | (set(self.LOCAL_NAMES) if port == 80 else set())
        if hosts[0].strip().lower() not in allowed:
            where = ", ".join(f"http://{name}:{port}/" for name in self.LOCAL_NAMES)
            return 403, "Forbidden", f"this preview answers only requests for {where}"
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        try:
            name = urllib.parse.unquote(path, errors="strict")
        except UnicodeDecodeError:
            return 400, "Bad Request", "the path is not UTF-8"
        if not path.startswith("/"):
            return 400, "Bad Request", "the request must name a path that starts with /"
        if any(ch < " " or ch == "\x7f" for ch in name):
            return 400, "Bad Request", "the path holds a control character"
        return None

    def send_head(self):  # noqa: ANN201 - the stdlib's signature
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == PREFIX + "state":
            return self._send(self.preview.state.as_json(), "application/json")
        if path == PREFIX + "preview.js":
            return self._send(SCRIPT.read_bytes(), "text/javascript; charset=utf-8")
        file = Path(self.translate_path(self.path))
        if file.is_dir() and path.endswith("/"):
            file = file / "index.html"
        if file.suffix == ".html" and file.is_file():
            try:
                page = file.read_bytes()
            except OSError:  # swapped away between the test and the read: the next request is fine
                page = None
            if page is not None:
                return self._send(inject(page, self.preview.state.generation), "text/html; charset=utf-8")
        if path == "/" and not file.exists():  # nothing published yet
            return self._send(inject(_WAITING, self.preview.state.generation), "text/html; charset=utf-8", 404)
        return super().send_head()

    def _send(self, body: bytes, content_type: str, status: int = 200) -> io.BytesIO:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a reload always shows the new build
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


class _Head(io.RawIOBase):
    """A connection's input with one deadline for the request line and headers together.

    A socket timeout limits each read, so a client sending a byte every few seconds (slowloris)
    would never trip it; here each read may wait only for what is left until `end`.
    """

    def __init__(self, sock: socket.socket, end: float) -> None:
        self.sock = sock
        self.end = end

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]  # RawIOBase's buffer type
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request took too long to arrive")
        self.sock.settimeout(left)
        return self.sock.recv_into(buffer)
