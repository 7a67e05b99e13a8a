"""Stage 1, load: read report.yaml, the sources and every dossier into an `Edition`.

Nothing here stops at the first problem. Each file is parsed with positions, validated against
its JSON Schema, and turned into frozen records; every problem becomes a `Finding` at the line
and column of the YAML node that caused it. A file with schema errors yields no record, so the
later stages only ever see well-formed data.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import pickle
import re
from pathlib import Path
from typing import Any, Callable, Iterable

from jsonschema import ValidationError

from .. import cache
from . import schema
from ..findings import Finding, Loc, error, warning
from .model import (
    CITE_RE,
    Action,
    Campaign,
    Capacity,
    Citation,
    ClaimReview,
    Contact,
    Contract,
    DateSpan,
    Death,
    Demand,
    Development,
    Edition,
    Event,
    Facility,
    Image,
    Location,
    Opened,
    Operator,
    Organization,
    Owner,
    Paragraph,
    PartialDate,
    ReportSettings,
    Review,
    Source,
    Status,
    Text,
)
from .textfile import too_big
from .yamldoc import YamlDoc, did_you_mean, parse

REPORT_FILE = "report.yaml"
FACILITIES_DIR = "facilities"
SOURCES_FILE = f"{FACILITIES_DIR}/sources.yaml"

_DATE_RE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
_JSON_TYPES = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}
_PATTERN_HINTS = {
    "id": "use lower-case letters, digits and single hyphens, like 'otay-mesa'",
    "date": "write 2021, 2021-02 or 2021-02-25, or a range like 2015-11-26/2015-12-09",
    "state": "use the two-letter state code, like 'CA'",
    "url": "use a full http:// or https:// address",
    "email": "use an address like name@example.org",
}
_LABELS = {
    "timeline": "timeline entry",
    "deaths": "death in custody",
    "developments": "status change",
    "capacity": "capacity figure",
    "actions": "campaign action",
    "demands": "campaign demand",
    "organizations": "campaign organization",
    "introduction": "introduction paragraph",
    "support": "'how to support' paragraph",
    "acknowledgments": "acknowledgments paragraph",
    "notice": "notice to readers",
}


def load_edition(root: Path, use_cache: bool = True) -> tuple[Edition | None, list[Finding]]:
    """Return the edition under `root` and every finding met while reading it.

    With `use_cache`, each file's records and findings are kept in `.cache/load/`, keyed by the
    file's bytes and the loader's own code, so unchanged files are not parsed again.
    """
    findings: list[Finding] = []
    cache_dir = root / ".cache" if use_cache else None
    settings = _read(root, REPORT_FILE, "report", read_settings, findings, cache_dir)
    sources = _read(root, SOURCES_FILE, "sources", read_sources, findings, cache_dir)
    dossiers: dict[str, Facility] = {}
    present: set[str] = set()
    folder = root / FACILITIES_DIR
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        rel = f"{FACILITIES_DIR}/{path.name}"
        if rel == SOURCES_FILE or path.is_dir() or path.name.startswith("."):
            continue
        if path.suffix != ".yaml":
            findings.append(warning("project.ignored-file", Loc(rel), "ignored: dossiers end in .yaml"))
            continue
        present.add(path.stem)
        facility = _read(root, rel, "dossier", read_dossier, findings, cache_dir)
        if facility is not None:
            dossiers[facility.id] = facility
    if settings is None or sources is None:
        return None, findings
    listed = set()
    for facility_id, loc in settings.facility_order:
        listed.add(facility_id)
        if facility_id not in present:
            findings.append(
                error(
                    "report.unknown-facility",
                    loc,
                    f"no dossier '{FACILITIES_DIR}/{facility_id}.yaml' for facility '{facility_id}'"
                    + did_you_mean(facility_id, sorted(present)),
                )
            )
    for facility_id in sorted(present - listed):
        findings.append(
            warning(
                "report.unlisted-facility",
                Loc(f"{FACILITIES_DIR}/{facility_id}.yaml", 1, 1),
                f"'{facility_id}' is not in the facilities list of {REPORT_FILE}, so it is not published",
            )
        )
    ordered = tuple(dossiers[f] for f, _ in settings.facility_order if f in dossiers)
    broken = getattr(sources, "broken", frozenset())
    return Edition(root, settings, dict(sources), ordered, broken), findings


def _read(root: Path, rel: str, kind: str, reader: Callable, findings: list[Finding], cache_dir: Path | None) -> Any:
    """Return the record `reader` makes of a file of `kind`, from the cache when the bytes are known."""
    path = root / rel
    if not path.is_file():
        findings.append(error("project.missing-file", Loc(rel), f"{rel} not found"))
        return None
    oversized = too_big(path, rel, kind)
    if oversized is not None:
        findings.append(oversized)
        return None
    raw = path.read_bytes()
    key = cache.key_of(_code_fingerprint(), rel, raw)
    entry = cache.get(cache_dir, "load", key)
    if entry is not None:
        try:
            record, found = pickle.loads(entry[0])
            findings.extend(found)
            return record
        except Exception:  # a cache entry from other code: read the file again
            pass
    record, found = reader(raw, rel)
    findings.extend(found)
    cache.put(cache_dir, "load", key, pickle.dumps((record, found)))
    return record


@functools.cache
def _code_fingerprint() -> bytes:
    """Return a hash of the code and schemas that turn a file into records."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("load.py", "model.py", "yamldoc.py", "textfile.py", "schema.py", "../findings.py"):
        digest.update((here / name).read_bytes())
    for path in sorted((here.parent / "schemas").glob("*.json")):
        digest.update(path.read_bytes())
    return digest.digest()


