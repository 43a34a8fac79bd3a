"""Comparisons (generator/render/compare.py and compare_pages.py): true cells, conditions per
theme with their logic, the tier ladder, the years diff, overview vs comparison, the downloads.

Most tests run on a small tree (the fixture insurer Acme plus variants written here); the
VGZ behandelindex test reads VGZ's own 2024 source text and checks the real comparison
page against it.
"""
from __future__ import annotations

import copy
import dataclasses
import csv
import io
import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from generator.coverage import sources_dir
from generator.render import compare_pages
from generator.render.compare import (ABSENT, PARTIAL, insurer_comparisons, year_comparisons)
from generator.render.compare_pages import entry_html, ladder_html
from generator.validate import load_catalog

from .tree import FIXTURE_TREE, REPO, make_tree

ACME = yaml.safe_load((FIXTURE_TREE / "acme" / "fysiotherapie-2026.yaml").read_text(encoding="utf-8"))


def text_of(html: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def _dump(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _add_source(policies: Path, source_id: str, insurer: str) -> None:
    registry = policies / "registry" / "sources.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") + (
        f"- id: {source_id}\n  file: {source_id}.txt\n  title: {source_id} (testdocument)\n"
        f"  publisher: Test\n  insurer: {insurer}\n  kind: insurer\n"
        f"  url: https://{insurer}.example.org/{source_id}\n"), encoding="utf-8")


def _insurer(policies: Path, insurer: str, name: str) -> None:
    _dump(policies / insurer / "index.yaml", {"name": name, "short_name": name,
                                              "website": f"https://{insurer}.example.org/"})


def _load(policies: Path):
    catalog, problems = load_catalog(policies)
    assert catalog is not None, "\n".join(str(p) for p in problems if p.severity == "error")
    return catalog


