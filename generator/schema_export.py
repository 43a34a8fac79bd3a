"""Write the JSON Schemas generated from the typed model (``inkoopwijzer schema``)."""
from __future__ import annotations

from pathlib import Path

from pydantic import TypeAdapter

from . import schema as s
from .escape import json_text

SCHEMA_BASE = "https://inkoopwijzer.invalid/schema/"


def schemas() -> dict[str, dict]:
    """Schema per file kind: a policy, an insurer index, and each registry (a list)."""
    out = {
        "policy": s.Policy.model_json_schema(),
        "insurer": s.Insurer.model_json_schema(),
    }
    for kind, model in s.REGISTRIES.items():
        out[kind] = TypeAdapter(list[model]).json_schema()
    for name, schema in out.items():
        schema["$id"] = f"{SCHEMA_BASE}{name}.schema.json"
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return out


def write_schemas(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in sorted(schemas().items()):
        path = out_dir / f"{name}.schema.json"
        path.write_text(json_text(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
