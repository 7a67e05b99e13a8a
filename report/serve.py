"""The `serve` verb: build, serve dist/ on localhost, and rebuild when an input changes.

The server looks each request's path up under `dist/` when it comes, so it follows the symlink
that every publish swaps (see `publish`): a file comes from the old edition or the new one.
Rebuilds take the build lock like any build.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import threading
import time
from pathlib import Path
from typing import Callable, TextIO

from . import stamp
from .cli import INTERRUPTED
from .publish import DIST_DIR


def serve(root: Path, args: argparse.Namespace, out: TextIO, build: Callable[[], int], poll: float = 1.0) -> int:
    """Build once, then serve dist/ and rebuild on changes until interrupted; return the exit code."""
    last = stamp.inputs_digest(root, {})  # before the build: an edit made during it is rebuilt too
    if build() == INTERRUPTED:
        return INTERRUPTED
    handler = functools.partial(_QuietHandler, directory=str(root / DIST_DIR))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        print(f"serving dist/ at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)", file=out, flush=True)
        while True:
            time.sleep(poll)
            current = stamp.inputs_digest(root, {})
            if current != last:
                last = current
                print("change detected: rebuilding", file=out, flush=True)
                if build() == INTERRUPTED:
                    return INTERRUPTED
    except KeyboardInterrupt:
        return 0
    finally:
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass
