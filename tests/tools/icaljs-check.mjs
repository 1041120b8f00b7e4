// Test tool: reads an .ics file with ical.js (Mozilla's parser, the one Thunderbird uses), as a third reader beside libical and vobject.
// usage: node icaljs-check.mjs ICALJS_DIR FILE.ics; prints one line per event: UID, SEQUENCE, start as UTC.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [dir, file] = process.argv.slice(2);
const ICAL = (await import(pathToFileURL(`${dir}/node_modules/ical.js/dist/ical.js`).href)).default;
const comp = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
for (const tz of comp.getAllSubcomponents("vtimezone"))
	ICAL.TimezoneService.register(tz);
let n = 0;
for (const vevent of comp.getAllSubcomponents("vevent")) {
	const ev = new ICAL.Event(vevent);
	const start = ev.startDate;
	if (!ev.uid || !start || !ev.summary)
		throw new Error("an event without UID, DTSTART or SUMMARY");
	const when = start.isDate ? start.toString() : start.toJSDate().toISOString();
	console.log(`${ev.uid} ${ev.sequence} ${when}`);
	n++;
}
if (!n)
	throw new Error("no event");
