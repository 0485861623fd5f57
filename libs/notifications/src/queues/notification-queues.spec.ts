import { nextWebhookAttempt, notificationBackoffStrategy, RetryLaterError } from './notification-queues';

describe('webhook retry schedule', () => {
  const policy = { backoffBaseMs: 5_000, backoffMaxMs: 3_600_000 };
  const start = new Date('2027-01-01T00:00:00Z');
  const giveUp = new Date(start.getTime() + 24 * 3_600_000);

  it('doubles from the base, capped, and retries for the whole window before giving up', () => {
    expect(nextWebhookAttempt(1, start, giveUp, policy)!.getTime() - start.getTime()).toBe(5_000);
    expect(nextWebhookAttempt(2, start, giveUp, policy)!.getTime() - start.getTime()).toBe(10_000);
    expect(nextWebhookAttempt(20, start, giveUp, policy)!.getTime() - start.getTime()).toBe(3_600_000);
    let now = start;
    let attempts = 1;
    const times: Date[] = [];
    for (;;) {
      const next = nextWebhookAttempt(attempts, now, giveUp, policy);
      if (!next) break;
      times.push(next);
      now = next;
      attempts++;
    }
    expect(times[times.length - 1]).toEqual(giveUp);
    expect(attempts).toBeGreaterThan(20);
    expect(attempts).toBeLessThan(40);
  });

  it('uses the delay a task asked for', () => {
    expect(notificationBackoffStrategy(3, 'custom', new RetryLaterError('x', 1234))).toBe(1234);
    expect(notificationBackoffStrategy(3, 'custom', new Error('x'))).toBe(4000);
  });
});
