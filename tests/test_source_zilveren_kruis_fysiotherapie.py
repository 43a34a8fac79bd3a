"""Ties the Zilveren Kruis fysiotherapie policies (2026-2027, and 2024-2025 as far as the
2026-2027 document describes it) to the source text."""
from __future__ import annotations

import re
from datetime import date

from generator.model import iter_criteria
from tests.sourcetext import deadline_dates, dutch_dates, normalise, policy_fixture, section, text_fixture

SOURCE = "zilveren-kruis-fysiotherapie-2026-2027.txt"
KEY = "zilveren-kruis/fysiotherapie-2026-2027"
KEY_PREVIOUS = "zilveren-kruis/fysiotherapie-2024-2025"

CHANGES = ("Belangrijkste wijzigingen", "Wat we willen bereiken")
GENERAL = ("Algemene voorwaarden reguliere overeenkomst Fysiotherapie", "We bieden ook 2 modules")
VV = ("Voorwaarden module Voortdurend Verbeteren", "Voorwaarden Addendum Valpreventieve")
VALPREVENTIE = ("Voorwaarden Addendum Valpreventieve", "Looptijd")
PLANNING = ("Planning en termijnen \n\nLees", "Naleving en controle")
# dates in the text that are not procurement steps: the Wegiz came into force in 2023
NOT_DEADLINES = {date(2023, 7, 1)}


text = text_fixture(SOURCE)
policy = policy_fixture(KEY, "policy")
previous = policy_fixture(KEY_PREVIOUS, "previous")


def _contract(policy, cid):
    return next(c for c in policy.contracts if c.id == cid)


def _nodes(policy, cid, **match):
    return [n for n in iter_criteria(_contract(policy, cid).criterion)
            if all(getattr(n, k, None) == v for k, v in match.items())]


def _numbered(block: str) -> list[int]:
    return [int(n) for n in re.findall(r"^(\d+)\. ", block, re.M)]


# --------------------------------------------------------------------------- metadata


def test_metadata(text, policy, previous):
    flat = normalise(text)
    assert "Dit inkoopbeleid is gepubliceerd op 1 april 2025" in flat
    assert policy.published == date(2025, 4, 1)
    assert (policy.period.start, policy.period.end) == (2026, 2027)
    assert policy.contract_years == [2026, 2027]
    assert "ten opzichte van het inkoopbeleid 2024-2025" in flat
    assert (previous.period.start, previous.period.end) == (2024, 2025)
    assert previous.completeness == "partial" and policy.completeness == "full"


def test_every_cited_heading_is_in_the_source(text, policy, previous):
    flat = normalise(text)
    cites = []
    for p in (policy, previous):
        cites.append(p.cite)
        for group in (p.requirements, p.contracts, p.selective_procurement, p.deadlines, p.changes,
                      p.tariffs, p.open_questions, p.source_notes):
            cites += [item.cite for item in group]
        for c in p.contracts:
            cites += [n.cite for n in iter_criteria(c.criterion) if n.cite]
    for cite in cites:
        for part in cite.section.split(" > "):
            assert part in flat, part


# --------------------------------------------------------------------------- base contract


def test_four_minimum_conditions_plus_fraud_and_wtza(text, policy):
    block = section(text, *GENERAL)
    assert _numbered(block) == [1, 2, 3, 4]
    general = [r for r in policy.requirements
               if r.cite.section.endswith("Algemene voorwaarden reguliere overeenkomst Fysiotherapie")
               and r.consequence == "contract"]
    # four numbered conditions, the first split in BIG and quality register, plus the exclusion
    # after a contract ended for fraud
    assert len(general) == 4 + 1 + 1
    assert [r.id for r in general[:2]] == ["big-registratie", "kwaliteitsregister"]
    assert "beëindigd op basis van fraude" in normalise(block)
    fraud = next(r for r in policy.requirements if r.id == "geen-beeindiging-wegens-fraude")
    assert (fraud.criterion.fact, fraud.criterion.value) == ("eerdere_overeenkomst_beeindigd_fraude", False)
    # condition 2 is that all physiotherapists measure with the PREM; asking every patient where
    # possible is 'verwachten': an expectation beside it, without consequence
    assert "We verwachten dat u de PREM uitvraagt bij alle patiënten bij wie dat mogelijk is" in normalise(block)
    expectation = next(r for r in policy.requirements if r.id == "prem-alle-patienten")
    assert expectation.consequence == "none" and expectation.cite.section == general[0].cite.section
    # Wtza: a revoked or wrongly missing permit ends the contract 'in ieder geval'; other
    # non-compliance 'kunnen wij besluiten': weighed by the insurer, never a plain no
    flat = normalise(text)
    assert "dan kunnen wij besluiten u geen overeenkomst aan te bieden" in flat
    assert "Wij zullen de overeenkomst in ieder geval beëindigen indien uw toelatingsvergunning" in flat
    wtza = next(r for r in policy.requirements if r.id == "wtza")
    nodes = list(iter_criteria(wtza.criterion))
    assert {n.fact for n in nodes if getattr(n, "fact", None)} == {"wtza_vergunning_ontbreekt_of_ingetrokken",
                                                                  "voldoet_wtza"}
    weighed = [n for n in nodes if n.binding == "guideline"]
    assert [(n.fact, n.value, n.note) for n in weighed] == [("voldoet_wtza", False, "wtza-discretionair")]
    assert all(r.applies_to == ["fysiotherapie"] for r in policy.requirements if r.consequence == "contract")


