"""Stage 2, validate: citation, date and editorial rules over the loaded edition.

Every rule returns findings; nothing here prints or exits. The rules and their codes:

- `cite.unknown`: a cited id (in a `sources` list or inline `[@id]`, or named `[@id]` in an
  editor's note) is not a source.
- `cite.malformed`: a source's id in prose, bracketed like a citation but not written `[@id]`
  (`[id]`, `(@id)`), or with an `@` and no brackets or one (`@id`, `(@id`): it would be printed
  as it is, without its note. (`load` reports a `[@` that does not open a whole marker.)
- `cite.unused` (warning): a source nobody cites, or only dossiers report.yaml does not list: the
  bibliography and the open data leave it out (`Edition.cited_ids`).
- `cite.duplicate-url`: two sources share a URL, however written (`page_key`).
- `cite.anachronism`: a source was published before the event it is cited for.
- `cite.weak` (warning; error with `--release`): a death, a named person or an accusation
  that cites only weak sources (the source types under `x-weak` in the sources schema), or a
  passage of one whose inline citations are all weak, or whose words after the last inline
  citation have only weak sources in the note its `sources:` prints at the end; a passage of a
  summary or of report.yaml's prose whose citations are all weak, and the words of a summary or
  of the introduction that no citation covers (after the last, or all of a text that cites none).
- `source.url`: a source URL that is not a well-formed http(s) URL.
- `source.tracking` (warning): a source URL whose query carries what a newsletter,
  an ad or a login added (`utm_…`, `mc_eid`, `fbclid`, a `token`, a session id): every reader's
  link would carry it (`tracking_parameters`).
- `cite.ambiguous` (warning): two sources with the same publisher, date and title: their notes
  and bibliography entries differ only by the letter after the date, which nothing the reader
  sees decides.
- `date.future`, `date.after-edition`: a date, or a range's end, later than today or than the edition date.
- `date.after-closing` (warning): a death in custody dated after the facility's ICE detention
  ended (its `status` `closed` or `ice-contract-ended`, and that status's date).
- `date.before-opening` (warning): a death in custody dated before ICE detention began there
  (`opened.date`, where the dossier gives one).
- `death.duplicate` (warning): two deaths in custody of one name on one date (or both undated).
- `name.duplicate` (warning): two facilities of one name, which the contents, the map and the
  search cannot tell apart.
- `review.unverified` (warning; error with `--release`): a dossier not yet fact-checked.
- `review.claim` (warning; error with `--release`): a claim an editor still has to check.
- `review.note` (warning; error with `--release`): a claim's `review_note` without its
  `review: needs-review`, so that the claim would print as checked.
- `review.verified` (warning): a dossier marked verified while some of its claims still need review.
- `review.doubt`: a dossier's `list_doubt` with `list_membership: confirmed`, which no reader sees.
- `figure.unit` (warning; error with `--release`): a capacity figure whose unit the sources do
  not give (`unit: unstated`), not marked for review.
- `data.license` (warning; error with `--release`): report.yaml states no license for the open
  data in `dist/data/`; only the publisher can choose one, so a release does not publish without it.
- `image.missing`, `image.outside`, `image.format`: a dossier image that is not in
  `facilities/images/`, is a link out of it, or is not a real PNG, JPEG or WebP file;
  `limit.pixels`: one with more pixels than Pillow decodes safely (a decompression bomb);
  `limit.size`: a file over 5 MB; `image.location`: one that records where it was taken (GPS);
  `image.identity`: one that records whose camera took it (its owner's name, its serial numbers),
  or the computer it was saved on or the files it was made from (a path with the user's name);
  `image.alt`: alternative text that is the image's file name or a bare placeholder word ("image",
  "photo"...), which tells someone who cannot see the image nothing of it (WCAG F30).
- `id.anchor`: two things the report PDF or one facility's page would give the same anchor (`<id>`,
  `<id>-title`, `<id>-<timeline id>`...), as facility `a` with a timeline entry `b` and a facility
  `a-b`: a link leads to only one of them, and the PDF cannot be assembled at all.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterable, Iterator, Mapping, NamedTuple
from urllib.parse import parse_qsl, quote, unquote_plus, urlsplit, urlunsplit

from ..findings import Finding, Loc, count, error, visible, visible_spaces, warning
from ..project import REPORT_FILE, SOURCES_FILE, source_date
from . import schema
from .model import (
    CITE_RE,
    MARKER_LIKE_RE,
    Citation,
    Claim,
    DateSpan,
    Death,
    Development,
    Edition,
    Event,
    Facility,
    Image,
    Note,
    Source,
    Text,
    known_locales,
    leading_marker,
    note_groups,
)
from ..sandbox import image_problem
from .yamldoc import did_you_mean


def check_edition(edition: Edition, today: dt.date, complete: bool = True) -> list[Finding]:
    """Return every citation, date and editorial finding for the edition.

    When some file could not be loaded (`complete` is False), unused sources are not reported:
    the missing dossier may well cite them.
    """
    findings: list[Finding] = []
    findings += check_citations(edition, report_unused=complete, today=today)
    findings += check_markers(edition)
    findings += check_leading(edition)
    findings += check_sources(
        edition.sources.values(), known_locales(language.locale for language in edition.settings.editions)
    )
    findings += check_strength(edition)
    findings += check_dates(edition, today)
    findings += check_lifetimes(edition)
    findings += check_deaths(edition)
    findings += check_names(edition)
    for facility in edition.facilities:
        findings += check_review(facility)
    findings += check_images(edition)
    findings += check_anchors(edition)
    findings += check_license(edition)
    return findings


def check_license(edition: Edition) -> list[Finding]:
    """Return a `data.license` warning when report.yaml states no license for the open data."""
    if edition.settings.license is not None:
        return []
    return [
        warning(
            "data.license",
            edition.settings.loc,
            "report.yaml states no 'license' for the open data in dist/data/; the publisher must choose one"
            " (for example license: {name: CC-BY-4.0, path: https://creativecommons.org/licenses/by/4.0/}),"
            " and a release build does not publish the data without it",
        )
    ]


def _dated_claims(facility: Facility) -> Iterator[tuple[Claim, DateSpan]]:
    for claim in facility.claims():
        for attr in ("date", "as_of"):
            span = getattr(claim, attr, None)
            if isinstance(span, DateSpan):
                yield claim, span


def _claim_citations(claim: Claim) -> list[Citation]:
    cites = list(claim.sources)
    for text in claim.texts():
        cites.extend(text.citations)
    return cites


def _facility_citations(facility: Facility) -> Iterator[Citation]:
    for claim in facility.claims():
        yield from claim.sources
    for text in facility.texts():
        yield from text.citations


def _note_citations(edition: Edition) -> Iterator[Citation]:
    """Yield the sources editors' notes name as `[@id]`: checked for unknown ids, never a use of the source."""
    notes: list[Note | None] = [source.note for source in edition.sources.values()]
    for facility in (*edition.facilities, *edition.unlisted):
        notes.append(facility.review.note)
        notes.extend(claim.review_note for claim in facility.claims())
    for note in notes:
        if note is not None:
            yield from note.citations


