import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, describeError } from '../lib/errors';
import { formatRange, fromLocalInput, toLocalInput, zoneLabel } from '../lib/time';
import { Customer, Job, JOB_STATUSES, Staff } from '../lib/types';
import { useAction } from '../ui/async';
import { Badge, BusyButton, Outcome, STATUS_LABEL } from '../ui/parts';
import { CustomerChoice, CustomerPicker } from './customer-picker';

export interface JobDraft {
  title: string;
  service: string;
  location: string;
  status: string;
  startsAt: string;
  endsAt: string;
  /** How the job is held remotely: none, a fixed link (`meetingUrl`), or a meeting the calendar creates. */
  meeting: MeetingChoice;
  meetingUrl: string;
}

export type MeetingChoice = 'none' | 'url' | 'google_meet' | 'teams';

/**
 * The `remote` to send for a draft: on create (no `base`) only when one is chosen; on edit only
 * when the choice or link changed (`null` removes it). `details` the job already has are kept.
 */
export function remoteBody(draft: JobDraft, base?: JobDraft, job?: Job): Record<string, unknown> | null | undefined {
  if (base && draft.meeting === base.meeting && draft.meetingUrl.trim() === base.meetingUrl.trim()) return undefined;
  if (draft.meeting === 'none') return base ? null : undefined;
  const details = job?.remote?.details ? { details: job.remote.details } : {};
  if (draft.meeting === 'url') return { provider: 'url', url: draft.meetingUrl.trim() || undefined, ...details };
  return { provider: draft.meeting, ...details };
}

/** The API's message when it is about `remote` (shown next to the Meeting field), else null. */
function remoteError(e: unknown): string | null {
  if (!(e instanceof ApiError)) return null;
  const errors = (e.details.errors ?? []) as Array<{ field?: string }>;
  const aboutRemote = e.code.startsWith('REMOTE_') || (Array.isArray(errors) && errors.some((x) => x.field?.startsWith('remote')));
  return aboutRemote ? describeError(e) : null;
}

/** Runs a submit, keeping a remote-related API error for the Meeting field (and rethrowing it). */
async function withRemoteError<T>(setError: (m: string | null) => void, fn: () => Promise<T>): Promise<T> {
  setError(null);
  try {
    return await fn();
  } catch (e) {
    setError(remoteError(e));
    throw e;
  }
}

interface Common {
  zone: string;
  staff: Staff[];
  onClose: () => void;
}

/** Create a job from a selected range (lane = first assignee), for an existing or new customer. */
export function NewJobPanel(
  props: Common & {
    startsAt: string;
    endsAt: string;
    laneStaffId: string | null;
    searchCustomers: (q: string) => Promise<Customer[]>;
    onCreate: (draft: JobDraft, staffId: string | null, customer: CustomerChoice) => Promise<string | void>;
  },
): JSX.Element {
  const [draft, setDraft] = useState<JobDraft>({
    title: '',
    service: '',
    location: '',
    status: 'pending',
    startsAt: props.startsAt,
    endsAt: props.endsAt,
    meeting: 'none',
    meetingUrl: '',
  });
  const [staffId, setStaffId] = useState<string>(props.laneStaffId ?? '');
  const [customer, setCustomer] = useState<CustomerChoice>(null);
  const [meetingError, setMeetingError] = useState<string | null>(null);
  const create = useAction(async () => withRemoteError(setMeetingError, () => props.onCreate(draft, staffId || null, customer)));
  return (
    <Panel title="New job" onClose={props.onClose}>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run();
        }}
      >
        <DraftFields draft={draft} setDraft={setDraft} zone={props.zone} />
        <MeetingFields draft={draft} setDraft={setDraft} error={meetingError} />
        <CustomerPicker search={props.searchCustomers} value={customer} onChange={setCustomer} />
        <label>
          Staff
          <select value={staffId} onChange={(e) => setStaffId(e.currentTarget.value)}>
            <option value="">Unassigned</option>
            {props.staff.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <BusyButton type="submit" class="primary" busy={create.busy} busyLabel="Creating…">
          Create job
        </BusyButton>
        <Outcome error={meetingError ? null : create.error} done={create.done} />
      </form>
    </Panel>
  );
}

