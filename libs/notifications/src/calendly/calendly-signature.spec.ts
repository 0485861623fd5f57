import { createHmac } from 'node:crypto';
import { calendlySignatureHeader, calendlySignatureProblem } from './calendly-signature';

describe('Calendly webhook signatures', () => {
  const key = 'calendly-signing-key-for-tests';
  const body = Buffer.from('{"event":"invitee.created","payload":{}}');
  const now = 1_800_000_000;

  it('accepts what Calendly signs: t=,v1=hex HMAC-SHA256 of "t.body"', () => {
    const v1 = createHmac('sha256', key).update(`${now}.${body.toString()}`).digest('hex');
    expect(calendlySignatureHeader(body, key, now)).toBe(`t=${now},v1=${v1}`);
    expect(calendlySignatureProblem(`t=${now},v1=${v1}`, body, key, 180, now)).toBeNull();
    expect(calendlySignatureProblem(`t=${now},v1=${'0'.repeat(64)},v1=${v1}`, body, key, 180, now)).toBeNull();
  });

  it.each([
    [undefined, 'the Calendly-Webhook-Signature header is missing'],
    ['v1=abc', 'the Calendly-Webhook-Signature header is malformed'],
    [`t=${now}`, 'the Calendly-Webhook-Signature header is malformed'],
    [`t=${now},v1=nothex`, 'the signature does not match'],
    [`t=${now},v1=${'a'.repeat(64)}`, 'the signature does not match'],
  ])('refuses %s', (header, problem) => {
    expect(calendlySignatureProblem(header, body, key, 180, now)).toBe(problem);
  });

  it('refuses another body, another key and an old or future timestamp', () => {
    const header = calendlySignatureHeader(body, key, now);
    expect(calendlySignatureProblem(header, Buffer.from(body.toString().replace('created', 'canceled')), key, 180, now)).toBe('the signature does not match');
    expect(calendlySignatureProblem(header, body, 'another-signing-key', 180, now)).toBe('the signature does not match');
    expect(calendlySignatureProblem(header, body, key, 180, now + 181)).toBe('the signature timestamp is outside the tolerance window');
    expect(calendlySignatureProblem(header, body, key, 180, now - 181)).toBe('the signature timestamp is outside the tolerance window');
    expect(calendlySignatureProblem(header, body, key, 180, now + 179)).toBeNull();
  });
});
