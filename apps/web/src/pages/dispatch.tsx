import type { JSX } from 'preact';
import { DateTime } from 'luxon';
import { Board, BoardView } from '../board/board';
import type { Api } from '../lib/api';
import { formatRange, relative, zoneLabel } from '../lib/time';
import type { Conflict, Staff, Venue } from '../lib/types';
import { Badge, Empty } from '../ui/parts';

/** The venue picker shared by the dispatcher's pages (venue name and zone). */
export function VenuePicker({ venues, venueId, onPick }: { venues: Venue[]; venueId: string; onPick: (id: string) => void }): JSX.Element {
  return (
    <label class="venue-picker">
      Venue
      <select value={venueId} onChange={(e) => onPick(e.currentTarget.value)}>
        {venues.map((v) => (
          <option key={v.id} value={v.id}>
            {v.name} ({zoneLabel(v.timezone)})
          </option>
        ))}
      </select>
    </label>
  );
}

/** Open conflicts of a venue: staff member, both sides, since when, link to the job on the board. */
export function ConflictsPanel({
  conflicts,
  staff,
  venue,
  onShow,
}: {
  conflicts: Conflict[];
  staff: Map<string, Staff>;
  venue: Venue;
  onShow?: (c: Conflict) => void;
}): JSX.Element {
  if (!conflicts.length) return <Empty>No open conflicts.</Empty>;
  return (
    <ul class="plain conflicts">
      {conflicts.map((c) => (
        <li key={c.id} class="conflict-row" data-conflict={c.id}>
          <div class="row wrap">
            <strong>{staff.get(c.staffId)?.name ?? 'A staff member'}</strong>
            <Badge status={c.status} />
            <span class="muted">since {relative(c.detectedAt)}</span>
          </div>
          <div>
            Job: {c.job.title ?? 'Job'} · {formatRange(c.job.startsAt, c.job.endsAt, venue.timezone)}
          </div>
          <div class="muted">
            Overlaps: {c.blockedSlot.source === 'manual' ? c.blockedSlot.reason || 'Blocked time' : 'Busy (connected calendar)'} ·{' '}
            {formatRange(c.blockedSlot.startsAt, c.blockedSlot.endsAt, venue.timezone)}
          </div>
          {onShow && (
            <button type="button" class="link" onClick={() => onShow(c)}>
              Show on the board
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The dispatcher's home for one venue: the board, its conflicts and agenda. */
export function DispatchHome({
  api,
  venues,
  venueId,
  view,
  date,
  onNavigate,
}: {
  api: Api;
  venues: Venue[];
  venueId: string;
  view: BoardView;
  date: string;
  onNavigate: (venueId: string, view: BoardView, date: string) => void;
}): JSX.Element {
  const venue = venues.find((v) => v.id === venueId) ?? venues[0];
  const today = DateTime.now().setZone(venue.timezone).toISODate() ?? '';
  return (
    <div class="stack">
      <div class="toolbar">
        <VenuePicker venues={venues} venueId={venue.id} onPick={(id) => onNavigate(id, view, date)} />
      </div>
      <section class="card-section" id="board-section" data-section={`Board · ${venue.name}`} aria-labelledby="h-board-section">
        <h2 id="h-board-section">Board · {venue.name}</h2>
        <Board key={venue.id} api={api} venue={venue} view={view} date={date || today} onNavigate={(v, d) => onNavigate(venue.id, v, d)} />
      </section>
    </div>
  );
}
