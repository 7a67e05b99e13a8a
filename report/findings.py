"""Findings: what every stage reports instead of raising or logging.

A `Finding` is one problem at `path:line:col`. The `Policy` (--strict, --release) is applied
once, by `gather`; the formatters return strings, and only `cli` prints them. This module
imports nothing of ours.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Iterable, Literal, Sequence

Level = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Loc:
    """A place in a project file: path relative to the project root, 1-based line and column."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return visible(self.path)
        return f"{visible(self.path)}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Finding:
    """One problem, with its level, a stable code, where it is and what to do about it."""

    level: Level
    code: str
    loc: Loc
    message: str
    promoted: str = field(default="", compare=False)
    """The option that made this warning an error (`--strict`, `--release`), or "": the summary says so."""

    def __post_init__(self) -> None:
        # One finding, one line, showing what is really there: a newline quoted from the input
        # would break `path:line:col:` output, a bidi override would print the quote backwards.
        object.__setattr__(self, "message", visible(self.message))

    def __str__(self) -> str:
        return f"{self.loc}: {self.level}: {self.message} [{self.code}]"

    def sort_key(self) -> tuple:
        """Return the key that orders findings by file, then position, then code."""
        return (self.loc.path, self.loc.line, self.loc.col, self.code, self.message)

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        """Return the finding `as_dict` made (from a cache entry or the build stamp); KeyError if incomplete."""
        return cls(data["level"], data["code"], Loc(data["path"], data["line"], data["column"]), data["message"])

    def as_dict(self) -> dict:
        """Return the finding as plain JSON-ready data."""
        return {
            "level": self.level,
            "code": self.code,
            "path": self.loc.path,
            "line": self.loc.line,
            "column": self.loc.col,
            "message": self.message,
        }


HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
"""Unicode categories that print as nothing, break the line or reorder text: controls, format
characters (zero-width, bidi), line and paragraph separators."""
_VARIATION_SELECTOR = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
"""The variation selectors: marks that print nothing themselves but another form of the
character before them (U+FE0F an emoji's, where a font has one)."""


def is_hidden(char: str) -> bool:
    """Return True for a character that prints otherwise than a reader sees it: a control, format
    or separator character (`HIDDEN_CATEGORIES`), or a variation selector."""
    return unicodedata.category(char) in HIDDEN_CATEGORIES or _VARIATION_SELECTOR.match(char) is not None


_BLANK_MARKS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0")
"""Characters that are neither white space nor `is_hidden` yet print as nothing: the combining
grapheme joiner, the Hangul fillers, the Khmer inherent vowels and the blank Braille pattern."""


def prints_nothing(text: str) -> bool:
    """Return True for text that is not empty but prints nothing: only white space (Unicode's
    White_Space, the no-break and em spaces included), `is_hidden` characters (zero-width space,
    word joiner, soft hyphen, byte order mark) and `_BLANK_MARKS`."""
    return bool(text) and all(c.isspace() or c in _BLANK_MARKS or is_hidden(c) for c in text)


def says_nothing(text: str) -> bool:
    """Return True for text that is not empty but holds no letter or digit (Unicode's categories L
    and N, the `_BLANK_MARKS` fillers aside): only what `prints_nothing`, or marks and punctuation.

    A combining mark (category M: U+0301 COMBINING ACUTE ACCENT) sits on the letter before it: a
    name made only of them prints a lone accent where the name was.
    """
    return bool(text) and not any(unicodedata.category(c)[0] in "LN" and c not in _BLANK_MARKS for c in text)


def visible(text: str) -> str:
    """Return `text` with the `is_hidden` characters escaped as Python writes them (`\\n`, `\\u202e`, `\\ufe0f`)."""
    if text.isprintable() and _VARIATION_SELECTOR.search(text) is None:
        return text
    return "".join(c.encode("unicode_escape").decode() if is_hidden(c) else c for c in text)


