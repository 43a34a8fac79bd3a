"""Calendar events of a policy's deadlines: one set of rules for the site's public feeds and
for the personal calendar the checker makes in the browser, so a deadline has the same UID,
moment and wording in both (subscribing later never duplicates an event).

Rules (documented on the agenda page):
* a date without a time is an all-day event (DTEND the next day: exclusive); "vóór D" (strictly
  before) lands on the day before D, the last day to act, and says so;
* a date with a time is a timed event in Europe/Amsterdam;
* a range is two events, its opening and its closing; an open range only its opening;
* a month known only as a month spans that month; a whole year (or "some time in it") is an
  all-day event on 1 January saying so; a recurring moment is one event with a recurrence rule;
* a moment relative to the practice's own date (its start date) has no date of its own: it is in
  the personal calendar only, once the practice gives that date;
* UIDs come from the policy and deadline ids; DTSTAMP from the data (the amendment that touched
  the deadline, else the publication date), never the clock; SEQUENCE counts earlier values.

Input is the policy's JSON (as in the engine bundle), so the same code runs in CPython and in
Pyodide. Standard library only.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .dates import MONTHS, as_date, dutch_date, relative_date, when_text

UID_DOMAIN = "inkoopwijzer"
ACTORS = {"insurer": "zorgverzekeraar", "provider": "zorgaanbieder", "both": "zorgverzekeraar en zorgaanbieder"}
CHANNELS = {"vecozo": "VECOZO Zorginkoopportaal", "email": "e-mail", "website-form": "formulier op de website",
            "website": "website", "letter": "brief", "zorgzoeker": "zorgzoeker", "news": "nieuwsbericht"}
AUDIENCES = {"contracted": "gecontracteerde zorgaanbieders", "new": "nieuwe zorgaanbieders",
             "collaborations": "samenwerkingsverbanden", "all": "alle zorgaanbieders", "insured": "verzekerden"}


def deadline_care_types(policy: dict[str, Any], dl: dict[str, Any]) -> list[str]:
    """The care types a deadline concerns: those of the contracts it applies to, else the policy's."""
    if dl.get("applies_to"):
        cts = {ct for c in policy.get("contracts", []) if c["id"] in dl["applies_to"] for ct in c["care_types"]}
        return sorted(cts)
    return sorted(policy["care_types"])


def topic(bundle: dict[str, Any], policy: dict[str, Any], care_types: list[str]) -> str:
    if len(care_types) == 1:
        return bundle["care_types"].get(care_types[0], {}).get("name", care_types[0])
    family = policy["family"].replace("-", " ")
    return family[:1].upper() + family[1:]


def stamp(bundle: dict[str, Any], policy: dict[str, Any], dl: dict[str, Any]) -> str:
    """A date from the data: the amendment that touched the deadline, else the publication."""
    amendment = dl.get("amended_by") or dl.get("introduced_by")
    if amendment:
        return next(a["date"] for a in policy.get("amendments", []) if a["id"] == amendment)
    source = bundle["sources"].get(policy["sources"][0], {})
    return policy.get("published") or source.get("published") or f"{dl['contract_year'] - 1}-01-01"


def _moment(day: Any, clock: str | None) -> str:
    return as_date(day).isoformat() + (f"T{clock}" if clock else "")


def _next_day(day: Any) -> str:
    return (as_date(day) + timedelta(days=1)).isoformat()


def describe(bundle: dict[str, Any], policy: dict[str, Any], dl: dict[str, Any], page_url: str) -> str:
    """The event description: what, when, who, how, for whom, and where it is stated."""
    insurer = bundle["insurers"].get(policy["insurer"], {})
    cite = dl["cite"]
    source = bundle["sources"].get(cite.get("source") or policy["sources"][0], {})
    lines = [
        f"Wat: {dl['action']}",
        f"Wanneer: {when_text(dl['when'])}",
        f"Wie: {ACTORS[dl['actor']]}",
        f"Via: {', '.join(CHANNELS[c] for c in dl.get('channel', [])) or 'niet vermeld'}",
        f"Voor: {', '.join(AUDIENCES[a] for a in dl['audience'])}",
        f"Contractjaar: {dl['contract_year']}",
        f"Beleid: {policy['title']} ({insurer.get('name', policy['insurer'])})",
        f"Bron: {source.get('title', cite.get('source') or policy['sources'][0])}, § {cite['section']}",
    ]
    if dl.get("previous"):
        lines.append("Eerder: " + "; ".join(when_text(w) for w in dl["previous"]))
    if dl.get("note"):
        note = next(n for n in policy.get("source_notes", []) if n["id"] == dl["note"])
        lines.append(f"Let op, bronopmerking: {note['text']} Aangehouden: {note['kept']}")
    for field, verb in (("introduced_by", "Toegevoegd door"), ("amended_by", "Gewijzigd door")):
        if dl.get(field):
            amendment = next(a for a in policy.get("amendments", []) if a["id"] == dl[field])
            lines.append(f"{verb}: {amendment['title']} ({dutch_date(amendment['date'])})")
    lines.append(f"Meer informatie: {page_url}#{dl['id']}")
    return "\n".join(lines)


