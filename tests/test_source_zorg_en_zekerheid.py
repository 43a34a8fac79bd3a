"""Ties the Zorg en Zekerheid paramedische zorg policies (2026, and 2025 as far as the 2026
document describes it) to the source text."""
from __future__ import annotations

import re
from datetime import date

from tests.sourcetext import deadline_dates, dutch_dates, normalise, policy_fixture, section, text_fixture
from generator.model import iter_criteria

SOURCE = "zorg-en-zekerheid-paramedische-zorg-2026.txt"
KEY = "zorg-en-zekerheid/paramedische-zorg-2026"
KEY_2025 = "zorg-en-zekerheid/paramedische-zorg-2025"

CHANGES = ("1 Wat zijn de wijzigingen per 2026?", "2 Welke informatie vindt u in dit document?")
PLANNING = ("6.2 Planning", "7 Heeft u vragen?")
BASIS_FYSIO = ("Basisvoorwaarden", "Differentiatievoorwaarden")
EISEN_52 = ("5.2 Minimum- en kwaliteitseisen oefentherapie", "Differentievoorwaarde logopedie")
EISEN_53 = ("5.3 Minimum- en kwaliteitseisen preventieve voetzorg", "5.4 Minimum- en kwaliteitseisen")
LOOPTIJDEN = ("Naam zorgovereenkomst Looptijd", "Voor de zorgaanbieders die een zorgovereenkomst")
BIJLAGE = "Bijlage 1: Gedifferentieerde inkoop fysiotherapie"

CONTRACT_NAMES = {
    "Diëtetiek": "dietetiek",
    "Ergotherapie": "ergotherapie",
    "Fysiotherapie": "fysiotherapie",
    "Huidtherapie": "huidtherapie",
    "Logopedie": "logopedie",
    "Oefentherapie": "oefentherapie",
    "Preventieve voetzorg": "preventieve-voetzorg",
    "Paramedische zorg in instellingen": "paramedische-zorg-instellingen",
}


text = text_fixture(SOURCE)
policy = policy_fixture(KEY, "policy")
policy_2025 = policy_fixture(KEY_2025, "policy_2025")


_walk = iter_criteria  # every criterion node, parents first


def _contract(policy, cid):
    return next(c for c in policy.contracts if c.id == cid)


def _tier(policy, cid, tid):
    return next(t for t in _contract(policy, cid).tiers if t.id == tid)


def _nodes(policy, cid, tid, fact):
    return [c for c in _walk(_tier(policy, cid, tid).criterion) if getattr(c, "fact", None) == fact]


def _bullets(block: str) -> int:
    return block.count("•")


# --------------------------------------------------------------------------- changes


def test_every_change_bullet_is_one_change(text, policy):
    block = section(text, *CHANGES)
    bullets = _bullets(block)
    assert bullets == 17
    assert len(policy.changes) == bullets
    assert all((c.from_year, c.to_year) == (2025, 2026) for c in policy.changes)


def test_sub_bullets_of_the_sustainability_change_are_folded_into_one_entry(text, policy):
    block = section(text, *CHANGES)
    subs = re.findall(r"^\s*o\s", block, re.M)
    entry = next(c for c in policy.changes if c.id == "wijziging-duurzaamheid-zn")
    assert len(subs) == 6
    for needle in ("GDDZ 3.0", "CSRD", "1 oktober 2025", "mobiliteitsplan", "duurzaamheidsprestaties"):
        assert needle in entry.after


# --------------------------------------------------------------------------- planning and dates


def test_every_planning_row_is_a_deadline(text, policy):
    table = section(text, *PLANNING)
    rows = re.findall(r"^(\d{1,2} \w+ \d{4}|[A-Z][a-z]+ \d{4}|Gedurende heel)", table, re.M)
    cited = [d for d in policy.deadlines if d.cite.section.endswith("6.2 Planning")]
    assert len(cited) == len(rows) == 5
    assert set(dutch_dates(table)) <= deadline_dates(policy)
    months = [d.when.month for d in cited if d.when.kind == "month"]
    assert months == ["2025-09"] and "September 2025" in table
    ranges = [d.when for d in cited if d.when.kind == "range"]
    assert [(r.start, r.end) for r in ranges] == [(date(2025, 1, 1), date(2026, 12, 31))]
    assert "Gedurende heel 2025 en" in normalise(table)


