/**
 * The few things that can go wrong when talking to a calendar provider. Each provider maps its
 * SDK/HTTP errors to these once (its `classifyError`); the engine's one handler turns each into
 * a state change (see `SyncErrorPolicy`).
 */
export const PROVIDER_ERROR_CODES = ['CursorExpired', 'RateLimited', 'AuthRevoked', 'NotFound', 'Transient', 'Permanent'] as const;
export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number];

export interface ProviderErrorOptions {
  /** RateLimited: how long the provider asked us to wait (Retry-After). */
  retryAfterMs?: number;
  /** HTTP status, when there was one. */
  status?: number;
  cause?: unknown;
}

export class ProviderError extends Error {
  readonly retryAfterMs?: number;
  readonly status?: number;

  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    options: ProviderErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }

  static is(error: unknown, code?: ProviderErrorCode): error is ProviderError {
    return error instanceof ProviderError && (code === undefined || error.code === code);
  }
}

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unusable.
 * Capped at a day so a hostile header cannot park a connection forever.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  let ms: number | undefined;
  if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else if (/^[a-z]{3,9},?\s/i.test(trimmed)) {
    // An HTTP date (IMF-fixdate, e.g. "Sun, 29 Mar 2026 10:00:30 GMT"); Date.parse alone would take "-5" for a year.
    const at = Date.parse(trimmed);
    if (!Number.isNaN(at)) ms = Math.max(0, at - now);
  }
  return ms === undefined ? undefined : Math.min(ms, 86_400_000);
}
