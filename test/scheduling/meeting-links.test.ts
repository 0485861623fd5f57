import { MeetingLinksService } from '@calbridge/scheduling';
import { TestSystem } from '../support/test-system';

describe('meeting links on jobs (remote.provider)', () => {
  let system: TestSystem;
  let admin: string;
  let venue: { id: string; timezone: string };

  beforeAll(async () => {
    system = await TestSystem.start();
    admin = system.adminToken();
    venue = await system.factory.venue({ timezone: 'Europe/Berlin' });
  });
  afterAll(() => system?.stop());

  const outboxCount = async (jobId: string) =>
    (await system.dataSource.query('SELECT count(*)::int AS n FROM outbox_events WHERE aggregate_id = $1', [jobId]))[0].n as number;
  const scheduleVersion = async (staffId: string) =>
    Number((await system.dataSource.query('SELECT schedule_version FROM staff WHERE id = $1', [staffId]))[0].schedule_version);

  it('validates the remote part with stable codes', async () => {
    const http = system.http(admin);
    const base = { venueId: venue.id, title: 'Call', startsAt: '2026-05-04T08:00:00Z', endsAt: '2026-05-04T09:00:00Z' };
    const bogus = await http.post('/v1/jobs', { ...base, remote: { provider: 'zoom' } }).expect(400);
    expect(bogus.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(bogus.body.details.errors).toEqual([expect.objectContaining({ field: 'remote.provider' })]);
    const noUrl = await http.post('/v1/jobs', { ...base, remote: { provider: 'url' } }).expect(400);
    expect(noUrl.body.code).toBe('REMOTE_URL_REQUIRED');
    expect((await http.post('/v1/jobs', { ...base, remote: { details: 'PIN 1' } }).expect(400)).body.code).toBe('REMOTE_URL_REQUIRED');
    const fixedMeet = await http.post('/v1/jobs', { ...base, remote: { provider: 'google_meet', url: 'https://meet.google.com/abc-defg-hij' } }).expect(400);
    expect(fixedMeet.body.code).toBe('REMOTE_URL_NOT_ALLOWED');
    const badUrl = await http.post('/v1/jobs', { ...base, remote: { provider: 'url', url: 'javascript:alert(1)' } }).expect(400);
    expect(badUrl.body.code).toBe('VALIDATION_FAILED');
    const job = await http.post('/v1/jobs', base).expect(201);
    expect((await http.patch(`/v1/jobs/${job.body.id}`, { remote: { provider: 'teams', url: 'https://teams.microsoft.com/l/x' } }).expect(400)).body.code).toBe(
      'REMOTE_URL_NOT_ALLOWED',
    );
    expect((await http.get(`/v1/jobs/${job.body.id}`).expect(200)).body.version).toBe(1); // nothing half-written
  });

  it('a requested meeting waits for the calendar; the recorded link becomes the job remote url once, with audit, outbox and schedule versions', async () => {
    const person = await system.factory.staff({ venueIds: [venue.id] });
    const http = system.http(admin);
    const created = await http
      .post('/v1/jobs', { venueId: venue.id, title: 'Consultation', remote: { provider: 'google_meet', details: 'Camera on' }, startsAt: '2026-05-05T08:00:00Z', endsAt: '2026-05-05T09:00:00Z' })
      .expect(201);
    expect(created.body.remote).toEqual({ provider: 'google_meet', url: null, details: 'Camera on', meeting: { status: 'requested', note: null } });
    const id = created.body.id as string;
    await system.factory.assign(id, person.id);
    const meetings = system.get<MeetingLinksService>(MeetingLinksService);

    // Another provider's report (the dispatcher switched meanwhile) changes nothing.
    expect(await meetings.record(id, { provider: 'teams', status: 'created', url: 'https://teams.microsoft.com/l/meetup-join/x' })).toBe(false);
    expect(await meetings.record(id, { provider: 'google_meet', status: 'pending' })).toBe(true);
    expect(await meetings.record(id, { provider: 'google_meet', status: 'pending' })).toBe(false);
    const pending = (await http.get(`/v1/jobs/${id}`).expect(200)).body;
    expect(pending.remote.meeting).toEqual({ status: 'pending', note: null });

    const versionBefore = pending.version as number;
    const outboxBefore = await outboxCount(id);
    const scheduleBefore = await scheduleVersion(person.id);
    expect(await meetings.record(id, { provider: 'google_meet', status: 'created', url: 'https://meet.google.com/abc-defg-hij' })).toBe(true);
    const done = (await http.get(`/v1/jobs/${id}`).expect(200)).body;
    expect(done.version).toBe(versionBefore + 1);
    expect(done.remote).toEqual({ provider: 'google_meet', url: 'https://meet.google.com/abc-defg-hij', details: 'Camera on', meeting: { status: 'created', note: null } });
    expect(await outboxCount(id)).toBe(outboxBefore + 1);
    const [event] = await system.dataSource.query(`SELECT event_type, payload FROM outbox_events WHERE aggregate_id = $1 ORDER BY id DESC LIMIT 1`, [id]);
    expect(event.event_type).toBe('job.updated');
    expect(event.payload).toMatchObject({ jobId: id, version: done.version, staffIds: [person.id] });
    expect(await scheduleVersion(person.id)).toBe(scheduleBefore + 1);
    const audit = await system.dataSource.query(`SELECT action, after FROM audit_log WHERE entity_id = $1 ORDER BY id DESC LIMIT 1`, [id]);
    expect(audit[0]).toMatchObject({ action: 'job.meeting_created', after: { remoteUrl: 'https://meet.google.com/abc-defg-hij', meetingStatus: 'created' } });

    // One meeting per job: the same report again, a second link or a late failure change nothing.
    expect(await meetings.record(id, { provider: 'google_meet', status: 'created', url: 'https://meet.google.com/abc-defg-hij' })).toBe(false);
    expect(await meetings.record(id, { provider: 'google_meet', status: 'created', url: 'https://meet.google.com/zzz-zzzz-zzz' })).toBe(false);
    expect(await meetings.record(id, { provider: 'google_meet', status: 'unavailable', reason: 'nope' })).toBe(false);
    expect(await outboxCount(id)).toBe(outboxBefore + 1);

    // Editing other fields, or repeating the same provider, keeps the meeting.
    const kept = await http.patch(`/v1/jobs/${id}`, { title: 'Consultation (follow-up)', remote: { provider: 'google_meet', details: 'Camera on' } }).expect(200);
    expect(kept.body.remote.url).toBe('https://meet.google.com/abc-defg-hij');
    expect(kept.body.title).toBe('Consultation (follow-up)');
    const renamed = await http.patch(`/v1/jobs/${id}`, { title: 'Consultation (renamed)', location: 'Online' }).expect(200);
    expect(renamed.body).toMatchObject({ title: 'Consultation (renamed)', location: 'Online', version: kept.body.version + 1 });
    expect(renamed.body.remote.url).toBe('https://meet.google.com/abc-defg-hij');
    // Switching provider asks again; a fixed url replaces it; null clears it.
    const switched = await http.patch(`/v1/jobs/${id}`, { remote: { provider: 'teams' } }).expect(200);
    expect(switched.body.remote).toEqual({ provider: 'teams', url: null, details: null, meeting: { status: 'requested', note: null } });
    const fixed = await http.patch(`/v1/jobs/${id}`, { remote: { url: 'https://zoom.us/j/42' } }).expect(200);
    expect(fixed.body.remote).toEqual({ provider: 'url', url: 'https://zoom.us/j/42', details: null, meeting: null });
    expect((await http.patch(`/v1/jobs/${id}`, { remote: null }).expect(200)).body.remote).toBeNull();
  });

  it('a calendar that cannot create the meeting leaves a visible note; a later success still wins', async () => {
    const job = await system.factory.job({ venueId: venue.id, remote: { provider: 'teams' } });
    const meetings = system.get<MeetingLinksService>(MeetingLinksService);
    const reason = 'The Outlook calendar does not offer Teams meetings (allowedOnlineMeetingProviders)';
    expect(await meetings.record(job.id, { provider: 'teams', status: 'unavailable', reason })).toBe(true);
    expect(await meetings.record(job.id, { provider: 'teams', status: 'unavailable', reason })).toBe(false);
    const view = (await system.http(admin).get(`/v1/jobs/${job.id}`).expect(200)).body;
    expect(view.remote).toEqual({ provider: 'teams', url: null, details: null, meeting: { status: 'unavailable', note: reason } });
    expect(await meetings.record(job.id, { provider: 'teams', status: 'created', url: 'https://teams.microsoft.com/l/meetup-join/abc' })).toBe(true);
    expect((await system.http(admin).get(`/v1/jobs/${job.id}`).expect(200)).body.remote.meeting).toEqual({ status: 'created', note: null });
  });
});
