import type { JSX } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { Api } from '../lib/api';
import { dayKey, formatDateTime, formatDay, formatRange, formatTime, fromLocalInput, zoneLabel } from '../lib/time';
import type { BlockedSlot, CalendarChoice, Conflict, Connection, Feed, Job, ProviderInfo, Venue } from '../lib/types';
import { useAction, useLoad } from '../ui/async';
import { Badge, BusyButton, Empty, Outcome, providerName, Section } from '../ui/parts';

interface Props {
  api: Api;
  staffId: string;
  venues: Venue[];
}

/** A staff member's own pages, phone first: schedule, feeds, calendars, blocked time, conflicts. */
export function StaffHome({ api, staffId, venues }: Props): JSX.Element {
  const byId = useMemo(() => new Map(venues.map((v) => [v.id, v])), [venues]);
  const homeZone = venues[0]?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <div class="stack">
      <Schedule api={api} staffId={staffId} venues={byId} />
      <Feeds api={api} staffId={staffId} venues={byId} zone={homeZone} />
      <Connections api={api} staffId={staffId} zone={homeZone} />
      <Blocked api={api} staffId={staffId} zone={homeZone} />
      <Conflicts api={api} staffId={staffId} venues={byId} />
    </div>
  );
}

function Schedule({ api, staffId, venues }: { api: Api; staffId: string; venues: Map<string, Venue> }): JSX.Element {
  const [load, reload] = useLoad(async () => {
    const from = new Date();
    const to = new Date(from.getTime() + 14 * 86_400_000);
    return api.allJobs({ staffId, from: from.toISOString(), to: to.toISOString() });
  }, [staffId]);
  return (
    <Section title="My schedule" load={load} retry={reload} intro={<p class="muted">The next two weeks. Times are in each venue's own zone.</p>}>
      {(jobs) => (jobs.length ? <JobDays jobs={jobs} venues={venues} /> : <Empty>No jobs in the next two weeks.</Empty>)}
    </Section>
  );
}

function JobDays({ jobs, venues }: { jobs: Job[]; venues: Map<string, Venue> }): JSX.Element {
  const groups = new Map<string, Job[]>();
  for (const j of jobs) {
    const key = `${dayKey(j.startsAt, j.timezone)}`;
    groups.set(key, [...(groups.get(key) ?? []), j]);
  }
  return (
    <div class="days">
      {[...groups.entries()].map(([day, list]) => (
        <div key={day} class="day">
          <h3>{formatDay(list[0].startsAt, list[0].timezone)}</h3>
          <ul class="plain">
            {list.map((j) => (
              <li key={j.id} class="job-row" data-job={j.id}>
                <div class="when">
                  {j.allDay ? 'All day' : `${formatTime(j.startsAt, j.timezone)}–${formatTime(j.endsAt, j.timezone)}`}
                  <span class="zone"> {zoneLabel(j.timezone, j.startsAt)}</span>
                </div>
                <div class="what">
                  <strong>{j.title}</strong>
                  {j.service && j.service !== j.title ? <span> · {j.service}</span> : null} <Badge status={j.status} />
                </div>
                <div class="muted">
                  {venues.get(j.venueId)?.name ?? 'Venue'}
                  {j.location ? <span> · {j.location}</span> : null}
                </div>
                {j.remote?.url ? (
                  <a href={j.remote.url} rel="noopener noreferrer" target="_blank">
                    Join online meeting
                  </a>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

function Feeds({ api, staffId, venues, zone }: { api: Api; staffId: string; venues: Map<string, Venue>; zone: string }): JSX.Element {
  const [load, reload] = useLoad(() => api.feeds(staffId), [staffId]);
  return (
    <Section
      title="Calendar subscription (iCal)"
      load={load}
      retry={reload}
      intro={
        <p class="muted">
          Subscribe to your private link in Apple Calendar, Google Calendar, Outlook or Thunderbird. Keep it to yourself: anyone with it can read your
          jobs.
        </p>
      }
    >
      {(feeds) => (feeds.length ? <div class="cards">{feeds.map((f) => <FeedCard key={f.venueId} api={api} staffId={staffId} feed={f} zone={venues.get(f.venueId)?.timezone ?? zone} reload={reload} />)}</div> : <Empty>No venues yet.</Empty>)}
    </Section>
  );
}

function FeedCard({ api, staffId, feed, zone, reload }: { api: Api; staffId: string; feed: Feed; zone: string; reload: () => Promise<void> }): JSX.Element {
  const [confirmNew, setConfirmNew] = useState(false);
  const [namesPending, setNamesPending] = useState<boolean | null>(null);
  const copy = useAction(async () => {
    await navigator.clipboard.writeText(feed.url);
    return 'Link copied. Paste it into your calendar app as a subscription.';
  });
  const regenerate = useAction(async () => {
    await api.regenerateFeed(staffId, feed.venueId);
    setConfirmNew(false);
    await reload();
    return 'New link created; the old link no longer works.';
  });
  const names = useAction(async (on: boolean) => {
    await api.updateFeed(staffId, feed.venueId, on);
    setNamesPending(null);
    await reload();
    return on ? 'Client names (first name and initial) now show in this feed.' : 'Client names are hidden in this feed.';
  });
  const label = `Feed link for ${feed.venueName}`;
  return (
    <div class="card" data-feed={feed.venueId}>
      <h3>{feed.venueName}</h3>
      <label class="block">
        <span class="sr-only">{label}</span>
        <input class="url" readOnly value={feed.url} aria-label={label} onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
      </label>
      <div class="row wrap">
        <a class="button" href={feed.webcalUrl}>
          Subscribe
        </a>
        <BusyButton busy={copy.busy} onClick={() => void copy.run()}>
          Copy
        </BusyButton>
        <button type="button" class="danger" onClick={() => setConfirmNew(true)} disabled={confirmNew}>
          New link
        </button>
      </div>
      {confirmNew && (
        <div class="confirm" role="group" aria-label="Confirm new link">
          <p>
            A new link stops the current one at once: every calendar subscribed to it stops updating until you give it the new link.
          </p>
          <div class="row">
            <BusyButton class="danger" busy={regenerate.busy} onClick={() => void regenerate.run()}>
              Make a new link
            </BusyButton>
            <button type="button" onClick={() => setConfirmNew(false)} disabled={regenerate.busy}>
              Keep the current link
            </button>
          </div>
        </div>
      )}
      <p class={feed.status === 'active' ? 'muted' : 'warn'}>
        {feed.status === 'active' ? 'Expires ' : feed.status === 'expired' ? 'Expired ' : 'Expires soon: '}
        <span data-feed-expiry>
          {formatDateTime(feed.expiresAt, zone)} {zoneLabel(zone, feed.expiresAt)}
        </span>
        {feed.status !== 'active' ? ' — make a new link and give it to your calendar app.' : ''}
      </p>
      <label class="row">
        <input
          type="checkbox"
          checked={namesPending ?? feed.includeClientNames}
          disabled={names.busy}
          aria-label="Show client names"
          onChange={(e) => {
            const on = (e.currentTarget as HTMLInputElement).checked;
            if (on) setNamesPending(true);
            else void names.run(false);
          }}
        />
        Client names
      </label>
      {namesPending && !feed.includeClientNames && (
        <div class="confirm" role="alertdialog" aria-label="Privacy warning">
          <p>
            Anyone with this link will see your clients' first names and initials (e.g. "Sarah J."). Calendar apps may sync them to other devices.
          </p>
          <div class="row">
            <BusyButton busy={names.busy} class="primary" onClick={() => void names.run(true)}>
              Show client names
            </BusyButton>
            <button type="button" onClick={() => setNamesPending(null)} disabled={names.busy}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <Outcome error={copy.error ?? regenerate.error ?? names.error} done={copy.done ?? regenerate.done ?? names.done} />
    </div>
  );
}

function Connections({ api, staffId, zone }: { api: Api; staffId: string; zone: string }): JSX.Element {
  const [load, reload] = useLoad(async () => {
    const [connections, providers] = await Promise.all([api.connections(staffId), api.providers()]);
    return { connections: connections.filter((c) => c.status !== 'disconnected'), providers };
  }, [staffId]);
  return (
    <Section
      title="Connected calendars"
      load={load}
      retry={reload}
      intro={<p class="muted">Two-way sync: your jobs appear in your calendar, and your own events block your availability.</p>}
    >
      {({ connections, providers }) => (
        <>
          {connections.length ? (
            <div class="cards">
              {connections.map((c) => (
                <ConnectionCard key={c.id} api={api} connection={c} zone={zone} reload={reload} />
              ))}
            </div>
          ) : (
            <Empty>No calendar connected.</Empty>
          )}
          <OAuthButtons api={api} staffId={staffId} providers={providers} />
          {providers.some((p) => p.key === 'caldav') && <CaldavForm api={api} staffId={staffId} reload={reload} />}
        </>
      )}
    </Section>
  );
}

function OAuthButtons({ api, staffId, providers }: { api: Api; staffId: string; providers: ProviderInfo[] }): JSX.Element | null {
  const go = useAction(async (key: string) => {
    const { url } = await api.authorize(staffId, key);
    location.assign(url);
  });
  const oauth = providers.filter((p) => p.oauth);
  if (!oauth.length) return null;
  return (
    <div>
      <div class="row wrap">
        {oauth.map((p) => (
          <BusyButton key={p.key} class="primary" busy={go.busy} onClick={() => void go.run(p.key)}>
            Connect {providerName(p.key)}
          </BusyButton>
        ))}
      </div>
      <Outcome error={go.error} />
    </div>
  );
}

function CaldavForm({ api, staffId, reload }: { api: Api; staffId: string; reload: () => Promise<void> }): JSX.Element {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [server, setServer] = useState('');
  const connect = useAction(async () => {
    await api.connectCaldav(staffId, { username: username.trim(), appPassword: password, ...(server.trim() ? { serverUrl: server.trim() } : {}) });
    setPassword('');
    await reload();
    return 'Calendar connected; the first sync is running.';
  });
  return (
    <form
      class="form"
      aria-label="Connect iCloud or another CalDAV calendar"
      onSubmit={(e) => {
        e.preventDefault();
        void connect.run();
      }}
    >
      <h3>iCloud or another CalDAV calendar</h3>
      <p class="muted">
        iCloud needs an app-specific password: sign in at appleid.apple.com → Sign-In and Security → App-Specific Passwords, create one named
        "calbridge" and paste it here. Your Apple ID password will not work.
      </p>
      <label>
        Apple ID / user name
        <input name="username" type="text" autoComplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
      </label>
      <label>
        App-specific password
        <input name="appPassword" type="password" autoComplete="off" required placeholder="xxxx-xxxx-xxxx-xxxx" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </label>
      <label>
        CalDAV server
        <input name="serverUrl" type="url" placeholder="https://caldav.icloud.com (default)" value={server} onInput={(e) => setServer(e.currentTarget.value)} />
      </label>
      <BusyButton type="submit" class="primary" busy={connect.busy} busyLabel="Connecting…">
        Connect iCloud / CalDAV
      </BusyButton>
      <Outcome error={connect.error} done={connect.done} />
    </form>
  );
}

function ConnectionCard({ api, connection: c, zone: tz, reload }: { api: Api; connection: Connection; zone: string; reload: () => Promise<void> }): JSX.Element {
  const [calendars, setCalendars] = useState<CalendarChoice[] | null>(null);
  const [push, setPush] = useState('');
  const [pulls, setPulls] = useState<Set<string>>(new Set());
  const [removeEvents, setRemoveEvents] = useState(false);
  const [confirmDisconnect, setConfirmDisconnect] = useState(false);
  const show = useAction(async () => {
    const list = (await api.calendars(c.id)).filter((k) => !k.removed);
    setCalendars(list);
    setPush(list.find((k) => k.push)?.id ?? list.find((k) => !k.readOnly)?.id ?? '');
    setPulls(new Set(list.filter((k) => k.pull).map((k) => k.id)));
  });
  const save = useAction(async () => {
    await api.updateConnection(c.id, { pushCalendarId: push || undefined, pullCalendarIds: [...pulls] });
    await reload();
    return 'Calendar choices saved.';
  });
  const resync = useAction(async () => {
    await api.resync(c.id);
    await reload();
    return 'A full sync has started.';
  });
  const disconnect = useAction(async () => {
    await api.disconnect(c.id, removeEvents);
    await reload();
  });
  return (
    <div class="card" data-connection={c.id}>
      <div class="row wrap">
        <strong>{providerName(c.provider)}</strong>
        <span class="ellipsis">{c.accountEmail}</span>
        <Badge status={c.status} />
      </div>
      <p class="muted">
        Last synced: {c.lastSyncedAt ? `${formatDateTime(c.lastSyncedAt, tz)} ${zoneLabel(tz, c.lastSyncedAt)}` : 'not yet'}
        {c.lastError ? ` · ${c.lastError}` : ''}
      </p>
      {c.status === 'needs_reauth' && <p class="warn">The calendar refused calbridge's access. Connect the account again to resume syncing.</p>}
      <div class="row wrap">
        <BusyButton busy={show.busy} onClick={() => void show.run()} aria-expanded={calendars ? 'true' : 'false'}>
          Calendars
        </BusyButton>
        <BusyButton busy={resync.busy} onClick={() => void resync.run()}>
          Sync now
        </BusyButton>
        <button type="button" class="danger" onClick={() => setConfirmDisconnect(true)}>
          Disconnect
        </button>
      </div>
      {confirmDisconnect && (
        <div class="confirm" role="group" aria-label="Confirm disconnect">
          <p>Disconnect {c.accountEmail}? calbridge stops syncing and forgets the credentials.</p>
          <label class="row">
            <input type="checkbox" checked={removeEvents} onChange={(e) => setRemoveEvents(e.currentTarget.checked)} /> Also remove the jobs calbridge put into
            this calendar
          </label>
          <div class="row">
            <BusyButton class="danger" busy={disconnect.busy} onClick={() => void disconnect.run()}>
              Disconnect
            </BusyButton>
            <button type="button" onClick={() => setConfirmDisconnect(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {calendars && (
        <div class="form">
          <label>
            Push jobs into
            <select value={push} onChange={(e) => setPush(e.currentTarget.value)}>
              {calendars
                .filter((k) => !k.readOnly)
                .map((k) => (
                  <option key={k.id} value={k.id}>
                    {k.name}
                  </option>
                ))}
            </select>
          </label>
          <fieldset>
            <legend>These calendars block my availability</legend>
            {calendars.map((k) => (
              <label key={k.id} class="row">
                <input
                  type="checkbox"
                  checked={pulls.has(k.id)}
                  onChange={(e) => {
                    const next = new Set(pulls);
                    if (e.currentTarget.checked) next.add(k.id);
                    else next.delete(k.id);
                    setPulls(next);
                  }}
                />
                {k.name}
              </label>
            ))}
          </fieldset>
          <BusyButton class="primary" busy={save.busy} onClick={() => void save.run()}>
            Save
          </BusyButton>
        </div>
      )}
      <Outcome error={show.error ?? save.error ?? resync.error ?? disconnect.error} done={save.done ?? resync.done} />
    </div>
  );
}

function Blocked({ api, staffId, zone }: { api: Api; staffId: string; zone: string }): JSX.Element {
  const [load, reload] = useLoad(() => {
    const from = new Date();
    return api.blockedSlots(staffId, from.toISOString(), new Date(from.getTime() + 30 * 86_400_000).toISOString());
  }, [staffId]);
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [reason, setReason] = useState('');
  const create = useAction(async () => {
    const startsAt = fromLocalInput(start, zone);
    const endsAt = fromLocalInput(end, zone);
    if (!startsAt || !endsAt) throw new Error('Enter both a start and an end.');
    if (endsAt <= startsAt && new Date(endsAt) <= new Date(startsAt)) throw new Error('The end must be after the start.');
    await api.createBlockedSlot(staffId, { startsAt, endsAt, reason: reason.trim() || undefined });
    setReason('');
    await reload();
    return 'Time blocked.';
  });
  const remove = useAction(async (slot: BlockedSlot) => {
    await api.deleteBlockedSlot(staffId, slot.id);
    await reload();
    return 'Blocked time removed.';
  });
  return (
    <Section title="Blocked time (next 30 days)" id="blocked" load={load} retry={reload} intro={<p class="muted">Times in {zoneLabel(zone)}.</p>}>
      {(slots) => (
        <>
          {slots.length ? (
            <ul class="plain">
              {slots.map((s) => (
                <li key={s.id} class="row wrap slot-row" data-slot={s.id}>
                  <span>{formatRange(s.startsAt, s.endsAt, zone)}</span>
                  <span class="muted">{s.source === 'manual' ? s.reason || 'Blocked' : 'Busy in a connected calendar'}</span>
                  {s.source === 'manual' && (
                    <BusyButton class="danger small" busy={remove.busy} onClick={() => void remove.run(s)} aria-label={`Remove blocked time ${formatRange(s.startsAt, s.endsAt, zone)}`}>
                      Remove
                    </BusyButton>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <Empty>Nothing blocked.</Empty>
          )}
          <Outcome error={remove.error} done={remove.done} />
          <form
            class="form"
            aria-label="Block time"
            onSubmit={(e) => {
              e.preventDefault();
              void create.run();
            }}
          >
            <label>
              From
              <input type="datetime-local" required value={start} onInput={(e) => setStart(e.currentTarget.value)} />
            </label>
            <label>
              Until
              <input type="datetime-local" required value={end} onInput={(e) => setEnd(e.currentTarget.value)} />
            </label>
            <label>
              Reason
              <input type="text" maxLength={500} placeholder="Reason (optional)" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
            </label>
            <BusyButton type="submit" busy={create.busy} busyLabel="Blocking…">
              Block time
            </BusyButton>
            <Outcome error={create.error} done={create.done} />
          </form>
        </>
      )}
    </Section>
  );
}

function Conflicts({ api, staffId, venues }: { api: Api; staffId: string; venues: Map<string, Venue> }): JSX.Element {
  const [load, reload] = useLoad(() => api.conflicts({ staffId, status: 'open' }), [staffId]);
  return (
    <Section title="My open conflicts" id="my-conflicts" load={load} retry={reload}>
      {(list: Conflict[]) =>
        list.length ? (
          <ul class="plain">
            {list.map((c) => {
              const zone = venues.get(c.venueId)?.timezone ?? 'UTC';
              return (
                <li key={c.id} class="conflict-row" data-conflict={c.id}>
                  <div>
                    <strong>{c.job.title ?? 'Job'}</strong> {formatRange(c.job.startsAt, c.job.endsAt, zone)} ({venues.get(c.venueId)?.name ?? 'venue'},{' '}
                    {zoneLabel(zone, c.job.startsAt)})
                  </div>
                  <div class="muted">
                    overlaps {c.blockedSlot.source === 'manual' ? c.blockedSlot.reason || 'your blocked time' : 'an event in your connected calendar'}{' '}
                    {formatRange(c.blockedSlot.startsAt, c.blockedSlot.endsAt, zone)}
                  </div>
                </li>
              );
            })}
          </ul>
        ) : (
          <Empty>No conflicts.</Empty>
        )
      }
    </Section>
  );
}
