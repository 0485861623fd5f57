import type { Api } from '../lib/api';
import { TOKEN_KEY } from '../lib/auth';
import type { BoardData } from '../lib/types';

/**
 * The board's read, started as the app starts (with the venue list, not after it): the app
 * knows the venue, view and date from the address before it knows the venue's zone, and the
 * API computes the window in that zone. The board takes it once if it is for its own window.
 */
const started = new Map<string, Promise<BoardData>>();

/** Per session token too: a read made for one signed-in user is never handed to the next. */
const keyOf = (venueId: string, view: string) => `${sessionStorage.getItem(TOKEN_KEY) ?? ''}|${venueId}|${view}`;

export function prefetchBoard(api: Api, venueId: string, view: 'day' | 'week', date: string): void {
  const key = keyOf(venueId, view);
  if (started.has(key)) return;
  const read = api.boardAround(venueId, view, date || undefined);
  read.catch(() => undefined); // the board reads again itself if this failed
  started.set(key, read);
}

/** The prefetched read for this venue and view, if any (once), when it covers exactly [from, to). */
export async function takePrefetched(venueId: string, view: 'day' | 'week', from: string, to: string): Promise<BoardData | null> {
  const key = keyOf(venueId, view);
  const read = started.get(key);
  if (!read) return null;
  started.delete(key);
  try {
    const data = await read;
    return Date.parse(data.from) === Date.parse(from) && Date.parse(data.to) === Date.parse(to) ? data : null;
  } catch {
    return null;
  }
}
