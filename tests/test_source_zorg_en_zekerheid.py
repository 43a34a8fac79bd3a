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
    assert by_id["csrd-metingen-bekendmaken"].when.bound == "before"  # 'vóór' is strictly before
    peil = re.search(r"twee peilmomenten aan: (.+?)\. ", flat).group(1)
    logo = {d.when.date for d in policy.deadlines if "logopedie" in d.applies_to}
    assert set(dutch_dates(peil)) == logo


def test_signing_window_is_kept_as_text(text, policy):
    block = normalise(section(text, "5.7.1 Aanvragen zorgovereenkomst"))
    assert "binnen zes weken na de dag van ontvangst" in block
    texts = [d.action for d in policy.deadlines if d.id.startswith("aanvraag-in-")]
    assert len(texts) == 2 and all("zes weken" in t for t in texts)
    # 'bij een aanvraag in 2025' / 'in 2026': some time in the year, not the whole year
    assert all(d.when.span == "some-time" for d in policy.deadlines if d.id.startswith("aanvraag-in-"))
    relative = [d.when for d in policy.deadlines if d.when.kind == "relative"]
    assert [(w.offset.days, w.offset.months, w.bound) for w in relative] == [(6 * 7, 0, "by")]
    assert "ontvangst" in relative[0].anchor_label


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
    facts_2025 = {c.fact for r in policy_2025.requirements if "oefentherapie" in r.applies_to
                  for c in _walk(r.criterion) if hasattr(c, "fact")}
    assert facts_2025 == {"binnen_vijf_werkdagen", "praktijkwebsite_compleet"}
    # the 2026 text does not say what the 2025 website criterion asked: never a certain 'no'
    website = next(r for r in policy_2025.requirements if r.id == "oefentherapie-website")
    assert website.criterion.kind == "any" and website.criterion.incomplete
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
    assert [(q.kind, q.rank, q.value, q.year) for q in qa] == [("quantile", int(a.group(1)), None, int(year.group(1)))]
    assert [(q.kind, q.rank, q.value, q.year) for q in qb] == [("quantile", int(b.group(1)), None, int(year.group(1)))]
    assert year.group(1) in qa[0].reference and year.group(1) in qb[0].reference
    # C has no condition of its own; the limits are caps over the whole contract, which is exhaustive
    contract = _contract(policy, "fysiotherapie")
    assert contract.exhaustive and _tier(policy, "fysiotherapie", "tariefgroep-c").criterion is None
    caps = {c.id: c for c in contract.caps}
    above = [n for n in _walk(caps["cap-boven-150"].criterion) if getattr(n, "fact", None) == "behandelindex"]
    assert [(n.op, n.value) for n in above] == [("gt", int(cap.group(1)))] and caps["cap-boven-150"].at_most == "none"
    few_node = [n for n in _walk(caps["cap-geen-behandelindex"].criterion) if getattr(n, "fact", None) == "aantal_unieke_patienten"]
    assert [(n.op, n.value) for n in few_node] == [("le", int(few.group(1)))]
    assert caps["cap-geen-behandelindex"].at_most == "tariefgroep-c"
    assert "tussen het 85e percentiel en de waarde 150" in flat
    p85 = caps["cap-boven-p85"].criterion
    assert (p85.kind, p85.op, p85.rank, caps["cap-boven-p85"].at_most) == ("quantile", "gt", int(b.group(1)), "tariefgroep-c")


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


# --------------------------------------------------------------------------- peilmomenten, instellingen, clauses


def test_tariff_groups_are_judged_on_the_peilmoment(text, policy):
    flat = normalise(text)
    assert "op één peilmoment aan: 1 januari 2026" in flat
    for tier in ("tariefgroep-a", "tariefgroep-b"):
        held = [n for n in _walk(_tier(policy, "fysiotherapie", tier).criterion) if n.kind == "held"]
        assert held and all(n.on == date(2026, 1, 1) for n in held)
    logo = re.search(r"twee peilmomenten aan: (.+?)\. ", flat).group(1)
    assert dutch_dates(logo)[0] == _tier(policy, "logopedie", "kwaliteitzorg").criterion.on
    assert _contract(policy, "logopedie").exhaustive


def test_a_higher_tariff_group_only_on_request(text, policy):
    assert "tot uiterlijk 1 november 2025 een verzoek indienen" in normalise(text)
    caps = {c.id: c for c in _contract(policy, "fysiotherapie").caps}
    assert caps["cap-geen-verzoek-vanuit-c"].at_most == "tariefgroep-c"
    assert caps["cap-geen-verzoek-vanuit-b"].at_most == "tariefgroep-b"


def test_instellingen_follow_5_1_only_for_their_fysiotherapie(text, policy):
    flat = normalise(section(text, "5.4 Minimum- en kwaliteitseisen eerstelijns", "5.5 Selectieve inkoop"))
    assert "dezelfde voorwaarden die gelden voor de eerstelijnspraktijken in hoofdstuk 5.1 en 5.2" in flat
    basis = _reqs_in(policy, "Basisvoorwaarden")
    assert all("paramedische-zorg-instellingen" not in r.applies_to for r in basis)
    inst = next(r for r in policy.requirements if r.id == "instelling-fysiotherapie-basisvoorwaarden")
    facts = {n.fact for n in _walk(inst.criterion) if hasattr(n, "fact")}
    assert {n.fact for r in basis for n in _walk(r.criterion) if hasattr(n, "fact")} <= facts
    assert "instelling_levert_fysiotherapie" in facts


def test_positive_index_not_in_a_first_contract_year(text, policy):
    flat = normalise(section(text, "6.1 Bepalen van de tarieven", "6.2 Planning"))
    assert "tarieven voor het eerste contractjaar" in flat and "Voor de overige contractjaren" in flat
    index = next(t for t in policy.tariffs if t.id == "positieve-index-meerjarig")
    for cid in index.applies_to:
        assert _contract(policy, cid).term.start < index.contract_year, cid
    assert "oefentherapie" not in index.applies_to


def test_parkinsonnet_is_no_practice_contract(text, policy):
    flat = normalise(text)
    assert "via representatie voor het jaar 2024 ingekocht bij ParkinsonNet" in flat
    assert "Tijdelijke overbrugging ParkinsonNet" in flat
    assert not any("parkinson" in c.id or "coulance" in c.id for c in policy.contracts)
    rule = next(r for r in policy.selective_procurement if r.id == "parkinson")
    assert {n.fact for n in _walk(rule.requirement) if hasattr(n, "fact")} == {
        "parkinsonnet_aangesloten", "parkinsonnet_tijdelijke_overbrugging"}


def test_reserved_right_and_weighing_are_clauses(text, policy):
    flat = normalise(text)
    assert "behoudt zich in alle gevallen het recht voor" in flat
    assert "onder andere op basis van het huidige gecontracteerde aanbod" in flat
    kinds = {c.id: c.kind for c in policy.clauses}
    assert kinds["voorbehoud-geen-zorgovereenkomst"] == "reserved-right"
    assert kinds["beoordeling-aanvraag-niet-gecontracteerd"] == "discretion"


def test_every_2025_contract_is_incomplete(policy_2025):
    assert policy_2025.completeness == "partial"
    assert policy_2025.contracts and all(c.incomplete for c in policy_2025.contracts)
