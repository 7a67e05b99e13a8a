"""Short notes ("The Daily Example, March 2021a") keyed by what they print, not by what was typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from report.content.load import load_edition
from report.content.model import PartialDate, Source, note_letters
from report.content.validate import check_sources
from report.findings import Loc

from .conftest import make_project, replace

SECOND = """  - id: news-2021-timeline
    type: news
    title: Key dates at the sample facility
    publisher: {publisher}
    date: 2021-03
    url: https://news.example.com/2021/03/sample-timeline
"""


def _lettered(tmp_path: Path, publisher: str, languages: str = "") -> dict[str, str]:
    """Return the note letters of the base project's two news sources, the second with `publisher`,
    both cited."""
    root = make_project(tmp_path)
    sources = root / "facilities" / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8") + SECOND.format(publisher=publisher), encoding="utf-8")
    replace(root, "facilities/sample.yaml", "sources: [news-2021]\n", "sources: [news-2021, news-2021-timeline]\n")
    if languages:
        replace(root, "report.yaml", "languages: [{code: en, locale: en_US}]", languages)
    edition, _ = load_edition(root, use_cache=False)
    assert edition is not None
    return {i: edition.sources[i].note_letter for i in ("news-2021", "news-2021-timeline")}


@pytest.mark.parametrize("publisher", ["The Daily Example", "The Daily  Example", "'The\tDaily Example'"])
def test_publishers_that_print_the_same_share_letters(tmp_path: Path, publisher: str) -> None:
    """`publisher: The Gadsden  Times` printed "The Gadsden Times", as HTML collapses spaces, and two
    articles of one day printed the same note "The Gadsden Times, March 25, 2022.": the letters were
    keyed by the publisher as typed."""
    assert _lettered(tmp_path, publisher) == {"news-2021": "b", "news-2021-timeline": "a"}


def test_different_publishers_take_no_letter(tmp_path: Path) -> None:
    assert _lettered(tmp_path, "The Daily Example Weekly") == {"news-2021": "", "news-2021-timeline": ""}


def _source(i: str, publisher: tuple[str, ...], title: str) -> Source:
    return Source(
        i, "news", title, publisher, f"https://example.org/{i}", Loc("s", 1, 1), PartialDate(2022, 3, 25), Loc("s")
    )


@pytest.mark.parametrize(
    ("publisher", "locales"),
    [(("A and B",), ("en_US",)), (("A y B",), ("en_US", "es_US")), (("A, B, and C",), ("en_US",))],
)
def test_a_name_that_reads_as_a_joint_list_shares_letters_with_the_list(
    publisher: tuple[str, ...], locales: tuple[str, ...]
) -> None:
    """[A, B] prints "A and B" in English and "A y B" in Spanish: a single name written so prints the
    same note in that language, and the letters are one for every language."""
    joint = ("A", "B", "C") if "C" in publisher[0] else ("A", "B")
    sources = [_source("x", publisher, "One"), _source("y", joint, "Two")]
    assert note_letters(sources, locales) == {"x": "a", "y": "b"}
    assert note_letters(sources[:1] + [_source("y", ("A", "D"), "Two")], locales) == {}


def test_cite_ambiguous_reads_the_printed_publisher() -> None:
    sources = [_source("x", ("The Gadsden Times",), "Timeline"), _source("y", ("The Gadsden  Times",), "timeline")]
    assert [(f.level, f.code, f.message) for f in check_sources(sources)] == [
        (
            "warning",
            "cite.ambiguous",
            "source 'y' has the publisher, date and title of 'x' (line 1): readers can tell their notes apart"
            " only by a letter; make the titles say how they differ, or merge them",
        )
    ]
