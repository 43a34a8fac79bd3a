"""A small RFC 5545 writer: the site's public feeds and the personal calendar the checker
makes in the browser.

Both are written from the same occurrences (``generator.engine.deadlines``) by this module,
which needs only the standard library, so it runs in Pyodide too. It writes the few
properties the feeds use. It replaced the ``icalendar`` library for the public feeds: that
library's line folding was a third of the site's generation time. Tests parse every feed with
``icalendar`` and with ical.js.

RFC 5545 in short: lines end in CRLF and are folded at 75 octets (a continuation line starts
with one space, never inside a UTF-8 sequence); TEXT values escape backslash, semicolon, comma
and newline (3.3.11); a date is YYYYMMDD with VALUE=DATE, a local time YYYYMMDDTHHMMSS with a
TZID whose VTIMEZONE is in the calendar, a UTC time ends in Z.
"""
from __future__ import annotations

import re
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


# C0 (incl. TAB, LF, CR), DEL, C1 (incl. NEL), the Unicode line and paragraph separators and
# the bidirectional overrides/isolates; and every way to break a line.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")


def clean(value: Any, *, one_line: bool = True) -> str:
    """Untrusted text made fit for a TEXT value, before RFC 5545 escaping: control characters
    are dropped; line breaks (CR, LF, CRLF, U+2028 ...) become a space in one-line properties
    (SUMMARY, NAME, CATEGORIES ...) and a single LF in DESCRIPTION. A bare CR can therefore
    never end a content line."""
    text_value = LINE_BREAKS.sub(" " if one_line else "\n", str(value))
    return CONTROL.sub(lambda m: m.group() if m.group() == "\n" else "", text_value)


def text(value: Any, *, one_line: bool = True) -> str:
    """A TEXT value (RFC 5545 3.3.11) from untrusted text: cleaned, then backslash, semicolon,
    comma and newline escaped."""
    return (clean(value, one_line=one_line).replace("\\", "\\\\").replace(";", "\\;")
            .replace(",", "\\,").replace("\n", "\\n"))


def fold(line: str) -> str:
    """One content line, folded at 75 octets without splitting a UTF-8 sequence."""
    if len(line) <= 18 or len(line.encode("utf-8")) <= 75:  # 18 characters are at most 72 octets
        return line
    raw = line.encode("utf-8")
    out: list[bytes] = []
    start, limit = 0, 75
    while len(raw) - start > limit:
        cut = start + limit
        while raw[cut] & 0xC0 == 0x80:  # never inside a UTF-8 sequence
            cut -= 1
        out.append(raw[start:cut])
        start, limit = cut, 74  # a continuation line starts with a space
    out.append(raw[start:])
    return "\r\n ".join(part.decode("utf-8") for part in out)


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
              f"DESCRIPTION:{text(occ['description'], one_line=False)}", "TRANSP:TRANSPARENT",
              f"URL:{text(occ['url'])}", "END:VEVENT"]
    return lines


def event(occ: dict[str, Any]) -> str:
    """One VEVENT, folded, each line ending in CRLF."""
    return "".join(fold(line) + CRLF for line in event_lines(occ))


def sort_key(occ: dict[str, Any]) -> tuple[str, str]:
    """Events by local start (a whole day counts from midnight), then UID."""
    return (occ["start"] if "T" in occ["start"] else occ["start"] + "T00:00", occ["uid"])


def calendar(name: str, description: str, occurrences: Iterable[dict[str, Any]], *,
             refresh: str | None = None, event_cache: dict[str, str] | None = None) -> str:
    """A whole VCALENDAR, its events sorted by start and UID.

    ``refresh``: an RFC 5545 duration (``PT12H``) a subscribed client should refresh after.
    ``event_cache``: UID -> written event, for a build that puts one event in many feeds.
    """
    occs = sorted(occurrences, key=sort_key)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Inkoopwijzer//Deadlines zorginkoop//NL",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"NAME:{text(name)}", f"X-WR-CALNAME:{text(name)}",
             f"DESCRIPTION:{text(description, one_line=False)}",
             f"X-WR-CALDESC:{text(description, one_line=False)}", f"X-WR-TIMEZONE:{AMSTERDAM}"]
    if refresh:
        lines += [f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}", f"X-PUBLISHED-TTL:{refresh}"]
    if any("T" in o["start"] for o in occs):
        lines += VTIMEZONE
    cache = event_cache if event_cache is not None else {}
    events = []
    for occ in occs:
        written = cache.get(occ["uid"])
        if written is None:
            written = cache[occ["uid"]] = event(occ)
        events.append(written)
    return "".join(fold(line) + CRLF for line in lines) + "".join(events) + "END:VCALENDAR" + CRLF


def iso(value: date | datetime) -> str:
    """An occurrence value from a date or a naive local datetime."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()
