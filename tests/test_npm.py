"""The npm packages the site serves or runs are found in the project, else in this checkout,
and a missing one is one clear line, not a traceback."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator import npm
from generator.errors import InkoopwijzerError
from generator.render.checker import PYODIDE_SOURCES, pyodide_dir
from generator.search import pagefind_command


def _install(root: Path) -> None:
    (root / "node_modules" / ".bin").mkdir(parents=True)
    (root / "node_modules" / ".bin" / "pagefind").write_text("#!/bin/sh\n")
    (root / "node_modules" / "pyodide").mkdir()
    for name in PYODIDE_SOURCES:
        (root / "node_modules" / "pyodide" / name).write_text("")


def test_the_project_s_packages_come_first_then_the_checkout_s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    project, checkout = tmp_path / "project", tmp_path / "checkout"
    project.mkdir()
    _install(checkout)
    monkeypatch.setattr(npm, "CHECKOUT", checkout)
    assert pagefind_command(project) == checkout / "node_modules" / ".bin" / "pagefind"
    assert pyodide_dir(project) == checkout / "node_modules" / "pyodide"
    _install(project)
    assert pagefind_command(project) == project / "node_modules" / ".bin" / "pagefind"
    assert pyodide_dir(project) == project / "node_modules" / "pyodide"


def test_a_missing_or_incomplete_package_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(npm, "CHECKOUT", tmp_path / "checkout")
    with pytest.raises(InkoopwijzerError, match=r"npm package 'pagefind' is not installed .*npm ci"):
        pagefind_command(tmp_path)
    (tmp_path / "node_modules" / "pyodide").mkdir(parents=True)
    (tmp_path / "node_modules" / "pyodide" / PYODIDE_SOURCES[0]).write_text("")  # a partial install
    with pytest.raises(InkoopwijzerError, match=r"npm package 'pyodide' is not installed"):
        pyodide_dir(tmp_path)
