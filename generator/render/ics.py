"""RFC 5545 calendar feeds of every deadline, built with ``icalendar``.

Which events a deadline gives, and their UIDs, moments and wording, are the engine's rules
(``generator.engine.deadlines``), shared with the personal calendar the checker makes in the
browser. This module turns them into feeds. Choices of its own: timed events carry a
VTIMEZONE written as yearly rules (last Sunday of March/October), because icalendar's
generated RDATE lists are misread by ical.js; feeds name themselves and ask to be refreshed
twice a day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.prop import vDuration, vText

from ..engine import deadlines as rules
from ..escape import ics_text
from ..model import Catalog, PolicyRecord

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PRODID = "-//Inkoopwijzer//Deadlines zorginkoop//NL"
REFRESH = timedelta(hours=12)
UID_DOMAIN = rules.UID_DOMAIN


@dataclass(frozen=True)
class Occurrence:
    """One calendar event derived from a deadline."""

    uid: str
    rec: PolicyRecord
    deadline: Any
    part: str  # "", "start" or "end"
    start: date | datetime
    end: date | datetime | None
    summary: str
    description: str
    care_types: tuple[str, ...]
    sequence: int
    stamp: datetime
    url: str
    rrule: dict[str, Any] | None = None


def amsterdam_vtimezone() -> Timezone:
    """Europe/Amsterdam as two yearly rules, the form every client reads correctly."""
    tz = Timezone()
    tz.add("TZID", "Europe/Amsterdam")
    tz.add("X-LIC-LOCATION", "Europe/Amsterdam")
    summer = TimezoneDaylight()
    summer.add("TZNAME", "CEST")
    summer.add("TZOFFSETFROM", timedelta(hours=1))
    summer.add("TZOFFSETTO", timedelta(hours=2))
    summer.add("DTSTART", datetime(1981, 3, 29, 2, 0))
    summer.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": 3, "BYDAY": "-1SU"})
    winter = TimezoneStandard()
    winter.add("TZNAME", "CET")
    winter.add("TZOFFSETFROM", timedelta(hours=2))
    winter.add("TZOFFSETTO", timedelta(hours=1))
    winter.add("DTSTART", datetime(1996, 10, 27, 3, 0))
    winter.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": 10, "BYDAY": "-1SU"})
    tz.add_component(summer)
    tz.add_component(winter)
    return tz


def _moment(value: str) -> date | datetime:
    """An occurrence's ISO moment: a date, or a local time in Amsterdam."""
    day, _, clock = value.partition("T")
    if not clock:
        return date.fromisoformat(day)
    hour, minute = map(int, clock.split(":"))
    return datetime.combine(date.fromisoformat(day), time(hour, minute), tzinfo=AMSTERDAM)


def lookups(catalog: Catalog) -> dict[str, Any]:
    """The names the event rules need, as the engine bundle holds them."""
    return {"insurers": {k: {"name": v.name, "short_name": v.short_name} for k, v in catalog.insurers.items()},
            "care_types": {k: {"name": v.name} for k, v in catalog.care_types.items()},
            "sources": {k: {"title": v.title, "published": v.published.isoformat() if v.published else None}
                        for k, v in catalog.sources.items()}}


def deadline_care_types(rec: PolicyRecord, dl: Any) -> tuple[str, ...]:
    return tuple(rules.deadline_care_types(rec.policy.model_dump(mode="json", include={"care_types", "contracts"}),
                                           dl.model_dump(mode="json")))


def occurrences(catalog: Catalog, site_url: str) -> list[Occurrence]:
    """Every calendar event of every deadline, in a stable order."""
    out: list[Occurrence] = []
    names = lookups(catalog)
    for rec in catalog.sorted_policies():
        by_id = {dl.id: dl for dl in rec.policy.deadlines}
        for occ in rules.occurrences(names, catalog.policy_json(rec), site_url):
            stamp = datetime.combine(date.fromisoformat(occ["stamp"]), time(0, 0), tzinfo=timezone.utc)
            rrule = dict(occ["rrule"]) if occ["rrule"] else None
            if rrule and "UNTIL" in rrule:
                rrule["UNTIL"] = date.fromisoformat(rrule["UNTIL"])
            out.append(Occurrence(occ["uid"], rec, by_id[occ["deadline"]], occ["part"], _moment(occ["start"]),
                                  _moment(occ["end"]) if occ["end"] else None, occ["summary"], occ["description"],
                                  tuple(occ["care_types"]), occ["sequence"], stamp, occ["url"], rrule))
    return out


def _text(value: str, *, one_line: bool = True) -> vText:
    """Every TEXT value, event- or calendar-level: line breaks and control characters made
    safe (``escape.ics_text``), then RFC 5545-escaped by icalendar's vText. NAME and the
    X-WR-* properties need the explicit vText: icalendar writes unknown properties raw."""
    return vText(ics_text(value, one_line=one_line))


