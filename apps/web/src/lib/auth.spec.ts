import { decodeClaims, isExpired, takeFragment } from './auth';
import { describeError, toApiError } from './errors';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('session token', () => {
  it('takes the token out of the fragment and keeps the rest', () => {
    const { token, rest } = takeFragment('#token=abc.def.ghi&venue=v1');
    expect(token).toBe('abc.def.ghi');
    expect(rest.toString()).toBe('venue=v1');
    expect(takeFragment('#venue=v1').token).toBeNull();
    expect(takeFragment('#token=%20').token).toBeNull();
  });

  it('decodes claims and refuses what is not a calbridge token', () => {
    const token = `${b64({ alg: 'HS256' })}.${b64({ sub: 's1', role: 'staff', exp: 2_000_000_000 })}.sig`;
    expect(decodeClaims(token)).toEqual({ sub: 's1', role: 'staff', exp: 2_000_000_000 });
    expect(decodeClaims(`x.${b64({ role: 'root' })}.y`)).toBeNull();
    expect(decodeClaims('not a token')).toBeNull();
    expect(isExpired({ role: 'staff', exp: 1 })).toBe(true);
    expect(isExpired({ role: 'staff', exp: 2_000_000_000 }, 1_000)).toBe(false);
  });
});

describe('error messages', () => {
  it('speaks words a person understands', () => {
    expect(describeError(new TypeError('Failed to fetch'))).toMatch(/could not connect to the server/i);
    expect(describeError(toApiError(500, { code: 'INTERNAL_ERROR', message: 'boom' }))).toMatch(/went wrong on the server/);
    expect(describeError(toApiError(400, { code: 'INVALID_TIMEZONE', message: 'Unknown time zone "Mars/Base"' }))).toBe('Unknown time zone "Mars/Base"');
    expect(describeError(toApiError(400, { message: ['name must be a string', 'email must be an email'] }))).toBe('name must be a string; email must be an email');
    expect(describeError(toApiError(422, { code: 'CALDAV_AUTH_FAILED', message: 'Use an app-specific password' }))).toMatch(/app-specific password/);
    expect(toApiError(409, { code: 'ASSIGNMENT_CONFLICT', message: 'x', details: { overridable: true } }).details).toEqual({ overridable: true });
  });
});
