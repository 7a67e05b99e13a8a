"""The `serve` verb: build, serve dist/ on localhost, and rebuild when an input changes."""

from __future__ import annotations

import argparse
import functools
import http.server
import threading
import time
from pathlib import Path
from typing import Callable, TextIO

from . import stamp


def serve(root: Path, args: argparse.Namespace, out: TextIO, build: Callable[[], int], poll: float = 1.0) -> int:
    """Build once, then serve dist/ and rebuild on changes until interrupted; return the exit code."""
    build()
    dist = root / "dist"
    dist.mkdir(exist_ok=True)
    handler = functools.partial(_QuietHandler, directory=str(dist))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"serving dist/ at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)", file=out, flush=True)
    last = stamp.inputs_digest(root, {})
    try:
        while True:
            time.sleep(poll)
            current = stamp.inputs_digest(root, {})
            if current != last:
                last = current
                print("change detected: rebuilding", file=out, flush=True)
                build()
    except KeyboardInterrupt:
        return 0
    finally:
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass
