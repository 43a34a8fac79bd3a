"""RFC 5545 calendar feeds of every deadline.

Which events a deadline gives, and their UIDs, moments and wording, are the engine's rules
(``generator.engine.deadlines``); the engine's writer (``generator.engine.ical``) writes them,
here and in the personal calendar the checker makes in the browser. This module decides the
feeds: everything, per insurer, per care type, per insurer and care type, and one file per
deadline. Feeds name themselves and ask to be refreshed twice a day; timed events carry a
VTIMEZONE written as yearly rules (last Sunday of March/October), which every client reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any
from zoneinfo import ZoneInfo

from ..engine import deadlines as rules
from ..engine import ical
from ..model import Catalog, PolicyRecord
from .. import memo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PRODID = "-//Inkoopwijzer//Deadlines zorginkoop//NL"
REFRESH = "PT12H"
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
    raw: dict[str, Any] | None = None  # the engine's occurrence, as the writer takes it


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
        key = ("occurrences", memo.context(catalog), site_url, rec.key, memo.policy(rec)) if memo.active() else None
        out.extend(memo.cached(key, lambda: _policy_occurrences(names, catalog, rec, site_url)))
    return out


def _policy_occurrences(names: dict[str, Any], catalog: Catalog, rec: PolicyRecord,
                        site_url: str) -> list[Occurrence]:
    out: list[Occurrence] = []
    by_id = {dl.id: dl for dl in rec.policy.deadlines}
    for occ in rules.occurrences(names, catalog.policy_json(rec), site_url):
        stamp = datetime.combine(date.fromisoformat(occ["stamp"]), time(0, 0), tzinfo=timezone.utc)
        rrule = dict(occ["rrule"]) if occ["rrule"] else None
        if rrule and "UNTIL" in rrule:
            rrule["UNTIL"] = date.fromisoformat(rrule["UNTIL"])
        out.append(Occurrence(occ["uid"], rec, by_id[occ["deadline"]], occ["part"], _moment(occ["start"]),
                              _moment(occ["end"]) if occ["end"] else None, occ["summary"], occ["description"],
                              tuple(occ["care_types"]), occ["sequence"], stamp, occ["url"], rrule, occ))
    return out


def calendar(name: str, description: str, occs: list[Occurrence], catalog: Catalog,
             event_cache: dict[str, str] | None = None) -> bytes:
    """One VCALENDAR. Events are written once (``event_cache``) and reused in every feed they
    belong to."""
    feed = ical.calendar(name, description, [o.raw for o in occs if o.raw is not None], refresh=REFRESH,
                         event_cache=event_cache)
    line_ends = feed.count("\r\n")  # counted, not replaced: a feed of the whole market is megabytes
    if feed.count("\r") != line_ends or feed.count("\n") != line_ends:
        raise RuntimeError(f"calendar {name!r} holds a bare CR or LF inside a line")  # never publish it
    return feed.encode("utf-8")


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
    # group in one pass (keeping the order of ``occs``): scanning every occurrence per
    # insurer x care type would grow with the square of the data
    by_insurer: dict[str, list[Occurrence]] = {}
    by_care_type: dict[str, list[Occurrence]] = {}
    by_both: dict[tuple[str, str], list[Occurrence]] = {}
    for o in occs:
        by_insurer.setdefault(o.rec.insurer_id, []).append(o)
        for ct in dict.fromkeys(o.care_types):
            by_care_type.setdefault(ct, []).append(o)
            by_both.setdefault((o.rec.insurer_id, ct), []).append(o)
    out = [Feed("agenda/alle.ics", "Inkoopwijzer – alle deadlines",
                "Alle deadlines uit het zorginkoopbeleid van alle verzekeraars.", "all", tuple(occs))]
    for iid, ins in sorted(catalog.insurers.items()):
        mine = tuple(by_insurer.get(iid, ()))
        if mine:
            out.append(Feed(f"agenda/{iid}.ics", f"Inkoopwijzer – {ins.short_name}",
                            f"Deadlines uit het zorginkoopbeleid van {ins.name}.", "insurer", mine))
    for ct, care in sorted(catalog.care_types.items()):
        mine = tuple(by_care_type.get(ct, ()))
        if mine:
            out.append(Feed(f"agenda/zorgsoort/{ct}.ics", f"Inkoopwijzer – {care.name}",
                            f"Deadlines voor {care.name.lower()} van alle verzekeraars.", "care-type", mine))
    for iid, ins in sorted(catalog.insurers.items()):
        for ct, care in sorted(catalog.care_types.items()):
            mine = tuple(by_both.get((iid, ct), ()))
            if mine:
                out.append(Feed(f"agenda/{iid}/{ct}.ics", f"Inkoopwijzer – {ins.short_name} {care.name}",
                                f"Deadlines voor {care.name.lower()} uit het beleid van {ins.name}.",
                                "insurer-care-type", mine))
    return out


def event_path(rec: PolicyRecord, deadline_id: str) -> str:
    return f"agenda/deadline/{rec.key}/{deadline_id}.ics"


def render_calendars(catalog: Catalog, site_url: str, all_feeds: list[Feed] | None = None) -> dict[str, bytes]:
    """Every feed plus a single-deadline .ics per deadline."""
    files: dict[str, bytes] = {}
    cache: dict[str, str] = {}
    all_feeds = all_feeds if all_feeds is not None else feeds(catalog, site_url)
    if memo.active():  # each policy's events as written at an earlier reload (the same inputs)
        by_policy: dict[str, list[Occurrence]] = {}
        for occ in all_feeds[0].occurrences:
            by_policy.setdefault(occ.rec.key, []).append(occ)
        for key, occs in by_policy.items():
            rec = catalog.policies[key]
            cache.update(memo.cached(("events", memo.context(catalog), site_url, key, memo.policy(rec)),
                                     lambda: {o.uid: ical.event(o.raw) for o in occs if o.raw is not None}))
    for feed in all_feeds:
        # a feed is its header and its events' texts: a serve session keeps it while they are
        # the same (an edit that leaves a policy's deadlines alone rewrites none of its feeds)
        inputs = ("feed", feed.path, feed.name, feed.description,
                  tuple((o.uid, cache[o.uid]) for o in feed.occurrences if o.raw is not None)) \
            if memo.active() else None
        files[feed.path] = memo.cached(inputs, lambda: calendar(feed.name, feed.description, list(feed.occurrences),
                                                                catalog, cache))
    by_policy: dict[str, dict[str, list[Occurrence]]] = {}
    for occ in all_feeds[0].occurrences:
        by_policy.setdefault(occ.rec.key, {}).setdefault(occ.deadline.id, []).append(occ)
    for key, deadlines in sorted(by_policy.items()):
        rec = catalog.policies[key]
        inputs = ("deadline-files", memo.context(catalog), site_url, key, memo.policy(rec)) if memo.active() else None
        files.update(memo.cached(inputs, lambda: {
            event_path(rec, did): calendar(f"Inkoopwijzer – {occs[0].summary}", occs[0].deadline.action, occs,
                                           catalog, cache)
            for did, occs in sorted(deadlines.items())}))
    return files
