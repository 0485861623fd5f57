import { ProviderError } from '../provider-error';
import { CaldavHttpError, classifyCaldavError } from './caldav-errors';
import { ServerNotAllowedError } from './server-url-policy';

const http = (status: number, body = '', retryAfter: string | null = null) => classifyCaldavError(new CaldavHttpError(status, 'REPORT', body, retryAfter));

describe('classifyCaldavError', () => {
  it('maps HTTP answers to engine codes', () => {
    expect(http(401).code).toBe('AuthRevoked');
    expect(http(403, '<error xmlns="DAV:"><valid-sync-token /></error>').code).toBe('CursorExpired');
    expect(http(403, '<error xmlns="DAV:"><need-privileges/></error>').code).toBe('Permanent');
    expect(http(404).code).toBe('NotFound');
    expect(http(410).code).toBe('NotFound');
    expect(http(400).code).toBe('Permanent');
    expect(http(412).code).toBe('Permanent');
    for (const status of [408, 500, 502, 503, 504]) expect(http(status).code).toBe('Transient');
  });

  it('honours Retry-After on 429 and 503', () => {
    expect(http(429, '', '120')).toMatchObject({ code: 'RateLimited', retryAfterMs: 120_000 });
    expect(http(503, '', '7')).toMatchObject({ code: 'RateLimited', retryAfterMs: 7_000 });
    const date = new Date(Date.now() + 60_000).toUTCString();
    expect(http(429, '', date).retryAfterMs).toBeGreaterThan(50_000);
    expect(http(429).code).toBe('RateLimited');
  });

  it('treats network failures as transient and refused servers as permanent', () => {
    expect(classifyCaldavError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })).code).toBe('Transient');
    expect(classifyCaldavError(Object.assign(new Error('timeout'), { name: 'TimeoutError' })).code).toBe('Transient');
    expect(classifyCaldavError(new ServerNotAllowedError('nope')).code).toBe('Permanent');
  });

  it('passes provider errors through', () => {
    const e = new ProviderError('NotFound', 'gone');
    expect(classifyCaldavError(e)).toBe(e);
  });
});
