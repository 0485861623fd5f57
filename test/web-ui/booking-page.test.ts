import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { jobInvitationUid } from '@calbridge/scheduling';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bookableVenue, BookableVenue, customer, EVERY_DAY } from '../booking/booking-fixture';
import { horizontalOverflow, seriousA11yViolations } from '../support/axe';
import { launchBrowser } from '../support/browser';
import { TestSystem } from '../support/test-system';
import { ensureWebBuild } from '../support/web-build';

/** Screenshots of the booking page, kept as test artifacts (git-ignored). */
const SHOTS = join(__dirname, '..', '..', 'test-artifacts', 'booking-page');

/**
 * The public booking page in Debian's Chromium against the real api: a visitor in New York books
 * a Berlin venue, the slot race ends in a message (never a double booking), the manage link
 * moves and cancels, the .ics parses, axe finds nothing serious, phones get no sideways scroll.
 */
describe('booking page in a real browser', () => {
  let system: TestSystem;
  let browser: Browser;
  let setup: BookableVenue;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    system = await TestSystem.start({ listen: true });
    setup = await bookableVenue(system, {
      timezone: 'Europe/Berlin',
      performers: 1,
      weekly: EVERY_DAY.map((day) => ({ day, start: '09:00', end: '12:00' })),
      service: { durationMinutes: 60 },
      booking: { minNoticeMinutes: 0, horizonDays: 30, slotIntervalMinutes: 60, cancellationCutoffMinutes: 60 },
    });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  afterEach(() => {
    expect(consoleErrors.splice(0)).toEqual([]);
  });

  async function visitor(width = 1366, height = 900): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ timezoneId: 'America/New_York', locale: 'en-US', viewport: { width, height } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('console', (m) => {
      // A 404/409/422 the page handles shows up as a failed resource load; anything else is a bug.
      if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (404|409|422)/.test(m.text())) consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    return { context, page };
  }

  async function noSidewaysScroll(page: Page): Promise<void> {
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  }

  async function pickFirstTime(page: Page): Promise<string> {
    await page.getByRole('button', { name: /^Haircut/ }).click();
    await page.getByRole('heading', { name: 'Choose a time' }).waitFor();
    const time = page.locator('button.time').first();
    await time.waitFor();
    const startsAt = (await time.getAttribute('data-starts-at'))!;
    await time.click();
    await page.getByRole('heading', { name: 'Your details' }).waitFor();
    return startsAt;
  }

  async function fillDetails(page: Page, n: string): Promise<void> {
    const c = customer(n);
    await page.getByLabel('First name').fill(c.firstName);
    await page.getByLabel('Last name').fill(c.lastName);
    await page.getByLabel('Email').fill(c.email);
  }

  it('books a slot in the venue’s time with the visitor’s own beside it, and serves the appointment as .ics', async () => {
    const { context, page } = await visitor();
    await page.goto(`${system.baseUrl}/book/${setup.venue.id}`);
    await page.getByRole('heading', { name: 'Choose a service' }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'desktop-1-service.png'), fullPage: true });

    await page.getByRole('button', { name: /^Haircut/ }).click();
    await page.locator('button.time').first().waitFor();
    // Berlin time named; the New York visitor also sees their own clock beside it.
    await expect(page.locator('#zone-note').textContent()).resolves.toMatch(/Berlin time \((CET|CEST|GMT\+1|GMT\+2)\)/);
    const first = (await page.locator('button.time').first().getAttribute('data-starts-at'))!;
    const berlin = DateTime.fromISO(first).setZone('Europe/Berlin').toFormat('HH:mm');
    const newYork = DateTime.fromISO(first).setZone('America/New_York').toFormat('HH:mm');
    expect(['09:00', '10:00', '11:00']).toContain(berlin);
    await expect(page.locator('button.time').first().textContent()).resolves.toMatch(new RegExp(`^${berlin} Berlin time \\(.+\\)${newYork} your time$`));
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'desktop-2-time.png'), fullPage: true });
    const startsAt = (await page.locator('button.time').first().getAttribute('data-starts-at'))!;
    await page.locator('button.time').first().click();

    // Nothing is sent while the details are incomplete; the first bad field gets the focus.
    await page.getByRole('button', { name: 'Book this time' }).click();
    await page.getByText('Please enter your first name.').waitFor();
    expect(await page.locator('input[name=firstName]').evaluate((el) => el === (el.ownerDocument as { activeElement: unknown }).activeElement)).toBe(true);
    expect(await system.dataSource.query('SELECT count(*)::int AS n FROM bookings')).toEqual([{ n: 0 }]);
    await fillDetails(page, 'browser');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Book this time' }).click();
    await page.getByRole('heading', { name: 'You are booked' }).waitFor();
    const end = DateTime.fromISO(startsAt).setZone('Europe/Berlin').plus({ hours: 1 }).toFormat('HH:mm');
    await expect(page.locator('[data-when]').textContent()).resolves.toMatch(new RegExp(`, ${berlin}–${end} \\(Berlin time, (CES?T|GMT\\+[12])\\)$`));
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'desktop-3-confirmed.png'), fullPage: true });

    const [row] = await system.dataSource.query(
      `SELECT j.id AS job_id, j.starts_at, j.status, a.staff_id FROM bookings b JOIN jobs j ON j.id = b.job_id JOIN job_assignments a ON a.job_id = j.id AND a.active`,
    );
    expect(new Date(row.starts_at).toISOString()).toBe(new Date(startsAt).toISOString());
    expect(row).toMatchObject({ status: 'confirmed', staff_id: setup.staff[0].id });

    const manageUrl = await page.getByLabel('Your booking link').inputValue();
    const token = new URL(manageUrl).hash.replace('#manage=', '');
    const href = await page.getByRole('link', { name: 'Add to my calendar (.ics)' }).getAttribute('href');
    const ics = await fetch(`${system.baseUrl}${href}`);
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toMatch(/^text\/calendar/);
    const text = await ics.text();
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:');
    expect(text).not.toMatch(/^METHOD:/m);
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!);
    expect(event.startDate.toJSDate().toISOString()).toBe(new Date(startsAt).toISOString());
    expect(event.summary).toBe(`Haircut at ${(await system.dataSource.query('SELECT name FROM venues WHERE id = $1', [setup.venue.id]))[0].name}`);
    expect(event.description).toContain(token);
    // The same event as the emailed invitations: one UID per job.
    expect(event.uid).toBe(jobInvitationUid(row.job_id));
    // The link is the only key: a changed character answers the one 404.
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect((await fetch(`${system.baseUrl}/public/bookings/${tampered}/calendar.ics`)).status).toBe(404);
    await context.close();
  }, 180_000);

  it('tells the visitor when someone else took the time first, and offers the times still free', async () => {
    const { context, page } = await visitor();
    await page.goto(`${system.baseUrl}/book/${setup.venue.id}`);
    const startsAt = await pickFirstTime(page);
    // Someone else books the same time while this visitor types.
    await system
      .http()
      .post(`/public/venues/${setup.venue.id}/bookings`, { serviceId: setup.service.id, startsAt, customer: customer('fast') })
      .expect(201);
    await fillDetails(page, 'slow');
    await page.getByRole('button', { name: 'Book this time' }).click();
    await page.getByRole('alert').filter({ hasText: 'someone else just booked this time' }).waitFor();
    await page.getByRole('heading', { name: 'Choose a time' }).waitFor();
    await page.locator('button.time').first().waitFor();
    expect(await page.locator(`button.time[data-starts-at="${startsAt}"]`).count()).toBe(0);
    const [{ n }] = await system.dataSource.query(
      `SELECT count(*)::int AS n FROM job_assignments a JOIN job_assignments b ON a.staff_id = b.staff_id AND a.job_id < b.job_id AND a.during && b.during WHERE a.active AND b.active`,
    );
    expect(n).toBe(0);
    await context.close();
  }, 180_000);

  it('moves and cancels through the manage link, on a phone', async () => {
    const booked = await system
      .http()
      .post(`/public/venues/${setup.venue.id}/bookings`, { serviceId: setup.service.id, startsAt: await firstFree(), customer: customer('phone') })
      .expect(201);
    const { context, page } = await visitor(390, 844);
    await page.goto(`${system.baseUrl}${new URL(booked.body.manageUrl).pathname}${new URL(booked.body.manageUrl).hash}`);
    await page.getByRole('heading', { name: 'Your booking' }).waitFor();
    await expect(page.locator('[data-when]').textContent()).resolves.toMatch(/Berlin time/);
    await noSidewaysScroll(page);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'phone-1-manage.png'), fullPage: true });

    await page.getByRole('button', { name: 'Move to another time' }).click();
    await page.getByRole('heading', { name: 'Choose a new time' }).waitFor();
    const other = page.locator(`button.time:not([data-starts-at="${booked.body.startsAt}"])`).first();
    await other.waitFor();
    const newStart = (await other.getAttribute('data-starts-at'))!;
    await noSidewaysScroll(page);
    await page.screenshot({ path: join(SHOTS, 'phone-2-reschedule.png'), fullPage: true });
    await other.click();
    await page.getByRole('status').filter({ hasText: 'Moved.' }).waitFor();
    const [moved] = await system.dataSource.query('SELECT starts_at FROM jobs WHERE id = $1', [booked.body.jobId]);
    expect(new Date(moved.starts_at).toISOString()).toBe(new Date(newStart).toISOString());

    await page.getByRole('button', { name: 'Cancel booking' }).click();
    await page.getByRole('alertdialog').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Yes, cancel it' }).click();
    await page.getByRole('heading', { name: 'This booking is cancelled' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'phone-3-cancelled.png'), fullPage: true });
    const [cancelled] = await system.dataSource.query('SELECT status FROM jobs WHERE id = $1', [booked.body.jobId]);
    expect(cancelled.status).toBe('cancelled');
    // The link died with the booking.
    await page.reload();
    await page.getByRole('alert').filter({ hasText: 'not valid any more' }).waitFor();
    await context.close();
  }, 180_000);

  it('says so in words for an unknown venue and a broken link', async () => {
    const { context, page } = await visitor(390, 844);
    await page.goto(`${system.baseUrl}/book/00000000-0000-4000-8000-000000000000`);
    await page.getByRole('alert').filter({ hasText: 'There is no booking page at this address' }).waitFor();
    await page.goto(`${system.baseUrl}/book/${setup.venue.id}#manage=${'x'.repeat(40)}`);
    await page.getByRole('alert').filter({ hasText: 'not valid any more' }).waitFor();
    await noSidewaysScroll(page);
    await context.close();
  }, 120_000);

  async function firstFree(): Promise<string> {
    const from = new Date().toISOString();
    const to = new Date(Date.now() + 14 * 86_400_000).toISOString();
    const res = await system.http().get(`/public/venues/${setup.venue.id}/availability`).query({ serviceId: setup.service.id, from, to }).expect(200);
    return res.body.slots[0].startsAt;
  }
});
