import { hmacSha256, macMatches, uuidToBytes } from '@calbridge/core';
import { randomBytes, randomUUID } from 'node:crypto';
import { MANAGE_TOKEN_BYTES, manageTokenMac, parseManageToken, signManageToken } from './manage-token';

const SECRET = 'test-secret-test-secret-test-secret';

function verifies(token: string, bookingId: string, salt: Buffer, secret = SECRET): boolean {
  const parsed = parseManageToken(token);
  return !!parsed && parsed.bookingId === bookingId && macMatches(manageTokenMac(secret, parsed.bookingId, salt), parsed.mac);
}

describe('manage tokens', () => {
  it('round-trips the booking id and verifies with the same salt and secret', () => {
    const id = randomUUID();
    const salt = randomBytes(16);
    const token = signManageToken(SECRET, id, salt);
    expect(token).toMatch(/^[A-Za-z0-9_-]{66}$/);
    expect(parseManageToken(token)?.bookingId).toBe(id);
    expect(verifies(token, id, salt)).toBe(true);
  });

  it('fails for another salt or secret, and for any changed byte', () => {
    const id = randomUUID();
    const salt = randomBytes(16);
    const token = signManageToken(SECRET, id, salt);
    expect(verifies(token, id, randomBytes(16))).toBe(false);
    expect(verifies(token, id, salt, `${SECRET}x`)).toBe(false);
    const raw = Buffer.from(token, 'base64url');
    for (let i = 1; i < MANAGE_TOKEN_BYTES; i++) {
      const tampered = Buffer.from(raw);
      tampered[i] ^= 0x01;
      const t = tampered.toString('base64url');
      const parsed = parseManageToken(t);
      expect(!!parsed && macMatches(manageTokenMac(SECRET, parsed.bookingId, salt), parsed.mac)).toBe(false);
    }
  });

  it('is signed under a label of its own: the same key and fields under the feed label give another MAC', () => {
    const id = randomUUID();
    const salt = randomBytes(16);
    expect(manageTokenMac(SECRET, id, salt).equals(hmacSha256(SECRET, 'calbridge.ical-feed.v1', uuidToBytes(id), salt))).toBe(false);
  });

  it('rejects anything that is not a well-formed token', () => {
    const token = signManageToken(SECRET, randomUUID(), randomBytes(16));
    const otherVersion = Buffer.from(token, 'base64url');
    otherVersion[0] = 2;
    for (const bad of ['', 'x', token.slice(1), `${token}A`, `${token.slice(0, -1)}=`, '../'.repeat(22), otherVersion.toString('base64url')]) {
      expect(parseManageToken(bad)).toBeNull();
    }
  });
});
