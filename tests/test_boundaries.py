"""Boundary tables: what the source dictates for profiles at, just below and just above
every threshold, run through the CLI's JSON answer.

Each table (``tests/boundaries/<insurer>/<policy>.yaml``, one YAML document per contract
year or care type) holds a base profile and cases; each case names the source sentence it
follows from and only the expectations it checks. The tables are written from the source
text, never from the engine's output: a failure here means the data or the engine says
something the source does not.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.bundle import engine_bundle
from generator.cli import answer_json
from generator.engine import evaluate

REPO = Path(__file__).resolve().parent.parent
TABLES = REPO / "tests" / "boundaries"
CONTRACT_KEYS = {"verdict", "tier", "flags", "no_flags", "possible_tiers", "maybe_better", "limitations",
                 "tariff_effects", "expectations", "tiers"}
SELECTIVE_KEYS = {"verdict", "flags", "no_flags"}


@dataclass(frozen=True)
class Case:
    file: str
    policy: str
    year: int
    care_type: str | None
    name: str
    source: dict[str, Any]
    profile: dict[str, Any]
    expect: dict[str, Any]
    pending: str | None = None  # a known engine or data defect, with its reason: strict xfail

    @property
    def id(self) -> str:
        return f"{self.file}:{self.year}:{self.name}"


def _plain(value: Any) -> Any:
    """YAML values as a profile holds them: dates as ISO text, years as text keys."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def merge(base: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    """``facts`` over ``base``: a case's value replaces the base value of that fact as a whole
    (a yearly mapping too); null removes the fact."""
    out = dict(base)
    for key, value in facts.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(TABLES.rglob("*.yaml")):
        rel = str(path.relative_to(REPO))
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not doc:
                continue
            doc = _plain(doc)
            base = doc.get("base") or {}
            for case in doc["cases"]:
                cases.append(Case(rel, doc["policy"], int(doc["year"]), case.get("care_type", doc.get("care_type")),
                                  case["name"],
                                  case.get("source") or {}, merge(base, case.get("facts") or {}),
                                  case["expect"], case.get("pending")))
    return cases


CASES = load_cases()


@pytest.fixture(scope="module")
def bundle(catalog):
    return engine_bundle(catalog)


def run(bundle: dict[str, Any], case: Case) -> dict[str, Any]:
    insurer = case.policy.split("/")[0]
    answer = evaluate(bundle, {"facts": case.profile}, [insurer],
                      [case.care_type] if case.care_type else None, case.year)
    return json.loads(answer_json(answer))  # exactly what `inkoopwijzer check --format json` prints


def _policy(answer: dict[str, Any], policy_id: str) -> dict[str, Any]:
    for ins in answer["insurers"]:
        for pol in ins["policies"]:
            if pol["policy"] == policy_id:
                return pol
    raise AssertionError(f"policy {policy_id} is not in the answer")


def _check_flags(where: str, got: list[dict[str, Any]], want: list[str], unwanted: list[str]) -> list[str]:
    ids = {f.get("id") for f in got} | {f["kind"] for f in got}
    out = [f"{where}: flag {w!r} missing (got {sorted(i for i in ids if i)})" for w in want if w not in ids]
    out += [f"{where}: flag {u!r} present but the source gives no reason for it" for u in unwanted if u in ids]
    return out


def compare(case: Case, answer: dict[str, Any]) -> list[str]:
    """Every difference between the answer and the case's expectations, in words."""
    pol = _policy(answer, case.policy)
    problems: list[str] = []
    contracts = {c["contract"]: c for c in pol["contracts"]}
    for cid, want in (case.expect.get("contracts") or {}).items():
        unknown_keys = set(want) - CONTRACT_KEYS
        assert not unknown_keys, f"{case.id}: unknown expectation keys {unknown_keys}"
        if want.get("verdict") == "not-offered":
            if cid in contracts:
                problems.append(f"contract {cid}: offered in {case.year}, the source says it is not")
            continue
        if cid not in contracts:
            problems.append(f"contract {cid}: not in the answer for {case.year}")
            continue
        got = contracts[cid]
        if "verdict" in want and got["verdict"] != want["verdict"]:
            problems.append(f"contract {cid}: verdict {got['verdict']}, source says {want['verdict']}")
        if "tier" in want and got["best_tier"] != want["tier"]:
            problems.append(f"contract {cid}: best tier {got['best_tier']}, source says {want['tier']}")
        if "maybe_better" in want and got["maybe_better"] != want["maybe_better"]:
            problems.append(f"contract {cid}: maybe better {got['maybe_better']}, source says {want['maybe_better']}")
        if "possible_tiers" in want and got["possible_tiers"] != want["possible_tiers"]:
            problems.append(f"contract {cid}: possible tiers {got['possible_tiers']}, "
                            f"source says {want['possible_tiers']}")
        for tid, verdict in (want.get("tiers") or {}).items():
            tier = next((t for t in got["tiers"] if t["tier"] == tid), None)
            if tier is None or tier["verdict"] != verdict:
                problems.append(f"contract {cid} tier {tid}: {tier and tier['verdict']}, source says {verdict}")
        for key in ("limitations", "tariff_effects", "expectations"):
            for rid, status in (want.get(key) or {}).items():
                item = next((r for r in got[key] if r["id"] == rid), None)
                if item is None or item["status"] != status:
                    problems.append(f"contract {cid} {key} {rid}: {item and item['status']}, source says {status}")
        problems += _check_flags(f"contract {cid}", got["flags"], want.get("flags") or [], want.get("no_flags") or [])
    rules = {r["rule"]: r for r in pol["selective"]}
    for rid, want in (case.expect.get("selective") or {}).items():
        unknown_keys = set(want) - SELECTIVE_KEYS
        assert not unknown_keys, f"{case.id}: unknown expectation keys {unknown_keys}"
        if rid not in rules:
            problems.append(f"selective rule {rid}: not in the answer")
            continue
        if "verdict" in want and rules[rid]["verdict"] != want["verdict"]:
            problems.append(f"selective rule {rid}: {rules[rid]['verdict']}, source says {want['verdict']}")
        problems += _check_flags(f"selective rule {rid}", rules[rid]["flags"], want.get("flags") or [],
                                 want.get("no_flags") or [])
    for want in case.expect.get("warnings") or []:
        if not any(sorted(w["facts"]) == sorted(want) for w in answer["warnings"]):
            problems.append(f"no contradiction warning naming {want}")
    return problems


