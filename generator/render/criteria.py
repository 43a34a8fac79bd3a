"""Criteria written out in readable Dutch.

A criterion's own ``label`` wins; otherwise the text is generated from its structure and
the facts registry, so a new insurer's YAML reads well without extra prose.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Catalog

OPS = {"lt": "lager dan", "le": "ten hoogste", "gt": "hoger dan", "ge": "ten minste",
       "eq": "gelijk aan", "ne": "niet gelijk aan"}
DATE_OPS = {"lt": "vóór", "le": "uiterlijk op", "gt": "na", "ge": "op of na", "eq": "op", "ne": "niet op"}


@dataclass
class CriterionText:
    """One node of a readable criterion tree."""

    text: str
    node: Any
    children: list["CriterionText"] = field(default_factory=list)


def number(value: Any) -> str:
    """Dutch number formatting: 7,77 and 250.000."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return f"{value:,}".replace(",", "X").replace(".", ",").replace("X", ".")


def fact_name(catalog: Catalog, fact_id: str) -> str:
    fact = catalog.facts.get(fact_id)
    return fact.label.rstrip("?") if fact else fact_id


def value_with_unit(catalog: Catalog, fact_id: str, value: Any) -> str:
    fact = catalog.facts.get(fact_id)
    if value is None:
        return "(waarde nog niet bekend)"
    text = number(value)
    if fact is None:
        return text
    if fact.type == "money":
        return f"€ {text}"
    if fact.type == "percentage":
        return f"{text}%"
    return f"{text} {fact.unit}" if fact.unit else text


def describe(catalog: Catalog, crit: Any, names: dict[str, str] | None = None) -> CriterionText:
    """The readable tree for ``crit``; ``names`` maps contract refs to display names."""
    kind = crit.kind
    if kind in ("all", "any"):
        head = crit.label or ("Aan alle voorwaarden voldoen:" if kind == "all"
                              else "Aan ten minste één van deze voorwaarden voldoen:")
        return CriterionText(head, crit, [describe(catalog, c, names) for c in crit.of])
    if kind == "not":
        inner = describe(catalog, crit.of, names)
        return CriterionText(crit.label or "Niet het geval:", crit, [inner])
    return CriterionText(crit.label or leaf_text(catalog, crit, names or {}), crit)


def leaf_text(catalog: Catalog, crit: Any, names: dict[str, str] | None = None) -> str:
    kind = crit.kind
    name = fact_name(catalog, getattr(crit, "fact", "") or "")
    if kind == "compare":
        if crit.value is None:
            return f"{name}: {OPS[crit.op]} een waarde die nog niet is gepubliceerd"
        return f"{name}: {OPS[crit.op]} {value_with_unit(catalog, crit.fact, crit.value)}"
    if kind == "range":
        low = value_with_unit(catalog, crit.fact, crit.min) if crit.min is not None else None
        high = value_with_unit(catalog, crit.fact, crit.max) if crit.max is not None else None
        if low and high:
            lo_word = "van" if crit.min_inclusive else "meer dan"
            hi_word = "tot en met" if crit.max_inclusive else "tot"
            return f"{name}: {lo_word} {low} {hi_word} {high}"
        if low:
            return f"{name}: {'ten minste' if crit.min_inclusive else 'hoger dan'} {low}"
        return f"{name}: {'ten hoogste' if crit.max_inclusive else 'lager dan'} {high}"
    if kind == "quantile":
        rank = f"{crit.rank}e {'percentiel' if crit.unit == 'percentile' else 'deciel'}"
        value = (f" (waarde: {number(crit.value)})" if crit.value is not None
                 else " (waarde nog niet gepubliceerd)")
        return f"{name}: {OPS[crit.op]} het {rank} van de {crit.reference}{value}"
    if kind == "is":
        return f"{name}: {'ja' if crit.value else 'nee'}"
    if kind == "in":
        fact = catalog.facts.get(crit.fact)
        labels = {o.value: o.label for o in fact.options} if fact else {}
        return f"{name}: {' of '.join(labels.get(v, v) for v in crit.values)}"
    if kind == "registered":
        register = catalog.registers.get(crit.register_id)
        reg_name = register.name if register else crit.register_id
        who = {"practice": "De praktijk staat geregistreerd in",
               "all-practitioners": "Alle therapeuten staan geregistreerd in",
               "some-practitioner": "Ten minste één therapeut staat geregistreerd in",
               "organisation": "De organisatie staat geregistreerd in"}[crit.scope]
        if register and register.kind in ("network", "association", "collaboration"):
            who = who.replace("staat geregistreerd in", "is aangesloten bij").replace(
                "staan geregistreerd in", "zijn aangesloten bij")
        elif register and register.kind in ("certificate", "label", "quality-system"):
            who = {"practice": "De praktijk heeft", "all-practitioners": "Alle therapeuten hebben",
                   "some-practitioner": "Ten minste één therapeut heeft",
                   "organisation": "De organisatie heeft"}[crit.scope]
        return f"{who} {reg_name}"
    if kind == "region":
        names = [catalog.regions[r].name if r in catalog.regions else r for r in crit.regions]
        return f"Gevestigd in {' of '.join(names)}"
    if kind == "date":
        return f"{name}: {DATE_OPS[crit.op]} {crit.value.strftime('%d-%m-%Y')}"
    if kind == "contract":
        names = names or {}
        return "Heeft (ook) een getekende " + " of ".join(names.get(c, c) for c in crit.contracts)
    return kind  # pragma: no cover


def flatten(tree: CriterionText) -> list[CriterionText]:
    out = [tree]
    for child in tree.children:
        out.extend(flatten(child))
    return out
