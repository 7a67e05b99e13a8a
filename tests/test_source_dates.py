"""A source's `updated` and `accessed` come after its `date`: `date.order` at the later value."""

from __future__ import annotations

import pytest

from report.content.load import read_sources
from report.content.validate import check_sources

from .conftest import BASE

SOURCES = (BASE / "facilities" / "sources.yaml").read_text(encoding="utf-8")


def _order(added: str) -> list[str]:
    """Return the `date.order` findings, as `check` prints them, of the base sources with `added`
    after the date of `news-2021` (2021-03)."""
    raw = SOURCES.replace("    date: 2021-03\n", "    date: 2021-03\n" + added, 1)
    assert raw != SOURCES
    sources, findings = read_sources(raw.encode(), "facilities/sources.yaml")
    assert sources is not None and findings == []
    return [str(f) for f in check_sources(sources.sources.values()) if f.code == "date.order"]


@pytest.mark.parametrize(
    ("added", "reported"),
    [
        (
            "    updated: '2019-01-01'\n",
            "facilities/sources.yaml:14:14: error: source 'news-2021' has `updated: 2019-01-01`, before its date"
            " 2021-03: a source is updated after it is published; correct the one that is wrong [date.order]",
        ),
        (
            "    accessed: 2021-02\n",
            "facilities/sources.yaml:14:15: error: source 'news-2021' has `accessed: 2021-02`, before its date"
            " 2021-03: a source is read after it is published; correct the one that is wrong [date.order]",
        ),
        (
            "    updated: 2020\n",
            "facilities/sources.yaml:14:14: error: source 'news-2021' has `updated: 2020`, before its date"
            " 2021-03: a source is updated after it is published; correct the one that is wrong [date.order]",
        ),
    ],
    ids=["updated", "accessed-month", "updated-year"],
)
def test_an_update_or_access_before_the_date_is_an_error_at_its_line(added: str, reported: str) -> None:
    """`updated: '2019-01-01'` on a letter of 2022-04-20 printed "April 20, 2022, updated January 1,
    2019" with no finding: `date.order` read only ranges."""
    assert _order(added) == [reported]


@pytest.mark.parametrize(
    "added",
    ["    updated: 2021\n", "    updated: 2021-03\n", "    accessed: 2021-03-31\n", "    updated: 2022-01-05\n"],
)
def test_an_update_or_access_that_may_be_on_or_after_the_date_is_left_alone(added: str) -> None:
    """Partial dates compare as ranges do: `updated: 2021` may be any day of 2021, March 2021 too."""
    assert _order(added) == []
