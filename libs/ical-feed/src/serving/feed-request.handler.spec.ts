import { acceptsGzip, noneMatch } from './feed-request.handler';

describe('conditional request and encoding helpers', () => {
  const etag = '"abc"';
  const gz = '"abc-gz"';

  it('matches If-None-Match against either representation, weakly, in lists, or *', () => {
    expect(noneMatch('"abc"', etag, gz)).toBe(true);
    expect(noneMatch('"abc-gz"', etag, gz)).toBe(true);
    expect(noneMatch('W/"abc"', etag, gz)).toBe(true);
    expect(noneMatch('"x", "abc"', etag, gz)).toBe(true);
    expect(noneMatch('*', etag, gz)).toBe(true);
    expect(noneMatch('"abcd"', etag, gz)).toBe(false);
    expect(noneMatch('abc', etag, gz)).toBe(false);
    expect(noneMatch(undefined, etag, gz)).toBe(false);
    expect(noneMatch('', etag, gz)).toBe(false);
  });

  it('accepts gzip unless refused with q=0', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('br;q=1.0, gzip;q=0.8')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('x-gzip')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('deflate, br')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});
