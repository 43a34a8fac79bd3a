"""The guided checker in headless Chromium, on the real data: Pyodide in a worker, one
question at a time chosen by the engine, "weet ik niet" as an answer, the running summary,
the action plan with its deadlines, the personal calendar, print, the URL fragment, profile
files, keyboard use, and not a single request to another host."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
import yaml

from generator.build import build_site

from .browser import ARTIFACTS, browser, serve, wait_until
from .test_checker_scopes import site_bundle
from .tree import make_project

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parent.parent
READY = "window.__iwChecker && window.__iwChecker.firstEngineVerdictMs > 0"
IDLE = "window.__iwChecker && window.__iwChecker.idle"
VGZ_2024 = {"care_type": "fysiotherapie", "year": 2024, "insurers": ["vgz"]}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("checker")
    out = root / "site"
    build_site(make_project(root, with_real_policies=True), out)
    return out


def realistic_vgz_practice() -> dict:
    """A practice written from the VGZ source (the boundary table's base profile)."""
    docs = [d for d in yaml.safe_load_all((REPO / "tests/boundaries/vgz/paramedische-zorg-2024.yaml").read_text())
            if d]
    return json.loads(json.dumps(docs[0]["base"], default=str))


def truth_value(truth: dict, key: str):
    fact, _, year = key.partition("@")
    value = truth.get(fact)
    if year:
        return value.get(year) if isinstance(value, dict) else None
    return value


def answer_current(page, truth: dict, bundle_facts: dict) -> str:
    """Answer the question on the card from ``truth`` (or 'weet ik niet'); return its key."""
    key = page.evaluate("window.__iwChecker.current")
    requests = page.evaluate("window.__iwChecker.requests")
    card = page.locator(".iw-question")
    value = truth_value(truth, key)
    fact = bundle_facts[key.partition("@")[0]]
    if value is None:
        card.get_by_role("button", name="Weet ik niet").click()
    elif value == "absent":
        card.get_by_role("button", name=fact["absent"] or "Nooit gehad").click()
    elif fact["type"] == "boolean":
        card.get_by_role("button", name="Ja" if value else "Nee", exact=True).click()
    elif fact["type"] == "enum":
        label = next(o["label"] for o in fact["options"] if o["value"] == value)
        card.get_by_role("button", name=label, exact=True).click()
    elif fact["type"] == "held":
        card.locator("input[type=date]").first.fill(value["since"])
        card.get_by_role("button", name="Volgende").click()
    else:
        card.locator("input").first.fill(str(value))
        card.get_by_role("button", name="Volgende").click()
    wait_until(page, f"window.__iwChecker.requests > {requests} && window.__iwChecker.idle", timeout=60)
    return key


def contract_state(page, insurer: str, contract: str) -> dict:
    return page.evaluate(f"""() => {{
      const li = document.querySelector('.iw-results [data-insurer="{insurer}"] li[data-contract="{contract}"]');
      return li ? {{ verdict: li.dataset.verdict, tier: li.dataset.tier }} : null; }}""")


def open_checker(b, base: str, scope: dict, profile: dict | None = None, width: int = 1280, **context_args):
    context = b.new_context(viewport={"width": width, "height": 844 if width < 500 else 900}, **context_args)
    page = context.new_page()
    fragment = "#selectie=" + quote(json.dumps(scope)) + ("&profiel=" + quote(json.dumps(profile)) if profile else "")
    page.goto(f"{base}/checker/{fragment}")
    wait_until(page, READY, timeout=120)
    wait_until(page, IDLE)
    return context, page


def test_a_realistic_vgz_practice_reaches_a_verdict_within_15_answers(site: Path):
    truth = realistic_vgz_practice()
    facts = json.loads((site / "checker" / "bundle.json").read_text(encoding="utf-8"))["facts"]
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(site) as base, browser() as b:
        context, page = open_checker(b, base, VGZ_2024)
        asked = []
        while len(asked) < 15:
            state = contract_state(page, "vgz", "fysiotherapie")
            if state and state["verdict"] != "unknown" and (state["tier"] or state["verdict"] == "not-eligible"):
                break
            asked.append(answer_current(page, truth, facts))
        state = contract_state(page, "vgz", "fysiotherapie")
        assert state == {"verdict": "eligible", "tier": "generiek"}, (asked, state)
        assert len(asked) <= 15, asked
        # the first questions are the minimum requirements, not details
        assert asked[0] == "integriteitstoets_zonder_bezwaar"
        page.screenshot(path=str(ARTIFACTS / "checker-desktop.png"), full_page=True)
        context.close()


def test_weet_ik_niet_never_stalls_and_keeps_the_verdict_honest(site: Path):
    with serve(site) as base, browser() as b:
        context, page = open_checker(b, base, VGZ_2024)
        for _ in range(80):
            if page.locator(".iw-question h2", has_text="Geen vragen meer").count():
                break
            requests = page.evaluate("window.__iwChecker.requests")
            page.locator(".iw-question").get_by_role("button", name="Weet ik niet").click()
            wait_until(page, f"window.__iwChecker.requests > {requests} && window.__iwChecker.idle", timeout=60)
        else:
            pytest.fail("the checker kept asking")
        assert contract_state(page, "vgz", "fysiotherapie")["verdict"] == "unknown"
        # a skipped question can be answered after all
        page.locator(".iw-answered summary").click()
        page.locator(".iw-answer-list li", has_text="weet ik niet").first.get_by_role("button", name="wijzig").click()
        assert page.locator(".iw-question .iw-question-label").count() == 1
        context.close()


def test_the_action_plan_lists_the_deadlines_of_the_contract_and_its_year(site: Path, tmp_path: Path):
    truth = realistic_vgz_practice()
    policy = next(p for p in site_bundle(site)["policies"] if p["id"] == "vgz/paramedische-zorg-2024")
    expected = {d["id"] for d in policy["deadlines"]
                if d["contract_year"] == 2024 and (not d.get("applies_to") or "fysiotherapie" in d["applies_to"])}
    with serve(site) as base, browser() as b:
        context, page = open_checker(b, base, VGZ_2024, {"facts": truth}, accept_downloads=True)
        wait_until(page, "document.querySelector('.iw-plan-item[data-contract=\"fysiotherapie\"]')")
        item = page.locator('.iw-plan-item[data-contract="fysiotherapie"]')
        shown = set(item.locator("li.iw-deadline").evaluate_all("els => els.map(e => e.dataset.deadline)"))
        assert shown == expected
        # deadlines in the past (the 2024 planning, seen from today) are marked, upcoming ones come first
        dates = item.locator("li.iw-deadline").evaluate_all(
            "els => els.map(e => [e.dataset.date, e.classList.contains('iw-past')])")
        past_seen = False
        for _date, past in dates:
            past_seen = past_seen or past
            assert past or not past_seen, "an upcoming deadline after a past one"

        # subscribing: each link is the insurer's public feed for this care type, and it exists
        feeds = page.locator(".iw-subscribe li").evaluate_all("els => els.map(e => e.dataset.feed)")
        assert feeds, "no subscribe links"
        for feed in feeds:
            assert (site / urlparse(feed).path.lstrip("/")).is_file(), feed
        assert page.locator(".iw-subscribe a[href^='webcal://']").count() == len(feeds)

        # the personal calendar: the same events as the public feed (UIDs, moments, wording)
        with page.expect_download() as download:
            page.get_by_role("button", name="Agenda-bestand downloaden (.ics)").click()
        personal = Path(download.value.path()).read_bytes()
        context.close()
    from icalendar import Calendar

    mine = {str(e["UID"]): e for e in Calendar.from_ical(personal).walk("VEVENT")}
    public = {str(e["UID"]): e for e in Calendar.from_ical((site / "agenda" / "alle.ics").read_bytes()).walk("VEVENT")}
    assert mine and set(mine) <= set(public)
    assert {uid.split("/")[2].split("@")[0] for uid in mine} == {d for d in expected
                                                                 if policy_deadline_kind(policy, d) != "relative"}
    for uid, ev in mine.items():
        for prop in ("SUMMARY", "DESCRIPTION", "DTSTART", "SEQUENCE"):
            assert ev[prop].to_ical() == public[uid][prop].to_ical(), (uid, prop)
    node = shutil.which("node")
    (tmp_path / "mijn.ics").write_bytes(personal)
    proc = subprocess.run([node, str(REPO / "tests/js/parse_ics.mjs"), str(tmp_path / "mijn.ics")],
                          capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert {e["uid"] for e in json.loads(proc.stdout)[str(tmp_path / "mijn.ics")]["events"]} == set(mine)


def policy_deadline_kind(policy: dict, deadline_id: str) -> str:
    return next(d["when"]["kind"] for d in policy["deadlines"] if d["id"] == deadline_id)


def test_printed_result_holds_every_verdict_and_the_plan(site: Path, tmp_path: Path):
    from pypdf import PdfReader

    truth = realistic_vgz_practice()
    with serve(site) as base, browser() as b:
        context, page = open_checker(b, base, VGZ_2024, {"facts": truth})
        wait_until(page, "document.querySelector('.iw-plan-item')")
        names = page.locator(".iw-results li.iw-contract strong").all_inner_texts()
        plan = page.locator(".iw-plan-item h3").all_inner_texts()
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4")
        context.close()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    for name in names + plan:
        assert " ".join(name.split()) in flat, name
    assert "Waarom" not in flat or "Alle fysiotherapeuten" in flat  # the reasons are printed open
    assert "Profiel opslaan" not in flat and "Nog ongeveer" not in flat  # the question card and tools are not printed


def test_on_a_phone_the_question_and_the_summary_are_on_screen_together(site: Path):
    with serve(site) as base, browser() as b:
        context, page = open_checker(b, base, VGZ_2024, width=390)
        question = page.locator(".iw-question").bounding_box()
        summary = page.locator(".iw-summary").bounding_box()
        assert question and summary
        page.locator(".iw-question").scroll_into_view_if_needed()
        viewport = page.viewport_size
        q = page.locator(".iw-question .iw-question-label").bounding_box()
        s = page.locator(".iw-summary").bounding_box()
        assert 0 <= q["y"] and q["y"] + q["height"] <= viewport["height"], q
        assert 0 <= s["y"] < viewport["height"], s
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(ARTIFACTS / "checker-phone.png"))
        context.close()


def test_the_fragment_restores_and_nothing_leaves_the_browser(site: Path, tmp_path: Path):
    with serve(site) as base, browser() as b:
        context, page = open_checker(b, base, VGZ_2024, accept_downloads=True)
        requests: list[str] = []
        posts: list[str] = []
        page.on("request", lambda r: (requests.append(r.url), r.method != "GET" and posts.append(r.url)))
        card = page.locator(".iw-question")
        card.get_by_role("button", name="Ja", exact=True).click()
        wait_until(page, "window.__iwChecker.answered === 1 && window.__iwChecker.idle")
        fragment = urlparse(page.url).fragment
        assert "profiel=" in fragment and "integriteitstoets_zonder_bezwaar" in fragment
        restored = context.new_page()
        restored.goto(page.url)
        wait_until(restored, READY, timeout=120)
        wait_until(restored, "window.__iwChecker.answered === 1")

        # save and load a profile file
        with page.expect_download() as download:
            page.get_by_role("button", name="Profiel opslaan (JSON)").click()
        saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
        assert saved["facts"] == {"integriteitstoets_zonder_bezwaar": True}
        page.get_by_role("button", name="Opnieuw beginnen").click()
        wait_until(page, "window.__iwChecker.answered === 0 && window.__iwChecker.idle")
        profile = tmp_path / "profiel.json"
        profile.write_text(json.dumps({"version": 3, "facts": {**saved["facts"],
                                                                "behandelindex_ondergrens": {"2022": 95}}}),
                           encoding="utf-8")
        page.set_input_files("#iw-profile-file", str(profile))
        wait_until(page, "window.__iwChecker.answered === 2 && window.__iwChecker.idle")

        hosts = {urlparse(u).hostname for u in requests if u.startswith("http")}
        assert hosts <= {"127.0.0.1"}, sorted(hosts)
        assert posts == []  # nothing is ever sent
        context.close()


SNAPSHOT_STORED = """caches.open("inkoopwijzer-pyodide-snapshot").then((c) => c.keys()).then((k) => k.length > 0)"""


def test_second_visit_restores_the_interpreter_snapshot_with_the_same_answers(site: Path):
    """The worker caches a snapshot of the booted interpreter; a restored one answers alike."""
    truth = realistic_vgz_practice()
    url = "#selectie=" + quote(json.dumps(VGZ_2024)) + "&profiel=" + quote(json.dumps({"facts": truth}))
    with serve(site) as base, browser() as b:
        context = b.new_context()
        seen = []
        for visit in ("boot", "snapshot"):
            page = context.new_page()
            page.goto(f"{base}/checker/{url}")
            wait_until(page, READY, timeout=120)
            wait_until(page, "document.querySelector('.iw-results [data-contract=\"fysiotherapie\"]')")
            assert page.evaluate("window.__iwChecker.runtime") == visit
            if visit == "boot":
                wait_until(page, SNAPSHOT_STORED)
            seen.append(page.locator(".iw-results").inner_text())
            page.close()
        assert seen[0] == seen[1] and "Generiek" in seen[1]
        context.close()


def test_checker_is_usable_by_keyboard_alone(site: Path):
    with serve(site) as base, browser() as b:
        context, page = open_checker(b, base, VGZ_2024)
        page.focus("#iw-scope-care-type")
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.closest('.iw-question') && "
                             "document.activeElement.textContent === 'Ja'"):
                break
        else:
            pytest.fail("could not reach the question's 'Ja' with Tab")
        requests = page.evaluate("window.__iwChecker.requests")
        page.keyboard.press("Enter")
        wait_until(page, f"window.__iwChecker.requests > {requests} && window.__iwChecker.answered === 1")
        context.close()