/** A job's panel: edit, assign/unassign, cancel. */
export function JobPanel(
  props: Common & {
    job: Job;
    notice: string | null;
    /** Bumped after a VERSION_MISMATCH: the form reloads from the job. */
    reloadToken: number;
    onSave: (job: Job, draft: JobDraft, baseDraft: JobDraft, baseVersion: number) => Promise<string | void>;
    onAssign: (job: Job, staffId: string) => Promise<string | void>;
    onUnassign: (job: Job, staffId: string) => Promise<string | void>;
  },
): JSX.Element {
  const { job, zone } = props;
  const fromJob = (): JobDraft => ({
    title: job.title,
    service: job.service ?? '',
    location: job.location ?? '',
    status: job.status,
    startsAt: job.startsAt,
    endsAt: job.endsAt,
    meeting: job.remote?.provider ?? 'none',
    meetingUrl: job.remote?.provider === 'url' ? (job.remote.url ?? '') : '',
  });
  const [draft, setDraft] = useState<JobDraft>(fromJob);
  /** The version the form was filled from: a save sends it (If-Match), so edits never overwrite unseen changes. */
  const [baseVersion, setBaseVersion] = useState(job.version);
  const [baseDraft, setBaseDraft] = useState<JobDraft>(fromJob);
  const dirty = JSON.stringify(draft) !== JSON.stringify(baseDraft);
  const [changedUnderneath, setChangedUnderneath] = useState(false);
  // A newer version arrives (live update): an untouched form follows it; edits in progress stay,
  // with a note, and saving them answers VERSION_MISMATCH (then the form reloads, below).
  useEffect(() => {
    if (job.version === baseVersion) return;
    if (!dirtyRef.current) {
      setDraft(fromJob());
      setBaseDraft(fromJob());
      setBaseVersion(job.version);
      setChangedUnderneath(false);
    } else setChangedUnderneath(true);
  }, [job.id, job.version]);
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  useEffect(() => {
    if (!props.reloadToken) return;
    setDraft(fromJob());
    setBaseDraft(fromJob());
    setBaseVersion(job.version);
    setChangedUnderneath(false);
  }, [props.reloadToken]);
  const [addId, setAddId] = useState('');
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [meetingError, setMeetingError] = useState<string | null>(null);
  const save = useAction(async () => withRemoteError(setMeetingError, () => props.onSave(job, draft, baseDraft, baseVersion)));
  const cancel = useAction(async () => {
    setConfirmCancel(false);
    return withRemoteError(setMeetingError, () => props.onSave(job, { ...draft, status: 'cancelled' }, baseDraft, baseVersion));
  });
  const assign = useAction(async () => {
    if (!addId) return;
    const r = await props.onAssign(job, addId);
    setAddId('');
    return r;
  });
  const unassign = useAction(async (staffId: string) => props.onUnassign(job, staffId));
  const name = (id: string) => props.staff.find((s) => s.id === id)?.name ?? 'someone outside this venue';
  const assigned = new Set(job.assignments.map((a) => a.staffId));
  return (
    <Panel title={job.title} onClose={props.onClose} dataJob={job.id}>
      <p class="muted">
        {formatRange(job.startsAt, job.endsAt, zone)} · {zoneLabel(zone, job.startsAt)} · <Badge status={job.status} /> · version {job.version}
      </p>
      {changedUnderneath && !props.notice && (
        <p class="warn" role="status">
          Someone else changed this job while you were editing it. Saving checks your version against theirs.
        </p>
      )}
      {props.notice && (
        <p class="warn" role="status">
          {props.notice}
        </p>
      )}
      {job.customer && (
        <p data-job-customer={job.customer.id}>
          Customer: {job.customer.firstName} {job.customer.lastName}
        </p>
      )}
      {job.remote?.url && (
        <p>
          <a href={job.remote.url} rel="noopener noreferrer" target="_blank">
            Online meeting link
          </a>
        </p>
      )}
      {job.remote && !job.remote.url && job.remote.meeting && (
        <p class={job.remote.meeting.status === 'unavailable' ? 'warn' : 'muted'} role="status">
          {meetingLabel(job.remote.provider)}: {MEETING_STATES[job.remote.meeting.status]}
          {job.remote.meeting.note ? ` (${job.remote.meeting.note})` : ''}
        </p>
      )}
      <h4>Staff</h4>
      {job.assignments.length ? (
        <ul class="plain">
          {job.assignments.map((a) => (
            <li key={a.staffId} class="row wrap">
              <span>{name(a.staffId)}</span>
              <BusyButton class="small" busy={unassign.busy} onClick={() => void unassign.run(a.staffId)} aria-label={`Unassign ${name(a.staffId)}`}>
                Unassign
              </BusyButton>
            </li>
          ))}
        </ul>
      ) : (
        <p class="empty">Nobody is on this job yet.</p>
      )}
      <div class="row wrap">
        <label class="row">
          <span>Assign</span>
          <select value={addId} onChange={(e) => setAddId(e.currentTarget.value)} aria-label="Staff member to assign">
            <option value="">Choose…</option>
            {props.staff
              .filter((s) => !assigned.has(s.id))
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
          </select>
        </label>
        <BusyButton busy={assign.busy} disabled={!addId} onClick={() => void assign.run()}>
          Assign
        </BusyButton>
      </div>
      <Outcome error={assign.error ?? unassign.error} done={assign.done ?? unassign.done} />
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <DraftFields draft={draft} setDraft={setDraft} zone={zone} withStatus />
        <MeetingFields draft={draft} setDraft={setDraft} error={meetingError} />
        <div class="row wrap">
          <BusyButton type="submit" class="primary" busy={save.busy} busyLabel="Saving…">
            Save changes
          </BusyButton>
          {job.status !== 'cancelled' && (
            <button type="button" class="danger" onClick={() => setConfirmCancel(true)} disabled={cancel.busy}>
              Cancel job
            </button>
          )}
        </div>
        {confirmCancel && (
          <div class="confirm" role="group" aria-label="Confirm cancelling the job">
            <p>Cancel "{job.title}"? It is removed from the staff's calendars; the customer is told if notifications are on.</p>
            <div class="row">
              <BusyButton class="danger" busy={cancel.busy} onClick={() => void cancel.run()}>
                Yes, cancel the job
              </BusyButton>
              <button type="button" onClick={() => setConfirmCancel(false)}>
                Keep it
              </button>
            </div>
          </div>
        )}
        <Outcome error={meetingError ? null : (save.error ?? cancel.error)} done={save.done ?? cancel.done} />
      </form>
    </Panel>
  );
}

function DraftFields({ draft, setDraft, zone, withStatus }: { draft: JobDraft; setDraft: (d: JobDraft) => void; zone: string; withStatus?: boolean }): JSX.Element {
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const set = (k: keyof JobDraft) => (e: { currentTarget: { value: string } }) => setDraft({ ...draft, [k]: e.currentTarget.value });
  const setTime = (k: 'startsAt' | 'endsAt') => (e: { currentTarget: { value: string } }) => {
    const iso = fromLocalInput(e.currentTarget.value, zone);
    if (iso) setDraft({ ...draft, [k]: iso });
  };
  return (
    <>
      <label>
        Title
        <input ref={first} required maxLength={200} value={draft.title} onInput={set('title')} />
      </label>
      <label>
        Service
        <input maxLength={200} value={draft.service} onInput={set('service')} />
      </label>
      <label>
        Location
        <input maxLength={500} value={draft.location} onInput={set('location')} />
      </label>
      <label>
        Starts ({zoneLabel(zone, draft.startsAt)})
        <input type="datetime-local" required value={toLocalInput(draft.startsAt, zone)} onChange={setTime('startsAt')} />
      </label>
      <label>
        Ends
        <input type="datetime-local" required value={toLocalInput(draft.endsAt, zone)} onChange={setTime('endsAt')} />
      </label>
      {withStatus && (
        <label>
          Status
          <select value={draft.status} onChange={set('status')}>
            {JOB_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
}

const MEETING_CHOICES: Array<[MeetingChoice, string]> = [
  ['none', 'None'],
  ['url', 'A link'],
  ['google_meet', 'Google Meet'],
  ['teams', 'Microsoft Teams'],
];

/** The job's meeting: none, a fixed link, or a Meet/Teams meeting the assignee's calendar creates. */
function MeetingFields({ draft, setDraft, error }: { draft: JobDraft; setDraft: (d: JobDraft) => void; error: string | null }): JSX.Element {
  const describedBy = ['meeting-hint', error ? 'meeting-error' : ''].filter(Boolean).join(' ');
  return (
    <>
      <label>
        Meeting
        <select
          value={draft.meeting}
          onChange={(e) => setDraft({ ...draft, meeting: e.currentTarget.value as MeetingChoice })}
          aria-describedby={describedBy}
          aria-invalid={error && draft.meeting !== 'url' ? true : undefined}
        >
          {MEETING_CHOICES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {draft.meeting === 'url' && (
        <label>
          Meeting link
          <input
            type="url"
            inputMode="url"
            maxLength={2000}
            placeholder="https://…"
            value={draft.meetingUrl}
            onInput={(e) => setDraft({ ...draft, meetingUrl: e.currentTarget.value })}
            aria-describedby={error ? 'meeting-error' : undefined}
            aria-invalid={error ? true : undefined}
          />
        </label>
      )}
      <p id="meeting-hint" class="muted small-print">
        Google Meet and Teams links are created by the assigned staff member's connected Google or Outlook calendar; if theirs cannot create one, the job shows why.
      </p>
      {error && (
        <p id="meeting-error" class="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

function Panel(props: { title: string; onClose: () => void; dataJob?: string; children: ComponentChildren }): JSX.Element {
  return (
    <div
      class="panel"
      role="dialog"
      aria-modal="false"
      aria-labelledby="panel-title"
      data-panel-job={props.dataJob}
      onKeyDown={(e) => {
        // Escape closes the panel (focus goes back to what opened it).
        if (e.key === 'Escape' && !e.defaultPrevented) {
          e.preventDefault();
          props.onClose();
        }
      }}
    >
      <div class="row panel-head">
        <h3 id="panel-title" class="ellipsis">
          {props.title}
        </h3>
        <button type="button" class="small" onClick={props.onClose} aria-label="Close panel">
          Close
        </button>
      </div>
      {props.children}
    </div>
  );
}

const MEETING_STATES = {
  requested: 'created when the job reaches a connected calendar',
  pending: 'being created',
  created: 'created',
  unavailable: 'could not be created',
} as const;

function meetingLabel(provider: string): string {
  return provider === 'teams' ? 'Teams meeting' : 'Google Meet link';
}
