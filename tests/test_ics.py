"""Calendar feeds: valid in two independent parsers, exact times, stable UIDs."""
from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import icalendar
import pytest
import yaml

from generator.render.ics import feeds, occurrences, render_calendars
from generator.validate import load_catalog

from .tree import make_tree

REPO = Path(__file__).resolve().parent.parent
SITE = "https://inkoopwijzer.test/"

DST_POLICY = """title: Testbeleid zomertijd
family: paramedische-zorg
care_types: [fysiotherapie, logopedie]
contract_years: [2026]
period: {start: 2026, end: 2026}
published: 2025-03-01
provenance: insurer
completeness: full
sources: [acme-fysiotherapie-2026]
cite: {section: Planning}
contracts:
  - {id: logo, name: Logopedie, kind: contract, care_types: [logopedie], cite: {section: Logopedie}}
deadlines:
"""
# (id, date, time): around the last Sundays of March and October 2025.
DST_CASES = [
    ("voor-zomertijd", "2025-03-29", "17:00"),
    ("zomertijd-begint", "2025-03-30", "17:00"),
    ("nacht-zomertijd", "2025-03-30", "01:30"),
    ("voor-wintertijd", "2025-10-25", "17:00"),
    ("wintertijd-begint", "2025-10-26", "17:00"),
    ("ochtend-wintertijd", "2025-10-26", "09:00"),
    ("hele-dag", "2025-10-26", None),
]
UTC_OFFSET = {"2025-03-29": 1, "2025-03-30": 2, "2025-10-25": 2, "2025-10-26": 1}


def dst_tree(tmp_path: Path) -> Path:
    policies = make_tree(tmp_path)
    text = DST_POLICY
    for did, day, hhmm in DST_CASES:
        when = f"{{kind: date, date: {day}" + (f', time: "{hhmm}"' if hhmm else "") + "}"
        text += (f"  - {{id: {did}, action: Test {did}, actor: provider, channel: [email], "
                 f"audience: [contracted], contract_year: 2026, when: {when}, applies_to: [logo], "
                 f"cite: {{section: Planning}}}}\n")
    (policies / "acme" / "zomertijd-2026.yaml").write_text(text, encoding="utf-8")
    return policies


def catalog_of(policies: Path):
    cat, problems = load_catalog(policies)
    assert cat is not None, "\n".join(map(str, problems))
    return cat


def expected_event_count(cat) -> int:
    n = 0
    for rec in cat.policies.values():
        for dl in rec.policy.deadlines:
            n += 2 if dl.when.kind == "range" and dl.when.end is not None else 1
    return n


@pytest.fixture()
def dst_catalog(tmp_path: Path):
    return catalog_of(dst_tree(tmp_path))


