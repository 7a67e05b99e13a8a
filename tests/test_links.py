"""`check --online` against a real HTTP server on 127.0.0.1, named `first.test` and `second.test`.

The checker asks no address that is not public (`link.internal`): these tests resolve the two
names to 127.0.0.1 (`local_names`) and let the checker ask that one address.

The checker's sleeps are recorded, not slept (`Waits`); socket timeouts are real but short.
"""

from __future__ import annotations

import ipaddress
import json
import re
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

from report.content import links
from report.content.links import CACHE_FILE, DAY, Policy, check_links
from report.content.schema import private_address
from report.content.load import load_edition

from .conftest import make_project, run_cli


class Waits:
    """The checker's clock and sleep: a sleep is recorded, not slept, and moves the clock on.

    Each URL is probed on one thread, so each thread keeps its own time: real time plus the
    sleeps it skipped (one URL's wait must not cut another's request short).
    """

    def __init__(self) -> None:
        self.asked: list[float] = []
        self.skipped = threading.local()

    def clock(self) -> float:
        return time.monotonic() + getattr(self.skipped, "seconds", 0.0)

    def sleep(self, seconds: float) -> None:
        self.asked.append(seconds)  # list.append is atomic
        self.skipped.seconds = getattr(self.skipped, "seconds", 0.0) + seconds


def fast(waits: Waits | None = None, **changes: float) -> Policy:
    waits = waits or Waits()
    values = {"timeout": 0.5, "deadline": 5.0, "retries": 1, "backoff": 0.05, **changes}
    return Policy(**values, clock=waits.clock, sleep=waits.sleep)  # type: ignore[arg-type]


