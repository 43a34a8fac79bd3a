"""The portal in headless Chromium: comparison filters kept in the URL, CSV download,
sorting, the cross-year "only differences" toggle, the glossary, mkdocs-material's instant
navigation, and screenshots of every page type at desktop and phone width.

The site is built once per module from a throw-away project: the real registries, the
fixture insurer Acme (2026), plus, written here, an Acme policy for 2025 (so a comparison
across years exists) and a second test insurer Beta (so the insurer filter has something
to hide). Every browser request must stay on 127.0.0.1.
"""
from __future__ import annotations

import copy
import csv
import datetime
import re
import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from playwright.sync_api import expect

from generator.build import build_site

from .browser import ARTIFACTS, browser, serve, wait_until
from .tree import FIXTURE_TREE, make_project

pytestmark = pytest.mark.browser


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
COMPARE = "/vergelijk/fysiotherapie-2026/"
YEARS = "/vergelijk/jaren/acme-paramedische-zorg/"
POLICY_2026 = "/beleid/acme/fysiotherapie-2026/"

# ----------------------------------------------------------------------------- the site

_YEAR_KEYS = {"contract_years", "contract_year", "from_year", "to_year", "year", "start", "end"}


def _one_year_back(value, key=None):
    """Every date, year and month of a policy moved one year back."""
    if isinstance(value, dict):
        return {k: _one_year_back(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_one_year_back(v, key) for v in value]
    if isinstance(value, datetime.date):
        return value.replace(year=value.year - 1)
    if isinstance(value, int) and not isinstance(value, bool) and key in _YEAR_KEYS and 2000 < value < 2100:
        return value - 1
    if isinstance(value, str) and re.fullmatch(r"20\d\d-\d\d", value):  # a month
        return f"{int(value[:4]) - 1}{value[4:]}"
    return value


def _source(source_id: str, insurer: str, published: str) -> str:
    return (f"- id: {source_id}\n  file: {source_id}.txt\n  title: {source_id} (testdocument)\n"
            f"  publisher: Testverzekeraar\n  insurer: {insurer}\n  kind: insurer\n"
            f"  url: https://{insurer}.example.org/{source_id}\n  published: {published}\n")


def _dump(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def add_test_policies(policies: Path) -> None:
    acme_2026 = yaml.safe_load((FIXTURE_TREE / "acme" / "fysiotherapie-2026.yaml").read_text(encoding="utf-8"))

    # Acme 2025: the 2026 policy one year earlier, with a looser Tariefgroep B threshold.
    acme_2025 = _one_year_back(acme_2026)
    acme_2025["title"] = "Inkoopbeleid Fysiotherapie 2025"
    acme_2025["sources"] = ["acme-fysiotherapie-2025"]
    assert acme_2025["published"] == datetime.date(2024, 4, 1)
    tier_b = acme_2025["contracts"][0]["tiers"][1]
    assert tier_b["id"] == "tariefgroep-b" and tier_b["criterion"]["of"][0]["max"] == 110
    tier_b["criterion"]["of"][0]["max"] = 120
    acme_2025["tariffs"][0]["subject"] = "Tariefindexatie 2025"
    _dump(policies / "acme" / "fysiotherapie-2025.yaml", acme_2025)

    # Beta 2026: Acme's policy, but with the 70th percentile already published.
    beta = copy.deepcopy(acme_2026)
    beta["sources"] = ["beta-fysiotherapie-2026"]
    quantile = beta["contracts"][0]["tiers"][0]["criterion"]["of"][0]
    assert quantile["kind"] == "quantile" and quantile["value"] is None
    quantile["value"] = 95
    beta["open_questions"] = []
    _dump(policies / "beta" / "fysiotherapie-2026.yaml", beta)
    _dump(policies / "beta" / "index.yaml", {
        "name": "Tweede Testverzekeraar", "short_name": "Beta", "website": "https://beta.example.org/"})

    sources = policies / "registry" / "sources"
    acme_sources = sources / "acme.yaml"
    acme_sources.write_text(acme_sources.read_text(encoding="utf-8")
                            + _source("acme-fysiotherapie-2025", "acme", "2024-04-01"), encoding="utf-8")
    (sources / "beta.yaml").write_text(_source("beta-fysiotherapie-2026", "beta", "2025-04-01"), encoding="utf-8")


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """Build the site and serve it; the base URL. The server starts first so the site can
    be built for its address: mkdocs-material's instant navigation only intercepts links
    found in sitemap.xml, and those keep the port of ``site_url``."""
    root = tmp_path_factory.mktemp("portal-browser")
    config = make_project(root)
    add_test_policies(root / "policies")
    out = root / "site"
    with serve(out) as url:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("INKOOPWIJZER_SITE_URL", f"{url}/")
            build_site(config, out)  # raises on invalid data
        for page in ("", COMPARE, YEARS, POLICY_2026, "/beleid/acme/fysiotherapie-2025/",
                     "/verzekeraars/beta/", "/begrippen/behandelindex/"):
            assert (out / page.strip("/") / "index.html").is_file(), page
        yield url


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture
def context(chromium):
    """A fresh browser context; afterwards no request may have left 127.0.0.1, and no
    page may have thrown a JavaScript error."""
    ctx = chromium.new_context(viewport=DESKTOP, accept_downloads=True)
    requests: list[str] = []
    errors: list[str] = []
    ctx.on("request", lambda r: requests.append(r.url))
    ctx.on("page", lambda p: p.on("pageerror", lambda e: errors.append(f"{p.url}: {e}")))
    try:
        yield ctx
    finally:
        ctx.close()
    hosts = {urlparse(u).hostname for u in requests if not u.startswith(("data:", "blob:", "about:"))}
    assert requests and hosts == {"127.0.0.1"}, f"requests left the origin: {sorted(hosts)}"
    assert not errors, "JavaScript errors:\n" + "\n".join(errors)


@pytest.fixture
def page(context):
    return context.new_page()


# ----------------------------------------------------------------------------- helpers


def ready(page) -> str:
    """Wait until inkoopwijzer.js initialised the current document; its marker value."""
    wait_until(page, "document.documentElement.hasAttribute('data-iw-ready')")
    return page.evaluate("document.documentElement.getAttribute('data-iw-ready')")


def ready_again(page, previous: str) -> str:
    """Wait until inkoopwijzer.js initialised again (after an instant navigation)."""
    wait_until(page, "(() => { const v = document.documentElement.getAttribute('data-iw-ready');"
               f" return v !== null && v !== {json.dumps(previous)}; }})()")
    return page.evaluate("document.documentElement.getAttribute('data-iw-ready')")


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def row_labels(table) -> list[str]:
    return [t.split("¶")[0].strip() for t in table.locator("tbody th[scope=row]").all_inner_texts()]


def open_comparison_from_home(page, base: str) -> str:
    """Home -> "Per zorgsoort" -> Fysiotherapie 2026; returns the script's ready marker."""
    page.goto(f"{base}/")
    marker = ready(page)
    page.locator("h2#per-zorgsoort + ul").get_by_role("link", name="2026", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(COMPARE) + "$"))
    expect(page.locator("h1")).to_contain_text("Fysiotherapie 2026: verzekeraars vergeleken")
    return ready_again(page, marker)


# ----------------------------------------------------------------------------- tests


def test_theme_and_insurer_filters_live_in_the_url(page, context, base):
    open_comparison_from_home(page, base)
    table = page.locator("table.iw-compare")
    rows = table.locator("tbody tr")
    total = rows.count()
    ids = [rows.nth(i).get_attribute("id") for i in range(total)]
    assert len(set(ids)) == total > 5, f"duplicate rows: {ids}"
    themes = page.locator("select[data-filter=thema] option").evaluate_all("os => os.map(o => o.value)")
    assert len(set(themes)) == len(themes) == total + 1  # "all themes" plus one per row

    page.select_option("select[data-filter=thema]", "efficiency")
    expect(table.locator("tbody tr:visible")).to_have_count(1)
    expect(page.locator("#rij-efficiency")).to_be_visible()
    expect(page.locator("#rij-contracts")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"\?thema=efficiency$"))
    expect(page.locator(".iw-status")).to_have_text("1 rij zichtbaar")

    # The filtered view can be shared: a new page with that URL shows the same.
    shared = context.new_page()
    shared.goto(page.url)
    ready(shared)
    expect(shared.locator("select[data-filter=thema]")).to_have_value("efficiency")
    expect(shared.locator("table.iw-compare tbody tr:visible")).to_have_count(1)
    expect(shared.locator("#rij-efficiency")).to_be_visible()
    shared.close()

    # Insurer filter: only Acme's column stays, and the URL keeps both filters.
    acme = table.locator("[data-insurer=acme]")
    beta = table.locator("[data-insurer=beta]")
    expect(beta.first).to_be_visible()
    page.select_option("select[data-filter=verzekeraar]", "acme")
    expect(page).to_have_url(re.compile(r"verzekeraar=acme"))
    assert query(page) == {"thema": ["efficiency"], "verzekeraar": ["acme"]}
    expect(table.locator("thead th[data-insurer=acme]")).to_be_visible()
    expect(page.locator("#rij-efficiency td[data-insurer=acme]")).to_be_visible()
    for i in range(beta.count()):
        expect(beta.nth(i)).to_be_hidden()
    assert acme.count() == 1 + total

    # Clearing the theme shows every row again, still only Acme's cells.
    page.select_option("select[data-filter=thema]", "")
    expect(table.locator("tbody tr:visible")).to_have_count(total)
    assert query(page) == {"verzekeraar": ["acme"]}
    expect(table.locator("td[data-insurer=beta]:visible")).to_have_count(0)
    expect(table.locator("td[data-insurer=acme]:visible")).to_have_count(total)

    reopened = context.new_page()
    reopened.goto(page.url)
    ready(reopened)
    expect(reopened.locator("select[data-filter=verzekeraar]")).to_have_value("acme")
    expect(reopened.locator("select[data-filter=thema]")).to_have_value("")
    expect(reopened.locator("table.iw-compare [data-insurer=beta]:visible")).to_have_count(0)
    expect(reopened.locator("table.iw-compare tbody tr:visible")).to_have_count(total)
    reopened.close()

    # An unknown value in the URL is ignored rather than hiding everything.
    page.goto(f"{base}{COMPARE}?thema=bestaat-niet")
    ready(page)
    expect(page.locator("select[data-filter=thema]")).to_have_value("")
    expect(table.locator("tbody tr:visible")).to_have_count(total)


