"""Ties the VGZ paramedische zorg policies (2024, and 2023 as far as the 2024 text states it)
to the source text vgz-paramedische-zorg-2024.txt."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest

from tests.sourcetext import (deadline_dates, dutch_dates, normalise, policy_fixture, section, source_text,
                              text_fixture)
from generator.model import iter_criteria

SOURCE = "vgz-paramedische-zorg-2024.txt"


text = text_fixture(SOURCE)
policy = policy_fixture("vgz/paramedische-zorg-2024", "policy")
policy_2023 = policy_fixture("vgz/paramedische-zorg-2023", "policy_2023")


walk = iter_criteria  # every criterion node, parents first


def by_id(policy, item_id):
    for c in policy.contracts:
        for node in walk(c.criterion):
            if node.id == item_id:
                return node
        for t in c.tiers:
            if t.id == item_id:
                return t
            for node in walk(t.criterion):
                if node.id == item_id:
                    return node
    for r in policy.requirements:
        for node in walk(r.criterion):
            if node.id == item_id:
                return node
    raise KeyError(item_id)


def contract(policy, cid):
    return next(c for c in policy.contracts if c.id == cid)


def tier(policy, cid, tid):
    return next(t for t in contract(policy, cid).tiers if t.id == tid)


# --------------------------------------------------------------------------- planning and dates


PLANNING_TABLES = {
    # heading in the source -> heading of the next table (or the footnote after the last)
    "Alle overeenkomsten voor nieuwe zorgaanbieders": "Addendum Hand- en vingerspalken \n\n2023 Datum",
    "Addendum Hand- en vingerspalken \n\n2023 Datum": "Overeenkomst Fysiotherapie Generiek\n\n2023 Datum",
    "Overeenkomst Fysiotherapie Generiek\n\n2023 Datum": "* Zorgplannen die ná",
}
ROW_ACTION = re.compile(r"\b(Aanvragen|Indienen|Aanbieden)\b")  # the 'Actie' column, one per row


def _table_deadlines(policy, heading):
    name = heading.split("\n")[0].strip()
    return [d for d in policy.deadlines if d.cite.section == f"Planning zorginkoop > {name}"]


@pytest.mark.parametrize("start", list(PLANNING_TABLES))
def test_each_planning_row_is_one_deadline(text, policy, start):
    table = section(text, start, PLANNING_TABLES[start])
    rows = ROW_ACTION.findall(table)
    assert rows, "table not found"
    assert len(_table_deadlines(policy, start)) == len(rows)


@pytest.mark.parametrize("start", list(PLANNING_TABLES))
def test_every_planning_date_is_a_deadline_of_that_table(text, policy, start):
    table = section(text, start, PLANNING_TABLES[start])
    mine = set()
    for dl in _table_deadlines(policy, start):
        for when in [dl.when, *dl.previous]:
            if when.kind == "date":
                mine.add(when.date)
            elif when.kind == "range":
                mine |= {when.start, when.end} - {None}
    assert set(dutch_dates(table)) <= mine


def test_whole_year_rows(text, policy):
    """'gedurende het gehele jaar 2024' -> a year deadline or a range ending on 31 December 2024."""
    planning = normalise(section(text, "Alle overeenkomsten voor nieuwe zorgaanbieders", "* Zorgplannen die ná"))
    assert len(re.findall(r"gehele jaar 2024", planning)) == 2
    first = _table_deadlines(policy, "Alle overeenkomsten voor nieuwe zorgaanbieders")[0]
    assert first.when.kind == "year" and first.when.year == 2024
    addendum = _table_deadlines(policy, "Addendum Hand- en vingerspalken")[0]
    assert addendum.when.kind == "range" and addendum.when.end == date(2024, 12, 31)


def test_uiterlijk_rows_are_by(text, policy):
    table = normalise(section(text, "Overeenkomst Fysiotherapie Generiek\n\n2023 Datum", "* Zorgplannen die ná"))
    uiterlijk = {d for d in dutch_dates(table)}
    assert len(re.findall(r"Uiterlijk \d+ \w+ \d{4}", table)) == len(uiterlijk) == 2
    rows = _table_deadlines(policy, "Overeenkomst Fysiotherapie Generiek")
    assert {d.when.date for d in rows if d.when.kind == "date" and d.when.bound == "by"} == uiterlijk


def test_every_date_in_the_source_is_a_deadline(text, policy):
    """Running text too: zorgplan 1 juli, addendum 1 oktober, Zorgzoeker 12 november, 1 januari 2024."""
    assert set(dutch_dates(text)) <= deadline_dates(policy)


def test_zorgzoeker_from_12_november(text, policy):
    m = re.search(r"Vanaf (\d+) november (\d{4}) maken wij het reeds gecontracteerde", normalise(text))
    dl = next(d for d in policy.deadlines if "zorgzoeker" in d.channel)
    assert dl.when.kind == "range" and dl.when.end is None
    assert dl.when.start == date(int(m.group(2)), 11, int(m.group(1)))


def test_zorgplan_deadline_carries_the_before_after_note(text, policy):
    flat = normalise(text)
    assert "Uiterlijk 1 juli 2023*" in flat and "vóór 1 juli 2023" in flat and "ná 1 juli 2023" in flat
    dl = next(d for d in policy.deadlines if d.when.kind == "date" and d.when.date == date(2023, 7, 1))
    assert dl.note == "zorgplan-1-juli" and dl.when.bound == "by"


# --------------------------------------------------------------------------- change annex


def test_change_annex_rows(text, policy):
    """Bijlage 1 has five subjects; the Intensief row holds two numbered changes, (1) and (2),
    which are encoded as two entries, so the annex gives six change entries."""
    annex = section(text, "1. Overzicht alle wijzigingen", "2. Onze minimumeisen")
    subjects = [line for line in annex.splitlines()
                if re.match(r"(Addendum Hand|Minimumeisen overeenkomst|Overeenkomst valpreventie|ParkinsonNet )", line)]
    assert len(subjects) == 5
    intensief_row = section(annex, "Minimumeisen overeenkomst Fysiotherapie", "Minimumeisen overeenkomst  ")
    numbered = set(re.findall(r"\((\d)\)", intensief_row))
    assert numbered == {"1", "2"}
    expected = len(subjects) - 1 + len(numbered)
    assert len(policy.changes) == expected
    assert all(c.from_year == 2023 and c.to_year == 2024 for c in policy.changes)
    intensief = [c for c in policy.changes if "Intensief" in c.subject]
    assert sorted(re.search(r"\((\d)\)", c.subject).group(1) for c in intensief) == sorted(numbered)


# --------------------------------------------------------------------------- fysiotherapie tiers


def test_three_fysiotherapie_tiers_best_first(text, policy):
    n = int(re.search(r"Er zijn (\d+) verschillende overeenkomsten Fysiotherapie", text).group(1))
    tiers = contract(policy, "fysiotherapie").tiers
    assert len(tiers) == n
    header = re.search(r"Fysiotherapie (\w+) Fysiotherapie (\w+) Fysiotherapie (\w+)", text).groups()
    assert [t.name for t in tiers] == [f"Fysiotherapie {h}" for h in header]


def test_situations_per_tier(text, policy):
    block = section(text, "Fysiotherapie Intensief Fysiotherapie Generiek", "*   Mogelijk wordt")
    parts = block.split("onderstaande situaties")[1:]
    counts = [len(re.findall(r"^\s*\d\.\s", p, re.MULTILINE)) for p in parts]
    assert counts == [2, 4, 3]

    def situations(node_id):  # an incomplete branch marks a case the source leaves open, not a situation
        return [n for n in by_id(policy, node_id).of if not getattr(n, "incomplete", False)]

    assert len(situations("intensief-situaties")) == counts[0]
    assert len(situations("generiek-situaties")) == counts[1]
    assert len(situations("basis-situaties")) == counts[2]


def test_intensief_requires_keurmerk(text, policy):
    block = normalise(section(text, "Fysiotherapie Intensief Fysiotherapie Generiek", "1.  De zorgaanbieder heeft minimaal 3"))
    assert "Praktijkenregister - label Keurmerk van het SKF" in block
    crit = by_id(policy, "intensief-keurmerk")
    assert crit.kind == "registered" and crit.register_id == "skf-label-keurmerk"
    assert tier(policy, "fysiotherapie", "intensief").criterion.kind == "all"


def _ranges(node):
    return [(n.min, n.max) for n in walk(node) if n.kind == "range" and n.fact == "behandelindex_ondergrens"]


def test_classification_on_the_lower_bound_over_2022(text, policy):
    """'... gebruiken we de ondergrens van de Landelijke behandelindex, over de periode januari 2022
    tot en met december 2022': every index criterion reads the lower bound, measured over 2022."""
    flat = normalise(section(text, "Behandelindex \nVoor het contracteren", "Oefentherapie"))
    assert "gebruiken we de ondergrens" in flat
    first, last = map(int, re.search(r"januari (\d{4}) tot en met december (\d{4})", flat).groups())
    assert first == last
    tiers = contract(policy, "fysiotherapie").tiers
    index_nodes = [n for t in tiers for n in walk(t.criterion) if getattr(n, "fact", "").startswith("behandelindex")]
    assert index_nodes and {(n.fact, n.year) for n in index_nodes} == {("behandelindex_ondergrens", first)}


