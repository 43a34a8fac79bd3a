"""Finishing touches on a finished page's HTML (the post-build step, ``generator.finish``): a
contents list at the top of long pages ("Op deze pagina", for phones, where the theme's own
list is tucked away in the menu), and a glossary link on the first use of each jargon term on
a page.

Both work on the page's article only, in which every piece of data is already escaped: text
is only ever wrapped in a link, never re-parsed or unescaped. The glossary comes from the
site's own open data (``data/registry/glossary.json``), so this step needs nothing but the
output folder.
"""
from __future__ import annotations

import functools
import html as _html
import json
import re
from pathlib import Path
from dataclasses import dataclass
from typing import Any, Iterable

from ..escape import html as escape
from ..model import Catalog

TOC_SLOT = '<div class="iw-toc-slot"></div>'
GLOSSARY_DIR = "begrippen"

# --------------------------------------------------------------------------- contents


def contents_box(html: str, toc: Iterable[Any]) -> str:
    """Replace the slot a template left (``TOC_SLOT``) with a collapsible contents list of the
    page's second- and third-level headings. ``toc``: the site builder's table of contents
    (its titles are HTML, as the theme prints them)."""
    if TOC_SLOT not in html:
        return html
    items = list(toc)
    if len(items) == 1 and items[0].level == 1:  # the page title holds the sections
        items = items[0].children

    def entries(nodes: list[Any], depth: int) -> str:
        out = []
        for node in nodes:
            children = entries(node.children, depth + 1) if depth < 2 and node.children else ""
            out.append(f'<li><a href="{escape(node.url)}">{node.title}</a>{children}</li>')
        return f"<ul>{''.join(out)}</ul>" if out else ""

    listing = entries(items, 1)
    if not listing:
        return html.replace(TOC_SLOT, "", 1)
    box = (f'<details class="iw-toc"><summary>Op deze pagina</summary>'
           f'<nav aria-label="Op deze pagina">{listing}</nav></details>')
    return html.replace(TOC_SLOT, box, 1)


_HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
_ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">)(.*?)(</article>)', re.S)


class _Heading:
    """A heading of the page as the contents list needs it (the shape of the builder's toc)."""

    def __init__(self, title: str, url: str, level: int):
        self.title, self.url, self.level, self.children = title, url, level, []


def headings_toc(html: str) -> list[_Heading]:
    """The second- and third-level headings of a page's HTML, nested; titles as escaped text."""
    toc: list[_Heading] = []
    for level, hid, inner in _HEADING.findall(html):
        title = re.sub(r"<[^>]+>", "", _HEADERLINK.sub("", inner)).strip()
        node = _Heading(title, "#" + hid, int(level))
        if node.level == 3 and toc:
            toc[-1].children.append(node)
        else:
            toc.append(node)
    return toc


def enhance_page(html: str, page_path: str, terms: "Terms | None") -> str:
    """A finished page with its contents box and glossary links, in its article only.

    ``page_path``: the HTML file below the site (``beleid/vgz/x/index.html``)."""
    match = _ARTICLE.search(html)
    if match is None or page_path.count("/") == 0 and page_path != "index.html":
        return html  # not a page of the site's own (404.html is served at any depth)
    body = match.group(2)
    body = contents_box(body, headings_toc(body))
    page_url = page_path.removesuffix("index.html")
    if terms is not None and not page_url.startswith(NO_TERM_LINKS):
        body = link_terms(body, terms, page_url)
    return html[:match.start(2)] + body + html[match.end(2):]


# Pages whose text gets no automatic glossary links: the checker (its own interface).
NO_TERM_LINKS = ("checker/",)


# --------------------------------------------------------------------------- glossary links


@dataclass(frozen=True)
class Terms:
    """Every glossary term and alias, as one pattern over escaped HTML text."""

    pattern: re.Pattern[str] | None
    by_word: dict[str, str]  # word (as matched: exact for acronyms, else lower case) -> term id
    # Every term's words as they stand in escaped HTML, lower-cased ("adz", "financiering" for
    # "ADZ-financiering"), by its first word: a text that does not hold all the words of some
    # term not yet linked on the page links nothing, and most texts are such, so the pattern
    # (an alternation of every term, slow to try at each position) runs only where a link can
    # come of it. None when a term does not start with a word character.
    first_words: dict[str, tuple[tuple[frozenset[str], str], ...]] | None = None


def glossary_terms(catalog: Catalog) -> Terms:
    return _terms((tid, [term.term, *term.aliases]) for tid, term in catalog.glossary.items())


def site_terms(site_dir: Path) -> Terms | None:
    """The glossary of a built site (or docs tree), from its open data; None without one."""
    path = Path(site_dir) / "data" / "registry" / "glossary.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return _terms((t["id"], [t["term"], *t.get("aliases", [])]) for t in data)


def _terms(entries: Iterable[tuple[str, list[str]]]) -> Terms:
    words: dict[str, str] = {}
    for tid, names in sorted(entries):
        for word in names:
            key = word if _acronym(word) else word.lower()
            words.setdefault(key, tid)
    if not words:
        return Terms(None, {})
    alternatives = []
    for word in sorted(words, key=len, reverse=True):
        body = re.escape(_html.escape(word, quote=False))
        alternatives.append(body if _acronym(word) else f"(?i:{body})")
    pattern = re.compile(r"(?<![\w&#-])(?:" + "|".join(alternatives) + r")(?![\w-])")
    first_words: dict[str, list[tuple[frozenset[str], str]]] | None = {}
    for word, tid in words.items():
        escaped = _html.escape(word, quote=False).lower()
        parts = _WORD.findall(escaped)
        if not parts or not escaped.startswith(parts[0]):
            first_words = None
            break
        first_words.setdefault(parts[0], []).append((frozenset(parts), tid))
    return Terms(pattern, words, None if first_words is None else
                 {w: tuple(entries) for w, entries in first_words.items()})


