import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api } from './lib/api';
import { Claims, decodeClaims, isExpired, takeFragment, TOKEN_KEY } from './lib/auth';
import type { BoardView } from './board/board';
import { loadCalendar } from './board/day-timeline';
import { prefetchBoard } from './board/prefetch';
import { ConnectionsAdmin, StaffAdmin, VenuesAdmin } from './pages/admin';
import { DispatchHome } from './pages/dispatch';
import { StaffHome } from './pages/staff';
import { useLoad } from './ui/async';
import { providerName, Section } from './ui/parts';

const OAUTH_ERRORS: Record<string, string> = {
  access_denied: 'you declined access at the provider',
  exchange_failed: 'the provider did not accept the sign-in',
  provider_unavailable: 'the provider could not be reached',
  connect_failed: 'the provider answered with an error',
};

/** Reads the fragment once at boot: the token there replaces the tab's token; outcome flags become a message. */
function boot(): { notice: { text: string; error: boolean } | null } {
  const { token, rest } = takeFragment(location.hash);
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  let notice: { text: string; error: boolean } | null = null;
  const connected = rest.get('connected');
  const error = rest.get('error');
  if (connected) notice = { text: `${providerName(connected)} is connected; the first sync is running.`, error: false };
  else if (error) notice = { text: `Connecting the calendar failed: ${OAUTH_ERRORS[error] ?? error}. Try again.`, error: true };
  for (const k of ['connected', 'connectionId', 'error']) rest.delete(k);
  const remaining = rest.toString();
  history.replaceState(null, '', location.pathname + location.search + (remaining ? `#${remaining}` : ''));
  return { notice };
}

export function App(): JSX.Element {
  const [initial] = useState(boot);
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(TOKEN_KEY));
  const [notice, setNotice] = useState(initial.notice);
  const claims = useMemo<Claims | null>(() => (token ? decodeClaims(token) : null), [token]);
  const valid = claims && !isExpired(claims);
  const api = useMemo(
    () =>
      new Api(
        () => sessionStorage.getItem(TOKEN_KEY),
        () => {
          sessionStorage.removeItem(TOKEN_KEY);
          setToken(null);
          setNotice({ text: 'Your session has ended; sign in again.', error: true });
        },
      ),
    [],
  );
  useEffect(() => {
    if (token && !valid) setNotice({ text: 'That token has expired or is not valid.', error: true });
  }, [token, valid]);

  const signOut = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken(null);
    setNotice({ text: 'Signed out.', error: false });
  };

  return (
    <>
      <header class="top">
        <a class="brand" href="/app/">
          calbridge
        </a>
        {valid && claims && <Who api={api} claims={claims} />}
        {valid && (
          <button type="button" id="sign-out" onClick={signOut}>
            Sign out
          </button>
        )}
      </header>
      <div id="flash" class={notice?.error ? 'error' : ''} role={notice?.error ? 'alert' : 'status'} aria-live="polite" hidden={!notice}>
        {notice?.text}
      </div>
      <main id="main" tabIndex={-1}>
        {valid && claims ? (
          <Home api={api} claims={claims} />
        ) : (
          <SignIn
            onToken={(t) => {
              sessionStorage.setItem(TOKEN_KEY, t);
              setNotice(null);
              setToken(t);
            }}
          />
        )}
      </main>
    </>
  );
}

function Who({ api, claims }: { api: Api; claims: Claims }): JSX.Element {
  const [me] = useLoad(async () => (claims.role === 'staff' && claims.sub ? (await api.staff(claims.sub)).name : null), [claims.sub]);
  const name = me.state === 'ready' ? me.data : null;
  return (
    <span id="who" class="muted">
      {name ? `${name} · ${claims.role}` : claims.role}
    </span>
  );
}

