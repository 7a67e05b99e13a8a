"""Characters no font can print: `check` finds each at its place, as the layout would find it a minute later."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest


from report.findings import Loc

from .conftest import FIXTURES, REPO, make_project, replace, run_cli


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return the base project with a Spanish catalog and the report's layouts."""
    root = make_project(tmp_path)
    shutil.copytree(FIXTURES / "_i18n", root, dirs_exist_ok=True)
    shutil.copytree(REPO / "layouts", root / "layouts")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    return root


def _font_findings(root: Path) -> tuple[int, list[str]]:
    code, out, _ = run_cli("--root", str(root), "check")
    return code, [line for line in out.splitlines() if line.endswith("[pdf.font]")]


def test_check_finds_each_character_no_font_has_at_its_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path, monkeypatch)
    replace(root, "facilities/sample.yaml", "text: Inspectors found", "text: Inspectors \u4e2d\u6587 found")
    replace(root, "facilities/sample.yaml", "A man died", "A man \U0001f468\u200d\U0001f469\u200d\U0001f467 died")
    # Not the timeline entry's: its English is edited above, so the build no longer uses its entry.
    replace(
        root, "i18n/es/LC_MESSAGES/messages.po", '"ICE dejó de usar el centro."', '"ICE dejó de usar el centro \u4e2d."'
    )
    code, found = _font_findings(root)
    box = (
        "which no font of the report has: the PDF would print it in another font of the machine that builds it,"
        " or as an empty box; write it otherwise, or leave it out"
    )
    assert code == 1
    assert found == [
        f"facilities/sample.yaml:33:22: error: timeline[1].text contains '\u4e2d' (U+4E2D CJK UNIFIED IDEOGRAPH-4E2D), {box} [pdf.font]",
        f"facilities/sample.yaml:33:23: error: timeline[1].text contains '\u6587' (U+6587 CJK UNIFIED IDEOGRAPH-6587), {box} [pdf.font]",
        f"facilities/sample.yaml:38:17: error: deaths[1].text contains '\U0001f468' (U+1F468 MAN), {box} [pdf.font]",
        f"facilities/sample.yaml:38:19: error: deaths[1].text contains '\U0001f469' (U+1F469 WOMAN), {box} [pdf.font]",
        f"facilities/sample.yaml:38:21: error: deaths[1].text contains '\U0001f467' (U+1F467 GIRL), {box} [pdf.font]",
        "i18n/es/LC_MESSAGES/messages.po:69:36: error: the translation of 'ICE stopped using the facility.'"
        f" contains '\u4e2d' (U+4E2D CJK UNIFIED IDEOGRAPH-4E2D), {box} [pdf.font]",
    ]


