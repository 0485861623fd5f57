import { parseRetryAfter, ProviderError } from '../provider-error';
import { HeadersLike, headerValue } from '../remote-requests';

/** The identity platform's token endpoint refused a request (`error`, AADSTS `error_codes`). */
export class MicrosoftTokenError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly errorCodes: number[] = [],
    readonly retryAfter: string | null = null,
  ) {
    super(`Microsoft identity platform answered ${status} (${error}${errorCodes.length ? ` AADSTS${errorCodes.join(',')}` : ''})`);
    this.name = 'MicrosoftTokenError';
  }
}

/** A Graph answer read without the SDK's parsing (raw responses): status, error code, headers. */
export class GraphHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string | null,
    readonly headers: Headers,
  ) {
    super(`Graph answered ${statusCode}${code ? ` (${code})` : ''}`);
    this.name = 'GraphHttpError';
  }

  static async from(res: Response): Promise<GraphHttpError> {
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
    return new GraphHttpError(res.status, body.error?.code ?? null, res.headers);
  }
}

/** The parts of the SDK's GraphError (and of GraphHttpError) classification reads. */
interface GraphErrorLike {
  name?: string;
  message?: string;
  statusCode?: number;
  code?: string | null;
  headers?: HeadersLike;
  cause?: { code?: string; name?: string };
}

const CURSOR_CODES = new Set(['syncstatenotfound', 'resyncrequired', 'syncstateinvalid']);
const AUTH_CODES = new Set(['invalidauthenticationtoken', 'authenticationerror', 'invalid_grant', 'interaction_required']);

/**
 * The one place Microsoft Graph and identity-platform failures become engine codes (pure).
 * Codes are compared case-insensitively (`SyncStateNotFound` and `syncStateNotFound` both occur).
 * - 410, `syncStateNotFound`, `resyncRequired`: the delta link is gone -> CursorExpired.
 * - 429 (and 503 with Retry-After) -> RateLimited, with Retry-After.
 * - 401, `invalid_grant` (refresh token revoked or expired), 403 `ErrorAccessDenied` (consent withdrawn) -> AuthRevoked.
 * - 404 / `ErrorItemNotFound` -> NotFound.
 * - 408, 5xx, network failures -> Transient; any other 4xx -> Permanent.
 * https://learn.microsoft.com/graph/errors, https://learn.microsoft.com/graph/delta-query-overview
 */
export function classifyGraphError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof MicrosoftTokenError) {
    const retryAfterMs = parseRetryAfter(error.retryAfter);
    if (AUTH_CODES.has(error.error.toLowerCase())) return new ProviderError('AuthRevoked', `${error.message}: the grant was revoked or expired`, { status: error.status });
    if (error.status === 429) return new ProviderError('RateLimited', error.message, { status: error.status, retryAfterMs });
    if (error.status === 408 || error.status >= 500 || error.status === 0) return new ProviderError('Transient', error.message, { status: error.status, retryAfterMs });
    return new ProviderError('Permanent', error.message, { status: error.status });
  }
  const e = (error ?? {}) as GraphErrorLike;
  const status = typeof e.statusCode === 'number' && e.statusCode > 0 ? e.statusCode : undefined;
  const code = (e.code ?? '').toLowerCase();
  const retryAfterMs = parseRetryAfter(headerValue(e.headers, 'retry-after'));
  const message = `Graph answered ${status ?? 'nothing'}${e.code ? ` (${e.code})` : ''}`;
  if (status === 410 || CURSOR_CODES.has(code)) return new ProviderError('CursorExpired', `${message}: the delta link is no longer valid`, { status });
  if (status === undefined) {
    const network = e.cause?.code ?? e.name;
    return new ProviderError('Transient', `Graph unreachable or no answer (${network ?? e.message ?? 'unknown'})`, { cause: error });
  }
  if (status === 401 || AUTH_CODES.has(code)) return new ProviderError('AuthRevoked', `${message}: the credentials are no longer accepted`, { status });
  if (status === 429 || (status === 503 && retryAfterMs !== undefined)) return new ProviderError('RateLimited', message, { status, retryAfterMs });
  if (status === 403 && code === 'erroraccessdenied') return new ProviderError('AuthRevoked', `${message}: calendar access was not granted`, { status });
  if (status === 404 || code === 'erroritemnotfound') return new ProviderError('NotFound', message, { status });
  if (status === 408 || status >= 500) return new ProviderError('Transient', message, { status, retryAfterMs });
  return new ProviderError('Permanent', message, { status });
}

/** The HTTP status of a Graph failure, if any (for the provider's own branches: 404, 412). */
export function graphStatusOf(error: unknown): number | undefined {
  const status = (error as GraphErrorLike | undefined)?.statusCode;
  return typeof status === 'number' && status > 0 ? status : undefined;
}
