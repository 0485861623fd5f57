import type { JSX } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { DateTime } from 'luxon';
import type { Api } from '../lib/api';
import { ApiError, describeError } from '../lib/errors';
import { LiveState, openLive } from '../lib/live';
import { formatRange, zoneLabel } from '../lib/time';
import type { BlockedSlot, BoardJob, Conflict, ConnectionOverview, Job, Staff, Venue } from '../lib/types';
import { Badge, Loading, STATUS_LABEL } from '../ui/parts';
import { ConflictsPanel } from '../pages/dispatch';
import { buildEvents, buildLanes, reassignment } from './board-model';
import { DayTimeline, loadCalendar, TimelineHandlers } from './day-timeline';
import { takePrefetched } from './prefetch';
import { buildRoster, RosterLane, shiftDays, weekDays } from './roster-model';
import { RosterHandlers, WeekRoster } from './week-roster';
import { ConflictDetail, ConflictDialog, PendingConflict } from './conflict-dialog';
import type { CustomerChoice } from './customer-picker';
import { JobDraft, JobPanel, NewJobPanel, remoteBody } from './job-panel';

export type BoardView = 'day' | 'week';

type PanelState = null | { kind: 'new'; startsAt: string; endsAt: string; lane: string | null } | { kind: 'job'; jobId: string };

interface Props {
  api: Api;
  venue: Venue;
  view: BoardView;
  date: string;
  onNavigate: (view: BoardView, date: string) => void;
}

/** The window the board shows, in the venue's zone: a day, or a Monday-to-Sunday week. */
export function boardWindow(view: BoardView, date: string, zone: string): { from: string; to: string } {
  const start = DateTime.fromISO(date, { zone }).startOf(view === 'day' ? 'day' : 'week');
  return { from: start.toISO() ?? '', to: start.plus(view === 'day' ? { days: 1 } : { weeks: 1 }).toISO() ?? '' };
}

/**
 * The dispatcher board for one venue: a lane per staff member (and one for unassigned jobs),
 * jobs coloured by status, blocked time as "Busy", open conflicts outlined on both sides.
 * Select a range to create a job; drag to reschedule or to move it to another lane; resize to
 * change its length; click to edit, assign or cancel. Everything is in the venue's zone.
 */