def _all_citations(edition: Edition) -> Iterator[Citation]:
    for facility in edition.facilities:
        yield from _facility_citations(facility)
    for text in edition.settings.texts():
        yield from text.citations
    yield from edition.settings.contact_sources


TYPO = 0.8
"""How similar (difflib's ratio) a cited id must be to a source's to be offered as "did you mean":
one wrong, missing or swapped letter in a source id scores 0.86 ('exmaple') to 0.99, while an
unrelated id with a common prefix or year scores about 0.6 ('aclu-2023-made-up' and
'aclunc-2022-03-25-alamance')."""


def check_citations(edition: Edition, report_unused: bool = True, today: dt.date | None = None) -> list[Finding]:
    """Return findings for unknown, unused and impossible citations.

    Dossiers that report.yaml does not list are checked for unknown ids too (a writer cites
    sources before listing a new dossier), but citing a source does not make it used. A claim
    whose date `check_dates` refuses (later than `today` or the edition date) is not checked for
    `cite.anachronism`: one typo (`2030-05-14`) is one error, not one more per source it cites.
    A source supports events up to its publication (or update), and up to the day it was read
    (`accessed`), which is all an undated source tells of when it was written.
    """
    findings: list[Finding] = []
    known = sorted(edition.sources)
    used = edition.cited_ids()  # what the bibliography lists
    for cite in _all_citations(edition):
        findings += _unknown(edition, cite, known)
    unlisted: dict[str, list[str]] = {}
    for facility in edition.unlisted:
        for cite in _facility_citations(facility):
            unlisted.setdefault(cite.source_id, [])
            if facility.path not in unlisted[cite.source_id]:
                unlisted[cite.source_id].append(facility.path)
            findings += _unknown(edition, cite, known)
    noted: dict[str, Loc] = {}
    for cite in _note_citations(edition):
        noted.setdefault(cite.source_id, cite.loc)
        findings += _unknown(edition, cite, known)
    for source in edition.sources.values() if report_unused else ():
        if source.id in used:
            continue
        if source.id in unlisted:
            message = (
                f"source '{source.id}' is cited only by {' and '.join(unlisted[source.id])}, which the report does"
                f" not include (it is not in the facilities list of {REPORT_FILE})"
            )
        elif source.id in noted:
            message = (
                f"source '{source.id}' is named only in an editor's note ({noted[source.id]}), which is not"
                " printed: cite it in a claim's `sources` or prose, or delete it if the report does not need it"
            )
        else:
            message = f"source '{source.id}' is not cited anywhere"
        findings.append(warning("cite.unused", source.loc, message))
    bound = min(today, edition.settings.edition) if today is not None else None
    for facility in edition.facilities:
        for claim, span in _dated_claims(facility):
            if bound is not None and span.earliest() > bound:
                continue  # the date is wrong already (date.future, date.after-edition): not what it cites
            for cite in _claim_citations(claim):
                cited = edition.sources.get(cite.source_id)
                if cited is None:
                    continue
                latest = cited.latest()
                if latest is not None and latest < span.earliest():
                    said = "was published"
                elif cited.accessed is not None and cited.accessed.latest() < span.earliest():
                    # What we read of it we read then: an undated page cannot tell of a later event.
                    said = f"was last read on {cited.accessed.iso()}, which is"
                else:
                    continue
                findings.append(
                    error(
                        "cite.anachronism",
                        cite.loc,
                        f"source '{cited.id}' ({_published(cited)}) {said} before the event it is cited for"
                        f" ({span.iso()})",
                    )
                )
    return findings


