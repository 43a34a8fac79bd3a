"""Dutch wording of dates and deadline moments, shared by every renderer."""
from __future__ import annotations

from datetime import date
from typing import Any

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]


def dutch_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def when_text(when: Any) -> str:
    """A deadline's date in Dutch, as precise as the source."""
    if when.kind == "date":
        text = dutch_date(when.date) + (f" {when.time} uur" if when.time else "")
        return ("uiterlijk " + text) if when.by else text
    if when.kind == "range":
        start = dutch_date(when.start) + (f" {when.start_time} uur" if when.start_time else "")
        if when.end is None:
            return f"vanaf {start}"
        end = dutch_date(when.end) + (f" {when.end_time} uur" if when.end_time else "")
        return f"{start} tot en met {end}"
    if when.kind == "month":
        year, month = map(int, when.month.split("-"))
        return ("uiterlijk " if when.by else "") + f"{MONTHS[month - 1]} {year}"
    return f"gedurende heel {when.year}"


def when_sort_key(when: Any) -> date:
    if when.kind == "date":
        return when.date
    if when.kind == "range":
        return when.end or when.start
    if when.kind == "month":
        year, month = map(int, when.month.split("-"))
        return date(year, month, 1)
    return date(when.year, 12, 31)