def test_contracting_window_is_a_condition(text, policy):
    flat = normalise(text)
    assert "De laatste dag om uw overeenkomst te sluiten is 10 november." in flat
    assert "Dan vervalt het aanbod en komt u niet meer in aanmerking voor een overeenkomst." in flat
    assert "Na 10 november kunnen alleen nieuwe praktijken nog een overeenkomst met ons aangaan." in flat
    assert "Een nieuwe praktijk is een praktijk die nog niet eerder een prestatie Fysiotherapie heeft gedeclareerd." in flat
    window = next(r for r in policy.requirements if r.id == "contracteervenster")
    assert window.consequence == "contract" and window.applies_to == ["fysiotherapie"]
    leaves = {n.fact: n for n in iter_criteria(window.criterion) if getattr(n, "fact", None)}
    signed = leaves["datum_ondertekening_overeenkomst"]
    assert (signed.kind, signed.op, signed.value) == ("date", "le", date(2025, 11, 10))
    assert leaves["nieuwe_praktijk_fysiotherapie"].kind == "is" and window.criterion.kind == "any"


def test_expectations_without_consequence(text, policy):
    flat = normalise(text)
    assert "We verwachten van zorgaanbieders dat zij:" in flat
    assert "(alleen van toepassing bij zorgaanbieders met meer dan 100 fte)" in flat
    assert "verwachten wij dat zorgaanbieders zich inzetten om aan de landelijke standaarden" in flat
    ids = {"duurzaamheid-green-deal", "duurzaamheid-strategie", "duurzaamheid-rapportage",
           "duurzaamheid-mobiliteitsplan", "digitale-gegevensuitwisseling", "passende-zorg-toegankelijkheid"}
    found = {r.id: r for r in policy.requirements if r.id in ids}
    assert set(found) == ids and all(r.consequence == "none" for r in found.values())
    fte = next(n for n in iter_criteria(found["duurzaamheid-mobiliteitsplan"].criterion) if n.kind == "compare")
    assert (fte.fact, fte.op, fte.value) == ("aantal_fte_zorgaanbieder", "le", 100)  # 'meer dan 100': 100 is exempt


def test_term_runs_to_end_of_2027(text, policy):
    assert "looptijd tot en met 31 december 2027" in normalise(text)
    for c in policy.contracts:
        assert (c.term.start, c.term.end, c.term.end_date) == (2026, 2027, date(2027, 12, 31)), c.id
        assert c.negotiable is False
    assert "niet mogelijk om over de condities en tarieven van het contractaanbod met ons te onderhandelen" \
        in normalise(text)


def test_two_modules_and_one_addendum(text, policy):
    assert "We bieden ook 2 modules en 1 addendum aan." in text
    kinds = [(c.kind, c.id) for c in policy.contracts]
    assert kinds == [("contract", "fysiotherapie"), ("module", "module-verdiepen-en-specialiseren"),
                     ("module", "module-voortdurend-verbeteren"), ("addendum", "addendum-valpreventie")]
    for c in policy.contracts[1:]:
        deps = [n.contracts for n in iter_criteria(c.criterion) if n.kind == "contract"]
        assert deps == [["fysiotherapie"]], c.id
    assert "opslag" in _contract(policy, "module-voortdurend-verbeteren").tariff.lower()
    assert "Geen opslag" in _contract(policy, "module-verdiepen-en-specialiseren").tariff


