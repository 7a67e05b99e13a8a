"""Values that pass `check` are safe and valid where they are published: prose, URLs, names, CSV cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_project, run_cli

SAMPLE = "facilities/sample.yaml"
TIMELINE_TEXT = "    text: Inspectors found that medical requests went unanswered.\n"


def _check(root: Path) -> list[str]:
    """Return `check`'s error lines, without the summary."""
    _, out, _ = run_cli("--root", str(root), "check")
    return [line for line in out.splitlines() if ": error: " in line]


def _with_timeline_text(tmp_path: Path, text: str) -> Path:
    root = make_project(tmp_path)
    path = root / SAMPLE
    source = path.read_text(encoding="utf-8")
    assert TIMELINE_TEXT in source
    path.write_text(source.replace(TIMELINE_TEXT, f"    text: {text}\n"), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "prose",
    [
        "'The campaign page (its URL (since removed) was archived) named the groups.'",
        "'Detained people spoke of their freedom of expression (and its limits) to the press.'",
    ],
)
def test_english_with_parentheses_is_not_code(tmp_path: Path, prose: str) -> None:
    assert _check(_with_timeline_text(tmp_path, prose)) == []


@pytest.mark.parametrize(
    ("prose", "code", "column"),
    [
        ("'Inspectors wrote background: url(https://tracker.example/p.png) there.'", "url(", 41),
        ("'Inspectors wrote width: EXPRESSION(alert(1)) there.'", "EXPRESSION(", 36),
        ("'Inspectors wrote <script>alert(1)</script> there.'", "<script", 29),
    ],
)
def test_css_and_html_in_prose_are_code(tmp_path: Path, prose: str, code: str, column: int) -> None:
    assert _check(_with_timeline_text(tmp_path, prose)) == [
        f"{SAMPLE}:33:{column}: error: text contains code ('{code}'); write plain text:"
        " HTML, CSS and scripts are printed as they are, never run [text.markup]"
    ]