def occurrences(bundle: dict[str, Any], policy: dict[str, Any], site_url: str,
                anchors: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The calendar events of every deadline of one policy, in a stable order.

    ``anchors`` maps an anchor id of relative moments (``start-date``) to the practice's own
    date; without it relative moments have no event (the public feeds)."""
    out: list[dict[str, Any]] = []
    insurer = bundle["insurers"].get(policy["insurer"], {})
    page_url = f"{site_url.rstrip('/')}/beleid/{policy['id']}/"
    for dl in sorted(policy.get("deadlines", []), key=lambda d: d["id"]):
        cts = deadline_care_types(policy, dl)
        head = f"[{insurer.get('short_name', policy['insurer'])}] {topic(bundle, policy, cts)} " \
               f"{dl['contract_year']} – {dl['action']}"
        base_uid = f"{policy['id']}/{dl['id']}@{UID_DOMAIN}"
        common = {"deadline": dl["id"], "policy": policy["id"], "description": describe(bundle, policy, dl, page_url),
                  "care_types": cts, "sequence": len(dl.get("previous", [])), "stamp": stamp(bundle, policy, dl),
                  "url": f"{page_url}#{dl['id']}", "rrule": None,
                  "categories": [insurer.get("short_name", policy["insurer"]),
                                 *(bundle["care_types"].get(ct, {}).get("name", ct) for ct in cts)]}
        w = dl["when"]
        kind = w["kind"]
        if kind == "date":
            day = as_date(w["date"])
            summary = head
            if w.get("bound") == "before" and not w.get("time"):
                day = day - timedelta(days=1)  # "vóór D": the last day to act is the day before
                summary = f"{head} (vóór {dutch_date(w['date'])})"
            out.append({**common, "uid": base_uid, "part": "", "start": _moment(day, w.get("time")),
                        "end": None if w.get("time") else _next_day(day), "summary": summary})
        elif kind == "range":
            out.append({**common, "uid": f"{policy['id']}/{dl['id']}/start@{UID_DOMAIN}", "part": "start",
                        "start": _moment(w["start"], w.get("start_time")),
                        "end": None if w.get("start_time") else _next_day(w["start"]), "summary": head + " (begint)"})
            if w.get("end") is not None:
                out.append({**common, "uid": f"{policy['id']}/{dl['id']}/end@{UID_DOMAIN}", "part": "end",
                            "start": _moment(w["end"], w.get("end_time")),
                            "end": None if w.get("end_time") else _next_day(w["end"]), "summary": head + " (sluit)"})
        elif kind == "month":
            year, month = map(int, w["month"].split("-"))
            first = date(year, month, 1)
            nxt = date(year + (month == 12), month % 12 + 1, 1)
            out.append({**common, "uid": base_uid, "part": "", "start": first.isoformat(), "end": nxt.isoformat(),
                        "summary": f"{head} (in de loop van {MONTHS[month - 1]} {year})"})
        elif kind == "recurring":
            rule: dict[str, Any] = ({"FREQ": "YEARLY"} if w["every"] == "year" else
                                    {"FREQ": "MONTHLY", "INTERVAL": 3 if w["every"] == "quarter" else 1})
            if w.get("end") is not None:
                rule["UNTIL"] = as_date(w["end"]).isoformat()
            out.append({**common, "uid": base_uid, "part": "", "start": as_date(w["start"]).isoformat(),
                        "end": _next_day(w["start"]), "summary": f"{head} ({when_text(w)})", "rrule": rule})
        elif kind == "year":
            wording = f"ergens in {w['year']}" if w.get("span") == "some-time" else f"gedurende heel {w['year']}"
            out.append({**common, "uid": base_uid, "part": "", "start": f"{w['year']}-01-01",
                        "end": f"{w['year']}-01-02", "summary": f"{head} ({wording})"})
        elif kind == "relative" and anchors and anchors.get(w["anchor"]):
            day = relative_date(w, anchors[w["anchor"]])
            if w.get("bound") == "before":
                day = day - timedelta(days=1)
            out.append({**common, "uid": base_uid, "part": "", "start": day.isoformat(), "end": _next_day(day),
                        "summary": f"{head} ({when_text(w)})"})
    return out
