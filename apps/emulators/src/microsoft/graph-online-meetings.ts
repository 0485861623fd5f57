import { randomInt } from 'node:crypto';
import { randomToken } from '../shared/ids';
import type { MCalendar, MEventRecord } from './graph-store';

/**
 * Online meetings of events, as Graph documents them
 * (https://learn.microsoft.com/graph/outlook-calendar-online-meetings): a calendar lists the
 * providers it supports (`allowedOnlineMeetingProviders`, `defaultOnlineMeetingProvider`);
 * an event written with `isOnlineMeeting: true` (and `onlineMeetingProvider`, default: the
 * calendar's default) gets an `onlineMeeting` with its `joinUrl`. Once an event is an online
 * meeting it stays one (the provider cannot be changed afterwards). A calendar that does not
 * support the provider gets the event without a meeting: `isOnlineMeeting: false`,
 * `onlineMeeting: null`.
 */
export const DEFAULT_ONLINE_MEETING_PROVIDERS = ['teamsForBusiness'];

export interface OnlineMeeting {
  joinUrl: string;
  conferenceId: string;
}

export function applyOnlineMeeting(calendar: MCalendar, record: MEventRecord): void {
  const f = record.fields;
  if (record.onlineMeeting) {
    // Already a meeting: it stays, whatever the write said.
    f.isOnlineMeeting = true;
    f.onlineMeetingProvider = 'teamsForBusiness';
    return;
  }
  if (!f.isOnlineMeeting) {
    f.isOnlineMeeting = false;
    f.onlineMeetingProvider = 'unknown';
    return;
  }
  const asked = f.onlineMeetingProvider && f.onlineMeetingProvider !== 'unknown' ? f.onlineMeetingProvider : calendar.allowedOnlineMeetingProviders[0];
  if (!asked || !calendar.allowedOnlineMeetingProviders.includes(asked) || asked !== 'teamsForBusiness') {
    f.isOnlineMeeting = false;
    f.onlineMeetingProvider = 'unknown';
    return;
  }
  const thread = `19%3ameeting_${randomToken(36)}%40thread.v2`;
  const context = encodeURIComponent(JSON.stringify({ Tid: '72f988bf-86f1-41af-91ab-2d7cd011db47', Oid: record.mailbox }));
  record.onlineMeeting = { joinUrl: `https://teams.microsoft.com/l/meetup-join/${thread}/0?context=${context}`, conferenceId: String(randomInt(100_000_000, 999_999_999)) };
  f.onlineMeetingProvider = 'teamsForBusiness';
}

export function renderOnlineMeeting(record: MEventRecord): Record<string, unknown> | null {
  return record.onlineMeeting ? { joinUrl: record.onlineMeeting.joinUrl, conferenceId: record.onlineMeeting.conferenceId, tollNumber: null, tollFreeNumbers: [], quickDial: null, phones: [] } : null;
}
