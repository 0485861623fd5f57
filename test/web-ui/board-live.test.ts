import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { connectCaldav, startSyncSystem, waitForPull } from '../calendar-sync/sync-fixture';
import { launchBrowser } from '../support/browser';
import { at } from '../support/factory';
import { ics, icsUtc, Radicale } from '../support/radicale';
import { TestSystem } from '../support/test-system';

const ZONE = 'America/New_York';
const SHOTS = join(__dirname, '..', '..', 'test-artifacts', 'web-ui');

/**
 * The board live: a pulled iCloud/CalDAV event (Radicale), another dispatcher's job and the
 * lane's calendar health appear without a reload, through GET /v1/venues/:id/stream.
 */
describe('the board, live', () => {
  let radicale: Radicale;
  let system: TestSystem;
  let browser: Browser;
  let page: Page;
  let venue: { id: string };
  let maria: { id: string };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    radicale = await Radicale.start({ maria: 'maria-app-password' });
    await radicale.client('maria').mkcalendar('personal', 'Personal');
    system = await startSyncSystem({ listen: true });
    venue = await system.factory.venue({ name: 'Brooklyn', timezone: ZONE });
    maria = await system.factory.staff({ venueIds: [venue.id], name: 'Maria Lopez' });
    await system.factory.staff({ venueIds: [venue.id], name: 'Ann Lee' });
    const started = Date.now();
    const conn = await connectCaldav(system, radicale, maria.id, 'maria', 'maria-app-password');
    await waitForPull(system, conn.id, started - 1, 'the first full sync');
    browser = await launchBrowser();
    // The dispatcher's browser is in Berlin; the venue is in New York.
    const context = await browser.newContext({ timezoneId: 'Europe/Berlin', viewport: { width: 1366, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${system.baseUrl}/app/#token=${system.dispatcherToken(venue.id)}&venue=${venue.id}&date=${at(1, '00:00', ZONE).slice(0, 10)}`);
    await page.locator('#live-state', { hasText: 'Live' }).waitFor();
    await page.locator('#board[data-loaded]').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await radicale?.stop();
  });

  it("shows each lane's calendar health", async () => {
    await page.locator('.ec-row-head', { hasText: 'Maria Lopez' }).locator('[data-health="active"]').waitFor();
    await page.locator('.ec-row-head', { hasText: 'Ann Lee' }).locator('[data-health="none"]').waitFor();
  });

  it('shows an event created in the staff member’s own calendar as Busy, without its text, without a reload', async () => {
    await radicale.client('maria').put(
      'personal',
      'therapy.ics',
      ics('UID:therapy-1', `DTSTART:${icsUtc(at(1, '14:00', ZONE))}`, `DTEND:${icsUtc(at(1, '15:30', ZONE))}`, 'SUMMARY:Therapy session'),
    );
    const slot = page.locator('[data-event-slot]').first();
    await slot.waitFor();
    await expect(slot.textContent()).resolves.toMatch(/14:00[\s\S]*Busy/);
    expect(await page.content()).not.toContain('Therapy');
    await page.screenshot({ path: join(SHOTS, 'board-live.png'), fullPage: true });
  });

  it("shows another dispatcher's new job, its assignment and the conflict a new block opens, without a reload", async () => {
    const token = system.dispatcherToken(venue.id);
    const res = await system.http(token).post('/v1/jobs', { venueId: venue.id, title: 'Colour refresh', startsAt: at(1, '17:00', ZONE), endsAt: at(1, '18:00', ZONE) });
    expect(res.status).toBe(201);
    const job = page.locator(`[data-event-job="${res.body.id}"]`);
    await job.waitFor();
    expect((await system.http(token).post(`/v1/jobs/${res.body.id}/assignments`, { staffId: maria.id })).status).toBe(201);
    await page.locator(`[data-job="${res.body.id}"]`, { hasText: 'Maria Lopez' }).waitFor();
    // Maria blocks time over it from her phone: the conflict opens, and shows on both sides.
    const block = await system.http(system.staffToken(maria.id)).post(`/v1/staff/${maria.id}/blocked-slots`, { startsAt: at(1, '17:30', ZONE), endsAt: at(1, '18:30', ZONE), reason: 'School pick-up' });
    expect(block.status).toBe(201);
    await page.locator('[data-section="Open conflicts"] li', { hasText: 'Colour refresh' }).waitFor();
    await page.locator(`[data-event-job="${res.body.id}"].conflict`).waitFor();
    await page.locator(`[data-event-slot="${block.body.id}"].conflict`).waitFor();
  });
});
