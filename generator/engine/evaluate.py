"""Verdicts for a practice profile: which contract, tier, module or addendum, which
selectively procured care, why, what it would take, and what the verdict rests on.

Input is plain JSON (the engine bundle the build publishes, see ``bundle.py`` in the
generator) so the CLI, the tests and Pyodide in the browser run this very code.
No clock, no I/O: everything needed is an argument.

Levels of consequence are kept apart: a minimum requirement whose consequence is
``contract`` decides the contract; ``care`` (a part of the care is not approved or not
declarable), ``tariff`` and ``none`` (an expectation or request) are reported beside the
verdict and never turn a contract into not-eligible.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from .facts import ABSENT, FactView
from .logic import MET, NOT_MET, UNKNOWN, from_bool, k_and, k_not, k_or
from .profile import check_profile
from .text import Texts

ENGINE_VERSION = 3
ORDER = {"lt": lambda a, b: a < b, "le": lambda a, b: a <= b, "gt": lambda a, b: a > b,
         "ge": lambda a, b: a >= b, "eq": lambda a, b: a == b, "ne": lambda a, b: a != b}
VERDICT = {MET: "eligible", NOT_MET: "not-eligible", UNKNOWN: "unknown"}
SELECTIVE_VERDICT = {MET: "may-provide", NOT_MET: "may-not-provide", UNKNOWN: "unknown"}
NUMERIC_KINDS = ("compare", "range", "quantile")


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
    notes: list[dict[str, Any]] = field(default_factory=list)  # its own note first, then notes naming it
    guideline: str | None = None  # a weighed guideline: whether the practice meets it

    @property
    def note(self) -> dict[str, Any] | None:
        return self.notes[0] if self.notes else None

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.node["kind"], "status": self.status, "label": self.label}
        for key in ("id", "fact", "position_fact", "year"):
            if self.node.get(key) is not None:
                out[key] = self.node[key]
        if self.is_leaf:
            out["value"] = self.value
            out["threshold"] = self.threshold
        if self.basis:
            out["basis"] = self.basis
        if self.guideline is not None:
            out["guideline"] = self.guideline
        if self.node.get("incomplete"):
            out["incomplete"] = True
        if self.cite:
            out["cite"] = self.cite
        if self.notes:
            out["note"] = self.notes[0]
        if len(self.notes) > 1:
            out["notes"] = self.notes
        if self.children:
            out["children"] = [c.to_json() for c in self.children]
        return out

    def leaf_json(self) -> dict[str, Any]:
        label = self.label
        if self.node["kind"] == "not" and self.children and not self.node.get("label"):
            label = "Niet: " + self.children[0].label
        out = {"label": label, "status": self.status, "value": self.value, "threshold": self.threshold}
        for key in ("id", "fact", "position_fact", "year"):
            if self.node.get(key) is not None:
                out[key] = self.node[key]
        if self.guideline is not None:
            out["guideline"] = self.guideline
        if self.cite:
            out["cite"] = self.cite
        if self.notes:
            out["note"] = self.notes[0]
        if len(self.notes) > 1:
            out["notes"] = self.notes
        return out



def cite_link(cite: dict[str, Any], source: dict[str, Any]) -> str | None:
    """Where a citation's "Bron" link goes: the citation's own address (a section of a web
    page); else the document itself (``document_url``, e.g. its PDF), at the cited ``page``;
    else the page where the insurer publishes the policy (``url``)."""
    if cite.get("url"):
        return cite["url"]
    if source.get("document_url"):
        return source["document_url"] + (f"#page={cite['page']}" if cite.get("page") else "")
    return source.get("url")


class PolicyEvaluator:
    """Evaluates the contracts and selective-procurement rules of one policy, for one
    profile and one contract year."""

    def __init__(self, bundle: dict[str, Any], policy: dict[str, Any], facts: FactView,
                 year: int | None, care_type: str | None, by_id: dict[str, dict[str, Any]] | None = None):
        """``by_id``: the bundle's policies by id, when the caller has it (one index per request,
        not one per evaluator: the engine builds evaluators per policy and per case)."""
        self.bundle = bundle
        self.policy = policy
        self.facts = facts
        self.year = year
        self.care_type = care_type
        self.contracts = {c["id"]: c for c in policy.get("contracts", [])}
        self.notes = {n["id"]: n for n in policy.get("source_notes", [])}
        self.notes_by_ref: dict[str, list[str]] = {}
        for n in policy.get("source_notes", []):
            for ref in n.get("refs", []):
                self.notes_by_ref.setdefault(ref, []).append(n["id"])
        self.texts = texts_for(bundle, policy)
        self._contract_cache: dict[str, dict[str, Any]] = {}
        self._in_progress: set[str] = set()
        self._settling = False  # inside a case split: no nested splits
        # contracts that run on from earlier policies (``continues``), each judged in its own policy
        self.continued: dict[str, PolicyEvaluator] = {}
        continues = policy.get("continues", [])
        if continues and by_id is None:
            by_id = policies_by_id(bundle)
        self.by_id = by_id
        for cont in continues:
            if cont["policy"] in by_id:
                earlier = PolicyEvaluator(bundle, by_id[cont["policy"]], facts, year, care_type, by_id)
                for cid in cont["contracts"]:
                    self.continued[cid] = earlier

    # ------------------------------------------------------------------ citations and notes
    def cite(self, cite: dict[str, Any] | None) -> dict[str, Any] | None:
        if not cite:
            return None
        source_id = cite.get("source") or self.policy["sources"][0]
        source = self.bundle["sources"].get(source_id, {})
        return {"source": source_id, "title": source.get("title", source_id), "section": cite["section"],
                "url": cite_link(cite, source)}

    def note(self, note_id: str | None) -> dict[str, Any] | None:
        """A source note as JSON, or None when it does not bear on this profile (its ``when``
        is known not to hold)."""
        if not note_id or note_id not in self.notes:
            return None
        n = self.notes[note_id]
        if n.get("when") and self._evaluate(n["when"], None).status == NOT_MET:
            return None
        out = {"id": n["id"], "kind": n["kind"], "text": n["text"], "kept": n["kept"],
               "cite": self.cite(n.get("cite"))}
        if n.get("sources"):
            out["sources"] = list(n["sources"])
        return out

    def notes_about(self, *item_ids: str) -> list[dict[str, Any]]:
        """Notes whose ``refs`` name one of these items (contract, tier, requirement, rule)."""
        note_ids = sorted({nid for item in item_ids for nid in self.notes_by_ref.get(item, [])},
                          key=list(self.notes).index)
        return [note for note in map(self.note, note_ids) if note is not None]

    # ------------------------------------------------------------------ criteria
    def evaluate(self, node: dict[str, Any], cite: dict[str, Any] | None) -> Result:
        own_cite = node.get("cite") or cite
        result = self._evaluate(node, own_cite)
        if node.get("binding") == "guideline":
            result.guideline = result.status
            result.status = UNKNOWN  # weighed by the insurer: never decided by the threshold alone
        result.cite = self.cite(own_cite)
        own = self.note(node.get("note"))
        about = self.notes_about(node["id"]) if node.get("id") else []
        result.notes = _merge_notes([own] if own else [], about)
        return result

    def status_of(self, node: dict[str, Any], year: int | None) -> str:
        """Status of a fact-only criterion in one measurement year (decides ``absent_when``)."""
        return self._evaluate(_in_year(node, year), None).status

    def _value(self, node: dict[str, Any], fact_key: str = "fact") -> Any:
        return self.facts.get(node[fact_key], node.get("year"))

    def _evaluate(self, node: dict[str, Any], cite: dict[str, Any] | None) -> Result:
        kind = node["kind"]
        label = self.texts.head(node)
        if kind in ("all", "any"):
            children = [self.evaluate(child, cite) for child in node["of"]]
            statuses = [c.status for c in children] + ([UNKNOWN] if node.get("incomplete") else [])
            combine = k_and if kind == "all" else k_or
            return Result(node, combine(statuses), label, children)
        if kind == "not":
            child = self.evaluate(node["of"], cite)
            return Result(node, k_not(child.status), label, [child])
        if kind == "care-type":
            child = self.evaluate(node["of"], cite)
            if self.care_type is None:
                status = k_or([UNKNOWN, child.status])
            elif self.care_type in node["care_types"]:
                status = child.status
            else:
                status = MET  # the condition is not about this practice's care type
            return Result(node, status, label, [child], value=self.care_type, threshold=list(node["care_types"]))
        if kind == "contract-year":
            status = UNKNOWN if self.year is None else from_bool(self.year in node["years"])
            return Result(node, status, label, value=self.year, threshold=list(node["years"]))
        if kind == "contract":
            statuses = [self._reference_status(ref) for ref in node["contracts"]]
            return Result(node, k_or(statuses), label, value=None, threshold=list(node["contracts"]))
        value = self._value(node)
        if kind == "absent":
            status = UNKNOWN if value is None else from_bool(value == ABSENT)
            return Result(node, status, label, value=value, threshold=ABSENT)
        if kind == "compare":
            threshold = node.get("value")
            return Result(node, _compare(value, node["op"], threshold), label, value=value, threshold=threshold)
        if kind == "range":
            threshold = {"min": node.get("min"), "max": node.get("max"),
                         "min_inclusive": node.get("min_inclusive", True),
                         "max_inclusive": node.get("max_inclusive", True)}
            return Result(node, _in_range(value, threshold), label, value=value, threshold=threshold)
        if kind == "quantile":
            return self._quantile(node, label, value)
        if kind in ("is", "registered"):
            expected = node.get("value", True) if kind == "is" else True
            status = UNKNOWN if value is None else NOT_MET if value == ABSENT else from_bool(value == expected)
            return Result(node, status, label, value=value, threshold=expected)
        if kind == "in":
            status = UNKNOWN if value is None else from_bool(value in node["values"])
            return Result(node, status, label, value=value, threshold=list(node["values"]))
        if kind == "region":
            status = UNKNOWN if value is None else NOT_MET if value == ABSENT else \
                from_bool(self._in_regions(value, node["regions"]))
            return Result(node, status, label, value=value, threshold=list(node["regions"]))
        if kind == "date":
            status = UNKNOWN if value is None else NOT_MET if value == ABSENT else \
                from_bool(ORDER[node["op"]](value, node["value"]))
            return Result(node, status, label, value=value, threshold=node["value"])
        if kind == "held":
            return Result(node, _held(value, node["on"]), label, value=value, threshold=node["on"])
        raise ValueError(f"unknown criterion kind {kind!r}")

    def _quantile(self, node: dict[str, Any], label: str, value: Any) -> Result:
        percentile = node["rank"] * (10 if node["unit"] == "decile" else 1)
        threshold = {"percentile": percentile, "value": node.get("value"), "reference": node["reference"]}
        position = self._value(node, "position_fact")
        numeric = lambda v: v is not None and v != ABSENT  # noqa: E731
        # a stated number decides (even where a contradiction is warned about), else absence does
        if node.get("value") is not None and numeric(value):
            return Result(node, from_bool(ORDER[node["op"]](value, node["value"])), label,
                          value=value, threshold=threshold, basis="value")
        if numeric(position):
            return Result(node, from_bool(ORDER[node["op"]](position, percentile)), label,
                          value=position, threshold=threshold, basis="position")
        if value == ABSENT or position == ABSENT:
            return Result(node, NOT_MET, label, value=ABSENT, threshold=threshold)
        return Result(node, UNKNOWN, label, value=value, threshold=threshold)

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
        if cid not in self.contracts and cid in self.continued:
            return self.continued[cid]._reference_status(ref)  # a contract running on from an earlier policy
        if cid not in self.contracts or cid in self._in_progress:
            return UNKNOWN  # a dependency cycle cannot be decided
        if not self.offered(self.contracts[cid]):
            return NOT_MET  # not offered in this contract year
        if self.care_type is not None and self.care_type not in self.contracts[cid]["care_types"]:
            return NOT_MET  # a practice of another care type does not hold this contract
        result = self.contract(cid)
        if not tier:
            return result["_status"]
        return next((t["_status"] for t in result["tiers"] if t["tier"] == tier), UNKNOWN)

    # ------------------------------------------------------------------ contracts
    def offered(self, c: dict[str, Any]) -> bool:
        """Whether the contract runs in the evaluated contract year (its own term)."""
        term = c.get("term")
        if not term or self.year is None:
            return True
        end = term.get("end")
        return term["start"] <= self.year and (not isinstance(end, int) or self.year <= end)

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

    def _cap(self, cap: dict[str, Any], contract_cite: dict[str, Any]) -> Result:
        """A cap as a condition of the tiers it constrains: 'not (cap criterion)'."""
        label = cap.get("label") or self.texts.head(cap["criterion"])
        node = {"kind": "not", "id": cap["id"], "label": f"Geen begrenzing: {label}", "of": cap["criterion"],
                "note": cap.get("note")}
        return self.evaluate(node, cap.get("cite") or contract_cite)

    def _contract(self, c: dict[str, Any]) -> dict[str, Any]:
        requirements, limitations, tariff_effects, expectations = [], [], [], []
        base_results: list[Result] = []
        requirement_notes: list[dict[str, Any]] = []
        for req in self.requirements_for(c["id"]):
            res = self.evaluate(req["criterion"], req["cite"])
            about = self.notes_about(req["id"])
            entry = {"id": req["id"], "title": req["title"], "status": res.status,
                     "consequence": req.get("consequence", "contract"), "result": res.to_json(),
                     "notes": _merge_notes(_decisive_notes([res]), about)}
            if req.get("consequence_text"):
                entry["consequence_text"] = req["consequence_text"]
            consequence = req.get("consequence", "contract")
            if consequence == "contract":
                requirements.append(entry)
                base_results.append(res)
                requirement_notes += about
            elif consequence == "care":
                limitations.append(entry)
            elif consequence == "tariff":
                tariff_effects.append(entry)
            else:
                expectations.append(entry)
        own = self.evaluate(c["criterion"], c["cite"]) if c.get("criterion") else None
        if own is not None:
            base_results.append(own)
        tiers_by_id = {t["id"]: i for i, t in enumerate(c.get("tiers", []))}
        caps = [(cap, self._cap(cap, c["cite"])) for cap in c.get("caps", [])]
        base_results += [res for cap, res in caps if cap["at_most"] not in tiers_by_id]  # 'none': no contract
        base = k_and([r.status for r in base_results] + ([UNKNOWN] if c.get("incomplete") else []))

        tiers = []
        tier_results: list[Result] = []
        needed_by_tier: dict[str, list[Result]] = {}
        best = None
        maybe_better: list[str] = []
        for i, t in enumerate(c.get("tiers", [])):
            res = self.evaluate(t["criterion"], t["cite"]) if t.get("criterion") else None
            tier_results += [res] if res else []
            limits = [r for cap, r in caps if cap["at_most"] in tiers_by_id and i < tiers_by_id[cap["at_most"]]]
            parts = base_results + ([res] if res else []) + limits
            status = k_and([base] + ([res.status] if res else []) + [r.status for r in limits])
            needed = _needed(parts) if status != MET else []
            needed_by_tier[t["id"]] = needed
            notes = _merge_notes(_decisive_notes(parts), requirement_notes, self.notes_about(t["id"]))
            tiers.append({"tier": t["id"], "name": t["name"], "verdict": VERDICT[status], "_status": status,
                          "criterion": res.to_json() if res else None,
                          "caps": [{"id": r.node["id"], "label": r.label, "status": r.status,
                                    "result": r.to_json()} for r in limits],
                          "needed": [leaf.leaf_json() for leaf in needed],
                          "notes": notes, "flags": _flags(parts, notes),
                          "cite": self.cite(t["cite"])})
            if status == MET and best is None:
                best = tiers[-1]
            elif best is None and status == UNKNOWN:
                maybe_better.append(t["id"])

        # nothing to check (e.g. a partial policy that only names a contract) is not a pass
        unconditioned = not base_results and not any(t.get("criterion") for t in c.get("tiers", []))
        if unconditioned:
            status = UNKNOWN
        elif c.get("exhaustive") and tiers:
            status = base  # the source says every practice meeting the conditions gets one of the tiers
        else:
            status = k_or([t["_status"] for t in tiers]) if tiers else base
        if best is None:
            maybe_better = []
        possible = [t["tier"] for t in tiers if t["_status"] != NOT_MET]
        settled_on: list[str] = []
        if status == UNKNOWN and not unconditioned and not self._settling:
            settled = self._settle_by_cases(c, base_results + tier_results + [r for _, r in caps])
            if settled is not None:
                status, possible, settled_on = settled
        needed = _needed(base_results) if status != MET and (not tiers or c.get("exhaustive")) else []
        notes = _merge_notes(_decisive_notes(base_results), requirement_notes, self.notes_about(c["id"]),
                             best["notes"] if best else [t_note for t in tiers if t["_status"] == UNKNOWN
                                                         for t_note in t["notes"]])
        flags = _flags(base_results, notes)
        if best:
            flags = _merge_flags(flags, best["flags"])
        if unconditioned:
            flags.append({"kind": "unconditioned", "text": "Het beleid noemt hiervoor geen voorwaarden die te "
                                                           "toetsen zijn."})
        if c.get("incomplete"):
            flags.append({"kind": "incomplete", "id": c["id"], "text": "De bron breekt de lijst met voorwaarden "
                                                                      "af; meer voorwaarden zijn mogelijk."})
        if c.get("exhaustive") and base == MET and tiers and not possible:
            flags.append({"kind": "gap", "id": c["id"], "text": "Volgens de bron hoort elke praktijk in een van de "
                                                               "tariefgroepen, maar geen enkele past."})
        if settled_on:
            flags.append({"kind": "settled", "id": c["id"],
                          "text": "Welke waarde u ook invult voor " + " en ".join(settled_on)
                                  + ": de uitkomst is dezelfde."})
        term = c.get("term") or {}
        if term.get("end") == "unknown" and self.year is not None and self.year > term.get("start", self.year):
            flags.append({"kind": "term-end-unknown", "id": c["id"],
                          "text": "De bron noemt geen einddatum van deze overeenkomst."})
        return {
            "contract": c["id"], "name": c["name"], "kind": c["kind"], "care_types": c["care_types"],
            "verdict": VERDICT[status], "_status": status,
            "conditional": _conditional(status, tiers, best, needed_by_tier,
                                        _needed(base_results) if not tiers else []),
            "best_tier": best["tier"] if best else None, "best_tier_name": best["name"] if best else None,
            "maybe_better": maybe_better,
            "possible_tiers": possible if c.get("exhaustive") or settled_on else [],
            "exhaustive": bool(c.get("exhaustive")),
            "unconditioned": unconditioned,
            "requirements": requirements, "limitations": limitations,
            "tariff_effects": tariff_effects, "expectations": expectations,
            "criterion": own.to_json() if own else None,
            "caps": [{"id": cap["id"], "at_most": cap["at_most"], "label": r.label, "status": r.status,
                      "result": r.to_json()} for cap, r in caps],
            "tiers": tiers, "needed": [leaf.leaf_json() for leaf in needed],
            "notes": notes, "flags": flags, "cite": self.cite(c["cite"]),
        }

    # ------------------------------------------------------------------ settling by cases
    MAX_CASES = 128

    def _settle_by_cases(self, c: dict[str, Any], results: list[Result]) -> tuple[str, list[str], list[str]] | None:
        """Decide an open contract when every remaining value of its few unknown facts leads to
        the same verdict (VGZ: with the SKF aspirant registration every index value gives some
        contract). Each unknown fact is tried at every threshold the policy compares it with,
        just below and above, and in its 'does not exist' state: between two thresholds no
        comparison changes, so these cases cover every value. Returns (status, possible tiers,
        the facts split on), or None when the verdict stays open."""
        keys = sorted({(leaf.node.get("fact"), leaf.node.get("year")) for r in results
                       for leaf in _open_leaves(r) if leaf.node.get("fact")}, key=lambda k: (k[0], k[1] or 0))
        keys += sorted({(leaf.node["position_fact"], leaf.node.get("year")) for r in results
                        for leaf in _open_leaves(r) if leaf.node.get("position_fact")},
                       key=lambda k: (k[0], k[1] or 0))
        keys = list(dict.fromkeys(keys))
        if not keys or len(keys) > 3:
            return None
        domains = []
        for fact_id, year in keys:
            fact = self.bundle["facts"].get(fact_id, {})
            if fact.get("derived") or self.facts.given(fact_id, year) is not None:
                return None  # derived values (or a guideline's answered fact) are not split on
            values = _case_values(fact, _thresholds(self.policy, self.bundle["facts"], fact_id, year))
            if not values:
                return None
            domains.append(values)
        total = 1
        for values in domains:
            total *= len(values)
        if total > self.MAX_CASES:
            return None
        statuses: set[str] = set()
        possible: list[str] = []
        original = _contradicted(self.facts)
        for combo in _product(domains):
            values = {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.facts.values.items()}
            for (fact_id, year), value in zip(keys, combo):
                if year is None:
                    values[fact_id] = value
                else:
                    values[fact_id] = {**(values.get(fact_id) or {}), str(year): value}
            view = FactView(values, self.bundle["facts"])
            ev = PolicyEvaluator(self.bundle, self.policy, view, self.year, self.care_type, self.by_id)
            ev._settling = True
            view.status_of = ev.status_of
            if _impossible(view, original):
                continue
            got = ev.contract(c["id"])
            statuses.add(got["_status"])
            if UNKNOWN in statuses or len(statuses) > 1:
                return None
            if got["best_tier"] and got["best_tier"] not in possible:
                possible.append(got["best_tier"])
        if len(statuses) != 1:
            return None
        order = [t["id"] for t in c.get("tiers", [])]
        labels = [self.texts.fact_name(f, y) for f, y in keys]
        return statuses.pop(), sorted(possible, key=order.index), labels

    # ------------------------------------------------------------------ selective procurement
    def selective(self, rule: dict[str, Any]) -> dict[str, Any]:
        """May the practice provide and declare this care under this insurer's contract?"""
        res = self.evaluate(rule["requirement"], rule["cite"])
        statuses = [res.status]
        via = None
        vias = [rule["via"]] if isinstance(rule.get("via"), str) else [v for v in rule.get("via") or []]
        known = {v: self.contracts.get(v) or self.continued[v].contracts[v] for v in vias
                 if v in self.contracts or v in self.continued}
        if known:
            # any of the listed contracts; the one of the practice's own care type when known
            own = [v for v in known if self.care_type is None or self.care_type in known[v]["care_types"]]
            candidates = own or list(known)
            status_by_id = {v: self._reference_status(v) for v in candidates}
            chosen = next((v for v in candidates if status_by_id[v] == MET), candidates[0])
            via_status = k_or(list(status_by_id.values()))
            via = {"contract": chosen, "name": known[chosen]["name"], "verdict": VERDICT[via_status]}
            statuses.append(via_status)
        status = k_and(statuses)
        needed = [leaf.leaf_json() for leaf in _needed([res])] if status != MET else []
        if via and via["verdict"] != "eligible" and status != MET:
            contract = known[via["contract"]]
            needed.append({"label": f"Een overeenkomst {contract['name']}", "status": _status_of(via["verdict"]),
                           "value": None, "threshold": None, "cite": self.cite(contract["cite"])})
        notes = _merge_notes(_decisive_notes([res]), self.notes_about(rule["id"]))
        out = {"rule": rule["id"], "condition": rule["condition"], "care_types": rule["care_types"],
               "verdict": SELECTIVE_VERDICT[status], "requirement": res.to_json(), "via": via,
               "needed": needed, "notes": notes, "flags": _flags([res], notes), "cite": self.cite(rule["cite"])}
        if rule.get("text"):
            out["text"] = rule["text"]
        return out


