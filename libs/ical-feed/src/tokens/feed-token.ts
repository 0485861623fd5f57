import { createHmac, KeyObject, timingSafeEqual } from 'node:crypto';

/**
 * Feed URL tokens: `base64url(version | venueId | expiresAt | mac)`, 53 bytes, 71 characters.
 *
 * - version: 1 byte (1)
 * - venueId: the venue's UUID, 16 bytes (the staff id is in the URL path)
 * - expiresAt: seconds since the epoch, unsigned 32-bit big-endian
 * - mac: HMAC-SHA-256 over a domain label, staff id, venue id, the feed's salt and expiresAt,
 *   keyed by FEED_SIGNING_SECRET
 *
 * Fixed-length binary fields make the signed message unambiguous. The salt lives only in the
 * database: replacing it invalidates every URL of the feed, and nothing about it is in the URL.
 */
export const FEED_TOKEN_VERSION = 1;
export const FEED_TOKEN_BYTES = 1 + 16 + 4 + 32;
export const FEED_TOKEN_LENGTH = Math.ceil((FEED_TOKEN_BYTES * 8) / 6); // 71, no padding
export const FEED_SALT_BYTES = 16;

const DOMAIN = Buffer.from('calbridge.ical-feed.v1\0', 'utf8');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN = new RegExp(`^[A-Za-z0-9_-]{${FEED_TOKEN_LENGTH}}$`);

export interface FeedTokenClaims {
  venueId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

export interface ParsedFeedToken extends FeedTokenClaims {
  mac: Buffer;
}

export interface FeedSigningInput {
  staffId: string;
  venueId: string;
  salt: Buffer;
  /** Seconds since the epoch. */
  expiresAt: number;
}

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

/** The MAC of a feed URL. `key` is the signing secret (string or a prepared KeyObject). */
export function feedTokenMac(key: string | KeyObject, input: FeedSigningInput): Buffer {
  const expiry = Buffer.alloc(4);
  expiry.writeUInt32BE(input.expiresAt);
  return createHmac('sha256', key)
    .update(DOMAIN)
    .update(uuidToBytes(input.staffId))
    .update(uuidToBytes(input.venueId))
    .update(input.salt)
    .update(expiry)
    .digest();
}

export function signFeedToken(key: string | KeyObject, input: FeedSigningInput): string {
  if (!isUuid(input.staffId) || !isUuid(input.venueId)) throw new Error('Feed ids must be UUIDs');
  if (input.salt.length !== FEED_SALT_BYTES) throw new Error(`A feed salt has ${FEED_SALT_BYTES} bytes`);
  if (!Number.isInteger(input.expiresAt) || input.expiresAt < 0 || input.expiresAt > 0xffffffff) {
    throw new Error('expiresAt must be whole seconds that fit 32 bits');
  }
  const out = Buffer.alloc(FEED_TOKEN_BYTES);
  out.writeUInt8(FEED_TOKEN_VERSION, 0);
  uuidToBytes(input.venueId).copy(out, 1);
  out.writeUInt32BE(input.expiresAt, 17);
  feedTokenMac(key, input).copy(out, 21);
  return out.toString('base64url');
}

/**
 * Structure only (no secret, no database): the token's claims, or null when it cannot be one of
 * ours (wrong length, alphabet, non-canonical encoding, unknown version).
 */
export function parseFeedToken(token: string): ParsedFeedToken | null {
  if (!TOKEN.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== FEED_TOKEN_BYTES || raw.toString('base64url') !== token) return null;
  if (raw.readUInt8(0) !== FEED_TOKEN_VERSION) return null;
  return {
    venueId: bytesToUuid(raw.subarray(1, 17)),
    expiresAt: raw.readUInt32BE(17),
    mac: raw.subarray(21),
  };
}

/** Constant-time comparison of the presented MAC with the expected one. */
export function macMatches(expected: Buffer, presented: Buffer): boolean {
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}
