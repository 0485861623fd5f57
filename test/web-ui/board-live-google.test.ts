import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { RunningGoogleEmulator, startGoogleEmulator } from '../../apps/emulators/src';
import { connectThroughOAuth, startWebhookDrivenSystem, waitUntilLive } from '../calendar-sync/oauth-fixture';
import { utcAt } from '../calendar-sync/sync-fixture';
import { launchBrowser } from '../support/browser';
import type { TestSystem } from '../support/test-system';

const ZONE = 'Europe/Berlin';
const ALICE = 'alice@example.com';
const SHOTS = join(__dirname, '..', '..', 'test-artifacts', 'web-ui');

/**
 * The board live with Google: an event created in the staff member's Google calendar (the
 * emulator, through its watch-channel notification, calbridge's pull and the venue's stream)
 * appears on the open week board as Busy, without its text and without a reload.
 */
describe('the board, live, with a Google calendar', () => {
  let google: RunningGoogleEmulator;
  let system: TestSystem;
  let browser: Browser;
  let page: Page;
  let alice: { id: string };
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    google = await startGoogleEmulator({ accounts: [{ email: ALICE, displayName: 'Alice', timeZone: ZONE }] });
    system = await startWebhookDrivenSystem(google.calbridgeEnv());
    const venue = await system.factory.venue({ name: 'Prenzlauer Berg', timezone: ZONE });
    alice = await system.factory.staff({ venueIds: [venue.id], name: 'Alice Moreau' });
    await system.factory.staff({ venueIds: [venue.id], name: 'Ben Okafor' });
    const { connectionId } = await connectThroughOAuth(system, 'google', alice.id, ALICE);
    await waitUntilLive(system, connectionId);
    browser = await launchBrowser();
    // The dispatcher's browser is in New York; the venue is in Berlin.
    const context = await browser.newContext({ timezoneId: 'America/New_York', viewport: { width: 1366, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${system.baseUrl}/app/#token=${system.dispatcherToken(venue.id)}&venue=${venue.id}&view=week&date=${utcAt(1, '12:00', ZONE).slice(0, 10)}`);
    await page.locator('#live-state', { hasText: 'Live' }).waitFor();
    await page.locator('#board[data-loaded]').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await google?.stop();
  });

  it('shows a Google event as Busy in its owner’s lane, without its text, without a reload', async () => {
    await page.locator(`[data-lane="${alice.id}"] [data-health="active"]`).waitFor();
    expect(await page.locator('[data-event-slot]').count()).toBe(0);
    google.controls.user.createEvent(ALICE, {
      summary: 'Therapy session',
      start: { dateTime: utcAt(1, '14:00', ZONE) },
      end: { dateTime: utcAt(1, '15:30', ZONE) },
    });
    const slot = page.locator(`[data-lane="${alice.id}"] [data-event-slot]`);
    await slot.waitFor();
    await expect(slot.textContent()).resolves.toMatch(/14:00–15:30[\s\S]*Busy/);
    expect(await page.content()).not.toContain('Therapy');
    await page.screenshot({ path: join(SHOTS, 'board-live-google.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
