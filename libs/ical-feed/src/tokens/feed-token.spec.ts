import { randomBytes, randomUUID } from 'node:crypto';
import { bytesToUuid, macMatches, uuidToBytes } from '@calbridge/core';
import { FEED_TOKEN_LENGTH, feedTokenMac, parseFeedToken, signFeedToken } from './feed-token';

const SECRET = 'test-secret-test-secret-test-secret';

function input() {
  return { staffId: randomUUID(), venueId: randomUUID(), salt: randomBytes(16), expiresAt: 1_900_000_000 };
}

function verifies(token: string, claimed: ReturnType<typeof input>, secret = SECRET): boolean {
  const parsed = parseFeedToken(token);
  if (!parsed) return false;
  const expected = feedTokenMac(secret, { ...claimed, venueId: parsed.venueId, expiresAt: parsed.expiresAt });
  return macMatches(expected, parsed.mac);
}

describe('feed tokens', () => {
  it('round-trips venue and expiry and verifies with the same staff, salt and secret', () => {
    const feed = input();
    const token = signFeedToken(SECRET, feed);
    expect(token).toHaveLength(FEED_TOKEN_LENGTH);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(parseFeedToken(token)).toMatchObject({ venueId: feed.venueId, expiresAt: feed.expiresAt });
    expect(verifies(token, feed)).toBe(true);
  });

  it('is deterministic (the stored salt and expiry give back the same URL)', () => {
    const feed = input();
    expect(signFeedToken(SECRET, feed)).toBe(signFeedToken(SECRET, { ...feed, salt: Buffer.from(feed.salt) }));
  });

  it('fails for another staff member, salt, secret, or a changed venue or expiry', () => {
    const feed = input();
    const token = signFeedToken(SECRET, feed);
    expect(verifies(token, { ...feed, staffId: randomUUID() })).toBe(false);
    expect(verifies(token, { ...feed, salt: randomBytes(16) })).toBe(false);
    expect(verifies(token, feed, `${SECRET}x`)).toBe(false);
    // Claims edited inside the token (venue, expiry) no longer match the MAC.
    const raw = Buffer.from(token, 'base64url');
    const laterExpiry = Buffer.from(raw);
    laterExpiry.writeUInt32BE(feed.expiresAt + 86_400, 17);
    expect(verifies(laterExpiry.toString('base64url'), feed)).toBe(false);
    const otherVenue = Buffer.from(raw);
    uuidToBytes(randomUUID()).copy(otherVenue, 1);
    expect(verifies(otherVenue.toString('base64url'), feed)).toBe(false);
  });

  it('fails when any single byte of the MAC is changed', () => {
    const feed = input();
    const raw = Buffer.from(signFeedToken(SECRET, feed), 'base64url');
    for (let i = 21; i < raw.length; i++) {
      const tampered = Buffer.from(raw);
      tampered[i] ^= 0x01;
      expect(verifies(tampered.toString('base64url'), feed)).toBe(false);
    }
  });

  it('rejects anything that is not a well-formed token, without a secret', () => {
    const token = signFeedToken(SECRET, input());
    const otherVersion = Buffer.from(token, 'base64url');
    otherVersion[0] = 2;
    // 71 characters carry 426 bits for 424: a last character with its low bits set decodes to
    // the same bytes but is not the canonical encoding.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const nonCanonical = token.slice(0, -1) + alphabet[alphabet.indexOf(token.slice(-1)) | 1];
    for (const bad of [
      '',
      'x',
      token.slice(1),
      `${token}A`,
      `${token.slice(0, -1)}=`,
      `${token.slice(0, -1)}+`,
      `${token.slice(0, -1)}/`,
      nonCanonical,
      otherVersion.toString('base64url'),
      '..%2F..%2Fetc%2Fpasswd'.padEnd(FEED_TOKEN_LENGTH, 'A'),
    ]) {
      expect(parseFeedToken(bad)).toBeNull();
    }
  });

  it('refuses to sign nonsense', () => {
    const feed = input();
    expect(() => signFeedToken(SECRET, { ...feed, staffId: 'nope' })).toThrow();
    expect(() => signFeedToken(SECRET, { ...feed, salt: randomBytes(8) })).toThrow();
    expect(() => signFeedToken(SECRET, { ...feed, expiresAt: 2 ** 32 })).toThrow();
  });

  it('converts UUIDs to bytes and back', () => {
    const id = randomUUID();
    expect(bytesToUuid(uuidToBytes(id))).toBe(id);
  });
});
