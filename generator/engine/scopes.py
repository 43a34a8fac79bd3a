"""The checker's data in parts: one file per care type and contract year (a scope).

A practice checks one care type in one contract year, so the browser needs only that scope's
policies, not the whole market's: at five years of the whole Dutch market (about 1,500
policies) the one bundle would be tens of megabytes on a phone. The site publishes an index
that holds only what does not grow with the number of insurers and policies (the questions,
registers, regions, care types and the names of the scopes) and a file per scope with its
policies and the insurers and sources they name; the worker loads the scopes a request needs
and hands the engine a bundle made of the index and the scopes loaded so far, with the
policies in the bundle's order (by id). For a request within the loaded scopes the engine
answers exactly what it answers on the whole bundle (tested).
"""
from __future__ import annotations

from typing import Any, Iterable

# What a scope's file holds of the bundle; the index holds the rest.
PART_KEYS = ("insurers", "policies", "sources")


def scope_key(care_type: str, year: int) -> str:
    """The scope's name, also its file name: ``fysiotherapie-2025``."""
    return f"{care_type}-{year}"


def own_policies(bundle: dict[str, Any]) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """Every (care type, contract year) with policies, sorted, and its own policies (not those
    they continue contracts from) in bundle order."""
    out: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for p in bundle["policies"]:
        for ct in p["care_types"]:
            for year in p["contract_years"]:
                out.setdefault((ct, year), []).append(p)
    return dict(sorted(out.items()))


def in_scope(bundle: dict[str, Any], care_type: str, year: int) -> list[dict[str, Any]]:
    """The scope's policies and every policy they continue contracts from, in bundle order."""
    by_id = {p["id"]: p for p in bundle["policies"]}
    wanted = {p["id"] for p in bundle["policies"] if care_type in p["care_types"] and year in p["contract_years"]}
    todo = list(wanted)
    while todo:
        for cont in by_id[todo.pop()].get("continues", []):
            if cont["policy"] in by_id and cont["policy"] not in wanted:
                wanted.add(cont["policy"])
                todo.append(cont["policy"])
    return [p for p in bundle["policies"] if p["id"] in wanted]


def named_sources(policy: dict[str, Any]) -> set[str]:
    """The sources a policy names: its own list (every citation's source is one of them, as
    validation checks) and those of its source notes."""
    return {*policy.get("sources", []), *(s for n in policy.get("source_notes", []) for s in n.get("sources", []))}


def part(bundle: dict[str, Any], key: str, policies: list[dict[str, Any]]) -> dict[str, Any]:
    """A scope's file: its policies with the insurers and sources they name."""
    insurers = {p["insurer"] for p in policies}
    sources = set().union(*(named_sources(p) for p in policies))
    return {"scope": key, "policies": policies,
            "insurers": {k: v for k, v in bundle["insurers"].items() if k in insurers},
            "sources": {k: v for k, v in bundle["sources"].items() if k in sources}}


def split(bundle: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The index and every scope's file."""
    parts = {scope_key(ct, year): part(bundle, scope_key(ct, year), in_scope(bundle, ct, year))
             for ct, year in own_policies(bundle)}
    index = {k: v for k, v in bundle.items() if k not in PART_KEYS}
    index["scopes"] = sorted(parts)
    return index, parts


def needed(index: dict[str, Any], request: dict[str, Any]) -> list[str]:
    """The scopes a request reads: its care types in its year; without either, every scope
    (the engine then looks across years and care types)."""
    care_types, year = request.get("care_types"), request.get("year")
    if not care_types or year is None:
        return list(index["scopes"])
    return [key for key in (scope_key(ct, year) for ct in care_types) if key in index["scopes"]]


def view(index: dict[str, Any], parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A bundle for the engine: the index with the loaded scopes' policies (in the bundle's
    order, by id), insurers and sources."""
    loaded: dict[str, dict[str, dict[str, Any]]] = {key: {} for key in PART_KEYS}
    for p in parts:
        loaded["policies"].update((policy["id"], policy) for policy in p["policies"])
        loaded["insurers"].update(p["insurers"])
        loaded["sources"].update(p["sources"])
    return dict(index, insurers=dict(sorted(loaded["insurers"].items())),
                sources=dict(sorted(loaded["sources"].items())),
                policies=[policy for _, policy in sorted(loaded["policies"].items())])


__all__ = ["PART_KEYS", "in_scope", "named_sources", "needed", "own_policies", "part", "scope_key", "split", "view"]