def policies_by_id(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in bundle.get("policies", [])}


def texts_for(bundle: dict[str, Any], policy: dict[str, Any]) -> Texts:
    names: dict[str, str] = {}
    for c in policy.get("contracts", []):
        names[c["id"]] = c["name"]
        for t in c.get("tiers", []):
            names[f"{c['id']}/{t['id']}"] = f"{c['name']} – {t['name']}"
    return Texts(bundle["facts"], bundle["registers"], bundle["regions"], names, bundle.get("care_types"))


def _in_year(node: dict[str, Any], year: int | None) -> dict[str, Any]:
    """The criterion with ``year`` filled in wherever it reads a fact without one."""
    if year is None:
        return node
    out = dict(node)
    if "fact" in out and "year_offset" in out:
        out["year"] = year + out.pop("year_offset")  # e.g. the revenue over the year before
    elif "fact" in out and "year" not in out:
        out["year"] = year
    if isinstance(out.get("of"), list):
        out["of"] = [_in_year(child, year) for child in out["of"]]
    elif isinstance(out.get("of"), dict):
        out["of"] = _in_year(out["of"], year)
    return out


def _compare(value: Any, op: str, threshold: Any) -> str:
    if value == ABSENT:
        return NOT_MET  # a value that does not exist meets no threshold
    if value is None or threshold is None:
        return UNKNOWN
    return from_bool(ORDER[op](value, threshold))


