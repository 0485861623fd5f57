/** Position in the outbox, in commit-safe order: (transaction id, row id), written "xid-id". */
export interface LiveCursor {
  xid: string;
  id: string;
}

const CURSOR = /^(\d{1,20})-(\d{1,20})$/;

export function formatCursor(c: LiveCursor): string {
  return `${c.xid}-${c.id}`;
}

/** A Last-Event-ID as the stream wrote it, or null for anything else (then the stream starts at "now"). */
export function parseCursor(value: unknown): LiveCursor | null {
  if (typeof value !== 'string') return null;
  const m = CURSOR.exec(value.trim());
  if (!m) return null;
  return { xid: BigInt(m[1]).toString(), id: BigInt(m[2]).toString() };
}

/** The name a client sees for an outbox event type (API.md "Live updates"); null: not streamed. */
export function streamEventName(type: string): string | null {
  if (type === 'job.assigned') return 'assignment.created';
  if (type === 'job.unassigned') return 'assignment.deleted';
  if (type === 'blocked_slots.synced') return 'blocked_slot.synced';
  if (/^(job|blocked_slot|conflict)\./.test(type)) return type;
  if (type === 'connection.needs_reauth') return type;
  return null;
}

/** What the stream says about an event: ids only (clients re-read what they show). */
export function streamEventData(type: string, aggregateId: string, payload: Record<string, unknown>): Record<string, unknown> {
  const pick = (k: string) => (typeof payload[k] === 'string' ? { [k]: payload[k] } : {});
  return {
    type: streamEventName(type),
    id: aggregateId,
    ...pick('jobId'),
    ...pick('staffId'),
    ...pick('slotId'),
    ...pick('conflictId'),
    ...pick('connectionId'),
    ...(Array.isArray(payload.staffIds) ? { staffIds: payload.staffIds } : {}),
  };
}
