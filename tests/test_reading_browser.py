"""Reading the portal on a phone, a desktop and paper (issue 14, part B), in headless Chromium
on the real policies:

* every page type at 390 and 1280 px: nothing is wider than the screen, except inside a scroll
  container that says so in visible text; screenshots of each in tests/artifacts/reading-*;
* the per-profession filter on policy pages, kept in the URL;
* "nothing newer encoded" judged by the visitor's clock (the build has none);
* the agenda sorts by date and subscribes per feed with absolute addresses;
* printing a policy, a comparison and the agenda to PDF keeps every row and every insurer;
* the 404 page.
"""
from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from playwright.sync_api import expect


from .browser import ARTIFACTS, WIDTHS, ready, wait_until

pytestmark = pytest.mark.browser

POLICY = "/beleid/vgz/paramedische-zorg-2024/"
PAGE_TYPES = {
    "home": "/",
    "policy": POLICY,
    "policy-index": "/beleid/",
    "insurer": "/verzekeraars/vgz/",
    "comparison": "/vergelijk/fysiotherapie-2024/",
    "comparison-index": "/vergelijk/",
    "years": "/vergelijk/jaren/vgz-paramedische-zorg/",
    "agenda": "/agenda/",
    "glossary": "/begrippen/",
    "term": "/begrippen/behandelindex/",
    "checker": "/checker/",
    "about": "/over/",
    "search": "/zoeken/?q=behandelindex",
    "404": "/404.html",
}


@pytest.fixture(scope="module")
def site(real_site):
    """The real policies built for the address they are served from; (base URL, folder)."""
    return real_site


