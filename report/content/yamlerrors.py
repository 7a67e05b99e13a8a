"""Say what a YAML syntax error means for a writer, and where the mistake is.

PyYAML reports where its parser gave up, in its own words: a forgotten closing quote shows up
at the end of the file, an indentation slip on the line after it. This module looks at the
marks PyYAML gives (where the quote or the bracket opened, where the mapping started) and at the
lines around them, and returns one finding at the line to fix, in plain words.
"""

from __future__ import annotations

import collections
import re
import unicodedata
from dataclasses import dataclass

import yaml

from ..findings import Finding, Loc, error
from . import schema


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based
    indent: int  # 0-based column of the first character
    text: str

    @property
    def key(self) -> str | None:
        """Return the key this line starts with (after a list dash), if it holds `key:`."""
        body = self.text.strip()
        body = body[1:].lstrip() if body.startswith("- ") else body
        head, colon, _ = body.partition(":")
        if colon and head and not head.startswith(("'", '"', "[", "{", "#")):
            return head.strip()
        return None

    @property
    def key_column(self) -> int:
        """Return the 0-based column where this line's key starts (after a list dash)."""
        stripped = self.text.lstrip(" ")
        if not stripped.startswith("- "):
            return self.indent
        after_dash = stripped[1:]
        return self.indent + 1 + len(after_dash) - len(after_dash.lstrip(" "))

    @property
    def has_inline_value(self) -> bool:
        body = self.text.strip()
        return self.key is not None and bool(body.partition(":")[2].strip())


def explain(exc: yaml.MarkedYAMLError, text: str, rel: str, scan: object, kind: str) -> Finding:
    """Return the finding for a YAML syntax error: the place to fix, and what to do there.

    `scan` is PyYAML's `yaml.scan` bound to the loader in use, to find quoted values; `kind` names
    the file's schema (`dossier`, `sources`, `report`), which says what a word is where it stands: a
    key whose colon is missing or glued, or text.
    """
    mark = exc.problem_mark or exc.context_mark
    problem, context = exc.problem or "", exc.context or ""
    if mark is None:
        return error("yaml.syntax", Loc(rel, 1, 1), f"YAML syntax error: {problem or context or 'invalid YAML'}")
    lines = _lines(text)
    at = (mark.line + 1, mark.column + 1)
    if text[mark.index : mark.index + 1] == "\t":
        return _found(rel, at, "a tab character; YAML indents with spaces only")
    if (spaced := _odd_space_before(rel, text, mark.index, scan)) is not None:
        return spaced
    opened = exc.context_mark
    if "quoted scalar" in context and opened is not None:
        quote = text[opened.index : opened.index + 1]
        if "end of stream" in problem:
            return _found(
                rel,
                (opened.line + 1, opened.column + 1),
                f"this quote ({quote}) is never closed: end the value with a matching {quote}",
            )
        if "escape" in problem:
            sequence = text[mark.index : mark.index + 2]
            return _found(
                rel,
                at,
                f'{sequence} is not an escape YAML knows: inside "…", write a backslash as \\\\'
                f" (or quote the value with '…' instead)",
            )
        return _found(rel, at, f"{problem} inside the value quoted with {quote} on line {opened.line + 1}")
    if (comment := _flow_comment(text, mark.index, scan)) is not None:  # whatever the parser tripped on after it
        word = _HASHTAG.match(text, comment)
        return _found(
            rel,
            _position(text, comment),
            f"YAML reads # here as the start of a comment, so the rest of the line is not read: put the value"
            f' in quotes ("{word[0] if word else "#…"}")',
        )
    if "flow sequence" in context or "flow mapping" in context:
        closing = "]" if "sequence" in context else "}"
        start = opened or mark
        return _found(
            rel,
            (start.line + 1, start.column + 1),
            f"this {text[start.index : start.index + 1]} is never closed: end the list with {closing},"
            f" or put the value in quotes if the bracket is part of the text",
        )
    if "cannot start any token" in problem and text[mark.index : mark.index + 1] in _RESERVED:
        return _reserved(rel, text, mark.index, at)
    if (found := _indicator_value(rel, text, mark, problem)) is not None:
        return found
    quoted = _quoted_before(text, mark.index, scan)
    if quoted is not None and problem.startswith(("did not find expected", "expected <block end>")):
        return _quoted_runs_on(rel, text, quoted, mark)
    if "simple key" in context and opened is not None and (simple := lines.get(opened.line + 1)) is not None:
        found = (
            _glued(rel, simple, lines, kind)
            or _colon_missing(rel, simple, opened.column, lines, kind)
            or _run_on(rel, text, opened, scan)
        )
        if found is not None:
            return found
    line = lines.get(mark.line + 1)
    if line is not None and (found := _list_after_value(rel, lines, line)) is not None:
        return found
    if line is not None and problem.startswith("did not find expected"):
        above = _above(lines, line.number)
        dashed = _glued(rel, above, lines, kind, colon=False) if above is not None else None
        return (
            _glued(rel, line, lines, kind)
            or dashed
            or _first_key_lost(rel, lines, line, kind)
            or _dedented(rel, lines, line)
            or _misaligned(rel, lines, line, at)
        )
    if line is not None and problem.startswith("mapping values are not allowed"):
        above = _above(lines, line.number)
        if (
            above is not None
            and line.indent >= above.key_column
            and (found := _glued(rel, above, lines, kind)) is not None
        ):
            return found
        if (found := _dedented(rel, lines, line)) is not None:
            return found
        if above is not None and line.indent > above.key_column and above.has_inline_value:
            return _found(
                rel,
                (line.number, line.indent + 1),
                f"this line is indented more than '{above.key}' above it (line {above.number}), so YAML reads it as"
                f" the rest of that value: start it in column {above.key_column + 1}, like '{above.key}'",
            )
        if (found := _first_key_lost(rel, lines, line, kind)) is not None:
            return found
        return _found(rel, at, "': ' inside a value: put the whole value in quotes (\"…\")")
    detail = f"{problem} ({context})" if problem and context else problem or context or "invalid YAML"
    return _found(rel, at, detail)


