"""Reading the project's text files (YAML and PO) before any parser sees them.

Every such file must be UTF-8 without a byte order mark, with LF line endings, and under a
size limit. Anything else is refused with one finding at the first offending byte, so a file
pasted from a word processor, saved on the wrong setting or filled with garbage stops here
with a clear message instead of reaching a parser.
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
from html.entities import html5
from pathlib import Path

from .. import project
from ..findings import HIDDEN_CATEGORIES, Finding, Loc, error, is_hidden

MIB = 1024 * 1024
MAX_BYTES = {
    "dossier": 1 * MIB,
    "report": 1 * MIB,
    "sources": 16 * MIB,
    "catalog": 16 * MIB,
    "glossary": 1 * MIB,
    "mapping": 1 * MIB,
    "template": 1 * MIB,
    "atlas": 16 * MIB,
}
"""The largest file of each kind we read. A shipped dossier is about 15 kB; the sources of a
200-facility edition would be about 1 MB; the shipped .pot is 117 kB, the glossary 2 kB,
babel.cfg under 1 kB, the largest template 20 kB and the map's atlas 800 kB."""

_BOM = b"\xef\xbb\xbf"
_WIDE_MARKS = (  # UTF-32 LE's mark first: it starts with UTF-16 LE's
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
"""Characters no text file of ours holds (tab, LF and CR are dealt with separately)."""


_REORDERING = frozenset("\u202a\u202b\u202c\u202d\u202e")
"""Bidi embeddings and overrides: the letters after one print in another order than they are
written ("evil" printed as "live")."""
_RIGHT_TO_LEFT_ONLY = frozenset("\u061c\u200c\u200d\u200e\u200f\u2066\u2067\u2068\u2069")
"""Isolates, direction marks and joiners: allowed in text with right-to-left letters, which may need
them. Elsewhere the marks and isolates do nothing, and the joiners serve emoji sequences and scripts
such as Devanagari, which no font of the report has (`pdf.font`)."""
_JOINERS = {"\u200c": "scripts", "\u200d": "emoji sequences and scripts"}
"""What needs each joiner outside right-to-left text, as its finding says."""
_SUSPECT = re.compile(r"[^\t\n\x20-\x7e]")


def hidden_characters(text: str) -> list[tuple[int, str]]:
    """Return (index, what it is and what to do) for the first of each character that makes `text` print otherwise than it reads.

    That is bidi embeddings and overrides, zero-width and other invisible format characters,
    controls and line separators, and variation selectors (`findings.is_hidden`, the characters
    every finding's message escapes). Text that holds right-to-left script (Arabic, Hebrew...) may
    use the isolates, direction marks and joiners it needs, never the overrides. A soft hyphen
    is a hyphenation hint and allowed. A variation selector is refused after any character: the
    one a font may draw otherwise is an emoji's (U+FE0F) or an ideograph's, and no font of the
    report has such a form or an emoji (`pdf.font`), while a browser would print "©" followed
    by U+FE0F as a coloured emoji, the PDF as the plain sign.
    """
    found: dict[str, tuple[int, str]] = {}
    right_to_left: bool | None = None
    for match in _SUSPECT.finditer(text):
        char = match.group()
        category = unicodedata.category(char)
        if char in found or char == "\u00ad" or not is_hidden(char):
            continue
        what = f"U+{ord(char):04X}" + (f" {unicodedata.name(char)}" if unicodedata.name(char, "") else "")
        if char in _REORDERING or char in _RIGHT_TO_LEFT_ONLY:
            if right_to_left is None:
                right_to_left = any(
                    unicodedata.bidirectional(c) in ("R", "AL") and unicodedata.category(c) not in HIDDEN_CATEGORIES
                    for c in text
                )  # a right-to-left mark alone does not make text right-to-left
            if char in _REORDERING:
                what += ", which makes the text print in another order than it is written here; " + (
                    "use an isolate (U+2066 to U+2069) instead" if right_to_left else "delete it"
                )
            elif right_to_left:
                continue
            elif char in _JOINERS:
                what += f", which {_JOINERS[char]} such as Devanagari need and no font of the report has; delete it"
            else:
                what += ", which only right-to-left text needs; delete it"
        elif category not in HIDDEN_CATEGORIES:  # a variation selector
            what += (
                ", a variation selector (it asks for an emoji's or an ideograph's form of the character"
                " before it, which no font of the report has); delete it"
            )
        else:
            kind = {"Cc": "a control character", "Cf": "an invisible character"}.get(category, "a hidden line break")
            what += f", {kind}; delete it"
        found[char] = (match.start(), what)
    return sorted(found.values())


_REFERENCE_RE = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9A-Fa-f]+;?|[A-Za-z][A-Za-z0-9]*;?)")
"""A character reference as HTML writes one: named (`&nbsp;`), decimal (`&#160;`) or hex (`&#xA0;`),
or without its `;` as HTML still reads the old ones (`&nbsp`, `&#160`)."""


