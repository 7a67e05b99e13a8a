"""Translation catalogs: extract the template (.pot) and update each language's .po file.

Extraction is Babel's own: `extract_from_dir` driven by `i18n/babel.cfg`, with Jinja's extractor
for `layouts/` and `extract_yaml` (registered under the `babel.extractors` entry point as
`first_ten_yaml`) for the dossiers and report.yaml. So `pybabel extract -F i18n/babel.cfg`
produces the same messages as `python build.py extract`.

Updating is Babel's `Catalog.update` without its fuzzy matching, which could attach a
translation to a different field. Instead, a message whose English changed is matched by its
context, which names the field (`adelanto:timeline.2018-09-oig:text`): it keeps the old
translation, becomes fuzzy, and records the old English as `#| msgid`.
"""

from __future__ import annotations

import difflib
import io
import re
from pathlib import Path
from typing import IO, Any, Collection, Iterator, Mapping

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import normalize, read_po, write_po

from ..content.load import read_dossier, read_settings, read_sources
from ..content.model import Text
from ..findings import Finding, Loc, error
from ..project import MAPPING_FILE, REPORT_FILE, SOURCES_FILE, TEMPLATE_FILE, catalog_path, write_atomic
from .catalogs import is_prose, previous_msgid

PROJECT = "First Ten to Communities Not Cages"
COPYRIGHT = "Detention Watch Network"
# Lines that change without the messages changing: a file that differs only in them is not
# rewritten (a new Babel release alone would otherwise touch every catalog a translator has open).
_STAMP_RE = re.compile(rb'^"(?:POT-Creation-Date|Generated-By): .*\\n"\n', re.MULTILINE)
_REVISION_RE = re.compile(rb'^"PO-Revision-Date: .*\\n"\n', re.MULTILINE)


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
        raise ValueError(f"{first}\n(run: python build.py check)")
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


