"""A practice profile: facts a practice states about itself, checked against the registry.

Any fact may be missing (or null): that simply makes criteria on it unknown. Unknown fact
names and values of the wrong type are errors that name the fact.

Profiles come from visitors (an uploaded file, a URL fragment) as much as from the command
line, and the CLI and the browser both read them here (``parse_profile_json``,
``check_profile``): NaN and Infinity are refused (NaN would turn "unknown" into "not
eligible"), so are impossible dates (2024-02-30), numbers no practice has (5,000 digits),
duplicate keys, and nesting deeper than a profile ever needs. Every refusal is a
``ProfileError`` with a message, never a traceback.
"""
from __future__ import annotations

import json
import math
import re
from datetime import date
from typing import Any

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_TEXT = 1_000_000        # characters of profile JSON
MAX_DEPTH = 32              # nesting of a profile document ({"facts": {...}} needs 2)
MAX_DIGITS = 30             # digits of one number in profile JSON
MAX_MAGNITUDE = 10**15      # largest number a fact may hold (JavaScript is exact below 2**53)
_SHOWN = 60                 # characters of a value shown in a message


class ProfileError(ValueError):
    """A profile names an unknown fact or gives a value of the wrong type."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _shown(value: Any) -> str:
    """A value for a message: repr, shortened (never the 5,000 digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_MAGNITUDE:
        return f"a number of about {int(abs(value).bit_length() * math.log10(2)) + 1} digits"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = repr(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN - 3] + "..."


# ----------------------------------------------------------------------------- JSON text


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
            raise ProfileError([f"profile: duplicate key {_shown(key)}"])
        out[key] = value
    return out


def _constant(name: str) -> Any:
    raise ProfileError([f"profile: {name} is not a number a fact can hold"])


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ProfileError([f"profile: number with {len(text.lstrip('-'))} digits is too large"])
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999
        raise ProfileError([f"profile: number {text[:_SHOWN]} is too large"])
    return value


def parse_profile_json(text: str) -> Any:
    """Profile JSON, strictly: duplicate keys, NaN/Infinity, huge numbers and deep nesting
    are ``ProfileError``s (the standard parser accepts the first four and overflows the
    stack on the last)."""
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


# ----------------------------------------------------------------------------- values


def _number_problem(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "expects a number"
    if isinstance(value, float) and not math.isfinite(value):
        return "expects a finite number"
    if abs(value) > MAX_MAGNITUDE:
        return "is too large"
    return None


def _date_problem(value: Any) -> str | None:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return "expects a date as YYYY-MM-DD"
    try:
        date.fromisoformat(value)
    except ValueError:
        return "expects an existing date (YYYY-MM-DD)"
    return None


def _type_problem(fact: dict[str, Any], value: Any) -> str | None:
    kind = fact["type"]
    if kind == "boolean":
        return None if isinstance(value, bool) else "expects true or false"
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
        ok = ok or (isinstance(value, float) and math.isfinite(value) and value.is_integer())
        if not ok:
            return "expects a whole number"
        problem = _number_problem(value)
        if problem:
            return problem
    elif kind in ("number", "money", "percentage"):
        problem = _number_problem(value)
        if problem:
            return problem
    elif kind == "enum":
        options = [o["value"] for o in fact.get("options", [])]
        if not isinstance(value, str) or value not in options:
            return "expects one of " + ", ".join(repr(o) for o in options)
        return None
    elif kind == "date":
        return _date_problem(value)
    low, high = fact.get("min"), fact.get("max")
    if low is not None and value < low:
        return f"must be at least {low}"
    if high is not None and value > high:
        return f"must be at most {high}"
    return None


def check_profile(profile: Any, facts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Validated facts of a profile (``{"facts": {...}}`` or a plain mapping); nulls dropped."""
    if isinstance(profile, dict) and "facts" in profile:
        if not isinstance(profile["facts"], dict):
            raise ProfileError([f"profile: 'facts' must be a mapping of fact names to values, "
                                f"got {_kind(profile['facts'])}"])
        extra = sorted(str(k) for k in set(profile) - {"facts", "name", "note", "version"})
        if extra:
            raise ProfileError([f"profile: unknown top-level key {_shown(k)}" for k in extra])
        values = profile["facts"]
    elif isinstance(profile, dict):
        values = profile
    else:
        raise ProfileError(["profile: expected a mapping of fact names to values"])
    problems = []
    clean: dict[str, Any] = {}
    for name in sorted(values, key=str):
        value = values[name]
        fact = facts.get(name) if isinstance(name, str) else None
        if fact is None:
            problems.append(f"fact {_shown(name)}: unknown fact")
            continue
        if value is None:
            continue
        problem = _type_problem(fact, value)
        if problem:
            problems.append(f"fact '{name}': {problem} ({fact['type']}), got {_shown(value)}")
            continue
        clean[name] = value
    if problems:
        raise ProfileError(problems)
    return clean


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__
