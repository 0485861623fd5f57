import { execFile } from 'node:child_process';
import { join } from 'node:path';
import ICAL from 'ical.js';
import * as nodeIcal from 'node-ical';

export interface ParsedEvent {
  uid: string;
  summary: string;
  description: string;
  status: string | null;
  sequence: number;
  allDay: boolean;
  /** The instant (UTC) the event starts and ends, as the parser computed it. */
  start: Date;
  end: Date;
  /** Wall clock in the event's own zone (ical.js): `2026-03-29 10:00`, or the date for all-day events. */
  localStart: string;
  localEnd: string;
  tzid: string | null;
}

/**
 * Parses a calendar with ical.js (Thunderbird's parser; throws on malformed input), registering
 * every VTIMEZONE first as ical.js requires, and returns the events as it understands them.
 */
export function parseWithIcalJs(text: string): { calendar: ICAL.Component; events: ParsedEvent[] } {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const registered: string[] = [];
  for (const vtz of calendar.getAllSubcomponents('vtimezone')) {
    const tzid = String(vtz.getFirstPropertyValue('tzid'));
    ICAL.TimezoneService.register(vtz);
    registered.push(tzid);
  }
  try {
    const events = calendar.getAllSubcomponents('vevent').map((vevent) => {
      const event = new ICAL.Event(vevent);
      const fmt = (t: ICAL.Time) =>
        t.isDate
          ? `${t.year}-${pad(t.month)}-${pad(t.day)}`
          : `${t.year}-${pad(t.month)}-${pad(t.day)} ${pad(t.hour)}:${pad(t.minute)}`;
      const tz = event.startDate.zone?.tzid;
      return {
        uid: event.uid,
        summary: event.summary,
        description: event.description,
        status: (vevent.getFirstPropertyValue('status') as string | null) ?? null,
        sequence: event.sequence,
        allDay: event.startDate.isDate,
        start: event.startDate.toJSDate(),
        end: event.endDate.toJSDate(),
        localStart: fmt(event.startDate),
        localEnd: fmt(event.endDate),
        tzid: tz && tz !== 'floating' ? tz : null,
      };
    });
    return { calendar, events };
  } finally {
    for (const tzid of registered) ICAL.TimezoneService.remove(tzid);
  }
}

/** node-ical's view: VEVENTs by UID with start/end Dates (all-day dates at local midnight of this process). */
export function parseWithNodeIcal(text: string): Map<string, nodeIcal.VEvent> {
  const parsed = nodeIcal.sync.parseICS(text);
  const events = new Map<string, nodeIcal.VEvent>();
  for (const item of Object.values(parsed)) {
    if (item && item.type === 'VEVENT') events.set(item.uid, item);
  }
  return events;
}

/** Structural rules of RFC 5545 every feed must follow (CRLF lines of at most 75 octets, balanced components). */
export function assertWellFormed(text: string): void {
  if (!text.endsWith('\r\n')) throw new Error('The calendar does not end with CRLF');
  const lines = text.slice(0, -2).split('\r\n');
  const stack: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.includes('\n') || line.includes('\r')) throw new Error(`Line ${i + 1} contains a bare CR or LF`);
    if (Buffer.byteLength(line) > 75) throw new Error(`Line ${i + 1} is longer than 75 octets: ${line}`);
    if (line.startsWith('BEGIN:')) stack.push(line.slice(6));
    if (line.startsWith('END:') && stack.pop() !== line.slice(4)) throw new Error(`Unbalanced ${line} at line ${i + 1}`);
  }
  if (stack.length) throw new Error(`Unclosed components: ${stack.join(', ')}`);
}

/** Unfolded content lines. */
export function contentLines(text: string): string[] {
  return text.replace(/\r\n[ \t]/g, '').split('\r\n').filter(Boolean);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export interface LibicalView {
  /** X-LIC-ERRORs libical attached while parsing and checking RFC 5545 / RFC 5546 restrictions. */
  errors: string[];
  events: Array<{
    uid: string;
    summary: string;
    tzid: string | null;
    start: { utc?: number; date?: string; error?: string };
    end: { utc?: number; date?: string; error?: string } | null;
  }>;
}

/**
 * libical's view (the C library of Evolution and other clients), through its GObject bindings
 * (Debian gir1.2-ical-3.0 + python3-gi) in a child process: see libical-read.py.
 */
export async function parseWithLibical(text: string): Promise<LibicalView> {
  const script = join(__dirname, 'libical-read.py');
  return new Promise((resolve, reject) => {
    const child = execFile('/usr/bin/python3', [script], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`libical-read.py failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as LibicalView);
    });
    child.stdin!.end(text);
  });
}
