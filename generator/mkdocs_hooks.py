"""The one mkdocs hook: validated policies become generated pages and open data.

mkdocs loads this file (``hooks:`` in mkdocs.yml) for ``build`` and ``serve`` alike, so
live reload and the CLI build run the same pipeline: load -> validate -> model ->
render -> mkdocs writes.
"""
from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files

from generator.errors import Problem
from generator.model import Catalog
from generator.render.opendata import render_open_data
from generator.render.pages import render_pages
from generator.validate import load_catalog

log = logging.getLogger("mkdocs.plugins.inkoopwijzer")
_state: dict[str, Catalog] = {}


def _policies_dir(config) -> Path:
    base = Path(config.config_file_path).resolve().parent
    return base / config.extra.get("inkoopwijzer", {}).get("policies", "policies")


def on_config(config):
    root = _policies_dir(config)
    catalog, problems = load_catalog(root, str(root.relative_to(Path.cwd())) if root.is_relative_to(Path.cwd()) else str(root))
    for problem in problems:
        if problem.severity == "warning":
            log.info(str(problem))
    errors: list[Problem] = [p for p in problems if p.severity == "error"]
    if errors or catalog is None:
        raise Abort("invalid policy data:\n" + "\n".join(str(p) for p in errors))
    _state["catalog"] = catalog
    return config


def on_files(files: Files, config) -> Files:
    catalog = _state["catalog"]
    for path, content in render_pages(catalog).items():
        files.append(File.generated(config, path, content=content))
    for path, content in render_open_data(catalog).items():
        files.append(File.generated(config, path, content=content))
    return files
