/**
 * # Outbound HTTP to URLs users choose (CalDAV servers, outbound webhooks): the one SSRF guard
 *
 * ```ts
 * import { OutboundGuard, OutboundUrlRefusedError, OutboundUnreachableError } from '@calbridge/core';
 *
 * const guard = new OutboundGuard({ allowPrivateNetworks: false, allowedHosts: [] }, { timeoutMs: 10_000 });
 * guard.problem(url);              // sync: why the URL is refused (scheme, credentials, allow-list,
 *                                  // private IP literal in any spelling) or null
 * await guard.assertAllowed(url);  // the same plus DNS (every address the name resolves to);
 *                                  // throws OutboundUrlRefusedError — use it to validate input (4xx)
 * const res = await guard.fetch(url, { method: 'POST', headers, body });  // a drop-in `fetch`
 * const status = await guard.status(url, { method: 'POST', headers, body }); // lean: the status only
 * ```
 *
 * `guard.fetch` is what enforces the policy; `assertAllowed` only gives early, friendly input
 * validation (a name may resolve elsewhere later). For every request, and every redirect hop:
 * - the URL is checked as above, with IP literals normalised first (`[::ffff:127.0.0.1]`,
 *   `[0:0:0:0:0:ffff:7f00:1]`, `[::7f00:1]`, NAT64 and 6to4 forms are all 127.0.0.1), see
 *   `ip-address.ts`;
 * - the host name is resolved ONCE, inside the connection (a custom `lookup`), every address it
 *   resolves to is checked, and the socket connects to the checked address — so DNS rebinding
 *   between a check and the connect is impossible;
 * - redirects (301/302/303/307/308, at most `maxRedirects`) are followed by the guard and each
 *   target is checked like the first URL; `Authorization`, `Cookie` and `Proxy-Authorization`
 *   are dropped when a hop leaves the origin; `redirect: 'manual'` returns the 3xx as is;
 * - a server that cannot be reached — DNS failure, refused, reset, timed out before answering,
 *   TLS failure, not speaking HTTP — is ONE error, {@link OutboundUnreachableError}, with one
 *   message, so error texts shown to users tell nothing about which ports are open.
 *
 * Errors: {@link OutboundUrlRefusedError} (the URL or where it leads is not allowed; the message
 * is safe to show) and {@link OutboundUnreachableError}; an abort by the caller's own `signal`
 * rejects with the signal's reason, as `fetch` does. HTTP answers (4xx, 5xx) are answers, not errors.
 *
 * `allowPrivateNetworks: true` (development and tests only) lifts the address checks and allows
 * plain http; `exemptAddresses` lets one deployment reach a known server on a private address
 * (an on-premises CalDAV server) without opening the whole private network.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { canonicalAddress, isPrivateAddress } from './ip-address';

export interface OutboundPolicy {
  /** Loopback, private and link-local addresses (and plain http) allowed: development and tests only. */
  allowPrivateNetworks: boolean;
  /** Host names (`*.icloud.com` allowed) the URL may name; empty or absent: any host. */
  allowedHosts?: string[];
  /** Plain `http:` allowed (default: only with `allowPrivateNetworks`). */
  allowHttp?: boolean;
  /** Addresses (any spelling) reachable although private, e.g. an on-premises server. */
  exemptAddresses?: string[];
}

export interface OutboundGuardOptions {
  /** From the request's start until its body is read; past it before an answer: unreachable. Default 30 s. */
  timeoutMs?: number;
  /** Redirect hops followed (each checked). Default 5. */
  maxRedirects?: number;
  /** Resolves a host name to its addresses (default: the system resolver, `getaddrinfo`). */
  resolve?: (host: string) => Promise<string[]>;
}

/** The URL, or where it redirects or resolves to, is not allowed. The message is safe to show. */
export class OutboundUrlRefusedError extends Error {
  constructor(readonly reason: string) {
    super(`The URL ${reason}`);
    this.name = 'OutboundUrlRefusedError';
  }
}

