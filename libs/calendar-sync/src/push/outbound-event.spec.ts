import { readEventResource, renderEventResource } from '../providers/caldav/event-resource';
import type { JobSnapshot } from '@calbridge/scheduling';
import { connectionKeyPrefix, eventKey, isEventKey } from '../providers/event-key';
import { buildOutboundEvent, contentHash, OutboundPolicy } from './outbound-event';

const job = (over: Partial<JobSnapshot> = {}): JobSnapshot => ({
  id: '7d0c8f8e-7d0a-4a53-9d43-0b6a7d1f7c11',
  title: 'Colour and cut',
  service: 'Hair',
  location: 'Salon 1',
  remoteUrl: null,
  remoteDetails: null,
  remoteProvider: null,
  meetingStatus: null,
  meetingRequest: null,
  startsAt: new Date('2026-03-30T08:00:00Z'),
  endsAt: new Date('2026-03-30T09:00:00Z'),
  allDay: false,
  status: 'confirmed',
  version: 3,
  timezone: 'Europe/Berlin',
  customer: { firstName: 'Sarah', lastName: 'Johnson' },
  staffIds: ['s1'],
  ...over,
});
const policy = (over: Partial<OutboundPolicy> = {}): OutboundPolicy => ({
  cancelled: 'remove',
  includeClientNames: false,
  platformJobUrl: 'https://platform.example/jobs/{jobId}',
  notBefore: new Date('2026-01-01T00:00:00Z'),
  ...over,
});
const target = { connectionId: 'c0ffee00-0000-4000-8000-000000000001', staffId: 's1' };

describe('buildOutboundEvent', () => {
  it('leaves client names out by default and redacts them to "First L." when on', () => {
    const off = buildOutboundEvent(job(), target, policy())!;
    expect(off.description).not.toMatch(/Sarah|Johnson/);
    const on = buildOutboundEvent(job(), target, policy({ includeClientNames: true }))!;
    expect(on.description).toContain('Client: Sarah J.');
    expect(on.description).not.toContain('Johnson');
    const ana = buildOutboundEvent(job({ customer: { firstName: ' Ana ', lastName: 'de la Cruz' } }), target, policy({ includeClientNames: true }))!;
    expect(ana.description).toContain('Client: Ana D.');
  });

  it('maps statuses and applies the cancelled policy', () => {
    expect(buildOutboundEvent(job({ status: 'pending' }), target, policy())!.status).toBe('tentative');
    expect(buildOutboundEvent(job({ status: 'arrived' }), target, policy())!.status).toBe('confirmed');
    expect(buildOutboundEvent(job({ status: 'cancelled' }), target, policy())).toBeNull();
    expect(buildOutboundEvent(job({ status: 'no_show' }), target, policy({ cancelled: 'mark' }))!.status).toBe('cancelled');
  });

  it('shows nothing for jobs not assigned to the staff member or long over', () => {
    expect(buildOutboundEvent(job({ staffIds: ['s2'] }), target, policy())).toBeNull();
    expect(buildOutboundEvent(null, target, policy())).toBeNull();
    expect(buildOutboundEvent(job(), target, policy({ notBefore: new Date('2026-04-01T00:00:00Z') }))).toBeNull();
  });

  it('hashes content, not versions: a bump without a visible change needs no write', () => {
    const a = buildOutboundEvent(job(), target, policy())!;
    const b = buildOutboundEvent(job({ version: 4 }), target, policy())!;
    const moved = buildOutboundEvent(job({ startsAt: new Date('2026-03-30T08:30:00Z') }), target, policy())!;
    expect(b.contentHash).toBe(a.contentHash);
    expect(b.sequence).toBe(4);
    expect(moved.contentHash).not.toBe(a.contentHash);
    const { sequence: _s, contentHash: hash, ...content } = a;
    expect(contentHash(content)).toBe(hash);
  });

  it('derives deterministic base32hex keys that name the connection', () => {
    const key = eventKey(target.connectionId, job().id);
    expect(key).toBe(eventKey(target.connectionId, job().id));
    expect(key).toMatch(/^[0-9a-v]{34}$/);
    expect(key.startsWith(connectionKeyPrefix(target.connectionId))).toBe(true);
    expect(eventKey('c0ffee00-0000-4000-8000-000000000002', job().id)).not.toBe(key);
    expect(isEventKey(key)).toBe(true);
    expect([null, undefined, '', 'cb', `${key}x`, key.toUpperCase(), 'calbridge-job-7-v1'].map(isEventKey)).toEqual([false, false, false, false, false, false, false]);
  });
});

