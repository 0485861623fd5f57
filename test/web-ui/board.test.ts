import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seriousA11yViolations, horizontalOverflow } from '../support/axe';
import { BoardPage } from '../support/board-page';
import { at } from '../support/factory';
import { launchBrowser } from '../support/browser';
import { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';

const ZONE = 'Europe/Berlin';
/** Screenshots are test artifacts (look at them: the file viewer shows PNG). */
const SHOTS = join(__dirname, '..', '..', 'test-artifacts', 'web-ui');

describe('the dispatcher board in a real browser', () => {
  let system: TestSystem;
  let browser: Browser;
  let context: BrowserContext;
  let venue: { id: string; name: string };
  let maria: { id: string };
  let jonas: { id: string };
  let balayage: { id: string };
  let lena: { id: string };
  const tomorrow = at(1, '00:00', ZONE).slice(0, 10);
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    system = await TestSystem.start({ listen: true, worker: true });
    venue = await system.factory.venue({ name: 'Kreuzberg', timezone: ZONE });
    maria = await system.factory.staff({ venueIds: [venue.id], name: 'Maria Schmidt' });
    jonas = await system.factory.staff({ venueIds: [venue.id], name: 'Jonas Weber' });
    balayage = await system.factory.job({ venueId: venue.id, title: 'Balayage', startsAt: at(1, '10:00', ZONE), endsAt: at(1, '11:00', ZONE), status: 'confirmed' });
    await system.factory.assign(balayage.id, maria.id);
    lena = await system.factory.customer({ venueId: venue.id, firstName: 'Lena', lastName: 'Vogel', email: 'lena@example.com' });
    await system.factory.blockedSlot(maria.id, { startsAt: at(1, '10:30', ZONE), endsAt: at(1, '12:00', ZONE), reason: 'Dentist' });
    browser = await launchBrowser();
    // The dispatcher sits in New York; the venue is in Berlin: the board shows Berlin times.
    context = await browser.newContext({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await system?.stop();
  });

  async function openBoard(extra = ''): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    // A 409 the board shows as a conflict is an answer, not an error (the browser logs every non-2xx).
    page.on('console', (m) => m.type() === 'error' && !/status of 409/.test(m.text()) && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${system.baseUrl}/app/#token=${system.dispatcherToken(venue.id)}&venue=${venue.id}&date=${tomorrow}${extra}`);
    await page.locator('#board[data-loaded]').waitFor();
    await page.locator(`[data-event-job="${balayage.id}"]`).waitFor();
    return page;
  }

  const jobRow = async (title: string) => {
    const [row] = await system.dataSource.query(
      `SELECT j.id, j.starts_at, j.ends_at, j.status, j.version, array_remove(array_agg(a.staff_id::text), NULL) AS staff
         FROM jobs j LEFT JOIN job_assignments a ON a.job_id = j.id WHERE j.title = $1 GROUP BY j.id`,
      [title],
    );
    return row as { id: string; starts_at: Date; ends_at: Date; status: string; version: number; staff: string[] } | undefined;
  };

  it('shows lanes, venue times, status colours, Busy time and the conflict on both sides', async () => {
    const page = await openBoard();
    await expect(page.locator('.zone-label').first().textContent()).resolves.toContain('Berlin time');
    const job = page.locator(`[data-event-job="${balayage.id}"]`);
    await expect(job.textContent()).resolves.toContain('10:00');
    expect(await job.getAttribute('class')).toMatch(/st-confirmed/);
    expect(await job.getAttribute('class')).toMatch(/conflict/);
    const slot = page.locator('[data-event-slot]').first();
    await expect(slot.textContent()).resolves.toContain('Busy');
    expect(await slot.getAttribute('class')).toMatch(/conflict/);
    for (const lane of ['Unassigned', 'Jonas Weber', 'Maria Schmidt']) await page.locator('.ec-row-head', { hasText: lane }).waitFor();
    await expect(page.locator('[data-section="Open conflicts"] li').first().textContent()).resolves.toMatch(/Maria Schmidt[\s\S]*Balayage[\s\S]*Dentist/);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'board-day.png'), fullPage: true });
    await page.close();
  });

  it('creates a job by selecting a time in a lane, reschedules it by dragging and resizing', async () => {
    const page = await openBoard();
    const board = new BoardPage(page);
    // Selection snaps to quarter hours: from inside 13:00–13:15 to inside 13:45–14:00.
    await board.drag(await board.point('Jonas Weber', '13:05'), await board.point('Jonas Weber', '13:50'));
    const panel = page.getByRole('dialog');
    await panel.getByLabel('Title').fill('Cut & colour');
    // For an existing customer of the venue, found by typing part of her name.
    await panel.getByLabel("Search the venue's customers").fill('vog');
    await panel.getByRole('button', { name: 'Lena Vogel · lena@example.com' }).click();
    await panel.locator(`[data-customer="${lena.id}"]`).waitFor();
    await expect(panel.getByLabel('Staff').inputValue()).resolves.toBe(jonas.id);
    // Held as a Google Meet: the assignee's calendar creates the link (Jonas has none connected yet).
    await panel.getByRole('combobox', { name: /^Meeting/ }).selectOption('google_meet');
    await panel.getByText('created by the assigned staff member').waitFor();
    await panel.getByRole('button', { name: 'Create job' }).click();
    const created = await waitFor(async () => {
      const row = await jobRow('Cut & colour');
      expect(row?.staff).toEqual([jonas.id]);
      return row!;
    }, { what: 'the job to be created and assigned' });
    expect(new Date(created.starts_at).toISOString()).toBe(new Date(at(1, '13:00', ZONE)).toISOString());
    const [{ customer_id }] = await system.dataSource.query(`SELECT customer_id FROM jobs WHERE id = $1`, [created.id]);
    expect(customer_id).toBe(lena.id);
    expect(new Date(created.ends_at).toISOString()).toBe(new Date(at(1, '14:00', ZONE)).toISOString());
    await page.locator(`[data-event-job="${created.id}"]`).waitFor();
    const auth = `Bearer ${system.dispatcherToken(venue.id)}`;
    const stored = await system.http().get(`/v1/jobs/${created.id}`).set('Authorization', auth).expect(200);
    expect(stored.body.remote).toMatchObject({ provider: 'google_meet', url: null, meeting: { status: 'requested' } });
    const jobPanel = page.getByRole('dialog', { name: 'Cut & colour' });
    await jobPanel.locator('[role=status]', { hasText: 'Google Meet link: created when the job reaches a connected calendar' }).waitFor();
    await expect(jobPanel.getByRole('combobox', { name: /^Meeting/ }).inputValue()).resolves.toBe('google_meet');
    // A fixed link needs its URL: the API's answer shows next to the field, and nothing changes.
    await jobPanel.getByRole('combobox', { name: /^Meeting/ }).selectOption('url');
    await jobPanel.getByRole('button', { name: 'Save changes' }).click();
    await jobPanel.locator('#meeting-error', { hasText: 'Enter the meeting link' }).waitFor();
    expect(await jobPanel.getByLabel('Meeting link').getAttribute('aria-describedby')).toBe('meeting-error');
    expect((await system.http().get(`/v1/jobs/${created.id}`).set('Authorization', auth).expect(200)).body.remote.provider).toBe('google_meet');
    // (The browser logs that 400; it is the answer shown, not an error of the page.)
    await waitFor(async () => expect(errors.filter((e) => /status of 400/.test(e))).toHaveLength(1), { what: 'the 400 to be logged' });
    errors.splice(errors.findIndex((e) => /status of 400/.test(e)), 1);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'board-job-meeting.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await jobPanel.screenshot({ path: join(SHOTS, 'board-job-meeting-phone.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
    // Removing it on edit sends remote: null.
    await jobPanel.getByRole('combobox', { name: /^Meeting/ }).selectOption('none');
    await jobPanel.getByRole('button', { name: 'Save changes' }).click();
    await waitFor(async () => expect((await system.http().get(`/v1/jobs/${created.id}`).set('Authorization', auth).expect(200)).body.remote).toBeNull(), {
      what: 'the meeting to be removed',
    });
    await expect(jobPanel.locator('#meeting-error').count()).resolves.toBe(0);
    // The job's panel opened beside the board; close it (focus returns to the board).
    await panel.getByRole('button', { name: 'Close panel' }).click();
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('board');

    await board.dragJob(created.id, 'Jonas Weber', '15:00');
    await waitFor(async () => expect(new Date((await jobRow('Cut & colour'))!.starts_at).toISOString()).toBe(new Date(at(1, '15:00', ZONE)).toISOString()), {
      what: 'the drag to reschedule',
    });
    await page.locator('#board-message', { hasText: 'done' }).waitFor();
    // Resizing snaps like selecting: the end is the end of the quarter hour under the pointer.
    await board.resizeJob(created.id, '16:20');
    await waitFor(async () => expect(new Date((await jobRow('Cut & colour'))!.ends_at).toISOString()).toBe(new Date(at(1, '16:30', ZONE)).toISOString()), {
      what: 'the resize',
    });
    await page.close();
  });

  it('reassigns by dragging to another lane, shows the conflict and assigns anyway only when it may', async () => {
    const job = await system.factory.job({ venueId: venue.id, title: 'Gloss', startsAt: at(1, '17:00', ZONE), endsAt: at(1, '18:00', ZONE) });
    await system.factory.assign(job.id, jonas.id);
    const page = await openBoard();
    const board = new BoardPage(page);
    await page.locator(`[data-event-job="${job.id}"]`).waitFor();
    // Into Maria's lane at 11:00: she is blocked (Dentist) until 12:00 -> overridable conflict.
    await board.dragJob(job.id, 'Maria Schmidt', '11:00');
    const dialog = page.getByRole('alertdialog', { name: 'Scheduling conflict' });
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toMatch(/Maria Schmidt.*blocked time.*10:30–12:00/);
    await page.screenshot({ path: join(SHOTS, 'board-conflict.png'), fullPage: true });
    await dialog.getByRole('button', { name: 'Assign anyway' }).click();
    await waitFor(async () => expect((await jobRow('Gloss'))?.staff).toEqual([maria.id]), { what: 'the override to assign Maria' });
    const [overridden] = await system.dataSource.query(`SELECT status FROM conflicts WHERE job_id = $1 AND staff_id = $2`, [job.id, maria.id]);
    expect(overridden.status).toBe('overridden');

    // Onto Maria's Balayage (10:00–11:00): two jobs of one person never overlap -> no "Assign anyway".
    const other = await system.factory.job({ venueId: venue.id, title: 'Trim', startsAt: at(1, '10:00', ZONE), endsAt: at(1, '10:45', ZONE) });
    await page.getByRole('button', { name: 'Reload' }).click();
    await page.locator(`[data-event-job="${other.id}"]`).waitFor();
    await page.locator(`[data-event-job="${other.id}"]`).click();
    const panel = page.getByRole('dialog');
    await panel.getByLabel('Staff member to assign').selectOption(maria.id);
    await panel.getByRole('button', { name: 'Assign', exact: true }).click();
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toContain('another job');
    expect(await dialog.getByRole('button', { name: 'Assign anyway' }).count()).toBe(0);
    await dialog.getByRole('button', { name: 'OK' }).click();
    expect((await jobRow('Trim'))?.staff).toEqual([]);
    await page.close();
  });

  it('reloads a job changed by someone else (VERSION_MISMATCH) and says so; cancels a job', async () => {
    const job = await system.factory.job({ venueId: venue.id, title: 'Perm', startsAt: at(1, '08:00', ZONE), endsAt: at(1, '09:00', ZONE) });
    const page = await openBoard();
    await page.locator(`[data-event-job="${job.id}"]`).click();
    const panel = page.getByRole('dialog');
    await panel.getByLabel('Location').fill('Chair 3');
    // Meanwhile another dispatcher renames it.
    await system.http().patch(`/v1/jobs/${job.id}`).set('Authorization', `Bearer ${system.dispatcherToken(venue.id)}`).send({ title: 'Perm (long hair)' }).expect(200);
    await panel.getByRole('button', { name: 'Save changes' }).click();
    // (A live update may first say the job changed while editing; the save's answer is what counts.)
    await panel.locator('[role=status]', { hasText: 'the latest version has been loaded' }).waitFor();
    await waitFor(async () => expect(await panel.getByLabel('Title').inputValue()).toBe('Perm (long hair)'), { what: 'the form to reload' });

    await panel.getByRole('button', { name: 'Cancel job' }).click();
    await panel.getByRole('button', { name: 'Yes, cancel the job' }).click();
    await waitFor(async () => expect((await jobRow('Perm (long hair)'))?.status).toBe('cancelled'), { what: 'the job to be cancelled' });
    await page.close();
  });

  it('shows the week as a roster (lanes by days), moves a chip to another day and person by dragging, opens it from the keyboard', async () => {
    const job = await system.factory.job({ venueId: venue.id, title: 'Highlights', startsAt: at(1, '14:00', ZONE), endsAt: at(1, '15:00', ZONE), status: 'pending' });
    await system.factory.assign(job.id, jonas.id);
    const page = await openBoard('&view=week');
    await page.getByRole('button', { name: 'Week', exact: true }).and(page.locator('[aria-pressed="true"]')).waitFor();
    await expect(page.locator('.zone-label').first().textContent()).resolves.toContain('Berlin time');
    // Lanes: unassigned first, then people by name, each with calendar health.
    await expect(page.locator('.roster [data-lane] .lane-name').allTextContents()).resolves.toEqual(['Unassigned', 'Jonas Weber', 'Maria Schmidt']);
    expect(await page.locator(`.roster [data-lane="${maria.id}"] [data-health]`).getAttribute('data-health')).toBe('none');
    // Venue times, status colours, Busy without a pulled event's text, the conflict on both sides.
    const chip = page.locator(`[data-event-job="${balayage.id}"]`);
    await expect(chip.textContent()).resolves.toContain('10:00');
    expect(await chip.getAttribute('class')).toMatch(/st-confirmed.*conflict/);
    const busy = page.locator(`[data-lane="${maria.id}"] [data-event-slot]`).first();
    await expect(busy.textContent()).resolves.toContain('Busy');
    expect(await busy.getAttribute('class')).toMatch(/conflict/);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'board-week.png'), fullPage: true });

    // Drag Jonas's Highlights to Maria, one day later (or earlier at the end of the week).
    const from = Number(await page.locator(`[data-event-job="${job.id}"]`).locator('xpath=..').getAttribute('data-cell-day'));
    const to = from < 6 ? from + 1 : from - 1;
    await page.dragAndDrop(`[data-event-job="${job.id}"]`, `[data-cell-lane="${maria.id}"][data-cell-day="${to}"]`, { targetPosition: { x: 10, y: 5 } });
    await waitFor(
      async () => {
        const row = await jobRow('Highlights');
        expect(row?.staff).toEqual([maria.id]);
        expect(new Date(row!.starts_at).toISOString()).toBe(new Date(at(1 + to - from, '14:00', ZONE)).toISOString());
      },
      { what: 'the drag to another day and person' },
    );
    await page.locator(`[data-cell-lane="${maria.id}"][data-cell-day="${to}"] [data-event-job="${job.id}"]`).waitFor();

    // Keyboard: the chip is a button; Enter opens its panel (focus in it), closing returns focus to the chip.
    const moved = page.locator(`[data-event-job="${job.id}"]`);
    await moved.focus();
    await page.keyboard.press('Enter');
    const panel = page.getByRole('dialog', { name: 'Highlights' });
    await panel.getByLabel('Title').waitFor();
    expect(await page.evaluate('document.activeElement && document.activeElement.closest("[role=dialog]") !== null')).toBe(true);
    await expect(panel.getByLabel(/^Starts/).inputValue()).resolves.toBe(new Date(Date.parse(at(1 + to - from, '14:00', ZONE))).toISOString().slice(0, 10) + 'T14:00');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await page.evaluate('document.activeElement && document.activeElement.getAttribute("data-event-job")')).toBe(job.id);

    // The roster is one Tab stop (the chip last used); arrows move between chips; the next Tab leaves it.
    await page.getByRole('button', { name: 'Reload' }).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.getAttribute("data-event-job")')).toBe(job.id);
    // Maria's Balayage is on the day Highlights came from.
    await page.keyboard.press(to > from ? 'ArrowLeft' : 'ArrowRight');
    expect(await page.evaluate('document.activeElement.getAttribute("data-event-job")')).toBe(balayage.id);
    await page.keyboard.press(to > from ? 'ArrowRight' : 'ArrowLeft');
    expect(await page.evaluate('document.activeElement.getAttribute("data-event-job")')).toBe(job.id);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.hasAttribute("data-event-job")')).toBe(false);

    // A job from the keyboard alone: the toolbar's "New job", for a new customer.
    await page.getByRole('button', { name: 'New job' }).focus();
    await page.keyboard.press('Enter');
    const form = page.getByRole('dialog', { name: 'New job' });
    await form.getByLabel('Title').waitFor();
    await page.keyboard.type('Beard trim');
    await form.getByLabel("Search the venue's customers").fill('Tom Berg');
    await form.locator('[role=status]', { hasText: 'No customer matches' }).waitFor();
    await form.getByRole('button', { name: 'New customer' }).focus();
    await page.keyboard.press('Enter');
    await expect(form.getByLabel('First name').inputValue()).resolves.toBe('Tom');
    await expect(form.getByLabel('Last name').inputValue()).resolves.toBe('Berg');
    await form.getByRole('button', { name: 'Create job' }).focus();
    await page.keyboard.press('Enter');
    await waitFor(
      async () => {
        const [row] = await system.dataSource.query(`SELECT c.first_name, c.last_name FROM jobs j JOIN customers c ON c.id = j.customer_id WHERE j.title = 'Beard trim'`);
        expect(row).toEqual({ first_name: 'Tom', last_name: 'Berg' });
      },
      { what: 'the job for a new customer' },
    );
    await page.getByRole('dialog', { name: 'Beard trim' }).getByText('Customer: Tom Berg').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'board-new-job.png'), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, 'board-week-phone.png'), fullPage: true });
    await page.close();
  });

  it('fits the day view on a phone without horizontal overflow', async () => {
    const page = await openBoard();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#board[data-loaded]').waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, 'board-phone.png'), fullPage: true });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.close();
    expect(errors).toEqual([]);
  });
});
