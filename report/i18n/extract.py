"""Translation catalogs: extract the template (.pot) and update each language's .po file.

Extraction is Babel's own, updating is Babel's `Catalog.update` without its fuzzy matching,
writing is GNU gettext's `msgcat`: docs/architecture.md says how.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path
from typing import IO, Any, Collection, Iterable, Iterator, Mapping

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.util import TextWrapper

from .. import project
from ..content.load import read_dossier, read_settings, read_sources
from ..content.model import Text
from ..content.textfile import MAX_BYTES
from ..errors import UsageError
from ..findings import Finding, Loc, error
from ..project import MAPPING_FILE, REPORT_FILE, SOURCES_FILE, TEMPLATE_FILE, catalog_path, write_atomic
from .catalogs import close_entry, field_entry, is_prose, kept_as_obsolete, parse_mapping, rename_rank, restores
from .pofile import read_po

PROJECT = "First Ten to Communities Not Cages"
COPYRIGHT = "Detention Watch Network"
# Lines that change without the messages changing: a file that differs only in them is not
# rewritten (a new Babel release alone would otherwise touch every catalog a translator has open).
_STAMP_RE = re.compile(rb'^"(?:POT-Creation-Date|Generated-By): .*\\n"\n', re.MULTILINE)
_REVISION_RE = re.compile(rb'^"PO-Revision-Date: .*\\n"\n', re.MULTILINE)
# The header fields GNU gettext knows, in the order msgmerge writes them; any other field follows.
GETTEXT_HEADER_ORDER = (
    "project-id-version",
    "report-msgid-bugs-to",
    "pot-creation-date",
    "po-revision-date",
    "last-translator",
    "language-team",
    "language",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "plural-forms",
)
# Strings are written on one line and msgcat wraps them. Comments are wrapped before writing,
# as `pybabel extract` wraps them: their lines are then kept as they are by every gettext tool.
_COMMENTS = TextWrapper(width=76, break_long_words=False)
_HEADER_COMMENT = TextWrapper(width=76, subsequent_indent="# ", break_long_words=False)
NO_GETTEXT = "extract and update write catalogs with GNU gettext's msgcat, which is not installed (run: make system)"


class GettextCatalog(Catalog):
    """Babel's catalog with the header msgmerge would write.

    A field read from the file keeps its value, but for the template's creation date and
    `charset=UTF-8`, so the fields Babel has no attribute for (`X-Generator` from Poedit or
    Weblate...) survive an update; a field the file lacks is Babel's. GNU gettext's fields come in
    msgmerge's order, any other after them in the order they were read.
    """

    _read: tuple[tuple[str, str], ...] = ()

    def _get_mime_headers(self) -> list[tuple[str, str]]:
        babel = {name.lower(): (name, value.rstrip("\n")) for name, value in super()._get_mime_headers()}
        fields = {name.lower(): (name, value) for name, value in self._read}
        for key, field in babel.items():
            if key not in fields or key == "pot-creation-date":
                fields[key] = field
        fields["content-type"] = ("Content-Type", "text/plain; charset=UTF-8")
        rank = {key: index for index, key in enumerate(GETTEXT_HEADER_ORDER)}
        ordered = [fields[key] for key in sorted(fields, key=lambda key: rank.get(key, len(rank)))]
        name, value = ordered[-1]
        return [*ordered[:-1], (name, value + "\n")]  # Babel joins the fields with newlines: the last ends the header

    def _set_mime_headers(self, headers: Iterable[tuple[str, str]]) -> None:
        self._read = tuple(headers)
        super()._set_mime_headers(self._read)


def extract_yaml(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Yield the translatable prose of a dossier, of report.yaml or of the sources, for Babel.

    Each message is `pgettext(context, text)` with a translator comment saying what the field
    is. Names, URLs, ids and the titles sources give themselves are never extracted; the titles
    the editors wrote (`title_status: descriptive`) are. A file with errors raises, so a
    catalog is never built from half a dossier.
    """
    name = Path(getattr(fileobj, "name", "")).as_posix()
    rel = _relative(name)
    raw = fileobj.read()
    texts: list[Text] | None = None
    if rel == SOURCES_FILE:
        sources, findings = read_sources(raw, rel)
        if sources is not None:
            texts = [text for source in sources.sources.values() for text in source.texts()]
    else:
        record, findings = (read_settings if rel == REPORT_FILE else read_dossier)(raw, rel)
        if record is not None:
            texts = list(record.texts())
    problems = [f for f in findings if f.level == "error"]
    if texts is None or problems:
        first = problems[0] if problems else f"{rel}: could not be read"
        raise ValueError(f"{first}\n(run: ./build.py check)")
    for text in texts:
        yield text.loc.line, "pgettext", (text.context, text.value), [text.comment]


