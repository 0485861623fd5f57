import pino from 'pino';
import { Writable } from 'node:stream';
import { QueryFailedError } from 'typeorm';
import { redactText, REDACT_PATHS, REDACTED, sanitizeUrl, serializeError } from './redact';

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

  it('hides feed tokens whatever the spelling of the path', () => {
    const staff = '0b0d8a4e-1111-4222-8333-944445555666';
    const token = 'AQ3mX9pL0qRsTuVwXyZ_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-abcdefghijklm';
    for (const path of [
      `//calendar/${staff}/${token}.ics`,
      `/./calendar/${staff}/${token}.ics`,
      `/x/../calendar/${staff}/${token}.ics`,
      `/%63alendar/${staff}/${token}.ics`,
      `/%2563alendar/${staff}/${token}.ics`,
      `/CALENDAR/${staff}/${token}.ics`,
      `/calendar//${staff}//${token}.ics`,
      `/calendar/${staff}/./${token}.ics`,
      `\\calendar\\${staff}\\${token}.ics`,
      `/calendar/${staff}/${token}.ics#frag`,
      `/calendar/${staff}/${token.slice(0, 10)}`,
    ]) {
      const out = sanitizeUrl(path)!;
      expect(out).not.toContain(token.slice(0, 10));
      expect(out).toContain(REDACTED);
    }
  });

  it('hides the token of any public route listed as carrying one, and token-like segments anywhere', () => {
    expect(sanitizeUrl('/public/bookings/abc.def-123')).toBe(`/public/bookings/${REDACTED}`);
    expect(sanitizeUrl('//public/./bookings/abc/cancel?x=1')).toBe(`/public/bookings/${REDACTED}?x=1`);
    const longToken = 'Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eHF1dXhmb28';
    expect(sanitizeUrl(`/somewhere/${longToken}/x`)).toBe(`/somewhere/${REDACTED}/x`);
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

  it('hides secret and personal query values whatever the spelling of the name', () => {
    expect(sanitizeUrl('/x?%63ode=abc&Email=a%40b.c&phone[]=123&page=2')).toBe(
      `/x?%63ode=${REDACTED}&Email=${REDACTED}&phone[]=${REDACTED}&page=2`,
    );
  });

  it('leaves ordinary URLs alone', () => {
    expect(sanitizeUrl('/v1/jobs?venueId=1&from=2026-01-01')).toBe('/v1/jobs?venueId=1&from=2026-01-01');
    expect(sanitizeUrl(undefined)).toBeUndefined();
  });

  it('masks emails, phone numbers and the values Postgres quotes in free text', () => {
    expect(redactText('Key (email)=(anna@example.com) already exists.')).toBe(`Key (email)=(${REDACTED}) already exists.`);
    expect(redactText('call +49 30 1234567 or mail anna.b@example.co.uk')).toBe(`call ${REDACTED} or mail ${REDACTED}`);
    expect(redactText('between 2026-03-29 and 2026-03-30')).toBe('between 2026-03-29 and 2026-03-30');
  });

  it('logs a failed query without its parameters or the values in its details', () => {
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "customers_email_key"'), {
      code: '23505',
      detail: 'Key (email)=(sarah@example.com) already exists.',
      constraint: 'customers_email_key',
    });
    const error = new QueryFailedError(
      'INSERT INTO customers (first_name, email, phone, id) VALUES ($1, $2, $3, $4)',
      ['Sarah', 'sarah@example.com', '+49 170 5551234', '0b0d8a4e-1111-4222-8333-944445555666'],
      driverError,
    );
    const out = JSON.stringify(serializeError(error));
    for (const secret of ['sarah@example.com', '5551234', 'Sarah']) expect(out).not.toContain(secret);
    expect(out).toContain('customers_email_key');
    expect(out).toContain('23505');
    expect(out).toContain('0b0d8a4e-1111-4222-8333-944445555666');
    expect(out).toContain('INSERT INTO customers');
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
