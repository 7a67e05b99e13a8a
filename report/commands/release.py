"""The release checklist: what blocks a release, grouped by who must act, from the gather phase.

`./build.py release` is a build with the release policy (`findings.RELEASE_CODES` are errors).
When its gather phase finds errors, nothing is laid out and the command line prints this
checklist instead of a flat list of findings: the fact-check status of every dossier, the
claims under review with their notes, the weakly sourced claims, the figures without a unit, and
each language's catalog,
each with what to change in which file. Everything here is read from the `Gathered` record
(its findings, its edition, its coverage): nothing is checked twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import Finding, Loc, count, visible
from ..i18n.coverage import CATCH_UP, Confirmed, confirmed_items, pending_note
from .gather import Gathered

DOSSIER_CODES = frozenset({"review.unverified"})
CLAIM_CODES = frozenset({"review.claim", "review.note"})
SOURCE_CODES = frozenset({"cite.weak"})
FIGURE_CODES = frozenset({"figure.unit"})
TRANSLATION_PREFIX = "i18n."


@dataclass(frozen=True)
class Dossier:
    """One dossier of the report: its fact-check status, and whether that status blocks a release."""

    id: str
    loc: Loc
    """Where its `review:` block is."""
    status: str
    list_membership: str
    note: str | None
    blocks: bool

    @property
    def caveat(self) -> bool:
        """Return True when its place on the list is unconfirmed: the report prints it with the list caveat."""
        return self.list_membership != "confirmed"


@dataclass(frozen=True)
class Claim:
    """A claim marked `review: needs-review`: where, and the note saying what to check."""

    loc: Loc
    note: str


@dataclass(frozen=True)
class Language:
    """A language's catalog: its coverage, and the findings that block a release in it."""

    lang: str
    name: str
    path: str
    percent: float
    fuzzy: int
    untranslated: int
    pending: int
    findings: tuple[Finding, ...]
    caveats: str = ""
    """What the percentage does not count as it should (`LanguageCoverage.caveats`)."""
    confirmed: tuple[Confirmed, ...] = ()
    """Differences from the English that `FIGURES:` comments confirm, and translations that are
    their English that `SAME:` ones do: no item to do, but for the reviewer who signs off the release to read."""
    pending_note: str = ""
    """What the pending strings are, in the coverage table's words ("" when none is pending)."""
    pending_at: Loc | None = None
    """Where the English of the first pending string is, for the item to name a line as every other does."""

    @property
    def todo(self) -> int:
        """Return how many items its section lists: one per finding, and one for its pending strings,
        which the edition prints in English until they are brought into the catalog and translated."""
        return len(self.findings) + bool(self.pending)


@dataclass(frozen=True)
class Checklist:
    """What must change before a release, grouped by who acts on it."""

    dossiers: tuple[Dossier, ...] = ()
    claims: tuple[Claim, ...] = ()
    sources: tuple[Finding, ...] = ()
    """Claims that rest only on weak sources (`cite.weak`): one item per claim, not per source."""
    figures: tuple[Finding, ...] = ()
    """Capacity figures without a unit (`figure.unit`)."""
    languages: tuple[Language, ...] = ()
    catalogs: tuple[Finding, ...] = ()
    """Translation findings about no one language: the template lags the content."""
    other: tuple[Finding, ...] = ()
    """Errors outside the release checks (a broken file): to fix first."""
    warnings: int = 0
    """Warnings, which do not block a release."""
    unloaded: tuple[str, ...] = ()
    """Dossiers report.yaml lists that do not load (their errors are in `other`): their review and
    claims are unknown until they do."""

    @property
    def items(self) -> int:
        """Return how many things are left to do: the `[ ]` items its sections list."""
        return (
            self.dossiers_todo
            + len(self.claims)
            + len(self.sources)
            + len(self.figures)
            + sum(language.todo for language in self.languages)
            + len(self.catalogs)
            + len(self.other)
        )

    @property
    def dossiers_todo(self) -> int:
        """Return how many dossiers are left for the editors: those whose review blocks a release,
        and those that do not load (their review is unknown until they do)."""
        return sum(d.blocks for d in self.dossiers) + len(self.unloaded)


