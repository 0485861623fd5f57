import { macMatches } from '@calbridge/core';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { RecentMap } from '../common/recent-map';
import { feedConfig } from '../ical-feed.config';
import {
  FEED_SALT_BYTES,
  feedTokenMac,
  FeedSigningInput,
  ParsedFeedToken,
  signFeedToken,
} from './feed-token';

/** Verified URLs remembered (per generation, see RecentMap) so that repeated polls skip the HMAC. */
const VERIFIED_MEMO_ENTRIES = 50_000;

/** A salt no feed has: checked against when a feed is unknown, so that miss and mismatch cost the same. */
const DECOY_SALT = Buffer.alloc(FEED_SALT_BYTES);

/** Signs and verifies feed URLs with FEED_SIGNING_SECRET. */
@Injectable()
export class FeedTokenService {
  private readonly key: KeyObject;
  /** `staffId/token` of a URL verified before -> the salt it was valid for. */
  private readonly verified = new RecentMap<string, Buffer>(VERIFIED_MEMO_ENTRIES);

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
   * True when the token (`claims`, its structure as parsed) was signed for this staff member,
   * the token's venue and expiry, and the feed's current salt (constant-time comparison).
   * `salt` null (no such feed) is checked against a decoy and fails, so an unknown feed costs
   * what a bad signature costs. `key` names the URL in the memo of verified URLs
   * (`staffId/token`, see {@link feedTokenKey}); a caller that keeps the key string across
   * requests saves building and hashing it again.
   */
  verify(staffId: string, key: string, claims: ParsedFeedToken, salt: Buffer | null): boolean {
    const known = this.verified.get(key);
    if (known) {
      // Seen and verified before: valid while the salt is the same one. Salts are random and
      // never come back, so a different salt means the URL was rotated out.
      if (known === salt) return true;
      if (salt && known.equals(salt)) {
        this.verified.set(key, salt); // the head was read again: compare by identity from now on
        return true;
      }
      this.verified.delete(key);
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
    // The head's own buffer (never written to): while the head stays the same, the check above
    // is an identity comparison.
    if (ok) this.verified.set(key, salt);
    return ok;
  }
}

/** The memo key of a feed URL's token. */
export function feedTokenKey(staffId: string, token: string): string {
  return `${staffId}/${token}`;
}