def test_a_character_written_as_a_yaml_escape_is_found_at_its_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file's text shows only ASCII: `check --release` said nothing and the release failed after
    layout, at the file and no line. Written as an escape, a character is found at its value, as
    `text.invisible` finds one; in single quotes the same letters are text, which every font has."""
    root = _project(tmp_path, monkeypatch)
    death = "  - id: unnamed-2020\n"
    replace(root, "facilities/sample.yaml", death, death + '    name: "Wei \\u674e\\U00004f1f"\n')
    replace(root, "facilities/sample.yaml", "name: Sample Coalition", "name: 'Sample \\u674e Coalition'")
    code, out, _ = run_cli("--root", str(root), "check", "--release")
    box = (
        "which no font of the report has: the PDF would print it in another font of the machine that builds it,"
        " or as an empty box; write it otherwise, or leave it out"
    )
    assert [line for line in out.splitlines() if line.endswith("[pdf.font]")] == [
        f"facilities/sample.yaml:37:11: error: deaths[1].name contains '\u4f1f' (U+4F1F CJK UNIFIED IDEOGRAPH-4F1F), {box} [pdf.font]",
        f"facilities/sample.yaml:37:11: error: deaths[1].name contains '\u674e' (U+674E CJK UNIFIED IDEOGRAPH-674E), {box} [pdf.font]",
    ]
    assert code == 1


@pytest.mark.slow
def test_any_face_of_the_stylesheets_draws_what_another_lacks_and_no_other_font_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # U+03D0 is in Plex Serif, not in Plex Sans: WeasyPrint falls back through the font-family list
    # (`--sans` names Serif after Sans), so only a character none of its faces has is an error,
    # whatever fonts this machine has.
    root = _project(tmp_path, monkeypatch)
    replace(root, "facilities/sample.yaml", "text: Inspectors found", "text: Inspectors \u03d0 \u4e2d found")
    assert [line.split(" contains ")[1][:3] for line in _font_findings(root)[1]] == ["'\u4e2d'"]
    faces = (root / "layouts" / "css" / "fonts-print.css").read_text(encoding="utf-8").splitlines()
    only_sans = [line for line in faces if "@font-face" not in line or "IBMPlexSans-Regular" in line]
    (root / "layouts" / "css" / "fonts-print.css").write_text("\n".join(only_sans) + "\n", encoding="utf-8")
    assert [line.split(" contains ")[1][:3] for line in _font_findings(root)[1]] == ["'\u03d0'", "'\u4e2d'"]


def _sans_alone_with_a_serif_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a project whose `--sans` lists Plex Sans alone, and a death's name in letters only
    Plex Serif has (line 37 of its dossier)."""
    root = _project(tmp_path, monkeypatch)
    death = "  - id: unnamed-2020\n"
    replace(root, "facilities/sample.yaml", death, death + "    name: Mu\u1e25ammad \u1e62\u0101li\u1e25\n")
    tokens = root / "layouts/css/tokens.css"
    text = re.sub(r"--sans: [^;]*;", '--sans: "Plex Sans", sans-serif;', tokens.read_text(encoding="utf-8"))
    tokens.write_text(text, encoding="utf-8")
    return root


def test_a_name_in_letters_sans_lacks_is_no_finding_since_sans_falls_back_to_serif(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plex Sans lacks the dotted letters of transliterations (ḥ, Ṣ) that Plex Serif has: a name,
    which prints in Sans, prints them in the Serif face, which `--sans` lists after Sans."""
    root = _project(tmp_path, monkeypatch)
    death = "  - id: unnamed-2020\n"
    replace(root, "facilities/sample.yaml", death, death + "    name: Mu\u1e25ammad \u1e62\u0101li\u1e25\n")
    assert _font_findings(root) == (0, [])


def test_a_character_a_font_family_list_lacks_is_an_error_at_the_value_naming_the_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check` said nothing of a name in letters only Plex Serif has, and the build failed a minute
    later at the file, no line, no character: the name printed in DejaVu Sans Bold, since `--sans`
    named Sans alone. Which list a value prints in is the stylesheets' choice: every list must have it."""
    root = _sans_alone_with_a_serif_name(tmp_path, monkeypatch)
    lacks = (
        "which no face of the font-family list 'Plex Sans', 'sans-serif' (layouts/css/tokens.css:14:3) has:"
        " the PDF would print it in another font of the machine that builds it; add 'Plex Serif', which has it,"
        " to that list, or write it otherwise"
    )
    assert _font_findings(root) == (
        1,
        [
            "facilities/sample.yaml:37:13: error: deaths[1].name contains '\u1e25' (U+1E25 LATIN SMALL LETTER H"
            f" WITH DOT BELOW), {lacks} [pdf.font]",
            "facilities/sample.yaml:37:20: error: deaths[1].name contains '\u1e62' (U+1E62 LATIN CAPITAL LETTER S"
            f" WITH DOT BELOW), {lacks} [pdf.font]",
        ],
    )


def test_the_font_family_lists_are_those_the_print_stylesheets_set_where_they_are_written() -> None:
    from report.pdf.paginate import font_lists

    assert font_lists(REPO) == (
        (("Plex Sans", "Plex Serif", "sans-serif"), Loc("layouts/css/tokens.css", 14, 3)),
        (("Plex Serif", "serif"), Loc("layouts/css/tokens.css", 13, 3)),
    )


def test_comments_and_shipped_text_are_not_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path, monkeypatch)
    replace(root, "facilities/sample.yaml", "id: sample\n", "id: sample  # \u4e2d\u6587\n")
    # An editor's note is never printed (`x-unprinted`): what no font has there is no matter.
    replace(
        root, "facilities/sample.yaml", "  reviewer: A. Editor\n", "  reviewer: A. Editor\n  note: Ask \u4e2d\u6587.\n"
    )
    note = "    sources: [gov-report-2020]\n"
    replace(root, "facilities/sample.yaml", note, note + "    review_note: Check with \U0001f4de.\n")
    assert _font_findings(root) == (0, [])


