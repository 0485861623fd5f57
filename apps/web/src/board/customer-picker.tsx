import type { JSX } from 'preact';
import { useEffect, useId, useState } from 'preact/hooks';
import { describeError } from '../lib/errors';
import type { Customer } from '../lib/types';

/** What the new job is for: nobody, an existing customer of the venue, or a new one (created with the job). */
export type CustomerChoice = null | { kind: 'existing'; customer: Customer } | { kind: 'new'; firstName: string; lastName: string; email: string; phone: string };

/**
 * Pick the new job's customer: search the venue's customers by name or email (as you type), or
 * enter a new one. Results are buttons (keyboard: Tab to them, Enter picks).
 */
export function CustomerPicker(props: { search: (q: string) => Promise<Customer[]>; value: CustomerChoice; onChange: (c: CustomerChoice) => void }): JSX.Element {
  const id = useId();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<{ q: string; list: Customer[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  const { value, onChange } = props;

  useEffect(() => {
    if (value || !q.trim()) {
      setFound(null);
      return;
    }
    let gone = false;
    const timer = setTimeout(() => {
      setSearching(true);
      props
        .search(q.trim())
        .then((list) => {
          if (!gone) {
            setFound({ q: q.trim(), list });
            setError(null);
          }
        })
        .catch((e) => !gone && setError(describeError(e)))
        .finally(() => !gone && setSearching(false));
    }, 200);
    return () => {
      gone = true;
      clearTimeout(timer);
    };
  }, [q, value]);

  if (value?.kind === 'existing') {
    const c = value.customer;
    return (
      <fieldset class="customer-picker">
        <legend>Customer</legend>
        <p class="row wrap" data-customer={c.id}>
          <strong>
            {c.firstName} {c.lastName}
          </strong>
          {c.email && <span class="muted">{c.email}</span>}
          <button type="button" class="small" onClick={() => onChange(null)}>
            Change customer
          </button>
        </p>
      </fieldset>
    );
  }
  if (value?.kind === 'new') {
    const set = (k: 'firstName' | 'lastName' | 'email' | 'phone') => (e: { currentTarget: { value: string } }) => onChange({ ...value, [k]: e.currentTarget.value });
    return (
      <fieldset class="customer-picker">
        <legend>New customer</legend>
        <label>
          First name
          <input required maxLength={100} value={value.firstName} onInput={set('firstName')} />
        </label>
        <label>
          Last name
          <input required maxLength={100} value={value.lastName} onInput={set('lastName')} />
        </label>
        <label>
          Email (optional)
          <input type="email" maxLength={320} value={value.email} onInput={set('email')} />
        </label>
        <label>
          Phone (optional)
          <input type="tel" maxLength={40} value={value.phone} onInput={set('phone')} />
        </label>
        <button type="button" class="small" onClick={() => onChange(null)}>
          No customer
        </button>
      </fieldset>
    );
  }
  return (
    <fieldset class="customer-picker">
      <legend>Customer (optional)</legend>
      <label>
        Search the venue's customers
        <input type="search" value={q} placeholder="Name or email" aria-describedby={`${id}-hint`} onInput={(e) => setQ(e.currentTarget.value)} />
      </label>
      <p id={`${id}-hint`} class="muted sr-only">
        Matching customers appear below as you type.
      </p>
      <div role="status" aria-live="polite">
        {searching ? 'Searching…' : found && !found.list.length ? `No customer matches "${found.q}".` : found ? `${found.list.length} found.` : ''}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {found && found.list.length > 0 && (
        <ul class="plain customer-results">
          {found.list.map((c) => (
            <li key={c.id}>
              <button type="button" class="link" onClick={() => onChange({ kind: 'existing', customer: c })}>
                {c.firstName} {c.lastName}
                {c.email ? ` · ${c.email}` : ''}
              </button>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        class="small"
        onClick={() => {
          const [first, ...rest] = q.trim().split(/\s+/);
          onChange({ kind: 'new', firstName: q.includes('@') ? '' : (first ?? ''), lastName: q.includes('@') ? '' : rest.join(' '), email: q.includes('@') ? q.trim() : '', phone: '' });
        }}
      >
        New customer
      </button>
    </fieldset>
  );
}
