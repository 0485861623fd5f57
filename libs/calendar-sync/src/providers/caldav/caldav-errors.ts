import { parseRetryAfter, ProviderError } from '../provider-error';
import { OutboundUnreachableError, OutboundUrlRefusedError } from '@calbridge/core';
import { ServerNotAllowedError } from './server-url-policy';

/** A CalDAV answer calbridge did not expect; carries what classification needs, never the request. */
export class CaldavHttpError extends Error {
  constructor(
    readonly status: number,
    readonly operation: string,
    readonly body: string = '',
    readonly retryAfter: string | null = null,
  ) {
    super(`CalDAV ${operation} answered ${status}`);
    this.name = 'CaldavHttpError';
  }
}

const TRANSIENT_STATUSES = new Set([408, 425, 500, 502, 503, 504]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The one place CalDAV failures become engine codes (pure). 401: the app password was revoked
 * or is wrong. 403 with `valid-sync-token`: the stored sync token is no longer accepted.
 * 429 and 503 with Retry-After: back off as told. 408/5xx and network failures: try again later.
 * Any other 4xx: retrying will not help.
 */
export function classifyCaldavError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof ServerNotAllowedError) return new ProviderError('Permanent', error.message, { cause: error });
  if (error instanceof OutboundUrlRefusedError) return new ProviderError('Permanent', `The CalDAV server URL ${error.reason}`, { cause: error });
  // One message whatever the cause (refused, reset, timed out, not HTTP): no port oracle.
  if (error instanceof OutboundUnreachableError) return new ProviderError('Transient', 'CalDAV server unreachable', { cause: error });
  if (error instanceof CaldavHttpError) {
    const { status } = error;
    const retryAfterMs = parseRetryAfter(error.retryAfter);
    const message = error.message;
    if (status === 401) return new ProviderError('AuthRevoked', `${message}: the server refused the credentials`, { status });
    if ((status === 403 || status === 409) && /valid-sync-token/i.test(error.body)) {
      return new ProviderError('CursorExpired', `${message}: the sync token is no longer valid`, { status });
    }
    if (status === 404 || status === 410) return new ProviderError('NotFound', message, { status });
    if (status === 429 || (status === 503 && retryAfterMs !== undefined)) return new ProviderError('RateLimited', message, { status, retryAfterMs });
    if (TRANSIENT_STATUSES.has(status) || status >= 500) return new ProviderError('Transient', message, { status, retryAfterMs });
    return new ProviderError('Permanent', message, { status });
  }
  const e = error as { name?: string; code?: string; cause?: { code?: string }; message?: string } | undefined;
  const code = e?.code ?? e?.cause?.code;
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError' || (code && NETWORK_CODES.has(code)) || (e?.name === 'TypeError' && /fetch failed/i.test(e.message ?? ''))) {
    return new ProviderError('Transient', 'CalDAV server unreachable', { cause: error });
  }
  return new ProviderError('Transient', `CalDAV request failed: ${e?.message ?? String(error)}`, { cause: error });
}
