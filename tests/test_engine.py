"""The eligibility engine: Kleene logic, profiles, tiers, dependencies, parity with Pyodide."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.bundle import engine_bundle
from generator.engine import MET, NOT_MET, UNKNOWN, ProfileError, evaluate
from generator.engine.logic import k_and, k_not, k_or
from generator.render.checker import engine_archive
from generator.validate import load_catalog

from .tree import make_tree

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def fixture_bundle(tmp_path_factory):
    cat, problems = load_catalog(make_tree(tmp_path_factory.mktemp("engine")))
    assert cat is not None, problems
    return engine_bundle(cat)


@pytest.fixture(scope="module")
def real_bundle(catalog):
    return engine_bundle(catalog)


def contract(answer, policy, cid):
    for ins in answer["insurers"]:
        for pol in ins["policies"]:
            if pol["policy"] == policy:
                return next(c for c in pol["contracts"] if c["contract"] == cid)
    raise KeyError(f"{policy} {cid} not in answer")


def tier(c, tid):
    return next(t for t in c["tiers"] if t["tier"] == tid)


# ------------------------------------------------------------------ Kleene logic

def test_kleene_truth_tables():
    assert k_and([MET, UNKNOWN]) == UNKNOWN and k_and([NOT_MET, UNKNOWN]) == NOT_MET
    assert k_or([MET, UNKNOWN]) == MET and k_or([NOT_MET, UNKNOWN]) == UNKNOWN
    assert k_or([NOT_MET, NOT_MET]) == NOT_MET and k_and([MET, MET]) == MET
    assert k_not(UNKNOWN) == UNKNOWN and k_not(MET) == NOT_MET


# ------------------------------------------------------------------ profiles

def test_unknown_fact_and_wrong_types_name_the_fact(fixture_bundle):
    with pytest.raises(ProfileError) as exc:
        evaluate(fixture_bundle, {"facts": {"behandel_index": 3, "behandelindex": {2024: "laag"},
                                            "alle_therapeuten_big": "ja", "praktijk_regio": "mars"}})
    assert exc.value.problems == [
        "fact 'alle_therapeuten_big': expects true or false (boolean), got 'ja'",
        "fact 'behandel_index': unknown fact",
        "fact 'behandelindex' (2024): expects a number (number), got 'laag'",
        "fact 'praktijk_regio': expects one of 'noord-holland-noord', 'zuid-nederland', 'zuid-holland-zuid', "
        "'midden-holland', 'amstelland', 'haarlemmermeer', 'zuid-holland-noord', 'elders' (enum), got 'mars'",
    ]


def test_missing_facts_are_unknown_never_not_eligible(fixture_bundle):
    answer = evaluate(fixture_bundle, {})
    c = contract(answer, "acme/fysiotherapie-2026", "fysiotherapie")
    assert c["verdict"] == "unknown"
    assert {t["verdict"] for t in c["tiers"]} == {"unknown"}


# ------------------------------------------------------------------ tiers and thresholds (fixture)

BASE = {"alle_therapeuten_big": True, "alle_fysiotherapeuten_kwaliteitsregister": True}


@pytest.mark.parametrize("index, verdict_b", [(39, "unknown"), (40, "eligible"), (110, "eligible"), (111, "unknown")])
def test_range_bounds_are_inclusive_and_any_of_stays_open(fixture_bundle, index, verdict_b):
    answer = evaluate(fixture_bundle, {"facts": {**BASE, "behandelindex": {2024: index}}})
    c = contract(answer, "acme/fysiotherapie-2026", "fysiotherapie")
    assert tier(c, "tariefgroep-b")["verdict"] == verdict_b  # unknown: the patient count may still qualify


def test_any_of_is_decided_by_one_met_branch(fixture_bundle):
    answer = evaluate(fixture_bundle, {"facts": {**BASE, "aantal_unieke_patienten": {2024: 25}}})
    c = contract(answer, "acme/fysiotherapie-2026", "fysiotherapie")
    assert tier(c, "tariefgroep-b")["verdict"] == "eligible"  # behandelindex still unknown


def test_unpublished_percentile_uses_the_practice_position(fixture_bundle):
    facts = {**BASE, "behandelindex": {2024: 90}, "praktijk_skf_keurmerk": True}
    unknown = contract(evaluate(fixture_bundle, {"facts": facts}), "acme/fysiotherapie-2026", "fysiotherapie")
    assert tier(unknown, "tariefgroep-a")["verdict"] == "unknown"
    at = contract(evaluate(fixture_bundle, {"facts": {**facts, "behandelindex_percentiel": {2024: 70}}}),
                  "acme/fysiotherapie-2026", "fysiotherapie")
    above = contract(evaluate(fixture_bundle, {"facts": {**facts, "behandelindex_percentiel": {2024: 71}}}),
                     "acme/fysiotherapie-2026", "fysiotherapie")
    assert tier(at, "tariefgroep-a")["verdict"] == "eligible"
    assert at["best_tier"] == "tariefgroep-a"
    assert tier(above, "tariefgroep-a")["verdict"] == "not-eligible"
    assert above["best_tier"] == "tariefgroep-b"


def test_what_it_takes_lists_the_smallest_set(fixture_bundle):
    answer = evaluate(fixture_bundle, {"facts": {**BASE, "behandelindex": {2024: 150}, "praktijk_skf_keurmerk": False}})
    c = contract(answer, "acme/fysiotherapie-2026", "fysiotherapie")
    a = tier(c, "tariefgroep-a")
    assert a["verdict"] == "not-eligible"
    assert [leaf.get("fact") for leaf in a["needed"]] == ["behandelindex", "praktijk_skf_keurmerk"]
    b = tier(c, "tariefgroep-b")
    assert [leaf.get("fact") for leaf in b["needed"]] == ["aantal_unieke_patienten"]  # 1 unknown beats a known


def test_dependencies_are_evaluated_not_assumed(fixture_bundle):
    facts = {"praktijk_skf_aspirant": False, "praktijk_regio": "amstelland"}
    without_base = contract(evaluate(fixture_bundle, {"facts": {**facts, "alle_therapeuten_big": False}}),
                            "acme/fysiotherapie-2026", "module-kwaliteit")
    assert without_base["verdict"] == "not-eligible"
    with_base = contract(evaluate(fixture_bundle, {"facts": {**facts, **BASE, "aantal_unieke_patienten": {2024: 10}}}),
                         "acme/fysiotherapie-2026", "module-kwaliteit")
    assert with_base["verdict"] == "eligible"


# ------------------------------------------------------------------ properties

def profiles(bundle):
    """Random partial profiles over every fact the bundle's criteria use, in every value form:
    plain, 'absent' where a fact can not exist, per measurement year, held over time."""
    facts = bundle["facts"]

    def plain(fact):
        kind = fact["type"]
        if kind == "boolean":
            return st.booleans()
        if kind == "enum":
            return st.sampled_from([o["value"] for o in fact["options"]])
        if kind == "date":
            return st.dates().map(lambda d: d.isoformat())
        if kind == "held":
            since = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2028, 12, 31))
            return st.one_of(st.just("absent"), since.map(lambda d: {"since": d.isoformat()}))
        low = fact.get("min", 0) if fact.get("min") is not None else 0
        high = fact.get("max") if fact.get("max") is not None else 2_000_000
        if kind == "integer":
            return st.integers(min_value=int(low), max_value=int(high))
        return st.floats(min_value=low, max_value=high, allow_nan=False).map(lambda x: round(x, 2))

    def value(fact):
        one = plain(fact)
        if fact.get("absent"):
            one = st.one_of(one, st.just("absent"))
        if fact.get("yearly"):
            return st.dictionaries(st.sampled_from(["2022", "2023", "2024", "2025"]), one, min_size=1, max_size=3)
        return one

    return st.fixed_dictionaries({}, optional={fid: value(f) for fid, f in sorted(facts.items())})


def verdicts(answer):
    out = {}
    for ins in answer["insurers"]:
        for pol in ins["policies"]:
            for c in pol["contracts"]:
                out[(pol["policy"], c["contract"])] = c["verdict"]
                for t in c["tiers"]:
                    out[(pol["policy"], c["contract"], t["tier"])] = t["verdict"]
    return out


def best_rank(answer):
    out = {}
    for ins in answer["insurers"]:
        for pol in ins["policies"]:
            for c in pol["contracts"]:
                ids = [t["tier"] for t in c["tiers"]]
                out[(pol["policy"], c["contract"])] = ids.index(c["best_tier"]) if c["best_tier"] else len(ids)
    return out


def check_information_monotonicity(bundle, data):
    small = data.draw(profiles(bundle), label="profile")
    extra = data.draw(profiles(bundle), label="more facts")
    big = {**extra, **small}  # the same answers plus more information
    a, b = evaluate(bundle, {"facts": small}), evaluate(bundle, {"facts": big})
    assume(not b["warnings"])  # a profile that contradicts itself may flip a verdict: it is warned about
    va, vb = verdicts(a), verdicts(b)
    assert va.keys() == vb.keys()
    assert all(v in ("eligible", "not-eligible", "unknown") for v in va.values())
    for key, verdict in va.items():
        if verdict != "unknown":
            assert vb[key] == verdict, key  # definite answers never flip by adding facts
    ra, rb = best_rank(a), best_rank(b)
    for key in ra:
        assert rb[key] <= ra[key], key  # the best tier never gets worse


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_property_more_information_never_flips_a_verdict_fixture(fixture_bundle, data):
    check_information_monotonicity(fixture_bundle, data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_property_more_information_never_flips_a_verdict_real_data(real_bundle, data):
    check_information_monotonicity(real_bundle, data)


# ------------------------------------------------------------------ parity with Pyodide (Python 3.14)

def cpython_answers(bundle, cases) -> list:
    """CPython's answers to parity cases, as the JSON a worker would send back."""
    answers = []
    for case in cases:
        try:
            answers.append(evaluate(bundle, case["profile"], case.get("insurers"), case.get("care_types"),
                                    case.get("year")))
        except ProfileError as exc:
            answers.append({"error": exc.problems})
    return json.loads(json.dumps(answers, sort_keys=True))


