"""A practice profile: facts a practice states about itself, checked against the registry.

Any fact may be missing (or null): that simply makes criteria on it unknown. Unknown fact
names and values of the wrong type are errors that name the fact.
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
        problem = _type_problem(fact, value)
        if problem:
            problems.append(f"fact '{name}': {problem} ({fact['type']}), got {value!r}")
            continue
        clean[name] = value
    if problems:
        raise ProfileError(problems)
    return clean
