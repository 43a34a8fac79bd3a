"""Pages that would grow with the whole data set stay bounded (issue 16): past about the size
of the Dutch market, the home page summarises the coverage and links to the full overview and
to the insurer index instead of listing every insurer, and the full overview (the about
page's coverage matrix) comes in parts."""
from __future__ import annotations

import html
import posixpath
import re

from generator.render import compare_pages
from generator.render import portal as portal_module
from generator.render.portal import HOME_MAX_INSURERS, Portal

INTRO = "# Inkoopwijzer\n"


def test_the_real_home_page_lists_every_insurer_and_the_coverage_matrix(catalog):
    assert len(catalog.insurers) <= HOME_MAX_INSURERS
    home = Portal(catalog).home_page(INTRO)
    assert 'class="iw-table iw-fit iw-coverage"' in home
    for iid in catalog.insurers:
        assert f"(verzekeraars/{iid}.md)" in home


def test_past_the_limit_the_home_page_summarises_and_links(catalog, monkeypatch):
    monkeypatch.setattr(portal_module, "HOME_MAX_INSURERS", len(catalog.insurers) - 1)
    home = Portal(catalog).home_page(INTRO)
    assert "iw-coverage\"" not in home and "<table" not in home.split("## Laatste wijzigingen")[0]
    summary = re.search(r'<p class="iw-coverage-summary">(.*?)</p>', home).group(1)
    full = sum(1 for r in catalog.policies.values() if r.policy.completeness == "full")
    years = sorted({y for r in catalog.policies.values() for y in r.policy.contract_years})
    assert summary == (f"Inkoopwijzer kent {len(catalog.policies)} beleidsdocumenten ({full} volledig opgenomen, "
                       f"{len(catalog.policies) - full} gedeeltelijk) van {len(catalog.insurers)} verzekeraars, "
                       f"contractjaren {years[0]} tot en met {years[-1]}.")
    assert "(over.md#wat-is-opgenomen)" in home
    assert f"[Alle {len(catalog.insurers)} verzekeraars](verzekeraars/index.md)" in home
    assert not any(f"(verzekeraars/{iid}.md)" in home for iid in catalog.insurers)


ABOUT_INTRO = "# Over\n\n<!-- inkoopwijzer:dekking -->\n\n## Open data\n"


def test_the_real_about_page_holds_the_whole_matrix(catalog, monkeypatch):
    monkeypatch.setattr(portal_module, "HOME_MAX_INSURERS", 0)  # the home page's limit is its own
    pages = Portal(catalog).about_pages(ABOUT_INTRO)
    assert list(pages) == ["over.md"]
    about = pages["over.md"]
    assert "## Wat is opgenomen" in about and 'class="iw-table iw-fit iw-coverage"' in about
    assert about.index("## Wat is opgenomen") < about.index("## Open data")
    assert len(re.findall(r'<th scope="row">', about)) == len(catalog.insurers) * _families(catalog)


def _families(catalog) -> int:
    return len({r.policy.family for r in catalog.policies.values()})


