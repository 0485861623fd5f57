import { GraphError } from '@microsoft/microsoft-graph-client';
import { ProviderError } from '../provider-error';
import { classifyGraphError, GraphHttpError, MicrosoftTokenError } from './graph-errors';

/** A GraphError as the SDK throws it (status, code, response headers). */
function graphError(status: number, errorCode: string | null, headers: Record<string, string> = {}): GraphError {
  return Object.assign(new GraphError(status, `Graph said ${errorCode}`), { code: errorCode, headers: new Headers(headers) });
}

const code = (error: unknown) => classifyGraphError(error).code;

describe('classifyGraphError', () => {
  it('a stale delta link (410, syncStateNotFound in any case, resyncRequired) starts a new round', () => {
    expect(code(graphError(410, 'SyncStateNotFound'))).toBe('CursorExpired');
    expect(code(graphError(400, 'syncStateNotFound'))).toBe('CursorExpired');
    expect(code(graphError(400, 'SYNCSTATENOTFOUND'))).toBe('CursorExpired');
    expect(code(graphError(410, 'resyncRequired'))).toBe('CursorExpired');
    expect(code(graphError(410, null))).toBe('CursorExpired');
  });

  it('throttling backs off as long as Retry-After says', () => {
    expect(classifyGraphError(graphError(429, 'ApplicationThrottled', { 'Retry-After': '17' }))).toMatchObject({ code: 'RateLimited', retryAfterMs: 17_000 });
    expect(classifyGraphError(graphError(503, 'ServiceNotAvailable', { 'retry-after': '3' }))).toMatchObject({ code: 'RateLimited', retryAfterMs: 3_000 });
    expect(classifyGraphError(new GraphHttpError(429, 'TooManyRequests', new Headers({ 'retry-after': '1' })))).toMatchObject({ code: 'RateLimited', retryAfterMs: 1_000 });
  });

  it('rejected tokens and revoked grants mean needs_reauth', () => {
    expect(code(graphError(401, 'InvalidAuthenticationToken'))).toBe('AuthRevoked');
    expect(code(graphError(403, 'ErrorAccessDenied'))).toBe('AuthRevoked');
    expect(code(new MicrosoftTokenError(400, 'invalid_grant', [50173]))).toBe('AuthRevoked');
    expect(code(new MicrosoftTokenError(400, 'interaction_required', [50076]))).toBe('AuthRevoked');
    expect(code(new MicrosoftTokenError(401, 'invalid_client', [7000215]))).toBe('Permanent');
    expect(code(new MicrosoftTokenError(503, 'temporarily_unavailable'))).toBe('Transient');
  });

  it('gone items, server trouble and everything else', () => {
    expect(code(graphError(404, 'ErrorItemNotFound'))).toBe('NotFound');
    for (const status of [500, 502, 503, 504, 408]) expect(code(graphError(status, 'InternalServerError'))).toBe('Transient');
    expect(code(graphError(400, 'ErrorInvalidRequest'))).toBe('Permanent');
    expect(code(graphError(412, 'ErrorIrresolvableConflict'))).toBe('Permanent');
  });

  it('no answer at all is transient; provider errors pass through', () => {
    expect(code(graphError(-1, 'TypeError'))).toBe('Transient');
    expect(code(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }))).toBe('Transient');
    const own = new ProviderError('Permanent', 'no refresh token');
    expect(classifyGraphError(own)).toBe(own);
  });
});
