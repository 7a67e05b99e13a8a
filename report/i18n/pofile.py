"""Reading a PO file as GNU gettext's msgfmt does: its messages, and every mistake at line:column.

Babel's parser and polib both lose what msgfmt reads: the previous English of an obsolete entry
(`#~| msgid`, which `msgmerge --previous` writes; Babel refuses it, polib skips it), a tab
after a keyword (Babel), octal and hex escapes (both print them as written), a comment line
equal to an earlier one (Babel's `Message` drops it). Both also stop at, or print, the first
mistake. So this reader follows gettext's grammar (a `#` starts a comment anywhere outside a
string; whitespace between tokens is optional; `msgstr[N]` counts up from 0; every line of an
entry is `#~` or none is) and records each mistake with its position instead: a broken entry is
left out and reading goes on at the next one. Duplicates, which msgfmt calls fatal, are
reported at the second, naming the first, and the first is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

Problem = tuple[int, int, str, str]
"""(line, column, code, message)"""


@dataclass(frozen=True)
class PoMessage:
    """One entry of a PO file, as written (the header is the entry whose msgid is empty)."""

    context: str | None
    msgid: str
    plural: str | None
    strings: tuple[str, ...]
    """The msgstr, or the msgstr[N] in order."""
    line: int
    """The line of its msgid."""
    obsolete: bool = False
    string_lines: tuple[int, ...] = ()
    """The line of each msgstr or msgstr[N] keyword, in order: where a translator edits the translation."""
    flags: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()
    """Translator comments (`# …`), one per line, blank and repeated lines included."""
    extracted: tuple[str, ...] = ()
    """Comments for translators written by extraction (`#. …`)."""
    references: tuple[tuple[str, int | None], ...] = ()
    """The `#:` file:line references."""
    previous_context: str | None = None
    previous_msgid: str | None = None
    previous_plural: str | None = None

    @property
    def key(self) -> tuple[str | None, str]:
        """Return (context, msgid), which msgfmt requires to be unique in a file."""
        return (self.context, self.msgid)


@dataclass(frozen=True)
class PoFile:
    """The messages of a PO file in file order, and what could not be read."""

    messages: tuple[PoMessage, ...]
    problems: tuple[Problem, ...]

    @property
    def header(self) -> PoMessage | None:
        """Return the header entry (msgid "" without a context), if the file has one."""
        return next((m for m in self.messages if m.key == (None, "") and not m.obsolete), None)


@dataclass(frozen=True)
class _Token:
    kind: str  # keyword, string, comment, unclosed, escape, other
    value: str
    line: int
    col: int
    obsolete: bool
    previous: bool
    data: bytes = b""
    """A string's bytes, escapes decoded."""
    first: bool = False
    """True for the first token of its line."""


