"""The one site-builder hook: validated policies become generated pages and open data.

ProperDocs (the maintained fork of mkdocs 1.6) loads this file (``hooks:`` in mkdocs.yml)
for ``build`` and ``serve`` alike, so live reload and the CLI build run the same pipeline:
load -> validate -> model -> render -> the site builder writes.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import re
from pathlib import Path
from typing import Any

from properdocs.exceptions import Abort
from properdocs.structure.files import File, Files

from generator.errors import Problem
from generator.errors import InkoopwijzerError
from generator.render.checker import PYODIDE_FILES, checker_files, pyodide_dir
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
        raise Abort("invalid policy data:\n" + "\n".join(str(p) for p in errors))
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
    site_url = config.site_url or "http://127.0.0.1:8000/"
    for path, content in render_site(catalog, intro, site_url).items():
        files.append(File.generated(config, path, content=content))
    for path, content in checker_files(catalog).items():
        files.append(File.generated(config, path, content=content))
    try:
        runtime = pyodide_dir(Path(config.config_file_path).resolve().parent)
    except InkoopwijzerError as exc:
        raise Abort(str(exc)) from None
    for name in PYODIDE_FILES:
        files.append(File.generated(config, f"assets/pyodide/{name}", abs_src_path=str(runtime / name)))
    return files


_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {scripts}; "
       "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
       "worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'")


def content_security_policy(html: str, serving: bool = False) -> str:
    """A policy allowing only this origin, plus the theme's own inline scripts by hash.

    ``serving``: the development server injects a live-reload script that differs on every
    request, so ``serve`` (never ``build``) allows inline scripts instead.
    """
    if serving:
        return CSP.format(scripts="'unsafe-inline'")
    hashes = []
    for match in _INLINE_SCRIPT.finditer(html):
        attrs, body = match.group("attrs"), match.group("body")
        if "src=" in attrs or not body.strip() or "application/json" in attrs:
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return CSP.format(scripts=" ".join(sorted(set(hashes))))


def on_post_page(output: str, page, config) -> str:
    """Every page carries a Content-Security-Policy: only its own origin may be contacted."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(output, bool(_state["serving"]))}">'
    return output.replace("<head>", "<head>\n    " + meta, 1)


def on_post_template(output_content: str, template_name: str, config) -> str:
    """The same policy on theme templates rendered outside pages (404.html)."""
    if template_name.endswith(".html"):
        return on_post_page(output_content, None, config)
    return output_content
