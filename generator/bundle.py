"""The engine bundle: everything the eligibility engine needs, as one JSON document.

Built from the validated catalog; the CLI evaluates against it in-process and the site
publishes it for the in-browser checker, so both see exactly the same data.
"""
from __future__ import annotations

from typing import Any

from .engine import ENGINE_VERSION
from .model import Catalog


def engine_bundle(catalog: Catalog) -> dict[str, Any]:
    reg = catalog.registry_json
    return {
        "version": ENGINE_VERSION,
        "facts": reg["facts"],
        "registers": reg["registers"],
        "regions": reg["regions"],
        "care_types": {k: {"name": v["name"]} for k, v in reg["care-types"].items()},
        "insurers": {k: {"name": v.name, "short_name": v.short_name} for k, v in sorted(catalog.insurers.items())},
        "sources": {k: {key: v[key] for key in ("title", "url", "published") if key in v}
                    for k, v in reg["sources"].items()},
        "policies": [catalog.policy_json(rec) for rec in catalog.sorted_policies()],
    }
