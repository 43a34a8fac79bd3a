"""Verdicts for a practice profile: which contract, tier, module or addendum, why, and
what it would take.

Input is plain JSON (the engine bundle the build publishes, see ``bundle.py`` in the
generator) so the CLI, the tests and Pyodide in the browser run this very code.
No clock, no I/O: everything needed is an argument.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .logic import MET, NOT_MET, UNKNOWN, from_bool, k_and, k_not, k_or
from .profile import check_profile
from .text import Texts

ENGINE_VERSION = 2
ORDER = {"lt": lambda a, b: a < b, "le": lambda a, b: a <= b, "gt": lambda a, b: a > b,
         "ge": lambda a, b: a >= b, "eq": lambda a, b: a == b, "ne": lambda a, b: a != b}
VERDICT = {MET: "eligible", NOT_MET: "not-eligible", UNKNOWN: "unknown"}


@dataclass
class Result:
    """The evaluation of one criterion node."""

    node: dict[str, Any]
    status: str
    label: str
    children: list["Result"] = field(default_factory=list)
    value: Any = None
    threshold: Any = None
    basis: str | None = None  # for quantiles: "value" (published threshold) or "position"
    cite: dict[str, Any] | None = None
    note: dict[str, Any] | None = None

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def leaves(self) -> list["Result"]:
        if self.is_leaf:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.node["kind"], "status": self.status, "label": self.label}
        if self.node.get("id"):
            out["id"] = self.node["id"]
        if self.node.get("fact"):
            out["fact"] = self.node["fact"]
        if self.is_leaf:
            out["value"] = self.value
            out["threshold"] = self.threshold
        if self.basis:
            out["basis"] = self.basis
        if self.cite:
            out["cite"] = self.cite
        if self.note:
            out["note"] = self.note
        if self.children:
            out["children"] = [c.to_json() for c in self.children]
        return out

    def leaf_json(self) -> dict[str, Any]:
        label = self.label
        if self.node["kind"] == "not" and self.children and not self.node.get("label"):
            label = "Niet: " + self.children[0].label
        out = {"label": label, "status": self.status, "value": self.value, "threshold": self.threshold}
        for key in ("id", "fact"):
            if self.node.get(key):
                out[key] = self.node[key]
        if self.cite:
            out["cite"] = self.cite
        if self.note:
            out["note"] = self.note
        return out


class PolicyEvaluator:
    """Evaluates the contracts of one policy for one profile."""

    def __init__(self, bundle: dict[str, Any], policy: dict[str, Any], facts: dict[str, Any]):
        self.bundle = bundle
        self.policy = policy
        self.facts = facts
        self.contracts = {c["id"]: c for c in policy.get("contracts", [])}
        self.notes = {n["id"]: n for n in policy.get("source_notes", [])}
        names: dict[str, str] = {}
        for c in policy.get("contracts", []):
            names[c["id"]] = c["name"]
            for t in c.get("tiers", []):
                names[f"{c['id']}/{t['id']}"] = f"{c['name']} – {t['name']}"
        self.texts = Texts(bundle["facts"], bundle["registers"], bundle["regions"], names)
        self._contract_cache: dict[str, dict[str, Any]] = {}
        self._in_progress: set[str] = set()

    # ------------------------------------------------------------------ citations
    def cite(self, cite: dict[str, Any] | None) -> dict[str, Any] | None:
        if not cite:
            return None
        source_id = cite.get("source") or self.policy["sources"][0]
        source = self.bundle["sources"].get(source_id, {})
        return {"source": source_id, "title": source.get("title", source_id), "section": cite["section"],
                "url": cite.get("url") or source.get("url")}

    def note(self, note_id: str | None) -> dict[str, Any] | None:
        if not note_id or note_id not in self.notes:
            return None
        n = self.notes[note_id]
        return {"id": n["id"], "kind": n["kind"], "text": n["text"], "kept": n["kept"],
                "cite": self.cite(n.get("cite"))}

    # ------------------------------------------------------------------ criteria
    def evaluate(self, node: dict[str, Any], cite: dict[str, Any] | None) -> Result:
        own_cite = node.get("cite") or cite
        result = self._evaluate(node, own_cite)
        result.cite = self.cite(own_cite)
        result.note = self.note(node.get("note"))
        return result

    def _evaluate(self, node: dict[str, Any], cite: dict[str, Any] | None) -> Result:
        kind = node["kind"]
        label = self.texts.head(node)
        if kind in ("all", "any"):
            children = [self.evaluate(child, cite) for child in node["of"]]
            combine = k_and if kind == "all" else k_or
            return Result(node, combine([c.status for c in children]), label, children)
        if kind == "not":
            child = self.evaluate(node["of"], cite)
            return Result(node, k_not(child.status), label, [child])
        value = self.facts.get(node["fact"]) if "fact" in node else None
        if kind == "compare":
            threshold = node.get("value")
            if value is None or threshold is None:
                return Result(node, UNKNOWN, label, value=value, threshold=threshold)
            return Result(node, from_bool(ORDER[node["op"]](value, threshold)), label,
                          value=value, threshold=threshold)
        if kind == "range":
            threshold = {"min": node.get("min"), "max": node.get("max"),
                         "min_inclusive": node.get("min_inclusive", True),
                         "max_inclusive": node.get("max_inclusive", True)}
            if value is None:
                return Result(node, UNKNOWN, label, value=None, threshold=threshold)
            ok = True
            if threshold["min"] is not None:
                ok = ok and (value >= threshold["min"] if threshold["min_inclusive"] else value > threshold["min"])
            if threshold["max"] is not None:
                ok = ok and (value <= threshold["max"] if threshold["max_inclusive"] else value < threshold["max"])
            return Result(node, from_bool(ok), label, value=value, threshold=threshold)
        if kind == "quantile":
            percentile = node["rank"] * (10 if node["unit"] == "decile" else 1)
            threshold = {"percentile": percentile, "value": node.get("value"), "reference": node["reference"]}
            position = self.facts.get(node["position_fact"])
            if node.get("value") is not None and value is not None:
                return Result(node, from_bool(ORDER[node["op"]](value, node["value"])), label,
                              value=value, threshold=threshold, basis="value")
            if position is not None:
                return Result(node, from_bool(ORDER[node["op"]](position, percentile)), label,
                              value=position, threshold=threshold, basis="position")
            return Result(node, UNKNOWN, label, value=value, threshold=threshold)
        if kind in ("is", "registered"):
            expected = node.get("value", True) if kind == "is" else True
            status = UNKNOWN if value is None else from_bool(value == expected)
            return Result(node, status, label, value=value, threshold=expected)
        if kind == "in":
            status = UNKNOWN if value is None else from_bool(value in node["values"])
            return Result(node, status, label, value=value, threshold=list(node["values"]))
        if kind == "region":
            status = UNKNOWN if value is None else from_bool(self._in_regions(value, node["regions"]))
            return Result(node, status, label, value=value, threshold=list(node["regions"]))
        if kind == "date":
            if value is None:
                return Result(node, UNKNOWN, label, value=None, threshold=node["value"])
            return Result(node, from_bool(ORDER[node["op"]](value, node["value"])), label,
                          value=value, threshold=node["value"])
        if kind == "contract":
            statuses = [self._reference_status(ref) for ref in node["contracts"]]
            return Result(node, k_or(statuses), label, value=None, threshold=list(node["contracts"]))
        raise ValueError(f"unknown criterion kind {kind!r}")

    def _in_regions(self, region: str, wanted: list[str]) -> bool:
        regions = self.bundle["regions"]
        stack = list(wanted)
        seen: set[str] = set()
        while stack:
            current = stack.pop()
            if current == region:
                return True
            if current in seen:
                continue
            seen.add(current)
            stack.extend(regions.get(current, {}).get("parts", []))
        return False

    def _reference_status(self, ref: str) -> str:
        cid, _, tier = ref.partition("/")
        if cid not in self.contracts or cid in self._in_progress:
            return UNKNOWN  # a dependency cycle cannot be decided
        result = self.contract(cid)
        if not tier:
            return result["_status"]
        return next((t["_status"] for t in result["tiers"] if t["tier"] == tier), UNKNOWN)

    # ------------------------------------------------------------------ contracts
    def requirements_for(self, cid: str) -> list[dict[str, Any]]:
        return [r for r in self.policy.get("requirements", [])
                if "all" in r["applies_to"] or cid in r["applies_to"]]

    def contract(self, cid: str) -> dict[str, Any]:
        if cid in self._contract_cache:
            return self._contract_cache[cid]
        self._in_progress.add(cid)
        try:
            result = self._contract(self.contracts[cid])
        finally:
            self._in_progress.discard(cid)
        self._contract_cache[cid] = result
        return result

    def _contract(self, c: dict[str, Any]) -> dict[str, Any]:
        requirements = []
        base_results: list[Result] = []
        for req in self.requirements_for(c["id"]):
            res = self.evaluate(req["criterion"], req["cite"])
            requirements.append({"id": req["id"], "title": req["title"], "status": res.status,
                                 "result": res.to_json()})
            base_results.append(res)
        own = self.evaluate(c["criterion"], c["cite"]) if c.get("criterion") else None
        if own is not None:
            base_results.append(own)
        base = k_and([r.status for r in base_results])
        tiers = []
        best = None
        maybe_better: list[str] = []
        for t in c.get("tiers", []):
            res = self.evaluate(t["criterion"], t["cite"]) if t.get("criterion") else None
            status = k_and([base] + ([res.status] if res else []))
            needed = _needed(base_results + ([res] if res else [])) if status != MET else []
            tiers.append({"tier": t["id"], "name": t["name"], "verdict": VERDICT[status], "_status": status,
                          "criterion": res.to_json() if res else None,
                          "needed": [leaf.leaf_json() for leaf in needed],
                          "notes": _notes(base_results + ([res] if res else [])),
                          "cite": self.cite(t["cite"])})
            if status == MET and best is None:
                best = t
            elif best is None and status == UNKNOWN:
                maybe_better.append(t["id"])
        # nothing to check (e.g. a partial policy that only names a contract) is not a pass
        unconditioned = not base_results and not any(t.get("criterion") for t in c.get("tiers", []))
        if unconditioned:
            status = UNKNOWN
        else:
            status = k_or([t["_status"] for t in tiers]) if tiers else base
        if best is None:
            maybe_better = []
        needed = _needed(base_results) if status != MET and not tiers else []
        return {
            "contract": c["id"], "name": c["name"], "kind": c["kind"], "care_types": c["care_types"],
            "verdict": VERDICT[status], "_status": status,
            "best_tier": best["id"] if best else None, "best_tier_name": best["name"] if best else None,
            "maybe_better": maybe_better,
            "unconditioned": unconditioned,
            "requirements": requirements,
            "criterion": own.to_json() if own else None,
            "tiers": tiers, "needed": [leaf.leaf_json() for leaf in needed],
            "notes": _notes(base_results), "cite": self.cite(c["cite"]),
        }


def _needed(results: list[Result]) -> list[Result]:
    """The smallest set of unmet/unknown leaves that would make all ``results`` met."""
    chosen: dict[int, Result] = {}
    for r in results:
        for leaf in _need(r):
            chosen[id(leaf)] = leaf
    return list(chosen.values())


def _need(r: Result) -> list[Result]:
    if r.status == MET:
        return []
    kind = r.node["kind"]
    if kind == "all":
        out: dict[int, Result] = {}
        for child in r.children:
            for leaf in _need(child):
                out[id(leaf)] = leaf
        return list(out.values())
    if kind == "any":
        options = [_need(child) for child in r.children]
        # fewest changes first; prefer answering unknowns over changing known facts
        return min(options, key=lambda opt: (len(opt), sum(1 for leaf in opt if leaf.status == NOT_MET)))
    return [r]  # a leaf, or a 'not' that must flip as a whole


def _notes(results: list[Result]) -> list[dict[str, Any]]:
    """Source notes of every node that took part in the verdict."""
    seen: dict[str, dict[str, Any]] = {}

    def walk(r: Result) -> None:
        if r.note and r.note["id"] not in seen:
            seen[r.note["id"]] = r.note
        for child in r.children:
            walk(child)

    for r in results:
        walk(r)
    return list(seen.values())


def _strip_private(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _strip_private(v) for k, v in data.items() if not k.startswith("_")}
    if isinstance(data, list):
        return [_strip_private(v) for v in data]
    return data


def select_policies(bundle: dict[str, Any], insurers: list[str] | None, care_types: list[str] | None,
                    year: int | None) -> list[dict[str, Any]]:
    """Policies in scope; without a year, the newest policy of each insurer and family."""
    chosen = []
    for p in bundle["policies"]:
        if insurers and p["insurer"] not in insurers:
            continue
        if care_types and not set(care_types) & set(p["care_types"]):
            continue
        if year is not None and year not in p["contract_years"]:
            continue
        chosen.append(p)
    if year is None:
        newest: dict[tuple[str, str], dict[str, Any]] = {}
        for p in chosen:
            key = (p["insurer"], p["family"])
            if key not in newest or p["period"]["start"] > newest[key]["period"]["start"]:
                newest[key] = p
        chosen = list(newest.values())
    # a full policy wins over a partial one for the same insurer, family and period
    full = {(p["insurer"], p["family"], p["period"]["start"]) for p in chosen if p["completeness"] == "full"}
    chosen = [p for p in chosen if p["completeness"] == "full"
              or (p["insurer"], p["family"], p["period"]["start"]) not in full]
    return sorted(chosen, key=lambda p: p["id"])


def evaluate(bundle: dict[str, Any], profile: Any, insurers: list[str] | None = None,
             care_types: list[str] | None = None, year: int | None = None) -> dict[str, Any]:
    """All verdicts for a profile within a scope, as stable JSON-ready data."""
    facts = check_profile(profile, bundle["facts"])
    out_insurers: dict[str, dict[str, Any]] = {}
    for policy in select_policies(bundle, insurers, care_types, year):
        ev = PolicyEvaluator(bundle, policy, facts)
        contracts = []
        for c in policy.get("contracts", []):
            if care_types and not set(care_types) & set(c["care_types"]):
                continue
            contracts.append(ev.contract(c["id"]))
        entry = out_insurers.setdefault(policy["insurer"], {
            "insurer": policy["insurer"],
            "name": bundle["insurers"].get(policy["insurer"], {}).get("name", policy["insurer"]),
            "best": [], "policies": []})
        entry["policies"].append({"policy": policy["id"], "title": policy["title"],
                                  "completeness": policy["completeness"],
                                  "contract_years": policy["contract_years"], "contracts": contracts})
        for c in contracts:
            if c["tiers"] and c["best_tier"]:
                entry["best"].append({"policy": policy["id"], "contract": c["contract"], "name": c["name"],
                                      "tier": c["best_tier"], "tier_name": c["best_tier_name"],
                                      "maybe_better": c["maybe_better"]})
    return _strip_private({
        "engine_version": ENGINE_VERSION,
        "scope": {"insurers": sorted(insurers) if insurers else None,
                  "care_types": sorted(care_types) if care_types else None, "year": year},
        "facts_given": sorted(facts),
        "insurers": [out_insurers[k] for k in sorted(out_insurers)],
    })