def visible_spaces(text: str) -> str:
    """Return `text` made `visible`, every space but U+0020 escaped too (`\\u00a0`).

    For a quoted value that may hold no space at all, such as an id: there a no-break space would
    pass for the ordinary space it is not. A message quoting prose leaves it as the writer typed it.
    """
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) == "Zs" and c != " " else c for c in visible(text))


def error(code: str, loc: Loc, message: str) -> Finding:
    """Return an error finding."""
    return Finding("error", code, loc, message)


def warning(code: str, loc: Loc, message: str) -> Finding:
    """Return a warning finding."""
    return Finding("warning", code, loc, message)


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Return the findings sorted by location, without exact duplicates."""
    return sorted(set(findings), key=Finding.sort_key)


def promote(findings: Iterable[Finding], option: str, codes: Iterable[str] | None = None) -> list[Finding]:
    """Return the findings with warnings turned into errors (all of them, or only `codes`) by `option`."""
    wanted = None if codes is None else set(codes)
    return [
        replace(f, level="error", promoted=option)
        if f.level == "warning" and (wanted is None or f.code in wanted)
        else f
        for f in findings
    ]


def promoted(findings: Iterable[Finding]) -> str:
    """Return what a summary says of the errors that are warnings a policy promoted ("2 warnings
    counted as errors under --strict"), or "" if there are none: the lines say "error" of them."""
    by = Counter(f.promoted for f in findings if f.promoted and f.level == "error")
    return ", ".join(
        f"{count(n, 'warning')} counted as {'an error' if n == 1 else 'errors'} under {option}"
        for option, n in sorted(by.items())
    )


RELEASE_CODES = frozenset(
    {
        "review.unverified",
        "review.claim",
        "review.note",
        "cite.weak",
        "figure.unit",
        "data.license",
        "i18n.untranslated",
        "i18n.fuzzy",
        "i18n.stale",
        "i18n.fallback",
        "i18n.review",
        "i18n.figures",
        "i18n.citation-order",
        "i18n.names",
        "yaml.comment",
    }
)
"""Warnings that `--release` turns into errors: unverified or weakly sourced content, incomplete
translations or ones whose figures or citations a reviewer must confirm, open data without a
license, a value a comment may have cut short."""


@dataclass(frozen=True)
class Policy:
    """How strict a verb is: `--strict` promotes every warning, `--release` the release codes."""

    strict: bool = False
    release: bool = False

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        """Return the findings ordered, without duplicates, with the warnings this policy promotes as errors."""
        result = ordered(findings)
        if self.release:
            result = promote(result, "--release", RELEASE_CODES)
        if self.strict:
            result = promote(result, "--strict")
        return result


def has_errors(findings: Iterable[Finding]) -> bool:
    """Return True if any finding is an error."""
    return any(f.level == "error" for f in findings)


def count(n: int, noun: str) -> str:
    """Return '1 error', '2 errors': a number and its noun, plural when it is not one."""
    return f"{n} {noun}{'s' * (n != 1)}"


def counted(findings: Iterable[Finding]) -> str:
    """Return '1 error, 2 warnings' for a list of findings."""
    levels = [f.level for f in findings]
    errors = levels.count("error")
    return f"{count(errors, 'error')}, {count(len(levels) - errors, 'warning')}"


def tally(findings: Iterable[Finding]) -> dict[tuple[str, str], int]:
    """Return how many findings there are per (level, code), sorted."""
    counts = Counter((f.level, f.code) for f in findings)
    return dict(sorted(counts.items()))


def format_findings(findings: Sequence[Finding]) -> str:
    """Return one line per finding, a count of errors and warnings by code, and the total line."""
    lines = [str(f) for f in findings]
    counts = tally(findings)
    if counts:
        width = max(len(code) for _, code in counts)
        lines += ["", f"{'code':<{width}}  {'level':<7}  count"]
        lines += [f"{code:<{width}}  {level:<7}  {n:>5}" for (level, code), n in counts.items()]
    lines.append(counted(findings))
    return "\n".join(lines)


def to_json(findings: Iterable[Finding], **extra: object) -> str:
    """Return the findings (and any extra sections) as a JSON document."""
    data = {"findings": [f.as_dict() for f in findings], **extra}
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)