def _relative(name: str) -> str:
    """Return the project-relative path Babel's extractor was given (it may be absolute)."""
    parts = name.split("/")
    if REPORT_FILE in parts[-1:] and "facilities" not in parts:
        return REPORT_FILE
    if "facilities" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("facilities") :])
    return name


def template_catalog(root: Path, version: str, creation_date: Any = None, mapping: bytes | None = None) -> Catalog:
    """Return the message template for the project, extracted exactly as `pybabel extract` does.

    `mapping` is babel.cfg's bytes as the caller read them; without it they are read here, by `project.read`.
    Babel is handed only a mapping `parse_mapping` finds no fault in (ValueError otherwise): it
    imports the methods it names, and walks the folders.
    """
    if mapping is None:
        mapping = project.read(root, MAPPING_FILE, MAX_BYTES["mapping"])
    parsed, problems = parse_mapping(root, mapping)
    if parsed is None or problems:
        raise ValueError(f"{problems[0].loc}: {problems[0].message}")
    method_map, options_map = parsed
    catalog = GettextCatalog(
        project=PROJECT,
        version=version,
        copyright_holder=COPYRIGHT,
        msgid_bugs_address=None,
        charset="utf-8",
        creation_date=creation_date,
    )
    _wrap_header_comment(catalog)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        wrapped = [line for comment in comments for line in _COMMENTS.wrap(comment)]
        catalog.add(message, None, [(Path(filename).as_posix(), lineno)], auto_comments=wrapped, context=context)
    drop_prose_format_flags(catalog)
    return catalog


FORMAT_FLAGS = frozenset({"python-format", "python-brace-format"})
"""The flags Babel's Message gives any English that looks like a format string (`25% of`, `{x}`)."""


def drop_prose_format_flags(catalog: Catalog) -> None:
    """Take the format flags off every prose entry, current or obsolete (a stale one too).

    Babel flags any English matching its PYTHON_FORMAT (`25% of those held` reads as `% o`), and
    msgfmt -c, Poedit and Weblate then refuse a correct translation without the `%`. Prose is
    never %-formatted: the build prints `%(name)s` in it as written. Template strings keep the flag
    as Babel sets it, since Jinja's newstyle gettext %-formats them.
    """
    for message in [*catalog, *catalog.obsolete.values()]:
        if is_prose(message.context):
            message.flags -= FORMAT_FLAGS


def _wrap_header_comment(catalog: Catalog) -> None:
    """Wrap Babel's default header comment as `pybabel` does (a file's own comment is kept as read)."""
    lines = catalog.header_comment.splitlines()
    catalog.header_comment = "\n".join(part for line in lines for part in _HEADER_COMMENT.wrap(line))


def catalog_bytes(catalog: Catalog) -> bytes:
    """Return the catalog as GNU gettext writes it: every entry with its comments as they were
    read (blank and repeated lines too), flags and previous context and English (`#|`, and `#~|`
    for an obsolete entry, as `msgmerge --previous` writes them); an obsolete entry without its
    `#.` and `#:` lines, as msgmerge writes it.

    The entries are written unwrapped, one string per field, and msgcat formats them; Babel's
    `write_po` drops the flags and previous English of obsolete entries and blank comment lines.
    """
    parts = [catalog.header_comment + "\n"]
    parts += [_entry_text(message, catalog.num_plurals, "") for message in catalog]  # the header first
    parts += [_entry_text(message, catalog.num_plurals, "#~ ") for message in catalog.obsolete.values()]
    return gettext_format("".join(parts).encode("utf-8"))


