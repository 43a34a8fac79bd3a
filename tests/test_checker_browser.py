"""The checker page in headless Chromium: Pyodide in a worker, live verdicts, URL fragment,
profile files, and not a single request to another host."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from generator.build import build_site

from .browser import ARTIFACTS, browser, serve, wait_until
from .tree import make_project

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("checker")
    out = root / "site"
    build_site(make_project(root), out)
    return out


def verdict(page, contract: str) -> str:
    return page.locator(f'[data-insurer="acme"] li[data-contract="{contract}"]').get_attribute("data-verdict")


def test_checker_runs_in_the_browser_and_keeps_data_local(site: Path, tmp_path: Path):
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(site) as base, browser() as b:
        context = b.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page = context.new_page()
        requests: list[str] = []
        posts: list[str] = []
        page.on("request", lambda r: (requests.append(r.url), r.method != "GET" and posts.append(r.url)))
        page.goto(f"{base}/checker/")
        wait_until(page, "window.__iwChecker && window.__iwChecker.firstVerdictMs > 0")
        assert verdict(page, "fysiotherapie") == "unknown"

        # every control has a label
        for control in page.locator(".iw-checker select, .iw-checker input").all():
            cid = control.get_attribute("id")
            assert cid and page.locator(f'label[for="{cid}"]').count() == 1, cid

        page.get_by_label("Staan alle fysiotherapeuten in de praktijk in het BIG-register?").select_option("true")
        page.get_by_label("kwaliteitsregister van KNGF", exact=False).select_option("true")
        page.get_by_label("Behandelindex van de praktijk").fill("95")

        wait_until(page, "document.querySelector('[data-contract=\"fysiotherapie\"]').dataset.verdict === 'eligible'")
        item = page.locator('li[data-contract="fysiotherapie"]')
        assert "Tariefgroep B" in item.inner_text()
        item.get_by_text("Waarom").click()
        assert item.locator('[data-tier="tariefgroep-b"]').get_attribute("data-verdict") == "eligible"
        assert item.locator("a", has_text="Inkoopbeleid Fysiotherapie 2026").count() >= 1  # citations
        page.screenshot(path=str(ARTIFACTS / "checker-desktop.png"), full_page=True)

        # the profile is in the fragment (never sent), and a bookmark restores it
        fragment = urlparse(page.url).fragment
        assert "profiel=" in fragment and "behandelindex" in fragment
        restored = context.new_page()
        restored.goto(page.url)
        wait_until(restored, "window.__iwChecker && window.__iwChecker.firstVerdictMs > 0")
        wait_until(restored, "document.querySelector('[data-contract=\"fysiotherapie\"]') && "
                                   "document.querySelector('[data-contract=\"fysiotherapie\"]').dataset.verdict === 'eligible'")
        assert restored.get_by_label("Behandelindex van de praktijk").input_value() == "95"

        # save and load a profile file
        with page.expect_download() as download:
            page.get_by_role("button", name="Profiel opslaan (JSON)").click()
        saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
        assert saved["facts"]["behandelindex"] == {"2024": 95} and saved["facts"]["alle_therapeuten_big"] is True
        page.get_by_role("button", name="Opnieuw beginnen").click()
        wait_until(page, "document.querySelector('[data-contract=\"fysiotherapie\"]').dataset.verdict === 'unknown'")
        profile = tmp_path / "profiel.json"
        profile.write_text(json.dumps({"version": 1, "facts": {**saved["facts"], "behandelindex": {"2024": 150}}}), encoding="utf-8")
        page.set_input_files("#iw-profile-file", str(profile))
        wait_until(page, "document.getElementById('iw-fact-behandelindex-2024').value === '150'")
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(ARTIFACTS / "checker-phone.png"), full_page=True)

        hosts = {urlparse(u).hostname for u in requests if u.startswith("http")}
        assert hosts == {"127.0.0.1"}, sorted(hosts)
        assert posts == []  # nothing is ever sent
        context.close()


SNAPSHOT_STORED = """caches.open("inkoopwijzer-pyodide-snapshot").then((c) => c.keys()).then((k) => k.length > 0)"""


def test_second_visit_restores_the_interpreter_snapshot_with_the_same_answers(site: Path):
    """The worker caches a snapshot of the booted interpreter; a restored one answers alike."""
    facts = {"alle_therapeuten_big": True, "alle_fysiotherapeuten_kwaliteitsregister": True, "behandelindex": {"2024": 95}}
    url_fragment = "#profiel=" + quote(json.dumps(facts, separators=(",", ":")))
    with serve(site) as base, browser() as b:
        context = b.new_context()
        seen = []
        for visit in ("boot", "snapshot"):
            page = context.new_page()
            page.goto(f"{base}/checker/{url_fragment}")
            wait_until(page, "window.__iwChecker && window.__iwChecker.firstVerdictMs > 0", timeout=120)
            wait_until(page, "document.querySelector('[data-contract=\"fysiotherapie\"]').dataset.verdict === 'eligible'")
            assert page.evaluate("window.__iwChecker.runtime") == visit
            if visit == "boot":
                wait_until(page, SNAPSHOT_STORED)
            seen.append(page.locator(".iw-results").inner_text())
            page.close()
        assert seen[0] == seen[1] and "Tariefgroep B" in seen[1]
        context.close()


def test_checker_is_usable_by_keyboard_alone(site: Path):
    with serve(site) as base, browser() as b:
        page = b.new_page()
        page.goto(f"{base}/checker/")
        wait_until(page, "window.__iwChecker && window.__iwChecker.firstVerdictMs > 0")
        page.focus("#iw-scope-care-type")
        target = "iw-fact-alle_therapeuten_big"
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == target:
                break
        else:
            pytest.fail("could not reach the BIG question with Tab")
        page.keyboard.press("ArrowDown")  # choose "Ja" in the focused select
        wait_until(page, f"document.getElementById('{target}').value !== ''")


def test_browser_pyodide_gives_the_same_answers_as_cpython(tmp_path_factory):
    """Parity in Chromium: the site's own worker vs CPython, on the real data's bundle."""
    from .test_engine import cpython_answers, parity_cases

    root = tmp_path_factory.mktemp("parity")
    out = root / "site"
    build_site(make_project(root, with_real_policies=True), out)
    bundle = json.loads((out / "checker" / "bundle.json").read_text(encoding="utf-8"))
    cases = parity_cases(bundle)
    expected = cpython_answers(bundle, cases)
    with serve(out) as base, browser() as b:
        page = b.new_page()
        page.goto(f"{base}/checker/")
        answers = page.evaluate("""async (cases) => {
            const worker = new Worker("../assets/javascripts/checker-worker.mjs", { type: "module" });
            const results = [];
            await new Promise((resolve, reject) => {
              let next = 0;
              worker.onmessage = (e) => {
                const msg = e.data;
                if (msg.type === "error") reject(new Error(msg.message));
                if (msg.type === "result") { results[msg.id] = JSON.parse(msg.answer); }
                if (msg.type === "ready" || msg.type === "result") {
                  if (next < cases.length) {
                    worker.postMessage({ type: "evaluate", id: next, request: cases[next] }); next += 1;
                  } else if (results.length === cases.length && !results.includes(undefined)) resolve();
                }
              };
              worker.postMessage({ type: "init", engineUrl: new URL("engine.zip", location.href).href,
                                   bundleUrl: new URL("bundle.json", location.href).href });
            });
            worker.terminate();
            return results;
        }""", cases)
    assert answers == expected


HOSTILE_FRAGMENTS = {
    "nan": ('{"behandelindex":NaN}', "NaN is not a number a fact can hold"),
    "huge": ('{"behandelindex":' + "9" * 5000 + "}", "number with 5000 digits is too large"),
    "deep": ('{"behandelindex":' + "[" * 20000 + "]" * 20000 + "}", "nested too deeply"),
}  # the other refusals are the same Python code (tests/test_profile_values.py); the file below adds one


def test_hostile_profiles_in_the_fragment_or_a_file_are_refused_readably(site: Path, tmp_path: Path):
    """The browser reads profiles with the engine's strict reader (engine/profile.py), like the
    CLI: a message, an empty form, a checker that keeps working; never NaN as an answer."""
    with serve(site) as base, browser() as b:
        context = b.new_context()
        for name, (text, message) in HOSTILE_FRAGMENTS.items():
            page = context.new_page()
            page.goto(f"{base}/checker/#profiel=" + quote(text))
            wait_until(page, "window.__iwChecker && window.__iwChecker.firstVerdictMs > 0", timeout=120)
            wait_until(page, "document.querySelector('.iw-checker-status').textContent.includes('kon niet')",
                       timeout=120)
            status = page.locator(".iw-checker-status").inner_text()
            assert message in status, (name, status)
            assert verdict(page, "fysiotherapie") == "unknown", name
            wait_until(page, SNAPSHOT_STORED)  # later pages restore it: faster
            page.close()
        page = context.new_page()
        page.goto(f"{base}/checker/")
        wait_until(page, "window.__iwChecker && window.__iwChecker.firstVerdictMs > 0", timeout=120)
        # a hostile file: the same reader; and the checker still answers afterwards
        profile = tmp_path / "profiel.json"
        profile.write_text('{"facts": {"behandelindex": 95, "behandelindex": 40}}', encoding="utf-8")
        page.set_input_files("#iw-profile-file", str(profile))
        wait_until(page, "document.querySelector('.iw-checker-status').textContent.includes('duplicate key')",
                   timeout=120)
        sound = tmp_path / "leeg.json"
        sound.write_text('{"version": 1, "facts": {}}', encoding="utf-8")  # a sound file is read again
        page.set_input_files("#iw-profile-file", str(sound))
        wait_until(page, "!document.querySelector('.iw-checker-status').textContent.includes('kon niet')")
        assert verdict(page, "fysiotherapie") in ("unknown", "not-eligible", "eligible")
