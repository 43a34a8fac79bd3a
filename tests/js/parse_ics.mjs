// Parse .ics files with Mozilla's ical.js (the parser Thunderbird uses) and print what a
// calendar client would see, as JSON: one object per file with its events.
// Usage: node parse_ics.mjs FILE...
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const out = {};
for (const file of process.argv.slice(2)) {
  const root = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
  for (const vtz of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(vtz);
  }
  const events = root.getAllSubcomponents("vevent").map((vevent) => {
    const ev = new ICAL.Event(vevent);
    const when = (t) => t === null ? null : (t.isDate ? t.toString() : t.toUnixTime());
    return {
      uid: ev.uid,
      summary: ev.summary,
      sequence: ev.sequence,
      isDate: ev.startDate.isDate,
      start: when(ev.startDate),
      end: vevent.hasProperty("dtend") ? when(ev.endDate) : null,
      tzid: ev.startDate.isDate ? null : ev.startDate.zone.tzid,
      categories: vevent.getAllProperties("categories").flatMap((p) => p.getValues()),
      url: vevent.getFirstPropertyValue("url"),
    };
  });
  out[file] = {
    name: root.getFirstPropertyValue("x-wr-calname"),
    refresh: String(root.getFirstPropertyValue("refresh-interval")),
    events,
  };
}
process.stdout.write(JSON.stringify(out));
