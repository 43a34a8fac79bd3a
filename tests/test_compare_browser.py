"""The comparison pages of the real data in headless Chromium, at phone (390 px) and desktop
(1280 px) width: the tier ladder, the years diff and its "only differences" toggle, the
index. Nothing may stick out of the screen (a table that scrolls sideways must say so), and
screenshots of each page type are saved in tests/artifacts/ (compare-*.png) to look at.
"""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
from playwright.sync_api import expect


from .browser import ARTIFACTS, WIDTHS, ready

pytestmark = pytest.mark.browser

COMPARE = "/vergelijk/fysiotherapie-2024/"      # five insurers, VGZ's three tiers
OVERVIEW = "/vergelijk/fysiotherapie-2027/"     # one insurer
YEARS = "/vergelijk/jaren/zorg-en-zekerheid-paramedische-zorg/"  # 2024 -> 2025 -> 2026, partial and full
INDEX = "/vergelijk/"

# Every element of the article must lie within the viewport, unless a container that scrolls
# or clips sideways holds it; such a container must itself fit and be announced by the hint.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const article = document.querySelector("article") || document.body;
  const out = [];
  for (const el of article.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    let p = el.parentElement, held = false;
    while (p && p !== article.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === "auto" || ox === "scroll" || ox === "hidden") { held = true; break; }
      p = p.parentElement;
    }
    if (held) continue;
    if (box.right > width + 1 || box.left < -1)
      out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.left)}..${Math.round(box.right)}`);
  }
  return out.slice(0, 10);
}"""

SCROLLERS = """() => [...document.querySelectorAll("article .iw-table-wrap")].map(w => {
  const hint = w.previousElementSibling && w.previousElementSibling.matches(".iw-scroll-hint")
    ? w.previousElementSibling : null;
  return {scrolls: w.scrollWidth > w.clientWidth + 1,
          hint: !!hint && getComputedStyle(hint).display !== "none",
          right: w.getBoundingClientRect().right};
})"""


@pytest.fixture(scope="module")
def base(real_site):
    """The real policies, built once per test session (conftest.real_site)."""
    return real_site[0]


def fits(page, width: int, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name}: the page scrolls sideways"
    assert page.evaluate(OVERFLOW) == [], f"{name}: elements stick out of the screen"
    for wrap in page.evaluate(SCROLLERS):
        assert wrap["right"] <= width + 1, f"{name}: a table wrapper is wider than the screen"
        if wrap["scrolls"]:
            assert wrap["hint"], f"{name}: a table scrolls sideways without saying so"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_tier_ladder(context, base, viewport):
    ARTIFACTS.mkdir(exist_ok=True)
    page = context.new_page()
    page.set_viewport_size(WIDTHS[viewport])
    width = WIDTHS[viewport]["width"]
    page.goto(f"{base}{COMPARE}")
    ready(page)
    expect(page.locator("h1")).to_have_text(re.compile(r"^Fysiotherapie 2024: verzekeraars vergeleken"))
    fits(page, width, f"{COMPARE} at {width}px")
    page.screenshot(path=str(ARTIFACTS / f"compare-top-{viewport}.png"))

    ladders = page.locator("section.iw-ladder")
    expect(ladders).to_have_count(5)
    vgz = page.locator("#ladder-vgz")
    expect(vgz.locator("h3")).to_have_text("VGZ")
    steps = vgz.locator("li.iw-step .iw-step-title")
    expect(steps).to_have_count(3)
    assert [t.split("(")[0].strip() for t in steps.all_inner_texts()] == [
        "1 Fysiotherapie Intensief", "2 Fysiotherapie Generiek", "3 Fysiotherapie Basis"]
    box = vgz.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    if viewport == "desktop":  # cards side by side where there is room
        first, second = ladders.nth(0).bounding_box(), ladders.nth(1).bounding_box()
        assert abs(first["y"] - second["y"]) < 1 and second["x"] > first["x"] + first["width"]
    vgz.screenshot(path=str(ARTIFACTS / f"compare-ladder-vgz-{viewport}.png"))

    # the checker link carries the scope the checker reads from its URL fragment
    link = vgz.get_by_role("link", name="Kom ik in aanmerking bij VGZ?")
    expect(link).to_be_visible()
    target = urlparse(urljoin(page.url, link.get_attribute("href")))
    assert target.path == "/checker/"
    assert json.loads(parse_qs(target.fragment)["selectie"][0]) == {
        "care_type": "fysiotherapie", "year": 2024, "insurers": ["vgz"]}

    # VGZ's behandelindex conditions are in the behandelindex row, as nested lists
    row = page.locator("#rij-efficiency td[data-insurer=vgz]")
    expect(row).to_contain_text("Fysiotherapie Intensief")
    expect(row).to_contain_text("40 tot en met 110")
    expect(row.locator(".iw-conn").first).to_have_text("één van:")
    row.scroll_into_view_if_needed()  # inside the table's own scroll box on a desktop
    page.screenshot(path=str(ARTIFACTS / f"compare-behandelindex-row-{viewport}.png"))
    # a partial policy's empty cell says it is not known
    expect(page.locator("#rij-efficiency td[data-insurer=cz]")).to_have_text("onbekend — beleid gedeeltelijk bekend")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_years_diff(context, base, viewport):
    ARTIFACTS.mkdir(exist_ok=True)
    page = context.new_page()
    page.set_viewport_size(WIDTHS[viewport])
    width = WIDTHS[viewport]["width"]
    page.goto(f"{base}{YEARS}")
    ready(page)
    expect(page.locator("h1")).to_have_text(re.compile(r"^Z&Z: paramedische zorg door de jaren"))
    fits(page, width, f"{YEARS} at {width}px")
    table = page.locator("table.iw-years")
    total = table.locator("tbody tr").count()
    sure = table.locator("tbody tr[data-changed=ja]").count()
    assert 0 < sure < total
    # the diff is in place: a removed requirement, an old -> new value
    expect(table.locator(".iw-badge--removed").first).to_be_visible()
    changed = table.locator(".iw-diff--changed").first
    expect(changed.locator("del")).not_to_be_empty()
    expect(changed.locator("ins")).not_to_be_empty()

    page.get_by_label("Toon alleen verschillen").check()
    expect(table.locator("tbody tr[data-changed=nee]:visible")).to_have_count(0)
    expect(table.locator("tbody tr[data-changed=onbekend]:visible")).to_have_count(0)
    expect(table.locator("tbody tr:visible")).to_have_count(sure)
    expect(page).to_have_url(re.compile(r"\?verschillen=ja$"))
    # what the partial policies can not rule out, on request
    maybe = table.locator("tbody tr[data-changed=onbekend]").count()
    assert maybe > 0
    page.get_by_label("ook mogelijke verschillen (beleid gedeeltelijk bekend)").check()
    expect(table.locator("tbody tr:visible")).to_have_count(sure + maybe)
    page.get_by_label("ook mogelijke verschillen (beleid gedeeltelijk bekend)").uncheck()
    expect(table.locator("tbody tr:visible")).to_have_count(sure)
    fits(page, width, f"{YEARS}?verschillen=ja at {width}px")
    page.screenshot(path=str(ARTIFACTS / f"compare-years-{viewport}.png"), full_page=True)
    page.get_by_label("Toon alleen verschillen").uncheck()
    expect(table.locator("tbody tr:visible")).to_have_count(total)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_index_and_overview(context, base, viewport):
    ARTIFACTS.mkdir(exist_ok=True)
    page = context.new_page()
    page.set_viewport_size(WIDTHS[viewport])
    width = WIDTHS[viewport]["width"]
    page.goto(f"{base}{INDEX}")
    ready(page)
    fits(page, width, f"{INDEX} at {width}px")
    expect(page.locator("h2#overzichten-een-verzekeraar-bekend")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / f"compare-index-{viewport}.png"), full_page=True)

    page.goto(f"{base}{OVERVIEW}")
    ready(page)
    expect(page.locator("h1")).to_have_text(re.compile(r"^Fysiotherapie 2027: overzicht van Zilveren Kruis"))
    expect(page.locator("select[data-filter=verzekeraar]")).to_have_count(0)
    fits(page, width, f"{OVERVIEW} at {width}px")
    page.screenshot(path=str(ARTIFACTS / f"compare-overview-{viewport}.png"))
