import type { Browser } from 'playwright-core';
import { RunningGoogleEmulator, startGoogleEmulator } from '../../apps/emulators/src';
import { launchBrowser } from '../support/browser';
import { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';

/**
 * The whole "connect Google" journey in a browser: the web UI asks calbridge for the authorize
 * URL, the browser goes to the (emulated) provider, consents, comes back through calbridge's
 * callback and lands on the UI, which shows the new connection syncing.
 */
describe('connecting Google Calendar from the web UI', () => {
  let google: RunningGoogleEmulator;
  let system: TestSystem;
  let browser: Browser;

  beforeAll(async () => {
    google = await startGoogleEmulator({ accounts: [{ email: 'maria@example.com', displayName: 'Maria', timeZone: 'Europe/Berlin' }] });
    system = await TestSystem.start({ listen: true, worker: true, env: google.calbridgeEnv() });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await google?.stop();
  });

  it('goes to the provider, comes back connected, and lists the account', async () => {
    const { staff } = await system.factory.team(1);
    const page = await browser.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${system.baseUrl}/app/#token=${system.staffToken(staff[0].id)}`);
    await page.getByRole('button', { name: 'Connect Google Calendar' }).click();

    await page.locator('#flash', { hasText: 'Google Calendar is connected' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/');
    expect(page.url()).not.toContain('connectionId');
    const card = page.locator('[data-section="Connected calendars"] .card', { hasText: 'maria@example.com' });
    await card.waitFor();
    await waitFor(async () => {
      const [row] = await system.dataSource.query(`SELECT status FROM sync_connections WHERE staff_id = $1`, [staff[0].id]);
      expect(row?.status).toBe('active');
    }, { what: 'the connection to be active' });
    expect(google.controls.stats().byRoute['POST /token']).toBeGreaterThanOrEqual(1);
    await page.close();
  });
});
