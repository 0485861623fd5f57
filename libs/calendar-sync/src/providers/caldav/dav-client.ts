import { davRequest, DAVResponse, propfind } from 'tsdav';
import { CaldavHttpError } from './caldav-errors';

/**
 * WebDAV/CalDAV plumbing for one account: requests over calbridge's transport (authentication,
 * server URL policy, timeout, request counting are in the `fetch` it is given) and the readers of
 * tsdav's xml-js answers. No CalDAV semantics beyond "did it work".
 */
export class DavClient {
  constructor(readonly fetch: typeof globalThis.fetch) {}

  /** PROPFIND; an answer that is one failed response (no multistatus) is thrown as a CaldavHttpError. */
  async propfind(url: string, depth: '0' | '1', props: Record<string, object>): Promise<DAVResponse[]> {
    const responses = await propfind({ url, depth, props, fetch: this.fetch });
    const failed = failedAnswer(responses);
    if (failed) throw new CaldavHttpError(failed.status, 'PROPFIND', typeof failed.raw === 'string' ? failed.raw : '');
    return responses;
  }

  /** A REPORT (body in xml-js compact form). The caller checks {@link failedAnswer}: some failures mean something. */
  report(url: string, namespace: 'c' | 'd', depth: '0' | '1', body: Record<string, unknown>): Promise<DAVResponse[]> {
    return davRequest({ url, init: { method: 'REPORT', namespace, headers: { Depth: depth }, body }, fetch: this.fetch });
  }

  /** PUT an iCalendar object; a successful answer's body is discarded. */
  async put(url: string, body: string, headers: Record<string, string>): Promise<Response> {
    const res = await this.fetch(url, { method: 'PUT', body, headers: { 'Content-Type': 'text/calendar; charset=utf-8', ...headers } });
    if (res.ok) await res.body?.cancel().catch(() => undefined);
    return res;
  }

  get(url: string): Promise<Response> {
    return this.fetch(url, { method: 'GET' });
  }

  async delete(url: string): Promise<Response> {
    const res = await this.fetch(url, { method: 'DELETE' });
    await res.body?.cancel().catch(() => undefined);
    return res;
  }
}

/** The one response of an answer that failed as a whole (no multistatus), else undefined. */
export function failedAnswer(responses: DAVResponse[]): DAVResponse | undefined {
  const first = responses[0];
  return responses.length === 1 && first && !first.raw?.multistatus && !first.ok ? first : undefined;
}

export async function httpError(res: Response, operation: string): Promise<CaldavHttpError> {
  const body = await res.text().catch(() => '');
  return new CaldavHttpError(res.status, operation, body.slice(0, 2000), res.headers.get('retry-after'));
}

export function assertOk(r: DAVResponse | undefined, operation: string): asserts r is DAVResponse {
  if (!r) throw new CaldavHttpError(502, operation, 'empty answer');
  if (!r.ok) throw new CaldavHttpError(r.status, operation, typeof r.raw === 'string' ? r.raw : '');
}

export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** Object ids are URL paths: stable across the partition hosts a server may hand out. */
export function pathOf(url: string): string {
  return new URL(url).pathname;
}

export function normalizeEtag(value: string | null | undefined): string | null {
  if (!value) return null;
  const v = value.trim();
  return v.startsWith('"') || v.startsWith('W/') ? v : `"${v}"`;
}

export function etagOf(value: unknown): string | null {
  const text = textOf(value);
  return text ? normalizeEtag(text) : null;
}

export function calendarDataOf(value: unknown): string | null {
  const text = textOf(value);
  return text || null;
}

/** xml-js compact values: a string, a number, `{ _text }` or `{ _cdata }`. */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (typeof value === 'object') {
    const v = value as { _text?: unknown; _cdata?: unknown };
    if (v._cdata !== undefined) return String(v._cdata);
    if (v._text !== undefined) return String(v._text);
  }
  return '';
}

export function hrefs(value: unknown): string[] {
  const href = (value as { href?: unknown } | undefined)?.href;
  const list = Array.isArray(href) ? href : href === undefined ? [] : [href];
  return list.map(textOf).filter(Boolean);
}

export function firstHref(value: unknown): string | undefined {
  return hrefs(value)[0];
}

export function componentNames(value: unknown): string[] {
  const comp = (value as { comp?: unknown } | undefined)?.comp;
  const list = Array.isArray(comp) ? comp : comp === undefined ? [] : [comp];
  return list.map((c) => String((c as { _attributes?: { name?: string } })?._attributes?.name ?? '').toUpperCase()).filter(Boolean);
}

export function tzidOf(vtimezone: string): string | null {
  const match = /^TZID:(.+)$/m.exec(vtimezone.replace(/\r/g, ''));
  return match ? match[1].trim() : null;
}
