"""Field x payload matrix: every text field of every data kind gets hostile text.

Policy, insurer and registry files (sources, care types, themes, regions, registers,
glossary, facts) of a throw-away project get a payload in every text field
(``tests/payloads.py`` finds them from the schema). The site is built once per payload
family, and every output is checked in the form a reader would take it:

* HTML pages (and the search index, which the theme inserts as HTML): the marker a payload
  carries appears only as text, never as a tag, an attribute, a URL or script;
* every page's Content-Security-Policy allows only hashes of the theme's own scripts
  (those of a build without payloads);
* calendar feeds keep the structure of a build without payloads (no injected line,
  property or event) and parse;
* CSV cells never start a formula; JSON never holds NaN or Infinity;
* in Chromium (``test_no_script_runs_in_the_browser``), no script runs, no CSP violation
  is reported and no other host is contacted, on one page of every type.

Control characters and line breaks in one-line text are refused by validation instead,
each with its own located message (``test_control_characters_are_located_errors``).
"""
from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.build import build_site
from generator.render import portal as portal_module
from generator.validate import load_catalog

from .conftest import search_fragments
from .payloads import CONTROL_PAYLOADS, MARK, ONE_LINE_ONLY, all_text_fields, family_maker, poison_tree
from .tree import make_project

BUILT = ["plain", "html", "markdown", "formula", "quotes", "long", "multiline"]
ATTRS_FOR_TEXT = {"title", "aria-label", "alt", "value", "content", "placeholder"}
MARKER = re.compile(MARK + r"\d+")


MATRIX_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "matrix"


def _project(root: Path) -> tuple[Path, Path]:
    config = make_project(root)
    policies = root / "policies"
    # a second policy of the same family (the comparison across years gets built too), with
    # whatever the fixture tree lacks so that every text field of the schema is present
    shutil.copytree(MATRIX_FIXTURE, policies, dirs_exist_ok=True)
    return config, policies


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """family -> (site folder, placed payloads); each family is built once, on demand."""
    cache: dict[str, tuple[Path, list]] = {}

    def get(family: str):
        if family not in cache:
            root = tmp_path_factory.mktemp(f"matrix-{family}")
            config, policies = _project(root)
            placed, touched = ([], set()) if family == "plain" else poison_tree(policies, family_maker(family))
            if family != "plain":
                missing = all_text_fields() - touched
                assert not missing, (f"the matrix fixture has no data for these text fields: {sorted(missing)}; "
                                     "add them to tests/fixtures/matrix/")
            out = root / "site"
            with pytest.MonkeyPatch.context() as mp:  # the coverage matrix in parts too: names in pagers
                mp.setattr(portal_module, "COVERAGE_PART_INSURERS", 1)
                build_site(config, out)
            assert (out / "over" / "dekking" / "2" / "index.html").is_file()
            cache[family] = (out, placed)
        return cache[family]

    return get


# ----------------------------------------------------------------------------- HTML


