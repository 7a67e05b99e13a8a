"""First Ten to Communities Not Cages: the report pipeline.

The package's public face is three verbs: `check` and `build` return what they found or made
(never print), and `main` is the command line (`build.py`, `python -m report`). Stages live in
subpackages (content, i18n, render, pdf) below the verbs (commands); see docs/architecture.md.

Importing any module of the package runs this file first (the layout workers import
`report.pdf.paginate`), so it imports the verbs only when one is called.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from .findings import Policy  # noqa: E402 - light: the bottom layer
from .project import today  # noqa: E402

if TYPE_CHECKING:
    from .commands.build import Built
    from .commands.check import Checked


def main(argv: list[str] | None = None, **kwargs: Any) -> int:
    """Run the command line and return its exit code."""
    from .cli import main as run

    return run(argv, **kwargs)


def check(root: Path, *, strict: bool = False, release: bool = False, online: bool = False) -> Checked:
    """Gather the project under `root` (write nothing) and return its findings and coverage."""
    from .commands.check import check as run
    from .commands.gather import GatherOptions

    return run(Path(root), GatherOptions(today(), (), Policy(strict, release), online))


def build(root: Path, *, languages: tuple[str, ...] = (), strict: bool = False, release: bool = False) -> Built:
    """Build the project's dist/ and return how it ended."""
    from .commands.build import BuildOptions
    from .commands.build import build as run

    return run(Path(root), BuildOptions(today(), tuple(languages), Policy(strict, release)))


__all__ = ["__version__", "build", "check", "main"]
