"""`python -m report`: the command line."""

import sys

try:
    from .cli import main

    code = main()
except KeyboardInterrupt:  # Ctrl-C while the command line loads (a verb catches its own)
    print("interrupted", file=sys.stderr)
    code = 130
sys.exit(code)
