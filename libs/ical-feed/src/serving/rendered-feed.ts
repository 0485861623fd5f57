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
  /** Every input of the rendering besides the jobs (see {@link isRenderingOf}). */
  source: RenderingSource;
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
 * Process-wide policy is constant for a process and not part of it.
 */
export interface RenderingSource {
  scheduleVersion: string;
  feedVersion: number;
  includeClientNames: boolean;
  expiresAt: number;
  timezone: string;
  staffName: string;
  venueName: string;
  day: string;
}

export function renderingSource(head: FeedHead, day: string): RenderingSource {
  return {
    scheduleVersion: head.scheduleVersion,
    feedVersion: head.feedVersion,
    includeClientNames: head.includeClientNames,
    expiresAt: head.expiresAt.getTime(),
    timezone: head.timezone,
    staffName: head.staffName,
    venueName: head.venueName,
    day,
  };
}

/**
 * What a conditional request needs of a rendering, kept after its bytes left the cache: a few
 * hundred bytes against the feed's kilobytes to megabytes.
 */
export interface FeedValidator {
  source: RenderingSource;
  etag: string;
  lastModified: string;
}

/** The ETag of the gzipped representation of a rendering with ETag `etag`. */
export function gzipEtagOf(etag: string): string {
  return `${etag.slice(0, -1)}-gz"`;
}

/** True when `feed` was rendered from exactly this head on this day (a cached poll's check: no allocation). */
export function isRenderingOf(feed: { source: RenderingSource }, head: FeedHead, day: string): boolean {
  const s = feed.source;
  return (
    s.scheduleVersion === head.scheduleVersion &&
    s.feedVersion === head.feedVersion &&
    s.day === day &&
    s.includeClientNames === head.includeClientNames &&
    s.expiresAt === head.expiresAt.getTime() &&
    s.timezone === head.timezone &&
    s.staffName === head.staffName &&
    s.venueName === head.venueName
  );
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