export function Board({ api, venue, view, date, onNavigate }: Props): JSX.Element {
  const zone = venue.timezone;
  const [staff, setStaff] = useState<Staff[]>([]);
  const window = useMemo(() => boardWindow(view, date, zone), [view, date, zone]);
  const [jobs, setJobs] = useState<Map<string, Job>>(new Map());
  const [slots, setSlots] = useState<BlockedSlot[]>([]);
  const [conflicts, setConflicts] = useState<Conflict[]>([]);
  const [connections, setConnections] = useState<ConnectionOverview[]>([]);
  const [state, setState] = useState<{ loading: boolean; error: string | null; partial: string[] }>({ loading: true, error: null, partial: [] });
  const [panel, setPanel] = useState<PanelState>(null);
  const [panelNotice, setPanelNotice] = useState<string | null>(null);
  const [panelReload, setPanelReload] = useState(0);
  const [pending, setPending] = useState<PendingConflict | null>(null);
  const [overriding, setOverriding] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [live, setLive] = useState<LiveState>('connecting');
  /** Bumped to (re)load (a `reset` from the stream: events were lost). */
  const [streamGate, setStreamGate] = useState(1);
  /** Where the first read was made: the live stream starts there (nothing missed, nothing read twice). */
  const [liveFrom, setLiveFrom] = useState<{ cursor: string | null } | null>(null);
  /** The window whose data is on screen (a silent re-read keeps it marked loaded). */
  const [loadedWindow, setLoadedWindow] = useState('');
  const jobsRef = useRef(jobs);
  jobsRef.current = jobs;
  const lanes = useMemo(() => buildLanes(staff, connections), [staff, connections]);
  const staffName = useCallback((id: string) => staff.find((s) => s.id === id)?.name ?? 'A staff member', [staff]);

  // ---- loading: one read of the board, the lanes' calendar health beside it ----
  const loadGeneration = useRef(0);
  const load = useCallback(async () => {
    const mine = ++loadGeneration.current;
    setState((s) => ({ ...s, loading: true }));
    performance.mark('board:request');
    const first = mine === 1 ? await takePrefetched(venue.id, view, window.from, window.to) : null;
    const [b, h] = await Promise.allSettled([first ? Promise.resolve(first) : api.board(venue.id, window.from, window.to), api.connectionsOverview(venue.id)]);
    if (mine !== loadGeneration.current) return;
    performance.mark('board:data');
    setLiveFrom((f) => f ?? { cursor: b.status === 'fulfilled' ? b.value.cursor : null });
    if (b.status === 'rejected') {
      setState({ loading: false, error: describeError(b.reason), partial: [] });
      return;
    }
    const data = b.value;
    const next = new Map<string, Job>();
    for (const j of data.jobs) next.set(j.id, fromBoardJob(j, venue));
    // A job whose full record is open in the panel keeps its details (same version: nothing changed).
    for (const [id, old] of jobsRef.current) if (!old.partial && next.get(id)?.version === old.version) next.set(id, old);
    jobsRef.current = next;
    setJobs(next);
    setStaff(data.staff);
    setSlots(data.blockedSlots);
    setConflicts(data.conflicts);
    const partial: string[] = [];
    if (h.status === 'fulfilled') setConnections(h.value);
    else partial.push(`calendar health (${describeError(h.reason)})`);
    setState({ loading: false, error: null, partial });
    setLoadedWindow(window.from + window.to);
  }, [api, venue, view, window.from, window.to]);
  useEffect(() => {
    if (streamGate > 0) void load();
  }, [load, streamGate]);
  // Where the time goes (read by the benchmark): data in, then drawn.
  useEffect(() => {
    if (loadedWindow) performance.mark('board:drawn');
  }, [loadedWindow, jobs]);
  // The day view's scheduler component is its own chunk: fetch it while the data loads.
  useEffect(() => {
    if (view === 'day') void loadCalendar();
  }, [view]);

  const refreshJob = useCallback(
    async (id: string) => {
      try {
        const job = await api.job(id);
        const w = windowRef.current;
        const inside = job.venueId === venue.id && +new Date(job.startsAt) < +new Date(w.to) && +new Date(job.endsAt) > +new Date(w.from);
        const next = new Map(jobsRef.current);
        if (inside) next.set(job.id, job);
        else next.delete(job.id);
        jobsRef.current = next;
        setJobs(next);
        return job;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) {
          const next = new Map(jobsRef.current);
          next.delete(id);
          jobsRef.current = next;
          setJobs(next);
        }
        return null;
      }
    },
    [api, venue.id],
  );
  const refreshConflicts = useCallback(async () => {
    try {
      setConflicts(await api.conflicts({ venueId: venue.id, status: 'open' }));
    } catch {
      /* the panel keeps what it had; the next load retries */
    }
  }, [api, venue.id]);

  const refreshSlots = useCallback(async () => {
    try {
      setSlots(await api.venueBlockedSlots(venue.id, windowRef.current.from, windowRef.current.to));
    } catch {
      /* kept; the next event or reload retries */
    }
  }, [api, venue.id]);
  const refreshConnections = useCallback(async () => {
    try {
      setConnections(await api.connectionsOverview(venue.id));
    } catch {
      /* kept */
    }
  }, [api, venue.id]);

  // ---- live: committed changes anywhere appear without a reload ----
  const windowRef = useRef(window);
  windowRef.current = window;
  useEffect(() => {
    const pendingJobs = new Set<string>();
    const pendingKinds = new Set<'slots' | 'conflicts' | 'connections'>();
    let flush: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      // Coalesce a burst (one move = several events) into one re-read per thing, quickly.
      flush ??= setTimeout(() => {
        flush = undefined;
        const jobsNow = [...pendingJobs];
        pendingJobs.clear();
        const kinds = new Set(pendingKinds);
        pendingKinds.clear();
        for (const id of jobsNow) void refreshJob(id);
        if (kinds.has('slots')) void refreshSlots();
        if (kinds.has('conflicts')) void refreshConflicts();
        if (kinds.has('connections')) void refreshConnections();
      }, 10);
    };
    if (!liveFrom) return;
    const stop = openLive(api, venue.id, {
      onState: setLive,
      // Not resumed (no cursor, or it was too old): what is on screen may be stale, read it again.
      onReady: (resumed) => {
        if (!resumed) setStreamGate((g) => g + 1);
      },
      onReset: () => setStreamGate((g) => g + 1),
      onEvent: (e) => {
        // When each change reached the board (read by the benchmark; a bounded number kept).
        if (performance.getEntriesByName('live:event', 'mark').length > 500) performance.clearMarks('live:event');
        performance.mark('live:event', { detail: { type: e.type, id: e.slotId ?? e.jobId ?? e.id } });
        if (e.type.startsWith('job.') || e.type.startsWith('assignment.')) pendingJobs.add(e.jobId ?? e.id);
        else if (e.type.startsWith('blocked_slot.')) {
          pendingKinds.add('slots');
          // A pull just ran for that person: their lane's "last synced" and status moved too.
          if (e.type === 'blocked_slot.synced') pendingKinds.add('connections');
        }
        else if (e.type.startsWith('conflict.')) {
          pendingKinds.add('conflicts');
          pendingKinds.add('slots');
        } else if (e.type.startsWith('connection.')) pendingKinds.add('connections');
        schedule();
      },
    }, liveFrom.cursor);
    // Sync status changes (syncing -> active) are not all events: look again now and then.
    const healthTimer = setInterval(() => void refreshConnections(), 60_000);
    return () => {
      stop();
      clearInterval(healthTimer);
      if (flush) clearTimeout(flush);
    };
  }, [api, venue.id, liveFrom, refreshJob, refreshSlots, refreshConflicts, refreshConnections]);

  // ---- changes (each may hit a conflict or a stale version) ----
  const change = useCallback(
    async (jobId: string, what: string, fn: (override: boolean) => Promise<void>, revert?: () => void): Promise<string | void> => {
      try {
        await fn(false);
        await Promise.all([refreshJob(jobId), refreshConflicts()]);
        setMessage({ text: `${what}: done.`, error: false });
        return `${what}: done.`;
      } catch (e) {
        revert?.();
        if (e instanceof ApiError && e.code === 'ASSIGNMENT_CONFLICT') {
          const details = e.details as { overridable?: boolean; conflicts?: ConflictDetail[] };
          setOverriding({ busy: false, error: null });
          setPending({
            what,
            overridable: details.overridable === true,
            conflicts: details.conflicts ?? [],
            override: async () => {
              await fn(true);
              await Promise.all([refreshJob(jobId), refreshConflicts()]);
              setMessage({ text: `${what}: done, with the conflict recorded as overridden.`, error: false });
            },
          });
          await refreshJob(jobId);
          throw new Error('This collides with other commitments; see the conflict details.');
        }
        if (e instanceof ApiError && e.code === 'VERSION_MISMATCH') {
          await refreshJob(jobId);
          const text = 'Someone else changed this job in the meantime; the latest version has been loaded. Check it and try again.';
          setPanelNotice(text);
          setPanelReload((n) => n + 1);
          setMessage({ text, error: true });
          throw new Error(text);
        }
        setMessage({ text: describeError(e), error: true });
        throw e;
      }
    },
    [refreshJob, refreshConflicts],
  );

  /** Reschedule and/or move between lanes; steps already done are skipped when re-run with override. */
  const moveJob = useCallback(
    (jobId: string, startsAt: string, endsAt: string, from: string | undefined, to: string | undefined, revert?: () => void) => {
      const original = jobsRef.current.get(jobId);
      if (!original) return Promise.resolve();
      const plan = reassignment(
        original.assignments.map((a) => a.staffId),
        from,
        to,
      );
      const moved = +new Date(startsAt) !== +new Date(original.startsAt) || +new Date(endsAt) !== +new Date(original.endsAt);
      const parts = [moved && 'Reschedule', plan.add && `assign ${staffName(plan.add)}`, plan.remove && `unassign ${staffName(plan.remove)}`].filter(Boolean);
      const what = `${parts.join(', ') || 'Move'} "${original.title}"`;
      return change(
        jobId,
        what,
        async (override) => {
          const job = jobsRef.current.get(jobId) ?? original;
          if (+new Date(startsAt) !== +new Date(job.startsAt) || +new Date(endsAt) !== +new Date(job.endsAt)) {
            const updated = await api.updateJob(jobId, job.version, { startsAt, endsAt, ...(override ? { override: true } : {}) });
            jobsRef.current = new Map(jobsRef.current).set(jobId, updated);
            setJobs(jobsRef.current);
          }
          const now = jobsRef.current.get(jobId) ?? job;
          if (plan.add && !now.assignments.some((a) => a.staffId === plan.add)) await api.assign(jobId, plan.add, override);
          if (plan.remove && now.assignments.some((a) => a.staffId === plan.remove)) await api.unassign(jobId, plan.remove);
        },
        revert,
      ).catch(() => undefined);
    },
    [api, change, staffName],
  );

  // ---- the views: the day's timeline (scheduler component) or the week's roster ----
  const lanesKnown = useMemo(() => new Set(lanes.map((l) => l.id)), [lanes]);
  const dayEvents = useMemo(
    () => (view === 'day' ? buildEvents(jobs.values(), slots, conflicts, zone, lanesKnown) : []),
    [view, jobs, slots, conflicts, zone, lanesKnown],
  );
  const days = useMemo(() => weekDays(window.from, zone), [window.from, zone]);
  const rosterRows = useRef<RosterLane[]>([]);
  const roster = useMemo(() => {
    if (view !== 'week') return [];
    rosterRows.current = buildRoster(lanes, jobs.values(), slots, conflicts, zone, days, rosterRows.current);
    return rosterRows.current;
  }, [view, lanes, jobs, slots, conflicts, zone, days]);

  const timelineHandlers: TimelineHandlers = {
    select: (startsAt, endsAt, lane) => setPanel({ kind: 'new', startsAt, endsAt, lane }),
    open: (jobId) => openJob(jobId, null),
    move: (jobId, startsAt, endsAt, from, to, revert) => void moveJob(jobId, startsAt, endsAt, from, to, revert),
  };
  const rosterHandlers: RosterHandlers = {
    open: (jobId, from) => openJob(jobId, from),
    move: (jobId, shift, fromLane, toLane) => {
      const job = jobsRef.current.get(jobId);
      if (!job) return;
      void moveJob(jobId, shiftDays(job.startsAt, shift, zone), shiftDays(job.endsAt, shift, zone), fromLane, toLane);
    },
    create: (day, lane) => {
      const start = DateTime.fromISO(`${day}T09:00`, { zone });
      setPanel({ kind: 'new', startsAt: start.toISO() ?? '', endsAt: start.plus({ hours: 1 }).toISO() ?? '', lane });
    },
  };

  // ---- panels ----
  const host = useRef<HTMLDivElement>(null);
  /** What opened the panel (a chip): focus goes back there when it closes. */
  const opener = useRef<HTMLElement | null>(null);
  const closePanel = () => {
    setPanel(null);
    setPanelNotice(null);
    const back = opener.current;
    opener.current = null;
    if (back?.isConnected) back.focus();
    else host.current?.focus();
  };
  function openJob(jobId: string, from: HTMLElement | null) {
    opener.current = from;
    setPanelNotice(null);
    setPanel({ kind: 'job', jobId });
    // The board read only what it draws: the panel needs the whole job (service, location, customer).
    const known = jobsRef.current.get(jobId);
    if (!known || known.partial) void refreshJob(jobId);
  }
  /** A new job from the toolbar (the keyboard's way to what selecting a range does): the next hour, or 09:00 of the shown range's first day. */
  const newJob = () => {
    const now = DateTime.now().setZone(zone);
    const inRange = +now >= +DateTime.fromISO(window.from) && +now < +DateTime.fromISO(window.to);
    const start = inRange ? now.startOf('hour').plus({ hours: 1 }) : DateTime.fromISO(window.from, { zone }).set({ hour: 9 });
    opener.current = null;
    setPanel({ kind: 'new', startsAt: start.toISO() ?? '', endsAt: start.plus({ hours: 1 }).toISO() ?? '', lane: null });
  };
  const panelJob = panel?.kind === 'job' ? jobs.get(panel.jobId) : undefined;

  const onCreate = async (draft: JobDraft, staffId: string | null, customer: CustomerChoice): Promise<string | void> => {
    let customerId: string | undefined;
    if (customer?.kind === 'existing') customerId = customer.customer.id;
    else if (customer?.kind === 'new') {
      const made = await api.createCustomer({
        venueId: venue.id,
        firstName: customer.firstName.trim(),
        lastName: customer.lastName.trim(),
        ...(customer.email.trim() ? { email: customer.email.trim() } : {}),
        ...(customer.phone.trim() ? { phone: customer.phone.trim() } : {}),
      });
      customerId = made.id;
    }
    const job = await api.createJob({
      venueId: venue.id,
      ...(customerId ? { customerId } : {}),
      title: draft.title.trim(),
      service: draft.service.trim() || undefined,
      location: draft.location.trim() || undefined,
      startsAt: draft.startsAt,
      endsAt: draft.endsAt,
      status: draft.status,
      ...(remoteBody(draft) ? { remote: remoteBody(draft) } : {}),
    });
    jobsRef.current = new Map(jobsRef.current).set(job.id, job);
    setJobs(jobsRef.current);
    setPanel({ kind: 'job', jobId: job.id });
    if (staffId) {
      await change(job.id, `Assign ${staffName(staffId)} to "${job.title}"`, (override) => api.assign(job.id, staffId, override).then(() => undefined)).catch(() => undefined);
    }
    setMessage({ text: `Created "${job.title}".`, error: false });
  };
  const onSave = (job: Job, draft: JobDraft, baseDraft: JobDraft, baseVersion: number) =>
    change(job.id, draft.status === 'cancelled' && job.status !== 'cancelled' ? `Cancel "${job.title}"` : `Save "${draft.title}"`, async (override) => {
      // The version the form was filled from; on a re-run with override, the one the server last confirmed.
      const version = override ? (jobsRef.current.get(job.id) ?? job).version : baseVersion;
      await api.updateJob(job.id, version, {
        title: draft.title.trim(),
        service: draft.service.trim() || null,
        location: draft.location.trim() || null,
        startsAt: draft.startsAt,
        endsAt: draft.endsAt,
        status: draft.status,
        ...(remoteBody(draft, baseDraft, job) !== undefined ? { remote: remoteBody(draft, baseDraft, job) } : {}),
        ...(override ? { override: true } : {}),
      });
    });
  const onAssign = (job: Job, staffId: string) =>
    change(job.id, `Assign ${staffName(staffId)} to "${job.title}"`, (override) => api.assign(job.id, staffId, override).then(() => undefined));
  const onUnassign = (job: Job, staffId: string) =>
    change(job.id, `Unassign ${staffName(staffId)} from "${job.title}"`, () => api.unassign(job.id, staffId).then(() => undefined));

  const showConflict = (c: Conflict) => {
    const day = DateTime.fromISO(c.job.startsAt, { zone }).toISODate() ?? date;
    onNavigate(view, day);
    openJob(c.job.id, null);
  };

  // ---- toolbar ----
  const step = (dir: -1 | 1) => {
    const d = DateTime.fromISO(date, { zone }).plus(view === 'day' ? { days: dir } : { weeks: dir });
    onNavigate(view, d.toISODate() ?? date);
  };
  const title =
    view === 'day'
      ? DateTime.fromISO(window.from, { zone }).toFormat('cccc d LLLL yyyy')
      : `${DateTime.fromISO(window.from, { zone }).toFormat('d LLL')} – ${DateTime.fromISO(window.to, { zone }).minus({ days: 1 }).toFormat('d LLL yyyy')}`;
  const openJobRef = useRef((id: string) => openJob(id, null));
  openJobRef.current = (id: string) => openJob(id, null);

  return (
    <div class="board-wrap">
      <div class="toolbar board-toolbar" role="toolbar" aria-label="Board navigation">
        <div class="row">
          <button type="button" onClick={() => step(-1)} aria-label={view === 'day' ? 'Previous day' : 'Previous week'}>
            ‹
          </button>
          <button type="button" onClick={() => onNavigate(view, DateTime.now().setZone(zone).toISODate() ?? date)}>
            Today
          </button>
          <button type="button" onClick={() => step(1)} aria-label={view === 'day' ? 'Next day' : 'Next week'}>
            ›
          </button>
        </div>
        <h2 class="board-title" aria-live="polite">
          {title}
        </h2>
        <div class="row" role="group" aria-label="View">
          <button type="button" aria-pressed={view === 'day'} onClick={() => onNavigate('day', date)}>
            Day
          </button>
          <button type="button" aria-pressed={view === 'week'} onClick={() => onNavigate('week', date)}>
            Week
          </button>
        </div>
        <span class="zone-label">Times in {zoneLabel(zone, window.from)}</span>
        <span class={`live live-${live}`} role="status" id="live-state">
          {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Offline — reconnecting…'}
        </span>
        <button type="button" class="small" onClick={newJob}>
          New job
        </button>
        <button type="button" class="small" onClick={() => void load()} disabled={state.loading}>
          {state.loading ? 'Loading…' : 'Reload'}
        </button>
      </div>
      <Legend />
      {message && (
        <p class={message.error ? 'error' : 'ok'} role={message.error ? 'alert' : 'status'} id="board-message">
          {message.text}
        </p>
      )}
      {state.error && (
        <p class="error" role="alert">
          The board could not load: {state.error}{' '}
          <button type="button" onClick={() => void load()}>
            Try again
          </button>
        </p>
      )}
      {state.partial.length > 0 && (
        <p class="warn" role="alert">
          Some of the board is missing: {state.partial.join('; ')}.{' '}
          <button type="button" class="link" onClick={() => void load()}>
            Try again
          </button>
        </p>
      )}
      {pending && (
        <ConflictDialog
          pending={pending}
          zone={zone}
          staffName={staffName}
          busy={overriding.busy}
          error={overriding.error}
          onClose={() => setPending(null)}
          onOverride={() => {
            setOverriding({ busy: true, error: null });
            pending
              .override()
              .then(() => {
                setPending(null);
                setOverriding({ busy: false, error: null });
              })
              .catch((e) => setOverriding({ busy: false, error: describeError(e) }));
          }}
        />
      )}
      <div class="board-main">
        <div class={`board-scroll scroll-${view}`} aria-busy={state.loading ? 'true' : 'false'}>
          <div
            ref={host}
            id="board"
            class={`board-host view-${view}`}
            tabIndex={-1}
            aria-label={`Board of ${venue.name}`}
            data-loaded={loadedWindow === window.from + window.to ? 'true' : undefined}
          >
            {view === 'day' ? (
              <DayTimeline zone={zone} from={window.from} lanes={lanes} events={dayEvents} handlers={timelineHandlers} />
            ) : (
              <WeekRoster rows={roster} days={days} zone={zone} handlers={rosterHandlers} />
            )}
          </div>
        </div>
        {panel?.kind === 'new' && (
          <NewJobPanel
            zone={zone}
            staff={staff}
            startsAt={panel.startsAt}
            endsAt={panel.endsAt}
            laneStaffId={panel.lane}
            searchCustomers={(q) => api.searchCustomers(venue.id, q)}
            onClose={closePanel}
            onCreate={onCreate}
          />
        )}
        {panel?.kind === 'job' && panelJob?.partial && (
          <div class="panel" role="dialog" aria-modal="false" aria-label={panelJob.title}>
            <Loading label="Loading the job…" />
          </div>
        )}
        {panel?.kind === 'job' && panelJob && !panelJob.partial && (
          <JobPanel zone={zone} staff={staff} job={panelJob} notice={panelNotice} reloadToken={panelReload} onClose={closePanel} onSave={onSave} onAssign={onAssign} onUnassign={onUnassign} />
        )}
      </div>
      <section class="card-section" data-section="Open conflicts" aria-labelledby="h-open-conflicts">
        <h2 id="h-open-conflicts">Open conflicts</h2>
        <ConflictsPanel conflicts={conflicts} staff={new Map(staff.map((s) => [s.id, s]))} venue={venue} onShow={showConflict} />
      </section>
      <Agenda jobs={jobs} zone={zone} staffName={staffName} view={view} loading={state.loading} onOpen={openJobRef} />
    </div>
  );
}

