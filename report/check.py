"""The `check` verb: the gather phase on its own, reported as findings and a summary."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TextIO

from .cli import exit_code, print_findings, settle
from .findings import has_errors, to_json
from .load import load_edition
from .validate import RELEASE_CODES, check_edition


def run_check(root: Path, args: argparse.Namespace, out: TextIO, today: dt.date) -> int:
    """Load and validate the project under `root`, print the findings and return the exit code."""
    edition, findings = load_edition(root)
    if edition is not None:
        findings += check_edition(edition, today, complete=not has_errors(findings))
    findings = settle(findings, args, RELEASE_CODES)
    if args.format == "json":
        print(to_json(findings), file=out)
    else:
        print_findings(findings, out)
    return exit_code(findings)
