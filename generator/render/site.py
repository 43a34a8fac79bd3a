"""All generated files of the site, gathered first and checked for clashes.

Returns ``{path: content}``; the mkdocs hook turns each entry into a generated file.
Like Pelican's writer, a second write to the same path is a bug and raises.
"""
from __future__ import annotations

import functools

from ..escape import path_segment
from ..model import Catalog
from .agenda import agenda_pages
from .ics import feeds, render_calendars
from .opendata import render_open_data
from .pages import render_pages
from .portal import ABOUT, Portal, compare_url, years_url
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


def render_site(catalog: Catalog, home_intro: str, site_url: str,
                about_intro: str | None = None) -> dict[str, str | bytes]:
    """``home_intro`` and ``about_intro``: the hand-written index.md and over.md, which get
    generated sections (the about page only when given)."""
    portal = Portal(catalog)
    related = {rec.key: portal.comparisons_of(rec) for rec in catalog.policies.values()}
    all_feeds = feeds(catalog, site_url)  # computed once: pages, calendars and agenda read them
    feed_paths = frozenset(f.path for f in all_feeds)
    files: dict[str, str | bytes] = {}
    served: dict[str, str] = {}
    _put = functools.partial(_put_checked, served=served)  # noqa: N806 (the one writer)
    for path, content in render_pages(catalog, related, site_url, feed_paths).items():
        _put(files, path, content)
    for cmp in portal.comparisons:
        for path, content in portal.comparison_pages(cmp).items():
            _put(files, path, content)
        _put(files, compare_url(cmp)[:-3] + ".csv", portal.comparison_csv(cmp))
        _put(files, compare_url(cmp)[:-3] + "-excel.csv", portal.comparison_excel(cmp))
    for cmp in portal.year_comparisons:
        _put(files, years_url(cmp), portal.years_page(cmp))
    _put(files, "vergelijk/index.md", portal.compare_index())
    for path, content in portal.glossary_pages().items():
        _put(files, path, content)
    _put(files, "index.md", portal.home_page(home_intro))
    if about_intro is not None:
        _put(files, ABOUT, portal.about_page(about_intro))
    for path, content in render_open_data(catalog).items():
        _put(files, path, content)
    for path, content in render_calendars(catalog, site_url, all_feeds).items():
        _put(files, path, content)
    for path, content in agenda_pages(catalog, site_url, all_feeds=all_feeds).items():
        _put(files, path, content)
    for path, content in upcoming_files(catalog).items():
        _put(files, path, content)
    return files
