/** Characters iCalendar TEXT may not carry (C0 controls but tab and newline, and DEL). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Plain text safe for a calendar property: newlines normalised, control characters removed. */
export function cleanText(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

/** One line, trimmed, inner whitespace collapsed. */
export function oneLine(value: string): string {
  return cleanText(value).replace(/\s+/g, ' ').trim();
}

/**
 * A client as calendars may show them — the iCal feed and pushed events alike, and only when the
 * staff member opted in: first name and the initial of the last name ("Sarah J."), never more. Accepts the full last name or just its initial; returns null when there is
 * nothing to show. Long first names are cut (a calendar is no place for a whole record).
 */
export function redactedClientName(firstName: string | null | undefined, lastName: string | null | undefined): string | null {
  const first = Array.from(oneLine(firstName ?? '')).slice(0, 40).join('');
  const initial = Array.from(oneLine(lastName ?? '').replace(/^[^\p{L}\p{N}]+/u, ''))[0];
  if (!first && !initial) return null;
  if (!initial) return first;
  const letter = initial.toLocaleUpperCase();
  return first ? `${first} ${letter}.` : `${letter}.`;
}
