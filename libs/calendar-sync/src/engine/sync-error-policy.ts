import type { ConnectionStatus } from '../connections/entities/sync-connection.entity';
import type { ProviderError } from '../providers/provider-error';

/** The health columns of a connection. */
export interface ConnectionHealth {
  status: ConnectionStatus;
  failureCount: number;
  backoffUntil: Date | null;
  lastError: string | null;
  /** Rate limits met in a row; kept apart from `failureCount` (a rate limit is not a failure). */
  rateLimitedCount?: number;
}

export interface BackoffPolicy {
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Consecutive failures after which the connection shows `error` (it is still retried). */
  errorThreshold: number;
}

/** What the engine does about an outcome, besides writing `health`. */
export type SyncAction =
  /** Nothing more: the work succeeded. */
  | { kind: 'ok' }
  /** The cursor is gone: forget it and list the calendar in full, now. */
  | { kind: 'resync' }
  /** Try again after `delayMs` (the back-off of a failure). */
  | { kind: 'retry'; delayMs: number }
  /** Throttled: wait `delayMs` (Retry-After when the provider named one) without spending an attempt. */
  | { kind: 'wait'; delayMs: number }
  /** The object is gone: drop the mapping (deletes count as done). */
  | { kind: 'drop' }
  /** Stop: retrying cannot help (credentials rejected, or a permanent refusal). */
  | { kind: 'stop' };

export interface Decision {
  health: ConnectionHealth;
  action: SyncAction;
}

/** Exponential back-off: base, 2x base, 4x base... capped. */
export function backoffDelay(failures: number, policy: BackoffPolicy): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30));
  return Math.min(policy.backoffBaseMs * 2 ** exponent, policy.backoffMaxMs);
}

/**
 * How long to wait after a rate limit: what Retry-After says (plus up to 10 %, at most 1 s, of
 * jitter, so that many connections throttled together do not come back in one burst), else an
 * exponential back-off over the rate limits in a row with "equal jitter" (half fixed, half random).
 */
export function rateLimitDelay(retryAfterMs: number | undefined, rateLimitsInARow: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return Math.round(retryAfterMs + random() * Math.min(retryAfterMs * 0.1, 1000));
  const ceiling = backoffDelay(rateLimitsInARow, policy);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** A successful sync: the connection is healthy again (unless the user disconnected it meanwhile). */
export function onSuccess(current: ConnectionHealth): ConnectionHealth {
  if (current.status === 'disconnected' || current.status === 'needs_reauth') return current;
  return { status: 'active', failureCount: 0, backoffUntil: null, lastError: null, rateLimitedCount: 0 };
}

/**
 * The one handler that turns a classified provider error into a state change. Pure.
 * - CursorExpired: full resync of that calendar; the connection stays as it is.
 * - RateLimited: not a failure. Wait for Retry-After (or back off exponentially with jitter when
 *   the provider names no delay), without spending an attempt; the status, failure count and
 *   last error stay as they are, `rateLimitedCount` and `backoffUntil` tell the throttling.
 * - AuthRevoked: `needs_reauth` once; nothing is retried until the user reconnects.
 * - NotFound: drop the mapping; not a connection failure.
 * - Transient: exponential back-off, retry; `error` after the threshold.
 * - Permanent: `error`, not retried (regular polls continue, backing off).
 */
export function decide(current: ConnectionHealth, error: ProviderError, policy: BackoffPolicy, now: Date = new Date(), random: () => number = Math.random): Decision {
  const message = error.message.slice(0, 500);
  switch (error.code) {
    case 'CursorExpired':
      return { health: current, action: { kind: 'resync' } };
    case 'NotFound':
      return { health: current, action: { kind: 'drop' } };
    case 'AuthRevoked':
      return {
        health: { status: 'needs_reauth', failureCount: current.failureCount + 1, backoffUntil: null, lastError: message },
        action: { kind: 'stop' },
      };
    case 'Permanent': {
      // No retry of this job; the connection's regular polls slow down (they heal it if the cause goes away).
      const failures = current.failureCount + 1;
      return {
        health: { status: 'error', failureCount: failures, backoffUntil: new Date(now.getTime() + backoffDelay(failures, policy)), lastError: message },
        action: { kind: 'stop' },
      };
    }
    case 'RateLimited': {
      const rateLimitedCount = (current.rateLimitedCount ?? 0) + 1;
      const delayMs = rateLimitDelay(error.retryAfterMs, rateLimitedCount, policy, random);
      return {
        health: { ...current, rateLimitedCount, backoffUntil: new Date(now.getTime() + delayMs) },
        action: { kind: 'wait', delayMs },
      };
    }
    case 'Transient': {
      const failures = current.failureCount + 1;
      const delayMs = Math.max(error.retryAfterMs ?? 0, backoffDelay(failures, policy));
      const status: ConnectionStatus =
        current.status === 'needs_reauth' || current.status === 'disconnected'
          ? current.status
          : failures >= policy.errorThreshold
            ? 'error'
            : current.status;
      return {
        health: { status, failureCount: failures, backoffUntil: new Date(now.getTime() + delayMs), lastError: message, rateLimitedCount: 0 },
        action: { kind: 'retry', delayMs },
      };
    }
  }
}
