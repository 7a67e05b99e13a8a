"""Real-browser helpers: Debian's Chromium driven by Playwright, and a folder served on 127.0.0.1.

Import these from any test that needs a browser; `conftest.py` wraps them in the session's
`browser` fixture. Playwright is used without its own browser download: it drives the system's
Chromium (`apt-get install chromium`, which `make system` does), or `$CHROMIUM` if set.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

CHROMIUM_ARGS = (
    "--no-sandbox",  # the tests run as root on CI, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium phones home at start-up; on a machine with no route out its
    # connections are refused, and pages stall behind them.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Yield a headless Chromium (the system's, never a downloaded one), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS), headless=True)
        try:
            yield browser
        finally:
            browser.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # a test's output is its assertions, not an access log


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on 127.0.0.1 at an ephemeral port; yield its base URL, ending in '/'.

    Symlinks are followed (the edition's `dist` is one). The server runs in a thread and is
    shut down and its socket closed on exit.
    """
    server = _Server(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, name=f"serve {folder}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
