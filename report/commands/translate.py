"""The translator's verbs: `extract` writes i18n/messages.pot, `update` merges it into each catalog."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..content.load import load_edition
from ..content.textfile import read_input
from ..errors import UsageError
from ..content.model import Edition
from ..findings import Finding, count, has_errors, ordered
from ..i18n.catalogs import EMPTY, read_catalog
from ..i18n.coverage import CATCH_UP, REFUSES, problem_findings, template_lag, used_messages
from ..i18n.extract import SavedMeanwhile, run_extract, run_update
from ..i18n.localize import Localizer
from ..project import CACHE_DIR, MAPPING_FILE, TEMPLATE_FILE, catalog_path
from ..render.html import template_findings
from .gather import chosen_languages


@dataclass(frozen=True)
class Translated:
    """What `extract` or `update` did: a line per file written or left, or the findings that stopped it."""

    findings: tuple[Finding, ...] = ()
    lines: tuple[str, ...] = ()
    refused: str = ""
    """Why nothing was written, when findings stopped it."""
    kept: tuple[str, ...] = ()
    """The files left as they were saved while the verb ran, unwritten (`SavedMeanwhile`): run it again."""


_REFUSED = "fix these errors first: no catalog was written"


def extract(root: Path) -> Translated:
    """Write i18n/messages.pot from the templates and the content, if its messages changed.

    It refuses while a dossier or a template has an error: Babel's extraction would leave out
    the strings of a template Jinja cannot parse, and `update` would then make them obsolete.
    It refuses too while babel.cfg or the template is a file `project.read` does not read (a
    link out of the project, a FIFO, a file past its size limit), and while babel.cfg has an
    error (`catalogs.parse_mapping`: a method Babel would import, a pattern that reaches out).
    """
    edition, findings = load_edition(root)
    if edition is not None:
        source = edition.settings.source_language
        compiling = Localizer(source, source, None, edition.settings.locale(source))  # compiling does not translate
        findings += template_findings(root, compiling, root / CACHE_DIR)
    mapping, mapping_refused = read_input(root, MAPPING_FILE, "mapping")
    template, template_refused = read_input(root, TEMPLATE_FILE, "catalog")
    findings += [refused for refused in (mapping_refused, template_refused) if refused is not None]
    if has_errors(findings):
        return Translated(tuple(ordered(findings)), refused=_REFUSED)
    try:
        written, problems = run_extract(root, __version__, mapping, template)
    except SavedMeanwhile as saved:
        return Translated(lines=(_kept(saved.rel, "extract"),), kept=(saved.rel,))
    if problems:
        return Translated(tuple(problems), refused=_REFUSED)
    return Translated(lines=(f"{TEMPLATE_FILE} " + ("written" if written else "unchanged"),))


def update(root: Path, languages: tuple[str, ...] = ()) -> Translated:
    """Merge the template into each language's catalog (every language but the source one by default)."""
    edition, findings = load_edition(root)
    if edition is None:
        return Translated(tuple(ordered(findings)))
    wanted = list(chosen_languages(edition.settings, languages, catalogs=True))  # never a path: i18n/<lang>/...
    if not (root / TEMPLATE_FILE).exists():  # a FIFO or a link out exists: `catalog_problems` refuses it
        raise UsageError(f"{TEMPLATE_FILE} not found: run './build.py extract' first")
    unreadable = catalog_problems(root, wanted)
    if unreadable:
        return Translated(tuple(unreadable), refused="fix these errors first: no catalog was changed")
    lines, kept = [], []
    for lang, counts, written in run_update(root, wanted):
        if written is None:
            kept.append(catalog_path(lang))
            lines.append(_kept(catalog_path(lang), "update"))
            continue
        state = "written" if written else "unchanged"
        lines.append(
            f"{catalog_path(lang)} {state}: {counts['new']} new, {counts['changed']} changed (now fuzzy), "
            + (f"{counts['carried']} carried over from another context (now fuzzy), " if counts["carried"] else "")
            + f"{counts['obsolete']} obsolete"
            + (f", {counts['restored']} restored" if counts["restored"] else "")
        )
    behind = template_behind(root, edition, has_errors(findings))
    return Translated(lines=(*lines, *([behind] if behind else [])), kept=tuple(kept))


def _kept(rel: str, verb: str) -> str:
    """Return the line for a file saved while `verb` ran, which it left as saved."""
    return f"{rel} not written: it was saved while {verb} ran, and that save is kept; run ./build.py {verb} again"


def template_behind(root: Path, edition: Edition, extract_refuses: bool) -> str:
    """Return the line saying that i18n/messages.pot lags the content and templates, as `check`
    finds it (`coverage.template_lag`): `update` merged it as it is, so what a writer changed
    since the last `extract` is not in the catalogs yet. Empty when the .pot is up to date."""
    cache_dir = root / CACHE_DIR
    template = read_catalog(root, TEMPLATE_FILE, None, cache_dir)
    if template is None or template.unreadable:
        return ""
    used, read, _left_out, _as_of_extract = used_messages(root, edition, cache_dir, template)
    added, removed = template_lag(root, edition, template, used, read)
    parts = [f"{count(sum(map(len, added.values())), 'string')} new or changed"] * bool(added)
    parts += [f"{sum(removed.values())} removed"] * bool(removed)
    if not parts:
        return ""
    if not extract_refuses:  # a template `extract` cannot read keeps it from running too
        source = edition.settings.source_language
        compiling = Localizer(source, source, None, edition.settings.locale(source))
        extract_refuses = has_errors(template_findings(root, compiling, cache_dir))
    run = REFUSES if extract_refuses else "run"
    return (
        f"{TEMPLATE_FILE} is behind the content and templates ({', '.join(parts)}),"
        f" so this update did not bring those changes into the catalogs; {run}: {CATCH_UP}"
    )


def catalog_problems(root: Path, languages: list[str]) -> list[Finding]:
    """Return what keeps the template or a catalog from being read whole (an empty catalog is fine)."""
    found = []
    for rel, lang in [(TEMPLATE_FILE, None), *((catalog_path(lang), lang) for lang in languages)]:
        parsed = read_catalog(root, rel, lang)
        if parsed is not None and parsed.problems != (EMPTY,):
            found += problem_findings(parsed)
    return found
