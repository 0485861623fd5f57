import { createHash } from 'node:crypto';

/**
 * Names of the events calbridge pushes: deterministic per (connection, job), so that a retry
 * finds what an earlier attempt wrote, a pull recognises calbridge's own events and drift repair
 * finds a connection's events by prefix. Providers use them as ids (Google event id, CalDAV file
 * name and UID, Graph transactionId); push derives them.
 */

/**
 * Deterministic key of a job's event in one connection: `cb` + 6 characters naming the
 * connection + 26 naming the job, all base32hex (valid as a Google event id, a CalDAV file
 * name and UID local part, a Graph transactionId).
 */
export function eventKey(connectionId: string, jobId: string): string {
  return connectionKeyPrefix(connectionId) + base32hex(createHash('sha256').update(`${connectionId}:${jobId}`).digest()).slice(0, 26);
}

/** Whether a value has the shape of an event key (`cb` + 32 base32hex characters): how pulls recognise events calbridge pushed. */
export function isEventKey(value: unknown): boolean {
  return typeof value === 'string' && /^cb[0-9a-v]{32}$/.test(value);
}

/** The start every key of this connection shares (drift repair finds the connection's own events by it). */
export function connectionKeyPrefix(connectionId: string): string {
  return `cb${base32hex(createHash('sha256').update(connectionId).digest()).slice(0, 6)}`;
}

function base32hex(bytes: Buffer): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}
