"""All generated files of the site, gathered first and checked for clashes.

Returns ``{path: content}``; the mkdocs hook turns each entry into a generated file.
Like Pelican's writer, a second write to the same path is a bug and raises.
"""
from __future__ import annotations

from ..model import Catalog
from .agenda import AGENDA, agenda_page
from .ics import render_calendars
from .opendata import render_open_data
from .pages import render_pages
from .portal import Portal, compare_url, years_url


class DuplicatePath(RuntimeError):
    pass


def _put(files: dict[str, str | bytes], path: str, content: str | bytes) -> None:
    if path in files:
        raise DuplicatePath(f"two renderers wrote {path}")
    files[path] = content


def render_site(catalog: Catalog, home_intro: str, site_url: str) -> dict[str, str | bytes]:
    portal = Portal(catalog)
    related = {rec.key: portal.comparisons_of(rec) for rec in catalog.policies.values()}
    files: dict[str, str | bytes] = {}
    for path, content in render_pages(catalog, related).items():
        _put(files, path, content)
    for cmp in portal.comparisons:
        _put(files, compare_url(cmp), portal.comparison_page(cmp))
        _put(files, compare_url(cmp)[:-3] + ".csv", portal.comparison_csv(cmp))
    for cmp in portal.year_comparisons:
        _put(files, years_url(cmp), portal.years_page(cmp))
    _put(files, "vergelijk/index.md", portal.compare_index())
    for path, content in portal.glossary_pages().items():
        _put(files, path, content)
    _put(files, "index.md", portal.home_page(home_intro))
    for path, content in render_open_data(catalog).items():
        _put(files, path, content)
    for path, content in render_calendars(catalog, site_url).items():
        _put(files, path, content)
    _put(files, AGENDA, agenda_page(catalog, site_url))
    return files
