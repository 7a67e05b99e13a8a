"""The open data: the edition's records as tidy tables in `dist/data/`, CSV and JSON, with a datapackage.json.

Built from the gathered records (never from the YAML again), in the source language. Each
table is described once, in `TABLES` (name, type, description of every column): the rows, the
CSV header and the Frictionless Data Package schema are all read from that description. Review
flags travel with the rows: a claim marked `needs-review`, the dossier's own fact-check status,
and the cited sources of a weak type (`x-weak` in the sources schema) are columns of each row.
The editors' `review_note`s are not: the schema keeps them for the editors, unprinted.
Output is deterministic: chapter order, then dossier order; sources by id.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any

from babel import Locale

from ..content.model import CITE_RE, Capacity, Claim, DateSpan, Edition, Facility, Source, Text, printed
from ..content.validate import weak_types
from ..publish import Output

DATA_DIR = "data"
LICENSE_NOT_STATED = "License not stated: the publisher has not yet chosen a license for this data."


@dataclass(frozen=True)
class Column:
    """One column of a table: its name, Table Schema type and what it holds."""

    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Table:
    """One table of the data package: its columns, key and what one row is."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]


def _c(name: str, typ: str, description: str) -> Column:
    return Column(name, typ, description)


_FACILITY = _c("facility_id", "string", "The facility's id (see facilities).")
_SOURCE_IDS = _c(
    "source_ids", "string", "The ids of the sources the row cites, separated by spaces (see sources: source_id)."
)
_FLAGS = (
    _c("review", "string", "'needs-review' when editors must still check this claim against its sources; else empty."),
    _c("weak_sources", "string", "The cited sources that are of a weak type (see sources: weak), space-separated."),
    _c(
        "dossier_review",
        "string",
        "The fact-check status of the facility's whole dossier: unverified, needs-review or verified.",
    ),
)
_DATE = (
    _c("date", "string", "The date as precise as its source: YYYY, YYYY-MM or YYYY-MM-DD, or a range start/end."),
    _c(
        "date_earliest",
        "date",
        "The first day the date as written can mean; with date_approximate, the event may fall before it.",
    ),
    _c(
        "date_latest",
        "date",
        "The last day the date as written can mean; with date_approximate, the event may fall after it.",
    ),
    _c("date_approximate", "boolean", "True when the source gives the date as approximate."),
)
_TEXT = _c("text", "string", "What happened, as the report states it (English), without citation markers.")

