"""`check --online`: does every source URL (and archive URL) still answer?

Each URL is asked with HEAD (GET if HEAD gets an error), redirects followed by hand, within a deadline;
results are kept in `.cache/links.json`. The rules and codes: docs/architecture.md.
"""

from __future__ import annotations

import datetime as dt
import email.message
import email.utils
import functools
import http.client
import io
import ipaddress
import json
import socket
import ssl
import string
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from http import HTTPStatus
from pathlib import Path
from typing import Callable, Iterable, NamedTuple, cast
from urllib.parse import quote, urldefrag, urljoin, urlsplit

from ..findings import Finding, error, warning
from ..project import write_atomic
from .model import Source
from .schema import private_address, url_problem

CACHE_FILE = ".cache/links.json"
CACHE_VERSION = 3  # 2: the kind 'home'; 3: 'unasked'
DAY = 24 * 60 * 60
USER_AGENT = "Mozilla/5.0 (compatible; first-ten-report link check; +https://www.detentionwatchnetwork.org)"
MAX_REDIRECTS = 10
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Policy:
    """How patient the checker is, and the clock and sleep it keeps time with.

    `timeout` bounds one request, `deadline` everything asked about one URL (both wall-clock
    seconds); `retries` and `backoff` say how often and after how long a failed request is
    asked again. `clock` (monotonic seconds) and `sleep` are injected by tests.
    """

    timeout: float = 10.0
    deadline: float = 30.0
    retries: int = 2
    backoff: float = 1.0
    workers: int = 16
    ttl: float = DAY
    unreachable_ttl: float = 60 * 60
    clock: Callable[[], float] = field(default=time.monotonic, compare=False, repr=False)
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)

    def fresh(self, result: LinkResult, now: float) -> bool:
        """Return True if a cached result is young enough to trust."""
        ttl = min(self.ttl, self.unreachable_ttl) if result.kind in ("unreachable", "unasked") else self.ttl
        return 0 <= now - result.checked < ttl


@dataclass(frozen=True)
class LinkResult:
    """What one URL answered: kind is 'ok', 'gone', 'moved', 'home' (redirected to a site's home
    page), 'redirect', 'http', 'unreachable', 'internal' for one never asked, whose host (or a
    redirect's) resolves to an address that is not public, or 'unasked' for one never asked since
    its host did not answer another of its URLs (`probe_all`)."""

    url: str
    kind: str
    checked: float
    status: int | None = None
    final_url: str | None = None
    detail: str = ""


def check_links(
    root: Path,
    sources: Iterable[Source],
    policy: Policy = Policy(),
    now: Callable[[], float] = time.time,
) -> list[Finding]:
    """Return a finding for every source whose url or archive_url no longer works."""
    targets: list[tuple[Source, str, str]] = []
    for source in sorted(sources, key=lambda s: s.id):
        for label, url in (("url", source.url), ("archive_url", source.archive_url)):
            if url and url_problem(url) is None:  # malformed URLs are schema errors already
                targets.append((source, label, url))
    # a fragment (`#page=4`) is never sent: the URLs that differ only there are asked once
    results = probe_all([urldefrag(url).url for _, _, url in targets], root / CACHE_FILE, policy, now)
    findings = []
    for source, label, url in targets:
        archive = results.get(urldefrag(source.archive_url or "").url) if label == "url" else None
        finding = _finding(source, label, replace(results[urldefrag(url).url], url=url), archive)
        if finding is not None:
            findings.append(finding)
    return findings


def probe_all(
    urls: Iterable[str], cache_file: Path, policy: Policy = Policy(), now: Callable[[], float] = time.time
) -> dict[str, LinkResult]:
    """Return a result for every URL: from the cache while it is fresh, else asked now."""
    wanted = sorted(set(urls))
    cache = _load_cache(cache_file)
    moment = now()
    results = {url: cache[url] for url in wanted if url in cache and policy.fresh(cache[url], moment)}
    todo = [url for url in wanted if url not in results]
    if todo:
        # Each host's first URL is asked alone: a host that cannot be reached at all (no such
        # name, no connection) would cost every other URL of it the whole deadline, 30 s each,
        # 4 at a time: minutes of waiting for what its first URL already told. They are not asked.
        by_host: dict[str, list[str]] = {}
        for url in todo:
            by_host.setdefault(_host(url), []).append(url)
        found: list[LinkResult] = []
        with ThreadPoolExecutor(max_workers=max(1, min(policy.workers, len(todo)))) as pool:
            firsts = {pool.submit(_probe, urls[0], policy, now): urls[1:] for urls in by_host.values()}
            later = []
            for done in as_completed(firsts):
                first, reached = done.result()
                found.append(first)
                if reached:
                    later += [pool.submit(probe, url, policy, now) for url in firsts[done]]
                else:
                    found += [
                        LinkResult(url, "unasked", now(), None, None, f"{first.url} ({first.detail})")
                        for url in firsts[done]
                    ]
            found += [future.result() for future in later]
        for result in found:
            results[result.url] = result
            cache[result.url] = result
        _save_cache(cache_file, {url: r for url, r in cache.items() if url in results or policy.fresh(r, moment)})
    return results


