import { applyMeetingReport, MeetingFields, resolveRemote } from './meeting-links';

const requested: MeetingFields = { remoteProvider: 'google_meet', remoteUrl: null, meetingStatus: 'requested', meetingNote: null };

describe('applyMeetingReport', () => {
  it('stores a created link, and keeps the first one', () => {
    const next = applyMeetingReport(requested, { provider: 'google_meet', status: 'created', url: 'https://meet.google.com/a' });
    expect(next).toEqual({ remoteUrl: 'https://meet.google.com/a', meetingStatus: 'created', meetingNote: null });
    const created = { ...requested, ...next! };
    expect(applyMeetingReport(created, { provider: 'google_meet', status: 'created', url: 'https://meet.google.com/b' })).toBeNull();
    expect(applyMeetingReport(created, { provider: 'google_meet', status: 'unavailable', reason: 'x' })).toBeNull();
  });

  it('ignores reports for another provider and repeated reports', () => {
    expect(applyMeetingReport(requested, { provider: 'teams', status: 'pending' })).toBeNull();
    const pending = { ...requested, meetingStatus: 'pending' as const };
    expect(applyMeetingReport(pending, { provider: 'google_meet', status: 'pending' })).toBeNull();
    expect(applyMeetingReport(pending, { provider: 'google_meet', status: 'unavailable', reason: 'failure' })).toEqual({
      remoteUrl: null,
      meetingStatus: 'unavailable',
      meetingNote: 'failure',
    });
  });
});

describe('resolveRemote', () => {
  const none = { remoteProvider: null, remoteUrl: null, remoteDetails: null, meetingStatus: null, meetingNote: null, meetingRequest: null };
  it('a fixed url, a requested meeting, and keeping a meeting when the provider stays', () => {
    expect(resolveRemote(none, { url: 'https://zoom.us/j/1' })).toMatchObject({ remoteProvider: 'url', remoteUrl: 'https://zoom.us/j/1', meetingStatus: null });
    expect(resolveRemote(none, { provider: 'teams' }, () => 'r1')).toMatchObject({ remoteProvider: 'teams', remoteUrl: null, meetingStatus: 'requested', meetingRequest: 'r1' });
    const created = { ...none, remoteProvider: 'teams' as const, remoteUrl: 'https://teams.microsoft.com/l/x', meetingStatus: 'created' as const, meetingRequest: 'r1' };
    expect(resolveRemote(created, { provider: 'teams', details: 'd' })).toEqual({ ...created, remoteDetails: 'd' });
    expect(resolveRemote(created, { provider: 'google_meet' }, () => 'r2')).toMatchObject({ remoteUrl: null, meetingStatus: 'requested', meetingRequest: 'r2' });
    // After the calendar could not create it, repeating the provider asks anew (a fresh request id).
    const failed = { ...created, remoteUrl: null, meetingStatus: 'unavailable' as const, meetingNote: 'failure' };
    expect(resolveRemote(failed, { provider: 'teams' }, () => 'r3')).toEqual({ ...none, remoteProvider: 'teams', meetingStatus: 'requested', meetingRequest: 'r3' });
    expect(resolveRemote(created, undefined)).toEqual(created);
    // Only remote fields come back, even when handed a whole job.
    expect(Object.keys(resolveRemote({ ...created, title: 'x' } as typeof created, undefined)).sort()).toEqual(Object.keys(none).sort());
    expect(Object.keys(resolveRemote({ ...created, title: 'x' } as typeof created, { provider: 'teams' })).sort()).toEqual(Object.keys(none).sort());
    expect(resolveRemote(created, null)).toEqual(none);
  });
});

describe('reports on an earlier request', () => {
  it('are ignored once the meeting was asked for anew', () => {
    const current = { ...requested, meetingRequest: 'new' };
    expect(applyMeetingReport(current, { provider: 'google_meet', status: 'unavailable', reason: 'old failure', request: 'old' })).toBeNull();
    expect(applyMeetingReport(current, { provider: 'google_meet', status: 'created', url: 'https://meet.google.com/x', request: 'new' })).toMatchObject({ meetingStatus: 'created' });
  });
});