def read_dossier(raw: bytes, rel: str) -> tuple[Facility | None, list[Finding]]:
    """Return the facility in one dossier file, or None, and the findings."""
    doc, findings = _validated(raw, rel, "dossier")
    if doc is None:
        return None, findings
    stem = Path(rel).stem
    data = doc.data
    if data["id"] != stem:
        findings.append(
            error(
                "id.mismatch",
                doc.loc(("id",)),
                f"id '{data['id']}' does not match the file name '{Path(rel).name}';"
                " rename the file or change the id",
            )
        )
    b = _Builder(doc, stem, data["name"], findings)
    return b.facility(), findings


class _Sources(dict):
    """Sources by id, remembering the ids of entries too broken to load."""

    def __init__(self, sources: dict[str, Source], broken: frozenset[str]):
        super().__init__(sources)
        self.broken = broken


def read_sources(raw: bytes, rel: str) -> tuple[dict[str, Source] | None, list[Finding]]:
    """Return the well-formed sources by id, in file order, or None, and the findings.

    A source with schema errors is left out, so the others can still be checked.
    """
    doc, findings = parse(raw, rel)
    if doc is None:
        return None, findings
    for err in schema.validator("sources").iter_errors(doc.data):
        findings.extend(_schema_findings(doc, err))
    findings.extend(_date_findings(doc, "sources"))
    findings.extend(_markup_findings(doc))
    items = doc.data.get("sources") if isinstance(doc.data, dict) else None
    if not isinstance(items, list):
        return None, findings
    bad = {f.loc for f in findings}
    b = _Builder(doc, "sources", "sources", findings)
    sources: dict[str, Source] = {}
    broken: set[str] = set()
    for i, item in enumerate(items):
        path = ("sources", i)
        if not isinstance(item, dict) or any(_within(doc, path, loc) for loc in bad):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                broken.add(item["id"])
            continue
        source = b.source(path, item)
        if source.id in sources:
            first = sources[source.id].loc.line
            findings.append(
                error("cite.duplicate-id", doc.loc(path + ("id",)), f"source id '{source.id}' is defined twice (first at line {first})")
            )
            continue
        sources[source.id] = source
    return _Sources(sources, frozenset(broken)), findings


def read_settings(raw: bytes, rel: str) -> tuple[ReportSettings | None, list[Finding]]:
    """Return the report settings, or None, and the findings."""
    doc, findings = _validated(raw, rel, "report")
    if doc is None:
        return None, findings
    b = _Builder(doc, "report", "Report", findings)
    return b.settings(), findings


def _within(doc: YamlDoc, path: tuple[Any, ...], loc: Loc) -> bool:
    """Return True if `loc` falls inside the YAML node at `path`."""
    start, text = doc.source(path)
    first, last = doc.loc_at(start), doc.loc_at(start + len(text))
    return loc.path == doc.path and (first.line, first.col) <= (loc.line, loc.col) <= (last.line, last.col)


TODO = "TODO"
"""The placeholder `new` writes where only a source can give the value; `check` lists each one."""


def _has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.level == "error" for f in findings)


