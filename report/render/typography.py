"""Per-language typography of rendered prose and labels: what a publisher's copy editor does.

The dossiers and catalogs are plain text with `[@id]` citations; writers and translators never
type markup. At render time, on prose that is already HTML-escaped, hashtags and acronyms
(`nohyphen`) and e-mail addresses (`address`) are wrapped, so the stylesheet never hyphenates
them: the first never break, an address breaks without a hyphen only if it cannot fit on a line.

Everything here works on escaped markup and touches text only, never a tag or an attribute.
"""

from __future__ import annotations

import re
from typing import Callable

_TAG = re.compile(r"(<[^>]*>)")
_UNBREAKABLE = re.compile(
    r"(?<![&\w])#[^\W\d_]\w*"  # a hashtag (not an escaped entity such as &#34;)
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"  # an e-mail address
    r"|\b[A-Z]{2,}(?:-\d+)?\b"  # an acronym, with its number: ICE, COVID-19
)


def typeset(html: str) -> str:
    """Return escaped prose with its unbreakable words marked up."""
    return _in_text(html, lambda text: _UNBREAKABLE.sub(_unbreakable, text))


def _unbreakable(match: re.Match[str]) -> str:
    kind = "address" if "@" in match.group(0) else "nohyphen"
    return f'<span class="{kind}">{match.group(0)}</span>'


def _in_text(html: str, change: Callable[[str], str]) -> str:
    """Apply `change` to the text between tags, never to a tag or its attributes."""
    return "".join(part if part.startswith("<") else change(part) for part in _TAG.split(html))