def _entry_text(message: Message, num_plurals: int, mark: str) -> str:
    """Return one entry of a PO file, unwrapped; `mark` is `#~ ` for an obsolete entry."""
    lines = [f"# {comment}".rstrip() if comment else "#" for comment in message.user_comments]
    # msgmerge drops an obsolete entry's extracted comments and references: the lines they
    # name now belong to other entries, and the template will give them back if it returns.
    lines += [f"#. {comment}" for comment in message.auto_comments if not mark]
    references = sorted(message.locations if not mark else (), key=lambda location: (location[0], location[1] or -1))
    places = [_place(name) + (f":{line}" if line else "") for name, line in references]
    if places:
        lines.append("#: " + " ".join(dict.fromkeys(places)))
    if message.flags:
        lines.append("#, " + ", ".join(sorted(message.flags)))
    previous = "#~| " if mark else "#| "
    if message.previous_id and previous_context(message) is not None:
        lines.append(f"{previous}msgctxt {_quoted(previous_context(message) or '')}")
    for keyword, text in zip(("msgid", "msgid_plural"), message.previous_id, strict=False):
        lines.append(f"{previous}{keyword} {_quoted(text)}")
    if message.context is not None:
        lines.append(f"{mark}msgctxt {_quoted(message.context)}")
    if isinstance(message.id, str):
        lines.append(f"{mark}msgid {_quoted(message.id)}")
        lines.append(f"{mark}msgstr {_quoted(message.string if isinstance(message.string, str) else '')}")
    else:
        lines.append(f"{mark}msgid {_quoted(message.id[0])}")
        lines.append(f"{mark}msgid_plural {_quoted(message.id[1])}")
        # The forms the entry has, as msgmerge keeps them (`check` reports a count other than nplurals).
        forms = list(message.string) if isinstance(message.string, (list, tuple)) else [""] * num_plurals
        for index, form in enumerate(forms):
            lines.append(f"{mark}msgstr[{index}] {_quoted(form or '')}")
    return "\n".join(lines) + "\n\n"


_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\v": "\\v",
}
_ESCAPED = re.compile('[\\\\"\n\t\r\a\b\f\v]')


def _quoted(text: str) -> str:
    """Return text as a PO string (the reader refuses other control characters: msgcat writes them raw)."""
    return '"' + _ESCAPED.sub(lambda m: _ESCAPES[m[0]], text) + '"'


def _place(name: str) -> str:
    """Return a reference's file name as gettext writes it: in U+2068 … U+2069 if it has spaces."""
    name = name.replace("\\", "/")
    return f"\u2068{name}\u2069" if " " in name or "\t" in name else name


def gettext_format(data: bytes) -> bytes:
    """Return a PO file as msgcat writes it; raise ValueError if msgcat refuses it."""
    msgcat = shutil.which("msgcat")
    if msgcat is None:
        raise UsageError(NO_GETTEXT)
    result = subprocess.run(
        [msgcat, "--force-po", "-"], input=data, capture_output=True, env={"LC_ALL": "C"}, check=False
    )
    if result.returncode != 0:
        raise ValueError(result.stderr.decode("utf-8", "replace").strip().splitlines()[0])
    return result.stdout


class SavedMeanwhile(Exception):
    """The file was saved (by a translator, an editor, another command) after it was read: it is
    left as saved, since writing would lose that save."""

    def __init__(self, rel: str) -> None:
        super().__init__(rel)
        self.rel = rel