def odd_space(rel: str, text: str, index: int) -> Finding | None:
    """Return the finding for a plain text starting at `index` that is a key and its value with a space
    other than U+0020 after the colon (`name:\u00a0Fake Corrections`, pasted from a word processor),
    if it starts its line (after the indentation and any list dashes), as a key does.

    YAML takes only an ordinary space (or a tab) after a key's colon: the line is one text, and the
    parser trips lines below it, or the mapping above it holds that text. The finding is at the space.
    """
    line = text.rfind("\n", 0, index) + 1
    key = _SPACED_KEY.match(text, index)
    if key is None or re.fullmatch(r"[ ]*(?:-[ ]+)*", text[line:index]) is None:
        return None
    space = text[key.end()]
    if space == " " or not (unicodedata.category(space) == "Zs" or space in _INVISIBLE_SPACES):
        return None
    name = unicodedata.name(space, "").lower() or "space"
    return _found(
        rel,
        _position(text, key.end()),
        f"{'an' if name[0] in 'aeiou' else 'a'} {name} (U+{ord(space):04X}) after '{key[1]}:': type an ordinary space",
    )


_SPACED_KEY = re.compile(r"([A-Za-z_][\w-]*):(?=.)")
"""A key and its colon, and something after it: the space that `odd_space` looks at."""

_INVISIBLE_SPACES = "\u200b\u2060\ufeff"
"""Characters that print as nothing, pasted where a space goes: the zero-width space, the word joiner."""


def _odd_space_before(rel: str, text: str, index: int, scan: object) -> Finding | None:
    """Return the `odd_space` finding for the first line, up to the one `index` is on, that starts with
    such a key: a text of its own, or a wrapped line of the text above (`- id: a`, then
    `category:\u00a0conditions` in the column of `id`). A line of a quoted or block text is text."""
    texts = []
    try:
        for token in scan(text):  # type: ignore[operator]
            if token.start_mark.index >= index:
                break
            if isinstance(token, yaml.ScalarToken) and not token.plain:
                texts.append((token.start_mark.index, token.end_mark.index))
    except yaml.YAMLError:
        pass
    end = _line_end(text, index)
    for line in re.finditer(r"^[ ]*(?:-[ ]+)*", text[:end], re.MULTILINE):
        at = line.end()
        if not any(start <= at < stop for start, stop in texts) and (found := odd_space(rel, text, at)):
            return found
    return None


