"""Which question to ask next: the facts whose answer can still change a verdict, best first.

Derived from the evaluation itself, never written by hand (as Publicodes derives its
'missing variables' from the rules): every verdict that is still unknown rests on unknown
leaves; a fact that settles more verdicts, and settles them alone, comes first. A fact
that can make another fact not exist (the number of patients decides whether there is a
behandelindex) is asked before it. Pure standard library, like the rest of the engine.
"""
from __future__ import annotations

from typing import Any, Iterator

from .logic import MET, NOT_MET, UNKNOWN


def question_key(fact: str, year: int | None) -> str:
    """One question: a fact, for a measurement year when it is yearly (``behandelindex@2022``)."""
    return fact if year is None else f"{fact}@{year}"


def _decisive_unknown_leaves(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Leaves under ``node`` whose answer can still change its status."""
    if node.get("status") != UNKNOWN:
        return
    children = node.get("children")
    if not children:
        yield node
        return
    kind = node["kind"]
    for child in children:
        if kind == "all" and child["status"] == MET:
            continue  # already settled; cannot flip by answering more
        if kind == "any" and child["status"] == NOT_MET:
            continue
        yield from _decisive_unknown_leaves(child)


# How much settling a verdict is worth: whether a contract is within reach matters most; which
# tier, and care-level limitations, refine it.
WEIGHT = {"requirement": 1.0, "contract": 1.0, "tier": 0.8, "module": 0.6, "selective": 0.3, "limitation": 0.25}


# The order of an interview: first the minimum requirements of the main contracts (a "no"
# there settles everything), then what decides the contract and its tier, then modules and
# addenda, then selectively bought care, last what only limits a part of the care.
STAGE = {"requirement": 0, "contract": 1, "tier": 1, "module": 2, "selective": 3, "limitation": 4}


def _verdict_roots(answer: dict[str, Any]) -> Iterator[tuple[str, str, list[tuple[dict[str, Any], str]]]]:
    """Every unknown verdict in the answer: (name, kind, [(criterion tree, stage)])."""
    for ins in answer["insurers"]:
        for pol in ins["policies"]:
            for c in pol["contracts"]:
                main = c["kind"] == "contract"
                own_stage = "contract" if main else "module"
                base = [(r["result"], "requirement" if main else "module") for r in c["requirements"]]
                base += [(c["criterion"], own_stage)] if c["criterion"] else []
                base += [(cap["result"], own_stage) for cap in c.get("caps", []) if cap["at_most"] == "none"]
                name = f"{pol['policy']}#{c['contract']}"
                if c["verdict"] == "unknown":
                    yield name, own_stage, base
                for t in c["tiers"]:
                    if t["verdict"] == "unknown":
                        stage = "tier" if main else "module"
                        own = ([(t["criterion"], stage)] if t["criterion"] else []) + \
                            [(cap["result"], stage) for cap in t["caps"]]
                        yield f"{name}/{t['tier']}", stage, base + own
                for item in c.get("limitations", []) + c.get("tariff_effects", []):
                    if item["status"] == UNKNOWN:
                        yield f"{name}~{item['id']}", "limitation", [(item["result"], "limitation")]
            for rule in pol.get("selective", []):
                if rule["verdict"] == "unknown":
                    yield f"{pol['policy']}!{rule['rule']}", "selective", [(rule["requirement"], "selective")]


def rank_questions(bundle: dict[str, Any], answer: dict[str, Any], skipped: list[str] | None = None,
                   answered: set[str] | None = None) -> list[dict[str, Any]]:
    """Open questions, best first: ``[{key, fact, year, score, verdicts}]``.

    ``skipped``: question keys the user answered with "weet ik niet" (kept unknown, asked
    last). ``answered``: keys already answered (never asked again, e.g. a guideline whose
    value is known but whose verdict stays unknown because the insurer weighs it).
    """
    skipped_set = set(skipped or [])
    answered = answered or set()
    facts = bundle["facts"]
    scores: dict[str, float] = {}
    stages: dict[str, int] = {}
    verdicts: dict[str, set[str]] = {}
    info: dict[str, tuple[str, int | None]] = {}

    def add(fact_id: str, year: int | None, weight: float, verdict: str, stage: int = 0) -> None:
        fact = facts.get(fact_id)
        if fact is None:
            return
        if fact.get("derived"):  # never asked: ask its parts
            rule = fact["derived"]
            parts = [rule.get("numerator"), rule.get("denominator"), *rule.get("of", [])]
            for part in [p for p in parts if p]:
                add(part, year, weight / len(parts), verdict, stage)
            return
        y = year if fact.get("yearly") else None
        key = question_key(fact_id, y)
        if key in answered:
            return
        scores[key] = scores.get(key, 0.0) + weight
        stages[key] = min(stages.get(key, stage), stage)
        verdicts.setdefault(key, set()).add(verdict)
        info[key] = (fact_id, y)
        if fact.get("absent_when"):  # the fact that can make this one not exist comes first
            for other in _facts_of(fact["absent_when"]):
                add(other, y, weight * 1.01, verdict, stage)

    for verdict, kind, roots in _verdict_roots(answer):
        found: dict[tuple[str, Any], int] = {}
        for root, stage in roots:
            for leaf in _decisive_unknown_leaves(root):
                for key in ("fact", "position_fact"):
                    if leaf.get(key):
                        pair = (leaf[key], leaf.get("year"))
                        found[pair] = min(found.get(pair, STAGE[stage]), STAGE[stage])
        for (fact_id, year), stage in found.items():
            # a fact that settles a verdict alone counts most, one among many still counts
            add(fact_id, year, WEIGHT[kind] / len(found) ** 0.5, verdict, stage)

    def order(key: str) -> tuple:
        fact_id, year = info[key]
        return (key in skipped_set, stages[key], -round(scores[key], 6), facts[fact_id].get("group", ""),
                facts[fact_id]["label"], year or 0)

    return [{"key": key, "fact": info[key][0], "year": info[key][1], "score": round(scores[key], 4),
             "verdicts": sorted(verdicts[key]), "skipped": key in skipped_set}
            for key in sorted(scores, key=order)]


def _facts_of(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        if isinstance(node.get("fact"), str):
            found.append(node["fact"])
        of = node.get("of")
        for child in of if isinstance(of, list) else [of] if isinstance(of, dict) else []:
            found += _facts_of(child)
    return found