# --------------------------------------------------------------------------- Verdiepen en Specialiseren


def test_selective_procurement_networks(text, policy):
    flat = normalise(section(text, "Voorwaarden fysiotherapie bij de ziekte van Parkinson", "Meerwaarde van scholing"))
    assert "aangesloten bij ParkinsonNet" in flat
    assert "Chronisch ZorgNet met specialisatie PAV" in flat
    assert "Chronisch ZorgNet met specialisatie longaandoeningen leveren zorg aan verzekerden met COPD Gold stadium II" in flat
    rules = {r.id: r for r in policy.selective_procurement}
    # 'Alleen fysiotherapeuten ... die zijn aangesloten': the practice may provide this care when at
    # least one of its physiotherapists is a member (and only they treat these patients)
    assert {k: (r.requirement.register_id, r.requirement.fact, r.requirement.scope) for k, r in rules.items()} == {
        "parkinson": ("parkinsonnet", "parkinsonnet_minstens_een_fysiotherapeut", "some-practitioner"),
        "pav": ("chronisch-zorgnet-pav", "chronisch_zorgnet_pav_minstens_een_fysiotherapeut", "some-practitioner"),
        "copd-gold-2": ("chronisch-zorgnet-long", "chronisch_zorgnet_long_minstens_een_fysiotherapeut",
                        "some-practitioner"),
    }
    assert all(r.via == "module-verdiepen-en-specialiseren" for r in rules.values())
    assert "GOLD-stadium II" in rules["copd-gold-2"].condition
    # without the module: 'de vergoeding behorende bij niet gecontracteerde zorg', not a ban
    assert "ontvangt u de vergoeding behorende bij niet gecontracteerde zorg" in normalise(text)
    assert all("niet-gecontracteerde zorg" in r.text for r in rules.values())


def test_training_is_not_a_condition(text, policy):
    assert "Scholing is geen inkoopvoorwaarde." in normalise(text)
    facts = {n.fact for c in policy.contracts for n in iter_criteria(c.criterion) if hasattr(n, "fact")}
    assert not {f for f in facts if "bekken" in f or "reuma" in f or "oedeem" in f}
    desc = _contract(policy, "module-verdiepen-en-specialiseren").description
    for needle in ("bekkenbodemklachten", "oedeem", "reumatoïde artritis"):
        assert needle in desc
    # the three requests are requirements without consequence, never conditions of the module
    requests = [r for r in policy.requirements if r.id.startswith("scholing-")]
    assert len(requests) == 3 and all(r.consequence == "none" for r in requests)
    assert all(r.applies_to == ["module-verdiepen-en-specialiseren"] for r in requests)


# --------------------------------------------------------------------------- Voortdurend Verbeteren


def test_voortdurend_verbeteren_numbers(text, policy):
    flat = normalise(section(text, *VV))
    months = int(re.search(r"tenminste (\d+) maanden ingeschreven", flat).group(1))
    peer = int(re.search(r"tenminste (\d+) keer per jaar deel aan peer review", flat).group(1))
    points = int(re.search(r"met tenminste (\d+) punten", flat).group(1))
    assert _nodes(policy, "module-voortdurend-verbeteren", fact="maanden_ingeschreven_praktijkkwaliteitsregister")[0].value == months == 12
    assert _nodes(policy, "module-voortdurend-verbeteren", fact="peer_reviews_per_jaar")[0].value == peer == 4
    scholing = _nodes(policy, "module-voortdurend-verbeteren", id="vv-scholing-data")[0]
    assert f"minstens {points} punten" in scholing.label


def test_voortdurend_verbeteren_covers_every_numbered_condition(text, policy):
    block = section(text, *VV)
    kwaliteit = section(block, "Kwaliteit", "Data-aanlevering")
    data = section(block, "Data-aanlevering", "Behandelindex")
    assert _numbered(kwaliteit) == [1, 2, 3, 4, 5, 6] and _numbered(data) == [1, 2]
    cited = {}
    for n in iter_criteria(_contract(policy, "module-voortdurend-verbeteren").criterion):
        if n.cite and n.id:
            cited.setdefault(n.cite.section.rsplit(" > ", 1)[-1], []).append(n.id)
    assert len(cited["Kwaliteit"]) == 6
    assert len(cited["Data-aanlevering en -gebruik"]) == 2
    assert cited["Behandelindex"] == ["vv-behandelindex"]
    # PREM 1 and 2 (with the two consents folded into 2)
    assert cited["Patiëntervaringen"] == ["vv-prem-zn", "vv-meetbureau"]
    # the portfolio inspection closes the module ('bovenstaande voorwaarden'), after the PREM list
    assert "Transparantie over het voldoen aan bovenstaande voorwaarden" in normalise(block)
    assert cited["Voorwaarden module Voortdurend Verbeteren"] == ["vv-inzage"]