def _line_end(text: str, index: int) -> int:
    found = text.find("\n", index)
    return found if found >= 0 else len(text)


_RESERVED = "@`%"
"""Characters YAML keeps for itself, which cannot start an unquoted value (`text: @ICE held…`)."""

_INDICATORS = ">|[{*?-&!"
"""Characters that give what follows them another meaning at the start of a value: a block text's
header (`>`, `|`), a list or mapping in brackets, an alias (`*`), a key (`? `), a list item (`- `),
an anchor (`&`), a tag (`!`)."""

_VALUE = re.compile(r"[ ]*(?:-[ ]+)*(?:[^\s#'\"\[\]{},:?&*!|>-][^:#]*?:[ ]+)?")
"""What comes before a line's value: its indentation, list dashes, and a key with its colon."""


def _reserved(rel: str, text: str, index: int, at: tuple[int, int]) -> Finding:
    """Return the finding for a value that starts with a character YAML keeps for itself (`_RESERVED`):
    quote it, or, for an `@` before an id in a `sources:` list (the inline citation's form, `[@id]`),
    drop the `@`."""
    char = text[index]
    cited = _CITED_ID.match(text, index)
    if cited is not None and _in_sources_list(text, index):
        return _found(rel, at, sources_at(cited[1]))
    return _found(rel, at, f'a value cannot start with {char} unless it is quoted: put the whole value in quotes ("…")')


def sources_at(source_id: str) -> str:
    """Return the advice for `@id` in a `sources:` list: the id alone."""
    return (
        f"in a sources list, write the id alone, without the @ ('{source_id}'): an @ before an id is the form of"
        f" an inline citation in a text, [@{source_id}]"
    )


_CITED_ID = re.compile(r"@([^\s,\[\]{}'\"#]+)")
"""An id written as a citation marker's (`@gov-report-2020`), up to what ends a list's item."""


def _in_sources_list(text: str, index: int) -> bool:
    """Return True if `index` is in an item of a `sources:` list: in its brackets on the key's line
    (`sources: [a, @b]`), or on a `- ` line of its block list."""
    start = text.rfind("\n", 0, index) + 1
    if re.search(r"(?:^|[\s{,])sources:[ ]*\[[^\]]*$", text[start:index]):
        return True
    item = re.fullmatch(r"([ ]*)-[ ]+", text[start:index])
    if item is None:
        return False
    for line in reversed(text[: max(start - 1, 0)].split("\n")):
        body = line.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        indent = len(line) - len(body)
        if body.startswith("- ") and indent == len(item[1]):
            continue
        return re.fullmatch(r"(?:-[ ]+)?sources:[ ]*(?:#.*)?", body) is not None and indent <= len(item[1])
    return False


def _indicator_value(rel: str, text: str, mark: yaml.Mark, problem: str) -> Finding | None:
    """Return the finding for a value that starts with one of YAML's `_INDICATORS`, unquoted, and is
    text (`text: > 50 people were held`, `[Update] ICE said…`, `*Update* …`, `? …`, `- …`), if the
    error is on its line, after it: YAML read the text as something else, and tripped on the rest."""
    start = text.rfind("\n", 0, mark.index) + 1
    value = _VALUE.match(text, start).end()  # type: ignore[union-attr]  # every line matches
    char = text[value : value + 1]
    if not char or char not in _INDICATORS or value > mark.index or "\n" in text[value : mark.index]:
        return None
    if char in "?-" and (value != mark.index or "not allowed in this context" not in problem):
        return None  # `-5 degrees` is text, and a list item in its place is another mistake
    if char in "[{" and (
        value == mark.index or not problem.startswith(("did not find expected", "expected <block end>"))
    ):
        return None
    return _found(
        rel,
        _position(text, value),
        f'a value cannot start with {char} unless it is quoted: put the whole value in quotes ("…")',
    )