describe('renderEventResource (CalDAV)', () => {
  it('renders the venue zone with a VTIMEZONE, the markers, and is recognised as ours', () => {
    const event = buildOutboundEvent(job({ title: 'Cut; colour, wash\nand dry' }), target, policy())!;
    const ics = renderEventResource(event, new Date('2026-03-02T00:00:00Z'));
    expect(ics).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin');
    expect(ics).toContain('DTSTART;TZID=Europe/Berlin:20260330T100000');
    expect(ics).toContain(`UID:${event.key}@calbridge`);
    expect(ics).toContain('X-CALBRIDGE-JOB:7d0c8f8e-7d0a-4a53-9d43-0b6a7d1f7c11');
    expect(ics).toContain('SUMMARY:Cut\\; colour\\, wash\\nand dry');
    expect(ics.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    const read = readEventResource(ics, {
      window: { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-05-01T00:00:00Z') },
      zone: 'UTC',
      userAddresses: [],
    });
    expect(read).toMatchObject({ ours: true, busy: [] });
  });

  it('keeps all-day jobs all-day', () => {
    const event = buildOutboundEvent(
      job({ allDay: true, startsAt: new Date('2026-03-29T22:00:00Z'), endsAt: new Date('2026-03-30T22:00:00Z') }),
      target,
      policy(),
    )!;
    const ics = renderEventResource(event);
    expect(ics).toContain('DTSTART;VALUE=DATE:20260330');
    expect(ics).toContain('DTEND;VALUE=DATE:20260331');
    expect(ics).not.toContain('BEGIN:VTIMEZONE');
  });
});

describe('meeting requests', () => {
  it('asks for a meeting only while the job wants one and has no link; other events keep their hashes', () => {
    const plain = buildOutboundEvent(job(), target, policy())!;
    expect(plain.conference).toBeNull();
    const wanted = buildOutboundEvent(job({ remoteProvider: 'google_meet', meetingStatus: 'requested' }), target, policy())!;
    expect(wanted.conference).toEqual({ provider: 'google_meet', requestId: plain.key, token: null });
    const again = buildOutboundEvent(job({ remoteProvider: 'google_meet', meetingStatus: 'requested', meetingRequest: 'a1b2' }), target, policy())!;
    expect(again.conference).toEqual({ provider: 'google_meet', requestId: `${plain.key}-a1b2`, token: 'a1b2' });
    expect(again.contentHash).not.toBe(wanted.contentHash); // a new request is written
    expect(wanted.contentHash).not.toBe(plain.contentHash);
    const { conference: _c, sequence: _s, contentHash: _h, ...content } = plain;
    expect(contentHash(content)).toBe(plain.contentHash); // no conference, no change to the hash
    const created = buildOutboundEvent(job({ remoteProvider: 'teams', meetingStatus: 'created', remoteUrl: 'https://teams.microsoft.com/l/meetup-join/x' }), target, policy())!;
    expect(created.conference).toBeNull();
    expect(created.description).toContain('Join: https://teams.microsoft.com/l/meetup-join/x');
    expect(buildOutboundEvent(job({ remoteProvider: 'teams', status: 'cancelled' }), target, policy({ cancelled: 'mark' }))!.conference).toBeNull();
  });
});