def character_references(text: str) -> list[tuple[int, str]]:
    """Return (index, reference) for each character reference of `text` as a browser reads one: a
    name HTML knows, with its `;`, or the longest one of the old names it reads without (`&nbspUU`
    is `&nbsp` then "UU"). "AT&T", "R&D", "Smith & Co" and a name HTML does not know (`&D;`) hold none.

    Our texts are text, never HTML (the templates escape them), so each one prints as typed: the
    translations' `i18n.entity` and the writers' files' `text.entity` refuse them.
    """
    found = []
    for match in _REFERENCE_RE.finditer(text):
        reference = match.group(0)
        if reference[1] == "#" or reference.endswith(";"):
            if reference[1] == "#" or reference[1:] in html5:
                found.append((match.start(), reference))
            continue
        name = reference[1:]
        known = next((name[:end] for end in range(len(name), 1, -1) if name[:end] in html5), None)
        if known is not None:
            found.append((match.start(), f"&{known}"))
    return found


def reference_advice(reference: str) -> str:
    """Return what to type instead of a character reference: the character itself (named, by
    `html.unescape`, as a browser reads the reference), a plain "&" for `&amp;`, or, for one that
    stands for an invisible character or none, to delete it."""
    characters = html.unescape(reference)
    hidden = hidden_characters(characters)
    replaced = "\ufffd" in characters and reference.lower() not in ("&#xfffd;", "&#65533;")  # &#0;, &#xD800;
    if hidden:
        return f"it stands for {hidden[0][1]}"
    if replaced or any(unicodedata.category(c) == "Cc" for c in characters):
        return "it stands for no character a reader sees: delete it"
    if characters == "&":
        return 'type a plain "&" (followed by a space, as in "Smith & Co")'
    names = ", ".join(
        f"U+{ord(c):04X}" + (f" {unicodedata.name(c)}" if unicodedata.name(c, "") else "") for c in characters
    )
    return f"type the character{'s themselves' if len(characters) > 1 else ' itself'}, {names}"


def read_input(root: Path, rel: str, kind: str) -> tuple[bytes | None, Finding | None]:
    """Return a project file's bytes (None if there is no such file), or the error that refuses it.

    Refused, and not read: a file whose real path is outside the project or that is not a
    regular file (`project.read`), and one larger than its kind allows (`MAX_BYTES`).
    """
    try:
        return project.read(root, rel, MAX_BYTES[kind]), None
    except FileNotFoundError:
        return None, None
    except project.Refused as refused:
        return None, error(refused.code, Loc(rel, 1, 1), refused.message)
    except project.TooLarge as large:
        return None, _too_big(large.size, rel, kind)


def _too_big(size: int, rel: str, kind: str) -> Finding:
    limit = MAX_BYTES[kind]
    return error(
        "limit.size",
        Loc(rel, 1, 1),
        f"file is {_size(size)}; a {kind} file may be at most {_size(limit)} (was something pasted into it by mistake?)",
    )