def check_markers(edition: Edition) -> list[Finding]:
    """Return a `cite.malformed` error, at its bracket or `@`, for each source id in prose marked otherwise than `[@id]`."""
    findings = []
    for text in prose_texts(edition):
        for found in text.bracketed:
            if found.source_id in edition.sources:
                findings.append(
                    error(
                        "cite.malformed",
                        found.loc,
                        f"'{visible_spaces(found.marker)}' is not a citation marker: write [@{found.source_id}] for its note",
                    )
                )
    return findings


def check_leading(edition: Edition) -> list[Finding]:
    """Return a `cite.leading` error, at its marker, for each text that opens with an inline citation.

    A note call goes after the words it supports; one with no word before it supports none
    (`_passages`), and prints where a call may not: it starts the paragraph's line, which the PDF's
    check (`pdf.call`) only finds once the build has laid the chapter out.
    """
    findings = []
    for text in prose_texts(edition):
        if len(CITE_RE.findall(text.value)) != len(text.citations):
            continue  # a marker written with a YAML escape: `cite.malformed` says so
        leading = leading_marker(text.value)
        if leading is not None:
            findings.append(
                error(
                    "cite.leading",
                    text.citations[0].loc,
                    f"'{leading.group(0)}' opens the text, before any word it could support: its note call would print"
                    " first, alone; move it after the words its source supports",
                )
            )
    return findings


def _unknown(edition: Edition, cite: Citation, known: list[str]) -> list[Finding]:
    """Return a `cite.unknown` error if the cited id is not a source: how to add one, or the id meant."""
    if cite.source_id in edition.sources or cite.source_id in edition.broken_sources:
        return []
    skeleton = f"- {{id: {cite.source_id}, type: TODO, title: TODO, publisher: TODO, date: TODO, url: TODO}}"
    meant = did_you_mean(cite.source_id, known, cutoff=TYPO)
    how = f"{meant} If it is a new source, add it" if meant else ": add it"
    return [
        error(
            "cite.unknown",
            cite.loc,
            f"unknown source '{cite.source_id}'{how} to {SOURCES_FILE} and fill in what the source says: {skeleton}",
        )
    ]


def _published(source: Source) -> str:
    text = f"published {source.date.iso()}" if source.date else "undated"
    if source.updated:
        text += f", updated {source.updated.iso()}"
    return text


def weak_types() -> dict[str, str]:
    """Return the source types that are weak support, and why: the sources schema's `x-weak` table."""
    return schema.keyword("sources", ("sources", 0, "type"), "x-weak") or {}


def _sensitive(claim: Claim) -> str | None:
    """Return what makes a claim need strong support (a death, a named person, an accusation), or None."""
    if isinstance(claim, Death):
        return f"the death of {claim.name}" if claim.name else "a death in custody"
    if isinstance(claim, Event) and claim.category == "death-in-custody":
        return "a death in custody"
    if claim.is_accusation():
        return "an accusation (a timeline entry)" if isinstance(claim, Event) else "an accusation"
    return None


def check_strength(edition: Edition) -> list[Finding]:
    """Return a `cite.weak` warning for each death, named person or accusation that cites only weak
    sources, and for each passage of one whose inline citations are all weak, though the claim
    cites a strong source elsewhere: a citation supports the words since the one before it, and
    the note the claim's `sources:` prints at the end of its text (the ids the text does not cite
    inline) supports the words after the last inline citation; when every id is cited inline no note
    prints there, and those words cite nothing at all.

    Also for each passage of a summary (the facility's, its campaign's) or of report.yaml's prose
    (its introduction, support, acknowledgments, notice) whose citations are all weak, whatever it
    says: neither has a review mark to print, so nothing there can rest on a weak source alone
    (Stewart's summary said a man died, on a newsletter's word, unmarked). And for the words of a
    summary or of the introduction that no citation covers: they tell what happened, with no note
    at the end and no mark. The notice, support and acknowledgments speak of the report itself
    (what the edition is, what a reader can do, whom it thanks), and may say so uncited.
    """
    weak = weak_types()
    findings: list[Finding] = []
    for facility in edition.facilities:
        for claim in facility.claims():
            what = _sensitive(claim)
            cited = {c.source_id: edition.sources.get(c.source_id) for c in _claim_citations(claim)}
            if what is None or not cited:
                continue
            todo = (
                "cite a stronger source"
                if claim.review is not None  # readers already see the mark: what is left is the source
                else "cite a stronger source; until there is one, a draft may mark the claim needs-review so that"
                " readers see it (a release refuses that mark too)"
            )
            if all(s is not None and s.type in weak for s in cited.values()):
                listed = ", ".join(f"'{s.id}' ({s.type})" for s in cited.values() if s is not None)
                findings.append(warning("cite.weak", claim.loc, f"{what} rests only on weak sources: {listed}; {todo}"))
                continue
            inline = {c.source_id for text in claim.texts() for c in text.citations}
            noted = list({c.source_id: c for c in claim.sources if c.source_id not in inline}.values())
            for text in claim.texts():
                for words, group, listed in _weak_groups(edition, text, weak):
                    findings.append(
                        warning(
                            "cite.weak",
                            group[0].loc,
                            f"{what}: the words '{visible(words)}' rest only on weak sources: {listed};"
                            f" the claim's stronger sources are cited for other words; {todo}",
                        )
                    )
                after = _trailing(text)
                if after and not noted:
                    # Every `sources:` id is cited inline: no note prints at the end, and the words cite nothing.
                    findings.append(
                        warning(
                            "cite.weak",
                            text.citations[-1].loc,
                            f"{what}: the words '{visible(after)}' after the last citation have no note: cite"
                            " their source right after them ([@id])",
                        )
                    )
                    continue
                sources = [edition.sources.get(c.source_id) for c in noted]
                if after and noted and all(s is not None and s.type in weak for s in sources):
                    # The note at the end of the text prints the `sources:` ids the prose does not cite inline.
                    listed = ", ".join(f"'{s.id}' ({s.type})" for s in sources if s is not None)
                    findings.append(
                        warning(
                            "cite.weak",
                            noted[0].loc,
                            f"{what}: the words '{visible(after)}' follow the last inline citation, so they rest"
                            f" only on the note `sources:` prints at the end of the text (its ids the text does not"
                            f" cite inline): {listed}; the claim's stronger sources are cited for other words; a"
                            f" stronger source in `sources:`, or its [@id] right after those words, supports them;"
                            f" {todo}",
                        )
                    )
        for text in (facility.summary, facility.campaign.summary):
            why = "a summary prints no review mark"
            instead = "leave them to the timeline or the facts box, where a claim can be marked needs-review"
            findings += _weak_passages(edition, text, weak, why, instead)
            findings += _uncovered(edition, text, why, instead)
    why = f"{REPORT_FILE}'s prose prints no review mark"
    instead = "leave them to a dossier's timeline or facts box, where a claim can be marked needs-review"
    for text in edition.settings.texts():
        findings += _weak_passages(edition, text, weak, why, instead)
    for paragraph in edition.settings.introduction:
        findings += _uncovered(edition, paragraph.text, why, instead)
    return findings


