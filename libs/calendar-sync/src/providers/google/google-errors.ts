import { parseRetryAfter, ProviderError } from '../provider-error';
import { HeadersLike, headerValue } from '../remote-requests';

/** The parts of a gaxios error (googleapis, google-auth-library) that classification reads. */
interface GaxiosLike {
  name?: string;
  message?: string;
  status?: number;
  code?: string | number;
  cause?: { code?: string; name?: string };
  response?: {
    status?: number;
    headers?: HeadersLike;
    data?: unknown;
  };
}

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded', 'dailyLimitExceeded']);
const CURSOR_REASONS = new Set(['fullSyncRequired', 'updatedMinTooLongAgo']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The one place Google Calendar and Google OAuth failures become engine codes (pure).
 * - 410 `fullSyncRequired` / `updatedMinTooLongAgo`: the sync token is gone -> CursorExpired.
 * - 403 `rateLimitExceeded` / `userRateLimitExceeded` (and quota reasons), 429 -> RateLimited, with Retry-After.
 * - 401, `invalid_grant` from the token endpoint, 403 `insufficientPermissions` (scopes taken back) -> AuthRevoked.
 * - 404, and 410 elsewhere (an event already deleted) -> NotFound.
 * - 408, 5xx and network failures -> Transient; any other 4xx -> Permanent.
 * https://developers.google.com/calendar/api/guides/errors
 */
export function classifyGoogleError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const e = (error ?? {}) as GaxiosLike;
  const status = e.response?.status ?? e.status ?? (typeof e.code === 'number' ? e.code : undefined);
  const reason = reasonOf(e.response?.data);
  const retryAfterMs = parseRetryAfter(headerValue(e.response?.headers, 'retry-after'));
  const message = `Google answered ${status ?? 'nothing'}${reason ? ` (${reason})` : ''}`;
  if (reason === 'invalid_grant') return new ProviderError('AuthRevoked', `${message}: the grant was revoked or expired`, { status });
  if (status === undefined) {
    const code = typeof e.code === 'string' ? e.code : e.cause?.code;
    const network = (code && NETWORK_CODES.has(code)) || e.name === 'AbortError' || e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError';
    return new ProviderError('Transient', network ? `Google unreachable (${code ?? e.name})` : `Google request failed: ${e.message ?? String(error)}`, {
      cause: error,
    });
  }
  if (status === 401) return new ProviderError('AuthRevoked', `${message}: the credentials are no longer accepted`, { status });
  if (status === 410 && reason && CURSOR_REASONS.has(reason)) return new ProviderError('CursorExpired', `${message}: a full sync is required`, { status });
  if (status === 429 || (status === 403 && reason && RATE_LIMIT_REASONS.has(reason))) {
    return new ProviderError('RateLimited', message, { status, retryAfterMs });
  }
  if (status === 403 && reason === 'insufficientPermissions') return new ProviderError('AuthRevoked', `${message}: calendar access was not granted`, { status });
  if (status === 404 || status === 410) return new ProviderError('NotFound', message, { status });
  if (status === 408 || status >= 500) return new ProviderError('Transient', message, { status, retryAfterMs });
  return new ProviderError('Permanent', message, { status });
}

/** The HTTP status of a Google failure, if any (for the provider's own branches: 409, 412). */
export function googleStatusOf(error: unknown): number | undefined {
  const e = (error ?? {}) as GaxiosLike;
  return e.response?.status ?? e.status;
}

/** Calendar API: `error.errors[0].reason`; OAuth token endpoint: `error` (a string). */
function reasonOf(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const error = (data as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const errors = (error as { errors?: Array<{ reason?: unknown }> }).errors;
    const reason = Array.isArray(errors) ? errors[0]?.reason : undefined;
    if (typeof reason === 'string') return reason;
    const status = (error as { status?: unknown }).status;
    return typeof status === 'string' ? status : undefined;
  }
  return undefined;
}
