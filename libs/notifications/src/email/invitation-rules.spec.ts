import { decideInvitation, InvitationJob, InvitationRecipient } from './invitation-rules';

describe('which invitation a recipient gets', () => {
  const now = new Date('2027-01-10T12:00:00Z');
  const job: InvitationJob = {
    id: 'j',
    version: 4,
    status: 'confirmed',
    title: 'Internal title',
    service: 'Cut',
    location: null,
    remoteUrl: null,
    startsAt: new Date('2027-01-11T09:00:00Z'),
    endsAt: new Date('2027-01-11T10:00:00Z'),
    allDay: false,
    timezone: 'Europe/Berlin',
    venueName: 'Mitte',
  };
  const customer: InvitationRecipient = { email: 'c@example.com', name: 'C', kind: 'customer', wanted: true };

  it('requests once per shown change, with a sequence above the last', () => {
    const first = decideInvitation(job, customer, null, now)!;
    expect(first).toMatchObject({ method: 'REQUEST', sequence: 4, update: false });
    const sent = { method: first.method, sequence: first.sequence, contentHash: first.contentHash };
    expect(decideInvitation({ ...job, version: 5, title: 'Renamed inside' }, customer, sent, now)).toBeNull();
    const moved = decideInvitation({ ...job, version: 6, startsAt: new Date('2027-01-11T11:00:00Z'), endsAt: new Date('2027-01-11T12:00:00Z') }, customer, sent, now)!;
    expect(moved).toMatchObject({ method: 'REQUEST', sequence: 6, update: true });
    // A sequence never goes down, whatever the job's version says.
    expect(decideInvitation({ ...job, version: 2, location: 'Elsewhere' }, customer, { ...sent, sequence: 9 }, now)!.sequence).toBe(10);
  });

  it('cancels only what was sent, and never about jobs already over', () => {
    const sent = { method: 'REQUEST' as const, sequence: 4, contentHash: 'x' };
    expect(decideInvitation({ ...job, status: 'pending' }, customer, null, now)).toBeNull();
    expect(decideInvitation({ ...job, status: 'cancelled' }, customer, null, now)).toBeNull();
    expect(decideInvitation({ ...job, status: 'cancelled', version: 5 }, customer, sent, now)).toMatchObject({ method: 'CANCEL', sequence: 5 });
    expect(decideInvitation(job, { ...customer, wanted: false }, sent, now)).toMatchObject({ method: 'CANCEL', sequence: 5 });
    expect(decideInvitation(job, customer, { ...sent, method: 'CANCEL' }, now)).toMatchObject({ method: 'REQUEST', sequence: 5 });
    expect(decideInvitation({ ...job, status: 'cancelled' }, customer, sent, new Date('2027-01-12T00:00:00Z'))).toBeNull();
  });
});
