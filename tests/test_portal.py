"""The generated portal: every link resolves, and a new insurer shows up everywhere."""
from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlparse

import pytest

from generator.build import build_site

from .tree import make_project


SITE_URL = "http://127.0.0.1:8000/"  # mkdocs.yml default of INKOOPWIJZER_SITE_URL


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs and attrs["id"]:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("portal")
    config = make_project(root, with_real_policies=True)
    out = root / "site"
    build_site(config, out)
    return out


def page_file(site: Path, url_path: str) -> Path:
    target = site / unquote(url_path).lstrip("/")
    return target / "index.html" if (url_path.endswith("/") or target.is_dir()) else target


def _checker_scope_problem(site: Path, fragment: str) -> str | None:
    """Why the checker would not take ``#selectie=...`` as given (its ``validScope``), or None."""
    scope = json.loads(parse_qs(fragment)["selectie"][0])
    menu = site / "checker" / "menu" / f"{scope['care_type']}-{scope['year']}.json"
    known = {i["id"] for i in json.loads(menu.read_text(encoding="utf-8"))["insurers"]} if menu.is_file() else set()
    if not known:
        return f"the checker has no policy for {scope['care_type']} {scope['year']}"
    if not set(scope["insurers"]) <= known:
        return f"the checker has no {sorted(set(scope['insurers']) - known)} for {scope['care_type']} {scope['year']}"
    return None


def test_every_internal_link_and_anchor_resolves(site: Path):
    checked, broken = broken_links(site)
    assert checked > 100
    assert not broken, "\n".join(broken[:50])


def broken_links(site: Path) -> tuple[int, list[str]]:
    """(links checked, links that reach no file or no anchor) over every page of a built site."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    parsed = {p: parse(p) for p in pages}
    broken = []
    checked = 0
    for page, links in parsed.items():
        base = "/" + str(page.relative_to(site).as_posix())
        for href in links.links:
            if href.startswith("webcal://"):  # a subscribe link: the feed on this site
                assert href.startswith("webcal://" + SITE_URL.split("://")[1]), f"{page}: foreign feed {href}"
                href = "http://" + href[len("webcal://"):]
            if href.startswith(SITE_URL):  # canonical links and calendar addresses carry the configured site_url
                href = "/" + href[len(SITE_URL):]
            url = urlparse(urljoin(base, href))
            if url.scheme or href.startswith(("mailto:", "data:", "javascript:")):
                assert url.scheme in ("https", "mailto", "data"), f"{page}: unexpected link {href}"
                continue
            target = page_file(site, url.path)
            checked += 1
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {href} -> missing {target.relative_to(site)}")
                continue
            if url.fragment.startswith("selectie=") and url.path.endswith("/checker/"):
                # the checker's state, not an anchor: a scope the checker knows
                problem = _checker_scope_problem(site, url.fragment)
                if problem:
                    broken.append(f"{page.relative_to(site)}: {href} -> {problem}")
                continue
            if url.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if unquote(url.fragment) not in ids:
                    broken.append(f"{page.relative_to(site)}: {href} -> no anchor #{url.fragment}")
    return checked, broken


def test_fixture_insurer_appears_on_every_relevant_page(site: Path):
    """Adding an insurer is YAML only: it must reach indexes, comparisons, glossary, data."""
    def text(path: str) -> str:
        return page_file(site, path).read_text(encoding="utf-8")

    assert "Inkoopbeleid Fysiotherapie 2026" in text("/beleid/")
    assert "Voorbeeldverzekeraar" in text("/verzekeraars/")
    assert "Overeenkomst Fysiotherapie" in text("/verzekeraars/acme/")
    comparison = text("/vergelijk/fysiotherapie-2026/")
    assert 'data-insurer="acme"' in comparison
    assert "fysiotherapie-2026" in text("/vergelijk/")
    assert "[Acme]" in text("/")  # its deadlines on the home page
    assert "Inkoopbeleid Fysiotherapie 2026" in text("/begrippen/behandelindex/")
    index = json.loads((site / "data" / "index.json").read_text(encoding="utf-8"))
    assert "acme/fysiotherapie-2026" in [p["id"] for p in index["policies"]]
    rows = list(csv.reader(io.StringIO((site / "vergelijk" / "fysiotherapie-2026.csv").read_text(encoding="utf-8"))))
    assert rows[0][0] == "thema" and "Acme" in rows[0]


def test_policy_pages_link_terms_to_the_glossary_and_cite_sources(site: Path):
    html = page_file(site, "/beleid/acme/fysiotherapie-2026/").read_text(encoding="utf-8")
    assert 'href="../../../begrippen/behandelindex/"' in html
    assert html.count('class="iw-cite"') >= 10
    assert 'href="../../../vergelijk/fysiotherapie-2026/"' in html


def test_every_page_sets_a_content_security_policy_for_its_own_origin(site: Path):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        head = html[:html.index("</head>")]
        assert '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; ' in head, page
        policy = head.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0]
        assert "unsafe-eval'" not in policy.replace("wasm-unsafe-eval'", "")
        assert "http:" not in policy and "https:" not in policy and "*" not in policy


def test_no_text_is_escaped_twice(site: Path):
    """The table of contents of beleid/vgz/wijkverpleging-2024/ showed Zzp&#39;er."""
    import re

    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        twice = re.search(r"&amp;(#\d+|#x[0-9a-fA-F]+|amp|lt|gt|quot);", html)
        assert twice is None, f"{page.relative_to(site)}: {html[twice.start() - 60:twice.end() + 20]!r}"
    vgz = page_file(site, "/beleid/vgz/wijkverpleging-2024/")
    if vgz.is_file():
        toc = vgz.read_text(encoding="utf-8").split('class="md-nav md-nav--secondary"')[1]
        assert "Zzp'er" in toc


def test_relpath_is_the_library_s_on_every_kind_of_generated_path():
    """The fast relative path of the page links equals ``posixpath.relpath``, also where the
    paths share nothing, everything, or carry parts only the library handles."""
    import itertools
    import posixpath

    from generator.render.pages import relpath

    segments = ["beleid", "vgz", "index.md", "wijkverpleging-2024.md", "vergelijk", "jaren", "..", ".", ""]
    paths = {"/".join(p) for n in range(1, 4) for p in itertools.product(segments, repeat=n)}
    starts = {""} | {"/".join(p) for n in range(1, 3) for p in itertools.product(segments, repeat=n)}
    checked = 0
    for path in sorted(paths):
        if not path or path.startswith("/"):
            continue
        for start in sorted(starts):
            if start.startswith("/"):
                continue
            assert relpath(path, start) == posixpath.relpath(path, start or "."), (path, start)
            checked += 1
    assert checked > 50_000
