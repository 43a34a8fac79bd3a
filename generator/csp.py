"""The Content-Security-Policy of every page: only the theme's own scripts may run.

A CSP must never allow-list what ends up in the output. The inline scripts a page may carry
are the theme's, taken from its templates (``THEME_SCRIPTS``): each template's script body
becomes a pattern in which only the template's ``{{ ... }}`` holes vary, and those may only
hold a relative or absolute site path (``..``, ``../..``, ``/``). A page's inline scripts are
hashed only when they match; any other inline script, any script file that is not the
theme's or ``extra_javascript``, and any event-handler attribute or ``javascript:`` URL fail
the build. Escaping keeps data out of the markup; this check makes a slip loud.
"""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Sequence

# Theme templates whose inline scripts pages may carry (mkdocs-material 9.x). Every other
# inline script in the theme belongs to a feature Inkoopwijzer does not use; the test
# ``tests/test_csp.py`` lists them and fails when the theme gains a new one.
THEME_SCRIPTS = (
    "partials/javascripts/base.html",
    "partials/javascripts/palette.html",
    "partials/javascripts/content.html",
    "partials/javascripts/announce.html",
    "partials/javascripts/outdated.html",
)
# The theme's configuration block: JSON, never executed.
CONFIG_SCRIPT = {"id": "__config", "type": "application/json"}
# Script files: the theme's bundle; extra_javascript entries are added from mkdocs.yml.
THEME_FILES = (re.compile(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js"),
               # our own override (site_overrides/main.html) starts the checker's worker from the head
               re.compile(r"assets/javascripts/checker-boot\.js"))

# A template hole ({{ base_url }}, {{ config.extra.scope | d(base_url) }}) inside a
# JavaScript string: a site path, which can never leave the string.
_HOLE = r"[A-Za-z0-9_.~/%-]*"
_TEMPLATE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_SCRIPT_OPEN = re.compile(r"<script(?=[\s/>])", re.I)
_SCRIPT_CLOSE = re.compile(r"</script(?=[\s/>])", re.I)
_TAG = re.compile(r"<[a-zA-Z][^\s/>]*(?:\s(?:[^>\"']|\"[^\"]*\"|'[^']*')*)?/?>")
_CANDIDATE_ATTR = re.compile(r"\son[a-z]|javascript:|vbscript:|data:text/html", re.I)
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc"}

CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {scripts}; "
       "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
       "worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'")


class UnexpectedScript(ValueError):
    """A page holds a script the theme did not put there."""


@dataclass(frozen=True)
class KnownScripts:
    """What a page may run: inline script patterns and script file paths."""

    inline: tuple[re.Pattern[str], ...]
    files: tuple[re.Pattern[str], ...]

    def inline_allowed(self, body: str) -> bool:
        return any(p.fullmatch(body) for p in self.inline)

    def file_allowed(self, src: str, site_path: str = "/") -> bool:
        rel = _site_relative(src, site_path)
        return rel is not None and any(p.fullmatch(rel) for p in self.files)


def template_patterns(template: str) -> list[re.Pattern[str]]:
    """Patterns for the inline scripts of one theme template (text of the template)."""
    patterns = []
    for body in _TEMPLATE_SCRIPT.findall(template):
        if "{%" in body or "{#" in body:
            raise ValueError(f"theme script with template logic inside it: {body[:60]!r}")
        parts = re.split(r"\{\{.*?\}\}", body, flags=re.S)
        patterns.append(re.compile(_HOLE.join(re.escape(p) for p in parts), re.S))
    return patterns


def known_scripts(theme_dirs: Sequence[str | Path], extra_javascript: Iterable[str] = ()) -> KnownScripts:
    """The scripts a page may carry, read from the theme's templates (first dir wins)."""
    inline: list[re.Pattern[str]] = []
    for name in THEME_SCRIPTS:
        for folder in theme_dirs:
            path = Path(folder) / name
            if path.is_file():
                inline.extend(template_patterns(path.read_text(encoding="utf-8")))
                break
        else:
            raise ValueError(f"theme template {name} not found in {list(map(str, theme_dirs))}")
    files = list(THEME_FILES)
    for script in extra_javascript:
        path = str(getattr(script, "path", script))
        files.append(re.compile(re.escape(path.lstrip("/"))))
    return KnownScripts(tuple(inline), tuple(files))