def icaljs(paths: list[Path]) -> dict:
    node = shutil.which("node")
    assert node, "Node.js is required for the ical.js parser test"
    if not (REPO / "node_modules" / "ical.js").is_dir():
        pytest.fail("npm package ical.js missing: run ./dev.sh test (it runs npm ci)")
    proc = subprocess.run([node, str(REPO / "tests" / "js" / "parse_ics.mjs"), *map(str, paths)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def write(files: dict[str, bytes], root: Path) -> list[Path]:
    out = []
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        out.append(path)
    return out


def test_every_feed_parses_in_icalendar_and_icaljs_with_the_same_events(dst_catalog, tmp_path: Path):
    files = render_calendars(dst_catalog, SITE)
    paths = write(files, tmp_path / "out")
    parsed = icaljs(paths)
    assert len(parsed) == len(paths)
    for path in paths:
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        py_uids = [str(ev["UID"]) for ev in cal.walk("VEVENT")]
        js_uids = [ev["uid"] for ev in parsed[str(path)]["events"]]
        assert py_uids == js_uids, path
        assert py_uids, f"{path} is an empty feed"
        assert parsed[str(path)]["refresh"] == "PT12H"
        assert str(cal["X-WR-CALNAME"]).startswith("Inkoopwijzer")


def test_event_count_equals_deadlines_with_ranges_as_opening_and_closing(dst_catalog):
    all_feed = feeds(dst_catalog, SITE)[0]
    assert all_feed.path == "agenda/alle.ics"
    assert len(all_feed.occurrences) == expected_event_count(dst_catalog)
    cal = icalendar.Calendar.from_ical(render_calendars(dst_catalog, SITE)["agenda/alle.ics"])
    assert len(list(cal.walk("VEVENT"))) == expected_event_count(dst_catalog)


def test_local_times_round_trip_exactly_around_daylight_saving_changes(dst_catalog, tmp_path: Path):
    files = render_calendars(dst_catalog, SITE)
    path = write({"f.ics": files["agenda/acme/logopedie.ics"]}, tmp_path)[0]
    js_events = {ev["uid"]: ev for ev in icaljs([path])[str(path)]["events"]}
    py_events = {str(ev["UID"]): ev for ev in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")}
    for did, day, hhmm in DST_CASES:
        uid = f"acme/zomertijd-2026/{did}@inkoopwijzer"
        js, py = js_events[uid], py_events[uid]
        start = py["DTSTART"].dt
        if hhmm is None:
            assert js["isDate"] and js["start"] == day and js["end"] == str(date.fromisoformat(day) + timedelta(days=1))
            assert start == date.fromisoformat(day) and py["DTEND"].dt == date.fromisoformat(day) + timedelta(days=1)
            continue
        local = datetime.fromisoformat(f"{day}T{hhmm}")
        assert (start.replace(tzinfo=None), str(start.tzinfo)) == (local, "Europe/Amsterdam")
        hours = UTC_OFFSET[day] if not (did == "nacht-zomertijd") else 1  # 01:30 is before the switch
        expected_utc = local.replace(tzinfo=timezone(timedelta(hours=hours))).timestamp()
        assert js["start"] == expected_utc, (did, js["start"], expected_utc)
        assert js["tzid"] == "Europe/Amsterdam"
        assert start.timestamp() == expected_utc


def test_vtimezone_uses_yearly_rules_not_rdate_lists(dst_catalog):
    text = render_calendars(dst_catalog, SITE)["agenda/alle.ics"].decode()
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text
    assert "RDATE" not in text


def test_all_day_events_have_exclusive_dtend_and_timed_events_a_tzid(dst_catalog):
    text = render_calendars(dst_catalog, SITE)["agenda/acme/logopedie.ics"].decode()
    assert "DTSTART;VALUE=DATE:20251026\r\nDTEND;VALUE=DATE:20251027" in text
    assert "DTSTART;TZID=Europe/Amsterdam:20251026T170000" in text


def test_rebuilds_and_reordered_files_give_identical_feeds(tmp_path: Path):
    policies = dst_tree(tmp_path)
    before = render_calendars(catalog_of(policies), SITE)
    assert render_calendars(catalog_of(policies), SITE) == before
    # reverse the deadline order inside a file and rename files: same UIDs, same bytes
    path = policies / "acme" / "fysiotherapie-2026.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    original = path.read_text(encoding="utf-8")
    start = original.index("deadlines:")
    end = original.index("changes:")
    blocks = original[start + len("deadlines:\n"):end].split("  - id: ")[1:]
    reordered = original[:start] + "deadlines:\n" + "".join("  - id: " + b for b in reversed(blocks)) + original[end:]
    assert reordered != original and len(blocks) == len(data["deadlines"])
    path.write_text(reordered, encoding="utf-8")
    assert render_calendars(catalog_of(policies), SITE) == before


def test_stamps_come_from_the_data_not_the_clock(dst_catalog):
    stamps = {o.stamp for o in occurrences(dst_catalog, SITE)}
    assert stamps <= {datetime(2025, 3, 1, tzinfo=timezone.utc), datetime(2025, 4, 1, tzinfo=timezone.utc),
                      datetime(2025, 10, 1, tzinfo=timezone.utc)}


def test_an_amended_deadline_keeps_its_uid_and_its_sequence_rises(tmp_path: Path):
    policies = make_tree(tmp_path)
    path = policies / "acme" / "fysiotherapie-2026.yaml"
    amended = catalog_of(policies)
    text = path.read_text(encoding="utf-8")
    original = text.replace(
        '    when: {kind: date, date: 2025-11-10, time: "17:00", bound: by}\n'
        '    amended_by: uitstel-ondertekening\n'
        '    previous: [{kind: date, date: 2025-11-03, time: "17:00", bound: by}]\n',
        '    when: {kind: date, date: 2025-11-03, time: "17:00", bound: by}\n')
    assert original != text
    path.write_text(original, encoding="utf-8")
    before = catalog_of(policies)

    def event(cat):
        return next(o for o in occurrences(cat, SITE) if o.uid == "acme/fysiotherapie-2026/ondertekenen@inkoopwijzer")

    old, new = event(before), event(amended)
    assert (old.sequence, new.sequence) == (0, 1)
    assert old.start.date() == date(2025, 11, 3) and new.start.date() == date(2025, 11, 10)
    assert new.stamp > old.stamp  # DTSTAMP follows the amendment date


@pytest.mark.parametrize("bad", ["\r", "\n", "\r\r\n"])
def test_a_calendar_with_a_bare_line_break_inside_a_line_is_never_published(catalog, monkeypatch, bad):
    """The last guard before a feed is written: whatever the writer above it did, a CR or LF
    that does not end a line (a line an attacker could inject) stops the build."""
    from generator.engine import ical
    from generator.render import ics

    good = ical.calendar("x", "y", [], refresh=ics.REFRESH)
    assert ics.calendar("x", "y", [], catalog).decode("utf-8") == good
    monkeypatch.setattr(ical, "calendar", lambda *a, **k: good.replace("METHOD:PUBLISH", f"METHOD:PUBLISH{bad}X"))
    with pytest.raises(RuntimeError, match="bare CR or LF"):
        ics.calendar("x", "y", [], catalog)