FAST = fast()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int] = ("127.0.0.1", 0)) -> None:
        super().__init__(address, Handler)
        self.hits: Counter[tuple[str, str]] = Counter()
        self.lock = threading.Lock()
        self.release = threading.Event()  # set when the test ends: /hang and /trickle stop

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client gave up on /hang or /trickle before it answered: expected

    @property
    def port(self) -> int:
        return self.server_address[1]

    def total(self) -> int:
        return sum(self.hits.values())


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_HEAD(self) -> None:
        self.answer("HEAD")

    def do_GET(self) -> None:
        self.answer("GET")

    def answer(self, method: str) -> None:
        with self.server.lock:
            self.server.hits[(method, self.path)] += 1
            seen = sum(n for (_, path), n in self.server.hits.items() if path == self.path)
        port = self.server.port
        if self.path == "/ok":
            self.reply(200)
        elif self.path == "/same-host":
            self.reply(301, Location=f"http://first.test:{port}/ok")
        elif self.path == "/moved":
            self.reply(301, Location=f"http://second.test:{port}/ok")
        elif self.path == "/not-found":
            self.reply(404)
        elif self.path == "/gone":
            self.reply(410)
        elif self.path == "/no-head":
            self.reply(405 if method == "HEAD" else 200)
        elif self.path.startswith("/head-"):  # HEAD answered wrongly (/head-404: 404), GET with 200
            self.reply(int(self.path[6:]) if method == "HEAD" else 200)
        elif self.path == "/bad-gateway-twice":  # a passing 502 (HEAD, then the first GET)
            self.reply(502 if seen <= 2 else 200)
        elif self.path == "/bot-wall":  # as sites behind a bot filter do: a browser gets the page
            self.reply(200 if "Firefox/" in self.headers.get("User-Agent", "") else 403)
        elif self.path in ("/report/2019.pdf", "/news/closing"):  # taken down: sent to the home page
            self.reply(301, Location="/" if self.path == "/news/closing" else f"http://second.test:{port}/index.html")
        elif self.path in ("/", "/index.html"):
            self.reply(200)
        elif self.path == "/index.php":  # a home page's other address
            self.reply(301, Location="/")
        elif self.path == "/error":
            self.reply(500)
        elif self.path == "/busy":
            self.reply(429, **{"Retry-After": "1"}) if seen == 1 else self.reply(200)
        elif self.path == "/hang":
            self.server.release.wait(20)
            self.reply(200)
        elif self.path == "/busy-for-an-hour":
            self.reply(429, **{"Retry-After": "3600"})
        elif self.path == "/to-file":
            self.reply(302, Location="file:///etc/passwd")
        elif self.path == "/to-ftp":
            self.reply(301, Location=f"ftp://first.test:{port}/report.pdf")
        elif self.path.startswith("/to-inside/"):  # a name that resolves to 127.0.0.2 (`NAMES`), at that port
            self.reply(301, Location=f"http://inside.test:{self.path[11:]}/ok")
        elif self.path.startswith("/to-loopback/"):
            self.reply(302, Location=f"http://127.0.0.2:{self.path[13:]}/ok")
        elif self.path == "/to-nowhere":
            self.reply(301, Location="https:///report.pdf")
        elif self.path == "/to-ok-escaped":
            self.reply(301, Location="/o\u00e9 k")  # sent as the bytes b"/o\xe9 k": escaped, then 404
        elif self.path == "/trickle":  # a byte every 0.1 s: never silent for as long as a read timeout
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _ in range(100):  # 10 s, then the header line ends: a checker without a deadline waits that long
                if self.server.release.wait(0.1):
                    break
                self.wfile.write(b"X")
                self.wfile.flush()
        elif self.path.startswith("/hop/"):  # a slow redirect chain: 0.3 s a hop
            time.sleep(0.3)
            self.reply(301, Location=f"/hop/{int(self.path[5:]) + 1}")
        else:
            self.reply(404)

    def reply(self, status: int, **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()


LOCAL = ipaddress.IPv4Address("127.0.0.1")
NAMES = {"first.test": "127.0.0.1", "second.test": "127.0.0.1", "inside.test": "127.0.0.2"}
"""Names these tests resolve themselves: the checker never asks a real resolver."""


@pytest.fixture
def resolved(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Resolve the names of `NAMES` to their loopback addresses, and return every name asked."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(host)
        if host in NAMES:
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (NAMES[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@pytest.fixture
def local_names(resolved: list[str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """`resolved`, with the checker allowed to ask 127.0.0.1 (and no other address that is not public)."""
    monkeypatch.setattr(links, "private_address", lambda a: None if a == LOCAL else private_address(a))
    return resolved


@pytest.fixture
def server(local_names: list[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    httpd = Server()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield httpd
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()


SOURCES = """\
sources:
  - id: gov-report-2020
    type: government-report
    title: Inspection of the Sample Facility
    publisher: Office of Inspector General
    date: 2020-05-01
    url: {base}/ok
  - id: news-2021
    type: news
    title: Sample facility to close
    publisher: The Daily Example
    date: 2021-03
    url: {base}/same-host
{extra}"""

EXTRA = [
    ("moved", "/moved", None),
    ("not-found", "/not-found", "/ok"),
    ("gone", "/gone", None),
    ("no-head", "/no-head", None),
    ("error", "/error", None),
    ("busy", "/busy", None),
    ("hang", "/hang", None),
]


def write_sources(root: Path, port: int, extra: list[tuple[str, str, str | None]]) -> None:
    base = f"http://first.test:{port}"
    entries = []
    for source_id, path, archive in extra:
        entry = (
            f"  - id: {source_id}\n    type: web-page\n    title: Page {source_id}\n    publisher: Example\n"
            f"    date: 2021-03\n    url: {base}{path}\n"
        )
        if archive:
            entry += f"    archive_url: {base}{archive}\n"
        entries.append(entry)
    (root / "facilities/sources.yaml").write_text(SOURCES.format(base=base, extra="".join(entries)))


def lines(findings: list) -> list[str]:
    return [str(f) for f in sorted(findings, key=lambda f: f.sort_key())]


def test_every_kind_of_answer(server: Server, tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_sources(root, server.port, EXTRA)
    edition, _ = load_edition(root)
    waits = Waits()
    findings = check_links(root, edition.sources.values(), fast(waits))
    b = f"http://first.test:{server.port}"
    where = "facilities/sources.yaml"
    assert lines(findings) == [
        f"{where}:19:10: warning: source 'moved': url {b}/moved redirects to another host:"
        f" http://second.test:{server.port}/ok; check it and update the url [link.moved]",
        f"{where}:25:10: error: source 'not-found': url {b}/not-found is gone: HTTP 404 Not Found;"
        f" cite the archived copy instead: {b}/ok [link.gone]",
        f"{where}:32:10: error: source 'gone': url {b}/gone is gone: HTTP 410 Gone;"
        " add an archive_url (a copy on web.archive.org) [link.gone]",
        f"{where}:44:10: warning: source 'error': url {b}/error answered HTTP 500 Internal Server Error [link.http]",
        f"{where}:56:10: warning: source 'hang': url {b}/hang did not answer:"
        " timed out after 2 tries [link.unreachable]",
    ]
    # HEAD refused, then GET; 429 honoured (Retry-After: 1), then answered
    assert server.hits[("HEAD", "/no-head")] == 1 and server.hits[("GET", "/no-head")] == 1
    assert server.hits[("HEAD", "/busy")] == 2
    assert server.hits[("HEAD", "/hang")] == 2
    # the backoffs before /hang's second try and /error's second GET; /busy's Retry-After
    assert sorted(waits.asked) == [0.05, 0.05, 1.0]


def test_a_url_whose_head_answer_is_an_error_is_asked_with_get(server: Server, tmp_path: Path) -> None:
    """A reader's browser asks with GET: a server that answers HEAD with 404, 403, 400 or 500 but GET
    with 200 is fine, not gone; a page that is gone to GET too is gone."""
    root = make_project(tmp_path)
    extra = [(f"head-{code}", f"/head-{code}", None) for code in (400, 403, 404, 500)]
    write_sources(root, server.port, [*extra, ("not-found", "/not-found", None)])
    edition, _ = load_edition(root)
    findings = check_links(root, edition.sources.values(), FAST)
    assert lines(findings) == [
        f"facilities/sources.yaml:43:10: error: source 'not-found': url http://first.test:{server.port}/not-found"
        " is gone: HTTP 404 Not Found; add an archive_url (a copy on web.archive.org) [link.gone]"
    ]
    for code in (400, 403, 404, 500):
        assert server.hits[("HEAD", f"/head-{code}")] == 1 and server.hits[("GET", f"/head-{code}")] == 1
    assert server.hits[("GET", "/not-found")] == 1


def test_an_archived_copy_is_suggested_only_if_it_opens(server: Server, tmp_path: Path) -> None:
    """A url that is gone, whose archive_url is gone too: the archived copy is not offered as the
    fix, and the archive_url's own finding is at its own line."""
    root = make_project(tmp_path)
    write_sources(root, server.port, [("both-gone", "/not-found", "/gone"), ("archived", "/gone", "/ok")])
    edition, _ = load_edition(root)
    findings = check_links(root, edition.sources.values(), FAST)
    b = f"http://first.test:{server.port}"
    where = "facilities/sources.yaml"
    assert lines(findings) == [
        f"{where}:19:10: error: source 'both-gone': url {b}/not-found is gone: HTTP 404 Not Found;"
        " its archive_url does not open either: find another copy (web.archive.org) [link.gone]",
        f"{where}:20:18: error: source 'both-gone': archive_url {b}/gone is gone: HTTP 410 Gone [link.gone]",
        f"{where}:26:10: error: source 'archived': url {b}/gone is gone: HTTP 410 Gone;"
        f" cite the archived copy instead: {b}/ok [link.gone]",
    ]


def test_a_passing_server_error_is_asked_again(server: Server, tmp_path: Path) -> None:
    """A 502 to HEAD and to the first GET, then 200: fine. A 500 every time: reported, after retries."""
    root = make_project(tmp_path)
    write_sources(root, server.port, [("flaky", "/bad-gateway-twice", None), ("error", "/error", None)])
    edition, _ = load_edition(root)
    waits = Waits()
    findings = check_links(root, edition.sources.values(), fast(waits))
    assert lines(findings) == [
        f"facilities/sources.yaml:25:10: warning: source 'error': url http://first.test:{server.port}/error"
        " answered HTTP 500 Internal Server Error [link.http]"
    ]
    assert [server.hits[(m, "/bad-gateway-twice")] for m in ("HEAD", "GET")] == [1, 2]
    assert [server.hits[(m, "/error")] for m in ("HEAD", "GET")] == [1, 2]
    assert waits.asked == [0.05, 0.05]  # one backoff each before GET is asked again


def test_a_page_that_refuses_the_checker_is_not_said_to_be_broken(server: Server, tmp_path: Path) -> None:
    """A 403 to a program is no verdict on the page: the warning says to open it in a browser, and
    does not tell the fact-checker to replace it with the archived copy."""
    root = make_project(tmp_path)
    write_sources(root, server.port, [("walled", "/bot-wall", "/ok")])
    edition, _ = load_edition(root)
    findings = check_links(root, edition.sources.values(), FAST)
    assert lines(findings) == [
        f"facilities/sources.yaml:19:10: warning: source 'walled': url http://first.test:{server.port}/bot-wall"
        " refused the link checker: HTTP 403 Forbidden; many sites refuse programs and not browsers:"
        " open it in a browser to check [link.http]"
    ]
    assert [server.hits[(m, "/bot-wall")] for m in ("HEAD", "GET")] == [1, 1]


def test_a_page_sent_to_the_home_page_is_reported(server: Server, tmp_path: Path) -> None:
    """A site that took a page down often sends its address to the home page, which answers 200:
    a reader who follows the citation lands on the home page, so it is no fine link."""
    root = make_project(tmp_path)
    extra = [("closing", "/news/closing", None), ("report", "/report/2019.pdf", "/ok"), ("home", "/index.php", None)]
    write_sources(root, server.port, extra)
    edition, _ = load_edition(root)
    findings = check_links(root, edition.sources.values(), FAST)
    b = f"http://first.test:{server.port}"
    assert lines(findings) == [
        f"facilities/sources.yaml:19:10: warning: source 'closing': url {b}/news/closing redirects to the"
        f" site's home page: {b}/; the page it cited may be gone: check it, and cite an archived copy if it is"
        " [link.moved]",
        f"facilities/sources.yaml:25:10: warning: source 'report': url {b}/report/2019.pdf redirects to the"
        f" site's home page: http://second.test:{server.port}/index.html; the page it cited may be gone:"
        f" check it; cite the archived copy instead: {b}/ok [link.moved]",
    ]


def test_a_url_cited_twice_is_asked_once(server: Server, tmp_path: Path) -> None:
    """The same URL, and one that differs only by its fragment (never sent), are one request; each
    source's finding names the URL it cites."""
    root = make_project(tmp_path)
    extra = [("first", "/not-found", None), ("second", "/not-found", None), ("page", "/not-found#page=4", None)]
    write_sources(root, server.port, extra)
    edition, _ = load_edition(root)
    findings = check_links(root, edition.sources.values(), FAST)
    b = f"http://first.test:{server.port}"
    assert [f.message.split(" is gone")[0] for f in sorted(findings, key=lambda f: f.sort_key())] == [
        f"source 'first': url {b}/not-found",
        f"source 'second': url {b}/not-found",
        f"source 'page': url {b}/not-found#page=4",
    ]
    assert [server.hits[(m, "/not-found")] for m in ("HEAD", "GET")] == [1, 1]


def test_results_are_cached_for_a_day(server: Server, tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_sources(root, server.port, [("not-found", "/not-found", None)])
    edition, _ = load_edition(root)
    clock = [1_000_000.0]
    first = check_links(root, edition.sources.values(), FAST, now=lambda: clock[0])
    asked = server.total()
    assert asked == 5  # /ok, /same-host (301) and its target, /not-found with HEAD then GET
    clock[0] += DAY - 60
    assert check_links(root, edition.sources.values(), FAST, now=lambda: clock[0]) == first
    assert server.total() == asked  # nothing asked again
    cached = json.loads((root / CACHE_FILE).read_text())["urls"]
    assert cached[f"http://first.test:{server.port}/not-found"]["checked"] == 1_000_000.0
    clock[0] += 120  # now more than a day old
    assert check_links(root, edition.sources.values(), FAST, now=lambda: clock[0]) == first
    assert server.total() == 2 * asked


def test_a_corrupt_cache_is_ignored(server: Server, tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_sources(root, server.port, [])
    (root / CACHE_FILE).parent.mkdir(parents=True, exist_ok=True)
    (root / CACHE_FILE).write_text(f'{{"version": {links.CACHE_VERSION}, "urls": {{"http://x": [')
    edition, _ = load_edition(root)
    assert check_links(root, edition.sources.values(), FAST) == []
    assert server.total() == 3
    assert json.loads((root / CACHE_FILE).read_text())["version"] == links.CACHE_VERSION


def test_online_is_off_by_default_and_on_with_the_flag(server: Server, tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path)
    write_sources(root, server.port, [("gone", "/gone", None)])
    code, out, _ = run_cli("--root", str(root), "check")
    assert (code, server.total()) == (0, 0)
    code, out, _ = run_cli("--root", str(root), "check", "--online")
    assert code == 1
    assert f"source 'gone': url http://first.test:{server.port}/gone is gone" in out


def test_retry_after_as_http_date() -> None:
    from email.utils import formatdate

    from report.content.links import _retry_after

    assert _retry_after("7") == 7.0
    assert _retry_after(formatdate(1_000_030, usegmt=True), clock=lambda: 1_000_000.0) == 30.0
    assert _retry_after(formatdate(999_000, usegmt=True), clock=lambda: 1_000_000.0) == 0.0
    assert _retry_after("soon") is None


def test_no_answer_is_kept_for_an_hour_only(local_names: list[str], tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on: connections are refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    root = make_project(tmp_path)
    write_sources(root, port, [])
    edition, _ = load_edition(root)
    clock = [2_000_000.0]
    findings = check_links(root, edition.sources.values(), FAST, now=lambda: clock[0])
    b = f"http://first.test:{port}"
    assert [(f.code, f.message) for f in findings] == [  # the host's other URL is not asked (the next test)
        ("link.unreachable", f"source 'gov-report-2020': url {b}/ok did not answer: connection refused after 2 tries"),
        (
            "link.unreachable",
            f"source 'news-2021': url {b}/same-host was not asked: its host did not answer {b}/ok (connection refused"
            " after 2 tries); check it in a browser",
        ),
    ]

    def checked() -> set[float]:
        return {entry["checked"] for entry in json.loads((root / CACHE_FILE).read_text())["urls"].values()}

    assert checked() == {2_000_000.0}
    clock[0] += 30 * 60
    check_links(root, edition.sources.values(), FAST, now=lambda: clock[0])
    assert checked() == {2_000_000.0}
    clock[0] += 60 * 60
    check_links(root, edition.sources.values(), FAST, now=lambda: clock[0])
    assert checked() == {clock[0]}


def test_a_host_that_cannot_be_reached_is_asked_once_not_once_per_url(
    local_names: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A host no connection can be made to (a lapsed domain, a server gone) cost each of its URLs the
    whole deadline, 30 s, four at a time: a report citing it 40 times waited five minutes for what its
    first URL had told. Its first URL (in order) is asked; the others are reported, not asked."""
    from report.content import links

    with socket.socket() as sock:  # a port nobody listens on: connections are refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    root = make_project(tmp_path)
    write_sources(root, port, [(f"page-{n:02}", f"/page/{n:02}", None) for n in range(12)])
    edition, _ = load_edition(root)
    connects: list[str] = []
    connect = links._connect

    def counted(host: str, port: int, *args: object) -> object:
        connects.append(host)
        return connect(host, port, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(links, "_connect", counted)
    findings = check_links(root, edition.sources.values(), FAST)
    assert len(connects) == 2  # the first URL, /ok, and its one retry
    b = f"http://first.test:{port}"
    assert sum(f.message.endswith("did not answer: connection refused after 2 tries") for f in findings) == 1
    refused = f"its host did not answer {b}/ok (connection refused after 2 tries); check it in a browser"
    assert [f.message.split(": ", 1)[1] for f in findings if "was not asked" in f.message] == [
        f"url {b}/{path} was not asked: {refused}" for path in ["same-host", *(f"page/{n:02}" for n in range(12))]
    ]


def test_a_redirect_to_another_scheme_is_reported_not_followed(server: Server, tmp_path: Path) -> None:
    root = make_project(tmp_path)
    paths = [
        ("to-file", "/to-file"),
        ("to-ftp", "/to-ftp"),
        ("to-nowhere", "/to-nowhere"),
        ("escaped", "/to-ok-escaped"),
    ]
    write_sources(root, server.port, [(source_id, path, None) for source_id, path in paths])
    edition, _ = load_edition(root)
    findings = check_links(root, edition.sources.values(), FAST)
    b = f"http://first.test:{server.port}"
    where = "facilities/sources.yaml"
    assert lines(findings) == [
        f"{where}:19:10: warning: source 'to-file': url {b}/to-file redirects to file:///etc/passwd,"
        " which is not followed (only http and https are) [link.redirect]",
        f"{where}:25:10: warning: source 'to-ftp': url {b}/to-ftp redirects to ftp://first.test:{server.port}/report.pdf,"
        " which is not followed (only http and https are) [link.redirect]",
        f"{where}:31:10: warning: source 'to-nowhere': url {b}/to-nowhere redirects to https:///report.pdf,"
        " which is not followed (it names no host) [link.redirect]",
        f"{where}:37:10: error: source 'escaped': url {b}/to-ok-escaped is gone: HTTP 404 Not Found"
        f" (redirected to {b}/o%E9%20k); add an archive_url (a copy on web.archive.org) [link.gone]",
    ]
    assert server.hits[("HEAD", "/o%E9%20k")] == 1


def test_a_trickling_server_is_cut_at_the_deadline(server: Server, tmp_path: Path) -> None:
    """A byte every 0.1 s never trips a 10 s read timeout; the URL's 1 s deadline ends it."""
    root = make_project(tmp_path)
    write_sources(root, server.port, [("trickle", "/trickle", "/ok"), ("hops", "/hop/0", None)])
    edition, _ = load_edition(root)
    started = time.monotonic()
    findings = check_links(root, edition.sources.values(), fast(timeout=10.0, deadline=1.0, retries=3))
    elapsed = time.monotonic() - started
    b = f"http://first.test:{server.port}"
    assert [(f.code, f.message) for f in findings if f.code != "link.unreachable"] == []
    got = {f.message.split("'")[1]: f.message for f in findings}
    assert got["trickle"] == (
        f"source 'trickle': url {b}/trickle did not answer: gave up after 1 s; cite the archived copy instead: {b}/ok"
    )
    assert re.fullmatch(  # the deadline covers the whole chain: cut on the fourth hop or so, not the tenth
        rf"source 'hops': url {b}/hop/0 did not answer: gave up after 1 s \(redirected to {b}/hop/[2-4]\)",
        got["hops"],
    ), got["hops"]
    assert elapsed < 5  # about the deadline (both URLs are asked at once), not as long as the server likes
    assert server.hits[("HEAD", "/trickle")] == 1  # no retry: the deadline was spent


def test_a_wait_longer_than_the_deadline_is_not_waited(server: Server, tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_sources(root, server.port, [("busy", "/busy-for-an-hour", None)])
    edition, _ = load_edition(root)
    waits = Waits()
    findings = check_links(root, edition.sources.values(), fast(waits))
    assert [f.message for f in findings] == [
        f"source 'busy': url http://first.test:{server.port}/busy-for-an-hour refused the link checker:"
        " HTTP 429 Too Many Requests; many sites refuse programs and not browsers: open it in a browser to check"
    ]
    assert waits.asked == [] and server.hits[("HEAD", "/busy-for-an-hour")] == 1


@pytest.fixture
def inside() -> Iterator[Server]:
    """A server on 127.0.0.2, an address the checker must never ask: its hits prove it did not."""
    httpd = Server(("127.0.0.2", 0))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_a_name_that_resolves_to_an_address_that_is_not_public_is_not_asked(
    resolved: list[str], inside: Server, tmp_path: Path
) -> None:
    """`inside.test` resolves to 127.0.0.2 here (`resolved`), as a name a pull request adds could
    resolve to a service of CI's network: it is reported, and no request is sent."""
    root = make_project(tmp_path)
    write_sources(root, inside.port, [])
    source = root / "facilities/sources.yaml"
    source.write_text(source.read_text().replace("first.test", "inside.test"))
    edition, _ = load_edition(root)
    findings = check_links(root, edition.sources.values(), FAST)
    b = f"http://inside.test:{inside.port}"
    where = "facilities/sources.yaml"
    assert lines(findings) == [
        f"{where}:7:10: error: source 'gov-report-2020': url {b}/ok was not asked: its host inside.test resolves to"
        " 127.0.0.2, this machine's own address, which no reader can open; cite the page's public address"
        " [link.internal]",
        f"{where}:13:10: error: source 'news-2021': url {b}/same-host was not asked: its host inside.test resolves"
        " to 127.0.0.2, this machine's own address, which no reader can open; cite the page's public address"
        " [link.internal]",
    ]
    assert "inside.test" in resolved and inside.total() == 0


def test_a_redirect_to_an_address_that_is_not_public_is_not_followed(
    server: Server, inside: Server, tmp_path: Path
) -> None:
    """A public page may redirect to an internal one: each hop's addresses are checked before it is asked."""
    root = make_project(tmp_path)
    write_sources(
        root,
        server.port,
        [("to-inside", f"/to-inside/{inside.port}", None), ("to-loopback", f"/to-loopback/{inside.port}", None)],
    )
    edition, _ = load_edition(root)
    findings = check_links(root, edition.sources.values(), FAST)
    b = f"http://first.test:{server.port}"
    where = "facilities/sources.yaml"
    assert lines(findings) == [
        f"{where}:19:10: error: source 'to-inside': url {b}/to-inside/{inside.port} redirects to"
        f" http://inside.test:{inside.port}/ok, which was not asked: its host inside.test resolves to 127.0.0.2,"
        " this machine's own address, which no reader can open; cite the page's public address [link.internal]",
        f"{where}:25:10: error: source 'to-loopback': url {b}/to-loopback/{inside.port} redirects to"
        f" http://127.0.0.2:{inside.port}/ok, which was not asked: its host is 127.0.0.2,"
        " this machine's own address, which no reader can open; cite the page's public address [link.internal]",
    ]
    assert server.hits[("HEAD", f"/to-inside/{inside.port}")] == 1 and inside.total() == 0
