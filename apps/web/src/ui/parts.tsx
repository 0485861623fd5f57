import type { ButtonHTMLAttributes, ComponentChildren, JSX } from 'preact';
import type { Loadable } from './async';

/** A page section with its own loading and error state: one failing section never blanks the page. */
export function Section<T>(props: {
  title: string;
  id?: string;
  load?: Loadable<T>;
  retry?: () => void;
  intro?: ComponentChildren;
  children: (data: T) => ComponentChildren;
}): JSX.Element {
  const { title, load } = props;
  const headingId = `h-${(props.id ?? title).replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
  return (
    <section data-section={title} aria-labelledby={headingId} class="card-section">
      <h2 id={headingId}>{title}</h2>
      {props.intro}
      {!load || load.state === 'loading' ? (
        <Loading />
      ) : load.state === 'error' ? (
        <Failed message={load.message} retry={props.retry} />
      ) : (
        props.children(load.data)
      )}
    </section>
  );
}

/** A polite "Loading…" line with a spinner. */
export function Loading(props: { label?: string }): JSX.Element {
  return (
    <p class="muted" role="status">
      <span class="spinner" aria-hidden="true" /> {props.label ?? 'Loading…'}
    </p>
  );
}

/** A failure as an alert, with "Try again" when there is something to retry. */
export function Failed(props: { message: string; retry?: () => void }): JSX.Element {
  return (
    <div class="error" role="alert">
      <span>{props.message}</span>{' '}
      {props.retry && (
        <button type="button" onClick={props.retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** A button that shows and enforces "busy" (disabled, aria-busy) while its action runs. */
export function BusyButton(props: ButtonHTMLAttributes<HTMLButtonElement> & { busy: boolean; busyLabel?: string }): JSX.Element {
  const { busy, busyLabel, children, ...rest } = props;
  return (
    <button type="button" {...rest} disabled={busy || Boolean(rest.disabled)} aria-busy={busy ? 'true' : undefined}>
      {busy ? busyLabel ?? children : children}
    </button>
  );
}

/** The outcome of an action, next to what caused it: errors as alerts, success as a polite status. */
export function Outcome(props: { error: string | null; done?: string | null }): JSX.Element | null {
  if (props.error) return <p class="error" role="alert">{props.error}</p>;
  if (props.done) return <p class="ok" role="status">{props.done}</p>;
  return null;
}

export function Empty(props: { children: ComponentChildren }): JSX.Element {
  return <p class="empty">{props.children}</p>;
}

export const STATUS_LABEL: Record<string, string> = {
  pending: 'Pending',
  confirmed: 'Confirmed',
  contingent: 'Contingent',
  seeking_replacement: 'Seeking replacement',
  arrived: 'Arrived',
  completed: 'Completed',
  cancelled: 'Cancelled',
  no_show: 'No-show',
  active: 'Active',
  syncing: 'Syncing',
  needs_reauth: 'Needs reconnecting',
  error: 'Error',
  disconnected: 'Disconnected',
  open: 'Open',
  resolved: 'Resolved',
  overridden: 'Overridden',
  expiring: 'Expiring soon',
  expired: 'Expired',
};

export function Badge(props: { status: string; label?: string }): JSX.Element {
  return <span class={`badge s-${props.status}`}>{props.label ?? STATUS_LABEL[props.status] ?? props.status}</span>;
}

export function providerName(key: string): string {
  return ({ google: 'Google Calendar', microsoft: 'Outlook', caldav: 'iCloud / CalDAV' } as Record<string, string>)[key] ?? key;
}
