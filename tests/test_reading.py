"""What the portal tells a reader (issue 14, part B), checked on the built site and on the
pure functions behind it: coverage and freshness, the insurer in every policy title, the home
page's deadlines, link texts, glossary links, the 404 page and subscribe links."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.build import build_site
from generator.render.enhance import contents_box, glossary_terms, link_terms
from generator.render.freshness import coverage, last_year, newest_data_date, stale_notice, stale_notices
from generator.render.subscribe import subscribe_links, webcal_url
from generator.render.upcoming import KINDS, LIMIT, deadline_lists, is_window, kind_of, upcoming_list

from .tree import make_project


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reading")
    out = root / "site"
    build_site(make_project(root, with_real_policies=True), out)
    return out


def read(site: Path, path: str) -> str:
    return (site / path.strip("/") / "index.html").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- coverage


def test_coverage_matrix_per_insurer_family_and_year(catalog):
    cov = coverage(catalog)
    cells = {(r.insurer_id, r.family): r.cells for r in cov.rows}
    assert cells[("vgz", "paramedische-zorg")][2024].status == "full"
    assert cells[("vgz", "paramedische-zorg")][2026].status == "none"
    assert cells[("cz", "paramedische-zorg")][2025].status == "partial"
    assert set(cov.years) >= {2023, 2024, 2025, 2026}
    # every insurer appears once per family
    assert len(cov.rows) == len(catalog.insurers) * len(cov.families)


@pytest.mark.parametrize("page", ["/", "/over/"])
def test_home_and_about_show_the_coverage_and_the_newest_data(site: Path, catalog, page):
    html = read(site, page)
    assert html.count('class="iw-table iw-fit iw-coverage"') == len(coverage(catalog).families)
    newest = newest_data_date(catalog)
    assert "Nieuwste gegevens" in html and str(newest.year) in html.split("Nieuwste gegevens", 1)[1][:200]
    for ins in catalog.insurers.values():
        assert f'<th scope="row">{ins.short_name.replace("&", "&amp;")}</th>' in html


# ----------------------------------------------------------------------------- freshness


def test_stale_notice_is_decided_by_the_visitor_not_the_build(catalog):
    assert last_year(catalog, "vgz", "paramedische-zorg") == 2024
    html = str(stale_notice(catalog, "vgz", "paramedische-zorg"))
    assert 'data-iw-from="2024-04-01"' in html and 'data-iw-past="2025-01-01"' in html
    assert " hidden>" in html  # shown only by the browser, by its own date
    assert "Voor 2025 en later is van VGZ nog geen inkoopbeleid voor paramedische zorg opgenomen" in html
    # on a comparison: only insurers without anything newer
    group = str(stale_notices(catalog, [("vgz", "paramedische-zorg"), ("zorg-en-zekerheid", "paramedische-zorg")],
                              2024))
    assert 'data-insurer="vgz"' in group and 'data-insurer="zorg-en-zekerheid"' not in group
    assert str(stale_notices(catalog, [("zorg-en-zekerheid", "paramedische-zorg")], 2024)) == ""


def test_pages_carry_the_notices(site: Path):
    assert 'class="admonition warning iw-stale"' in read(site, "/beleid/vgz/paramedische-zorg-2024/")
    older = read(site, "/beleid/vgz/paramedische-zorg-2023/")
    assert "iw-newer" in older and "iw-stale" not in older
    assert 'data-insurer="vgz"' in read(site, "/vergelijk/fysiotherapie-2024/").split("iw-stale-group", 1)[1][:2000]
    assert "iw-stale" in read(site, "/vergelijk/jaren/vgz-paramedische-zorg/")
    assert "staleNotice" in (site / "assets/javascripts/checker.js").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- titles


def test_insurer_in_every_policy_title_heading_and_tab(site: Path, catalog):
    for rec in catalog.policies.values():
        html = read(site, f"/beleid/{rec.key}/")
        short = catalog.insurers[rec.insurer_id].short_name.replace("&", "&amp;")
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert h1.startswith(f"{short}: "), (rec.key, h1)
        assert title.startswith(f"{short}: "), (rec.key, title)


# ----------------------------------------------------------------------------- home deadlines


def test_home_lists_provider_deadlines_apart_and_does_not_grow(site: Path, catalog):
    lists = {kind: deadline_lists(catalog).of(kind) for kind in KINDS}
    assert all(u.deadline.actor == "insurer" for u in lists["insurer"])
    assert all(u.deadline.actor != "insurer" and not is_window(u.deadline.when) for u in lists["provider"])
    assert all(is_window(u.deadline.when) for u in lists["window"])
    html = read(site, "/")
    for kind in ("provider", "window", "insurer"):
        block = re.search(rf'<[ou]l class="iw-upcoming" data-kind="{kind}".*?</[ou]l>', html, re.S).group(0)
        assert 0 < block.count("<li") <= LIMIT
    # the whole list, for the visitor's browser
    data = all_upcoming(site)
    assert set(data) == set(lists)  # the site has the fixture insurer too
    assert all(len(data[k]) >= len(lists[k]) > LIMIT for k in ("provider", "insurer"))
    assert 'href="agenda/"' in html


def all_upcoming(site: Path) -> dict[str, list[dict]]:
    """Every list of agenda/komend.json's months, merged in month order (what a browser that
    fetched every month would have); checks the index's counts and last entries on the way."""
    index = json.loads((site / "agenda/komend.json").read_text(encoding="utf-8"))
    out: dict[str, list[dict]] = {kind: [] for kind in index["last"]}
    for month, counts in index["months"].items():
        part = json.loads((site / "agenda/komend" / f"{month}.json").read_text(encoding="utf-8"))
        for kind, entries in part.items():
            assert len(entries) == counts[kind] and all(e["until"][:7] == month for e in entries)
            out[kind] += entries
    assert sorted(p.stem for p in (site / "agenda/komend").glob("*.json")) == sorted(index["months"])
    for kind, entries in out.items():
        assert [e["until"] for e in entries] == sorted(e["until"] for e in entries)
        assert index["last"][kind] == entries[-index["limit"]:]
    return out