def _weak_passages(edition: Edition, text: Text, weak: dict[str, str], why: str, instead: str) -> list[Finding]:
    """Return a `cite.weak` warning for each passage of prose with no review mark (a summary,
    report.yaml's introduction) whose inline citations are all weak, whatever it says."""
    return [
        warning(
            "cite.weak",
            group[0].loc,
            f"{why}, and the words '{visible(words)}' rest only on weak sources: {listed}; cite a"
            f" stronger source right after them, or {instead}",
        )
        for words, group, listed in _weak_groups(edition, text, weak)
    ]


def _uncovered(edition: Edition, text: Text, why: str, instead: str) -> list[Finding]:
    """Return a `cite.weak` warning for the words of a summary or of report.yaml's introduction
    that no citation covers: those after its last inline citation (at that citation), or the whole
    text when it cites nothing (at the text). Neither prints a note at the end of the text, as a
    claim's `sources:` does, so those words go out with no source and no review mark."""
    if len(MARKER_LIKE_RE.findall(text.value)) != len(text.citations) or any(
        b.source_id in edition.sources for b in text.bracketed
    ):
        return []  # a citation written wrong (`[@a, p. 4]`, `(@a)`, a YAML escape): `cite.malformed` says so
    if text.citations:
        after = _trailing(text)
        if after is None:
            return []
        return [
            warning(
                "cite.weak",
                text.citations[-1].loc,
                f"{why}, and the words '{visible(after)}' after the last citation have no note: cite their"
                f" source right after them ([@id]), or {instead}",
            )
        ]
    words = _shortened(text.value.split())
    if not words:
        return []
    return [
        warning(
            "cite.weak",
            text.loc,
            f"{why}, and the words '{visible(words)}' cite no source, so they have no note: cite their source"
            f" right after them ([@id]), or {instead}",
        )
    ]


def _weak_groups(
    edition: Edition, text: Text, weak: Mapping[str, str]
) -> Iterator[tuple[str, tuple[Citation, ...], str]]:
    """Yield each passage of `text` whose inline citations are all weak sources: its words, its
    citations, and the sources listed for a message ("'wiki' (reference)")."""
    for words, group in _passages(text):
        sources = [edition.sources.get(c.source_id) for c in group]
        if all(s is not None and s.type in weak for s in sources):
            yield words, group, ", ".join(dict.fromkeys(f"'{s.id}' ({s.type})" for s in sources if s is not None))


_CITE_GROUP_RE = re.compile(rf"{CITE_RE.pattern}(?:\s*{CITE_RE.pattern})*")
"""Inline citations next to each other, spaces or a line's wrap between them: `[@a] [@b]` is one group."""


def _passages(text: Text) -> Iterator[tuple[str, tuple[Citation, ...]]]:
    """Yield each cited passage of `text`: the last words before a group of adjacent inline
    citations (back to the group before it), and the group's citations. A group with no words
    before it (the text's first) supports none: it is no passage."""
    if len(CITE_RE.findall(text.value)) != len(text.citations):
        return  # a marker written with a YAML escape: `cite.malformed` says so, and the notes cannot be placed
    start, used = 0, 0
    for group in _CITE_GROUP_RE.finditer(text.value):
        n = len(CITE_RE.findall(group.group()))
        words = text.value[start : group.start()].split()
        while words and not any(c.isalnum() for c in words[0]):
            words.pop(0)  # what ends the sentence before: `[@a]. The words`
        if words:
            tail = " ".join(words[-8:])
            yield (("…" if len(words) > 8 else "") + tail), text.citations[used : used + n]
        start, used = group.end(), used + n


