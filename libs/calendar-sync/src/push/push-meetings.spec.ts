import type { CalendarProvider, OutboundEvent } from '../providers/calendar-provider';
import { PushMeetings } from './push-meetings';

/** `fit` is pure: the provider's declared capabilities decide, nothing is called. */
const meetings = new PushMeetings(undefined as never, undefined as never);
const provider = (displayName: string, list?: ReadonlyArray<'google_meet' | 'teams'>) =>
  ({ displayName, capabilities: { watch: false, ...(list ? { meetings: list } : {}) } }) as unknown as CalendarProvider;
const event = (conference: OutboundEvent['conference']) => ({ key: 'cbkey', title: 'Call', conference }) as OutboundEvent;

describe('PushMeetings.fit', () => {
  it('CalDAV (and any provider that declares no meetings) gets the event without the request, and the reason', () => {
    const fitted = meetings.fit(provider('CalDAV', []), event({ provider: 'google_meet', requestId: 'cbkey-1', token: '1' }));
    expect(fitted.event.conference).toBeNull();
    expect(fitted.outcome).toEqual({ status: 'unavailable', reason: 'CalDAV cannot create Google Meet links' });
    expect(meetings.fit(provider('Fake'), event({ provider: 'teams', requestId: 'k', token: null })).outcome).toMatchObject({ status: 'unavailable' });
  });

  it('passes the request to a provider that can create that meeting, and events without one untouched', () => {
    const request = { provider: 'teams' as const, requestId: 'cbkey-2', token: '2' };
    expect(meetings.fit(provider('Microsoft Outlook', ['teams']), event(request))).toEqual({ event: event(request), outcome: null });
    expect(meetings.fit(provider('Google Calendar', ['google_meet']), event(request)).outcome).toEqual({
      status: 'unavailable',
      reason: 'Google Calendar cannot create Microsoft Teams meetings',
    });
    expect(meetings.fit(provider('CalDAV', []), event(null)).outcome).toBeNull();
  });
});
