#!/usr/bin/env python3
"""Build and check the First Ten report: `python build.py [build|check|extract|update|serve|new]`."""

import sys
from pathlib import Path

from report import main

if __name__ == "__main__":
    sys.exit(main(default_root=Path(__file__).resolve().parent))
