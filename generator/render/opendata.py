"""Open data: every policy as JSON, an index of all policies, and the JSON Schemas.

Published with the site at stable paths under ``data/``.
"""
from __future__ import annotations

from typing import Any

from ..escape import json_text
from ..model import Catalog
from ..schema_export import schemas
from .. import memo


def _dump(data: Any) -> str:
    return json_text(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def render_open_data(catalog: Catalog) -> dict[str, str]:
    files: dict[str, str] = {}
    index = []
    for rec in catalog.sorted_policies():
        key = ("policy-json", rec.key, memo.policy(rec)) if memo.active() else None  # the policy alone
        files[f"data/beleid/{rec.key}.json"] = memo.cached(key, lambda: _dump(catalog.policy_json(rec)))
        p = rec.policy
        index.append({
            "id": rec.key, "insurer": rec.insurer_id, "title": p.title, "family": p.family,
            "care_types": p.care_types, "contract_years": p.contract_years,
            "period": [p.period.start, p.period.end], "completeness": p.completeness,
            "provenance": p.provenance, "json": f"beleid/{rec.key}.json",
            "page": f"../beleid/{rec.key}/",
        })
    files["data/index.json"] = _dump({
        "policies": index,
        "insurers": {k: v.model_dump(mode="json", exclude_none=True) for k, v in sorted(catalog.insurers.items())},
    })
    files.update(memo.cached(("registry-json", memo.context(catalog)) if memo.active() else None,
                             lambda: _registries_and_schemas(catalog)))
    return files


def _registries_and_schemas(catalog: Catalog) -> dict[str, str]:
    files: dict[str, str] = {}
    for kind, items in sorted(catalog.registries.items()):
        files[f"data/registry/{kind}.json"] = _dump(
            [item.model_dump(mode="json", exclude_none=True) for _, item in sorted(items.items())])
    for name, schema in sorted(schemas().items()):
        files[f"data/schema/{name}.schema.json"] = _dump(schema)
    return files