def write_if_changed(root: Path, rel: str, data: bytes, ignore: re.Pattern[bytes], old: bytes | None) -> bool:
    """Write `data` atomically unless the file already says the same; return True if written.

    `old` is the file's bytes as `project.read` gave them (None: there is no such file). The same
    means: the same bytes, or the same catalog formatted by another tool (a file saved
    unwrapped, by Poedit or Weblate...), apart from the `ignore` lines. Raises `SavedMeanwhile`,
    writing nothing, if the file no longer holds `old`: `data` was made from `old`.
    """
    path = root / rel
    if old is not None:
        if old == data:
            return False
        try:
            if ignore.sub(b"", gettext_format(old)) == ignore.sub(b"", data):
                return False
        except ValueError:
            pass  # not a catalog msgcat can read: it is replaced
    if project.current_digest(root, rel) != (project.ABSENT if old is None else hashlib.sha256(old).hexdigest()):
        raise SavedMeanwhile(rel)  # as late as can be: the merge and msgcat take a while
    write_atomic(path, data)
    return True


def update_catalog(template: Catalog, catalog: Catalog) -> dict[str, int]:
    """Merge the template into a language catalog in place, as `msgmerge --previous` merges;
    return counts of what this merge changed.

    - An entry whose English is gone stays, obsolete (`#~`), if it was translated; an untranslated
      one is dropped, as msgmerge drops it. "obsolete" counts the entries this merge made obsolete.
      The obsolete entries, those that were and those that become so, keep the catalog's order,
      as msgmerge writes them.
    - A new entry whose English is that of a translated entry under another context (an id or a
      file renamed, a sentence moved) takes that translation, fuzzy, with the context and English
      it was made from as its previous ones (`#| msgctxt`, `#| msgid`), as msgmerge's fuzzy
      matching does for an exact match ("carried"). Of several with that English, one no other
      new entry took (two fields with the same English renamed together keep both translations),
      then one whose context this merge removes (the field renamed, not another facility's field
      that says the same), then the nearest context (`catalogs.rename_rank`), then the first in
      the catalog's order is taken; an obsolete one taken is no longer kept.
    - An English string that changed takes the translation of its old entry (the same context, or
      a close template string), fuzzy, with the English that translation was made from as its
      previous English (`#|`): the old entry's own previous English if it was fuzzy already, so
      that a second edit before the translator's review does not hide the first.
    - An obsolete entry whose English comes back as it was is restored as it was, and a fuzzy one
      whose English and context are back to what its translation was made from is translated
      again ("restored").

    Babel's own fuzzy matching is not used: it takes the translation of any close string of any
    field, and never of an obsolete entry, where msgmerge takes both.
    """
    before = {(m.context, m.id): m for m in catalog if m.id}
    # msgmerge matches an entry by its context and msgid alone: one whose msgid_plural changed (or
    # that gained or lost a plural) keeps its translation, fuzzy, with its previous English.
    by_msgid = {(m.context, _ids(m)[0]): m for m in before.values()}
    was_obsolete = {id(m) for m in catalog.obsolete.values()}
    by_english: dict[tuple[str, ...], list[Message]] = {}
    for message in [*before.values(), *catalog.obsolete.values()]:
        if _translated(message):
            by_english.setdefault(tuple(_ids(message)), []).append(message)
    taken: set[int] = set()
    # The entries this merge makes obsolete: a renamed field's own, the likeliest source of its translation.
    wanted = {(m.context, m.id) for m in template if m.id}
    gone = {id(m) for key, m in before.items() if key not in wanted}
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    stats = {"new": 0, "changed": 0, "carried": 0, "obsolete": 0, "restored": 0}
    leaving = list(catalog.obsolete.values())  # those the catalog had, then those this merge made obsolete
    for message in catalog:
        if not message.id:
            continue
        kept = before.get((message.context, message.id))
        if kept is not None:
            # Babel's update cuts a plural entry with other forms than the header's nplurals and
            # makes it fuzzy; msgmerge keeps it as it was, and `check` reports it (i18n.plural).
            message.string = kept.string
            if not kept.fuzzy:
                message.flags.discard("fuzzy")
            if message.fuzzy and kept.previous_id:  # Babel's update drops it: keep it for the translator
                message.previous_id = list(kept.previous_id)
                set_previous_context(message, previous_context(kept))
            continue
        old = _same(catalog, message)
        if old is not None:  # back as it was: so is its translation, fuzzy or not
            message.string, message.flags = old.string, message.flags | old.flags
            message.previous_id, message.user_comments = list(old.previous_id), list(old.user_comments)
            set_previous_context(message, previous_context(old))
            _drop_obsolete(catalog, old)
            stats["restored"] += 1
            continue
        same_english = by_english.get(tuple(_ids(message)), [])
        reshaped = by_msgid.get((message.context, _ids(message)[0]))
        if reshaped is not None and _translated(reshaped):
            old, kind = reshaped, "changed"
        elif same_english:
            old = min(
                same_english,
                key=lambda m: (id(m) in taken, *rename_rank(message.context, m.context, id(m) in gone)),
            )
            kind = "carried"
        elif is_prose(message.context):
            old, kind = field_entry(leaving, message.context, _translated), "changed"
        else:
            old = close_entry(catalog.obsolete.values(), message.context, _ids(message), _ids, _translated)
            kind = "changed"
        if old is None or not _translated(old):
            if not isinstance(message.id, str):  # as msgmerge writes a new plural entry
                message.string = ("",) * catalog.num_plurals
            stats["new"] += 1
            continue
        taken.add(id(old))
        made_from = _made_from(old)
        message.string = _forms(old.string, message.id, catalog.num_plurals)
        message.flags = (message.flags | old.flags) - {"fuzzy"}  # Babel's merge makes a reshaped entry fuzzy
        message.previous_id = []
        message.user_comments = list(old.user_comments)
        _drop_obsolete(catalog, old)
        same_shape = isinstance(old.id, str) == isinstance(message.id, str)  # a reshaped translation is to check
        if same_shape and restores(made_from, message.context, _ids(message)):  # an edit or a rename undone
            stats["restored"] += 1
        else:
            message.flags.add("fuzzy")
            message.previous_id = made_from[1]
            set_previous_context(message, made_from[0] if made_from[0] != message.context else None)
            stats[kind] += 1
    for key, message in list(catalog.obsolete.items()):
        if not _translated(message):
            del catalog.obsolete[key]
        elif id(message) not in was_obsolete:
            stats["obsolete"] += 1
    # Babel keeps the entries that were obsolete first and adds the new ones after them; msgmerge
    # writes them all in the order the catalog had them.
    in_order = sorted(catalog.obsolete.items(), key=lambda item: (item[1].lineno is None, item[1].lineno or 0))
    catalog.obsolete.clear()
    catalog.obsolete.update(in_order)
    drop_prose_format_flags(catalog)
    return stats