@pytest.mark.slow
def test_an_entry_the_build_no_longer_uses_is_not_printed_so_its_characters_are_no_matter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its English deleted since `update`: the translation prints nowhere, which i18n.stale says.
    root = _project(tmp_path, monkeypatch)
    with (root / "i18n/es/LC_MESSAGES/messages.po").open("a", encoding="utf-8") as po:
        po.write('\nmsgctxt "sample:gone"\nmsgid "A sentence since deleted."\nmsgstr "Una frase \u4e2d."\n')
    code, out, _ = run_cli("--root", str(root), "check")
    assert [line for line in out.splitlines() if line.endswith("[pdf.font]")] == []
    assert code == 0
    assert "A sentence since deleted." in out  # what is said of it: stale, a warning


def test_a_locale_whose_dates_no_font_can_print_is_one_error_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Babel writes a Hindi locale's month names in Devanagari: no writer typed them, and the
    PDF prints them all the same, in a font of the machine if the report's have none. (An Arabic
    locale, the first example, is now refused before: it is written right to left.)"""
    root = _project(tmp_path, monkeypatch)
    replace(
        root,
        "report.yaml",
        "  - {code: es, locale: es_US}\n",
        "  - {code: es, locale: es_US}\n  - {code: hi, locale: hi_IN}\n",
    )
    assert run_cli("--root", str(root), "update")[0] == 0  # the Arabic catalog, all untranslated
    code, found = _font_findings(root)
    assert code == 1
    assert found == [
        "report.yaml:10:24: error: the dates, numbers and lists of locale hi_IN (CLDR's) contain"
        " '\u0902' (U+0902 DEVANAGARI SIGN ANUSVARA), '\u0905' (U+0905 DEVANAGARI LETTER A),"
        " '\u0908' (U+0908 DEVANAGARI LETTER II) and 26 more, which no font of the report has: the PDF would print"
        " them in another font of the machine that builds it, or as empty boxes; declare a font that has them in"
        " the print stylesheets, or choose another locale [pdf.font]"
    ]


def test_each_font_file_is_read_once_however_many_lists_and_families_it_is_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The font-family lists' rule read every face again for each family and each list, and hashed
    it each time to key what it draws: five reads of each of the eight faces on every `check` and
    every save of the live preview. The findings are the same with one."""
    from report import project
    from report.pdf import glyphs

    root = _sans_alone_with_a_serif_name(tmp_path, monkeypatch)
    reads: list[str] = []
    real_read = project.read

    def counted(root: Path, rel: str, limit: int) -> bytes:
        reads.append(rel)
        return real_read(root, rel, limit)

    monkeypatch.setattr(project, "read", counted)
    found = glyphs.glyph_findings(root, [], root / ".cache")
    fonts = [rel for rel in reads if rel.startswith("layouts/fonts/")]
    assert sorted(fonts) == sorted(set(fonts)) and len(fonts) == 8
    assert [(f.loc.line, f.loc.col, f.message.split(" (U+")[0]) for f in found] == [
        (37, 13, "deaths[1].name contains '\u1e25'"),
        (37, 20, "deaths[1].name contains '\u1e62'"),
    ]