def test_home_list_length_is_fixed_whatever_the_data(catalog):
    """Ten times the deadlines: the same number of list items."""
    recs = {}
    for i in range(10):
        for key, rec in catalog.policies.items():
            recs[f"{key}-{i}"] = rec
    big = replace(catalog, policies=recs)
    for kind in ("provider", "window", "insurer"):
        small_html = str(upcoming_list(deadline_lists(catalog), catalog, kind, None))
        big_html = str(upcoming_list(deadline_lists(big), big, kind, None))
        assert small_html.count("<li") == big_html.count("<li") == min(LIMIT, len(deadline_lists(catalog).of(kind)))


def test_kind_of_a_deadline(catalog):
    kinds = {kind_of(dl) for rec in catalog.policies.values() for dl in rec.policy.deadlines
             if dl.when.kind != "relative"}
    assert kinds == {"provider", "window", "insurer"}


# ----------------------------------------------------------------------------- link texts


class _Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.anchors: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._text = []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.anchors.append((self._href, "".join(self._text).strip()))
            self._href = None


def test_no_internal_id_as_link_text(site: Path, catalog):
    ids = {n.id for rec in catalog.policies.values() for n in rec.policy.source_notes}
    ids |= {dl.id for rec in catalog.policies.values() for dl in rec.policy.deadlines}
    bad = []
    for page in site.rglob("*.html"):
        parser = _Anchors()
        parser.feed(page.read_text(encoding="utf-8"))
        for href, text in parser.anchors:
            fragment = href.split("#", 1)[1] if "#" in href else ""
            if text and (text == fragment and "-" in text or text in ids):
                bad.append(f"{page.relative_to(site)}: {text}")
    assert not bad, bad[:10]
    html = read(site, "/beleid/vgz/paramedische-zorg-2024/")
    assert "zie bronopmerking behandelindex" not in html
    assert 'class="iw-note-link"' in html


def test_first_use_of_a_term_links_to_the_glossary(catalog):
    terms = glossary_terms(catalog)
    html = ("<h2>Behandelindex</h2><p>De behandelindex telt. Nog eens de behandelindex.</p>"
            '<p><a href="x">behandelindex</a> <code>SKF</code></p><p>Het SKF en <span class="iw-cite">SKF</span></p>')
    out = link_terms(html, terms, "beleid/vgz/x/")
    assert out.count('href="../../../begrippen/behandelindex/"') == 1  # first use in text, not the heading
    assert "<h2>Behandelindex</h2>" in out
    assert out.count("begrippen/skf/") <= 1
    # already linked by hand: not again
    pre = '<p><a href="../../../begrippen/behandelindex/">Behandelindex</a> en de behandelindex</p>'
    assert link_terms(pre, terms, "beleid/vgz/x/").count("begrippen/behandelindex/") == 1
    # a term's own page does not link to itself
    own = link_terms("<p>De behandelindex is</p>", terms, "begrippen/behandelindex/")
    assert "iw-term-link" not in own


def test_term_links_never_break_markup(catalog):
    terms = glossary_terms(catalog)
    hostile = '<p title="behandelindex">&lt;behandelindex&gt; <img alt="behandelindex"> a&amp;b</p>'
    out = link_terms(hostile, terms, "")
    assert 'title="behandelindex"' in out and 'alt="behandelindex"' in out
    assert "&lt;<a " in out and "</a>&gt;" in out


def test_contents_box_from_the_page_toc():
    class Node:
        def __init__(self, title, url, level, children=()):
            self.title, self.url, self.level, self.children = title, url, level, list(children)

    toc = [Node("T", "#t", 1, [Node("A &amp; B", "#a", 2, [Node("C", "#c", 3)]), Node("D", "#d", 2)])]
    out = contents_box('<h1>T</h1><div class="iw-toc-slot"></div><h2 id="a">A</h2>', toc)
    assert '<details class="iw-toc"><summary>Op deze pagina</summary>' in out
    assert '<a href="#a">A &amp; B</a>' in out and '<a href="#c">C</a>' in out
    assert contents_box("<p>x</p>", toc) == "<p>x</p>"


