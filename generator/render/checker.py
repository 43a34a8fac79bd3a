"""Files for the in-browser checker: the engine archive, its data bundle, and Pyodide.

The engine runs in Pyodide from the site's own origin: the npm ``pyodide`` package's
runtime files are published under ``assets/pyodide/`` and the engine (the very files in
``generator/engine``) as a zip that the worker unpacks into site-packages.
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from ..bundle import engine_bundle
from ..errors import InkoopwijzerError
from ..escape import json_text
from ..model import Catalog

PACKAGE = Path(__file__).resolve().parent.parent
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
ZIP_DATE = (2024, 1, 1, 0, 0, 0)  # fixed: the archive is byte-identical on every build


def engine_archive() -> bytes:
    """generator/__init__.py and generator/engine/*.py as a reproducible zip."""
    members = [PACKAGE / "__init__.py", *sorted((PACKAGE / "engine").glob("*.py"))]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in members:
            info = zipfile.ZipInfo(str(path.relative_to(PACKAGE.parent).as_posix()), ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    return buf.getvalue()


def pyodide_dir(project_root: Path) -> Path:
    """The npm package folder; a clear error when npm packages are not installed."""
    candidates = [project_root / "node_modules" / "pyodide", PACKAGE.parent / "node_modules" / "pyodide"]
    for folder in candidates:
        if all((folder / name).is_file() for name in PYODIDE_FILES):
            return folder
    raise InkoopwijzerError(
        "the npm package 'pyodide' is not installed (node_modules/pyodide); run ./dev.sh build or npm ci")


def pyodide_version(folder: Path) -> str:
    return json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]


def checker_files(catalog: Catalog) -> dict[str, str | bytes]:
    return {
        "checker/engine.zip": engine_archive(),
        "checker/bundle.json": json_text(engine_bundle(catalog), ensure_ascii=False, sort_keys=True,
                                         separators=(",", ":")),
    }
