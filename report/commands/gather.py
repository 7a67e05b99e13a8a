"""The gather phase, once for every verb: load, validate, read the catalogs, count coverage.

`gather` returns one frozen `Gathered` with the policy (--strict, --release) already applied:
`check` prints it, `build` emits only when it holds no error. Everything it reads from the
project is recorded (`project.recording`), for the build's no-op stamp.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from .. import project
from ..errors import UsageError
from ..findings import Finding, Loc, Policy, error, has_errors
from ..content.links import check_links
from ..content.load import load_edition, unloaded_settings
from ..content.model import Edition, ReportSettings
from ..content.places import locate_facilities
from ..content.validate import check_edition
from ..i18n.coverage import LanguageCoverage, check_translations
from ..i18n.localize import Localizer, read_localizer
from ..pdf.glyphs import glyph_findings
from ..pdf.paginate import stylesheet_findings
from ..render.html import template_findings
from ..sandbox import asset_findings


@dataclass(frozen=True)
class GatherOptions:
    """What the gather phase is asked: the date to judge "the future" by, languages, policy, links, stylesheets."""

    today: dt.date
    languages: tuple[str, ...] = ()  # empty: every language of report.yaml
    policy: Policy = Policy()
    online: bool = False
    load_stylesheets: bool = True
    """Load the stylesheets when the cache does not say what WeasyPrint logs about them. A build
    leaves that to its fork server, which loads them anyway; its chunks report the same findings."""


@dataclass(frozen=True)
class Gathered:
    """Everything a verb needs: the edition, its languages and localizers, coverage and findings."""

    edition: Edition | None
    findings: tuple[Finding, ...]
    """Ordered, with the policy applied."""
    languages: tuple[str, ...] = ()
    localizers: Mapping[str, Localizer] = field(default_factory=dict)
    coverage: Mapping[str, LanguageCoverage] = field(default_factory=dict)
    reads: Mapping[str, str] = field(default_factory=dict)
    """Every project file read (path -> sha256) and folder listed (path/ -> hash of its names). A
    dossier image's hash is of the bytes its checks read: the build publishes no others."""
    alone: tuple[str, ...] = ()
    """The content files whose errors kept them from loading, so that nothing was checked across
    them and the other files (a dossier's sources, review status, names and dates beside the
    others'): fixing those errors may bring more findings, and the summaries say so (`alone_note`)."""

    @property
    def ok(self) -> bool:
        """Return True if emitting may start: the edition loaded and no finding is an error."""
        return self.edition is not None and not has_errors(self.findings)


def gather(root: Path, options: GatherOptions) -> Gathered:
    """Load and validate the project, read the catalogs of the languages to build, apply the policy."""
    with project.recording() as reads:
        edition, findings = load_edition(root)
        findings += asset_findings(root)
        findings += stylesheet_findings(root, root / project.CACHE_DIR, options.load_stylesheets)
        if edition is None:
            blocked = unloaded_settings(root)
            return Gathered(None, tuple(options.policy.apply(findings)), reads=dict(reads), alone=blocked)
        loaded = {facility.path for facility in (*edition.facilities, *edition.unlisted)}
        errors = {f.loc.path for f in findings if f.level == "error" and project.is_dossier(f.loc.path)}
        alone = tuple(sorted(errors - loaded))
        # `extract` refuses while a file it reads has an error: advice to run it must say so.
        extract_refuses = has_errors(findings)
        findings += check_edition(edition, options.today, complete=not has_errors(findings))
        cache_dir = root / project.CACHE_DIR
        places, found = locate_facilities(root, edition.facilities + edition.unlisted, cache_dir)
        findings += found
        edition = dataclasses.replace(edition, places=places)
        languages = chosen_languages(edition.settings, options.languages)
        localizers = {}
        for lang in languages:
            localizer = read_localizer(root, edition.settings, lang, cache_dir)
            if not localizer.is_source and localizer.catalog is None:
                findings.append(
                    error(
                        "i18n.missing-catalog",
                        Loc(project.catalog_path(lang)),
                        f"no catalog for '{lang}': run './build.py extract' and './build.py update'",
                    )
                )
                continue
            localizers[lang] = localizer
        if localizers:  # any language's: compiling does not translate
            found = template_findings(root, next(iter(localizers.values())), cache_dir)
            # a macro the build calls that a layout lacks: not `extract`'s concern, which reads strings
            extract_refuses = extract_refuses or has_errors([f for f in found if f.code != "template.macro"])
            findings += found
        found, coverage = check_translations(root, edition, cache_dir, extract_refuses)
        findings += found
        catalogs = [
            (localizer.catalog, {message.key for message in coverage[lang].used} if lang in coverage else None)
            for lang, localizer in localizers.items()
            if localizer.catalog is not None
        ]
        locales = [
            (language.locale, language.locale_loc if language.locale_loc.path else language.loc)
            for language in edition.settings.editions
            if language.code in localizers
        ]
        findings += glyph_findings(root, catalogs, cache_dir, locales)  # what a layout would print as a box
        for lang, localizer in localizers.items():
            unreadable = localizer.catalog is not None and localizer.catalog.unreadable
            if lang in coverage and not unreadable:  # what the build will print in English, said before it does
                earlier = {p.message.key: p for g in coverage[lang].groups for p in g.pending if p.previous is not None}
                findings += localizer.foresee(
                    coverage[lang].used, earlier
                )  # (a catalog read in part is an error already)
        if options.online:
            findings += check_links(root, edition.sources.values())
    return Gathered(edition, tuple(options.policy.apply(findings)), languages, localizers, coverage, dict(reads), alone)


def alone_note(alone: tuple[str, ...]) -> str:
    """Return what the summaries say of files checked alone (`Gathered.alone`), or ''."""
    if not alone:
        return ""
    if set(alone) & {project.REPORT_FILE, project.SOURCES_FILE}:
        return f"nothing is checked across the files until the errors of {' and '.join(alone)} are fixed"
    its = "its" if len(alone) == 1 else "their"
    return f"{', '.join(alone)} not checked with the other files until {its} errors are fixed"


def chosen_languages(settings: ReportSettings, wanted: tuple[str, ...], catalogs: bool = False) -> tuple[str, ...]:
    """Return the languages `--lang` asks for (empty: all of report.yaml's); raise UsageError for any other.

    With `catalogs`, only the languages with a catalog are asked for: every one but the source language.
    """
    unknown = [lang or "''" for lang in wanted if lang not in settings.languages]
    if unknown:
        raise UsageError(
            f"language {', '.join(unknown)} is not in {project.REPORT_FILE} (languages: {', '.join(settings.languages)})"
        )
    source = settings.source_language
    translated = tuple(lang for lang in settings.languages if lang != source)
    if catalogs and source in wanted:
        raise UsageError(
            f"language {source} is the one the content is written in: it has no catalog"
            f" (languages with a catalog: {', '.join(translated) or 'none'})"
        )
    return wanted or (translated if catalogs else settings.languages)
