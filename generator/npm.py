"""Files of the npm packages the site serves or runs (Pyodide, Pagefind).

``npm ci`` installs them into the project's ``node_modules``; a project made elsewhere (the
tests' and benchmarks' copies) uses this checkout's. One lookup, one message when missing.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from .errors import InkoopwijzerError

CHECKOUT = Path(__file__).resolve().parent.parent


def npm_path(project_root: Path, package: str, inside: str, installed: Callable[[Path], bool]) -> Path:
    """``node_modules/<inside>`` of the project, else of this checkout, where ``installed``
    holds; a clear error naming ``package`` when neither has it."""
    for root in (project_root, CHECKOUT):
        candidate = root / "node_modules" / inside
        if installed(candidate):
            return candidate
    raise InkoopwijzerError(
        f"the npm package '{package}' is not installed (node_modules/{inside}); run ./dev.sh build or npm ci")
