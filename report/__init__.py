"""First Ten to Communities Not Cages: the report pipeline.

Stages, one module each: load → validate → localize → render (HTML) → paginate (PDF) →
assemble → publish. The verbs below are the package's public face; `build.py` calls `main`.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .cli import main  # noqa: E402

__all__ = ["main", "__version__"]
