import type { JSX } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { DateTime } from 'luxon';
import type { Api } from '../lib/api';
import { ApiError, describeError } from '../lib/errors';
import { LiveState, openLive } from '../lib/live';
import { formatRange, fromFloating, toFloating, zoneLabel } from '../lib/time';
import type { BlockedSlot, Conflict, ConnectionOverview, Job, Staff, Venue } from '../lib/types';
import { Badge, STATUS_LABEL } from '../ui/parts';
import { ConflictsPanel } from '../pages/dispatch';
import { BoardEvent, buildEvents, buildLanes, HEALTH_TEXT, Lane, reassignment, UNASSIGNED } from './board-model';
import { Calendar, createCalendar, destroyCalendar, dropBrokenTableRoles, PLUGINS } from './calendar';
import { ConflictDetail, ConflictDialog, PendingConflict } from './conflict-dialog';
import { JobDraft, JobPanel, NewJobPanel } from './job-panel';

export type BoardView = 'day' | 'week';

type PanelState = null | { kind: 'new'; startsAt: string; endsAt: string; lane: string | null } | { kind: 'job'; jobId: string };

interface Props {
  api: Api;
  venue: Venue;
  staff: Staff[];
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
export function Board({ api, venue, staff, view, date, onNavigate }: Props): JSX.Element {
  const zone = venue.timezone;
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
  /**
   * Bumped to (re)load: at once, and again when the live stream stands (its `ready`), so a change
   * committed between the first read and the stream's start is not missed (the second read
   * changes only what differs on screen).
   */
  const [streamGate, setStreamGate] = useState(1);
  /** The window whose data is on screen (a silent re-read keeps it marked loaded). */
  const [loadedWindow, setLoadedWindow] = useState('');
  const jobsRef = useRef(jobs);
  jobsRef.current = jobs;
  const lanes = useMemo(() => buildLanes(staff, connections), [staff, connections]);
  const staffName = useCallback((id: string) => staff.find((s) => s.id === id)?.name ?? 'A staff member', [staff]);

  // ---- loading ----
  const loadGeneration = useRef(0);
  const load = useCallback(async () => {
    const mine = ++loadGeneration.current;
    setState((s) => ({ ...s, loading: true }));
    const [j, b, c, h] = await Promise.allSettled([
      api.allJobs({ venueId: venue.id, ...window }),
      api.venueBlockedSlots(venue.id, window.from, window.to),
      api.conflicts({ venueId: venue.id, status: 'open' }),
      api.connectionsOverview(venue.id),
    ]);
    if (mine !== loadGeneration.current) return;
    if (j.status === 'rejected') {
      setState({ loading: false, error: describeError(j.reason), partial: [] });
      return;
    }
    setJobs(new Map(j.value.map((x) => [x.id, x])));
    const partial: string[] = [];
    if (b.status === 'fulfilled') setSlots(b.value);
    else partial.push(`blocked time (${describeError(b.reason)})`);
    if (c.status === 'fulfilled') setConflicts(c.value);
    else partial.push(`conflicts (${describeError(c.reason)})`);
    if (h.status === 'fulfilled') setConnections(h.value);
    else partial.push(`calendar health (${describeError(h.reason)})`);
    setState({ loading: false, error: null, partial });
    setLoadedWindow(window.from + window.to);
  }, [api, venue.id, window.from, window.to]);
  useEffect(() => {
    if (streamGate > 0) void load();
  }, [load, streamGate]);

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
      }, 30);
    };
    const stop = openLive(api, venue.id, {
      onState: setLive,
      onReady: (resumed) => {
        if (!resumed) setStreamGate((g) => g + 1);
      },
      onReset: () => setStreamGate((g) => g + 1),
      onEvent: (e) => {
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
    });
    // Sync status changes (syncing -> active) are not all events: look again now and then.
    const healthTimer = setInterval(() => void refreshConnections(), 60_000);
    return () => {
      stop();
      clearInterval(healthTimer);
      if (flush) clearTimeout(flush);
    };
  }, [api, venue.id, refreshJob, refreshSlots, refreshConflicts, refreshConnections]);

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

  // ---- the calendar component ----
  const host = useRef<HTMLDivElement>(null);
  const cal = useRef<Calendar | null>(null);
  const handlers = useRef({ moveJob, setPanel, zone, slots, staffName });
  handlers.current = { moveJob, setPanel, zone, slots, staffName };

  useEffect(() => {
    if (!host.current) return;
    const calendar = createCalendar(host.current, PLUGINS, {
      view: view === 'day' ? 'resourceTimelineDay' : 'resourceTimelineWeek',
      date: toFloating(window.from, zone),
      timeZone: 'UTC',
      headerToolbar: { start: '', center: '', end: '' },
      firstDay: 1,
      height: 'auto',
      editable: true,
      selectable: true,
      eventDurationEditable: true,
      eventStartEditable: true,
      flexibleSlotTimeLimits: true,
      slotMinTime: '07:00',
      slotMaxTime: '21:00',
      nowIndicator: true,
      views: {
        resourceTimelineDay: { slotDuration: '00:30', slotWidth: 34, snapDuration: '00:15' },
        resourceTimelineWeek: { slotDuration: '02:00', slotWidth: 40, snapDuration: '00:30' },
      },
      eventTimeFormat: { hour: '2-digit', minute: '2-digit', hour12: false },
      slotLabelFormat: { hour: '2-digit', minute: '2-digit', hour12: false },
      resources: [],
      events: [],
      resourceLabelContent: (info) => ({ domNodes: laneLabel(info.resource.extendedProps as unknown as Lane) }),
      // Plain text (no DOM per event): a busy week draws thousands of these.
      eventContent: (info) => eventText(info.event as unknown as BoardEvent, info.timeText),
      eventDidMount: (info) => {
        const props = info.event.extendedProps as BoardEvent['extendedProps'];
        info.el.setAttribute(props.kind === 'job' ? 'data-event-job' : 'data-event-slot', props.entityId);
        info.el.setAttribute('title', info.event.title as string);
      },
      select: (info) => {
        const z = handlers.current.zone;
        const lane = info.resource?.id;
        handlers.current.setPanel({
          kind: 'new',
          startsAt: fromFloating(info.start, z),
          endsAt: fromFloating(info.end, z),
          lane: lane && lane !== UNASSIGNED ? String(lane) : null,
        });
        cal.current?.unselect();
      },
      eventClick: (info) => {
        const props = info.event.extendedProps as BoardEvent['extendedProps'];
        if (props.kind === 'job') handlers.current.setPanel({ kind: 'job', jobId: props.entityId });
      },
      eventDrop: (info) => {
        const props = info.event.extendedProps as BoardEvent['extendedProps'];
        if (props.kind !== 'job' || !info.event.end) return info.revert();
        const z = handlers.current.zone;
        void handlers.current.moveJob(
          props.entityId,
          fromFloating(info.event.start, z),
          fromFloating(info.event.end, z),
          info.oldResource ? String(info.oldResource.id) : undefined,
          info.newResource ? String(info.newResource.id) : undefined,
          info.revert,
        );
      },
      eventResize: (info) => {
        const props = info.event.extendedProps as BoardEvent['extendedProps'];
        if (props.kind !== 'job' || !info.event.end) return info.revert();
        const z = handlers.current.zone;
        void handlers.current.moveJob(props.entityId, fromFloating(info.event.start, z), fromFloating(info.event.end, z), undefined, undefined, info.revert);
      },
    });
    cal.current = calendar;
    const stopFixingRoles = dropBrokenTableRoles(host.current);
    return () => {
      stopFixingRoles();
      cal.current = null;
      void destroyCalendar(calendar);
    };
    // The component lives as long as the board; options follow below.
  }, []);

  useEffect(() => {
    cal.current?.setOption('view', view === 'day' ? 'resourceTimelineDay' : 'resourceTimelineWeek');
    cal.current?.setOption('date', toFloating(window.from, zone));
  }, [view, window.from, zone]);

  useEffect(() => {
    cal.current?.setOption(
      'resources',
      lanes.map((l) => ({ id: l.id, title: l.name, extendedProps: l as unknown as Record<string, unknown> })),
    );
  }, [lanes]);

  const events = useMemo(() => buildEvents(jobs.values(), slots, conflicts, zone, new Set(lanes.map((l) => l.id))), [jobs, slots, conflicts, zone, lanes]);
  // Hand the component only what changed: re-setting 2,000 events re-renders them all.
  const shown = useRef(new Map<string, string>());
  useEffect(() => {
    const calendar = cal.current;
    if (!calendar) return;
    const next = new Map(events.map((e) => [e.id, JSON.stringify(e)]));
    const removed = [...shown.current.keys()].filter((id) => !next.has(id));
    const changed = events.filter((e) => shown.current.get(e.id) !== next.get(e.id));
    if (removed.length + changed.length > 100 || shown.current.size === 0) {
      calendar.setOption('events', events as never);
    } else {
      for (const id of removed) calendar.removeEventById(id);
      for (const e of changed) {
        if (shown.current.has(e.id)) calendar.updateEvent(e as never);
        else calendar.addEvent(e as never);
      }
    }
    shown.current = next;
  }, [events]);

  // ---- panels ----
  const closePanel = () => {
    setPanel(null);
    setPanelNotice(null);
    host.current?.focus();
  };
  const openJob = (jobId: string) => {
    setPanelNotice(null);
    setPanel({ kind: 'job', jobId });
  };
  const panelJob = panel?.kind === 'job' ? jobs.get(panel.jobId) : undefined;

  const onCreate = async (draft: JobDraft, staffId: string | null): Promise<string | void> => {
    const job = await api.createJob({
      venueId: venue.id,
      title: draft.title.trim(),
      service: draft.service.trim() || undefined,
      location: draft.location.trim() || undefined,
      startsAt: draft.startsAt,
      endsAt: draft.endsAt,
      status: draft.status,
    });
    jobsRef.current = new Map(jobsRef.current).set(job.id, job);
    setJobs(jobsRef.current);
    setPanel({ kind: 'job', jobId: job.id });
    if (staffId) {
      await change(job.id, `Assign ${staffName(staffId)} to "${job.title}"`, (override) => api.assign(job.id, staffId, override).then(() => undefined)).catch(() => undefined);
    }
    setMessage({ text: `Created "${job.title}".`, error: false });
  };
  const onSave = (job: Job, draft: JobDraft, baseVersion: number) =>
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
    openJob(c.job.id);
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
  const openJobRef = useRef(openJob);
  openJobRef.current = openJob;

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
        <div class="board-scroll" aria-busy={state.loading ? 'true' : 'false'}>
          <div ref={host} class="board" id="board" tabIndex={-1} aria-label={`Board of ${venue.name}`} data-loaded={loadedWindow === window.from + window.to ? 'true' : undefined} />
        </div>
        {panel?.kind === 'new' && (
          <NewJobPanel zone={zone} staff={staff} startsAt={panel.startsAt} endsAt={panel.endsAt} laneStaffId={panel.lane} onClose={closePanel} onCreate={onCreate} />
        )}
        {panel?.kind === 'job' && panelJob && (
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
        <p class="empty">{props.loading ? 'Loading…' : 'No jobs in this range. Select a time in a lane to create one.'}</p>
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

function laneLabel(lane: Lane | undefined): Node[] {
  const wrap = document.createElement('span');
  wrap.className = 'lane-label';
  if (!lane) return [wrap];
  const name = document.createElement('span');
  name.className = 'lane-name';
  name.textContent = lane.name;
  wrap.append(name);
  if (lane.id !== UNASSIGNED) {
    const dot = document.createElement('span');
    dot.className = `health h-${lane.health}`;
    dot.setAttribute('data-health', lane.health);
    dot.title = lane.healthDetail ? `${HEALTH_TEXT[lane.health]} (${lane.healthDetail})` : HEALTH_TEXT[lane.health];
    const text = document.createElement('span');
    text.className = 'sr-only';
    text.textContent = HEALTH_TEXT[lane.health];
    dot.append(text);
    wrap.append(dot);
  }
  return [wrap];
}

function eventText(event: BoardEvent, timeText: string): string {
  const status = event.extendedProps.kind === 'job' && event.extendedProps.status ? ` · ${STATUS_LABEL[event.extendedProps.status] ?? event.extendedProps.status}` : '';
  return `${timeText} ${event.extendedProps.conflict ? '⚠ ' : ''}${String(event.title)}${status}`;
}