def _trailing(text: Text) -> str | None:
    """Return the words after the text's last inline citation, shortened as `_passages` does, or
    None when none follow it or the text cites nothing inline. What supports them is the note the
    claim's `sources:` prints at the end of the text (`Citer.claim`)."""
    if not text.citations or len(CITE_RE.findall(text.value)) != len(text.citations):
        return None
    *_, last = _CITE_GROUP_RE.finditer(text.value)
    words = text.value[last.end() :].split()
    while words and not any(c.isalnum() for c in words[0]):
        words.pop(0)  # what ends the sentence the citation closes: `[@a]. The words`
    return _shortened(words) or None


def _shortened(words: list[str]) -> str:
    """Return the last eight of `words` for a message, after "…" when there are more."""
    return ("…" if len(words) > 8 else "") + " ".join(words[-8:])


def check_sources(sources: Iterable[Source], locales: Iterable[str] = ("en_US",)) -> list[Finding]:
    """Return findings for malformed or duplicated source URLs, and for sources whose notes print
    the same publisher and date in one of `locales` (see `note_groups`) under the same title."""
    findings: list[Finding] = []
    seen: dict[tuple, Source] = {}
    listed = list(sources)
    same_note = {s.id: group for group in note_groups(listed, locales) for s in group}
    for source in listed:
        same = next(s for s in same_note[source.id] if s.title.casefold() == source.title.casefold())
        if same is not source:
            findings.append(
                warning(
                    "cite.ambiguous",
                    source.loc,
                    f"source '{source.id}' has the publisher, date and title of '{same.id}' (line {same.loc.line}):"
                    " readers can tell their notes apart only by a letter; make the titles say how they differ,"
                    " or merge them",
                )
            )
        findings += _dated_before_publication(source)
        findings += _tracked(source)
        key = page_key(source.url)
        if key in seen:
            findings.append(
                error(
                    "cite.duplicate-url",
                    source.url_loc,
                    f"source '{source.id}' has the same URL as '{seen[key].id}' (line {seen[key].loc.line})",
                )
            )
        else:
            seen[key] = source
    return findings


_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE_RE = re.compile(r"%([0-9A-Fa-f]{2})")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ASCII_KEPT = "/?%:@!$&'()*+,;=[]"
"""What `quote` leaves as it is in a path or query besides letters, digits and `-._~`: every other
character a URL holds raw (`schema.url_problem` refuses the rest), and `%`, whose escapes are already written."""


def page_key(url: str) -> tuple[str | int | None, ...]:
    """Return what names the page a well-formed http(s) URL (`schema.url_problem`) leads to, for
    `cite.duplicate-url`: http and https alike, the host in any case, with a final dot or as its
    punycode (`xn--`), a default port, a percent-encoded letter, digit or `-._~` (RFC 3986's unreserved
    characters), a raw or percent-encoded UTF-8 character, dot segments (`/./`, `/x/../`), doubled
    slashes, an empty query, a fragment and a final slash make no other page. The path keeps its case,
    an escaped `/`, `?` or other delimiter its escape (RFC 3986 2.2), and a query its order: servers
    may tell them apart."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = None if parts.port == _DEFAULT_PORTS.get(scheme) else parts.port
    path = "".join("/" + segment for segment in _without_dots(_escaped(parts.path).split("/")))
    return (parts.netloc.rpartition("@")[0], _host_key(parts.hostname), port, path, _escaped(parts.query))


def _host_key(host: str | None) -> str | None:
    """Return `host` (lower case, as `urlsplit` gives it) without its final dot, in IDNA's ASCII form;
    a host the codec refuses (an empty or overlong label) as it is."""
    if host is None:
        return None
    host = host.removesuffix(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _without_dots(segments: list[str]) -> list[str]:
    """Return the path `segments` with `.` and empty segments dropped and each `..` taking the one
    before it away, as RFC 3986 5.2.4 removes dot segments (and a server merges slashes)."""
    kept: list[str] = []
    for segment in segments:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment not in ("", "."):
            kept.append(segment)
    return kept


def _escaped(text: str) -> str:
    """Return `text` with each raw non-ASCII character percent-encoded as UTF-8, each percent-encoded
    unreserved character decoded, and other escapes in capitals (`%2f` is `%2F`, `é` is `%C3%A9`)."""
    return _unescape_unreserved(quote(text, safe=_ASCII_KEPT, errors="surrogatepass"))


def _unescape_unreserved(text: str) -> str:
    """Return `text` with each percent-encoded unreserved character decoded, and other escapes in capitals (`%2f` is `%2F`)."""

    def one(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else match.group(0).upper()

    return _ESCAPE_RE.sub(one, text)


_TRACKING = re.compile(
    r"utm_\w+|mc_[ce]id|_hs(?:enc|mi)|mkt_tok|fbclid|gclid|dclid|msclkid|igshid|yclid|twclid"
    r"|(?:access_|auth_|session_)?token|sid|session_?id|jsessionid|phpsessid|aspsessionid\w*",
    re.IGNORECASE,
)
"""The query parameters a newsletter, an ad, a share button or a login adds to a page's URL: they
do not choose the page. Mailchimp's `mc_eid` and Marketo's `mkt_tok` name the subscriber, and a
token or a session id can open the editor's account for whoever follows the link."""


def tracking_parameters(url: str) -> list[str]:
    """Return the names of the query parameters of `url` that track or sign in (`_TRACKING`), in order."""
    return [name for name, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True) if _TRACKING.fullmatch(name)]


def untracked(url: str) -> str:
    """Return `url` without its tracking and sign-in query parameters (`_TRACKING`), the rest as written."""
    parts = urlsplit(url)
    kept = [part for part in parts.query.split("&") if not _TRACKING.fullmatch(unquote_plus(part.partition("=")[0]))]
    return urlunsplit(parts._replace(query="&".join(kept)))


