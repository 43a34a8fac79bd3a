"""The built site in headless Chromium: pages render, links work, no other host is contacted."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from generator.build import build_site

from .browser import ARTIFACTS, browser, serve
from .tree import make_project

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    config = make_project(root)
    out = root / "site"
    build_site(config, out)
    return out


def test_policy_page_renders_and_links_to_insurer_without_foreign_requests(site: Path):
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(site) as base, browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 900})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(f"{base}/beleid/acme/fysiotherapie-2026/")
        assert page.locator("h1").inner_text().startswith("Acme: Inkoopbeleid Fysiotherapie 2026")
        assert page.locator("#tariefgroep-a").count() == 1
        assert page.get_by_text("Planning en deadlines").count() >= 1
        page.screenshot(path=str(ARTIFACTS / "policy-desktop.png"), full_page=True)
        page.get_by_role("link", name="Voorbeeldverzekeraar").first.click()
        page.wait_for_url("**/verzekeraars/acme/")
        assert "Voorbeeldverzekeraar" in page.locator("h1").inner_text()
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{base}/beleid/acme/fysiotherapie-2026/")
        page.screenshot(path=str(ARTIFACTS / "policy-phone.png"), full_page=True)
        hosts = {urlparse(u).hostname for u in requests if u.startswith("http")}
        assert hosts == {"127.0.0.1"}, f"requests left the origin: {sorted(hosts)}"
