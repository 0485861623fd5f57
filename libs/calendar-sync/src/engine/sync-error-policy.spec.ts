import { ProviderError } from '../providers/provider-error';
import { backoffDelay, ConnectionHealth, decide, onSuccess } from './sync-error-policy';

const policy = { backoffBaseMs: 1000, backoffMaxMs: 60_000, errorThreshold: 3 };
const healthy: ConnectionHealth = { status: 'active', failureCount: 0, backoffUntil: null, lastError: null };
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

  it('honours Retry-After when it is longer than the back-off', () => {
    const d = decide(healthy, new ProviderError('RateLimited', '429', { retryAfterMs: 30_000 }), policy, now);
    expect(d.action).toEqual({ kind: 'retry', delayMs: 30_000 });
    expect(d.health.backoffUntil).toEqual(new Date(now.getTime() + 30_000));
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