def template_catalog(root: Path, version: str, creation_date: Any = None) -> Catalog:
    """Return the message template for the project, extracted exactly as `pybabel extract` does."""
    with open(root / MAPPING_FILE, encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, MAPPING_FILE)
    catalog = Catalog(
        project=PROJECT,
        version=version,
        copyright_holder=COPYRIGHT,
        msgid_bugs_address=None,
        charset="utf-8",
        creation_date=creation_date,
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        catalog.add(message, None, [(Path(filename).as_posix(), lineno)], auto_comments=comments, context=context)
    return catalog


def pot_bytes(catalog: Catalog) -> bytes:
    """Return the catalog as a .pot file."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)
    return buffer.getvalue()


def write_if_changed(path: Path, data: bytes, ignore: re.Pattern[bytes] | None = None) -> bool:
    """Write `data` atomically unless the file already holds it (ignoring `ignore` lines); return True if written."""
    if path.is_file():
        old = path.read_bytes()
        if old == data or (ignore is not None and ignore.sub(b"", old) == ignore.sub(b"", data)):
            return False
    write_atomic(path, data)
    return True


def update_catalog(template: Catalog, catalog: Catalog) -> dict[str, int]:
    """Merge the template into a language catalog in place; return counts of what changed."""
    before = {(m.context, m.id): m for m in catalog if m.id}
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    stats = {"new": 0, "changed": 0, "obsolete": 0}
    obsolete_by_context: dict[str, Message] = {}
    for message in list(catalog.obsolete.values()):
        if is_prose(message.context):
            obsolete_by_context[message.context] = message
    for message in catalog:
        if not message.id:
            continue
        kept = before.get((message.context, message.id))
        if kept is not None:
            if message.fuzzy and kept.previous_id:  # Babel's update drops it: keep it for the translator
                message.previous_id = list(kept.previous_id)
            continue
        old = obsolete_by_context.get(message.context) if is_prose(message.context) else _close(catalog, message)
        if old is not None and old.string:
            message.string = old.string
            message.flags.add("fuzzy")
            message.previous_id = [old.id] if isinstance(old.id, str) else list(old.id)
            del catalog.obsolete[_obsolete_key(catalog, old)]
            stats["changed"] += 1
        else:
            stats["new"] += 1
    stats["obsolete"] = len(catalog.obsolete)
    return stats


def _close(catalog: Catalog, message: Message) -> Message | None:
    """Return an obsolete template string of the same context close to `message`, as gettext's msgmerge would."""
    candidates = {m.id: m for m in catalog.obsolete.values() if m.context == message.context and isinstance(m.id, str)}
    if not isinstance(message.id, str) or not candidates:
        return None
    match = difflib.get_close_matches(message.id, list(candidates), n=1, cutoff=0.75)
    return candidates[match[0]] if match else None


def _obsolete_key(catalog: Catalog, message: Message) -> Any:
    for key, value in catalog.obsolete.items():
        if value is message:
            return key
    raise KeyError(message.id)


def restore_previous(catalog: Catalog) -> None:
    """Turn the `#|` lines Babel read as translator comments back into previous msgids, in place.

    Without this, every `update` after the first would rewrite `#| msgid` as `# | msgid`, and PO
    editors would stop showing translators the English that changed.
    """
    for message in [*catalog, *catalog.obsolete.values()]:
        previous = previous_msgid(message.user_comments)
        if previous is not None:
            message.previous_id = [previous]
            message.user_comments = [c for c in message.user_comments if not c.startswith("|")]


def po_bytes(catalog: Catalog) -> bytes:
    """Return a language catalog as a .po file, with the previous English of fuzzy entries (`#|`).

    Babel's own `include_previous` passes the quoted previous msgid through its comment
    wrapper, which splits a long string across lines in the middle of its quotes. So the
    catalog is written without it, and each `#| msgid` block is added with Babel's `normalize`.
    """
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)
    blocks = buffer.getvalue().decode("utf-8").split("\n\n")
    active = [m for m in catalog if m.id]
    for index, message in enumerate(active, start=1):
        if not message.previous_id:
            continue
        lines = blocks[index].split("\n")
        first, *rest = normalize(message.previous_id[0], width=76).split("\n")
        at = next(i for i, line in enumerate(lines) if not line.startswith("#"))
        lines[at:at] = [f"#| msgid {first}", *(f"#| {line}" for line in rest)]
        blocks[index] = "\n".join(lines)
    return "\n\n".join(blocks).encode("utf-8")


def run_extract(root: Path, version: str) -> tuple[bool, list[Finding]]:
    """Write i18n/messages.pot if its messages changed; return (written, findings)."""
    try:
        catalog = template_catalog(root, version)
    except (ValueError, OSError) as exc:
        return False, [error("i18n.extract", Loc(MAPPING_FILE), str(exc).splitlines()[0])]
    written = write_if_changed(root / TEMPLATE_FILE, pot_bytes(catalog), _STAMP_RE)
    return written, []


def run_update(root: Path, languages: list[str]) -> list[tuple[str, dict[str, int], bool]]:
    """Merge the template into each language's catalog; return (lang, counts, written) per language."""
    with open(root / TEMPLATE_FILE, "rb") as handle:
        template = read_po(handle)
    results = []
    for lang in languages:
        path = root / catalog_path(lang)
        if path.is_file() and path.read_bytes().strip():
            with open(path, "rb") as handle:
                catalog = read_po(handle, locale=lang)
            restore_previous(catalog)
        else:
            catalog = Catalog(
                locale=lang,
                project=template.project,
                version=template.version,
                copyright_holder=COPYRIGHT,
                charset="utf-8",
            )
        counts = update_catalog(template, catalog)
        written = write_if_changed(
            path, po_bytes(catalog), re.compile(_STAMP_RE.pattern + b"|" + _REVISION_RE.pattern, re.MULTILINE)
        )
        results.append((lang, counts, written))
    return results
