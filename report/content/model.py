"""The edition as frozen, typed records: what `load` returns and every later stage reads.

Every record keeps the `Loc` of the YAML node it came from, so any stage can report a
finding at the exact line a writer has to fix. Field names are the YAML keys: the loader
fills each record by walking its fields (see `load`), so a field added here and in the
schema is read without more code.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from babel import Locale, UnknownLocaleError
from babel.lists import format_list

from ..findings import Loc
from ..project import SOURCE_LANGUAGE as SOURCE_LANGUAGE
from ..project import dossier_path
from .geo import Place

CITE_RE = re.compile(r"\[@([a-z0-9]+(?:-[a-z0-9]+)*)\]")
"""An inline citation in prose: `[@source-id]`."""


def leading_marker(text: str) -> re.Match[str] | None:
    """Return the first citation marker of `text` if no letter or digit comes before it: a note call
    with no word to support, which would start its line, alone (the PDF's `pdf.call` check)."""
    first = CITE_RE.search(text)
    return first if first is not None and not any(c.isalnum() for c in text[: first.start()]) else None


MARKER_LIKE_RE = re.compile(r"\[\s*@[^\[\]\n]{0,100}\]?")
"""Text that opens like an inline citation, `[@`, up to its closing bracket (or 100 characters, more
than an id may have): a whole `[@source-id]`, or a mistake that would print as text."""


_UNMARKED_ID_RE = re.compile(r"(?=[0-9-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
"""A source id after the first in a marker, written without its `@` (`b` in `[@a, b]`): one word
with a letter, so that a page (`4`, `p. 4`) is not taken for one."""


def marker_hint(marker: str) -> str:
    """Return what to write instead of a malformed citation marker (`cite.malformed`; `i18n.citations`
    for one a translation adds)."""
    unbracketed = BRACKETED_ID_RE.fullmatch(marker) or BARE_ID_RE.fullmatch(marker)
    if unbracketed and not MARKER_LIKE_RE.match(marker):
        return f"write [@{unbracketed[1]}] for its note"
    if not marker.endswith("]"):
        return "it is never closed; write [@source-id]"
    ids: list[str] = []
    for part in re.split(r"[;,]", marker[1:-1]):
        if "@" in part:
            ids += re.findall(r"@\s*([^\s;,@\]]*)", part)
        elif _UNMARKED_ID_RE.fullmatch(part.strip()):
            ids.append(part.strip())  # `[@a, b]`: a second id without its `@`, not a locator like `p. 4`
    named = [i.lower() for i in ids if i]
    if not named:
        return "it names no source; write [@source-id]"
    markers = "".join(f"[@{i}]" for i in named)
    if len(named) > 1:
        return f"each marker names one source; write {markers}"
    if not CITE_RE.fullmatch(markers):
        return "a source id is lowercase letters, digits and single hyphens; write [@source-id]"
    if any(i != i.lower() for i in ids):
        return f"source ids are lowercase; write {markers}"
    return f"a marker holds the source id and nothing else; write {markers}"


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Return the date written `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; raise ValueError if impossible."""
        parts = [int(p) for p in text.split("-")]
        year = parts[0]
        month = parts[1] if len(parts) > 1 else None
        day = parts[2] if len(parts) > 2 else None
        if year < dt.MINYEAR:  # 1 BC is followed by AD 1; Python's dates, which every stage uses, agree
            raise ValueError(f"year {year} does not exist")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"month {month} does not exist")
        if month is not None and day is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"day {day} does not exist in {calendar.month_name[month]} {year}")
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        """Return 'day', 'month' or 'year'."""
        return "day" if self.day else "month" if self.month else "year"

    def earliest(self) -> dt.date:
        """Return the first calendar day this date can mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        """Return the last calendar day this date can mean."""
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def iso(self) -> str:
        """Return the date as written in YAML."""
        out = f"{self.year:04d}"
        if self.month:
            out += f"-{self.month:02d}"
        if self.day:
            out += f"-{self.day:02d}"
        return out


@dataclass(frozen=True)
class DateSpan:
    """A date or a date range from a dossier, as precise as its source."""

    start: PartialDate
    end: PartialDate | None = None
    approximate: bool = False
    loc: Loc = field(default=Loc(""), compare=False)

    def earliest(self) -> dt.date:
        """Return the first day the span can mean."""
        return self.start.earliest()

    def latest(self) -> dt.date:
        """Return the last day the span can mean."""
        return (self.end or self.start).latest()

    def sort_key(self) -> tuple:
        """Return a key that orders spans chronologically."""
        return (self.start.earliest(), self.latest())

    def iso(self) -> str:
        """Return the span as written in YAML."""
        return self.start.iso() + (f"/{self.end.iso()}" if self.end else "")


@dataclass(frozen=True)
class Citation:
    """A reference to a source by id, from a `sources` list or an inline `[@id]`."""

    source_id: str
    loc: Loc


BRACKETED_ID_RE = re.compile(r"[\[(]@?([a-z0-9]+(?:-[a-z0-9]+)*)[\])]")
"""An id-like word in brackets, `[id]`, `(@id)` or `[@id]`: the first two, where the id is a
source's, are an inline citation written wrong, which would print as text and leave no note."""
BARE_ID_RE = re.compile(r"(?<![\w+/-])\(?@([a-z0-9]+(?:-[a-z0-9]+)*)(?![\w-]|\.\w)")
"""An `@` before an id-like word, `@id` or `(@id`, as a whole word: not in an e-mail address
(`campaign@example.org`) or a web address (`/@name`). Where the id is a source's and no bracket
around it reads as a marker (`unbracketed`), it is an inline citation without its brackets."""


def unbracketed(text: str) -> list[re.Match[str]]:
    """Return the `@id`s and `(@id`s of `text` outside anything that opens like a marker (`[@id]`, an
    unclosed `[@id`, reported as such) or that `BRACKETED_ID_RE` reads (`(@id)`)."""
    taken = [m.span() for pattern in (MARKER_LIKE_RE, BRACKETED_ID_RE) for m in pattern.finditer(text)]
    return [m for m in BARE_ID_RE.finditer(text) if not any(start <= m.start() < end for start, end in taken)]


@dataclass(frozen=True)
class Bracketed:
    """An id-like word in prose, bracketed otherwise than an inline citation: `[id]`, `(@id)`, or none
    of its brackets or one, `@id` or `(@id`."""

    marker: str
    source_id: str
    loc: Loc  # at its opening bracket


@dataclass(frozen=True)
class Text:
    """Translatable prose with its gettext context, translator comment and inline citations."""

    value: str
    context: str
    comment: str
    loc: Loc
    citations: tuple[Citation, ...] = ()
    bracketed: tuple[Bracketed, ...] = ()


@dataclass(frozen=True)
class Note:
    """An editor's note (`review_note`, a dossier's `review.note`, a source's `note`): not printed, not
    translated; it may name sources as `[@source-id]`, which are checked like citations."""

    value: str
    loc: Loc
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class ClaimReview:
    """An editor's flag on one claim the research brief asks to check: where its `review: needs-review` is."""

    loc: Loc


@dataclass(frozen=True)
class Claim:
    """Anything that states a fact and must cite sources."""

    sources: tuple[Citation, ...]
    loc: Loc
    review: ClaimReview | None
    accusation: bool = field(default=False, kw_only=True)
    """The dossier's `accusation: true`; see `is_accusation` for what the report treats as one."""
    review_note: Note | None = field(default=None, kw_only=True)
    """What an editor must check (`review_note`); it belongs with `review: needs-review`."""

    def is_accusation(self) -> bool:
        """Return True when the report treats the claim as an accusation of wrongdoing, which needs a
        source that is not weak: a timeline entry or a death always, any other claim when its dossier
        says `accusation: true`."""
        return self.accusation

    def texts(self) -> Iterator[Text]:
        """Yield the translatable prose of this claim."""
        for value in vars(self).values():
            if isinstance(value, Text):
                yield value


@dataclass(frozen=True)
class Location(Claim):
    city: str
    county: str
    state: str
    area: Text | None = None
    near: bool = False  # near the city rather than in it: "near Winnfield"
    address: str | None = None
    coordinates: tuple[float, float] | None = field(default=None, metadata={"keys": ("lat", "lon")})
    state_loc: Loc = field(default=Loc(""), compare=False)
    county_loc: Loc = field(default=Loc(""), compare=False)
    coordinates_loc: Loc = field(default=Loc(""), compare=False)


@dataclass(frozen=True)
class Operator(Claim):
    name: str
    kind: str
    text: Text | None = None


@dataclass(frozen=True)
class Owner(Claim):
    name: str


@dataclass(frozen=True)
class Contract(Claim):
    kind: str
    text: Text | None = None


@dataclass(frozen=True)
class Capacity(Claim):
    id: str
    count: int
    measure: str
    unit: str | None = None
    qualifier: str | None = None
    as_of: DateSpan | None = None
    note: Text | None = None


@dataclass(frozen=True)
class Opened(Claim):
    text: Text
    date: DateSpan | None = None


@dataclass(frozen=True)
class Status(Claim):
    state: str
    date: DateSpan
    text: Text


@dataclass(frozen=True)
class Event(Claim):
    """A dated timeline entry of documented abuse."""

    id: str
    date: DateSpan
    category: str
    text: Text

    def is_accusation(self) -> bool:
        """Return True: a timeline entry documents abuse, so it is always treated as an accusation."""
        return True


@dataclass(frozen=True)
class Death(Claim):
    id: str
    text: Text
    date: DateSpan | None = None
    name: str | None = None

    def is_accusation(self) -> bool:
        """Return True: a death in custody is always treated as an accusation."""
        return True


@dataclass(frozen=True)
class Development(Claim):
    """A dated change to the contract or the facility's status."""

    id: str
    date: DateSpan
    text: Text


@dataclass(frozen=True)
class Action(Claim):
    """A dated action by the campaign."""

    id: str
    date: DateSpan
    text: Text


@dataclass(frozen=True)
class Demand(Claim):
    id: str
    text: Text


@dataclass(frozen=True)
class Organization(Claim):
    id: str
    name: str
    url: str | None = None
    role: Text | None = None


@dataclass(frozen=True)
class Contact:
    email: str | None
    url: str | None


@dataclass(frozen=True)
class Campaign:
    summary: Text
    organizations: tuple[Organization, ...] = ()
    actions: tuple[Action, ...] = ()
    demands: tuple[Demand, ...] = ()
    contact: Contact | None = None


@dataclass(frozen=True)
class Image:
    """A dossier's image: a file name in `facilities/images/`, its alternative text and credit."""

    src: str
    alt: Text
    credit: str
    loc: Loc
    src_loc: Loc = Loc("")


@dataclass(frozen=True)
class Review:
    """The dossier's fact-check status and whether its place on the 2021 list is confirmed."""

    status: str
    list_membership: str
    loc: Loc
    note: Note | None = None
    list_doubt: Text | None = None  # printed in the editor's note: why the list membership is in doubt
    reviewer: str | None = None
    date: DateSpan | None = None
    status_loc: Loc = field(default=Loc(""), compare=False)


@dataclass(frozen=True)
class Facility:
    """One dossier: `facilities/<id>.yaml`."""

    id: str
    name: str
    path: str
    loc: Loc
    location: Location
    operator: Operator
    status: Status
    summary: Text
    timeline: tuple[Event, ...]
    campaign: Campaign
    review: Review
    other_names: tuple[str, ...] = ()
    owner: Owner | None = None
    contract: Contract | None = None
    capacity: tuple[Capacity, ...] = ()
    opened: Opened | None = None
    deaths: tuple[Death, ...] = ()
    developments: tuple[Development, ...] = ()
    image: Image | None = None
    website: str | None = None
    name_loc: Loc = field(default=Loc(""), compare=False)  # where the name is: findings about the printed name
    id_loc: Loc = field(default=Loc(""), compare=False)  # where the id is: findings about its anchors

    def capacity_differs(self) -> bool:
        """Return True when two capacity figures count the same thing at the same date (or are both
        undated) and differ: only then do the sources give different figures. Figures of different
        measures (a capacity, a guaranteed minimum) or dates are not a disagreement."""
        counts: dict[tuple[str, DateSpan | None], set[tuple[int, str | None]]] = {}
        for c in self.capacity:
            counts.setdefault((c.measure, c.as_of), set()).add((c.count, c.qualifier))
        return any(len(found) > 1 for found in counts.values())

    def claims(self) -> Iterator[Claim]:
        """Yield every claim in the dossier, in reading order."""
        for single in (self.location, self.operator, self.owner, self.contract):
            if single is not None:
                yield single
        yield from self.capacity
        if self.opened is not None:
            yield self.opened
        yield self.status
        yield from self.timeline
        yield from self.deaths
        yield from self.developments
        yield from self.campaign.organizations
        yield from self.campaign.actions
        yield from self.campaign.demands

    def texts(self) -> Iterator[Text]:
        """Yield every translatable text in the dossier, in file order."""
        found = [self.summary, self.campaign.summary]
        if self.review.list_doubt is not None:
            found.append(self.review.list_doubt)
        for claim in self.claims():
            found.extend(claim.texts())
        if self.image is not None:
            found.append(self.image.alt)
        yield from sorted(found, key=lambda t: (t.loc.line, t.loc.col))

    def cited_ids(self) -> set[str]:
        """Return every source id the dossier cites, in lists or inline."""
        ids = {c.source_id for claim in self.claims() for c in claim.sources}
        ids.update(c.source_id for t in self.texts() for c in t.citations)
        return ids


SPACING = re.compile(r"[ \t\r\n]+")
"""What HTML and CSS collapse into one space (a no-break space is text, and stays)."""


def printed(text: str) -> str:
    """Return `text` as HTML and CSS print it: each run of `SPACING` one space, none at either end."""
    return SPACING.sub(" ", text).strip(" ")


@dataclass(frozen=True)
class Source:
    """One entry of `facilities/sources.yaml`."""

    id: str
    type: str
    title: str
    publisher: tuple[str, ...]  # one name, or the names of a joint publication
    url: str
    loc: Loc
    date: PartialDate | None  # None: the source is undated
    date_loc: Loc
    title_status: str = "exact"
    description: Text | None = field(default=None, metadata={"key": "title"})
    """The title as prose with its translation context: printed, translated, when it is descriptive."""
    via: str | None = None
    date_approximate: bool = False
    updated: PartialDate | None = None
    archive_url: str | None = None
    accessed: PartialDate | None = None
    lang: str | None = None
    note: Note | None = None
    url_loc: Loc = Loc("")
    archive_url_loc: Loc = Loc("")
    updated_loc: Loc = Loc("")
    accessed_loc: Loc = Loc("")
    note_letter: str = ""
    """'a', 'b'… after the date when other sources share its publisher and date (see `note_letters`)."""

    def note_key(self, locale: str = "en_US") -> tuple:
        """Return what a short note prints of the source in `locale`: its publisher, as printed, and
        its date ("Wikipedia, undated").

        The publisher is read as HTML and CSS print it, each run of spaces, tabs and line breaks one
        space (`The Gadsden  Times` prints "The Gadsden Times"), and joint publishers joined as the
        locale lists them: `[A, B]` prints "A and B" in English, as the one name `A and B` does.
        """
        names = format_list([printed(name) for name in self.publisher], locale=locale)
        return (printed(names), self.date, self.date_approximate and self.date is not None)

    def texts(self) -> Iterator[Text]:
        """Yield the translatable text of the entry: a descriptive title is the editors' words."""
        if self.title_status == "descriptive" and self.description is not None:
            yield self.description

    def latest(self) -> dt.date | None:
        """Return the last day the source (or its latest update) can have been published."""
        dates = [d.latest() for d in (self.date, self.updated) if d is not None]
        return max(dates) if dates else None


def note_letters(sources: Iterable[Source], locales: Iterable[str] = ("en_US",)) -> dict[str, str]:
    """Return the letter each source's short note takes so that no two notes read the same.

    As author-date styles do, sources whose notes print the same publisher and date in any of
    `locales` (the edition's) get 'a', 'b'… after the date, in the order of their titles (then
    ids); the others get none. The letters are the same in every language, chapter and output,
    because the bibliography is one.
    """
    return {s: letter for group in note_groups(sources, locales) for s, letter in _lettered(group)}


def known_locales(locales: Iterable[str]) -> tuple[str, ...]:
    """Return English and the `locales` Babel knows, once each: the ones notes are printed in (an
    unknown one is a `report.locale` error, and no edition is built in it)."""
    known = []
    for locale in ("en_US", *locales):
        try:
            Locale.parse(locale)
        except (ValueError, TypeError, UnknownLocaleError):
            continue
        known.append(locale)
    return tuple(dict.fromkeys(known))


def note_groups(sources: Iterable[Source], locales: Iterable[str] = ("en_US",)) -> list[list[Source]]:
    """Return the sources in groups whose short notes print the same in one of `locales` at least
    (joined across locales: `A and B` and `[A, B]` print the same in English only), in first order."""
    listed = list(sources)
    parent = list(range(len(listed)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for locale in dict.fromkeys(locales):
        first: dict[tuple, int] = {}
        for i, source in enumerate(listed):
            j = first.setdefault(source.note_key(locale), i)
            parent[root(i)] = root(j)
    groups: dict[int, list[Source]] = {}
    for i, source in enumerate(listed):
        groups.setdefault(root(i), []).append(source)
    return list(groups.values())


def _lettered(group: list[Source]) -> Iterator[tuple[str, str]]:
    """Yield each source's id and letter: none alone, 'a', 'b'… in the order of titles, then ids."""
    if len(group) > 1:
        ordered = sorted(group, key=lambda s: (s.title.casefold(), s.id))
        yield from ((s.id, _letter(i)) for i, s in enumerate(ordered))


def _letter(index: int) -> str:
    """Return 'a'… 'z', then 'aa', 'ab'…: the index-th suffix."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


@dataclass(frozen=True)
class Paragraph:
    id: str
    text: Text
    heading: Text | None = None


DEFAULT_LAYOUT_BUDGET = 120.0
"""Seconds one chunk's layout may take when report.yaml sets no `layout_budget`."""


@dataclass(frozen=True)
class Language:
    """A language of the edition: its catalog's code and the CLDR locale of its numbers and dates."""

    code: str
    locale: str
    loc: Loc
    code_loc: Loc = Loc("")
    locale_loc: Loc = Loc("")


@dataclass(frozen=True)
class License:
    """The open data's license, as `report.yaml` states it (a Data Package license object)."""

    loc: Loc
    name: str | None = None
    title: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class ReportSettings:
    """`report.yaml`: report-wide settings and prose."""

    title: Text
    subtitle: Text
    publisher: str
    edition: dt.date
    first_published: DateSpan
    editions: tuple[Language, ...] = field(metadata={"key": "languages"})
    facility_order: tuple[tuple[str, Loc], ...] = field(metadata={"key": "facilities"})
    contact: str
    hashtags: tuple[str, ...]
    keywords: tuple[Text, ...]
    introduction: tuple[Paragraph, ...]
    support: tuple[Paragraph, ...]
    acknowledgments: tuple[Paragraph, ...]
    notice: tuple[Paragraph, ...]
    loc: Loc
    base_url: str | None = None
    """Where the site is published (absolute, ending in '/'), or None while that is not known."""
    license: License | None = None
    """The open data's license; None until the publisher states one."""
    layout_budget: float = DEFAULT_LAYOUT_BUDGET
    contact_sources: tuple[Citation, ...] = ()
    """The sources of the contact address (`contact_sources`), checked like a claim's."""
    edition_loc: Loc = field(default=Loc(""), compare=False)
    located_hashtags: tuple[tuple[str, Loc], ...] = field(default=(), compare=False, metadata={"key": "hashtags"})
    """Each hashtag with where it is written: where a finding about that hashtag, printed, points."""
    facility_listings: tuple[tuple[str, Loc], ...] = field(
        default=(), compare=False, metadata={"key": "facilities", "repeats": True}
    )
    """Every item of `facilities`, each where it is written, a repeat too (`facility_order` keeps the
    first): the `schema.duplicate-item` error at a repeat concerns that dossier (`check FILE`)."""

    @property
    def languages(self) -> tuple[str, ...]:
        """Return the language codes, in the order report.yaml lists them."""
        return tuple(language.code for language in self.editions)

    @property
    def source_language(self) -> str:
        """Return the language the content is written in, wherever `languages` lists it."""
        return SOURCE_LANGUAGE

    def locale(self, code: str) -> str:
        """Return the CLDR locale a language formats its numbers and dates in ('es_US')."""
        return next(language.locale for language in self.editions if language.code == code)

    def texts(self) -> Iterator[Text]:
        """Yield every translatable text in report.yaml, in file order."""
        found: list[Text] = [self.title, self.subtitle, *self.keywords]
        for part in (self.introduction, self.support, self.acknowledgments, self.notice):
            for paragraph in part:
                if paragraph.heading is not None:
                    found.append(paragraph.heading)
                found.append(paragraph.text)
        yield from sorted(found, key=lambda t: (t.loc.line, t.loc.col))


@dataclass(frozen=True)
class Edition:
    """Everything one build reads: settings, sources and dossiers in chapter order."""

    root: Path
    settings: ReportSettings
    sources: Mapping[str, Source]
    facilities: tuple[Facility, ...]
    broken_sources: frozenset[str] = frozenset()
    """Ids of sources defined with errors: citing them is not an 'unknown source'."""
    source_lines: tuple[tuple[str, int, int], ...] = ()
    """(id, first line, last line) of every entry of the sources file that has an id."""
    unlisted: tuple[Facility, ...] = ()
    """Dossiers in facilities/ that report.yaml does not list: checked, never published."""
    places: Mapping[str, Place] = field(default_factory=dict)
    """Where each facility goes on the map, by id (see `places.locate_facilities`); none if unmatched."""

    def unloaded(self) -> tuple[str, ...]:
        """Return the dossiers report.yaml lists that did not load (an error, or no such file), in chapter order."""
        loaded = {facility.path for facility in self.facilities}
        listed = (dossier_path(facility_id) for facility_id, _loc in self.settings.facility_order)
        return tuple(path for path in listed if path not in loaded)

    def facility(self, facility_id: str) -> Facility:
        """Return the facility with this id."""
        for facility in self.facilities:
            if facility.id == facility_id:
                return facility
        raise KeyError(facility_id)

    def cited_ids(self) -> set[str]:
        """Return every source id the published edition cites: in report.yaml (its prose and
        `contact_sources`) and in the dossiers it lists. These, and only these, are its sources:
        the bibliography, the open data's sources table and `cite.unused` all ask this."""
        ids = {c.source_id for text in self.settings.texts() for c in text.citations}
        ids.update(c.source_id for c in self.settings.contact_sources)
        ids.update(*(facility.cited_ids() for facility in self.facilities))
        return ids
