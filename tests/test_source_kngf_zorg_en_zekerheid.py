"""Ties the Zorg en Zekerheid 2024 policy (known from the KNGF analysis) to the source text."""
from __future__ import annotations

import re
from datetime import date, timedelta

from tests.sourcetext import deadline_dates, dutch_dates, normalise, policy_fixture, section, text_fixture
from generator.model import iter_criteria

SOURCE = "kngf-analyse-zorg-en-zekerheid-fysiotherapie-2024.txt"
KEY = "zorg-en-zekerheid/paramedische-zorg-2024"


text = text_fixture(SOURCE)
policy = policy_fixture(KEY, "policy")


_walk = iter_criteria  # every criterion node, parents first


def _tier(policy, tier_id):
    contract = next(c for c in policy.contracts if c.id == "fysiotherapie")
    return next(t for t in contract.tiers if t.id == tier_id)


def _leaves(policy, tier_id, fact):
    return [c for c in _walk(_tier(policy, tier_id).criterion) if getattr(c, "fact", None) == fact]


# --------------------------------------------------------------------------- planning


def test_every_row_of_the_timeline_is_a_deadline(text, policy):
    table = section(text, "9 Tijdpad voor contractering")
    rows = dutch_dates(table)
    assert len(rows) == 5
    assert set(rows) <= deadline_dates(policy)
    cited = [d for d in policy.deadlines if d.cite.section.startswith("9 Tijdpad")]
    assert len(cited) == len(rows)


def test_timeline_dates_outside_the_contract_year_carry_a_note(text, policy):
    rows = dutch_dates(section(text, "9 Tijdpad voor contractering"))
    odd = {d for d in rows if d.year < policy.contract_years[0] - 1}
    assert odd, "the timeline is expected to contain 2022 dates"
    for dl in policy.deadlines:
        if dl.when.kind == "date" and dl.when.date in odd:
            assert dl.note, f"deadline {dl.id} ({dl.when.date}) needs a source note"
            kinds = {n.kind for n in policy.source_notes if n.id == dl.note}
            assert kinds == {"inconsistency"}


def test_signing_date_of_section_3_is_a_deadline(text, policy):
    part = section(text, "3. Uiterste tekendatum", "4. Uitgebreide analyse")
    dates = dutch_dates(part)
    assert dates
    assert set(dates) <= deadline_dates(policy)


def test_questionnaire_date_in_running_text(text, policy):
    part = normalise(section(text, "Vragenlijst voor overeenkomst", "Overeenkomst basisvoorwaarden"))
    m = re.search(r"Uiterlijk (\d{1,2}) oktober", part)
    assert m
    day = int(m.group(1))
    matches = [d for d in policy.deadlines if d.when.kind == "date"
               and (d.when.date.month, d.when.date.day) == (10, day)]
    assert matches and all(d.when.bound == "by" for d in matches)


def test_dates_in_change_list_are_encoded(text, policy):
    part = section(text, "2. Wijzigingen ten opzichte van 2023", "3. Uiterste tekendatum")
    dates = dutch_dates(part)
    assert date(2026, 1, 1) in dates
    assert re.search(r"vóór 1 januari 2026", normalise(part))
    # 'vóór <date>' is strictly before: a registration held on the day before, in both tiers
    # that ask for the collaboration, and a deadline bounded 'before'.
    held_days = {t.id: {c.on for c in _walk(t.criterion) if c.kind == "held"} for r in policy.contracts
                 for t in r.tiers if t.criterion}
    for d in dates:
        assert d in deadline_dates(policy)
        assert all(d - timedelta(days=1) in held_days[t] for t in ("tariefgroep-a", "tariefgroep-b"))
        assert all(dl.when.bound == "before" for dl in policy.deadlines
                   if dl.when.kind == "date" and dl.when.date == d)


# --------------------------------------------------------------------------- changes


def test_every_bullet_of_the_change_list_is_a_change(text, policy):
    part = section(text, "2. Wijzigingen ten opzichte van 2023", "3. Uiterste tekendatum")
    bullets = re.findall(r"^\s*•", part, flags=re.MULTILINE)
    assert len(policy.changes) == len(bullets)
    years = re.search(r"Wijzigingen ten opzichte van (\d{4})", part)
    for ch in policy.changes:
        assert ch.from_year == int(years.group(1))
        assert ch.to_year == policy.contract_years[0]


# --------------------------------------------------------------------------- contract and tiers


def test_three_tiers_best_first(text, policy):
    m = re.search(r"drie tariefgroepen voor fysiotherapie \(([A-C]), ([A-C]), ([A-C])\)", normalise(text))
    assert m
    assert len(policy.contracts) == 1
    names = [t.name for t in policy.contracts[0].tiers]
    assert names == [f"Tariefgroep {x}" for x in sorted(m.groups())]


def test_term_is_three_years(text, policy):
    m = re.search(r"looptijd van (\d) jaar \((\d{4})-\d{4}-(\d{4})\)", normalise(text))
    assert m
    term = policy.contracts[0].term
    assert (term.start, term.end) == (int(m.group(2)), int(m.group(3)))
    assert term.end - term.start + 1 == int(m.group(1))


