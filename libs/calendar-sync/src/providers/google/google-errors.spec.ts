import { ProviderError } from '../provider-error';
import { classifyGoogleError } from './google-errors';

/** A gaxios 7 error as googleapis throws it: `status`, `response.headers` (a Headers), `response.data`. */
function gaxios(status: number, reason?: string, headers: Record<string, string> = {}): unknown {
  const data = reason === 'invalid_grant' ? { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } : { error: { code: status, errors: reason ? [{ domain: 'global', reason }] : [] } };
  return Object.assign(new Error(`Request failed with status code ${status}`), { name: 'GaxiosError', status, response: { status, headers: new Headers(headers), data } });
}

const code = (error: unknown) => classifyGoogleError(error).code;

describe('classifyGoogleError', () => {
  it('an expired sync token (410 fullSyncRequired / updatedMinTooLongAgo) means a full resync', () => {
    expect(code(gaxios(410, 'fullSyncRequired'))).toBe('CursorExpired');
    expect(code(gaxios(410, 'updatedMinTooLongAgo'))).toBe('CursorExpired');
  });

  it('rate limits (403 rateLimitExceeded / userRateLimitExceeded, 429) back off, honouring Retry-After', () => {
    expect(classifyGoogleError(gaxios(403, 'rateLimitExceeded'))).toMatchObject({ code: 'RateLimited', retryAfterMs: undefined });
    expect(classifyGoogleError(gaxios(403, 'userRateLimitExceeded', { 'retry-after': '30' }))).toMatchObject({ code: 'RateLimited', retryAfterMs: 30_000 });
    expect(classifyGoogleError(gaxios(429, 'rateLimitExceeded', { 'Retry-After': '2' }))).toMatchObject({ code: 'RateLimited', retryAfterMs: 2_000 });
    expect(code(gaxios(429))).toBe('RateLimited');
  });

  it('rejected credentials stop the connection (needs_reauth)', () => {
    expect(code(gaxios(401, 'authError'))).toBe('AuthRevoked');
    expect(code(gaxios(400, 'invalid_grant'))).toBe('AuthRevoked');
    expect(code(gaxios(403, 'insufficientPermissions'))).toBe('AuthRevoked');
  });

  it('gone objects, server trouble and everything else', () => {
    expect(code(gaxios(404, 'notFound'))).toBe('NotFound');
    expect(code(gaxios(410, 'deleted'))).toBe('NotFound');
    for (const status of [500, 502, 503, 504, 408]) expect(code(gaxios(status, 'backendError'))).toBe('Transient');
    expect(code(gaxios(400, 'invalid'))).toBe('Permanent');
    expect(code(gaxios(403, 'forbiddenForNonOrganizer'))).toBe('Permanent');
    expect(code(gaxios(409, 'duplicate'))).toBe('Permanent');
    expect(code(gaxios(412, 'conditionNotMet'))).toBe('Permanent');
  });

  it('network failures are transient; provider errors pass through', () => {
    expect(code(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).toBe('Transient');
    expect(code(Object.assign(new Error('aborted'), { name: 'TimeoutError' }))).toBe('Transient');
    const own = new ProviderError('Permanent', 'no refresh token');
    expect(classifyGoogleError(own)).toBe(own);
  });
});
