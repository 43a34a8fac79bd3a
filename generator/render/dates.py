"""Dutch wording of dates and deadline moments, shared by every renderer."""
from __future__ import annotations

from datetime import date
from typing import Any

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]


def dutch_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


BOUND = {"on": "", "by": "uiterlijk ", "before": "vóór "}
EVERY = {"month": "elke maand", "quarter": "elk kwartaal", "year": "elk jaar"}


def offset_text(months: int, days: int) -> str:
    """'1 maand', '14 dagen', '1 maand en 3 dagen' (sizes only; the direction is worded by the caller)."""
    parts = []
    if months:
        parts.append(f"{abs(months)} {'maand' if abs(months) == 1 else 'maanden'}")
    if days:
        parts.append(f"{abs(days)} {'dag' if abs(days) == 1 else 'dagen'}")
    return " en ".join(parts) or "0 dagen"


def when_text(when: Any) -> str:
    """A deadline's date in Dutch, as precise as the source."""
    if when.kind == "date":
        text = dutch_date(when.date) + (f" {when.time} uur" if when.time else "")
        return BOUND[when.bound] + text
    if when.kind == "range":
        start = dutch_date(when.start) + (f" {when.start_time} uur" if when.start_time else "")
        if when.end is None:
            return f"vanaf {start}"
        end = dutch_date(when.end) + (f" {when.end_time} uur" if when.end_time else "")
        return f"{start} tot en met {end}"
    if when.kind == "month":
        year, month = map(int, when.month.split("-"))
        return ("uiterlijk " if when.by else "") + f"{MONTHS[month - 1]} {year}"
    if when.kind == "relative":
        o = when.offset
        size = offset_text(o.months, o.days)
        if o.months == 0 and o.days == 0:
            where = f"op de {when.anchor_label}"
        else:
            where = f"{size} {'vóór' if (o.months, o.days) < (0, 0) else 'na'} de {when.anchor_label}"
        return BOUND[when.bound] + where
    if when.kind == "recurring":
        until = f" tot en met {dutch_date(when.end)}" if when.end else ""
        return f"{EVERY[when.every]}, vanaf {dutch_date(when.start)}{until}"
    if when.span == "some-time":
        return f"ergens in {when.year}"
    return f"gedurende heel {when.year}"


def when_sort_key(when: Any) -> date:
    if when.kind == "date":
        return when.date
    if when.kind == "range":
        return when.end or when.start
    if when.kind == "month":
        year, month = map(int, when.month.split("-"))
        return date(year, month, 1)
    if when.kind == "recurring":
        return when.start
    if when.kind == "relative":
        return date.max  # depends on the practice's own date: listed last
    return date(when.year, 12, 31)
