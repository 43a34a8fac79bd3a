"""Escaping for policy text that ends up in Markdown pages.

Policy text is data, never markup: every value a template prints is escaped for both
HTML (``<script>``) and Markdown (``[x](javascript:...)``, ``{: onclick=... }``) unless the
renderer built it itself and marked it ``Markup``. The escaping itself lives in
``generator.escape`` (one function per output format); this module holds the Markdown
helpers built on it.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Sequence, TypeVar
from urllib.parse import quote

from markupsafe import Markup, escape

from ..escape import CONTROL, markdown

# Front matter of a page that needs the whole width (wide tables): no table of contents.
WIDE = "---\nhide:\n  - toc\n---\n"
# On a block of raw HTML: left out of the site search (``generator/search.py`` hands this
# selector to Pagefind). For tables that repeat what the policy pages say (comparisons, the
# agenda): a result should lead to the policy, not to a table that repeats it.
# tests/test_bounded_pages.py builds a site and checks.
NO_SEARCH = "data-search-exclude"
# About the number of insurers in the Dutch market (some twenty brands): up to it, pages list
# every insurer (home page, agenda's feed table); beyond it they summarise and link.
MARKET_INSURERS = 25


T = TypeVar("T")


def chunked(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """A long list's parts: ``items`` in order, at most ``size`` each; no items, one empty part."""
    return [items[i:i + size] for i in range(0, len(items), size)] or [items[:0]]


def parts_pager(label: str, intro: str, current: int | None, parts: Iterable[tuple[str, str, str]]) -> Markup:
    """The links between the parts of a long list (agenda, comparison, list of policies, ...),
    numbered from 1 ("deel 2: ..."): ``parts`` are (what the part holds, its link from the page
    shown, extra attributes); ``current`` is the number of the part shown (None on a page that
    is none of them). ``extra`` attributes are built by the caller from its own values, never
    from policy text."""
    items = "".join(f'<li aria-current="page"{extra}>{escape(f"deel {n}: {what}")}</li>' if n == current else
                    f'<li{extra}><a href="{escape(target)}">{escape(f"deel {n}: {what}")}</a></li>'
                    for n, (what, target, extra) in enumerate(parts, start=1))
    return Markup(f'<nav class="iw-pager" aria-label="{escape(label)}"><p>{escape(intro)}</p><ol>{items}</ol></nav>')


# Kept under its old name: templates and renderers call it for every value they print.
md_escape = markdown

# Characters a URL may keep as they are. Markdown punctuation ([, ], (, ), `, \, *, _, |, !)
# is percent-encoded, so a link pattern can never form inside an href that sits in Markdown.
_URL_SAFE = ":/?#@$&+,;=%-.~"


def safe_url(url: str) -> str:
    """Only https: and mailto: links (the schema enforces this; checked again here)."""
    if not (url.startswith("https://") or url.startswith("mailto:")):
        raise ValueError(f"refusing to link to {url!r}")
    return str(escape(quote(url, safe=_URL_SAFE)))


_ATTR_ENTITIES = frozenset("&<>\"'\\`*_{}[]()#+-.!|")


def md_attr(value: Any) -> Markup:
    """An attribute value of inline HTML inside Markdown (e.g. ``title="..."``).

    The inline tag reaches the page only if Markdown's link, code and escape patterns,
    which run before its HTML pattern, find nothing inside it; every character they act on
    becomes an entity.
    """
    text = CONTROL.sub(" ", str(value))
    return Markup("".join(f"&#{ord(ch)};" if ch in _ATTR_ENTITIES else ch for ch in text))


def link(text: Any, url: str, *, external: bool = True) -> Markup:
    """An external link inside Markdown: the text is escaped for Markdown, the URL encoded."""
    attrs = ' rel="noopener noreferrer external"' if external else ""
    return Markup(f'<a href="{safe_url(url)}"{attrs}>{markdown(text)}</a>')


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
