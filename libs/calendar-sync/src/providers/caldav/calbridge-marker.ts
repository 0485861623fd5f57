/**
 * How calbridge recognises its own events in a CalDAV calendar (no loops): a UID in the
 * `@calbridge` namespace and X- properties naming the job and the connection.
 */
export const UID_DOMAIN = 'calbridge';
export const MARKER_JOB_PROPERTY = 'X-CALBRIDGE-JOB';
export const MARKER_CONNECTION_PROPERTY = 'X-CALBRIDGE-CONNECTION';
/** Content hash of what was pushed: a retry that finds its own event already there can adopt it without rewriting. */
export const MARKER_HASH_PROPERTY = 'X-CALBRIDGE-HASH';

export function calbridgeUid(key: string): string {
  return `${key}@${UID_DOMAIN}`;
}

export function isCalbridgeUid(uid: string | undefined | null): boolean {
  return !!uid && uid.toLowerCase().endsWith(`@${UID_DOMAIN}`);
}
