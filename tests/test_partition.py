"""Partition property: where the source says every practice that meets the conditions gets
one of a set of outcomes (an ``exhaustive`` contract), every *complete* profile lands in
exactly one outcome, and no complete profile is ``unknown`` — unless the verdict rests on the
source's own openness (a condition the insurer weighs, a list the source leaves open), which
the verdict then says in its flags.

A complete profile answers every fact the contract (its requirements, criterion, tiers,
caps and the contracts it depends on) reads, for the measurement years it reads them.
Values come from the thresholds themselves (at, just below, just above), the "does not
exist" state and random values, so gaps at exact boundaries are found.
"""
from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.bundle import engine_bundle
from generator.engine import evaluate

EPSILON = 0.01


def _walk(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def facts_read(policy: dict[str, Any], contract: dict[str, Any], registry: dict[str, Any]) -> dict[tuple, set]:
    """(fact, year) -> numbers the criteria compare it with, over everything the verdict reads."""
    by_id = {c["id"]: c for c in policy.get("contracts", [])}
    seen_contracts: set[str] = set()
    found: dict[tuple, set] = {}

    def add_criteria(node: Any) -> None:
        for n in _walk(node):
            if n.get("kind") == "contract":
                for ref in n["contracts"]:
                    cid = ref.split("/")[0]
                    if cid in by_id and cid not in seen_contracts:
                        add_contract(by_id[cid])
            for key in ("fact", "position_fact"):
                fid = n.get(key)
                if not isinstance(fid, str) or fid not in registry:
                    continue
                points = found.setdefault((fid, n.get("year")), set())
                for bound in ("value", "min", "max"):
                    if isinstance(n.get(bound), (int, float)) and not isinstance(n.get(bound), bool):
                        points.add(n[bound])
                if n.get("kind") == "quantile" and key == "position_fact":
                    points.add(n["rank"] * (10 if n["unit"] == "decile" else 1))
                if registry[fid].get("absent_when"):
                    add_criteria(_with_year(registry[fid]["absent_when"], n.get("year")))
                derived = registry[fid].get("derived")
                if derived:
                    for other in [derived.get("numerator"), derived.get("denominator"), *derived.get("of", [])]:
                        if other:
                            found.setdefault((other, n.get("year")), set())

    def add_contract(c: dict[str, Any]) -> None:
        seen_contracts.add(c["id"])
        for req in policy.get("requirements", []):
            if ("all" in req["applies_to"] or c["id"] in req["applies_to"]) \
                    and req.get("consequence", "contract") == "contract":
                add_criteria(req["criterion"])
        add_criteria(c.get("criterion"))
        add_criteria(c.get("tiers"))
        add_criteria(c.get("caps"))

    add_contract(contract)
    # derived facts are answered through their parts
    return {key: pts for key, pts in found.items() if not registry[key[0]].get("derived")}


def _with_year(node: Any, year: int | None) -> Any:
    node = copy.deepcopy(node)
    for n in _walk(node):
        if "fact" in n and "year" not in n and year is not None:
            n["year"] = year
    return node


def value_strategy(fact: dict[str, Any], points: set) -> st.SearchStrategy:
    kind = fact["type"]
    if kind == "boolean":
        return st.booleans()
    if kind == "enum":
        return st.sampled_from([o["value"] for o in fact["options"]])
    if kind == "held":
        day = st.dates(min_value=__import__("datetime").date(2020, 1, 1),
                       max_value=__import__("datetime").date(2029, 12, 31)).map(lambda d: d.isoformat())
        return st.one_of(st.just("absent"), day.map(lambda d: {"since": d}))
    if kind == "date":
        return st.dates().map(lambda d: d.isoformat())
    low = fact.get("min") if fact.get("min") is not None else 0
    high = fact.get("max") if fact.get("max") is not None else 2_000_000
    near = sorted({p + d for p in points for d in (-EPSILON, 0, EPSILON) if low <= p + d <= high})
    if kind == "integer":
        near = sorted({int(round(p)) + d for p in points for d in (-1, 0, 1) if low <= int(round(p)) + d <= high})
        options = [st.integers(min_value=int(low), max_value=int(high))]
    else:
        options = [st.floats(min_value=low, max_value=high, allow_nan=False).map(lambda x: round(x, 2))]
    if near:
        options.insert(0, st.sampled_from(near))
    if fact.get("absent"):
        options.append(st.just("absent"))
    return st.one_of(*options)


def complete_profiles(bundle: dict[str, Any], read: dict[tuple, set]) -> st.SearchStrategy:
    parts = {}
    for (fid, year), points in sorted(read.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        parts[(fid, year)] = value_strategy(bundle["facts"][fid], points)

    def build(values: dict[tuple, Any]) -> dict[str, Any]:
        facts: dict[str, Any] = {}
        for (fid, year), value in values.items():
            if year is None:
                facts[fid] = value
            else:
                facts.setdefault(fid, {})[str(year)] = value
        return facts

    return st.fixed_dictionaries(parts).map(build)


def exhaustive_contracts(bundle: dict[str, Any]) -> list[tuple[str, str, int, str]]:
    out = []
    for p in bundle["policies"]:
        for c in p.get("contracts", []):
            if c.get("exhaustive"):
                for year in p["contract_years"]:
                    out.append((p["id"], c["id"], year, c["care_types"][0]))
    return out


def check_partition(bundle: dict[str, Any], policy_id: str, cid: str, year: int, care_type: str, data) -> None:
    policy = next(p for p in bundle["policies"] if p["id"] == policy_id)
    contract = next(c for c in policy["contracts"] if c["id"] == cid)
    facts = data.draw(complete_profiles(bundle, facts_read(policy, contract, bundle["facts"])), label="profile")
    answer = evaluate(bundle, {"facts": facts}, [policy["insurer"]], [care_type], year)
    pol = next(pl for i in answer["insurers"] for pl in i["policies"] if pl["policy"] == policy_id)
    got = next((c for c in pol["contracts"] if c["contract"] == cid), None)
    if got is None:
        return  # not offered in this contract year
    open_by_source = {"guideline", "incomplete"} & {f["kind"] for f in got["flags"]}
    if got["verdict"] == "unknown":
        # only the source's own openness may leave a complete profile undecided: a condition the
        # insurer weighs, or a list the source leaves open; never a gap between the tiers
        assert open_by_source, (f"{policy_id} {cid} {year}: a complete profile is unknown: {facts}; "
                                f"flags {got['flags']}")
        return
    if got["verdict"] == "eligible":
        assert got["best_tier"] is not None, f"{policy_id} {cid} {year}: eligible but in no tier: {facts}"
        assert not any(f["kind"] == "gap" for f in got["flags"])


@pytest.fixture(scope="module")
def real_bundle(catalog):
    return engine_bundle(catalog)


def test_partition_property_for_every_exhaustive_contract(real_bundle):
    contracts = exhaustive_contracts(real_bundle)
    assert contracts, "no exhaustive contract in the data"

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def run(data):
        for item in contracts:
            check_partition(real_bundle, *item, data)

    run()


def test_the_partition_check_finds_a_gap(catalog):
    """Not vacuous: a tier set with a gap between 90 and 100 is caught."""
    bundle = copy.deepcopy(engine_bundle(catalog))
    policy = {"id": "acme/gap-2026", "insurer": "acme", "title": "Gat", "family": "gat",
              "care_types": ["fysiotherapie"], "contract_years": [2026], "period": {"start": 2026, "end": 2026},
              "completeness": "full", "sources": ["vgz-paramedische-zorg-2024"],
              "contracts": [{"id": "c", "name": "C", "kind": "contract", "care_types": ["fysiotherapie"],
                             "exhaustive": True, "cite": {"section": "x"},
                             "tiers": [{"id": "a", "name": "A", "cite": {"section": "x"},
                                        "criterion": {"kind": "compare", "fact": "aantal_unieke_patienten",
                                                      "year": 2024, "op": "le", "value": 90}},
                                       {"id": "b", "name": "B", "cite": {"section": "x"},
                                        "criterion": {"kind": "compare", "fact": "aantal_unieke_patienten",
                                                      "year": 2024, "op": "ge", "value": 100}}]}]}
    bundle["policies"].append(policy)
    bundle["insurers"]["acme"] = {"name": "Acme", "short_name": "Acme"}

    @settings(max_examples=200, deadline=None, database=None)
    @given(data=st.data())
    def run(data):
        check_partition(bundle, "acme/gap-2026", "c", 2026, "fysiotherapie", data)

    with pytest.raises(AssertionError, match="eligible but in no tier"):
        run()