_SPACE = " \t\r\f\v"
_KEYWORDS = ("msgctxt", "msgid", "msgid_plural", "msgstr")
_TOKEN_RE = re.compile(
    r"""(?P<keyword>[A-Za-z_][A-Za-z0-9_]*)(?P<index>[ \t\r\f\v]*\[[^]"]*\]?)?
      | "(?P<string>(?:[^"\\]|\\.)*)(?P<end>"?)
      | (?P<comment>\#.*)
      | (?P<other>.+)""",
    re.VERBOSE,
)
_INDEX_RE = re.compile(r"[ \t\r\f\v]*\[[ \t\r\f\v]*(\d+)[ \t\r\f\v]*\]")
_ESCAPE_RE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]+)|([ntbrfva\\\"])|(.?))", re.DOTALL)
_C_ESCAPES = {"n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "\\": "\\", '"': '"'}
_CONTROL = re.compile("[\x00-\x06\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
"""Characters an escape may spell that no catalog may hold: msgcat would write them raw, and a file
with them is refused (`textfile.decode`); \\a \\b \\f \\v keep their letter escapes."""
_REFERENCE_RE = re.compile(r"\u2068([^\u2068\u2069]*)\u2069(?::(\d+))?|(\S+)")
"""A `#:` reference; gettext encloses a file name with spaces in U+2068 … U+2069 (never nested: a
U+2068 inside ends the try, so that a run of them never closed is read once, not once from each)."""


def read_po(text: str) -> PoFile:
    """Return the messages of a PO file and its problems (never raises on any text)."""
    reader = _Reader()
    for token in _tokens(text):
        reader.feed(token)
    reader.end()
    return PoFile(tuple(reader.messages), tuple(sorted(reader.problems)))


def _tokens(text: str) -> Iterator[_Token]:
    """Yield the tokens of a PO file, with the `#~` and `#|` marks of their lines."""
    for number, raw in enumerate(text.split("\n"), 1):  # a form feed inside a string is text
        stripped = raw.lstrip(_SPACE)
        start = len(raw) - len(stripped)
        mark = next((mark for mark in ("#~|", "#~", "#|") if stripped.startswith(mark)), "")
        if not mark and stripped.startswith("#"):
            yield _Token("comment", stripped, number, start + 1, False, False)
            continue
        yield from _line_tokens(raw, start + len(mark), number, mark.startswith("#~"), mark.endswith("|"))


def _line_tokens(raw: str, at: int, number: int, obsolete: bool, previous: bool) -> Iterator[_Token]:
    """Yield the tokens of one line from `at`; a mistake ends the line (the entry is skipped)."""

    first = len(raw) - len(raw[at:].lstrip(_SPACE)) + 1

    def token(kind: str, value: str, col: int, data: bytes = b"") -> _Token:
        return _Token(kind, value, number, col, obsolete, previous, data, first=col == first)

    while True:
        while at < len(raw) and raw[at] in _SPACE:
            at += 1
        if at >= len(raw):
            return
        match = _TOKEN_RE.match(raw, at)
        assert match is not None  # `other` takes any rest of a line
        col, at = at + 1, match.end()
        if match["keyword"]:
            word, index = match["keyword"], match["index"]
            indexed = _INDEX_RE.fullmatch(index) if index is not None and word == "msgstr" else None
            if indexed is not None:
                word = f"msgstr[{int(indexed[1])}]"
            elif index is not None or word not in _KEYWORDS:
                yield token("other", raw[col - 1 :], col)
                return
            yield token("keyword", word, col)
        elif match["comment"] is not None:
            yield token("comment", match["comment"], col)
            return
        elif match["string"] is not None:
            if not match["end"]:
                yield token("unclosed", match.group(0), col)
                return
            data, bad = _unescape(match["string"])
            if bad is not None:
                yield token("escape", bad[1], col + 1 + bad[0])
                return
            yield token("string", match["string"], col, data)
        else:
            yield token("other", match.group(0), col)
            return


def _unescape(body: str) -> tuple[bytes, tuple[int, str] | None]:
    """Return a string's bytes with its escapes decoded as msgfmt decodes them, or where an
    escape is invalid: `\\ooo` and `\\xhh…` give one byte (the low eight bits), so escaped
    UTF-8 sequences (`\\303\\251`) make characters once the pieces are joined."""
    out = bytearray()
    at = 0
    for match in _ESCAPE_RE.finditer(body):
        out += body[at : match.start()].encode("utf-8", "surrogatepass")
        octal, hexa, letter, bad = match.groups()
        if octal is not None:
            out.append(int(octal, 8) & 0xFF)
        elif hexa is not None:
            out.append(int(hexa, 16) & 0xFF)
        elif letter is not None:
            out += _C_ESCAPES[letter].encode()
        else:
            return b"", (match.start(), match.group(0))
        at = match.end()
    out += body[at:].encode("utf-8", "surrogatepass")
    return bytes(out), None


class _Reader:
    """gettext's PO grammar as a state machine over tokens; a broken entry is skipped whole."""

    def __init__(self) -> None:
        self.messages: list[PoMessage] = []
        self.problems: list[Problem] = []
        self.first: dict[tuple[str | None, str], int] = {}
        self._reset()

    def _reset(self) -> None:
        self.state = "start"  # start, previous, msgctxt, msgid, msgid_plural, msgstr, skip
        self.comments: list[_Token] = []
        self.previous: dict[str, list[_Token]] = {}
        self.fields: dict[str, list[_Token]] = {}
        self.strings: list[list[_Token]] = []
        self.string_lines: list[int] = []
        self.current: list[_Token] = []
        self.obsolete = False
        self.line = 0
        self.begun = 0

    def fail(self, token: _Token, message: str) -> None:
        self.problems.append((token.line, token.col, "i18n.syntax", f"the catalog does not parse here: {message}"))
        self._reset()
        self.state = "skip"

    def feed(self, token: _Token) -> None:
        if self.state == "skip":
            starts = token.kind == "comment" or (token.kind == "keyword" and token.value in ("msgctxt", "msgid"))
            if not starts:
                return
            self._reset()
        if token.kind == "comment":
            self.comment(token)
        elif token.kind == "keyword":
            self.keyword(token)
        elif token.kind == "string":
            self.string(token)
        elif token.kind == "unclosed":
            self.fail(token, "the quoted string is not closed, or holds an unescaped '\"'")
        elif token.kind == "escape":
            self.fail(token, f"'{token.value}' is not an escape (they are \\n \\t \\\" \\\\, \\ooo and \\xhh)")
        else:
            if token.first and self.state == "msgstr":
                self.finish()  # a stray line after a whole entry leaves the entry whole
            self.fail(token, f"'{_brief(token.value)}' is neither a keyword line (msgid, msgstr…) nor a quoted string")

    def comment(self, token: _Token) -> None:
        if self.state == "msgstr":
            self.finish()
        elif self.state in ("msgid", "msgid_plural", "msgctxt"):
            self.missing_msgstr()
        elif self.state == "previous":
            return self.fail(token, "a comment between the previous English (#|) and its msgid; move it above")
        if not self.comments:
            self.begun = token.line
        self.comments.append(token)

    def keyword(self, token: _Token) -> None:
        word = token.value
        if word in ("msgctxt", "msgid") or token.previous:
            if self.state == "msgstr":
                self.finish()
            elif self.state in ("msgid", "msgid_plural"):
                self.missing_msgstr()
        if self.state == "start" and not self.comments:
            self.begun = token.line
        if self.state != "start" and token.obsolete != self.obsolete:
            return self.fail(token, "some lines of this entry start with #~ and some do not (inconsistent use of #~)")
        self.obsolete = token.obsolete
        if token.previous:
            return self.previous_keyword(token)
        if word.startswith("msgstr["):
            return self.plural_form(token, int(word[7:-1]))
        allowed = {
            "msgctxt": ("start", "previous"),
            "msgid": ("start", "previous", "msgctxt"),
            "msgid_plural": ("msgid",),
            "msgstr": ("msgid",),
        }
        if self.state not in allowed[word]:
            if word == "msgstr" and self.state == "msgid_plural":
                return self.fail(token, "an entry with msgid_plural takes msgstr[0], msgstr[1]…, not msgstr")
            return self.fail(token, f"'{word}' is out of place (an entry is msgctxt, msgid, msgstr in this order)")
        if word == "msgid":
            self.line = token.line
        self.current = []
        if word == "msgstr":
            self.strings.append(self.current)
            self.string_lines.append(token.line)
        else:
            self.fields[word] = self.current
        self.state = word

    def plural_form(self, token: _Token, index: int) -> None:
        plural = self.state == "msgid_plural" or (self.state == "msgstr" and "msgid_plural" in self.fields)
        if not plural:
            return self.fail(token, f"'{token.value}' without a msgid_plural before it")
        if index != len(self.strings):
            return self.fail(token, f"'{token.value}' where msgstr[{len(self.strings)}] is due")
        self.current = []
        self.strings.append(self.current)
        self.string_lines.append(token.line)
        self.state = "msgstr"

    def previous_keyword(self, token: _Token) -> None:
        order = ("msgctxt", "msgid", "msgid_plural")
        if token.value not in order:
            return self.fail(token, f"'#| {token.value}': previous English is #| msgctxt, #| msgid or #| msgid_plural")
        if self.state not in ("start", "previous") or any(
            order.index(seen) >= order.index(token.value) for seen in self.previous
        ):
            return self.fail(token, f"'#| {token.value}' is out of place")
        self.current = []
        self.previous[token.value] = self.current
        self.state = "previous"

    def string(self, token: _Token) -> None:
        if self.state == "start":
            return self.fail(token, "a quoted string outside an entry")
        if token.previous != (self.state == "previous") or token.obsolete != self.obsolete:
            return self.fail(token, "this string continues a line with other #~ or #| marks than its own")
        self.current.append(token)

    def missing_msgstr(self) -> None:
        if self.state == "msgctxt" or self.state == "previous":
            message = f"this {'msgctxt' if self.state == 'msgctxt' else '#| previous English'} has no msgid after it"
        else:
            message = "this msgid has no msgstr after it"
        self.problems.append((self.line or self.begun, 1, "i18n.syntax", f"the catalog does not parse here: {message}"))
        self._reset()

    def end(self) -> None:
        if self.state == "msgstr":
            self.finish()
        elif self.state in ("msgid", "msgid_plural", "msgctxt", "previous"):
            self.missing_msgstr()

    def finish(self) -> None:
        fields = [*self.fields.items(), *(("#| " + k, v) for k, v in self.previous.items())]
        decoded = {name: self.text(pieces) for name, pieces in fields}
        forms = [self.text(pieces) for pieces in self.strings]
        texts = {name: text for name, text in decoded.items() if text is not None}
        strings = tuple(text for text in forms if text is not None)
        if len(texts) < len(decoded) or len(strings) < len(forms):
            return self._reset()  # the string's problem is recorded
        comments, extracted, flags, references = [], [], [], []
        for token in self.comments:
            kind, rest = token.value[1:2], token.value[2:]
            if kind == ",":
                flags += [flag.strip() for flag in rest.split(",") if flag.strip()]
            elif kind == ".":
                extracted.append(rest.strip())
            elif kind == ":":
                references += [_reference(m) for m in _REFERENCE_RE.finditer(rest)]
            else:
                comment = token.value[1:]
                comments.append(comment[1:] if comment.startswith(" ") else comment)
        message = PoMessage(
            context=texts.get("msgctxt"),
            msgid=texts.get("msgid", ""),
            plural=texts.get("msgid_plural"),
            strings=strings,
            line=self.line,
            obsolete=bool(self.obsolete),
            string_lines=tuple(self.string_lines),
            flags=tuple(dict.fromkeys(flags)),
            comments=tuple(comments),
            extracted=tuple(extracted),
            references=tuple(references),
            previous_context=texts.get("#| msgctxt"),
            previous_msgid=texts.get("#| msgid"),
            previous_plural=texts.get("#| msgid_plural"),
        )
        self._reset()
        first = self.first.get(message.key)
        if first is not None:
            what = f"msgctxt {message.context!r} and msgid" if message.context is not None else "msgid"
            self.problems.append(
                (
                    message.line,
                    1,
                    "i18n.duplicate",
                    f"the same {what} as the entry at line {first}, which is the one read:"
                    " keep one of them (msgfmt refuses the file)",
                )
            )
            return
        self.first[message.key] = message.line
        self.messages.append(message)

    def text(self, pieces: list[_Token]) -> str | None:
        """Return the text of a field's strings, or None (with a problem) if it is not UTF-8 or holds a NUL."""
        data = b"".join(piece.data for piece in pieces)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            problem = "its escapes make bytes that are not UTF-8"
        else:
            control = _CONTROL.search(text)
            if control is None:
                return text
            if control[0] == "\0":
                problem = "it holds a NUL (\\0), where gettext would cut it short"
            else:
                problem = f"it holds the control character U+{ord(control[0]):04X}, which gettext tools write unescaped"
        where = pieces[0] if pieces else _Token("other", "", self.line, 1, False, False)
        self.problems.append((where.line, where.col, "i18n.encoding", f"this string cannot be read: {problem}"))
        return None


def _reference(match: re.Match[str]) -> tuple[str, int | None]:
    """Return the file and line number (or None) of a `#:` reference."""
    if match[1] is not None:
        return match[1], int(match[2]) if match[2] else None
    name, colon, number = match[3].rpartition(":")
    return (name, int(number)) if colon and name and number.isdigit() else (match[3], None)


def _brief(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