def _site_relative(src: str, site_path: str) -> str | None:
    """``../../assets/x.js`` or ``/assets/x.js`` (site at /) as ``assets/x.js``."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//", src):
        return None  # another origin or scheme
    if src.startswith("/"):
        prefix = "/" + site_path.strip("/") + "/" if site_path.strip("/") else "/"
        return src[len(prefix):] if src.startswith(prefix) else None
    return re.sub(r"^(?:\./)?(?:\.\./)*", "", src)


class _Attrs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tag = ""
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tag, self.attrs = tag, attrs

    handle_startendtag = handle_starttag


def _parse_tag(text: str) -> tuple[str, dict[str, str]]:
    parser = _Attrs()
    parser.feed(text)
    parser.close()
    return parser.tag, {k.lower(): (v or "") for k, v in parser.attrs}


def page_scripts(html: str) -> list[tuple[dict[str, str], str]]:
    """(attributes, body) of every script element, as a browser would find them."""
    return [(attrs, html[start:end]) for attrs, start, end in _script_spans(html)]


def _script_spans(html: str) -> list[tuple[dict[str, str], int, int]]:
    out = []
    pos = 0
    while True:
        start = _SCRIPT_OPEN.search(html, pos)
        if start is None:
            return out
        tag = _TAG.match(html, start.start())
        if tag is None:  # an unterminated '<script': no element, but never let it pass
            raise UnexpectedScript(f"malformed <script tag: {html[start.start():start.start() + 80]!r}")
        _, attrs = _parse_tag(tag.group())
        close = _SCRIPT_CLOSE.search(html, tag.end())
        end = close.start() if close else len(html)
        out.append((attrs, tag.end(), end))
        pos = end


def _active_attributes(html: str) -> list[str]:
    """Event-handler attributes and script URLs in any tag of the page."""
    found = []
    for match in _TAG.finditer(html):
        text = match.group()
        if not _CANDIDATE_ATTR.search(text):
            continue
        tag, attrs = _parse_tag(text)
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...>")
            elif name in _URL_ATTRS and re.match(r"\s*(javascript|vbscript|data\s*:\s*text/html)",
                                                  value, re.I):
                found.append(f"<{tag} {name}={value[:40]!r}>")
    return found


def content_security_policy(html: str, serving: bool = False, known: KnownScripts | None = None,
                            site_path: str = "/") -> str:
    """A policy allowing only this origin, plus the theme's own inline scripts by hash.

    Raises ``UnexpectedScript`` when the page holds any script the theme did not put there.
    ``serving``: the development server injects a live-reload script that differs on every
    request, so ``serve`` (never ``build``) allows inline scripts instead.
    """
    hashes = set()
    problems = []
    configs = 0
    spans = _script_spans(html)
    for attrs, start, end in spans:
        body = html[start:end]
        if "src" in attrs:
            if known is not None and not known.file_allowed(attrs["src"], site_path):
                problems.append(f"script file {attrs['src'][:80]!r}")
            continue
        if {k: attrs.get(k) for k in CONFIG_SCRIPT} == CONFIG_SCRIPT and len(attrs) == 2:
            configs += 1
            if configs > 1:
                problems.append("a second theme configuration block")
            continue
        if attrs or (known is not None and not known.inline_allowed(body)):
            problems.append(f"inline script {body.strip()[:80]!r}")
            continue
        if body.strip():
            digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
            hashes.add(f"'sha256-{digest}'")
    markup, pos = [], 0
    for _, start, end in spans:  # tags outside script bodies (JavaScript is not markup)
        markup.append(html[pos:start])
        pos = end
    markup.append(html[pos:])
    problems.extend(_active_attributes("".join(markup)))
    if problems:
        raise UnexpectedScript("; ".join(problems))
    if serving:
        return CSP.format(scripts="'unsafe-inline'")
    return CSP.format(scripts=" ".join(sorted(hashes)))
