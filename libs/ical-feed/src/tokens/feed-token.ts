import { decodeCanonicalBase64Url, hmacSha256, isUuid, uuidToBytes, bytesToUuid } from '@calbridge/core';
import type { KeyObject } from 'node:crypto';

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

const DOMAIN = 'calbridge.ical-feed.v1';

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

/** The MAC of a feed URL. `key` is the signing secret (string or a prepared KeyObject). */
export function feedTokenMac(key: string | KeyObject, input: FeedSigningInput): Buffer {
  const expiry = Buffer.alloc(4);
  expiry.writeUInt32BE(input.expiresAt);
  return hmacSha256(key, DOMAIN, uuidToBytes(input.staffId), uuidToBytes(input.venueId), input.salt, expiry);
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
  const raw = decodeCanonicalBase64Url(token, FEED_TOKEN_BYTES);
  if (!raw || raw.readUInt8(0) !== FEED_TOKEN_VERSION) return null;
  return {
    venueId: bytesToUuid(raw.subarray(1, 17)),
    expiresAt: raw.readUInt32BE(17),
    mac: raw.subarray(21),
  };
}