class _Active(HTMLParser):
    """Every place a marker appears other than as text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_script = False
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        if MARK in tag:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            value = value or ""
            if name == "id":
                self.ids.append(value)
            if MARK in name:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value[:40]!r} on <{tag}>")
            if name in ("href", "src", "action", "formaction") and re.match(
                    r"\s*(javascript|vbscript|data)\s*:", value, re.I) and not value.startswith("data:image/svg"):
                self.problems.append(f"{name}={value[:40]!r} on <{tag}>")
            if name == "src" and re.match(r"\s*(https?:)?//", value):
                self.problems.append(f"foreign src={value[:60]!r} on <{tag}>")
            slug = (name == "id" and re.fullmatch(r"[\w-]+", value)) or (
                name == "href" and re.fullmatch(r"#[\w-]+", value))  # a heading's anchor, from its text
            if MARK in value and name not in ATTRS_FOR_TEXT and not name.startswith("data-") and not slug:
                self.problems.append(f"marker in {name}={value[:60]!r} on <{tag}>")
        if tag in ("script", "style"):
            self.in_script = tag

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == self.in_script:
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and MARK in data:
            self.problems.append(f"marker inside <{self.in_script}>: {data[:60]!r}")


def active(html: str) -> _Active:
    parser = _Active()
    parser.feed(html)
    parser.close()
    return parser


def inline_script_hashes(html: str) -> set[str]:
    out = set()
    for attrs, body in re.findall(r"<script(\s[^>]*)?>(.*?)</script>", html, re.S):
        if "src=" in (attrs or "") or "application/json" in (attrs or "") or not body.strip():
            continue
        out.add("'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'")
    return out


def csp_hashes(html: str) -> set[str]:
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1)
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    return set(re.findall(r"'sha256-[^']+'", script_src))


@pytest.mark.parametrize("family", [f for f in BUILT if f != "plain"])
def test_no_output_holds_a_payload_in_active_form(builds, family):
    site, placed = builds(family)
    theme_hashes = set()
    for page in builds("plain")[0].rglob("*.html"):
        theme_hashes |= inline_script_hashes(page.read_text(encoding="utf-8"))
    problems = []
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 25
    for page in pages:
        html = page.read_text(encoding="utf-8")
        found = active(html)
        problems += [f"{page.relative_to(site)}: {p}" for p in found.problems]
        dup = {i for i in found.ids if found.ids.count(i) > 1}
        if dup:
            problems.append(f"{page.relative_to(site)}: duplicate ids {sorted(dup)[:3]}")
        hashes = csp_hashes(html)
        if not hashes <= theme_hashes or inline_script_hashes(html) - theme_hashes:
            problems.append(f"{page.relative_to(site)}: the CSP allows a script that is not the theme's")
    for doc in search_fragments(site):
        # The search index holds each page's text as text. The search page shows titles as text
        # and excerpts as HTML after Pagefind escapes < and > (pagefind.js: raw_content), which is
        # what is checked here; the browser test below types the payloads' marker into it.
        shown = doc["content"].replace("<", "&lt;").replace(">", "&gt;")
        problems += [f"search index {doc['url']} excerpt: {p}" for p in active(shown).problems]
    assert not problems, "\n".join(problems[:40])
    # the payloads did reach the site (as text): the matrix tests something
    text = (site / "beleid" / "acme" / "fysiotherapie-2026" / "index.html").read_text(encoding="utf-8")
    assert len(set(MARKER.findall(text))) > 20


def _unfold(raw: bytes) -> list[str]:
    text = raw.decode("utf-8")
    assert "\r" not in text.replace("\r\n", ""), "a bare CR in a calendar file"
    assert "\n" not in text.replace("\r\n", ""), "a bare LF in a calendar file"
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")[:-1]


def _structure(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        match = re.match(r"^([A-Z0-9-]+)(;[^:]*)?:", line)
        assert match, f"not a content line: {line[:80]!r}"
        name = match.group(1)
        out.append(line if name in ("BEGIN", "END") else name)
    return out


@pytest.mark.parametrize("family", [f for f in BUILT if f != "plain"])
def test_calendars_csv_and_json_keep_their_structure(builds, family):
    from icalendar import Calendar

    site, _ = builds(family)
    plain, _ = builds("plain")
    feeds = sorted(p.relative_to(site) for p in site.rglob("*.ics"))
    assert feeds == sorted(p.relative_to(plain) for p in plain.rglob("*.ics"))
    for rel in feeds:
        raw = (site / rel).read_bytes()
        assert re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", raw) is None, rel
        assert _structure(_unfold(raw)) == _structure(_unfold((plain / rel).read_bytes())), rel
        Calendar.from_ical(raw)
    for table in site.rglob("*.csv"):
        for row in csv.reader(io.StringIO(table.read_text(encoding="utf-8"))):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")), \
                    f"{table.name}: formula cell {cell[:40]!r}"

    def no_constants(name):
        raise AssertionError(f"{name} in JSON")

    for data in site.rglob("*.json"):
        json.loads(data.read_text(encoding="utf-8"), parse_constant=no_constants)


def test_quotes_and_ampersands_are_escaped_exactly_once(builds):
    """What the data says is what a reader sees: in the body, the TOC and the <title>."""
    site, placed = builds("quotes")
    title = next(p for p in placed if p.file == "acme/fysiotherapie-2026.yaml" and p.path == "title")
    page = (site / "beleid" / "acme" / "fysiotherapie-2026" / "index.html").read_text(encoding="utf-8")

    class Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.stack: list[str] = []
            self.title = ""
            self.texts: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.stack.append(tag)

        def handle_endtag(self, tag):
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass

        def handle_data(self, data):
            if self.stack and self.stack[-1] == "title":
                self.title += data
            self.texts.append(data)

    parsed = Text()
    parsed.feed(page)
    short = next(p for p in placed if p.file == "acme/index.yaml" and p.path == "short_name")
    assert parsed.title.strip() == f"{short.value}: {title.value} - Inkoopwijzer"  # the insurer's name first
    text = "".join(parsed.texts)
    assert text.count(title.value) >= 2  # the heading and the table of contents
    req = next(p for p in placed if p.file == "acme/fysiotherapie-2026.yaml" and p.path == "requirements[0].title")
    # the heading, its table-of-contents entry and the contract's list of requirements
    assert " ".join(text.split()).count(req.value) >= 3, req.value


def test_long_text_builds(builds):
    site, placed = builds("long")
    longest = max(placed, key=lambda p: len(p.value))
    assert len(longest.value) == 4000
    assert (site / "index.html").is_file()


def test_multi_line_text_builds_and_stays_one_line_in_calendars(builds):
    site, placed = builds("multiline")
    assert any("\n" in p.value for p in placed)
    feed = (site / "agenda" / "alle.ics").read_bytes()
    assert b"regel een" in feed or b"kort" in feed


def test_control_characters_are_located_errors(tmp_path):
    """Control characters anywhere, line breaks in one-line text: one located error each."""
    _, policies = _project(tmp_path)
    counter = iter(range(10**9))

    def make(kind, file, path, model, field):
        n = next(counter)
        options = CONTROL_PAYLOADS + (ONE_LINE_ONLY if kind == "one" else [])
        marker = f"{MARK}{n}"
        return options[n % len(options)].replace("{m}", marker), marker

    placed, _ = poison_tree(policies, make)
    _, problems = load_catalog(policies, "policies")
    errors = {(p.file, p.path): p.message for p in problems if p.severity == "error"}
    missing = []
    for p in placed:
        message = errors.get((f"policies/{p.file}", p.path))
        if message is None or not re.search(r"control character|line break", message):
            missing.append(f"{p.file}: {p.path}: {p.value!r} -> {message!r}")
    assert not missing, "\n".join(missing[:30])
    assert len(placed) > 200


# ----------------------------------------------------------------------------- Chromium

PAGES = ["", "beleid/", "beleid/acme/fysiotherapie-2026/", "verzekeraars/", "verzekeraars/acme/",
         "vergelijk/", "vergelijk/fysiotherapie-2026/", "vergelijk/jaren/acme-paramedische-zorg/",
         "begrippen/", "begrippen/behandelindex/", "agenda/", "checker/", "zoeken/", "bestaat-niet/"]
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
  e.violatedDirective + " " + (e.blockedURI || "") + " " + (e.sample || "")));
"""


