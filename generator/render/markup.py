"""Escaping for policy text that ends up in Markdown pages.

Policy text is data, never markup: every value a template prints is escaped for both
HTML (``<script>``) and Markdown (``[x](javascript:...)``) unless the renderer built it
itself and marked it ``Markup``.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

# The characters Python-Markdown (with the tables extension) accepts backslash escapes for.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def md_escape(value: Any) -> str:
    """Escape text so Markdown and HTML both show it literally."""
    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return ""
    text = str(escape(str(value)))  # &, <, >, ", '
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("\n", " ")


def safe_url(url: str) -> str:
    """Only https: and mailto: links (the schema enforces this; checked again here)."""
    if not (url.startswith("https://") or url.startswith("mailto:")):
        raise ValueError(f"refusing to link to {url!r}")
    return str(escape(quote(url, safe=":/?#[]@!$&'()*+,;=%-._~")))


def link(text: Any, url: str, *, external: bool = True) -> Markup:
    attrs = ' rel="noopener noreferrer external"' if external else ""
    return Markup(f'<a href="{safe_url(url)}"{attrs}>{escape(str(text))}</a>')


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
