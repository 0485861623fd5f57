import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { BookingConfirmed, ManageBooking } from './manage-booking';
import { Shell } from './shell';
import {
  bookingBody, BookingCreated, CustomerDetails, durationLabel, manageTokenFromHash, PublicServices, PublicService, Slot,
  validateDetails, venueIdFromPath, visitorZone, whenForVisitor, whenInVenue,
} from './booking-logic';
import { Failed, Loading } from '../ui/parts';
import { customerMessage, publicApi } from './public-api';
import { SlotPicker } from './slot-picker';

/** `/book/<venueId>`: book a service; `/book/<venueId>#manage=<token>`: see, move or cancel a booking. */
export function BookApp(): JSX.Element {
  const venueId = venueIdFromPath(location.pathname);
  const [token, setToken] = useState(() => manageTokenFromHash(location.hash));
  useEffect(() => {
    const onHash = () => setToken(manageTokenFromHash(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  if (!venueId) {
    return (
      <Shell title="Booking">
        <p class="error" role="alert">
          There is no booking page at this address. Please check the link you were given.
        </p>
      </Shell>
    );
  }
  if (token) {
    const bookAgain = () => {
      history.replaceState(null, '', location.pathname);
      setToken(null);
    };
    return <ManageBooking token={token} onBookAgain={bookAgain} />;
  }
  return <BookFlow venueId={venueId} />;
}

type Step = 'service' | 'time' | 'details' | 'done';
const STEP_NUMBER: Record<Step, number> = { service: 1, time: 2, details: 3, done: 4 };
const STEP_TITLE: Record<Step, string> = { service: 'Choose a service', time: 'Choose a time', details: 'Your details', done: 'You are booked' };

function BookFlow(props: { venueId: string }): JSX.Element {
  const [info, setInfo] = useState<{ kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; data: PublicServices }>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [step, setStep] = useState<Step>('service');
  const [service, setService] = useState<PublicService | null>(null);
  const [slot, setSlot] = useState<Slot | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const [created, setCreated] = useState<BookingCreated | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);

  useEffect(() => {
    setInfo({ kind: 'loading' });
    publicApi
      .services(props.venueId)
      .then((data) => setInfo({ kind: 'ready', data }))
      .catch((e) => setInfo({ kind: 'error', message: customerMessage(e) }));
  }, [props.venueId, attempt]);

  // Each step moves the focus to its heading, so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    heading.current?.focus();
  }, [step]);

  if (info.kind !== 'ready') {
    return (
      <Shell title="Book an appointment">
        {info.kind === 'loading' ? (
          <Loading />
        ) : (
          <Failed message={info.message} retry={() => setAttempt((a) => a + 1)} />
        )}
      </Shell>
    );
  }
  const { venue, services } = info.data;
  const go = (next: Step) => {
    setNotice(null);
    setStep(next);
  };

  return (
    <Shell title="Book an appointment" venueName={venue.name}>
      <h1 class="visually-hidden">Book an appointment at {venue.name}</h1>
      <p class="steps" aria-label="Progress">
        Step {STEP_NUMBER[step]} of 4
      </p>
      <h2 tabIndex={-1} ref={heading} class="step-title">
        {STEP_TITLE[step]}
      </h2>
      {service && step !== 'service' && (
        <p class="summary" data-summary>
          <span>
            {service.name} · {durationLabel(service.durationMinutes)}
          </span>
          {slot && step !== 'time' && <span> · {whenInVenue(slot.startsAt, slot.endsAt, venue.timezone)}</span>}
        </p>
      )}
      {notice && (
        <p class="error" role="alert">
          {notice}
        </p>
      )}
      {step === 'service' &&
        (services.length ? (
          <ul class="services">
            {services.map((s) => (
              <li key={s.id}>
                <button
                  type="button"
                  class="service"
                  data-service={s.id}
                  onClick={() => {
                    setService(s);
                    setSlot(null);
                    go('time');
                  }}
                >
                  <span class="name">{s.name}</span>
                  <span class="muted">{durationLabel(s.durationMinutes)}</span>
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p class="empty">This venue has no services to book online at the moment.</p>
        ))}
      {step === 'time' && service && (
        <>
          <SlotPicker
            venueId={venue.id}
            serviceId={service.id}
            zone={venue.timezone}
            reloadKey={reloadKey}
            onPick={(s) => {
              setSlot(s);
              go('details');
            }}
          />
          <button type="button" class="link back" onClick={() => go('service')}>
            ‹ Choose another service
          </button>
        </>
      )}
      {step === 'details' && service && slot && (
        <DetailsForm
          venueZone={venue.timezone}
          slot={slot}
          onBack={() => go('time')}
          onSubmit={async (details) => {
            try {
              const result = await publicApi.book(venue.id, bookingBody(service.id, slot.startsAt, details));
              setCreated(result);
              go('done');
            } catch (e) {
              const message = customerMessage(e);
              if (e instanceof Error && 'code' in e && ['SLOT_TAKEN', 'SLOT_NOT_BOOKABLE'].includes(String((e as { code: string }).code))) {
                setSlot(null);
                setReloadKey((k) => k + 1);
                setStep('time');
                setNotice(message);
                return null;
              }
              return message;
            }
            return null;
          }}
        />
      )}
      {step === 'done' && created && service && (
        <BookingConfirmed created={created} venueName={venue.name} venueZone={venue.timezone} serviceName={service.name} />
      )}
    </Shell>
  );
}

function DetailsForm(props: {
  venueZone: string;
  slot: Slot;
  onBack: () => void;
  /** Resolves to an error message to show, or null. */
  onSubmit: (d: CustomerDetails) => Promise<string | null>;
}): JSX.Element {
  const [d, setD] = useState<CustomerDetails>({ firstName: '', lastName: '', email: '', phone: '' });
  const [errors, setErrors] = useState<Partial<Record<keyof CustomerDetails, string>>>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const visitorTime = whenForVisitor(props.slot.startsAt, props.slot.endsAt, props.venueZone, visitorZone());

  const field = (key: keyof CustomerDetails, label: string, attrs: Record<string, string | boolean>) => (
    <label>
      <span>
        {label}
        {key === 'phone' ? <span class="muted"> (optional)</span> : null}
      </span>
      <input
        name={key}
        value={d[key]}
        aria-invalid={errors[key] ? 'true' : 'false'}
        aria-describedby={errors[key] ? `err-${key}` : undefined}
        onInput={(e) => setD({ ...d, [key]: (e.target as HTMLInputElement).value })}
        {...attrs}
      />
      {errors[key] && (
        <span class="field-error" id={`err-${key}`}>
          {errors[key]}
        </span>
      )}
    </label>
  );

  return (
    <form
      ref={form}
      class="form details"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        if (busy) return;
        const found = validateDetails(d);
        setErrors(found);
        setFailure(null);
        const firstBad = Object.keys(found)[0];
        if (firstBad) {
          form.current?.querySelector<HTMLInputElement>(`[name=${firstBad}]`)?.focus();
          return;
        }
        setBusy(true);
        try {
          setFailure(await props.onSubmit(d));
        } finally {
          setBusy(false);
        }
      }}
    >
      {visitorTime && <p class="muted">That is {visitorTime}.</p>}
      {field('firstName', 'First name', { autocomplete: 'given-name', required: true, maxLength: '100' })}
      {field('lastName', 'Last name', { autocomplete: 'family-name', required: true, maxLength: '100' })}
      {field('email', 'Email', { type: 'email', autocomplete: 'email', required: true, maxLength: '320', inputMode: 'email' })}
      {field('phone', 'Phone', { type: 'tel', autocomplete: 'tel', maxLength: '30', inputMode: 'tel' })}
      <p class="muted small">We use these details only for this appointment: the venue sees them, nobody else.</p>
      {failure && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
      <div class="row wrap">
        <button type="submit" class="primary" disabled={busy} aria-busy={busy ? 'true' : undefined}>
          {busy ? 'Booking…' : 'Book this time'}
        </button>
        <button type="button" class="link" onClick={props.onBack} disabled={busy}>
          ‹ Choose another time
        </button>
      </div>
    </form>
  );
}
