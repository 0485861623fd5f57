import { FeedJobsRepository, FeedsRepository, FEED_NOT_FOUND_BODY } from '@calbridge/ical-feed/testing';
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { PinoLogger } from 'nestjs-pino';
import { at } from '../support/factory';
import { waitFor } from '../support/wait';
import { TestSystem } from '../support/test-system';
import { captureLogs } from './support/capture-logs';
import { eventsOf, feedPath, jobUid, listFeeds, poll, prop, setExpiry } from './support/feeds';
import { parseWithIcalJs } from './support/parse-calendar';

/** The public endpoint: HTTP behaviour, URL checks, expiry, failure limit, logs. */
describe('GET /calendar/:staffId/:token.ics', () => {
  let system: TestSystem;
  let logs: ReturnType<typeof captureLogs>;
  let venue: { id: string };
  let other: { id: string };
  let anna: { id: string };
  let jonas: { id: string };
  let path: string;
  let jobId: string;

  beforeAll(async () => {
    logs = captureLogs();
    system = await TestSystem.start({
      listen: true,
      env: { LOG_LEVEL: 'info', FEED_RATE_LIMIT_FAILURES: '5', FEED_RATE_LIMIT_WINDOW_SECONDS: '600', FEED_NOT_MODIFIED_LOG_SECONDS: '1' },
    });
    venue = await system.factory.venue({ name: 'Kreuzberg Hair Studio', timezone: 'Europe/Berlin' });
    other = await system.factory.venue({ name: 'Mitte', timezone: 'Europe/Berlin' });
    anna = await system.factory.staff({ name: 'Anna Becker', venueIds: [venue.id, other.id] });
    jonas = await system.factory.staff({ name: 'Jonas Weber', venueIds: [venue.id] });
    const job = await system.factory.job({
      venueId: venue.id,
      title: 'Wedding prep',
      service: 'Balayage',
      startsAt: at(2, '10:00', 'Europe/Berlin'),
      endsAt: at(2, '11:30', 'Europe/Berlin'),
      status: 'confirmed',
    });
    jobId = job.id;
    await system.factory.assign(job.id, anna.id, { role: 'lead' });
    await system.factory.assign(job.id, jonas.id);
    path = await feedPath(system, anna.id, venue.id);
  });

  afterAll(async () => {
    await system?.stop();
    logs?.restore();
  });

  it('serves the calendar with the headers calendar apps need', async () => {
    const res = await poll(system, path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('inline; filename="kreuzberg-hair-studio-anna-becker.ics"');
    expect(res.headers['cache-control']).toBe('no-cache, must-revalidate, private');
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/); // strong
    expect(Date.parse(res.headers['last-modified'])).not.toBeNaN();
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    const { calendar, events } = parseWithIcalJs(res.text);
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Kreuzberg Hair Studio — Anna Becker');
    expect(events.map((e) => e.uid)).toEqual([jobUid(jobId)]);
    expect(events[0]).toMatchObject({ summary: 'Balayage – Wedding prep', status: 'CONFIRMED', tzid: 'Europe/Berlin' });
    expect(events[0].localStart).toBe(at(2, '10:00', 'Europe/Berlin').slice(0, 16).replace('T', ' '));
    expect(events[0].description).toContain('Team: Anna Becker (lead), Jonas Weber');
  });

  it('answers 304 to a matching If-None-Match, also for HEAD, and 200 otherwise', async () => {
    const first = await poll(system, path);
    const again = await poll(system, path, { 'if-none-match': first.headers.etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['cache-control']).toBe('no-cache, must-revalidate, private');
    expect((await poll(system, path, { 'if-none-match': `"nope", ${first.headers.etag}` })).status).toBe(304);
    expect((await poll(system, path, { 'if-none-match': '"something-else"' })).status).toBe(200);

    const head = await poll(system, path, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(first.headers['content-length']);
    expect(head.headers.etag).toBe(first.headers.etag);
    expect(head.body.length).toBe(0);
    expect((await poll(system, path, { 'if-none-match': first.headers.etag }, 'HEAD')).status).toBe(304);
    const headZipped = await poll(system, path, { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(headZipped.headers['content-encoding']).toBe('gzip');
    expect(Number(headZipped.headers['content-length'])).toBeLessThan(Number(first.headers['content-length']));
  });

  it('gzips when asked, with its own strong ETag and the same calendar inside', async () => {
    const plain = await poll(system, path);
    const zipped = await poll(system, path, { 'accept-encoding': 'gzip, deflate' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.etag).not.toBe(plain.headers.etag);
    expect(gunzipSync(zipped.body).toString('utf8')).toBe(plain.text);
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    expect((await poll(system, path, { 'accept-encoding': 'gzip', 'if-none-match': zipped.headers.etag })).status).toBe(304);
    // A client that switches encodings still revalidates: both tags name the same content.
    expect((await poll(system, path, { 'if-none-match': zipped.headers.etag })).status).toBe(304);
    expect((await poll(system, path, { 'accept-encoding': 'gzip;q=0' })).headers['content-encoding']).toBeUndefined();
  });

  it('gives the same 404 for unknown staff, bad signatures, rotated salts, wrong venues and malformed URLs', async () => {
    const token = path.split('/')[3].replace('.ics', '');
    const flipped = token.slice(0, -10) + (token.at(-10) === 'A' ? 'B' : 'A') + token.slice(-9);
    const otherFeed = await feedPath(system, anna.id, other.id);
    const jonasPath = await feedPath(system, jonas.id, venue.id);
    const tried = [
      `/calendar/${randomUUID()}/${token}.ics`, // unknown staff
      `/calendar/${anna.id}/${flipped}.ics`, // bad signature
      `/calendar/${jonas.id}/${token}.ics`, // Anna's token on Jonas's id
      jonasPath.replace(jonas.id, anna.id), // Jonas's token on Anna's id
      `/calendar/not-a-uuid/${token}.ics`,
      `/calendar/${anna.id}/short.ics`,
      `/calendar/${anna.id}/${token}`,
      `/calendar/${anna.id}/${token}.ics/extra`,
      `/calendar/${anna.id}/${token}.ICS`,
    ];
    // Rotated: Anna's second feed, regenerated.
    await system.http(system.staffToken(anna.id)).post(`/v1/staff/${anna.id}/feeds/${other.id}/regenerate`).expect(200);
    tried.push(otherFeed);
    for (const [i, url] of tried.entries()) {
      // One address per attempt: this is about the answer, not the failure limit.
      const res = await system.http().get(url).set('X-Forwarded-For', `198.51.100.${i + 1}`);
      expect({ url, status: res.status }).toEqual({ url, status: 404 });
      expect(res.text).toBe(FEED_NOT_FOUND_BODY);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('rate limits repeated failures from one address without touching valid feeds or other addresses', async () => {
    const bad = `/calendar/${randomUUID()}/${'A'.repeat(71)}.ics`;
    const address = '203.0.113.9';
    for (let i = 0; i < 5; i++) expect((await system.http().get(bad).set('X-Forwarded-For', address)).status).toBe(404);
    const limited = await system.http().get(bad).set('X-Forwarded-For', address);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(600);
    // Same address, valid feed: served. Another address: an ordinary 404.
    expect((await system.http().get(path).set('X-Forwarded-For', address)).status).toBe(200);
    expect((await system.http().get(bad).set('X-Forwarded-For', '203.0.113.10')).status).toBe(404);
    // The count lives in Redis (shared by every api instance).
    const keys = await system.get<{ client: { keys(p: string): Promise<string[]> } }>(
      (await import('@calbridge/core')).RedisService,
    ).client.keys(`${system.queuePrefix}:feed:failures:*`);
    expect(keys).toContain(`${system.queuePrefix}:feed:failures:${address}`);
  });

  it('rejects malformed URLs before the database and checks the signature before any other feed query', async () => {
    const heads = jest.spyOn(system.get<FeedsRepository>(FeedsRepository), 'heads');
    const snapshot = jest.spyOn(system.get<FeedJobsRepository>(FeedJobsRepository), 'snapshot');
    const query = jest.spyOn(system.dataSource, 'query');
    try {
      await system.http().get(`/calendar/not-a-uuid/${'A'.repeat(71)}.ics`).set('X-Forwarded-For', '192.0.2.50').expect(404);
      await system.http().get(`/calendar/${anna.id}/too-short.ics`).set('X-Forwarded-For', '192.0.2.50').expect(404);
      expect(heads).not.toHaveBeenCalled();
      expect(query).not.toHaveBeenCalled();

      const token = path.split('/')[3].replace('.ics', '');
      const forged = token.slice(0, 30) + (token[30] === 'x' ? 'y' : 'x') + token.slice(31);
      await system.http().get(`/calendar/${anna.id}/${forged}.ics`).set('X-Forwarded-For', '192.0.2.50').expect(404);
      // The head (from memory, or one lookup) gives the salt; nothing else is read for a forged URL.
      expect(heads.mock.calls.length).toBeLessThanOrEqual(1);
      expect(snapshot).not.toHaveBeenCalled();
    } finally {
      heads.mockRestore();
      snapshot.mockRestore();
      query.mockRestore();
    }
  });

  it('warns during the last 14 days before expiry, and answers 410 afterwards', async () => {
    const soon = await setExpiry(system, jonas.id, venue.id, new Date(Date.now() + 5 * 86_400_000 + 3_600_000));
    expect((await listFeeds(system, jonas.id))[0].status).toBe('expiring');
    const warned = await poll(system, soon);
    expect(warned.status).toBe(200);
    const notice = eventsOf(warned.text).get(`feed-expiry-${jonas.id}-${venue.id}@calbridge`);
    expect(prop(notice, 'SUMMARY')).toMatch(/Calendar link expires in 5 days – generate a new one/);
    expect(prop(notice, 'DTSTART')).toBe(new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Berlin' }).replace(/-/g, ''));
    expect(prop(notice, 'DESCRIPTION')).toMatch(/Generate a new link/);
    expect(warned.text.replace(/\r\n /g, '')).toMatch(/X-WR-CALDESC:⚠ This calendar link expires on/);

    const gone = await setExpiry(system, jonas.id, venue.id, new Date(Date.now() - 60_000));
    expect((await listFeeds(system, jonas.id))[0].status).toBe('expired');
    const res = await poll(system, gone);
    expect(res.status).toBe(410);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).toMatch(/expired on \d{4}-\d{2}-\d{2}\. Generate a new link/);
    // Regenerating brings the feed back.
    const fresh = await system.http(system.staffToken(jonas.id)).post(`/v1/staff/${jonas.id}/feeds/${venue.id}/regenerate`).expect(200);
    expect((await poll(system, new URL(fresh.body.url).pathname)).status).toBe(200);
  });

  it('never writes a feed token to the logs; the request log shows the path redacted', async () => {
    await poll(system, path);
    await system.http(system.staffToken(anna.id)).get(`/v1/staff/${anna.id}/feeds`).expect(200);
    const written = logs.text();
    const token = path.split('/')[3].replace('.ics', '');
    // Written by the fast path (served ahead of Express), in the same shape as pino-http's lines.
    expect(written).toMatch(new RegExp(`"context":"FeedRequest","req":\\{"method":"GET","url":"/calendar/${anna.id}/\\[redacted\\]\\.ics"\\}`));
    expect(written).toContain('"statusCode":200');
    expect(written).not.toContain(token);
    for (const feed of await listFeeds(system, anna.id)) expect(written).not.toContain(new URL(feed.url).pathname.split('/')[3]);
  });

  it('logs each answer but a 304 on its own line; 304s as one summary line per interval, each one only at debug', async () => {
    const { etag } = (await poll(system, path)).headers;
    const feedLines = (text: string) =>
      text
        .split('\n')
        .filter((line) => line.includes('"context":"FeedRequest"'))
        .map((line) => JSON.parse(line) as { level: number; msg: string; count?: number; res: { statusCode: number }; req?: { url: string } });
    const mark = logs.text().length;
    for (let i = 0; i < 3; i++) expect((await poll(system, path, { 'if-none-match': etag })).status).toBe(304);
    expect((await poll(system, path)).status).toBe(200);
    const summed = await waitFor(
      () => {
        const lines = feedLines(logs.text().slice(mark)).filter((l) => l.msg === 'feed polls answered 304');
        const total = lines.reduce((n, l) => n + (l.count ?? 0), 0);
        expect(total).toBeGreaterThanOrEqual(3);
        return lines;
      },
      { what: 'the summary line of 304s' },
    );
    expect(summed.every((l) => l.level === 30 && l.res.statusCode === 304 && l.req === undefined)).toBe(true);
    const perRequest = feedLines(logs.text().slice(mark)).filter((l) => l.msg === 'request completed');
    expect(perRequest.map((l) => l.res.statusCode)).toEqual([200]);

    // At debug, every 304 gets its line too (path redacted like any other). The fast path writes
    // through pino's logger outside any request context, the one a PinoLogger gives there.
    const root = (await system.app.resolve(PinoLogger)).logger;
    root.level = 'debug';
    try {
      const before = logs.text().length;
      expect((await poll(system, path, { 'if-none-match': etag })).status).toBe(304);
      const debug = feedLines(logs.text().slice(before)).filter((l) => l.msg === 'request completed');
      expect(debug).toEqual([expect.objectContaining({ level: 20, res: { statusCode: 304 }, req: { method: 'GET', url: `/calendar/${anna.id}/[redacted].ics` } })]);
    } finally {
      root.level = 'info';
    }
  });
});
