"""A small RFC 5545 writer for the personal calendar the checker makes in the browser.

The site's public feeds are written with the ``icalendar`` library; the browser has only the
standard library, so this module writes the few properties the feeds use, from the same
occurrences (``generator.engine.deadlines``): same UIDs, times, summaries and descriptions.
Tests parse its output with ``icalendar`` and with ical.js.

RFC 5545 in short: lines end in CRLF and are folded at 75 octets (a continuation line starts
with one space, never inside a UTF-8 sequence); TEXT values escape backslash, semicolon, comma
and newline (3.3.11); a date is YYYYMMDD with VALUE=DATE, a local time YYYYMMDDTHHMMSS with a
TZID whose VTIMEZONE is in the calendar, a UTC time ends in Z.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable

CRLF = "\r\n"
AMSTERDAM = "Europe/Amsterdam"
VTIMEZONE = [
    "BEGIN:VTIMEZONE", f"TZID:{AMSTERDAM}", f"X-LIC-LOCATION:{AMSTERDAM}",
    "BEGIN:DAYLIGHT", "TZNAME:CEST", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "DTSTART:19810329T020000",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT",
    "BEGIN:STANDARD", "TZNAME:CET", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "DTSTART:19961027T030000",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "END:STANDARD",
    "END:VTIMEZONE",
]


def text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11); a bare CR never reaches the output."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """One content line, folded at 75 octets without splitting a UTF-8 sequence."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return CRLF.join(out)


def _date(value: str) -> str:
    return value.replace("-", "")


def _local(value: str) -> str:
    """'2025-11-10T17:00' -> '20251110T170000'."""
    day, _, clock = value.partition("T")
    return _date(day) + "T" + clock.replace(":", "").ljust(6, "0")


def moment(name: str, value: str) -> str:
    """DTSTART/DTEND from an occurrence value: a date, or a local time in Amsterdam."""
    if "T" in value:
        return f"{name};TZID={AMSTERDAM}:{_local(value)}"
    return f"{name};VALUE=DATE:{_date(value)}"


def rrule(rule: dict[str, Any]) -> str:
    parts = [f"FREQ={rule['FREQ']}"]
    if rule.get("INTERVAL"):
        parts.append(f"INTERVAL={rule['INTERVAL']}")
    if rule.get("UNTIL"):
        parts.append(f"UNTIL={_date(rule['UNTIL'])}")
    return "RRULE:" + ";".join(parts)


def event_lines(occ: dict[str, Any]) -> list[str]:
    """The VEVENT of one occurrence (see ``generator.engine.deadlines.occurrences``)."""
    lines = ["BEGIN:VEVENT", f"SUMMARY:{text(occ['summary'])}", moment("DTSTART", occ["start"])]
    if occ.get("end"):
        lines.append(moment("DTEND", occ["end"]))
    lines += [f"DTSTAMP:{_date(occ['stamp'])}T000000Z", f"UID:{text(occ['uid'])}", f"SEQUENCE:{occ['sequence']}"]
    if occ.get("rrule"):
        lines.append(rrule(occ["rrule"]))
    lines += [f"CATEGORIES:{','.join(text(c) for c in occ['categories'])}",
              f"DESCRIPTION:{text(occ['description'])}", "TRANSP:TRANSPARENT",
              f"URL:{occ['url']}", "END:VEVENT"]
    return lines


def calendar(name: str, description: str, occurrences: Iterable[dict[str, Any]]) -> str:
    """A whole VCALENDAR, its events sorted by start and UID (as the public feeds)."""
    occs = sorted(occurrences, key=lambda o: (o["start"] if "T" in o["start"] else o["start"] + "T00:00", o["uid"]))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Inkoopwijzer//Deadlines zorginkoop//NL",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"NAME:{text(name)}", f"X-WR-CALNAME:{text(name)}",
             f"DESCRIPTION:{text(description)}", f"X-WR-CALDESC:{text(description)}",
             f"X-WR-TIMEZONE:{AMSTERDAM}"]
    if any("T" in o["start"] for o in occs):
        lines += VTIMEZONE
    for occ in occs:
        lines += event_lines(occ)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)


def iso(value: date | datetime) -> str:
    """An occurrence value from a date or a naive local datetime."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()
