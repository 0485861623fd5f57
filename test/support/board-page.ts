import type { Page } from 'playwright-core';

/**
 * Pointer positions on the dispatcher board (the @event-calendar timeline): a lane is a row
 * (its row header carries the staff member's name), a time is a column of the header's slots.
 */
export class BoardPage {
  constructor(readonly page: Page) {}

  /** Screen point of `hh:mm` (venue wall clock, shown day) in the named lane. */
  async point(lane: string, hhmm: string): Promise<{ x: number; y: number }> {
    const [h, m] = hhmm.split(':').map(Number);
    const hourSlot = this.page.locator('.ec-header .ec-slot time', { hasText: `${String(h).padStart(2, '0')}:00` }).first();
    const slot = await hourSlot.locator('xpath=..').boundingBox();
    const row = await this.page.locator('.ec-body .ec-row-head', { hasText: lane }).first().boundingBox();
    if (!slot || !row) throw new Error(`No lane "${lane}" or no ${hhmm} column on the board`);
    // Header slots are one hour wide (label periodicity), so minutes are a fraction of it.
    return { x: slot.x + (slot.width * m) / 60 + 2, y: row.y + row.height / 2 };
  }

  /** Press, move in steps (the component needs real pointer moves), release. */
  async drag(from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
    const mouse = this.page.mouse;
    await mouse.move(from.x, from.y);
    await mouse.down();
    const steps = 12;
    for (let i = 1; i <= steps; i++) await mouse.move(from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
    await mouse.up();
  }

  /** Drag a job's element by its left edge to a lane and time. */
  async dragJob(jobId: string, lane: string, hhmm: string): Promise<void> {
    const box = await this.page.locator(`[data-event-job="${jobId}"]`).first().boundingBox();
    if (!box) throw new Error(`Job ${jobId} is not on the board`);
    const target = await this.point(lane, hhmm);
    await this.drag({ x: box.x + 3, y: box.y + box.height / 2 }, { x: target.x + 1, y: target.y });
  }

  /** Drag a job's resize handle (its right edge) to a time. */
  async resizeJob(jobId: string, hhmm: string): Promise<void> {
    const job = this.page.locator(`[data-event-job="${jobId}"]`).first();
    await job.hover();
    const handle = await job.locator('.ec-resizer').last().boundingBox();
    const box = await job.boundingBox();
    if (!handle || !box) throw new Error(`Job ${jobId} has no resize handle`);
    const target = await this.point('Unassigned', hhmm);
    await this.drag({ x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 }, { x: target.x, y: box.y + box.height / 2 });
  }
}