def test_policy_pages_have_the_contents_box_and_profession_filter(site: Path):
    html = read(site, "/beleid/vgz/paramedische-zorg-2024/")
    assert '<details class="iw-toc"><summary>Op deze pagina</summary>' in html
    assert "data-iw-profession" in html and '<option value="fysiotherapie">' in html
    assert re.search(r'class="iw-item" data-zorgsoort=" [a-z -]*fysiotherapie ', html)


# ----------------------------------------------------------------------------- 404 and subscribing


def test_not_found_page_in_dutch(site: Path):
    html = (site / "404.html").read_text(encoding="utf-8")
    assert "<title>Pagina niet gevonden - Inkoopwijzer</title>" in html
    assert 'href="/zoeken/"' in html  # the search page (Pagefind), not the theme's search dialog
    for target in ("/beleid/", "/agenda/", "/checker/"):
        assert f'href="{target}"' in html, target
    assert "404 - Not found" not in html


def test_subscribe_links_are_absolute_and_escaped():
    site_url = "https://inkoopwijzer.example.org/sub/"
    assert webcal_url(site_url, "agenda/vgz.ics") == "webcal://inkoopwijzer.example.org/sub/agenda/vgz.ics"
    html = str(subscribe_links(site_url, "agenda/vgz.ics", label='VGZ "<x>"'))
    assert 'href="webcal://inkoopwijzer.example.org/sub/agenda/vgz.ics"' in html
    assert "cid=webcal%3A%2F%2Finkoopwijzer.example.org%2Fsub%2Fagenda%2Fvgz.ics" in html
    assert "url=https%3A%2F%2Finkoopwijzer.example.org%2Fsub%2Fagenda%2Fvgz.ics" in html
    assert "&lt;x&gt;" in html and "<x>" not in html


def test_agenda_dates_sort_as_dates_and_every_feed_has_its_links(site: Path):
    html = read(site, "/agenda/")
    sorts = re.findall(r'<td data-label="Wanneer" data-sort="(\d{4}-\d\d-\d\d)"', html)
    assert len(sorts) > 20
    feeds = re.findall(r'<tr id="feed-([a-z0-9-]+)">', html)
    assert "vgz" in feeds and "alle" in feeds
    row = html.split('<tr id="feed-vgz">', 1)[1].split("</tr>", 1)[0]
    assert 'href="webcal://127.0.0.1:8000/agenda/vgz.ics"' in row
    assert "calendar.google.com" in row and "outlook.live.com" in row
    assert "http://127.0.0.1:8000/agenda/vgz.ics</code>" in row


def test_the_quick_skip_of_a_text_never_skips_a_term_the_pattern_would_link(catalog):
    """``link_terms`` tries its (slow) pattern only on texts that hold every word of a term not
    yet linked; skipping a text must never lose a link the pattern would make. Texts built
    from the terms' own words in every case, with characters that lower-case unusually."""
    from hypothesis import given, settings, strategies as st

    from generator.render import enhance

    terms = glossary_terms(catalog)
    words = sorted({w for word in terms.by_word for w in re.split(r"(\W+)", word) if w})
    pieces = st.one_of(st.sampled_from(words), st.sampled_from(words).map(str.upper),
                       st.sampled_from(words).map(str.title),
                       st.sampled_from(words).map(lambda w: w.replace("s", "ſ").replace("k", "\u212a")),
                       st.sampled_from(words).map(lambda w: w.replace("i", "İ")),
                       st.sampled_from([" ", "-", "&amp;", ", ", "(", ")", "ſ", "İ", "ı", "Σ", "ß", "é", "K"]))

    @settings(max_examples=400, deadline=None, derandomize=True)
    @given(st.lists(pieces, max_size=12), st.sets(st.sampled_from(sorted(set(terms.by_word.values())))))
    def check(parts, linked):
        text = "".join(parts)
        if enhance._may_link(text, terms, set(linked)):
            return
        for match in terms.pattern.finditer(text):
            word = match.group().replace("&amp;", "&")
            tid = terms.by_word.get(word) or terms.by_word.get(word.lower())
            assert tid is None or tid in linked, (text, match.group())

    check()


def test_unusual_case_characters_are_all_known_to_the_quick_skip(catalog):
    """Every character the pattern's case-insensitive matching takes for one of a term's
    characters lower-cases to that character's lower case, unless the quick skip knows it as
    unusual (and then always tries the pattern); lower-casing keeps whether it is a word character."""
    from generator.render import enhance

    terms = glossary_terms(catalog)
    plane = "".join(c for c in map(chr, range(0x80, 0x10000))
                    if not 0xD800 <= ord(c) <= 0xDFFF and not enhance.case_special().match(c))
    word = re.compile(r"\w")
    assert all(bool(word.match(c)) == bool(word.match(c.lower())) for c in plane)
    for p in sorted({c for term in terms.by_word for c in term}):
        for c in re.findall("(?i)" + re.escape(p), plane):
            assert c.lower() == p.lower(), (p, c)