def test_behandelindex_sixth_decile_by_start_year(text, policy):
    flat = normalise(section(text, *VV))
    assert "kleiner dan of gelijk is aan de waarde van het 6e deciel" in flat
    pairs = re.findall(r"ingangsdatum die ligt in contractjaar (\d{4}), geldt de landelijke behandelindex van (\d{4})", flat)
    assert pairs == [("2026", "2024"), ("2027", "2025")]
    published = {m[0]: m[1] for m in re.findall(r"behandelindex van (\d{4}) (?:publiceren wij )?uiterlijk (\d+ \w+ \d{4})", flat)}
    for start, year in pairs:
        node = _nodes(policy, "module-voortdurend-verbeteren", id=f"vv-deciel-{year}")[0]
        assert (node.kind, node.unit, node.rank, node.op, node.value) == ("quantile", "decile", 6, "le", None)
        assert node.year == int(year) and year in node.reference
        assert [node.published_by] == dutch_dates(published[year])
        branch = _nodes(policy, "module-voortdurend-verbeteren", id=f"vv-behandelindex-{start}")[0]
        assert next(n for n in branch.of if n.kind == "contract-year").years == [int(start)]
    # 'De behandelindex van 2025 heeft geen invloed op uw lopende overeenkomst/module' when the
    # module already started in 2026: in contract year 2027 the start date decides the year
    assert "De behandelindex van 2025 heeft geen invloed op uw lopende overeenkomst/module" in flat
    in_2027 = list(iter_criteria(_nodes(policy, "module-voortdurend-verbeteren", id="vv-behandelindex-2027")[0]))
    assert {(n.fact, n.op, n.value) for n in in_2027 if n.kind == "date"} == {
        ("ingangsdatum_module_voortdurend_verbeteren", "ge", date(2027, 1, 1)),
        ("ingangsdatum_module_voortdurend_verbeteren", "lt", date(2027, 1, 1))}
    assert sorted(n.year for n in in_2027 if n.kind == "quantile") == [2024, 2025]


# --------------------------------------------------------------------------- valpreventie


def test_valpreventie_numbers(text, policy):
    flat = normalise(section(text, *VALPREVENTIE))
    groups = re.findall(r"minimaal (\d) oefenmomenten per verzekerde per week van in totaal ten minste (\w+) uur "
                        r"per week waarvan minimaal (\d) keer onder begeleiding in een groep; "
                        r"\d\. Maximale groepsgrootte is (\d) personen", flat)
    words = {"twee": 2, "drie": 3}
    assert len(groups) == 2
    # each programme has its own numbers ('Voor het aanbieden van ... gelden'): its own facts, in the
    # addendum (at least one intervention that meets its conditions) and as a care-level limitation
    for node_id, req_id, prefix, (moments, hours, guided, size) in zip(
            ("vp-otago-groep", "vp-in-balans"), ("valpreventie-otago-groep", "valpreventie-in-balans"),
            ("otago_groep", "in_balans"), groups):
        expected = {
            f"{prefix}_oefenmomenten_per_week": ("ge", int(moments)),
            f"{prefix}_oefenuren_per_week": ("ge", words[hours]),
            f"{prefix}_begeleide_groepsmomenten": ("ge", int(guided)),
            f"{prefix}_groepsgrootte_per_begeleider": ("le", int(size)),
        }
        node = _nodes(policy, "addendum-valpreventie", id=node_id)[0]
        assert {n.fact: (n.op, n.value) for n in iter_criteria(node) if n.kind == "compare"} == expected
        req = next(r for r in policy.requirements if r.id == req_id)
        assert req.consequence == "care" and req.applies_to == ["addendum-valpreventie"]
        assert {n.fact: (n.op, n.value) for n in iter_criteria(req.criterion) if n.kind == "compare"} == expected
    # the referral is 'voor de verzekerde': per insured, a care-level condition
    assert "beschikt over een geldige verwijzing voor de verzekerde" in flat
    referral = next(r for r in policy.requirements if r.id == "valpreventie-verwijzing")
    assert referral.consequence == "care" and referral.criterion.fact == "valpreventie_geldige_verwijzing"


