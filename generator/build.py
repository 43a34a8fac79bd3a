"""Stage 5: validate, generate the docs tree, let the site builder turn it into HTML in a fresh
folder, finish every page, and swap the folder in.

The pipeline does not live inside the site builder: ``generator.tree`` writes the complete
docs tree (hand-written and generated files) into a temporary folder, the site builder
(ProperDocs, the maintained drop-in fork of mkdocs 1.6, running mkdocs-material unchanged)
builds that folder as its ``docs_dir`` with no hooks, and ``generator.finish`` then checks
every HTML file and writes its Content-Security-Policy. Any builder that reads
``mkdocs.yml`` and a docs folder can take ProperDocs' place. A failed build never leaves a
half-written site: it writes into a temporary sibling folder, which replaces the output
folder only when everything succeeded. Builds are reproducible: the build date comes from
SOURCE_DATE_EPOCH, by default derived from the newest date in the data, never from the clock.

The output folder is the one place a build deletes things, so ``build --out`` is careful
(``generator.outdir``): it refuses the project and its sources, a file, and a non-empty
folder that is not an earlier Inkoopwijzer site (every build writes a marker file); it
holds a lock for the build, swaps the new site in so that a complete site is always there
(even when SIGTERM, SIGINT or SIGHUP arrives at any moment), cleans up after itself and
after killed builds, creates the site with the user's umask, and turns a full disk, a
read-only folder or a missing permission into one clear line.
"""
from __future__ import annotations

import logging
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timezone
from pathlib import Path
from urllib.parse import urlsplit

from . import outdir
from .errors import DataError, InkoopwijzerError, Problem
from .escape import terminal
from .finish import UnsafePage, finish_site, known_scripts
from .model import Catalog
from .render.freshness import newest_data_date
from .search import index_site
from .tree import TREE_MARKER, TreeUpdate, docs_tree, write_tree
from .validate import load_catalog

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    pages: int
    warnings: list[Problem]


def data_epoch(catalog: Catalog) -> int:
    """Newest date stated in the data (publication, amendment), as a Unix timestamp."""
    newest = newest_data_date(catalog) or datetime(2024, 1, 1).date()
    return int(datetime.combine(newest, time(0, 0), tzinfo=timezone.utc).timestamp())


def _mkdocs_yaml_loader():
    import yaml

    class Loader(yaml.SafeLoader):
        """mkdocs.yml may use !!python/name and !ENV tags; they are irrelevant here."""

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    return Loader


def _policies_dir(config_file: Path) -> Path:
    """The policies folder named in mkdocs.yml (``extra.inkoopwijzer.policies``)."""
    rel = (_raw_config(config_file).get("extra") or {}).get("inkoopwijzer", {}).get("policies", "policies")
    return config_file.resolve().parent / rel


def validated_catalog(config_file: Path, only_insurers: frozenset[str] | None = None) -> tuple[Catalog, list[Problem]]:
    root = _policies_dir(config_file)
    try:
        display = os.path.relpath(root)
    except ValueError:
        display = str(root)
    catalog, problems = load_catalog(root, display, only_insurers)
    errors = [p for p in problems if p.severity == "error"]
    if errors or catalog is None:
        raise DataError(errors)
    return catalog, [p for p in problems if p.severity == "warning"]


def _site_builder() -> None:
    """Route every ``mkdocs.*`` import (mkdocs-material, our hook) to ProperDocs.

    Must run before the theme is loaded; ProperDocs' own command line does the same.
    """
    import properdocs.replacement  # noqa: F401


def _project_paths(config_file: Path) -> tuple[Path, list[Path]]:
    """The project folder and what in it a build must never replace."""
    raw = _raw_config(config_file)
    base = config_file.resolve().parent
    theme = raw.get("theme") if isinstance(raw.get("theme"), dict) else {}
    protected = [config_file.resolve(), _policies_dir(config_file).resolve(), hand_written_dir(config_file)]
    if theme.get("custom_dir"):
        protected.append((base / str(theme["custom_dir"])).resolve())
    return base, protected


def _raw_config(config_file: Path) -> dict:
    import yaml

    raw = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_mkdocs_yaml_loader())
    return raw if isinstance(raw, dict) else {}


def hand_written_dir(config_file: Path) -> Path:
    """The hand-written pages (``docs_dir`` in mkdocs.yml); the builder itself reads the
    generated docs tree, which holds them together with the generated pages."""
    return (config_file.resolve().parent / str(_raw_config(config_file).get("docs_dir") or "docs")).resolve()


def load_builder_config(config_file: Path, tree: Path, site_dir: Path, **overrides):
    """The site builder's configuration of ``mkdocs.yml``, reading the docs tree ``tree``."""
    from properdocs.config import load_config

    return load_config(config_file=str(config_file), docs_dir=str(tree), site_dir=str(site_dir),
                       **{"strict": True, **overrides})