function SignIn({ onToken }: { onToken: (t: string) => void }): JSX.Element {
  const [value, setValue] = useState('');
  return (
    <section id="sign-in" aria-labelledby="sign-in-h">
      <h2 id="sign-in-h">Sign in</h2>
      <p>
        Open this page from your scheduling platform, or paste a calbridge token (development: <code>npm run token -- --role staff --sub &lt;staffId&gt;</code>).
      </p>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) onToken(value.trim());
        }}
      >
        <label for="token-input">Token</label>
        <textarea id="token-input" rows={3} autoComplete="off" spellcheck={false} required value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        <button type="submit" class="primary">
          Continue
        </button>
      </form>
    </section>
  );
}

type Page = 'board' | 'venues' | 'staff' | 'connections';
const PAGES: Array<{ key: Page; label: string }> = [
  { key: 'board', label: 'Board' },
  { key: 'venues', label: 'Venues' },
  { key: 'staff', label: 'Staff' },
  { key: 'connections', label: 'Calendar connections' },
];

function Home({ api, claims }: { api: Api; claims: Claims }): JSX.Element {
  const [venues, reload] = useLoad(() => api.venues(), [claims.sub, claims.role]);
  const [nav, setNav] = useState(() => readNav(location.hash));
  // The board's read and (for the day) the scheduler component's chunk start with the venue list.
  useState(() => {
    if (claims.role === 'staff' || nav.page !== 'board') return;
    if (nav.view === 'day') void loadCalendar();
    if (nav.venueId) prefetchBoard(api, nav.venueId, nav.view, nav.date);
  });
  useEffect(() => {
    const onHash = () => setNav(readNav(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const go = (next: Nav) => {
    setNav(next);
    const q = new URLSearchParams({ ...(next.page !== 'board' ? { page: next.page } : {}), ...(next.venueId ? { venue: next.venueId } : {}), view: next.view, ...(next.date ? { date: next.date } : {}) });
    history.replaceState(null, '', `${location.pathname}#${q.toString()}`);
    if (next.page !== nav.page) document.getElementById('main')?.focus();
  };
  if (claims.role === 'staff' && claims.sub) {
    return (
      <Section title="My work" id="home" load={venues} retry={reload}>
        {(list) => <StaffHome api={api} staffId={claims.sub!} venues={list} />}
      </Section>
    );
  }
  return (
    <>
      <nav class="tabs" aria-label="Pages">
        {PAGES.map((p) => (
          <a key={p.key} href={`#page=${p.key}`} aria-current={nav.page === p.key ? 'page' : undefined} onClick={(e) => (e.preventDefault(), go({ ...nav, page: p.key }))}>
            {p.label}
          </a>
        ))}
      </nav>
      {nav.page === 'venues' ? (
        <VenuesAdmin api={api} role={claims.role} />
      ) : nav.page === 'staff' ? (
        <StaffAdmin api={api} />
      ) : nav.page === 'connections' ? (
        <ConnectionsAdmin api={api} />
      ) : (
        <Section title="Dispatch" id="home" load={venues} retry={reload}>
          {(list) =>
            list.length ? (
              <DispatchHome
                api={api}
                venues={list}
                venueId={list.some((v) => v.id === nav.venueId) ? nav.venueId : list[0].id}
                view={nav.view}
                date={nav.date}
                onNavigate={(venueId, view, date) => go({ ...nav, venueId, view, date })}
              />
            ) : (
              <p class="empty">No venues in your scope{claims.role === 'admin' ? ': create one under Venues.' : '.'}</p>
            )
          }
        </Section>
      )}
    </>
  );
}

interface Nav {
  page: Page;
  venueId: string;
  view: BoardView;
  date: string;
}

/** The board's place in the fragment (`#venue=…&view=week&date=2026-12-07`), so a reload keeps it. */
function readNav(hash: string): Nav {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const date = p.get('date') ?? '';
  const page = PAGES.find((x) => x.key === p.get('page'))?.key ?? 'board';
  return { page, venueId: p.get('venue') ?? '', view: p.get('view') === 'week' ? 'week' : 'day', date: /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : '' };
}
