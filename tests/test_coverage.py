"""Ties between the data and its source texts, for every policy and every source alike.

* ``inkoopwijzer coverage`` finds nothing unaccounted for in any policy (every date and number
  with a unit in a source is encoded or deliberately listed under ``not_encoded``; every cited
  heading occurs in its source; every cited address is one of an extract's section addresses);
* the knowledge a reader has of a source (its planning table has nine rows, its change annex
  six) is data: ``ties`` in the boundary tables, checked here for any policy;
* the check itself is tested on a small source of its own, so it cannot pass vacuously.

The extracted texts live outside the repository (``../shared/sources`` or INKOOPWIJZER_SOURCES);
without them the source checks are skipped, never faked.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import coverage
from generator.validate import load_catalog

from .tree import make_tree

REPO = Path(__file__).resolve().parent.parent
SOURCES = coverage.sources_dir(REPO / "policies")
ITEMS = ("requirements", "contracts", "selective_procurement", "deadlines", "changes", "tariffs",
         "open_questions", "source_notes", "clauses", "amendments")


def sources_or_skip() -> Path:
    if not SOURCES.is_dir():
        pytest.skip(f"source texts not available at {SOURCES} (set INKOOPWIJZER_SOURCES)")
    return SOURCES


def policy_keys() -> list[str]:
    return sorted(f"{p.parent.name}/{p.stem}" for p in (REPO / "policies").glob("*/*.yaml")
                  if p.name != "index.yaml" and p.parent.name != "registry")


@pytest.mark.parametrize("key", policy_keys())
def test_every_date_and_number_of_the_sources_is_accounted_for(catalog, key: str):
    folder = sources_or_skip()
    problems = coverage.check(catalog, REPO / "policies", "policies", folder, {key})
    assert not problems, "\n".join(map(str, problems))


# ------------------------------------------------------------------ ties: a reader's counts, as data

def ties() -> list[tuple[str, str, dict]]:
    out = []
    for path in sorted((REPO / "tests" / "boundaries").rglob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            for tie in (doc or {}).get("ties") or []:
                out.append((str(path.relative_to(REPO)), doc["policy"], tie))
    return out


TIES = ties()


def _cited(items, section: str) -> list:
    return [item for item in items if item.cite.section == section or item.cite.section.startswith(section + " > ")]


@pytest.mark.parametrize("table, policy, tie", TIES, ids=[f"{t[1]}:{t[2]['items']}:{t[2]['section']}" for t in TIES])
def test_tie_between_a_source_section_and_the_data(catalog, table: str, policy: str, tie: dict):
    """``ties: [{section, items, count, source: {line, says}}]``: the number of items of that kind
    citing that section (or a subsection) is the number of rows or entries the source shows."""
    rec = catalog.policies[policy]
    if tie["items"] == "tiers":
        items = [t for c in rec.policy.contracts for t in c.tiers]
    else:
        assert tie["items"] in ITEMS, f"{table}: unknown item kind {tie['items']!r}"
        items = getattr(rec.policy, tie["items"])
    found = _cited(items, tie["section"])
    assert len(found) == tie["count"], (f"{table}: {len(found)} {tie['items']} cite '{tie['section']}', "
                                        f"the source shows {tie['count']} ({tie.get('source', {}).get('says', '')}): "
                                        f"{[i.id for i in found]}")


def test_every_policy_with_a_source_text_has_ties(catalog):
    """The source-specific knowledge moved from Python test modules into data: every policy
    whose source has a planning or change table says how many rows it has."""
    with_ties = {policy for _, policy, _ in TIES}
    missing = [key for key, rec in catalog.policies.items()
               if rec.policy.completeness == "full" and key not in with_ties]
    assert not missing, f"no ties for {missing}"


# ------------------------------------------------------------------ how every source relates to its policies

def test_a_change_list_compares_a_policy_with_the_year_before_it(catalog):
    """A source's change list ('wijzigingen ten opzichte van vorig jaar') leads from the year
    before the policy's first contract year into that year."""
    wrong = [f"{key}: {ch.id} {ch.from_year}->{ch.to_year}" for key, rec in sorted(catalog.policies.items())
             for ch in rec.policy.changes
             if (ch.from_year, ch.to_year) != (rec.policy.contract_years[0] - 1, rec.policy.contract_years[0])]
    assert not wrong, "changes not against the previous year:\n" + "\n".join(wrong)


def test_a_source_describes_at_most_one_policy_in_full(catalog):
    """A policy document describes its own years in full; the earlier years it mentions in passing
    (a 'Beleid 2023' column, a change list, running contracts) become partial policies, never a
    second full one, and never a later one than the document's own."""
    by_source: dict[str, list] = {}
    for key, rec in catalog.policies.items():
        for source in rec.policy.sources:
            by_source.setdefault(source, []).append((rec.policy.contract_years[-1], key, rec.policy.completeness))
    wrong = []
    for source, policies in sorted(by_source.items()):
        full = [(last, key) for last, key, completeness in policies if completeness == "full"]
        if len(full) > 1:
            wrong.append(f"{source}: {len(full)} full policies {sorted(k for _, k in full)}")
        elif full:
            later = [key for last, key, _ in policies if last > full[0][0]]
            wrong += [f"{source}: partial {key} is later than the full {full[0][1]}" for key in later]
    assert not wrong, "\n".join(wrong)


