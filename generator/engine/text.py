"""Readable Dutch text for a criterion, from its JSON form.

The single implementation used by the site's pages (via ``generator.render.criteria``) and
by the engine's answers, in the CLI and in the browser alike.
"""
from __future__ import annotations

from typing import Any

OPS = {"lt": "lager dan", "le": "ten hoogste", "gt": "hoger dan", "ge": "ten minste",
       "eq": "gelijk aan", "ne": "niet gelijk aan"}
DATE_OPS = {"lt": "vóór", "le": "uiterlijk op", "gt": "na", "ge": "op of na", "eq": "op", "ne": "niet op"}
GROUP_HEAD = {"all": "Aan alle voorwaarden voldoen:", "any": "Aan ten minste één van deze voorwaarden voldoen:",
              "not": "Niet het geval:"}


def number(value: Any) -> str:
    """Dutch number formatting: 7,77 and 250.000."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return f"{value:,}".replace(",", "X").replace(".", ",").replace("X", ".")


class Texts:
    """Wording context: the registries a criterion refers to."""

    def __init__(self, facts: dict[str, Any], registers: dict[str, Any], regions: dict[str, Any],
                 contract_names: dict[str, str] | None = None, care_types: dict[str, Any] | None = None):
        self.facts = facts
        self.registers = registers
        self.regions = regions
        self.contract_names = contract_names or {}
        self.care_types = care_types or {}

    def fact_name(self, fact_id: str, year: int | None = None) -> str:
        """The fact's label as a noun phrase, with its measurement year ('… over 2022')."""
        fact = self.facts.get(fact_id)
        name = fact["label"].rstrip("?") if fact else fact_id
        return f"{name} over {year}" if year is not None else name

    def with_unit(self, fact_id: str, value: Any) -> str:
        if value is None:
            return "(waarde nog niet bekend)"
        fact = self.facts.get(fact_id) or {}
        text = number(value)
        if fact.get("type") == "money":
            return f"€ {text}"
        if fact.get("type") == "percentage":
            return f"{text}%"
        return f"{text} {fact['unit']}" if fact.get("unit") else text

    def head(self, node: dict[str, Any]) -> str:
        """Text of a node: its own label, else a generated one."""
        if node.get("label"):
            return node["label"]
        if node["kind"] in GROUP_HEAD:
            return GROUP_HEAD[node["kind"]]
        if node["kind"] == "care-type":
            names = [self.care_types.get(c, {}).get("name", c) for c in node["care_types"]]
            return f"Alleen voor {' en '.join(names).lower()}:"
        return self.leaf(node)

    def leaf(self, node: dict[str, Any]) -> str:
        kind = node["kind"]
        name = self.fact_name(node.get("fact", ""), node.get("year"))
        if kind == "compare":
            if node.get("value") is None:
                return f"{name}: {OPS[node['op']]} een waarde die nog niet is gepubliceerd"
            return f"{name}: {OPS[node['op']]} {self.with_unit(node['fact'], node['value'])}"
        if kind == "range":
            low, high = node.get("min"), node.get("max")
            lo_incl, hi_incl = node.get("min_inclusive", True), node.get("max_inclusive", True)
            if low is not None and high is not None:
                return (f"{name}: {'van' if lo_incl else 'meer dan'} {self.with_unit(node['fact'], low)} "
                        f"{'tot en met' if hi_incl else 'tot'} {self.with_unit(node['fact'], high)}")
            if low is not None:
                return f"{name}: {'ten minste' if lo_incl else 'hoger dan'} {self.with_unit(node['fact'], low)}"
            return f"{name}: {'ten hoogste' if hi_incl else 'lager dan'} {self.with_unit(node['fact'], high)}"
        if kind == "quantile":
            rank = f"{node['rank']}e {'percentiel' if node['unit'] == 'percentile' else 'deciel'}"
            value = (f" (waarde: {number(node['value'])})" if node.get("value") is not None
                     else " (waarde nog niet gepubliceerd)")
            return f"{name}: {OPS[node['op']]} het {rank} van de {node['reference']}{value}"
        if kind == "is":
            return f"{name}: {'ja' if node.get('value', True) else 'nee'}"
        if kind == "in":
            fact = self.facts.get(node["fact"]) or {}
            labels = {o["value"]: o["label"] for o in fact.get("options", [])}
            return f"{name}: {' of '.join(labels.get(v, v) for v in node['values'])}"
        if kind == "registered":
            return self.registered(node)
        if kind == "region":
            names = [self.regions.get(r, {}).get("name", r) for r in node["regions"]]
            return f"Gevestigd in {' of '.join(names)}"
        if kind == "date":
            y, m, d = node["value"].split("-")
            return f"{name}: {DATE_OPS[node['op']]} {d}-{m}-{y}"
        if kind == "contract":
            return "Heeft (ook) een getekende " + " of ".join(
                self.contract_names.get(c, c) for c in node["contracts"])
        if kind == "absent":
            fact = self.facts.get(node["fact"]) or {}
            text = fact.get("absent") or f"{name}: bestaat niet"
            return f"{text} (meetjaar {node['year']})" if node.get("year") is not None else text
        if kind == "held":
            y, m, d = node["on"].split("-")
            return f"{name}: in bezit op {d}-{m}-{y}"
        if kind == "contract-year":
            return "Contractjaar " + " of ".join(str(y) for y in node["years"])
        return kind

    def registered(self, node: dict[str, Any]) -> str:
        register = self.registers.get(node["register"]) or {}
        reg_name = register.get("name", node["register"])
        scope = node.get("scope", "practice")
        kind = register.get("kind")
        if kind in ("network", "association", "collaboration"):
            who = {"practice": "De praktijk is aangesloten bij",
                   "all-practitioners": "Alle therapeuten zijn aangesloten bij",
                   "some-practitioner": "Ten minste één therapeut is aangesloten bij",
                   "organisation": "De organisatie is aangesloten bij"}[scope]
        elif kind in ("certificate", "label", "quality-system"):
            who = {"practice": "De praktijk heeft", "all-practitioners": "Alle therapeuten hebben",
                   "some-practitioner": "Ten minste één therapeut heeft",
                   "organisation": "De organisatie heeft"}[scope]
        else:
            who = {"practice": "De praktijk staat geregistreerd in",
                   "all-practitioners": "Alle therapeuten staan geregistreerd in",
                   "some-practitioner": "Ten minste één therapeut staat geregistreerd in",
                   "organisation": "De organisatie staat geregistreerd in"}[scope]
        return f"{who} {reg_name}"