def test_behandelindex_40_tot_en_met_149(text, policy):
    flat = normalise(section(text, "Fysiotherapie Intensief Fysiotherapie Generiek", "*   Mogelijk wordt"))
    lo, hi = map(int, re.search(r"behandelindex van (\d+) tot en met (\d+)\.", flat).groups())
    n_text = len(re.findall(rf"behandelindex van {lo} tot en met {hi}", flat))
    found = [r for t in ("intensief-situaties", "generiek-situatie-1", "generiek-situatie-2", "generiek-situatie-3")
             for r in _ranges(by_id(policy, t))]
    assert found == [(lo, hi)] * n_text


def test_generiek_situatie_4_and_basis_overlap_at_110(text, policy):
    flat = normalise(text)
    pairs = Counter(re.findall(r"behandelindex van (\d+) tot en met (\d+)", flat))
    assert len(pairs) == 2
    lo, hi = map(int, min(pairs, key=pairs.get))  # the bound written once: Generiek situation 4
    g4 = by_id(policy, "generiek-situatie-4")
    assert (g4.min, g4.max, g4.min_inclusive, g4.max_inclusive) == (lo, hi, True, True)
    b_lo, b_hi = map(int, re.search(r"behandelindex tussen (\d+) en (\d+)", flat).groups())
    b2 = by_id(policy, "basis-situatie-2-index-110-149")
    assert (b2.min, b2.max) == (b_lo, b_hi)
    assert b_lo == hi  # the source's overlap, kept as written
    assert g4.note == b2.note == "behandelindex-110-in-twee-tariefgroepen"
    note = next(n for n in policy.source_notes if n.id == g4.note)
    assert note.kind == "inconsistency"


