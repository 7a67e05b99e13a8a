"""Per-language typography of rendered prose and labels: what a publisher's copy editor does.

It works on prose that is already HTML-escaped and touches text only, never a tag or an
attribute. The rules: docs/architecture.md.
"""

from __future__ import annotations

import re
from typing import Callable

from markupsafe import Markup, escape

CALL_BEFORE_PUNCTUATION = frozenset({"es"})
"""Languages whose note calls go before a punctuation mark; the others put them after it."""

TITLES_IN_ITALICS_ALONE = frozenset({"es"})
"""Languages that set a work's title kept in the original's language in italics without quotation
marks (the RAE: a title of a work in italics, never in italics and quotes together)."""

_CITES = r"(?:\[@[a-z0-9]+(?:-[a-z0-9]+)*\]\s*)*\[@[a-z0-9]+(?:-[a-z0-9]+)*\]"
_CALL_AFTER_MARK = re.compile(rf"([.,;:])[ \t\n]*({_CITES})")
_CALL_BEFORE_MARK = re.compile(rf"\s*({_CITES})([.,;:!?])")
_ABBREVIATION_END = re.compile(r"(?:\b[A-ZÁÉÍÓÚÑ]{1,3}\.\s?){2,}$|\b(?:aprox|etc|núm|pág|Sr|Sra|Dr|Dra)\.$")
"""A text ending in an abbreviation ("EE. UU.", "aprox."): its period is the abbreviation's."""

_ENTITY_END = re.compile(r"&#?\w+;$")
_TAG = re.compile(r"(<[^>]*>)")
_QUOTED = re.compile(r"(?<![\w=])&#34;(?=\S)(.+?)(?<=\S)&#34;(?!\w)", re.S)
"""A pair of straight quotes around words: opening after a space or a bracket, closing before one."""
_APOSTROPHE = re.compile(r"(?<=\w)&#39;")
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
# Each kept short: these never break, so a pasted run of capitals or a 5,000-letter "hashtag"
# must stay breakable text (it would run off the page: a `pdf.overflow` error).
_UNBREAKABLE = re.compile(
    r"(?<![&\w])#[^\W\d_]\w{0,39}\b"  # a hashtag (not an escaped entity such as &#34;)
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"  # an e-mail address
    r"|\b[A-Z]{2,10}(?:-\d{1,4})?\b"  # an acronym, with its number: ICE, COVID-19
)
_FINAL_MARK = re.compile(r"([.,;:])((?:\s*</[a-z]+>)*)\s*$")
_FIRST_LETTER = re.compile(r"^((?:\s|<[^>]*>)*)([^\W\d_])")


def calls_before_punctuation(lang: str) -> bool:
    """Return True if this language puts a note call before the punctuation mark."""
    return lang.split("_")[0].split("-")[0] in CALL_BEFORE_PUNCTUATION


def place_inline_calls(text: str, lang: str) -> str:
    """Return prose with each run of `[@id]` moved to the side of its punctuation the language wants."""
    if calls_before_punctuation(lang):

        def before(match: re.Match[str]) -> str:
            head = text[: match.end(1)]
            if _ENTITY_END.search(head) or (match.group(1) == "." and _ABBREVIATION_END.search(head)):
                return match.group(0)  # the end of `&#34;`, or of "EE. UU.": not a punctuation mark
            return f"{match.group(2)}{match.group(1)}"

        return _CALL_AFTER_MARK.sub(before, text)

    def after(match: re.Match[str]) -> str:
        if match.group(2) == "." and text[: match.start()].endswith("."):
            return match.group(1)  # "the U.S. [@a]." has one period, the abbreviation's
        return f"{match.group(2)}{match.group(1)}"

    return _CALL_BEFORE_MARK.sub(after, text)


def around_call(text: Markup, lang: str) -> tuple[Markup, Markup]:
    """Return `text` cut where its note call goes: all of it and nothing, or, in a language that puts
    the call before a final punctuation mark, what comes before that mark and the mark (with the tags
    it closes)."""
    if not calls_before_punctuation(lang):
        return text, Markup("")
    end = _FINAL_MARK.search(text)
    if end is None or _ENTITY_END.search(text[: end.end(1)]):
        return text, Markup("")
    if end.group(1) == "." and _ABBREVIATION_END.search(_TAG.sub("", text[: end.end(1)])):
        return text, Markup("")
    return Markup(text[: end.start()]), Markup(end.group(1) + end.group(2))


_SENTENCE_END = re.compile(r"[.!?…][\"'’”»]*\s*$")


def ends_a_sentence(value: object) -> bool:
    """Return whether text ends as a sentence does ("Fighting Back.", "at Otay Mesa!", "“Why?”"):
    a period after it would be a second one."""
    text = value.striptags() if isinstance(value, Markup) else str(value)
    return bool(_SENTENCE_END.search(text))


def capfirst(value: object) -> Markup:
    """Return markup with its first letter, after any tags, in capitals ("Marzo de 2023")."""
    html = _markup(value)
    return Markup(_FIRST_LETTER.sub(lambda m: m.group(1) + m.group(2).upper(), html, count=1))


def typeset(html: str, original: str | None = None, original_lang: str | None = None, lang: str | None = None) -> str:
    """Return escaped prose with quotation marks, titles, apostrophes and unbreakable words marked up.

    `original` is the English the prose was translated from, if it was: a title quoted word for
    word from it is left in its own language and tagged `lang=original_lang`.

    Quoted words stay quoted: a title in Title Case is a `<cite>` inside the `<q>`, never instead
    of it. Title Case is a guess (a headline, a slogan or a sign is in Title Case too), and the
    writer's marks say the words are someone else's, word for word: a reader must still see them.
    Except in a translation into a language of `TITLES_IN_ITALICS_ALONE` (`lang`), for a title its
    English quoted and the translation keeps word for word: Title Case words of another language
    kept in the page's prose name a work, which that language sets in italics alone.
    """
    alone = lang is not None and lang.split("_")[0].split("-")[0] in TITLES_IN_ITALICS_ALONE

    def quoted(match: re.Match[str]) -> str:
        inner = match.group(1)
        if _is_title(inner):
            same = original is not None and f'"{Markup(inner).unescape()}"' in original
            if same and original_lang:
                cite = f'<cite lang="{escape(original_lang)}">{inner}</cite>'
                return cite if alone else f"<q>{cite}</q>"
            return f"<q><cite>{inner}</cite></q>"
        return f"<q>{inner}</q>"

    html = _QUOTED.sub(quoted, html)
    return _in_text(html, lambda text: _UNBREAKABLE.sub(_unbreakable, _APOSTROPHE.sub("’", text)))


def _unbreakable(match: re.Match[str]) -> str:
    kind = "address" if "@" in match.group(0) else "nohyphen"
    return f'<span class="{kind}">{match.group(0)}</span>'


def _is_title(inner: str) -> bool:
    """Return True for Title Case words: a title of a work, not a quoted word or phrase."""
    words = _WORD.findall(_TAG.sub("", inner))
    return len(words) >= 2 and words[0][0].isupper() and all(w[0].isupper() for w in words if len(w) >= 4)


def _in_text(html: str, change: Callable[[str], str]) -> str:
    """Apply `change` to the text between tags, never to a tag or its attributes."""
    return "".join(part if part.startswith("<") else change(part) for part in _TAG.split(html))


def _markup(value: object) -> Markup:
    return value if isinstance(value, Markup) else Markup(escape(value))
