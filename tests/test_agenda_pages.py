"""A long agenda comes in parts that a phone renders comfortably: every deadline in exactly one
part, in date order, each part listing the date range of every part, and every link in a part
reaching what the same link reaches on a one-page agenda."""
from __future__ import annotations

import posixpath
import re

from generator.render.agenda import AGENDA, PAGE_ROWS, agenda_page, agenda_pages, agenda_rows, part_path

SITE = "http://127.0.0.1:8000/"
ROW = re.compile(r'<tr id="([^"]+)" data-date="([^"]*)"')


def served_dir(md_path: str) -> str:
    return posixpath.dirname(md_path)  # every part is an index.md: served as its own folder


def test_the_real_agenda_fits_on_one_page_unchanged(catalog):
    assert len(agenda_rows(catalog)) <= PAGE_ROWS
    assert agenda_pages(catalog, SITE) == {AGENDA: agenda_page(catalog, SITE)}
    assert "iw-pager" not in agenda_page(catalog, SITE)


def test_a_long_agenda_is_split_in_date_order_and_keeps_every_deadline_once(catalog):
    every = [m.group(1) for m in ROW.finditer(agenda_page(catalog, SITE))]
    pages = agenda_pages(catalog, SITE, per_page=25)
    assert list(pages) == [part_path(n) for n in range(1, len(pages) + 1)] and len(pages) == -(-len(every) // 25)
    seen = []
    for number, (path, text) in enumerate(pages.items(), start=1):
        rows = [m.group(1) for m in ROW.finditer(text)]
        assert 0 < len(rows) <= 25
        seen += rows
        assert f"(deel {number} van {len(pages)})" in text
        assert text.count('<nav class="iw-pager"') == 2  # above and below the table
        assert ("## Abonneren op een agenda" in text) == (number == 1)  # the feeds stay on part 1
        pager = text[text.index('<nav class="iw-pager"'):text.index("</nav>")]
        ranges = re.findall(r'<li (?:aria-current="page" )?data-from="([^"]*)" data-to="([^"]*)"', pager)
        assert len(ranges) == len(pages) and ranges == sorted(ranges)
    assert seen == every  # each deadline once, in the one-page order (by date)


def test_links_in_a_part_reach_what_they_reach_on_one_page(catalog):
    one = agenda_page(catalog, SITE)
    targets = {}
    for m in ROW.finditer(one):
        row = one[m.start():one.index("</tr>", m.start())]
        targets[m.group(1)] = [posixpath.normpath(posixpath.join("agenda", h))
                               for h in re.findall(r' href="([^"#]+)', row)]
    pages = agenda_pages(catalog, SITE, per_page=25)
    checked = 0
    for path, text in pages.items():
        for m in ROW.finditer(text):
            row = text[m.start():text.index("</tr>", m.start())]
            hrefs = [posixpath.normpath(posixpath.join(served_dir(path), h)) for h in re.findall(r' href="([^"#]+)', row)]
            assert hrefs == targets[m.group(1)], (path, m.group(1))
            checked += 1
        for href in re.findall(r'<li data-from="[^"]*" data-to="[^"]*"><a href="([^"]+)"', text):
            target = posixpath.normpath(posixpath.join(served_dir(path), href))
            assert target in {served_dir(p) for p in pages}, (path, href)
    assert checked == len(targets)


def test_a_site_with_a_long_agenda_builds_and_every_link_of_its_parts_resolves(tmp_path, monkeypatch):
    """The real data with parts of 25 deadlines, through the real build: each part is a page of
    the site, and every link in it reaches a file of the site."""
    from generator.build import build_site
    from generator.render import agenda

    from .tree import make_project

    monkeypatch.setattr(agenda, "PAGE_ROWS", 25)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "site"
    build_site(make_project(tmp_path / "project", with_real_policies=True), out)
    parts = sorted(out.glob("agenda/alle/*/index.html"))
    assert len(parts) >= 2
    for page in [out / "agenda" / "index.html", *parts]:
        html = page.read_text(encoding="utf-8")
        article = html[html.index("<article"):html.index("</article>")]
        for href in re.findall(r'<table class="iw-table iw-fit iw-agenda".*?</table>|<nav class="iw-pager".*?</nav>',
                               article, re.S):
            for link in re.findall(r' href="([^"#]+)', href):
                if "://" in link:
                    continue
                target = (page.parent / link).resolve()
                assert (target / "index.html").is_file() or target.is_file(), (page, link)
