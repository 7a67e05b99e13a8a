"""A source URL with what a newsletter, an ad or a login added: `source.tracking` at its url."""

from __future__ import annotations

import pytest

from report.content.load import read_sources
from report.content.validate import check_sources, untracked

from .conftest import BASE

SOURCES = (BASE / "facilities" / "sources.yaml").read_text(encoding="utf-8")
URL = "https://news.example.com/2021/03/sample"


def _tracking(url: str) -> list[str]:
    """Return the `source.tracking` findings, as `check` prints them, of the base sources with
    `news-2021`'s URL replaced by `url`."""
    raw = SOURCES.replace(f"    url: {URL}\n", f"    url: '{url}'\n", 1)
    assert raw != SOURCES
    sources, findings = read_sources(raw.encode(), "facilities/sources.yaml")
    assert sources is not None and findings == []
    return [str(f) for f in check_sources(sources.sources.values()) if f.code == "source.tracking"]


@pytest.mark.parametrize(
    ("query", "names", "clean"),
    [
        ("?utm_medium=email&utm_source=The%20Daily%20Example%20Newsletter", "utm_medium, utm_source", ""),
        ("?source=twitter&fbclid=IwAR0-abc", "fbclid", "?source=twitter"),
        ("?page=2&mc_cid=1a2b&mc_eid=3c4d", "mc_cid, mc_eid", "?page=2"),
        ("?access_token=s3cr3t", "access_token", ""),
        ("?id=7&JSESSIONID=ABC123", "JSESSIONID", "?id=7"),
    ],
)
def test_a_source_url_with_tracking_or_sign_in_parameters_is_a_warning(query: str, names: str, clean: str) -> None:
    """Every reader's link carried the editor's newsletter subscription, ad click or session."""
    them = "them" if "," in names else "it"
    assert _tracking(URL + query) == [
        f"facilities/sources.yaml:14:10: warning: source 'news-2021' has {names} in its url, which every reader's"
        " link would carry: it says where the editor found the page, or signs in as them; delete"
        f" {them} from the URL (the page opens without) [source.tracking]"
    ]
    assert untracked(URL + query) == URL + clean
    assert _tracking(URL + clean) == []


def test_parameters_that_choose_the_page_are_no_warning() -> None:
    assert _tracking(URL + "?id=42&page=2&s=closure&lang=es") == []
