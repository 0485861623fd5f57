import type { StaffFeedRecord } from './feeds.repository';

/** A feed as the management API shows it to its owner (the URL is the credential: never log it). */
export interface FeedView {
  venueId: string;
  venueName: string;
  /** The subscription URL (https or http, as PUBLIC_BASE_URL). */
  url: string;
  /** The same URL with the webcal: scheme (one-click subscribe in Apple Calendar and Outlook). */
  webcalUrl: string;
  expiresAt: string;
  /** `active`, `expiring` (inside the warning period) or `expired` (regenerate to get a working URL). */
  status: 'active' | 'expiring' | 'expired';
  includeClientNames: boolean;
  createdAt: string;
  rotatedAt: string | null;
}

export function toFeedView(record: StaffFeedRecord, url: string, now: Date, warningDays: number): FeedView {
  const left = record.expiresAt.getTime() - now.getTime();
  return {
    venueId: record.venueId,
    venueName: record.venueName,
    url,
    webcalUrl: url.replace(/^https?:/, 'webcal:'),
    expiresAt: record.expiresAt.toISOString(),
    status: left <= 0 ? 'expired' : left <= warningDays * 86_400_000 ? 'expiring' : 'active',
    includeClientNames: record.includeClientNames,
    createdAt: record.createdAt.toISOString(),
    rotatedAt: record.rotatedAt?.toISOString() ?? null,
  };
}
