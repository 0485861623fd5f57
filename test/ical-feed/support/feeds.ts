import { request } from 'node:http';
import type { FeedView } from '@calbridge/ical-feed';
import type { TestSystem } from '../../support/test-system';

/** The staff member's feeds, as they list them. */
export async function listFeeds(system: TestSystem, staffId: string): Promise<FeedView[]> {
  const res = await system.http(system.staffToken(staffId)).get(`/v1/staff/${staffId}/feeds`).expect(200);
  return res.body as FeedView[];
}

/** The path (`/calendar/<staff>/<token>.ics`) of a staff member's feed at a venue. */
export async function feedPath(system: TestSystem, staffId: string, venueId: string): Promise<string> {
  const feed = (await listFeeds(system, staffId)).find((f) => f.venueId === venueId);
  if (!feed) throw new Error(`No feed of ${staffId} at ${venueId}`);
  return new URL(feed.url).pathname;
}

/** Moves a feed's expiry (SQL: the API only ever sets it to now + TTL) and returns the URL path that now goes with it. */
export async function setExpiry(system: TestSystem, staffId: string, venueId: string, expiresAt: Date): Promise<string> {
  const seconds = new Date(Math.floor(expiresAt.getTime() / 1000) * 1000);
  await system.dataSource.query('UPDATE staff_feeds SET expires_at = $3 WHERE staff_id = $1 AND venue_id = $2', [staffId, venueId, seconds]);
  return feedPath(system, staffId, venueId);
}

/**
 * A request as a calendar app makes it, over a real connection to the listening api (start the
 * system with `listen: true`), with the body exactly as sent (no automatic gunzip).
 */
export function poll(
  system: TestSystem,
  path: string,
  headers: Record<string, string> = {},
  method: 'GET' | 'HEAD' = 'GET',
): Promise<{ status: number; headers: Record<string, string>; body: Buffer; text: string }> {
  if (!system.baseUrl) throw new Error('poll() needs a system started with listen: true');
  return new Promise((resolve, reject) => {
    const req = request(`${system.baseUrl}${path}`, { method, headers: { 'accept-encoding': 'identity', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers as Record<string, string>, body, text: body.toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The VEVENT blocks of a calendar (unfolded), keyed by UID. */
export function eventsOf(text: string): Map<string, string> {
  const unfolded = text.replace(/\r\n[ \t]/g, '');
  const events = new Map<string, string>();
  for (const block of unfolded.split('BEGIN:VEVENT').slice(1)) {
    const body = block.split('END:VEVENT')[0];
    const uid = /\r\nUID:([^\r\n]+)/.exec(body)?.[1];
    if (uid) events.set(uid, body);
  }
  return events;
}

/** One property of a VEVENT block (first occurrence), e.g. `prop(block, 'SUMMARY')`. */
export function prop(block: string | undefined, name: string): string | undefined {
  if (!block) return undefined;
  const m = new RegExp(`\\r\\n${name}(?:;[^:\\r\\n]*)?:([^\\r\\n]*)`).exec(block);
  return m?.[1];
}

export const jobUid = (jobId: string) => `job-${jobId}@calbridge`;