_GLUED_DASH = re.compile(r"-([A-Za-z_][\w-]*):(?:\s|$)")
"""A list dash with no space after it: `-id: john-doe` is a key named '-id'."""

_GLUED_COLON = re.compile(r"([A-Za-z_][\w-]*):[^\s/]")
"""A key with no space after its colon: `name:John Doe` is one word of text (`https://` is not a key)."""

_HASHTAG = re.compile(r"#[^\s,\[\]{}'\"]+")
"""A hashtag written in a flow list, up to the comma or bracket that ends it: `[#FirstTen, …]`."""

_FIRST_WORD = re.compile(r"[A-Za-z_][\w-]*(?=[ \t]|$)")
"""A line's first word, a key if its colon is missing: `role Co-organizer of the vigil`."""


def _glued(rel: str, line: _Line, lines: dict[int, _Line], kind: str, colon: bool = True) -> Finding | None:
    """Return the finding for a line YAML does not read as intended for want of a space after its
    list dash (`-id: john-doe`) or (if `colon`) its key's colon (`name:John Doe`, where the schema
    allows a `name`: `mailto:info@example.org` in a wrapped text is no key), if it is one."""
    body = line.text.lstrip(" ")
    if dash := _GLUED_DASH.match(body):
        return _found(
            rel,
            (line.number, line.indent + 1),
            f"a list item needs a space after its dash: write '- {dash[1]}:', not '-{dash[1]}:'",
        )
    body = body[1:].lstrip(" ") if body.startswith("- ") else body
    glued = _GLUED_COLON.match(body) if colon else None
    if glued is not None and glued[1] in _fields_at(lines, line, len(line.text) - len(body), kind)[0]:
        key = glued[1]
        return _found(
            rel,
            (line.number, len(line.text) - len(body) + len(key) + 1),
            f"a space is needed after the colon of '{key}:' (write '{key}: …'), or YAML does not read '{key}' as a key",
        )
    return None


def _colon_missing(
    rel: str, line: _Line, column: int, lines: dict[int, _Line], kind: str, first: bool = False
) -> Finding | None:
    """Return the finding for a line whose first word, at 0-based `column`, is a key the schema allows
    there and that mapping does not have yet, written without its colon (`role Co-organizer of the
    vigil` under an organization's `name:`), if it is one: read as a wrapped line, the advice to
    indent it would glue the words into the value above. With `first` (the line opens a mapping
    the schema wants, and keys follow it), any word is a key: no value above it can wrap."""
    word = _FIRST_WORD.match(line.text, column)
    if word is None:
        return None
    allowed, present = _fields_at(lines, line, column, kind)
    if not allowed if first else word[0] not in allowed or word[0] in present:
        return None
    return _found(
        rel,
        (line.number, word.end() + 1),
        f"a colon and a space are missing after '{word[0]}' (write '{word[0]}: …'), or YAML does not read"
        f" '{word[0]}' as a key",
    )


def _first_key_lost(rel: str, lines: dict[int, _Line], line: _Line, kind: str) -> Finding | None:
    """Return the finding for the line above `line` when it opens the mapping whose keys `line`
    goes on with, but lacks the colon (or the space after it) of its own first key: `location:`
    then `city Exampleville`, or `- id beds-1320`, then `county: …` in that key's column. YAML reads
    the line as the value of the key above it (or the list item's text) and trips on the next key."""
    opening = _previous(lines, line.number)
    if opening is None or opening.key_column != line.indent:
        return None
    owner = _above(lines, opening.number)
    item = opening.text.lstrip(" ").startswith("- ")
    if not item and (owner is None or owner.key_column >= opening.indent or owner.has_inline_value):
        return None
    return _glued(rel, opening, lines, kind) or _colon_missing(
        rel, opening, opening.key_column, lines, kind, first=opening.key is None
    )


