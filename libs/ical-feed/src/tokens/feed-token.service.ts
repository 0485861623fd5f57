import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { LruCache } from '../common/lru-cache';
import { feedConfig } from '../ical-feed.config';
import {
  FEED_SALT_BYTES,
  feedTokenMac,
  FeedSigningInput,
  isUuid,
  macMatches,
  ParsedFeedToken,
  parseFeedToken,
  signFeedToken,
} from './feed-token';

/** Verified (token, salt) pairs remembered so that repeated polls skip the HMAC. */
const VERIFIED_MEMO_ENTRIES = 50_000;

/** A salt no feed has: checked against when a feed is unknown, so that miss and mismatch cost the same. */
const DECOY_SALT = Buffer.alloc(FEED_SALT_BYTES);

/** Signs and verifies feed URLs with FEED_SIGNING_SECRET. */
@Injectable()
export class FeedTokenService {
  private readonly key: KeyObject;
  private readonly verified = new LruCache<string, Buffer>(VERIFIED_MEMO_ENTRIES);

  constructor(@Inject(feedConfig.KEY) config: ConfigType<typeof feedConfig>) {
    this.key = createSecretKey(Buffer.from(config.signingSecret, 'utf8'));
  }

  newSalt(): Buffer {
    return randomBytes(FEED_SALT_BYTES);
  }

  sign(input: FeedSigningInput): string {
    return signFeedToken(this.key, input);
  }

  /** Cheap structural check of the URL parts, before anything touches the database. */
  parse(staffId: string, token: string): ParsedFeedToken | null {
    return isUuid(staffId) ? parseFeedToken(token) : null;
  }

  /**
   * True when `token` was signed for this staff member, the token's venue and expiry, and the
   * feed's current salt. `salt` null (no such feed) is checked against a decoy, and fails.
   */
  verify(staffId: string, token: string, parsed: ParsedFeedToken, salt: Buffer | null): boolean {
    const memoKey = `${staffId}/${token}`;
    if (salt) {
      const memo = this.verified.get(memoKey);
      if (memo && memo.equals(salt)) return true;
    }
    const expected = feedTokenMac(this.key, {
      staffId,
      venueId: parsed.venueId,
      salt: salt ?? DECOY_SALT,
      expiresAt: parsed.expiresAt,
    });
    const ok = macMatches(expected, parsed.mac) && salt !== null;
    if (ok) this.verified.set(memoKey, Buffer.from(salt));
    return ok;
  }
}
