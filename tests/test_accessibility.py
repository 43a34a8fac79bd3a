"""axe-core in headless Chromium on every page type, in the light and the dark colour scheme
(the palette follows the device until the visitor picks one): no serious or critical violations."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build_site

from .browser import browser, serve, wait_until
from .tree import make_project

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parent.parent
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"

PAGES = {
    "home": "/",
    "policy": "/beleid/acme/fysiotherapie-2026/",
    "policy-index": "/beleid/",
    "insurer": "/verzekeraars/acme/",
    "comparison": "/vergelijk/fysiotherapie-2026/",
    "comparison-index": "/vergelijk/",
    "glossary": "/begrippen/",
    "term": "/begrippen/behandelindex/",
    "agenda": "/agenda/",
    "checker": "/checker/",
    "about": "/over/",
    "years": "/vergelijk/jaren/vgz-paramedische-zorg/",
    "policy-real": "/beleid/vgz/paramedische-zorg-2024/",
    "search": "/zoeken/?q=behandelindex",
    "404": "/404.html",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("a11y")
    out = root / "site"
    build_site(make_project(root, with_real_policies=True), out)
    return out


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_serious_or_critical_axe_violations(site: Path, name: str, scheme: str):
    assert AXE.is_file(), "npm package axe-core missing: run ./dev.sh test"
    with serve(site) as base, browser() as b:
        # axe is injected as a script; the site's CSP (rightly) forbids that, so this one
        # context bypasses it. Every other browser test runs with the policy on.
        context = b.new_context(bypass_csp=True, color_scheme=scheme)
        page = context.new_page()
        page.goto(base + PAGES[name])
        expected = "slate" if scheme == "dark" else "default"
        wait_until(page, f"document.body.getAttribute('data-md-color-scheme') === '{expected}'")
        if name == "checker":
            wait_until(page, "window.__iwChecker && window.__iwChecker.firstEngineVerdictMs > 0")
            page.locator("details.iw-why").first.evaluate("d => d.open = true")
        if name == "search":
            wait_until(page, "document.querySelectorAll('.pagefind-ui__result').length > 0")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        bad = [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:5])
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
        context.close()
    assert not bad, "\n".join(map(str, bad))
