import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks a `Calendly-Webhook-Signature` header (`t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>" keyed by the webhook signing key>`), as Calendly documents it. Returns why
 * it fails, or null. The timestamp must lie within `toleranceSeconds` of now (replays of an old
 * delivery are refused).
 */
export function calendlySignatureProblem(
  header: string | undefined,
  rawBody: Buffer,
  signingKey: string,
  toleranceSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): string | null {
  if (!header) return 'the Calendly-Webhook-Signature header is missing';
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    const key = item.slice(0, eq).trim();
    parts.set(key, [...(parts.get(key) ?? []), item.slice(eq + 1).trim()]);
  }
  const t = parts.get('t')?.[0];
  const signatures = parts.get('v1') ?? [];
  if (!t || !/^\d{1,12}$/.test(t) || !signatures.length) return 'the Calendly-Webhook-Signature header is malformed';
  if (Math.abs(nowSeconds - Number(t)) > toleranceSeconds) return 'the signature timestamp is outside the tolerance window';
  const expected = createHmac('sha256', signingKey).update(`${t}.`).update(rawBody).digest();
  const matches = signatures.some((hex) => {
    if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
    return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
  });
  return matches ? null : 'the signature does not match';
}

/** The header Calendly would send for this body (tests, the README's local walk-through). */
export function calendlySignatureHeader(rawBody: string | Buffer, signingKey: string, timestampSeconds = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', signingKey).update(`${timestampSeconds}.`).update(rawBody).digest('hex');
  return `t=${timestampSeconds},v1=${v1}`;
}
