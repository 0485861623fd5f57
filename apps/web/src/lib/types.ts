/** The API's answers as the web app reads them (see /docs). */
export interface Venue {
  id: string;
  name: string;
  timezone: string;
}

export interface Staff {
  id: string;
  name: string;
  email: string;
  venueIds: string[];
  active?: boolean;
}

export const JOB_STATUSES = ['pending', 'confirmed', 'contingent', 'seeking_replacement', 'arrived', 'completed', 'cancelled', 'no_show'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface Job {
  id: string;
  venueId: string;
  title: string;
  service: string | null;
  customer: { id: string; firstName: string; lastName: string } | null;
  location: string | null;
  remote: {
    provider: 'url' | 'google_meet' | 'teams';
    url: string | null;
    details: string | null;
    meeting: { status: 'requested' | 'pending' | 'created' | 'unavailable'; note: string | null } | null;
  } | null;
  startsAt: string;
  endsAt: string;
  allDay: boolean;
  timezone: string;
  status: JobStatus;
  version: number;
  assignments: Array<{ staffId: string; role: string; assignedAt: string }>;
  /** Read from the board's compact answer: service, location, customer and remote are not loaded yet. */
  partial?: boolean;
}

export interface Customer {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  venueIds: string[];
}

/** A job as `GET /v1/venues/:id/board` gives it: only what the board draws. */
export interface BoardJob {
  id: string;
  title: string;
  status: JobStatus;
  startsAt: string;
  endsAt: string;
  version: number;
  staffIds: string[];
}

/** `GET /v1/venues/:id/board`: everything the board draws, and the live stream's resume point. */
export interface BoardData {
  venue: Venue;
  from: string;
  to: string;
  cursor: string;
  staff: Staff[];
  jobs: BoardJob[];
  blockedSlots: BlockedSlot[];
  conflicts: Conflict[];
}

export interface JobPage {
  items: Job[];
  nextCursor: string | null;
}

export interface Conflict {
  id: string;
  status: 'open' | 'resolved' | 'overridden';
  venueId: string;
  staffId: string;
  job: { id: string; title: string | null; status: string | null; startsAt: string; endsAt: string };
  blockedSlot: { id: string | null; source: string; reason: string | null; startsAt: string; endsAt: string };
  detectedAt: string;
}

export interface BlockedSlot {
  id: string;
  staffId: string;
  startsAt: string;
  endsAt: string;
  allDay: boolean;
  source: string;
  reason: string | null;
}

export interface Feed {
  venueId: string;
  venueName: string;
  url: string;
  webcalUrl: string;
  expiresAt: string;
  status: 'active' | 'expiring' | 'expired';
  includeClientNames: boolean;
}

export type ConnectionStatus = 'active' | 'syncing' | 'needs_reauth' | 'error' | 'disconnected';

export interface Connection {
  id: string;
  staffId: string;
  provider: string;
  accountEmail: string;
  status: ConnectionStatus;
  lastSyncedAt: string | null;
  lastError: string | null;
}

export interface ConnectionOverview extends Connection {
  staffName: string;
  venueIds: string[];
}

export interface CalendarChoice {
  id: string;
  name: string;
  readOnly?: boolean;
  push?: boolean;
  pull?: boolean;
  removed?: boolean;
}

export interface ProviderInfo {
  key: string;
  displayName: string;
  oauth: boolean;
}
