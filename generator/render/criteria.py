"""Criteria as readable trees for the pages; the wording itself is the engine's.

``generator.engine.text`` words a criterion from its JSON form; this module walks the
pydantic tree (the pages need ids, notes and citations) and asks it for each node's text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..engine.text import Texts, number
from ..model import Catalog

__all__ = ["CriterionText", "describe", "flatten", "number", "texts_for"]


@dataclass
class CriterionText:
    """One node of a readable criterion tree."""

    text: str
    node: Any
    children: list["CriterionText"] = field(default_factory=list)


def texts_for(catalog: Catalog, names: dict[str, str] | None = None) -> Texts:
    reg = catalog.registry_json
    return Texts(reg["facts"], reg["registers"], reg["regions"], names, reg["care-types"])


def _shallow(node: Any) -> dict[str, Any]:
    """The node's own fields as JSON, without its children (enough to word it)."""
    return node.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"of"})


def describe(catalog: Catalog, crit: Any, names: dict[str, str] | None = None) -> CriterionText:
    """The readable tree for ``crit``; ``names`` maps contract refs to display names."""
    texts = texts_for(catalog, names)

    def walk(node: Any) -> CriterionText:
        children = []
        if node.kind in ("all", "any"):
            children = [walk(c) for c in node.of]
        elif node.kind in ("not", "care-type"):
            children = [walk(node.of)]
        return CriterionText(texts.head(_shallow(node)), node, children)

    return walk(crit)


def flatten(tree: CriterionText) -> list[CriterionText]:
    out = [tree]
    for child in tree.children:
        out.extend(flatten(child))
    return out