def _validated(raw: bytes, rel: str, kind: str) -> tuple[YamlDoc | None, list[Finding]]:
    doc, findings = parse(raw, rel)
    if doc is None:
        return None, findings
    if not isinstance(doc.data, dict):
        findings.append(error("schema.type", doc.loc(()), f"{rel} must be a mapping of keys to values"))
        return None, findings
    todo = [path for path, value in _strings(doc.data, ()) if value.strip() == TODO]
    for path in todo:
        findings.append(error("todo", doc.loc(path), f"{_field_name(path)} is still TODO: write what a source says"))
    for err in schema.validator(kind).iter_errors(doc.data):
        if tuple(err.absolute_path) not in todo:  # a TODO is not yet a wrong date, id or choice
            findings.extend(_schema_findings(doc, err))
    findings.extend(_date_findings(doc, kind))
    findings.extend(_markup_findings(doc))
    if _has_errors(findings):
        return None, findings
    return doc, findings


_MARKUP_RE = re.compile(
    r"</?[A-Za-z][A-Za-z0-9-]*|<!--|@import|\bexpression\s*\(|\burl\s*\(|\{[^{}]*:[^{}]*\}",
    re.IGNORECASE,
)
"""HTML tags and comments, and CSS or script: never part of a dossier's plain text."""


def _markup_findings(doc: YamlDoc) -> list[Finding]:
    """Return a finding for each text value that holds HTML, CSS or script code.

    The templates escape every value, so such code would only ever be printed, never run; but
    it is pasted or hostile, not something a reader should see.
    """
    out = []
    for path, value in _strings(doc.data, ()):
        found = _MARKUP_RE.search(value)
        if found is None:
            continue
        start, source = doc.source(path)
        in_source = _MARKUP_RE.search(source)
        loc = doc.loc_at(start + in_source.start()) if in_source else doc.loc(path)
        out.append(error("text.markup", loc, f"text contains code ('{found.group(0)}'); write plain text:"
                                             " HTML, CSS and scripts are printed as they are, never run"))
    return out