def wide_encoding(raw: bytes) -> str | None:
    """Return what a UTF-16 or UTF-32 file is, as a finding names it ("UTF-16 text, not UTF-8: it
    starts with a UTF-16 byte order mark"), or None for any other file.

    Such a file (Notepad's "Unicode", a spreadsheet's Unicode text) would otherwise be refused as
    a byte UTF-8 cannot decode, or as the control character U+0000. One without a byte order mark
    is told by its first character, as YAML 1.2 tells one (section 5.2: an ASCII character's zero
    bytes), and only if the whole file decodes so with no control character.
    """
    for mark, name in _WIDE_MARKS:
        if raw.startswith(mark):
            return f"{name} text, not UTF-8: it starts with a {name} byte order mark"
    heads = (
        ("utf-32-be", raw[:3] == b"\0\0\0" and raw[3:4] not in (b"", b"\0")),
        ("utf-32-le", raw[:1] not in (b"", b"\0") and raw[1:4] == b"\0\0\0"),
        ("utf-16-be", raw[:1] == b"\0" and raw[1:2] not in (b"", b"\0")),
        ("utf-16-le", raw[:1] not in (b"", b"\0") and raw[1:2] == b"\0"),
    )
    codec = next((codec for codec, starts in heads if starts), None)
    if codec is None:
        return None
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError:
        return None
    if _CONTROL.search(text):
        return None
    name, order = codec[:6].upper(), "big" if codec.endswith("be") else "little"
    return f"{name} text ({order}-endian, without a byte order mark), not UTF-8"


def decode(raw: bytes, rel: str, prefix: str) -> tuple[str | None, list[Finding]]:
    """Return the text of a file, or None and the finding that refuses it.

    `prefix` names the finding codes: `yaml` or `i18n` (`…encoding`, `…bom`, `…newline`).
    """
    wide = wide_encoding(raw)
    if wide is not None:
        return None, [error(f"{prefix}.encoding", Loc(rel, 1, 1), f"file is {wide}; save it as UTF-8")]
    if raw.startswith(_BOM):
        return None, [
            error(
                f"{prefix}.bom",
                Loc(rel, 1, 1),
                "file starts with a byte order mark (BOM); save it as UTF-8 without BOM",
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"file is not valid UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded; save the file as UTF-8"
        return None, [error(f"{prefix}.encoding", byte_loc(raw, exc.start, rel), message)]
    control = _CONTROL.search(text)
    if control is not None:
        at = len(text[: control.start()].encode())
        return None, [
            error(
                f"{prefix}.encoding",
                byte_loc(raw, at, rel),
                f"file contains the control character U+{ord(control.group()):04X}: it is binary or was pasted from"
                " another program; delete it",
            )
        ]
    if "\r" in text:
        at = raw.index(b"\r")
        if raw[at + 1 : at + 2] == b"\n":
            message = "line ends with a carriage return (Windows CRLF line endings); save the file with LF line endings"
        elif b"\n" not in raw:
            message = (
                "lines end with a carriage return alone (CR, classic Mac line endings), not LF;"
                " save the file with LF line endings"
            )
        else:
            message = "a carriage return (CR) alone, with no line feed after it; delete it"
        return None, [error(f"{prefix}.newline", byte_loc(raw, at, rel), message)]
    return text, []


_LINE_SEPARATORS = re.compile("[\u2028\u2029]")


def line_separators(text: str, rel: str) -> list[Finding]:
    """Return a `text.invisible` error at each U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR.

    For YAML files, before they are parsed. PyYAML (YAML 1.1) counts them as line breaks where
    editors and our `path:line:col` count only LF, so past one every line it reports would be one
    too low, and an unquoted one ends the value mid-sentence with a cryptic syntax error. Each is
    located as an editor counts (lines by LF, columns in characters). A catalog needs no such
    rule: it is read by LF lines, and a translation holding one is `i18n.invisible`.
    """
    out = []
    for match in _LINE_SEPARATORS.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        out.append(
            error(
                "text.invisible",
                Loc(rel, text.count("\n", 0, match.start()) + 1, match.start() - line_start + 1),
                f"file contains U+{ord(match.group()):04X} {unicodedata.name(match.group())}, a hidden line break:"
                " YAML reads a new line here where editors show none (pasted from a word processor?); delete it",
            )
        )
    return out


def byte_loc(raw: bytes, index: int, rel: str) -> Loc:
    """Return where byte `index` of a file is, its column counted in characters as editors count it."""
    head = raw[:index]
    line = head[head.rfind(b"\n") + 1 :]
    return Loc(rel, head.count(b"\n") + 1, len(line.decode("utf-8", errors="replace")) + 1)


def _size(count: int) -> str:
    return f"{count / MIB:.1f} MB" if count >= MIB / 10 else f"{count / 1024:.0f} kB"
