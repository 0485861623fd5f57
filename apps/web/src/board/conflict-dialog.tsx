import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { formatRange } from '../lib/time';
import { BusyButton } from '../ui/parts';

export interface ConflictDetail {
  type: 'job' | 'blocked_slot';
  staffId: string;
  overridable: boolean;
  startsAt: string;
  endsAt: string;
  title?: string | null;
  source?: string;
}

export interface PendingConflict {
  what: string;
  overridable: boolean;
  conflicts: ConflictDetail[];
  /** Runs the same change again with `override: true`. */
  override: () => Promise<void>;
}

/** 409 ASSIGNMENT_CONFLICT: what it collides with; "Assign anyway" only when the server says it may be overridden. */
export function ConflictDialog(props: {
  pending: PendingConflict;
  zone: string;
  staffName: (id: string) => string;
  busy: boolean;
  error: string | null;
  onOverride: () => void;
  onClose: () => void;
}): JSX.Element {
  const { pending, zone } = props;
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div class="conflict-dialog" role="alertdialog" aria-modal="false" aria-labelledby="conflict-title" aria-describedby="conflict-what">
      <h3 id="conflict-title">Scheduling conflict</h3>
      <p id="conflict-what">{pending.what} collides with:</p>
      <ul>
        {pending.conflicts.map((c, i) => (
          <li key={i}>
            <strong>{props.staffName(c.staffId)}</strong>:{' '}
            {c.type === 'job' ? `another job${c.title ? ` (${c.title})` : ''}` : c.source === 'manual' ? 'blocked time' : 'busy in their calendar'} ·{' '}
            {formatRange(c.startsAt, c.endsAt, zone)}
          </li>
        ))}
      </ul>
      {pending.overridable ? (
        <p class="muted">You may assign anyway; the overlap is recorded as an overridden conflict.</p>
      ) : (
        <p class="warn">Two jobs of one person cannot overlap, so this cannot be overridden.</p>
      )}
      <div class="row wrap">
        {pending.overridable && (
          <BusyButton class="danger" busy={props.busy} onClick={props.onOverride}>
            Assign anyway
          </BusyButton>
        )}
        <button type="button" ref={first} onClick={props.onClose} disabled={props.busy}>
          {pending.overridable ? 'Cancel' : 'OK'}
        </button>
      </div>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}