def _strings(value: Any, path: tuple[Any, ...]) -> Iterable[tuple[tuple[Any, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _strings(child, path + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _strings(child, path + (i,))


def _date_findings(doc: YamlDoc, kind: str) -> list[Finding]:
    """Return a finding for every date the calendar does not have, wherever the schema expects one."""
    out: list[Finding] = []
    for path, value in schema.dates(kind, doc.data):
        parsed = []
        for part in str(value).split("/"):
            if part == "undated" or not _DATE_RE.fullmatch(part):
                break  # the schema has already reported the form
            try:
                parsed.append(PartialDate.parse(part))
            except ValueError as exc:
                out.append(error("date.invalid", doc.loc(path), f"impossible date '{value}': {exc}"))
                break
        else:
            if len(parsed) == 2 and parsed[1].latest() < parsed[0].earliest():
                out.append(error("date.order", doc.loc(path), f"date range '{value}' ends before it starts"))
    return out


def _schema_findings(doc: YamlDoc, err: ValidationError) -> list[Finding]:
    """Translate one JSON Schema error into findings a writer can act on."""
    path = tuple(err.absolute_path)
    field = _field_name(path)
    kind = err.validator
    if kind == "additionalProperties":
        allowed = sorted(err.schema.get("properties", {}))
        out = []
        for key in sorted(set(err.instance) - set(allowed), key=str):
            where = f" in {_field_name(path)}" if path else ""
            out.append(
                error(
                    "schema.unknown-key",
                    doc.key_loc(path + (key,)),
                    f"unknown key '{key}'{where}" + (did_you_mean(key, allowed) or f"; allowed keys: {', '.join(allowed)}"),
                )
            )
        return out
    if kind == "required":
        out = []
        unknown = [k for k in err.instance if k not in err.schema.get("properties", {})]
        for key in err.validator_value:
            if key in err.instance or difflib.get_close_matches(key, unknown, n=1, cutoff=0.6):
                continue  # the unknown-key finding already says "did you mean"
            if key == "sources":
                out.append(error("cite.missing", doc.loc(path), f"{field} cites no source: add 'sources' with at least one source id"))
            else:
                out.append(error("schema.required", doc.loc(path), f"{field} is missing the required key '{key}'"))
        return out
    if kind == "minItems" and path and path[-1] == "sources":
        return [error("cite.missing", doc.loc(path), f"{_field_name(path[:-1])} cites no source: list at least one source id")]
    loc = doc.loc(path)
    if kind == "type":
        expected = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        wanted = " or ".join(_JSON_TYPES.get(t, t) for t in expected)
        return [error("schema.type", loc, f"{field}: expected {wanted}, got {_json_type(err.instance)}")]
    if kind == "enum":
        options = [str(v) for v in err.validator_value]
        return [
            error(
                "schema.enum",
                loc,
                f"{field}: '{err.instance}' is not allowed; use one of: {', '.join(options)}"
                + did_you_mean(str(err.instance), options),
            )
        ]
    if kind == "pattern" and path[-2:] == ("image", "src"):
        return [
            error(
                "image.src",
                loc,
                f"{field}: '{err.instance}' is not valid; image src must be a file name in facilities/images/"
                " like 'front-gate.jpg' (.jpg, .jpeg, .png or .webp), not a path or URL",
            )
        ]
    if kind in ("pattern", "oneOf", "minimum", "maximum") or (kind == "const" and field == "date"):
        hint = _PATTERN_HINTS.get(_pattern_kind(err, field), "check the format")
        code = "date.invalid" if _pattern_kind(err, field) == "date" else "schema.pattern"
        return [error(code, loc, f"{field}: '{err.instance}' is not valid; {hint}")]
    if kind == "minLength":
        return [error("schema.empty", loc, f"{field} is empty")]
    if kind == "uniqueItems":
        return [error("schema.duplicate-item", loc, f"{field} lists the same item twice")]
    if kind == "minItems":
        count = err.validator_value
        return [error("schema.empty", loc, f"{field} needs at least {count} {'entry' if count == 1 else 'entries'}")]


def _pattern_kind(err: ValidationError, field: str) -> str:
    pattern = str(err.schema.get("pattern", ""))
    if field in ("date", "as_of", "accessed", "updated", "first_published", "edition") or pattern.startswith("^[0-9]{4}"):
        return "date"
    if pattern.startswith("^[a-z0-9]+(-"):
        return "id"
    if pattern == "^[A-Z]{2}$":
        return "state"
    if pattern.startswith("^https?"):
        return "url"
    if "@" in pattern:
        return "email"
    return ""


def _field_name(path: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in path:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{part + 1}]"]
        else:
            parts.append(str(part))
    return ".".join(parts) or "the file"


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "nothing"
    return f"text '{value}'"


class _Builder:
    """Turns schema-valid located data into records, reporting what the schema cannot see."""

    def __init__(self, doc: YamlDoc, prefix: str, title: str, findings: list[Finding]):
        self.doc = doc
        self.prefix = prefix
        self.title = title
        self.findings = findings

    # -- primitives ---------------------------------------------------------------------------

    def loc(self, path: tuple[Any, ...]) -> Loc:
        return self.doc.loc(path)

    def get(self, path: tuple[Any, ...]) -> Any:
        value: Any = self.doc.data
        for part in path:
            if isinstance(value, dict):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return None
        return value

    def partial_date(self, path: tuple[Any, ...], text: str) -> PartialDate:
        # The schema and `_date_findings` have already accepted the form and the calendar date.
        return PartialDate.parse(text)

    def span(self, path: tuple[Any, ...], approximate_key: str = "approximate") -> DateSpan | None:
        value = self.get(path)
        if value is None:
            return None
        first, _, second = str(value).partition("/")
        start = self.partial_date(path, first)
        end = self.partial_date(path, second) if second else None
        approximate = bool(self.get(path[:-1] + (approximate_key,)))
        return DateSpan(start, end, approximate, self.loc(path))

    def citations(self, path: tuple[Any, ...]) -> tuple[Citation, ...]:
        ids = self.get(path) or []
        return tuple(Citation(source_id, self.loc(path + (i,))) for i, source_id in enumerate(ids))

    def review(self, path: tuple[Any, ...]) -> ClaimReview | None:
        if self.get(path + ("review",)) is None:
            return None
        return ClaimReview(self.get(path + ("review_note",)), self.loc(path + ("review",)))

    def text(self, path: tuple[Any, ...], detail: str = "") -> Text | None:
        value = self.get(path)
        if value is None:
            return None
        start, raw = self.doc.source(path)
        cites = tuple(
            Citation(m.group(1), self.doc.loc_at(start + m.start())) for m in CITE_RE.finditer(raw)
        )
        return Text(value, self.context(path), self.comment(path, detail, value), self.loc(path), cites)

    def context(self, path: tuple[Any, ...]) -> str:
        """Return the gettext context: stable when list items are reordered, because ids are used."""
        parts: list[str] = []
        for i, part in enumerate(path):
            if isinstance(part, int):
                item = self.get(path[: i + 1])
                if isinstance(item, dict) and "id" in item:
                    parts.append(str(item["id"]))
            else:
                parts.append(str(part))
        container, field = parts[:-1], parts[-1]
        return f"{self.prefix}:{'.'.join(container)}:{field}" if container else f"{self.prefix}:{field}"

    def comment(self, path: tuple[Any, ...], detail: str, value: str) -> str:
        names = [p for p in path if isinstance(p, str)]
        label = next((_LABELS[p] for p in reversed(names[:-1]) if p in _LABELS), None)
        what = label or " ".join(n.replace("_", " ") for n in names[:-1]) or names[-1].replace("_", " ")
        if label or len(names) > 1:
            what += f", {names[-1].replace('_', ' ')}"
        if detail:
            what += f" ({detail})"
        note = f"{self.title}: {what}."
        if CITE_RE.search(value):
            note += " Keep each [@source-id] citation marker exactly as it is."
        return note

    def item_ids(self, path: tuple[Any, ...]) -> None:
        seen: dict[str, int] = {}
        for i, item in enumerate(self.get(path) or []):
            item_id = item.get("id") if isinstance(item, dict) else None
            if item_id is None:
                continue
            if item_id in seen:
                self.findings.append(
                    error(
                        "id.duplicate",
                        self.loc(path + (i, "id")),
                        f"{_field_name(path)} already has an entry with id '{item_id}' (line {seen[item_id]});"
                        " ids must be unique because translations are keyed by them",
                    )
                )
            else:
                seen[item_id] = self.loc(path + (i, "id")).line

    def claim(self, path: tuple[Any, ...]) -> dict[str, Any]:
        return {"sources": self.citations(path + ("sources",)), "loc": self.loc(path), "review": self.review(path)}

    def items(self, path: tuple[Any, ...]) -> Iterable[tuple[tuple[Any, ...], dict[str, Any]]]:
        self.item_ids(path)
        for i, item in enumerate(self.get(path) or []):
            yield path + (i,), item

    # -- dossiers -----------------------------------------------------------------------------

    def facility(self) -> Facility:
        d = self.doc.data
        loc_data = d["location"]
        coordinates = loc_data.get("coordinates")
        location = Location(
            **self.claim(("location",)),
            city=loc_data["city"],
            county=loc_data["county"],
            state=loc_data["state"],
            address=loc_data.get("address"),
            coordinates=(coordinates["lat"], coordinates["lon"]) if coordinates else None,
        )
        operator = Operator(
            **self.claim(("operator",)), name=d["operator"]["name"], kind=d["operator"]["kind"],
            text=self.text(("operator", "text")),
        )
        owner = Owner(**self.claim(("owner",)), name=d["owner"]["name"]) if "owner" in d else None
        contract = (
            Contract(**self.claim(("contract",)), kind=d["contract"]["kind"], text=self.text(("contract", "text")))
            if "contract" in d
            else None
        )
        capacity = tuple(
            Capacity(
                **self.claim(p), id=item["id"], count=item["count"], measure=item["measure"],
                qualifier=item.get("qualifier"), as_of=self.span(p + ("as_of",)), note=self.text(p + ("note",)),
            )
            for p, item in self.items(("capacity",))
        )
        opened = (
            Opened(**self.claim(("opened",)), text=self.text(("opened", "text")), date=self.span(("opened", "date")))
            if "opened" in d
            else None
        )
        status_date = self.span(("status", "date"))
        status = Status(
            **self.claim(("status",)), state=d["status"]["state"], date=status_date,
            text=self.text(("status", "text"), d["status"]["state"]),
        )
        timeline = tuple(
            Event(
                **self.claim(p), id=item["id"], date=self.span(p + ("date",)), category=item["category"],
                text=self.text(p + ("text",), f"{item['date']}, {item['category']}"),
            )
            for p, item in self.items(("timeline",))
        )
        deaths = tuple(
            Death(
                **self.claim(p), id=item["id"], text=self.text(p + ("text",), item.get("name", "name not reported")),
                date=self.span(p + ("date",)), name=item.get("name"),
            )
            for p, item in self.items(("deaths",))
        )
        developments = tuple(
            Development(**self.claim(p), id=item["id"], date=self.span(p + ("date",)),
                        text=self.text(p + ("text",), str(item["date"])))
            for p, item in self.items(("developments",))
        )
        campaign = self.campaign()
        image = None
        if "image" in d:
            image = Image(d["image"]["src"], self.text(("image", "alt")), d["image"]["credit"], self.loc(("image",)),
                          self.loc(("image", "src")))
        r = d["review"]
        review = Review(
            status=r["status"], list_membership=r["list_membership"], loc=self.loc(("review",)),
            note=r.get("note"), reviewer=r.get("reviewer"), date=self.span(("review", "date")),
        )
        return Facility(
            id=d["id"], name=d["name"], path=self.doc.path, loc=self.loc(()), location=location,
            operator=operator, status=status, summary=self.text(("summary",)), timeline=timeline,
            campaign=campaign, review=review, other_names=tuple(d.get("other_names", ())), owner=owner,
            contract=contract, capacity=capacity, opened=opened, deaths=deaths, developments=developments,
            image=image,
        )

    def campaign(self) -> Campaign:
        c = self.doc.data["campaign"]
        base = ("campaign",)
        organizations = tuple(
            Organization(**self.claim(p), id=item["id"], name=item["name"], url=item.get("url"),
                         role=self.text(p + ("role",), item["name"]))
            for p, item in self.items(base + ("organizations",))
        )
        actions = tuple(
            Action(**self.claim(p), id=item["id"], date=self.span(p + ("date",)),
                   text=self.text(p + ("text",), str(item["date"])))
            for p, item in self.items(base + ("actions",))
        )
        demands = tuple(
            Demand(**self.claim(p), id=item["id"], text=self.text(p + ("text",)))
            for p, item in self.items(base + ("demands",))
        )
        contact = Contact(c["contact"].get("email"), c["contact"].get("url")) if "contact" in c else None
        return Campaign(self.text(base + ("summary",)), organizations, actions, demands, contact)

    # -- sources ------------------------------------------------------------------------------

    def source(self, path: tuple[Any, ...], item: dict[str, Any]) -> Source:
        date_text = str(item["date"])
        date = None if date_text == "undated" else self.partial_date(path + ("date",), date_text)
        updated = self.partial_date(path + ("updated",), str(item["updated"])) if "updated" in item else None
        accessed = self.partial_date(path + ("accessed",), str(item["accessed"])) if "accessed" in item else None
        return Source(
            id=item["id"], type=item["type"], title=item["title"], publisher=item["publisher"], url=item["url"],
            loc=self.loc(path), date=date, date_loc=self.loc(path + ("date",)),
            title_status=item.get("title_status", "exact"), via=item.get("via"),
            date_approximate=bool(item.get("date_approximate")), updated=updated,
            archive_url=item.get("archive_url"), accessed=accessed, lang=item.get("lang"), note=item.get("note"),
            url_loc=self.loc(path + ("url",)),
        )

    # -- report settings ----------------------------------------------------------------------

    def settings(self) -> ReportSettings:
        d = self.doc.data
        edition_text = d["edition"]
        edition = self.partial_date(("edition",), edition_text)
        first = self.span(("first_published",))

        def paragraphs(key: str) -> tuple[Paragraph, ...]:
            return tuple(
                Paragraph(item["id"], self.text(p + ("text",)), self.text(p + ("heading",)))
                for p, item in self.items((key,))
            )

        return ReportSettings(
            title=self.text(("title",)),
            subtitle=self.text(("subtitle",)),
            publisher=d["publisher"],
            edition=edition.earliest() if edition else dt.date(1970, 1, 1),
            first_published=first,
            languages=tuple(d["languages"]),
            facility_order=tuple((f, self.loc(("facilities", i))) for i, f in enumerate(d["facilities"])),
            contact=d["contact"],
            hashtags=tuple(d["hashtags"]),
            keywords=tuple(self.text(("keywords", i)) for i in range(len(d.get("keywords", ())))),
            introduction=paragraphs("introduction"),
            support=paragraphs("support"),
            acknowledgments=paragraphs("acknowledgments"),
            notice=paragraphs("notice") if "notice" in d else (),
            loc=self.loc(()),
        )
