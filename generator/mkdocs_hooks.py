"""The one site-builder hook: validated policies become generated pages and open data.

ProperDocs (the maintained fork of mkdocs 1.6) loads this file (``hooks:`` in mkdocs.yml)
for ``build`` and ``serve`` alike, so live reload and the CLI build run the same pipeline:
load -> validate -> model -> render -> the site builder writes.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from properdocs.exceptions import Abort, PluginError
from properdocs.structure.files import File, Files

from generator import csp
from generator.csp import KnownScripts, UnexpectedScript
from generator.errors import InkoopwijzerError, Problem
from generator.escape import terminal
from generator.pagecheck import duplicate_ids
from generator.render.checker import PYODIDE_FILES, checker_files, pyodide_dir
from generator.render.method import omissions_section
from generator.render.site import render_site
from generator.validate import load_catalog

log = logging.getLogger("mkdocs.plugins.inkoopwijzer")
_state: dict[str, Any] = {"serving": False}


def on_startup(command: str, dirty: bool) -> None:
    """Remember whether this is ``serve``: only then may the live-reload script run."""
    _state["serving"] = command == "serve"


def _policies_dir(config) -> Path:
    base = Path(config.config_file_path).resolve().parent
    return base / config.extra.get("inkoopwijzer", {}).get("policies", "policies")


def on_config(config):
    root = _policies_dir(config)
    catalog, problems = load_catalog(root, str(root.relative_to(Path.cwd())) if root.is_relative_to(Path.cwd()) else str(root))
    warnings = [p for p in problems if p.severity == "warning"]
    if warnings:
        log.info("%d data warning(s) and source note(s); 'inkoopwijzer validate' lists them", len(warnings))
    errors: list[Problem] = [p for p in problems if p.severity == "error"]
    if errors or catalog is None:
        raise Abort("invalid policy data:\n" + "\n".join(str(p) for p in errors))  # each line escaped
    _state["catalog"] = catalog
    return config


def on_files(files: Files, config) -> Files:
    """Add every generated page; the hand-written home intro (content/index.md) is
    extended with generated sections (next deadlines, latest changes, entry points)."""
    catalog = _state["catalog"]
    home = files.get_file_from_path("index.md")
    intro = Path(home.abs_src_path).read_text(encoding="utf-8") if home and home.abs_src_path else "# Inkoopwijzer\n"
    if home is not None:
        files.remove(home)
    method = files.get_file_from_path("methode.md")
    if method is not None and method.abs_src_path:
        text = Path(method.abs_src_path).read_text(encoding="utf-8") + omissions_section(catalog)
        files.remove(method)
        files.append(File.generated(config, "methode.md", content=text))
    site_url = config.site_url or "http://127.0.0.1:8000/"
    taken = {f.dest_uri: f.src_uri for f in files}

    def add(file: File) -> None:
        """No generated file may replace a hand-written one, the theme's, or another."""
        if file.dest_uri in taken:
            raise Abort(terminal(f"generated {file.src_uri} would overwrite {taken[file.dest_uri]} "
                                 f"(both publish {file.dest_uri}); refusing to build"))
        taken[file.dest_uri] = file.src_uri
        files.append(file)

    for path, content in render_site(catalog, intro, site_url).items():
        add(File.generated(config, path, content=content))
    try:
        runtime = pyodide_dir(Path(config.config_file_path).resolve().parent)
        checker = checker_files(catalog, runtime, site_url)
    except InkoopwijzerError as exc:
        raise Abort(str(exc)) from None
    for path, content in checker.items():
        add(File.generated(config, path, content=content))
    for name in PYODIDE_FILES:
        add(File.generated(config, f"assets/pyodide/{name}", abs_src_path=str(runtime / name)))
    return files


def content_security_policy(html: str, serving: bool = False, known: KnownScripts | None = None,
                            site_path: str = "/") -> str:
    """The page's policy: only its own origin, plus the theme's inline scripts by hash
    (``generator.csp``); raises ``UnexpectedScript`` for any other script."""
    return csp.content_security_policy(html, serving, known, site_path)


def _known_scripts(config) -> KnownScripts:
    key = (tuple(map(str, config.theme.dirs)), tuple(str(s) for s in config.extra_javascript))
    if _state.get("known_key") != key:
        _state["known"] = csp.known_scripts(config.theme.dirs, config.extra_javascript)
        _state["known_key"] = key
    return _state["known"]


def on_post_page(output: str, page, config) -> str:
    """Every page carries a Content-Security-Policy: only its own origin may be contacted,
    only the theme's scripts may run; a page holding any other script fails the build."""
    name = page.file.src_uri if page is not None else "404.html"
    try:
        policy = content_security_policy(output, bool(_state["serving"]), _known_scripts(config),
                                         urlsplit(config.site_url or "/").path or "/")
    except UnexpectedScript as exc:
        raise PluginError(terminal(f"{name}: the page holds a script the theme did not put there "
                                   f"({exc}); refusing to publish it")) from None
    duplicates = duplicate_ids(output)
    if duplicates:
        raise PluginError(terminal(f"{name}: more than one element has the id "
                                   f"{', '.join(duplicates[:5])} (an id given twice, or an item id equal to a heading's anchor)"))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return output.replace("<head>", "<head>\n    " + meta, 1)


def on_post_template(output_content: str, template_name: str, config) -> str:
    """The same policy on theme templates rendered outside pages (404.html)."""
    if template_name.endswith(".html"):
        return on_post_page(output_content, None, config)
    return output_content
