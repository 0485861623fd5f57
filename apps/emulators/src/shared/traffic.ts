/**
 * What the emulators record about the requests they receive (for "remote requests per change"
 * and for asserting on what a client sent) and the faults tests arm for the next calls.
 */

export interface RecordedRequest {
  at: number;
  method: string;
  /** Path and query as received. */
  url: string;
  /** Route name, e.g. `PATCH /v1.0/me/events/:eventId`; `unmatched` when no route matched. */
  route: string;
  kind: 'api' | 'oauth' | 'control' | 'unmatched';
  /** Request headers, lower-case names, `authorization` redacted to its scheme. */
  headers: Record<string, string>;
  status?: number;
  /** Set when an armed fault answered instead of the emulator. */
  fault?: 'throttle' | 'fail';
}

export interface RequestStats {
  /** API and OAuth requests (control requests under `/__emulator` are not counted). */
  total: number;
  api: number;
  oauth: number;
  byRoute: Record<string, number>;
}

const LOG_LIMIT = 2000;

export class TrafficRecorder {
  private counts = new Map<string, number>();
  private totals = { total: 0, api: 0, oauth: 0 };
  private log: RecordedRequest[] = [];

  record(entry: RecordedRequest): void {
    if (entry.kind !== 'control') {
      this.totals.total += 1;
      if (entry.kind === 'api') this.totals.api += 1;
      if (entry.kind === 'oauth') this.totals.oauth += 1;
      this.counts.set(entry.route, (this.counts.get(entry.route) ?? 0) + 1);
      this.log.push(entry);
      if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
    }
  }

  stats(): RequestStats {
    return { ...this.totals, byRoute: Object.fromEntries([...this.counts.entries()].sort()) };
  }

  /** The last requests (at most 2000), oldest first. */
  requests(): RecordedRequest[] {
    return [...this.log];
  }

  reset(): void {
    this.counts = new Map();
    this.totals = { total: 0, api: 0, oauth: 0 };
    this.log = [];
  }
}

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = name === 'authorization' ? `${text.split(' ')[0]} [redacted]` : text;
  }
  return out;
}

/** Which requests an armed fault applies to; all API requests when empty. */
export interface FaultMatch {
  method?: string;
  /** A substring of the path, or a regular expression tested against path + query. */
  path?: string | RegExp;
}

export interface ThrottleOptions extends FaultMatch {
  /** Seconds sent in `Retry-After` (Graph always sends one; Google only when set). */
  retryAfterSeconds?: number;
  /** Google only: 403 (default, `rateLimitExceeded`) or 429. Graph always answers 429. */
  status?: 403 | 429;
  /** Google only: the `errors[0].reason` (`rateLimitExceeded` by default, or `userRateLimitExceeded`). */
  reason?: 'rateLimitExceeded' | 'userRateLimitExceeded';
}

export interface FailOptions extends FaultMatch {
  /** 500, 502, 503 (default) or 504. */
  status?: number;
}

export type ArmedFault = { kind: 'throttle'; options: ThrottleOptions } | { kind: 'fail'; options: FailOptions };

interface FaultRule {
  fault: ArmedFault;
  remaining: number;
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private latencyMs = 0;

  throttle(count: number, options: ThrottleOptions = {}): void {
    if (count > 0) this.rules.push({ fault: { kind: 'throttle', options }, remaining: count });
  }

  fail(count: number, options: FailOptions = {}): void {
    if (count > 0) this.rules.push({ fault: { kind: 'fail', options }, remaining: count });
  }

  /** Adds this many milliseconds before every API response (0 turns it off). */
  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  get latency(): number {
    return this.latencyMs;
  }

  clear(): void {
    this.rules = [];
    this.latencyMs = 0;
  }

  /** Armed faults still waiting, by kind. */
  pending(): { throttle: number; fail: number } {
    const out = { throttle: 0, fail: 0 };
    for (const rule of this.rules) out[rule.fault.kind] += rule.remaining;
    return out;
  }

  /** Consumes and returns the first armed fault matching this request, if any. */
  take(method: string, pathAndQuery: string): ArmedFault | undefined {
    const index = this.rules.findIndex((rule) => matches(rule.fault.options, method, pathAndQuery));
    if (index < 0) return undefined;
    const rule = this.rules[index];
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules.splice(index, 1);
    return rule.fault;
  }
}

function matches(match: FaultMatch, method: string, pathAndQuery: string): boolean {
  if (match.method && match.method.toUpperCase() !== method) return false;
  if (match.path === undefined) return true;
  if (typeof match.path === 'string') return pathAndQuery.includes(match.path);
  return match.path.test(pathAndQuery);
}