def test_basis_thresholds(text, policy, catalog):
    flat = normalise(text)
    hoger = int(re.search(r"behandelindex van (\d+) of hoger", flat).group(1))
    lager = {int(x) for x in re.findall(r"behandelindex lager dan (\d+)", flat)}
    patients = int(re.search(r"omdat er (\d+) of minder patiënten zijn behandeld", flat).group(1))
    s1 = by_id(policy, "basis-situatie-1")
    compares = {(n.op, n.value) for n in walk(s1) if n.kind == "compare"}
    assert ("ge", hoger) in compares
    assert {("lt", v) for v in lager} <= compares
    s2 = by_id(policy, "basis-situatie-2")
    assert {("lt", v) for v in lager} <= {(n.op, n.value) for n in walk(s2) if n.kind == "compare"}
    s3 = by_id(policy, "basis-situatie-3")  # no (reliable) index over 2022: the fact does not exist
    assert (s3.kind, s3.fact, s3.year) == ("absent", "behandelindex_ondergrens", 2022)
    absent_when = catalog.facts["behandelindex_ondergrens"].absent_when
    assert (absent_when.fact, absent_when.op, absent_when.value) == ("aantal_unieke_patienten", "le", patients)
    assert any(n.kind == "registered" and n.register_id == "skf-aspirant" for n in walk(s1))


def test_good_practice_counts(text, policy):
    flat = normalise(text)
    gp = int(re.search(r"minimaal (\d+) Good Practices van alliantienetwerk", flat).group(1))
    node = next(n for n in walk(by_id(policy, "intensief-situatie-1")) if n.kind == "compare")
    assert (node.op, node.value) == ("ge", gp)
    one = int(re.search(r"heeft minimaal (\d+) Good Practice geïmplementeerd", flat).group(1))
    node = next(n for n in walk(by_id(policy, "generiek-situatie-1")) if n.kind == "compare")
    assert (node.op, node.value) == ("ge", one)
    # The three FysioTopics-Zorg1 Good Practices each need an addendum.
    listed = re.findall(r"• Aspecifieke (\w+)", section(text, "Good Practices FysioTopics-Zorg1:", "Good Practice Multidisciplinair"))
    addenda = [c for c in policy.contracts if c.id.startswith("good-practice-") and c.kind == "addendum"]
    assert len(addenda) == len(listed) == gp