def _tracked(source: Source) -> list[Finding]:
    """Return a `source.tracking` warning for a source URL with tracking or sign-in parameters (an
    archived copy's URL is the archive's address of that page, kept as the archive has it)."""
    if not (names := tracking_parameters(source.url)):
        return []
    return [
        warning(
            "source.tracking",
            source.url_loc,
            f"source '{source.id}' has {', '.join(names)} in its url, which every reader's link would carry: it"
            " says where the editor found the page, or signs in as them; delete"
            f" {'it' if len(names) == 1 else 'them'} from the URL (the page opens without)",
        )
    ]


def _dated_before_publication(source: Source) -> list[Finding]:
    """Return a `date.order` error, at the later value, for a source's `updated` or `accessed` that
    ends before its `date` begins (`updated: 2019-01-01` on an article of 2022-04-20 printed
    "April 20, 2022, updated January 1, 2019"). Partial dates compare as ranges do: `updated: 2022`
    may be any day of 2022, so it is not before 2022-04-20."""
    if source.date is None:
        return []
    out = []
    for name, later, loc, why in (
        ("updated", source.updated, source.updated_loc, "a source is updated after it is published"),
        ("accessed", source.accessed, source.accessed_loc, "a source is read after it is published"),
    ):
        if later is not None and later.latest() < source.date.earliest():
            out.append(
                error(
                    "date.order",
                    loc,
                    f"source '{source.id}' has `{name}: {later.iso()}`, before its date {source.date.iso()}:"
                    f" {why}; correct the one that is wrong",
                )
            )
    return out


def check_dates(edition: Edition, today: dt.date) -> list[Finding]:
    """Return findings for dates later than today or than the edition date: a range's start or its end."""
    findings: list[Finding] = []
    edition_date = edition.settings.edition
    spans: list[DateSpan] = []
    for facility in edition.facilities:
        spans.extend(span for _claim, span in _dated_claims(facility))
        if facility.review.date:
            spans.append(facility.review.date)
    for source in edition.sources.values():
        dated = (
            (source.date, source.date_loc),
            (source.updated, source.updated_loc),
            (source.accessed, source.accessed_loc),
        )
        spans.extend(DateSpan(date, loc=loc) for date, loc in dated if date is not None)
    first = edition.settings.first_published
    if first:
        spans.append(first)
    if edition_date > today:
        findings.append(
            error(
                "date.future",
                edition.settings.edition_loc,
                f"the edition date {edition_date.isoformat()} {_after_today(edition_date, today)}",
            )
        )
    bound = min(today, edition_date)
    for span in spans:
        if span.start.earliest() > bound:
            said, earliest = f"date {span.iso()}", span.start.earliest()
        elif span.end is not None and span.end.earliest() > bound:
            said, earliest = f"date range {span.iso()} ends {span.end.iso()}, which", span.end.earliest()
        else:
            continue
        if earliest > today:
            findings.append(error("date.future", span.loc, f"{said} {_after_today(earliest, today)}"))
        else:
            findings.append(
                error(
                    "date.after-edition",
                    span.loc,
                    f"{said} is after the edition date {edition_date.isoformat()}: correct the date, or, if the"
                    f" edition is that recent, set `edition: {earliest.isoformat()}` (or later, up to today) in"
                    f" {REPORT_FILE}",
                )
            )
    return findings


ENDED = frozenset(("closed", "ice-contract-ended"))
"""The `status` states whose date is when ICE detention there ended."""


def check_lifetimes(edition: Edition) -> list[Finding]:
    """Return a warning, at its date, for each death in custody that is certainly dated after ICE
    detention at the facility ended (`date.after-closing`) or before it began (`date.before-opening`).

    Partial dates compare as ranges do: a death of `2021` is not after a closing in `2021-03`, and a
    range (`2010/2016`) only when all of it is outside. Timeline entries are not judged: the history
    of a facility rightly holds some from outside ICE's years there (abuse under the building's former
    use, a lawsuit settled after the closing), which no edit could then clear the warning of. A
    warning, not an error: the date or the status may be the one to correct.
    """
    findings: list[Finding] = []
    for facility in edition.facilities:
        status, opened = facility.status, facility.opened.date if facility.opened else None
        for death in facility.deaths:
            span = death.date
            if span is None:
                continue
            what = f"the death of {death.name}" if death.name else f"death '{death.id}'"
            if status.state in ENDED and span.earliest() > status.date.latest():
                findings.append(
                    warning(
                        "date.after-closing",
                        span.loc,
                        f"{what} is dated {span.iso()}, after ICE detention here ended (status {status.state},"
                        f" {status.date.iso()}, line {status.date.loc.line}): correct the date or the status's",
                    )
                )
            elif opened is not None and span.latest() < opened.earliest():
                findings.append(
                    warning(
                        "date.before-opening",
                        span.loc,
                        f"{what} is dated {span.iso()}, before ICE detention here began (opened {opened.iso()},"
                        f" line {opened.loc.line}): correct the date or the opening's",
                    )
                )
    return findings


