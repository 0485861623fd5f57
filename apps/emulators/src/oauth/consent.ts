import type { RequestContext } from '../shared/http-kit';

/**
 * Who consents on the emulators' authorize endpoints. Scripts get an immediate redirect (the
 * account from `login_hint` or `emulator_account`, else the first account); a browser can get a
 * tiny account picker when the emulator runs with `consentPage: true` (as `npm run emulators` does).
 */

export interface AccountSummary {
  email: string;
  displayName: string;
}

export interface AccountDirectory {
  list(): AccountSummary[];
  find(email: string): AccountSummary | undefined;
  /** Creates the account (with its primary calendar) when it does not exist yet. */
  create(email: string): AccountSummary;
}

export interface ConsentSettings {
  consentPage: boolean;
  autoCreateAccounts: boolean;
}

export type ConsentDecision =
  | { kind: 'account'; account: AccountSummary }
  | { kind: 'deny' }
  | { kind: 'unknown-account'; email: string }
  | { kind: 'show-page' };

export function decideConsent(ctx: RequestContext, accounts: AccountDirectory, settings: ConsentSettings): ConsentDecision {
  const q = ctx.query;
  if (q.get('emulator_consent') === 'deny') return { kind: 'deny' };
  const picked = q.get('emulator_other')?.trim() || q.get('emulator_account')?.trim() || q.get('login_hint')?.trim();
  const browser = (ctx.header('accept') ?? '').includes('text/html');
  if (picked) {
    const found = accounts.find(picked);
    if (found) return { kind: 'account', account: found };
    if (settings.autoCreateAccounts && /^[^\s@]+@[^\s@]+$/.test(picked)) {
      return { kind: 'account', account: accounts.create(picked) };
    }
    return settings.consentPage && browser ? { kind: 'show-page' } : { kind: 'unknown-account', email: picked };
  }
  if (settings.consentPage && browser && q.get('emulator_consent') !== 'allow') return { kind: 'show-page' };
  const first = accounts.list()[0];
  return first ? { kind: 'account', account: first } : { kind: 'unknown-account', email: '' };
}

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** A minimal "choose an account" page that submits back to the same authorize URL. */
export function consentPageHtml(ctx: RequestContext, accounts: AccountDirectory, provider: string): string {
  const hidden = [...ctx.query.entries()]
    .filter(([k]) => !k.startsWith('emulator_') && k !== 'login_hint')
    .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`)
    .join('\n');
  const options = accounts
    .list()
    .map(
      (a, i) =>
        `<label><input type="radio" name="emulator_account" value="${escape(a.email)}"${i === 0 ? ' checked' : ''}> ${escape(a.displayName)} &lt;${escape(a.email)}&gt;</label><br>`,
    )
    .join('\n');
  const scope = escape(ctx.query.get('scope') ?? '');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escape(provider)} emulator: sign in</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:3rem auto}code{word-break:break-all}</style></head>
<body>
<h1>${escape(provider)} (local emulator)</h1>
<p>Choose the account that grants access. Requested scopes: <code>${scope}</code></p>
<form method="get" action="${escape(ctx.url.pathname)}">
${hidden}
${options}
<label>or another address: <input type="email" name="emulator_other" placeholder="someone@example.com"></label>
<p><button type="submit" name="emulator_consent" value="allow">Allow</button>
<button type="submit" name="emulator_consent" value="deny">Deny</button></p>
</form>
</body></html>`;
}