def test_past_the_limit_the_matrix_comes_in_parts_of_insurers_by_name(catalog, monkeypatch):
    """Every insurer in exactly one part, in the order of their names, no part larger than the
    limit, every part linked from the about page and from every other part."""
    monkeypatch.setattr(portal_module, "COVERAGE_PART_INSURERS", 2)
    pages = Portal(catalog).about_pages(ABOUT_INTRO)
    by_name = sorted(catalog.insurers, key=lambda i: catalog.insurers[i].short_name.lower())
    parts = [f"over/dekking/{n}.md" for n in range(1, (len(by_name) + 1) // 2 + 1)]
    assert list(pages) == ["over.md", *parts]
    about = pages["over.md"]
    assert '<table' not in about and '<p class="iw-coverage-summary">' in about
    assert about.index("## Wat is opgenomen") < about.index("## Open data")
    assert re.findall(r'<a href="([^"]+)">deel \d+: ', about) == [f"../over/dekking/{n}/" for n in range(1, len(parts) + 1)]
    shown = []
    for n, part in enumerate(parts, start=1):
        page = pages[part]
        rows = re.findall(r'<th scope="row">([^<]*)</th>', page)
        names = list(dict.fromkeys(rows))
        assert 1 <= len(names) <= 2 and len(rows) == len(names) * _families(catalog)
        shown += [html.unescape(name) for name in names]
        assert f'<li aria-current="page">deel {n}: ' in page
        assert len(re.findall(r'<a href="\.\./\d+/">deel \d+: ', page)) == len(parts) - 1
        for link in re.findall(r'href="(\.\./\.\./\.\./beleid/[^"]+)"', page):  # the policies, from over/dekking/n/
            assert posixpath.normpath(posixpath.join(f"over/dekking/{n}", link)).startswith("beleid/")
    assert shown == [catalog.insurers[i].short_name for i in by_name]


def test_tables_that_repeat_the_policy_pages_stay_out_of_the_search_index(real_site):
    """Comparison tables, ladders' details, filter bars and the agenda's rows are left out of
    the search index, while the pages themselves stay findable by their title and
    introduction; only a page's content is indexed (not the navigation), and the 404 page and
    the search page are not indexed at all."""
    from tests.conftest import search_fragments

    _, site = real_site
    docs = search_fragments(site)
    urls = [d["url"] for d in docs]
    assert len(urls) == len(set(urls)) and "/zoeken/" not in urls and not any("404" in u for u in urls)
    pages = [p.parent.relative_to(site).as_posix() for p in site.rglob("index.html")]
    assert set(urls) == {f"/{p}/" if p != "." else "/" for p in pages if p != "zoeken"}
    compare = [d for d in docs if d["url"].startswith("/vergelijk/") and d["url"] != "/vergelijk/"]
    comparisons = sorted(p.parent.name for p in (site / "vergelijk").glob("*/index.html"))
    titles = {d["meta"]["title"] for d in compare}
    assert len(titles) >= len(comparisons) > 5  # every comparison page is still found by its title
    for d in compare:
        assert "Alle thema" not in d["content"] and "CSV downloaden" not in d["content"], d["url"]
        assert "Minimumeisen (" not in d["content"], d["url"]  # a ladder's details
    table_text = sum((site / "vergelijk" / f"{p}.csv").stat().st_size for p in comparisons
                     if (site / "vergelijk" / f"{p}.csv").is_file())
    assert sum(len(d["content"]) for d in compare) < table_text / 2  # over twice the CSVs before
    agenda = [d for d in docs if d["url"].startswith("/agenda/")]
    agenda_html = (site / "agenda" / "index.html").read_text(encoding="utf-8")
    assert agenda and sum(len(d["content"]) for d in agenda) < len(agenda_html) / 10
    policy = next(d for d in docs if d["url"] == "/beleid/vgz/wijkverpleging-2024/")
    assert "Integriteitstoets" in policy["content"]  # a policy's text is found
    assert "Kom ik in aanmerking?" not in policy["content"] and "¶" not in policy["content"]  # no nav, no permalinks

def test_the_real_comparisons_fit_on_one_page_unchanged(catalog):
    for cmp in Portal(catalog).comparisons:
        assert len(cmp.columns) <= compare_pages.PART_INSURERS
        parts = compare_pages.comparison_parts(cmp)
        assert len(parts) == 1 and parts[0].cmp is cmp and parts[0].url == compare_pages.compare_url(cmp)
        assert "iw-pager" not in compare_pages.comparison_page(catalog, cmp, parts[0])


def test_a_comparison_of_many_insurers_comes_in_parts_each_with_every_row(catalog):
    cmp = max(Portal(catalog).comparisons, key=lambda c: len(c.columns))
    order = [c.rec.insurer_id for c in cmp.columns]
    assert len(order) >= 3
    parts = compare_pages.comparison_parts(cmp, per_page=2)
    assert len(parts) == -(-len(order) // 2)
    assert [c.rec.insurer_id for p in parts for c in p.cmp.columns] == order  # each insurer once, in order
    assert parts[0].url == compare_pages.compare_url(cmp)
    for part in parts:
        page = compare_pages.comparison_page(catalog, cmp, part)
        shown = [c.rec.insurer_id for c in part.cmp.columns]
        assert f"(deel {part.number} van {len(parts)})" in page.splitlines()[4]
        head = re.findall(r'<th scope="col" data-insurer="([^"]+)"', page)
        assert head == shown and re.findall(r'<section class="iw-ladder" id="ladder-([^"]+)"', page) == shown
        assert page.count('<tr id="rij-') == len(cmp.rows)  # every row: links between rows keep working
        pager = page[page.index('<nav class="iw-pager"'):page.index("</nav>")]
        assert pager.count("<li") == len(parts) and pager.count('aria-current="page"') == 1
        served = part.url[:-3]  # a page x.md is served as the folder x/
        for link in re.findall(r'<a href="([^"]+)"', pager):
            assert posixpath.normpath(posixpath.join(served, link)) in {p.url[:-3] for p in parts}, link
        csv_link = re.search(r'<a class="md-button iw-csv" href="([^"]+)" download>CSV downloaden', page).group(1)
        assert posixpath.normpath(posixpath.join(served, csv_link)) == f"vergelijk/{cmp.slug}.csv"


def test_links_across_a_site_with_every_long_list_in_parts_resolve(tmp_path, monkeypatch):
    """Every comparison of two or more insurers in parts of one, the policy list in parts of
    four, the agenda in parts of 25, a term's lists in parts of five: the pagers, the policy pages' links to the part that shows
    them, the downloads, anchors: nothing breaks."""
    from generator.build import build_site
    from generator.render import agenda, pages

    from .test_portal import broken_links
    from .tree import make_project

    monkeypatch.setattr(compare_pages, "PART_INSURERS", 1)
    monkeypatch.setattr(pages, "POLICY_INDEX_ROWS", 4)
    monkeypatch.setattr(agenda, "PAGE_ROWS", 25)
    monkeypatch.setattr(agenda, "FEED_TABLE_MAX_INSURERS", 0)
    monkeypatch.setattr(portal_module, "COVERAGE_PART_INSURERS", 2)
    monkeypatch.setattr(portal_module, "TERM_LIST_ROWS", 5)
    config = make_project(tmp_path, with_real_policies=True)
    build_site(config, tmp_path / "site")
    site = tmp_path / "site"
    assert (site / "over" / "dekking" / "3" / "index.html").is_file()
    assert (site / "vergelijk" / "fysiotherapie-2026" / "deel-2" / "index.html").is_file()
    assert (site / "beleid" / "alle" / "3" / "index.html").is_file()
    assert (site / "agenda" / "alle" / "2" / "index.html").is_file()
    assert (site / "begrippen" / "looptijd" / "gebruikt-in" / "2" / "index.html").is_file()
    checked, broken = broken_links(site)
    assert checked > 100 and not broken, "\n".join(broken[:30])
    policy = (site / "beleid" / "zorg-en-zekerheid" / "paramedische-zorg-2026" / "index.html").read_text(encoding="utf-8")
    assert "vergelijk/fysiotherapie-2026/deel-" in policy  # the part that shows Z&Z, not part 1


def test_the_list_of_every_policy_comes_in_parts_past_250(catalog):
    from generator.render.pages import PageRenderer, policy_index_path

    renderer = PageRenderer(catalog)
    assert list(renderer.policy_index_pages()) == ["beleid/index.md"]  # the real list: one page
    assert "iw-pager" not in renderer.policy_index_pages()["beleid/index.md"]
    one = renderer.policy_index_pages(per_page=len(catalog.policies))["beleid/index.md"]
    order = re.findall(r'<th scope="row"><a href="([^"]+)"', one)
    pages = renderer.policy_index_pages(per_page=4)
    assert list(pages) == [policy_index_path(n) for n in range(1, len(pages) + 1)] and len(pages) == -(-len(order) // 4)
    seen = []
    for number, (path, text) in enumerate(pages.items(), start=1):
        assert f"# Alle beleidsdocumenten (deel {number} van {len(pages)})" in text
        folder = posixpath.dirname(path)  # every part is an index.md: served as its folder
        links = re.findall(r'<th scope="row"><a href="([^"]+)"', text)
        assert 0 < len(links) <= 4
        seen += [posixpath.normpath(posixpath.join(folder, h)) for h in links]
        pager = text[text.index('<nav class="iw-pager"'):text.index("</nav>")]
        assert pager.count("<li") == len(pages) and pager.count('aria-current="page"') == 1
        for h in re.findall(r'<a href="([^"]+)"', pager):
            assert posixpath.normpath(posixpath.join(folder, h)) in {posixpath.dirname(p) for p in pages}, h
    assert seen == [posixpath.normpath(posixpath.join("beleid", h)) for h in order]  # each once, newest first
    # each part is named by the years its policies start in, newest first; one year once
    labels = re.findall(r">deel \d+: ([^<]+)<", pager)
    assert len(labels) == len(pages)
    spans = [[int(y) for y in label.split(" – ")] for label in labels]
    assert all(len(s) == 1 or (len(s) == 2 and s[0] > s[1]) for s in spans), labels
    assert any(len(s) == 1 for s in spans), labels  # the real data has a part within one year


def test_past_the_market_size_the_agenda_lists_the_feeds_of_everything_and_per_care_type(catalog, monkeypatch):
    from generator.render import agenda
    from generator.render.ics import feeds

    site = "http://127.0.0.1:8000/"
    every = feeds(catalog, site)
    whole = agenda.agenda_page(catalog, site)
    assert whole.count('<tr id="feed-') == len(every) and "op de pagina van die verzekeraar" not in whole
    monkeypatch.setattr(agenda, "FEED_TABLE_MAX_INSURERS", len(catalog.insurers) - 1)
    short = agenda.agenda_page(catalog, site)
    kept = [f for f in every if f.kind in ("all", "care-type")]
    assert short.count('<tr id="feed-') == len(kept) < len(every)
    assert "Een agenda per verzekeraar staat op de pagina van die verzekeraar" in short


def _served(md_path: str) -> str:
    """The folder a generated page is served as (directory URLs)."""
    return posixpath.dirname(md_path) if posixpath.basename(md_path) == "index.md" else md_path[:-3]


def _resolve(page: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(_served(page), href))


def test_the_real_glossary_lists_fit_on_the_term_pages(catalog):
    pages = Portal(catalog).glossary_pages()
    assert sorted(pages) == sorted([portal_module.term_url(t) for t in catalog.glossary] + ["begrippen/index.md"])
    assert not any("iw-pager" in text for text in pages.values())
    assert max(len(users) for users in Portal(catalog).term_usage().values()) <= portal_module.TERM_LIST_ROWS


def _list_links(text: str, heading: str) -> list[str]:
    """The links of the list under ``heading`` (a term page) or of a part's only list."""
    text = text[text.index(heading):] if heading in text else text
    start = text.index("<ul>")
    return re.findall(r'<li><a href="([^"]+)">', text[start:text.index("</ul>", start)])


def test_past_the_limit_each_list_of_a_term_continues_on_parts(catalog, monkeypatch):
    """With parts of one (definitions) and of three (users): every item of the one-page list
    once, in its order, on the term page and its parts; every pager link reaches a part and
    names the current one; every part links back to the term."""
    whole = Portal(catalog).glossary_pages()
    for size in (1, 3):
        monkeypatch.setattr(portal_module, "TERM_LIST_ROWS", size)
        pages = Portal(catalog).glossary_pages()
        assert pages.keys() >= whole.keys()
        split = 0
        for tid in catalog.glossary:
            term_page = portal_module.term_url(tid)
            for (slug, _, _), heading in ((portal_module.TERM_DEFINITIONS, "## Zo gebruikt een verzekeraar"),
                                          (portal_module.TERM_USERS, "## Gebruikt in")):
                if heading not in whole[term_page] or "<ul>" not in whole[term_page].split(heading)[1]:
                    continue
                expected = [_resolve(term_page, h) for h in _list_links(whole[term_page], heading)]
                parts = [term_page] + sorted((p for p in pages if p.startswith(f"begrippen/{tid}/{slug}/")),
                                             key=lambda p: int(posixpath.basename(p)[:-3]))
                assert len(parts) == max(1, -(-len(expected) // size)), (tid, slug)
                shown = []
                for n, part in enumerate(parts, start=1):
                    links = [_resolve(part, h) for h in _list_links(pages[part], heading)]
                    assert 1 <= len(links) <= size
                    shown += links
                    if len(parts) == 1:
                        continue
                    text = pages[part]
                    section = text[text.index(heading):] if n == 1 else text
                    pager = section[section.index('<nav class="iw-pager"'):section.index("</nav>")]
                    assert pager.count("<li") == len(parts) and re.search(
                        rf'<li aria-current="page">deel {n}: ', pager)
                    assert [_resolve(part, h) for h in re.findall(r'<a href="([^"]+)">', pager)] == \
                        [_served(p) for p in parts if p != part]
                    if n > 1:
                        assert text.startswith(f"# {portal_module.md(catalog.glossary[tid].term)}: ") and f"(deel {n} van {len(parts)})" in text
                        back = re.search(r"\[Terug naar het begrip [^]]+\]\(([^)]+)\)", text).group(1)
                        assert posixpath.normpath(posixpath.join(posixpath.dirname(part), back)) == term_page
                split += len(parts) > 1
                assert shown == expected, (tid, slug)
        assert split >= (5 if size == 3 else 1)
        assert not set(pages) - set(whole) - {p for p in pages if re.fullmatch(r"begrippen/[^/]+/(definities|gebruikt-in)/\d+\.md", p)}


def test_a_page_named_like_an_index_is_no_index():
    """A term page whose name ends in "index" (behandelindex.md) is served one level deeper
    like every other page, and a link to it keeps its name."""
    from generator.render.pages import page_link

    assert page_link("begrippen/behandelindex.md", "beleid/vgz/a.md") == "../../beleid/vgz/a/"
    assert page_link("begrippen/index.md", "beleid/vgz/a.md") == "../beleid/vgz/a/"
    assert page_link("beleid/vgz/a.md", "begrippen/behandelindex.md") == "../../../begrippen/behandelindex/"
    assert page_link("beleid/vgz/a.md", "beleid/index.md") == "../../"
    assert page_link("index.md", "agenda/index.md") == "agenda/"
