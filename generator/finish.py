"""Stage 5c: the last word on every finished HTML page, over the site builder's output.

Whatever builder turned the docs tree into HTML (ProperDocs today), this step reads each
``.html`` file of the output folder, refuses a page holding a script the theme did not put
there or an id given twice (``generator.csp``, ``generator.pagecheck``), and writes the
page's Content-Security-Policy into its head. It runs after the builder, on files, so it
needs nothing from the builder's internals: only the theme's template folders (for its
known inline scripts), the site's own script files and the site's path.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Sequence

from . import csp
from .csp import KnownScripts, UnexpectedScript
from .errors import InkoopwijzerError
from .escape import terminal
from .pagecheck import duplicate_ids
from .render.enhance import Terms, enhance_page, site_terms


class UnsafePage(InkoopwijzerError):
    """A finished page the site must not publish."""


def finish_page(html: str, name: str, known: KnownScripts, site_path: str = "/",
                serving: bool = False, terms: Terms | None = None) -> str:
    """One page with its contents box and glossary links (``render.enhance``) and its
    Content-Security-Policy; ``name`` (the page's file below the site) says which page in errors.

    ``serving``: only the development server may relax the policy for its live-reload script.
    """
    html = enhance_page(html, name, terms)
    try:
        policy = csp.content_security_policy(html, serving, known, site_path)
    except UnexpectedScript as exc:
        raise UnsafePage(terminal(f"{name}: the page holds a script the theme did not put there "
                                  f"({exc}); refusing to publish it")) from None
    duplicates = duplicate_ids(html)
    if duplicates:
        raise UnsafePage(terminal(f"{name}: more than one element has the id "
                                  f"{', '.join(duplicates[:5])} (an id given twice, or an item id "
                                  f"equal to a heading's anchor)"))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return html.replace("<head>", "<head>\n    " + meta, 1)


def known_scripts(theme_dirs: Sequence[str | Path], extra_javascript: Iterable[str]) -> KnownScripts:
    """What pages may run: the theme's inline scripts and files, plus the site's own files."""
    return csp.known_scripts(theme_dirs, [str(s) for s in extra_javascript])


def html_files(site_dir: Path) -> list[Path]:
    """Every HTML file of a built site, in a stable order."""
    found = []
    for root, dirs, names in os.walk(site_dir):
        dirs.sort()
        found.extend(Path(root) / n for n in sorted(names) if n.endswith(".html"))
    return found


def finish_site(site_dir: Path, known: KnownScripts, site_path: str = "/") -> int:
    """Finish every page of a built site in place; returns how many pages were finished.

    A refused page raises at once; the caller discards the folder (``build`` builds into a
    staging folder that replaces the site only when everything succeeded).
    """
    count = 0
    terms = site_terms(site_dir)
    for path in html_files(site_dir):
        html = path.read_text(encoding="utf-8")
        name = path.relative_to(site_dir).as_posix()
        path.write_bytes(finish_page(html, name, known, site_path, terms=terms).encode("utf-8"))
        count += 1
    return count
