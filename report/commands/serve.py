"""The `serve` verb: a live preview of dist/ that rebuilds on save and reloads the open page.

A save shows its pages from memory first (`build.pages`), then the build that follows
publishes the whole edition; `preview.js` reloads the page or shows the findings. Only a local
browser is answered. The design: docs/architecture.md.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import os
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .. import publish, stamp
from ..errors import UsageError
from ..findings import Finding, count
from ..project import DIST_DIR

PREFIX = "/__preview__/"
LOADED_KINDS = frozenset({"asset", "image"})
"""The kinds of output a page loads (`render.site`): a change to one is shown only by reloading the page."""
SCRIPT = Path(__file__).with_name("preview.js")

if TYPE_CHECKING:
    from .build import Built, Paged


@dataclass(frozen=True)
class State:
    """What the open pages are told: what is served, whether PDFs are being built, the last outcome."""

    generation: int = 0
    """How many outcomes (pages shown, builds finished, saves refused) the pages were told of."""
    building: bool = False
    code: int | None = None
    summary: str = ""
    findings: tuple[dict, ...] = field(default=())
    served: int = 0
    """Goes up whenever what is served changes: a page that was served at a lower number reloads."""
    pages: bool = False
    """True while the pages served are the last save's, ahead of their PDFs (links say "PDF updating")."""
    same: tuple[str, ...] = ()
    """The pages (URL paths) whose bytes the last rise of `served` left as they were: open, they stay."""

    def as_json(self, review: list[str] | tuple[str, ...] = (), version: int = 0) -> bytes:
        """Return the state as JSON, with the paths of the review pages the preview links to and the
        state's `version` (`Preview.wait`)."""
        return json.dumps(
            {
                "version": version,
                "generation": self.generation,
                "building": self.building,
                "code": self.code,
                "summary": self.summary,
                "findings": list(self.findings),
                "served": self.served,
                "pages": self.pages,
                "same": list(self.same),
                "review": list(review),
            },
            ensure_ascii=False,
        ).encode()


def _same_pages(before: dict[str, bytes] | None, pages: dict[str, bytes], loaded: set[str]) -> tuple[str, ...]:
    """Return the URL paths of the pages whose bytes `pages` leave as `before` had them, or none if
    one of the files `loaded` (what a page loads: a stylesheet, a font, a script, an image) changed:
    a page shows that only by reloading, though its own bytes are the same. One `before` does not
    hold was dist/'s, under a save of dossiers alone (`partial`), which changes none of them."""
    if not before or any(path in before and before[path] != pages.get(path) for path in loaded):
        return ()
    return tuple(sorted(f"/{path}" for path, data in pages.items() if before.get(path) == data))


def _shown(findings: tuple[Finding, ...], saved: frozenset[str]) -> tuple[dict, ...]:
    """Return the findings for the page, those in the files just saved (project-relative) first."""
    first = sorted(findings, key=lambda f: f.loc.path not in saved)  # stable: file order otherwise
    return tuple({**f.as_dict(), "text": str(f)} for f in first)