def test_samenwerkingsverband_and_zorgplan_criteria(text, policy, catalog):
    sv = section(text, "Criteria voor samenwerkingsverbanden", "Criteria voor zorgplannen")
    zp = section(text, "Criteria voor zorgplannen", "Zorgplan indienen")
    assert len(by_id(policy, "criteria-samenwerkingsverband").of) == sv.count("•")
    assert len(by_id(policy, "criteria-zorgplan").of) == zp.count("•")
    region = next(n for n in walk(by_id(policy, "criteria-samenwerkingsverband")) if n.kind == "region")
    names = {catalog.regions[r].name for r in region.regions}
    kern = normalise(section(sv, "kernregio", "Binnen de aangesloten"))
    assert names == {n for n in names if n in kern} and len(names) == 4
    patients = int(re.search(r"circa (\d+) patiënten", normalise(sv)).group(1))
    assert any(n.kind == "compare" and n.value == patients for n in walk(by_id(policy, "criteria-samenwerkingsverband")))


# --------------------------------------------------------------------------- other contracts


def test_handspalken_addendum_minimum_requirements(text, policy):
    block = section(text, "De minimumeisen voor het addendum Hand- en vingerspalken zijn:", "Dit addendum kan vanaf")
    n = len(re.findall(r"^\d\.\s", block, re.MULTILINE))
    add = contract(policy, "addendum-hand-en-vingerspalken")
    assert add.kind == "addendum" and len(add.criterion.of) == n == 3
    dep = add.criterion.of[0]  # the named contracts; a hospital contract only as an undecided branch
    assert dep.kind == "any" and dep.of[0].kind == "contract"
    assert sorted(dep.of[0].contracts) == ["ergotherapie", "fysiotherapie"]
    assert all(n.incomplete for n in dep.of[1:])
    assert any(c.register_id == "cht-nl" for c in add.criterion.of if c.kind == "registered")


def test_doorlopende_overeenkomsten_have_no_end(text, policy):
    flat = normalise(section(text, "Let op: voor de overeenkomsten", "Dit betreffen doorlopende"))
    ids = {"Diëtetiek": "dietetiek", "Ergotherapie": "ergotherapie", "Fysiotherapie Basis": "fysiotherapie",
           "Fysiotherapie Intensief": "fysiotherapie", "Huidtherapie": "huidtherapie", "Logopedie": "logopedie",
           "Oefentherapie": "oefentherapie", "Poliklinische paramedische zorg": "poliklinische-paramedische-zorg"}
    named = [name for name in ids if name in flat]
    assert len(named) == 8
    for name in named:
        assert contract(policy, ids[name]).term.end is None, name
    # Generiek and preventieve voetzorg are renewed automatically and not negotiable.
    assert contract(policy, "preventieve-voetzorg").negotiable is False


def test_logopedie_two_tiers(text, policy):
    flat = normalise(text)
    assert "overeenkomst Logopedie Kwaliteitscyclus" in flat and "hoger tarief dan de standaard overeenkomst" in flat
    tiers = contract(policy, "logopedie").tiers
    assert [t.id for t in tiers] == ["kwaliteitscyclus", "standaard"]
    assert tiers[0].criterion.register_id == "kwaliteitscyclus-logopedie"


MIN_REQ_SECTIONS = [
    ("Fysiotherapie\n\nMinimumeisen voor een overeenkomst", "Criteria en typen overeenkomsten", "fysiotherapie"),
    ("Oefentherapie\n\nMinimumeisen voor een overeenkomst", "Behandelindex", "oefentherapie"),
    ("Logopedie\n\nMinimumeisen voor een overeenkomst", "Vrijwillige kwaliteitscyclus", "logopedie"),
    ("Ergotherapie\n\nMinimumeisen voor een overeenkomst", "Diëtetiek\n\nMinimumeisen", "ergotherapie"),
    ("Diëtetiek\n\nMinimumeisen voor een overeenkomst", "Huidtherapie\n\nMinimumeisen", "dietetiek"),
    ("Huidtherapie\n\nMinimumeisen voor een overeenkomst", "Preventieve voetzorg\n\nMinimumeisen", "huidtherapie"),
    ("Preventieve voetzorg\n\nMinimumeisen voor een overeenkomst", "Poliklinische paramedische zorg\n\nMinimumeisen",
     "preventieve-voetzorg"),
]


