"""The `new` verb: start a dossier that passes the schema once its placeholders are filled in."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .cli import UsageError
from .load import FACILITIES_DIR

_TEMPLATE = """\
# yaml-language-server: $schema=../report/schemas/dossier.schema.json
# Every fact needs a source id from facilities/sources.yaml. Run `python build.py check` as you go.
id: {id}
name: {name}
location:
  city: TODO
  county: TODO
  state: TODO
  sources: []
operator:
  name: TODO
  kind: private-company
  sources: []
status:
  state: open
  date: TODO
  text: TODO
  sources: []
summary: TODO
timeline:
  - id: TODO
    date: TODO
    category: other
    text: TODO
    sources: []
campaign:
  summary: TODO
review:
  status: unverified
  list_membership: unverified
"""


def new_dossier(root: Path, facility_id: str, name: str) -> Path:
    """Write `facilities/<id>.yaml` from the template and return its path; never overwrite."""
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", facility_id) or facility_id == "sources":
        raise UsageError(f"'{facility_id}' is not a valid facility id: use lower-case letters, digits and hyphens")
    path = root / FACILITIES_DIR / f"{facility_id}.yaml"
    if path.exists():
        raise UsageError(f"{path.relative_to(root)} already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    quoted = json.dumps(name, ensure_ascii=False)  # a JSON string is a valid YAML scalar
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(_TEMPLATE.format(id=facility_id, name=quoted))
    return path