def parity_cases(bundle):
    """A few generic profiles plus every boundary-table case (tests/boundaries/): the v3
    constructs (yearly, absent and held facts, caps, guidelines, selective procurement) in
    the real data, as the browser would send them."""
    from .test_boundaries import CASES

    facts = bundle["facts"]
    full_yes = {k: True for k, f in facts.items() if f["type"] == "boolean"}
    cases = [
        {"profile": {}},
        {"profile": {"facts": full_yes}},
        {"profile": {"facts": {"onbekend_feit": 1}}},
    ]
    for case in CASES:
        cases.append({"profile": {"facts": case.profile}, "insurers": [case.policy.split("/")[0]],
                      "care_types": [case.care_type] if case.care_type else None, "year": case.year})
    return cases


def test_cpython_and_pyodide_give_identical_answers(real_bundle, tmp_path: Path):
    """The same answers from Pyodide booted as the site boots it: the pruned standard library
    and the inlined lock (so a module missing from the pruned library fails here too)."""
    from generator.render.checker import pruned_stdlib, worker_config

    node = shutil.which("node")
    assert node and (REPO / "node_modules" / "pyodide").is_dir(), "run ./dev.sh test (npm ci installs pyodide)"
    bundle = dict(real_bundle)
    cases = parity_cases(bundle)
    folder = REPO / "node_modules" / "pyodide"
    stdlib = pruned_stdlib(folder)
    (tmp_path / "python_stdlib.zip").write_bytes(stdlib)
    lock = json.loads(worker_config(folder, stdlib).split("LOCK = ", 1)[1].split(";\n", 1)[0])
    (tmp_path / "config.json").write_text(json.dumps({"lock": lock}), encoding="utf-8")
    (tmp_path / "engine.zip").write_bytes(engine_archive())
    (tmp_path / "bundle.json").write_text(json.dumps(bundle), encoding="utf-8")
    (tmp_path / "cases.json").write_text(json.dumps(cases), encoding="utf-8")
    proc = subprocess.run([node, str(REPO / "tests" / "js" / "pyodide_engine.mjs"),
                           str(tmp_path / "engine.zip"), str(tmp_path / "bundle.json"), str(tmp_path / "cases.json"),
                           str(tmp_path / "python_stdlib.zip"), str(tmp_path / "config.json")],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr
    pyodide = json.loads(proc.stdout)
    assert pyodide["python"].startswith("3.14")
    assert pyodide["answers"] == cpython_answers(bundle, cases)


def test_pruned_stdlib_holds_every_module_the_checker_imports(real_bundle, tmp_path: Path):
    """Run the worker's whole path in Pyodide with the full standard library and list what it
    imports: every file must be in generator/render/pyodide-stdlib.txt (the site ships only those)."""
    from generator.render.checker import stdlib_members

    node = shutil.which("node")
    cases = [{**case, "today": "2026-11-30", "anchors": {"start-date": "2026-07-01"}}
             for case in parity_cases(real_bundle)]
    (tmp_path / "engine.zip").write_bytes(engine_archive())
    (tmp_path / "bundle.json").write_text(json.dumps(real_bundle), encoding="utf-8")
    (tmp_path / "cases.json").write_text(json.dumps(cases), encoding="utf-8")
    proc = subprocess.run([node, str(REPO / "tests" / "js" / "stdlib_modules.mjs"), str(tmp_path / "engine.zip"),
                           str(tmp_path / "bundle.json"), str(tmp_path / "cases.json")],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr
    needed = set(json.loads(proc.stdout)["files"])
    missing = sorted(needed - set(stdlib_members()))
    assert not missing, f"add to generator/render/pyodide-stdlib.txt: {missing}"
