import { bytesToUuid, decodeCanonicalBase64Url, hmacSha256, isUuid, uuidToBytes } from '@calbridge/core';
import type { KeyObject } from 'node:crypto';

/**
 * Manage-link tokens: `base64url(version | bookingId | mac)`, 49 bytes, 66 characters.
 *
 * - version: 1 byte (1)
 * - bookingId: the booking's UUID, 16 bytes
 * - mac: HMAC-SHA-256 over a label of its own, the booking id and the booking's salt (stored
 *   only in the database), keyed by BOOKING_SIGNING_SECRET
 *
 * The link dies with the booking: a cancelled booking (or cancelled job) answers 404 like a
 * tampered token does.
 */
export const MANAGE_TOKEN_VERSION = 1;
export const MANAGE_TOKEN_BYTES = 1 + 16 + 32;
export const MANAGE_SALT_BYTES = 16;

const DOMAIN = 'calbridge.booking-manage.v1';

export interface ParsedManageToken {
  bookingId: string;
  mac: Buffer;
}

export function manageTokenMac(key: string | KeyObject, bookingId: string, salt: Buffer): Buffer {
  return hmacSha256(key, DOMAIN, uuidToBytes(bookingId), salt);
}

export function signManageToken(key: string | KeyObject, bookingId: string, salt: Buffer): string {
  if (!isUuid(bookingId)) throw new Error('Booking ids are UUIDs');
  if (salt.length !== MANAGE_SALT_BYTES) throw new Error(`A manage salt has ${MANAGE_SALT_BYTES} bytes`);
  const out = Buffer.alloc(MANAGE_TOKEN_BYTES);
  out.writeUInt8(MANAGE_TOKEN_VERSION, 0);
  uuidToBytes(bookingId).copy(out, 1);
  manageTokenMac(key, bookingId, salt).copy(out, 17);
  return out.toString('base64url');
}

/** Structure only (no secret, no database): null when it cannot be a manage token. */
export function parseManageToken(token: string): ParsedManageToken | null {
  const raw = decodeCanonicalBase64Url(token, MANAGE_TOKEN_BYTES);
  if (!raw || raw.readUInt8(0) !== MANAGE_TOKEN_VERSION) return null;
  return { bookingId: bytesToUuid(raw.subarray(1, 17)), mac: raw.subarray(17) };
}
