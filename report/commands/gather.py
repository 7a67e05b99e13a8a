"""The gather phase: load, validate and prepare every language, reported as findings.

`check` runs it on its own and prints the result; `build` runs it first and writes nothing
if it finds an error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence, TextIO

from ..i18n.catalogs import catalog_path, read_catalog
from ..findings import Finding, Loc, counted, error, has_errors, to_json
from ..content.load import REPORT_FILE, load_edition
from ..i18n.localize import Localizer
from ..content.model import Edition
from ..content.validate import RELEASE_CODES, check_edition

CACHE_DIR = ".cache"


@dataclass
class Gathered:
    """The loaded edition, the languages to build and their localizers, and every finding."""

    edition: Edition | None
    findings: list[Finding]
    languages: tuple[str, ...] = ()
    localizers: dict[str, Localizer] = field(default_factory=dict)
    coverage: dict = field(default_factory=dict)
    """Translation coverage by language, once `coverage.check_translations` has run."""


def gather(root: Path, today: dt.date, languages: Sequence[str] | None = None, release: bool = False) -> Gathered:
    """Load and validate the project, and compile the catalogs of the languages to build."""
    from ..cli import UsageError

    from ..render.site import asset_findings

    edition, findings = load_edition(root)
    findings += asset_findings(root)
    if edition is None:
        return Gathered(None, findings)
    findings += check_edition(edition, today, complete=not has_errors(findings))
    settings = edition.settings
    wanted = tuple(languages) if languages else settings.languages
    unknown = [lang for lang in wanted if lang not in settings.languages]
    if unknown:
        raise UsageError(f"language {', '.join(unknown)} is not in {REPORT_FILE} (languages: {', '.join(settings.languages)})")
    localizers = {}
    for lang in wanted:
        messages = None
        if lang != settings.source_language:
            messages = read_catalog(root, catalog_path(lang), lang, root / CACHE_DIR)
            if messages is None:
                findings.append(
                    error(
                        "i18n.missing-catalog",
                        Loc(catalog_path(lang)),
                        f"no catalog for '{lang}': run 'python build.py extract' and 'python build.py update'",
                    )
                )
                continue
        localizers[lang] = Localizer(lang, settings.source_language, messages)
    return Gathered(edition, findings, wanted, localizers)


def run_check(root: Path, args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    """Gather the project under `root`, print the findings and coverage, and return the exit code."""
    from ..cli import exit_code, print_coverage, print_findings, settle
    from ..i18n.coverage import RELEASE_CODES as I18N_RELEASE_CODES
    from ..i18n.coverage import LanguageCoverage, check_translations

    started = time.perf_counter()
    gathered = gather(root, today, release=args.release)
    findings = list(gathered.findings)
    coverage: dict[str, LanguageCoverage] = {}
    if gathered.edition is not None:
        found, coverage = check_translations(root, gathered.edition, root / CACHE_DIR)
        findings += found
        if getattr(args, "online", False):
            from ..content.links import check_links

            findings += check_links(root, gathered.edition.sources.values())
    findings = settle(findings, args, (*RELEASE_CODES, *I18N_RELEASE_CODES))
    if args.format == "json":
        print(to_json(findings, coverage={lang: c.as_dict() for lang, c in coverage.items()}), file=out)
    else:
        print_findings(findings, out)
        print_coverage(coverage, out)
        translated = "".join(f"; {lang} {c.total.percent:.1f}% translated" for lang, c in coverage.items())
        print(f"\ncheck: {counted(findings)}{translated} ({time.perf_counter() - started:.1f} s)", file=out)
    return exit_code(findings)