def probe(url: str, policy: Policy = Policy(), now: Callable[[], float] = time.time) -> LinkResult:
    """Ask one URL, following redirects within the policy's deadline, and return what it answered."""
    return _probe(url, policy, now)[0]


def _probe(url: str, policy: Policy, now: Callable[[], float]) -> tuple[LinkResult, bool]:
    """Return `probe`'s result, and False if the URL's host could not be reached at all (its name
    not found, or no connection made to it on any try), True if it answered or may have."""
    budget = _Budget(policy)
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        final = current if current != url else None
        try:
            answer = _ask(current, policy, budget, now)
        except _Internal as exc:
            return LinkResult(url, "internal", now(), None, final, str(exc)), True
        if isinstance(answer, _NoAnswer):
            return LinkResult(
                url, "unreachable", now(), None, final, answer.reason
            ), answer.reached or final is not None
        status, location = answer
        if status in REDIRECTS and location:
            # as browsers and urllib do: bytes that may not stand in a URL are %-escaped
            target = urljoin(current, quote(location.strip(), safe=string.punctuation, encoding="iso-8859-1"))
            problem = _redirect_problem(target)
            if problem:
                return LinkResult(url, "redirect", now(), status, target, problem), True
            current = target
            continue
        if status < 400:
            if final is not None and _home(final) and not _home(url):
                return LinkResult(url, "home", now(), status, final), True
            moved = final is not None and _host(final) != _host(url)
            return LinkResult(url, "moved" if moved else "ok", now(), status, final), True
        kind = "gone" if status in (404, 410) else "http"
        return LinkResult(url, kind, now(), status, final), True
    return LinkResult(url, "http", now(), None, current, f"more than {MAX_REDIRECTS} redirects"), True


