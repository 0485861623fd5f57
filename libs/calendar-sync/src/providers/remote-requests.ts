import { MetricsService } from '@calbridge/core';
import type { Counter } from 'prom-client';

/** The counter every provider feeds: HTTP requests sent to calendar providers, by provider and method. */
export function remoteRequestsCounter(metrics: MetricsService): Counter<'provider' | 'method'> {
  return metrics.counter('calbridge_sync_remote_requests_total', 'HTTP requests sent to calendar providers', ['provider', 'method']);
}

/**
 * What a provider answered, by HTTP status (`network` when no answer came back): the
 * `calbridge_sync_remote_responses_total{provider,status}` counter every provider feeds.
 */
export function responseRecorder(metrics: MetricsService, provider: string): (status: number | undefined) => void {
  const responses = metrics.counter('calbridge_sync_remote_responses_total', 'Answers of calendar providers, by provider and HTTP status (network: none)', ['provider', 'status']);
  return (status) => responses.inc({ provider, status: status ? String(status) : 'network' });
}

/**
 * `fetch` for an SDK's transport: each request sent is counted once (retries included), its
 * answer by status, and given up after `timeoutMs`.
 */
export function countedFetch(onRequest: (method: string) => void, timeoutMs: number, onResponse?: (status: number | undefined) => void): typeof fetch {
  return async (input: string | URL | Request, init: RequestInit = {}) => {
    onRequest((init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase());
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetch(input, { ...init, signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
      onResponse?.(response.status);
      return response;
    } catch (error) {
      onResponse?.(undefined);
      throw error;
    }
  };
}

export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

/** One header of a response, whether the SDK hands over a `Headers` or a plain object. */
export function headerValue(headers: HeadersLike | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[name.toLowerCase()] ?? Object.entries(record).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  return Array.isArray(value) ? value[0] : value;
}
