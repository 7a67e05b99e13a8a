#!/usr/bin/env python3
"""Build and check the First Ten report: `python build.py [build|check|extract|update|serve|new]`."""

import sys
from pathlib import Path

if __name__ == "__main__":
    try:
        from report import main
    except KeyboardInterrupt:  # Ctrl-C while the package loads: nothing was touched yet
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(main(default_root=Path(__file__).resolve().parent))
