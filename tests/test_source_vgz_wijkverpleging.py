"""Tie the VGZ wijkverpleging policies (2023, 2024) to the text of their source document."""
from __future__ import annotations

import re
from datetime import date

import pytest

from tests.sourcetext import deadline_dates, dutch_dates, normalise, policy_fixture, section, text_fixture

SOURCE = "vgz-wijkverpleging-2024.txt"
KEY_2024 = "vgz/wijkverpleging-2024"
KEY_2023 = "vgz/wijkverpleging-2023"

PLANNING = "Planning zorginkoop > Belangrijke acties en deadlines > "
# (section heading in the source, next heading, cite suffix in the data)
TABLES = [
    ("Voor alle overeenkomsten wijkverpleging", " Nieuwe zorgaanbieders", "Voor alle overeenkomsten wijkverpleging"),
    (" Nieuwe zorgaanbieders\n\n2023 Datum", "Extra afspraken", "Nieuwe zorgaanbieders"),
    ("Extra afspraken \n\n2023 Datum", "Bekendmaking gecontracteerd zorgaanbod", "Extra afspraken"),
]
# A table row starts on a new line with a date, optionally after 'Uiterlijk', 'Van' or 'Vanaf';
# a line that only continues a date range ('... tot en met' + newline + date) is not a new row.
ROW_START = re.compile(
    r"^(?:Uiterlijk |Van |Vanaf )?\d{1,2} (?:januari|februari|maart|april|mei|juni|juli|augustus|"
    r"september|oktober|november|december) \d{4}"
)


def table_rows(table: str) -> list[str]:
    rows, previous = [], ""
    for line in table.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if ROW_START.match(stripped) and not re.search(r"\b(?:tot en met|tot)$", previous):
            rows.append(stripped)
        previous = stripped
    return rows


text = text_fixture(SOURCE)
p2024 = policy_fixture(KEY_2024, "p2024")
p2023 = policy_fixture(KEY_2023, "p2023")


def leaves(crit):
    """All leaf criteria below a criterion (depth first)."""
    if crit is None:
        return []
    if crit.kind in ("all", "any"):
        return [leaf for child in crit.of for leaf in leaves(child)]
    if crit.kind == "not":
        return leaves(crit.of)
    return [crit]


def all_leaves(policy):
    out = []
    for req in policy.requirements:
        out += leaves(req.criterion)
    for c in policy.contracts:
        out += leaves(c.criterion)
        for t in c.tiers:
            out += leaves(t.criterion)
    for rule in policy.selective_procurement:
        out += leaves(rule.requirement)
    return out


def compare_values(policy, fact: str) -> set:
    return {leaf.value for leaf in all_leaves(policy) if leaf.kind == "compare" and leaf.fact == fact}


def amount(raw: str) -> float:
    """Dutch number text ('2.500.000', '7,77') as a number."""
    return float(raw.replace(".", "").replace(",", "."))


# ------------------------------------------------------------------ planning tables


@pytest.mark.parametrize("start,end,cite", TABLES)
def test_every_planning_row_is_a_deadline(text, p2024, start, end, cite):
    table = section(text, start, end)
    rows = table_rows(table)
    assert rows, f"no rows found in table {cite!r}"
    ours = [d for d in p2024.deadlines if d.cite.section == PLANNING + cite]
    assert len(ours) == len(rows), f"{cite}: {len(rows)} rows in the source, {len(ours)} deadlines"
    mine = deadline_dates(type("P", (), {"deadlines": ours})())
    missing = set(dutch_dates(table)) - mine
    assert not missing, f"{cite}: dates in the table without a deadline: {sorted(missing)}"


@pytest.mark.parametrize("start,end,cite", TABLES)
def test_each_row_starts_on_its_deadline(text, p2024, start, end, cite):
    rows = table_rows(section(text, start, end))
    firsts = sorted(dutch_dates(row)[0] for row in rows)
    ours = [d for d in p2024.deadlines if d.cite.section == PLANNING + cite]
    starts = sorted(d.when.date if d.when.kind == "date" else d.when.start for d in ours)
    assert starts == firsts