TABLES = (
    Table(
        "facilities",
        "Facilities",
        "One row per detention center in the report, in chapter order.",
        (
            _FACILITY,
            _c("chapter", "integer", "The facility's chapter number in the report."),
            _c("name", "string", "The facility's name."),
            _c("other_names", "string", "Other names the facility has had, separated by ' | '."),
            _c("city", "string", "City."),
            _c("city_near", "boolean", "True when the facility is near the city rather than in it."),
            _c(
                "area",
                "string",
                "The part of the city the facility is in, as the report prints it after the city (English); empty"
                " when it gives none.",
            ),
            _c("county", "string", "County."),
            _c("state", "string", "State."),
            _c("address", "string", "Street address, when a source gives it."),
            _c("website", "string", "The facility's own web site, when a source gives it."),
            _c("latitude", "number", "Latitude (WGS 84), when a source gives it."),
            _c("longitude", "number", "Longitude (WGS 84), when a source gives it."),
            _c("operator", "string", "Who runs the facility."),
            _c("operator_kind", "string", "What kind of operator it is."),
            _c(
                "operator_text",
                "string",
                "What the report says of the operator (English), without citation markers; empty when it says nothing more.",
            ),
            _c("owner", "string", "Who owns the facility, when different and known."),
            _c("status", "string", "The facility's status at this edition."),
            _c(
                "status_date",
                "string",
                "For 'open', the date of the latest source: ICE held people here as of that date, which is not"
                " when detention began; otherwise ('closed', 'ice-contract-ended') when ICE detention here ended."
                " As precise as its source: YYYY, YYYY-MM or YYYY-MM-DD, or a range start/end.",
            ),
            _c("status_date_approximate", "boolean", "True when the source gives the status date as approximate."),
            _c("status_text", "string", "What the report says of the status (English), without citation markers."),
            _c(
                "opened",
                "string",
                "When the facility began holding people for ICE, when a source gives it: YYYY, YYYY-MM or"
                " YYYY-MM-DD, or a range start/end.",
            ),
            _c("opened_approximate", "boolean", "True when the source gives the opening date as approximate."),
            _c(
                "opened_text",
                "string",
                "What the report says of the opening (English), without citation markers; empty when it gives none.",
            ),
            _c(
                "contract",
                "string",
                "How ICE contracts for the facility, when known: 'private-direct' (with a private company),"
                " 'local-government' (with a county, city or sheriff) or 'usms-rider' (on a U.S. Marshals"
                " Service agreement).",
            ),
            _c(
                "contract_text",
                "string",
                "What the report says of the contract (English), without citation markers; empty when it says"
                " nothing more.",
            ),
            _c(
                "list_membership",
                "string",
                "'confirmed' when a source confirms the facility was named on DWN's 2021 First Ten list;"
                " 'unverified' when none does yet, and the report says so in its chapter.",
            ),
            _c("summary", "string", "The chapter's summary (English), without citation markers."),
            _c(
                "campaign_summary",
                "string",
                "The chapter's summary of the campaign to close the facility (English), without citation markers.",
            ),
            _c(
                "review_claims",
                "string",
                "Which of the row's claims editors must still check against their sources (marked"
                " needs-review), space-separated: location (city to longitude), operator (with operator_kind and"
                " operator_text), owner, contract (with contract_text), opened (with opened_text), status (with"
                " status_date and status_text); empty when none. The row's 'review' is"
                " needs-review when any is.",
            ),
            *_FLAGS,
            _SOURCE_IDS,
        ),
        ("facility_id",),
    ),
    Table(
        "figures",
        "Capacity and population figures",
        "The figures of each facility's facts box: what it can hold, the minimum ICE pays for, people held"
        " at one time, the average daily population. Where sources disagree, each figure is its own row.",
        (
            _FACILITY,
            _c("figure_id", "string", "The figure's id, unique within its facility."),
            _c(
                "measure",
                "string",
                "What is counted: 'capacity' (how many the facility can hold), 'guaranteed-minimum' (the"
                " minimum ICE pays for), 'detainees' (people held at one time) or 'average-daily-population'.",
            ),
            _c("count", "integer", "The number, as the source gives it."),
            _c(
                "qualifier",
                "string",
                "How exact the number is: 'about', 'up-to', 'more-than' or 'nearly'; empty for an exact figure.",
            ),
            _c(
                "unit",
                "string",
                "What a capacity or guaranteed minimum counts: 'beds', 'people', or 'unstated' when the sources"
                " give the number alone (such a figure is still being checked); empty for the other measures,"
                " which count people.",
            ),
            _c(
                "as_of",
                "string",
                "When the figure applied, as precise as its source: YYYY, YYYY-MM or YYYY-MM-DD, or a range"
                " start/end; empty when the source gives no date.",
            ),
            _c(
                "note", "string", "Context for the figure, as the report states it (English), without citation markers."
            ),
            *_FLAGS,
            _SOURCE_IDS,
        ),
        ("facility_id", "figure_id"),
    ),
    Table(
        "events",
        "Dated events",
        "Timeline entries (documented abuse) and developments (changes to the contract or status), by facility.",
        (
            _FACILITY,
            _c("event_id", "string", "The entry's id, unique within its facility and kind."),
            _c("kind", "string", "'timeline' (documented abuse) or 'development' (contract or status)."),
            _c("category", "string", "The timeline entry's category; empty for developments."),
            *_DATE,
            _TEXT,
            _c(
                "accusation",
                "boolean",
                "True when the report treats the entry as an accusation of wrongdoing, as its own checks do:"
                " every timeline entry (documented abuse), and a development its dossier marks"
                " 'accusation: true'. Such an entry needs a source that is not weak (see sources: weak).",
            ),
            *_FLAGS,
            _SOURCE_IDS,
        ),
        ("facility_id", "kind", "event_id"),
    ),
    Table(
        "deaths",
        "Deaths in custody",
        "The entries of each chapter's 'Deaths in custody' section, by facility: one row per entry, which"
        " may tell of more than one death. The timeline reports deaths too (see events, category"
        " 'death-in-custody'); count both before saying how many deaths the report documents.",
        (
            _FACILITY,
            _c("death_id", "string", "The entry's id, unique within its facility."),
            _c("name", "string", "The name of the person who died, when the sources give it."),
            *_DATE,
            _TEXT,
            *_FLAGS,
            _SOURCE_IDS,
        ),
        ("facility_id", "death_id"),
    ),
    Table(
        "campaign_actions",
        "Campaign actions",
        "Dated actions of the local campaigns to shut each facility down.",
        (
            _FACILITY,
            _c("action_id", "string", "The action's id, unique within its facility."),
            *_DATE,
            _TEXT,
            *_FLAGS,
            _SOURCE_IDS,
        ),
        ("facility_id", "action_id"),
    ),
    Table(
        "campaign_demands",
        "Campaign demands",
        "What each facility's campaign demands.",
        (
            _FACILITY,
            _c("demand_id", "string", "The demand's id, unique within its facility."),
            _c("text", "string", "The demand, as the report states it (English), without citation markers."),
            *_FLAGS,
            _SOURCE_IDS,
        ),
        ("facility_id", "demand_id"),
    ),
    Table(
        "campaign_organizations",
        "Campaign organizations",
        "The organizations in each facility's campaign.",
        (
            _FACILITY,
            _c("organization_id", "string", "The organization's id, unique within its facility."),
            _c("name", "string", "The organization's name."),
            _c("url", "string", "The organization's web site."),
            _c("role", "string", "Its role in the campaign (English)."),
            *_FLAGS,
            _SOURCE_IDS,
        ),
        ("facility_id", "organization_id"),
    ),
    Table(
        "sources",
        "Sources",
        "Every source the report cites, by id.",
        (
            _c("source_id", "string", "The source's id, as the other tables cite it."),
            _c("type", "string", "What kind of source it is."),
            _c(
                "weak",
                "boolean",
                f"True when its type ({', '.join(weak_types())}) is weak support: a death or an accusation"
                " that cites only weak sources still needs a stronger one.",
            ),
            _c(
                "title",
                "string",
                "The title as published, in the source's language; with title_status 'descriptive', the"
                " editors' own description of the item (English).",
            ),
            _c(
                "title_status",
                "string",
                "How the title was captured: 'exact'; 'inferred' (read from the URL); 'descriptive' (the"
                " headline was not captured, and the title describes the item); 'truncated' (the headline"
                " retrieved was cut off).",
            ),
            _c("publisher", "string", "Who published it; joint publishers are separated by '; '."),
            _c("date", "string", "When it was published (YYYY, YYYY-MM or YYYY-MM-DD); empty if undated."),
            _c("date_approximate", "boolean", "True when the date is approximate."),
            _c("updated", "string", "When it was last updated, if known."),
            _c("url", "string", "Where it is."),
            _c("archive_url", "string", "An archived copy, if any."),
            _c("accessed", "string", "When it was last read."),
            _c("lang", "string", "Its language, when not English."),
            _c("via", "string", "Where it was found, when not at its publisher."),
        ),
        ("source_id",),
    ),
)