def test_csv_download_matches_the_table(page, base):
    page.goto(f"{base}{COMPARE}")
    ready(page)
    table = page.locator("table.iw-compare")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV downloaden").click()
    download = info.value
    assert download.suggested_filename == "fysiotherapie-2026.csv"
    with open(download.path(), encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))

    insurers = table.locator("thead th[data-insurer] a").all_inner_texts()
    assert insurers == ["Acme", "Beta"]
    assert rows[0] == ["thema", *insurers]
    data = rows[1:]
    assert len(data) == table.locator("tbody tr").count()
    assert [r[0] for r in data] == row_labels(table)
    assert all(len(r) == len(rows[0]) for r in data)
    by_label = {r[0]: dict(zip(rows[0], r)) for r in data}
    efficiency = by_label["Doelmatigheid en behandelindex"]
    assert "nog niet bekend" in efficiency["Acme"]
    assert "nog niet bekend" not in efficiency["Beta"]


def test_sorting_by_the_first_column_toggles(page, base):
    page.goto(f"{base}{COMPARE}")
    ready(page)
    table = page.locator("table.iw-compare")
    first = table.locator("thead th").first
    others = table.locator("thead th").nth(1)
    original = row_labels(table)
    expect(first).to_have_attribute("aria-sort", "none")

    first.click()
    expect(first).to_have_attribute("aria-sort", "ascending")
    ascending = row_labels(table)
    assert ascending == sorted(original, key=str.casefold) != original

    first.click()
    expect(first).to_have_attribute("aria-sort", "descending")
    assert row_labels(table) == ascending[::-1]

    # Keyboard works too, and sorting by another column resets the first one.
    first.focus()
    page.keyboard.press("Enter")
    expect(first).to_have_attribute("aria-sort", "ascending")
    others.locator("small").click()  # not on the header's link, which navigates
    expect(others).to_have_attribute("aria-sort", "ascending")
    expect(first).to_have_attribute("aria-sort", "none")