# Elements of the main content wider than the viewport or reaching beyond the content column, unless a scroll container between them
# and the viewport says in visible text that it scrolls (a visible .iw-scroll-hint just before a
# [data-iw-scroll] box).
OVERFLOW = """() => {
  const root = document.querySelector('.md-content') || document.body;
  // the content column: on a desktop the contents sidebar lies beside it
  const width = Math.min(document.documentElement.clientWidth, root.getBoundingClientRect().right);
  const bad = [];
  for (const el of root.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.position === 'fixed') continue;
    if (r.right <= width + 1 && r.left >= -1) continue;
    let clipped = null;
    for (let a = el.parentElement; a && a !== root.parentElement; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox !== 'visible') { clipped = a; break; }
    }
    if (clipped) {
      const cr = clipped.getBoundingClientRect();
      const box = clipped.closest('[data-iw-scroll]');
      const label = box && box.previousElementSibling;
      const says = label && label.classList.contains('iw-scroll-hint') && label.getBoundingClientRect().height > 0
                   && /schuif|scroll/i.test(label.textContent);
      const clip = getComputedStyle(clipped).clip;
      if (cr.width <= 1 || (clip && clip !== 'auto')) continue;  // visually hidden (screen readers only)
      if (cr.right <= width + 1 && cr.left >= -1 && says) continue;
    }
    bad.push(`${el.tagName.toLowerCase()}.${el.className || ''}#${el.id || ''} ` +
             `[${Math.round(r.left)}..${Math.round(r.right)}] ${el.textContent.trim().slice(0, 50)}`);
    if (bad.length > 8) break;
  }
  return {bad, scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_page_type_fits_the_screen(site, context, width):
    base, _ = site
    ARTIFACTS.mkdir(exist_ok=True)
    page = context.new_page()
    page.set_viewport_size(WIDTHS[width])
    problems = []
    for name, path in PAGE_TYPES.items():
        page.goto(base + path)
        ready(page)
        if name == "checker":
            wait_until(page, "document.querySelector('.iw-question, .iw-result')")
        if name == "search":
            wait_until(page, "document.querySelectorAll('.pagefind-ui__result').length > 2")
        expect(page.locator("h1").first).to_be_visible()
        result = page.evaluate(OVERFLOW)
        if result["scroll"] > result["width"] or result["bad"]:
            problems.append(f"{name} ({result['scroll']} > {result['width']}): " + "; ".join(result["bad"]))
        page.screenshot(path=str(ARTIFACTS / f"reading-{name}-{WIDTHS[width]['width']}.png"), full_page=True)
    assert not problems, "\n".join(problems)


def test_phone_tables_are_cards_and_desktop_keeps_key_columns(site, context):
    base, _ = site
    page = context.new_page()
    for path, table in (("/agenda/", "table.iw-agenda"), (POLICY, "table.iw-planning"),
                        ("/vergelijk/fysiotherapie-2024/", "table.iw-compare")):
        page.set_viewport_size(WIDTHS["phone"])
        page.goto(base + path + ("?verstreken=ja" if path == "/agenda/" else ""))
        ready(page)
        row = page.locator(f"{table} tbody tr:visible").first
        assert row.evaluate("r => getComputedStyle(r).display") == "block", path
        cell = row.locator("td").first
        label = cell.evaluate("c => getComputedStyle(c, '::before').content")
        assert label.strip('"').endswith(": ") and len(label) > 4, (path, label)
        page.set_viewport_size(WIDTHS["desktop"])
        page.goto(base + path + ("?verstreken=ja" if path == "/agenda/" else ""))
        ready(page)
        if table != "table.iw-compare":
            # every column, the contract year and the subscribe/.ics column included, in view
            for th in page.locator(f"{table} thead th").all():
                box = th.bounding_box()
                assert box and box["x"] + box["width"] <= 1280, (path, th.inner_text())
            expect(page.locator(f"{table} thead th", has_text="Contractjaar")).to_be_visible()
            expect(page.locator(f"{table} thead th", has_text="Agenda")).to_be_visible()


def test_profession_filter_keeps_its_choice_in_the_url(site, context):
    base, _ = site
    page = context.new_page()
    page.set_viewport_size(WIDTHS["phone"])
    page.goto(base + POLICY)
    ready(page)
    box = page.locator("[data-iw-profession]")
    expect(box).to_be_visible()
    items = page.locator(".iw-item")
    total = items.count()
    page.select_option("[data-iw-profession] select", "fysiotherapie")
    assert "zorgsoort=fysiotherapie" in page.url
    visible = page.locator(".iw-item:visible").count()
    assert 0 < visible < total
    for el in page.locator(".iw-item:visible").all():
        assert " fysiotherapie " in el.get_attribute("data-zorgsoort")
    for el in page.locator(".iw-planning tbody tr:visible").all():
        assert " fysiotherapie " in el.get_attribute("data-zorgsoort")
    expect(box.locator(".iw-status")).to_contain_text("verborgen")
    # reopened from the URL (shared link, reload) on a desktop: the same view
    page.set_viewport_size(WIDTHS["desktop"])
    page.goto(base + POLICY + "?zorgsoort=logopedie")
    ready(page)
    expect(page.locator("[data-iw-profession] select")).to_have_value("logopedie")
    assert 0 < page.locator(".iw-item:visible").count() < total
    page.select_option("[data-iw-profession] select", "")
    assert "zorgsoort" not in page.url
    assert page.locator(".iw-item:visible").count() == total


def test_contents_box_on_phones(site, context):
    base, _ = site
    page = context.new_page()
    page.set_viewport_size(WIDTHS["phone"])
    page.goto(base + POLICY)
    ready(page)
    toc = page.locator("details.iw-toc")
    expect(toc).to_be_visible()
    assert toc.bounding_box()["y"] < 900, "the contents list is at the top"
    toc.locator("summary").click()
    link = toc.get_by_role("link", name="Planning en deadlines")
    link.click()
    assert page.url.endswith("#planning-en-deadlines")


@pytest.mark.parametrize("today, shown", [("2024-03-01", False), ("2024-06-01", True), ("2026-11-30", True)])
def test_no_newer_policy_notice_follows_the_visitors_date(site, context, today, shown):
    """VGZ's newest paramedische zorg is 2024: from 1 April 2024 (next year's policies are out)
    the page says that nothing for 2025 and later is encoded, and after 2024 that 2024 is over."""
    base, _ = site
    page = context.new_page()
    page.clock.set_fixed_time(f"{today}T12:00:00")
    for path in (POLICY, "/verzekeraars/vgz/", "/vergelijk/fysiotherapie-2024/"):
        page.goto(base + path)
        ready(page)
        notice = page.locator(".iw-stale[data-insurer=vgz][data-family=paramedische-zorg]")
        if shown:
            expect(notice.first).to_be_visible()
            expect(notice.first).to_contain_text("Voor 2025 en later is van VGZ nog geen inkoopbeleid")
            past = notice.first.locator(".iw-stale-past")
            expect(past).to_be_visible() if today >= "2025" else expect(past).to_be_hidden()
        else:
            expect(notice.first).to_be_hidden()
    # a policy with a successor says so without any clock
    page.goto(base + "/beleid/vgz/paramedische-zorg-2023/")
    ready(page)
    expect(page.locator(".iw-newer")).to_contain_text("niet het nieuwste")
    expect(page.locator(".iw-stale")).to_have_count(0)


def test_agenda_sorts_by_date_and_subscribes_per_feed(site, context):
    base, _ = site
    page = context.new_page()
    page.goto(base + "/agenda/?verstreken=ja")
    ready(page)
    header = page.locator("table.iw-agenda thead th", has_text="Wanneer")
    for _ in range(2):
        header.click()
        dates = page.locator("table.iw-agenda tbody tr:visible td[data-label=Wanneer]").evaluate_all(
            "cs => cs.map(c => c.getAttribute('data-sort'))")
        order = header.get_attribute("aria-sort")
        assert dates == sorted(dates, reverse=order == "descending") and len(dates) > 20, order
    # one feed per row: webcal, Google, Outlook and the copyable https address, all absolute
    row = page.locator("#feed-vgz")
    webcal = row.locator("a.iw-webcal").get_attribute("href")
    assert webcal == "webcal://" + urlparse(base).netloc + "/agenda/vgz.ics"
    google = row.locator("a.iw-google").get_attribute("href")
    assert unquote(google.split("cid=", 1)[1]) == webcal
    outlook = row.locator("a.iw-outlook").get_attribute("href")
    assert unquote(outlook.split("url=", 1)[1]) == base + "/agenda/vgz.ics"
    expect(row.locator("code.iw-feed-url")).to_have_text(base + "/agenda/vgz.ics")
    assert page.request.get(base + "/agenda/vgz.ics").ok
    # "Abonneren op VGZ" on a VGZ page subscribes to the VGZ feed
    page.goto(base + POLICY)
    ready(page)
    box = page.locator(".iw-subscribe-box").first
    expect(box).to_contain_text("Abonneren op VGZ")
    assert box.locator("a.iw-webcal").first.get_attribute("href").endswith("/agenda/vgz.ics")


def _pdf_text(page) -> str:
    from pypdf import PdfReader

    data = page.pdf(format="A4", print_background=False)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("name, path, table", [
    ("policy", POLICY, "table.iw-planning"),
    ("comparison", "/vergelijk/fysiotherapie-2024/", "table.iw-compare"),
    ("agenda", "/agenda/", "table.iw-agenda"),  # past deadlines too, though the screen hides them
])
def test_printing_keeps_every_row_and_insurer(site, context, name, path, table):
    base, _ = site
    page = context.new_page()
    page.goto(base + path)
    ready(page)
    page.emulate_media(media="print")
    rows = page.locator(f"{table} tbody tr")
    firsts = [_norm(t)[:40] for t in rows.evaluate_all(
        "rs => rs.map(r => (r.querySelector('td[data-label=Wat] a, th[scope=row]')"
        " || r.cells[1]).textContent.replace('¶', ''))")]
    assert len(firsts) == rows.count() > 3
    insurers = [_norm(t).replace("¶", "").strip() for t in
                page.locator(f"{table} thead th").all_inner_texts()][1:] if name == "comparison" else []
    text = _pdf_text(page)
    (ARTIFACTS / f"reading-print-{name}.txt").write_text(text, encoding="utf-8")
    squeezed = text.replace(" ", "")
    missing = [f for f in firsts if f.replace(" ", "") not in squeezed]
    assert not missing, f"rows not in the PDF: {missing[:5]}"
    for ins in insurers:
        assert ins.replace(" ", "") in squeezed, f"insurer {ins} not in the PDF"
    if name == "comparison":
        assert len(insurers) >= 2
    if name == "policy":
        for heading in ("Minimumeisen", "Planning en deadlines"):
            assert heading in text


def test_not_found_page(site, context):
    base, out = site
    page = context.new_page()
    page.goto(base + "/404.html")
    ready(page)
    expect(page.locator("h1")).to_have_text("Pagina niet gevonden")
    assert page.title().startswith("Pagina niet gevonden")
    for name, target in (("Beleid", "/beleid/"), ("Agenda", "/agenda/"), ("Kom ik in aanmerking?", "/checker/")):
        link = page.locator("article").get_by_role("link", name=name, exact=True)
        assert urlparse(link.get_attribute("href")).path.endswith(target)
    page.locator(".iw-not-found-links").get_by_role("link", name="Zoeken op de site").click()
    page.wait_for_url("**/zoeken/")
    expect(page.locator(".pagefind-ui__search-input")).to_be_visible()
    assert (Path(out) / "404.html").is_file()


def test_search_finds_a_policy_by_a_word_from_its_text(site, context):
    """The header's search button leads to the search page; a word from a policy's text finds
    that policy, and the result opens it. Everything comes from the site itself, and a query
    fetches a small part of the index, not the whole of it."""
    base, out = site
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + "/beleid/")
    ready(page)
    page.locator("header").get_by_role("link", name="Zoeken op de site").click()
    page.wait_for_url("**/zoeken/")
    wait_until(page, "document.querySelector('#iw-search[data-iw-search=ready]')")
    page.locator(".pagefind-ui__search-input").fill("integriteitstoets")
    wait_until(page, "document.querySelectorAll('.pagefind-ui__result').length > 0")
    link = page.locator(".pagefind-ui__result-link", has_text="VGZ: Inkoopbeleid Wijkverpleging 2024").first
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url("**/beleid/vgz/wijkverpleging-2024/**")
    expect(page.locator("h1")).to_contain_text("Inkoopbeleid Wijkverpleging 2024")
    assert all(u.startswith(base) for u in requests), [u for u in requests if not u.startswith(base)]
    bundle = Path(out) / "pagefind"
    index_bytes = sum(p.stat().st_size for p in (bundle / "index").iterdir()) + \
        sum(p.stat().st_size for p in (bundle / "fragment").iterdir())
    fetched = [u for u in requests if "/pagefind/index/" in u or "/pagefind/fragment/" in u]
    fetched_bytes = sum((bundle / urlparse(u).path.split("/pagefind/", 1)[1]).stat().st_size for u in fetched)
    assert fetched and fetched_bytes < index_bytes / 3, (fetched_bytes, index_bytes)
    # a link with ?q= searches at once
    page.goto(base + "/zoeken/?q=behandelindex")
    wait_until(page, "document.querySelectorAll('.pagefind-ui__result').length > 0")
    assert page.locator(".pagefind-ui__search-input").input_value() == "behandelindex"


def test_checker_result_says_when_nothing_newer_is_encoded(site, chromium):
    """Judged for VGZ fysiotherapie 2024 on 30 November 2026: VGZ's newest paramedische zorg is
    2024, so the result says that nothing for 2025 and later is encoded; Zilveren Kruis has 2027."""
    import json
    from urllib.parse import quote

    base, _ = site
    context = chromium.new_context(viewport=WIDTHS["phone"])
    try:
        page = context.new_page()
        page.clock.set_fixed_time("2026-11-30T12:00:00")
        scope = {"care_type": "fysiotherapie", "year": 2024, "insurers": ["vgz", "zilveren-kruis"]}
        page.goto(f"{base}/checker/#selectie=" + quote(json.dumps(scope)))
        wait_until(page, "document.querySelector('.iw-results .iw-insurer[data-insurer=\"vgz\"]')", timeout=180)
        vgz = page.locator('.iw-results .iw-insurer[data-insurer="vgz"] .iw-stale')
        expect(vgz).to_contain_text("Voor 2025 en later is van VGZ nog geen inkoopbeleid voor paramedische zorg opgenomen")
        expect(vgz).to_contain_text("contractjaar 2024 is voorbij")
        expect(page.locator('.iw-results .iw-insurer[data-insurer="zilveren-kruis"] .iw-stale')).to_have_count(0)
    finally:
        context.close()


@pytest.mark.parametrize("today", ["2023-06-01", "2026-11-30", "2031-01-01"])
def test_home_shows_the_next_deadlines_by_the_visitors_date(site, context, today):
    """The page holds a fixed number; the browser picks the next ones from agenda/komend.json
    and the month files it needs, and fetches no other month."""
    from .test_reading import all_upcoming

    base, out = site
    data = all_upcoming(Path(out))
    page = context.new_page()
    months = []
    page.on("request", lambda r: months.append(r.url.rsplit("/", 1)[1]) if "/agenda/komend/" in r.url else None)
    page.clock.set_fixed_time(f"{today}T12:00:00")
    page.goto(base + "/")
    ready(page)
    for kind in ("provider", "window", "insurer"):
        lst = page.locator(f".iw-upcoming[data-kind={kind}]")
        wait_until(page, f"document.querySelector('.iw-upcoming[data-kind={kind}]').dataset.iwLoaded")
        limit = int(lst.get_attribute("data-limit"))
        later = [e for e in data[kind] if e["until"] >= today]
        items = lst.locator("li:visible")
        if later:
            expect(items).to_have_count(min(limit, len(later)))
            dates = items.evaluate_all("ls => ls.map(l => l.dataset.date)")
            assert dates == [e["until"] for e in later[:limit]]
            expect(page.locator(f".iw-upcoming[data-kind={kind}]").locator("xpath=preceding-sibling::p[1]")).not_to_have_class("iw-empty")
        else:  # nothing ahead: said so, and the last ones shown
            expect(lst.locator("xpath=preceding-sibling::p[1]")).to_have_class("iw-empty")
            expect(items).to_have_count(min(limit, len(data[kind])))
    assert len(months) == len(set(months))  # each month once, whatever the number of lists
    needed = set()
    for kind in ("provider", "window", "insurer"):
        later = [e for e in data[kind] if e["until"] >= today]
        needed |= {e["until"][:7] + ".json" for e in later[:8]}
    assert needed <= set(months)
    total = len(list((Path(out) / "agenda/komend").glob("*.json")))
    assert len(months) < total or total <= 3  # not every month
    expect(page.get_by_role("link", name="Alle deadlines, filters en abonneren in de agenda")).to_be_visible()


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_dark_mode_screenshots(site, chromium, width):
    base, _ = site
    ctx = chromium.new_context(viewport=WIDTHS[width], color_scheme="dark")
    try:
        page = ctx.new_page()
        for name in ("home", "policy", "comparison", "agenda", "404"):
            page.goto(base + PAGE_TYPES[name])
            ready(page)
            assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
            page.screenshot(path=str(ARTIFACTS / f"reading-dark-{name}-{WIDTHS[width]['width']}.png"))
    finally:
        ctx.close()