def _acronym(word: str) -> bool:
    """Short capitals (SKF, KP, RIZ) match only as written; other words in any case."""
    return word == word.upper()


# Elements whose text never gets a glossary link: links, headings, code, form controls, the
# contents list, citations and filters.
_SKIP_TAGS = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style", "code", "pre", "button", "select",
              "option", "textarea", "summary", "label", "nav", "caption", "thead"}
_SKIP_CLASSES = {"iw-cite", "iw-toc", "iw-filters", "iw-subscribe", "iw-subscribe-box", "headerlink",
                 "admonition-title", "iw-meta"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# A comment, a tag (its closing slash, name and attributes as groups), or another "<...>" (a
# declaration): one pass over the page gives every token with what the walk needs of it.
_TOKEN = re.compile(r"<!--.*?-->|<\s*(/)?\s*([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>|<[^>]*>", re.S)
_CLASS = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_HREF = re.compile(r"""\shref\s*=\s*"([^"]*)\"""")
_TERM_HREF = re.compile(GLOSSARY_DIR + r"/([a-z0-9-]+)/?(?:#.*)?$")
_WORD = re.compile(r"\w+")


@functools.cache
def case_special() -> re.Pattern[str]:
    """Characters whose str.lower() does not give what the pattern's case-insensitive matching
    compares: a lower case of another length ("İ"), or another lower case than their upper
    case's ("ſ" matches "s", "ς" matches "σ"); where a text holds one, the pattern is always
    tried. Made on first use (a pass over the 65,536 characters of the first plane)."""
    return re.compile("[" + "".join(
        re.escape(c) for c in map(chr, range(0x80, 0x10000))
        if len(c.lower()) != 1 or c.lower() != c.upper().lower() or c.upper().lower() != c.lower().upper().lower()
        or c in "\u03a3\u03c3\u03c2") + "]")


def link_terms(html: str, terms: Terms, page_url: str) -> str:
    """Link the first use of each glossary term on the page to its glossary page.

    ``page_url``: the page's URL below the site (``beleid/vgz/x/``), for relative links. A term
    already linked earlier on the page (an explicit glossary link) is not linked again, and a
    term's own glossary page does not link to itself."""
    if terms.pattern is None:
        return html
    depth = page_url.strip("/").count("/") + 1 if page_url.strip("/") else 0
    prefix = "../" * depth
    linked: set[str] = set()
    own = _TERM_HREF.search(page_url or "")
    if own and page_url.strip("/").startswith(GLOSSARY_DIR + "/"):
        linked.add(own.group(1))
    out: list[str] = []
    stack: list[tuple[str, int]] = []  # (an open tag, how many open tags skip text before it)
    skipping = 0  # how many open tags skip text (their text gets no links)
    pos = 0
    for token in _TOKEN.finditer(html):
        start = token.start()
        if start > pos:
            text = html[pos:start]
            out.append(text if skipping or not text.strip() else _link_text(text, terms, linked, prefix))
        pos = token.end()
        out.append(token.group())
        closing, name, attrs = token.group(1, 2, 3)
        if name is None:  # a comment or a declaration
            continue
        name = name.lower()
        if closing:
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == name:
                    skipping = stack[i][1]
                    del stack[i:]
                    break
            continue
        if name == "a":
            href = _HREF.search(attrs)
            target = _TERM_HREF.search(href.group(1)) if href else None
            if target:
                linked.add(target.group(1))
        if name in _VOID or attrs.rstrip().endswith("/"):
            continue
        skip = name in _SKIP_TAGS
        if not skip and "class" in attrs:
            cls = _CLASS.search(attrs)
            skip = bool(cls) and not _SKIP_CLASSES.isdisjoint((cls.group(1) or cls.group(2) or "").split())
        stack.append((name, skipping))
        skipping += skip
    rest = html[pos:]
    out.append(rest if skipping or not rest.strip() else _link_text(rest, terms, linked, prefix))
    return "".join(out)


def _may_link(text: str, terms: Terms, linked: set[str]) -> bool:
    """False only when no term that is not linked yet can match in ``text``. A match starts
    where no word character precedes it and ends where none follows, so each word of the term
    (a run of word characters) is a whole word of the text, in any case. Texts that lower-case
    differently from the pattern's case-insensitive matching (``case_special``) are always tried."""
    if terms.first_words is None or (not text.isascii() and case_special().search(text)):
        return True
    found = _WORD.findall(text.lower())
    first_words = terms.first_words
    starts = [first_words[w] for w in found if w in first_words]
    if not starts:
        return False
    tokens = set(found)
    return any(tid not in linked and words <= tokens for entries in starts for words, tid in entries)


def _link_text(text: str, terms: Terms, linked: set[str], prefix: str) -> str:
    if not _may_link(text, terms, linked):
        return text

    def replace(match: re.Match[str]) -> str:
        word = _html.unescape(match.group())
        tid = terms.by_word.get(word) or terms.by_word.get(word.lower())
        if tid is None or tid in linked:
            return match.group()
        linked.add(tid)
        return (f'<a class="iw-term-link" href="{prefix}{GLOSSARY_DIR}/{tid}/" '
                f'title="Uitleg in de begrippenlijst">{match.group()}</a>')

    return terms.pattern.sub(replace, text)