def test_years_only_differences(page, context, base):
    page.goto(f"{base}/vergelijk/")
    marker = ready(page)
    page.get_by_role("link", name=re.compile(r"Acme: paramedische zorg \(2025 → 2026\)")).click()
    expect(page).to_have_url(re.compile(re.escape(YEARS) + "$"))
    expect(page.locator("h1")).to_contain_text("Acme: paramedische zorg door de jaren")
    ready_again(page, marker)

    table = page.locator("table.iw-years")
    rows = table.locator("tbody tr")
    total = rows.count()
    changed = table.locator("tbody tr[data-changed=ja]")
    n_changed = changed.count()
    assert 0 < n_changed < total
    expect(table.locator("tbody tr:visible")).to_have_count(total)

    # Changed cells are marked; the changed Tariefgroep B threshold among them.
    marked = table.locator("td.iw-changed")
    assert marked.count() >= n_changed
    assert table.locator("tr[data-changed=nee] td.iw-changed").count() == 0
    tier_b = rows.filter(has_text="Overeenkomst Fysiotherapie – Tariefgroep B")
    expect(tier_b).to_have_attribute("data-changed", "ja")
    expect(tier_b.locator("td").nth(0)).to_contain_text("40 tot en met 120")
    expect(tier_b.locator("td").nth(0)).not_to_have_class(re.compile("iw-changed"))
    expect(tier_b.locator("td").nth(1)).to_have_class(re.compile(r"\biw-changed\b"))
    expect(tier_b.locator("td").nth(1)).to_contain_text("40 tot en met 110")
    background = "td => getComputedStyle(td).backgroundColor"
    assert tier_b.locator("td").nth(1).evaluate(background) != tier_b.locator("td").nth(0).evaluate(background), \
        "changed cells are not highlighted"
    # the 2025 policy reads the behandelindex one year earlier: Tariefgroep A changed too
    tier_a = rows.filter(has_text="Overeenkomst Fysiotherapie – Tariefgroep A")
    expect(tier_a).to_have_attribute("data-changed", "ja")
    expect(tier_a.locator("td").nth(1)).to_contain_text("over 2024")
    unchanged = rows.filter(has_text="Minimumeis: BIG-registratie en kwaliteitsregister")
    expect(unchanged).to_have_attribute("data-changed", "nee")

    box = page.get_by_label("Toon alleen verschillen")
    box.check()
    expect(table.locator("tbody tr:visible")).to_have_count(n_changed)
    expect(table.locator("tbody tr[data-changed=nee]:visible")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"\?verschillen=ja$"))

    shared = context.new_page()
    shared.goto(page.url)
    ready(shared)
    expect(shared.get_by_label("Toon alleen verschillen")).to_be_checked()
    expect(shared.locator("table.iw-years tbody tr:visible")).to_have_count(n_changed)
    shared.close()

    box.uncheck()
    expect(table.locator("tbody tr:visible")).to_have_count(total)
    expect(page).to_have_url(re.compile(re.escape(YEARS) + "$"))