@pytest.mark.browser
@pytest.mark.parametrize("family", ["html", "markdown"])
def test_no_script_runs_in_the_browser(builds, family):
    from .browser import browser, serve, wait_until

    site, _ = builds(family)
    with serve(site) as base, browser() as b:
        context = b.new_context()
        context.add_init_script(WATCH)
        page = context.new_page()
        dialogs: list[str] = []
        foreign: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: None if r.url.startswith(base) or r.url.startswith(("data:", "blob:"))
                else foreign.append(r.url))
        for path in PAGES:
            if path == "checker/" and family != "html":
                continue  # the checker renders with textContent only; one family boots Pyodide
            page.goto(f"{base}/{path}")
            page.wait_for_load_state("load")
            if path == "checker/":
                wait_until(page, "window.__iwChecker && window.__iwChecker.firstEngineVerdictMs > 0")
                for details in page.locator("details").all()[:6]:
                    details.evaluate("d => d.open = true")
            if path == "zoeken/":  # search results (titles, excerpts) are rendered as HTML
                page.fill(".pagefind-ui__search-input", MARK)
                wait_until(page, "document.querySelectorAll('.pagefind-ui__result').length > 0", timeout=30)
                page.wait_for_timeout(500)
                injected = page.evaluate("document.querySelectorAll('.pagefind-ui__results :is(script, iframe, object, "
                                         "embed, form, [onerror], [onload], [onclick], a[href^=\"javascript\"])').length")
                assert injected == 0, f"{injected} active element(s) in the search results"
            violations = page.evaluate("window.__violations")
            assert not violations, f"/{path}: {violations}"
        assert not dialogs, dialogs
        assert not foreign, foreign
