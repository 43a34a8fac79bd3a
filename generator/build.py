"""Stage 5: validate, then let the site builder write the site into a fresh folder and swap it in.

The site builder is ProperDocs, the maintained drop-in fork of mkdocs 1.6 (same
``mkdocs.yml``, same hooks, runs mkdocs-material unchanged). A failed build never leaves a
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
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timezone
from pathlib import Path

from . import outdir
from .errors import DataError, InkoopwijzerError, Problem
from .escape import terminal
from .model import Catalog
from .validate import load_catalog

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    pages: int
    warnings: list[Problem]


def data_epoch(catalog: Catalog) -> int:
    """Newest date stated in the data (publication, amendment), as a Unix timestamp."""
    dates = []
    for rec in catalog.policies.values():
        p = rec.policy
        if p.published:
            dates.append(p.published)
        dates.extend(a.date for a in p.amendments)
    dates.extend(src.published for src in catalog.sources.values() if src.published)
    newest = max(dates) if dates else datetime(2024, 1, 1).date()
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
    import yaml

    raw = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_mkdocs_yaml_loader()) or {}
    rel = (raw.get("extra") or {}).get("inkoopwijzer", {}).get("policies", "policies")
    return config_file.resolve().parent / rel


def validated_catalog(config_file: Path) -> tuple[Catalog, list[Problem]]:
    root = _policies_dir(config_file)
    try:
        display = os.path.relpath(root)
    except ValueError:
        display = str(root)
    catalog, problems = load_catalog(root, display)
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
    import yaml

    base = config_file.resolve().parent
    raw = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_mkdocs_yaml_loader()) or {}
    theme = raw.get("theme") if isinstance(raw.get("theme"), dict) else {}
    protected = [config_file.resolve(), _policies_dir(config_file).resolve(),
                 (base / str(raw.get("docs_dir") or "docs")).resolve()]
    if theme.get("custom_dir"):
        protected.append((base / str(theme["custom_dir"])).resolve())
    return base, protected


def build_site(config_file: Path, out_dir: Path | None = None) -> BuildResult:
    """Validate the data, build (strict) and atomically replace ``out_dir``."""
    _site_builder()
    from properdocs.commands.build import build
    from properdocs.config import load_config
    from properdocs.exceptions import MkDocsException

    if not config_file.is_file():
        raise InkoopwijzerError(f"{terminal(config_file)}: no such file")
    base, protected = _project_paths(config_file)
    target = outdir.absolute(out_dir if out_dir is not None else base / "site")
    outdir.check_target(target, base, protected)  # before anything is read or written
    catalog, warnings = validated_catalog(config_file)

    with outdir.site_writer(target) as staging:
        _quiet_mkdocs()
        cfg = load_config(config_file=str(config_file), site_dir=str(staging), strict=True)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            with build_epoch(catalog):
                build(cfg)
        except MkDocsException as exc:
            raise InkoopwijzerError(f"site build failed: {exc}") from None
        pages = sum(1 for _ in staging.rglob("index.html"))
    return BuildResult(target, pages, warnings)


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


def serve_site(config_file: Path, dev_addr: str) -> None:
    """Validate first (clear errors), then serve with live reload.

    Says where the site is served and when each rebuild starts and ends, so a newcomer
    sees that it works.
    """
    _site_builder()
    from properdocs.commands.serve import serve

    catalog, _ = validated_catalog(config_file)
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(data_epoch(catalog)))
    _log_builder(logging.INFO)
    serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True)