@pytest.mark.parametrize("start,end,cite", TABLES)
def test_planning_times_match_the_table(text, p2024, start, end, cite):
    table = section(text, start, end)
    with_time = len(re.findall(r"17:00", table))
    ours = [d for d in p2024.deadlines if d.cite.section == PLANNING + cite]
    timed = [d for d in ours if getattr(d.when, "time", None) == "17:00" or getattr(d.when, "end_time", None) == "17:00"]
    assert len(timed) == with_time


def test_running_text_dates_are_deadlines(text, p2024):
    mine = deadline_dates(p2024)
    parts = [
        section(text, "Onplanbare nachtzorg is de niet-planbare zorg", "Herkenbare en Aanspreekbare wijkverpleging"),
        section(text, "Transparantie en maatwerk", "Afspraken waarvoor aanvullende minimumeisen gelden"),
        section(text, "Zo kopen wij zorg in bij nieuwe zorgaanbieders", "Onze zorgplicht"),
        section(text, "Bekendmaking gecontracteerd zorgaanbod", "Onze bereikbaarheid"),
        section(text, "U ontvangt een nieuw contractaanbod", "Datum 23-10-2023"),
    ]
    for part in parts:
        missing = set(dutch_dates(part)) - mine
        assert not missing, f"dates without a deadline: {sorted(missing)}"


def test_amendment_deadlines_are_marked(text, p2024):
    amendment = p2024.amendments[0]
    assert amendment.date.isoformat() == "2023-10-23"
    assert "Datum 23-10-2023" in text
    new_rows = [d for d in p2024.deadlines
                if d.cite.section == PLANNING + TABLES[0][2] and d.introduced_by == amendment.id]
    table = section(text, TABLES[0][0], TABLES[0][1])
    assert len(new_rows) == normalise(table).count("extra tariefopslag")


# ------------------------------------------------------------------ changes and contracts


def test_every_change_annex_row_is_a_change(text, p2024):
    annex = section(text, "Onderwerp Beleid 2023 Beleid 2024", "Bijlagen\n 2.")
    blocks = [b.strip() for b in annex.split("\n\n")[1:] if b.strip()]
    assert len(p2024.changes) == len(blocks)
    assert {b.split()[0] for b in blocks} == {c.subject.split()[0] for c in p2024.changes}
    assert all((c.from_year, c.to_year) == (2023, 2024) for c in p2024.changes)


def test_contract_types_match_the_list(text, p2024):
    match = re.search(r"hanteren we (\d) soorten overeenkomsten:\n((?:• .*\n)+)", text)
    assert match
    listed = [line for line in match.group(2).splitlines() if line.startswith("• ")]
    assert int(match.group(1)) == len(listed)
    main = next(c for c in p2024.contracts if c.id == "wijkverpleging")
    zzp = [c for c in p2024.contracts if c.id == "zzp" and c.kind == "contract"]
    assert len(main.tiers) + len(zzp) == len(listed)
    # best first: plus, standaard, cliëntvolgend, in the source's order
    assert [t.name.split()[0].lower()[:5] for t in main.tiers] == [
        line[2:].strip().lower()[:5] for line in listed[:3]]


def test_looptijd_of_plus_contracts(text, p2024, p2023):
    flat = normalise(text)
    now = int(re.search(r"die we in 2024 afsluiten, hebben een looptijd van (\d+) jaar", flat).group(1))
    before = int(re.search(r"in 2023 zijn afgesloten hebben een looptijd van (\d+) jaar", flat).group(1))
    main24 = next(c for c in p2024.contracts if c.id == "wijkverpleging")
    plus23 = next(c for c in p2023.contracts if c.id == "plus-2023")
    assert main24.term.end - main24.term.start + 1 == now
    assert plus23.term.end - plus23.term.start + 1 == before
    # the 2023 plus contracts keep running into 2024 without being copied
    assert [(c.policy, c.contracts) for c in p2024.continues] == [(KEY_2023, ["plus-2023"])]