def test_valpreventie_collaboration_agreements(text, policy):
    block = normalise(section(text, "Voorwaarden aan de samenwerkingsafspraken", "Looptijd"))
    node = _nodes(policy, "addendum-valpreventie", id="vp-samenwerkingsafspraken")[0]
    facts = [n.fact for n in node.of]
    # two partners, three base subjects (one fact), referrers, municipal follow-up, stakeholders and
    # approval by Zilveren Kruis; uploading the declaration is how one applies, not a condition
    assert len(facts) == 7 == len(set(facts))
    assert "goedgekeurd worden door Zilveren Kruis" in block
    assert "Verklaring Samenwerkingsafspraken" in block
    assert "Verklaring Samenwerkingsafspraken" in _contract(policy, "addendum-valpreventie").procurement


# --------------------------------------------------------------------------- planning and dates


def test_every_planning_row_is_a_deadline(text, policy):
    table = section(text, *PLANNING)
    rows = re.findall(r"^\d{1,2} \w+ \d{4} ", table, re.M)
    cited = [d for d in policy.deadlines if d.cite.section == "Planning en termijnen"]
    assert len(rows) == len(cited) == 6
    assert {d.when.date for d in cited} == set(dutch_dates("\n".join(rows)))


def test_every_date_in_the_text_is_a_deadline(text, policy):
    dates = set(dutch_dates(text)) - NOT_DEADLINES
    assert dates <= deadline_dates(policy)
    assert NOT_DEADLINES <= set(dutch_dates(text))


def test_running_text_deadlines(text, policy):
    flat = normalise(text)
    by_id = {d.id: d for d in policy.deadlines}
    assert "U kunt van 29 september t/m 10 november een overeenkomst sluiten." in flat
    window = by_id["contracteerperiode"].when
    assert (window.start, window.end) == (date(2025, 9, 29), date(2025, 11, 10))
    assert "uiterlijk 14 dagen voor het einde van de maand" in flat
    for i in ("tussentijds-afsluiten-2026", "tussentijds-afsluiten-2027"):
        when = by_id[i].when
        assert "14 dagen" in by_id[i].action
        # the first of the next month minus 15 days is the last day of the month minus 14
        assert (when.kind, when.anchor, when.offset.days, when.bound) == ("relative", "start-date", -15, "by")
    assert flat.count("uiterlijk 1 juli 2025") == 2
    assert {by_id["overzicht-erkende-praktijkkwaliteitsregisters"].when.date,
            by_id["overzicht-erkende-meetbureaus"].when.date} == {date(2025, 7, 1)}


# --------------------------------------------------------------------------- changes


def test_changes_against_2024_2025(text, policy, previous):
    block = normalise(section(text, *CHANGES))
    for needle in ("COPD", "Reumatoïde Artritis", "Zorgplan Rugpijn", "adequaat te certificeren",
                   "Module Samenwerken in de regio vervalt"):
        assert needle in block
    assert len(policy.changes) == 5
    assert all((c.from_year, c.to_year) == (2025, 2026) for c in policy.changes)
    assert "ISO 9001" in next(c for c in policy.changes if c.id == "register-iso-9001").after
    # what the change list says existed before is in the partial 2024-2025 policy
    assert {"module-samenwerken-in-de-regio", "zorgplan-rugpijn", "module-verdiepen-en-specialiseren"} \
        <= {c.id for c in previous.contracts}
    assert "module-samenwerken-in-de-regio" not in {c.id for c in policy.contracts}


def test_register_conditions_of_bijlage_1(text, catalog):
    block = section(text, "Bijlage (1): Voorwaarden praktijkkwaliteitsregister", "Bijlage (2)")
    top = [n for n in _numbered(block) if n > 6 or n == 1]
    assert max(top) == 15
    description = catalog.registers["zk-erkend-praktijkkwaliteitsregister"].description
    for n in range(1, 16):
        assert f"({n})" in description
    assert "650" in description and "ISO 9001" in description
