"""The `new` verb: start a dossier whose comments explain each field and whose gaps say TODO.

The fields, their order and their comments come from the dossier schema (its `required`
lists, `x-new` values and descriptions), so they say what the field reference in the README
and the editors' hover help say. Every value only a source can give is
the placeholder `TODO`, which `check` reports, one line each, until it is filled in: nothing is
guessed (a new dossier starts unverified, with an empty timeline).
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import yaml

from ..content import schema, yamldoc
from ..content.load import TODO, read_dossier, reserved_message
from ..content.model import SOURCE_LANGUAGE
from ..errors import UsageError
from ..content.validate import duplicate_name, name_key
from ..findings import Finding, Loc
from ..project import FACILITIES_DIR, dossier_path, is_leftover, reserved_id, write_new

MODELINE = "# yaml-language-server: $schema=../report/schemas/dossier.schema.json"

MAPPING = ""  # the value of a field that opens a mapping


def fields(kind: str = "dossier", path: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Return the fields a new file starts with, in the schema's order: (dotted path, value).

    They are the required ones, recursively: a mapping opens (MAPPING), a list starts empty,
    a value the schema gives with `x-new` is written as it is, and any other is TODO, for a
    writer to fill in from a source.
    """
    node = schema.subschema(kind, path) or {}
    out = []
    required = set(node.get("required", ()))
    for name in node.get("properties", {}):
        if name not in required:
            continue
        child = schema.subschema(kind, (*path, name)) or {}
        dotted = ".".join((*path, name))
        if "x-new" in child:
            out.append((dotted, child["x-new"]))
        elif child.get("type") == "object":
            out.append((dotted, MAPPING))
            out += fields(kind, (*path, name))
        elif child.get("type") == "array":
            out.append((dotted, "[]"))
        else:
            out.append((dotted, TODO))
    return out


_HEAD = """\
{modeline}
#
# A new dossier: {name}.
# Replace every TODO with what a published source says, add each source to facilities/sources.yaml
# and list its id under the claim's `sources:`. Leave out what no source gives. `./build.py check`
# lists what is left. The README's field reference lists every field, optional ones too (capacity,
# opened, deaths, developments, campaign organizations, actions and demands, an image).
"""

_TIMELINE_EXAMPLE = """\
# Replace the [] above with one entry per documented event, in date order, like this one: delete
# the first # of each of its lines, then replace the example id, each TODO and source-id. The text
# says what the source documents, in your own words.
#   - id: 2019-05-inspection      # stable: lower-case letters, digits and hyphens
#     date: TODO                   # 2019, 2019-05 or 2019-05-14; a range: 2019-05-01/2019-05-14
#     category: TODO               # one of the categories below
#     text: TODO
#     sources: [source-id]         # the ids of its sources in facilities/sources.yaml
{categories}"""


def as_yaml(text: str) -> str:
    """Return `text` written as a YAML value that reads back as this text: as it is, or in double
    quotes where YAML would read it as something else (`404` a number, `null` nothing), or where
    YAML 1.1, which this tool and the editors no longer follow but other tools do, would (`yes` true)."""
    doc, _ = yamldoc.parse(f"value: {text}\n".encode(), "new")
    try:
        old = yaml.safe_load(f"value: {text}\n")
    except yaml.YAMLError:
        old = None
    plain = doc is not None and doc.data == {"value": text} and old == {"value": text}
    return text if plain else json.dumps(text, ensure_ascii=False)


def skeleton(facility_id: str, name: str) -> str:
    """Return the text of a new dossier, each field with its schema description as a comment."""
    lines = [_HEAD.format(modeline=MODELINE, name=name).rstrip("\n")]
    for dotted, value in fields():
        path = tuple(dotted.split("."))
        indent = "  " * (len(path) - 1)
        node = schema.subschema("dossier", path) or {}
        help_text = node.get("description", "")
        if "enum" in node and value == TODO:
            help_text += " One of: " + ", ".join(node["enum"]) + "."
        if dotted.endswith("sources"):
            help_text = "Ids of the sources in facilities/sources.yaml that support this claim, like [source-id]."
        if help_text:
            width = 100 - len(indent) - 2
            lines += [f"{indent}# {line}" for line in textwrap.wrap(help_text, width)]
        shown = value.format(id=as_yaml(facility_id), name=json.dumps(name, ensure_ascii=False))  # JSON is valid YAML
        lines.append(f"{indent}{path[-1]}:" + (f" {shown}" if shown else ""))
        if dotted == "timeline":
            category = (schema.subschema("dossier", ("timeline", 0, "category")) or {}).get("enum", ())
            kinds = textwrap.wrap("The category is one of: " + ", ".join(category) + ".", 98)
            lines.append(_TIMELINE_EXAMPLE.format(categories="".join(f"# {k}\n" for k in kinds)).rstrip("\n"))
    return "\n".join(lines) + "\n"


