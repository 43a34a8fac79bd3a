"""The agenda page in headless Chromium: past/upcoming by the visitor's date, filters, subscribing."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

import icalendar
import pytest

from generator.build import build_site

from .browser import ARTIFACTS, browser, serve
from .tree import make_project

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("agenda")
    out = root / "site"
    build_site(make_project(root), out)
    return out


def visible_rows(page) -> list[str]:
    return page.locator("#agenda tbody tr:not([hidden])").evaluate_all("rows => rows.map(r => r.id)")


def test_agenda_hides_past_deadlines_filters_and_subscribes(site: Path):
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(site) as base, browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 900})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.clock.set_fixed_time(datetime(2025, 8, 1, 12, 0))
        page.goto(f"{base}/agenda/")
        upcoming = visible_rows(page)
        # the fixture's deadlines after 1 August 2025: September offer, 8 September closing,
        # 10 November signing and the whole-year 2026 window; 1 April 2025 has passed
        assert "acme-fysiotherapie-2026-publicatie" not in upcoming
        assert "acme-fysiotherapie-2026-ondertekenen" in upcoming
        page.get_by_label("Toon ook verstreken deadlines").check()
        assert "acme-fysiotherapie-2026-publicatie" in visible_rows(page)
        assert "verstreken=ja" in page.url
        page.get_by_label("Voor").select_option("new")
        rows = visible_rows(page)
        assert rows and all(r in ("acme-fysiotherapie-2026-inschrijving", "acme-fysiotherapie-2026-aanvragen-hele-jaar",
                                  "acme-fysiotherapie-2026-ondertekenen") for r in rows)
        assert "doelgroep=new" in page.url
        page.reload()
        assert page.get_by_label("Voor").input_value() == "new"
        assert visible_rows(page) == rows
        page.screenshot(path=str(ARTIFACTS / "agenda-desktop.png"), full_page=True)

        # subscribing needs the feed's absolute address: the site's configured one (the
        # default here, as the site was built without INKOOPWIJZER_SITE_URL)
        link = page.locator("a.iw-webcal").first
        webcal = link.get_attribute("href")
        assert webcal == "webcal://127.0.0.1:8000/agenda/alle.ics"
        response = page.request.get(base + urlparse(webcal).path)
        assert response.ok
        cal = icalendar.Calendar.from_ical(response.body())
        assert len(list(cal.walk("VEVENT"))) == 6  # 5 deadlines, one range = opening + closing

        single = page.locator("#acme-fysiotherapie-2026-ondertekenen a[download]")
        with page.expect_download() as download:
            single.click()
        event = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
        assert [str(e["UID"]) for e in event.walk("VEVENT")] == ["acme/fysiotherapie-2026/ondertekenen@inkoopwijzer"]
        hosts = {urlparse(u).hostname for u in requests if u.startswith("http")}
        assert hosts == {"127.0.0.1"}
