import { signState, verifyState } from './oauth-state';

const secret = 'a'.repeat(48);
const state = { provider: 'google', staffId: '6f1c2d3e-0000-4000-8000-000000000001', nonce: 'n0nce', expiresAt: Date.parse('2026-03-01T10:10:00Z') };
const now = Date.parse('2026-03-01T10:00:00Z');

describe('OAuth state', () => {
  it('round-trips what it carries', () => {
    expect(verifyState(signState(state, secret), secret, now)).toEqual({ ok: true, state });
  });

  it('refuses anything not signed with the secret, tampered with, or malformed', () => {
    const signed = signState(state, secret);
    const [payload, mac] = signed.split('.');
    const tampered = Buffer.from(JSON.stringify({ p: 'google', s: 'someone-else', n: 'n0nce', x: state.expiresAt })).toString('base64url');
    for (const value of [signState(state, 'b'.repeat(48)), `${tampered}.${mac}`, `${payload}.`, payload, '', '.', undefined, 42, ['x'], `${payload}.${mac}x`, 'x'.repeat(3000)]) {
      expect(verifyState(value, secret, now)).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('expires', () => {
    expect(verifyState(signState(state, secret), secret, state.expiresAt)).toEqual({ ok: false, reason: 'expired' });
  });
});