def _in_range(value: Any, t: dict[str, Any]) -> str:
    if value == ABSENT:
        return NOT_MET
    if value is None:
        return UNKNOWN
    ok = True
    if t["min"] is not None:
        ok = ok and (value >= t["min"] if t["min_inclusive"] else value > t["min"])
    if t["max"] is not None:
        ok = ok and (value <= t["max"] if t["max_inclusive"] else value < t["max"])
    return from_bool(ok)


def _held(value: Any, on: str) -> str:
    if value is None:
        return UNKNOWN
    if value == ABSENT or not isinstance(value, dict):
        return NOT_MET
    until = value.get("until")
    return from_bool(value["since"] <= on and (until is None or on <= until))


CONDITIONAL_MAX = 2


def _conditional(status: str, tiers: list[dict[str, Any]], best: dict[str, Any] | None,
                 needed_by_tier: dict[str, list[Result]], needed: list[Result]) -> dict[str, Any] | None:
    """'Generiek, als u ook …': the best outcome still open that answers about one or two more
    facts would reach (no condition known to fail, no weighed guideline). None otherwise."""

    def reachable(leaves: list[Result]) -> bool:
        facts = {key for leaf in leaves for key in _fact_keys(leaf)}
        return bool(leaves) and 0 < len(facts) <= CONDITIONAL_MAX and all(
            leaf.status == UNKNOWN and leaf.guideline is None and not leaf.node.get("incomplete")
            for leaf in leaves)

    if tiers:
        for t in tiers:
            if best is not None and t is best:
                return None  # nothing better than what is already reached
            if t["_status"] == UNKNOWN and reachable(needed_by_tier.get(t["tier"], [])):
                return {"tier": t["tier"], "tier_name": t["name"], "if": t["needed"]}
        return None
    if status == UNKNOWN and reachable(needed):
        return {"tier": None, "tier_name": None, "if": [leaf.leaf_json() for leaf in needed]}
    return None


