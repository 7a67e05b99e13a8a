"""What no font can print: the characters of the printed text that every font lacks, found before layout.

WeasyPrint draws a character no font has as an empty box (`.notdef`) and logs it, which a build
learns only as it lays the chunk out, a minute in, at the chunk and not at the character. This
finds the same characters in the gather phase: every character of the dossiers, the sources,
report.yaml, the translations of each catalog the build uses and each locale's dates and numbers
that none of the faces the print
stylesheets declare (`paginate.declared_faces`) can draw is a `pdf.font` error at that character
(at its value when a YAML escape writes it).

Only the declared faces count. WeasyPrint would fall back to any font of the machine it runs on
(fontconfig's own configuration: the sandbox confines URLs, not fonts), so a character they lack
would print in whatever font that machine happens to have, or as an empty box: the PDF would
depend on the machine. The report's faces must draw every character it prints.

And each `font-family` list must: WeasyPrint falls back along the list (`"Plex Sans", "Plex Serif",
sans-serif`), then to the machine's fonts, not to another declared face the list does not name.
A character some declared face has but the faces of a list's declared families lack is a
`pdf.font` error naming the list and where it is written (`font_lists`), and a family that has it.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from typing import Callable, Container, Iterable, Mapping

from .. import cache, project
from ..content.load import located_characters
from ..content.textfile import MAX_BYTES
from ..findings import Finding, Loc, error, is_hidden
from ..i18n.catalogs import ParsedCatalog, brief
from ..i18n.localize import cldr_text
from .paginate import SHEETS, declared_faces, family_faces, font_lists
from .verify import fell_back

FONT_BYTES = 16 * 1024 * 1024
"""The largest font file read (IBM Plex's are 200 kB; a CJK face is about 16 MB)."""


Key = tuple[str | None, str]

_ESCAPE_RE = re.compile(rb"\\[xuUN_LP]")
"""A YAML escape that can write a character beyond ASCII (`"Wei \\u674e"`): the file's text shows
only ASCII, and only parsing says what it writes (in a double-quoted value; elsewhere it is text)."""


def glyph_findings(
    root: Path,
    catalogs: Iterable[tuple[ParsedCatalog, Container[Key] | None]],
    cache_dir: Path | None,
    locales: Iterable[tuple[str, Loc]] = (),
) -> list[Finding]:
    """Return a `pdf.font` error at each character of the printed text that no font can draw.

    Every dossier in facilities/ is read, loaded or not (one with another error is fixed next).
    Each catalog comes with the keys of the entries the build uses (None: every entry), since an
    entry it no longer uses prints nowhere (`coverage.check_catalog`: that is `i18n.stale`'s).
    Each locale comes with the `locale` line of report.yaml: what its CLDR data prints
    (`localize.cldr_text`: Arabic month names) is no writer's text, and prints all the same.
    Nothing for a project without its print stylesheets: it cannot be laid out, as the build says.
    """
    if not all((root / "layouts" / "css" / f"{name}.css").is_file() for name in SHEETS):
        return []
    declared, faces_of = declared_faces(root), family_faces(root)
    by_face = _face_coverage(root, (*declared, *(face for faces in faces_of.values() for face in faces)), cache_dir)
    covered = _union(by_face, declared)
    by_family = {family: _union(by_face, faces) for family, faces in faces_of.items()}
    lacking = _lacking_lists(font_lists(root), by_family, covered)
    printable = covered.difference(*(chars for _, _, chars in lacking)) if lacking else covered

    def wanted(char: str) -> bool:
        # What prints no glyph (controls, joiners, soft hyphens, variation selectors) is `text.invisible`'s.
        return char not in printable and not is_hidden(char)

    def why(char: str) -> str:
        """Return what becomes of `char` in print, and what to do."""
        if char not in covered:
            return (
                "which no font of the report has: the PDF would print it in another font of the machine that"
                " builds it, or as an empty box; write it otherwise, or leave it out"
            )
        families, loc, _ = next(found for found in lacking if char in found[2])
        having = [family for family, chars in by_family.items() if char in chars]
        return (
            f"which no face of the font-family list {', '.join(map(repr, families))} ({loc}) has: the PDF would print"
            f" it in another font of the machine that builds it; add {having[0]!r}, which has it, to that list,"
            " or write it otherwise"
        )

    found: list[tuple[str, str, Loc]] = []
    files = [(project.REPORT_FILE, "report"), (project.SOURCES_FILE, "sources")]
    dossiers = (
        name
        for name in project.listdir(root, project.FACILITIES_DIR)
        if name.endswith(".yaml") and not project.is_leftover(name)  # as `load_edition` lists them
    )
    files += [(rel, "dossier") for name in dossiers if (rel := f"{project.FACILITIES_DIR}/{name}") != files[1][0]]
    for rel, kind in files:
        raw = _read(root, rel, MAX_BYTES[kind])
        if raw is None:
            continue
        if _ESCAPE_RE.search(raw) or any(map(wanted, set(raw.decode("utf-8", errors="replace")) - printable)):
            found += [
                (char, f"{field} contains", loc) for char, field, loc in located_characters(raw, rel, kind, wanted)
            ]
    for catalog, used in catalogs:
        found += _catalog_characters(root, catalog, used, wanted)
    findings = [error("pdf.font", loc, f"{where} {char!r} ({_named(char)}), {why(char)}") for char, where, loc in found]
    for name, loc in locales:
        key = cache.key_of(cache.fingerprint(__name__), name)
        missing = [char for char in cache.memoize(cache_dir, "cldr", key, cldr_text, name) if wanted(char)]
        if any(char in covered for char in missing):  # what a list of the stylesheets lacks: one finding each
            findings += [
                error(
                    "pdf.font",
                    loc,
                    f"the dates, numbers and lists of locale {name} (CLDR's) contain {char!r}"
                    f" ({_named(char)}), {why(char)}",
                )
                for char in missing
                if char in covered
            ]
            missing = [char for char in missing if char not in covered]
        if missing:  # one finding: they are one choice, the locale's
            shown = ", ".join(f"{char!r} ({_named(char)})" for char in missing[:3])
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            findings.append(
                error(
                    "pdf.font",
                    loc,
                    f"the dates, numbers and lists of locale {name} (CLDR's) contain {shown}{more}, which no font of"
                    " the report has: the PDF would print them in another font of the machine that builds it, or as"
                    " empty boxes; declare a font that has them in the print stylesheets, or choose another locale",
                )
            )
    return findings


def _read(root: Path, rel: str, limit: int) -> bytes | None:
    try:
        return project.read(root, rel, limit)
    except (OSError, project.Refused, project.TooLarge):
        return None  # the loader, or the stylesheets' check, has said why


def _named(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def _catalog_characters(
    root: Path, catalog: ParsedCatalog, used: Container[Key] | None, wanted: Callable[[str], bool]
) -> list[tuple[str, str, Loc]]:
    """Return (character, what holds it, where) for the first of each wanted character of each
    translation the build prints (neither fuzzy nor obsolete, and used), at its column in the msgstr."""
    printed = [e for e in catalog.active() if not e.fuzzy and (used is None or e.key in used)]
    if not any(map(wanted, set("".join(s for entry in printed for s in entry.strings)))):
        return []  # one pass over the whole catalog's characters: the usual answer
    lines: list[str] | None = None
    out = []
    for entry in printed:
        for form, string in enumerate(entry.strings):
            if not any(map(wanted, set(string))):
                continue
            for char in dict.fromkeys(c for c in string if wanted(c)):
                if lines is None:
                    raw = _read(root, catalog.path, MAX_BYTES["catalog"]) or b""
                    lines = raw.decode("utf-8", errors="replace").split("\n")
                where = _in_msgstr(catalog, lines, entry.string_line(form), char)
                out.append((char, f"the translation of '{brief(entry.msgid)}' contains", where))
    return out


def _in_msgstr(catalog: ParsedCatalog, lines: list[str], line: int, char: str) -> Loc:
    """Return where `char` first is in the msgstr that starts at `line` (its lines run to the entry's end)."""
    for number in range(line, len(lines) + 1):
        text = lines[number - 1]
        if number > line and not text.startswith('"'):
            break
        column = text.find(char)
        if column >= 0:
            return Loc(catalog.path, number, column + 1)
    return Loc(catalog.path, line, 1)


def _lacking_lists(
    lists: Iterable[tuple[tuple[str, ...], Loc]], by_family: Mapping[str, frozenset[str]], covered: frozenset[str]
) -> list[tuple[tuple[str, ...], Loc, frozenset[str]]]:
    """Return each font-family list of the print stylesheets (`font_lists`) that names a declared
    family (`by_family`: the characters its faces draw), where it is written, and the characters
    some declared face has (`covered`) that none of the list's faces has.

    Which list a value prints in is the templates' and the stylesheets' choice, one no check
    follows: a name prints in Sans, a paragraph in Serif, a caption in either. So every list must
    draw every character one of them draws (the report's do: Sans falls back to Serif)."""
    out = []
    for families, loc in lists:
        declared = [family for family in families if family in by_family]
        if declared:
            has = frozenset().union(*(by_family[f] for f in declared))
            if covered - has:
                out.append((families, loc, covered - has))
    return out


def _face_coverage(root: Path, faces: Iterable[str], cache_dir: Path | None) -> dict[str, frozenset[str]]:
    """Return every character each font file draws (none for a file that cannot be read), by file.

    Each file is read once, and what it draws is kept by its bytes alone: a family's faces, a
    font-family list's and all the declared ones draw the union of theirs (`_union`), taken from
    these rather than by reading and hashing every file again for each. The process keeps them for
    every project (`cache.memoize_shared`).
    """
    out: dict[str, frozenset[str]] = {}
    for rel in dict.fromkeys(faces):
        data = _read(root, rel, FONT_BYTES)
        if data is None:
            out[rel] = frozenset()
            continue
        key = cache.key_of(cache.fingerprint(__name__), data)
        out[rel] = frozenset(cache.memoize_shared(cache_dir, "glyphs", key, _coverage, (data,)))
    return out


def _union(by_face: Mapping[str, frozenset[str]], faces: Iterable[str]) -> frozenset[str]:
    """Return every character one of the font files draws."""
    return frozenset().union(*(by_face[face] for face in faces))


def _coverage(fonts: tuple[bytes, ...]) -> str:
    """Return every character one of the fonts maps to a glyph, in code point order."""
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency, for its fonts

    chars: set[int] = set()
    for data in fonts:
        try:
            with TTFont(io.BytesIO(data), lazy=True) as font:
                chars.update(font.getBestCmap() or {})
        except Exception:  # noqa: BLE001 - WeasyPrint cannot load it either: a `pdf.font` error at its url()
            continue
    return "".join(chr(code) for code in sorted(chars) if not 0xD800 <= code <= 0xDFFF)


def located_fallbacks(root: Path, findings: Iterable[Finding], cache_dir: Path | None) -> list[Finding]:
    """Return the findings with each font of the machine a chunk prints characters in (`verify.fonts`)
    at the first of those characters in the dossier, or report.yaml, the chunk is of, if it is there.

    The chunk only knows the characters; the value that holds one is the writer's to change, or
    the font-family list that prints it the designer's (`check` says which, before any layout).
    Only a character some declared face lacks is looked for: one every face has fell back since a
    font-family names no declared face (`--serif: "Plex Serf"`), which is the stylesheet's mistake.
    """
    kinds = {project.REPORT_FILE: "report"}
    faces = declared_faces(root)
    by_face = _face_coverage(root, faces, cache_dir)
    every = frozenset.intersection(*by_face.values()) if by_face else frozenset()
    out = []
    for finding in findings:
        fell = fell_back(finding.message) if finding.code == "pdf.font" and not finding.loc.line else []
        chars = set(fell) - every
        rel = finding.loc.path
        kind = kinds.get(rel, "dossier" if rel.startswith(f"{project.FACILITIES_DIR}/") else "")
        raw = _read(root, rel, MAX_BYTES[kind]) if chars and kind and rel.endswith(".yaml") else None
        found = located_characters(raw, rel, kind, chars.__contains__) if raw is not None else []
        if found:
            char, field, loc = min(found, key=lambda one: (one[2].line, one[2].col))
            finding = Finding(finding.level, finding.code, loc, f"{finding.message}; the first, {char!r}, in {field}")
        out.append(finding)
    return out
