import { REDACTED, sanitizeUrl } from './redact';

describe('sanitizeUrl', () => {
  const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGhIjKlMnOpQrStUvWxYz012345';

  it('redacts the token of feed URLs and keeps the rest of the path', () => {
    expect(sanitizeUrl(`/calendar/0b6f5c1e-7d2a-4c4e-9a57-8f1d2b3c4d5e/${token}.ics`)).toBe(
      `/calendar/0b6f5c1e-7d2a-4c4e-9a57-8f1d2b3c4d5e/${REDACTED}.ics`,
    );
    expect(sanitizeUrl(`/calendar/x/${token}.ICS?x=1`)).toBe(`/calendar/x/${REDACTED}.ICS?x=1`);
    expect(sanitizeUrl(`/calendar/x/${token}`)).toBe(`/calendar/x/${REDACTED}`);
    expect(sanitizeUrl(`/calendar/x/${token}.ics/extra`)).toBe(`/calendar/x/${REDACTED}`);
  });

  it('masks secret query values and leaves other URLs alone', () => {
    expect(sanitizeUrl('/oauth/google/callback?code=abc&state=def&x=1')).toBe(`/oauth/google/callback?code=${REDACTED}&state=${REDACTED}&x=1`);
    expect(sanitizeUrl('/v1/jobs?venueId=1')).toBe('/v1/jobs?venueId=1');
    expect(sanitizeUrl(undefined)).toBeUndefined();
  });
});