/** The one error for a server that could not be reached, whatever the reason (no port oracle). */
export class OutboundUnreachableError extends Error {
  static readonly MESSAGE = 'The server could not be reached';
  constructor(options?: { cause?: unknown }) {
    super(OutboundUnreachableError.MESSAGE, options);
    this.name = 'OutboundUnreachableError';
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export class OutboundGuard {
  private readonly exempt: Set<string>;
  private readonly agents: { 'http:': http.Agent; 'https:': https.Agent };
  private readonly timeoutMs: number;
  private readonly maxRedirects: number;
  private readonly resolve: (host: string) => Promise<string[]>;

  constructor(
    readonly policy: OutboundPolicy,
    options: OutboundGuardOptions = {},
  ) {
    this.exempt = new Set((policy.exemptAddresses ?? []).map((a) => canonicalAddress(a) ?? a));
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.resolve = options.resolve ?? systemResolve;
    const lookup = this.lookup;
    // The agents' sockets are made through the checking lookup: a pooled socket was checked when it connected.
    this.agents = {
      'http:': new http.Agent({ keepAlive: true, maxSockets: 16, lookup } as http.AgentOptions),
      'https:': new https.Agent({ keepAlive: true, maxSockets: 16, lookup } as https.AgentOptions),
    };
  }

  /** Checks that need no DNS; returns why the URL is refused, or null. */
  problem(raw: string): string | null {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'is not a URL';
    }
    const allowHttp = this.policy.allowHttp ?? this.policy.allowPrivateNetworks;
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowHttp)) return allowHttp ? 'must use http or https' : 'must use https';
    if (url.username || url.password) return 'must not carry credentials';
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
    const allowed = this.policy.allowedHosts ?? [];
    if (allowed.length && !allowed.some((pattern) => hostMatches(host, pattern))) return `host ${host} is not on the allowed list`;
    if (this.policy.allowPrivateNetworks) return null;
    if (host === 'localhost' || host.endsWith('.localhost')) return `host ${host} is on a private network`;
    const address = canonicalAddress(host);
    if (address && this.blocked(address)) return `host ${host} is on a private network`;
    return null;
  }

  /** {@link problem} plus every address the host resolves to; throws {@link OutboundUrlRefusedError}. */
  async assertAllowed(raw: string): Promise<void> {
    const problem = this.problem(raw);
    if (problem) throw new OutboundUrlRefusedError(problem);
    if (this.policy.allowPrivateNetworks) return;
    const host = new URL(raw).hostname.replace(/^\[|\]$/g, '');
    if (canonicalAddress(host)) return;
    let addresses: string[];
    try {
      addresses = await this.resolve(host);
    } catch {
      throw new OutboundUrlRefusedError(`host ${host} cannot be resolved`);
    }
    if (!addresses.length) throw new OutboundUrlRefusedError(`host ${host} cannot be resolved`);
    if (addresses.some((a) => this.blocked(canonicalAddress(a) ?? a))) throw new OutboundUrlRefusedError(`host ${host} resolves to a private network`);
  }

  /** `fetch`, guarded (see the top of this file). */
  readonly fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const request = input instanceof Request ? input : undefined;
    let url = new URL(request ? request.url : input instanceof URL ? input.href : input);
    let method = (init.method ?? request?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers ?? request?.headers);
    let body = await bodyBytes(init.body ?? (request?.body ? await request.arrayBuffer() : null), headers);
    const redirect = init.redirect ?? request?.redirect ?? 'follow';
    const callerSignal = init.signal ?? request?.signal ?? undefined;
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline;
    const origin = url.origin;
    for (let hop = 0; ; hop++) {
      const problem = this.problem(url.href);
      if (problem) throw new OutboundUrlRefusedError(problem);
      if (url.origin !== origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
      const response = await this.send(url, method, headers, body, signal, callerSignal);
      const location = response.headers.get('location');
      if (redirect === 'manual' || !REDIRECTS.has(response.status) || !location) return response;
      await response.body?.cancel().catch(() => undefined);
      if (redirect === 'error') throw new TypeError(`Redirect refused (redirect: 'error')`);
      if (hop >= this.maxRedirects) throw new OutboundUrlRefusedError('redirects too many times');
      url = new URL(location, url);
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = null;
        for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) headers.delete(name);
      }
    }
  };

  /**
   * A request whose answer is only a status (webhooks), without `fetch`'s Response and streams: the
   * same checks and pool, no redirect followed, the answer read to its end and discarded (past
   * `maxBodyBytes` the connection is closed instead) so the socket is reused. Rejects like `fetch`.
   */
  status(raw: string, init: { method: string; headers: Record<string, string>; body: string }, maxBodyBytes = 64 * 1024): Promise<number> {
    const problem = this.problem(raw);
    if (problem) return Promise.reject(new OutboundUrlRefusedError(problem));
    const url = new URL(raw);
    const protocol = url.protocol as 'http:' | 'https:';
    const body = Buffer.from(init.body, 'utf8');
    return new Promise<number>((resolve, reject) => {
      const req = (protocol === 'https:' ? https : http).request(
        {
          protocol,
          hostname: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method: init.method,
          headers: { ...init.headers, 'content-length': String(body.length) },
          agent: this.agents[protocol],
          lookup: this.lookup,
        },
        (res) => {
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > maxBodyBytes) res.destroy();
          });
          res.on('close', () => {
            clearTimeout(timer);
            const status = res.statusCode ?? 0;
            if (status < 100 || status > 599) reject(new OutboundUnreachableError({ cause: new Error(`not an HTTP answer (${status})`) }));
            else resolve(status);
          });
        },
      );
      const timer = setTimeout(() => req.destroy(new Error('timed out')), this.timeoutMs);
      req.on('error', (error) => (clearTimeout(timer), reject(error instanceof OutboundUrlRefusedError ? error : new OutboundUnreachableError({ cause: error }))));
      req.end(body);
    });
  }

  private send(url: URL, method: string, headers: Headers, body: Buffer | null, signal: AbortSignal, callerSignal?: AbortSignal): Promise<Response> {
    const protocol = url.protocol as 'http:' | 'https:';
    const outgoing: Record<string, string> = {};
    headers.forEach((value, name) => (outgoing[name] = value));
    if (body) outgoing['content-length'] = String(body.length);
    outgoing['accept-encoding'] ??= 'gzip, deflate, br';
    return new Promise<Response>((resolve, reject) => {
      const fail = (error: unknown) => {
        if (callerSignal?.aborted) reject(callerSignal.reason);
        else if (error instanceof OutboundUrlRefusedError) reject(error);
        else reject(new OutboundUnreachableError({ cause: error }));
      };
      const req = (protocol === 'https:' ? https : http).request(
        {
          protocol,
          hostname: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method,
          headers: outgoing,
          agent: this.agents[protocol],
          lookup: this.lookup,
          signal,
        },
        (res) => {
          try {
            resolve(toResponse(res, method, url, signal));
          } catch (error) {
            res.destroy();
            fail(error);
          }
        },
      );
      req.on('error', fail);
      req.end(body ?? undefined);
    });
  }

  /** The connection's own name resolution: resolve once, check every address, connect to the checked one. */
  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
    const family = typeof options === 'number' ? options : ((options as { family?: number | string } | undefined)?.family ?? 0);
    this.resolve(hostname)
      .then((addresses) => {
        const usable = addresses.filter((a) => !family || family === 'IPv' + familyOf(a) || family === familyOf(a));
        const candidates = usable.length ? usable : addresses;
        if (!candidates.length) throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
        if (!this.policy.allowPrivateNetworks && addresses.some((a) => this.blocked(canonicalAddress(a) ?? a))) {
          throw new OutboundUrlRefusedError(`host ${hostname} resolves to a private network`);
        }
        const address = candidates[0];
        if (all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, candidates.map((a) => ({ address: a, family: familyOf(a) })));
        else callback(null, address, familyOf(address));
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, '', 0));
  };

  private blocked(canonical: string): boolean {
    return isPrivateAddress(canonical) && !this.exempt.has(canonical);
  }
}

