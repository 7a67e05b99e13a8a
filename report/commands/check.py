"""The `check` verb: the gather phase on its own; it writes nothing but cache entries.

`check FILE...` keeps the findings that concern those files: the findings in them, and those
elsewhere that they cause (the entries of the sources a listed dossier cites, the catalog
entries of its prose). The others are returned apart, so the command line can say how many it
did not show. While report.yaml or sources.yaml cannot be read no file can be validated, so their
errors concern every file named: a dossier is never said to be clean unchecked. A file `check`
does not read (a Makefile, the README, a print font) is a usage error: nothing about it was checked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from .. import project
from ..errors import UsageError
from ..findings import Finding, Loc
from ..i18n.coverage import REPORT, SOURCES, LanguageCoverage
from ..pdf.paginate import stylesheet_files
from ..project import REPORT_FILE, SOURCES_FILE, TEMPLATE_FILE, dossier_path
from ..sandbox import asset_paths
from .gather import GatherOptions, Gathered, gather


@dataclass(frozen=True)
class Checked:
    """What `check` found: the findings (policy applied), each language's coverage, and how long it took."""

    findings: tuple[Finding, ...]
    """Every finding, or with files named, those that concern them."""
    coverage: Mapping[str, LanguageCoverage]
    seconds: float
    elsewhere: tuple[Finding, ...] = ()
    """With files named: the findings that do not concern them."""
    named: frozenset[str] = frozenset()
    """The files named, relative to the project."""
    alone: tuple[str, ...] = ()
    """The content files checked alone, their errors keeping them from loading (`Gathered.alone`):
    of those named, with files named (report.yaml and sources.yaml concern every file)."""


def check(root: Path, options: GatherOptions, files: tuple[Path, ...] = ()) -> Checked:
    """Gather the project under `root` and return what was found (about `files`, if any are named)."""
    started = time.perf_counter()
    project.refuse_links(root)  # the gather phase writes cache entries
    given = {_project_path(root, path): path for path in files}
    named = frozenset(given)
    gathered = gather(root, options)
    if named and gathered.edition is not None and (unread := sorted(named - _read_by_check(root, gathered))):
        raise UsageError(
            f"{given[unread[0]]} is not a file `check` reads: name a dossier, facilities/sources.yaml,"
            " report.yaml, a catalog, or a template or stylesheet in layouts/, or name none to check them all"
        )
    findings = gathered.findings
    elsewhere: tuple[Finding, ...] = ()
    if named:
        concerns = _concerning(gathered, named)
        findings = tuple(f for f in gathered.findings if concerns(f))
        elsewhere = tuple(f for f in gathered.findings if not concerns(f))
    alone = tuple(path for path in gathered.alone if not named or path in named or not project.is_dossier(path))
    return Checked(findings, gathered.coverage, time.perf_counter() - started, elsewhere, named, alone)


def _read_by_check(root: Path, gathered: Gathered) -> frozenset[str]:
    """Return the project files `check` reads (relative to the project): those the gather phase
    recorded (content, catalogs, templates, images, the map), the site's stylesheets, fonts and
    scripts and the print stylesheets (whose checks do not record what they read), and any file a
    finding is in."""
    home = root.resolve()
    assets = {path.absolute().relative_to(root.absolute()).as_posix() for path in asset_paths(root)}
    return frozenset(
        {path for path in gathered.reads if not path.endswith("/")}
        | assets
        | set(stylesheet_files(home))
        | {f.loc.path for f in gathered.findings}
    )


def _project_path(root: Path, path: Path) -> str:
    """Return a named file as a project-relative path, or raise UsageError.

    A symbolic link loop is named as it is (its finding is at it): it leads to no file to name.
    """
    loop = project.link_loop(path)
    full = path.parent.resolve() / path.name if loop else path.resolve()
    try:
        relative = full.relative_to(root.resolve())
    except ValueError:
        raise UsageError(f"{path} is not in the project ({root})") from None
    if full.is_dir():
        inside = sorted(p for p in full.iterdir() if p.is_file() and not p.name.startswith("."))
        like = f" (like {path / inside[0].name})" if inside else ""
        raise UsageError(f"{path} is a folder: name the files in it to check{like}, or name none to check them all")
    if not full.is_file() and not loop:
        raise UsageError(f"{path}: no such file")
    return relative.as_posix()


def _concerning(gathered: Gathered, named: frozenset[str]) -> Callable[[Finding], bool]:
    """Return a test of whether a finding concerns the named files.

    A named dossier (or report.yaml) brings the entries of sources.yaml it cites and the catalog
    entries of its prose. sources.yaml named brings its catalog entries and every citation's
    findings, wherever they are: each citation resolves there, so deleting or renaming a source,
    or changing its date or type, breaks citations in other files (`cite.unknown`,
    `cite.anachronism`, `cite.weak`). With no edition (report.yaml or sources.yaml could not be
    read, and nothing was validated), the errors in those two files concern every file named.
    A named dossier that report.yaml does not list (renamed, `winn.yaml` to `winn-center.yaml`)
    brings report.yaml's `report.unknown-facility` errors: the list still names the old file, and
    the build fails on it. A named dossier brings what is found where report.yaml lists it (the
    `schema.duplicate-item` error of `- winn` listed twice). i18n/messages.pot named brings every `i18n.stale`: each says where the
    template lags the content or a catalog lags the template.
    """
    places: set[tuple[str, int]] = set()  # (path, line) of the named files' entries in other files
    listings: set[Loc] = set()  # where report.yaml lists a named dossier
    groups: set[str] = {SOURCES} if SOURCES_FILE in named else set()
    codes = {STALE} if TEMPLATE_FILE in named else set()  # codes whose every finding concerns the named files
    edition = gathered.edition
    if edition is not None:
        listed = {dossier_path(facility_id) for facility_id, _loc in edition.settings.facility_order}
        listings.update(
            loc for facility_id, loc in edition.settings.facility_listings if dossier_path(facility_id) in named
        )
        if any(project.is_dossier(path) and path not in listed for path in named):
            codes.add(UNKNOWN_FACILITY)
        cited: set[str] = set()
        for facility in (*edition.facilities, *edition.unlisted):
            if facility.path in named:
                cited |= facility.cited_ids()
                groups.add(facility.id)
        if REPORT_FILE in named:
            cited.update(c.source_id for text in edition.settings.texts() for c in text.citations)
            groups.add(REPORT)
        for source_id, first, last in edition.source_lines:
            if source_id in cited:
                places.update((SOURCES_FILE, line) for line in range(first, last + 1))
    for localizer in gathered.localizers.values():
        catalog = localizer.catalog
        if catalog is not None:
            for entry in catalog.entries:
                if entry.group in groups:  # its findings: at the msgid, and at a msgstr for a mistake
                    places.update((catalog.path, line) for line in (entry.line, *entry.string_lines))
    everywhere = (RESOLVED_IN_SOURCES if SOURCES_FILE in named else frozenset()) | codes
    blocking = frozenset({REPORT_FILE, SOURCES_FILE}) if edition is None else frozenset()
    return lambda f: (
        f.loc.path in named
        or (f.loc.path, f.loc.line) in places
        or f.loc in listings
        or f.code in everywhere
        or (f.loc.path in blocking and f.level == "error")
    )


STALE = "i18n.stale"
UNKNOWN_FACILITY = "report.unknown-facility"
RESOLVED_IN_SOURCES = frozenset({"cite.unknown", "cite.anachronism", "cite.weak"})
"""The codes of findings at a citation that depend on the source it names: its id, date or type."""
