import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Users choose the CalDAV server, so calbridge must not become a way into its own network
 * (SSRF). Every request — discovery, redirects, URLs the server hands back — passes here.
 */
export interface ServerUrlPolicy {
  /** Host names (`*.icloud.com` allowed) the server may live at; empty: any host. */
  allowedHosts: string[];
  /** Loopback, private and link-local addresses (and plain http) allowed: development and tests only. */
  allowPrivateNetworks: boolean;
}

export class ServerNotAllowedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerNotAllowedError';
  }
}

/** Checks that need no DNS: scheme, allow-list, literal private addresses. Returns the problem or null. */
export function serverUrlProblem(raw: string, policy: ServerUrlPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowPrivateNetworks)) return 'must use https';
  if (url.username || url.password) return 'must not carry credentials';
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (policy.allowedHosts.length && !policy.allowedHosts.some((pattern) => hostMatches(host, pattern))) {
    return `host ${host} is not on the allowed list`;
  }
  if (!policy.allowPrivateNetworks && (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) && isPrivateAddress(host)))) {
    return `host ${host} is on a private network`;
  }
  return null;
}

/** Full check, resolving the host when private networks are off. Throws {@link ServerNotAllowedError}. */
export async function assertServerUrlAllowed(
  raw: string,
  policy: ServerUrlPolicy,
  resolve: (host: string) => Promise<string[]> = resolveAll,
): Promise<void> {
  const problem = serverUrlProblem(raw, policy);
  if (problem) throw new ServerNotAllowedError(`The CalDAV server URL ${problem}`);
  if (policy.allowPrivateNetworks) return;
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return;
  const addresses = await resolve(host);
  if (addresses.some(isPrivateAddress)) throw new ServerNotAllowedError(`The CalDAV server URL's host ${host} resolves to a private network`);
}

export function hostMatches(host: string, pattern: string): boolean {
  const p = pattern.toLowerCase();
  return p.startsWith('*.') ? host.endsWith(p.slice(1)) && host.length > p.length - 1 : host === p;
}

/** Loopback, private, link-local, CGNAT, unspecified, multicast and their IPv6 forms. */
export function isPrivateAddress(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (isIP(v4) === 4) {
    const [a, b] = v4.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  const v6 = ip.toLowerCase();
  return v6 === '::' || v6 === '::1' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || v6.startsWith('ff');
}

async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}