def _fact_keys(r: Result) -> set[tuple[str, Any]]:
    keys = {(r.node[k], r.node.get("year")) for k in ("fact", "position_fact") if r.node.get(k)}
    for child in r.children:
        keys |= _fact_keys(child)
    if r.node.get("kind") == "contract":
        keys.add(("contract", tuple(r.node["contracts"])))
    return keys


def _open_leaves(r: Result) -> Iterator[Result]:
    """Unknown leaves a status rests on (the facts a case split may try)."""
    for node in _decisive(r):
        if not node.children and node.status == UNKNOWN and node.guideline is None:
            yield node


def _thresholds(policy: dict[str, Any], facts: dict[str, Any], fact_id: str, year: int | None) -> list[Any]:
    """Every value the policy (and the facts' own absent_when) compares this fact with."""
    cached = _THRESHOLD_CACHE.get(id(policy))
    if cached is None or cached[0] is not policy or cached[1] is not facts:
        if len(_THRESHOLD_CACHE) > 256:
            _THRESHOLD_CACHE.clear()
        cached = (policy, facts, _threshold_index(policy, None), {})
        _THRESHOLD_CACHE[id(policy)] = cached
    if year not in cached[3]:
        cached[3][year] = _absent_when_index(facts, year)
    found: list[Any] = []
    for index in (cached[2], cached[3][year]):
        found += index.get((fact_id, year), [])
        found += index.get((fact_id, "position"), [])
    return found