def _event(occ: Occurrence, catalog: Catalog) -> Event:
    ev = Event()
    ev.add("UID", _text(occ.uid))
    ev.add("DTSTAMP", occ.stamp)
    ev.add("SEQUENCE", occ.sequence)
    ev.add("SUMMARY", _text(occ.summary))
    ev.add("DESCRIPTION", _text(occ.description, one_line=False))
    ev.add("DTSTART", occ.start)
    if occ.end is not None:
        ev.add("DTEND", occ.end)
    if occ.rrule is not None:
        ev.add("RRULE", occ.rrule)
    ev.add("CATEGORIES", [catalog.insurers[occ.rec.insurer_id].short_name,
                          *(catalog.care_types[ct].name for ct in occ.care_types)])
    ev.add("URL", occ.url)
    ev.add("TRANSP", "TRANSPARENT")
    return ev


def calendar(name: str, description: str, occs: list[Occurrence], catalog: Catalog,
             event_cache: dict[str, bytes] | None = None) -> bytes:
    """One VCALENDAR. Events are serialised once (``event_cache``) and reused in every
    feed they belong to: serialising is by far the most expensive step of the build."""
    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", "PUBLISH")
    cal.add("NAME", _text(name))
    cal.add("X-WR-CALNAME", _text(name))
    cal.add("DESCRIPTION", _text(description, one_line=False))
    cal.add("X-WR-CALDESC", _text(description, one_line=False))
    cal.add("X-WR-TIMEZONE", "Europe/Amsterdam")
    cal.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    if any(isinstance(o.start, datetime) for o in occs):
        cal.add_component(amsterdam_vtimezone())
    cache = event_cache if event_cache is not None else {}
    events = []
    for occ in sorted(occs, key=lambda o: (_sort_key(o.start), o.uid)):
        if occ.uid not in cache:
            cache[occ.uid] = _event(occ, catalog).to_ical()
        events.append(cache[occ.uid])
    head = cal.to_ical()
    end = b"END:VCALENDAR\r\n"
    if not head.endswith(end):  # icalendar changed its output: fail loudly, never write a broken feed
        raise RuntimeError(f"unexpected end of calendar {name!r}: {head[-40:]!r}")
    feed = head[: -len(end)] + b"".join(events) + end
    lines = feed.replace(b"\r\n", b"")
    if b"\r" in lines or b"\n" in lines:  # a value escaped nowhere: never publish it
        raise RuntimeError(f"calendar {name!r} holds a bare CR or LF inside a line")
    return feed


def _sort_key(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return datetime.combine(value, time(0, 0))


@dataclass(frozen=True)
class Feed:
    path: str  # under the site root
    name: str
    description: str
    kind: str  # all | insurer | care-type | insurer-care-type
    occurrences: tuple[Occurrence, ...]


def feeds(catalog: Catalog, site_url: str) -> list[Feed]:
    """All feeds: everything, per insurer, per care type, per insurer x care type (none empty)."""
    occs = occurrences(catalog, site_url)
    out = [Feed("agenda/alle.ics", "Inkoopwijzer – alle deadlines",
                "Alle deadlines uit het zorginkoopbeleid van alle verzekeraars.", "all", tuple(occs))]
    for iid, ins in sorted(catalog.insurers.items()):
        mine = tuple(o for o in occs if o.rec.insurer_id == iid)
        if mine:
            out.append(Feed(f"agenda/{iid}.ics", f"Inkoopwijzer – {ins.short_name}",
                            f"Deadlines uit het zorginkoopbeleid van {ins.name}.", "insurer", mine))
    for ct, care in sorted(catalog.care_types.items()):
        mine = tuple(o for o in occs if ct in o.care_types)
        if mine:
            out.append(Feed(f"agenda/zorgsoort/{ct}.ics", f"Inkoopwijzer – {care.name}",
                            f"Deadlines voor {care.name.lower()} van alle verzekeraars.", "care-type", mine))
    for iid, ins in sorted(catalog.insurers.items()):
        for ct, care in sorted(catalog.care_types.items()):
            mine = tuple(o for o in occs if o.rec.insurer_id == iid and ct in o.care_types)
            if mine:
                out.append(Feed(f"agenda/{iid}/{ct}.ics", f"Inkoopwijzer – {ins.short_name} {care.name}",
                                f"Deadlines voor {care.name.lower()} uit het beleid van {ins.name}.",
                                "insurer-care-type", mine))
    return out


def event_path(rec: PolicyRecord, deadline_id: str) -> str:
    return f"agenda/deadline/{rec.key}/{deadline_id}.ics"


def render_calendars(catalog: Catalog, site_url: str) -> dict[str, bytes]:
    """Every feed plus a single-deadline .ics per deadline."""
    files: dict[str, bytes] = {}
    cache: dict[str, bytes] = {}
    all_feeds = feeds(catalog, site_url)
    for feed in all_feeds:
        files[feed.path] = calendar(feed.name, feed.description, list(feed.occurrences), catalog, cache)
    by_deadline: dict[tuple[str, str], list[Occurrence]] = {}
    for occ in all_feeds[0].occurrences:
        by_deadline.setdefault((occ.rec.key, occ.deadline.id), []).append(occ)
    for (key, did), occs in sorted(by_deadline.items()):
        rec = catalog.policies[key]
        files[event_path(rec, did)] = calendar(
            f"Inkoopwijzer – {occs[0].summary}", occs[0].deadline.action, occs, catalog, cache)
    return files
