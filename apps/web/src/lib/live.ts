import type { Api } from './api';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

export interface LiveEvent {
  type: string;
  id: string;
  jobId?: string;
  staffId?: string;
  slotId?: string;
  conflictId?: string;
  connectionId?: string;
}

const STREAMED = [
  'job.created',
  'job.updated',
  'job.rescheduled',
  'job.status_changed',
  'assignment.created',
  'assignment.deleted',
  'blocked_slot.created',
  'blocked_slot.deleted',
  'blocked_slot.synced',
  'conflict.opened',
  'conflict.overridden',
  'conflict.resolved',
  'connection.needs_reauth',
];

/** Next wait before reconnecting: 1 s, 2 s, 4 s … at most 30 s. */
export function backoff(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
}

/**
 * A venue's live stream (`GET /v1/venues/:id/stream`) through EventSource with a fresh ticket per
 * connection, resuming from the last event seen; reconnects with back-off. `onReady(resumed)`:
 * when not resumed, the caller (re)loads what it shows — nothing after that point is missed.
 */
export function openLive(
  api: Api,
  venueId: string,
  handlers: { onEvent: (e: LiveEvent) => void; onReady: (resumed: boolean) => void; onState: (s: LiveState) => void; onReset: () => void },
  /** Where the data on screen was read (the board's `cursor`): the stream resumes there, nothing is missed or re-read. */
  from: string | null = null,
): () => void {
  let source: EventSource | null = null;
  let lastId: string | null = from;
  let stopped = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = async () => {
    if (stopped) return;
    handlers.onState(attempt ? 'reconnecting' : 'connecting');
    let ticket: string;
    try {
      ticket = (await api.streamTicket(venueId)).ticket;
    } catch {
      return retry();
    }
    if (stopped) return;
    const q = new URLSearchParams({ ticket });
    if (lastId) q.set('lastEventId', lastId);
    const es = new EventSource(`/v1/venues/${venueId}/stream?${q.toString()}`);
    source = es;
    const track = (e: MessageEvent) => {
      if (e.lastEventId) lastId = e.lastEventId;
    };
    es.addEventListener('ready', (e) => {
      track(e as MessageEvent);
      attempt = 0;
      handlers.onState('live');
      let resumed = false;
      try {
        resumed = Boolean((JSON.parse((e as MessageEvent).data) as { resumed?: boolean }).resumed);
      } catch {
        resumed = false;
      }
      handlers.onReady(resumed);
    });
    es.addEventListener('reset', (e) => {
      track(e as MessageEvent);
      handlers.onReset();
    });
    for (const name of STREAMED) {
      es.addEventListener(name, (e) => {
        track(e as MessageEvent);
        try {
          handlers.onEvent(JSON.parse((e as MessageEvent).data) as LiveEvent);
        } catch {
          /* a malformed event is skipped; the next reload shows the truth */
        }
      });
    }
    es.onerror = () => {
      // Tickets expire, so the browser's own reconnect (same URL) would fail: reconnect ourselves.
      es.close();
      if (source === es) source = null;
      retry();
    };
  };
  const retry = () => {
    if (stopped) return;
    handlers.onState('reconnecting');
    timer = setTimeout(() => void connect(), backoff(attempt++));
  };
  void connect();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    source?.close();
  };
}
