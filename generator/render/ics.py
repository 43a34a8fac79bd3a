"""RFC 5545 calendar feeds of every deadline, built with ``icalendar``.

Modelling choices (documented on the agenda page):
* a date without a time is an all-day event (VALUE=DATE, DTEND the next day: exclusive);
* a date with a time is a timed event in Europe/Amsterdam, with a VTIMEZONE written as
  yearly rules (last Sunday of March/October) because icalendar's generated RDATE lists
  are misread by ical.js;
* a date range becomes two events, its opening and its closing, so a calendar reminds
  the user at both moments instead of showing a weeks-long banner; an open range
  ("vanaf ...") only its opening;
* a month known only as a month is an all-day event spanning that month; "the whole
  year" (or "some time in the year") is an all-day event on 1 January saying so;
* a recurring moment ("elk kwartaal") is one all-day event with an RRULE;
* a moment relative to a date the practice chooses ("één maand vóór de gewenste
  startdatum") has no date of its own: it is on the policy page and in the checker's
  personal calendar, never in the public feeds;
* UIDs come from the policy and deadline ids (stable across rebuilds and file order);
  DTSTAMP comes from the data (amendment or publication date), never the clock; an
  amended deadline keeps its UID and gets SEQUENCE = number of earlier values.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.prop import vDuration, vText

from ..escape import ics_text
from ..model import Catalog, PolicyRecord
from .dates import MONTHS, dutch_date, when_text
from .pages import ACTORS, AUDIENCES, CHANNELS

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PRODID = "-//Inkoopwijzer//Deadlines zorginkoop//NL"
REFRESH = timedelta(hours=12)
UID_DOMAIN = "inkoopwijzer"


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


def _local(day: date, hhmm: str | None) -> date | datetime:
    if hhmm is None:
        return day
    hour, minute = map(int, hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM)


def _stamp(rec: PolicyRecord, dl: Any, catalog: Catalog) -> datetime:
    """A date from the data: the amendment that touched it, else the publication date."""
    p = rec.policy
    amendment = dl.amended_by or dl.introduced_by
    day = None
    if amendment:
        day = next(a.date for a in p.amendments if a.id == amendment)
    day = day or p.published or catalog.sources[p.sources[0]].published or date(dl.contract_year - 1, 1, 1)
    return datetime.combine(day, time(0, 0), tzinfo=timezone.utc)


def deadline_care_types(rec: PolicyRecord, dl: Any) -> tuple[str, ...]:
    if dl.applies_to:
        cts = {ct for c in rec.policy.contracts if c.id in dl.applies_to for ct in c.care_types}
        return tuple(sorted(cts))
    return tuple(sorted(rec.policy.care_types))


def _topic(catalog: Catalog, rec: PolicyRecord, care_types: tuple[str, ...]) -> str:
    if len(care_types) == 1:
        return catalog.care_types[care_types[0]].name
    family = rec.policy.family.replace("-", " ")
    return family[:1].upper() + family[1:]


def occurrences(catalog: Catalog, site_url: str) -> list[Occurrence]:
    """Every calendar event of every deadline, in a stable order."""
    out: list[Occurrence] = []
    for rec in catalog.sorted_policies():
        insurer = catalog.insurers[rec.insurer_id]
        page_url = f"{site_url.rstrip('/')}/beleid/{rec.key}/"
        for dl in sorted(rec.policy.deadlines, key=lambda d: d.id):
            cts = deadline_care_types(rec, dl)
            head = f"[{insurer.short_name}] {_topic(catalog, rec, cts)} {dl.contract_year} – {dl.action}"
            lines = [
                f"Wat: {dl.action}",
                f"Wanneer: {when_text(dl.when)}",
                f"Wie: {ACTORS[dl.actor]}",
                f"Via: {', '.join(CHANNELS[c] for c in dl.channel) or 'niet vermeld'}",
                f"Voor: {', '.join(AUDIENCES[a] for a in dl.audience)}",
                f"Contractjaar: {dl.contract_year}",
                f"Beleid: {rec.policy.title} ({insurer.name})",
                f"Bron: {catalog.source_of(rec, dl.cite).title}, § {dl.cite.section}",
            ]
            if dl.previous:
                lines.append("Eerder: " + "; ".join(when_text(w) for w in dl.previous))
            if dl.note:
                note = next(n for n in rec.policy.source_notes if n.id == dl.note)
                lines.append(f"Let op, bronopmerking: {note.text} Aangehouden: {note.kept}")
            for field, verb in (("introduced_by", "Toegevoegd door"), ("amended_by", "Gewijzigd door")):
                amendment_id = getattr(dl, field)
                if amendment_id:
                    amendment = next(a for a in rec.policy.amendments if a.id == amendment_id)
                    lines.append(f"{verb}: {amendment.title} ({dutch_date(amendment.date)})")
            lines.append(f"Meer informatie: {page_url}#{dl.id}")
            description = "\n".join(lines)
            base_uid = f"{rec.key}/{dl.id}@{UID_DOMAIN}"
            common = dict(rec=rec, deadline=dl, description=description, care_types=cts,
                          sequence=len(dl.previous), stamp=_stamp(rec, dl, catalog),
                          url=f"{page_url}#{dl.id}")
            w = dl.when
            if w.kind == "date":
                start = _local(w.date, w.time)
                end = None if w.time else w.date + timedelta(days=1)
                out.append(Occurrence(base_uid, part="", start=start, end=end, summary=head, **common))
            elif w.kind == "range":
                start = _local(w.start, w.start_time)
                out.append(Occurrence(
                    f"{rec.key}/{dl.id}/start@{UID_DOMAIN}", part="start", start=start,
                    end=None if w.start_time else w.start + timedelta(days=1),
                    summary=head + " (begint)", **common))
                if w.end is not None:
                    end = _local(w.end, w.end_time)
                    out.append(Occurrence(
                        f"{rec.key}/{dl.id}/end@{UID_DOMAIN}", part="end", start=end,
                        end=None if w.end_time else w.end + timedelta(days=1),
                        summary=head + " (sluit)", **common))
            elif w.kind == "month":
                year, month = map(int, w.month.split("-"))
                first = date(year, month, 1)
                nxt = date(year + (month == 12), month % 12 + 1, 1)
                out.append(Occurrence(base_uid, part="", start=first, end=nxt,
                                      summary=f"{head} (in de loop van {MONTHS[month - 1]} {year})", **common))
            elif w.kind == "recurring":
                rule: dict[str, Any] = ({"FREQ": "YEARLY"} if w.every == "year" else
                                        {"FREQ": "MONTHLY", "INTERVAL": 3 if w.every == "quarter" else 1})
                if w.end is not None:
                    rule["UNTIL"] = w.end
                out.append(Occurrence(base_uid, part="", start=w.start, end=w.start + timedelta(days=1),
                                      summary=f"{head} ({when_text(w)})", rrule=rule, **common))
            elif w.kind == "year":
                wording = f"ergens in {w.year}" if w.span == "some-time" else f"gedurende heel {w.year}"
                out.append(Occurrence(base_uid, part="", start=date(w.year, 1, 1),
                                      end=date(w.year, 1, 2), summary=f"{head} ({wording})", **common))
            # relative moments depend on the practice's own date: not in public feeds
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
