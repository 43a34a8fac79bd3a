"""A practice profile: facts a practice states about itself, checked against the registry.

Any fact may be missing (or null): that simply makes criteria on it unknown. Unknown fact
names and values of the wrong type are errors that name the fact.

Value forms: a plain value; ``"absent"`` for a fact that can not exist for the practice
(e.g. no behandelindex); for a yearly fact a mapping of measurement year to value
(``{"2022": 95}``); for a ``held`` fact (a registration over time) ``{"since": date,
"until": date}`` (``until`` optional) or ``"absent"``.
"""
from __future__ import annotations

import re
from typing import Any

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ProfileError(ValueError):
    """A profile names an unknown fact or gives a value of the wrong type."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


ABSENT = "absent"


def _held_problem(value: Any) -> str | None:
    if not isinstance(value, dict) or "since" not in value or set(value) - {"since", "until"}:
        return "expects {since: YYYY-MM-DD, until: YYYY-MM-DD (optional)} or 'absent'"
    for key in ("since", "until"):
        day = value.get(key)
        if day is None and key == "until":
            continue
        if not isinstance(day, str) or not _ISO_DATE.match(day):
            return f"'{key}' expects a date as YYYY-MM-DD"
    if value.get("until") is not None and value["until"] < value["since"]:
        return "'until' lies before 'since'"
    return None


def _value_problem(fact: dict[str, Any], value: Any) -> str | None:
    """Problem with one (year's) value, or None; ``absent`` where the fact allows it."""
    if value == ABSENT:  # a registration over time can always be 'never held'
        return None if fact.get("absent") or fact["type"] == "held" else \
            "cannot be 'absent' (this fact always exists)"
    if fact["type"] == "held":
        return _held_problem(value)
    return _type_problem(fact, value)


def _year_key(key: Any) -> str | None:
    text = str(key)
    if isinstance(key, bool) or not text.isdigit() or len(text) != 4:
        return None
    return text if 2000 <= int(text) <= 2100 else None


def _type_problem(fact: dict[str, Any], value: Any) -> str | None:
    kind = fact["type"]
    if kind == "boolean":
        return None if isinstance(value, bool) else "expects true or false"
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
        ok = ok or (isinstance(value, float) and value.is_integer())
        if not ok:
            return "expects a whole number"
    elif kind in ("number", "money", "percentage"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "expects a number"
    elif kind == "enum":
        options = [o["value"] for o in fact.get("options", [])]
        if value not in options:
            return "expects one of " + ", ".join(repr(o) for o in options)
        return None
    elif kind == "date":
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            return "expects a date as YYYY-MM-DD"
        return None
    low, high = fact.get("min"), fact.get("max")
    if low is not None and value < low:
        return f"must be at least {low}"
    if high is not None and value > high:
        return f"must be at most {high}"
    return None


def check_profile(profile: Any, facts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Validated facts of a profile (``{"facts": {...}}`` or a plain mapping); nulls dropped."""
    if isinstance(profile, dict) and "facts" in profile and isinstance(profile["facts"], dict):
        extra = sorted(set(profile) - {"facts", "name", "note", "version"})
        if extra:
            raise ProfileError([f"profile: unknown top-level key '{k}'" for k in extra])
        values = profile["facts"]
    elif isinstance(profile, dict):
        values = profile
    else:
        raise ProfileError(["profile: expected a mapping of fact names to values"])
    problems = []
    clean: dict[str, Any] = {}
    for name in sorted(values):
        value = values[name]
        fact = facts.get(name)
        if fact is None:
            problems.append(f"fact '{name}': unknown fact")
            continue
        if value is None:
            continue
        if fact.get("yearly"):
            if not isinstance(value, dict):
                problems.append(f"fact '{name}': is measured per year; expects {{year: value}}, got {value!r}")
                continue
            per_year: dict[str, Any] = {}
            for key in sorted(value, key=str):
                year = _year_key(key)
                if year is None:
                    problems.append(f"fact '{name}': '{key}' is not a year (2000-2100)")
                    continue
                if value[key] is None:
                    continue
                problem = _value_problem(fact, value[key])
                if problem:
                    problems.append(f"fact '{name}' ({year}): {problem} ({fact['type']}), got {value[key]!r}")
                    continue
                per_year[year] = value[key]
            if per_year:
                clean[name] = per_year
            continue
        problem = _value_problem(fact, value)
        if problem:
            problems.append(f"fact '{name}': {problem} ({fact['type']}), got {value!r}")
            continue
        clean[name] = value
    if problems:
        raise ProfileError(problems)
    return clean
