"""Every third-party module the generator imports is a declared runtime dependency.

A module that arrives only through the ``test`` extra (or only as a dependency of a
dependency) works in CI and fails for a user who installs the site alone. This reads the
imports of every module under ``generator/`` and compares them with the requirements of the
installed ``inkoopwijzer`` distribution.
"""
from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"


def _normalise(name: str) -> str:
    """PEP 503 name normalisation: 'MarkupSafe' and 'markupsafe' are one distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_top_level_modules(package: Path) -> dict[str, list[str]]:
    """Top-level module name -> files (relative) that import it, absolute imports only."""
    found: dict[str, list[str]] = {}
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], []).append(str(path.relative_to(package.parent)))
    return found


def runtime_requirements(distribution: str) -> set[str]:
    """Names of the distribution's requirements that are not behind an extra."""
    names = set()
    for requirement in metadata.requires(distribution) or []:
        spec, _, marker = requirement.partition(";")
        if "extra" in marker:
            continue
        names.add(_normalise(re.split(r"[\s<>=!~\[(]", spec.strip(), maxsplit=1)[0]))
    return names


def test_third_party_imports_are_runtime_dependencies():
    declared = runtime_requirements("inkoopwijzer")
    providers = metadata.packages_distributions()
    missing = []
    for module, files in sorted(imported_top_level_modules(PACKAGE).items()):
        if module in sys.stdlib_module_names or module == "generator":
            continue
        distributions = {_normalise(d) for d in providers.get(module, [])}
        assert distributions, f"{module} (imported by {files[0]}) is not installed at all"
        if not distributions & declared:
            missing.append(f"{module} (from {', '.join(sorted(distributions))}; imported by {files[0]})")
    assert not missing, "imported but not in [project].dependencies: " + "; ".join(missing)


def test_the_check_sees_a_module_only_the_test_extra_brings(tmp_path: Path):
    """The check is not vacuous: a module importing pytest (a test-only tool) is reported."""
    (tmp_path / "generator").mkdir()
    (tmp_path / "generator" / "x.py").write_text("import pytest\nfrom yaml import safe_load\n")
    modules = imported_top_level_modules(tmp_path / "generator")
    assert set(modules) == {"pytest", "yaml"}
    providers = metadata.packages_distributions()
    assert not {_normalise(d) for d in providers["pytest"]} & runtime_requirements("inkoopwijzer")
    assert {_normalise(d) for d in providers["yaml"]} & runtime_requirements("inkoopwijzer")


@pytest.mark.parametrize("module", ["markupsafe"])
def test_modules_once_missing_are_declared(module: str):
    """Issue 10: it arrived only through Jinja2. (icalendar, the other one, is no longer
    imported at run time: the engine's own writer writes the feeds; tests read them with it.)"""
    providers = metadata.packages_distributions()
    assert {_normalise(d) for d in providers[module]} & runtime_requirements("inkoopwijzer")
