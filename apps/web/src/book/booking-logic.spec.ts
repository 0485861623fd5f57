import {
  bookingBody, calendarFileUrl, durationLabel, groupByVenueDay, manageTokenFromHash, manageTokenFromUrl, slotLabel,
  validateDetails, venueIdFromPath, venueWeek, whenForVisitor, whenInVenue,
} from './booking-logic';

const VENUE = '3f0c8a1e-59a4-4b55-9d3e-0b7b8c1d2e3f';

describe('booking page logic', () => {
  it('reads the venue from the path and the manage token from the fragment only', () => {
    expect(venueIdFromPath(`/book/${VENUE}`)).toBe(VENUE);
    expect(venueIdFromPath(`/book/${VENUE.toUpperCase()}/`)).toBe(VENUE);
    expect(venueIdFromPath('/book/not-a-venue')).toBeNull();
    expect(venueIdFromPath(`/book/${VENUE}/../x`)).toBeNull();
    const token = 'AbC_-0123456789abcdefXYZ';
    expect(manageTokenFromHash(`#manage=${token}`)).toBe(token);
    expect(manageTokenFromHash('#manage=short')).toBeNull();
    expect(manageTokenFromHash('#manage=<script>alert(1)</script>aaaaaaaaaaaa')).toBeNull();
    expect(manageTokenFromUrl(`https://book.example/book/${VENUE}#manage=${token}`)).toBe(token);
    expect(manageTokenFromUrl(`https://book.example/book/${VENUE}`)).toBeNull();
    expect(calendarFileUrl(token)).toBe(`/public/bookings/${token}/calendar.ics`);
  });

  it('groups slots by the venue’s calendar day, not the visitor’s, and keeps empty days', () => {
    // 23:30 in Berlin on Monday is already Tuesday in UTC.
    const slots = [
      { startsAt: '2026-12-07T09:00:00+01:00', endsAt: '2026-12-07T09:30:00+01:00' },
      { startsAt: '2026-12-07T22:30:00Z', endsAt: '2026-12-07T23:00:00Z' },
      { startsAt: '2026-12-09T10:00:00+01:00', endsAt: '2026-12-09T10:30:00+01:00' },
    ];
    const days = groupByVenueDay(slots, 'Europe/Berlin', '2026-12-07T00:00:00+01:00', 7);
    expect(days.map((d) => d.date)).toEqual(['2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10', '2026-12-11', '2026-12-12', '2026-12-13']);
    expect(days.map((d) => d.slots.length)).toEqual([2, 0, 1, 0, 0, 0, 0]);
  });

  it('asks for whole venue days across a DST switch (a 23-hour day in March)', () => {
    const w = venueWeek('Europe/Berlin', 0, 7, new Date('2027-03-26T12:00:00Z'));
    expect(w.from).toBe('2027-03-26T00:00:00.000+01:00');
    expect(w.to).toBe('2027-04-02T00:00:00.000+02:00');
  });

  it('labels times in the venue’s zone and adds the visitor’s clock only when it differs', () => {
    const slot = { startsAt: '2026-12-07T16:30:00-05:00', endsAt: '2026-12-07T17:00:00-05:00' };
    expect(slotLabel(slot, 'America/New_York', 'America/New_York')).toEqual({ venue: '16:30', visitor: null });
    expect(slotLabel(slot, 'America/New_York', 'US/Eastern')).toEqual({ venue: '16:30', visitor: null });
    expect(slotLabel(slot, 'America/New_York', 'Europe/Berlin')).toEqual({ venue: '16:30', visitor: '22:30 your time' });
    expect(slotLabel({ startsAt: '2026-12-07T20:00:00-05:00', endsAt: '2026-12-07T20:30:00-05:00' }, 'America/New_York', 'Europe/Berlin'))
      .toEqual({ venue: '20:00', visitor: '02:00 Tue your time' });
    expect(whenInVenue(slot.startsAt, slot.endsAt, 'America/New_York')).toBe('Monday 7 December, 16:30–17:00 (New York time, EST)');
    expect(whenForVisitor(slot.startsAt, slot.endsAt, 'America/New_York', 'Europe/Berlin')).toBe('Monday 7 December, 22:30–23:00 your time (Berlin)');
    expect(whenForVisitor(slot.startsAt, slot.endsAt, 'America/New_York', 'America/New_York')).toBeNull();
  });

  it('checks the details a person typed and says what to fix', () => {
    expect(validateDetails({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '' })).toEqual({});
    const bad = validateDetails({ firstName: ' ', lastName: 'x'.repeat(101), email: 'ada@', phone: 'call me' });
    expect(Object.keys(bad).sort()).toEqual(['email', 'firstName', 'lastName', 'phone']);
    expect(bad.email).toMatch(/email address/);
    expect(validateDetails({ firstName: 'A', lastName: 'B', email: '', phone: '+49 30 1234567' })).toEqual({ email: expect.stringMatching(/enter your email/) });
  });

  it('sends trimmed details and leaves an empty phone out', () => {
    expect(bookingBody('s1', '2026-12-07T10:00:00+01:00', { firstName: ' Ada ', lastName: 'Lovelace ', email: ' ada@example.com', phone: ' ' })).toEqual({
      serviceId: 's1',
      startsAt: '2026-12-07T10:00:00+01:00',
      customer: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
    });
    expect(durationLabel(30)).toBe('30 min');
    expect(durationLabel(75)).toBe('1 h 15 min');
    expect(durationLabel(120)).toBe('2 h');
  });
});
