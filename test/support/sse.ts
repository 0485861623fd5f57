import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { waitFor } from './wait';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** A Server-Sent Events client over node:http that keeps every event it receives (tests). */
export class SseClient {
  readonly events: SseEvent[] = [];
  status = 0;
  private res?: IncomingMessage;
  private buffer = '';
  private readonly req;

  private constructor(url: string, headers: Record<string, string>, ready: (c: SseClient) => void, fail: (e: Error) => void) {
    this.req = request(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      this.res = res;
      this.status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => this.feed(chunk));
      res.on('error', () => undefined);
      ready(this);
    });
    this.req.on('error', fail);
    this.req.end();
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => new SseClient(url, headers, resolve, reject));
  }

  /** The full body when the answer was not a stream (an error). */
  async body(): Promise<string> {
    await waitFor(() => expect(this.res?.complete).toBe(true), { what: 'the response to end', timeoutMs: 10_000 });
    return this.buffer;
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const ev: SseEvent = { event: 'message', data: '' };
      let hasData = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const i = line.indexOf(':');
        const field = i === -1 ? line : line.slice(0, i);
        const value = i === -1 ? '' : line.slice(i + 1).replace(/^ /, '');
        if (field === 'id') ev.id = value;
        else if (field === 'event') ev.event = value;
        else if (field === 'data') {
          ev.data += (hasData ? '\n' : '') + value;
          hasData = true;
        }
      }
      if (hasData) this.events.push(ev);
    }
  }

  named(name: string): SseEvent[] {
    return this.events.filter((e) => e.event === name);
  }

  /** Waits (bounded) until an event matches, and returns it. */
  next(match: (e: SseEvent) => boolean, what = 'a stream event'): Promise<SseEvent> {
    return waitFor(() => {
      const found = this.events.find(match);
      expect(found).toBeDefined();
      return found!;
    }, { what });
  }

  close(): void {
    this.req.destroy();
  }
}
