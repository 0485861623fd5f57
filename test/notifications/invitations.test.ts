import { DateTime } from 'luxon';
import { assertWellFormed, contentLines, parseWithIcalJs, parseWithNodeIcal } from '../ical-feed/support/parse-calendar';
import { SmtpSink, ReceivedMail } from '../support/smtp-sink';
import { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';

const ZONE = 'America/New_York';

/** A day ahead at a wall-clock time in the venue's zone, as an instant. */
function local(days: number, time: string): DateTime {
  const [hour, minute] = time.split(':').map(Number);
  return DateTime.now().setZone(ZONE).startOf('day').plus({ days }).set({ hour, minute });
}

/** The invitation inside an email: the `text/calendar` alternative, its method parameter and text. */
function invitation(mail: ReceivedMail): { method: string; ics: string } {
  const part = mail.parsed.attachments.find((a) => a.contentType === 'text/calendar');
  if (!part) throw new Error(`no text/calendar part in "${mail.parsed.subject}"`);
  // The MIME header of the alternative part names the iTIP method (what Outlook and Gmail look at).
  const header = /^Content-Type:\s*text\/calendar;[^\r\n]*(?:\r\n[ \t][^\r\n]*)*/im.exec(mail.raw)?.[0] ?? '';
  const method = /method=([A-Za-z]+)/.exec(header)?.[1] ?? '';
  return { method: method.toUpperCase(), ics: part.content.toString('utf8') };
}

describe('email invitations (iTIP over SMTP)', () => {
  let smtp: SmtpSink;
  let system: TestSystem;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    system = await TestSystem.start({
      worker: true,
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Studio Bookings <bookings@studio.example>', MAIL_BACKOFF_BASE_MS: '50', OUTBOX_POLL_INTERVAL_MS: '100' },
    });
  });
  afterAll(async () => {
    await system?.stop();
    await smtp?.stop();
  });

  const admin = () => system.http(system.adminToken());
  const mailsTo = (address: string) => smtp.received.filter((m) => m.to.includes(address));
  const waitForMails = (address: string, count: number) =>
    waitFor(
      () => {
        const got = mailsTo(address);
        if (got.length < count) throw new Error(`${got.length} of ${count} emails so far`);
        return got;
      },
      { what: `${count} emails to ${address}` },
    );

  it('invites the customer on confirmation, updates on a move (same UID, higher SEQUENCE), cancels on cancel', async () => {
    const { venue, staff } = await system.factory.team(1, { timezone: ZONE });
    const other = await system.factory.customer({ firstName: 'Other', lastName: 'Person', email: 'other@example.com', venueId: venue.id });
    const customer = await system.factory.customer({ firstName: 'Sarah', lastName: 'Johnson', email: 'sarah@example.com', venueId: venue.id });
    await admin().patch(`/v1/customers/${customer.id}`, { phone: '+1 212 555 0199' });
    const start = local(3, '10:00');
    const job = await system.factory.job({
      venueId: venue.id,
      title: 'Colour',
      service: 'Balayage',
      customerId: customer.id,
      location: '12 Main St',
      status: 'pending',
      startsAt: start.toISO()!,
      endsAt: start.plus({ minutes: 90 }).toISO()!,
    });
    await system.factory.assign(job.id, staff[0].id);
    // Pending: nothing yet. Confirming sends the invitation.
    await admin().patch(`/v1/jobs/${job.id}`, { status: 'confirmed' }).expect(200);
    const [first] = await waitForMails('sarah@example.com', 1);

    expect(first.parsed.subject).toBe(`Confirmed: Balayage, ${start.toFormat('ccc d LLL yyyy, HH:mm')}–${start.plus({ minutes: 90 }).toFormat('HH:mm')} (${ZONE})`);
    expect(first.parsed.from?.value[0]).toMatchObject({ address: 'bookings@studio.example', name: 'Studio Bookings' });
    expect(first.parsed.text).toContain('Hello Sarah,');
    expect(first.parsed.text).toContain('Where: 12 Main St');
    expect(first.parsed.html).toContain('<strong>Balayage</strong>');
    const req = invitation(first);
    expect(req.method).toBe('REQUEST');
    assertWellFormed(req.ics);
    const lines = contentLines(req.ics);
    expect(lines).toContain('METHOD:REQUEST');
    expect(lines.find((l) => l.startsWith('ORGANIZER'))).toMatch(/:mailto:bookings@studio\.example$/i);
    const attendees = lines.filter((l) => l.startsWith('ATTENDEE'));
    expect(attendees).toHaveLength(1);
    expect(attendees[0]).toMatch(/mailto:sarah@example\.com$/i);
    expect(lines.some((l) => l.startsWith(`DTSTART;TZID=${ZONE}:`))).toBe(true);
    expect(lines).toContain('BEGIN:VTIMEZONE');
    // Nothing private: no phone, no other customer.
    expect(first.raw).not.toContain('555 0199');
    expect(first.raw).not.toContain('other@example.com');
    expect(first.raw).not.toContain(other.lastName);

    const icalJs = parseWithIcalJs(req.ics).events[0];
    const nodeIcal = [...parseWithNodeIcal(req.ics).values()][0];
    expect(icalJs.start.toISOString()).toBe(start.toUTC().toISO());
    expect(icalJs.end.toISOString()).toBe(start.plus({ minutes: 90 }).toUTC().toISO());
    expect(new Date(nodeIcal.start as unknown as Date).toISOString()).toBe(start.toUTC().toISO());
    expect(new Date(nodeIcal.end as unknown as Date).toISOString()).toBe(start.plus({ minutes: 90 }).toUTC().toISO());
    expect(icalJs.localStart).toBe(start.toFormat('yyyy-LL-dd HH:mm'));
    const uid = icalJs.uid;

    // Moved across a day: an update with the same UID and a higher SEQUENCE.
    const moved = local(4, '15:30');
    await admin().patch(`/v1/jobs/${job.id}`, { startsAt: moved.toISO(), endsAt: moved.plus({ hours: 1 }).toISO() }).expect(200);
    const [, second] = await waitForMails('sarah@example.com', 2);
    expect(second.parsed.subject).toMatch(/^Updated: Balayage/);
    const update = invitation(second);
    expect(update.method).toBe('REQUEST');
    const updated = parseWithIcalJs(update.ics).events[0];
    expect(updated.uid).toBe(uid);
    expect(updated.sequence).toBeGreaterThan(icalJs.sequence);
    expect(updated.start.toISOString()).toBe(moved.toUTC().toISO());
    expect(new Date([...parseWithNodeIcal(update.ics).values()][0].start as unknown as Date).toISOString()).toBe(moved.toUTC().toISO());

    // A change invitations do not show (an internal note, the same times) sends nothing.
    await admin().patch(`/v1/jobs/${job.id}`, { title: 'Colour (VIP)' }).expect(200);

    // Cancelled: METHOD:CANCEL, same UID, higher SEQUENCE again.
    await admin().patch(`/v1/jobs/${job.id}`, { status: 'cancelled' }).expect(200);
    const [, , third] = await waitForMails('sarah@example.com', 3);
    expect(third.parsed.subject).toMatch(/^Cancelled: Balayage/);
    const cancel = invitation(third);
    expect(cancel.method).toBe('CANCEL');
    expect(contentLines(cancel.ics)).toContain('METHOD:CANCEL');
    const cancelled = parseWithIcalJs(cancel.ics).events[0];
    expect(cancelled).toMatchObject({ uid, status: 'CANCELLED' });
    expect(cancelled.sequence).toBeGreaterThan(updated.sequence);
    expect([...parseWithNodeIcal(cancel.ics).values()][0].status).toBe('CANCELLED');

    // Once per change: every event of these changes was processed, no email came twice.
    await waitFor(async () => {
      const rows = await system.dataSource.query(`SELECT count(*)::int AS n FROM outbox_events WHERE relayed_at IS NULL`);
      expect(rows[0].n).toBe(0);
    });
    const emails = await system.dataSource.query(`SELECT method, sequence, status FROM email_messages WHERE job_id = $1 ORDER BY sequence`, [job.id]);
    expect(emails.map((e: { method: string }) => e.method)).toEqual(['REQUEST', 'REQUEST', 'CANCEL']);
    expect(mailsTo('sarah@example.com')).toHaveLength(3);
    expect(mailsTo(staff[0].email)).toHaveLength(0);
  });

  it('retries when the SMTP server fails, and still sends each change once', async () => {
    const { venue } = await system.factory.team(1, { timezone: ZONE });
    const customer = await system.factory.customer({ firstName: 'Retry', lastName: 'Me', email: 'retry@example.com', venueId: venue.id });
    smtp.rejectNext(3);
    const before = smtp.attempts;
    const start = local(5, '09:00');
    const job = await system.factory.job({ venueId: venue.id, customerId: customer.id, status: 'confirmed', startsAt: start.toISO()!, endsAt: start.plus({ hours: 1 }).toISO()! });
    const [mail] = await waitForMails('retry@example.com', 1);
    expect(invitation(mail).method).toBe('REQUEST');
    expect(smtp.attempts - before).toBeGreaterThanOrEqual(4);
    await waitFor(async () => {
      const [row] = await system.dataSource.query(`SELECT status, attempts FROM email_messages WHERE job_id = $1`, [job.id]);
      expect(row).toEqual({ status: 'sent', attempts: 4 });
    });
    expect(mailsTo('retry@example.com')).toHaveLength(1);
  });

  it('follows the venue switch and the staff opt-in; staff see "Sarah J.", never the contact details', async () => {
    const { venue, staff } = await system.factory.team(2, { timezone: ZONE });
    const [optedIn, notOptedIn] = staff;
    await system.http(system.staffToken(optedIn.id)).put(`/v1/staff/${optedIn.id}/notifications`, { emailInvitations: true }).expect(200);
    expect((await system.http(system.staffToken(optedIn.id)).get(`/v1/staff/${optedIn.id}/notifications`).expect(200)).body).toEqual({
      staffId: optedIn.id,
      emailInvitations: true,
    });
    await system.http(system.staffToken(notOptedIn.id)).put(`/v1/staff/${optedIn.id}/notifications`, { emailInvitations: false }).expect(403);
    await system.http(system.dispatcherToken(venue.id)).put(`/v1/staff/${optedIn.id}/notifications`, { emailInvitations: false }).expect(403);
    await system.http(system.staffToken(optedIn.id)).put(`/v1/staff/${optedIn.id}/notifications`, { emailInvitations: 'yes' }).expect(400);

    const customer = await system.factory.customer({ firstName: 'Sarah', lastName: 'Jones', email: 'sarah.jones@example.com', venueId: venue.id });
    const start = local(6, '11:00');
    const job = await system.factory.job({ venueId: venue.id, title: 'Fade', customerId: customer.id, status: 'confirmed', startsAt: start.toISO()!, endsAt: start.plus({ hours: 1 }).toISO()! });
    await system.factory.assign(job.id, optedIn.id);
    const second = await system.factory.job({ venueId: venue.id, title: 'Trim', status: 'confirmed', startsAt: local(6, '14:00').toISO()!, endsAt: local(6, '15:00').toISO()! });
    await system.factory.assign(second.id, notOptedIn.id);

    const [staffMail] = await waitForMails(optedIn.email, 1);
    expect(staffMail.parsed.text).toContain('Client: Sarah J.');
    expect(staffMail.raw).not.toContain('sarah.jones@example.com');
    expect(staffMail.raw).not.toContain('Jones');
    const staffIcs = invitation(staffMail).ics;
    expect(contentLines(staffIcs).filter((l) => l.startsWith('ATTENDEE'))).toEqual([expect.stringMatching(new RegExp(`mailto:${optedIn.email}$`, 'i'))]);
    await waitForMails('sarah.jones@example.com', 1);

    // Unassigned: the staff member's invitation is withdrawn.
    await admin().delete(`/v1/jobs/${job.id}/assignments/${optedIn.id}`).expect(204);
    const [, withdrawn] = await waitForMails(optedIn.email, 2);
    expect(invitation(withdrawn).method).toBe('CANCEL');

    // The venue switched off: no more emails from it.
    await system.http(system.dispatcherToken(venue.id)).put(`/v1/venues/${venue.id}/notifications`, { emailInvitations: false }).expect(200);
    expect((await admin().get(`/v1/venues/${venue.id}/notifications`).expect(200)).body).toEqual({ venueId: venue.id, emailInvitations: false });
    const quiet = await system.factory.customer({ firstName: 'Quiet', lastName: 'One', email: 'quiet@example.com', venueId: venue.id });
    const silent = await system.factory.job({ venueId: venue.id, customerId: quiet.id, status: 'confirmed', startsAt: local(7, '10:00').toISO()!, endsAt: local(7, '11:00').toISO()! });
    await waitFor(async () => {
      const rows = await system.dataSource.query(`SELECT count(*)::int AS n FROM outbox_events WHERE aggregate_id = $1 AND relayed_at IS NOT NULL`, [silent.id]);
      expect(rows[0].n).toBeGreaterThan(0);
    });
    await waitFor(async () => expect(await system.dataSource.query(`SELECT 1 FROM email_messages WHERE status = 'pending'`)).toEqual([]));
    expect(mailsTo('quiet@example.com')).toHaveLength(0);
    expect(mailsTo(notOptedIn.email)).toHaveLength(0);
  });
});
