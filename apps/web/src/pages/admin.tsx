import type { JSX } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { Api } from '../lib/api';
import type { Role } from '../lib/auth';
import { formatDateTime, zoneLabel } from '../lib/time';
import type { ConnectionOverview, Staff, Venue } from '../lib/types';
import { useAction, useLoad } from '../ui/async';
import { Badge, BusyButton, Empty, Outcome, providerName, Section } from '../ui/parts';

/** IANA zones the browser knows (for the zone picker); a typed zone is checked by the API anyway. */
function zones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  return intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : ['Europe/Berlin', 'Europe/London', 'America/New_York', 'America/Los_Angeles', 'Australia/Sydney', 'Asia/Kolkata'];
}

/** Venues: create (admins), rename, change zone (admins). */
export function VenuesAdmin({ api, role }: { api: Api; role: Role }): JSX.Element {
  const [load, reload] = useLoad(() => api.venues(), []);
  return (
    <div class="stack">
      {role === 'admin' && <NewVenue api={api} onDone={reload} />}
      <Section title="Venues" id="venues" load={load} retry={reload}>
        {(venues) => (venues.length ? <div class="cards">{venues.map((v) => <VenueCard key={v.id} api={api} venue={v} role={role} onDone={reload} />)}</div> : <Empty>No venues yet.</Empty>)}
      </Section>
      <datalist id="iana-zones">
        {zones().map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
    </div>
  );
}

function NewVenue({ api, onDone }: { api: Api; onDone: () => Promise<void> }): JSX.Element {
  const [name, setName] = useState('');
  const [timezone, setTimezone] = useState(Intl.DateTimeFormat().resolvedOptions().timeZone);
  const create = useAction(async () => {
    const v = await api.createVenue({ name: name.trim(), timezone: timezone.trim() });
    setName('');
    await onDone();
    return `Venue "${v.name}" created (${zoneLabel(v.timezone)}).`;
  });
  return (
    <section class="card-section" data-section="New venue" aria-labelledby="h-new-venue">
      <h2 id="h-new-venue">New venue</h2>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run();
        }}
      >
        <label>
          Name
          <input required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Time zone (IANA, e.g. Europe/Berlin)
          <input required list="iana-zones" value={timezone} onInput={(e) => setTimezone(e.currentTarget.value)} />
        </label>
        <BusyButton type="submit" class="primary" busy={create.busy} busyLabel="Creating…">
          Create venue
        </BusyButton>
        <Outcome error={create.error} done={create.done} />
      </form>
    </section>
  );
}

