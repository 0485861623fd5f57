import type { FeedHead } from '../feeds/feeds.repository';

/** Versions and day a rendering was made from (to tell which of two is newer). */
export interface FeedVersions {
  scheduleVersion: bigint;
  feedVersion: number;
  /** ISO date in the venue's zone. */
  day: string;
}

/** A feed as served: the bytes and what the HTTP answer says about them. */
export interface RenderedFeed extends FeedVersions {
  /** {@link feedCacheKey} of the data it was rendered from. */
  key: string;
  body: Buffer;
  /** Strong ETag of `body` (quoted). */
  etag: string;
  /** HTTP-date. */
  lastModified: string;
  filename: string;
  eventCount: number;
  /** gzip of `body`, made on the first request that accepts it, then kept. */
  gzip?: Promise<Buffer>;
  gzipped?: Buffer;
}

/**
 * Every input of a rendered feed besides the jobs themselves, whose changes all bump
 * `scheduleVersion` in their own transaction: the feed's settings (salt, client names -> feed
 * version), names in the calendar title, the zone and the day (window, expiry warning).
 * Process-wide policy is constant for a process and not part of the key.
 */
export function feedCacheKey(head: FeedHead, day: string): string {
  return `${head.scheduleVersion}|${head.feedVersion}|${head.includeClientNames ? 1 : 0}|${day}|${head.timezone}|${head.expiresAt.getTime()}|${head.venueName}|${head.staffName}`;
}

export function feedId(staffId: string, venueId: string): string {
  return `${staffId}/${venueId}`;
}

export function versionsOf(head: FeedHead, day: string): FeedVersions {
  return { scheduleVersion: BigInt(head.scheduleVersion), feedVersion: head.feedVersion, day };
}

/** True when `a` was rendered from data at least as new as `b` (versions only grow; days only move on). */
export function isAtLeastAsNew(a: FeedVersions, b: FeedVersions): boolean {
  return a.scheduleVersion >= b.scheduleVersion && a.feedVersion >= b.feedVersion && a.day >= b.day;
}
