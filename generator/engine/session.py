"""One round of the guided checker: verdicts, the next questions and the action plan.

The browser's worker calls ``respond`` after every answer, and ``personal_calendar`` when the
user downloads the deadlines of the contracts they chose. No clock: today's date, the
practice's own dates (its desired start date) and the site's address are arguments.
"""
from __future__ import annotations

from typing import Any

from . import deadlines as rules
from . import ical
from .dates import as_date, relative_date, when_sort_key, when_text
from .evaluate import PolicyCache, evaluate
from .profile import check_profile
from .questions import question_key, rank_questions


def answered_keys(bundle: dict[str, Any], profile: Any) -> set[str]:
    """Question keys the profile answers (``behandelindex@2022``, ``alle_therapeuten_big``)."""
    values = check_profile(profile, bundle["facts"])
    keys = set()
    for fact_id, value in values.items():
        if bundle["facts"].get(fact_id, {}).get("yearly") and isinstance(value, dict):
            keys |= {question_key(fact_id, int(year)) for year in value}
        else:
            keys.add(fact_id)
    return keys


def respond(bundle: dict[str, Any], request: dict[str, Any], cached: PolicyCache | None = None) -> dict[str, Any]:
    """``request``: profile, insurers, care_types, year, skipped (question keys), today (ISO),
    anchors ({anchor id: ISO date}), site_url. ``cached``: see ``evaluate``."""
    profile = request.get("profile") or {}
    answer = evaluate(bundle, profile, request.get("insurers"), request.get("care_types"), request.get("year"),
                      cached=cached)
    questions = rank_questions(bundle, answer, request.get("skipped") or [], answered_keys(bundle, profile))
    plan = action_plan(bundle, answer, request.get("today"), request.get("anchors") or {},
                       request.get("site_url") or bundle.get("site_url") or "/")
    skipped = set(request.get("skipped") or [])
    return {"answer": answer, "questions": questions, "plan": plan,
            "remaining": remaining(answer, {q["key"] for q in questions} - skipped)}


def remaining(answer: dict[str, Any], open_keys: set[str]) -> int:
    """About how many more answers settle the verdicts: the open questions on the shortest
    path to each unknown contract, to each better tier still possible, and to each rule."""
    keys: set[str] = set()

    def add(leaves: list[dict[str, Any]]) -> None:
        for leaf in leaves:
            if leaf.get("fact"):
                keys.add(question_key(leaf["fact"], leaf.get("year")))

    for ins in answer["insurers"]:
        for pol in ins["policies"]:
            for c in pol["contracts"]:
                if c["verdict"] == "unknown":
                    add(c["needed"])
                for t in c["tiers"]:
                    if c["best_tier"] and t["tier"] == c["best_tier"]:
                        break
                    if t["verdict"] == "unknown":
                        add(t["needed"])
            for rule in pol["selective"]:
                if rule["verdict"] == "unknown":
                    add(rule["needed"])
    return len(keys & open_keys)


def _policies(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in bundle["policies"]}


def _relevant(dl: dict[str, Any], contract_id: str, year: int) -> bool:
    return dl["contract_year"] == year and (not dl.get("applies_to") or contract_id in dl["applies_to"])


def _deadline(dl: dict[str, Any], policy: dict[str, Any], today: str | None, anchors: dict[str, str]) -> dict[str, Any]:
    when = dl["when"]
    day = None
    if when["kind"] == "relative":
        if anchors.get(when["anchor"]):
            day = relative_date(when, anchors[when["anchor"]]).isoformat()
    elif when["kind"] in ("date", "month", "range", "recurring"):
        day = when_sort_key(when).isoformat()
    past = bool(today and day and day < today)
    return {"id": dl["id"], "policy": policy["id"], "action": dl["action"], "when": when_text(when), "date": day,
            "relative": when["kind"] == "relative", "anchor": when.get("anchor"), "anchor_label": when.get("anchor_label"),
            "past": past, "actor": rules.ACTORS[dl["actor"]], "provider_acts": dl["actor"] in ("provider", "both"),
            "channel": [rules.CHANNELS[c] for c in dl.get("channel", [])],
            "audience": [rules.AUDIENCES[a] for a in dl["audience"]], "note": dl.get("note")}


def _order(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Upcoming first (soonest first), then those without a date, then past ones (latest first)."""
    upcoming = sorted((d for d in items if d["date"] and not d["past"]), key=lambda d: (d["date"], d["id"]))
    undated = [d for d in items if not d["date"]]
    past = sorted((d for d in items if d["past"]), key=lambda d: (d["date"], d["id"]), reverse=True)
    return upcoming + undated + past


def action_plan(bundle: dict[str, Any], answer: dict[str, Any], today: str | None, anchors: dict[str, str],
                site_url: str) -> list[dict[str, Any]]:
    """Per contract the practice can get or nearly gets: what to do, how and by when, what
    the next tier takes, and the selectively bought care that applies."""
    policies = _policies(bundle)
    out = []
    for ins in answer["insurers"]:
        for pol in ins["policies"]:
            policy = policies[pol["policy"]]
            for c in pol["contracts"]:
                reach = ("eligible" if c["verdict"] == "eligible" else
                         "conditional" if c.get("conditional") else None)
                if reach is None:
                    continue
                source = policies.get(c.get("continued_from") or "", policy)
                items = [_deadline(dl, source, today, anchors) for dl in source.get("deadlines", [])
                         if _relevant(dl, c["contract"], pol["year"])]
                better = []
                for t in c["tiers"]:
                    if c["best_tier"] and t["tier"] == c["best_tier"]:
                        break
                    if t["verdict"] != "not-eligible" or t["needed"]:
                        better.append({"tier": t["tier"], "name": t["name"], "verdict": t["verdict"],
                                       "needed": t["needed"]})
                out.append({"insurer": ins["insurer"], "insurer_name": ins["name"], "policy": pol["policy"],
                            "year": pol["year"], "contract": c["contract"], "name": c["name"], "reach": reach,
                            "tier": c["best_tier_name"], "conditional": c.get("conditional"),
                            "deadlines": _order(items), "better": better[:1],
                            "selective": [r for r in pol["selective"] if (r.get("via") or {}).get("contract")
                                          in (None, c["contract"])],
                            "feed": f"agenda/{ins['insurer']}.ics"})
    return out


def personal_calendar(bundle: dict[str, Any], request: dict[str, Any]) -> str:
    """The deadlines of the contracts the user chose, as one .ics file (UIDs as the public feeds).

    ``request``: selected [{policy, contract}], year, anchors, site_url."""
    policies = _policies(bundle)
    chosen: dict[str, set[str]] = {}
    for item in request.get("selected", []):
        chosen.setdefault(item["policy"], set()).add(item["contract"])
    occs = []
    for policy_id, contracts in sorted(chosen.items()):
        policy = policies[policy_id]
        wanted = {dl["id"] for dl in policy.get("deadlines", [])
                  if any(_relevant(dl, cid, request.get("year") or dl["contract_year"]) for cid in contracts)}
        occs += [o for o in rules.occurrences(bundle, policy, request.get("site_url") or bundle.get("site_url") or "/",
                                              request.get("anchors") or {}) if o["deadline"] in wanted]
    return ical.calendar("Inkoopwijzer – mijn deadlines",
                         "Deadlines van de overeenkomsten die u in de checker koos.", occs)


__all__ = ["action_plan", "answered_keys", "personal_calendar", "respond", "as_date"]
