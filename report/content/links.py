"""`check --online`: does every source URL (and archive URL) still answer?

Each URL is asked with HEAD, then GET when the server refuses HEAD (405, 501). Redirects are
followed by hand so a move to another host can be reported. Timeouts and connection errors
are retried with exponential backoff (an unknown host is not); 429 and 503 wait for
`Retry-After` (seconds or an HTTP date), never longer than `max_wait`. Requests run in a thread
pool, at most four at a time per host. Results are kept in `.cache/links.json` with a timestamp
per URL: for a day, so a second `check --online` asks nothing, but "no answer" only for an hour,
because it is more often our network than their server.

Codes, located at the source's `url` line in facilities/sources.yaml:

- `link.gone` (error): 404 or 410.
- `link.moved` (warning): the URL redirects to another host.
- `link.http` (warning): any other 4xx or 5xx answer.
- `link.unreachable` (warning): no answer (dead host, refused connection, timeout) after retries.
"""

from __future__ import annotations

import datetime as dt
import email.message
import email.utils
import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import urljoin, urlsplit

from ..findings import Finding, error, warning
from ..project import write_atomic
from .model import Source
from .validate import url_problem

CACHE_FILE = ".cache/links.json"
CACHE_VERSION = 1
DAY = 24 * 60 * 60
USER_AGENT = "Mozilla/5.0 (compatible; first-ten-report link check; +https://www.detentionwatchnetwork.org)"
MAX_REDIRECTS = 10


@dataclass(frozen=True)
class Policy:
    """How patient the checker is: per-request timeout, retries, backoff and the longest wait."""

    timeout: float = 10.0
    retries: int = 2
    backoff: float = 1.0
    max_wait: float = 30.0
    workers: int = 16
    ttl: float = DAY
    unreachable_ttl: float = 60 * 60

    def fresh(self, result: LinkResult, now: float) -> bool:
        """Return True if a cached result is young enough to trust."""
        ttl = min(self.ttl, self.unreachable_ttl) if result.kind == "unreachable" else self.ttl
        return 0 <= now - result.checked < ttl


@dataclass(frozen=True)
class LinkResult:
    """What one URL answered: kind is 'ok', 'gone', 'moved', 'http' or 'unreachable'."""

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
            if url and url_problem(url) is None:  # malformed URLs are `source.url` errors already
                targets.append((source, label, url))
    results = probe_all([url for _, _, url in targets], root / CACHE_FILE, policy, now)
    findings = []
    for source, label, url in targets:
        finding = _finding(source, label, results[url])
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
        with ThreadPoolExecutor(max_workers=max(1, min(policy.workers, len(todo)))) as pool:
            for result in pool.map(lambda url: probe(url, policy, now), todo):
                results[result.url] = result
                cache[result.url] = result
        _save_cache(cache_file, {url: r for url, r in cache.items() if url in results or policy.fresh(r, moment)})
    return results


def probe(url: str, policy: Policy = Policy(), now: Callable[[], float] = time.time) -> LinkResult:
    """Ask one URL, following redirects, and return what it answered."""
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        answer = _ask(current, policy)
        if isinstance(answer, str):
            return LinkResult(url, "unreachable", now(), None, current if current != url else None, answer)
        status, location = answer
        if status in (301, 302, 303, 307, 308) and location:
            current = urljoin(current, location)
            continue
        final = current if current != url else None
        if status < 400:
            moved = final is not None and _host(final) != _host(url)
            return LinkResult(url, "moved" if moved else "ok", now(), status, final)
        kind = "gone" if status in (404, 410) else "http"
        return LinkResult(url, kind, now(), status, final)
    return LinkResult(url, "http", now(), None, current, f"more than {MAX_REDIRECTS} redirects")


def _ask(url: str, policy: Policy) -> tuple[int, str | None] | str:
    """Return (status, Location) for one URL, or why it could not be asked, after retries."""
    method = "HEAD"
    attempt = 0
    while True:
        try:
            status, headers = _request(url, method, policy.timeout)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            if attempt >= policy.retries or _reason(exc) == "host not found":
                return _reason(exc) + (f" after {attempt + 1} tries" if attempt else "")
            time.sleep(min(policy.backoff * 2**attempt, policy.max_wait))
            attempt += 1
            continue
        if method == "HEAD" and status in (405, 501):
            method = "GET"  # the server refuses HEAD: ask again, not a retry
            continue
        if status in (429, 503) and attempt < policy.retries:
            wait = _retry_after(headers.get("Retry-After"))
            time.sleep(min(policy.backoff * 2**attempt if wait is None else wait, policy.max_wait))
            attempt += 1
            continue
        return status, headers.get("Location")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # redirects are followed by `probe`, which needs to see every hop


_OPENER = urllib.request.build_opener(_NoRedirect)


_PER_HOST = 4
_host_slots: dict[str, threading.BoundedSemaphore] = {}
_host_slots_lock = threading.Lock()


def _slot(url: str) -> threading.BoundedSemaphore:
    """Return the semaphore that keeps us to a few requests at a time per host."""
    with _host_slots_lock:
        return _host_slots.setdefault(_host(url), threading.BoundedSemaphore(_PER_HOST))


def _request(url: str, method: str, timeout: float) -> tuple[int, email.message.Message]:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    with _slot(url):
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                return response.status, response.headers
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.headers


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
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        exc = exc.reason if isinstance(exc.reason, BaseException) else exc
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(exc, socket.gaierror):
        return "host not found"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return str(text)


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _finding(source: Source, label: str, result: LinkResult) -> Finding | None:
    what = f"source '{source.id}': {label} {result.url}"
    archived = (
        f"; cite the archived copy instead: {source.archive_url}" if label == "url" and source.archive_url else ""
    )
    via = f" (redirected to {result.final_url})" if result.final_url else ""
    if result.kind == "gone":
        hint = archived or ("; add an archive_url (a copy on web.archive.org)" if label == "url" else "")
        return error("link.gone", source.url_loc, f"{what} is gone: HTTP {_status(result.status)}{via}{hint}")
    if result.kind == "moved":
        return warning(
            "link.moved",
            source.url_loc,
            f"{what} redirects to another host: {result.final_url}; check it and update the {label}",
        )
    if result.kind == "http":
        answer = f"HTTP {_status(result.status)}" if result.status else result.detail
        return warning("link.http", source.url_loc, f"{what} answered {answer}{via}{archived}")
    if result.kind == "unreachable":
        return warning("link.unreachable", source.url_loc, f"{what} did not answer: {result.detail}{archived}")
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
