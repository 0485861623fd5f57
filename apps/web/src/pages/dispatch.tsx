import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';
import type { Api } from '../lib/api';
import { dayWindow, formatRange, relative, zoneLabel } from '../lib/time';
import type { Conflict, Staff, Venue } from '../lib/types';
import { useLoad } from '../ui/async';
import { Badge, Empty, Section } from '../ui/parts';

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

/** The week's jobs as a list (the accessible alternative to the board, and its phone view). */
export function WeekList({ api, venue, staff }: { api: Api; venue: Venue; staff: Map<string, Staff> }): JSX.Element {
  const window = useMemo(() => dayWindow(new Date(), venue.timezone, 7), [venue.id]);
  const [load, reload] = useLoad(() => api.allJobs({ venueId: venue.id, ...window }), [venue.id]);
  return (
    <Section title="Jobs in the next 7 days" id="week-list" load={load} retry={reload}>
      {(jobs) =>
        jobs.length ? (
          <ul class="plain">
            {jobs.map((j) => (
              <li key={j.id} class="job-row" data-job={j.id}>
                <span>{formatRange(j.startsAt, j.endsAt, venue.timezone)}</span> <strong>{j.title}</strong> <Badge status={j.status} />{' '}
                <span class="muted">{j.assignments.map((a) => staff.get(a.staffId)?.name ?? 'someone').join(', ') || 'unassigned'}</span>
              </li>
            ))}
          </ul>
        ) : (
          <Empty>No jobs in the next 7 days.</Empty>
        )
      }
    </Section>
  );
}

/** The dispatcher's home for one venue. */
export function DispatchHome({ api, venues, venueId, onPick }: { api: Api; venues: Venue[]; venueId: string; onPick: (id: string) => void }): JSX.Element {
  const venue = venues.find((v) => v.id === venueId) ?? venues[0];
  const [staffLoad] = useLoad(() => api.staffList(venue.id), [venue.id]);
  const [conflictsLoad, reloadConflicts] = useLoad(() => api.conflicts({ venueId: venue.id, status: 'open' }), [venue.id]);
  const staff = useMemo(() => new Map((staffLoad.state === 'ready' ? staffLoad.data : []).map((s) => [s.id, s])), [staffLoad]);
  return (
    <div class="stack">
      <div class="toolbar">
        <VenuePicker venues={venues} venueId={venue.id} onPick={onPick} />
        <span class="zone-label">Times in {zoneLabel(venue.timezone)}</span>
      </div>
      <Section title="Open conflicts" id="open-conflicts" load={conflictsLoad} retry={reloadConflicts}>
        {(list) => <ConflictsPanel conflicts={list} staff={staff} venue={venue} />}
      </Section>
      <WeekList api={api} venue={venue} staff={staff} />
    </div>
  );
}
