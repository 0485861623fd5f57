import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { zoneLabel } from '../lib/time';
import { groupByVenueDay, longDate, shortDate, Slot, slotLabel, venueWeek, visitorZone } from './booking-logic';
import { Failed, Loading } from '../ui/parts';
import { customerMessage, publicApi } from './public-api';

const DAYS = 7;
/** How far "Later" goes: the API answers at most 62 days per request and venues rarely open more than a few weeks. */
const MAX_WEEKS = 12;

/**
 * A week of days (venue's zone) and the free start times of the chosen day. Times read in the
 * venue's zone, labelled, with the visitor's own clock beside them when it differs.
 */
export function SlotPicker(props: {
  venueId: string;
  serviceId: string;
  zone: string;
  /** Bumped by the parent to load the week again (after "this time was just taken"). */
  reloadKey?: number;
  onPick: (slot: Slot) => void;
  busy?: boolean;
}): JSX.Element {
  const { venueId, serviceId, zone } = props;
  const [week, setWeek] = useState(0);
  const [state, setState] = useState<{ kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; slots: Slot[]; from: string }>({ kind: 'loading' });
  const [day, setDay] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const visitor = useMemo(visitorZone, []);
  const timesRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let live = true;
    const { from, to } = venueWeek(zone, week * DAYS, DAYS);
    setState({ kind: 'loading' });
    publicApi
      .availability(venueId, serviceId, from, to)
      .then((a) => {
        if (!live) return;
        setState({ kind: 'ready', slots: a.slots, from });
        const days = groupByVenueDay(a.slots, zone, from, DAYS);
        setDay((current) => (current && days.some((d) => d.date === current && d.slots.length) ? current : days.find((d) => d.slots.length)?.date ?? null));
      })
      .catch((e) => live && setState({ kind: 'error', message: customerMessage(e) }));
    return () => {
      live = false;
    };
  }, [venueId, serviceId, zone, week, props.reloadKey, attempt]);

  const days = state.kind === 'ready' ? groupByVenueDay(state.slots, zone, state.from, DAYS) : [];
  const chosen = days.find((d) => d.date === day);
  const label = zoneLabel(zone);

  return (
    <div class="picker">
      <p class="zone-note" id="zone-note">
        Times are in <strong>{label}</strong>, the venue’s local time.
        {state.kind === 'ready' && state.slots[0] && slotLabel(state.slots[0], zone, visitor).visitor ? ' Your own time is shown beside each.' : ''}
      </p>
      <div class="week-nav">
        <button type="button" onClick={() => setWeek((w) => Math.max(0, w - 1))} disabled={week === 0 || state.kind === 'loading'}>
          ‹ Earlier
        </button>
        <span class="muted" aria-live="polite">
          {state.kind === 'ready' ? `${longDate(days[0].date)} – ${longDate(days[DAYS - 1].date)}` : ''}
        </span>
        <button type="button" onClick={() => setWeek((w) => Math.min(MAX_WEEKS, w + 1))} disabled={week >= MAX_WEEKS || state.kind === 'loading'}>
          Later ›
        </button>
      </div>
      {state.kind === 'loading' ? (
        <Loading label="Looking for free times…" />
      ) : state.kind === 'error' ? (
        <Failed message={state.message} retry={() => setAttempt((a) => a + 1)} />
      ) : (
        <>
          <div class="days" role="group" aria-label="Days of this week">
            {days.map((d) => {
              const s = shortDate(d.date);
              return (
                <button
                  type="button"
                  class="day"
                  key={d.date}
                  data-date={d.date}
                  aria-pressed={d.date === day ? 'true' : 'false'}
                  disabled={!d.slots.length}
                  onClick={() => {
                    setDay(d.date);
                    requestAnimationFrame(() => timesRef.current?.focus());
                  }}
                >
                  <span class="wd">{s.weekday}</span>
                  <span class="dn">{s.day}</span>
                  <span class="mo">{s.month}</span>
                  <span class="visually-hidden">{d.slots.length ? `, ${d.slots.length} free ${d.slots.length === 1 ? 'time' : 'times'}` : ', no free times'}</span>
                </button>
              );
            })}
          </div>
          {!state.slots.length ? (
            <p class="empty">No free times this week. Try a later week.</p>
          ) : chosen ? (
            <div>
              <h3 tabIndex={-1} ref={timesRef} class="times-heading">
                Free times on {longDate(chosen.date)}
              </h3>
              <ul class="times" aria-describedby="zone-note">
                {chosen.slots.map((slot) => {
                  const l = slotLabel(slot, zone, visitor);
                  return (
                    <li key={slot.startsAt}>
                      <button
                        type="button"
                        class="time"
                        data-starts-at={slot.startsAt}
                        disabled={props.busy}
                        onClick={() => props.onPick(slot)}
                      >
                        <span class="t">{l.venue}</span>
                        <span class="visually-hidden"> {label}</span>
                        {l.visitor && <span class="yours">{l.visitor}</span>}
                      </button>
                    </li>
                  );
                })}
              </ul>
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}
