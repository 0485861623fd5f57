import type { ConnectionStatus } from '../connections/entities/sync-connection.entity';
import type { ProviderError } from '../providers/provider-error';

/** The health columns of a connection. */
export interface ConnectionHealth {
  status: ConnectionStatus;
  failureCount: number;
  backoffUntil: Date | null;
  lastError: string | null;
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
  /** Try again after `delayMs` (Retry-After when the provider named one). */
  | { kind: 'retry'; delayMs: number }
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

/** A successful sync: the connection is healthy again (unless the user disconnected it meanwhile). */
export function onSuccess(current: ConnectionHealth): ConnectionHealth {
  if (current.status === 'disconnected' || current.status === 'needs_reauth') return current;
  return { status: 'active', failureCount: 0, backoffUntil: null, lastError: null };
}

/**
 * The one handler that turns a classified provider error into a state change. Pure.
 * - CursorExpired: full resync of that calendar; the connection stays as it is.
 * - RateLimited: back off for Retry-After (or exponentially), retry.
 * - AuthRevoked: `needs_reauth` once; nothing is retried until the user reconnects.
 * - NotFound: drop the mapping; not a connection failure.
 * - Transient: exponential back-off, retry; `error` after the threshold.
 * - Permanent: `error`, not retried (regular polls continue, backing off).
 */
export function decide(current: ConnectionHealth, error: ProviderError, policy: BackoffPolicy, now: Date = new Date()): Decision {
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
    case 'RateLimited':
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
        health: { status, failureCount: failures, backoffUntil: new Date(now.getTime() + delayMs), lastError: message },
        action: { kind: 'retry', delayMs },
      };
    }
  }
}
