"""Stage 5: validate, then let mkdocs build the site into a fresh folder and swap it in.

A failed build never leaves a half-written site: mkdocs writes into a temporary sibling
folder, which replaces the output folder only when everything succeeded. Builds are
reproducible: the build date comes from SOURCE_DATE_EPOCH, by default derived from the
newest date in the data, never from the clock.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timezone
from pathlib import Path

from .errors import DataError, InkoopwijzerError, Problem
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


def build_site(config_file: Path, out_dir: Path | None = None) -> BuildResult:
    """Validate the data, build with mkdocs (strict) and atomically replace ``out_dir``."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    if not config_file.is_file():
        raise InkoopwijzerError(f"{config_file}: no such file")
    catalog, warnings = validated_catalog(config_file)

    base = config_file.resolve().parent
    target = (out_dir if out_dir is not None else base / "site").resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        _quiet_mkdocs()
        cfg = load_config(config_file=str(config_file), site_dir=str(staging), strict=True)
        try:
            with build_epoch(catalog):
                build(cfg)
        except MkDocsException as exc:
            raise InkoopwijzerError(f"mkdocs build failed: {exc}") from None
        pages = sum(1 for _ in staging.rglob("index.html"))
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
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


def _swap(staging: Path, target: Path) -> None:
    """Replace ``target`` with ``staging`` (two renames; the old tree is removed last)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _quiet_mkdocs() -> None:
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    if not logging.getLogger("mkdocs").handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        logging.getLogger("mkdocs").addHandler(handler)


def serve_site(config_file: Path, dev_addr: str) -> None:
    """Validate first (clear errors), then serve with live reload."""
    from mkdocs.commands.serve import serve

    catalog, _ = validated_catalog(config_file)
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(data_epoch(catalog)))
    serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True)
