import { isUuid, macMatches } from '@calbridge/core';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { RecentMap } from '../common/recent-map';
import { feedConfig } from '../ical-feed.config';
import {
  FEED_SALT_BYTES,
  feedTokenMac,
  FeedTokenClaims,
  FeedSigningInput,
  ParsedFeedToken,
  parseFeedToken,
  signFeedToken,
} from './feed-token';

/** Verified URLs remembered (per generation, see RecentMap) so that repeated polls skip decoding and HMAC. */
const VERIFIED_MEMO_ENTRIES = 50_000;

/** A URL verified before, with the salt it was valid for. */
export interface VerifiedFeedToken extends FeedTokenClaims {
  salt: Buffer;
}

/** A salt no feed has: checked against when a feed is unknown, so that miss and mismatch cost the same. */
const DECOY_SALT = Buffer.alloc(FEED_SALT_BYTES);

/** Signs and verifies feed URLs with FEED_SIGNING_SECRET. */
@Injectable()
export class FeedTokenService {
  private readonly key: KeyObject;
  private readonly verified = new RecentMap<string, VerifiedFeedToken>(VERIFIED_MEMO_ENTRIES);

  constructor(@Inject(feedConfig.KEY) config: ConfigType<typeof feedConfig>) {
    this.key = createSecretKey(Buffer.from(config.signingSecret, 'utf8'));
  }

  newSalt(): Buffer {
    return randomBytes(FEED_SALT_BYTES);
  }

  sign(input: FeedSigningInput): string {
    return signFeedToken(this.key, input);
  }

  /**
   * The claims of a URL before anything touches the database: remembered from an earlier
   * successful verification, or decoded (structure only); null when it cannot be a feed URL.
   */
  claims(staffId: string, token: string): VerifiedFeedToken | ParsedFeedToken | null {
    return this.verified.get(memoKey(staffId, token)) ?? (isUuid(staffId) ? parseFeedToken(token) : null);
  }

  /**
   * True when `token` was signed for this staff member, the token's venue and expiry, and the
   * feed's current salt (constant-time comparison). `salt` null (no such feed) is checked
   * against a decoy and fails, so an unknown feed costs what a bad signature costs.
   */
  verify(staffId: string, token: string, claims: VerifiedFeedToken | ParsedFeedToken, salt: Buffer | null): boolean {
    if ('salt' in claims) {
      // Seen and verified before: valid while the salt is the same one. Salts are random and
      // never come back, so a different salt means the URL was rotated out.
      if (salt && claims.salt.equals(salt)) return true;
      this.verified.delete(memoKey(staffId, token));
      feedTokenMac(this.key, { staffId, venueId: claims.venueId, salt: DECOY_SALT, expiresAt: claims.expiresAt });
      return false;
    }
    const expected = feedTokenMac(this.key, {
      staffId,
      venueId: claims.venueId,
      salt: salt ?? DECOY_SALT,
      expiresAt: claims.expiresAt,
    });
    const ok = macMatches(expected, claims.mac) && salt !== null;
    if (ok) {
      this.verified.set(memoKey(staffId, token), { venueId: claims.venueId, expiresAt: claims.expiresAt, salt: Buffer.from(salt) });
    }
    return ok;
  }
}

function memoKey(staffId: string, token: string): string {
  return `${staffId}/${token}`;
}