def test_what_an_addendum_document_adds_is_marked_as_added_by_it(catalog):
    """An amendment published as a document of its own (an addendum, a news item): every contract,
    requirement and deadline taken from that document is `introduced_by` it, so the policy page
    and the calendar show it as added on the amendment's date."""
    wrong = []
    for key, rec in sorted(catalog.policies.items()):
        p = rec.policy
        own = {(a.cite.source or p.sources[0]): a.id for a in p.amendments}
        for source, amendment in own.items():
            if source == p.sources[0]:
                continue  # an amendment inside the policy's own document marks what it says item by item
            for kind in ("contracts", "requirements", "deadlines"):
                wrong += [f"{key}: {kind} {item.id} cites {source} but is not introduced by {amendment}"
                          for item in getattr(p, kind)
                          if (item.cite.source or p.sources[0]) == source and item.introduced_by != amendment]
    assert not wrong, "\n".join(wrong)


# ------------------------------------------------------------------ the check on a source of its own

SOURCE_TEXT = """Inkoopbeleid Fysiotherapie 2026
1 Inleiding
Dit beleid geldt voor 2026.
2 Minimumeisen
Alle fysiotherapeuten staan in het BIG-register. De behandelindex ligt tussen 40 en 110.
3 Overeenkomst
Tariefgroepen
Tariefgroep A bij een behandelindex tot het 70e percentiel. Ten minste 30 patiënten per jaar.
4 Module Kwaliteit
5 Selectieve inkoop
6 Planning
Publicatie op 1 april 2025; ondertekenen uiterlijk 10 november 2025 17:00 uur (was 3 november 2025).
Inschrijven van 16 juni 2025 tot en met 8 september 2025, in september 2025 besluit.
7 Tarieven
Indexatie 3,5%.
Wijziging 1 oktober 2025
Een rekenvoorbeeld: 250 patiënten geeft € 12.500.
1 Wijzigingen
"""


@pytest.fixture()
def own_source(tmp_path: Path):
    policies = make_tree(tmp_path)
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "acme-fysiotherapie-2026.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    return policies, folder


def run(policies: Path, folder: Path) -> list:
    cat, problems = load_catalog(policies, "policies")
    assert cat is not None, problems
    return coverage.check(cat, policies, "policies", folder)


def test_an_unencoded_example_figure_is_reported_at_its_line(own_source):
    policies, folder = own_source
    problems = run(policies, folder)
    lines = {(p.line, p.message.split("'")[1]) for p in problems}
    assert (17, "250 patiënten") in lines and any(text.startswith("€ 12.500") for _, text in lines)
    assert all(p.file.endswith("acme-fysiotherapie-2026.txt") for p in problems)


def test_not_encoded_excuses_a_line_and_a_stale_one_is_reported(own_source):
    policies, folder = own_source
    policy = policies / "acme" / "fysiotherapie-2026.yaml"
    policy.write_text(policy.read_text(encoding="utf-8") + (
        "not_encoded:\n"
        "  - {text: 'Een rekenvoorbeeld', reason: Een voorbeeld in de bron.}\n"
        "  - {text: 'Deze zin staat er niet', reason: Verouderd.}\n"), encoding="utf-8")
    problems = run(policies, folder)
    assert not [p for p in problems if p.line == 17 and p.file.endswith(".txt")]
    (stale,) = [p for p in problems if p.path == "not_encoded[1].text"]
    assert "no longer excuses anything" in stale.message


def test_a_cited_heading_that_is_not_in_the_source_is_located_in_the_policy(own_source):
    policies, folder = own_source
    (folder / "acme-fysiotherapie-2026.txt").write_text(SOURCE_TEXT.replace("4 Module Kwaliteit\n", ""),
                                                          encoding="utf-8")
    problems = run(policies, folder)
    headings = [p for p in problems if "does not occur" in p.message]
    assert headings and all(p.file == "policies/acme/fysiotherapie-2026.yaml" for p in headings)
    assert "'4 Module Kwaliteit'" in headings[0].message and headings[0].line > 1


def test_a_missing_source_file_is_reported(own_source):
    policies, folder = own_source
    (folder / "acme-fysiotherapie-2026.txt").unlink()
    (problem,) = run(policies, folder)
    assert "is missing" in problem.message and problem.path == "sources.acme-fysiotherapie-2026"


def test_the_command_line_exits_one_with_located_lines(own_source, tmp_path: Path):
    policies, folder = own_source
    proc = subprocess.run([sys.executable, "-m", "generator", "coverage", "--policies", str(policies),
                           "--sources", str(folder)], capture_output=True, text=True, cwd=tmp_path,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert proc.returncode == 1
    assert "sources/acme-fysiotherapie-2026.txt:17:" in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].endswith("problem(s) in 1 policies")


def test_dates_and_numbers_are_found_across_line_breaks():
    text = "De index moet ten\nminste 40 zijn, uiterlijk 1\njuli 2023 en € 250.000 of 7,77%."
    found = {(m.kind, m.value) for m in coverage.mentions(text)}
    assert ("number", 40.0) in found and ("number", 250000.0) in found and ("number", 7.77) in found
    from datetime import date
    assert ("date", date(2023, 7, 1)) in found
