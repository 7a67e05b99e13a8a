"""Gather: where each facility goes on the map, from its dossier's county or its own coordinates.

The county is matched against the Census names of the vendored atlas (`layouts/map/`); a name
that does not match is a finding at the dossier's line with what was probably meant. The
places are kept in the cache, keyed by the atlas's bytes, this code and the dossiers' locations,
so a check that changed no location does not decode the atlas again.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Iterable

from .. import cache, project
from ..findings import Finding, Loc, error
from . import geo
from .model import Facility, Location
from .textfile import MAX_BYTES, read_input

ATLAS_PATH = f"{project.LAYOUTS_DIR}/map/{geo.ATLAS_FILE}"


def read_atlas(root: Path) -> geo.Atlas:
    """Return the vendored atlas, decoded once per process for the same bytes (noting the read)."""
    return _decode(project.read(root, ATLAS_PATH, MAX_BYTES["atlas"]))


@functools.lru_cache(maxsize=2)
def _decode(raw: bytes) -> geo.Atlas:
    return geo.decode(json.loads(raw))


def locate_facilities(
    root: Path, facilities: Iterable[Facility], cache_dir: Path | None = None
) -> tuple[dict[str, geo.Place], list[Finding]]:
    """Return each facility's place by id and a finding for every location the atlas cannot place.

    A project without the atlas (a writer's checkout of the dossiers alone, the test fixtures,
    which carry no `layouts/map/`) has no map to place anything on: nothing is located and
    nothing is reported. The shipped atlas is checked against its SHA-256 by the tests.
    """
    raw, refused = read_input(root, ATLAS_PATH, "atlas")
    if refused is not None:
        return {}, [refused]
    if raw is None:
        return {}, []
    wanted = [(f.id, f.location) for f in facilities]
    key = cache.key_of(cache.fingerprint(__name__), raw, repr(wanted))

    def locate() -> tuple[dict[str, geo.Place], list[Finding]]:
        return _locate_all(_decode(raw), wanted)

    return cache.memoize(cache_dir, "places", key, locate)


def _locate_all(atlas: geo.Atlas, wanted: list[tuple[str, Location]]) -> tuple[dict[str, geo.Place], list[Finding]]:
    places: dict[str, geo.Place] = {}
    findings: list[Finding] = []
    for facility_id, location in wanted:
        lonlat = (location.coordinates[1], location.coordinates[0]) if location.coordinates else None
        found = geo.locate(atlas, location.state, location.county, lonlat=lonlat)
        if isinstance(found, geo.Place):
            places[facility_id] = found
        else:
            findings.append(error(found.code, _where(location, found.field), found.message))
    return places, findings


def _where(location: Location, key: str) -> Loc:
    return {"state": location.state_loc, "county": location.county_loc, "coordinates": location.coordinates_loc}[key]