def name_findings(text: str, rel: str) -> list[Finding]:
    """Return the errors `check` finds in a new dossier's text on the lines that hold its name.

    They are the checks `check` applies to every name (code, invisible characters, length), run
    on the very text `new` would write: the name is on the `name:` line and in the header comment
    above it, and the rest of the skeleton is the same whatever the name.
    """
    name_line = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("name:"))
    _, findings = read_dossier(text.encode("utf-8"), rel)
    return [f for f in findings if f.level == "error" and f.loc.line <= name_line]


def same_name(root: Path, path: Path) -> Finding | None:
    """Return the `name.duplicate` warning `check` will give the new dossier at `path` once it is
    listed, if another dossier in facilities/ already has its name (`validate.name_key`): said at
    once, while deleting the new file costs nothing."""

    def name_of(file: Path) -> tuple[str, Loc] | None:
        try:
            doc, _ = yamldoc.parse(file.read_bytes(), file.relative_to(root).as_posix())
        except OSError:
            return None
        name = doc.data.get("name") if doc is not None and isinstance(doc.data, dict) else None
        return (name, doc.loc(("name",))) if doc is not None and isinstance(name, str) else None

    mine = name_of(path)
    if mine is None:
        return None
    for other in sorted((root / FACILITIES_DIR).glob("*.yaml")):
        theirs = name_of(other) if other != path and not is_leftover(other.name) else None
        if theirs is not None and name_key(theirs[0]) == name_key(mine[0]):
            rel = path.relative_to(root).as_posix()
            return duplicate_name(mine[0], mine[1], other.stem, theirs[1], delete=rel)
    return None


def new_dossier(root: Path, facility_id: str, name: str) -> Path:
    """Write `facilities/<id>.yaml` from the skeleton and return its path; never overwrite."""
    rule = schema.subschema("dossier", ("id",)) or {}
    if len(facility_id) > rule["maxLength"]:  # (before it is printed: it would fill the terminal)
        raise UsageError(
            f"a facility id may be at most {rule['maxLength']} characters long, since it names files and web"
            f" addresses; this one has {len(facility_id):,}"
        )
    if not re.fullmatch(rule["pattern"], facility_id):
        raise UsageError(
            f"'{facility_id}' is not a valid facility id: use lower-case letters, digits and single"
            " hyphens, like 'otay-mesa'"
        )
    taken = reserved_id(facility_id, SOURCE_LANGUAGE)
    if taken is not None:  # in check's words
        raise UsageError(reserved_message(facility_id, taken))
    if not name.strip() or "\n" in name:
        raise UsageError("--name must be the facility's official name, on one line")
    stray = next((ord(ch) for ch in name if 0xD800 <= ord(ch) <= 0xDFFF), None)
    if stray is not None:  # how Python keeps the bytes of an argument that are not UTF-8 (0xff is U+DCFF)
        byte = f"byte 0x{stray - 0xDC00:02x}" if stray >= 0xDC80 else f"U+{stray:04X}"
        raise UsageError(f"--name is not UTF-8 text ({byte} is no character): type it in a terminal set to UTF-8")
    path = root / FACILITIES_DIR / f"{facility_id}.yaml"
    if path.exists():
        raise UsageError(f"{path.relative_to(root)} already exists")
    text = skeleton(facility_id, name)
    refused = name_findings(text, dossier_path(facility_id))
    if refused:
        raise UsageError(f"--name is refused, as `check` would refuse it in the dossier: {refused[0].message}")
    try:
        write_new(path, text.encode())
    except FileExistsError:  # made between the test and the write
        raise UsageError(f"{path.relative_to(root)} already exists") from None
    return path
