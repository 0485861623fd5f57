import { OutboundGuard, OutboundUrlRefusedError } from '@calbridge/core';

export { hostMatches, isPrivateAddress } from '@calbridge/core';

/**
 * Users choose the CalDAV server, so calbridge must not become a way into its own network
 * (SSRF). Every request — discovery, redirects, URLs the server hands back — goes through the
 * shared outbound guard (`@calbridge/core`, `net/outbound-guard.ts`); this file adapts it to CalDAV.
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

const guards = new Map<string, OutboundGuard>();

/** The guard (and so the connection pool) CalDAV requests under one policy share. */
export function caldavGuard(policy: ServerUrlPolicy, timeoutMs = 30_000): OutboundGuard {
  const key = JSON.stringify([policy.allowedHosts, policy.allowPrivateNetworks, timeoutMs]);
  let guard = guards.get(key);
  if (!guard) guards.set(key, (guard = new OutboundGuard({ allowedHosts: policy.allowedHosts, allowPrivateNetworks: policy.allowPrivateNetworks }, { timeoutMs })));
  return guard;
}

/** Checks that need no DNS: scheme, allow-list, private addresses in any spelling. Returns the problem or null. */
export function serverUrlProblem(raw: string, policy: ServerUrlPolicy): string | null {
  return caldavGuard(policy).problem(raw);
}

/** Full check, resolving the host when private networks are off. Throws {@link ServerNotAllowedError}. */
export async function assertServerUrlAllowed(raw: string, policy: ServerUrlPolicy, resolve?: (host: string) => Promise<string[]>): Promise<void> {
  const guard = resolve ? new OutboundGuard(policy, { resolve }) : caldavGuard(policy);
  try {
    await guard.assertAllowed(raw);
  } catch (error) {
    if (error instanceof OutboundUrlRefusedError) throw new ServerNotAllowedError(`The CalDAV server URL ${error.reason}`);
    throw error;
  }
}
