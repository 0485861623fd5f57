import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { DateTime } from 'luxon';
import { Shell } from './shell';
import {
  BookingCreated, calendarFileUrl, ManagedBooking, manageTokenFromUrl, Slot, visitorZone, whenForVisitor, whenInVenue,
} from './booking-logic';
import { Failed, Loading } from '../ui/parts';
import { customerMessage, publicApi } from './public-api';
import { SlotPicker } from './slot-picker';

/** The confirmation after booking: when, the manage link to keep, and the appointment as a calendar file. */
export function BookingConfirmed(props: { created: BookingCreated; venueName: string; venueZone: string; serviceName: string }): JSX.Element {
  const { created, venueZone } = props;
  const token = manageTokenFromUrl(created.manageUrl);
  const visitorTime = whenForVisitor(created.startsAt, created.endsAt, venueZone, visitorZone());
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <div class="confirmation" data-booking={created.bookingId}>
      <p role="status" class="ok big">
        {props.serviceName} at {props.venueName} is booked for <strong data-when>{whenInVenue(created.startsAt, created.endsAt, venueZone)}</strong>.
      </p>
      {visitorTime && <p class="muted">That is {visitorTime}.</p>}
      {token && (
        <p>
          <a class="button primary" href={calendarFileUrl(token)} download="appointment.ics">
            Add to my calendar (.ics)
          </a>
        </p>
      )}
      <h3>Your link to change or cancel</h3>
      <p class="muted">Keep this link: it is the only way to see, move or cancel this booking online. Anyone who has it can do so.</p>
      <div class="row wrap">
        <input class="url" readOnly value={created.manageUrl} aria-label="Your booking link" onFocus={(e) => (e.target as HTMLInputElement).select()} />
        <button
          type="button"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(created.manageUrl);
              setCopied('Link copied.');
            } catch {
              setCopied('Copying is not allowed here: select the link and copy it.');
            }
          }}
        >
          Copy link
        </button>
        <a href={`#manage=${token ?? ''}`}>Open it</a>
      </div>
      {copied && (
        <p role="status" class="muted">
          {copied}
        </p>
      )}
    </div>
  );
}

type Mode = 'view' | 'reschedule' | 'confirm-cancel';

/** The customer's manage link: the booking, moving it to another free time, cancelling it before the cut-off. */
export function ManageBooking(props: { token: string; onBookAgain: () => void }): JSX.Element {
  const [state, setState] = useState<{ kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; booking: ManagedBooking }>({ kind: 'loading' });
  const [mode, setMode] = useState<Mode>('view');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const [attempt, setAttempt] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    setState({ kind: 'loading' });
    publicApi
      .booking(props.token)
      .then((booking) => setState({ kind: 'ready', booking }))
      .catch((e) => setState({ kind: 'error', message: customerMessage(e) }));
  }, [props.token, attempt]);

  useEffect(() => {
    if (state.kind === 'ready') heading.current?.focus();
  }, [mode]);

  if (state.kind !== 'ready') {
    return (
      <Shell title="Your booking">
        <h1 class="step-title">Your booking</h1>
        {state.kind === 'loading' ? (
          <Loading />
        ) : (
          <Failed message={state.message} retry={() => setAttempt((a) => a + 1)} />
        )}
      </Shell>
    );
  }

  const b = state.booking;
  const zone = b.timezone;
  const cancelled = b.status === 'cancelled';
  const visitorTime = whenForVisitor(b.startsAt, b.endsAt, zone, visitorZone());
  const until = DateTime.fromISO(b.changeableUntil, { setZone: true }).setZone(zone);

  const act = async (work: () => Promise<ManagedBooking>, done: string) => {
    if (busy) return;
    setBusy(true);
    setMessage(null);
    try {
      const booking = await work();
      setState({ kind: 'ready', booking });
      setMode('view');
      setMessage({ error: false, text: done });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'SLOT_TAKEN' || code === 'SLOT_NOT_BOOKABLE') setReloadKey((k) => k + 1);
      setMessage({ error: true, text: customerMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Shell title="Your booking" venueName={b.venue.name}>
      <h1 tabIndex={-1} ref={heading} class="step-title">
        {mode === 'reschedule' ? 'Choose a new time' : cancelled ? 'This booking is cancelled' : 'Your booking'}
      </h1>
      <div class="card booking-card" data-booking={b.bookingId} data-status={b.status}>
        <p>
          <strong>{b.service.name}</strong> at {b.venue.name}
          {b.customer ? ` for ${b.customer.firstName} ${b.customer.lastName}` : ''}
        </p>
        <p data-when class={cancelled ? 'struck' : ''}>
          {whenInVenue(b.startsAt, b.endsAt, zone)}
        </p>
        {visitorTime && <p class="muted">That is {visitorTime}.</p>}
        {!cancelled && (
          <p class="muted small">
            {b.canChange
              ? `You can move or cancel it online until ${until.toFormat('cccc d LLLL, HH:mm')} (venue time).`
              : 'It is too late to change this booking online. Please contact the venue.'}
          </p>
        )}
      </div>
      {message && (
        <p class={message.error ? 'error' : 'ok'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {!cancelled && b.canChange && mode === 'view' && (
        <div class="row wrap actions">
          <button type="button" class="primary" onClick={() => (setMessage(null), setMode('reschedule'))}>
            Move to another time
          </button>
          <button type="button" class="danger" onClick={() => (setMessage(null), setMode('confirm-cancel'))}>
            Cancel booking
          </button>
          <a class="button" href={calendarFileUrl(props.token)} download="appointment.ics">
            Add to my calendar (.ics)
          </a>
        </div>
      )}
      {mode === 'confirm-cancel' && (
        <div class="confirm" role="alertdialog" aria-labelledby="cancel-q" aria-describedby="cancel-d">
          <p id="cancel-q">
            <strong>Cancel this booking?</strong>
          </p>
          <p id="cancel-d">The time is given back to the venue and this link stops working. This cannot be undone.</p>
          <div class="row wrap">
            <button type="button" class="danger" disabled={busy} aria-busy={busy ? 'true' : undefined} onClick={() => act(() => publicApi.cancel(props.token), 'Your booking is cancelled.')}>
              {busy ? 'Cancelling…' : 'Yes, cancel it'}
            </button>
            <button type="button" disabled={busy} onClick={() => setMode('view')}>
              Keep my booking
            </button>
          </div>
        </div>
      )}
      {mode === 'reschedule' && (
        <>
          <SlotPicker
            venueId={b.venue.id}
            serviceId={b.service.id}
            zone={zone}
            reloadKey={reloadKey}
            busy={busy}
            onPick={(slot: Slot) => act(() => publicApi.reschedule(props.token, slot.startsAt), `Moved. Your new time: ${whenInVenue(slot.startsAt, slot.endsAt, zone)}.`)}
          />
          <button type="button" class="link back" disabled={busy} onClick={() => setMode('view')}>
            ‹ Keep the current time
          </button>
        </>
      )}
      {cancelled && (
        <p>
          <button type="button" class="link" onClick={props.onBookAgain}>
            Book a new appointment
          </button>
        </p>
      )}
    </Shell>
  );
}
