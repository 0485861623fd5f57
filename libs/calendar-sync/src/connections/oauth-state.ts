import { createHmac, timingSafeEqual } from 'node:crypto';

/** What an OAuth `state` carries: the provider, the staff member it is bound to, a nonce, an expiry. */
export interface OAuthState {
  provider: string;
  staffId: string;
  /** Names the server-side half (PKCE verifier, who started it), single use. */
  nonce: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export type StateCheck = { ok: true; state: OAuthState } | { ok: false; reason: 'invalid' | 'expired' };

/** `<payload>.<HMAC-SHA-256 of the payload>`, both base64url. */
export function signState(state: OAuthState, secret: string): string {
  const payload = Buffer.from(JSON.stringify({ p: state.provider, s: state.staffId, n: state.nonce, x: state.expiresAt }), 'utf8').toString('base64url');
  return `${payload}.${mac(payload, secret)}`;
}

/** Checks the signature (in constant time) before reading anything, then the expiry. Pure. */
export function verifyState(value: unknown, secret: string, now: number = Date.now()): StateCheck {
  if (typeof value !== 'string' || value.length > 2048) return { ok: false, reason: 'invalid' };
  const dot = value.indexOf('.');
  if (dot <= 0) return { ok: false, reason: 'invalid' };
  const payload = value.slice(0, dot);
  const presented = Buffer.from(value.slice(dot + 1), 'base64url');
  const expected = Buffer.from(mac(payload, secret), 'base64url');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return { ok: false, reason: 'invalid' };
  let raw: { p?: unknown; s?: unknown; n?: unknown; x?: unknown };
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof raw;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (typeof raw.p !== 'string' || typeof raw.s !== 'string' || typeof raw.n !== 'string' || typeof raw.x !== 'number') return { ok: false, reason: 'invalid' };
  if (raw.x <= now) return { ok: false, reason: 'expired' };
  return { ok: true, state: { provider: raw.p, staffId: raw.s, nonce: raw.n, expiresAt: raw.x } };
}

function mac(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(`calbridge-oauth-state.${payload}`).digest('base64url');
}