def test_innovatiebudget_needs_one_of_the_three_variants(text, p2024):
    annex = normalise(section(text, "II.  Minimumeisen voor Innovatiebudget", "III. Minimumeisen"))
    assert "pluscontract" in annex and "standaardcontract" in annex and "cliëntvolgend contract" in annex
    budget = next(c for c in p2024.contracts if c.id == "innovatiebudget")
    dep = next(leaf for leaf in leaves(budget.criterion) if leaf.kind == "contract")
    # the contract Wijkverpleging is exhaustive: every holder has one of exactly these three variants;
    # a plus contract of 2023 runs on in 2024 (continued from the 2023 policy) and counts as well
    assert dep.contracts == ["wijkverpleging", "plus-2023"]
    assert any("plus-2023" in c.contracts for c in p2024.continues)
    main = next(c for c in p2024.contracts if c.id == "wijkverpleging")
    assert main.exhaustive
    assert [t.id for t in main.tiers] == ["plus", "standaard", "clientvolgend"]


# ------------------------------------------------------------------ thresholds


def test_revenue_threshold(text, p2024):
    flat = normalise(text)
    value = amount(re.search(r"Bij een omzet groter dan € ([\d.]+) vergelijken", flat).group(1))
    assert compare_values(p2024, "omzet_verzekeraar") == {value}
    ceiling = amount(re.search(r"zorgkostenplafond van maximaal € ([\d.]+)", flat).group(1))
    assert next(t for t in p2024.tariffs if t.id == "plafond-clientvolgend").value == ceiling


@pytest.mark.parametrize("pattern,fact", [
    (r"maximaal (\d+)% van de zorg door onderaannemers", "aandeel_onderaanneming"),
    (r"minimaal € ([\d.]+) \(per gebeurtenis\)", "aansprakelijkheid_verzekerd_bedrag"),
    (r"minimaal (\d+) fte indicerend wijkverpleegkundige", "fte_indicerend_niveau6_loondienst"),
    (r"aan maximaal (\d+) zorgaanbieders verbonden", "aantal_aanbieders_per_indicerend_vpk"),
    (r"maximaal uit (\d+)% ‘ander zorgpersoneel’", "aandeel_ander_zorgpersoneel"),
    (r"Minimaal (\d+) fte is in loondienst", "fte_zorgpersoneel_loondienst"),
    (r"minimaal (\d+) VGZ-verzekerden", "max_verzekerden_verzekeraar_postcodegebied"),
    (r"aan minimaal (\d+) verschillende cliënten", "aantal_clienten"),
])
def test_minimum_requirement_thresholds(text, p2024, pattern, fact):
    match = re.search(pattern, normalise(text))
    assert match, pattern
    assert compare_values(p2024, fact) == {amount(match.group(1))}


def test_price_indexation(text, p2024):
    flat = normalise(text)
    nza = amount(re.search(r"vanuit de NZa is (\d+,\d+)%", flat).group(1))
    extra = amount(re.search(r"verhoging toe van (\d+,\d+)%", flat).group(1))
    total = amount(re.search(r"uitkomt op (\d+,\d+)%", flat).group(1))
    assert round(nza + extra, 2) == total
    index = next(t for t in p2024.tariffs if t.id == "prijsindexatie-2024")
    assert (index.value, index.previous_value, index.amended_by) == (total, nza, p2024.amendments[0].id)
    assert next(t for t in p2024.tariffs if t.id == "verhoging-indexatie-2024").value == extra


