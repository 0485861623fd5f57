import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where calbridge may POST webhooks: admins choose the URL, so it must not become a way into
 * calbridge's own network (SSRF) — the same rules as for CalDAV server URLs. Kept in this one
 * place so it can give way to a shared network guard in libs/core.
 */
export interface WebhookTargetPolicy {
  /** Loopback, private and link-local addresses (and plain http) allowed: development and tests only. */
  allowPrivateNetworks: boolean;
}

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

function isPrivate(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped) return PRIVATE.check(mapped, 'ipv4');
  return PRIVATE.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

/** Checks that need no DNS (scheme, credentials, literal private hosts): the problem, or null. */
export function webhookTargetProblem(raw: string, policy: WebhookTargetPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowPrivateNetworks)) return 'must use https';
  if (url.username || url.password) return 'must not carry credentials';
  if (policy.allowPrivateNetworks) return null;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) && isPrivate(host))) return `host ${host} is on a private network`;
  return null;
}

/** The full check before each delivery: also refuses host names that resolve to a private address. */
export async function webhookTargetProblemResolved(
  raw: string,
  policy: WebhookTargetPolicy,
  resolve: (host: string) => Promise<string[]> = resolveAll,
): Promise<string | null> {
  const problem = webhookTargetProblem(raw, policy);
  if (problem || policy.allowPrivateNetworks) return problem;
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return null;
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch {
    return `host ${host} does not resolve`;
  }
  return addresses.some(isPrivate) ? `host ${host} resolves to a private network` : null;
}

async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}