def test_every_date_in_the_text_is_a_deadline(text, policy):
    assert set(dutch_dates(text)) <= deadline_dates(policy)


def test_running_text_deadlines(text, policy):
    flat = normalise(text)
    assert "tot uiterlijk 1 november 2025 een verzoek" in flat
    by_id = {d.id: d for d in policy.deadlines}
    assert by_id["verzoek-hogere-tariefgroep"].when.date == date(2025, 11, 1)
    assert by_id["verzoek-hogere-tariefgroep"].when.bound == "by"
    assert "uiterlijk in november van het lopende contractjaar" in flat
    assert by_id["bericht-tariefgroep-niet-meer-voldaan"].when.month == "2025-11"
    assert "vóór 1 oktober 2025" in flat
    assert by_id["csrd-metingen-bekendmaken"].when.date == date(2025, 10, 1)
    peil = re.search(r"twee peilmomenten aan: (.+?)\. ", flat).group(1)
    logo = {d.when.date for d in policy.deadlines if "logopedie" in d.applies_to}
    assert set(dutch_dates(peil)) == logo


def test_signing_window_is_kept_as_text(text, policy):
    assert "binnen zes weken" in normalise(section(text, "5.7.1 Aanvragen zorgovereenkomst"))
    texts = [d.action for d in policy.deadlines if d.id.startswith("aanvraag-in-")]
    assert len(texts) == 2 and all("zes weken" in t for t in texts)


# --------------------------------------------------------------------------- contracts


def test_looptijden_match_the_table(text, policy):
    table = normalise(section(text, *LOOPTIJDEN))
    found = 0
    for name, cid in CONTRACT_NAMES.items():
        m = re.search(re.escape(name) + r" (\d{4})(?:-(\d{4}))?", table)
        assert m, name
        start = int(m.group(1))
        end = int(m.group(2) or m.group(1))
        term = _contract(policy, cid).term
        assert (term.start, term.end) == (start, end), cid
        found += 1
    assert found == len(re.findall(r"\b\d{4}(?:-\d{4})?\b", table))


def test_running_contracts_2025(text, policy_2025):
    table = normalise(section(text, *LOOPTIJDEN))
    for name, cid in CONTRACT_NAMES.items():
        m = re.search(re.escape(name) + r" (\d{4})(?:-(\d{4}))?", table)
        start, end = int(m.group(1)), int(m.group(2) or m.group(1))
        ids = {c.id for c in policy_2025.contracts}
        if start <= 2025 <= end:
            assert cid in ids
            term = _contract(policy_2025, cid).term
            assert (term.start, term.end) == (start, end)
        elif cid != "oefentherapie":
            assert cid not in ids


def test_three_fysio_tiers_and_two_logopedie_tiers(text, policy):
    flat = normalise(text)
    assert "drie tariefgroepen voor fysiotherapie (A,B,C)" in flat
    assert [t.id for t in _contract(policy, "fysiotherapie").tiers] == ["tariefgroep-a", "tariefgroep-b", "tariefgroep-c"]
    assert "twee tariefgroepen" in flat
    assert [t.name for t in _contract(policy, "logopedie").tiers] == ["KwaliteitZorg", "Standaard"]


# --------------------------------------------------------------------------- requirements


def _reqs_in(policy, heading_part):
    return [r for r in policy.requirements if heading_part in r.cite.section]


def test_fysio_basisvoorwaarden_count(text, policy):
    block = section(text, *BASIS_FYSIO)
    reqs = _reqs_in(policy, "Basisvoorwaarden")
    assert len(reqs) == _bullets(block) == 7
    assert all("fysiotherapie" in r.applies_to for r in reqs)