# id(policy) -> (policy, facts, thresholds by (fact, year), absent_when thresholds per year):
# the walk over a whole policy ran once per open fact and contract. The identity checks keep
# a reused id() from ever returning another policy's thresholds.
_THRESHOLD_CACHE: dict[int, tuple[Any, Any, dict[Any, list[Any]], dict[Any, Any]]] = {}


def _threshold_index(root: Any, root_year: int | None) -> dict[Any, list[Any]]:
    """(fact, year) -> the values compared with it; (fact, "position") -> those of quantile
    positions, which count whatever the year (a node is counted once either way)."""
    index: dict[Any, list[Any]] = {}

    def walk(node: Any, default_year: int | None) -> None:
        if isinstance(node, dict):
            node_year = node.get("year", default_year)
            keys = []
            if node.get("fact") and node.get("position_fact") != node.get("fact"):
                keys.append((node["fact"], node_year))
            if node.get("position_fact"):
                keys.append((node["position_fact"], "position"))
            for k in keys:
                values = index.setdefault(k, [])
                for key in ("value", "min", "max", "on"):
                    if node.get(key) is not None and not isinstance(node.get(key), (bool, dict, list)):
                        values.append(node[key])
                if node.get("kind") == "quantile" and k[1] == "position":
                    values.append(node["rank"] * (10 if node["unit"] == "decile" else 1))
            for value in node.values():
                walk(value, node_year if isinstance(value, (dict, list)) else default_year)
        elif isinstance(node, list):
            for value in node:
                walk(value, default_year)

    walk(root, root_year)
    return index