def check_deaths(edition: Edition) -> list[Finding]:
    """Return a `death.duplicate` warning, at the later entry, for a death in custody whose name and date
    (or lack of one) an earlier entry of the edition already has: one death counted twice."""
    findings: list[Finding] = []
    seen: dict[tuple[str, str], Loc] = {}
    for facility in edition.facilities:
        for death in facility.deaths:
            if not death.name:
                continue  # unnamed deaths on one day may well be two people
            key = (" ".join(death.name.split()).casefold(), death.date.iso() if death.date else "")
            earlier = seen.setdefault(key, death.loc)
            if earlier is death.loc:
                continue
            when = f"on {death.date.iso()}" if death.date else "with no date"
            findings.append(
                warning(
                    "death.duplicate",
                    death.loc,
                    f"the death of {death.name} {when} is already listed ({earlier.path}:{earlier.line}): delete one"
                    " entry, merging their sources, or correct the name or the date if they are two people",
                )
            )
    return findings


def check_names(edition: Edition) -> list[Finding]:
    """Return a `name.duplicate` warning, at the later dossier's name, for a facility whose name (letter
    case and runs of spaces aside) an earlier facility of the edition already has."""
    findings: list[Finding] = []
    seen: dict[str, Facility] = {}
    for facility in edition.facilities:
        earlier = seen.setdefault(name_key(facility.name), facility)
        if earlier is not facility:
            findings.append(duplicate_name(facility.name, facility.name_loc, earlier.id, earlier.name_loc))
    return findings


def name_key(name: str) -> str:
    """Return what two facility names that are one share: letter case and runs of spaces aside."""
    return " ".join(name.split()).casefold()


def duplicate_name(name: str, loc: Loc, earlier_id: str, earlier: Loc, delete: str = "") -> Finding:
    """Return the `name.duplicate` warning at `loc` for `name`, which facility `earlier_id` has at
    `earlier`; `delete` names a file just written that deleting would undo (`new`)."""
    instead = f"add to that dossier instead (and delete {delete})" if delete else "add to that dossier instead"
    return warning(
        "name.duplicate",
        loc,
        f"'{name}' is also the name of facility '{earlier_id}' ({earlier.path}:{earlier.line}), and the contents,"
        f" the map and the search cannot tell them apart: if it is the same facility, {instead}; if they are"
        " two, give each its full official name",
    )


def _after_today(date: dt.date, today: dt.date) -> str:
    """Say that `date` is later than `today`: in the future, or after the day SOURCE_DATE_EPOCH set
    as today (reproducible builds), when that is earlier than the clock's and the date is not."""
    if source_date() is None or date > dt.date.today():
        return "is in the future"
    return f"is after {today.isoformat()}, the day SOURCE_DATE_EPOCH sets as today: set it later, or unset it"


def check_review(facility: Facility) -> list[Finding]:
    """Return warnings for a dossier, and its claims, that editors have not verified."""
    findings: list[Finding] = []
    review = facility.review
    if review.status != "verified":
        membership = (
            "; its place on DWN's 2021 First Ten list is unverified" if review.list_membership != "confirmed" else ""
        )
        findings.append(
            warning(
                "review.unverified",
                review.loc,
                f"'{facility.id}' is not fact-checked (review status '{review.status}'){membership}",
            )
        )
    if review.list_doubt is not None and review.list_membership == "confirmed":
        findings.append(
            error(
                "review.doubt",
                review.list_doubt.loc,
                "list_doubt is printed only while list_membership is 'unverified': with 'confirmed', no"
                " reader sees it; delete it, or set list_membership: unverified while the doubt stands",
            )
        )
    pending = [claim.review.loc for claim in facility.claims() if claim.review is not None]
    if review.status == "verified" and pending:
        lines = ", ".join(str(loc.line) for loc in pending)
        are, line = ("is", "line") if len(pending) == 1 else ("are", "lines")
        findings.append(
            warning(
                "review.verified",
                review.status_loc,
                f"'{facility.id}' is marked verified, but {count(len(pending), 'claim')} {are} still marked"
                f" needs-review ({line} {lines}): once checked, delete `review: needs-review` from each;"
                " until then, set `status: needs-review` here",
            )
        )
    for claim in facility.claims():
        note = claim.review_note
        if claim.review is not None:
            said = f": {note.value}" if note else ""
            findings.append(warning("review.claim", claim.review.loc, f"claim marked needs-review{said}"))
        elif note is not None:
            findings.append(
                warning(
                    "review.note",
                    note.loc,
                    "a review_note without `review: needs-review`: the claim is printed as checked and nothing"
                    " blocks a release; add `review: needs-review` to the claim, or delete the note once it is checked",
                )
            )
    for figure in facility.capacity:
        if figure.unit == "unstated" and figure.review is None:
            findings.append(
                warning(
                    "figure.unit",
                    figure.loc,
                    f"{figure.count:,} is given without a unit (unit: unstated): give the unit a cited source states"
                    " (unit: beds or unit: people); until one does, a draft may mark it needs-review so that readers"
                    " see it is unchecked (a release refuses that mark too)",
                )
            )
    return findings


PLACEHOLDER_ALTS = frozenset(
    ("image", "img", "photo", "photograph", "picture", "pic", "graphic", "foto", "fotografía", "imagen")
)
"""Words that, alone as alternative text, say only that there is an image (WCAG F30)."""


def check_images(edition: Edition) -> list[Finding]:
    """Return a finding, at its `src`, for every dossier image the build may not or cannot use, and
    one at its `alt` for alternative text that does not say what the image shows."""
    findings: list[Finding] = []
    for facility in edition.facilities:
        if facility.image is not None:
            problem = image_problem(edition.root, facility.image.src, facility.image.credit)
            if problem is not None:
                findings.append(error(problem[0], facility.image.src_loc, problem[1]))
            findings += _placeholder_alt(facility.image)
    return findings