def test_plafond_increase_threshold(text, p2024):
    share = int(re.search(r"wanneer (\d+)% van het zorgkostenplafond is bereikt", normalise(text)).group(1))
    assert next(t for t in p2024.tariffs if t.id == "ophoging-zorgkostenplafond").value == share


# ------------------------------------------------------------------ lists in the annex


def test_onberispelijk_gedrag_parts(text, p2024):
    part = section(text, "Om te beoordelen of er sprake is van onberispelijk gedrag",
                   "• De zorgaanbieder voldoet aan de eisen uit de bestuursverklaring")
    headings = re.findall(r"^• ", part, re.MULTILINE)
    items = re.findall(r"^ - ", part, re.MULTILINE)
    req = next(r for r in p2024.requirements if r.id == "onberispelijk-gedrag")
    signals = next(node for node in req.criterion.of if node.id == "onberispelijk-signalen")
    assert len(signals.of) == len(headings)
    assert len(leaves(signals)) == len(items)


def test_ptz_requirements(text, p2024):
    part = section(text, "Minimumeisen voor Palliatief Terminale Zorg (PTZ)", "Minimumeisen voor Herkenbare")
    bullets = re.findall(r"^• ", part, re.MULTILINE)
    rule = next(r for r in p2024.selective_procurement if r.id == "selectief-ptz")
    assert len(leaves(rule.requirement)) == len(bullets)


def test_anders_werken_aids_are_named(text, p2024):
    part = section(text, "I. Minimumeisen om in aanmerking te komen", "II.  Minimumeisen")
    aids = re.findall(r"• [IV]+> (.+?)\s*$", part, re.MULTILINE)
    assert len(aids) == 4
    req = next(r for r in p2024.requirements if r.id == "anders-werken-hulpmiddelen")
    for aid in aids:
        assert aid.lower() in req.text.lower(), aid


def test_zzp_contract_ends_before_2025(text, p2024):
    assert "per 1 januari 2025 geen overeenkomsten meer" in normalise(text)
    zzp = next(c for c in p2024.contracts if c.id == "zzp")
    assert zzp.negotiable is False
    assert zzp.term.end_date == date(2024, 12, 31)
    end = next(d for d in p2024.deadlines if d.id == "einde-zzp-overeenkomsten")
    assert (end.when.date, end.when.bound, end.applies_to) == (date(2025, 1, 1), "on", ["zzp"])
    assert end.note  # outside the window of contract year 2024: kept with a source note


def test_amendment_introduces_and_moves_exactly_what_the_source_says(text, p2024):
    flat = normalise(text)
    amendment = p2024.amendments[0]
    # 'vóór 22 december 2023 17.00 uur' accept the new offer: strictly before
    assert "Accepteert u het nieuwe aanbod niet vóór 22 december 2023 17.00 uur" in flat
    accept = next(d for d in p2024.deadlines if d.id == "acceptatie-nieuw-aanbod")
    assert (accept.when.date, accept.when.time, accept.when.bound) == (date(2023, 12, 22), "17:00", "before")
    # the agreement deadline 'verandert niet': not touched by the amendment
    assert "verandert niet en blijft staan op 22 december 2023 17.00 uur" in flat
    agree = next(d for d in p2024.deadlines if d.id == "overeenstemming")
    assert agree.when.bound == "by" and agree.introduced_by is None and agree.amended_by is None
    # three new moments, none moved: the source gives no earlier value for any date
    assert sorted(d.id for d in p2024.deadlines if d.introduced_by == amendment.id) == [
        "aanbod-extra-tariefopslag", "acceptatie-nieuw-aanbod", "reageren-aanbod-extra-tariefopslag"]
    assert not any(d.amended_by or d.previous for d in p2024.deadlines)


def test_2023_is_partial_and_cites_the_2024_document(p2023):
    assert p2023.completeness == "partial"
    assert p2023.contract_years == [2023]
    assert p2023.sources == ["vgz-wijkverpleging-2024"]
