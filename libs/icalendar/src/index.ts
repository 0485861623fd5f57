/**
 * @calbridge/icalendar — the one iCalendar codec (RFC 5545, with the iTIP methods of RFC 5546).
 * Pure functions, no I/O, no Nest module. Used by the feed (ical-feed), the CalDAV provider
 * (calendar-sync) and email invitations.
 *
 * Render (VEVENT and the VCALENDAR's properties through ical-generator, VTIMEZONEs from
 * timezones-ical-library, folding by `foldLines`; README, "The iCalendar codec", says why)
 * - `renderEvent(input: VEventInput): RenderedEvent` — one VEVENT as folded CRLF text plus the
 *   TZID it uses. Input: uid, sequence, stamp (DTSTAMP), created/lastModified, start/end (Dates),
 *   allDay (DATE values in `zone`), zone (IANA, aliases fine), utc (force UTC times), summary,
 *   description, location, url, status (CONFIRMED/TENTATIVE/CANCELLED), transparent,
 *   organizer `{ email, name }`, attendees `[{ email, name, partstat, rsvp, role }]`, properties
 *   (`[['X-FOO', 'value']]`, TEXT-escaped). Times are written in the zone's canonical TZID
 *   (`US/Eastern` → `America/New_York`), the UTC family as `…Z`.
 * - `renderCalendar(calendar: VCalendarInput, events): string` — a whole VCALENDAR with one
 *   VTIMEZONE per TZID the events use. `calendar`: prodId, method (`PUBLISH`/`REQUEST`/`CANCEL`/
 *   `REPLY`, or none for a plain calendar), name, description, refreshMinutes.
 *   For large calendars assembled from cached events: `calendarHead`, `vtimezoneBlocks`, `CALENDAR_END`.
 *
 *   An email invitation (RFC 6047): `renderCalendar({ prodId, method: 'REQUEST' }, [renderEvent({
 *   uid, sequence, stamp: new Date(), start, end, zone, summary, location, url, status: 'CONFIRMED',
 *   organizer: { email: MAIL_FROM, name: venueName }, attendees: [{ email: customer, name,
 *   partstat: 'NEEDS-ACTION', rsvp: false }] })])`; send it as `text/calendar; method=REQUEST`.
 *   An update is the same UID with a higher SEQUENCE; a cancellation is `method: 'CANCEL'` with
 *   `status: 'CANCELLED'` and a higher SEQUENCE than the last request.
 *
 * Parse and expand
 * - `interpretCalendarObject(ics, { window, zone, userAddresses, isOwn })` — reads one calendar
 *   object resource with ical.js and returns the intervals it blocks inside the window: RRULE/
 *   RDATE/EXDATE expansion with overridden instances, VTIMEZONEs or IANA TZIDs, floating times
 *   and all-day dates in `zone`, CANCELLED/TRANSPARENT/declined-by-the-user events skipped,
 *   `isOwn` events (the caller's own) reported as `ours` and never blocking.
 *
 * Text and zones
 * - `escapeText`, `paramValue`, `uriValue`, `foldLines`/`foldLine`, `unfold`, `utcDateTime`.
 * - `zoneForm(zone)` / `vtimezoneFor(zone)` — alias resolution and the VTIMEZONE (DST rules from
 *   timezones-ical-library) with its canonical TZID.
 */
export * from './text';
export * from './time-zones';
export * from './render';
export * from './interpret';