def _absent_when_index(facts: dict[str, Any], year: int | None) -> dict[Any, list[Any]]:
    index: dict[Any, list[Any]] = {}
    for other in facts.values():
        if other.get("absent_when"):
            for k, values in _threshold_index(other["absent_when"], year).items():
                index.setdefault(k, []).extend(values)
    return index


def _case_values(fact: dict[str, Any], thresholds: list[Any]) -> list[Any] | None:
    """Representative values of a fact: one per interval its thresholds cut, plus 'absent'."""
    kind = fact.get("type")
    absent = [ABSENT] if fact.get("absent") or kind == "held" else []
    if kind == "boolean":
        return [True, False]
    if kind == "enum":
        return [o["value"] for o in fact.get("options", [])] + absent
    if kind == "held":
        days = sorted({t for t in thresholds if isinstance(t, str)})
        return [{"since": "1900-01-01"}] + [{"since": _next_day(d)} for d in days] + absent
    if kind == "date":
        days = sorted({t for t in thresholds if isinstance(t, str)})
        return sorted({"1900-01-01", "2999-12-31", *days, *(_next_day(d) for d in days)}) + absent
    numbers = sorted({t for t in thresholds if isinstance(t, (int, float))})
    if not numbers:
        return None
    step = 1 if kind == "integer" else 0.001
    points = {numbers[0] - step, numbers[-1] + step}
    for t in numbers:
        points |= {t - step, t, t + step}
    low, high = fact.get("min"), fact.get("max")
    values = sorted(p for p in points if (low is None or p >= low) and (high is None or p <= high))
    if kind == "integer":
        values = sorted({int(v) for v in values if float(v).is_integer()})
    return values + absent