class _Budget:
    """What is left of one URL's deadline: asking and waiting count, queueing for a host slot does not."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.left = policy.deadline

    def spent(self) -> str:
        return f"gave up after {self.policy.deadline:g} s"

    def wait(self, seconds: float) -> bool:
        """Sleep `seconds` and return True, or return False at once if the deadline leaves no room."""
        if seconds >= self.left:
            return False
        self.policy.sleep(seconds)
        self.left -= seconds
        return True


_RETRIED = (429, 503)
"""Answers that say "not now" rather than "not here": asked again after a wait, HEAD or GET."""

_REFUSED = (401, 403, 429)
"""Answers a site gives a program it does not want (a bot wall, a rate limit) that a reader's
browser may not get: they say nothing of whether the page is there."""

_FLAKY = (500, 502, 504)
"""Server errors that are often passing (a gateway's timeout, a restart): GET is asked again after
a wait (a HEAD answered so is asked with GET first)."""

_FINAL = (socket.gaierror, ssl.SSLCertVerificationError, UnicodeError)
"""Failures that asking again would not change: an unknown host, a bad certificate, a host name
that cannot be encoded."""


class _NoAnswer(NamedTuple):
    """Why a URL could not be asked, and whether a connection to its host was made on some try
    (a deadline spent may have been spent connected: it counts as reached)."""

    reason: str
    reached: bool = True


def _ask(url: str, policy: Policy, budget: _Budget, now: Callable[[], float]) -> tuple[int, str | None] | _NoAnswer:
    """Return (status, Location) for one URL, or why it could not be asked, after retries."""
    method = "HEAD"
    attempt = 0
    reached = False  # a connection was made to the host, on some try
    while True:
        if budget.left <= 0:
            return _NoAnswer(budget.spent())
        try:
            status, headers = _request(url, method, policy, budget)
        except (http.client.HTTPException, OSError, UnicodeError) as exc:
            reached = reached or not getattr(exc, "before_connecting", False)
            if budget.left <= 0:
                return _NoAnswer(budget.spent())
            reason = _reason(exc)
            if attempt >= policy.retries or isinstance(exc, _FINAL):
                return _NoAnswer(reason + (f" after {attempt + 1} tries" if attempt else ""), reached)
            if not budget.wait(policy.backoff * 2**attempt):
                return _NoAnswer(budget.spent())
            attempt += 1
            continue
        if method == "HEAD" and status >= 400 and status not in _RETRIED:
            # many servers answer HEAD wrongly (405, 403, even 404) and GET rightly, and a reader's
            # browser asks with GET: its answer is the verdict (only the headers are read)
            method = "GET"
            continue
        if (status in _RETRIED or status in _FLAKY) and attempt < policy.retries:
            wait = _retry_after(headers.get("Retry-After"), now)
            if budget.wait(policy.backoff * 2**attempt if wait is None else wait):
                attempt += 1
                continue  # else no time is left to wait as asked: the answer stands
        return status, headers.get("Location")


_PER_HOST = 4
_host_slots: dict[str, threading.BoundedSemaphore] = {}
_host_slots_lock = threading.Lock()


def _slot(url: str) -> threading.BoundedSemaphore:
    """Return the semaphore that keeps us to a few requests at a time per host."""
    with _host_slots_lock:
        return _host_slots.setdefault(_host(url), threading.BoundedSemaphore(_PER_HOST))


def _request(url: str, method: str, policy: Policy, budget: _Budget) -> tuple[int, email.message.Message]:
    """Ask once, within the request's timeout and what is left of the URL's deadline."""
    with _slot(url):
        start = policy.clock()
        try:
            return _exchange(url, method, start + min(policy.timeout, budget.left), policy.clock)
        finally:
            budget.left -= policy.clock() - start


def _exchange(url: str, method: str, end: float, clock: Callable[[], float]) -> tuple[int, email.message.Message]:
    """Connect, send the request and read the answer's status line and headers, all before `end`.

    Each step waits only for what is left: the TCP connection, the TLS handshake, the send and
    every read of the answer (`_Paced`). Only the host name's lookup keeps the system
    resolver's own timeouts.
    """
    parts = urlsplit(url)
    https = parts.scheme == "https"
    host = parts.hostname or ""
    sock = _connect(host, parts.port or (443 if https else 80), end, clock)
    try:
        if https:
            sock.settimeout(_left(end, clock))
            sock = _tls().wrap_socket(sock, server_hostname=host)
        sock.settimeout(_left(end, clock))
    except BaseException:
        sock.close()
        raise
    connection = (  # over the socket above: it never connects by itself
        http.client.HTTPSConnection(host, parts.port, context=_tls())
        if https
        else http.client.HTTPConnection(host, parts.port)
    )
    connection.sock = sock
    try:
        target = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), safe=string.punctuation)
        connection.request(method, target, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        reader = _Paced(sock, end, clock)
        with http.client.HTTPResponse(cast(socket.socket, reader), method=method) as response:
            response.begin()
            return response.status, response.headers
    finally:
        connection.close()


@functools.cache
def _tls() -> ssl.SSLContext:
    """The TLS settings of `http.client` (certificates and host names verified), made once."""
    context = ssl.create_default_context()
    context.set_alpn_protocols(["http/1.1"])
    return context


class _Internal(Exception):
    """A host that resolves to an address the internet cannot reach: it is never connected to."""


def _connect(host: str, port: int, end: float, clock: Callable[[], float]) -> socket.socket:
    """Connect to `host` as `socket.create_connection` does, but only if every address it resolves
    to is public (`private_address`): else raise `_Internal`, before any connection.

    The addresses checked are the ones connected to, so a name that resolves otherwise the second
    time (DNS rebinding) cannot slip through; a redirect's host passes here too.
    """
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        exc.before_connecting = True  # type: ignore[attr-defined]  # read by `_ask`
        raise
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).partition("%")[0])
        kind = private_address(address)
        if kind:
            named = f"is {address}" if host == str(address) else f"{host} resolves to {address}"
            raise _Internal(f"its host {named}, {kind}")
    last: OSError = OSError(f"{host} resolves to no address")
    for family, type_, proto, _, sockaddr in found:
        sock = socket.socket(family, type_, proto)
        try:
            sock.settimeout(_left(end, clock))
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
    last.before_connecting = True  # type: ignore[attr-defined]  # no connection was made: read by `_ask`
    raise last


def _left(end: float, clock: Callable[[], float]) -> float:
    left = end - clock()
    if left <= 0:
        raise TimeoutError("timed out")
    return left


class _Paced(io.RawIOBase):
    """A socket's input where each read waits only for what is left until `end`.

    A socket timeout limits each read, so a server sending a byte every few seconds never trips
    it; this is the whole answer's deadline. `makefile` is what `HTTPResponse` asks of a socket.
    """

    def __init__(self, sock: socket.socket, end: float, clock: Callable[[], float]) -> None:
        self.sock = sock
        self.end = end
        self.clock = clock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]  # RawIOBase's buffer type
        self.sock.settimeout(_left(self.end, self.clock))
        return self.sock.recv_into(buffer)

    def makefile(self, mode: str = "rb") -> io.BufferedReader:
        return io.BufferedReader(self)


def _redirect_problem(url: str) -> str | None:
    """Return why a redirect to `url` is not followed, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "only http and https are"
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "its port is not valid"
    if not parts.hostname:
        return "it names no host"
    return None


def _retry_after(value: str | None, clock: Callable[[], float] = time.time) -> float | None:
    """Return the seconds a Retry-After header asks to wait (it is a number or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, when.timestamp() - clock())


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, socket.gaierror):
        return "host not found"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "closed the connection without an answer"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificate not valid: {exc.verify_message}"
    if isinstance(exc, UnicodeError):
        return "the host name is not valid"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return str(text)


def _home(url: str) -> bool:
    """Return True if `url` is a site's home page: no path (or only an index page) and no query."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    return not parts.query and (
        not path or path.count("/") == 1 and path[1:].lower().startswith(("index.", "default."))
    )


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _finding(source: Source, label: str, result: LinkResult, archive: LinkResult | None = None) -> Finding | None:
    """Return the finding for one of a source's URLs, or None; `archive` is what its archive_url
    answered, when `label` is 'url': an archived copy is suggested only if it opens."""
    what = f"source '{source.id}': {label} {result.url}"
    loc = source.archive_url_loc if label == "archive_url" and source.archive_url_loc.path else source.url_loc
    opens = archive is not None and archive.kind in ("ok", "moved")
    archived = f"; cite the archived copy instead: {source.archive_url}" if opens else ""
    via = f" (redirected to {result.final_url})" if result.final_url else ""
    if result.kind == "gone":
        if label != "url":
            hint = ""
        elif not source.archive_url:
            hint = "; add an archive_url (a copy on web.archive.org)"
        else:
            hint = archived or "; its archive_url does not open either: find another copy (web.archive.org)"
        return error("link.gone", loc, f"{what} is gone: HTTP {_status(result.status)}{via}{hint}")
    if result.kind == "moved":
        return warning(
            "link.moved",
            loc,
            f"{what} redirects to another host: {result.final_url}; check it and update the {label}",
        )
    if result.kind == "home":
        return warning(
            "link.moved",
            loc,
            f"{what} redirects to the site's home page: {result.final_url}; the page it cited may be gone:"
            f" check it{archived or ', and cite an archived copy if it is'}",
        )
    if result.kind == "redirect":
        return warning(
            "link.redirect",
            loc,
            f"{what} redirects to {result.final_url}, which is not followed ({result.detail}){archived}",
        )
    if result.kind == "http" and result.status in _REFUSED:
        return warning(
            "link.http",
            loc,
            f"{what} refused the link checker: HTTP {_status(result.status)}{via}; many sites refuse"
            " programs and not browsers: open it in a browser to check",
        )
    if result.kind == "http":
        answer = f"HTTP {_status(result.status)}" if result.status else result.detail
        return warning("link.http", loc, f"{what} answered {answer}{via}{archived}")
    if result.kind == "internal":
        asked = f"redirects to {result.final_url}, which was" if result.final_url else "was"
        return error(
            "link.internal",
            loc,
            f"{what} {asked} not asked: {result.detail}, which no reader can open; cite the page's public address",
        )
    if result.kind == "unasked":
        return warning(
            "link.unreachable",
            loc,
            f"{what} was not asked: its host did not answer {result.detail}; check it in a browser{archived}",
        )
    if result.kind == "unreachable":
        return warning("link.unreachable", loc, f"{what} did not answer: {result.detail}{via}{archived}")
    return None


def _status(code: int | None) -> str:
    if code is None:
        return "no status"
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def _load_cache(path: Path) -> dict[str, LinkResult]:
    """Return the cached results; an unreadable or foreign cache file counts as empty."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != CACHE_VERSION:
            return {}
        results = {}
        for url, entry in data["urls"].items():
            result = LinkResult(**entry)
            if result.url == url and isinstance(result.checked, (int, float)):
                results[url] = result
        return results
    except Exception:  # absent, corrupt or written by other code: check again
        return {}


def _save_cache(path: Path, results: dict[str, LinkResult]) -> None:
    data = {"version": CACHE_VERSION, "urls": {url: asdict(results[url]) for url in sorted(results)}}
    write_atomic(path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode())


__all__ = ["LinkResult", "Policy", "check_links", "probe", "probe_all"]