def test_behandelindex_thresholds(text, policy):
    table = normalise(section(text, "5. Differentiatie-overzicht", "6 Wat spreekt ons aan?"))
    c_value = int(re.search(r"Doelmatigheid van zorg ≤\s*(\d+)", table).group(1))
    # C's limit is the lowest demand of the three, so it is the contract's own condition
    contract = policy.contracts[0]
    index = [c for c in _walk(contract.criterion) if getattr(c, "fact", None) == "behandelindex"]
    assert [c.value for c in index if c.kind == "compare"] == [c_value]
    assert _tier(policy, "tariefgroep-c").criterion is None and contract.exhaustive
    assert table.count("wordt op korte termijn bekend gemaakt") == 2
    for tier in ("tariefgroep-a", "tariefgroep-b"):
        leaves = [c for c in _leaves(policy, tier, "behandelindex") if c.kind == "compare"]
        assert leaves and all(c.value is None for c in leaves)
    # the analysis is silent on a practice without an index: that branch is open (incomplete), never a 'no'
    for node in (contract.criterion, *(_tier(policy, t).criterion for t in ("tariefgroep-a", "tariefgroep-b"))):
        absent = [c for c in _walk(node) if getattr(c, "kind", None) == "all" and c.incomplete
                  and [(x.kind, getattr(x, "fact", None), getattr(x, "year", None)) for x in c.of]
                  == [("absent", "behandelindex", 2022)]]
        assert len(absent) == 1 and absent[0].note == "geen-behandelindex-onbekend"
    question = policy.open_questions[0]
    assert {"tariefgroep-a", "tariefgroep-b"} <= set(question.refs)


def test_specialisation_numbers(text, policy):
    table = normalise(section(text, "5. Differentiatie-overzicht", "6 Wat spreekt ons aan?"))
    pct = int(re.search(r"tenminste (\d+)% van het totaal", table).group(1))
    assert [c.value for c in _leaves(policy, "tariefgroep-a", "aandeel_verbijzonderde_fysiotherapeuten")] == [pct]
    assert re.search(r"minimaal drie gespecialiseerde fysiotherapeuten", table)
    assert [c.value for c in _leaves(policy, "tariefgroep-a", "aantal_gespecialiseerde_fysiotherapeuten")] == [3]
    assert re.search(r"Minimaal twee fysiotherapeuten bieden verbijzonderde", table)
    assert [c.value for c in _leaves(policy, "tariefgroep-a", "aantal_verbijzonderde_fysiotherapeuten")] == [2]
    assert re.search(r"Tenminste één fysiotherapeut biedt verbijzonderde", table)
    assert [c.value for c in _leaves(policy, "tariefgroep-b", "aantal_verbijzonderde_fysiotherapeuten")] == [1]
    assert re.search(r"minimaal twee specialismen", table)
    assert [c.value for c in _leaves(policy, "tariefgroep-b", "aantal_specialismen")] == [2]


def test_tier_only_criteria(text, policy):
    table = normalise(section(text, "5. Differentiatie-overzicht", "6 Wat spreekt ons aan?"))
    # Certification: "Niet van toepassing Niet van toepassing Ja" -> only A.
    assert re.search(r"Keurmerk’ Niet van toepassing Niet van toepassing Ja", table)
    registers = {t.id: {c.register_id for c in _walk(t.criterion) if c.kind == "registered"}
                 for t in policy.contracts[0].tiers}
    assert {"hkz", "skf-label-keurmerk"} <= registers["tariefgroep-a"]
    assert not {"hkz", "skf-label-keurmerk"} & registers["tariefgroep-b"]
    # Earlier contract: "Niet van toepassing Ja Ja" -> A and B; the year is the one in the table.
    m = re.search(r"Eerdere overeenkomst Z&Z in (\d{4}) Niet van toepassing Ja Ja", table)
    assert m
    fact = f"overeenkomst_zz_fysiotherapie_{m.group(1)}"
    assert _leaves(policy, "tariefgroep-a", fact) and _leaves(policy, "tariefgroep-b", fact)
    assert not _leaves(policy, "tariefgroep-c", fact)
    # Regional collaborations named in the table appear as registers in B.
    for name in re.search(r"geldt: (\w+), (\w+) of (\w+)\)", table).groups():
        assert name.lower() in registers["tariefgroep-b"]


def test_every_base_condition_is_a_requirement(text, policy):
    part = section(text, "Overeenkomst basisvoorwaarden", "Differentiatievoorwaarden")
    bullets = re.findall(r"^\s*•", part, flags=re.MULTILINE)
    assert len(policy.requirements) == len(bullets)


# --------------------------------------------------------------------------- selective procurement


def test_selective_procurement_conditions(text, policy):
    part = normalise(section(text, "Selectieve inkoop", "BehandelIndex"))
    conditions = {r.condition.lower() for r in policy.selective_procurement}
    for word in ("parkinson", "claudicatio intermittens", "copd"):
        assert word in part.lower()
        assert any(word in c for c in conditions), word
    assert len(policy.selective_procurement) == 3
