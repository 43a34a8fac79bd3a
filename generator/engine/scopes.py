"""The checker's data in parts: one file per care type and contract year (a scope).

A practice checks one care type in one contract year, so the browser needs only that scope's
policies, not the whole market's: at five years of the whole Dutch market (about 1,500
policies) the one bundle would be tens of megabytes on a phone. The site publishes an index
(everything but the policies' contents, plus a light entry per policy that the page's own
script reads) and a file per scope; the worker loads the scopes a request needs and hands the
engine a bundle with the policies loaded so far, in the index's order. For a request within
the loaded scopes the engine answers exactly what it answers on the whole bundle (tested).
"""
from __future__ import annotations

from typing import Any

# What the checker page itself reads of each policy (scope pickers, the "nothing newer" notice).
LIGHT_FIELDS = ("id", "insurer", "family", "care_types", "contract_years")


def scope_key(care_type: str, year: int) -> str:
    """The scope's name, also its file name: ``fysiotherapie-2025``."""
    return f"{care_type}-{year}"


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


def split(bundle: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The index and the policies of every scope."""
    keys = sorted({(ct, year) for p in bundle["policies"] for ct in p["care_types"] for year in p["contract_years"]})
    parts = {scope_key(ct, year): in_scope(bundle, ct, year) for ct, year in keys}
    index = dict(bundle, policies=[{k: p[k] for k in LIGHT_FIELDS} for p in bundle["policies"]],
                 scopes=sorted(parts))
    return index, parts


def needed(index: dict[str, Any], request: dict[str, Any]) -> list[str]:
    """The scopes a request reads: its care types in its year; without either, every scope
    (the engine then looks across years and care types)."""
    care_types, year = request.get("care_types"), request.get("year")
    if not care_types or year is None:
        return list(index["scopes"])
    return [key for key in (scope_key(ct, year) for ct in care_types) if key in index["scopes"]]


def view(index: dict[str, Any], loaded: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A bundle for the engine: the index with the loaded policies (by id) in its order."""
    return dict(index, policies=[loaded[p["id"]] for p in index["policies"] if p["id"] in loaded])


__all__ = ["LIGHT_FIELDS", "in_scope", "needed", "scope_key", "split", "view"]
