import type { Browser, Page } from 'playwright-core';
import { at } from '../support/factory';
import { launchBrowser } from '../support/browser';
import { Radicale } from '../support/radicale';
import { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';

describe('web UI in a real browser', () => {
  let system: TestSystem;
  let browser: Browser;
  let radicale: Radicale;
  let venue: { id: string; name: string };
  let staff: { id: string; name: string };
  let job: { id: string };

  beforeAll(async () => {
    radicale = await Radicale.start({ maria: 'app-specific-1' });
    await radicale.client('maria').mkcalendar('work', 'Work');
    system = await TestSystem.start({ listen: true, worker: true });
    venue = await system.factory.venue({ name: 'Kreuzberg', timezone: 'Europe/Berlin' });
    staff = await system.factory.staff({ venueIds: [venue.id], name: 'Maria Schmidt' });
    job = await system.factory.job({
      venueId: venue.id,
      title: '<img src=x onerror="window.pwned=1">Balayage',
      startsAt: at(1, '10:00', 'Europe/Berlin'),
      endsAt: at(1, '11:00', 'Europe/Berlin'),
    });
    await system.factory.assign(job.id, staff.id);
    await system.factory.blockedSlot(staff.id, { startsAt: at(1, '10:30', 'Europe/Berlin'), endsAt: at(1, '12:00', 'Europe/Berlin'), reason: 'Dentist' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await radicale?.stop();
  });

  async function open(token?: string): Promise<Page> {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${system.baseUrl}/app/${token ? `#token=${token}` : ''}`);
    return page;
  }

  it('serves the page with a strict content security policy', async () => {
    const res = await system.http().get('/app/').expect(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-type']).toMatch(/text\/html/);
    await system.http().get('/').expect(302).expect('Location', '/app/');
    const html = (await system.http().get('/app/').expect(200)).text;
    const script = /<script[^>]+src="(\/app\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await system.http().get(script!).set('Accept-Encoding', 'gzip').expect(200).expect('Content-Type', /javascript/);
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.headers['content-encoding']).toBe('gzip');
    expect(js.headers['content-security-policy']).toContain("default-src 'none'");
    // Client-side routes answer with the page; unknown files are 404, not the page.
    await system.http().get('/app/board/anything').expect(200).expect('Content-Type', /text\/html/);
    await system.http().get('/app/assets/nothing-here.js').expect(404);
    // Only the web app's own pages are framed by nobody else; the JSON API keeps its stricter policy.
    const apiRes = await system.http().get('/health');
    expect(apiRes.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('shows a staff member their jobs and conflicts, takes the token out of the address bar, and renders names as text', async () => {
    const page = await open(system.staffToken(staff.id));
    await page.getByRole('heading', { name: 'My schedule' }).waitFor();
    expect(page.url()).not.toContain('token=');
    await expect(page.locator(`[data-job="${job.id}"]`).textContent()).resolves.toContain('<img src=x');
    // Venue time, labelled, whatever the browser's zone.
    await expect(page.locator(`[data-job="${job.id}"]`).textContent()).resolves.toMatch(/10:00–11:00\s*Berlin time/);
    // Google and Outlook are not configured in this system: no buttons for them.
    await page.locator('[data-section="Connected calendars"] form').waitFor();
    expect(await page.getByRole('button', { name: /Connect (Google|Outlook)/ }).count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await expect(page.locator('[data-section="My open conflicts"] li').first().textContent()).resolves.toContain('Dentist');
    await expect(page.locator('#who').textContent()).resolves.toContain('Maria Schmidt');
    await page.close();
  });

  it('shows the feed link, turns client names on, and regenerates the link (the old one dies at once)', async () => {
    const page = await open(system.staffToken(staff.id));
    const row = page.locator(`[data-feed="${venue.id}"]`);
    await row.waitFor();
    // Feed URLs are built on PUBLIC_BASE_URL; fetch them from the api under test.
    const here = (url: string) => `${system.baseUrl}${new URL(url).pathname}`;
    const firstUrl = await row.locator('input.url').inputValue();
    expect(new URL(firstUrl).pathname).toMatch(new RegExp(`^/calendar/${staff.id}/.+\\.ics$`));
    expect(await row.getByRole('link', { name: 'Subscribe' }).getAttribute('href')).toBe(firstUrl.replace(/^http:/, 'webcal:'));
    const feed = await fetch(here(firstUrl));
    expect(feed.status).toBe(200);
    expect(await feed.text()).not.toContain('Sarah');

    await row.getByLabel('Show client names').check();
    // The privacy warning comes before anything changes.
    await row.getByRole('alertdialog', { name: 'Privacy warning' }).waitFor();
    expect((await system.dataSource.query('SELECT include_client_names FROM staff_feeds WHERE staff_id = $1', [staff.id]))[0].include_client_names).toBe(false);
    await row.getByRole('button', { name: 'Show client names' }).click();
    await row.locator('[role=status]', { hasText: 'Client names' }).waitFor();
    const [stored] = await system.dataSource.query('SELECT include_client_names FROM staff_feeds WHERE staff_id = $1', [staff.id]);
    expect(stored.include_client_names).toBe(true);

    await row.getByRole('button', { name: 'New link' }).click();
    await row.getByText('stops the current one at once').waitFor();
    await row.getByRole('button', { name: 'Make a new link' }).click();
    await row.locator('[role=status]', { hasText: 'New link created' }).waitFor();
    const secondUrl = await waitFor(async () => {
      const url = await page.locator(`[data-feed="${venue.id}"] input.url`).inputValue();
      expect(url).not.toBe(firstUrl);
      return url;
    }, { what: 'the page to show the new link' });
    expect((await fetch(here(firstUrl))).status).toBe(404);
    expect((await fetch(here(secondUrl))).status).toBe(200);
    await page.close();
  });

  it('lets a staff member block time and remove it again', async () => {
    const page = await open(system.staffToken(staff.id));
    const section = page.locator('[data-section="Blocked time (next 30 days)"]');
    await section.waitFor();
    const local = (days: number, hhmm: string) => {
      const d = new Date(Date.now() + days * 86_400_000);
      return `${d.toISOString().slice(0, 10)}T${hhmm}`;
    };
    await section.getByLabel('From').fill(local(3, '08:00'));
    await section.getByLabel('Until').fill(local(3, '09:30'));
    await section.getByPlaceholder('Reason (optional)').fill('School run');
    // A double click sends one request (the button is busy while it runs).
    await section.getByRole('button', { name: 'Block time' }).dblclick();
    await section.locator('[role=status]', { hasText: 'Time blocked.' }).waitFor();
    const row = page.locator('[data-section="Blocked time (next 30 days)"] li', { hasText: 'School run' });
    await row.waitFor();
    const slots = await system.dataSource.query(`SELECT id FROM blocked_slots WHERE staff_id = $1 AND reason = 'School run'`, [staff.id]);
    expect(slots).toHaveLength(1);
    await row.getByRole('button', { name: 'Remove' }).click();
    await section.locator('[role=status]', { hasText: 'Blocked time removed.' }).waitFor();
    await waitFor(async () =>
      expect(await system.dataSource.query(`SELECT id FROM blocked_slots WHERE reason = 'School run'`)).toHaveLength(0),
    );
    await page.close();
  });

  it('connects an iCloud/CalDAV account from the form and shows its status', async () => {
    const page = await open(system.staffToken(staff.id));
    const section = page.locator('[data-section="Connected calendars"]');
    await section.waitFor();
    await section.getByLabel('Apple ID / user name').fill('maria');
    await section.getByLabel('App-specific password').fill('wrong-password');
    await section.getByLabel('CalDAV server').fill(radicale.url);
    await section.getByRole('button', { name: 'Connect iCloud / CalDAV' }).click();
    // The error is next to the form, in words a person understands.
    await section.locator('form [role=alert]', { hasText: /app-specific password/i }).waitFor();

    await section.getByLabel('App-specific password').fill('app-specific-1');
    await section.getByRole('button', { name: 'Connect iCloud / CalDAV' }).click();
    await section.locator('[role=status]', { hasText: 'Calendar connected' }).waitFor();
    const card = page.locator('[data-section="Connected calendars"] .card', { hasText: 'maria' });
    await card.waitFor();
    await card.getByRole('button', { name: 'Calendars' }).click();
    await expect(card.getByLabel('Push jobs into').inputValue()).resolves.toEqual(expect.any(String));
    expect(await page.getByLabel('App-specific password').inputValue()).toBe('');
    await page.close();
  });

  it('shows a dispatcher the open conflicts and the day of their venue', async () => {
    const page = await open(`${system.dispatcherToken(venue.id)}&date=${at(1, '00:00', 'Europe/Berlin').slice(0, 10)}`);
    const conflicts = page.locator('[data-section="Open conflicts"] li');
    await conflicts.first().waitFor();
    await expect(conflicts.first().textContent()).resolves.toContain('Dentist');
    await expect(conflicts.first().textContent()).resolves.toContain('Maria Schmidt');
    const row = page.locator(`[data-job="${job.id}"]`);
    await expect(row.textContent()).resolves.toContain('Maria Schmidt');
    await page.close();
  });

  it('asks for a token when there is none, and accepts a pasted one', async () => {
    const page = await open();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Token').fill(system.dispatcherToken(venue.id));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Open conflicts' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.close();
  });

  it('reports the outcome of an OAuth round trip passed back in the fragment', async () => {
    const page = await browser.newPage();
    await page.goto(`${system.baseUrl}/app/#token=${system.staffToken(staff.id)}&error=access_denied`);
    await page.locator('#flash.error', { hasText: 'you declined access' }).waitFor();
    expect(page.url()).not.toContain('error=');
    await page.close();
  });
});
