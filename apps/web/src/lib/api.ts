import { ApiError, toApiError } from './errors';
import type {
  BlockedSlot, BoardData, CalendarChoice, Customer, Conflict, Connection, ConnectionOverview, Feed, Job, JobPage, ProviderInfo, Staff, Venue,
} from './types';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * One JSON request to our own api: a network failure becomes ApiError `NETWORK`, a non-2xx answer
 * the server's error (code, message, details; `Retry-After` as `details.retryAfterSeconds`).
 */
export async function requestJson<T>(
  method: Method,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  onStatus?: (status: number) => void,
): Promise<T> {
  const h: Record<string, string> = { Accept: 'application/json', ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'NETWORK', '');
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  onStatus?.(res.status);
  if (!res.ok) {
    const error = toApiError(res.status, data);
    const retry = Number(res.headers.get('Retry-After'));
    if (retry > 0 && error.details.retryAfterSeconds === undefined) error.details.retryAfterSeconds = retry;
    throw error;
  }
  return data as T;
}

/** The /v1 API with the session's bearer token. One instance per signed-in tab. */
export class Api {
  constructor(
    private readonly token: () => string | null,
    private readonly onUnauthorized: () => void,
  ) {}

  request<T>(method: Method, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const token = this.token();
    return requestJson<T>(method, path, body, token ? { ...headers, Authorization: `Bearer ${token}` } : headers, (status) => {
      if (status === 401) this.onUnauthorized();
    });
  }

  // scheduling
  venues = () => this.request<Venue[]>('GET', '/v1/venues');
  venue = (id: string) => this.request<Venue>('GET', `/v1/venues/${id}`);
  createVenue = (body: { name: string; timezone: string }) => this.request<Venue>('POST', '/v1/venues', body);
  updateVenue = (id: string, body: { name?: string; timezone?: string }) => this.request<Venue>('PATCH', `/v1/venues/${id}`, body);
  staffList = (venueId?: string, includeInactive = false) =>
    this.request<Staff[]>('GET', `/v1/staff${query({ venueId, includeInactive: includeInactive ? 'true' : undefined })}`);
  staff = (id: string) => this.request<Staff>('GET', `/v1/staff/${id}`);
  createStaff = (body: { name: string; email: string; venueIds: string[] }) => this.request<Staff>('POST', '/v1/staff', body);
  updateStaff = (id: string, body: Partial<{ name: string; email: string; venueIds: string[]; active: boolean }>) =>
    this.request<Staff>('PATCH', `/v1/staff/${id}`, body);
  jobs = (q: { venueId?: string; staffId?: string; from: string; to: string; status?: string; limit?: number; cursor?: string }) =>
    this.request<JobPage>('GET', `/v1/jobs${query({ ...q, limit: String(q.limit ?? 1000) })}`);
  /** Every page of a window (the board needs all of it). */
  async allJobs(q: { venueId?: string; staffId?: string; from: string; to: string }): Promise<Job[]> {
    const out: Job[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.jobs({ ...q, cursor });
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out;
  }
  /** The board of a window in one answer (jobs with the board's fields only), with its stream cursor. */
  board = (venueId: string, from: string, to: string) => this.request<BoardData>('GET', `/v1/venues/${venueId}/board${query({ from, to })}`);
  searchCustomers = (venueId: string, q: string) => this.request<Customer[]>('GET', `/v1/customers${query({ venueId, q, limit: 10 })}`);
  createCustomer = (body: { venueId: string; firstName: string; lastName: string; email?: string; phone?: string }) => this.request<Customer>('POST', '/v1/customers', body);
  /** The same read by view (day|week) and date (default: today), the window computed in the venue's zone. */
  boardAround = (venueId: string, view: 'day' | 'week', date?: string) => this.request<BoardData>('GET', `/v1/venues/${venueId}/board${query({ view, date })}`);
  job = (id: string) => this.request<Job>('GET', `/v1/jobs/${id}`);
  createJob = (body: Record<string, unknown>) => this.request<Job>('POST', '/v1/jobs', body);
  updateJob = (id: string, version: number, body: Record<string, unknown>) =>
    this.request<Job>('PATCH', `/v1/jobs/${id}`, body, { 'If-Match': `"${version}"` });
  assign = (jobId: string, staffId: string, override = false) =>
    this.request<unknown>('POST', `/v1/jobs/${jobId}/assignments`, { staffId, ...(override ? { override: true } : {}) });
  unassign = (jobId: string, staffId: string) => this.request<unknown>('DELETE', `/v1/jobs/${jobId}/assignments/${staffId}`);
  conflicts = (q: { venueId?: string; staffId?: string; status?: string }) => this.request<Conflict[]>('GET', `/v1/conflicts${query(q)}`);
  blockedSlots = (staffId: string, from: string, to: string) =>
    this.request<BlockedSlot[]>('GET', `/v1/staff/${staffId}/blocked-slots${query({ from, to })}`);
  venueBlockedSlots = (venueId: string, from: string, to: string) =>
    this.request<BlockedSlot[]>('GET', `/v1/venues/${venueId}/blocked-slots${query({ from, to })}`);
  createBlockedSlot = (staffId: string, body: { startsAt: string; endsAt: string; reason?: string }) =>
    this.request<BlockedSlot>('POST', `/v1/staff/${staffId}/blocked-slots`, body);
  deleteBlockedSlot = (staffId: string, slotId: string) => this.request<unknown>('DELETE', `/v1/staff/${staffId}/blocked-slots/${slotId}`);

  // feeds
  feeds = (staffId: string) => this.request<Feed[]>('GET', `/v1/staff/${staffId}/feeds`);
  regenerateFeed = (staffId: string, venueId: string) => this.request<Feed>('POST', `/v1/staff/${staffId}/feeds/${venueId}/regenerate`);
  updateFeed = (staffId: string, venueId: string, includeClientNames: boolean) =>
    this.request<Feed>('PATCH', `/v1/staff/${staffId}/feeds/${venueId}`, { includeClientNames });

  // calendar sync
  providers = () => this.request<ProviderInfo[]>('GET', '/v1/calendar-providers');
  connections = (staffId: string) => this.request<Connection[]>('GET', `/v1/staff/${staffId}/connections`);
  connectionsOverview = (venueId?: string) => this.request<ConnectionOverview[]>('GET', `/v1/connections${query({ venueId })}`);
  authorize = (staffId: string, provider: string) => this.request<{ url: string }>('GET', `/v1/staff/${staffId}/connections/${provider}/authorize`);
  connectCaldav = (staffId: string, body: { username: string; appPassword: string; serverUrl?: string }) =>
    this.request<Connection>('POST', `/v1/staff/${staffId}/connections/caldav`, body);
  calendars = (connectionId: string) => this.request<CalendarChoice[]>('GET', `/v1/connections/${connectionId}/calendars`);
  updateConnection = (connectionId: string, body: { pushCalendarId?: string; pullCalendarIds?: string[] }) =>
    this.request<Connection>('PATCH', `/v1/connections/${connectionId}`, body);
  resync = (connectionId: string) => this.request<unknown>('POST', `/v1/connections/${connectionId}/resync`);
  disconnect = (connectionId: string, removePushedEvents: boolean) =>
    this.request<unknown>('DELETE', `/v1/connections/${connectionId}${removePushedEvents ? '?removePushedEvents=true' : ''}`);

  // live updates
  streamTicket = (venueId: string) => this.request<{ ticket: string; expiresAt: string }>('POST', '/v1/stream-tickets', { venueId });
}

/** `?a=1&b=2` of the defined values ('' when none). */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