def test_glossary_term_links_to_the_policies_that_use_it(page, base):
    page.goto(f"{base}/begrippen/")
    ready(page)
    expect(page.locator("h1")).to_have_text(re.compile("^Begrippen"))
    page.locator("article table").get_by_role("link", name="Behandelindex", exact=True).click()
    expect(page).to_have_url(re.compile(r"/begrippen/behandelindex/$"))
    expect(page.locator("h1")).to_have_text(re.compile("^Behandelindex"))
    used_in = page.locator("h2#gebruikt-in + ul")
    expect(used_in.get_by_role("link")).to_have_count(3)  # Acme 2025 and 2026, Beta 2026
    used_in.get_by_role("link", name="Acme: Inkoopbeleid Fysiotherapie 2026 (2026)").click()
    expect(page).to_have_url(re.compile(re.escape(POLICY_2026) + "$"))
    expect(page.locator("h1")).to_have_text(re.compile(r"^Acme: Inkoopbeleid Fysiotherapie 2026"))


def test_instant_navigation_keeps_the_page_and_reinitialises_the_tables(page, base):
    page.goto(f"{base}/")
    marker = ready(page)
    page.evaluate("window.__iwMarker = 1")
    loads = []
    page.on("load", lambda: loads.append(page.url))

    page.locator(".md-nav--primary").get_by_role("link", name="Vergelijken", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/vergelijk/$"))
    marker = ready_again(page, marker)
    page.get_by_role("link", name="2026", exact=True).first.click()
    expect(page).to_have_url(re.compile(re.escape(COMPARE) + "$"))
    marker = ready_again(page, marker)
    assert page.evaluate("window.__iwMarker") == 1, "instant navigation did a full page load"
    assert loads == []

    # The tables on the new document work: filters (into the URL) and sorting (once per click).
    table = page.locator("table.iw-compare")
    total = table.locator("tbody tr").count()
    page.select_option("select[data-filter=thema]", "term")
    expect(table.locator("tbody tr:visible")).to_have_count(1)
    expect(page.locator("#rij-term")).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?thema=term$"))
    first = table.locator("thead th").first
    first.click()
    expect(first).to_have_attribute("aria-sort", "ascending")  # one handler, not one per visit

    # Away and back through the browser history: the filter comes back from the URL.
    table.locator("thead").get_by_role("link", name="Acme", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(POLICY_2026) + "$"))
    marker = ready_again(page, marker)
    page.go_back()
    expect(page).to_have_url(re.compile(re.escape(COMPARE) + r"\?thema=term$"))
    marker = ready_again(page, marker)
    expect(page.locator("select[data-filter=thema]")).to_have_value("term")
    expect(table.locator("tbody tr:visible")).to_have_count(1)
    page.select_option("select[data-filter=thema]", "")
    expect(table.locator("tbody tr:visible")).to_have_count(total)
    expect(page).to_have_url(re.compile(re.escape(COMPARE) + "$"))

    # On to the years page via the policy page: its toggle works too.
    table.locator("thead").get_by_role("link", name="Acme", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(POLICY_2026) + "$"))
    marker = ready_again(page, marker)
    page.get_by_role("link", name="door de jaren").first.click()
    expect(page).to_have_url(re.compile(re.escape(YEARS) + "$"))
    marker = ready_again(page, marker)
    page.get_by_label("Toon alleen verschillen").check()
    expect(page.locator("table.iw-years tbody tr[data-changed=nee]:visible")).to_have_count(0)
    expect(page.locator("table.iw-years tbody tr[data-changed=ja]:visible").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?verschillen=ja$"))
    assert page.evaluate("window.__iwMarker") == 1, "instant navigation did a full page load"
    assert loads == []


PAGE_TYPES = {
    "home": "/",
    "policy": POLICY_2026,
    "insurer": "/verzekeraars/acme/",
    "compare": COMPARE,
    "years": YEARS,
    "glossary": "/begrippen/",
    "term": "/begrippen/behandelindex/",
    "policies": "/beleid/",
}


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_screenshots_and_phone_layout(context, base, viewport):
    ARTIFACTS.mkdir(exist_ok=True)
    page = context.new_page()
    page.set_viewport_size(DESKTOP if viewport == "desktop" else PHONE)
    width = page.viewport_size["width"]
    for name, path in PAGE_TYPES.items():
        page.goto(f"{base}{path}")
        ready(page)
        expect(page.locator("h1")).to_be_visible()
        # Nothing is wider than the screen: wide tables scroll inside their wrapper.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        page.screenshot(path=str(ARTIFACTS / f"{name}-{viewport}.png"), full_page=True)

    if viewport != "phone":
        return
    # On a phone every row is a card: the row's label on top, then one "insurer: rules" line
    # per column; nothing scrolls sideways.
    for path in (COMPARE, YEARS):
        page.goto(f"{base}{path}")
        ready(page)
        wrap = page.locator(".iw-table-wrap")
        box = wrap.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{path}: table cut off"
        assert wrap.evaluate("w => w.scrollWidth - w.clientWidth") <= 1, f"{path}: scrolls sideways"
        row = page.locator(".iw-table tbody tr").first
        assert row.evaluate("r => getComputedStyle(r).display") == "block", f"{path}: not a card"
        label = row.locator("th[scope=row]").bounding_box()
        assert label["width"] >= width * 0.6, f"{path}: the card's title is squeezed"
        cells = row.locator("td")
        for i in range(cells.count()):
            cell = cells.nth(i)
            assert cell.bounding_box()["width"] >= width * 0.6, f"{path}: cells too narrow to read"
            before = cell.evaluate("c => getComputedStyle(c, '::before').content")
            assert before not in ("none", "normal", '""'), f"{path}: a card line without its column's name"
