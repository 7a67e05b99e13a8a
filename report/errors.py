"""Exit codes and the one exception a verb raises for a usage mistake.

The bottom of the package: it imports nothing of ours. Verbs raise `UsageError`; only `cli`
turns it, a finding count, Ctrl-C or an unexpected exception into an exit code.
"""

from __future__ import annotations

EXIT_OK = 0
"""No error (warnings are allowed)."""
EXIT_FINDINGS = 1
"""The content has errors: the findings say where."""
EXIT_USAGE = 2
"""The command was called wrongly."""
EXIT_BUG = 3
"""An unexpected exception: a bug in the tool, not in the content."""
EXIT_INTERRUPTED = 130
"""Ctrl-C (128 + SIGINT, as shells report it)."""
EXIT_PIPE = 141
"""Whoever read the output stopped reading (`check | head`): 128 + SIGPIPE, as shells report it."""


class UsageError(Exception):
    """A problem with how the command was called: exit code 2."""