const rangeText = new Map<string, string>();
/** formatRange, remembered: the agenda of a busy week formats thousands of ranges on every change. */
function cachedRange(start: string, end: string, zone: string): string {
  const key = `${start}|${end}|${zone}`;
  let text = rangeText.get(key);
  if (text === undefined) {
    text = formatRange(start, end, zone);
    if (rangeText.size > 20_000) rangeText.clear();
    rangeText.set(key, text);
  }
  return text;
}

/** The shown range's jobs as a list: the keyboard and screen-reader view of the board (and the phone's). */
function Agenda(props: {
  jobs: Map<string, Job>;
  zone: string;
  view: BoardView;
  loading: boolean;
  staffName: (id: string) => string;
  onOpen: { current: (id: string) => void };
}): JSX.Element {
  const { jobs, zone, staffName } = props;
  const many = jobs.size > 300;
  const [open, setOpen] = useState(!many);
  useEffect(() => setOpen(!many), [many]);
  const items = useMemo(() => {
    if (!open) return null;
    return [...jobs.values()]
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt))
      .map((j) => (
        <li key={j.id} class="job-row" data-job={j.id}>
          <button type="button" class="link" onClick={() => props.onOpen.current(j.id)}>
            {cachedRange(j.startsAt, j.endsAt, zone)} · {j.title}
          </button>{' '}
          <Badge status={j.status} /> <span class="muted">{j.assignments.map((a) => staffName(a.staffId)).join(', ') || 'unassigned'}</span>
        </li>
      ));
  }, [jobs, zone, staffName, open]);
  return (
    <section class="card-section" data-section="Agenda" aria-labelledby="h-agenda">
      <h2 id="h-agenda">
        Agenda ({props.view === 'day' ? 'this day' : 'this week'}, {jobs.size} {jobs.size === 1 ? 'job' : 'jobs'})
      </h2>
      {many && (
        <button type="button" aria-expanded={open ? 'true' : 'false'} onClick={() => setOpen(!open)}>
          {open ? 'Hide the list' : 'Show all as a list'}
        </button>
      )}
      {jobs.size === 0 ? (
        <p class="empty">{props.loading ? 'Loading…' : `No jobs in this range. ${props.view === 'day' ? 'Select a time in a lane' : 'Click an empty cell'} or use New job to create one.`}</p>
      ) : (
        items && <ul class="plain">{items}</ul>
      )}
    </section>
  );
}

function Legend(): JSX.Element {
  const shown = ['pending', 'confirmed', 'contingent', 'seeking_replacement', 'arrived', 'completed', 'cancelled'];
  return (
    <ul class="legend" aria-label="Colours">
      {shown.map((s) => (
        <li key={s} class={`legend-item st-${s}`}>
          {STATUS_LABEL[s]}
        </li>
      ))}
      <li class="legend-item busy">Busy</li>
      <li class="legend-item conflict">Conflict</li>
    </ul>
  );
}

/** A job of the board's compact read as the app's Job (details load when its panel opens). */
function fromBoardJob(j: BoardJob, venue: Venue): Job {
  return {
    id: j.id,
    venueId: venue.id,
    title: j.title,
    service: null,
    customer: null,
    location: null,
    remote: null,
    startsAt: j.startsAt,
    endsAt: j.endsAt,
    allDay: false,
    timezone: venue.timezone,
    status: j.status,
    version: j.version,
    assignments: j.staffIds.map((staffId) => ({ staffId, role: 'lead', assignedAt: '' })),
    partial: true,
  };
}
