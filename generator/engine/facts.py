"""The practice's facts as the engine reads them.

A profile states facts; this view adds what follows from them, so the checker never asks
twice and never asks for what cannot exist:

* yearly facts hold one value per measurement year (``{"2022": 95}``), read by year;
* ``absent`` is a value of its own: the fact does not exist for the practice (no
  behandelindex with 30 or fewer patients); ``absent_when`` derives it from other facts;
* ``derived`` facts (a percentage of two counts) are computed when not given;
* contradictions (a value where the fact cannot exist, more specialised therapists than
  therapists) become warnings that name both facts.

Standard library only: the same file runs in CPython and in Pyodide.
"""
from __future__ import annotations

from typing import Any, Callable

ABSENT = "absent"

StatusOf = Callable[[dict[str, Any], "int | None"], str]


class FactView:
    """Read access to a validated profile, by fact id and (for yearly facts) year."""

    def __init__(self, values: dict[str, Any], registry: dict[str, dict[str, Any]]):
        self.values = values
        self.registry = registry
        self.status_of: StatusOf | None = None  # set by the evaluator: decides ``absent_when``
        self._busy: set[tuple[str, int | None]] = set()

    def given(self, fact_id: str, year: int | None) -> Any:
        """The value the profile states, without derivation (None: not stated)."""
        fact = self.registry.get(fact_id, {})
        raw = self.values.get(fact_id)
        if fact.get("yearly"):
            if year is None or not isinstance(raw, dict):
                return None
            return raw.get(str(year))
        return raw

    def get(self, fact_id: str, year: int | None = None) -> Any:
        """The value the engine uses: stated, else derived, else absent when that follows."""
        value = self.given(fact_id, year)
        if value is not None:
            return value
        key = (fact_id, year)
        if key in self._busy:  # a derivation that loops back on itself decides nothing
            return None
        self._busy.add(key)
        try:
            fact = self.registry.get(fact_id, {})
            value = self._derive(fact, year)
            if value is None and fact.get("absent_when") and self.status_of is not None:
                if self.status_of(fact["absent_when"], year) == "met":
                    value = ABSENT
            return value
        finally:
            self._busy.discard(key)

    def _derive(self, fact: dict[str, Any], year: int | None) -> Any:
        rule = fact.get("derived")
        if not rule:
            return None
        if rule["kind"] == "ratio":
            num, den = self.get(rule["numerator"], year), self.get(rule["denominator"], year)
            if not _number(num) or not _number(den) or den == 0:
                return None
            return num / den * rule.get("scale", 1)
        values = [self.get(f, year) for f in rule["of"]]
        if not all(_number(v) for v in values):
            return None
        if rule["kind"] == "sum":
            return sum(values)
        return values[0] - sum(values[1:])

    def years_given(self) -> list[int | None]:
        """Every measurement year the profile mentions (None for facts without a year)."""
        years: set[int] = set()
        for fact_id, raw in self.values.items():
            if self.registry.get(fact_id, {}).get("yearly") and isinstance(raw, dict):
                years.update(int(y) for y in raw)
        return [None, *sorted(years)]

    def contradictions(self, label: Callable[[str, int | None], str]) -> list[dict[str, Any]]:
        """Warnings for profiles that contradict themselves, each naming both facts."""
        out: list[dict[str, Any]] = []
        for fact_id in sorted(self.registry):
            fact = self.registry[fact_id]
            for year in self.years_given():
                if bool(fact.get("yearly")) != (year is not None):
                    continue
                value = self.given(fact_id, year)
                if value is None:
                    continue
                condition = fact.get("absent_when")
                if condition and value != ABSENT and self.status_of is not None \
                        and self.status_of(condition, year) == "met":
                    others = sorted(_facts_in(condition))
                    out.append({"facts": [fact_id, *others], "year": year,
                                "text": f"{label(fact_id, year)} is ingevuld, maar volgens "
                                        f"{' en '.join(label(o, year) for o in others)} bestaat die waarde niet "
                                        f"({fact.get('absent', 'bestaat niet')}). De engine rekent met de "
                                        f"ingevulde waarde; controleer beide antwoorden."})
                other = fact.get("at_most")
                if other and _number(value):
                    limit = self.get(other, year)
                    if _number(limit) and value > limit:
                        out.append({"facts": [fact_id, other], "year": year,
                                    "text": f"{label(fact_id, year)} ({_plain(value)}) is groter dan "
                                            f"{label(other, year)} ({_plain(limit)}); dat kan niet allebei kloppen."})
        return out


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _facts_in(node: Any) -> set[str]:
    """Fact ids a criterion reads (for naming the other side of a contradiction)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key in ("fact", "position_fact"):
            if isinstance(node.get(key), str):
                found.add(node[key])
        for child in node.get("of", []) if isinstance(node.get("of"), list) else [node.get("of")]:
            found |= _facts_in(child)
    return found
