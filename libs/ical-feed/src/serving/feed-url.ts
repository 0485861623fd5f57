import { isUuid } from '@calbridge/core';
import { parseFeedToken, ParsedFeedToken } from '../tokens/feed-token';
import { feedTokenKey } from '../tokens/feed-token.service';
import { feedId, RenderedFeed } from './rendered-feed';

/** `/calendar/<staffId>/<token>.ics`, query string ignored. */
const FEED_PATH = /^\/calendar\/([^/?#]*)\/([^/?#]*)(?:\?.*)?$/;

/**
 * A feed URL taken apart: its parts, the token's structure (not verified) and the keys the
 * serving path looks things up by. Pure function of the URL, so a URL once verified is
 * remembered with its parts (FeedServingService) and a repeated poll parses nothing and builds
 * no string: each map lookup then hashes a string whose hash V8 has kept.
 */
export interface FeedUrl {
  /** The request URL as it arrived. */
  raw: string;
  staffId: string;
  token: string;
  claims: ParsedFeedToken;
  /** `staffId/token`: the verified-token memo's key. */
  tokenKey: string;
  /** `staffId/venueId`: the render cache's key. */
  feedId: string;
  /** Held in FeedServingService's memo of verified URLs (set and cleared there). */
  remembered: boolean;
  /** The last answer given for this URL, handed out again while it names the same rendering. */
  answer?: { kind: 'feed'; id: string; feed: RenderedFeed };
}

/** The URL's parts, or null when it cannot be a feed URL (path shape, staff id, token structure). */
export function parseFeedUrl(raw: string): FeedUrl | null {
  const match = FEED_PATH.exec(raw);
  if (!match) return null;
  const [, staffId, file] = match;
  if (!file.endsWith('.ics') || !isUuid(staffId)) return null;
  const token = file.slice(0, -4);
  const claims = parseFeedToken(token);
  if (!claims) return null;
  return { raw, staffId, token, claims, tokenKey: feedTokenKey(staffId, token), feedId: feedId(staffId, claims.venueId), remembered: false };
}
