import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Clock } from './clock';
import { uuid } from './ids';

/**
 * Outgoing webhook traffic of an emulator (Google channel notifications, Graph change, lifecycle
 * and validation requests): delivered in order per target, recorded, optionally held back until a
 * test flushes them, optionally dropped, and carried by plain HTTP(S) unless a test hands in its
 * own transport.
 */

export type NotificationKind = 'google-sync' | 'google-change' | 'graph-change' | 'graph-lifecycle' | 'graph-validation';

export interface OutgoingNotification {
  id: string;
  kind: NotificationKind;
  /** A channel id or a subscription id: deliveries to one target keep their order. */
  target: string;
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Replaces HTTP delivery (for example to hand notifications to an in-process app). */
export type NotificationTransport = (notification: OutgoingNotification, signal: AbortSignal) => Promise<TransportResponse>;

/**
 * `immediate` (default): POSTed in the background right after the change, in order per target.
 * `manual`: held until `flush()` — for tests that want to decide when (or whether) a webhook arrives.
 */
export type NotificationDeliveryMode = 'immediate' | 'manual';

export interface DeliveryRecord {
  notification: OutgoingNotification;
  queuedAt: number;
  /** `dropped` by `dropNext`; `pending` while held (manual mode) or in flight. */
  state: 'pending' | 'delivered' | 'failed' | 'dropped';
  status?: number;
  responseBody?: string;
  responseContentType?: string;
  error?: string;
  durationMs?: number;
}

const RESPONSE_LIMIT = 64 * 1024;
const HISTORY_LIMIT = 5000;

export class Notifier {
  private readonly history: DeliveryRecord[] = [];
  private held: DeliveryRecord[] = [];
  private readonly chains = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly controllers = new Set<AbortController>();
  private dropBudget = 0;
  private closed = false;

  constructor(
    private mode: NotificationDeliveryMode,
    private readonly transport: NotificationTransport,
    private readonly clock: Clock,
  ) {}

  setMode(mode: NotificationDeliveryMode): void {
    this.mode = mode;
  }

  get deliveryMode(): NotificationDeliveryMode {
    return this.mode;
  }

  /** Drops the next `count` change notifications (never validation requests). */
  dropNext(count = 1): void {
    this.dropBudget += Math.max(0, count);
  }

  /** Queues a change/lifecycle notification according to the delivery mode. */
  send(input: Omit<OutgoingNotification, 'id' | 'method'>, { droppable }: { droppable: boolean }): DeliveryRecord {
    const record: DeliveryRecord = {
      notification: { ...input, id: uuid(), method: 'POST' },
      queuedAt: this.clock(),
      state: 'pending',
    };
    this.remember(record);
    if (this.closed) {
      record.state = 'failed';
      record.error = 'emulator stopped';
      return record;
    }
    if (droppable && this.dropBudget > 0) {
      this.dropBudget -= 1;
      record.state = 'dropped';
      return record;
    }
    if (this.mode === 'manual') this.held.push(record);
    else this.enqueue(record);
    return record;
  }

  /** Delivers at once and waits (the Graph validation handshake, whose answer decides the API call). */
  async deliverNow(input: Omit<OutgoingNotification, 'id' | 'method'>): Promise<DeliveryRecord> {
    const record: DeliveryRecord = {
      notification: { ...input, id: uuid(), method: 'POST' },
      queuedAt: this.clock(),
      state: 'pending',
    };
    this.remember(record);
    await this.deliver(record);
    return record;
  }

  /** Manual mode: delivers everything held, in order, and returns those records. */
  async flush(): Promise<DeliveryRecord[]> {
    const batch = this.held;
    this.held = [];
    for (const record of batch) this.enqueue(record);
    await this.settled();
    return batch;
  }

  /** Forgets what is held without delivering it (as if the provider lost it). */
  discardHeld(): DeliveryRecord[] {
    const batch = this.held;
    this.held = [];
    for (const record of batch) record.state = 'dropped';
    return batch;
  }

  /** Resolves when nothing is in flight (held notifications do not count). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  records(): DeliveryRecord[] {
    return [...this.history];
  }

  heldRecords(): DeliveryRecord[] {
    return [...this.held];
  }

  clearHistory(): void {
    this.history.length = 0;
  }

  /** Aborts what is in flight and refuses new work. */
  async close(): Promise<void> {
    this.closed = true;
    this.held = [];
    for (const controller of this.controllers) controller.abort();
    await this.settled();
  }

  private remember(record: DeliveryRecord): void {
    this.history.push(record);
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
  }

  private enqueue(record: DeliveryRecord): void {
    const target = record.notification.target;
    const previous = this.chains.get(target) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(record));
    this.chains.set(target, next);
    this.inFlight.add(next);
    void next.finally(() => {
      this.inFlight.delete(next);
      if (this.chains.get(target) === next) this.chains.delete(target);
    });
  }

  private async deliver(record: DeliveryRecord): Promise<void> {
    if (this.closed) {
      record.state = 'failed';
      record.error = 'emulator stopped';
      return;
    }
    const controller = new AbortController();
    this.controllers.add(controller);
    const timer = setTimeout(() => controller.abort(new Error('timeout')), record.notification.timeoutMs);
    const started = Date.now();
    try {
      const response = await this.transport(record.notification, controller.signal);
      record.status = response.status;
      record.responseBody = response.body;
      record.responseContentType = response.headers['content-type'];
      record.state = response.status >= 200 && response.status < 300 ? 'delivered' : 'failed';
    } catch (error) {
      record.state = 'failed';
      record.error = controller.signal.aborted
        ? `no answer within ${record.notification.timeoutMs} ms`
        : (error as Error).message || String(error);
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
      record.durationMs = Date.now() - started;
    }
  }
}

/** Plain HTTP(S) POST, one connection per request (no keep-alive sockets left behind). */
export const httpTransport: NotificationTransport = (notification, signal) =>
  new Promise<TransportResponse>((resolve, reject) => {
    const url = new URL(notification.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const body = Buffer.from(notification.body, 'utf8');
    const req = send(
      url,
      {
        method: notification.method,
        headers: { ...notification.headers, 'content-length': String(body.length) },
        agent: false,
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= RESPONSE_LIMIT) chunks.push(chunk);
        });
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