def _fields_at(lines: dict[int, _Line], line: _Line, column: int, kind: str) -> tuple[frozenset[str], frozenset[str]]:
    """Return the keys the schema of `kind` allows in the mapping that a key at 0-based `column` of
    `line` would belong to, and the keys that mapping already has on other lines.

    The mapping is found by indentation, from the lines above: each key further left holds the
    mapping below it, each dash an item of a list. Both are empty if the lines above do not say.
    """
    path: list[str | int] = []
    col, seq = column, None  # the column of the mapping's keys; the indent of the list it is an item of
    present: set[str] = set()
    if line.text[:column].strip() == "-":  # the line starts an item: the mapping starts there too
        path, seq = [0], line.indent
    for n in range(line.number - 1, 0, -1):
        other = lines.get(n)
        if other is None:
            continue
        dashed = other.text.lstrip(" ").startswith("- ")
        if seq is not None:  # the key that holds the list (it may sit in the dashes' column)
            if other.indent > seq or (other.indent == seq and dashed):
                continue
            if other.key is None or other.key_column > seq:
                return frozenset(), frozenset()
        elif other.indent >= col and not (dashed and other.key_column == col):
            if other.key is not None and other.key_column == col and not path:
                present.add(other.key)  # a key of the mapping itself
            continue
        elif other.key is None or other.key_column > col:
            return frozenset(), frozenset()
        elif other.key_column == col:  # the item's first key
            if not path:
                present.add(other.key)
            path, seq = [0, *path], other.indent
            continue
        path, col, seq = [other.key, *path], other.key_column, None
        if dashed:
            path, seq = [0, *path], other.indent
    if seq is not None or col != 0:
        return frozenset(), frozenset()
    for n in range(line.number + 1, max(lines, default=0) + 1):
        other = lines.get(n)
        if other is None or other.indent > column:
            continue
        if other.indent < column:
            break
        if other.key is not None:
            present.add(other.key)
    node = schema.subschema(kind, tuple(path))
    return frozenset((node or {}).get("properties", ())), frozenset(present)


def _run_on(rel: str, text: str, opened: yaml.Mark, scan: object) -> Finding | None:
    """Return the finding for a line that continues the value above it but starts no further right
    than that value's key or list dash (`text: A man held` then `for weeks` under `text`), if it is one."""
    tokens = []
    try:
        for token in scan(text[: opened.index - opened.column]):  # type: ignore[operator]
            if not isinstance(token, (yaml.BlockEndToken, yaml.StreamEndToken)):
                tokens.append(token)
    except yaml.YAMLError:
        return None
    *_, key, value, scalar = [None, None, None, *tokens]
    if not isinstance(scalar, yaml.ScalarToken) or scalar.style in ("'", '"'):  # a quoted value ends at its quote
        return None
    if isinstance(value, yaml.BlockEntryToken):
        owner, above, name = value, f"the item on line {value.start_mark.line + 1}", "its dash"
    elif isinstance(value, yaml.ValueToken) and isinstance(key, yaml.ScalarToken):
        owner, above, name = key, f"the value of '{key.value}' (line {key.start_mark.line + 1})", f"'{key.value}'"
    else:
        return None
    if opened.column > owner.start_mark.column:
        return None
    return _found(
        rel,
        (opened.line + 1, opened.column + 1),
        f"this line continues {above}, so it must be indented more than {name} (or the whole value put in quotes)",
    )


def _quoted_runs_on(rel: str, text: str, token: yaml.Token, mark: yaml.Mark) -> Finding:
    """Return the finding for a quoted value that a stray quote ended early, or that a missing quote let run on."""
    start, end = token.start_mark, token.end_mark
    quote = text[start.index : start.index + 1]
    if end.line > start.line:
        return _found(
            rel,
            (start.line + 1, start.column + 1),
            f"the quote ({quote}) opened here is closed only on line {end.line + 1}: is the closing {quote}"
            f" missing on this line?",
        )
    inner = "write an apostrophe as '' (two single quotes)" if quote == "'" else 'write a quotation mark as \\"'
    return _found(
        rel,
        (end.line + 1, end.column),
        f"this {quote} ends the quoted value early, and the text after it is left over: inside {quote}…{quote},"
        f" {inner}",
    )


