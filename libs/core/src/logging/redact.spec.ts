import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACT_PATHS, REDACTED, sanitizeUrl } from './redact';

describe('log redaction', () => {
  it('hides feed tokens in paths', () => {
    const staff = '0b0d8a4e-1111-4222-8333-944445555666';
    expect(sanitizeUrl(`/calendar/${staff}/v1.abc.def.ics`)).toBe(`/calendar/${staff}/${REDACTED}.ics`);
    expect(sanitizeUrl(`/calendar/${staff}/secret-token`)).toBe(`/calendar/${staff}/${REDACTED}`);
    expect(sanitizeUrl(`/calendar/${staff}/tok.ics?x=1`)).toBe(`/calendar/${staff}/${REDACTED}.ics?x=1`);
    expect(sanitizeUrl(`/calendar/${staff}/tok.ICS`)).toBe(`/calendar/${staff}/${REDACTED}.ICS`);
    // Anything appended to the token is dropped with it.
    expect(sanitizeUrl(`/calendar/${staff}/secret-token.ics/extra`)).toBe(`/calendar/${staff}/${REDACTED}`);
  });

  it('hides booking manage tokens in paths', () => {
    expect(sanitizeUrl('/public/bookings/AQIDsecret-token')).toBe(`/public/bookings/${REDACTED}`);
    expect(sanitizeUrl('/public/bookings/AQIDsecret-token/reschedule')).toBe(`/public/bookings/${REDACTED}`);
    expect(sanitizeUrl('/public/bookings/AQIDsecret-token/cancel?x=1')).toBe(`/public/bookings/${REDACTED}?x=1`);
    expect(sanitizeUrl('/public/venues/v1/services')).toBe('/public/venues/v1/services');
  });

  it('hides OAuth codes, states and validation tokens in query strings', () => {
    expect(sanitizeUrl('/oauth/google/callback?code=4/0Ab&state=xyz&scope=a')).toBe(
      `/oauth/google/callback?code=${REDACTED}&state=${REDACTED}&scope=a`,
    );
    expect(sanitizeUrl('/webhooks/microsoft?validationToken=Validation%3A%20Testing')).toBe(
      `/webhooks/microsoft?validationToken=${REDACTED}`,
    );
  });

  it('leaves ordinary URLs alone', () => {
    expect(sanitizeUrl('/v1/jobs?venueId=1&from=2026-01-01')).toBe('/v1/jobs?venueId=1&from=2026-01-01');
    expect(sanitizeUrl(undefined)).toBeUndefined();
  });

  it('the pino redaction paths remove headers and credential fields', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACT_PATHS, censor: REDACTED } }, sink);
    logger.info({
      req: { headers: { authorization: 'Bearer eyJsecret', cookie: 'sid=1', 'x-goog-channel-token': 'chan-secret-123' } },
      connection: { appPassword: 'abcd-efgh-ijkl-mnop', refreshToken: '1//refresh', username: 'me@icloud.com' },
    });
    const out = lines.join('');
    for (const secret of ['eyJsecret', 'sid=1', 'chan-secret-123', 'abcd-efgh-ijkl-mnop', '1//refresh']) expect(out).not.toContain(secret);
    expect(out).toContain('me@icloud.com');
  });
});