def checklist(gathered: Gathered) -> Checklist:
    """Return the release checklist of a gathered project (gathered with the release policy)."""
    errors = [f for f in gathered.findings if f.level == "error"]
    warnings = len(gathered.findings) - len(errors)
    edition = gathered.edition
    if edition is None:
        return Checklist(other=tuple(errors), warnings=warnings)
    blocked = {f.loc for f in errors if f.code in DOSSIER_CODES}
    dossiers = tuple(
        Dossier(
            f.id,
            f.review.loc,
            f.review.status,
            f.review.list_membership,
            f.review.note.value if f.review.note else None,
            f.review.loc in blocked,
        )
        for f in edition.facilities
    )
    notes: dict[Loc, str] = {}
    for claim in (c for f in edition.facilities for c in f.claims()):
        note = claim.review_note
        if note is not None and claim.review is not None:
            notes[claim.review.loc] = note.value
        elif note is not None:  # `review.note` is at the note: nothing marks the claim for readers
            notes[note.loc] = f"{note.value} (this review_note has no `review: needs-review`)"
    claims = tuple(
        Claim(f.loc, notes.get(f.loc) or "(no review_note: the claim says what to check)")
        for f in errors
        if f.code in CLAIM_CODES
    )
    sources = tuple(f for f in errors if f.code in SOURCE_CODES)
    figures = tuple(f for f in errors if f.code in FIGURE_CODES)
    # A fallback to English follows from an entry listed at its own line (untranslated, fuzzy or
    # unusable) or from a string not in the catalog yet (counted as pending; `i18n.stale` says
    # what to run): listing it too would count one piece of work twice.
    paths = {c.path for c in gathered.coverage.values()}
    translation = [f for f in errors if _translators(f, paths) and f.code != "i18n.fallback"]
    languages = tuple(
        Language(
            c.lang,
            c.name,
            c.path,
            c.total.percent,
            c.total.fuzzy,
            c.total.untranslated,
            c.total.pending,
            tuple(f for f in translation if f.loc.path == c.path),
            c.caveats,
            c.confirmed,
            pending_note(c) if c.total.pending else "",
            next((item.message.loc for group in c.groups for item in group.pending), None),
        )
        for c in gathered.coverage.values()
    )
    catalogs = tuple(f for f in translation if f.loc.path not in paths)
    grouped = DOSSIER_CODES | CLAIM_CODES | SOURCE_CODES | FIGURE_CODES
    other = tuple(f for f in errors if f.code not in grouped and not _translators(f, paths))
    return Checklist(dossiers, claims, sources, figures, languages, catalogs, other, warnings, edition.unloaded())


