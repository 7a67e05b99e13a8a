"""The `check` verb: the gather phase on its own; it writes nothing but cache entries."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from ..findings import Finding
from ..i18n.coverage import LanguageCoverage
from .gather import GatherOptions, gather


@dataclass(frozen=True)
class Checked:
    """What `check` found: the findings (policy applied), each language's coverage, and how long it took."""

    findings: tuple[Finding, ...]
    coverage: Mapping[str, LanguageCoverage]
    seconds: float


def check(root: Path, options: GatherOptions) -> Checked:
    """Gather the project under `root` and return what was found."""
    started = time.perf_counter()
    gathered = gather(root, options)
    return Checked(gathered.findings, gathered.coverage, time.perf_counter() - started)
