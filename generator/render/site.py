"""All generated files of the site, gathered first and checked for clashes.

Returns ``{path: content}``; ``generator.tree`` writes each entry into the docs tree.
Like Pelican's writer, a second write to the same path is a bug and raises. The files are
computed as jobs in two independent groups (``site_jobs``), which ``generator.parallel`` may
run in two processes.
"""
from __future__ import annotations

import functools
import itertools
from typing import Callable, Iterable, Union

from ..escape import path_segment
from ..model import Catalog
from ..parallel import run_groups
from .. import memo
from .agenda import agenda_pages
from .ics import Feed, feeds, render_calendars
from .opendata import render_open_data
from .pages import render_pages
from .portal import Portal, compare_url, years_url
from .upcoming import upcoming_files


class DuplicatePath(RuntimeError):
    """Two renderers produced the same file, or the same page URL (a bug: validation
    refuses the data that would cause it)."""


def served_as(path: str) -> str:
    """The file a generated path becomes on the site (directory URLs: ``a/b.md`` and
    ``a/b/index.md`` are both ``a/b/index.html``)."""
    if path.endswith(".md"):
        stem = path[:-3]
        return (stem[: -len("index")] if stem == "index" or stem.endswith("/index") else stem + "/") + "index.html"
    return path


def _put_checked(files: dict[str, str | bytes], path: str, content: str | bytes,
                 served: dict[str, str] | None = None) -> None:
    """Write one generated file: every segment of its path must be an id (the file-path
    edge of ``generator.escape``), and no other renderer may have written it already."""
    for segment in path.split("/"):
        path_segment(segment)
    if path in files:
        raise DuplicatePath(f"two renderers wrote {path}")
    if served is not None:
        url = served_as(path)
        if url in served:
            raise DuplicatePath(f"{path} and {served[url]} would both be published as {url}")
        served[url] = path
    files[path] = content


Job = Callable[[], dict[str, Union[str, bytes]]]


class _Shared:
    """What several jobs read, computed on first use: in the process that needs it (a worker
    forked before it was computed computes its own)."""

    def __init__(self, catalog: Catalog, site_url: str):
        self.catalog, self.site_url = catalog, site_url

    @functools.cached_property
    def portal(self) -> Portal:
        return Portal(self.catalog)

    @functools.cached_property
    def feeds(self) -> list[Feed]:  # computed once: pages, calendars and agenda read them
        return feeds(self.catalog, self.site_url)

    def pages(self) -> dict[str, str]:
        related = {rec.key: self.portal.comparisons_of(rec) for rec in self.catalog.policies.values()}
        return render_pages(self.catalog, related, self.site_url, frozenset(f.path for f in self.feeds))

    def comparison_files(self) -> dict[str, Union[str, bytes]]:
        files: dict[str, Union[str, bytes]] = {}
        portal = self.portal
        for cmp in portal.comparisons:
            files.update(memo.cached(portal.comparison_inputs(cmp), lambda: {
                **portal.comparison_pages(cmp),
                compare_url(cmp)[:-3] + ".csv": portal.comparison_csv(cmp),
                compare_url(cmp)[:-3] + "-excel.csv": portal.comparison_excel(cmp)}))
        for ycmp in portal.year_comparisons:
            files[years_url(ycmp)] = memo.cached(portal.years_inputs(ycmp), lambda: portal.years_page(ycmp))
        files["vergelijk/index.md"] = portal.compare_index()
        return files


def site_jobs(catalog: Catalog, home_intro: str, site_url: str,
              about_intro: str | None = None) -> tuple[list[Job], list[Job]]:
    """Every generated file as jobs in two groups of about equal work that share nothing but
    the catalog: the pages that need the comparisons (policy pages link to theirs), and the
    rest. ``run_groups`` may run the groups in two processes."""
    shared = _Shared(catalog, site_url)
    with_comparisons: list[Job] = [
        shared.pages,
        shared.comparison_files,
        lambda: {"index.md": shared.portal.home_page(home_intro)},
    ]
    if about_intro is not None:
        with_comparisons.append(lambda: memo.cached(shared.portal.about_inputs(about_intro),
                                                    lambda: shared.portal.about_pages(about_intro)))
    rest: list[Job] = [
        lambda: shared.portal.glossary_pages(),  # the glossary does not need the comparisons
        lambda: render_open_data(catalog),
        lambda: render_calendars(catalog, site_url, shared.feeds),
        lambda: agenda_pages(catalog, site_url, all_feeds=shared.feeds),
        lambda: upcoming_files(shared.portal.deadlines),
    ]
    return with_comparisons, rest


def collect(results: Iterable[dict[str, Union[str, bytes]]]) -> dict[str, Union[str, bytes]]:
    """The jobs' files in one mapping: no path, and no published URL, twice."""
    files: dict[str, Union[str, bytes]] = {}
    served: dict[str, str] = {}
    for result in results:
        for path, content in result.items():
            _put_checked(files, path, content, served)
    return files


def render_site(catalog: Catalog, home_intro: str, site_url: str,
                about_intro: str | None = None, workers: int = 1) -> dict[str, Union[str, bytes]]:
    """``home_intro`` and ``about_intro``: the hand-written index.md and over.md, which get
    generated sections (the about page only when given). ``workers``: see ``run_groups``."""
    groups = run_groups(site_jobs(catalog, home_intro, site_url, about_intro), workers)
    return collect(itertools.chain.from_iterable(groups))
