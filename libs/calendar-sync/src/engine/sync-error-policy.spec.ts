import { ProviderError } from '../providers/provider-error';
import { backoffDelay, ConnectionHealth, decide, onSuccess, rateLimitDelay } from './sync-error-policy';

const policy = { backoffBaseMs: 1000, backoffMaxMs: 60_000, errorThreshold: 3 };
const healthy: ConnectionHealth = { status: 'active', failureCount: 0, backoffUntil: null, lastError: null, rateLimitedCount: 0 };
const now = new Date('2026-03-29T10:00:00Z');

describe('sync error policy', () => {
  it('resyncs on an expired cursor without touching the connection', () => {
    expect(decide(healthy, new ProviderError('CursorExpired', 'x'), policy, now)).toEqual({ health: healthy, action: { kind: 'resync' } });
  });

  it('marks needs_reauth once and stops on rejected credentials', () => {
    const d = decide(healthy, new ProviderError('AuthRevoked', '401'), policy, now);
    expect(d.action).toEqual({ kind: 'stop' });
    expect(d.health).toMatchObject({ status: 'needs_reauth', failureCount: 1, lastError: '401' });
  });

  it('backs off exponentially on transient errors and shows error after the threshold', () => {
    let h = healthy;
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const d = decide(h, new ProviderError('Transient', '503'), policy, now);
      expect(d.action.kind).toBe('retry');
      delays.push((d.action as { delayMs: number }).delayMs);
      h = d.health;
    }
    expect(delays).toEqual([1000, 2000, 4000]);
    expect(h).toMatchObject({ status: 'error', failureCount: 3, backoffUntil: new Date(now.getTime() + 4000) });
    expect(onSuccess(h)).toEqual(healthy);
  });

  it('a rate limit is not a failure: waits Retry-After (with a little jitter), never error, failure count untouched', () => {
    let h: ConnectionHealth = { ...healthy, status: 'syncing' };
    for (let i = 1; i <= 10; i++) {
      const d = decide(h, new ProviderError('RateLimited', '429', { retryAfterMs: 1000 }), policy, now, () => 0.5);
      expect(d.action).toEqual({ kind: 'wait', delayMs: 1050 });
      expect(d.health).toEqual({ status: 'syncing', failureCount: 0, lastError: null, rateLimitedCount: i, backoffUntil: new Date(now.getTime() + 1050) });
      h = d.health;
    }
    // Shorter than the back-off of a failure: still only what the provider asked for.
    expect(decide(healthy, new ProviderError('RateLimited', '429', { retryAfterMs: 0 }), policy, now).action).toEqual({ kind: 'wait', delayMs: 0 });
    expect(onSuccess(h)).toEqual(healthy);
  });

  it('a rate limit keeps an earlier failure as it is (status, count, message)', () => {
    const failing: ConnectionHealth = { status: 'error', failureCount: 4, backoffUntil: null, lastError: '503', rateLimitedCount: 0 };
    expect(decide(failing, new ProviderError('RateLimited', '429', { retryAfterMs: 2000 }), policy, now, () => 0).health).toEqual({
      ...failing,
      rateLimitedCount: 1,
      backoffUntil: new Date(now.getTime() + 2000),
    });
  });

  it('without Retry-After backs off exponentially over the rate limits in a row, with jitter', () => {
    expect([1, 2, 3, 4].map((n) => rateLimitDelay(undefined, n, policy, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => rateLimitDelay(undefined, n, policy, () => 0.999999))).toEqual([1000, 2000, 4000, 8000]);
    expect(rateLimitDelay(undefined, 40, policy, () => 1)).toBe(60_000);
    expect(rateLimitDelay(120_000, 1, policy, () => 1)).toBe(121_000); // jitter at most 1 s
  });

  it('stops without retry on permanent errors, drops mappings on NotFound', () => {
    expect(decide(healthy, new ProviderError('Permanent', '400'), policy, now)).toMatchObject({
      health: { status: 'error', backoffUntil: new Date(now.getTime() + 1000) },
      action: { kind: 'stop' },
    });
    expect(decide(healthy, new ProviderError('NotFound', '404'), policy, now)).toEqual({ health: healthy, action: { kind: 'drop' } });
  });

  it('caps the back-off and never revives a connection waiting for the user', () => {
    expect(backoffDelay(40, policy)).toBe(60_000);
    const waiting: ConnectionHealth = { ...healthy, status: 'needs_reauth' };
    expect(decide(waiting, new ProviderError('Transient', 'x'), policy, now).health.status).toBe('needs_reauth');
    expect(onSuccess(waiting)).toBe(waiting);
  });
});