def format_checklist(checklist: Checklist, edition_date: str | None) -> str:
    """Return the checklist as text: one section per kind of work, each item with its file and line."""
    when = f" for the edition of {edition_date}" if edition_date else ""
    lines = [f"Release checklist{when}: who must do what before a release"]

    def section(title: str, rows: list[str], how: list[str]) -> None:
        lines.extend(["", title, *rows, *(f"  {line}" for line in how)])

    if checklist.other:
        section(
            f"Everyone: fix these errors first ({len(checklist.other)} to do)",
            [f"  [ ] {_item(f)}" for f in checklist.other],
            [],
        )
    if checklist.dossiers or checklist.unloaded:
        todo = checklist.dossiers_todo
        caveats = sum(d.caveat and not d.blocks for d in checklist.dossiers)
        rows = []
        for d in checklist.dossiers:
            # Done only when nothing is left for an editor: a checked dossier whose list place is
            # unconfirmed does not block, but is printed with the list caveat until it is confirmed.
            mark = " " if d.blocks else "~" if d.caveat else "x"
            rows.append(
                f"  [{mark}] {d.loc}: {d.id}: review status '{d.status}', list membership '{d.list_membership}'"
                + (
                    ": will be printed with the caveat that no source yet confirms its place on the list"
                    * (mark == "~")
                )
            )
            if d.blocks and d.note:
                rows.append(f"        note: {visible(d.note)}")
        rows += [
            f"  [ ] {path}: does not load: fix its errors first; its review and claims are listed here once it does"
            for path in checklist.unloaded
        ]
        how = []
        if todo:
            how += [
                "When a dossier is checked, set `status: verified` in its `review:` block, with `reviewer:` and",
                "`date:`; set `list_membership: confirmed` once a source confirms its place on the list.",
            ]
        if caveats:
            how += [
                "[~] marks a dossier that does not block a release: its chapter, PDF and page print the list",
                "caveat. Set `list_membership: confirmed` once a source confirms its place on the list.",
            ]
        with_caveat = f", {caveats} with the list caveat" if caveats else ""
        section(
            f"Editors: fact-check each dossier ({todo} of"
            f" {count(len(checklist.dossiers) + len(checklist.unloaded), 'dossier')} to do{with_caveat})",
            rows,
            how,
        )
    if checklist.claims:
        section(
            f"Editors: check each claim marked needs-review ({len(checklist.claims)} to do)",
            [f"  [ ] {c.loc}: {visible(c.note)}" for c in checklist.claims],
            ["When a claim is confirmed (or corrected), delete its `review: needs-review` and `review_note:` lines."],
        )
    if checklist.sources:
        section(
            f"Writers: back these claims with stronger sources ({len(checklist.sources)} to do)",
            [f"  [ ] {_item(f)}" for f in checklist.sources],
            [
                "Cite a stronger source in each claim's `sources:`, or inline right after the words an item quotes"
                " (define it once in facilities/sources.yaml).",
                "A `needs-review` mark shows the readers of a draft that a claim is unchecked; a release refuses both.",
            ],
        )
    if checklist.figures:
        section(
            f"Writers: give each figure its unit ({len(checklist.figures)} to do)",
            [f"  [ ] {_item(f)}" for f in checklist.figures],
            [
                "Replace `unit: unstated` with the unit a cited source states (`unit: beds` or `unit: people`).",
                "A release prints no figure without its unit: until a source gives one, keep the figure out of it.",
            ],
        )
    if checklist.catalogs:
        section(
            f"Translators: bring the catalogs up to date first ({len(checklist.catalogs)} to do)",
            [f"  [ ] {_item(f)}" for f in checklist.catalogs],
            [f"Run: {CATCH_UP}"],
        )
    for language in checklist.languages:
        state = (
            f"{language.percent:.1f}% translated, {language.fuzzy} fuzzy, {language.untranslated} untranslated,"
            f" {language.pending} pending{language.caveats}"
        )
        done = not language.todo
        # Pending strings print in English: to do once `extract && update` bring them into the catalog.
        first = f"; the first is at {language.pending_at}" if language.pending_at else ""
        pending = [f"  [ ] {language.path}: {language.pending_note}{first}"] if language.pending else []
        section(
            f"Translators: {language.name} ({language.lang}): {state} ({language.todo} to do)",
            [f"  [x] {language.path}: nothing to do"]
            if done
            else [*(f"  [ ] {_item(f)}" for f in language.findings), *pending],
            []
            if done
            else [
                *([f"Bring the pending strings into the catalog with {CATCH_UP}, then:"] * bool(language.pending)),
                f"Translate each entry in {language.path} at its line (a PO editor also finds it by its English),",
                "and remove the fuzzy flag once a fuzzy translation is right.",
                *(
                    [
                        "The translation status page lists the untranslated, fuzzy and pending ones beside the English:",
                        f"run ./build.py serve, then open http://127.0.0.1:8000/{language.lang}/translation-status.html",
                    ]
                    if language.fuzzy or language.untranslated or language.pending
                    else []
                ),
                *(
                    [
                        "Where figures or the order of citations differ, make the translation say what the English",
                        "says, with the same numbers and dates, each note at its claim; or, if it is right as it is,",
                        "add a translator comment `# FIGURES: why` to the entry that names each figure (or `@id`):",
                        "the checklist then lists it for the reviewer who signs off the release to read.",
                    ]
                    if any(f.code in CONFIRM_CODES for f in language.findings)
                    else []
                ),
            ],
        )
    for language in checklist.languages:
        if language.confirmed:
            section(
                f"Reviewers: {language.name} ({language.lang}): read {confirmed_items(language.confirmed, each=True)}"
                f" ({len(language.confirmed)} to read; not blocking)",
                [
                    row
                    for where, comment in map(Confirmed.lines, language.confirmed)
                    for row in (f"  [!] {where}", f"        {comment}")
                ],
                [
                    "The build prints each as it is, since the comment says why it is right: read it beside the",
                    "English. If a comment does not hold, delete it: the difference is then to do for the translators.",
                ],
            )
    if checklist.warnings:
        do, them = ("does", "it") if checklist.warnings == 1 else ("do", "them")
        said = f"{count(checklist.warnings, 'warning')} {do} not block a release: ./build.py check lists {them}."
        lines += ["", said]
    return "\n".join(lines)


CONFIRM_CODES = frozenset({"i18n.figures", "i18n.citation-order"})
"""What a translation says otherwise than its English: its figures, the order of its notes."""


def _translators(finding: Finding, catalogs: set[str]) -> bool:
    """Return True for a finding a translator acts on: an `i18n.` one, or a translation too long
    (`limit.length` at its line in a language's catalog)."""
    return finding.code.startswith(TRANSLATION_PREFIX) or (
        finding.code == "limit.length" and finding.loc.path in catalogs
    )


def _item(finding: Finding) -> str:
    """Return a finding as a checklist item: every item is to do, so without its level."""
    return f"{finding.loc}: {finding.message} [{finding.code}]"


def summary(checklist: Checklist) -> str:
    """Return the checklist's last line: how many items, of which kinds."""
    kinds = [
        (len(checklist.other), "error", ""),
        (checklist.dossiers_todo, "dossier", ""),
        (len(checklist.claims), "claim", ""),
        (len(checklist.sources), "claim", " to back with stronger sources"),  # as its section says
        (len(checklist.figures), "figure", ""),
        (len(checklist.catalogs) + sum(x.todo for x in checklist.languages), "translation", ""),
    ]
    parts = ", ".join(count(n, noun) + what for n, noun, what in kinds if n)
    confirmed = tuple(c for language in checklist.languages for c in language.confirmed)
    read = f"; {confirmed_items(confirmed)} to read (not blocking)" * bool(confirmed)
    return f"release: {count(checklist.items, 'item')} to do ({parts}): nothing was written to dist/{read}"