def site_url_of(cfg) -> str:
    return cfg.site_url or DEFAULT_SITE_URL


def finish(cfg, site_dir: Path) -> int:
    """The post-build step over the output folder (``generator.finish``)."""
    known = known_scripts(cfg.theme.dirs, cfg.extra_javascript)
    return finish_site(site_dir, known, urlsplit(site_url_of(cfg)).path or "/")


def build_site(config_file: Path, out_dir: Path | None = None) -> BuildResult:
    """Validate the data, generate the docs tree, build it (strict), finish every page, and
    atomically replace ``out_dir``."""
    _site_builder()
    from properdocs.commands.build import build
    from properdocs.exceptions import MkDocsException

    if not config_file.is_file():
        raise InkoopwijzerError(f"{terminal(config_file)}: no such file")
    base, protected = _project_paths(config_file)
    target = outdir.absolute(out_dir if out_dir is not None else base / "site")
    outdir.check_target(target, base, protected)  # before anything is read or written
    catalog, warnings = validated_catalog(config_file)

    with outdir.site_writer(target) as staging, \
            tempfile.TemporaryDirectory(prefix="inkoopwijzer-docs-") as tree_dir:
        _quiet_mkdocs()
        tree = Path(tree_dir)
        try:
            cfg = load_builder_config(config_file, tree, staging)
        except MkDocsException as exc:
            raise InkoopwijzerError(f"{terminal(config_file)}: {exc}") from None
        write_tree(docs_tree(catalog, hand_written_dir(config_file), base, site_url_of(cfg)), tree)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            with build_epoch(catalog):
                build(cfg)
        except MkDocsException as exc:
            raise InkoopwijzerError(f"site build failed: {exc}") from None
        try:
            finish(cfg, staging)
        except UnsafePage as exc:
            raise InkoopwijzerError(f"site build failed: {exc}") from None
        index_site(staging, base)
        pages = sum(1 for _ in staging.rglob("index.html"))
    return BuildResult(target, pages, warnings)


def generate_tree(config_file: Path, out: Path) -> tuple[TreeUpdate, list[Problem]]:
    """``inkoopwijzer generate --out DIR``: validate, then write the complete docs tree.

    DIR is checked like a build's output folder (never the project or its sources; a
    non-empty folder only when it holds an earlier tree), then updated in place: only
    files whose bytes changed are written, files no longer generated are removed.
    """
    _site_builder()
    from properdocs.exceptions import MkDocsException

    if not config_file.is_file():
        raise InkoopwijzerError(f"{terminal(config_file)}: no such file")
    base, protected = _project_paths(config_file)
    target = outdir.absolute(out)
    outdir.check_target(target, base, protected, marker=TREE_MARKER, what="Inkoopwijzer docs tree")
    catalog, warnings = validated_catalog(config_file)
    _quiet_mkdocs()
    with tempfile.TemporaryDirectory(prefix="inkoopwijzer-config-") as scratch:
        try:  # only for the site address; the tree itself is not read
            (Path(scratch) / "docs").mkdir()
            cfg = load_builder_config(config_file, Path(scratch) / "docs", Path(scratch) / "site")
        except MkDocsException as exc:
            raise InkoopwijzerError(f"{terminal(config_file)}: {exc}") from None
    files = docs_tree(catalog, hand_written_dir(config_file), base, site_url_of(cfg))
    try:
        return write_tree(files, target), warnings
    except OSError as exc:
        raise InkoopwijzerError(f"{terminal(target)}: cannot write the docs tree: {exc.strerror}") from None


@contextmanager
def build_epoch(catalog: Catalog):
    """SOURCE_DATE_EPOCH for the duration of a build: the caller's, else the data's."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield os.environ["SOURCE_DATE_EPOCH"]
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(data_epoch(catalog))
    try:
        yield os.environ["SOURCE_DATE_EPOCH"]
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


# The site builder logs under both names: its own, and 'mkdocs' for themes and hooks.
BUILDER_LOGGERS = ("properdocs", "mkdocs")


def _log_builder(level: int) -> None:
    """Show the site builder's messages at ``level`` and above, one plain line each."""
    handler = logging.StreamHandler()
    handler.setFormatter(_TerminalFormatter("%(levelname)s: %(message)s" if level > logging.INFO
                                            else "%(message)s"))
    for name in BUILDER_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.propagate = False
        logger.handlers[:] = [handler]


class _TerminalFormatter(logging.Formatter):
    """Builder messages may quote data (page names, titles): control characters are shown."""

    def format(self, record: logging.LogRecord) -> str:
        return terminal(super().format(record), keep_newlines=True)


def _quiet_mkdocs() -> None:
    _log_builder(logging.WARNING)
