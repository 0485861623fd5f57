import { caldavGuard, ServerUrlPolicy } from './server-url-policy';

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface CaldavTransportOptions {
  username: string;
  password: string;
  policy: ServerUrlPolicy;
  timeoutMs: number;
  /** Called once per HTTP request actually sent (metrics, benchmarks). */
  onRequest?: (method: string) => void;
  /** Called with each answer's HTTP status (undefined: no answer). */
  onResponse?: (status: number | undefined) => void;
}

/**
 * The `fetch` every tsdav call of one account goes through: Basic auth, and the shared outbound
 * guard (SSRF policy on every URL, redirect targets and server-supplied URLs included; the
 * connection made to the address that was checked; a timeout; one neutral error for an
 * unreachable server), redirects followed by hand so the Authorization header stays on its origin.
 */
export function caldavFetch(options: CaldavTransportOptions): typeof fetch {
  const authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64')}`;
  const guard = caldavGuard(options.policy, options.timeoutMs);
  return async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    let url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const origin = new URL(url).origin;
    let method = (init.method ?? 'GET').toUpperCase();
    let body = init.body;
    const followRedirects = init.redirect !== 'manual';
    for (let hop = 0; ; hop++) {
      const headers = new Headers(init.headers);
      if (new URL(url).origin === origin) headers.set('Authorization', authorization);
      else headers.delete('Authorization');
      options.onRequest?.(method);
      const response = await guard.fetch(url, { ...init, method, body, headers, redirect: 'manual' }).catch((error: unknown) => {
        options.onResponse?.(undefined);
        throw error;
      });
      options.onResponse?.(response.status);
      const location = response.headers.get('location');
      if (!followRedirects || !REDIRECTS.has(response.status) || !location || hop >= MAX_REDIRECTS) return response;
      await response.body?.cancel().catch(() => undefined);
      url = new URL(location, url).href;
      if (response.status === 303) {
        method = 'GET';
        body = undefined;
      }
    }
  };
}