def test_requirements_52_count(text, policy):
    block = section(text, *EISEN_52)
    # the extracted text lost the bullet of the last item ("Alle therapeuten ... richtlijnen")
    items = _bullets(block) + len(re.findall(r"^Alle therapeuten binnen de praktijk", block, re.M))
    reqs = _reqs_in(policy, "5.2 Minimum")
    assert len(reqs) == items == 5


def test_requirements_53_count(text, policy):
    block = section(text, *EISEN_53)
    reqs = _reqs_in(policy, "5.3 Minimum")
    assert len(reqs) == _bullets(block) == 7
    assert all(r.applies_to == ["preventieve-voetzorg"] for r in reqs)


def test_oefentherapie_lost_two_criteria(text, policy, policy_2025):
    block = normalise(section(text, *CHANGES))
    assert "binnen 5 werkdagen" in block and "criterium over de website" in block
    facts_2025 = {r.criterion.fact for r in policy_2025.requirements if "oefentherapie" in r.applies_to}
    assert facts_2025 == {"binnen_vijf_werkdagen", "praktijkwebsite_compleet"}
    facts_2026 = {
        c.fact for r in policy.requirements if "oefentherapie" in r.applies_to
        for c in _walk(r.criterion) if hasattr(c, "fact")
    }
    assert not facts_2026 & facts_2025


# --------------------------------------------------------------------------- thresholds


def test_behandelindex_thresholds(text, policy):
    flat = normalise(section(text, BIJLAGE))
    a = re.search(r"waarde van het (\d+)e percentiel van de behandelindex als maximale norm", flat)
    b = re.search(r"hoort bij het (\d+)e percentiel als maximale norm", flat)
    cap = re.search(r"behandelindex hoger is dan (\d+) bieden wij geen", flat)
    few = re.search(r"praktijken met (\d+) of minder unieke", flat)
    year = re.search(r"landelijke behandelindex over (\d{4})", flat)
    qa = _nodes(policy, "fysiotherapie", "tariefgroep-a", "behandelindex")
    qb = _nodes(policy, "fysiotherapie", "tariefgroep-b", "behandelindex")
    qc = _nodes(policy, "fysiotherapie", "tariefgroep-c", "behandelindex")
    assert [(q.kind, q.rank, q.value) for q in qa] == [("quantile", int(a.group(1)), None)]
    assert [(q.kind, q.rank, q.value) for q in qb] == [("quantile", int(b.group(1)), None)]
    assert [(q.op, q.value) for q in qc] == [("le", int(cap.group(1)))]
    assert year.group(1) in qa[0].reference and year.group(1) in qb[0].reference
    few_node = _nodes(policy, "fysiotherapie", "tariefgroep-c", "aantal_unieke_patienten")
    assert [(n.op, n.value) for n in few_node] == [("le", int(few.group(1)))]


def test_b_keeps_table_wording(text, policy):
    assert ">=70 - <=85e percentiel" in text
    label = _nodes(policy, "fysiotherapie", "tariefgroep-b", "behandelindex")[0].label
    assert ">=70 - <=85e percentiel" in label


def test_specialisation_thresholds(text, policy):
    flat = normalise(section(text, "Tabel 4", "Zorg en Zekerheid vindt het van toegevoegde waarde"))
    assert "minimaal twee verschillende soorten verbijzonderde fysiotherapie" in flat
    pct = int(re.search(r"tenminste (\d+)% van het totaal", flat).group(1))
    assert "en/óf" in flat
    a = {n.fact: n.value for n in _walk(_tier(policy, "fysiotherapie", "tariefgroep-a").criterion)
         if n.kind == "compare"}
    assert a["soorten_verbijzondering"] == 2
    assert a["aandeel_verbijzonderde_fysiotherapeuten"] == pct
    assert a["aantal_specialismen"] == 3
    b = {n.fact: n.value for n in _walk(_tier(policy, "fysiotherapie", "tariefgroep-b").criterion)
         if n.kind == "compare"}
    assert b["aantal_verbijzonderde_fysiotherapeuten"] == 1
    assert b["aantal_specialismen"] == 2
    # 'en/óf' is an inclusive or: the A node is an 'any' of the two parts
    node = next(n for n in _walk(_tier(policy, "fysiotherapie", "tariefgroep-a").criterion)
                if n.id == "a-gespecialiseerd")
    assert node.kind == "any" and len(node.of) == 2