/** `*.example.com` matches subdomains (not the apex); anything else matches exactly. */
export function hostMatches(host: string, pattern: string): boolean {
  const p = pattern.toLowerCase();
  return p.startsWith('*.') ? host.endsWith(p.slice(1)) && host.length > p.length - 1 : host === p;
}

async function systemResolve(host: string): Promise<string[]> {
  return (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);
}

function familyOf(address: string): 4 | 6 {
  return address.includes(':') ? 6 : 4;
}

type BodyInit = NonNullable<ConstructorParameters<typeof Response>[0]>;

async function bodyBytes(body: BodyInit | ArrayBuffer | null | undefined, headers: Headers): Promise<Buffer | null> {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  // URLSearchParams, Blob, FormData, streams: let the platform encode them (and name their type).
  const encoded = new Response(body);
  const type = encoded.headers.get('content-type');
  if (type && !headers.has('content-type')) headers.set('content-type', type);
  return Buffer.from(await encoded.arrayBuffer());
}

function toResponse(res: IncomingMessage, method: string, url: URL, signal: AbortSignal): Response {
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 599) throw new Error(`not an HTTP answer (${status})`);
  const headers = new Headers();
  for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
  let body: Readable | null = null;
  if (!NULL_BODY_STATUSES.has(status) && method !== 'HEAD') {
    body = decoded(res, headers);
    signal.addEventListener('abort', () => body?.destroy(signal.reason), { once: true });
  } else {
    res.resume();
  }
  const response = new Response(body ? (Readable.toWeb(body) as ReadableStream) : null, { status, statusText: res.statusMessage, headers });
  Object.defineProperty(response, 'url', { value: url.href });
  return response;
}

/** Content-Encoding undone, as `fetch` does. */
function decoded(res: IncomingMessage, headers: Headers): Readable {
  const encoding = (headers.get('content-encoding') ?? '').trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : null;
  if (!decoder) return res;
  headers.delete('content-encoding');
  headers.delete('content-length');
  res.on('error', (error) => decoder.destroy(error));
  return res.pipe(decoder);
}
