"""One edition, one date: a build of some languages never keeps others whose PDFs carry another
creation date, since the manifest states one `"created"` for every PDF of the edition."""

from __future__ import annotations

from pathlib import Path

import pytest

from report import publish
from report.commands.build import _refuse_dated
from report.errors import UsageError
from report.publish import Output

PAGES = {
    "index.html": b"<title>i</title>",
    "en/index.html": b"<title>e</title>",
    "en/first-ten-en.pdf": b"%PDF-1.7 e",
    "es/index.html": b"<title>s</title>",
    "es/first-ten-es.pdf": b"%PDF-1.7 s",
}
CREATED = "2026-11-24T00:00:00Z"  # report.yaml's edition date, no SOURCE_DATE_EPOCH


def edition(root: Path, languages: tuple[str, ...] = ("en", "es")) -> None:
    """Publish an edition of `languages` whose PDFs were created at `CREATED`."""
    outputs = [Output(p, d, "page", p.split("/")[0] if "/" in p else None) for p, d in PAGES.items()]
    publish.publish(root, [o for o in outputs if o.lang is None or o.lang in languages], created=CREATED)


def test_a_language_built_alone_with_another_date_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edition(tmp_path)
    assert publish.read_created(tmp_path / "dist") == CREATED
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796168096")
    with pytest.raises(UsageError) as refused:
        _refuse_dated(tmp_path, ("en",), "2026-12-01T23:34:56Z")
    assert str(refused.value) == (
        "dist/ holds an edition created 2026-11-24T00:00:00Z: en alone, created 2026-12-01T23:34:56Z"
        " (SOURCE_DATE_EPOCH), would leave es created 2026-11-24T00:00:00Z; build every language (leave out --lang)"
    )
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    with pytest.raises(UsageError, match=r"created 2026-11-25T00:00:00Z \(report.yaml's edition date\)"):
        _refuse_dated(tmp_path, ("es",), "2026-11-25T00:00:00Z")


def test_a_language_built_alone_with_the_same_date_or_every_language_is_not_refused(tmp_path: Path) -> None:
    edition(tmp_path)
    _refuse_dated(tmp_path, ("en",), CREATED)  # the same date: es stays as it was, and so does "created"
    _refuse_dated(tmp_path, (), "2026-12-01T23:34:56Z")  # every language: nothing is kept
    _refuse_dated(tmp_path, ("en", "es"), "2026-12-01T23:34:56Z")


def test_a_language_built_alone_where_no_other_was_built_is_not_refused(tmp_path: Path) -> None:
    _refuse_dated(tmp_path, ("en",), CREATED)  # no dist/ yet
    edition(tmp_path, ("en",))
    _refuse_dated(tmp_path, ("en",), "2026-12-01T23:34:56Z")  # nothing of another language to keep