class Preview:
    """The preview's state and the pages of the last save, shared by the watcher, the build loop
    and the server's threads.

    Each save's content hash (`digest`) says which outcome is the latest: a build that finishes
    after a newer save was shown does not replace that save's pages or findings.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # notified whenever `_state` changes
        self._state = State()
        self._version = 0  # goes up with every change of `_state`: what an open page waits past
        self._waiting = 0  # the pages' requests held open now (`wait`)
        self._owed = 0  # those held when the state last changed: each page asks again once it shows it
        self._asked = 0  # the requests held since then (`caught_up`)
        self._pages: dict[str, bytes] | None = None  # path under dist/ -> bytes
        self._pages_digest: str | None = None  # the save they were made from
        self._pages_dist: str | None = None  # what dist/ was (`publish.current`) when they were newer
        # What the saved dossiers' pages shown first (a partial `paged`) cover, until the rest follows.
        self._under: tuple[dict[str, bytes] | None, str | None, str | None] | None = None
        self._first: dict[str, bytes] = {}  # those pages
        # True while `_pages` hold every page of the site (a whole save's, maybe under a later save's
        # dossier pages): a page they do not hold is one the save removed, not one to take from dist/.
        self._whole = False
        self._under_whole = False  # what `_whole` was for the pages `_under` keeps
        self._latest: str | None = None  # the digest of the last save shown or refused
        self._latest_ok = True

    @property
    def state(self) -> State:
        with self._lock:
            return self._state

    def wait(self, after: int | None, timeout: float, most: int) -> tuple[State, int]:
        """Return the state and its version once the version is not `after`, or after `timeout` seconds.

        At most `most` requests are held at once (a browser opens few connections to one host, and a
        held one is not free for the pages); beyond that, and for `after` None, it returns at once.
        """
        with self._changed:
            if after == self._version and self._waiting < most:
                self._waiting += 1
                self._asked += 1
                self._changed.notify_all()  # for `caught_up`
                try:
                    self._changed.wait_for(lambda: self._version != after, timeout)
                finally:
                    self._waiting -= 1
                    if self._version == after:  # its time ran out: it asks again, and counts again
                        self._asked -= 1
            return self._state, self._version

    def caught_up(self, bound: float) -> None:
        """Return once every page that was waiting (`wait`) when the state last changed has asked for
        the state again, or after `bound` seconds.

        A page asks again once it shows the change (`preview.js` asks once its page is painted, a
        page it reloaded as well), so the work that follows a save's first pages (the rest of the
        site, then the PDFs) waits here until the open pages have reloaded: it would compete with
        them for the processors. With no page open it does not wait; a page closed meanwhile is
        waited for `bound` seconds at most.
        """
        with self._changed:
            self._changed.wait_for(lambda: self._asked >= self._owed, bound)

    def _set(self, state: State) -> None:
        """Make `state` the state (the lock held) and wake the pages waiting for a change."""
        self._state = state
        self._version += 1
        self._owed, self._asked = self._waiting, 0
        self._changed.notify_all()

    def building(self) -> None:
        with self._lock:
            self._set(replace(self._state, building=True))

    def paged(self, paged: Paged, digest: str, dist: str | None, saved: frozenset[str] = frozenset()) -> None:
        """Serve a save's pages in front of `dist/` (which is `dist` now) until its build finishes.

        A partial `paged` (the saved dossiers' pages alone) goes over the pages served till now,
        which come back if the rest of the save's site is refused (`refused`).
        """
        with self._lock:
            pages = {o.path: o.data for o in paged.outputs}
            before = self._pages if self._pages_dist == dist else None
            if paged.partial:
                if self._under is None:
                    self._under = (self._pages, self._pages_digest, self._pages_dist)
                    self._under_whole = self._whole
                self._first = pages
                below, _, below_dist = self._under
                self._whole = False
                if below is not None and below_dist == dist:
                    pages = below | pages
                    self._whole = self._under_whole
            else:
                self._under = None
                self._whole = True
            self._pages = pages
            self._pages_digest, self._pages_dist = digest, dist
            self._latest, self._latest_ok = digest, True
            s = self._state
            findings = _shown(paged.findings, saved)
            same = _same_pages(before, pages, {o.path for o in paged.outputs if o.kind in LOADED_KINDS})
            self._set(State(s.generation + 1, True, 0, paged.summary, findings, s.served + 1, True, same))

    def refused(self, built: Built, digest: str, saved: frozenset[str] = frozenset()) -> None:
        """Show why a save does not build (the pages step found errors); what is served stays, but for
        the save's own dossier pages shown first (`paged`), which give way to what they covered."""
        with self._lock:
            self._latest, self._latest_ok = digest, False
            s = self._state
            served, showing = s.served, s.pages
            if self._under is not None:
                self._pages, self._pages_digest, self._pages_dist = self._under
                self._whole = self._under_whole
                served, showing = served + 1, self._pages is not None
            self._under = None
            findings = _shown(built.findings, saved)
            self._set(
                replace(
                    s,
                    generation=s.generation + 1,
                    code=1,
                    summary=built.summary,
                    findings=findings,
                    served=served,
                    pages=showing,
                    same=s.same if served == s.served else (),
                )
            )

    def finished(
        self,
        code: int,
        built: Built,
        saved: frozenset[str] = frozenset(),
        digest: str | None = None,
        dist: str | None = None,
    ) -> None:
        """Publish a finished build of the files whose hash was `digest` (None: the latest); `dist/` is now `dist`.

        The findings in the files just saved (project-relative) come first.
        """
        with self._lock:
            s = self._state
            served = s.served
            if self._under is not None and digest in (None, self._under[1]):
                self._under = (None, None, None)  # what a newer save's first pages covered is in dist/ now
                self._under_whole = self._whole = False
                self._pages = dict(self._first)
            if self._pages is not None and digest in (None, self._pages_digest):
                self._pages = None  # built (dist/ has them now), or failed (back to the last good build)
                served += 1
            elif self._pages is not None:  # a newer save's pages: they stay in front of this build
                self._pages_dist = dist
            elif code == 0:
                served += 1
            showing = self._pages is not None
            same = s.same if served == s.served else ()
            if digest is None or self._latest in (None, digest):  # None: no save yet, this is the first build
                findings = _shown(built.findings, saved)
                self._set(State(s.generation + 1, False, code, built.summary, findings, served, showing))
            elif code == 0:  # the latest save's outcome stands; its build follows if it had pages
                self._set(replace(s, building=self._latest_ok, served=served, pages=showing, same=same))
            else:  # it stands, and says too why this earlier save's pages, shown till now, went
                earlier = tuple(
                    f for f in _shown(built.findings, saved) if f["level"] == "error" and f not in s.findings
                )
                findings = s.findings + earlier
                generation = s.generation + 1 if earlier else s.generation
                self._set(
                    replace(
                        s,
                        generation=generation,
                        building=self._latest_ok,
                        served=served,
                        pages=showing,
                        findings=findings,
                        same=same,
                    )
                )

    def page(self, name: str, dist: str | None) -> tuple[bytes | None, int]:
        """Return the last save's file at `name` if it is newer than `dist/` (which is `dist` now), and `served`."""
        with self._lock:
            served = self._state.served
            if self._pages is None or dist != self._pages_dist:
                return None, served
            return self._pages.get(name), served

    def gone(self, name: str, dist: str | None) -> bool:
        """Return True if the last save's pages, served in front of `dist/` (which is `dist` now), are
        the whole site and `name` is a page they do not hold: the save removed it, and dist/ still has
        it only until the build that follows publishes."""
        with self._lock:
            return (
                self._whole
                and self._pages is not None
                and dist == self._pages_dist
                and name.endswith(".html")
                and name not in self._pages
            )

    def has_folder(self, name: str, dist: str | None) -> bool:
        """Return True if the last save's pages hold `name/index.html` (and are served)."""
        return self.page(f"{name}/index.html", dist)[0] is not None


def serve(
    root: Path,
    port: int,
    build: Callable[[bool], tuple[int, Built]],
    pages: Callable[[frozenset[str]], Paged],
    say: Callable[[str], None],
    poll: float = 0.1,
    catch_up: float = 1.0,
    announce: Callable[[Paged], None] = lambda paged: None,
) -> None:
    """Serve dist/, build, then show every change (pages, then PDFs) until Ctrl-C, which ends it
    (during a build too: the build's own summary says what became of dist/).

    `build` builds (a release if it is given True, else a draft) and returns the exit code the
    terminal shows with it; `pages` renders the site without PDFs (only the pages of the saved
    dossiers it is given, when it can: see `build.pages`); `announce` tells the writer what pages
    are shown, or the findings that kept them from being shown (not of a render the watcher
    discarded, since files changed while it ran); `say` tells the writer what the preview does.
    They may print from the watcher's thread and the main one. After a save's pages, the rest of the site and the build wait until the
    open pages have shown them, `catch_up` seconds at most (`Preview.caught_up`).

    The preview builds drafts, with one exception: a release edition in `dist/` that is the
    release of the sources as they are is kept (its build is the release's, which finds it up to
    date) until the first save. Any build that replaces a release with a draft says so first.
    """
    preview = Preview()
    try:
        server = open_server(root / DIST_DIR, port, preview, lambda: publish.review_folder(root))
    except OSError as exc:
        raise UsageError(f"cannot serve on port {port} ({exc.strerror}): try another with --port") from None
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    builds = 0
    watcher: _Watcher | None = None
    try:
        say(f"serving dist/ at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)")
        release = _current_release(root)
        watcher = _Watcher(root, preview, pages, say, poll, catch_up, announce)
        if publish.current(root) is None:  # nothing to show yet: the pages first, then the PDFs
            watcher.show(frozenset())
        else:
            watcher.wanted.set()
        watcher.start()
        while True:
            while not watcher.wanted.wait(0.1):  # short waits: Ctrl-C is heard at once
                watcher.check()
            watcher.wanted.clear()
            preview.caught_up(catch_up)  # the open pages reload before the build starts
            digest = stamp.content_digest(root)  # before the build: an edit made during it is built again
            preview.building()
            release = release and not watcher.saved
            if not release and publish.read_edition(root / DIST_DIR) == "release":
                say(
                    "the preview builds drafts: this build replaces the release edition in dist/ (run ./build.py release to build it again)"
                )
            code, built = build(release)
            builds += built.state != "up-to-date"  # a build that found dist/ up to date built nothing
            if built.state == "interrupted":
                return
            preview.finished(code, built, watcher.saved, digest, publish.current(root))
    except KeyboardInterrupt:
        return
    finally:
        server.shutdown()
        server.server_close()
        done = builds + (watcher.refusals if watcher else 0)
        say(f"stopped serving after {count(done, 'build')}" if done else "stopped serving; nothing was built")


def _current_release(root: Path) -> bool:
    """Return True if dist/ holds a release edition built from the sources as they are now."""
    dist = root / DIST_DIR
    if publish.read_edition(dist) != "release":
        return False
    try:
        manifest = (dist / publish.MANIFEST).read_bytes()
    except OSError:
        return False
    return stamp.dist_changed(root, dist, manifest) is False  # as `export` judges it: the same release


class _Watcher(threading.Thread):
    """Watches the input files; shows each save's pages at once and asks the main thread for a build.

    A save with errors is refused here (its findings shown, nothing built): the build would
    fail on the same gather phase.
    """

    def __init__(
        self,
        root: Path,
        preview: Preview,
        pages: Callable[[frozenset[str]], Paged],
        say: Callable[[str], None],
        poll: float,
        catch_up: float = 1.0,
        announce: Callable[[Paged], None] = lambda paged: None,
    ) -> None:
        super().__init__(name="preview watcher", daemon=True)
        self.root, self.preview, self.pages, self.say, self.poll = root, preview, pages, say, poll
        self.announce = announce  # what a render shows, said once it is shown (`serve`)
        self.catch_up = catch_up  # seconds the rest of the site may wait for the open pages to reload
        self.wanted = threading.Event()  # set: the main thread should build
        self.seen = _signature(root)
        self.digest = stamp.content_digest(root)
        self.saved: frozenset[str] = frozenset()  # the files of the last save, project-relative
        self.refusals = 0
        self.crash: BaseException | None = None

    def run(self) -> None:
        try:
            while True:
                self._wait_for_a_change()
                self.say("change detected: rebuilding")
                self.show(self.saved)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, which reports it
            self.crash = exc

    def check(self) -> None:
        """Raise, in the calling thread, what stopped the watcher (a bug in the tool)."""
        if self.crash is not None:
            raise self.crash

    def show(self, saved: frozenset[str]) -> None:
        """Render the pages of the files as they are now; serve them and ask for a build, or show why not.

        A save of dossiers alone shows those dossiers' pages first (`pages` renders them alone),
        then the whole site once the open pages have shown the first (`Preview.caught_up`). The
        pages go with the hash of the files they were read from: if the files moved while `pages`
        read them (a save written in place, emptied and then filled), they may hold some of each,
        so they are rendered again once the files are still, and only those are shown.
        """
        rest = False  # the saved dossiers' pages are shown: now the whole site
        while True:
            paged = self.pages(frozenset() if rest else saved)
            if (current := _signature(self.root)) != self.seen:
                self._settle(current)
                saved = self.saved = saved | self.saved
                rest = False
                continue
            self.announce(paged)  # not before: a render discarded above was never shown
            if paged.failed is not None:
                self.refusals += 1
                self.preview.refused(paged.failed, self.digest, saved)
                return
            self.preview.paged(paged, self.digest, publish.current(self.root), saved)
            if not paged.partial:
                break
            self.preview.caught_up(self.catch_up)  # the open pages reload, then the rest is rendered
            rest = True
        self.wanted.set()

    def _wait_for_a_change(self) -> None:
        """Return once the input files have changed, are still, and hash differently from the last time."""
        while True:
            time.sleep(self.poll)
            current = _signature(self.root)
            if current != self.seen and self._settle(current):
                return

    def _settle(self, current: tuple[tuple[str, int, int], ...]) -> bool:
        """Wait until the input files (`current` now) are still; note them; return True if their hash moved."""
        root, poll = self.root, self.poll
        while (settled := _signature(root)) != current:
            current = settled
            time.sleep(poll)
        self.saved = frozenset(Path(p).relative_to(root).as_posix() for p, *_ in set(current) - set(self.seen))
        self.seen = current
        digest = stamp.content_digest(root)
        moved, self.digest = digest != self.digest, digest
        return moved


def open_server(
    directory: Path, port: int, preview: Preview, review: Callable[[], Path | None] = lambda: None
) -> http.server.ThreadingHTTPServer:
    """Return the preview's server for `directory` on 127.0.0.1:`port` (0: any free port), not yet serving.

    `review` returns the folder of review pages to serve where `directory` has no such file.
    """
    handler = functools.partial(PreviewHandler, directory=str(directory), preview=preview, review=review)
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


def inject(page: bytes, served: int) -> bytes:
    """Return an HTML page with the preview script added before its closing `</body>`."""
    tag = f'<script src="{PREFIX}preview.js" data-served="{served}"></script>\n'.encode()
    end = page.lower().rfind(b"</body>")
    return page + tag if end < 0 else page[:end] + tag + page[end:]


_WAITING = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Preview</title></head>
<body><main><h1>No edition yet</h1><p>The first build has not finished, or it failed:
the findings are shown here and in the terminal. This page reloads when a build succeeds.</p></main>
</body></html>
"""


_MISSING = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>No page here</title></head>
<body><main><h1>No page here</h1><p>The edition served has no page at this address: a save
removed it, or it was never there. This page reloads when a build or a save makes it.</p></main>
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
    # `state?after=N` is answered when the state changes, at once (no poll's wait), or after `held`
    # seconds: a tab closed meanwhile ties a thread up that long at most. Chromium opens 6
    # connections to a host; with more than `most_held` tabs held, the others poll (`preview.js`).
    held = 25.0
    most_held = 4
    error_content_type = "text/plain; charset=utf-8"
    error_message_format = "%(code)d %(message)s: %(explain)s\n"
    LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")

    def __init__(
        self, *args: object, preview: Preview, review: Callable[[], Path | None] = lambda: None, **kwargs: object
    ) -> None:
        self.preview = preview
        self.review = review
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
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            after = query.get("after", [""])[0]
            state, version = self.preview.wait(int(after) if after.isdigit() else None, self.held, self.most_held)
            folder = self.review()
            pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html")) if folder else []
            return self._send(state.as_json(pages, version), "application/json")
        if path == PREFIX + "preview.js":
            return self._send(SCRIPT.read_bytes(), "text/javascript; charset=utf-8")
        file = Path(self.translate_path(self.path))
        name = Path(os.path.relpath(file, self.directory)).as_posix()  # translate_path drops any ".."
        name = "" if name == "." else name
        dist = publish.current(Path(self.directory).parent)
        if path.endswith("/"):
            name = f"{name}/index.html".lstrip("/")
        elif self.preview.has_folder(name, dist):  # as the stdlib answers for a folder's name
            self.send_response(301)
            self.send_header("Location", path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        data, served = self.preview.page(name, dist)  # `served` first: a page newer than it reloads once more
        if data is not None:
            if name.endswith(".html"):
                return self._send(inject(data, served), "text/html; charset=utf-8")
            return self._send(data, self.guess_type(name))
        if self.preview.gone(name, dist):  # the save removed it: what dist/ has is the edition before
            return self._send(inject(_MISSING, served), "text/html; charset=utf-8", 404)
        try:
            file, page = self._found(file, path)
        except OSError:  # a name longer than the file system takes (ENAMETOOLONG): no file has it
            self.send_error(404, "File not found")
            return None
        if page is not None:
            return self._send(inject(page, served), "text/html; charset=utf-8")
        if file is None and name.endswith(".html") and not Path(self.translate_path(self.path)).is_dir():
            # A page (a folder's too, `/en/`) that reloads once a build or a save makes it: with no
            # edition served yet, not one "a save removed", but one the first build has not made.
            return self._send(inject(_MISSING if dist else _WAITING, served), "text/html; charset=utf-8", 404)
        return super().send_head()

    def _found(self, file: Path, path: str) -> tuple[Path | None, bytes | None]:
        """Return the file of dist/ (or of the review pages) that `file`, asked for as `path`, names
        (None if there is none), and its bytes if it is a page."""
        if file.is_dir() and path.endswith("/"):
            file = file / "index.html"
        folder = None if file.exists() else self.review()
        if folder is not None:  # a review page, at the place it would have in dist/
            file = folder / file.relative_to(self.directory)
        if file.suffix == ".html" and file.is_file():
            try:
                return file, file.read_bytes()
            except OSError:  # swapped away between the test and the read: the next request is fine
                pass
        return (file if file.exists() else None), None

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
