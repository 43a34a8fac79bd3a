"""The published JSON Schemas are generated from the typed model and kept in the repo."""
from __future__ import annotations

import json
from pathlib import Path

from generator.schema_export import schemas

REPO = Path(__file__).resolve().parent.parent


def test_committed_schemas_match_the_model():
    """Run `inkoopwijzer schema` after changing generator/schema.py."""
    for name, schema in schemas().items():
        committed = json.loads((REPO / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert committed == json.loads(json.dumps(schema)), f"schema/{name}.schema.json is stale"


def test_policy_schema_documents_its_fields():
    policy = schemas()["policy"]
    assert policy["additionalProperties"] is False
    assert "title" in policy["required"]
    criterion_kinds = {d for d in policy["$defs"] if d in ("AllOf", "AnyOf", "Quantile", "HasContract")}
    assert criterion_kinds == {"AllOf", "AnyOf", "Quantile", "HasContract"}