def test_browser_pyodide_gives_the_same_answers_as_cpython(site: Path):
    """Parity in Chromium: the site's own worker (loading the scopes each case needs) vs
    CPython, on the site's bundle."""
    from .test_engine import cpython_answers, parity_cases

    bundle = site_bundle(site)
    cases = parity_cases(bundle)[:60]
    expected = cpython_answers(bundle, cases)
    with serve(site) as base, browser() as b:
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
                if (msg.type === "result") { const out = JSON.parse(msg.result); results[msg.id] = out.error ? out : out.answer; }
                if (msg.type === "ready" || msg.type === "result") {
                  if (next < cases.length) {
                    worker.postMessage({ type: "respond", id: next, request: cases[next] }); next += 1;
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
    "nan": ('{"facts":{"aantal_unieke_patienten":{"2022":NaN}}}', "NaN is not a number a fact can hold"),
    "huge": ('{"facts":{"aantal_unieke_patienten":{"2022":' + "9" * 5000 + "}}}", "number with 5000 digits is too large"),
    "deep": ('{"facts":' + "[" * 20000 + "]" * 20000 + "}", "nested too deeply"),
}  # the other refusals are the same Python code (tests/test_profile_values.py); the file below adds one


def test_hostile_profiles_in_the_fragment_or_a_file_are_refused_readably(site: Path, tmp_path: Path):
    """The browser reads profiles with the engine's strict reader (engine/profile.py), like the
    CLI: a message, an empty profile, a checker that keeps working; never NaN as an answer."""
    with serve(site) as base, browser() as b:
        context = b.new_context()
        for name, (text, message) in HOSTILE_FRAGMENTS.items():
            page = context.new_page()
            page.goto(f"{base}/checker/#selectie=" + quote(json.dumps(VGZ_2024)) + "&profiel=" + quote(text))
            wait_until(page, READY, timeout=120)
            wait_until(page, "document.querySelector('.iw-checker-status').textContent.includes('kon niet')",
                       timeout=120)
            status = page.locator(".iw-checker-status").inner_text()
            assert message in status, (name, status)
            assert contract_state(page, "vgz", "fysiotherapie")["verdict"] == "unknown", name
            wait_until(page, SNAPSHOT_STORED)  # later pages restore it: faster
            page.close()
        page = context.new_page()
        page.goto(f"{base}/checker/#selectie=" + quote(json.dumps(VGZ_2024)))
        wait_until(page, READY, timeout=120)
        profile = tmp_path / "profiel.json"
        profile.write_text('{"facts": {"integriteitstoets_zonder_bezwaar": true, '
                           '"integriteitstoets_zonder_bezwaar": false}}', encoding="utf-8")
        page.set_input_files("#iw-profile-file", str(profile))
        wait_until(page, "document.querySelector('.iw-checker-status').textContent.includes('duplicate key')",
                   timeout=120)
        sound = tmp_path / "leeg.json"
        sound.write_text('{"version": 1, "facts": {}}', encoding="utf-8")  # a sound file is read again
        page.set_input_files("#iw-profile-file", str(sound))
        wait_until(page, "!document.querySelector('.iw-checker-status').textContent.includes('kon niet')")
        assert contract_state(page, "vgz", "fysiotherapie")["verdict"] in ("unknown", "not-eligible", "eligible")
        context.close()
