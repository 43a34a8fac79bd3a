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
        impossible = _date_problem(day)
        if impossible:
            return f"'{key}' {impossible}"
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
        return _date_problem(value)
    problem = _finite_problem(value)  # NaN would turn 'unknown' into 'not eligible'
    if problem:
        return problem
    low, high = fact.get("min"), fact.get("max")
    if low is not None and value < low:
        return f"must be at least {low}"
    if high is not None and value > high:
        return f"must be at most {high}"
    return None


def check_profile(profile: Any, facts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Validated facts of a profile (``{"facts": {...}}`` or a plain mapping); nulls dropped."""
    if isinstance(profile, dict) and "facts" in profile and not isinstance(profile["facts"], dict):
        raise ProfileError([f"profile: 'facts' must be a mapping of fact names to values, "
                            f"got {_kind(profile['facts'])}"])
    if isinstance(profile, dict) and "facts" in profile and isinstance(profile["facts"], dict):
        extra = sorted(set(profile) - {"facts", "name", "note", "version"})
        if extra:
            raise ProfileError([f"profile: unknown top-level key '{k}'" for k in extra])
        values = profile["facts"]
    elif isinstance(profile, dict):
        values = profile
    else:
        raise ProfileError(["profile: expected a mapping of fact names to values"])
    _refuse_unprintable(values)
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


# --------------------------------------------------------------------------- hostile input
# Profiles come from visitors (an uploaded file, a URL fragment) as much as from the command
# line; the CLI and the browser both read them with ``parse_profile_json`` and check them
# with ``check_profile``. Every refusal is a ProfileError with a message, never a traceback.

MAX_TEXT = 1_000_000        # characters of profile JSON
MAX_DEPTH = 32              # nesting of a profile document ({"facts": {...}} needs 2 or 3)
MAX_DIGITS = 30             # digits of one integer in profile JSON
MAX_MAGNITUDE = 10**15      # largest number a fact may hold (JavaScript is exact below 2**53)


def _finite_problem(value: Any) -> str | None:
    if value != value or value in (float("inf"), float("-inf")):
        return "expects a finite number"
    if abs(value) > MAX_MAGNITUDE:
        return "is too large"
    return None


def _date_problem(value: str) -> str | None:
    """``2024-02-30`` has the shape of a date but is none."""
    from datetime import date

    try:
        date.fromisoformat(value)
    except ValueError:
        return "expects an existing date (YYYY-MM-DD)"
    return None


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "nothing (null)"
    if isinstance(value, (bool, int, float)):
        return "true/false" if isinstance(value, bool) else "a number"
    return type(value).__name__


def _refuse_unprintable(values: dict[Any, Any]) -> None:
    """Values no message could show: numbers of thousands of digits (``repr`` refuses them)
    and nesting deeper than a profile ever needs (``repr`` would exhaust the stack)."""
    problems = []
    for name in values:
        stack = [(values[name], 0)]
        while stack:
            value, depth = stack.pop()
            if depth > MAX_DEPTH:
                problems.append(f"fact '{name}': nested too deeply (more than {MAX_DEPTH} levels)")
                break
            if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
                problems.append(f"fact '{name}': number is too large")
                break
            if isinstance(value, dict):
                stack.extend((v, depth + 1) for v in value.values())
            elif isinstance(value, list):
                stack.extend((v, depth + 1) for v in value)
    if problems:
        raise ProfileError(problems)


def _depth(text: str) -> int:
    """Deepest nesting of [ and { outside strings (no recursion, so no stack to exhaust)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ProfileError([f"profile: duplicate key {key[:60]!r}"])
        out[key] = value
    return out


def _constant(name: str) -> Any:
    raise ProfileError([f"profile: {name} is not a number a fact can hold"])


def _integer(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        raise ProfileError([f"profile: number with {digits} digits is too large"])
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):  # 1e999
        raise ProfileError([f"profile: number {text[:60]} is too large"])
    return value


def parse_profile_json(text: str) -> Any:
    """Profile JSON, strictly: duplicate keys, NaN and Infinity, numbers of more than 30
    digits and nesting deeper than 32 levels are ``ProfileError``s (the standard parser
    accepts the first four and overflows the stack on the last)."""
    import json

    if not isinstance(text, str):
        raise ProfileError(["profile: expected JSON text"])
    if len(text) > MAX_TEXT:
        raise ProfileError([f"profile: too large ({len(text):,} characters; the limit is {MAX_TEXT:,})"])
    if _depth(text) > MAX_DEPTH:
        raise ProfileError([f"profile: nested too deeply (more than {MAX_DEPTH} levels)"])
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_constant,
                          parse_int=_integer, parse_float=_float)
    except ProfileError:
        raise
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise ProfileError([f"profile: invalid JSON: {exc}"]) from None
