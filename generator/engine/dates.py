"""Dutch wording of dates and deadline moments: one implementation for the site's pages and
feeds (pydantic objects) and for the checker in the browser (plain JSON).

Standard library only, like the rest of the engine package.
"""
from __future__ import annotations

from datetime import date
from typing import Any

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]
BOUND = {"on": "", "by": "uiterlijk ", "before": "vóór "}
EVERY = {"month": "elke maand", "quarter": "elk kwartaal", "year": "elk jaar"}


def field(obj: Any, name: str, default: Any = None) -> Any:
    """A field of a data object, whether it is a pydantic model or its JSON form."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def dutch_date(d: Any) -> str:
    d = as_date(d)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def offset_text(months: int, days: int) -> str:
    """'1 maand', '14 dagen', '1 maand en 3 dagen' (sizes only; the caller words the direction)."""
    parts = []
    if months:
        parts.append(f"{abs(months)} {'maand' if abs(months) == 1 else 'maanden'}")
    if days:
        parts.append(f"{abs(days)} {'dag' if abs(days) == 1 else 'dagen'}")
    return " en ".join(parts) or "0 dagen"


def when_text(when: Any) -> str:
    """A deadline's moment in Dutch, as precise as the source."""
    kind = field(when, "kind")
    if kind == "date":
        time = field(when, "time")
        return BOUND[field(when, "bound", "on")] + dutch_date(field(when, "date")) + (f" {time} uur" if time else "")
    if kind == "range":
        start_time, end_time = field(when, "start_time"), field(when, "end_time")
        start = dutch_date(field(when, "start")) + (f" {start_time} uur" if start_time else "")
        if field(when, "end") is None:
            return f"vanaf {start}"
        end = dutch_date(field(when, "end")) + (f" {end_time} uur" if end_time else "")
        return f"{start} tot en met {end}"
    if kind == "month":
        year, month = map(int, field(when, "month").split("-"))
        return ("uiterlijk " if field(when, "by") else "") + f"{MONTHS[month - 1]} {year}"
    if kind == "relative":
        offset = field(when, "offset")
        months, days = field(offset, "months", 0) or 0, field(offset, "days", 0) or 0
        label = field(when, "anchor_label")
        if months == 0 and days == 0:
            where = f"op de {label}"
        else:
            where = f"{offset_text(months, days)} {'vóór' if (months, days) < (0, 0) else 'na'} de {label}"
        return BOUND[field(when, "bound", "by")] + where
    if kind == "recurring":
        end = field(when, "end")
        until = f" tot en met {dutch_date(end)}" if end else ""
        return f"{EVERY[field(when, 'every')]}, vanaf {dutch_date(field(when, 'start'))}{until}"
    if field(when, "span", "whole-year") == "some-time":
        return f"ergens in {field(when, 'year')}"
    return f"gedurende heel {field(when, 'year')}"


def when_sort_key(when: Any) -> date:
    """The date a moment sorts by (a relative moment, which has no date of its own, last)."""
    kind = field(when, "kind")
    if kind == "date":
        return as_date(field(when, "date"))
    if kind == "range":
        return as_date(field(when, "end") or field(when, "start"))
    if kind == "month":
        year, month = map(int, field(when, "month").split("-"))
        return date(year, month, 1)
    if kind == "recurring":
        return as_date(field(when, "start"))
    if kind == "relative":
        return date.max
    return date(field(when, "year"), 12, 31)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clipped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"no such month: {year}-{month}")


def relative_date(when: Any, anchor: Any) -> date:
    """The date of a relative moment for the practice's own anchor date (e.g. its start date)."""
    from datetime import timedelta

    offset = field(when, "offset")
    day = add_months(as_date(anchor), field(offset, "months", 0) or 0)
    return day + timedelta(days=field(offset, "days", 0) or 0)