def _quoted_before(text: str, index: int, scan: object) -> yaml.Token | None:
    """Return the last quoted scalar that ends just before `index` (same line, or running over several lines)."""
    last = None
    try:
        for token in scan(text):  # type: ignore[operator]
            if token.start_mark.index >= index:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"'):
                last = token
            elif not isinstance(token, (yaml.ValueToken, yaml.KeyToken)):
                last = None if last is not None and token.start_mark.line > last.end_mark.line else last
    except yaml.YAMLError:
        pass
    if last is None:
        return None
    end = last.end_mark
    same_line = end.line == _line_of(text, index)
    return last if same_line or last.end_mark.line > last.start_mark.line else None


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index)


def _position(text: str, index: int) -> tuple[int, int]:
    """Return the 1-based line and column of a character index."""
    return _line_of(text, index) + 1, index - text.rfind("\n", 0, index)


def _flow_comment(text: str, index: int, scan: object) -> int | None:
    """Return the index of the first # that starts a comment inside a [ ] or { } still open at
    `index`, written as text is (`[#FirstTen, …]`: a # glued to the word after it), if there is one.

    YAML reads a # after a space, a comma or a bracket as a comment, to the end of the line: the
    brackets' rest is lost, and the parser gives up lines below, in whatever follows.
    """
    opened: list[int] = []
    spans: list[tuple[int, int]] = []
    try:
        for token in scan(text):  # type: ignore[operator]
            if token.start_mark.index >= index:
                break
            if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
                opened.append(token.start_mark.index)
            elif isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)) and opened:
                opened.pop()
            spans.append((token.start_mark.index, token.end_mark.index))
    except yaml.YAMLError:
        pass
    if not opened:
        return None
    for found in re.finditer(r"(?<=[\s,\[{])#(?=[^\s#])", text[:index]):
        at = found.start()
        if at > opened[0] and not any(start <= at < end for start, end in spans):
            return at
    return None


def _dedented(rel: str, lines: dict[int, _Line], line: _Line) -> Finding | None:
    """Return the finding for the key line above `line` when it alone is out of line with the keys
    before and after it, further left (`county:` in column 1 between `  city:` and `  state:`), if it is.

    YAML reads that key as one of the mapping further out, and trips only on the next one: the line
    to fix is the one that moved, not the one in line with its siblings. So with the first key of a
    mapping (`city:` in column 1 under `location:`), which leaves the key above it holding nothing.
    """
    above = _above(lines, line.number)
    before = _above(lines, above.number) if above is not None else None
    if (
        above is None
        or before is None
        or line.key is None
        or above.text.lstrip(" ").startswith("- ")
        or not above.key_column < line.key_column
        or any(n in lines and lines[n].indent <= above.key_column for n in range(above.number + 1, line.number))
    ):
        return None
    column = line.key_column + 1
    if before.has_inline_value and before.key_column == line.key_column:
        return _found(
            rel,
            (above.number, above.key_column + 1),
            f"'{above.key}' starts in column {above.key_column + 1}, but the keys around it, '{before.key}' (line"
            f" {before.number}) and '{line.key}' (line {line.number}), start in column {column}: move it right to"
            f" column {column}",
        )
    if (
        not before.has_inline_value
        and before.key_column == above.key_column
        and _previous(lines, above.number) == before
    ):
        return _found(
            rel,
            (above.number, above.key_column + 1),
            f"'{above.key}' starts in column {above.key_column + 1}, as '{before.key}' above it does, so YAML does"
            f" not read it as part of '{before.key}': move it right to column {column}, like '{line.key}' (line"
            f" {line.number})",
        )
    return None


def _list_after_value(rel: str, lines: dict[int, _Line], line: _Line) -> Finding | None:
    """Return the finding for a list item below a key that has a value on its own line already:
    `timeline: []` (as `new` writes it), then `  - id: …` (the skeleton's example entry, uncommented).

    A key holds one value: the `[]` is the list, and the items below are left over. An item further
    right than the key can only be meant for it; one in the key's column (`timeline: []`, then
    `- id: …`, which YAML reads as the key's list once the `[]` is gone) only after an empty `[]`.
    """
    above = _previous(lines, line.number)
    if above is None or above.key is None or not line.text.lstrip(" ").startswith("-"):
        return None
    value = _inline_value(above)
    if not value or line.indent < above.key_column or (line.indent == above.key_column and value != "[]"):
        return None
    what = " (an empty list)" if value == "[]" else ""
    return _found(
        rel,
        (above.number, above.text.index(value, above.key_column + len(above.key) + 1) + 1),
        f"'{above.key}' has a value on its own line, {value}{what}, so YAML cannot read the list on line"
        f" {line.number} as its value: delete '{value}' and leave '{above.key}:' alone on its line",
    )