def data_outputs(edition: Edition) -> list[Output]:
    """Return every file of `dist/data/`: each table as CSV and JSON, and datapackage.json."""
    rows = _rows(edition)
    outputs = []
    for table in TABLES:
        outputs.append(Output(f"{DATA_DIR}/{table.name}.csv", _csv(table, rows[table.name]), "data"))
        outputs.append(Output(f"{DATA_DIR}/{table.name}.json", _json(rows[table.name]), "data"))
    outputs.append(Output(f"{DATA_DIR}/datapackage.json", _json(datapackage(edition)), "data"))
    return outputs


def datapackage(edition: Edition) -> dict[str, Any]:
    """Return the Frictionless Data Package descriptor of the tables."""
    s = edition.settings
    license = s.license
    language = Locale.parse(s.source_language).get_display_name("en") or s.source_language
    description = (
        f"The facts of the report '{s.title.value}' ({s.publisher}), edition of {s.edition.isoformat()},"
        " as tables: facilities, their capacity and population figures, dated events, deaths in custody,"
        " campaign actions, demands and organizations, and"
        f" the sources every row cites. Values are in the report's source language, {language}; the"
        " translations of the report are on its site. A row whose 'review' is needs-review or whose"
        " 'dossier_review' is not verified states a fact editors are still checking; 'weak_sources'"
        " lists the weak sources it cites. Text is spaced as the report prints it: a run of spaces, tabs"
        " or line breaks is one space. " + CSV_FORMULAS
    )
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": _slug(s.title.value),
        "title": s.title.value,
        "description": description if license else f"{description} {LICENSE_NOT_STATED}",
        "version": s.edition.isoformat(),
        "created": f"{s.edition.isoformat()}T00:00:00Z",
        "contributors": [{"title": s.publisher, "role": "publisher"}],
        "keywords": [k.value for k in s.keywords],
    }
    if s.base_url:
        package["homepage"] = s.base_url
    if license:
        package["licenses"] = [{k: v for k in ("name", "path", "title") if (v := getattr(license, k))}]
    resources = []
    for table in TABLES:
        schema: dict[str, Any] = {
            "fields": [{"name": c.name, "type": c.type, "description": c.description} for c in table.columns],
            "primaryKey": list(table.key),
        }
        refs = (
            [("facility_id", "facilities", "facility_id")]
            if table.columns[0] == _FACILITY and table.name != "facilities"
            else []
        )
        if refs:
            schema["foreignKeys"] = [
                {"fields": field, "reference": {"resource": resource, "fields": target}}
                for field, resource, target in refs
            ]
        for fmt, media in (("csv", "text/csv"), ("json", "application/json")):
            resources.append(
                {
                    "profile": "tabular-data-resource",
                    "name": table.name if fmt == "csv" else f"{table.name}-json",
                    "path": f"{table.name}.{fmt}",
                    "title": table.title,
                    "description": table.description,
                    "format": fmt,
                    "mediatype": media,
                    "encoding": "utf-8",
                    "schema": schema,
                }
            )
    package["resources"] = resources
    return package