def _one_year_back(value, key=None):
    if isinstance(value, dict):
        return {k: _one_year_back(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_one_year_back(v, key) for v in value]
    if hasattr(value, "year") and hasattr(value, "replace"):
        return value.replace(year=value.year - 1)
    if isinstance(value, int) and not isinstance(value, bool) and key in {
            "contract_years", "contract_year", "from_year", "to_year", "year", "start", "end"} and 2000 < value < 2100:
        return value - 1
    if isinstance(value, str) and re.fullmatch(r"20\d\d-\d\d", value):
        return f"{int(value[:4]) - 1}{value[4:]}"
    return value


# ----------------------------------------------------------------------------- the trees


@pytest.fixture(scope="module")
def two_insurers(tmp_path_factory):
    """Acme 2026 (full) and Beta 2026 (partial): Beta's text lacks Acme's minimum requirement
    and has an integrity requirement Acme lacks."""
    policies = make_tree(tmp_path_factory.mktemp("compare"))
    beta = copy.deepcopy(ACME)
    beta.update(completeness="partial", sources=["beta-fysiotherapie-2026"],
                completeness_note="Alleen de tariefgroepen zijn bekend.")
    beta["requirements"] = [{
        "id": "integriteit", "title": "Integriteitstoets", "applies_to": ["all"], "theme": "integrity",
        "criterion": {"kind": "not", "label": "Geen eerdere overeenkomst wegens fraude beëindigd.",
                      "of": {"kind": "is", "fact": "eerdere_overeenkomst_beeindigd_fraude"}},
        "cite": {"section": "2 Minimumeisen"}}]
    _dump(policies / "beta" / "fysiotherapie-2026.yaml", beta)
    _insurer(policies, "beta", "Beta")
    _add_source(policies, "beta-fysiotherapie-2026", "beta")
    return _load(policies)


def _years_tree(tmp_path_factory, *, partial_2025: bool):
    """Acme 2025 and 2026: Tariefgroep B's upper bound 120 -> 110, a requirement only in 2025
    (removed), one only in 2026 (added); optionally 2025 is partial."""
    policies = make_tree(tmp_path_factory.mktemp("years"))
    acme_2026 = copy.deepcopy(ACME)
    acme_2026["requirements"][0]["id"] = "big-registratie"  # renumbered: the same requirement
    acme_2026["requirements"].append({
        "id": "praktijkwebsite", "title": "Praktijkwebsite", "applies_to": ["all"], "theme": "practice",
        "criterion": {"kind": "is", "fact": "praktijkwebsite_compleet", "label": "De praktijk heeft een website."},
        "cite": {"section": "2 Minimumeisen"}})
    _dump(policies / "acme" / "fysiotherapie-2026.yaml", acme_2026)
    acme_2025 = _one_year_back(ACME)
    acme_2025.update(title="Inkoopbeleid Fysiotherapie 2025", sources=["acme-fysiotherapie-2025"])
    acme_2025["contracts"][0]["tiers"][1]["criterion"]["of"][0]["max"] = 120
    acme_2025["requirements"].append({
        "id": "integriteit", "title": "Integriteitstoets", "applies_to": ["all"], "theme": "integrity",
        "criterion": {"kind": "not", "label": "Geen eerdere overeenkomst wegens fraude beëindigd.",
                      "of": {"kind": "is", "fact": "eerdere_overeenkomst_beeindigd_fraude"}},
        "cite": {"section": "2 Minimumeisen"}})
    if partial_2025:
        acme_2025.update(completeness="partial", completeness_note="Alleen uit de wijzigingslijst van 2026.")
        del acme_2025["contracts"][1]["criterion"]  # Module Kwaliteit: conditions not known
    _dump(policies / "acme" / "fysiotherapie-2025.yaml", acme_2025)
    _add_source(policies, "acme-fysiotherapie-2025", "acme")
    return _load(policies)


@pytest.fixture(scope="module")
def years_full(tmp_path_factory):
    return _years_tree(tmp_path_factory, partial_2025=False)


@pytest.fixture(scope="module")
def years_partial(tmp_path_factory):
    return _years_tree(tmp_path_factory, partial_2025=True)


def _comparison(catalog, care_type: str, year: int):
    return next(c for c in insurer_comparisons(catalog) if (c.care_type, c.year) == (care_type, year))


# ----------------------------------------------------------------------------- cells are true


def test_a_partial_policy_is_never_said_to_be_silent(two_insurers):
    cmp = _comparison(two_insurers, "fysiotherapie", 2026)
    acme, beta = cmp.columns
    assert (acme.rec.insurer_id, beta.rec.insurer_id) == ("acme", "beta")
    # Acme (full) has no integrity rule: "niet in dit beleid"; Beta (partial) has no
    # registration rule in what is known of it: not known, never "not in this policy".
    assert "integrity" in beta.rules and "integrity" not in acme.rules
    assert "registration" in acme.rules and "registration" not in beta.rules
    page = compare_pages.comparison_page(two_insurers, cmp)

    def cell(row: str, insurer: str) -> str:
        tr = re.search(rf'<tr id="rij-{row}".*?</tr>', page, re.S).group(0)
        return text_of(re.search(rf'<td data-insurer="{insurer}".*?</td>', tr, re.S).group(0))

    assert cell("integrity", "acme") == ABSENT == "niet in dit beleid"
    assert cell("registration", "beta") == PARTIAL == "onbekend — beleid gedeeltelijk bekend"
    assert "Integriteitstoets" in cell("integrity", "beta")
    # a tariff group's tariff effect is a tariff: it shows in the tariffs row
    assert "tariefgroep Tariefgroep A : Hoogste tarief." in cell("tariffs", "acme")
    # a behandelindex band inside a tier is a behandelindex condition
    assert "Tariefgroep B" in cell("efficiency", "acme") and "40 tot en met 110" in cell("efficiency", "acme")
    rows = compare_pages.comparison_rows(two_insurers, cmp)
    by_label = {r[0]: r[1:] for r in rows[1:]}
    assert by_label["Integriteit, fraude en toetsing"][0] == ABSENT
    assert by_label["Registratie (BIG en kwaliteitsregisters)"][1] == PARTIAL


def test_no_partial_column_of_the_real_comparisons_says_not_in_this_policy(catalog):
    for cmp in insurer_comparisons(catalog):
        page = compare_pages.comparison_page(catalog, cmp)
        for col in cmp.columns:
            cells = re.findall(rf'<td data-insurer="{col.rec.insurer_id}"([^>]*)>(.*?)</td>', page, re.S)
            assert len(cells) == len(cmp.rows)
            empty = [body for attrs, body in cells if "iw-absent" in attrs or "iw-partial" in attrs]
            assert all(text_of(body) == (PARTIAL if col.partial else ABSENT) for body in empty), cmp.slug


VGZ_TIERS = ("Fysiotherapie Intensief", "Fysiotherapie Generiek", "Fysiotherapie Basis")


def _source_bands() -> dict[str, list[str]]:
    """Per VGZ tier (from the source's table in its annex, one column per tier), the
    behandelindex bands its situations name, as phrases a reader looks for."""
    path = sources_dir(REPO / "policies") / "vgz-paramedische-zorg-2024.txt"
    if not path.is_file():
        pytest.skip("VGZ's source text is not available (set INKOOPWIJZER_SOURCES)")
    text = path.read_text(encoding="utf-8")
    start = text.index(" ".join(VGZ_TIERS))
    table = re.sub(r"\s+", " ", text[start:text.index("Mogelijk wordt het KNGF-register", start)])
    columns = table.split("De zorgaanbieder komt in aanmerking voor deze overeenkomst")[1:]
    assert len(columns) == 3, "the source's tier table changed shape"
    bands = {}
    for tier, column in zip(VGZ_TIERS, columns):
        found = [f"{a} tot en met {b}" for a, b in re.findall(r"behandelindex van (\d+) tot en met (\d+)", column)]
        found += [f"tussen {a} en {b}" for a, b in re.findall(r"behandelindex tussen (\d+) en (\d+)", column)]
        found += [f"{a} of hoger" for a in re.findall(r"behandelindex van (\d+) of hoger", column)]
        found += [f"lager dan {a}" for a in re.findall(r"behandelindex lager dan (\d+)", column)]
        bands[tier] = sorted(set(found))
    return bands


def test_vgz_behandelindex_bands_inside_tiers_are_in_the_behandelindex_row(catalog):
    """Issue 14: the fysiotherapie 2024 comparison said VGZ had no behandelindex rule. VGZ's
    bands sit inside its tiers; each tier's bands, as the source states them, are in the row."""
    bands = _source_bands()
    assert bands[VGZ_TIERS[0]] == ["40 tot en met 149"]
    assert bands[VGZ_TIERS[1]] == ["40 tot en met 110", "40 tot en met 149"]
    assert bands[VGZ_TIERS[2]] == ["111 of hoger", "lager dan 40", "tussen 110 en 149"]

    cmp = _comparison(catalog, "fysiotherapie", 2024)
    assert cmp.is_comparison
    vgz = next(c for c in cmp.columns if c.rec.insurer_id == "vgz")
    assert vgz.rec.key == "vgz/paramedische-zorg-2024" and not vgz.partial
    page = compare_pages.comparison_page(catalog, cmp)
    row = re.search(r'<tr id="rij-efficiency".*?</tr>', page, re.S).group(0)
    cell = re.search(r'<td data-insurer="vgz".*?</td>', row, re.S).group(0)
    assert ABSENT not in cell and PARTIAL not in cell
    entries = {e.title: text_of(entry_html(e, "vergelijk/fysiotherapie-2024.md", {}))
               for e in vgz.rules["efficiency"]}
    for tier, phrases in bands.items():
        assert tier in entries, f"{tier} is missing from VGZ's behandelindex row: {list(entries)}"
        for phrase in phrases:
            assert phrase in entries[tier], f"{tier}: '{phrase}' (from the source) is not in the row"
    # the row is about the behandelindex: a situation's other conditions are named by their row
    assert 'en 1 voorwaarde onder <a href="#rij-collaboration">Samenwerking</a>' in cell


# ----------------------------------------------------------------------------- logic is kept


def test_conditions_render_as_nested_lists_with_their_connective(catalog):
    cmp = _comparison(catalog, "fysiotherapie", 2024)
    vgz = next(c for c in cmp.columns if c.rec.insurer_id == "vgz")
    intensief = next(e for e in vgz.rules["efficiency"] if e.title == "Fysiotherapie Intensief")
    html = entry_html(intensief, "vergelijk/fysiotherapie-2024.md", {})
    # "één van" the two situations, each of which needs "alle" of its conditions
    assert '<span class="iw-conn">één van:</span><ul class="iw-cond iw-cond--any">' in html
    inner = html[html.index("iw-cond--any"):]
    assert '<span class="iw-conn">alle:</span><ul class="iw-cond iw-cond--all">' not in inner or \
        inner.count("<ul") >= 2
    assert inner.count('<ul class="iw-cond') >= 2, "the situations are not nested lists"
    # the link is on the name of the tier, not on the paragraph of conditions
    links = re.findall(r"<a [^>]*>(.*?)</a>", html)
    assert text_of(links[0]) == "Fysiotherapie Intensief"
    assert all(len(text_of(a)) < 60 for a in links), links


def test_no_comparison_joins_conditions_into_one_string(catalog):
    for cmp in insurer_comparisons(catalog):
        page = compare_pages.comparison_page(catalog, cmp)
        body = text_of(page[page.index("<table"):])
        assert ".:" not in body, cmp.slug
        assert ":;" not in body and ".;" not in body, cmp.slug
        for a in re.findall(r"<a [^>]*>(.*?)</a>", page, re.S):
            assert "<li" not in a and "<ul" not in a, f"{cmp.slug}: a link around a list"
    for years in year_comparisons(catalog):
        body = text_of(compare_pages.years_page(catalog, years))
        assert ".:" not in body and ".;" not in body, years.slug


# ----------------------------------------------------------------------------- the tier ladder


def test_tier_ladder_lists_tiers_best_first_with_what_they_require(two_insurers):
    cmp = _comparison(two_insurers, "fysiotherapie", 2026)
    page = "vergelijk/fysiotherapie-2026.md"
    acme = next(lad for lad in cmp.ladders if lad.insurer_id == "acme")
    html = ladder_html(two_insurers, cmp, acme, page)
    text = text_of(html)
    # the contract first, then its module and addendum; its tiers best to worst
    names = [r.name for r in acme.rungs]
    assert names[0] == "Overeenkomst Fysiotherapie" and "Module Kwaliteit" in names
    assert [s.name for s in acme.rungs[0].tiers] == ["Tariefgroep A", "Tariefgroep B"]
    assert text.index("1 Tariefgroep A") < text.index("2 Tariefgroep B")
    assert "Looptijd: 2026–2027" in text and "Onderhandelbaar: nee" in text
    assert "Tarief Hoogste tarief." in text  # the source's tariff effect of Tariefgroep A
    assert "de bron noemt geen tarief voor deze tariefgroep" in text  # Tariefgroep B: none given
    assert "BIG-registratie en kwaliteitsregister" in text  # the minimum requirement, by name
    # Tariefgroep B's conditions keep their logic: one of a behandelindex band or few patients
    step_b = html[html.index("Tariefgroep B"):]
    assert '<span class="iw-conn">één van:</span>' in step_b
    # the checker, pre-set to this insurer, care type and year
    link = re.search(r'href="([^"]*#selectie=[^"]*)"', html).group(1)
    url = urlparse(unescape(link))
    assert url.path.endswith("checker/")
    scope = json.loads(parse_qs(url.fragment)["selectie"][0])
    assert scope == {"care_type": "fysiotherapie", "year": 2026, "insurers": ["acme"]}
    # a partial policy's tier without known tariff says so, never "no tariff"
    beta = next(lad for lad in cmp.ladders if lad.insurer_id == "beta")
    beta_text = text_of(ladder_html(two_insurers, cmp, beta, page))
    assert "gedeeltelijk bekend" in beta_text
    assert "de bron noemt geen tarief" not in beta_text


def test_vgz_ladder_fysiotherapie_2024(catalog):
    cmp = _comparison(catalog, "fysiotherapie", 2024)
    vgz = next(lad for lad in cmp.ladders if lad.insurer_id == "vgz")
    rung = vgz.rungs[0]
    assert rung.kind == "contract"
    assert [s.name for s in rung.tiers] == list(VGZ_TIERS)  # best first, as the source's table
    html = ladder_html(catalog, cmp, vgz, "vergelijk/fysiotherapie-2024.md")
    text = text_of(html)
    for tier in VGZ_TIERS:
        assert tier in text
    assert "Looptijd: 2023–doorlopend" in text
    assert "Kom ik in aanmerking bij VGZ?" in text
    # every insurer of the comparison has a ladder, in the column order
    assert [lad.insurer_id for lad in cmp.ladders] == [c.rec.insurer_id for c in cmp.columns]


# ----------------------------------------------------------------------------- across years


def _years_page(catalog):
    cmp = next(c for c in year_comparisons(catalog) if c.slug == "acme-paramedische-zorg")
    return cmp, compare_pages.years_page(catalog, cmp)


def _row(cmp, label: str):
    return next(r for r in cmp.rows if r.label == label)


def test_years_diff_shows_added_removed_and_changed_conditions(years_full):
    cmp, page = _years_page(years_full)
    assert [r.year_label for r in cmp.policies] == ["2025", "2026"]

    tier_b = _row(cmp, "Overeenkomst Fysiotherapie – Tariefgroep B")
    assert tier_b.status == "ja"
    # 2025 reads its figures one year earlier (both conditions change), and B's bound 120 -> 110
    changed = {m.old: m.new for m in tier_b.cells[1].marks if m.kind == "changed"}
    assert len(changed) == 2
    assert changed["Behandelindex van de praktijk over 2023: van 40 tot en met 120"] == \
        "Behandelindex van de praktijk over 2024: van 40 tot en met 110"
    added = _row(cmp, "Minimumeis: Praktijkwebsite")
    assert added.status == "ja" and [m.kind for m in added.cells[1].marks] == ["added"]
    assert added.cells[0].state == "absent"
    removed = _row(cmp, "Minimumeis: Integriteitstoets")
    assert removed.status == "ja" and [m.kind for m in removed.cells[1].marks] == ["removed"]
    assert _row(cmp, "Module Kwaliteit").status == "nee"
    # a requirement under a new id that tests the same facts: regrouped, neither removed nor new
    old_id = next(r for r in cmp.rows if r.key == "requirement:big-en-kwaliteitsregister")
    new_id = next(r for r in cmp.rows if r.key == "requirement:big-registratie")
    assert [m.kind for m in old_id.cells[1].marks] == ["regrouped"] == [m.kind for m in new_id.cells[1].marks]
    assert old_id.status == new_id.status == "onbekend"

    def tr(label: str) -> str:
        return next(t for t in re.findall(r"<tr id=.*?</tr>", page, re.S) if f">{label} <a" in t)

    html = tr("Overeenkomst Fysiotherapie – Tariefgroep B")
    assert 'data-changed="ja"' in html
    assert re.search(r"<del>[^<]*120[^<]*</del> → <ins>[^<]*110[^<]*</ins>", html), html
    assert 'iw-badge--changed">gewijzigd' in html
    assert 'data-changed="ja"' in tr("Minimumeis: Praktijkwebsite")
    assert 'iw-badge--added">nieuw<' in tr("Minimumeis: Praktijkwebsite")
    assert "niet in dit beleid" in tr("Minimumeis: Praktijkwebsite")  # 2025 is full: not there
    assert 'iw-badge--removed">vervallen<' in tr("Minimumeis: Integriteitstoets")
    assert 'data-changed="nee"' in tr("Module Kwaliteit")
    regrouped = [t for t in re.findall(r"<tr id=.*?</tr>", page, re.S)
                 if ">Minimumeis: BIG-registratie en kwaliteitsregister <a" in t]
    assert len(regrouped) == 2 and all("anders ingedeeld" in t for t in regrouped)
    assert "niet als apart onderdeel" in regrouped[0] and "vervallen" not in regrouped[0]
    assert "mogelijk" in page and 'data-filter="mogelijk"' in page
    # the toggle, for the script to hide unchanged rows
    assert '<input type="checkbox" data-filter="verschillen" value="ja"> Toon alleen verschillen' in page


def test_years_diff_never_reads_not_known_as_no_conditions(years_partial):
    cmp, page = _years_page(years_partial)
    module = _row(cmp, "Module Kwaliteit")
    old, new = module.cells
    assert old.version is not None and old.version.cond is None and not old.version.known
    assert old.version.empty == "voorwaarden onbekend — beleid gedeeltelijk bekend"
    assert "geen voorwaarden" not in old.version.empty and "geen aanvullende" not in old.version.empty
    # what 2026 adds to a policy known only in part may have been there: not "nieuw" for sure
    assert {m.kind for m in new.marks} <= {"maybe-added"} and new.marks
    assert module.status == "onbekend"
    added = _row(cmp, "Minimumeis: Praktijkwebsite")
    assert added.cells[0].state == "unknown" and [m.kind for m in added.cells[1].marks] == ["maybe-added"]
    html = next(t for t in re.findall(r"<tr id=.*?</tr>", page, re.S) if ">Minimumeis: Praktijkwebsite <a" in t)
    assert "onbekend — beleid gedeeltelijk bekend" in html and "niet in dit beleid" not in html
    assert "geen aanvullende voorwaarden" not in page
    assert '<input type="checkbox" data-filter="mogelijk" value="ja">' in page


# ----------------------------------------------------------------------------- overview or comparison


def test_one_insurer_is_an_overview_two_are_a_comparison(two_insurers, years_full, catalog):
    single = _comparison(years_full, "fysiotherapie", 2026)
    assert not single.is_comparison
    page = compare_pages.comparison_page(years_full, single)
    assert "# Fysiotherapie 2026: overzicht van Acme" in page and "vergeleken" not in page.splitlines()[4]
    assert 'data-filter="verzekeraar"' not in page
    double = _comparison(two_insurers, "fysiotherapie", 2026)
    assert double.is_comparison
    assert "# Fysiotherapie 2026: verzekeraars vergeleken" in compare_pages.comparison_page(two_insurers, double)

    index = compare_pages.compare_index(catalog, insurer_comparisons(catalog), year_comparisons(catalog))
    compared, overviews = index.split("## Overzichten")
    for cmp in insurer_comparisons(catalog):
        link = f"]({cmp.slug}.md)"
        line = next(ln for ln in index.splitlines() if link in ln)
        assert (line in compared) == cmp.is_comparison and (line in overviews) != cmp.is_comparison
        title = compare_pages.comparison_title(catalog, cmp)
        assert ("vergeleken" in title) == (len(cmp.columns) >= 2), title
    assert "[2024](fysiotherapie-2024.md) (CZ, Menzis, VGZ, Zilveren Kruis, Z&amp;Z)" in compared


# ----------------------------------------------------------------------------- downloads


def test_excel_csv_has_a_bom_semicolons_and_the_same_cells(catalog):
    cmp = _comparison(catalog, "fysiotherapie", 2024)
    plain = list(csv.reader(io.StringIO(compare_pages.comparison_csv(catalog, cmp))))
    data = compare_pages.comparison_excel(catalog, cmp)
    assert data.startswith(b"\xef\xbb\xbf") and not compare_pages.comparison_csv(catalog, cmp).startswith("\ufeff")
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    excel = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert excel == plain
    assert excel[0] == ["thema", "CZ", "Menzis", "VGZ", "Zilveren Kruis", "Z&Z"]
    efficiency = next(r for r in excel if r[0] == "Doelmatigheid en behandelindex")
    assert "één van" in efficiency[3] and "Fysiotherapie Intensief" in efficiency[3]
    assert efficiency[1] == PARTIAL  # CZ: partial
    # no cell starts a formula
    assert not any(c[:1] in ("=", "+", "-", "@") for row in excel for c in row)


def test_the_site_publishes_both_downloads_and_links_them(catalog):
    from generator.render.site import render_site

    files = render_site(catalog, "", "http://127.0.0.1:8000/")
    assert isinstance(files["vergelijk/fysiotherapie-2024-excel.csv"], bytes)
    assert files["vergelijk/fysiotherapie-2024-excel.csv"].startswith(b"\xef\xbb\xbf")
    page = files["vergelijk/fysiotherapie-2024.md"]
    assert 'href="../fysiotherapie-2024-excel.csv" download' in page
    assert 'href="../fysiotherapie-2024.csv" download' in page


# ----------------------------------------------------------------------------- citations


def test_bron_links_go_to_the_document_and_page_when_known(two_insurers):
    from generator import schema as s
    from generator.engine.evaluate import cite_link

    rec = two_insurers.policies["acme/fysiotherapie-2026"]
    source = two_insurers.sources["acme-fysiotherapie-2026"]
    assert two_insurers.cite_url(rec, s.Cite(section="1")) == source.url  # no document address: the page
    doc = {"url": "https://x.example.org/beleid", "document_url": "https://x.example.org/beleid.pdf"}
    assert cite_link({"section": "1", "page": 12}, doc) == "https://x.example.org/beleid.pdf#page=12"
    assert cite_link({"section": "1"}, doc) == "https://x.example.org/beleid.pdf"
    assert cite_link({"section": "1", "url": "https://x.example.org/sectie", "page": 3}, doc) == \
        "https://x.example.org/sectie"
    assert cite_link({"section": "1", "page": 3}, {"url": "https://x.example.org/beleid"}) == \
        "https://x.example.org/beleid"
    with_doc = source.model_copy(update={"document_url": "https://acme.example.org/beleid.pdf"})
    sources = dict(two_insurers.sources, **{"acme-fysiotherapie-2026": with_doc})
    cat = dataclasses.replace(two_insurers, registries=dict(two_insurers.registries, sources=sources))
    assert cat.cite_url(rec, s.Cite(section="3", page=7)) == "https://acme.example.org/beleid.pdf#page=7"


def test_contract_year_conditions_are_decided_for_the_compared_year(catalog):
    """CZ's 2025 requirements hold 'in another contract year' or when met: compared for 2025,
    only the 2025 condition is shown."""
    cmp = _comparison(catalog, "oefentherapie", 2025)
    cz = next(c for c in cmp.columns if c.rec.insurer_id == "cz")
    entries = [e for row in cz.rules.values() for e in row if e.anchor == "oefen-jaarplan-vvocm"]
    assert entries
    html = entry_html(entries[0], "vergelijk/oefentherapie-2025.md", {})
    assert "ander contractjaar" not in html and "iw-cond--not" not in html
    assert "1 september 2024" in text_of(html)