def _inline_value(line: _Line) -> str:
    """Return the value written on a key's line after its colon, without a comment (`''` if none)."""
    body = line.text[line.key_column :].partition(":")[2]
    return re.split(r"(?:^|\s)#", body, maxsplit=1)[0].strip()


def _misaligned(rel: str, lines: dict[int, _Line], line: _Line, at: tuple[int, int]) -> Finding:
    """Return the finding for a line whose key lines up with no key above it."""
    above = _above(lines, line.number)
    name = f"'{line.key}'" if line.key else "this line"
    if above is None or line.key is None or above.key_column == line.indent:
        return _found(rel, at, f"{name} does not fit here: check its indentation and the line above it")
    parent = _parent(lines, above)
    step = _usual_step(lines)
    first = _first_of_block(lines, above, parent) if parent is not None else above
    in_list = first.text.lstrip(" ").startswith("- ")
    if (
        parent is not None
        and not in_list
        and above.key_column - parent.key_column != step
        and line.indent - parent.key_column == step
    ):
        return _found(
            rel,
            (first.number, first.key_column + 1),
            f"this line is indented {first.key_column - parent.key_column} spaces under '{parent.key}', but {name}"
            f" on line {line.number} is indented {step}: keys of one mapping start in the same column",
        )
    return _found(
        rel,
        (line.number, line.indent + 1),
        f"this line is indented differently from the keys above it: {name} starts in column {line.indent + 1},"
        f" '{above.key}' (line {above.number}) in column {above.key_column + 1}; keys of one mapping start in the"
        f" same column",
    )


def _found(rel: str, at: tuple[int, int], message: str) -> Finding:
    return error("yaml.syntax", Loc(rel, at[0], at[1]), f"YAML syntax error: {message}")


def _lines(text: str) -> dict[int, _Line]:
    """Return the file's significant lines (not blank, not comments) by number."""
    found = {}
    for number, raw in enumerate(text.split("\n"), 1):
        stripped = raw.lstrip(" ")
        if stripped and not stripped.startswith("#"):
            found[number] = _Line(number, len(raw) - len(stripped), raw)
    return found


def _previous(lines: dict[int, _Line], number: int) -> _Line | None:
    """Return the nearest significant line above `number`, whether or not it holds a key."""
    return next((lines[n] for n in range(number - 1, 0, -1) if n in lines), None)


def _above(lines: dict[int, _Line], number: int) -> _Line | None:
    """Return the nearest significant line above `number` that holds a key."""
    for n in range(number - 1, 0, -1):
        line = lines.get(n)
        if line is not None and line.key is not None:
            return line
    return None


def _parent(lines: dict[int, _Line], line: _Line) -> _Line | None:
    """Return the line of the key whose value holds `line`'s mapping."""
    for n in range(line.number - 1, 0, -1):
        other = lines.get(n)
        if other is not None and other.key is not None and other.key_column < line.key_column:
            return other
    return None


def _first_of_block(lines: dict[int, _Line], line: _Line, parent: _Line) -> _Line:
    """Return the first key line after `parent` that lines up with `line`."""
    for n in range(parent.number + 1, line.number + 1):
        other = lines.get(n)
        if other is not None and other.key is not None and other.key_column == line.key_column:
            return other
    return line


def _usual_step(lines: dict[int, _Line]) -> int:
    """Return how far this file usually indents a mapping under its key (2 if it cannot tell)."""
    steps: collections.Counter[int] = collections.Counter()
    previous = None
    for line in lines.values():
        nested = not line.text.lstrip(" ").startswith("- ")
        if previous is not None and nested and line.key is not None and previous.key is not None:
            step = line.key_column - previous.key_column
            if step > 0 and not previous.has_inline_value:
                steps[step] += 1
        previous = line
    return min(steps, key=lambda step: (-steps[step], step)) if steps else 2