def test_collaboration_thresholds(text, policy):
    flat = normalise(section(text, "3. Samenwerking in de regio", "4. HKZ-certificering"))
    mono = int(re.search(r"minimaal (\d+) fysiotherapeuten", flat).group(1))
    words = {"twee": 2, "drie": 3, "vier": 4}
    multi = words[re.search(r"minimaal (\w+) eerstelijns disciplines", flat).group(1)]
    for tier in ("tariefgroep-a", "tariefgroep-b"):
        nodes = _nodes(policy, "fysiotherapie", tier, "monodisciplinair_verband_aantal_fysiotherapeuten")
        assert nodes and all(n.value == mono for n in nodes)
    nodes = _nodes(policy, "fysiotherapie", "tariefgroep-a", "multidisciplinair_aantal_eerstelijnsdisciplines")
    assert [n.value for n in nodes] == [multi]
    regions = {r for n in _walk(_tier(policy, "fysiotherapie", "tariefgroep-b").criterion)
               if n.kind == "region" for r in n.regions}
    assert "Amstelland, Haarlemmermeer en Zuid-Holland Noord" in flat
    assert regions == {"amstelland", "haarlemmermeer", "zuid-holland-noord"}


def test_earlier_contract_year(text, policy):
    year = int(re.search(r"Eerdere zorgovereenkomst ZZ in (\d{4})", normalise(text)).group(1))
    for tier in ("tariefgroep-a", "tariefgroep-b"):
        nodes = _nodes(policy, "fysiotherapie", tier, f"overeenkomst_zz_fysiotherapie_{year}")
        assert len(nodes) == 1
    assert not _nodes(policy, "fysiotherapie", "tariefgroep-c", f"overeenkomst_zz_fysiotherapie_{year}")


# --------------------------------------------------------------------------- selective procurement


def test_selective_procurement_care_types(text, policy):
    flat = normalise(section(text, "5.5 Selectieve inkoop", "5.6 Valpreventieve"))
    names = {"diëtetiek": "dietetiek", "ergotherapie": "ergotherapie", "fysiotherapie": "fysiotherapie",
             "logopedie": "logopedie", "oefentherapie": "oefentherapie"}
    park = re.search(r"Ziekte van Parkinson Van toepassing op: (.+?) Zorg en Zekerheid", flat).group(1)
    expected = {v for k, v in names.items() if k in park}
    rules = {r.id: r for r in policy.selective_procurement}
    assert set(rules["parkinson"].care_types) == expected and len(expected) == 5
    claud = re.search(r"Claudicatio intermittens Van toepassing op: (.+?) Zorg en Zekerheid", flat).group(1)
    assert set(rules["claudicatio-intermittens"].care_types) == {v for k, v in names.items() if k in claud}
    assert rules["handspalken-ergotherapie"].via == "addendum-handspalken-ergotherapie"
    assert rules["reuma-axspa-fysiotherapie"].via == "addendum-reuma-axspa-fysiotherapie"


def test_addenda_depend_on_base_contracts(policy):
    deps = {}
    for c in policy.contracts:
        if c.kind == "addendum":
            deps[c.id] = [n.contracts for n in _walk(c.criterion) if n.kind == "contract"]
    assert deps["addendum-valpreventie"] == [["fysiotherapie", "oefentherapie"]]
    assert deps["addendum-handspalken-ergotherapie"] == [["ergotherapie"]]
    assert deps["addendum-reuma-axspa-fysiotherapie"] == [["fysiotherapie"]]


def test_tariff_facts(text, policy):
    flat = normalise(section(text, "6.1 Bepalen van de tarieven", "6.2 Planning"))
    assert "positieve index" in flat and "preventieve voetzorg" in flat
    index = next(t for t in policy.tariffs if t.id == "positieve-index-meerjarig")
    assert "preventieve-voetzorg" not in index.applies_to
    assert any("materiële kosten" in t.subject and "loonkosten" in t.subject for t in policy.tariffs)