@pytest.mark.parametrize("case", [
    pytest.param(c, marks=pytest.mark.xfail(reason=c.pending, strict=True)) if c.pending else c for c in CASES
], ids=[c.id for c in CASES])
def test_boundary_case_follows_the_source(bundle, case: Case):
    problems = compare(case, run(bundle, case))
    where = f"{case.source.get('section', '?')}, line {case.source.get('line', '?')}"
    assert not problems, (f"{case.id}\n  source ({where}): {case.source.get('says', '')}\n  "
                          + "\n  ".join(problems))


def _mentioned(cases: list[Case], policy: str) -> tuple[set[str], set[str], set[str]]:
    contracts, tiers, rules = set(), set(), set()
    for case in cases:
        if case.policy != policy:
            continue
        for cid, want in (case.expect.get("contracts") or {}).items():
            contracts.add(cid)
            if want.get("tier"):
                tiers.add(f"{cid}/{want['tier']}")
            tiers.update(f"{cid}/{t}" for t in want.get("tiers") or {})
        rules.update(case.expect.get("selective") or {})
    return contracts, tiers, rules


def test_every_full_policy_has_a_boundary_table_covering_each_outcome(catalog):
    """Each contract, tier and selective rule of a full policy appears in some expectation."""
    missing = []
    for rec in catalog.sorted_policies():
        if rec.policy.completeness != "full":
            continue
        contracts, tiers, rules = _mentioned(CASES, rec.key)
        for c in rec.policy.contracts:
            if c.id not in contracts:
                missing.append(f"{rec.key}: contract {c.id}")
            missing += [f"{rec.key}: tier {c.id}/{t.id}" for t in c.tiers if f"{c.id}/{t.id}" not in tiers]
        missing += [f"{rec.key}: selective rule {r.id}" for r in rec.policy.selective_procurement if r.id not in rules]
    assert not missing, "no boundary case for:\n" + "\n".join(missing)


@pytest.mark.parametrize("table", sorted({c.file for c in CASES}))
def test_the_cli_prints_the_same_json(bundle, table: str, tmp_path: Path):
    """One case per table through the real command line: the same answer as in-process."""
    case = next(c for c in CASES if c.file == table)
    profile = tmp_path / "profiel.json"
    profile.write_text(json.dumps({"facts": case.profile}), encoding="utf-8")
    args = [sys.executable, "-m", "generator", "check", "--profile", str(profile), "--format", "json",
            "--insurer", case.policy.split("/")[0], "--year", str(case.year)]
    if case.care_type:
        args += ["--care-type", case.care_type]
    proc = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == run(bundle, case)