# -- rows ------------------------------------------------------------------------------------------


Row = dict[str, Any]


def _rows(edition: Edition) -> dict[str, list[Row]]:
    weak = set(weak_types())
    rows: dict[str, list[Row]] = {table.name: [] for table in TABLES}
    for number, facility in enumerate(edition.facilities, 1):
        flags = _Flags(facility, edition, weak)
        rows["facilities"].append(_facility_row(facility, number, flags))
        for figure in facility.capacity:
            rows["figures"].append(_figure_row(facility, figure) | flags.of(figure))
        for entry in facility.timeline:
            rows["events"].append(
                {"facility_id": facility.id, "event_id": entry.id, "kind": "timeline", "category": entry.category}
                | _date(entry.date)
                | {"text": _plain(entry.text), "accusation": entry.is_accusation()}
                | flags.of(entry)
            )
        for development in facility.developments:
            rows["events"].append(
                {"facility_id": facility.id, "event_id": development.id, "kind": "development", "category": None}
                | _date(development.date)
                | {"text": _plain(development.text), "accusation": development.is_accusation()}
                | flags.of(development)
            )
        for death in facility.deaths:
            rows["deaths"].append(
                {"facility_id": facility.id, "death_id": death.id, "name": death.name}
                | _date(death.date)
                | {"text": _plain(death.text)}
                | flags.of(death)
            )
        for action in facility.campaign.actions:
            rows["campaign_actions"].append(
                {"facility_id": facility.id, "action_id": action.id}
                | _date(action.date)
                | {"text": _plain(action.text)}
                | flags.of(action)
            )
        for demand in facility.campaign.demands:
            rows["campaign_demands"].append(
                {"facility_id": facility.id, "demand_id": demand.id, "text": _plain(demand.text)} | flags.of(demand)
            )
        for org in facility.campaign.organizations:
            rows["campaign_organizations"].append(
                {"facility_id": facility.id, "organization_id": org.id, "name": org.name, "url": org.url}
                | {"role": _plain(org.role) if org.role else None}
                | flags.of(org)
            )
    cited = edition.cited_ids()
    for source in sorted(edition.sources.values(), key=lambda s: s.id):
        if source.id in cited:  # not the sources only unlisted dossiers cite, or nobody
            rows["sources"].append(_source_row(source, weak))
    return {name: [_ordered(_table(name), row) for row in found] for name, found in rows.items()}


class _Flags:
    """The review columns and source ids of a facility's claims."""

    def __init__(self, facility: Facility, edition: Edition, weak: set[str]):
        self.facility = facility
        self.edition = edition
        self.weak = weak

    def of(self, *claims: Claim, texts: tuple[Text, ...] = ()) -> Row:
        """Return the review columns and source ids of one row made of these claims (and texts)."""
        ids: list[str] = []
        for claim in claims:
            ids += [c.source_id for c in claim.sources]
            ids += [c.source_id for text in claim.texts() for c in text.citations]
        ids += [c.source_id for text in texts for c in text.citations]
        ids = list(dict.fromkeys(ids))  # in order of citation, once each
        reviews = [claim.review for claim in claims if claim.review is not None]
        weak = [i for i in ids if (s := self.edition.sources.get(i)) is not None and s.type in self.weak]
        return {
            "review": "needs-review" if reviews else None,
            "weak_sources": " ".join(weak) or None,
            "dossier_review": self.facility.review.status,
            "source_ids": " ".join(ids) or None,
        }