def previous_context(message: Message) -> str | None:
    """Return the context a fuzzy entry's translation was made under (`#| msgctxt`), if it was read or set."""
    context = getattr(message, "previous_context", None)  # Babel's Message has no field for it
    return context if isinstance(context, str) else None


def set_previous_context(message: Message, context: str | None) -> None:
    """Record the context a fuzzy entry's translation was made under, written as `#| msgctxt`."""
    message.previous_context = context  # type: ignore[attr-defined]


def _made_from(message: Message) -> tuple[str | None, list[str]]:
    """Return the context and English a translated entry's translation was made from."""
    if message.fuzzy and message.previous_id:
        return previous_context(message) or message.context, list(message.previous_id)
    return message.context, _ids(message)


def _drop_obsolete(catalog: Catalog, message: Message) -> None:
    """Remove an obsolete entry whose translation a new entry took (a current one stays where it is)."""
    for key, value in list(catalog.obsolete.items()):
        if value is message:
            del catalog.obsolete[key]


def _ids(message: Message) -> list[str]:
    """Return a message's English as Babel keeps a previous English: [msgid], or [msgid, msgid_plural]."""
    return [message.id] if isinstance(message.id, str) else list(message.id)


def _forms(string: Any, msgid: Any, num_plurals: int) -> Any:
    """Return a translation in the shape of `msgid`'s entry, as msgmerge gives it: a singular one
    in every form of a plural entry, the first form of a plural one to a singular entry."""
    plural = not isinstance(msgid, str)
    if plural and isinstance(string, str):
        return (string,) * num_plurals
    if not plural and isinstance(string, (list, tuple)):
        return string[0] if string else ""
    return string


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return any(strings)