def _next_day(day: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def _product(domains: list[list[Any]]) -> Iterator[tuple[Any, ...]]:
    if not domains:
        yield ()
        return
    for head in domains[0]:
        for tail in _product(domains[1:]):
            yield (head, *tail)


def _contradicted(view: FactView) -> set[tuple[str, Any]]:
    """Stated values of facts that, by their ``absent_when``, cannot exist."""
    out = set()
    for fact_id, fact in view.registry.items():
        if not fact.get("absent_when") or fact_id not in view.values:
            continue
        raw = view.values[fact_id]
        for year in (list(raw) if fact.get("yearly") and isinstance(raw, dict) else [None]):
            y = int(year) if year is not None else None
            value = view.given(fact_id, y)
            if value not in (None, ABSENT) and view.status_of is not None \
                    and view.status_of(fact["absent_when"], y) == MET:
                out.add((fact_id, y))
    return out


def _impossible(view: FactView, original: set[tuple[str, Any]]) -> bool:
    """A tried combination that cannot occur: it makes a stated value impossible (e.g. 29
    patients while the practice states an index, which only exists above 30)."""
    return bool(_contradicted(view) - original)


def _status_of(verdict: str) -> str:
    return {v: k for k, v in VERDICT.items()}[verdict]


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
    if r.guideline is not None or r.node.get("incomplete"):
        return [r]  # weighed or open-ended: shown as a whole, the insurer decides
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
    if kind == "care-type":
        return _need(r.children[0])
    return [r]  # a leaf, or a 'not' that must flip as a whole


def _decisive(r: Result) -> Iterator[Result]:
    """The nodes a status rests on: for a met 'any' its met branches, for an unmet 'all' its
    unmet parts, for an unknown one its unknown parts; everything below a decided 'all'."""
    yield r
    kind = r.node["kind"]
    if kind == "all":
        # an open 'all' rests on its open parts and on the parts it already meets
        pick = [c for c in r.children if r.status in (MET, UNKNOWN) and c.status != NOT_MET
                or c.status == r.status]
    elif kind == "any":
        pick = [c for c in r.children if r.status == NOT_MET or c.status == r.status]
    else:
        pick = r.children
    for child in pick:
        yield from _decisive(child)


def _decisive_notes(results: list[Result]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for r in results:
        for node in _decisive(r):
            for note in node.notes:
                seen.setdefault(note["id"], note)
    return list(seen.values())


def _merge_notes(*groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for group in groups:
        for note in group:
            seen.setdefault(note["id"], note)
    return list(seen.values())


def _flags(results: list[Result], notes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a verdict rests on besides plain facts: source notes, conflicts between sources,
    weighed guidelines and condition lists the source leaves open."""
    flags = [{"kind": n["kind"], "id": n["id"], "text": n["text"]} for n in notes]
    for r in results:
        for node in _decisive(r):
            if node.guideline is not None:
                flags.append({"kind": "guideline", "id": node.node.get("id"),
                              "text": f"Richtlijn, door de verzekeraar gewogen: {node.label}"})
            if node.node.get("incomplete") and node.status != MET:  # a met open 'any' rests on what is listed
                flags.append({"kind": "incomplete", "id": node.node.get("id"),
                              "text": f"De bron noemt deze lijst onvolledig: {node.label}"})
    return _merge_flags(flags)


def _merge_flags(*groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen = set()
    for group in groups:
        for flag in group:
            key = (flag["kind"], flag.get("id"), flag["text"])
            if key not in seen:
                seen.add(key)
                out.append(flag)
    return out


def _public_contract(result: dict[str, Any]) -> dict[str, Any]:
    """A contract result without the engine's private ``_status`` (on the contract and its
    tiers, the only places it is kept): copies two levels instead of the whole tree."""
    out = {k: v for k, v in result.items() if k != "_status"}
    out["tiers"] = [{k: v for k, v in t.items() if k != "_status"} for t in result["tiers"]]
    return out


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


def _in_scope(item_care_types: list[str], care_types: list[str] | None) -> bool:
    return not care_types or bool(set(care_types) & set(item_care_types))


PolicyCache = Callable[[dict[str, Any], Callable[[], tuple[dict[str, Any], list[dict[str, Any]]]]],
                      tuple[dict[str, Any], list[dict[str, Any]]]]


def _policy_part(bundle: dict[str, Any], policy: dict[str, Any], view: FactView, year: int | None,
                 care_type: str | None, care_types: list[str] | None,
                 by_id: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One policy's part of the answer, and its contracts' best tiers."""
    policy_year = year if year is not None else min(policy["contract_years"])
    ev = PolicyEvaluator(bundle, policy, view, policy_year, care_type, by_id)
    view.status_of = ev.status_of
    contracts = [ev.contract(c["id"]) for c in policy.get("contracts", [])
                 if _in_scope(c["care_types"], care_types) and ev.offered(c)]
    for cid, old in ev.continued.items():
        c = old.contracts.get(cid)
        if c and _in_scope(c["care_types"], care_types) and old.offered(c):
            contracts.append({**old.contract(cid), "continued_from": old.policy["id"]})
    selective = [ev.selective(rule) for rule in policy.get("selective_procurement", [])
                 if _in_scope(rule["care_types"], care_types)]
    clauses = [{"id": cl["id"], "kind": cl["kind"], "title": cl["title"], "text": cl["text"],
                "applies_to": cl.get("applies_to", ["all"]), "cite": ev.cite(cl["cite"])}
               for cl in policy.get("clauses", [])]
    best = [{"policy": policy["id"], "contract": c["contract"], "name": c["name"], "tier": c["best_tier"],
             "tier_name": c["best_tier_name"], "maybe_better": c["maybe_better"]}
            for c in contracts if c["tiers"] and c["best_tier"]]
    part = {"policy": policy["id"], "title": policy["title"], "completeness": policy["completeness"],
            "contract_years": policy["contract_years"], "year": policy_year,
            "contracts": [_public_contract(c) for c in contracts], "selective": selective, "clauses": clauses}
    return part, best


def evaluate(bundle: dict[str, Any], profile: Any, insurers: list[str] | None = None,
             care_types: list[str] | None = None, year: int | None = None,
             cached: PolicyCache | None = None) -> dict[str, Any]:
    """All verdicts for a profile within a scope, as stable JSON-ready data.

    ``year`` is the contract year; without it each policy is judged for its first contract
    year. With exactly one care type in scope, that is the practice's care type (conditions
    that differ per care type inside one contract are then decided).

    ``cached(policy, compute)``: how to get one policy's part of the answer (default: compute
    it). A policy's part depends only on the profile, the scope, the bundle's registries and
    the policy with those it continues contracts from, so a caller that knows when those are
    unchanged (the site generator in a ``serve`` session) may keep it; never mutated here.
    """
    values = check_profile(profile, bundle["facts"])
    view = FactView(values, bundle["facts"])
    care_type = care_types[0] if care_types and len(care_types) == 1 else None
    out_insurers: dict[str, dict[str, Any]] = {}
    by_id = policies_by_id(bundle)
    for policy in select_policies(bundle, insurers, care_types, year):
        compute = lambda: _policy_part(bundle, policy, view, year, care_type, care_types, by_id)  # noqa: E731
        part, best = cached(policy, compute) if cached is not None else compute()
        entry = out_insurers.setdefault(policy["insurer"], {
            "insurer": policy["insurer"],
            "name": bundle["insurers"].get(policy["insurer"], {}).get("name", policy["insurer"]),
            "best": [], "policies": []})
        entry["policies"].append(part)
        entry["best"].extend(best)
    probe = PolicyEvaluator(bundle, {"contracts": [], "sources": [""]}, view, year, care_type)
    view.status_of = probe.status_of
    warnings = view.contradictions(probe.texts.fact_name)
    return {
        "engine_version": ENGINE_VERSION,
        "scope": {"insurers": sorted(insurers) if insurers else None,
                  "care_types": sorted(care_types) if care_types else None, "year": year},
        "facts_given": sorted(values),
        "warnings": warnings,
        "insurers": [out_insurers[k] for k in sorted(out_insurers)],
    }