def _facility_row(facility: Facility, number: int, flags: _Flags) -> Row:
    where, operator, owner, status = facility.location, facility.operator, facility.owner, facility.status
    contract, opened = facility.contract, facility.opened
    named: dict[str, Claim | None] = {
        "location": where,
        "operator": operator,
        "owner": owner,
        "contract": contract,
        "opened": opened,
        "status": status,
    }
    claims = [claim for claim in named.values() if claim is not None]
    lat, lon = where.coordinates or (None, None)
    opened_date = opened.date if opened is not None else None
    return {
        "facility_id": facility.id,
        "chapter": number,
        "name": facility.name,
        "other_names": " | ".join(facility.other_names) or None,
        "city": where.city,
        "city_near": where.near,
        "area": _plain(where.area) if where.area is not None else None,
        "county": where.county,
        "state": where.state,
        "address": where.address,
        "website": facility.website,
        "latitude": lat,
        "longitude": lon,
        "operator": operator.name,
        "operator_kind": operator.kind,
        "operator_text": _plain(operator.text) if operator.text is not None else None,
        "owner": owner.name if owner else None,
        "status": status.state,
        "status_date": status.date.iso(),
        "status_date_approximate": status.date.approximate,
        "status_text": _plain(status.text),
        "opened": opened_date.iso() if opened_date is not None else None,
        "opened_approximate": opened_date.approximate if opened_date is not None else None,
        "opened_text": _plain(opened.text) if opened is not None else None,
        "contract": contract.kind if contract is not None else None,
        "contract_text": _plain(contract.text) if contract is not None and contract.text is not None else None,
        "list_membership": facility.review.list_membership,
        "summary": _plain(facility.summary),
        "campaign_summary": _plain(facility.campaign.summary),
        "review_claims": " ".join(name for name, claim in named.items() if claim and claim.review) or None,
    } | flags.of(*claims, texts=(facility.summary, facility.campaign.summary))


def _figure_row(facility: Facility, figure: Capacity) -> Row:
    return {
        "facility_id": facility.id,
        "figure_id": figure.id,
        "measure": figure.measure,
        "count": figure.count,
        "qualifier": figure.qualifier,
        "unit": figure.unit,
        "as_of": figure.as_of.iso() if figure.as_of is not None else None,
        "note": _plain(figure.note) if figure.note is not None else None,
    }


def _source_row(source: Source, weak: set[str]) -> Row:
    iso = lambda d: d.iso() if d is not None else None  # noqa: E731
    return {
        "source_id": source.id,
        "type": source.type,
        "weak": source.type in weak,
        "title": source.title,
        "title_status": source.title_status,
        "publisher": "; ".join(source.publisher),
        "date": iso(source.date),
        "date_approximate": source.date_approximate,
        "updated": iso(source.updated),
        "url": source.url,
        "archive_url": source.archive_url,
        "accessed": iso(source.accessed),
        "lang": source.lang,
        "via": source.via,
    }


def _date(span: DateSpan | None) -> Row:
    if span is None:
        return {"date": None, "date_earliest": None, "date_latest": None, "date_approximate": None}
    return {
        "date": span.iso(),
        "date_earliest": span.earliest().isoformat(),
        "date_latest": span.latest().isoformat(),
        "date_approximate": span.approximate,
    }


_MARKER = re.compile(r"[ \t\r\n]*" + CITE_RE.pattern)
"""An inline citation with the spacing before it: the note call that replaces it in print follows the word."""


def _plain(text: Text) -> str:
    """Return prose without its `[@id]` markers (the row's source_ids carry them), spaced as printed."""
    return printed(_MARKER.sub("", text.value))


def _table(name: str) -> Table:
    return next(t for t in TABLES if t.name == name)


def _ordered(table: Table, row: Row) -> Row:
    """Return the row with the table's columns, in order, each text as the report prints it (each run
    of spaces, tabs and line breaks one space, a no-break space kept); a column the row lacks is a bug."""
    if set(row) != {c.name for c in table.columns}:
        raise AssertionError(f"{table.name}: row has {sorted(row)}")
    return {c.name: printed(v) if isinstance(v := row[c.name], str) else v for c in table.columns}


# -- formats ---------------------------------------------------------------------------------------


def _csv(table: Table, rows: list[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow([c.name for c in table.columns])
    for row in rows:
        writer.writerow([_cell(value) for value in row.values()])
    return out.getvalue().encode("utf-8")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a text cell as a formula (OWASP, "CSV Injection")."""

CSV_FORMULAS = (
    "In the CSV files, a text value that starts with =, +, -, @, a tab or a carriage return is"
    " written with a ' before it, so that a spreadsheet shows it as text and never runs it as a"
    " formula; the JSON files give every value as written."
)


def _cell(value: Any) -> str:
    """Return a value as CSV text; text a spreadsheet would run as a formula gets a leading `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return str(value)


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _slug(title: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", title.lower()))
