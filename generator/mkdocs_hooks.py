"""The serve hook: ProperDocs' development server keeps the docs tree current and sets each
page's Content-Security-Policy as it renders it.

``inkoopwijzer build`` runs no hooks: it generates the tree, builds it and finishes the
output folder (``generator.build``). ``inkoopwijzer serve`` (``generator.serve``) passes
this file as its one hook: before every rebuild the tree is regenerated where its inputs
changed, and since the development server injects a live-reload script into every page it
serves, the policy is written here with ``serving=True`` (never in a build).
"""
from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

from properdocs.exceptions import Abort, PluginError

from generator import serve
from generator.compiled import CompiledTemplates
from generator.errors import InkoopwijzerError
from generator.finish import UnsafePage, finish_page, known_scripts
from generator.render.enhance import site_terms
from generator.search import index_site

_known: dict[tuple, object] = {}
_terms: dict[str, object] = {}
_indexed: set[str] = set()
_theme_code = CompiledTemplates()
log = logging.getLogger("mkdocs.plugins.inkoopwijzer")


def on_pre_build(config) -> None:
    """Bring the docs tree up to date; invalid data keeps the last good site served."""
    if serve.current is None:
        raise Abort("generator/mkdocs_hooks.py runs under 'inkoopwijzer serve' only; "
                    "build with 'inkoopwijzer build'")
    try:
        serve.current.refresh(config.site_url or "/")
    except InkoopwijzerError as exc:
        raise Abort(f"invalid policy data:\n{exc}") from None
    _terms["current"] = site_terms(config.docs_dir)  # once per build, not per page


def on_env(env, config, files):
    """The theme's templates compiled once per session: ProperDocs makes a new environment for
    every build, and compiling mkdocs-material's templates again took a third of a second."""
    env.bytecode_cache = _theme_code
    return env


def _known_scripts(config):
    key = (tuple(map(str, config.theme.dirs)), tuple(str(s) for s in config.extra_javascript))
    if key not in _known:
        _known[key] = known_scripts(config.theme.dirs, config.extra_javascript)
    return _known[key]


def on_post_page(output: str, page, config) -> str:
    name = page.file.dest_uri if page is not None else "404.html"
    try:
        return finish_page(output, name, _known_scripts(config), urlsplit(config.site_url or "/").path or "/",
                           serving=True, terms=_terms.get("current"))
    except UnsafePage as exc:
        raise PluginError(str(exc)) from None


def on_post_template(output_content: str, template_name: str, config) -> str:
    """The same policy on theme templates rendered outside pages (404.html)."""
    if template_name.endswith(".html"):
        return on_post_page(output_content, None, config)
    return output_content


def on_post_build(config) -> None:
    """The search index, once per session: Pagefind reads every page, which a reload after
    one edit should not wait for; the search page of a long session may miss that edit."""
    if config.site_dir in _indexed or serve.current is None:
        return
    try:
        index_site(Path(config.site_dir), serve.current.config_file.resolve().parent)
    except InkoopwijzerError as exc:
        log.warning("%s", exc)
        return
    _indexed.add(config.site_dir)
    log.info("Built the search index once for this session (restart serve to search later edits)")