def _placeholder_alt(image: Image) -> list[Finding]:
    """Return an `image.alt` finding if the image's alternative text is its file name or a placeholder."""
    alt = image.alt.value.strip()
    said = alt.casefold().rstrip(".")
    src = image.src.casefold()
    if said in (src, src.rsplit(".", 1)[0]):
        what = "the image's file name"
    elif said in PLACEHOLDER_ALTS:
        what = "a placeholder"
    else:
        return []
    return [
        error(
            "image.alt",
            image.alt.loc,
            f"the alternative text '{alt}' is {what}, which tells someone who cannot see the image nothing:"
            " say what the image shows (such as 'The facility's front gate, seen from the road')",
        )
    ]


LISTS = ("timeline", "deaths", "developments")
"""The dossier lists whose entries' ids are anchors."""


class Anchor(NamedTuple):
    """An element id a chapter prints (`layouts/partials/facility.html`), and what gives it."""

    name: str
    loc: Loc
    kind: str  # "facility", "heading", "source" (the chapter's entry), "bibliography", or a list's name
    key: str  # the section, source or entry id
    facility: str = ""

    @property
    def what(self) -> str:
        """Say what gives the anchor, for a finding."""
        if self.kind == "facility":
            return f"facility '{self.key}'"
        if self.kind == "heading":
            return f"the {self.key} heading of '{self.facility}'"
        if self.kind == "source":
            return f"the chapter's entry for source '{self.key}'"
        if self.kind == "bibliography":
            return f"the bibliography entry of source '{self.key}'"
        return f"{self.kind} entry '{self.key}' of '{self.facility}'"


def chapter_anchors(facility: Facility, mode: str, cited: Mapping[str, Loc] | None = None) -> list[Anchor]:
    """Return the anchors of a facility's chapter: in the report PDF (`mode` "pdf") or on its page
    ("site"), given the sources it cites and where first (`cited`, found here if None).

    tests/test_outputs.py renders every chapter both ways and keeps this true.
    """
    fid, id_loc = facility.id, facility.id_loc
    anchors = [Anchor(fid, id_loc, "facility", fid)]
    sections = ["title", "facts", "summary", "timeline"]
    sections += ["deaths"] * bool(facility.deaths) + ["history"] * bool(facility.developments)
    sections += ["campaign", "sources"]
    if mode == "site":  # the notes, and the locator map drawn inline (`layouts/partials/map.html`)
        sections += ["notes", "locator", "locator-title", "locator-desc"]
    anchors += [Anchor(f"{fid}-{section}", id_loc, "heading", section, fid) for section in sections]
    prefix = f"{fid}-src-" if mode == "pdf" else "src-"
    anchors += [Anchor(prefix + source_id, loc, "source", source_id, fid) for source_id, loc in _cited(facility, cited)]
    entries: tuple[tuple[Event | Death | Development, ...], ...] = (
        facility.timeline,
        facility.deaths,
        facility.developments,
    )
    for list_name, items in zip(LISTS, entries, strict=True):  # last: an entry's id is what a writer changes
        anchors += [Anchor(f"{fid}-{item.id}", item.loc, list_name, item.id, fid) for item in items]
    return anchors


def _cited(facility: Facility, cited: Mapping[str, Loc] | None) -> Iterable[tuple[str, Loc]]:
    """Return each source a facility cites with where it first does."""
    if cited is None:
        found: dict[str, Loc] = {}
        for citation in _facility_citations(facility):
            found.setdefault(citation.source_id, citation.loc)
        cited = found
    return cited.items()


def check_anchors(edition: Edition) -> list[Finding]:
    """Return an `id.anchor` error where two things would share an anchor: in the report PDF, where
    every chapter and the bibliography are, or on one facility's page."""
    listed = edition.cited_ids()
    report = [Anchor(f"src-{s.id}", s.loc, "bibliography", s.id) for s in edition.sources.values() if s.id in listed]
    scopes = [("the report PDF", report)]
    for facility in edition.facilities:
        cited = dict(_cited(facility, None))
        report += chapter_anchors(facility, "pdf", cited)
        scopes.append((f"the page of '{facility.id}'", chapter_anchors(facility, "site", cited)))
    findings: dict[tuple[str, Loc], Finding] = {}
    for scope, anchors in scopes:
        first: dict[str, Anchor] = {}
        for anchor in anchors:
            earlier = first.setdefault(anchor.name, anchor)
            if earlier is anchor or (
                anchor.kind in LISTS and earlier.kind == anchor.kind and earlier.facility == anchor.facility
            ):
                continue  # one list's id twice: `id.duplicate` says so
            findings.setdefault(
                (anchor.name, anchor.loc),
                error(
                    "id.anchor",
                    anchor.loc,
                    f"{anchor.what} and {earlier.what} ({earlier.loc.path}:{earlier.loc.line}) would both be the"
                    f" anchor '{anchor.name}' in {scope}, where a link can lead to only one: change one of the ids",
                ),
            )
    return list(findings.values())


def prose_texts(edition: Edition) -> Iterator[Text]:
    """Yield every translatable text in the edition: report settings first, then dossiers."""
    yield from edition.settings.texts()
    for facility in edition.facilities:
        yield from facility.texts()