def _same(catalog: Catalog, message: Message) -> Message | None:
    """Return the obsolete entry with this message's context and English, if there is one."""
    return kept_as_obsolete(catalog.obsolete.values(), message.context, _ids(message), _ids)


def babel_catalog(text: str, lang: str | None) -> GettextCatalog:
    """Return a .po or .pot file as a Babel catalog for `update` and writing, read as msgfmt
    reads it (`pofile.read_po`): with the previous context and English of fuzzy and obsolete entries, and
    translator comments as written, repeated and blank lines included."""
    catalog = GettextCatalog(locale=lang)
    for read in read_po(text).messages:
        msgid = read.msgid if read.plural is None else (read.msgid, read.plural)
        previous = [text for text in (read.previous_msgid, read.previous_plural) if text is not None]
        message = Message(
            msgid,
            read.strings[0] if read.plural is None else read.strings,
            list(read.references),  # type: ignore[arg-type]  # Babel's own reader gives None for no line
            list(read.flags),
            list(read.extracted),
            previous_id=previous,
            lineno=read.line,
            context=read.context,
        )
        message.user_comments = list(read.comments)  # Message() drops a line equal to an earlier one
        set_previous_context(message, read.previous_context)
        if read.obsolete:
            catalog.obsolete[read.msgid if read.context is None else (read.msgid, read.context)] = message
        else:
            catalog[msgid] = message
    return catalog


def run_extract(root: Path, version: str, mapping: bytes | None, old: bytes | None) -> tuple[bool, list[Finding]]:
    """Write i18n/messages.pot if its messages changed; return (written, findings).

    `mapping` and `old` are the bytes of babel.cfg and of the template, as `project.read` gave
    them (None: there is no such file).
    """
    if mapping is None:
        return False, [error("i18n.extract", Loc(MAPPING_FILE), "file not found")]
    problems = parse_mapping(root, mapping)[1]
    if problems:  # as `check` says them
        return False, problems
    try:
        catalog = template_catalog(root, version, mapping=mapping)
    except (ValueError, OSError) as exc:
        return False, [error("i18n.extract", Loc(MAPPING_FILE), str(exc).splitlines()[0])]
    written = write_if_changed(root, TEMPLATE_FILE, catalog_bytes(catalog), _STAMP_RE, old)
    return written, []


def run_update(root: Path, languages: list[str]) -> list[tuple[str, dict[str, int], bool | None]]:
    """Merge the template into each language's catalog; return (lang, counts, written) per language,
    written None for a catalog saved while it was merged, left as saved (`SavedMeanwhile`).

    The template and the catalogs are read by `project.read`; the caller has seen that it reads
    them whole (`commands.translate.catalog_problems`).
    """
    template = babel_catalog(_read_catalog(root, TEMPLATE_FILE).decode("utf-8"), None)
    results = []
    for lang in languages:
        try:
            old: bytes | None = _read_catalog(root, catalog_path(lang))
        except FileNotFoundError:
            old = None
        if old is not None and old.strip():
            catalog = babel_catalog(old.decode("utf-8"), lang)
        else:
            catalog = GettextCatalog(
                locale=lang,
                project=template.project,
                version=template.version,
                copyright_holder=COPYRIGHT,
                charset="utf-8",
            )
            _wrap_header_comment(catalog)
        counts = update_catalog(template, catalog)
        try:
            written: bool | None = write_if_changed(
                root,
                catalog_path(lang),
                catalog_bytes(catalog),
                re.compile(_STAMP_RE.pattern + b"|" + _REVISION_RE.pattern, re.MULTILINE),
                old,
            )
        except SavedMeanwhile:
            written = None
        results.append((lang, counts, written))
    return results


def _read_catalog(root: Path, rel: str) -> bytes:
    """Return a catalog's bytes by the project's one reader (FileNotFoundError, or its refusal, if none)."""
    return project.read(root, rel, MAX_BYTES["catalog"])
