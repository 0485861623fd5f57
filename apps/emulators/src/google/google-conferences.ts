import { randomInt } from 'node:crypto';
import { gErrors } from './google-errors';
import type { GEventRecord, GInput } from './google-model';
import type { GCalendar } from './google-store';

/**
 * Conference data of events, as the Calendar API documents it
 * (https://developers.google.com/calendar/api/guides/create-events#conferencing):
 *
 * - `conferenceDataVersion=0` (the default): `conferenceData` in a request body is ignored and an
 *   event's existing conference stays;
 * - `conferenceDataVersion=1`: `conferenceData.createRequest` `{requestId, conferenceSolutionKey.type}`
 *   asks for a new conference; the answer carries `createRequest.status.statusCode` "pending"
 *   (still being created: no entry points yet), later "success" (entry points, `conferenceId`,
 *   `hangoutLink` for Meet) or "failure" (no entry points: the account cannot create that kind of
 *   conference). A request repeating the event's current `requestId` is ignored. A full update
 *   without `conferenceData` removes the conference; a patch without it keeps it. A body with a
 *   whole `conferenceData` (conferenceId, entry points) copies it.
 *
 * The emulator resolves a pending request after a number of reads of the event (`events.get`,
 * or the answer to a later write), per account: `pending` (default: the creating answer says
 * pending, the next read success), `instant`, or `failure`.
 */
export type ConferencingMode = { mode: 'pending'; pendingReads?: number } | { mode: 'instant' } | { mode: 'failure' };

const SOLUTION_TYPES = ['hangoutsMeet', 'eventHangout', 'eventNamedHangout', 'addOn'];

type Json = Record<string, unknown>;

export class GoogleConferences {
  private readonly modes = new Map<string, ConferencingMode>();
  /** `<calendar>/<requestId>` -> reads left before the request succeeds. */
  private readonly pending = new Map<string, number>();

  setMode(account: string, mode: ConferencingMode): void {
    this.modes.set(account.toLowerCase(), mode);
  }

  /**
   * Rewrites the write's `conferenceData` (and the read-only `hangoutLink`) per the version
   * rules above, before the store applies it. `existing`: the event being updated.
   */
  prepare(calendar: GCalendar, input: GInput, version: number, write: { existing?: GEventRecord; patch: boolean }): void {
    const current = write.existing?.fields;
    const requested = input.fields.conferenceData as Json | undefined;
    delete input.fields.hangoutLink;
    if (version !== 1 || (requested === undefined && !input.cleared.has('conferenceData') && write.patch)) {
      // Version 0 (or a patch that does not mention it): the existing conference stays as it is.
      delete input.fields.conferenceData;
      input.cleared.delete('conferenceData');
      if (current?.conferenceData !== undefined) input.fields.conferenceData = current.conferenceData;
      if (current?.hangoutLink !== undefined) input.fields.hangoutLink = current.hangoutLink;
      return;
    }
    if (requested === undefined || input.cleared.has('conferenceData')) {
      input.cleared.add('hangoutLink');
      return; // a full update without it, or an explicit null: the conference is removed
    }
    const create = requested.createRequest as Json | undefined;
    if (!create) {
      const video = (requested.entryPoints as Json[] | undefined)?.find((e) => e.entryPointType === 'video');
      if (typeof video?.uri === 'string' && video.uri.startsWith('https://meet.google.com/')) input.fields.hangoutLink = video.uri;
      return; // copied as given
    }
    const requestId = typeof create.requestId === 'string' ? create.requestId : '';
    const type = (create.conferenceSolutionKey as Json | undefined)?.type;
    if (!requestId) throw gErrors.invalid('Invalid conference create request: requestId is required.', 'conferenceData.createRequest.requestId');
    if (typeof type !== 'string' || !SOLUTION_TYPES.includes(type)) throw gErrors.invalid('Invalid conference type value.', 'conferenceData.createRequest.conferenceSolutionKey.type');
    const currentRequest = (current?.conferenceData as Json | undefined)?.createRequest as Json | undefined;
    if (currentRequest?.requestId === requestId) {
      // The same request again: ignored, the event keeps what it has.
      input.fields.conferenceData = current!.conferenceData;
      if (current?.hangoutLink !== undefined) input.fields.hangoutLink = current.hangoutLink;
      return;
    }
    const mode = this.modes.get(calendar.owner.toLowerCase()) ?? { mode: 'pending' };
    const allowed = type === 'hangoutsMeet' && mode.mode !== 'failure';
    const request = { requestId, conferenceSolutionKey: { type } };
    if (!allowed) {
      input.fields.conferenceData = { createRequest: { ...request, status: { statusCode: 'failure' } } };
      return;
    }
    if (mode.mode === 'instant') {
      Object.assign(input.fields, succeeded(request));
      return;
    }
    input.fields.conferenceData = { createRequest: { ...request, status: { statusCode: 'pending' } } };
    this.pending.set(`${calendar.id}/${requestId}`, Math.max(1, mode.pendingReads ?? 1));
  }

  /** A read of the event: a pending request gets one step closer to success. */
  advance(calendar: GCalendar, record: GEventRecord): void {
    const request = (record.fields.conferenceData as Json | undefined)?.createRequest as Json | undefined;
    if ((request?.status as Json | undefined)?.statusCode !== 'pending') return;
    const key = `${calendar.id}/${String(request!.requestId)}`;
    const left = (this.pending.get(key) ?? 1) - 1;
    if (left > 0) {
      this.pending.set(key, left);
      return;
    }
    this.pending.delete(key);
    Object.assign(record.fields, succeeded({ requestId: request!.requestId, conferenceSolutionKey: request!.conferenceSolutionKey }));
  }
}

function succeeded(request: Json): { conferenceData: Json; hangoutLink: string } {
  const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + randomInt(26))).join('');
  const code = `${letters(3)}-${letters(4)}-${letters(3)}`;
  const uri = `https://meet.google.com/${code}`;
  return {
    conferenceData: {
      createRequest: { ...request, status: { statusCode: 'success' } },
      entryPoints: [{ entryPointType: 'video', uri, label: `meet.google.com/${code}` }],
      conferenceSolution: {
        key: { type: 'hangoutsMeet' },
        name: 'Google Meet',
        iconUri: 'https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png',
      },
      conferenceId: code,
    },
    hangoutLink: uri,
  };
}