@pytest.mark.parametrize("start,end,cid", MIN_REQ_SECTIONS)
def test_one_requirement_per_minimum_bullet(text, policy, start, end, cid):
    bullets = section(text, start, end).count("•")
    own = [r for r in policy.requirements if cid in r.applies_to
           and r.cite.source is None and r.cite.section.startswith("Bijlagen > 2. Onze minimumeisen")]
    assert bullets and len(own) == bullets


def test_integrity_requirement_for_all(text, policy):
    assert "RIZ-portaal" in text
    req = [r for r in policy.requirements if r.applies_to == ["all"]]
    assert len(req) == 1 and req[0].theme == "integrity"


def test_logopedie_typo_is_noted(text, policy):
    block = normalise(section(text, "Logopedie\n\nMinimumeisen voor een overeenkomst", "Vrijwillige kwaliteitscyclus"))
    assert "verbijzonderde oefentherapeut" in block and "deelregister van de NVLF" in block
    node = by_id(policy, "logopedie-verbijzondering-nvlf")
    assert node.register_id == "nvlf-deelregister" and node.note == "logopedie-verbijzonderde-oefentherapeut"
    assert next(n for n in policy.source_notes if n.id == node.note).kind == "typo"


# --------------------------------------------------------------------------- selective procurement


def test_selective_procurement_rules(text, policy):
    block = normalise(section(text, "3. Criteria voor selectieve inkoop"))
    # COPD is bought from every contracted therapist ('kopen we bij alle ...'); the registration is
    # a request without consequence, so it is a requirement with consequence 'none', not a rule.
    requests = [r for r in policy.requirements if r.theme == "selective-procurement" and r.consequence == "none"]
    assert "kopen we bij alle gecontracteerde" in block and len(requests) == 1
    assert len(re.findall(r"\bkopen we\b", block)) == len(policy.selective_procurement) + len(requests) == 5
    # Poliklinische paramedische zorg follows the selective rules of these four care types.
    poli = normalise(section(text, "Voor de zorgsoorten ergotherapie, fysiotherapie, logopedie en", "Valpreventie"))
    assert "selectieve inkoopvoorwaarden" in poli
    for rule in policy.selective_procurement:
        if set(rule.care_types) & {"ergotherapie", "fysiotherapie", "logopedie", "oefentherapie"}:
            assert "poliklinische-paramedische-zorg" in rule.care_types, rule.id
    hand = next(r for r in policy.selective_procurement if r.id == "hand-en-vingerspalken")
    assert hand.via == "addendum-hand-en-vingerspalken"


def test_open_questions(text, policy):
    flat = normalise(text)
    assert "nog niet vastgesteld door het ministerie" in flat
    assert "Mogelijk wordt het KNGF-register op een later moment nog toegevoegd" in flat
    ids = {q.id for q in policy.open_questions}
    assert {"valpreventie-inkoop-2024", "kngf-register-toevoegen", "behandelindex-logopedie"} <= ids


# --------------------------------------------------------------------------- 2023 (partial)


def test_2023_is_partial_and_cites_the_2024_source(policy_2023):
    assert policy_2023.completeness == "partial" and policy_2023.completeness_note
    assert policy_2023.sources == ["vgz-paramedische-zorg-2024"]
    assert policy_2023.contract_years == [2023]


def test_2023_intensief_three_good_practices_without_keurmerk(text, policy_2023):
    flat = normalise(text)
    n = int(re.search(r"In 2023 was het alleen mogelijk .*? als een praktijk (\d+) Good Practices", flat).group(1))
    assert "In 2023 was inschrijving in het Praktijkenregister - label Keurmerk van het SKF geen minimumeis" in flat
    crit = tier(policy_2023, "fysiotherapie", "intensief").criterion
    assert crit.kind == "compare" and (crit.op, crit.value) == ("ge", n)
    assert not any(node.kind == "registered" and node.register_id == "skf-label-keurmerk" for node in walk(crit))


