#!/usr/bin/env python3
"""Fetch the map's boundaries from the pinned us-atlas release and check them (`make map-data`).

    python3 scripts/us_atlas.py           download us-atlas from the npm registry, verify, write
    python3 scripts/us_atlas.py --check   verify the committed files only, offline

The build never runs this: it reads the committed files in `layouts/map/`. The tarball must match
npm's published integrity (SHA-512) and each file the SHA-256 in `layouts/map/SHA256SUMS`, or
nothing is written. It also derives `tests/data/map/lonlat-sample.json` (the longitude and
latitude outlines of a few counties, from the package's unprojected file), which the tests
project to check `report.content.geo.albers_usa` against the package's projected file.
Standard library only, so it runs before `.venv` exists. Exit codes: 0 done, 1 mismatch.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VERSION = "3.0.1"
TARBALL = f"https://registry.npmjs.org/us-atlas/-/us-atlas-{VERSION}.tgz"
# `npm view us-atlas@3.0.1 dist.integrity`
INTEGRITY = "sha512-wEIZCq0ImPvGblTd8gZMqNNCPkQshugMUG/8nkSWXb02+XqNFREg9atHOKP9w6prLZTpqcLhSvdBW81MkV3/0Q=="
MAP_DIR = REPO / "layouts" / "map"
SUMS = MAP_DIR / "SHA256SUMS"
FILES = {"package/counties-albers-10m.json": "counties-albers-10m.json", "package/LICENSE": "LICENSE"}
SAMPLE = REPO / "tests" / "data" / "map" / "lonlat-sample.json"


def expected() -> dict[str, str]:
    """Return the committed SHA-256 of each vendored file, by name."""
    sums = {}
    for line in SUMS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split(maxsplit=1)
            sums[name.lstrip("*")] = digest
    return sums


def check() -> list[str]:
    """Return a problem per committed file that is missing or differs from SHA256SUMS."""
    problems = []
    for name, digest in sorted(expected().items()):
        path = MAP_DIR / name
        if not path.is_file():
            problems.append(f"layouts/map/{name}: missing (run `make map-data`)")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"layouts/map/{name}: SHA-256 differs from layouts/map/SHA256SUMS")
    return problems


def sample(counties_lonlat: bytes) -> str:
    """Return the test sample: lon/lat outlines of every 101st county, Hawaii's, and every 4th of Alaska's."""
    sys.path.insert(0, str(REPO))
    from report.content.geo import decode  # noqa: E402  (standard library only)

    atlas = decode(json.loads(counties_lonlat))
    ids = sorted(atlas.county_names())
    alaska = [f for f in ids if f.startswith("02")]
    # Aleutians West crosses the antimeridian, which d3 clips and a point projection cannot.
    chosen = sorted({*ids[::101], *(f for f in ids if f.startswith("15")), *alaska[::4]} - {"02016"})
    data = {
        fips: [[[[round(x, 5), round(y, 5)] for x, y in ring] for ring in poly] for poly in atlas.county(fips).polygons]
        for fips in chosen
    }
    return (
        json.dumps(
            {"us-atlas": VERSION, "file": "counties-10m.json", "counties": data}, separators=(",", ":"), sort_keys=True
        )
        + "\n"
    )


def fetch() -> list[str]:
    """Download, verify and write the vendored files; return the problems (nothing written if any)."""
    with urllib.request.urlopen(TARBALL, timeout=60) as response:
        tarball = response.read()
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    if integrity != INTEGRITY:
        return [f"{TARBALL}: integrity {integrity} is not the pinned {INTEGRITY}"]
    sums = expected()
    files = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        for member, name in FILES.items():
            data = tar.extractfile(member).read()
            if hashlib.sha256(data).hexdigest() != sums.get(name):
                return [f"{member}: SHA-256 differs from layouts/map/SHA256SUMS"]
            files[MAP_DIR / name] = data
        files[SAMPLE] = sample(tar.extractfile("package/counties-10m.json").read()).encode()
    for path, data in files.items():
        if path.is_file() and path.read_bytes() == data:
            print(f"{path.relative_to(REPO)}: unchanged")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        print(f"{path.relative_to(REPO)}: written")
    return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the committed files, offline")
    problems = check() if parser.parse_args().check else fetch()
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"us-atlas {VERSION}: every file matches layouts/map/SHA256SUMS")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
