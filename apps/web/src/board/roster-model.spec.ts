import type { BlockedSlot, Conflict, Job } from '../lib/types';
import { buildLanes } from './board-model';
import { buildRoster, shiftDays, wallClock, weekDays } from './roster-model';

const ZONE = 'Europe/Berlin';
const job = (over: Partial<Job> & { id: string; startsAt: string; endsAt: string }): Job => ({
  venueId: 'v',
  title: over.id,
  service: null,
  customer: null,
  location: null,
  remote: null,
  allDay: false,
  timezone: ZONE,
  status: 'confirmed',
  version: 1,
  assignments: [],
  ...over,
});

describe('the week roster', () => {
  const days = weekDays('2026-03-23T00:00:00+01:00', ZONE);
  const lanes = buildLanes(
    [
      { id: 'm', name: 'Maria', email: '', venueIds: [] },
      { id: 'j', name: 'Jonas', email: '', venueIds: [] },
    ],
    [{ staffId: 'm', status: 'needs_reauth', accountEmail: 'm@example.com', lastError: 'token revoked' }],
  );

  it('has the seven days of the venue week (across the DST switch)', () => {
    expect(days).toEqual(['2026-03-23', '2026-03-24', '2026-03-25', '2026-03-26', '2026-03-27', '2026-03-28', '2026-03-29']);
  });

  it('puts jobs in their people’s lanes (or unassigned) on their venue day, Busy without private text, conflicts on both sides', () => {
    const jobs = [
      job({ id: 'a', startsAt: '2026-03-23T10:00:00+01:00', endsAt: '2026-03-23T11:00:00+01:00', assignments: [{ staffId: 'm', role: 'lead', assignedAt: '' }] }),
      // 22:30 UTC on Sunday the 29th is 00:30 on Monday the 30th in Berlin (summer time): outside the week.
      job({ id: 'b', startsAt: '2026-03-29T22:30:00Z', endsAt: '2026-03-29T23:00:00Z' }),
      // Given in UTC: Sunday 29 March 09:00 UTC is 11:00 Berlin summer time.
      job({ id: 'c', timezone: 'UTC', startsAt: '2026-03-29T09:00:00Z', endsAt: '2026-03-29T10:00:00Z', status: 'pending' }),
    ];
    const slots: BlockedSlot[] = [
      { id: 's1', staffId: 'm', startsAt: '2026-03-23T09:30:00Z', endsAt: '2026-03-23T11:00:00Z', allDay: false, source: 'external', reason: 'Therapy' },
      { id: 's2', staffId: 'j', startsAt: '2026-03-24T08:00:00+01:00', endsAt: '2026-03-24T09:00:00+01:00', allDay: false, source: 'manual', reason: 'Errand' },
    ];
    const conflicts = [{ id: 'c1', status: 'open', job: { id: 'a' }, blockedSlot: { id: 's1' } }] as unknown as Conflict[];
    const rows = buildRoster(lanes, jobs, slots, conflicts, ZONE, days);
    expect(rows.map((r) => r.lane.name)).toEqual(['Unassigned', 'Jonas', 'Maria']);
    const maria = rows[2];
    expect(maria.lane.health).toBe('needs_reauth');
    expect(maria.days[0].map((i) => [i.kind, i.time, i.text, i.conflict])).toEqual([
      ['job', '10:00–11:00', 'a', true],
      ['slot', '10:30–12:00', 'Busy', true],
    ]);
    expect(rows[1].days[1].map((i) => i.text)).toEqual(['Busy · Errand']);
    const unassigned = rows[0];
    expect(unassigned.days[6].map((i) => [i.id, i.time, i.status])).toEqual([['c', '11:00–12:00', 'pending']]);
    expect(unassigned.days.flat().some((i) => i.id === 'b')).toBe(false);
  });

  it('keeps unchanged rows (one live change redraws one lane)', () => {
    const jobs = [
      job({ id: 'a', startsAt: '2026-03-23T10:00:00+01:00', endsAt: '2026-03-23T11:00:00+01:00', assignments: [{ staffId: 'm', role: 'lead', assignedAt: '' }] }),
    ];
    const first = buildRoster(lanes, jobs, [], [], ZONE, days);
    const slot: BlockedSlot = { id: 's', staffId: 'j', startsAt: '2026-03-25T08:00:00Z', endsAt: '2026-03-25T09:00:00Z', allDay: false, source: 'external', reason: null };
    const second = buildRoster(lanes, jobs, [slot], [], ZONE, days, first);
    expect(second[0]).toBe(first[0]);
    expect(second[2]).toBe(first[2]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[1].days[2].map((i) => i.text)).toEqual(['Busy']);
  });

  it('reads the wall clock in the venue zone whatever offset the instant is written with, across DST and half-hour zones', () => {
    expect(wallClock('2026-03-29T10:00:00.000+02:00', ZONE)).toBe('2026-03-29T10:00');
    expect(wallClock('2026-03-29T08:00:00Z', ZONE)).toBe('2026-03-29T10:00');
    expect(wallClock('2026-03-29T00:59:00Z', ZONE)).toBe('2026-03-29T01:59');
    expect(wallClock('2026-03-29T01:00:00Z', ZONE)).toBe('2026-03-29T03:00');
    expect(wallClock('2026-04-04T15:30:00Z', 'Australia/Lord_Howe')).toBe('2026-04-05T02:00');
    expect(wallClock('2026-04-04T14:59:00Z', 'Australia/Lord_Howe')).toBe('2026-04-05T01:59');
  });

  it('moves by whole days keeping the wall clock across DST', () => {
    expect(shiftDays('2026-03-28T10:00:00+01:00', 1, ZONE)).toBe('2026-03-29T10:00:00+02:00');
    expect(shiftDays('2026-03-29T10:00:00+02:00', -2, ZONE)).toBe('2026-03-27T10:00:00+01:00');
  });
});