def test_2023_basis_kngf_basisregister(text, policy_2023):
    assert "In 2023 was een minimumeis dat de zorgaanbieder geregistreerd staat in het Basisregister" in normalise(text)
    crit = tier(policy_2023, "fysiotherapie", "basis").criterion
    assert crit.kind == "registered" and crit.register_id == "kngf-basisregister"


def test_2023_lacks_what_2024_introduced(text, policy_2023):
    flat = normalise(text)
    assert "Dit addendum boden we in 2023 niet aan" in flat
    assert "In 2023 hadden we geen overeenkomst met ParkinsonNet" in flat
    assert "In 2023 kochten we deze overeenkomst niet in" in flat
    ids = {c.id for c in policy_2023.contracts}
    assert not ids & {"addendum-hand-en-vingerspalken", "parkinsonnet-adz"}
    assert not any("valpreventie" in c.id for c in policy_2023.contracts)
    assert not policy_2023.deadlines


# --------------------------------------------------------------------------- addendum valpreventie (30-01-2024)

ADDENDUM = "vgz-fysiotherapie-2024-addendum-valpreventie"


@pytest.fixture(scope="module")
def addendum_text():
    return source_text(f"{ADDENDUM}.txt")


def _pages(addendum_text):
    """The extract's pages: {address: text}; each starts with '=== SOURCE: <address> ==='."""
    parts = re.split(r"^=== SOURCE: (\S+) ===$", addendum_text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2]))


def _amendment(policy):
    return next(a for a in policy.amendments if a.cite.source == ADDENDUM)


def test_addendum_is_a_dated_amendment_of_the_2024_policy(addendum_text, policy):
    news_date = dutch_dates(next(iter(_pages(addendum_text).values())))[0]
    am = _amendment(policy)
    assert am.date == news_date and ADDENDUM in policy.sources
    contracts = [c for c in policy.contracts if c.introduced_by == am.id]
    assert [c.id for c in contracts] == ["addendum-ketenaanpak-valpreventie"]
    add = contracts[0]
    # 'een overeenkomst Fysiotherapie of Oefentherapie': both care types, either contract
    assert "overeenkomst Fysiotherapie of Oefentherapie" in normalise(addendum_text)
    assert sorted(add.care_types) == ["fysiotherapie", "oefentherapie"]
    assert add.criterion.kind == "contract" and sorted(add.criterion.contracts) == ["fysiotherapie", "oefentherapie"]


def test_cut_off_text_leaves_the_addendum_incomplete(addendum_text, policy):
    pages = _pages(addendum_text)
    assert len(pages) == 2 and all(page.rstrip().endswith("[...]") for page in pages.values())  # both break off
    add = contract(policy, "addendum-ketenaanpak-valpreventie")
    assert add.incomplete
    notes = [n for n in policy.source_notes if n.cite.source == ADDENDUM and n.kind == "omission"]
    assert len(notes) == 2  # one per page that breaks off


def test_addendum_cites_carry_the_section_address(addendum_text, policy):
    pages = _pages(addendum_text)
    cites = [c.cite for c in policy.contracts + policy.requirements + policy.deadlines + policy.source_notes
             + policy.clauses + policy.tariffs + policy.amendments if c.cite.source == ADDENDUM]
    assert len(cites) >= 8 and all(c.url in pages for c in cites)
    for c in cites:  # the first heading of a cite is the page's own title
        title = pages[c.url].strip().splitlines()[0].strip()
        assert c.section.split(" > ")[0] == title, c.section


def test_addendum_answers_the_open_questions_and_adds_its_deadlines(policy):
    am = _amendment(policy)
    answered = [q for q in policy.open_questions if q.answered_by == am.id]
    assert {q.id for q in answered} == {"valpreventie-inkoop-2024", "valpreventie-gevolgen-inkoopbeleid"}
    assert all(q.answer for q in answered)
    added = [d for d in policy.deadlines if d.introduced_by == am.id]
    assert {d.when.kind for d in added} <= {"date", "range"} and len(added) == 3
    assert any(d.when.kind == "date" and d.when.date == am.date for d in added)  # the announcement
    assert any(d.when.kind == "range" and d.when.start == date(2024, 1, 1) for d in added)  # 'vanaf 1 januari 2024'
    assert next(c for c in policy.changes if c.id == "wijziging-valpreventie").refs[-1] == "addendum-ketenaanpak-valpreventie"
