import { createHmac, KeyObject, timingSafeEqual } from 'node:crypto';

/**
 * Building blocks of the signed URL tokens (feed URLs, booking manage links): fixed-length binary
 * fields, HMAC-SHA-256 under a domain label, canonical base64url and constant-time comparison.
 * Each token format (its fields and label) lives with the lib that issues it.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function uuidToBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

export function bytesToUuid(bytes: Buffer): string {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** HMAC-SHA-256 over a domain label (separating token kinds) and the given fields, in order. */
export function hmacSha256(key: string | KeyObject, domain: string, ...fields: Buffer[]): Buffer {
  const mac = createHmac('sha256', key).update(Buffer.from(`${domain}\0`, 'utf8'));
  for (const field of fields) mac.update(field);
  return mac.digest();
}

/** Characters of an unpadded base64url encoding of `bytes` bytes. */
export function base64UrlLength(bytes: number): number {
  return Math.ceil((bytes * 8) / 6);
}

/**
 * The bytes of a token that is exactly the canonical unpadded base64url encoding of `bytes`
 * bytes; null for anything else (wrong length or alphabet, padding, non-canonical last character).
 */
export function decodeCanonicalBase64Url(token: string, bytes: number): Buffer | null {
  if (typeof token !== 'string' || token.length !== base64UrlLength(bytes) || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  return raw.length === bytes && raw.toString('base64url') === token ? raw : null;
}

/** Constant-time comparison of the presented MAC with the expected one. */
export function macMatches(expected: Buffer, presented: Buffer): boolean {
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}
