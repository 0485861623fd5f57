import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { horizontalOverflow, seriousA11yViolations } from '../support/axe';
import { launchBrowser } from '../support/browser';
import { at } from '../support/factory';
import { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';

const SHOTS = join(__dirname, '..', '..', 'test-artifacts', 'web-ui');

/** Admin pages (venues, staff, connections) and the staff member's phone pages, in Chromium. */
describe('admin and staff pages', () => {
  let system: TestSystem;
  let browser: Browser;
  let phone: BrowserContext;
  let desktop: BrowserContext;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    system = await TestSystem.start({ listen: true, worker: true });
    browser = await launchBrowser();
    desktop = await browser.newContext({ timezoneId: 'Europe/Berlin', viewport: { width: 1280, height: 900 } });
    phone = await browser.newContext({ timezoneId: 'America/New_York', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function open(context: BrowserContext, token: string, fragment = ''): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('console', (m) => m.type() === 'error' && !/status of (400|409|422)/.test(m.text()) && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${system.baseUrl}/app/#token=${token}${fragment}`);
    return page;
  }

  it('lets an admin create, rename and re-zone venues, with errors next to the form', async () => {
    const page = await open(desktop, system.adminToken(), '&page=venues');
    const form = page.getByRole('form', { name: 'New venue' }).or(page.locator('[data-section="New venue"] form'));
    await form.getByLabel('Name').fill('Midtown');
    await form.getByLabel(/Time zone/).fill('Mars/Olympus_Mons');
    await form.getByRole('button', { name: 'Create venue' }).click();
    await form.locator('[role=alert]', { hasText: 'not an IANA time zone' }).waitFor();
    await form.getByLabel(/Time zone/).fill('America/New_York');
    await form.getByRole('button', { name: 'Create venue' }).click();
    await form.locator('[role=status]', { hasText: 'Venue "Midtown" created' }).waitFor();
    const [venue] = await system.dataSource.query(`SELECT id, timezone FROM venues WHERE name = 'Midtown'`);
    expect(venue.timezone).toBe('America/New_York');

    const card = page.locator(`[data-venue="${venue.id}"]`);
    await card.getByLabel('Name').fill('Midtown Manhattan');
    await card.getByLabel(/Time zone/).fill('America/Chicago');
    await card.getByText('Booked jobs keep their instants').waitFor();
    await card.getByRole('button', { name: 'Save' }).click();
    await waitFor(async () => {
      const [row] = await system.dataSource.query(`SELECT name, timezone FROM venues WHERE id = $1`, [venue.id]);
      expect(row).toEqual({ name: 'Midtown Manhattan', timezone: 'America/Chicago' });
    }, { what: 'the venue to be renamed and re-zoned' });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.close();
  });

  it('lets an admin add staff, change memberships and deactivate them (off the board, not assignable)', async () => {
    const a = await system.factory.venue({ name: 'Altona', timezone: 'Europe/Berlin' });
    const b = await system.factory.venue({ name: 'Bahrenfeld', timezone: 'Europe/Berlin' });
    const page = await open(desktop, system.adminToken(), '&page=staff');
    const form = page.getByRole('form', { name: 'Add a staff member' });
    await form.getByLabel('Name').fill('Lea Braun');
    await form.getByLabel('Email').fill('lea@example.com');
    await form.getByRole('checkbox', { name: 'Altona' }).check();
    await form.getByRole('button', { name: 'Add staff member' }).click();
    await form.locator('[role=status]', { hasText: 'Lea Braun added' }).waitFor();
    const [lea] = await system.dataSource.query(`SELECT id FROM staff WHERE email = 'lea@example.com'`);

    const card = page.locator(`[data-staff="${lea.id}"]`);
    await card.getByRole('checkbox', { name: 'Bahrenfeld' }).check();
    await card.getByRole('button', { name: 'Save' }).click();
    await card.locator('[role=status]', { hasText: 'Saved' }).waitFor();
    const venues = await system.dataSource.query(`SELECT venue_id FROM staff_venues WHERE staff_id = $1 ORDER BY venue_id`, [lea.id]);
    expect(venues.map((r: { venue_id: string }) => r.venue_id).sort()).toEqual([a.id, b.id].sort());

    await card.getByRole('button', { name: 'Deactivate' }).click();
    await card.getByRole('button', { name: 'Yes, deactivate' }).click();
    await page.locator(`[data-staff="${lea.id}"]`, { hasText: 'Deactivated' }).waitFor();
    const job = await system.factory.job({ venueId: a.id, startsAt: at(1, '10:00', 'Europe/Berlin'), endsAt: at(1, '11:00', 'Europe/Berlin') });
    const refused = await system.http(system.adminToken()).post(`/v1/jobs/${job.id}/assignments`, { staffId: lea.id });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('STAFF_INACTIVE');
    const listed = await system.http(system.dispatcherToken(a.id)).get(`/v1/staff?venueId=${a.id}`).expect(200);
    expect(listed.body.map((s: { id: string }) => s.id)).not.toContain(lea.id);
    const all = await system.http(system.dispatcherToken(a.id)).get(`/v1/staff?venueId=${a.id}&includeInactive=true`).expect(200);
    expect(all.body.find((s: { id: string }) => s.id === lea.id)).toMatchObject({ active: false });

    await page.locator(`[data-staff="${lea.id}"]`).getByRole('button', { name: 'Reactivate' }).click();
    await page.locator(`[data-staff="${lea.id}"]`).getByRole('button', { name: 'Yes, reactivate' }).click();
    await waitFor(async () => expect((await system.dataSource.query(`SELECT active FROM staff WHERE id = $1`, [lea.id]))[0].active).toBe(true), {
      what: 'reactivation',
    });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.close();
  });

  it('shows the connections overview; every admin page fits a phone', async () => {
    for (const p of ['venues', 'staff', 'connections']) {
      const page = await open(phone, system.adminToken(), `&page=${p}`);
      await page.locator('main h2').first().waitFor();
      await page.locator('[role=status]', { hasText: 'Loading' }).waitFor({ state: 'detached' });
      if (p === 'connections') await page.getByText('No calendar is connected yet.').waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `admin-${p}-phone.png`), fullPage: true });
      await page.close();
    }
  });

  it("shows a staff member at two venues each job in its venue's zone, on a phone in New York", async () => {
    const berlin = await system.factory.venue({ name: 'Mitte', timezone: 'Europe/Berlin' });
    const sydney = await system.factory.venue({ name: 'Bondi', timezone: 'Australia/Sydney' });
    const me = await system.factory.staff({ venueIds: [berlin.id, sydney.id], name: 'Noor Haddad' });
    const j1 = await system.factory.job({ venueId: berlin.id, title: 'Berlin cut', startsAt: at(2, '09:30', 'Europe/Berlin'), endsAt: at(2, '10:30', 'Europe/Berlin'), location: 'Chair 2' });
    const j2 = await system.factory.job({ venueId: sydney.id, title: 'Bondi cut', startsAt: at(3, '16:00', 'Australia/Sydney'), endsAt: at(3, '17:00', 'Australia/Sydney') });
    await system.factory.assign(j1.id, me.id);
    await system.factory.assign(j2.id, me.id);
    const page = await open(phone, system.staffToken(me.id));
    const first = page.locator(`[data-job="${j1.id}"]`);
    await first.waitFor();
    await expect(first.textContent()).resolves.toMatch(/09:30–10:30\s*Berlin time[\s\S]*Mitte[\s\S]*Chair 2/);
    await expect(page.locator(`[data-job="${j2.id}"]`).textContent()).resolves.toMatch(/16:00–17:00\s*Sydney time[\s\S]*Bondi/);
    // Feeds name their venue.
    await page.locator(`[data-feed="${berlin.id}"]`, { hasText: 'Mitte' }).waitFor();
    await page.locator(`[data-feed="${sydney.id}"]`, { hasText: 'Bondi' }).waitFor();
    // ... and their expiry is in that venue's zone, labelled (not the phone's New York time).
    const expiry = async (venueId: string, zone: string) => {
      const [feed] = await system.dataSource.query(`SELECT expires_at FROM staff_feeds WHERE staff_id = $1 AND venue_id = $2`, [me.id, venueId]);
      const wall = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(feed.expires_at));
      return wall;
    };
    await expect(page.locator(`[data-feed="${berlin.id}"] [data-feed-expiry]`).textContent()).resolves.toMatch(new RegExp(`${await expiry(berlin.id, 'Europe/Berlin')} Berlin time`));
    await expect(page.locator(`[data-feed="${sydney.id}"] [data-feed-expiry]`).textContent()).resolves.toMatch(new RegExp(`${await expiry(sydney.id, 'Australia/Sydney')} Sydney time`));
    await page.locator('[role=status]', { hasText: 'Loading' }).waitFor({ state: 'detached' });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'staff-phone.png'), fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
  });
});