function VenueCard({ api, venue, role, onDone }: { api: Api; venue: Venue; role: Role; onDone: () => Promise<void> }): JSX.Element {
  const [name, setName] = useState(venue.name);
  const [timezone, setTimezone] = useState(venue.timezone);
  const save = useAction(async () => {
    const body: { name?: string; timezone?: string } = {};
    if (name.trim() !== venue.name) body.name = name.trim();
    if (timezone.trim() !== venue.timezone) body.timezone = timezone.trim();
    if (!Object.keys(body).length) return 'Nothing to change.';
    await api.updateVenue(venue.id, body);
    await onDone();
    return 'Saved.';
  });
  return (
    <form
      class="card form"
      data-venue={venue.id}
      aria-label={`Venue ${venue.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <h3>{venue.name}</h3>
      <label>
        Name
        <input required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        Time zone {role !== 'admin' && <span class="muted">(admins change it)</span>}
        <input required list="iana-zones" value={timezone} disabled={role !== 'admin'} onInput={(e) => setTimezone(e.currentTarget.value)} />
      </label>
      {timezone.trim() !== venue.timezone && (
        <p class="warn">Booked jobs keep their instants (a 10:00 job may then show at another hour); weekly working hours stay wall-clock times.</p>
      )}
      <BusyButton type="submit" busy={save.busy} busyLabel="Saving…">
        Save
      </BusyButton>
      <Outcome error={save.error} done={save.done} />
    </form>
  );
}

/** Staff: create, edit, venue memberships, deactivate / reactivate. */
export function StaffAdmin({ api }: { api: Api }): JSX.Element {
  const [load, reload] = useLoad(async () => {
    const [venues, staff] = await Promise.all([api.venues(), api.staffList(undefined, true)]);
    return { venues, staff };
  }, []);
  return (
    <Section title="Staff" id="staff-admin" load={load} retry={reload}>
      {({ venues, staff }) => (
        <>
          <StaffForm api={api} venues={venues} onDone={reload} />
          {staff.length ? (
            <div class="cards">
              {staff.map((s) => (
                <StaffCard key={s.id} api={api} venues={venues} member={s} onDone={reload} />
              ))}
            </div>
          ) : (
            <Empty>No staff yet.</Empty>
          )}
        </>
      )}
    </Section>
  );
}

/** Name, email and venue memberships: the fields of a new staff member and of one being edited. */
function StaffFields(props: {
  name: string;
  email: string;
  onName: (v: string) => void;
  onEmail: (v: string) => void;
  venues: Venue[];
  selected: Set<string>;
  onVenues: (s: Set<string>) => void;
}): JSX.Element {
  return (
    <>
      <label>
        Name
        <input required maxLength={200} value={props.name} onInput={(e) => props.onName(e.currentTarget.value)} />
      </label>
      <label>
        Email
        <input required type="email" maxLength={320} value={props.email} onInput={(e) => props.onEmail(e.currentTarget.value)} />
      </label>
      <VenueChecks venues={props.venues} selected={props.selected} onChange={props.onVenues} legend="Works at" />
    </>
  );
}

function VenueChecks({ venues, selected, onChange, legend }: { venues: Venue[]; selected: Set<string>; onChange: (s: Set<string>) => void; legend: string }): JSX.Element {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {venues.map((v) => (
        <label key={v.id} class="row">
          <input
            type="checkbox"
            checked={selected.has(v.id)}
            onChange={(e) => {
              const next = new Set(selected);
              if (e.currentTarget.checked) next.add(v.id);
              else next.delete(v.id);
              onChange(next);
            }}
          />
          {v.name}
        </label>
      ))}
    </fieldset>
  );
}

function StaffForm({ api, venues, onDone }: { api: Api; venues: Venue[]; onDone: () => Promise<void> }): JSX.Element {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set(venues.length === 1 ? [venues[0].id] : []));
  const create = useAction(async () => {
    if (!selected.size) throw new Error('Choose at least one venue.');
    const s = await api.createStaff({ name: name.trim(), email: email.trim(), venueIds: [...selected] });
    setName('');
    setEmail('');
    await onDone();
    return `${s.name} added.`;
  });
  return (
    <form
      class="form card"
      aria-label="Add a staff member"
      onSubmit={(e) => {
        e.preventDefault();
        void create.run();
      }}
    >
      <h3>Add a staff member</h3>
      <StaffFields name={name} email={email} onName={setName} onEmail={setEmail} venues={venues} selected={selected} onVenues={setSelected} />
      <BusyButton type="submit" class="primary" busy={create.busy} busyLabel="Adding…">
        Add staff member
      </BusyButton>
      <Outcome error={create.error} done={create.done} />
    </form>
  );
}

function StaffCard({ api, venues, member, onDone }: { api: Api; venues: Venue[]; member: Staff; onDone: () => Promise<void> }): JSX.Element {
  const [name, setName] = useState(member.name);
  const [email, setEmail] = useState(member.email);
  const [selected, setSelected] = useState<Set<string>>(new Set(member.venueIds));
  const [confirm, setConfirm] = useState(false);
  const active = member.active !== false;
  const save = useAction(async () => {
    if (!selected.size) throw new Error('A staff member works at one venue at least.');
    await api.updateStaff(member.id, { name: name.trim(), email: email.trim(), venueIds: [...selected] });
    await onDone();
    return 'Saved.';
  });
  const toggle = useAction(async () => {
    await api.updateStaff(member.id, { active: !active });
    setConfirm(false);
    await onDone();
    return active ? `${member.name} is deactivated.` : `${member.name} is active again.`;
  });
  const venueName = (id: string) => venues.find((v) => v.id === id)?.name ?? 'a venue outside your scope';
  return (
    <form
      class={`card form${active ? '' : ' inactive'}`}
      data-staff={member.id}
      aria-label={`Staff member ${member.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <div class="row wrap">
        <h3 class="ellipsis">{member.name}</h3>
        {!active && <Badge status="disconnected" label="Deactivated" />}
      </div>
      <StaffFields name={name} email={email} onName={setName} onEmail={setEmail} venues={venues} selected={selected} onVenues={setSelected} />
      {member.venueIds.some((id) => !venues.some((v) => v.id === id)) && (
        <p class="muted">Also works at: {member.venueIds.filter((id) => !venues.some((v) => v.id === id)).map(venueName).join(', ')}</p>
      )}
      <div class="row wrap">
        <BusyButton type="submit" busy={save.busy} busyLabel="Saving…">
          Save
        </BusyButton>
        <button type="button" class={active ? 'danger' : ''} onClick={() => setConfirm(true)} disabled={toggle.busy}>
          {active ? 'Deactivate' : 'Reactivate'}
        </button>
      </div>
      {confirm && (
        <div class="confirm" role="group" aria-label={active ? 'Confirm deactivation' : 'Confirm reactivation'}>
          <p>
            {active
              ? `Deactivate ${member.name}? Their jobs and history stay; they leave the board, cannot be assigned new jobs and are not offered for booking.`
              : `Reactivate ${member.name}? They return to the board and can be assigned again.`}
          </p>
          <div class="row">
            <BusyButton class={active ? 'danger' : 'primary'} busy={toggle.busy} onClick={() => void toggle.run()}>
              {active ? 'Yes, deactivate' : 'Yes, reactivate'}
            </BusyButton>
            <button type="button" onClick={() => setConfirm(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <Outcome error={save.error ?? toggle.error} done={save.done ?? toggle.done} />
    </form>
  );
}

/** Every calendar connection in scope: by status (worst first), last sync, last error. */
export function ConnectionsAdmin({ api }: { api: Api }): JSX.Element {
  const [load, reload] = useLoad(() => api.connectionsOverview(), []);
  const tz = useMemo(() => Intl.DateTimeFormat().resolvedOptions().timeZone, []);
  return (
    <Section title="Calendar connections" id="connections-admin" load={load} retry={reload} intro={<p class="muted">Times in your browser's zone ({zoneLabel(tz)}).</p>}>
      {(list: ConnectionOverview[]) => {
        if (!list.length) return <Empty>No calendar is connected yet.</Empty>;
        const counts = new Map<string, number>();
        for (const c of list) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
        return (
          <>
            <p class="row wrap" aria-label="By status">
              {[...counts.entries()].map(([status, n]) => (
                <span key={status}>
                  <Badge status={status} /> {n}
                </span>
              ))}
            </p>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Staff member</th>
                    <th scope="col">Calendar</th>
                    <th scope="col">Status</th>
                    <th scope="col">Last synced</th>
                    <th scope="col">Last error</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((c) => (
                    <tr key={c.id} data-connection={c.id}>
                      <td>{c.staffName}</td>
                      <td>
                        {providerName(c.provider)}
                        <br />
                        <span class="muted">{c.accountEmail}</span>
                      </td>
                      <td>
                        <Badge status={c.status} />
                      </td>
                      <td>{c.lastSyncedAt ? `${formatDateTime(c.lastSyncedAt, tz)} ${zoneLabel(tz, c.lastSyncedAt)}` : 'never'}</td>
                      <td>{c.lastError ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        );
      }}
    </Section>
  );
}
