"""The engine bundle: everything the eligibility engine needs, as one JSON document.

Built from the validated catalog; the CLI evaluates against it in-process and the site
publishes it for the in-browser checker, so both see exactly the same data.
"""
from __future__ import annotations

from typing import Any

from .engine import ENGINE_VERSION
from .model import Catalog


# What the browser's engine never reads: left out of the checker's bundle to keep it small.
BROWSER_UNUSED_POLICY_FIELDS = ("changes", "tariffs", "open_questions", "summary", "definitions", "not_encoded",
                                "completeness_note", "cite")


def engine_bundle(catalog: Catalog, compact: bool = False) -> dict[str, Any]:
    """Everything the engine needs. ``compact``: the checker's copy, without what only the
    pages show, plus the first questions of each scope (care type and contract year), so the
    checker can ask its first question before the engine has started in the browser."""
    reg = catalog.registry_json
    policies = [catalog.policy_json(rec) for rec in catalog.sorted_policies()]
    bundle = {
        "version": ENGINE_VERSION,
        "facts": reg["facts"],
        "registers": reg["registers"],
        "regions": reg["regions"],
        "care_types": {k: {"name": v["name"]} for k, v in reg["care-types"].items()},
        "insurers": {k: {"name": v.name, "short_name": v.short_name} for k, v in sorted(catalog.insurers.items())},
        "sources": {k: {key: v[key] for key in ("title", "url", "document_url", "published") if key in v}
                    for k, v in reg["sources"].items()},
        "policies": policies,
    }
    if not compact:
        return bundle
    bundle["policies"] = [{k: v for k, v in p.items() if k not in BROWSER_UNUSED_POLICY_FIELDS} for p in policies]
    bundle["registers"] = {k: {f: v[f] for f in ("name", "kind") if f in v} for k, v in reg["registers"].items()}
    return bundle
