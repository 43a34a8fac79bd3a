"""The personal calendar the checker makes in the browser: the engine's own RFC 5545 writer
(generator/engine/ical.py) over the engine's event rules (generator/engine/deadlines.py).

Parsed by two independent readers (Python icalendar, Mozilla's ical.js), every event must be
the very event of the public feed: same UID, moment, summary, description, sequence and
recurrence, so a practice that subscribes later never sees a deadline twice."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from icalendar import Calendar

from generator.bundle import engine_bundle
from generator.engine import deadlines, ical
from generator.render.ics import render_calendars

REPO = Path(__file__).resolve().parent.parent
SITE = "https://inkoopwijzer.example.org/"


@pytest.fixture(scope="module")
def personal(catalog, tmp_path_factory) -> tuple[Path, Path]:
    """Every deadline of every policy once through the personal writer, once as the public feed."""
    bundle = engine_bundle(catalog)
    occs = [occ for policy in bundle["policies"] for occ in deadlines.occurrences(bundle, policy, SITE)]
    folder = tmp_path_factory.mktemp("personal")
    mine = folder / "mijn-deadlines.ics"
    mine.write_bytes(ical.calendar("Mijn deadlines", "Uit de checker, met; komma's, en \\ tekens",
                                   occs).encode("utf-8"))
    public = folder / "alle.ics"
    public.write_bytes(render_calendars(catalog, SITE)["agenda/alle.ics"])
    return mine, public


def events(path: Path) -> dict[str, dict]:
    cal = Calendar.from_ical(path.read_bytes())
    out = {}
    for ev in cal.walk("VEVENT"):
        out[str(ev["UID"])] = {
            "summary": str(ev["SUMMARY"]), "description": str(ev["DESCRIPTION"]),
            "start": ev.decoded("DTSTART"), "end": ev.decoded("DTEND") if "DTEND" in ev else None,
            "sequence": int(ev["SEQUENCE"]), "rrule": ev["RRULE"].to_ical().decode() if "RRULE" in ev else None,
            "stamp": ev.decoded("DTSTAMP"), "url": str(ev["URL"]),
            "categories": [str(c) for cat in ([ev["CATEGORIES"]] if not isinstance(ev["CATEGORIES"], list)
                                              else ev["CATEGORIES"]) for c in cat.cats],
        }
    return out


def test_every_personal_event_is_the_public_event(personal):
    mine, public = personal
    a, b = events(mine), events(public)
    assert a.keys() == b.keys() and len(a) > 50
    for uid in a:
        assert a[uid] == b[uid], uid


def test_the_personal_calendar_parses_in_icaljs_like_the_feed(personal):
    node = shutil.which("node")
    assert node and (REPO / "node_modules" / "ical.js").is_dir(), "run ./dev.sh test (npm ci installs ical.js)"
    mine, public = personal
    proc = subprocess.run([node, str(REPO / "tests" / "js" / "parse_ics.mjs"), str(mine), str(public)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    parsed = json.loads(proc.stdout)
    by_uid = [{e["uid"]: {k: v for k, v in e.items()} for e in parsed[str(p)]["events"]} for p in (mine, public)]
    assert by_uid[0] == by_uid[1]
    assert parsed[str(mine)]["name"] == "Mijn deadlines"


def test_lines_are_folded_at_75_octets_and_text_is_escaped():
    occ = {"uid": "a/b/c@inkoopwijzer", "summary": "één, twee; drie \\ vier\nvijf " + "é" * 60, "start": "2026-01-01",
           "end": "2026-01-02", "description": "x", "sequence": 0, "stamp": "2025-01-01", "url": "https://x/",
           "categories": ["A,B"], "rrule": None}
    occ["description"] = occ["summary"] + "\r\nzes\x00\u2028zeven"
    text = ical.calendar("n", "d", [occ])
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    ev = next(iter(Calendar.from_ical(text.encode()).walk("VEVENT")))
    # a summary is one line (a line break becomes a space); a description keeps its lines,
    # and control characters are dropped from both
    assert str(ev["SUMMARY"]) == occ["summary"].replace("\n", " ")
    assert str(ev["DESCRIPTION"]) == occ["summary"] + "\nzes\nzeven"
    assert [str(c) for c in ev["CATEGORIES"].cats] == ["A,B"]


def test_relative_moments_enter_the_personal_calendar_with_the_practice_date(catalog):
    """'Uiterlijk één maand vóór de gewenste ingangsdatum' has a date once the practice gives its own."""
    bundle = engine_bundle(catalog)
    for policy in bundle["policies"]:
        relative = [d for d in policy.get("deadlines", []) if d["when"]["kind"] == "relative"]
        if not relative:
            continue
        dl = relative[0]
        without = {o["deadline"] for o in deadlines.occurrences(bundle, policy, SITE)}
        assert dl["id"] not in without
        anchors = {dl["when"]["anchor"]: "2026-07-01"}
        (occ,) = [o for o in deadlines.occurrences(bundle, policy, SITE, anchors) if o["deadline"] == dl["id"]]
        assert occ["start"] < "2026-07-01" or dl["when"]["offset"].get("months", 0) >= 0
        return
    pytest.skip("no relative deadline in the data")
